//! How the process ends: every exit status, its code, and "worst status wins".
//!
//! `check-expiry` and `status` speak the Nagios plugin convention (0 OK, 1
//! WARNING, 2 CRITICAL, 3 UNKNOWN), so a failure there is 3, "could not
//! check"; every other command exits 2 on a usage or input error and 1 on a
//! negative answer.

use std::process::ExitCode;

use certgen::expiry::{Level, Tally};

/// The commands whose failures exit 3 (UNKNOWN) instead of 2.
pub const NAGIOS_COMMANDS: [&str; 2] = ["check-expiry", "status"];

/// Process exit statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// A negative answer (`verify` rejects the chain).
    Negative,
    /// A usage or input error: the command did not do its work.
    Usage,
    /// The Nagios statuses beyond OK of check-expiry and status.
    Warning,
    Critical,
    Unknown,
}

impl Status {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::Negative | Status::Warning => 1,
            Status::Usage | Status::Critical => 2,
            Status::Unknown => 3,
        }
    }

    /// How bad a status is, for [`Status::merge`]. Not the exit code: CRITICAL
    /// (2) outranks UNKNOWN (3), because an expired certificate must page even
    /// when another file could not be read, as Nagios's own plugins rank them
    /// (Monitoring::Plugin's `max_state`). UNKNOWN outranks WARNING: a file that
    /// could not be checked may hold an expired certificate.
    fn severity(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::Negative | Status::Warning => 1,
            Status::Unknown => 2,
            Status::Critical => 3,
            Status::Usage => 4,
        }
    }

    /// The worse of two statuses ("worst status wins"); on a tie, `self`.
    pub fn merge(self, other: Status) -> Status {
        if other.severity() > self.severity() {
            other
        } else {
            self
        }
    }

    /// The status of a command that failed: 3 (UNKNOWN) for check-expiry
    /// and status, 2 for every other command and when the command is not
    /// known.
    pub fn failure(command: Option<&str>) -> Status {
        match command {
            Some(c) if NAGIOS_COMMANDS.contains(&c) => Status::Unknown,
            _ => Status::Usage,
        }
    }
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        ExitCode::from(s.code())
    }
}

impl From<Level> for Status {
    fn from(l: Level) -> Status {
        match l {
            Level::Ok => Status::Ok,
            Level::Warning => Status::Warning,
            Level::Critical => Status::Critical,
            Level::Unknown => Status::Unknown,
            // Shown, but where a revoked certificate alarms it is CRITICAL.
            Level::Revoked | Level::Superseded => Status::Ok,
        }
    }
}

/// The worst status among the certificates and files a check-expiry scan saw,
/// by [`Status::merge`]; OK when it saw nothing.
pub fn worst(tally: &Tally) -> Level {
    worst_of(Level::ALL.into_iter().filter(|l| tally.count(*l) > 0))
}

/// The worst of `levels` by [`Status::merge`], as a Nagios status (OK,
/// WARNING, CRITICAL or UNKNOWN: REVOKED and SUPERSEDED count as OK); OK
/// when there are none.
pub fn worst_of(levels: impl IntoIterator<Item = Level>) -> Level {
    levels
        .into_iter()
        .map(|l| (Status::from(l), l))
        .fold((Status::Ok, Level::Ok), |(ws, wl), (s, l)| {
            if ws.merge(s) == ws { (ws, wl) } else { (s, l) }
        })
        .1
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Status; 6] = [
        Status::Ok,
        Status::Negative,
        Status::Usage,
        Status::Warning,
        Status::Critical,
        Status::Unknown,
    ];

    #[test]
    fn codes() {
        let codes: Vec<u8> = ALL.iter().map(|s| s.code()).collect();
        assert_eq!(codes, [0, 1, 2, 1, 2, 3]);
    }

    #[test]
    fn worst_status_wins() {
        use Status::*;
        for (a, b, worst) in [
            (Ok, Warning, Warning),
            (Warning, Unknown, Unknown),
            (Unknown, Critical, Critical),
            (Critical, Unknown, Critical),
            (Ok, Negative, Negative),
            (Negative, Usage, Usage),
            (Critical, Usage, Usage),
        ] {
            assert_eq!(a.merge(b), worst, "{a:?} + {b:?}");
            assert_eq!(b.merge(a), worst, "{b:?} + {a:?}");
        }
        for s in ALL {
            assert_eq!(s.merge(s), s);
            assert_eq!(s.merge(Ok), s);
        }
    }

    #[test]
    fn merge_is_associative() {
        for a in ALL {
            for b in ALL {
                for c in ALL {
                    assert_eq!(
                        a.merge(b).merge(c).code(),
                        a.merge(b.merge(c)).code(),
                        "{a:?} {b:?} {c:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn failures_exit_2_except_the_nagios_commands() {
        assert_eq!(Status::failure(Some("check-expiry")).code(), 3);
        assert_eq!(Status::failure(Some("status")).code(), 3);
        assert_eq!(Status::failure(Some("issue-server")).code(), 2);
        assert_eq!(Status::failure(None).code(), 2);
        let cli = <super::super::Cli as clap::CommandFactory>::command();
        for command in NAGIOS_COMMANDS {
            assert!(cli.find_subcommand(command).is_some(), "{command}");
        }
    }

    #[test]
    fn a_scan_exits_with_its_worst_level() {
        let tally = |warning, critical, unknown| Tally {
            ok: 1,
            warning,
            critical,
            unknown,
            ..Tally::default()
        };
        assert_eq!(worst(&Tally::default()), Level::Ok);
        assert_eq!(worst(&tally(0, 0, 0)), Level::Ok);
        assert_eq!(worst(&tally(1, 0, 0)), Level::Warning);
        assert_eq!(worst(&tally(1, 0, 1)), Level::Unknown);
        assert_eq!(worst(&tally(1, 1, 1)), Level::Critical);
        assert_eq!(Status::from(worst(&tally(0, 1, 1))).code(), 2);
    }

    #[test]
    fn the_worst_of_levels_is_a_nagios_status() {
        use Level::*;
        assert_eq!(worst_of([]), Ok);
        assert_eq!(worst_of([Revoked, Superseded]), Ok);
        assert_eq!(worst_of([Ok, Warning, Revoked]), Warning);
        assert_eq!(worst_of([Warning, Unknown, Ok]), Unknown);
        assert_eq!(worst_of([Critical, Unknown, Warning]), Critical);
        assert_eq!(worst_of([Unknown, Critical]), Critical);
    }
}
