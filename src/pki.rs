//! The CA of a PKI directory, as the files on disk hold it: loading it,
//! checking under the lock that it is still the directory's CA, and which
//! CA certificates count as issuers now (during a changeover, the old root
//! as well as the new one). Every command that asks "was this issued here?"
//! asks [`issuers`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

use crate::ca::Ca;
use crate::cert::CertSummary;
use crate::error::{Error, Result};
use crate::input::{read_file, utf8};
use crate::serial::Serial;
use crate::store::{self, Store};

/// Loads the CA of a PKI directory, checking that key and certificate belong together.
pub fn open_ca(store: &Store) -> Result<Ca> {
    store.recover()?;
    let cert_path = store.ca_cert();
    let key_path = store.ca_key();
    if !cert_path.exists() && !key_path.exists() {
        return Err(Error::NoCa(store.root().to_path_buf()));
    }
    let cert = read_file(&cert_path).map_err(Error::io("reading", &cert_path))?;
    let key_what = key_path.display().to_string();
    let (key, _) = crate::ca_key::load(store)?;
    let chain_path = store.path(store::CA_CHAIN);
    let chain = match read_file(&chain_path).and_then(utf8) {
        Ok(c) => Some(c),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io("reading", &chain_path)(e)),
    };
    Ca::from_files(
        &cert_path.display().to_string(),
        &cert,
        key,
        &key_what,
        chain,
    )
}

/// Checks, under the lock, that the CA loaded earlier is still the directory's
/// CA: a concurrent `init-ca --force` or `rotate-ca` must not get certificates
/// or CRLs of the old CA recorded in the new CA's index.
pub fn ensure_current(store: &Store, ca: &Ca) -> Result<()> {
    let path = store.ca_cert();
    let bytes = read_file(&path).map_err(Error::io("reading", &path))?;
    let current = crate::encoding::certificates(&path.display().to_string(), &bytes)?;
    if current.first().map(Vec::as_slice) != Some(ca.cert_der()) {
        return Err(Error::CaReplaced);
    }
    Ok(())
}

/// During a CA changeover (`ca-bundle.pem` exists), the old CA, loaded from
/// `ca-old-cert.pem` and `ca-old-key.pem` (its key opened with the
/// directory's passphrase source, as the CA's): what signs the old CA's CRL.
/// `None` outside a changeover. A changeover whose old key is not kept
/// there (one started by a certgen that did not keep it) is refused.
pub fn open_old_ca(store: &Store) -> Result<Option<Ca>> {
    store.recover()?;
    if std::fs::symlink_metadata(store.path(store::CA_BUNDLE)).is_err() {
        return Ok(None);
    }
    let cert_path = store.path(store::CA_OLD_CERT);
    let key_path = store.path(store::CA_OLD_KEY);
    if !cert_path.exists() || !key_path.exists() {
        return Err(Error::NoOldCaKey {
            dir: store.root().to_path_buf(),
        });
    }
    let cert = read_file(&cert_path).map_err(Error::io("reading", &cert_path))?;
    let (key, _) = crate::ca_key::load_at(store, &key_path)?;
    Ca::from_files(
        &cert_path.display().to_string(),
        &cert,
        key,
        &key_path.display().to_string(),
        None,
    )
    .map(Some)
}

/// [`ensure_current`] for the old CA of a changeover: under the lock, the
/// changeover is still on and `ca-old-cert.pem` still holds `old`.
pub fn ensure_old_current(store: &Store, old: &Ca) -> Result<()> {
    let path = store.path(store::CA_OLD_CERT);
    let bytes = read_file(&path).map_err(Error::io("reading", &path))?;
    let current = crate::encoding::certificates(&path.display().to_string(), &bytes)?;
    let bundle = std::fs::symlink_metadata(store.path(store::CA_BUNDLE)).is_ok();
    if !bundle || current.first().map(Vec::as_slice) != Some(old.cert_der()) {
        return Err(Error::CaReplaced);
    }
    Ok(())
}

/// The serials `ca-rotation.txt` records: the old CA's certificates during a
/// changeover. `None` when there is no record to trust (no changeover, or
/// one started before certgen wrote it).
pub fn old_ca_serials(store: &Store) -> Option<HashSet<Serial>> {
    let text = read_file(&store.path(store::CA_ROTATION)).ok()?;
    let text = String::from_utf8(text).ok()?;
    serial_lines(&text)
}

/// The serials of the CAs `rotate-ca --finish` retired (`ca-retired.txt`),
/// which no CRL lists any more; empty when there is none.
pub fn retired_serials(store: &Store) -> Result<HashSet<Serial>> {
    let path = store.path(store::CA_RETIRED);
    let text = match read_file(&path).and_then(crate::input::utf8) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
        Err(e) => return Err(Error::io("reading", &path)(e)),
    };
    serial_lines(&text).ok_or(Error::BadSerialList { path })
}

/// One serial a line in hex, `#` comments and blank lines skipped; `None`
/// when a line is not a serial.
fn serial_lines(text: &str) -> Option<HashSet<Serial>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| Serial::from_hex(l).ok())
        .collect()
}

/// The CA certificates a certificate of this directory may have been issued
/// by now: the CA, and during a CA changeover every root in `ca-bundle.pem`.
/// Empty when the directory has no CA yet.
pub fn issuers(store: &Store) -> Result<Vec<Vec<u8>>> {
    Ok(Roots::read(store)?.into_issuers())
}

/// The CA certificates of a directory as its files hold them (DER).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roots {
    /// Those of `ca-cert.pem` (the CA first); empty without a CA.
    pub ca: Vec<Vec<u8>>,
    /// Those of `ca-bundle.pem` (the new root and the old) during a CA
    /// changeover; `None` outside one.
    pub bundle: Option<Vec<Vec<u8>>>,
}

impl Roots {
    /// Reads `ca-cert.pem` and `ca-bundle.pem`; a missing file is none.
    pub fn read(store: &Store) -> Result<Roots> {
        let read = |path: PathBuf| match read_file(&path) {
            Ok(bytes) => {
                crate::encoding::certificates(&path.display().to_string(), &bytes).map(Some)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("reading", &path)(e)),
        };
        Ok(Roots {
            ca: read(store.ca_cert())?.unwrap_or_default(),
            bundle: read(store.path(store::CA_BUNDLE))?,
        })
    }

    /// What [`issuers`] answers.
    pub fn into_issuers(self) -> Vec<Vec<u8>> {
        let mut issuers = self.ca;
        issuers.extend(self.bundle.into_iter().flatten());
        issuers
    }

    /// The old roots of a changeover: those of `ca-bundle.pem` that are not
    /// the CA's. Empty outside one.
    pub fn old(&self) -> impl Iterator<Item = &[u8]> {
        self.bundle
            .iter()
            .flatten()
            .filter(|der| !self.ca.contains(der))
            .map(Vec::as_slice)
    }
}

/// The file of roots to trust when none are given: `ca-bundle.pem` during a
/// CA changeover (it holds the old and the new root, so certificates of
/// both verify), else `ca-cert.pem`. `None` when neither is there; a
/// `ca-cert.pem` that cannot be looked at is returned, so that reading it
/// reports why.
pub fn trusted_roots(store: &Store) -> Option<PathBuf> {
    let bundle = store.path(store::CA_BUNDLE);
    if bundle.exists() {
        return Some(bundle);
    }
    let cert = store.ca_cert();
    (!matches!(cert.try_exists(), Ok(false))).then_some(cert)
}

/// The certificate an index line records, read from its file: `None` when
/// the file is gone, unreadable, or now holds another certificate (one that
/// replaced it at the same path).
pub fn recorded_certificate(store: &Store, file: &str, serial: &Serial) -> Option<CertSummary> {
    let path = store.path(file);
    let bytes = read_file(&path).ok()?;
    let what = path.display().to_string();
    let der = crate::encoding::certificate(&what, &bytes).ok()?;
    let cert = CertSummary::from_der(&what, &der, false).ok()?;
    (cert.serial == *serial).then_some(cert)
}

/// Whether one of `issuers` signed `cert`.
pub fn issued_by_one_of(cert: &X509Certificate<'_>, issuers: &[Vec<u8>]) -> bool {
    issuers.iter().any(|der| {
        X509Certificate::from_der(der)
            .is_ok_and(|(_, ca)| cert.verify_signature(Some(ca.public_key())).is_ok())
    })
}

/// The subject of the directory's CA certificate, `None` without one.
pub fn ca_subject(store: &Store) -> Result<Option<String>> {
    let path = store.ca_cert();
    let bytes = match read_file(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("reading", &path)(e)),
    };
    let what = path.display().to_string();
    let der = crate::encoding::certificate(&what, &bytes)?;
    Ok(Some(CertSummary::from_der(&what, &der, false)?.subject))
}

/// How the index of `store` names `path`: relative to the PKI directory
/// when inside it (as every bundle is), else absolute, so that commands run
/// from another directory find the file.
pub fn index_file_name(store: &Store, path: &Path) -> String {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let path = absolute(path);
    match path.strip_prefix(absolute(store.root())) {
        Ok(rel) => rel.display().to_string(),
        Err(_) => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn the_bundle_of_a_changeover_is_trusted_before_the_ca_certificate() {
        let d = tempfile::tempdir().unwrap();
        let store = Store::new(d.path());
        assert_eq!(trusted_roots(&store), None);
        fs::write(store.ca_cert(), b"new root").unwrap();
        assert_eq!(trusted_roots(&store), Some(store.ca_cert()));
        fs::write(store.path(store::CA_BUNDLE), b"old and new roots").unwrap();
        assert_eq!(trusted_roots(&store), Some(store.path(store::CA_BUNDLE)));
    }
}
