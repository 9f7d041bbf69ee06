//! The file primitives the store writes with: new files created with
//! `O_EXCL`, replacements written beside their destination and renamed over
//! it, renames that never replace, and the syncs that make them durable.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rustix::fs::{CWD, RenameFlags};

use crate::error::{Error, Result};

use super::perms::{Mode, Perms};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Beyond this many files written together, one `syncfs` replaces per-file
/// `fsync`.
pub(super) const SYNC_EACH_LIMIT: usize = 8;

/// `PID-N`: a name no other process, and no earlier call in this one, uses.
pub(super) fn unique_suffix() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Whether anything is at `p`, a link (even a dangling one) included.
pub(super) fn exists_no_follow(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok()
}

/// Creates `path` (and missing parents), refusing a symbolic link in its place.
pub(super) fn ensure_real_dir(path: &Path) -> Result<()> {
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

/// Creates the directory `path` with `mode`, or accepts a real directory there.
pub(super) fn make_dir(path: &Path, mode: u32) -> Result<()> {
    match fs::DirBuilder::new().mode(mode).create(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => ensure_real_dir(path),
        Err(e) => Err(Error::io("creating", path)(e)),
    }
}

/// Creates the directory `path`, whose parent must exist, with `perms`:
/// a deployment directory. Refuses anything already there, links included.
pub fn create_dir(path: &Path, perms: Perms) -> Result<()> {
    make_new_dir(path, perms)?;
    sync_parent(path)
}

/// [`create_dir`] without the sync, for a caller that syncs many at once.
pub(super) fn make_new_dir(path: &Path, perms: Perms) -> Result<()> {
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
    Ok(())
}

/// Creates a file that must not exist yet (O_EXCL: never through a symlink).
pub(super) fn write_new(path: &Path, content: &[u8], mode: Mode, sync: bool) -> Result<()> {
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

/// A fresh hidden name beside `path`, which the next writer removes if left.
pub(super) fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", unique_suffix()))
}

/// How old a temp file must be before [`remove_stale_temps`] takes it for
/// a killed run's: a live run renames its temp files within seconds, and a
/// process of another PID namespace (a container writing into the same
/// directory) looks gone from here.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(600);

/// Removes the temp files [`temp_beside`] made in `dir` for one of `names`
/// by a run that was killed before it could: regular files of this user
/// (never a link, never another user's), of a process that is gone, older
/// than [`STALE_AFTER`]. Each is looked at and removed relative to `dir`,
/// opened once, without following a link in its place.
pub(super) fn remove_stale_temps(dir: &Path, names: &HashSet<&OsStr>) {
    use rustix::fs::{AtFlags, FileType, OFlags};
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let Ok(fd) = rustix::fs::open(dir, flags, rustix::fs::Mode::empty()) else {
        return;
    };
    let Ok(entries) = rustix::fs::Dir::read_from(&fd) else {
        return;
    };
    let me = rustix::process::geteuid().as_raw();
    let old_enough = |mtime: i64| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .is_ok_and(|now| now.as_secs() as i64 - mtime > STALE_AFTER.as_secs() as i64)
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let stale = || -> Option<()> {
            let (name, suffix) = file
                .to_str()
                .ok()?
                .strip_prefix('.')?
                .rsplit_once(".tmp-")?;
            let (pid, n) = suffix.split_once('-')?;
            n.parse::<u64>().ok()?;
            names.contains(OsStr::new(name)).then_some(())?;
            let pid = rustix::process::Pid::from_raw(pid.parse().ok()?)?;
            (rustix::process::test_kill_process(pid) == Err(rustix::io::Errno::SRCH))
                .then_some(())?;
            let st = rustix::fs::statat(&fd, file, AtFlags::SYMLINK_NOFOLLOW).ok()?;
            let regular = FileType::from_raw_mode(st.st_mode) == FileType::RegularFile;
            (regular && st.st_uid == me && old_enough(st.st_mtime as i64)).then_some(())
        };
        if stale().is_some() {
            let _ = rustix::fs::unlinkat(&fd, file, AtFlags::empty());
        }
    }
}

/// Writes a temp file beside `path`, syncs it, and moves it into place with
/// `publish`; the temp file is removed when anything fails.
pub(super) fn via_temp(
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

pub(super) fn rename_noreplace(from: &Path, to: &Path) -> Result<()> {
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

/// The directory `path` is in: its parent, or `.` for a bare name.
pub(super) fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Makes the entry of `path` in its directory durable.
pub(super) fn sync_parent(path: &Path) -> Result<()> {
    sync_dir(parent_of(path))
}

pub(super) fn sync_dir(dir: &Path) -> Result<()> {
    open_to_sync(dir)
        .and_then(|d| d.sync_all())
        .map_err(Error::io("syncing", dir))
}

/// Opens a file or directory certgen made, to `fsync` it: without waiting,
/// should a FIFO have taken its place (a deployment directory's owner can
/// put one there), whose `fsync` then fails instead.
pub(super) fn open_to_sync(path: &Path) -> std::io::Result<File> {
    let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY;
    OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
}

/// Makes `paths` durable: each `fsync`ed, in parallel, when they are few;
/// else one `syncfs` for each filesystem they are on.
pub(super) fn sync_many(paths: &[PathBuf]) -> Result<()> {
    if paths.len() <= SYNC_EACH_LIMIT {
        return sync_all_parallel(paths);
    }
    let mut devices = HashSet::new();
    for p in paths {
        let meta = fs::symlink_metadata(p).map_err(Error::io("reading", p))?;
        if devices.insert(meta.dev()) {
            let f = open_to_sync(p).map_err(Error::io("opening", p))?;
            rustix::fs::syncfs(&f).map_err(|e| Error::io("syncing", p)(e.into()))?;
        }
    }
    Ok(())
}

/// `fsync`s files or directories concurrently: the filesystem then commits
/// them in one journal transaction instead of one after another.
pub(super) fn sync_all_parallel(paths: &[PathBuf]) -> Result<()> {
    let sync = |p: &PathBuf| {
        open_to_sync(p)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

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
}
