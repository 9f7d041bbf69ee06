//! `certgen keystore`: every keystore and truststore it writes, in both
//! profiles, is read by `keytool` with the right entry types and aliases
//! and by `openssl pkcs12` (the modern profile with OpenSSL's default
//! provider alone); the `.pk8` key by `openssl pkey`; a Java client
//! compiled here loads the keystore and truststore into an `SSLContext` and
//! completes a handshake with client authentication against `openssl
//! s_server`; a .NET program on Mono loads the legacy profile's PFX and
//! signs with its key; during a CA changeover the truststore holds both
//! roots; and refusals write nothing.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const PASSWORD: &str = "s3cret-pw";

/// `tool`, which answers `probe` and comes with the Debian `package` that
/// scripts/test installs.
fn installed(tool: &str, probe: &str, package: &str) -> Command {
    let found = Command::new(tool)
        .arg(probe)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(found, "{tool} is missing: scripts/test installs {package}");
    Command::new(tool)
}

/// keytool, javac and java come with the JDK.
fn jdk(tool: &str) -> Command {
    let probe = if tool == "keytool" {
        "-help"
    } else {
        "-version"
    };
    installed(tool, probe, "default-jdk-headless")
}

/// A PKI in `dir/pki` with a user `app` (RSA), a user `ed` (Ed25519) and a
/// server `localhost` (ECDSA, with 127.0.0.1), and the password file.
fn pki(dir: &Path) {
    ok(dir, &["init-ca", "-q"]);
    ok(dir, &["issue-client", "app", "-q"]);
    ok(dir, &["issue-client", "ed", "-q", "--key-type", "ed25519"]);
    ok(
        dir,
        &[
            "issue-server",
            "localhost",
            "-q",
            "--key-type",
            "ecdsa-p256",
            "--san",
            "127.0.0.1",
        ],
    );
    write(&dir.join("pw"), format!("{PASSWORD}\n"));
}

fn keystore(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["keystore"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--password-file", "pw", "--format", "json"]);
    serde_json::from_str(&ok(dir, &all)).unwrap()
}

/// `keytool -list -v` of a store, the password read from the file `pw`.
fn keytool_list(dir: &Path, store: &Path) -> String {
    let out = jdk("keytool")
        .args(["-list", "-v", "-storetype", "PKCS12", "-keystore"])
        .arg(store)
        .args(["-storepass:file", "pw"])
        .current_dir(dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "keytool -list {}: {text}{}",
        store.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// (alias, entry type, chain length) of each entry keytool lists.
fn entries(listing: &str) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    for block in listing.split("Alias name: ").skip(1) {
        let field = |name: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_string())
        };
        let alias = block.lines().next().unwrap().trim().to_string();
        let kind = field("Entry type:").unwrap();
        let chain = field("Certificate chain length:").map_or(1, |n| n.parse().unwrap());
        out.push((alias, kind, chain));
    }
    out
}

/// An OpenSSL configuration that loads no provider but the default one.
fn default_provider_only(dir: &Path) -> PathBuf {
    let conf = dir.join("openssl-default.cnf");
    write(&conf, "");
    conf
}

/// `openssl pkcs12 -info -noout` of a store, with the default provider alone
/// or with `-legacy`.
fn pkcs12_info(dir: &Path, store: &Path, legacy: bool) -> String {
    let mut cmd = Command::new("openssl");
    cmd.args(["pkcs12", "-info", "-noout", "-passin", "file:pw", "-in"])
        .arg(store)
        .env("OPENSSL_CONF", default_provider_only(dir))
        .current_dir(dir);
    if legacy {
        cmd.arg("-legacy");
    }
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{}: {text}", store.display());
    text
}

/// The public key (PEM) openssl reads from a file, by `openssl ARGS -pubout`.
fn pubkey(dir: &Path, args: &[&str]) -> String {
    let (good, out) = openssl(dir, args);
    assert!(good, "{args:?}: {out}");
    out
}

/// The public keys, as openssl prints them, of the private key in keystore
/// `ks` (its password in `dir/pw`; the key is written out to `scratch`)
/// and of the PKCS#8 DER key `pk8`.
fn public_keys(dir: &Path, ks: &Path, pk8: &Path, scratch: &str) -> (String, String) {
    let (good, out) = openssl(
        dir,
        &[
            "pkcs12",
            "-in",
            ks.to_str().unwrap(),
            "-passin",
            "file:pw",
            "-nocerts",
            "-nodes",
            "-out",
            scratch,
        ],
    );
    assert!(good, "{out}");
    let pk8 = pk8.to_str().unwrap();
    (
        pubkey(dir, &["pkey", "-in", scratch, "-pubout"]),
        pubkey(dir, &["pkey", "-inform", "DER", "-in", pk8, "-pubout"]),
    )
}

#[test]
fn keytool_and_openssl_read_every_store_in_both_profiles() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    for (kind, name, alias, pk8) in [
        ("user", "app", "user", "client-key.pk8"),
        ("user", "ed", "user", "client-key.pk8"),
        ("server", "localhost", "server", "server-key.pk8"),
    ] {
        let bundle = format!("pki/{kind}s/{name}");
        let cert = format!("{bundle}/{}-cert.pem", &pk8[..6]);
        let cert_key = pubkey(dir, &["x509", "-in", &cert, "-noout", "-pubkey"]);
        for profile in ["modern", "legacy"] {
            let out = format!("{name}-{profile}");
            let mut args = vec![kind, name, "--out", out.as_str()];
            if profile == "legacy" {
                args.push("--legacy");
            }
            let doc = keystore(dir, &args);
            assert_eq!(doc["profile"], profile);
            assert_eq!(doc["keystore"]["alias"], alias);
            let ks = dir.join(&out).join("keystore.p12");
            let ts = dir.join(&out).join("truststore.p12");
            let key = dir.join(&out).join(pk8);
            assert_eq!(
                doc["files"]["keystore"],
                ks.strip_prefix(dir).unwrap().to_str().unwrap()
            );
            assert_eq!((mode(&ks), mode(&key), mode(&ts)), (0o600, 0o600, 0o644));

            let listed = entries(&keytool_list(dir, &ks));
            assert_eq!(
                listed,
                vec![(alias.to_string(), "PrivateKeyEntry".to_string(), 2)],
                "{out}"
            );
            let listed = entries(&keytool_list(dir, &ts));
            assert_eq!(
                listed,
                vec![("ca".to_string(), "trustedCertEntry".to_string(), 1)],
                "{out}"
            );

            let legacy = profile == "legacy";
            for store in [&ks, &ts] {
                let info = pkcs12_info(dir, store, legacy);
                let expected: &[&str] = if legacy {
                    &["MAC: sha1", "pbeWithSHA1And3-KeyTripleDES-CBC"]
                } else {
                    &[
                        "MAC: sha256",
                        "PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256",
                    ]
                };
                for e in expected {
                    assert!(info.contains(e), "{}: {e} in {info}", store.display());
                }
                assert!(!info.contains("RC2"), "{info}");
            }
            // The key the keystore holds is the bundle's.
            let (from_store, from_pk8) = public_keys(dir, &ks, &key, &format!("{out}/key.pem"));
            assert_eq!(from_store, cert_key, "{out}");
            assert_eq!(from_pk8, cert_key, "{out}");
        }
    }
}

#[test]
fn the_legacy_profile_holds_no_pbes2_and_openssl_3_reads_it_without_its_legacy_provider() {
    // Java before 8u301 and older Windows cannot decrypt PBES2: nothing in
    // a legacy store may use it. Its 3DES needs no legacy provider either.
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    keystore(dir, &["user", "app", "--out", "modern"]);
    keystore(dir, &["user", "app", "--out", "legacy", "--legacy"]);
    let pbes2 = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
    let has = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    for store in ["keystore.p12", "truststore.p12"] {
        let modern = std::fs::read(dir.join("modern").join(store)).unwrap();
        let legacy = std::fs::read(dir.join("legacy").join(store)).unwrap();
        assert!(has(&modern, &pbes2), "{store}");
        assert!(
            !has(&legacy, &pbes2),
            "no PBES2 anywhere in the legacy {store}"
        );
        let info = pkcs12_info(dir, &dir.join("legacy").join(store), false);
        assert!(info.contains("pbeWithSHA1And3-KeyTripleDES-CBC"), "{info}");
    }
}

/// The Java client: loads the keystore and truststore (PKCS#12, the
/// password read from a file), verifies the server's name, and completes a
/// handshake with its client certificate.
const JAVA_CLIENT: &str = r#"
import java.io.*;
import java.nio.file.*;
import java.security.KeyStore;
import javax.net.ssl.*;

public class KeystoreClient {
    public static void main(String[] a) throws Exception {
        char[] pw = Files.readAllLines(Paths.get(a[4])).get(0).toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(a[2])) { ks.load(in, pw); }
        KeyStore ts = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(a[3])) { ts.load(in, pw); }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(a[0], Integer.parseInt(a[1]))) {
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write("hello from java\n".getBytes("UTF-8"));
            out.flush();
            System.out.println("server " + s.getSession().getPeerPrincipal().getName());
            System.out.println("client " + s.getSession().getLocalPrincipal().getName());
        }
    }
}
"#;

/// Compiles the Java client into `dir/java`.
fn compile_client(dir: &Path) -> PathBuf {
    let classes = dir.join("java");
    std::fs::create_dir_all(&classes).unwrap();
    let source = classes.join("KeystoreClient.java");
    write(&source, JAVA_CLIENT);
    let out = jdk("javac")
        .arg("-d")
        .arg(&classes)
        .arg(&source)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    classes
}

/// `openssl s_server` with the server bundle `localhost`, requiring a
/// client certificate that `ca` verifies, and the Java client with the
/// stores in `stores`: (whether the client succeeded, what it printed, what
/// the server printed).
fn handshake(dir: &Path, classes: &Path, stores: &str, ca: &str) -> (bool, String, String) {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut server = Command::new("openssl")
        .args([
            "s_server",
            "-cert",
            "pki/servers/localhost/server-cert.pem",
            "-key",
            "pki/servers/localhost/server-key.pem",
            "-CAfile",
            ca,
            "-Verify",
            "2",
            "-verify_return_error",
            "-accept",
        ])
        .arg(format!("127.0.0.1:{port}"))
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Its stdin stays open (s_server ends at its end), and it handles one
    // connection after another: a probe that closes at once does not stop it.
    let _stdin = server.stdin.take();
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    let client = jdk("java")
        .arg("-cp")
        .arg(classes)
        .args(["KeystoreClient", "localhost", &port.to_string()])
        .arg(format!("{stores}/keystore.p12"))
        .arg(format!("{stores}/truststore.p12"))
        .arg("pw")
        .current_dir(dir)
        .output()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let _ = server.kill();
    let out = server.wait_with_output().unwrap();
    let text = |o: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    (client.status.success(), text(&client), text(&out))
}

#[test]
fn a_java_client_handshakes_with_the_stores_and_trusts_only_their_ca() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    let classes = compile_client(dir);
    for (name, profile) in [("app", "modern"), ("ed", "legacy"), ("app", "legacy")] {
        let out = format!("{name}-{profile}");
        let mut args = vec!["user", name, "--out", out.as_str()];
        if profile == "legacy" {
            args.push("--legacy");
        }
        keystore(dir, &args);
        let (good, client, server) = handshake(dir, &classes, &out, "pki/ca-cert.pem");
        assert!(good, "{out}: {client}\nserver: {server}");
        assert!(client.contains("server CN=localhost"), "{client}");
        assert!(client.contains(&format!("client CN={name}")), "{client}");
        assert!(server.contains("hello from java"), "{server}");
    }
    // The stores of another PKI: the client does not trust this server.
    let other = dir.join("other");
    std::fs::create_dir(&other).unwrap();
    ok(&other, &["init-ca", "-q", "--cn", "Other CA"]);
    ok(&other, &["issue-client", "app", "-q"]);
    write(&other.join("pw"), format!("{PASSWORD}\n"));
    keystore(&other, &["user", "app", "--out", "stores"]);
    let (good, client, _) = handshake(dir, &classes, "other/stores", "pki/ca-cert.pem");
    assert!(!good, "a truststore of another CA: {client}");
    assert!(client.contains("PKIX path building failed"), "{client}");
}

#[test]
fn during_a_ca_changeover_the_truststore_holds_both_roots() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    let classes = compile_client(dir);
    ok(dir, &["rotate-ca", "-q", "--cn", "certgen CA 2"]);
    // A user of the new CA; the server's certificate is still the old CA's.
    ok(dir, &["issue-client", "new", "-q"]);
    for (name, out) in [("new", "new-stores"), ("app", "app-stores")] {
        let doc = keystore(dir, &["user", name, "--out", out]);
        assert_eq!(doc["ca_file"], "pki/ca-bundle.pem");
        let trusted: Vec<(&str, &str)> = doc["truststore"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["alias"].as_str().unwrap(),
                    e["certificate"]["subject"].as_str().unwrap(),
                )
            })
            .collect();
        let mut subjects: Vec<&str> = trusted.iter().map(|(_, s)| *s).collect();
        subjects.sort();
        assert_eq!(subjects, ["/CN=certgen CA", "/CN=certgen CA 2"], "{doc}");
        let listed = entries(&keytool_list(dir, &dir.join(out).join("truststore.p12")));
        let mut aliases: Vec<(String, String)> =
            listed.into_iter().map(|(a, k, _)| (a, k)).collect();
        aliases.sort();
        assert_eq!(
            aliases,
            [
                ("ca-1".to_string(), "trustedCertEntry".to_string()),
                ("ca-2".to_string(), "trustedCertEntry".to_string())
            ]
        );
        let chain: Vec<&str> = doc["keystore"]["chain"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["subject"].as_str().unwrap())
            .collect();
        let issuer = if name == "new" {
            "/CN=certgen CA 2"
        } else {
            "/CN=certgen CA"
        };
        assert_eq!(chain, [format!("/CN={name}").as_str(), issuer]);
        // The server (old CA) is trusted by the new user's truststore, and
        // the server trusts both roots.
        let (good, client, server) = handshake(dir, &classes, out, "pki/ca-bundle.pem");
        assert!(good, "{out}: {client}\nserver: {server}");
    }
}

#[test]
fn an_intermediate_ca_gives_the_whole_chain() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["--dir", "root", "init-ca", "-q", "--path-len", "1"]);
    ok(
        dir,
        &[
            "--dir",
            "inter",
            "init-ca",
            "-q",
            "--intermediate",
            "--parent",
            "root",
            "--cn",
            "Issuing CA",
        ],
    );
    ok(dir, &["--dir", "inter", "issue-client", "app", "-q"]);
    write(&dir.join("pw"), format!("{PASSWORD}\n"));
    let out = ok(
        dir,
        &[
            "--dir",
            "inter",
            "keystore",
            "user",
            "app",
            "--out",
            "stores",
            "--password-file",
            "pw",
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let subjects = |v: &serde_json::Value, field: &str| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let c = if field.is_empty() { c } else { &c[field] };
                c["subject"].as_str().unwrap().to_string()
            })
            .collect()
    };
    assert_eq!(
        subjects(&doc["keystore"]["chain"], ""),
        ["/CN=app", "/CN=Issuing CA", "/CN=certgen CA"]
    );
    let listed = entries(&keytool_list(dir, &dir.join("stores/keystore.p12")));
    assert_eq!(
        listed,
        [("user".to_string(), "PrivateKeyEntry".to_string(), 3)]
    );
    let trusted = subjects(&doc["truststore"], "certificate");
    assert_eq!(trusted.len(), 2, "the CA file: the chain up to the root");
}

/// The directory's entries, for "nothing was written".
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn refusals_exit_2_and_write_nothing() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    ok(dir, &["revoke", "app", "-q"]);
    ok(dir, &["issue-client", "bob", "-q"]);
    write(&dir.join("short"), "abc\n");
    write(&dir.join("accented"), "m\u{f6}tley-pw\n");
    std::fs::create_dir(dir.join("taken")).unwrap();
    write(&dir.join("taken/truststore.p12"), "someone's");
    std::os::unix::fs::symlink("taken", dir.join("linked")).unwrap();
    let before = snapshot(dir);
    let refused = |args: &[&str], env: &[(&str, &str)], says: &str| {
        let mut cmd = certgen_via("setsid", &["-w"], dir);
        cmd.arg("keystore").args(args).stdin(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {says} in {err}");
        assert_eq!(
            err.lines()
                .filter(|l| l.starts_with("certgen: error"))
                .count(),
            1
        );
        assert_eq!(snapshot(dir), before, "{args:?} wrote nothing");
    };
    let pw = ["--password-file", "pw"];
    refused(
        &["user", "bob", "--out", "out"],
        &[],
        "no keystore password was given, and there is no terminal",
    );
    refused(
        &["user", "bob", "--out", "out", "--password-env", "KS_PASS"],
        &[],
        "the environment variable KS_PASS is not set",
    );
    refused(
        &["user", "bob", "--out", "out", "--password-env", "KS_PASS"],
        &[("KS_PASS", "")],
        "is empty",
    );
    refused(
        &["user", "bob", "--out", "out", "--password-file", "short"],
        &[],
        "shorter than 6 characters",
    );
    refused(
        &["user", "bob", "--out", "out", "--password-file", "accented"],
        &[],
        "other than printable ASCII",
    );
    refused(
        &[&["user", "app", "--out", "out"][..], &pw].concat(),
        &[],
        "is revoked",
    );
    // Every check comes before the password is asked for.
    refused(&["user", "app", "--out", "out"], &[], "is revoked");
    refused(&["user", "bob", "--out", "taken"], &[], "already exists");
    refused(
        &[&["user", "nobody", "--out", "out"][..], &pw].concat(),
        &[],
        "no user bundle \"nobody\"",
    );
    refused(
        &[&["server", "app", "--out", "out"][..], &pw].concat(),
        &[],
        "no server bundle \"app\"",
    );
    refused(
        &[&["user", "bob", "--out", "pki/jdbc"][..], &pw].concat(),
        &[],
        "inside the PKI directory",
    );
    refused(
        &[&["user", "bob", "--out", "pki/jdbc"][..], &pw].concat(),
        &[],
        "hint: --out is the directory the server, client or application reads",
    );
    refused(
        &[&["user", "bob", "--out", "linked"][..], &pw].concat(),
        &[],
        "hint: certgen does not write through links: point --out",
    );
    refused(
        &[&["user", "bob", "--out", "no/such/dir"][..], &pw].concat(),
        &[],
        "does not exist",
    );
    refused(
        &[&["user", "bob", "--out", "no/such/dir"][..], &pw].concat(),
        &[],
        "hint: create it first, or choose another --out",
    );
    refused(
        &[&["user", "bob", "--out", "taken"][..], &pw].concat(),
        &[],
        "taken/truststore.p12 already exists",
    );
    refused(
        &[&["user", "bob", "--out", "out", "--alias", "Bob"][..], &pw].concat(),
        &[],
        "Java lowercases",
    );
    // Both sources at once is a usage error.
    let out = run(
        dir,
        &[
            "keystore",
            "user",
            "bob",
            "--out",
            "out",
            "--password-file",
            "pw",
            "--password-env",
            "X",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot be used with"),
        "{}",
        stderr(&out)
    );
    assert_eq!(listing(&dir.join("taken")), ["truststore.p12"]);
}

#[test]
fn a_ca_file_holding_what_is_not_a_certificate_is_refused_before_the_password() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    let ca_file = dir.join("pki/users/app/ca-cert.pem");
    let mut pem = std::fs::read_to_string(&ca_file).unwrap();
    pem.push_str("-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n");
    write(&ca_file, pem);
    let before = snapshot(dir);
    // No password source and no terminal: the file is found wrong first.
    let out = certgen_via("setsid", &["-w"], dir)
        .args(["keystore", "user", "app", "--out", "out"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("users/app/ca-cert.pem"), "{err}");
    assert!(!err.contains("password"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(snapshot(dir), before);
}

/// `certgen keystore user app OUT` run in `dir` at a terminal (script gives
/// it a pty), which types `typed-pw` at each of its two prompts, a second
/// apart; `before` runs (in `dir`) just before the first. What the terminal
/// showed, ending with `certgen-status=` and certgen's exit status.
fn at_a_terminal(dir: &Path, out: &str, before: &str) -> String {
    let inner = format!(
        "'{}' keystore user app {out}; echo certgen-status=\\$?",
        env!("CARGO_BIN_EXE_certgen")
    );
    let feed =
        format!("sleep 1; {before} printf 'typed-pw\\r'; sleep 1; printf 'typed-pw\\r'; sleep 2");
    let shown = Command::new("sh")
        .arg("-c")
        .arg(format!("({feed}) | script -qec \"{inner}\" /dev/null"))
        .current_dir(dir)
        .env_remove("CERTGEN_DIR")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
        .stdout;
    String::from_utf8_lossy(&shown).into_owned()
}

#[test]
fn the_password_comes_from_the_environment_or_the_terminal() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    let out = certgen(dir)
        .args([
            "keystore",
            "user",
            "app",
            "--out",
            "env",
            "--password-env",
            "KS_PASS",
        ])
        .env("KS_PASS", "from-the-env")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    write(&dir.join("pw"), "from-the-env\n");
    assert_eq!(
        entries(&keytool_list(dir, &dir.join("env/keystore.p12"))).len(),
        1
    );
    // At a terminal (script gives certgen a pty): asked twice, echo off.
    let shown = at_a_terminal(dir, "--out typed", "");
    assert!(shown.contains("certgen-status=0"), "{shown}");
    assert!(
        shown.contains("Password for the keystore and truststore:"),
        "{shown}"
    );
    assert!(
        !shown.contains("typed-pw"),
        "the password is not echoed: {shown}"
    );
    write(&dir.join("pw"), "typed-pw\n");
    assert_eq!(
        entries(&keytool_list(dir, &dir.join("typed/truststore.p12"))).len(),
        1
    );
}

/// Every path under `dir`, directories included, for "nothing was written".
fn tree(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(base).unwrap().display().to_string());
            if std::fs::symlink_metadata(&p).unwrap().is_dir() {
                walk(base, &p, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Home directories `homes/USER` for `users`, as the batch's parents.
fn homes(dir: &Path, users: &[&str]) {
    for u in users {
        std::fs::create_dir_all(dir.join("homes").join(u)).unwrap();
    }
}

#[test]
fn several_users_get_their_stores_each_in_their_own_directory() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    ok(
        dir,
        &["issue-client", "bob", "-q", "--key-type", "ecdsa-p384"],
    );
    let users = ["app", "ed", "bob"];
    homes(dir, &users);
    let doc = keystore(
        dir,
        &["user", "app", "ed", "bob", "--out", "homes/{user}/jdbc"],
    );
    let stores = doc["keystores"].as_array().unwrap();
    assert_eq!(stores.len(), 3, "{doc}");
    assert_eq!(doc["skipped"], serde_json::json!([]));
    for (name, entry) in users.iter().zip(stores) {
        let out = dir.join("homes").join(name).join("jdbc");
        assert_eq!(entry["name"], *name);
        assert_eq!(entry["dir"], format!("homes/{name}/jdbc"));
        assert_eq!(entry["created_dir"], true);
        assert_eq!(entry["keystore"]["alias"], "user");
        assert_eq!(
            entry["certificate"]["subject"],
            format!("/CN={name}"),
            "{entry}"
        );
        let (ks, ts, pk8) = (
            out.join("keystore.p12"),
            out.join("truststore.p12"),
            out.join("client-key.pk8"),
        );
        assert_eq!((mode(&ks), mode(&ts), mode(&pk8)), (0o600, 0o644, 0o600));
        assert_eq!(
            listing(&out),
            ["client-key.pk8", "keystore.p12", "truststore.p12"]
        );
        assert_eq!(
            entries(&keytool_list(dir, &ks)),
            [("user".to_string(), "PrivateKeyEntry".to_string(), 2)],
            "{name}"
        );
        assert_eq!(
            entries(&keytool_list(dir, &ts)),
            [("ca".to_string(), "trustedCertEntry".to_string(), 1)],
            "{name}"
        );
        for store in [&ks, &ts] {
            let info = pkcs12_info(dir, store, false);
            assert!(
                info.contains("PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256"),
                "{info}"
            );
            assert!(info.contains("MAC: sha256, Iteration 10000"), "{info}");
        }
        // Each user's keystore holds that user's key and certificate.
        let cert = format!("pki/users/{name}/client-cert.pem");
        let cert_key = pubkey(dir, &["x509", "-in", &cert, "-noout", "-pubkey"]);
        let key_pem = format!("homes/{name}/key.pem");
        let (from_store, from_pk8) = public_keys(dir, &ks, &pk8, &key_pem);
        assert_eq!(from_store, cert_key, "{name}");
        assert_eq!(from_pk8, cert_key, "{name}");
    }
    // The directories `config --keystore-dir` names with the same {user}
    // hold what its JDBC settings point at.
    let settings: serde_json::Value = serde_json::from_str(&ok(
        dir,
        &[
            "config",
            "mariadb",
            "--server",
            "localhost",
            "--user",
            "app,bob",
            "--client",
            "jdbc",
            "--keystore-dir",
            "homes/{user}/jdbc",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    let mut named = 0;
    for driver in settings["drivers"].as_array().unwrap() {
        for s in driver["settings"].as_array().unwrap() {
            let value = s["value"].as_str().unwrap_or_default();
            if let Some(at) = value.find("/homes/") {
                let path = value.trim_start_matches("file:");
                assert!(Path::new(path).is_file(), "{path} ({value})");
                assert!(value[at..].contains("/jdbc/"), "{value}");
                named += 1;
            }
        }
    }
    assert!(
        named >= 4,
        "the JDBC settings name the keystores: {settings}"
    );
}

/// A .NET program run by Mono: loads a PKCS#12 file with
/// `X509Certificate2` (the password from the environment) and, when it
/// holds a private key, signs with it and verifies with the certificate's
/// public key.
const MONO_PFX: &str = r#"
using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
class Pfx {
    static int Main(string[] a) {
        try {
            var c = new X509Certificate2(a[0], Environment.GetEnvironmentVariable("PFX_PASSWORD"), X509KeyStorageFlags.Exportable);
            var matches = "none";
            if (c.HasPrivateKey) {
                var data = System.Text.Encoding.UTF8.GetBytes("certgen");
                var signed = ((RSACryptoServiceProvider)c.PrivateKey).SignData(data, "SHA256");
                matches = ((RSACryptoServiceProvider)c.PublicKey.Key).VerifyData(data, "SHA256", signed).ToString();
            }
            Console.WriteLine("subject=" + c.Subject + " key_matches=" + matches);
            return 0;
        } catch (Exception e) {
            Console.WriteLine("error " + e.GetType().Name + ": " + e.Message);
            return 1;
        }
    }
}
"#;

/// Mono, an implementation of the .NET Framework's API, reads the legacy
/// profile's PFX (the key, which signs what the certificate's public key
/// verifies, and the truststore's CA) and, like the older .NET readers the
/// legacy profile is for, not the modern profile's PBES2.
#[test]
fn mono_reads_the_legacy_pfx_and_not_the_modern_one() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    write(&dir.join("Pfx.cs"), MONO_PFX);
    let out = installed("mcs", "--version", "mono-mcs")
        .current_dir(dir)
        .args(["-out:Pfx.exe", "Pfx.cs", "-r:System.dll"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    keystore(dir, &["user", "app", "--out", "legacy", "--legacy"]);
    keystore(dir, &["user", "app", "--out", "modern"]);
    let read = |file: &str| {
        let out = installed("mono", "--version", "mono-runtime")
            .current_dir(dir)
            .arg("Pfx.exe")
            .arg(file)
            .env("PFX_PASSWORD", PASSWORD)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
        )
    };
    assert_eq!(
        read("legacy/keystore.p12"),
        (true, "subject=CN=app key_matches=True".to_string())
    );
    assert_eq!(
        read("legacy/truststore.p12"),
        (true, "subject=CN=certgen CA key_matches=none".to_string())
    );
    let (ok, said) = read("modern/keystore.p12");
    assert!(
        !ok && said.starts_with("error CryptographicException"),
        "{said}"
    );
}

/// The output directory is checked before the password is asked for, and
/// again just before the files are written: a directory replaced by a link
/// meanwhile (to somewhere its owner could not write) gets nothing, there or
/// where the link points.
#[test]
fn a_directory_swapped_for_a_link_during_the_prompt_gets_nothing() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    std::fs::create_dir_all(dir.join("homes/app/jdbc")).unwrap();
    std::fs::create_dir(dir.join("stolen")).unwrap();
    let shown = at_a_terminal(
        dir,
        "--out homes/app/jdbc",
        "mv homes/app/jdbc homes/app/moved; ln -s ../../stolen homes/app/jdbc;",
    );
    assert!(
        shown.contains("certgen-status=") && !shown.contains("certgen-status=0"),
        "{shown}"
    );
    assert!(
        shown.contains("homes/app/jdbc changed while this command ran"),
        "{shown}"
    );
    for left in ["stolen", "homes/app/moved"] {
        assert_eq!(listing(&dir.join(left)), Vec::<String>::new(), "{left}");
    }
}

/// Bundles of a batch that trust the same CA certificates share one
/// truststore, encoded once (the same bytes in each directory); a bundle
/// whose CA file holds another certificate gets its own.
#[test]
fn a_batch_encodes_each_distinct_truststore_once() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    ok(dir, &["issue-client", "bob", "-q"]);
    ok(
        dir,
        &["--dir", "other", "init-ca", "-q", "--cn", "Other CA"],
    );
    let mut bob_ca = std::fs::read(dir.join("pki/users/bob/ca-cert.pem")).unwrap();
    bob_ca.extend(std::fs::read(dir.join("other/ca-cert.pem")).unwrap());
    std::fs::write(dir.join("pki/users/bob/ca-cert.pem"), bob_ca).unwrap();
    let users = ["app", "ed", "bob"];
    homes(dir, &users);
    keystore(
        dir,
        &["user", "app", "ed", "bob", "--out", "homes/{user}/jdbc"],
    );
    let store = |u: &str, f: &str| std::fs::read(dir.join(format!("homes/{u}/jdbc/{f}"))).unwrap();
    assert_eq!(
        store("app", "truststore.p12"),
        store("ed", "truststore.p12"),
        "the same CA file, one truststore"
    );
    assert_ne!(
        store("app", "truststore.p12"),
        store("bob", "truststore.p12")
    );
    assert_ne!(
        store("app", "keystore.p12"),
        store("ed", "keystore.p12"),
        "each keystore its own"
    );
    let listed = |u: &str| {
        let ts = dir.join(format!("homes/{u}/jdbc/truststore.p12"));
        entries(&keytool_list(dir, &ts)).len()
    };
    assert_eq!((listed("app"), listed("ed"), listed("bob")), (1, 1, 2));
}

#[test]
fn user_in_out_names_the_directory_of_a_single_user_too_and_text_lists_each_user() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    homes(dir, &["app", "ed"]);
    let one = keystore(dir, &["user", "app", "--out", "homes/{user}/jdbc"]);
    assert_eq!(one["name"], "app", "one name: the single report");
    assert_eq!(one["dir"], "homes/app/jdbc");
    assert!(dir.join("homes/app/jdbc/keystore.p12").is_file());
    // A second batch into directories that exist: created_dir false, and
    // the text names each user's directory.
    std::fs::create_dir(dir.join("homes/app/legacy")).unwrap();
    std::fs::create_dir(dir.join("homes/ed/legacy")).unwrap();
    let text = ok(
        dir,
        &[
            "keystore",
            "user",
            "app",
            "ed",
            "--out",
            "homes/{user}/legacy",
            "--legacy",
            "--password-file",
            "pw",
        ],
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("wrote the keystores of 2 users in the legacy profile"),
        "{text}"
    );
    assert!(
        lines[0].ends_with(
            "keystore.p12 (0600), truststore.p12 (0644) and client-key.pk8 (0600) in each directory"
        ),
        "{text}"
    );
    for (line, user) in lines[1..].iter().zip(["app", "ed"]) {
        assert!(line.contains(&format!("homes/{user}/legacy ")), "{line}");
        assert!(!line.contains("(created)"), "{line}");
        assert!(
            line.contains(&format!("PrivateKeyEntry user: /CN={user} < ")),
            "{line}"
        );
        let store = dir.join(format!("homes/{user}/legacy/keystore.p12"));
        let info = pkcs12_info(dir, &store, false);
        assert!(info.contains("pbeWithSHA1And3-KeyTripleDES-CBC"), "{info}");
    }
}

/// The bundles a batch's JSON report wrote, in order.
fn names_written(doc: &serde_json::Value) -> Vec<&str> {
    doc["keystores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect()
}

#[test]
fn all_skips_a_bundle_this_ca_s_index_does_not_record() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    ok(dir, &["issue-client", "lost", "-q"]);
    let index = dir.join("pki/index.txt");
    let kept: String = std::fs::read_to_string(&index)
        .unwrap()
        .lines()
        .filter(|l| !l.ends_with("/CN=lost"))
        .map(|l| format!("{l}\n"))
        .collect();
    write(&index, kept);
    std::fs::create_dir(dir.join("out")).unwrap();
    let doc = keystore(dir, &["user", "--all", "--out", "out/{user}"]);
    assert_eq!(doc["skipped"][0]["name"], "lost", "{doc}");
    assert_eq!(doc["skipped"][0]["reason"], "not-in-index", "{doc}");
    assert_eq!(listing(&dir.join("out")), ["app", "ed"]);
}

#[test]
fn all_says_revoked_for_a_revoked_bundle_of_a_rotated_out_ca_as_renew_does() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    ok(dir, &["issue-client", "bob", "-q"]);
    ok(dir, &["revoke", "bob", "-q"]);
    ok(dir, &["rotate-ca", "-q"]);
    ok(dir, &["renew", "--all", "-q"]);
    ok(dir, &["rotate-ca", "--finish", "-q"]);
    std::fs::create_dir(dir.join("out")).unwrap();
    let doc = keystore(dir, &["user", "--all", "--out", "out/{user}"]);
    let skipped = doc["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{doc}");
    assert_eq!(skipped[0]["name"], "bob");
    assert_eq!(skipped[0]["reason"], "revoked", "{doc}");
    let renew: serde_json::Value = serde_json::from_str(&ok(
        dir,
        &["renew", "--all", "--within", "1d", "--format", "json"],
    ))
    .unwrap();
    let bob: Vec<_> = renew["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["name"] == "bob")
        .collect();
    assert_eq!(bob[0]["reason"], "revoked", "{renew}");
}

#[test]
fn all_writes_every_current_user_and_skips_the_others_with_a_note() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    for u in ["bob", "gone", "old"] {
        ok(dir, &["issue-client", u, "-q"]);
    }
    ok(dir, &["revoke", "gone", "-q"]);
    // old's bundle put back after a renewal: its certificate is superseded.
    let saved = dir.join("old-saved");
    std::fs::create_dir(&saved).unwrap();
    for f in ["client-key.pem", "client-cert.pem", "ca-cert.pem"] {
        std::fs::copy(dir.join("pki/users/old").join(f), saved.join(f)).unwrap();
    }
    ok(dir, &["renew", "old", "-q"]);
    for f in ["client-key.pem", "client-cert.pem"] {
        std::fs::copy(saved.join(f), dir.join("pki/users/old").join(f)).unwrap();
    }
    std::fs::create_dir(dir.join("out")).unwrap();
    let out = certgen(dir)
        .args([
            "keystore",
            "user",
            "--all",
            "--out",
            "out/{user}",
            "--password-file",
            "pw",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let written = names_written(&doc);
    assert_eq!(written, ["app", "bob", "ed"]);
    let skipped: Vec<(&str, &str, &str)> = doc["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap(),
                s["reason"].as_str().unwrap(),
                s["detail"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(skipped.len(), 2, "{doc}");
    assert_eq!(skipped[0].0, "gone");
    assert_eq!(skipped[0].1, "revoked", "renew's codes: {skipped:?}");
    assert!(skipped[0].2.contains("is revoked"), "{skipped:?}");
    assert_eq!(skipped[1].0, "old");
    assert_eq!(skipped[1].1, "superseded", "{skipped:?}");
    assert!(skipped[1].2.contains("(superseded)"), "{skipped:?}");
    let notes = stderr(&out);
    assert!(
        notes.contains("skipped users/gone (revoked certificate): certificate"),
        "{notes}"
    );
    assert!(
        notes.contains("skipped users/old (superseded certificate): certificate"),
        "{notes}"
    );
    assert_eq!(listing(&dir.join("out")), ["app", "bob", "ed"]);
    for u in ["app", "bob", "ed"] {
        let ks = dir.join("out").join(u).join("keystore.p12");
        assert_eq!(entries(&keytool_list(dir, &ks)).len(), 1, "{u}");
    }
    // Past every certificate's end: nothing to write, and no password asked.
    let later = certgen(dir)
        .args(["--now", "2099-01-01T00:00:00Z", "keystore", "user", "--all"])
        .args(["--out", "later/{user}"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(later.status.success(), "{}", stderr(&later));
    assert!(
        stderr(&later).contains("no user bundle to write the keystores of"),
        "{}",
        stderr(&later)
    );
    assert!(!dir.join("later").exists());
}

#[test]
fn a_refused_batch_writes_nothing_in_any_directory() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    for u in ["bob", "carol", "gone"] {
        ok(dir, &["issue-client", u, "-q"]);
    }
    ok(dir, &["revoke", "gone", "-q"]);
    homes(dir, &["app", "bob", "carol", "gone"]);
    // carol's directory already holds a keystore someone made.
    std::fs::create_dir(dir.join("homes/carol/jdbc")).unwrap();
    write(&dir.join("homes/carol/jdbc/keystore.p12"), "someone's");
    let before = tree(dir);
    let refused = |args: &[&str], says: &str| {
        let out = certgen(dir)
            .arg("keystore")
            .args(args)
            .args(["--password-file", "pw"])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {says} in {err}");
        assert_eq!(
            err.lines()
                .filter(|l| l.starts_with("certgen: error"))
                .count(),
            1,
            "{err}"
        );
        assert_eq!(tree(dir), before, "{args:?} wrote nothing");
    };
    // One bad user among good ones, named last: the good ones get nothing.
    refused(
        &["user", "app", "bob", "gone", "--out", "homes/{user}/jdbc"],
        "user gone: certificate",
    );
    refused(
        &["user", "app", "nobody", "--out", "homes/{user}/jdbc"],
        "user nobody: no user bundle \"nobody\"",
    );
    // A file already in one of the directories.
    refused(
        &["user", "app", "bob", "carol", "--out", "homes/{user}/jdbc"],
        "user carol: homes/carol/jdbc/keystore.p12 already exists",
    );
    refused(
        &["user", "--all", "--out", "homes/{user}/jdbc"],
        "homes/carol/jdbc/keystore.p12 already exists",
    );
    // A parent missing for one of them.
    refused(
        &["user", "app", "ed", "--out", "homes/{user}/jdbc"],
        "user ed: homes/ed does not exist",
    );
    // Several users, one directory.
    refused(
        &["user", "app", "bob", "--out", "jdbc"],
        "--out jdbc: 2 users cannot share one directory",
    );
    refused(
        &["user", "--all", "--out", "jdbc"],
        "--out jdbc: the keystores of every user (--all) cannot share one directory",
    );
    refused(
        &["user", "app", "--out", "homes/{server}/jdbc"],
        "{server} stands for a name of the other kind",
    );
    refused(
        &["user", "app", "bob", "app", "--out", "homes/{user}/jdbc"],
        "users/app is named twice",
    );
    refused(
        &["user", "app", "bob", "--out", "homes/{user}/../both"],
        "would hold the keystores of both app and bob",
    );
    // A directory this user may not write in, checked before anything is:
    // app's is nobody's, bob's root's.
    std::fs::create_dir(dir.join("homes/app/root-only")).unwrap();
    let all = dir.to_str().unwrap();
    assert!(
        Command::new("chown")
            .args(["-R", "65534:65534", all])
            .status()
            .unwrap()
            .success()
    );
    std::fs::create_dir(dir.join("homes/bob/root-only")).unwrap();
    std::os::unix::fs::chown(dir.join("homes/bob/root-only"), Some(0), Some(0)).unwrap();
    let before = tree(dir);
    let out = certgen_via(
        "setpriv",
        &["--reuid=65534", "--regid=65534", "--clear-groups"],
        dir,
    )
    .args([
        "keystore",
        "user",
        "app",
        "bob",
        "--out",
        "homes/{user}/root-only/jdbc",
    ])
    .args(["--password-file", "pw"])
    .output()
    .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("user bob: writing into homes/bob/root-only: Permission denied"),
        "{err}"
    );
    assert_eq!(tree(dir), before, "nothing written for app either");
}

#[test]
fn the_password_is_on_no_command_line_and_in_no_file() {
    // strace shows every program the command runs with its arguments: a
    // password handed to a child (`openssl -passout pass:...`) would be there.
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    homes(dir, &["app", "ed"]);
    let secret = "Pw-only-in-the-env-7431";
    for (source, out) in [("env", "env"), ("file", "file")] {
        write(&dir.join("pw"), format!("{secret}\n"));
        let trace = dir.join(format!("trace-{source}"));
        let mut cmd = certgen_via(
            "strace",
            &[
                "-f",
                "-qq",
                "-s",
                "4096",
                "-e",
                "trace=execve",
                "-o",
                trace.to_str().unwrap(),
            ],
            dir,
        );
        cmd.args(["keystore", "user", "app", "ed", "--out"])
            .arg(format!("homes/{{user}}/{out}"));
        if source == "env" {
            cmd.args(["--password-env", "KS_PASS"])
                .env("KS_PASS", secret);
        } else {
            cmd.args(["--password-file", "pw"]);
        }
        let run = cmd.output().unwrap();
        assert!(run.status.success(), "{}", stderr(&run));
        let traced = std::fs::read_to_string(&trace).unwrap();
        let programs: Vec<&str> = traced.lines().filter(|l| l.contains("execve(")).collect();
        assert_eq!(programs.len(), 1, "certgen runs no other program: {traced}");
        assert!(!traced.contains(secret), "{traced}");
        for user in ["app", "ed"] {
            let stores = dir.join(format!("homes/{user}/{out}"));
            for f in listing(&stores) {
                let bytes = std::fs::read(stores.join(&f)).unwrap();
                let utf16: Vec<u8> = secret.encode_utf16().flat_map(u16::to_be_bytes).collect();
                for needle in [secret.as_bytes(), &utf16] {
                    assert!(
                        !bytes.windows(needle.len()).any(|w| w == needle),
                        "{user}/{f} holds the password"
                    );
                }
            }
            let ks = stores.join("keystore.p12");
            assert_eq!(entries(&keytool_list(dir, &ks)).len(), 1);
        }
    }
    // No option takes the password itself.
    let out = run(
        dir,
        &[
            "keystore",
            "user",
            "app",
            "--out",
            "x",
            "--password",
            secret,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unexpected argument '--password'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn all_skips_a_bundle_of_another_ca_and_writes_nothing_for_it() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    pki(dir);
    // A user bundle of a second PKI, copied whole into this one.
    ok(dir, &["--dir", "other", "init-ca", "-q"]);
    ok(dir, &["--dir", "other", "issue-client", "stray", "-q"]);
    let stray = dir.join("pki/users/stray");
    std::fs::create_dir(&stray).unwrap();
    for f in ["client-key.pem", "client-cert.pem", "ca-cert.pem"] {
        std::fs::copy(dir.join("other/users/stray").join(f), stray.join(f)).unwrap();
    }
    std::fs::create_dir(dir.join("out")).unwrap();
    let out = certgen(dir)
        .args(["keystore", "user", "--all", "--out", "out/{user}"])
        .args(["--password-file", "pw", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let written = names_written(&doc);
    assert_eq!(written, ["app", "ed"], "{doc}");
    let skipped = doc["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{doc}");
    assert_eq!(skipped[0]["name"], "stray", "{doc}");
    assert_eq!(skipped[0]["reason"], "other-ca", "{doc}");
    let notes = stderr(&out);
    assert!(
        notes.contains("skipped users/stray (not issued by this CA)"),
        "{notes}"
    );
    assert_eq!(listing(&dir.join("out")), ["app", "ed"]);
    assert!(!dir.join("out/stray").exists());
    for u in ["app", "ed"] {
        let ks = dir.join("out").join(u).join("keystore.p12");
        assert_eq!(entries(&keytool_list(dir, &ks)).len(), 1, "{u}");
    }
}
