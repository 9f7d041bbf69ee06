//! Making the server on the target serve what was deployed: the reload
//! command run there, then a TLS connection to the server (the
//! `check-expiry --connect` machinery) until it serves the deployed
//! certificate or the time is up.

use std::time::{Duration, Instant};

use super::session::Ssh;
use super::target::SshTarget;
use crate::cert::CertSummary;
use crate::error::{Error, Result};
use crate::remote::{self, Options, Target};

/// Runs the reload `command` on the target (`sh -c`), or on this machine
/// when `target` is `None`. Returns what it printed; a failure, there or
/// here, is the reload's.
pub fn run(ssh: &Ssh, target: Option<&SshTarget>, command: &str) -> Result<String> {
    match target {
        Some(t) => ssh
            .run(t, command, &[], None, &[])
            .map_err(|e| Error::ReloadFailed {
                command: command.to_string(),
                reason: e.to_string(),
            }),
        None => {
            let out = std::process::Command::new("sh")
                .args(["-c", command])
                .stdin(std::process::Stdio::null())
                .output()
                .map_err(|e| Error::ReloadFailed {
                    command: command.to_string(),
                    reason: e.to_string(),
                })?;
            if out.status.success() {
                Ok(String::from_utf8_lossy(&out.stdout).into_owned())
            } else {
                let err = String::from_utf8_lossy(&out.stderr);
                Err(Error::ReloadFailed {
                    command: command.to_string(),
                    reason: err
                        .lines()
                        .rev()
                        .find(|l| !l.trim().is_empty())
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("exit status {}", out.status)),
                })
            }
        }
    }
}

/// The server to confirm when none is named: `host` (the ssh target's)
/// at the database's own port, the protocol by that port.
pub fn default_endpoint(host: &str, db: crate::db::Database) -> Target {
    Target {
        host: host.to_string(),
        port: db.default_port(),
        protocol: None,
    }
}

/// What the endpoint served when it was confirmed.
#[derive(Clone, Debug)]
pub struct Confirmed {
    pub endpoint: String,
    pub serial: String,
    /// How many connections it took.
    pub attempts: u32,
}

/// Connects to `endpoint` until it serves `deployed`'s serial, for at most
/// `within`; a server that keeps serving another certificate fails with
/// "still serves serial X", one that cannot be reached with why.
pub fn confirm(
    endpoint: &Target,
    opts: &Options,
    deployed: &CertSummary,
    within: Duration,
) -> Result<Confirmed> {
    let started = Instant::now();
    let mut attempts = 0;
    loop {
        attempts += 1;
        let last = match remote::fetch(endpoint, opts) {
            Ok(served) => match served.chain.first() {
                Some(leaf) => {
                    let what = endpoint.to_string();
                    let summary = CertSummary::from_der(&what, leaf, false)?;
                    if summary.serial == deployed.serial {
                        return Ok(Confirmed {
                            endpoint: endpoint.to_string(),
                            serial: summary.serial.to_string(),
                            attempts,
                        });
                    }
                    Error::StillServing {
                        endpoint: endpoint.to_string(),
                        served: summary.serial.to_string(),
                        deployed: deployed.serial.to_string(),
                    }
                }
                None => Error::ConfirmFailed {
                    endpoint: endpoint.to_string(),
                    reason: "the server sent no certificate".into(),
                },
            },
            Err(failure) => Error::ConfirmFailed {
                endpoint: endpoint.to_string(),
                reason: failure.to_string(),
            },
        };
        if started.elapsed() >= within {
            return Err(last);
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}
