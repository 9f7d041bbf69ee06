//! Scanning files and directories for certificates and classifying how close
//! each one is to expiry, for `check-expiry`.
//!
//! The scan streams: directories are walked lazily in a stable (sorted) order,
//! files are read and parsed in parallel batches, and each result is handed to
//! the caller as soon as its batch is done, so memory stays flat however many
//! files there are.

mod cert;
mod finding;
mod level;
mod names;
mod revocation;
mod walk;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};

use rayon::prelude::*;
use rustls_pki_types::pem::{PemObject, SectionKind};
use time::OffsetDateTime;
use x509_parser::prelude::FromDer;

use crate::cert::CertSummary;
use crate::encoding::fast::{Scratch, each_certificate};
use crate::encoding::{PemError, is_pem};
pub use finding::{CertName, CrlSummary, CrlTally, Detail, Finding, Source, Tally};
pub use level::{Level, Thresholds, crl_reason, human, reason};
pub use revocation::{Place, Revocation, Revocations, judged};
use walk::{Item, Walker};

/// Files handed to the worker threads at once: enough to keep every core busy,
/// few enough that memory does not grow with the tree.
const BATCH: usize = 1024;

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
    sink: impl FnMut(Finding) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    scan_with(paths, thresholds, now, Detail::Summary, sink)
}

/// [`scan`], with the findings filled in as far as `detail` asks.
pub fn scan_with<E>(
    paths: &[PathBuf],
    thresholds: Thresholds,
    now: OffsetDateTime,
    detail: Detail,
    sink: impl FnMut(Finding) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let options = Options {
        thresholds,
        now,
        detail,
        revocations: None,
    };
    scan_options(paths, &options, sink)
}

/// How a scan judges what it finds.
#[derive(Clone, Debug)]
pub struct Options {
    pub thresholds: Thresholds,
    pub now: OffsetDateTime,
    pub detail: Detail,
    /// The PKI's index: a certificate it records as revoked or superseded
    /// is never OK (see `revocation`).
    pub revocations: Option<Arc<Revocations>>,
}

/// [`scan`], as `options` say.
///
/// The walk, the checks and `sink` overlap: while the worker threads check
/// one batch of files, this thread lists the next and hands the previous
/// one's findings to `sink`.
pub fn scan_options<E>(
    paths: &[PathBuf],
    options: &Options,
    mut sink: impl FnMut(Finding) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let check = Check {
        thresholds: options.thresholds,
        now: options.now,
        detail: options.detail,
        revocations: options.revocations.clone(),
    };
    let mut walker = Walker::new(paths);
    let mut emitted = 0usize;
    let mut in_flight: Option<mpsc::Receiver<Vec<Vec<Finding>>>> = None;
    loop {
        let batch: Vec<Item> = walker.by_ref().take(BATCH).collect();
        // A worker that stopped without an answer has already aborted the
        // process (rayon aborts on a panic in a spawned task).
        let done = in_flight.take().map(|rx| rx.recv().unwrap_or_default());
        if !batch.is_empty() {
            let (tx, rx) = mpsc::channel();
            let check = check.clone();
            rayon::spawn(move || {
                let results: Vec<Vec<Finding>> =
                    batch.into_par_iter().map(|item| check.item(item)).collect();
                // The receiver is gone only when `sink` failed.
                let _ = tx.send(results);
            });
            in_flight = Some(rx);
        }
        let Some(results) = done else {
            if in_flight.is_none() {
                break;
            }
            continue;
        };
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

/// Buffers each worker thread reuses from one file to the next.
#[derive(Default)]
struct Buffers {
    file: Vec<u8>,
    scratch: Scratch,
}

thread_local! {
    static BUFFERS: RefCell<Buffers> = RefCell::new(Buffers::default());
}

/// File names that promise a certificate: when such a file holds none, or
/// cannot be read, that is a problem rather than an unrelated file to skip.
fn promises_certificate(path: &Path) -> bool {
    names::classify_path(path) == names::Name::Promises
}

/// Classifies every certificate and CRL in one file's content.
///
/// `explicit` files (named by the user) must hold a certificate or a CRL;
/// files met while walking a directory may be anything, and only those that
/// look like certificates but cannot be read as such are reported. Keys and
/// CSRs are skipped.
pub fn check_bytes(
    path: &Path,
    bytes: &[u8],
    explicit: bool,
    thresholds: Thresholds,
    now: OffsetDateTime,
) -> Vec<Finding> {
    let check = Check {
        thresholds,
        now,
        detail: Detail::Summary,
        revocations: None,
    };
    check.bytes(path, bytes, explicit, &mut Scratch::default())
}

/// Classifies every certificate of a chain a server sent (the leaf first),
/// as the certificates of a bundle are; one the PKI's index records as
/// revoked is CRITICAL, being served, and one it records as superseded a
/// WARNING. `place` is [`Place::Served`], or [`Place::ServedChecked`] when
/// the caller says what to do about a superseded one.
pub fn check_chain(
    source: &Source,
    chain: &[Vec<u8>],
    options: &Options,
    place: Place,
) -> Vec<Finding> {
    let check = Check {
        thresholds: options.thresholds,
        now: options.now,
        detail: options.detail,
        revocations: options.revocations.clone(),
    };
    let findings = chain
        .iter()
        .enumerate()
        .map(|(i, der)| {
            let mut f = check.cert_at(Path::new(""), Some(i + 1), der, Some(place));
            f.source = source.clone();
            f
        })
        .collect();
    single_position(findings)
}

/// A position is only worth showing inside a bundle.
fn single_position(mut out: Vec<Finding>) -> Vec<Finding> {
    if let [only] = out.as_mut_slice() {
        only.position = None;
    }
    out
}

/// Keys and CSRs in DER form, which `check-expiry` skips.
fn is_other_der_object(bytes: &[u8]) -> bool {
    use x509_parser::certification_request::X509CertificationRequest;
    X509CertificationRequest::from_der(bytes).is_ok()
        || rustls_pki_types::PrivateKeyDer::try_from(bytes).is_ok()
}

/// A whole DER CRL, nothing after it.
fn is_der_crl(bytes: &[u8]) -> bool {
    use x509_parser::revocation_list::CertificateRevocationList;
    CertificateRevocationList::from_der(bytes).is_ok_and(|(rest, _)| rest.is_empty())
}

/// The settings of one scan, shared by the worker threads.
#[derive(Clone)]
struct Check {
    thresholds: Thresholds,
    now: OffsetDateTime,
    detail: Detail,
    revocations: Option<Arc<Revocations>>,
}

impl Check {
    fn item(&self, item: Item) -> Vec<Finding> {
        let (path, explicit, dir) = match item {
            Item::Problem { path, reason } => return vec![Finding::unknown(&path, reason)],
            Item::File {
                path,
                explicit,
                dir,
            } => (path, explicit, dir),
        };
        let read = |buf: &mut Vec<u8>| match (&dir, path.file_name()) {
            (Some(dir), Some(name)) => crate::input::read_file_at(&dir.fd, name, buf),
            _ => crate::input::read_file_into(&path, buf),
        };
        BUFFERS.with_borrow_mut(|b| match read(&mut b.file) {
            Ok(()) => self.bytes(&path, &b.file, explicit, &mut b.scratch),
            Err(e) if !explicit && walk::is_skippable_secret(&path, &e) => Vec::new(),
            Err(_) if !explicit && !promises_certificate(&path) => Vec::new(),
            Err(e) => {
                let reason = format!("cannot read: {}", walk::io_reason(&path, &e));
                vec![Finding::unknown(&path, reason)]
            }
        })
    }

    fn bytes(
        &self,
        path: &Path,
        bytes: &[u8],
        explicit: bool,
        scratch: &mut Scratch,
    ) -> Vec<Finding> {
        let must_hold = explicit || promises_certificate(path);
        if is_pem(bytes) {
            return self.pem(path, bytes, must_hold, scratch);
        }
        if bytes.first() == Some(&0x30) {
            return self.der(path, bytes, must_hold);
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

    fn pem(
        &self,
        path: &Path,
        bytes: &[u8],
        must_hold: bool,
        scratch: &mut Scratch,
    ) -> Vec<Finding> {
        // A file with a CRL takes the strict path, which reads CRLs too.
        if crate::encoding::contains(bytes, b"-----BEGIN X509 CRL-----") {
            return self.pem_strictly(path, bytes, must_hold);
        }
        let mut out = Vec::new();
        let fast = each_certificate(bytes, scratch, |der| {
            let position = out.len() + 1;
            out.push(self.cert(path, Some(position), der));
        });
        if fast {
            return single_position(out);
        }
        self.pem_strictly(path, bytes, must_hold)
    }

    fn pem_strictly(&self, path: &Path, bytes: &[u8], must_hold: bool) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut other_sections = 0usize;
        for section in <(SectionKind, Vec<u8>)>::pem_slice_iter(bytes) {
            match section {
                Ok((SectionKind::Certificate, der)) => {
                    let position = out.len() + 1;
                    out.push(self.cert(path, Some(position), &der));
                }
                Ok((SectionKind::Crl, der)) => {
                    let position = out.len() + 1;
                    out.push(self.crl(path, Some(position), &der));
                }
                Ok(_) => other_sections += 1,
                Err(e) => {
                    let mentions_cert = bytes.windows(16).any(|w| w == b"CERTIFICATE-----");
                    if must_hold || mentions_cert || !out.is_empty() {
                        out.push(Finding::unknown(
                            path,
                            format!("malformed PEM: {}", PemError(e)),
                        ));
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

    fn der(&self, path: &Path, bytes: &[u8], must_hold: bool) -> Vec<Finding> {
        match cert::parse(bytes) {
            Ok((_, trailing)) if trailing > 0 => vec![Finding::unknown(
                path,
                format!("{trailing} bytes of trailing data after the DER certificate"),
            )],
            Ok((parsed, _)) => vec![self.classified(path, None, bytes, &parsed, None)],
            Err(_) if is_der_crl(bytes) => vec![self.crl(path, None, bytes)],
            Err(_) if is_other_der_object(bytes) || !must_hold => Vec::new(),
            Err(e) => vec![Finding::unknown(
                path,
                format!("not a DER certificate: {e}"),
            )],
        }
    }

    fn cert(&self, path: &Path, position: Option<usize>, der: &[u8]) -> Finding {
        self.cert_at(path, position, der, None)
    }

    /// A certificate met at `place` (`None`: the file's place, found when
    /// it matters).
    fn cert_at(
        &self,
        path: &Path,
        position: Option<usize>,
        der: &[u8],
        place: Option<Place>,
    ) -> Finding {
        match cert::parse(der) {
            Ok((parsed, _)) => self.classified(path, position, der, &parsed, place),
            Err(e) => {
                let mut f = Finding::unknown(path, format!("malformed certificate: {e}"));
                f.position = position;
                f
            }
        }
    }

    /// A CRL, judged by its nextUpdate ([`Thresholds::crl_level`]).
    fn crl(&self, path: &Path, position: Option<usize>, der: &[u8]) -> Finding {
        use x509_parser::revocation_list::CertificateRevocationList;
        let crl = match CertificateRevocationList::from_der(der) {
            Ok((_, crl)) => crl,
            Err(e) => {
                let mut f = Finding::unknown(path, format!("malformed CRL: {e}"));
                f.position = position;
                return f;
            }
        };
        let summary = CrlSummary::of(&crl);
        let (this_update, next_update) = (summary.this_update, summary.next_update);
        Finding {
            source: Source::File(path.to_path_buf()),
            position,
            level: self
                .thresholds
                .crl_level(this_update, next_update, self.now),
            reason: level::crl_reason(this_update, next_update, self.now),
            not_after: next_update,
            name: None,
            cert: None,
            revocation: None,
            crl: Some(Box::new(summary)),
        }
    }

    fn classified(
        &self,
        path: &Path,
        position: Option<usize>,
        der: &[u8],
        c: &cert::Parsed,
        place: Option<Place>,
    ) -> Finding {
        let level = self.thresholds.level(c.not_before, c.not_after, self.now);
        let mut f = Finding {
            source: Source::File(path.to_path_buf()),
            position,
            level,
            reason: String::new(),
            not_after: Some(c.not_after),
            name: None,
            cert: None,
            crl: None,
            revocation: None,
        };
        let revoked = self
            .revocations
            .as_deref()
            .and_then(|r| r.of(c.serial, der).map(|found| (r, found)));
        if let Some((r, found)) = revoked {
            let place = place.unwrap_or_else(|| r.place(path));
            let (level, why) =
                revocation::judged(found, place, &reason(c.not_before, c.not_after, self.now));
            f.level = level;
            f.reason = why;
            f.revocation = Some(Box::new(found.clone()));
        } else if self.detail == Detail::Problems && level == Level::Ok {
            return f;
        } else {
            f.reason = reason(c.not_before, c.not_after, self.now);
        }
        f.name = Some(c.name());
        if self.detail == Detail::Summary {
            f.cert = CertSummary::from_der("certificate", der, true)
                .ok()
                .map(Box::new);
        }
        f
    }
}

#[cfg(test)]
use time::Duration;

#[cfg(test)]
mod tests;
