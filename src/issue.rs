//! Issuance against a PKI directory: creating the CA, issuing server and client
//! bundles (one or thousands at a time), and signing CSRs, each recorded in the
//! index under the directory's lock.

use std::path::{Path, PathBuf};

use std::collections::HashSet;

use rayon::prelude::*;
use time::{Duration, OffsetDateTime};
use zeroize::Zeroizing;

use crate::ca::{Ca, CertRequest, Issued, check_validity};
use crate::cert::CertSummary;
use crate::csr::Csr;
use crate::error::{Error, Expected, Result};
use crate::index::{ATTR_CONTENT, Entry, Index, Serial};
use crate::input::{read_file, utf8};
use crate::keys::{KeyFormat, KeyType, PrivateKey, check_format};
use crate::name::{San, Subject, describe_char};
use crate::profile::Profile;
use crate::secret::Passphrase;
use crate::store::{self, Mode, Store};
use crate::warning::Warning;

/// Loads the CA of a PKI directory, checking that key and certificate belong together.
pub fn open_ca(store: &Store) -> Result<Ca> {
    store.recover()?;
    let cert_path = store.ca_cert();
    let key_path = store.ca_key();
    if !cert_path.exists() && !key_path.exists() {
        return Err(Error::NoCa(store.root().to_path_buf()));
    }
    let cert = read_file(&cert_path).map_err(Error::io("reading", &cert_path))?;
    let key_what = key_path.display().to_string();
    let (key, _) = crate::ca_key::load(store)?;
    let chain_path = store.path(store::CA_CHAIN);
    let chain = match read_file(&chain_path).and_then(utf8) {
        Ok(c) => Some(c),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io("reading", &chain_path)(e)),
    };
    Ca::from_files(
        &cert_path.display().to_string(),
        &cert,
        key,
        &key_what,
        chain,
    )
}

/// Checks, under the lock, that the CA loaded earlier is still the directory's
/// CA: a concurrent `init-ca --force` must not get certificates of the old CA
/// recorded in the new CA's index.
pub(crate) fn ensure_current(store: &Store, ca: &Ca) -> Result<()> {
    let path = store.ca_cert();
    let bytes = read_file(&path).map_err(Error::io("reading", &path))?;
    let current = crate::encoding::certificates(&path.display().to_string(), &bytes)?;
    if current.first().map(Vec::as_slice) != Some(ca.cert_der()) {
        return Err(Error::CaReplaced);
    }
    Ok(())
}

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
            let serial = crate::index::Serial::random()?;
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

/// Whether a bundle is for a server or a database user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Server,
    User,
}

impl Kind {
    /// `servers/NAME` or `users/NAME`.
    pub fn rel_dir(self, name: &str) -> String {
        match self {
            Kind::Server => Store::server_rel(name),
            Kind::User => Store::user_rel(name),
        }
    }

    /// The key and certificate file names of a bundle.
    pub fn file_names(self) -> (&'static str, &'static str) {
        match self {
            Kind::Server => (store::SERVER_KEY, store::SERVER_CERT),
            Kind::User => (store::CLIENT_KEY, store::CLIENT_CERT),
        }
    }
}

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

/// A bundle written to disk.
#[derive(Clone, Debug)]
pub struct LeafIssued {
    pub name: String,
    pub issued: Issued,
    pub dir: PathBuf,
    pub cert_path: PathBuf,
    pub key_path: PathBuf,
    pub ca_path: PathBuf,
}

/// The result of a batch.
#[derive(Debug)]
pub struct BatchResult {
    pub leaves: Vec<LeafIssued>,
    /// Where replaced bundles went, with `--force`.
    pub archived: Option<PathBuf>,
}

/// Checks a bundle name: it becomes a directory name, so no separators, no
/// dot-files, nothing a shell or a human would misread.
pub fn check_bundle_name(name: &str) -> Result<()> {
    let bad = |reason: &str| Error::InvalidName {
        what: "name",
        value: name.to_string(),
        reason: reason.to_string(),
    };
    if name.is_empty() || name.len() > 255 {
        return Err(bad("it must be 1 to 255 bytes long"));
    }
    if name.starts_with('.') || name.starts_with('-') {
        return Err(bad("it must not start with '.' or '-'"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || "._-@*:+=".contains(*c)))
    {
        return Err(bad(&format!(
            "{} is not allowed in a bundle name",
            describe_char(c)
        )));
    }
    Ok(())
}

/// Checks a batch before anything is made or written: names that can be
/// directories, each once, sensible lifetimes, no CA profile, and, when the
/// CA is still to be created with the subject `new_ca`, no certificate with
/// the CA's name. Checks against an existing CA are [`Ca::check_request`].
pub fn check_specs(specs: &[LeafSpec], new_ca: Option<&Subject>) -> Result<()> {
    let mut seen = HashSet::new();
    for spec in specs {
        check_bundle_name(&spec.name)?;
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
        .map(|spec| BundleOrder {
            kind: opts.kind,
            spec: spec.clone(),
            key: NewKey::Generate(opts.key_type, opts.key_format),
            replace: opts.force,
        })
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
    for kind in [Kind::Server, Kind::User] {
        check_not_existing(store, kind, kind_orders(&orders, kind))?;
    }
    let mut index = lock.read_index()?;
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
            if let Ok(old) = existing_leaf(store, order.kind, name) {
                superseded.insert(old.issued.cert.serial);
            }
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
        leaves.push(LeafIssued {
            name: name.clone(),
            cert_path: dir.join(cert_name),
            key_path: dir.join(key_name),
            ca_path: dir.join(store::CA_CERT),
            dir,
            issued,
        });
    }
    crate::revoke::supersede_all(&mut index, &superseded, now);
    lock.stage_index(&mut staging, &index)?;
    let archived = staging.commit_archiving()?;
    Ok(BatchResult { leaves, archived })
}

/// Everything an order could be refused for, before a key is made.
fn check_orders(store: &Store, ca: &Ca, orders: &[BundleOrder], now: OffsetDateTime) -> Result<()> {
    for kind in [Kind::Server, Kind::User] {
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

/// What a command that completes a PKI (`setup`) does with each bundle it
/// names: issue the missing ones, keep and describe those that exist, and
/// reissue existing servers that lack a name asked for.
#[derive(Debug)]
pub struct BundlePlan {
    pub issue: Vec<LeafSpec>,
    pub keep: Vec<LeafIssued>,
    pub reissue: Vec<Reissue>,
}

/// An existing bundle a plan replaces, and why.
#[derive(Debug)]
pub struct Reissue {
    pub order: BundleOrder,
    /// What the replaced certificate lacked, e.g. `it lacked DNS:b`.
    pub reason: String,
}

impl BundlePlan {
    /// Every request the plan issues, new and reissued, to check against
    /// the CA before anything is written.
    pub fn requests(&self) -> impl Iterator<Item = &LeafSpec> {
        self.issue
            .iter()
            .chain(self.reissue.iter().map(|r| &r.order.spec))
    }

    /// Issues the missing bundles (keys as `opts` says) and reissues the
    /// ones to replace, in one transaction (the replaced ones archived and
    /// superseded). Returns each bundle made with the reason it replaced one,
    /// if it did.
    pub fn carry_out(
        &mut self,
        store: &Store,
        ca: &Ca,
        opts: BatchOptions,
        now: OffsetDateTime,
    ) -> Result<Vec<(LeafIssued, Option<String>)>> {
        let mut orders: Vec<BundleOrder> = self
            .issue
            .drain(..)
            .map(|spec| BundleOrder {
                kind: opts.kind,
                spec,
                key: NewKey::Generate(opts.key_type, opts.key_format),
                replace: opts.force,
            })
            .collect();
        let mut reasons = vec![None; orders.len()];
        for r in self.reissue.drain(..) {
            orders.push(r.order);
            reasons.push(Some(r.reason));
        }
        if orders.is_empty() {
            return Ok(Vec::new());
        }
        let made = issue_bundles(store, ca, orders, now, &|| {})?;
        Ok(made.leaves.into_iter().zip(reasons).collect())
    }

    /// Every bundle of the plan in the order `names` gives, once `issued` holds
    /// what was issued for [`BundlePlan::issue`] and [`BundlePlan::reissue`].
    pub fn in_order(self, names: &[String], mut issued: Vec<LeafIssued>) -> Vec<LeafIssued> {
        let mut all = self.keep;
        all.append(&mut issued);
        names
            .iter()
            .filter_map(|name| {
                let i = all.iter().position(|l| &l.name == name)?;
                Some(all.swap_remove(i))
            })
            .collect()
    }
}

/// Decides, before anything is written, which bundles of `specs` to issue
/// (missing ones, or all of them with `force`), which to keep and which to
/// reissue. A kept bundle is read and checked now: its certificate must
/// chain to the CA (or, during a CA changeover, to a root of
/// `ca-bundle.pem`), else the plan is refused, since keeping it would hand
/// out a configuration whose two sides cannot verify each other; a server
/// certificate must name every subjectAltName its spec asks for, else it is
/// reissued (new key; subject, profile, lifetime and key type taken from the
/// old certificate) with the old names followed by the missing ones. A link
/// or a file where a bundle directory should be is refused now, so a command
/// built on the plan never stops half way.
pub fn plan_bundles(
    store: &Store,
    kind: Kind,
    specs: Vec<LeafSpec>,
    force: bool,
) -> Result<BundlePlan> {
    let mut plan = BundlePlan {
        issue: Vec::new(),
        keep: Vec::new(),
        reissue: Vec::new(),
    };
    for spec in specs {
        let dir = store.path(&kind.rel_dir(&spec.name));
        match std::fs::symlink_metadata(&dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => plan.issue.push(spec),
            Err(e) => return Err(Error::io("reading", &dir)(e)),
            Ok(m) if m.file_type().is_symlink() => return Err(Error::Symlink(dir)),
            Ok(m) if !m.is_dir() => return Err(Error::NotADirectory(dir)),
            Ok(_) if force => plan.issue.push(spec),
            Ok(_) => match kept(store, kind, spec)? {
                Kept::Keep(leaf) => plan.keep.push(leaf),
                Kept::Reissue(reissue) => plan.reissue.push(reissue),
            },
        }
    }
    Ok(plan)
}

/// What becomes of an existing bundle a plan names (one at a time, moved
/// into the plan at once: its size does not matter).
#[allow(clippy::large_enum_variant)]
enum Kept {
    Keep(LeafIssued),
    Reissue(Reissue),
}

/// An existing bundle checked for keeping: kept when it chains to the CA
/// and covers the names of `spec`, reissued when it lacks some; refused
/// when another CA issued it.
fn kept(store: &Store, kind: Kind, spec: LeafSpec) -> Result<Kept> {
    let leaf = existing_leaf(store, kind, &spec.name)?;
    if !crate::lifecycle::chains_here(store, &leaf.issued.der)? {
        return Err(Error::KeptFromOtherCa {
            bundle: leaf.dir,
            kind,
            name: spec.name,
            issuer: leaf.issued.cert.issuer,
            ca: ca_subject(store)?,
        });
    }
    let have = &leaf.issued.cert.subject_alt_names;
    let lacking: Vec<&San> = spec
        .request
        .sans
        .iter()
        .filter(|want| !have.iter().any(|h| same_san(h, want)))
        .collect();
    if lacking.is_empty() {
        return Ok(Kept::Keep(leaf));
    }
    let names: Vec<String> = lacking.iter().map(ToString::to_string).collect();
    let reason = format!("it lacked {}", names.join(", "));
    let mut sans = have.clone();
    sans.extend(lacking.into_iter().cloned());
    let said = crate::lifecycle::RenewOptions {
        sans: Some(sans),
        ..Default::default()
    };
    let order = crate::lifecycle::replacing_order(
        store,
        kind,
        &spec.name,
        &said,
        || Ok(spec.request.clone()),
        (KeyType::Rsa2048, KeyFormat::Pkcs8),
    )?;
    Ok(Kept::Reissue(Reissue { order, reason }))
}

/// Whether two subjectAltNames name the same thing (DNS names in any case).
fn same_san(a: &San, b: &San) -> bool {
    match (a, b) {
        (San::Dns(a), San::Dns(b)) => a.eq_ignore_ascii_case(b),
        _ => a == b,
    }
}

/// The subject of the directory's CA certificate, `None` without one.
fn ca_subject(store: &Store) -> Result<Option<String>> {
    let path = store.ca_cert();
    let bytes = match read_file(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("reading", &path)(e)),
    };
    let what = path.display().to_string();
    let der = crate::encoding::certificates(&what, &bytes)?.remove(0);
    Ok(Some(CertSummary::from_der(&what, &der, false)?.subject))
}

/// A bundle that is already on disk, described as if just issued (no warnings).
pub fn existing_leaf(store: &Store, kind: Kind, name: &str) -> Result<LeafIssued> {
    let dir = store.path(&kind.rel_dir(name));
    let (key_name, cert_name) = kind.file_names();
    let cert_path = dir.join(cert_name);
    let bytes = crate::input::read_file(&cert_path).map_err(Error::io("reading", &cert_path))?;
    let what = cert_path.display().to_string();
    let der = crate::encoding::certificates(&what, &bytes)?.remove(0);
    let cert = CertSummary::from_der(&what, &der, false)?;
    Ok(LeafIssued {
        name: name.to_string(),
        issued: Issued {
            pem: crate::encoding::to_pem("CERTIFICATE", &der),
            der,
            cert,
            warnings: Vec::new(),
        },
        key_path: dir.join(key_name),
        ca_path: dir.join(store::CA_CERT),
        cert_path,
        dir,
    })
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

/// Signs a checked CSR with the CA, records it, and then writes it to `out`
/// when given (which must not exist). Returns the certificate.
pub fn sign_csr(
    store: &Store,
    ca: &Ca,
    csr: &Csr,
    request: &CertRequest,
    out: Option<&Path>,
    now: OffsetDateTime,
) -> Result<Issued> {
    let key = rcgen::SubjectPublicKeyInfo::from_der(&csr.spki)
        .map_err(Error::malformed("the CSR", Expected::PublicKey))?;
    ca.check_request(request, now)?;
    if let Some(out) = out.filter(|p| std::fs::symlink_metadata(p).is_ok()) {
        return Err(Error::Exists(out.to_path_buf()));
    }
    let lock = store.lock()?;
    ensure_current(store, ca)?;
    let mut index = lock.read_index()?;
    let serial = index.fresh_serial()?;
    let issued = ca.issue(request, &key, csr.key.is_rsa(), &serial, now)?;
    if let Some(out) = out.filter(|p| std::fs::symlink_metadata(p).is_ok()) {
        return Err(Error::Exists(out.to_path_buf()));
    }
    // Written beside its destination first, so that an --out that cannot be
    // written is refused before the index records anything.
    let prepared = out
        .map(|out| store::prepare_file(out, issued.pem.as_bytes(), Mode::Public))
        .transpose()?;
    let before = index.clone();
    // Recorded before it is handed out, as every issuance is.
    let file = out.map(|p| index_file_name(store, p)).unwrap_or_default();
    index.record(Entry::issued(
        serial,
        issued.cert.not_after,
        &file,
        &issued.cert.subject,
    ))?;
    lock.write_index(&index)?;
    if let Some(prepared) = prepared
        && let Err(e) = prepared.publish_new()
    {
        // Never handed out: the index goes back to what it was.
        lock.write_index(&before)?;
        return Err(e);
    }
    Ok(issued)
}

/// How the index of `store` names `path`: relative to the PKI directory
/// when inside it (as every bundle is), else absolute, so that commands run
/// from another directory find the file.
fn index_file_name(store: &Store, path: &Path) -> String {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let path = absolute(path);
    match path.strip_prefix(absolute(store.root())) {
        Ok(rel) => rel.display().to_string(),
        Err(_) => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;
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

    #[test]
    fn bundle_names() {
        for good in [
            "app",
            "db1.example.com",
            "*.example.com",
            "fe80::1",
            "o'k@x",
        ] {
            assert!(
                check_bundle_name(good).is_ok() != good.contains('\''),
                "{good}"
            );
        }
        for bad in ["", ".", "..", ".hidden", "-rf", "a/b", "a b", "tab\t"] {
            assert!(check_bundle_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn refused_characters_read_as_a_person_writes_them() {
        let message = |name: &str| check_bundle_name(name).unwrap_err().to_string();
        assert_eq!(
            message("o'k"),
            "invalid name \"o'k\": a quote (') is not allowed in a bundle name"
        );
        assert_eq!(
            message("a b"),
            "invalid name \"a b\": a space is not allowed in a bundle name"
        );
        assert_eq!(
            message("a#b"),
            "invalid name \"a#b\": the character \"#\" is not allowed in a bundle name"
        );
        assert_eq!(
            message("tab\t"),
            "invalid name \"tab\t\": a tab is not allowed in a bundle name"
        );
    }
}
