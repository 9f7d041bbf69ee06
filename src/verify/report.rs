//! What a verification found: the verdict, why a chain was rejected in an
//! operator's words, and the compatibility warnings a valid chain still gets.

use std::fmt;

use serde::Serialize;
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;

use crate::cert::{CertSummary, alt_name};
use crate::name::San;
use crate::rfc3339;
pub use crate::warning::Warning;

/// Whose verdict `verify` gives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// OpenSSL's (what MySQL, MariaDB and libpq clients decide), with
    /// warnings naming the stricter clients that would reject.
    #[default]
    Default,
    /// The strictest mainstream clients': rustls, Go, Java, browsers.
    Strict,
}

/// What the certificate must be good for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    /// TLS server authentication (extendedKeyUsage serverAuth, when present).
    #[default]
    Server,
    /// TLS client authentication (extendedKeyUsage clientAuth, when present).
    Client,
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Purpose::Server => "server",
            Purpose::Client => "client",
        })
    }
}

/// The outcome of a verification that could be carried out.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The certificate that was checked.
    pub certificate: CertSummary,
    /// The validated path from the certificate to the trusted root; empty when rejected.
    pub chain: Vec<CertSummary>,
    /// Why the certificate was rejected; `None` when it is valid.
    pub rejection: Option<Rejection>,
    /// Compatibility problems of an otherwise acceptable chain.
    pub warnings: Vec<Warning>,
}

impl Report {
    /// Whether the certificate was accepted.
    pub fn is_valid(&self) -> bool {
        self.rejection.is_none()
    }
}

/// The subjectAltNames of a certificate.
pub(crate) fn alt_names(cert: &X509Certificate<'_>) -> Vec<San> {
    let Ok(Some(san)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    san.value.general_names.iter().map(alt_name).collect()
}

/// Why a certificate was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// The certificate (or one above it) is past its notAfter.
    Expired {
        subject: String,
        not_after: OffsetDateTime,
    },
    /// The certificate (or one above it) is before its notBefore.
    NotYetValid {
        subject: String,
        not_before: OffsetDateTime,
    },
    /// No path leads to a certificate in the CA file; `issuer` is the name looked for.
    UntrustedIssuer { issuer: String },
    /// A signature does not verify with the issuer's key.
    BadSignature { subject: String },
    /// `--host` is not among the certificate's names.
    NameMismatch { host: String, names: Vec<String> },
    /// extendedKeyUsage does not allow the purpose.
    WrongPurpose { purpose: Purpose },
    /// basicConstraints, pathLenConstraint, name constraints or keyUsage of a CA.
    CaConstraint { detail: String },
    /// The private key given with `--key` is not the certificate's.
    KeyMismatch,
    /// The certificate breaks an RFC 5280 rule that is not about a CA's powers.
    Invalid { detail: String },
    /// The intermediates allow more candidate paths than are tried.
    TooManyPaths,
    /// The certificate is listed in its issuer's CRL.
    Revoked {
        serial: String,
        revoked_at: OffsetDateTime,
        /// As `openssl ca` writes it (`keyCompromise`); `unspecified` when
        /// the CRL gives none (RFC 5280 5.3.1).
        reason: &'static str,
    },
    /// No CRL of the issuer that can be trusted now was given.
    CrlUnusable { detail: String },
    /// The leaf names its issuer's subject as its own subject (the
    /// Manticore trap): OpenSSL takes it for a self-signed certificate.
    SubjectIsIssuer { subject: String, purpose: Purpose },
    /// A CA certificate where a server or client certificate belongs.
    CaAsLeaf { subject: String, purpose: Purpose },
    /// A key OpenSSL at security level 2 and the stricter clients refuse.
    WeakKey { subject: String, detail: String },
    /// A signature made with SHA-1.
    WeakSignature { subject: String },
    /// Checking would take more work than any client spends on it.
    TooMuchWork { detail: String },
    /// `--strict`: what rustls, Go, Java or browsers refuse; `code` is the
    /// one the default mode's warning has.
    StrictClients { code: &'static str, detail: String },
}

impl Rejection {
    /// A stable identifier for scripts (the JSON `reason.code`).
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::Expired { .. } => "expired",
            Rejection::NotYetValid { .. } => "not-yet-valid",
            Rejection::UntrustedIssuer { .. } => "untrusted-issuer",
            Rejection::BadSignature { .. } => "bad-signature",
            Rejection::NameMismatch { .. } => "name-mismatch",
            Rejection::WrongPurpose { .. } => "wrong-purpose",
            Rejection::CaConstraint { .. } => "ca-constraint",
            Rejection::KeyMismatch => "key-mismatch",
            Rejection::Invalid { .. } | Rejection::TooManyPaths => "invalid",
            Rejection::Revoked { .. } => "revoked",
            Rejection::CrlUnusable { .. } => "crl-unusable",
            Rejection::SubjectIsIssuer { .. } => "subject-is-issuer",
            Rejection::CaAsLeaf { .. } => "ca-as-leaf",
            Rejection::WeakKey { .. } => "weak-key",
            Rejection::WeakSignature { .. } => "weak-signature",
            Rejection::TooMuchWork { .. } => "too-much-work",
            Rejection::StrictClients { code, .. } => code,
        }
    }

    pub(crate) fn ca(detail: impl Into<String>) -> Rejection {
        Rejection::CaConstraint {
            detail: detail.into(),
        }
    }

    pub(crate) fn invalid(detail: impl Into<String>) -> Rejection {
        Rejection::Invalid {
            detail: detail.into(),
        }
    }
}

/// Why a certificate's names are not checked against name constraints.
pub(crate) const TOO_MANY_NAMES: &str = "checking the certificate's names against the CAs' \
     name constraints takes more comparisons than webpki, Go and Chromium allow";

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Expired { subject, not_after } => {
                write!(f, "{subject} expired on {}", rfc3339::format(*not_after))
            }
            Rejection::NotYetValid {
                subject,
                not_before,
            } => write!(
                f,
                "{subject} is not valid before {}",
                rfc3339::format(*not_before)
            ),
            Rejection::UntrustedIssuer { issuer } => write!(
                f,
                "issuer not trusted: no certificate for {issuer} in the CA file or the chain"
            ),
            Rejection::BadSignature { subject } => write!(
                f,
                "bad signature on {subject}: it was not signed by the issuer it names"
            ),
            Rejection::NameMismatch { host, names } if names.is_empty() => write!(
                f,
                "name {host} not among the certificate's names: it has none"
            ),
            Rejection::NameMismatch { host, names } => write!(
                f,
                "name {host} not among the certificate's names: {}",
                names.join(", ")
            ),
            Rejection::WrongPurpose { purpose } => write!(
                f,
                "wrong extended key usage: the certificate is not for TLS {purpose} authentication"
            ),
            Rejection::CaConstraint { detail } => write!(f, "CA constraint broken: {detail}"),
            Rejection::KeyMismatch => f.write_str("the private key does not match the certificate"),
            Rejection::Invalid { detail } => write!(f, "invalid certificate: {detail}"),
            Rejection::TooManyPaths => {
                f.write_str("invalid certificate: too many candidate paths to try")
            }
            Rejection::Revoked {
                serial,
                revoked_at,
                reason,
            } => write!(
                f,
                "certificate {serial} was revoked on {} ({reason})",
                rfc3339::format(*revoked_at)
            ),
            Rejection::CrlUnusable { detail } => write!(f, "cannot check revocation: {detail}"),
            Rejection::SubjectIsIssuer { subject, purpose } => write!(
                f,
                "the certificate's subject {subject} is also its issuer's, the CA's: \
                 OpenSSL-based clients (openssl verify, MySQL, MariaDB) take it for a self-signed \
                 certificate and refuse it (the trap the Manticore guide warns about); \
                 reissue the {purpose} certificate with a subject different from the CA's"
            ),
            Rejection::CaAsLeaf { subject, purpose } => write!(
                f,
                "{subject} is a CA certificate (basicConstraints cA=TRUE), not a {purpose} \
                 certificate: give the {purpose}'s own certificate, not the CA's (ssl_cert \
                 pointing at ca-cert.pem is the usual cause)"
            ),
            Rejection::WeakKey { subject, detail } => write!(f, "weak key: {subject} has {detail}"),
            Rejection::WeakSignature { subject } => write!(
                f,
                "weak signature: {subject} is signed with SHA-1, which OpenSSL 3 at its default \
                 security level (current Debian and Ubuntu, where MySQL and MariaDB clients use it), \
                 rustls, Go, Java and browsers refuse"
            ),
            Rejection::StrictClients { detail, .. } => write!(
                f,
                "{detail}: rustls, Go, Java and browser clients reject it (--strict)"
            ),
            Rejection::TooMuchWork { detail } => {
                write!(
                    f,
                    "too much work: {detail}; refused rather than checked for minutes"
                )
            }
        }
    }
}

impl Serialize for Rejection {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Rejection", 2)?;
        st.serialize_field("code", self.code())?;
        st.serialize_field("message", &self.to_string())?;
        st.end()
    }
}
