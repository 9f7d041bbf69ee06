//! One row a bundle: the certificate in `servers/NAME` or `users/NAME`, its
//! state, and what is wrong with it.
//!
//! The certificate is judged as check-expiry judges one met in the PKI
//! directory: by its notAfter, and, when the index records it revoked or
//! superseded, as such (which raises no status there). What only this view
//! adds: a certificate another CA issued (deploy and renew refuse it), and
//! one that is not the certificate the index records for the bundle (put
//! back by hand, or not in the index at all).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::FromDer;

use super::ca::Issuer;
use super::verdict::{Verdict, problems};
use crate::bundle::BundleId;
use crate::cert::CertSummary;
use crate::error::{Error, Expected};
use crate::expiry::{Level, Place, Revocation, Thresholds, judged};
use crate::index::{Entry, Status};
use crate::input::read_file;
use crate::pki::issued_by_one_of;
use crate::serial::Serial;
use crate::store::Store;

/// A bundle's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Issued by the directory's CA (or the old root of a changeover),
    /// current, and not within the warning window.
    Valid,
    /// Within check-expiry's warning (or critical) window.
    Expiring,
    Expired,
    NotYetValid,
    /// The index records it revoked.
    Revoked,
    /// The index records it superseded by a renewal.
    Superseded,
    /// Neither the CA nor an old root of a changeover issued it.
    OtherCa,
    /// Its certificate cannot be read.
    Unreadable,
}

impl State {
    pub const ALL: [State; 8] = [
        State::Valid,
        State::Expiring,
        State::Expired,
        State::NotYetValid,
        State::Revoked,
        State::Superseded,
        State::OtherCa,
        State::Unreadable,
    ];

    /// As JSON and the text table name it: `valid`, `not-yet-valid`,
    /// `other-ca`, ...
    pub fn name(self) -> &'static str {
        match self {
            State::Valid => "valid",
            State::Expiring => "expiring",
            State::Expired => "expired",
            State::NotYetValid => "not-yet-valid",
            State::Revoked => "revoked",
            State::Superseded => "superseded",
            State::OtherCa => "other-ca",
            State::Unreadable => "unreadable",
        }
    }
}

/// The certificate a bundle holds.
#[derive(Clone, Debug)]
pub struct Leaf {
    pub serial: Serial,
    /// Subject and issuer in `X509_NAME_oneline` form.
    pub subject: String,
    pub issuer: String,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    pub issued_by: Issuer,
    /// Its whole summary, when asked for (`Options::summaries`).
    pub summary: Option<CertSummary>,
}

/// One bundle.
#[derive(Clone, Debug)]
pub struct BundleRow {
    pub id: BundleId,
    /// Its certificate file.
    pub file: PathBuf,
    pub state: State,
    /// `None` when the certificate cannot be read.
    pub leaf: Option<Leaf>,
    /// When the index records the certificate revoked or superseded.
    pub revocation: Option<Revocation>,
    /// The certificate the index records for the bundle, when that is
    /// another one than the bundle holds.
    pub index_current: Option<Entry>,
    /// By its dates, or its revocation.
    pub verdict: Verdict,
    /// What else is wrong with it. A view of the hosts the bundle is
    /// deployed to adds theirs here ("deploy needed", "reload needed"), so
    /// that `PkiStatus::problems`, and with it the exit
    /// status, counts them.
    pub flags: Vec<Verdict>,
}

impl BundleRow {
    /// Its verdict, when it raises the status, then its flags.
    pub fn problems(&self) -> impl Iterator<Item = &Verdict> {
        problems(&self.verdict, &self.flags)
    }

    /// Seconds from `now` to notAfter, for a certificate whose expiry
    /// matters (not revoked or superseded).
    pub fn seconds_left(&self, now: OffsetDateTime) -> Option<i64> {
        match self.state {
            State::Revoked | State::Superseded => None,
            _ => self
                .leaf
                .as_ref()
                .map(|l| (l.not_after - now).whole_seconds()),
        }
    }
}

/// What every bundle is judged against, read once.
pub(super) struct Judge<'a> {
    /// The CA's certificates, and the old roots of a changeover.
    ca: &'a [Vec<u8>],
    old: &'a [Vec<u8>],
    /// Serials of CAs `rotate-ca --finish` retired.
    retired: &'a HashSet<Serial>,
    /// The subject key identifiers of the old roots.
    old_key_ids: Vec<Vec<u8>>,
    by_serial: HashMap<&'a Serial, &'a Entry>,
    /// Each file's last valid index line: the certificate the index records
    /// there now.
    current: HashMap<&'a str, &'a Entry>,
    thresholds: Thresholds,
    now: OffsetDateTime,
    summaries: bool,
}

impl<'a> Judge<'a> {
    /// `entries` are the index's lines.
    pub(super) fn new(
        entries: &'a [Entry],
        ca: &'a [Vec<u8>],
        old: &'a [Vec<u8>],
        retired: &'a HashSet<Serial>,
        thresholds: Thresholds,
        now: OffsetDateTime,
        summaries: bool,
    ) -> Judge<'a> {
        let mut by_serial = HashMap::with_capacity(entries.len());
        let mut current = HashMap::new();
        for e in entries {
            by_serial.insert(&e.serial, e);
            if e.status == Status::Valid {
                current.insert(e.file.as_str(), e);
            }
        }
        let old_key_ids = old
            .iter()
            .filter_map(|der| {
                let (_, c) = X509Certificate::from_der(der).ok()?;
                c.extensions()
                    .iter()
                    .find_map(|e| match e.parsed_extension() {
                        ParsedExtension::SubjectKeyIdentifier(id) => Some(id.0.to_vec()),
                        _ => None,
                    })
            })
            .collect();
        Judge {
            ca,
            old,
            old_key_ids,
            retired,
            by_serial,
            current,
            thresholds,
            now,
            summaries,
        }
    }

    /// The row of bundle `id`.
    pub(super) fn row(&self, store: &Store, id: BundleId) -> BundleRow {
        let (_, cert_name) = id.kind.file_names();
        let rel = format!("{}/{cert_name}", id.rel_dir());
        let file = store.path(&rel);
        let unreadable = |reason: String| BundleRow {
            id: id.clone(),
            file: file.clone(),
            state: State::Unreadable,
            leaf: None,
            revocation: None,
            index_current: None,
            verdict: Verdict::new(Level::Unknown, reason),
            flags: Vec::new(),
        };
        let bytes = match read_file(&file) {
            Ok(b) => b,
            Err(e) => return unreadable(format!("cannot read: {e}")),
        };
        let what = file.display().to_string();
        let der = match crate::encoding::certificate(&what, &bytes) {
            Ok(d) => d,
            Err(e) => return unreadable(e.to_string()),
        };
        let cert = match X509Certificate::from_der(&der) {
            Ok((_, c)) => c,
            Err(e) => {
                let e = Error::malformed(what, Expected::Certificate)(e);
                return unreadable(e.to_string());
            }
        };
        let leaf = self.leaf(&cert);
        let (state, verdict, revocation) = self.judged(&leaf);
        let mut row = BundleRow {
            id,
            file,
            state,
            leaf: None,
            revocation,
            index_current: None,
            verdict,
            flags: Vec::new(),
        };
        self.flag(&mut row, &rel, &leaf);
        row.leaf = Some(leaf);
        row
    }

    fn leaf(&self, cert: &X509Certificate<'_>) -> Leaf {
        // During a changeover, a certificate whose authority key identifier
        // names an old root is tried against it first: one signature check
        // instead of two. The answer is the same either way, since one key
        // cannot have signed for both.
        let mut order = [(self.ca, Issuer::Ca), (self.old, Issuer::OldCa)];
        if !self.old_key_ids.is_empty()
            && key_identifier(cert).is_some_and(|id| self.old_key_ids.iter().any(|k| k == id))
        {
            order.reverse();
        }
        let issued_by = order
            .into_iter()
            .find(|(cas, _)| issued_by_one_of(cert, cas))
            .map_or(Issuer::Other, |(_, by)| by);
        let validity = cert.validity();
        Leaf {
            serial: Serial::from_bytes(cert.raw_serial()),
            subject: crate::name::oneline(cert.subject()),
            issuer: crate::name::oneline(cert.issuer()),
            not_before: validity.not_before.to_datetime(),
            not_after: validity.not_after.to_datetime(),
            issued_by,
            summary: self.summaries.then(|| CertSummary::of(cert)),
        }
    }

    /// The state and verdict of `leaf`: by its dates, or as check-expiry
    /// judges a revoked certificate met in the PKI directory. The index
    /// speaks only for the certificates of the directory's CAs: another
    /// CA's with the same serial is not the one it records.
    fn judged(&self, leaf: &Leaf) -> (State, Verdict, Option<Revocation>) {
        let (level, reason) = self
            .thresholds
            .classify(leaf.not_before, leaf.not_after, self.now);
        let entry = self.by_serial.get(&leaf.serial);
        let revoked = entry.filter(|e| e.status == Status::Revoked);
        if let (Some(e), false) = (revoked, leaf.issued_by == Issuer::Other) {
            let revocation = Revocation::of(e);
            let (level, reason) = judged(&revocation, Place::Pki, &reason);
            let state = if revocation.superseded() {
                State::Superseded
            } else {
                State::Revoked
            };
            return (state, Verdict::new(level, reason), Some(revocation));
        }
        let state = if leaf.issued_by == Issuer::Other {
            State::OtherCa
        } else if self.now < leaf.not_before {
            State::NotYetValid
        } else if leaf.not_after < self.now {
            State::Expired
        } else if level != Level::Ok {
            State::Expiring
        } else {
            State::Valid
        };
        (state, Verdict::new(level, reason), None)
    }

    /// What else is wrong with the bundle whose certificate `leaf` is in
    /// `rel`: another CA's, or not the index's.
    fn flag(&self, row: &mut BundleRow, rel: &str, leaf: &Leaf) {
        if leaf.issued_by == Issuer::Other {
            let retired = if self.retired.contains(&leaf.serial) {
                ", a CA rotate-ca --finish retired"
            } else {
                ""
            };
            row.flags.push(Verdict::warning(format!(
                "issued by {}{retired}, not by this PKI's CA: deploy and renew refuse it; retire it, or issue it anew with --force",
                leaf.issuer
            )));
            return;
        }
        if !self.by_serial.contains_key(&leaf.serial) {
            row.flags.push(Verdict::warning(format!(
                "serial {} is not in the index: renew, revoke and the CRL do not know this certificate",
                leaf.serial
            )));
        }
        match self.current.get(rel).filter(|e| e.serial != leaf.serial) {
            Some(current) => {
                row.flags.push(Verdict::warning(format!(
                    "not the certificate the index records for it now, serial {} (not after {}): a bundle put back by hand?",
                    current.serial,
                    crate::rfc3339::format(current.not_after)
                )));
                row.index_current = Some((*current).clone());
            }
            // A renewal replaces the whole bundle: its superseded
            // certificate is back only if someone put it back.
            None if row.state == State::Superseded => {
                row.flags.push(Verdict::warning(
                    "superseded, and the index records no valid certificate for it now: a bundle put back by hand?",
                ));
            }
            None => {}
        }
    }
}

/// The key identifier of a certificate's authority key identifier.
fn key_identifier<'c>(cert: &'c X509Certificate<'_>) -> Option<&'c [u8]> {
    cert.extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                aki.key_identifier.as_ref().map(|k| k.0)
            }
            _ => None,
        })
}
