//! Renewing bundles: each selected bundle is read once and checked, its
//! request rebuilt from the certificate it holds, and all of them issued in
//! one transaction that archives the replaced bundles and marks their
//! serials superseded.

use std::collections::HashSet;
use std::path::PathBuf;

use time::OffsetDateTime;

use super::rebuild::{RenewOptions, rebuild};
use crate::bundle::{self, BundleId, LeafIssued};
use crate::ca::Ca;
use crate::cert::CertSummary;
use crate::error::{Error, Result};
use crate::index::{Index, Status};
use crate::issue::{BatchResult, BundleOrder, issue_bundles};
use crate::kind::Kind;
use crate::pki::issuers;
use crate::serial::Serial;
use crate::store::Store;

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
/// issued, before the first write): a bundle that is missing, incomplete, unreadable, whose
/// key does not match its certificate, that another CA issued or (named
/// explicitly) whose certificate is revoked refuses the whole renewal.
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
    let revoked: HashSet<&Serial> = index
        .entries
        .iter()
        .filter(|e| e.status == Status::Revoked)
        .map(|e| &e.serial)
        .collect();
    let issuers = issuers(store)?;
    let mut plan = RenewPlan::default();
    for bundle in bundles {
        let current = bundle::read_checked(store, &bundle, &issuers)?;
        let cert = current.leaf.issued.cert.clone();
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
