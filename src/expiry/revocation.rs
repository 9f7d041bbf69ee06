//! What the PKI's index says of the certificates a scan meets: a
//! certificate it records as revoked, or superseded by a renewal, is never
//! OK. Where it is decides whether that alarms: in the PKI directory or an
//! archive (`old_keys/`) it is shown as REVOKED or SUPERSEDED without
//! raising the status; deployed elsewhere, or served by a live server, a
//! revoked one is CRITICAL (servers that check the CRL refuse it, a client's;
//! clients are handed a certificate the CA has withdrawn, a server's), and a
//! superseded one a WARNING: a renewal not deployed or reloaded yet, which
//! fails once the CRL that lists it reaches the servers.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

use super::level::Level;
use crate::error::Result;
use crate::index::{Entry, load_revoked};
use crate::serial::Serial;
use crate::store::{OLD_KEYS, Store};

/// A revocation the index records.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Revocation {
    #[serde(with = "crate::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
    /// As `openssl ca` writes it in the index (`keyCompromise`, `superseded`).
    pub revocation_reason: Option<String>,
}

impl Revocation {
    /// The revocation an index line records (its date and reason).
    pub fn of(e: &Entry) -> Revocation {
        let parsed = e.revocation();
        Revocation {
            revoked_at: parsed.map(|(at, _)| at),
            revocation_reason: parsed
                .and_then(|(_, r)| r)
                .map(|r| r.split(',').next().unwrap_or(r).to_string()),
        }
    }

    /// A renewal's: the certificate was replaced, not withdrawn.
    pub fn superseded(&self) -> bool {
        self.revocation_reason
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case("superseded"))
    }

    /// `revoked on DATE (keyCompromise)`, `superseded on DATE`.
    fn said(&self) -> String {
        let when = self
            .revoked_at
            .map(|t| format!(" on {}", crate::rfc3339::format(t)))
            .unwrap_or_default();
        match self.revocation_reason.as_deref() {
            _ if self.superseded() => format!("superseded{when}"),
            Some(r) => format!("revoked{when} ({r})"),
            None => format!("revoked{when}"),
        }
    }
}

/// Where a certificate was met, for what its revocation means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The PKI directory's own files (its bundles).
    Pki,
    /// An archive of replaced files (`old_keys/`, the PKI's or a
    /// deployment's): revoked certificates are expected there.
    Archive,
    /// Anywhere else: a copy a server or client reads.
    Deployed,
    /// What a live server serves.
    Served,
    /// What a live server serves, when the caller also compares it with
    /// the certificate it should serve and says what to do (`check-expiry
    /// --expect`, `--deployed`): the revocation is stated without advice.
    ServedChecked,
}

/// The revoked serials of a PKI's index, and the names of its CAs.
#[derive(Clone, Debug)]
pub struct Revocations {
    /// The PKI directory, absolute and resolved.
    root: PathBuf,
    revoked: HashMap<Serial, Revocation>,
    /// The CA certificates (DER) its certificates are issued by now.
    issuers: Vec<Vec<u8>>,
}

impl Revocations {
    /// The index of `store`, when there is a PKI with one; `None` otherwise.
    pub fn load(store: &Store) -> Result<Option<Revocations>> {
        let index = store.index();
        if !index.is_file() {
            return Ok(None);
        }
        let revoked = load_revoked(&index)?
            .iter()
            .map(|e| (e.serial.clone(), Revocation::of(e)))
            .collect();
        let issuers = crate::pki::issuers(store)?;
        let root = std::fs::canonicalize(store.root())
            .unwrap_or_else(|_| std::path::absolute(store.root()).unwrap_or_default());
        Ok(Some(Revocations {
            root,
            revoked,
            issuers,
        }))
    }

    /// The revocation of the certificate `der` (whose serial is `serial`),
    /// if the index records one and one of this PKI's CAs signed it: a
    /// certificate of another CA with the same serial is not this one.
    pub fn of(&self, serial: &[u8], der: &[u8]) -> Option<&Revocation> {
        if self.revoked.is_empty() {
            return None;
        }
        let found = self.revoked.get(&Serial::from_bytes(serial))?;
        let (_, cert) = X509Certificate::from_der(der).ok()?;
        crate::pki::issued_by_one_of(&cert, &self.issuers).then_some(found)
    }

    /// Where the file `path` is, seen from the PKI.
    pub fn place(&self, path: &Path) -> Place {
        if path.components().any(|c| c.as_os_str() == OLD_KEYS) {
            return Place::Archive;
        }
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if real.starts_with(&self.root) {
            Place::Pki
        } else {
            Place::Deployed
        }
    }
}

/// The level and reason of a revoked certificate met at `place`, the
/// expiry's reason `expiry` after.
pub fn judged(revocation: &Revocation, place: Place, expiry: &str) -> (Level, String) {
    let said = revocation.said();
    match place {
        Place::Pki | Place::Archive => {
            let level = if revocation.superseded() {
                Level::Superseded
            } else {
                Level::Revoked
            };
            (level, format!("{said}; {expiry}"))
        }
        Place::Deployed if revocation.superseded() => (
            Level::Warning,
            format!("{said}: deploy its renewed bundle here; {expiry}"),
        ),
        Place::Deployed => (
            Level::Critical,
            format!("{said}, yet deployed here: servers that check the CRL refuse it; {expiry}"),
        ),
        Place::Served if revocation.superseded() => (
            Level::Warning,
            format!("serving a certificate {said}: deploy its renewed bundle and reload; {expiry}"),
        ),
        Place::ServedChecked if revocation.superseded() => (
            Level::Warning,
            format!("serving a certificate {said}; {expiry}"),
        ),
        Place::Served | Place::ServedChecked => (
            Level::Critical,
            format!("serving a certificate {said}; {expiry}"),
        ),
    }
}
