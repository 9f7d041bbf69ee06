//! Directories outside the PKI directory that commands write into (a
//! deployment directory, a keystore directory): where they really are, and
//! never inside the PKI directory, whose files only the store writes.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

use super::fs::parent_of;
use super::layout::Store;

/// A directory a command writes into, as found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutsideDir {
    pub exists: bool,
    /// The directory with every link above it resolved.
    pub real: PathBuf,
    /// Where a new entry is made: the directory, or its parent when the
    /// directory is to be created.
    pub writes_in: PathBuf,
}

/// Finds `dir`: not a link, a directory if it exists, else its parent
/// exists.
pub fn resolve_dir(dir: &Path) -> Result<OutsideDir> {
    match fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => Err(Error::Symlink(dir.to_path_buf())),
        Ok(m) if !m.is_dir() => Err(Error::NotADirectory(dir.to_path_buf())),
        Ok(_) => Ok(OutsideDir {
            exists: true,
            real: fs::canonicalize(dir).map_err(Error::io("reading", dir))?,
            writes_in: dir.to_path_buf(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let parent = parent_of(dir).to_path_buf();
            let real_parent = fs::canonicalize(&parent).ok().filter(|p| p.is_dir());
            match (dir.file_name(), real_parent) {
                (Some(name), Some(p)) => Ok(OutsideDir {
                    exists: false,
                    real: p.join(name),
                    writes_in: parent,
                }),
                _ => Err(Error::MissingParent {
                    dir: dir.to_path_buf(),
                    parent,
                }),
            }
        }
        Err(e) => Err(Error::io("reading", dir)(e)),
    }
}

impl Store {
    /// Finds `dir` ([`resolve_dir`]) and refuses it inside the PKI
    /// directory.
    pub fn outside_dir(&self, dir: &Path) -> Result<OutsideDir> {
        let found = resolve_dir(dir)?;
        let pki = fs::canonicalize(self.root()).map_err(Error::io("reading", self.root()))?;
        if found.real.starts_with(&pki) {
            return Err(Error::InsidePki {
                dir: dir.to_path_buf(),
                pki: self.root().to_path_buf(),
            });
        }
        Ok(found)
    }
}
