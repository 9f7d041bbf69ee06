//! A lazy, loop-safe directory walk in sorted order.
//!
//! Symbolic links are followed (certificates often live behind them, as in
//! `/etc/letsencrypt/live`), each file and directory is visited once, and a
//! link that leads back into a directory being walked is reported instead of
//! being followed forever. Inside directories, version-control metadata and
//! certgen's `old_keys` archive are skipped, and files are handed on only
//! when their name could belong to a certificate (see [`names`]); hidden
//! directories such as `~/.mysql` are walked. Paths named by the user are
//! always checked.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fs::{self, FileType};
use std::hash::{BuildHasherDefault, Hasher};
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::fs::{DirEntryExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rustix::fs::{Mode, OFlags};

use super::names::{self, Name};
use crate::input::kind_name;
use crate::store::OLD_KEYS;

/// What the walk hands to the workers.
#[derive(Debug)]
pub(crate) enum Item {
    /// `dir`, when known, is the open directory `path` was listed in: the
    /// file is opened relative to it, sparing the kernel the full path.
    File {
        path: PathBuf,
        explicit: bool,
        dir: Option<Arc<DirFd>>,
    },
    Problem {
        path: PathBuf,
        reason: String,
    },
}

/// Open directories the walk and the workers may hold at once; past this,
/// files are opened by their full path, so that a tree of many small
/// directories cannot run the process out of file descriptors.
const MAX_OPEN_DIRS: usize = 64;

/// An open directory whose files are being checked.
#[derive(Debug)]
pub(crate) struct DirFd {
    pub(crate) fd: OwnedFd,
    live: Arc<AtomicUsize>,
}

impl Drop for DirFd {
    fn drop(&mut self) {
        self.live.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A device and inode: the identity of a file whatever path reached it.
type Id = (u64, u64);

/// Identities seen so far. Every file of the tree goes in, so the hash is a
/// cheap multiply-and-rotate rather than SipHash: device and inode numbers
/// are chosen by the kernel, not by whoever wrote the files.
type IdSet = HashSet<Id, BuildHasherDefault<IdHasher>>;

#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

struct Pending {
    path: PathBuf,
    depth: usize,
    /// `None` for a path named by the user.
    entry: Option<(FileType, Id)>,
    /// The open directory the entry was listed in.
    dir: Option<Arc<DirFd>>,
}

pub(crate) struct Walker {
    /// Popped from the end; directory entries are pushed in reverse order.
    stack: Vec<Pending>,
    /// The directories on the way down to the current entry, by depth.
    ancestors: Vec<Id>,
    seen_dirs: IdSet,
    seen_files: IdSet,
    /// How many `DirFd`s are alive.
    open_dirs: Arc<AtomicUsize>,
}

impl Walker {
    pub(crate) fn new(roots: &[PathBuf]) -> Walker {
        let stack = roots
            .iter()
            .rev()
            .map(|p| Pending {
                path: p.clone(),
                depth: 0,
                entry: None,
                dir: None,
            })
            .collect();
        Walker {
            stack,
            ancestors: Vec::new(),
            seen_dirs: IdSet::default(),
            seen_files: IdSet::default(),
            open_dirs: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Turns one pending path into an item, or into more pending paths.
    fn step(&mut self, p: Pending) -> Option<Item> {
        let via = match p.entry {
            None => Via::Argument,
            Some((ft, _)) if ft.is_symlink() => Via::Link,
            Some((ft, _)) if ft.is_dir() => Via::Directory,
            // Listed as a file of a kind and name worth a look.
            Some((ft, id)) => return self.file(p, ft, id),
        };
        let (file_type, id) = match fs::metadata(&p.path) {
            Ok(m) => (m.file_type(), (m.dev(), m.ino())),
            // A dangling link is a problem only where a certificate was promised.
            Err(_) if via == Via::Link && names::classify_path(&p.path) != Name::Promises => {
                return None;
            }
            Err(e) => {
                let reason = via.error(&p.path, &e);
                return Some(problem(p.path, reason));
            }
        };
        if file_type.is_dir() {
            return self.enter(p.path, p.depth, id);
        }
        if via == Via::Link && !worth_a_look(names::classify_path(&p.path), file_type) {
            return None;
        }
        self.file(p, file_type, id)
    }

    /// A file that is worth a look: named by the user, or named like a certificate.
    fn file(&mut self, p: Pending, file_type: FileType, id: Id) -> Option<Item> {
        let explicit = p.entry.is_none();
        if !file_type.is_file() {
            let reason = format!("not a regular file ({})", kind_name(file_type));
            return Some(problem(p.path, reason));
        }
        if !self.seen_files.insert(id) {
            return None;
        }
        Some(Item::File {
            path: p.path,
            explicit,
            dir: p.dir,
        })
    }

    fn enter(&mut self, dir: PathBuf, depth: usize, id: Id) -> Option<Item> {
        self.ancestors.truncate(depth);
        if self.ancestors.contains(&id) {
            let reason = "symbolic link loop: leads back to a directory above it";
            return Some(problem(dir, reason.into()));
        }
        if !self.seen_dirs.insert(id) {
            return None;
        }
        self.ancestors.push(id);
        let fd = self.open_dir(&dir);
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                let reason = format!("cannot read the directory: {}", io_reason(&dir, &e));
                return Some(problem(dir, reason));
            }
        };
        let mut children = Vec::new();
        for entry in entries {
            match entry.and_then(|e| Ok((e.file_type()?, e))) {
                Ok((ft, e)) => {
                    let name = e.file_name();
                    if wanted_entry(&name, ft) {
                        children.push((name, Some((ft, (id.0, e.ino())))));
                    }
                }
                Err(e) => return Some(problem(dir, format!("cannot list the directory: {e}"))),
            }
        }
        children.sort_unstable_by(|a, b| b.0.cmp(&a.0));
        self.stack
            .extend(children.into_iter().map(|(name, entry)| Pending {
                path: dir.join(name),
                depth: depth + 1,
                entry,
                dir: fd.clone(),
            }));
        None
    }
}

impl Walker {
    /// The directory opened for its files to be opened relative to it, or
    /// `None` (files are then opened by their full path).
    fn open_dir(&self, dir: &Path) -> Option<Arc<DirFd>> {
        if self.open_dirs.load(Ordering::Relaxed) >= MAX_OPEN_DIRS {
            return None;
        }
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let fd = rustix::fs::open(dir, flags, Mode::empty()).ok()?;
        self.open_dirs.fetch_add(1, Ordering::Relaxed);
        Some(Arc::new(DirFd {
            fd,
            live: Arc::clone(&self.open_dirs),
        }))
    }
}

impl Iterator for Walker {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        while let Some(p) = self.stack.pop() {
            if let Some(item) = self.step(p) {
                return Some(item);
            }
        }
        None
    }
}

fn problem(path: PathBuf, reason: String) -> Item {
    Item::Problem { path, reason }
}

/// How the walk reached a path it could not stat, for the message.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Via {
    Argument,
    Link,
    Directory,
}

impl Via {
    fn error(self, path: &Path, e: &io::Error) -> String {
        let what = match self {
            Via::Argument => "cannot open",
            Via::Link => "cannot follow the symbolic link",
            Via::Directory => "cannot open the directory",
        };
        format!("{what}: {}", io_reason(path, e))
    }
}

/// Linux's PATH_MAX, which counts the terminating NUL.
const PATH_MAX: usize = 4096;

/// Why `path` could not be opened: the system's message, except that a path
/// too long to pass to the kernel says so and how long it is (the system's
/// "File name too long" suggests a bad name).
pub(crate) fn io_reason(path: &Path, e: &io::Error) -> String {
    let len = path.as_os_str().len();
    let too_long = Some(rustix::io::Errno::NAMETOOLONG.raw_os_error());
    if e.raw_os_error() == too_long && len >= PATH_MAX {
        return format!(
            "the path is {len} bytes long; the system takes at most {} bytes",
            PATH_MAX - 1
        );
    }
    e.to_string()
}

/// Whether a directory entry is worth a look: directories and links (which
/// may lead to one) unless skipped by name, regular files whose name could
/// belong to a certificate, and other files (sockets, FIFOs, devices) only
/// when their name promises one, to say that it does not hold one.
fn wanted_entry(name: &OsStr, ft: FileType) -> bool {
    if skipped_name(name) {
        return false;
    }
    ft.is_dir() || ft.is_symlink() || worth_a_look(names::classify(name), ft)
}

/// Whether a file of this name and type is read (or reported).
fn worth_a_look(name: Name, ft: FileType) -> bool {
    match name {
        Name::Promises => true,
        Name::Maybe => ft.is_file(),
        Name::Other => false,
    }
}

/// Version-control metadata (a repository's history may hold every
/// certificate ever committed) and certgen's archive of replaced files.
fn skipped_name(name: &OsStr) -> bool {
    const VCS: [&str; 4] = [".git", ".hg", ".svn", ".bzr"];
    name == OLD_KEYS || VCS.iter().any(|v| name == *v)
}

/// A key that the scanning user may not read (keys are 0600): skipped,
/// since it holds no certificate, rather than reported as UNKNOWN.
pub(crate) fn is_skippable_secret(path: &Path, e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::PermissionDenied && names::is_key_name(path)
}
