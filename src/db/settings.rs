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
