//! Private keys: the six key types certgen makes, the three encodings operators
//! need on disk (PKCS#8, PKCS#1 for MySQL 5.x/yaSSL, SEC1), and reading any of
//! them back from PEM or DER.

use std::fmt;
use std::str::FromStr;

use rcgen::PublicKeyData;
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::SectionKind;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey as ParsedKey;
use x509_parser::x509::SubjectPublicKeyInfo;
use zeroize::Zeroizing;

use crate::encoding::{contains, has_encrypted_key, is_pem, pem_sections, to_pem};
use crate::error::{BoxError, Error, Expected, Result};
use crate::key_type::{KeyFormat, KeyType};
use crate::secret::Passphrase;
use crate::signer::Signer;

impl FromStr for KeyType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        KeyType::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| Error::UnknownKeyType(s.to_string()))
    }
}

impl FromStr for KeyFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "pkcs8" => Ok(KeyFormat::Pkcs8),
            "pkcs1" => Ok(KeyFormat::Pkcs1),
            "sec1" => Ok(KeyFormat::Sec1),
            _ => Err(Error::UnknownKeyFormat(s.to_string())),
        }
    }
}

/// The format a key file is written in, from its PEM label (DER and
/// anything else: PKCS#8), so that a replaced key is written as it was.
pub fn format_of(bytes: &[u8]) -> KeyFormat {
    let sections = pem_sections("a key file", bytes).unwrap_or_default();
    sections
        .iter()
        .find_map(|(kind, _)| match kind {
            SectionKind::RsaPrivateKey => Some(KeyFormat::Pkcs1),
            SectionKind::EcPrivateKey => Some(KeyFormat::Sec1),
            SectionKind::PrivateKey => Some(KeyFormat::Pkcs8),
            _ => None,
        })
        .unwrap_or(KeyFormat::Pkcs8)
}

/// Checks up front that a key type can be written in a format, so a bulk run
/// fails before it generates anything.
pub fn check_format(key_type: KeyType, format: KeyFormat) -> Result<()> {
    if key_type.supports(format) {
        return Ok(());
    }
    Err(Error::KeyFormatMismatch {
        format,
        key: key_type.to_string(),
    })
}

/// A private key with the signing handle rcgen needs.
pub struct PrivateKey {
    signer: Signer,
    /// The key's PKCS#8 encoding, zeroized on drop; `None` for a key read
    /// in PKCS#1 or SEC1 form, which certgen does not re-encode.
    pkcs8: Option<Zeroizing<Vec<u8>>>,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("type", &self.describe())
            .finish_non_exhaustive()
    }
}

impl PrivateKey {
    /// Generates a fresh key from the operating system's random source.
    pub fn generate(key_type: KeyType) -> Result<Self> {
        let (signer, pkcs8) = Signer::generate(key_type)
            .map_err(|source| Error::KeyGeneration { key_type, source })?;
        Ok(PrivateKey {
            signer,
            pkcs8: Some(pkcs8),
        })
    }

    /// Reads a key in any of the supported encodings, PEM or DER.
    ///
    /// `what` names the source in errors (usually the path).
    pub fn from_bytes(what: &str, bytes: &[u8]) -> Result<Self> {
        // Zeroized when dropped, as every copy of a secret certgen holds.
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(Error::Empty {
                what: what.to_string(),
            });
        }
        let der = Zeroizing::new(if is_pem(bytes) {
            if contains(bytes, b"Proc-Type: 4,ENCRYPTED") {
                // Legacy PEM encryption (`openssl genrsa -des3`): its headers
                // are not even PEM that the reader accepts.
                return Err(Error::EncryptedKey {
                    what: what.to_string(),
                });
            }
            private_key_from_pem(what, bytes)?
        } else {
            PrivateKeyDer::try_from(bytes)
                .map_err(|e| crate::encoding::not_a(what, Expected::PrivateKey, bytes, e))?
                .clone_key()
        });
        let signer =
            Signer::from_der(&der).map_err(Error::malformed(what, Expected::PrivateKey))?;
        let pkcs8 = match &*der {
            PrivateKeyDer::Pkcs8(k) => Some(Zeroizing::new(k.secret_pkcs8_der().to_vec())),
            _ => None,
        };
        Ok(PrivateKey { signer, pkcs8 })
    }

    /// Gives up the wrapper for the signing handle (a CA keeps it to sign).
    pub fn into_signer(self) -> Signer {
        self.signer
    }

    /// The handle rcgen signs with, and reads the public key from.
    pub fn pair(&self) -> &Signer {
        &self.signer
    }

    /// The public key as a DER SubjectPublicKeyInfo.
    pub fn public_key_der(&self) -> Vec<u8> {
        self.signer.subject_public_key_info()
    }

    /// The key's type and size, read from its public half.
    pub fn describe(&self) -> KeyInfo {
        KeyInfo::from_spki_der(&self.public_key_der()).unwrap_or(KeyInfo {
            algorithm: KeyAlgorithm::Unknown,
            bits: 0,
        })
    }

    /// Whether this is an RSA key (which also gets keyEncipherment in leaf profiles).
    pub fn is_rsa(&self) -> bool {
        self.describe().algorithm == KeyAlgorithm::Rsa
    }

    /// Whether this key is the private half of the given SubjectPublicKeyInfo.
    pub fn matches_spki(&self, spki_der: &[u8]) -> bool {
        match SubjectPublicKeyInfo::from_der(spki_der) {
            Ok((_, spki)) => spki.subject_public_key.data.as_ref() == self.signer.der_bytes(),
            Err(_) => false,
        }
    }

    /// Encodes the key as PEM in the requested format. The result is zeroized on drop.
    pub fn to_pem(&self, format: KeyFormat) -> Result<Zeroizing<String>> {
        let pkcs8 = self.pkcs8.as_ref().ok_or(Error::KeyNotReencodable)?;
        let der: Zeroizing<Vec<u8>> = match format {
            KeyFormat::Pkcs8 => self.pkcs8_der()?,
            KeyFormat::Pkcs1 => self.inner_pkcs1(pkcs8)?,
            KeyFormat::Sec1 => self.sec1(pkcs8)?,
        };
        let label = match format {
            KeyFormat::Pkcs8 => "PRIVATE KEY",
            KeyFormat::Pkcs1 => "RSA PRIVATE KEY",
            KeyFormat::Sec1 => "EC PRIVATE KEY",
        };
        Ok(Zeroizing::new(to_pem(label, &der)))
    }

    /// The key as PKCS#8 DER that every tool reads (v1 for Ed25519).
    fn pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        let pkcs8 = self.pkcs8.as_ref().ok_or(Error::KeyNotReencodable)?;
        if self.describe().algorithm == KeyAlgorithm::Ed25519 {
            return ed25519_v1(pkcs8);
        }
        Ok(pkcs8.clone())
    }

    /// The key as PKCS#8 DER (v1, which every reader takes), whatever form
    /// it was read in: what keystores and `.pk8` files hold.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        if self.pkcs8.is_some() {
            return self.pkcs8_der();
        }
        self.signer
            .to_pkcs8v1()
            .map_err(|source| Error::KeyEncoding {
                format: KeyFormat::Pkcs8,
                source,
            })
    }

    /// Encodes the key as passphrase-encrypted PKCS#8 (`BEGIN ENCRYPTED
    /// PRIVATE KEY`): PBES2 with scrypt (N = 2^14, r = 8, p = 1, a 16-byte
    /// random salt) and AES-256-CBC. These are OpenSSL 3's own defaults for
    /// `openssl pkcs8 -topk8 -scrypt`; a larger N would need more memory than
    /// OpenSSL lets scrypt use when it reads the key (32 MiB), and
    /// `openssl pkey` could no longer open it.
    pub fn to_encrypted_pem(&self, passphrase: &Passphrase) -> Result<String> {
        use pkcs8::pkcs5::{pbes2, scrypt};
        let failed = |e: BoxError| Error::KeyEncryption(e);
        let der = self.pkcs8_der()?;
        let mut salt = [0u8; 16];
        let mut iv = [0u8; 16];
        aws_lc_rs::rand::fill(&mut salt).map_err(Error::Random)?;
        aws_lc_rs::rand::fill(&mut iv).map_err(Error::Random)?;
        let params = scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P)
            .map_err(|e| failed(e.to_string().into()))?;
        let params = pbes2::Parameters::generate_scrypt_aes256cbc(params, &salt, iv)
            .map_err(|e| failed(e.into()))?;
        let info =
            pkcs8::PrivateKeyInfoRef::try_from(der.as_slice()).map_err(|e| failed(e.into()))?;
        let encrypted = info
            .encrypt_with_params(params, passphrase.expose())
            .map_err(|e| failed(e.into()))?;
        Ok(to_pem("ENCRYPTED PRIVATE KEY", encrypted.as_bytes()))
    }

    /// Whether `bytes` hold a passphrase-encrypted PKCS#8 key, PEM or DER.
    pub fn is_encrypted(bytes: &[u8]) -> bool {
        encrypted_pkcs8_der(bytes).is_some()
    }

    /// Reads a passphrase-encrypted PKCS#8 key (PEM or DER). A passphrase
    /// that does not decrypt it is [`Error::WrongPassphrase`].
    pub fn decrypt(what: &str, bytes: &[u8], passphrase: &Passphrase) -> Result<Self> {
        use pkcs8::der::Decode;
        let der = encrypted_pkcs8_der(bytes).ok_or_else(|| Error::NotEncrypted {
            what: what.to_string(),
        })?;
        let info = pkcs8::EncryptedPrivateKeyInfoRef::from_der(&der)
            .map_err(Error::malformed(what, Expected::PrivateKey))?;
        let wrong = || Error::WrongPassphrase {
            what: what.to_string(),
        };
        let plain = match info
            .encryption_algorithm
            .decrypt(passphrase.expose(), info.encrypted_data.as_bytes())
        {
            Ok(plain) => Zeroizing::new(plain),
            Err(pkcs8::pkcs5::Error::DecryptFailed) => return Err(wrong()),
            Err(e) => return Err(Error::malformed(what, Expected::PrivateKey)(e)),
        };
        // CBC padding alone lets about one wrong passphrase in 256 through:
        // what it yields is then not a key.
        PrivateKey::from_bytes(what, &plain).map_err(|_| wrong())
    }

    fn inner_pkcs1(&self, pkcs8: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        if !self.is_rsa() {
            return Err(Error::KeyFormatMismatch {
                format: KeyFormat::Pkcs1,
                key: self.describe().to_string(),
            });
        }
        // A PKCS#8 RSA key wraps the PKCS#1 RSAPrivateKey as its privateKey octets.
        let info = pkcs8::PrivateKeyInfoRef::try_from(pkcs8).map_err(|e| Error::KeyEncoding {
            format: KeyFormat::Pkcs1,
            source: e.into(),
        })?;
        Ok(Zeroizing::new(info.private_key.as_bytes().to_vec()))
    }

    fn sec1(&self, pkcs8: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        use aws_lc_rs::encoding::AsDer;
        use aws_lc_rs::signature::{
            ECDSA_P256_SHA256_ASN1_SIGNING, ECDSA_P384_SHA384_ASN1_SIGNING, EcdsaKeyPair,
        };
        let alg = match self.describe().bits {
            256 if self.describe().algorithm == KeyAlgorithm::Ecdsa => {
                &ECDSA_P256_SHA256_ASN1_SIGNING
            }
            384 if self.describe().algorithm == KeyAlgorithm::Ecdsa => {
                &ECDSA_P384_SHA384_ASN1_SIGNING
            }
            _ => {
                return Err(Error::KeyFormatMismatch {
                    format: KeyFormat::Sec1,
                    key: self.describe().to_string(),
                });
            }
        };
        let failed = |source: BoxError| Error::KeyEncoding {
            format: KeyFormat::Sec1,
            source,
        };
        let pair = EcdsaKeyPair::from_pkcs8(alg, pkcs8).map_err(|e| failed(e.into()))?;
        let der = pair.private_key().as_der().map_err(|e| failed(e.into()))?;
        Ok(Zeroizing::new(der.as_ref().to_vec()))
    }
}

/// aws-lc-rs makes PKCS#8 v2 (with the public key) for Ed25519, which OpenSSL
/// 3.0 cannot read; v1 is what every tool reads.
fn ed25519_v1(pkcs8: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
    let failed = |source: BoxError| Error::KeyEncoding {
        format: KeyFormat::Pkcs8,
        source,
    };
    let pair =
        aws_lc_rs::signature::Ed25519KeyPair::from_pkcs8(pkcs8).map_err(|e| failed(e.into()))?;
    let der: Pkcs8V1Der<'static> = pair.as_der().map_err(|e| failed(e.into()))?;
    Ok(Zeroizing::new(der.as_ref().to_vec()))
}

/// scrypt's cost parameters for new encrypted keys; see
/// [`PrivateKey::to_encrypted_pem`].
pub const SCRYPT_LOG_N: u8 = 14;
pub const SCRYPT_R: u32 = 8;
pub const SCRYPT_P: u32 = 1;

/// The DER of an `ENCRYPTED PRIVATE KEY` PEM block, or of DER input that is
/// an EncryptedPrivateKeyInfo.
fn encrypted_pkcs8_der(bytes: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    use pkcs8::der::Decode;
    if is_pem(bytes) {
        let blocks = crate::encoding::labelled_blocks("", bytes).ok()?;
        return blocks
            .into_iter()
            .find(|b| b.label == "ENCRYPTED PRIVATE KEY" && !b.encrypted)
            .map(|b| b.der);
    }
    pkcs8::EncryptedPrivateKeyInfoRef::from_der(bytes)
        .is_ok()
        .then(|| Zeroizing::new(bytes.to_vec()))
}

fn private_key_from_pem(what: &str, bytes: &[u8]) -> Result<PrivateKeyDer<'static>> {
    let key = pem_sections(what, bytes)?
        .into_iter()
        .find_map(|(kind, der)| match kind {
            SectionKind::PrivateKey => Some(PrivateKeyDer::Pkcs8(der.into())),
            SectionKind::RsaPrivateKey => Some(PrivateKeyDer::Pkcs1(der.into())),
            SectionKind::EcPrivateKey => Some(PrivateKeyDer::Sec1(der.into())),
            _ => None,
        });
    let missing = |found| Error::Missing {
        what: what.to_string(),
        expected: Expected::PrivateKey,
        found,
    };
    match key {
        Some(key) => Ok(key),
        None if has_encrypted_key(bytes) => Err(Error::EncryptedKey {
            what: what.to_string(),
        }),
        None => Err(missing(crate::encoding::holds_instead(
            bytes,
            Expected::PrivateKey,
        ))),
    }
}

/// A public key's algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum KeyAlgorithm {
    #[serde(rename = "RSA")]
    Rsa,
    #[serde(rename = "ECDSA")]
    Ecdsa,
    Ed25519,
    /// Anything certgen does not make (DSA, Ed448, ...).
    #[serde(rename = "unknown")]
    Unknown,
}

impl KeyAlgorithm {
    pub fn name(self) -> &'static str {
        match self {
            KeyAlgorithm::Rsa => "RSA",
            KeyAlgorithm::Ecdsa => "ECDSA",
            KeyAlgorithm::Ed25519 => "Ed25519",
            KeyAlgorithm::Unknown => "unknown",
        }
    }
}

/// A public key's algorithm and size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct KeyInfo {
    pub algorithm: KeyAlgorithm,
    /// Modulus size for RSA, curve size for ECDSA, 256 for Ed25519.
    pub bits: usize,
}

impl KeyInfo {
    /// Reads the algorithm and size from a DER SubjectPublicKeyInfo.
    pub fn from_spki_der(spki_der: &[u8]) -> Option<KeyInfo> {
        let (_, spki) = SubjectPublicKeyInfo::from_der(spki_der).ok()?;
        Some(KeyInfo::from_spki(&spki))
    }

    /// Reads the algorithm and size from a parsed SubjectPublicKeyInfo.
    pub fn from_spki(spki: &SubjectPublicKeyInfo<'_>) -> KeyInfo {
        let (algorithm, bits) = match spki.parsed() {
            Ok(ParsedKey::RSA(rsa)) => (KeyAlgorithm::Rsa, rsa.key_size()),
            Ok(ParsedKey::EC(ec)) => (KeyAlgorithm::Ecdsa, ec.key_size()),
            _ if spki.algorithm.algorithm == x509_parser::oid_registry::OID_SIG_ED25519 => {
                (KeyAlgorithm::Ed25519, 256)
            }
            _ => (KeyAlgorithm::Unknown, 0),
        };
        KeyInfo { algorithm, bits }
    }

    pub fn is_rsa(&self) -> bool {
        self.algorithm == KeyAlgorithm::Rsa
    }
}

impl fmt::Display for KeyInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.algorithm {
            KeyAlgorithm::Rsa => write!(f, "RSA {} bits", self.bits),
            KeyAlgorithm::Ecdsa => write!(f, "ECDSA P-{}", self.bits),
            other => f.write_str(other.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_read_in_any_format_gives_its_pkcs8_der() {
        for kt in KeyType::ALL {
            let key = PrivateKey::generate(kt).unwrap();
            for fmt in [KeyFormat::Pkcs8, KeyFormat::Pkcs1, KeyFormat::Sec1] {
                if !kt.supports(fmt) {
                    continue;
                }
                let read =
                    PrivateKey::from_bytes("k", key.to_pem(fmt).unwrap().as_bytes()).unwrap();
                let der = read.to_pkcs8_der().unwrap();
                assert!(
                    pkcs8::PrivateKeyInfoRef::try_from(der.as_slice()).is_ok(),
                    "{kt} {fmt:?}"
                );
                let again = PrivateKey::from_bytes("k", &der).unwrap();
                assert_eq!(again.public_key_der(), key.public_key_der(), "{kt} {fmt:?}");
            }
        }
    }

    #[test]
    fn every_type_round_trips_through_every_format_it_supports() {
        for kt in KeyType::ALL {
            let key = PrivateKey::generate(kt).unwrap();
            for fmt in [KeyFormat::Pkcs8, KeyFormat::Pkcs1, KeyFormat::Sec1] {
                let pem = key.to_pem(fmt);
                if !kt.supports(fmt) {
                    assert!(pem.is_err(), "{kt} in {fmt:?} must be refused");
                    continue;
                }
                let pem = pem.unwrap();
                let back = PrivateKey::from_bytes("test", pem.as_bytes()).unwrap();
                assert_eq!(back.public_key_der(), key.public_key_der(), "{kt} {fmt:?}");
                let der = pem_sections("t", pem.as_bytes()).unwrap().remove(0).1;
                let back = PrivateKey::from_bytes("test", &der).unwrap();
                assert_eq!(
                    back.public_key_der(),
                    key.public_key_der(),
                    "{kt} {fmt:?} DER"
                );
            }
        }
    }

    #[test]
    fn sizes_are_reported() {
        let k = PrivateKey::generate(KeyType::EcdsaP384).unwrap();
        assert_eq!(k.describe().to_string(), "ECDSA P-384");
        let k = PrivateKey::generate(KeyType::Rsa2048).unwrap();
        assert_eq!(k.describe().to_string(), "RSA 2048 bits");
        assert!(
            k.to_pem(KeyFormat::Pkcs1)
                .unwrap()
                .starts_with("-----BEGIN RSA PRIVATE KEY")
        );
    }

    #[test]
    fn garbage_and_certificates_are_not_keys() {
        let err = PrivateKey::from_bytes("k", b"hello").unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Malformed {
                    expected: Expected::PrivateKey,
                    source: Some(_),
                    ..
                }
            ),
            "{err:?}"
        );
        let cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        let err = PrivateKey::from_bytes("k", cert.as_bytes()).unwrap_err();
        assert_eq!(err.to_string(), "k: holds a certificate, not a private key");
    }

    #[test]
    fn formats_refuse_the_keys_they_cannot_hold() {
        let err = check_format(KeyType::EcdsaP256, KeyFormat::Pkcs1).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the pkcs1 key format holds only RSA keys, not ecdsa-p256"
        );
        let key = PrivateKey::generate(KeyType::Ed25519).unwrap();
        assert!(matches!(
            key.to_pem(KeyFormat::Sec1),
            Err(Error::KeyFormatMismatch {
                format: KeyFormat::Sec1,
                ..
            })
        ));
    }

    fn pass(s: &str) -> Passphrase {
        Passphrase::new(Zeroizing::new(s.as_bytes().to_vec()), "test").unwrap()
    }

    #[test]
    fn encrypted_keys_open_with_their_passphrase_only() {
        for kt in [KeyType::Rsa2048, KeyType::EcdsaP384, KeyType::Ed25519] {
            let key = PrivateKey::generate(kt).unwrap();
            let pem = key.to_encrypted_pem(&pass("right")).unwrap();
            assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
            assert!(PrivateKey::is_encrypted(pem.as_bytes()));
            let back = PrivateKey::decrypt("k", pem.as_bytes(), &pass("right")).unwrap();
            assert_eq!(back.public_key_der(), key.public_key_der(), "{kt}");
            let der = &pem_sections("k", pem.as_bytes());
            assert!(
                der.as_ref().unwrap().is_empty(),
                "the plain reader skips it"
            );
            let err = PrivateKey::decrypt("k", pem.as_bytes(), &pass("wrong")).unwrap_err();
            assert_eq!(err.to_string(), "k: wrong passphrase");
            // Read as a plain key, it is reported as encrypted.
            assert!(matches!(
                PrivateKey::from_bytes("k", pem.as_bytes()),
                Err(Error::EncryptedKey { .. })
            ));
        }
    }

    #[test]
    fn encrypted_der_is_recognised() {
        let key = PrivateKey::generate(KeyType::EcdsaP256).unwrap();
        let pem = key.to_encrypted_pem(&pass("p")).unwrap();
        let der = crate::encoding::labelled_blocks("k", pem.as_bytes())
            .unwrap()
            .remove(0)
            .der;
        assert!(PrivateKey::is_encrypted(&der));
        let back = PrivateKey::decrypt("k", &der, &pass("p")).unwrap();
        assert_eq!(back.public_key_der(), key.public_key_der());
        let plain = key.to_pem(KeyFormat::Pkcs8).unwrap();
        assert!(!PrivateKey::is_encrypted(plain.as_bytes()));
        assert!(matches!(
            PrivateKey::decrypt("k", plain.as_bytes(), &pass("p")),
            Err(Error::NotEncrypted { .. })
        ));
    }

    #[test]
    fn each_encryption_has_its_own_salt() {
        let key = PrivateKey::generate(KeyType::EcdsaP256).unwrap();
        let a = key.to_encrypted_pem(&pass("p")).unwrap();
        let b = key.to_encrypted_pem(&pass("p")).unwrap();
        assert_ne!(a, b);
    }
}
