//! What the tests of owners, full disks and interrupted writes need from the
//! system: root, system users, a small filesystem, and certgen killed at
//! random moments.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{certgen, stderr};

pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Skips visibly, or fails under CI, when the test needs root.
pub fn need_root(what: &str) -> bool {
    if is_root() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{what} needs root under CI"
    );
    eprintln!("SKIP: {what} needs root");
    false
}

/// Held while useradd or groupadd runs: either fails when another holds the
/// lock on /etc/passwd and /etc/group.
static ACCOUNTS: Mutex<()> = Mutex::new(());

/// A system user and a group of its own, created if missing: (uid, gid).
pub fn system_user(name: &str) -> (u32, u32) {
    let exists = |u: &str| Command::new("id").arg(u).output().unwrap().status.success();
    if !exists(name) {
        let _one_at_a_time = ACCOUNTS.lock().unwrap_or_else(PoisonError::into_inner);
        let out = Command::new("useradd")
            .args(["--system", "--user-group", "--no-create-home"])
            .args(["--shell", "/usr/sbin/nologin", name])
            .output()
            .unwrap();
        // Another test may have made it meanwhile.
        assert!(exists(name), "useradd: {}", stderr(&out));
    }
    let id = |flag: &str| -> u32 {
        let out = Command::new("id").args([flag, name]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    };
    (id("-u"), id("-g"))
}

/// A system group, created if missing: its gid.
pub fn system_group(name: &str) -> u32 {
    {
        let _one_at_a_time = ACCOUNTS.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = Command::new("groupadd").args(["-r", name]).output();
    }
    let out = Command::new("getent")
        .args(["group", name])
        .output()
        .unwrap();
    let line = String::from_utf8_lossy(&out.stdout).into_owned();
    line.split(':')
        .nth(2)
        .and_then(|g| g.trim().parse().ok())
        .unwrap_or_else(|| panic!("group {name} exists: {line}"))
}

/// A tmpfs mounted with `-o OPTIONS` for the test, unmounted when dropped.
pub struct Tmpfs(PathBuf);

impl Tmpfs {
    pub fn mount(at: &Path, options: &str) -> Tmpfs {
        std::fs::create_dir_all(at).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(at)
            .output()
            .unwrap();
        assert!(out.status.success(), "mount: {}", stderr(&out));
        Tmpfs(at.to_path_buf())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).output();
    }
}

/// Fills the filesystem holding `dir` until only about `free` bytes are left,
/// with the file `dir/filler`.
pub fn fill_leaving(dir: &Path, free: u64) {
    use std::io::Write;
    let filler = dir.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let page = vec![0u8; 4096];
    while f.write_all(&page).is_ok() {}
    drop(f);
    let len = std::fs::metadata(&filler).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&filler)
        .unwrap()
        .set_len(len.saturating_sub(free))
        .unwrap();
}

/// Kill-test runs: `KILL_RUNS`, else 100 under CI and 30 otherwise.
pub fn runs() -> usize {
    match std::env::var("KILL_RUNS") {
        Ok(n) => n.parse().expect("KILL_RUNS is a number"),
        Err(_) if std::env::var_os("CI").is_some() => 100,
        Err(_) => 30,
    }
}

/// A small pseudo-random generator (xorshift), seeded from the clock; the
/// seed is printed so a failure can be replayed with `KILL_SEED`.
pub struct Rng(u64);

impl Rng {
    pub fn new() -> Rng {
        let seed = std::env::var("KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("KILL_SEED={seed}");
        Rng(seed)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Runs `args` in `dir` and SIGKILLs it after `delay` (if still running).
pub fn run_killed(dir: &Path, args: &[&str], delay: Duration) {
    let child = spawn_silent(dir, args);
    std::thread::sleep(delay);
    kill(child);
}

/// Runs `args` in `dir` and SIGKILLs it the moment `file` appears (if still
/// running).
pub fn run_killed_once_there_is(dir: &Path, args: &[&str], file: &Path) {
    let mut child = spawn_silent(dir, args);
    while !file.exists() && child.try_wait().unwrap().is_none() {
        std::hint::spin_loop();
    }
    kill(child);
}

fn spawn_silent(dir: &Path, args: &[&str]) -> Child {
    certgen(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn kill(mut child: Child) {
    let _ = child.kill();
    child.wait().unwrap();
}
