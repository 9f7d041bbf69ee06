//! Statuses, thresholds and the running tally of a `check-expiry` scan.

use time::{Duration, OffsetDateTime};

use crate::error::{Error, Result};

/// A status in the Nagios convention, and two that are not OK without
/// raising the status: a certificate the PKI's index records as revoked, or
/// superseded by a renewal, met where that is expected (the PKI directory,
/// an archive). Which status wins, and the exit codes, belong to the binary,
/// with its other exit statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Warning,
    Critical,
    Unknown,
    Revoked,
    Superseded,
}

impl Level {
    /// The Nagios statuses, the exit status is the worst of.
    pub const ALL: [Level; 4] = [Level::Ok, Level::Warning, Level::Critical, Level::Unknown];

    /// Whether it is a problem that raises the status: WARNING, CRITICAL,
    /// UNKNOWN (not OK, REVOKED or SUPERSEDED).
    pub fn raises(self) -> bool {
        matches!(self, Level::Warning | Level::Critical | Level::Unknown)
    }

    /// `OK`, `WARNING`, `CRITICAL`, `UNKNOWN`, `REVOKED`, `SUPERSEDED`.
    pub fn name(self) -> &'static str {
        match self {
            Level::Ok => "OK",
            Level::Warning => "WARNING",
            Level::Critical => "CRITICAL",
            Level::Unknown => "UNKNOWN",
            Level::Revoked => "REVOKED",
            Level::Superseded => "SUPERSEDED",
        }
    }
}

/// When a certificate becomes WARNING and CRITICAL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    pub warn: Duration,
    pub crit: Duration,
}

impl Thresholds {
    /// Checks that the critical window lies inside the warning window.
    pub fn new(warn: Duration, crit: Duration) -> Result<Thresholds> {
        if warn.is_negative() || crit.is_negative() {
            return Err(Error::NegativeThreshold);
        }
        if crit > warn {
            return Err(Error::CriticalAboveWarning { warn, crit });
        }
        Ok(Thresholds { warn, crit })
    }

    /// The status of a certificate valid from `not_before` to `not_after`, and why.
    pub fn classify(
        &self,
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
        now: OffsetDateTime,
    ) -> (Level, String) {
        (
            self.level(not_before, not_after, now),
            reason(not_before, not_after, now),
        )
    }

    /// The status of a CRL current from `this_update` to `next_update`,
    /// judged by its nextUpdate as a certificate is by its notAfter: past
    /// it, servers that check the CRL refuse every certificate of its CA.
    /// One without a nextUpdate never lapses.
    pub fn crl_level(
        &self,
        this_update: OffsetDateTime,
        next_update: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Level {
        match next_update {
            Some(next) => self.level(this_update, next, now),
            None if now < this_update => Level::Critical,
            None => Level::Ok,
        }
    }

    /// The status alone, without building the reason.
    pub fn level(
        &self,
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Level {
        let left = not_after - now;
        if now < not_before || left.is_negative() || left < self.crit {
            Level::Critical
        } else if left < self.warn {
            Level::Warning
        } else {
            Level::Ok
        }
    }
}

/// Why a certificate valid from `not_before` to `not_after` has its status:
/// `not valid before ...`, `expired 3 days ago`, `expires in 5 hours`.
pub fn reason(
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    now: OffsetDateTime,
) -> String {
    let left = not_after - now;
    if now < not_before {
        let when = crate::rfc3339::format(not_before);
        return format!("not valid before {when}");
    }
    if left.is_negative() {
        return format!("expired {} ago", human(-left));
    }
    format!("expires in {}", human(left))
}

/// Why a CRL current from `this_update` to `next_update` has its status:
/// `not valid before ...`, `next update passed 3 days ago`, `next update in
/// 5 hours`, `no next update`.
pub fn crl_reason(
    this_update: OffsetDateTime,
    next_update: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> String {
    if now < this_update {
        let when = crate::rfc3339::format(this_update);
        return format!("not valid before {when}");
    }
    let Some(next) = next_update else {
        return "no next update".into();
    };
    let left = next - now;
    if left.is_negative() {
        return format!(
            "next update passed {} ago: servers that check it refuse every certificate of its CA",
            human(-left)
        );
    }
    format!("next update in {}", human(left))
}

/// `3 days`, `5 hours`, `1 minute`: the largest whole unit.
pub fn human(d: Duration) -> String {
    let (n, unit) = if d.whole_days() != 0 {
        (d.whole_days(), "day")
    } else if d.whole_hours() != 0 {
        (d.whole_hours(), "hour")
    } else if d.whole_minutes() != 0 {
        (d.whole_minutes(), "minute")
    } else {
        (d.whole_seconds(), "second")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}
