//! Building a path from the leaf to a trusted root with webpki, with
//! certgen's stricter checks deciding between candidate paths, and the one
//! case webpki does not handle: a v1 leaf signed directly by a root.

use std::cell::RefCell;

use rustls_pki_types::{TrustAnchor, UnixTime};
use time::OffsetDateTime;
use webpki::{EndEntityCert, KeyUsage, VerifiedPath};
use x509_parser::certificate::X509Certificate;

use super::explain::explain;
use super::pool::Pool;
use super::report::{Mode, Purpose, Rejection};
use super::rfc5280::{self, Candidates, Node};
use super::strict;
use crate::name::oneline;

/// The error webpki never produces without CRLs; it marks a path refused by
/// certgen's own checks, whose reason is kept aside.
const REFUSED: webpki::Error = webpki::Error::UnsupportedRevocationReasonsPartitioning;

/// A path from the leaf to the root.
pub(crate) type Path<'a> = Vec<&'a X509Certificate<'a>>;

/// Finds a valid path; returns it from the leaf to the root.
pub(crate) fn build<'a>(
    pool: &Pool<'a>,
    ee: &EndEntityCert<'_>,
    now: OffsetDateTime,
    purpose: Purpose,
    mode: Mode,
) -> Result<Path<'a>, Rejection> {
    let trust: Vec<TrustAnchor<'_>> = pool.anchors.iter().map(|(_, a)| a.clone()).collect();
    let refused = RefCell::new(None);
    let found = RefCell::new(Vec::new());
    let check = |path: &VerifiedPath<'_>| {
        let verdict = path_certs(path, pool)
            .ok_or_else(|| Rejection::invalid("a certificate in the chain is malformed"))
            .and_then(|certs| strict::check_path(&certs, now, purpose).map(|()| certs));
        match verdict {
            Ok(certs) => {
                *found.borrow_mut() = certs;
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
    // has the last word on those, except for the clients built on webpki.
    // Its reason is the better one where webpki's is only that no issuer
    // was found, or one only the strict clients hold to.
    if mode == Mode::Strict {
        return Err(webpki_rejection);
    }
    match own_path(pool, now, purpose) {
        Ok(ders) => Ok(ders),
        Err(Some(reason))
            if matches!(
                webpki_rejection,
                Rejection::UntrustedIssuer { .. } | Rejection::StrictClients { .. }
            ) =>
        {
            Err(reason)
        }
        Err(_) => Err(webpki_rejection),
    }
}

/// A path found and validated by certgen's RFC 5280 builder.
pub(crate) fn own_path<'a>(
    pool: &Pool<'a>,
    now: OffsetDateTime,
    purpose: Purpose,
) -> Result<Path<'a>, Option<Rejection>> {
    fn nodes<'a>(certs: &'a [Option<X509Certificate<'a>>]) -> Vec<Node<'a>> {
        certs.iter().flatten().filter_map(Node::new).collect()
    }
    let (roots, intermediates) = (nodes(pool.parsed_roots), nodes(pool.parsed_intermediates));
    let leaf = Node::new(pool.parsed_leaf).ok_or(None)?;
    let candidates = Candidates {
        roots: &roots,
        intermediates: &intermediates,
        algorithms: pool.algorithms,
        now,
        purpose,
    };
    let accept = |path: &[&Node<'_>]| {
        let certs: Vec<&X509Certificate<'_>> = path.iter().map(|n| n.x).collect();
        strict::check_path(&certs, now, purpose)
    };
    rfc5280::build(&leaf, &candidates, &accept)
}

fn path_certs<'a>(path: &VerifiedPath<'_>, pool: &Pool<'a>) -> Option<Path<'a>> {
    let mut out = vec![pool.parsed(path.end_entity().der().as_ref())?];
    for c in path.intermediate_certificates() {
        out.push(pool.parsed(c.der().as_ref())?);
    }
    let anchor = path.anchor();
    let (i, _) = pool.anchors.iter().find(|(_, a)| {
        a.subject == anchor.subject && a.subject_public_key_info == anchor.subject_public_key_info
    })?;
    out.push(pool.parsed_roots[*i].as_ref()?);
    Some(out)
}

pub(crate) fn unix_time(now: OffsetDateTime) -> UnixTime {
    let secs = u64::try_from(now.unix_timestamp()).unwrap_or(0);
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs))
}

/// A v1 leaf (no extensions, so webpki refuses it) is accepted when a root in
/// the CA file signed it directly, as `openssl verify` does.
pub(crate) fn build_v1<'a>(
    pool: &Pool<'a>,
    now: OffsetDateTime,
    purpose: Purpose,
) -> Result<Path<'a>, Rejection> {
    let leaf = pool.parsed_leaf;
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
    for ca in pool.parsed_roots.iter().flatten() {
        if ca.subject().as_raw() != leaf.issuer().as_raw() {
            continue;
        }
        named = true;
        if leaf.verify_signature(Some(ca.public_key())).is_ok() {
            let path = vec![leaf, ca];
            strict::check_path(&path, now, purpose)?;
            return Ok(path);
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
