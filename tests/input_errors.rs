//! What operators type and name on the command line: a plain date for
//! `--at`, and files given to `verify` that cannot be used, which are input
//! errors naming the file and what it holds (exit 2), never ignored.

use std::path::Path;

use crate::common::*;

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

/// `verify`'s files: one that holds something else, is empty or does not
/// parse is an input error (exit 2) naming the file and what it holds,
/// never left out of the path (`--chain`) nor reported as a rejection
/// (`--ca`: "issuer not trusted").
#[test]
fn verify_names_a_file_it_cannot_use_and_what_it_holds() {
    let d = pki_of_2027();
    let dir = d.path();
    let at = ["--at", "2027-01-15"];
    ok(
        dir,
        &["csr", "--cn", "x", "--out", "x.csr", "--out-key", "x.key"],
    );
    let leaf_der = cert_der(&dir.join(LEAF));
    std::fs::write(dir.join("leaf.der"), &leaf_der).unwrap();
    std::fs::write(dir.join("truncated.der"), &leaf_der[..100]).unwrap();
    std::fs::write(dir.join("empty"), "").unwrap();
    let csr_pem = std::fs::read_to_string(dir.join("x.csr")).unwrap();
    let csr_der = pem::parse(&csr_pem).unwrap().into_contents();
    std::fs::write(dir.join("x.csr.der"), csr_der).unwrap();
    let ok_with = |args: &[&str]| {
        let out = run(dir, &[&["verify", LEAF][..], &at, args].concat());
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    };
    ok_with(&[]);
    ok_with(&["--chain", "empty"]);
    let nothing = "nothing recognisable in it (Parsing Error: NomError(Eof))";
    let cases: &[(&[&str], String)] = &[
        (
            &["--chain", "truncated.der"],
            format!("truncated.der: not a valid certificate: {nothing}"),
        ),
        (
            &["--ca", "truncated.der"],
            format!("truncated.der: not a valid certificate: {nothing}"),
        ),
        (
            &["--crl", "truncated.der"],
            format!("truncated.der: not a valid CRL: {nothing}"),
        ),
        (
            &["--ca", "x.csr"],
            "x.csr: holds a certificate request, not a certificate".into(),
        ),
        (
            &["--chain", "x.csr.der"],
            "x.csr.der: holds a certificate request, not a certificate".into(),
        ),
        (
            &["--crl", "x.csr"],
            "x.csr: holds a certificate request, not a CRL".into(),
        ),
        (
            &["--key", "x.csr"],
            "x.csr: holds a certificate request, not a private key".into(),
        ),
        (
            &["--key", "x.csr.der"],
            "x.csr.der: holds a certificate request, not a private key".into(),
        ),
        (
            &["--key", "leaf.der"],
            "leaf.der: holds a certificate, not a private key".into(),
        ),
        (
            &["--crl", "leaf.der"],
            "leaf.der: holds a certificate, not a CRL".into(),
        ),
        (
            &["--crl", "x.key"],
            "x.key: holds a private key, not a CRL".into(),
        ),
        (
            &["--ca", "x.key"],
            "x.key: holds a private key, not a certificate".into(),
        ),
        (&["--key", "empty"], "empty: the file is empty".into()),
        (&["--ca", "empty"], "empty: the file is empty".into()),
        (&["--crl", "empty"], "empty: the file is empty".into()),
    ];
    for (args, message) in cases {
        let before = snapshot(dir);
        let out = run(dir, &[&["verify", LEAF][..], &at, args].concat());
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(
            err.lines().next().unwrap_or_default(),
            format!("certgen: error: {message}"),
            "{args:?}"
        );
        assert!(out.stdout.is_empty(), "{args:?}: no verdict");
        assert_eq!(snapshot(dir), before, "{args:?}: nothing written");
    }
}

/// An RSA key of 16384 bits (OpenSSL's largest) made by openssl, and a CA
/// certificate of it.
const RSA16384_KEY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/rsa16384-key.pem");
const RSA16384_CA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/rsa16384-ca.pem");

/// The "public key SHA-256" line `inspect` prints for `file`.
fn public_key_fingerprint(dir: &Path, file: &str) -> String {
    let text = ok(dir, &["inspect", file]);
    text.lines()
        .find(|l| l.trim_start().starts_with("public key SHA-256:"))
        .unwrap_or_else(|| panic!("{text}"))
        .to_string()
}

/// RSA keys of up to 16384 bits are read (described, matched to their
/// certificate); one of more than 8192 bits is not signed with, and says so.
#[test]
fn rsa_keys_of_16384_bits_are_read() {
    let d = pki_of_2027();
    let dir = d.path();
    let text = ok(dir, &["inspect", RSA16384_KEY]);
    assert!(text.contains("RSA 16384 bits"), "{text}");
    assert_eq!(
        public_key_fingerprint(dir, RSA16384_KEY),
        public_key_fingerprint(dir, RSA16384_CA)
    );
    // Read, and found not to be the leaf's key: a rejection, not an input error.
    let out = run(
        dir,
        &["verify", LEAF, "--at", "2027-01-15", "--key", RSA16384_KEY],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));

    let big = dir.join("big");
    std::fs::create_dir(&big).unwrap();
    std::fs::copy(RSA16384_CA, big.join("ca-cert.pem")).unwrap();
    std::fs::copy(RSA16384_KEY, big.join("ca-key.pem")).unwrap();
    let before = snapshot(dir);
    let out = run(dir, &["--dir", "big", "issue-client", "bob"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "certgen: error: big/ca-key.pem: an RSA key of 16384 bits is read, but certgen signs only with RSA keys of up to 8192 bits\n"
    );
    assert_eq!(snapshot(dir), before, "nothing written");
}
