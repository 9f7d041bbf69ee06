//! The owner, group and mode a written file gets: chosen by the caller, or
//! inherited from the file it replaces.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::error::{Error, Result};

/// Whether a secret (0600) or public (0644) file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Secret,
    Public,
}

impl Mode {
    pub fn bits(self) -> u32 {
        match self {
            Mode::Secret => 0o600,
            Mode::Public => 0o644,
        }
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
    pub(super) fn apply(self, path: &Path) -> Result<()> {
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

/// Gives the staged `new` the owner and group of `old`, and its mode; a
/// secret never more readable than 0640. Nothing when `old` does not exist.
pub(super) fn inherit(old: &Path, new: &Path, kind: Option<Mode>) -> Result<()> {
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
