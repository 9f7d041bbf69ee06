//! certgen's own RFC 5280 path builder and validator, for the chains webpki
//! refuses although RFC 5280 accepts them: names that match only after RFC
//! 4518 preparation, self-issued intermediates (key rollover), directoryName,
//! rfc822Name and URI name constraints, critical policy extensions, dates
//! before 1970, and a CA certificate checked as the end entity.
//!
//! Signatures are checked with the same aws-lc-rs algorithms webpki uses.

mod constraints;
mod dn;
mod node;
mod policy;
mod signature;
mod validate;

use rustls_pki_types::SignatureVerificationAlgorithm;
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;

use super::report::{Purpose, Rejection};
pub(crate) use node::Node;

/// Candidate paths longer than this many certificates are not tried.
const MAX_DEPTH: usize = 8;
/// Signature checks allowed per verification, against crafted bundles.
const MAX_SIGNATURES: usize = 100;

/// The certificates of one verification.
pub(crate) struct Candidates<'a, 'n> {
    pub(crate) roots: &'n [Node<'a>],
    pub(crate) intermediates: &'n [Node<'a>],
    pub(crate) algorithms: &'n [&'n dyn SignatureVerificationAlgorithm],
    pub(crate) now: OffsetDateTime,
    pub(crate) purpose: Purpose,
}

/// Finds a path from `leaf` to a root that passes RFC 5280 validation and
/// `accept` (certgen's stricter checks). Returns it from the leaf to the
/// root, or the first reason a candidate path was refused.
pub(crate) fn build<'a>(
    leaf: &Node<'a>,
    pool: &Candidates<'a, '_>,
    accept: &dyn Fn(&[&Node<'_>]) -> Result<(), Rejection>,
) -> Result<Vec<&'a X509Certificate<'a>>, Option<Rejection>> {
    let mut search = Search {
        pool,
        accept,
        signatures: 0,
        first_refusal: None,
    };
    let mut path = vec![leaf];
    if search.extend(&mut path) {
        Ok(path.iter().map(|n| n.x).collect())
    } else {
        Err(search.first_refusal)
    }
}

struct Search<'s, 'a, 'n> {
    pool: &'s Candidates<'a, 'n>,
    accept: &'s dyn Fn(&[&Node<'_>]) -> Result<(), Rejection>,
    signatures: usize,
    first_refusal: Option<Rejection>,
}

impl<'s, 'a> Search<'s, 'a, '_> {
    /// Depth-first: the roots that issued the last certificate first, then
    /// the intermediates. Leaves `path` complete when it returns true.
    fn extend(&mut self, path: &mut Vec<&'s Node<'a>>) -> bool {
        let Some(&last) = path.last() else {
            return false;
        };
        for root in self.pool.roots {
            if self.issued(root, last) {
                path.push(root);
                let verdict = validate::validate(path, self.pool.now, self.pool.purpose)
                    .and_then(|()| (self.accept)(path));
                match verdict {
                    Ok(()) => return true,
                    Err(r) => {
                        self.first_refusal.get_or_insert(r);
                    }
                }
                path.pop();
            }
        }
        if path.len() + 1 >= MAX_DEPTH {
            return false;
        }
        for inter in self.pool.intermediates {
            // A CA already on the path, by its name and key whatever
            // certificate carried them (cross-signed CAs certify each other
            // in cycles): a path through it again only comes back to it.
            let used = path.iter().any(|p| {
                p.subject == inter.subject && p.x.public_key().raw == inter.x.public_key().raw
            });
            if !used && self.issued(inter, last) {
                path.push(inter);
                if self.extend(path) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }

    fn issued(&mut self, issuer: &Node<'_>, cert: &Node<'_>) -> bool {
        if issuer.subject != cert.issuer || self.signatures >= MAX_SIGNATURES {
            return false;
        }
        self.signatures += 1;
        cert.signed.signed_by(&issuer.signed, self.pool.algorithms)
    }
}

#[cfg(test)]
mod tests {
    use x509_parser::prelude::FromDer;

    use super::*;

    /// x509-limbo's `cve::cve-2024-0567`: Roots A, B and C certify one
    /// another (tests/data/limbo/).
    const CASE: &str = include_str!("../../../tests/data/limbo/cve-2024-0567.json");

    fn pems(case: &serde_json::Value, field: &str) -> Vec<Vec<u8>> {
        let text: String = case[field]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        crate::encoding::certificates("test", text.as_bytes()).unwrap()
    }

    /// Without a root that issued any of them, the search for a path
    /// through the cycle ends by exhausting the graph, each CA (a name and
    /// a key) at most once on a path, long before the signature budget.
    #[test]
    fn a_cycle_of_cross_signed_cas_is_searched_once_through() {
        let suite: serde_json::Value = serde_json::from_str(CASE).unwrap();
        let case = &suite["testcases"][0];
        let ders = pems(case, "untrusted_intermediates");
        let leaf_der = crate::encoding::certificate(
            "test",
            case["peer_certificate"].as_str().unwrap().as_bytes(),
        )
        .unwrap();
        let parsed: Vec<X509Certificate<'_>> = ders
            .iter()
            .map(|d| X509Certificate::from_der(d).unwrap().1)
            .collect();
        let (_, leaf) = X509Certificate::from_der(&leaf_der).unwrap();
        let intermediates: Vec<Node<'_>> = parsed.iter().filter_map(Node::new).collect();
        let leaf = Node::new(&leaf).unwrap();
        let algorithms = super::super::compat::algorithms();
        let pool = Candidates {
            roots: &[],
            intermediates: &intermediates,
            algorithms: &algorithms,
            now: time::macros::datetime!(2030-01-01 00:00 UTC),
            purpose: Purpose::Server,
        };
        let accept = |_: &[&Node<'_>]| Ok(());
        let mut search = Search {
            pool: &pool,
            accept: &accept,
            signatures: 0,
            first_refusal: None,
        };
        let mut path = vec![&leaf];
        assert!(!search.extend(&mut path));
        // Each CA at most once on a path takes 11 signature checks here;
        // a search that lets a CA come back through another certificate
        // of it goes round the cycle and takes 27.
        assert!(
            search.signatures < 20,
            "{} signature checks",
            search.signatures
        );
    }
}
