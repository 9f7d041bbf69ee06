//! Commands that decide about the same bundle at the same time, as real
//! processes: every decision is taken, or checked again, under a lock, so
//! that each pair ends as if one had run before the other, and their exit
//! codes say which.
//!
//! - `renew u & revoke u --reason keyCompromise` (with and without
//!   `--reuse-key`): the revoked serial stays revoked, no valid certificate
//!   carries its key, and renew succeeded only if it ran first.
//! - `renew u & renew u`: one valid certificate at the end, the bundle's.
//! - `renew u & retire user u`: nothing valid is left of u.
//! - `deploy user u & retire user u`: the deployment is refused, or it was
//!   done before the retire; `list` shows the certificate revoked either way.
//! - A `deploy` that waited for its directory's lock while the bundle was
//!   revoked is refused (it reads the index again once it holds the lock),
//!   also as root writing another user's directory.
//!
//! `RACE_RUNS` sets the number of runs of each pair (default 40). The
//! figures are printed (`--nocapture`).

use crate::common::*;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

fn runs() -> usize {
    std::env::var("RACE_RUNS").map_or(40, |n| n.parse().expect("RACE_RUNS is a number"))
}

/// A PKI with the users u0..u{n-1}.
fn pki(users: usize) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..users).map(|i| format!("u{i}")).collect();
    let ec = ["--key-type", "ecdsa-p256"];
    ok(d.path(), &["-q", "init-ca", ec[0], ec[1]]);
    let mut issue = vec!["-q", "issue-client", ec[0], ec[1]];
    issue.extend(names.iter().map(String::as_str));
    ok(d.path(), &issue);
    d
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    certgen(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("certgen starts")
}

/// Runs `a` and `b` at the same time (started in this order, or the other
/// with `swap`) and returns their outputs in the order given.
fn race(dir: &Path, a: &[&str], b: &[&str], swap: bool) -> (Output, Output) {
    let (first, second) = if swap { (b, a) } else { (a, b) };
    let first = spawn(dir, first);
    let second = spawn(dir, second);
    let (first, second) = (
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    );
    for out in [&first, &second] {
        assert_no_panic(out);
    }
    if swap {
        (second, first)
    } else {
        (first, second)
    }
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// Every certificate ever issued for user `u`, by serial: the live one and
/// those archived by renewals and retire.
fn certificates_of(pki: &Path, u: &str) -> HashMap<String, Vec<u8>> {
    let mut files = vec![pki.join("users").join(u).join("client-cert.pem")];
    if let Ok(archives) = std::fs::read_dir(pki.join("old_keys")) {
        for a in archives {
            files.push(
                a.unwrap()
                    .path()
                    .join("users")
                    .join(u)
                    .join("client-cert.pem"),
            );
        }
    }
    files
        .into_iter()
        .filter(|f| f.exists())
        .map(|f| (serial_hex(&f), public_key(&f)))
        .collect()
}

/// The index rows of user `u`'s certificates.
fn rows_of(pki: &Path, u: &str) -> Vec<IndexRow> {
    let file = format!("users/{u}/client-cert.pem");
    index_rows(pki)
        .into_iter()
        .filter(|r| r.file == file)
        .collect()
}

fn row(rows: &[IndexRow], serial: &str) -> IndexRow {
    rows.iter()
        .find(|r| r.serial == serial)
        .unwrap_or_else(|| panic!("{serial} in the index"))
        .clone()
}

fn renew_against_revoke(reuse_key: bool) {
    let runs = runs();
    let d = pki(runs);
    let (dir, pki) = (d.path(), d.path().join("pki"));
    let (mut renew_first, mut revoke_first) = (0, 0);
    for i in 0..runs {
        let u = format!("u{i}");
        let old = serial_hex(&pki.join("users").join(&u).join("client-cert.pem"));
        let mut renew = vec!["renew", &u, "--format", "json"];
        if reuse_key {
            renew.push("--reuse-key");
        }
        let revoke = [
            "revoke",
            &u,
            "--reason",
            "keyCompromise",
            "--format",
            "json",
        ];
        let (renewed, revoked) = race(dir, &renew, &revoke, i % 2 == 1);
        let run = format!("run {i} (reuse_key {reuse_key})");
        assert_eq!(
            revoked.status.code(),
            Some(0),
            "{run}: {}",
            stderr(&revoked)
        );
        let serial = json(&revoked)["serial"].as_str().unwrap().to_string();
        let rows = rows_of(&pki, &u);
        let certs = certificates_of(&pki, &u);
        // The revoked serial stays revoked, for the reason given.
        let r = row(&rows, &serial);
        assert_eq!(
            (r.status.as_str(), r.reason()),
            ("R", Some("keyCompromise")),
            "{run}"
        );
        // No valid certificate carries the revoked key.
        let key = &certs[&serial];
        for valid in rows.iter().filter(|r| r.status == "V") {
            assert_ne!(
                certs.get(&valid.serial),
                Some(key),
                "{run}: {} is valid with the revoked key",
                valid.serial
            );
        }
        // The exit codes say which ran first.
        match renewed.status.code() {
            Some(0) => {
                let new = json(&renewed)["renewed"][0]["certificate"]["serial"]
                    .as_str()
                    .unwrap()
                    .to_string();
                assert_eq!(
                    serial, new,
                    "{run}: renew succeeded, so revoke came after it"
                );
                // The renewal kept the key: its superseded certificate is
                // one of the compromised key too.
                let (reason, same_key) = if reuse_key {
                    ("keyCompromise", serde_json::json!([old]))
                } else {
                    ("superseded", serde_json::json!([]))
                };
                assert_eq!(row(&rows, &old).reason(), Some(reason), "{run}");
                let listed: Vec<serde_json::Value> = json(&revoked)["same_key"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["serial"].clone())
                    .collect();
                assert_eq!(serde_json::json!(listed), same_key, "{run}");
                renew_first += 1;
            }
            Some(2) => {
                assert_eq!(
                    serial, old,
                    "{run}: renew was refused, so revoke came first"
                );
                assert!(
                    stderr(&renewed).contains("which is revoked"),
                    "{run}: {}",
                    stderr(&renewed)
                );
                assert_eq!(rows.len(), 1, "{run}: nothing new was issued");
                revoke_first += 1;
            }
            other => panic!("{run}: renew exited {other:?}: {}", stderr(&renewed)),
        }
    }
    eprintln!(
        "renew u & revoke u --reason keyCompromise{}: {runs} runs: renew first then its certificate revoked {renew_first}, revoke first and renew refused {revoke_first}; the revoked serial stayed revoked and no valid certificate had its key in every run",
        if reuse_key {
            " (renew --reuse-key)"
        } else {
            ""
        }
    );
    assert_eq!(renew_first + revoke_first, runs);
}

#[test]
fn renew_against_revoke_never_certifies_the_revoked_key_again() {
    renew_against_revoke(false);
}

#[test]
fn renew_reuse_key_against_revoke_never_certifies_the_revoked_key_again() {
    renew_against_revoke(true);
}

#[test]
fn renew_against_renew_leaves_one_valid_certificate() {
    let runs = runs();
    let d = pki(runs);
    let (dir, pki) = (d.path(), d.path().join("pki"));
    let (mut both, mut refused) = (0, 0);
    for i in 0..runs {
        let u = format!("u{i}");
        let renew = ["renew", &u, "--format", "json"];
        let reuse = ["renew", &u, "--reuse-key", "--format", "json"];
        let (a, b) = race(dir, &renew, &reuse, i % 2 == 1);
        let run = format!("run {i}");
        let rows = rows_of(&pki, &u);
        let valid: Vec<&IndexRow> = rows.iter().filter(|r| r.status == "V").collect();
        let live = serial_hex(&pki.join("users").join(&u).join("client-cert.pem"));
        assert_eq!(valid.len(), 1, "{run}: {rows:?}");
        assert_eq!(
            valid[0].serial, live,
            "{run}: the valid one is the bundle's"
        );
        let mut succeeded = 0;
        for out in [&a, &b] {
            match out.status.code() {
                Some(0) => {
                    succeeded += 1;
                    let new = json(out)["renewed"][0]["certificate"]["serial"]
                        .as_str()
                        .unwrap()
                        .to_string();
                    let r = row(&rows, &new);
                    assert!(
                        new == live || r.reason() == Some("superseded"),
                        "{run}: {new} is neither the bundle's nor superseded"
                    );
                }
                Some(2) => assert!(
                    stderr(out).contains("was replaced by another command"),
                    "{run}: {}",
                    stderr(out)
                ),
                other => panic!("{run}: renew exited {other:?}: {}", stderr(out)),
            }
        }
        // Every certificate issued is accounted for: the first, one per success.
        assert_eq!(rows.len(), 1 + succeeded, "{run}");
        match succeeded {
            2 => both += 1,
            1 => refused += 1,
            _ => panic!("{run}: neither renewal succeeded"),
        }
    }
    eprintln!(
        "renew u & renew --reuse-key u: {runs} runs: one after the other {both}, the second refused as replaced meanwhile {refused}; one valid certificate, the bundle's, in every run"
    );
}

#[test]
fn renew_against_retire_leaves_nothing_valid() {
    let runs = runs();
    let d = pki(runs);
    let (dir, pki) = (d.path(), d.path().join("pki"));
    let (mut renew_first, mut retire_first) = (0, 0);
    for i in 0..runs {
        let u = format!("u{i}");
        let old = serial_hex(&pki.join("users").join(&u).join("client-cert.pem"));
        let renew = ["renew", &u, "--reuse-key", "--format", "json"];
        let retire = ["retire", "user", &u, "--format", "json"];
        let (renewed, retired) = race(dir, &renew, &retire, i % 2 == 1);
        let run = format!("run {i}");
        assert_eq!(
            retired.status.code(),
            Some(0),
            "{run}: {}",
            stderr(&retired)
        );
        let serial = json(&retired)["serial"].as_str().unwrap().to_string();
        let rows = rows_of(&pki, &u);
        assert!(rows.iter().all(|r| r.status == "R"), "{run}: {rows:?}");
        assert_eq!(row(&rows, &serial).reason(), Some("cessationOfOperation"));
        assert!(
            !pki.join("users").join(&u).exists(),
            "{run}: the bundle is archived"
        );
        match renewed.status.code() {
            Some(0) => {
                let new = json(&renewed)["renewed"][0]["certificate"]["serial"]
                    .as_str()
                    .unwrap()
                    .to_string();
                assert_eq!(serial, new, "{run}: renewed, then its certificate retired");
                renew_first += 1;
            }
            Some(2) => {
                assert_eq!(serial, old, "{run}: renew refused, so retire came first");
                let err = stderr(&renewed);
                assert!(
                    err.contains("which is revoked") || err.contains("no server or user bundle"),
                    "{run}: {err}"
                );
                assert_eq!(rows.len(), 1, "{run}: nothing new was issued");
                retire_first += 1;
            }
            other => panic!("{run}: renew exited {other:?}: {}", stderr(&renewed)),
        }
    }
    eprintln!(
        "renew --reuse-key u & retire user u: {runs} runs: renewed then retired {renew_first}, retired first and renew refused {retire_first}; nothing valid left of u in every run"
    );
}

#[test]
fn deploy_against_retire_is_refused_or_done_before() {
    let runs = runs();
    let d = pki(runs);
    let (dir, pki) = (d.path(), d.path().join("pki"));
    let (mut deployed, mut refused) = (0, 0);
    for i in 0..runs {
        let u = format!("u{i}");
        let to = format!("deployed/{u}");
        std::fs::create_dir_all(dir.join(&to)).unwrap();
        let serial = serial_hex(&pki.join("users").join(&u).join("client-cert.pem"));
        let deploy = ["deploy", "user", &u, "--to", &to, "--format", "json"];
        let retire = ["retire", "user", &u, "--format", "json"];
        let (dep, ret) = race(dir, &deploy, &retire, i % 2 == 1);
        let run = format!("run {i}");
        assert_eq!(ret.status.code(), Some(0), "{run}: {}", stderr(&ret));
        assert_eq!(json(&ret)["serial"], serial.as_str());
        // list tells the truth either way: the certificate is revoked.
        let list: Value = serde_json::from_str(&ok(dir, &["list", "--format", "json"])).unwrap();
        let listed = list
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["serial"] == serial.as_str())
            .unwrap();
        assert_eq!(listed["status"], "revoked", "{run}");
        let cert = dir.join(&to).join("client-cert.pem");
        match dep.status.code() {
            Some(0) => {
                // Deployed, then retired: the deployed certificate is the
                // one retire revoked, and check-expiry reads it there.
                assert_eq!(json(&dep)["certificate"]["serial"], serial.as_str());
                assert_eq!(serial_hex(&cert), serial, "{run}");
                let check = crate::common::run(dir, &["check-expiry", &to, "--format", "json"]);
                let check: Value = serde_json::from_slice(&check.stdout).unwrap();
                let results = check["results"].as_array().unwrap();
                assert!(
                    results
                        .iter()
                        .any(|r| r["certificate"]["serial"] == serial.as_str()),
                    "{run}: check-expiry does not report the deployed certificate"
                );
                deployed += 1;
            }
            Some(2) => {
                assert!(
                    !cert.exists(),
                    "{run}: a refused deploy wrote {}",
                    cert.display()
                );
                let err = stderr(&dep);
                assert!(
                    ["revoked", "no user bundle", "missing", "No such file"]
                        .iter()
                        .any(|w| err.contains(w)),
                    "{run}: {err}"
                );
                refused += 1;
            }
            other => panic!("{run}: deploy exited {other:?}: {}", stderr(&dep)),
        }
    }
    eprintln!(
        "deploy user u & retire user u: {runs} runs: deployed then retired {deployed}, deploy refused {refused}; list showed the certificate revoked in every run"
    );
}

/// Whether this process may chown to another user.
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A deploy that read the bundle before it was revoked, and then waited
/// for its directory's lock, is refused: it checks the index again once it
/// holds the lock. As root writing another user's directory, it reads the
/// index as root for that moment.
#[test]
fn a_deploy_waiting_for_its_lock_is_refused_when_the_bundle_is_revoked_meanwhile() {
    let d = pki(2);
    let dir = d.path();
    let mut owners = vec![None];
    if is_root() {
        owners.push(Some(65534));
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chown needs root under CI"
        );
        eprintln!("SKIP: root deploying another user's directory needs root");
    }
    for (i, owner) in owners.into_iter().enumerate() {
        let u = format!("u{i}");
        let to = dir.join(format!("deployed-{u}"));
        std::fs::create_dir(&to).unwrap();
        let lock = to.join(".lock");
        std::fs::write(&lock, b"").unwrap();
        if let Some(uid) = owner {
            std::os::unix::fs::chown(&to, Some(uid), Some(uid)).unwrap();
            std::os::unix::fs::chown(&lock, Some(uid), Some(uid)).unwrap();
        }
        // A deployment waits for DIR's lock up to 3 seconds.
        let held = std::fs::OpenOptions::new().write(true).open(&lock).unwrap();
        held.lock().unwrap();
        let to_arg = to.to_string_lossy().into_owned();
        let deploy = spawn(dir, &["deploy", "user", &u, "--to", &to_arg]);
        std::thread::sleep(std::time::Duration::from_millis(1000));
        let out = run(dir, &["-q", "revoke", &u, "--reason", "keyCompromise"]);
        assert!(out.status.success(), "{}", stderr(&out));
        drop(held);
        let out = deploy.wait_with_output().unwrap();
        let err = stderr(&out);
        assert_eq!(
            out.status.code(),
            Some(2),
            "owner {owner:?}: deployed: {err}"
        );
        assert!(err.contains("revoked"), "owner {owner:?}: {err}");
        assert!(
            !to.join("client-cert.pem").exists(),
            "owner {owner:?}: written"
        );
        assert!(
            !to.join("client-key.pem").exists(),
            "owner {owner:?}: written"
        );
    }
}

/// The counterpart: with the lock released and nothing revoked, a deploy
/// that waited for the lock deploys, as root writing another user's
/// directory too (the second look at the index works as that user).
#[test]
fn a_deploy_waiting_for_its_lock_deploys_when_nothing_changed() {
    let d = pki(2);
    let dir = d.path();
    let mut owners = vec![None];
    if is_root() {
        owners.push(Some(65534));
    }
    // The PKI directory is root's alone: the user could not read its index.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    for (i, owner) in owners.into_iter().enumerate() {
        let u = format!("u{i}");
        let to = dir.join(format!("deployed-{u}"));
        std::fs::create_dir(&to).unwrap();
        let lock = to.join(".lock");
        std::fs::write(&lock, b"").unwrap();
        if let Some(uid) = owner {
            std::os::unix::fs::chown(&to, Some(uid), Some(uid)).unwrap();
            std::os::unix::fs::chown(&lock, Some(uid), Some(uid)).unwrap();
        }
        let held = std::fs::OpenOptions::new().write(true).open(&lock).unwrap();
        held.lock().unwrap();
        let to_arg = to.to_string_lossy().into_owned();
        let deploy = spawn(dir, &["deploy", "user", &u, "--to", &to_arg]);
        std::thread::sleep(std::time::Duration::from_millis(500));
        drop(held);
        let out = deploy.wait_with_output().unwrap();
        assert!(out.status.success(), "owner {owner:?}: {}", stderr(&out));
        assert!(to.join("client-cert.pem").exists());
    }
}
