//! Durations (`30d`, `2w`, `12h`, or a plain number of days) and instants
//! (RFC 3339 or Unix seconds) as operators type them.

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::error::{Error, Result};

/// The longest duration accepted anywhere: 100 years of 365 days.
pub const MAX_DURATION: Duration = Duration::days(36_500);

/// Parses `30d`, `2w`, `12h`, `90m`, `45s`, or a plain number of days, up to
/// [`MAX_DURATION`].
pub fn parse_duration(s: &str) -> Result<Duration> {
    let t = s.trim();
    let bad = || Error::BadDuration(s.to_string());
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: i64 = num.parse().map_err(|_| bad())?;
    let secs_per = match unit.trim() {
        "" | "d" => 86_400,
        "w" => 7 * 86_400,
        "h" => 3_600,
        "m" => 60,
        "s" => 1,
        _ => return Err(bad()),
    };
    n.checked_mul(secs_per)
        .map(Duration::seconds)
        .filter(|d| *d <= MAX_DURATION)
        .ok_or_else(|| Error::DurationTooLong(s.to_string()))
}

/// Parses an instant: RFC 3339 (`2026-11-22T13:50:01Z`) or Unix seconds.
pub fn parse_instant(s: &str) -> Result<OffsetDateTime> {
    let t = s.trim();
    if let Ok(secs) = t.parse::<i64>() {
        return OffsetDateTime::from_unix_timestamp(secs).map_err(|source| Error::TimeOutOfRange {
            value: s.to_string(),
            source,
        });
    }
    OffsetDateTime::parse(t, &Rfc3339).map_err(|_| Error::BadTime(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30d").unwrap(), Duration::days(30));
        assert_eq!(parse_duration("30").unwrap(), Duration::days(30));
        assert_eq!(parse_duration("2w").unwrap(), Duration::days(14));
        assert_eq!(parse_duration("12h").unwrap(), Duration::hours(12));
        for bad in ["", "d", "-1d", "3y", "1.5d", "99999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn instants() {
        assert_eq!(
            parse_instant("2026-11-22T13:50:01Z").unwrap(),
            datetime!(2026-11-22 13:50:01 UTC)
        );
        assert_eq!(parse_instant("0").unwrap(), datetime!(1970-01-01 0:00 UTC));
        assert!(parse_instant("yesterday").is_err());
    }
}
