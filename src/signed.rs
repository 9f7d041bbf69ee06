//! Signed objects (CSRs, CRLs): their outer structure read as strictly as
//! OpenSSL reads it, and their signatures verified.
//!
//! x509-parser takes an AlgorithmIdentifier whose OBJECT IDENTIFIER has
//! the wrong tag, or that has elements after its parameters, for a good
//! one, so a CSR or CRL corrupted there was signed from or trusted where
//! OpenSSL refuses to load it. [`check`] reads those parts itself.
//!
//! aws-lc-rs verifies RSA signatures of keys up to 8192 bits; OpenSSL's
//! limit is 16384 (`OPENSSL_RSA_MAX_MODULUS_BITS`). [`verify`] checks
//! PKCS#1 v1.5 signatures of the larger keys with the RustCrypto `rsa`
//! crate, public-key operations only.

use std::fmt;

use x509_parser::der_parser::asn1_rs::BitString;
use x509_parser::public_key::PublicKey;
use x509_parser::revocation_list::CertificateRevocationList;
use x509_parser::x509::{AlgorithmIdentifier, SubjectPublicKeyInfo};

/// The largest RSA modulus read, in bits: OpenSSL's limit
/// (`OPENSSL_RSA_MAX_MODULUS_BITS`).
pub const MAX_RSA_BITS: usize = 16384;

/// The largest RSA modulus aws-lc-rs verifies and signs with, in bits.
pub const MAX_AWS_LC_RSA_BITS: usize = 8192;

/// What kind of signed object the bytes should be, for what its
/// to-be-signed part must repeat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A PKCS#10 request: the algorithm appears once, outside.
    Csr,
    /// A CRL: the algorithm appears in TBSCertList too, and the two must be
    /// the same (RFC 5280 5.1.1.2).
    Crl,
}

/// Why a signed object's structure is refused: a sentence for the error's
/// source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed(pub &'static str);

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Malformed {}

/// Why a signature was not verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadSignature {
    /// The key did not make this signature over these bytes.
    Invalid,
    /// The algorithm, or the key for it, is one certgen does not verify.
    Unsupported,
}

const SEQUENCE: u8 = 0x30;
const OID: u8 = 0x06;
const NULL: u8 = 0x05;
const BOOLEAN: u8 = 0x01;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;

/// RSASSA-PSS, the one signature algorithm here that takes parameters.
const RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];

/// One element: its tag byte, its contents, its whole encoding, and what
/// follows it.
struct Element<'a> {
    tag: u8,
    contents: &'a [u8],
    whole: &'a [u8],
    rest: &'a [u8],
}

/// Reads one element with a definite length (short or long form, as
/// OpenSSL reads BER lengths); a multi-byte tag is refused.
fn element(input: &[u8]) -> Option<Element<'_>> {
    let (&tag, after_tag) = input.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, after_len) = after_tag.split_first()?;
    let (len, body) = match first {
        0..=0x7f => (usize::from(first), after_len),
        0x81..=0x84 => {
            let n = usize::from(first & 0x7f);
            let bytes = after_len.get(..n)?;
            let len = bytes
                .iter()
                .fold(0usize, |acc, b| acc << 8 | usize::from(*b));
            (len, &after_len[n..])
        }
        // Indefinite (0x80) or longer than 4 GiB.
        _ => return None,
    };
    let contents = body.get(..len)?;
    let header = input.len() - body.len();
    Some(Element {
        tag,
        contents,
        whole: &input[..header + len],
        rest: &body[len..],
    })
}

/// Checks the outer structure of a signed object (`der`, one object with
/// nothing after it as the caller has already made sure, or trailing data
/// the caller reports): SEQUENCE { tbs SEQUENCE, AlgorithmIdentifier,
/// BIT STRING } with nothing else inside, a well-formed AlgorithmIdentifier,
/// and for a CRL the same one inside the signed part.
pub fn check(der: &[u8], kind: Kind) -> Result<(), Malformed> {
    let outer = element(der)
        .filter(|e| e.tag == SEQUENCE)
        .ok_or(Malformed("not a DER SEQUENCE"))?;
    let tbs = element(outer.contents)
        .filter(|e| e.tag == SEQUENCE)
        .ok_or(Malformed("the signed part is not a SEQUENCE"))?;
    let algorithm =
        element(tbs.rest).ok_or(Malformed("the signature algorithm identifier is cut short"))?;
    algorithm_identifier(&algorithm)?;
    let signature = element(algorithm.rest)
        .filter(|e| e.tag == BIT_STRING)
        .ok_or(Malformed("the signature is not a BIT STRING"))?;
    if signature.contents.first() != Some(&0) {
        return Err(Malformed(
            "the signature BIT STRING has unused bits or no contents",
        ));
    }
    if !signature.rest.is_empty() {
        return Err(Malformed("data after the signature"));
    }
    if kind == Kind::Crl {
        let mut inner = element(tbs.contents).ok_or(Malformed("the TBSCertList is empty"))?;
        if inner.tag == INTEGER {
            inner = element(inner.rest).ok_or(Malformed("the TBSCertList is cut short"))?;
        }
        algorithm_identifier(&inner)?;
        if inner.whole != algorithm.whole {
            return Err(Malformed(
                "the signature algorithm differs from the one in the signed part (RFC 5280 5.1.1.2)",
            ));
        }
    }
    Ok(())
}

/// AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER,
/// parameters ANY OPTIONAL }, read as OpenSSL reads it (an OBJECT
/// IDENTIFIER it can decode, at most one parameter, a NULL or BOOLEAN of
/// the right length), and with the parameters RFC 4055 allows for the
/// algorithms that take none (NULL or absent).
fn algorithm_identifier(e: &Element<'_>) -> Result<(), Malformed> {
    if e.tag != SEQUENCE {
        return Err(Malformed(
            "the signature algorithm identifier is not a SEQUENCE",
        ));
    }
    let oid =
        element(e.contents).ok_or(Malformed("the signature algorithm identifier is empty"))?;
    if oid.tag != OID {
        return Err(Malformed(
            "the signature algorithm is not an OBJECT IDENTIFIER",
        ));
    }
    if !valid_oid(oid.contents) {
        return Err(Malformed(
            "the signature algorithm's OBJECT IDENTIFIER is malformed",
        ));
    }
    if oid.rest.is_empty() {
        return Ok(());
    }
    let params = element(oid.rest).ok_or(Malformed(
        "the signature algorithm's parameters are malformed",
    ))?;
    if !params.rest.is_empty() {
        return Err(Malformed("data after the signature algorithm's parameters"));
    }
    let well_formed = match params.tag {
        NULL => params.contents.is_empty(),
        BOOLEAN => params.contents.len() == 1,
        OID => valid_oid(params.contents),
        _ => true,
    };
    if !well_formed {
        return Err(Malformed(
            "the signature algorithm's parameters are malformed",
        ));
    }
    if oid.contents != RSASSA_PSS && params.tag != NULL {
        return Err(Malformed(
            "the signature algorithm takes no parameters, but has some other than NULL",
        ));
    }
    Ok(())
}

/// An OBJECT IDENTIFIER's contents as OpenSSL decodes them: not empty, the
/// last byte ending a subidentifier, no subidentifier padded with 0x80.
fn valid_oid(contents: &[u8]) -> bool {
    let Some(last) = contents.last() else {
        return false;
    };
    if last & 0x80 != 0 {
        return false;
    }
    let mut starts = true;
    for &b in contents {
        if starts && b == 0x80 {
            return false;
        }
        starts = b & 0x80 == 0;
    }
    true
}

/// Verifies `signature` over `tbs` (the signed part's whole encoding) with
/// `key`, by `algorithm`: through aws-lc-rs, and for RSA keys of 8193 to
/// [`MAX_RSA_BITS`] bits, which it refuses, through the `rsa` crate
/// (PKCS#1 v1.5 with SHA-256, SHA-384 or SHA-512).
pub fn verify(
    key: &SubjectPublicKeyInfo<'_>,
    algorithm: &AlgorithmIdentifier<'_>,
    signature: &BitString<'_>,
    tbs: &[u8],
) -> Result<(), BadSignature> {
    use x509_parser::error::X509Error;
    match x509_parser::verify::verify_signature(key, algorithm, signature, tbs) {
        Ok(()) => Ok(()),
        Err(e) => match large_rsa(key) {
            Some((n, e)) => verify_large_rsa(n, e, algorithm, &signature.data, tbs),
            None if e == X509Error::SignatureUnsupportedAlgorithm => Err(BadSignature::Unsupported),
            None => Err(BadSignature::Invalid),
        },
    }
}

/// Whether `key` made the signature of `crl`.
pub fn crl_signed_by(crl: &CertificateRevocationList<'_>, key: &SubjectPublicKeyInfo<'_>) -> bool {
    verify(
        key,
        &crl.signature_algorithm,
        &crl.signature_value,
        crl.tbs_cert_list.as_ref(),
    )
    .is_ok()
}

/// The modulus and exponent of an RSA key of 8193 to [`MAX_RSA_BITS`] bits.
fn large_rsa<'a>(key: &'a SubjectPublicKeyInfo<'_>) -> Option<(&'a [u8], &'a [u8])> {
    let Ok(PublicKey::RSA(rsa)) = key.parsed() else {
        return None;
    };
    let bits = rsa.key_size();
    (MAX_AWS_LC_RSA_BITS + 1..=MAX_RSA_BITS)
        .contains(&bits)
        .then_some((rsa.modulus, rsa.exponent))
}

fn verify_large_rsa(
    n: &[u8],
    e: &[u8],
    algorithm: &AlgorithmIdentifier<'_>,
    signature: &[u8],
    tbs: &[u8],
) -> Result<(), BadSignature> {
    use aws_lc_rs::digest::{SHA256, SHA384, SHA512, digest};
    use rsa::sha2::{Sha256, Sha384, Sha512};
    use rsa::traits::SignatureScheme;
    use rsa::{BoxedUint, Pkcs1v15Sign, PublicKey as RsaKey};
    use x509_parser::oid_registry::{
        OID_PKCS1_SHA256WITHRSA, OID_PKCS1_SHA384WITHRSA, OID_PKCS1_SHA512WITHRSA,
    };
    let (scheme, hash) = match &algorithm.algorithm {
        a if *a == OID_PKCS1_SHA256WITHRSA => (Pkcs1v15Sign::new::<Sha256>(), &SHA256),
        a if *a == OID_PKCS1_SHA384WITHRSA => (Pkcs1v15Sign::new::<Sha384>(), &SHA384),
        a if *a == OID_PKCS1_SHA512WITHRSA => (Pkcs1v15Sign::new::<Sha512>(), &SHA512),
        _ => return Err(BadSignature::Unsupported),
    };
    let width = |b: &[u8]| u32::try_from(b.len() * 8).unwrap_or(u32::MAX);
    let n = BoxedUint::from_be_slice(n, width(n)).map_err(|_| BadSignature::Invalid)?;
    let e = BoxedUint::from_be_slice(e, width(e)).map_err(|_| BadSignature::Invalid)?;
    let key = RsaKey::new_with_size_limits(n, e, MAX_AWS_LC_RSA_BITS + 1..=MAX_RSA_BITS)
        .map_err(|_| BadSignature::Invalid)?;
    scheme
        .verify(&key, digest(hash, tbs).as_ref(), signature)
        .map_err(|_| BadSignature::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn algid(hex: &str) -> Result<(), Malformed> {
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        algorithm_identifier(&element(&bytes).unwrap())
    }

    const SHA256_RSA: &str = "06092a864886f70d01010b";

    #[test]
    fn algorithm_identifiers_as_openssl_reads_them() {
        assert_eq!(algid(&format!("300d{SHA256_RSA}0500")), Ok(()));
        assert_eq!(algid(&format!("300b{SHA256_RSA}")), Ok(()));
        assert_eq!(algid("300a06082a8648ce3d040302"), Ok(()));
        // The tag of the OBJECT IDENTIFIER, a NULL with contents, two
        // parameters, an OBJECT IDENTIFIER padded with 0x80.
        assert!(algid("300d07092a864886f70d01010b0500").is_err());
        assert!(algid(&format!("300e{SHA256_RSA}050100")).is_err());
        assert!(algid(&format!("300f{SHA256_RSA}05000500")).is_err());
        assert!(algid("300e060a2a80864886f70d01010b0500").is_err());
        assert!(algid("3002060000").is_err());
        // Parameters where RFC 4055 allows NULL or none.
        assert!(algid(&format!("300d{SHA256_RSA}0400")).is_err());
    }

    #[test]
    fn object_identifiers() {
        assert!(valid_oid(&[0x2a, 0x86, 0x48]));
        assert!(!valid_oid(&[]));
        assert!(!valid_oid(&[0x2a, 0x86]));
        assert!(!valid_oid(&[0x2a, 0x80, 0x01]));
    }
}
