//! The journal that makes publishing a staged set one transaction.
//!
//! Before anything in the layout changes, `.txn` lists every step: which
//! staged item goes where, and which existing file or directory moves to
//! `old_keys/<UTC timestamp>/` first. Every step can be redone or undone by
//! looking at what is where, so the next writer that finds a journal (a
//! process was killed, the disk filled up) completes it when every new item
//! is still staged or already in place, and undoes it otherwise. The journal
//! is removed only once every directory it touched is synced.
//!
//! A replaced item is published by exchanging it with the live one
//! (`renameat2(RENAME_EXCHANGE)`), then moving the old one, now at the staged
//! path, to the archive: the live path always holds the whole old or the
//! whole new item, even while a kill or power loss leaves the journal
//! unfinished. The journal records the staged item's inode number, so that
//! recovery tells a swapped item (the live path holds that inode) from one
//! not yet swapped. On a filesystem without `RENAME_EXCHANGE` the old item
//! moves to the archive first and the new one is renamed in after it.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::input::{read_no_follow, utf8};

use super::fs::{
    ensure_real_dir, exists_no_follow, rename_noreplace, sync_all_parallel, sync_dir, via_temp,
};
use super::layout::{JOURNAL, LOCK, OLD_KEYS, TMP};
use super::perms::Mode;

const MAGIC: &str = "certgen-journal 1";

/// The largest journal read or written. A journal holds one line of at most
/// about 350 bytes per item (a bundle directory or a deployed file, with its
/// inode number): a deployment's is under 1 KiB, and this leaves room for
/// some 190,000 bundles published by one command even with names of the
/// longest length. A planted `.txn` larger than this (a sparse file of
/// gigabytes) is refused by its size, before anything of it is read.
pub(super) const MAX_JOURNAL: u64 = 64 << 20;

/// What publishing one staged item does to its destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Op {
    /// Created; the destination must not exist.
    New,
    /// The existing destination moves to the archive first.
    Archive,
    /// Renamed over the destination (the index): done last, never undone.
    Overwrite,
    /// The existing destination moves to the archive, nothing replaces it;
    /// the staged item is an empty marker, removed once that is done.
    Retire,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::New => "new",
            Op::Archive => "archive",
            Op::Overwrite => "overwrite",
            Op::Retire => "retire",
        }
    }
}

/// One staged item: its staged path and its destination, both absolute.
#[derive(Clone, Debug)]
pub(super) struct Item {
    pub staged: PathBuf,
    pub dest: PathBuf,
    pub op: Op,
    /// The staged item's inode number, for an `Archive` item (where it is
    /// tells whether it was swapped in) and the `Overwrite` index (whether
    /// it was renamed in, or lost before). Only the number: every item is on
    /// the PKI directory's filesystem, whose device number may change
    /// across a reboot.
    pub inode: Option<u64>,
}

/// A transaction over the PKI directory `root`.
#[derive(Debug)]
pub(super) struct Journal {
    pub root: PathBuf,
    pub staging: PathBuf,
    /// `old_keys/<UTC timestamp>`, when something is archived.
    pub archive: Option<PathBuf>,
    /// In the order they are published; `Overwrite` items last.
    pub items: Vec<Item>,
}

impl Journal {
    fn path(root: &Path) -> PathBuf {
        root.join(JOURNAL)
    }

    fn rel<'p>(&self, p: &'p Path) -> Result<&'p Path> {
        p.strip_prefix(&self.root)
            .map_err(|_| Error::io("journaling", p)(std::io::Error::other("outside the PKI")))
    }

    /// Where the archived destination of `item` goes.
    fn archived(&self, item: &Item) -> Result<Option<PathBuf>> {
        match (&self.archive, item.op) {
            (Some(a), Op::Archive | Op::Retire) => Ok(Some(a.join(self.rel(&item.dest)?))),
            _ => Ok(None),
        }
    }

    /// Writes the journal durably (temp file, fsync, rename, fsync of the root).
    pub fn write(&self) -> Result<()> {
        let mut text = format!("{MAGIC}\nstaging\t{}\n", self.rel(&self.staging)?.display());
        if let Some(a) = &self.archive {
            text.push_str(&format!("old_keys\t{}\n", self.rel(a)?.display()));
        }
        for item in &self.items {
            let staged = self.rel(&item.staged)?.display().to_string();
            let dest = self.rel(&item.dest)?.display().to_string();
            if [&staged, &dest].iter().any(|s| s.contains(['\t', '\n'])) {
                return Err(Error::io("journaling", &item.dest)(std::io::Error::other(
                    "a tab or newline in a path",
                )));
            }
            text.push_str(&format!("{}\t{staged}\t{dest}\n", item.op.name()));
            if let Some(ino) = item.inode {
                text.push_str(&format!("inode\t{ino}\n"));
            }
        }
        text.push_str("end\n");
        let path = Self::path(&self.root);
        if text.len() as u64 > MAX_JOURNAL {
            return Err(Error::io("journaling", &path)(std::io::Error::other(
                format!(
                    "{} items are more than one transaction may publish (its journal would exceed {} MiB)",
                    self.items.len(),
                    MAX_JOURNAL >> 20
                ),
            )));
        }
        via_temp(&path, text.as_bytes(), Mode::Secret, |tmp, path| {
            fs::rename(tmp, path).map_err(Error::io("renaming into", path))
        })
    }

    /// The journal an interrupted writer left, if any. A journal that does
    /// not read back whole was never renamed into place, so it cannot exist.
    ///
    /// Whoever may write the directory may write its journal (a deployment
    /// directory belongs to the database's user), so nothing in it is
    /// trusted: every path must be relative and made of plain names (no `.`,
    /// `..` or empty component), the staging area one directory of `.tmp/`,
    /// every staged item inside it, the archive one directory of
    /// `old_keys/`, and no destination inside `.tmp/` or `old_keys/` or the
    /// lock or journal themselves. A journal that is not is refused whole,
    /// before any step of it is done; so is one that is a link, a FIFO or
    /// anything but a regular file, or larger than [`MAX_JOURNAL`], without
    /// waiting on it or reading it.
    pub fn read(root: &Path) -> Result<Option<Journal>> {
        let path = Self::path(root);
        let text = match read_no_follow(&path, MAX_JOURNAL).and_then(utf8) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io("reading", &path)(e)),
        };
        let bad = || Error::io("reading", &path)(std::io::Error::other("not a whole journal"));
        let refuse = |reason: String| Error::BadJournal {
            path: path.clone(),
            reason,
        };
        let mut lines = text.lines();
        if lines.next() != Some(MAGIC) || !text.ends_with("end\n") {
            return Err(bad());
        }
        let mut staging: Option<Vec<&str>> = None;
        let mut archive: Option<Vec<&str>> = None;
        let mut items: Vec<Item> = Vec::new();
        for line in lines {
            let fields: Vec<&str> = line.split('\t').collect();
            let op = match fields.as_slice() {
                ["staging", p] => {
                    let p = plain(p).map_err(&refuse)?;
                    if p.len() != 2 || p[0] != TMP {
                        return Err(refuse(format!(
                            "staging area {} is not in .tmp/",
                            p.join("/")
                        )));
                    }
                    staging = Some(p);
                    continue;
                }
                ["old_keys", p] => {
                    let p = plain(p).map_err(&refuse)?;
                    if p.len() != 2 || p[0] != OLD_KEYS {
                        return Err(refuse(format!(
                            "archive {} is not in old_keys/",
                            p.join("/")
                        )));
                    }
                    archive = Some(p);
                    continue;
                }
                ["end"] => break,
                ["inode", n] => {
                    let item = items.last_mut().ok_or_else(bad)?;
                    item.inode = Some(n.parse().map_err(|_| bad())?);
                    continue;
                }
                ["new", ..] => Op::New,
                ["archive", ..] => Op::Archive,
                ["overwrite", ..] => Op::Overwrite,
                ["retire", ..] => Op::Retire,
                _ => return Err(bad()),
            };
            let [_, staged, dest] = fields.as_slice() else {
                return Err(bad());
            };
            let (staged, dest) = (
                plain(staged).map_err(&refuse)?,
                plain(dest).map_err(&refuse)?,
            );
            let Some(area) = &staging else {
                return Err(refuse("an item before the staging area".into()));
            };
            if staged.len() <= area.len() || staged[..area.len()] != area[..] {
                return Err(refuse(format!(
                    "staged item {} is not in the staging area",
                    staged.join("/")
                )));
            }
            if [TMP, OLD_KEYS, LOCK, JOURNAL].contains(&dest[0]) {
                return Err(refuse(format!(
                    "destination {} is certgen's own",
                    dest.join("/")
                )));
            }
            let join = |p: &[&str]| p.iter().fold(root.to_path_buf(), |acc, c| acc.join(c));
            items.push(Item {
                staged: join(&staged),
                dest: join(&dest),
                op,
                inode: None,
            });
        }
        let Some(staging) = staging else {
            return Err(refuse("no staging area".into()));
        };
        let join = |p: &[&str]| p.iter().fold(root.to_path_buf(), |acc, c| acc.join(c));
        Ok(Some(Journal {
            root: root.to_path_buf(),
            staging: join(&staging),
            archive: archive.as_deref().map(join),
            items,
        }))
    }

    /// Publishes every item not yet published: redoing a step already done
    /// does nothing, so this both commits and completes an interrupted commit.
    /// Replaced items are exchanged one right after another before any old
    /// one is archived, so that a reader of several (a certificate and its
    /// key) finds a mix of old and new for as short a time as can be.
    pub fn forward(&self) -> Result<()> {
        let mut swapped = Vec::new();
        for item in &self.items {
            if let (Some(ino), Some(archived)) = (item.inode, self.archived(item)?) {
                self.swap_in(item, ino, &archived)?;
                swapped.push((item, ino, archived));
            }
        }
        for (item, ino, archived) in swapped {
            // The new item is live; the old one waits at the staged path.
            if holds(&item.dest, ino) && exists_no_follow(&item.staged) {
                if let Some(parent) = archived.parent() {
                    ensure_private_dir(parent)?;
                }
                rename_noreplace(&item.staged, &archived)?;
            }
        }
        for item in &self.items {
            if item.inode.is_some() && self.archived(item)?.is_some() {
                continue;
            }
            if !exists_no_follow(&item.staged) {
                continue;
            }
            if let Some(archived) = self.archived(item)?
                && exists_no_follow(&item.dest)
            {
                if let Some(parent) = archived.parent() {
                    ensure_private_dir(parent)?;
                }
                rename_noreplace(&item.dest, &archived)?;
            }
            match item.op {
                Op::Retire => {
                    fs::remove_dir(&item.staged).map_err(Error::io("removing", &item.staged))?
                }
                Op::Overwrite => fs::rename(&item.staged, &item.dest)
                    .map_err(Error::io("renaming into", &item.dest))?,
                Op::New | Op::Archive => {
                    if let Some(parent) = item.dest.parent() {
                        ensure_real_dir(parent)?;
                    }
                    rename_noreplace(&item.staged, &item.dest)?
                }
            }
        }
        Ok(())
    }

    /// Publishes a replaced item by exchange (see the module documentation),
    /// leaving the old one at the staged path for [`Journal::forward`] to
    /// archive: whatever step was done last, the live path holds a whole
    /// item.
    fn swap_in(&self, item: &Item, ino: u64, archived: &Path) -> Result<()> {
        if holds(&item.dest, ino) || !holds(&item.staged, ino) {
            return Ok(());
        }
        if !exists_no_follow(&item.dest) {
            // Moved to the archive already (no RENAME_EXCHANGE here).
            if let Some(parent) = item.dest.parent() {
                ensure_real_dir(parent)?;
            }
            return rename_noreplace(&item.staged, &item.dest);
        }
        match rustix::fs::renameat_with(
            rustix::fs::CWD,
            &item.staged,
            rustix::fs::CWD,
            &item.dest,
            rustix::fs::RenameFlags::EXCHANGE,
        ) {
            Ok(()) => Ok(()),
            Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {
                // No exchange on this filesystem: archive, then rename in.
                if let Some(parent) = archived.parent() {
                    ensure_private_dir(parent)?;
                }
                rename_noreplace(&item.dest, archived)?;
                rename_noreplace(&item.staged, &item.dest)
            }
            Err(e) => Err(Error::io("exchanging", &item.dest)(e.into())),
        }
    }

    /// Whether every new item is still staged or already published.
    pub fn can_complete(&self) -> bool {
        self.items.iter().all(|i| match i.inode {
            Some(ino) => holds(&i.staged, ino) || holds(&i.dest, ino),
            None => i.op == Op::Retire || exists_no_follow(&i.staged) || exists_no_follow(&i.dest),
        })
    }

    /// Whether `item`'s new content is at its destination: by its inode
    /// when the journal has it; a new item's destination held nothing
    /// before; a replaced item without an inode (published by archiving
    /// first) is in place only once the old one is archived.
    fn published(&self, item: &Item) -> Result<bool> {
        Ok(match (item.inode, item.op) {
            (Some(ino), _) => holds(&item.dest, ino),
            (None, Op::New) => exists_no_follow(&item.dest),
            (None, Op::Archive) => self
                .archived(item)?
                .is_some_and(|a| exists_no_follow(&a) && exists_no_follow(&item.dest)),
            (None, Op::Overwrite) => !exists_no_follow(&item.staged),
            (None, Op::Retire) => false,
        })
    }

    /// Puts back what `forward` did, newest step first: published items go
    /// back to the staging area, archived files back to their place. Once an
    /// `Overwrite` item (the index) is published, everything else is, and
    /// only `forward` is right.
    pub fn back(&self) -> Result<()> {
        for item in self.items.iter().filter(|i| i.op == Op::Overwrite) {
            if self.published(item)? {
                return self.forward();
            }
        }
        for item in self.items.iter().rev() {
            if let Some(ino) = item.inode
                && holds(&item.dest, ino)
                && exists_no_follow(&item.staged)
            {
                // Swapped, the old item not yet archived: swap back.
                rustix::fs::renameat_with(
                    rustix::fs::CWD,
                    &item.staged,
                    rustix::fs::CWD,
                    &item.dest,
                    rustix::fs::RenameFlags::EXCHANGE,
                )
                .map_err(|e| Error::io("undoing", &item.dest)(e.into()))?;
                continue;
            }
            // Only what is provably the new item goes back to staging: a
            // destination still holding the old one stays where it is.
            if item.op != Op::Overwrite
                && !exists_no_follow(&item.staged)
                && self.published(item)?
            {
                fs::rename(&item.dest, &item.staged).map_err(Error::io("undoing", &item.dest))?;
            }
            if let Some(archived) = self.archived(item)?
                && exists_no_follow(&archived)
                && !exists_no_follow(&item.dest)
            {
                rename_noreplace(&archived, &item.dest)?;
            }
        }
        Ok(())
    }

    /// Syncs every directory the transaction touched, then drops the journal.
    pub fn finish(&self) -> Result<()> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        for item in &self.items {
            let mut touched = vec![item.dest.clone()];
            touched.extend(self.archived(item)?);
            for p in touched {
                if let Some(parent) = p.parent().filter(|p| p.exists())
                    && !dirs.iter().any(|d| d == parent)
                {
                    dirs.push(parent.to_path_buf());
                }
            }
        }
        sync_all_parallel(&dirs)?;
        let path = Self::path(&self.root);
        fs::remove_file(&path).map_err(Error::io("removing", &path))?;
        sync_dir(&self.root)
    }
}

/// Completes (or, when it cannot, undoes) a transaction a writer left
/// unfinished. Called with the lock held, before the staging area is cleared.
pub(super) fn recover(root: &Path) -> Result<()> {
    let Some(journal) = Journal::read(root)? else {
        return Ok(());
    };
    let done = if journal.can_complete() {
        journal.forward().or_else(|_| journal.back())
    } else {
        journal.back()
    };
    done?;
    journal.finish()?;
    if let Some(a) = &journal.archive {
        remove_empty_dirs(a);
    }
    Ok(())
}

/// Removes `dir` and the directories below it if they hold nothing: the
/// archive of a transaction that was undone.
pub(super) fn remove_empty_dirs(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                remove_empty_dirs(&e.path());
            }
        }
    }
    let _ = fs::remove_dir(dir);
}

/// The components of a journal's relative path: each a plain name, neither
/// empty nor `.` nor `..`, so that joined to the root it stays below it.
fn plain(p: &str) -> std::result::Result<Vec<&str>, String> {
    let parts: Vec<&str> = p.split('/').collect();
    if p.starts_with('/') {
        return Err(format!("absolute path {p}"));
    }
    if parts
        .iter()
        .any(|c| c.is_empty() || *c == "." || *c == ".." || c.contains('\0'))
    {
        return Err(format!("path {p} leaves its directory or is not plain"));
    }
    Ok(parts)
}

/// Whether `path` is the item with inode number `ino` (not following a link).
fn holds(path: &Path, ino: u64) -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::symlink_metadata(path).is_ok_and(|m| m.ino() == ino)
}

fn ensure_private_dir(path: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if exists_no_follow(path) {
        return ensure_real_dir(path);
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
        .map_err(Error::io("creating", path))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory `users/a` being replaced, interrupted after the old one
    /// was archived and before the new one was renamed in.
    fn interrupted(root: &Path) -> Journal {
        fs::create_dir_all(root.join("users/a")).unwrap();
        fs::write(root.join("users/a/key"), b"old").unwrap();
        let staging = root.join(".tmp/1-0");
        fs::create_dir_all(staging.join("1")).unwrap();
        fs::write(staging.join("1/key"), b"new").unwrap();
        fs::write(staging.join("2"), b"new index").unwrap();
        let archive = root.join("old_keys/T");
        fs::create_dir_all(archive.join("users")).unwrap();
        let journal = Journal {
            root: root.to_path_buf(),
            staging: staging.clone(),
            archive: Some(archive.clone()),
            items: vec![
                Item {
                    staged: staging.join("1"),
                    dest: root.join("users/a"),
                    op: Op::Archive,
                    inode: None,
                },
                Item {
                    staged: staging.join("2"),
                    dest: root.join("index.txt"),
                    op: Op::Overwrite,
                    inode: None,
                },
            ],
        };
        journal.write().unwrap();
        fs::rename(root.join("users/a"), archive.join("users/a")).unwrap();
        journal
    }

    #[test]
    fn an_interrupted_journal_is_completed_when_every_new_item_is_there() {
        let d = tempfile::tempdir().unwrap();
        interrupted(d.path());
        let read = Journal::read(d.path()).unwrap().unwrap();
        assert_eq!(read.items.len(), 2);
        recover(d.path()).unwrap();
        assert_eq!(fs::read(d.path().join("users/a/key")).unwrap(), b"new");
        assert_eq!(fs::read(d.path().join("index.txt")).unwrap(), b"new index");
        assert_eq!(
            fs::read(d.path().join("old_keys/T/users/a/key")).unwrap(),
            b"old"
        );
        assert!(!d.path().join(JOURNAL).exists());
    }

    #[test]
    fn an_interrupted_journal_is_undone_when_a_new_item_is_lost() {
        let d = tempfile::tempdir().unwrap();
        let journal = interrupted(d.path());
        fs::remove_dir_all(&journal.items[0].staged).unwrap();
        recover(d.path()).unwrap();
        assert_eq!(fs::read(d.path().join("users/a/key")).unwrap(), b"old");
        assert!(!d.path().join("index.txt").exists(), "the index untouched");
        assert!(!d.path().join("old_keys/T").exists(), "no empty archive");
        assert!(!d.path().join(JOURNAL).exists());
    }

    /// `users/a` replaced by exchange, interrupted after the swap and
    /// before the old directory (now at the staged path) was archived.
    fn swapped(root: &Path) -> Journal {
        use std::os::unix::fs::MetadataExt;
        let mut journal = interrupted(root);
        // Undo the archive move `interrupted` made: this one swapped instead.
        fs::rename(root.join("old_keys/T/users/a"), root.join("users/a")).unwrap();
        let staged = journal.items[0].staged.clone();
        journal.items[0].inode = Some(fs::metadata(&staged).unwrap().ino());
        journal.write().unwrap();
        rustix::fs::renameat_with(
            rustix::fs::CWD,
            &staged,
            rustix::fs::CWD,
            root.join("users/a"),
            rustix::fs::RenameFlags::EXCHANGE,
        )
        .unwrap();
        journal
    }

    /// A replaced item not yet swapped whose staged copy is gone: undoing
    /// leaves the old item where it is (it used to be moved into the staging
    /// area, and lost with it).
    #[test]
    fn an_item_not_swapped_yet_stays_when_its_staged_copy_is_lost() {
        let d = tempfile::tempdir().unwrap();
        let journal = swapped(d.path());
        journal.back().unwrap();
        let staged = journal.items[0].staged.clone();
        fs::remove_dir_all(&staged).unwrap();
        assert!(!journal.can_complete());
        recover(d.path()).unwrap();
        assert_eq!(fs::read(d.path().join("users/a/key")).unwrap(), b"old");
        assert!(!d.path().join(JOURNAL).exists());
    }

    /// The staged index lost before it was renamed in: the old index is
    /// not mistaken for the new one, and the bundles are put back rather
    /// than published under an index that does not record them.
    #[test]
    fn a_lost_staged_index_undoes_the_transaction() {
        use std::os::unix::fs::MetadataExt;
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        fs::write(root.join("index.txt"), b"old index").unwrap();
        let mut journal = swapped(root);
        let index = journal.items[1].staged.clone();
        journal.items[1].inode = Some(fs::metadata(&index).unwrap().ino());
        journal.write().unwrap();
        fs::remove_file(&index).unwrap();
        let read = Journal::read(root).unwrap().unwrap();
        assert!(!read.can_complete());
        recover(root).unwrap();
        assert_eq!(fs::read(root.join("users/a/key")).unwrap(), b"old");
        assert_eq!(fs::read(root.join("index.txt")).unwrap(), b"old index");
    }

    #[test]
    fn a_swapped_item_is_completed_by_archiving_the_old_one() {
        let d = tempfile::tempdir().unwrap();
        let journal = swapped(d.path());
        let read = Journal::read(d.path()).unwrap().unwrap();
        assert_eq!(read.items[0].inode, journal.items[0].inode);
        assert_eq!(read.items[1].inode, None);
        assert!(read.can_complete());
        recover(d.path()).unwrap();
        assert_eq!(fs::read(d.path().join("users/a/key")).unwrap(), b"new");
        assert_eq!(fs::read(d.path().join("index.txt")).unwrap(), b"new index");
        assert_eq!(
            fs::read(d.path().join("old_keys/T/users/a/key")).unwrap(),
            b"old"
        );
        // Recovering again changes nothing.
        journal.forward().unwrap();
        assert_eq!(fs::read(d.path().join("users/a/key")).unwrap(), b"new");
    }

    #[test]
    fn a_swapped_item_is_swapped_back_when_undone() {
        let d = tempfile::tempdir().unwrap();
        let journal = swapped(d.path());
        journal.back().unwrap();
        assert_eq!(fs::read(d.path().join("users/a/key")).unwrap(), b"old");
        assert_eq!(
            fs::read(journal.items[0].staged.join("key")).unwrap(),
            b"new"
        );
        journal.back().unwrap();
        assert_eq!(fs::read(d.path().join("users/a/key")).unwrap(), b"old");
    }

    /// A commit of five items, as `Staging::commit` journals them: two
    /// directories replaced by exchange (`users/a`, `users/b`), two created
    /// (`users/c`, `users/d`) and the index. Interrupted mid-way: both
    /// replaced directories swapped in, only `a`'s old one archived (`b`'s
    /// waits at its staged path), the new directories and the index still
    /// staged.
    fn several_interrupted(root: &Path) -> Journal {
        use std::os::unix::fs::MetadataExt;
        let staging = root.join(".tmp/1-0");
        fs::create_dir_all(&staging).unwrap();
        fs::write(root.join("index.txt"), b"old index").unwrap();
        let mut items = Vec::new();
        for (i, name) in ["a", "b", "c", "d"].into_iter().enumerate() {
            let staged = staging.join((i + 1).to_string());
            fs::create_dir(&staged).unwrap();
            fs::write(staged.join("key"), format!("new {name}")).unwrap();
            let dest = root.join("users").join(name);
            let op = if i < 2 {
                fs::create_dir_all(&dest).unwrap();
                fs::write(dest.join("key"), format!("old {name}")).unwrap();
                Op::Archive
            } else {
                Op::New
            };
            let inode = (op == Op::Archive).then(|| fs::metadata(&staged).unwrap().ino());
            items.push(Item {
                staged,
                dest,
                op,
                inode,
            });
        }
        let index = staging.join("5");
        fs::write(&index, b"new index").unwrap();
        items.push(Item {
            inode: Some(fs::metadata(&index).unwrap().ino()),
            staged: index,
            dest: root.join("index.txt"),
            op: Op::Overwrite,
        });
        let journal = Journal {
            root: root.to_path_buf(),
            staging,
            archive: Some(root.join("old_keys/T")),
            items,
        };
        journal.write().unwrap();
        for item in &journal.items[..2] {
            rustix::fs::renameat_with(
                rustix::fs::CWD,
                &item.staged,
                rustix::fs::CWD,
                &item.dest,
                rustix::fs::RenameFlags::EXCHANGE,
            )
            .unwrap();
        }
        fs::create_dir_all(root.join("old_keys/T/users")).unwrap();
        fs::rename(&journal.items[0].staged, root.join("old_keys/T/users/a")).unwrap();
        journal
    }

    fn key(dir: &Path) -> Option<String> {
        fs::read_to_string(dir.join("key")).ok()
    }

    #[test]
    fn an_interrupted_journal_of_several_items_is_completed_or_undone_whole() {
        // Every new item still staged or in place: all of them published.
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        let journal = several_interrupted(root);
        assert!(Journal::read(root).unwrap().unwrap().can_complete());
        recover(root).unwrap();
        for name in ["a", "b", "c", "d"] {
            let live = key(&root.join("users").join(name));
            assert_eq!(live.as_deref(), Some(&*format!("new {name}")), "{name}");
        }
        assert_eq!(fs::read(root.join("index.txt")).unwrap(), b"new index");
        let archive = root.join("old_keys/T/users");
        assert_eq!(key(&archive.join("a")).as_deref(), Some("old a"));
        assert_eq!(key(&archive.join("b")).as_deref(), Some("old b"));
        assert_eq!(fs::read_dir(&archive).unwrap().count(), 2, "a and b only");
        for item in &journal.items {
            assert!(!exists_no_follow(&item.staged), "{:?}", item.staged);
        }
        assert!(!root.join(JOURNAL).exists());

        // The same point with one new item lost: every item undone, the
        // replaced directories back in place, nothing created.
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        let journal = several_interrupted(root);
        fs::remove_dir_all(&journal.items[3].staged).unwrap();
        assert!(!Journal::read(root).unwrap().unwrap().can_complete());
        recover(root).unwrap();
        for name in ["a", "b"] {
            let live = key(&root.join("users").join(name));
            assert_eq!(live.as_deref(), Some(&*format!("old {name}")), "{name}");
        }
        assert!(!exists_no_follow(&root.join("users/c")));
        assert!(!exists_no_follow(&root.join("users/d")));
        assert_eq!(fs::read(root.join("index.txt")).unwrap(), b"old index");
        for (i, name) in ["a", "b", "c"].into_iter().enumerate() {
            let staged = key(&journal.items[i].staged);
            assert_eq!(staged.as_deref(), Some(&*format!("new {name}")), "{name}");
        }
        assert!(!root.join("old_keys/T").exists(), "no archive left");
        assert!(!root.join(JOURNAL).exists());
    }

    #[test]
    fn a_torn_journal_is_not_read_as_a_whole_one() {
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join(JOURNAL), format!("{MAGIC}\nnew\ta\tb\n")).unwrap();
        assert!(Journal::read(d.path()).is_err());
        let stray = format!("{MAGIC}\nstaging\t.tmp/1\ninode\t7\nend\n");
        fs::write(d.path().join(JOURNAL), stray).unwrap();
        assert!(Journal::read(d.path()).is_err(), "an inode line of no item");
    }

    /// Plants `body` as a journal under a fresh root: (root, what reading it gave).
    fn planted(body: &str) -> (tempfile::TempDir, Result<Option<Journal>>) {
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join(JOURNAL), format!("{MAGIC}\n{body}end\n")).unwrap();
        let read = Journal::read(d.path());
        (d, read)
    }

    #[test]
    fn a_journal_naming_paths_outside_its_directory_is_refused_whole() {
        for body in [
            // The reproduction: an absolute destination.
            "staging\t.tmp/x\noverwrite\tevil\t/etc/passwd\n",
            "staging\t.tmp/x\nnew\t.tmp/x/1\t../victim\n",
            "staging\t.tmp/x\nnew\t.tmp/x/1\ta/../../victim\n",
            "staging\t.tmp/x\nnew\t.tmp/x/1\t./a\n",
            "staging\t.tmp/x\nnew\t.tmp/x/1\ta//b\n",
            "staging\t.tmp/x\nnew\t/etc/shadow\ta\n",
            "staging\t.tmp/x\nnew\t.tmp/x/../../../etc/shadow\ta\n",
            // Staged items must be in the staging area, and it in .tmp/.
            "staging\t.tmp/x\nnew\tevil\ta\n",
            "staging\t.tmp/x\nnew\t.tmp/y/1\ta\n",
            "staging\t.tmp/x\nnew\t.tmp/x\ta\n",
            "staging\tusers\nnew\tusers/1\ta\n",
            "staging\t/tmp\nnew\t/tmp/1\ta\n",
            "staging\t..\nnew\t../1\ta\n",
            "new\t.tmp/x/1\ta\n",
            // The archive must be one directory of old_keys/.
            "staging\t.tmp/x\nold_keys\t/var/backups\narchive\t.tmp/x/1\ta\n",
            "staging\t.tmp/x\nold_keys\told_keys/../..\narchive\t.tmp/x/1\ta\n",
            "staging\t.tmp/x\nold_keys\tusers/T\narchive\t.tmp/x/1\ta\n",
            // Destinations may not be certgen's own entries.
            "staging\t.tmp/x\nnew\t.tmp/x/1\t.txn\n",
            "staging\t.tmp/x\nnew\t.tmp/x/1\t.lock\n",
            "staging\t.tmp/x\nnew\t.tmp/x/1\told_keys/T/a\n",
            "staging\t.tmp/x\nnew\t.tmp/x/1\t.tmp/y\n",
        ] {
            let (d, read) = planted(body);
            match read {
                Err(Error::BadJournal { path, .. }) => assert_eq!(path, d.path().join(JOURNAL)),
                other => panic!("{body:?} was read as {other:?}"),
            }
        }
        let (d, read) = planted("staging\t.tmp/x\noverwrite\tevil\t/etc/passwd\n");
        let message = read.unwrap_err().to_string();
        assert!(!message.contains('\n'), "one line: {message}");
        assert!(
            message.contains(&d.path().join(JOURNAL).display().to_string()),
            "{message}"
        );
        assert!(message.contains("absolute path /etc/passwd"), "{message}");
    }

    /// A journal certgen could not read back is never written: the
    /// transaction fails before anything moves.
    #[test]
    fn a_journal_over_the_limit_is_not_written() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        let staging = root.join(".tmp/1-0");
        let name = "n".repeat(250);
        let items = (0..300_000)
            .map(|i| Item {
                staged: staging.join(i.to_string()),
                dest: root.join(format!("users/{name}{i}")),
                op: Op::Archive,
                inode: Some(u64::MAX),
            })
            .collect();
        let journal = Journal {
            root: root.to_path_buf(),
            staging,
            archive: Some(root.join("old_keys/T")),
            items,
        };
        let err = journal.write().unwrap_err();
        assert!(
            format!("{:#}", anyhow::Error::new(err)).contains(
                "300000 items are more than one transaction may publish (its journal would exceed 64 MiB)"
            )
        );
        assert_eq!(fs::read_dir(root).unwrap().count(), 0, "nothing written");
    }

    #[test]
    fn a_refused_journal_is_never_replayed() {
        let d = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        fs::write(&victim, b"original").unwrap();
        fs::create_dir_all(d.path().join(".tmp/x")).unwrap();
        fs::write(d.path().join(".tmp/x/1"), b"planted").unwrap();
        let body = format!(
            "staging\t.tmp/x\noverwrite\t.tmp/x/1\t{}\n",
            victim.display()
        );
        fs::write(d.path().join(JOURNAL), format!("{MAGIC}\n{body}end\n")).unwrap();
        assert!(matches!(recover(d.path()), Err(Error::BadJournal { .. })));
        assert_eq!(fs::read(&victim).unwrap(), b"original");
        assert!(d.path().join(JOURNAL).exists(), "kept for inspection");
    }

    #[test]
    fn the_journals_certgen_writes_read_back_relative_to_the_root() {
        let d = tempfile::tempdir().unwrap();
        let written = interrupted(d.path());
        let read = Journal::read(d.path()).unwrap().unwrap();
        assert_eq!(read.staging, written.staging);
        assert_eq!(read.archive, written.archive);
        for (r, w) in read.items.iter().zip(&written.items) {
            assert_eq!((&r.staged, &r.dest, r.op), (&w.staged, &w.dest, w.op));
        }
    }
}
