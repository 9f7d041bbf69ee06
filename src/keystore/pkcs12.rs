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

/// A keystore password, checked: printable ASCII (space to `~`), the only
/// characters Java opens a PKCS#12 file with ("Password is not ASCII"
/// otherwise, even for files OpenSSL wrote), and at least
/// [`MIN_PASSWORD_CHARS`] of them, as keytool requires of the keystores it
/// makes.
#[derive(Clone, Debug)]
pub struct Password {
    /// As PBKDF2 takes it.
    ascii: Passphrase,
    /// As PKCS#12's own key derivation takes it: a BMPString with two zero
    /// bytes at the end (RFC 7292, appendix B.1).
    bmp: Zeroizing<Vec<u8>>,
}

impl Password {
    /// Checks `passphrase`; `from` names where it came from, for the error.
    pub fn new(passphrase: Passphrase, from: &str) -> Result<Password> {
        let refuse = |reason| Error::KeystorePassword {
            from: from.to_string(),
            reason,
        };
        let ascii = passphrase.expose();
        if !ascii.iter().all(|b| (0x20..=0x7e).contains(b)) {
            return Err(refuse(
                "holds a character other than printable ASCII (space to ~), and Java opens no keystore with such a password",
            ));
        }
        if ascii.len() < MIN_PASSWORD_CHARS {
            return Err(refuse(
                "is shorter than 6 characters, the least keytool accepts for a keystore",
            ));
        }
        let mut bmp = Zeroizing::new(Vec::with_capacity(2 * ascii.len() + 2));
        for &b in ascii.iter().chain(&[0]) {
            bmp.extend_from_slice(&[0, b]);
        }
        Ok(Password {
            ascii: passphrase,
            bmp,
        })
    }

    /// RFC 7292's key derivation (appendix B.2) from the password, with
    /// the digest `D`, as the MAC key and the legacy cipher's key and IV
    /// take it.
    fn pkcs12_kdf<D>(&self, salt: &[u8], id: kdf::Pkcs12KeyType, len: usize) -> Zeroizing<Vec<u8>>
    where
        D: sha2::Digest + sha2::digest::FixedOutputReset + sha2::digest::block_api::BlockSizeUser,
    {
        Zeroizing::new(kdf::derive_key::<D>(
            &self.bmp,
            salt,
            id,
            PKCS12_ITERATIONS,
            len,
        ))
    }
}

/// The object identifiers these files use that the `pkcs12` crate does not
/// name (RFC 5652, RFC 2985, and Oracle's for Java's trusted certificates).
mod oid {
    use der::asn1::ObjectIdentifier as Oid;

    pub const DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
    pub const ENCRYPTED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.6");
    pub const FRIENDLY_NAME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.20");
    pub const LOCAL_KEY_ID: Oid = Oid::new_unwrap("1.2.840.113549.1.9.21");
    pub const ORACLE_TRUSTED_KEY_USAGE: Oid = Oid::new_unwrap("2.16.840.1.113894.746875.1.1");
    pub const ANY_EXTENDED_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37.0");
    pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
    pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
}

/// Salts: 16 bytes, drawn for each run (and for each legacy encryption).
const SALT_LEN: usize = 16;

/// [`ITERATIONS`], as aws-lc-rs's PBKDF2 takes it: one plus the rest, a
/// conversion that cannot fail.
const PBKDF2_ITERATIONS: NonZeroU32 = NonZeroU32::MIN.saturating_add(ITERATIONS - 1);

/// [`ITERATIONS`], as PKCS#12's structures and key derivation take it.
const PKCS12_ITERATIONS: i32 = ITERATIONS as i32;

/// How a profile encrypts keys and certificates.
enum Encryption {
    /// PBES2: AES-256-CBC with the run's key, derived with
    /// PBKDF2-HMAC-SHA256 from the password and `salt`; an IV drawn for
    /// each encryption.
    Aes256Cbc {
        key: Box<cipher::PaddedBlockEncryptingKey>,
        salt: [u8; SALT_LEN],
    },
    /// pbeWithSHAAnd3-KeyTripleDES-CBC: a salt, and the key and IV derived
    /// from it and the password, for each encryption.
    TripleDes(Password),
}

/// What encodes every file of one run: the keys derived once from its
/// password (see the module's documentation).
pub struct Sealer {
    profile: Profile,
    encryption: Encryption,
    mac_key: hmac::Key,
    mac_salt: [u8; SALT_LEN],
}

impl Sealer {
    /// Derives the keys of a run that writes `profile`'s files under
    /// `password`: two derivations of [`ITERATIONS`] each (one for the
    /// legacy profile), side by side.
    pub fn new(password: &Password, profile: Profile) -> Result<Sealer> {
        let mac_salt = random_salt().map_err(failed("keystore"))?;
        let derive_mac = || match profile {
            Profile::Modern => hmac::Key::new(
                hmac::HMAC_SHA256,
                &password.pkcs12_kdf::<sha2::Sha256>(&mac_salt, kdf::Pkcs12KeyType::Mac, 32),
            ),
            Profile::Legacy => hmac::Key::new(
                hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
                &password.pkcs12_kdf::<sha1::Sha1>(&mac_salt, kdf::Pkcs12KeyType::Mac, 20),
            ),
        };
        let derive_encryption = || -> Result<Encryption> {
            if profile == Profile::Legacy {
                return Ok(Encryption::TripleDes(password.clone()));
            }
            let salt = random_salt().map_err(failed("keystore"))?;
            let mut key = Zeroizing::new([0u8; 32]);
            pbkdf2::derive(
                pbkdf2::PBKDF2_HMAC_SHA256,
                PBKDF2_ITERATIONS,
                &salt,
                password.ascii.expose(),
                &mut key[..],
            );
            let key = cipher::UnboundCipherKey::new(&cipher::AES_256, &key[..])
                .and_then(cipher::PaddedBlockEncryptingKey::cbc_pkcs7)
                .map_err(|e| failed("keystore")(e.to_string().into()))?;
            Ok(Encryption::Aes256Cbc {
                key: Box::new(key),
                salt,
            })
        };
        let (mac_key, encryption) = rayon::join(derive_mac, derive_encryption);
        Ok(Sealer {
            profile,
            encryption: encryption?,
            mac_key,
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
        let leaf = chain
            .first()
            .ok_or_else(|| failed("keystore")("no certificate for the key".into()))?;
        // The localKeyId that pairs the key with its certificate: the SHA-1
        // of the certificate, as OpenSSL makes it.
        let key_id = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, leaf);
        let encode = || -> std::result::Result<Vec<u8>, BoxError> {
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
                .collect::<der::Result<Vec<_>>>()?;
            let (algorithm, encrypted) = self.encrypt(pkcs8)?;
            let key_bag = SafeBag {
                bag_id: pkcs12::PKCS_12_PKCS8_KEY_BAG_OID,
                bag_value: EncryptedPrivateKeyInfo {
                    encryption_algorithm: algorithm,
                    encrypted_data: OctetString::new(encrypted)?,
                }
                .to_der()?,
                bag_attributes: Some(named()?),
            };
            let keys = ContentInfo {
                content_type: oid::DATA,
                content: Any::encode_from(&OctetString::new(vec![key_bag].to_der()?)?)?,
            };
            self.pfx(vec![self.encrypted_safe(cert_bags)?, keys])
        };
        encode().map_err(failed("keystore"))
    }

    /// A truststore: each CA certificate (DER) under its alias, as a
    /// trusted certificate entry.
    pub fn trust_store(&self, entries: &[(String, Vec<u8>)]) -> Result<Vec<u8>> {
        let encode = || -> std::result::Result<Vec<u8>, BoxError> {
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
                .collect::<der::Result<Vec<_>>>()?;
            self.pfx(vec![self.encrypted_safe(bags)?])
        };
        encode().map_err(failed("truststore"))
    }

    /// `plain` encrypted, and the algorithm identifier that says how.
    fn encrypt(
        &self,
        plain: &[u8],
    ) -> std::result::Result<(AlgorithmIdentifierOwned, Vec<u8>), BoxError> {
        match &self.encryption {
            Encryption::Aes256Cbc { key, salt } => {
                // Room for the padding, so that no copy of the key is left
                // behind by a reallocation.
                let mut buf = Zeroizing::new(Vec::with_capacity(plain.len() + 16));
                buf.extend_from_slice(plain);
                let context = key.encrypt(&mut *buf).map_err(|e| e.to_string())?;
                let iv: &[u8] = (&context).try_into().map_err(|_| "no IV was drawn")?;
                let iv: [u8; 16] = iv.try_into().map_err(|_| "an IV of another length")?;
                let params = pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(
                    ITERATIONS, salt, iv,
                )
                .map_err(|e| e.to_string())?;
                let algorithm = AlgorithmIdentifierOwned::from_der(
                    &pkcs5::EncryptionScheme::Pbes2(params).to_der()?,
                )?;
                Ok((algorithm, std::mem::take(&mut *buf)))
            }
            Encryption::TripleDes(password) => {
                let salt = random_salt()?;
                let key =
                    password.pkcs12_kdf::<sha1::Sha1>(&salt, kdf::Pkcs12KeyType::EncryptionKey, 24);
                let iv = password.pkcs12_kdf::<sha1::Sha1>(&salt, kdf::Pkcs12KeyType::Iv, 8);
                let encrypted = cbc::Encryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
                    .map_err(|e| e.to_string())?
                    .encrypt_padded_vec::<Pkcs7>(plain);
                let params = Pkcs12PbeParams {
                    salt: OctetString::new(salt)?,
                    iterations: PKCS12_ITERATIONS,
                };
                let algorithm = AlgorithmIdentifierOwned {
                    oid: pkcs12::PKCS_12_PBE_WITH_SHAAND3_KEY_TRIPLE_DES_CBC,
                    parameters: Some(Any::encode_from(&params)?),
                };
                Ok((algorithm, encrypted))
            }
        }
    }

    /// `bags`, encrypted, as one element of the authenticated safe.
    fn encrypted_safe(&self, bags: Vec<SafeBag>) -> std::result::Result<ContentInfo, BoxError> {
        let (algorithm, encrypted) = self.encrypt(&bags.to_der()?)?;
        let encrypted_data = EncryptedData {
            version: CmsVersion::V0,
            enc_content_info: EncryptedContentInfo {
                content_type: oid::DATA,
                content_enc_alg: algorithm,
                encrypted_content: Some(OctetString::new(encrypted)?),
            },
            unprotected_attrs: None,
        };
        Ok(ContentInfo {
            content_type: oid::ENCRYPTED_DATA,
            content: Any::encode_from(&encrypted_data)?,
        })
    }

    /// The file: `safes`, with the MAC over them.
    fn pfx(&self, safes: Vec<ContentInfo>) -> std::result::Result<Vec<u8>, BoxError> {
        let content = safes.to_der()?;
        let mac = hmac::sign(&self.mac_key, &content);
        let digest = match self.profile {
            Profile::Modern => oid::SHA256,
            Profile::Legacy => oid::SHA1,
        };
        Ok(Pfx {
            version: pkcs12::pfx::Version::V3,
            auth_safe: ContentInfo {
                content_type: oid::DATA,
                content: Any::encode_from(&OctetString::new(content)?)?,
            },
            mac_data: Some(MacData {
                mac: DigestInfo {
                    // With NULL parameters, as OpenSSL and Java write them.
                    algorithm: AlgorithmIdentifierOwned {
                        oid: digest,
                        parameters: Some(Any::null()),
                    },
                    digest: OctetString::new(mac.as_ref())?,
                },
                mac_salt: OctetString::new(self.mac_salt)?,
                iterations: PKCS12_ITERATIONS,
            }),
        }
        .to_der()?)
    }
}

/// The error of encoding a keystore or a truststore.
fn failed(what: &'static str) -> impl Fn(BoxError) -> Error {
    move |source| Error::Pkcs12 { what, source }
}

fn random_salt() -> std::result::Result<[u8; SALT_LEN], BoxError> {
    let mut salt = [0u8; SALT_LEN];
    rand::fill(&mut salt).map_err(|_| "the system's random number generator failed")?;
    Ok(salt)
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
        bag_id: pkcs12::PKCS_12_CERT_BAG_OID,
        bag_value: CertBag {
            cert_id: pkcs12::PKCS_12_X509_CERT_OID,
            cert_value: OctetString::new(der)?,
        }
        .to_der()?,
        bag_attributes: attributes,
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
    fn passwords_java_cannot_open_or_keytool_refuses_are_refused() {
        assert!(password(b"s3cret-pw").is_ok());
        assert!(password(b" ~!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}").is_ok());
        let message = |p: &[u8]| password(p).unwrap_err().to_string();
        assert_eq!(
            message(b"short"),
            "the keystore password from FILE is shorter than 6 characters, the least keytool accepts for a keystore"
        );
        for refused in [
            "m\u{f6}tley-\u{20ac}".as_bytes(),
            b"\xff\xfenot-utf8",
            b"with\0nul",
            b"with\ttab",
            b"with\x7fdel",
        ] {
            assert!(
                message(refused).contains("other than printable ASCII"),
                "{refused:?}"
            );
        }
    }

    #[test]
    fn pbkdf2_runs_the_iterations_the_files_name() {
        assert_eq!(PBKDF2_ITERATIONS.get(), ITERATIONS);
        assert_eq!(i64::from(PKCS12_ITERATIONS), i64::from(ITERATIONS));
    }

    #[test]
    fn the_pkcs12_derivation_takes_the_password_as_a_bmp_string_ending_in_zero() {
        let pw = password(b"abcdef").unwrap();
        assert_eq!(pw.bmp.as_slice(), b"\0a\0b\0c\0d\0e\0f\0\0", "RFC 7292 B.1");
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
