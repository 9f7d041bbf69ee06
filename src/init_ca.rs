//! Creating the CA of a PKI directory: a root, or an intermediate signed by
//! the CA of another directory, which records it in its own index. An
//! existing CA is archived in the same transaction (`--force`), never
//! while valid certificates of it remain.

use std::path::PathBuf;

use time::{Duration, OffsetDateTime};
use zeroize::Zeroizing;

use crate::ca::{Ca, check_validity};
use crate::error::{Error, Result};
use crate::index::{ATTR_CONTENT, Entry, Index};
use crate::key_type::{KeyFormat, KeyType};
use crate::keys::{PrivateKey, check_format};
use crate::name::Subject;
use crate::pki::{index_file_name, open_ca};
use crate::secret::Passphrase;
use crate::serial::Serial;
use crate::store::{self, Mode, Store};
use crate::warning::Warning;

/// Options for a new CA.
#[derive(Clone, Debug)]
pub struct CaOptions {
    pub subject: Subject,
    pub key_type: KeyType,
    pub key_format: KeyFormat,
    pub validity: Duration,
    pub path_len: Option<u8>,
    /// Archive an existing CA instead of refusing.
    pub force: bool,
    /// Write the key encrypted with this passphrase (PKCS#8 only).
    pub passphrase: Option<Passphrase>,
}

#[cfg(test)]
impl CaOptions {
    /// A root "Test CA" with an ECDSA P-256 key in PKCS#8, valid for
    /// `days`, unencrypted: the CA the library's unit tests issue from.
    pub(crate) fn for_tests(days: i64) -> CaOptions {
        CaOptions {
            subject: crate::name::Subject::from_cn("Test CA").expect("a valid CN"),
            key_type: crate::key_type::KeyType::EcdsaP256,
            key_format: crate::key_type::KeyFormat::Pkcs8,
            validity: time::Duration::days(days),
            path_len: None,
            force: false,
            passphrase: None,
        }
    }
}

/// What `init_ca` did.
#[derive(Debug)]
pub struct CaCreated {
    pub ca: Ca,
    pub archived: Option<PathBuf>,
    pub warnings: Vec<Warning>,
}

/// Creates a root CA in `store`, or an intermediate signed by `parent`.
pub fn init_ca(
    store: &Store,
    opts: &CaOptions,
    parent: Option<&Store>,
    now: OffsetDateTime,
) -> Result<CaCreated> {
    check_format(opts.key_type, opts.key_format)?;
    if opts.passphrase.is_some() && opts.key_format != KeyFormat::Pkcs8 {
        return Err(Error::EncryptedNeedsPkcs8(opts.key_format));
    }
    check_validity(opts.validity)?;
    if let Some(parent) = parent {
        store.check_distinct(parent)?;
    }
    store.recover()?;
    if store.has_ca() && !opts.force {
        return Err(Error::Exists(store.ca_cert()));
    }
    let parent_ca = parent.map(open_ca).transpose()?;
    if let (Some(parent_ca), Some(parent_store)) = (&parent_ca, parent) {
        // Everything the parent could refuse, before the new directory exists.
        parent_ca.check_intermediate(opts.path_len.unwrap_or(0))?;
        parent_ca.check_signing(&opts.subject, opts.validity, now)?;
        Index::load(&parent_store.index())?;
    }
    let key = PrivateKey::generate(opts.key_type)?;
    let key_pem = match &opts.passphrase {
        Some(p) => Zeroizing::new(key.to_encrypted_pem(p)?),
        None => key.to_pem(opts.key_format)?,
    };

    let (lock, plock) = match parent {
        Some(parent_store) => {
            let (lock, plock) = store.lock_with(parent_store)?;
            (lock, Some(plock))
        }
        None => (store.lock()?, None),
    };
    if store.has_ca() && !opts.force {
        return Err(Error::Exists(store.ca_cert()));
    }
    check_no_valid_certificates(&lock, now)?;
    // The parent's new index, and the index it replaces.
    let mut parent_index: Option<(Index, Index)> = None;
    let (ca, warnings) = match (&parent_ca, &plock) {
        (Some(parent_ca), Some(plock)) => {
            let mut pindex = plock.read_index()?;
            let serial = pindex.fresh_serial()?;
            let path_len = opts.path_len.unwrap_or(0);
            let (issued, ca) = parent_ca.create_intermediate(
                &opts.subject,
                key,
                opts.validity,
                path_len,
                &serial,
                now,
            )?;
            let before = pindex.clone();
            let file = index_file_name(plock.store(), &store.ca_cert());
            pindex.record(Entry::issued(
                serial,
                issued.cert.not_after,
                &file,
                &issued.cert.subject,
            ))?;
            parent_index = Some((pindex, before));
            (ca, issued.warnings)
        }
        _ => {
            let serial = Serial::random()?;
            let ca = Ca::create_root(
                &opts.subject,
                key,
                opts.validity,
                opts.path_len,
                &serial,
                now,
            )?;
            (ca, Vec::new())
        }
    };
    // The old CA's files are replaced (or archived, when the new CA has
    // none of that name) in one transaction: there is always a CA.
    let mut staging = lock.stage(5)?;
    let chain = parent.is_some().then(|| ca.chain_pem());
    let new_files = [
        (store::CA_KEY, Some(key_pem.as_bytes()), Mode::Secret),
        (store::CA_CERT, Some(ca.cert_pem().as_bytes()), Mode::Public),
        (
            store::CA_CHAIN,
            chain.as_ref().map(|c| c.as_bytes()),
            Mode::Public,
        ),
        (store::INDEX, Some(&b""[..]), Mode::Public),
        (
            store::INDEX_ATTR,
            Some(ATTR_CONTENT.as_bytes()),
            Mode::Public,
        ),
    ];
    for (name, content, mode) in new_files {
        match content {
            Some(c) => staging.replace_archived(store.path(name), c, mode, now)?,
            None => staging.archive_only(store.path(name), now)?,
        }
    }
    // Everything the new directory could refuse is checked by now: the parent
    // records the intermediate before it is published, and forgets it again
    // when publishing fails.
    if let (Some(plock), Some((pindex, _))) = (&plock, &parent_index) {
        plock.write_index(pindex)?;
    }
    let archived = match staging.commit_archiving() {
        Ok(archived) => archived,
        Err(e) => {
            if let (Some(plock), Some((_, before))) = (&plock, &parent_index) {
                plock.write_index(before)?;
            }
            return Err(e);
        }
    };
    Ok(CaCreated {
        ca,
        archived,
        warnings,
    })
}

/// A new CA would leave every valid certificate of the old one without its
/// issuer: refused while the index lists any.
fn check_no_valid_certificates(lock: &store::Lock<'_>, now: OffsetDateTime) -> Result<()> {
    let index = lock.read_index()?;
    let count = index
        .entries
        .iter()
        .filter(|e| e.status_at(now) == crate::index::Status::Valid)
        .count();
    if count > 0 {
        return Err(Error::WouldOrphan { count });
    }
    Ok(())
}
