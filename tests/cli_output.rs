//! Output conventions: results on stdout, diagnostics on stderr, no progress
//! bar off a terminal, colour on request, a closed pipe is not an error.

use crate::common::*;
use std::io::Read;
use std::process::Stdio;

#[test]
fn bulk_issuance_off_a_terminal_prints_no_progress_bar() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "-q", "--key-type", "ecdsa-p256"]);
    let users: Vec<String> = (0..50).map(|i| format!("u{i}")).collect();
    let mut args = vec!["issue-client", "--key-type", "ecdsa-p256"];
    args.extend(users.iter().map(String::as_str));
    let out = run(dir, &args);
    assert!(out.status.success());
    assert_eq!(
        stderr(&out),
        format!("issued 50 client certificates in {}\n", "pki/users")
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 50);
    let out = run(
        dir,
        &["-q", "issue-client", "v1", "--key-type", "ecdsa-p256"],
    );
    assert!(out.stderr.is_empty(), "-q silences status lines");
    assert!(!out.stdout.is_empty(), "but not results");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let d = tempfile::tempdir().unwrap();
    let out = run(d.path(), &["--color", "always", "issue-server", "x"]);
    assert!(
        stderr(&out).contains("\x1b[1;31merror:\x1b[0m"),
        "{:?}",
        stderr(&out)
    );
    let out = run(d.path(), &["issue-server", "x"]);
    assert!(
        stderr(&out).starts_with("certgen: error: "),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains('\x1b'));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let d = tempfile::tempdir().unwrap();
    let mut child = certgen(d.path())
        .args(["completions", "zsh"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "exit {status:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn setup_prints_settings_and_sql_and_is_idempotent() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let out = ok(
        dir,
        &[
            "setup",
            "mysql",
            "--host",
            "db.example.com,localhost",
            "--user",
            "app",
            "--key-type",
            "ecdsa-p256",
            "--ca-key-type",
            "ecdsa-p256",
        ],
    );
    assert!(out.contains("[mysqld]\nssl_ca = "), "{out}");
    assert!(
        out.contains("servers/db.example.com/server-cert.pem"),
        "{out}"
    );
    assert!(out.contains("ssl-mode = VERIFY_IDENTITY"), "{out}");
    assert!(
        out.contains("ALTER USER 'app'@'%' REQUIRE SUBJECT '/CN=app' AND ISSUER '/CN=certgen CA';"),
        "{out}"
    );
    let sans = with_cert(
        &dir.join("pki/servers/db.example.com/server-cert.pem"),
        |c| {
            c.subject_alternative_name()
                .unwrap()
                .unwrap()
                .value
                .general_names
                .iter()
                .map(|g| g.to_string())
                .collect::<Vec<_>>()
        },
    );
    assert_eq!(
        sans,
        [
            "DNSName(db.example.com)",
            "DNSName(localhost)",
            "IPAddress(7f:00:00:01)",
            "IPAddress(00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:01)"
        ]
    );
    let before = snapshot(&dir.join("pki"));
    let again = run(
        dir,
        &[
            "setup",
            "mysql",
            "--host",
            "db.example.com,localhost",
            "--user",
            "app",
        ],
    );
    assert!(again.status.success());
    assert!(
        stderr(&again).contains("kept the existing"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        out,
        "the same settings again"
    );
    assert_eq!(
        snapshot(&dir.join("pki")),
        before,
        "nothing reissued without --force"
    );
}
