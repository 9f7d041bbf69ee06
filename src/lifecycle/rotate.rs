//! Rolling a root CA over without downtime.
//!
//! [`rotate_ca`] makes a new CA key and certificate (the old subject, key
//! type, lifetime and pathLenConstraint unless told otherwise; encrypted with
//! the same passphrase when the old key was) and starts a changeover:
//! `ca-bundle.pem` holds the new and the old root, and every bundle's
//! `ca-cert.pem` is rewritten to hold it too, so that servers and clients
//! trust certificates of either CA while `renew --all` re-issues every leaf.
//! [`finish_rotation`] ends it once nothing valid chains to the old root:
//! `ca-bundle.pem` is archived and every bundle's `ca-cert.pem` holds the new
//! root alone. Each step is one transaction; nothing is deleted (the old CA
//! files move to `old_keys/`).
//!
//! `ca-rotation.txt` records the serials the index listed when the changeover
//! started: the old CA's certificates. A valid one whose file cannot show its
//! issuer (gone, unreadable, another certificate there now: `sign --out` to
//! another host) still needs the old root, and keeps `--finish` refused.
//!
//! Revocation follows the roots: servers that check a CRL refuse a
//! certificate whose issuer has no CRL in the file, so while both roots are
//! trusted the CRL file (`crl.pem`, when there is one) holds a CRL of each,
//! each listing the revoked certificates its CA issued. `rotate-ca` keeps the
//! old CA's key and certificate as `ca-old-key.pem` and `ca-old-cert.pem`,
//! with which `crl` signs the old CA's CRL, and rewrites the CRL file in its
//! transaction; `--finish` rewrites it with the new CA's CRL alone, archives
//! the old key, and adds the old CA's serials to `ca-retired.txt`, which no
//! CRL lists any more.
//!
//! An intermediate CA is refused: its certificate is its parent's to
//! replace, and `ca-chain.pem` would need both chains.

use std::path::PathBuf;

use time::{Duration, OffsetDateTime};
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;
use zeroize::Zeroizing;

use crate::ca::{CLOCK_SKEW, Ca};
use crate::cert::CertSummary;
use crate::crl::{self, Scope, Signed, Signer, Which};
use crate::encoding::certificates;
use crate::error::{Error, Expected, Result};
use crate::index::{Index, Status};
use crate::input::read_file;
use crate::key_type::{KeyFormat, KeyType};
use crate::keys::{PrivateKey, check_format};
use crate::name::Subject;
use crate::pki::{ensure_current, old_ca_serials, open_ca, retired_serials};
use crate::profile::Profile;
use crate::serial::Serial;
use crate::store::{self, Mode, Store};

use super::rebuild::key_type_of;
use crate::bundle;
use crate::keys::format_of as key_format_of;

/// What the new CA changes from the old one; `None` keeps it.
#[derive(Clone, Debug, Default)]
pub struct RotateOptions {
    pub subject: Option<Subject>,
    pub key_type: Option<KeyType>,
    pub validity: Option<Duration>,
}

/// What [`rotate_ca`] did.
#[derive(Debug)]
pub struct Rotated {
    pub ca: CertSummary,
    pub previous: CertSummary,
    /// Whether the new key is encrypted (as the old one was).
    pub encrypted: bool,
    pub bundle: PathBuf,
    /// The bundles' `ca-cert.pem` files that now hold both roots.
    pub updated: Vec<PathBuf>,
    /// The CRLs the CRL file was rewritten with, when there is one: the new
    /// CA's and the old CA's.
    pub crls: Option<Vec<Signed>>,
    pub archived: Option<PathBuf>,
}

/// What [`finish_rotation`] did.
#[derive(Debug)]
pub struct Finished {
    pub ca: CertSummary,
    /// The old roots dropped from the bundle.
    pub dropped: Vec<CertSummary>,
    /// The bundles' `ca-cert.pem` files that now hold the new root alone.
    pub updated: Vec<PathBuf>,
    /// The CRL the CRL file was rewritten with, when there is one: the new
    /// CA's alone.
    pub crls: Option<Vec<Signed>>,
    pub archived: Option<PathBuf>,
}

/// Starts a CA changeover (see the module documentation).
pub fn rotate_ca(store: &Store, opts: &RotateOptions, now: OffsetDateTime) -> Result<Rotated> {
    store.recover()?;
    refuse_intermediate(store)?;
    let bundle_path = store.path(store::CA_BUNDLE);
    if std::fs::symlink_metadata(&bundle_path).is_ok() {
        return Err(Error::RotationInProgress(bundle_path));
    }
    let old = open_ca(store)?;
    let previous = old.summary()?;
    let (_, old_cert) = X509Certificate::from_der(old.cert_der()).map_err(Error::malformed(
        "the CA certificate",
        Expected::Certificate,
    ))?;
    let subject = match &opts.subject {
        Some(s) => s.clone(),
        None => Subject::from_x509(old_cert.subject())?,
    };
    let key_path = store.ca_key();
    let old_key_file =
        Zeroizing::new(read_file(&key_path).map_err(Error::io("reading", &key_path))?);
    let encrypted = PrivateKey::is_encrypted(&old_key_file);
    let key_type = match opts.key_type {
        Some(t) => t,
        None => key_type_of(&store.ca_cert(), &previous.key)?,
    };
    let old_format = key_format_of(&old_key_file);
    let format = if check_format(key_type, old_format).is_ok() {
        old_format
    } else {
        KeyFormat::Pkcs8
    };
    let validity = opts.validity.unwrap_or_else(|| {
        let v = previous.not_after - previous.not_before - CLOCK_SKEW;
        if v > Duration::ZERO {
            v
        } else {
            Profile::Ca { path_len: None }.default_validity()
        }
    });
    let path_len = previous
        .basic_constraints
        .and_then(|b| b.path_len)
        .map(|p| u8::try_from(p).unwrap_or(u8::MAX));

    let key = PrivateKey::generate(key_type)?;
    let key_pem = if encrypted {
        // The same passphrase: asked once per run, so not asked again.
        let what = key_path.display().to_string();
        let source = store
            .passphrase_source()
            .ok_or_else(|| Error::NoPassphrase { what: what.clone() })?;
        Zeroizing::new(key.to_encrypted_pem(&source.passphrase(&what)?)?)
    } else {
        Zeroizing::new(key.to_pem(format)?.to_string())
    };
    let new = Ca::create_root(&subject, key, validity, path_len, &Serial::random()?, now)?;
    let both = format!("{}{}", new.cert_pem(), old.cert_pem());

    let lock = store.lock()?;
    ensure_current(store, &old)?;
    if std::fs::symlink_metadata(&bundle_path).is_ok() {
        return Err(Error::RotationInProgress(bundle_path));
    }
    let bundles = bundle_ca_files(store)?;
    let index = lock.read_index()?;
    let record = rotation_record(&index, now);
    let mut staging = lock.stage(bundles.len() + 8)?;
    // The old CA's key as it was (encrypted or not) and certificate, with
    // which `crl` signs the old CA's CRL until `--finish`.
    staging.replace_archived(
        store.path(store::CA_OLD_KEY),
        &old_key_file,
        Mode::Secret,
        now,
    )?;
    staging.replace_archived(
        store.path(store::CA_OLD_CERT),
        old.cert_pem().as_bytes(),
        Mode::Public,
        now,
    )?;
    let scope = Scope::rotating(
        retired_serials(store)?,
        index.entries.iter().map(|e| e.serial.clone()).collect(),
    );
    let signers = [
        Signer {
            ca: &new,
            which: Which::Current,
        },
        Signer {
            ca: &old,
            which: Which::Old,
        },
    ];
    let crls = crl::stage_rewrite(store, &mut staging, &signers, &scope, now)?;
    staging.replace_archived(key_path, key_pem.as_bytes(), Mode::Secret, now)?;
    staging.replace_archived(
        store.ca_cert(),
        new.cert_pem().as_bytes(),
        Mode::Public,
        now,
    )?;
    staging.add_file(bundle_path.clone(), both.as_bytes(), Mode::Public)?;
    staging.add_file(
        store.path(store::CA_ROTATION),
        record.as_bytes(),
        Mode::Public,
    )?;
    for file in &bundles {
        staging.replace_archived(file.clone(), both.as_bytes(), Mode::Public, now)?;
    }
    let archived = staging.commit_archiving()?;
    Ok(Rotated {
        ca: new.summary()?,
        previous,
        encrypted,
        bundle: bundle_path,
        updated: bundles,
        crls,
        archived,
    })
}

/// Ends a CA changeover once no valid certificate chains to an old root:
/// otherwise refused, naming them.
pub fn finish_rotation(store: &Store, now: OffsetDateTime) -> Result<Finished> {
    store.recover()?;
    refuse_intermediate(store)?;
    let bundle_path = store.path(store::CA_BUNDLE);
    let bundle = match read_file(&bundle_path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::NoRotation(bundle_path));
        }
        Err(e) => return Err(Error::io("reading", &bundle_path)(e)),
    };
    let ca_path = store.ca_cert();
    let ca_bytes = read_file(&ca_path).map_err(Error::io("reading", &ca_path))?;
    let ca_der = crate::encoding::certificate(&ca_path.display().to_string(), &ca_bytes)?;
    let old_roots: Vec<Vec<u8>> = certificates(&bundle_path.display().to_string(), &bundle)?
        .into_iter()
        .filter(|c| *c != ca_der)
        .collect();
    // The CRL file is rewritten with the new CA's CRL alone: its key signs.
    let ca = match std::fs::symlink_metadata(store.path(crl::CRL_FILE)) {
        Ok(_) => Some(open_ca(store)?),
        Err(_) => None,
    };
    let lock = store.lock()?;
    if let Some(ca) = &ca {
        ensure_current(store, ca)?;
    }
    let still = chained_to(store, &old_roots, now)?;
    if !still.is_empty() {
        return Err(Error::StillChainsToOld {
            count: still.len(),
            files: still.join(", "),
        });
    }
    let root_pem = crate::encoding::to_pem("CERTIFICATE", &ca_der);
    let bundles = bundle_ca_files(store)?;
    let mut staging = lock.stage(bundles.len() + 8)?;
    staging.archive_only(bundle_path, now)?;
    staging.archive_only(store.path(store::CA_ROTATION), now)?;
    staging.archive_only(store.path(store::CA_OLD_KEY), now)?;
    staging.archive_only(store.path(store::CA_OLD_CERT), now)?;
    // The old CA's serials join the retired ones: no CRL lists them now.
    let mut retired = retired_serials(store)?;
    let record = old_ca_serials(store);
    let retired_path = store.path(store::CA_RETIRED);
    if let Some(old) = &record {
        let fresh: Vec<&Serial> = old.iter().filter(|s| !retired.contains(*s)).collect();
        if !fresh.is_empty() {
            let mut text = match read_file(&retired_path) {
                Ok(t) => String::from_utf8_lossy(&t).into_owned(),
                Err(_) => {
                    "# certgen rotate-ca --finish: the serials of retired CAs, which no CRL lists\n"
                        .into()
                }
            };
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&format!("# retired {}\n", crate::rfc3339::format(now)));
            let mut sorted: Vec<String> = fresh.iter().map(|s| s.to_string()).collect();
            sorted.sort();
            for s in sorted {
                text.push_str(&s);
                text.push('\n');
            }
            staging.replace_archived(retired_path, text.as_bytes(), Mode::Public, now)?;
        }
        retired.extend(old.iter().cloned());
    }
    let crls = match &ca {
        Some(ca) => {
            let signers = [Signer {
                ca,
                which: Which::Current,
            }];
            crl::stage_rewrite(
                store,
                &mut staging,
                &signers,
                &Scope::finished(retired),
                now,
            )?
        }
        None => None,
    };
    for file in &bundles {
        staging.replace_archived(file.clone(), root_pem.as_bytes(), Mode::Public, now)?;
    }
    let archived = staging.commit_archiving()?;
    let summary = |what: &str, der: &[u8]| CertSummary::from_der(what, der, false);
    Ok(Finished {
        ca: summary("the CA certificate", &ca_der)?,
        dropped: old_roots
            .iter()
            .map(|d| summary("an old root", d))
            .collect::<Result<_>>()?,
        updated: bundles,
        crls,
        archived,
    })
}

/// What `ca-rotation.txt` holds: every serial of the index when the
/// changeover starts at `now`, one a line.
fn rotation_record(index: &Index, now: OffsetDateTime) -> String {
    let mut text = format!(
        "# certgen rotate-ca {}: the old CA's certificates, by serial\n",
        crate::rfc3339::format(now)
    );
    for e in &index.entries {
        text.push_str(&format!("{}\n", e.serial));
    }
    text
}

/// The certificates still valid at `now` that one of `roots` signed, or may
/// have: every valid index line whose file holds its certificate signed by
/// an old root; every valid index line whose file does not show it (gone,
/// unreadable, another certificate there) unless `ca-rotation.txt` shows it
/// was issued by the new CA; and every bundle. Returns their files, relative
/// to the PKI directory, and serials.
fn chained_to(store: &Store, roots: &[Vec<u8>], now: OffsetDateTime) -> Result<Vec<String>> {
    let parsed: Vec<X509Certificate<'_>> = roots
        .iter()
        .filter_map(|d| X509Certificate::from_der(d).ok().map(|(_, c)| c))
        .collect();
    let signed_by_old = |der: &[u8]| {
        X509Certificate::from_der(der).is_ok_and(|(_, c)| {
            c.validity().not_after.to_datetime() > now
                && parsed
                    .iter()
                    .any(|r| c.verify_signature(Some(r.public_key())).is_ok())
        })
    };
    let old_serials = old_ca_serials(store);
    let mut files: Vec<String> = Vec::new();
    let index = crate::index::Index::load(&store.index())?;
    for e in index
        .entries
        .iter()
        .filter(|e| e.status_at(now) == Status::Valid)
    {
        let shown = match crate::pki::recorded_certificate(store, &e.file, &e.serial) {
            Some(_) => {
                let bytes = read_file(&store.path(&e.file)).unwrap_or_default();
                let ders = certificates(&e.file, &bytes).unwrap_or_default();
                ders.first()
                    .is_some_and(|d| signed_by_old(d))
                    .then(|| format!("{} (serial {})", e.file, e.serial))
            }
            None => old_serials
                .as_ref()
                .is_none_or(|serials| serials.contains(&e.serial))
                .then(|| format!("{} (serial {}, not readable here)", e.file, e.serial)),
        };
        if let Some(shown) = shown.filter(|s| !files.contains(s)) {
            files.push(shown);
        }
    }
    for b in bundle::all(store)? {
        let (_, cert_name) = b.kind.file_names();
        let rel = format!("{}/{cert_name}", b.rel_dir());
        let Ok(bytes) = read_file(&store.path(&rel)) else {
            continue;
        };
        let ders = certificates(&rel, &bytes).unwrap_or_default();
        // A bundle whose certificate the index records as revoked needs no
        // root: revoking it is what lets the changeover finish.
        let revoked = ders.first().is_some_and(|d| {
            X509Certificate::from_der(d).is_ok_and(|(_, c)| {
                let serial = crate::serial::Serial::from_bytes(c.raw_serial());
                index
                    .entries
                    .iter()
                    .any(|e| e.serial == serial && e.status == Status::Revoked)
            })
        });
        if !revoked
            && ders.first().is_some_and(|d| signed_by_old(d))
            && !files.iter().any(|f| f.starts_with(&format!("{rel} (")))
        {
            files.push(rel);
        }
    }
    Ok(files)
}

/// Every bundle's `ca-cert.pem` (those of `servers/NAME` and `users/NAME`
/// directories), to rewrite with the roots of the changeover.
fn bundle_ca_files(store: &Store) -> Result<Vec<PathBuf>> {
    Ok(bundle::all(store)?
        .into_iter()
        .map(|b| store.path(&b.rel_dir()).join(store::CA_CERT))
        .filter(|p| p.parent().is_some_and(|d| d.is_dir()))
        .collect())
}

fn refuse_intermediate(store: &Store) -> Result<()> {
    if std::fs::symlink_metadata(store.path(store::CA_CHAIN)).is_ok() {
        return Err(Error::RotateIntermediate(store.root().to_path_buf()));
    }
    Ok(())
}
