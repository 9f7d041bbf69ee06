//! The PKI directory: its layout, the lock that serialises writers, and the only
//! code in certgen that writes files.
//!
//! Every file is written to a temporary name, synced, and renamed into place;
//! a set of files is published as one journaled transaction (`txn`), so a
//! crash leaves either the old state or the new one. New files never replace
//! existing ones (`RENAME_NOREPLACE`); a replaced file or directory is
//! exchanged with its new version (`RENAME_EXCHANGE`), so its path never
//! goes missing, and then moves to `old_keys/<UTC timestamp>/`. Private keys are created 0600 with `O_EXCL`,
//! which also refuses to follow a symbolic link.
//!
//! One concept a file, each using only those listed before it: `perms` (the
//! owner, group and mode of what is written), `fs` (the file primitives),
//! `layout` (the names in the directory and [`Store`]), `txn` (the journal),
//! `archive` (`old_keys/`), `staging` (a set published together) and `lock`
//! (the lock, and what is done holding it).

use std::path::PathBuf;

use crate::cert::CertSummary;
use crate::index::Serial;

mod archive;
mod fs;
mod layout;
mod lock;
mod perms;
mod staging;
mod txn;

pub use fs::{Prepared, create_dir, create_file, prepare_file, replace_file};
pub use layout::{
    CA_BUNDLE, CA_CERT, CA_CHAIN, CA_KEY, CA_ROTATION, CLIENT_CERT, CLIENT_KEY, INDEX, INDEX_ATTR,
    JOURNAL, LOCK, OLD_KEYS, SERVER_CERT, SERVER_KEY, Store, TMP,
};
pub use lock::Lock;
pub use perms::{Mode, Perms};
pub use staging::Staging;

impl Store {
    /// `servers/NAME` relative to the root.
    pub fn server_rel(name: &str) -> String {
        format!("servers/{name}")
    }

    /// `users/USER` relative to the root.
    pub fn user_rel(user: &str) -> String {
        format!("users/{user}")
    }

    /// The roots to trust when none are given: `ca-bundle.pem` during a CA
    /// changeover (it holds the old and the new root, so certificates of
    /// both verify), else `ca-cert.pem`. `None` when neither is there; a
    /// `ca-cert.pem` that cannot be looked at is returned, so that reading
    /// it reports why.
    pub fn trusted_roots(&self) -> Option<PathBuf> {
        let bundle = self.path(CA_BUNDLE);
        if bundle.exists() {
            return Some(bundle);
        }
        let cert = self.ca_cert();
        (!matches!(cert.try_exists(), Ok(false))).then_some(cert)
    }

    /// The certificate an index line records, read from its file: `None`
    /// when the file is gone, unreadable, or now holds another certificate
    /// (one that replaced it at the same path).
    pub fn recorded_certificate(&self, file: &str, serial: &Serial) -> Option<CertSummary> {
        let path = self.root.join(file);
        let bytes = crate::input::read_file(&path).ok()?;
        let what = path.display().to_string();
        let der = crate::encoding::certificates(&what, &bytes)
            .ok()?
            .into_iter()
            .next()?;
        let cert = CertSummary::from_der(&what, &der, false).ok()?;
        (cert.serial == *serial).then_some(cert)
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
        assert_eq!(store.trusted_roots(), None);
        fs::write(store.ca_cert(), b"new root").unwrap();
        assert_eq!(store.trusted_roots(), Some(store.ca_cert()));
        fs::write(store.path(CA_BUNDLE), b"old and new roots").unwrap();
        assert_eq!(store.trusted_roots(), Some(store.path(CA_BUNDLE)));
    }
}
