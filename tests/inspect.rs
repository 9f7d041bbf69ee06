//! `certgen inspect`: certificates, CSRs, keys and CRLs, PEM or DER; JSON;
//! sanitised text; no secret ever printed; no panic on malformed input.

use crate::common::*;
use serde_json::Value;

fn inspect(args: &[&str]) -> std::process::Output {
    run_at(&["inspect"], args)
}

fn inspect_json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = inspect(&all);
    let v = serde_json::from_slice(&out.stdout).expect("valid JSON");
    (out.status.code().unwrap_or(-1), v)
}

fn p(path: &std::path::Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn a_bundle_with_certificate_key_and_csr() {
    let dir = tempfile::tempdir().unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = cert_with_key("db1", LONG_AGO, FAR_FUTURE, &key);
    let csr = rcgen::CertificateParams::new(vec!["db1.example".into()])
        .unwrap()
        .serialize_request(&key)
        .unwrap();
    let file = dir.path().join("all.pem");
    let key_pem = key.serialize_pem();
    write(
        &file,
        format!("{}{}{key_pem}", cert.pem(), csr.pem().unwrap()),
    );
    let (rc, v) = inspect_json(&[p(&file)]);
    assert_eq!(rc, 0);
    let objs = v[0]["objects"].as_array().unwrap();
    let types: Vec<&str> = objs.iter().map(|o| o["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["certificate", "certificate_request", "private_key"]);
    let c = &objs[0];
    assert_eq!(c["subject"], "/CN=db1");
    assert_eq!(c["not_after"], "2099-01-01T00:00:00Z");
    assert_eq!(c["days_left"], (FAR_FUTURE - NOW).whole_days());
    assert_eq!(c["subject_alt_names"][0], "DNS:db1x.example");
    assert_eq!(c["key"]["algorithm"], "ECDSA");
    assert_eq!(c["sha256_fingerprint"].as_str().unwrap().len(), 95);
    assert_eq!(objs[1]["signature_valid"], true);
    assert_eq!(objs[2]["public_key_sha256"], objs[1]["public_key_sha256"]);
    let secret: String = key_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let text = String::from_utf8_lossy(&inspect(&[p(&file)]).stdout).into_owned();
    for chunk in [&secret[10..40], &secret[secret.len() - 30..]] {
        assert!(
            !text.contains(chunk) && !v.to_string().contains(chunk),
            "secret leaked"
        );
    }
    assert!(text.contains("all.pem [1/3]: certificate"), "{text}");
    assert!(text.contains("private key"), "{text}");
}

#[test]
fn der_files_are_recognised() {
    let dir = tempfile::tempdir().unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = expired_cert("old");
    write(&dir.path().join("c.der"), cert.der());
    write(&dir.path().join("k.der"), key.serialize_der());
    let (rc, v) = inspect_json(&[p(&dir.path().join("c.der")), p(&dir.path().join("k.der"))]);
    assert_eq!(rc, 0);
    assert_eq!(v[0]["objects"][0]["type"], "certificate");
    assert!(v[0]["objects"][0]["days_left"].as_i64().unwrap() < 0);
    assert_eq!(v[1]["objects"][0]["type"], "private_key");
    assert_eq!(v[1]["objects"][0]["encoding"], "PKCS#8");
}

#[test]
fn a_crl_lists_revoked_serials() {
    let dir = tempfile::tempdir().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let issuer = rcgen::Issuer::new(ca_params, &ca_key);
    let crl = rcgen::CertificateRevocationListParams {
        this_update: NOW,
        next_update: NOW + time::Duration::days(30),
        crl_number: rcgen::SerialNumber::from(7u64),
        issuing_distribution_point: None,
        revoked_certs: vec![rcgen::RevokedCertParams {
            serial_number: rcgen::SerialNumber::from(vec![0x0A, 0x1B]),
            revocation_time: NOW,
            reason_code: Some(rcgen::RevocationReason::KeyCompromise),
            invalidity_date: None,
        }],
        key_identifier_method: rcgen::KeyIdMethod::Sha256,
    }
    .signed_by(&issuer)
    .unwrap();
    let file = dir.path().join("crl.pem");
    write(&file, crl.pem().unwrap());
    let (rc, v) = inspect_json(&[p(&file)]);
    assert_eq!(rc, 0, "{v}");
    let c = &v[0]["objects"][0];
    assert_eq!(c["type"], "crl");
    assert_eq!(c["crl_number"], "7");
    assert_eq!(c["revoked"][0]["serial"], "0A1B");
    assert_eq!(c["revoked"][0]["revocation_reason"], "keyCompromise");
    assert_eq!(c["next_update"], "2030-07-01T00:00:00Z");
    let text = String::from_utf8_lossy(&inspect(&[p(&file)]).stdout).into_owned();
    assert!(text.contains("0A1B at 2030-06-01T00:00:00Z"), "{text}");
}

#[test]
fn terminal_controls_in_names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("evil.pem");
    write(&file, ok_cert("a\u{1b}]0;pwned\u{7}b\u{202e}c").pem());
    let out = inspect(&[p(&file)]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\u{7}'));
    assert!(text.contains("\\x1B") || text.contains("\\u{1b}"), "{text}");
}

#[test]
fn a_newline_in_a_file_name_cannot_forge_a_heading() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a\nCRITICAL fake.pem");
    write(&file, ok_cert("a").pem());
    let out = inspect(&[p(&file)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let heading = format!("{}/a\\u{{a}}CRITICAL fake.pem: certificate", p(dir.path()));
    assert_eq!(lines[0], heading, "{text}");
    assert_eq!(lines.len(), 14, "the heading and 13 fields: {text}");
    assert!(lines[1..].iter().all(|l| l.starts_with("  ")), "{text}");
}

#[test]
fn bad_files_are_reported_and_the_others_still_shown() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.pem");
    write(&good, ok_cert("good").pem());
    let out = inspect(&[p(&dir.path().join("missing.pem")), p(&good), p(dir.path())]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("missing.pem") && stderr.contains("directory"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("/CN=good"));
}

#[test]
fn malformed_input_never_panics_or_hangs() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in malformed_inputs() {
        let path = dir.path().join(name);
        write(&path, &bytes);
        for format in ["text", "json"] {
            let out = inspect(&["--format", format, p(&path)]);
            assert_eq!(out.status.code(), Some(2), "{name} {format}");
        }
    }
    symlink_loop(&dir.path().join("loop"));
    let out = inspect(&[p(&dir.path().join("loop/again/again/again"))]);
    assert_eq!(out.status.code(), Some(2));
    let fifo = dir.path().join("fifo.pem");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(inspect(&[p(&fifo)]).status.code(), Some(2));
}
