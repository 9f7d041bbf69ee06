//! One vocabulary across commands: the same certificate reports the same
//! serial, notAfter and subjectAltNames, under the same field names and in the
//! same formats, in every command's JSON, and as `openssl x509` prints them.

use crate::common::*;
use serde_json::Value;

fn json(dir: &std::path::Path, args: &[&str]) -> Value {
    let out = run(dir, args);
    // verify and check-expiry answer with an exit code; their JSON is still whole.
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: {e}: {text}"))
}

/// The fields every certificate summary has, whichever command printed it.
fn summary_fields(c: &Value) -> (String, String, Vec<String>) {
    let sans = c["subject_alt_names"]
        .as_array()
        .unwrap_or_else(|| panic!("no subject_alt_names in {c}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    (
        c["serial"].as_str().unwrap().to_string(),
        c["not_after"].as_str().unwrap().to_string(),
        sans,
    )
}

#[test]
fn one_certificate_reads_the_same_in_every_command() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "-q", "--key-type", "ecdsa-p256"]);
    let issued = json(
        dir,
        &[
            "issue-server",
            "db1.example",
            "--san",
            "10.0.0.1,::1",
            "--key-type",
            "ecdsa-p256",
            "--format",
            "json",
        ],
    );
    let cert = "pki/servers/db1.example/server-cert.pem";
    let expected = summary_fields(&issued["certificate"]);
    assert_eq!(
        expected.2,
        ["DNS:db1.example", "IP:10.0.0.1", "IP:::1"],
        "{issued}"
    );

    let inspected = json(dir, &["inspect", "--format", "json", cert]);
    let listed = json(dir, &["list", "--format", "json"]);
    let verified = json(dir, &["verify", "--format", "json", cert]);
    let checked = json(dir, &["check-expiry", "--format", "json", cert]);
    write(&dir.join("pw"), "s3cret-pw\n");
    let stores = json(
        dir,
        &[
            "keystore",
            "server",
            "db1.example",
            "--out",
            "stores",
            "--password-file",
            "pw",
            "--format",
            "json",
        ],
    );
    let status = json(dir, &["status", "--format", "json"]);
    let listed_row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["serial"] == expected.0.as_str())
        .unwrap_or_else(|| panic!("serial {} not listed: {listed}", expected.0));

    for (command, summary) in [
        ("inspect", &inspected[0]["objects"][0]),
        ("list", &listed_row["certificate"]),
        ("verify", &verified["certificate"]),
        ("check-expiry", &checked["results"][0]["certificate"]),
        ("keystore", &stores["certificate"]),
        ("keystore chain", &stores["keystore"]["chain"][0]),
        ("status", &status["bundles"][0]["certificate"]),
    ] {
        assert_eq!(summary_fields(summary), expected, "{command}: {summary}");
        assert_eq!(
            summary["public_key_sha256"], issued["certificate"]["public_key_sha256"],
            "{command}"
        );
    }
    // The index row's own fields say the same as the certificate's, and so
    // do status's bundle row's.
    assert_eq!(listed_row["not_after"], expected.1.as_str());
    assert_eq!(status["bundles"][0]["not_after"], expected.1.as_str());
    assert_eq!(status["bundles"][0]["serial"], expected.0.as_str());

    // RFC 3339 in UTC, to the second; upper-case hex without colons.
    let not_after = &expected.1;
    assert!(
        not_after.len() == 20 && not_after.ends_with('Z') && not_after.as_bytes()[10] == b'T',
        "{not_after}"
    );
    assert!(
        expected
            .0
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
            && expected.0.len() >= 2,
        "{}",
        expected.0
    );

    if have_openssl() {
        let (_, serial) = openssl(dir, &["x509", "-in", cert, "-noout", "-serial"]);
        assert_eq!(serial.trim(), format!("serial={}", expected.0));
    }
}

#[test]
fn a_key_and_its_certificate_share_a_public_key_fingerprint() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "-q", "--key-type", "ecdsa-p256"]);
    ok(dir, &["issue-client", "-q", "app", "--key-type", "ed25519"]);
    let v = json(
        dir,
        &[
            "inspect",
            "--format",
            "json",
            "pki/users/app/client-cert.pem",
            "pki/users/app/client-key.pem",
        ],
    );
    let cert_fp = v[0]["objects"][0]["public_key_sha256"].as_str().unwrap();
    let key_fp = v[1]["objects"][0]["public_key_sha256"].as_str().unwrap();
    assert_eq!(cert_fp, key_fp);
    assert_eq!(cert_fp.len(), 32 * 3 - 1);
    let text = ok(dir, &["inspect", "pki/users/app/client-cert.pem"]);
    assert!(
        text.contains(&format!("public key SHA-256: {cert_fp}")),
        "{text}"
    );
}

#[test]
fn setup_reports_its_bundles_as_json() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let v = json(
        dir,
        &[
            "setup",
            "mariadb",
            "--host",
            "db.example",
            "--user",
            "app,report",
            "--key-type",
            "ecdsa-p256",
            "--ca-key-type",
            "ecdsa-p256",
            "--format",
            "json",
        ],
    );
    assert_eq!(v["ca"]["subject"], "/CN=certgen CA");
    assert_eq!(v["server"]["name"], "db.example");
    assert_eq!(
        v["server"]["certificate"]["subject_alt_names"],
        serde_json::json!(["DNS:db.example"])
    );
    let users: Vec<&str> = v["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["certificate"]["subject"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["/CN=app", "/CN=report"]);
    assert!(
        v["users"][1]["sql"]
            .as_str()
            .unwrap()
            .starts_with("ALTER USER 'report'@'%' REQUIRE SUBJECT '/CN=report'")
    );
    assert!(
        v["config"]["sections"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("[mysqld]\n")
    );
    // A second run keeps the bundles and reports the same ones.
    let again = json(
        dir,
        &[
            "setup",
            "mariadb",
            "--host",
            "db.example",
            "--user",
            "app,report",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        again["users"][0]["certificate"]["serial"],
        v["users"][0]["certificate"]["serial"]
    );
}

/// The certificate object documented in docs/json.md has exactly the fields
/// every command prints.
#[test]
fn the_documented_certificate_object_is_the_printed_one() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/json.md"))
        .expect("docs/json.md");
    let start = doc
        .find("## The certificate object")
        .expect("a section on the certificate object");
    let example = &doc[start..];
    let open = example.find("```json\n").expect("a JSON example") + "```json\n".len();
    let close = open + example[open..].find("```").expect("the end of the example");
    let documented: Value = serde_json::from_str(&example[open..close]).expect("valid JSON");
    let mut documented: Vec<&String> = documented.as_object().unwrap().keys().collect();
    documented.sort();

    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "-q", "--key-type", "ecdsa-p256"]);
    let issued = json(
        dir,
        &[
            "issue-server",
            "db1",
            "--key-type",
            "ecdsa-p256",
            "--format",
            "json",
        ],
    );
    let mut printed: Vec<&String> = issued["certificate"].as_object().unwrap().keys().collect();
    printed.sort();
    assert_eq!(documented, printed);
}

/// Warnings are `{code, message}` objects in every command's JSON.
#[test]
fn warnings_have_one_shape() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(
        dir,
        &["init-ca", "-q", "--key-type", "ecdsa-p256", "--days", "30"],
    );
    let issued = json(
        dir,
        &[
            "issue-server",
            "db1",
            "--key-type",
            "ecdsa-p256",
            "--format",
            "json",
        ],
    );
    let w = &issued["warnings"][0];
    assert_eq!(w["code"], "validity-capped", "{issued}");
    assert!(
        w["message"]
            .as_str()
            .unwrap()
            .starts_with("validity capped at the CA's notAfter "),
        "{issued}"
    );
    // verify's warnings are the same objects: a client certificate has no
    // subjectAltName, so a host name matches only its CN.
    ok(
        dir,
        &["issue-client", "-q", "app", "--key-type", "ecdsa-p256"],
    );
    let verified = json(
        dir,
        &[
            "verify",
            "--format",
            "json",
            "--purpose",
            "client",
            "--host",
            "app",
            "pki/users/app/client-cert.pem",
        ],
    );
    let codes: Vec<&str> = verified["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"common-name-match"), "{verified}");
    assert!(verified["warnings"][0]["message"].is_string(), "{verified}");
}

/// `revoke` prints the row `list` then shows, and `crl` the CRL `inspect`
/// then reads, field for field.
#[test]
fn revoke_and_crl_speak_the_list_and_inspect_vocabulary() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let now = ["--now", "2030-01-01T00:00:00Z"];
    let with_now =
        |args: &[&str]| -> Vec<String> { now.iter().chain(args).map(|s| s.to_string()).collect() };
    let json_now = |args: &[&str]| {
        let v = with_now(args);
        json(dir, &v.iter().map(String::as_str).collect::<Vec<_>>())
    };
    json_now(&["init-ca", "--key-type", "ecdsa-p256", "--format", "json"]);
    json_now(&[
        "issue-client",
        "app",
        "--key-type",
        "ecdsa-p256",
        "--format",
        "json",
    ]);
    let revoked = json_now(&[
        "revoke",
        "app",
        "--reason",
        "caCompromise",
        "--format",
        "json",
    ]);
    assert_eq!(revoked["revocation_reason"], "CACompromise");
    assert_eq!(revoked["revoked_at"], "2030-01-01T00:00:00Z");
    let listed = json(
        dir,
        &["list", "--format", "json", "--at", "2030-01-02T00:00:00Z"],
    );
    let row = &listed[0];
    for field in [
        "serial",
        "subject",
        "file",
        "revoked_at",
        "revocation_reason",
        "certificate",
    ] {
        assert_eq!(revoked[field], row[field], "{field}");
    }
    let made = json_now(&["crl", "--format", "json"]);
    assert_eq!(made["file"], "pki/crl.pem");
    let inspected = json(dir, &["inspect", "--format", "json", "pki/crl.pem"]);
    let mut object = inspected[0]["objects"][0].clone();
    object.as_object_mut().unwrap().remove("type");
    assert_eq!(made["crl"], object);
    assert_eq!(made["crl"]["revoked"][0]["serial"], revoked["serial"]);
    assert_eq!(
        made["crl"]["revoked"][0]["revocation_reason"],
        "CACompromise"
    );
}
