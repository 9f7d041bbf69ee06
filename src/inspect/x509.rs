//! Summaries of certificates, CSRs and CRLs as `inspect` shows them.

use serde::Serialize;
use time::OffsetDateTime;
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

use crate::cert::{CertSummary, algorithm_name, alt_name, sha256_fingerprint};
use crate::error::{Error, Expected, Result};
use crate::keys::KeyInfo;
use crate::name::{San, oneline};
use crate::serial::Serial;

/// A certificate as `inspect` shows it: the summary every command reports,
/// and the days left at the inspection time.
#[derive(Clone, Debug, Serialize)]
pub struct CertDetails {
    #[serde(flatten)]
    pub cert: CertSummary,
    /// Whole days from the inspection time to notAfter, rounded down.
    pub days_left: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct CsrDetails {
    pub subject: String,
    pub subject_alt_names: Vec<San>,
    pub key: KeyInfo,
    pub signature_algorithm: String,
    /// Whether the request is signed by its own key, as it must be.
    pub signature_valid: bool,
    pub public_key_sha256: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct CrlDetails {
    pub issuer: String,
    #[serde(with = "crate::rfc3339")]
    pub this_update: OffsetDateTime,
    #[serde(with = "crate::rfc3339::option")]
    pub next_update: Option<OffsetDateTime>,
    pub crl_number: Option<String>,
    pub signature_algorithm: String,
    pub revoked: Vec<RevokedEntry>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RevokedEntry {
    pub serial: Serial,
    #[serde(with = "crate::rfc3339")]
    pub revoked_at: OffsetDateTime,
    /// As `openssl ca` writes it (`keyCompromise`), and `list` reports it.
    pub revocation_reason: Option<&'static str>,
}

fn trailing(what: &str, expected: Expected, bytes: usize) -> Error {
    Error::TrailingData {
        what: what.to_string(),
        expected,
        bytes,
    }
}

/// `trailing_ok` for OpenSSL's TRUSTED CERTIFICATE, which appends trust data.
pub fn certificate(
    what: &str,
    der: &[u8],
    now: OffsetDateTime,
    trailing_ok: bool,
) -> Result<CertDetails> {
    let cert = CertSummary::from_der(what, der, trailing_ok)?;
    Ok(CertDetails {
        days_left: cert.days_left(now),
        cert,
    })
}

pub fn csr(what: &str, der: &[u8]) -> Result<CsrDetails> {
    let (rest, req) = X509CertificationRequest::from_der(der)
        .map_err(Error::malformed(what, Expected::CertificateRequest))?;
    if !rest.is_empty() {
        return Err(trailing(what, Expected::CertificateRequest, rest.len()));
    }
    let info = &req.certification_request_info;
    let mut sans = Vec::new();
    for ext in req.requested_extensions().into_iter().flatten() {
        if let ParsedExtension::SubjectAlternativeName(san) = ext {
            sans = san.general_names.iter().map(alt_name).collect();
        }
    }
    Ok(CsrDetails {
        subject: oneline(&info.subject),
        subject_alt_names: sans,
        key: KeyInfo::from_spki(&info.subject_pki),
        signature_algorithm: algorithm_name(&req.signature_algorithm.algorithm),
        signature_valid: crate::signed::check(der, crate::signed::Kind::Csr).is_ok()
            && crate::signed::verify(
                &info.subject_pki,
                &req.signature_algorithm,
                &req.signature_value,
                info.raw,
            )
            .is_ok(),
        public_key_sha256: sha256_fingerprint(info.subject_pki.raw),
    })
}

pub fn crl(what: &str, der: &[u8]) -> Result<CrlDetails> {
    let (rest, crl) =
        CertificateRevocationList::from_der(der).map_err(Error::malformed(what, Expected::Crl))?;
    if !rest.is_empty() {
        return Err(trailing(what, Expected::Crl, rest.len()));
    }
    let revoked = crl
        .iter_revoked_certificates()
        .map(|r| RevokedEntry {
            serial: Serial::from_bytes(r.raw_serial()),
            revoked_at: r.revocation_date.to_datetime(),
            revocation_reason: r
                .reason_code()
                .map(|(_, code)| crate::index::reason_name(code.0)),
        })
        .collect();
    Ok(CrlDetails {
        issuer: oneline(crl.issuer()),
        this_update: crl.last_update().to_datetime(),
        next_update: crl.next_update().map(|t| t.to_datetime()),
        crl_number: crl.crl_number().map(|n| n.to_str_radix(16).to_uppercase()),
        signature_algorithm: algorithm_name(&crl.signature_algorithm.algorithm),
        revoked,
    })
}
