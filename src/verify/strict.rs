//! RFC 5280 (and a few CA/Browser Forum) rules webpki leaves unchecked,
//! applied to every candidate path webpki finds, so a path that breaks one is
//! refused and the next candidate tried.
//!
//! X.509 v1 certificates carry no extensions, so the extension rules do not
//! apply to them; that is how the old recipes' certificates stay acceptable.

use std::collections::HashSet;

use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{ParsedExtension, X509Extension};
use x509_parser::public_key::PublicKey;
use x509_parser::x509::X509Version;

use super::compat::SHA1_SIGNATURES;
use super::report::{Purpose, Rejection, alt_names};
use crate::keys::{KeyAlgorithm, KeyInfo};
use crate::name::oneline;

type Checked = Result<(), Rejection>;

/// Where a certificate sits in the path.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Leaf,
    Intermediate,
    /// The certificate from the CA file the path ends at.
    Root,
}

/// Checks a path given from the leaf to the trusted root.
pub(crate) fn check_path(
    certs: &[&X509Certificate<'_>],
    now: OffsetDateTime,
    purpose: Purpose,
) -> Checked {
    if let [leaf, issuer, ..] = certs {
        leaf_role(leaf, issuer, purpose)?;
    }
    for (i, &cert) in certs.iter().enumerate() {
        if i + 1 < certs.len() && cert.as_raw() != certs[certs.len() - 1].as_raw() {
            signature_strength(cert)?;
        }
        let role = match i {
            0 => Role::Leaf,
            _ if i + 1 == certs.len() => Role::Root,
            _ => Role::Intermediate,
        };
        let fail = |r: Rejection| prefix(&oneline(cert.subject()), r);
        every_cert(cert, role, now).map_err(fail)?;
        if cert.version() == X509Version::V3 {
            extensions(cert, role).map_err(fail)?;
            key_ids(cert, role).map_err(fail)?;
        }
        match role {
            Role::Leaf => leaf(cert).map_err(fail)?,
            Role::Intermediate | Role::Root => issuer(cert, role).map_err(fail)?,
        }
    }
    Ok(())
}

/// The leaf must be a server or client certificate, and one OpenSSL does
/// not take for a self-signed certificate: its subject must differ from its
/// issuer's.
///
/// A CA certificate (basicConstraints cA=TRUE) as the leaf is the recipe
/// mistake of pointing `ssl_cert` at `ca-cert.pem` (or at an intermediate
/// CA's certificate), unless the certificate says it is also meant for a TLS
/// endpoint (see [`names_an_endpoint`]): RFC 5280 lets a CA certificate end
/// a path, and such dual-use certificates are valid.
fn leaf_role(
    leaf: &X509Certificate<'_>,
    issuer: &X509Certificate<'_>,
    purpose: Purpose,
) -> Checked {
    let subject = || oneline(leaf.subject());
    let is_ca = matches!(leaf.basic_constraints(), Ok(Some(bc)) if bc.value.ca);
    if is_ca && !names_an_endpoint(leaf) {
        return Err(Rejection::CaAsLeaf {
            subject: subject(),
            purpose,
        });
    }
    if leaf.as_raw() == issuer.as_raw() {
        return Ok(());
    }
    if self_issued(leaf) {
        return Err(Rejection::SubjectIsIssuer {
            subject: subject(),
            purpose,
        });
    }
    Ok(())
}

/// Whether a CA certificate is also made for a TLS server or client: it
/// names one (subjectAltName), or its key is for a handshake's key exchange
/// (keyUsage keyEncipherment, keyAgreement or dataEncipherment). A CA's own
/// certificate has neither: CA certificates name no host or user, and the
/// CA/Browser Forum allows a CA key only keyCertSign, cRLSign and
/// digitalSignature (for OCSP), which is what certgen's CAs carry; the
/// openssl recipes' CAs carry no keyUsage at all. extendedKeyUsage proves
/// nothing either way: public intermediates carry serverAuth and clientAuth.
pub(crate) fn names_an_endpoint(cert: &X509Certificate<'_>) -> bool {
    let key_exchange = matches!(cert.key_usage(), Ok(Some(ku))
        if ku.value.key_encipherment() || ku.value.key_agreement() || ku.value.data_encipherment());
    !alt_names(cert).is_empty() || key_exchange
}

fn prefix(who: &str, r: Rejection) -> Rejection {
    match r {
        Rejection::CaConstraint { detail } => Rejection::ca(format!("{who}: {detail}")),
        Rejection::Invalid { detail } => Rejection::invalid(format!("{who}: {detail}")),
        other => other,
    }
}

fn self_issued(cert: &X509Certificate<'_>) -> bool {
    cert.subject().as_raw() == cert.issuer().as_raw()
}

/// SHA-1 signatures: OpenSSL 3 at security level 1 and above (the default
/// on current Debian and Ubuntu) refuses them, as the stricter clients do.
fn signature_strength(cert: &X509Certificate<'_>) -> Checked {
    let oid = cert.signature_algorithm.algorithm.to_id_string();
    if SHA1_SIGNATURES.contains(&oid.as_str()) {
        return Err(Rejection::WeakSignature {
            subject: oneline(cert.subject()),
        });
    }
    Ok(())
}

/// Validity, serial number, names and key, for every certificate.
fn every_cert(cert: &X509Certificate<'_>, role: Role, now: OffsetDateTime) -> Checked {
    let validity = cert.validity();
    let (not_before, not_after) = (
        validity.not_before.to_datetime(),
        validity.not_after.to_datetime(),
    );
    if not_before > not_after {
        return Err(Rejection::invalid("notBefore is after notAfter"));
    }
    if role == Role::Root && now > not_after {
        return Err(Rejection::Expired {
            subject: oneline(cert.subject()),
            not_after,
        });
    }
    if role == Role::Root && now < not_before {
        return Err(Rejection::NotYetValid {
            subject: oneline(cert.subject()),
            not_before,
        });
    }
    // RFC 5280 6.1.1 d: a trust anchor is its name and key; its serial
    // number is not checked (widely trusted roots have serial 0).
    if role != Role::Root {
        serial(cert.raw_serial())?;
    }
    if cert.issuer().iter().next().is_none() {
        return Err(Rejection::invalid(
            "the issuer name is empty (RFC 5280 4.1.2.4)",
        ));
    }
    let empty_subject = cert.subject().iter().next().is_none();
    if role == Role::Leaf && empty_subject && alt_names(cert).is_empty() {
        return Err(Rejection::invalid(
            "the subject name is empty and there is no subjectAltName: the certificate names \
             no one (RFC 5280 4.1.2.6; openssl verify -x509_strict: \"Subject name empty\")",
        ));
    }
    if role != Role::Leaf && empty_subject {
        return Err(Rejection::ca(
            "a CA's subject name is empty (RFC 5280 4.1.2.6)",
        ));
    }
    public_key(cert)
}

/// RFC 5280 4.1.2.2: a positive integer of at most 20 octets.
fn serial(raw: &[u8]) -> Checked {
    let positive = raw.first().is_some_and(|b| b & 0x80 == 0) && raw.iter().any(|b| *b != 0);
    if !positive {
        return Err(Rejection::invalid(
            "the serial number is not a positive integer (RFC 5280 4.1.2.2)",
        ));
    }
    let len = if raw.len() > 1 && raw[0] == 0 {
        raw.len() - 1
    } else {
        raw.len()
    };
    if len > 20 {
        return Err(Rejection::invalid(
            "the serial number is longer than 20 octets (RFC 5280 4.1.2.2)",
        ));
    }
    Ok(())
}

/// Keys a TLS client can use: RSA of 2048 bits or more in whole bytes,
/// ECDSA P-256/384/521, Ed25519.
fn public_key(cert: &X509Certificate<'_>) -> Checked {
    let key = KeyInfo::from_spki(cert.public_key());
    let bits = rsa_modulus_bits(cert).unwrap_or(key.bits);
    let weak = |detail: String| {
        Err(Rejection::WeakKey {
            subject: oneline(cert.subject()),
            detail,
        })
    };
    if key.algorithm == KeyAlgorithm::Rsa && bits < 2048 {
        return weak(format!(
            "a {}-bit RSA key: OpenSSL at security level 2 (the default on current Debian and \
             Ubuntu, where MySQL and MariaDB clients use it), rustls, Go and Java refuse RSA keys \
             under 2048 bits",
            bits
        ));
    }
    if key.algorithm == KeyAlgorithm::Rsa && !bits.is_multiple_of(8) {
        return weak(format!(
            "an RSA key whose modulus is {} bits, not a whole number of bytes: \
             key generators never make one and strict TLS libraries refuse it",
            bits
        ));
    }
    let usable = match key.algorithm {
        KeyAlgorithm::Rsa => true,
        KeyAlgorithm::Ecdsa => matches!(key.bits, 256 | 384 | 521),
        KeyAlgorithm::Ed25519 => true,
        _ => false,
    };
    if usable {
        Ok(())
    } else {
        Err(Rejection::invalid(format!(
            "its public key ({key}) is not one TLS clients accept"
        )))
    }
}

/// The exact length of an RSA modulus in bits (KeyInfo rounds to bytes).
fn rsa_modulus_bits(cert: &X509Certificate<'_>) -> Option<usize> {
    let Ok(PublicKey::RSA(rsa)) = cert.public_key().parsed() else {
        return None;
    };
    let modulus = rsa.modulus;
    let start = modulus.iter().position(|b| *b != 0)?;
    let top = modulus[start];
    Some((modulus.len() - start - 1) * 8 + (8 - top.leading_zeros() as usize))
}

/// Extensions: unique, well-formed, understood when critical, correctly marked.
fn extensions(cert: &X509Certificate<'_>, role: Role) -> Checked {
    let mut seen = HashSet::new();
    for ext in cert.extensions() {
        if !seen.insert(ext.oid.to_id_string()) {
            return Err(Rejection::invalid(format!(
                "extension {} appears twice (RFC 5280 4.2)",
                ext.oid
            )));
        }
        if let ParsedExtension::ParseError { error } = ext.parsed_extension() {
            return Err(Rejection::invalid(format!(
                "extension {} is malformed: {error}",
                ext.oid
            )));
        }
        let unknown = matches!(
            ext.parsed_extension(),
            ParsedExtension::UnsupportedExtension { .. }
        );
        if ext.critical && unknown {
            return Err(Rejection::invalid(format!(
                "critical extension {} is not understood",
                ext.oid
            )));
        }
        criticality(cert, ext, role)?;
    }
    Ok(())
}

/// Extensions RFC 5280 requires to be (non-)critical.
fn criticality(cert: &X509Certificate<'_>, ext: &X509Extension<'_>, role: Role) -> Checked {
    let bad = |what: &str, rule: &str| Err(Rejection::invalid(format!("{what} {rule}")));
    match ext.parsed_extension() {
        ParsedExtension::AuthorityKeyIdentifier(_) if ext.critical => bad(
            "authorityKeyIdentifier",
            "must not be critical (RFC 5280 4.2.1.1)",
        ),
        ParsedExtension::SubjectKeyIdentifier(_) if ext.critical => bad(
            "subjectKeyIdentifier",
            "must not be critical (RFC 5280 4.2.1.2)",
        ),
        ParsedExtension::SubjectAlternativeName(_) => {
            let empty_subject = cert.subject().iter().next().is_none();
            if empty_subject && !ext.critical {
                bad(
                    "subjectAltName",
                    "must be critical when the subject is empty (RFC 5280 4.2.1.6)",
                )
            } else if !empty_subject && ext.critical && role == Role::Leaf {
                bad(
                    "subjectAltName",
                    "must not be critical when the subject is set (CA/B Forum 7.1.2.7.12)",
                )
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// RFC 5280 4.2.1.1 and 4.2.1.2: key identifiers link certificates to issuers.
fn key_ids(cert: &X509Certificate<'_>, role: Role) -> Checked {
    let ski = cert
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(k) => Some(k.0),
            _ => None,
        });
    let aki = cert
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::AuthorityKeyIdentifier(a) => Some(a),
            _ => None,
        });
    let is_ca = matches!(cert.basic_constraints(), Ok(Some(bc)) if bc.value.ca);
    if is_ca && ski.is_none() {
        return Err(Rejection::ca(
            "a CA certificate lacks subjectKeyIdentifier (RFC 5280 4.2.1.2)",
        ));
    }
    let Some(aki) = aki else {
        if self_issued(cert) && role != Role::Intermediate {
            return Ok(());
        }
        return Err(Rejection::invalid(
            "authorityKeyIdentifier is missing (RFC 5280 4.2.1.1)",
        ));
    };
    let Some(kid) = &aki.key_identifier else {
        return Err(Rejection::invalid(
            "authorityKeyIdentifier lacks keyIdentifier (RFC 5280 4.2.1.1)",
        ));
    };
    if role == Role::Root && self_issued(cert) {
        if aki.authority_cert_issuer.is_some() || aki.authority_cert_serial.is_some() {
            return Err(Rejection::invalid(
                "a root's authorityKeyIdentifier names an issuer or serial (CA/B Forum 7.1.2.1.3)",
            ));
        }
        if ski.is_some_and(|s| s != kid.0) {
            return Err(Rejection::invalid(
                "a root's authorityKeyIdentifier differs from its subjectKeyIdentifier",
            ));
        }
    }
    Ok(())
}

/// A leaf must not claim CA powers.
fn leaf(cert: &X509Certificate<'_>) -> Checked {
    let is_ca = matches!(cert.basic_constraints(), Ok(Some(bc)) if bc.value.ca);
    if !is_ca && matches!(cert.key_usage(), Ok(Some(ku)) if ku.value.key_cert_sign()) {
        return Err(Rejection::ca(
            "keyUsage keyCertSign without basicConstraints cA (RFC 5280 4.2.1.3)",
        ));
    }
    if is_ca && matches!(cert.key_usage(), Ok(Some(ku)) if !ku.value.key_cert_sign()) {
        return Err(Rejection::ca(
            "basicConstraints cA=TRUE but keyUsage without keyCertSign (RFC 5280 4.2.1.3, 4.2.1.9)",
        ));
    }
    if !is_ca && matches!(cert.name_constraints(), Ok(Some(_))) {
        return Err(Rejection::ca(
            "nameConstraints in a certificate that is not a CA (RFC 5280 4.2.1.10)",
        ));
    }
    Ok(())
}

/// Intermediates and the root: a v3 issuer must say it is a CA, and mean it.
fn issuer(cert: &X509Certificate<'_>, role: Role) -> Checked {
    if cert.version() != X509Version::V3 {
        return Ok(());
    }
    let Ok(Some(bc)) = cert.basic_constraints() else {
        return Err(Rejection::ca(
            "basicConstraints cA is not TRUE (RFC 5280 4.2.1.9)",
        ));
    };
    if !bc.value.ca {
        return Err(Rejection::ca(
            "basicConstraints cA is not TRUE (RFC 5280 4.2.1.9)",
        ));
    }
    // RFC 5280 4.2.1.9 asks every CA to mark basicConstraints critical;
    // `openssl verify -x509_strict` holds roots to it.
    if role == Role::Root && !bc.critical {
        return Err(Rejection::ca(
            "the root's basicConstraints is not critical (RFC 5280 4.2.1.9)",
        ));
    }
    if matches!(cert.key_usage(), Ok(Some(ku)) if !ku.value.key_cert_sign()) {
        return Err(Rejection::ca(
            "keyUsage does not allow signing certificates (keyCertSign)",
        ));
    }
    if let Ok(Some(nc)) = cert.name_constraints() {
        let empty = |s: &Option<Vec<_>>| s.as_ref().is_none_or(Vec::is_empty);
        if empty(&nc.value.permitted_subtrees) && empty(&nc.value.excluded_subtrees) {
            return Err(Rejection::ca(
                "nameConstraints is empty (RFC 5280 4.2.1.10)",
            ));
        }
    }
    Ok(())
}
