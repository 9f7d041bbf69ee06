//! `certgen retire server NAME | user USER`: the certificate revoked (unless
//! it already is), the bundle archived under `old_keys/` and the index
//! written in one transaction; refused or killed, the bundle and the index
//! are both as they were or both retired; the statements that take the
//! certificate requirement off the account.

use crate::common::*;
use std::path::Path;
use std::process::{Command, Stdio};

const T0: &str = "2030-01-01T00:00:00Z";
const T1: &str = "2030-02-01T00:00:00Z";

fn at<'a>(now: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["--now", now];
    v.extend_from_slice(args);
    v
}

/// A PKI with the server db1 and the users app and bob, issued at T0.
fn pki() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let ec = ["--key-type", "ecdsa-p256"];
    ok(dir, &at(T0, &["-q", "init-ca", ec[0], ec[1]]));
    ok(dir, &at(T0, &["-q", "issue-server", "db1", ec[0], ec[1]]));
    ok(
        dir,
        &at(T0, &["-q", "issue-client", "app", "bob", ec[0], ec[1]]),
    );
    d
}

fn row<'a>(rows: &'a [IndexRow], serial: &str) -> &'a IndexRow {
    rows.iter()
        .find(|r| r.serial == serial)
        .expect("in the index")
}

#[test]
fn the_certificate_is_revoked_and_the_bundle_archived_whole() {
    let d = pki();
    let dir = d.path();
    let pki = dir.join("pki");
    let bundle = pki.join("users/app");
    let serial = serial_hex(&bundle.join("client-cert.pem"));
    let files = snapshot(&bundle);
    let out = ok(dir, &at(T1, &["retire", "user", "app"]));
    assert!(
        out.starts_with(&format!(
            "retired users/app: revoked /CN=app (serial {serial}, cessationOfOperation) on {T1}\n"
        )),
        "{out}"
    );
    assert!(
        out.contains("    ALTER USER 'app'@'%' REQUIRE NONE;\n"),
        "{out}"
    );
    assert!(out.contains("DROP USER 'app'@'%';"), "{out}");
    assert!(
        out.contains("    hostssl all \"app\" 0.0.0.0/0 cert clientcert=verify-full\n"),
        "{out}"
    );
    assert!(!bundle.exists(), "the bundle left users/");
    let archived = pki.join("old_keys/2030-02-01T000000Z/users/app");
    assert_eq!(snapshot(&archived), files, "archived byte for byte");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(archived.join("client-key.pem"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "the key keeps its mode");
    let rows = index_rows(&pki);
    let r = row(&rows, &serial);
    assert_eq!(
        (r.status.as_str(), r.revoked.as_str()),
        ("R", "300201000000Z,cessationOfOperation")
    );
    // The others are untouched; nothing renews or deploys the retired user.
    assert_eq!(rows.iter().filter(|r| r.status == "V").count(), 2);
    let renew = ok(dir, &at(T1, &["renew", "--all", "--format", "json"]));
    assert!(!renew.contains("\"app\""), "{renew}");
    let out = run(dir, &at(T1, &["deploy", "user", "app", "--to", "deployed"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.join("deployed").exists());
    // The CRL lists it.
    ok(dir, &at(T1, &["-q", "crl"]));
    let crl = ok(dir, &["inspect", "pki/crl.pem", "--format", "json"]);
    assert!(crl.contains(&serial), "{crl}");
}

#[test]
fn a_certificate_already_revoked_keeps_its_date_and_reason() {
    let d = pki();
    let dir = d.path();
    let pki = dir.join("pki");
    let serial = serial_hex(&pki.join("servers/db1/server-cert.pem"));
    ok(
        dir,
        &at(T0, &["-q", "revoke", "db1", "--reason", "keyCompromise"]),
    );
    let out = certgen(dir)
        .args(at(T1, &["retire", "server", "db1", "--format", "json"]))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["already_revoked"], true);
    assert_eq!(report["revocation_reason"], "keyCompromise");
    assert_eq!(report["revoked_at"], T0);
    assert_eq!(report["serial"], serial.as_str());
    assert_eq!(
        report["account"],
        serde_json::Value::Null,
        "a server has no account"
    );
    assert_eq!(
        report["archived"],
        "pki/old_keys/2030-02-01T000000Z/servers/db1"
    );
    assert!(
        !stderr(&out).contains("certgen crl"),
        "nothing new to publish"
    );
    let rows = index_rows(&pki);
    assert_eq!(row(&rows, &serial).revoked, "300101000000Z,keyCompromise");
    assert!(!pki.join("servers/db1").exists());
}

#[test]
fn the_statements_name_awkward_accounts_as_config_does() {
    let d = pki();
    let dir = d.path();
    ok(
        dir,
        &at(
            T0,
            &[
                "-q",
                "issue-client",
                "Zoë+1@corp",
                "--key-type",
                "ecdsa-p256",
            ],
        ),
    );
    let out = ok(
        dir,
        &at(
            T1,
            &[
                "retire",
                "user",
                "Zoë+1@corp",
                "--sql-host",
                "o'host",
                "--format",
                "json",
            ],
        ),
    );
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let account = &report["account"];
    assert_eq!(
        account["sql"]["require_none"],
        "ALTER USER 'Zoë+1@corp'@'o''host' REQUIRE NONE;"
    );
    assert_eq!(
        account["sql"]["drop_user"],
        "DROP USER 'Zoë+1@corp'@'o''host';"
    );
    assert_eq!(
        account["sql"]["databases"],
        serde_json::json!(["mysql", "mariadb", "singlestore"])
    );
    assert_eq!(
        account["pg_hba"]["delete"][1],
        "hostssl all \"Zoë+1@corp\" ::/0 cert clientcert=verify-full"
    );
    assert_eq!(account["pg_hba"]["reload"], "SELECT pg_reload_conf();");
    // The revocation reads as `list` reads it.
    let list: serde_json::Value =
        serde_json::from_str(&ok(dir, &["list", "--format", "json"])).unwrap();
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["serial"] == report["serial"])
        .expect("listed");
    for field in ["subject", "revoked_at", "revocation_reason"] {
        assert_eq!(row[field], report[field], "{field}");
    }
}

/// Every refusal leaves the PKI directory as it was, byte for byte.
#[test]
fn refused_retires_write_nothing() {
    let d = pki();
    let dir = d.path();
    let pki = dir.join("pki");
    std::os::unix::fs::symlink("app", pki.join("users/link")).unwrap();
    std::fs::write(pki.join("users/file"), b"not a bundle").unwrap();
    // A bundle whose certificate this index does not record.
    let other = dir.join("other");
    ok(
        dir,
        &[
            "-q",
            "--dir",
            "other",
            "init-ca",
            "--key-type",
            "ecdsa-p256",
        ],
    );
    ok(
        dir,
        &[
            "-q",
            "--dir",
            "other",
            "issue-client",
            "ext",
            "--key-type",
            "ecdsa-p256",
        ],
    );
    std::fs::rename(other.join("users/ext"), pki.join("users/ext")).unwrap();
    let before = snapshot(&pki);
    for (args, says) in [
        (&["user", "nobody"][..], "no user bundle \"nobody\""),
        (&["server", "app"], "no server bundle \"app\""),
        (&["user", "../app"], "invalid name"),
        (
            &["user", "app", "--sql-host", r"10.0.0.\%"],
            "invalid SQL host",
        ),
        (
            &["user", "app", "--reason", "tired"],
            "invalid value 'tired'",
        ),
        (&["user", "link"], "link"),
        (&["user", "file"], "not a directory"),
        (&["user", "ext"], "in the index"),
    ] {
        let mut full = vec!["retire"];
        full.extend_from_slice(args);
        let out = run(dir, &at(T1, &full));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.starts_with("certgen: error: ") && err.contains(says),
            "{args:?}: {err}"
        );
        assert_eq!(snapshot(&pki), before, "{args:?} wrote something");
        assert!(!pki.join("old_keys").exists());
    }
    // No CA: the directory is not even created.
    let out = run(dir, &at(T1, &["--dir", "none", "retire", "user", "app"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.join("none").exists());
}

/// Killed at each of its renames and removals in turn (strace injects
/// SIGKILL at the Nth), retire leaves, right away, the bundle whole in
/// users/ or whole in old_keys/; once the next command has completed or
/// undone its journal, the bundle in place with its certificate valid, or
/// the bundle archived with its certificate revoked.
#[test]
fn killed_at_each_step_the_bundle_and_the_index_are_both_as_they_were_or_both_retired() {
    if Command::new("strace").arg("-V").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "strace is missing under CI"
        );
        eprintln!("SKIP: strace is missing");
        return;
    }
    let d = pki();
    let dir = d.path();
    let pki = dir.join("pki");
    let saved = dir.join("saved");
    let cp = |from: &Path, to: &Path| {
        let _ = std::fs::remove_dir_all(to);
        let status = Command::new("cp").arg("-a").arg(from).arg(to).status();
        assert!(status.unwrap().success());
    };
    cp(&pki, &saved);
    let serial = serial_hex(&pki.join("users/app/client-cert.pem"));
    let files = snapshot(&pki.join("users/app"));
    let archived = pki.join("old_keys/2030-02-01T000000Z/users/app");
    let (mut killed, mut kept, mut retired) = (0, 0, 0);
    let steps = ["rename", "renameat2", "rmdir", "unlink", "unlinkat"];
    for syscall in steps {
        for when in 1.. {
            cp(&saved, &pki);
            let out = Command::new("strace")
                .args(["-f", "-o", "/dev/null", "-e"])
                .arg(format!("inject={syscall}:signal=SIGKILL:when={when}"))
                .arg(env!("CARGO_BIN_EXE_certgen"))
                .args(at(T1, &["-q", "retire", "user", "app"]))
                .current_dir(dir)
                .env("TZ", "UTC")
                .stdout(Stdio::null())
                .output()
                .unwrap();
            let step = format!("{syscall} #{when}");
            // Right after the kill: the bundle is whole, in one place or the other.
            let live = snapshot(&pki.join("users/app"));
            let gone = snapshot(&archived);
            assert!(
                (live == files && gone.is_empty()) || (live.is_empty() && gone == files),
                "{step}: the bundle is split or partial"
            );
            // The next command that takes the lock completes or undoes it.
            ok(dir, &at(T1, &["-q", "crl", "--out", "check-crl.pem"]));
            assert!(!pki.join(".txn").exists(), "{step}: journal left");
            assert_no_empty_archive(&pki);
            let status = row(&index_rows(&pki), &serial).status.clone();
            let live = snapshot(&pki.join("users/app"));
            let gone = snapshot(&archived);
            if live == files && gone.is_empty() {
                assert_eq!(status, "V", "{step}: bundle in place, certificate revoked");
                kept += 1;
            } else {
                assert!(live.is_empty() && gone == files, "{step}: bundle split");
                assert_eq!(status, "R", "{step}: bundle archived, certificate valid");
                retired += 1;
            }
            if out.status.success() {
                break;
            }
            killed += 1;
        }
    }
    eprintln!("killed {killed} times: {kept} left as they were, {retired} retired");
    assert!(
        killed >= 6 && kept > 0 && retired > 1,
        "both outcomes exercised"
    );
}
