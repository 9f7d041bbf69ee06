//! Building a path from the leaf to a trusted root with webpki, with
//! certgen's stricter checks deciding between candidate paths, and the one
//! case webpki does not handle: a v1 leaf signed directly by a root.

use std::cell::RefCell;

use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm, TrustAnchor, UnixTime};
use time::OffsetDateTime;
use webpki::{EndEntityCert, KeyUsage, VerifiedPath};
use x509_parser::certificate::X509Certificate;

use super::explain::explain;
use super::report::{Purpose, Rejection};
use super::rfc5280::{self, Candidates, Node};
use super::strict;
use crate::name::oneline;
use x509_parser::prelude::FromDer;

/// The error webpki never produces without CRLs; it marks a path refused by
/// certgen's own checks, whose reason is kept aside.
const REFUSED: webpki::Error = webpki::Error::UnsupportedRevocationReasonsPartitioning;

/// The certificates of one verification, already split into roles.
pub(crate) struct Pool<'a> {
    pub leaf: &'a CertificateDer<'a>,
    pub roots: &'a [CertificateDer<'a>],
    pub intermediates: &'a [CertificateDer<'a>],
    pub algorithms: &'a [&'a dyn SignatureVerificationAlgorithm],
}

/// Finds a valid path; returns it from the leaf to the root, as DER.
pub(crate) fn build(
    pool: &Pool<'_>,
    ee: &EndEntityCert<'_>,
    now: OffsetDateTime,
    purpose: Purpose,
) -> Result<Vec<Vec<u8>>, Rejection> {
    let anchors: Vec<(usize, TrustAnchor<'_>)> = pool
        .roots
        .iter()
        .enumerate()
        .filter_map(|(i, r)| webpki::anchor_from_trusted_cert(r).ok().map(|a| (i, a)))
        .collect();
    let trust: Vec<TrustAnchor<'_>> = anchors.iter().map(|(_, a)| a.clone()).collect();
    let refused = RefCell::new(None);
    let found = RefCell::new(Vec::new());
    let check = |path: &VerifiedPath<'_>| {
        let ders = path_ders(path, pool.roots, &anchors);
        match strict::check_path(&ders, now) {
            Ok(()) => {
                *found.borrow_mut() = ders;
                Ok(())
            }
            Err(reason) => {
                refused.borrow_mut().get_or_insert(reason);
                Err(REFUSED)
            }
        }
    };
    let usage = match purpose {
        Purpose::Server => KeyUsage::server_auth(),
        Purpose::Client => KeyUsage::client_auth(),
    };
    let result = ee.verify_for_usage(
        pool.algorithms,
        &trust,
        pool.intermediates,
        unix_time(now),
        usage,
        None,
        Some(&check),
    );
    let webpki_rejection = match result {
        Ok(_) => return Ok(found.into_inner()),
        Err(REFUSED) => refused
            .into_inner()
            .unwrap_or_else(|| Rejection::invalid("refused by certgen's checks")),
        Err(e) => explain(e, pool, purpose),
    };
    // webpki refuses some chains RFC 5280 accepts; certgen's own validator
    // has the last word on those.
    match own_path(pool, now, purpose) {
        Ok(ders) => Ok(ders),
        Err(Some(reason)) if matches!(webpki_rejection, Rejection::UntrustedIssuer { .. }) => {
            Err(reason)
        }
        Err(_) => Err(webpki_rejection),
    }
}

/// A path found and validated by certgen's RFC 5280 builder, as DER.
pub(crate) fn own_path(
    pool: &Pool<'_>,
    now: OffsetDateTime,
    purpose: Purpose,
) -> Result<Vec<Vec<u8>>, Option<Rejection>> {
    fn parse<'a>(d: &'a CertificateDer<'_>) -> Option<X509Certificate<'a>> {
        X509Certificate::from_der(d).ok().map(|(_, c)| c)
    }
    fn parse_all<'a>(ders: &'a [CertificateDer<'_>]) -> Vec<X509Certificate<'a>> {
        ders.iter().filter_map(parse).collect()
    }
    fn nodes<'a>(certs: &'a [X509Certificate<'a>]) -> Vec<Node<'a>> {
        certs.iter().filter_map(Node::new).collect()
    }
    let leaf = parse(pool.leaf).ok_or(None)?;
    let (roots, intermediates) = (parse_all(pool.roots), parse_all(pool.intermediates));
    let (roots, intermediates) = (nodes(&roots), nodes(&intermediates));
    let leaf = Node::new(&leaf).ok_or(None)?;
    let candidates = Candidates {
        roots: &roots,
        intermediates: &intermediates,
        algorithms: pool.algorithms,
        now,
        purpose,
    };
    let accept = |path: &[&Node<'_>]| {
        let ders: Vec<Vec<u8>> = path.iter().map(|n| n.der.to_vec()).collect();
        strict::check_path(&ders, now)
    };
    let path = rfc5280::build(&leaf, &candidates, &accept)?;
    Ok(path.iter().map(|n| n.der.to_vec()).collect())
}

fn path_ders(
    path: &VerifiedPath<'_>,
    roots: &[CertificateDer<'_>],
    anchors: &[(usize, TrustAnchor<'_>)],
) -> Vec<Vec<u8>> {
    let mut out = vec![path.end_entity().der().to_vec()];
    out.extend(path.intermediate_certificates().map(|c| c.der().to_vec()));
    let anchor = path.anchor();
    if let Some((i, _)) = anchors.iter().find(|(_, a)| {
        a.subject == anchor.subject && a.subject_public_key_info == anchor.subject_public_key_info
    }) {
        out.push(roots[*i].to_vec());
    }
    out
}

pub(crate) fn unix_time(now: OffsetDateTime) -> UnixTime {
    let secs = u64::try_from(now.unix_timestamp()).unwrap_or(0);
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs))
}

/// A v1 leaf (no extensions, so webpki refuses it) is accepted when a root in
/// the CA file signed it directly, as `openssl verify` does.
pub(crate) fn build_v1(
    pool: &Pool<'_>,
    leaf: &X509Certificate<'_>,
    now: OffsetDateTime,
) -> Result<Vec<Vec<u8>>, Rejection> {
    let validity = leaf.validity();
    if now > validity.not_after.to_datetime() {
        return Err(Rejection::Expired {
            subject: oneline(leaf.subject()),
            not_after: validity.not_after.to_datetime(),
        });
    }
    if now < validity.not_before.to_datetime() {
        return Err(Rejection::NotYetValid {
            subject: oneline(leaf.subject()),
            not_before: validity.not_before.to_datetime(),
        });
    }
    let mut named = false;
    for root in pool.roots {
        let Ok((_, ca)) = X509Certificate::from_der(root) else {
            continue;
        };
        if ca.subject().as_raw() != leaf.issuer().as_raw() {
            continue;
        }
        named = true;
        if leaf.verify_signature(Some(ca.public_key())).is_ok() {
            let ders = vec![pool.leaf.to_vec(), root.to_vec()];
            strict::check_path(&ders, now)?;
            return Ok(ders);
        }
    }
    if named {
        return Err(Rejection::BadSignature {
            subject: oneline(leaf.subject()),
        });
    }
    Err(Rejection::UntrustedIssuer {
        issuer: format!(
            "{} (an X.509 v1 certificate must be signed directly by a certificate in the CA file)",
            oneline(leaf.issuer())
        ),
    })
}
