//! What `config` and `setup` say about making a server read its CRL: on
//! MariaDB the first `ssl_crl` needs a restart (it is read-only at runtime)
//! and FLUSH SSL re-reads the file afterwards; PostgreSQL's
//! pg_reload_conf() reads `ssl_crl_file` either way.

use crate::common::*;

#[test]
fn config_says_how_each_database_reads_its_crl() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "--key-type", "ecdsa-p256"]);
    ok(dir, &["issue-server", "db", "--key-type", "ecdsa-p256"]);
    ok(dir, &["issue-client", "app", "--key-type", "ecdsa-p256"]);
    let config = |target: &str| ok(dir, &["config", target]);
    for target in ["mariadb", "mysql", "postgres"] {
        assert!(!config(target).contains("ssl_crl"), "{target}: no CRL yet");
    }
    ok(dir, &["crl"]);
    let mariadb = config("mariadb");
    assert!(
        mariadb.contains("# ssl_crl is read when the server starts: restart MariaDB once after adding it (it cannot be set at runtime, and FLUSH SSL does not pick up a new ssl_crl); after that, FLUSH SSL re-reads the file"),
        "{mariadb}"
    );
    let mysql = config("mysql");
    assert!(mysql.contains("restart MySQL after adding it"), "{mysql}");
    assert!(
        mysql.contains("ALTER INSTANCE RELOAD TLS re-reads the file"),
        "{mysql}"
    );
    let postgres = config("postgres");
    assert!(
        postgres.contains("# SELECT pg_reload_conf(); makes the running server read ssl_crl_file, when it is added and each time"),
        "{postgres}"
    );
    let out = ok(dir, &["config", "mariadb", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["notes"].as_array().unwrap().iter().any(|n| n
            .as_str()
            .unwrap()
            .starts_with("ssl_crl is read when the server starts")),
        "{v}"
    );
}
