//! `certgen rotate-ca`: during the changeover certificates of the old and the
//! new CA both verify against `ca-bundle.pem` (which every bundle's
//! `ca-cert.pem` holds); `renew --all` re-issues every leaf under the new CA;
//! `--finish` drops the old root once nothing valid chains to it. The old CA
//! is archived byte for byte.

use crate::common::*;
use std::path::Path;

const T1: &str = "2030-02-01T00:00:00Z";
const T2: &str = "2030-02-02T00:00:00Z";
/// Unix time of 2030-03-01, for openssl verify -attime.
const LATER: &str = "1898553600";

/// A PKI made at T0 with the server db1 and the users alice and bob.
fn pki() -> tempfile::TempDir {
    pki_at_t0(&[
        &["issue-server", "db1.example", "--key-type", "ecdsa-p256"],
        &["issue-client", "alice", "bob", "--key-type", "ecdsa-p256"],
    ])
}

fn pem_count(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .unwrap()
        .matches("-----BEGIN CERTIFICATE-----")
        .count()
}

fn openssl_verify(dir: &Path, ca: &str, cert: &str) -> (bool, String) {
    openssl(
        dir,
        &[
            "verify",
            "-x509_strict",
            "-attime",
            LATER,
            "-purpose",
            "sslclient",
            "-CAfile",
            ca,
            cert,
        ],
    )
}

fn valid_files(dir: &Path) -> Vec<String> {
    let out = ok(
        dir,
        &at(T2, &["list", "--status", "valid", "--format", "json"]),
    );
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    rows.iter()
        .map(|r| r["file"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_changeover_trusts_both_roots_and_ends_with_the_new_one_alone() {
    let d = pki();
    let dir = d.path();
    let pki = dir.join("pki");
    let old_cert = std::fs::read(pki.join("ca-cert.pem")).unwrap();
    let old_key = std::fs::read(pki.join("ca-key.pem")).unwrap();
    let old_alice = std::fs::read(pki.join("users/alice/ca-cert.pem")).unwrap();

    let out = ok(dir, &at(T1, &["rotate-ca"]));
    assert!(out.contains("new CA /CN=certgen CA (ECDSA P-256"), "{out}");
    assert!(out.contains("and the ca-cert.pem of 3 bundles"), "{out}");

    // The old CA is archived byte for byte; the new one has another key.
    let archive: Vec<_> = std::fs::read_dir(pki.join("old_keys"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(archive.len(), 1);
    assert_eq!(
        std::fs::read(archive[0].join("ca-cert.pem")).unwrap(),
        old_cert
    );
    assert_eq!(
        std::fs::read(archive[0].join("ca-key.pem")).unwrap(),
        old_key
    );
    assert_eq!(
        std::fs::read(archive[0].join("users/alice/ca-cert.pem")).unwrap(),
        old_alice
    );
    std::fs::write(dir.join("old-ca.pem"), &old_cert).unwrap();
    assert_ne!(
        spki(&pki.join("ca-cert.pem")),
        spki(&dir.join("old-ca.pem"))
    );
    with_cert(&pki.join("ca-cert.pem"), |c| {
        assert_eq!(c.subject().to_string(), "CN=certgen CA", "the same subject");
        assert_eq!(c.validity().not_before.to_datetime().year(), 2030);
    });

    // During the changeover: the bundle and every bundle's ca-cert.pem hold
    // both roots, and leaves of either CA verify against them.
    assert_eq!(pem_count(&pki.join("ca-bundle.pem")), 2);
    for b in ["servers/db1.example", "users/alice", "users/bob"] {
        assert_eq!(
            std::fs::read(pki.join(b).join("ca-cert.pem")).unwrap(),
            std::fs::read(pki.join("ca-bundle.pem")).unwrap(),
            "{b}"
        );
    }
    ok(
        dir,
        &at(T1, &["issue-client", "carol", "--key-type", "ecdsa-p256"]),
    );
    assert_eq!(pem_count(&pki.join("users/carol/ca-cert.pem")), 2);
    for user in ["alice", "carol"] {
        let cert = format!("pki/users/{user}/client-cert.pem");
        ok(
            dir,
            &[
                "verify",
                &cert,
                "--purpose",
                "client",
                "--at",
                "2030-03-01T00:00:00Z",
            ],
        );
        if have_openssl() {
            let (good, text) = openssl_verify(dir, "pki/ca-bundle.pem", &cert);
            assert!(good, "{user} against the bundle: {text}");
        }
    }
    if have_openssl() {
        let (good, _) = openssl_verify(dir, "old-ca.pem", "pki/users/carol/client-cert.pem");
        assert!(!good, "carol is the new CA's");
        let (good, _) = openssl_verify(dir, "pki/ca-cert.pem", "pki/users/alice/client-cert.pem");
        assert!(!good, "alice is still the old CA's");
    }

    // Finishing now is refused, naming what still needs the old root.
    let before = snapshot(&pki);
    let out = run(dir, &at(T1, &["rotate-ca", "--finish"]));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("3 valid certificates still chain to the old CA: servers/db1.example/server-cert.pem (serial "),
        "{err}"
    );
    for f in [
        "users/alice/client-cert.pem (serial ",
        "users/bob/client-cert.pem (serial ",
    ] {
        assert!(err.contains(f), "{f}: {err}");
    }
    assert!(err.contains("hint: renew the bundles (servers/, users/) with `certgen renew --all`"));
    assert_eq!(snapshot(&pki), before, "a refused --finish writes nothing");
    let out = run(dir, &at(T1, &["rotate-ca"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("a CA changeover is in progress"));

    ok(dir, &at(T2, &["renew", "--all", "-q"]));
    ok(dir, &at(T2, &["rotate-ca", "--finish", "-q"]));
    assert!(!pki.join("ca-bundle.pem").exists());
    let files = valid_files(dir);
    assert_eq!(files.len(), 4, "{files:?}");
    for f in &files {
        let bundle_ca = Path::new(f).parent().unwrap().join("ca-cert.pem");
        assert_eq!(
            std::fs::read(pki.join(bundle_ca)).unwrap(),
            std::fs::read(pki.join("ca-cert.pem")).unwrap(),
            "{f}: the new root alone"
        );
        if have_openssl() {
            let cert = format!("pki/{f}");
            let (good, text) = openssl(
                dir,
                &[
                    "verify",
                    "-x509_strict",
                    "-attime",
                    LATER,
                    "-CAfile",
                    "pki/ca-cert.pem",
                    &cert,
                ],
            );
            assert!(good, "{f} chains to the new CA: {text}");
            let (good, _) = openssl(
                dir,
                &["verify", "-attime", LATER, "-CAfile", "old-ca.pem", &cert],
            );
            assert!(!good, "{f} no longer chains to the old CA");
        }
    }
}

#[test]
fn an_encrypted_ca_key_stays_encrypted_with_the_same_passphrase() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    std::fs::write(dir.join("pass"), "correct horse\n").unwrap();
    let with_pass = |args: &[&str]| {
        let mut v = at(T0, args);
        v.extend(["--passphrase-file", "pass"]);
        ok(dir, &v)
    };
    with_pass(&["init-ca", "--encrypt", "--key-type", "ecdsa-p256"]);
    with_pass(&["issue-client", "alice", "--key-type", "ecdsa-p256"]);
    let out = with_pass(&["rotate-ca", "--key-type", "ecdsa-p384", "--cn", "New CA"]);
    assert!(out.contains("new CA /CN=New CA (ECDSA P-384"), "{out}");
    assert!(out.contains("key encrypted"), "{out}");
    let key = std::fs::read_to_string(dir.join("pki/ca-key.pem")).unwrap();
    assert!(key.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    if have_openssl() {
        let (good, text) = openssl(
            dir,
            &[
                "pkey",
                "-in",
                "pki/ca-key.pem",
                "-passin",
                "file:pass",
                "-noout",
            ],
        );
        assert!(good, "{text}");
    }
    with_pass(&["renew", "--all", "-q"]);
    with_cert(&dir.join("pki/users/alice/client-cert.pem"), |c| {
        assert_eq!(c.issuer().to_string(), "CN=New CA");
    });
    ok(dir, &at(T0, &["rotate-ca", "--finish", "-q"]));
}

#[test]
fn an_intermediate_ca_is_refused_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(
        dir,
        &at(
            T0,
            &[
                "--dir",
                "root",
                "init-ca",
                "--key-type",
                "ecdsa-p256",
                "--path-len",
                "1",
            ],
        ),
    );
    ok(
        dir,
        &at(
            T0,
            &[
                "--dir",
                "inter",
                "init-ca",
                "--intermediate",
                "--parent",
                "root",
                "--cn",
                "Issuing CA",
                "--key-type",
                "ecdsa-p256",
            ],
        ),
    );
    let before = snapshot(&dir.join("inter"));
    let out = run(dir, &at(T1, &["--dir", "inter", "rotate-ca"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "inter holds an intermediate CA (ca-chain.pem); rotate-ca replaces a root CA"
        ),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("hint: make a new intermediate"));
    assert_eq!(snapshot(&dir.join("inter")), before);
    let out = run(dir, &at(T1, &["--dir", "root", "rotate-ca", "--finish"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no CA changeover to finish"));
}

#[test]
fn json_reports_the_new_and_the_previous_ca() {
    let d = pki();
    let dir = d.path();
    let old_serial = serial_of(&dir.join("pki/ca-cert.pem"));
    let out = ok(dir, &at(T1, &["rotate-ca", "--format", "json", "-q"]));
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["previous"]["serial"], old_serial.as_str());
    assert_ne!(r["certificate"]["serial"], old_serial.as_str());
    assert_eq!(r["files"]["bundle"], "pki/ca-bundle.pem");
    assert_eq!(r["updated"].as_array().unwrap().len(), 3);
    ok(dir, &at(T2, &["renew", "--all", "-q"]));
    let out = ok(
        dir,
        &at(T2, &["rotate-ca", "--finish", "--format", "json", "-q"]),
    );
    let f: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(f["dropped"][0]["serial"], old_serial.as_str());
    assert_eq!(f["certificate"]["serial"], r["certificate"]["serial"]);
}

/// A certificate `sign --out` wrote, whose file is no longer in reach (it was
/// handed to another host), keeps the old root needed: its index line was
/// recorded before the changeover started. One signed by the new CA does not.
#[test]
fn a_signed_certificate_out_of_reach_keeps_finish_refused() {
    let d = pki();
    let dir = d.path();
    let pki = dir.join("pki");
    std::fs::create_dir(dir.join("out")).unwrap();
    ok(
        dir,
        &at(
            T0,
            &[
                "csr",
                "--cn",
                "ext.example",
                "--out-key",
                "ext.key",
                "--out",
                "ext.csr",
            ],
        ),
    );
    // Absolute, as the index records it.
    let ext = dir.join("out/ext.pem").display().to_string();
    ok(dir, &at(T0, &["sign", "ext.csr", "--out", &ext, "-q"]));
    let serial = with_cert(&dir.join("out/ext.pem"), |c| c.raw_serial_as_string())
        .replace(':', "")
        .to_uppercase();
    ok(dir, &at(T1, &["rotate-ca", "-q"]));
    // Signed by the new CA, and out of reach too: no reason to refuse.
    ok(
        dir,
        &at(
            T1,
            &[
                "csr",
                "--cn",
                "new.example",
                "--out-key",
                "new.key",
                "--out",
                "new.csr",
            ],
        ),
    );
    let new = dir.join("out/new.pem").display().to_string();
    ok(dir, &at(T1, &["sign", "new.csr", "--out", &new, "-q"]));
    ok(dir, &at(T2, &["renew", "--all", "-q"]));
    std::fs::create_dir(dir.join("elsewhere")).unwrap();
    for f in ["ext.pem", "new.pem"] {
        std::fs::rename(dir.join("out").join(f), dir.join("elsewhere").join(f)).unwrap();
    }

    let before = snapshot(&pki);
    let out = run(dir, &at(T2, &["rotate-ca", "--finish"]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "1 valid certificate still chains to the old CA: {ext} (serial {serial}, not readable here)"
        )),
        "{err}"
    );
    assert!(
        err.contains("`certgen revoke --serial HEX --reason superseded`"),
        "{err}"
    );
    assert_eq!(snapshot(&pki), before, "a refused --finish writes nothing");

    // Put back in reach, it is recognised by its signature.
    std::fs::rename(dir.join("elsewhere/ext.pem"), dir.join("out/ext.pem")).unwrap();
    let out = run(dir, &at(T2, &["rotate-ca", "--finish"]));
    assert!(
        stderr(&out).contains(&format!(
            "1 valid certificate still chains to the old CA: {ext} (serial {serial})"
        )),
        "{}",
        stderr(&out)
    );
    // Revoked, it needs the old root no more.
    ok(
        dir,
        &at(
            T2,
            &[
                "revoke",
                "--serial",
                &serial,
                "--reason",
                "superseded",
                "-q",
            ],
        ),
    );
    ok(dir, &at(T2, &["rotate-ca", "--finish", "-q"]));
    assert!(!pki.join("ca-bundle.pem").exists());
    assert!(
        !pki.join("ca-rotation.txt").exists(),
        "archived with the bundle"
    );
}

/// A revoked bundle needs no root: `renew --all` skips it, and `--finish`
/// does not wait for it (before, it refused for good, and its hint to revoke
/// could not help).
#[test]
fn a_revoked_bundle_does_not_block_finish() {
    let d = pki();
    let dir = d.path();
    ok(
        dir,
        &at(T0, &["revoke", "bob", "--reason", "keyCompromise", "-q"]),
    );
    ok(dir, &at(T1, &["rotate-ca", "-q"]));
    ok(dir, &at(T2, &["renew", "--all", "-q"]));
    let out = run(dir, &at(T2, &["rotate-ca", "--finish"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!dir.join("pki/ca-bundle.pem").exists());
    // Unrevoked, the same bundle would still need the old root.
    let d = pki();
    let dir = d.path();
    ok(dir, &at(T1, &["rotate-ca", "-q"]));
    ok(dir, &at(T2, &["renew", "db1.example", "alice", "-q"]));
    let out = run(dir, &at(T2, &["rotate-ca", "--finish"]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("users/bob/client-cert.pem"),
        "{}",
        stderr(&out)
    );
}
