//! When a CRL file is due to be written anew (`crl --within`): a CA that
//! must have a CRL has none in it, a CRL's nextUpdate falls within the
//! window, a CRL does not list a certificate revoked since, lists one it
//! should not, or lists one whose key was since found compromised with
//! another reason. Otherwise writing it would change nothing but the dates, and
//! nothing is written.
//!
//! A certificate a renewal superseded is not due by itself: it is listed
//! when the CRL is next written. Listed at once, it would be refused while
//! the renewed bundles are on their way to the servers and clients (by a
//! server, a client's old certificate; by a client that checks the CRL, as
//! libpq does with `root.crl`, a server's).

use std::collections::HashSet;

use time::{Duration, OffsetDateTime};

use super::published::Published;
use super::scope::{Scope, Which};
use super::sign::listed;
use crate::index::Entry;
use crate::serial::Serial;

/// What the file must hold for one CA.
#[derive(Clone, Debug)]
pub struct Wanted<'a> {
    /// The CA's certificate, DER.
    pub ca: &'a [u8],
    pub issuer: &'a str,
    pub which: Which,
    /// The serials its CRL lists.
    pub serials: HashSet<Serial>,
    /// Those of `serials` a renewal superseded: not due by themselves.
    pub superseded: HashSet<Serial>,
    /// Those of `serials` revoked for keyCompromise: a CRL that lists one
    /// with another reason (a superseded certificate whose key leaked
    /// since) is due.
    pub key_compromised: HashSet<Serial>,
}

impl<'a> Wanted<'a> {
    /// What the file must hold for the CA certificate `ca` (DER; its
    /// subject `issuer`), which signs as `which`: a CRL listing the entries
    /// of `revoked` that `scope` gives it.
    pub fn of(
        ca: &'a [u8],
        issuer: &'a str,
        which: Which,
        revoked: &[Entry],
        scope: &Scope,
    ) -> Wanted<'a> {
        Wanted {
            ca,
            issuer,
            which,
            serials: listed(revoked, scope, which),
            superseded: revoked
                .iter()
                .filter(|e| e.is_superseded())
                .map(|e| e.serial.clone())
                .collect(),
            key_compromised: revoked
                .iter()
                .filter(|e| e.is_key_compromised())
                .map(|e| e.serial.clone())
                .collect(),
        }
    }
}

fn named(w: &Wanted<'_>) -> String {
    match w.which {
        Which::Current => format!("the CA {}", w.issuer),
        Which::Old => format!("the old CA {}", w.issuer),
    }
}

/// Why the file holding `existing` must be written anew at `now`, or `None`.
pub fn why_due(
    existing: &[Published],
    wanted: &[Wanted<'_>],
    now: OffsetDateTime,
    within: Duration,
) -> Option<String> {
    for w in wanted {
        let of: Vec<&Published> = existing.iter().filter(|p| p.signed_by(w.ca)).collect();
        let crl = match of.as_slice() {
            [] => return Some(format!("it holds no CRL of {}", named(w))),
            [one] => one,
            _ => return Some(format!("it holds several CRLs of {}", named(w))),
        };
        if crl.this_update > now {
            let when = crate::rfc3339::format(crl.this_update);
            return Some(format!(
                "the CRL of {} is not valid before {when}",
                named(w)
            ));
        }
        if let Some(next) = crl.next_update
            && next - now <= within
        {
            let when = crate::rfc3339::format(next);
            let verb = if next < now { "passed" } else { "falls" };
            return Some(format!(
                "the next update of the CRL of {} {verb} on {when}, within {}",
                named(w),
                crate::duration::format_duration(within)
            ));
        }
        let missing = w
            .serials
            .difference(&crl.serials)
            .filter(|s| !w.superseded.contains(*s))
            .count();
        if missing > 0 {
            return Some(format!(
                "the CRL of {} does not list {missing} revoked certificate{}",
                named(w),
                if missing == 1 { "" } else { "s" }
            ));
        }
        let unmarked = w
            .key_compromised
            .intersection(&crl.serials)
            .filter(|s| !crl.key_compromised.contains(*s))
            .count();
        if unmarked > 0 {
            return Some(format!(
                "the CRL of {} lists {unmarked} certificate{} with another reason than keyCompromise, which the index records since",
                named(w),
                if unmarked == 1 { "" } else { "s" }
            ));
        }
        let extra = crl.serials.difference(&w.serials).count();
        if extra > 0 {
            return Some(format!(
                "the CRL of {} lists {extra} certificate{} it should not",
                named(w),
                if extra == 1 { "" } else { "s" }
            ));
        }
    }
    existing
        .iter()
        .find(|p| !wanted.iter().any(|w| p.signed_by(w.ca)))
        .map(|p| format!("it holds a CRL of {} that is not trusted now", p.issuer))
}
