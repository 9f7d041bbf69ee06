//! The directory's CRL file (`crl.pem`): each CRL it holds, judged by its
//! nextUpdate as check-expiry judges it, and whether the file is due to be
//! written anew as `crl --within` decides it.

use std::path::PathBuf;

use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

use super::ca::Issuer;
use super::verdict::{Verdict, problems};
use crate::crl::{self, Published, Scope, Wanted, Which};
use crate::error::Result;
use crate::expiry::{CrlSummary, Level, Thresholds, crl_reason};
use crate::index::{Entry, Status};
use crate::pki::Roots;
use crate::store::Store;

/// One CRL of the file.
#[derive(Clone, Debug)]
pub struct CrlRow {
    pub crl: CrlSummary,
    /// The CA that signed it; [`Issuer::Other`] for a CA the directory
    /// no longer trusts.
    pub signed_by: Issuer,
    pub verdict: Verdict,
}

/// The CRL file.
#[derive(Clone, Debug)]
pub struct CrlFile {
    pub path: PathBuf,
    pub crls: Vec<CrlRow>,
    /// Why `crl --within` with check-expiry's warning window would write
    /// it anew (a CRL missing, a nextUpdate within the window, a revocation
    /// it does not list yet), or `None`.
    pub due: Option<String>,
    /// Problems with the file: unreadable, or due while none of its CRLs
    /// raises the status already.
    pub flags: Vec<Verdict>,
}

impl CrlFile {
    /// The CRL file of `store`, `None` when there is none. `revoked` are
    /// the index's revoked entries.
    pub(super) fn read(
        store: &Store,
        roots: &Roots,
        revoked: &[Entry],
        thresholds: Thresholds,
        now: OffsetDateTime,
    ) -> Result<Option<CrlFile>> {
        let path = store.path(crl::CRL_FILE);
        let published = match crl::read_published(&path) {
            Ok(None) => return Ok(None),
            Ok(Some(p)) => p,
            Err(e) => {
                return Ok(Some(CrlFile {
                    path,
                    crls: Vec::new(),
                    due: None,
                    flags: vec![Verdict::new(Level::Unknown, format!("cannot read: {e}"))],
                }));
            }
        };
        let cas = signing_cas(roots);
        let crls: Vec<CrlRow> = published
            .iter()
            .filter_map(|p| row(p, &cas, thresholds, now))
            .collect();
        let scope = Scope::load(store)?;
        let wanted: Vec<Wanted<'_>> = cas
            .iter()
            .map(|(der, subject, which)| Wanted::of(der, subject, *which, revoked, &scope))
            .collect();
        let due = crl::why_due(&published, &wanted, now, thresholds.warn);
        let mut flags = Vec::new();
        if let Some(why) = &due
            && !crls.iter().any(|r| r.verdict.level.raises())
        {
            flags.push(Verdict::warning(format!(
                "due: {why}: certgen crl writes it anew"
            )));
        }
        Ok(Some(CrlFile {
            path,
            crls,
            due,
            flags,
        }))
    }

    /// The CRLs' verdicts and the file's flags that raise the status.
    pub fn problems(&self) -> impl Iterator<Item = &Verdict> {
        self.crls
            .iter()
            .flat_map(|r| problems(&r.verdict, &[]))
            .chain(&self.flags)
    }
}

/// The CAs that sign the file's CRLs: the CA, and the old roots of a
/// changeover; each DER, subject and role.
fn signing_cas(roots: &Roots) -> Vec<(&[u8], String, Which)> {
    let subject = |der: &[u8]| {
        X509Certificate::from_der(der)
            .map(|(_, c)| crate::name::oneline(c.subject()))
            .unwrap_or_default()
    };
    let ca = roots
        .ca
        .first()
        .map(|der| (der.as_slice(), subject(der), Which::Current));
    ca.into_iter()
        .chain(roots.old().map(|der| (der, subject(der), Which::Old)))
        .collect()
}

fn row(
    p: &Published,
    cas: &[(&[u8], String, Which)],
    thresholds: Thresholds,
    now: OffsetDateTime,
) -> Option<CrlRow> {
    let (_, parsed) = CertificateRevocationList::from_der(&p.der).ok()?;
    let crl = CrlSummary::of(&parsed);
    let signed_by = match cas.iter().find(|(der, _, _)| p.signed_by(der)) {
        Some((_, _, Which::Current)) => Issuer::Ca,
        Some((_, _, Which::Old)) => Issuer::OldCa,
        None => Issuer::Other,
    };
    let verdict = Verdict::new(
        thresholds.crl_level(crl.this_update, crl.next_update, now),
        crl_reason(crl.this_update, crl.next_update, now),
    );
    Some(CrlRow {
        crl,
        signed_by,
        verdict,
    })
}

/// The revoked entries of an index's lines, as a CRL is made of them.
pub(super) fn revoked(entries: &[Entry]) -> Vec<Entry> {
    entries
        .iter()
        .filter(|e| e.status == Status::Revoked)
        .cloned()
        .collect()
}
