//! A value parser whose errors say which command they are for.

use std::ffi::OsStr;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::{ContextKind, ContextValue};
use clap::{Arg, Command};

/// A value parser whose errors carry the usage of the command being parsed,
/// as clap's other errors do: without it a rejected value would not say which
/// command it was for, and check-expiry's must exit 3.
#[derive(Clone, Debug)]
pub struct InCommand<P>(pub P);

impl<P: TypedValueParser> TypedValueParser for InCommand<P> {
    type Value = P::Value;

    fn parse_ref(
        &self,
        cmd: &Command,
        arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<Self::Value, clap::Error> {
        self.0.parse_ref(cmd, arg, value).map_err(|mut err| {
            let usage = cmd.clone().render_usage();
            err.insert(ContextKind::Usage, ContextValue::StyledStr(usage));
            err
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        self.0.possible_values()
    }
}
