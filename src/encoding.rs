//! PEM and DER framing shared by every reader: a file is PEM when it holds a
//! `-----BEGIN` line, otherwise it is taken as DER.

use rustls_pki_types::pem::{PemObject, SectionKind};

use zeroize::Zeroizing;

use crate::error::{Error, Expected, Result};

pub mod fast;

/// Whether the bytes look like PEM text rather than DER.
pub fn is_pem(bytes: &[u8]) -> bool {
    contains(bytes, b"-----BEGIN ")
}

/// Whether `needle` occurs in `hay`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// All PEM sections certgen understands, in file order.
///
/// Sections with labels certgen does not know are skipped, as OpenSSL does; a
/// section with broken base64 or a missing END line is an error.
pub fn pem_sections(what: &str, bytes: &[u8]) -> Result<Vec<(SectionKind, Vec<u8>)>> {
    <(SectionKind, Vec<u8>)>::pem_slice_iter(bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::Pem {
            what: what.to_string(),
            source: PemError(e).into(),
        })
}

/// One PEM block with its label, for readers that must say what every block
/// is, including those certgen does not read.
pub struct LabelledBlock {
    pub label: String,
    /// A legacy `Proc-Type: 4,ENCRYPTED` block (OpenSSL's `-des3` keys).
    pub encrypted: bool,
    /// May hold a private key.
    pub der: Zeroizing<Vec<u8>>,
}

/// Every PEM block in file order, whatever its label. [`pem_sections`] reads
/// only the labels certgen understands, with a constant-time base64 decoder
/// meant for keys; `inspect` also reports the others (`EC PARAMETERS`,
/// `TRUSTED CERTIFICATE`, legacy encrypted keys), which needs the label and
/// the headers.
pub fn labelled_blocks(what: &str, bytes: &[u8]) -> Result<Vec<LabelledBlock>> {
    let blocks = pem::parse_many(bytes).map_err(|e| Error::Pem {
        what: what.to_string(),
        source: e.into(),
    })?;
    Ok(blocks
        .into_iter()
        .map(|block| LabelledBlock {
            label: block.tag().to_string(),
            encrypted: block
                .headers()
                .get("Proc-Type")
                .is_some_and(|v| v.contains("ENCRYPTED")),
            der: Zeroizing::new(block.into_contents()),
        })
        .collect())
}

/// A PEM framing error worded for people: rustls-pki-types prints the END
/// marker it missed, or the bad BEGIN line, as a list of byte values.
#[derive(Debug)]
pub struct PemError(pub rustls_pki_types::pem::Error);

impl std::fmt::Display for PemError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use rustls_pki_types::pem::Error as E;
        match &self.0 {
            E::MissingSectionEnd { end_marker } => write!(
                f,
                "missing the -----END {}----- line",
                String::from_utf8_lossy(end_marker)
            ),
            E::IllegalSectionStart { line } => {
                let line = String::from_utf8_lossy(line);
                let line: String = line.trim_end().chars().take(80).collect();
                write!(f, "a BEGIN line that does not end in five dashes: {line}")
            }
            other => other.fmt(f),
        }
    }
}

impl std::error::Error for PemError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// Encodes DER as a PEM block with the given label.
pub fn to_pem(label: &str, der: &[u8]) -> String {
    pem::encode_config(
        &pem::Pem::new(label, der),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

/// Whether an encrypted PKCS#8 block is present (it is skipped by the PEM reader,
/// so its absence from the parsed sections would otherwise look like "no key").
pub fn has_encrypted_key(bytes: &[u8]) -> bool {
    contains(bytes, b"-----BEGIN ENCRYPTED PRIVATE KEY")
        || contains(bytes, b"Proc-Type: 4,ENCRYPTED")
}

/// What `bytes` hold, as far as certgen can tell: the first PEM block of a
/// kind it knows, or what DER parses as; `None` for nothing it recognises.
/// The one answer every reader gives when a file holds something else than
/// it expects ("holds a certificate request, not a CRL").
pub fn holds(bytes: &[u8]) -> Option<Expected> {
    if is_pem(bytes) {
        return pem_labels(bytes).find_map(label_holds);
    }
    der_holds(bytes)
}

/// What `bytes` hold ([`holds`]) when it is not `expected`.
pub fn holds_instead(bytes: &[u8], expected: Expected) -> Option<Expected> {
    holds(bytes).filter(|found| *found != expected)
}

/// The labels of the PEM BEGIN lines, in file order.
fn pem_labels(bytes: &[u8]) -> impl Iterator<Item = &str> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    let mut rest = bytes;
    std::iter::from_fn(move || {
        let at = rest.windows(BEGIN.len()).position(|w| w == BEGIN)?;
        rest = &rest[at + BEGIN.len()..];
        let end = rest.windows(5).position(|w| w == b"-----")?;
        std::str::from_utf8(&rest[..end]).ok()
    })
}

fn label_holds(label: &str) -> Option<Expected> {
    match label {
        "CERTIFICATE" | "TRUSTED CERTIFICATE" | "X509 CERTIFICATE" => Some(Expected::Certificate),
        "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => Some(Expected::CertificateRequest),
        "X509 CRL" => Some(Expected::Crl),
        "PUBLIC KEY" | "RSA PUBLIC KEY" => Some(Expected::PublicKey),
        l if l.ends_with("PRIVATE KEY") => Some(Expected::PrivateKey),
        _ => None,
    }
}

fn der_holds(der: &[u8]) -> Option<Expected> {
    use x509_parser::certification_request::X509CertificationRequest;
    use x509_parser::prelude::FromDer;
    use x509_parser::revocation_list::CertificateRevocationList;
    use x509_parser::x509::SubjectPublicKeyInfo;
    if x509_parser::certificate::X509Certificate::from_der(der).is_ok() {
        Some(Expected::Certificate)
    } else if CertificateRevocationList::from_der(der).is_ok() {
        Some(Expected::Crl)
    } else if X509CertificationRequest::from_der(der).is_ok() {
        Some(Expected::CertificateRequest)
    } else if rustls_pki_types::PrivateKeyDer::try_from(der).is_ok() {
        Some(Expected::PrivateKey)
    } else if SubjectPublicKeyInfo::from_der(der).is_ok() {
        Some(Expected::PublicKey)
    } else {
        None
    }
}

/// The error for a DER file that is not the `expected` object: what it
/// holds instead, else that it holds nothing recognisable (`cause`, the
/// parser's complaint, in brackets).
pub fn not_a(what: &str, expected: Expected, der: &[u8], cause: impl std::fmt::Display) -> Error {
    match der_holds(der).filter(|found| *found != expected) {
        Some(found) => Error::Missing {
            what: what.to_string(),
            expected,
            found: Some(found),
        },
        None => Error::Malformed {
            what: what.to_string(),
            expected,
            source: Some(format!("nothing recognisable in it ({cause})").into()),
        },
    }
}

/// An empty file (or one of white space only), refused as such.
fn check_not_empty(what: &str, bytes: &[u8]) -> Result<()> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Empty {
            what: what.to_string(),
        });
    }
    Ok(())
}

/// [`certificates`], each of which must parse: what `verify` reads as
/// trusted roots and intermediates, where one that cannot be read must not
/// be left out without a word.
pub fn parsed_certificates(what: &str, bytes: &[u8]) -> Result<Vec<Vec<u8>>> {
    use x509_parser::prelude::FromDer;
    check_not_empty(what, bytes)?;
    let certs = certificates(what, bytes)?;
    for der in &certs {
        if let Err(e) = x509_parser::certificate::X509Certificate::from_der(der) {
            return Err(if is_pem(bytes) {
                Error::Malformed {
                    what: what.to_string(),
                    expected: Expected::Certificate,
                    source: Some(e.to_string().into()),
                }
            } else {
                not_a(what, Expected::Certificate, der, e)
            });
        }
    }
    Ok(certs)
}

/// Every certificate in a PEM bundle, or the one DER certificate.
pub fn certificates(what: &str, bytes: &[u8]) -> Result<Vec<Vec<u8>>> {
    if !is_pem(bytes) {
        if bytes.first() == Some(&0x30) {
            return Ok(vec![bytes.to_vec()]);
        }
        return Err(Error::NotPemOrDer {
            what: what.to_string(),
        });
    }
    let certs: Vec<Vec<u8>> = pem_sections(what, bytes)?
        .into_iter()
        .filter(|(kind, _)| *kind == SectionKind::Certificate)
        .map(|(_, der)| der)
        .collect();
    if certs.is_empty() {
        return Err(Error::Missing {
            what: what.to_string(),
            expected: Expected::Certificate,
            found: holds_instead(bytes, Expected::Certificate),
        });
    }
    Ok(certs)
}

/// The first certificate of a PEM bundle (a leaf before its chain), or the
/// one DER certificate.
pub fn certificate(what: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    let mut certs = certificates(what, bytes)?;
    Ok(certs.swap_remove(0))
}

/// Every CRL in a PEM file, or the one DER CRL; each must parse.
pub fn crls(what: &str, bytes: &[u8]) -> Result<Vec<Vec<u8>>> {
    use x509_parser::prelude::FromDer;
    use x509_parser::revocation_list::CertificateRevocationList;
    check_not_empty(what, bytes)?;
    let found: Vec<Vec<u8>> = if is_pem(bytes) {
        pem_sections(what, bytes)?
            .into_iter()
            .filter(|(kind, _)| *kind == SectionKind::Crl)
            .map(|(_, der)| der)
            .collect()
    } else if bytes.first() == Some(&0x30) {
        vec![bytes.to_vec()]
    } else {
        return Err(Error::NotPemOrDer {
            what: what.to_string(),
        });
    };
    if found.is_empty() {
        return Err(Error::Missing {
            what: what.to_string(),
            expected: Expected::Crl,
            found: holds_instead(bytes, Expected::Crl),
        });
    }
    for der in &found {
        match CertificateRevocationList::from_der(der) {
            Ok(_) => {}
            Err(e) if !is_pem(bytes) => return Err(not_a(what, Expected::Crl, der, e)),
            Err(e) => return Err(Error::malformed(what, Expected::Crl)(e)),
        }
        // What x509-parser reads past and OpenSSL refuses to load.
        crate::signed::check(der, crate::signed::Kind::Crl)
            .map_err(Error::malformed(what, Expected::Crl))?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_errors_name_the_line_as_text() {
        let message = |pem: &str| match pem_sections("f.pem", pem.as_bytes()) {
            Ok(_) => panic!("{pem:?} parsed"),
            Err(e) => format!("{:#}", anyhow::Error::new(e)),
        };
        assert_eq!(
            message("-----BEGIN CERTIFICATE-----\nMIIB\n"),
            "f.pem: malformed PEM: missing the -----END CERTIFICATE----- line"
        );
        assert_eq!(
            message("-----BEGIN CERTIFICATE--\nMIIB\n-----END CERTIFICATE-----\n"),
            "f.pem: malformed PEM: a BEGIN line that does not end in five dashes: -----BEGIN CERTIFICATE--"
        );
    }
}
