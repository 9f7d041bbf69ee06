//! The CA's private key on disk: opening it (asking the directory's
//! [`PassphraseSource`](crate::secret::PassphraseSource) when it is
//! encrypted) and changing or removing its passphrase.
//!
//! The decrypted key exists only in memory (zeroized buffers, then the
//! signing library's own key object); it is never written anywhere.

use std::path::PathBuf;

use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::input::read_file;
use crate::key_type::KeyFormat;
use crate::keys::PrivateKey;
use crate::secret::Passphrase;
use crate::store::{self, Mode, Store};

/// The CA key of `store`, read and, when encrypted, decrypted. Also returns
/// the file's bytes as read, so a caller can check later that the file is
/// still the one it opened.
pub fn load(store: &Store) -> Result<(PrivateKey, Zeroizing<Vec<u8>>)> {
    load_at(store, &store.ca_key())
}

/// [`load`] for another key file of the directory's CAs (the old CA's
/// during a changeover), opened with the same passphrase source.
pub fn load_at(store: &Store, path: &std::path::Path) -> Result<(PrivateKey, Zeroizing<Vec<u8>>)> {
    let path = path.to_path_buf();
    let what = path.display().to_string();
    let bytes = Zeroizing::new(read_file(&path).map_err(Error::io("reading", &path))?);
    if !PrivateKey::is_encrypted(&bytes) {
        return Ok((PrivateKey::from_bytes(&what, &bytes)?, bytes));
    }
    let source = store
        .passphrase_source()
        .ok_or_else(|| Error::NoPassphrase { what: what.clone() })?;
    let passphrase = source.passphrase(&what)?;
    let key = PrivateKey::decrypt(&what, &bytes, &passphrase)?;
    Ok((key, bytes))
}

/// Whether the CA key of `store` is passphrase-encrypted.
pub fn is_encrypted(store: &Store) -> Result<bool> {
    let path = store.ca_key();
    let bytes = Zeroizing::new(read_file(&path).map_err(Error::io("reading", &path))?);
    Ok(PrivateKey::is_encrypted(&bytes))
}

/// What [`change_passphrase`] did.
#[derive(Debug)]
pub struct Rekeyed {
    /// The key file, rewritten.
    pub key: PathBuf,
    /// Whether it is now encrypted.
    pub encrypted: bool,
    /// Where the previous key file was archived.
    pub archived: PathBuf,
}

/// Rewrites the CA key encrypted with `new`, or unencrypted when `new` is
/// `None`. The key itself is unchanged. Under the directory's lock, the old
/// file is first archived in `old_keys/<UTC timestamp>/` (linked, so it stays
/// in place), then the new file, written 0600 beside it and synced, is
/// renamed over it: at every instant `ca-key.pem` holds the old key file or
/// the new one, and the old one is kept.
pub fn change_passphrase(
    store: &Store,
    new: Option<&Passphrase>,
    now: OffsetDateTime,
) -> Result<Rekeyed> {
    let path = store.ca_key();
    let what = path.display().to_string();
    // Opened (and the passphrase asked) before the lock is taken.
    let (key, read) = load(store)?;
    check_pair(store, &key)?;
    let encrypted = PrivateKey::is_encrypted(&read);
    if new.is_none() && !encrypted {
        return Err(Error::NotEncrypted { what });
    }
    let pem = Zeroizing::new(match new {
        Some(p) => key.to_encrypted_pem(p)?,
        None => key.to_pem(KeyFormat::Pkcs8)?.to_string(),
    });
    // What is written must open, with the new passphrase, to the same key.
    let back = match new {
        Some(p) => PrivateKey::decrypt(&what, pem.as_bytes(), p)?,
        None => PrivateKey::from_bytes(&what, pem.as_bytes())?,
    };
    if back.public_key_der() != key.public_key_der() {
        return Err(Error::KeyEncryption("the rewritten key differs".into()));
    }

    let lock = store.lock()?;
    let current = Zeroizing::new(read_file(&path).map_err(Error::io("reading", &path))?);
    if current != read {
        return Err(Error::CaReplaced);
    }
    let owner = std::fs::symlink_metadata(&path).map_err(Error::io("reading", &path))?;
    let archived = lock.archive_copy(&[store::CA_KEY], now)?;
    store::replace_file(&path, pem.as_bytes(), Mode::Secret)?;
    keep_owner(&path, &owner)?;
    Ok(Rekeyed {
        key: path,
        encrypted: new.is_some(),
        archived: archived.join(store::CA_KEY),
    })
}

/// Gives the rewritten key file the owner and group of the file it replaced
/// (a CA key kept by a dedicated user stays that user's); its mode stays 0600.
fn keep_owner(path: &std::path::Path, old: &std::fs::Metadata) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let new = std::fs::symlink_metadata(path).map_err(Error::io("reading", path))?;
    if (new.uid(), new.gid()) == (old.uid(), old.gid()) {
        return Ok(());
    }
    std::os::unix::fs::chown(path, Some(old.uid()), Some(old.gid()))
        .map_err(Error::io("giving back its owner to", path))
}

/// Checks that `key` belongs to the CA certificate of `store`.
fn check_pair(store: &Store, key: &PrivateKey) -> Result<()> {
    use x509_parser::prelude::FromDer;
    let cert_path = store.ca_cert();
    let what = cert_path.display().to_string();
    if !cert_path.exists() && !store.ca_key().exists() {
        return Err(Error::NoCa(store.root().to_path_buf()));
    }
    let bytes = read_file(&cert_path).map_err(Error::io("reading", &cert_path))?;
    let der = crate::encoding::certificate(&what, &bytes)?;
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(&der).map_err(
        Error::malformed(what.as_str(), crate::error::Expected::Certificate),
    )?;
    if !key.matches_spki(cert.public_key().raw) {
        return Err(Error::KeyMismatch {
            key: store.ca_key().display().to_string(),
            cert: what,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::init_ca::{CaOptions, init_ca};
    use crate::key_type::KeyType;
    use crate::name::Subject;
    use crate::pki::open_ca;
    use crate::secret::PassphraseSource;
    use std::sync::Arc;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-22 12:00 UTC);

    #[derive(Debug)]
    struct Fixed(Option<&'static str>);

    impl PassphraseSource for Fixed {
        fn passphrase(&self, what: &str) -> Result<Passphrase> {
            match self.0 {
                Some(p) => Passphrase::new(Zeroizing::new(p.as_bytes().to_vec()), "test"),
                None => Err(Error::NoPassphrase { what: what.into() }),
            }
        }
    }

    fn pass(s: &str) -> Passphrase {
        Passphrase::new(Zeroizing::new(s.as_bytes().to_vec()), "test").unwrap()
    }

    fn encrypted_ca(dir: &std::path::Path) -> Store {
        let store = Store::new(dir);
        let opts = CaOptions {
            subject: Subject::from_cn("Test CA").unwrap(),
            key_type: KeyType::EcdsaP256,
            key_format: KeyFormat::Pkcs8,
            validity: time::Duration::days(365),
            path_len: None,
            force: false,
            passphrase: Some(pass("old")),
        };
        init_ca(&store, &opts, None, NOW).unwrap();
        store
    }

    #[test]
    fn an_encrypted_ca_opens_only_with_its_passphrase() {
        let d = tempfile::tempdir().unwrap();
        let store = encrypted_ca(d.path());
        assert!(is_encrypted(&store).unwrap());
        let err = open_ca(&store).unwrap_err();
        assert!(matches!(err, Error::NoPassphrase { .. }), "{err:?}");
        let with = |p| store.clone().with_passphrase(Arc::new(Fixed(p)));
        let err = open_ca(&with(Some("wrong"))).unwrap_err();
        assert!(matches!(err, Error::WrongPassphrase { .. }), "{err:?}");
        open_ca(&with(Some("old"))).unwrap();
    }

    #[test]
    fn the_passphrase_changes_and_goes_keeping_the_key() {
        let d = tempfile::tempdir().unwrap();
        let store = encrypted_ca(d.path());
        let old_file = std::fs::read(store.ca_key()).unwrap();
        let public = |s: &Store| load(s).unwrap().0.public_key_der();
        let unlocked = store.clone().with_passphrase(Arc::new(Fixed(Some("old"))));
        let before = public(&unlocked);
        let done = change_passphrase(&unlocked, Some(&pass("new")), NOW).unwrap();
        assert!(done.encrypted);
        assert_eq!(std::fs::read(&done.archived).unwrap(), old_file);
        assert!(done.archived.starts_with(store.path("old_keys")));
        let err = open_ca(&unlocked).unwrap_err();
        assert!(matches!(err, Error::WrongPassphrase { .. }), "{err:?}");
        let unlocked = store.clone().with_passphrase(Arc::new(Fixed(Some("new"))));
        open_ca(&unlocked).unwrap();
        assert_eq!(public(&unlocked), before);

        let done = change_passphrase(&unlocked, None, NOW).unwrap();
        assert!(!done.encrypted);
        assert!(!is_encrypted(&store).unwrap());
        open_ca(&store).unwrap();
        assert_eq!(public(&store), before);
        let err = change_passphrase(&store, None, NOW).unwrap_err();
        assert!(matches!(err, Error::NotEncrypted { .. }), "{err:?}");
        if rustix::process::geteuid().is_root() {
            use std::os::unix::fs::MetadataExt;
            std::os::unix::fs::chown(store.ca_key(), Some(65534), Some(65534)).unwrap();
            change_passphrase(&store, Some(&pass("again")), NOW).unwrap();
            let meta = std::fs::metadata(store.ca_key()).unwrap();
            assert_eq!((meta.uid(), meta.gid()), (65534, 65534), "owner kept");
        }
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(store.ca_key()).unwrap().permissions(),
        );
        assert_eq!(mode & 0o777, 0o600);
    }
}
