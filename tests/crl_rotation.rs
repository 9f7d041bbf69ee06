//! CRLs across a CA changeover: a file holding the CRLs of two CAs of the
//! same name, as `rotate-ca` leaves them, read as `openssl verify
//! -crl_check` reads it.

mod common;

use std::path::Path;

use common::*;

const T0: &str = "2030-01-01T00:00:00Z";

fn at(dir: &Path, now: &str, args: &[&str]) -> String {
    let mut all = vec!["--now", now];
    all.extend_from_slice(args);
    ok(dir, &all)
}

/// `certgen verify CERT --crl CRL` as JSON: (exit code, reason code).
fn verify_crl(dir: &Path, cert: &str, ca: &str, crl: &str) -> (Option<i32>, String) {
    let out = run(
        dir,
        &[
            "verify",
            cert,
            "--ca",
            ca,
            "--purpose",
            "client",
            "--crl",
            crl,
            "--at",
            "2030-01-02T00:00:00Z",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(&out)
        )
    });
    let code = v["reason"]["code"].as_str().unwrap_or("").to_string();
    (out.status.code(), code)
}

#[test]
fn verify_picks_the_issuers_crl_among_crls_of_cas_of_one_name() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    at(dir, T0, &["init-ca", "--key-type", "ecdsa-p256"]);
    at(
        dir,
        T0,
        &["issue-client", "app", "bob", "--key-type", "ecdsa-p256"],
    );
    at(dir, T0, &["revoke", "app"]);
    at(dir, T0, &["crl", "--out", "ours.pem"]);
    // Another CA of the same name, whose CRL lists nothing, first in the file.
    at(
        dir,
        T0,
        &["--dir", "other", "init-ca", "--key-type", "ecdsa-p256"],
    );
    at(dir, T0, &["--dir", "other", "crl", "--out", "theirs.pem"]);
    let both = [
        std::fs::read(dir.join("theirs.pem")).unwrap(),
        std::fs::read(dir.join("ours.pem")).unwrap(),
    ]
    .concat();
    std::fs::write(dir.join("both.pem"), both).unwrap();
    let ca = "pki/ca-cert.pem";
    let app = "pki/users/app/client-cert.pem";
    let bob = "pki/users/bob/client-cert.pem";
    assert_eq!(
        verify_crl(dir, bob, ca, "both.pem"),
        (Some(0), String::new())
    );
    assert_eq!(
        verify_crl(dir, app, ca, "both.pem"),
        (Some(1), "revoked".into())
    );
    // Only the other CA's: not signed by the issuer's key.
    assert_eq!(
        verify_crl(dir, bob, ca, "theirs.pem"),
        (Some(1), "crl-unusable".into())
    );
    if have_openssl() {
        let check = |cert: &str| {
            openssl(
                dir,
                &[
                    "verify",
                    "-attime",
                    "1893542400",
                    "-crl_check",
                    "-CRLfile",
                    "both.pem",
                    "-CAfile",
                    ca,
                    cert,
                ],
            )
        };
        let (accepted, text) = check(bob);
        assert!(accepted, "{text}");
        let (accepted, text) = check(app);
        assert!(!accepted && text.contains("certificate revoked"), "{text}");
    }
}
