//! Signature checks for certgen's own path builder, through the same
//! aws-lc-rs algorithms webpki uses, matched on the exact AlgorithmIdentifier
//! encodings the way webpki matches them.

use rustls_pki_types::SignatureVerificationAlgorithm;
use x509_parser::certificate::X509Certificate;

/// The parts of a certificate a signature check needs.
pub(crate) struct Signed<'a> {
    tbs: &'a [u8],
    /// Contents of the outer signatureAlgorithm.
    algorithm: &'a [u8],
    signature: &'a [u8],
    /// Contents of the subjectPublicKeyInfo's algorithm, and the key.
    key_algorithm: &'a [u8],
    key: &'a [u8],
}

impl<'a> Signed<'a> {
    pub(crate) fn of(cert: &'a X509Certificate<'a>) -> Option<Signed<'a>> {
        let (_, outer, _) = tlv(cert.as_raw())?;
        let (_, _, rest) = tlv(outer)?;
        let (_, algorithm, _) = tlv(rest)?;
        let spki = cert.public_key();
        let (_, spki_body, _) = tlv(spki.raw)?;
        let (_, key_algorithm, _) = tlv(spki_body)?;
        Some(Signed {
            tbs: cert.tbs_certificate.as_ref(),
            algorithm,
            signature: &cert.signature_value.data,
            key_algorithm,
            key: &spki.subject_public_key.data,
        })
    }

    /// Whether `issuer`'s key made this certificate's signature.
    pub(crate) fn signed_by(
        &self,
        issuer: &Signed<'_>,
        algorithms: &[&dyn SignatureVerificationAlgorithm],
    ) -> bool {
        algorithms
            .iter()
            .filter(|a| {
                a.signature_alg_id().as_ref() == self.algorithm
                    && a.public_key_alg_id().as_ref() == issuer.key_algorithm
            })
            .any(|a| {
                a.verify_signature(issuer.key, self.tbs, self.signature)
                    .is_ok()
            })
    }
}

/// One DER element: (tag, contents, what follows).
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| acc << 8 | usize::from(*b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}
