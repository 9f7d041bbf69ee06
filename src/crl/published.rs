//! The CRLs a file holds, as `crl --within` compares them with what it
//! would write, and `rotate-ca` keeps their lifetime.

use std::collections::HashSet;
use std::path::Path;

use time::{Duration, OffsetDateTime};
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

use crate::error::{Error, Expected, Result};
use crate::input::read_file;
use crate::name::oneline;
use crate::serial::Serial;

/// One CRL of a file.
#[derive(Clone, Debug)]
pub struct Published {
    pub der: Vec<u8>,
    /// The issuer in `X509_NAME_oneline` form.
    pub issuer: String,
    pub this_update: OffsetDateTime,
    pub next_update: Option<OffsetDateTime>,
    /// The CRL number, in hex, when it has one.
    pub number: Option<Serial>,
    pub serials: HashSet<Serial>,
    /// Those of `serials` listed with reason keyCompromise.
    pub key_compromised: HashSet<Serial>,
}

impl Published {
    /// Whether the CA certificate `ca_der` signed this CRL: its name is the
    /// CRL's issuer and its key verifies the signature.
    pub fn signed_by(&self, ca_der: &[u8]) -> bool {
        let (Ok((_, crl)), Ok((_, ca))) = (
            CertificateRevocationList::from_der(&self.der),
            X509Certificate::from_der(ca_der),
        ) else {
            return false;
        };
        crl.issuer().as_raw() == ca.subject().as_raw()
            && crate::signed::crl_signed_by(&crl, ca.public_key())
    }

    /// How long it is current: nextUpdate - thisUpdate.
    pub fn lifetime(&self) -> Option<Duration> {
        self.next_update
            .map(|n| n - self.this_update)
            .filter(|d| d.is_positive())
    }
}

/// The CRLs of `bytes` (PEM, one or more, or one DER CRL).
pub fn parse(what: &str, bytes: &[u8]) -> Result<Vec<Published>> {
    crate::encoding::crls(what, bytes)?
        .into_iter()
        .map(|der| {
            let (_, crl) = CertificateRevocationList::from_der(&der)
                .map_err(Error::malformed(what, Expected::Crl))?;
            let published = Published {
                issuer: oneline(crl.issuer()),
                this_update: crl.last_update().to_datetime(),
                next_update: crl.next_update().map(|t| t.to_datetime()),
                number: crl
                    .crl_number()
                    .map(|n| Serial::from_bytes(&n.to_bytes_be())),
                serials: crl
                    .iter_revoked_certificates()
                    .map(|r| Serial::from_bytes(r.raw_serial()))
                    .collect(),
                key_compromised: crl
                    .iter_revoked_certificates()
                    .filter(|r| r.reason_code().is_some_and(|(_, code)| code.0 == 1))
                    .map(|r| Serial::from_bytes(r.raw_serial()))
                    .collect(),
                der: der.clone(),
            };
            Ok(published)
        })
        .collect()
}

/// The CRLs of the file at `path`: `None` when there is no file.
pub fn read(path: &Path) -> Result<Option<Vec<Published>>> {
    let bytes = match read_file(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("reading", path)(e)),
    };
    parse(&path.display().to_string(), &bytes).map(Some)
}
