//! Bundles on disk: `servers/NAME` and `users/USER`, each a key, a
//! certificate and the CA file. The one place that names a bundle (and
//! checks the name), finds it, lists them, and reads one.

use std::collections::HashSet;
use std::path::PathBuf;

use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;
use zeroize::Zeroizing;

use crate::ca::Issued;
use crate::cert::CertSummary;
use crate::error::{Error, Expected, Result};
use crate::input::read_file;
use crate::key_type::KeyFormat;
use crate::keys::PrivateKey;
use crate::kind::Kind;
use crate::name::{Subject, describe_char};
use crate::pki::issued_by_one_of;
use crate::store::{self, Store};

/// Checks a bundle name: it becomes a directory name, so no separators, no
/// dot-files, nothing a shell or a human would misread.
pub fn check_name(name: &str) -> Result<()> {
    let bad = |reason: &str| Error::InvalidName {
        what: "name",
        value: name.to_string(),
        reason: reason.to_string(),
    };
    if name.is_empty() || name.len() > 255 {
        return Err(bad("it must be 1 to 255 bytes long"));
    }
    if name.starts_with('.') || name.starts_with('-') {
        return Err(bad("it must not start with '.' or '-'"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || "._-@*:+=".contains(*c)))
    {
        return Err(bad(&format!(
            "{} is not allowed in a bundle name",
            describe_char(c)
        )));
    }
    Ok(())
}

/// Why a run over every bundle (`renew --all`, `keystore --all`) leaves one
/// out instead of refusing: one vocabulary, in notes and as JSON's
/// kebab-case `reason`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// It expires later than `renew --within`.
    NotDue,
    /// Its certificate is revoked.
    Revoked,
    /// Its certificate was replaced by a renewal or `--force`: the bundle
    /// was put back by hand.
    Superseded,
    /// Its certificate has expired (`renew` renews it; a keystore is not
    /// made of it).
    Expired,
    /// Neither the CA nor, during a changeover, the old root issued its
    /// certificate, as after `rotate-ca --finish` for a bundle of the old CA.
    OtherCa,
    /// This CA's index does not record its certificate.
    NotInIndex,
}

impl SkipReason {
    /// The reason the index gives, which comes before any other: a
    /// superseded or revoked certificate, whoever issued it.
    pub fn of_revocation(entry: Option<&crate::index::Entry>) -> Option<SkipReason> {
        let entry = entry?;
        if entry.is_superseded() {
            Some(SkipReason::Superseded)
        } else if entry.status == crate::index::Status::Revoked {
            Some(SkipReason::Revoked)
        } else {
            None
        }
    }

    /// How a note names the reason.
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::NotDue => "not due",
            SkipReason::Revoked => "revoked certificate",
            SkipReason::Superseded => "superseded certificate",
            SkipReason::Expired => "expired certificate",
            SkipReason::OtherCa => "not issued by this CA",
            SkipReason::NotInIndex => "certificate not in this CA's index",
        }
    }
}

/// A server or user bundle, by kind and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleId {
    pub kind: Kind,
    pub name: String,
}

impl BundleId {
    /// `servers/NAME` or `users/NAME`.
    pub fn rel_dir(&self) -> String {
        self.kind.rel_dir(&self.name)
    }
}

/// The bundle called `name`: of `kind` when given, else looked for under
/// both `servers/` and `users/`, where a name found in both is ambiguous.
pub fn find(store: &Store, kind: Option<Kind>, name: &str) -> Result<BundleId> {
    check_name(name)?;
    let exists = |kind: Kind| std::fs::symlink_metadata(store.path(&kind.rel_dir(name))).is_ok();
    let kind = match kind {
        Some(k) if exists(k) => k,
        Some(_) => return Err(Error::NoSuchBundle(name.to_string())),
        None => match (exists(Kind::Server), exists(Kind::User)) {
            (true, true) => return Err(Error::AmbiguousBundle(name.to_string())),
            (true, false) => Kind::Server,
            (false, true) => Kind::User,
            (false, false) => return Err(Error::NoSuchBundle(name.to_string())),
        },
    };
    Ok(BundleId {
        kind,
        name: name.to_string(),
    })
}

/// The bundles `names` designate ([`find`]), each once.
pub fn find_all(store: &Store, names: &[(Option<Kind>, String)]) -> Result<Vec<BundleId>> {
    let mut out: Vec<BundleId> = Vec::new();
    let mut seen = HashSet::new();
    for (kind, name) in names {
        let id = find(store, *kind, name)?;
        if !seen.insert((id.kind, id.name.clone())) {
            return Err(Error::DuplicateName(id.rel_dir()));
        }
        out.push(id);
    }
    Ok(out)
}

/// Every bundle directory under `servers/` and `users/`, by name.
pub fn all(store: &Store) -> Result<Vec<BundleId>> {
    let mut out = Vec::new();
    for kind in Kind::ALL {
        let path = store.path(kind.parent_dir());
        let entries = match std::fs::read_dir(&path) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io("reading", &path)(e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(Error::io("reading", &path))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.starts_with('.') {
                names.push(name);
            }
        }
        names.sort();
        out.extend(names.into_iter().map(|name| BundleId { kind, name }));
    }
    Ok(out)
}

/// A bundle on disk: its certificate and the paths of its files.
#[derive(Clone, Debug)]
pub struct LeafIssued {
    pub name: String,
    pub issued: Issued,
    pub dir: PathBuf,
    pub cert_path: PathBuf,
    pub key_path: PathBuf,
    pub ca_path: PathBuf,
}

impl LeafIssued {
    /// The files of bundle `name` of `kind`, for a certificate just issued.
    pub fn at(store: &Store, kind: Kind, name: &str, issued: Issued) -> LeafIssued {
        let dir = store.path(&kind.rel_dir(name));
        let (key_name, cert_name) = kind.file_names();
        LeafIssued {
            name: name.to_string(),
            issued,
            cert_path: dir.join(cert_name),
            key_path: dir.join(key_name),
            ca_path: dir.join(store::CA_CERT),
            dir,
        }
    }
}

/// A bundle that is already on disk, described as if just issued (no
/// warnings): its certificate is read, its key is not.
pub fn read_leaf(store: &Store, kind: Kind, name: &str) -> Result<LeafIssued> {
    let (_, cert_name) = kind.file_names();
    let cert_path = store.path(&kind.rel_dir(name)).join(cert_name);
    let bytes = read_file(&cert_path).map_err(Error::io("reading", &cert_path))?;
    let what = cert_path.display().to_string();
    let der = crate::encoding::certificate(&what, &bytes)?;
    let cert = CertSummary::from_der(&what, &der, false)?;
    let issued = Issued {
        pem: crate::encoding::to_pem("CERTIFICATE", &der),
        der,
        cert,
        warnings: Vec::new(),
    };
    Ok(LeafIssued::at(store, kind, name, issued))
}

/// A bundle as it is on disk, checked: its certificate, its subject, and its
/// key (which is the certificate's), with the key file as written.
pub struct Current {
    pub leaf: LeafIssued,
    pub subject: Subject,
    pub key: PrivateKey,
    pub key_file: Zeroizing<Vec<u8>>,
    pub key_format: KeyFormat,
}

impl std::fmt::Debug for Current {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Current")
            .field("leaf", &self.leaf)
            .field("key_format", &self.key_format)
            .finish_non_exhaustive()
    }
}

/// Reads a bundle: its certificate, issued by one of `issuers`
/// ([`crate::pki::issuers`]), and its key, which must be the certificate's.
pub fn read_checked(store: &Store, bundle: &BundleId, issuers: &[Vec<u8>]) -> Result<Current> {
    let dir = store.path(&bundle.rel_dir());
    match std::fs::symlink_metadata(&dir) {
        Ok(m) if m.file_type().is_symlink() => return Err(Error::Symlink(dir)),
        Ok(m) if !m.is_dir() => return Err(Error::NotADirectory(dir)),
        Ok(_) => {}
        Err(e) => return Err(Error::io("reading", &dir)(e)),
    }
    let leaf = read_leaf(store, bundle.kind, &bundle.name)?;
    let key_file =
        Zeroizing::new(read_file(&leaf.key_path).map_err(Error::io("reading", &leaf.key_path))?);
    let key_what = leaf.key_path.display().to_string();
    let key = PrivateKey::from_bytes(&key_what, &key_file)?;
    let (_, cert) = X509Certificate::from_der(&leaf.issued.der).map_err(Error::malformed(
        leaf.cert_path.display().to_string(),
        Expected::Certificate,
    ))?;
    if !key.matches_spki(cert.public_key().raw) {
        return Err(Error::KeyMismatch {
            key: key_what,
            cert: leaf.cert_path.display().to_string(),
        });
    }
    if !issued_by_one_of(&cert, issuers) {
        return Err(Error::NotIssuedHere {
            cert: leaf.cert_path.clone(),
            issuer: leaf.issued.cert.issuer.clone(),
        });
    }
    Ok(Current {
        subject: Subject::from_x509(cert.subject())?,
        key,
        key_format: crate::keys::format_of(&key_file),
        key_file,
        leaf,
    })
}

/// The serials of the bundles called `name`, for a hint when it is ambiguous.
pub fn serials(store: &Store, name: &str) -> Vec<(&'static str, crate::serial::Serial)> {
    Kind::ALL
        .into_iter()
        .filter_map(|kind| {
            let leaf = read_leaf(store, kind, name).ok()?;
            Some((kind.parent_dir(), leaf.issued.cert.serial))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_names() {
        for good in [
            "app",
            "db1.example.com",
            "*.example.com",
            "fe80::1",
            "o'k@x",
        ] {
            assert!(check_name(good).is_ok() != good.contains('\''), "{good}");
        }
        for bad in ["", ".", "..", ".hidden", "-rf", "a/b", "a b", "tab\t"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn refused_characters_read_as_a_person_writes_them() {
        let message = |name: &str| check_name(name).unwrap_err().to_string();
        assert_eq!(
            message("o'k"),
            "invalid name \"o'k\": a quote (') is not allowed in a bundle name"
        );
        assert_eq!(
            message("a b"),
            "invalid name \"a b\": a space is not allowed in a bundle name"
        );
        assert_eq!(
            message("a#b"),
            "invalid name \"a#b\": the character \"#\" is not allowed in a bundle name"
        );
        assert_eq!(
            message("tab\t"),
            "invalid name \"tab\t\": a tab is not allowed in a bundle name"
        );
    }
}
