//! Just enough of a certificate for an expiry check: serial, issuer,
//! validity and subject, read from the start of the TBSCertificate without
//! parsing the key, the extensions or the signature. Scanning a hundred
//! thousand files is dominated by parsing, and these four fields are all
//! `check-expiry` reports.

use x509_parser::asn1_rs::{Any, Class, FromDer, Tag};
use x509_parser::certificate::Validity;
use x509_parser::x509::X509Name;

use super::CertExpiry;
use crate::index::Serial;
use crate::name::oneline;

/// The summary and the number of bytes after the certificate.
pub(super) fn summarize(der: &[u8]) -> Result<(CertExpiry, usize), String> {
    let (rest, cert) = sequence(der, "certificate")?;
    let (_, tbs) = sequence(cert, "TBSCertificate")?;
    let (i, first) = Any::from_der(tbs).map_err(|e| format!("TBSCertificate: {e}"))?;
    let (i, serial) = if first.class() == Class::ContextSpecific && first.tag() == Tag(0) {
        Any::from_der(i).map_err(|e| format!("serial number: {e}"))?
    } else {
        (i, first)
    };
    if serial.tag() != Tag::Integer {
        return Err("the serial number is not an INTEGER".into());
    }
    let (i, _signature) = Any::from_der(i).map_err(|e| format!("signature algorithm: {e}"))?;
    let (i, issuer) = X509Name::from_der(i).map_err(|e| format!("issuer: {e}"))?;
    let (i, validity) = Validity::from_der(i).map_err(|e| format!("validity: {e}"))?;
    let (_, subject) = X509Name::from_der(i).map_err(|e| format!("subject: {e}"))?;
    let summary = CertExpiry {
        subject: oneline(&subject),
        issuer: oneline(&issuer),
        serial: Serial::from_bytes(serial.data).to_string(),
        not_before: validity.not_before.to_datetime(),
        not_after: validity.not_after.to_datetime(),
    };
    Ok((summary, rest.len()))
}

fn sequence<'a>(der: &'a [u8], what: &str) -> Result<(&'a [u8], &'a [u8]), String> {
    let (rest, any) = Any::from_der(der).map_err(|e| format!("{what}: {e}"))?;
    if any.tag() != Tag::Sequence {
        return Err(format!("{what}: not a SEQUENCE"));
    }
    Ok((rest, any.data))
}

/// The DER of every certificate block in PEM text, or `None` when anything
/// looks off (a block without its END line, bad base64, no certificate), in
/// which case the caller takes the strict path that says what is wrong.
///
/// This is the fast path for the common file: `rustls-pki-types` decodes
/// base64 in constant time, which is right for keys and several times
/// slower than needed for public certificates.
pub(super) fn pem_certificates(bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    const DASHES: &[u8] = b"-----";
    let mut out = Vec::new();
    let mut rest = bytes;
    while let Some(start) = memchr::memmem::find(rest, BEGIN) {
        let after = &rest[start + BEGIN.len()..];
        let label_len = memchr::memmem::find(after, DASHES)?;
        let label = &after[..label_len];
        let body = &after[label_len + DASHES.len()..];
        let end_marker = [b"-----END ", label, DASHES].concat();
        let end = memchr::memmem::find(body, &end_marker)?;
        if matches!(
            label,
            b"CERTIFICATE" | b"X509 CERTIFICATE" | b"TRUSTED CERTIFICATE"
        ) {
            out.push(decode_base64(&body[..end])?);
        }
        rest = &body[end + end_marker.len()..];
    }
    (!out.is_empty()).then_some(out)
}

fn decode_base64(body: &[u8]) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let mut clean = Vec::with_capacity(body.len());
    for line in body.split(|b| *b == b'\n') {
        clean.extend_from_slice(line.trim_ascii());
    }
    base64::engine::general_purpose::STANDARD.decode(clean).ok()
}
