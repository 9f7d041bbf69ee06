//! `deploy --to [USER@]HOST:DIR`: the bundle checked here, the directory
//! looked at there (read-only), every refusal decided before the first
//! write, then the files sent on standard input to the transaction script
//! (`apply.sh`), which stages and syncs them before its journal names them.

use std::path::PathBuf;

use time::OffsetDateTime;

use super::probe::{Entry, Probe};
use super::session::Ssh;
use super::target::SshTarget;
use crate::cert::CertSummary;
use crate::deploy::{Layout, Role, check_bundle, mode_for, untrusted};
use crate::error::{Error, Result};
use crate::kind::Kind;
use crate::store::Store;

const PROBE: &str = include_str!("probe.sh");
const APPLY: &str = include_str!("apply.sh");

/// certgen's own entries in a directory it deploys to over SSH: (name,
/// whether a directory).
const OWN_ENTRIES: [(&str, bool); 4] = [
    (".ssh-lock", true),
    (".ssh-txn", false),
    (".ssh-stage", true),
    (ARCHIVE, true),
];

/// The archive of replaced files; every other own entry is left by a run
/// that has not finished.
const ARCHIVE: &str = "old_keys";

/// What to deploy where.
#[derive(Clone, Debug)]
pub struct RemoteRequest<'a> {
    pub kind: Kind,
    pub name: &'a str,
    pub to: &'a SshTarget,
    pub layout: Layout,
    /// `USER[:GROUP]`, resolved on the target.
    pub owner: Option<&'a str>,
    pub group_readable: bool,
    /// Look and report whether anything would change; write nothing.
    pub dry_run: bool,
}

/// One file as deployed there.
#[derive(Clone, Debug)]
pub struct RemoteFile {
    pub role: Role,
    /// `HOST:DIR/NAME`.
    pub shown: String,
    pub source: PathBuf,
    /// `UID:GID` given to it, or `None` when it is the writing user's.
    pub owner: Option<String>,
    pub mode: u32,
    pub replaced: bool,
}

/// A finished deployment to another machine.
#[derive(Clone, Debug)]
pub struct RemoteDeployment {
    /// The certificate the directory held before (`None`: none, or not one
    /// certgen could read).
    pub found: Option<CertSummary>,
    pub certificate: CertSummary,
    pub target: SshTarget,
    pub created_dir: bool,
    /// False when the directory already held these files with these owners
    /// and modes: nothing was sent.
    pub changed: bool,
    pub files: Vec<RemoteFile>,
    /// `old_keys/<stamp>` under the directory, when files were replaced.
    pub archived: Option<String>,
    /// The user the files were written as, when root acted as the
    /// directory's owner.
    pub written_as: Option<String>,
}

impl RemoteDeployment {
    /// Whether this deployment added a CRL file where there was none: a
    /// server that reads `ssl_crl` only at start needs a restart for it.
    pub fn added_crl(&self) -> bool {
        self.files
            .iter()
            .any(|f| f.role == Role::Crl && !f.replaced)
    }
}

/// The plan a probe leads to: who writes, and each file's owner and mode.
struct Plan {
    as_user: Option<String>,
    make_dir: Option<String>,
    /// Root makes the directory first, then the owner writes it.
    root_makes_dir: bool,
    files: Vec<(Option<String>, u32, bool)>,
    changed: bool,
    /// A run was interrupted there: its journal to complete, or its lock
    /// or staging area to clear.
    unfinished: bool,
}

/// Deploys a bundle to a directory on another machine through `ssh`. The
/// bundle is checked before connecting, the directory before anything is
/// sent; the index is checked again just before the files leave.
pub fn deliver(
    store: &Store,
    ssh: &Ssh,
    req: &RemoteRequest<'_>,
    now: OffsetDateTime,
) -> Result<RemoteDeployment> {
    let checked = check_bundle(store, req.kind, req.name, req.layout, now)?;
    let target = req.to;
    let cert_name = checked
        .files()
        .find(|(role, ..)| *role == Role::Certificate)
        .map(|(_, _, name, _)| name)
        .unwrap_or_default();
    let mut probe_args = vec![target.dir.as_str(), req.owner.unwrap_or(""), cert_name];
    probe_args.extend(checked.names.iter().copied());
    let probe = Probe::parse(&ssh.run(target, PROBE, &probe_args, None, &[])?);
    let plan = plan(&probe, req, &checked)?;
    let mut files: Vec<RemoteFile> = checked
        .files()
        .zip(&plan.files)
        .map(
            |((role, source, name, _), (owner, mode, replaced))| RemoteFile {
                role,
                shown: target.shown(name),
                source: source.to_path_buf(),
                owner: owner.clone(),
                mode: *mode,
                replaced: *replaced,
            },
        )
        .collect();
    let found = (!probe.certificate.is_empty())
        .then(|| {
            let what = target.shown(cert_name);
            crate::encoding::certificate(&what, probe.certificate.as_bytes())
                .and_then(|der| CertSummary::from_der(&what, &der, false))
                .ok()
        })
        .flatten();
    let mut done = RemoteDeployment {
        found,
        certificate: checked.certificate().clone(),
        target: target.clone(),
        created_dir: !probe.exists(),
        changed: plan.changed,
        files: Vec::new(),
        archived: None,
        written_as: plan.as_user.clone(),
    };
    if req.dry_run || (!plan.changed && !plan.unfinished) {
        if !plan.changed {
            files.iter_mut().for_each(|f| f.replaced = false);
        }
        done.files = files;
        return Ok(done);
    }
    checked.recheck(store, now)?;
    let stamp = crate::store::archive_stamp(now)?;
    if plan.root_makes_dir {
        let owner = plan.make_dir.as_deref().unwrap_or("self");
        ssh.run(target, APPLY, &[&target.dir, "-", owner], None, &[])?;
    }
    let make = if plan.root_makes_dir {
        "-"
    } else {
        plan.make_dir.as_deref().unwrap_or("self")
    };
    let mut args: Vec<String> = vec![target.dir.clone(), stamp, make.to_string()];
    let mut input: Vec<&[u8]> = Vec::new();
    if plan.changed {
        for ((_, _, name, content), (owner, mode, _)) in checked.files().zip(&plan.files) {
            args.push(name.to_string());
            args.push(owner.clone().unwrap_or_else(|| "-".into()));
            args.push(format!("{mode:o}"));
            args.push(content.len().to_string());
            input.push(content);
        }
        input.push(b"commit\n");
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = ssh.run(target, APPLY, &args, plan.as_user.as_deref(), &input)?;
    // "busy": nothing to send, and what looked unfinished there is another
    // run's, which is still going.
    if !out
        .lines()
        .any(|l| l == "done" || (!plan.changed && l == "busy"))
    {
        return Err(Error::RemoteRefused {
            target: target.to_string(),
            reason: "the deployment script did not finish".into(),
        });
    }
    done.archived = out
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("archived "))
        .map(str::to_string);
    if !plan.changed {
        // Only an interrupted deployment was completed; the files were
        // already these.
        files.iter_mut().for_each(|f| f.replaced = false);
    }
    done.files = files;
    Ok(done)
}

fn plan(probe: &Probe, req: &RemoteRequest<'_>, checked: &crate::deploy::Checked) -> Result<Plan> {
    let target = req.to;
    let dir_err = |reason: String| Error::UnsafeDeployDir {
        dir: PathBuf::from(target.to_string()),
        reason,
    };
    match probe.dir.as_str() {
        "yes" | "no" => {}
        "link" => return Err(Error::Symlink(PathBuf::from(target.to_string()))),
        "notdir" => return Err(Error::NotADirectory(PathBuf::from(target.to_string()))),
        "" => {
            return Err(Error::RemoteRefused {
                target: target.to_string(),
                reason: "the remote shell did not answer as a POSIX shell with coreutils".into(),
            });
        }
        other => return Err(dir_err(format!("the directory is {other}"))),
    }
    if probe.parent_missing {
        return Err(Error::MissingParent {
            dir: PathBuf::from(target.to_string()),
            parent: PathBuf::from(format!(
                "{}:{}",
                target.destination(),
                parent_dir(&target.dir)
            )),
        });
    }
    if let Some(u) = &probe.no_user {
        return Err(Error::RemoteRefused {
            target: target.to_string(),
            reason: format!("no user {u:?} on that machine"),
        });
    }
    if let Some(g) = &probe.no_group {
        return Err(Error::RemoteRefused {
            target: target.to_string(),
            reason: format!("no group {g:?} on that machine"),
        });
    }
    let exists = probe.exists();
    let (owner_uid, owner_gid) = probe.owner.unwrap_or((None, None));
    let me = probe.me.0;
    // Root writes a directory of another user as that user, as a local
    // deployment does: whoever may write the directory could otherwise
    // swap certgen's entries for links under root.
    let (dir_uid, dir_user) = probe.dir_owner().unwrap_or((me, ""));
    let writer_uid = if me != 0 {
        me
    } else if exists {
        dir_uid
    } else {
        owner_uid.unwrap_or(dir_uid)
    };
    let as_user = (me == 0 && writer_uid != 0).then(|| {
        if exists || owner_uid.is_none() {
            dir_user.to_string()
        } else {
            req.owner
                .and_then(|o| o.split(':').next())
                .unwrap_or_default()
                .to_string()
        }
    });
    if me != 0 && owner_uid.is_some_and(|u| u != me) {
        return Err(Error::ChownNotPermitted {
            owner: req.owner.unwrap_or_default().to_string(),
            why: "only root may give files to another user, and the remote user is not root",
        });
    }
    if me == 0 && writer_uid != 0 && owner_uid.is_some_and(|u| u != writer_uid) {
        return Err(Error::OwnerNotDirOwner {
            dir: PathBuf::from(target.to_string()),
            user: probe.name_of(writer_uid),
            owner: req.owner.unwrap_or_default().to_string(),
            why: "must name that user, or be left out",
        });
    }
    let ancestors: Vec<_> = probe.ancestors.iter().map(|(a, _)| a.clone()).collect();
    // A new directory's parent is judged as root, who makes it there.
    let root_makes_dir = !exists && me == 0 && writer_uid != 0 && dir_uid == 0;
    let judged_as = if root_makes_dir { 0 } else { writer_uid };
    if let Some(reason) = untrusted(&ancestors, judged_as, exists, &|u| probe.name_of(u)) {
        return Err(dir_err(reason));
    }
    for (name, is_dir) in OWN_ENTRIES {
        let shown = target.shown(name);
        match probe.entries.get(name) {
            Some(Entry::Link) => return Err(Error::Symlink(PathBuf::from(shown))),
            Some(Entry::Other) => return Err(Error::NotAFile(PathBuf::from(shown))),
            Some(Entry::Dir { .. }) if !is_dir => {
                return Err(Error::NotAFile(PathBuf::from(shown)));
            }
            Some(Entry::File { .. }) if is_dir => {
                return Err(Error::NotADirectory(PathBuf::from(shown)));
            }
            Some(Entry::Dir { uid } | Entry::File { uid, .. }) if *uid != writer_uid => {
                return Err(dir_err(format!(
                    "{name} belongs to {}, not to {}, who deploys",
                    probe.name_of(*uid),
                    probe.name_of(writer_uid)
                )));
            }
            _ => {}
        }
    }
    let group_spec = |uid: Option<u32>, gid: Option<u32>| match (uid, gid) {
        (Some(u), Some(g)) => Some(format!("{u}:{g}")),
        (Some(u), None) => Some(u.to_string()),
        (None, Some(g)) => Some(format!(":{g}")),
        (None, None) => None,
    };
    let mut changed = false;
    let mut files = Vec::new();
    for (role, _, name, content) in checked.files() {
        let shown = PathBuf::from(target.shown(name));
        let existing = match probe.entries.get(name) {
            Some(Entry::Link) => return Err(Error::Symlink(shown)),
            Some(Entry::Other | Entry::Dir { .. }) => return Err(Error::NotAFile(shown)),
            Some(Entry::File {
                uid,
                gid,
                mode,
                sha256,
            }) => Some((*uid, *gid, *mode, sha256.as_str())),
            None => None,
        };
        let (owner, mode) = if req.owner.is_some() {
            (
                group_spec(owner_uid, owner_gid),
                mode_for(role, req.group_readable, None),
            )
        } else if let Some((uid, gid, mode, _)) = existing {
            (
                Some(format!("{uid}:{gid}")),
                mode_for(role, req.group_readable, Some(mode)),
            )
        } else {
            (None, mode_for(role, req.group_readable, None))
        };
        let same = existing.is_some_and(|(uid, gid, old_mode, sum)| {
            sum == sha256_hex(content)
                && old_mode & 0o7777 == mode
                && owner_uid.is_none_or(|u| u == uid)
                && owner_gid.is_none_or(|g| g == gid)
        });
        changed |= !same;
        files.push((owner, mode, existing.is_some()));
    }
    let make_dir = (!exists)
        .then(|| group_spec(owner_uid, owner_gid))
        .flatten();
    Ok(Plan {
        as_user,
        make_dir,
        root_makes_dir,
        files,
        changed,
        unfinished: OWN_ENTRIES
            .iter()
            .any(|(n, _)| *n != ARCHIVE && probe.entries.contains_key(*n)),
    })
}

fn parent_dir(dir: &str) -> &str {
    match dir.trim_end_matches('/').rsplit_once('/') {
        Some(("", _)) => "/",
        Some((p, _)) => p,
        None => ".",
    }
}

fn sha256_hex(data: &[u8]) -> String {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::APPLY;
    use std::fs;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::process::Command;

    /// Where hard links fail (another filesystem, one without them), the
    /// replaced files are archived by copying each to a `.part` file renamed
    /// into the archive: the archive holds whole copies with their modes,
    /// the new files are in place, and nothing of the copy is left.
    #[test]
    fn without_hard_links_the_replaced_files_are_archived_by_copy() {
        let d = tempfile::tempdir().unwrap();
        // An `ln` that always fails, first on the script's PATH.
        let bin = d.path().join("bin");
        fs::create_dir(&bin).unwrap();
        fs::write(bin.join("ln"), "#!/bin/sh\nexit 1\n").unwrap();
        fs::set_permissions(bin.join("ln"), fs::Permissions::from_mode(0o755)).unwrap();
        let dir = d.path().join("deploy");
        fs::create_dir_all(dir.join(".ssh-stage")).unwrap();
        for (name, mode) in [("cert.pem", 0o644), ("key.pem", 0o600)] {
            fs::write(dir.join(name), format!("old {name}")).unwrap();
            fs::set_permissions(dir.join(name), fs::Permissions::from_mode(mode)).unwrap();
            fs::write(dir.join(".ssh-stage").join(name), format!("new {name}")).unwrap();
        }
        // A run killed once its journal named the staged set.
        let archive = "old_keys/20250101T000000Z";
        fs::write(
            dir.join(".ssh-txn"),
            format!("archive {archive}\nfile cert.pem\nfile key.pem\n"),
        )
        .unwrap();
        let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
        // Without files to send, the run only completes the journal.
        let out = Command::new("sh")
            .args(["-c", APPLY, "certgen"])
            .arg(&dir)
            .args(["20250102T000000Z", "-"])
            .env("PATH", path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            stdout,
            format!("placed cert.pem\nplaced key.pem\narchived {archive}\ndone\n")
        );
        for (name, mode) in [("cert.pem", 0o644), ("key.pem", 0o600)] {
            let live = dir.join(name);
            assert_eq!(fs::read_to_string(&live).unwrap(), format!("new {name}"));
            let old = dir.join(archive).join(name);
            assert_eq!(fs::read_to_string(&old).unwrap(), format!("old {name}"));
            let meta = fs::metadata(&old).unwrap();
            assert_eq!(meta.nlink(), 1, "{name} copied, not linked");
            assert_eq!(meta.mode() & 0o777, mode, "{name} keeps its mode");
        }
        let mut archived: Vec<_> = fs::read_dir(dir.join(archive))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        archived.sort();
        assert_eq!(archived, ["cert.pem", "key.pem"], "no .part file left");
        for own in [".ssh-txn", ".ssh-stage", ".ssh-lock"] {
            assert!(!dir.join(own).exists(), "{own} left");
        }
    }
}
