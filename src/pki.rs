//! The CA of a PKI directory, as the files on disk hold it: loading it,
//! checking under the lock that it is still the directory's CA, and which
//! CA certificates count as issuers now (during a changeover, the old root
//! as well as the new one). Every command that asks "was this issued here?"
//! asks [`issuers`].

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

/// The CA certificates a certificate of this directory may have been issued
/// by now: the CA, and during a CA changeover every root in `ca-bundle.pem`.
/// Empty when the directory has no CA yet.
pub fn issuers(store: &Store) -> Result<Vec<Vec<u8>>> {
    let mut issuers = Vec::new();
    for path in [store.ca_cert(), store.path(store::CA_BUNDLE)] {
        match read_file(&path) {
            Ok(bytes) => issuers.extend(crate::encoding::certificates(
                &path.display().to_string(),
                &bytes,
            )?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("reading", &path)(e)),
        }
    }
    Ok(issuers)
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
