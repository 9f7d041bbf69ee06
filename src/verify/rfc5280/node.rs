//! A certificate as path building sees it: its names prepared for
//! comparison and its signature ready to check.

use x509_parser::certificate::X509Certificate;

use super::dn::Dn;
use super::signature::Signed;

/// A certificate with what path building compares, prepared once.
pub(crate) struct Node<'a> {
    pub(crate) x: &'a X509Certificate<'a>,
    pub(super) signed: Signed<'a>,
    pub(super) subject: Dn,
    pub(super) issuer: Dn,
    /// Subject and issuer are the same name (RFC 5280 6.1).
    pub(crate) self_issued: bool,
}

impl<'a> Node<'a> {
    pub(crate) fn new(x: &'a X509Certificate<'a>) -> Option<Node<'a>> {
        let (subject, issuer) = (Dn::of(x.subject()), Dn::of(x.issuer()));
        Some(Node {
            x,
            signed: Signed::of(x)?,
            self_issued: subject == issuer,
            subject,
            issuer,
        })
    }
}
