//! The documented cron line, run every day for 400 simulated days (the
//! hidden `--now` pins the clock) on a PKI with revocations and a CA
//! rotation: every valid bundle passes `openssl verify -crl_check_all`
//! against its own CA file and `pki/crl.pem` every day, the revoked ones
//! never do, and `check-expiry` stays quiet because nothing comes near its
//! warning window. Without the cron line, `check-expiry` warns 30 days
//! before a CRL or a certificate lapses and turns critical 7 days before.

use std::collections::HashMap;
use std::path::Path;

use crate::common::*;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::datetime;

const START: OffsetDateTime = datetime!(2030-01-01 06:00 UTC);
const WARN_DAYS: i64 = 30;
const CRIT_DAYS: i64 = 7;

fn day(n: i64) -> String {
    (START + time::Duration::days(n)).format(&Rfc3339).unwrap()
}

/// certgen at day `n`, which must succeed.
fn at(dir: &Path, n: i64, args: &[&str]) -> String {
    let now = day(n);
    let mut all = vec!["--now", now.as_str()];
    all.extend_from_slice(args);
    ok(dir, &all)
}

/// The cron line of docs/revocation.md, as run at day `n`.
fn cron(dir: &Path, n: i64) {
    at(dir, n, &["-q", "renew", "--all", "--within", "30d"]);
    at(dir, n, &["-q", "crl", "--within", "30d"]);
}

/// check-expiry of the PKI at day `n`, as JSON.
fn check(dir: &Path, n: i64) -> Value {
    let out = run(dir, &["check-expiry", "--at", &day(n), "--format", "json"]);
    assert_no_panic(&out);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("day {n}: {e}"))
}

/// Every bundle: (directory relative to the PKI, certificate file).
fn bundles(pki: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (kind, cert) in [("servers", "server-cert.pem"), ("users", "client-cert.pem")] {
        let Ok(entries) = std::fs::read_dir(pki.join(kind)) else {
            continue;
        };
        for e in entries.flatten() {
            out.push((
                format!("{kind}/{}", e.file_name().to_string_lossy()),
                cert.to_string(),
            ));
        }
    }
    out.sort();
    out
}

/// The serials the index records as revoked (any reason).
fn revoked(pki: &Path) -> Vec<String> {
    std::fs::read_to_string(pki.join("index.txt"))
        .unwrap()
        .lines()
        .filter(|l| l.starts_with('R'))
        .map(|l| l.split('\t').nth(3).unwrap().to_string())
        .collect()
}

fn serial_of(path: &Path) -> String {
    with_cert(path, |c| {
        certgen::serial::Serial::from_bytes(c.raw_serial()).to_string()
    })
}

/// `openssl verify -crl_check_all` at day `n` of a bundle's certificate
/// with its own CA file (what a server or client is given) and the CRL.
fn verify(dir: &Path, n: i64, bundle: &str, cert: &str) -> (bool, String) {
    let t = (START + time::Duration::days(n)).unix_timestamp() + 60;
    openssl(
        dir,
        &[
            "verify",
            "-attime",
            &t.to_string(),
            "-crl_check_all",
            "-CRLfile",
            "pki/crl.pem",
            "-CAfile",
            &format!("pki/{bundle}/ca-cert.pem"),
            &format!("pki/{bundle}/{cert}"),
        ],
    )
}

/// Every certificate and CRL check-expiry reported must be at least
/// WARNING within 30 days of lapsing and CRITICAL within 7 (or after): the
/// check warns before anything lapses. Returns (location, seconds left)
/// for each, revoked certificates left out.
fn assert_warns_in_time(report: &Value, n: i64) -> Vec<(String, i64)> {
    let mut seen = Vec::new();
    for r in report["results"].as_array().unwrap() {
        let status = r["status"].as_str().unwrap();
        assert_ne!(status, "unknown", "day {n}: {r}");
        if status == "revoked" || status == "superseded" {
            continue;
        }
        let Some(left) = r["seconds_left"].as_i64() else {
            continue;
        };
        let want = if left < CRIT_DAYS * 86400 {
            "critical"
        } else if left < WARN_DAYS * 86400 {
            "warning"
        } else {
            "ok"
        };
        assert_eq!(status, want, "day {n}: {r}");
        let place = format!("{}#{}", r["file"], r["position"]);
        seen.push((place, left));
    }
    seen
}

#[test]
fn the_cron_line_keeps_every_bundle_verifiable_for_400_days() {
    if !have_openssl() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let pki = dir.join("pki");
    let ec = ["--key-type", "ecdsa-p256"];
    at(dir, 0, &[&["init-ca"][..], &ec].concat());
    at(
        dir,
        0,
        &[&["issue-server", "db", "--days", "90"][..], &ec].concat(),
    );
    at(
        dir,
        0,
        &[&["issue-client", "app", "--days", "60"][..], &ec].concat(),
    );
    at(
        dir,
        0,
        &[&["issue-client", "ops", "gone", "--days", "45"][..], &ec].concat(),
    );
    at(dir, 0, &["revoke", "gone", "--reason", "keyCompromise"]);
    let mut renewals = 0;
    let mut crl_numbers = Vec::new();
    let mut rotation_checked = false;
    let mut verified = 0;
    for n in 0..400 {
        match n {
            150 => {
                at(dir, n, &["revoke", "ops", "--reason", "affiliationChanged"]);
            }
            200 => {
                at(dir, n, &["rotate-ca"]);
            }
            210 => {
                at(dir, n, &["renew", "--all"]);
            }
            240 => {
                // The revoked bundles leave the PKI first, as an operator
                // retires them: their old CA is about to be dropped, and
                // renew refuses a bundle no trusted CA issued.
                std::fs::create_dir(dir.join("retired")).unwrap();
                for user in ["gone", "ops"] {
                    let from = pki.join("users").join(user);
                    std::fs::rename(from, dir.join("retired").join(user)).unwrap();
                }
                at(dir, n, &["rotate-ca", "--finish"]);
            }
            _ => {}
        }
        let before = revoked(&pki).len();
        cron(dir, n);
        if revoked(&pki).len() > before {
            renewals += 1;
        }
        // Every valid bundle verifies with its own CA file and the CRL;
        // every revoked one is refused.
        let revoked_now = revoked(&pki);
        for (bundle, cert) in bundles(&pki) {
            let serial = serial_of(&pki.join(&bundle).join(&cert));
            let (accepted, text) = verify(dir, n, &bundle, &cert);
            verified += 1;
            if revoked_now.contains(&serial) {
                assert!(!accepted, "day {n}: revoked {bundle} accepted: {text}");
            } else {
                assert!(accepted, "day {n}: {bundle}: {text}");
            }
        }
        // The CRL file holds a CRL of each trusted root, and check-expiry,
        // run after the cron line, has nothing to warn about.
        let report = check(dir, n);
        let roots = if pki.join("ca-bundle.pem").exists() {
            2
        } else {
            1
        };
        assert_eq!(report["summary"]["crls"], roots, "day {n}");
        assert_eq!(report["exit_code"], 0, "day {n}: {report}");
        for (place, left) in assert_warns_in_time(&report, n) {
            assert!(left >= WARN_DAYS * 86400, "day {n}: {place} left {left}s");
        }
        if (200..240).contains(&n) {
            rotation_checked = true;
        }
        let number = std::fs::read_to_string(pki.join("crlnumber")).unwrap();
        if crl_numbers.last() != Some(&number) {
            crl_numbers.push(number);
        }
    }
    assert!(rotation_checked);
    // The renewals happened (every 15 to 60 days, and the rotation's), and
    // the CRL was re-issued, but not every day.
    eprintln!(
        "400 days: {renewals} days with renewals, {} CRL files written, {verified} verifications",
        crl_numbers.len()
    );
    assert!(renewals >= 12, "{renewals} days with renewals");
    assert!(
        (6..40).contains(&crl_numbers.len()),
        "{} CRLs written in 400 days",
        crl_numbers.len()
    );
}

#[test]
fn without_the_cron_line_check_expiry_warns_before_anything_lapses() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let ec = ["--key-type", "ecdsa-p256"];
    at(dir, 0, &[&["init-ca"][..], &ec].concat());
    at(
        dir,
        0,
        &[&["issue-server", "db", "--days", "120"][..], &ec].concat(),
    );
    at(
        dir,
        0,
        &[&["issue-client", "app", "--days", "75"][..], &ec].concat(),
    );
    at(dir, 0, &["revoke", "app"]);
    for n in 0..20 {
        cron(dir, n);
    }
    // The cron line stops on day 20: each day, every CRL and certificate is
    // WARNING within 30 days of lapsing and CRITICAL within 7, and each is
    // seen WARNING at least 23 days before it lapses.
    let mut first_warned: HashMap<String, i64> = HashMap::new();
    let mut lapsed_on: HashMap<String, i64> = HashMap::new();
    for n in 20..130 {
        let report = check(dir, n);
        for (place, left) in assert_warns_in_time(&report, n) {
            if left < WARN_DAYS * 86400 {
                first_warned.entry(place.clone()).or_insert(n);
            }
            if left < 0 {
                lapsed_on.entry(place).or_insert(n);
            }
        }
    }
    // The CRL (re-issued by the cron line up to day 20: 90 days) and the
    // server certificate (120 days) lapse; both were warned about in time.
    assert!(
        lapsed_on.keys().any(|p| p.contains("crl.pem")),
        "{lapsed_on:?}"
    );
    assert!(
        lapsed_on.keys().any(|p| p.contains("server-cert.pem")),
        "{lapsed_on:?}"
    );
    for (place, lapsed) in &lapsed_on {
        let warned = first_warned[place];
        assert!(
            lapsed - warned >= WARN_DAYS - CRIT_DAYS,
            "{place}: warned on day {warned}, lapsed on day {lapsed}"
        );
    }
}
