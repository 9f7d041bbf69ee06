//! Reading files that may hold anything: regular files only, never blocking
//! on a FIFO or device, and never more than a certificate file could need.
//!
//! Every file certgen reads from a path it was given goes through here (the
//! commands' arguments, `--from`, and the PKI directory's own files), so a
//! FIFO, a device such as `/dev/zero` or a directory is refused at once with
//! what it is, and nothing larger than [`MAX_FILE`] is held in memory.
//!
//! Each file is opened with `O_NONBLOCK` (opening a FIFO never waits for a
//! writer), then checked with `fstat` on what was opened, not on the name, so
//! a FIFO, device or socket put in a file's place after a directory was
//! listed or checked is refused all the same. certgen's own files (the lock,
//! the journal, the index) are opened with `O_NOFOLLOW` too
//! ([`read_no_follow`], [`open_no_follow`], [`open_lock`]): whoever may write
//! a deployment directory may plant them, and a link there is refused.

use std::ffi::OsStr;
use std::fs::{self, File, FileType};
use std::io::{self, Read};
use std::os::fd::OwnedFd;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

use rustix::fs::{Mode, OFlags};

/// Files larger than this are not certificates, keys or CRLs; reading them
/// would only cost memory.
pub const MAX_FILE: u64 = 64 << 20;

/// The limit for the PKI directory's index, which grows by one line of about
/// 100 bytes per certificate issued: a CA may issue millions.
pub const MAX_INDEX: u64 = 1 << 30;

/// Reads a regular file without ever blocking on a FIFO or device that took
/// the file's place after the directory was listed.
pub fn read_file(path: &Path) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    read_file_into(path, &mut buf)?;
    Ok(buf)
}

/// [`read_file`] into `buf`, replacing its content and reusing its memory.
pub fn read_file_into(path: &Path, buf: &mut Vec<u8>) -> io::Result<()> {
    read_limited(path, MAX_FILE, buf)
}

/// [`read_file`] with another size limit.
pub fn read_file_limited(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    read_limited(path, limit, &mut buf)?;
    Ok(buf)
}

fn read_limited(path: &Path, limit: u64, buf: &mut Vec<u8>) -> io::Result<()> {
    let (file, len) = open_checked(path, OFlags::empty(), limit)?;
    read_all(file, len, limit, buf)
}

/// [`read_file_limited`] for a file certgen itself writes (the journal, the
/// index): a symbolic link in its place is refused, not followed.
pub fn read_no_follow(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let (file, len) = open_checked(path, OFlags::NOFOLLOW, limit)?;
    read_all(file, len, limit, &mut buf)?;
    Ok(buf)
}

/// A regular file of at most `limit` bytes, opened for reading as
/// [`read_file`] opens it, to be read piece by piece (`--from`).
pub fn open_file(path: &Path, limit: u64) -> io::Result<File> {
    open_checked(path, OFlags::empty(), limit).map(|(file, _)| file)
}

/// [`open_file`] for a file certgen itself writes: a link is refused.
pub fn open_no_follow(path: &Path, limit: u64) -> io::Result<File> {
    open_checked(path, OFlags::NOFOLLOW, limit).map(|(file, _)| file)
}

/// Opens (creating it, 0600, if missing) a lock file, to be locked with
/// `flock`: never through a link, never blocking on a FIFO put in its place,
/// and refused when it is not a regular file. Opened for reading only:
/// `flock` needs no more, and opening a device for writing could do
/// something.
pub fn open_lock(path: &Path) -> io::Result<File> {
    open_checked(path, OFlags::NOFOLLOW | OFlags::CREATE, MAX_FILE).map(|(file, _)| file)
}

/// Opens `path` read-only with `extra` flags, never blocking, and checks with
/// `fstat` that what was opened is a regular file of at most `limit` bytes.
/// Returns the file and its size.
fn open_checked(path: &Path, extra: OFlags, limit: u64) -> io::Result<(File, u64)> {
    // O_NOCTTY: opening a terminal named by the user must not make it ours.
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC | extra;
    let fd = match rustix::fs::open(path, flags, Mode::from_raw_mode(0o600)) {
        Ok(fd) => fd,
        // ELOOP: a link under O_NOFOLLOW; ENXIO: a socket, or a device
        // without its driver. Say what is there instead.
        Err(e @ (rustix::io::Errno::LOOP | rustix::io::Errno::NXIO)) => {
            return Err(match fs::symlink_metadata(path) {
                Ok(meta) if !meta.is_file() => not_regular(meta.file_type()),
                _ => e.into(),
            });
        }
        Err(e) => return Err(e.into()),
    };
    checked(File::from(fd), limit)
}

/// `file` and its size when `fstat` finds a regular file of at most `limit`
/// bytes.
fn checked(file: File, limit: u64) -> io::Result<(File, u64)> {
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(meta.file_type()));
    }
    if meta.len() > limit {
        return Err(too_large(Some(meta.len()), limit));
    }
    Ok((file, meta.len()))
}

fn not_regular(ft: FileType) -> io::Error {
    io::Error::other(format!("not a regular file ({})", kind_name(ft)))
}

/// Text from [`read_file`], as `read_to_string` would have it.
pub fn utf8(bytes: Vec<u8>) -> io::Result<String> {
    String::from_utf8(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"))
}

/// Reads standard input, which may be a pipe of any length: at most
/// [`MAX_FILE`] bytes, so `< /dev/zero` fails as soon as the limit is passed.
pub fn read_stdin() -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    read_to_limit(io::stdin().lock(), MAX_FILE, &mut buf)?;
    Ok(buf)
}

/// [`read_file_into`] for the file `name` in the open directory `dir`.
pub fn read_file_at(dir: &OwnedFd, name: &OsStr, buf: &mut Vec<u8>) -> io::Result<()> {
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let fd = rustix::fs::openat(dir, name, flags, Mode::empty())?;
    let (file, len) = checked(File::from(fd), MAX_FILE)?;
    read_all(file, len, MAX_FILE, buf)
}

fn too_large(len: Option<u64>, limit: u64) -> io::Error {
    let limit = format!("the limit is {} MiB", limit >> 20);
    io::Error::other(match len {
        Some(len) => format!("too large: {len} bytes ({limit})"),
        None => format!("too large ({limit})"),
    })
}

/// Reads the size `fstat` reported in one `read`, saving the call that would
/// only find the end of the file; a file whose size is unknown (0, as in
/// /proc) is read to its end.
fn read_all(mut file: File, len: u64, limit: u64, buf: &mut Vec<u8>) -> io::Result<()> {
    buf.clear();
    if len > 0 {
        buf.resize(usize::try_from(len).map_err(io::Error::other)?, 0);
        return file.read_exact(buf);
    }
    read_to_limit(file, limit, buf)
}

/// Reads to the end, but never more than `limit + 1` bytes: one more than
/// allowed is enough to know the input is too large.
fn read_to_limit(input: impl Read, limit: u64, buf: &mut Vec<u8>) -> io::Result<()> {
    input.take(limit + 1).read_to_end(buf)?;
    if buf.len() as u64 > limit {
        buf.clear();
        return Err(too_large(None, limit));
    }
    Ok(())
}

/// What a non-regular file is, for messages.
pub fn kind_name(ft: FileType) -> &'static str {
    if ft.is_dir() {
        "a directory"
    } else if ft.is_symlink() {
        "a symbolic link"
    } else if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "a device"
    } else {
        "unknown type"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endless_input_stops_one_byte_past_the_limit() {
        let mut buf = Vec::new();
        let err = read_to_limit(io::repeat(0), 1 << 20, &mut buf).unwrap_err();
        assert_eq!(err.to_string(), "too large (the limit is 1 MiB)");
        assert!(buf.is_empty());
        read_to_limit(&[7u8; 10][..], 10, &mut buf).unwrap();
        assert_eq!(buf, [7u8; 10]);
    }

    #[test]
    fn devices_and_directories_are_refused_by_what_they_are() {
        let err = read_file(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file (a device)");
        let dir = std::env::temp_dir();
        let err = read_file(&dir).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file (a directory)");
    }

    #[test]
    fn own_files_refuse_links_and_fifos_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join(".lock");
        open_lock(&lock).unwrap();
        assert!(lock.is_file(), "made when missing");
        open_lock(&lock).unwrap();
        std::fs::remove_file(&lock).unwrap();
        let target = dir.path().join("target");
        std::os::unix::fs::symlink(&target, &lock).unwrap();
        let err = open_lock(&lock).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file (a symbolic link)");
        assert!(!target.exists(), "nothing made through the link");
        std::fs::write(&target, b"x").unwrap();
        let err = read_no_follow(&lock, MAX_FILE).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file (a symbolic link)");
        assert_eq!(read_file(&lock).unwrap(), b"x", "a path given is followed");
        std::fs::remove_file(&lock).unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &lock,
            rustix::fs::FileType::Fifo,
            Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        let err = open_lock(&lock).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file (a FIFO)");
        let err = read_no_follow(&lock, MAX_FILE).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file (a FIFO)");
    }

    #[test]
    fn a_file_over_the_limit_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.pem");
        File::create(&path).unwrap().set_len(2 << 20).unwrap();
        let err = read_file_limited(&path, 1 << 20).unwrap_err();
        assert_eq!(
            err.to_string(),
            "too large: 2097152 bytes (the limit is 1 MiB)"
        );
        assert_eq!(read_file_limited(&path, 2 << 20).unwrap().len(), 2 << 20);
    }
}
