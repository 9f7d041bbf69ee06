//! Command-line mistakes get certgen's own two lines, `certgen: error: ...`
//! and `hint: ...`, exit 2 (3 for check-expiry); help and version still print
//! as usual and exit 0.

use crate::common::*;

/// Runs certgen in an empty directory and returns (exit code, stderr lines).
fn refused(args: &[&str]) -> (Option<i32>, Vec<String>) {
    let d = tempfile::tempdir().unwrap();
    let out = run(d.path(), args);
    assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
    assert!(
        std::fs::read_dir(d.path()).unwrap().next().is_none(),
        "{args:?}: nothing written"
    );
    let lines = stderr(&out).lines().map(String::from).collect();
    (out.status.code(), lines)
}

#[track_caller]
fn assert_refused(args: &[&str], code: i32, error: &str, hint: &str) {
    let (got, lines) = refused(args);
    assert_eq!(got, Some(code), "{args:?}: {lines:#?}");
    assert_eq!(
        lines,
        [format!("certgen: error: {error}"), format!("hint: {hint}")],
        "{args:?}"
    );
}

#[test]
fn an_unknown_command() {
    assert_refused(
        &["nosuchcommand"],
        2,
        "unrecognized subcommand 'nosuchcommand'",
        "run `certgen --help`",
    );
    assert_refused(
        &["issue-sever", "db1"],
        2,
        "unrecognized subcommand 'issue-sever'",
        "similar commands exist: `certgen issue-client`, `certgen issue-server`",
    );
    assert_refused(
        &["isue-server", "db1"],
        2,
        "unrecognized subcommand 'isue-server'",
        "a similar command exists: `certgen issue-server`",
    );
}

#[test]
fn a_missing_argument() {
    assert_refused(
        &["issue-server"],
        2,
        "the following required arguments were not provided: <NAME>",
        "run `certgen issue-server --help`",
    );
    assert_refused(
        &["init-ca", "--intermediate"],
        2,
        "the following required arguments were not provided: --parent <DIR>",
        "run `certgen init-ca --help`",
    );
}

#[test]
fn an_option_before_its_command() {
    assert_refused(
        &["--days", "x"],
        2,
        "unexpected argument '--days' found",
        "--days is an option of init-ca, sign, issue-server, issue-client, crl, renew and rotate-ca: give it after the command",
    );
}

#[test]
fn a_bad_value() {
    assert_refused(
        &["init-ca", "--key-type", "ecdsa"],
        2,
        "invalid value 'ecdsa' for '--key-type <KEY_TYPE>' [possible values: rsa2048, rsa3072, rsa4096, ecdsa-p256, ecdsa-p384, ed25519]",
        "a similar value exists: `ecdsa-p384`",
    );
    assert_refused(
        &["issue-server", "db1", "--dayz", "3"],
        2,
        "unexpected argument '--dayz' found",
        "a similar option exists: `--days`",
    );
}

#[test]
fn check_expiry_usage_errors_exit_3() {
    let (code, lines) = refused(&["check-expiry", "--warn", "x"]);
    assert_eq!(code, Some(3), "{lines:#?}");
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(
        lines[0].starts_with("certgen: error: invalid value 'x' for '--warn <DURATION>': "),
        "{lines:#?}"
    );
    assert_eq!(lines[1], "hint: run `certgen check-expiry --help`");
    for args in [
        &["check-expiry", "--format", "xml"][..],
        &["check-expiry", "--color", "sometimes"],
        &["check-expiry", "--no-such-flag"],
        &["check-expiry", "--at", "yesterday"],
        // A value left out (an unset Nagios macro), where clap names no command.
        &["check-expiry", "--warn"],
        &["check-expiry", "--warn", "--crit", "7d"],
        &["check-expiry", "--format"],
        // A mistake in a global option before the command: still a check
        // that could not run, which Nagios must read as UNKNOWN.
        &["--color", "sometimes", "check-expiry"],
        &["--dri", "x", "check-expiry"],
    ] {
        let (code, lines) = refused(args);
        assert_eq!(code, Some(3), "{args:?}: {lines:#?}");
        assert_eq!(lines.len(), 2, "{args:?}: {lines:#?}");
        assert!(lines[0].starts_with("certgen: error: "), "{lines:#?}");
        assert!(lines[1].starts_with("hint: "), "{lines:#?}");
    }
    // Other commands keep 2.
    let (code, _) = refused(&["--color", "sometimes", "list"]);
    assert_eq!(code, Some(2));
    let (code, _) = refused(&["list", "--at"]);
    assert_eq!(code, Some(2));
}

#[test]
fn help_and_version_still_print_and_exit_0() {
    let d = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["--version"],
        &["check-expiry", "--help"],
        &["help", "issue-server"],
    ] {
        let out = run(d.path(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(out.stderr.is_empty(), "{args:?}");
        assert!(!out.stdout.is_empty(), "{args:?}");
    }
    let out = run(d.path(), &[]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "no command: the help, as an error"
    );
    assert!(stderr(&out).contains("Usage: certgen"));
}
