//! SingleStore: `issue-client --db` and `config` agree on what an account
//! can require and print the same statement for it.

use std::path::Path;

use crate::common::*;
use serde_json::Value;

const FAST: [&str; 4] = ["--key-type", "ecdsa-p256", "--ca-key-type", "ecdsa-p256"];

fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(dir, args)).expect("JSON")
}

#[test]
fn issue_client_and_config_agree_on_what_an_account_can_require() {
    let t = tempfile::tempdir().unwrap();
    let pki = t.path().join("pki");
    let d = pki.to_str().unwrap();
    let mut setup = vec!["--dir", d, "-q", "setup", "singlestore", "--user", "app"];
    setup.extend(FAST);
    ok(t.path(), &setup);
    let mut n = 0;
    for db in ["mysql", "mariadb", "singlestore"] {
        for require in ["ssl", "x509", "subject"] {
            n += 1;
            let user = format!("u{n}");
            let issue = run(
                t.path(),
                &[
                    "--dir",
                    d,
                    "-q",
                    "issue-client",
                    &user,
                    "--db",
                    db,
                    "--require",
                    require,
                    "--key-type",
                    "ecdsa-p256",
                ],
            );
            let config = run(
                t.path(),
                &[
                    "--dir",
                    d,
                    "config",
                    db,
                    "--user",
                    "app",
                    "--require",
                    require,
                ],
            );
            assert_eq!(
                issue.status.code(),
                config.status.code(),
                "{db} {require}: issue-client {} / config {}",
                stderr(&issue),
                stderr(&config)
            );
            if !config.status.success() {
                // Refused the same way, before anything was written.
                assert_eq!(issue.status.code(), Some(2));
                assert_eq!(stderr(&issue), stderr(&config), "{db} {require}");
                assert!(!pki.join("users").join(&user).exists(), "{db} {require}");
                continue;
            }
            // The statement issue-client prints is the one config prints for
            // the same account.
            let statement = String::from_utf8(issue.stdout).unwrap();
            let mine = ok(
                t.path(),
                &[
                    "--dir",
                    d,
                    "config",
                    db,
                    "--user",
                    &user,
                    "--require",
                    require,
                ],
            );
            assert!(
                mine.lines().any(|l| l == statement.trim()),
                "{db} {require}: issue-client printed {statement}, config:\n{mine}"
            );
        }
    }
    // SingleStore refuses SUBJECT in both; the default is SSL in both.
    let out = run(
        t.path(),
        &["--dir", d, "issue-client", "x", "--db", "singlestore"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "GRANT USAGE ON *.* TO 'x'@'%' REQUIRE SSL;\n"
    );
    // setup's JSON gives each user the statement config prints.
    let mut again = vec!["--dir", d, "setup", "singlestore", "--user", "app"];
    again.extend(["--format", "json", "--require", "x509"]);
    let j = json(t.path(), &again);
    let sql = j["users"][0]["sql"].as_str().unwrap();
    assert_eq!(sql, "GRANT USAGE ON *.* TO 'app'@'%' REQUIRE X509;");
    assert!(
        j["config"]["sql"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == sql),
        "{j}"
    );
}
