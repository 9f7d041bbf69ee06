//! SingleStore: `issue-client --db` and `config` agree on what an account
//! can require and print the same statement for it; the memsql.cnf config
//! prints is what `my_print_defaults` reads, its memsqlctl.hcl what
//! HashiCorp's HCL parsers (1 and 2, Go, as SingleStore Tools are) read;
//! the shell commands, run against stand-ins for `sdb-admin`, `memsql-ops`
//! and `chown`, pass each path whole to the node IDs `list-nodes` gives;
//! `--disable` resets what the settings set; the SingleStore options are
//! refused elsewhere.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use serde_json::Value;

const FAST: [&str; 4] = ["--key-type", "ecdsa-p256", "--ca-key-type", "ecdsa-p256"];

fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(dir, args)).expect("JSON")
}

#[test]
fn issue_client_and_config_agree_on_what_an_account_can_require() {
    let t = tempfile::tempdir().unwrap();
    let pki = t.path().join("pki");
    let d = pki.to_str().unwrap();
    let mut setup = vec!["--dir", d, "-q", "setup", "singlestore", "--user", "app"];
    setup.extend(FAST);
    ok(t.path(), &setup);
    let mut n = 0;
    for db in ["mysql", "mariadb", "singlestore"] {
        for require in ["ssl", "x509", "subject"] {
            n += 1;
            let user = format!("u{n}");
            let issue = run(
                t.path(),
                &[
                    "--dir",
                    d,
                    "-q",
                    "issue-client",
                    &user,
                    "--db",
                    db,
                    "--require",
                    require,
                    "--key-type",
                    "ecdsa-p256",
                ],
            );
            let config = run(
                t.path(),
                &[
                    "--dir",
                    d,
                    "config",
                    db,
                    "--user",
                    "app",
                    "--require",
                    require,
                ],
            );
            assert_eq!(
                issue.status.code(),
                config.status.code(),
                "{db} {require}: issue-client {} / config {}",
                stderr(&issue),
                stderr(&config)
            );
            if !config.status.success() {
                // Refused the same way, before anything was written.
                assert_eq!(issue.status.code(), Some(2));
                assert_eq!(stderr(&issue), stderr(&config), "{db} {require}");
                assert!(!pki.join("users").join(&user).exists(), "{db} {require}");
                continue;
            }
            // The statement issue-client prints is the one config prints for
            // the same account.
            let statement = String::from_utf8(issue.stdout).unwrap();
            let mine = ok(
                t.path(),
                &[
                    "--dir",
                    d,
                    "config",
                    db,
                    "--user",
                    &user,
                    "--require",
                    require,
                ],
            );
            assert!(
                mine.lines().any(|l| l == statement.trim()),
                "{db} {require}: issue-client printed {statement}, config:\n{mine}"
            );
        }
    }
    // SingleStore refuses SUBJECT in both; the default is SSL in both.
    let out = run(
        t.path(),
        &["--dir", d, "issue-client", "x", "--db", "singlestore"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "GRANT USAGE ON *.* TO 'x'@'%' REQUIRE SSL;\n"
    );
    // setup's JSON gives each user the statement config prints.
    let mut again = vec!["--dir", d, "setup", "singlestore", "--user", "app"];
    again.extend(["--format", "json", "--require", "x509"]);
    let j = json(t.path(), &again);
    let sql = j["users"][0]["sql"].as_str().unwrap();
    assert_eq!(sql, "GRANT USAGE ON *.* TO 'app'@'%' REQUIRE X509;");
    assert!(
        j["config"]["sql"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == sql),
        "{j}"
    );
}

/// A PKI from `setup singlestore` in a directory named `name`.
fn pki_named(t: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let pki = t.join(name);
    let mut args = vec!["--dir", pki.to_str().unwrap(), "-q", "setup", "singlestore"];
    args.extend(["--user", "app"]);
    args.extend(extra);
    args.extend(FAST);
    ok(t, &args);
    pki
}

fn config_json(t: &Path, pki: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["--dir", pki.to_str().unwrap(), "config", "singlestore"];
    args.extend(["--format", "json"]);
    args.extend(extra);
    json(t, &args)
}

fn section<'v>(j: &'v Value, file: &str) -> &'v Value {
    j["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["file"].as_str().unwrap().ends_with(file))
        .unwrap_or_else(|| panic!("no {file} section: {j}"))
}

/// Directory names with what each file format must quote.
const AWKWARD: [&str; 3] = ["a #b", "q\"'\\ x ", "d$ `c`"];

#[test]
fn memsql_cnf_is_read_whole_by_my_print_defaults() {
    let t = tempfile::tempdir().unwrap();
    for (i, name) in AWKWARD.iter().enumerate() {
        let pki = pki_named(t.path(), name, &["--require", "x509"]);
        let j = config_json(t.path(), &pki, &["--require", "x509"]);
        let cnf = t.path().join(format!("memsql-{i}.cnf"));
        std::fs::write(&cnf, section(&j, "memsql.cnf")["text"].as_str().unwrap()).unwrap();
        let out = match Command::new("my_print_defaults")
            .arg(format!("--defaults-file={}", cnf.display()))
            .arg("server")
            .output()
        {
            Ok(out) => out,
            Err(_) if std::env::var_os("CI").is_none() => {
                eprintln!("SKIP: my_print_defaults (mariadb-client) is not installed");
                return;
            }
            Err(e) => panic!("my_print_defaults: {e}"),
        };
        assert!(out.status.success(), "{}", stderr(&out));
        let read: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(String::from)
            .collect();
        let server = pki.join("servers/localhost");
        let path = |f: &str| server.join(f).display().to_string();
        assert_eq!(
            read,
            [
                format!("--ssl_cert={}", path("server-cert.pem")),
                format!("--ssl_key={}", path("server-key.pem")),
                format!("--ssl_ca={}", path("ca-cert.pem")),
                format!("--ssl_ca_for_client_cert={}", path("ca-cert.pem")),
                "--tls_version=TLSv1.2".to_string(),
            ],
            "{name}"
        );
    }
}

/// A Go program that reads a memsqlctl.hcl with HCL 1 and HCL 2 and prints
/// `sslCaFile` as each read it, as JSON; `None` when Go or Debian's
/// golang-github-hashicorp-hcl-dev and -hcl-v2-dev are missing (outside CI).
fn hcl_reader(dir: &Path) -> Option<PathBuf> {
    const GOPATH: &str = "/usr/share/gocode";
    let hcl = Path::new(GOPATH).join("src/github.com/hashicorp/hcl");
    let have = hcl.join("hcl.go").is_file() && hcl.join("v2").is_dir();
    if !have || Command::new("go").arg("version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "go and golang-github-hashicorp-hcl-dev, -hcl-v2-dev are not installed"
        );
        eprintln!("SKIP: go and Debian's HashiCorp HCL packages are not installed");
        return None;
    }
    let src = dir.join("hclread");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("main.go"),
        r#"package main

import (
	"encoding/json"
	"fmt"
	"os"

	hcl1 "github.com/hashicorp/hcl"
	"github.com/hashicorp/hcl/v2/hclsimple"
)

type v1 struct {
	Version   int    `hcl:"version"`
	User      string `hcl:"user"`
	SslCaFile string `hcl:"sslCaFile"`
}

type v2 struct {
	Version   int    `hcl:"version,optional"`
	User      string `hcl:"user,optional"`
	SslCaFile string `hcl:"sslCaFile"`
}

func main() {
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var a v1
	if err := hcl1.Unmarshal(b, &a); err != nil {
		fmt.Fprintln(os.Stderr, "HCL 1:", err)
		os.Exit(1)
	}
	var c v2
	if err := hclsimple.Decode("memsqlctl.hcl", b, nil, &c); err != nil {
		fmt.Fprintln(os.Stderr, "HCL 2:", err)
		os.Exit(1)
	}
	out, _ := json.Marshal([]string{a.SslCaFile, c.SslCaFile, a.User, c.User})
	fmt.Println(string(out))
}
"#,
    )
    .unwrap();
    let bin = dir.join("hclread-bin");
    let out = Command::new("go")
        .args(["build", "-o"])
        .arg(&bin)
        .arg(".")
        .current_dir(&src)
        .env("GO111MODULE", "off")
        .env("GOPATH", GOPATH)
        .env("GOFLAGS", "")
        .env("GOCACHE", dir.join("gocache"))
        .output()
        .expect("go build");
    assert!(out.status.success(), "go build: {}", stderr(&out));
    Some(bin)
}

#[test]
fn memsqlctl_hcl_is_read_by_the_hcl_parsers() {
    let t = tempfile::tempdir().unwrap();
    let Some(reader) = hcl_reader(t.path()) else {
        return;
    };
    for (i, name) in AWKWARD.iter().chain(&["é $x {y}"]).enumerate() {
        let pki = pki_named(t.path(), name, &[]);
        let j = config_json(t.path(), &pki, &[]);
        let hcl = section(&j, "memsqlctl.hcl");
        assert_eq!(hcl["file"], "/etc/memsql/memsqlctl.hcl");
        let ca = pki.join("servers/localhost/ca-cert.pem");
        assert_eq!(hcl["settings"][0]["name"], "sslCaFile");
        assert_eq!(hcl["settings"][0]["value"], ca.to_str().unwrap());
        // The line added to a memsqlctl.hcl as packages install it.
        let file = t.path().join(format!("memsqlctl-{i}.hcl"));
        let text = format!(
            "version = 1\nuser = \"memsql\"\n{}",
            hcl["text"].as_str().unwrap()
        );
        std::fs::write(&file, text).unwrap();
        let out = Command::new(&reader).arg(&file).output().unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let read: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
        let ca = ca.to_str().unwrap();
        assert_eq!(read, [ca, ca, "memsql", "memsql"], "{name}");
    }
    // A path HCL 2 would read as a template is refused before anything is written.
    let pki = t.path().join("a${b}");
    let out = run(
        t.path(),
        &["--dir", pki.to_str().unwrap(), "setup", "singlestore"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("memsqlctl.hcl"), "{}", stderr(&out));
    assert!(!pki.exists());
}

/// Runs each command with stand-ins for sdb-admin, memsql-ops and chown
/// first on the PATH; returns the calls they logged, each as its arguments.
/// `sdb-admin list-nodes -q -r ROLE` answers two IDs for `aggregator`, one
/// for `master`, none for others.
fn run_commands(dir: &Path, commands: &[Value]) -> Vec<Vec<String>> {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.join("calls");
    let _ = std::fs::remove_file(&log);
    let stub = r#"#!/bin/sh
if [ "$1" = list-nodes ]; then
    case "$4" in master) echo M1 ;; aggregator) printf 'A1\nA2\n' ;; esac
    exit 0
fi
{ printf '%s\n' "$(basename "$0")"; for a in "$@"; do printf '%s\n' "$a"; done; echo ---; } >>"$CALLS"
"#;
    for name in ["sdb-admin", "memsql-ops", "chown"] {
        let p = bin.join(name);
        std::fs::write(&p, stub).unwrap();
        std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    }
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    for c in commands {
        let c = c.as_str().unwrap();
        let out = Command::new("sh")
            .args(["-c", c])
            .env("PATH", &path)
            .env("CALLS", &log)
            .output()
            .unwrap();
        assert!(out.status.success(), "{c}: {}", stderr(&out));
    }
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    text.split("---\n")
        .filter(|c| !c.is_empty())
        .map(|c| c.lines().map(String::from).collect())
        .collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn commands_pass_each_path_whole_to_every_node_and_disable_resets_them() {
    let t = tempfile::tempdir().unwrap();
    let pki = pki_named(t.path(), "d$ 'a' #b", &[]);
    let server = pki.join("servers/localhost");
    let path = |f: &str| server.join(f).display().to_string();
    let set = |id: Option<&str>, key: &str, value: &str| {
        let mut call = strings(&["sdb-admin", "update-config"]);
        match id {
            Some(id) => call.extend(strings(&["--memsql-id", id])),
            None => call.push("--all".into()),
        }
        call.extend(strings(&["--key", key, "--value", value, "--yes"]));
        call
    };
    let reset = |id: Option<&str>, key: &str| {
        let mut call = strings(&["sdb-admin", "update-config"]);
        match id {
            Some(id) => call.extend(strings(&["--memsql-id", id])),
            None => call.push("--all".into()),
        }
        call.extend(strings(&["--key", key, "--reset", "--yes"]));
        call
    };
    let restart = strings(&["sdb-admin", "restart-node", "--all", "--yes"]);

    // Every node.
    let j = config_json(t.path(), &pki, &["--ops"]);
    let calls = run_commands(t.path(), j["commands"].as_array().unwrap());
    let settings = [
        ("ssl_cert", path("server-cert.pem")),
        ("ssl_key", path("server-key.pem")),
        ("ssl_ca", path("ca-cert.pem")),
        ("tls_version", "TLSv1.2".to_string()),
    ];
    let mut expected = vec![strings(&[
        "chown",
        "memsql:memsql",
        &path("server-key.pem"),
    ])];
    for (k, v) in &settings {
        expected.push(set(None, k, v));
    }
    expected.push(strings(&[
        "memsql-ops",
        "ssl-set-cert",
        "--certificate",
        &path("server-cert.pem"),
        "--key",
        &path("server-key.pem"),
    ]));
    expected.push(restart.clone());
    assert_eq!(calls, expected);

    // The aggregators: each ID of the master and of the child aggregators.
    let j = config_json(t.path(), &pki, &["--aggregators-only"]);
    assert!(
        section(&j, "memsql.cnf")["text"]
            .as_str()
            .unwrap()
            .contains("ssl_key")
    );
    let calls = run_commands(t.path(), j["commands"].as_array().unwrap());
    let mut expected = vec![strings(&[
        "chown",
        "memsql:memsql",
        &path("server-key.pem"),
    ])];
    for (k, v) in settings.iter().filter(|(k, _)| *k != "ssl_ca") {
        for id in ["M1", "A1", "A2"] {
            expected.push(set(Some(id), k, v));
        }
    }
    expected.push(restart.clone());
    assert_eq!(calls, expected);

    // --disable: the same keys reset, the accounts released first.
    let j = config_json(
        t.path(),
        &pki,
        &["--disable", "--ops", "--tls-account", "root"],
    );
    let calls = run_commands(t.path(), j["commands"].as_array().unwrap());
    let mut expected: Vec<Vec<String>> = settings.iter().map(|(k, _)| reset(None, k)).collect();
    expected.push(strings(&["memsql-ops", "ssl-disable"]));
    expected.push(restart.clone());
    assert_eq!(calls, expected);
    assert_eq!(
        j["sql"],
        serde_json::json!([
            "ALTER USER 'app'@'%' REQUIRE NONE;",
            "ALTER USER 'root'@'%' REQUIRE NONE;"
        ])
    );
    assert!(j["sections"].as_array().unwrap().is_empty());
    assert_eq!(j["reload"], Value::Null);
    let j = config_json(
        t.path(),
        &pki,
        &["--disable", "--aggregators-only", "--require", "x509"],
    );
    let calls = run_commands(t.path(), j["commands"].as_array().unwrap());
    let mut expected = Vec::new();
    for k in [
        "ssl_cert",
        "ssl_key",
        "ssl_ca_for_client_cert",
        "tls_version",
    ] {
        for id in ["M1", "A1", "A2"] {
            expected.push(reset(Some(id), k));
        }
    }
    expected.push(restart);
    assert_eq!(calls, expected);
}

#[test]
fn tls_accounts_require_ssl_and_are_refused_where_they_cannot() {
    let t = tempfile::tempdir().unwrap();
    let pki = pki_named(t.path(), "pki", &["--tls-account", "root"]);
    let d = pki.to_str().unwrap();
    let text = ok(
        t.path(),
        &[
            "--dir",
            d,
            "config",
            "singlestore",
            "--tls-account",
            "root,Zoë+1@corp,o'k",
            "--sql-host",
            "10.0.0.%",
        ],
    );
    for line in [
        "ALTER USER 'root'@'10.0.0.%' REQUIRE SSL;",
        "ALTER USER 'Zoë+1@corp'@'10.0.0.%' REQUIRE SSL;",
        "ALTER USER 'o''k'@'10.0.0.%' REQUIRE SSL;",
    ] {
        assert!(text.lines().any(|l| l == line), "{line}:\n{text}");
    }
    // Refused, exit 2, with what to leave out.
    for (args, says) in [
        (&["--tls-account", "app"][..], "certificate"),
        (&["--tls-account", ""][..], "anonymous"),
        (&["--tls-account", "a\\b"][..], "NO_BACKSLASH_ESCAPES"),
        (
            &["--tls-account", "root", "--aggregators-only"][..],
            "without TLS",
        ),
    ] {
        let mut all = vec!["--dir", d, "config", "singlestore"];
        all.extend(args);
        let out = run(t.path(), &all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    // The SingleStore options are SingleStore's.
    for (target, flag) in [
        ("mysql", "--aggregators-only"),
        ("postgres", "--ops"),
        ("mariadb", "--disable"),
        ("manticore", "--tls-account=root"),
    ] {
        let out = run(t.path(), &["--dir", d, "config", target, flag]);
        assert_eq!(out.status.code(), Some(2), "{target} {flag}");
        assert!(
            stderr(&out).contains("is for singlestore"),
            "{}",
            stderr(&out)
        );
    }
    let out = run(
        t.path(),
        &["--dir", d, "setup", "mariadb", "--aggregators-only"],
    );
    assert_eq!(out.status.code(), Some(2));
}
