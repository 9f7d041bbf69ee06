//! `setup` and `config` for every target: a client group per user that the
//! real `my_print_defaults` reads, option-file values that survive `#`,
//! quotes and spaces, paths that cannot be written refused before anything
//! is, `--require`, and the JSON every path and statement is in.

use std::path::Path;
use std::process::Command;

use crate::common::*;
use serde_json::Value;

const FAST: [&str; 4] = ["--key-type", "ecdsa-p256", "--ca-key-type", "ecdsa-p256"];

fn setup(dir: &Path, pki: &Path, args: &[&str]) -> String {
    let mut all = vec!["--dir", pki.to_str().unwrap(), "-q", "setup"];
    all.extend(args);
    all.extend(FAST);
    ok(dir, &all)
}

fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(dir, args)).expect("JSON")
}

/// The lines from the first `[group]` line to the first blank line after
/// the last one: the option-file part of what setup printed.
fn option_file(text: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with('[') {
            inside = true;
        }
        if inside && line.is_empty() {
            inside = false;
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// What `my_print_defaults` reads from `file` for `groups`, with a group suffix.
fn print_defaults(file: &Path, suffix: Option<&str>, groups: &[&str]) -> Option<Vec<String>> {
    let mut cmd = Command::new("my_print_defaults");
    cmd.arg(format!("--defaults-file={}", file.display()));
    if let Some(s) = suffix {
        cmd.arg(format!("--defaults-group-suffix={s}"));
    }
    let out = match cmd.args(groups).output() {
        Ok(out) => out,
        Err(_) if std::env::var_os("CI").is_none() => {
            eprintln!("SKIP: my_print_defaults (mariadb-client) is not installed");
            return None;
        }
        Err(e) => panic!("my_print_defaults: {e}"),
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(String::from)
            .collect(),
    )
}

#[test]
fn setup_prints_a_client_group_for_every_user_that_the_client_reads() {
    let t = tempfile::tempdir().unwrap();
    let pki = t.path().join("pki");
    let text = setup(t.path(), &pki, &["mariadb", "--user", "app,report,o+1"]);
    let file = t.path().join("my.cnf");
    std::fs::write(&file, option_file(&text)).unwrap();
    for user in ["app", "report", "o+1"] {
        let Some(read) = print_defaults(&file, Some(&format!("-{user}")), &["client"]) else {
            return;
        };
        let dir = pki.join("users").join(user);
        assert_eq!(
            read,
            [
                format!("--user={user}"),
                "--protocol=TCP".to_string(),
                format!("--ssl-ca={}", dir.join("ca-cert.pem").display()),
                format!("--ssl-cert={}", dir.join("client-cert.pem").display()),
                format!("--ssl-key={}", dir.join("client-key.pem").display()),
                "--ssl-verify-server-cert".to_string(),
            ],
            "{user}"
        );
    }
    // Without a suffix, no user's certificate is picked.
    assert_eq!(
        print_defaults(&file, None, &["client"]).unwrap(),
        Vec::<String>::new()
    );
}

#[test]
fn config_mysql_gives_mysqls_and_mariadbs_clients_each_the_option_it_takes() {
    let t = tempfile::tempdir().unwrap();
    let pki = t.path().join("pki");
    let text = setup(t.path(), &pki, &["mysql", "--user", "app"]);
    let file = t.path().join("my.cnf");
    std::fs::write(&file, option_file(&text)).unwrap();
    let dir = pki.join("users/app");
    let common = vec![
        "--user=app".to_string(),
        "--protocol=TCP".to_string(),
        format!("--ssl-ca={}", dir.join("ca-cert.pem").display()),
        format!("--ssl-cert={}", dir.join("client-cert.pem").display()),
        format!("--ssl-key={}", dir.join("client-key.pem").display()),
        // MySQL's client reads ssl-mode; MariaDB's ignores it, as loose-.
        "--loose-ssl-mode=VERIFY_IDENTITY".to_string(),
    ];
    // MySQL's client reads [client] and [client-app].
    let Some(mysql) = print_defaults(&file, Some("-app"), &["client"]) else {
        return;
    };
    assert_eq!(mysql, common);
    // MariaDB's clients read [client-mariadb-app] too.
    let mariadb = print_defaults(&file, Some("-app"), &["client", "client-mariadb"]).unwrap();
    let mut expected = common.clone();
    expected.push("--ssl-verify-server-cert".to_string());
    assert_eq!(mariadb, expected);
}

#[test]
fn option_file_values_keep_hashes_quotes_and_spaces() {
    let t = tempfile::tempdir().unwrap();
    for name in ["a #b", "q\"'\\ x ", " lead"] {
        let pki = t.path().join(name);
        let text = setup(t.path(), &pki, &["mysql", "--user", "app"]);
        let file = t.path().join("my.cnf");
        std::fs::write(&file, option_file(&text)).unwrap();
        let Some(read) = print_defaults(&file, None, &["mysqld"]) else {
            return;
        };
        let server = pki.join("servers/localhost");
        assert_eq!(
            read[0],
            format!("--ssl_ca={}", server.join("ca-cert.pem").display())
        );
        assert_eq!(
            read[2],
            format!("--ssl_key={}", server.join("server-key.pem").display())
        );
        let client = print_defaults(&file, Some("-app"), &["client"]).unwrap();
        assert_eq!(
            client[4],
            format!(
                "--ssl-key={}",
                pki.join("users/app/client-key.pem").display()
            )
        );
    }
}

#[test]
fn a_path_with_a_newline_is_refused_before_anything_is_written() {
    let t = tempfile::tempdir().unwrap();
    for target in [
        "mysql",
        "mariadb",
        "singlestore",
        "manticore",
        "postgres",
        "rails",
    ] {
        let pki = t.path().join(format!("{target}\ninit_file=/tmp/x"));
        let out = run(
            t.path(),
            &[
                "--dir",
                pki.to_str().unwrap(),
                "setup",
                target,
                "--user",
                "app",
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{target}");
        let err = stderr(&out);
        assert!(
            err.contains("cannot be written in") && err.contains("control character"),
            "{err}"
        );
        assert!(!pki.exists(), "{target}: setup wrote {}", pki.display());
    }
    // The same for a deploy directory, with a PKI directory that is fine.
    let out = run(
        t.path(),
        &[
            "setup",
            "postgres",
            "--deploy-dir",
            "/srv/a\nb",
            "--user",
            "app",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!t.path().join("pki").exists());
}

#[test]
fn require_chooses_the_clause_in_setup_config_and_issue_client() {
    let t = tempfile::tempdir().unwrap();
    let pki = t.path().join("pki");
    let d = pki.to_str().unwrap();
    let text = setup(
        t.path(),
        &pki,
        &["mariadb", "--user", "app", "--require", "ssl"],
    );
    assert!(text.contains("ALTER USER 'app'@'%' REQUIRE SSL;"), "{text}");
    let text = ok(
        t.path(),
        &["--dir", d, "config", "mysql", "--require", "x509"],
    );
    assert!(
        text.contains("ALTER USER 'app'@'%' REQUIRE X509;"),
        "{text}"
    );
    let text = ok(t.path(), &["--dir", d, "config", "mysql"]);
    assert!(
        text.contains(
            "ALTER USER 'app'@'%' REQUIRE SUBJECT '/CN=app' AND ISSUER '/CN=certgen CA';"
        ),
        "{text}"
    );
    let text = ok(
        t.path(),
        &[
            "--dir",
            d,
            "-q",
            "issue-client",
            "bob",
            "--require",
            "x509",
            "--key-type",
            "ecdsa-p256",
        ],
    );
    assert_eq!(text.trim(), "ALTER USER 'bob'@'%' REQUIRE X509;");
    // Targets without SQL accounts refuse it, as SingleStore refuses subject.
    for (target, require) in [
        ("postgres", "ssl"),
        ("manticore", "x509"),
        ("singlestore", "subject"),
    ] {
        let out = run(
            t.path(),
            &["--dir", d, "config", target, "--require", require],
        );
        assert_eq!(out.status.code(), Some(2), "{target}");
        assert!(stderr(&out).contains("--require"), "{}", stderr(&out));
    }
}

#[test]
fn config_json_holds_every_path_and_statement() {
    let t = tempfile::tempdir().unwrap();
    let pki = t.path().join("pki");
    let d = pki.to_str().unwrap();
    setup(
        t.path(),
        &pki,
        &[
            "postgres",
            "--host",
            "db.example.com",
            "--user",
            "app,+admins",
        ],
    );
    ok(t.path(), &["--dir", d, "-q", "crl"]);
    let j = json(
        t.path(),
        &["--dir", d, "config", "postgres", "--format", "json"],
    );
    assert_eq!(j["target"], "postgres");
    let server = pki.join("servers/db.example.com");
    let conf = &j["sections"][0];
    assert_eq!(conf["file"], "postgresql.conf");
    let setting = |name: &str| {
        conf["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .map(|s| s["value"].as_str().unwrap().to_string())
    };
    assert_eq!(setting("ssl").as_deref(), Some("on"));
    assert_eq!(
        setting("ssl_cert_file").unwrap(),
        server.join("server-cert.pem").display().to_string()
    );
    assert_eq!(
        setting("ssl_key_file").unwrap(),
        server.join("server-key.pem").display().to_string()
    );
    assert_eq!(
        setting("ssl_ca_file").unwrap(),
        server.join("ca-cert.pem").display().to_string()
    );
    assert_eq!(
        setting("ssl_crl_file").unwrap(),
        pki.join("crl.pem").display().to_string()
    );
    assert_eq!(
        setting("ssl_min_protocol_version").as_deref(),
        Some("TLSv1.2")
    );
    let hba = j["sections"][1]["text"].as_str().unwrap();
    assert!(
        hba.contains("hostssl all \"+admins\" 0.0.0.0/0 cert clientcert=verify-full\n"),
        "{hba}"
    );
    let key = server.join("server-key.pem").display().to_string();
    assert_eq!(
        j["commands"][0],
        format!("chown postgres:postgres {key} && chmod 0600 {key}")
    );
    let app = pki.join("users/app");
    assert_eq!(
        j["clients"][1]["connection_string"],
        format!(
            "host=db.example.com port=5432 user=app dbname=app sslmode=verify-full sslrootcert={} sslcert={} sslkey={}",
            app.join("ca-cert.pem").display(),
            app.join("client-cert.pem").display(),
            app.join("client-key.pem").display()
        )
    );
    // A role each user logs in as, the names quoted as identifiers.
    let sql: Vec<&str> = j["sql"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(sql.len(), 2, "{sql:?}");
    assert!(sql[0].contains("CREATE ROLE \"+admins\" LOGIN;"), "{sql:?}");
    assert!(sql[1].contains("CREATE ROLE \"app\" LOGIN;"), "{sql:?}");
    assert_eq!(j["reload"], "SELECT pg_reload_conf();");
    assert_eq!(j["crl"], pki.join("crl.pem").display().to_string());
}

#[test]
fn deploy_dirs_name_the_files_as_the_layout_does() {
    let t = tempfile::tempdir().unwrap();
    let pki = t.path().join("pki");
    let d = pki.to_str().unwrap();
    setup(t.path(), &pki, &["mariadb", "--user", "app,bob"]);
    let j = json(
        t.path(),
        &[
            "--dir",
            d,
            "config",
            "rails",
            "--user",
            "app",
            "--deploy-dir",
            "/etc/pg",
            "--client-deploy-dir",
            "/home/{user}/.mysql",
            "--layout",
            "engineyard",
            "--format",
            "json",
        ],
    );
    assert_eq!(j["server"]["files"]["key"], "/etc/pg/mysql.key");
    assert_eq!(j["users"][0]["files"]["ca"], "/home/app/.mysql/root.crt");
    let yml = j["sections"][0]["text"].as_str().unwrap();
    assert!(
        yml.contains("  sslcert: \"/home/app/.mysql/mysql.crt\"\n"),
        "{yml}"
    );
    // Several users and one directory without {user}: refused.
    let out = run(
        t.path(),
        &[
            "--dir",
            d,
            "config",
            "mysql",
            "--client-deploy-dir",
            "/srv/c",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("{user}"), "{}", stderr(&out));
}

#[test]
fn every_target_is_set_up_and_configured_alike() {
    let t = tempfile::tempdir().unwrap();
    for target in [
        "mysql",
        "mariadb",
        "singlestore",
        "manticore",
        "postgres",
        "rails",
    ] {
        let pki = t.path().join(target);
        let d = pki.to_str().unwrap();
        let printed = setup(t.path(), &pki, &[target, "--user", "app"]);
        let config = ok(t.path(), &["--dir", d, "config", target]);
        assert_eq!(printed, config, "{target}");
        assert!(
            config.contains(&pki.join("users/app").display().to_string()),
            "{target}: {config}"
        );
    }
}

#[test]
fn users_whose_client_group_mariadb_reads_unasked_are_refused_before_writing() {
    // [client-server] is read by mariadbd and every client, [client-mariadb]
    // by every client: a user's certificate there would apply to everyone.
    let t = tempfile::tempdir().unwrap();
    for users in ["app,server", "mariadb", "App,app"] {
        let out = run(t.path(), &["setup", "mariadb", "--user", users]);
        assert_eq!(out.status.code(), Some(2), "{users}");
        assert!(
            stderr(&out).contains("cannot be written in a MySQL option file"),
            "{}",
            stderr(&out)
        );
        assert!(!t.path().join("pki").exists(), "{users}");
    }
    // PostgreSQL has no such groups.
    setup(
        t.path(),
        &t.path().join("pki"),
        &["postgres", "--user", "server"],
    );
}

#[test]
fn database_yml_fragments_parse_to_the_exact_paths() {
    // Rails runs database.yml through ERB, then YAML: real Ruby reads back
    // the values written, with a quote, a backslash, '#', ': ' and an ERB
    // tag that would run a command in the directory names, and runs none;
    // PyYAML reads the same text with the tag written as ERB's literal
    // `<%%`. Paths from the PKI directory, --deploy-dir and
    // --client-deploy-dir, printed by setup and by config.
    let mut readers = Vec::new();
    let probe = Command::new("python3").args(["-c", "import yaml"]).status();
    if probe.is_ok_and(|s| s.success()) {
        readers.push(("python3", "-c", PYYAML));
    }
    if Command::new("ruby").arg("-v").output().is_ok() {
        readers.push(("ruby", "-e", RAILS));
    }
    if readers.len() < 2 {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3-yaml or ruby is not installed"
        );
        eprintln!("SKIP: python3-yaml or ruby is not installed");
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let odd = "a \"b\\c #d: e <%= `touch ran` %> <%%f%>";
    let pki = t.path().join(odd);
    let d = pki.to_str().unwrap();
    let deploy = t.path().join(format!("srv {odd}"));
    let client = t.path().join(format!("{{user}} {odd}"));
    let setup = json(
        t.path(),
        &[
            &["--dir", d, "-q", "setup", "rails", "--user", "app"],
            &FAST[..],
            &["--format", "json"],
        ]
        .concat(),
    );
    let config = json(
        t.path(),
        &["--dir", d, "config", "rails", "--format", "json"],
    );
    let deployed = json(
        t.path(),
        &[
            "--dir",
            d,
            "config",
            "rails",
            "--format",
            "json",
            "--deploy-dir",
            deploy.to_str().unwrap(),
            "--client-deploy-dir",
            client.to_str().unwrap(),
        ],
    );
    let sections = setup["config"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .chain(config["sections"].as_array().unwrap())
        .chain(deployed["sections"].as_array().unwrap());
    let mut read = 0;
    for section in sections {
        let text = section["text"].as_str().unwrap();
        assert!(text.contains("<%%= `touch ran` %> <%%%f%>"), "{text}");
        for (program, flag, script) in &readers {
            let out = Command::new(program)
                .args([flag, script])
                .current_dir(t.path())
                .stdin(std::fs::File::open(write_tmp(t.path(), text)).unwrap())
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{program}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let parsed: Value = serde_json::from_slice(&out.stdout).unwrap();
            for setting in section["settings"].as_array().unwrap() {
                let name = setting["name"].as_str().unwrap();
                let value = setting["value"].as_str().unwrap();
                let got = match &parsed[name] {
                    Value::Bool(b) => b.to_string(),
                    v => v.as_str().unwrap().to_string(),
                };
                let expected = match *program {
                    "python3" => value.replace("<%", "<%%"),
                    _ => value.to_string(),
                };
                assert_eq!(got, expected, "{program} {name}");
                read += 1;
            }
            let key = parsed["sslkey"].as_str().unwrap();
            assert!(
                key.ends_with("-key.pem") && key.contains("#d: e <%"),
                "{key}"
            );
        }
    }
    // Two adapters, three outputs, two readers, seven or eight keys each.
    assert_eq!(read, 3 * 2 * (8 + 7));
    assert!(!t.path().join("ran").exists(), "the ERB tag ran");
    let key = pki.join("users/app/client-key.pem").display().to_string();
    assert_eq!(config["sections"][0]["settings"][5]["value"], key);
    assert_eq!(
        deployed["sections"][0]["settings"][5]["value"],
        client.display().to_string().replace("{user}", "app") + "/client-key.pem"
    );
}

/// PyYAML's reading of database.yml, as JSON.
const PYYAML: &str =
    "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)['production']))";

/// Rails' reading of database.yml: ERB, then YAML; as JSON.
const RAILS: &str = "require 'erb'; require 'yaml'; require 'json'; \
     puts JSON.generate(YAML.safe_load(ERB.new(STDIN.read).result)['production'])";

fn write_tmp(dir: &Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("database.yml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn bundles_revoked_superseded_or_expired_are_refused_or_skipped() {
    let t = tempfile::tempdir().unwrap();
    let pki = t.path().join("pki");
    let d = pki.to_str().unwrap();
    setup(t.path(), &pki, &["postgres", "--user", "u1,u2,u3"]);
    ok(t.path(), &["--dir", d, "-q", "revoke", "u2"]);
    // u3 holds its certificate again after a renewal superseded it, as a
    // restored backup would.
    ok(t.path(), &["--dir", d, "-q", "renew", "--user", "u3"]);
    let archive = std::fs::read_dir(pki.join("old_keys"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    for file in ["client-cert.pem", "client-key.pem"] {
        std::fs::copy(
            archive.join("users/u3").join(file),
            pki.join("users/u3").join(file),
        )
        .unwrap();
    }

    // Taken by default: skipped, with a note in the text and the JSON.
    for target in ["postgres", "mysql"] {
        let text = ok(t.path(), &["--dir", d, "config", target]);
        assert!(text.contains("u1"), "{text}");
        assert!(!text.contains("u2\n") && !text.contains("'u2'"), "{text}");
        assert!(!text.contains("user=u2") && !text.contains("=u3"), "{text}");
        assert!(
            text.contains("# skipped users/u2: certificate ")
                && text.contains(" is revoked")
                && text.contains("# skipped users/u3: certificate "),
            "{text}"
        );
        let j = json(
            t.path(),
            &["--dir", d, "config", target, "--format", "json"],
        );
        let users: Vec<&str> = j["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["name"].as_str().unwrap())
            .collect();
        assert_eq!(users, ["u1"]);
        let notes = j["notes"].to_string();
        assert!(notes.contains("skipped users/u2: certificate"), "{notes}");
        assert!(notes.contains("(superseded)"), "{notes}");
        let sql = j["sql"].to_string();
        assert!(!sql.contains("u2") && !sql.contains("u3"), "{sql}");
    }

    // Named: refused, one line and a hint, exit 2.
    for (target, user) in [("postgres", "u2"), ("mysql", "u2"), ("mysql", "u3")] {
        let out = run(
            t.path(),
            &[
                "--dir",
                d,
                "config",
                target,
                "--server",
                "localhost",
                "--user",
                user,
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{target} {user}");
        assert!(out.stdout.is_empty());
        let err = stderr(&out);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2, "{err}");
        assert!(
            lines[0].starts_with(&format!("certgen: error: users/{user}: certificate "))
                && lines[0].contains(" is revoked"),
            "{err}"
        );
        assert!(
            lines[1].contains(&format!("certgen issue-client {user} --force"))
                && lines[1].contains("leave it out of --user"),
            "{err}"
        );
    }

    // Expired: refused when named; the server is refused even by default.
    let later = [
        "--dir",
        d,
        "--now",
        "2100-01-01T00:00:00Z",
        "config",
        "postgres",
    ];
    let out = run(t.path(), &[&later[..], &["--user", "u1"]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("error: servers/localhost: certificate ")
            && stderr(&out).contains(" expired on "),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("certgen renew --server localhost"));

    // setup refuses to keep a revoked bundle, writing nothing.
    let before = snapshot(&pki);
    let out = run(
        t.path(),
        &[
            &["--dir", d, "setup", "postgres", "--user", "u2"],
            &FAST[..],
        ]
        .concat(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("users/u2: certificate"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(snapshot(&pki), before);
    // With --force it is issued anew, and configured.
    setup(t.path(), &pki, &["postgres", "--user", "u2", "--force"]);
    let text = ok(
        t.path(),
        &["--dir", d, "config", "postgres", "--user", "u2"],
    );
    assert!(text.contains("u2"), "{text}");

    // A revoked server is refused by default too.
    ok(t.path(), &["--dir", d, "-q", "revoke", "localhost"]);
    let out = run(
        t.path(),
        &["--dir", d, "config", "postgres", "--user", "u1"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("error: servers/localhost: certificate ")
            && stderr(&out).contains("certgen issue-server localhost --force"),
        "{}",
        stderr(&out)
    );
}
