//! `crl --within`: the cron line re-issues the CRL file only when it is due
//! (a trusted root without a CRL in it, a nextUpdate inside the window,
//! revocations it does not list), and writes nothing otherwise.

use std::path::Path;

use crate::common::*;

const T0: &str = "2030-01-01T00:00:00Z";

fn now_args<'a>(now: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--now", now];
    all.extend_from_slice(args);
    all
}

/// Runs certgen at `now`: (exit code, stdout, stderr).
fn at(dir: &Path, now: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let out = run(dir, &now_args(now, args));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr(&out),
    )
}

fn day(n: i64) -> String {
    let t = ::time::macros::datetime!(2030-01-01 00:00 UTC) + ::time::Duration::days(n);
    t.format(&::time::format_description::well_known::Rfc3339)
        .unwrap()
}

fn pki(dir: &Path) {
    ok(dir, &now_args(T0, &["init-ca", "--key-type", "ecdsa-p256"]));
    ok(
        dir,
        &now_args(
            T0,
            &["issue-client", "app", "bob", "--key-type", "ecdsa-p256"],
        ),
    );
}

#[test]
fn the_crl_is_written_when_due_and_left_alone_otherwise() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    let cron = ["crl", "--within", "30d"];
    // No CRL yet: due.
    let (code, out, err) = at(dir, T0, &cron);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains(
            "wrote CRL number 1 of /CN=certgen CA (0 revoked, next update 2030-04-01T00:00:00Z)"
        ),
        "{out}"
    );
    assert!(err.contains("due: there is no CRL file yet"), "{err}");
    // Every day until its nextUpdate is 30 days away: nothing written,
    // nothing on stdout.
    let before = snapshot(&dir.join("pki"));
    for n in [0, 1, 30, 59] {
        let (code, out, err) = at(dir, &day(n), &cron);
        assert_eq!((code, out.as_str()), (Some(0), ""), "day {n}: {err}");
        assert!(
            err.contains("nothing due: pki/crl.pem holds a current CRL of each root (next update 2030-04-01T00:00:00Z), later than 30 days"),
            "{err}"
        );
        assert_eq!(snapshot(&dir.join("pki")), before, "day {n} wrote");
    }
    let (_, out, err) = at(dir, &day(59), &["-q", "crl", "--within", "30d"]);
    assert_eq!(
        (out.as_str(), err.as_str()),
        ("", ""),
        "quiet when nothing is due"
    );
    // Inside the window: written, the old file archived.
    let (_, out, err) = at(dir, &day(60), &cron);
    assert!(out.contains("CRL number 2"), "{out}");
    assert!(err.contains("due: the next update of the CRL of the CA /CN=certgen CA falls on 2030-04-01T00:00:00Z, within 30 days"), "{err}");
    assert!(
        err.contains("archived the CRL file it replaces in pki/old_keys/"),
        "{err}"
    );
    // A revocation is published by the next run, whatever the dates.
    ok(dir, &now_args(&day(62), &["revoke", "app"]));
    let (_, out, err) = at(dir, &day(62), &cron);
    assert!(
        out.contains("CRL number 3 of /CN=certgen CA (1 revoked"),
        "{out}"
    );
    assert!(err.contains("does not list 1 revoked certificate"), "{err}");
    let (_, out, _) = at(dir, &day(62), &cron);
    assert_eq!(out, "");
    // As JSON: what the file holds, and that nothing was written.
    let (_, out, _) = at(
        dir,
        &day(63),
        &["crl", "--within", "30d", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["written"], false);
    assert_eq!(v["due"], serde_json::Value::Null);
    assert_eq!(v["crl"]["crl_number"], "3");
    assert_eq!(v["crl"]["revoked"].as_array().unwrap().len(), 1);
    assert_eq!(v["old_ca_crl"], serde_json::Value::Null);
    // A CRL file that holds no CRL is due.
    std::fs::write(dir.join("pki/crl.pem"), "not a CRL\n").unwrap();
    let (_, out, err) = at(dir, &day(63), &cron);
    assert!(out.contains("CRL number 4"), "{out}");
    assert!(
        err.contains("due: it holds no CRL certgen can read"),
        "{err}"
    );
}

#[test]
fn a_window_as_long_as_the_crl_is_refused_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    let before = snapshot(&dir.join("pki"));
    for (args, said) in [
        (
            vec!["crl", "--within", "90d"],
            "--within 90 days is not shorter than the CRL's lifetime (90 days): every run would be due",
        ),
        (
            vec!["crl", "--within", "2w", "--days", "7"],
            "--within 14 days is not shorter than the CRL's lifetime (7 days)",
        ),
        (vec!["crl", "--within", "soon"], "invalid value 'soon'"),
    ] {
        let (code, out, err) = at(dir, T0, &args);
        assert_eq!(code, Some(2), "{args:?}");
        assert_eq!(out, "");
        assert!(err.contains(said), "{args:?}: {err}");
        assert_eq!(
            err.lines().filter(|l| !l.starts_with("hint:")).count(),
            1,
            "{err}"
        );
        assert_eq!(snapshot(&dir.join("pki")), before, "{args:?} wrote");
    }
}

#[test]
fn the_default_lifetime_outlasts_the_expiry_warning() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    let (_, out, _) = at(dir, T0, &["crl"]);
    assert!(
        out.contains("next update 2030-04-01T00:00:00Z"),
        "90 days: {out}"
    );
}

#[test]
fn a_changeover_makes_a_file_without_the_old_roots_crl_due_and_finish_one_with_it() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    ok(dir, &now_args(T0, &["crl"]));
    ok(dir, &now_args(&day(1), &["rotate-ca"]));
    let cron = ["crl", "--within", "30d"];
    let (_, out, _) = at(dir, &day(1), &cron);
    assert_eq!(out, "", "rotate-ca left a CRL of each root");
    // A file holding the new CA's CRL alone, as an older certgen wrote it.
    let text = std::fs::read_to_string(dir.join("pki/crl.pem")).unwrap();
    let first = text
        .split_inclusive("-----END X509 CRL-----\n")
        .next()
        .unwrap();
    std::fs::write(dir.join("pki/crl.pem"), first).unwrap();
    let (_, out, err) = at(dir, &day(2), &cron);
    assert!(
        err.contains("due: it holds no CRL of the old CA /CN=certgen CA"),
        "{err}"
    );
    assert!(out.contains("of the old CA /CN=certgen CA"), "{out}");
    let with_old = std::fs::read(dir.join("pki/crl.pem")).unwrap();
    ok(dir, &now_args(&day(3), &["renew", "--all"]));
    ok(dir, &now_args(&day(3), &["crl"]));
    ok(dir, &now_args(&day(4), &["rotate-ca", "--finish"]));
    let (_, out, _) = at(dir, &day(4), &cron);
    assert_eq!(out, "", "--finish left the new CA's CRL alone");
    // A file that still holds the old root's CRL after --finish.
    std::fs::write(dir.join("pki/crl.pem"), with_old).unwrap();
    let (_, out, err) = at(dir, &day(5), &cron);
    assert!(
        err.contains("due: it holds a CRL of /CN=certgen CA that is not trusted now"),
        "{err}"
    );
    assert!(out.contains("wrote CRL number"), "{out}");
    let (_, out, _) = at(dir, &day(5), &cron);
    assert_eq!(out, "");
}

#[test]
fn a_renewal_alone_does_not_make_the_crl_due() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    ok(dir, &now_args(T0, &["crl"]));
    // The renewed bundles are still on their way: the superseded
    // certificates are not listed yet.
    ok(dir, &now_args(&day(1), &["renew", "--all"]));
    let cron = ["crl", "--within", "30d"];
    let before = snapshot(&dir.join("pki"));
    let (_, out, err) = at(dir, &day(1), &cron);
    assert_eq!(out, "", "{err}");
    assert_eq!(snapshot(&dir.join("pki")), before);
    // The next write lists them, with the revocation that made it due.
    ok(
        dir,
        &now_args(&day(2), &["revoke", "app", "--reason", "keyCompromise"]),
    );
    let (_, out, err) = at(dir, &day(2), &cron);
    assert!(err.contains("does not list 1 revoked certificate"), "{err}");
    assert!(
        out.contains("(3 revoked"),
        "app, and the two superseded: {out}"
    );
}
