//! Scanning files and directories for certificates and classifying how close
//! each one is to expiry, for `check-expiry`.
//!
//! The scan streams: directories are walked lazily in a stable (sorted) order,
//! files are read and parsed in parallel batches, and each result is handed to
//! the caller as soon as its batch is done, so memory stays flat however many
//! files there are.

mod cert;
mod walk;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustls_pki_types::pem::{PemObject, SectionKind};
use time::{Duration, OffsetDateTime};
use x509_parser::prelude::FromDer;

use crate::encoding::is_pem;
use crate::error::{Error, Result};
use walk::{Item, Walker};

/// Files handed to the worker threads at once: enough to keep every core busy,
/// few enough that memory does not grow with the tree.
const BATCH: usize = 1024;

/// A status in the Nagios convention.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::Ok, Level::Warning, Level::Critical, Level::Unknown];

    /// The Nagios plugin exit code.
    pub fn exit_code(self) -> u8 {
        match self {
            Level::Ok => 0,
            Level::Warning => 1,
            Level::Critical => 2,
            Level::Unknown => 3,
        }
    }

    /// `OK`, `WARNING`, `CRITICAL`, `UNKNOWN`.
    pub fn name(self) -> &'static str {
        match self {
            Level::Ok => "OK",
            Level::Warning => "WARNING",
            Level::Critical => "CRITICAL",
            Level::Unknown => "UNKNOWN",
        }
    }

    /// CRITICAL outranks UNKNOWN: an expired certificate must not be reported
    /// as merely "unknown" because an unrelated file could not be read.
    fn severity(self) -> u8 {
        match self {
            Level::Ok => 0,
            Level::Warning => 1,
            Level::Unknown => 2,
            Level::Critical => 3,
        }
    }

    /// The worse of two statuses ("worst status wins").
    pub fn merge(self, other: Level) -> Level {
        if other.severity() > self.severity() {
            other
        } else {
            self
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
            return Err(Error::Invalid("thresholds cannot be negative".into()));
        }
        if crit > warn {
            return Err(Error::Invalid(format!(
                "the critical threshold ({}) is longer than the warning threshold ({})",
                human(crit),
                human(warn)
            )));
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
        let left = not_after - now;
        if now < not_before {
            let when = crate::display_time(not_before);
            return (Level::Critical, format!("not valid before {when}"));
        }
        if left.is_negative() {
            return (Level::Critical, format!("expired {} ago", human(-left)));
        }
        let reason = format!("expires in {}", human(left));
        let level = if left < self.crit {
            Level::Critical
        } else if left < self.warn {
            Level::Warning
        } else {
            Level::Ok
        };
        (level, reason)
    }
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

/// What `check-expiry` reports about one certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertExpiry {
    /// Subject and issuer in `X509_NAME_oneline` form.
    pub subject: String,
    pub issuer: String,
    /// Upper-case hex.
    pub serial: String,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
}

/// One line of the report: a certificate, or a file that could not be checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub path: PathBuf,
    /// 1-based position of the certificate in its file (bundles hold several).
    pub position: Option<usize>,
    pub level: Level,
    /// Why this level: `expires in 3 days`, or the read or parse error.
    pub reason: String,
    /// `None` for UNKNOWN findings.
    pub cert: Option<CertExpiry>,
}

impl Finding {
    fn unknown(path: &Path, reason: impl Into<String>) -> Finding {
        Finding {
            path: path.to_path_buf(),
            position: None,
            level: Level::Unknown,
            reason: reason.into(),
            cert: None,
        }
    }

    /// Seconds from `now` to notAfter (negative once expired).
    pub fn seconds_left(&self, now: OffsetDateTime) -> Option<i64> {
        self.cert
            .as_ref()
            .map(|c| (c.not_after - now).whole_seconds())
    }
}

/// Counts per status and the certificate closest to expiry.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub ok: usize,
    pub warning: usize,
    pub critical: usize,
    pub unknown: usize,
    /// The smallest number of seconds left among the certificates seen.
    pub min_seconds_left: Option<i64>,
}

impl Tally {
    pub fn add(&mut self, f: &Finding, now: OffsetDateTime) {
        *self.count_mut(f.level) += 1;
        if let Some(left) = f.seconds_left(now) {
            self.min_seconds_left = Some(self.min_seconds_left.map_or(left, |m| m.min(left)));
        }
    }

    fn count_mut(&mut self, level: Level) -> &mut usize {
        match level {
            Level::Ok => &mut self.ok,
            Level::Warning => &mut self.warning,
            Level::Critical => &mut self.critical,
            Level::Unknown => &mut self.unknown,
        }
    }

    pub fn count(&self, level: Level) -> usize {
        match level {
            Level::Ok => self.ok,
            Level::Warning => self.warning,
            Level::Critical => self.critical,
            Level::Unknown => self.unknown,
        }
    }

    /// Certificates seen (UNKNOWN findings are files, not certificates).
    pub fn certificates(&self) -> usize {
        self.ok + self.warning + self.critical
    }

    /// The worst status seen; OK when nothing was seen.
    pub fn worst(&self) -> Level {
        Level::ALL
            .into_iter()
            .filter(|l| self.count(*l) > 0)
            .fold(Level::Ok, Level::merge)
    }
}

/// Scans the paths (files, or directories walked recursively) and hands each
/// finding to `sink` in a stable order.
///
/// Problems with files become UNKNOWN findings rather than errors; the only
/// error is one returned by `sink` (a closed pipe, say). When nothing at all is
/// found, one UNKNOWN finding says so.
pub fn scan<E>(
    paths: &[PathBuf],
    thresholds: Thresholds,
    now: OffsetDateTime,
    mut sink: impl FnMut(Finding) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut walker = Walker::new(paths);
    let mut emitted = 0usize;
    loop {
        let batch: Vec<Item> = walker.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            break;
        }
        let results: Vec<Vec<Finding>> = batch
            .into_par_iter()
            .map(|item| check_item(item, thresholds, now))
            .collect();
        for finding in results.into_iter().flatten() {
            emitted += 1;
            sink(finding)?;
        }
    }
    if emitted == 0 {
        let shown = paths
            .first()
            .map(PathBuf::as_path)
            .unwrap_or(Path::new("."));
        sink(Finding::unknown(shown, "no certificates found"))?;
    }
    Ok(())
}

fn check_item(item: Item, thresholds: Thresholds, now: OffsetDateTime) -> Vec<Finding> {
    match item {
        Item::Problem { path, reason } => vec![Finding::unknown(&path, reason)],
        Item::File { path, explicit } => match crate::input::read_file(&path) {
            Ok(bytes) => check_bytes(&path, &bytes, explicit, thresholds, now),
            Err(e) if !explicit && walk::is_skippable_secret(&path, &e) => Vec::new(),
            Err(e) => vec![Finding::unknown(&path, format!("cannot read: {e}"))],
        },
    }
}

/// File names that promise a certificate: when such a file holds none, that
/// is a problem rather than an unrelated file to skip.
fn promises_certificate(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["pem", "crt", "cer", "cert", "der"]
            .iter()
            .any(|c| e.eq_ignore_ascii_case(c))
    })
}

/// Classifies every certificate in one file's content.
///
/// `explicit` files (named by the user) must hold a certificate; files met
/// while walking a directory may be anything, and only those that look like
/// certificates but cannot be read as such are reported. Keys, CSRs and CRLs
/// are skipped.
pub fn check_bytes(
    path: &Path,
    bytes: &[u8],
    explicit: bool,
    thresholds: Thresholds,
    now: OffsetDateTime,
) -> Vec<Finding> {
    let must_hold = explicit || promises_certificate(path);
    if is_pem(bytes) {
        return check_pem(path, bytes, must_hold, thresholds, now);
    }
    if bytes.first() == Some(&0x30) {
        return check_der(path, bytes, must_hold, thresholds, now);
    }
    if !must_hold {
        return Vec::new();
    }
    let reason = if bytes.is_empty() {
        "empty file"
    } else {
        "neither PEM nor DER"
    };
    vec![Finding::unknown(path, reason)]
}

fn check_pem(
    path: &Path,
    bytes: &[u8],
    must_hold: bool,
    thresholds: Thresholds,
    now: OffsetDateTime,
) -> Vec<Finding> {
    match cert::pem_certificates(bytes) {
        Some(ders) => single_position(
            ders.iter()
                .enumerate()
                .map(|(n, der)| check_cert(path, Some(n + 1), der, thresholds, now))
                .collect(),
        ),
        None => check_pem_strictly(path, bytes, must_hold, thresholds, now),
    }
}

/// A position is only worth showing inside a bundle.
fn single_position(mut out: Vec<Finding>) -> Vec<Finding> {
    if let [only] = out.as_mut_slice() {
        only.position = None;
    }
    out
}

fn check_pem_strictly(
    path: &Path,
    bytes: &[u8],
    must_hold: bool,
    thresholds: Thresholds,
    now: OffsetDateTime,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut other_sections = 0usize;
    for section in <(SectionKind, Vec<u8>)>::pem_slice_iter(bytes) {
        match section {
            Ok((SectionKind::Certificate, der)) => {
                let position = out.len() + 1;
                out.push(check_cert(path, Some(position), &der, thresholds, now));
            }
            Ok(_) => other_sections += 1,
            Err(e) => {
                let mentions_cert = bytes.windows(16).any(|w| w == b"CERTIFICATE-----");
                if must_hold || mentions_cert || !out.is_empty() {
                    out.push(Finding::unknown(path, format!("malformed PEM: {e}")));
                }
                return out;
            }
        }
    }
    if out.is_empty() && other_sections == 0 && must_hold {
        out.push(Finding::unknown(path, "no certificate in the PEM data"));
    }
    single_position(out)
}

fn check_der(
    path: &Path,
    bytes: &[u8],
    must_hold: bool,
    thresholds: Thresholds,
    now: OffsetDateTime,
) -> Vec<Finding> {
    match cert::summarize(bytes) {
        Ok((_, trailing)) if trailing > 0 => vec![Finding::unknown(
            path,
            format!("{trailing} bytes of trailing data after the DER certificate"),
        )],
        Ok((info, _)) => vec![classified(path, None, info, thresholds, now)],
        Err(_) if is_other_der_object(bytes) || !must_hold => Vec::new(),
        Err(e) => vec![Finding::unknown(
            path,
            format!("not a DER certificate: {e}"),
        )],
    }
}

/// Keys, CSRs and CRLs in DER form, which `check-expiry` skips.
fn is_other_der_object(bytes: &[u8]) -> bool {
    use x509_parser::certification_request::X509CertificationRequest;
    use x509_parser::revocation_list::CertificateRevocationList;
    X509CertificationRequest::from_der(bytes).is_ok()
        || CertificateRevocationList::from_der(bytes).is_ok()
        || rustls_pki_types::PrivateKeyDer::try_from(bytes).is_ok()
}

fn check_cert(
    path: &Path,
    position: Option<usize>,
    der: &[u8],
    thresholds: Thresholds,
    now: OffsetDateTime,
) -> Finding {
    match cert::summarize(der) {
        Ok((info, _)) => classified(path, position, info, thresholds, now),
        Err(e) => {
            let mut f = Finding::unknown(path, format!("malformed certificate: {e}"));
            f.position = position;
            f
        }
    }
}

fn classified(
    path: &Path,
    position: Option<usize>,
    info: CertExpiry,
    thresholds: Thresholds,
    now: OffsetDateTime,
) -> Finding {
    let (level, reason) = thresholds.classify(info.not_before, info.not_after, now);
    Finding {
        path: path.to_path_buf(),
        position,
        level,
        reason,
        cert: Some(info),
    }
}

#[cfg(test)]
mod tests;
