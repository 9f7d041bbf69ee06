//! CRLs across a CA changeover: a file holding the CRLs of two CAs of the
//! same name, as `rotate-ca` leaves them, read as `openssl verify
//! -crl_check` reads it.

use std::path::Path;

use crate::common::*;

const T0: &str = "2030-01-01T00:00:00Z";

fn at(dir: &Path, now: &str, args: &[&str]) -> String {
    let mut all = vec!["--now", now];
    all.extend_from_slice(args);
    ok(dir, &all)
}

/// `certgen verify CERT --crl CRL` as JSON: (exit code, reason code).
fn verify_crl(dir: &Path, cert: &str, ca: &str, crl: &str) -> (Option<i32>, String) {
    let out = run(
        dir,
        &[
            "verify",
            cert,
            "--ca",
            ca,
            "--purpose",
            "client",
            "--crl",
            crl,
            "--at",
            "2030-01-02T00:00:00Z",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(&out)
        )
    });
    let code = v["reason"]["code"].as_str().unwrap_or("").to_string();
    (out.status.code(), code)
}

#[test]
fn verify_picks_the_issuers_crl_among_crls_of_cas_of_one_name() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    at(dir, T0, &["init-ca", "--key-type", "ecdsa-p256"]);
    at(
        dir,
        T0,
        &["issue-client", "app", "bob", "--key-type", "ecdsa-p256"],
    );
    at(dir, T0, &["revoke", "app"]);
    at(dir, T0, &["crl", "--out", "ours.pem"]);
    // Another CA of the same name, whose CRL lists nothing, first in the file.
    at(
        dir,
        T0,
        &["--dir", "other", "init-ca", "--key-type", "ecdsa-p256"],
    );
    at(dir, T0, &["--dir", "other", "crl", "--out", "theirs.pem"]);
    let both = [
        std::fs::read(dir.join("theirs.pem")).unwrap(),
        std::fs::read(dir.join("ours.pem")).unwrap(),
    ]
    .concat();
    std::fs::write(dir.join("both.pem"), both).unwrap();
    let ca = "pki/ca-cert.pem";
    let app = "pki/users/app/client-cert.pem";
    let bob = "pki/users/bob/client-cert.pem";
    assert_eq!(
        verify_crl(dir, bob, ca, "both.pem"),
        (Some(0), String::new())
    );
    assert_eq!(
        verify_crl(dir, app, ca, "both.pem"),
        (Some(1), "revoked".into())
    );
    // Only the other CA's: not signed by the issuer's key.
    assert_eq!(
        verify_crl(dir, bob, ca, "theirs.pem"),
        (Some(1), "crl-unusable".into())
    );
    if have_openssl() {
        let check = |cert: &str| {
            openssl(
                dir,
                &[
                    "verify",
                    "-attime",
                    "1893542400",
                    "-crl_check",
                    "-CRLfile",
                    "both.pem",
                    "-CAfile",
                    ca,
                    cert,
                ],
            )
        };
        let (accepted, text) = check(bob);
        assert!(accepted, "{text}");
        let (accepted, text) = check(app);
        assert!(!accepted && text.contains("certificate revoked"), "{text}");
    }
}

const T1: &str = "2030-02-01T00:00:00Z";
const T2: &str = "2030-02-02T00:00:00Z";
const T3: &str = "2030-02-03T00:00:00Z";
const T4: &str = "2030-02-04T00:00:00Z";
const T5: &str = "2030-02-05T00:00:00Z";

/// `openssl verify -crl_check` of `cert` at `when` against the roots in
/// `ca` and the CRLs in `crl`, as a server that checks CRLs decides.
fn crl_check(dir: &Path, when: &str, ca: &str, crl: &str, cert: &Path) -> (bool, String) {
    let t = time::OffsetDateTime::parse(when, &time::format_description::well_known::Rfc3339)
        .unwrap()
        .unix_timestamp()
        + 3600;
    openssl(
        dir,
        &[
            "verify",
            "-attime",
            &t.to_string(),
            "-crl_check",
            "-CRLfile",
            crl,
            "-CAfile",
            ca,
            cert.to_str().unwrap(),
        ],
    )
}

fn accepted(dir: &Path, when: &str, ca: &str, cert: &Path) {
    let (ok, text) = crl_check(dir, when, ca, "pki/crl.pem", cert);
    assert!(ok, "{} at {when}: {text}", cert.display());
}

fn refused_as_revoked(dir: &Path, when: &str, ca: &str, cert: &Path) {
    let (ok, text) = crl_check(dir, when, ca, "pki/crl.pem", cert);
    assert!(
        !ok && text.contains("certificate revoked"),
        "{} at {when}: {text}",
        cert.display()
    );
}

/// The CRLs of the file: (issuer's public key, listed serials), in order.
fn crls_of(path: &Path) -> Vec<(Vec<u8>, Vec<String>)> {
    let bytes = std::fs::read(path).unwrap();
    certgen::crl::parse_published("crl", &bytes)
        .unwrap()
        .into_iter()
        .map(|p| {
            let mut serials: Vec<String> = p.serials.iter().map(|s| s.to_string()).collect();
            serials.sort();
            (p.der, serials)
        })
        .collect()
}

fn serial_of(path: &Path) -> String {
    with_cert(path, |c| {
        certgen::serial::Serial::from_bytes(c.raw_serial()).to_string()
    })
}

/// Whether the CA certificate in `ca` signed the CRL `der`.
fn signed_by(ca: &Path, der: &[u8]) -> bool {
    let p = &certgen::crl::parse_published(
        "crl",
        &certgen::encoding::to_pem("X509 CRL", der).into_bytes(),
    )
    .unwrap()[0];
    p.signed_by(&cert_der(ca))
}

#[test]
fn a_changeover_keeps_a_crl_of_each_root_and_each_lists_its_own_serials() {
    if !have_openssl() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let pki = dir.join("pki");
    let ec = ["--key-type", "ecdsa-p256"];
    at(dir, T0, &[&["init-ca"][..], &ec].concat());
    at(dir, T0, &[&["issue-server", "db"][..], &ec].concat());
    at(
        dir,
        T0,
        &[&["issue-client", "app", "gone"][..], &ec].concat(),
    );
    at(dir, T0, &["revoke", "gone", "--reason", "keyCompromise"]);
    at(dir, T0, &["crl"]);
    let keep = |name: &str, rel: &str| {
        std::fs::copy(pki.join(rel), dir.join(name)).unwrap();
        dir.join(name)
    };
    let old_app = keep("old-app.pem", "users/app/client-cert.pem");
    let gone = keep("gone.pem", "users/gone/client-cert.pem");
    let old_root = keep("old-root.pem", "ca-cert.pem");
    let old_key = std::fs::read(pki.join("ca-key.pem")).unwrap();
    accepted(dir, T0, "pki/ca-cert.pem", &old_app);
    refused_as_revoked(dir, T0, "pki/ca-cert.pem", &gone);

    // rotate-ca rewrites the CRL file: a CRL of each root, the old one's
    // listing gone, the new one's nothing. Every step leaves a CRL of each
    // root the servers trust.
    let out = at(dir, T1, &["rotate-ca"]);
    assert!(
        out.contains("CRLs:        pki/crl.pem (a CRL of each root)"),
        "{out}"
    );
    let bundle = "pki/ca-bundle.pem";
    let crls = crls_of(&pki.join("crl.pem"));
    assert_eq!(crls.len(), 2, "{crls:?}");
    assert!(signed_by(&pki.join("ca-cert.pem"), &crls[0].0));
    assert!(signed_by(&old_root, &crls[1].0));
    assert_eq!(crls[0].1, Vec::<String>::new());
    assert_eq!(crls[1].1, [serial_of(&gone)]);
    accepted(dir, T1, bundle, &old_app);
    refused_as_revoked(dir, T1, bundle, &gone);
    // The old CA's key is kept, 0600, as it was, for `crl`.
    assert_eq!(std::fs::read(pki.join("ca-old-key.pem")).unwrap(), old_key);
    assert_eq!(
        std::fs::read(pki.join("ca-old-cert.pem")).unwrap(),
        std::fs::read(&old_root).unwrap()
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(pki.join("ca-old-key.pem"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    // renew --all: certificates of the new CA pass the server's CRL check
    // (the bug: the file held only the old CA's CRL: "unable to get
    // certificate CRL", "tlsv1 alert unknown ca").
    at(dir, T2, &["renew", "--all"]);
    let new_app = pki.join("users/app/client-cert.pem");
    accepted(dir, T2, bundle, &new_app);
    accepted(dir, T2, bundle, &pki.join("servers/db/server-cert.pem"));
    accepted(dir, T2, bundle, &old_app);
    refused_as_revoked(dir, T2, bundle, &gone);

    // crl signs with both CAs; each CRL lists what its CA issued: the
    // superseded certificates of the old CA in the old CA's, the new app
    // (revoked now) in the new CA's alone.
    at(dir, T3, &["revoke", "app"]);
    let out = at(dir, T3, &["crl"]);
    assert!(out.contains("of /CN=certgen CA (1 revoked"), "{out}");
    assert!(
        out.contains("of the old CA /CN=certgen CA (3 revoked"),
        "{out}"
    );
    let crls = crls_of(&pki.join("crl.pem"));
    assert_eq!(crls.len(), 2);
    assert_eq!(crls[0].1, [serial_of(&new_app)]);
    assert_eq!(crls[1].1.len(), 3, "gone, and app and db superseded");
    assert!(!crls[1].1.contains(&serial_of(&new_app)));
    assert!(crls[1].1.contains(&serial_of(&old_app)));
    refused_as_revoked(dir, T3, bundle, &new_app);
    refused_as_revoked(dir, T3, bundle, &old_app);
    refused_as_revoked(dir, T3, bundle, &gone);
    accepted(dir, T3, bundle, &pki.join("servers/db/server-cert.pem"));

    // --finish: the new CA's CRL alone, which lists none of the old CA's
    // serials, then or later; the old key is archived.
    let out = at(dir, T4, &["rotate-ca", "--finish"]);
    assert!(
        out.contains("CRL:         pki/crl.pem (the new CA's alone)"),
        "{out}"
    );
    let crls = crls_of(&pki.join("crl.pem"));
    assert_eq!(crls.len(), 1);
    assert_eq!(crls[0].1, [serial_of(&new_app)]);
    assert!(!pki.join("ca-old-key.pem").exists());
    assert!(!pki.join("ca-old-cert.pem").exists());
    let archived: Vec<_> = walk_files(&pki.join("old_keys"))
        .into_iter()
        .filter(|p| p.ends_with("ca-old-key.pem"))
        .collect();
    assert_eq!(archived.len(), 1);
    assert_eq!(std::fs::read(&archived[0]).unwrap(), old_key);
    accepted(
        dir,
        T4,
        "pki/ca-cert.pem",
        &pki.join("servers/db/server-cert.pem"),
    );
    refused_as_revoked(dir, T4, "pki/ca-cert.pem", &new_app);
    at(dir, T5, &["crl"]);
    let crls = crls_of(&pki.join("crl.pem"));
    assert_eq!(crls.len(), 1);
    assert_eq!(crls[0].1, [serial_of(&new_app)]);
    let retired = std::fs::read_to_string(pki.join("ca-retired.txt")).unwrap();
    assert!(retired.contains(&serial_of(&gone)), "{retired}");
    // Every CRL file crl and rotate-ca replaced is in the archive.
    let crl_files = walk_files(&pki.join("old_keys"))
        .into_iter()
        .filter(|p| p.ends_with("crl.pem"))
        .count();
    assert_eq!(
        crl_files, 4,
        "T0 (by rotate-ca), T1 (by crl), T3 (by --finish), T4 (by crl)"
    );
}

fn walk_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk_files(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn an_encrypted_ca_signs_both_crls_with_its_one_passphrase() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    std::fs::write(dir.join("pass"), "correct horse\n").unwrap();
    let pass = ["--passphrase-file", "pass"];
    at(
        dir,
        T0,
        &[
            &["init-ca", "--encrypt", "--key-type", "ecdsa-p256"][..],
            &pass,
        ]
        .concat(),
    );
    at(
        dir,
        T0,
        &[
            &["issue-client", "app", "--key-type", "ecdsa-p256"][..],
            &pass,
        ]
        .concat(),
    );
    at(dir, T0, &["revoke", "app"]);
    at(dir, T0, &[&["crl"][..], &pass].concat());
    at(dir, T1, &[&["rotate-ca"][..], &pass].concat());
    let key = std::fs::read_to_string(dir.join("pki/ca-old-key.pem")).unwrap();
    assert!(key.contains("ENCRYPTED PRIVATE KEY"), "kept encrypted");
    // Without the passphrase: refused, nothing written.
    let before = snapshot(&dir.join("pki"));
    let out = run(dir, &["--now", T2, "crl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no passphrase"), "{}", stderr(&out));
    assert_eq!(snapshot(&dir.join("pki")), before);
    let out = at(dir, T2, &[&["crl"][..], &pass].concat());
    assert!(
        out.contains("of the old CA /CN=certgen CA (1 revoked"),
        "{out}"
    );
    assert!(!out.contains("PRIVATE KEY") && !out.contains("correct horse"));
    at(dir, T3, &[&["rotate-ca", "--finish"][..], &pass].concat());
    assert_eq!(crls_of(&dir.join("pki/crl.pem")).len(), 1);
}

#[test]
fn a_changeover_without_the_old_key_is_refused_with_where_to_find_it() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    at(dir, T0, &["init-ca", "--key-type", "ecdsa-p256"]);
    at(dir, T1, &["rotate-ca"]);
    // As a changeover started by a certgen that did not keep the old key.
    std::fs::remove_file(dir.join("pki/ca-old-key.pem")).unwrap();
    let before = snapshot(&dir.join("pki"));
    let out = run(dir, &["--now", T2, "crl"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("keeps no key of the old CA"), "{err}");
    assert!(
        err.contains("hint: rotate-ca archived the old CA's key"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 2, "{err}");
    assert_eq!(snapshot(&dir.join("pki")), before);
}
