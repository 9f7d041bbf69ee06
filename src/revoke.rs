//! Revoking certificates: the index line becomes `R` with the revocation
//! date and reason exactly as `openssl ca -revoke -crl_reason` writes them,
//! so `openssl ca -status` and `openssl ca -gencrl` read what certgen wrote.

use std::fmt;

use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::index::{Entry, Index, Serial, Status, format_asn1_time};
use crate::issue::Kind;
use crate::store::Store;

/// A reason for revoking (RFC 5280 5.3.1), the ones an operator gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Reason {
    #[serde(rename = "unspecified")]
    Unspecified,
    #[serde(rename = "keyCompromise")]
    KeyCompromise,
    #[serde(rename = "CACompromise")]
    CaCompromise,
    #[serde(rename = "affiliationChanged")]
    AffiliationChanged,
    #[serde(rename = "superseded")]
    Superseded,
    #[serde(rename = "cessationOfOperation")]
    CessationOfOperation,
}

impl Reason {
    pub const ALL: [Reason; 6] = [
        Reason::Unspecified,
        Reason::KeyCompromise,
        Reason::CaCompromise,
        Reason::AffiliationChanged,
        Reason::Superseded,
        Reason::CessationOfOperation,
    ];

    /// The name as `openssl ca` writes it in `index.txt` (`CACompromise`).
    pub fn index_name(self) -> &'static str {
        reason_name(self.code())
    }

    /// The name as the command line takes it: RFC 5280's spelling.
    pub fn rfc_name(self) -> &'static str {
        match self {
            Reason::CaCompromise => "caCompromise",
            other => other.index_name(),
        }
    }

    /// The CRLReason code.
    pub fn code(self) -> u8 {
        match self {
            Reason::Unspecified => 0,
            Reason::KeyCompromise => 1,
            Reason::CaCompromise => 2,
            Reason::AffiliationChanged => 3,
            Reason::Superseded => 4,
            Reason::CessationOfOperation => 5,
        }
    }

    /// A reason by name, in either spelling, ignoring case as `openssl ca` does.
    pub fn from_name(name: &str) -> Option<Reason> {
        Reason::ALL
            .into_iter()
            .find(|r| r.index_name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.index_name())
    }
}

/// A CRL reason code as `openssl ca` writes it in `index.txt` and `list`
/// reports it (RFC 5280 5.3.1).
pub fn reason_name(code: u8) -> &'static str {
    match code {
        0 => "unspecified",
        1 => "keyCompromise",
        2 => "CACompromise",
        3 => "affiliationChanged",
        4 => "superseded",
        5 => "cessationOfOperation",
        6 => "certificateHold",
        8 => "removeFromCRL",
        9 => "privilegeWithdrawn",
        10 => "AACompromise",
        _ => "unknown",
    }
}

/// What to revoke.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The certificate a server or user bundle holds, by bundle name.
    Bundle(String),
    /// A certificate by serial number.
    Serial(Serial),
}

/// A certificate just revoked: its index line as it now reads.
#[derive(Clone, Debug)]
pub struct Revoked {
    pub entry: Entry,
    pub revoked_at: OffsetDateTime,
    pub reason: Reason,
}

/// Marks a certificate revoked in the index at `now`. Everything is checked
/// under the lock before the index is written: an unknown name or serial, or
/// a certificate already revoked, leaves the index as it was.
pub fn revoke(
    store: &Store,
    target: &Target,
    reason: Reason,
    now: OffsetDateTime,
) -> Result<Revoked> {
    if !store.has_ca() {
        return Err(Error::NoCa(store.root().to_path_buf()));
    }
    let lock = store.lock()?;
    let mut index = lock.read_index()?;
    let serial = match target {
        Target::Serial(s) => s.clone(),
        Target::Bundle(name) => bundle_serial(store, name)?,
    };
    let pos = find(&index, &serial).ok_or_else(|| Error::NotInIndex(serial.clone()))?;
    let entry = &mut index.entries[pos];
    if entry.status == Status::Revoked {
        let revocation = entry.revocation();
        return Err(Error::AlreadyRevoked {
            serial,
            at: revocation.map(|(at, _)| at),
            reason: revocation.and_then(|(_, r)| r).map(str::to_string),
        });
    }
    entry.status = Status::Revoked;
    entry.revoked = format!("{},{}", format_asn1_time(now), reason.index_name());
    let entry = entry.clone();
    lock.write_index(&index)?;
    Ok(Revoked {
        entry,
        revoked_at: now,
        reason,
    })
}

/// Marks the valid certificate `serial` revoked with reason superseded, as
/// `openssl ca` records a replaced certificate; anything else is left as is.
pub fn supersede(index: &mut Index, serial: &Serial, now: OffsetDateTime) {
    if let Some(pos) = find(index, serial) {
        let entry = &mut index.entries[pos];
        if entry.status == Status::Valid {
            entry.status = Status::Revoked;
            entry.revoked = format!(
                "{},{}",
                format_asn1_time(now),
                Reason::Superseded.index_name()
            );
        }
    }
}

/// [`supersede`] for many serials in one pass over the index.
pub fn supersede_all(
    index: &mut Index,
    serials: &std::collections::HashSet<Serial>,
    now: OffsetDateTime,
) {
    if serials.is_empty() {
        return;
    }
    let revoked = format!(
        "{},{}",
        format_asn1_time(now),
        Reason::Superseded.index_name()
    );
    for entry in &mut index.entries {
        if entry.status == Status::Valid && serials.contains(&entry.serial) {
            entry.status = Status::Revoked;
            entry.revoked = revoked.clone();
        }
    }
}

fn find(index: &Index, serial: &Serial) -> Option<usize> {
    if !index.contains(serial) {
        return None;
    }
    index.entries.iter().position(|e| e.serial == *serial)
}

/// The serial of the certificate in `servers/NAME` or `users/NAME`; a name
/// found in both is ambiguous.
fn bundle_serial(store: &Store, name: &str) -> Result<Serial> {
    crate::issue::check_bundle_name(name)?;
    let found: Vec<Kind> = [Kind::Server, Kind::User]
        .into_iter()
        .filter(|k| std::fs::symlink_metadata(store.path(&rel_dir(*k, name))).is_ok())
        .collect();
    match found.as_slice() {
        [] => Err(Error::NoSuchBundle(name.to_string())),
        [kind] => {
            let leaf = crate::issue::existing_leaf(store, *kind, name)?;
            Ok(leaf.issued.cert.serial)
        }
        _ => Err(Error::AmbiguousBundle(name.to_string())),
    }
}

fn rel_dir(kind: Kind, name: &str) -> String {
    match kind {
        Kind::Server => Store::server_rel(name),
        Kind::User => Store::user_rel(name),
    }
}

/// The serials of the bundles called `name`, for a hint when it is ambiguous.
pub fn bundle_serials(store: &Store, name: &str) -> Vec<(&'static str, Serial)> {
    [(Kind::Server, "servers"), (Kind::User, "users")]
        .into_iter()
        .filter_map(|(kind, dir)| {
            let leaf = crate::issue::existing_leaf(store, kind, name).ok()?;
            Some((dir, leaf.issued.cert.serial))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_spelled_as_openssl_writes_them_and_read_in_either_spelling() {
        let written: Vec<&str> = Reason::ALL.iter().map(|r| r.index_name()).collect();
        assert_eq!(
            written,
            [
                "unspecified",
                "keyCompromise",
                "CACompromise",
                "affiliationChanged",
                "superseded",
                "cessationOfOperation"
            ]
        );
        for r in Reason::ALL {
            assert_eq!(Reason::from_name(r.rfc_name()), Some(r));
            assert_eq!(Reason::from_name(r.index_name()), Some(r));
            assert_eq!(reason_name(r.code()), r.index_name());
            assert_eq!(serde_json::to_value(r).unwrap(), r.index_name());
        }
        assert_eq!(Reason::CaCompromise.rfc_name(), "caCompromise");
        assert_eq!(
            Reason::from_name("KEYCOMPROMISE"),
            Some(Reason::KeyCompromise)
        );
        assert_eq!(Reason::from_name("certificateHold"), None);
    }
}
