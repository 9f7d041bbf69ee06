//! The directory's CA and, during a CA changeover (`rotate-ca` until
//! `--finish`), the old root trusted beside it.

use time::OffsetDateTime;

use super::verdict::{Verdict, problems};
use crate::cert::CertSummary;
use crate::error::{Error, Result};
use crate::expiry::Thresholds;
use crate::pki::Roots;
use crate::store::{self, Store};

/// Which of the directory's CAs a certificate is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The CA (`ca-cert.pem`), which issues.
    Ca,
    /// The old root of a changeover (`ca-bundle.pem`), still trusted.
    OldCa,
}

/// Which of the directory's CAs issued a certificate or signed a CRL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Issuer {
    /// The CA.
    Ca,
    /// The old root of a changeover.
    OldCa,
    /// Neither: another CA, or one the directory no longer trusts.
    Other,
}

/// A CA certificate, judged by its notAfter as check-expiry judges it.
#[derive(Clone, Debug)]
pub struct CaCert {
    pub role: Role,
    pub cert: CertSummary,
    pub verdict: Verdict,
}

impl CaCert {
    pub(super) fn judged(
        role: Role,
        what: &str,
        der: &[u8],
        thresholds: Thresholds,
        now: OffsetDateTime,
    ) -> Result<CaCert> {
        let cert = CertSummary::from_der(what, der, false)?;
        let (level, reason) = thresholds.classify(cert.not_before, cert.not_after, now);
        Ok(CaCert {
            role,
            cert,
            verdict: Verdict::new(level, reason),
        })
    }

    /// Its verdict, when it raises the status.
    pub fn problems(&self) -> impl Iterator<Item = &Verdict> {
        problems(&self.verdict, &[])
    }
}

/// A CA changeover in progress: `ca-bundle.pem` holds the new root and the
/// old, and both issue certificates the directory's bundles may hold.
#[derive(Clone, Debug)]
pub struct Changeover {
    /// The old roots (one, as `rotate-ca` starts a changeover).
    pub old: Vec<CaCert>,
    /// Whether the old CA's key and certificate are kept
    /// (`ca-old-key.pem`, `ca-old-cert.pem`): what signs its CRL.
    pub old_key_kept: bool,
    /// The bundles whose certificate an old root issued: `renew --all`
    /// re-issues them under the new CA, then `rotate-ca --finish` ends the
    /// changeover.
    pub on_old_ca: usize,
    /// Problems with the changeover itself.
    pub flags: Vec<Verdict>,
}

impl Changeover {
    /// The changeover `roots` show, if any. `crl_file`: whether the
    /// directory has a CRL file, which needs the old CA's key to be
    /// written during the changeover.
    pub(super) fn read(
        store: &Store,
        roots: &Roots,
        crl_file: bool,
        thresholds: Thresholds,
        now: OffsetDateTime,
    ) -> Result<Option<Changeover>> {
        if roots.bundle.is_none() {
            return Ok(None);
        }
        let what = store.path(store::CA_BUNDLE).display().to_string();
        let old = roots
            .old()
            .map(|der| CaCert::judged(Role::OldCa, &what, der, thresholds, now))
            .collect::<Result<Vec<_>>>()?;
        let old_key_kept = [store::CA_OLD_KEY, store::CA_OLD_CERT]
            .iter()
            .all(|f| std::fs::symlink_metadata(store.path(f)).is_ok());
        let mut flags = Vec::new();
        if !old_key_kept && crl_file {
            let why = Error::NoOldCaKey {
                dir: store.root().to_path_buf(),
            };
            flags.push(Verdict::warning(format!(
                "{why}: certgen crl cannot write the CRL file until rotate-ca --finish"
            )));
        }
        Ok(Some(Changeover {
            old,
            old_key_kept,
            on_old_ca: 0,
            flags,
        }))
    }

    /// The old roots' verdicts and the changeover's flags that raise the
    /// status.
    pub fn problems(&self) -> impl Iterator<Item = &Verdict> {
        self.old
            .iter()
            .flat_map(CaCert::problems)
            .chain(&self.flags)
    }
}
