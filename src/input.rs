//! Reading files that may hold anything: regular files only, never blocking
//! on a FIFO or device, and never more than a certificate file could need.
//!
//! Every file certgen reads from a path it was given goes through here (the
//! commands' arguments, `--from`, and the PKI directory's own files), so a
//! FIFO, a device such as `/dev/zero` or a directory is refused at once with
//! what it is, and nothing larger than [`MAX_FILE`] is held in memory.

use std::ffi::OsStr;
use std::fs::{self, File, FileType};
use std::io::{self, Read};
use std::os::fd::OwnedFd;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
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
    // O_NOCTTY: opening a terminal named by the user must not make it ours.
    let flags = OFlags::NONBLOCK | OFlags::NOCTTY;
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path)?;
    read_open_file(file, limit, buf)
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
    read_open_file(File::from(fd), MAX_FILE, buf)
}

fn read_open_file(file: File, limit: u64, buf: &mut Vec<u8>) -> io::Result<()> {
    buf.clear();
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other(format!(
            "not a regular file ({})",
            kind_name(meta.file_type())
        )));
    }
    if meta.len() > limit {
        return Err(too_large(Some(meta.len()), limit));
    }
    read_all(file, meta.len(), limit, buf)
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
