//! What `issue-server --force`, `issue-client --force` and `setup` keep from
//! the bundles they replace or keep: names, subject, lifetime, key type and
//! format, owner, group and mode; a kept server certificate covers every
//! host asked for; no bundle of another CA is kept; a refusal writes nothing.

use crate::common::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

const T1: &str = "2030-03-01T00:00:00Z";

fn subject(path: &Path) -> String {
    with_cert(path, |c| c.subject().to_string())
}

/// The first line of a key file (its PEM label).
fn key_label(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string()
}

/// What `openssl pkey -text` says of a key: algorithm and size.
fn openssl_key(dir: &Path, key: &str) -> String {
    let (ok, text) = openssl(dir, &["pkey", "-in", key, "-noout", "-text"]);
    assert!(ok, "{text}");
    text.lines().next().unwrap().to_string()
}

/// The subjectAltName line of `openssl x509 -ext subjectAltName`.
fn openssl_sans(dir: &Path, cert: &str) -> String {
    let (ok, text) = openssl(
        dir,
        &["x509", "-in", cert, "-noout", "-ext", "subjectAltName"],
    );
    assert!(ok, "{text}");
    text.lines().nth(1).unwrap_or_default().trim().to_string()
}

/// Unix time of T1, for `openssl verify -attime`.
const T1_EPOCH: &str = "1898553600";

/// Whether `openssl verify` accepts `cert` against `ca` at T1.
fn openssl_verifies(dir: &Path, ca: &str, cert: &str) -> bool {
    let (ok, text) = openssl(dir, &["verify", "-attime", T1_EPOCH, "-CAfile", ca, cert]);
    if !ok {
        eprintln!("{text}");
    }
    ok
}

/// The index lines about `serial`.
fn index_status(dir: &Path, serial: &str) -> String {
    let index = std::fs::read_to_string(dir.join("pki/index.txt")).unwrap();
    let line = index
        .lines()
        .find(|l| l.split('\t').nth(3) == Some(serial))
        .unwrap_or_else(|| panic!("{serial} not in the index:\n{index}"));
    let f: Vec<&str> = line.split('\t').collect();
    format!("{} {}", f[0], f[2])
}

/// A CA and the server db1.example (two more names, 90 days, ECDSA in SEC1).
fn server_pki() -> tempfile::TempDir {
    pki_at_t0(&[&[
        "issue-server",
        "db1.example",
        "--san",
        "10.0.0.7,db.example",
        "--days",
        "90",
        "--key-type",
        "ecdsa-p256",
        "--key-format",
        "sec1",
    ]])
}

const DB1_SANS: &str = "DNS:db1.example, IP Address:10.0.0.7, DNS:db.example";

#[test]
fn issue_server_force_keeps_names_lifetime_and_key_type() {
    if !have_openssl() {
        return;
    }
    let d = server_pki();
    let dir = d.path();
    let cert = dir.join("pki/servers/db1.example/server-cert.pem");
    let key = dir.join("pki/servers/db1.example/server-key.pem");
    let old_sans = sans(&cert);
    let old_serial = serial_of(&cert);
    let old_key = std::fs::read(&key).unwrap();
    assert_eq!(lifetime(&cert), 90 * 86400 + 300);

    ok(dir, &at(T1, &["issue-server", "db1.example", "--force"]));

    assert_eq!(sans(&cert), old_sans);
    let c = "pki/servers/db1.example/server-cert.pem";
    assert_eq!(openssl_sans(dir, c), DB1_SANS);
    assert_eq!(subject(&cert), "CN=db1.example");
    assert_eq!(lifetime(&cert), 90 * 86400 + 300, "the 90 days are kept");
    let (_, end) = openssl(dir, &["x509", "-in", c, "-noout", "-enddate"]);
    assert_eq!(end.trim(), "notAfter=May 30 00:00:00 2030 GMT");
    assert_ne!(std::fs::read(&key).unwrap(), old_key, "a new key");
    assert_eq!(key_label(&key), "-----BEGIN EC PRIVATE KEY-----");
    assert_eq!(
        openssl_key(dir, "pki/servers/db1.example/server-key.pem"),
        "Private-Key: (256 bit)"
    );
    assert!(openssl_verifies(dir, "pki/ca-cert.pem", c));
    assert_eq!(index_status(dir, &old_serial), "R 300301000000Z,superseded");
    assert_eq!(index_status(dir, &serial_of(&cert)), "V ");
}

#[test]
fn a_server_named_only_by_its_sans_keeps_them() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &at(T0, &["init-ca", "--key-type", "ecdsa-p256"]));
    let args = [
        "issue-server",
        "my_db",
        "--san",
        "db.example",
        "--key-type",
        "ecdsa-p256",
    ];
    ok(dir, &at(T0, &args));
    ok(dir, &at(T1, &["issue-server", "my_db", "--force"]));
    let cert = dir.join("pki/servers/my_db/server-cert.pem");
    assert_eq!(sans(&cert), ["DNS:db.example"].map(String::from));
    assert_eq!(subject(&cert), "CN=my_db");
}

#[test]
fn explicit_flags_override_what_force_keeps() {
    if !have_openssl() {
        return;
    }
    let d = server_pki();
    let dir = d.path();
    let cert = dir.join("pki/servers/db1.example/server-cert.pem");
    let key = dir.join("pki/servers/db1.example/server-key.pem");
    let c = "pki/servers/db1.example/server-cert.pem";
    let k = "pki/servers/db1.example/server-key.pem";

    // A format alone: the key type is kept.
    ok(
        dir,
        &at(
            T1,
            &[
                "issue-server",
                "db1.example",
                "--force",
                "--key-format",
                "pkcs8",
            ],
        ),
    );
    assert_eq!(key_label(&key), "-----BEGIN PRIVATE KEY-----");
    assert_eq!(openssl_key(dir, k), "Private-Key: (256 bit)");
    assert_eq!(openssl_sans(dir, c), DB1_SANS);

    // Names, lifetime, subject and key type said: they replace the old ones.
    ok(
        dir,
        &at(
            T1,
            &[
                "issue-server",
                "db1.example",
                "--force",
                "--san",
                "other.example",
                "--days",
                "30",
                "--subject",
                "/O=Acme",
                "--key-type",
                "rsa2048",
                "--client-auth",
            ],
        ),
    );
    assert_eq!(
        sans(&cert),
        ["DNS:db1.example", "DNS:other.example"].map(String::from)
    );
    assert_eq!(lifetime(&cert), 30 * 86400 + 300);
    assert_eq!(subject(&cert), "O=Acme, CN=db1.example");
    assert_eq!(openssl_key(dir, k), "Private-Key: (2048 bit, 2 primes)");
    let eku = with_cert(&cert, |c| {
        let e = c.extended_key_usage().unwrap().unwrap().value;
        (e.server_auth, e.client_auth)
    });
    assert_eq!(eku, (true, true));

    // Without the flags again, the last certificate's values are kept.
    ok(dir, &at(T1, &["issue-server", "db1.example", "--force"]));
    assert_eq!(openssl_sans(dir, c), "DNS:db1.example, DNS:other.example");
    assert_eq!(lifetime(&cert), 30 * 86400 + 300);
    assert_eq!(subject(&cert), "O=Acme, CN=db1.example");
    assert_eq!(openssl_key(dir, k), "Private-Key: (2048 bit, 2 primes)");
    let client_auth = with_cert(&cert, |c| {
        c.extended_key_usage().unwrap().unwrap().value.client_auth
    });
    assert!(client_auth, "clientAuth is kept");
}

#[test]
fn issue_client_force_keeps_subject_names_and_lifetime() {
    if !have_openssl() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &at(T0, &["init-ca", "--key-type", "ecdsa-p256"]));
    ok(
        dir,
        &at(
            T0,
            &[
                "issue-client",
                "app",
                "--subject",
                "/O=Acme/OU=DB",
                "--san",
                "app@example.com",
                "--days",
                "45",
                "--key-type",
                "ecdsa-p384",
            ],
        ),
    );
    let cert = dir.join("pki/users/app/client-cert.pem");
    let old_serial = serial_of(&cert);

    let out = ok(dir, &at(T1, &["issue-client", "app", "carol", "--force"]));
    assert!(
        out.contains("REQUIRE SUBJECT '/O=Acme/OU=DB/CN=app'"),
        "{out}"
    );
    assert_eq!(subject(&cert), "O=Acme, OU=DB, CN=app");
    let names = openssl_names(dir, "pki/users/app/client-cert.pem");
    assert!(names.contains("subject=/O=Acme/OU=DB/CN=app"), "{names}");
    assert_eq!(sans(&cert), ["email:app@example.com"].map(String::from));
    assert_eq!(lifetime(&cert), 45 * 86400 + 300);
    assert_eq!(
        openssl_key(dir, "pki/users/app/client-key.pem"),
        "Private-Key: (384 bit)"
    );
    assert_ne!(serial_of(&cert), old_serial);
    assert!(openssl_verifies(
        dir,
        "pki/ca-cert.pem",
        "pki/users/app/client-cert.pem"
    ));
    assert_eq!(index_status(dir, &old_serial), "R 300301000000Z,superseded");

    // carol had no bundle: the command line's values and the defaults.
    let carol = dir.join("pki/users/carol/client-cert.pem");
    assert_eq!(subject(&carol), "CN=carol");
    assert_eq!(lifetime(&carol), 1825 * 86400 + 300);
    assert_eq!(
        openssl_key(dir, "pki/users/carol/client-key.pem"),
        "Private-Key: (2048 bit, 2 primes)"
    );

    // Said on the command line: replaced.
    ok(
        dir,
        &at(
            T1,
            &[
                "issue-client",
                "app",
                "--force",
                "--subject",
                "/O=Other",
                "--days",
                "7",
            ],
        ),
    );
    assert_eq!(subject(&cert), "O=Other, CN=app");
    assert_eq!(lifetime(&cert), 7 * 86400 + 300);
    assert_eq!(sans(&cert), ["email:app@example.com"].map(String::from));
}

#[test]
fn a_refused_force_writes_nothing() {
    let d = server_pki();
    let dir = d.path();
    ok(
        dir,
        &at(T0, &["issue-client", "app", "--key-type", "ecdsa-p256"]),
    );
    // A certificate that cannot be read: nothing to keep from, refused.
    write(
        &dir.join("pki/servers/db1.example/server-cert.pem"),
        "not a certificate\n",
    );
    let before = snapshot(&dir.join("pki"));
    let out = run(dir, &at(T1, &["issue-server", "db1.example", "--force"]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("db1.example"), "{}", stderr(&out));
    assert_eq!(snapshot(&dir.join("pki")), before);

    // The second user's directory is a link: the first is not replaced either.
    std::os::unix::fs::symlink("/nonexistent", dir.join("pki/users/dan")).unwrap();
    let before = snapshot(&dir.join("pki"));
    let out = run(dir, &at(T1, &["issue-client", "app", "dan", "--force"]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(snapshot(&dir.join("pki")), before);
    assert!(!dir.join("pki/old_keys").exists());
}

#[test]
fn force_keeps_owner_group_and_mode() {
    if !need_root("chown to a system user") {
        return;
    }
    let (uid, gid) = system_user("certgen-keep");
    let d = server_pki();
    let dir = d.path();
    let bundle = dir.join("pki/servers/db1.example");
    let modes = [
        ("server-key.pem", 0o640),
        ("server-cert.pem", 0o644),
        ("ca-cert.pem", 0o644),
        ("", 0o750),
    ];
    for (f, mode) in modes {
        let p = bundle.join(f);
        std::os::unix::fs::chown(&p, Some(uid), Some(gid)).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let old_key = std::fs::read(bundle.join("server-key.pem")).unwrap();
    ok(dir, &at(T1, &["issue-server", "db1.example", "--force"]));
    assert_ne!(
        std::fs::read(bundle.join("server-key.pem")).unwrap(),
        old_key
    );
    for (f, mode) in modes {
        let m = std::fs::metadata(bundle.join(f)).unwrap();
        assert_eq!((m.uid(), m.gid()), (uid, gid), "{f} keeps its owner");
        assert_eq!(m.mode() & 0o777, mode, "{f} keeps its mode");
    }
    let arch = archives(&dir.join("pki"));
    let archived = arch[0].join("servers/db1.example/server-key.pem");
    assert_eq!(std::fs::read(&archived).unwrap(), old_key);
    assert_eq!(std::fs::metadata(&archived).unwrap().uid(), uid);
}

fn setup_args<'a>(now: &'a str, hosts: &[&'a str], users: &[&'a str]) -> Vec<&'a str> {
    let mut v = at(now, &["setup", "mariadb", "--key-type", "ecdsa-p256"]);
    for h in hosts {
        v.extend(["--host", h]);
    }
    for u in users {
        v.extend(["--user", u]);
    }
    v
}

#[test]
fn setup_reissues_a_kept_server_that_lacks_a_host() {
    if !have_openssl() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &setup_args(T0, &["a.example"], &["u"]));
    let cert = dir.join("pki/servers/a.example/server-cert.pem");
    let key = dir.join("pki/servers/a.example/server-key.pem");
    let user = dir.join("pki/users/u/client-cert.pem");
    let old_cert = std::fs::read(&cert).unwrap();
    let old_key = std::fs::read(&key).unwrap();
    let old_serial = serial_of(&cert);
    let user_serial = serial_of(&user);
    let old_lifetime = lifetime(&cert);

    let out = run(dir, &setup_args(T1, &["a.example", "b.example"], &["u"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("reissued pki/servers/a.example: it lacked DNS:b.example"),
        "{err}"
    );
    assert!(err.contains("kept the existing pki/users/u"), "{err}");

    let c = "pki/servers/a.example/server-cert.pem";
    assert_eq!(openssl_sans(dir, c), "DNS:a.example, DNS:b.example");
    assert!(openssl_verifies(dir, "pki/ca-cert.pem", c));
    assert_ne!(std::fs::read(&key).unwrap(), old_key, "a new key");
    assert_eq!(lifetime(&cert), old_lifetime);
    assert_eq!(serial_of(&user), user_serial, "the user is kept");
    assert_eq!(index_status(dir, &old_serial), "R 300301000000Z,superseded");
    assert_eq!(index_status(dir, &serial_of(&cert)), "V ");
    let arch = archives(&dir.join("pki"));
    assert_eq!(arch.len(), 1);
    assert_eq!(
        std::fs::read(arch[0].join("servers/a.example/server-cert.pem")).unwrap(),
        old_cert
    );
    assert_eq!(
        std::fs::read(arch[0].join("servers/a.example/server-key.pem")).unwrap(),
        old_key
    );

    // Covered now: kept as it is, even when asked for fewer names.
    let before = snapshot(&dir.join("pki"));
    let out = run(dir, &setup_args(T1, &["a.example"], &["u"]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("kept the existing pki/servers/a.example"));
    assert_eq!(snapshot(&dir.join("pki")), before);
}

/// Moves the CA away and makes a new one: the bundles are left from the old.
fn replace_ca(dir: &Path) {
    let away = dir.join("old-ca");
    std::fs::create_dir(&away).unwrap();
    for f in ["ca-cert.pem", "ca-key.pem", "index.txt"] {
        std::fs::rename(dir.join("pki").join(f), away.join(f)).unwrap();
    }
    ok(dir, &at(T1, &["init-ca", "--key-type", "ecdsa-p256"]));
}

#[test]
fn setup_keeps_no_bundle_of_another_ca() {
    if !have_openssl() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &setup_args(T0, &["a.example"], &["u"]));
    replace_ca(dir);

    let before = snapshot(&dir.join("pki"));
    let out = run(dir, &setup_args(T1, &["a.example"], &["u"]));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(
            "pki/servers/a.example holds a certificate issued by /CN=certgen CA that does not chain to this directory's CA (/CN=certgen CA)"
        ),
        "{err}"
    );
    assert!(
        err.contains("hint: `certgen issue-server a.example --force` reissues it"),
        "{err}"
    );
    assert_eq!(
        snapshot(&dir.join("pki")),
        before,
        "refused: nothing written"
    );

    // The server replaced under the new CA: now the user is the one refused,
    // and the server, which lacks b.example, is not reissued either.
    ok(dir, &at(T1, &["issue-server", "a.example", "--force"]));
    let before = snapshot(&dir.join("pki"));
    let out = run(dir, &setup_args(T1, &["a.example", "b.example"], &["u"]));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("pki/users/u holds a certificate"), "{err}");
    assert!(err.contains("`certgen issue-client u --force`"), "{err}");
    assert_eq!(snapshot(&dir.join("pki")), before);

    ok(dir, &at(T1, &["issue-client", "u", "--force"]));
    let out = ok(dir, &setup_args(T1, &["a.example"], &["u"]));
    assert!(out.contains("ssl_cert"), "{out}");
    for c in [
        "pki/servers/a.example/server-cert.pem",
        "pki/users/u/client-cert.pem",
    ] {
        assert!(openssl_verifies(dir, "pki/ca-cert.pem", c), "{c}");
    }
}

#[test]
fn setup_without_a_ca_keeps_no_bundle() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &setup_args(T0, &["a.example"], &["u"]));
    for f in ["ca-cert.pem", "ca-key.pem", "index.txt"] {
        std::fs::remove_file(dir.join("pki").join(f)).unwrap();
    }
    let before = snapshot(&dir.join("pki"));
    let out = run(dir, &setup_args(T1, &["a.example"], &["u"]));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("and the directory has no CA yet"), "{err}");
    assert_eq!(snapshot(&dir.join("pki")), before, "no CA created");
    assert!(!dir.join("pki/ca-cert.pem").exists());
}

#[test]
fn setup_keeps_bundles_of_the_old_root_during_a_changeover() {
    if !have_openssl() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &setup_args(T0, &["a.example"], &["u"]));
    ok(dir, &at(T1, &["rotate-ca"]));
    let before = snapshot(&dir.join("pki"));
    let out = run(dir, &setup_args(T1, &["a.example"], &["u"]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("kept the existing pki/users/u"));
    assert_eq!(snapshot(&dir.join("pki")), before);
    assert!(openssl_verifies(
        dir,
        "pki/ca-bundle.pem",
        "pki/users/u/client-cert.pem"
    ));
}
