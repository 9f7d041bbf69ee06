//! The one time format certgen prints, in text and JSON: RFC 3339 in UTC,
//! to the second (`2029-02-24T17:22:38Z`), as certificates carry times.

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// `t` in UTC as RFC 3339.
pub fn format(t: OffsetDateTime) -> String {
    let utc = t.to_offset(UtcOffset::UTC);
    // Certificate times are whole seconds; an instant given with a fraction
    // (`--at 2030-01-01T00:00:00.5Z`) is shown to the second like the rest.
    let utc = utc.replace_nanosecond(0).unwrap_or(utc);
    utc.format(&Rfc3339).unwrap_or_else(|_| utc.to_string())
}

/// For `#[serde(with = "certgen::rfc3339")]`.
pub fn serialize<S: serde::Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format(*t))
}

/// For `#[serde(with = "certgen::rfc3339::option")]`: `null` when absent.
pub mod option {
    use time::OffsetDateTime;

    pub fn serialize<S: serde::Serializer>(
        t: &Option<OffsetDateTime>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::serialize(t, s),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    #[test]
    fn utc_to_the_second() {
        assert_eq!(
            super::format(datetime!(2029-02-24 18:22:38.75 +01:00)),
            "2029-02-24T17:22:38Z"
        );
    }
}
