//! `certgen deploy --to HOST:DIR` through a real OpenSSH server on
//! 127.0.0.1 (started here, as root, with its own host key and
//! authorized_keys): the files and their owner and modes there, a second
//! run that changes nothing, the archive of a replaced set, refusals that
//! write nothing, the private key never in a process's arguments or
//! environment on either side, runs killed at random moments, and
//! `--reload` with `--confirm` against a TLS server.

use crate::common::servers::{self, Kind as ServerKind};
use crate::common::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const EC: [&str; 2] = ["--key-type", "ecdsa-p256"];

/// An sshd on a free port of 127.0.0.1 for root, with an ssh_config that
/// names it `dbhost`. Killed when dropped.
struct Sshd {
    child: Child,
    config: PathBuf,
    log: PathBuf,
    /// sshd's own pid: under strace, the child is strace.
    pid_file: PathBuf,
}

impl Sshd {
    /// `None` (visibly skipped, or a failure under CI) without root or sshd.
    fn start(dir: &Path, trace: Option<&Path>) -> Option<Sshd> {
        Sshd::start_with(dir, trace, None)
    }

    /// With `only_there` (a user and group name): sshd runs in a mount
    /// namespace whose /etc/passwd and /etc/group also hold that user and
    /// group, so that they exist on the "target" and not where certgen runs.
    fn start_with(
        dir: &Path,
        trace: Option<&Path>,
        only_there: Option<(&str, u32)>,
    ) -> Option<Sshd> {
        if !need_root("an sshd that logs root in") {
            return None;
        }
        let sshd = Path::new("/usr/sbin/sshd");
        if !sshd.exists() {
            assert!(
                std::env::var_os("CI").is_none(),
                "sshd is required under CI"
            );
            eprintln!("SKIP: no /usr/sbin/sshd");
            return None;
        }
        let keygen = |name: &str| {
            let out = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                .arg(dir.join(name))
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
        };
        keygen("host_key");
        keygen("client_key");
        std::fs::copy(dir.join("client_key.pub"), dir.join("authorized_keys")).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        std::fs::create_dir_all("/run/sshd").unwrap();
        let d = dir.display();
        write(
            &dir.join("sshd_config"),
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\n\
                 AuthorizedKeysFile {d}/authorized_keys\nPasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n\
                 StrictModes no\nUsePAM no\nPidFile {d}/sshd.pid\nLogLevel VERBOSE\n"
            ),
        );
        let host_key = std::fs::read_to_string(dir.join("host_key.pub")).unwrap();
        write(
            &dir.join("known_hosts"),
            format!("[127.0.0.1]:{port} {host_key}"),
        );
        write(
            &dir.join("ssh_config"),
            format!(
                "Host dbhost\n  HostName 127.0.0.1\n  Port {port}\n  User root\n  \
                 IdentityFile {d}/client_key\n  IdentitiesOnly yes\n  \
                 UserKnownHostsFile {d}/known_hosts\n  StrictHostKeyChecking yes\n"
            ),
        );
        let log = dir.join("sshd.log");
        let mut cmd = match trace {
            Some(out) => {
                let mut c = Command::new("strace");
                c.args(["-f", "-v", "-s", "65536", "-e", "trace=execve", "-o"])
                    .arg(out)
                    .arg(sshd);
                c
            }
            None => match only_there {
                None => Command::new(sshd),
                Some((name, id)) => {
                    let passwd = std::fs::read_to_string("/etc/passwd").unwrap()
                        + &format!("{name}:x:{id}:{id}::/nonexistent:/usr/sbin/nologin\n");
                    let group = std::fs::read_to_string("/etc/group").unwrap()
                        + &format!("{name}:x:{id}:\n");
                    write(&dir.join("passwd"), passwd);
                    write(&dir.join("group"), group);
                    let d = dir.display();
                    let mut c = Command::new("unshare");
                    c.args(["-m", "--propagation", "private", "sh", "-c"]).arg(format!(
                        "mount --bind {d}/passwd /etc/passwd && mount --bind {d}/group /etc/group && exec \"$0\" \"$@\""
                    ));
                    c.arg(sshd);
                    c
                }
            },
        };
        let child = cmd
            .args(["-D", "-f"])
            .arg(dir.join("sshd_config"))
            .arg("-E")
            .arg(&log)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Some(Sshd {
            child,
            config: dir.join("ssh_config"),
            log,
            pid_file: dir.join("sshd.pid"),
        })
    }

    fn ssh_command(&self) -> String {
        format!("ssh -F {}", self.config.display())
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        if let Some(pid) = std::fs::read_to_string(&self.pid_file)
            .ok()
            .and_then(|p| p.trim().parse::<i32>().ok())
            .and_then(rustix::process::Pid::from_raw)
        {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("{}", std::fs::read_to_string(&self.log).unwrap_or_default());
        }
    }
}

/// A temporary directory with an sshd (see [`Sshd::start`]) and the PKI
/// of [`pki`].
fn with_pki() -> Option<(tempfile::TempDir, Sshd)> {
    let tmp = tempfile::tempdir().unwrap();
    let sshd = Sshd::start(tmp.path(), None)?;
    pki(tmp.path());
    Some((tmp, sshd))
}

/// A PKI in `dir/pki` with server `db1` and user `app`.
fn pki(dir: &Path) {
    ok(dir, &["init-ca", EC[0], EC[1]]);
    ok(
        dir,
        &["issue-server", "db1", "--san", "127.0.0.1", EC[0], EC[1]],
    );
    ok(dir, &["issue-client", "app", EC[0], EC[1]]);
}

/// A directory under a root-owned, not world-writable base (the refusals
/// of a directory others could write apply there too).
fn remote_base(dir: &Path) -> PathBuf {
    let base = dir.join("remote");
    std::fs::create_dir(&base).unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    base
}

fn deploy(dir: &Path, sshd: &Sshd, args: &[&str]) -> std::process::Output {
    let ssh = sshd.ssh_command();
    let mut all = vec!["deploy", "--ssh-command", ssh.as_str()];
    all.extend(args);
    run(dir, &all)
}

fn deploy_ok(dir: &Path, sshd: &Sshd, args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let out = deploy(dir, sshd, &all);
    assert!(out.status.success(), "deploy {args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The deployed certificate and key are a pair and the CA file verifies
/// the certificate, as openssl sees them.
fn whole_set(dir: &Path, to: &Path) -> String {
    let (cert, key, ca) = (
        to.join("server-cert.pem"),
        to.join("server-key.pem"),
        to.join("ca.pem"),
    );
    openssl_key_matches(dir, &key, &cert);
    openssl_verifies(dir, &ca, &cert);
    serial_of(&cert)
}

#[test]
fn deploys_as_the_directory_owner_then_changes_nothing_then_archives_the_replaced_set() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let Some(sshd) = Sshd::start(dir, None) else {
        return;
    };
    let (uid, gid) = system_user("certgen-sshdb");
    pki(dir);
    let to = remote_base(dir).join("ssl");
    std::fs::create_dir(&to).unwrap();
    std::os::unix::fs::chown(&to, Some(uid), Some(gid)).unwrap();
    let target = format!("dbhost:{}", to.display());

    let doc = deploy_ok(
        dir,
        &sshd,
        &["server", "db1", "--to", &target, "--layout", "mysql"],
    );
    assert_eq!(doc["changed"], true, "{doc}");
    assert_eq!(
        doc["written_as"], "certgen-sshdb",
        "root writes another user's directory as them"
    );
    let first = whole_set(dir, &to);
    assert_eq!(
        first,
        serial_of(&dir.join("pki/servers/db1/server-cert.pem"))
    );
    for (name, want) in [
        ("ca.pem", 0o644),
        ("server-cert.pem", 0o644),
        ("server-key.pem", 0o600),
    ] {
        let m = std::fs::metadata(to.join(name)).unwrap();
        assert_eq!(
            (m.uid(), m.gid(), m.mode() & 0o7777),
            (uid, gid, want),
            "{name}"
        );
    }
    let names: Vec<String> = std::fs::read_dir(&to)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".ssh-")),
        "nothing of the transaction left: {names:?}"
    );

    let again = deploy_ok(
        dir,
        &sshd,
        &["server", "db1", "--to", &target, "--layout", "mysql"],
    );
    assert_eq!(again["changed"], false, "{again}");
    assert!(
        !to.join("old_keys").exists(),
        "an unchanged deployment archives nothing"
    );

    ok(dir, &["renew", "db1"]);
    let old_key = std::fs::read(to.join("server-key.pem")).unwrap();
    let renewed = deploy_ok(
        dir,
        &sshd,
        &["server", "db1", "--to", &target, "--layout", "mysql"],
    );
    assert_eq!(renewed["changed"], true);
    let second = whole_set(dir, &to);
    assert_ne!(first, second);
    let archived = PathBuf::from(format!(
        "{}/{}",
        to.display(),
        renewed["archived"]
            .as_str()
            .unwrap()
            .rsplit_once("/old_keys/")
            .map(|(_, a)| format!("old_keys/{a}"))
            .unwrap()
    ));
    assert_eq!(
        std::fs::read(archived.join("server-key.pem")).unwrap(),
        old_key,
        "the replaced key is archived"
    );
    assert_eq!(mode(&archived.join("server-key.pem")), 0o600);
}

#[test]
fn owner_is_resolved_on_the_target_and_refusals_write_nothing() {
    let Some((tmp, sshd)) = with_pki() else {
        return;
    };
    let dir = tmp.path();
    let base = remote_base(dir);
    let target = |p: &Path| format!("dbhost:{}", p.display());

    // --owner names a user of the target; a missing one is named as such there.
    let to = base.join("new");
    let out = deploy(
        dir,
        &sshd,
        &[
            "user",
            "app",
            "--to",
            &target(&to),
            "--owner",
            "no-such-user-x9",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no user \"no-such-user-x9\" on that machine"),
        "{}",
        stderr(&out)
    );
    assert!(!to.exists(), "a refused deployment makes nothing");

    // A link in place of a deployed file.
    let linked = base.join("linked");
    std::fs::create_dir(&linked).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", linked.join("client-cert.pem")).unwrap();
    let out = deploy(dir, &sshd, &["user", "app", "--to", &target(&linked)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("client-cert.pem"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_dir(&linked).unwrap().count(),
        1,
        "nothing written beside the link"
    );

    // A directory others can write.
    let open = base.join("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = deploy(dir, &sshd, &["user", "app", "--to", &target(&open)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("writable by its group or others"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_dir(&open).unwrap().count(), 0);

    // A revoked bundle is refused before connecting: the ssh command
    // given would fail if it ran.
    ok(dir, &["revoke", "app"]);
    let out = run(
        dir,
        &[
            "deploy",
            "user",
            "app",
            "--to",
            &target(&base.join("x")),
            "--ssh-command",
            "/nonexistent/ssh",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("revoked"), "{}", stderr(&out));
}

#[test]
fn the_private_key_is_never_in_arguments_or_environment_on_either_side() {
    if !have_strace() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let remote_trace = dir.join("sshd.trace");
    let Some(sshd) = Sshd::start(dir, Some(&remote_trace)) else {
        return;
    };
    pki(dir);
    let to = remote_base(dir).join("ssl");
    let local_trace = dir.join("certgen.trace");
    let ssh = sshd.ssh_command();
    let out = certgen_via(
        "strace",
        &[
            "-f",
            "-v",
            "-s",
            "65536",
            "-e",
            "trace=execve",
            "-o",
            &local_trace.display().to_string(),
        ],
        dir,
    )
    .args([
        "deploy",
        "server",
        "db1",
        "--to",
        &format!("dbhost:{}", to.display()),
        "--ssh-command",
        &ssh,
    ])
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    drop(sshd);
    let key = std::fs::read_to_string(dir.join("pki/servers/db1/server-key.pem")).unwrap();
    let body: Vec<&str> = key.lines().filter(|l| !l.starts_with("-----")).collect();
    let local = std::fs::read_to_string(&local_trace).unwrap();
    let remote = std::fs::read_to_string(&remote_trace).unwrap();
    assert!(
        local.contains("execve(\"/usr/bin/ssh\""),
        "the trace saw ssh start"
    );
    assert!(
        remote.contains("sh\", \"-c\""),
        "the trace saw the remote shell start"
    );
    for line in body {
        for half in [&line[..line.len() / 2], &line[line.len() / 2..]] {
            assert!(
                !local.contains(half),
                "a piece of the key in an execve on this side"
            );
            assert!(
                !remote.contains(half),
                "a piece of the key in an execve on the target"
            );
        }
    }
    assert_eq!(
        std::fs::read_to_string(to.join("server-key.pem")).unwrap(),
        key
    );
}

fn have_strace() -> bool {
    let there = Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !there {
        assert!(
            std::env::var_os("CI").is_none(),
            "strace is required under CI"
        );
        eprintln!("SKIP: no strace");
    }
    there
}

/// What a kill test kills.
#[derive(Clone, Copy, Debug)]
enum Victim {
    /// certgen alone: ssh goes on with what it was given.
    Certgen,
    /// The ssh client and the connection it shares: the connection ends.
    Connection,
    /// The shell running certgen's script on the target.
    RemoteShell,
    /// certgen, ssh and all.
    Everything,
}

/// The pids of the processes whose command line holds `needle`.
fn pids_with(needle: &str) -> Vec<i32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        if std::fs::read(entry.path().join("cmdline"))
            .is_ok_and(|c| String::from_utf8_lossy(&c).contains(needle))
        {
            found.push(pid);
        }
    }
    found
}

/// Whether `pid` is a connection ssh keeps open for certgen's sessions
/// (ControlPersist): a session leader, which the ssh command certgen ran
/// left behind.
fn shared_connection(pid: i32) -> bool {
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // pid (comm) state ppid pgrp session ...
    let session = stat
        .rsplit_once(") ")
        .and_then(|(_, rest)| rest.split(' ').nth(3))
        .and_then(|s| s.parse::<i32>().ok());
    String::from_utf8_lossy(&cmdline).contains("ControlPersist=") && session == Some(pid)
}

/// The children of `parent` named `comm`.
fn children_named(parent: u32, comm: &str) -> Vec<i32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid ...
        let Some((head, rest)) = stat.rsplit_once(") ") else {
            continue;
        };
        let name = head.split_once(" (").map(|(_, n)| n).unwrap_or("");
        let ppid: u32 = rest
            .split(' ')
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        if ppid == parent && name == comm {
            found.push(pid);
        }
    }
    found
}

/// The lock of the transaction script in a deployment directory, held as
/// a live holder would (its pid in it): a run started meanwhile waits, then
/// gives up, and changes nothing. A lock a killed run left is held the same
/// way and put back as it was (pid file and time), for the next run to find.
struct DirLock {
    lock: PathBuf,
    /// What a killed run left: its pid file's content, and the lock's time.
    left: Option<(Option<Vec<u8>>, std::time::SystemTime)>,
}

impl DirLock {
    fn take(dir: &Path) -> Self {
        let lock = dir.join(".ssh-lock");
        let ours = std::process::id().to_string();
        for _ in 0..2400 {
            if std::fs::create_dir(&lock).is_ok() {
                std::fs::write(lock.join("pid"), &ours).unwrap();
                return DirLock { lock, left: None };
            }
            if let Ok(meta) = std::fs::metadata(&lock) {
                let pid = std::fs::read(lock.join("pid")).ok();
                let time = meta.modified().unwrap();
                let stale = match pid.as_deref().map(String::from_utf8_lossy) {
                    Some(p) => !Path::new("/proc").join(p.trim()).exists(),
                    None => time
                        .elapsed()
                        .is_ok_and(|age| age > Duration::from_secs(10)),
                };
                if stale {
                    std::fs::write(lock.join("pid"), &ours).unwrap();
                    return DirLock {
                        lock,
                        left: Some((pid, time)),
                    };
                }
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("{} stayed locked for a minute", lock.display());
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        match self.left.take() {
            None => {
                let _ = std::fs::remove_dir_all(&self.lock);
            }
            Some((pid, time)) => {
                let file = self.lock.join("pid");
                match pid {
                    Some(content) => std::fs::write(&file, content).unwrap(),
                    None => std::fs::remove_file(&file).unwrap(),
                }
                std::fs::File::open(&self.lock)
                    .and_then(|d| d.set_modified(time))
                    .unwrap();
            }
        }
    }
}

fn sigkill(pid: i32) {
    if let Some(pid) = rustix::process::Pid::from_raw(pid) {
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
    }
}

/// Deploys renewed bundles again and again, killing `victim` at a random
/// moment of each run: what the directory holds is the whole old set or the
/// whole new one (key matching certificate, the key 0600), or a journal
/// the next run completes; after the next run, the whole new set, nothing
/// of the transaction left, and the replaced keys in the archive.
fn killed_at_random_moments(victim: Victim) {
    let Some((tmp, sshd)) = with_pki() else {
        return;
    };
    let dir = tmp.path();
    let to = remote_base(dir).join("ssl");
    let target = format!("dbhost:{}", to.display());
    let ssh = sshd.ssh_command();
    let args = [
        "deploy",
        "server",
        "db1",
        "--to",
        &target,
        "--layout",
        "mysql",
        "--ssh-command",
        &ssh,
    ];
    ok(dir, &args);
    let mut rng = Rng::new();
    let runs = runs().clamp(50, 100);
    let (mut finished, mut journals) = (0, 0);
    let needle = to.display().to_string();
    for _ in 0..runs {
        let before = whole_set(dir, &to);
        let old_key = std::fs::read(to.join("server-key.pem")).unwrap();
        ok(dir, &["renew", "db1"]);
        let want = serial_of(&dir.join("pki/servers/db1/server-cert.pem"));
        let mut child = certgen(dir)
            .args(args)
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.below(350)));
        match victim {
            Victim::Certgen => sigkill(child.id() as i32),
            Victim::Connection => children_named(child.id(), "ssh")
                .into_iter()
                .chain(
                    pids_with(&needle)
                        .into_iter()
                        .filter(|&p| shared_connection(p)),
                )
                .for_each(sigkill),
            Victim::RemoteShell => pids_with(&needle)
                .into_iter()
                .filter(|p| *p as u32 != child.id())
                .filter(|p| children_named(child.id(), "ssh").iter().all(|s| s != p))
                .filter(|&p| !shared_connection(p))
                .for_each(sigkill),
            Victim::Everything => {
                let _ = rustix::process::kill_process_group(
                    rustix::process::Pid::from_child(&child),
                    rustix::process::Signal::KILL,
                );
                pids_with(&needle)
                    .into_iter()
                    .filter(|&p| shared_connection(p))
                    .for_each(sigkill);
            }
        }
        if child.wait().unwrap().success() {
            finished += 1;
        }
        // Whatever was left running (ssh after certgen, the script there)
        // ends before the directory is judged; a shared connection stays.
        // The script may wait 15 s for a lock its killed predecessor left
        // without a pid, so this waits longer.
        for _ in 0..1200 {
            if pids_with(&needle).into_iter().all(shared_connection) {
                break;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        // Judged holding the directory's lock: a session sshd started just
        // before the connection died may start its script only now, and
        // must not rename files between the reads of the certificate and
        // the key.
        let lock = DirLock::take(&to);
        if to.join(".ssh-txn").exists() {
            journals += 1;
        } else {
            let now = whole_set(dir, &to);
            assert!(
                now == before || now == want,
                "a set that is neither the old nor the new one"
            );
            assert_eq!(mode(&to.join("server-key.pem")), 0o600);
        }
        drop(lock);
        ok(dir, &args);
        assert_eq!(
            whole_set(dir, &to),
            want,
            "the next run completes the new set"
        );
        assert_eq!(mode(&to.join("server-key.pem")), 0o600);
        assert!(
            !to.join(".ssh-txn").exists()
                && !to.join(".ssh-stage").exists()
                && !to.join(".ssh-lock").exists()
        );
        let archived = std::fs::read_dir(to.join("old_keys"))
            .unwrap()
            .flatten()
            .any(|a| std::fs::read(a.path().join("server-key.pem")).is_ok_and(|k| k == old_key));
        assert!(archived, "the replaced key is in the archive");
    }
    eprintln!(
        "{victim:?}: {runs} runs, {finished} finished before the kill, {journals} left a journal the next run completed"
    );
}

#[test]
fn certgen_killed_at_random_moments_leaves_a_whole_set() {
    killed_at_random_moments(Victim::Certgen);
}

#[test]
fn the_connection_cut_at_random_moments_leaves_a_whole_set() {
    killed_at_random_moments(Victim::Connection);
}

#[test]
fn the_remote_shell_killed_at_random_moments_leaves_a_whole_set() {
    killed_at_random_moments(Victim::RemoteShell);
}

#[test]
fn everything_killed_at_random_moments_leaves_a_whole_set() {
    killed_at_random_moments(Victim::Everything);
}

/// `--owner` names a user and group that exist only on the target: they
/// are resolved there, and the files get their ids.
#[test]
fn an_owner_that_exists_only_on_the_target() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let id = 64_321;
    let name = "certgen-only-there";
    let Some(sshd) = Sshd::start_with(dir, None, Some((name, id))) else {
        return;
    };
    assert!(
        !Command::new("id")
            .arg(name)
            .output()
            .unwrap()
            .status
            .success(),
        "the user must not exist where certgen runs"
    );
    pki(dir);
    let to = remote_base(dir).join("ssl");
    let doc = deploy_ok(
        dir,
        &sshd,
        &[
            "server",
            "db1",
            "--to",
            &format!("dbhost:{}", to.display()),
            "--owner",
            &format!("{name}:{name}"),
        ],
    );
    assert_eq!(doc["changed"], true);
    for f in ["ca-cert.pem", "server-cert.pem", "server-key.pem"] {
        let m = std::fs::metadata(to.join(f)).unwrap();
        assert_eq!((m.uid(), m.gid()), (id, id), "{f}");
    }
    let out = run(
        dir,
        &[
            "deploy",
            "server",
            "db1",
            "--to",
            &to.display().to_string(),
            "--owner",
            name,
        ],
    );
    assert_eq!(out.status.code(), Some(2), "here the user does not exist");
}

/// A host whose key is not in known_hosts: BatchMode refuses it at once,
/// with ssh's own words, and nothing is written there.
#[test]
fn an_unknown_host_key_is_refused_without_a_prompt() {
    let Some((tmp, sshd)) = with_pki() else {
        return;
    };
    let dir = tmp.path();
    std::fs::write(dir.join("known_hosts"), "").unwrap();
    let to = remote_base(dir).join("ssl");
    let out = certgen(dir)
        .args([
            "deploy",
            "server",
            "db1",
            "--to",
            &format!("dbhost:{}", to.display()),
        ])
        .args(["--ssh-command", &sshd.ssh_command()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("Host key verification failed"), "{err}");
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("certgen: error:"))
            .count(),
        1,
        "{err}"
    );
    assert!(!to.exists(), "nothing written");
}

/// `--reload` runs the command where the files are, then connects to the
/// server until it serves the deployed certificate; a server that keeps
/// serving another fails the deployment with "still serves serial".
#[test]
fn reload_then_confirm_what_the_server_serves() {
    let Some((tmp, sshd)) = with_pki() else {
        return;
    };
    let dir = tmp.path();
    let base = remote_base(dir);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (cert, key) = (
        dir.join("pki/servers/db1/server-cert.pem"),
        dir.join("pki/servers/db1/server-key.pem"),
    );
    let current = servers::spawn(
        ServerKind::Tls,
        servers::server_config(&cert, &key),
        seen.clone(),
    );
    std::fs::copy(&cert, dir.join("old-cert.pem")).unwrap();
    std::fs::copy(&key, dir.join("old-key.pem")).unwrap();
    let stale = servers::spawn(
        ServerKind::Tls,
        servers::server_config(&dir.join("old-cert.pem"), &dir.join("old-key.pem")),
        seen,
    );
    let marker = base.join("reloaded");
    let reload = format!("touch {}", marker.display());
    let to = base.join("ssl");
    let target = format!("dbhost:{}", to.display());
    let endpoint = format!("tls://127.0.0.1:{current}");
    let doc = deploy_ok(
        dir,
        &sshd,
        &[
            "server",
            "db1",
            "--to",
            &target,
            "--reload",
            "mariadb",
            "--reload-command",
            &reload,
            "--confirm",
            &endpoint,
        ],
    );
    assert!(marker.exists(), "the reload command ran on the target");
    assert_eq!(doc["reload"], reload);
    assert_eq!(
        doc["confirmed"]["serial"].as_str().unwrap(),
        serial_of(&cert)
    );

    // Renewed and deployed, but the server at `stale` still serves the old one.
    ok(dir, &["renew", "db1"]);
    let out = deploy(
        dir,
        &sshd,
        &[
            "server",
            "db1",
            "--to",
            &target,
            "--reload",
            "mariadb",
            "--reload-command",
            "true",
            "--confirm",
            &format!("tls://127.0.0.1:{stale}"),
            "--confirm-timeout",
            "2s",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let old_serial = serial_of(&dir.join("old-cert.pem"));
    assert!(
        stderr(&out).contains(&format!("still serves serial {old_serial}")),
        "{}",
        stderr(&out)
    );
}

/// `certgen rollout --inventory INVENTORY --ssh-command SSH --format json
/// EXTRA...` in `dir`: its exit code, its report and its stderr.
fn rollout_json(
    dir: &Path,
    inventory: &Path,
    ssh: &str,
    extra: &[&str],
) -> (Option<i32>, serde_json::Value, String) {
    let inv = inventory.display().to_string();
    let mut args = vec!["rollout", "--inventory", &inv, "--ssh-command", ssh];
    args.extend(["--format", "json"]);
    args.extend(extra);
    let out = run(dir, &args);
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_default();
    (out.status.code(), doc, stderr(&out))
}

/// An inventory of three hosts (one sshd, three directories): the canary
/// and the hosts after it, the first failure stopping the rest, which are
/// left untouched; a second run with nothing changed does nothing; and
/// `--dry-run` writes nothing.
#[test]
fn rollout_goes_canary_first_stops_at_a_failure_and_does_nothing_twice() {
    let Some((tmp, sshd)) = with_pki() else {
        return;
    };
    let dir = tmp.path();
    let base = remote_base(dir);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (cert, key) = (
        dir.join("pki/servers/db1/server-cert.pem"),
        dir.join("pki/servers/db1/server-key.pem"),
    );
    let port = servers::spawn(ServerKind::Tls, servers::server_config(&cert, &key), seen);
    let reloaded = |name: &str| base.join(format!("reloaded-{name}"));
    let host = |name: &str, to: &Path| {
        format!(
            "[[host]]\nname = \"{name}\"\nssh = \"dbhost\"\ndatabase = \"mariadb\"\n\
             reload_command = \"touch {mark}\"\nconfirm = \"tls://127.0.0.1:{port}\"\n\
             [[host.deploy]]\nserver = \"db1\"\ndir = \"{d}\"\nlayout = \"mysql\"\n\
             [[host.deploy]]\nuser = \"app\"\ndir = \"{d}/app\"\n",
            mark = reloaded(name).display(),
            d = to.display()
        )
    };
    let (a, b, c) = (base.join("a"), base.join("missing/b"), base.join("c"));
    std::fs::create_dir(&a).unwrap();
    std::fs::create_dir(&c).unwrap();
    let inventory = dir.join("inventory.toml");
    write(
        &inventory,
        [host("a", &a), host("b", &b), host("c", &c)].concat(),
    );
    let ssh = sshd.ssh_command();
    let rollout = |extra: &[&str]| {
        rollout_json(
            dir,
            &inventory,
            &ssh,
            &[&["--parallel", "1"], extra].concat(),
        )
    };
    let states = |doc: &serde_json::Value| -> Vec<String> {
        doc["hosts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["state"].as_str().unwrap().to_string())
            .collect()
    };
    let empty = |p: &Path| std::fs::read_dir(p).unwrap().next().is_none();

    let (code, doc, err) = rollout(&["--dry-run"]);
    assert_eq!(code, Some(2), "b's directory has no parent: {doc} {err}");
    assert_eq!(
        states(&doc),
        ["would-deploy", "failed", "not-reached"],
        "{doc}"
    );
    assert!(empty(&a), "--dry-run writes nothing");

    let (code, doc, _) = rollout(&[]);
    assert_eq!(code, Some(2));
    assert_eq!(states(&doc), ["deployed", "failed", "not-reached"], "{doc}");
    assert_eq!(
        doc["hosts"][0]["confirmed_serial"].as_str().unwrap(),
        serial_of(&cert)
    );
    assert!(a.join("server-key.pem").is_file() && a.join("app/client-key.pem").is_file());
    assert!(reloaded("a").exists(), "the canary's database was reloaded");
    assert!(
        empty(&c) && !reloaded("c").exists(),
        "a host after the failure is untouched"
    );

    // b's parent made: b and c get everything, reloaded; a has nothing to do.
    std::fs::create_dir(base.join("missing")).unwrap();
    std::fs::remove_file(reloaded("a")).unwrap();
    let (code, doc, err) = rollout(&[]);
    assert_eq!(code, Some(0), "{doc} {err}");
    assert_eq!(
        states(&doc),
        ["up-to-date", "deployed", "deployed"],
        "{doc}"
    );
    assert!(!reloaded("a").exists(), "nothing changed on a: no reload");
    assert!(reloaded("b").exists() && reloaded("c").exists());
    assert!(b.join("server-cert.pem").is_file() && c.join("app/client-cert.pem").is_file());

    let (code, doc, _) = rollout(&[]);
    assert_eq!(code, Some(0));
    assert_eq!(
        doc["changed"], 0,
        "a second run with nothing changed does nothing: {doc}"
    );
    let inv = inventory.display().to_string();
    let out = run(
        dir,
        &["rollout", "--inventory", &inv, "--ssh-command", &ssh],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("3 hosts, nothing to do"), "{text}");
}

/// With an inventory in the PKI directory, `renew` names the hosts that get
/// each renewed bundle and points at `rollout`.
#[test]
fn renew_names_the_hosts_of_the_inventory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    pki(dir);
    write(
        &dir.join("pki/inventory.toml"),
        "[[host]]\nname = \"db-a\"\nssh = \"root@db-a\"\n[[host.deploy]]\nserver = \"db1\"\ndir = \"/etc/mysql/tls\"\n\
         [[host]]\nname = \"app-1\"\nssh = \"app-1\"\n[[host.deploy]]\nuser = \"app\"\ndir = \"/home/app/.mysql\"\n",
    );
    let text = ok(dir, &["renew", "db1"]);
    assert!(
        text.contains("the inventory has server db1 on db-a: `certgen rollout`"),
        "{text}"
    );
    let out = run(dir, &["renew", "app", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["deploy"][0]["hosts"],
        serde_json::json!(["app-1"]),
        "{doc}"
    );
}

/// `status --inventory`: a host up to date, then one that needs a deploy
/// (after a renewal), then a reload (deployed, still serving the old one),
/// then one that serves a revoked certificate; each a flag on the bundle and
/// a row of the host, and the exit status.
#[test]
fn status_with_an_inventory_tells_deploy_reload_and_revoked_apart() {
    let Some((tmp, sshd)) = with_pki() else {
        return;
    };
    let dir = tmp.path();
    let to = remote_base(dir).join("ssl");
    let (cert, key) = (
        dir.join("pki/servers/db1/server-cert.pem"),
        dir.join("pki/servers/db1/server-key.pem"),
    );
    std::fs::copy(&cert, dir.join("first-cert.pem")).unwrap();
    std::fs::copy(&key, dir.join("first-key.pem")).unwrap();
    let first = serial_of(&cert);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let port = servers::spawn(
        ServerKind::Tls,
        servers::server_config(&dir.join("first-cert.pem"), &dir.join("first-key.pem")),
        seen,
    );
    write(
        &dir.join("inventory.toml"),
        format!(
            "[[host]]\nname = \"db-a\"\nssh = \"dbhost\"\ndatabase = \"mariadb\"\nconfirm = \"tls://127.0.0.1:{port}\"\n\
             [[host.deploy]]\nserver = \"db1\"\ndir = \"{}\"\nlayout = \"mysql\"\n",
            to.display()
        ),
    );
    let ssh = sshd.ssh_command();
    let status = || {
        let out = run(
            dir,
            &[
                "status",
                "--inventory",
                "inventory.toml",
                "--ssh-command",
                &ssh,
                "--format",
                "json",
            ],
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), doc["hosts"][0].clone())
    };
    deploy_ok(
        dir,
        &sshd,
        &[
            "server",
            "db1",
            "--to",
            &format!("dbhost:{}", to.display()),
            "--layout",
            "mysql",
        ],
    );
    let (code, host) = status();
    assert_eq!(code, Some(0), "{host}");
    assert_eq!(host["status"], "ok");
    assert_eq!(host["deployed_serial"].as_str(), Some(first.as_str()));
    assert_eq!(host["served_serial"].as_str(), Some(first.as_str()));

    ok(dir, &["renew", "db1"]);
    let (code, host) = status();
    assert_eq!(code, Some(1), "{host}");
    assert!(
        host["reason"].as_str().unwrap().contains("deploy needed"),
        "{host}"
    );

    deploy_ok(
        dir,
        &sshd,
        &[
            "server",
            "db1",
            "--to",
            &format!("dbhost:{}", to.display()),
            "--layout",
            "mysql",
        ],
    );
    let (code, host) = status();
    assert_eq!(code, Some(1), "{host}");
    assert!(
        host["reason"]
            .as_str()
            .unwrap()
            .contains("reload needed: serves serial"),
        "{host}"
    );

    ok(
        dir,
        &["revoke", "--serial", &first, "--reason", "keyCompromise"],
    );
    let (code, host) = status();
    assert_eq!(code, Some(2), "{host}");
    assert!(
        host["reason"]
            .as_str()
            .unwrap()
            .contains("serves a revoked certificate"),
        "{host}"
    );
}

/// The sessions of a deployment, and of the command run next, ride one
/// connection per host: sshd accepts one login. `--ssh-persist 0` (or
/// `CERTGEN_SSH_PERSIST=0`) logs in for each session; a ControlPath of the
/// ssh configuration is used instead of certgen's own.
#[test]
fn sessions_share_one_connection_per_host() {
    let Some((tmp, sshd)) = with_pki() else {
        return;
    };
    let dir = tmp.path();
    let to = remote_base(dir).join("ssl");
    let target = format!("dbhost:{}", to.display());
    let logins = || {
        std::fs::read_to_string(&sshd.log)
            .unwrap()
            .matches("Accepted publickey")
            .count()
    };
    let server = ["server", "db1", "--to", target.as_str()];
    // A probe and a transaction, then another probe: one login.
    let first = deploy_ok(dir, &sshd, &server);
    assert_eq!(first["changed"], true);
    assert_eq!(deploy_ok(dir, &sshd, &server)["changed"], false);
    assert_eq!(logins(), 1, "one connection for three sessions");

    ok(dir, &["renew", "db1"]);
    let mut apart = server.to_vec();
    apart.extend(["--ssh-persist", "0"]);
    assert_eq!(deploy_ok(dir, &sshd, &apart)["changed"], true);
    assert_eq!(logins(), 3, "--ssh-persist 0: a login for each session");
    ok(dir, &["renew", "db1"]);
    let ssh = sshd.ssh_command();
    let out = certgen(dir)
        .args(["deploy", "--ssh-command", ssh.as_str()])
        .args(server)
        .env("CERTGEN_SSH_PERSIST", "0")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        logins(),
        5,
        "CERTGEN_SSH_PERSIST=0: a login for each session"
    );

    let mut config = std::fs::read_to_string(&sshd.config).unwrap();
    config += &format!(
        "  ControlMaster auto\n  ControlPath {}/theirs-%C\n  ControlPersist 30\n",
        dir.display()
    );
    write(&sshd.config, config);
    ok(dir, &["renew", "db1"]);
    assert_eq!(deploy_ok(dir, &sshd, &server)["changed"], true);
    assert_eq!(logins(), 6, "one more connection: the configuration's own");
    let theirs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("theirs-"))
        .collect();
    assert_eq!(
        theirs.len(),
        1,
        "the configuration's control socket is used"
    );
}

/// A CRL file deployed for the first time is named as needing a restart
/// of MariaDB and MySQL, which read ssl_crl only when they start; a CRL
/// that replaces one, and PostgreSQL, reload it.
#[test]
fn a_first_crl_needs_a_restart_of_mariadb_and_mysql() {
    let Some((tmp, sshd)) = with_pki() else {
        return;
    };
    let dir = tmp.path();
    let base = remote_base(dir);
    let deployed = |to: &str, db: &str| {
        let target = format!("dbhost:{}", base.join(to).display());
        let args = ["server", "db1", "--to", &target, "--reload", db];
        let mut args = args.to_vec();
        args.extend(["--reload-command", "true", "--no-confirm"]);
        deploy_ok(dir, &sshd, &args)
    };
    for (to, db) in [("maria", "mariadb"), ("my", "mysql"), ("pg", "postgres")] {
        assert_eq!(
            deployed(to, db)["restart_needed"],
            serde_json::Value::Null,
            "{db}: no CRL yet"
        );
    }
    ok(dir, &["crl"]);
    for (to, db) in [("maria", "mariadb"), ("my", "mysql")] {
        let doc = deployed(to, db);
        let why = doc["restart_needed"].as_str().unwrap_or_default();
        assert!(why.contains("restart it once"), "{db}: {doc:#}");
    }
    assert_eq!(
        deployed("pg", "postgres")["restart_needed"],
        serde_json::Value::Null
    );
    ok(dir, &["revoke", "app"]);
    ok(dir, &["crl"]);
    for (to, db) in [("maria", "mariadb"), ("my", "mysql")] {
        let doc = deployed(to, db);
        assert_eq!(doc["changed"], true, "{db}: the new CRL");
        assert_eq!(
            doc["restart_needed"],
            serde_json::Value::Null,
            "{db}: a replaced CRL"
        );
    }
}

/// `rollout --no-reload` delivers to a host whose server does not run
/// yet: no reload, nothing confirmed. The next rollout, with nothing
/// changed, confirms again, and fails while nothing serves there.
#[test]
fn rollout_no_reload_delivers_before_the_server_runs() {
    let Some((tmp, sshd)) = with_pki() else {
        return;
    };
    let dir = tmp.path();
    let to = remote_base(dir).join("ssl");
    let marker = dir.join("reloaded");
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let inventory = dir.join("inventory.toml");
    write(
        &inventory,
        format!(
            "[[host]]\nname = \"db\"\nssh = \"dbhost\"\ndatabase = \"mariadb\"\n\
             reload_command = \"touch {mark}\"\nconfirm = \"127.0.0.1:{closed}\"\n\
             [[host.deploy]]\nserver = \"db1\"\ndir = \"{d}\"\nlayout = \"mysql\"\n",
            mark = marker.display(),
            d = to.display()
        ),
    );
    let ssh = sshd.ssh_command();
    let rollout = |extra: &[&str]| {
        rollout_json(
            dir,
            &inventory,
            &ssh,
            &[&["--confirm-timeout", "1s"], extra].concat(),
        )
    };
    let (code, doc, err) = rollout(&["--no-reload"]);
    assert_eq!(code, Some(0), "{err}{doc:#}");
    assert_eq!(doc["changed"], 1);
    assert_eq!(doc["hosts"][0]["reloaded"], serde_json::Value::Null);
    assert_eq!(doc["hosts"][0]["confirmed_serial"], serde_json::Value::Null);
    assert!(!marker.exists(), "no reload ran");
    assert_eq!(
        whole_set(dir, &to),
        serial_of(&dir.join("pki/servers/db1/server-cert.pem"))
    );

    let (code, doc, _) = rollout(&[]);
    assert_eq!(code, Some(2), "{doc:#}");
    assert_eq!(doc["hosts"][0]["state"], "failed");
    assert!(!marker.exists(), "nothing changed, nothing to reload");
}

/// A host that has its files but serves an older certificate (delivered
/// with `--no-reload` while its server ran) is reloaded by the next
/// rollout, although nothing changed, and confirmed: `reloaded`. Then
/// nothing is left to do.
#[test]
fn rollout_reloads_a_host_that_has_its_files_but_serves_another_certificate() {
    let Some((tmp, sshd)) = with_pki() else {
        return;
    };
    let dir = tmp.path();
    let to = remote_base(dir).join("ssl");
    std::fs::create_dir(&to).unwrap();
    let marker = dir.join("reload-asked");
    let inventory = dir.join("inventory.toml");
    let ssh = sshd.ssh_command();
    let rollout = |extra: &[&str]| {
        rollout_json(
            dir,
            &inventory,
            &ssh,
            &[&["--confirm-timeout", "5s"], extra].concat(),
        )
    };
    let host = |port: u16| {
        format!(
            "[[host]]\nname = \"db\"\nssh = \"dbhost\"\ndatabase = \"mariadb\"\n\
             reload_command = \"touch {mark}\"\nconfirm = \"tls://127.0.0.1:{port}\"\n\
             [[host.deploy]]\nserver = \"db1\"\ndir = \"{d}\"\n",
            mark = marker.display(),
            d = to.display()
        )
    };
    // The first delivery, then the server starts on the delivered files;
    // it reads them again when the reload command has run.
    write(&inventory, host(1));
    let (code, _, err) = rollout(&["--no-reload"]);
    assert_eq!(code, Some(0), "{err}");
    let (cert, key) = (to.join("server-cert.pem"), to.join("server-key.pem"));
    let first = serial_of(&cert);
    let config = servers::reloading_config(&cert, &key, &marker);
    let port = servers::spawn(ServerKind::Tls, config, Arc::new(Mutex::new(Vec::new())));
    write(&inventory, host(port));

    // A renewal delivered without a reload: the server serves the old one.
    ok(dir, &["renew", "db1", "-q"]);
    let (code, doc, err) = rollout(&["--no-reload"]);
    assert_eq!(code, Some(0), "{err}{doc:#}");
    assert_eq!(doc["hosts"][0]["state"], "deployed", "{doc:#}");
    let renewed = serial_of(&cert);
    assert_ne!(renewed, first);

    // Nothing to deliver, but the server serves another certificate: a
    // dry run says so, and touches nothing.
    let (code, doc, err) = rollout(&["--dry-run"]);
    assert_eq!(code, Some(0), "{err}{doc:#}");
    assert_eq!(doc["hosts"][0]["state"], "would-reload", "{doc:#}");
    assert_eq!(doc["reloaded"], 1, "{doc:#}");
    assert!(!marker.exists(), "a dry run reloads nothing");
    // Nothing to deliver, but the server serves another certificate.
    let (code, doc, err) = rollout(&[]);
    assert_eq!(code, Some(0), "{err}{doc:#}");
    assert_eq!(doc["hosts"][0]["state"], "reloaded", "{doc:#}");
    assert_eq!(
        (doc["changed"].clone(), doc["reloaded"].clone()),
        (0.into(), 1.into())
    );
    assert_eq!(
        doc["hosts"][0]["confirmed_serial"],
        renewed.as_str(),
        "{doc:#}"
    );

    // Served and delivered agree: nothing to do, and no reload.
    let (code, doc, _) = rollout(&[]);
    assert_eq!(code, Some(0));
    assert_eq!(doc["hosts"][0]["state"], "up-to-date", "{doc:#}");
    assert_eq!(doc["hosts"][0]["reloaded"], serde_json::Value::Null);
    assert!(!marker.exists(), "no reload asked");
}

/// Deploys db1 to a directory, puts a lock there with `holder`'s pid and a
/// staging area beside it (what a run leaves while it runs, or when
/// killed), and deploys again: the temporary directory, the deployment
/// directory, the second report and how long it took.
fn redeploy_beside_a_lock(
    holder: u32,
) -> Option<(tempfile::TempDir, PathBuf, serde_json::Value, Duration)> {
    let (tmp, sshd) = with_pki()?;
    let dir = tmp.path();
    let to = remote_base(dir).join("ssl");
    let target = format!("dbhost:{}", to.display());
    let server = [
        "server",
        "db1",
        "--to",
        target.as_str(),
        "--layout",
        "mysql",
    ];
    assert_eq!(deploy_ok(dir, &sshd, &server)["changed"], true);
    std::fs::create_dir(to.join(".ssh-lock")).unwrap();
    write(&to.join(".ssh-lock/pid"), format!("{holder}\n"));
    std::fs::create_dir(to.join(".ssh-stage")).unwrap();
    write(&to.join(".ssh-stage/server-key.pem"), "partial");
    let started = std::time::Instant::now();
    let doc = deploy_ok(dir, &sshd, &server);
    let took = started.elapsed();
    Some((tmp, to, doc, took))
}

/// What a run killed after its last rename leaves (its lock, with the pid
/// of a process that is gone, and a staging area) is cleared by the next
/// run, although the files are already the new ones.
#[test]
fn a_killed_run_s_lock_and_staging_area_are_cleared_when_nothing_changed() {
    let mut gone = Command::new("true").spawn().unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    let Some((tmp, to, doc, _)) = redeploy_beside_a_lock(pid) else {
        return;
    };
    assert_eq!(doc["changed"], false, "{doc}");
    assert!(!to.join(".ssh-lock").exists() && !to.join(".ssh-stage").exists());
    whole_set(tmp.path(), &to);
}

/// A host already up to date while another deployment runs there: the lock
/// a live process holds is that run's, not left over. Nothing changed,
/// nothing waited for, and the lock and staging area stay for their owner.
#[test]
fn a_live_run_s_lock_is_left_to_it_when_nothing_changed() {
    let mut holder = Command::new("sleep").arg("60").spawn().unwrap();
    let found = redeploy_beside_a_lock(holder.id());
    holder.kill().unwrap();
    holder.wait().unwrap();
    let Some((tmp, to, doc, took)) = found else {
        return;
    };
    assert_eq!(doc["changed"], false, "{doc}");
    assert!(
        took < Duration::from_secs(3),
        "waited {took:?} for the holder"
    );
    assert!(to.join(".ssh-lock/pid").exists() && to.join(".ssh-stage").exists());
    whole_set(tmp.path(), &to);
}

/// The transaction script run as ssh runs it (`sh -c SCRIPT certgen ARGS`),
/// here, without sshd: DIR, the stamp, "self" then NAME OWNER MODE SIZE
/// per file, and `input` on its standard input.
fn apply_here(
    dir: &Path,
    files: &[(&str, &str, &str, usize)],
    input: &[u8],
) -> std::process::Output {
    use std::io::Write;
    let script =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ssh/apply.sh"))
            .unwrap();
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &script, "certgen"])
        .arg(dir)
        .args(["20240101T000000Z", "self"]);
    for (name, owner, mode, size) in files {
        cmd.args([*name, *owner, *mode, &size.to_string()]);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(input);
    child.wait_with_output().unwrap()
}

/// Owners and modes that alternate from file to file are each given to
/// their own files; "-" leaves the owner as written.
#[test]
fn each_file_gets_its_own_owner_and_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let to = tmp.path().join("ssl");
    // Root gives the files to another user; anyone may give them to himself.
    let root = rustix::process::getuid().is_root();
    let (uid, gid) = if root {
        (1, 2)
    } else {
        (
            rustix::process::getuid().as_raw(),
            rustix::process::getgid().as_raw(),
        )
    };
    let me = format!("{uid}:{gid}");
    let modes = ["640", "600", "644"];
    let names: Vec<String> = (0..12).map(|i| format!("f{i}.pem")).collect();
    let files: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            (
                n.as_str(),
                if i % 2 == 0 { me.as_str() } else { "-" },
                modes[i % 3],
                i,
            )
        })
        .collect();
    let mut input: Vec<u8> = (0..12).flat_map(|i| vec![b'a' + i as u8; i]).collect();
    input.extend(b"commit\n");
    let out = apply_here(&to, &files, &input);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && said.ends_with("done\n"), "{said}");
    for (i, (name, ..)) in files.iter().enumerate() {
        let file = to.join(name);
        assert_eq!(
            mode(&file),
            u32::from_str_radix(modes[i % 3], 8).unwrap(),
            "{name}"
        );
        assert_eq!(
            std::fs::read(&file).unwrap(),
            vec![b'a' + i as u8; i],
            "{name}"
        );
        if root {
            let meta = std::fs::metadata(&file).unwrap();
            let want = if i % 2 == 0 { (uid, gid) } else { (0, 0) };
            assert_eq!((meta.uid(), meta.gid()), want, "{name}");
        }
    }
}

/// A file the connection cut short is refused by its length, naming it,
/// and nothing is placed or left staged.
#[test]
fn a_file_cut_short_is_refused_by_its_length() {
    let tmp = tempfile::tempdir().unwrap();
    let to = tmp.path().join("ssl");
    let files = [
        ("ca.pem", "-", "644", 4),
        ("server-key.pem", "-", "600", 10),
    ];
    let out = apply_here(&to, &files, b"cafekey");
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{said}");
    assert!(
        said.contains("error the connection ended after 3 of the 10 bytes of server-key.pem"),
        "{said}"
    );
    let left: Vec<_> = std::fs::read_dir(&to)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
