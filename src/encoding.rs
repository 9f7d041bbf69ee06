//! PEM and DER framing shared by every reader: a file is PEM when it holds a
//! `-----BEGIN` line, otherwise it is taken as DER.

use rustls_pki_types::pem::{PemObject, SectionKind};

use crate::error::{Error, Expected, Result};

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
            source: e.into(),
        })
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
            found: contains(bytes, b"PRIVATE KEY").then_some(Expected::PrivateKey),
        });
    }
    Ok(certs)
}
