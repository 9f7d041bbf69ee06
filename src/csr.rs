//! Certificate signing requests: making one for an outside CA, and reading
//! (and checking the signature of) one to sign.

use rcgen::CertificateParams;
use rustls_pki_types::pem::SectionKind;
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;

use crate::cert::alt_name;
use crate::encoding::{is_pem, pem_sections};
use crate::error::{Error, Expected, Result};
use crate::keys::{KeyInfo, PrivateKey};
use crate::name::{San, Subject};
use crate::signed;

/// Makes a PKCS#10 request for `key`, asking for `sans`.
pub fn create(subject: &Subject, sans: &[San], key: &PrivateKey) -> Result<String> {
    let mut params = CertificateParams::default();
    params.distinguished_name = subject.to_rcgen()?;
    params.subject_alt_names = sans.iter().map(San::to_rcgen).collect::<Result<_>>()?;
    let csr = params
        .serialize_request(key.pair())
        .map_err(Error::CsrCreation)?;
    csr.pem().map_err(Error::CsrCreation)
}

/// A parsed request whose signature has been checked.
#[derive(Clone, Debug)]
pub struct Csr {
    pub subject: Subject,
    pub sans: Vec<San>,
    /// The requester's SubjectPublicKeyInfo, DER.
    pub spki: Vec<u8>,
    pub key: KeyInfo,
}

impl Csr {
    /// Reads a request (PEM or DER) and verifies its self-signature.
    pub fn parse(what: &str, bytes: &[u8]) -> Result<Csr> {
        let der = if is_pem(bytes) {
            pem_sections(what, bytes)?
                .into_iter()
                .find(|(k, _)| *k == SectionKind::Csr)
                .map(|(_, der)| der)
                .ok_or_else(|| Error::Missing {
                    what: what.to_string(),
                    expected: Expected::CertificateRequest,
                    found: None,
                })?
        } else {
            bytes.to_vec()
        };
        let (rest, req) = X509CertificationRequest::from_der(&der)
            .map_err(Error::malformed(what, Expected::CertificateRequest))?;
        if !rest.is_empty() {
            return Err(Error::TrailingData {
                what: what.to_string(),
                expected: Expected::CertificateRequest,
                bytes: rest.len(),
            });
        }
        signed::check(&der, signed::Kind::Csr)
            .map_err(Error::malformed(what, Expected::CertificateRequest))?;
        let info = &req.certification_request_info;
        signed::verify(
            &info.subject_pki,
            &req.signature_algorithm,
            &req.signature_value,
            info.raw,
        )
        .map_err(|_| Error::BadCsrSignature)?;
        let subject = Subject::from_x509(&info.subject)?;
        let mut sans = Vec::new();
        for ext in req.requested_extensions().into_iter().flatten() {
            if let ParsedExtension::SubjectAlternativeName(san) = ext {
                for name in &san.general_names {
                    sans.push(san_from_general(name)?);
                }
            }
        }
        Ok(Csr {
            subject,
            sans,
            spki: info.subject_pki.raw.to_vec(),
            key: KeyInfo::from_spki(&info.subject_pki),
        })
    }
}

/// A requested name certgen can sign, checked as `--san` values are.
fn san_from_general(name: &GeneralName<'_>) -> Result<San> {
    match (name, alt_name(name)) {
        (_, san @ (San::Dns(_) | San::Email(_) | San::Uri(_))) => San::parse(&san.to_string()),
        (_, San::Ip(ip)) => Ok(San::Ip(ip)),
        (GeneralName::IPAddress(b), _) => Err(Error::BadSanIp(b.len())),
        (_, other) => Err(Error::UnsupportedSan {
            kind: other.to_string(),
        }),
    }
}
