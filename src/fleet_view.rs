//! `status --inventory`: what each host of an inventory holds and serves,
//! beside what the PKI holds. Each host's bundle is looked at read-only over
//! SSH (the certificate file there, and whether a deployment would change
//! anything), and a host with a database to confirm is asked which
//! certificate it serves. What is behind becomes a flag on the bundle's
//! row, so that the status's problems and exit code count it: "deploy
//! needed", "reload needed", "serves a revoked certificate".

use std::sync::Mutex;

use time::OffsetDateTime;

use crate::cert::CertSummary;
use crate::expiry::Level;
use crate::index::Index;
use crate::kind::Kind;
use crate::remote::{self, Options};
use crate::rollout::Host;
use crate::ssh::{self, Ssh};
use crate::status::{PkiStatus, Verdict};
use crate::store::Store;

/// One bundle on one host.
#[derive(Clone, Debug)]
pub struct HostRow {
    pub host: String,
    pub kind: Kind,
    pub name: String,
    /// The serial of the certificate in the host's directory.
    pub deployed: Option<String>,
    /// The serial the host's server serves (server bundles of a host with
    /// a database to confirm).
    pub served: Option<String>,
    /// OK, or what is behind.
    pub verdict: Verdict,
}

/// Looks at every host (a few at a time), adds what is behind to the
/// bundle rows of `pki`, and returns a row per host and bundle.
pub fn look(
    store: &Store,
    ssh: &Ssh,
    hosts: &[Host],
    pki: &mut PkiStatus,
    connect: &Options,
    now: OffsetDateTime,
) -> Vec<HostRow> {
    let index = Index::load(&store.index()).ok();
    let rows = Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..8.min(hosts.len()) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(host) = hosts.get(i) else { break };
                    let found = one_host(store, ssh, host, index.as_ref(), connect, now);
                    rows.lock().unwrap_or_else(|e| e.into_inner()).extend(found);
                }
            });
        }
    });
    let mut rows = rows.into_inner().unwrap_or_else(|e| e.into_inner());
    rows.sort_by(|a, b| (&a.host, &a.name).cmp(&(&b.host, &b.name)));
    for r in &rows {
        if r.verdict.level == Level::Ok {
            continue;
        }
        if let Some(row) = pki
            .bundles
            .iter_mut()
            .find(|b| b.id.kind == r.kind && b.id.name == r.name)
        {
            row.flags.push(r.verdict.clone());
        }
    }
    rows
}

fn one_host(
    store: &Store,
    ssh: &Ssh,
    host: &Host,
    index: Option<&Index>,
    connect: &Options,
    now: OffsetDateTime,
) -> Vec<HostRow> {
    // What the server serves, asked once per host.
    let served = host.confirm.as_ref().map(|endpoint| {
        remote::fetch(endpoint, connect)
            .map_err(|f| f.to_string())
            .and_then(|s| {
                let what = endpoint.to_string();
                s.chain
                    .first()
                    .ok_or_else(|| "the server sent no certificate".to_string())
                    .and_then(|leaf| {
                        CertSummary::from_der(&what, leaf, false).map_err(|e| e.to_string())
                    })
            })
    });
    let mut rows = Vec::new();
    for b in &host.bundles {
        let req = b.request(true);
        let mut row = HostRow {
            host: host.name.clone(),
            kind: b.kind,
            name: b.name.clone(),
            deployed: None,
            served: None,
            verdict: Verdict::new(Level::Ok, format!("{}: up to date", host.name)),
        };
        let look = match ssh::deliver(store, ssh, &req, now) {
            Ok(look) => look,
            Err(e) => {
                row.verdict =
                    Verdict::new(Level::Unknown, format!("{}: cannot look: {e}", host.name));
                rows.push(row);
                continue;
            }
        };
        let current = look.certificate.serial.to_string();
        row.deployed = look.found.as_ref().map(|c| c.serial.to_string());
        let dir = &b.to.dir;
        if look.changed {
            row.verdict = Verdict::warning(match &row.deployed {
                Some(s) if *s != current => format!(
                    "{}: deploy needed: {dir} holds serial {s}, the bundle {current}",
                    host.name
                ),
                Some(_) => format!(
                    "{}: deploy needed: {dir} differs from the bundle (files, owner or mode)",
                    host.name
                ),
                None => format!("{}: deploy needed: nothing deployed in {dir}", host.name),
            });
        }
        if b.kind == Kind::Server {
            match &served {
                Some(Ok(cert)) => {
                    let serial = cert.serial.to_string();
                    row.served = Some(serial.clone());
                    let revoked = index.is_some_and(|i| {
                        i.entries.iter().any(|e| {
                            e.serial == cert.serial
                                && e.revocation().is_some()
                                && !e.is_superseded()
                        })
                    });
                    if revoked {
                        row.verdict = Verdict::new(
                            Level::Critical,
                            format!(
                                "{}: serves a revoked certificate (serial {serial})",
                                host.name
                            ),
                        );
                    } else if serial != current && !look.changed {
                        row.verdict = Verdict::warning(format!(
                            "{}: reload needed: serves serial {serial}, {dir} holds {current}",
                            host.name
                        ));
                    }
                }
                Some(Err(why)) => {
                    row.verdict = Verdict::new(
                        Level::Unknown,
                        format!("{}: cannot ask the server what it serves: {why}", host.name),
                    );
                }
                None => {}
            }
        }
        rows.push(row);
    }
    rows
}
