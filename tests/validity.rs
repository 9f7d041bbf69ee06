//! `--days` takes the durations every other option takes: a plain number of
//! days, or `30d`, `2w`, `12h`, on every command that issues a certificate.

use crate::common::*;
use std::path::Path;
use time::Duration;

/// notAfter - notBefore of a certificate file, less the clock-skew allowance
/// certgen puts before notBefore.
fn lifetime(path: &Path) -> Duration {
    let skew = Duration::minutes(5);
    with_cert(path, |c| {
        c.validity().not_after.to_datetime() - c.validity().not_before.to_datetime() - skew
    })
}

#[track_caller]
fn assert_about(got: Duration, want: Duration) {
    assert!(
        (got - want).abs() <= Duration::seconds(5),
        "lifetime {got}, expected {want}"
    );
}

#[test]
fn every_issuing_command_takes_a_duration() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(
        dir,
        &["init-ca", "--key-type", "ecdsa-p256", "--days", "52w"],
    );
    assert_about(lifetime(&dir.join("pki/ca-cert.pem")), Duration::weeks(52));
    ok(
        dir,
        &[
            "issue-server",
            "db1",
            "--key-type",
            "ecdsa-p256",
            "--days",
            "30d",
        ],
    );
    assert_about(
        lifetime(&dir.join("pki/servers/db1/server-cert.pem")),
        Duration::days(30),
    );
    ok(
        dir,
        &[
            "issue-client",
            "app",
            "--key-type",
            "ecdsa-p256",
            "--days",
            "12h",
        ],
    );
    assert_about(
        lifetime(&dir.join("pki/users/app/client-cert.pem")),
        Duration::hours(12),
    );
    ok(
        dir,
        &[
            "csr",
            "--cn",
            "ext.example.com",
            "--key-type",
            "ecdsa-p256",
            "--out",
            "ext.csr",
            "--out-key",
            "ext.key",
        ],
    );
    ok(
        dir,
        &["sign", "ext.csr", "--days", "2w", "--out", "ext.pem"],
    );
    assert_about(lifetime(&dir.join("ext.pem")), Duration::weeks(2));
    ok(
        dir,
        &[
            "issue-server",
            "db2",
            "--key-type",
            "ecdsa-p256",
            "--days",
            "90",
        ],
    );
    assert_about(
        lifetime(&dir.join("pki/servers/db2/server-cert.pem")),
        Duration::days(90),
    );
}

#[test]
fn a_longer_validity_than_the_ca_is_capped_with_a_warning() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(
        dir,
        &["init-ca", "--key-type", "ecdsa-p256", "--days", "10"],
    );
    let out = run(
        dir,
        &[
            "issue-server",
            "db1",
            "--key-type",
            "ecdsa-p256",
            "--days",
            "3w",
        ],
    );
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("validity capped at the CA's notAfter")
            && stderr(&out).contains("(asked for 21 days)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_durations_are_usage_errors() {
    let d = tempfile::tempdir().unwrap();
    for (args, value, reason) in [
        (
            &["init-ca", "--days", "30x"][..],
            "30x",
            "expected a number of days, or a number with d, w, h, m or s (30d, 2w, 12h)",
        ),
        (
            &["issue-server", "db1", "--days", "0"],
            "0",
            "a certificate's lifetime must be longer than zero",
        ),
        (
            &["issue-client", "app", "--days", "0d"],
            "0d",
            "a certificate's lifetime must be longer than zero",
        ),
        (
            &["sign", "x.csr", "--days", "200y"],
            "200y",
            "expected a number of days, or a number with d, w, h, m or s (30d, 2w, 12h)",
        ),
        (
            &["issue-server", "db1", "--days", "40000"],
            "40000",
            "more than 100 years",
        ),
    ] {
        let out = run(d.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let command = args[0];
        assert_eq!(
            stderr(&out),
            format!(
                "certgen: error: invalid value '{value}' for '--days <DURATION>': {reason}\nhint: run `certgen {command} --help`\n"
            ),
            "{args:?}"
        );
        assert!(
            std::fs::read_dir(d.path()).unwrap().next().is_none(),
            "{args:?} wrote nothing"
        );
    }
}

#[test]
fn help_says_what_days_accepts() {
    let d = tempfile::tempdir().unwrap();
    for command in ["init-ca", "sign", "issue-server", "issue-client"] {
        let help = ok(d.path(), &[command, "--help"]);
        assert!(
            help.contains("--days <DURATION>") && help.contains("30d, 2w, 12h"),
            "{command}: {help}"
        );
    }
}

/// The hidden `--now` is the time an issuing command takes as now: notBefore
/// five minutes before it, notAfter exactly the lifetime after it.
#[test]
fn a_pinned_now_fixes_the_validity() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let json = ok(
        dir,
        &[
            "init-ca",
            "--now",
            "2030-01-01T00:00:00Z",
            "--key-type",
            "ecdsa-p256",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let cert = &v["certificate"];
    assert_eq!(cert["not_before"], "2029-12-31T23:55:00Z", "{json}");
    assert_eq!(
        cert["not_after"], "2039-12-30T00:00:00Z",
        "3650 days: {json}"
    );
    with_cert(&dir.join("pki/ca-cert.pem"), |c| {
        assert_eq!(
            c.validity().not_before.to_datetime(),
            ::time::macros::datetime!(2029-12-31 23:55 UTC)
        );
        assert_eq!(
            c.validity().not_after.to_datetime(),
            ::time::macros::datetime!(2039-12-30 00:00 UTC)
        );
    });
    // Given before the command, as a Unix time, with --days.
    let json = ok(
        dir,
        &[
            "--now",
            "1893456000",
            "issue-server",
            "db1",
            "--key-type",
            "ecdsa-p256",
            "--days",
            "2w",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["certificate"]["not_before"], "2029-12-31T23:55:00Z");
    assert_eq!(v["certificate"]["not_after"], "2030-01-15T00:00:00Z");
}

#[test]
fn now_stays_out_of_help() {
    let d = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["init-ca", "--help"],
        &["verify", "--help"],
    ] {
        let help = ok(d.path(), args);
        assert!(help.contains("--dir <DIR>"), "{args:?}: {help}");
        assert!(!help.contains("--now"), "{args:?}: {help}");
    }
}
