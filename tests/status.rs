//! `certgen status`: one view of the PKI directory. Each bundle's state
//! comes from its certificate and the index (valid, expiring, expired,
//! revoked, superseded, other-ca), the CRL file's from its CRLs and
//! whether it is due, a changeover from `rotate-ca`; the problems raise the
//! exit status as check-expiry's do (0 OK, 1 WARNING, 2 CRITICAL, 3
//! UNKNOWN). The figures reported are checked against `openssl`.

use std::path::Path;

use serde_json::Value;

use crate::common::*;

/// T0 plus `n` days, in RFC 3339.
fn day(n: i64) -> String {
    let t = ::time::macros::datetime!(2030-01-01 00:00 UTC) + ::time::Duration::days(n);
    t.format(&::time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// `status --format json --at WHEN` in `dir`: the document and exit code.
fn status(dir: &Path, when: &str, args: &[&str]) -> (Value, i32) {
    let mut all = vec!["status", "--format", "json", "--at", when];
    all.extend_from_slice(args);
    let out = run(dir, &all);
    assert_no_panic(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    let doc: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}\n{}", stderr(&out)));
    let code = out.status.code().unwrap();
    assert_eq!(doc["exit_code"], code, "{doc:#}");
    (doc, code)
}

/// The row of bundle `rel` (`users/NAME`, `servers/NAME`).
fn bundle<'a>(doc: &'a Value, rel: &str) -> &'a Value {
    let (kind, name) = rel.split_once('/').unwrap();
    let kind = if kind == "users" { "user" } else { "server" };
    doc["bundles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["kind"] == kind && b["name"] == name)
        .unwrap_or_else(|| panic!("no bundle {rel} in {doc:#}"))
}

/// The reasons of a row's problems.
fn problems(row: &Value) -> Vec<String> {
    row["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{}: {}",
                p["status"].as_str().unwrap(),
                p["reason"].as_str().unwrap()
            )
        })
        .collect()
}

/// `openssl x509 -serial -enddate` of a certificate file: the serial and
/// notAfter in the forms status reports them.
fn openssl_serial_and_end(dir: &Path, cert: &str) -> (String, String) {
    let (ok, text) = openssl(dir, &["x509", "-in", cert, "-noout", "-serial", "-enddate"]);
    assert!(ok, "{text}");
    let serial = text
        .lines()
        .find_map(|l| l.strip_prefix("serial="))
        .unwrap()
        .to_string();
    let end = text
        .lines()
        .find_map(|l| l.strip_prefix("notAfter="))
        .unwrap();
    let end = ::time::PrimitiveDateTime::parse(
        end.trim_end_matches(" GMT"),
        ::time::macros::format_description!(
            "[month repr:short] [day padding:space] [hour]:[minute]:[second] [year]"
        ),
    )
    .unwrap_or_else(|e| panic!("{end}: {e}"))
    .assume_utc()
    .format(&::time::format_description::well_known::Rfc3339)
    .unwrap();
    (serial, end)
}

/// Copies every file of `from` into `to`, replacing those there.
fn put_back(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        std::fs::remove_file(&target).ok();
        std::fs::copy(e.path(), &target).unwrap();
    }
}

/// A PKI made at T0: server db1 (the default 825 days), users app (1825
/// days), soon (20 days), gone (1 day), eve (revoked), bob (renewed, then
/// its old bundle put back as a restore from a backup would), and alien
/// (another PKI's bundle copied in).
fn every_state() -> tempfile::TempDir {
    let d = pki_at_t0(&[
        &["issue-server", "db1", "--key-type", "ecdsa-p256"],
        &[
            "issue-client",
            "app",
            "eve",
            "bob",
            "--key-type",
            "ecdsa-p256",
        ],
        &[
            "issue-client",
            "soon",
            "--days",
            "20",
            "--key-type",
            "ecdsa-p256",
        ],
        &[
            "issue-client",
            "gone",
            "--days",
            "1",
            "--key-type",
            "ecdsa-p256",
        ],
        &["revoke", "eve", "--reason", "keyCompromise"],
        &["renew", "bob"],
    ]);
    let pki = d.path().join("pki");
    let archived = archives(&pki).pop().unwrap().join("users/bob");
    put_back(&archived, &pki.join("users/bob"));
    let other = tempfile::tempdir().unwrap();
    ok(
        other.path(),
        &at(
            T0,
            &["init-ca", "--cn", "other CA", "--key-type", "ecdsa-p256"],
        ),
    );
    ok(
        other.path(),
        &at(T0, &["issue-client", "alien", "--key-type", "ecdsa-p256"]),
    );
    let alien = pki.join("users/alien");
    std::fs::create_dir(&alien).unwrap();
    put_back(&other.path().join("pki/users/alien"), &alien);
    d
}

#[test]
fn each_bundle_has_the_state_its_certificate_and_the_index_give_it() {
    if !have_openssl() {
        return;
    }
    let d = every_state();
    let dir = d.path();
    let (doc, code) = status(dir, &day(2), &[]);
    // gone expired: CRITICAL wins over the WARNINGs.
    assert_eq!(
        (code, doc["status"].as_str()),
        (2, Some("critical")),
        "{doc:#}"
    );
    let state = |rel: &str| bundle(&doc, rel)["state"].as_str().unwrap().to_string();
    let st = |rel: &str| bundle(&doc, rel)["status"].as_str().unwrap().to_string();
    for (rel, expected_state, expected_status) in [
        ("servers/db1", "valid", "ok"),
        ("users/app", "valid", "ok"),
        ("users/soon", "expiring", "warning"),
        ("users/gone", "expired", "critical"),
        ("users/eve", "revoked", "ok"),
        ("users/bob", "superseded", "warning"),
        ("users/alien", "other-ca", "warning"),
    ] {
        assert_eq!(
            (state(rel), st(rel)),
            (expected_state.to_string(), expected_status.to_string()),
            "{rel}: {:#}",
            bundle(&doc, rel)
        );
    }
    assert_eq!(doc["bundles"].as_array().unwrap().len(), 7);
    for (field, n) in [
        ("bundles", 7),
        ("valid", 2),
        ("expiring", 1),
        ("expired", 1),
        ("revoked", 1),
        ("superseded", 1),
        ("other_ca", 1),
        ("not_yet_valid", 0),
        ("unreadable", 0),
        ("problems", 4),
    ] {
        assert_eq!(doc["summary"][field], n, "{field}: {:#}", doc["summary"]);
    }

    // Serials and dates are the certificates', as openssl reads them.
    let pki = dir.join("pki");
    for rel in [
        "servers/db1",
        "users/app",
        "users/soon",
        "users/gone",
        "users/eve",
        "users/bob",
    ] {
        let row = bundle(&doc, rel);
        let file = row["file"].as_str().unwrap();
        let (serial, end) = openssl_serial_and_end(dir, file);
        assert_eq!(row["serial"], serial.as_str(), "{rel}");
        assert_eq!(row["not_after"], end.as_str(), "{rel}");
        assert_eq!(row["certificate"]["serial"], serial.as_str(), "{rel}");
        assert_eq!(row["issued_by"], "ca", "{rel}");
    }

    let soon = bundle(&doc, "users/soon");
    assert_eq!(problems(soon), ["warning: expires in 18 days"]);
    assert_eq!(soon["days_left"], 18);
    assert_eq!(
        problems(bundle(&doc, "users/gone")),
        ["critical: expired 1 day ago"]
    );

    // Revoked: shown with its revocation, raising nothing, as check-expiry
    // shows it in the PKI directory.
    let eve = bundle(&doc, "users/eve");
    assert_eq!(eve["revocation"]["revocation_reason"], "keyCompromise");
    assert_eq!(eve["revocation"]["revoked_at"], T0);
    assert!(problems(eve).is_empty(), "{eve:#}");
    assert!(
        eve["reason"]
            .as_str()
            .unwrap()
            .starts_with("revoked on 2030-01-01T00:00:00Z (keyCompromise); expires in "),
        "{eve:#}"
    );

    // Superseded: the bundle holds the certificate renew replaced; the
    // index's current one is the renewal's.
    let bob = bundle(&doc, "users/bob");
    let renewed = index_rows(&pki)
        .into_iter()
        .rfind(|r| r.file == "users/bob/client-cert.pem")
        .unwrap();
    assert_eq!(renewed.status, "V");
    assert_ne!(bob["serial"], renewed.serial.as_str());
    assert_eq!(bob["index_current"]["serial"], renewed.serial.as_str());
    assert_eq!(bob["revocation"]["revocation_reason"], "superseded");
    assert_eq!(
        problems(bob),
        [format!(
            "warning: not the certificate the index records for it now, serial {} (not after {}): a bundle put back by hand?",
            renewed.serial,
            bob["index_current"]["not_after"].as_str().unwrap()
        )]
    );

    // Its renewal revoked since: still a superseded bundle put back.
    ok(dir, &at(T0, &["revoke", "--serial", &renewed.serial]));
    let (later, _) = status(dir, &day(2), &[]);
    let bob = bundle(&later, "users/bob");
    assert_eq!(
        (bob["state"].as_str(), &bob["index_current"]),
        (Some("superseded"), &Value::Null)
    );
    assert_eq!(
        problems(bob),
        [
            "warning: superseded, and the index records no valid certificate for it now: a bundle put back by hand?"
        ]
    );

    // Another CA's: judged by its dates, and flagged.
    let alien = bundle(&doc, "users/alien");
    assert_eq!(alien["issued_by"], "other");
    assert_eq!(alien["revocation"], Value::Null);
    assert_eq!(
        problems(alien),
        [
            "warning: issued by /CN=other CA, not by this PKI's CA: deploy and renew refuse it; retire it, or issue it anew with --force"
        ]
    );

    // The CA, as openssl reads it.
    let (serial, end) = openssl_serial_and_end(dir, "pki/ca-cert.pem");
    assert_eq!(doc["ca"]["certificate"]["serial"], serial.as_str());
    assert_eq!(doc["ca"]["certificate"]["not_after"], end.as_str());
    assert_eq!(doc["ca"]["status"], "ok");
    assert_eq!(doc["changeover"], Value::Null);
    assert_eq!(doc["crl"], Value::Null);
}

#[test]
fn a_bundle_the_index_does_not_record_is_flagged() {
    let d = pki_at_t0(&[&["issue-client", "app", "other", "--key-type", "ecdsa-p256"]]);
    let pki = d.path().join("pki");
    let (doc, code) = status(d.path(), &day(1), &[]);
    assert_eq!(code, 0, "{doc:#}");
    let index = std::fs::read_to_string(pki.join("index.txt")).unwrap();
    let kept: String = index
        .lines()
        .filter(|l| !l.contains("users/app/"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(pki.join("index.txt"), kept).unwrap();
    let (doc, code) = status(d.path(), &day(1), &[]);
    assert_eq!(code, 1, "{doc:#}");
    let app = bundle(&doc, "users/app");
    assert_eq!(app["state"], "valid");
    assert_eq!(
        problems(app),
        [format!(
            "warning: serial {} is not in the index: renew, revoke and the CRL do not know this certificate",
            serial_of(&pki.join("users/app/client-cert.pem"))
        )]
    );
    assert!(problems(bundle(&doc, "users/other")).is_empty());
}

#[test]
fn a_crl_near_its_next_update_warns_and_the_file_is_due() {
    if !have_openssl() {
        return;
    }
    let d = pki_at_t0(&[
        &["issue-client", "app", "gone", "--key-type", "ecdsa-p256"],
        &["revoke", "gone"],
        &["crl", "--days", "20"],
    ]);
    let dir = d.path();
    let (doc, code) = status(dir, T0, &[]);
    assert_eq!(code, 1, "{doc:#}");
    let crl = &doc["crl"];
    assert_eq!(crl["file"], "pki/crl.pem");
    assert_eq!(crl["status"], "warning");
    let rows = crl["crls"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{crl:#}");
    assert_eq!(rows[0]["signed_by"], "ca");
    assert_eq!(rows[0]["status"], "warning");
    assert_eq!(rows[0]["reason"], "next update in 20 days");
    assert_eq!(rows[0]["crl"]["revoked"], 1);
    // The dates are the CRL's, as openssl reads them.
    let (ok_, text) = openssl(
        dir,
        &[
            "crl",
            "-in",
            "pki/crl.pem",
            "-noout",
            "-nextupdate",
            "-crlnumber",
        ],
    );
    assert!(ok_, "{text}");
    assert!(
        text.contains("nextUpdate=Jan 21 00:00:00 2030 GMT"),
        "{text}"
    );
    assert_eq!(rows[0]["crl"]["next_update"], "2030-01-21T00:00:00Z");
    assert!(
        text.contains("crlNumber=0x01") || text.contains("crlNumber=01"),
        "{text}"
    );
    assert_eq!(rows[0]["crl"]["crl_number"], "1");
    // Due by the window, as crl --within 30d would find it.
    assert_eq!(
        crl["due"],
        "the next update of the CRL of the CA /CN=certgen CA falls on 2030-01-21T00:00:00Z, within 30 days"
    );
    assert_eq!(problems(crl), ["warning: next update in 20 days"]);
    assert_eq!(doc["summary"]["min_seconds_left"], 20 * 86400);

    // Past the critical window, and past nextUpdate.
    let (doc, code) = status(dir, &day(15), &[]);
    assert_eq!((code, doc["crl"]["status"].as_str()), (2, Some("critical")));
    let (doc, code) = status(dir, &day(21), &[]);
    assert_eq!(code, 2);
    assert!(
        doc["crl"]["crls"][0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("next update passed 1 day ago"),
        "{doc:#}"
    );

    // A fresh CRL: nothing due. A revocation it does not list: due, and a
    // problem of the file while its CRLs are fine.
    ok(dir, &at(T0, &["crl"]));
    let (doc, code) = status(dir, T0, &[]);
    assert_eq!((code, &doc["crl"]["due"]), (0, &Value::Null), "{doc:#}");
    ok(dir, &at(T0, &["revoke", "app"]));
    let (doc, code) = status(dir, T0, &[]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(
        doc["crl"]["due"],
        "the CRL of the CA /CN=certgen CA does not list 1 revoked certificate"
    );
    assert_eq!(
        problems(&doc["crl"]),
        [
            "warning: due: the CRL of the CA /CN=certgen CA does not list 1 revoked certificate: certgen crl writes it anew"
        ]
    );
    ok(dir, &at(T0, &["crl", "--within", "30d"]));
    assert_eq!(status(dir, T0, &[]).1, 0);
}

#[test]
fn a_changeover_shows_the_old_ca_and_the_bundles_still_on_it() {
    let d = pki_at_t0(&[
        &["issue-client", "a", "b", "c", "--key-type", "ecdsa-p256"],
        &["revoke", "c"],
        &["crl"],
    ]);
    let dir = d.path();
    let pki = dir.join("pki");
    let old_serial = serial_of(&pki.join("ca-cert.pem"));
    let (doc, _) = status(dir, T0, &[]);
    assert_eq!(doc["changeover"], Value::Null);

    ok(dir, &at(T0, &["rotate-ca"]));
    let (doc, code) = status(dir, T0, &[]);
    assert_eq!(code, 0, "{doc:#}");
    let c = &doc["changeover"];
    assert_eq!(c["old_ca"].as_array().unwrap().len(), 1, "{c:#}");
    assert_eq!(c["old_ca"][0]["role"], "old-ca");
    assert_eq!(c["old_ca"][0]["certificate"]["serial"], old_serial.as_str());
    assert_eq!(
        serial_of(&pki.join("ca-old-cert.pem")),
        old_serial,
        "the old root is the one rotate-ca kept"
    );
    assert_eq!(
        doc["ca"]["certificate"]["serial"],
        serial_of(&pki.join("ca-cert.pem")).as_str()
    );
    assert_ne!(doc["ca"]["certificate"]["serial"], old_serial.as_str());
    assert_eq!(c["old_key_kept"], true);
    // c is revoked: renew --all leaves it, and it does not hold the
    // changeover open.
    assert_eq!(c["bundles_on_old_ca"], 2);
    for name in ["a", "b", "c"] {
        assert_eq!(
            bundle(&doc, &format!("users/{name}"))["issued_by"],
            "old-ca"
        );
    }
    assert_eq!(bundle(&doc, "users/c")["state"], "revoked");
    let signers: Vec<&str> = doc["crl"]["crls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["signed_by"].as_str().unwrap())
        .collect();
    assert_eq!(signers, ["ca", "old-ca"]);
    assert_eq!(doc["crl"]["due"], Value::Null);

    ok(dir, &at(T0, &["renew", "--all"]));
    let (doc, code) = status(dir, T0, &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["changeover"]["bundles_on_old_ca"], 0);
    assert_eq!(bundle(&doc, "users/a")["issued_by"], "ca");
    assert_eq!(bundle(&doc, "users/c")["issued_by"], "old-ca");

    // Once finished, the old CA is retired: the revoked bundle it issued
    // is another CA's now, and says which.
    ok(dir, &at(T0, &["rotate-ca", "--finish"]));
    let (doc, code) = status(dir, T0, &[]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(doc["changeover"], Value::Null);
    let c = bundle(&doc, "users/c");
    assert_eq!(
        (c["state"].as_str(), c["issued_by"].as_str()),
        (Some("other-ca"), Some("other"))
    );
    assert_eq!(
        problems(c),
        [
            "warning: issued by /CN=certgen CA, a CA rotate-ca --finish retired, not by this PKI's CA: deploy and renew refuse it; retire it, or issue it anew with --force"
        ]
    );
    let signers: Vec<&str> = doc["crl"]["crls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["signed_by"].as_str().unwrap())
        .collect();
    assert_eq!(signers, ["ca"]);
}

#[test]
fn a_changeover_without_the_old_key_cannot_write_its_crl() {
    let d = pki_at_t0(&[&["issue-client", "a", "--key-type", "ecdsa-p256"], &["crl"]]);
    let dir = d.path();
    ok(dir, &at(T0, &["rotate-ca"]));
    let pki = dir.join("pki");
    std::fs::rename(pki.join("ca-old-key.pem"), dir.join("elsewhere.pem")).unwrap();
    let (doc, code) = status(dir, T0, &[]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(doc["changeover"]["old_key_kept"], false);
    assert_eq!(doc["changeover"]["status"], "warning");
    let said = problems(&doc["changeover"]);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].ends_with(
            "keeps no key of the old CA (ca-old-key.pem and ca-old-cert.pem), which signs the old CA's CRL: certgen crl cannot write the CRL file until rotate-ca --finish"
        ),
        "{said:?}"
    );
}

#[test]
fn the_exit_status_is_the_worst_and_failures_are_unknown() {
    let d = pki_at_t0(&[&["issue-client", "app", "--key-type", "ecdsa-p256"]]);
    let dir = d.path();
    assert_eq!(status(dir, &day(1), &[]).1, 0);
    // Within --warn, within --crit, expired.
    let left = |days: i64| day(1825 - days);
    assert_eq!(status(dir, &left(20), &[]).1, 1);
    assert_eq!(status(dir, &left(5), &[]).1, 2);
    assert_eq!(
        status(dir, &left(20), &["--warn", "10d", "--crit", "2d"]).1,
        0
    );
    // Before notBefore: CRITICAL, not yet valid.
    let (doc, code) = status(dir, "2029-12-01T00:00:00Z", &[]);
    assert_eq!(code, 2);
    assert_eq!(bundle(&doc, "users/app")["state"], "not-yet-valid");

    // A certificate that cannot be read: UNKNOWN, which a WARNING does not
    // hide and a CRITICAL outranks.
    let bad = dir.join("pki/users/broken");
    std::fs::create_dir(&bad).unwrap();
    write(&bad.join("client-cert.pem"), "not a certificate\n");
    let (doc, code) = status(dir, &day(1), &[]);
    assert_eq!(code, 3, "{doc:#}");
    let broken = bundle(&doc, "users/broken");
    assert_eq!(
        (
            broken["state"].as_str(),
            broken["status"].as_str(),
            &broken["serial"]
        ),
        (Some("unreadable"), Some("unknown"), &Value::Null)
    );
    assert_eq!(status(dir, &left(20), &[]).1, 3);
    assert_eq!(status(dir, &left(5), &[]).1, 2);

    // Failures exit 3 too, with one line.
    for args in [
        vec!["status", "--warn", "1d", "--crit", "2d"],
        vec!["status", "--warn", "soon"],
        vec!["status", "--format", "xml"],
        vec!["--dir", "nowhere", "status"],
    ] {
        let out = run(dir, &args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).starts_with("certgen: error: "),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert!(!dir.join("nowhere").exists(), "status creates nothing");
}

#[test]
fn quiet_text_prints_only_the_problems_and_nothing_when_all_is_well() {
    let d = pki_at_t0(&[
        &["issue-server", "db1", "--key-type", "ecdsa-p256"],
        &[
            "issue-client",
            "soon",
            "--days",
            "20",
            "--key-type",
            "ecdsa-p256",
        ],
    ]);
    let dir = d.path();
    let out = run(dir, &["-q", "status", "--at", &day(1)]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("STATUS    STATE     NOT AFTER"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("WARNING   expiring  2030-01-21T00:00:00Z    19  "),
        "{text}"
    );
    assert!(
        lines[1].ends_with("  users/soon (expires in 19 days)"),
        "{text}"
    );
    let out = run(
        dir,
        &[
            "-q",
            "status",
            "--at",
            &day(1),
            "--warn",
            "10d",
            "--crit",
            "1d",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Not quiet: every line and the summary.
    let out = run(dir, &["status", "--at", &day(1)]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 5, "{text}");
    assert!(
        text.ends_with("2 bundles: 1 valid, 1 expiring; 1 problem (1 warning)\n"),
        "{text}"
    );
}

#[test]
fn nagios_and_prometheus_report_the_same_state() {
    let d = every_state();
    let dir = d.path();
    let out = run(dir, &["status", "--format", "nagios", "--at", &day(2)]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let first = lines.next().unwrap();
    assert!(
        first.starts_with("CERTGEN STATUS CRITICAL - CA /CN=certgen CA expires in "),
        "{text}"
    );
    let (said, perf) = first.split_once(" | ").unwrap();
    assert!(
        said.contains("; no CRL file; 7 bundles: 2 valid, 1 expiring, 1 expired, 1 revoked, 1 superseded, 1 other-ca; 4 problems (1 critical, 3 warning); one expired 1 day ago"),
        "{said}"
    );
    let perf: Vec<&str> = perf.split(' ').collect();
    for datum in [
        "bundles=7;;;0",
        "valid=2;;;0",
        "expiring=1;;;0",
        "expired=1;;;0",
        "revoked=1;;;0",
        "superseded=1;;;0",
        "other_ca=1;;;0",
        "problems=4;;;0",
        "min_seconds_left=-86400s;2592000:;604800:",
    ] {
        assert!(perf.contains(&datum), "{datum} in {perf:?}");
    }
    let problems: Vec<&str> = lines.collect();
    assert_eq!(problems.len(), 4, "{text}");
    assert!(
        problems.contains(&"CRITICAL: users/gone: expired 1 day ago"),
        "{text}"
    );
    assert!(
        problems.contains(&"WARNING: users/soon: expires in 18 days"),
        "{text}"
    );

    let out = run(dir, &["status", "--format", "prometheus", "--at", &day(2)]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    let sample = |name: &str| -> Vec<(String, f64)> {
        text.lines()
            .filter(|l| l.starts_with(name) && l[name.len()..].starts_with(['{', ' ']))
            .map(|l| {
                let (series, value) = l.rsplit_once(' ').unwrap();
                (series.to_string(), value.parse().unwrap())
            })
            .collect()
    };
    assert_eq!(
        sample("certgen_pki_status"),
        [("certgen_pki_status".into(), 2.0)]
    );
    let states = sample("certgen_pki_bundles");
    assert!(
        states.contains(&(r#"certgen_pki_bundles{state="superseded"}"#.into(), 1.0)),
        "{states:?}"
    );
    assert!(
        states.contains(&(r#"certgen_pki_bundles{state="other-ca"}"#.into(), 1.0)),
        "{states:?}"
    );
    let gone = serial_of(&dir.join("pki/users/gone/client-cert.pem"));
    assert!(
        sample("certgen_pki_bundle_status").contains(&(
            r#"certgen_pki_bundle_status{kind="user",name="gone",state="expired"}"#.into(),
            2.0
        )),
        "{text}"
    );
    let not_after = sample("certgen_pki_bundle_not_after_timestamp_seconds");
    let expected = ::time::macros::datetime!(2030-01-02 00:00 UTC).unix_timestamp() as f64;
    assert!(
        not_after.contains(&(
            format!(r#"certgen_pki_bundle_not_after_timestamp_seconds{{kind="user",name="gone",serial="{gone}",state="expired"}}"#),
            expected
        )),
        "{not_after:?}"
    );
    // Every family announced once, before its samples.
    let mut seen = std::collections::HashSet::new();
    for l in text.lines().filter(|l| l.starts_with("# TYPE ")) {
        assert!(seen.insert(l.to_string()), "{l} twice");
    }
}

#[test]
fn output_replaces_the_file_atomically() {
    let d = pki_at_t0(&[&["issue-client", "app", "--key-type", "ecdsa-p256"]]);
    let dir = d.path();
    let prom = dir.join("certgen-pki.prom");
    write(&prom, "old\n");
    let out = run(
        dir,
        &[
            "status",
            "--format",
            "prometheus",
            "--output",
            "certgen-pki.prom",
            "--at",
            &day(1),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(&prom).unwrap();
    assert!(
        text.ends_with("certgen_pki_status_timestamp_seconds 1893542400\n"),
        "{text}"
    );
}

#[test]
fn renewals_running_meanwhile_are_seen_before_or_after_never_half_done() {
    let users: Vec<String> = (0..40).map(|i| format!("u{i:02}")).collect();
    let mut issue = vec!["issue-client", "--key-type", "ecdsa-p256"];
    issue.extend(users.iter().map(String::as_str));
    let d = pki_at_t0(&[&issue]);
    let dir = d.path().to_path_buf();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let renewing = {
        let (dir, stop) = (dir.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                ok(&dir, &at(T0, &["renew", "--all"]));
                n += 1;
            }
            n
        })
    };
    for _ in 0..30 {
        let (doc, code) = status(&dir, &day(1), &[]);
        assert_eq!(code, 0, "{:#}", doc["bundles"]);
        assert_eq!(doc["summary"]["valid"], 40);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let renewals = renewing.join().unwrap();
    assert!(renewals > 0);
}

#[test]
fn it_reads_no_private_key() {
    use std::os::unix::fs::PermissionsExt;
    if !need_root("running certgen as another user") {
        return;
    }
    let d = pki_at_t0(&[
        &["issue-server", "db1", "--key-type", "ecdsa-p256"],
        &["issue-client", "app", "--key-type", "ecdsa-p256"],
        &["crl"],
    ]);
    let dir = d.path();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    // The keys stay root's, 0600: nobody cannot read them.
    let key = dir.join("pki/users/app/client-key.pem");
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let out = certgen_via(
        "setpriv",
        &["--reuid=65534", "--regid=65534", "--clear-groups"],
        dir,
    )
    .args(["status", "--format", "json", "--at", &day(1)])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["valid"], 2, "{doc:#}");
    assert_eq!(doc["crl"]["status"], "ok");
}

#[test]
fn a_reader_that_goes_away_does_not_change_the_status() {
    use std::process::Stdio;
    let d = pki_at_t0(&[&[
        "issue-client",
        "gone",
        "--days",
        "1",
        "--key-type",
        "ecdsa-p256",
    ]]);
    for format in ["text", "json", "nagios", "prometheus"] {
        let mut child = certgen(d.path())
            .args(["status", "--at", &day(2), "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}: {}", stderr(&out));
        assert!(out.stderr.is_empty(), "{format}: {}", stderr(&out));
    }
}

/// The ssh command from the environment, as cron jobs export it for
/// `deploy` and `rollout`, does not stop a `status` without an inventory.
#[test]
fn the_ssh_command_in_the_environment_does_not_need_an_inventory() {
    let d = pki_at_t0(&[&["issue-client", "app", "--key-type", "ecdsa-p256"]]);
    let out = certgen(d.path())
        .env("CERTGEN_SSH", "ssh -F ./ssh_config")
        .args(["status", "--at", &day(1)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("app"));
}
