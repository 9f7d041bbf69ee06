//! Revoked index lines as CRL entries: serial, revocation date and reason
//! code, sorted by serial as `openssl ca -gencrl` sorts them.

use rcgen::{RevocationReason, RevokedCertParams, SerialNumber};

use crate::error::{Error, Result};
use crate::index::{Entry, code_of};
use crate::serial::Serial;

/// Revoked index entries as CRL entries, sorted by serial as openssl sorts them.
pub fn revoked_entries<'a>(
    entries: impl IntoIterator<Item = &'a Entry>,
) -> Result<Vec<RevokedCertParams>> {
    let mut revoked: Vec<(&Serial, RevokedCertParams)> = entries
        .into_iter()
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

#[cfg(test)]
mod tests {
    use super::*;

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
