//! Just enough of a certificate for an expiry check: its validity, serial and
//! subject, read from the start of the TBSCertificate without parsing the
//! key, the extensions or the signature. Scanning a hundred thousand files is
//! dominated by parsing; the full summary is parsed only for the reports that
//! show it.

use time::OffsetDateTime;
use x509_parser::asn1_rs::{Any, Class, FromDer, Tag};
use x509_parser::certificate::Validity;
use x509_parser::x509::X509Name;

use super::CertName;
use crate::name::oneline;
use crate::serial::Serial;

/// The fields of a certificate `check-expiry` needs, still in DER: the name
/// and serial are only formatted when the finding is going to be shown.
pub(super) struct Parsed<'a> {
    serial: &'a [u8],
    subject: X509Name<'a>,
    pub(super) not_before: OffsetDateTime,
    pub(super) not_after: OffsetDateTime,
}

impl Parsed<'_> {
    pub(super) fn name(&self) -> CertName {
        CertName {
            subject: oneline(&self.subject),
            serial: Serial::from_bytes(self.serial),
        }
    }
}

/// The parsed fields and the number of bytes after the certificate.
pub(super) fn parse(der: &[u8]) -> Result<(Parsed<'_>, usize), String> {
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
    let (i, issuer) = Any::from_der(i).map_err(|e| format!("issuer: {e}"))?;
    if issuer.tag() != Tag::Sequence {
        return Err("issuer: not a SEQUENCE".into());
    }
    let (i, validity) = Validity::from_der(i).map_err(|e| format!("validity: {e}"))?;
    let (_, subject) = X509Name::from_der(i).map_err(|e| format!("subject: {e}"))?;
    let parsed = Parsed {
        serial: serial.data,
        subject,
        not_before: validity.not_before.to_datetime(),
        not_after: validity.not_after.to_datetime(),
    };
    Ok((parsed, rest.len()))
}

fn sequence<'a>(der: &'a [u8], what: &str) -> Result<(&'a [u8], &'a [u8]), String> {
    let (rest, any) = Any::from_der(der).map_err(|e| format!("{what}: {e}"))?;
    if any.tag() != Tag::Sequence {
        return Err(format!("{what}: not a SEQUENCE"));
    }
    Ok((rest, any.data))
}

/// Buffers the PEM fast path reuses from one certificate to the next.
#[derive(Default)]
pub(super) struct Scratch {
    base64: Vec<u8>,
    der: Vec<u8>,
}

/// Calls `each` with the DER of every certificate block in PEM text, and
/// returns false when anything looks off (a block without its END line, bad
/// base64, no certificate), in which case the caller discards what `each`
/// made and takes the strict path that says what is wrong.
///
/// This is the fast path for the common file: `rustls-pki-types` decodes
/// base64 in constant time, which is right for keys and several times
/// slower than needed for public certificates.
pub(super) fn each_pem_certificate(
    bytes: &[u8],
    scratch: &mut Scratch,
    mut each: impl FnMut(&[u8]),
) -> bool {
    const BEGIN: &[u8] = b"-----BEGIN ";
    const DASHES: &[u8] = b"-----";
    let mut found = false;
    let mut rest = bytes;
    while let Some(start) = memchr::memmem::find(rest, BEGIN) {
        let after = &rest[start + BEGIN.len()..];
        let Some(label_len) = memchr::memmem::find(after, DASHES) else {
            return false;
        };
        let label = &after[..label_len];
        let body = &after[label_len + DASHES.len()..];
        let Some((end, end_len)) = find_end(body, label) else {
            return false;
        };
        if matches!(
            label,
            b"CERTIFICATE" | b"X509 CERTIFICATE" | b"TRUSTED CERTIFICATE"
        ) {
            if !decode_base64(&body[..end], scratch) {
                return false;
            }
            found = true;
            each(&scratch.der);
        }
        rest = &body[end + end_len..];
    }
    found
}

/// Where `-----END {label}-----` starts in `body`, and its length.
fn find_end(body: &[u8], label: &[u8]) -> Option<(usize, usize)> {
    const END: &[u8] = b"-----END ";
    const DASHES: &[u8] = b"-----";
    let mut from = 0;
    loop {
        let at = from + memchr::memmem::find(&body[from..], END)?;
        let tail = &body[at + END.len()..];
        if tail.starts_with(label) && tail[label.len()..].starts_with(DASHES) {
            return Some((at, END.len() + label.len() + DASHES.len()));
        }
        from = at + 1;
    }
}

/// The DER of every certificate block in PEM text, or `None` when anything
/// looks off.
#[cfg(test)]
pub(super) fn pem_certificates(bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let ok = each_pem_certificate(bytes, &mut Scratch::default(), |der| out.push(der.to_vec()));
    ok.then_some(out)
}

/// Decodes base64 split into lines (surrounding blanks ignored) into
/// `scratch.der`.
fn decode_base64(body: &[u8], scratch: &mut Scratch) -> bool {
    use base64::Engine as _;
    let clean = &mut scratch.base64;
    clean.clear();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', body).chain([body.len()]) {
        clean.extend_from_slice(body[start..end].trim_ascii());
        start = end + 1;
    }
    scratch.der.clear();
    base64::engine::general_purpose::STANDARD
        .decode_vec(clean.as_slice(), &mut scratch.der)
        .is_ok()
}
