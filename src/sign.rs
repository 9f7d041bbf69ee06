//! Signing a CSR made elsewhere (`certgen sign`): the certificate is
//! recorded in the index before it is handed out.

use std::path::Path;

use time::OffsetDateTime;

use crate::ca::{Ca, CertRequest, Issued};
use crate::csr::Csr;
use crate::error::{Error, Expected, Result};
use crate::index::Entry;
use crate::pki::{ensure_current, index_file_name};
use crate::store::{self, Mode, Store};

/// Signs a checked CSR with the CA, records it, and then writes it to `out`
/// when given (which must not exist). Returns the certificate.
pub fn sign_csr(
    store: &Store,
    ca: &Ca,
    csr: &Csr,
    request: &CertRequest,
    out: Option<&Path>,
    now: OffsetDateTime,
) -> Result<Issued> {
    let key = rcgen::SubjectPublicKeyInfo::from_der(&csr.spki)
        .map_err(Error::malformed("the CSR", Expected::PublicKey))?;
    ca.check_request(request, now)?;
    if let Some(out) = out.filter(|p| std::fs::symlink_metadata(p).is_ok()) {
        return Err(Error::Exists(out.to_path_buf()));
    }
    let lock = store.lock()?;
    ensure_current(store, ca)?;
    let mut index = lock.read_index()?;
    let serial = index.fresh_serial()?;
    let issued = ca.issue(request, &key, csr.key.is_rsa(), &serial, now)?;
    if let Some(out) = out.filter(|p| std::fs::symlink_metadata(p).is_ok()) {
        return Err(Error::Exists(out.to_path_buf()));
    }
    // Written beside its destination first, so that an --out that cannot be
    // written is refused before the index records anything.
    let prepared = out
        .map(|out| store::prepare_file(out, issued.pem.as_bytes(), Mode::Public))
        .transpose()?;
    let before = index.clone();
    // Recorded before it is handed out, as every issuance is.
    let file = out.map(|p| index_file_name(store, p)).unwrap_or_default();
    index.record(Entry::issued(
        serial,
        issued.cert.not_after,
        &file,
        &issued.cert.subject,
    ))?;
    lock.write_index(&index)?;
    if let Some(prepared) = prepared
        && let Err(e) = prepared.publish_new()
    {
        // Never handed out: the index goes back to what it was.
        lock.write_index(&before)?;
        return Err(e);
    }
    Ok(issued)
}
