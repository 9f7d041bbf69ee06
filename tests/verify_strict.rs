//! `certgen verify --strict`: the verdict of rustls, Go, Java and browsers,
//! against the default (OpenSSL's verdict with warnings naming them).

use crate::common;

use common::params::{ca_params, leaf_params};

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use rcgen::{
    CertificateParams, CustomExtension, ExtendedKeyUsagePurpose, Issuer, KeyPair, KeyUsagePurpose,
};
use tempfile::TempDir;

/// certgen with the PKI in `dir/pki`.
fn certgen(dir: &Path) -> Command {
    common::certgen_dir(&dir.join("pki"))
}

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("verify prints JSON")
}

/// A root in `ca.pem`, and the files for leaves it (or an intermediate) signs.
struct Chain {
    tmp: TempDir,
    root: Issuer<'static, KeyPair>,
}

impl Chain {
    fn new(root: CertificateParams) -> Chain {
        let tmp = TempDir::new().unwrap();
        let key = KeyPair::generate().unwrap();
        let pem = root.self_signed(&key).unwrap().pem();
        std::fs::write(tmp.path().join("ca.pem"), pem).unwrap();
        Chain {
            tmp,
            root: Issuer::new(root, key),
        }
    }

    fn dir(&self) -> &Path {
        self.tmp.path()
    }

    /// Signs `params` with the root into `name`.
    fn leaf(&self, name: &str, params: CertificateParams) -> PathBuf {
        let pem = params
            .signed_by(&KeyPair::generate().unwrap(), &self.root)
            .unwrap()
            .pem();
        let path = self.dir().join(name);
        std::fs::write(&path, pem).unwrap();
        path
    }

    fn verify(&self, cert: &Path, strict: bool) -> Command {
        let mut cmd = certgen(self.dir());
        cmd.arg("verify")
            .arg("--ca")
            .arg(self.dir().join("ca.pem"))
            .arg(cert);
        if strict {
            cmd.arg("--strict");
        }
        cmd
    }

    /// Default accepts with a warning of `code`; --strict rejects with the
    /// same code and `text` in the reason.
    fn default_warns_strict_rejects(&self, cert: &Path, code: &str, text: &str) {
        let out = self
            .verify(cert, false)
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let v = json(&out.stdout);
        assert_eq!(v["mode"], "default");
        let warning = v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["code"] == code)
            .unwrap_or_else(|| panic!("no {code} warning: {v}"));
        let message = warning["message"].as_str().unwrap();
        assert!(message.contains(text), "{message}");
        assert!(
            message.ends_with("rustls, Go, Java and browser clients reject it"),
            "{message}"
        );
        let out = self
            .verify(cert, true)
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let v = json(&out.stdout);
        assert_eq!(v["mode"], "strict");
        assert_eq!(v["reason"]["code"], code, "{v}");
        let reason = v["reason"]["message"].as_str().unwrap();
        assert!(reason.contains(text), "{reason}");
        assert!(reason.ends_with("reject it (--strict)"), "{reason}");
    }
}

#[test]
fn issue_server_output_passes_strict_for_every_key_type() {
    for key_type in [
        "ecdsa-p256",
        "ecdsa-p384",
        "ed25519",
        "rsa2048",
        "rsa3072",
        "rsa4096",
    ] {
        let tmp = TempDir::new().unwrap();
        let d = tmp.path();
        certgen(d)
            .args(["init-ca", "--cn", "Test CA", "--key-type", key_type])
            .assert()
            .success();
        certgen(d)
            .args(["issue-server", "db1", "--san", "db1.example,10.0.0.5"])
            .args(["--key-type", key_type])
            .assert()
            .success();
        for host in ["db1.example", "10.0.0.5", "db1"] {
            let out = certgen(d)
                .args(["verify", "--strict", "--format", "json", "--host", host])
                .arg(d.join("pki/servers/db1/server-cert.pem"))
                .output()
                .unwrap();
            let v = json(&out.stdout);
            assert_eq!(out.status.code(), Some(0), "{key_type} {host}: {v}");
            assert_eq!(v["mode"], "strict");
            assert_eq!(v["warnings"].as_array().unwrap().len(), 0, "{v}");
        }
    }
    // Client certificates pass too, for the client purpose.
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    certgen(d)
        .args(["init-ca", "--cn", "Test CA", "--key-type", "ecdsa-p256"])
        .assert()
        .success();
    certgen(d)
        .args(["issue-client", "alice", "--key-type", "ecdsa-p256"])
        .assert()
        .success();
    certgen(d)
        .args(["verify", "--strict", "--purpose", "client"])
        .arg(d.join("pki/users/alice/client-cert.pem"))
        .assert()
        .code(0);
}

#[test]
fn the_recipes_v1_certificate_fails_strict_and_passes_by_default_with_warnings() {
    if !common::have_openssl() {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    common::openssl_recipe(d, "/CN=Recipe CA", 2048, "/CN=db1.example", 2048);
    let verify = |strict: bool| {
        let mut c = certgen(d);
        c.arg("verify")
            .arg("--ca")
            .arg(d.join("ca-cert.pem"))
            .arg(d.join("server-cert.pem"))
            .args(["--host", "db1.example"]);
        if strict {
            c.arg("--strict");
        }
        c
    };
    verify(false)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "the certificate is X.509 v1 (made by `openssl x509 -req` without extensions)",
        ))
        .stderr(predicate::str::contains(
            "rustls, Go, Java and browser clients reject it",
        ));
    verify(true).assert().code(1).stdout(predicate::str::contains(
        "rejected: the certificate is X.509 v1 (made by `openssl x509 -req` without extensions); \
         reissue it with certgen to get a v3 certificate with names: \
         rustls, Go, Java and browser clients reject it (--strict)",
    ));
}

#[test]
fn strict_refuses_a_host_name_found_only_in_the_cn() {
    let chain = Chain::new(ca_params("Test CA"));
    // subjectAltName holds an address only: OpenSSL matches the CN.
    let cert = chain.leaf("leaf.pem", leaf_params("db1.example", &["10.0.0.5"]));
    let verify = |strict: bool| {
        let mut c = chain.verify(&cert, strict);
        c.args(["--host", "db1.example"]);
        c
    };
    verify(false)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("matched the subject CN only"));
    verify(true)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "db1.example is only in the subject CN, not in subjectAltName: \
         rustls, Go, Java and browser clients reject it (--strict)",
        ));
}

#[test]
fn extended_key_usage_absent_any_or_critical_fails_strict() {
    let chain = Chain::new(ca_params("Test CA"));
    let mut none = leaf_params("db1.example", &["db1.example"]);
    none.extended_key_usages = Vec::new();
    let cert = chain.leaf("none.pem", none);
    chain.default_warns_strict_rejects(&cert, "no-extended-key-usage", "no extendedKeyUsage");

    let mut any = leaf_params("db1.example", &["db1.example"]);
    any.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::Any,
        ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let cert = chain.leaf("any.pem", any);
    chain.default_warns_strict_rejects(&cert, "any-extended-key-usage", "anyExtendedKeyUsage");

    let mut critical = leaf_params("db1.example", &["db1.example"]);
    critical.extended_key_usages = Vec::new();
    // extendedKeyUsage serverAuth, critical.
    let mut eku = CustomExtension::from_oid_content(
        &[2, 5, 29, 37],
        vec![
            0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01,
        ],
    );
    eku.set_criticality(true);
    critical.custom_extensions = vec![eku];
    let cert = chain.leaf("critical.pem", critical);
    chain.default_warns_strict_rejects(&cert, "critical-extended-key-usage", "marked critical");
}

/// A CA certificate made to be a server's certificate too (it names the
/// server) passes by default, as OpenSSL and RFC 5280 allow, and fails
/// strict; an issuing CA's own certificate fails both (the `ssl_cert =
/// ca-cert.pem` mistake).
#[test]
fn a_ca_certificate_in_leaf_position_fails_strict() {
    let chain = Chain::new(ca_params("Test CA"));
    let mut p = ca_params("Issuing CA");
    p.key_usages.push(KeyUsagePurpose::DigitalSignature);
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let issuing = chain.leaf("issuing.pem", p.clone());
    for strict in [false, true] {
        chain
            .verify(&issuing, strict)
            .assert()
            .code(1)
            .stdout(predicate::str::contains(
                "/CN=Issuing CA is a CA certificate (basicConstraints cA=TRUE), not a server \
                 certificate",
            ));
    }
    p.subject_alt_names = leaf_params("db1.example", &["db1.example"]).subject_alt_names;
    let dual = chain.leaf("dual.pem", p);
    chain.default_warns_strict_rejects(
        &dual,
        "ca-as-leaf",
        "the certificate is a CA certificate (basicConstraints cA=TRUE) in the place of a \
         server or client certificate",
    );
}

#[test]
fn an_underscore_in_a_dns_name_fails_strict() {
    let chain = Chain::new(ca_params("Test CA"));
    let cert = chain.leaf("leaf.pem", leaf_params("db_1.example", &["db_1.example"]));
    chain.default_warns_strict_rejects(
        &cert,
        "underscore-in-dns-name",
        "subjectAltName DNS:db_1.example has an underscore",
    );
}

#[test]
fn non_critical_policy_constraints_fail_strict() {
    let mut root = ca_params("Test CA");
    // policyConstraints inhibitPolicyMapping 5, not critical.
    root.custom_extensions = vec![CustomExtension::from_oid_content(
        &[2, 5, 29, 36],
        vec![0x30, 0x03, 0x81, 0x01, 0x05],
    )];
    let chain = Chain::new(root);
    let cert = chain.leaf("leaf.pem", leaf_params("db1.example", &["db1.example"]));
    chain.default_warns_strict_rejects(
        &cert,
        "non-critical-policy-constraints",
        "/CN=Test CA has a non-critical policyConstraints",
    );
}

#[test]
fn a_leading_period_in_a_dns_name_constraint_fails_strict() {
    let mut root = ca_params("Test CA");
    // nameConstraints permitting dNSName ".example.com", critical.
    let mut nc = CustomExtension::from_oid_content(
        &[2, 5, 29, 30],
        [
            &[0x30, 0x12, 0xa0, 0x10, 0x30, 0x0e, 0x82, 0x0c][..],
            b".example.com",
        ]
        .concat(),
    );
    nc.set_criticality(true);
    root.custom_extensions = vec![nc];
    let chain = Chain::new(root);
    let cert = chain.leaf(
        "leaf.pem",
        leaf_params("db1.example.com", &["db1.example.com"]),
    );
    chain.verify(&cert, false).assert().code(0);
    chain.verify(&cert, true).assert().code(1);
}

#[test]
fn a_wildcard_over_a_public_suffix_fails_strict() {
    let chain = Chain::new(ca_params("Test CA"));
    let cert = chain.leaf("wide.pem", leaf_params("wide", &["*.co.uk"]));
    chain.default_warns_strict_rejects(
        &cert,
        "wildcard-over-public-suffix",
        "subjectAltName DNS:*.co.uk is a wildcard over a public suffix",
    );
    // One label more is a registrable domain's wildcard, which every client takes.
    let fine = chain.leaf("fine.pem", leaf_params("fine", &["*.example.co.uk"]));
    chain.verify(&fine, true).assert().success();
}
