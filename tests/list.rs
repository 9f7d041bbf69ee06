//! `certgen list`: the index as a table or JSON, with filters.

use crate::common::*;
use serde_json::Value;

/// Three certificates and one revoked, as `openssl ca` writes them.
const INDEX: &str = "\
V\t20991231235959Z\t\t0A\tservers/db1/server-cert.pem\t/CN=db1
V\t300620000000Z\t\t0B\tusers/app/client-cert.pem\t/CN=app
V\t010601000000Z\t\t0C\tusers/old/client-cert.pem\t/CN=old
R\t20991231235959Z\t300101000000Z,keyCompromise\t0D\tusers/eve/client-cert.pem\t/CN=eve
E\t050101000000Z\t\t0E\tunknown\t/CN=gone
";

fn pki(index: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("index.txt"), index);
    write(&dir.path().join("ca-cert.pem"), ok_cert("ca").pem());
    dir
}

fn list(dir: &tempfile::TempDir, args: &[&str]) -> std::process::Output {
    let dir = dir.path().to_str().expect("a UTF-8 temp path");
    run_at(&["--dir", dir, "list"], args)
}

fn json(dir: &tempfile::TempDir, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = list(dir, &all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn serials(rows: &[Value]) -> Vec<&str> {
    rows.iter().map(|r| r["serial"].as_str().unwrap()).collect()
}

#[test]
fn statuses_with_valid_entries_past_expiry_shown_as_expired() {
    let dir = pki(INDEX);
    let rows = json(&dir, &[]);
    let statuses: Vec<&str> = rows.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(
        statuses,
        ["valid", "valid", "expired", "revoked", "expired"]
    );
    assert_eq!(rows[0]["not_after"], "2099-12-31T23:59:59Z");
    assert_eq!(rows[1]["days_left"], 19);
    assert_eq!(rows[1]["subject"], "/CN=app");
    assert_eq!(rows[1]["file"], "users/app/client-cert.pem");
    assert_eq!(rows[3]["revoked_at"], "2030-01-01T00:00:00Z");
    assert_eq!(rows[3]["revocation_reason"], "keyCompromise");
    assert_eq!(rows[0]["revoked_at"], Value::Null);
}

#[test]
fn filters_by_status_and_expiry_window() {
    let dir = pki(INDEX);
    assert_eq!(serials(&json(&dir, &["--status", "valid"])), ["0A", "0B"]);
    assert_eq!(serials(&json(&dir, &["--status", "revoked"])), ["0D"]);
    assert_eq!(serials(&json(&dir, &["--status", "expired"])), ["0C", "0E"]);
    assert_eq!(
        serials(&json(&dir, &["--expiring", "30d"])),
        ["0B", "0C", "0E"]
    );
    assert_eq!(serials(&json(&dir, &["--expiring", "2w"])), ["0C", "0E"]);
    assert_eq!(
        serials(&json(&dir, &["--expiring", "30d", "--status", "valid"])),
        ["0B"]
    );
}

#[test]
fn text_table_is_aligned() {
    let dir = pki(INDEX);
    let out = list(&dir, &[]);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "{text}");
    assert!(lines[0].starts_with("STATUS") && lines[0].contains("SERIAL"));
    let col = lines[0].find("SUBJECT").unwrap();
    for l in &lines[1..] {
        assert_eq!(&l[col..col + 4], "/CN=", "{text}");
    }
    assert!(
        lines[4].starts_with("revoked 2030-01-01T00:00:00Z  2099-12-31T23:59:59Z"),
        "{text}"
    );
}

#[test]
fn problems_are_errors_not_panics() {
    let missing = tempfile::tempdir().unwrap();
    let out = certgen_cmd()
        .arg("--dir")
        .arg(missing.path().join("nope"))
        .arg("list")
        .output()
        .unwrap();
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("hint:"));
    let broken = pki("V\tnot-a-time\t\t0A\tx\t/CN=a\n");
    let out = list(&broken, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
    for (name, bytes) in malformed_inputs() {
        let dir = pki("");
        write(&dir.path().join("index.txt"), &bytes);
        let out = list(&dir, &[]);
        let err = String::from_utf8_lossy(&out.stderr);
        if bytes.is_empty() {
            // An index with no lines is a CA that has issued nothing yet.
            assert_eq!(out.status.code(), Some(0), "{name}: {err}");
            assert_eq!(
                String::from_utf8_lossy(&out.stdout).trim_end(),
                "STATUS  EXPIRES  DAYS  SERIAL  SUBJECT  FILE",
                "{name}"
            );
        } else {
            assert_eq!(out.status.code(), Some(2), "{name}: {err}");
            assert!(err.starts_with("certgen: error: "), "{name}: {err}");
            assert!(err.contains("index.txt"), "{name}: {err}");
            let why = if std::str::from_utf8(&bytes).is_ok() {
                " line 1: "
            } else {
                "not UTF-8 text"
            };
            assert!(err.contains(why), "{name}: {err}");
        }
    }
    let evil = pki("V\t20991231235959Z\t\t0A\tx\t/CN=\u{1b}[2Jevil\n");
    let text = String::from_utf8(list(&evil, &[]).stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains("/CN=\\u{1b}[2Jevil"), "{text:?}");
}

/// A certificate `sign --out` wrote outside the PKI directory, and an
/// intermediate CA's, are found by `list` run from anywhere: the index names
/// them by absolute path.
#[test]
fn files_outside_the_pki_are_found_from_any_directory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    ok(d, &["--dir", "pki", "init-ca", "--key-type", "ecdsa-p256"]);
    ok(
        d,
        &[
            "csr",
            "--cn",
            "ext.example",
            "--out-key",
            "ext.key",
            "--out",
            "ext.csr",
        ],
    );
    ok(
        d,
        &["--dir", "pki", "sign", "ext.csr", "--out", "sub/ext.pem"],
    );
    ok(
        d,
        &[
            "--dir",
            "inter",
            "init-ca",
            "--intermediate",
            "--parent",
            "pki",
            "--cn",
            "Inter",
            "--key-type",
            "ecdsa-p256",
        ],
    );
    // From another working directory.
    let elsewhere = tempfile::tempdir().unwrap();
    let pki = d.join("pki");
    let out = ok(
        elsewhere.path(),
        &["--dir", pki.to_str().unwrap(), "list", "--format", "json"],
    );
    let rows: Value = serde_json::from_str(&out).unwrap();
    let rows = rows.as_array().expect("an array of rows");
    assert_eq!(rows.len(), 2, "{out}");
    for (row, file) in rows
        .iter()
        .zip([d.join("sub/ext.pem"), d.join("inter/ca-cert.pem")])
    {
        assert_eq!(row["file"], file.to_str().unwrap(), "{out}");
        assert!(
            row["certificate"].is_object(),
            "the certificate is read: {out}"
        );
    }
}
