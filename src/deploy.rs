//! Deploying a bundle where a database server or client looks for it: the
//! layouts (which file names each one expects), who owns the files and
//! their modes, and the checks that come before the first write.
//!
//! A deployment directory gets what the PKI directory has: its own lock,
//! staging area and journal, and `old_keys/<UTC timestamp>/` for what a
//! deployment replaces. A `deploy` killed before its journal was written
//! leaves the whole old set; killed after, it can leave part of the old set
//! archived and part of the new one renamed in, and the next `deploy` to
//! the same directory, before anything else, completes that journal when
//! every new file is still staged or in place, and otherwise undoes it,
//! moving the archived files back: once it is done, the directory holds
//! the whole old set or the whole new one, never the key of one deployment
//! with the certificate of another.
//!
//! Security: whoever may write the directory (usually the database's user)
//! may plant its journal, lock or links in place of `.tmp` and `old_keys`.
//! Root therefore does the whole write phase of a directory that belongs to
//! another user as that user (see `identity`), and every deployment refuses
//! a directory that anyone else could change, certgen's own entries that
//! are links or belong to someone else, a journal whose paths leave the
//! directory (`store::txn`), and a lock held for more than `LOCK_WAIT`.
//! Acting as the owner rather than refusing keeps the main use working:
//! root deploying into `/home/alice/.postgresql` for alice.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::cert::CertSummary;
use crate::error::{Error, Result};
use crate::kind::Kind;
use crate::store::{self, Perms, Store};

mod bundle;
mod checked;
mod identity;
mod kubernetes;
mod layout;
mod locate;
mod owner;
use bundle::{Bundle, check_still_current, read_bundle};
pub use checked::{Ancestor, Checked, check_bundle, mode_for, untrusted};
pub use kubernetes::{check_object_name, secret_manifest, write_manifest};
pub use layout::{FileNames, Layout, Role};
pub use locate::{Located, locate};
pub use owner::{Owner, group_name, user_name};

/// What to deploy where.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    pub kind: Kind,
    /// The bundle: `servers/NAME` or `users/NAME` in the PKI directory.
    pub name: &'a str,
    /// The deployment directory; its parent must exist.
    pub to: &'a Path,
    pub layout: Layout,
    /// Who the files (and the directory, when it is created) belong to;
    /// `None` keeps the owner, group and mode of the files replaced.
    pub owner: Option<&'a Owner>,
    /// The key 0640 instead of 0600.
    pub group_readable: bool,
}

/// One file as deployed.
#[derive(Clone, Debug)]
pub struct DeployedFile {
    pub role: Role,
    pub path: PathBuf,
    /// The file of the PKI directory it is a copy of.
    pub source: PathBuf,
    pub uid: u32,
    pub gid: u32,
    /// Permission bits.
    pub mode: u32,
    /// Whether it replaced a file (archived under `old_keys/`).
    pub replaced: bool,
}

/// A finished deployment.
#[derive(Clone, Debug)]
pub struct Deployment {
    pub certificate: CertSummary,
    pub dir: PathBuf,
    /// Whether the directory was created.
    pub created_dir: bool,
    /// False when the directory already held these files with these owners
    /// and modes: nothing was written or archived.
    pub changed: bool,
    /// CA, certificate, key, in that order, and the CRL file when the PKI
    /// has one.
    pub files: Vec<DeployedFile>,
    /// `old_keys/<UTC timestamp>` under the directory, when files were replaced.
    pub archived: Option<PathBuf>,
}

/// Copies a bundle into `req.to` as one transaction. Everything is checked
/// before the first write: the owner may be given, the bundle is complete,
/// its key matches its certificate, a CA of the CA file issued it, the index
/// does not record it revoked and it has not expired at `now`; the directory
/// is not a link, is outside the PKI directory, and no file it would replace
/// is a link or anything but a regular file; nobody but root and the user
/// who writes it can change it or a directory above it.
///
/// Run as root for a directory of another user (one that exists, or the
/// `--owner` of one to be made, or the owner of the directory it is made
/// in), the write phase runs as that user (see `identity`), and `--owner`
/// may name only them and their groups.
pub fn deploy(store: &Store, req: &Request<'_>, now: OffsetDateTime) -> Result<Deployment> {
    if let Some(owner) = req.owner {
        owner.check_permitted()?;
    }
    let bundle = read_bundle(store, req.kind, req.name, now)?;
    let index = std::path::absolute(store.index()).map_err(Error::io("reading", store.index()))?;
    let exists = check_target(store, req.to)?;
    let layout = req.layout.file_names(req.kind);
    let names: Vec<&str> = bundle
        .files
        .iter()
        .map(|(role, _, _)| layout.of(*role))
        .collect();
    let dests: Vec<PathBuf> = names.iter().map(|n| req.to.join(n)).collect();
    for dest in &dests {
        match fs::symlink_metadata(dest) {
            Ok(m) if m.file_type().is_symlink() => return Err(Error::Symlink(dest.clone())),
            Ok(m) if !m.is_file() => return Err(Error::NotAFile(dest.clone())),
            _ => {}
        }
    }
    let dir_perms = Perms {
        uid: req.owner.and_then(|o| o.uid),
        gid: req.owner.and_then(|o| o.gid),
        mode: 0o755,
    };
    let published = match writer(req, exists)? {
        None => {
            let euid = rustix::process::geteuid().as_raw();
            if let Some(reason) = identity::untrusted(req.to, euid)? {
                return Err(Error::UnsafeDeployDir {
                    dir: req.to.to_path_buf(),
                    reason,
                });
            }
            if !exists {
                store::create_dir(req.to, dir_perms)?;
            }
            let recheck = || check_still_current(&index, &bundle, now);
            publish(req, req.to, &bundle, &dests, now, &recheck)?
        }
        Some(actor) => {
            if let Some(reason) = identity::untrusted(req.to, actor.uid)? {
                return Err(Error::UnsafeDeployDir {
                    dir: req.to.to_path_buf(),
                    reason,
                });
            }
            // Root makes the directory only where nobody else could swap it.
            let made_by_root = !exists && identity::untrusted(req.to, 0)?.is_none();
            if made_by_root {
                store::create_dir(req.to, dir_perms)?;
            }
            let opened = if exists || made_by_root {
                req.to.to_path_buf()
            } else {
                parent_of(req.to)
            };
            let fd = identity::open_dir(&opened)?;
            let m = rustix::fs::fstat(&fd).map_err(|e| Error::io("reading", &opened)(e.into()))?;
            if (exists || made_by_root) && m.st_uid != actor.uid {
                return Err(Error::UnsafeDeployDir {
                    dir: req.to.to_path_buf(),
                    reason: "it was replaced while certgen checked it".into(),
                });
            }
            let acting = identity::act_as(&actor, &fd, req.to)?;
            if !(exists || made_by_root) {
                let name = req.to.file_name().map(Path::new).unwrap_or(req.to);
                store::create_dir(name, dir_perms)?;
                let made = identity::open_dir(name)?;
                rustix::process::fchdir(&made)
                    .map_err(|e| Error::io("opening", req.to)(e.into()))?;
            }
            let here: Vec<PathBuf> = names.iter().map(|n| Path::new(".").join(n)).collect();
            // The index is root's to read, as everything in the PKI directory.
            let recheck = || {
                acting
                    .with_own_ids(|| check_still_current(&index, &bundle, now))
                    .map_err(|e| Error::io("reading", &index)(e))?
            };
            let published = publish(req, Path::new("."), &bundle, &here, now, &recheck);
            drop(acting);
            let mut published = published.map_err(|e| shown_under(e, req.to))?;
            published.archived = published
                .archived
                .map(|a| req.to.join(a.strip_prefix(".").unwrap_or(&a)));
            published
        }
    };
    let files = bundle
        .files
        .into_iter()
        .zip(dests)
        .zip(published.replaced)
        .map(|(((role, source, _), path), replaced)| {
            let m = fs::symlink_metadata(&path).map_err(Error::io("reading", &path))?;
            Ok(DeployedFile {
                role,
                path,
                source,
                uid: m.uid(),
                gid: m.gid(),
                mode: m.mode() & 0o7777,
                replaced,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Deployment {
        certificate: bundle.certificate,
        dir: req.to.to_path_buf(),
        created_dir: !exists,
        changed: published.changed,
        files,
        archived: published.archived,
    })
}

impl Deployment {
    /// Where the file of `role` was deployed; `None` for a CRL when the PKI
    /// has none.
    pub fn path(&self, role: Role) -> Option<&Path> {
        self.files
            .iter()
            .find(|f| f.role == role)
            .map(|f| f.path.as_path())
    }
}

/// `e` with the paths relative to the directory the write phase works in
/// (`./NAME`) shown under `to`, as the user named it.
fn shown_under(e: Error, to: &Path) -> Error {
    let show = |p: PathBuf| match p.strip_prefix(".") {
        Ok(rest) => to.join(rest),
        Err(_) => p,
    };
    match e {
        Error::Io {
            action,
            path,
            source,
        } => Error::Io {
            action,
            path: show(path),
            source,
        },
        Error::BadJournal { path, reason } => Error::BadJournal {
            path: show(path),
            reason,
        },
        Error::Symlink(p) => Error::Symlink(show(p)),
        Error::Exists(p) => Error::Exists(show(p)),
        Error::NotAFile(p) => Error::NotAFile(show(p)),
        Error::NotADirectory(p) => Error::NotADirectory(show(p)),
        e => e,
    }
}

fn parent_of(dir: &Path) -> PathBuf {
    match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The user root writes `req.to` as, when that is not root: the owner of
/// the directory, else (it is made) the `--owner` user, else the owner of
/// the directory it is made in. `None` when certgen does not run as root,
/// or that user is root. Refuses an `--owner` that user may not give.
fn writer(req: &Request<'_>, exists: bool) -> Result<Option<identity::Actor>> {
    if !rustix::process::geteuid().is_root() {
        return Ok(None);
    }
    let meta = |p: &Path| fs::metadata(p).map_err(Error::io("reading", p));
    let (uid, gid) = if exists {
        let m = meta(req.to)?;
        (m.uid(), m.gid())
    } else {
        let m = meta(&parent_of(req.to))?;
        match req.owner.and_then(|o| o.uid) {
            Some(uid) => (uid, req.owner.and_then(|o| o.gid).unwrap_or(m.gid())),
            None => (m.uid(), m.gid()),
        }
    };
    if uid == 0 {
        return Ok(None);
    }
    let mut actor = identity::Actor::of(uid, gid)?;
    if let Some(owner) = req.owner {
        let refuse = |why| Error::OwnerNotDirOwner {
            dir: req.to.to_path_buf(),
            user: actor.name.clone(),
            owner: owner.to_string(),
            why,
        };
        if owner.uid.is_some_and(|u| u != uid) {
            return Err(refuse("must name that user, or be left out"));
        }
        if let Some(gid) = owner.gid {
            if !actor.is_member(gid) {
                return Err(refuse("names a group that user is not a member of"));
            }
            actor.gid = gid;
        }
    }
    Ok(Some(actor))
}

/// What [`publish`] did.
struct Published {
    changed: bool,
    /// Per file: whether it replaced one.
    replaced: Vec<bool>,
    archived: Option<PathBuf>,
}

/// certgen's own entries in a deployment directory: (name, a directory).
const OWN_ENTRIES: [(&str, bool); 4] = [
    (store::LOCK, false),
    (store::JOURNAL, false),
    (store::TMP, true),
    (store::OLD_KEYS, true),
];

/// How long a deployment waits for another one holding the directory's lock.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Under the deployment directory `dir`'s lock (which first completes or
/// undoes a deployment that was killed), checks the bundle again with
/// `recheck` (the index may have changed while the lock was waited for),
/// then stages the bundle's files and commits them as one transaction,
/// unless the directory already holds them. certgen's own entries must be
/// what it makes: not links, and the writing user's; the lock is waited
/// for [`LOCK_WAIT`] at most.
fn publish(
    req: &Request<'_>,
    dir: &Path,
    bundle: &Bundle,
    dests: &[PathBuf],
    now: OffsetDateTime,
    recheck: &dyn Fn() -> Result<()>,
) -> Result<Published> {
    let euid = rustix::process::geteuid().as_raw();
    for (name, is_dir) in OWN_ENTRIES {
        let path = dir.join(name);
        let shown = req.to.join(name);
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => return Err(Error::Symlink(shown)),
            Ok(m) if m.uid() != euid => {
                let who = |u| user_name(u).unwrap_or_else(|| u.to_string());
                return Err(Error::UnsafeDeployDir {
                    dir: req.to.to_path_buf(),
                    reason: format!(
                        "{name} belongs to {}, not to {}, who deploys",
                        who(m.uid()),
                        who(euid)
                    ),
                });
            }
            Ok(m) if is_dir && !m.is_dir() => return Err(Error::NotADirectory(shown)),
            Ok(m) if !is_dir && !m.is_file() => return Err(Error::NotAFile(shown)),
            _ => {}
        }
    }
    let store = Store::new(dir);
    let started = std::time::Instant::now();
    let lock = loop {
        if let Some(lock) = store.try_lock()? {
            break lock;
        }
        if started.elapsed() >= LOCK_WAIT {
            return Err(Error::Locked {
                path: req.to.join(store::LOCK),
                seconds: LOCK_WAIT.as_secs(),
            });
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    recheck()?;
    let perms = bundle
        .files
        .iter()
        .zip(dests)
        .map(|((role, _, _), dest)| perms_for(*role, dest, req))
        .collect::<Result<Vec<_>>>()?;
    let changed = !bundle
        .files
        .iter()
        .zip(dests)
        .zip(&perms)
        .all(|(((_, _, content), dest), p)| holds(dest, content, *p));
    let mut replaced = vec![false; dests.len()];
    if !changed {
        return Ok(Published {
            changed,
            replaced,
            archived: None,
        });
    }
    let mut staging = lock.stage(dests.len())?;
    for ((((_, _, content), dest), p), replaced) in bundle
        .files
        .iter()
        .zip(dests)
        .zip(&perms)
        .zip(&mut replaced)
    {
        *replaced = fs::symlink_metadata(dest).is_ok();
        staging.replace_archived_as(dest.clone(), content, *p, now)?;
    }
    let archived = staging.commit_archiving()?;
    Ok(Published {
        changed,
        replaced,
        archived,
    })
}

/// Whether `dest` already holds `content` with `perms`: deploying the same
/// bundle again then changes nothing and archives nothing.
fn holds(dest: &Path, content: &[u8], perms: Perms) -> bool {
    let Ok(m) = fs::symlink_metadata(dest) else {
        return false;
    };
    m.is_file()
        && perms.uid.is_none_or(|u| u == m.uid())
        && perms.gid.is_none_or(|g| g == m.gid())
        && m.mode() & 0o7777 == perms.mode
        && crate::input::read_file(dest).is_ok_and(|old| Zeroizing::new(old).as_slice() == content)
}

/// The owner, group and mode a deployed file gets: `--owner`'s, else those
/// of the file it replaces (a key never more readable than 0640), else the
/// caller's. Keys are 0600, 0640 when group-readable; the rest (the CA file,
/// the certificate, the CRL) 0644.
fn perms_for(role: Role, dest: &Path, req: &Request<'_>) -> Result<Perms> {
    if let Some(owner) = req.owner {
        return Ok(Perms {
            uid: owner.uid,
            gid: owner.gid,
            mode: mode_for(role, req.group_readable, None),
        });
    }
    match fs::symlink_metadata(dest) {
        Ok(m) => Ok(Perms {
            uid: Some(m.uid()),
            gid: Some(m.gid()),
            mode: mode_for(role, req.group_readable, Some(m.mode())),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Perms {
            uid: None,
            gid: None,
            mode: mode_for(role, req.group_readable, None),
        }),
        Err(e) => Err(Error::io("reading", dest)(e)),
    }
}

/// Checks the deployment directory: not a link, a directory if it exists,
/// else its parent exists; never inside the PKI directory. Returns whether
/// it exists.
fn check_target(store: &Store, to: &Path) -> Result<bool> {
    Ok(store.outside_dir(to)?.exists)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_each_layout_names_four_distinct_files() {
        for layout in Layout::ALL {
            assert_eq!(Layout::from_name(layout.name()), Some(layout));
            for kind in [Kind::Server, Kind::User] {
                let n = layout.file_names(kind);
                let names = [n.ca, n.cert, n.key, n.crl];
                for (i, a) in names.iter().enumerate() {
                    assert!(!names[i + 1..].contains(a), "{layout} {a}");
                }
            }
        }
        // libpq reads ~/.postgresql/root.crl when it is there.
        assert_eq!(Layout::Postgres.file_names(Kind::User).crl, "root.crl");
        assert_eq!(Layout::from_name("Plain"), None);
    }

    #[test]
    fn postgres_and_engineyard_use_the_names_clients_look_for() {
        let pg = Layout::Postgres.file_names(Kind::User);
        assert_eq!(
            (pg.ca, pg.cert, pg.key),
            ("root.crt", "postgresql.crt", "postgresql.key")
        );
        let pg = Layout::Postgres.file_names(Kind::Server);
        assert_eq!((pg.cert, pg.key), ("server.crt", "server.key"));
        let ey = Layout::Engineyard.file_names(Kind::User);
        assert_eq!(
            (ey.ca, ey.cert, ey.key),
            ("root.crt", "mysql.crt", "mysql.key")
        );
    }
}
