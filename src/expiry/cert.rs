//! Just enough of a certificate for an expiry check: its validity, serial and
//! subject, read from the start of the TBSCertificate without parsing the
//! key, the extensions or the signature. Scanning a hundred thousand files is
//! dominated by parsing; the full summary is parsed only for the reports that
//! show it.

use time::OffsetDateTime;
use x509_parser::asn1_rs::{Any, Class, FromDer, Tag};
use x509_parser::certificate::Validity;
use x509_parser::x509::X509Name;

use super::finding::CertName;
use crate::name::oneline;
use crate::serial::Serial;

/// The fields of a certificate `check-expiry` needs, still in DER: the name
/// and serial are only formatted when the finding is going to be shown.
pub(super) struct Parsed<'a> {
    pub(super) serial: &'a [u8],
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
