//! `certgen verify` on chains no certgen command makes: real-world roots,
//! cross-signed CAs, the recipes' traps, weak keys and pathological name
//! constraints, each through the CLI with its exit code and reason.

use crate::common;

use common::params::{ca_params, leaf_params};

use std::path::{Path, PathBuf};
use std::process::Command as Std;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;
use rcgen::{
    CertificateParams, CustomExtension, GeneralSubtree, IsCa, Issuer, KeyPair, NameConstraints,
    SerialNumber,
};
use tempfile::TempDir;

/// certgen with the PKI in `dir/pki`.
fn certgen(dir: &Path) -> Command {
    common::certgen_dir(&dir.join("pki"))
}

/// A CA name and key, and what signs as it.
struct Ca {
    issuer: Issuer<'static, KeyPair>,
}

fn self_signed(params: CertificateParams) -> (String, Ca) {
    let key = KeyPair::generate().unwrap();
    let pem = params.self_signed(&key).unwrap().pem();
    (
        pem,
        Ca {
            issuer: Issuer::new(params, key),
        },
    )
}

fn signed(params: CertificateParams, key: &KeyPair, by: &Ca) -> String {
    params.signed_by(key, &by.issuer).unwrap().pem()
}

fn write(dir: &Path, name: &str, pems: &[&str]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, pems.concat()).unwrap();
    path
}

fn verify(dir: &Path, ca: &Path, cert: &Path) -> Command {
    let mut cmd = certgen(dir);
    cmd.arg("verify").arg("--ca").arg(ca).arg(cert);
    cmd
}

#[test]
fn a_root_with_serial_zero_is_a_trust_anchor_like_any_other() {
    let tmp = TempDir::new().unwrap();
    let mut p = ca_params("Serial Zero Root");
    p.serial_number = Some(SerialNumber::from_slice(&[0]));
    let (root, ca) = self_signed(p);
    let leaf = signed(
        leaf_params("db1", &["db1.example"]),
        &KeyPair::generate().unwrap(),
        &ca,
    );
    let (ca_file, cert) = (
        write(tmp.path(), "ca.pem", &[&root]),
        write(tmp.path(), "leaf.pem", &[&leaf]),
    );
    verify(tmp.path(), &ca_file, &cert)
        .args(["--host", "db1.example"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("leaf.pem: OK"));
}

#[test]
fn cross_signed_cas_in_a_cycle_still_lead_to_the_root() {
    let tmp = TempDir::new().unwrap();
    let (root, r) = self_signed(ca_params("Trusted Root"));
    let keys: Vec<KeyPair> = (0..3).map(|_| KeyPair::generate().unwrap()).collect();
    let names = ["CA A", "CA B", "CA C"];
    let as_ca = |i: usize| Ca {
        issuer: Issuer::new(
            ca_params(names[i]),
            KeyPair::from_pem(&keys[i].serialize_pem()).unwrap(),
        ),
    };
    // Every one of A, B, C signs the other two; only C is under the root.
    let mut chain = Vec::new();
    for subject in 0..3 {
        for signer in (0..3).filter(|s| *s != subject) {
            chain.push(signed(
                ca_params(names[subject]),
                &keys[subject],
                &as_ca(signer),
            ));
        }
    }
    chain.push(signed(ca_params("CA C"), &keys[2], &r));
    let a1_key = KeyPair::generate().unwrap();
    let a1 = signed(ca_params("CA A1"), &a1_key, &as_ca(0));
    let a1_ca = Ca {
        issuer: Issuer::new(ca_params("CA A1"), a1_key),
    };
    let leaf = signed(
        leaf_params("db1", &["db1.example"]),
        &KeyPair::generate().unwrap(),
        &a1_ca,
    );
    chain.insert(0, a1);
    let refs: Vec<&str> = chain.iter().map(String::as_str).collect();
    let ca_file = write(tmp.path(), "ca.pem", &[&root]);
    let chain_file = write(tmp.path(), "chain.pem", &refs);
    let cert = write(tmp.path(), "leaf.pem", &[&leaf]);
    let started = Instant::now();
    verify(tmp.path(), &ca_file, &cert)
        .arg("--chain")
        .arg(&chain_file)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("leaf.pem: OK"));
    assert!(started.elapsed() < Duration::from_secs(5));
    // Without the cross-certificate from the root, the cycle leads nowhere.
    let without_root: Vec<&str> = refs[..refs.len() - 1].to_vec();
    let chain_file = write(tmp.path(), "cycle.pem", &without_root);
    verify(tmp.path(), &ca_file, &cert)
        .arg("--chain")
        .arg(&chain_file)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("issuer not trusted"));
}

/// nameConstraints permitting dNSName example.com, as DER.
const PERMIT_EXAMPLE_COM: &[u8] = &[
    0x30, 0x11, 0xa0, 0x0f, 0x30, 0x0d, 0x82, 0x0b, b'e', b'x', b'a', b'm', b'p', b'l', b'e', b'.',
    b'c', b'o', b'm',
];

#[test]
fn non_critical_name_constraints_that_permit_the_name_are_honoured() {
    let tmp = TempDir::new().unwrap();
    let mut p = ca_params("Constrained Root");
    p.custom_extensions = vec![CustomExtension::from_oid_content(
        &[2, 5, 29, 30],
        PERMIT_EXAMPLE_COM.to_vec(),
    )];
    let (root, ca) = self_signed(p);
    let ca_file = write(tmp.path(), "ca.pem", &[&root]);
    let inside = signed(
        leaf_params("db1", &["db1.example.com"]),
        &KeyPair::generate().unwrap(),
        &ca,
    );
    let outside = signed(
        leaf_params("db1", &["db1.example.org"]),
        &KeyPair::generate().unwrap(),
        &ca,
    );
    let inside = write(tmp.path(), "inside.pem", &[&inside]);
    let outside = write(tmp.path(), "outside.pem", &[&outside]);
    verify(tmp.path(), &ca_file, &inside).assert().code(0);
    verify(tmp.path(), &ca_file, &outside)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("name constraints"));
}

#[test]
fn a_root_whose_basic_constraints_are_not_critical_is_refused() {
    let tmp = TempDir::new().unwrap();
    let mut p = ca_params("Lax Root");
    p.is_ca = IsCa::NoCa;
    p.use_authority_key_identifier_extension = false;
    // basicConstraints cA=TRUE, not marked critical.
    let mut ski = vec![0x04, 0x14];
    ski.extend([0x5a; 20]);
    p.custom_extensions = vec![
        CustomExtension::from_oid_content(&[2, 5, 29, 19], vec![0x30, 0x03, 0x01, 0x01, 0xff]),
        CustomExtension::from_oid_content(&[2, 5, 29, 14], ski),
    ];
    let (root, ca) = self_signed(p);
    let leaf = signed(
        leaf_params("db1", &["db1.example"]),
        &KeyPair::generate().unwrap(),
        &ca,
    );
    let ca_file = write(tmp.path(), "ca.pem", &[&root]);
    let cert = write(tmp.path(), "leaf.pem", &[&leaf]);
    verify(tmp.path(), &ca_file, &cert)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "/CN=Lax Root: the root's basicConstraints is not critical (RFC 5280 4.2.1.9)",
        ));
}

#[test]
fn pathological_name_constraints_are_refused_quickly() {
    let tmp = TempDir::new().unwrap();
    let n = 2000;
    let mut p = ca_params("Many Constraints Root");
    p.name_constraints = Some(NameConstraints {
        permitted_subtrees: (0..n)
            .map(|i| GeneralSubtree::DnsName(format!("p{i}.example")))
            .collect(),
        excluded_subtrees: (0..n)
            .map(|i| GeneralSubtree::DnsName(format!("x{i}.example")))
            .collect(),
    });
    let (root, ca) = self_signed(p);
    let names: Vec<String> = (0..n).map(|i| format!("h.p{i}.example")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let leaf = signed(
        leaf_params("db1", &refs),
        &KeyPair::generate().unwrap(),
        &ca,
    );
    let ca_file = write(tmp.path(), "ca.pem", &[&root]);
    let cert = write(tmp.path(), "leaf.pem", &[&leaf]);
    let started = Instant::now();
    verify(tmp.path(), &ca_file, &cert)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "rejected: too much work: checking",
        ));
    let took = started.elapsed();
    assert!(took < Duration::from_secs(1), "took {took:?}");
}

/// A PKI directory made by certgen itself.
fn pki(dir: &Path, cn: &str) {
    certgen(dir)
        .args(["init-ca", "--cn", cn, "--key-type", "ecdsa-p256"])
        .assert()
        .success();
}

#[test]
fn the_ca_certificate_is_not_a_server_or_client_certificate() {
    let tmp = TempDir::new().unwrap();
    pki(tmp.path(), "Test CA");
    let ca = tmp.path().join("pki/ca-cert.pem");
    for purpose in ["server", "client"] {
        certgen(tmp.path())
            .arg("verify")
            .arg(&ca)
            .args(["--purpose", purpose])
            .assert()
            .code(1)
            .stdout(predicate::str::contains(format!(
                "/CN=Test CA is a CA certificate (basicConstraints cA=TRUE), not a {purpose} certificate"
            )));
    }
}

/// An intermediate CA under the PKI in `dir/pki`, in `dir/intermediate`.
fn intermediate(dir: &Path, cn: &str) -> PathBuf {
    common::certgen_dir(&dir.join("intermediate"))
        .args([
            "init-ca",
            "--intermediate",
            "--key-type",
            "ecdsa-p256",
            "--cn",
            cn,
        ])
        .arg("--parent")
        .arg(dir.join("pki"))
        .assert()
        .success();
    dir.join("intermediate")
}

/// `ssl_cert` pointing at an intermediate CA's certificate: refused for
/// either purpose, in both modes, with or without the chain file that also
/// holds it (OpenSSL takes certgen's intermediate for a server certificate,
/// since its keyUsage has digitalSignature; certgen refuses it on purpose).
#[test]
fn an_intermediate_ca_certificate_is_not_a_server_or_client_certificate() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    pki(d, "Test Root");
    let inter = intermediate(d, "Test Intermediate");
    let root = d.join("pki/ca-cert.pem");
    for purpose in ["server", "client"] {
        for strict in [false, true] {
            for chain in [false, true] {
                let mut cmd = verify(d, &root, &inter.join("ca-cert.pem"));
                cmd.args(["--purpose", purpose]);
                if strict {
                    cmd.arg("--strict");
                }
                if chain {
                    cmd.arg("--chain").arg(inter.join("ca-chain.pem"));
                }
                cmd.assert()
                    .code(1)
                    .stdout(predicate::str::contains(format!(
                        "rejected: /CN=Test Intermediate is a CA certificate (basicConstraints \
                     cA=TRUE), not a {purpose} certificate: give the {purpose}'s own \
                     certificate, not the CA's"
                    )));
            }
        }
    }
    // A server certificate the intermediate issued is fine.
    common::certgen_dir(&inter)
        .args(["issue-server", "db1", "--san", "db1.example"])
        .assert()
        .success();
    verify(d, &root, &inter.join("servers/db1/server-cert.pem"))
        .arg("--chain")
        .arg(inter.join("ca-chain.pem"))
        .args(["--host", "db1.example"])
        .assert()
        .code(0);
}

/// The openssl recipe's CA (`-addext basicConstraints=critical,CA:TRUE`, no
/// keyUsage) signing an intermediate, which is then given as the server's
/// certificate.
#[test]
fn an_openssl_made_intermediate_is_not_a_server_certificate() {
    if !common::have_openssl() {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    common::openssl_ok(
        d,
        &[
            "req",
            "-new",
            "-x509",
            "-nodes",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-days",
            "3650",
            "-keyout",
            "root-key.pem",
            "-subj",
            "/CN=Recipe Root",
            "-out",
            "root.pem",
        ],
    );
    common::openssl_ok(
        d,
        &[
            "req",
            "-new",
            "-nodes",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-keyout",
            "inter-key.pem",
            "-subj",
            "/CN=Recipe Intermediate",
            "-out",
            "inter.csr",
        ],
    );
    std::fs::write(
        d.join("v3_ca.ext"),
        "basicConstraints=critical,CA:TRUE\nsubjectKeyIdentifier=hash\n\
         authorityKeyIdentifier=keyid\n",
    )
    .unwrap();
    common::openssl_ok(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "inter.csr",
            "-CA",
            "root.pem",
            "-CAkey",
            "root-key.pem",
            "-set_serial",
            "02",
            "-days",
            "3650",
            "-extfile",
            "v3_ca.ext",
            "-out",
            "inter.pem",
        ],
    );
    for mode in [None, Some("--strict")] {
        verify(d, &d.join("root.pem"), &d.join("inter.pem"))
            .args(mode)
            .assert()
            .code(1)
            .stdout(predicate::str::contains(
                "/CN=Recipe Intermediate is a CA certificate (basicConstraints cA=TRUE), not a \
                 server certificate",
            ));
    }
}

fn openssl_accepts(dir: &Path) -> bool {
    Std::new("openssl")
        .current_dir(dir)
        .args(["verify", "-CAfile", "ca-cert.pem", "server-cert.pem"])
        .output()
        .unwrap()
        .status
        .success()
}

#[test]
fn a_server_certificate_with_the_cas_subject_is_the_manticore_trap() {
    if !common::have_openssl() {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    common::openssl_recipe(d, "/CN=manticore", 2048, "/CN=manticore", 2048);
    assert!(!openssl_accepts(d), "openssl verify should refuse it");
    verify(d, &d.join("ca-cert.pem"), &d.join("server-cert.pem"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "the certificate's subject /CN=manticore is also its issuer's",
        ))
        .stdout(predicate::str::contains(
            "reissue the server certificate with a subject different from the CA's",
        ));
}

#[test]
fn weak_rsa_keys_are_refused_naming_the_certificate_and_size() {
    if !common::have_openssl() {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    common::openssl_recipe(d, "/CN=Recipe CA", 2048, "/CN=db1.example", 1024);
    verify(d, &d.join("ca-cert.pem"), &d.join("server-cert.pem"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "rejected: weak key: /CN=db1.example has a 1024-bit RSA key",
        ));
    let odd = d.join("odd");
    std::fs::create_dir(&odd).unwrap();
    common::openssl_recipe(&odd, "/CN=Recipe CA", 2048, "/CN=db1.example", 2052);
    verify(&odd, &odd.join("ca-cert.pem"), &odd.join("server-cert.pem"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "rejected: weak key: /CN=db1.example has an RSA key whose modulus is 2052 bits",
        ));
}

#[test]
fn a_client_csr_that_names_no_one_is_not_signed_and_such_a_certificate_is_rejected() {
    if !common::have_openssl() {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    pki(d, "Test CA");
    common::openssl_ok(
        d,
        &[
            "req",
            "-new",
            "-nodes",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-keyout",
            "k.pem",
            "-subj",
            "/",
            "-out",
            "empty.csr",
        ],
    );
    certgen(d)
        .args(["sign", "empty.csr", "--profile", "client"])
        .current_dir(d)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "a client certificate needs a subject or a subjectAltName to name its user, and the CSR has neither",
        ));
    assert!(
        std::fs::read_to_string(d.join("pki/index.txt"))
            .unwrap_or_default()
            .is_empty()
    );
    // Made by openssl instead, the certificate is refused.
    std::fs::write(d.join("ext.cnf"), "extendedKeyUsage=clientAuth\n").unwrap();
    common::openssl_ok(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "empty.csr",
            "-CA",
            "pki/ca-cert.pem",
            "-CAkey",
            "pki/ca-key.pem",
            "-set_serial",
            "9",
            "-extfile",
            "ext.cnf",
            "-out",
            "empty.pem",
        ],
    );
    certgen(d)
        .arg("verify")
        .arg(d.join("empty.pem"))
        .args(["--purpose", "client"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "the subject name is empty and there is no subjectAltName",
        ));
}

#[test]
fn sha1_signatures_are_refused_below_the_root() {
    if !common::have_openssl() {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    common::openssl_recipe(d, "/CN=Recipe CA", 2048, "/CN=db1.example", 2048);
    common::openssl_ok(
        d,
        &[
            "x509",
            "-req",
            "-sha1",
            "-in",
            "server-req.pem",
            "-days",
            "3600",
            "-CA",
            "ca-cert.pem",
            "-CAkey",
            "ca-key.pem",
            "-set_serial",
            "02",
            "-out",
            "sha1.pem",
        ],
    );
    verify(d, &d.join("ca-cert.pem"), &d.join("sha1.pem"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "rejected: weak signature: /CN=db1.example is signed with SHA-1",
        ));
    verify(d, &d.join("ca-cert.pem"), &d.join("server-cert.pem"))
        .assert()
        .code(0);
}

#[test]
fn a_subject_alt_name_without_dns_names_leaves_the_cn_to_match_as_openssl_does() {
    let tmp = TempDir::new().unwrap();
    let (root, ca) = self_signed(ca_params("Test CA"));
    let leaf = signed(
        leaf_params("db1.example", &["10.0.0.5"]),
        &KeyPair::generate().unwrap(),
        &ca,
    );
    let ca_file = write(tmp.path(), "ca.pem", &[&root]);
    let cert = write(tmp.path(), "leaf.pem", &[&leaf]);
    verify(tmp.path(), &ca_file, &cert)
        .args(["--host", "db1.example"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("matched the subject CN only"));
    verify(tmp.path(), &ca_file, &cert)
        .args(["--host", "10.0.0.5"])
        .assert()
        .code(0);
    verify(tmp.path(), &ca_file, &cert)
        .args(["--host", "db2.example"])
        .assert()
        .code(1);
}
