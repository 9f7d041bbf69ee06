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
//! `archive` (`old_keys/`), `staging` (a set published together), `lock`
//! (the lock, and what is done holding it) and `together` (many new files
//! outside the directory, created all or none).

mod archive;
mod fs;
mod layout;
mod lock;
mod outside;
mod perms;
mod staging;
mod together;
mod txn;

pub use archive::archive_stamp;
pub use fs::{Prepared, create_dir, create_file, prepare_file, replace_file};
pub use layout::{
    CA_BUNDLE, CA_CERT, CA_CHAIN, CA_KEY, CA_OLD_CERT, CA_OLD_KEY, CA_RETIRED, CA_ROTATION, INDEX,
    INDEX_ATTR, JOURNAL, LOCK, OLD_KEYS, Store, TMP,
};
pub use lock::Lock;
pub use outside::{OutsideDir, resolve_dir};
pub use perms::{Mode, Perms};
pub use staging::Staging;
pub use together::create_together;
