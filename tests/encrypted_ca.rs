//! A passphrase-encrypted CA key: `init-ca --encrypt`, the passphrase from a
//! file, the environment or the terminal, refusals, `ca passphrase`, and no
//! plaintext CA key on disk while signing.
//!
//! Commands run under `setsid`, so they have no controlling terminal and
//! never wait at a prompt; the prompt is tested through a pseudo-terminal
//! made by `script`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::common::*;

const PASS: &str = "correct horse battery staple";

/// certgen in `dir` with no terminal and a clean environment.
fn detached(dir: &Path) -> Command {
    certgen_via("setsid", &["-w"], dir)
}

fn run_env(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = detached(dir);
    cmd.args(args).stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("setsid runs certgen");
    assert_no_panic(&out);
    out
}

fn must(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> String {
    let out = run_env(dir, env, args);
    assert!(
        out.status.success(),
        "certgen {args:?} failed: {}",
        stderr(&out)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asserts exit 2 with exactly one error line (and, when given, one hint line).
fn refused(out: &Output, message: &str, hint: Option<&str>) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some(format!("certgen: error: {message}").as_str()),
        "{err}"
    );
    match hint {
        Some(h) => assert_eq!(lines.get(1..), Some(&[format!("hint: {h}").as_str()][..])),
        None => assert_eq!(lines.len(), 1, "one line: {err}"),
    }
}

/// A PKI with an encrypted ECDSA CA (fast keys), passphrase in `pass`.
fn encrypted_pki() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("pass"), format!("{PASS}\n")).unwrap();
    must(
        d.path(),
        &[],
        &[
            "init-ca",
            "--encrypt",
            "--passphrase-file",
            "pass",
            "--key-type",
            "ecdsa-p256",
            "--now",
            "2026-11-22T00:00:00Z",
        ],
    );
    d
}

const NOW: [&str; 2] = ["--now", "2026-11-22T00:00:00Z"];

fn with_now<'a>(args: &[&'a str]) -> Vec<&'a str> {
    args.iter().copied().chain(NOW).collect()
}

/// The DER SubjectPublicKeyInfo openssl reads from a key or a certificate.
fn openssl_spki(dir: &Path, args: &[&str]) -> Vec<u8> {
    let (ok, pem) = openssl(dir, args);
    assert!(ok, "openssl {args:?}: {pem}");
    let block = pem::parse(pem.as_bytes()).expect("openssl prints a PEM public key");
    block.into_contents()
}

#[test]
fn openssl_reads_the_encrypted_key_and_it_is_the_certificates() {
    if !have_openssl() {
        return;
    }
    let d = encrypted_pki();
    let dir = d.path();
    let key = std::fs::read_to_string(dir.join("pki/ca-key.pem")).unwrap();
    assert!(key.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
    let from_key = openssl_spki(
        dir,
        &[
            "pkey",
            "-in",
            "pki/ca-key.pem",
            "-passin",
            &format!("pass:{PASS}"),
            "-pubout",
        ],
    );
    let from_cert = openssl_spki(
        dir,
        &["x509", "-in", "pki/ca-cert.pem", "-pubkey", "-noout"],
    );
    assert_eq!(from_key, from_cert);
    let (ok, _) = openssl(
        dir,
        &[
            "pkey",
            "-in",
            "pki/ca-key.pem",
            "-passin",
            "pass:wrong",
            "-noout",
        ],
    );
    assert!(!ok, "openssl must refuse a wrong passphrase");
    // PBES2 with scrypt and AES-256-CBC.
    let (_, asn1) = openssl(dir, &["asn1parse", "-in", "pki/ca-key.pem"]);
    for alg in [":PBES2", ":scrypt", ":aes-256-cbc"] {
        assert!(asn1.contains(alg), "{alg} in {asn1}");
    }
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(dir.join("pki/ca-key.pem"))
            .unwrap()
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn signing_takes_the_passphrase_from_a_file_or_the_environment() {
    let d = encrypted_pki();
    let dir = d.path();
    must(
        dir,
        &[],
        &with_now(&[
            "issue-server",
            "db1",
            "--key-type",
            "ecdsa-p256",
            "--passphrase-file",
            "pass",
        ]),
    );
    must(
        dir,
        &[("CERTGEN_CA_PASSPHRASE", PASS)],
        &with_now(&["issue-client", "app", "--key-type", "ecdsa-p256"]),
    );
    // The file comes first: a wrong variable does not matter then.
    must(
        dir,
        &[("CERTGEN_CA_PASSPHRASE", "wrong")],
        &with_now(&[
            "issue-client",
            "app2",
            "--key-type",
            "ecdsa-p256",
            "--passphrase-file",
            "pass",
        ]),
    );
    must(
        dir,
        &[("CERTGEN_CA_PASSPHRASE", PASS)],
        &with_now(&[
            "setup",
            "mariadb",
            "--host",
            "db2",
            "--user",
            "bob",
            "--key-type",
            "ecdsa-p256",
        ]),
    );
    must(
        dir,
        &[("CERTGEN_CA_PASSPHRASE", PASS)],
        &with_now(&[
            "csr",
            "--cn",
            "ext",
            "--san",
            "ext",
            "--key-type",
            "ecdsa-p256",
            "--out",
            "ext.csr",
            "--out-key",
            "ext.key",
        ]),
    );
    must(
        dir,
        &[("CERTGEN_CA_PASSPHRASE", PASS)],
        &with_now(&["sign", "ext.csr", "--out", "ext.pem"]),
    );
    let list = must(dir, &[], &["list", "--at", "2026-11-23T00:00:00Z"]);
    for name in ["db1", "app", "app2", "db2", "bob", "ext"] {
        assert!(list.contains(&format!("CN={name}")), "{name} in {list}");
    }
}

#[test]
fn wrong_empty_and_missing_passphrases_are_refused() {
    let d = encrypted_pki();
    let dir = d.path();
    let issue = with_now(&["issue-client", "app", "--key-type", "ecdsa-p256"]);
    let out = run_env(dir, &[("CERTGEN_CA_PASSPHRASE", "wrong")], &issue);
    refused(&out, "pki/ca-key.pem: wrong passphrase", None);

    let out = run_env(dir, &[("CERTGEN_CA_PASSPHRASE", "")], &issue);
    refused(
        &out,
        "the passphrase from CERTGEN_CA_PASSPHRASE is empty",
        None,
    );

    std::fs::write(dir.join("empty"), "\n").unwrap();
    let mut args = issue.clone();
    args.extend(["--passphrase-file", "empty"]);
    refused(
        &run_env(dir, &[], &args),
        "the passphrase from empty is empty",
        None,
    );

    let out = run_env(dir, &[], &issue);
    refused(
        &out,
        "no passphrase for pki/ca-key.pem: none was given, and there is no terminal to ask for one",
        Some(
            "give the CA key's passphrase with --passphrase-file FILE or CERTGEN_CA_PASSPHRASE, or run certgen at a terminal to be asked",
        ),
    );

    let fifo = dir.join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let mut args = issue.clone();
    args.extend(["--passphrase-file", "fifo"]);
    refused(
        &run_env(dir, &[], &args),
        "reading the passphrase from fifo: not a regular file (a FIFO)",
        None,
    );
    let mut args = issue.clone();
    args.extend(["--passphrase-file", "missing"]);
    let out = run_env(dir, &[], &args);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("certgen: error: reading the passphrase from missing: "),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("pki/users").exists(), "nothing was issued");
}

#[test]
fn encrypt_refuses_before_writing_anything() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    std::fs::write(dir.join("empty"), "").unwrap();
    let init = ["init-ca", "--encrypt", "--key-type", "ecdsa-p256"];
    refused(
        &run_env(dir, &[], &init),
        "--encrypt: no passphrase was given, and there is no terminal to ask for one",
        Some(
            "give it with --passphrase-file FILE or CERTGEN_CA_PASSPHRASE, or run init-ca at a terminal",
        ),
    );
    let out = run_env(dir, &[("CERTGEN_CA_PASSPHRASE", "")], &init);
    refused(
        &out,
        "the passphrase for --encrypt: the passphrase from CERTGEN_CA_PASSPHRASE is empty",
        None,
    );
    let mut args = init.to_vec();
    args.extend(["--passphrase-file", "empty"]);
    let out = run_env(dir, &[], &args);
    refused(
        &out,
        "the passphrase for --encrypt: the passphrase from empty is empty",
        None,
    );
    let out = run_env(
        dir,
        &[("CERTGEN_CA_PASSPHRASE", PASS)],
        &[
            "init-ca",
            "--encrypt",
            "--key-type",
            "rsa2048",
            "--key-format",
            "pkcs1",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("an encrypted key is always PKCS#8, not pkcs1"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("pki").exists(), "nothing was created");
}

/// Runs `certgen ARGS` in a pseudo-terminal made by `script`, typing `typed`
/// once the prompt had time to turn echo off. Returns whether certgen
/// succeeded and everything the terminal showed, and checks that certgen
/// gave the terminal back with echo on, whatever happened.
fn at_terminal(dir: &Path, args: &[&str], typed: &str) -> (bool, String) {
    let bin = env!("CARGO_BIN_EXE_certgen");
    let command = std::iter::once(bin)
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let feed = format!("sleep 1; printf '{typed}'; sleep 2");
    let inner = format!("{command}; echo certgen-status=\\$?; stty -a");
    let shell = format!("({feed}) | script -qec \"{inner}\" /dev/null");
    let out = Command::new("sh")
        .arg("-c")
        .arg(shell)
        .current_dir(dir)
        .env_remove("CERTGEN_CA_PASSPHRASE")
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let stty = shown.split("certgen-status=").nth(1).unwrap_or_default();
    let modes: Vec<&str> = stty.split_whitespace().collect();
    assert!(
        modes.contains(&"echo") && modes.contains(&"icanon") && modes.contains(&"isig"),
        "the terminal is restored: {shown}"
    );
    (stty.starts_with("0"), shown)
}

fn have_script() -> bool {
    let found = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "script (util-linux) is needed for the terminal tests"
    );
    found
}

#[test]
fn the_terminal_prompt_reads_the_passphrase_without_echo() {
    if !have_script() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let init = with_now(&["init-ca", "--encrypt", "--key-type", "ecdsa-p256"]);
    let (ok, shown) = at_terminal(dir, &init, "tty secret\\ntty secret\\n");
    assert!(ok, "{shown}");
    assert!(shown.contains("Passphrase for the new CA key: "), "{shown}");
    assert!(shown.contains("Again, to confirm: "), "{shown}");
    assert!(!shown.contains("tty secret"), "echoed: {shown}");

    let issue = with_now(&["issue-client", "app", "--key-type", "ecdsa-p256"]);
    let (ok, shown) = at_terminal(dir, &issue, "tty secret\\n");
    assert!(ok, "{shown}");
    assert!(shown.contains("Passphrase for pki/ca-key.pem: "), "{shown}");
    assert!(!shown.contains("tty secret"), "echoed: {shown}");
    assert!(dir.join("pki/users/app/client-cert.pem").exists());

    let (ok, shown) = at_terminal(dir, &with_now(&["issue-client", "bob"]), "wrong\\n");
    assert!(!ok, "{shown}");
    assert!(
        shown.contains("pki/ca-key.pem: wrong passphrase"),
        "{shown}"
    );

    let e = tempfile::tempdir().unwrap();
    let (ok, shown) = at_terminal(e.path(), &init, "one\\ntwo\\n");
    assert!(!ok);
    assert!(shown.contains("the passphrases typed differ"), "{shown}");
    assert!(!e.path().join("pki").exists());

    // Ctrl-C at the prompt: stopped, nothing written, echo back on.
    let (ok, shown) = at_terminal(e.path(), &init, "half\\003");
    assert!(!ok);
    assert!(
        shown.contains("reading the passphrase from /dev/tty: interrupted"),
        "{shown}"
    );
    assert!(!e.path().join("pki").exists());

    // Backspace and Ctrl-U edit what is typed, as at a shell prompt.
    let (ok, shown) = at_terminal(
        dir,
        &with_now(&["issue-client", "carol", "--key-type", "ecdsa-p256"]),
        "nonsense\\025tty secrex\\177t\\n",
    );
    assert!(ok, "{shown}");
}

/// The CA's private scalar, as openssl prints it (`priv:` in `pkey -text`).
fn ca_secret(dir: &Path) -> Vec<u8> {
    let (ok, text) = openssl(
        dir,
        &[
            "pkey",
            "-in",
            "pki/ca-key.pem",
            "-passin",
            &format!("pass:{PASS}"),
            "-text",
            "-noout",
        ],
    );
    assert!(ok, "{text}");
    let hex: String = text
        .split("priv:")
        .nth(1)
        .and_then(|rest| rest.split("pub:").next())
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_hexdigit)
        .collect();
    let bytes: Vec<u8> = (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    // Without a leading zero byte openssl may add.
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(0);
    assert!(bytes.len() - start >= 30, "a P-256 scalar: {text}");
    bytes[start..].to_vec()
}

/// Every file under `dirs` whose bytes, or the content of any PEM block in
/// it, hold `secret`.
fn files_holding(dirs: &[&Path], secret: &[u8]) -> Vec<PathBuf> {
    fn walk(dir: &Path, secret: &[u8], found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                walk(&p, secret, found);
            } else if ft.is_file() {
                let Ok(bytes) = std::fs::read(&p) else {
                    continue;
                };
                let has = |b: &[u8]| b.windows(secret.len()).any(|w| w == secret);
                let in_pem = pem::parse_many(&bytes)
                    .map(|blocks| blocks.iter().any(|b| has(b.contents())))
                    .unwrap_or(false);
                if has(&bytes) || in_pem {
                    found.push(p);
                }
            }
        }
    }
    let mut found = Vec::new();
    for d in dirs {
        walk(d, secret, &mut found);
    }
    found
}

#[test]
fn no_plaintext_ca_key_reaches_the_disk_while_signing() {
    if !have_openssl() {
        return;
    }
    let d = encrypted_pki();
    let dir = d.path();
    let tmp = tempfile::tempdir().unwrap();
    let secret = ca_secret(dir);
    // The check itself finds the key where it is in the clear.
    let (ok, _) = openssl(
        dir,
        &[
            "pkey",
            "-in",
            "pki/ca-key.pem",
            "-passin",
            &format!("pass:{PASS}"),
            "-out",
            "plain.pem",
        ],
    );
    assert!(ok);
    assert_eq!(files_holding(&[dir], &secret), vec![dir.join("plain.pem")]);
    std::fs::remove_file(dir.join("plain.pem")).unwrap();

    let names: String = (0..300).map(|i| format!("user{i}\n")).collect();
    std::fs::write(dir.join("names"), names).unwrap();
    let mut child = detached(dir)
        .args(with_now(&[
            "issue-client",
            "--from",
            "names",
            "--key-type",
            "ecdsa-p256",
        ]))
        .env("CERTGEN_CA_PASSPHRASE", PASS)
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pki = dir.join("pki");
    let mut scans = 0;
    while child.try_wait().unwrap().is_none() {
        assert_eq!(
            files_holding(&[&pki, tmp.path()], &secret),
            Vec::<PathBuf>::new()
        );
        scans += 1;
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(scans > 0);
    assert_eq!(
        files_holding(&[&pki, tmp.path()], &secret),
        Vec::<PathBuf>::new()
    );
    assert!(pki.join("users/user299/client-cert.pem").exists());
}

#[test]
fn ca_passphrase_changes_and_removes_the_passphrase_keeping_the_key() {
    if !have_openssl() {
        return;
    }
    let d = encrypted_pki();
    let dir = d.path();
    let public = |pass: &str| {
        openssl_spki(
            dir,
            &[
                "pkey",
                "-in",
                "pki/ca-key.pem",
                "-passin",
                &format!("pass:{pass}"),
                "-pubout",
            ],
        )
    };
    let before = public(PASS);
    let old_file = std::fs::read(dir.join("pki/ca-key.pem")).unwrap();
    std::fs::write(dir.join("new"), "new passphrase\n").unwrap();

    // Without a new passphrase and no terminal: refused, nothing changed.
    let out = run_env(dir, &[], &["ca", "passphrase", "--passphrase-file", "pass"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no new passphrase was given"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(dir.join("pki/ca-key.pem")).unwrap(), old_file);

    // A wrong current passphrase: refused, nothing changed.
    let out = run_env(
        dir,
        &[("CERTGEN_CA_PASSPHRASE", "wrong")],
        &["ca", "passphrase", "--new-passphrase-file", "new"],
    );
    refused(
        &out,
        "changing the passphrase of pki/ca-key.pem: pki/ca-key.pem: wrong passphrase",
        None,
    );
    assert!(!dir.join("pki/old_keys").exists());

    let json = must(
        dir,
        &[],
        &with_now(&[
            "ca",
            "passphrase",
            "--passphrase-file",
            "pass",
            "--new-passphrase-file",
            "new",
            "--format",
            "json",
        ]),
    );
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["encrypted"], true);
    assert_eq!(report["key"], "pki/ca-key.pem");
    let archived = dir.join(report["archived"].as_str().unwrap());
    assert_eq!(std::fs::read(&archived).unwrap(), old_file);
    assert!(
        archived.starts_with(dir.join("pki/old_keys/2026-11-22T000000Z")),
        "{}",
        archived.display()
    );
    assert_eq!(public("new passphrase"), before);
    let (old_opens, _) = openssl(
        dir,
        &[
            "pkey",
            "-in",
            "pki/ca-key.pem",
            "-passin",
            &format!("pass:{PASS}"),
            "-noout",
        ],
    );
    assert!(!old_opens, "the old passphrase no longer opens it");
    must(
        dir,
        &[("CERTGEN_CA_PASSPHRASE", "new passphrase")],
        &with_now(&["issue-client", "app", "--key-type", "ecdsa-p256"]),
    );

    // Removed: a plain PKCS#8 key, the same key, the encrypted one archived.
    let encrypted = std::fs::read(dir.join("pki/ca-key.pem")).unwrap();
    let text = must(
        dir,
        &[("CERTGEN_CA_PASSPHRASE", "new passphrase")],
        &with_now(&["ca", "passphrase", "--remove"]),
    );
    assert!(
        text.starts_with("passphrase removed from pki/ca-key.pem\n"),
        "{text}"
    );
    let key = std::fs::read_to_string(dir.join("pki/ca-key.pem")).unwrap();
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert_eq!(public("unused"), before);
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(dir.join("pki/ca-key.pem"))
            .unwrap()
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    let archive = std::fs::read_dir(dir.join("pki/old_keys"))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read(e.path().join("ca-key.pem")).unwrap())
        .collect::<Vec<_>>();
    assert!(archive.contains(&encrypted) && archive.contains(&old_file));
    must(
        dir,
        &[],
        &with_now(&["issue-client", "bob", "--key-type", "ecdsa-p256"]),
    );

    // Encrypted again from a plain key.
    must(
        dir,
        &[("CERTGEN_CA_NEW_PASSPHRASE", "third")],
        &with_now(&["ca", "passphrase"]),
    );
    assert_eq!(public("third"), before);
    let out = run_env(
        dir,
        &[],
        &with_now(&["ca", "passphrase", "--remove", "--passphrase-file", "pass"]),
    );
    refused(
        &out,
        "changing the passphrase of pki/ca-key.pem: pki/ca-key.pem: wrong passphrase",
        None,
    );
}

#[test]
fn inspect_reports_the_key_as_encrypted() {
    let d = encrypted_pki();
    let dir = d.path();
    let text = must(dir, &[], &["inspect", "pki/ca-key.pem"]);
    assert!(text.contains("encrypted private key"), "{text}");
    let json = must(dir, &[], &["inspect", "pki/ca-key.pem", "--format", "json"]);
    assert!(json.contains("\"encrypted_private_key\""), "{json}");
    assert!(!json.contains(PASS));
    // DER too, as `openssl pkcs8 -topk8 -outform DER` writes it.
    let der = pem::parse(std::fs::read(dir.join("pki/ca-key.pem")).unwrap()).unwrap();
    std::fs::write(dir.join("key.der"), der.contents()).unwrap();
    let text = must(dir, &[], &["inspect", "key.der"]);
    assert!(text.contains("encrypted private key"), "{text}");
}

#[test]
fn an_intermediate_is_signed_by_an_encrypted_parent() {
    let d = encrypted_pki();
    let dir = d.path();
    let args = with_now(&[
        "--dir",
        "inter",
        "init-ca",
        "--intermediate",
        "--parent",
        "pki",
        "--cn",
        "Issuing CA",
        "--key-type",
        "ecdsa-p256",
    ]);
    let out = run_env(dir, &[], &args);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no passphrase for pki/ca-key.pem"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("inter").exists());
    must(dir, &[("CERTGEN_CA_PASSPHRASE", PASS)], &args);
    let key = std::fs::read_to_string(dir.join("inter/ca-key.pem")).unwrap();
    assert!(
        key.starts_with("-----BEGIN PRIVATE KEY-----"),
        "not asked to encrypt"
    );
}

#[test]
fn a_key_encrypted_by_openssl_is_read() {
    if !have_openssl() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    must(
        dir,
        &[],
        &with_now(&["init-ca", "--key-type", "ecdsa-p256"]),
    );
    // OpenSSL's default PBES2: PBKDF2-HMAC-SHA256 and AES-256-CBC.
    let (ok, err) = openssl(
        dir,
        &[
            "pkcs8",
            "-topk8",
            "-v2",
            "aes-256-cbc",
            "-in",
            "pki/ca-key.pem",
            "-passout",
            "pass:by openssl",
            "-out",
            "enc.pem",
        ],
    );
    assert!(ok, "{err}");
    std::fs::rename(dir.join("enc.pem"), dir.join("pki/ca-key.pem")).unwrap();
    must(
        dir,
        &[("CERTGEN_CA_PASSPHRASE", "by openssl")],
        &with_now(&["issue-client", "app", "--key-type", "ecdsa-p256"]),
    );
}

/// `crl` signs with the CA, so it takes the passphrase as the issuing commands do.
#[test]
fn crl_signs_with_an_encrypted_ca() {
    let d = encrypted_pki();
    let dir = d.path();
    must(
        dir,
        &[],
        &with_now(&[
            "issue-client",
            "-q",
            "bob",
            "--key-type",
            "ecdsa-p256",
            "--passphrase-file",
            "pass",
        ]),
    );
    must(
        dir,
        &[],
        &with_now(&["revoke", "bob", "--reason", "keyCompromise"]),
    );
    let out = run_env(dir, &[], &with_now(&["crl"]));
    refused(
        &out,
        "no passphrase for pki/ca-key.pem: none was given, and there is no terminal to ask for one",
        Some(
            "give the CA key's passphrase with --passphrase-file FILE or CERTGEN_CA_PASSPHRASE, or run certgen at a terminal to be asked",
        ),
    );
    assert!(!dir.join("pki/crl.pem").exists());
    must(dir, &[], &with_now(&["crl", "--passphrase-file", "pass"]));
    let (ok, text) = openssl(
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
    assert!(ok && text.contains("verify OK"), "{text}");
}

/// `setup --encrypt` encrypts the CA it creates, and refuses (writing nothing)
/// without a passphrase or when the CA exists already.
#[test]
fn setup_encrypts_the_ca_it_creates() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    std::fs::write(dir.join("pass"), format!("{PASS}\n")).unwrap();
    let args = [
        "setup",
        "mariadb",
        "--user",
        "app",
        "--key-type",
        "ecdsa-p256",
        "--ca-key-type",
        "ecdsa-p256",
        "--encrypt",
    ];
    let out = run_env(dir, &[], &with_now(&args));
    refused(
        &out,
        "--encrypt: no passphrase was given, and there is no terminal to ask for one",
        Some(
            "give it with --passphrase-file FILE or CERTGEN_CA_PASSPHRASE, or run setup at a terminal",
        ),
    );
    assert!(!dir.join("pki").exists(), "a refused setup wrote pki/");
    let mut with_pass = args.to_vec();
    with_pass.extend(["--passphrase-file", "pass"]);
    must(dir, &[], &with_now(&with_pass));
    let key = std::fs::read_to_string(dir.join("pki/ca-key.pem")).unwrap();
    assert!(
        key.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        "{key}"
    );
    let from_key = openssl_spki(
        dir,
        &[
            "pkey",
            "-in",
            "pki/ca-key.pem",
            "-passin",
            &format!("pass:{PASS}"),
            "-pubout",
        ],
    );
    let from_cert = openssl_spki(
        dir,
        &["x509", "-in", "pki/ca-cert.pem", "-noout", "-pubkey"],
    );
    assert_eq!(from_key, from_cert);
    // Again, with the CA there: --encrypt has nothing to encrypt.
    let before = snapshot(&dir.join("pki"));
    let out = run_env(dir, &[], &with_now(&with_pass));
    refused(
        &out,
        "--encrypt: pki holds a CA already; setup encrypts only a CA it creates",
        Some("encrypt the existing CA's key with `certgen ca passphrase`"),
    );
    assert_eq!(snapshot(&dir.join("pki")), before);
}
