//! Legacy signature algorithms.
//!
//! certgen accepts what OpenSSL-based clients accept, so certificates made by
//! the old recipes are judged the way the databases judge them, and warns
//! about what stricter clients (rustls, Go, Java) will refuse. SHA-1 and RSA
//! keys under 2048 bits are read here only so that a path using them is found
//! and refused with its reason (a weak signature or key) rather than as an
//! unknown algorithm.

use aws_lc_rs::signature::{self, RsaParameters, UnparsedPublicKey};
use rustls_pki_types::{AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm};

/// sha1WithRSAEncryption with NULL parameters (contents of the AlgorithmIdentifier).
const RSA_PKCS1_SHA1: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00,
];

/// RSA PKCS#1 v1.5 with any modulus from 1024 to 8192 bits.
#[derive(Debug)]
struct LegacyRsa {
    signature: AlgorithmIdentifier,
    params: &'static RsaParameters,
}

impl SignatureVerificationAlgorithm for LegacyRsa {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        UnparsedPublicKey::new(self.params, public_key)
            .verify(message, signature)
            .map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        rustls_pki_types::alg_id::RSA_ENCRYPTION
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.signature
    }
}

static LEGACY_SHA1: LegacyRsa = LegacyRsa {
    signature: AlgorithmIdentifier::from_slice(RSA_PKCS1_SHA1),
    params: &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
};
static SMALL_SHA256: LegacyRsa = LegacyRsa {
    signature: rustls_pki_types::alg_id::RSA_PKCS1_SHA256,
    params: &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
};
static SMALL_SHA512: LegacyRsa = LegacyRsa {
    signature: rustls_pki_types::alg_id::RSA_PKCS1_SHA512,
    params: &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
};

/// The signature algorithms path validation accepts: webpki's, with the
/// legacy RSA variants tried first (they also cover 2048 bits and more).
pub(crate) fn algorithms() -> Vec<&'static dyn SignatureVerificationAlgorithm> {
    let mut algs: Vec<&'static dyn SignatureVerificationAlgorithm> =
        vec![&LEGACY_SHA1, &SMALL_SHA256, &SMALL_SHA512];
    algs.extend_from_slice(webpki::ALL_VERIFICATION_ALGS);
    algs
}

/// SHA-1 signature algorithms, refused wherever a signature is checked.
pub(crate) const SHA1_SIGNATURES: [&str; 3] = [
    "1.2.840.113549.1.1.5", // sha1WithRSAEncryption
    "1.3.14.3.2.29",        // sha1WithRSA (OIW)
    "1.2.840.10045.4.1",    // ecdsa-with-SHA1
];
