//! Durations (`30d`, `2w`, `12h`, or a plain number of days) and instants
//! (RFC 3339, a date, or Unix seconds) as operators type them.

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::duration::MAX_DURATION;
use crate::error::{Error, Result};

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

/// Parses an instant: RFC 3339 (`2026-11-22T13:50:01Z`), a date
/// (`2026-11-22`, its midnight UTC, the start of the day certificates'
/// validity is written in), or Unix seconds.
pub fn parse_instant(s: &str) -> Result<OffsetDateTime> {
    let t = s.trim();
    if let Ok(secs) = t.parse::<i64>() {
        return OffsetDateTime::from_unix_timestamp(secs).map_err(|source| Error::TimeOutOfRange {
            value: s.to_string(),
            source,
        });
    }
    let date = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(day) = time::Date::parse(t, date) {
        return Ok(day.midnight().assume_utc());
    }
    OffsetDateTime::parse(t, &Rfc3339).map_err(|_| Error::BadTime(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn durations() {
        for (text, want) in [
            ("30d", Duration::days(30)),
            ("30", Duration::days(30)),
            (" 30d ", Duration::days(30)),
            ("2w", Duration::days(14)),
            ("12h", Duration::hours(12)),
            ("90m", Duration::minutes(90)),
            ("45s", Duration::seconds(45)),
            ("0", Duration::ZERO),
            ("36500", MAX_DURATION),
        ] {
            assert_eq!(parse_duration(text).unwrap(), want, "{text}");
        }
        for bad in ["", "d", "-1d", "3y", "1.5d", "30 days", "2w3d"] {
            assert!(
                matches!(parse_duration(bad), Err(Error::BadDuration(ref v)) if v == bad),
                "{bad}"
            );
        }
        for long in ["36501", "5215w", "99999999999999d", "9223372036854775807w"] {
            assert!(
                matches!(parse_duration(long), Err(Error::DurationTooLong(_))),
                "{long}"
            );
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

    #[test]
    fn a_date_is_its_midnight_utc() {
        assert_eq!(
            parse_instant("2027-02-01").unwrap(),
            datetime!(2027-02-01 0:00 UTC)
        );
        assert_eq!(
            parse_instant(" 2024-02-29 ").unwrap(),
            datetime!(2024-02-29 0:00 UTC)
        );
        for bad in [
            "2027-02-30",
            "2027-2-1",
            "2027-02",
            "27-02-01",
            "2027-02-01T",
        ] {
            assert!(
                matches!(parse_instant(bad), Err(Error::BadTime(ref v)) if v == bad),
                "{bad}"
            );
        }
    }
}
