//! Option values that are more than strings: durations, lifetimes and
//! instants, all through the library's one parser. A refusal reads as the end
//! of clap's `invalid value 'X' for '--days <DURATION>': ...`.

use time::{Duration, OffsetDateTime};

use certgen::Error;
use certgen::timearg::{parse_duration, parse_instant};

/// `30d`, `2w`, `12h`, `90m`, `45s`, or a plain number of days.
pub fn duration(s: &str) -> Result<Duration, String> {
    parse_duration(s).map_err(|e| match e {
        Error::BadDuration(_) => {
            "expected a number of days, or a number with d, w, h, m or s (30d, 2w, 12h)".into()
        }
        Error::DurationTooLong(_) => "more than 100 years".into(),
        other => other.to_string(),
    })
}

/// A certificate's lifetime (`--days`): a duration longer than zero.
pub fn lifetime(s: &str) -> Result<Duration, String> {
    let d = duration(s)?;
    if !d.is_positive() {
        return Err("a certificate's lifetime must be longer than zero".into());
    }
    Ok(d)
}

/// RFC 3339, a date (its midnight UTC) or Unix seconds.
pub fn instant(s: &str) -> Result<OffsetDateTime, String> {
    parse_instant(s).map_err(|e| match e {
        Error::BadTime(_) => {
            "expected RFC 3339 (2026-11-22T13:50:01Z), a date (2026-11-22) or Unix seconds".into()
        }
        Error::TimeOutOfRange { .. } => "out of the range of dates".into(),
        other => other.to_string(),
    })
}

/// A database by its name (`mariadb`, `postgres`, ...), with the names
/// listed in `--help` and completions.
pub fn database() -> impl clap::builder::TypedValueParser<Value = certgen::db::Database> {
    use clap::builder::TypedValueParser;
    let names: Vec<&'static str> = certgen::db::Database::ALL
        .iter()
        .map(|d| d.name())
        .collect();
    clap::builder::PossibleValuesParser::new(names).try_map(|s| {
        certgen::db::Database::from_name(&s).ok_or_else(|| format!("unknown database {s:?}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_are_positive_durations() {
        assert_eq!(lifetime("30d"), Ok(Duration::days(30)));
        assert_eq!(lifetime("825"), Ok(Duration::days(825)));
        assert_eq!(lifetime("2w"), Ok(Duration::weeks(2)));
        assert_eq!(lifetime("12h"), Ok(Duration::hours(12)));
        assert_eq!(
            lifetime("0"),
            Err("a certificate's lifetime must be longer than zero".into())
        );
        assert_eq!(lifetime("40000"), Err("more than 100 years".into()));
        assert!(lifetime("30 days").is_err());
        assert_eq!(duration("0"), Ok(Duration::ZERO), "a threshold may be zero");
    }
}
