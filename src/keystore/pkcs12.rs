//! The PKCS#12 files themselves: a keystore (one private key with its
//! certificate chain) and a truststore (CA certificates Java trusts), in the
//! modern or the legacy profile, encoded by the `p12-keystore` crate.
//!
//! Why that crate: it writes PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) and
//! the PKCS#12 PBE with 3DES, HMAC-SHA-256 and HMAC-SHA-1 MACs, and the
//! certificate bags of a truststore with Oracle's trusted-key-usage
//! attribute (`2.16.840.1.113894.746875.1.1` = anyExtendedKeyUsage), which
//! is what makes Java list them as `trustedCertEntry` (a bag without it is
//! skipped by Java: the store then trusts nothing). It is built on the
//! RustCrypto `pkcs12`, `pkcs5`, `cms` and `der` crates that certgen's
//! PKCS#8 encryption already uses. RustCrypto's `pkcs12` alone has the
//! types and the key derivation but no writer; `p12` writes only the legacy
//! algorithms and no trusted-certificate attribute.
//!
//! The crate encrypts certificates with the same algorithm as keys: the
//! legacy profile uses 3DES for both, as `openssl pkcs12 -export -certpbe
//! PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1` does, rather than the
//! 40-bit RC2 that `openssl pkcs12 -legacy` uses for certificates. Every
//! reader of the 3DES key bag reads a 3DES certificate bag (Java 8, Windows'
//! PFX import, OpenSSL 1.1 and 3), and OpenSSL 3 reads the whole file
//! without its legacy provider.
//!
//! The crate keeps its copy of the private key in a buffer it does not wipe
//! when freed; certgen's process is kept out of core files and away from
//! other processes (`secret::forbid_core_dumps`).

use p12_keystore::{
    Certificate, EncryptionAlgorithm, KeyStore, KeyStoreEntry, MacAlgorithm, PrivateKey,
    PrivateKeyChain,
};

use crate::error::{Error, Result};
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

    fn encryption(self) -> (EncryptionAlgorithm, MacAlgorithm) {
        match self {
            Profile::Modern => (
                EncryptionAlgorithm::PbeWithHmacSha256AndAes256,
                MacAlgorithm::HmacSha256,
            ),
            Profile::Legacy => (
                EncryptionAlgorithm::PbeWithShaAnd3KeyTripleDesCbc,
                MacAlgorithm::HmacSha1,
            ),
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

/// A keystore: the private key `pkcs8` (DER) under `alias`, with `chain`
/// (DER certificates, the key's own first, then each issuer up to the root).
pub fn key_store(
    alias: &str,
    pkcs8: &[u8],
    chain: &[Vec<u8>],
    password: &Password,
    profile: Profile,
) -> Result<Vec<u8>> {
    let failed = |source: p12_keystore::error::Error| Error::Pkcs12 {
        what: "keystore",
        source: source.into(),
    };
    let leaf = chain.first().ok_or_else(|| Error::Pkcs12 {
        what: "keystore",
        source: "no certificate for the key".into(),
    })?;
    let certs = chain
        .iter()
        .map(|der| Certificate::from_der(der))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(failed)?;
    let key = PrivateKey::from_der(pkcs8).map_err(failed)?;
    // The localKeyId that pairs the key with its certificate: the SHA-1 of
    // the certificate, as OpenSSL makes it.
    let key_id = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, leaf);
    let mut store = KeyStore::new();
    store.add_entry(
        alias,
        KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(key_id.as_ref(), key, certs)),
    );
    write(&store, password, profile).map_err(failed)
}

/// A truststore: each CA certificate (DER) under its alias, as a trusted
/// certificate entry.
pub fn trust_store(
    entries: &[(String, Vec<u8>)],
    password: &Password,
    profile: Profile,
) -> Result<Vec<u8>> {
    let failed = |source: p12_keystore::error::Error| Error::Pkcs12 {
        what: "truststore",
        source: source.into(),
    };
    let mut store = KeyStore::new();
    for (alias, der) in entries {
        let cert = Certificate::from_der(der).map_err(failed)?;
        store.add_entry(alias, KeyStoreEntry::Certificate(cert));
    }
    write(&store, password, profile).map_err(failed)
}

fn write(
    store: &KeyStore,
    password: &Password,
    profile: Profile,
) -> std::result::Result<Vec<u8>, p12_keystore::error::Error> {
    let (encryption, mac) = profile.encryption();
    store
        .writer(password.text())
        .encryption_algorithm(encryption)
        .encryption_iterations(ITERATIONS)
        .mac_algorithm(mac)
        .mac_iterations(ITERATIONS)
        .write()
}

#[cfg(test)]
mod tests {
    use super::*;
    use zeroize::Zeroizing;

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
        let modern = key_store(
            "user",
            &key,
            std::slice::from_ref(&cert),
            &pw,
            Profile::Modern,
        )
        .unwrap();
        for oid in [PBES2, AES_256_CBC, HMAC_SHA256, SHA256] {
            assert!(has(&modern, oid), "{oid:02x?}");
        }
        assert!(!has(&modern, PBE_SHA1_3DES));
        let legacy = key_store(
            "user",
            &key,
            std::slice::from_ref(&cert),
            &pw,
            Profile::Legacy,
        )
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
            let der = trust_store(&entries, &pw, profile).unwrap();
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
}
