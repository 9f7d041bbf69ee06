//! PostgreSQL: `postgresql.conf`, a `pg_hba.conf` line per user that logs
//! them in by certificate, and libpq connection strings.

use super::settings::{Client, Config, Input, Role, Section, Setting};
use super::text::{no_control, path_text, shell_quote};
use crate::error::{Error, Result};

const CONF: &str = "postgresql.conf";
const HBA: &str = "pg_hba.conf";

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

/// A value in a libpq connection string: as it is when plain, else
/// single-quoted with `\` and `'` escaped by a backslash.
pub fn conninfo_value(value: &str) -> String {
    let plain = !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c == '\'' || c == '\\');
    if plain {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
    }
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

    let mut config = Config::default();
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

fn client(input: &Input<'_>, user: &super::settings::Bundle) -> Result<Client> {
    let f = &user.files;
    let text = |what: &str, p| path_text(what, p, "a libpq connection string");
    let conninfo = format!(
        "host={} user={} sslmode=verify-full sslrootcert={} sslcert={} sslkey={}",
        conninfo_value(&input.server.name),
        conninfo_value(&user.name),
        conninfo_value(text("sslrootcert", &f.ca)?),
        conninfo_value(text("sslcert", &f.certificate)?),
        conninfo_value(text("sslkey", &f.key)?),
    );
    Ok(Client {
        user: user.name.clone(),
        command: Some(format!("psql {}", shell_quote(&conninfo))),
        connection_string: Some(conninfo),
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
    fn conninfo_values_escape_quotes_and_backslashes() {
        assert_eq!(conninfo_value(r"/srv/o'b\x"), r"'/srv/o\'b\\x'");
        assert_eq!(conninfo_value("/srv/a b"), "'/srv/a b'");
        assert_eq!(conninfo_value("/srv/ab"), "/srv/ab");
    }
}
