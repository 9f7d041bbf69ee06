//! Every file certgen is pointed at goes through one reader: a FIFO, a device
//! or a directory is refused at once with what it is, and no file or stdin is
//! read past 64 MiB. Each run here is killed if it takes more than a few
//! seconds (a hang) and runs under a 1 GiB address-space limit (a read of
//! `/dev/zero` that grows without bound).

use std::fs::File;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// Far longer than any of these commands needs (a few milliseconds), far
/// shorter than a hang.
const TIMEOUT: Duration = Duration::from_secs(5);

/// The exact size over the limit, as the message gives it.
const OVER_LIMIT: u64 = (64 << 20) + 1;

/// `certgen ARGS` in `dir`, hermetic, with at most 1 GiB of address space.
fn bounded(dir: &Path, args: &[&str]) -> Command {
    let limited = ["-c", r#"ulimit -v 1048576 && exec "$0" "$@""#];
    let mut cmd = certgen_via("sh", &limited, dir);
    cmd.args(args).stdin(Stdio::null());
    cmd
}

/// Waits for the child, killing it and failing the test after [`TIMEOUT`].
fn finish(mut child: Child, what: &str) -> Output {
    let start = Instant::now();
    while child.try_wait().expect("waiting for certgen").is_none() {
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("collecting the output");
    assert_no_panic(&out);
    out
}

fn run_bounded(dir: &Path, args: &[&str]) -> Output {
    let child = bounded(dir, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting certgen");
    finish(child, &args.join(" "))
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(made.success(), "mkfifo {}", path.display());
}

/// A PKI with a CA and a server certificate, a CSR, and a FIFO `fifo.pem`.
fn fixture() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(
        dir,
        &["init-ca", "--key-type", "ecdsa-p256", "--cn", "Test CA"],
    );
    ok(dir, &["issue-server", "db1", "--key-type", "ecdsa-p256"]);
    mkfifo(&dir.join("fifo.pem"));
    d
}

const LEAF: &str = "pki/servers/db1/server-cert.pem";

/// Asserts exit code 2 and exactly one error line, `certgen: error: MESSAGE`.
fn assert_error(out: &Output, message: &str, what: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{what}: {err}");
    assert_eq!(err, format!("certgen: error: {message}\n"), "{what}");
}

#[test]
fn a_fifo_is_refused_at_once_by_every_command() {
    let d = fixture();
    let dir = d.path();
    let fifo = "fifo.pem";
    let refused = "reading fifo.pem: not a regular file (a FIFO)";
    let cases: &[&[&str]] = &[
        &["verify", fifo],
        &["verify", LEAF, "--ca", fifo],
        &["verify", LEAF, "--chain", fifo],
        &["verify", LEAF, "--key", fifo],
        &["sign", fifo],
        &["inspect", fifo],
        &["issue-client", "--from", fifo],
    ];
    for args in cases {
        let out = run_bounded(dir, args);
        assert_error(&out, refused, &args.join(" "));
    }
    let out = run_bounded(dir, &["check-expiry", fifo]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let row = text.lines().nth(1).unwrap_or_default();
    assert!(
        row.starts_with("UNKNOWN") && row.ends_with("fifo.pem  not a regular file (a FIFO)"),
        "{text}"
    );
}

#[test]
fn dev_zero_is_refused_without_reading_it() {
    let d = fixture();
    let dir = d.path();
    let zero = "/dev/zero";
    let refused = "reading /dev/zero: not a regular file (a device)";
    let cases: &[&[&str]] = &[
        &["verify", zero],
        &["verify", LEAF, "--ca", zero],
        &["verify", LEAF, "--chain", zero],
        &["verify", LEAF, "--key", zero],
        &["sign", zero],
        &["inspect", zero],
        &["issue-client", "--from", zero],
    ];
    for args in cases {
        let out = run_bounded(dir, args);
        assert_error(&out, refused, &args.join(" "));
    }
    let out = run_bounded(dir, &["check-expiry", zero]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("/dev/zero  not a regular file (a device)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_directory_is_refused_by_what_it_is() {
    let d = fixture();
    let out = run_bounded(d.path(), &["verify", "pki/servers"]);
    assert_error(
        &out,
        "reading pki/servers: not a regular file (a directory)",
        "verify DIR",
    );
}

#[test]
fn a_name_list_that_is_not_text_is_refused() {
    let d = fixture();
    write(&d.path().join("users.txt"), b"alice\n\xff\xfe\n");
    let out = run_bounded(d.path(), &["issue-client", "--from", "users.txt"]);
    assert_error(
        &out,
        "reading users.txt: not UTF-8 text",
        "--from users.txt",
    );
    assert!(!d.path().join("pki/users").exists(), "nothing issued");
}

#[test]
fn endless_stdin_for_from_is_cut_at_the_limit() {
    let d = fixture();
    let child = bounded(d.path(), &["issue-client", "--from", "-"])
        .stdin(File::open("/dev/zero").unwrap())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = finish(child, "issue-client --from - < /dev/zero");
    assert_error(
        &out,
        "reading names from stdin: too large (the limit is 64 MiB)",
        "--from -",
    );
    assert!(!d.path().join("pki/users").exists(), "nothing issued");
}

#[test]
fn dev_stdin_on_a_fifo_is_refused_at_once() {
    let d = fixture();
    // Opened read-write, the FIFO has a writer that never writes: reading it
    // would wait forever.
    let fifo = File::options()
        .read(true)
        .write(true)
        .open(d.path().join("fifo.pem"))
        .unwrap();
    let child = bounded(d.path(), &["verify", "/dev/stdin"])
        .stdin(fifo)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = finish(child, "verify /dev/stdin < fifo");
    assert_error(
        &out,
        "reading /dev/stdin: not a regular file (a FIFO)",
        "/dev/stdin",
    );
}

#[test]
fn a_file_over_64_mib_is_refused_by_verify_as_by_inspect() {
    let d = fixture();
    let dir = d.path();
    File::create(dir.join("big.pem"))
        .unwrap()
        .set_len(OVER_LIMIT)
        .unwrap();
    let refused = format!("reading big.pem: too large: {OVER_LIMIT} bytes (the limit is 64 MiB)");
    let cases: &[&[&str]] = &[
        &["inspect", "big.pem"],
        &["verify", "big.pem"],
        &["verify", LEAF, "--ca", "big.pem"],
        &["sign", "big.pem"],
    ];
    for args in cases {
        let out = run_bounded(dir, args);
        assert_error(&out, &refused, &args.join(" "));
    }
}

#[test]
fn the_pki_directorys_own_files_are_read_the_same_way() {
    let d = fixture();
    let dir = d.path();
    std::fs::remove_file(dir.join("pki/ca-key.pem")).unwrap();
    mkfifo(&dir.join("pki/ca-key.pem"));
    let out = run_bounded(dir, &["issue-client", "app"]);
    assert_error(
        &out,
        "reading pki/ca-key.pem: not a regular file (a FIFO)",
        "CA key",
    );
    std::fs::remove_file(dir.join("pki/index.txt")).unwrap();
    mkfifo(&dir.join("pki/index.txt"));
    let out = run_bounded(dir, &["list"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("reading pki/index.txt: not a regular file (a FIFO)"),
        "{}",
        stderr(&out)
    );
}
