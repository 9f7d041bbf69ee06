//! No string certgen prints reaches the terminal with a raw control,
//! zero-width, bidirectional-control or tag character, in text, JSON,
//! Prometheus or Nagios form; JSON escapes them as `\uXXXX` and decodes to
//! the original string.
//!
//! The strings that can hold them: file names (inspect, verify, check-expiry,
//! deploy, and every command's error messages), what index.txt records (list,
//! revoke), the subjectAltNames of certificates from elsewhere (inspect,
//! check-expiry), and names given on the command line and echoed in errors.
//! Subjects and issuers are printed as OpenSSL's X509_NAME_oneline prints
//! them, with bytes outside printable ASCII as `\xHH`; the tests give them
//! hostile characters too (a CA's CN, a client's O, a CSR's CN), so that
//! every command printing them is run: init-ca, issue-server, issue-client,
//! sign, config, deploy, renew, crl, revoke, list, inspect, verify,
//! check-expiry.

use std::path::Path;
use std::process::Output;

use crate::common::*;
use serde_json::Value;

/// Characters that hide, join or reorder text on a terminal, one of each
/// kind: right-to-left override, zero-width space, tag LATIN CAPITAL A, soft
/// hyphen, Arabic letter mark, line and paragraph separators, left-to-right
/// isolate, byte-order mark, word joiner.
const HOSTILE: &str =
    "a\u{202e}b\u{200b}c\u{e0041}d\u{ad}e\u{61c}f\u{2028}g\u{2029}h\u{2066}i\u{feff}j\u{2060}k";

/// Six bytes in a subjectAltName that are replaced, once the certificate is
/// made, by two characters of six bytes (rcgen writes only ASCII there).
const SAN_MARK: &str = "QQQQQQ";
const SAN_HOSTILE: &str = "\u{202e}\u{200b}";

/// What must not reach a terminal raw.
fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{ad}'
                | '\u{61c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

/// Asserts that neither stdout nor stderr holds a hidden character raw.
fn assert_clean(what: &str, out: &Output) {
    assert_no_panic(out);
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        if let Some(c) = text.chars().find(|c| is_hidden(*c)) {
            panic!("{what}: {stream} holds {c:?} raw: {text:?}");
        }
    }
}

/// Runs certgen in `dir`, asserts it succeeded and printed nothing hidden.
fn clean(dir: &Path, args: &[&str]) -> Output {
    let out = run(dir, args);
    assert_clean(&format!("{args:?}"), &out);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    out
}

/// Every string in a JSON document, keys included.
fn strings(value: &Value, all: &mut Vec<String>) {
    match value {
        Value::String(s) => all.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, all)),
        Value::Object(map) => {
            for (k, v) in map {
                all.push(k.clone());
                strings(v, all);
            }
        }
        _ => {}
    }
}

/// Asserts that stdout is JSON with a string holding `original`, as it is.
fn assert_json_holds(what: &str, out: &Output, original: &str) {
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: not JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    let mut all = Vec::new();
    strings(&doc, &mut all);
    assert!(
        all.iter().any(|s| s.contains(original)),
        "{what}: no string holds {original:?}: {all:?}"
    );
}

/// `args` with `--format FORMAT` appended.
fn with_format<'a>(args: &[&'a str], format: &'a str) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(["--format", format]);
    all
}

/// Runs a command as text and as JSON; the JSON holds `original`, when given.
fn text_and_json(dir: &Path, args: &[&str], original: Option<&str>) {
    clean(dir, &with_format(args, "text"));
    let out = clean(dir, &with_format(args, "json"));
    match original {
        Some(original) => assert_json_holds(&format!("{args:?}"), &out, original),
        None => {
            serde_json::from_slice::<Value>(&out.stdout)
                .unwrap_or_else(|e| panic!("{args:?}: not JSON: {e}"));
        }
    }
}

/// A self-signed certificate for CN=HOSTILE whose DNS and email names hold
/// SAN_HOSTILE, as DER. Its signature no longer verifies; nothing here
/// checks it.
fn hostile_san_cert() -> Vec<u8> {
    let mut params = rcgen::CertificateParams::new(vec![format!("{SAN_MARK}.example")])
        .expect("valid subjectAltNames");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, HOSTILE);
    params.not_before = LONG_AGO;
    params.not_after = FAR_FUTURE;
    let key = rcgen::KeyPair::generate().expect("key generation");
    let der = params.self_signed(&key).expect("signing").der().to_vec();
    let at = der
        .windows(SAN_MARK.len())
        .position(|w| w == SAN_MARK.as_bytes())
        .expect("the mark is in the certificate");
    let mut patched = der.clone();
    patched[at..at + SAN_MARK.len()].copy_from_slice(SAN_HOSTILE.as_bytes());
    patched
}

/// A CSR for CN=HOSTILE with a plain DNS name.
fn hostile_csr() -> String {
    let mut params =
        rcgen::CertificateParams::new(vec!["db9.example".to_string()]).expect("valid names");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, HOSTILE);
    let key = rcgen::KeyPair::generate().expect("key generation");
    params
        .serialize_request(&key)
        .expect("a CSR")
        .pem()
        .expect("PEM")
}

#[test]
fn certificates_from_elsewhere_in_files_with_hostile_names() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let evil_dir = format!("certs{HOSTILE}");
    let leaf = format!("{evil_dir}/leaf{HOSTILE}.der");
    write(&dir.join(&leaf), hostile_san_cert());
    let san = format!("DNS:{SAN_HOSTILE}.example");

    text_and_json(dir, &["inspect", &leaf], Some(&leaf));
    text_and_json(dir, &["inspect", &leaf], Some(&san));

    let check = ["check-expiry", "--at", AT, &evil_dir];
    for format in ["text", "prometheus", "nagios"] {
        clean(dir, &with_format(&check, format));
    }
    let json = clean(dir, &with_format(&check, "json"));
    assert_json_holds("check-expiry", &json, &leaf);
    assert_json_holds("check-expiry", &json, &san);

    // A file that cannot be read is named in an error, and UNKNOWN.
    let gone = format!("{evil_dir}/gone{HOSTILE}.pem");
    for format in ["text", "json", "prometheus", "nagios"] {
        let args = with_format(&["check-expiry", "--at", AT, &gone], format);
        let out = run(dir, &args);
        assert_clean(&format!("{args:?}"), &out);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
    }
    let out = run(dir, &["inspect", &gone]);
    assert_clean("inspect of a missing file", &out);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn a_pki_whose_names_and_files_are_hostile() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let cn = format!("CA {HOSTILE}");
    let key = ["--key-type", "ecdsa-p256"];
    let init = [&["init-ca", "--cn", &cn][..], &key].concat();
    text_and_json(dir, &[&init[..], &["--force"]].concat(), None);

    // A name certgen refuses is echoed in the error, escaped.
    let out = run(dir, &["issue-client", &format!("u{HOSTILE}")]);
    assert_clean("issue-client of a hostile name", &out);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    let o = format!("/O={HOSTILE}");
    for (server, format) in [("db1", "text"), ("db2", "json")] {
        clean(
            dir,
            &with_format(
                &["issue-server", server, "--key-type", "ecdsa-p256"],
                format,
            ),
        );
    }
    for (user, format) in [("alice", "text"), ("bob", "json")] {
        let args = [&["issue-client", user, "--subject", &o][..], &key].concat();
        clean(dir, &with_format(&args, format));
    }
    text_and_json(
        dir,
        &["config", "mysql", "--server", "db1", "--user", "alice"],
        None,
    );
    text_and_json(dir, &["renew", "db1"], None);

    write(&dir.join("req.pem"), hostile_csr());
    let signed = |format: &str| format!("signed{HOSTILE}.{format}.pem");
    for format in ["text", "json"] {
        let out = signed(format);
        let args = ["sign", "req.pem", "--out", &out, "--format", format];
        let run = clean(dir, &args);
        if format == "json" {
            assert_json_holds("sign", &run, &out);
        }
    }

    // The server certificate, at a path a terminal would show reordered.
    let evil_dir = format!("certs{HOSTILE}");
    let cert = format!("{evil_dir}/server{HOSTILE}.pem");
    std::fs::create_dir(dir.join(&evil_dir)).unwrap();
    std::fs::copy(dir.join("pki/servers/db1/server-cert.pem"), dir.join(&cert)).unwrap();
    text_and_json(dir, &["verify", &cert], Some(&cert));
    text_and_json(dir, &["inspect", &cert], Some(&cert));
    let check = ["check-expiry", &evil_dir, "pki"];
    for format in ["text", "prometheus", "nagios"] {
        clean(dir, &with_format(&check, format));
    }
    assert_json_holds(
        "check-expiry",
        &clean(dir, &with_format(&check, "json")),
        &cert,
    );

    for (to, format) in [("text", "text"), ("json", "json")] {
        let to = format!("{evil_dir}/deployed-{to}");
        let args = ["deploy", "server", "db1", "--to", &to, "--format", format];
        let out = clean(dir, &args);
        if format == "json" {
            assert_json_holds("deploy", &out, &to);
        }
    }

    // What index.txt records is printed as it is recorded.
    let subject = format!("/CN={HOSTILE}");
    let mut index = std::fs::read_to_string(dir.join("pki/index.txt")).unwrap();
    for serial in ["0ABC01", "0ABC02"] {
        index.push_str(&format!(
            "V\t20991231235959Z\t\t{serial}\tunknown\t{subject}\n"
        ));
    }
    write(&dir.join("pki/index.txt"), index);
    text_and_json(dir, &["list"], Some(&subject));
    for (serial, format) in [("0ABC01", "text"), ("0ABC02", "json")] {
        let out = clean(dir, &["revoke", "--serial", serial, "--format", format]);
        if format == "json" {
            assert_json_holds("revoke", &out, &subject);
        }
    }
    text_and_json(dir, &["list", "--status", "revoked"], Some(&subject));
    text_and_json(dir, &["crl"], None);
}
