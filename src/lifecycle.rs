//! Keeping a PKI alive: renewing bundles from the certificates they hold,
//! and rolling the CA over (`rotate`).
//!
//! A renewal is a request rebuilt from the certificate it replaces (subject,
//! subjectAltNames, profile, key type and format, validity length), with the
//! overrides a command was given, issued through
//! [`issue_bundles`](crate::issue::issue_bundles): one transaction that
//! archives the replaced bundles and marks their serials superseded.
//! Everything is read and checked before the first write.

use std::path::{Path, PathBuf};

mod rotate;
pub use rotate::{Finished, RotateOptions, Rotated, finish_rotation, rotate_ca};

use time::{Duration, OffsetDateTime};
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;
use zeroize::Zeroizing;

use crate::ca::{CLOCK_SKEW, Ca, CertRequest};
use crate::cert::CertSummary;
use crate::error::{Error, Expected, Result};
use crate::index::{Index, Status};
use crate::input::read_file;
use crate::issue::{
    BatchResult, BundleOrder, Kind, LeafSpec, NewKey, check_bundle_name, existing_leaf,
    issue_bundles,
};
use crate::keys::{KeyAlgorithm, KeyFormat, KeyInfo, KeyType, PrivateKey, check_format};
use crate::name::{San, Subject};
use crate::profile::Profile;
use crate::store::{self, Store};

/// A server or user bundle, by kind and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleId {
    pub kind: Kind,
    pub name: String,
}

impl BundleId {
    /// `servers/NAME` or `users/NAME`.
    pub fn rel_dir(&self) -> String {
        self.kind.rel_dir(&self.name)
    }
}

/// Which bundles to renew.
#[derive(Clone, Debug)]
pub enum Selection {
    /// Every bundle under `servers/` and `users/`; bundles whose certificate
    /// is revoked are skipped, not refused.
    All,
    /// Bundles by name: `None` looks under both `servers/` and `users/`, and
    /// a name found in both is ambiguous.
    Named(Vec<(Option<Kind>, String)>),
}

/// What a renewal changes from the certificate it replaces; `None` keeps it.
#[derive(Clone, Debug, Default)]
pub struct RenewOptions {
    /// Renew only certificates that expire within this time from now.
    pub within: Option<Duration>,
    /// Keep each bundle's key (the key file is written again unchanged).
    pub reuse_key: bool,
    pub subject: Option<Subject>,
    pub sans: Option<Vec<San>>,
    pub profile: Option<Profile>,
    pub validity: Option<Duration>,
    pub key_type: Option<KeyType>,
    pub key_format: Option<KeyFormat>,
}

/// Why a selected bundle is left as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// It expires later than `within`.
    NotDue,
    /// Its certificate is revoked (with [`Selection::All`] only).
    Revoked,
}

/// A bundle left as it is.
#[derive(Clone, Debug)]
pub struct Skipped {
    pub bundle: BundleId,
    pub certificate: CertSummary,
    pub reason: SkipReason,
}

/// One bundle to renew: the certificate it holds and the order that replaces it.
#[derive(Debug)]
pub struct Renewal {
    pub bundle: BundleId,
    pub replaces: CertSummary,
    order: BundleOrder,
}

/// What [`plan`] decided.
#[derive(Debug, Default)]
pub struct RenewPlan {
    pub renew: Vec<Renewal>,
    pub skipped: Vec<Skipped>,
}

/// A bundle renewed: what it holds now and what it held.
#[derive(Debug)]
pub struct Renewed {
    pub kind: Kind,
    pub leaf: crate::issue::LeafIssued,
    pub replaced: CertSummary,
}

/// What [`renew`] did.
#[derive(Debug)]
pub struct RenewResult {
    pub renewed: Vec<Renewed>,
    /// Where the replaced bundles went.
    pub archived: Option<PathBuf>,
}

/// Reads and checks every selected bundle and builds its new request,
/// writing nothing: a bundle that is missing, incomplete, unreadable, whose
/// key does not match its certificate, that another CA issued or (named
/// explicitly) whose certificate is revoked refuses the whole renewal.
pub fn plan(
    store: &Store,
    ca: &Ca,
    selection: &Selection,
    opts: &RenewOptions,
    now: OffsetDateTime,
) -> Result<RenewPlan> {
    store.recover()?;
    if opts.reuse_key && (opts.key_type.is_some() || opts.key_format.is_some()) {
        return Err(Error::ReuseKeyWithKeyOptions);
    }
    let (bundles, all) = match selection {
        Selection::All => (all_bundles(store)?, true),
        Selection::Named(names) => (resolve(store, names)?, false),
    };
    let index = Index::load(&store.index())?;
    let revoked: std::collections::HashSet<&crate::index::Serial> = index
        .entries
        .iter()
        .filter(|e| e.status == Status::Revoked)
        .map(|e| &e.serial)
        .collect();
    let issuers = issuer_certs(store, ca)?;
    let mut plan = RenewPlan::default();
    for bundle in bundles {
        let current = read_bundle(store, &bundle, &issuers)?;
        let cert = current.certificate.clone();
        let revoked = revoked.contains(&cert.serial);
        let skip = if revoked && all {
            Some(SkipReason::Revoked)
        } else if revoked {
            return Err(Error::BundleRevoked {
                bundle: bundle.rel_dir(),
                serial: cert.serial,
            });
        } else if opts.within.is_some_and(|w| cert.not_after - now > w) {
            Some(SkipReason::NotDue)
        } else {
            None
        };
        if let Some(reason) = skip {
            plan.skipped.push(Skipped {
                bundle,
                certificate: cert,
                reason,
            });
            continue;
        }
        let order = rebuild(&bundle, current, opts)?;
        ca.check_request(&order.spec.request, now)?;
        plan.renew.push(Renewal {
            bundle,
            replaces: cert,
            order,
        });
    }
    Ok(plan)
}

/// Issues the planned renewals in one transaction: every bundle is replaced
/// (the old one archived under `old_keys/`, its serial superseded), or none.
/// `progress` is called once per key made.
pub fn renew(
    store: &Store,
    ca: &Ca,
    plan: RenewPlan,
    now: OffsetDateTime,
    progress: &(dyn Fn() + Sync),
) -> Result<RenewResult> {
    if plan.renew.is_empty() {
        return Ok(RenewResult {
            renewed: Vec::new(),
            archived: None,
        });
    }
    let (orders, olds): (Vec<BundleOrder>, Vec<(Kind, CertSummary)>) = plan
        .renew
        .into_iter()
        .map(|r| (r.order, (r.bundle.kind, r.replaces)))
        .unzip();
    let BatchResult { leaves, archived } = issue_bundles(store, ca, orders, now, progress)?;
    let renewed = leaves
        .into_iter()
        .zip(olds)
        .map(|(leaf, (kind, replaced))| Renewed {
            kind,
            leaf,
            replaced,
        })
        .collect();
    Ok(RenewResult { renewed, archived })
}

/// Every bundle directory under `servers/` and `users/`, by name.
fn all_bundles(store: &Store) -> Result<Vec<BundleId>> {
    let mut out = Vec::new();
    for (kind, dir) in [(Kind::Server, "servers"), (Kind::User, "users")] {
        let path = store.path(dir);
        let entries = match std::fs::read_dir(&path) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io("reading", &path)(e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(Error::io("reading", &path))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.starts_with('.') {
                names.push(name);
            }
        }
        names.sort();
        out.extend(names.into_iter().map(|name| BundleId { kind, name }));
    }
    Ok(out)
}

/// The bundles `names` designate, each once.
fn resolve(store: &Store, names: &[(Option<Kind>, String)]) -> Result<Vec<BundleId>> {
    let exists =
        |kind: Kind, name: &str| std::fs::symlink_metadata(store.path(&kind.rel_dir(name))).is_ok();
    let mut out: Vec<BundleId> = Vec::new();
    for (kind, name) in names {
        check_bundle_name(name)?;
        let kind = match kind {
            Some(k) if exists(*k, name) => *k,
            Some(_) => return Err(Error::NoSuchBundle(name.clone())),
            None => match (exists(Kind::Server, name), exists(Kind::User, name)) {
                (true, true) => return Err(Error::AmbiguousBundle(name.clone())),
                (true, false) => Kind::Server,
                (false, true) => Kind::User,
                (false, false) => return Err(Error::NoSuchBundle(name.clone())),
            },
        };
        let id = BundleId {
            kind,
            name: name.clone(),
        };
        if out.contains(&id) {
            return Err(Error::DuplicateName(id.rel_dir()));
        }
        out.push(id);
    }
    Ok(out)
}

/// The certificates a bundle's certificate may have been issued by: the CA,
/// and during a CA changeover every root in `ca-bundle.pem`.
fn issuer_certs(store: &Store, ca: &Ca) -> Result<Vec<Vec<u8>>> {
    let mut out = vec![ca.cert_der().to_vec()];
    let bundle = store.path(store::CA_BUNDLE);
    match read_file(&bundle) {
        Ok(bytes) => out.extend(crate::encoding::certificates(
            &bundle.display().to_string(),
            &bytes,
        )?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io("reading", &bundle)(e)),
    }
    Ok(out)
}

/// A bundle as it is on disk, checked.
struct Current {
    certificate: CertSummary,
    subject: Subject,
    cert_path: PathBuf,
    key: PrivateKey,
    key_file: Zeroizing<Vec<u8>>,
    key_format: KeyFormat,
}

/// Reads a bundle: its certificate, issued by one of `issuers`, and its key,
/// which must be the certificate's.
fn read_bundle(store: &Store, bundle: &BundleId, issuers: &[Vec<u8>]) -> Result<Current> {
    let dir = store.path(&bundle.rel_dir());
    match std::fs::symlink_metadata(&dir) {
        Ok(m) if m.file_type().is_symlink() => return Err(Error::Symlink(dir)),
        Ok(m) if !m.is_dir() => return Err(Error::NotADirectory(dir)),
        Ok(_) => {}
        Err(e) => return Err(Error::io("reading", &dir)(e)),
    }
    let leaf = existing_leaf(store, bundle.kind, &bundle.name)?;
    let key_file =
        Zeroizing::new(read_file(&leaf.key_path).map_err(Error::io("reading", &leaf.key_path))?);
    let key_what = leaf.key_path.display().to_string();
    let key = PrivateKey::from_bytes(&key_what, &key_file)?;
    let (_, cert) = X509Certificate::from_der(&leaf.issued.der).map_err(Error::malformed(
        leaf.cert_path.display().to_string(),
        Expected::Certificate,
    ))?;
    if !key.matches_spki(cert.public_key().raw) {
        return Err(Error::KeyMismatch {
            key: key_what,
            cert: leaf.cert_path.display().to_string(),
        });
    }
    if !issued_by_one_of(&cert, issuers) {
        return Err(Error::NotIssuedHere {
            cert: leaf.cert_path.clone(),
            issuer: leaf.issued.cert.issuer.clone(),
        });
    }
    Ok(Current {
        subject: Subject::from_x509(cert.subject())?,
        certificate: leaf.issued.cert,
        cert_path: leaf.cert_path,
        key,
        key_format: key_format_of(&key_file),
        key_file,
    })
}

fn issued_by_one_of(cert: &X509Certificate<'_>, issuers: &[Vec<u8>]) -> bool {
    issuers.iter().any(|der| {
        X509Certificate::from_der(der)
            .is_ok_and(|(_, ca)| cert.verify_signature(Some(ca.public_key())).is_ok())
    })
}

/// The format a key file is written in, read from its PEM label (DER and
/// anything else: PKCS#8).
fn key_format_of(bytes: &[u8]) -> KeyFormat {
    let has = |label: &[u8]| bytes.windows(label.len()).any(|w| w == label);
    if has(b"-----BEGIN RSA PRIVATE KEY-----") {
        KeyFormat::Pkcs1
    } else if has(b"-----BEGIN EC PRIVATE KEY-----") {
        KeyFormat::Sec1
    } else {
        KeyFormat::Pkcs8
    }
}

/// The order that replaces a bundle: the request rebuilt from its
/// certificate, with the overrides of `opts`.
fn rebuild(bundle: &BundleId, current: Current, opts: &RenewOptions) -> Result<BundleOrder> {
    let request = rebuilt_request(
        &current.cert_path,
        &current.certificate,
        &current.subject,
        opts,
    )?;
    let key = if opts.reuse_key {
        NewKey::Keep {
            key: current.key,
            file: current.key_file,
        }
    } else {
        new_key(
            &current.cert_path,
            &current.certificate,
            current.key_format,
            opts,
        )?
    };
    Ok(BundleOrder {
        kind: bundle.kind,
        spec: LeafSpec {
            name: bundle.name.clone(),
            request,
        },
        key,
        replace: true,
    })
}

/// The request a certificate was issued for (subject, subjectAltNames,
/// profile, validity length), with the overrides of `opts`.
fn rebuilt_request(
    path: &Path,
    cert: &CertSummary,
    subject: &Subject,
    opts: &RenewOptions,
) -> Result<CertRequest> {
    let subject = match &opts.subject {
        Some(s) => s.clone(),
        None => subject.clone(),
    };
    let sans = match &opts.sans {
        Some(s) => s.clone(),
        None => reissuable_sans(path, cert)?,
    };
    let profile = match opts.profile {
        Some(p) => p,
        None => profile_of(path, cert)?,
    };
    let validity = opts
        .validity
        .unwrap_or_else(|| validity_of(cert).unwrap_or(profile.default_validity()));
    Ok(CertRequest {
        subject,
        sans,
        profile,
        validity,
    })
}

/// A new key for the bundle holding `cert`, whose key file is written in
/// `old_format`: the old key's type and format unless `opts` says otherwise.
fn new_key(
    path: &Path,
    cert: &CertSummary,
    old_format: KeyFormat,
    opts: &RenewOptions,
) -> Result<NewKey> {
    let key_type = match opts.key_type {
        Some(t) => t,
        None => key_type_of(path, &cert.key)?,
    };
    let format = match opts.key_format {
        Some(f) => f,
        // A key type given without a format: the old format if it can
        // hold the new key, else PKCS#8.
        None if check_format(key_type, old_format).is_ok() => old_format,
        None => KeyFormat::Pkcs8,
    };
    Ok(NewKey::Generate(key_type, format))
}

/// The order with which a command that replaces bundle `name` (`issue-server
/// NAME --force`, `issue-client USER --force`, `setup` completing a server
/// certificate) replaces it: what `said` leaves `None` is taken from the
/// certificate being replaced, as [`renew`] takes it, so a replacement keeps
/// the subject, subjectAltNames, profile, validity length, key type and key
/// format it is not told to change.
///
/// `fresh` (made only when needed: a server name that is no DNS name needs
/// the old certificate's names) and `key` (type and format) are what the
/// command issues when there is no certificate to take anything from: no bundle, a bundle without its
/// certificate, or a link or file where the bundle directory should be (which
/// [`issue_bundles`] then refuses). The replaced key need not match nor the
/// certificate chain to this CA: replacing such a bundle is what `--force`
/// is for.
pub fn replacing_order(
    store: &Store,
    kind: Kind,
    name: &str,
    said: &RenewOptions,
    fresh: impl FnOnce() -> Result<CertRequest>,
    key: (KeyType, KeyFormat),
) -> Result<BundleOrder> {
    let fresh_order = |fresh: Result<CertRequest>| {
        Ok(BundleOrder {
            kind,
            spec: LeafSpec {
                name: name.to_string(),
                request: fresh?,
            },
            key: NewKey::Generate(key.0, key.1),
            replace: true,
        })
    };
    let dir = store.path(&kind.rel_dir(name));
    match std::fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return fresh_order(fresh()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return fresh_order(fresh()),
        Err(e) => return Err(Error::io("reading", &dir)(e)),
    }
    let (key_name, cert_name) = kind.file_names();
    if !dir.join(cert_name).exists() {
        return fresh_order(fresh());
    }
    let leaf = existing_leaf(store, kind, name)?;
    let (_, x509) = X509Certificate::from_der(&leaf.issued.der).map_err(Error::malformed(
        leaf.cert_path.display().to_string(),
        Expected::Certificate,
    ))?;
    let subject = Subject::from_x509(x509.subject())?;
    let old_format = match read_file(&dir.join(key_name)) {
        Ok(bytes) => key_format_of(&Zeroizing::new(bytes)),
        // A lost key: its format is not known, the command's is used.
        Err(_) => key.1,
    };
    let request = rebuilt_request(&leaf.cert_path, &leaf.issued.cert, &subject, said)?;
    let said_key = RenewOptions {
        key_type: said.key_type,
        key_format: said.key_format,
        ..RenewOptions::default()
    };
    let new = new_key(&leaf.cert_path, &leaf.issued.cert, old_format, &said_key)?;
    Ok(BundleOrder {
        kind,
        spec: LeafSpec {
            name: name.to_string(),
            request,
        },
        key: new,
        replace: true,
    })
}

/// Whether `cert` was signed by the CA or, during a CA changeover, by a
/// root of `ca-bundle.pem`: the certificates a kept bundle may hold.
/// `Ok(false)` as well when the directory has no CA yet.
pub fn chains_here(store: &Store, der: &[u8]) -> Result<bool> {
    let mut issuers = Vec::new();
    for path in [store.ca_cert(), store.path(store::CA_BUNDLE)] {
        match read_file(&path) {
            Ok(bytes) => issuers.extend(crate::encoding::certificates(
                &path.display().to_string(),
                &bytes,
            )?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("reading", &path)(e)),
        }
    }
    let (_, cert) = X509Certificate::from_der(der).map_err(Error::malformed(
        "a kept certificate",
        Expected::Certificate,
    ))?;
    Ok(issued_by_one_of(&cert, &issuers))
}

/// The certificate's subjectAltNames, which must all be names certgen issues.
fn reissuable_sans(path: &Path, cert: &CertSummary) -> Result<Vec<San>> {
    for san in &cert.subject_alt_names {
        if matches!(san, San::Other(_) | San::DirName(_)) {
            return Err(Error::SanNotReissued {
                cert: path.to_path_buf(),
                san: san.to_string(),
            });
        }
    }
    Ok(cert.subject_alt_names.clone())
}

/// The profile the certificate was issued under, from its extendedKeyUsage.
fn profile_of(path: &Path, cert: &CertSummary) -> Result<Profile> {
    let has = |u: &str| cert.extended_key_usage.iter().any(|e| e == u);
    match (has("serverAuth"), has("clientAuth")) {
        (true, true) => Ok(Profile::ServerClient),
        (true, false) => Ok(Profile::Server),
        (false, true) => Ok(Profile::Client),
        (false, false) => Err(Error::NoLeafProfile {
            cert: path.to_path_buf(),
        }),
    }
}

/// The lifetime the certificate was issued for: notBefore is set
/// [`CLOCK_SKEW`] before the moment of issuance.
fn validity_of(cert: &CertSummary) -> Option<Duration> {
    let v = cert.not_after - cert.not_before - CLOCK_SKEW;
    (v > Duration::ZERO).then_some(v)
}

/// The key type of the certificate's key, as certgen generates it.
fn key_type_of(path: &Path, key: &KeyInfo) -> Result<KeyType> {
    match (key.algorithm, key.bits) {
        (KeyAlgorithm::Rsa, 2048) => Ok(KeyType::Rsa2048),
        (KeyAlgorithm::Rsa, 3072) => Ok(KeyType::Rsa3072),
        (KeyAlgorithm::Rsa, 4096) => Ok(KeyType::Rsa4096),
        (KeyAlgorithm::Ecdsa, 256) => Ok(KeyType::EcdsaP256),
        (KeyAlgorithm::Ecdsa, 384) => Ok(KeyType::EcdsaP384),
        (KeyAlgorithm::Ed25519, _) => Ok(KeyType::Ed25519),
        (algorithm, bits) => Err(Error::UnknownLeafKey {
            cert: path.to_path_buf(),
            key: format!("{} {bits}-bit", algorithm.name()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::issue::{BatchOptions, CaOptions, LeafSpec, init_ca, issue_batch, open_ca};
    use time::macros::datetime;

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
        let ca_opts = CaOptions {
            subject: Subject::from_cn("Test CA").unwrap(),
            key_type: KeyType::EcdsaP256,
            key_format: KeyFormat::Pkcs8,
            validity: Duration::days(3650),
            path_len: None,
            force: false,
            passphrase: None,
        };
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
        let plan = plan(&store, &ca, &Selection::All, &opts, now).unwrap();
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
        assert_eq!(plan.skipped[0].reason, SkipReason::NotDue);

        let done = renew(&store, &ca, plan, now, &|| {}).unwrap();
        let new = &done.renewed[0].leaf.issued.cert;
        assert_eq!(new.not_after, now + Duration::days(10));
        assert_ne!(new.serial, done.renewed[0].replaced.serial);
        assert!(done.archived.is_some());
    }

    #[test]
    fn reuse_key_with_a_key_type_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let (store, ca) = pki(d.path());
        let opts = RenewOptions {
            reuse_key: true,
            key_type: Some(KeyType::Ed25519),
            ..RenewOptions::default()
        };
        let err = plan(&store, &ca, &Selection::All, &opts, T0).unwrap_err();
        assert!(matches!(err, Error::ReuseKeyWithKeyOptions), "{err:?}");
    }

    #[test]
    fn a_replacing_order_keeps_what_it_is_not_told() {
        let d = tempfile::tempdir().unwrap();
        let (store, _) = pki(d.path());
        let unused = || -> Result<CertRequest> { panic!("a certificate exists") };
        let said = RenewOptions::default();
        let key = (KeyType::Rsa2048, KeyFormat::Pkcs8);
        let order = replacing_order(&store, Kind::User, "a", &said, unused, key).unwrap();
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
        let order = replacing_order(&store, Kind::User, "a", &said, unused, key).unwrap();
        assert!(matches!(
            order.key,
            NewKey::Generate(KeyType::Rsa2048, KeyFormat::Pkcs8)
        ));
        assert_eq!(order.spec.request.validity, Duration::days(3));

        // Nothing to keep from: the request and key the command made itself.
        let fresh = || crate::request::client("c", None, &[], None);
        let order = replacing_order(&store, Kind::User, "c", &said, fresh, key).unwrap();
        assert_eq!(order.spec.request.validity, Duration::days(1825));
        assert!(matches!(
            order.key,
            NewKey::Generate(KeyType::Rsa2048, KeyFormat::Pkcs8)
        ));
    }
}
