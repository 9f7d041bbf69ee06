//! `certgen renew`: the same names, profile, key type and validity length as
//! the certificate replaced, a new serial (and key unless --reuse-key), the
//! old bundle archived byte for byte with its owner, group and mode kept,
//! one valid index row per bundle, and nothing written when refused.

use crate::common::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

const T1: &str = "2030-03-01T00:00:00Z";

/// A PKI made at T0: an ECDSA CA, the server db1 (two SANs, 90 days), the
/// users app (RSA, PKCS#1, 45 days) and bob (ECDSA, 400 days).
fn pki() -> tempfile::TempDir {
    pki_at_t0(&[
        &[
            "issue-server",
            "db1.example",
            "--san",
            "10.0.0.7,db.example",
            "--days",
            "90",
            "--key-type",
            "ecdsa-p256",
        ],
        &[
            "issue-client",
            "app",
            "--days",
            "45",
            "--key-type",
            "rsa2048",
            "--key-format",
            "pkcs1",
        ],
        &[
            "issue-client",
            "bob",
            "--days",
            "400",
            "--key-type",
            "ecdsa-p256",
        ],
    ])
}

fn valid_rows(dir: &Path, now: &str) -> Vec<serde_json::Value> {
    let out = ok(
        dir,
        &at(now, &["list", "--status", "valid", "--format", "json"]),
    );
    serde_json::from_str::<Vec<serde_json::Value>>(&out).unwrap()
}

#[test]
fn a_renewed_bundle_keeps_names_profile_key_type_and_lifetime_and_archives_the_old_one() {
    let d = pki();
    let dir = d.path();
    let pki = dir.join("pki");
    let before_db1 = snapshot(&pki.join("servers/db1.example"));
    let before_app = snapshot(&pki.join("users/app"));
    let server_cert = pki.join("servers/db1.example/server-cert.pem");
    let app_cert = pki.join("users/app/client-cert.pem");
    let (old_db1, old_app) = (serial_of(&server_cert), serial_of(&app_cert));
    let (old_db1_key, old_app_key) = (spki(&server_cert), spki(&app_cert));

    let out = ok(dir, &at(T1, &["renew", "db1.example", "app"]));
    assert!(
        out.contains("renewed servers/db1.example: serial "),
        "{out}"
    );
    assert!(out.contains(&format!("(replaces {old_db1})")), "{out}");
    for reload in [
        "FLUSH SSL;",
        "ALTER INSTANCE RELOAD TLS;",
        "SELECT pg_reload_conf();",
        "restart the server",
    ] {
        assert!(out.contains(reload), "{reload} in {out}");
    }

    // The archive holds the old bundles byte for byte.
    let arch = archives(&pki);
    assert_eq!(arch.len(), 1, "one transaction, one archive");
    assert_eq!(snapshot(&arch[0].join("servers/db1.example")), before_db1);
    assert_eq!(snapshot(&arch[0].join("users/app")), before_app);

    // Same names, lifetime, profile and key type; new serial and key.
    assert_ne!(serial_of(&server_cert), old_db1);
    assert_ne!(serial_of(&app_cert), old_app);
    assert_ne!(spki(&server_cert), old_db1_key);
    assert_ne!(spki(&app_cert), old_app_key);
    assert_eq!(
        sans(&server_cert),
        ["DNS:db1.example", "IP Address:10.0.0.7", "DNS:db.example"]
    );
    assert_eq!(lifetime(&server_cert), 90 * 86_400 + 300);
    assert_eq!(lifetime(&app_cert), 45 * 86_400 + 300);
    let starts = |p: &Path| with_cert(p, |c| c.validity().not_before.to_datetime());
    assert_eq!(
        starts(&server_cert),
        ::time::macros::datetime!(2030-03-01 00:00 UTC) - ::time::Duration::minutes(5)
    );
    with_cert(&server_cert, |c| {
        let eku = c.extended_key_usage().unwrap().unwrap().value;
        assert!(eku.server_auth && !eku.client_auth);
        assert_eq!(c.subject().to_string(), "CN=db1.example");
    });
    with_cert(&app_cert, |c| {
        let eku = c.extended_key_usage().unwrap().unwrap().value;
        assert!(eku.client_auth && !eku.server_auth);
        assert_eq!(c.subject().to_string(), "CN=app");
        assert_eq!(c.public_key().parsed().unwrap().key_size(), 2048);
    });
    let app_key = std::fs::read_to_string(pki.join("users/app/client-key.pem")).unwrap();
    assert!(
        app_key.starts_with("-----BEGIN RSA PRIVATE KEY-----"),
        "the key format is kept"
    );
    assert_eq!(
        std::fs::read(pki.join("users/app/ca-cert.pem")).unwrap(),
        std::fs::read(pki.join("ca-cert.pem")).unwrap()
    );

    // One valid row per bundle; the replaced serials superseded.
    let rows = valid_rows(dir, T1);
    assert_eq!(rows.len(), 3, "{rows:?}");
    let index = std::fs::read_to_string(pki.join("index.txt")).unwrap();
    for old in [&old_db1, &old_app] {
        let line = index.lines().find(|l| l.contains(old.as_str())).unwrap();
        assert!(line.starts_with("R\t"), "{line}");
        assert!(line.contains(",superseded\t"), "{line}");
    }

    if have_openssl() {
        for cert in [&server_cert, &app_cert] {
            let cert = cert.display().to_string();
            let (good, text) = openssl(
                dir,
                &[
                    "verify",
                    "-x509_strict",
                    "-attime",
                    "1900000000",
                    "-CAfile",
                    "pki/ca-cert.pem",
                    &cert,
                ],
            );
            assert!(good, "{text}");
        }
    }
}

#[test]
fn reuse_key_keeps_the_key_file_and_changes_the_serial() {
    let d = pki();
    let dir = d.path();
    let pki = dir.join("pki");
    let cert = pki.join("users/bob/client-cert.pem");
    let key_before = std::fs::read(pki.join("users/bob/client-key.pem")).unwrap();
    let (old_serial, old_spki) = (serial_of(&cert), spki(&cert));
    ok(dir, &at(T1, &["renew", "--user", "bob", "--reuse-key"]));
    assert_ne!(serial_of(&cert), old_serial);
    assert_eq!(spki(&cert), old_spki, "the same public key");
    assert_eq!(
        std::fs::read(pki.join("users/bob/client-key.pem")).unwrap(),
        key_before
    );
    let key = certgen::PrivateKey::from_bytes("k", &key_before).unwrap();
    assert!(key.matches_spki(&spki(&cert)));
    let out = run(
        dir,
        &at(
            T1,
            &["renew", "bob", "--reuse-key", "--key-type", "rsa2048"],
        ),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn within_renews_only_what_expires_in_time_and_is_quiet_otherwise() {
    let d = pki();
    let dir = d.path();
    let pki = dir.join("pki");
    let files = [
        "servers/db1.example/server-cert.pem",
        "users/app/client-cert.pem",
        "users/bob/client-cert.pem",
    ];
    let serials = || -> Vec<String> { files.iter().map(|f| serial_of(&pki.join(f))).collect() };
    let first = serials();
    // At T1 (59 days in): app expired 14 days ago, db1 expires in 31 days,
    // bob in 341; an expired certificate is within any window.
    ok(dir, &at(T1, &["renew", "--all", "--within", "7d", "-q"]));
    let second = serials();
    assert_ne!(second[1], first[1], "app renewed");
    assert_eq!(second[0], first[0], "db1 kept");
    assert_eq!(second[2], first[2], "bob kept");

    let before = snapshot(&pki);
    let out = run(dir, &at(T1, &["renew", "--all", "--within", "30d"]));
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("nothing to renew: 3 certificates expire later than 30 days"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&pki), before, "nothing written");

    let out = ok(
        dir,
        &at(
            T1,
            &["renew", "--all", "--within", "31d", "--format", "json"],
        ),
    );
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let renewed = report["renewed"].as_array().unwrap();
    assert_eq!(renewed.len(), 1);
    assert_eq!(renewed[0]["name"], "db1.example");
    assert_eq!(renewed[0]["kind"], "server");
    assert_eq!(renewed[0]["replaced"]["serial"], first[0].as_str());
    assert_eq!(
        renewed[0]["certificate"]["serial"],
        serial_of(&pki.join(files[0])).as_str()
    );
    assert_eq!(report["skipped"].as_array().unwrap().len(), 2);
    assert_eq!(report["skipped"][0]["reason"], "not-due");
    let reload = report["reload"].as_array().unwrap();
    assert!(
        reload
            .iter()
            .any(|r| r["database"] == "mariadb" && r["statement"] == "FLUSH SSL;")
    );
    assert!(
        reload
            .iter()
            .any(|r| r["database"] == "manticore" && r["restart"].is_string())
    );
    assert_eq!(valid_rows(dir, T1).len(), 3);
}

#[test]
fn overrides_replace_what_the_old_certificate_said() {
    let d = pki();
    let dir = d.path();
    let cert = dir.join("pki/servers/db1.example/server-cert.pem");
    ok(
        dir,
        &at(
            T1,
            &[
                "renew",
                "db1.example",
                "--days",
                "30",
                "--san",
                "db1.example,10.0.0.8",
                "--key-type",
                "ed25519",
            ],
        ),
    );
    assert_eq!(lifetime(&cert), 30 * 86_400 + 300);
    assert_eq!(sans(&cert), ["DNS:db1.example", "IP Address:10.0.0.8"]);
    let key = std::fs::read_to_string(dir.join("pki/servers/db1.example/server-key.pem")).unwrap();
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert_eq!(
        with_cert(&cert, |c| c.public_key().algorithm.algorithm.to_id_string()),
        "1.3.101.112"
    );
}

#[test]
fn refusals_write_nothing() {
    let d = pki();
    let dir = d.path();
    let pki = dir.join("pki");
    ok(
        dir,
        &at(T0, &["issue-server", "app", "--key-type", "ecdsa-p256"]),
    );
    let cases: &[(&[&str], &str, Option<&str>)] = &[
        (
            &["renew", "app"],
            "both a server and a user bundle are named \"app\"",
            Some("name the one to renew with --server app or --user app"),
        ),
        (
            &["renew", "bob", "nobody"],
            "no server or user bundle named \"nobody\"",
            None,
        ),
        (
            &["renew", "--server", "bob"],
            "no server or user bundle named \"bob\"",
            None,
        ),
        (&["renew", "bob", "bob"], "users/bob is named twice", None),
        (
            &["renew", "--user", "app", "bob", "--subject", "/CN=x"],
            "--subject names one certificate",
            None,
        ),
    ];
    for (args, message, hint) in cases {
        let before = snapshot(&pki);
        let out = run(dir, &at(T1, args));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
        if let Some(h) = hint {
            assert!(
                stderr(&out).contains(&format!("hint: {h}")),
                "{}",
                stderr(&out)
            );
        }
        assert_eq!(snapshot(&pki), before, "{args:?} wrote nothing");
    }

    // A key that is not the certificate's, in one bundle of several.
    std::fs::copy(
        pki.join("users/app/client-key.pem"),
        pki.join("users/bob/client-key.pem"),
    )
    .unwrap();
    let before = snapshot(&pki);
    let out = run(dir, &at(T1, &["renew", "--all"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("does not match the certificate"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&pki), before);
}

#[test]
fn a_revoked_bundle_is_refused_by_name_and_skipped_by_all() {
    let d = pki();
    let dir = d.path();
    let pki = dir.join("pki");
    ok(
        dir,
        &at(T0, &["revoke", "bob", "--reason", "keyCompromise"]),
    );
    let bob = serial_of(&pki.join("users/bob/client-cert.pem"));
    let before = snapshot(&pki);
    let out = run(dir, &at(T1, &["renew", "bob"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!(
            "users/bob holds certificate {bob}, which is revoked"
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&pki), before);
    let out = run(dir, &at(T1, &["renew", "--all"]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("skipped users/bob (revoked certificate)"));
    assert_eq!(serial_of(&pki.join("users/bob/client-cert.pem")), bob);
    assert_eq!(valid_rows(dir, T1).len(), 2);
}

#[test]
fn a_renewal_with_an_encrypted_ca_key_takes_the_passphrase() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    std::fs::write(dir.join("pass"), "correct horse\n").unwrap();
    std::fs::write(dir.join("wrong"), "battery staple\n").unwrap();
    ok(
        dir,
        &at(
            T0,
            &[
                "init-ca",
                "--encrypt",
                "--passphrase-file",
                "pass",
                "--key-type",
                "ecdsa-p256",
            ],
        ),
    );
    ok(
        dir,
        &at(
            T0,
            &[
                "issue-client",
                "app",
                "--passphrase-file",
                "pass",
                "--key-type",
                "ecdsa-p256",
            ],
        ),
    );
    let before = snapshot(&dir.join("pki"));
    let out = run(
        dir,
        &at(T1, &["renew", "app", "--passphrase-file", "wrong"]),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("wrong passphrase"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&dir.join("pki")), before);
    let old = serial_of(&dir.join("pki/users/app/client-cert.pem"));
    let out = certgen(dir)
        .args(at(T1, &["renew", "app"]))
        .env("CERTGEN_CA_PASSPHRASE", "correct horse")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(serial_of(&dir.join("pki/users/app/client-cert.pem")), old);
    ok(
        dir,
        &at(T1, &["renew", "--all", "--passphrase-file", "pass"]),
    );
}

#[test]
fn a_renewed_bundle_keeps_owner_group_and_mode() {
    if !need_root("chown to a system user") {
        return;
    }
    let (uid, gid) = system_user("certgen-renew");
    let d = pki();
    let dir = d.path();
    let bundle = dir.join("pki/servers/db1.example");
    for (f, mode) in [
        ("server-key.pem", 0o640),
        ("server-cert.pem", 0o644),
        ("ca-cert.pem", 0o644),
        ("", 0o750),
    ] {
        let p = bundle.join(f);
        std::os::unix::fs::chown(&p, Some(uid), Some(gid)).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let old_key = std::fs::read(bundle.join("server-key.pem")).unwrap();
    ok(dir, &at(T1, &["renew", "db1.example"]));
    assert_ne!(
        std::fs::read(bundle.join("server-key.pem")).unwrap(),
        old_key
    );
    for (f, mode) in [
        ("server-key.pem", 0o640),
        ("server-cert.pem", 0o644),
        ("ca-cert.pem", 0o644),
        ("", 0o750),
    ] {
        let m = std::fs::metadata(bundle.join(f)).unwrap();
        assert_eq!((m.uid(), m.gid()), (uid, gid), "{f} keeps its owner");
        assert_eq!(m.mode() & 0o777, mode, "{f} keeps its mode");
    }
    // The archived key is the old file itself: same owner and mode.
    let arch = archives(&dir.join("pki"));
    let archived = arch[0].join("servers/db1.example/server-key.pem");
    assert_eq!(std::fs::read(&archived).unwrap(), old_key);
    assert_eq!(std::fs::metadata(&archived).unwrap().uid(), uid);
}

/// An operator's files in a bundle directory (a settings file, a link, a
/// directory) are carried over into the new bundle with their mode, by
/// `renew` and by `issue-server --force` alike; the archive keeps them too.
#[test]
fn an_operators_files_in_a_bundle_are_carried_over() {
    let d = pki();
    let dir = d.path();
    let pki = dir.join("pki");
    let bundle = pki.join("servers/db1.example");
    std::fs::write(bundle.join("extra.conf"), b"ssl_cipher=TLS_AES_256\n").unwrap();
    std::fs::set_permissions(
        bundle.join("extra.conf"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    std::fs::create_dir(bundle.join("conf.d")).unwrap();
    std::fs::write(bundle.join("conf.d/tls.cnf"), b"[mysqld]\n").unwrap();
    std::os::unix::fs::symlink("extra.conf", bundle.join("current.conf")).unwrap();
    let check = |why: &str| {
        assert_eq!(
            std::fs::read(bundle.join("extra.conf")).unwrap(),
            b"ssl_cipher=TLS_AES_256\n",
            "{why}"
        );
        let m = std::fs::symlink_metadata(bundle.join("extra.conf")).unwrap();
        assert_eq!(m.mode() & 0o777, 0o640, "{why}: the mode kept");
        assert_eq!(
            std::fs::read(bundle.join("conf.d/tls.cnf")).unwrap(),
            b"[mysqld]\n",
            "{why}"
        );
        assert_eq!(
            std::fs::read_link(bundle.join("current.conf")).unwrap(),
            Path::new("extra.conf"),
            "{why}: a link stays a link"
        );
    };

    let old_serial = serial_of(&bundle.join("server-cert.pem"));
    ok(dir, &at(T1, &["renew", "db1.example", "-q"]));
    assert_ne!(serial_of(&bundle.join("server-cert.pem")), old_serial);
    check("renew");
    let arch = archives(&pki);
    assert_eq!(arch.len(), 1);
    assert_eq!(
        std::fs::read(arch[0].join("servers/db1.example/extra.conf")).unwrap(),
        b"ssl_cipher=TLS_AES_256\n",
        "the archive keeps its copy"
    );

    ok(
        dir,
        &at(T1, &["issue-server", "db1.example", "--force", "-q"]),
    );
    check("issue-server --force");
    let (good, text) = openssl(
        dir,
        &[
            "verify",
            "-attime",
            "1898640000", // 2030-03-02
            "-CAfile",
            "pki/ca-cert.pem",
            "pki/servers/db1.example/server-cert.pem",
        ],
    );
    assert!(good || !have_openssl(), "{text}");
}

/// Runs a command line certgen printed, as a shell would, with `certgen` on
/// the PATH and `--now T1`.
fn run_printed(dir: &Path, line: &str) -> std::process::Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_certgen")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    std::process::Command::new("sh")
        .args(["-c", &format!("{line} --now {T1}")])
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("CERTGEN_DIR")
        .output()
        .unwrap()
}

/// After renewing, what comes next: deploy each renewed bundle (the command
/// per bundle, which runs as printed once DIR is filled in), then reload the
/// servers; no reload step when only users were renewed.
#[test]
fn renew_says_to_deploy_each_renewed_bundle_then_reload() {
    let d = pki();
    let dir = d.path();
    let tls = dir.join("tls");
    let home = dir.join("home");
    ok(
        dir,
        &at(
            T0,
            &[
                "deploy",
                "server",
                "db1.example",
                "--to",
                "tls",
                "--layout",
                "mysql",
            ],
        ),
    );
    ok(dir, &at(T0, &["deploy", "user", "app", "--to", "home"]));

    let out = ok(dir, &at(T1, &["renew", "db1.example", "app"]));
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("renewed servers/db1.example: serial "),
        "{out}"
    );
    assert!(lines[1].starts_with("renewed users/app: serial "), "{out}");
    assert!(
        lines[2].starts_with("next, deploy each renewed bundle where its copies are read"),
        "{out}"
    );
    assert_eq!(
        lines[3], "  certgen deploy server db1.example --to DIR",
        "{out}"
    );
    assert_eq!(lines[4], "  certgen deploy user app --to DIR", "{out}");
    assert_eq!(
        lines[5], "then make each server load its new certificate:",
        "{out}"
    );
    assert_eq!(lines[7], "  MariaDB      FLUSH SSL;", "{out}");
    assert_eq!(lines.len(), 11, "{out}");
    // Filled in, each runs as printed and puts the renewed bundle in place.
    let filled = [
        lines[3].trim().replace("DIR", "tls") + " --layout mysql",
        lines[4].trim().replace("DIR", "home"),
    ];
    for line in &filled {
        let done = run_printed(dir, line);
        assert!(done.status.success(), "{line}: {}", stderr(&done));
    }
    assert_eq!(
        serial_hex(&tls.join("server-cert.pem")),
        serial_hex(&dir.join("pki/servers/db1.example/server-cert.pem"))
    );
    assert_eq!(
        serial_hex(&home.join("client-cert.pem")),
        serial_hex(&dir.join("pki/users/app/client-cert.pem"))
    );

    // JSON: the same steps; only users: no reload; another PKI directory
    // is named in the command.
    let moved = dir.join("my pki");
    std::fs::rename(dir.join("pki"), &moved).unwrap();
    let out = ok(
        dir,
        &at(T1, &["--dir", "my pki", "renew", "bob", "--format", "json"]),
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        doc["deploy"],
        serde_json::json!([{
            "kind": "user",
            "name": "bob",
            "command": "certgen --dir 'my pki' deploy user bob --to DIR"
        }])
    );
    assert_eq!(doc["reload"], serde_json::json!([]));
    let done = run_printed(
        dir,
        &doc["deploy"][0]["command"]
            .as_str()
            .unwrap()
            .replace("DIR", "bob"),
    );
    assert!(done.status.success(), "{}", stderr(&done));
    let out = ok(dir, &at(T1, &["--dir", "my pki", "renew", "bob"]));
    assert!(!out.contains("then make each server"), "{out}");
    assert!(
        out.contains("  certgen --dir 'my pki' deploy user bob --to DIR\n"),
        "{out}"
    );
}
