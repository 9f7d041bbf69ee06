//! What each database needs to use the certificates: its settings and its SQL,
//! built from the bundles, so the binary only prints them.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::{Error, Result};

pub mod manticore;
pub mod mysql;
pub mod postgres;
pub mod rails;
pub mod singlestore;

/// A database server certgen makes certificates for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Database {
    Mysql,
    Mariadb,
    Singlestore,
    Manticore,
    Postgres,
}

/// How a running server picks up a renewed certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reload {
    /// A statement run by an administrator, without a restart.
    Sql(&'static str),
    /// The server reads its certificate only when it starts.
    Restart(&'static str),
}

impl fmt::Display for Reload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reload::Sql(statement) => f.write_str(statement),
            Reload::Restart(how) => write!(f, "restart the server ({how})"),
        }
    }
}

impl Database {
    pub const ALL: [Database; 5] = [
        Database::Mysql,
        Database::Mariadb,
        Database::Singlestore,
        Database::Manticore,
        Database::Postgres,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Database::Mysql => "mysql",
            Database::Mariadb => "mariadb",
            Database::Singlestore => "singlestore",
            Database::Manticore => "manticore",
            Database::Postgres => "postgres",
        }
    }

    /// The product's own spelling, for sentences.
    pub fn title(self) -> &'static str {
        match self {
            Database::Mysql => "MySQL",
            Database::Mariadb => "MariaDB",
            Database::Singlestore => "SingleStore",
            Database::Manticore => "Manticore",
            Database::Postgres => "PostgreSQL",
        }
    }

    pub fn from_name(name: &str) -> Option<Database> {
        Database::ALL.into_iter().find(|d| d.name() == name)
    }

    /// What makes the running server serve a renewed certificate: MariaDB
    /// (10.4+) `FLUSH SSL`, MySQL (8.0.16+) `ALTER INSTANCE RELOAD TLS`,
    /// PostgreSQL `pg_reload_conf()`; SingleStore and Manticore read their
    /// certificates only at start.
    pub fn reload(self) -> Reload {
        match self {
            Database::Mysql => Reload::Sql("ALTER INSTANCE RELOAD TLS;"),
            Database::Mariadb => Reload::Sql("FLUSH SSL;"),
            Database::Postgres => Reload::Sql("SELECT pg_reload_conf();"),
            Database::Singlestore => Reload::Restart("sdb-admin restart-node --all"),
            Database::Manticore => Reload::Restart("systemctl restart manticore"),
        }
    }

    /// The port the server listens on unless configured otherwise (for
    /// Manticore, its MySQL-protocol listener).
    pub fn default_port(self) -> u16 {
        match self {
            Database::Mysql | Database::Mariadb | Database::Singlestore => 3306,
            Database::Manticore => 9306,
            Database::Postgres => 5432,
        }
    }
}

impl fmt::Display for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

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
        Ok(config)
    }
}

/// Where a bundle's three files are, as the database will read them.
#[derive(Clone, Debug, Serialize)]
pub struct BundleFiles {
    pub certificate: PathBuf,
    pub key: PathBuf,
    pub ca: PathBuf,
}

/// A server or user bundle as the settings need it.
#[derive(Clone, Debug)]
pub struct Bundle {
    pub name: String,
    /// The one-line subject and issuer MySQL and MariaDB compare.
    pub subject: String,
    pub issuer: String,
    pub files: BundleFiles,
}

impl Bundle {
    /// A bundle in the PKI directory, its paths made absolute.
    pub fn from_leaf(leaf: &crate::bundle::LeafIssued) -> Bundle {
        let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        Bundle {
            name: leaf.name.clone(),
            subject: leaf.issued.cert.subject.clone(),
            issuer: leaf.issued.cert.issuer.clone(),
            files: BundleFiles {
                certificate: absolute(&leaf.cert_path),
                key: absolute(&leaf.key_path),
                ca: absolute(&leaf.ca_path),
            },
        }
    }
}

/// How `ALTER USER` ties an account to TLS: any TLS connection, any
/// certificate from a CA the server trusts, or this user's certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Require {
    Ssl,
    X509,
    Subject,
}

/// Everything the settings are made from.
#[derive(Clone, Debug)]
pub struct Input<'a> {
    pub server: &'a Bundle,
    pub users: &'a [Bundle],
    /// The CRL the server checks client certificates against, when there is one.
    pub crl: Option<&'a Path>,
    pub require: Option<Require>,
    /// The host part of the accounts in the SQL.
    pub sql_host: &'a str,
}

/// The settings for one target, as data: each file's settings with the
/// text to paste, the SQL, the shell commands and how each user connects.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Config {
    pub sections: Vec<Section>,
    pub sql: Vec<String>,
    /// Shell commands for the server's administrator.
    pub commands: Vec<String>,
    pub clients: Vec<Client>,
    pub notes: Vec<String>,
    /// What makes the running server pick up a renewed certificate.
    pub reload: Option<String>,
}

/// Settings that go into one file.
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    /// `server` or `client`.
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The file the settings go into (`postgresql.conf`, `~/.my.cnf` ...).
    pub file: String,
    /// Where the text goes and what it is for, as one sentence.
    pub comment: String,
    /// The settings as values, unquoted.
    pub settings: Vec<Setting>,
    /// The text to paste into `file`, quoted as that file needs.
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Server,
    Client,
}

/// One setting; a `value` of `None` is a bare flag (`ssl-verify-server-cert`).
#[derive(Clone, Debug, Serialize)]
pub struct Setting {
    pub name: String,
    pub value: Option<String>,
}

impl Setting {
    pub fn new(name: &str, value: impl Into<String>) -> Setting {
        Setting {
            name: name.into(),
            value: Some(value.into()),
        }
    }

    pub fn flag(name: &str) -> Setting {
        Setting {
            name: name.into(),
            value: None,
        }
    }
}

/// How one user connects.
#[derive(Clone, Debug, Serialize)]
pub struct Client {
    pub user: String,
    /// A shell command line that connects as the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// A libpq connection string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_string: Option<String>,
}

/// A path as text, refused when it is not UTF-8: a settings file holds text.
pub(crate) fn path_text<'p>(what: &str, path: &'p Path, file: &'static str) -> Result<&'p str> {
    path.to_str().ok_or_else(|| Error::UnsafeConfigValue {
        what: what.to_string(),
        value: path.display().to_string(),
        file,
        reason: "it is not valid UTF-8",
    })
}

/// Refuses control characters (a newline would start a new setting), in
/// every file format.
pub(crate) fn no_control(what: &str, value: &str, file: &'static str) -> Result<()> {
    if value.chars().any(char::is_control) {
        return Err(Error::UnsafeConfigValue {
            what: what.to_string(),
            value: value.to_string(),
            file,
            reason: "it holds a control character (such as a newline)",
        });
    }
    Ok(())
}

/// A word for a POSIX shell: single-quoted unless it is plainly safe.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:@%+,".contains(&b));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A server and one user, for the modules' tests.
#[cfg(test)]
pub(crate) fn sample(test: impl FnOnce(&Input<'_>)) {
    let files = |dir: &str, cert: &str, key: &str| BundleFiles {
        certificate: PathBuf::from(format!("{dir}/{cert}")),
        key: PathBuf::from(format!("{dir}/{key}")),
        ca: PathBuf::from(format!("{dir}/ca-cert.pem")),
    };
    let server = Bundle {
        name: "db.example.com".into(),
        subject: "/CN=db.example.com".into(),
        issuer: "/CN=CA".into(),
        files: files("/pki/servers/db", "server-cert.pem", "server-key.pem"),
    };
    let users = [Bundle {
        name: "app".into(),
        subject: "/CN=app".into(),
        issuer: "/CN=CA".into(),
        files: files("/pki/users/app", "client-cert.pem", "client-key.pem"),
    }];
    test(&Input {
        server: &server,
        users: &users,
        crl: None,
        require: None,
        sql_host: "%",
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
