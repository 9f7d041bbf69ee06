//! Issuance against a PKI directory: creating the CA, issuing server and client
//! bundles (one or thousands at a time), and signing CSRs, each recorded in the
//! index under the directory's lock.

use std::collections::HashSet;
use std::path::PathBuf;

use rayon::prelude::*;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::bundle::{LeafIssued, check_name, read_leaf};
use crate::ca::{Ca, CertRequest, Issued, check_validity};
use crate::error::{Error, Result};
use crate::index::{Entry, Index, Status};
use crate::input::{read_file, utf8};
use crate::key_type::{KeyFormat, KeyType};
use crate::keys::{PrivateKey, check_format};
use crate::kind::Kind;
use crate::name::Subject;
use crate::pki::ensure_current;
use crate::profile::Profile;
use crate::serial::Serial;
use crate::store::{self, Mode, Store};

/// One bundle to issue: `name` is the directory under `servers/` or `users/`.
#[derive(Clone, Debug)]
pub struct LeafSpec {
    pub name: String,
    pub request: CertRequest,
}

/// Settings shared by a batch.
#[derive(Clone, Copy, Debug)]
pub struct BatchOptions {
    pub kind: Kind,
    pub key_type: KeyType,
    pub key_format: KeyFormat,
    /// Archive existing bundles instead of refusing.
    pub force: bool,
}

impl BatchOptions {
    /// The key each bundle of the batch gets.
    pub fn new_key(&self) -> NewKey {
        NewKey::Generate(self.key_type, self.key_format)
    }
}

/// The result of a batch.
#[derive(Debug)]
pub struct BatchResult {
    pub leaves: Vec<LeafIssued>,
    /// Where replaced bundles went, with `--force`.
    pub archived: Option<PathBuf>,
}

/// Checks a batch before anything is made or written: names that can be
/// directories, each once, sensible lifetimes, no CA profile, and, when the
/// CA is still to be created with the subject `new_ca`, no certificate with
/// the CA's name. Checks against an existing CA are [`Ca::check_request`].
pub fn check_specs(specs: &[LeafSpec], new_ca: Option<&Subject>) -> Result<()> {
    let mut seen = HashSet::new();
    for spec in specs {
        check_name(&spec.name)?;
        if !seen.insert(spec.name.as_str()) {
            return Err(Error::DuplicateName(spec.name.clone()));
        }
        check_validity(spec.request.validity)?;
        if matches!(spec.request.profile, Profile::Ca { .. }) {
            return Err(Error::LeafIsCa);
        }
        if new_ca.is_some_and(|ca| spec.request.subject.same_subject(ca)) {
            return Err(Error::SubjectIsCa {
                subject: spec.request.subject.to_string(),
            });
        }
    }
    Ok(())
}

/// Issues bundles (key, certificate, CA certificate) for many names at once:
/// keys are generated in parallel outside the lock; serials, signing, the index
/// and the files are done under it. Either every bundle lands, with its index
/// line, or none does: a killed run is completed or undone by the next
/// command. With `force`, a replaced bundle is archived in the same
/// transaction and its certificate marked superseded in the index.
///
/// `progress` is called once per generated key.
pub fn issue_batch(
    store: &Store,
    ca: &Ca,
    specs: &[LeafSpec],
    opts: BatchOptions,
    now: OffsetDateTime,
    progress: &(dyn Fn() + Sync),
) -> Result<BatchResult> {
    check_format(opts.key_type, opts.key_format)?;
    let orders = specs
        .iter()
        .map(|spec| BundleOrder::new(opts.kind, spec.clone(), opts.new_key(), opts.force))
        .collect();
    issue_bundles(store, ca, orders, now, progress)
}

/// Where the key of a bundle comes from.
pub enum NewKey {
    /// A fresh key of this type, written in this format.
    Generate(KeyType, KeyFormat),
    /// The key of the bundle being replaced: `file` is its key file, written
    /// again byte for byte.
    Keep {
        key: PrivateKey,
        file: Zeroizing<Vec<u8>>,
    },
}

impl std::fmt::Debug for NewKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NewKey::Generate(t, fmt) => write!(f, "Generate({t}, {})", fmt.name()),
            NewKey::Keep { key, .. } => write!(f, "Keep({key:?})"),
        }
    }
}

/// The key of one bundle of [`issue_bundles`], once made.
enum LeafKey<'a> {
    /// The replaced bundle's key and its key file, written again as it was.
    Kept(&'a PrivateKey, &'a Zeroizing<Vec<u8>>),
    /// A key generated for this bundle, to write in this format.
    Fresh(PrivateKey, KeyFormat),
}

/// One bundle to write: server or user, what to issue, its key, and whether
/// it may replace (archive) a bundle of that name.
#[derive(Debug)]
pub struct BundleOrder {
    pub kind: Kind,
    pub spec: LeafSpec,
    pub key: NewKey,
    pub replace: bool,
    /// The serial of the certificate the order replaces, when the caller
    /// read it: checked again under the lock, so that a bundle another
    /// command replaced meanwhile is not replaced twice. `None`: whatever
    /// the bundle holds when the lock is taken is replaced.
    pub replaces: Option<Serial>,
    /// A renewal: the certificate it replaces must still be valid under the
    /// lock, so that a bundle revoked meanwhile is not brought back (with
    /// `--reuse-key`, its key certified again). A replacement (`--force`,
    /// `setup`) may replace a revoked certificate: that is how a server or
    /// user whose key leaked gets a new key and certificate.
    pub renewal: bool,
}

impl BundleOrder {
    /// An order for `spec` that has not read the bundle it may replace.
    pub fn new(kind: Kind, spec: LeafSpec, key: NewKey, replace: bool) -> BundleOrder {
        BundleOrder {
            kind,
            spec,
            key,
            replace,
            replaces: None,
            renewal: false,
        }
    }
}

/// [`issue_batch`] for bundles that differ in kind, key and replacement:
/// all of them land in one transaction, or none does.
pub fn issue_bundles(
    store: &Store,
    ca: &Ca,
    orders: Vec<BundleOrder>,
    now: OffsetDateTime,
    progress: &(dyn Fn() + Sync),
) -> Result<BatchResult> {
    check_orders(store, ca, &orders, now)?;
    let keys: Vec<LeafKey<'_>> = map_maybe_parallel(&orders, |o| {
        let key = match &o.key {
            NewKey::Generate(key_type, format) => {
                LeafKey::Fresh(PrivateKey::generate(*key_type)?, *format)
            }
            NewKey::Keep { key, file } => LeafKey::Kept(key, file),
        };
        progress();
        Ok(key)
    })?;

    let lock = store.lock()?;
    ensure_current(store, ca)?;
    for kind in Kind::ALL {
        check_not_existing(store, kind, kind_orders(&orders, kind))?;
    }
    let mut index = lock.read_index()?;
    check_still_current(store, &index, &orders)?;
    let mut serials: Vec<Serial> = Vec::with_capacity(orders.len());
    let mut taken = HashSet::new();
    while serials.len() < orders.len() {
        let s = index.fresh_serial()?;
        if taken.insert(s.clone()) {
            serials.push(s);
        }
    }
    let ca_file = ca_file_content(store, ca)?;

    let work: Vec<_> = keys.iter().zip(&orders).zip(&serials).collect();
    let signed: Vec<(Issued, Zeroizing<Vec<u8>>)> =
        map_maybe_parallel(&work, |((key, order), serial)| {
            let (pair, rsa, pem) = match key {
                LeafKey::Kept(key, file) => (key.pair(), key.is_rsa(), (*file).clone()),
                LeafKey::Fresh(key, format) => (
                    key.pair(),
                    key.is_rsa(),
                    Zeroizing::new(key.to_pem(*format)?.as_bytes().to_vec()),
                ),
            };
            let issued = ca.issue(&order.spec.request, pair, rsa, serial, now)?;
            Ok((issued, pem))
        })?;

    let mut staging = lock.stage(orders.len() * 3 + 2)?;
    let mut leaves = Vec::with_capacity(orders.len());
    let mut superseded = HashSet::new();
    for (order, (issued, key_pem)) in orders.iter().zip(signed) {
        let (key_name, cert_name) = order.kind.file_names();
        let name = &order.spec.name;
        let rel = order.kind.rel_dir(name);
        let dir = store.path(&rel);
        let files = [
            (key_name, key_pem.as_slice(), Mode::Secret),
            (cert_name, issued.pem.as_bytes(), Mode::Public),
            (store::CA_CERT, ca_file.as_bytes(), Mode::Public),
        ];
        let cert_rel = format!("{rel}/{cert_name}");
        if order.replace && dir.exists() {
            let old = match &order.replaces {
                Some(serial) => Some(serial.clone()),
                None => read_leaf(store, order.kind, name)
                    .ok()
                    .map(|old| old.issued.cert.serial),
            };
            superseded.extend(old);
            staging.replace_dir(dir.clone(), &files, now)?;
        } else {
            staging.add_dir(dir.clone(), &files)?;
        }
        index.record(Entry::issued(
            issued.cert.serial.clone(),
            issued.cert.not_after,
            &cert_rel,
            &issued.cert.subject,
        ))?;
        leaves.push(LeafIssued::at(store, order.kind, name, issued));
    }
    index.supersede_all(&superseded, now);
    lock.stage_index(&mut staging, &index)?;
    let archived = staging.commit_archiving()?;
    Ok(BatchResult { leaves, archived })
}

/// Under the lock: each bundle an order read before still holds the
/// certificate it read, and a renewal's is still valid, so that a bundle
/// another command revoked, retired, renewed or replaced meanwhile is
/// neither brought back nor replaced twice.
fn check_still_current(store: &Store, index: &Index, orders: &[BundleOrder]) -> Result<()> {
    if orders.iter().all(|o| o.replaces.is_none()) {
        return Ok(());
    }
    let revoked: std::collections::HashMap<&Serial, &Entry> = index
        .entries
        .iter()
        .filter(|e| e.status == Status::Revoked)
        .map(|e| (&e.serial, e))
        .collect();
    for order in orders {
        let Some(serial) = &order.replaces else {
            continue;
        };
        let bundle = order.kind.rel_dir(&order.spec.name);
        match revoked.get(serial) {
            Some(entry) if order.renewal && entry.is_superseded() => {
                return Err(Error::BundleChanged { bundle });
            }
            Some(entry) if order.renewal => {
                return Err(Error::BundleRevoked {
                    kind: order.kind,
                    name: order.spec.name.clone(),
                    serial: entry.serial.clone(),
                });
            }
            _ => {}
        }
        let holds = read_leaf(store, order.kind, &order.spec.name).map(|l| l.issued.cert.serial);
        if holds.ok().as_ref() != Some(serial) {
            return Err(Error::BundleChanged { bundle });
        }
    }
    Ok(())
}

/// Everything an order could be refused for, before a key is made.
fn check_orders(store: &Store, ca: &Ca, orders: &[BundleOrder], now: OffsetDateTime) -> Result<()> {
    for kind in Kind::ALL {
        let specs: Vec<LeafSpec> = orders
            .iter()
            .filter(|o| o.kind == kind)
            .map(|o| o.spec.clone())
            .collect();
        check_specs(&specs, None)?;
        check_not_existing(store, kind, kind_orders(orders, kind))?;
    }
    for order in orders {
        if let NewKey::Generate(key_type, format) = order.key {
            check_format(key_type, format)?;
        }
        ca.check_request(&order.spec.request, now)?;
    }
    Ok(())
}

/// The names of the orders of `kind`, with whether each may replace.
fn kind_orders(orders: &[BundleOrder], kind: Kind) -> impl Iterator<Item = (&str, bool)> {
    orders
        .iter()
        .filter(move |o| o.kind == kind)
        .map(|o| (o.spec.name.as_str(), o.replace))
}

/// What a bundle's `ca-cert.pem` holds: the CA's chain, or during a CA
/// changeover `ca-bundle.pem` (the old and the new root), so that a bundle
/// trusts the certificates of either CA.
fn ca_file_content(store: &Store, ca: &Ca) -> Result<String> {
    let bundle = store.path(store::CA_BUNDLE);
    match read_file(&bundle).and_then(utf8) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ca.chain_pem().to_string()),
        Err(e) => Err(Error::io("reading", &bundle)(e)),
    }
}

/// Maps over a batch on every core; a single item runs on this thread, since
/// starting the thread pool costs more than one key.
fn map_maybe_parallel<'a, T: Sync, U: Send>(
    items: &'a [T],
    f: impl Fn(&'a T) -> Result<U> + Sync + Send,
) -> Result<Vec<U>> {
    if items.len() > 1 {
        items.par_iter().map(f).collect()
    } else {
        items.iter().map(f).collect()
    }
}

/// Refuses bundles that exist (unless they may be replaced), and, even
/// then, a link or a file where a bundle directory or `servers/`/`users/`
/// should be: certgen neither writes through links nor replaces what it did
/// not make.
fn check_not_existing<'a>(
    store: &Store,
    kind: Kind,
    names: impl Iterator<Item = (&'a str, bool)>,
) -> Result<()> {
    let dir_only = |path: std::path::PathBuf| match std::fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_symlink() => Err(Error::Symlink(path)),
        Ok(m) if !m.is_dir() => Err(Error::NotADirectory(path)),
        _ => Ok(()),
    };
    let mut names = names.peekable();
    if names.peek().is_some() {
        let rel = kind.rel_dir("x");
        let (parent, _) = rel.split_once('/').unwrap_or((&rel, ""));
        dir_only(store.path(parent))?;
    }
    for (name, replace) in names {
        let dir = store.path(&kind.rel_dir(name));
        if !replace && std::fs::symlink_metadata(&dir).is_ok() {
            return Err(Error::Exists(dir));
        }
        dir_only(dir)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::init_ca::{CaOptions, init_ca};
    use crate::pki::open_ca;
    use crate::profile::Profile;
    use time::Duration;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-22 12:00 UTC);

    fn ca_options(force: bool) -> CaOptions {
        CaOptions {
            subject: Subject::from_cn("Test CA").unwrap(),
            key_type: KeyType::EcdsaP256,
            key_format: KeyFormat::Pkcs8,
            validity: Duration::days(365),
            path_len: None,
            force,
            passphrase: None,
        }
    }

    fn client(name: &str) -> LeafSpec {
        LeafSpec {
            name: name.into(),
            request: CertRequest {
                subject: Subject::from_cn(name).unwrap(),
                sans: vec![],
                profile: Profile::Client,
                validity: Duration::days(30),
            },
        }
    }

    const OPTS: BatchOptions = BatchOptions {
        kind: Kind::User,
        key_type: KeyType::EcdsaP256,
        key_format: KeyFormat::Pkcs8,
        force: false,
    };

    #[test]
    fn a_ca_replaced_meanwhile_is_not_used() {
        let d = tempfile::tempdir().unwrap();
        let store = Store::new(d.path());
        init_ca(&store, &ca_options(false), None, NOW).unwrap();
        let old = open_ca(&store).unwrap();
        init_ca(&store, &ca_options(true), None, NOW).unwrap();
        let err = issue_batch(&store, &old, &[client("app")], OPTS, NOW, &|| {}).unwrap_err();
        assert!(matches!(err, Error::CaReplaced), "{err:?}");
        let current = open_ca(&store).unwrap();
        let done = issue_batch(&store, &current, &[client("app")], OPTS, NOW, &|| {}).unwrap();
        assert_eq!(done.leaves.len(), 1);
    }

    #[test]
    fn refused_requests_write_nothing() {
        let d = tempfile::tempdir().unwrap();
        let store = Store::new(d.path().join("pki"));
        let mut opts = ca_options(false);
        opts.validity = Duration::ZERO;
        let err = init_ca(&store, &opts, None, NOW).unwrap_err();
        assert!(matches!(err, Error::ValidityNotPositive { .. }), "{err:?}");
        assert!(!store.root().exists());

        let parent = Store::new(d.path().join("parent"));
        let mut leaves_only = ca_options(false);
        leaves_only.path_len = Some(0);
        init_ca(&parent, &leaves_only, None, NOW).unwrap();
        let inter = Store::new(d.path().join("inter"));
        let err = init_ca(&inter, &ca_options(false), Some(&parent), NOW).unwrap_err();
        assert!(matches!(err, Error::PathLen { limit: 0, .. }), "{err:?}");
        assert!(!inter.root().exists());

        // The parent's index is an input too.
        let open = Store::new(d.path().join("open"));
        init_ca(&open, &ca_options(false), None, NOW).unwrap();
        std::fs::write(open.index(), "garbage\n").unwrap();
        let mut below = ca_options(false);
        below.subject = Subject::from_cn("Issuing CA").unwrap();
        let err = init_ca(&inter, &below, Some(&open), NOW).unwrap_err();
        assert!(matches!(err, Error::Index { line: 1, .. }), "{err:?}");
        assert!(!inter.root().exists());
    }

    #[test]
    fn a_leaf_may_not_take_the_name_of_a_ca_yet_to_be_made() {
        let spec = LeafSpec {
            name: "ca".into(),
            request: CertRequest {
                subject: Subject::from_cn("TEST CA").unwrap(),
                sans: vec![],
                profile: Profile::Client,
                validity: Duration::days(1),
            },
        };
        let ca = Subject::from_cn("Test CA").unwrap();
        let err = check_specs(std::slice::from_ref(&spec), Some(&ca)).unwrap_err();
        assert!(matches!(err, Error::SubjectIsCa { .. }), "{err:?}");
        assert!(check_specs(&[spec], None).is_ok());
    }

    #[test]
    fn a_batch_names_each_bundle_once() {
        let d = tempfile::tempdir().unwrap();
        let store = Store::new(d.path());
        init_ca(&store, &ca_options(false), None, NOW).unwrap();
        let ca = open_ca(&store).unwrap();
        let err =
            issue_batch(&store, &ca, &[client("a"), client("a")], OPTS, NOW, &|| {}).unwrap_err();
        assert!(
            matches!(&err, Error::DuplicateName(n) if n == "a"),
            "{err:?}"
        );
        assert!(!store.path("users").exists());
    }
}
