//! `certgen crl`: a v2 CRL of every revoked certificate, signed by the CA,
//! as `openssl ca -gencrl` makes it.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use serde::Serialize;
use time::Duration;

use certgen::crl::{DEFAULT_VALIDITY, generate};
use certgen::inspect::{CrlDetails, crl_details};
use certgen::pki::open_ca;
use certgen::rfc3339;

use super::args::Format;
use super::context::Context;
use super::exit::Status;
use super::in_command::InCommand;
use super::output;
use super::passphrase::PassphraseArgs;
use super::values;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Time until nextUpdate, when clients need a newer CRL: a number of days,
    /// or 30d, 2w, 12h [default: 30 days].
    #[arg(long, value_name = "DURATION", value_parser = InCommand(values::lifetime))]
    days: Option<Duration>,
    /// Where to write the CRL (PEM) [default: DIR/crl.pem].
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// What `crl --format json` prints: the file and the CRL as `inspect` describes it.
#[derive(Serialize)]
struct Report {
    file: PathBuf,
    crl: CrlDetails,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let ca = open_ca(&ctx.store)?;
    let validity = a.days.unwrap_or(DEFAULT_VALIDITY);
    let made = generate(&ctx.store, &ca, validity, a.out.as_deref(), ctx.now())
        .context("making the CRL")?;
    match a.format {
        Format::Json => output::print_json(&Report {
            crl: crl_details(&made.path.display().to_string(), &made.der)?,
            file: made.path,
        })?,
        Format::Text => output::line(&format!(
            "wrote CRL number {} of {} ({} revoked, next update {})\n  file: {}",
            // As inspect and the JSON show it: hex without leading zeros.
            made.number.to_string().trim_start_matches('0'),
            ca.subject(),
            made.revoked,
            rfc3339::format(made.next_update),
            made.path.display()
        ))?,
    }
    Ok(Status::Ok)
}
