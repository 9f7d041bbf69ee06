//! `USER[:GROUP]` for deployed files: resolved against this system's users
//! and groups (names or numeric ids), and checked before anything is
//! written, so that a chown this process may not do refuses the command
//! instead of failing half way.

use std::fmt;

use nix::unistd::{Gid, Group, Uid, User};

use crate::error::{Error, Result};

/// Who deployed files belong to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    /// `None` (`:GROUP`): the owner is left as it is.
    pub uid: Option<u32>,
    /// `None`: the group is left as it is.
    pub gid: Option<u32>,
    /// As given, for messages.
    spec: String,
}

impl Owner {
    /// Resolves `USER[:GROUP]`, each a name or a numeric id. `USER` alone
    /// also sets the group to the user's login group, as `chown USER:`
    /// does (a numeric id without a user entry leaves the group as it is).
    pub fn resolve(spec: &str) -> Result<Owner> {
        let (user, group) = match spec.split_once(':') {
            Some((u, g)) => (u, Some(g)),
            None => (spec, None),
        };
        let bad = |reason: &str| Error::InvalidName {
            what: "owner",
            value: spec.to_string(),
            reason: reason.to_string(),
        };
        if user.is_empty() && group.is_none_or(str::is_empty) {
            return Err(bad("expected USER, USER:GROUP or :GROUP"));
        }
        let (uid, login_gid) = match user {
            "" => (None, None),
            u => {
                let (uid, gid) = lookup_user(u)?;
                (Some(uid), gid)
            }
        };
        let gid = match group {
            None | Some("") => login_gid,
            Some(g) => Some(lookup_group(g)?),
        };
        Ok(Owner {
            uid,
            gid,
            spec: spec.to_string(),
        })
    }

    /// Refuses an owner or group this process may not give files: another
    /// user needs CAP_CHOWN (root); a group needs CAP_CHOWN or membership.
    pub fn check_permitted(&self) -> Result<()> {
        let may_chown = rustix::thread::capabilities(None)
            .map(|c| c.effective.contains(rustix::thread::CapabilitySet::CHOWN))
            .unwrap_or_else(|_| rustix::process::geteuid().is_root());
        if may_chown {
            return Ok(());
        }
        let refuse = |why| {
            Err(Error::ChownNotPermitted {
                owner: self.spec.clone(),
                why,
            })
        };
        if self
            .uid
            .is_some_and(|u| u != rustix::process::geteuid().as_raw())
        {
            return refuse("only root (CAP_CHOWN) gives files to another user");
        }
        if let Some(gid) = self.gid {
            let member = rustix::process::getegid().as_raw() == gid
                || rustix::process::getgroups()
                    .is_ok_and(|groups| groups.iter().any(|g| g.as_raw() == gid));
            if !member {
                return refuse("this user is not a member of the group, and is not root");
            }
        }
        Ok(())
    }
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.spec)
    }
}

/// A user's id and login group, by name or number.
fn lookup_user(user: &str) -> Result<(u32, Option<u32>)> {
    let lookup_err = |e: nix::Error| Error::OwnerLookup {
        name: user.to_string(),
        source: std::io::Error::from(e),
    };
    if let Ok(uid) = user.parse::<u32>() {
        let entry = User::from_uid(Uid::from_raw(uid)).map_err(lookup_err)?;
        return Ok((uid, entry.map(|u| u.gid.as_raw())));
    }
    match User::from_name(user).map_err(lookup_err)? {
        Some(u) => Ok((u.uid.as_raw(), Some(u.gid.as_raw()))),
        None => Err(Error::UnknownUser(user.to_string())),
    }
}

/// A group's id, by name or number.
fn lookup_group(group: &str) -> Result<u32> {
    if let Ok(gid) = group.parse::<u32>() {
        return Ok(gid);
    }
    match Group::from_name(group) {
        Ok(Some(g)) => Ok(g.gid.as_raw()),
        Ok(None) => Err(Error::UnknownGroup(group.to_string())),
        Err(e) => Err(Error::OwnerLookup {
            name: group.to_string(),
            source: std::io::Error::from(e),
        }),
    }
}

/// The name of user `uid`, when it has one.
pub fn user_name(uid: u32) -> Option<String> {
    User::from_uid(Uid::from_raw(uid))
        .ok()
        .flatten()
        .map(|u| u.name)
}

/// The name of group `gid`, when it has one.
pub fn group_name(gid: u32) -> Option<String> {
    Group::from_gid(Gid::from_raw(gid))
        .ok()
        .flatten()
        .map(|g| g.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_resolve_and_a_user_alone_brings_its_login_group() {
        let root = Owner::resolve("root").unwrap();
        assert_eq!((root.uid, root.gid), (Some(0), Some(0)));
        let numeric = Owner::resolve("0:0").unwrap();
        assert_eq!((numeric.uid, numeric.gid), (Some(0), Some(0)));
        let group_only = Owner::resolve(":0").unwrap();
        assert_eq!((group_only.uid, group_only.gid), (None, Some(0)));
        // A number without a user entry is taken as it is, as chown takes it.
        let unnamed = Owner::resolve("4000000").unwrap();
        assert_eq!((unnamed.uid, unnamed.gid), (Some(4_000_000), None));
        assert_eq!(root.to_string(), "root");
    }

    #[test]
    fn unknown_names_and_empty_specs_are_refused() {
        assert!(matches!(
            Owner::resolve("no-such-user-certgen"),
            Err(Error::UnknownUser(u)) if u == "no-such-user-certgen"
        ));
        assert!(matches!(
            Owner::resolve("root:no-such-group-certgen"),
            Err(Error::UnknownGroup(g)) if g == "no-such-group-certgen"
        ));
        for bad in ["", ":"] {
            assert!(
                matches!(Owner::resolve(bad), Err(Error::InvalidName { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_own_user_and_group_are_always_permitted() {
        let me = Owner {
            uid: Some(rustix::process::geteuid().as_raw()),
            gid: Some(rustix::process::getegid().as_raw()),
            spec: "me".into(),
        };
        me.check_permitted().unwrap();
    }
}
