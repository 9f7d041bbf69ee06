//! What certgen opens that someone else could have put there: a FIFO, a link
//! or a huge sparse file in place of a lock, a journal or the index is
//! refused at once with a one-line error naming it, never waited on or read
//! whole; `issue-client --from` holds the distinct names, not the file.
//! Every run here is killed if it takes more than a few seconds (a hang).

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::common::*;

/// Far longer than any of these commands needs, far shorter than a hang.
const TIMEOUT: Duration = Duration::from_secs(10);

/// `certgen ARGS` in `dir`, hermetic, with at most `kib` KiB of address
/// space (`ulimit -v`), output collected.
fn bounded(dir: &Path, kib: u64, args: &[&str]) -> Child {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(r#"ulimit -v {kib} && exec "$0" "$@""#))
        .arg(env!("CARGO_BIN_EXE_certgen"))
        .args(args)
        .current_dir(dir)
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("CERTGEN_") {
            cmd.env_remove(k);
        }
    }
    cmd.spawn().expect("starting certgen")
}

/// Waits for the child, killing it and failing the test after [`TIMEOUT`].
/// Returns its output and how long it ran.
fn finish(child: Child, what: &str) -> (Output, Duration) {
    let (out, took) = wait_bounded(child, what);
    assert_no_panic(&out);
    (out, took)
}

/// [`finish`], whatever way the child ended.
fn wait_bounded(mut child: Child, what: &str) -> (Output, Duration) {
    let start = Instant::now();
    while child.try_wait().expect("waiting for certgen").is_none() {
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let took = start.elapsed();
    let out = child.wait_with_output().expect("collecting the output");
    (out, took)
}

/// `certgen ARGS` in `dir` under 1 GiB of address space, killed if it hangs.
fn run_bounded(dir: &Path, args: &[&str]) -> Output {
    finish(bounded(dir, 1 << 20, args), &args.join(" ")).0
}

fn mkfifo(path: &Path) {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap_or_else(|e| panic!("mkfifo {}: {e}", path.display()));
}

/// Asserts exit code 2 and exactly one line on stderr, the error, holding `message`.
fn assert_one_line_error(out: &Output, message: &str, what: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{what}: {err}");
    assert!(
        err.starts_with("certgen: error: ") && err.lines().count() == 1,
        "{what}: {err}"
    );
    assert!(err.contains(message), "{what}: {err}");
}

/// A PKI with a CA, a server and a user.
fn fixture() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(
        dir,
        &["init-ca", "--key-type", "ecdsa-p256", "--cn", "Test CA"],
    );
    ok(dir, &["issue-server", "db1", "--key-type", "ecdsa-p256"]);
    ok(dir, &["issue-client", "app", "--key-type", "ecdsa-p256"]);
    d
}

/// The commands that take the PKI directory's lock.
const LOCKING: &[&[&str]] = &[
    &["issue-client", "bob", "--key-type", "ecdsa-p256"],
    &["crl"],
    &["revoke", "app"],
    &["renew", "db1"],
];

#[test]
fn a_fifo_or_link_as_the_pki_directorys_lock_is_refused_at_once() {
    let d = fixture();
    let dir = d.path();
    let lock = dir.join("pki/.lock");
    for planted in ["a FIFO", "a symbolic link"] {
        let _ = std::fs::remove_file(&lock);
        if planted == "a FIFO" {
            mkfifo(&lock);
        } else {
            std::os::unix::fs::symlink(dir.join("elsewhere"), &lock).unwrap();
        }
        let before = snapshot(dir);
        for args in LOCKING {
            let out = run_bounded(dir, args);
            let message =
                format!("opening the lock file pki/.lock: not a regular file ({planted})");
            assert_one_line_error(&out, &message, &args.join(" "));
            assert_eq!(snapshot(dir), before, "{}: nothing written", args.join(" "));
        }
        assert!(
            !dir.join("elsewhere").exists(),
            "no lock made through the link"
        );
    }
}

#[test]
fn a_fifo_as_the_journal_or_the_index_is_refused_at_once() {
    let d = fixture();
    let dir = d.path();
    let journal = dir.join("pki/.txn");
    mkfifo(&journal);
    for args in LOCKING {
        let out = run_bounded(dir, args);
        let message = "reading pki/.txn: not a regular file (a FIFO)";
        assert_one_line_error(&out, message, &args.join(" "));
    }
    std::fs::remove_file(&journal).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", &journal).unwrap();
    let out = run_bounded(dir, &["crl"]);
    assert_one_line_error(
        &out,
        "reading pki/.txn: not a regular file (a symbolic link)",
        "crl with a linked journal",
    );
    std::fs::remove_file(&journal).unwrap();

    let index = dir.join("pki/index.txt");
    std::fs::rename(&index, dir.join("index.bak")).unwrap();
    mkfifo(&index);
    let before = snapshot(dir);
    for args in [&["crl"][..], &["revoke", "app"]] {
        let out = run_bounded(dir, args);
        let message = "reading pki/index.txt: not a regular file (a FIFO)";
        assert_one_line_error(&out, message, &args.join(" "));
    }
    assert_eq!(snapshot(dir), before, "nothing written");
}

/// A deployment directory that already holds the bundle, so that deploying
/// again takes the lock, reads no journal of its own, and writes nothing.
fn deployed(dir: &Path) -> std::path::PathBuf {
    let to = dir.join("tls");
    ok(dir, &["deploy", "server", "db1", "--to", "tls"]);
    to
}

/// While `deploy` runs again and again, another process puts a FIFO in
/// place of the lock or the journal and takes it away, as the directory's
/// owner may: between deploy's check of the entry and its open. No run may
/// hang; each one succeeds or fails with one line naming the entry.
#[test]
fn a_fifo_planted_during_deploy_never_hangs_it() {
    let d = fixture();
    let dir = d.path();
    let to = deployed(dir);
    let fifo = to.join("planted");
    mkfifo(&fifo);
    let stop = Arc::new(AtomicBool::new(false));
    let planter = {
        let (stop, to, fifo) = (stop.clone(), to.clone(), fifo.clone());
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let entry = to.join(if n.is_multiple_of(2) { ".lock" } else { ".txn" });
                let _ = std::fs::remove_file(&entry);
                let _ = std::fs::hard_link(&fifo, &entry);
                std::thread::yield_now();
                let _ = std::fs::remove_file(&entry);
                n += 1;
            }
        })
    };
    let started = Instant::now();
    let (mut runs, mut refused) = (0, 0);
    while runs < 250 && started.elapsed() < Duration::from_secs(30) {
        let args = ["deploy", "server", "db1", "--to", "tls"];
        let child = bounded(dir, 1 << 20, &args);
        let (out, _) = finish(child, "deploy while a FIFO is planted");
        runs += 1;
        if !out.status.success() {
            refused += 1;
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{err}");
            assert!(
                err.starts_with("certgen: error: ")
                    && err.lines().count() == 1
                    && (err.contains("tls/.lock") || err.contains("tls/.txn")),
                "{err}"
            );
        }
    }
    stop.store(true, Ordering::Relaxed);
    planter.join().unwrap();
    eprintln!("{runs} deployments, {refused} refused a planted FIFO, none hung");
}

/// A sparse journal of 3 GB in a deployment directory is refused by its
/// size, at once and in little memory (under a 1 GiB address-space limit).
#[test]
fn a_huge_sparse_journal_is_refused_by_its_size() {
    let d = fixture();
    let dir = d.path();
    let to = deployed(dir);
    let journal = to.join(".txn");
    std::fs::File::create(&journal)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    let args = ["deploy", "server", "db1", "--to", "tls"];
    let (out, took) = finish(bounded(dir, 1 << 20, &args), "deploy");
    assert_one_line_error(
        &out,
        "reading tls/.txn: too large: 3221225472 bytes (the limit is 64 MiB)",
        "deploy with a sparse journal",
    );
    assert!(took < Duration::from_secs(2), "refused in {took:?}");
    assert_eq!(
        std::fs::metadata(&journal).unwrap().len(),
        3 << 30,
        "kept for inspection"
    );
}

/// Set in a copy of this test binary that runs one command and reports its
/// peak memory (see [`peak_rss`]).
const PEAK_RSS_ARGS: &str = "CERTGEN_TEST_PEAK_RSS_ARGS";

/// Runs `certgen ARGS` in `dir` under a 1 GiB address-space limit and
/// returns its output and peak resident memory in KiB: a copy of this test
/// binary runs it as its only child and reports `getrusage(RUSAGE_CHILDREN)`.
fn peak_rss(dir: &Path, args: &[&str]) -> (i32, String, u64) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "bounds::peak_rss_of_one_command", "--nocapture"])
        .args(["--test-threads", "1"])
        .env(PEAK_RSS_ARGS, args.join("\u{1f}"))
        .current_dir(dir)
        .output()
        .expect("running the test binary");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.split_once(name).map(|(_, value)| value))
            .unwrap_or_else(|| panic!("no {name} in {text}"))
            .to_string()
    };
    let stderr = field("stderr=").replace('\u{1f}', "\n");
    let code = field("code=").parse().unwrap();
    (code, stderr, field("peak_rss_kib=").parse().unwrap())
}

/// Not a test of its own: the command [`peak_rss`] measures, when it is set.
#[test]
fn peak_rss_of_one_command() {
    let Ok(args) = std::env::var(PEAK_RSS_ARGS) else {
        return;
    };
    let args: Vec<&str> = args.split('\u{1f}').collect();
    let dir = std::env::current_dir().unwrap();
    let (out, _) = wait_bounded(bounded(&dir, 1 << 20, &args), &args.join(" "));
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .expect("getrusage");
    println!("code={}", out.status.code().unwrap_or(-1));
    println!("stderr={}", stderr(&out).replace('\n', "\u{1f}"));
    println!("peak_rss_kib={}", usage.max_rss());
}

/// `--from` keeps the distinct names it has read and stops at the first one
/// repeated: a 60 MB file of one name used to take some 680 bytes a line
/// (20 GB) before the repetition was found.
#[test]
fn from_holds_the_distinct_names_not_the_lines() {
    let d = fixture();
    let dir = d.path();
    let one_name = "app2\n".repeat(12_000_000);
    std::fs::write(dir.join("same.txt"), one_name).unwrap();
    let (code, err, kib) = peak_rss(dir, &["issue-client", "--from", "same.txt"]);
    eprintln!("--from a 60 MB file of one name: peak {kib} KiB");
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err,
        "certgen: error: issuing client certificates: app2 is named twice\nhint: name each server or user once\n"
    );
    assert!(kib < 64 << 10, "peak {kib} KiB");

    let mut distinct: String = (0..300_000).map(|i| format!("user{i:06}\n")).collect();
    distinct.push_str("# the first one again\nuser000000\n");
    std::fs::write(dir.join("distinct.txt"), distinct).unwrap();
    let (code, err, kib) = peak_rss(dir, &["issue-client", "--from", "distinct.txt"]);
    eprintln!("--from 300,000 names and one repeated: peak {kib} KiB");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("user000000 is named twice"), "{err}");
    assert!(kib < 128 << 10, "peak {kib} KiB");
    assert!(!dir.join("pki/users/user000000").exists(), "nothing issued");

    // A name that is not one stops the reading at its line, as on the
    // command line.
    std::fs::write(dir.join("bad.txt"), "ok1\no'brien\nok2\n").unwrap();
    let out = run_bounded(dir, &["issue-client", "--from", "bad.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).lines().next().unwrap(),
        "certgen: error: issuing client certificates: invalid name \"o'brien\": a quote (') is not allowed in a bundle name"
    );
}
