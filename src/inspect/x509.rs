//! Summaries of certificates, CSRs and CRLs as `inspect` shows them.

use std::net::IpAddr;

use serde::Serialize;
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::extensions::{ExtendedKeyUsage, GeneralName, KeyUsage, ParsedExtension};
use x509_parser::objects::{oid_registry, oid2sn};
use x509_parser::oid_registry::Oid;
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

use super::{rfc3339, sha256_hex};
use crate::error::{Error, Expected, Result};
use crate::index::Serial;
use crate::keys::KeyInfo;
use crate::name::oneline;

#[derive(Clone, Debug, Serialize)]
pub struct CertDetails {
    pub version: u32,
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    /// Whole days from the inspection time to notAfter, rounded down.
    pub days_left: i64,
    pub subject_alt_names: Vec<String>,
    pub key: KeyInfo,
    pub key_usage: Vec<&'static str>,
    pub extended_key_usage: Vec<String>,
    pub basic_constraints: Option<BasicConstraints>,
    pub signature_algorithm: String,
    /// SHA-256 of the DER certificate, colon-separated hex.
    pub sha256_fingerprint: String,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct BasicConstraints {
    pub ca: bool,
    pub path_len: Option<u32>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CsrDetails {
    pub subject: String,
    pub subject_alt_names: Vec<String>,
    pub key: KeyInfo,
    pub signature_algorithm: String,
    /// Whether the request is signed by its own key, as it must be.
    pub signature_valid: bool,
    pub public_key_sha256: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct CrlDetails {
    pub issuer: String,
    pub this_update: String,
    pub next_update: Option<String>,
    pub crl_number: Option<String>,
    pub signature_algorithm: String,
    pub revoked: Vec<RevokedEntry>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RevokedEntry {
    pub serial: String,
    pub revoked_at: String,
    pub reason: Option<String>,
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
    let (rest, cert) =
        X509Certificate::from_der(der).map_err(Error::malformed(what, Expected::Certificate))?;
    if !rest.is_empty() && !trailing_ok {
        return Err(trailing(what, Expected::Certificate, rest.len()));
    }
    let validity = cert.validity();
    let not_after = validity.not_after.to_datetime();
    let mut sans = Vec::new();
    let mut key_usage = Vec::new();
    let mut eku = Vec::new();
    let mut basic = None;
    for ext in cert.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(san) => {
                sans = general_names(&san.general_names)
            }
            ParsedExtension::KeyUsage(ku) => key_usage = key_usage_names(ku),
            ParsedExtension::ExtendedKeyUsage(e) => eku = eku_names(e),
            ParsedExtension::BasicConstraints(bc) => {
                basic = Some(BasicConstraints {
                    ca: bc.ca,
                    path_len: bc.path_len_constraint,
                })
            }
            _ => {}
        }
    }
    Ok(CertDetails {
        version: cert.version().0 + 1,
        subject: oneline(cert.subject()),
        issuer: oneline(cert.issuer()),
        serial: Serial::from_bytes(cert.raw_serial()).to_string(),
        not_before: rfc3339(validity.not_before.to_datetime()),
        not_after: rfc3339(not_after),
        days_left: (not_after - now).whole_seconds().div_euclid(86_400),
        subject_alt_names: sans,
        key: KeyInfo::from_spki(cert.public_key()),
        key_usage,
        extended_key_usage: eku,
        basic_constraints: basic,
        signature_algorithm: algorithm_name(&cert.signature_algorithm.algorithm),
        sha256_fingerprint: sha256_hex(&der[..der.len() - rest.len()]),
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
            sans = general_names(&san.general_names);
        }
    }
    Ok(CsrDetails {
        subject: oneline(&info.subject),
        subject_alt_names: sans,
        key: KeyInfo::from_spki(&info.subject_pki),
        signature_algorithm: algorithm_name(&req.signature_algorithm.algorithm),
        signature_valid: req.verify_signature().is_ok(),
        public_key_sha256: sha256_hex(info.subject_pki.raw),
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
            serial: Serial::from_bytes(r.raw_serial()).to_string(),
            revoked_at: rfc3339(r.revocation_date.to_datetime()),
            reason: r.reason_code().map(|(_, code)| code.to_string()),
        })
        .collect();
    Ok(CrlDetails {
        issuer: oneline(crl.issuer()),
        this_update: rfc3339(crl.last_update().to_datetime()),
        next_update: crl.next_update().map(|t| rfc3339(t.to_datetime())),
        crl_number: crl.crl_number().map(|n| n.to_str_radix(16).to_uppercase()),
        signature_algorithm: algorithm_name(&crl.signature_algorithm.algorithm),
        revoked,
    })
}

fn general_names(names: &[GeneralName<'_>]) -> Vec<String> {
    names
        .iter()
        .map(|n| match n {
            GeneralName::DNSName(s) => format!("DNS:{s}"),
            GeneralName::RFC822Name(s) => format!("email:{s}"),
            GeneralName::URI(s) => format!("URI:{s}"),
            GeneralName::IPAddress(b) => format!("IP:{}", ip(b)),
            GeneralName::DirectoryName(name) => format!("DirName:{}", oneline(name)),
            GeneralName::RegisteredID(oid) => format!("RID:{oid}"),
            other => format!("other:{other:?}"),
        })
        .collect()
}

fn ip(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).map(|a| IpAddr::from(a).to_string()),
        16 => <[u8; 16]>::try_from(bytes).map(|a| IpAddr::from(a).to_string()),
        _ => return format!("<{} bytes>", bytes.len()),
    }
    .unwrap_or_default()
}

fn key_usage_names(ku: &KeyUsage) -> Vec<&'static str> {
    [
        (ku.digital_signature(), "digitalSignature"),
        (ku.non_repudiation(), "nonRepudiation"),
        (ku.key_encipherment(), "keyEncipherment"),
        (ku.data_encipherment(), "dataEncipherment"),
        (ku.key_agreement(), "keyAgreement"),
        (ku.key_cert_sign(), "keyCertSign"),
        (ku.crl_sign(), "cRLSign"),
        (ku.encipher_only(), "encipherOnly"),
        (ku.decipher_only(), "decipherOnly"),
    ]
    .into_iter()
    .filter_map(|(set, name)| set.then_some(name))
    .collect()
}

fn eku_names(e: &ExtendedKeyUsage<'_>) -> Vec<String> {
    let known = [
        (e.any, "anyExtendedKeyUsage"),
        (e.server_auth, "serverAuth"),
        (e.client_auth, "clientAuth"),
        (e.code_signing, "codeSigning"),
        (e.email_protection, "emailProtection"),
        (e.time_stamping, "timeStamping"),
        (e.ocsp_signing, "OCSPSigning"),
    ];
    let mut out: Vec<String> = known
        .into_iter()
        .filter(|(set, _)| *set)
        .map(|(_, name)| name.to_string())
        .collect();
    out.extend(e.other.iter().map(|oid| oid.to_id_string()));
    out
}

fn algorithm_name(oid: &Oid<'_>) -> String {
    oid2sn(oid, oid_registry())
        .map(str::to_string)
        .unwrap_or_else(|_| oid.to_id_string())
}
