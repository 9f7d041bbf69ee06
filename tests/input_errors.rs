//! What operators type and name on the command line: a plain date for
//! `--at`, and files given to `verify` that cannot be used, which are input
//! errors naming the file and what it holds (exit 2), never ignored.

mod common;

use std::path::Path;

use common::*;

/// A PKI made at 2027-01-01 with a server certificate valid for 31 days.
fn pki_of_2027() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let now = "2027-01-01T00:00:00Z";
    ok(
        dir,
        &[
            "--now",
            now,
            "init-ca",
            "--key-type",
            "ecdsa-p256",
            "--cn",
            "Test CA",
        ],
    );
    ok(
        dir,
        &[
            "--now",
            now,
            "issue-server",
            "db1",
            "--key-type",
            "ecdsa-p256",
            "--days",
            "31",
        ],
    );
    d
}

const LEAF: &str = "pki/servers/db1/server-cert.pem";

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = run(dir, args);
    assert!(!stderr(&out).contains("error"), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn a_date_given_to_at_is_its_midnight_utc() {
    let d = pki_of_2027();
    let dir = d.path();
    for (date, instant) in [
        ("2027-01-15", "2027-01-15T00:00:00Z"),
        ("2027-02-01", "2027-02-01T00:00:00Z"),
        ("2027-03-01", "2027-03-01T00:00:00Z"),
    ] {
        let verify = |at| json(dir, &["verify", LEAF, "--at", at, "--format", "json"]);
        let by_date = verify(date);
        assert_eq!(by_date["checked_at"], instant);
        assert_eq!(by_date, verify(instant), "verify --at {date}");
        let expiry = |at| json(dir, &["check-expiry", "--at", at, "--format", "json"]);
        let by_date = expiry(date);
        assert_eq!(by_date["checked_at"], instant);
        assert_eq!(by_date, expiry(instant), "check-expiry --at {date}");
    }
    let at = |date| json(dir, &["verify", LEAF, "--at", date, "--format", "json"])["valid"].clone();
    assert_eq!(at("2027-01-31"), true);
    assert_eq!(at("2027-03-01"), false);
    let out = run(dir, &["verify", LEAF, "--at", "2027-02-30"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "invalid value '2027-02-30' for '--at <TIME>': expected RFC 3339 (2026-11-22T13:50:01Z), a date (2026-11-22) or Unix seconds"
        ),
        "{}",
        stderr(&out)
    );
}
