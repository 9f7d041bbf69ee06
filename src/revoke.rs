//! Revoking certificates: the index line becomes `R` with the revocation
//! date and reason exactly as `openssl ca -revoke -crl_reason` writes them,
//! so `openssl ca -status` and `openssl ca -gencrl` read what certgen wrote.
//!
//! A compromised key is revoked with every certificate of it: `renew
//! --reuse-key` certifies a bundle's key again, so revoking one of its
//! certificates for keyCompromise (the current one, or one a renewal
//! superseded) also revokes the bundle's other certificates of that key,
//! and a certificate already revoked for another reason (`superseded`)
//! keeps its date and gets reason keyCompromise.

use std::collections::HashMap;
use std::path::{Component, Path};

use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

use crate::bundle::{find, read_leaf};
use crate::error::{Error, Result};
use crate::index::{Entry, Index, Reason, Status};
use crate::input::read_file;
use crate::serial::Serial;
use crate::store::{OLD_KEYS, Store};

/// What to revoke.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The certificate a server or user bundle holds, by bundle name.
    Bundle(String),
    /// A certificate by serial number.
    Serial(Serial),
}

/// A certificate just revoked: its index line as it now reads.
#[derive(Clone, Debug)]
pub struct Revoked {
    pub entry: Entry,
    /// The revocation date the index records: `now`, or the earlier date of
    /// a certificate that was already revoked (see [`Revoked::earlier`]).
    pub revoked_at: OffsetDateTime,
    pub reason: Reason,
    /// For a certificate that was already revoked (for keyCompromise, which
    /// replaces another reason and keeps the date): the reason it had,
    /// `superseded` for a renewal's; `Some(None)` when it had none.
    pub earlier: Option<Option<String>>,
    /// For keyCompromise: the other certificates of the same key, revoked
    /// with it (or their reason made keyCompromise), as their index lines
    /// now read.
    pub same_key: Vec<SameKey>,
    /// For keyCompromise: false when the certificate could not be read (its
    /// file and the archive no longer hold it), so its key's other
    /// certificates could not be looked for.
    pub key_known: bool,
}

/// Another certificate of a compromised key.
#[derive(Clone, Debug)]
pub struct SameKey {
    pub entry: Entry,
    /// As [`Revoked::earlier`]: `None` when it was valid until now.
    pub earlier: Option<Option<String>>,
}

/// Marks a certificate revoked in the index at `now`. Everything is checked
/// under the lock before the index is written: an unknown name or serial, or
/// a certificate already revoked (unless for keyCompromise, see the module),
/// leaves the index as it was.
pub fn revoke(
    store: &Store,
    target: &Target,
    reason: Reason,
    now: OffsetDateTime,
) -> Result<Revoked> {
    if !store.has_ca() {
        return Err(Error::NoCa(store.root().to_path_buf()));
    }
    let lock = store.lock()?;
    let mut index = lock.read_index()?;
    let serial = match target {
        Target::Serial(s) => s.clone(),
        Target::Bundle(name) => {
            let id = find(store, None, name)?;
            read_leaf(store, id.kind, &id.name)?.issued.cert.serial
        }
    };
    let pos = index
        .position(&serial)
        .ok_or_else(|| Error::NotInIndex(serial.clone()))?;
    let compromised = reason == Reason::KeyCompromise;
    let (same_key, key_known) = if compromised {
        match same_key(store, &index, pos) {
            Some(found) => (found, true),
            None => (Vec::new(), false),
        }
    } else {
        (Vec::new(), true)
    };
    let entry = &mut index.entries[pos];
    let already = entry.status == Status::Revoked;
    if already && (!compromised || entry.is_key_compromised()) && same_key.is_empty() {
        let revocation = entry.revocation();
        return Err(Error::AlreadyRevoked {
            serial,
            at: revocation.map(|(at, _)| at),
            reason: revocation.and_then(|(_, r)| r).map(str::to_string),
        });
    }
    let earlier = if compromised {
        entry.mark_key_compromised(now)
    } else {
        entry.mark_revoked(reason, now);
        None
    };
    let entry = entry.clone();
    let same_key = same_key
        .into_iter()
        .map(|i| {
            let earlier = index.entries[i].mark_key_compromised(now);
            SameKey {
                entry: index.entries[i].clone(),
                earlier,
            }
        })
        .collect();
    lock.write_index(&index)?;
    Ok(Revoked {
        revoked_at: entry.revocation().map_or(now, |(at, _)| at),
        entry,
        reason,
        earlier,
        same_key,
        key_known,
    })
}

/// The positions of the index entries that certify the key of the one at
/// `pos` and are not yet revoked for keyCompromise: the earlier and later
/// certificates of its bundle (the entries of the same file) whose
/// certificate, in the bundle or in the archive, has the same public key.
/// `None` when the certificate at `pos` cannot be found.
fn same_key(store: &Store, index: &Index, pos: usize) -> Option<Vec<usize>> {
    let target = &index.entries[pos];
    let lineage: Vec<usize> = (0..index.entries.len())
        .filter(|&i| i != pos && index.entries[i].file == target.file)
        .collect();
    let mut wanted: Vec<&Serial> = lineage.iter().map(|&i| &index.entries[i].serial).collect();
    wanted.push(&target.serial);
    let keys = recorded_keys(store, &target.file, &wanted);
    let key = keys.get(&target.serial)?;
    Some(
        lineage
            .into_iter()
            .filter(|&i| {
                let e = &index.entries[i];
                !e.is_key_compromised() && keys.get(&e.serial) == Some(key)
            })
            .collect(),
    )
}

/// The public keys (SubjectPublicKeyInfo, DER) of the certificates of
/// `serials` that `file` holds now or held before a command archived it
/// (`old_keys/<time>/file`).
fn recorded_keys(store: &Store, file: &str, serials: &[&Serial]) -> HashMap<Serial, Vec<u8>> {
    let mut found = HashMap::new();
    let mut add = |path: &Path| {
        if let Some((serial, key)) = serial_and_key(path)
            && serials.contains(&&serial)
        {
            found.insert(serial, key);
        }
    };
    add(&store.path(file));
    let rel = Path::new(file);
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return found;
    }
    let Ok(dirs) = std::fs::read_dir(store.path(OLD_KEYS)) else {
        return found;
    };
    for dir in dirs.flatten() {
        add(&dir.path().join(rel));
    }
    found
}

/// The serial and public key of the certificate in `path`, if it holds one.
fn serial_and_key(path: &Path) -> Option<(Serial, Vec<u8>)> {
    let bytes = read_file(path).ok()?;
    let der = crate::encoding::certificate(&path.display().to_string(), &bytes).ok()?;
    let (_, cert) = X509Certificate::from_der(&der).ok()?;
    Some((
        Serial::from_bytes(cert.tbs_certificate.raw_serial()),
        cert.public_key().raw.to_vec(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Status;
    use crate::init_ca::{CaOptions, init_ca};
    use crate::issue::{BatchOptions, LeafSpec, issue_batch};
    use crate::key_type::{KeyFormat, KeyType};
    use crate::kind::Kind;
    use crate::lifecycle::{RenewOptions, Selection, plan, renew};
    use crate::pki::open_ca;
    use time::Duration;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2030-01-01 00:00 UTC);

    /// A PKI with user bundles `a` and `b`; `a` renewed at T0 + 1 day with
    /// `reuse_key` and `b` renewed with a new key.
    fn pki(dir: &Path) -> (Store, [Serial; 4]) {
        let store = Store::new(dir);
        let ca = CaOptions::for_tests(100);
        init_ca(&store, &ca, None, T0).unwrap();
        let ca = open_ca(&store).unwrap();
        let spec = |name: &str| LeafSpec {
            name: name.into(),
            request: crate::request::client(name, None, &[], Some(Duration::days(10))).unwrap(),
        };
        let opts = BatchOptions {
            kind: Kind::User,
            key_type: KeyType::EcdsaP256,
            key_format: KeyFormat::Pkcs8,
            force: false,
        };
        issue_batch(&store, &ca, &[spec("a"), spec("b")], opts, T0, &|| {}).unwrap();
        let serial = |name: &str| {
            read_leaf(&store, Kind::User, name)
                .unwrap()
                .issued
                .cert
                .serial
        };
        let (a1, b1) = (serial("a"), serial("b"));
        let t1 = T0 + Duration::days(1);
        for (name, reuse_key) in [("a", true), ("b", false)] {
            let selection = Selection::Named(vec![(Some(Kind::User), name.into())]);
            let opts = RenewOptions {
                reuse_key,
                ..RenewOptions::default()
            };
            let p = plan(&store, &selection, &opts, t1).unwrap();
            renew(&store, &ca, p, t1, &|| {}).unwrap();
        }
        let (a2, b2) = (serial("a"), serial("b"));
        (store, [a1, a2, b1, b2])
    }

    fn entry(store: &Store, serial: &Serial) -> Entry {
        let index = Index::load(&store.index()).unwrap();
        index.entries[index.position(serial).unwrap()].clone()
    }

    #[test]
    fn a_superseded_certificate_of_a_reused_key_revokes_the_current_one_with_it() {
        let d = tempfile::tempdir().unwrap();
        let (store, [a1, a2, ..]) = pki(d.path());
        let t2 = T0 + Duration::days(2);
        let done = revoke(
            &store,
            &Target::Serial(a1.clone()),
            Reason::KeyCompromise,
            t2,
        )
        .unwrap();
        // The superseded one keeps the date of its supersession.
        assert_eq!(done.revoked_at, T0 + Duration::days(1));
        assert_eq!(done.earlier, Some(Some("superseded".into())));
        assert!(done.key_known);
        let e = entry(&store, &a1);
        assert_eq!(
            e.revocation(),
            Some((T0 + Duration::days(1), Some("keyCompromise")))
        );
        // The current one, of the same key, is revoked now.
        assert_eq!(done.same_key.len(), 1);
        assert_eq!(done.same_key[0].entry.serial, a2);
        assert_eq!(done.same_key[0].earlier, None);
        let e = entry(&store, &a2);
        assert_eq!(e.status, Status::Revoked);
        assert_eq!(e.revocation(), Some((t2, Some("keyCompromise"))));
        // Nothing is left to do.
        let err = revoke(&store, &Target::Serial(a2), Reason::KeyCompromise, t2).unwrap_err();
        assert!(matches!(err, Error::AlreadyRevoked { .. }), "{err:?}");
    }

    #[test]
    fn a_new_key_is_not_revoked_with_the_old_one() {
        let d = tempfile::tempdir().unwrap();
        let (store, [_, _, b1, b2]) = pki(d.path());
        let t2 = T0 + Duration::days(2);
        let done = revoke(
            &store,
            &Target::Serial(b1.clone()),
            Reason::KeyCompromise,
            t2,
        )
        .unwrap();
        assert!(done.same_key.is_empty());
        assert_eq!(entry(&store, &b2).status, Status::Valid);
        // Another reason than keyCompromise changes nothing of a revoked one.
        let err = revoke(&store, &Target::Serial(b1), Reason::Unspecified, t2).unwrap_err();
        assert!(matches!(err, Error::AlreadyRevoked { .. }), "{err:?}");
    }

    #[test]
    fn the_current_certificate_of_a_reused_key_makes_the_superseded_one_key_compromised() {
        let d = tempfile::tempdir().unwrap();
        let (store, [a1, a2, ..]) = pki(d.path());
        let t2 = T0 + Duration::days(2);
        let done = revoke(
            &store,
            &Target::Bundle("a".into()),
            Reason::KeyCompromise,
            t2,
        )
        .unwrap();
        assert_eq!(done.entry.serial, a2);
        assert_eq!(done.earlier, None);
        assert_eq!(done.revoked_at, t2);
        assert_eq!(done.same_key.len(), 1);
        assert_eq!(done.same_key[0].earlier, Some(Some("superseded".into())));
        assert_eq!(
            entry(&store, &a1).revocation(),
            Some((T0 + Duration::days(1), Some("keyCompromise")))
        );
    }

    #[test]
    fn a_certificate_gone_from_disk_is_revoked_alone() {
        let d = tempfile::tempdir().unwrap();
        let (store, [a1, a2, ..]) = pki(d.path());
        std::fs::remove_dir_all(store.path(OLD_KEYS)).unwrap();
        let t2 = T0 + Duration::days(2);
        let done = revoke(&store, &Target::Serial(a1), Reason::KeyCompromise, t2).unwrap();
        assert!(!done.key_known);
        assert!(done.same_key.is_empty());
        assert_eq!(entry(&store, &a2).status, Status::Valid);
    }
}
