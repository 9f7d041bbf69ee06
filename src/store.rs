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

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rustix::fs::{CWD, RenameFlags};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::cert::CertSummary;
use crate::error::{Error, Result};
use crate::index::{ATTR_CONTENT, Index};
use crate::secret::PassphraseSource;
use crate::serial::Serial;

mod txn;
use txn::{Item, Journal, Op};

/// File names, as in the openssl recipes.
pub const CA_CERT: &str = "ca-cert.pem";
pub const CA_KEY: &str = "ca-key.pem";
pub const CA_CHAIN: &str = "ca-chain.pem";
/// Old and new roots during a CA changeover; see [`Store::trusted_roots`].
pub const CA_BUNDLE: &str = "ca-bundle.pem";
/// The serials the index listed when a CA changeover started: the old CA's
/// certificates. Written with [`CA_BUNDLE`], archived with it.
pub const CA_ROTATION: &str = "ca-rotation.txt";
pub const INDEX: &str = "index.txt";
pub const INDEX_ATTR: &str = "index.txt.attr";
pub const SERVER_CERT: &str = "server-cert.pem";
pub const SERVER_KEY: &str = "server-key.pem";
pub const CLIENT_CERT: &str = "client-cert.pem";
pub const CLIENT_KEY: &str = "client-key.pem";
pub const OLD_KEYS: &str = "old_keys";
const TMP: &str = ".tmp";
const LOCK: &str = ".lock";

/// Beyond this many files in one commit, one `syncfs` replaces per-file `fsync`.
const SYNC_EACH_LIMIT: usize = 8;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Whether a secret (0600) or public (0644) file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Secret,
    Public,
}

impl Mode {
    fn bits(self) -> u32 {
        match self {
            Mode::Secret => 0o600,
            Mode::Public => 0o644,
        }
    }
}

/// A PKI directory.
#[derive(Clone, Debug)]
pub struct Store {
    root: PathBuf,
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
        if exists_no_follow(&self.path(txn::JOURNAL)) {
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

    /// The lock file, opened (and the directory created) but not locked.
    fn lock_file(&self) -> Result<(File, PathBuf)> {
        self.create_root()?;
        let path = self.path(LOCK);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
            .open(&path)
            .map_err(Error::io("opening the lock file", &path))?;
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

fn exists_no_follow(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok()
}

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
        let tmp = self.store.path(TMP);
        make_dir(&tmp, 0o700)?;
        let dir = tmp.join(format!(
            "{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        make_dir(&dir, 0o700)?;
        Ok(Staging {
            root: self.store.root.clone(),
            dir,
            items: Vec::new(),
            to_sync: Vec::new(),
            sync_each: expected_files <= SYNC_EACH_LIMIT,
            staged: 0,
            archive_at: None,
            keep: false,
        })
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

fn archive_stamp(now: OffsetDateTime) -> Result<String> {
    now.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day]T[hour][minute][second]Z"
        ))
        .map_err(Error::ArchiveName)
}

/// `old_keys/STAMP`, or `STAMP-2`, `STAMP-3`... when archives happen within a second.
/// `base/stamp`, or `base/stamp-N` when that is taken, not created: the
/// lock keeps any other writer from taking the name before the journal
/// that names it is written.
fn free_dir_name(base: &Path, stamp: &str) -> PathBuf {
    let mut name = base.join(stamp);
    let mut n = 1;
    while exists_no_follow(&name) {
        n += 1;
        name = base.join(format!("{stamp}-{n}"));
    }
    name
}

fn unique_dir(base: &Path, stamp: &str) -> Result<PathBuf> {
    for n in 1.. {
        let name = if n == 1 {
            stamp.to_string()
        } else {
            format!("{stamp}-{n}")
        };
        let p = base.join(name);
        match fs::DirBuilder::new().mode(0o700).create(&p) {
            Ok(()) => return Ok(p),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io("creating", &p)(e)),
        }
    }
    unreachable!("the loop returns")
}

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
    /// Files to sync one by one (small batches only).
    to_sync: Vec<PathBuf>,
    sync_each: bool,
    staged: usize,
    /// When replaced items are archived: names `old_keys/<UTC timestamp>`.
    archive_at: Option<OffsetDateTime>,
    /// A journal names the staged items: the next writer needs them.
    keep: bool,
}

impl Staging {
    fn next_name(&mut self) -> PathBuf {
        self.staged += 1;
        self.dir.join(self.staged.to_string())
    }

    fn write(&mut self, path: &Path, content: &[u8], mode: Mode) -> Result<()> {
        write_new(path, content, mode, false)?;
        if self.sync_each {
            self.to_sync.push(path.to_path_buf());
        }
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
                let content = fs::read(&old).map_err(Error::io("reading", &old))?;
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
        if self.sync_each {
            sync_all_parallel(&self.to_sync)?;
            // The entries too: the staging area's, and those of each staged
            // directory, so that after a power loss the journal never names
            // a staged item that is not there.
            let mut dirs = vec![self.dir.clone()];
            dirs.extend(
                self.items
                    .iter()
                    .filter(|i| fs::symlink_metadata(&i.staged).is_ok_and(|m| m.is_dir()))
                    .map(|i| i.staged.clone()),
            );
            sync_all_parallel(&dirs)?;
        } else {
            let d = File::open(&self.dir).map_err(Error::io("opening", &self.dir))?;
            rustix::fs::syncfs(&d).map_err(|e| Error::io("syncing", &self.dir)(e.into()))?;
        }
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

/// Owner, group and permission bits for a new file, when the caller
/// decides them instead of inheriting those of the file it replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Perms {
    /// `None` leaves the owner (the caller) as it is.
    pub uid: Option<u32>,
    /// `None` leaves the group as it is.
    pub gid: Option<u32>,
    pub mode: u32,
}

impl Perms {
    fn apply(self, path: &Path) -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::symlink_metadata(path).map_err(Error::io("reading", path))?;
        let uid = self.uid.filter(|u| *u != meta.uid());
        let gid = self.gid.filter(|g| *g != meta.gid());
        if uid.is_some() || gid.is_some() {
            std::os::unix::fs::lchown(path, uid, gid)
                .map_err(Error::io("changing the owner of", path))?;
        }
        fs::set_permissions(path, fs::Permissions::from_mode(self.mode))
            .map_err(Error::io("setting the mode of", path))
    }
}

/// Creates the directory `path`, whose parent must exist, with `perms`:
/// a deployment directory. Refuses anything already there, links included.
pub fn create_dir(path: &Path, perms: Perms) -> Result<()> {
    match fs::DirBuilder::new().mode(0o700).create(path) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Error::Exists(path.to_path_buf()));
        }
        other => other.map_err(Error::io("creating", path))?,
    }
    if let Err(e) = perms.apply(path) {
        let _ = fs::remove_dir(path);
        return Err(e);
    }
    sync_parent(path)
}

/// Gives the staged `new` the owner and group of `old`, and its mode; a
/// secret never more readable than 0640. Nothing when `old` does not exist.
fn inherit(old: &Path, new: &Path, kind: Option<Mode>) -> Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let Ok(meta) = fs::symlink_metadata(old) else {
        return Ok(());
    };
    if meta.file_type().is_symlink() {
        return Err(Error::Symlink(old.to_path_buf()));
    }
    let mine = fs::symlink_metadata(new).map_err(Error::io("reading", new))?;
    if (mine.uid(), mine.gid()) != (meta.uid(), meta.gid()) {
        std::os::unix::fs::lchown(new, Some(meta.uid()), Some(meta.gid())).map_err(Error::io(
            "giving the owner and group of the file it replaces to",
            new,
        ))?;
    }
    let mut mode = meta.mode() & 0o777;
    if kind == Some(Mode::Secret) {
        mode &= 0o640;
    }
    fs::set_permissions(new, fs::Permissions::from_mode(mode))
        .map_err(Error::io("setting the mode of", new))
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

/// `fsync`s files or directories concurrently: the filesystem then commits
/// them in one journal transaction instead of one after another.
fn sync_all_parallel(paths: &[PathBuf]) -> Result<()> {
    let sync = |p: &PathBuf| {
        File::open(p)
            .and_then(|f| f.sync_all())
            .map_err(Error::io("syncing", p))
    };
    match paths {
        [] => Ok(()),
        [one] => sync(one),
        many => std::thread::scope(|s| {
            let handles: Vec<_> = many.iter().map(|p| (p, s.spawn(move || sync(p)))).collect();
            handles.into_iter().try_for_each(|(p, h)| {
                h.join().unwrap_or_else(|_| {
                    Err(Error::io("syncing", p)(std::io::Error::other(
                        "the sync thread panicked",
                    )))
                })
            })
        }),
    }
}

/// Staged files that were not committed are discarded; they were never published.
impl Drop for Staging {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Creates `path` (and missing parents), refusing a symbolic link in its place.
fn ensure_real_dir(path: &Path) -> Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(Error::Symlink(path.to_path_buf())),
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Error::NotADirectory(path.to_path_buf())),
        Err(_) => fs::DirBuilder::new()
            .recursive(true)
            .mode(0o755)
            .create(path)
            .map_err(Error::io("creating", path)),
    }
}

fn make_dir(path: &Path, mode: u32) -> Result<()> {
    match fs::DirBuilder::new().mode(mode).create(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => ensure_real_dir(path),
        Err(e) => Err(Error::io("creating", path)(e)),
    }
}

/// Creates a file that must not exist yet (O_EXCL: never through a symlink).
fn write_new(path: &Path, content: &[u8], mode: Mode, sync: bool) -> Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode.bits())
        .open(path)
        .map_err(Error::io("creating", path))?;
    f.write_all(content).map_err(Error::io("writing", path))?;
    if sync {
        f.sync_all().map_err(Error::io("syncing", path))?;
    }
    Ok(())
}

fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    path.with_file_name(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Writes a temp file beside `path`, syncs it, and moves it into place with
/// `publish`; the temp file is removed when anything fails.
fn via_temp(
    path: &Path,
    content: &[u8],
    mode: Mode,
    publish: impl FnOnce(&Path, &Path) -> Result<()>,
) -> Result<()> {
    let tmp = temp_beside(path);
    let result = write_new(&tmp, content, mode, true).and_then(|()| publish(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result?;
    sync_parent(path)
}

/// Atomically replaces (or creates) `path`.
pub fn replace_file(path: &Path, content: &[u8], mode: Mode) -> Result<()> {
    via_temp(path, content, mode, |tmp, path| {
        fs::rename(tmp, path).map_err(Error::io("renaming into", path))
    })
}

/// A file written and synced under a temporary name beside its destination,
/// so that a command can check it could write it before it changes anything
/// else; [`Prepared::publish`] renames it into place, and dropping it
/// unpublished removes it.
pub struct Prepared {
    tmp: PathBuf,
    dest: PathBuf,
    published: bool,
}

/// Writes `content` beside `path`, to be published later.
pub fn prepare_file(path: &Path, content: &[u8], mode: Mode) -> Result<Prepared> {
    let tmp = temp_beside(path);
    if let Err(e) = write_new(&tmp, content, mode, true) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(Prepared {
        tmp,
        dest: path.to_path_buf(),
        published: false,
    })
}

impl Prepared {
    /// Atomically replaces (or creates) the destination.
    pub fn publish(mut self) -> Result<()> {
        fs::rename(&self.tmp, &self.dest).map_err(Error::io("renaming into", &self.dest))?;
        self.published = true;
        sync_parent(&self.dest)
    }

    /// Atomically creates the destination, which must not exist.
    pub fn publish_new(mut self) -> Result<()> {
        rename_noreplace(&self.tmp, &self.dest)?;
        self.published = true;
        sync_parent(&self.dest)
    }
}

impl Drop for Prepared {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Atomically creates `path`, which must not exist.
pub fn create_file(path: &Path, content: &[u8], mode: Mode) -> Result<()> {
    via_temp(path, content, mode, rename_noreplace)
}

fn rename_noreplace(from: &Path, to: &Path) -> Result<()> {
    match rustix::fs::renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Ok(()) => Ok(()),
        Err(rustix::io::Errno::EXIST) | Err(rustix::io::Errno::NOTEMPTY) => {
            Err(Error::Exists(to.to_path_buf()))
        }
        // Filesystems without RENAME_NOREPLACE: we hold the lock, so check then rename.
        Err(rustix::io::Errno::INVAL) | Err(rustix::io::Errno::NOSYS) => {
            if exists_no_follow(to) {
                return Err(Error::Exists(to.to_path_buf()));
            }
            fs::rename(from, to).map_err(Error::io("renaming into", to))
        }
        Err(e) => Err(Error::io("renaming into", to)(e.into())),
    }
}

fn sync_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => sync_dir(p),
        _ => sync_dir(Path::new(".")),
    }
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(Error::io("syncing", dir))
}

#[cfg(test)]
mod tests {
    use super::*;
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
    fn a_prepared_file_lands_only_when_published() {
        let d = tempfile::tempdir().unwrap();
        let dest = d.path().join("crl.pem");
        drop(prepare_file(&dest, b"first", Mode::Public).unwrap());
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 0, "nothing left");
        fs::write(&dest, b"old").unwrap();
        let p = prepare_file(&dest, b"new", Mode::Public).unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"old");
        p.publish().unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"new");
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[test]
    fn create_file_refuses_symlinks_and_existing_files() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("elsewhere");
        let link = d.path().join("key.pem");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(create_file(&link, b"k", Mode::Secret).is_err());
        assert!(!target.exists());
        let leftovers: Vec<_> = fs::read_dir(d.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp file left behind");
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

    #[test]
    fn create_dir_makes_one_directory_with_its_mode_and_refuses_what_is_there() {
        let d = tempfile::tempdir().unwrap();
        let perms = Perms {
            uid: None,
            gid: None,
            mode: 0o750,
        };
        let dir = d.path().join("tls");
        create_dir(&dir, perms).unwrap();
        assert_eq!(
            fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o750
        );
        assert!(matches!(create_dir(&dir, perms), Err(Error::Exists(_))));
        assert!(
            create_dir(&d.path().join("a/b"), perms).is_err(),
            "no parents"
        );
        assert!(!d.path().join("a").exists());
    }

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
