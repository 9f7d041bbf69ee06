//! `certgen check-expiry`: statuses, exit codes, formats, and robustness.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::common::*;
use serde_json::Value;

fn check(args: &[&str]) -> std::process::Output {
    run_at(&["check-expiry"], args)
}

fn code(out: &std::process::Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = check(&all);
    let v: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    (code(&out), v)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

#[test]
fn each_status_has_its_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let ok = dir.path().join("ok.pem");
    let warn = dir.path().join("warn.pem");
    let crit = dir.path().join("crit.pem");
    let future = dir.path().join("future.pem");
    let unknown = dir.path().join("broken.pem");
    write(&ok, ok_cert("ok").pem());
    write(&warn, warning_cert("warn").pem());
    write(&crit, expired_cert("crit").pem());
    write(&future, cert("future", FAR_FUTURE, FAR_FUTURE).pem());
    write(&unknown, "-----BEGIN CERTIFICATE-----\nMIIB\n");
    assert_eq!(code(&check(&[s(&ok)])), 0);
    assert_eq!(code(&check(&[s(&ok), s(&warn)])), 1);
    assert_eq!(code(&check(&[s(&ok), s(&crit)])), 2);
    assert_eq!(code(&check(&[s(&future)])), 2, "not yet valid is CRITICAL");
    assert_eq!(code(&check(&[s(&ok), s(&unknown)])), 3);
    assert_eq!(code(&check(&[s(&warn), s(&unknown)])), 3);
    assert_eq!(
        code(&check(&[s(&unknown), s(&crit)])),
        2,
        "CRITICAL outranks UNKNOWN"
    );
}

#[test]
fn thresholds_move_the_boundaries() {
    let dir = tempfile::tempdir().unwrap();
    let warn = dir.path().join("warn.pem");
    write(&warn, warning_cert("warn").pem());
    assert_eq!(code(&check(&["--warn", "2w", s(&warn)])), 0);
    assert_eq!(code(&check(&["--crit", "21", s(&warn)])), 2);
    assert_eq!(
        code(&check(&["--warn", "481h", "--crit", "12h", s(&warn)])),
        1
    );
}

#[test]
fn usage_errors_exit_3() {
    for args in [
        &["--warn", "soon"][..],
        &["--warn", "7d", "--crit", "30d"],
        &["--at", "yesterday"],
        &["--no-such-flag"],
        &["--format", "xml"],
    ] {
        let out = certgen_cmd()
            .arg("check-expiry")
            .args(args)
            .output()
            .unwrap();
        assert_no_panic(&out);
        assert_eq!(
            code(&out),
            3,
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let help = certgen_cmd()
        .args(["check-expiry", "--help"])
        .output()
        .unwrap();
    assert_eq!(code(&help), 0);
    let other = certgen_cmd()
        .args(["issue-server", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(code(&other), 2, "other commands keep exit 2");
}

#[test]
fn bundles_and_der_count_every_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = format!(
        "{}{}{}",
        ok_cert("a").pem(),
        warning_cert("b").pem(),
        ok_cert("c").pem()
    );
    write(&dir.path().join("bundle.pem"), bundle);
    write(&dir.path().join("single.der"), ok_cert("d").der());
    write(
        &dir.path().join("key.pem"),
        rcgen::KeyPair::generate().unwrap().serialize_pem(),
    );
    let (rc, v) = json(&[s(dir.path())]);
    assert_eq!(rc, 1);
    let results = v["results"].as_array().unwrap();
    let seen: Vec<(String, Value, String)> = results
        .iter()
        .map(|r| {
            let name = Path::new(r["file"].as_str().unwrap()).file_name().unwrap();
            (
                name.to_string_lossy().into_owned(),
                r["position"].clone(),
                r["certificate"]["subject"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("bundle.pem".into(), Value::from(1), "/CN=a".into()),
            ("bundle.pem".into(), Value::from(2), "/CN=b".into()),
            ("bundle.pem".into(), Value::from(3), "/CN=c".into()),
            ("single.der".into(), Value::Null, "/CN=d".into()),
        ]
    );
    assert_eq!(v["summary"]["certificates"], 4);
    assert_eq!(v["summary"]["warning"], 1);
}

#[test]
fn json_schema_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("old.pem"), expired_cert("old").pem());
    write(&dir.path().join("bad.crt"), "garbage");
    let (rc, v) = json(&[s(dir.path())]);
    assert_eq!(rc, 2);
    assert_eq!(v["checked_at"], "2030-06-01T00:00:00Z");
    assert_eq!(v["warn_seconds"], 30 * 86400);
    assert_eq!(v["crit_seconds"], 7 * 86400);
    assert_eq!(v["status"], "critical");
    assert_eq!(v["exit_code"], 2);
    let r = &v["results"];
    assert_eq!(r[0]["status"], "unknown");
    assert!(
        r[0]["reason"]
            .as_str()
            .unwrap()
            .contains("neither PEM nor DER")
    );
    assert_eq!(r[0]["certificate"], Value::Null);
    assert_eq!(r[0]["seconds_left"], Value::Null);
    assert_eq!(r[1]["status"], "critical");
    let c = &r[1]["certificate"];
    assert_eq!(c["not_after"], "2001-06-01T00:00:00Z");
    assert_eq!(c["not_before"], "2000-01-01T00:00:00Z");
    assert_eq!(c["issuer"], "/CN=old");
    assert_eq!(c["subject"], "/CN=old");
    assert!(
        c["serial"]
            .as_str()
            .unwrap()
            .chars()
            .all(|c| c.is_ascii_hexdigit())
    );
    let left = r[1]["seconds_left"].as_i64().unwrap();
    let expected = (time::macros::datetime!(2001-06-01 00:00 UTC) - NOW).whole_seconds();
    assert_eq!(left, expected);
    assert_eq!(r[1]["days_left"], left.div_euclid(86400));
    assert_eq!(v["summary"]["unknown"], 1);
    assert_eq!(v["summary"]["min_seconds_left"], left);
}

#[test]
fn quiet_text_is_silent_when_all_is_well() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a.pem"), ok_cert("a").pem());
    write(&dir.path().join("b.pem"), ok_cert("b").pem());
    let out = certgen_cmd()
        .args(["-q", "check-expiry", "--at", AT, s(dir.path())])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0);
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    write(&dir.path().join("c.pem"), warning_cert("c").pem());
    let out = certgen_cmd()
        .args(["-q", "check-expiry", "--at", AT, s(dir.path())])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "header and the one problem: {text}");
    assert!(lines[0].starts_with("STATUS"));
    assert!(
        lines[1].starts_with("WARNING") && lines[1].contains("/CN=c"),
        "{text}"
    );
}

#[test]
fn text_table_lists_everything_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a.pem"), ok_cert("a").pem());
    write(&dir.path().join("z.pem"), expired_cert("z").pem());
    let out = check(&[s(dir.path())]);
    assert_eq!(code(&out), 2);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[1].starts_with("OK        2099-01-01") && lines[1].ends_with("/CN=a"),
        "{text}"
    );
    assert!(
        lines[2].starts_with("CRITICAL  2001-06-01") && lines[2].contains("expired"),
        "{text}"
    );
    assert_eq!(
        lines[3],
        "2 certificates: 1 ok, 0 warning, 1 critical; 0 unknown"
    );
}

#[test]
fn control_characters_from_certificates_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("evil.pem"),
        expired_cert("x\u{1b}[2Jy\u{202e}z").pem(),
    );
    let text = stdout(&check(&[s(dir.path())]));
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text:?}"
    );
}

#[test]
fn nagios_line_has_status_and_perfdata() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a.pem"), ok_cert("a").pem());
    write(&dir.path().join("b.pem"), warning_cert("b").pem());
    let out = check(&["--format", "nagios", s(dir.path())]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    let mut lines = text.lines();
    let first = lines.next().unwrap();
    let (status, perf) = first.split_once(" | ").expect("text | perfdata");
    assert!(
        status.starts_with("CERTGEN EXPIRY WARNING - 2 certificates"),
        "{status}"
    );
    assert!(!status.contains('|') && !perf.contains('|'));
    let perf: Vec<&str> = perf.split(' ').collect();
    assert_eq!(perf[0], "certificates=2;;;0");
    assert_eq!(perf[2], "warning=1;;;0");
    let left = 20 * 86400;
    assert_eq!(
        perf[5],
        format!("min_seconds_left={left}s;2592000:;604800:")
    );
    let problem = lines.next().unwrap();
    assert!(
        problem.starts_with("WARNING: ") && problem.contains("b.pem"),
        "{problem}"
    );
    assert!(lines.next().is_none());
}

/// A sample: metric name, labels in order, value.
type Sample = (String, Vec<(String, String)>, f64);

/// The text exposition format, line by line: comments, then `name{labels} value`.
fn check_prometheus_text(text: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    let mut typed = std::collections::HashSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            let kind = parts.next().unwrap();
            let name = parts.next().unwrap();
            assert!(matches!(kind, "HELP" | "TYPE"), "{line}");
            if kind == "TYPE" {
                assert_eq!(parts.next(), Some("gauge"), "{line}");
                assert!(
                    typed.insert(name.to_string()),
                    "family declared twice: {line}"
                );
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("series and value");
        let value: f64 = value.parse().expect("numeric sample value");
        let (name, labels) = match series.split_once('{') {
            Some((n, l)) => (n, parse_labels(l.strip_suffix('}').expect("closing brace"))),
            None => (series, Vec::new()),
        };
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !name.is_empty(),
            "{line}"
        );
        assert!(typed.contains(name), "sample before its TYPE line: {line}");
        samples.push((name.to_string(), labels, value));
    }
    samples
}

fn parse_labels(mut s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    while !s.is_empty() {
        let (name, rest) = s.split_once("=\"").expect("label=\"value\"");
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let end = loop {
            match chars.next().expect("unterminated label value") {
                (_, '\\') => match chars.next().expect("escape").1 {
                    'n' => value.push('\n'),
                    c @ ('\\' | '"') => value.push(c),
                    c => panic!("bad escape \\{c}"),
                },
                (i, '"') => break i,
                (_, c) => value.push(c),
            }
        };
        out.push((name.to_string(), value));
        s = rest[end + 1..]
            .strip_prefix(',')
            .unwrap_or(&rest[end + 1..]);
    }
    out
}

#[test]
fn prometheus_output_is_valid_and_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let certs = dir.path().join("certs");
    write(&certs.join("a.pem"), ok_cert("a\"b\\c").pem());
    write(&certs.join("b.pem"), expired_cert("b").pem());
    write(&certs.join("c.pem"), "");
    let prom = dir.path().join("certgen.prom");
    let out = check(&["--format", "prometheus", "--output", s(&prom), s(&certs)]);
    assert_eq!(code(&out), 2);
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(&prom).unwrap();
    let samples = check_prometheus_text(&text);
    let find = |name: &str, file: &str| {
        samples
            .iter()
            .find(|(n, l, _)| n == name && l.iter().any(|(k, v)| k == "path" && v.ends_with(file)))
            .unwrap_or_else(|| panic!("{name} for {file} in {text}"))
    };
    let (_, labels, not_after) = find("certgen_certificate_not_after_timestamp_seconds", "a.pem");
    assert_eq!(*not_after, FAR_FUTURE.unix_timestamp() as f64);
    let keys: Vec<&str> = labels.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["path", "index", "subject", "serial"]);
    assert_eq!(labels[2].1, "/CN=a\"b\\c");
    let (_, _, left) = find("certgen_certificate_expiry_seconds", "b.pem");
    assert!(*left < 0.0);
    find("certgen_check_expiry_unknown", "c.pem");
    let status = samples
        .iter()
        .find(|(n, _, _)| n == "certgen_check_expiry_status")
        .unwrap();
    assert_eq!(status.2, 2.0);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 2, "no temp file left behind");
}

#[test]
fn default_path_is_the_pki_directory() {
    let dir = tempfile::tempdir().unwrap();
    let pki = dir.path().join("pki");
    write(&pki.join("ca-cert.pem"), ok_cert("ca").pem());
    write(
        &pki.join("index.txt"),
        "V\t991231235959Z\t\t01\tunknown\t/CN=a\n",
    );
    write(
        &pki.join("old_keys/2001-01-01T000000Z/ca-cert.pem"),
        expired_cert("old").pem(),
    );
    let out = certgen_cmd()
        .args([
            "--dir",
            s(&pki),
            "check-expiry",
            "--at",
            AT,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(code(&out), 0, "{v}");
    assert_eq!(v["summary"]["certificates"], 1);
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (rc, v) = json(&[s(&empty)]);
    assert_eq!(rc, 3);
    assert_eq!(v["results"][0]["reason"], "no certificates found");
}

#[test]
fn a_tree_with_unreadable_entries_reports_each_as_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("good/a.pem"), ok_cert("a").pem());
    std::os::unix::fs::symlink("missing.pem", root.join("good/broken.pem")).unwrap();
    std::os::unix::fs::symlink("self.pem", root.join("good/self.pem")).unwrap();
    symlink_loop(&root.join("loop"));
    let fifo = root.join("good/pipe.pem");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    write(&root.join("good/garbage.crt"), random_bytes(4096, 3));
    let (rc, v) = json(&[s(root)]);
    assert_eq!(rc, 3);
    let got: Vec<(String, String)> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let p = Path::new(r["file"].as_str().unwrap())
                .strip_prefix(root)
                .unwrap();
            (
                p.display().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("good/a.pem", "ok"),
        ("good/broken.pem", "unknown"),
        ("good/garbage.crt", "unknown"),
        ("good/pipe.pem", "unknown"),
        ("good/self.pem", "unknown"),
        ("loop/again", "unknown"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);
    let reasons: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert!(reasons[3].contains("FIFO"), "{reasons:?}");
    assert!(reasons[5].contains("loop"), "{reasons:?}");
}

#[test]
fn malformed_input_never_panics_or_hangs() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in malformed_inputs() {
        let path = dir.path().join(name);
        write(&path, &bytes);
        let (rc, v) = json(&[s(&path)]);
        assert_eq!(rc, 3, "{name}: {v}");
        assert_eq!(v["results"][0]["status"], "unknown", "{name}");
    }
    symlink_loop(&dir.path().join("loop"));
    for format in ["text", "json", "nagios", "prometheus"] {
        let out = check(&["--format", format, s(dir.path())]);
        assert_eq!(code(&out), 3, "{format}");
    }
}

/// The paths of the results relative to `root`, with their statuses.
fn statuses(v: &Value, root: &Path) -> Vec<(String, String)> {
    v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let p = Path::new(r["file"].as_str().expect("path"));
            let p = p.strip_prefix(root).unwrap_or(p);
            (
                p.display().to_string(),
                r["status"].as_str().expect("status").to_string(),
            )
        })
        .collect()
}

fn pairs(want: &[(&str, &str)]) -> Vec<(String, String)> {
    want.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// What MariaDB and MySQL keep in a data directory, besides the
/// certificates MySQL generates there.
fn data_directory(root: &Path) -> std::os::unix::net::UnixListener {
    write(&root.join("ca.pem"), ok_cert("ca").pem());
    write(&root.join("server-cert.pem"), ok_cert("server").pem());
    let key = rcgen::KeyPair::generate().unwrap();
    write(&root.join("server-key.pem"), key.serialize_pem());
    write(&root.join("private_key.pem"), key.serialize_pem());
    write(&root.join("public_key.pem"), key.public_key_pem());
    let redo = std::fs::File::create(root.join("ib_logfile0")).unwrap();
    redo.set_len(96 << 20).unwrap();
    write(&root.join("ibdata1"), random_bytes(1 << 20, 1));
    write(&root.join("aria_log.00000001"), random_bytes(8192, 2));
    write(&root.join("aria_log_control"), random_bytes(52, 3));
    write(&root.join("mysql-bin.000001"), random_bytes(4096, 4));
    write(&root.join("mysql/user.MAD"), random_bytes(4096, 5));
    write(&root.join("shop/orders.ibd"), random_bytes(65536, 6));
    write(&root.join("shop/db.opt"), "default-character-set=utf8mb4\n");
    write(&root.join("mariadb.pid"), "4242\n");
    std::os::unix::fs::symlink("/nonexistent/etc/my.cnf", root.join("my.cnf")).unwrap();
    std::os::unix::net::UnixListener::bind(root.join("mysqld.sock")).unwrap()
}

#[test]
fn a_database_data_directory_is_checked_for_its_certificates_only() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let _socket = data_directory(root);
    let (rc, v) = json(&[s(root)]);
    assert_eq!(
        statuses(&v, root),
        pairs(&[("ca.pem", "ok"), ("server-cert.pem", "ok")]),
        "{v}"
    );
    assert_eq!(rc, 0, "{v}");
    assert_eq!(v["summary"]["unknown"], 0);
}

#[test]
fn files_named_like_certificates_are_still_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("a.pem"), ok_cert("a").pem());
    // The names promise certificates: each problem is UNKNOWN.
    let big = std::fs::File::create(root.join("big.crt")).unwrap();
    big.set_len((64 << 20) + 1).unwrap();
    std::os::unix::fs::symlink("gone.pem", root.join("dangling.pem")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(root.join("sock.pem")).unwrap();
    // Names that may hold one are read; their problems are not reported.
    write(&root.join("cacert"), warning_cert("cacert").pem());
    write(&root.join("5ed36f99.0"), ok_cert("hashed").der());
    write(&root.join("chain.old"), "not a certificate");
    let big = std::fs::File::create(root.join("ca-bundle.bak")).unwrap();
    big.set_len((64 << 20) + 1).unwrap();
    std::os::unix::fs::symlink("gone", root.join("server-cert")).unwrap();
    // Other names are never opened, whatever they hold.
    write(&root.join("notes.txt"), expired_cert("notes").pem());
    let (rc, v) = json(&[s(root)]);
    assert_eq!(
        statuses(&v, root),
        pairs(&[
            ("5ed36f99.0", "ok"),
            ("a.pem", "ok"),
            ("big.crt", "unknown"),
            ("cacert", "warning"),
            ("dangling.pem", "unknown"),
            ("sock.pem", "unknown"),
        ]),
        "{v}"
    );
    assert_eq!(rc, 3);
    let reason = |i: usize| v["results"][i]["reason"].as_str().unwrap().to_string();
    assert_eq!(
        reason(2),
        format!(
            "cannot read: too large: {} bytes (the limit is 64 MiB)",
            (64 << 20) + 1
        )
    );
    assert_eq!(
        reason(4),
        "cannot follow the symbolic link: No such file or directory (os error 2)"
    );
    assert_eq!(reason(5), "not a regular file (a socket)");
}

/// As a user who may not read the database's files, only the certificates
/// count. Runs as `nobody` when the tests run as root.
#[test]
fn unreadable_files_count_only_when_named_like_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let _socket = data_directory(root);
    write(&root.join("locked-cert.pem"), ok_cert("locked").pem());
    let private = [
        "ibdata1",
        "aria_log.00000001",
        "server-key.pem",
        "locked-cert.pem",
    ];
    for name in private {
        std::fs::set_permissions(root.join(name), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = if rustix::process::geteuid().is_root() {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]);
        c.arg(env!("CARGO_BIN_EXE_certgen"));
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_certgen"))
    };
    let out = cmd
        .args(["check-expiry", "--at", AT, "--format", "json", s(root)])
        .env("TZ", "UTC")
        .env_remove("CERTGEN_DIR")
        .output()
        .expect("running certgen as an unprivileged user");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!("{}", String::from_utf8_lossy(&out.stderr));
    });
    assert_eq!(
        statuses(&v, root),
        pairs(&[
            ("ca.pem", "ok"),
            ("locked-cert.pem", "unknown"),
            ("server-cert.pem", "ok"),
        ]),
        "{v}"
    );
    assert_eq!(
        v["results"][1]["reason"],
        "cannot read: Permission denied (os error 13)"
    );
    assert_eq!(code(&out), 3);
}

#[test]
fn hidden_directories_are_searched_but_not_version_control() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    write(
        &home.join(".mysql/client-cert.pem"),
        expired_cert("mysql").pem(),
    );
    write(&home.join(".postgresql/root.crt"), ok_cert("pg").pem());
    write(&home.join(".ca.pem"), ok_cert("hidden file").pem());
    for vcs in [".git", ".hg", ".svn", ".bzr", "project/.git/objects"] {
        write(&home.join(vcs).join("old.pem"), expired_cert("vcs").pem());
    }
    write(&home.join("project/server.crt"), ok_cert("project").pem());
    let (rc, v) = json(&[s(home)]);
    assert_eq!(
        statuses(&v, home),
        pairs(&[
            (".ca.pem", "ok"),
            (".mysql/client-cert.pem", "critical"),
            (".postgresql/root.crt", "ok"),
            ("project/server.crt", "ok"),
        ]),
        "{v}"
    );
    assert_eq!(rc, 2);
}

#[test]
fn a_path_too_long_for_the_system_says_so() {
    use rustix::fs::{Mode, OFlags};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("ok.pem"), ok_cert("ok").pem());
    // 21 levels of 200-byte names: deeper than a path can reach, made
    // relative to each open directory.
    let long = "d".repeat(200);
    let flags = OFlags::RDONLY | OFlags::DIRECTORY;
    let mut fd = rustix::fs::open(root, flags, Mode::empty()).unwrap();
    for _ in 0..21 {
        rustix::fs::mkdirat(&fd, &long, Mode::from_raw_mode(0o755)).unwrap();
        fd = rustix::fs::openat(&fd, &long, flags, Mode::empty()).unwrap();
    }
    let (rc, v) = json(&[s(root)]);
    assert_eq!(rc, 3, "{v}");
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{v}");
    let deep = &results[0];
    let path = deep["file"].as_str().unwrap();
    assert_eq!(deep["status"], "unknown");
    assert_eq!(
        deep["reason"],
        format!(
            "cannot open the directory: the path is {} bytes long; the system takes at most 4095 bytes",
            path.len()
        )
    );
    assert!(path.len() >= 4096, "{}", path.len());
    assert_eq!(results[1]["status"], "ok");
}

/// A bundle of `n` expired certificates: more rows than a pipe holds.
fn many_expired(path: &Path, n: usize) {
    let pem = expired_cert("old").pem();
    write(path, pem.repeat(n));
}

#[test]
fn a_closed_pipe_keeps_the_status() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("bundle.pem");
    many_expired(&bundle, 2000);
    // `check-expiry | head -1`: the reader goes after the first line.
    let mut child = certgen(dir.path())
        .args(["check-expiry", "--at", AT, s(&bundle)])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("STATUS"), "{first}");
    assert_eq!(child.wait().unwrap().code(), Some(2), "CRITICAL survives");
    // A reader gone before anything was written; the JSON says the same.
    for format in ["json", "nagios", "prometheus"] {
        let mut child = certgen(dir.path())
            .args(["check-expiry", "--at", AT, "--format", format, s(&bundle)])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        assert_eq!(child.wait().unwrap().code(), Some(2), "{format}");
    }
    // Every other command still exits 0 when its reader goes away.
    let mut child = certgen(dir.path())
        .args(["inspect", s(&bundle)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_newline_in_a_file_name_cannot_forge_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let name = "a\nCRITICAL fake.pem";
    write(&dir.path().join(name), expired_cert("x").pem());
    let escaped = "a\\u{a}CRITICAL fake.pem";
    let text = stdout(&check(&[s(dir.path())]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "header, one row, summary: {text}");
    assert!(
        lines[1].starts_with("CRITICAL") && lines[1].contains(escaped),
        "{text}"
    );
    let nagios = stdout(&check(&["--format", "nagios", s(dir.path())]));
    let lines: Vec<&str> = nagios.lines().collect();
    assert_eq!(lines.len(), 2, "status line and one problem: {nagios}");
    assert!(
        lines[1].starts_with("CRITICAL: ") && lines[1].contains(escaped),
        "{nagios}"
    );
}
