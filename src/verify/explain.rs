//! Turning webpki's error codes into the reasons an operator can act on:
//! which certificate expired and when, which issuer was looked for.

use rustls_pki_types::{CertificateDer, UnixTime};
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

use super::clients::ca_as_leaf;
use super::pool::Pool;
use super::report::{Purpose, Rejection, TOO_MANY_NAMES};
use super::strict::names_an_endpoint;
use crate::name::oneline;

/// The rejection for a webpki error.
#[allow(deprecated)] // webpki still returns the older variants
pub(crate) fn explain(err: webpki::Error, pool: &Pool<'_>, purpose: Purpose) -> Rejection {
    use webpki::Error as E;
    match err {
        E::CertExpired { not_after, .. } => Rejection::Expired {
            subject: holder(pool, |c| {
                same_time(c.validity().not_after.to_datetime(), not_after)
            }),
            not_after: to_time(not_after),
        },
        E::CertNotValidYet { not_before, .. } => Rejection::NotYetValid {
            subject: holder(pool, |c| {
                same_time(c.validity().not_before.to_datetime(), not_before)
            }),
            not_before: to_time(not_before),
        },
        E::UnknownIssuer => Rejection::UntrustedIssuer {
            issuer: missing_issuer(pool),
        },
        E::InvalidSignatureForPublicKey | E::SignatureAlgorithmMismatch => {
            Rejection::BadSignature {
                subject: "a certificate in the chain".into(),
            }
        }
        E::RequiredEkuNotFound | E::RequiredEkuNotFoundContext(_) | E::EmptyEkuExtension => {
            Rejection::WrongPurpose { purpose }
        }
        // A CA certificate made for a server or client too is refused only
        // by the strict clients; a CA's own certificate is the recipe mistake.
        E::CaUsedAsEndEntity if names_an_endpoint(pool.parsed_leaf) => ca_as_leaf().rejection(),
        E::CaUsedAsEndEntity => Rejection::CaAsLeaf {
            subject: oneline(pool.parsed_leaf.subject()),
            purpose,
        },
        E::EndEntityUsedAsCa => {
            Rejection::ca("an issuer in the chain is not a CA (basicConstraints cA is not TRUE)")
        }
        E::PathLenConstraintViolated => {
            Rejection::ca("a CA's pathLenConstraint allows fewer intermediates than the chain has")
        }
        E::NameConstraintViolation => Rejection::ca("a name is outside a CA's name constraints"),
        E::MaximumPathDepthExceeded => Rejection::ca("the chain is longer than any CA allows"),
        E::InvalidCertValidity => Rejection::invalid("notBefore is after notAfter"),
        E::UnsupportedCriticalExtension => {
            Rejection::invalid("a critical extension certgen does not understand")
        }
        E::InvalidSerialNumber => {
            Rejection::invalid("the serial number is not a positive integer of at most 20 octets")
        }
        E::UnsupportedSignatureAlgorithm
        | E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKey
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => {
            Rejection::invalid("an unsupported signature algorithm or key")
        }
        E::MaximumSignatureChecksExceeded | E::MaximumPathBuildCallsExceeded => {
            Rejection::TooManyPaths
        }
        E::MaximumNameConstraintComparisonsExceeded => Rejection::TooMuchWork {
            detail: TOO_MANY_NAMES.into(),
        },
        other => Rejection::invalid(format!("malformed certificate ({other:?})")),
    }
}

/// The subject of the first certificate (leaf, then intermediates) that matches.
fn holder(pool: &Pool<'_>, pred: impl Fn(&X509Certificate<'_>) -> bool) -> String {
    std::iter::once(pool.leaf)
        .chain(pool.intermediates)
        .filter_map(|d| X509Certificate::from_der(d).ok().map(|(_, c)| c))
        .find(|c| pred(c))
        .map(|c| oneline(c.subject()))
        .unwrap_or_else(|| "a certificate in the chain".into())
}

fn same_time(t: OffsetDateTime, u: UnixTime) -> bool {
    u64::try_from(t.unix_timestamp()).ok() == Some(u.as_secs())
}

pub(crate) fn to_time(u: UnixTime) -> OffsetDateTime {
    i64::try_from(u.as_secs())
        .ok()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Follows issuer names from the leaf through the chain file and returns the
/// first issuer name that neither the chain nor the CA file holds.
fn missing_issuer(pool: &Pool<'_>) -> String {
    let parse = |d: &CertificateDer<'_>| -> Option<(Vec<u8>, Vec<u8>, String)> {
        let (_, c) = X509Certificate::from_der(d).ok()?;
        Some((
            c.subject().as_raw().to_vec(),
            c.issuer().as_raw().to_vec(),
            oneline(c.issuer()),
        ))
    };
    let Some((_, mut issuer, mut issuer_text)) = parse(pool.leaf) else {
        return "the certificate's issuer".into();
    };
    let chain: Vec<_> = pool.intermediates.iter().filter_map(parse).collect();
    for _ in 0..chain.len() {
        let Some(next) = chain.iter().find(|(s, i, _)| *s == issuer && *i != issuer) else {
            break;
        };
        issuer_text = next.2.clone();
        issuer = next.1.clone();
    }
    issuer_text
}
