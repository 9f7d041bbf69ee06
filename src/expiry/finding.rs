//! What a scan reports: one finding per certificate, file or server, and
//! the tally of their levels.

use std::fmt;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use super::level::Level;
use super::revocation::Revocation;
use crate::cert::CertSummary;
use crate::serial::Serial;

/// Which findings the caller needs in full. Levels, dates and counts are the
/// same at every level of detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Every finding carries its certificate's whole summary and its reason.
    Summary,
    /// Every finding carries its certificate's name (subject and serial) and
    /// its reason, read without parsing the key, the extensions or the
    /// signature: a table of a large tree costs half as much as with
    /// `Summary`.
    Names,
    /// Only findings that are not OK carry their name and reason, which saves
    /// formatting them for a report that lists only the problems.
    Problems,
}

/// What a report names a certificate by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertName {
    /// In `X509_NAME_oneline` form.
    pub subject: String,
    pub serial: Serial,
}

/// What a finding reports of a CRL: its issuer, number and dates. A CRL is
/// judged by its nextUpdate, as a certificate by its notAfter: past it,
/// servers that check the CRL refuse every certificate of its CA.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CrlSummary {
    /// In `X509_NAME_oneline` form.
    pub issuer: String,
    /// In hex without leading zeros, as `inspect` shows it.
    pub crl_number: Option<String>,
    #[serde(with = "crate::rfc3339")]
    pub this_update: OffsetDateTime,
    #[serde(with = "crate::rfc3339::option")]
    pub next_update: Option<OffsetDateTime>,
    /// How many certificates it lists.
    pub revoked: usize,
}

impl CrlSummary {
    /// The summary of a parsed CRL.
    pub fn of(crl: &x509_parser::revocation_list::CertificateRevocationList<'_>) -> CrlSummary {
        CrlSummary {
            issuer: crate::name::oneline(crl.issuer()),
            crl_number: crl.crl_number().map(|n| n.to_str_radix(16).to_uppercase()),
            this_update: crl.last_update().to_datetime(),
            next_update: crl.next_update().map(|t| t.to_datetime()),
            revoked: crl.iter_revoked_certificates().count(),
        }
    }
}

/// Where a certificate was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A file, as reached from the path given.
    File(PathBuf),
    /// A live server (`HOST:PORT`, IPv6 in brackets): the chain it serves.
    Endpoint(String),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::File(path) => write!(f, "{}", path.display()),
            Source::Endpoint(target) => f.write_str(target),
        }
    }
}

/// One line of the report: a certificate, or a file or server that could not
/// be checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub source: Source,
    /// 1-based position of the certificate in its file (bundles hold several)
    /// or in the chain a server sent (the leaf first).
    pub position: Option<usize>,
    pub level: Level,
    /// Why this level: `expires in 3 days`, or the read or parse error.
    pub reason: String,
    /// The certificate's notAfter; `None` for UNKNOWN findings.
    pub not_after: Option<OffsetDateTime>,
    /// `None` for UNKNOWN findings and for OK ones under [`Detail::Problems`].
    pub name: Option<CertName>,
    /// The certificate's summary, under [`Detail::Summary`] only (and not for
    /// the rare certificate whose dates and names can be read but whose
    /// extensions cannot).
    /// Boxed: findings are made a thousand at a time and few carry one.
    pub cert: Option<Box<CertSummary>>,
    /// For a CRL (then `name` and `cert` are `None`, and `not_after` is its
    /// nextUpdate), at every level of detail.
    pub crl: Option<Box<CrlSummary>>,
    /// For a certificate the PKI's index records as revoked or superseded.
    pub revocation: Option<Box<Revocation>>,
}

impl Finding {
    pub(super) fn unknown(path: &Path, reason: impl Into<String>) -> Finding {
        Finding::unknown_at(Source::File(path.to_path_buf()), reason)
    }

    /// A file or server that could not be checked, and why.
    pub fn unknown_at(source: Source, reason: impl Into<String>) -> Finding {
        Finding {
            source,
            position: None,
            level: Level::Unknown,
            reason: reason.into(),
            not_after: None,
            name: None,
            cert: None,
            crl: None,
            revocation: None,
        }
    }

    /// Seconds from `now` to notAfter (negative once expired).
    pub fn seconds_left(&self, now: OffsetDateTime) -> Option<i64> {
        self.not_after.map(|t| (t - now).whole_seconds())
    }
}

/// Counts per status and the certificate or CRL closest to expiry.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Every finding, certificates and CRLs, by status.
    pub ok: usize,
    pub warning: usize,
    pub critical: usize,
    pub unknown: usize,
    /// Certificates the PKI's index records as revoked or superseded, met
    /// where that raises no status.
    pub revoked: usize,
    pub superseded: usize,
    /// The CRLs among them, by status.
    pub crls: CrlTally,
    /// The smallest number of seconds left among the certificates (to
    /// notAfter) and CRLs (to nextUpdate) seen.
    pub min_seconds_left: Option<i64>,
}

/// The CRLs of a [`Tally`], by status.
#[derive(Clone, Debug, Default)]
pub struct CrlTally {
    pub ok: usize,
    pub warning: usize,
    pub critical: usize,
}

impl CrlTally {
    pub fn count(&self, level: Level) -> usize {
        match level {
            Level::Ok => self.ok,
            Level::Warning => self.warning,
            Level::Critical => self.critical,
            Level::Unknown | Level::Revoked | Level::Superseded => 0,
        }
    }

    pub fn total(&self) -> usize {
        self.ok + self.warning + self.critical
    }
}

impl Tally {
    pub fn add(&mut self, f: &Finding, now: OffsetDateTime) {
        *self.count_mut(f.level) += 1;
        if f.crl.is_some() {
            match f.level {
                Level::Ok => self.crls.ok += 1,
                Level::Warning => self.crls.warning += 1,
                Level::Critical => self.crls.critical += 1,
                Level::Unknown | Level::Revoked | Level::Superseded => {}
            }
        }
        if let Some(left) = f.seconds_left(now) {
            self.min_seconds_left = Some(self.min_seconds_left.map_or(left, |m| m.min(left)));
        }
    }

    /// The certificates (CRLs left out) of a status.
    pub fn certificates_at(&self, level: Level) -> usize {
        self.count(level) - self.crls.count(level)
    }

    fn count_mut(&mut self, level: Level) -> &mut usize {
        match level {
            Level::Ok => &mut self.ok,
            Level::Warning => &mut self.warning,
            Level::Critical => &mut self.critical,
            Level::Unknown => &mut self.unknown,
            Level::Revoked => &mut self.revoked,
            Level::Superseded => &mut self.superseded,
        }
    }

    pub fn count(&self, level: Level) -> usize {
        match level {
            Level::Ok => self.ok,
            Level::Warning => self.warning,
            Level::Critical => self.critical,
            Level::Unknown => self.unknown,
            Level::Revoked => self.revoked,
            Level::Superseded => self.superseded,
        }
    }

    /// Certificates seen (UNKNOWN findings are files, not certificates;
    /// CRLs are counted in [`Tally::crls`]).
    pub fn certificates(&self) -> usize {
        self.ok + self.warning + self.critical + self.revoked + self.superseded - self.crls.total()
    }
}
