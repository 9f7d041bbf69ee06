//! What status says of one thing it looks at.

use crate::expiry::Level;

/// A level and why, as a check-expiry finding has them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub level: Level,
    pub reason: String,
}

impl Verdict {
    pub fn new(level: Level, reason: impl Into<String>) -> Verdict {
        Verdict {
            level,
            reason: reason.into(),
        }
    }

    /// A WARNING.
    pub fn warning(reason: impl Into<String>) -> Verdict {
        Verdict::new(Level::Warning, reason)
    }
}

/// `verdict`, when it raises the status, then `flags`: a row's problems.
pub(super) fn problems<'a>(
    verdict: &'a Verdict,
    flags: &'a [Verdict],
) -> impl Iterator<Item = &'a Verdict> {
    std::iter::once(verdict)
        .filter(|v| v.level.raises())
        .chain(flags)
}
