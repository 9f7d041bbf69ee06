//! `config --client` and the drivers in the JSON of `config` and `setup`:
//! which drivers each target gets, what --client selects, the port, the
//! database and the keystore directory they name, and the options refused
//! before anything is written. (scripts/interop-drivers runs the snippets
//! with the real drivers.)

use std::path::Path;

use serde_json::Value;

use crate::common::*;

const FAST: [&str; 4] = ["--key-type", "ecdsa-p256", "--ca-key-type", "ecdsa-p256"];

/// A PKI with a server `localhost` and the users app and é+1@x.
fn pki(dir: &Path, target: &str) -> String {
    let pki = dir.join("pki");
    let d = pki.to_str().unwrap().to_string();
    let mut args = vec!["--dir", &d, "-q", "setup", target, "--user", "app,é+1@x"];
    args.extend(FAST);
    ok(dir, &args);
    d
}

fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(dir, args)).expect("JSON")
}

/// (user, client, driver) of every driver entry.
fn entries(j: &Value) -> Vec<(String, String, String)> {
    j["drivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap().to_string();
            (s("user"), s("client"), s("driver"))
        })
        .collect()
}

fn driver<'a>(j: &'a Value, user: &str, driver: &str, language: &str) -> &'a Value {
    let found: Vec<&Value> = j["drivers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["user"] == user && d["driver"] == driver && d["language"] == language)
        .collect();
    assert_eq!(found.len(), 1, "{user} {driver} {language}: {j:#}");
    found[0]
}

#[test]
fn each_target_gets_its_protocols_drivers_for_each_user() {
    let t = tempfile::tempdir().unwrap();
    let d = pki(t.path(), "mariadb");
    let j = json(
        t.path(),
        &["--dir", &d, "config", "mariadb", "--format", "json"],
    );
    let kinds = |user: &str| -> Vec<(String, String)> {
        entries(&j)
            .into_iter()
            .filter(|(u, ..)| u == user)
            .map(|(_, c, d)| (c, d))
            .collect()
    };
    let expect = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(c, d)| (c.to_string(), d.to_string()))
            .collect()
    };
    // No JDBC without --keystore-dir: its settings name the keystores.
    let mysql = [
        ("cli", "mariadb"),
        ("node", "mysql2"),
        ("python", "PyMySQL"),
        ("go", "github.com/go-sql-driver/mysql"),
        ("dotnet", "MySqlConnector"),
        ("rails", "mysql2"),
    ];
    assert_eq!(kinds("app"), expect(&mysql));
    assert_eq!(kinds("é+1@x"), expect(&mysql));
    // The command line is the one `clients` holds.
    assert_eq!(
        driver(&j, "app", "mariadb", "shell")["text"],
        j["clients"][0]["command"]
    );

    let t = tempfile::tempdir().unwrap();
    let d = pki(t.path(), "postgres");
    let j = json(
        t.path(),
        &["--dir", &d, "config", "postgres", "--format", "json"],
    );
    let pairs: Vec<(String, String)> = entries(&j)
        .into_iter()
        .filter(|(u, ..)| u == "app")
        .map(|(_, c, d)| (c, d))
        .collect();
    assert_eq!(
        pairs,
        expect(&[
            ("cli", "psql"),
            ("libpq", "libpq"),
            ("libpq", "libpq"),
            ("node", "pg"),
            ("python", "psycopg"),
            ("go", "github.com/jackc/pgx"),
            ("dotnet", "Npgsql"),
            ("rails", "postgresql"),
        ])
    );
    // psql, libpq and pgx take the same string, which names the database.
    let conninfo = driver(&j, "app", "libpq", "conninfo")["connection_string"].clone();
    assert_eq!(
        driver(&j, "app", "psql", "shell")["connection_string"],
        conninfo
    );
    assert_eq!(
        driver(&j, "app", "github.com/jackc/pgx", "go")["connection_string"],
        conninfo
    );
    assert_eq!(j["clients"][0]["connection_string"], conninfo);
    assert!(
        conninfo
            .as_str()
            .unwrap()
            .contains(" port=5432 user=app dbname=app sslmode=verify-full "),
        "{conninfo}"
    );
    let uri = driver(&j, "app", "libpq", "uri")["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        uri.starts_with("postgresql://app@localhost:5432/app?sslmode=verify-full&sslrootcert=/"),
        "{uri}"
    );
    let uri = driver(&j, "é+1@x", "libpq", "uri")["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        uri.starts_with("postgresql://%C3%A9%2B1%40x@localhost:5432/%C3%A9%2B1%40x?"),
        "{uri}"
    );
}

#[test]
fn client_selects_the_drivers_in_json_and_in_text() {
    let t = tempfile::tempdir().unwrap();
    let d = pki(t.path(), "mariadb");
    let j = json(
        t.path(),
        &[
            "--dir", &d, "config", "mariadb", "--client", "node,go", "--format", "json",
        ],
    );
    let clients: Vec<String> = entries(&j).into_iter().map(|(_, c, _)| c).collect();
    assert_eq!(clients, ["node", "go", "node", "go"]);

    let text = ok(
        t.path(),
        &["--dir", &d, "config", "mariadb", "--client", "python"],
    );
    assert!(
        text.contains("# app with Python PyMySQL:\nimport pymysql\n\nconn = pymysql.connect(\n    host=\"localhost\",\n    port=3306,\n    user=\"app\",\n"),
        "{text}"
    );
    assert!(text.contains("# é+1@x with Python PyMySQL:\n"), "{text}");
    assert!(!text.contains("# Connecting as"), "{text}");
    // Without --client, the text shows the command line, as before.
    let text = ok(t.path(), &["--dir", &d, "config", "mariadb"]);
    assert!(
        text.contains(
            "# Connecting as app:\nmariadb --defaults-group-suffix=-app -h localhost -P 3306\n"
        ),
        "{text}"
    );
    assert!(!text.contains("pymysql"), "{text}");
}

#[test]
fn port_and_database_reach_every_driver() {
    let t = tempfile::tempdir().unwrap();
    let d = pki(t.path(), "mysql");
    let j = json(
        t.path(),
        &[
            "--dir",
            &d,
            "config",
            "mysql",
            "--port",
            "3307",
            "--database",
            "shop",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        driver(&j, "app", "mysql", "shell")["text"],
        "mysql --defaults-group-suffix=-app -h localhost -P 3307"
    );
    assert_eq!(
        driver(&j, "app", "github.com/go-sql-driver/mysql", "go")["connection_string"],
        "app@tcp(localhost:3307)/shop?tls=custom"
    );
    assert_eq!(
        driver(&j, "app", "MySqlConnector", "csharp")["connection_string"]
            .as_str()
            .unwrap()
            .split(';')
            .take(5)
            .collect::<Vec<_>>(),
        [
            "Server=localhost",
            "Port=3307",
            "User ID=app",
            "Database=shop",
            "SslMode=VerifyFull"
        ]
    );
    let node = driver(&j, "app", "mysql2", "javascript")["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        node.contains("  port: 3307,\n  user: \"app\",\n  database: \"shop\",\n"),
        "{node}"
    );
    let rails = driver(&j, "app", "mysql2", "yaml")["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        rails.starts_with("production:\n  adapter: mysql2\n  host: \"localhost\"\n  port: 3307\n  username: \"app\"\n  database: \"shop\"\n"),
        "{rails}"
    );
    // config rails takes them too, and leaves them out without them, as before.
    let rails = ok(t.path(), &["--dir", &d, "config", "rails", "--user", "app"]);
    assert!(
        rails.contains("  host: \"localhost\"\n  username: \"app\"\n"),
        "{rails}"
    );
    let rails = ok(
        t.path(),
        &[
            "--dir",
            &d,
            "config",
            "rails",
            "--user",
            "app",
            "--port",
            "6432",
            "--database",
            "shop",
        ],
    );
    assert!(
        rails.contains(
            "  host: \"localhost\"\n  port: 6432\n  username: \"app\"\n  database: \"shop\"\n"
        ),
        "{rails}"
    );
}

#[test]
fn jdbc_names_the_keystores_of_each_user() {
    let t = tempfile::tempdir().unwrap();
    let d = pki(t.path(), "postgres");
    let ks = t.path().join("ks o'b");
    let dir = format!("{}/{{user}}", ks.display());
    let j = json(
        t.path(),
        &[
            "--dir",
            &d,
            "config",
            "postgres",
            "--keystore-dir",
            &dir,
            "--client",
            "jdbc",
            "--format",
            "json",
        ],
    );
    let clients: Vec<(String, String, String)> = entries(&j);
    assert_eq!(clients.len(), 2, "{clients:?}");
    for user in ["app", "é+1@x"] {
        let pgjdbc = driver(&j, user, "org.postgresql:postgresql", "java");
        let setting = |name: &str| {
            pgjdbc["settings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["name"] == name)
                .map(|s| s["value"].as_str().unwrap().to_string())
                .unwrap()
        };
        assert_eq!(
            setting("sslkey"),
            ks.join(user).join("client-key.pk8").display().to_string()
        );
        assert_eq!(setting("sslmode"), "verify-full");
        assert_eq!(
            setting("sslcert"),
            Path::new(&d)
                .join("users")
                .join(user)
                .join("client-cert.pem")
                .display()
                .to_string()
        );
    }
    // The MySQL family's two drivers read the PKCS#12 keystores; the
    // password is the application's.
    let t = tempfile::tempdir().unwrap();
    let d = pki(t.path(), "mariadb");
    let j = json(
        t.path(),
        &[
            "--dir",
            &d,
            "config",
            "mariadb",
            "--user",
            "app",
            "--keystore-dir",
            "ks",
            "--client",
            "jdbc",
            "--format",
            "json",
        ],
    );
    let ks = t.path().join("ks");
    let cj = driver(&j, "app", "mysql:mysql-connector-j", "java");
    let settings = cj["settings"].as_array().unwrap();
    let value = |name: &str| settings.iter().find(|s| s["name"] == name).unwrap()["value"].clone();
    assert_eq!(
        value("clientCertificateKeyStoreUrl"),
        format!("file:{}/keystore.p12", ks.display())
    );
    assert_eq!(value("clientCertificateKeyStorePassword"), Value::Null);
    assert_eq!(value("sslMode"), "VERIFY_IDENTITY");
    let mariadb = driver(&j, "app", "org.mariadb.jdbc:mariadb-java-client", "java");
    assert!(
        mariadb["text"].as_str().unwrap().contains(&format!(
            "    props.setProperty(\"keyStore\", \"{}/keystore.p12\");\n",
            ks.display()
        )),
        "{mariadb}"
    );
}

#[test]
fn options_with_no_drivers_to_print_are_refused_before_anything_is_written() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("pki");
    let d = d.to_str().unwrap();
    for (args, says) in [
        (
            &["setup", "mariadb", "--user", "app", "--client", "jdbc"][..],
            "no --keystore-dir",
        ),
        (
            &["setup", "mariadb", "--user", "app", "--client", "libpq"],
            "not reached through libpq",
        ),
        (
            &["setup", "manticore", "--user", "app", "--client", "node"],
            "no driver settings for manticore",
        ),
        (
            &["setup", "rails", "--user", "app", "--keystore-dir", "ks"],
            "no driver settings for rails",
        ),
        (
            &["setup", "manticore", "--user", "app", "--port", "9306"],
            "no driver settings for manticore",
        ),
        (
            &[
                "setup",
                "postgres",
                "--user",
                "app,ops",
                "--keystore-dir",
                "ks",
                "--client",
                "jdbc",
            ],
            "2 users cannot share one directory",
        ),
        (
            &["setup", "postgres", "--user", "app", "--port", "0"],
            "--port",
        ),
    ] {
        let mut all = vec!["--dir", d];
        all.extend(args);
        all.extend(FAST);
        let out = run(t.path(), &all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        assert!(!Path::new(d).exists(), "{args:?} wrote the PKI");
    }
}
