//! The settings of one target as data: the bundles they are made from, each
//! file's settings, the SQL, and how each user connects.

use std::path::{Path, PathBuf};

use serde::Serialize;

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
    /// Where `certgen keystore` wrote the bundle's keystores, for the
    /// drivers that read no PEM keys (JDBC).
    pub keystore_dir: Option<PathBuf>,
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
            keystore_dir: None,
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

impl Require {
    /// The clause's keyword, as the SQL says it.
    pub fn keyword(self) -> &'static str {
        match self {
            Require::Ssl => "SSL",
            Require::X509 => "X509",
            Require::Subject => "SUBJECT",
        }
    }
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
    /// SingleStore's own choices; the other targets take the default.
    pub singlestore: Singlestore,
    /// The port clients connect to, when not the database's own.
    pub port: Option<u16>,
    /// The database clients connect to, when named.
    pub database: Option<&'a str>,
}

/// What `config singlestore` sets up besides the certificates, as its
/// guide describes the choices (see [`crate::db::singlestore`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Singlestore {
    /// TLS for clients on the aggregators only, not between the nodes: no
    /// `ssl_ca`, and the settings only on the master and child aggregators.
    pub aggregators_only: bool,
    /// Existing accounts without a certificate that must log in over TLS
    /// (`ALTER USER ... REQUIRE SSL`), such as root, which `ADD AGGREGATOR`,
    /// `ADD LEAF` and SingleStore Tools log in as.
    pub tls_accounts: Vec<String>,
    /// MemSQL Ops serves its web UI with the server certificate too.
    pub ops: bool,
    /// What turns TLS off again, instead of on.
    pub disable: bool,
}

/// What the MySQL-family SQL does.
pub const REQUIRE_COMMENT: &str = "each account logs in only over TLS, as --require says";

/// The settings for one target, as data: each file's settings with the
/// text to paste, the SQL, the shell commands and how each user connects.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Config {
    pub sections: Vec<Section>,
    pub sql: Vec<String>,
    /// What the SQL does, as one phrase for the comment above it.
    #[serde(skip)]
    pub sql_comment: String,
    /// Shell commands for the server's administrator.
    pub commands: Vec<String>,
    pub clients: Vec<Client>,
    /// What each driver needs to connect as each user.
    pub drivers: Vec<Driver>,
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

/// The kinds of client whose settings `config --client` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientKind {
    /// The command-line client (`mysql`, `mariadb`, `psql`).
    Cli,
    /// libpq's connection strings, keywords and URI.
    Libpq,
    Jdbc,
    Node,
    Python,
    Go,
    Dotnet,
    /// Rails' `database.yml`.
    Rails,
}

impl ClientKind {
    pub const ALL: [ClientKind; 8] = [
        ClientKind::Cli,
        ClientKind::Libpq,
        ClientKind::Jdbc,
        ClientKind::Node,
        ClientKind::Python,
        ClientKind::Go,
        ClientKind::Dotnet,
        ClientKind::Rails,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ClientKind::Cli => "cli",
            ClientKind::Libpq => "libpq",
            ClientKind::Jdbc => "jdbc",
            ClientKind::Node => "node",
            ClientKind::Python => "python",
            ClientKind::Go => "go",
            ClientKind::Dotnet => "dotnet",
            ClientKind::Rails => "rails",
        }
    }
}

/// What one driver needs to connect as one user, with the server's
/// certificate verified (its CA and its name) and the user's certificate
/// presented.
#[derive(Clone, Debug, Serialize)]
pub struct Driver {
    pub user: String,
    pub client: ClientKind,
    /// The driver, as its package is named (`mysql2`, `psycopg`,
    /// `github.com/jackc/pgx`, `org.postgresql:postgresql`, ...).
    pub driver: &'static str,
    /// The product, for sentences (`Node.js mysql2`).
    #[serde(skip)]
    pub title: &'static str,
    /// What `text` is written in: `shell`, `conninfo`, `uri`, `javascript`,
    /// `python`, `go`, `csharp`, `java` or `yaml`.
    pub language: &'static str,
    /// The settings as the driver names them, values unquoted; a `value`
    /// of `None` is one the application supplies (a keystore password).
    pub settings: Vec<Setting>,
    /// The URL, DSN or connection string, for drivers that take one.
    pub connection_string: Option<String>,
    /// The code or text to paste, quoted for its language.
    pub text: String,
}
