//! Requests rebuilt from the certificate a bundle holds (subject,
//! subjectAltNames, profile, validity length, key type and format), with
//! the overrides a command was given: what renewal, `--force` and `setup`
//! issue when they replace a bundle.

use std::path::Path;

use time::Duration;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;
use zeroize::Zeroizing;

use crate::bundle::{BundleId, Current, read_leaf};
use crate::ca::{CLOCK_SKEW, CertRequest};
use crate::cert::CertSummary;
use crate::error::{Error, Expected, Result};
use crate::input::read_file;
use crate::issue::{BundleOrder, LeafSpec, NewKey};
use crate::key_type::{KeyFormat, KeyType};
use crate::keys::{KeyAlgorithm, KeyInfo, check_format, format_of};
use crate::kind::Kind;
use crate::name::{San, Subject};
use crate::profile::Profile;
use crate::store::Store;

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

/// The order that replaces a bundle read by [`crate::bundle::read_checked`]:
/// the request rebuilt from its certificate, with the overrides of `opts`.
pub fn rebuild(bundle: &BundleId, current: Current, opts: &RenewOptions) -> Result<BundleOrder> {
    let leaf = &current.leaf;
    let request = rebuilt_request(&leaf.cert_path, &leaf.issued.cert, &current.subject, opts)?;
    let key = if opts.reuse_key {
        NewKey::Keep {
            key: current.key,
            file: current.key_file,
        }
    } else {
        new_key(&leaf.cert_path, &leaf.issued.cert, current.key_format, opts)?
    };
    Ok(BundleOrder {
        kind: bundle.kind,
        spec: LeafSpec {
            name: bundle.name.clone(),
            request,
        },
        key,
        replace: true,
        replaces: Some(current.leaf.issued.cert.serial),
        renewal: true,
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

/// The order with which a command issues bundle `name`: a new bundle when
/// `replace` is not set (one already there is refused when issued), else
/// the order that replaces it. The one decision of `issue-server`,
/// `issue-client` and `setup`.
///
/// A replacement takes what `said` leaves `None` from the certificate being
/// replaced, as [`renew`](super::renew) takes it, so it keeps the subject,
/// subjectAltNames, profile, validity length, key type and key format it is
/// not told to change.
///
/// `fresh` (called at most once, and only when needed: a server name that
/// is no DNS name needs the old certificate's names) and `key` (type and
/// format) are what the command issues when there is no certificate to take
/// anything from: a new bundle, a bundle without its certificate, or a link
/// or file where the bundle directory should be (which
/// [`issue_bundles`](crate::issue::issue_bundles) then refuses). The
/// replaced key need not match nor the certificate chain to this CA:
/// replacing such a bundle is what `--force` is for.
pub fn order_for(
    store: &Store,
    kind: Kind,
    name: &str,
    replace: bool,
    said: &RenewOptions,
    fresh: impl FnOnce() -> Result<CertRequest>,
    key: (KeyType, KeyFormat),
) -> Result<BundleOrder> {
    let fresh_order = |fresh: Result<CertRequest>| {
        Ok(BundleOrder::new(
            kind,
            LeafSpec {
                name: name.to_string(),
                request: fresh?,
            },
            NewKey::Generate(key.0, key.1),
            replace,
        ))
    };
    if !replace {
        return fresh_order(fresh());
    }
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
    let leaf = read_leaf(store, kind, name)?;
    let (_, x509) = X509Certificate::from_der(&leaf.issued.der).map_err(Error::malformed(
        leaf.cert_path.display().to_string(),
        Expected::Certificate,
    ))?;
    let subject = Subject::from_x509(x509.subject())?;
    let old_format = match read_file(&dir.join(key_name)) {
        Ok(bytes) => format_of(&Zeroizing::new(bytes)),
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
        replaces: Some(leaf.issued.cert.serial),
        renewal: false,
    })
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
pub(super) fn key_type_of(path: &Path, key: &KeyInfo) -> Result<KeyType> {
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
