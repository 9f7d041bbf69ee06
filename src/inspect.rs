//! What is in a file: certificates, CSRs, private keys (described by their
//! public half only), public keys and CRLs, PEM or DER, several per file.

mod x509;

use rustls_pki_types::PrivateKeyDer;
use serde::Serialize;
use time::OffsetDateTime;

use crate::cert::sha256_fingerprint;
use crate::encoding::{is_pem, labelled_blocks};
use crate::error::{Error, Expected, Result};
use crate::keys::{KeyInfo, PrivateKey};

pub use crate::cert::BasicConstraints;
pub use x509::{CertDetails, CrlDetails, CsrDetails, RevokedEntry, crl as crl_details};

/// One object found in a file.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Object {
    Certificate(CertDetails),
    CertificateRequest(CsrDetails),
    /// Only the public half is ever described.
    PrivateKey(KeyDetails),
    PublicKey(KeyDetails),
    Crl(CrlDetails),
    /// Encrypted keys are reported, not decrypted.
    EncryptedPrivateKey,
    /// A PEM block of a kind certgen does not read.
    Other {
        label: String,
    },
}

impl Object {
    /// `certificate`, `private key`, ...: for headings.
    pub fn kind(&self) -> &'static str {
        match self {
            Object::Certificate(_) => "certificate",
            Object::CertificateRequest(_) => "certificate request",
            Object::PrivateKey(_) => "private key",
            Object::PublicKey(_) => "public key",
            Object::Crl(_) => "certificate revocation list",
            Object::EncryptedPrivateKey => "encrypted private key",
            Object::Other { .. } => "unsupported PEM block",
        }
    }
}

/// A key's type, size, encoding and the SHA-256 of its public key.
#[derive(Clone, Debug, Serialize)]
pub struct KeyDetails {
    /// `PKCS#8`, `PKCS#1`, `SEC1` or `SPKI`.
    pub encoding: &'static str,
    pub key: KeyInfo,
    /// SHA-256 of the DER SubjectPublicKeyInfo, colon-separated hex.
    pub public_key_sha256: String,
}

/// Everything in one file's content. `what` names the source in errors.
pub fn inspect_bytes(what: &str, bytes: &[u8], now: OffsetDateTime) -> Result<Vec<Object>> {
    let objects = if is_pem(bytes) {
        pem_objects(what, bytes, now)?
    } else {
        vec![der_object(what, bytes, now)?]
    };
    if objects.is_empty() {
        // The pem crate skips a block without its END line; name the fault
        // rather than report no block at all.
        crate::encoding::pem_sections(what, bytes)?;
        return Err(Error::NoPemBlock {
            what: what.to_string(),
        });
    }
    Ok(objects)
}

fn pem_objects(what: &str, bytes: &[u8], now: OffsetDateTime) -> Result<Vec<Object>> {
    let blocks = labelled_blocks(what, bytes)?;
    let mut out = Vec::with_capacity(blocks.len());
    for (n, b) in blocks.iter().enumerate() {
        let block_what = format!("{what}: PEM block {} ({})", n + 1, b.label);
        out.push(pem_object(&block_what, &b.label, b.encrypted, &b.der, now)?);
    }
    Ok(out)
}

fn pem_object(
    what: &str,
    label: &str,
    encrypted: bool,
    der: &[u8],
    now: OffsetDateTime,
) -> Result<Object> {
    let object = match label {
        _ if encrypted || label == "ENCRYPTED PRIVATE KEY" => Object::EncryptedPrivateKey,
        "CERTIFICATE" | "X509 CERTIFICATE" => {
            Object::Certificate(x509::certificate(what, der, now, false)?)
        }
        // OpenSSL appends its trust settings after the certificate.
        "TRUSTED CERTIFICATE" => Object::Certificate(x509::certificate(what, der, now, true)?),
        "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => {
            Object::CertificateRequest(x509::csr(what, der)?)
        }
        "X509 CRL" => Object::Crl(x509::crl(what, der)?),
        "PRIVATE KEY" => private_key(what, PrivateKeyDer::Pkcs8(der.into()))?,
        "RSA PRIVATE KEY" => private_key(what, PrivateKeyDer::Pkcs1(der.into()))?,
        "EC PRIVATE KEY" => private_key(what, PrivateKeyDer::Sec1(der.into()))?,
        "PUBLIC KEY" => public_key(what, der)?,
        other => Object::Other {
            label: other.to_string(),
        },
    };
    Ok(object)
}

/// A DER file holds one object; its type is found by trying each in turn.
fn der_object(what: &str, der: &[u8], now: OffsetDateTime) -> Result<Object> {
    if der.first() != Some(&0x30) {
        let what = what.to_string();
        return Err(if der.is_empty() {
            Error::Empty { what }
        } else {
            Error::NotPemOrDer { what }
        });
    }
    if let Ok(cert) = x509::certificate(what, der, now, false) {
        return Ok(Object::Certificate(cert));
    }
    if let Ok(csr) = x509::csr(what, der) {
        return Ok(Object::CertificateRequest(csr));
    }
    if let Ok(crl) = x509::crl(what, der) {
        return Ok(Object::Crl(crl));
    }
    if let Ok(key) = PrivateKeyDer::try_from(der) {
        return private_key(what, key);
    }
    if PrivateKey::is_encrypted(der) {
        return Ok(Object::EncryptedPrivateKey);
    }
    if let Ok(key) = public_key(what, der) {
        return Ok(key);
    }
    // Report why it is not a certificate, the most likely intent.
    x509::certificate(what, der, now, false).map(Object::Certificate)
}

fn private_key(what: &str, der: PrivateKeyDer<'_>) -> Result<Object> {
    let encoding = match der {
        PrivateKeyDer::Pkcs1(_) => "PKCS#1",
        PrivateKeyDer::Sec1(_) => "SEC1",
        _ => "PKCS#8",
    };
    let key = PrivateKey::from_bytes(what, der.secret_der())?;
    let spki = key.public_key_der();
    Ok(Object::PrivateKey(KeyDetails {
        encoding,
        key: key.describe(),
        public_key_sha256: sha256_fingerprint(&spki),
    }))
}

fn public_key(what: &str, der: &[u8]) -> Result<Object> {
    let key = KeyInfo::from_spki_der(der).ok_or_else(|| Error::Malformed {
        what: what.to_string(),
        expected: Expected::PublicKey,
        source: None,
    })?;
    Ok(Object::PublicKey(KeyDetails {
        encoding: "SPKI",
        key,
        public_key_sha256: sha256_fingerprint(der),
    }))
}

#[cfg(test)]
mod tests;
