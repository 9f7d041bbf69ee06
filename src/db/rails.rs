//! Rails: the `database.yml` settings of an application that connects as a
//! user with its certificate, for the mysql2 and the postgresql adapters.
//!
//! Key names as the adapters document them: mysql2 takes `sslca`,
//! `sslcert`, `sslkey`, `ssl_mode` and `sslverify`
//! (<https://github.com/brianmario/mysql2#ssl-options>; `sslverify: true` is
//! what makes MariaDB Connector/C check the host name,
//! <https://github.com/brianmario/mysql2/issues/879>); the postgresql
//! adapter passes `sslmode`, `sslrootcert`, `sslcert` and `sslkey` to libpq
//! (<https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS>).

use super::settings::{Bundle, Config, Input, Role, Section, Setting};
use super::text::{no_control, path_text};
use crate::error::Result;

const FILE: &str = "config/database.yml";

/// A YAML double-quoted scalar; control characters are refused rather
/// than escaped, as in every other settings file. Rails runs database.yml
/// through ERB before YAML, so `<%` is written as ERB's literal `<%%`,
/// which ERB turns back into `<%`: the value reads back unchanged and no
/// code in it runs.
pub fn yaml_string(what: &str, value: &str) -> Result<String> {
    no_control(what, value, FILE)?;
    Ok(format!(
        "\"{}\"",
        value
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace("<%", "<%%")
    ))
}

/// The two adapters and the keys each takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Adapter {
    Mysql2,
    Postgresql,
}

impl Adapter {
    pub fn name(self) -> &'static str {
        match self {
            Adapter::Mysql2 => "mysql2",
            Adapter::Postgresql => "postgresql",
        }
    }

    /// (key, value, quoted?) for `user` connecting to `server`, at `port`
    /// and to `database` when they are given.
    fn keys(
        self,
        server: &str,
        user: &Bundle,
        port: Option<u16>,
        database: Option<&str>,
    ) -> Result<Vec<(&'static str, String, bool)>> {
        let f = &user.files;
        let p = |what, path| path_text(what, path, FILE).map(str::to_string);
        let mut keys = vec![
            ("adapter", self.name().to_string(), false),
            ("host", server.to_string(), true),
        ];
        keys.extend(port.map(|p| ("port", p.to_string(), false)));
        keys.push(("username", user.name.clone(), true));
        keys.extend(database.map(|d| ("database", d.to_string(), true)));
        match self {
            Adapter::Mysql2 => keys.extend([
                ("sslca", p("sslca", &f.ca)?, true),
                ("sslcert", p("sslcert", &f.certificate)?, true),
                ("sslkey", p("sslkey", &f.key)?, true),
                ("ssl_mode", "verify_identity".into(), false),
                ("sslverify", "true".into(), false),
            ]),
            Adapter::Postgresql => keys.extend([
                ("sslmode", "verify-full".into(), false),
                ("sslrootcert", p("sslrootcert", &f.ca)?, true),
                ("sslcert", p("sslcert", &f.certificate)?, true),
                ("sslkey", p("sslkey", &f.key)?, true),
            ]),
        }
        Ok(keys)
    }

    /// The `production:` entry for `user`, at `port` and to `database` when
    /// they are given.
    pub fn section(
        self,
        server: &str,
        user: &Bundle,
        port: Option<u16>,
        database: Option<&str>,
    ) -> Result<Section> {
        let mut text = String::from("production:\n");
        let mut settings = Vec::new();
        for (key, value, quoted) in self.keys(server, user, port, database)? {
            let written = if quoted {
                yaml_string(key, &value)?
            } else {
                value.clone()
            };
            text.push_str(&format!("  {key}: {written}\n"));
            settings.push(Setting::new(key, value));
        }
        Ok(Section {
            role: Role::Client,
            user: Some(user.name.clone()),
            file: FILE.into(),
            comment: format!(
                "{FILE} of an application connecting as {} with the {} adapter",
                user.name,
                self.name()
            ),
            settings,
            text,
        })
    }
}

pub fn config(input: &Input<'_>) -> Result<Config> {
    let mut config = Config::default();
    for user in input.users {
        for adapter in [Adapter::Mysql2, Adapter::Postgresql] {
            config.sections.push(adapter.section(
                &input.server.name,
                user,
                input.port,
                input.database,
            )?);
        }
    }
    config.notes.push(
        "mysql2 is the adapter for MySQL, MariaDB and SingleStore; postgresql for PostgreSQL. \
         The password, if any, goes beside these keys, and the database unless --database named it"
            .into(),
    );
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{names, sample};

    #[test]
    fn database_yml_uses_each_adapters_documented_keys() {
        sample(|input| {
            let c = config(input).unwrap();
            assert_eq!(
                names(&c.sections[0]),
                [
                    "adapter",
                    "host",
                    "username",
                    "sslca",
                    "sslcert",
                    "sslkey",
                    "ssl_mode",
                    "sslverify"
                ]
            );
            assert_eq!(
                names(&c.sections[1]),
                [
                    "adapter",
                    "host",
                    "username",
                    "sslmode",
                    "sslrootcert",
                    "sslcert",
                    "sslkey"
                ]
            );
            assert!(
                c.sections[0]
                    .text
                    .contains("  ssl_mode: verify_identity\n  sslverify: true\n")
            );
            assert!(c.sections[1].text.contains(
                "  sslmode: verify-full\n  sslrootcert: \"/pki/users/app/ca-cert.pem\"\n"
            ));
        });
    }

    #[test]
    fn yaml_strings_escape_quotes_and_backslashes() {
        assert_eq!(
            yaml_string("k", r#"/a"b\c #d"#).unwrap(),
            r#""/a\"b\\c #d""#
        );
        assert!(yaml_string("k", "a\nb").is_err());
    }

    #[test]
    fn yaml_strings_hold_erb_tags_literally() {
        assert_eq!(
            yaml_string("k", "/a<%=`id`%>/<%%b%>").unwrap(),
            "\"/a<%%=`id`%>/<%%%b%>\""
        );
    }
}
