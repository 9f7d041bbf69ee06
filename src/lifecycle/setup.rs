//! What `setup` does with each bundle it names: issue the missing ones, keep
//! those that exist (when they chain to the CA and name what is asked), and
//! reissue existing servers that lack a name.

use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

use super::rebuild::{RenewOptions, order_for};
use crate::bundle::{LeafIssued, read_leaf};
use crate::ca::Ca;
use crate::error::{Error, Expected, Result};
use crate::issue::{BatchOptions, BundleOrder, LeafSpec, issue_bundles};
use crate::key_type::{KeyFormat, KeyType};
use crate::kind::Kind;
use crate::name::San;
use crate::pki::{ca_subject, issued_by_one_of, issuers};
use crate::store::Store;

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
            .map(|spec| BundleOrder::new(opts.kind, spec, opts.new_key(), opts.force))
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
    let leaf = read_leaf(store, kind, &spec.name)?;
    let (_, cert) = X509Certificate::from_der(&leaf.issued.der).map_err(Error::malformed(
        "a kept certificate",
        Expected::Certificate,
    ))?;
    if !issued_by_one_of(&cert, &issuers(store)?) {
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
    let said = RenewOptions {
        sans: Some(sans),
        ..Default::default()
    };
    let order = order_for(
        store,
        kind,
        &spec.name,
        true,
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
