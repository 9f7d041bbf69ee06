//! `revoke`, `crl` and `verify --crl` against OpenSSL: the index lines
//! `openssl ca -revoke` writes, the CRL `openssl ca -gencrl` makes from the
//! same index, and `openssl verify -crl_check`'s verdicts.

use std::path::Path;

use crate::common::*;

const REASONS: [(&str, &str); 6] = [
    ("unspecified", "unspecified"),
    ("keyCompromise", "keyCompromise"),
    ("caCompromise", "CACompromise"),
    ("affiliationChanged", "affiliationChanged"),
    ("superseded", "superseded"),
    ("cessationOfOperation", "cessationOfOperation"),
];

const OPENSSL_CNF: &str = "[ca]\ndefault_ca = x\n[x]\ndatabase = pki/index.txt\ncertificate = pki/ca-cert.pem\nprivate_key = pki/ca-key.pem\ncrlnumber = pki/crlnumber\ndefault_md = sha256\ndefault_crl_days = 30\ncrl_extensions = crl_ext\n[crl_ext]\nauthorityKeyIdentifier = keyid:always\n";

/// A PKI with one user per reason (u0..u5), two more users and a server.
fn pki(dir: &Path, key_type: &str) {
    ok(dir, &["init-ca", "--key-type", key_type]);
    let users: Vec<String> = (0..8).map(|i| format!("u{i}")).collect();
    let mut args = vec!["issue-client", "--key-type", key_type];
    args.extend(users.iter().map(String::as_str));
    ok(dir, &args);
    ok(dir, &["issue-server", "db.example", "--key-type", key_type]);
    std::fs::write(dir.join("openssl.cnf"), OPENSSL_CNF).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(status.success());
}

/// The index with every revocation date replaced by `DATE`, and
/// openssl's bookkeeping files ignored.
fn index_without_dates(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("pki/index.txt")).unwrap();
    text.lines()
        .map(|l| {
            let mut f: Vec<String> = l.split('\t').map(String::from).collect();
            if let Some((date, rest)) = f[2].split_once(',') {
                assert!(date.len() == 13 && date.ends_with('Z'), "{l}");
                f[2] = format!("DATE,{rest}");
            } else if !f[2].is_empty() {
                f[2] = "DATE".into();
            }
            f.join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn revoke_writes_the_index_as_openssl_ca_revoke_does() {
    if !have_openssl() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let ours = d.path().join("ours");
    std::fs::create_dir(&ours).unwrap();
    pki(&ours, "ecdsa-p256");
    let theirs = d.path().join("theirs");
    copy_dir(&ours, &theirs);
    for (i, (arg, written)) in REASONS.iter().enumerate() {
        let user = format!("u{i}");
        let out = ok(&ours, &["revoke", &user, "--reason", arg]);
        assert!(out.contains(&format!("{written})")), "{out}");
        let cert = format!("pki/users/{user}/client-cert.pem");
        let (done, text) = openssl(
            &theirs,
            &[
                "ca",
                "-config",
                "openssl.cnf",
                "-revoke",
                &cert,
                "-crl_reason",
                arg,
            ],
        );
        assert!(done, "{text}");
        let serial = serial_of(&ours.join(&cert));
        let (_, status) = openssl(&ours, &["ca", "-config", "openssl.cnf", "-status", &serial]);
        assert!(status.contains(&format!("{serial}=Revoked")), "{status}");
    }
    // By serial, lower case with colons, as x509 -serial might be pasted.
    let serial = serial_of(&ours.join("pki/servers/db.example/server-cert.pem"));
    ok(&ours, &["revoke", "--serial", &serial.to_lowercase()]);
    openssl(
        &theirs,
        &[
            "ca",
            "-config",
            "openssl.cnf",
            "-revoke",
            "pki/servers/db.example/server-cert.pem",
            "-crl_reason",
            "unspecified",
        ],
    );
    assert_eq!(index_without_dates(&ours), index_without_dates(&theirs));
    let list = ok(&ours, &["list", "--status", "revoked", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 7);
    assert_eq!(rows[2]["revocation_reason"], "CACompromise");
}

#[test]
fn a_refused_revoke_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir, "ecdsa-p256");
    ok(dir, &["revoke", "u0", "--reason", "keyCompromise"]);
    // A server and a user of the same name.
    ok(dir, &["issue-server", "u1", "--key-type", "ecdsa-p256"]);
    let before = snapshot(&dir.join("pki"));
    for (args, message, hint) in [
        (
            vec!["revoke", "u0"],
            "is already revoked since",
            "hint: nothing to do",
        ),
        (
            vec!["revoke", "nobody"],
            "no server or user bundle named \"nobody\"",
            "hint: `certgen list`",
        ),
        (
            vec!["revoke", "--serial", "0ABC"],
            "no certificate with serial 0ABC in the index",
            "hint: `certgen list`",
        ),
        (
            vec!["revoke", "u1"],
            "both a server and a user bundle are named \"u1\"",
            "hint: revoke one of them with --serial: servers/u1 holds",
        ),
        (
            vec!["revoke", "u2", "--reason", "bored"],
            "invalid value 'bored'",
            "",
        ),
        (vec!["revoke", "--serial", "xyz"], "invalid value 'xyz'", ""),
        (vec!["revoke", "../u2"], "invalid name", ""),
        (vec!["revoke"], "required", ""),
    ] {
        let out = run(dir, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(err.contains(hint), "{args:?}: {err}");
        assert_eq!(snapshot(&dir.join("pki")), before, "{args:?} wrote");
    }
    let e = tempfile::tempdir().unwrap();
    let out = run(e.path(), &["revoke", "--serial", "01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no CA in pki"), "{}", stderr(&out));
    assert!(!e.path().join("pki").exists());
}

/// `openssl crl -text` without what differs between two signings of one list.
fn crl_text(dir: &Path, file: &str) -> String {
    let (done, text) = openssl(dir, &["crl", "-in", file, "-noout", "-text"]);
    assert!(done, "{text}");
    text.lines()
        .take_while(|l| !l.trim_start().starts_with("Signature Value"))
        .filter(|l| !l.contains("Last Update") && !l.contains("Next Update"))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn crl_check(dir: &Path, crl: &str, cert: &str) -> (bool, String) {
    openssl(
        dir,
        &[
            "verify",
            "-crl_check",
            "-CRLfile",
            crl,
            "-CAfile",
            "pki/ca-cert.pem",
            cert,
        ],
    )
}

fn crl_matches_openssl_and_verifies(key_type: &str) {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir, key_type);
    for (i, (arg, _)) in REASONS.iter().enumerate() {
        ok(dir, &["revoke", &format!("u{i}"), "--reason", arg]);
    }
    let out = ok(dir, &["crl"]);
    assert!(out.contains("CRL number 1 "), "{out}");
    assert!(out.contains("6 revoked"), "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.join("pki/crlnumber")).unwrap(),
        "02\n"
    );
    let (done, text) = openssl(
        dir,
        &[
            "crl",
            "-in",
            "pki/crl.pem",
            "-CAfile",
            "pki/ca-cert.pem",
            "-noout",
        ],
    );
    assert!(done && text.contains("verify OK"), "{text}");
    // openssl ca -gencrl on the same index, with the same CRL number.
    std::fs::write(dir.join("pki/crlnumber"), "01\n").unwrap();
    let (done, text) = openssl(
        dir,
        &[
            "ca",
            "-config",
            "openssl.cnf",
            "-gencrl",
            "-out",
            "openssl-crl.pem",
        ],
    );
    assert!(done, "{text}");
    // RFC 5280 5.3.1: the reason code is left out rather than "unspecified"
    // (openssl writes it); both mean the same to every client.
    let ours = crl_text(dir, "pki/crl.pem");
    let theirs = crl_text(dir, "openssl-crl.pem").replace(
        "        CRL entry extensions:\n            X509v3 CRL Reason Code: \n                Unspecified\n",
        "",
    );
    assert_eq!(ours, theirs);
    assert!(ours.contains("Version 2"), "{ours}");
    assert!(ours.contains("Authority Key Identifier"), "{ours}");
    assert!(ours.contains("CRL Number"), "{ours}");
    // openssl moved the number on too; ours carries on from it.
    ok(dir, &["crl"]);
    let (_, text) = openssl(dir, &["crl", "-in", "pki/crl.pem", "-noout", "-crlnumber"]);
    assert!(text.contains("crlNumber=0x02"), "{text}");

    for (i, reason) in REASONS.iter().map(Some).chain([None, None]).enumerate() {
        let cert = format!("pki/users/u{i}/client-cert.pem");
        let (accepted, text) = crl_check(dir, "pki/crl.pem", &cert);
        let out = run(
            dir,
            &[
                "verify",
                &cert,
                "--purpose",
                "client",
                "--crl",
                "pki/crl.pem",
            ],
        );
        let revoked = reason.is_some();
        assert_eq!(accepted, !revoked, "openssl on u{i}: {text}");
        assert_eq!(out.status.code(), Some(if revoked { 1 } else { 0 }), "u{i}");
        if revoked {
            assert!(text.contains("certificate revoked"), "{text}");
            let serial = serial_of(&dir.join(&cert));
            let said = String::from_utf8_lossy(&out.stdout).into_owned();
            assert!(
                said.contains(&format!("rejected: certificate {serial} was revoked on 20")),
                "{said}"
            );
            let (_, written) = reason.unwrap();
            assert!(said.contains(&format!("({written})")), "{said}");
        }
    }
    let (accepted, text) = crl_check(dir, "pki/crl.pem", "pki/servers/db.example/server-cert.pem");
    assert!(accepted, "{text}");
}

#[test]
fn the_crl_is_what_openssl_ca_gencrl_makes_and_openssl_verify_uses_it_ecdsa() {
    if have_openssl() {
        crl_matches_openssl_and_verifies("ecdsa-p256");
    }
}

#[test]
fn the_crl_is_what_openssl_ca_gencrl_makes_and_openssl_verify_uses_it_rsa() {
    if have_openssl() {
        crl_matches_openssl_and_verifies("rsa2048");
    }
}

#[test]
fn verify_refuses_a_crl_it_cannot_trust() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let now = ["--now", "2030-01-01T00:00:00Z"];
    let at =
        |args: &[&str]| -> Vec<String> { now.iter().chain(args).map(|s| s.to_string()).collect() };
    let ok_at = |args: &[&str]| {
        let v = at(args);
        ok(dir, &v.iter().map(String::as_str).collect::<Vec<_>>())
    };
    ok_at(&["init-ca", "--key-type", "ecdsa-p256"]);
    ok_at(&["issue-client", "app", "bob", "--key-type", "ecdsa-p256"]);
    ok_at(&["revoke", "app", "--reason", "superseded"]);
    ok_at(&["crl", "--days", "7d"]);
    // Another CA with the same name signs a CRL that lists nothing.
    let other = dir.join("other");
    ok_at(&["--dir", "other", "init-ca", "--key-type", "ecdsa-p256"]);
    ok_at(&["--dir", "other", "crl", "--out", "forged.pem"]);
    let verify = |cert: &str, crl: &str, when: &str| {
        let out = run(
            dir,
            &[
                "verify",
                cert,
                "--purpose",
                "client",
                "--crl",
                crl,
                "--at",
                when,
                "--format",
                "json",
            ],
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), v["reason"].clone())
    };
    let app = "pki/users/app/client-cert.pem";
    let bob = "pki/users/bob/client-cert.pem";
    let (code, reason) = verify(app, "pki/crl.pem", "2030-01-02T00:00:00Z");
    assert_eq!(code, Some(1));
    assert_eq!(reason["code"], "revoked");
    let message = reason["message"].as_str().unwrap();
    assert!(
        message.ends_with("was revoked on 2030-01-01T00:00:00Z (superseded)"),
        "{message}"
    );
    assert_eq!(
        verify(bob, "pki/crl.pem", "2030-01-02T00:00:00Z").0,
        Some(0)
    );
    for (crl, when, expected) in [
        (
            "pki/crl.pem",
            "2030-01-09T00:00:00Z",
            "expired on 2030-01-08T00:00:00Z",
        ),
        (
            "pki/crl.pem",
            "2029-12-31T23:58:00Z",
            "not valid before 2030-01-01T00:00:00Z",
        ),
        (
            "forged.pem",
            "2030-01-02T00:00:00Z",
            "not signed by the issuer's key",
        ),
    ] {
        let (code, reason) = verify(bob, crl, when);
        assert_eq!(code, Some(1), "{crl} at {when}");
        assert_eq!(reason["code"], "crl-unusable", "{crl} at {when}");
        let message = reason["message"].as_str().unwrap();
        assert!(message.contains(expected), "{message}");
    }
    assert!(other.join("crlnumber").exists());
    // A file without a CRL is an input error.
    let out = run(dir, &["verify", bob, "--purpose", "client", "--crl", app]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("holds a certificate, not a CRL"));
}

#[test]
fn crl_refuses_before_writing_anything() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "--key-type", "ecdsa-p256"]);
    ok(dir, &["crl"]);
    let before = snapshot(&dir.join("pki"));
    for args in [
        vec!["crl", "--out", "missing/crl.pem"],
        vec!["crl", "--out", "pki"],
        vec!["crl", "--days", "0"],
    ] {
        let out = run(dir, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(snapshot(&dir.join("pki")), before, "{args:?} wrote");
    }
    // A directory certgen may not write into, even as root.
    std::fs::create_dir(dir.join("locked")).unwrap();
    let locked = std::process::Command::new("chattr")
        .args(["+i", "locked"])
        .current_dir(dir)
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        locked || std::env::var_os("CI").is_none(),
        "chattr is needed to make a directory unwritable for root"
    );
    if locked {
        let out = run(dir, &["crl", "--out", "locked/crl.pem"]);
        let _ = std::process::Command::new("chattr")
            .args(["-i", "locked"])
            .current_dir(dir)
            .status();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert_eq!(snapshot(&dir.join("pki")), before, "the number moved on");
        assert_eq!(std::fs::read_dir(dir.join("locked")).unwrap().count(), 0);
    }
    // The default file, when something else is in its place.
    let moved = dir.join("crl.pem.saved");
    std::fs::rename(dir.join("pki/crl.pem"), &moved).unwrap();
    std::fs::create_dir(dir.join("pki/crl.pem")).unwrap();
    let out = run(dir, &["crl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not a regular file"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir(dir.join("pki/crl.pem")).unwrap();
    std::fs::rename(&moved, dir.join("pki/crl.pem")).unwrap();
    assert_eq!(snapshot(&dir.join("pki")), before);

    std::fs::write(dir.join("pki/crlnumber"), "not hex\n").unwrap();
    let out = run(dir, &["crl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a hexadecimal CRL number"));
    assert_eq!(
        std::fs::read(dir.join("pki/crl.pem")).unwrap(),
        before
            .iter()
            .find(|(p, _)| p == "crl.pem")
            .map(|(_, c)| c.clone())
            .unwrap()
    );
}

#[test]
fn setup_configures_the_crl_once_there_is_one() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let setup = [
        "setup",
        "mariadb",
        "--user",
        "app",
        "--key-type",
        "ecdsa-p256",
    ];
    let text = ok(dir, &setup);
    assert!(!text.contains("ssl_crl"), "{text}");
    ok(dir, &["crl"]);
    let text = ok(dir, &setup);
    let crl = std::fs::canonicalize(dir.join("pki/crl.pem")).unwrap();
    assert!(
        text.contains("ssl_key = ") && text.contains(&format!("ssl_crl = \"{}\"\n", crl.display())),
        "{text}"
    );
}

/// `renew --reuse-key` certifies the bundle's key again: revoking the
/// superseded certificate for keyCompromise is not "already revoked", it
/// makes its reason keyCompromise (the date kept) and revokes the current
/// certificate of the same key; a bundle renewed with a new key keeps its
/// current certificate. The CRL says keyCompromise for both, and
/// `openssl verify -crl_check` refuses the current certificate.
#[test]
fn key_compromise_of_a_superseded_certificate_revokes_its_reused_key() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "-q", "--key-type", "ecdsa-p256"]);
    ok(
        dir,
        &[
            "issue-client",
            "-q",
            "same",
            "fresh",
            "--key-type",
            "ecdsa-p256",
        ],
    );
    let cert = |u: &str| dir.join(format!("pki/users/{u}/client-cert.pem"));
    let (same1, fresh1) = (serial_hex(&cert("same")), serial_hex(&cert("fresh")));
    ok(dir, &["renew", "-q", "same", "--reuse-key"]);
    ok(dir, &["renew", "-q", "fresh"]);
    let (same2, fresh2) = (serial_hex(&cert("same")), serial_hex(&cert("fresh")));
    assert_eq!(
        public_key(&dir.join("pki/users/same/client-cert.pem")),
        public_key(&archives(&dir.join("pki"))[0].join("users/same/client-cert.pem"))
    );
    ok(dir, &["crl", "-q"]);
    let superseded_on = |serial: &str| {
        let row = index_rows(&dir.join("pki"))
            .into_iter()
            .find(|r| r.serial == serial)
            .unwrap();
        assert_eq!(row.reason(), Some("superseded"), "{row:?}");
        row.revoked.split_once(',').unwrap().0.to_string()
    };
    let date = superseded_on(&same1);
    superseded_on(&fresh1);

    let out = run(
        dir,
        &[
            "revoke",
            "--serial",
            &same1,
            "--reason",
            "keyCompromise",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["serial"], same1.as_str());
    assert_eq!(doc["revocation_reason"], "keyCompromise");
    assert_eq!(doc["previous_reason"], "superseded");
    assert_eq!(doc["key_checked"], true);
    assert_eq!(doc["same_key"].as_array().unwrap().len(), 1, "{doc}");
    assert_eq!(doc["same_key"][0]["serial"], same2.as_str());
    assert_eq!(
        doc["same_key"][0]["previous_reason"],
        serde_json::Value::Null
    );
    assert_eq!(doc["same_key"][0]["certificate"]["serial"], same2.as_str());
    let err = stderr(&out);
    assert!(
        err.contains("users/same holds a certificate of the compromised key, now revoked: give it a new key with `certgen issue-client same --force`"),
        "{err}"
    );
    let rows = index_rows(&dir.join("pki"));
    let row = |s: &str| rows.iter().find(|r| r.serial == s).unwrap().clone();
    assert_eq!(row(&same1).revoked, format!("{date},keyCompromise"));
    assert_eq!(row(&same2).status, "R");
    assert_eq!(row(&same2).reason(), Some("keyCompromise"));
    assert_eq!(row(&fresh1).reason(), Some("superseded"));
    assert_eq!(row(&fresh2).status, "V");

    ok(dir, &["crl", "-q"]);

    // The other bundle's superseded key: only itself.
    let out = ok(
        dir,
        &["revoke", "--serial", &fresh1, "--reason", "keyCompromise"],
    );
    assert!(out.contains("superseded before, its date kept"), "{out}");
    assert!(!out.contains("the same key"), "{out}");
    assert_eq!(
        index_rows(&dir.join("pki"))
            .iter()
            .find(|r| r.serial == fresh2)
            .unwrap()
            .status,
        "V"
    );
    // Nothing left to revoke.
    let out = run(dir, &["revoke", "same", "--reason", "keyCompromise"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already revoked"), "{}", stderr(&out));

    // The CRL listed fresh1 as superseded; its new reason makes the cron
    // line write it again.
    let out = ok(dir, &["crl", "--within", "30d", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["written"], true, "{doc}");
    assert!(
        doc["due"]
            .as_str()
            .unwrap()
            .contains("another reason than keyCompromise"),
        "{doc}"
    );
    let listed: Vec<(String, String)> = doc["crl"]["revoked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["serial"].as_str().unwrap().to_string(),
                r["revocation_reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    for s in [&same1, &same2, &fresh1] {
        assert!(
            listed.contains(&(s.to_string(), "keyCompromise".to_string())),
            "{s}: {listed:?}"
        );
    }
    if have_openssl() {
        let text = crl_text(dir, "pki/crl.pem");
        assert_eq!(text.matches("Key Compromise").count(), 3, "{text}");
        let (accepted, text) = crl_check(dir, "pki/crl.pem", "pki/users/same/client-cert.pem");
        assert!(!accepted && text.contains("certificate revoked"), "{text}");
        let (accepted, text) = crl_check(dir, "pki/crl.pem", "pki/users/fresh/client-cert.pem");
        assert!(accepted, "{text}");
    }
}

/// A certificate the index records without a file (`sign` to stdout):
/// revoked for keyCompromise alone, with a warning that its key's other
/// certificates could not be looked for.
#[test]
fn key_compromise_of_a_certificate_without_a_file_says_its_key_was_not_looked_for() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "-q", "--key-type", "ecdsa-p256"]);
    ok(
        dir,
        &[
            "csr",
            "-q",
            "--cn",
            "x",
            "--san",
            "x.example",
            "--key-type",
            "ecdsa-p256",
            "--out",
            "x.csr",
            "--out-key",
            "x-key.pem",
        ],
    );
    let signed = ok(dir, &["sign", "x.csr", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&signed).unwrap();
    let serial = doc["certificate"]["serial"].as_str().unwrap();
    let out = run(
        dir,
        &[
            "revoke",
            "--serial",
            serial,
            "--reason",
            "keyCompromise",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["key_checked"], false);
    assert_eq!(doc["same_key"], serde_json::json!([]));
    assert!(
        stderr(&out).contains(&format!(
            "certgen: warning: cannot read certificate {serial} (the index records no file of it): other certificates of its key, if any, are not revoked"
        )),
        "{}",
        stderr(&out)
    );
}
