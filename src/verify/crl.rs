//! Revocation (`verify --crl`): the leaf's serial must not be listed in a CRL
//! of its issuer that verifies with the issuer's key and is current at the
//! instant of validation, as `openssl verify -crl_check` decides. A file may
//! hold CRLs of several CAs of the same name (during a CA changeover, the old
//! root's and the new one's): the issuer's is the one its key signed.

use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

use super::report::Rejection;
use crate::index::reason_name;
use crate::name::oneline;
use crate::serial::Serial;
use crate::signed::crl_signed_by;

/// Checks `leaf`, signed by `issuer`, against the CRLs (DER) given.
pub(crate) fn check(
    crls: &[Vec<u8>],
    leaf: &X509Certificate<'_>,
    issuer: &X509Certificate<'_>,
    now: OffsetDateTime,
) -> Result<(), Rejection> {
    let parsed: Vec<CertificateRevocationList<'_>> = crls
        .iter()
        .filter_map(|der| {
            CertificateRevocationList::from_der(der)
                .ok()
                .map(|(_, c)| c)
        })
        .collect();
    let issuer_name = oneline(leaf.issuer());
    let of_issuer: Vec<&CertificateRevocationList<'_>> = parsed
        .iter()
        .filter(|c| c.issuer().as_raw() == leaf.issuer().as_raw())
        .collect();
    if of_issuer.is_empty() {
        return Err(unusable(format!("no CRL of {issuer_name} was given")));
    }
    if let Ok(Some(ku)) = issuer.key_usage()
        && !ku.value.crl_sign()
    {
        return Err(unusable(format!(
            "{issuer_name} may not sign CRLs (its keyUsage lacks cRLSign)"
        )));
    }
    // Two CAs may share a name (a CA rotated with its subject kept): as
    // OpenSSL does, the CRL that counts is one the issuer's key signed, and
    // of those a current one.
    let signed: Vec<&CertificateRevocationList<'_>> = of_issuer
        .into_iter()
        .filter(|c| crl_signed_by(c, issuer.public_key()))
        .collect();
    let crl = signed
        .iter()
        .find(|c| {
            c.last_update().to_datetime() <= now
                && c.next_update().is_none_or(|t| t.to_datetime() >= now)
        })
        .or_else(|| signed.first())
        .ok_or_else(|| {
            unusable(format!(
                "the CRL of {issuer_name} is not signed by the issuer's key"
            ))
        })?;
    let this_update = crl.last_update().to_datetime();
    if this_update > now {
        return Err(unusable(format!(
            "the CRL of {issuer_name} is not valid before {}",
            crate::rfc3339::format(this_update)
        )));
    }
    if let Some(next) = crl.next_update().map(|t| t.to_datetime())
        && next < now
    {
        return Err(unusable(format!(
            "the CRL of {issuer_name} expired on {}",
            crate::rfc3339::format(next)
        )));
    }
    let serial = Serial::from_bytes(leaf.raw_serial());
    let entry = crl
        .iter_revoked_certificates()
        .find(|r| Serial::from_bytes(r.raw_serial()) == serial);
    match entry {
        Some(r) => Err(Rejection::Revoked {
            serial: serial.to_string(),
            revoked_at: r.revocation_date.to_datetime(),
            reason: r
                .reason_code()
                .map_or("unspecified", |(_, code)| reason_name(code.0)),
        }),
        None => Ok(()),
    }
}

fn unusable(detail: String) -> Rejection {
    Rejection::CrlUnusable { detail }
}
