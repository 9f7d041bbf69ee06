//! Path validation: does a certificate chain to a trusted root, for this
//! purpose and host name, at this instant, and what will clients think of it?
//!
//! webpki (what Rust TLS clients use) builds and checks the path; certgen adds
//! the RFC 5280 rules webpki leaves out, and judges the old openssl recipes'
//! certificates (X.509 v1, names only in the CN) the way `openssl verify` and
//! the databases' OpenSSL-based clients do, with warnings for the stricter
//! clients.

mod clients;
mod compat;
mod crl;
mod explain;
mod names;
mod path;
mod pool;
mod report;
mod rfc5280;
mod strict;

use rustls_pki_types::CertificateDer;
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

pub use names::Host;
pub use report::{Mode, Purpose, Rejection, Report, Warning};

use crate::cert::CertSummary;
use crate::error::{Error, Expected, Result};
use crate::keys::PrivateKey;
use pool::Pool;

/// The certificates to verify, as DER.
#[derive(Clone, Debug, Default)]
pub struct Input {
    /// The certificate to verify.
    pub leaf: Vec<u8>,
    /// Trusted roots (the CA file), one or more.
    pub roots: Vec<Vec<u8>>,
    /// Untrusted intermediates, in any order; ones that do not fit are ignored.
    pub intermediates: Vec<Vec<u8>>,
}

/// What to verify the certificate for.
#[derive(Debug)]
pub struct Options<'a> {
    /// The name or address the client connects to, when it checks one.
    pub host: Option<&'a Host>,
    pub purpose: Purpose,
    /// The instant of validation (certgen never reads the clock itself).
    pub now: OffsetDateTime,
    /// A private key that should belong to the certificate.
    pub key: Option<&'a PrivateKey>,
    /// CRLs (DER) to check the certificate's revocation against; `None`
    /// checks none.
    pub crls: Option<&'a [Vec<u8>]>,
    /// Whose verdict to give.
    pub mode: Mode,
}

/// A reusable verifier: holds the accepted signature algorithms.
pub struct Verifier {
    algorithms: Vec<&'static dyn rustls_pki_types::SignatureVerificationAlgorithm>,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier {
            algorithms: compat::algorithms(),
        }
    }
}

/// Verifies once with a fresh [`Verifier`].
pub fn verify(input: &Input, opts: &Options<'_>) -> Result<Report> {
    Verifier::default().verify(input, opts)
}

impl Verifier {
    /// Verifies `input`. An `Err` means the input could not be used (not a
    /// certificate, an empty CA file); a rejected chain is an `Ok` report.
    pub fn verify(&self, input: &Input, opts: &Options<'_>) -> Result<Report> {
        let (_, leaf) = X509Certificate::from_der(&input.leaf)
            .map_err(Error::malformed("the certificate", Expected::Certificate))?;
        if input.roots.is_empty() {
            return Err(Error::NoTrustAnchor);
        }
        fn der(v: &Vec<u8>) -> CertificateDer<'_> {
            CertificateDer::from(v.as_slice())
        }
        fn parse(v: &[u8]) -> Option<X509Certificate<'_>> {
            X509Certificate::from_der(v).ok().map(|(_, c)| c)
        }
        let leaf_der = der(&input.leaf);
        let roots: Vec<_> = input.roots.iter().map(der).collect();
        let intermediates: Vec<_> = input.intermediates.iter().map(der).collect();
        let parsed_roots: Vec<_> = input.roots.iter().map(|v| parse(v)).collect();
        let parsed_intermediates: Vec<_> = input.intermediates.iter().map(|v| parse(v)).collect();
        let anchors = pool::anchors(&roots);
        let pool = Pool {
            leaf: &leaf_der,
            intermediates: &intermediates,
            parsed_leaf: &leaf,
            parsed_roots: &parsed_roots,
            parsed_intermediates: &parsed_intermediates,
            anchors: &anchors,
            algorithms: &self.algorithms,
        };
        let mut report = Report {
            certificate: CertSummary::of(&leaf),
            chain: Vec::new(),
            rejection: None,
            warnings: Vec::new(),
        };
        match check(&pool, opts, &mut report.warnings) {
            Ok(chain) => {
                // The leaf's summary is already made; reuse it.
                report.chain = std::iter::once(report.certificate.clone())
                    .chain(chain.iter().skip(1).map(|c| CertSummary::of(c)))
                    .collect();
            }
            Err(rejection) => {
                report.rejection = Some(rejection);
                report.warnings.clear();
            }
        }
        Ok(report)
    }
}

/// The path (leaf to root) or the first reason to reject.
fn check<'a>(
    pool: &Pool<'a>,
    opts: &Options<'_>,
    warnings: &mut Vec<Warning>,
) -> std::result::Result<path::Path<'a>, Rejection> {
    let leaf = pool.parsed_leaf;
    let ee = webpki::EndEntityCert::try_from(pool.leaf);
    let strict = opts.mode == Mode::Strict;
    let chain = match &ee {
        Ok(ee) => path::build(pool, ee, opts.now, opts.purpose, opts.mode)?,
        Err(webpki::Error::UnsupportedCertVersion) => path::build_v1(pool, opts.now, opts.purpose)?,
        // A leaf webpki cannot read (a critical extension it does not know,
        // unique identifiers) may still be valid under RFC 5280, but not
        // for the clients built on webpki.
        Err(e) if strict => return Err(explain::explain(e.clone(), pool, opts.purpose)),
        Err(e) => path::own_path(pool, opts.now, opts.purpose)
            .map_err(|_| explain::explain(e.clone(), pool, opts.purpose))?,
    };
    let findings = clients::findings(&chain, opts.purpose);
    if strict && let Some(first) = findings.iter().find(|f| f.rejects) {
        return Err(first.rejection());
    }
    if let Some(host) = opts.host {
        names::check(host, leaf, ee.as_ref().ok(), opts.mode, warnings)?;
    }
    if let Some(key) = opts.key
        && !key.matches_spki(leaf.public_key().raw)
    {
        return Err(Rejection::KeyMismatch);
    }
    if let Some(crls) = opts.crls {
        let issuer = chain.get(1).or(chain.first()).copied().unwrap_or(leaf);
        crl::check(crls, leaf, issuer, opts.now)?;
    }
    let mut found: Vec<Warning> = findings.iter().map(clients::Finding::warning).collect();
    found.append(warnings);
    *warnings = found;
    Ok(chain)
}
