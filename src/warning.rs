//! Something the operator should know about a result that is still a success:
//! a capped validity, a chain some clients will reject. Every command reports
//! warnings the same way: a code to match on and a sentence to read.

use std::fmt;

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Stable and documented: `validity-capped`, `v1-certificate`,
    /// `no-subject-alt-name`, `common-name-match`.
    pub code: &'static str,
    pub message: String,
}

impl Warning {
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> Warning {
        Warning {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
