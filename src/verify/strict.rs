//! RFC 5280 rules webpki leaves unchecked, applied to every candidate path
//! webpki finds, so a path that breaks one is refused and the next one tried.

use std::collections::HashSet;

use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::FromDer;

use super::report::Rejection;
use crate::name::oneline;

type Checked = Result<(), Rejection>;

/// Checks a path given from the leaf to the trusted root.
pub(crate) fn check_path(ders: &[Vec<u8>], _now: OffsetDateTime) -> Checked {
    let certs = ders
        .iter()
        .map(|d| {
            X509Certificate::from_der(d)
                .map(|(_, c)| c)
                .map_err(|e| Rejection::invalid(format!("malformed certificate: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    for (i, cert) in certs.iter().enumerate() {
        let is_root = i + 1 == certs.len() && i > 0;
        every_cert(cert, is_root)?;
        if i > 0 {
            issuer_cert(cert, is_root)?;
        }
    }
    Ok(())
}

/// Rules for every certificate in the path.
fn every_cert(cert: &X509Certificate<'_>, is_root: bool) -> Checked {
    let who = || oneline(cert.subject());
    let validity = cert.validity();
    if validity.not_before.to_datetime() > validity.not_after.to_datetime() {
        return Err(Rejection::invalid(format!(
            "{}: notBefore is after notAfter",
            who()
        )));
    }
    let mut seen = HashSet::new();
    for ext in cert.extensions() {
        if !seen.insert(ext.oid.to_id_string()) {
            return Err(Rejection::invalid(format!(
                "{}: extension {} appears twice (RFC 5280 4.2)",
                who(),
                ext.oid
            )));
        }
        let unknown = matches!(
            ext.parsed_extension(),
            ParsedExtension::UnsupportedExtension { .. }
        );
        if ext.critical && unknown && !is_root {
            return Err(Rejection::invalid(format!(
                "{}: critical extension {} is not understood",
                who(),
                ext.oid
            )));
        }
    }
    Ok(())
}

/// Rules for certificates that issue others: intermediates and the root.
fn issuer_cert(cert: &X509Certificate<'_>, _is_root: bool) -> Checked {
    let who = || oneline(cert.subject());
    if let Ok(Some(ku)) = cert.key_usage()
        && !ku.value.key_cert_sign()
    {
        return Err(Rejection::ca(format!(
            "{}: keyUsage does not allow signing certificates (keyCertSign)",
            who()
        )));
    }
    Ok(())
}
