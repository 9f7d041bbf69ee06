//! The TLS handshake that fetches a chain: rustls with a verifier that
//! records the server's certificates and accepts them, so that an expired,
//! untrusted or misnamed certificate is fetched and judged rather than
//! refused. The server's handshake signature is still checked against the
//! key of the certificate it sent, so the chain belongs to whoever answered.

use std::sync::{Arc, Mutex, OnceLock};

use aws_lc_rs::signature::{self as sig, UnparsedPublicKey, VerificationAlgorithm};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{
    CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme,
};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;

use super::failure::{Failure, Step};
use super::io::{Bounded, is_over_limit, quoted};
use super::target::Target;

fn provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    PROVIDER
        .get_or_init(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .clone()
}

/// The name to send: `--sni`, else the target's host when it is a DNS name;
/// for an IP address rustls sends no server_name extension.
pub(super) fn server_name(
    target: &Target,
    sni: Option<&str>,
) -> Result<ServerName<'static>, Failure> {
    let name = sni.unwrap_or(&target.host);
    ServerName::try_from(name.to_string())
        .map_err(|_| Failure::Handshake(format!("\"{name}\" is not a valid server name")))
}

/// Runs the handshake on `io` and returns the chain the server sent.
pub(super) fn handshake(
    io: &mut Bounded<'_>,
    name: ServerName<'static>,
) -> Result<Vec<Vec<u8>>, Failure> {
    let recorder = Arc::new(Recorder::default());
    let config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| Failure::Handshake(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(recorder.clone())
        .with_no_client_auth();
    let mut conn = ClientConnection::new(Arc::new(config), name)
        .map_err(|e| Failure::Handshake(e.to_string()))?;
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(io) {
            // A server that wants a client certificate may end the handshake
            // once it has sent, and signed for, its own.
            if let Some(chain) = recorder.signed_chain() {
                return Ok(chain);
            }
            return Err(failure(e, io));
        }
    }
    conn.send_close_notify();
    let _ = conn.write_tls(io);
    recorder
        .signed_chain()
        .ok_or_else(|| Failure::Handshake("the server sent no certificate".into()))
}

fn failure(e: std::io::Error, io: &Bounded<'_>) -> Failure {
    let head = io.head();
    // Every TLS server's first record is a handshake message or an alert.
    if let Some(first) = head.first()
        && !matches!(first, 0x15 | 0x16)
    {
        if super::starttls::is_greeting(head) {
            return Failure::MysqlGreeting(quoted(head));
        }
        return Failure::NotTls(quoted(head));
    }
    if is_over_limit(&e) {
        return io.failure(e, Step::Handshake);
    }
    if let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return Failure::Handshake(tls.to_string());
    }
    io.failure(e, Step::Handshake)
}

/// Records the server's chain, and whether the server proved it holds the
/// leaf's key.
#[derive(Debug, Default)]
struct Recorder {
    chain: Mutex<Option<Vec<Vec<u8>>>>,
    signed: Mutex<bool>,
}

impl Recorder {
    fn signed_chain(&self) -> Option<Vec<Vec<u8>>> {
        if !*self.signed.lock().unwrap_or_else(|e| e.into_inner()) {
            return None;
        }
        self.chain.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn check(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_signature(cert, dss.scheme, message, dss.signature())?;
        *self.signed.lock().unwrap_or_else(|e| e.into_inner()) = true;
        Ok(HandshakeSignatureValid::assertion())
    }
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.as_ref().to_vec())
            .collect();
        *self.chain.lock().unwrap_or_else(|e| e.into_inner()) = Some(chain);
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.check(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.check(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Checks a handshake signature with the certificate's public key, read by
/// x509-parser rather than webpki: the X.509 v1 certificates of the old
/// openssl recipes, which webpki refuses to read, are served by real
/// databases and must be fetched too.
fn verify_signature(
    cert: &CertificateDer<'_>,
    scheme: SignatureScheme,
    message: &[u8],
    signature: &[u8],
) -> Result<(), rustls::Error> {
    let bad = |e: CertificateError| rustls::Error::InvalidCertificate(e);
    let (_, c) = X509Certificate::from_der(cert).map_err(|_| bad(CertificateError::BadEncoding))?;
    let spki = c.public_key();
    let curve_bits = match spki.parsed() {
        Ok(PublicKey::EC(ec)) => ec.key_size(),
        _ => 0,
    };
    let alg = algorithm(scheme, curve_bits).ok_or(rustls::Error::PeerIncompatible(
        rustls::PeerIncompatible::NoSignatureSchemesInCommon,
    ))?;
    UnparsedPublicKey::new(alg, spki.subject_public_key.data.as_ref())
        .verify(message, signature)
        .map_err(|_| bad(CertificateError::BadSignature))
}

/// The algorithm for a TLS signature scheme and the key's curve (in TLS 1.2
/// an ECDSA scheme names only the hash).
fn algorithm(
    scheme: SignatureScheme,
    curve_bits: usize,
) -> Option<&'static dyn VerificationAlgorithm> {
    use SignatureScheme as S;
    let ecdsa = |p256, p384, p521| match curve_bits {
        256 => Some(p256),
        384 => Some(p384),
        521 => Some(p521),
        _ => None,
    };
    let alg: &'static dyn VerificationAlgorithm = match scheme {
        S::RSA_PKCS1_SHA256 => &sig::RSA_PKCS1_2048_8192_SHA256,
        S::RSA_PKCS1_SHA384 => &sig::RSA_PKCS1_2048_8192_SHA384,
        S::RSA_PKCS1_SHA512 => &sig::RSA_PKCS1_2048_8192_SHA512,
        S::RSA_PSS_SHA256 => &sig::RSA_PSS_2048_8192_SHA256,
        S::RSA_PSS_SHA384 => &sig::RSA_PSS_2048_8192_SHA384,
        S::RSA_PSS_SHA512 => &sig::RSA_PSS_2048_8192_SHA512,
        S::ED25519 => &sig::ED25519,
        S::ECDSA_NISTP256_SHA256 => ecdsa(
            &sig::ECDSA_P256_SHA256_ASN1,
            &sig::ECDSA_P384_SHA256_ASN1,
            &sig::ECDSA_P521_SHA256_ASN1,
        )?,
        S::ECDSA_NISTP384_SHA384 => ecdsa(
            &sig::ECDSA_P256_SHA384_ASN1,
            &sig::ECDSA_P384_SHA384_ASN1,
            &sig::ECDSA_P521_SHA384_ASN1,
        )?,
        S::ECDSA_NISTP521_SHA512 => ecdsa(
            &sig::ECDSA_P256_SHA512_ASN1,
            &sig::ECDSA_P384_SHA512_ASN1,
            &sig::ECDSA_P521_SHA512_ASN1,
        )?,
        _ => return None,
    };
    Some(alg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, Ed25519KeyPair};

    fn cert_for(pkcs8: &[u8]) -> CertificateDer<'static> {
        let key = rcgen::KeyPair::try_from(pkcs8).unwrap();
        let params = rcgen::CertificateParams::new(vec!["db.example".into()]).unwrap();
        params.self_signed(&key).unwrap().der().clone()
    }

    #[test]
    fn handshake_signatures_are_checked_with_the_certificates_key() {
        let rng = SystemRandom::new();
        let message = b"the handshake transcript";
        let ec = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let ec_cert = cert_for(ec.as_ref());
        let ec = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, ec.as_ref()).unwrap();
        let ec_sig = ec.sign(&rng, message).unwrap();
        let ed = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let ed_cert = cert_for(ed.as_ref());
        let ed_sig = Ed25519KeyPair::from_pkcs8(ed.as_ref())
            .unwrap()
            .sign(message);
        let p256 = SignatureScheme::ECDSA_NISTP256_SHA256;
        let ed25519 = SignatureScheme::ED25519;
        verify_signature(&ec_cert, p256, message, ec_sig.as_ref()).unwrap();
        verify_signature(&ed_cert, ed25519, message, ed_sig.as_ref()).unwrap();
        // Another message, another key, another scheme: refused.
        for (cert, scheme, msg, sig) in [
            (&ec_cert, p256, &b"another transcript"[..], ec_sig.as_ref()),
            (&ed_cert, ed25519, &message[..], ec_sig.as_ref()),
            (&ec_cert, p256, &message[..], ed_sig.as_ref()),
            (
                &ec_cert,
                SignatureScheme::RSA_PSS_SHA256,
                &message[..],
                ec_sig.as_ref(),
            ),
        ] {
            let err = verify_signature(cert, scheme, msg, sig).unwrap_err();
            assert_eq!(
                err,
                rustls::Error::InvalidCertificate(CertificateError::BadSignature),
                "{scheme:?}"
            );
        }
        let not_a_cert = CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x01]);
        assert!(verify_signature(&not_a_cert, p256, message, ec_sig.as_ref()).is_err());
    }

    #[test]
    fn the_curve_of_the_key_picks_the_ecdsa_algorithm() {
        assert!(algorithm(SignatureScheme::ECDSA_NISTP256_SHA256, 384).is_some());
        assert!(algorithm(SignatureScheme::ECDSA_NISTP384_SHA384, 256).is_some());
        assert!(algorithm(SignatureScheme::ECDSA_NISTP256_SHA256, 0).is_none());
        assert!(algorithm(SignatureScheme::RSA_PKCS1_SHA1, 0).is_none());
    }
}
