//! `--sql-out FILE` on the commands that print SQL (`setup`, `config`,
//! `issue-client`, `retire user`): the file holds the statements printed,
//! is created and never replaced (a file or a link in its place is
//! refused, before anything else is written), and is refused where a
//! command prints no SQL. PostgreSQL's settings carry a role per user.
//! The statements themselves run on real servers in scripts/interop-mariadb
//! and scripts/interop-postgres.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde_json::Value;

use crate::common::*;

const EC: [&str; 4] = ["--key-type", "ecdsa-p256", "--ca-key-type", "ecdsa-p256"];

fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(dir, args)).unwrap()
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn refused(out: &std::process::Output, what: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    let err = stderr(out);
    assert!(err.contains(what), "{err}");
    assert_eq!(err.lines().count(), 2, "one error line and a hint: {err}");
}

#[test]
fn config_writes_the_statements_it_prints() {
    let t = tempfile::tempdir().unwrap();
    let mut args = vec!["-q", "setup", "mariadb", "--user", "app,Zoë+1@corp"];
    args.extend(EC);
    ok(t.path(), &args);
    let sql = t.path().join("accounts.sql");
    let j = json(
        t.path(),
        &[
            "-q",
            "config",
            "mariadb",
            "--sql-host",
            "o'h%",
            "--format",
            "json",
            "--sql-out",
            "accounts.sql",
        ],
    );
    let printed: Vec<String> = j["sql"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    assert_eq!(lines(&sql), printed);
    assert!(
        printed.contains(&"CREATE USER IF NOT EXISTS 'Zoë+1@corp'@'o''h%';".to_string()),
        "{printed:?}"
    );
    let mode = std::fs::metadata(&sql).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode & 0o022, 0, "{mode:o}");

    // The text output prints the same statements, and says where they went.
    let out = run(
        t.path(),
        &[
            "config",
            "mariadb",
            "--sql-host",
            "o'h%",
            "--sql-out",
            "again.sql",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    for s in &printed {
        assert!(text.contains(s.as_str()), "{s} not in {text}");
    }
    assert!(stderr(&out).contains("wrote the SQL to again.sql"));
    assert_eq!(lines(&t.path().join("again.sql")), printed);
}

#[test]
fn an_existing_file_or_link_is_never_replaced() {
    let t = tempfile::tempdir().unwrap();
    ok(t.path(), &["-q", "setup", "mariadb", "--user", "app"]);
    write(&t.path().join("old.sql"), "DROP DATABASE important;\n");
    let out = run(t.path(), &["config", "mariadb", "--sql-out", "old.sql"]);
    refused(&out, "--sql-out old.sql: the file exists");
    assert!(out.stdout.is_empty(), "nothing printed before the refusal");
    assert_eq!(
        std::fs::read_to_string(t.path().join("old.sql")).unwrap(),
        "DROP DATABASE important;\n"
    );
    // A link, dangling or not, is not followed.
    std::os::unix::fs::symlink(t.path().join("target.sql"), t.path().join("link.sql")).unwrap();
    let out = run(t.path(), &["config", "mariadb", "--sql-out", "link.sql"]);
    refused(&out, "the file exists");
    assert!(!t.path().join("target.sql").exists());
    std::os::unix::fs::symlink(t.path().join("old.sql"), t.path().join("link2.sql")).unwrap();
    let out = run(t.path(), &["config", "mariadb", "--sql-out", "link2.sql"]);
    refused(&out, "the file exists");
    let out = run(t.path(), &["config", "mariadb", "--sql-out", "no/such.sql"]);
    refused(&out, "no does not exist");
}

#[test]
fn setup_checks_the_file_before_it_writes_anything() {
    let t = tempfile::tempdir().unwrap();
    write(&t.path().join("users.sql"), "old\n");
    let out = run(
        t.path(),
        &[
            "setup",
            "mariadb",
            "--user",
            "app",
            "--sql-out",
            "users.sql",
        ],
    );
    refused(&out, "the file exists");
    assert!(!t.path().join("pki").exists(), "no CA made");

    // Where setup prints no SQL, --sql-out is refused, and nothing is made.
    for (args, why) in [
        (
            &["setup", "manticore", "--sql-out", "m.sql"][..],
            "manticore has no accounts to print SQL for",
        ),
        (
            &["setup", "rails", "--user", "app", "--sql-out", "r.sql"][..],
            "rails has no accounts to print SQL for",
        ),
        (
            &["setup", "postgres", "--sql-out", "p.sql"][..],
            "there is no user to print SQL for",
        ),
    ] {
        let out = run(t.path(), args);
        refused(&out, why);
        assert!(!t.path().join("pki").exists(), "{args:?} made a CA");
    }

    // Written: the statements setup printed.
    let mut args = vec!["setup", "mariadb", "--user", "app", "--sql-out", "new.sql"];
    args.extend(EC);
    let text = ok(t.path(), &args);
    let written = lines(&t.path().join("new.sql"));
    assert_eq!(written.len(), 2, "{written:?}");
    for s in &written {
        assert!(text.lines().any(|l| l == s), "{s} not printed: {text}");
    }
    assert!(written[1].starts_with("ALTER USER 'app'@'%' REQUIRE SUBJECT '/CN=app'"));
}

#[test]
fn issue_client_writes_its_alter_user_statements() {
    let t = tempfile::tempdir().unwrap();
    ok(t.path(), &["-q", "init-ca", "--key-type", "ecdsa-p256"]);
    write(&t.path().join("taken.sql"), "");
    let out = run(t.path(), &["issue-client", "app", "--sql-out", "taken.sql"]);
    refused(&out, "the file exists");
    assert!(!t.path().join("pki/users/app").exists(), "issued anyway");

    let printed = ok(
        t.path(),
        &[
            "issue-client",
            "app",
            "é",
            "--subject",
            "/O=a\\/b",
            "--key-type",
            "ecdsa-p256",
            "--sql-out",
            "users.sql",
        ],
    );
    let written = lines(&t.path().join("users.sql"));
    assert_eq!(written, printed.lines().collect::<Vec<_>>());
    assert_eq!(written.len(), 2);
    assert!(written[1].contains("NO_BACKSLASH_ESCAPES"), "{written:?}");
}

#[test]
fn retire_writes_require_none_with_drop_user_as_the_alternative() {
    let t = tempfile::tempdir().unwrap();
    let mut args = vec!["-q", "setup", "mariadb", "--user", "app"];
    args.extend(EC);
    ok(t.path(), &args);
    let out = run(
        t.path(),
        &["retire", "server", "localhost", "--sql-out", "s.sql"],
    );
    refused(&out, "a server has no account to print SQL for");
    assert!(
        t.path().join("pki/servers/localhost").is_dir(),
        "retired anyway"
    );
    assert!(!t.path().join("s.sql").exists());

    write(&t.path().join("taken.sql"), "");
    let out = run(
        t.path(),
        &["retire", "user", "app", "--sql-out", "taken.sql"],
    );
    refused(&out, "the file exists");
    assert!(t.path().join("pki/users/app").is_dir(), "retired anyway");

    let j = json(
        t.path(),
        &[
            "retire",
            "user",
            "app",
            "--sql-host",
            "10.0.%",
            "--format",
            "json",
            "--sql-out",
            "retire.sql",
        ],
    );
    let sql = &j["account"]["sql"];
    assert_eq!(
        lines(&t.path().join("retire.sql")),
        [
            "-- MySQL, MariaDB, SingleStore: stop requiring a certificate for app's account"
                .to_string(),
            sql["require_none"].as_str().unwrap().to_string(),
            format!(
                "-- or, to remove the account: {}",
                sql["drop_user"].as_str().unwrap()
            ),
        ]
    );
    assert_eq!(
        sql["require_none"],
        "ALTER USER 'app'@'10.0.%' REQUIRE NONE;"
    );
}

#[test]
fn postgres_settings_create_a_login_role_per_user() {
    let t = tempfile::tempdir().unwrap();
    let mut args = vec![
        "-q",
        "setup",
        "postgres",
        "--user",
        "app,+ops,all,Zoë",
        "--sql-out",
        "roles.sql",
    ];
    args.extend(EC);
    ok(t.path(), &args);
    let role = |name: &str| {
        format!(
            "DO $certgen$ BEGIN CREATE ROLE \"{name}\" LOGIN; EXCEPTION WHEN duplicate_object \
             THEN ALTER ROLE \"{name}\" LOGIN; END $certgen$;"
        )
    };
    assert_eq!(
        lines(&t.path().join("roles.sql")),
        [role("app"), role("+ops"), role("all"), role("Zoë")]
    );
    let j = json(t.path(), &["config", "postgres", "--format", "json"]);
    let sql: Vec<&str> = j["sql"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    // config takes the users in their directories' order.
    assert_eq!(sql, [role("+ops"), role("Zoë"), role("all"), role("app")]);
    let text = ok(t.path(), &["config", "postgres", "--user", "app"]);
    assert!(
        text.contains(&format!(
            "-- SQL, as an administrator: a role for each user, which logs in with its \
             certificate as pg_hba.conf says\n{}\n",
            role("app")
        )),
        "{text}"
    );
}

#[test]
fn a_role_name_postgres_would_cut_is_refused_before_anything_is_written() {
    let t = tempfile::tempdir().unwrap();
    let long = "u".repeat(64);
    let out = run(t.path(), &["setup", "postgres", "--user", &long]);
    refused(&out, "PostgreSQL keeps 63 bytes of a role name");
    assert!(!t.path().join("pki").exists(), "setup wrote something");
    // 63 bytes are kept whole.
    let mut args = vec!["-q", "setup", "postgres", "--user"];
    let longest = "u".repeat(63);
    args.push(&longest);
    args.extend(EC);
    ok(t.path(), &args);
    // The same user's bundle, made for MariaDB, has no such limit there but
    // is refused in PostgreSQL's settings.
    let mut args = vec!["-q", "issue-client", &long];
    args.extend(&EC[..2]);
    ok(t.path(), &args);
    let out = run(t.path(), &["config", "postgres", "--user", &long]);
    refused(&out, "PostgreSQL keeps 63 bytes of a role name");
}
