//! The one certificate summary every command reports: `issue-*`, `sign`,
//! `inspect`, `list`, `verify` and `check-expiry` print the same fields, under
//! the same names, in the same formats (RFC 3339 UTC times, serials in
//! upper-case hex as `openssl x509 -serial` and `index.txt` write them, SANs as
//! `DNS:x`/`IP:x`/`email:x`/`URI:x`).

use std::net::IpAddr;

use serde::Serialize;
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{ExtendedKeyUsage, GeneralName, KeyUsage, ParsedExtension};
use x509_parser::objects::{oid_registry, oid2sn};
use x509_parser::oid_registry::Oid;
use x509_parser::prelude::FromDer;

use crate::error::{Error, Expected, Result};
use crate::keys::KeyInfo;
use crate::name::{San, oneline};
use crate::serial::Serial;

/// What a certificate says about itself, as operators read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertSummary {
    /// 1 or 3.
    pub version: u32,
    /// Subject and issuer in `X509_NAME_oneline` form (what MySQL compares).
    pub subject: String,
    pub issuer: String,
    pub serial: Serial,
    #[serde(with = "crate::rfc3339")]
    pub not_before: OffsetDateTime,
    #[serde(with = "crate::rfc3339")]
    pub not_after: OffsetDateTime,
    pub subject_alt_names: Vec<San>,
    pub key: KeyInfo,
    pub key_usage: Vec<&'static str>,
    pub extended_key_usage: Vec<String>,
    pub basic_constraints: Option<BasicConstraints>,
    pub signature_algorithm: String,
    /// SHA-256 of the DER certificate, as `openssl x509 -fingerprint -sha256` prints it.
    pub sha256_fingerprint: String,
    /// SHA-256 of the DER SubjectPublicKeyInfo: equal for a certificate, its
    /// key and its CSR, so a key and its certificate match at a glance.
    pub public_key_sha256: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BasicConstraints {
    pub ca: bool,
    pub path_len: Option<u32>,
}

impl CertSummary {
    /// Parses one DER certificate. `trailing_ok` for OpenSSL's TRUSTED
    /// CERTIFICATE, which appends trust settings after it.
    pub fn from_der(what: &str, der: &[u8], trailing_ok: bool) -> Result<CertSummary> {
        let (rest, cert) = X509Certificate::from_der(der)
            .map_err(Error::malformed(what, Expected::Certificate))?;
        if !rest.is_empty() && !trailing_ok {
            return Err(Error::TrailingData {
                what: what.to_string(),
                expected: Expected::Certificate,
                bytes: rest.len(),
            });
        }
        Ok(CertSummary::of(&cert))
    }

    /// The summary of a parsed certificate.
    pub fn of(cert: &X509Certificate<'_>) -> CertSummary {
        let mut sans = Vec::new();
        let mut key_usage = Vec::new();
        let mut eku = Vec::new();
        let mut basic = None;
        for ext in cert.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::SubjectAlternativeName(san) => {
                    sans = san.general_names.iter().map(alt_name).collect()
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
        let validity = cert.validity();
        CertSummary {
            version: cert.version().0 + 1,
            subject: oneline(cert.subject()),
            issuer: oneline(cert.issuer()),
            serial: Serial::from_bytes(cert.raw_serial()),
            not_before: validity.not_before.to_datetime(),
            not_after: validity.not_after.to_datetime(),
            subject_alt_names: sans,
            key: KeyInfo::from_spki(cert.public_key()),
            key_usage,
            extended_key_usage: eku,
            basic_constraints: basic,
            signature_algorithm: algorithm_name(&cert.signature_algorithm.algorithm),
            sha256_fingerprint: sha256_fingerprint(cert.as_raw()),
            public_key_sha256: sha256_fingerprint(cert.public_key().raw),
        }
    }

    /// Whole days from `now` to notAfter, rounded down (negative once expired).
    pub fn days_left(&self, now: OffsetDateTime) -> i64 {
        days_left((self.not_after - now).whole_seconds())
    }
}

/// Whole days in `seconds`, rounded down: a certificate with 23 hours left has
/// 0 days left, one that expired an hour ago -1.
pub fn days_left(seconds: i64) -> i64 {
    seconds.div_euclid(86_400)
}

/// One subjectAltName as certgen writes it, whatever its type.
pub fn alt_name(name: &GeneralName<'_>) -> San {
    match name {
        GeneralName::DNSName(s) => San::Dns(s.to_string()),
        GeneralName::RFC822Name(s) => San::Email(s.to_string()),
        GeneralName::URI(s) => San::Uri(s.to_string()),
        GeneralName::IPAddress(b) => match ip(b) {
            Some(ip) => San::Ip(ip),
            None => San::Other(format!("IP:<{} bytes>", b.len())),
        },
        GeneralName::DirectoryName(name) => San::DirName(oneline(name)),
        GeneralName::RegisteredID(oid) => San::Other(format!("RID:{oid}")),
        GeneralName::OtherName(oid, _) => San::Other(format!("othername:{oid}")),
        GeneralName::X400Address(_) => San::Other("X400Name:<unsupported>".into()),
        GeneralName::EDIPartyName(_) => San::Other("EdiPartyName:<unsupported>".into()),
        GeneralName::Invalid(tag, _) => San::Other(format!("invalid:[{}]", tag.0)),
    }
}

/// An address from the 4 or 16 bytes of an iPAddress name.
pub fn ip(bytes: &[u8]) -> Option<IpAddr> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).ok().map(IpAddr::from),
        16 => <[u8; 16]>::try_from(bytes).ok().map(IpAddr::from),
        _ => None,
    }
}

/// SHA-256 as colon-separated upper-case hex, as `openssl x509 -fingerprint` prints it.
pub fn sha256_fingerprint(data: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data);
    let mut out = String::with_capacity(digest.as_ref().len() * 3);
    for (i, b) in digest.as_ref().iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
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

/// OpenSSL's short name for an algorithm (`ecdsa-with-SHA256`), else the OID.
pub fn algorithm_name(oid: &Oid<'_>) -> String {
    oid2sn(oid, oid_registry())
        .map(str::to_string)
        .unwrap_or_else(|_| oid.to_id_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_down() {
        assert_eq!(days_left(86_399), 0);
        assert_eq!(days_left(86_400), 1);
        assert_eq!(days_left(-1), -1);
    }

    #[test]
    fn fingerprints_are_openssl_hex() {
        let fp = sha256_fingerprint(b"");
        assert!(fp.starts_with("E3:B0:C4:42:98:FC"), "{fp}");
        assert_eq!(fp.len(), 32 * 3 - 1);
    }
}
