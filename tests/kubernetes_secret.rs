//! `deploy --layout kubernetes`: a `kubernetes.io/tls` Secret manifest, read
//! back as YAML (PyYAML, as kubectl's parser would see it) and decoded: the
//! bundle's certificate, key, CA file and CRL; never to a terminal; to a
//! file 0600, a replaced manifest archived.

use crate::common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use base64::Engine;

/// The manifest as JSON, through PyYAML's safe loader.
fn yaml(text: &[u8]) -> serde_json::Value {
    let mut child = Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with PyYAML");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(text).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

fn decoded(doc: &serde_json::Value, key: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(
            doc["data"][key]
                .as_str()
                .unwrap_or_else(|| panic!("no {key}: {doc}")),
        )
        .unwrap()
}

fn pki(dir: &Path) {
    ok(dir, &["init-ca", "--key-type", "ecdsa-p256"]);
    ok(dir, &["issue-server", "db1", "--key-type", "ecdsa-p256"]);
    ok(dir, &["issue-client", "app", "--key-type", "ecdsa-p256"]);
}

#[test]
fn the_secret_holds_the_bundle_and_the_crl() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    pki(dir);
    ok(dir, &["crl"]);
    let out = run(
        dir,
        &[
            "deploy",
            "server",
            "db1",
            "--layout",
            "kubernetes",
            "--to",
            "-",
            "--namespace",
            "db",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = yaml(&out.stdout);
    assert_eq!(doc["apiVersion"], "v1");
    assert_eq!(doc["kind"], "Secret");
    assert_eq!(doc["type"], "kubernetes.io/tls");
    assert_eq!(doc["metadata"]["name"], "db1-tls");
    assert_eq!(doc["metadata"]["namespace"], "db");
    let b = dir.join("pki/servers/db1");
    assert_eq!(
        decoded(&doc, "tls.crt"),
        std::fs::read(b.join("server-cert.pem")).unwrap()
    );
    assert_eq!(
        decoded(&doc, "tls.key"),
        std::fs::read(b.join("server-key.pem")).unwrap()
    );
    assert_eq!(
        decoded(&doc, "ca.crt"),
        std::fs::read(b.join("ca-cert.pem")).unwrap()
    );
    assert_eq!(
        decoded(&doc, "ca.crl"),
        std::fs::read(dir.join("pki/crl.pem")).unwrap()
    );
}

#[test]
fn to_a_file_0600_then_nothing_changed_then_the_old_manifest_archived() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    pki(dir);
    let file = dir.join("app-secret.yaml");
    let args = [
        "deploy",
        "user",
        "app",
        "--layout",
        "kubernetes",
        "--to",
        "app-secret.yaml",
        "--secret-name",
        "app-client",
    ];
    ok(dir, &args);
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let first = std::fs::read(&file).unwrap();
    assert_eq!(yaml(&first)["metadata"]["name"], "app-client");
    assert!(ok(dir, &args).contains("nothing changed"));
    ok(dir, &["renew", "app"]);
    ok(dir, &args);
    let second = std::fs::read(&file).unwrap();
    assert_ne!(first, second);
    let archived: Vec<_> = std::fs::read_dir(dir.join("old_keys"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(archived.len(), 1);
    assert_eq!(
        std::fs::read(archived[0].join("app-secret.yaml")).unwrap(),
        first
    );
}

#[test]
fn refused_to_a_terminal_with_a_bad_name_and_for_a_revoked_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    pki(dir);
    // A terminal: `script` gives certgen a pty as its standard output.
    let bin = env!("CARGO_BIN_EXE_certgen");
    let out = Command::new("script")
        .args([
            "-qec",
            &format!("{bin} deploy server db1 --layout kubernetes --to -"),
            "/dev/null",
        ])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("standard output is a terminal"), "{shown}");
    assert!(
        !shown.contains("tls.key"),
        "nothing of the Secret on the terminal"
    );

    let out = run(
        dir,
        &[
            "deploy",
            "server",
            "db1",
            "--layout",
            "kubernetes",
            "--to",
            "x.yaml",
            "--secret-name",
            "Bad_Name",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Secret name"), "{}", stderr(&out));
    assert!(!dir.join("x.yaml").exists());

    ok(dir, &["revoke", "app"]);
    let out = run(
        dir,
        &[
            "deploy",
            "user",
            "app",
            "--layout",
            "kubernetes",
            "--to",
            "x.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("revoked"), "{}", stderr(&out));
    assert!(!dir.join("x.yaml").exists());
}
