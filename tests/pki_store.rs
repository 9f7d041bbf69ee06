//! The PKI directory never loses a key and never shares a serial: concurrent
//! writers, a writer killed mid-way, refusals, --force archiving, permissions.

use crate::common::*;
use std::collections::HashSet;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn index_lines(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("pki/index.txt"))
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn eight_concurrent_writers_lose_nothing() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "--key-type", "ecdsa-p256"]);
    let children: Vec<_> = (0..8)
        .map(|p| {
            let users: String = (0..50).map(|i| format!("u{p}-{i}\n")).collect();
            let list = dir.join(format!("users{p}.txt"));
            std::fs::write(&list, users).unwrap();
            certgen(dir)
                .args(["issue-client", "--key-type", "ecdsa-p256", "--from"])
                .arg(&list)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let lines = index_lines(dir);
    assert_eq!(lines.len(), 400);
    let serials: HashSet<&str> = lines
        .iter()
        .map(|l| l.split('\t').nth(3).unwrap())
        .collect();
    assert_eq!(serials.len(), 400, "every serial is distinct");
    let users = std::fs::read_dir(dir.join("pki/users")).unwrap().count();
    assert_eq!(users, 400);
    // Every certificate's serial is the one its index line names.
    for line in &lines {
        let f: Vec<&str> = line.split('\t').collect();
        let serial = serial_of(&dir.join("pki").join(f[4]));
        assert_eq!(serial, f[3]);
    }
}

/// Every published file is whole: certificates parse, keys parse and belong to
/// the certificate beside them.
fn assert_published_files_whole(pki: &Path) {
    let Ok(users) = std::fs::read_dir(pki.join("users")) else {
        return;
    };
    for u in users.flatten() {
        let cert = u.path().join("client-cert.pem");
        let key = u.path().join("client-key.pem");
        let ca = u.path().join("ca-cert.pem");
        assert!(
            cert.exists() && key.exists() && ca.exists(),
            "incomplete bundle {}",
            u.path().display()
        );
        let der = cert_der(&cert);
        let k = certgen::PrivateKey::from_bytes("key", &std::fs::read(&key).unwrap())
            .expect("whole key");
        assert!(k.matches_spki(&spki(&cert)), "{} matches", key.display());
        assert!(!der.is_empty());
        assert_eq!(mode(&key), 0o600);
    }
}

#[test]
fn a_writer_killed_mid_way_leaves_only_whole_files() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "--key-type", "ecdsa-p256"]);
    ok(dir, &["issue-client", "before", "--key-type", "ecdsa-p256"]);
    let users: String = (0..3000).map(|i| format!("bulk{i}\n")).collect();
    std::fs::write(dir.join("bulk.txt"), users).unwrap();
    let mut child = certgen(dir)
        .args([
            "issue-client",
            "--key-type",
            "ecdsa-p256",
            "--from",
            "bulk.txt",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it while it is writing its files: once the staging area fills up.
    let staging = dir.join("pki/.tmp");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut hit_the_middle = false;
    while Instant::now() < deadline {
        let staged = std::fs::read_dir(&staging)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| std::fs::read_dir(e.path()).ok())
            .map(|d| d.count())
            .sum::<usize>();
        if staged > 200 {
            hit_the_middle = true;
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(hit_the_middle, "the writer was killed while staging files");

    let pki = dir.join("pki");
    assert_published_files_whole(&pki);
    assert!(
        !pki.join("users/bulk0").exists(),
        "nothing of the killed batch was published"
    );
    assert_eq!(
        index_lines(dir).len(),
        1,
        "the index holds only what was published before"
    );

    // The next writer clears the leftovers and the PKI works as before.
    ok(dir, &["issue-client", "after", "--key-type", "ecdsa-p256"]);
    assert!(
        !pki.join(".tmp")
            .read_dir()
            .map(|mut d| d.next().is_some())
            .unwrap_or(false)
    );
    assert_published_files_whole(&pki);
    assert_eq!(index_lines(dir).len(), 2);
    if have_openssl() {
        std::fs::write(
            dir.join("openssl.cnf"),
            "[ca]\ndefault_ca = c\n[c]\ndatabase = pki/index.txt\n",
        )
        .unwrap();
        for line in index_lines(dir) {
            let serial = line.split('\t').nth(3).unwrap().to_string();
            let (_, out) = openssl(dir, &["ca", "-config", "openssl.cnf", "-status", &serial]);
            assert!(out.contains(&format!("{serial}=Valid")), "{out}");
        }
    }
}

#[test]
fn refusals_change_nothing_and_force_archives_byte_identical_files() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "--key-type", "ecdsa-p256"]);
    ok(dir, &["issue-server", "db1", "--key-type", "ecdsa-p256"]);
    ok(dir, &["issue-client", "app", "--key-type", "ecdsa-p256"]);
    let pki = dir.join("pki");
    let before = snapshot(&pki);

    for args in [
        &["init-ca"][..],
        &["issue-server", "db1"][..],
        &["issue-client", "new-user", "app"][..],
    ] {
        let out = run(dir, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("hint: pass --force"),
            "{}",
            stderr(&out)
        );
        assert_eq!(snapshot(&pki), before, "{args:?} changed nothing");
    }

    ok(
        dir,
        &["issue-server", "db1", "--force", "--key-type", "ecdsa-p256"],
    );
    // A new CA would orphan the valid certificates: they go first.
    ok(dir, &["revoke", "db1"]);
    ok(dir, &["revoke", "app"]);
    ok(dir, &["init-ca", "--force", "--key-type", "ecdsa-p256"]);
    let archives: Vec<_> = std::fs::read_dir(pki.join("old_keys"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(archives.len(), 2, "one archive per replacement");
    let archived: Vec<(String, Vec<u8>)> = archives.iter().flat_map(|a| snapshot(a)).collect();
    for (rel, bytes) in &before {
        if rel.starts_with("servers/db1/") || rel.starts_with("ca-") {
            assert!(
                archived.iter().any(|(r, b)| r == rel && b == bytes),
                "{rel} archived byte for byte"
            );
        }
    }
    let now = snapshot(&pki);
    let get =
        |s: &[(String, Vec<u8>)], r: &str| s.iter().find(|(x, _)| x == r).map(|(_, b)| b.clone());
    assert_ne!(
        get(&now, "servers/db1/server-key.pem"),
        get(&before, "servers/db1/server-key.pem")
    );
    assert_ne!(get(&now, "ca-key.pem"), get(&before, "ca-key.pem"));
    for a in &archives {
        for key in ["servers/db1/server-key.pem", "ca-key.pem"] {
            if a.join(key).exists() {
                assert_eq!(mode(&a.join(key)), 0o600, "archived {key} stays private");
            }
        }
    }
}

#[test]
fn keys_are_private_and_certificates_public() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "--key-type", "ecdsa-p256"]);
    ok(dir, &["issue-server", "db1", "--key-type", "ecdsa-p256"]);
    ok(dir, &["csr", "--cn", "ext", "--key-type", "ecdsa-p256"]);
    let pki = dir.join("pki");
    assert_eq!(mode(&pki.join("ca-key.pem")), 0o600);
    assert_eq!(mode(&pki.join("servers/db1/server-key.pem")), 0o600);
    assert_eq!(mode(&dir.join("ext-key.pem")), 0o600);
    assert_eq!(mode(&pki.join("ca-cert.pem")), 0o644);
    assert_eq!(mode(&pki.join("servers/db1/server-cert.pem")), 0o644);
}

#[test]
fn no_key_is_written_through_a_symlink() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "--key-type", "ecdsa-p256"]);
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join("pki/users")).unwrap();
    let out = run(dir, &["issue-client", "app", "--key-type", "ecdsa-p256"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);

    std::os::unix::fs::symlink(elsewhere.join("stolen.pem"), dir.join("k.pem")).unwrap();
    let out = run(
        dir,
        &["csr", "--cn", "x", "--out-key", "k.pem", "--out", "x.csr"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!elsewhere.join("stolen.pem").exists());
}

#[test]
fn issue_client_prints_the_statements_mysql_compares() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(
        dir,
        &[
            "init-ca",
            "--subject",
            "/C=US/O=Acme/CN=Acme DB CA",
            "--key-type",
            "ecdsa-p256",
        ],
    );
    std::fs::write(dir.join("users.txt"), "# team\nalice\n\nbob  # on call\n").unwrap();
    let out = ok(
        dir,
        &[
            "issue-client",
            "carol",
            "--from",
            "users.txt",
            "--subject",
            "/O=Acme",
            "--key-type",
            "ecdsa-p256",
            "--sql-host",
            "10.%",
        ],
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "ALTER USER 'carol'@'10.%' REQUIRE SUBJECT '/O=Acme/CN=carol' AND ISSUER '/C=US/O=Acme/CN=Acme DB CA';",
            "ALTER USER 'alice'@'10.%' REQUIRE SUBJECT '/O=Acme/CN=alice' AND ISSUER '/C=US/O=Acme/CN=Acme DB CA';",
            "ALTER USER 'bob'@'10.%' REQUIRE SUBJECT '/O=Acme/CN=bob' AND ISSUER '/C=US/O=Acme/CN=Acme DB CA';",
        ]
    );
    if have_openssl() {
        // The strings are exactly what OpenSSL's X509_NAME_oneline prints.
        let o = openssl_names(dir, "pki/users/bob/client-cert.pem");
        assert!(
            o.contains("subject=/O=Acme/CN=bob") && o.contains("issuer=/C=US/O=Acme/CN=Acme DB CA"),
            "{o}"
        );
    }
}

#[test]
fn json_output_describes_each_bundle() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(
        dir,
        &["init-ca", "--key-type", "ecdsa-p256", "--format", "json"],
    );
    let out = ok(
        dir,
        &[
            "issue-client",
            "a",
            "b",
            "--key-type",
            "ecdsa-p256",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["name"], "a");
    assert_eq!(arr[0]["certificate"]["subject"], "/CN=a");
    assert_eq!(arr[0]["certificate"]["issuer"], "/CN=certgen CA");
    assert!(
        arr[0]["files"]["key"]
            .as_str()
            .unwrap()
            .ends_with("users/a/client-key.pem")
    );
    assert!(
        arr[0]["sql"]
            .as_str()
            .unwrap()
            .starts_with("ALTER USER 'a'@'%' REQUIRE SUBJECT")
    );
    assert_eq!(arr[1]["certificate"]["serial"].as_str().unwrap().len(), 32);
    let out = ok(
        dir,
        &[
            "issue-server",
            "db.example.com",
            "--key-type",
            "ecdsa-p256",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["files"]["certificate"]
            .as_str()
            .unwrap()
            .ends_with("servers/db.example.com/server-cert.pem")
    );
    assert!(v.get("sql").is_none());
}

#[test]
fn validity_defaults_and_capping() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(
        dir,
        &["init-ca", "--key-type", "ecdsa-p256", "--days", "1000"],
    );
    ok(dir, &["issue-server", "db", "--key-type", "ecdsa-p256"]);
    let days = |p: &str| {
        with_cert(&dir.join(p), |c| {
            (c.validity().not_after.timestamp() - c.validity().not_before.timestamp()) / 86_400
        })
    };
    assert_eq!(
        days("pki/servers/db/server-cert.pem"),
        825,
        "825 days (+5 min skew)"
    );
    let out = run(dir, &["issue-client", "app", "--key-type", "ecdsa-p256"]);
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("warning: validity capped at the CA's notAfter"),
        "{}",
        stderr(&out)
    );
    let ca_end = with_cert(&dir.join("pki/ca-cert.pem"), |c| {
        c.validity().not_after.timestamp()
    });
    let end = with_cert(&dir.join("pki/users/app/client-cert.pem"), |c| {
        c.validity().not_after.timestamp()
    });
    assert_eq!(end, ca_end);
    let skew = with_cert(&dir.join("pki/servers/db/server-cert.pem"), |c| {
        c.validity().not_before.timestamp()
    });
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (now - skew) >= 290 && (now - skew) < 400,
        "notBefore is ~5 minutes back"
    );
}

/// A refused command writes nothing, not even an index line.
#[test]
fn refused_commands_leave_the_index_byte_identical() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "--key-type", "ecdsa-p256"]);
    ok(dir, &["issue-client", "dan", "--key-type", "ecdsa-p256"]);
    ok(dir, &["csr", "--cn", "ext", "--key-type", "ecdsa-p256"]);
    let pki = dir.join("pki");
    let index = || std::fs::read(pki.join("index.txt")).unwrap();
    let before = index();
    let refused = |args: &[&str]| {
        let out = run(dir, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert_eq!(index(), before, "{args:?} wrote the index");
    };

    refused(&["sign", "ext.csr", "--out", "/nonexistent/x.pem"]);
    std::fs::write(dir.join("taken.pem"), b"mine").unwrap();
    refused(&["sign", "ext.csr", "--out", "taken.pem"]);
    assert_eq!(std::fs::read(dir.join("taken.pem")).unwrap(), b"mine");

    std::fs::rename(pki.join("users/dan"), dir.join("dan-moved")).unwrap();
    std::os::unix::fs::symlink(dir.join("nowhere"), pki.join("users/dan")).unwrap();
    refused(&["issue-client", "--force", "dan", "--key-type", "ecdsa-p256"]);
    assert!(!dir.join("nowhere").exists());

    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::rename(pki.join("users"), dir.join("users-moved")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, pki.join("users")).unwrap();
    refused(&["issue-client", "eve", "--key-type", "ecdsa-p256"]);
    refused(&["issue-client", "--force", "eve", "--key-type", "ecdsa-p256"]);
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert!(
        !pki.join("old_keys").exists(),
        "nothing was archived by a refused command"
    );
}

/// The lock belongs to the directory, not to its spelling: naming the PKI
/// directory as its own parent is refused at once, with or without --force.
#[test]
fn a_parent_that_is_the_directory_itself_is_refused_at_once() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "--key-type", "ecdsa-p256"]);
    std::os::unix::fs::symlink(dir.join("pki"), dir.join("alias")).unwrap();
    let before = snapshot(&dir.join("pki"));
    for parent in ["./pki", "pki/", "alias", "./alias/../pki"] {
        for force in [false, true] {
            let mut args = vec!["init-ca", "--intermediate", "--parent", parent];
            args.extend(["--dir", "pki", "--cn", "Inter", "--key-type", "ecdsa-p256"]);
            if force {
                args.push("--force");
            }
            let mut child = certgen(dir)
                .args(&args)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let deadline = Instant::now() + Duration::from_secs(20);
            while child.try_wait().unwrap().is_none() {
                if Instant::now() > deadline {
                    child.kill().unwrap();
                    panic!("{args:?} deadlocked on its own lock");
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            let out = child.wait_with_output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            assert!(
                stderr(&out).contains("is the PKI directory"),
                "{args:?}: {}",
                stderr(&out)
            );
        }
    }
    assert_eq!(snapshot(&dir.join("pki")), before);
}

/// Two directories naming each other as parent take their locks in one
/// order: run from both sides at once, both finish.
#[test]
fn two_directories_naming_each_other_as_parent_do_not_deadlock() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let deadline = Instant::now() + Duration::from_secs(60);
    for round in 0..10 {
        let (a, b) = (format!("a{round}"), format!("b{round}"));
        for (name, cn) in [(&a, "CA A"), (&b, "CA B")] {
            ok(
                dir,
                &[
                    "init-ca",
                    "--dir",
                    name,
                    "--cn",
                    cn,
                    "--key-type",
                    "ecdsa-p256",
                ],
            );
        }
        let spawn = |dir_: &str, parent: &str, cn: &str| {
            certgen(dir)
                .args(["init-ca", "--intermediate", "--force", "--parent", parent])
                .args(["--dir", dir_, "--cn", cn, "--key-type", "ecdsa-p256"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        };
        let mut children = [spawn(&a, &b, "Inter A"), spawn(&b, &a, "Inter B")];
        for c in &mut children {
            while c.try_wait().unwrap().is_none() {
                if Instant::now() > deadline {
                    for c in &mut children {
                        let _ = c.kill();
                    }
                    panic!("round {round}: the two commands deadlocked");
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
}

/// An intermediate the new directory refuses is not recorded by its parent.
#[test]
fn a_refused_intermediate_leaves_the_parent_index_byte_identical() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(
        dir,
        &[
            "--dir",
            "root",
            "init-ca",
            "--key-type",
            "ecdsa-p256",
            "--path-len",
            "1",
        ],
    );
    let before = std::fs::read(dir.join("root/index.txt")).unwrap();
    std::fs::create_dir(dir.join("inter")).unwrap();
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("inter/ca-chain.pem")).unwrap();
    let out = run(
        dir,
        &[
            "init-ca",
            "--intermediate",
            "--parent",
            "root",
            "--dir",
            "inter",
            "--cn",
            "Inter",
            "--key-type",
            "ecdsa-p256",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert_eq!(std::fs::read(dir.join("root/index.txt")).unwrap(), before);
    assert!(!dir.join("nowhere").exists());
}
