//! Writing the CRL file: a CRL of each CA certgen's certificates may chain
//! to now (the CA, and during a changeover the old root too: OpenSSL with
//! CRL checking refuses a certificate whose issuer has no CRL), each signed
//! by its CA, in one file servers read (`ssl_crl`, `ssl_crl_file`). The CRL
//! number moves on under the lock with the file, in one transaction; a CRL
//! file of the PKI directory that is replaced moves to `old_keys/`.

use std::path::{Path, PathBuf};

use time::{Duration, OffsetDateTime};

use super::due::{Wanted, why_due};
use super::number::{CRL_NUMBER, increment, read_number};
use super::published::{self, Published};
use super::scope::{Scope, Which};
use super::sign::{Signed, Signer, pem_of, sign_all};
use crate::ca::{Ca, check_validity};
use crate::error::{Error, Result};
use crate::index::{Entry, load_revoked};
use crate::pki::{ensure_current, ensure_old_current};
use crate::store::{self, Mode, Staging, Store};

/// Where `crl` writes by default, relative to the PKI directory.
pub const CRL_FILE: &str = "crl.pem";
/// How long a CRL is current when not told: longer than `check-expiry`'s
/// 30-day warning, so that the cron line (`crl --within 30d`) keeps it out
/// of the warning window.
pub const DEFAULT_VALIDITY: Duration = Duration::days(90);

/// What to write.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// From thisUpdate to nextUpdate.
    pub validity: Duration,
    /// Where; `DIR/crl.pem` when `None`.
    pub out: Option<&'a Path>,
    /// Write only when due (see `due`): a CRL missing, a nextUpdate within
    /// this window, or revocations it does not list as they are now (but a
    /// renewal's superseded certificates, listed at the next write).
    pub within: Option<Duration>,
}

/// What [`generate`] did.
#[derive(Clone, Debug)]
pub struct CrlMade {
    pub path: PathBuf,
    /// The CRLs written, the CA's first; empty when nothing was due.
    pub written: Vec<Signed>,
    /// With `within`: why the file was written.
    pub due: Option<String>,
    /// When nothing was written: the CRLs the file holds.
    pub kept: Vec<Published>,
    /// Where the CRL file replaced went (`old_keys/<UTC timestamp>`).
    pub archived: Option<PathBuf>,
}

/// The CAs that sign: the CA, and during a changeover the old root.
pub fn signers<'a>(ca: &'a Ca, old: Option<&'a Ca>) -> Vec<Signer<'a>> {
    let mut signers = vec![Signer {
        ca,
        which: Which::Current,
    }];
    signers.extend(old.map(|ca| Signer {
        ca,
        which: Which::Old,
    }));
    signers
}

/// Writes a CRL of `ca` (and of `old`, the old root of a changeover, which
/// [`crate::pki::open_old_ca`] loads) listing the revoked certificates of
/// the index each issued, current from `now` for `req.validity`, to
/// `req.out` (default `DIR/crl.pem`), after moving the CRL number on, all
/// under the lock. With `req.within`, only when due.
pub fn generate(
    store: &Store,
    ca: &Ca,
    old: Option<&Ca>,
    req: &Request<'_>,
    now: OffsetDateTime,
) -> Result<CrlMade> {
    check_validity(req.validity)?;
    if let Some(within) = req.within
        && within >= req.validity
    {
        return Err(Error::WindowNotShorter {
            within,
            validity: req.validity,
        });
    }
    if !store.has_ca() {
        return Err(Error::NoCa(store.root().to_path_buf()));
    }
    let path = req
        .out
        .map_or_else(|| store.path(CRL_FILE), Path::to_path_buf);
    check_destination(&path)?;
    let lock = store.lock()?;
    ensure_current(store, ca)?;
    match old {
        Some(old) => ensure_old_current(store, old)?,
        None if std::fs::symlink_metadata(store.path(store::CA_BUNDLE)).is_ok() => {
            return Err(Error::CaReplaced);
        }
        None => {}
    }
    let scope = Scope::load(store)?;
    let revoked = load_revoked(&store.index())?;
    let signers = signers(ca, old);
    let mut due = None;
    if let Some(within) = req.within {
        match why_written(&path, &signers, &revoked, &scope, now, within)? {
            Ok(why) => due = Some(why),
            Err(kept) => {
                return Ok(CrlMade {
                    path,
                    written: Vec::new(),
                    due: None,
                    kept,
                    archived: None,
                });
            }
        }
    }
    let number_path = store.path(CRL_NUMBER);
    let number = read_number(&number_path)?;
    let written = sign_all(&signers, &revoked, &scope, &number, now, req.validity)?;
    let pem = pem_of(&written);
    let next = format!("{}\n", increment(&number));
    let mut staging = lock.stage(2)?;
    staging.replace_file(number_path, next.as_bytes(), Mode::Public)?;
    let archived = if path.starts_with(store.root()) {
        // In the PKI directory: one transaction, the file replaced archived.
        staging.replace_archived(path.clone(), pem.as_bytes(), Mode::Public, now)?;
        staging.commit_archiving()?
    } else {
        // Elsewhere: written under a temporary name before the number
        // moves on, and published after; a crash in between skips a
        // number, which is harmless, but never gives two CRLs one number.
        let prepared = store::prepare_file(&path, pem.as_bytes(), Mode::Public)?;
        staging.commit()?;
        prepared.publish()?;
        None
    };
    Ok(CrlMade {
        path,
        written,
        due,
        kept: Vec::new(),
        archived,
    })
}

/// Why the file at `path` is due (`Ok`), or the CRLs it holds when it is
/// not (`Err`).
fn why_written(
    path: &Path,
    signers: &[Signer<'_>],
    revoked: &[Entry],
    scope: &Scope,
    now: OffsetDateTime,
    within: Duration,
) -> Result<std::result::Result<String, Vec<Published>>> {
    let existing = match published::read(path) {
        Ok(Some(p)) => p,
        Ok(None) => return Ok(Ok("there is no CRL file yet".into())),
        Err(e @ Error::Io { .. }) => return Err(e),
        Err(e) => return Ok(Ok(format!("it holds no CRL certgen can read ({e})"))),
    };
    let wanted: Vec<Wanted<'_>> = signers
        .iter()
        .map(|s| Wanted::of(s.ca.cert_der(), s.ca.subject(), s.which, revoked, scope))
        .collect();
    Ok(match why_due(&existing, &wanted, now, within) {
        Some(why) => Ok(why),
        None => Err(existing),
    })
}

/// For `rotate-ca`: when `DIR/crl.pem` exists, stages it rewritten, in the
/// caller's transaction (the caller holds the lock), with a CRL of each of
/// `signers` for the revoked certificates `scope` gives it, each as long
/// current as the file's first CRL was (else [`DEFAULT_VALIDITY`]), and the
/// CRL number moved on. `None` when there is no CRL file.
pub fn stage_rewrite(
    store: &Store,
    staging: &mut Staging,
    signers: &[Signer<'_>],
    scope: &Scope,
    now: OffsetDateTime,
) -> Result<Option<Vec<Signed>>> {
    let path = store.path(CRL_FILE);
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(None);
    }
    check_destination(&path)?;
    let validity = published::read(&path)
        .ok()
        .flatten()
        .and_then(|p| p.first().and_then(Published::lifetime))
        .unwrap_or(DEFAULT_VALIDITY);
    let revoked = load_revoked(&store.index())?;
    let number_path = store.path(CRL_NUMBER);
    let number = read_number(&number_path)?;
    let signed = sign_all(signers, &revoked, scope, &number, now, validity)?;
    staging.replace_archived(path, pem_of(&signed).as_bytes(), Mode::Public, now)?;
    let next = format!("{}\n", increment(&number));
    staging.replace_file(number_path, next.as_bytes(), Mode::Public)?;
    Ok(Some(signed))
}

/// The CRL's file must be replaceable: a directory or a link there, or a
/// missing directory, is refused before anything is written.
fn check_destination(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => return Err(Error::Symlink(path.to_path_buf())),
        Ok(m) if !m.is_file() => return Err(Error::NotAFile(path.to_path_buf())),
        _ => {}
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match std::fs::metadata(parent) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Error::NotADirectory(parent.to_path_buf())),
        Err(e) => Err(Error::io("writing into", parent)(e)),
    }
}
