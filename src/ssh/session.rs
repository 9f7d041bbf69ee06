//! Running a POSIX shell script on another machine through the system's
//! `ssh` client, so that the operator's ssh_config, agent, known_hosts,
//! ProxyJump and connection sharing apply.
//!
//! The script travels as the remote command (it holds no secret); the
//! files, the private key among them, travel on ssh's standard input, so
//! no key is ever in the argument list or the environment of a process
//! on either machine.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use super::target::SshTarget;
use crate::error::{Error, Result};

/// The most a remote script may print: a probe of a directory prints a few
/// hundred bytes; anything far larger is not certgen's script answering.
const MAX_OUTPUT: u64 = 1 << 20;

/// The ssh client and its options.
#[derive(Clone, Debug)]
pub struct Ssh {
    /// The program and its own arguments (`ssh -F ./ssh_config`), as
    /// rsync's `-e` and `GIT_SSH_COMMAND` take them.
    pub program: Vec<String>,
    /// `BatchMode=yes` unless the operator asked to be prompted: cron never
    /// waits on a password or host-key question.
    pub batch: bool,
}

impl Ssh {
    /// `command` split as a POSIX shell splits words: `ssh -F 'my config'`.
    pub fn from_command(command: &str) -> Result<Ssh> {
        let program = shlex::split(command)
            .filter(|p| !p.is_empty())
            .ok_or_else(|| Error::InvalidName {
                what: "ssh command",
                value: command.to_string(),
                reason: "expected a program and its options, quoted as in a shell".into(),
            })?;
        Ok(Ssh {
            program,
            batch: true,
        })
    }

    /// Runs `script` with `args` under `sh -c` on `target`'s machine, as
    /// `as_user` there when given (through runuser, for root acting as the
    /// owner of a directory), feeding it `input`. Returns what it printed
    /// on standard output, once it exited 0 or 3 (a refusal it explained
    /// on standard output).
    pub fn run(
        &self,
        target: &SshTarget,
        script: &str,
        args: &[&str],
        as_user: Option<&str>,
        input: &[&[u8]],
    ) -> Result<String> {
        let mut remote = Vec::new();
        if let Some(user) = as_user {
            remote.extend(["runuser", "-u", user, "--"]);
        }
        remote.extend(["sh", "-c", script, "certgen"]);
        remote.extend(args);
        let remote = shlex::try_join(remote).map_err(|_| Error::InvalidName {
            what: "deployment directory",
            value: target.dir.clone(),
            reason: "holds a character a shell cannot quote".into(),
        })?;
        let mut cmd = Command::new(&self.program[0]);
        cmd.args(&self.program[1..]);
        if self.batch {
            cmd.args(["-o", "BatchMode=yes"]);
        }
        cmd.args([
            "-o",
            "ConnectTimeout=15",
            "-o",
            "ServerAliveInterval=15",
            "-o",
            "ServerAliveCountMax=3",
        ]);
        if let Some(port) = target.port {
            cmd.args(["-p", &port.to_string()]);
        }
        cmd.arg("--").arg(target.destination()).arg(remote);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let failed = |reason: String| Error::Ssh {
            target: target.to_string(),
            reason,
        };
        let mut child = cmd
            .spawn()
            .map_err(|e| failed(format!("cannot run {}: {e}", self.program[0])))?;
        let (Some(mut stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(failed("ssh started without its standard streams".into()));
        };
        let out = std::thread::spawn(move || read_capped(stdout));
        let err = std::thread::spawn(move || read_capped(stderr));
        // A remote side that stopped reading (it refused, or the connection
        // ended) shows in its exit status and output, not in this write.
        for part in input {
            if stdin.write_all(part).is_err() {
                break;
            }
        }
        drop(stdin);
        let status = child.wait().map_err(|e| failed(e.to_string()))?;
        let out = out.join().unwrap_or_default();
        let err = err.join().unwrap_or_default();
        if let Some(reason) = out.lines().find_map(|l| l.strip_prefix("error ")) {
            return Err(Error::RemoteRefused {
                target: target.to_string(),
                reason: reason.to_string(),
            });
        }
        match status.code() {
            Some(0) => Ok(out),
            Some(255) => Err(failed(last_line(&err, "the connection failed"))),
            Some(code) => Err(failed(last_line(
                &err,
                &format!("the remote shell exited with status {code}"),
            ))),
            None => Err(failed("ssh was killed by a signal".into())),
        }
    }
}

fn read_capped(from: impl Read) -> String {
    let mut text = String::new();
    let _ = from.take(MAX_OUTPUT).read_to_string(&mut text);
    text
}

/// The last non-empty line of ssh's standard error (what ssh or the remote
/// shell said went wrong), else `otherwise`.
fn last_line(err: &str, otherwise: &str) -> String {
    err.lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| l.chars().filter(|c| !c.is_control()).collect())
        .unwrap_or_else(|| otherwise.to_string())
}
