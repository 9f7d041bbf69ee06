//! RFC 5280 section 6.1 path validation of one candidate path, from the
//! trusted root down to the leaf.
//!
//! The root in the CA file is the trust anchor: its name and key start the
//! path, and its nameConstraints and pathLenConstraint are honoured (as
//! `openssl verify` honours them); its policy extensions are not, since the
//! policy inputs of 6.1.1 belong to the relying party.

use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{NameConstraints, ParsedExtension};
use x509_parser::x509::X509Version;

use super::constraints::{self, Violation};
use super::node::Node;
use super::policy::Policies;
use crate::name::oneline;
use crate::verify::report::{Purpose, Rejection, TOO_MANY_NAMES};

/// Extensions path validation processes; any other critical one refuses the
/// certificate (RFC 5280 4.2).
const UNDERSTOOD: [&str; 13] = [
    "2.5.29.14", // subjectKeyIdentifier
    "2.5.29.15", // keyUsage
    "2.5.29.17", // subjectAltName
    "2.5.29.18", // issuerAltName
    "2.5.29.19", // basicConstraints
    "2.5.29.30", // nameConstraints
    "2.5.29.31", // cRLDistributionPoints
    "2.5.29.32", // certificatePolicies
    "2.5.29.33", // policyMappings
    "2.5.29.35", // authorityKeyIdentifier
    "2.5.29.36", // policyConstraints
    "2.5.29.37", // extendedKeyUsage
    "2.5.29.54", // inhibitAnyPolicy
];

/// Policy qualifiers RFC 5280 defines: CPS pointer and user notice.
const KNOWN_QUALIFIERS: [&str; 2] = ["1.3.6.1.5.5.7.2.1", "1.3.6.1.5.5.7.2.2"];

/// Validates `path`, given from the leaf to the root.
pub(crate) fn validate(
    path: &[&Node<'_>],
    now: OffsetDateTime,
    purpose: Purpose,
) -> Result<(), Rejection> {
    let Some((root, certs)) = path.split_last() else {
        return Err(Rejection::invalid("an empty path"));
    };
    let mut max_path = usize::MAX;
    let mut constraints: Vec<&NameConstraints<'_>> = Vec::new();
    ca_limits(root.x, &mut max_path, &mut constraints);
    let mut policies = Policies::new(certs.len());
    for (i, node) in certs.iter().enumerate().rev() {
        let cert = &node.x;
        let who = || oneline(cert.subject());
        let leaf = i == 0;
        validity(cert, now)?;
        understood(cert).map_err(|d| Rejection::invalid(format!("{}: {d}", who())))?;
        if leaf || !node.self_issued {
            constraints::check(cert, &constraints).map_err(|v| match v {
                Violation::Outside(name) => Rejection::ca(format!(
                    "{name} in {} is outside a CA's name constraints",
                    who()
                )),
                Violation::Malformed(what) => Rejection::ca(what),
                Violation::TooMany => Rejection::TooMuchWork {
                    detail: TOO_MANY_NAMES.into(),
                },
            })?;
        }
        policies
            .process(cert, node.self_issued, leaf)
            .map_err(|d| Rejection::invalid(format!("{}: {d}", who())))?;
        purpose_allowed(cert, purpose, leaf)?;
        if leaf {
            break;
        }
        issuer(cert).map_err(|d| Rejection::ca(format!("{}: {d}", who())))?;
        if !node.self_issued {
            if max_path == 0 {
                return Err(Rejection::ca(
                    "a CA's pathLenConstraint allows fewer intermediates than the chain has",
                ));
            }
            max_path -= 1;
        }
        ca_limits(cert, &mut max_path, &mut constraints);
    }
    policies.finish().map_err(Rejection::invalid)
}

/// 6.1.4 g, l, m: a CA's name constraints and path length limit.
fn ca_limits<'a>(
    cert: &'a X509Certificate<'a>,
    max_path: &mut usize,
    constraints: &mut Vec<&'a NameConstraints<'a>>,
) {
    if let Ok(Some(bc)) = cert.basic_constraints()
        && let Some(len) = bc.value.path_len_constraint
    {
        *max_path = (*max_path).min(len as usize);
    }
    if let Ok(Some(nc)) = cert.name_constraints() {
        constraints.push(nc.value);
    }
}

fn validity(cert: &X509Certificate<'_>, now: OffsetDateTime) -> Result<(), Rejection> {
    let v = cert.validity();
    let (not_before, not_after) = (v.not_before.to_datetime(), v.not_after.to_datetime());
    if now > not_after {
        return Err(Rejection::Expired {
            subject: oneline(cert.subject()),
            not_after,
        });
    }
    if now < not_before {
        return Err(Rejection::NotYetValid {
            subject: oneline(cert.subject()),
            not_before,
        });
    }
    Ok(())
}

fn understood(cert: &X509Certificate<'_>) -> Result<(), String> {
    if cert.tbs_certificate.signature != cert.signature_algorithm {
        return Err(
            "the signature algorithm differs inside and outside the signed part \
                    (RFC 5280 4.1.1.2)"
                .into(),
        );
    }
    for e in cert.extensions().iter().filter(|e| e.critical) {
        if !UNDERSTOOD.contains(&e.oid.to_id_string().as_str()) {
            return Err(format!("critical extension {} is not understood", e.oid));
        }
        // 4.2.1.4: a critical certificatePolicies must be understood,
        // qualifiers included.
        if let ParsedExtension::CertificatePolicies(policies) = e.parsed_extension() {
            let qualifiers = policies
                .iter()
                .flat_map(|p| p.policy_qualifiers.iter().flatten());
            for q in qualifiers {
                if !KNOWN_QUALIFIERS.contains(&q.policy_qualifier_id.to_id_string().as_str()) {
                    return Err(format!(
                        "critical certificatePolicies has an unknown qualifier {} (RFC 5280 4.2.1.4)",
                        q.policy_qualifier_id
                    ));
                }
            }
        }
    }
    if let Some(bad) = constraints::malformed_dns_name(cert) {
        return Err(format!(
            "subjectAltName DNS:{bad} is not a valid DNS name (RFC 5280 4.2.1.6)"
        ));
    }
    Ok(())
}

/// 6.1.4 k, n: an intermediate must be a v3 CA allowed to sign certificates.
fn issuer(cert: &X509Certificate<'_>) -> Result<(), &'static str> {
    let is_ca = matches!(cert.basic_constraints(), Ok(Some(bc)) if bc.value.ca);
    if cert.version() != X509Version::V3 || !is_ca {
        return Err("basicConstraints cA is not TRUE (RFC 5280 4.2.1.9)");
    }
    if matches!(cert.key_usage(), Ok(Some(ku)) if !ku.value.key_cert_sign()) {
        return Err("keyUsage does not allow signing certificates (keyCertSign)");
    }
    Ok(())
}

/// extendedKeyUsage, when present, must allow the purpose; a CA may also
/// allow any purpose (anyExtendedKeyUsage), a leaf may not.
fn purpose_allowed(
    cert: &X509Certificate<'_>,
    purpose: Purpose,
    leaf: bool,
) -> Result<(), Rejection> {
    let Ok(Some(eku)) = cert.extended_key_usage() else {
        return Ok(());
    };
    let eku = eku.value;
    let allowed = match purpose {
        Purpose::Server => eku.server_auth,
        Purpose::Client => eku.client_auth,
    } || (!leaf && eku.any);
    if allowed {
        Ok(())
    } else {
        Err(Rejection::WrongPurpose { purpose })
    }
}
