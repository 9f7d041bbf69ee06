//! Certificate revocation lists from the index, as `openssl ca -gencrl`
//! makes them: v2, every `R` line with its date and reason, sorted by
//! serial, a CRL number kept in `crlnumber` (the next number, in hex, as
//! openssl keeps it), and the CA's key identifier.

use std::path::{Path, PathBuf};

use rcgen::{CertificateRevocationListParams, RevocationReason, RevokedCertParams, SerialNumber};
use time::{Duration, OffsetDateTime};

use crate::ca::{Ca, check_validity};
use crate::encoding::to_pem;
use crate::error::{Error, Result};
use crate::index::{Entry, code_of, load_revoked};
use crate::input::{read_file_limited, utf8};
use crate::pki::ensure_current;
use crate::serial::Serial;
use crate::store::{self, Mode, Store};

/// Where `crl` writes by default, relative to the PKI directory.
pub const CRL_FILE: &str = "crl.pem";
/// The next CRL number, in hex, as `openssl ca` keeps it.
pub const CRL_NUMBER: &str = "crlnumber";
/// How long a CRL is current when not told: openssl's usual `default_crl_days`.
pub const DEFAULT_VALIDITY: Duration = Duration::days(30);

/// A CRL just written.
#[derive(Clone, Debug)]
pub struct CrlMade {
    pub path: PathBuf,
    pub number: Serial,
    pub this_update: OffsetDateTime,
    pub next_update: OffsetDateTime,
    /// How many certificates it lists.
    pub revoked: usize,
    pub der: Vec<u8>,
}

/// Makes a CRL of every revoked certificate in the index, current from `now`
/// for `validity`, signs it with `ca`, and writes it to `out` (default
/// `DIR/crl.pem`), after moving the CRL number on, all under the lock.
pub fn generate(
    store: &Store,
    ca: &Ca,
    validity: Duration,
    out: Option<&Path>,
    now: OffsetDateTime,
) -> Result<CrlMade> {
    check_validity(validity)?;
    if !store.has_ca() {
        return Err(Error::NoCa(store.root().to_path_buf()));
    }
    let path = out.map_or_else(|| store.path(CRL_FILE), Path::to_path_buf);
    check_destination(&path)?;
    let lock = store.lock()?;
    ensure_current(store, ca)?;
    let revoked = revoked_entries(&load_revoked(&store.index())?)?;
    let number_path = store.path(CRL_NUMBER);
    let number = read_number(&number_path)?;
    let params = CertificateRevocationListParams {
        this_update: now,
        next_update: now + validity,
        crl_number: SerialNumber::from_slice(number.as_bytes()),
        issuing_distribution_point: None,
        revoked_certs: revoked,
        key_identifier_method: rcgen::KeyIdMethod::Sha256,
    };
    let count = params.revoked_certs.len();
    let der = ca.sign_crl(params)?;
    let pem = to_pem("X509 CRL", &der);
    // The CRL is written (under a temporary name) before the number moves
    // on, and published after: a refused or failed write changes nothing,
    // and a crash in between skips a number, which is harmless, but never
    // gives two different CRLs the same one.
    let prepared = store::prepare_file(&path, pem.as_bytes(), Mode::Public)?;
    let next = format!("{}\n", increment(&number));
    let mut staging = lock.stage(1)?;
    staging.replace_file(number_path, next.as_bytes(), Mode::Public)?;
    staging.commit()?;
    prepared.publish()?;
    Ok(CrlMade {
        path,
        number,
        this_update: now,
        next_update: now + validity,
        revoked: count,
        der,
    })
}

/// The CRL's file must be replaceable: a directory or a link there, or a
/// missing directory, is refused before anything is written.
fn check_destination(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => return Err(Error::Symlink(path.to_path_buf())),
        Ok(m) if !m.is_file() => return Err(Error::NotAFile(path.to_path_buf())),
        _ => {}
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match std::fs::metadata(parent) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Error::NotADirectory(parent.to_path_buf())),
        Err(e) => Err(Error::io("writing into", parent)(e)),
    }
}

/// Revoked index entries as CRL entries, sorted by serial as openssl sorts them.
pub fn revoked_entries(entries: &[Entry]) -> Result<Vec<RevokedCertParams>> {
    let mut revoked: Vec<(&Serial, RevokedCertParams)> = entries
        .iter()
        .map(|e| Ok((&e.serial, crl_entry(e)?)))
        .collect::<Result<_>>()?;
    revoked.sort_by(|(a, _), (b, _)| {
        (a.as_bytes().len(), a.as_bytes()).cmp(&(b.as_bytes().len(), b.as_bytes()))
    });
    Ok(revoked.into_iter().map(|(_, r)| r).collect())
}

fn crl_entry(e: &Entry) -> Result<RevokedCertParams> {
    let bad = || Error::BadRevocation {
        serial: e.serial.clone(),
        field: e.revoked.clone(),
    };
    let (at, reason) = e.revocation().ok_or_else(bad)?;
    let reason_code = match reason {
        None => None,
        // keyTime and CAkeyTime carry an invalidity date after a second comma.
        Some(r) => Some(
            code_of(r.split(',').next().unwrap_or(r))
                .and_then(crl_reason)
                .ok_or_else(bad)?,
        ),
    };
    Ok(RevokedCertParams {
        serial_number: SerialNumber::from_slice(e.serial.as_bytes()),
        revocation_time: at,
        reason_code,
        invalidity_date: None,
    })
}

/// A reason code of the index as rcgen writes it in a CRL.
fn crl_reason(code: u8) -> Option<RevocationReason> {
    use RevocationReason::*;
    Some(match code {
        0 => Unspecified,
        1 => KeyCompromise,
        2 => CaCompromise,
        3 => AffiliationChanged,
        4 => Superseded,
        5 => CessationOfOperation,
        6 => CertificateHold,
        8 => RemoveFromCrl,
        _ => return None,
    })
}

/// The number for this CRL: `crlnumber`'s content, or 1 when it is missing.
/// RFC 5280 caps CRL numbers at 20 octets (a positive DER INTEGER, so below
/// 2^159): a larger one is refused, not signed, and the file is read only
/// as far as such a number could be written.
fn read_number(path: &Path) -> Result<Serial> {
    let text = match read_file_limited(path, 1024).and_then(utf8) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Serial::from_bytes(&[1])),
        Err(e) => return Err(Error::io("reading", path)(e)),
    };
    let number = Serial::from_hex(text.trim()).map_err(|_| Error::BadCrlNumber {
        path: path.to_path_buf(),
    })?;
    let octets = number.as_bytes();
    if octets.len() > 20 || (octets.len() == 20 && octets[0] & 0x80 != 0) {
        return Err(Error::CrlNumberTooLong {
            path: path.to_path_buf(),
        });
    }
    Ok(number)
}

/// `n + 1`.
fn increment(n: &Serial) -> Serial {
    let mut bytes = n.as_bytes().to_vec();
    for b in bytes.iter_mut().rev() {
        let (v, carry) = b.overflowing_add(1);
        *b = v;
        if !carry {
            return Serial::from_bytes(&bytes);
        }
    }
    bytes.insert(0, 1);
    Serial::from_bytes(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_of_more_than_20_octets_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("crlnumber");
        let read = |text: &str| {
            std::fs::write(&path, text).unwrap();
            read_number(&path)
        };
        let largest = format!("7F{}\n", "FF".repeat(19));
        assert_eq!(read(&largest).unwrap().as_bytes().len(), 20);
        assert_eq!(
            read(&format!("0000{largest}")).unwrap().as_bytes().len(),
            20
        );
        for long in [format!("80{}", "00".repeat(19)), "01".repeat(21)] {
            let err = read(&long).unwrap_err();
            assert!(
                matches!(err, Error::CrlNumberTooLong { .. }),
                "{long}: {err}"
            );
        }
        let err = read(&"0".repeat(2000)).unwrap_err();
        assert!(err.to_string().starts_with("reading"), "{err}");
    }

    #[test]
    fn numbers_count_up_in_hex() {
        let n = |h: &str| Serial::from_hex(h).unwrap();
        assert_eq!(increment(&n("01")).to_string(), "02");
        assert_eq!(increment(&n("0F")).to_string(), "10");
        assert_eq!(increment(&n("FF")).to_string(), "0100");
        assert_eq!(increment(&n("01FF")).to_string(), "0200");
    }

    fn index_reason(name: &str) -> Option<RevocationReason> {
        code_of(name).and_then(crl_reason)
    }

    #[test]
    fn reasons_read_as_openssl_reads_them() {
        assert_eq!(
            index_reason("cacompromise"),
            Some(RevocationReason::CaCompromise)
        );
        assert_eq!(
            index_reason("keyTime"),
            Some(RevocationReason::KeyCompromise)
        );
        assert_eq!(index_reason("bogus"), None);
    }

    #[test]
    fn entries_are_sorted_and_keep_date_and_reason() {
        let t = time::macros::datetime!(2030-01-01 0:00 UTC);
        let mut entries: Vec<Entry> = [
            ("0100", "300115000000Z,keyCompromise"),
            ("05", "300116000000Z"),
        ]
        .into_iter()
        .map(|(serial, revoked)| Entry {
            status: crate::index::Status::Revoked,
            revoked: revoked.into(),
            ..Entry::issued(Serial::from_hex(serial).unwrap(), t, "", "/CN=x")
        })
        .collect();
        let r = revoked_entries(&entries).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].serial_number, SerialNumber::from_slice(&[5]));
        assert_eq!(r[0].reason_code, None);
        assert_eq!(r[1].reason_code, Some(RevocationReason::KeyCompromise));
        assert_eq!(
            r[1].revocation_time,
            time::macros::datetime!(2030-01-15 0:00 UTC)
        );
        entries[1].revoked = "yesterday".into();
        assert!(matches!(
            revoked_entries(&entries),
            Err(Error::BadRevocation { .. })
        ));
    }
}
