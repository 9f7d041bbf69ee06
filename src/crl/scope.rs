//! Which revoked serials each CA's CRL lists. A CRL speaks for the
//! certificates of the CA that signs it: during a changeover the new CA's
//! lists what it issued, the old CA's what `ca-rotation.txt` records as the
//! old CA's; after `rotate-ca --finish` the old CA's serials (kept in
//! `ca-retired.txt`) are in no CRL.

use std::collections::HashSet;

use crate::error::Result;
use crate::serial::Serial;
use crate::store::{self, Store};

/// Which of the directory's CAs signs a CRL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// The CA (`ca-cert.pem`).
    Current,
    /// The old root of a changeover (`ca-old-cert.pem`).
    Old,
}

/// Which revoked serials each CA's CRL lists.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Serials of CAs no longer trusted.
    retired: HashSet<Serial>,
    old: Old,
}

#[derive(Clone, Debug, Default)]
enum Old {
    /// No changeover: every serial not retired is the CA's.
    #[default]
    None,
    /// A changeover without a record of the old CA's serials (started by a
    /// certgen that wrote none): both CRLs list every serial not retired.
    Unknown,
    /// The old CA's serials.
    Known(HashSet<Serial>),
}

impl Scope {
    /// The scope of the directory as it is now.
    pub fn load(store: &Store) -> Result<Scope> {
        let retired = crate::pki::retired_serials(store)?;
        let changeover = std::fs::symlink_metadata(store.path(store::CA_BUNDLE)).is_ok();
        let old = match (changeover, crate::pki::old_ca_serials(store)) {
            (false, _) => Old::None,
            (true, Some(serials)) => Old::Known(serials),
            (true, None) => Old::Unknown,
        };
        Ok(Scope { retired, old })
    }

    /// The scope once a changeover starts: `old` are the old CA's serials.
    pub fn rotating(retired: HashSet<Serial>, old: HashSet<Serial>) -> Scope {
        Scope {
            retired,
            old: Old::Known(old),
        }
    }

    /// The scope once a changeover is finished: `retired` holds the old
    /// CA's serials too.
    pub fn finished(retired: HashSet<Serial>) -> Scope {
        Scope {
            retired,
            old: Old::None,
        }
    }

    /// Whether the CRL `which` signs lists `serial`.
    pub fn lists(&self, which: Which, serial: &Serial) -> bool {
        if self.retired.contains(serial) {
            return false;
        }
        match (which, &self.old) {
            (Which::Current, Old::Known(old)) => !old.contains(serial),
            (Which::Current, _) => true,
            (Which::Old, Old::Known(old)) => old.contains(serial),
            (Which::Old, Old::Unknown) => true,
            (Which::Old, Old::None) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_ca_lists_its_own_serials_and_none_lists_the_retired() {
        let s = |h: &str| Serial::from_hex(h).unwrap();
        let set = |hs: &[&str]| hs.iter().map(|h| s(h)).collect::<HashSet<_>>();
        let scope = Scope::rotating(set(&["01"]), set(&["01", "02"]));
        assert!(!scope.lists(Which::Current, &s("01")));
        assert!(!scope.lists(Which::Old, &s("01")));
        assert!(scope.lists(Which::Old, &s("02")));
        assert!(!scope.lists(Which::Current, &s("02")));
        assert!(scope.lists(Which::Current, &s("03")));
        assert!(!scope.lists(Which::Old, &s("03")));
        let done = Scope::finished(set(&["01", "02"]));
        assert!(!done.lists(Which::Current, &s("02")));
        assert!(done.lists(Which::Current, &s("03")));
        let unknown = Scope {
            retired: HashSet::new(),
            old: Old::Unknown,
        };
        assert!(unknown.lists(Which::Current, &s("02")) && unknown.lists(Which::Old, &s("02")));
    }
}
