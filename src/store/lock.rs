//! The lock that serialises writers, and what may be done holding it.

use std::fs::{self, File};
use std::os::unix::fs::DirBuilderExt;
use std::path::PathBuf;

use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::index::{ATTR_CONTENT, Index};

use super::archive::{archive_stamp, unique_dir};
use super::fs::{exists_no_follow, make_dir, sync_parent, write_new};
use super::layout::{INDEX_ATTR, JOURNAL, LOCK, OLD_KEYS, Store, TMP};
use super::perms::Mode;
use super::staging::Staging;
use super::txn;

/// Proof that the PKI directory is locked; all writes go through it.
pub struct Lock<'a> {
    store: &'a Store,
    _file: File,
}

impl Lock<'_> {
    pub fn store(&self) -> &Store {
        self.store
    }

    pub fn read_index(&self) -> Result<Index> {
        Index::load(&self.store.index())
    }

    /// Replaces `index.txt` atomically, and writes `index.txt.attr` if missing.
    pub fn write_index(&self, index: &Index) -> Result<()> {
        let mut staging = self.stage(2)?;
        self.stage_index(&mut staging, index)?;
        staging.commit()
    }

    /// Adds the new index to a staging area, to be published before its new files.
    pub fn stage_index(&self, staging: &mut Staging, index: &Index) -> Result<()> {
        let attr = self.store.path(INDEX_ATTR);
        if !exists_no_follow(&attr) {
            staging.replace_file(attr, ATTR_CONTENT.as_bytes(), Mode::Public)?;
        }
        staging.replace_file(self.store.index(), index.render().as_bytes(), Mode::Public)
    }

    /// A staging area for new files, published together by [`Staging::commit`].
    pub fn stage(&self, expected_files: usize) -> Result<Staging> {
        Staging::new(&self.store.root, expected_files)
    }
}

impl Lock<'_> {
    /// Copies files (relative to the root) into `old_keys/<UTC timestamp>/`
    /// without moving them, as hard links where the filesystem has them:
    /// the archived file is the same bytes, owner and mode. The original
    /// stays in place until a replacement is renamed over it, so the file
    /// is never missing. Returns the archive directory.
    pub fn archive_copy(&self, rels: &[&str], now: OffsetDateTime) -> Result<PathBuf> {
        let base = self.store.path(OLD_KEYS);
        make_dir(&base, 0o700)?;
        let dest = unique_dir(&base, &archive_stamp(now)?)?;
        for rel in rels {
            let from = self.store.path(rel);
            let to = dest.join(rel);
            if let Some(parent) = to.parent() {
                fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(parent)
                    .map_err(Error::io("creating", parent))?;
            }
            if fs::hard_link(&from, &to).is_err() {
                let meta = fs::symlink_metadata(&from).map_err(Error::io("reading", &from))?;
                if !meta.is_file() {
                    return Err(Error::io("archiving", &from)(std::io::Error::other(
                        "not a regular file",
                    )));
                }
                let bytes = zeroize::Zeroizing::new(
                    crate::input::read_file(&from).map_err(Error::io("reading", &from))?,
                );
                write_new(&to, &bytes, Mode::Secret, true)?;
            }
            sync_parent(&to)?;
        }
        Ok(dest)
    }
}

impl Store {
    /// Takes the locks of this directory and of `other`, always in the order
    /// of their identities (device, inode), so that two commands locking the
    /// same two directories from either side never wait for each other.
    pub fn lock_with<'a>(&'a self, other: &'a Store) -> Result<(Lock<'a>, Lock<'a>)> {
        self.create_root()?;
        self.check_distinct(other)?;
        if self.identity()? <= other.identity()? {
            let mine = self.lock()?;
            Ok((mine, other.lock()?))
        } else {
            let theirs = other.lock()?;
            Ok((self.lock()?, theirs))
        }
    }

    fn create_root(&self) -> Result<()> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o755)
            .create(&self.root)
            .map_err(Error::io("creating the PKI directory", &self.root))
    }

    /// Completes (or undoes) a transaction a killed writer left, so that a
    /// command reads the whole old set or the whole new one. Takes the lock
    /// only when there is such a journal.
    pub fn recover(&self) -> Result<()> {
        if exists_no_follow(&self.path(JOURNAL)) {
            drop(self.lock()?);
        }
        Ok(())
    }

    /// Takes the directory's exclusive lock, creating the directory if needed.
    /// Leftovers of an interrupted writer are removed: they were never published.
    pub fn lock(&self) -> Result<Lock<'_>> {
        let (file, path) = self.lock_file()?;
        file.lock().map_err(Error::io("locking", &path))?;
        self.locked(file)
    }

    /// [`Store::lock`] without waiting: `None` while another process holds it.
    pub fn try_lock(&self) -> Result<Option<Lock<'_>>> {
        let (file, path) = self.lock_file()?;
        match file.try_lock() {
            Ok(()) => self.locked(file).map(Some),
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(e)) => Err(Error::io("locking", &path)(e)),
        }
    }

    /// The lock file, opened (and the directory created) but not locked:
    /// never through a link, and never waiting on a FIFO or device someone
    /// put in its place (see `crate::input::open_lock`).
    fn lock_file(&self) -> Result<(File, PathBuf)> {
        self.create_root()?;
        let path = self.path(LOCK);
        let file =
            crate::input::open_lock(&path).map_err(Error::io("opening the lock file", &path))?;
        Ok((file, path))
    }

    /// With the lock held: completes or undoes what an interrupted writer
    /// left, and removes its staging leftovers (never published).
    fn locked(&self, file: File) -> Result<Lock<'_>> {
        txn::recover(&self.root)?;
        self.remove_leftovers()?;
        Ok(Lock {
            store: self,
            _file: file,
        })
    }
}

impl Store {
    /// Removes what an interrupted writer left: the staging area and temp files
    /// beside the index. Called with the lock held, so no writer is active.
    fn remove_leftovers(&self) -> Result<()> {
        let tmp = self.path(TMP);
        if exists_no_follow(&tmp) {
            fs::remove_dir_all(&tmp).map_err(Error::io("removing leftovers in", &tmp))?;
        }
        let entries = fs::read_dir(&self.root).map_err(Error::io("reading", &self.root))?;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') && name.contains(".tmp-") {
                let _ = fs::remove_file(entry.path());
            }
        }
        Ok(())
    }
}
