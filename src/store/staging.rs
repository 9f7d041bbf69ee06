//! Staging: a set of new files and directories written under `.tmp`, then
//! published together as one journaled transaction.

use std::fs;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use crate::error::{Error, Result};

use super::archive::{archive_stamp, free_dir_name};
use super::fs::{
    ensure_real_dir, exists_no_follow, make_dir, sync_all_parallel, sync_many, unique_suffix,
    write_new,
};
use super::layout::{OLD_KEYS, TMP};
use super::perms::{Mode, Perms, inherit};
use super::txn::{self, Item, Journal, Op};

/// New files and directories written under `.tmp`, then published together
/// as one transaction.
///
/// [`Staging::commit`] makes everything durable first (small batches: one
/// `fsync` per file, issued in parallel so the filesystem folds them into one
/// journal commit; large ones: one `syncfs`), checks every destination, writes
/// the journal (see `txn`), moves what is replaced to
/// `old_keys/<UTC timestamp>/`, renames the new items in and the index last,
/// and drops the journal. Killed or failing at any point, the directory holds
/// the whole old set or, once the next writer completed the journal, the
/// whole new set.
pub struct Staging {
    root: PathBuf,
    dir: PathBuf,
    items: Vec<Item>,
    /// The files written, to make durable.
    to_sync: Vec<PathBuf>,
    staged: usize,
    /// When replaced items are archived: names `old_keys/<UTC timestamp>`.
    archive_at: Option<OffsetDateTime>,
    /// A journal names the staged items: the next writer needs them.
    keep: bool,
}

impl Staging {
    /// An empty staging area in `root`'s `.tmp`, for about `expected_files`
    /// files. The caller holds the lock.
    pub(super) fn new(root: &Path, expected_files: usize) -> Result<Staging> {
        let tmp = root.join(TMP);
        make_dir(&tmp, 0o700)?;
        let dir = tmp.join(unique_suffix());
        make_dir(&dir, 0o700)?;
        Ok(Staging {
            root: root.to_path_buf(),
            dir,
            items: Vec::new(),
            to_sync: Vec::with_capacity(expected_files),
            staged: 0,
            archive_at: None,
            keep: false,
        })
    }

    fn next_name(&mut self) -> PathBuf {
        self.staged += 1;
        self.dir.join(self.staged.to_string())
    }

    fn write(&mut self, path: &Path, content: &[u8], mode: Mode) -> Result<()> {
        write_new(path, content, mode, false)?;
        self.to_sync.push(path.to_path_buf());
        Ok(())
    }

    fn push(&mut self, staged: PathBuf, dest: PathBuf, op: Op) {
        self.items.push(Item {
            staged,
            dest,
            op,
            inode: None,
        });
    }

    /// Stages a directory `dest` holding `files` (name, content, mode).
    pub fn add_dir(&mut self, dest: PathBuf, files: &[(&str, &[u8], Mode)]) -> Result<()> {
        let dir = self.stage_dir(files)?;
        self.push(dir, dest, Op::New);
        Ok(())
    }

    fn stage_dir(&mut self, files: &[(&str, &[u8], Mode)]) -> Result<PathBuf> {
        let dir = self.next_name();
        make_dir(&dir, 0o755)?;
        for (name, content, mode) in files {
            self.write(&dir.join(name), content, *mode)?;
        }
        Ok(dir)
    }

    /// Stages a directory that replaces `dest`: the existing directory moves
    /// to `old_keys/<UTC timestamp>/` when the staging area is committed.
    /// The new directory and each new file take the owner, group and mode
    /// of the one they replace (a key never more readable than 0640). What
    /// else the old directory holds (an operator's files, links and
    /// directories, not `files`) is copied into the new one with its owner,
    /// group and mode; the archive keeps the originals.
    pub fn replace_dir(
        &mut self,
        dest: PathBuf,
        files: &[(&str, &[u8], Mode)],
        now: OffsetDateTime,
    ) -> Result<()> {
        let dir = self.stage_dir(files)?;
        let op = if exists_no_follow(&dest) {
            self.archive_at = Some(now);
            inherit(&dest, &dir, None)?;
            for (name, _, mode) in files {
                inherit(&dest.join(name), &dir.join(name), Some(*mode))?;
            }
            let ours: Vec<&str> = files.iter().map(|(name, _, _)| *name).collect();
            self.carry_over(&dest, &dir, &ours)?;
            Op::Archive
        } else {
            Op::New
        };
        self.push(dir, dest, op);
        Ok(())
    }

    /// Copies every entry of the directory `from` but `skip` into `to`, with
    /// its owner, group and mode: files by content, links as links,
    /// directories with what they hold. A socket or a FIFO is not copied.
    fn carry_over(&mut self, from: &Path, to: &Path, skip: &[&str]) -> Result<()> {
        for entry in fs::read_dir(from).map_err(Error::io("reading", from))? {
            let entry = entry.map_err(Error::io("reading", from))?;
            if skip.iter().any(|s| entry.file_name() == **s) {
                continue;
            }
            let (old, new) = (entry.path(), to.join(entry.file_name()));
            let kind = entry.file_type().map_err(Error::io("reading", &old))?;
            if kind.is_symlink() {
                use std::os::unix::fs::MetadataExt;
                let target = fs::read_link(&old).map_err(Error::io("reading", &old))?;
                std::os::unix::fs::symlink(&target, &new).map_err(Error::io("creating", &new))?;
                let meta = fs::symlink_metadata(&old).map_err(Error::io("reading", &old))?;
                std::os::unix::fs::lchown(&new, Some(meta.uid()), Some(meta.gid())).map_err(
                    Error::io("giving the owner and group of the link it copies to", &new),
                )?;
            } else if kind.is_dir() {
                make_dir(&new, 0o700)?;
                self.carry_over(&old, &new, &[])?;
                inherit(&old, &new, None)?;
            } else if kind.is_file() {
                let content = crate::input::read_no_follow(&old, u64::MAX)
                    .map_err(Error::io("reading", &old))?;
                self.write(&new, &content, Mode::Secret)?;
                inherit(&old, &new, None)?;
            }
        }
        Ok(())
    }

    /// Stages one new file `dest`.
    pub fn add_file(&mut self, dest: PathBuf, content: &[u8], mode: Mode) -> Result<()> {
        let path = self.next_name();
        self.write(&path, content, mode)?;
        self.push(path, dest, Op::New);
        Ok(())
    }

    /// Stages a file that replaces `dest` (archived first), keeping its
    /// owner, group and mode as [`Staging::replace_dir`] does.
    pub fn replace_archived(
        &mut self,
        dest: PathBuf,
        content: &[u8],
        mode: Mode,
        now: OffsetDateTime,
    ) -> Result<()> {
        let path = self.next_name();
        self.write(&path, content, mode)?;
        let op = if exists_no_follow(&dest) {
            self.archive_at = Some(now);
            inherit(&dest, &path, Some(mode))?;
            Op::Archive
        } else {
            Op::New
        };
        self.push(path, dest, op);
        Ok(())
    }

    /// [`Staging::replace_archived`] for a file whose owner, group and mode
    /// the caller decides (a deployment's `--owner`): the staged file gets
    /// `perms` before anything is published, so a chown that is not
    /// permitted fails while the old set is untouched.
    pub fn replace_archived_as(
        &mut self,
        dest: PathBuf,
        content: &[u8],
        perms: Perms,
        now: OffsetDateTime,
    ) -> Result<()> {
        let path = self.next_name();
        self.write(&path, content, Mode::Secret)?;
        perms.apply(&path)?;
        let op = match fs::symlink_metadata(&dest) {
            Ok(m) if m.file_type().is_symlink() => return Err(Error::Symlink(dest)),
            Ok(_) => {
                self.archive_at = Some(now);
                Op::Archive
            }
            Err(_) => Op::New,
        };
        self.push(path, dest, op);
        Ok(())
    }

    /// Moves `dest`, if it exists, to the archive with the other replaced
    /// items, putting nothing in its place.
    pub fn archive_only(&mut self, dest: PathBuf, now: OffsetDateTime) -> Result<()> {
        if !exists_no_follow(&dest) {
            return Ok(());
        }
        self.archive_at = Some(now);
        let marker = self.next_name();
        make_dir(&marker, 0o700)?;
        self.push(marker, dest, Op::Retire);
        Ok(())
    }

    /// Stages a file that replaces `dest` (or creates it) without archiving
    /// it (the index), published after every other item.
    pub fn replace_file(&mut self, dest: PathBuf, content: &[u8], mode: Mode) -> Result<()> {
        let path = self.next_name();
        self.write(&path, content, mode)?;
        self.push(path, dest, Op::Overwrite);
        Ok(())
    }

    /// Publishes everything as one transaction (see [`Staging`]).
    pub fn commit(self) -> Result<()> {
        self.commit_archiving().map(|_| ())
    }

    /// [`Staging::commit`], returning the archive directory when something
    /// was replaced.
    pub fn commit_archiving(mut self) -> Result<Option<PathBuf>> {
        self.check_destinations()?;
        // The files, and the entries: the staging area's, and those of
        // each staged directory, so that after a power loss the journal
        // never names a staged item that is not there.
        let mut durable = std::mem::take(&mut self.to_sync);
        durable.push(self.dir.clone());
        durable.extend(
            self.items
                .iter()
                .filter(|i| fs::symlink_metadata(&i.staged).is_ok_and(|m| m.is_dir()))
                .map(|i| i.staged.clone()),
        );
        sync_many(&durable)?;
        self.items.sort_by_key(|i| i.op == Op::Overwrite);
        if self.items.iter().all(|i| i.op == Op::Overwrite) {
            // Renames over files: each is atomic, and the index comes last.
            let mut parents = Vec::new();
            for item in &self.items {
                fs::rename(&item.staged, &item.dest)
                    .map_err(Error::io("renaming into", &item.dest))?;
                push_parent(&mut parents, &item.dest)?;
            }
            return sync_all_parallel(&parents).map(|()| None);
        }
        let archive = match self.archive_at {
            Some(now) => {
                // Only named here: the journal's first move creates it, so a
                // commit killed before its journal exists leaves no empty one.
                let base = self.root.join(OLD_KEYS);
                make_dir(&base, 0o700)?;
                Some(free_dir_name(&base, &archive_stamp(now)?))
            }
            None => None,
        };
        for item in self
            .items
            .iter_mut()
            .filter(|i| matches!(i.op, Op::Archive | Op::Overwrite))
        {
            use std::os::unix::fs::MetadataExt;
            let meta =
                fs::symlink_metadata(&item.staged).map_err(Error::io("reading", &item.staged))?;
            item.inode = Some(meta.ino());
        }
        let journal = Journal {
            root: self.root.clone(),
            staging: self.dir.clone(),
            archive: archive.clone(),
            items: std::mem::take(&mut self.items),
        };
        if let Err(e) = journal.write() {
            if let Some(a) = &archive {
                txn::remove_empty_dirs(a);
            }
            return Err(e);
        }
        self.keep = true;
        if let Err(e) = journal.forward() {
            if journal.back().and_then(|()| journal.finish()).is_ok() {
                self.keep = false;
                if let Some(a) = &archive {
                    txn::remove_empty_dirs(a);
                }
            }
            return Err(e);
        }
        journal.finish()?;
        self.keep = false;
        Ok(archive)
    }
}

impl Staging {
    /// Refuses, before anything is published, a new item whose destination
    /// exists (even as a dangling link), a replaced one that is a link, or
    /// one whose directory is a link or a file: a commit that would stop
    /// half way must not write the index.
    fn check_destinations(&self) -> Result<()> {
        for item in &self.items {
            let to = &item.dest;
            match item.op {
                Op::New if exists_no_follow(to) => return Err(Error::Exists(to.clone())),
                Op::Archive
                    if fs::symlink_metadata(to).is_ok_and(|m| m.file_type().is_symlink()) =>
                {
                    return Err(Error::Symlink(to.clone()));
                }
                _ => {}
            }
            let mut dir = to.parent();
            while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
                match fs::symlink_metadata(d) {
                    Ok(m) if m.file_type().is_symlink() => {
                        return Err(Error::Symlink(d.to_path_buf()));
                    }
                    Ok(m) if !m.is_dir() => return Err(Error::NotADirectory(d.to_path_buf())),
                    Ok(_) => break,
                    Err(_) => dir = d.parent(),
                }
            }
        }
        Ok(())
    }
}

/// Records `path`'s parent once, creating it if needed (never through a link).
fn push_parent(parents: &mut Vec<PathBuf>, path: &Path) -> Result<()> {
    let parent = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    if !parents.contains(&parent) {
        ensure_real_dir(&parent)?;
        parents.push(parent);
    }
    Ok(())
}

/// Staged files that were not committed are discarded; they were never published.
impl Drop for Staging {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn staged_files_land_with_their_modes() {
        let d = tempfile::tempdir().unwrap();
        let store = Store::new(d.path().join("pki"));
        let lock = store.lock().unwrap();
        let mut st = lock.stage(2).unwrap();
        st.add_dir(
            store.path("users/app"),
            &[
                ("k.pem", b"secret", Mode::Secret),
                ("c.pem", b"public", Mode::Public),
            ],
        )
        .unwrap();
        st.commit().unwrap();
        let mode = |p: &str| fs::metadata(store.path(p)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("users/app/k.pem"), 0o600);
        assert_eq!(mode("users/app/c.pem"), 0o644);
        assert_eq!(fs::read(store.path("users/app/c.pem")).unwrap(), b"public");
        assert!(!store.path(".tmp").read_dir().unwrap().any(|_| true));
    }

    #[test]
    fn an_existing_destination_is_never_replaced() {
        let d = tempfile::tempdir().unwrap();
        let store = Store::new(d.path());
        let lock = store.lock().unwrap();
        fs::create_dir_all(store.path("users/app")).unwrap();
        fs::write(store.path("users/app/x"), b"old").unwrap();
        let mut st = lock.stage(1).unwrap();
        st.add_dir(store.path("users/app"), &[("x", b"new", Mode::Public)])
            .unwrap();
        assert!(matches!(st.commit(), Err(Error::Exists(_))));
        assert_eq!(fs::read(store.path("users/app/x")).unwrap(), b"old");
    }

    #[test]
    fn files_staged_with_chosen_perms_land_with_them_and_replace_by_archiving() {
        let d = tempfile::tempdir().unwrap();
        let store = Store::new(d.path().join("deployed"));
        let perms = Perms {
            uid: None,
            gid: None,
            mode: 0o640,
        };
        let now = time::macros::datetime!(2030-01-02 03:04:05 UTC);
        let lock = store.lock().unwrap();
        let mut st = lock.stage(1).unwrap();
        st.replace_archived_as(store.path("k"), b"first", perms, now)
            .unwrap();
        assert_eq!(st.commit_archiving().unwrap(), None, "nothing replaced");
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&store.path("k")), 0o640);
        let mut st = lock.stage(1).unwrap();
        let perms = Perms {
            mode: 0o600,
            ..perms
        };
        st.replace_archived_as(store.path("k"), b"second", perms, now)
            .unwrap();
        let archive = st.commit_archiving().unwrap().unwrap();
        assert_eq!(archive, store.path("old_keys/2030-01-02T030405Z"));
        assert_eq!(fs::read(archive.join("k")).unwrap(), b"first");
        assert_eq!(mode(&archive.join("k")), 0o640);
        assert_eq!(fs::read(store.path("k")).unwrap(), b"second");
        assert_eq!(mode(&store.path("k")), 0o600);

        std::os::unix::fs::symlink("k", store.path("link")).unwrap();
        let mut st = lock.stage(1).unwrap();
        assert!(matches!(
            st.replace_archived_as(store.path("link"), b"x", perms, now),
            Err(Error::Symlink(_))
        ));
    }
}
