//! Keeping a PKI alive: renewing bundles from the certificates they hold,
//! replacing them (`--force`, `setup`), retiring them (`retire`), and
//! rolling the CA over (`rotate`).
//! The one layer that combines issuance, the index and the bundles on disk.
//!
//! A renewal is a request rebuilt from the certificate it replaces (subject,
//! subjectAltNames, profile, key type and format, validity length), with the
//! overrides a command was given, issued through
//! [`issue_bundles`](crate::issue::issue_bundles): one transaction that
//! archives the replaced bundles and marks their serials superseded.
//! Everything is read and checked before the first write.

mod rebuild;
mod renew;
mod retire;
mod rotate;
mod setup;

pub use rebuild::{RenewOptions, order_for};
pub use renew::{RenewPlan, RenewResult, Renewal, Renewed, Selection, Skipped, plan, renew};
pub use retire::{Retired, retire};
pub use rotate::{Finished, RotateOptions, Rotated, finish_rotation, rotate_ca};
pub use setup::{BundlePlan, Reissue, plan_bundles};

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::rebuild::key_type_of;
    use super::*;
    use crate::ca::{Ca, CertRequest};
    use crate::error::{Error, Result};
    use crate::init_ca::{CaOptions, init_ca};
    use crate::issue::{BatchOptions, LeafSpec, NewKey, issue_batch};
    use crate::key_type::{KeyFormat, KeyType};
    use crate::keys::{KeyAlgorithm, KeyInfo, format_of as key_format_of};
    use crate::kind::Kind;
    use crate::pki::open_ca;
    use crate::profile::Profile;
    use crate::store::Store;
    use time::macros::datetime;
    use time::{Duration, OffsetDateTime};

    const T0: OffsetDateTime = datetime!(2030-01-01 00:00 UTC);

    #[test]
    fn key_files_are_rewritten_in_their_own_format() {
        let pem = |label: &str| format!("-----BEGIN {label}-----\nAAAA\n-----END {label}-----\n");
        assert_eq!(
            key_format_of(pem("RSA PRIVATE KEY").as_bytes()),
            KeyFormat::Pkcs1
        );
        assert_eq!(
            key_format_of(pem("EC PRIVATE KEY").as_bytes()),
            KeyFormat::Sec1
        );
        assert_eq!(
            key_format_of(pem("PRIVATE KEY").as_bytes()),
            KeyFormat::Pkcs8
        );
        assert_eq!(key_format_of(&[0x30, 0x82]), KeyFormat::Pkcs8);
    }

    #[test]
    fn key_types_certgen_does_not_make_are_refused() {
        let info = |algorithm, bits| KeyInfo { algorithm, bits };
        let p = Path::new("c.pem");
        assert_eq!(
            key_type_of(p, &info(KeyAlgorithm::Rsa, 3072)).unwrap(),
            KeyType::Rsa3072
        );
        assert_eq!(
            key_type_of(p, &info(KeyAlgorithm::Ecdsa, 384)).unwrap(),
            KeyType::EcdsaP384
        );
        let err = key_type_of(p, &info(KeyAlgorithm::Rsa, 1024)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "c.pem: certgen makes no RSA 1024-bit key to replace it"
        );
    }

    /// A PKI at T0 with the users `a` (10 days) and `b` (100 days).
    fn pki(dir: &Path) -> (Store, Ca) {
        let store = Store::new(dir);
        let ca_opts = CaOptions::for_tests(3650);
        init_ca(&store, &ca_opts, None, T0).unwrap();
        let ca = open_ca(&store).unwrap();
        let spec = |name: &str, days| LeafSpec {
            name: name.into(),
            request: crate::request::client(name, None, &[], Some(Duration::days(days))).unwrap(),
        };
        let opts = BatchOptions {
            kind: Kind::User,
            key_type: KeyType::EcdsaP256,
            key_format: KeyFormat::Sec1,
            force: false,
        };
        issue_batch(
            &store,
            &ca,
            &[spec("a", 10), spec("b", 100)],
            opts,
            T0,
            &|| {},
        )
        .unwrap();
        (store, ca)
    }

    #[test]
    fn a_plan_rebuilds_each_request_from_the_certificate_it_replaces() {
        let d = tempfile::tempdir().unwrap();
        let (store, ca) = pki(d.path());
        let now = T0 + Duration::days(5);
        let opts = RenewOptions {
            within: Some(Duration::days(30)),
            ..RenewOptions::default()
        };
        let plan = plan(&store, &Selection::All, &opts, now).unwrap();
        assert_eq!(plan.renew.len(), 1);
        let r = &plan.renew[0];
        assert_eq!(r.bundle.rel_dir(), "users/a");
        assert_eq!(r.order.spec.request.validity, Duration::days(10));
        assert_eq!(r.order.spec.request.profile, Profile::Client);
        assert_eq!(r.order.spec.request.subject.to_string(), "/CN=a");
        assert!(matches!(
            r.order.key,
            NewKey::Generate(KeyType::EcdsaP256, KeyFormat::Sec1)
        ));
        assert_eq!(plan.skipped.len(), 1);
        assert_eq!(plan.skipped[0].reason, crate::bundle::SkipReason::NotDue);

        let done = renew(&store, &ca, plan, now, &|| {}).unwrap();
        let new = &done.renewed[0].leaf.issued.cert;
        assert_eq!(new.not_after, now + Duration::days(10));
        assert_ne!(new.serial, done.renewed[0].replaced.serial);
        assert!(done.archived.is_some());
    }

    #[test]
    fn reuse_key_with_a_key_type_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let (store, _) = pki(d.path());
        let opts = RenewOptions {
            reuse_key: true,
            key_type: Some(KeyType::Ed25519),
            ..RenewOptions::default()
        };
        let err = plan(&store, &Selection::All, &opts, T0).unwrap_err();
        assert!(matches!(err, Error::ReuseKeyWithKeyOptions), "{err:?}");
    }

    #[test]
    fn a_replacement_may_replace_a_revoked_bundle_but_not_one_replaced_meanwhile() {
        use crate::issue::issue_bundles;
        use crate::revoke::{Target, revoke};
        let d = tempfile::tempdir().unwrap();
        let (store, ca) = pki(d.path());
        let unused = || -> Result<CertRequest> { panic!("a certificate exists") };
        let said = RenewOptions::default();
        let key = (KeyType::EcdsaP256, KeyFormat::Pkcs8);
        let order = || order_for(&store, Kind::User, "a", true, &said, unused, key).unwrap();
        // Revoked, then replaced with --force: a new key and certificate.
        let reason = crate::index::Reason::KeyCompromise;
        revoke(&store, &Target::Bundle("a".into()), reason, T0).unwrap();
        let done = issue_bundles(&store, &ca, vec![order()], T0, &|| {}).unwrap();
        assert_eq!(done.leaves.len(), 1);
        // Two replacements that read the same bundle: the second is refused.
        let (first, second) = (order(), order());
        issue_bundles(&store, &ca, vec![first], T0, &|| {}).unwrap();
        let err = issue_bundles(&store, &ca, vec![second], T0, &|| {}).unwrap_err();
        assert!(matches!(err, Error::BundleChanged { .. }), "{err:?}");
    }

    #[test]
    fn a_replacing_order_keeps_what_it_is_not_told() {
        let d = tempfile::tempdir().unwrap();
        let (store, _) = pki(d.path());
        let unused = || -> Result<CertRequest> { panic!("a certificate exists") };
        let said = RenewOptions::default();
        let key = (KeyType::Rsa2048, KeyFormat::Pkcs8);
        let order = order_for(&store, Kind::User, "a", true, &said, unused, key).unwrap();
        assert_eq!(order.spec.request.validity, Duration::days(10));
        assert_eq!(order.spec.request.subject.to_string(), "/CN=a");
        assert!(order.replace);
        assert!(matches!(
            order.key,
            NewKey::Generate(KeyType::EcdsaP256, KeyFormat::Sec1)
        ));

        // A key type SEC1 cannot hold: PKCS#8.
        let said = RenewOptions {
            key_type: Some(KeyType::Rsa2048),
            validity: Some(Duration::days(3)),
            ..RenewOptions::default()
        };
        let order = order_for(&store, Kind::User, "a", true, &said, unused, key).unwrap();
        assert!(matches!(
            order.key,
            NewKey::Generate(KeyType::Rsa2048, KeyFormat::Pkcs8)
        ));
        assert_eq!(order.spec.request.validity, Duration::days(3));

        // Nothing to keep from: the request and key the command made itself.
        let fresh = || crate::request::client("c", None, &[], None);
        let order = order_for(&store, Kind::User, "c", true, &said, fresh, key).unwrap();
        assert_eq!(order.spec.request.validity, Duration::days(1825));
        assert!(matches!(
            order.key,
            NewKey::Generate(KeyType::Rsa2048, KeyFormat::Pkcs8)
        ));
    }
}
