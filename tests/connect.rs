//! `check-expiry --connect`: the chain a live server serves, fetched over
//! plain TLS and the MySQL and PostgreSQL STARTTLS exchanges from servers on
//! 127.0.0.1, and judged like a file; servers that refuse, stay silent or
//! send garbage are UNKNOWN within the timeout.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::common::servers::{Kind, Seen, server_config, spawn};
use crate::common::*;
use serde_json::Value;

/// A PKI with a CA and a server certificate for db.example and 127.0.0.1.
struct Pki {
    _dir: tempfile::TempDir,
    root: PathBuf,
    config: Arc<rustls::ServerConfig>,
}

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        ok(&root, &["init-ca", "-q", "--key-type", "ecdsa-p256"]);
        ok(
            &root,
            &[
                "issue-server",
                "-q",
                "db.example",
                "--san",
                "127.0.0.1,::1",
                "--key-type",
                "ecdsa-p256",
            ],
        );
        let sdir = root.join("pki/servers/db.example");
        let config = server_config(&sdir.join("server-cert.pem"), &sdir.join("server-key.pem"));
        Pki {
            _dir: dir,
            root,
            config,
        }
    }

    fn path(&self, rel: &str) -> String {
        self.root.join(rel).display().to_string()
    }

    fn cert(&self) -> String {
        self.path("pki/servers/db.example/server-cert.pem")
    }

    fn serial(&self) -> String {
        serial_of(Path::new(&self.cert()))
    }

    fn spawn(&self, kind: Kind) -> u16 {
        spawn(kind, self.config.clone(), Seen::default())
    }

    fn spawn_seen(&self, kind: Kind) -> (u16, Seen) {
        let seen = Seen::default();
        (spawn(kind, self.config.clone(), seen.clone()), seen)
    }
}

/// Runs certgen in the PKI's directory; returns (exit code, stdout, stderr).
fn check(pki: &Pki, args: &[&str]) -> (i32, String, String) {
    let out = certgen_cmd()
        .current_dir(&pki.root)
        .arg("check-expiry")
        .args(args)
        .output()
        .unwrap();
    assert_no_panic(&out);
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(pki: &Pki, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = check(pki, &all);
    let doc = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, doc)
}

fn at(port: u16) -> String {
    format!("127.0.0.1:{port}")
}

#[test]
fn plain_tls_serves_the_issued_certificate() {
    let pki = Pki::new();
    let port = pki.spawn(Kind::Tls);
    let (code, doc) = json(&pki, &["--connect", &at(port)]);
    assert_eq!(code, 0, "{doc}");
    let r = &doc["results"][0];
    assert_eq!(r["target"], at(port).as_str());
    assert_eq!(r["file"], Value::Null);
    assert_eq!(r["status"], "ok");
    assert_eq!(r["certificate"]["serial"], pki.serial().as_str());
    assert_eq!(r["certificate"]["subject"], "/CN=db.example");
    assert_eq!(doc["results"].as_array().unwrap().len(), 1);
    assert_eq!(doc["summary"]["certificates"], 1);
    // The same with the protocol named, and in the table.
    let (code, out, _) = check(&pki, &["--connect", &at(port), "--starttls", "none"]);
    assert_eq!(code, 0);
    assert!(out.contains("\nOK  "), "{out}");
    assert!(
        out.contains(&format!("{}  /CN=db.example", at(port))),
        "{out}"
    );
}

#[test]
fn mysql_starttls_answers_the_greeting_with_an_ssl_request() {
    let pki = Pki::new();
    let (port, seen) = pki.spawn_seen(Kind::Mysql { ssl: true });
    let (code, doc) = json(&pki, &["--connect", &at(port), "--starttls", "mysql"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(
        doc["results"][0]["certificate"]["serial"],
        pki.serial().as_str()
    );
    let seen = seen.lock().unwrap();
    let request = &seen[0];
    assert_eq!(&request[..4], &[32, 0, 0, 1], "32 bytes, sequence id 1");
    let caps = u32::from_le_bytes(request[4..8].try_into().unwrap());
    assert_ne!(caps & 0x0800, 0, "CLIENT_SSL");
    assert_ne!(caps & 0x0200, 0, "CLIENT_PROTOCOL_41");
    assert_eq!(request[12], 255, "the server's character set");
    assert!(request[13..].iter().all(|b| *b == 0), "filler");
}

#[test]
fn postgres_starttls_gets_s_then_tls() {
    let pki = Pki::new();
    let port = pki.spawn(Kind::Postgres { ssl: true });
    let (code, doc) = json(&pki, &["--connect", &at(port), "--starttls", "postgres"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(
        doc["results"][0]["certificate"]["serial"],
        pki.serial().as_str()
    );
}

#[test]
fn servers_without_tls_are_unknown() {
    let pki = Pki::new();
    let pg = pki.spawn(Kind::Postgres { ssl: false });
    let my = pki.spawn(Kind::Mysql { ssl: false });
    let (code, out, _) = check(
        &pki,
        &[
            "--connect",
            &at(pg),
            "--starttls",
            "postgres",
            "--timeout",
            "5s",
        ],
    );
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("server does not offer TLS"), "{out}");
    let (code, out, _) = check(
        &pki,
        &[
            "--connect",
            &at(my),
            "--starttls",
            "mysql",
            "--timeout",
            "5s",
        ],
    );
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("server does not offer TLS (its MySQL greeting lacks CLIENT_SSL)"),
        "{out}"
    );
}

#[test]
fn unreachable_silent_and_garbage_servers_are_unknown_within_the_timeout() {
    let pki = Pki::new();
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let silent = pki.spawn(Kind::Silent);
    let garbage = pki.spawn(Kind::Garbage);
    let endless = pki.spawn(Kind::EndlessGarbage);
    let endless_mysql = pki.spawn(Kind::EndlessMysql);
    for (port, starttls, reason) in [
        (closed, "none", "connection refused"),
        (
            silent,
            "none",
            "timeout: no answer within 1 s during the TLS handshake",
        ),
        (
            silent,
            "mysql",
            "timeout: no answer within 1 s while reading the MySQL greeting",
        ),
        (silent, "postgres", "timeout"),
        (
            garbage,
            "none",
            "not TLS: the server answered \"HTTP/1.1 400 Bad\"",
        ),
        (
            garbage,
            "postgres",
            "not a PostgreSQL server: it answered SSLRequest with \"H\"",
        ),
        (garbage, "mysql", "not a MySQL server"),
        (endless, "none", "not TLS"),
        (endless, "mysql", "not a MySQL server"),
        (
            endless_mysql,
            "mysql",
            "not a MySQL server: the first packet would be 16777215 bytes",
        ),
    ] {
        let (code, out, err) = check(
            &pki,
            &[
                "--connect",
                &at(port),
                "--starttls",
                starttls,
                "--timeout",
                "1s",
            ],
        );
        assert_eq!(code, 3, "{starttls} {reason}: {out}{err}");
        let line = out.lines().nth(1).unwrap_or_default();
        assert!(line.starts_with("UNKNOWN "), "{line}");
        assert!(line.contains(&at(port)), "{line}");
        assert!(line.contains(reason), "{starttls}: want {reason}: {line}");
    }
}

#[test]
fn several_targets_and_files_are_each_reported_and_the_worst_status_wins() {
    let pki = Pki::new();
    let tls = pki.spawn(Kind::Tls);
    let my = pki.spawn(Kind::Mysql { ssl: true });
    let pg = pki.spawn(Kind::Postgres { ssl: true });
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let expired = pki.root.join("old.pem");
    write(&expired, expired_cert("old").pem());
    // A MySQL server on a port of no database greets first: recognised, and
    // asked with MySQL's STARTTLS.
    let (code, doc) = json(
        &pki,
        &[
            "--connect",
            &at(tls),
            "--connect",
            &at(closed),
            "--connect",
            &at(my),
            "--timeout",
            "5s",
        ],
    );
    assert_eq!(code, 3, "OK and UNKNOWN: UNKNOWN wins: {doc}");
    let got: Vec<(&str, &str)> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["target"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (at(tls).as_str(), "ok"),
            (at(closed).as_str(), "unknown"),
            (at(my).as_str(), "ok")
        ],
        "each target once, in order"
    );
    // Told it is plain TLS, certgen says what the server is and how to ask it.
    let (code, doc) = json(&pki, &["--connect", &at(my), "--starttls", "none"]);
    assert_eq!(code, 3, "{doc}");
    let reason = doc["results"][0]["reason"].as_str().unwrap();
    assert!(reason.starts_with("not TLS: the server answered"), "{doc}");
    assert!(
        reason.ends_with("a MySQL greeting; check it as mysql://HOST:PORT (or --starttls mysql)"),
        "{doc}"
    );
    // A PostgreSQL server on a port of no database: asked with its SSLRequest
    // once plain TLS fails.
    let (code, doc) = json(&pki, &["--connect", &at(pg), "--timeout", "5s"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(
        doc["results"][0]["certificate"]["serial"],
        pki.serial().as_str()
    );
    // Each server's protocol given with its address: all kinds in one call.
    let (mysql, postgres) = (
        format!("mysql://{}", at(my)),
        format!("postgres://{}", at(pg)),
    );
    let (code, doc) = json(
        &pki,
        &[
            "--connect",
            &mysql,
            "--connect",
            &format!("tls://{}", at(tls)),
            "--connect",
            &postgres,
        ],
    );
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["summary"]["ok"], 3);
    // `target` is the server as given, its protocol prefix included.
    assert_eq!(doc["results"][0]["target"], mysql.as_str());
    assert_eq!(doc["results"][2]["target"], postgres.as_str());
    // A file and a server in one call: the expired file's CRITICAL wins over UNKNOWN.
    let (code, out, _) = check(
        &pki,
        &[
            expired.to_str().unwrap(),
            "--connect",
            &at(tls),
            "--connect",
            &at(closed),
        ],
    );
    assert_eq!(code, 2, "{out}");
    assert_eq!(
        out.lines().next(),
        Some("STATUS    NOT AFTER               DAYS  FILE/TARGET  SUBJECT"),
        "one column for files and servers"
    );
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert!(
        rows[0].starts_with("CRITICAL") && rows[0].contains("old.pem"),
        "{out}"
    );
    assert!(
        rows[1].starts_with("OK") && rows[1].contains(&at(tls)),
        "{out}"
    );
    assert!(
        rows[2].starts_with("UNKNOWN") && rows[2].contains(&at(closed)),
        "{out}"
    );
    assert_eq!(
        rows[3],
        "2 certificates: 1 ok, 0 warning, 1 critical; 1 unknown"
    );
    // Only servers: the PKI directory is not scanned.
    let (code, doc) = json(&pki, &["--connect", &at(tls)]);
    assert_eq!(code, 0);
    assert_eq!(doc["results"].as_array().unwrap().len(), 1);
}

/// The server reads the PKI's own files (`--deployed` names the bundle's
/// certificate): after a renewal, a reload is what it needs, with each
/// database's statement; `--expect` alone cannot tell a deploy from a reload
/// and says both.
#[test]
fn deployed_is_the_file_the_server_reads_and_a_reload_its_statement() {
    let pki = Pki::new();
    let my = pki.spawn(Kind::Mysql { ssl: true });
    let pg = pki.spawn(Kind::Postgres { ssl: true });
    let (code, out, _) = check(
        &pki,
        &[
            "--connect",
            &at(my),
            "--starttls",
            "mysql",
            "--expect",
            "server",
            "db.example",
            "--deployed",
            &pki.cert(),
        ],
    );
    assert_eq!(code, 0, "the same leaf is OK: {out}");
    // Renewed on disk, the server still serving the old one.
    let old_serial = pki.serial();
    ok(&pki.root, &["issue-server", "-q", "db.example", "--force"]);
    let new_serial = pki.serial();
    let (code, out, _) = check(
        &pki,
        &[
            "--connect",
            &at(my),
            "--starttls",
            "mysql",
            "--deployed",
            &pki.cert(),
        ],
    );
    assert_eq!(code, 1, "{out}");
    let row = out.lines().nth(1).unwrap();
    assert!(row.starts_with("WARNING "), "{row}");
    assert!(
        row.contains(&format!(
            "serving an old certificate: reload needed (serial {old_serial} is served, {} holds {new_serial}): run FLUSH SSL; (MariaDB) or ALTER INSTANCE RELOAD TLS; (MySQL); serving a certificate superseded on ",
            pki.cert()
        )),
        "{row}"
    );
    assert!(!row.contains("deploy"), "{row}");
    let (code, out, _) = check(
        &pki,
        &[
            "--connect",
            &at(my),
            "--starttls",
            "mysql",
            "--db",
            "mariadb",
            "--expect",
            "server",
            "db.example",
            "--deployed",
            &pki.path("pki/servers/db.example"),
            "--format",
            "nagios",
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("CERTGEN EXPIRY WARNING"), "{out}");
    assert!(
        out.contains(&format!(
            "reload needed (serial {old_serial} is served, {} holds {new_serial}, servers/db.example's current certificate): run FLUSH SSL; (MariaDB);",
            pki.cert()
        )),
        "{out}"
    );
    assert!(!out.contains("ALTER INSTANCE"), "{out}");
    let (code, out, _) = check(
        &pki,
        &[
            "--connect",
            &at(pg),
            "--starttls",
            "postgres",
            "--deployed",
            &pki.cert(),
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("reload needed"), "{out}");
    assert!(out.contains("SELECT pg_reload_conf();"), "{out}");
    // Without --deployed: deploy it unless the copy is current, then reload.
    let (code, out, _) = check(
        &pki,
        &["--connect", &at(pg), "--expect", "server", "db.example"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "serving an old certificate: deploy or reload needed (serial {old_serial} is served, servers/db.example holds {new_serial}; --deployed tells which): certgen deploy server db.example --to DIR unless the copy the server reads is current, then run SELECT pg_reload_conf(); (PostgreSQL)"
        )),
        "{out}"
    );
}

/// `openssl s_server` started on the files of `dir`, killed when dropped;
/// restarting it is how it reloads.
struct SServer {
    child: std::process::Child,
    port: u16,
}

impl SServer {
    fn start(dir: &Path, cert: &str, key: &str) -> SServer {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let child = std::process::Command::new("openssl")
            .args(["s_server", "-quiet", "-cert", cert, "-key", key, "-accept"])
            .arg(at(port))
            .current_dir(dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..200 {
            if std::net::TcpStream::connect(at(port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        SServer { child, port }
    }
}

impl Drop for SServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// After `renew` without `deploy`, the server serving what it reads: the fix
/// is to deploy, and the command that does it runs as printed; deployed and
/// not reloaded: a reload; reloaded: OK; its certificate revoked: CRITICAL.
/// Against `openssl s_server` reading the deployed files.
#[test]
fn expect_tells_a_needed_deploy_from_a_needed_reload() {
    if !have_openssl() {
        return;
    }
    let pki = Pki::new();
    let dir = &pki.root;
    ok(
        dir,
        &[
            "deploy",
            "-q",
            "server",
            "db.example",
            "--to",
            "tls",
            "--layout",
            "mysql",
        ],
    );
    let files = ("tls/server-cert.pem", "tls/server-key.pem");
    let mut server = SServer::start(dir, files.0, files.1);
    let args = |port: u16| -> Vec<String> {
        [
            "--connect",
            &at(port),
            "--db",
            "mariadb",
            "--expect",
            "server",
            "db.example",
            "--deployed",
            "tls",
        ]
        .map(String::from)
        .to_vec()
    };
    let judged = |port: u16| {
        let a = args(port);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let (code, doc) = json(&pki, &a);
        let r = doc["results"][0].clone();
        (
            code,
            r["status"].as_str().unwrap().to_string(),
            r["reason"].as_str().unwrap().to_string(),
        )
    };
    let (code, status, reason) = judged(server.port);
    assert_eq!((code, status.as_str()), (0, "ok"), "{reason}");

    let old = pki.serial();
    ok(dir, &["renew", "-q", "db.example"]);
    let new = pki.serial();
    let (code, status, reason) = judged(server.port);
    assert_eq!((code, status.as_str()), (1, "warning"), "{reason}");
    let want = format!(
        "serving an old certificate: deploy needed (tls/server-cert.pem holds serial {old}, servers/db.example holds {new}): certgen deploy server db.example --to tls --layout mysql, then run FLUSH SSL; (MariaDB); serving a certificate superseded on "
    );
    assert!(reason.starts_with(&want), "{reason}");
    assert!(!reason.contains("reload needed"), "{reason}");
    // The command, as printed, deploys.
    let command = reason
        .split_once("): ")
        .and_then(|(_, rest)| rest.split_once(", then"))
        .unwrap()
        .0;
    let bin = Path::new(env!("CARGO_BIN_EXE_certgen")).parent().unwrap();
    let done = std::process::Command::new("sh")
        .args(["-c", command])
        .current_dir(dir)
        .env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        )
        .output()
        .unwrap();
    assert!(
        done.status.success(),
        "{command}: {}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(serial_of(&dir.join(files.0)), new);

    // Deployed, not reloaded: s_server still serves the old certificate.
    let (code, status, reason) = judged(server.port);
    assert_eq!((code, status.as_str()), (1, "warning"), "{reason}");
    assert!(
        reason.starts_with(&format!(
            "serving an old certificate: reload needed (serial {old} is served, tls/server-cert.pem holds {new}, servers/db.example's current certificate): run FLUSH SSL; (MariaDB); serving a certificate superseded on "
        )),
        "{reason}"
    );
    assert!(!reason.contains("deploy"), "{reason}");

    // Reloaded.
    drop(server);
    server = SServer::start(dir, files.0, files.1);
    let (code, status, reason) = judged(server.port);
    assert_eq!((code, status.as_str()), (0, "ok"), "{reason}");

    // Its certificate revoked: served, it is CRITICAL whatever else.
    ok(
        dir,
        &["revoke", "-q", "db.example", "--reason", "keyCompromise"],
    );
    let (code, status, reason) = judged(server.port);
    assert_eq!((code, status.as_str()), (2, "critical"), "{reason}");
    assert!(
        reason.starts_with("serving a certificate revoked on "),
        "{reason}"
    );
    assert!(reason.contains("(keyCompromise)"), "{reason}");
}

/// `--expect` names a server bundle of the PKI, `--deployed` a file or a
/// directory deploy wrote: anything else is refused before connecting.
#[test]
fn expect_and_deployed_are_checked_before_connecting() {
    let pki = Pki::new();
    let port = pki.spawn(Kind::Tls);
    std::fs::create_dir(pki.root.join("empty")).unwrap();
    for (args, said) in [
        (
            vec!["--expect", "user", "db.example"],
            "--expect takes `server NAME`, not `user db.example`",
        ),
        (
            vec!["--expect", "server", "nope"],
            "--expect: no server bundle \"nope\" in pki",
        ),
        (
            vec!["--deployed", "empty"],
            "--deployed: empty holds no server certificate under a name deploy writes (server-cert.pem, server.crt, mysql.crt)",
        ),
    ] {
        let mut all = vec!["--connect".to_string(), at(port)];
        all.extend(args.iter().map(|a| a.to_string()));
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let (code, out, err) = check(&pki, &all);
        assert_eq!(code, 3, "{args:?}: {out}{err}");
        assert!(out.is_empty(), "{out}");
        assert!(err.starts_with(&format!("certgen: error: {said}")), "{err}");
        assert!(err.contains("\nhint: "), "{err}");
    }
}

#[test]
fn ca_validates_the_served_chain_and_name() {
    let pki = Pki::new();
    let port = pki.spawn(Kind::Tls);
    let ca = pki.path("pki/ca-cert.pem");
    let (code, out, _) = check(&pki, &["--connect", &at(port), "--ca", &ca]);
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = check(
        &pki,
        &["--connect", &at(port), "--ca", &ca, "--sni", "db.example"],
    );
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = check(
        &pki,
        &[
            "--connect",
            &at(port),
            "--ca",
            &ca,
            "--sni",
            "other.example",
        ],
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("name other.example not among the certificate's names"),
        "{out}"
    );
    ok(
        &pki.root,
        &["--dir", "other", "init-ca", "-q", "--cn", "Other CA"],
    );
    let other = pki.path("other/ca-cert.pem");
    let (code, out, _) = check(&pki, &["--connect", &at(port), "--ca", &other]);
    assert_eq!(code, 2, "{out}");
    let row = out.lines().nth(1).unwrap();
    assert!(row.starts_with("CRITICAL "), "{row}");
    assert!(row.contains("not trusted by"), "{row}");
    assert!(row.contains("issuer not trusted"), "{row}");
}

#[test]
fn ipv6_targets_in_brackets() {
    let pki = Pki::new();
    let Ok(listener) = std::net::TcpListener::bind("[::1]:0") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "::1 is required when CI is set"
        );
        eprintln!("SKIP: no ::1");
        return;
    };
    let port = listener.local_addr().unwrap().port();
    servers::serve(listener, Kind::Tls, pki.config.clone(), Seen::default());
    let target = format!("[::1]:{port}");
    let ca = pki.path("pki/ca-cert.pem");
    let (code, doc) = json(&pki, &["--connect", &target, "--ca", &ca]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["results"][0]["target"], target.as_str());
}

#[test]
fn input_files_are_read_before_connecting() {
    let pki = Pki::new();
    let port = pki.spawn(Kind::Tls);
    let (code, out, err) = check(&pki, &["--connect", &at(port), "--deployed", "missing.pem"]);
    assert_eq!(code, 3, "{out}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.starts_with("certgen: error: reading missing.pem"),
        "{err}"
    );
}

/// The old recipes' X.509 v1 certificate (`openssl x509 -req` without
/// extensions), served by `openssl s_server`: fetched, judged, and validated
/// by its CN as OpenSSL-based clients do.
#[test]
fn an_x509_v1_certificate_served_by_openssl_is_fetched() {
    if !have_openssl() {
        return;
    }
    let pki = Pki::new();
    let dir = &pki.root;
    let (done, out) = openssl(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "v1-key.pem",
            "-subj",
            "/CN=v1.example",
            "-out",
            "v1.csr",
        ],
    );
    assert!(done, "{out}");
    let (done, out) = openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "v1.csr",
            "-CA",
            "pki/ca-cert.pem",
            "-CAkey",
            "pki/ca-key.pem",
            "-set_serial",
            "1",
            "-days",
            "20",
            "-out",
            "v1.pem",
        ],
    );
    assert!(done, "{out}");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut server = std::process::Command::new("openssl")
        .args([
            "s_server",
            "-quiet",
            "-cert",
            "v1.pem",
            "-key",
            "v1-key.pem",
            "-accept",
        ])
        .arg(at(port))
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if std::net::TcpStream::connect(at(port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let ca = pki.path("pki/ca-cert.pem");
    let result = json(
        &pki,
        &[
            "--connect",
            &at(port),
            "--ca",
            &ca,
            "--sni",
            "v1.example",
            "--timeout",
            "5s",
        ],
    );
    server.kill().unwrap();
    server.wait().unwrap();
    let (code, doc) = result;
    assert_eq!(code, 1, "20 days left: WARNING, and trusted: {doc}");
    let r = &doc["results"][0];
    assert_eq!(r["status"], "warning");
    assert!(
        r["reason"].as_str().unwrap().starts_with("expires in "),
        "{r}"
    );
    assert_eq!(r["certificate"]["version"], 1);
    assert_eq!(r["certificate"]["serial"], "01");
}

#[test]
fn prometheus_labels_servers_by_target_and_quiet_is_silent_when_all_is_well() {
    let pki = Pki::new();
    let port = pki.spawn(Kind::Tls);
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (code, out, _) = check(
        &pki,
        &[
            "--format",
            "prometheus",
            "--connect",
            &at(port),
            "--connect",
            &at(closed),
        ],
    );
    assert_eq!(code, 3, "{out}");
    let serial = pki.serial();
    assert!(
        out.contains(&format!(
            "certgen_certificate_expiry_seconds{{target=\"{}\",index=\"1\",subject=\"/CN=db.example\",serial=\"{serial}\"}}",
            at(port)
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "certgen_check_expiry_unknown{{target=\"{}\"}} 1",
            at(closed)
        )),
        "{out}"
    );
    assert!(out.contains("certgen_check_expiry_status 3"), "{out}");
    let out = certgen_cmd()
        .current_dir(&pki.root)
        .args(["-q", "check-expiry", "--connect", &at(port)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
