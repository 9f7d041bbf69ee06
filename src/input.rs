//! Reading files that may hold anything: regular files only, never blocking
//! on a FIFO or device, and never more than a certificate file could need.

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

/// Reads a regular file without ever blocking on a FIFO or device that took
/// the file's place after the directory was listed.
pub fn read_file(path: &Path) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    read_file_into(path, &mut buf)?;
    Ok(buf)
}

/// [`read_file`] into `buf`, replacing its content and reusing its memory.
pub fn read_file_into(path: &Path, buf: &mut Vec<u8>) -> io::Result<()> {
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)?;
    read_open_file(file, buf)
}

/// [`read_file_into`] for the file `name` in the open directory `dir`.
pub fn read_file_at(dir: &OwnedFd, name: &OsStr, buf: &mut Vec<u8>) -> io::Result<()> {
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let fd = rustix::fs::openat(dir, name, flags, Mode::empty())?;
    read_open_file(File::from(fd), buf)
}

fn read_open_file(file: File, buf: &mut Vec<u8>) -> io::Result<()> {
    buf.clear();
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other(format!(
            "not a regular file ({})",
            kind_name(meta.file_type())
        )));
    }
    if meta.len() > MAX_FILE {
        return Err(io::Error::other(format!(
            "{} bytes is too large for a certificate file",
            meta.len()
        )));
    }
    read_all(file, meta.len(), buf)
}

/// Reads the size `fstat` reported in one `read`, saving the call that would
/// only find the end of the file; a file whose size is unknown (0, as in
/// /proc) is read to its end.
fn read_all(mut file: File, len: u64, buf: &mut Vec<u8>) -> io::Result<()> {
    if len > 0 {
        buf.resize(usize::try_from(len).map_err(io::Error::other)?, 0);
        return file.read_exact(buf);
    }
    file.take(MAX_FILE + 1).read_to_end(buf)?;
    if buf.len() as u64 > MAX_FILE {
        return Err(io::Error::other(
            "the file is too large for a certificate file",
        ));
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
