//! A private key held for signing: an aws-lc-rs key object behind rcgen's
//! signing traits.
//!
//! rcgen's own `KeyPair` keeps a copy of the key's PKCS#8 encoding in an
//! ordinary `Vec` that is freed without being wiped, so a CA key decrypted
//! from its passphrase would linger in freed memory. The key objects of
//! aws-lc-rs are cleared by aws-lc when freed, and every encoding certgen
//! makes of a key is held in a zeroizing buffer.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_ASN1_SIGNING, ECDSA_P384_SHA384_ASN1_SIGNING, ECDSA_P521_SHA512_ASN1_SIGNING,
    EcdsaKeyPair, EcdsaSigningAlgorithm, Ed25519KeyPair, KeyPair as _, RSA_PKCS1_SHA256,
    RsaKeyPair,
};
use rcgen::{PublicKeyData, SignatureAlgorithm, SigningKey};
use rustls_pki_types::PrivateKeyDer;
use zeroize::Zeroizing;

use crate::error::BoxError;
use crate::key_type::KeyType;
use crate::signed::MAX_RSA_BITS;

/// The key and the signature algorithm certificates signed with it carry.
pub struct Signer {
    key: Key,
    alg: &'static SignatureAlgorithm,
}

enum Key {
    Rsa(RsaKeyPair),
    /// An RSA key of more than 8192 bits (up to 16384, as OpenSSL allows),
    /// which aws-lc-rs does not sign with: its public half (a DER
    /// RSAPublicKey), so that it can be described and matched to a
    /// certificate. Signing with it fails.
    LargeRsa(Vec<u8>),
    Ecdsa(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

/// The largest RSA modulus aws-lc-rs signs with, in bits.
pub const MAX_SIGNING_RSA_BITS: usize = crate::signed::MAX_AWS_LC_RSA_BITS;

/// The curves certgen reads, with their signing algorithms.
const CURVES: [(&EcdsaSigningAlgorithm, &SignatureAlgorithm); 3] = [
    (
        &ECDSA_P256_SHA256_ASN1_SIGNING,
        &rcgen::PKCS_ECDSA_P256_SHA256,
    ),
    (
        &ECDSA_P384_SHA384_ASN1_SIGNING,
        &rcgen::PKCS_ECDSA_P384_SHA384,
    ),
    (
        &ECDSA_P521_SHA512_ASN1_SIGNING,
        &rcgen::PKCS_ECDSA_P521_SHA512,
    ),
];

impl Signer {
    /// Generates a key; also returns its PKCS#8 (v1) encoding.
    pub fn generate(key_type: KeyType) -> Result<(Signer, Zeroizing<Vec<u8>>), BoxError> {
        use aws_lc_rs::encoding::AsDer;
        let rsa = |size| -> Result<_, BoxError> {
            let pair = RsaKeyPair::generate(size)?;
            let der = Zeroizing::new(pair.as_der()?.as_ref().to_vec());
            Ok((Key::Rsa(pair), &rcgen::PKCS_RSA_SHA256, der))
        };
        let ec = |(curve, alg): (&'static EcdsaSigningAlgorithm, _)| -> Result<_, BoxError> {
            let pair = EcdsaKeyPair::generate(curve)?;
            let der = Zeroizing::new(pair.to_pkcs8v1()?.as_ref().to_vec());
            Ok((Key::Ecdsa(pair), alg, der))
        };
        let (key, alg, der) = match key_type {
            KeyType::Rsa2048 => rsa(KeySize::Rsa2048)?,
            KeyType::Rsa3072 => rsa(KeySize::Rsa3072)?,
            KeyType::Rsa4096 => rsa(KeySize::Rsa4096)?,
            KeyType::EcdsaP256 => ec(CURVES[0])?,
            KeyType::EcdsaP384 => ec(CURVES[1])?,
            KeyType::Ed25519 => {
                let pair = Ed25519KeyPair::generate()?;
                let der = Zeroizing::new(pair.to_pkcs8v1()?.as_ref().to_vec());
                (Key::Ed25519(pair), &rcgen::PKCS_ED25519, der)
            }
        };
        Ok((Signer { key, alg }, der))
    }

    /// Reads a PKCS#8, PKCS#1 (RSA) or SEC1 (EC) key.
    pub fn from_der(der: &PrivateKeyDer<'_>) -> Result<Signer, BoxError> {
        let found = match der {
            PrivateKeyDer::Pkcs8(k) => from_pkcs8(k.secret_pkcs8_der()),
            PrivateKeyDer::Pkcs1(k) => RsaKeyPair::from_der(k.secret_pkcs1_der())
                .ok()
                .map(|p| (Key::Rsa(p), &rcgen::PKCS_RSA_SHA256))
                .or_else(|| large_rsa(k.secret_pkcs1_der())),
            PrivateKeyDer::Sec1(k) => CURVES.iter().find_map(|(curve, alg)| {
                EcdsaKeyPair::from_private_key_der(curve, k.secret_sec1_der())
                    .ok()
                    .map(|p| (Key::Ecdsa(p), *alg))
            }),
            _ => None,
        };
        let (key, alg) = found.ok_or("not an RSA, ECDSA (P-256, P-384, P-521) or Ed25519 key")?;
        Ok(Signer { key, alg })
    }

    /// Whether certificates can be signed with this key: not with an RSA
    /// key of more than [`MAX_SIGNING_RSA_BITS`].
    pub fn can_sign(&self) -> bool {
        !matches!(self.key, Key::LargeRsa(_))
    }

    /// The key's PKCS#8 (v1) encoding, whatever form it was read in (a
    /// keystore holds PKCS#8); refused for an RSA key of more than
    /// [`MAX_SIGNING_RSA_BITS`], of which only the public half is kept.
    pub fn to_pkcs8v1(&self) -> Result<Zeroizing<Vec<u8>>, BoxError> {
        use aws_lc_rs::encoding::AsDer;
        let der = match &self.key {
            Key::Rsa(p) => Zeroizing::new(p.as_der()?.as_ref().to_vec()),
            Key::Ecdsa(p) => Zeroizing::new(p.to_pkcs8v1()?.as_ref().to_vec()),
            Key::Ed25519(p) => Zeroizing::new(p.to_pkcs8v1()?.as_ref().to_vec()),
            Key::LargeRsa(_) => {
                return Err(format!(
                    "an RSA key of more than {MAX_SIGNING_RSA_BITS} bits is not re-encoded"
                )
                .into());
            }
        };
        Ok(der)
    }
}

/// An RSA key of 8193 to [`MAX_RSA_BITS`] bits from its PKCS#1 encoding
/// (RSAPrivateKey: version, modulus, public exponent, ...), kept as its
/// public half.
fn large_rsa(pkcs1: &[u8]) -> Option<(Key, &'static SignatureAlgorithm)> {
    use x509_parser::der_parser::ber::BerObjectContent;
    let (_, key) = x509_parser::der_parser::parse_der(pkcs1).ok()?;
    let fields = key.as_sequence().ok()?;
    let integer = |i: usize| match fields.get(i).map(|f| &f.content) {
        Some(BerObjectContent::Integer(bytes)) => Some(*bytes),
        _ => None,
    };
    let (modulus, exponent) = (integer(1)?, integer(2)?);
    let significant = modulus.iter().position(|b| *b != 0)?;
    let bits = (modulus.len() - significant) * 8 - modulus[significant].leading_zeros() as usize;
    if fields.len() < 9 || !(MAX_SIGNING_RSA_BITS + 1..=MAX_RSA_BITS).contains(&bits) {
        return None;
    }
    let mut body = der_integer(modulus);
    body.extend(der_integer(exponent));
    let mut public = vec![0x30];
    public.extend(der_length(body.len()));
    public.extend(body);
    Some((Key::LargeRsa(public), &rcgen::PKCS_RSA_SHA256))
}

/// A DER INTEGER whose content octets are `content` (as read from DER).
fn der_integer(content: &[u8]) -> Vec<u8> {
    let mut out = vec![0x02];
    out.extend(der_length(content.len()));
    out.extend_from_slice(content);
    out
}

fn der_length(len: usize) -> Vec<u8> {
    if len < 0x80 {
        return vec![len as u8];
    }
    let bytes: Vec<u8> = len
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    let mut out = vec![0x80 | bytes.len() as u8];
    out.extend(bytes);
    out
}

fn from_pkcs8(der: &[u8]) -> Option<(Key, &'static SignatureAlgorithm)> {
    if let Ok(p) = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der) {
        return Some((Key::Ed25519(p), &rcgen::PKCS_ED25519));
    }
    if let Ok(p) = RsaKeyPair::from_pkcs8(der) {
        return Some((Key::Rsa(p), &rcgen::PKCS_RSA_SHA256));
    }
    if let Some(pkcs1) = pkcs8_rsa(der) {
        return large_rsa(pkcs1);
    }
    CURVES.iter().find_map(|(curve, alg)| {
        EcdsaKeyPair::from_pkcs8(curve, der)
            .ok()
            .map(|p| (Key::Ecdsa(p), *alg))
    })
}

/// The PKCS#1 key inside a PKCS#8 PrivateKeyInfo of algorithm
/// rsaEncryption.
fn pkcs8_rsa(der: &[u8]) -> Option<&[u8]> {
    use x509_parser::der_parser::ber::BerObjectContent;
    use x509_parser::der_parser::oid;
    let (_, info) = x509_parser::der_parser::parse_der(der).ok()?;
    let fields = info.as_sequence().ok()?;
    let algorithm = fields.get(1)?.as_sequence().ok()?.first()?.as_oid().ok()?;
    if *algorithm != oid!(1.2.840.113549.1.1.1) {
        return None;
    }
    match &fields.get(2)?.content {
        BerObjectContent::OctetString(key) => Some(key),
        _ => None,
    }
}

impl PublicKeyData for Signer {
    fn der_bytes(&self) -> &[u8] {
        match &self.key {
            Key::Rsa(k) => k.public_key().as_ref(),
            Key::LargeRsa(public) => public,
            Key::Ecdsa(k) => k.public_key().as_ref(),
            Key::Ed25519(k) => k.public_key().as_ref(),
        }
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        self.alg
    }
}

impl SigningKey for Signer {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        let failed = |_| rcgen::Error::RingUnspecified;
        let rng = SystemRandom::new();
        match &self.key {
            Key::Rsa(k) => {
                let mut sig = vec![0; k.public_modulus_len()];
                k.sign(&RSA_PKCS1_SHA256, &rng, msg, &mut sig)
                    .map_err(failed)?;
                Ok(sig)
            }
            Key::Ecdsa(k) => Ok(k.sign(&rng, msg).map_err(failed)?.as_ref().to_vec()),
            Key::Ed25519(k) => Ok(k.sign(msg).as_ref().to_vec()),
            Key::LargeRsa(_) => Err(rcgen::Error::RingUnspecified),
        }
    }
}
