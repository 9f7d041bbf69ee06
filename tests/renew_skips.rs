//! `renew --all` (the cron line) skips, with one note each and exit 0, the
//! bundles it must not renew: revoked (also under a CA rotated out since),
//! superseded (put back by hand) and issued by another CA. Named, they are
//! refused with a hint that never suggests giving a revoked user a
//! certificate again.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

const T0: &str = "2030-01-01T00:00:00Z";
const T1: &str = "2030-01-02T00:00:00Z";
const T2: &str = "2030-01-03T00:00:00Z";
const T3: &str = "2030-02-01T00:00:00Z";

fn at<'a>(now: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["--now", now];
    v.extend_from_slice(args);
    v
}

fn issue(dir: &Path, args: &[&str]) {
    let mut full = at(T0, &["-q"]);
    full.extend_from_slice(args);
    full.extend_from_slice(&["--key-type", "ecdsa-p256"]);
    ok(dir, &full);
}

/// The lines of stderr that start with `skipped `.
fn skip_notes(out: &std::process::Output) -> Vec<String> {
    stderr(out)
        .lines()
        .filter(|l| l.starts_with("skipped "))
        .map(String::from)
        .collect()
}

fn skipped(json: &str) -> Vec<(String, String)> {
    let v: Value = serde_json::from_str(json).unwrap();
    v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn after_a_finished_rotation_the_cron_line_skips_a_bundle_revoked_under_the_old_ca() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let pki = dir.join("pki");
    issue(dir, &["init-ca"]);
    issue(dir, &["issue-client", "app", "report"]);
    let report = serial_hex(&pki.join("users/report/client-cert.pem"));
    ok(
        dir,
        &at(T0, &["-q", "revoke", "report", "--reason", "keyCompromise"]),
    );
    ok(dir, &at(T1, &["-q", "rotate-ca"]));
    ok(dir, &at(T1, &["-q", "renew", "--all"]));
    ok(dir, &at(T2, &["-q", "rotate-ca", "--finish"]));

    let before = snapshot(&pki);
    let cron = ["renew", "--all", "--within", "30d"];
    let out = run(dir, &at(T3, &cron));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        skip_notes(&out),
        ["skipped users/report (revoked certificate)"],
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("error"), "{}", stderr(&out));
    assert_eq!(snapshot(&pki), before, "nothing written");
    let mut json = at(T3, &cron);
    json.extend_from_slice(&["--format", "json"]);
    let report_json = ok(dir, &json);
    assert_eq!(
        skipped(&report_json),
        [
            ("app".to_string(), "not-due".to_string()),
            ("report".to_string(), "revoked".to_string())
        ]
    );

    // Named, it is refused; the hint retires it, never reissues it.
    for named in [&["renew", "report"][..], &["renew", "--user", "report"]] {
        let out = run(dir, &at(T3, named));
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "users/report holds certificate {report}, which is revoked"
            )),
            "{err}"
        );
        assert!(err.contains("certgen retire user report"), "{err}");
        assert!(!err.contains("--force"), "{err}");
        assert_eq!(snapshot(&pki), before);
    }
    // Retired, it is gone from the cron line's notes.
    ok(dir, &at(T3, &["-q", "retire", "user", "report"]));
    let out = run(dir, &at(T3, &cron));
    assert_eq!(out.status.code(), Some(0));
    assert!(skip_notes(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn superseded_and_foreign_bundles_are_skipped_with_a_note_each_and_refused_by_name() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let pki = dir.join("pki");
    issue(dir, &["init-ca"]);
    issue(dir, &["issue-client", "app", "bob", "carol"]);
    // bob renewed, then the old bundle put back by hand.
    ok(dir, &at(T1, &["-q", "renew", "bob"]));
    let old = pki.join("old_keys/2030-01-02T000000Z/users/bob");
    std::fs::rename(pki.join("users/bob"), dir.join("bob-new")).unwrap();
    std::process::Command::new("cp")
        .arg("-a")
        .arg(&old)
        .arg(pki.join("users/bob"))
        .status()
        .unwrap();
    // carol's bundle replaced by one of another CA.
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
            "carol",
            "--key-type",
            "ecdsa-p256",
        ],
    );
    std::fs::remove_dir_all(pki.join("users/carol")).unwrap();
    std::fs::rename(dir.join("other/users/carol"), pki.join("users/carol")).unwrap();

    let before = snapshot(&pki);
    let out = run(dir, &at(T3, &["renew", "--all", "--within", "30d"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        skip_notes(&out),
        [
            "skipped users/bob (superseded certificate)",
            "skipped users/carol (not issued by this CA)"
        ]
    );
    assert_eq!(snapshot(&pki), before);
    let json = ok(
        dir,
        &at(
            T3,
            &["renew", "--all", "--within", "30d", "--format", "json"],
        ),
    );
    let reasons = skipped(&json);
    assert!(
        reasons.contains(&("bob".into(), "superseded".into())),
        "{json}"
    );
    assert!(
        reasons.contains(&("carol".into(), "other-ca".into())),
        "{json}"
    );

    // Named: refused, nothing written.
    let out = run(dir, &at(T3, &["renew", "bob"]));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("which was superseded"), "{err}");
    assert!(err.contains("certgen retire user bob"), "{err}");
    let out = run(dir, &at(T3, &["renew", "carol"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("was not issued by this CA"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&pki), before);

    // Without --within the others are renewed, the skipped ones left alone.
    let out = run(dir, &at(T3, &["renew", "--all"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(skip_notes(&out).len(), 2);
    assert!(String::from_utf8_lossy(&out.stdout).contains("renewed users/app"));
    assert_eq!(snapshot(&pki.join("users/bob")), snapshot(&old));
}
