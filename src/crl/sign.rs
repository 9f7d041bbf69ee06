//! Signing the CRLs of a file: one per CA that must have one (the CA, and
//! the old root during a changeover), each listing the revoked serials of
//! its own scope, all with the same CRL number.

use std::collections::HashSet;

use rcgen::{CertificateRevocationListParams, SerialNumber};
use time::{Duration, OffsetDateTime};

use super::entries::revoked_entries;
use super::scope::{Scope, Which};
use crate::ca::Ca;
use crate::encoding::to_pem;
use crate::error::Result;
use crate::index::Entry;
use crate::serial::Serial;

/// A CA that signs a CRL of the file.
#[derive(Clone, Copy, Debug)]
pub struct Signer<'a> {
    pub ca: &'a Ca,
    pub which: Which,
}

/// A CRL just signed.
#[derive(Clone, Debug)]
pub struct Signed {
    pub which: Which,
    /// The issuer (the CA's subject), in `X509_NAME_oneline` form.
    pub issuer: String,
    pub number: Serial,
    pub this_update: OffsetDateTime,
    pub next_update: OffsetDateTime,
    /// How many certificates it lists.
    pub revoked: usize,
    pub der: Vec<u8>,
}

/// The serials of `revoked` the CRL `which` signs lists.
pub fn listed(revoked: &[Entry], scope: &Scope, which: Which) -> HashSet<Serial> {
    revoked
        .iter()
        .filter(|e| scope.lists(which, &e.serial))
        .map(|e| e.serial.clone())
        .collect()
}

/// One CRL per signer, current from `now` for `validity`, numbered `number`.
pub fn sign_all(
    signers: &[Signer<'_>],
    revoked: &[Entry],
    scope: &Scope,
    number: &Serial,
    now: OffsetDateTime,
    validity: Duration,
) -> Result<Vec<Signed>> {
    signers
        .iter()
        .map(|s| {
            let entries =
                revoked_entries(revoked.iter().filter(|e| scope.lists(s.which, &e.serial)))?;
            let params = CertificateRevocationListParams {
                this_update: now,
                next_update: now + validity,
                crl_number: SerialNumber::from_slice(number.as_bytes()),
                issuing_distribution_point: None,
                revoked_certs: entries,
                key_identifier_method: rcgen::KeyIdMethod::Sha256,
            };
            let revoked = params.revoked_certs.len();
            Ok(Signed {
                which: s.which,
                issuer: s.ca.subject().to_string(),
                number: number.clone(),
                this_update: now,
                next_update: now + validity,
                revoked,
                der: s.ca.sign_crl(params)?,
            })
        })
        .collect()
}

/// The file's content: each CRL in PEM, the CA's first.
pub fn pem_of(signed: &[Signed]) -> String {
    signed.iter().map(|s| to_pem("X509 CRL", &s.der)).collect()
}
