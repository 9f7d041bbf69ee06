//! The PKCS#12 files themselves: a keystore (one private key with its
//! certificate chain) and a truststore (CA certificates Java trusts), in the
//! modern or the legacy profile.
//!
//! The structures are RustCrypto's (`pkcs12`, `cms`, `pkcs5`, `der`); the
//! cryptography is aws-lc-rs's (PBKDF2, AES-256-CBC, HMAC) and, for the
//! legacy profile, RustCrypto's 3DES and PKCS#12 key derivation. Why not a
//! PKCS#12 crate's writer: `p12-keystore` writes both profiles and Java's
//! trusted-certificate attribute correctly (the tests read certgen's files
//! back with it), but derives every key from the password again for every
//! file it writes, with salts of its own; RustCrypto's `pkcs12` has the
//! types and the key derivation but no writer; `p12` writes only the legacy
//! algorithms and no trusted-certificate attribute.
//!
//! One run protects all its files with one password, so it derives from it
//! once ([`Sealer`]): the PBKDF2 key of the modern profile and the MAC key,
//! each with a salt of the run. Whoever has one file needs 10,000
//! iterations for each password they try, as with salts of each file; and
//! a password found opens every file of the run either way, since it is the
//! same password. Each encryption still has an IV of its own (drawn at
//! random for AES-CBC). The legacy profile's cipher takes its IV from the
//! password and the salt, so there each encryption keeps a salt and a
//! derivation of its own, and only the MAC key is shared.
//!
//! Certificates are encrypted like keys: the legacy profile uses 3DES for
//! both, as `openssl pkcs12 -export -certpbe PBE-SHA1-3DES -keypbe
//! PBE-SHA1-3DES -macalg sha1` does, rather than the 40-bit RC2 that
//! `openssl pkcs12 -legacy` uses for certificates. Every reader of the 3DES
//! key bag reads a 3DES certificate bag (Java 8, Windows' PFX import,
//! OpenSSL 1.1 and 3), and OpenSSL 3 reads the whole file without its
//! legacy provider.
//!
//! A truststore's certificate bags carry Oracle's trusted-key-usage
//! attribute (`2.16.840.1.113894.746875.1.1` = anyExtendedKeyUsage), which
//! is what makes Java list them as `trustedCertEntry` (a bag without it is
//! skipped by Java: the store then trusts nothing).

use std::num::NonZeroU32;

use aws_lc_rs::{cipher, hmac, pbkdf2, rand};
use cbc::cipher::{BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::encrypted_data::EncryptedData;
use cms::enveloped_data::EncryptedContentInfo;
use der::asn1::{BmpString, ObjectIdentifier, OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use pkcs12::pbe_params::{EncryptedPrivateKeyInfo, Pkcs12PbeParams};
use pkcs12::safe_bag::SafeBag;
use pkcs12::{CertBag, DigestInfo, MacData, Pfx, kdf};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::{Attribute, Attributes};
use zeroize::Zeroizing;

use crate::error::{BoxError, Error, Result};
use crate::secret::Passphrase;

/// Key derivation iterations, for the encryption and for the MAC: Java's
/// own defaults (`keystore.pkcs12.*IterationCount`), where OpenSSL 3 uses
/// 2048.
pub const ITERATIONS: u32 = 10_000;

/// The shortest password keytool gives a new keystore.
pub const MIN_PASSWORD_CHARS: usize = 6;

/// Which readers a PKCS#12 file is made for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC for keys and
    /// certificates, an HMAC-SHA256 MAC: what OpenSSL 3 and Java 11.0.12+
    /// (8u301+) write and read by default, and .NET on current Windows.
    #[default]
    Modern,
    /// pbeWithSHAAnd3-KeyTripleDES-CBC for keys and certificates, an
    /// HMAC-SHA1 MAC: for Java 8 before 8u301, Java 11 before 11.0.12 and
    /// older Windows, which do not read PBES2.
    Legacy,
}

impl Profile {
    pub fn name(self) -> &'static str {
        match self {
            Profile::Modern => "modern",
            Profile::Legacy => "legacy",
        }
    }

    /// The algorithms, as people look them up.
    pub fn algorithms(self) -> &'static str {
        match self {
            Profile::Modern => "AES-256-CBC, PBKDF2-HMAC-SHA256, HMAC-SHA256 MAC",
            Profile::Legacy => "3DES (pbeWithSHAAnd3-KeyTripleDES-CBC), HMAC-SHA1 MAC",
        }
    }
}

/// A keystore password, checked: PKCS#12 turns it into a BMPString, so it
/// must be UTF-8 within the Basic Multilingual Plane and hold no NUL; and
/// it has at least [`MIN_PASSWORD_CHARS`] characters, as keytool requires
/// of the keystores it makes.
#[derive(Clone, Debug)]
pub struct Password(Passphrase);

impl Password {
    /// Checks `passphrase`; `from` names where it came from, for the error.
    pub fn new(passphrase: Passphrase, from: &str) -> Result<Password> {
        let refuse = |reason| Error::KeystorePassword {
            from: from.to_string(),
            reason,
        };
        let text = std::str::from_utf8(passphrase.expose())
            .map_err(|_| refuse("is not UTF-8 text, which PKCS#12 requires"))?;
        if text.contains('\0') {
            return Err(refuse("holds a NUL character"));
        }
        if text.chars().any(|c| u32::from(c) > 0xFFFF) {
            return Err(refuse(
                "holds a character outside Unicode's Basic Multilingual Plane, which PKCS#12 passwords cannot hold",
            ));
        }
        if text.chars().count() < MIN_PASSWORD_CHARS {
            return Err(refuse(
                "is shorter than 6 characters, the least keytool accepts for a keystore",
            ));
        }
        Ok(Password(passphrase))
    }

    fn text(&self) -> &str {
        // Checked in `new`.
        std::str::from_utf8(self.0.expose()).unwrap_or_default()
    }
}

/// The object identifiers these files use (RFC 7292, RFC 2985, RFC 5652,
/// RFC 8018, and Oracle's for Java's trusted certificates).
mod oid {
    use der::asn1::ObjectIdentifier as Oid;

    pub const DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
    pub const ENCRYPTED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.6");
    pub const SHROUDED_KEY_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.2");
    pub const CERT_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.3");
    pub const X509_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.22.1");
    pub const FRIENDLY_NAME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.20");
    pub const LOCAL_KEY_ID: Oid = Oid::new_unwrap("1.2.840.113549.1.9.21");
    pub const ORACLE_TRUSTED_KEY_USAGE: Oid = Oid::new_unwrap("2.16.840.1.113894.746875.1.1");
    pub const ANY_EXTENDED_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37.0");
    pub const PBE_SHA1_3DES: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.3");
    pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
    pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
}

/// Salts: 16 bytes, drawn for each run (and for each legacy encryption).
const SALT_LEN: usize = 16;

/// [`ITERATIONS`], as aws-lc-rs's PBKDF2 takes it.
const PBKDF2_ITERATIONS: NonZeroU32 = NonZeroU32::new(ITERATIONS).unwrap();

/// How a profile encrypts keys and certificates.
enum Encryption {
    /// PBES2: AES-256-CBC with the run's key, derived with
    /// PBKDF2-HMAC-SHA256 from the password and `salt`.
    Aes256Cbc {
        key: Zeroizing<[u8; 32]>,
        salt: [u8; SALT_LEN],
    },
    /// pbeWithSHAAnd3-KeyTripleDES-CBC: key and IV derived for each
    /// encryption.
    TripleDes,
}

/// What encodes every file of one run: the password, and the keys derived
/// from it once (see the module's documentation).
pub struct Sealer {
    profile: Profile,
    password: Password,
    encryption: Encryption,
    mac_key: hmac::Key,
    mac_salt: [u8; SALT_LEN],
}

impl Sealer {
    /// Derives the keys of a run that writes `profile`'s files under
    /// `password`: two derivations of [`ITERATIONS`] each.
    pub fn new(password: &Password, profile: Profile) -> Result<Sealer> {
        let mac_salt = random_salt()?;
        let derive_mac = || -> Result<hmac::Key> {
            let (digest, algorithm) = match profile {
                Profile::Modern => (
                    pkcs12_kdf::<sha2::Sha256>(password, &mac_salt, kdf::Pkcs12KeyType::Mac, 32)?,
                    hmac::HMAC_SHA256,
                ),
                Profile::Legacy => (
                    pkcs12_kdf::<sha1::Sha1>(password, &mac_salt, kdf::Pkcs12KeyType::Mac, 20)?,
                    hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
                ),
            };
            Ok(hmac::Key::new(algorithm, &digest))
        };
        let derive_encryption = || -> Result<Encryption> {
            if profile == Profile::Legacy {
                return Ok(Encryption::TripleDes);
            }
            let salt = random_salt()?;
            let mut key = Zeroizing::new([0u8; 32]);
            pbkdf2::derive(
                pbkdf2::PBKDF2_HMAC_SHA256,
                PBKDF2_ITERATIONS,
                &salt,
                password.0.expose(),
                &mut key[..],
            );
            Ok(Encryption::Aes256Cbc { key, salt })
        };
        let (mac_key, encryption) = rayon::join(derive_mac, derive_encryption);
        Ok(Sealer {
            profile,
            password: password.clone(),
            encryption: encryption?,
            mac_key: mac_key?,
            mac_salt,
        })
    }

    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// A keystore: the private key `pkcs8` (DER) under `alias`, with
    /// `chain` (DER certificates, the key's own first, then each issuer up
    /// to the root).
    pub fn key_store(&self, alias: &str, pkcs8: &[u8], chain: &[Vec<u8>]) -> Result<Vec<u8>> {
        let failed = |source: der::Error| Error::Pkcs12 {
            what: "keystore",
            source: source.into(),
        };
        let leaf = chain.first().ok_or_else(|| Error::Pkcs12 {
            what: "keystore",
            source: "no certificate for the key".into(),
        })?;
        // The localKeyId that pairs the key with its certificate: the SHA-1
        // of the certificate, as OpenSSL makes it.
        let key_id = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, leaf);
        let named = || -> der::Result<Attributes> {
            let mut attributes = friendly_name(alias)?;
            attributes.insert(attribute(
                oid::LOCAL_KEY_ID,
                &OctetString::new(key_id.as_ref())?,
            )?)?;
            Ok(attributes)
        };
        // The key's own certificate under the alias, as `openssl pkcs12
        // -name` makes it; its issuers without attributes.
        let cert_bags = chain
            .iter()
            .enumerate()
            .map(|(i, der)| cert_bag(der, if i == 0 { Some(named()?) } else { None }))
            .collect::<der::Result<Vec<_>>>()
            .map_err(failed)?;
        let (algorithm, encrypted) = self.encrypt("keystore", pkcs8)?;
        let key_bag = (|| {
            Ok(SafeBag {
                bag_id: oid::SHROUDED_KEY_BAG,
                bag_value: EncryptedPrivateKeyInfo {
                    encryption_algorithm: algorithm,
                    encrypted_data: OctetString::new(encrypted)?,
                }
                .to_der()?,
                bag_attributes: Some(named()?),
            })
        })()
        .map_err(failed)?;
        let certs = self.encrypted_safe("keystore", cert_bags)?;
        let keys = data_safe(vec![key_bag]).map_err(failed)?;
        self.pfx("keystore", vec![certs, keys])
    }

    /// A truststore: each CA certificate (DER) under its alias, as a
    /// trusted certificate entry.
    pub fn trust_store(&self, entries: &[(String, Vec<u8>)]) -> Result<Vec<u8>> {
        let bags = entries
            .iter()
            .map(|(alias, der)| {
                let mut attributes = friendly_name(alias)?;
                attributes.insert(attribute(
                    oid::ORACLE_TRUSTED_KEY_USAGE,
                    &oid::ANY_EXTENDED_KEY_USAGE,
                )?)?;
                cert_bag(der, Some(attributes))
            })
            .collect::<der::Result<Vec<_>>>()
            .map_err(|source| Error::Pkcs12 {
                what: "truststore",
                source: source.into(),
            })?;
        let certs = self.encrypted_safe("truststore", bags)?;
        self.pfx("truststore", vec![certs])
    }

    /// `plain` encrypted, and the algorithm identifier that says how.
    fn encrypt(
        &self,
        what: &'static str,
        plain: &[u8],
    ) -> Result<(AlgorithmIdentifierOwned, Vec<u8>)> {
        let failed = |source: BoxError| Error::Pkcs12 { what, source };
        match &self.encryption {
            Encryption::Aes256Cbc { key, salt } => {
                let key = cipher::UnboundCipherKey::new(&cipher::AES_256, &key[..])
                    .and_then(cipher::PaddedBlockEncryptingKey::cbc_pkcs7)
                    .map_err(|e| failed(e.to_string().into()))?;
                let mut buf = Zeroizing::new(plain.to_vec());
                let context = key
                    .encrypt(&mut *buf)
                    .map_err(|e| failed(e.to_string().into()))?;
                let iv: &[u8] = (&context)
                    .try_into()
                    .map_err(|e: aws_lc_rs::error::Unspecified| failed(e.to_string().into()))?;
                let iv: [u8; 16] = iv
                    .try_into()
                    .map_err(|_| failed("an IV of another length".into()))?;
                let params = pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(
                    ITERATIONS, salt, iv,
                )
                .map_err(|e| failed(e.to_string().into()))?;
                let algorithm = pkcs5::EncryptionScheme::Pbes2(params)
                    .to_der()
                    .and_then(|der| AlgorithmIdentifierOwned::from_der(&der))
                    .map_err(|e| failed(e.into()))?;
                Ok((algorithm, buf.to_vec()))
            }
            Encryption::TripleDes => {
                let salt = random_salt()?;
                let key = Zeroizing::new(pkcs12_kdf::<sha1::Sha1>(
                    &self.password,
                    &salt,
                    kdf::Pkcs12KeyType::EncryptionKey,
                    24,
                )?);
                let iv =
                    pkcs12_kdf::<sha1::Sha1>(&self.password, &salt, kdf::Pkcs12KeyType::Iv, 8)?;
                let encrypted = cbc::Encryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
                    .map_err(|e| failed(e.to_string().into()))?
                    .encrypt_padded_vec::<Pkcs7>(plain);
                let params = Pkcs12PbeParams {
                    salt: OctetString::new(salt).map_err(|e| failed(e.into()))?,
                    iterations: ITERATIONS as i32,
                };
                let algorithm = (|| {
                    Ok::<_, der::Error>(AlgorithmIdentifierOwned {
                        oid: oid::PBE_SHA1_3DES,
                        parameters: Some(Any::from_der(&params.to_der()?)?),
                    })
                })()
                .map_err(|e| failed(e.into()))?;
                Ok((algorithm, encrypted))
            }
        }
    }

    /// `bags`, encrypted, as one element of the authenticated safe.
    fn encrypted_safe(&self, what: &'static str, bags: Vec<SafeBag>) -> Result<ContentInfo> {
        let failed = |source: der::Error| Error::Pkcs12 {
            what,
            source: source.into(),
        };
        let (algorithm, encrypted) = self.encrypt(what, &bags.to_der().map_err(failed)?)?;
        let encrypted_data = EncryptedData {
            version: CmsVersion::V0,
            enc_content_info: EncryptedContentInfo {
                content_type: oid::DATA,
                content_enc_alg: algorithm,
                encrypted_content: Some(OctetString::new(encrypted).map_err(failed)?),
            },
            unprotected_attrs: None,
        };
        Ok(ContentInfo {
            content_type: oid::ENCRYPTED_DATA,
            content: Any::from_der(&encrypted_data.to_der().map_err(failed)?).map_err(failed)?,
        })
    }

    /// The file: `safes`, with the MAC over them.
    fn pfx(&self, what: &'static str, safes: Vec<ContentInfo>) -> Result<Vec<u8>> {
        let failed = |source: der::Error| Error::Pkcs12 {
            what,
            source: source.into(),
        };
        let content = safes.to_der().map_err(failed)?;
        let mac = hmac::sign(&self.mac_key, &content);
        let digest = match self.profile {
            Profile::Modern => oid::SHA256,
            Profile::Legacy => oid::SHA1,
        };
        (|| {
            Pfx {
                version: pkcs12::pfx::Version::V3,
                auth_safe: ContentInfo {
                    content_type: oid::DATA,
                    content: Any::from_der(&OctetString::new(content)?.to_der()?)?,
                },
                mac_data: Some(MacData {
                    mac: DigestInfo {
                        algorithm: AlgorithmIdentifierOwned {
                            oid: digest,
                            parameters: None,
                        },
                        digest: OctetString::new(mac.as_ref())?,
                    },
                    mac_salt: OctetString::new(self.mac_salt)?,
                    iterations: ITERATIONS as i32,
                }),
            }
            .to_der()
        })()
        .map_err(failed)
    }
}

fn random_salt() -> Result<[u8; SALT_LEN]> {
    let mut salt = [0u8; SALT_LEN];
    rand::fill(&mut salt).map_err(|_| Error::Pkcs12 {
        what: "keystore",
        source: "the system's random number generator failed".into(),
    })?;
    Ok(salt)
}

/// RFC 7292's key derivation (appendix B) from `password`, as the MAC key
/// and the legacy cipher's key and IV take it.
fn pkcs12_kdf<D>(
    password: &Password,
    salt: &[u8],
    id: kdf::Pkcs12KeyType,
    len: usize,
) -> Result<Zeroizing<Vec<u8>>>
where
    D: sha2::Digest + sha2::digest::FixedOutputReset + sha2::digest::block_api::BlockSizeUser,
{
    kdf::derive_key_utf8::<D>(password.text(), salt, id, ITERATIONS as i32, len)
        .map(Zeroizing::new)
        .map_err(|e| Error::Pkcs12 {
            what: "keystore",
            source: e.into(),
        })
}

/// One attribute with one value.
fn attribute(oid: ObjectIdentifier, value: &impl Encode) -> der::Result<Attribute> {
    Ok(Attribute {
        oid,
        values: SetOfVec::from_iter([Any::from_der(&value.to_der()?)?])?,
    })
}

/// The friendlyName attribute, which Java and keytool show as the alias.
fn friendly_name(alias: &str) -> der::Result<Attributes> {
    let mut attributes = Attributes::new();
    attributes.insert(attribute(
        oid::FRIENDLY_NAME,
        &BmpString::from_utf8(alias)?,
    )?)?;
    Ok(attributes)
}

fn cert_bag(der: &[u8], attributes: Option<Attributes>) -> der::Result<SafeBag> {
    Ok(SafeBag {
        bag_id: oid::CERT_BAG,
        bag_value: CertBag {
            cert_id: oid::X509_CERTIFICATE,
            cert_value: OctetString::new(der)?,
        }
        .to_der()?,
        bag_attributes: attributes,
    })
}

/// `bags`, unencrypted (they hold a shrouded key), as one element of the
/// authenticated safe.
fn data_safe(bags: Vec<SafeBag>) -> der::Result<ContentInfo> {
    Ok(ContentInfo {
        content_type: oid::DATA,
        content: Any::from_der(&OctetString::new(bags.to_der()?)?.to_der()?)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use p12_keystore::{KeyStore, KeyStoreEntry};

    fn password(text: &[u8]) -> Result<Password> {
        Password::new(Passphrase::new(Zeroizing::new(text.to_vec()), "t")?, "FILE")
    }

    #[test]
    fn passwords_pkcs12_cannot_carry_or_keytool_refuses_are_refused() {
        assert!(password(b"s3cret-pw").is_ok());
        assert!(password("m\u{f6}tley-\u{20ac}".as_bytes()).is_ok());
        let message = |p: &[u8]| password(p).unwrap_err().to_string();
        assert_eq!(
            message(b"short"),
            "the keystore password from FILE is shorter than 6 characters, the least keytool accepts for a keystore"
        );
        assert!(message(b"\xff\xfenot-utf8").contains("not UTF-8"));
        assert!(message(b"with\0nul").contains("NUL"));
        assert!(message("emoji-\u{1f600}".as_bytes()).contains("Basic Multilingual Plane"));
    }

    /// DER-encoded OIDs, to find in a file.
    const PBES2: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d,
    ];
    const AES_256_CBC: &[u8] = &[
        0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a,
    ];
    const HMAC_SHA256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09];
    const SHA256: &[u8] = &[
        0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
    ];
    const SHA1: &[u8] = &[0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a];
    const PBE_SHA1_3DES: &[u8] = &[
        0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x03,
    ];
    fn has(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    fn self_signed() -> (Vec<u8>, Vec<u8>) {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let params = rcgen::CertificateParams::new(vec!["db1.example".to_string()]).unwrap();
        let cert = params.self_signed(&key).unwrap();
        (key.serialize_der(), cert.der().to_vec())
    }

    #[test]
    fn a_keystore_holds_the_key_and_chain_in_its_profile() {
        let pw = password(b"s3cret-pw").unwrap();
        let (key, cert) = self_signed();
        let modern = Sealer::new(&pw, Profile::Modern)
            .unwrap()
            .key_store("user", &key, std::slice::from_ref(&cert))
            .unwrap();
        for oid in [PBES2, AES_256_CBC, HMAC_SHA256, SHA256] {
            assert!(has(&modern, oid), "{oid:02x?}");
        }
        assert!(!has(&modern, PBE_SHA1_3DES));
        let legacy = Sealer::new(&pw, Profile::Legacy)
            .unwrap()
            .key_store("user", &key, std::slice::from_ref(&cert))
            .unwrap();
        assert!(has(&legacy, PBE_SHA1_3DES) && has(&legacy, SHA1));
        assert!(!has(&legacy, PBES2) && !has(&legacy, SHA256));
        for der in [&modern, &legacy] {
            let read =
                KeyStore::from_pkcs12(der, "s3cret-pw", p12_keystore::Pkcs12ImportPolicy::Strict)
                    .unwrap();
            let (alias, chain) = read.private_key_chain().unwrap();
            assert_eq!(alias, "user");
            assert_eq!(chain.key().as_der(), key.as_slice());
            assert_eq!(chain.certs()[0].as_der(), cert.as_slice());
            assert!(
                KeyStore::from_pkcs12(der, "wrong-pw", p12_keystore::Pkcs12ImportPolicy::Strict)
                    .is_err()
            );
        }
    }

    #[test]
    fn a_truststore_marks_its_certificates_trusted_for_java() {
        let pw = password(b"s3cret-pw").unwrap();
        let (_, a) = self_signed();
        let (_, b) = self_signed();
        let entries = vec![("ca-1".to_string(), a.clone()), ("ca-2".to_string(), b)];
        for profile in [Profile::Modern, Profile::Legacy] {
            let der = Sealer::new(&pw, profile)
                .unwrap()
                .trust_store(&entries)
                .unwrap();
            let read =
                KeyStore::from_pkcs12(&der, "s3cret-pw", p12_keystore::Pkcs12ImportPolicy::Strict)
                    .unwrap();
            // A strict import keeps only the certificates that carry the
            // trusted-key-usage attribute with anyExtendedKeyUsage.
            assert_eq!(read.entries_len(), 2);
            match read.entry("ca-1") {
                Some(KeyStoreEntry::Certificate(c)) => assert_eq!(c.as_der(), a.as_slice()),
                other => panic!("{other:?}"),
            }
        }
    }

    /// Every `len`-byte value that follows the DER header `04 len` (an
    /// OCTET STRING of that length) in `der`.
    fn octet_strings(der: &[u8], len: u8) -> Vec<Vec<u8>> {
        der.windows(2 + usize::from(len))
            .filter(|w| w[0] == 0x04 && w[1] == len)
            .map(|w| w[2..].to_vec())
            .collect()
    }

    #[test]
    fn a_run_derives_once_and_still_draws_an_iv_for_each_encryption() {
        let pw = password(b"s3cret-pw").unwrap();
        let (key_a, cert_a) = self_signed();
        let (key_b, cert_b) = self_signed();
        let sealer = Sealer::new(&pw, Profile::Modern).unwrap();
        let a = sealer
            .key_store("user", &key_a, std::slice::from_ref(&cert_a))
            .unwrap();
        let b = sealer
            .key_store("user", &key_b, std::slice::from_ref(&cert_b))
            .unwrap();
        // One run: the PBKDF2 salt and the MAC salt (16 bytes) are the
        // run's; the IVs (16 bytes too) are drawn for each encryption.
        let (salts_a, salts_b) = (octet_strings(&a, 16), octet_strings(&b, 16));
        assert_eq!(salts_a.len(), 5, "2 PBKDF2 salts, 2 IVs, 1 MAC salt");
        let shared: Vec<_> = salts_a.iter().filter(|s| salts_b.contains(s)).collect();
        assert_eq!(shared.len(), 3, "the PBKDF2 salt twice and the MAC salt");
        // Another run draws its own salts.
        let c = Sealer::new(&pw, Profile::Modern)
            .unwrap()
            .key_store("user", &key_a, std::slice::from_ref(&cert_a))
            .unwrap();
        assert!(octet_strings(&c, 16).iter().all(|s| !salts_a.contains(s)));
        // An independent reader opens each with the password.
        for (der, key) in [(&a, &key_a), (&b, &key_b), (&c, &key_a)] {
            let read =
                KeyStore::from_pkcs12(der, "s3cret-pw", p12_keystore::Pkcs12ImportPolicy::Strict)
                    .unwrap();
            assert_eq!(
                read.private_key_chain().unwrap().1.key().as_der(),
                key.as_slice()
            );
        }
    }

    #[test]
    fn the_legacy_profile_draws_a_salt_for_each_encryption() {
        // Its cipher takes the IV from the password and the salt: a shared
        // salt would encrypt every key of a run with one key and one IV.
        let pw = password(b"s3cret-pw").unwrap();
        let (key, cert) = self_signed();
        let sealer = Sealer::new(&pw, Profile::Legacy).unwrap();
        let a = sealer
            .key_store("user", &key, std::slice::from_ref(&cert))
            .unwrap();
        let b = sealer
            .key_store("user", &key, std::slice::from_ref(&cert))
            .unwrap();
        let (salts_a, salts_b) = (octet_strings(&a, 16), octet_strings(&b, 16));
        assert_eq!(salts_a.len(), 3, "a salt for each bag, and the MAC salt");
        let shared: Vec<_> = salts_a.iter().filter(|s| salts_b.contains(s)).collect();
        assert_eq!(shared.len(), 1, "only the MAC salt");
        assert_ne!(a, b);
    }
}
