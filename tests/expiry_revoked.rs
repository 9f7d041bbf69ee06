//! `check-expiry` and the PKI's index: a certificate the index records as
//! revoked or superseded is never OK. In the PKI directory or an archive it
//! is shown as REVOKED or SUPERSEDED without raising the status; deployed
//! elsewhere, or served by a live server, a revoked one is CRITICAL, a
//! superseded one (a renewal not deployed yet) a WARNING.

use crate::common::servers;

use std::path::Path;

use crate::common::*;
use serde_json::Value;
use servers::{Kind, Seen, server_config, spawn};

const T0: &str = "2030-01-01T00:00:00Z";
const T1: &str = "2030-01-02T00:00:00Z";
const AT: &str = "2030-01-03T00:00:00Z";

fn at(dir: &Path, now: &str, args: &[&str]) {
    let mut all = vec!["--now", now];
    all.extend_from_slice(args);
    ok(dir, &all);
}

/// check-expiry at AT: (exit code, stdout).
fn check(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["check-expiry", "--at", AT];
    all.extend_from_slice(args);
    let out = run(dir, &all);
    assert_no_panic(&out);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn row<'a>(text: &'a str, file: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(&format!("  {file}  ")))
        .unwrap_or_else(|| panic!("no row for {file}: {text}"))
}

/// app and gone, gone revoked (keyCompromise); db renewed at T1, its first
/// certificate superseded and archived.
fn pki(dir: &Path) {
    let ec = ["--key-type", "ecdsa-p256"];
    at(dir, T0, &[&["init-ca"][..], &ec].concat());
    at(
        dir,
        T0,
        &[&["issue-server", "db", "--san", "127.0.0.1"][..], &ec].concat(),
    );
    at(
        dir,
        T0,
        &[&["issue-client", "app", "gone"][..], &ec].concat(),
    );
    std::fs::create_dir(dir.join("deployed")).unwrap();
    std::fs::copy(
        dir.join("pki/servers/db/server-cert.pem"),
        dir.join("deployed/old-server-cert.pem"),
    )
    .unwrap();
    at(dir, T1, &["revoke", "gone", "--reason", "keyCompromise"]);
    at(dir, T1, &["renew", "db"]);
}

#[test]
fn in_the_pki_a_revoked_certificate_is_shown_as_such_without_alarm() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    let (code, out) = check(dir, &[]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        row(&out, "pki/users/gone/client-cert.pem"),
        "REVOKED   2034-12-31T00:00:00Z    1823  pki/users/gone/client-cert.pem  /CN=gone (revoked on 2030-01-02T00:00:00Z (keyCompromise); expires in 1823 days)"
    );
    assert!(row(&out, "pki/users/app/client-cert.pem").starts_with("OK "));
    assert!(out.ends_with(", 1 revoked; 0 unknown\n"), "{out}");
    // The archive is skipped in a walk; named, its superseded certificate is
    // shown as such, and does not alarm either.
    let archived = walk(&dir.join("pki/old_keys"))
        .into_iter()
        .find(|p| p.ends_with("servers/db/server-cert.pem"))
        .unwrap();
    let rel = archived.strip_prefix(dir).unwrap().display().to_string();
    let (code, out) = check(dir, &[&rel]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.starts_with("STATUS"), "{out}");
    assert!(
        out.lines().nth(1).unwrap().starts_with("SUPERSEDED  "),
        "{out}"
    );
    assert!(
        out.contains("(superseded on 2030-01-02T00:00:00Z; expires in"),
        "{out}"
    );
    assert!(
        out.ends_with("1 certificate: 0 ok, 0 warning, 0 critical, 1 superseded; 0 unknown\n"),
        "{out}"
    );
    // Quiet cron output is silent: nothing raises the status.
    let (code, out) = check(dir, &["-q"]);
    assert_eq!((code, out.as_str()), (Some(0), ""));
}

#[test]
fn deployed_a_revoked_certificate_is_critical_and_a_superseded_one_a_warning_in_every_format() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    std::fs::copy(
        dir.join("pki/users/gone/client-cert.pem"),
        dir.join("deployed/client-cert.pem"),
    )
    .unwrap();
    std::fs::copy(
        dir.join("pki/users/app/client-cert.pem"),
        dir.join("deployed/app-cert.pem"),
    )
    .unwrap();
    let (code, out) = check(dir, &["deployed"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        row(&out, "deployed/app-cert.pem").starts_with("OK "),
        "{out}"
    );
    let gone = row(&out, "deployed/client-cert.pem");
    assert!(gone.starts_with("CRITICAL  "), "{gone}");
    assert!(
        gone.ends_with("/CN=gone (revoked on 2030-01-02T00:00:00Z (keyCompromise), yet deployed here: servers that check the CRL refuse it; expires in 1823 days)"),
        "{gone}"
    );
    let old = row(&out, "deployed/old-server-cert.pem");
    assert!(
        old.starts_with("WARNING   ")
            && old
                .contains("(superseded on 2030-01-02T00:00:00Z: deploy its renewed bundle here; "),
        "{old}"
    );

    let (_, out) = check(dir, &["--format", "json", "deployed/client-cert.pem"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let r = &v["results"][0];
    assert_eq!(r["status"], "critical");
    assert_eq!(r["revocation"]["revoked_at"], "2030-01-02T00:00:00Z");
    assert_eq!(r["revocation"]["revocation_reason"], "keyCompromise");
    assert_eq!(v["exit_code"], 2);
    let (_, out) = check(dir, &["--format", "json", "pki/users/gone"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let cert = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["file"] == "pki/users/gone/client-cert.pem")
        .unwrap();
    assert_eq!(cert["status"], "revoked");
    assert_eq!(v["summary"]["revoked"], 1);
    assert_eq!(v["status"], "ok");

    let (_, out) = check(dir, &["--format", "nagios", "deployed/client-cert.pem"]);
    assert!(
        out.starts_with("CERTGEN EXPIRY CRITICAL - 1 certificate: 1 critical"),
        "{out}"
    );
    assert!(
        out.contains("CRITICAL: deployed/client-cert.pem /CN=gone: revoked on"),
        "{out}"
    );
    let (_, out) = check(dir, &["--format", "prometheus", "deployed/client-cert.pem"]);
    assert!(
        out.contains(r#"certgen_certificate_revoked{path="deployed/client-cert.pem",index="1",subject="/CN=gone","#)
            && out.contains(r#"reason="keyCompromise"} 1"#),
        "{out}"
    );
    // Without the PKI (another --dir), nothing says it is revoked.
    let (code, out) = check(dir, &["--dir", "elsewhere", "deployed/client-cert.pem"]);
    assert_eq!(code, Some(0), "{out}");
    // Another CA of the same name whose index lists the same serial revoked
    // did not issue this one.
    at(
        dir,
        T0,
        &["--dir", "other", "init-ca", "--key-type", "ecdsa-p256"],
    );
    let index = std::fs::read_to_string(dir.join("pki/index.txt")).unwrap();
    let line = index.lines().find(|l| l.ends_with("/CN=gone")).unwrap();
    std::fs::write(dir.join("other/index.txt"), format!("{line}\n")).unwrap();
    let (code, out) = check(dir, &["--dir", "other", "deployed/client-cert.pem"]);
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn a_live_server_serving_a_revoked_certificate_is_critical() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    // The server still serves db's first certificate, superseded by renew:
    // a reload is due.
    let archived = walk(&dir.join("pki/old_keys"))
        .into_iter()
        .find(|p| p.ends_with("servers/db/server-cert.pem"))
        .unwrap();
    let key = archived.with_file_name("server-key.pem");
    let port = spawn(Kind::Tls, server_config(&archived, &key), Seen::default());
    let target = format!("127.0.0.1:{port}");
    let (code, out) = check(dir, &["--connect", &target]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!("{target}  /CN=db (serving a certificate superseded on 2030-01-02T00:00:00Z: deploy its renewed bundle and reload; expires in")),
        "{out}"
    );
    assert!(
        out.lines().nth(1).unwrap().starts_with("WARNING   "),
        "{out}"
    );
    // Revoked for cause while served: CRITICAL.
    let serial = with_cert(&archived, |c| {
        certgen::serial::Serial::from_bytes(c.raw_serial()).to_string()
    });
    let index = std::fs::read_to_string(dir.join("pki/index.txt")).unwrap();
    std::fs::write(
        dir.join("pki/index.txt"),
        index.replace(
            &format!("300102000000Z,superseded\t{serial}"),
            &format!("300102000000Z,keyCompromise\t{serial}"),
        ),
    )
    .unwrap();
    let (code, out) = check(dir, &["--connect", &target]);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains(&format!("{target}  /CN=db (serving a certificate revoked on 2030-01-02T00:00:00Z (keyCompromise); expires in")),
        "{out}"
    );
    // The renewed one is fine.
    let live = dir.join("pki/servers/db");
    let port = spawn(
        Kind::Tls,
        server_config(&live.join("server-cert.pem"), &live.join("server-key.pem")),
        Seen::default(),
    );
    let (code, out) = check(dir, &["--connect", &format!("127.0.0.1:{port}")]);
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn an_unreadable_index_is_reported_and_the_rest_checked() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    std::fs::write(dir.join("pki/index.txt"), "R\tbroken\n").unwrap();
    let (code, out) = check(dir, &[]);
    assert_eq!(code, Some(3), "{out}");
    assert!(
        out.contains("UNKNOWN   -                          -  pki/index.txt  cannot tell revoked certificates: index pki/index.txt line 1"),
        "{out}"
    );
    assert!(
        row(&out, "pki/users/app/client-cert.pem").starts_with("OK "),
        "{out}"
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
