//! Lengths of time as certgen states them: the longest it accepts, and the
//! exact wording of a duration in messages (`1 day 12 hours`).

use time::Duration;

/// The longest duration accepted anywhere: 100 years of 365 days.
pub const MAX_DURATION: Duration = Duration::days(36_500);

/// A duration exactly, in the largest units that fit: `21 days`,
/// `1 day 12 hours`, `90 seconds` is `1 minute 30 seconds`.
pub fn format_duration(d: Duration) -> String {
    let sign = if d.is_negative() { "-" } else { "" };
    let total = d.whole_seconds().unsigned_abs();
    let parts: Vec<String> = [
        (total / 86_400, "day"),
        (total / 3_600 % 24, "hour"),
        (total / 60 % 60, "minute"),
        (total % 60, "second"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, unit)| format!("{n} {unit}{}", if n == 1 { "" } else { "s" }))
    .collect();
    if parts.is_empty() {
        return "0 seconds".into();
    }
    format!("{sign}{}", parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_back_exactly() {
        assert_eq!(format_duration(Duration::days(21)), "21 days");
        assert_eq!(format_duration(Duration::hours(36)), "1 day 12 hours");
        assert_eq!(
            format_duration(Duration::seconds(90)),
            "1 minute 30 seconds"
        );
        assert_eq!(format_duration(Duration::ZERO), "0 seconds");
        assert_eq!(format_duration(-Duration::hours(1)), "-1 hour");
    }
}
