//! Running a POSIX shell script on another machine through the system's
//! `ssh` client, so that the operator's ssh_config, agent, known_hosts,
//! ProxyJump and connection sharing apply.
//!
//! The script travels as the remote command (it holds no secret); the
//! files, the private key among them, travel on ssh's standard input, so
//! no key is ever in the argument list or the environment of a process
//! on either machine.
//!
//! Every session to a host rides one connection (OpenSSH's ControlMaster),
//! kept open for a while after the last one, as Ansible does: a rollout's
//! probe, transaction and reload, and the status or rollout run next, pay
//! for one key exchange per host instead of one per session. Where the
//! operator's ssh_config already shares connections, theirs is used.

use std::collections::HashMap;
use std::io::{Read, Seek, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

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
    /// certgen's own connection sharing, when on.
    sharing: Option<Sharing>,
}

/// One shared connection per host: where the control sockets live, how
/// long a connection stays open after its last session, and, per host, what
/// the operator's ssh_config says.
#[derive(Clone, Debug)]
struct Sharing {
    /// `~/.ssh`; the sockets go in its `certgen` directory, made when a
    /// session first needs it.
    home_ssh: PathBuf,
    persist_secs: u64,
    /// `ssh -G` of each destination: whether the operator's own
    /// configuration shares connections to it (a ControlPath, or a
    /// ControlMaster other than `no`, which `ssh -G` shows as the default).
    configured: Arc<Mutex<HashMap<Destination, bool>>>,
}

/// A host as ssh is given it: `[USER@]HOST` and the port.
type Destination = (String, Option<u16>);

/// The longest control socket path certgen uses: a Unix socket's path has
/// room for 107 bytes, and ssh appends a suffix while it sets one up.
const MAX_SOCKET_PATH: usize = 90;

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
            sharing: None,
        })
    }

    /// Shares one connection per host among certgen's sessions, kept open
    /// `persist_secs` seconds after the last one (0: sharing off), with the
    /// control sockets in `~/.ssh/certgen`, made 0700 when a session first
    /// needs it (and `~/.ssh` with it, as ssh makes it). Off, silently,
    /// where that directory cannot be the user's own and private, or where
    /// its path is one ssh's options cannot carry; sessions then connect
    /// one by one.
    pub fn sharing(mut self, persist_secs: u64) -> Ssh {
        self.sharing = (persist_secs > 0)
            .then(|| std::env::var_os("HOME"))
            .flatten()
            .map(|home| Sharing {
                home_ssh: Path::new(&home).join(".ssh"),
                persist_secs,
                configured: Arc::default(),
            });
        self
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
        if let Some((sharing, dir)) = self
            .sharing
            .as_ref()
            .filter(|s| !self.configured(s, target))
            .and_then(|s| Some((s, socket_dir(&s.home_ssh)?)))
        {
            cmd.args([
                "-o".into(),
                "ControlMaster=auto".into(),
                "-o".into(),
                format!("ControlPath={dir}/%C"),
                "-o".into(),
                format!("ControlPersist={}", sharing.persist_secs),
            ]);
        }
        cmd.arg("--").arg(target.destination()).arg(remote);
        // ssh's standard error goes to an unnamed file, not a pipe: the
        // connection a session leaves open for the next (ControlPersist)
        // keeps it open in OpenSSH before 8.5, and a pipe would not end
        // until that connection does.
        let failed = |reason: String| Error::Ssh {
            target: target.to_string(),
            reason,
        };
        let no_file =
            |e: std::io::Error| failed(format!("cannot make a file for ssh's messages: {e}"));
        let err_file = unnamed_file().map_err(no_file)?;
        let err_for_ssh = err_file.try_clone().map_err(no_file)?;
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(err_for_ssh));
        let mut child = cmd
            .spawn()
            .map_err(|e| failed(format!("cannot run {}: {e}", self.program[0])))?;
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(failed("ssh started without its standard streams".into()));
        };
        let out = std::thread::spawn(move || read_capped(stdout));
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
        let err = {
            let mut f = &err_file;
            let _ = f.seek(std::io::SeekFrom::Start(0));
            read_capped(f)
        };
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

impl Ssh {
    /// Whether the operator's ssh_config sets connection sharing for
    /// `target` (ControlMaster or ControlPath), asked once per destination
    /// with `ssh -G`, which reads the configuration without connecting. A
    /// client that cannot answer counts as configured: nothing is added.
    fn configured(&self, sharing: &Sharing, target: &SshTarget) -> bool {
        let key = (target.destination().to_string(), target.port);
        let known = |k: &Destination| {
            let map = sharing.configured.lock().unwrap_or_else(|e| e.into_inner());
            map.get(k).copied()
        };
        if let Some(c) = known(&key) {
            return c;
        }
        // Asked without the lock: the hosts of a rollout ask at once.
        let mut cmd = Command::new(&self.program[0]);
        cmd.args(&self.program[1..]).arg("-G");
        if let Some(port) = target.port {
            cmd.args(["-p", &port.to_string()]);
        }
        cmd.arg("--").arg(target.destination());
        let configured = match cmd.stdin(Stdio::null()).stderr(Stdio::null()).output() {
            Ok(out) if out.status.success() => {
                String::from_utf8_lossy(&out.stdout).lines().any(|l| {
                    let l = l.to_ascii_lowercase();
                    l.starts_with("controlpath ")
                        || (l.starts_with("controlmaster ") && l != "controlmaster false")
                })
            }
            _ => true,
        };
        sharing
            .configured
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, configured);
        configured
    }
}

/// `~/.ssh/certgen` as ssh's options carry it, when it is (or is made) a
/// directory of this user that no one else may enter, in a `~/.ssh` that
/// only the user may change, and short enough for a control socket: a
/// value of `-o` is split at blanks and expands `%`, so a path with those,
/// quotes or backslashes gets no sharing.
fn socket_dir(home_ssh: &Path) -> Option<String> {
    let dir = home_ssh.join("certgen");
    let text = dir.to_str()?;
    let plain = !text
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, '%' | '"' | '\'' | '\\'));
    if !plain || text.len() + 41 > MAX_SOCKET_PATH {
        return None;
    }
    let me = rustix::process::geteuid().as_raw();
    let made = |dir: &Path, refused: u32| {
        match std::fs::DirBuilder::new().mode(0o700).create(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(_) => return false,
        }
        std::fs::symlink_metadata(dir)
            .is_ok_and(|m| m.is_dir() && m.uid() == me && m.mode() & refused == 0)
    };
    (made(home_ssh, 0o022) && made(&dir, 0o077)).then(|| text.to_string())
}

/// A file with no name, gone when closed.
fn unnamed_file() -> std::io::Result<std::fs::File> {
    let fd = rustix::fs::memfd_create("certgen-ssh", rustix::fs::MemfdFlags::CLOEXEC)?;
    Ok(std::fs::File::from(fd))
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_socket_directory_is_made_private_and_refused_where_ssh_cannot_take_it() {
        let tmp = tempfile::tempdir().unwrap();
        let home_ssh = tmp.path().join(".ssh");
        let dir = socket_dir(&home_ssh).expect("made");
        assert_eq!(dir, home_ssh.join("certgen").to_str().unwrap());
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&home_ssh), 0o700);
        assert_eq!(mode(Path::new(&dir)), 0o700);

        // A ~/.ssh others may change, a certgen directory others may enter.
        std::fs::set_permissions(&home_ssh, std::fs::Permissions::from_mode(0o775)).unwrap();
        assert_eq!(socket_dir(&home_ssh), None);
        std::fs::set_permissions(&home_ssh, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(
            socket_dir(&home_ssh).is_some(),
            "0755 is how many keep ~/.ssh"
        );
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o750)).unwrap();
        assert_eq!(socket_dir(&home_ssh), None);

        // Paths ssh's -o would split or expand.
        for odd in ["a b", "100%", "it's", "back\\slash"] {
            let home = tmp.path().join(odd).join(".ssh");
            std::fs::create_dir_all(home.parent().unwrap()).unwrap();
            assert_eq!(socket_dir(&home), None, "{odd}");
            assert!(!home.exists(), "{odd}: nothing made");
        }
    }
}
