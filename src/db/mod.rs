//! What each database needs to use the certificates: its settings and its SQL,
//! built from the bundles, so the binary only prints them.

pub mod account;
mod database;
pub mod drivers;
pub mod manticore;
pub mod mysql;
pub mod postgres;
pub mod rails;
mod settings;
pub mod singlestore;
mod text;

pub use database::{Database, Reload};
pub use settings::{
    Bundle, BundleFiles, Client, ClientKind, Config, Driver, Input, Require, Role, Section, Setting,
};
pub use text::shell_quote;

use crate::error::Result;

/// What `config` and `setup` print settings for: a database server, or the
/// Rails `database.yml` of an application that connects to one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Mysql,
    Mariadb,
    Singlestore,
    Manticore,
    Postgres,
    Rails,
}

impl Target {
    /// The server whose reload statement applies, when there is one.
    pub fn database(self) -> Option<Database> {
        match self {
            Target::Mysql => Some(Database::Mysql),
            Target::Mariadb => Some(Database::Mariadb),
            Target::Singlestore => Some(Database::Singlestore),
            Target::Manticore => Some(Database::Manticore),
            Target::Postgres => Some(Database::Postgres),
            Target::Rails => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self.database() {
            Some(db) => db.name(),
            None => "rails",
        }
    }

    /// The `REQUIRE` clause printed when none is asked for, or `None` when the
    /// target has no SQL accounts to tie to certificates (PostgreSQL's
    /// pg_hba.conf `cert` lines do that instead).
    pub fn default_require(self) -> Option<Require> {
        match self {
            Target::Mysql | Target::Mariadb => Some(Require::Subject),
            Target::Singlestore => Some(Require::Ssl),
            Target::Manticore | Target::Postgres | Target::Rails => None,
        }
    }

    /// Whether the settings hold SQL for each user: the accounts of MySQL,
    /// MariaDB and SingleStore, PostgreSQL's roles.
    pub fn has_sql(self) -> bool {
        !matches!(self, Target::Manticore | Target::Rails)
    }

    /// Whether drivers connect to the target with a user's certificate, so
    /// that there are driver settings to print: not to Manticore, which
    /// checks no client certificate, nor Rails, a client itself.
    pub fn has_drivers(self) -> bool {
        !matches!(self, Target::Manticore | Target::Rails)
    }

    /// The settings, statements and commands for `input`. Every path and
    /// name is checked to be writable in the file it goes to: an `Err` names
    /// the value that is not, and nothing should have been written.
    pub fn config(self, input: &Input<'_>) -> Result<Config> {
        let mut config = match self {
            Target::Mysql => mysql::config(mysql::Flavor::Mysql, input)?,
            Target::Mariadb => mysql::config(mysql::Flavor::Mariadb, input)?,
            Target::Singlestore => singlestore::config(input)?,
            Target::Manticore => manticore::config(input)?,
            Target::Postgres => postgres::config(input)?,
            Target::Rails => rails::config(input)?,
        };
        config.reload = self.database().map(|db| db.reload().to_string());
        if let Some(db) = self.database().filter(|_| self.has_drivers()) {
            for user in input.users {
                let command = config
                    .clients
                    .iter()
                    .find(|c| c.user == user.name)
                    .and_then(|c| c.command.as_deref());
                config
                    .drivers
                    .extend(drivers::all::drivers(db, input, user, command)?);
            }
        }
        Ok(config)
    }
}

/// A server and one user, for the modules' tests.
#[cfg(test)]
pub(crate) fn sample(test: impl FnOnce(&Input<'_>)) {
    let files = |dir: &str, cert: &str, key: &str| BundleFiles {
        certificate: std::path::PathBuf::from(format!("{dir}/{cert}")),
        key: std::path::PathBuf::from(format!("{dir}/{key}")),
        ca: std::path::PathBuf::from(format!("{dir}/ca-cert.pem")),
    };
    let server = Bundle {
        name: "db.example.com".into(),
        subject: "/CN=db.example.com".into(),
        issuer: "/CN=CA".into(),
        files: files("/pki/servers/db", "server-cert.pem", "server-key.pem"),
        keystore_dir: None,
    };
    let users = [Bundle {
        name: "app".into(),
        subject: "/CN=app".into(),
        issuer: "/CN=CA".into(),
        files: files("/pki/users/app", "client-cert.pem", "client-key.pem"),
        keystore_dir: None,
    }];
    test(&Input {
        server: &server,
        users: &users,
        crl: None,
        require: None,
        sql_host: "%",
        port: None,
        database: None,
    });
}

/// The names of a section's settings, in order.
#[cfg(test)]
pub(crate) fn names(section: &Section) -> Vec<&str> {
    section.settings.iter().map(|s| s.name.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for db in Database::ALL {
            assert_eq!(Database::from_name(db.name()), Some(db));
        }
        assert_eq!(Database::from_name("MySQL"), None);
    }

    #[test]
    fn reload_statements_are_each_servers_own() {
        assert_eq!(Database::Mariadb.reload().to_string(), "FLUSH SSL;");
        assert_eq!(
            Database::Mysql.reload().to_string(),
            "ALTER INSTANCE RELOAD TLS;"
        );
        assert_eq!(
            Database::Postgres.reload().to_string(),
            "SELECT pg_reload_conf();"
        );
        assert!(matches!(Database::Manticore.reload(), Reload::Restart(_)));
        assert!(matches!(Database::Singlestore.reload(), Reload::Restart(_)));
    }

    #[test]
    fn shell_words_survive_sh() {
        for word in [
            "plain/path.pem",
            "/srv/a #b",
            "it's",
            "",
            "$(rm -rf /)",
            "a\\b",
        ] {
            let out = std::process::Command::new("sh")
                .args(["-c", &format!("printf %s {}", shell_quote(word))])
                .output()
                .unwrap();
            assert_eq!(String::from_utf8(out.stdout).unwrap(), word);
        }
    }
}
