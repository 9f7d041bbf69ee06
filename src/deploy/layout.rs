//! The layouts a bundle is deployed in: which file names each database or
//! client looks for.

use std::fmt;

use crate::kind::{CLIENT_CERT, CLIENT_KEY, Kind, SERVER_CERT, SERVER_KEY};
use crate::store::CA_CERT;

/// How the files of a deployed bundle are named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Layout {
    /// The names of the PKI directory: `ca-cert.pem`, `server-cert.pem`,
    /// `server-key.pem` (`client-*.pem` for a user).
    #[default]
    Plain,
    /// The names MySQL generates in its data directory: `ca.pem`,
    /// `server-cert.pem`, `server-key.pem`, `client-cert.pem`, `client-key.pem`.
    Mysql,
    /// libpq's names: `root.crt`, `postgresql.crt`, `postgresql.key` in a
    /// user's `~/.postgresql/`; `root.crt`, `server.crt`, `server.key` for a
    /// server.
    Postgres,
    /// The Engine Yard `~/.mysql/` convention that a Rails `database.yml`
    /// (`sslca`, `sslcert`, `sslkey`) points at: `root.crt`, `mysql.crt`,
    /// `mysql.key`.
    Engineyard,
}

/// The file names of one deployed bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileNames {
    pub ca: &'static str,
    pub cert: &'static str,
    pub key: &'static str,
    /// The CRL file, deployed with the bundle when the PKI has one:
    /// `crl.pem`, or `root.crl` where libpq looks for it (`~/.postgresql/`).
    pub crl: &'static str,
}

impl FileNames {
    /// The name of the file of `role`.
    pub fn of(&self, role: Role) -> &'static str {
        match role {
            Role::Ca => self.ca,
            Role::Certificate => self.cert,
            Role::Key => self.key,
            Role::Crl => self.crl,
        }
    }
}

impl Layout {
    pub const ALL: [Layout; 4] = [
        Layout::Plain,
        Layout::Mysql,
        Layout::Postgres,
        Layout::Engineyard,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Layout::Plain => "plain",
            Layout::Mysql => "mysql",
            Layout::Postgres => "postgres",
            Layout::Engineyard => "engineyard",
        }
    }

    pub fn from_name(name: &str) -> Option<Layout> {
        Layout::ALL.into_iter().find(|l| l.name() == name)
    }

    /// The names a bundle of `kind` gets in this layout.
    pub fn file_names(self, kind: Kind) -> FileNames {
        let (ca, cert, key) = match (self, kind) {
            (Layout::Plain, Kind::Server) => (CA_CERT, SERVER_CERT, SERVER_KEY),
            (Layout::Plain, Kind::User) => (CA_CERT, CLIENT_CERT, CLIENT_KEY),
            (Layout::Mysql, Kind::Server) => ("ca.pem", SERVER_CERT, SERVER_KEY),
            (Layout::Mysql, Kind::User) => ("ca.pem", CLIENT_CERT, CLIENT_KEY),
            (Layout::Postgres, Kind::Server) => ("root.crt", "server.crt", "server.key"),
            (Layout::Postgres, Kind::User) => ("root.crt", "postgresql.crt", "postgresql.key"),
            (Layout::Engineyard, _) => ("root.crt", "mysql.crt", "mysql.key"),
        };
        let crl = match self {
            Layout::Plain | Layout::Mysql => crate::crl::CRL_FILE,
            Layout::Postgres | Layout::Engineyard => "root.crl",
        };
        FileNames { ca, cert, key, crl }
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a deployed file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Ca,
    Certificate,
    Key,
    Crl,
}
