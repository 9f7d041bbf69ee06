//! Who writes a deployment directory, and acting as them.
//!
//! A deployment directory usually belongs to the database's user (a data
//! directory, `~/.postgresql/`), and whoever may write it may plant what
//! certgen finds there: a journal, a lock, links in place of `.tmp` or
//! `old_keys`, or swap the directory itself. Root deploying into it would
//! then act for that user with root's power. So root does the whole write
//! phase (lock, recovery, staging, journal, renames, archive) as the
//! directory's owner: effective uid, gid and supplementary groups switched
//! to theirs, in the directory opened before the switch, so that nothing
//! that user plants makes certgen do what the user could not do alone.
//! Everything from the PKI directory is read and checked first, as root.
//!
//! Besides root and the user who writes, nobody may be able to change the
//! directory or one above it, as sshd's StrictModes asks of `~/.ssh`: each
//! belongs to root or that user, and none is writable by its group or by
//! others, except that a directory above it may be when it has the sticky
//! bit (`/tmp`): there, nobody renames or removes what is not theirs.

use std::fs;
use std::os::fd::OwnedFd;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use nix::unistd::{
    Gid, ResGid, ResUid, Uid, User, getgrouplist, getgroups, getresgid, getresuid, setgroups,
    setresgid, setresuid,
};
use rustix::fs::{Mode, OFlags};

use super::checked::Ancestor;
use crate::error::{Error, Result};

/// A user who writes a deployment directory.
#[derive(Clone, Debug)]
pub(super) struct Actor {
    pub uid: u32,
    pub gid: u32,
    /// Supplementary groups, the login group among them.
    pub groups: Vec<u32>,
    /// The user's name, or the number when it has none.
    pub name: String,
}

impl Actor {
    /// User `uid` with their login group and groups; a uid without a user
    /// entry gets `fallback_gid` alone.
    pub fn of(uid: u32, fallback_gid: u32) -> Result<Actor> {
        let entry = User::from_uid(Uid::from_raw(uid)).map_err(|e| Error::OwnerLookup {
            name: uid.to_string(),
            source: e.into(),
        })?;
        let Some(user) = entry else {
            return Ok(Actor {
                uid,
                gid: fallback_gid,
                groups: vec![fallback_gid],
                name: uid.to_string(),
            });
        };
        let cname = std::ffi::CString::new(user.name.as_str())
            .map_err(|_| Error::UnknownUser(user.name.clone()))?;
        let groups = getgrouplist(&cname, user.gid)
            .map_err(|e| Error::OwnerLookup {
                name: user.name.clone(),
                source: e.into(),
            })?
            .into_iter()
            .map(Gid::as_raw)
            .collect();
        Ok(Actor {
            uid,
            gid: user.gid.as_raw(),
            groups,
            name: user.name,
        })
    }

    pub fn is_member(&self, gid: u32) -> bool {
        self.gid == gid || self.groups.contains(&gid)
    }
}

/// Why someone besides root and `uid` could change `dir` (which need not
/// exist yet) or a directory above it, if they could; see the module.
pub(super) fn untrusted(dir: &Path, uid: u32) -> Result<Option<String>> {
    let (real, exists) = match fs::canonicalize(dir) {
        Ok(real) => (real, true),
        Err(_) => {
            let parent = match dir.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            let real = fs::canonicalize(parent).map_err(Error::io("reading", parent))?;
            (real, false)
        }
    };
    let ancestors = real
        .ancestors()
        .map(|p| {
            let m = fs::symlink_metadata(p).map_err(Error::io("reading", p))?;
            Ok(Ancestor {
                path: p.to_path_buf(),
                uid: m.uid(),
                mode: m.mode() & 0o7777,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let name_of = |u: u32| super::owner::user_name(u).unwrap_or_else(|| u.to_string());
    Ok(super::checked::untrusted(&ancestors, uid, exists, &name_of))
}

/// Opens directory `dir` as it is, not through a link: the handle the
/// write phase works in, whatever is renamed or linked in its place later.
pub(super) fn open_dir(dir: &Path) -> Result<OwnedFd> {
    rustix::fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| match e {
        rustix::io::Errno::LOOP | rustix::io::Errno::NOTDIR => Error::Symlink(dir.to_path_buf()),
        e => Error::io("opening", dir)(e.into()),
    })
}

/// While it lives, the process acts as another user in another directory;
/// dropping it restores root's identity, then the working directory.
pub(super) struct Acting {
    uid: ResUid,
    gid: ResGid,
    groups: Vec<Gid>,
    cwd: OwnedFd,
}

/// Switches the effective uid, gid and supplementary groups (of every
/// thread: the C library applies them to all) to `actor`'s and makes `dir`
/// the working directory. The real and saved ids stay root's, so that
/// [`Acting`]'s drop can switch back; the kernel keeps a user from tracing
/// or signalling a process whose real and saved ids are not theirs.
pub(super) fn act_as(actor: &Actor, dir: &OwnedFd, shown: &Path) -> Result<Acting> {
    let fail = |source: std::io::Error| Error::SwitchUser {
        dir: shown.to_path_buf(),
        user: actor.name.clone(),
        source,
    };
    let acting = Acting {
        uid: getresuid().map_err(|e| fail(e.into()))?,
        gid: getresgid().map_err(|e| fail(e.into()))?,
        groups: getgroups().map_err(|e| fail(e.into()))?,
        cwd: open_dir(Path::new("."))?,
    };
    let groups: Vec<Gid> = actor.groups.iter().map(|g| Gid::from_raw(*g)).collect();
    setgroups(&groups).map_err(|e| fail(e.into()))?;
    setresgid(acting.gid.real, Gid::from_raw(actor.gid), acting.gid.saved)
        .map_err(|e| fail(e.into()))?;
    setresuid(acting.uid.real, Uid::from_raw(actor.uid), acting.uid.saved)
        .map_err(|e| fail(e.into()))?;
    every_thread_acts_as(actor).map_err(fail)?;
    rustix::process::fchdir(dir).map_err(|e| fail(e.into()))?;
    Ok(acting)
}

/// Checks that every thread of the process took on `actor`'s ids.
fn every_thread_acts_as(actor: &Actor) -> std::io::Result<()> {
    for task in fs::read_dir("/proc/self/task")? {
        let status = fs::read_to_string(task?.path().join("status"))?;
        let ids = |key: &str| -> Vec<u32> {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .map(|rest| {
                    rest.split_whitespace()
                        .filter_map(|v| v.parse().ok())
                        .collect()
                })
                .unwrap_or_default()
        };
        // Real, effective, saved, filesystem.
        let (uids, gids) = (ids("Uid:"), ids("Gid:"));
        if uids.get(1) != Some(&actor.uid)
            || uids.get(3) != Some(&actor.uid)
            || gids.get(1) != Some(&actor.gid)
            || gids.get(3) != Some(&actor.gid)
        {
            return Err(std::io::Error::other("a thread still runs as another user"));
        }
    }
    Ok(())
}

impl Acting {
    /// Runs `f` with the effective user the process had before it acted
    /// (root), then acts as the user again: for reading the PKI directory,
    /// root's, in the middle of the write phase. Nothing of the user's is
    /// touched meanwhile. Fails, and `f` does not run, when a switch fails;
    /// failing to switch back leaves root acting, and the caller stops.
    pub fn with_own_ids<T>(&self, f: impl FnOnce() -> T) -> std::io::Result<T> {
        let user = getresuid()?;
        setresuid(user.real, self.uid.effective, user.saved)?;
        let out = f();
        setresuid(user.real, user.effective, user.saved)?;
        Ok(out)
    }
}

impl Drop for Acting {
    fn drop(&mut self) {
        // Failing to switch back leaves the process with less power, never
        // more: nothing to do about it here.
        let _ = setresuid(self.uid.real, self.uid.effective, self.uid.saved);
        let _ = setresgid(self.gid.real, self.gid.effective, self.gid.saved);
        let _ = setgroups(&self.groups);
        let _ = rustix::process::fchdir(&self.cwd);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn chmod(p: &Path, mode: u32) {
        fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn group_or_world_writable_directories_are_untrusted_unless_sticky_above() {
        let me = rustix::process::geteuid().as_raw();
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("tls");
        fs::create_dir(&dir).unwrap();
        chmod(d.path(), 0o755);
        chmod(&dir, 0o755);
        assert_eq!(untrusted(&dir, me).unwrap(), None);
        assert_eq!(untrusted(&dir.join("new"), me).unwrap(), None, "to be made");
        // The directory itself: never writable by others, sticky or not.
        for mode in [0o775, 0o757, 0o1777] {
            chmod(&dir, mode);
            let why = untrusted(&dir, me).unwrap().expect("refused");
            assert!(why.contains(&format!("({mode:04o})")), "{why}");
        }
        chmod(&dir, 0o755);
        // A directory above it: only with the sticky bit, as /tmp has.
        chmod(d.path(), 0o777);
        assert!(untrusted(&dir, me).unwrap().is_some());
        chmod(d.path(), 0o1777);
        assert_eq!(untrusted(&dir, me).unwrap(), None);
        chmod(d.path(), 0o700);
    }

    #[test]
    fn a_directory_of_another_user_is_untrusted_unless_that_user_writes() {
        if !rustix::process::geteuid().is_root() {
            assert!(
                std::env::var_os("CI").is_none(),
                "chown needs root under CI"
            );
            eprintln!("SKIP: chown needs root");
            return;
        }
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("tls");
        fs::create_dir(&dir).unwrap();
        std::os::unix::fs::chown(&dir, Some(65534), Some(65534)).unwrap();
        let why = untrusted(&dir, 0).unwrap().expect("refused for root");
        assert!(why.ends_with("tls belongs to nobody"), "{why}");
        assert_eq!(untrusted(&dir, 65534).unwrap(), None);
        let below = dir.join("sub");
        fs::create_dir(&below).unwrap();
        assert!(
            untrusted(&below, 0).unwrap().is_some(),
            "an ancestor is theirs"
        );
    }
}
