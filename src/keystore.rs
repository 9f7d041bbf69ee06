//! Keystores for the drivers that do not read PEM files: a PKCS#12
//! keystore with a bundle's key and certificate chain (MySQL and MariaDB
//! Connector/J's `keyStore`, pgJDBC's `sslkey`, and the PFX .NET loads),
//! a PKCS#12 truststore with the CA certificates Java trusts, and the key
//! as PKCS#8 DER (`.pk8`), which pgJDBC before 42.7.9 needs beside a PEM
//! certificate.
//!
//! The CA certificates are those `deploy` puts beside the bundle: during a
//! CA changeover the old and the new root (`ca-bundle.pem`), else the
//! bundle's own CA file. Like `deploy`, [`prepare`] refuses a bundle whose
//! key is not its certificate's, that this PKI did not issue, that the
//! index records as revoked, or that has expired, before the password is
//! asked for; [`write`] writes into a directory outside the PKI directory,
//! never over an existing file, the keystore and the `.pk8` key `0600`,
//! all three or none.

mod pkcs12;

use std::fs;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::bundle::{self, BundleId};
use crate::cert::CertSummary;
use crate::error::{Error, Result};
use crate::index::Index;
use crate::kind::Kind;
use crate::store::{self, Mode, Perms, Store};

pub use pkcs12::{ITERATIONS, MIN_PASSWORD_CHARS, Password, Profile, key_store, trust_store};

/// The keystore's file name.
pub const KEYSTORE: &str = "keystore.p12";
/// The truststore's file name.
pub const TRUSTSTORE: &str = "truststore.p12";

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

/// What a written file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Keystore,
    Truststore,
    Pk8,
}

/// One file written.
#[derive(Clone, Debug)]
pub struct WrittenFile {
    pub role: Role,
    pub path: PathBuf,
    /// Permission bits.
    pub mode: u32,
}

/// A certificate in a store, under its alias.
#[derive(Clone, Debug)]
pub struct Entry {
    pub alias: String,
    pub certificate: CertSummary,
}

/// What [`write`] wrote.
#[derive(Clone, Debug)]
pub struct Written {
    pub certificate: CertSummary,
    /// The key entry's alias.
    pub alias: String,
    /// The key entry's chain: the bundle's certificate, then its issuers.
    pub chain: Vec<CertSummary>,
    /// The truststore's entries.
    pub trusted: Vec<Entry>,
    /// The CA file the truststore was made from.
    pub ca_file: PathBuf,
    pub dir: PathBuf,
    pub created_dir: bool,
    /// Keystore, truststore, `.pk8`, in that order.
    pub files: Vec<WrittenFile>,
}

/// The key entry's alias when none is given: `user` for a user's bundle,
/// the one alias pgJDBC reads from a PKCS#12 `sslkey`; `server` for a
/// server's.
pub fn default_alias(kind: Kind) -> &'static str {
    kind.noun()
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

/// The `.pk8` key's file name: the bundle's key file's, `client-key.pk8` or
/// `server-key.pk8`.
pub fn pk8_name(kind: Kind) -> String {
    let (key, _) = kind.file_names();
    format!("{}.pk8", key.trim_end_matches(".pem"))
}

/// Checks an alias: Java lowercases aliases of PKCS#12 stores, so an
/// upper-case one would be listed and looked up under another name.
pub fn check_alias(alias: &str) -> Result<()> {
    let bad = |reason: &str| Error::InvalidName {
        what: "alias",
        value: alias.to_string(),
        reason: reason.to_string(),
    };
    if alias.is_empty() || alias.chars().count() > 64 {
        return Err(bad("it must be 1 to 64 characters long"));
    }
    if alias.chars().any(char::is_uppercase) {
        return Err(bad(
            "Java lowercases the aliases of PKCS#12 stores: give it in lower case",
        ));
    }
    if let Some(c) = alias
        .chars()
        .find(|c| !(c.is_alphanumeric() || "._-@".contains(*c)))
    {
        return Err(bad(&format!(
            "{} is not allowed in an alias",
            crate::name::describe_char(c)
        )));
    }
    Ok(())
}

/// A bundle read and checked for [`write`], and where its files go: every
/// check is made before a password is asked for.
pub struct Prepared {
    kind: Kind,
    alias: String,
    profile: Profile,
    out: PathBuf,
    created_dir: bool,
    /// Keystore, truststore, `.pk8`.
    paths: [PathBuf; 3],
    certificate: CertSummary,
    cert_what: String,
    index: PathBuf,
    key: crate::keys::PrivateKey,
    chain: Vec<Vec<u8>>,
    trusted: Vec<(String, Vec<u8>)>,
    ca_file: PathBuf,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("kind", &self.kind)
            .field("alias", &self.alias)
            .field("paths", &self.paths)
            .finish_non_exhaustive()
    }
}

/// Reads and checks the bundle of `req`, its CA file and the output
/// directory, writing nothing: the alias, the bundle (complete, its key its
/// certificate's, issued here, not revoked, not expired at `now`), the
/// directory (outside the PKI, its parent there) and that none of the files
/// exists yet.
pub fn prepare(store: &Store, req: &Request<'_>, now: OffsetDateTime) -> Result<Prepared> {
    let alias = req.alias.unwrap_or(default_alias(req.kind));
    check_alias(alias)?;
    store.recover()?;
    let id = find_bundle(store, req.kind, req.name)?;
    let issuers = crate::pki::issuers(store)?;
    let current = bundle::read_checked(store, &id, &issuers)?;
    let leaf = current.leaf;
    let cert_what = leaf.cert_path.display().to_string();
    let certificate = leaf.issued.cert.clone();
    let index = Index::load(&store.index())?;
    if !index.contains(&certificate.serial) {
        return Err(Error::NotInIndex(certificate.serial.clone()));
    }
    index.check_current(&cert_what, &certificate, now)?;

    let ca_file = ca_file(store, &id);
    let ca_bytes = crate::input::read_file(&ca_file).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::IncompleteBundle(ca_file.clone()),
        _ => Error::io("reading", &ca_file)(e),
    })?;
    let ca_what = ca_file.display().to_string();
    let cas = crate::encoding::certificates(&ca_what, &ca_bytes)?;
    let chain = chain_of(&leaf.issued.der, &cert_what, &cas, &ca_what)?;
    let count = cas.len();
    let trusted = cas
        .into_iter()
        .enumerate()
        .map(|(i, der)| match count {
            1 => ("ca".to_string(), der),
            _ => (format!("ca-{}", i + 1), der),
        })
        .collect();

    let created_dir = !check_out_dir(store, req.out)?;
    let pk8 = pk8_name(req.kind);
    let paths = [KEYSTORE, TRUSTSTORE, pk8.as_str()].map(|n| req.out.join(n));
    for p in &paths {
        if fs::symlink_metadata(p).is_ok() {
            return Err(Error::Exists(p.clone()));
        }
    }
    Ok(Prepared {
        kind: req.kind,
        alias: alias.to_string(),
        profile: req.profile,
        out: req.out.to_path_buf(),
        created_dir,
        paths,
        certificate,
        cert_what,
        index: store.index(),
        key: current.key,
        chain,
        trusted,
        ca_file,
    })
}

/// Writes the keystore, the truststore and the `.pk8` key [`prepare`]
/// checked, protected by `password`: all three, or none.
pub fn write(prepared: Prepared, password: &Password, now: OffsetDateTime) -> Result<Written> {
    let p = prepared;
    let key_der = p.key.to_pkcs8_der()?;
    let keystore = key_store(&p.alias, &key_der, &p.chain, password, p.profile)?;
    let truststore = trust_store(&p.trusted, password, p.profile)?;

    // The index may have changed while a password was asked for.
    Index::load(&p.index)?.check_current(&p.cert_what, &p.certificate, now)?;
    if p.created_dir {
        store::create_dir(
            &p.out,
            Perms {
                uid: None,
                gid: None,
                mode: 0o755,
            },
        )?;
    }
    let modes = [Mode::Secret, Mode::Public, Mode::Secret];
    store::create_files(&[
        (&p.paths[0], &keystore, modes[0]),
        (&p.paths[1], &truststore, modes[1]),
        (&p.paths[2], &key_der, modes[2]),
    ])?;

    let ca_what = p.ca_file.display().to_string();
    let summary = |der: &[u8]| CertSummary::from_der(&ca_what, der, false);
    let files = [Role::Keystore, Role::Truststore, Role::Pk8]
        .into_iter()
        .zip(p.paths)
        .zip(modes)
        .map(|((role, path), mode)| WrittenFile {
            role,
            path,
            mode: mode.bits(),
        })
        .collect();
    Ok(Written {
        chain: p
            .chain
            .iter()
            .map(|der| summary(der))
            .collect::<Result<_>>()?,
        trusted: p
            .trusted
            .iter()
            .map(|(alias, der)| {
                Ok(Entry {
                    alias: alias.clone(),
                    certificate: summary(der)?,
                })
            })
            .collect::<Result<_>>()?,
        certificate: p.certificate,
        alias: p.alias,
        ca_file: p.ca_file,
        dir: p.out,
        created_dir: p.created_dir,
        files,
    })
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

/// The certificate `leaf` (DER) followed by its issuers among `cas`, each
/// found by its signature, up to a self-signed one or the last `cas` holds.
fn chain_of(leaf: &[u8], leaf_what: &str, cas: &[Vec<u8>], ca_what: &str) -> Result<Vec<Vec<u8>>> {
    fn parse(der: &[u8]) -> Option<X509Certificate<'_>> {
        X509Certificate::from_der(der).ok().map(|(_, c)| c)
    }
    let mut chain = vec![leaf.to_vec()];
    let mut used = vec![false; cas.len()];
    while let Some(child) = chain.last().and_then(|d| parse(d)) {
        if child.subject() == child.issuer()
            && child.verify_signature(Some(child.public_key())).is_ok()
        {
            break;
        }
        let issuer = cas.iter().enumerate().find(|(i, der)| {
            !used[*i]
                && parse(der)
                    .is_some_and(|ca| child.verify_signature(Some(ca.public_key())).is_ok())
        });
        match issuer {
            Some((i, der)) => {
                used[i] = true;
                chain.push(der.clone());
            }
            None if chain.len() == 1 => {
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
/// its parent exists; never inside the PKI directory, whose files only the
/// store writes. Returns whether it exists.
fn check_out_dir(store: &Store, out: &Path) -> Result<bool> {
    let (exists, real) = match fs::symlink_metadata(out) {
        Ok(m) if m.file_type().is_symlink() => return Err(Error::Symlink(out.to_path_buf())),
        Ok(m) if !m.is_dir() => return Err(Error::NotADirectory(out.to_path_buf())),
        Ok(_) => (
            true,
            fs::canonicalize(out).map_err(Error::io("reading", out))?,
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let parent = match out.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            match (
                out.file_name(),
                fs::canonicalize(&parent).ok().filter(|p| p.is_dir()),
            ) {
                (Some(name), Some(p)) => (false, p.join(name)),
                _ => {
                    return Err(Error::MissingParent {
                        dir: out.to_path_buf(),
                        parent,
                    });
                }
            }
        }
        Err(e) => return Err(Error::io("reading", out)(e)),
    };
    if let Ok(pki) = fs::canonicalize(store.root())
        && real.starts_with(&pki)
    {
        return Err(Error::InsidePki {
            dir: out.to_path_buf(),
            pki: store.root().to_path_buf(),
        });
    }
    Ok(exists)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_what_java_lists() {
        for good in ["user", "server", "app-1", "db1.example", "ca_2"] {
            assert!(check_alias(good).is_ok(), "{good}");
        }
        let message = |a: &str| check_alias(a).unwrap_err().to_string();
        assert!(message("User").contains("lowercases"));
        assert!(message("").contains("1 to 64"));
        assert!(message("a b").contains("a space"));
        assert_eq!(default_alias(Kind::User), "user");
    }

    #[test]
    fn the_pk8_key_is_named_after_the_bundle_key() {
        assert_eq!(pk8_name(Kind::User), "client-key.pk8");
        assert_eq!(pk8_name(Kind::Server), "server-key.pk8");
    }
}
