//! The certificates of one verification, split into roles and parsed once,
//! for the path builders and for explaining why no path was found.

use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm, TrustAnchor};
use x509_parser::certificate::X509Certificate;

/// The certificates of one verification, already split into roles, as DER
/// and parsed once (`None` where x509-parser cannot read one).
pub(crate) struct Pool<'a> {
    pub leaf: &'a CertificateDer<'a>,
    pub intermediates: &'a [CertificateDer<'a>],
    pub parsed_leaf: &'a X509Certificate<'a>,
    pub parsed_roots: &'a [Option<X509Certificate<'a>>],
    pub parsed_intermediates: &'a [Option<X509Certificate<'a>>],
    pub anchors: &'a [(usize, TrustAnchor<'a>)],
    pub algorithms: &'a [&'a dyn SignatureVerificationAlgorithm],
}

impl<'a> Pool<'a> {
    /// The parsed form of a certificate given as DER by webpki.
    pub(crate) fn parsed(&self, der: &[u8]) -> Option<&'a X509Certificate<'a>> {
        if der == self.leaf.as_ref() {
            return Some(self.parsed_leaf);
        }
        self.intermediates
            .iter()
            .zip(self.parsed_intermediates)
            .find(|(d, _)| d.as_ref() == der)
            .and_then(|(_, p)| p.as_ref())
    }
}

/// The trust anchors webpki can read, with their index in the CA file.
pub(crate) fn anchors<'a>(roots: &'a [CertificateDer<'a>]) -> Vec<(usize, TrustAnchor<'a>)> {
    roots
        .iter()
        .enumerate()
        .filter_map(|(i, r)| webpki::anchor_from_trusted_cert(r).ok().map(|a| (i, a)))
        .collect()
}
