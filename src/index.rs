//! `index.txt` in the format of `openssl ca`, so `openssl ca -gencrl` and
//! `openssl ca -status SERIAL` work on a certgen PKI directory.
//!
//! Each line is six tab-separated fields: status (`V`, `R`, `E`), expiry
//! (`YYMMDDHHMMSSZ`, or `YYYYMMDDHHMMSSZ` from 2050), revocation date (empty
//! unless revoked), serial in upper-case hex, file name, and subject in
//! `X509_NAME_oneline` form.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;

use time::OffsetDateTime;
use time::macros::format_description;

use crate::error::{BadLine, Error, Result};
use crate::serial::Serial;

mod reason;
use crate::input::{MAX_INDEX, open_no_follow, read_no_follow, utf8};
pub use reason::{Reason, code_of, reason_name};

/// The content of `index.txt.attr`: several valid certificates may share a
/// subject, which renewal and `--force` need.
pub const ATTR_CONTENT: &str = "unique_subject = no\n";

/// A certificate's state in the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Valid,
    Revoked,
    Expired,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Valid, Status::Revoked, Status::Expired];

    /// The name `list` prints and takes, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Revoked => "revoked",
            Status::Expired => "expired",
        }
    }

    /// The status called `name`, as [`Status::name`] writes it.
    pub fn from_name(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.name() == name)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One line of the index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub status: Status,
    pub not_after: OffsetDateTime,
    /// The revocation field verbatim (date, optionally `,reason`).
    pub revoked: String,
    pub serial: Serial,
    /// Path of the certificate relative to the PKI directory, or `unknown`.
    pub file: String,
    /// Subject in `X509_NAME_oneline` form.
    pub subject: String,
}

impl Entry {
    /// A new line for a certificate just issued.
    pub fn issued(serial: Serial, not_after: OffsetDateTime, file: &str, subject: &str) -> Entry {
        Entry {
            status: Status::Valid,
            not_after,
            revoked: String::new(),
            serial,
            file: if file.is_empty() {
                "unknown".into()
            } else {
                file.into()
            },
            subject: subject.into(),
        }
    }

    /// The state at `now`: an entry still marked valid whose notAfter has
    /// passed is expired, as `openssl ca -updatedb` would mark it.
    pub fn status_at(&self, now: OffsetDateTime) -> Status {
        match self.status {
            Status::Valid if self.not_after < now => Status::Expired,
            status => status,
        }
    }

    /// When and why the certificate was revoked, from the revocation field
    /// as `openssl ca` writes it (`YYMMDDHHMMSSZ[,reason]`, the reason a
    /// name such as `keyCompromise`); `None` when the field is empty or its
    /// time cannot be read.
    pub fn revocation(&self) -> Option<(OffsetDateTime, Option<&str>)> {
        let (date, reason) = match self.revoked.split_once(',') {
            Some((date, reason)) => (date, Some(reason).filter(|r| !r.is_empty())),
            None => (self.revoked.as_str(), None),
        };
        Some((parse_asn1_time(date).ok()?, reason))
    }

    /// Whether a renewal (or `--force`) replaced this certificate: revoked
    /// with reason `superseded`, as `openssl ca` records it.
    pub fn is_superseded(&self) -> bool {
        self.status == Status::Revoked
            && matches!(self.revocation(), Some((_, Some(r))) if r.eq_ignore_ascii_case("superseded"))
    }

    /// Marks the certificate revoked at `now` for `reason`, as `openssl ca
    /// -revoke -crl_reason` writes it (`261122190651Z,keyCompromise`).
    pub fn mark_revoked(&mut self, reason: Reason, now: OffsetDateTime) {
        self.status = Status::Revoked;
        self.revoked = format!("{},{}", format_asn1_time(now), reason.index_name());
    }

    /// Records the certificate's key as compromised: a certificate not
    /// revoked yet is revoked at `now` for keyCompromise; one revoked for
    /// another reason (a renewal's `superseded`) keeps its date and gets
    /// reason keyCompromise, as Mozilla's root store policy (6.1.1) asks of
    /// a CA that learns of a key compromise after revoking: the earlier
    /// date still says since when it is not to be trusted. Returns the
    /// reason it was revoked with before (`Some(None)` for a revocation
    /// without a reason), `None` when it was not revoked, and does nothing
    /// to an entry already revoked for keyCompromise.
    pub fn mark_key_compromised(&mut self, now: OffsetDateTime) -> Option<Option<String>> {
        if self.status != Status::Revoked {
            self.mark_revoked(Reason::KeyCompromise, now);
            return None;
        }
        let (date, reason) = match self.revoked.split_once(',') {
            Some((date, reason)) => (date, Some(reason).filter(|r| !r.is_empty())),
            None => (self.revoked.as_str(), None),
        };
        let before = reason.map(|r| r.split(',').next().unwrap_or(r).to_string());
        if self.is_key_compromised() {
            return Some(before);
        }
        self.revoked = format!("{date},{}", Reason::KeyCompromise.index_name());
        Some(before)
    }

    /// Whether the index records this certificate revoked for keyCompromise
    /// (`keyTime`, openssl's `-crl_compromise`, included).
    pub fn is_key_compromised(&self) -> bool {
        self.status == Status::Revoked
            && matches!(
                self.revocation(),
                Some((_, Some(r))) if code_of(r.split(',').next().unwrap_or(r)) == Some(1)
            )
    }

    /// Refuses the certificate this entry records as revoked (a renewal's
    /// superseded certificate included), with when and why.
    fn check_not_revoked(&self) -> crate::error::Result<()> {
        if self.status != Status::Revoked {
            return Ok(());
        }
        let revocation = self.revocation();
        Err(crate::error::Error::CertRevoked {
            serial: self.serial.clone(),
            at: revocation.map(|(at, _)| at),
            reason: revocation.and_then(|(_, r)| r).map(str::to_string),
        })
    }

    fn to_line(&self) -> String {
        let status = match self.status {
            Status::Valid => 'V',
            Status::Revoked => 'R',
            Status::Expired => 'E',
        };
        format!(
            "{status}\t{}\t{}\t{}\t{}\t{}\n",
            format_asn1_time(self.not_after),
            self.revoked,
            self.serial,
            sanitize_field(&self.file),
            sanitize_field(&self.subject)
        )
    }

    fn from_line(line: &str) -> std::result::Result<Entry, BadLine> {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != 6 {
            return Err(BadLine::Fields(fields.len()));
        }
        let status = match fields[0] {
            "V" => Status::Valid,
            "R" => Status::Revoked,
            "E" => Status::Expired,
            other => return Err(BadLine::Status(other.to_string())),
        };
        let not_after = parse_asn1_time(fields[1])?;
        let serial =
            Serial::from_hex(fields[3]).map_err(|_| BadLine::Serial(fields[3].to_string()))?;
        Ok(Entry {
            status,
            not_after,
            revoked: fields[2].to_string(),
            serial,
            file: fields[4].to_string(),
            subject: fields[5].to_string(),
        })
    }
}

/// Tabs and newlines would break the line format.
fn sanitize_field(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

/// UTCTime before 2050, GeneralizedTime from then on (RFC 5280 4.1.2.5).
pub fn format_asn1_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let res = if t.year() < 2050 {
        t.format(format_description!(
            "[year repr:last_two][month][day][hour][minute][second]Z"
        ))
    } else {
        t.format(format_description!(
            "[year][month][day][hour][minute][second]Z"
        ))
    };
    res.unwrap_or_default()
}

/// Parses `YYMMDDHHMMSSZ` (UTCTime) or `YYYYMMDDHHMMSSZ` (GeneralizedTime).
pub fn parse_asn1_time(s: &str) -> std::result::Result<OffsetDateTime, BadLine> {
    let bad = || BadLine::Time(s.to_string());
    let digits = s.strip_suffix('Z').ok_or_else(bad)?;
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let (year, rest) = match digits.len() {
        12 => {
            let yy: i32 = digits[..2].parse().map_err(|_| bad())?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &digits[2..])
        }
        14 => (digits[..4].parse().map_err(|_| bad())?, &digits[4..]),
        _ => return Err(bad()),
    };
    let n = |i: usize| rest[i..i + 2].parse::<u8>().map_err(|_| bad());
    let month = time::Month::try_from(n(0)?).map_err(|_| bad())?;
    let date = time::Date::from_calendar_date(year, month, n(2)?).map_err(|_| bad())?;
    let t = time::Time::from_hms(n(4)?, n(6)?, n(8)?).map_err(|_| bad())?;
    Ok(date.with_time(t).assume_utc())
}

/// The revoked entries of the index at `path`, read line by line without
/// keeping the others: what a CRL is made of, from an index of any size in
/// little memory. Only `R` lines are parsed; a missing file has none. Opened
/// as [`Index::load`] opens it: a FIFO or link in its place is refused.
pub fn load_revoked(path: &Path) -> Result<Vec<Entry>> {
    use std::io::BufRead;
    let file = match open_no_follow(path, MAX_INDEX) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("reading", path)(e)),
    };
    use std::io::Read;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file.take(MAX_INDEX));
    let mut line = Vec::new();
    let mut revoked = Vec::new();
    for n in 1.. {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(Error::io("reading", path))?;
        if read == 0 {
            break;
        }
        if !line.starts_with(b"R\t") {
            continue;
        }
        let bad = |source| Error::Index {
            path: path.to_path_buf(),
            line: n,
            source,
        };
        let text = std::str::from_utf8(&line)
            .map_err(|_| bad(BadLine::Status("not UTF-8".into())))?
            .trim_end_matches(['\n', '\r']);
        revoked.push(Entry::from_line(text).map_err(bad)?);
    }
    Ok(revoked)
}

/// The whole index in memory.
#[derive(Clone, Debug, Default)]
pub struct Index {
    pub entries: Vec<Entry>,
    serials: HashSet<Serial>,
}

impl Index {
    /// Marks the valid certificates of `serials` revoked with reason
    /// superseded, as `openssl ca` records replaced certificates, in one
    /// pass; anything else is left as is.
    pub fn supersede_all(&mut self, serials: &HashSet<Serial>, now: OffsetDateTime) {
        if serials.is_empty() {
            return;
        }
        let revoked = format!(
            "{},{}",
            format_asn1_time(now),
            Reason::Superseded.index_name()
        );
        for entry in &mut self.entries {
            if entry.status == Status::Valid && serials.contains(&entry.serial) {
                entry.status = Status::Revoked;
                entry.revoked = revoked.clone();
            }
        }
    }

    /// The entry of `serial`, if the index records it.
    pub fn entry(&self, serial: &Serial) -> Option<&Entry> {
        self.entries.iter().find(|e| e.serial == *serial)
    }

    /// Where `serial` is in [`Index::entries`].
    pub fn position(&self, serial: &Serial) -> Option<usize> {
        if !self.contains(serial) {
            return None;
        }
        self.entries.iter().position(|e| e.serial == *serial)
    }

    /// Refuses a certificate that must not be used (deployed, or named by
    /// settings): one this index records as revoked (a renewal's
    /// superseded certificate included), or one that has expired at `now`.
    /// `what` names the certificate file.
    pub fn check_current(
        &self,
        what: &str,
        cert: &crate::cert::CertSummary,
        now: OffsetDateTime,
    ) -> crate::error::Result<()> {
        let entry = self.entry(&cert.serial);
        if let Some(entry) = entry {
            entry.check_not_revoked()?;
        }
        let status = entry.map_or(Status::Valid, |e| e.status_at(now));
        if status == Status::Expired || cert.not_after < now {
            return Err(crate::error::Error::CertExpired {
                what: what.to_string(),
                not_after: cert.not_after,
            });
        }
        Ok(())
    }

    /// Parses the index; a missing file is an empty index. The index is
    /// certgen's own file: a link, FIFO or device in its place is refused
    /// (`crate::input::read_no_follow`).
    pub fn load(path: &Path) -> Result<Index> {
        let text = match read_no_follow(path, MAX_INDEX).and_then(utf8) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Index::default()),
            Err(e) => return Err(Error::io("reading", path)(e)),
        };
        let mut index = Index::default();
        for (n, line) in text.lines().enumerate() {
            if line.is_empty() {
                continue;
            }
            let entry = Entry::from_line(line).map_err(|source| Error::Index {
                path: path.to_path_buf(),
                line: n + 1,
                source,
            })?;
            index.push(entry);
        }
        Ok(index)
    }

    /// Whether a serial is already in use.
    pub fn contains(&self, serial: &Serial) -> bool {
        self.serials.contains(serial)
    }

    /// A random serial not yet in the index.
    pub fn fresh_serial(&self) -> Result<Serial> {
        loop {
            let s = Serial::random()?;
            if !self.contains(&s) {
                return Ok(s);
            }
        }
    }

    /// Adds an entry; a serial already present is an error.
    pub fn push(&mut self, entry: Entry) {
        self.serials.insert(entry.serial.clone());
        self.entries.push(entry);
    }

    /// Adds a newly issued entry, refusing a serial that is already used.
    pub fn record(&mut self, entry: Entry) -> Result<()> {
        if self.contains(&entry.serial) {
            return Err(Error::DuplicateSerial(entry.serial));
        }
        self.push(entry);
        Ok(())
    }

    /// The file content.
    pub fn render(&self) -> String {
        self.entries.iter().map(Entry::to_line).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_certificates_pass_revoked_superseded_and_expired_do_not() {
        use time::macros::datetime;
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["app".into()]).unwrap();
        params.serial_number = Some(rcgen::SerialNumber::from_slice(&[0x0B]));
        params.not_before = datetime!(2020-01-01 0:00 UTC);
        params.not_after = datetime!(2030-01-01 0:00 UTC);
        let der = params.self_signed(&key).unwrap().der().to_vec();
        let cert = crate::cert::CertSummary::from_der("app", &der, false).unwrap();
        let t = tempfile::tempdir().unwrap();
        let index = |line: &str| {
            let path = t.path().join("index.txt");
            std::fs::write(&path, format!("{line}\n")).unwrap();
            Index::load(&path).unwrap()
        };
        let now = datetime!(2026-01-01 0:00 UTC);
        let valid = index("V\t300101000000Z\t\t0B\tunknown\t/CN=app");
        assert!(valid.check_current("c", &cert, now).is_ok());
        // Not in the index: only its dates count.
        let other = index("V\t300101000000Z\t\t0C\tunknown\t/CN=app");
        assert!(other.check_current("c", &cert, now).is_ok());
        for reason in ["keyCompromise", "superseded"] {
            let revoked = index(&format!(
                "R\t300101000000Z\t250101000000Z,{reason}\t0B\tunknown\t/CN=app"
            ));
            let err = revoked.check_current("c", &cert, now).unwrap_err();
            assert!(
                matches!(&err, crate::error::Error::CertRevoked { reason: Some(r), .. } if r == reason),
                "{err}"
            );
        }
        let later = datetime!(2030-01-01 0:00:01 UTC);
        for idx in [&valid, &other] {
            let err = idx.check_current("c", &cert, later).unwrap_err();
            assert!(
                matches!(err, crate::error::Error::CertExpired { .. }),
                "{err}"
            );
        }
    }

    use time::macros::datetime;

    #[test]
    fn lines_round_trip_in_openssl_format() {
        let e = Entry::issued(
            Serial::from_hex("0A1B").unwrap(),
            datetime!(2031-05-06 07:08:09 UTC),
            "users/app/client-cert.pem",
            "/CN=app",
        );
        let line = e.to_line();
        assert_eq!(
            line,
            "V\t310506070809Z\t\t0A1B\tusers/app/client-cert.pem\t/CN=app\n"
        );
        assert_eq!(Entry::from_line(line.trim_end()).unwrap(), e);
    }

    #[test]
    fn a_valid_entry_past_its_not_after_is_expired() {
        let e = Entry::issued(
            Serial::from_hex("0A").unwrap(),
            datetime!(2030-01-01 0:00 UTC),
            "",
            "/CN=a",
        );
        assert_eq!(
            e.status_at(datetime!(2029-12-31 23:59:59 UTC)),
            Status::Valid
        );
        assert_eq!(e.status_at(datetime!(2030-01-01 0:00 UTC)), Status::Valid);
        assert_eq!(
            e.status_at(datetime!(2030-01-01 0:00:01 UTC)),
            Status::Expired
        );
        let revoked = Entry {
            status: Status::Revoked,
            ..e
        };
        assert_eq!(
            revoked.status_at(datetime!(2031-01-01 0:00 UTC)),
            Status::Revoked
        );
    }

    #[test]
    fn revocations_read_as_openssl_ca_writes_them() {
        let line = "R\t20991231235959Z\t300101000000Z,keyCompromise\t0D\tx\t/CN=eve";
        let e = Entry::from_line(line).unwrap();
        assert_eq!(
            e.revocation(),
            Some((datetime!(2030-01-01 0:00 UTC), Some("keyCompromise")))
        );
        let at = |field: &str| {
            let e = Entry {
                revoked: field.into(),
                ..e.clone()
            };
            e.revocation()
                .map(|(at, reason)| (at, reason.map(str::to_string)))
        };
        let new_year = datetime!(2030-01-01 0:00 UTC);
        assert_eq!(at("300101000000Z"), Some((new_year, None)));
        assert_eq!(at("300101000000Z,"), Some((new_year, None)));
        assert_eq!(at(""), None);
        assert_eq!(at("yesterday,keyCompromise"), None);
    }

    #[test]
    fn status_names_are_the_json_names() {
        for s in Status::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.name());
            assert_eq!(Status::from_name(s.name()), Some(s));
        }
        assert_eq!(Status::from_name("Valid"), None);
    }

    #[test]
    fn generalized_time_from_2050() {
        assert_eq!(
            format_asn1_time(datetime!(2099-12-31 23:59:59 UTC)),
            "20991231235959Z"
        );
        assert_eq!(
            parse_asn1_time("20991231235959Z").unwrap(),
            datetime!(2099-12-31 23:59:59 UTC)
        );
        assert_eq!(parse_asn1_time("491231235959Z").unwrap().year(), 2049);
        assert_eq!(parse_asn1_time("501231235959Z").unwrap().year(), 1950);
    }

    #[test]
    fn serials_are_positive_128_bit_and_unique() {
        let idx = Index::default();
        let mut seen = HashSet::new();
        for _ in 0..1000 {
            let s = idx.fresh_serial().unwrap();
            assert_eq!(s.as_bytes().len(), 16);
            assert!(s.as_bytes()[0] < 0x80 && s.as_bytes()[0] != 0);
            assert!(seen.insert(s));
        }
    }

    #[test]
    fn a_used_serial_is_refused() {
        let mut idx = Index::default();
        let s = Serial::from_hex("01").unwrap();
        let t = datetime!(2030-01-01 0:00 UTC);
        idx.record(Entry::issued(s.clone(), t, "", "/CN=a"))
            .unwrap();
        assert!(idx.record(Entry::issued(s, t, "", "/CN=b")).is_err());
    }

    #[test]
    fn revoked_lines_are_read_alone() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("index.txt");
        assert!(load_revoked(&p).unwrap().is_empty());
        std::fs::write(
            &p,
            "V\t310506070809Z\t\t0A\tunknown\t/CN=a\nR\t310506070809Z\t300101000000Z,superseded\t0B\tx\t/CN=b\r\nV\tnot read\nR\tbad\n",
        )
        .unwrap();
        let err = load_revoked(&p).unwrap_err();
        assert!(matches!(err, Error::Index { line: 4, .. }), "{err:?}");
        std::fs::write(
            &p,
            "V\t310506070809Z\t\t0A\tunknown\t/CN=a\nR\t310506070809Z\t300101000000Z,superseded\t0B\tx\t/CN=b\r\n",
        )
        .unwrap();
        let revoked = load_revoked(&p).unwrap();
        assert_eq!(revoked.len(), 1);
        assert_eq!(revoked[0].serial.to_string(), "0B");
        assert_eq!(revoked[0].subject, "/CN=b");
    }

    #[test]
    fn malformed_lines_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("index.txt");
        std::fs::write(&p, "V\t310506070809Z\t\t0A\tunknown\t/CN=a\nX\tbad\n").unwrap();
        let err = Index::load(&p).unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Index {
                    line: 2,
                    source: BadLine::Fields(2),
                    ..
                }
            ),
            "{err:?}"
        );
    }
}
