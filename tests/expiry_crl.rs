//! `check-expiry` reads CRLs, in the PKI directory and in the paths given:
//! a CRL is judged by its nextUpdate with the same `--warn` and `--crit` as
//! a certificate by its notAfter, in every output format.

use std::path::Path;

use crate::common::*;

const T0: &str = "2030-01-01T00:00:00Z";

fn day(n: i64) -> String {
    let t = ::time::macros::datetime!(2030-01-01 00:00 UTC) + ::time::Duration::days(n);
    t.format(&::time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// A PKI whose CRL (number 1, one revoked) lapses 20 days after T0.
fn pki(dir: &Path) {
    let at = |args: &[&str]| {
        let mut all = vec!["--now", T0];
        all.extend_from_slice(args);
        ok(dir, &all);
    };
    at(&["init-ca", "--key-type", "ecdsa-p256"]);
    at(&["issue-client", "app", "gone", "--key-type", "ecdsa-p256"]);
    at(&["revoke", "gone"]);
    at(&["crl", "--days", "20"]);
}

/// check-expiry at `when`: (exit code, stdout).
fn check(dir: &Path, when: &str, args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["check-expiry", "--at", when];
    all.extend_from_slice(args);
    let out = run(dir, &all);
    assert_no_panic(&out);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn crl_row(text: &str) -> &str {
    text.lines()
        .find(|l| l.contains("pki/crl.pem"))
        .unwrap_or_else(|| panic!("no CRL row: {text}"))
}

#[test]
fn a_crl_warns_and_turns_critical_before_its_next_update_in_text() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    let (code, out) = check(dir, T0, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        crl_row(&out),
        "WARNING   2030-01-21T00:00:00Z      20  pki/crl.pem  CRL of /CN=certgen CA, number 1 (next update in 20 days)"
    );
    assert!(
        out.ends_with(
            "5 certificates and 1 CRL: 4 ok, 1 warning, 0 critical, 1 revoked; 0 unknown\n"
        ),
        "{out}"
    );
    // The same thresholds as certificates: --warn 10d leaves it OK.
    let (code, out) = check(dir, T0, &["--warn", "10d", "--crit", "2d"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(crl_row(&out).starts_with("OK "), "{out}");
    let (code, out) = check(dir, &day(14), &[]);
    assert_eq!(code, Some(2));
    assert!(
        crl_row(&out).starts_with("CRITICAL  2030-01-21T00:00:00Z       6  "),
        "{out}"
    );
    let (code, out) = check(dir, &day(21), &[]);
    assert_eq!(code, Some(2));
    assert!(
        crl_row(&out).ends_with("(next update passed 1 day ago: servers that check it refuse every certificate of its CA)"),
        "{out}"
    );
    // Quiet: the problem rows only, and nothing once the CRL is current.
    let (_, out) = check(dir, &day(14), &["-q"]);
    assert_eq!(out.lines().count(), 2, "{out}");
    let (_, out) = check(dir, T0, &["-q", "--warn", "10d", "--crit", "2d"]);
    assert_eq!(out, "");
}

#[test]
fn a_crl_in_json_nagios_and_prometheus() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    let (code, out) = check(dir, &day(14), &["--format", "json", "pki/crl.pem"]);
    assert_eq!(code, Some(2));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let r = &v["results"][0];
    assert_eq!(r["file"], "pki/crl.pem");
    assert_eq!(r["status"], "critical");
    assert_eq!(r["reason"], "next update in 6 days");
    assert_eq!(r["days_left"], 6);
    assert_eq!(r["certificate"], serde_json::Value::Null);
    assert_eq!(r["crl"]["issuer"], "/CN=certgen CA");
    assert_eq!(r["crl"]["crl_number"], "1");
    assert_eq!(r["crl"]["next_update"], "2030-01-21T00:00:00Z");
    assert_eq!(r["crl"]["revoked"], 1);
    assert_eq!(v["summary"]["crls"], 1);
    assert_eq!(v["summary"]["certificates"], 0);
    assert_eq!(v["status"], "critical");

    let (_, out) = check(dir, &day(14), &["--format", "nagios"]);
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with("CERTGEN EXPIRY CRITICAL - 5 certificates and 1 CRL: 1 critical, 0 warning, 4 ok, 1 revoked; 0 unknown"),
        "{out}"
    );
    assert!(first.contains(" crls=1;;;0 "), "{first}");
    assert!(
        out.contains(
            "CRITICAL: pki/crl.pem CRL of /CN=certgen CA, number 1: next update in 6 days"
        ),
        "{out}"
    );

    let (_, out) = check(dir, &day(14), &["--format", "prometheus"]);
    let labels = r#"{path="pki/crl.pem",index="1",issuer="/CN=certgen CA",crl_number="1"}"#;
    assert!(
        out.contains(&format!(
            "certgen_crl_next_update_timestamp_seconds{labels} 1895184000\n"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("certgen_crl_next_update_seconds{labels} 518400\n")),
        "{out}"
    );
    assert!(
        out.contains("certgen_check_expiry_crls{status=\"critical\"} 1\n"),
        "{out}"
    );
    assert!(
        out.contains("certgen_check_expiry_certificates{status=\"ok\"} 4\n"),
        "CRLs are not counted as certificates: {out}"
    );
    assert!(!out.contains("certificate_not_after_timestamp_seconds{path=\"pki/crl.pem\""));
}

#[test]
fn crls_in_given_paths_der_and_deployed_names_and_changeover_files() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    // DER, named as libpq names it in ~/.postgresql.
    let pem = std::fs::read(dir.join("pki/crl.pem")).unwrap();
    let der = pem::parse(&pem).unwrap().into_contents();
    std::fs::create_dir(dir.join("home")).unwrap();
    std::fs::write(dir.join("home/root.crl"), &der).unwrap();
    let (code, out) = check(dir, T0, &["home"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("home/root.crl  CRL of /CN=certgen CA, number 1 (next update in 20 days)"),
        "{out}"
    );
    // During a changeover, the file holds two CRLs: each is checked.
    let mut all = vec!["--now", T0];
    all.extend(["rotate-ca"]);
    ok(dir, &all);
    let (_, out) = check(dir, T0, &["pki/crl.pem"]);
    assert!(
        out.contains("pki/crl.pem#1  CRL of /CN=certgen CA, number 2"),
        "{out}"
    );
    assert!(
        out.contains("pki/crl.pem#2  CRL of /CN=certgen CA, number 2"),
        "{out}"
    );
    assert!(
        out.ends_with("0 certificates and 2 CRLs: 0 ok, 2 warning, 0 critical; 0 unknown\n"),
        "{out}"
    );
    // A broken CRL file named on the command line is UNKNOWN.
    std::fs::write(
        dir.join("broken.crl"),
        b"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n",
    )
    .unwrap();
    let (code, out) = check(dir, T0, &["broken.crl"]);
    assert_eq!(code, Some(3), "{out}");
    assert!(
        out.contains("UNKNOWN   -                          -  broken.crl  malformed CRL"),
        "{out}"
    );
}
