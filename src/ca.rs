//! A loaded CA and everything it signs: the self-signed root, intermediates,
//! and leaf certificates from a profile.

use crate::signer::Signer;
use rcgen::{CertificateParams, Issuer, PublicKeyData, SerialNumber};
use time::{Duration, OffsetDateTime};
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

use crate::cert::CertSummary;
use crate::duration::{MAX_DURATION, format_duration};
use crate::encoding::{certificate, to_pem};
use crate::error::{Error, Expected, Result};
use crate::keys::PrivateKey;
use crate::name::{San, Subject, oneline};
use crate::profile::Profile;
use crate::serial::Serial;
use crate::warning::Warning;

/// How far notBefore is set in the past, for clients whose clocks run behind.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);

/// What to put in a new certificate.
#[derive(Clone, Debug)]
pub struct CertRequest {
    pub subject: Subject,
    pub sans: Vec<San>,
    pub profile: Profile,
    /// Lifetime from now; capped at the CA's notAfter.
    pub validity: Duration,
}

/// A certificate just signed.
#[derive(Clone, Debug)]
pub struct Issued {
    pub der: Vec<u8>,
    pub pem: String,
    /// What the certificate says, as every command reports it.
    pub cert: CertSummary,
    /// Things the operator should know (a capped validity, say).
    pub warnings: Vec<Warning>,
}

/// A CA certificate with its private key, ready to sign.
pub struct Ca {
    issuer: Issuer<'static, Signer>,
    cert_der: Vec<u8>,
    cert_pem: String,
    chain_pem: String,
    subject: String,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    path_len: Option<u32>,
}

impl std::fmt::Debug for Ca {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ca")
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

impl Ca {
    /// Makes a self-signed root CA.
    pub fn create_root(
        subject: &Subject,
        key: PrivateKey,
        validity: Duration,
        path_len: Option<u8>,
        serial: &Serial,
        now: OffsetDateTime,
    ) -> Result<Ca> {
        check_validity(validity)?;
        let mut params = base_params(subject, &[], serial)?;
        params.not_before = now - CLOCK_SKEW;
        params.not_after = now + validity;
        Profile::Ca { path_len }.apply(&mut params, key.is_rsa());
        let cert = params.self_signed(key.pair()).map_err(Error::Signing)?;
        let pem = cert.pem();
        Ca::from_parts(
            "the new CA certificate",
            cert.der(),
            key,
            "the new key",
            pem,
        )
    }

    /// Loads a CA from its certificate, its key, and (for an intermediate) the
    /// chain file holding it and its parents. `cert_what` and `key_what` name
    /// the sources in errors (usually their paths).
    pub fn from_files(
        cert_what: &str,
        cert_bytes: &[u8],
        key: PrivateKey,
        key_what: &str,
        chain_pem: Option<String>,
    ) -> Result<Ca> {
        let der = certificate(cert_what, cert_bytes)?;
        let chain = chain_pem.unwrap_or_else(|| to_pem("CERTIFICATE", &der));
        Ca::from_parts(cert_what, &der, key, key_what, chain)
    }

    fn from_parts(
        what: &str,
        der: &[u8],
        key: PrivateKey,
        key_what: &str,
        chain_pem: String,
    ) -> Result<Ca> {
        let (_, cert) = X509Certificate::from_der(der)
            .map_err(Error::malformed(what, Expected::Certificate))?;
        let bc = cert
            .basic_constraints()
            .map_err(Error::malformed(what, Expected::Certificate))?
            .map(|b| b.value.clone());
        let Some(bc) = bc.filter(|b| b.ca) else {
            return Err(Error::NotACa(what.to_string()));
        };
        if !key.pair().can_sign() {
            return Err(Error::KeyTooLargeToSign {
                key: key_what.to_string(),
                bits: key.describe().bits,
            });
        }
        if !key.matches_spki(cert.public_key().raw) {
            return Err(Error::KeyMismatch {
                key: key_what.to_string(),
                cert: what.to_string(),
            });
        }
        let subject = oneline(cert.subject());
        let not_before = cert.validity().not_before.to_datetime();
        let not_after = cert.validity().not_after.to_datetime();
        let cert_der = der.to_vec();
        let issuer = Issuer::from_ca_cert_der(&cert_der.clone().into(), key.into_signer())
            .map_err(|source| Error::CaUnusable {
                what: what.to_string(),
                source,
            })?;
        Ok(Ca {
            issuer,
            cert_pem: to_pem("CERTIFICATE", &cert_der),
            cert_der,
            chain_pem,
            subject,
            not_before,
            not_after,
            path_len: bc.path_len_constraint,
        })
    }

    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// This CA's certificate followed by its parents', for `ca-cert.pem` in
    /// leaf directories.
    pub fn chain_pem(&self) -> &str {
        &self.chain_pem
    }

    /// The subject in `X509_NAME_oneline` form.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The CA certificate as every command reports certificates.
    pub fn summary(&self) -> Result<CertSummary> {
        CertSummary::from_der("the CA certificate", &self.cert_der, false)
    }

    pub fn not_after(&self) -> OffsetDateTime {
        self.not_after
    }

    /// Signs a CRL with this CA's key. Its authority key identifier is the
    /// CA certificate's subjectKeyIdentifier, which is what clients match.
    pub fn sign_crl(&self, mut params: rcgen::CertificateRevocationListParams) -> Result<Vec<u8>> {
        let (_, cert) = X509Certificate::from_der(&self.cert_der).map_err(Error::malformed(
            "the CA certificate",
            Expected::Certificate,
        ))?;
        if let Some(ski) = cert
            .iter_extensions()
            .find_map(|e| match e.parsed_extension() {
                x509_parser::extensions::ParsedExtension::SubjectKeyIdentifier(id) => Some(id.0),
                _ => None,
            })
        {
            params.key_identifier_method = rcgen::KeyIdMethod::PreSpecified(ski.to_vec());
        }
        let crl = params.signed_by(&self.issuer).map_err(Error::CrlSigning)?;
        Ok(crl.der().to_vec())
    }

    /// Signs a leaf certificate (server, client, or both) for `subject_key`.
    pub fn issue(
        &self,
        req: &CertRequest,
        subject_key: &impl PublicKeyData,
        rsa_subject: bool,
        serial: &Serial,
        now: OffsetDateTime,
    ) -> Result<Issued> {
        if matches!(req.profile, Profile::Ca { .. }) {
            return Err(Error::LeafIsCa);
        }
        self.sign(req, subject_key, rsa_subject, serial, now)
    }

    /// Checks a leaf request against this CA before any key is made or file
    /// written: what [`Ca::issue`] would refuse.
    pub fn check_request(&self, req: &CertRequest, now: OffsetDateTime) -> Result<()> {
        if matches!(req.profile, Profile::Ca { .. }) {
            return Err(Error::LeafIsCa);
        }
        self.check_signing(&req.subject, req.validity, now)
    }

    /// Checks that this CA can sign a certificate for `subject` lasting
    /// `validity` at `now`: the lifetime is sensible, the CA is valid, and the
    /// subject is not the CA's own.
    pub fn check_signing(
        &self,
        subject: &Subject,
        validity: Duration,
        now: OffsetDateTime,
    ) -> Result<()> {
        check_validity(validity)?;
        if now >= self.not_after {
            return Err(Error::CaExpired {
                not_after: self.not_after,
            });
        }
        if now < self.not_before {
            return Err(Error::CaNotYetValid {
                not_before: self.not_before,
            });
        }
        let (_, ca_cert) = X509Certificate::from_der(&self.cert_der).map_err(Error::malformed(
            "the CA certificate",
            Expected::Certificate,
        ))?;
        if subject.same_as(ca_cert.subject()) {
            return Err(Error::SubjectIsCa {
                subject: subject.to_string(),
            });
        }
        Ok(())
    }

    /// Checks that an intermediate CA with `path_len` may be made below this one.
    pub fn check_intermediate(&self, path_len: u8) -> Result<()> {
        match self.path_len {
            Some(limit) if u32::from(path_len) >= limit => Err(Error::PathLen {
                limit,
                requested: path_len,
            }),
            _ => Ok(()),
        }
    }

    /// Makes an intermediate CA below this one. Returns the certificate (to
    /// record in this CA's index) and the new CA.
    pub fn create_intermediate(
        &self,
        subject: &Subject,
        key: PrivateKey,
        validity: Duration,
        path_len: u8,
        serial: &Serial,
        now: OffsetDateTime,
    ) -> Result<(Issued, Ca)> {
        self.check_intermediate(path_len)?;
        let req = CertRequest {
            subject: subject.clone(),
            sans: Vec::new(),
            profile: Profile::Ca {
                path_len: Some(path_len),
            },
            validity,
        };
        let issued = self.sign(&req, key.pair(), key.is_rsa(), serial, now)?;
        let chain = format!("{}{}", issued.pem, self.chain_pem);
        let pem = issued.pem.clone();
        let ca = Ca::from_parts(
            "the new intermediate certificate",
            &issued.der,
            key,
            "the new key",
            chain,
        )?;
        debug_assert_eq!(ca.cert_pem, pem);
        Ok((issued, ca))
    }

    fn sign(
        &self,
        req: &CertRequest,
        subject_key: &impl PublicKeyData,
        rsa_subject: bool,
        serial: &Serial,
        now: OffsetDateTime,
    ) -> Result<Issued> {
        self.check_signing(&req.subject, req.validity, now)?;
        let mut warnings = Vec::new();
        let mut not_after = now + req.validity;
        if not_after > self.not_after {
            warnings.push(Warning::new(
                "validity-capped",
                format!(
                    "validity capped at the CA's notAfter {} (asked for {})",
                    crate::rfc3339::format(self.not_after),
                    format_duration(req.validity)
                ),
            ));
            not_after = self.not_after;
        }
        let mut params = base_params(&req.subject, &req.sans, serial)?;
        params.not_before = (now - CLOCK_SKEW).max(self.not_before);
        params.not_after = not_after;
        req.profile.apply(&mut params, rsa_subject);
        let cert = params
            .signed_by(subject_key, &self.issuer)
            .map_err(Error::Signing)?;
        let der = cert.der().to_vec();
        Ok(Issued {
            cert: CertSummary::from_der("the new certificate", &der, false)?,
            pem: cert.pem(),
            der,
            warnings,
        })
    }
}

/// Checks a requested lifetime before anything is signed.
pub fn check_validity(requested: Duration) -> Result<()> {
    if !requested.is_positive() {
        return Err(Error::ValidityNotPositive { requested });
    }
    if requested > MAX_DURATION {
        return Err(Error::ValidityTooLong { requested });
    }
    Ok(())
}

fn base_params(subject: &Subject, sans: &[San], serial: &Serial) -> Result<CertificateParams> {
    let mut params = CertificateParams::default();
    params.distinguished_name = subject.to_rcgen()?;
    params.subject_alt_names = sans.iter().map(San::to_rcgen).collect::<Result<_>>()?;
    params.serial_number = Some(SerialNumber::from_slice(serial.as_bytes()));
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key_type::KeyType;
    use time::macros::datetime;
    use x509_parser::extensions::ParsedExtension;

    const NOW: OffsetDateTime = datetime!(2026-11-22 12:00 UTC);

    fn root(days: i64) -> Ca {
        let key = PrivateKey::generate(KeyType::EcdsaP256).unwrap();
        let subject = Subject::parse("/O=Test/CN=Test CA").unwrap();
        let validity = Duration::days(days);
        Ca::create_root(
            &subject,
            key,
            validity,
            None,
            &Serial::random().unwrap(),
            NOW,
        )
        .unwrap()
    }

    fn leaf(ca: &Ca, profile: Profile, cn: &str, key_type: KeyType) -> Issued {
        let key = PrivateKey::generate(key_type).unwrap();
        let req = CertRequest {
            subject: Subject::from_cn(cn).unwrap(),
            sans: San::parse_list(&[cn]).unwrap(),
            profile,
            validity: Duration::days(825),
        };
        ca.issue(
            &req,
            key.pair(),
            key.is_rsa(),
            &Serial::random().unwrap(),
            NOW,
        )
        .unwrap()
    }

    #[test]
    fn root_profile() {
        let ca = root(3650);
        let (_, c) = X509Certificate::from_der(ca.cert_der()).unwrap();
        assert_eq!(c.version().0, 2, "v3");
        let bc = c.basic_constraints().unwrap().unwrap();
        assert!(bc.critical && bc.value.ca);
        let ku = c.key_usage().unwrap().unwrap();
        assert!(
            ku.critical
                && ku.value.key_cert_sign()
                && ku.value.crl_sign()
                && ku.value.digital_signature()
        );
        assert!(c.extensions().iter().any(|e| matches!(
            e.parsed_extension(),
            ParsedExtension::SubjectKeyIdentifier(_)
        )));
        assert_eq!(c.validity().not_before.to_datetime(), NOW - CLOCK_SKEW);
        assert_eq!(
            c.validity().not_after.to_datetime(),
            NOW + Duration::days(3650)
        );
        assert_eq!(ca.subject(), "/O=Test/CN=Test CA");
    }

    #[test]
    fn server_profile_with_rsa() {
        let ca = root(3650);
        let issued = leaf(&ca, Profile::Server, "db.example.com", KeyType::Rsa2048);
        let (_, c) = X509Certificate::from_der(&issued.der).unwrap();
        assert_eq!(c.version().0, 2);
        let bc = c.basic_constraints().unwrap().unwrap();
        assert!(bc.critical && !bc.value.ca);
        let ku = c.key_usage().unwrap().unwrap();
        assert!(ku.critical && ku.value.digital_signature() && ku.value.key_encipherment());
        assert!(!ku.value.key_cert_sign());
        let eku = c.extended_key_usage().unwrap().unwrap().value;
        assert!(eku.server_auth && !eku.client_auth);
        let has = |f: fn(&ParsedExtension) -> bool| {
            c.extensions().iter().any(|e| f(e.parsed_extension()))
        };
        assert!(has(|e| matches!(
            e,
            ParsedExtension::SubjectKeyIdentifier(_)
        )));
        assert!(has(|e| matches!(
            e,
            ParsedExtension::AuthorityKeyIdentifier(_)
        )));
        let san = c.subject_alternative_name().unwrap().unwrap();
        assert_eq!(san.value.general_names.len(), 1);
        assert_eq!(c.raw_serial(), issued.cert.serial.as_bytes());
        // The issuer field is the CA's subject byte for byte (rustls-webpki compares bytes).
        let (_, cac) = X509Certificate::from_der(ca.cert_der()).unwrap();
        assert_eq!(c.issuer().as_raw(), cac.subject().as_raw());
    }

    #[test]
    fn client_profile_with_ec_has_no_key_encipherment() {
        let ca = root(3650);
        let issued = leaf(&ca, Profile::Client, "app", KeyType::EcdsaP256);
        let (_, c) = X509Certificate::from_der(&issued.der).unwrap();
        assert!(!c.key_usage().unwrap().unwrap().value.key_encipherment());
        let eku = c.extended_key_usage().unwrap().unwrap().value;
        assert!(eku.client_auth && !eku.server_auth);
        assert_eq!(issued.cert.subject, "/CN=app");
        assert_eq!(issued.cert.issuer, "/O=Test/CN=Test CA");
    }

    #[test]
    fn validity_is_capped_at_the_ca() {
        let ca = root(100);
        let issued = leaf(&ca, Profile::Client, "app", KeyType::EcdsaP256);
        assert_eq!(issued.cert.not_after, ca.not_after());
        assert_eq!(
            issued.warnings,
            [Warning::new(
                "validity-capped",
                format!(
                    "validity capped at the CA's notAfter {} (asked for 825 days)",
                    crate::rfc3339::format(ca.not_after())
                )
            )]
        );
    }

    #[test]
    fn refusals() {
        let ca = root(10);
        let key = PrivateKey::generate(KeyType::EcdsaP256).unwrap();
        let mut req = CertRequest {
            subject: Subject::parse("/O=test/CN=test ca").unwrap(),
            sans: vec![],
            profile: Profile::Server,
            validity: Duration::days(1),
        };
        let s = Serial::random().unwrap();
        let issue = |req: &CertRequest, now| ca.issue(req, key.pair(), false, &s, now).unwrap_err();
        let err = issue(&req, NOW);
        assert!(
            matches!(&err, Error::SubjectIsCa { subject } if subject == "/O=test/CN=test ca"),
            "{err:?}"
        );
        req.subject = Subject::from_cn("x").unwrap();
        req.validity = Duration::ZERO;
        assert!(matches!(
            issue(&req, NOW),
            Error::ValidityNotPositive { .. }
        ));
        req.validity = Duration::days(36_501);
        assert!(matches!(issue(&req, NOW), Error::ValidityTooLong { .. }));
        req.validity = Duration::hours(12);
        let short = ca.issue(&req, key.pair(), false, &s, NOW).unwrap();
        assert_eq!(short.cert.not_after, NOW + Duration::hours(12));
        req.validity = Duration::days(1);
        let err = issue(&req, NOW + Duration::days(11));
        assert!(
            matches!(err, Error::CaExpired { not_after } if not_after == ca.not_after()),
            "{err:?}"
        );
        req.profile = Profile::Ca { path_len: None };
        assert!(matches!(issue(&req, NOW), Error::LeafIsCa));
    }

    #[test]
    fn a_key_of_another_ca_is_a_mismatch() {
        let ca = root(10);
        let other = PrivateKey::generate(KeyType::EcdsaP256).unwrap();
        let err =
            Ca::from_files("ca.pem", ca.cert_pem().as_bytes(), other, "key.pem", None).unwrap_err();
        assert!(
            matches!(&err, Error::KeyMismatch { key, cert } if key == "key.pem" && cert == "ca.pem"),
            "{err:?}"
        );
    }

    #[test]
    fn intermediates_respect_path_length() {
        let key = PrivateKey::generate(KeyType::EcdsaP256).unwrap();
        let subject = Subject::from_cn("Root").unwrap();
        let root = Ca::create_root(
            &subject,
            key,
            Duration::days(3650),
            Some(1),
            &Serial::random().unwrap(),
            NOW,
        )
        .unwrap();
        let ikey = PrivateKey::generate(KeyType::EcdsaP256).unwrap();
        let (issued, inter) = root
            .create_intermediate(
                &Subject::from_cn("Inter").unwrap(),
                ikey,
                Duration::days(1825),
                0,
                &Serial::random().unwrap(),
                NOW,
            )
            .unwrap();
        assert_eq!(issued.cert.issuer, "/CN=Root");
        assert!(inter.chain_pem().starts_with(&issued.pem));
        let k2 = PrivateKey::generate(KeyType::EcdsaP256).unwrap();
        let err = inter
            .create_intermediate(
                &Subject::from_cn("Deeper").unwrap(),
                k2,
                Duration::days(100),
                0,
                &Serial::random().unwrap(),
                NOW,
            )
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::PathLen {
                    limit: 0,
                    requested: 0
                }
            ),
            "{err:?}"
        );
    }
}
