//! `certgen verify`: verdicts, reasons, warnings and exit codes, on
//! certificates made by certgen itself and by the openssl recipes.

use crate::common::{self, certgen_dir};

use std::path::{Path, PathBuf};
use std::process::Command as Std;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

/// A PKI directory with a CA and one server `db1`.
struct Pki {
    tmp: TempDir,
}

impl Pki {
    fn new(cn: &str) -> Pki {
        let tmp = TempDir::new().unwrap();
        let p = Pki { tmp };
        certgen_dir(&p.dir())
            .args(["init-ca", "--cn", cn, "--key-type", "ecdsa-p256"])
            .assert()
            .success();
        p
    }

    fn dir(&self) -> PathBuf {
        self.tmp.path().join("pki")
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir().join(rel)
    }

    fn server(&self, name: &str, sans: &str) -> PathBuf {
        certgen_dir(&self.dir())
            .args([
                "issue-server",
                name,
                "--key-type",
                "ecdsa-p256",
                "--san",
                sans,
            ])
            .assert()
            .success();
        self.path(&format!("servers/{name}/server-cert.pem"))
    }

    fn verify(&self, cert: &Path) -> Command {
        let mut cmd = certgen_dir(&self.dir());
        cmd.arg("verify").arg(cert);
        cmd
    }
}

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("verify prints JSON")
}

#[test]
fn a_valid_chain_is_ok_with_the_documented_json() {
    let pki = Pki::new("Test CA");
    let cert = pki.server("db1", "db1.example");
    pki.verify(&cert)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("server-cert.pem: OK"));
    let out = pki
        .verify(&cert)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out.stdout);
    assert_eq!(v["valid"], true);
    assert_eq!(v["reason"], serde_json::Value::Null);
    assert_eq!(v["purpose"], "server");
    assert!(v.get("at").is_none(), "{v}");
    let checked_at = v["checked_at"].as_str().unwrap();
    assert!(checked_at.len() == 20 && checked_at.ends_with('Z'), "{v}");
    assert_eq!(v["certificate"]["subject"], "/CN=db1");
    assert_eq!(v["chain"][1]["subject"], "/CN=Test CA");
    assert_eq!(v["warnings"].as_array().unwrap().len(), 0);
}

#[test]
fn host_names_dns_wildcard_ipv4_ipv6() {
    let pki = Pki::new("Test CA");
    let cert = pki.server("db1", "db1.example,*.pool.example,10.0.0.5,fd00::5");
    for host in [
        "db1.example",
        "DB1.example",
        "a.pool.example",
        "10.0.0.5",
        "fd00::5",
    ] {
        pki.verify(&cert).args(["--host", host]).assert().code(0);
    }
    for host in ["other.example", "a.b.pool.example", "10.0.0.6", "fd00::6"] {
        pki.verify(&cert)
            .args(["--host", host])
            .assert()
            .code(1)
            .stdout(predicate::str::contains(format!(
                "name {host} not among the certificate's names: DNS:db1, DNS:db1.example, DNS:*.pool.example, IP:10.0.0.5, IP:fd00::5"
            )));
    }
}

#[test]
fn at_before_inside_and_after_validity() {
    let pki = Pki::new("Test CA");
    let cert = pki.server("db1", "db1.example");
    let out = pki
        .verify(&cert)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let not_before = json(&out.stdout)["certificate"]["not_before"]
        .as_str()
        .unwrap()
        .to_string();
    pki.verify(&cert)
        .args(["--at", &not_before])
        .assert()
        .code(0);
    pki.verify(&cert)
        .args(["--at", "2000-01-01T00:00:00Z"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("/CN=db1 is not valid before "));
    pki.verify(&cert)
        .args(["--at", "4102444800"]) // 2100-01-01
        .assert()
        .code(1)
        .stdout(predicate::str::contains("/CN=db1 expired on "));
}

#[test]
fn purpose_must_match_the_extended_key_usage() {
    let pki = Pki::new("Test CA");
    let cert = pki.server("db1", "db1.example");
    pki.verify(&cert)
        .args(["--purpose", "client"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "wrong extended key usage: the certificate is not for TLS client authentication",
        ));
    certgen_dir(&pki.dir())
        .args(["issue-client", "alice", "--key-type", "ecdsa-p256"])
        .assert()
        .success();
    let client = pki.path("users/alice/client-cert.pem");
    pki.verify(&client)
        .args(["--purpose", "client"])
        .assert()
        .code(0);
    pki.verify(&client).assert().code(1);
}

#[test]
fn untrusted_issuer_and_bad_signature() {
    let pki = Pki::new("Test CA");
    let cert = pki.server("db1", "db1.example");
    let other = Pki::new("Other CA");
    let same_name = Pki::new("Test CA");
    pki.verify(&cert)
        .arg("--ca")
        .arg(other.path("ca-cert.pem"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "issuer not trusted: no certificate for /CN=Test CA in the CA file or the chain",
        ));
    pki.verify(&cert)
        .arg("--ca")
        .arg(same_name.path("ca-cert.pem"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("bad signature on "));
}

#[test]
fn intermediates_in_any_order_with_decoys() {
    let root = Pki::new("Root CA");
    let inter = TempDir::new().unwrap();
    let idir = inter.path().join("pki");
    certgen_dir(&idir)
        .args(["init-ca", "--intermediate", "--cn", "Issuing CA"])
        .arg("--parent")
        .arg(root.dir())
        .assert()
        .success();
    certgen_dir(&idir)
        .args(["issue-server", "db1", "--san", "db1.example"])
        .assert()
        .success();
    let cert = idir.join("servers/db1/server-cert.pem");
    let decoy = Pki::new("Issuing CA");
    let chain = inter.path().join("chain.pem");
    let mut bundle = std::fs::read_to_string(decoy.path("ca-cert.pem")).unwrap();
    bundle += &std::fs::read_to_string(idir.join("ca-cert.pem")).unwrap();
    std::fs::write(&chain, bundle).unwrap();
    let verify = || {
        let mut c = certgen_dir(&idir);
        c.arg("verify")
            .arg(&cert)
            .arg("--ca")
            .arg(root.path("ca-cert.pem"));
        c
    };
    verify().arg("--chain").arg(&chain).assert().code(0);
    verify().assert().code(1).stdout(predicate::str::contains(
        "no certificate for /CN=Issuing CA",
    ));
}

#[test]
fn a_leaf_cannot_issue_certificates() {
    if !common::have_openssl() {
        return;
    }
    let pki = Pki::new("Test CA");
    let cert = pki.server("db1", "db1.example");
    let key = pki.path("servers/db1/server-key.pem");
    let d = pki.tmp.path();
    common::openssl_ok(
        d,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "k.pem",
            "-subj",
            "/CN=sub",
            "-out",
            "sub.csr",
        ],
    );
    std::fs::write(d.join("ext.cnf"), "subjectAltName=DNS:sub.example\n").unwrap();
    common::openssl_ok(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "sub.csr",
            "-CA",
            cert.to_str().unwrap(),
            "-CAkey",
            key.to_str().unwrap(),
            "-set_serial",
            "7",
            "-extfile",
            "ext.cnf",
            "-out",
            "sub.pem",
        ],
    );
    pki.verify(&d.join("sub.pem"))
        .arg("--chain")
        .arg(&cert)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("CA constraint broken"));
}

#[test]
fn key_match_and_mismatch() {
    let pki = Pki::new("Test CA");
    let cert = pki.server("db1", "db1.example");
    pki.server("db2", "db2.example");
    pki.verify(&cert)
        .arg("--key")
        .arg(pki.path("servers/db1/server-key.pem"))
        .assert()
        .code(0);
    pki.verify(&cert)
        .arg("--key")
        .arg(pki.path("servers/db2/server-key.pem"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "the private key does not match the certificate",
        ));
}

#[test]
fn unusable_input_exits_2() {
    let pki = Pki::new("Test CA");
    let cert = pki.server("db1", "db1.example");
    let garbage = pki.tmp.path().join("garbage.pem");
    std::fs::write(&garbage, "hello").unwrap();
    pki.verify(&garbage)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("certgen: error:"));
    pki.verify(&pki.tmp.path().join("missing.pem"))
        .assert()
        .code(2);
    // A bad time is a usage error, found before the (missing) file is read.
    let out = pki
        .verify(&pki.tmp.path().join("missing.pem"))
        .args(["--at", "yesterday"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("certgen: error:"))
        .collect();
    assert_eq!(
        errors,
        [
            "certgen: error: invalid value 'yesterday' for '--at <TIME>': expected RFC 3339 (2026-11-22T13:50:01Z), a date (2026-11-22) or Unix seconds"
        ],
        "{err}"
    );
    assert!(err.contains("hint: run `certgen verify --help`"), "{err}");
    pki.verify(&cert)
        .args(["--host", "not a host"])
        .assert()
        .code(2);
    pki.verify(&cert).arg("--key").arg(&cert).assert().code(2);
    pki.verify(&cert).arg("--ca").arg(&garbage).assert().code(2);
}

/// `openssl verify -CAfile ca cert` accepts?
fn openssl_accepts(ca: &Path, cert: &Path, extra: &[&str]) -> bool {
    Std::new("openssl")
        .arg("verify")
        .args(extra)
        .arg("-CAfile")
        .arg(ca)
        .arg(cert)
        .output()
        .unwrap()
        .status
        .success()
}

/// The MySQL/MariaDB documentation recipe (see [`common::openssl_recipe`]).
fn recipe(dir: &Path, ca_cn: &str) {
    common::openssl_recipe(dir, &format!("/CN={ca_cn}"), 2048, "/CN=db1.example", 2048);
}

#[test]
fn openssl_recipe_certificates_get_openssls_verdict_and_warnings() {
    if !common::have_openssl() {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    recipe(d, "Recipe CA");
    let (ca, cert) = (d.join("ca-cert.pem"), d.join("server-cert.pem"));
    let verify = || {
        let mut c = certgen_dir(d);
        c.arg("verify").arg("--ca").arg(&ca).arg(&cert);
        c
    };
    assert!(openssl_accepts(&ca, &cert, &[]));
    verify().assert().code(0).stderr(predicate::str::contains(
        "certgen: warning: the certificate is X.509 v1",
    ));
    verify()
        .args(["--host", "db1.example"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("matched the subject CN only"));
    verify()
        .args(["--host", "db2.example"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "name db2.example not among the certificate's names: CN:db1.example",
        ));
    verify()
        .arg("--key")
        .arg(d.join("server-key.pem"))
        .assert()
        .code(0);
    let out = verify().args(["--format", "json"]).output().unwrap();
    let codes: Vec<String> = json(&out.stdout)["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["v1-certificate"]);
}

#[test]
fn same_verdicts_as_openssl_verify() {
    if !common::have_openssl() {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    recipe(d, "Recipe CA");
    let other = d.join("other");
    std::fs::create_dir(&other).unwrap();
    recipe(&other, "Recipe CA");
    let pki = Pki::new("Test CA");
    let own = pki.server("db1", "db1.example");
    let own_ca = pki.path("ca-cert.pem");
    let cases: [(&Path, &Path, Option<&str>); 8] = [
        (&d.join("ca-cert.pem"), &d.join("server-cert.pem"), None),
        (&other.join("ca-cert.pem"), &d.join("server-cert.pem"), None),
        (&own_ca, &d.join("server-cert.pem"), None),
        (
            &d.join("ca-cert.pem"),
            &d.join("server-cert.pem"),
            Some("4102444800"),
        ),
        (&own_ca, &own, None),
        (&d.join("ca-cert.pem"), &own, None),
        (&own_ca, &own, Some("946684800")),
        (&own_ca, &own, Some("4102444800")),
    ];
    for (ca, cert, at) in cases {
        let mut c = certgen_dir(d);
        c.arg("verify").arg("--ca").arg(ca).arg(cert);
        let mut extra = Vec::new();
        if let Some(t) = at {
            c.args(["--at", t]);
            extra = vec!["-attime", t];
        }
        let ours = c.output().unwrap().status.code() == Some(0);
        assert_eq!(
            ours,
            openssl_accepts(ca, cert, &extra),
            "{ca:?} {cert:?} at {at:?}"
        );
    }
}

#[test]
fn a_line_break_in_a_file_name_stays_on_its_line() {
    let pki = Pki::new("Test CA");
    let cert = pki.server("db1", "db1.example");
    let renamed = pki.tmp.path().join("a\nCRITICAL fake.pem");
    std::fs::copy(&cert, &renamed).unwrap();
    let out = pki.verify(&renamed).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.ends_with("a\\u{a}CRITICAL fake.pem: OK\n"), "{text}");

    // An error naming the file is one line too.
    let missing = pki.tmp.path().join("gone\nCRITICAL.pem");
    let out = pki.verify(&missing).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let first = err.lines().next().unwrap_or_default();
    assert!(first.starts_with("certgen: error: "), "{err}");
    assert!(first.contains("gone\\u{a}CRITICAL.pem"), "{err}");
    assert!(
        err.lines()
            .all(|l| l.starts_with("certgen: error: ") || l.starts_with("hint: ")),
        "{err}"
    );
}

/// A vendored x509-limbo case (`tests/data/limbo/FILE`): its directory
/// with `root.pem`, `chain.pem` and `leaf.pem`, and its expected peer name.
fn limbo_case(file: &str) -> (TempDir, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/limbo")
        .join(file);
    let suite: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let case = &suite["testcases"][0];
    assert_eq!(case["id"], "cve::cve-2024-0567");
    assert_eq!(case["expected_result"], "SUCCESS");
    let pems = |field: &str| -> String {
        case[field]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect()
    };
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("root.pem"), pems("trusted_certs")).unwrap();
    std::fs::write(dir.join("chain.pem"), pems("untrusted_intermediates")).unwrap();
    std::fs::write(
        dir.join("leaf.pem"),
        case["peer_certificate"].as_str().unwrap(),
    )
    .unwrap();
    let host = case["expected_peer_name"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    (tmp, host)
}

/// `certgen verify leaf.pem --ca CA --chain chain.pem --host HOST [--strict]` in `dir`.
fn verify_case(dir: &Path, host: &str, ca: &str, strict: bool) -> Command {
    let mut cmd = certgen_dir(&dir.join("pki"));
    cmd.current_dir(dir).args([
        "verify",
        "leaf.pem",
        "--ca",
        ca,
        "--chain",
        "chain.pem",
        "--host",
        host,
    ]);
    if strict {
        cmd.arg("--strict");
    }
    cmd
}

/// `openssl verify -x509_strict -purpose sslserver` of the case in `dir`.
fn openssl_accepts_case(dir: &Path, host: &str, extra: &[&str]) -> bool {
    let chain = dir.join("chain.pem");
    let mut args = vec![
        "-x509_strict",
        "-purpose",
        "sslserver",
        "-verify_hostname",
        host,
        "-untrusted",
        chain.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    openssl_accepts(&dir.join("root.pem"), &dir.join("leaf.pem"), &args)
}

/// x509-limbo's `cve::cve-2024-0567` with Root A self-signed in the CA
/// file, as the case describes it: A1 was issued by Root A, and Roots A, B
/// and C certify one another (A by B and C, B by A and C, C by A and B).
/// Both modes find leaf <- A1 <- Root A, as `openssl verify` does; under an
/// unrelated root, both refuse the graph at once instead of going round
/// its cycle.
#[test]
fn the_cross_signed_cycle_of_cve_2024_0567_is_accepted() {
    let (tmp, host) = limbo_case("cve-2024-0567-self-signed-root.json");
    let dir = tmp.path();
    for strict in [false, true] {
        let out = verify_case(dir, &host, "root.pem", strict)
            .args(["--format", "json"])
            .assert()
            .success();
        let report = json(&out.get_output().stdout);
        let chain: Vec<&str> = report["chain"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["subject"].as_str().unwrap())
            .collect();
        assert_eq!(
            chain,
            ["", "/CN=Intermediate A1", "/CN=Root A"],
            "strict {strict}"
        );
    }
    assert!(openssl_accepts_case(dir, &host, &[]));

    // The same graph under a root that issued none of it.
    let (made, text) = common::openssl(
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
            "other-key.pem",
            "-subj",
            "/CN=Other",
            "-out",
            "other.pem",
        ],
    );
    assert!(made, "{text}");
    for strict in [false, true] {
        let started = std::time::Instant::now();
        verify_case(dir, &host, "other.pem", strict)
            .assert()
            .code(1)
            .stdout(predicate::str::contains("rejected: issuer not trusted"));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "strict {strict}: {:?}",
            started.elapsed()
        );
    }
}

/// The case as x509-limbo's generator writes it: the trusted Root A names
/// another CA as its issuer and has no authorityKeyIdentifier. Both modes
/// refuse that root for it, as limbo's own
/// `rfc5280::aki::cross-signed-root-missing-aki` asks; `openssl verify`
/// refuses the chain too unless told to take a partial chain.
#[test]
fn cve_2024_0567_as_generated_trusts_a_root_without_authority_key_identifier() {
    let (tmp, host) = limbo_case("cve-2024-0567.json");
    let dir = tmp.path();
    for strict in [false, true] {
        verify_case(dir, &host, "root.pem", strict)
            .assert()
            .code(1)
            .stdout(predicate::str::contains(
                "/CN=Root A: authorityKeyIdentifier is missing (RFC 5280 4.2.1.1)",
            ));
    }
    assert!(!openssl_accepts_case(dir, &host, &[]));
    assert!(openssl_accepts_case(dir, &host, &["-partial_chain"]));
}
