//! PostgreSQL: `postgresql.conf`, a `pg_hba.conf` line per user that logs
//! them in by certificate, the role each user logs in as, and libpq
//! connection strings.

use super::database::Database;
use super::drivers::{self, conn::Conn};
use super::settings::{Client, Config, Input, Role, Section, Setting};
use super::text::{no_control, path_text, shell_quote};
use crate::error::{Error, Result};

const CONF: &str = "postgresql.conf";
const HBA: &str = "pg_hba.conf";
const ROLE: &str = "a PostgreSQL role name";

/// A string value for postgresql.conf: single-quoted, a quote doubled and a
/// backslash escaped (the file reads `\` escapes in strings); a newline
/// cannot be written in a value.
pub fn conf_string(what: &str, value: &str) -> Result<String> {
    no_control(what, value, CONF)?;
    Ok(format!(
        "'{}'",
        value.replace('\\', "\\\\").replace('\'', "''")
    ))
}

/// A user name field of pg_hba.conf: double-quoted, so that a name starting
/// with `+`, `/` or `@`, holding a comma, or spelling a keyword (`all`) is
/// that user and nothing else. pg_hba.conf has no way to write a double
/// quote inside a quoted name.
pub fn hba_user(name: &str) -> Result<String> {
    no_control("user", name, HBA)?;
    if name.contains('"') {
        return Err(Error::UnsafeConfigValue {
            what: "user".into(),
            value: name.into(),
            file: HBA,
            reason: "pg_hba.conf cannot quote a double quote in a user name",
        });
    }
    Ok(format!("\"{name}\""))
}

/// PostgreSQL keeps this many bytes of a name (`NAMEDATALEN` - 1) and cuts
/// the rest, of a role created and of the user a client asks for alike.
pub const MAX_NAME: usize = 63;

/// An identifier double-quoted, a double quote doubled: the role is that
/// name, case and all, whatever it spells (`all`, `+ops`, `é`).
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The statement that gives `user` a role that can log in: created when
/// missing, given `LOGIN` when it exists (PostgreSQL has no `CREATE ROLE IF
/// NOT EXISTS`), so the SQL can run again after more users are added. A
/// name longer than PostgreSQL keeps is refused: the role would get a cut
/// name, and `cert` authentication compares the certificate's whole CN with
/// the cut user name a client asks for, which never match.
pub fn create_role(user: &str) -> Result<String> {
    no_control("user", user, ROLE)?;
    if user.len() > MAX_NAME {
        return Err(Error::UnsafeConfigValue {
            what: "user".into(),
            value: user.into(),
            file: ROLE,
            reason: "PostgreSQL keeps 63 bytes of a role name and cuts the rest, \
                     so the certificate's CN could never match it",
        });
    }
    let role = quote_ident(user);
    // A dollar-quote tag that the name does not hold.
    let mut tag = String::from("$certgen$");
    for n in 1.. {
        if !role.contains(&tag) {
            break;
        }
        tag = format!("$certgen_{n}$");
    }
    Ok(format!(
        "DO {tag} BEGIN CREATE ROLE {role} LOGIN; \
         EXCEPTION WHEN duplicate_object THEN ALTER ROLE {role} LOGIN; END {tag};"
    ))
}

/// The `pg_hba.conf` lines that let `user` in over TLS only, with a
/// certificate whose CN is the user name, from any IPv4 or IPv6 address.
pub fn hba_lines(user: &str) -> Result<Vec<String>> {
    let quoted = hba_user(user)?;
    Ok(["0.0.0.0/0", "::/0"]
        .iter()
        .map(|net| format!("hostssl all {quoted} {net} cert clientcert=verify-full"))
        .collect())
}

pub fn config(input: &Input<'_>) -> Result<Config> {
    let s = &input.server.files;
    let mut settings = vec![Setting::new("ssl", "on")];
    let mut text = String::from("ssl = on\n");
    let mut path = |name: &str, p: &std::path::Path| -> Result<()> {
        let value = path_text(name, p, CONF)?;
        text.push_str(&format!("{name} = {}\n", conf_string(name, value)?));
        settings.push(Setting::new(name, value));
        Ok(())
    };
    path("ssl_cert_file", &s.certificate)?;
    path("ssl_key_file", &s.key)?;
    path("ssl_ca_file", &s.ca)?;
    if let Some(crl) = input.crl {
        path("ssl_crl_file", crl)?;
    }
    settings.push(Setting::new("ssl_min_protocol_version", "TLSv1.2"));
    text.push_str("ssl_min_protocol_version = 'TLSv1.2'\n");

    let mut config = Config {
        sql_comment: "a role for each user, which logs in with its certificate as pg_hba.conf says"
            .into(),
        ..Config::default()
    };
    config.sections.push(Section {
        role: Role::Server,
        user: None,
        file: CONF.into(),
        comment: "Server settings, in postgresql.conf (or a file it includes)".into(),
        settings,
        text,
    });
    let mut hba = Section {
        role: Role::Server,
        user: None,
        file: HBA.into(),
        comment:
            "pg_hba.conf: each user logs in only over TLS with its certificate (CN = user name); \
                  put these lines before any other line that matches the user"
                .into(),
        settings: Vec::new(),
        text: String::new(),
    };
    for user in input.users {
        for line in hba_lines(&user.name)? {
            let rest = line.trim_start_matches("hostssl ").to_string();
            hba.settings.push(Setting::new("hostssl", rest));
            hba.text.push_str(&line);
            hba.text.push('\n');
        }
        config.sql.push(create_role(&user.name)?);
        config.clients.push(client(input, user)?);
    }
    if !input.users.is_empty() {
        config.sections.push(hba);
    }
    let key = path_text("ssl_key_file", &s.key, CONF)?;
    config.commands.push(format!(
        "chown postgres:postgres {k} && chmod 0600 {k}",
        k = shell_quote(key)
    ));
    if input.crl.is_some() {
        config.notes.push(
            "SELECT pg_reload_conf(); makes the running server read ssl_crl_file, when it is added and each time `certgen crl` (and `certgen deploy`) refresh the file: no restart"
                .into(),
        );
    }
    config.notes.push(format!(
        "PostgreSQL refuses a server key that others can read: owned by the server's user with mode 0600 \
         (above), or owned by root with mode 0640 and group postgres (chown root:postgres {k} && chmod 0640 {k})",
        k = shell_quote(key)
    ));
    Ok(config)
}

/// `psql` and libpq's connection string for `user`: the same as the
/// drivers' (their `cli` and `libpq` entries).
fn client(input: &Input<'_>, user: &super::settings::Bundle) -> Result<Client> {
    let conn = Conn::new(Database::Postgres, input, user)?;
    let psql = drivers::cli::psql(&conn);
    Ok(Client {
        user: user.name.clone(),
        command: Some(psql.text),
        connection_string: psql.connection_string,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conf_strings_double_quotes_and_escape_backslashes() {
        assert_eq!(conf_string("x", r"/a'b\c").unwrap(), r"'/a''b\\c'");
        let err = conf_string("ssl_cert_file", "/a\nssl = off").unwrap_err();
        assert!(err.to_string().contains("postgresql.conf"), "{err}");
    }

    #[test]
    fn hba_names_are_quoted_so_plus_and_keywords_are_plain_users() {
        assert_eq!(
            hba_lines("+admins").unwrap()[0],
            "hostssl all \"+admins\" 0.0.0.0/0 cert clientcert=verify-full"
        );
        assert_eq!(hba_user("all").unwrap(), "\"all\"");
        assert!(hba_user("a\"b").is_err());
    }

    #[test]
    fn roles_are_quoted_identifiers_created_or_given_login() {
        assert_eq!(
            create_role("app").unwrap(),
            "DO $certgen$ BEGIN CREATE ROLE \"app\" LOGIN; \
             EXCEPTION WHEN duplicate_object THEN ALTER ROLE \"app\" LOGIN; END $certgen$;"
        );
        assert!(
            create_role("+ops")
                .unwrap()
                .contains("CREATE ROLE \"+ops\" LOGIN;")
        );
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        // A name holding the tag gets another one.
        let odd = create_role("x$certgen$y").unwrap();
        assert!(
            odd.starts_with("DO $certgen_1$ ") && odd.ends_with(" $certgen_1$;"),
            "{odd}"
        );
    }

    #[test]
    fn role_names_longer_than_postgres_keeps_are_refused() {
        let longest = "é".repeat(31) + "a"; // 63 bytes
        assert!(create_role(&longest).is_ok());
        let err = create_role(&format!("{longest}b")).unwrap_err();
        assert!(err.to_string().contains("63 bytes"), "{err}");
        assert!(create_role("a\nb").is_err());
    }

    #[test]
    fn config_creates_a_role_per_user() {
        crate::db::sample(|input| {
            let c = config(input).unwrap();
            assert_eq!(c.sql, [create_role("app").unwrap()]);
        });
    }
}
