//! Reading a bundle to deploy, and the checks it passes first: complete,
//! key and certificate a pair, issued by this PKI's CA and verifiable with
//! the CA file deployed beside it, recorded in the index and not revoked,
//! not expired; and the PKI's CRL file, when there is one, holding a
//! current CRL of every root of that CA file (a server that checks CRLs
//! refuses a certificate whose CA has none).

use std::fs;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};
use zeroize::Zeroizing;

use super::layout::{Layout, Role};
use crate::cert::CertSummary;
use crate::error::{Error, Result};
use crate::index::Index;
use crate::keys::PrivateKey;
use crate::kind::Kind;
use crate::store::{self, Store};

/// The checked content of a bundle.
pub(super) struct Bundle {
    pub certificate: CertSummary,
    /// The certificate file, as messages name it.
    pub cert_what: String,
    /// (role, source, content), in the order of [`Deployment::files`]: CA,
    /// certificate, key, and the CRL when the PKI has one.
    pub files: Vec<(Role, PathBuf, Zeroizing<Vec<u8>>)>,
}

/// Reads and checks `servers/NAME` or `users/NAME`, with the CA file to
/// deploy beside it: `ca-bundle.pem` during a CA changeover (old and new
/// roots), else the bundle's own `ca-cert.pem` (the chain, for an
/// intermediate CA).
pub(super) fn read_bundle(
    store: &Store,
    kind: Kind,
    name: &str,
    now: OffsetDateTime,
) -> Result<Bundle> {
    crate::bundle::check_name(name)?;
    store.recover()?;
    let (rel, kind_name) = (kind.rel_dir(name), kind.noun());
    let dir = store.path(&rel);
    match fs::symlink_metadata(&dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::NoBundle {
                kind: kind_name,
                name: name.to_string(),
                dir: store.root().to_path_buf(),
            });
        }
        Err(e) => return Err(Error::io("reading", &dir)(e)),
        Ok(m) if m.file_type().is_symlink() => return Err(Error::Symlink(dir)),
        Ok(m) if !m.is_dir() => return Err(Error::NotADirectory(dir)),
        Ok(_) => {}
    }
    let plain = Layout::Plain.file_names(kind);
    let bundle_ca = store.path(store::CA_BUNDLE);
    let ca_path = if bundle_ca.exists() {
        bundle_ca
    } else {
        dir.join(plain.ca)
    };
    let cert_path = dir.join(plain.cert);
    let key_path = dir.join(plain.key);
    let read = |p: &Path| -> Result<Zeroizing<Vec<u8>>> {
        match crate::input::read_file(p) {
            Ok(b) => Ok(Zeroizing::new(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(Error::IncompleteBundle(p.to_path_buf()))
            }
            Err(e) => Err(Error::io("reading", p)(e)),
        }
    };
    let (ca, cert, key) = (read(&ca_path)?, read(&cert_path)?, read(&key_path)?);

    let cert_what = cert_path.display().to_string();
    let der = crate::encoding::certificate(&cert_what, &cert)?;
    let certificate = CertSummary::from_der(&cert_what, &der, false)?;
    let (_, leaf) = X509Certificate::from_der(&der).map_err(Error::malformed(
        &cert_what,
        crate::error::Expected::Certificate,
    ))?;
    let key_what = key_path.display().to_string();
    if !PrivateKey::from_bytes(&key_what, &key)?.matches_spki(leaf.public_key().raw) {
        return Err(Error::KeyMismatch {
            key: key_what,
            cert: cert_what,
        });
    }
    // Issued by this PKI's CA, and verifiable with the CA file deployed.
    if let Some(roots) = crate::pki::trusted_roots(store) {
        let bytes = read(&roots)?;
        check_issued_by(&leaf, &cert_what, &roots, &bytes)?;
    }
    check_issued_by(&leaf, &cert_what, &ca_path, &ca)?;
    let index = Index::load(&store.index())?;
    if !index.contains(&certificate.serial) {
        return Err(Error::NotInIndex(certificate.serial.clone()));
    }
    index.check_current(&cert_what, &certificate, now)?;
    let crl_path = store.path(crate::crl::CRL_FILE);
    let crl = if crl_path.exists() {
        let crl = read(&crl_path)?;
        let issuers = crate::pki::issuers(store)?;
        check_crl(&crl_path, &crl, &ca_path, &ca, &issuers, now)?;
        Some((Role::Crl, crl_path, crl))
    } else {
        None
    };
    let mut files = vec![
        (Role::Ca, ca_path, ca),
        (Role::Certificate, cert_path, cert),
        (Role::Key, key_path, key),
    ];
    files.extend(crl);
    Ok(Bundle {
        certificate,
        cert_what,
        files,
    })
}

/// Refuses a CRL file without a current CRL of every CA certificate in the
/// CA file `ca` that issues this PKI's certificates (`issuers`: the CA, and
/// the old root during a changeover; an intermediate's parents publish
/// their own): deployed together, the server would refuse that CA's
/// certificates ("unable to get certificate CRL"), or all of them once the
/// CRL's nextUpdate has passed.
fn check_crl(
    crl_path: &Path,
    crl: &[u8],
    ca_path: &Path,
    ca: &[u8],
    issuers: &[Vec<u8>],
    now: OffsetDateTime,
) -> Result<()> {
    let published = crate::crl::parse_published(&crl_path.display().to_string(), crl)?;
    let in_ca_file = crate::encoding::certificates(&ca_path.display().to_string(), ca)?;
    for ca_der in in_ca_file.into_iter().filter(|c| issuers.contains(c)) {
        let subject = X509Certificate::from_der(&ca_der)
            .map(|(_, c)| crate::name::oneline(c.subject()))
            .unwrap_or_default();
        let Some(p) = published.iter().find(|p| p.signed_by(&ca_der)) else {
            return Err(Error::CrlLacksCa {
                crl: crl_path.to_path_buf(),
                ca: subject,
            });
        };
        if p.this_update > now || p.next_update.is_some_and(|n| n < now) {
            return Err(Error::CrlNotCurrent {
                crl: crl_path.to_path_buf(),
                ca: subject,
                this_update: p.this_update,
                next_update: p.next_update,
            });
        }
    }
    Ok(())
}

/// Checks again, with the deployment directory locked, what
/// [`read_bundle`] checked in the index at `index` (absolute: the write
/// phase may work in another directory): that the certificate is not
/// revoked (a `retire`, `revoke` or `renew` that ran since read_bundle
/// refuses the deployment) and has not expired. A retire that runs after
/// this check finds the deployment done, and is what comes after it.
pub(super) fn check_still_current(
    index: &Path,
    bundle: &Bundle,
    now: OffsetDateTime,
) -> Result<()> {
    Index::load(index)?.check_current(&bundle.cert_what, &bundle.certificate, now)
}

/// Refuses a certificate that no CA certificate in `ca` signed.
fn check_issued_by(
    leaf: &X509Certificate<'_>,
    cert_what: &str,
    ca_path: &Path,
    ca: &[u8],
) -> Result<()> {
    let ca_what = ca_path.display().to_string();
    let issued = crate::encoding::certificates(&ca_what, ca)?
        .iter()
        .any(|ca_der| {
            X509Certificate::from_der(ca_der)
                .is_ok_and(|(_, ca)| leaf.verify_signature(Some(ca.public_key())).is_ok())
        });
    if issued {
        return Ok(());
    }
    Err(Error::NotIssuedBy {
        cert: cert_what.to_string(),
        ca: ca_what,
    })
}
