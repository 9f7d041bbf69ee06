//! Revoking certificates: the index line becomes `R` with the revocation
//! date and reason exactly as `openssl ca -revoke -crl_reason` writes them,
//! so `openssl ca -status` and `openssl ca -gencrl` read what certgen wrote.

use time::OffsetDateTime;

use crate::bundle::{find, read_leaf};
use crate::error::{Error, Result};
use crate::index::{Entry, Reason, Status};
use crate::serial::Serial;
use crate::store::Store;

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
        Target::Bundle(name) => {
            let id = find(store, None, name)?;
            read_leaf(store, id.kind, &id.name)?.issued.cert.serial
        }
    };
    let pos = index
        .position(&serial)
        .ok_or_else(|| Error::NotInIndex(serial.clone()))?;
    let entry = &mut index.entries[pos];
    if entry.status == Status::Revoked {
        let revocation = entry.revocation();
        return Err(Error::AlreadyRevoked {
            serial,
            at: revocation.map(|(at, _)| at),
            reason: revocation.and_then(|(_, r)| r).map(str::to_string),
        });
    }
    entry.mark_revoked(reason, now);
    let entry = entry.clone();
    lock.write_index(&index)?;
    Ok(Revoked {
        entry,
        revoked_at: now,
        reason,
    })
}
