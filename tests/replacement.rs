//! `--force` and `renew` are one transaction: killed at any moment or out of disk space,
//! the PKI directory holds the whole old set or the whole new set, never a
//! mix; replaced files keep their owner, group and mode; the replaced serial
//! is superseded in the index.

use crate::common::*;
use std::collections::HashMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const USERS: usize = 20;

fn users() -> Vec<String> {
    (0..USERS).map(|i| format!("u{i}")).collect()
}

fn index_lines(pki: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(pki.join("index.txt"))
        .unwrap_or_default()
        .lines()
        .map(|l| l.split('\t').map(String::from).collect())
        .collect()
}

/// Right after a kill, before any certgen command recovers anything: every
/// bundle directory is there, whole (the old one or the new one), with a key
/// that matches its certificate, as a database restarted then would read it.
fn assert_bundles_live(pki: &Path, bundles: &[String]) {
    for b in bundles {
        let d = pki.join("users").join(b);
        let (cert, key) = (d.join("client-cert.pem"), d.join("client-key.pem"));
        assert!(
            cert.exists() && key.exists() && d.join("ca-cert.pem").exists(),
            "bundle {b} complete before recovery"
        );
        let k = certgen::PrivateKey::from_bytes("key", &std::fs::read(&key).unwrap())
            .expect("whole key");
        assert!(
            k.matches_spki(&spki(&cert)),
            "{b}: key matches certificate before recovery"
        );
    }
}

/// The next command that takes the lock completes or undoes what was left;
/// then everything must be consistent.
fn assert_consistent(dir: &Path, pki_name: &str, bundles: &[String]) {
    let pki = dir.join(pki_name);
    ok(dir, &["--dir", pki_name, "crl", "--out", "check-crl.pem"]);
    assert!(!pki.join(".txn").exists(), "the journal is gone");
    let staged = std::fs::read_dir(pki.join(".tmp"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(staged, 0, "no staging leftovers");
    assert_no_empty_archive(&pki);
    assert!(pki.join("ca-cert.pem").exists() && pki.join("ca-key.pem").exists());
    let ca_key =
        certgen::PrivateKey::from_bytes("ca", &std::fs::read(pki.join("ca-key.pem")).unwrap())
            .expect("whole CA key");
    let ca_spki = spki(&pki.join("ca-cert.pem"));
    assert!(
        ca_key.matches_spki(&ca_spki),
        "CA key and certificate match"
    );

    let lines = index_lines(&pki);
    let mut valid: HashMap<String, Vec<String>> = HashMap::new();
    for l in &lines {
        if l[0] == "V" {
            let file = pki.join(&l[4]);
            assert!(file.exists(), "{} of a V line exists", l[4]);
            assert_eq!(serial_of(&file), l[3], "{} holds its serial", l[4]);
            valid.entry(l[4].clone()).or_default().push(l[3].clone());
        }
    }
    // During a CA changeover the roots are ca-bundle.pem (old and new).
    let roots_file = if pki.join("ca-bundle.pem").exists() {
        pki.join("ca-bundle.pem")
    } else {
        pki.join("ca-cert.pem")
    };
    let roots = std::fs::read(&roots_file).unwrap();
    let roots = certgen::encoding::certificates("roots", &roots).expect("whole roots");
    let mut certs = Vec::new();
    for b in bundles {
        let d = pki.join("users").join(b);
        let (cert, key) = (d.join("client-cert.pem"), d.join("client-key.pem"));
        assert!(
            cert.exists() && key.exists() && d.join("ca-cert.pem").exists(),
            "bundle {b} complete"
        );
        let k = certgen::PrivateKey::from_bytes("key", &std::fs::read(&key).unwrap())
            .expect("whole key");
        assert!(k.matches_spki(&spki(&cert)), "{b}: key matches certificate");
        let bundle_ca = std::fs::read(d.join("ca-cert.pem")).unwrap();
        let bundle_ca = certgen::encoding::certificates("bundle CA", &bundle_ca).expect("whole");
        assert!(
            bundle_ca.iter().all(|c| roots.contains(c)),
            "{b}: its ca-cert.pem holds trusted roots"
        );
        assert!(
            chains_to_one_of(&cert, &bundle_ca),
            "{b}: the certificate chains to a CA in its bundle"
        );
        let rel = format!("users/{b}/client-cert.pem");
        assert_eq!(
            valid.get(&rel).map(Vec::len),
            Some(1),
            "{b}: one valid row in the index"
        );
        certs.push(cert.display().to_string());
    }
    if have_openssl() && !certs.is_empty() {
        let ca = roots_file.display().to_string();
        let mut args = vec!["verify", "-CAfile", &ca];
        args.extend(certs.iter().map(String::as_str));
        let (good, out) = openssl(dir, &args);
        assert!(good, "every bundle chains to the CA: {out}");
    }
}

/// Whether `cert` is signed by one of the certificates `cas` (DER).
fn chains_to_one_of(cert: &Path, cas: &[Vec<u8>]) -> bool {
    use x509_parser::prelude::*;
    with_cert(cert, |c| {
        cas.iter().any(|der| {
            X509Certificate::from_der(der)
                .is_ok_and(|(_, ca)| c.verify_signature(Some(ca.public_key())).is_ok())
        })
    })
}

/// `args` over the 20 users, SIGKILLed after a random 0-20 ms, `runs()`
/// times, each followed by the consistency check.
fn killed_at_random_moments(dir: &Path, args: &[&str], users: &[String]) {
    let mut rng = Rng::new();
    let n = runs();
    let mut in_journal = 0;
    for run in 0..n {
        let delay = Duration::from_micros(rng.below(20_000));
        run_killed(dir, args, delay);
        assert_bundles_live(&dir.join("pki"), users);
        if dir.join("pki/.txn").exists() {
            in_journal += 1;
        }
        eprintln!("run {run}: killed after {delay:?}");
        assert_consistent(dir, "pki", users);
    }
    eprintln!("{n} runs, all consistent; {in_journal} killed with a journal to complete");
}

/// A PKI with an ECDSA CA and the 20 users, made in `dir`.
fn twenty_users(dir: &Path) -> Vec<String> {
    let users = users();
    ok(dir, &["init-ca", "--key-type", "ecdsa-p256"]);
    let mut args = vec!["issue-client", "--key-type", "ecdsa-p256"];
    args.extend(users.iter().map(String::as_str));
    ok(dir, &args);
    users
}

#[test]
fn renew_killed_at_random_moments_leaves_a_whole_set() {
    let d = tempfile::tempdir().unwrap();
    let users = twenty_users(d.path());
    killed_at_random_moments(d.path(), &["renew", "--all"], &users);
}

/// A CA rotation killed at random moments: each run takes the next step of
/// the changeover (`rotate-ca`, `renew --all`, `rotate-ca --finish`) from
/// where the last one left it, so all three are killed in turn.
#[test]
fn rotation_killed_at_random_moments_leaves_a_whole_set() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let users = twenty_users(dir);
    let pki = dir.join("pki");
    let mut rng = Rng::new();
    let mut steps: HashMap<&str, usize> = HashMap::new();
    for run in 0..runs() {
        let ca = std::fs::read(pki.join("ca-cert.pem")).unwrap();
        let ca = certgen::encoding::certificates("ca", &ca).unwrap();
        let step: &[&str] = if !pki.join("ca-bundle.pem").exists() {
            &["rotate-ca"]
        } else if users
            .iter()
            .any(|u| !chains_to_one_of(&pki.join(format!("users/{u}/client-cert.pem")), &ca))
        {
            &["renew", "--all"]
        } else {
            &["rotate-ca", "--finish"]
        };
        *steps
            .entry(step.last().copied().unwrap_or_default())
            .or_default() += 1;
        let delay = Duration::from_micros(rng.below(20_000));
        run_killed(dir, step, delay);
        assert_bundles_live(&pki, &users);
        eprintln!("run {run}: {step:?} killed after {delay:?}");
        assert_consistent(dir, "pki", &users);
    }
    eprintln!("steps taken: {steps:?}");
}

/// `rotate-ca` and `rotate-ca --finish` killed the moment their journal
/// appears, in the middle of their moves, in turn.
#[test]
fn rotation_killed_while_moving_files_is_completed() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let users = twenty_users(dir);
    let pki = dir.join("pki");
    let journal = pki.join(".txn");
    let mut caught = 0;
    let n = runs().min(30);
    for _ in 0..n {
        let step: &[&str] = if pki.join("ca-bundle.pem").exists() {
            ok(dir, &["renew", "--all"]);
            &["rotate-ca", "--finish"]
        } else {
            &["rotate-ca"]
        };
        run_killed_once_there_is(dir, step, &journal);
        assert_bundles_live(&pki, &users);
        caught += usize::from(journal.exists());
        assert_consistent(dir, "pki", &users);
    }
    eprintln!("{n} runs, {caught} killed with a journal to complete");
    assert!(caught > 0, "no run was killed during its moves");
}

#[test]
fn issue_client_force_killed_at_random_moments_leaves_a_whole_set() {
    let d = tempfile::tempdir().unwrap();
    let users = twenty_users(d.path());
    let mut args = vec!["issue-client", "--key-type", "ecdsa-p256", "--force"];
    args.extend(users.iter().map(String::as_str));
    killed_at_random_moments(d.path(), &args, &users);
}

#[test]
fn issue_client_force_killed_while_moving_files_is_completed() {
    let d = tempfile::tempdir().unwrap();
    let users = twenty_users(d.path());
    let mut args = vec!["issue-client", "--key-type", "ecdsa-p256", "--force"];
    args.extend(users.iter().map(String::as_str));
    killed_while_moving_files(d.path(), &args, &users);
}

#[test]
fn renew_killed_while_moving_files_is_completed() {
    let d = tempfile::tempdir().unwrap();
    let users = twenty_users(d.path());
    killed_while_moving_files(d.path(), &["renew", "--all"], &users);
}

/// Kills `args` the moment its journal appears, in the middle of the moves:
/// the window a random delay rarely hits. `list`, which only reads, already
/// sees the completed set.
fn killed_while_moving_files(dir: &Path, args: &[&str], users: &[String]) {
    let journal = dir.join("pki/.txn");
    let mut caught = 0;
    let n = runs().min(30);
    for _ in 0..n {
        run_killed_once_there_is(dir, args, &journal);
        assert_bundles_live(&dir.join("pki"), users);
        if journal.exists() {
            caught += 1;
            let listed = ok(dir, &["list", "--status", "valid"]);
            assert_eq!(listed.lines().count(), USERS + 1, "{listed}");
            assert!(!journal.exists(), "list completed the journal");
        }
        assert_consistent(dir, "pki", users);
    }
    eprintln!("{n} runs, {caught} killed with a journal to complete");
    assert!(caught > 0, "no run was killed during its moves");
}

#[test]
fn init_ca_force_killed_at_random_moments_never_leaves_a_pki_without_a_ca() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "--key-type", "ecdsa-p256"]);
    let mut rng = Rng::new();
    for run in 0..runs() {
        let delay = Duration::from_micros(rng.below(20_000));
        run_killed(
            dir,
            &["init-ca", "--force", "--key-type", "ecdsa-p256"],
            delay,
        );
        eprintln!("run {run}: killed after {delay:?}");
        assert_consistent(dir, "pki", &[]);
    }
}

#[test]
fn init_ca_force_refuses_to_orphan_valid_certificates() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "--key-type", "ecdsa-p256"]);
    ok(dir, &["issue-client", "a", "b", "--key-type", "ecdsa-p256"]);
    let before = snapshot(&dir.join("pki"));
    let out = run(dir, &["init-ca", "--force", "--key-type", "ecdsa-p256"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "a new CA would orphan 2 valid certificates; revoke them or wait for them to expire"
        ),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("rotate-ca"), "{}", stderr(&out));
    assert_eq!(snapshot(&dir.join("pki")), before);
    ok(dir, &["revoke", "a"]);
    ok(dir, &["revoke", "b"]);
    ok(dir, &["init-ca", "--force", "--key-type", "ecdsa-p256"]);
}

#[test]
fn force_supersedes_the_old_serial() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "--key-type", "ecdsa-p256"]);
    ok(dir, &["issue-server", "db1", "--key-type", "ecdsa-p256"]);
    let pki = dir.join("pki");
    let old = serial_of(&pki.join("servers/db1/server-cert.pem"));
    ok(
        dir,
        &["issue-server", "db1", "--force", "--key-type", "ecdsa-p256"],
    );
    let new = serial_of(&pki.join("servers/db1/server-cert.pem"));
    let lines = index_lines(&pki);
    let old_line = lines.iter().find(|l| l[3] == old).unwrap();
    assert_eq!(old_line[0], "R");
    assert!(old_line[2].ends_with(",superseded"), "{old_line:?}");
    let valid: Vec<_> = lines.iter().filter(|l| l[0] == "V").collect();
    assert_eq!(valid.len(), 1);
    assert_eq!(valid[0][3], new);
    let listed = ok(dir, &["list", "--status", "valid"]);
    assert_eq!(listed.matches("servers/db1/").count(), 1, "{listed}");
}

#[test]
fn replaced_files_keep_owner_group_and_mode() {
    if !need_root("chown to a system user") {
        return;
    }
    let (uid, gid) = system_user("certgen-test-owner");
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "--key-type", "ecdsa-p256"]);
    for name in ["db1", "db2"] {
        ok(dir, &["issue-server", name, "--key-type", "ecdsa-p256"]);
    }
    let pki = dir.join("pki");
    let set = |p: &Path, mode: u32| {
        std::os::unix::fs::chown(p, Some(uid), Some(gid)).unwrap();
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    set(&pki.join("servers/db1/server-key.pem"), 0o640);
    set(&pki.join("servers/db1/server-cert.pem"), 0o644);
    set(&pki.join("servers/db1"), 0o750);
    // A key someone made world-readable is not copied as such.
    set(&pki.join("servers/db2/server-key.pem"), 0o644);
    for name in ["db1", "db2"] {
        ok(
            dir,
            &["issue-server", name, "--force", "--key-type", "ecdsa-p256"],
        );
    }
    let meta = |p: &str| std::fs::metadata(pki.join(p)).unwrap();
    for (p, mode) in [
        ("servers/db1/server-key.pem", 0o640),
        ("servers/db1/server-cert.pem", 0o644),
        ("servers/db1", 0o750),
        ("servers/db2/server-key.pem", 0o640),
    ] {
        let m = meta(p);
        assert_eq!((m.uid(), m.gid()), (uid, gid), "{p} keeps its owner");
        assert_eq!(m.mode() & 0o777, mode, "{p} mode");
    }
    assert_eq!(meta("servers/db2/server-cert.pem").uid(), 0);
}

#[test]
fn force_on_a_full_disk_leaves_the_old_set_or_the_new_one() {
    let mut args = vec!["issue-client", "--key-type", "ecdsa-p256", "--force"];
    let users = users();
    args.extend(users.iter().map(String::as_str));
    on_a_full_disk(&args);
}

#[test]
fn renew_on_a_full_disk_leaves_the_old_set_or_the_new_one() {
    on_a_full_disk(&["renew", "--all"]);
}

/// Runs `command` (on the 20 users of a PKI on a 2 MB tmpfs) with less and
/// less free space: each run fails with ENOSPC leaving the old set, or
/// succeeds; the checker passes after each.
fn on_a_full_disk(command: &[&str]) {
    if !need_root("mounting a small tmpfs") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let _fs = Tmpfs::mount(&dir.join("small"), "size=2m");
    let users = users();
    ok(
        dir,
        &["--dir", "small/pki", "init-ca", "--key-type", "ecdsa-p256"],
    );
    let mut args = vec![
        "--dir",
        "small/pki",
        "issue-client",
        "--key-type",
        "ecdsa-p256",
    ];
    args.extend(users.iter().map(String::as_str));
    ok(dir, &args);
    let mut args = vec!["--dir", "small/pki"];
    args.extend_from_slice(command);
    let (mut failed, mut succeeded) = (0, 0);
    for pages in 0..80u64 {
        fill_leaving(&dir.join("small"), pages * 4096);
        let before = snapshot(&dir.join("small/pki/users"));
        let out = run(dir, &args);
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
                snapshot(&dir.join("small/pki/users")),
                before,
                "a failed {command:?} leaves the old set"
            );
        }
        std::fs::remove_file(dir.join("small/filler")).unwrap();
        assert_consistent(dir, "small/pki", &users);
        // Archives would fill the small filesystem; they are checked elsewhere.
        let _ = std::fs::remove_dir_all(dir.join("small/pki/old_keys"));
    }
    eprintln!("ENOSPC {command:?}: {failed} runs failed, {succeeded} succeeded");
    assert!(failed > 0 && succeeded > 0, "both outcomes were exercised");
}

/// `renew --all` and `rotate-ca` SIGKILLed at each of their renames in turn
/// (strace injects the signal at the Nth `renameat2`): right after each kill
/// every bundle directory is whole, before anything recovers; then the next
/// command completes or undoes the journal.
#[test]
fn killed_at_each_rename_every_bundle_stays_in_place() {
    if Command::new("strace").arg("-V").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "strace is missing under CI"
        );
        eprintln!("SKIP: strace is missing");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let users = twenty_users(dir);
    let pki = dir.join("pki");
    let mut killed = 0;
    let saved = dir.join("saved");
    let cp = |from: &Path, to: &Path| {
        let _ = std::fs::remove_dir_all(to);
        assert!(
            Command::new("cp")
                .arg("-a")
                .arg(from)
                .arg(to)
                .status()
                .unwrap()
                .success()
        );
    };
    for step in [&["renew", "--all"][..], &["rotate-ca"][..]] {
        cp(&pki, &saved);
        for when in 1.. {
            // Each run starts from the same set: a completed rotate-ca
            // would refuse the next.
            cp(&saved, &pki);
            let out = Command::new("strace")
                .args(["-f", "-o", "/dev/null", "-e"])
                .arg(format!("inject=renameat2:signal=SIGKILL:when={when}"))
                .arg(env!("CARGO_BIN_EXE_certgen"))
                .args(step)
                .current_dir(dir)
                .env("TZ", "UTC")
                .stdout(Stdio::null())
                .output()
                .unwrap();
            assert_bundles_live(&pki, &users);
            assert_consistent(dir, "pki", &users);
            if out.status.success() {
                break;
            }
            killed += 1;
        }
    }
    eprintln!("killed at {killed} renames");
    assert!(killed > 80, "killed at every rename of 20 bundles, twice");
}
