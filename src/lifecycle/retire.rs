//! Retiring a bundle: the server or user gets no certificate any more. Its
//! certificate is revoked (unless it already is) and its directory moves
//! to `old_keys/<UTC timestamp>/`, with the index, in one transaction under
//! the lock: a refused or killed retire leaves the bundle and the index as
//! they were, or both retired. Nothing is deleted.
//!
//! Everything is decided under the lock, so that a renewal, a revocation or
//! another retire running at the same time is either done before (and
//! retire takes the bundle as it left it) or refused after (a renewal
//! re-checks under the lock that the certificate it replaces is still
//! valid).

use std::path::PathBuf;

use time::OffsetDateTime;

use crate::bundle::{BundleId, find, read_leaf};
use crate::cert::CertSummary;
use crate::error::{Error, Result};
use crate::index::{Entry, Reason, Status};
use crate::kind::Kind;
use crate::store::Store;

/// A bundle retired.
#[derive(Clone, Debug)]
pub struct Retired {
    pub bundle: BundleId,
    /// The certificate the bundle held.
    pub certificate: CertSummary,
    /// Its index line as it now reads (revoked).
    pub entry: Entry,
    /// False when the index already recorded it revoked: its date and
    /// reason were kept.
    pub newly_revoked: bool,
    /// Where the bundle directory went: `old_keys/<UTC timestamp>/servers/NAME`
    /// or `.../users/NAME`.
    pub archived: PathBuf,
}

/// Retires bundle `name` of `kind` at `now`: revokes its certificate with
/// `reason` unless the index already records it revoked, and archives the
/// bundle directory. Refused, with nothing written: no CA, no such bundle,
/// a link or a file where the bundle should be, a bundle without a
/// readable certificate, or a certificate the index does not record.
pub fn retire(
    store: &Store,
    kind: Kind,
    name: &str,
    reason: Reason,
    now: OffsetDateTime,
) -> Result<Retired> {
    crate::bundle::check_name(name)?;
    if !store.has_ca() {
        return Err(Error::NoCa(store.root().to_path_buf()));
    }
    let lock = store.lock()?;
    let bundle = match find(store, Some(kind), name) {
        Err(Error::NoSuchBundle(_)) => {
            return Err(Error::NoBundle {
                kind: kind.noun(),
                name: name.to_string(),
                dir: store.root().to_path_buf(),
            });
        }
        found => found?,
    };
    let dir = store.path(&bundle.rel_dir());
    match std::fs::symlink_metadata(&dir) {
        Ok(m) if m.file_type().is_symlink() => return Err(Error::Symlink(dir)),
        Ok(m) if !m.is_dir() => return Err(Error::NotADirectory(dir)),
        Ok(_) => {}
        Err(e) => return Err(Error::io("reading", &dir)(e)),
    }
    let certificate = read_leaf(store, kind, name)?.issued.cert;
    let mut index = lock.read_index()?;
    let pos = index
        .position(&certificate.serial)
        .ok_or_else(|| Error::NotInIndex(certificate.serial.clone()))?;
    let entry = &mut index.entries[pos];
    let newly_revoked = entry.status != Status::Revoked;
    if newly_revoked {
        entry.mark_revoked(reason, now);
    }
    let entry = entry.clone();

    let mut staging = lock.stage(2)?;
    staging.archive_only(dir.clone(), now)?;
    lock.stage_index(&mut staging, &index)?;
    let archive = staging.commit_archiving()?;
    let archived = archive
        .map(|a| a.join(bundle.rel_dir()))
        .ok_or_else(|| Error::io("archiving", &dir)(std::io::Error::other("nothing archived")))?;
    Ok(Retired {
        bundle,
        certificate,
        entry,
        newly_revoked,
        archived,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::init_ca::{CaOptions, init_ca};
    use crate::issue::{BatchOptions, LeafSpec, issue_batch};
    use crate::key_type::{KeyFormat, KeyType};
    use crate::pki::open_ca;
    use time::Duration;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2030-01-01 00:00 UTC);

    fn pki(dir: &std::path::Path) -> Store {
        let store = Store::new(dir);
        let ca = CaOptions::for_tests(3650);
        init_ca(&store, &ca, None, T0).unwrap();
        let ca = open_ca(&store).unwrap();
        let spec = LeafSpec {
            name: "app".into(),
            request: crate::request::client("app", None, &[], None).unwrap(),
        };
        let opts = BatchOptions {
            kind: Kind::User,
            key_type: KeyType::EcdsaP256,
            key_format: KeyFormat::Pkcs8,
            force: false,
        };
        issue_batch(&store, &ca, &[spec], opts, T0, &|| {}).unwrap();
        store
    }

    #[test]
    fn the_certificate_is_revoked_and_the_bundle_archived_with_the_index() {
        let d = tempfile::tempdir().unwrap();
        let store = pki(d.path());
        let serial = read_leaf(&store, Kind::User, "app")
            .unwrap()
            .issued
            .cert
            .serial;
        let when = T0 + Duration::days(1);
        let done = retire(
            &store,
            Kind::User,
            "app",
            Reason::CessationOfOperation,
            when,
        )
        .unwrap();
        assert!(done.newly_revoked);
        assert_eq!(done.certificate.serial, serial);
        assert_eq!(
            done.entry.revocation().unwrap().1,
            Some("cessationOfOperation")
        );
        assert!(!store.path("users/app").exists());
        assert_eq!(
            done.archived,
            store.path("old_keys/2030-01-02T000000Z/users/app")
        );
        assert!(done.archived.join("client-key.pem").exists());
        let index = crate::index::Index::load(&store.index()).unwrap();
        assert_eq!(index.entries[0].status, Status::Revoked);
    }

    #[test]
    fn an_earlier_revocation_is_kept() {
        let d = tempfile::tempdir().unwrap();
        let store = pki(d.path());
        let target = crate::revoke::Target::Bundle("app".into());
        crate::revoke::revoke(&store, &target, Reason::KeyCompromise, T0).unwrap();
        let later = T0 + Duration::days(3);
        let done = retire(
            &store,
            Kind::User,
            "app",
            Reason::CessationOfOperation,
            later,
        )
        .unwrap();
        assert!(!done.newly_revoked);
        assert_eq!(done.entry.revocation(), Some((T0, Some("keyCompromise"))));
    }

    #[test]
    fn refusals_write_nothing() {
        let d = tempfile::tempdir().unwrap();
        let store = pki(d.path());
        let index = std::fs::read(store.index()).unwrap();
        let reason = Reason::CessationOfOperation;
        let err = retire(&store, Kind::Server, "app", reason, T0).unwrap_err();
        assert!(
            matches!(err, Error::NoBundle { kind: "server", .. }),
            "{err:?}"
        );
        let err = retire(&store, Kind::User, "../app", reason, T0).unwrap_err();
        assert!(matches!(err, Error::InvalidName { .. }), "{err:?}");
        // A certificate the index does not record.
        std::fs::write(store.index(), "").unwrap();
        let err = retire(&store, Kind::User, "app", reason, T0).unwrap_err();
        assert!(matches!(err, Error::NotInIndex(_)), "{err:?}");
        std::fs::write(store.index(), &index).unwrap();
        assert!(store.path("users/app/client-cert.pem").exists());
        assert!(!store.path("old_keys").exists());
        assert_eq!(std::fs::read(store.index()).unwrap(), index);
    }
}
