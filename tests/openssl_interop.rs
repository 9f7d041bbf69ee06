//! Everything certgen makes must satisfy the real openssl CLI.

use crate::common::*;
use std::path::Path;

const KEY_TYPES: [&str; 6] = [
    "rsa2048",
    "rsa3072",
    "rsa4096",
    "ecdsa-p256",
    "ecdsa-p384",
    "ed25519",
];

fn formats_for(key_type: &str) -> &'static [&'static str] {
    if key_type.starts_with("rsa") {
        &["pkcs8", "pkcs1"]
    } else if key_type.starts_with("ecdsa") {
        &["pkcs8", "sec1"]
    } else {
        &["pkcs8"]
    }
}

fn verify(dir: &Path, cert: &str) {
    let (ok, out) = openssl(
        dir,
        &["verify", "-x509_strict", "-CAfile", "pki/ca-cert.pem", cert],
    );
    assert!(ok && out.contains(": OK"), "openssl verify {cert}: {out}");
}

#[test]
fn every_key_type_and_format_passes_openssl() {
    if !have_openssl() {
        return;
    }
    // Every leaf type under an RSA CA; under EC and Ed25519 CAs, two leaf types
    // suffice to show the CA's signature algorithm works (RSA-4096 keys are slow).
    for (ca_type, leaf_types) in [
        ("rsa2048", &KEY_TYPES[..]),
        ("ecdsa-p384", &["rsa2048", "ecdsa-p256"][..]),
        ("ed25519", &["rsa2048", "ed25519"][..]),
    ] {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path();
        ok(
            dir,
            &["init-ca", "--key-type", ca_type, "--cn", "Interop CA"],
        );
        for &kt in leaf_types {
            for fmt in formats_for(kt) {
                let name = format!("{kt}-{fmt}.example.com");
                ok(
                    dir,
                    &[
                        "issue-server",
                        &name,
                        "--key-type",
                        kt,
                        "--key-format",
                        fmt,
                        "--san",
                        "10.1.2.3,::1",
                        "--client-auth",
                    ],
                );
                let user = format!("user-{kt}-{fmt}");
                ok(
                    dir,
                    &["issue-client", &user, "--key-type", kt, "--key-format", fmt],
                );

                let scert = format!("pki/servers/{name}/server-cert.pem");
                let ccert = format!("pki/users/{user}/client-cert.pem");
                verify(dir, &scert);
                verify(dir, &ccert);

                let (ok1, text) = openssl(dir, &["x509", "-in", &scert, "-noout", "-text"]);
                assert!(ok1, "{text}");
                assert!(text.contains("Version: 3 (0x2)"), "{text}");
                assert!(text.contains(&format!("DNS:{name}")), "{text}");
                assert!(
                    text.contains("IP Address:10.1.2.3")
                        && text.contains("IP Address:0:0:0:0:0:0:0:1"),
                    "{text}"
                );
                assert!(
                    text.contains("TLS Web Server Authentication, TLS Web Client Authentication"),
                    "{text}"
                );
                assert!(text.contains("CA:FALSE"), "{text}");
                let (_, ctext) = openssl(dir, &["x509", "-in", &ccert, "-noout", "-text"]);
                assert!(
                    ctext.contains("Version: 3 (0x2)")
                        && ctext.contains("TLS Web Client Authentication"),
                    "{ctext}"
                );
                assert!(!ctext.contains("Server Authentication"), "{ctext}");
                assert_eq!(
                    kt.starts_with("rsa"),
                    ctext.contains("Key Encipherment"),
                    "{ctext}"
                );

                for key in [
                    format!("pki/servers/{name}/server-key.pem"),
                    format!("pki/users/{user}/client-key.pem"),
                ] {
                    let (ok2, out) = openssl(dir, &["pkey", "-in", &key, "-noout"]);
                    assert!(ok2, "openssl pkey {key}: {out}");
                    let pem = std::fs::read_to_string(dir.join(&key)).unwrap();
                    let label = match *fmt {
                        "pkcs1" => "BEGIN RSA PRIVATE KEY",
                        "sec1" => "BEGIN EC PRIVATE KEY",
                        _ => "BEGIN PRIVATE KEY",
                    };
                    assert!(pem.starts_with(&format!("-----{label}")), "{key}");
                    // The key belongs to the certificate next to it.
                    let cert = key.replace("-key.pem", "-cert.pem");
                    let (_, a) = openssl(dir, &["pkey", "-in", &key, "-pubout"]);
                    let (_, b) = openssl(dir, &["x509", "-in", &cert, "-noout", "-pubkey"]);
                    assert_eq!(a, b, "{key} does not match {cert}");
                }
            }
        }
    }
}

#[test]
fn ca_certificate_is_a_proper_v3_ca() {
    if !have_openssl() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    ok(
        d.path(),
        &[
            "init-ca",
            "--subject",
            "/C=US/O=Example/CN=Example Root",
            "--path-len",
            "1",
        ],
    );
    let (_, text) = openssl(
        d.path(),
        &["x509", "-in", "pki/ca-cert.pem", "-noout", "-text"],
    );
    assert!(text.contains("Version: 3 (0x2)"), "{text}");
    assert!(
        text.contains("X509v3 Basic Constraints: critical\n                CA:TRUE, pathlen:1"),
        "{text}"
    );
    assert!(text.contains("X509v3 Key Usage: critical\n                Digital Signature, Certificate Sign, CRL Sign"), "{text}");
    assert!(text.contains("X509v3 Subject Key Identifier"), "{text}");
    assert!(
        text.contains("Public-Key: (3072 bit)"),
        "default CA key is rsa3072: {text}"
    );
    let (ok1, out) = openssl(
        d.path(),
        &[
            "verify",
            "-x509_strict",
            "-CAfile",
            "pki/ca-cert.pem",
            "pki/ca-cert.pem",
        ],
    );
    assert!(ok1, "{out}");
}

#[test]
fn csrs_pass_openssl_req_verify_and_openssl_csrs_get_signed() {
    if !have_openssl() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "--key-type", "ecdsa-p256"]);
    for kt in KEY_TYPES {
        let out = format!("{kt}-req.pem");
        let key = format!("{kt}-key.pem");
        ok(
            dir,
            &[
                "csr",
                "--cn",
                &format!("{kt}.example.com"),
                "--san",
                "alt.example.com",
                "--key-type",
                kt,
                "--out",
                &out,
                "--out-key",
                &key,
            ],
        );
        let (ok1, text) = openssl(dir, &["req", "-in", &out, "-verify", "-noout", "-text"]);
        assert!(
            ok1 && text.contains("verify OK")
                || text.contains("Certificate request self-signature verify OK"),
            "{kt}: {text}"
        );
        assert!(text.contains("DNS:alt.example.com"), "{text}");
        let cert = format!("{kt}-cert.pem");
        ok(dir, &["sign", &out, "--out", &cert]);
        verify(dir, &cert);
    }

    // A CSR made by openssl itself, as in the vendor recipes.
    let (ok2, out) = openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "o-key.pem",
            "-out",
            "o-req.pem",
            "-subj",
            "/C=US/O=Example/CN=db.example.com",
        ],
    );
    assert!(ok2, "{out}");
    ok(
        dir,
        &[
            "sign",
            "o-req.pem",
            "--profile",
            "server-client",
            "--out",
            "o-cert.pem",
        ],
    );
    verify(dir, "o-cert.pem");
    let (_, text) = openssl(dir, &["x509", "-in", "o-cert.pem", "-noout", "-text"]);
    assert!(
        text.contains("DNS:db.example.com"),
        "CN carried into the SAN: {text}"
    );
    assert!(
        text.contains("TLS Web Server Authentication, TLS Web Client Authentication"),
        "{text}"
    );
    // Signed certificates are in the index, in a form openssl ca reads.
    let serial = serial_of(&dir.join("o-cert.pem"));
    assert!(
        std::fs::read_to_string(dir.join("pki/index.txt"))
            .unwrap()
            .contains(&serial)
    );
}

#[test]
fn intermediate_chain_verifies_with_untrusted() {
    if !have_openssl() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(
        dir,
        &[
            "--dir",
            "root",
            "init-ca",
            "--cn",
            "Root CA",
            "--key-type",
            "ecdsa-p384",
            "--path-len",
            "1",
        ],
    );
    ok(
        dir,
        &[
            "--dir",
            "inter",
            "init-ca",
            "--intermediate",
            "--parent",
            "root",
            "--cn",
            "Issuing CA",
            "--key-type",
            "ecdsa-p256",
        ],
    );
    ok(
        dir,
        &[
            "--dir",
            "inter",
            "issue-server",
            "db.example.com",
            "--key-type",
            "ecdsa-p256",
        ],
    );
    let (ok1, out) = openssl(
        dir,
        &[
            "verify",
            "-x509_strict",
            "-CAfile",
            "root/ca-cert.pem",
            "-untrusted",
            "inter/ca-cert.pem",
            "inter/servers/db.example.com/server-cert.pem",
        ],
    );
    assert!(ok1, "{out}");
    // Without the intermediate the leaf does not chain to the root.
    let (ok2, _) = openssl(
        dir,
        &[
            "verify",
            "-CAfile",
            "root/ca-cert.pem",
            "inter/servers/db.example.com/server-cert.pem",
        ],
    );
    assert!(!ok2);
    // The bundle's ca-cert.pem holds the whole chain, so it works alone as ssl_ca.
    let (ok3, out) = openssl(
        dir,
        &[
            "verify",
            "-CAfile",
            "inter/servers/db.example.com/ca-cert.pem",
            "inter/servers/db.example.com/server-cert.pem",
        ],
    );
    assert!(ok3, "{out}");
    // The root recorded the intermediate.
    let index = std::fs::read_to_string(dir.join("root/index.txt")).unwrap();
    assert!(index.contains("/CN=Issuing CA"), "{index}");
    // pathlen 0 below: a third level is refused.
    let out = run(
        dir,
        &[
            "--dir",
            "third",
            "init-ca",
            "--intermediate",
            "--parent",
            "inter",
            "--cn",
            "Too Deep",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("pathLenConstraint is 0"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn index_is_readable_by_openssl_ca() {
    if !have_openssl() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "--key-type", "ecdsa-p256"]);
    ok(
        dir,
        &["issue-client", "app", "bob", "--key-type", "ecdsa-p256"],
    );
    std::fs::write(
        dir.join("openssl.cnf"),
        "[ca]\ndefault_ca = CA_default\n[CA_default]\ndir = pki\ndatabase = $dir/index.txt\ncertificate = $dir/ca-cert.pem\nprivate_key = $dir/ca-key.pem\ndefault_md = sha256\ndefault_crl_days = 30\n",
    )
    .unwrap();
    let serial = serial_of(&dir.join("pki/users/app/client-cert.pem"));
    let (_, out) = openssl(dir, &["ca", "-config", "openssl.cnf", "-status", &serial]);
    assert!(out.contains(&format!("{serial}=Valid")), "{out}");
    let (ok1, out) = openssl(
        dir,
        &["ca", "-config", "openssl.cnf", "-gencrl", "-out", "crl.pem"],
    );
    assert!(ok1, "{out}");
}

/// The MemSQL/SingleStore recipe, step by step, with certgen in place of openssl:
/// the same subjects and file names, checked by the recipe's own final command.
#[test]
fn memsql_recipe_replayed() {
    if !have_openssl() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let base = "/C=US/ST=CA/L=San Francisco/O=MemSQL";
    // openssl genrsa 2048 > ca-key.pem; openssl req -new -x509 -nodes -days 3600 -key ca-key.pem -out ca-cert.pem
    ok(
        dir,
        &[
            "--dir",
            ".",
            "init-ca",
            "--key-type",
            "rsa2048",
            "--days",
            "3600",
            "--subject",
            &format!("{base}/CN=memsql.ssl.test.ca"),
        ],
    );
    // openssl req -newkey rsa:2048 -days 3600 -nodes -keyout server-key.pem -out server-req.pem; openssl rsa -in server-key.pem -out server-key.pem
    ok(
        dir,
        &[
            "csr",
            "--subject",
            &format!("{base}/CN=memsql.ssl.test.server"),
            "--key-type",
            "rsa2048",
            "--key-format",
            "pkcs1",
            "--out-key",
            "server-key.pem",
            "--out",
            "server-req.pem",
        ],
    );
    // openssl x509 -req -in server-req.pem -days 3600 -CA ca-cert.pem -CAkey ca-key.pem -set_serial 01 -out server-cert.pem
    ok(
        dir,
        &[
            "--dir",
            ".",
            "sign",
            "server-req.pem",
            "--days",
            "3600",
            "--out",
            "server-cert.pem",
        ],
    );
    // The same for the client.
    ok(
        dir,
        &[
            "csr",
            "--subject",
            &format!("{base}/CN=memsql.ssl.test.client"),
            "--key-type",
            "rsa2048",
            "--key-format",
            "pkcs1",
            "--out-key",
            "client-key.pem",
            "--out",
            "client-req.pem",
        ],
    );
    ok(
        dir,
        &[
            "--dir",
            ".",
            "sign",
            "client-req.pem",
            "--profile",
            "client",
            "--days",
            "3600",
            "--out",
            "client-cert.pem",
        ],
    );
    // openssl verify -CAfile ca-cert.pem server-cert.pem client-cert.pem
    let (ok1, out) = openssl(
        dir,
        &[
            "verify",
            "-CAfile",
            "ca-cert.pem",
            "server-cert.pem",
            "client-cert.pem",
        ],
    );
    assert!(ok1 && out.matches(": OK").count() == 2, "{out}");
    let subj = openssl_names(dir, "server-cert.pem");
    assert!(
        subj.contains(&format!("subject={base}/CN=memsql.ssl.test.server")),
        "{subj}"
    );
    assert!(
        subj.contains(&format!("issuer={base}/CN=memsql.ssl.test.ca")),
        "{subj}"
    );
    // Unlike the recipe: v3, distinct random serials, PKCS#1 keys as MySQL 5.x wants.
    let (_, text) = openssl(dir, &["x509", "-in", "server-cert.pem", "-noout", "-text"]);
    assert!(
        text.contains("Version: 3") && text.contains("DNS:memsql.ssl.test.server"),
        "{text}"
    );
    let s1 = with_cert(&dir.join("server-cert.pem"), |c| c.raw_serial().to_vec());
    let s2 = with_cert(&dir.join("client-cert.pem"), |c| c.raw_serial().to_vec());
    assert_ne!(s1, s2);
    assert!(
        std::fs::read_to_string(dir.join("server-key.pem"))
            .unwrap()
            .starts_with("-----BEGIN RSA PRIVATE KEY-----")
    );
}

/// Manticore's recipe has the same shape, and warns that the server CN must
/// differ from the CA's; certgen refuses the trap instead of warning.
#[test]
fn manticore_recipe_replayed_and_cn_trap_refused() {
    if !have_openssl() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(
        dir,
        &[
            "--dir",
            ".",
            "init-ca",
            "--key-type",
            "rsa2048",
            "--days",
            "3650",
            "--subject",
            "/C=US/ST=NY/O=Manticore/CN=ca.manticore",
        ],
    );
    ok(
        dir,
        &[
            "csr",
            "--subject",
            "/C=US/ST=NY/O=Manticore/CN=server.manticore",
            "--key-type",
            "rsa2048",
            "--out-key",
            "server-key.pem",
            "--out",
            "server-req.pem",
        ],
    );
    ok(
        dir,
        &[
            "--dir",
            ".",
            "sign",
            "server-req.pem",
            "--days",
            "730",
            "--out",
            "server-cert.pem",
        ],
    );
    let (ok1, out) = openssl(
        dir,
        &["verify", "-CAfile", "ca-cert.pem", "server-cert.pem"],
    );
    assert!(ok1, "{out}");
    ok(
        dir,
        &[
            "csr",
            "--subject",
            "/C=US/ST=NY/O=Manticore/CN=ca.manticore",
            "--out-key",
            "bad-key.pem",
            "--out",
            "bad-req.pem",
        ],
    );
    let out = run(
        dir,
        &[
            "--dir",
            ".",
            "sign",
            "bad-req.pem",
            "--san",
            "server.manticore",
            "--out",
            "bad-cert.pem",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("equals the CA's"), "{}", stderr(&out));
    assert!(!dir.join("bad-cert.pem").exists());
}

/// The subject and issuer strings certgen prints (and puts in REQUIRE SUBJECT
/// ... AND ISSUER ...) are byte for byte what OpenSSL's `X509_NAME_oneline`
/// makes, which is what MariaDB and MySQL compare: `/` and `+` escaped, a
/// multi-valued RDN joined with `+`, attribute names as OpenSSL knows them.
#[test]
fn names_read_as_openssl_prints_them() {
    if !have_openssl() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let subj = "/O=a\\/b\\+c/OU=x+OU=y/CN=u \u{e9}/2.5.4.97=VATDE-1/1.3.6.1.4.1.311.60.2.1.3=DE";
    let (made, out) = openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "k.pem",
            "-out",
            "c.pem",
            "-days",
            "1",
            "-utf8",
            "-subj",
            subj,
        ],
    );
    assert!(made, "openssl req: {out}");
    let expected = openssl_names(dir, "c.pem");
    let json: serde_json::Value =
        serde_json::from_str(&ok(dir, &["inspect", "--format", "json", "c.pem"])).unwrap();
    let cert = &json[0]["objects"][0];
    let ours = format!(
        "subject={}\nissuer={}\n",
        cert["subject"].as_str().unwrap(),
        cert["issuer"].as_str().unwrap()
    );
    assert_eq!(ours, expected);
    assert!(
        expected.contains("/organizationIdentifier=VATDE-1"),
        "{expected}"
    );

    // A certificate certgen issues, and the SQL it prints for it.
    ok(
        dir,
        &[
            "--dir",
            "pki",
            "init-ca",
            "--key-type",
            "ecdsa-p256",
            "--cn",
            "CA a/b+c",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&ok(
        dir,
        &[
            "--dir",
            "pki",
            "issue-client",
            "app",
            "--key-type",
            "ecdsa-p256",
            "--subject",
            "/O=a\\/b\\+c",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    let names = openssl_names(dir, "pki/users/app/client-cert.pem");
    assert_eq!(
        names,
        "subject=/O=a\\/b\\+c/CN=app\nissuer=/CN=CA a\\/b\\+c\n"
    );
    let issued = format!(
        "subject={}\nissuer={}\n",
        json[0]["certificate"]["subject"]
            .as_str()
            .unwrap_or_default(),
        json[0]["certificate"]["issuer"]
            .as_str()
            .unwrap_or_default()
    );
    assert_eq!(issued, names, "{json}");
}
