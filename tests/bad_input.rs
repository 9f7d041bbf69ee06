//! Bad input gets one clear error line, exit code 2, and changes nothing.

use crate::common::*;
use std::path::Path;

/// A PKI with a CA, a server and a user, plus files to feed the commands.
fn fixture(dir: &Path) {
    ok(
        dir,
        &["init-ca", "--key-type", "ecdsa-p256", "--cn", "Fixture CA"],
    );
    ok(dir, &["issue-server", "db1", "--key-type", "ecdsa-p256"]);
    ok(
        dir,
        &[
            "csr",
            "--cn",
            "good.example.com",
            "--key-type",
            "ecdsa-p256",
            "--out",
            "good.csr",
            "--out-key",
            "good.key",
        ],
    );
    let csr = std::fs::read_to_string(dir.join("good.csr")).unwrap();
    std::fs::write(dir.join("truncated.csr"), &csr[..csr.len() / 2]).unwrap();
    std::fs::write(dir.join("badb64.csr"), csr.replacen("MI", "M*", 1)).unwrap();
    std::fs::write(
        dir.join("random.der"),
        (0..700u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    std::fs::write(dir.join("empty.csr"), b"").unwrap();
    // Flip a byte inside the signature (the end of the DER), keeping the structure intact.
    let mut der = certgen::encoding::pem_sections("csr", csr.as_bytes())
        .unwrap()
        .remove(0)
        .1;
    let n = der.len();
    der[n - 5] ^= 0x01;
    std::fs::write(dir.join("badsig.csr"), &der).unwrap();
}

struct Case {
    name: &'static str,
    setup: fn(&Path),
    args: &'static [&'static str],
    message: &'static str,
    /// The whole `hint:` line's text, when there must be one.
    hint: Option<&'static str>,
}

fn nothing(_: &Path) {}

fn key_is_a_certificate(dir: &Path) {
    std::fs::copy(dir.join("pki/ca-cert.pem"), dir.join("pki/ca-key.pem")).unwrap();
}

fn key_of_another_ca(dir: &Path) {
    std::fs::copy(dir.join("good.key"), dir.join("pki/ca-key.pem")).unwrap();
}

fn encrypted_ca_key(dir: &Path) {
    std::fs::write(
        dir.join("pki/ca-key.pem"),
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n",
    )
    .unwrap();
    std::fs::write(dir.join("pass"), "secret\n").unwrap();
}

/// A key encrypted the way `openssl genrsa -des3` used to (legacy PEM encryption).
fn legacy_encrypted_ca_key(dir: &Path) {
    std::fs::write(
        dir.join("pki/ca-key.pem"),
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nMIIB\n-----END RSA PRIVATE KEY-----\n",
    )
    .unwrap();
}

fn truncated_ca_cert(dir: &Path) {
    let pem = std::fs::read_to_string(dir.join("pki/ca-cert.pem")).unwrap();
    std::fs::write(dir.join("pki/ca-cert.pem"), &pem[..pem.len() - 40]).unwrap();
}

fn expired_ca(dir: &Path) {
    use certgen::{Ca, KeyFormat, KeyType, PrivateKey, Subject};
    let key = PrivateKey::generate(KeyType::EcdsaP256).unwrap();
    let key_pem = key.to_pem(KeyFormat::Pkcs8).unwrap();
    let then = time::macros::datetime!(2001-01-01 0:00 UTC);
    let serial = certgen::serial::Serial::random().unwrap();
    let ca = Ca::create_root(
        &Subject::from_cn("Old CA").unwrap(),
        key,
        time::Duration::days(30),
        None,
        &serial,
        then,
    )
    .unwrap();
    std::fs::write(dir.join("pki/ca-cert.pem"), ca.cert_pem()).unwrap();
    std::fs::write(dir.join("pki/ca-key.pem"), key_pem.as_bytes()).unwrap();
}

fn parent_allowing_no_intermediate(dir: &Path) {
    ok(
        dir,
        &[
            "--dir",
            "leafonly",
            "init-ca",
            "--path-len",
            "0",
            "--key-type",
            "ecdsa-p256",
        ],
    );
}

fn parent_allowing_one_level(dir: &Path) {
    ok(
        dir,
        &[
            "--dir",
            "onelevel",
            "init-ca",
            "--path-len",
            "1",
            "--key-type",
            "ecdsa-p256",
        ],
    );
}

fn immutable_pki(dir: &Path) {
    let ok = std::process::Command::new("chattr")
        .arg("+i")
        .arg(dir.join("pki"))
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok || std::env::var_os("CI").is_none(),
        "chattr is needed to make a directory unwritable for root"
    );
}

fn release_pki(dir: &Path) {
    let _ = std::process::Command::new("chattr")
        .arg("-i")
        .arg(dir.join("pki"))
        .status();
}

const CASES: &[Case] = &[
    Case {
        name: "setup with an empty host",
        setup: nothing,
        args: &["--dir", "fresh", "setup", "mysql", "--host="],
        message: "invalid host name \"\": it is empty",
        hint: Some("give the names clients connect to, e.g. --host db1.example.com,10.0.0.5"),
    },
    Case {
        name: "setup with a bad user name",
        setup: nothing,
        args: &["--dir", "fresh", "setup", "mysql", "--user", "app,o'brien"],
        message: "invalid name \"o'brien\": a quote (') is not allowed in a bundle name",
        hint: Some(
            "server and user names are letters, digits and . _ - @ * : + =, not starting with . or -",
        ),
    },
    Case {
        name: "setup with a bad user name and an existing CA",
        setup: nothing,
        args: &["setup", "mysql", "--host", "db9", "--user", "o'brien"],
        message: "invalid name \"o'brien\": a quote (') is not allowed in a bundle name",
        hint: Some(
            "server and user names are letters, digits and . _ - @ * : + =, not starting with . or -",
        ),
    },
    Case {
        name: "setup with a user twice",
        setup: nothing,
        args: &["--dir", "fresh", "setup", "mysql", "--user", "app,app"],
        message: "app is named twice",
        hint: Some("name each server or user once"),
    },
    Case {
        name: "setup whose server has the new CA's name",
        setup: nothing,
        args: &[
            "--dir", "fresh", "setup", "mysql", "--ca-cn", "db1", "--host", "db1",
        ],
        message: "the subject /CN=db1 equals the CA's",
        hint: Some("give the certificate another CN (or --subject) than the CA's"),
    },
    Case {
        name: "setup with a key format the key type cannot use",
        setup: nothing,
        args: &[
            "--dir",
            "fresh",
            "setup",
            "mysql",
            "--key-type",
            "ed25519",
            "--key-format",
            "sec1",
        ],
        message: "the sec1 key format holds only ECDSA keys, not ed25519",
        hint: Some("choose --key-type ecdsa-p256 or ecdsa-p384, or --key-format pkcs8"),
    },
    Case {
        name: "an intermediate below a CA that allows none",
        setup: parent_allowing_no_intermediate,
        args: &[
            "--dir",
            "inter",
            "init-ca",
            "--intermediate",
            "--parent",
            "leafonly",
            "--key-type",
            "ecdsa-p256",
        ],
        message: "the parent CA's pathLenConstraint is 0: it signs leaf certificates only, no intermediate CA",
        hint: Some("make the intermediate under a CA created with --path-len 1 or more"),
    },
    Case {
        name: "an intermediate deeper than its parent allows",
        setup: parent_allowing_one_level,
        args: &[
            "--dir",
            "inter",
            "init-ca",
            "--intermediate",
            "--parent",
            "onelevel",
            "--path-len",
            "1",
            "--key-type",
            "ecdsa-p256",
        ],
        message: "may have a pathLenConstraint of at most 0, not 1",
        hint: Some("pass --path-len 0 or less"),
    },
    Case {
        name: "truncated PEM CSR",
        setup: nothing,
        args: &["sign", "truncated.csr"],
        message: "truncated.csr: malformed PEM",
        hint: None,
    },
    Case {
        name: "bad base64 in a CSR",
        setup: nothing,
        args: &["sign", "badb64.csr"],
        message: "badb64.csr: malformed PEM",
        hint: None,
    },
    Case {
        name: "random bytes as a CSR",
        setup: nothing,
        args: &["sign", "random.der"],
        message: "random.der: not a valid certificate request",
        hint: None,
    },
    Case {
        name: "empty CSR",
        setup: nothing,
        args: &["sign", "empty.csr"],
        message: "empty.csr: not a valid certificate request",
        hint: None,
    },
    Case {
        name: "missing CSR",
        setup: nothing,
        args: &["sign", "nope.csr"],
        message: "reading nope.csr: No such file",
        hint: None,
    },
    Case {
        name: "CSR with a corrupted signature",
        setup: nothing,
        args: &["sign", "badsig.csr"],
        message: "the CSR's signature does not verify",
        hint: Some("ask for the CSR again: it changed after it was signed"),
    },
    Case {
        name: "a certificate where a key is expected",
        setup: key_is_a_certificate,
        args: &["issue-server", "db2"],
        message: "holds a certificate, not a private key",
        hint: None,
    },
    Case {
        name: "a key that does not match the CA certificate",
        setup: key_of_another_ca,
        args: &["issue-server", "db2"],
        message: "does not match the certificate",
        hint: Some(
            "the CA's key and certificate must be a pair; restore the right key from old_keys/ or a backup",
        ),
    },
    Case {
        name: "a broken encrypted CA key",
        setup: encrypted_ca_key,
        args: &["issue-client", "app", "--passphrase-file", "pass"],
        message: "ca-key.pem: not a valid private key",
        hint: Some("certgen reads private keys as PEM, or as DER in PKCS#8, PKCS#1 or SEC1 form"),
    },
    Case {
        name: "a CA key in legacy PEM encryption",
        setup: legacy_encrypted_ca_key,
        args: &["issue-client", "app"],
        message: "the private key is encrypted",
        hint: Some("decrypt it first: openssl pkey -in KEY -out PLAIN"),
    },
    Case {
        name: "a truncated CA certificate",
        setup: truncated_ca_cert,
        args: &["issue-client", "app"],
        message: "ca-cert.pem: malformed PEM",
        hint: None,
    },
    Case {
        name: "an expired CA",
        setup: expired_ca,
        args: &["issue-client", "app"],
        message: "the CA certificate expired on 2001-01-31",
        hint: Some(
            "make a new CA with `certgen init-ca --force` (the old one moves to old_keys/), then reissue the certificates",
        ),
    },
    Case {
        name: "unknown subject attribute",
        setup: nothing,
        args: &["issue-server", "db2", "--subject", "/C=US/XX=1"],
        message: "unknown attribute \"XX\"",
        hint: None,
    },
    Case {
        name: "country code too long",
        setup: nothing,
        args: &["issue-client", "app", "--subject", "/C=USA"],
        message: "C is 3 characters long, the limit is 2",
        hint: None,
    },
    Case {
        name: "invalid SAN",
        setup: nothing,
        args: &["issue-server", "db2", "--san", "a..example.com"],
        message: "invalid subjectAltName \"a..example.com\": has an empty label",
        hint: None,
    },
    Case {
        name: "misplaced wildcard",
        setup: nothing,
        args: &["issue-server", "db2", "--san", "db.*.example.com"],
        message: "wildcard is allowed only as the whole leftmost label",
        hint: None,
    },
    Case {
        name: "--days 0",
        setup: nothing,
        args: &["issue-server", "db2", "--days", "0"],
        message: "invalid value '0' for '--days <DURATION>': a certificate's lifetime must be longer than zero",
        hint: Some("run `certgen issue-server --help`"),
    },
    Case {
        name: "existing server",
        setup: nothing,
        args: &["issue-server", "db1"],
        message: "db1 already exists",
        hint: Some(
            "pass --force to move the existing files to old_keys/<timestamp>/ and replace them",
        ),
    },
    Case {
        name: "existing CA",
        setup: nothing,
        args: &["init-ca"],
        message: "ca-cert.pem already exists",
        hint: Some("pass --force to move the existing CA to old_keys/<timestamp>/ and replace it"),
    },
    Case {
        name: "PKCS#1 for an EC key",
        setup: nothing,
        args: &[
            "issue-server",
            "db2",
            "--key-type",
            "ecdsa-p256",
            "--key-format",
            "pkcs1",
        ],
        message: "the pkcs1 key format holds only RSA keys, not ecdsa-p256",
        hint: Some("choose an RSA --key-type (rsa2048, rsa3072, rsa4096), or --key-format pkcs8"),
    },
    Case {
        name: "a user name with a slash",
        setup: nothing,
        args: &["issue-client", "ops/evil"],
        message: "invalid name \"ops/evil\": a slash (/) is not allowed in a bundle name",
        hint: Some(
            "server and user names are letters, digits and . _ - @ * : + =, not starting with . or -",
        ),
    },
    Case {
        name: "a user name with a quote",
        setup: nothing,
        args: &["issue-client", "o'brien"],
        message: "invalid name \"o'brien\": a quote (') is not allowed in a bundle name",
        hint: Some(
            "server and user names are letters, digits and . _ - @ * : + =, not starting with . or -",
        ),
    },
    Case {
        name: "a client subject with a CN",
        setup: nothing,
        args: &["issue-client", "app", "--subject", "/O=x/CN=y"],
        message: "must not hold a CN",
        hint: Some("leave CN out of --subject; each certificate gets CN=USER"),
    },
    Case {
        name: "leaf subject equal to the CA's",
        setup: nothing,
        args: &["issue-server", "db2", "--subject", "/CN=fixture ca"],
        message: "equals the CA's",
        hint: Some("give the certificate another CN (or --subject) than the CA's"),
    },
    Case {
        name: "server name that is no host name",
        setup: nothing,
        args: &["issue-server", "db_2"],
        message: "\"db_2\" is not a DNS name or IP address, and the certificate has no other name",
        hint: Some("give the names clients connect to with --san"),
    },
    Case {
        name: "unwritable directory",
        setup: immutable_pki,
        args: &["issue-server", "db2", "--key-type", "ecdsa-p256"],
        message: "Operation not permitted",
        hint: None,
    },
    Case {
        name: "no CA",
        setup: nothing,
        args: &["--dir", "empty", "issue-server", "db2"],
        message: "no CA in empty",
        hint: Some(
            "run `certgen --dir empty init-ca` first, or point --dir (or CERTGEN_DIR) at your PKI directory",
        ),
    },
    Case {
        name: "setup with a first host that names nothing",
        setup: nothing,
        args: &["setup", "mariadb", "--host", "db_1"],
        message: "\"db_1\" is not a DNS name or IP address, and the certificate has no other name",
        hint: Some(
            "the first --host must be a DNS name or IP address clients connect to: it names the server",
        ),
    },
    Case {
        name: "intermediate under a parent with no CA",
        setup: nothing,
        args: &[
            "--dir",
            "inter",
            "init-ca",
            "--intermediate",
            "--parent",
            "nonexist",
        ],
        message: "no CA in nonexist",
        hint: Some(
            "make the parent CA first (`certgen --dir nonexist init-ca`), or point --parent at the parent CA's directory",
        ),
    },
    Case {
        name: "verify with no CA in the PKI directory",
        setup: nothing,
        args: &[
            "--dir",
            "empty",
            "verify",
            "pki/servers/db1/server-cert.pem",
        ],
        message: "no CA certificate at empty/ca-cert.pem: pass --ca FILE with the trusted roots",
        hint: None,
    },
];

#[test]
fn bad_input_table() {
    assert!(CASES.len() >= 15);
    let template = tempfile::tempdir().unwrap();
    fixture(template.path());
    for case in CASES {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path();
        let status = std::process::Command::new("cp")
            .arg("-a")
            .arg(format!("{}/.", template.path().display()))
            .arg(dir)
            .status()
            .unwrap();
        assert!(status.success());
        (case.setup)(dir);
        let before = snapshot(dir);
        let out = run(dir, case.args);
        release_pki(dir);
        let err = stderr(&out);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}: exit code; stderr: {err}",
            case.name
        );
        assert!(out.stdout.is_empty(), "{}: nothing on stdout", case.name);
        let first = err.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("certgen: error: "),
            "{}: {err}",
            case.name
        );
        assert!(
            first.contains(case.message),
            "{}: expected {:?} in {first:?}",
            case.name,
            case.message
        );
        let rest: Vec<&str> = err.lines().skip(1).collect();
        match case.hint {
            Some(hint) => assert_eq!(rest, [format!("hint: {hint}")], "{}", case.name),
            None => assert!(
                rest.len() <= 1 && rest.iter().all(|l| l.starts_with("hint: ")),
                "{}: one line plus hint: {err}",
                case.name
            ),
        }
        assert!(!err.contains("panicked"), "{}", case.name);
        assert_eq!(snapshot(dir), before, "{}: nothing changed", case.name);
    }
}

/// setup checks every name before it creates the CA: a refused setup leaves
/// no PKI directory behind.
#[test]
fn a_refused_setup_creates_no_pki_directory() {
    let d = tempfile::tempdir().unwrap();
    let out = run(d.path(), &["setup", "mysql", "--host="]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!d.path().join("pki").exists(), "pki/ was created");
    let first = stderr(&out).lines().next().unwrap_or_default().to_string();
    assert_eq!(first, "certgen: error: invalid host name \"\": it is empty");
    let out = run(d.path(), &["setup", "mysql", "--host", "db1,,db2"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!d.path().join("pki").exists(), "pki/ was created");
    assert!(
        stderr(&out).contains("invalid host name \"\""),
        "{}",
        stderr(&out)
    );
}

/// A bundle setup would keep but cannot (a leftover empty directory, a link)
/// is found before the CA is created, not after the server is issued.
#[test]
fn setup_refuses_an_unusable_bundle_before_writing_anything() {
    for (what, make) in [
        (
            "empty directory",
            (|d: &Path| std::fs::create_dir_all(d.join("pki/users/app")).unwrap()) as fn(&Path),
        ),
        ("dangling link", |d: &Path| {
            std::fs::create_dir_all(d.join("pki/users")).unwrap();
            std::os::unix::fs::symlink(d.join("nowhere"), d.join("pki/users/app")).unwrap();
        }),
    ] {
        let d = tempfile::tempdir().unwrap();
        make(d.path());
        let before = snapshot(&d.path().join("pki"));
        let out = run(
            d.path(),
            &[
                "setup",
                "mariadb",
                "--user",
                "app",
                "--key-type",
                "ecdsa-p256",
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{what}: {}", stderr(&out));
        let first = stderr(&out).lines().next().unwrap_or_default().to_string();
        assert!(first.starts_with("certgen: error: "), "{what}: {first}");
        assert!(first.contains("users/app"), "{what}: {first}");
        assert_eq!(
            snapshot(&d.path().join("pki")),
            before,
            "{what}: something was written"
        );
        assert!(
            !d.path().join("pki/ca-cert.pem").exists(),
            "{what}: a CA was made"
        );
    }
}

/// Thresholds are shown exactly, so a refusal never reads "1 day is longer than 1 day".
#[test]
fn thresholds_that_differ_by_hours_are_named_exactly() {
    let d = tempfile::tempdir().unwrap();
    let out = run(
        d.path(),
        &["check-expiry", "--warn", "36h", "--crit", "40h"],
    );
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        stderr(&out),
        "certgen: error: --warn and --crit: the critical threshold (1 day 16 hours) is longer than the warning threshold (1 day 12 hours)\nhint: --crit must not be longer than --warn\n"
    );
}

#[test]
fn hints_point_at_the_fix() {
    let d = tempfile::tempdir().unwrap();
    let out = run(d.path(), &["issue-client", "app"]);
    assert!(
        stderr(&out).contains("hint: run `certgen --dir pki init-ca` first"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn verify_where_there_is_no_pki_says_to_pass_ca() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(
        dir,
        &["--dir", "elsewhere", "init-ca", "--key-type", "ecdsa-p256"],
    );
    ok(
        dir,
        &[
            "--dir",
            "elsewhere",
            "issue-server",
            "db1",
            "--key-type",
            "ecdsa-p256",
        ],
    );
    let ca = "elsewhere/ca-cert.pem";
    let cert = "elsewhere/servers/db1/server-cert.pem";
    let out = run(dir, &["verify", cert]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "certgen: error: no CA certificate at pki/ca-cert.pem: pass --ca FILE with the trusted roots, or --dir DIR for another PKI directory\n"
    );
    let out = run(dir, &["verify", cert, "--ca", ca]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().next(),
        Some("elsewhere/servers/db1/server-cert.pem: OK")
    );
}

#[test]
fn usage_errors_exit_2() {
    let d = tempfile::tempdir().unwrap();
    for args in [
        &["issue-server"][..],
        &["init-ca", "--key-type", "dsa"][..],
        &["frobnicate"][..],
        &["init-ca", "--intermediate"][..],
    ] {
        let out = run(d.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

/// A backslash in the account's host cannot be written the same under every
/// sql_mode: refused before anything is written.
#[test]
fn sql_host_with_a_backslash_is_refused_before_anything_is_written() {
    let d = tempfile::tempdir().unwrap();
    for args in [
        &["setup", "mariadb", "--user", "app", "--sql-host", "a\\b"][..],
        &["issue-client", "app", "--sql-host", "a\\b"][..],
    ] {
        let out = run(d.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("NO_BACKSLASH_ESCAPES"), "{err}");
        assert!(!d.path().join("pki").exists(), "{args:?} wrote files");
    }
}
