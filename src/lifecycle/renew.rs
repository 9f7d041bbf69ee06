//! Renewing bundles: each selected bundle is read once and checked, its
//! request rebuilt from the certificate it holds, and all of them issued in
//! one transaction that archives the replaced bundles and marks their
//! serials superseded.

use std::collections::HashMap;
use std::path::PathBuf;

use time::OffsetDateTime;

use super::rebuild::{RenewOptions, rebuild};
use crate::bundle::{self, BundleId, Current, LeafIssued, SkipReason};
use crate::ca::Ca;
use crate::cert::CertSummary;
use crate::error::{Error, Result};
use crate::index::{Entry, Index, Status};
use crate::issue::{BatchResult, BundleOrder, issue_bundles};
use crate::kind::Kind;
use crate::pki::issuers;
use crate::serial::Serial;
use crate::store::Store;

/// Which bundles to renew.
#[derive(Clone, Debug)]
pub enum Selection {
    /// Every bundle under `servers/` and `users/`; bundles whose certificate
    /// is revoked, superseded or of another CA are skipped, not refused.
    All,
    /// Bundles by name: `None` looks under both `servers/` and `users/`, and
    /// a name found in both is ambiguous.
    Named(Vec<(Option<Kind>, String)>),
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
    pub(super) order: BundleOrder,
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
    pub leaf: LeafIssued,
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
/// writing nothing (each request is checked against the CA when it is
/// issued, before the first write): a bundle that is missing, incomplete,
/// unreadable, or whose key does not match its certificate refuses the
/// whole renewal; so does, named explicitly, one whose certificate is
/// revoked, superseded or of another CA, which [`Selection::All`] skips.
pub fn plan(
    store: &Store,
    selection: &Selection,
    opts: &RenewOptions,
    now: OffsetDateTime,
) -> Result<RenewPlan> {
    store.recover()?;
    if opts.reuse_key && (opts.key_type.is_some() || opts.key_format.is_some()) {
        return Err(Error::ReuseKeyWithKeyOptions);
    }
    let (bundles, all) = match selection {
        Selection::All => (bundle::all(store)?, true),
        Selection::Named(names) => (bundle::find_all(store, names)?, false),
    };
    let index = Index::load(&store.index())?;
    let revoked: HashMap<&Serial, &Entry> = index
        .entries
        .iter()
        .filter(|e| e.status == Status::Revoked)
        .map(|e| (&e.serial, e))
        .collect();
    let issuers = issuers(store)?;
    let mut plan = RenewPlan::default();
    for bundle in bundles {
        let (cert, current) = match read_renewable(store, &bundle, &issuers, &revoked)? {
            (cert, Ok(current)) => (cert, current),
            (cert, Err((reason, _))) if all => {
                plan.skipped.push(Skipped {
                    bundle,
                    certificate: cert,
                    reason,
                });
                continue;
            }
            (_, Err((_, e))) => return Err(e),
        };
        let skip = if opts.within.is_some_and(|w| cert.not_after - now > w) {
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
        plan.renew.push(Renewal {
            bundle,
            replaces: cert,
            order,
        });
    }
    Ok(plan)
}

/// A bundle checked for renewal, or why it is not renewed and the error
/// that refuses it when it is named.
type Renewable = std::result::Result<Current, (SkipReason, Error)>;

/// A bundle as renewal reads it: its certificate, and the bundle checked,
/// or why it is not renewed (revoked, superseded or of another CA) with
/// the error that refuses it when it is named. Revocation is looked at
/// first: a bundle revoked under a CA rotated out since is revoked, not
/// foreign.
fn read_renewable(
    store: &Store,
    bundle: &BundleId,
    issuers: &[Vec<u8>],
    revoked: &HashMap<&Serial, &Entry>,
) -> Result<(CertSummary, Renewable)> {
    let (cert, checked) = match bundle::read_checked(store, bundle, issuers) {
        Ok(current) => (current.leaf.issued.cert.clone(), Ok(current)),
        Err(e @ Error::NotIssuedHere { .. }) => {
            let leaf = bundle::read_leaf(store, bundle.kind, &bundle.name)?;
            (leaf.issued.cert, Err((SkipReason::OtherCa, e)))
        }
        Err(e) => return Err(e),
    };
    let (kind, name, serial) = (bundle.kind, bundle.name.clone(), cert.serial.clone());
    let outcome = match SkipReason::of_revocation(revoked.get(&cert.serial).copied()) {
        Some(SkipReason::Superseded) => Err((
            SkipReason::Superseded,
            Error::BundleSuperseded { kind, name, serial },
        )),
        Some(reason) => Err((reason, Error::BundleRevoked { kind, name, serial })),
        None => checked,
    };
    Ok((cert, outcome))
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
