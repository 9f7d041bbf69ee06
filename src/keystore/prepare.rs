//! Reading and checking the bundles whose keystores are written, and where
//! they go, before anything is written or a password asked for. A batch
//! reads what its bundles share once: the CAs that count as issuers, the
//! index, each CA file.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::bundle::{self, BundleId, SkipReason};
use crate::cert::CertSummary;
use crate::error::{Error, Result};
use crate::index::Index;
use crate::kind::Kind;
use crate::store::{self, Store};

use super::names::{KEYSTORE, TRUSTSTORE, check_alias, default_alias, pk8_name};
use super::pkcs12::Profile;

/// What to write where.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    pub kind: Kind,
    /// The bundle: `servers/NAME` or `users/NAME`.
    pub name: &'a str,
    /// The directory the files go to; created when missing (its parent must
    /// exist).
    pub out: &'a Path,
    pub profile: Profile,
    /// The key entry's alias; `None` for [`default_alias`].
    pub alias: Option<&'a str>,
}

/// A bundle [`Checker::prepare_current`] leaves out, and why: its
/// certificate is revoked, superseded, expired, of another CA, or not in
/// the index.
#[derive(Clone, Debug)]
pub struct Skipped {
    pub name: String,
    pub reason: SkipReason,
    /// The refusal it would have been, in words.
    pub detail: String,
}

/// A bundle read and checked for [`super::write::write`], and where its
/// files go: every check is made before a password is asked for.
pub struct Prepared {
    pub(super) kind: Kind,
    pub(super) name: String,
    pub(super) alias: String,
    pub(super) profile: Profile,
    pub(super) out: PathBuf,
    /// `out` with every link above it resolved, when it was checked.
    pub(super) real: PathBuf,
    pub(super) created_dir: bool,
    /// Keystore, truststore, `.pk8`.
    pub(super) paths: [PathBuf; 3],
    pub(super) certificate: CertSummary,
    pub(super) cert_what: String,
    pub(super) index: PathBuf,
    pub(super) key: crate::keys::PrivateKey,
    /// The key entry's chain: the bundle's certificate, then its issuers.
    pub(super) chain: Vec<Vec<u8>>,
    pub(super) chain_summaries: Vec<CertSummary>,
    /// The truststore's entries: alias and certificate.
    pub(super) trusted: Vec<(String, Vec<u8>)>,
    pub(super) trusted_summaries: Vec<CertSummary>,
    pub(super) ca_file: PathBuf,
}

/// A certificate of a CA file, and what it says.
struct CaCert {
    der: Vec<u8>,
    summary: CertSummary,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("alias", &self.alias)
            .field("paths", &self.paths)
            .finish_non_exhaustive()
    }
}

/// The bundle `servers/NAME` or `users/NAME`, which must exist.
pub fn find_bundle(store: &Store, kind: Kind, name: &str) -> Result<BundleId> {
    bundle::find(store, Some(kind), name).map_err(|e| match e {
        Error::NoSuchBundle(name) => Error::NoBundle {
            kind: kind.noun(),
            name,
            dir: store.root().to_path_buf(),
        },
        e => e,
    })
}

/// Reads and checks the bundle of `req`, its CA file and the output
/// directory, writing nothing (see [`Checker::prepare`]).
pub fn prepare(store: &Store, req: &Request<'_>, now: OffsetDateTime) -> Result<Prepared> {
    Checker::new(store, now)?.prepare(req)
}

/// Checks the bundles of a batch against what they share, read once.
pub struct Checker<'s> {
    store: &'s Store,
    now: OffsetDateTime,
    issuers: Vec<Vec<u8>>,
    index: Index,
    /// The certificates of each CA file read so far.
    cas: HashMap<PathBuf, Vec<CaCert>>,
    /// The output directories of the batch so far, resolved, and whose.
    dirs: HashMap<PathBuf, String>,
}

impl<'s> Checker<'s> {
    /// Completes or undoes an interrupted transaction, then reads the
    /// issuers and the index.
    pub fn new(store: &'s Store, now: OffsetDateTime) -> Result<Checker<'s>> {
        store.recover()?;
        Ok(Checker {
            store,
            now,
            issuers: crate::pki::issuers(store)?,
            index: Index::load(&store.index())?,
            cas: HashMap::new(),
            dirs: HashMap::new(),
        })
    }

    /// Reads and checks the bundle of `req`, its CA file and the output
    /// directory, writing nothing: the alias, the bundle (complete, its key
    /// its certificate's, issued here, not revoked, not expired), the
    /// directory (outside the PKI, its parent there, writable, no other
    /// bundle's of this batch) and that none of the files exists yet.
    pub fn prepare(&mut self, req: &Request<'_>) -> Result<Prepared> {
        let alias = req.alias.unwrap_or(default_alias(req.kind));
        check_alias(alias)?;
        let id = find_bundle(self.store, req.kind, req.name)?;
        let current = bundle::read_checked(self.store, &id, &self.issuers)?;
        let leaf = current.leaf;
        let cert_what = leaf.cert_path.display().to_string();
        let certificate = leaf.issued.cert.clone();
        if !self.index.contains(&certificate.serial) {
            return Err(Error::NotInIndex(certificate.serial.clone()));
        }
        self.index
            .check_current(&cert_what, &certificate, self.now)?;

        let ca_file = ca_file(self.store, &id);
        let ca_what = ca_file.display().to_string();
        let cas = self.ca_certificates(&ca_file)?;
        let issuers = issuers_of(&leaf.issued.der, &cert_what, cas, &ca_what)?;
        let chain = std::iter::once(leaf.issued.der.clone())
            .chain(issuers.iter().map(|ca| ca.der.clone()))
            .collect();
        let chain_summaries = std::iter::once(certificate.clone())
            .chain(issuers.iter().map(|ca| ca.summary.clone()))
            .collect();
        let trusted = cas
            .iter()
            .enumerate()
            .map(|(i, ca)| match cas.len() {
                1 => ("ca".to_string(), ca.der.clone()),
                _ => (format!("ca-{}", i + 1), ca.der.clone()),
            })
            .collect();
        let trusted_summaries = cas.iter().map(|ca| ca.summary.clone()).collect();

        let (exists, real) = check_out_dir(self.store, req.out)?;
        if let Some(first) = self.dirs.get(&real) {
            return Err(Error::OutDirShared {
                dir: req.out.to_path_buf(),
                first: first.clone(),
                second: req.name.to_string(),
            });
        }
        self.dirs.insert(real.clone(), req.name.to_string());
        let pk8 = pk8_name(req.kind);
        let paths = [KEYSTORE, TRUSTSTORE, pk8.as_str()].map(|n| req.out.join(n));
        for p in &paths {
            if fs::symlink_metadata(p).is_ok() {
                return Err(Error::Exists(p.clone()));
            }
        }
        Ok(Prepared {
            kind: req.kind,
            name: req.name.to_string(),
            alias: alias.to_string(),
            profile: req.profile,
            out: req.out.to_path_buf(),
            real,
            created_dir: !exists,
            paths,
            certificate,
            cert_what,
            index: self.store.index(),
            key: current.key,
            chain,
            chain_summaries,
            trusted,
            trusted_summaries,
            ca_file,
        })
    }

    /// [`Checker::prepare`] for `--all`: a bundle whose certificate is
    /// revoked, superseded, expired or of another CA is left out, and said
    /// why, instead of refused.
    pub fn prepare_current(&mut self, req: &Request<'_>) -> Result<Result<Prepared, Skipped>> {
        let e = match self.prepare(req) {
            Ok(p) => return Ok(Ok(p)),
            Err(e) => e,
        };
        // The index's word comes first, as for `renew`: a revoked bundle
        // of another CA is revoked.
        let serial = match &e {
            Error::CertRevoked { serial, .. } => Some(serial.clone()),
            Error::NotIssuedHere { .. } => bundle::read_leaf(self.store, req.kind, req.name)
                .ok()
                .map(|leaf| leaf.issued.cert.serial),
            _ => None,
        };
        let revocation = serial.and_then(|s| SkipReason::of_revocation(self.index.entry(&s)));
        let reason = match (&e, revocation) {
            (Error::CertRevoked { .. } | Error::NotIssuedHere { .. }, Some(reason)) => reason,
            (Error::CertRevoked { .. }, None) => SkipReason::Revoked,
            (Error::CertExpired { .. }, _) => SkipReason::Expired,
            (Error::NotIssuedHere { .. }, None) => SkipReason::OtherCa,
            (Error::NotInIndex(_), _) => SkipReason::NotInIndex,
            _ => return Err(e),
        };
        Ok(Err(Skipped {
            name: req.name.to_string(),
            reason,
            detail: e.to_string(),
        }))
    }

    /// The certificates of the CA file `path`, read and parsed once: one
    /// that is not a certificate is refused here, naming the file, before
    /// a password is asked for.
    fn ca_certificates(&mut self, path: &Path) -> Result<&[CaCert]> {
        if !self.cas.contains_key(path) {
            let bytes = crate::input::read_file(path).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => Error::IncompleteBundle(path.to_path_buf()),
                _ => Error::io("reading", path)(e),
            })?;
            let what = path.display().to_string();
            let cas = crate::encoding::certificates(&what, &bytes)?
                .into_iter()
                .map(|der| {
                    let summary = CertSummary::from_der(&what, &der, false)?;
                    Ok(CaCert { der, summary })
                })
                .collect::<Result<_>>()?;
            self.cas.insert(path.to_path_buf(), cas);
        }
        Ok(self.cas.get(path).map(Vec::as_slice).unwrap_or_default())
    }
}

/// The CA file of a bundle, as `deploy` chooses it: `ca-bundle.pem` during
/// a CA changeover (both roots), else the bundle's `ca-cert.pem` (the
/// chain up to the root, for an intermediate CA).
fn ca_file(store: &Store, id: &BundleId) -> PathBuf {
    let bundle_ca = store.path(store::CA_BUNDLE);
    if fs::symlink_metadata(&bundle_ca).is_ok() {
        return bundle_ca;
    }
    store.path(&id.rel_dir()).join(store::CA_CERT)
}

/// The issuers of the certificate `leaf` (DER) among `cas`, in order, each
/// found by its signature, up to a self-signed one or the last `cas` holds.
fn issuers_of<'c>(
    leaf: &[u8],
    leaf_what: &str,
    cas: &'c [CaCert],
    ca_what: &str,
) -> Result<Vec<&'c CaCert>> {
    fn parse(der: &[u8]) -> Option<X509Certificate<'_>> {
        X509Certificate::from_der(der).ok().map(|(_, c)| c)
    }
    let mut chain: Vec<&CaCert> = Vec::new();
    let mut used = vec![false; cas.len()];
    while let Some(child) = parse(chain.last().map_or(leaf, |ca| &ca.der)) {
        if child.subject() == child.issuer()
            && child.verify_signature(Some(child.public_key())).is_ok()
        {
            break;
        }
        let issuer = cas.iter().enumerate().find(|(i, ca)| {
            !used[*i]
                && parse(&ca.der)
                    .is_some_and(|ca| child.verify_signature(Some(ca.public_key())).is_ok())
        });
        match issuer {
            Some((i, ca)) => {
                used[i] = true;
                chain.push(ca);
            }
            None if chain.is_empty() => {
                return Err(Error::NotIssuedBy {
                    cert: leaf_what.to_string(),
                    ca: ca_what.to_string(),
                });
            }
            None => break,
        }
    }
    Ok(chain)
}

/// Checks the output directory: not a link, a directory if it exists, else
/// its parent exists; writable (or its parent, to create it); never inside
/// the PKI directory, whose files only the store writes. Returns whether
/// it exists, and where it is with every link above it resolved.
fn check_out_dir(store: &Store, out: &Path) -> Result<(bool, PathBuf)> {
    let found = store.outside_dir(out)?;
    use rustix::fs::Access;
    rustix::fs::access(&found.writes_in, Access::WRITE_OK | Access::EXEC_OK)
        .map_err(|e| Error::io("writing into", &found.writes_in)(e.into()))?;
    Ok((found.exists, found.real))
}

/// Checks that `p`'s output directory is still the one [`check_out_dir`]
/// found, just before the files are written: a password asked for between
/// the two leaves time to move it, or to put a link in its place or above
/// it (where its owner is another user).
pub(super) fn recheck_out_dir(p: &Prepared) -> Result<()> {
    let changed = |now: String| Error::OutDirChanged {
        dir: p.out.clone(),
        checked: p.real.clone(),
        now,
    };
    match store::resolve_dir(&p.out) {
        Ok(found) if found.exists != p.created_dir && found.real == p.real => Ok(()),
        Ok(found) => Err(changed(match found.exists {
            true => found.real.display().to_string(),
            false => format!("{} (not there)", found.real.display()),
        })),
        Err(e) => Err(changed(e.to_string())),
    }
}
