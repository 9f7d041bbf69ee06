//! Rolling bundles out to a fleet: each host gets what changed, then its
//! database's reload, then a connection confirms what it serves. A canary
//! goes alone first; the rest run a few at a time; the first failure stops
//! hosts not yet started, which are left untouched.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use time::OffsetDateTime;

use super::inventory::Host;
use crate::error::{Error, Result};
use crate::remote::Options;
use crate::ssh::{self, Ssh};
use crate::store::Store;

/// How to roll out.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Hosts that go alone, one after another, before the rest.
    pub canary: usize,
    /// Hosts at once after the canaries.
    pub parallel: usize,
    /// Look and report what would change; write nothing, reload nothing.
    pub dry_run: bool,
    /// Reload each changed host's database and confirm what it serves;
    /// false delivers the files only (a first delivery, before the servers
    /// are set up to read them).
    pub reload: bool,
    /// How long a confirmation waits for the server.
    pub confirm_within: Duration,
    pub connect: Options,
}

/// What happened on one host.
#[derive(Clone, Debug)]
pub struct HostOutcome {
    pub host: String,
    pub state: State,
    /// Per bundle: (kind noun, name, serial, whether it changed).
    pub bundles: Vec<(&'static str, String, String, bool)>,
    pub reloaded: Option<String>,
    /// The serial the server was confirmed to serve.
    pub confirmed: Option<String>,
    pub error: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Everything was already there (and the server serves it).
    UpToDate,
    /// Files were deployed (and the database reloaded and confirmed).
    Deployed,
    /// The files were already there, but the server served another
    /// certificate (an earlier run delivered them without a reload, or was
    /// stopped before it): the database was reloaded and confirmed.
    Reloaded,
    /// `--dry-run`: files would be deployed.
    WouldDeploy,
    /// `--dry-run`: the files are there, but the server serves another
    /// certificate; its database would be reloaded.
    WouldReload,
    Failed,
    /// Not started: an earlier host failed.
    NotReached,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::UpToDate => "up-to-date",
            State::Deployed => "deployed",
            State::Reloaded => "reloaded",
            State::WouldDeploy => "would-deploy",
            State::WouldReload => "would-reload",
            State::Failed => "failed",
            State::NotReached => "not-reached",
        }
    }
}

/// Rolls out to `hosts` in order: the first `canary` alone, the others
/// `parallel` at a time. `progress` is called as each host finishes.
pub fn rollout(
    store: &Store,
    ssh: &Ssh,
    hosts: &[Host],
    settings: &Settings,
    now: OffsetDateTime,
    progress: &(dyn Fn(&HostOutcome) + Sync),
) -> Vec<HostOutcome> {
    let results: Mutex<Vec<Option<HostOutcome>>> = Mutex::new(vec![None; hosts.len()]);
    let failed = AtomicBool::new(false);
    let run_one = |i: usize| {
        let outcome = one_host(store, ssh, &hosts[i], settings, now);
        if outcome.state == State::Failed {
            failed.store(true, Ordering::SeqCst);
        }
        progress(&outcome);
        results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(outcome);
    };
    let canary = settings.canary.min(hosts.len());
    for i in 0..canary {
        if failed.load(Ordering::SeqCst) {
            break;
        }
        run_one(i);
    }
    let next = AtomicUsize::new(canary);
    std::thread::scope(|s| {
        for _ in 0..settings.parallel.max(1) {
            s.spawn(|| {
                loop {
                    if failed.load(Ordering::SeqCst) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= hosts.len() {
                        break;
                    }
                    run_one(i);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .zip(hosts)
        .map(|(r, h)| {
            r.unwrap_or_else(|| HostOutcome {
                host: h.name.clone(),
                state: State::NotReached,
                bundles: Vec::new(),
                reloaded: None,
                confirmed: None,
                error: None,
            })
        })
        .collect()
}

/// What a host's server serves, looked at once before a reload.
#[derive(PartialEq, Eq)]
enum Served {
    /// The deployed certificate, of this serial.
    Deployed(String),
    /// Another certificate.
    Another,
    /// Not looked at, or no answer.
    Unknown,
}

fn one_host(
    store: &Store,
    ssh: &Ssh,
    host: &Host,
    settings: &Settings,
    now: OffsetDateTime,
) -> HostOutcome {
    let mut out = HostOutcome {
        host: host.name.clone(),
        state: State::UpToDate,
        bundles: Vec::new(),
        reloaded: None,
        confirmed: None,
        error: None,
    };
    if let Err(e) = deploy_host(store, ssh, host, settings, now, &mut out) {
        out.state = State::Failed;
        out.error = Some(e.to_string());
    }
    out
}

fn deploy_host(
    store: &Store,
    ssh: &Ssh,
    host: &Host,
    settings: &Settings,
    now: OffsetDateTime,
    out: &mut HostOutcome,
) -> Result<()> {
    let mut changed = false;
    let mut served_bundle = None;
    for b in &host.bundles {
        let req = b.request(settings.dry_run);
        let done = ssh::deliver(store, ssh, &req, now)?;
        changed |= done.changed;
        out.bundles.push((
            b.kind.noun(),
            b.name.clone(),
            done.certificate.serial.to_string(),
            done.changed,
        ));
        if b.kind == crate::kind::Kind::Server && served_bundle.is_none() {
            served_bundle = Some(done.certificate);
        }
    }
    // Files already there are not always served: an earlier run may have
    // delivered them without a reload (`--no-reload`), or been stopped
    // before it. One look at the server tells.
    let served = match (&host.confirm, &served_bundle) {
        (Some(endpoint), Some(cert)) if !changed && settings.reload => {
            match ssh::confirm(endpoint, &settings.connect, cert, Duration::ZERO) {
                Ok(c) => Served::Deployed(c.serial),
                Err(Error::StillServing { .. }) => Served::Another,
                Err(_) => Served::Unknown,
            }
        }
        _ => Served::Unknown,
    };
    let stale = served == Served::Another && host.database.is_some();
    if settings.dry_run {
        out.state = if changed {
            State::WouldDeploy
        } else if stale {
            State::WouldReload
        } else {
            State::UpToDate
        };
        return Ok(());
    }
    if changed {
        out.state = State::Deployed;
    }
    if !settings.reload {
        return Ok(());
    }
    if (changed || stale)
        && let Some(db) = host.database
    {
        let command = host
            .reload_command
            .as_deref()
            .unwrap_or(db.reload_command());
        ssh::reload::run(ssh, Some(&host.ssh), command)?;
        out.reloaded = Some(command.to_string());
        if stale {
            out.state = State::Reloaded;
        }
    }
    out.confirmed = match served {
        // Nothing was reloaded: the look above was the confirmation.
        Served::Deployed(serial) => Some(serial),
        _ => match (&host.confirm, &served_bundle) {
            (Some(endpoint), Some(cert)) => Some(
                ssh::confirm(endpoint, &settings.connect, cert, settings.confirm_within)?.serial,
            ),
            _ => None,
        },
    };
    Ok(())
}
