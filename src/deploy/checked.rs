//! A bundle read and checked for delivery to another machine (over SSH):
//! the same checks a local deployment makes before its first write, and
//! the rules for the modes and the directory that the target is held to.

use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use super::bundle::{Bundle, check_still_current, read_bundle};
use super::layout::{Layout, Role};
use crate::cert::CertSummary;
use crate::error::Result;
use crate::kind::Kind;
use crate::store::Store;

/// A checked bundle with the file name each file gets in the layout.
pub struct Checked {
    bundle: Bundle,
    pub names: Vec<&'static str>,
}

impl Checked {
    pub fn certificate(&self) -> &CertSummary {
        &self.bundle.certificate
    }

    /// (role, source, name in the layout, content): CA, certificate, key,
    /// and the CRL when the PKI has one.
    pub fn files(&self) -> impl Iterator<Item = (Role, &Path, &'static str, &[u8])> {
        self.bundle
            .files
            .iter()
            .zip(&self.names)
            .map(|((role, source, content), name)| {
                (*role, source.as_path(), *name, content.as_slice())
            })
    }

    /// Checks the index again (a `revoke`, `retire` or `renew` may have run
    /// since the bundle was read), just before the files leave.
    pub fn recheck(&self, store: &Store, now: OffsetDateTime) -> Result<()> {
        check_still_current(&store.index(), &self.bundle, now)
    }
}

/// Reads and checks `servers/NAME` or `users/NAME` as `deploy` does: the
/// bundle complete, key and certificate a pair, issued by a CA of the CA
/// file, not revoked, superseded or expired, and the CRL current.
pub fn check_bundle(
    store: &Store,
    kind: Kind,
    name: &str,
    layout: Layout,
    now: OffsetDateTime,
) -> Result<Checked> {
    let bundle = read_bundle(store, kind, name, now)?;
    let names = layout.file_names(kind);
    let names = bundle
        .files
        .iter()
        .map(|(role, _, _)| names.of(*role))
        .collect();
    Ok(Checked { bundle, names })
}

/// The mode a deployed file gets without `--owner`: the key 0600 (0640
/// when group-readable) and never more readable than the key it replaces
/// allowed its group; the rest 0644, or the mode of the file replaced.
pub fn mode_for(role: Role, group_readable: bool, replaced: Option<u32>) -> u32 {
    let fresh = match role {
        Role::Key if group_readable => 0o640,
        Role::Key => 0o600,
        _ => 0o644,
    };
    match (role, replaced) {
        (_, None) => fresh,
        (Role::Key, Some(_)) if group_readable => 0o640,
        (Role::Key, Some(old)) => old & 0o640,
        (_, Some(old)) => old & 0o777,
    }
}

/// One directory on the way from the deployment directory up to `/`, as
/// the target reports it.
#[derive(Clone, Debug)]
pub struct Ancestor {
    pub path: PathBuf,
    pub uid: u32,
    /// Permission bits with the sticky bit.
    pub mode: u32,
}

/// Why a deployment directory is not safe to write as user `writer`, when
/// it is not: a directory on the way up (the deployment directory first,
/// when `exists`) that belongs to someone other than root and `writer`, or
/// that its group or others may write (a sticky directory above it, such
/// as /tmp, excepted). `name_of` names a uid.
pub fn untrusted(
    ancestors: &[Ancestor],
    writer: u32,
    exists: bool,
    name_of: &dyn Fn(u32) -> String,
) -> Option<String> {
    for (n, a) in ancestors.iter().enumerate() {
        let itself = n == 0 && exists;
        if a.uid != 0 && a.uid != writer {
            return Some(format!(
                "{} belongs to {}",
                a.path.display(),
                name_of(a.uid)
            ));
        }
        let sticky = a.mode & 0o1000 != 0;
        if a.mode & 0o022 != 0 && (itself || !sticky) {
            return Some(format!(
                "{} is writable by its group or others ({:04o})",
                a.path.display(),
                a.mode & 0o7777
            ));
        }
    }
    None
}
