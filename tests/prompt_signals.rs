//! The passphrase prompt and signals: SIGINT, SIGTERM or SIGHUP sent while
//! certgen waits at the prompt (echo off) end it with the terminal's echo
//! back on; SIGTSTP stops it with echo on, and `fg` (SIGCONT) asks again.
//! And the process that holds keys writes no core file. Each run is in a
//! pseudo-terminal made by `script` (util-linux).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process};

const WAIT: Duration = Duration::from_secs(15);

fn have_script() -> bool {
    let found = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "script (util-linux) is needed for the terminal tests"
    );
    found
}

/// certgen waiting at its passphrase prompt in a pseudo-terminal; killed
/// with its terminal session when a test fails before it ends.
struct AtPrompt {
    script: Option<Child>,
    typing: Option<ChildStdin>,
    pid: Pid,
    /// The terminal certgen reads, to look at its modes from outside.
    pty: PathBuf,
}

/// Waits up to [`WAIT`] for `done`, failing with `what`.
fn wait_for<T>(what: &str, mut done: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = done() {
            return v;
        }
        assert!(start.elapsed() < WAIT, "{what}: not after {WAIT:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The terminal's modes, as `stty -a` prints them.
fn modes(pty: &Path) -> Vec<String> {
    let out = Command::new("stty")
        .arg("-a")
        .arg("-F")
        .arg(pty)
        .output()
        .expect("stty");
    String::from_utf8_lossy(&out.stdout)
        .split([' ', ';', '\n'])
        .map(str::to_string)
        .collect()
}

fn echoes(pty: &Path) -> bool {
    let m = modes(pty);
    m.iter().any(|w| w == "echo") && m.iter().any(|w| w == "icanon")
}

/// Starts `certgen ARGS` in `dir` at a terminal and waits until it asks,
/// echo off.
fn at_prompt(dir: &Path, args: &[&str]) -> AtPrompt {
    let bin = env!("CARGO_BIN_EXE_certgen");
    let inner = format!(
        "sh -c 'echo $$ >certgen.pid; exec {bin} {}'; echo certgen-status=$?; stty -a",
        args.join(" ")
    );
    let mut script = Command::new("script")
        .args(["-qec", &inner, "/dev/null"])
        .current_dir(dir)
        .env("SHELL", "/bin/sh")
        .env_remove("CERTGEN_CA_PASSPHRASE")
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script");
    let typing = script.stdin.take().unwrap();
    let pid = wait_for("certgen starts", || {
        let text = std::fs::read_to_string(dir.join("certgen.pid")).ok()?;
        text.trim().parse::<i32>().ok()
    });
    let pty = wait_for("certgen's terminal", || {
        std::fs::read_link(format!("/proc/{pid}/fd/0"))
            .ok()
            .filter(|p| p.starts_with("/dev/pts"))
    });
    wait_for("the prompt turns echo off", || {
        (!echoes(&pty)).then_some(())
    });
    AtPrompt {
        script: Some(script),
        typing: Some(typing),
        pid: Pid::from_raw(pid).unwrap(),
        pty,
    }
}

impl AtPrompt {
    /// Waits for the terminal session to end: (certgen's exit status as the
    /// shell gives it, what the terminal showed, its modes after certgen).
    fn finish(mut self) -> (String, String, String) {
        drop(self.typing.take());
        let mut script = self.script.take().unwrap();
        wait_for("certgen ends", || script.try_wait().unwrap());
        let out = script.wait_with_output().unwrap();
        let shown = String::from_utf8_lossy(&out.stdout).into_owned();
        let after = shown.split("certgen-status=").nth(1).unwrap_or_default();
        let status = after.split_whitespace().next().unwrap_or_default();
        (status.to_string(), shown.clone(), after.to_string())
    }

    fn type_in(&mut self, text: &[u8]) {
        self.typing.as_mut().unwrap().write_all(text).unwrap();
    }

    /// The state letter of /proc/PID/stat (`T` when stopped).
    fn state(&self) -> char {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid.as_raw_nonzero()))
            .unwrap_or_default();
        let after = stat.rsplit(')').next().unwrap_or_default();
        after.trim_start().chars().next().unwrap_or('?')
    }
}

impl Drop for AtPrompt {
    fn drop(&mut self) {
        if let Some(mut script) = self.script.take() {
            let _ = kill_process(self.pid, Signal::KILL);
            let _ = script.kill();
            let _ = script.wait();
        }
    }
}

/// Whether this process ignores signal `number`, as the programs it starts
/// then do (`SigIgn` in `/proc/self/status`).
fn ignored_here(number: u32) -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (number - 1)) != 0)
}

fn init_encrypted() -> [&'static str; 5] {
    [
        "init-ca",
        "--encrypt",
        "--key-type",
        "ecdsa-p256",
        "--cn=Test",
    ]
}

#[test]
fn a_signal_at_the_prompt_ends_certgen_with_the_echo_back() {
    if !have_script() {
        return;
    }
    for (signal, number, status) in [
        (Signal::TERM, 15, "143"),
        (Signal::INT, 2, "130"),
        (Signal::HUP, 1, "129"),
    ] {
        // A signal this process was started ignoring (SIGINT and SIGQUIT in
        // the background of a non-interactive shell) is ignored by certgen
        // too, by design: nothing to see then.
        if ignored_here(number) {
            continue;
        }
        let d = tempfile::tempdir().unwrap();
        let prompt = at_prompt(d.path(), &init_encrypted());
        kill_process(prompt.pid, signal).unwrap();
        let (code, shown, after) = prompt.finish();
        assert_eq!(code, status, "{signal:?}: {shown}");
        let modes: Vec<&str> = after.split_whitespace().collect();
        assert!(
            modes.contains(&"echo") && modes.contains(&"icanon") && modes.contains(&"isig"),
            "{signal:?}: the terminal is restored: {shown}"
        );
        assert!(!d.path().join("pki").exists(), "nothing written");
    }
}

#[test]
fn a_stop_at_the_prompt_gives_the_echo_back_until_continued() {
    if !have_script() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let mut prompt = at_prompt(d.path(), &init_encrypted());
    kill_process(prompt.pid, Signal::TSTP).unwrap();
    wait_for("certgen stops", || (prompt.state() == 'T').then_some(()));
    assert!(echoes(&prompt.pty), "echo on while stopped");
    kill_process(prompt.pid, Signal::CONT).unwrap();
    wait_for("the prompt turns echo off again", || {
        (!echoes(&prompt.pty)).then_some(())
    });
    prompt.type_in(b"tty secret\ntty secret\n");
    let (code, shown, after) = prompt.finish();
    assert_eq!(code, "0", "{shown}");
    assert!(
        shown.matches("Passphrase for the new CA key: ").count() >= 2,
        "asked again: {shown}"
    );
    assert!(!shown.contains("tty secret"), "echoed: {shown}");
    assert!(after.split_whitespace().any(|w| w == "echo"), "{shown}");
    assert!(d.path().join("pki/ca-key.pem").exists());
}

/// The process that reads keys and passphrases writes no core file, nor
/// do the programs it starts.
#[test]
fn certgen_holding_secrets_writes_no_core_file() {
    if !have_script() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let prompt = at_prompt(d.path(), &init_encrypted());
    let limits =
        std::fs::read_to_string(format!("/proc/{}/limits", prompt.pid.as_raw_nonzero())).unwrap();
    let core: Vec<&str> = limits
        .lines()
        .find_map(|l| l.strip_prefix("Max core file size"))
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(core[..2], ["0", "0"], "{limits}");
    kill_process(prompt.pid, Signal::TERM).unwrap();
    prompt.finish();
}
