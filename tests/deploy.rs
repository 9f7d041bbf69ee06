//! `certgen deploy`: the file names of every layout, owners and modes, the
//! archive of a replaced deployment, refusals that write nothing, and a kill
//! test: a deployment killed at any moment leaves the whole old set or,
//! once the next writer completed its journal, the whole new one.

use crate::common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

const EC: [&str; 2] = ["--key-type", "ecdsa-p256"];

/// A PKI in `dir/pki` with servers `db1`, `db2` and user `app`.
fn pki(dir: &Path) {
    ok(dir, &["init-ca", EC[0], EC[1]]);
    for name in ["db1", "db2"] {
        ok(dir, &["issue-server", name, EC[0], EC[1]]);
    }
    ok(dir, &["issue-client", "app", EC[0], EC[1]]);
}

/// The names in `dir` a database sees: everything but certgen's own dot files.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

#[test]
fn every_layout_names_its_files_exactly_and_they_verify() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    let cases: [(&str, &str, &str, [&str; 3]); 8] = [
        (
            "plain",
            "server",
            "db1",
            ["ca-cert.pem", "server-cert.pem", "server-key.pem"],
        ),
        (
            "plain",
            "user",
            "app",
            ["ca-cert.pem", "client-cert.pem", "client-key.pem"],
        ),
        (
            "mysql",
            "server",
            "db1",
            ["ca.pem", "server-cert.pem", "server-key.pem"],
        ),
        (
            "mysql",
            "user",
            "app",
            ["ca.pem", "client-cert.pem", "client-key.pem"],
        ),
        (
            "postgres",
            "server",
            "db1",
            ["root.crt", "server.crt", "server.key"],
        ),
        (
            "postgres",
            "user",
            "app",
            ["root.crt", "postgresql.crt", "postgresql.key"],
        ),
        (
            "engineyard",
            "server",
            "db1",
            ["root.crt", "mysql.crt", "mysql.key"],
        ),
        (
            "engineyard",
            "user",
            "app",
            ["root.crt", "mysql.crt", "mysql.key"],
        ),
    ];
    for (layout, kind, name, [ca, cert, key]) in cases {
        let to = format!("{layout}-{kind}");
        ok(
            dir,
            &["deploy", kind, name, "--to", &to, "--layout", layout],
        );
        let out = dir.join(&to);
        let mut want = vec![ca.to_string(), cert.to_string(), key.to_string()];
        want.sort();
        assert_eq!(listing(&out), want, "{layout} {kind}");
        let dot: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(
            dot.iter().all(|n| n == ".lock" || n == ".tmp"),
            "only certgen's lock and staging area beside them: {dot:?}"
        );
        let bundle = dir.join(format!("pki/{kind}s/{name}"));
        let (pki_cert, pki_key) = match kind {
            "server" => ("server-cert.pem", "server-key.pem"),
            _ => ("client-cert.pem", "client-key.pem"),
        };
        for (deployed, source) in [(ca, "ca-cert.pem"), (cert, pki_cert), (key, pki_key)] {
            assert_eq!(
                std::fs::read(out.join(deployed)).unwrap(),
                std::fs::read(bundle.join(source)).unwrap(),
                "{to}/{deployed} is a copy of {source}"
            );
        }
        assert_eq!(mode(&out.join(key)), 0o600, "{to}/{key}");
        assert_eq!(mode(&out.join(cert)), 0o644, "{to}/{cert}");
        assert_eq!(mode(&out.join(ca)), 0o644, "{to}/{ca}");
        if have_openssl() {
            openssl_verifies(dir, &out.join(ca), &out.join(cert));
            openssl_key_matches(dir, &out.join(key), &out.join(cert));
        }
    }
}

#[test]
fn owner_and_modes_are_set_by_name_and_by_number() {
    if !need_root("chown to a system user") {
        return;
    }
    let (uid, gid) = system_user("certgen-deploy");
    let other_gid = system_group("certgen-deploy-g");
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);

    // USER alone: the user's login group; the directory certgen creates is theirs too.
    ok(
        dir,
        &[
            "deploy",
            "server",
            "db1",
            "--to",
            "a",
            "--layout",
            "mysql",
            "--owner",
            "certgen-deploy",
        ],
    );
    let a = dir.join("a");
    for f in ["ca.pem", "server-cert.pem", "server-key.pem"] {
        assert_eq!(owner(&a.join(f)), (uid, gid), "a/{f}");
    }
    assert_eq!(owner(&a), (uid, gid), "the created directory");
    assert_eq!(mode(&a.join("server-key.pem")), 0o600);
    assert_eq!(mode(&a.join("server-cert.pem")), 0o644);
    assert_eq!(mode(&a.join("ca.pem")), 0o644);

    // USER:GROUP by number, group-readable key, into an existing directory
    // that stays as it was.
    std::fs::create_dir(dir.join("b")).unwrap();
    let spec = format!("{uid}:{other_gid}");
    let out = ok(
        dir,
        &[
            "deploy",
            "user",
            "app",
            "--to",
            "b",
            "--layout",
            "postgres",
            "--owner",
            &spec,
            "--group-readable",
        ],
    );
    let b = dir.join("b");
    for f in ["root.crt", "postgresql.crt", "postgresql.key"] {
        assert_eq!(owner(&b.join(f)), (uid, other_gid), "b/{f}");
    }
    assert_eq!(mode(&b.join("postgresql.key")), 0o640);
    assert_eq!(mode(&b.join("postgresql.crt")), 0o644);
    assert_eq!(owner(&b), (0, 0), "an existing directory keeps its owner");
    assert!(
        out.contains("0640  certgen-deploy:certgen-deploy-g  from pki/users/app/client-key.pem"),
        "{out}"
    );

    // JSON reports what is on disk.
    let json = ok(
        dir,
        &[
            "deploy",
            "user",
            "app",
            "--to",
            "b",
            "--layout",
            "postgres",
            "--owner",
            "certgen-deploy:certgen-deploy-g",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let key = &v["deployed"][2];
    assert_eq!(key["role"], "key");
    assert_eq!(key["file"], "b/postgresql.key");
    assert_eq!(key["user"], "certgen-deploy");
    assert_eq!(key["group"], "certgen-deploy-g");
    assert_eq!(key["uid"], uid);
    assert_eq!(key["gid"], other_gid);
    assert_eq!(
        key["mode"], "0600",
        "--group-readable was not asked this time"
    );
    assert_eq!(key["replaced"], true);
    assert_eq!(v["files"]["key"], "b/postgresql.key");
    assert!(v["archived"].as_str().unwrap().starts_with("b/old_keys/"));
}

#[test]
fn without_owner_replaced_files_keep_owner_group_and_mode() {
    if !need_root("chown to a system user") {
        return;
    }
    let (uid, gid) = system_user("certgen-deploy");
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    ok(dir, &["deploy", "server", "db1", "--to", "tls"]);
    let tls = dir.join("tls");
    let set = |f: &str, m: u32| {
        let p = tls.join(f);
        std::os::unix::fs::chown(&p, Some(uid), Some(gid)).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m)).unwrap();
    };
    set("server-key.pem", 0o640);
    set("server-cert.pem", 0o444);
    // A key someone made world-readable is not copied as such.
    set("ca-cert.pem", 0o644);
    ok(dir, &["issue-server", "db1", "--force", EC[0], EC[1]]);
    ok(dir, &["deploy", "server", "db1", "--to", "tls"]);
    assert_eq!(owner(&tls.join("server-key.pem")), (uid, gid));
    assert_eq!(mode(&tls.join("server-key.pem")), 0o640);
    assert_eq!(owner(&tls.join("server-cert.pem")), (uid, gid));
    assert_eq!(mode(&tls.join("server-cert.pem")), 0o444);

    std::fs::set_permissions(
        tls.join("server-key.pem"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    ok(dir, &["deploy", "server", "db1", "--to", "tls"]);
    assert_eq!(
        mode(&tls.join("server-key.pem")),
        0o640,
        "never more than 0640"
    );

    // New files belong to the caller.
    ok(
        dir,
        &[
            "deploy", "server", "db1", "--to", "tls", "--layout", "postgres",
        ],
    );
    assert_eq!(owner(&tls.join("server.key")), (0, 0));
    assert_eq!(mode(&tls.join("server.key")), 0o600);
}

/// Every regular file under `dir` with its bytes, owner and mode.
fn files_with_meta(dir: &Path) -> Vec<(String, Vec<u8>, u32, u32, u32)> {
    let mut out: Vec<_> = ["ca.pem", "server-cert.pem", "server-key.pem"]
        .iter()
        .map(|f| {
            let p = dir.join(f);
            let (u, g) = owner(&p);
            (f.to_string(), std::fs::read(&p).unwrap(), u, g, mode(&p))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_replaced_deployment_is_archived_byte_identical() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    ok(
        dir,
        &[
            "deploy",
            "server",
            "db1",
            "--to",
            "tls",
            "--layout",
            "mysql",
            "--group-readable",
        ],
    );
    let tls = dir.join("tls");
    let before = files_with_meta(&tls);
    let old_serial = serial_of(&tls.join("server-cert.pem"));
    // The same bundle again: nothing to replace, nothing archived.
    let out = ok(
        dir,
        &[
            "deploy",
            "server",
            "db1",
            "--to",
            "tls",
            "--layout",
            "mysql",
            "--group-readable",
        ],
    );
    assert!(
        out.starts_with(&format!(
            "server db1 (/CN=db1, serial {old_serial}, expires "
        )),
        "{out}"
    );
    assert!(
        out.contains("is already deployed in tls in the mysql layout: nothing changed"),
        "{out}"
    );
    assert!(!tls.join("old_keys").exists());
    assert_eq!(files_with_meta(&tls), before);
    ok(dir, &["issue-server", "db1", "--force", EC[0], EC[1]]);
    let out = ok(
        dir,
        &[
            "--now",
            "2027-03-04T05:06:07Z",
            "deploy",
            "server",
            "db1",
            "--to",
            "tls",
            "--layout",
            "mysql",
        ],
    );
    let archive = tls.join("old_keys/2027-03-04T050607Z");
    assert!(
        out.contains("archived the replaced files in tls/old_keys/2027-03-04T050607Z"),
        "{out}"
    );
    assert_eq!(files_with_meta(&archive), before, "archived as they were");
    assert_eq!(
        listing(&archive),
        ["ca.pem", "server-cert.pem", "server-key.pem"]
    );
    let new_serial = serial_of(&tls.join("server-cert.pem"));
    assert_ne!(new_serial, old_serial);
    assert_eq!(
        new_serial,
        serial_of(&dir.join("pki/servers/db1/server-cert.pem"))
    );
    assert_eq!(
        mode(&tls.join("server-key.pem")),
        0o640,
        "the replaced key's mode"
    );
    // A second deployment within the same second gets an archive of its own.
    ok(
        dir,
        &[
            "--now",
            "2027-03-04T05:06:07Z",
            "deploy",
            "server",
            "db2",
            "--to",
            "tls",
            "--layout",
            "mysql",
        ],
    );
    let second = tls.join("old_keys/2027-03-04T050607Z-2");
    assert_eq!(serial_of(&second.join("server-cert.pem")), new_serial);
    assert_eq!(serial_of(&archive.join("server-cert.pem")), old_serial);
}

/// Runs certgen as `nobody` (65534) with no supplementary groups.
fn as_nobody(dir: &Path, args: &[&str]) -> std::process::Output {
    let setpriv = ["--reuid=65534", "--regid=65534", "--clear-groups"];
    certgen_via("setpriv", &setpriv, dir)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn owner_is_refused_to_an_unprivileged_user_before_anything_is_written() {
    if !need_root("running certgen as another user") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    pki(dir);
    // nobody can read the bundle, and owns the directory it deploys to.
    Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(dir.join("pki"))
        .status()
        .unwrap();
    let tls = dir.join("tls");
    std::fs::create_dir(&tls).unwrap();
    std::os::unix::fs::chown(&tls, Some(65534), Some(65534)).unwrap();
    let pki_before = snapshot(&dir.join("pki"));

    for (spec, why) in [
        ("root", "only root (CAP_CHOWN) gives files to another user"),
        (
            ":root",
            "this user is not a member of the group, and is not root",
        ),
        (
            "nobody:root",
            "this user is not a member of the group, and is not root",
        ),
    ] {
        for to in ["tls", "new-dir"] {
            let out = as_nobody(
                dir,
                &["deploy", "server", "db1", "--to", to, "--owner", spec],
            );
            assert_eq!(out.status.code(), Some(2), "{spec}: {}", stderr(&out));
            let err = stderr(&out);
            let lines: Vec<&str> = err.lines().collect();
            assert_eq!(
                lines[0],
                format!(
                    "certgen: error: changing the owner of files to {spec} is not permitted: {why}"
                )
            );
            assert_eq!(lines[1], "hint: run deploy as root, or leave out --owner");
            assert_eq!(lines.len(), 2, "{err}");
            assert!(out.stdout.is_empty());
        }
    }
    assert_eq!(
        std::fs::read_dir(&tls).unwrap().count(),
        0,
        "nothing written, not even a lock"
    );
    assert!(!dir.join("new-dir").exists());
    assert_eq!(snapshot(&dir.join("pki")), pki_before);

    // Its own user and group are allowed, and so is no --owner at all.
    let out = as_nobody(
        dir,
        &[
            "deploy",
            "server",
            "db1",
            "--to",
            "tls",
            "--owner",
            "nobody:65534",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(owner(&tls.join("server-key.pem")), (65534, 65534));
}

#[test]
fn links_are_refused_and_never_written_through() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    std::fs::create_dir(dir.join("real")).unwrap();
    std::os::unix::fs::symlink("real", dir.join("link")).unwrap();
    let out = run(dir, &["deploy", "server", "db1", "--to", "link"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(
            "certgen: error: link is a symbolic link; certgen does not write through links\n"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_dir(dir.join("real")).unwrap().count(), 0);

    // A link where a deployed file goes: refused, its target untouched.
    let tls = dir.join("tls");
    std::fs::create_dir(&tls).unwrap();
    write(&dir.join("elsewhere.pem"), "not to be replaced");
    std::os::unix::fs::symlink("../elsewhere.pem", tls.join("server-key.pem")).unwrap();
    let out = run(dir, &["deploy", "server", "db1", "--to", "tls"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("tls/server-key.pem is a symbolic link"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(dir.join("elsewhere.pem")).unwrap(),
        b"not to be replaced"
    );
    assert_eq!(listing(&tls), ["server-key.pem"]);
    assert!(!tls.join(".lock").exists(), "nothing written");

    // A directory where a file goes.
    std::fs::remove_file(tls.join("server-key.pem")).unwrap();
    std::fs::create_dir(tls.join("server-cert.pem")).unwrap();
    let out = run(dir, &["deploy", "server", "db1", "--to", "tls"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("tls/server-cert.pem is not a regular file"),
        "{}",
        stderr(&out)
    );
}

/// A refused deployment leaves the directory as it was, and creates none.
fn refused(dir: &Path, args: &[&str], message: &str) {
    let before = snapshot(&dir.join("tls"));
    let out = run(dir, args);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    assert_eq!(snapshot(&dir.join("tls")), before, "{args:?}");
    assert!(!dir.join("fresh").exists(), "{args:?}");
}

#[test]
fn revoked_expired_mismatched_and_foreign_certificates_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    ok(dir, &["deploy", "server", "db2", "--to", "tls"]);
    let serial = serial_of(&dir.join("pki/servers/db1/server-cert.pem"));

    // Far in the future, the certificate has expired.
    refused(
        dir,
        &[
            "--now",
            "2099-01-01T00:00:00Z",
            "deploy",
            "server",
            "db1",
            "--to",
            "tls",
        ],
        "pki/servers/db1/server-cert.pem expired on",
    );

    ok(dir, &["revoke", "db1", "--reason", "keyCompromise"]);
    for to in ["tls", "fresh"] {
        refused(
            dir,
            &["deploy", "server", "db1", "--to", to],
            &format!("certificate {serial} is revoked since"),
        );
    }

    // A certificate --force replaced: superseded in the index.
    ok(dir, &["issue-client", "app", "--force", EC[0], EC[1]]);
    let archived: Vec<PathBuf> = std::fs::read_dir(dir.join("pki/old_keys"))
        .unwrap()
        .map(|e| e.unwrap().path().join("users/app"))
        .collect();
    let old = serial_of(&archived[0].join("client-cert.pem"));
    std::fs::rename(&archived[0], dir.join("pki/users/app-old")).unwrap();
    refused(
        dir,
        &["deploy", "user", "app-old", "--to", "fresh"],
        &format!("certificate {old} is revoked since"),
    );
    assert!(
        stderr(&run(dir, &["deploy", "user", "app-old", "--to", "fresh"])).contains("(superseded)")
    );

    // The key of another bundle.
    std::fs::copy(
        dir.join("pki/servers/db2/server-key.pem"),
        dir.join("pki/users/app/client-key.pem"),
    )
    .unwrap();
    refused(
        dir,
        &["deploy", "user", "app", "--to", "fresh"],
        "the private key pki/users/app/client-key.pem does not match the certificate pki/users/app/client-cert.pem",
    );

    // A bundle of another CA.
    let other = dir.join("other");
    std::fs::create_dir(&other).unwrap();
    ok(&other, &["init-ca", EC[0], EC[1]]);
    ok(&other, &["issue-server", "db3", EC[0], EC[1]]);
    std::fs::rename(other.join("pki/servers/db3"), dir.join("pki/servers/db3")).unwrap();
    refused(
        dir,
        &["deploy", "server", "db3", "--to", "fresh"],
        "pki/servers/db3/server-cert.pem was not issued by a CA in pki/ca-cert.pem",
    );
    // A CA file in the bundle that would not let clients verify it.
    ok(dir, &["issue-client", "app", "--force", EC[0], EC[1]]);
    std::fs::copy(
        other.join("pki/ca-cert.pem"),
        dir.join("pki/users/app/ca-cert.pem"),
    )
    .unwrap();
    refused(
        dir,
        &["deploy", "user", "app", "--to", "fresh"],
        "pki/users/app/client-cert.pem was not issued by a CA in pki/users/app/ca-cert.pem",
    );

    // An incomplete bundle.
    std::fs::remove_file(dir.join("pki/servers/db2/ca-cert.pem")).unwrap();
    refused(
        dir,
        &["deploy", "server", "db2", "--to", "tls"],
        "pki/servers/db2/ca-cert.pem is missing: the bundle is incomplete",
    );
}

#[test]
fn a_ca_bundle_of_a_changeover_is_deployed_and_an_intermediate_brings_its_chain() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    // During a CA changeover, pki/ca-bundle.pem holds the old and new roots.
    let other = dir.join("other");
    std::fs::create_dir(&other).unwrap();
    ok(&other, &["init-ca", EC[0], EC[1]]);
    let mut bundle = std::fs::read(other.join("pki/ca-cert.pem")).unwrap();
    bundle.extend(std::fs::read(dir.join("pki/ca-cert.pem")).unwrap());
    write(&dir.join("pki/ca-bundle.pem"), &bundle);
    let json = ok(
        dir,
        &[
            "deploy",
            "user",
            "app",
            "--to",
            "tls",
            "--layout",
            "engineyard",
            "--format",
            "json",
        ],
    );
    assert_eq!(std::fs::read(dir.join("tls/root.crt")).unwrap(), bundle);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["deployed"][0]["source"], "pki/ca-bundle.pem");
    if have_openssl() {
        openssl_verifies(dir, &dir.join("tls/root.crt"), &dir.join("tls/mysql.crt"));
    }

    // An intermediate CA: the bundle's ca-cert.pem holds the chain.
    let i = dir.join("inter");
    std::fs::create_dir(&i).unwrap();
    ok(
        &i,
        &["--dir", "root", "init-ca", EC[0], EC[1], "--cn", "Root"],
    );
    ok(
        &i,
        &[
            "--dir",
            "sub",
            "init-ca",
            "--intermediate",
            "--parent",
            "root",
            EC[0],
            EC[1],
            "--cn",
            "Sub",
        ],
    );
    ok(&i, &["--dir", "sub", "issue-server", "db9", EC[0], EC[1]]);
    ok(
        &i,
        &[
            "--dir", "sub", "deploy", "server", "db9", "--to", "tls", "--layout", "postgres",
        ],
    );
    let roots = std::fs::read_to_string(i.join("tls/root.crt")).unwrap();
    assert_eq!(roots.matches("BEGIN CERTIFICATE").count(), 2, "{roots}");
    if have_openssl() {
        openssl_verifies(&i, &i.join("tls/root.crt"), &i.join("tls/server.crt"));
        openssl_key_matches(&i, &i.join("tls/server.key"), &i.join("tls/server.crt"));
    }
}

/// The deployment in `tls` is one whole set of `serials`: the key matches
/// the certificate, the CA file is the PKI's; every archive holds a whole
/// set too. Returns the serial deployed.
fn assert_whole_set(dir: &Path, serials: &[String]) -> String {
    let tls = dir.join("tls");
    assert!(!tls.join(".txn").exists(), "the journal is gone");
    let staged = std::fs::read_dir(tls.join(".tmp"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(staged, 0, "no staging leftovers");
    assert_no_empty_archive(&tls);
    let ca = std::fs::read(dir.join("pki/ca-cert.pem")).unwrap();
    let mut sets: Vec<PathBuf> = vec![tls.clone()];
    if let Ok(archives) = std::fs::read_dir(tls.join("old_keys")) {
        sets.extend(archives.map(|e| e.unwrap().path()));
    }
    let mut deployed = String::new();
    for set in &sets {
        assert_eq!(
            listing(set).iter().filter(|n| *n != "old_keys").count(),
            3,
            "{}: {:?}",
            set.display(),
            listing(set)
        );
        assert_eq!(
            std::fs::read(set.join("ca.pem")).unwrap(),
            ca,
            "{}",
            set.display()
        );
        let key = certgen::PrivateKey::from_bytes(
            "key",
            &std::fs::read(set.join("server-key.pem")).unwrap(),
        )
        .expect("a whole key");
        assert!(
            key.matches_spki(&spki(&set.join("server-cert.pem"))),
            "{}: key matches certificate",
            set.display()
        );
        let serial = serial_of(&set.join("server-cert.pem"));
        assert!(serials.contains(&serial), "{}: {serial}", set.display());
        if set == &tls {
            deployed = serial;
        }
    }
    deployed
}

#[test]
fn deploy_killed_at_random_moments_leaves_a_whole_set() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    let serials: Vec<String> = ["db1", "db2"]
        .iter()
        .map(|n| serial_of(&dir.join(format!("pki/servers/{n}/server-cert.pem"))))
        .collect();
    // Kill within one and a half times what a whole deployment takes here,
    // so that some runs finish and most are cut short.
    let started = std::time::Instant::now();
    ok(
        dir,
        &[
            "deploy", "server", "db1", "--to", "tls", "--layout", "mysql",
        ],
    );
    let window = (started.elapsed().as_micros() as u64 * 3 / 2).max(2_000);
    eprintln!("killing within {window} µs");
    let mut rng = Rng::new();
    let mut current = serials[0].clone();
    let (mut replaced, mut with_journal) = (0, 0);
    let n = runs();
    for run in 0..n {
        let next = if current == serials[0] { "db2" } else { "db1" };
        let delay = Duration::from_micros(rng.below(window));
        run_killed(
            dir,
            &["deploy", "server", next, "--to", "tls", "--layout", "mysql"],
            delay,
        );
        if dir.join("tls/.txn").exists() {
            with_journal += 1;
        }
        // What the next deployment to the directory does first.
        drop(certgen::Store::new(dir.join("tls")).lock().unwrap());
        let now = assert_whole_set(dir, &serials);
        eprintln!("run {run}: killed after {delay:?}, deployed {now}");
        if now != current {
            replaced += 1;
            current = now;
        }
    }
    eprintln!("{n} runs: {replaced} replaced the set, {with_journal} left a journal to complete");
    assert!(replaced > 0 && replaced < n, "both outcomes were exercised");
}

#[test]
fn json_describes_the_certificate_as_issue_server_does() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", EC[0], EC[1]]);
    let issued: serde_json::Value = serde_json::from_str(&ok(
        dir,
        &[
            "issue-server",
            "db1",
            "--san",
            "10.0.0.1",
            EC[0],
            EC[1],
            "--format",
            "json",
        ],
    ))
    .unwrap();
    let deployed: serde_json::Value = serde_json::from_str(&ok(
        dir,
        &["deploy", "server", "db1", "--to", "tls", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(deployed["certificate"], issued["certificate"]);
    assert_eq!(deployed["kind"], "server");
    assert_eq!(deployed["layout"], "plain");
    assert_eq!(deployed["created_dir"], true);
    assert_eq!(deployed["changed"], true);
    assert_eq!(deployed["archived"], serde_json::Value::Null);
    assert_eq!(
        deployed["files"],
        serde_json::json!({
            "certificate": "tls/server-cert.pem",
            "key": "tls/server-key.pem",
            "ca": "tls/ca-cert.pem"
        })
    );
    let roles: Vec<&str> = deployed["deployed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["ca", "certificate", "key"]);
    assert_eq!(deployed["deployed"][2]["mode"], "0600");
    assert_eq!(deployed["deployed"][2]["replaced"], false);
}

#[test]
fn deploy_on_a_full_disk_leaves_the_old_set_or_the_new_one() {
    if !need_root("mounting a small tmpfs") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    let serials: Vec<String> = ["db1", "db2"]
        .iter()
        .map(|n| serial_of(&dir.join(format!("pki/servers/{n}/server-cert.pem"))))
        .collect();
    let _fs = Tmpfs::mount(&dir.join("tls"), "size=1m,mode=0755");
    ok(
        dir,
        &[
            "deploy", "server", "db1", "--to", "tls", "--layout", "mysql",
        ],
    );
    let mut current = serials[0].clone();
    let (mut failed, mut succeeded) = (0, 0);
    for pages in 0..24u64 {
        let next = if current == serials[0] { "db2" } else { "db1" };
        fill_leaving(&dir.join("tls"), pages * 4096);
        let before = files_with_meta(&dir.join("tls"));
        let out = run(
            dir,
            &["deploy", "server", next, "--to", "tls", "--layout", "mysql"],
        );
        if out.status.success() {
            succeeded += 1;
        } else {
            failed += 1;
            assert!(
                stderr(&out).contains("No space left"),
                "{pages} pages: {}",
                stderr(&out)
            );
            assert_eq!(
                files_with_meta(&dir.join("tls")),
                before,
                "a failed deploy leaves the old set"
            );
        }
        std::fs::remove_file(dir.join("tls/filler")).unwrap();
        drop(certgen::Store::new(dir.join("tls")).lock().unwrap());
        current = assert_whole_set(dir, &serials);
        assert_eq!(
            current == serials[0],
            (next == "db1") == out.status.success(),
            "{pages} pages"
        );
        // Archives would fill the small filesystem; they are checked elsewhere.
        let _ = std::fs::remove_dir_all(dir.join("tls/old_keys"));
    }
    eprintln!("ENOSPC: {failed} runs failed, {succeeded} succeeded");
    assert!(failed > 0 && succeeded > 0, "both outcomes were exercised");
}

/// Through a whole CA rotation: the deployed CA file is the bundle of both
/// roots while the changeover lasts, so the old leaf and its renewal both
/// verify with it; after `rotate-ca --finish`, the new root alone.
#[test]
fn a_ca_rotation_deploys_both_roots_then_the_new_one() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    let tls = dir.join("tls");
    ok(dir, &["rotate-ca", EC[0], EC[1]]);
    ok(dir, &["deploy", "user", "app", "--to", "tls"]);
    let both = std::fs::read(dir.join("pki/ca-bundle.pem")).unwrap();
    assert_eq!(std::fs::read(tls.join("ca-cert.pem")).unwrap(), both);
    assert_eq!(
        String::from_utf8_lossy(&both)
            .matches("BEGIN CERTIFICATE")
            .count(),
        2
    );
    let old_leaf = serial_of(&tls.join("client-cert.pem"));
    if have_openssl() {
        openssl_verifies(dir, &tls.join("ca-cert.pem"), &tls.join("client-cert.pem"));
    }

    ok(dir, &["renew", "--all", EC[0], EC[1]]);
    let out = ok(dir, &["deploy", "user", "app", "--to", "tls"]);
    assert!(
        out.contains("archived the replaced files in tls/old_keys/"),
        "{out}"
    );
    assert_ne!(serial_of(&tls.join("client-cert.pem")), old_leaf);
    assert_eq!(std::fs::read(tls.join("ca-cert.pem")).unwrap(), both);
    if have_openssl() {
        openssl_verifies(dir, &tls.join("ca-cert.pem"), &tls.join("client-cert.pem"));
        openssl_key_matches(
            dir,
            &tls.join("client-key.pem"),
            &tls.join("client-cert.pem"),
        );
    }
    // The renewed-away certificate, put back in a bundle, is refused: superseded.
    let archived: Vec<PathBuf> = std::fs::read_dir(dir.join("pki/old_keys"))
        .unwrap()
        .map(|e| e.unwrap().path().join("users/app"))
        .filter(|p| p.join("client-cert.pem").exists())
        .collect();
    std::fs::rename(&archived[0], dir.join("pki/users/app-old")).unwrap();
    let out = run(dir, &["deploy", "user", "app-old", "--to", "old"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("certificate {old_leaf} is revoked since")),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("old").exists());
    std::fs::remove_dir_all(dir.join("pki/users/app-old")).unwrap();

    ok(dir, &["rotate-ca", "--finish"]);
    ok(dir, &["deploy", "user", "app", "--to", "tls"]);
    let new_root = std::fs::read(dir.join("pki/ca-cert.pem")).unwrap();
    assert_eq!(std::fs::read(tls.join("ca-cert.pem")).unwrap(), new_root);
    if have_openssl() {
        openssl_verifies(dir, &tls.join("ca-cert.pem"), &tls.join("client-cert.pem"));
    }
}

/// Runs `script` with sh as user `uid`:`gid` (no supplementary groups) in `dir`.
fn sh_as(uid: u32, gid: u32, dir: &Path, script: &str) {
    let out = Command::new("setpriv")
        .args([
            &format!("--reuid={uid}"),
            &format!("--regid={gid}"),
            "--clear-groups",
            "sh",
            "-c",
            script,
        ])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{script}: {}", stderr(&out));
}

/// A PKI in `dir` (made 0755, so other users can reach their directories
/// in it) and `dir/tls` with server db1 deployed, given to nobody:nogroup.
fn nobodys_deployment(dir: &Path) -> PathBuf {
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    pki(dir);
    ok(
        dir,
        &[
            "deploy",
            "server",
            "db1",
            "--to",
            "tls",
            "--owner",
            "65534:65534",
        ],
    );
    let tls = dir.join("tls");
    assert_eq!(owner(&tls), (65534, 65534));
    for name in [".lock", "server-key.pem"] {
        assert_eq!(owner(&tls.join(name)), (65534, 65534), "{name}");
    }
    tls
}

/// The first line certgen printed on stderr, after a failure.
fn failure(out: &std::process::Output) -> String {
    assert!(!out.status.success(), "should fail: {}", stderr(out));
    assert!(out.stdout.is_empty());
    stderr(out).lines().next().unwrap_or_default().to_string()
}

#[test]
fn a_journal_planted_by_the_directory_owner_is_never_replayed() {
    if !need_root("deploying as root into another user's directory") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let tls = nobodys_deployment(dir);
    let victim = dir.join("victim");
    std::fs::write(&victim, "original\n").unwrap();
    ok(dir, &["issue-server", "db1", "--force", EC[0], EC[1]]);
    let before = snapshot(&tls);
    for dest in [victim.display().to_string(), "../victim".to_string()] {
        sh_as(
            65534,
            65534,
            &tls,
            &format!(
                "echo '* * * * * root id' > evil && printf 'certgen-journal 1\\nstaging\\t.tmp/x\\noverwrite\\tevil\\t{dest}\\nend\\n' > .txn"
            ),
        );
        let out = run(dir, &["deploy", "server", "db1", "--to", "tls"]);
        let line = failure(&out);
        assert_eq!(
            line,
            format!(
                "certgen: error: tls/.txn is not a journal certgen wrote ({}); it was not replayed",
                if dest.starts_with('/') {
                    format!("absolute path {dest}")
                } else {
                    format!("path {dest} leaves its directory or is not plain")
                }
            )
        );
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "original\n");
        assert_eq!(owner(&victim), (0, 0));
        std::fs::remove_file(tls.join(".txn")).unwrap();
        std::fs::remove_file(tls.join("evil")).unwrap();
    }
    assert_eq!(snapshot(&tls), before, "the deployment untouched");
    // Once the planted journal is gone, the next deployment goes through, as nobody.
    ok(dir, &["deploy", "server", "db1", "--to", "tls"]);
    assert_ne!(snapshot(&tls), before);
    assert_eq!(owner(&tls.join("server-key.pem")), (65534, 65534));
    assert_eq!(mode(&tls.join("server-key.pem")), 0o600);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "original\n");
}

#[test]
fn a_lock_planted_by_the_directory_owner_is_refused_without_hanging() {
    if !need_root("deploying as root into another user's directory") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let tls = nobodys_deployment(dir);
    sh_as(65534, 65534, &tls, "rm .lock && touch .lock");
    let held = std::fs::OpenOptions::new()
        .write(true)
        .open(tls.join(".lock"))
        .unwrap();
    held.lock().unwrap();
    let mut child = certgen(dir)
        .args(["deploy", "server", "db2", "--to", "tls"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A guard against hanging, not a measure of speed.
    let deadline = SystemTime::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if SystemTime::now() > deadline {
            child.kill().unwrap();
            panic!("deploy waits for a lock someone else holds");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        failure(&out),
        "certgen: error: tls/.lock is held by another process: gave up after 3 seconds"
    );
    assert_eq!(
        serial_of(&tls.join("server-cert.pem")),
        serial_of(&dir.join("pki/servers/db1/server-cert.pem"))
    );
    drop(held);
    ok(dir, &["deploy", "server", "db2", "--to", "tls"]);
}

#[test]
fn links_or_foreign_entries_in_place_of_certgens_own_are_refused() {
    if !need_root("deploying as root into another user's directory") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let tls = nobodys_deployment(dir);
    // A directory of root's that a link would make certgen write in.
    let loot = dir.join("loot");
    std::fs::create_dir(&loot).unwrap();
    std::fs::write(loot.join("keep"), "root's").unwrap();
    ok(dir, &["issue-server", "db1", "--force", EC[0], EC[1]]);
    let before = snapshot(&tls);
    for (name, plant) in [
        (".tmp", "rm -rf .tmp && ln -s ../loot .tmp"),
        ("old_keys", "rm -rf old_keys && ln -s ../loot old_keys"),
        (".lock", "rm .lock && ln -s ../loot/keep .lock"),
    ] {
        sh_as(65534, 65534, &tls, plant);
        let out = run(dir, &["deploy", "server", "db1", "--to", "tls"]);
        assert_eq!(
            failure(&out),
            format!(
                "certgen: error: tls/{name} is a symbolic link; certgen does not write through links"
            ),
        );
        assert_eq!(
            snapshot(&loot),
            vec![("keep".to_string(), b"root's".to_vec())]
        );
        sh_as(65534, 65534, &tls, &format!("rm {name}; touch .lock"));
    }
    // Root's own .tmp in nobody's directory is not nobody's to use.
    std::fs::create_dir(tls.join(".tmp")).unwrap();
    let out = run(dir, &["deploy", "server", "db1", "--to", "tls"]);
    assert_eq!(
        failure(&out),
        "certgen: error: tls is not safe to deploy into: .tmp belongs to root, not to nobody, who deploys"
    );
    std::fs::remove_dir(tls.join(".tmp")).unwrap();
    assert_eq!(snapshot(&tls), before, "nothing deployed");
    ok(dir, &["deploy", "server", "db1", "--to", "tls"]);
    assert_eq!(
        serial_of(&tls.join("server-cert.pem")),
        serial_of(&dir.join("pki/servers/db1/server-cert.pem"))
    );
    assert_eq!(
        snapshot(&loot),
        vec![("keep".to_string(), b"root's".to_vec())]
    );
}

#[test]
fn root_deploys_into_a_users_directory_as_that_user() {
    if !need_root("deploying as root into another user's directory") {
        return;
    }
    let (uid, gid) = system_user("certgen-alice");
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    pki(dir);
    // Her home directory, private to her: root makes .postgresql in it as her.
    let home = dir.join("home");
    std::fs::create_dir(&home).unwrap();
    std::os::unix::fs::chown(&home, Some(uid), Some(gid)).unwrap();
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).unwrap();
    let args = [
        "deploy",
        "user",
        "app",
        "--to",
        "home/.postgresql",
        "--layout",
        "postgres",
        "--owner",
        "certgen-alice",
    ];
    ok(dir, &args);
    let pg = home.join(".postgresql");
    assert_eq!(owner(&pg), (uid, gid));
    assert_eq!(mode(&pg), 0o755);
    for (f, m) in [
        ("root.crt", 0o644),
        ("postgresql.crt", 0o644),
        ("postgresql.key", 0o600),
    ] {
        assert_eq!(owner(&pg.join(f)), (uid, gid), "{f}");
        assert_eq!(mode(&pg.join(f)), m, "{f}");
    }
    assert_eq!(
        owner(&pg.join(".lock")),
        (uid, gid),
        "certgen's own files are hers too"
    );
    if have_openssl() {
        openssl_key_matches(dir, &pg.join("postgresql.key"), &pg.join("postgresql.crt"));
        openssl_verifies(dir, &pg.join("root.crt"), &pg.join("postgresql.crt"));
    }
    // A new certificate replaces the old one; the archive is hers.
    ok(dir, &["issue-client", "app", "--force", EC[0], EC[1]]);
    let json = ok(dir, &[&args[..], &["--format", "json"]].concat());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let archived = dir.join(v["archived"].as_str().unwrap());
    assert!(
        archived.starts_with(pg.join("old_keys")),
        "{}",
        archived.display()
    );
    assert_eq!(owner(&pg.join("old_keys")), (uid, gid));
    assert_eq!(owner(&archived.join("postgresql.key")), (uid, gid));
    assert_eq!(
        serial_of(&pg.join("postgresql.crt")),
        serial_of(&dir.join("pki/users/app/client-cert.pem"))
    );
    assert_eq!(v["deployed"][2]["user"], "certgen-alice");
    assert_eq!(v["deployed"][2]["mode"], "0600");

    // Root does not give files in her directory to anyone else.
    let before = snapshot(&pg);
    for (spec, why) in [
        ("root", "must name that user, or be left out"),
        (
            "certgen-alice:root",
            "names a group that user is not a member of",
        ),
    ] {
        let out = run(
            dir,
            &[
                "deploy",
                "user",
                "app",
                "--to",
                "home/.postgresql",
                "--owner",
                spec,
            ],
        );
        assert_eq!(
            failure(&out),
            format!(
                "certgen: error: home/.postgresql belongs to certgen-alice, who deploys into it: --owner {spec} {why}"
            )
        );
    }
    assert_eq!(snapshot(&pg), before);
}

#[test]
fn a_directory_others_could_change_is_refused_before_anything_is_written() {
    if !need_root("giving directories to another user") {
        return;
    }
    let (uid, gid) = system_user("certgen-alice");
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    // Root's directory inside hers: she could rename it away and put a link there.
    let hers = dir.join("hers");
    std::fs::create_dir(&hers).unwrap();
    std::os::unix::fs::chown(&hers, Some(uid), Some(gid)).unwrap();
    std::fs::create_dir(hers.join("tls")).unwrap();
    // A directory anyone may write.
    let open = dir.join("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o1777)).unwrap();
    for (to, reason) in [
        (
            "hers/tls",
            format!(
                "{} belongs to certgen-alice",
                hers.canonicalize().unwrap().display()
            ),
        ),
        (
            "open",
            format!(
                "{} is writable by its group or others (1777)",
                open.canonicalize().unwrap().display()
            ),
        ),
    ] {
        let out = run(dir, &["deploy", "server", "db1", "--to", to]);
        assert_eq!(
            failure(&out),
            format!("certgen: error: {to} is not safe to deploy into: {reason}")
        );
        assert_eq!(std::fs::read_dir(dir.join(to)).unwrap().count(), 0, "{to}");
    }
}

/// A deployment on this machine makes no ssh control directory: connection
/// sharing is set up only when a session to another host needs it.
#[test]
fn a_local_deploy_leaves_the_ssh_directory_alone() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    let home = dir.join("home");
    std::fs::create_dir(&home).unwrap();
    let out = certgen(dir)
        .env("HOME", &home)
        .args(["deploy", "server", "db1", "--to", "out"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.join("out/server-cert.pem").exists());
    assert!(!home.join(".ssh").exists());
}
