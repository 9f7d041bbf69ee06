//! `deploy` carries the PKI's CRL with the bundle, in the same transaction
//! and with the CA file's owner and mode rules, named as the layout names
//! it; it refuses a CRL file a server could not use; `config` and `setup`
//! with `--deploy-dir` name the deployed copy.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use crate::common::*;
use serde_json::Value;

const T0: &str = "2030-01-01T00:00:00Z";

fn at(dir: &Path, now: &str, args: &[&str]) -> String {
    let mut all = vec!["--now", now];
    all.extend_from_slice(args);
    ok(dir, &all)
}

fn day(n: i64) -> String {
    let t = ::time::macros::datetime!(2030-01-01 00:00 UTC) + ::time::Duration::days(n);
    t.format(&::time::format_description::well_known::Rfc3339)
        .unwrap()
}

fn pki(dir: &Path) {
    // Deployment directories must not be writable by others.
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let ec = ["--key-type", "ecdsa-p256"];
    at(dir, T0, &[&["init-ca"][..], &ec].concat());
    at(dir, T0, &[&["issue-server", "db"][..], &ec].concat());
    at(
        dir,
        T0,
        &[&["issue-client", "app", "gone"][..], &ec].concat(),
    );
    at(dir, T0, &["revoke", "gone"]);
    at(dir, T0, &["crl"]);
}

#[test]
fn the_crl_is_deployed_with_the_bundle_and_replaced_with_it() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    let out = at(
        dir,
        T0,
        &["deploy", "server", "db", "--to", "tls", "--layout", "mysql"],
    );
    let crl_line = out
        .lines()
        .find(|l| l.contains("tls/crl.pem"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        crl_line.contains("0644") && crl_line.ends_with("from pki/crl.pem"),
        "{crl_line}"
    );
    assert_eq!(
        std::fs::read(dir.join("tls/crl.pem")).unwrap(),
        std::fs::read(dir.join("pki/crl.pem")).unwrap()
    );
    // Again: nothing changes.
    let out = at(
        dir,
        T0,
        &["deploy", "server", "db", "--to", "tls", "--layout", "mysql"],
    );
    assert!(out.contains("nothing changed"), "{out}");
    // A re-issued CRL: the deployment is replaced (what it replaces archived).
    at(dir, &day(1), &["crl"]);
    let out = at(
        dir,
        &day(1),
        &[
            "deploy", "server", "db", "--to", "tls", "--layout", "mysql", "--format", "json",
        ],
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["files"]["crl"], "tls/crl.pem");
    let deployed = v["deployed"].as_array().unwrap();
    assert_eq!(deployed.len(), 4);
    assert_eq!(deployed[3]["role"], "crl");
    assert_eq!(deployed[3]["replaced"], true);
    assert_eq!(deployed[3]["mode"], "0644");
    let archive = v["archived"].as_str().unwrap();
    assert!(dir.join(archive).join("crl.pem").is_file());
    // libpq's name in a user's ~/.postgresql.
    at(
        dir,
        &day(1),
        &[
            "deploy", "user", "app", "--to", "pg", "--layout", "postgres",
        ],
    );
    assert_eq!(
        std::fs::read(dir.join("pg/root.crl")).unwrap(),
        std::fs::read(dir.join("pki/crl.pem")).unwrap()
    );
    // Without a CRL in the PKI, none is deployed, and JSON says nothing of one.
    let e = tempfile::tempdir().unwrap();
    std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    at(e.path(), T0, &["init-ca", "--key-type", "ecdsa-p256"]);
    at(
        e.path(),
        T0,
        &["issue-client", "app", "--key-type", "ecdsa-p256"],
    );
    let out = at(
        e.path(),
        T0,
        &["deploy", "user", "app", "--to", "c", "--format", "json"],
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["deployed"].as_array().unwrap().len(), 3);
    assert!(v["files"].get("crl").is_none(), "{v}");
    assert!(!e.path().join("c/crl.pem").exists());
}

#[test]
fn the_crl_gets_the_ca_files_owner_and_mode() {
    if !is_root() {
        assert!(
            std::env::var_os("CI").is_none(),
            "chown needs root under CI"
        );
        eprintln!("SKIP: chown needs root");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    at(
        dir,
        T0,
        &[
            "deploy",
            "server",
            "db",
            "--to",
            "tls",
            "--owner",
            "65534:65534",
        ],
    );
    for name in ["ca-cert.pem", "crl.pem"] {
        let m = std::fs::metadata(dir.join("tls").join(name)).unwrap();
        assert_eq!(
            (m.uid(), m.gid(), m.mode() & 0o777),
            (65534, 65534, 0o644),
            "{name}"
        );
    }
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

#[test]
fn a_crl_a_server_could_not_use_is_refused_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    // Past its nextUpdate (90 days).
    let out = run(
        dir,
        &["--now", &day(91), "deploy", "server", "db", "--to", "tls"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("certgen: error: the CRL of /CN=certgen CA in pki/crl.pem is not current (valid from 2030-01-01T00:00:00Z to 2030-04-01T00:00:00Z): a server that checks it would refuse every certificate of that CA\nhint: run `certgen crl`"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(!dir.join("tls").exists());
    // A changeover whose CRL file holds the new CA's CRL alone (as an older
    // certgen wrote it): the old root would have none.
    at(dir, &day(1), &["rotate-ca"]);
    let text = std::fs::read_to_string(dir.join("pki/crl.pem")).unwrap();
    let first = text
        .split_inclusive("-----END X509 CRL-----\n")
        .next()
        .unwrap();
    std::fs::write(dir.join("pki/crl.pem"), first).unwrap();
    let out = run(
        dir,
        &["--now", &day(1), "deploy", "server", "db", "--to", "tls"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(
            "pki/crl.pem holds no CRL of /CN=certgen CA, a CA the deployed CA file trusts"
        ),
        "{err}"
    );
    assert!(!dir.join("tls").exists());
    at(dir, &day(1), &["crl"]);
    at(dir, &day(1), &["deploy", "server", "db", "--to", "tls"]);
    assert!(dir.join("tls/crl.pem").is_file());
}

#[test]
fn config_and_setup_name_the_deployed_crl() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    let tls = std::path::absolute(dir.join("tls")).unwrap();
    let tls = tls.to_str().unwrap();
    let out = at(
        dir,
        T0,
        &[
            "config",
            "mariadb",
            "--server",
            "db",
            "--user",
            "app",
            "--deploy-dir",
            tls,
            "--layout",
            "mysql",
        ],
    );
    assert!(
        out.contains(&format!("ssl_crl = \"{tls}/crl.pem\"\n")),
        "{out}"
    );
    let out = at(
        dir,
        T0,
        &[
            "config",
            "postgres",
            "--server",
            "db",
            "--user",
            "app",
            "--deploy-dir",
            tls,
            "--layout",
            "postgres",
            "--format",
            "json",
        ],
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["crl"], format!("{tls}/root.crl"));
    assert!(
        v["sections"][0]["text"]
            .as_str()
            .unwrap()
            .contains(&format!("ssl_crl_file = '{tls}/root.crl'")),
        "{v}"
    );
    // Without --deploy-dir: the PKI's own.
    let out = at(
        dir,
        T0,
        &["config", "mariadb", "--server", "db", "--user", "app"],
    );
    let pki = std::fs::canonicalize(dir.join("pki")).unwrap();
    assert!(
        out.contains(&format!("ssl_crl = \"{}/crl.pem\"", pki.display())),
        "{out}"
    );
    let out = at(
        dir,
        T0,
        &[
            "setup",
            "mariadb",
            "--host",
            "db",
            "--user",
            "app",
            "--key-type",
            "ecdsa-p256",
            "--deploy-dir",
            tls,
        ],
    );
    assert!(
        out.contains(&format!("ssl_crl = \"{tls}/crl.pem\"\n")),
        "{out}"
    );
}

#[test]
fn an_intermediates_crl_is_deployed_with_its_chain() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let ec = ["--key-type", "ecdsa-p256"];
    at(dir, T0, &[&["--dir", "root", "init-ca"][..], &ec].concat());
    at(
        dir,
        T0,
        &[
            &[
                "init-ca",
                "--intermediate",
                "--parent",
                "root",
                "--cn",
                "Inter",
            ][..],
            &ec,
        ]
        .concat(),
    );
    at(dir, T0, &[&["issue-server", "db"][..], &ec].concat());
    at(dir, T0, &["crl"]);
    // The CA file holds the intermediate and the root; the root's CRL is
    // its own directory's to publish.
    at(dir, T0, &["deploy", "server", "db", "--to", "tls"]);
    assert!(dir.join("tls/crl.pem").is_file());
}
