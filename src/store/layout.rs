//! The PKI directory's layout: the names of its entries, as in the openssl
//! recipes and certgen's own, and [`Store`], the directory they are joined to.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::secret::PassphraseSource;

use super::fs::exists_no_follow;

/// File names, as in the openssl recipes.
pub const CA_CERT: &str = "ca-cert.pem";
pub const CA_KEY: &str = "ca-key.pem";
pub const CA_CHAIN: &str = "ca-chain.pem";
/// Old and new roots during a CA changeover; see `crate::pki::trusted_roots`.
pub const CA_BUNDLE: &str = "ca-bundle.pem";
/// The serials the index listed when a CA changeover started: the old CA's
/// certificates. Written with [`CA_BUNDLE`], archived with it.
pub const CA_ROTATION: &str = "ca-rotation.txt";
/// During a CA changeover, the old CA's key (as it was, encrypted or not)
/// and certificate, with which `crl` signs the old CA's CRL. Written by
/// `rotate-ca`, archived by `rotate-ca --finish`.
pub const CA_OLD_KEY: &str = "ca-old-key.pem";
pub const CA_OLD_CERT: &str = "ca-old-cert.pem";
/// The serials of the CAs `rotate-ca --finish` retired: no CRL lists them
/// any more.
pub const CA_RETIRED: &str = "ca-retired.txt";
pub const INDEX: &str = "index.txt";
pub const INDEX_ATTR: &str = "index.txt.attr";
pub const OLD_KEYS: &str = "old_keys";
/// The staging area of a writer, removed by the next one when left behind.
pub const TMP: &str = ".tmp";
/// The lock file every writer holds.
pub const LOCK: &str = ".lock";
/// The journal of a transaction being published.
pub const JOURNAL: &str = ".txn";

/// A PKI directory.
#[derive(Clone, Debug)]
pub struct Store {
    pub(super) root: PathBuf,
    /// Asked for the passphrase when the CA key is encrypted.
    passphrase: Option<Arc<dyn PassphraseSource>>,
}

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store {
            root: root.into(),
            passphrase: None,
        }
    }

    /// The same directory, whose encrypted CA key is opened with the
    /// passphrase from `source`.
    pub fn with_passphrase(mut self, source: Arc<dyn PassphraseSource>) -> Store {
        self.passphrase = Some(source);
        self
    }

    /// Where the passphrase of an encrypted CA key comes from, if anywhere.
    pub fn passphrase_source(&self) -> Option<&Arc<dyn PassphraseSource>> {
        self.passphrase.as_ref()
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn ca_cert(&self) -> PathBuf {
        self.path(CA_CERT)
    }

    pub fn ca_key(&self) -> PathBuf {
        self.path(CA_KEY)
    }

    pub fn index(&self) -> PathBuf {
        self.path(INDEX)
    }

    /// Whether a CA is present: its certificate or its key, even a broken
    /// link in their place, which a new CA must not be written through.
    pub fn has_ca(&self) -> bool {
        exists_no_follow(&self.ca_cert()) || exists_no_follow(&self.ca_key())
    }

    /// The directory's identity (device and inode): two spellings of one
    /// directory (`pki`, `./pki/`, a link to it) are the same directory.
    /// `None` while it does not exist.
    pub fn identity(&self) -> Result<Option<(u64, u64)>> {
        match fs::metadata(&self.root) {
            Ok(m) => Ok(Some((m.dev(), m.ino()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("reading", &self.root)(e)),
        }
    }

    /// Refuses `other` when it is this directory by another name: locking
    /// both would wait for itself.
    pub fn check_distinct(&self, other: &Store) -> Result<()> {
        let same = self.root == other.root
            || matches!((self.identity()?, other.identity()?), (Some(a), Some(b)) if a == b);
        if same {
            return Err(Error::ParentIsSelf {
                parent: other.root.clone(),
                dir: self.root.clone(),
            });
        }
        Ok(())
    }
}
