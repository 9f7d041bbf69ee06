//! `old_keys/<UTC timestamp>/`: where replaced files and directories go.

use std::fs;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use time::macros::format_description;

use crate::error::{Error, Result};

use super::fs::exists_no_follow;

/// The name of the archive made at `now`: its UTC time to the second.
pub fn archive_stamp(now: OffsetDateTime) -> Result<String> {
    now.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day]T[hour][minute][second]Z"
        ))
        .map_err(Error::ArchiveName)
}

/// `base/stamp`, or `base/stamp-N` when that is taken, not created: the
/// lock keeps any other writer from taking the name before the journal
/// that names it is written.
pub(super) fn free_dir_name(base: &Path, stamp: &str) -> PathBuf {
    let mut name = base.join(stamp);
    let mut n = 1;
    while exists_no_follow(&name) {
        n += 1;
        name = base.join(format!("{stamp}-{n}"));
    }
    name
}

/// `old_keys/STAMP`, or `STAMP-2`, `STAMP-3`... when archives happen within a
/// second: created, so that no other archive takes it.
pub(super) fn unique_dir(base: &Path, stamp: &str) -> Result<PathBuf> {
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
