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
pub mod singlestore_tools;
mod text;

pub use database::{Database, Reload};
pub use settings::{
    Bundle, BundleFiles, Client, ClientKind, Config, Driver, Input, Require, Role, Section,
    Setting, Singlestore,
};
pub use text::shell_quote;

use crate::error::{Error, Result};

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

    /// The clauses the target's accounts can be tied to TLS with.
    pub fn requires(self) -> &'static [Require] {
        match self {
            Target::Mysql | Target::Mariadb => &[Require::Ssl, Require::X509, Require::Subject],
            Target::Singlestore => &singlestore::REQUIRES,
            Target::Manticore | Target::Postgres | Target::Rails => &[],
        }
    }

    /// What the accounts' SQL requires: `asked`, or the target's default;
    /// `None` for a target without SQL accounts. The one answer for
    /// `config`, `setup` and `issue-client`: a clause the target cannot
    /// take is refused, never printed.
    pub fn require(self, asked: Option<Require>) -> Result<Option<Require>> {
        let Some(asked) = asked else {
            return Ok(self.default_require());
        };
        let takes = self.requires();
        if takes.is_empty() {
            return Err(Error::NoSqlAccounts {
                target: self.name(),
            });
        }
        if !takes.contains(&asked) {
            let keywords: Vec<&str> = takes.iter().map(|r| r.keyword()).collect();
            return Err(Error::RequireUnsupported {
                target: self.database().map_or("rails", Database::title),
                clause: asked.keyword(),
                takes: keywords.join(" or "),
            });
        }
        Ok(Some(asked))
    }

    /// The statement that ties `user`'s account at `host` to TLS as
    /// `require` says, as `config` prints it for the account and
    /// `issue-client` for a new certificate; `None` for a target without
    /// SQL accounts.
    pub fn require_statement(
        self,
        user: &Bundle,
        host: &str,
        require: Require,
    ) -> Result<Option<String>> {
        if self.requires().is_empty() {
            return Ok(None);
        }
        self.require(Some(require))?;
        Ok(Some(match self {
            Target::Singlestore => singlestore::require_statement(user, host, require),
            _ => mysql::require_statement(user, host, require),
        }))
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
        self.require(input.require)?;
        let mut config = match self {
            Target::Mysql => mysql::config(mysql::Flavor::Mysql, input)?,
            Target::Mariadb => mysql::config(mysql::Flavor::Mariadb, input)?,
            Target::Singlestore => singlestore::config(input)?,
            Target::Manticore => manticore::config(input)?,
            Target::Postgres => postgres::config(input)?,
            Target::Rails => rails::config(input)?,
        };
        // Turning TLS off leaves no certificate to reload, and no driver
        // settings to print.
        let enabling = !input.singlestore.disable;
        config.reload = self
            .database()
            .filter(|_| enabling)
            .map(|db| db.reload().to_string());
        if let Some(db) = self.database().filter(|_| enabling && self.has_drivers()) {
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
        singlestore: Singlestore::default(),
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
    fn what_an_account_can_require_is_decided_once() {
        use Require::*;
        assert_eq!(Target::Singlestore.require(None).unwrap(), Some(Ssl));
        assert_eq!(Target::Mariadb.require(None).unwrap(), Some(Subject));
        assert_eq!(Target::Postgres.require(None).unwrap(), None);
        let err = Target::Singlestore.require(Some(Subject)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "SingleStore accounts cannot REQUIRE SUBJECT: they take REQUIRE SSL or X509"
        );
        assert!(matches!(
            Target::Postgres.require(Some(Ssl)),
            Err(Error::NoSqlAccounts { target: "postgres" })
        ));
        sample(|input| {
            let user = &input.users[0];
            assert!(
                Target::Singlestore
                    .require_statement(user, "%", Subject)
                    .is_err()
            );
            assert!(
                Target::Singlestore
                    .config(&Input {
                        require: Some(Subject),
                        ..input.clone()
                    })
                    .is_err()
            );
            // The statement config prints for the account is the one
            // issue-client prints.
            for target in [Target::Mysql, Target::Singlestore] {
                for &require in target.requires() {
                    let config = target
                        .config(&Input {
                            require: Some(require),
                            ..input.clone()
                        })
                        .unwrap();
                    let one = target.require_statement(user, "%", require).unwrap();
                    assert!(config.sql.contains(&one.unwrap()), "{target:?} {require:?}");
                }
            }
            assert_eq!(
                Target::Manticore.require_statement(user, "%", Ssl).unwrap(),
                None
            );
        });
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
