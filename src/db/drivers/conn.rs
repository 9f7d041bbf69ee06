//! One user's connection to one server, as every driver's settings are
//! made from it: the values checked once to be text a settings file or a
//! program can hold.

use std::path::Path;

use super::super::database::Database;
use super::super::settings::{Bundle, Input};
use super::super::text::{no_control, path_text};
use crate::error::Result;

/// What the driver settings are called in errors about a value they cannot hold.
pub const WHERE: &str = "the driver settings";

/// Which protocol the drivers speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// MySQL's, which MariaDB and SingleStore speak too.
    Mysql,
    Postgres,
}

/// One user connecting to one server: every value is UTF-8 text without
/// control characters.
#[derive(Clone, Debug)]
pub struct Conn<'a> {
    pub protocol: Protocol,
    /// The server's name, which the drivers check its certificate against.
    pub host: &'a str,
    pub port: u16,
    pub user: &'a str,
    /// The database: for PostgreSQL, the user's name unless one is given
    /// (libpq's default, made explicit).
    pub database: Option<&'a str>,
    pub ca: &'a str,
    pub cert: &'a str,
    pub key: &'a str,
    /// The directory `certgen keystore` wrote the user's keystores to.
    pub keystore_dir: Option<&'a str>,
}

impl<'a> Conn<'a> {
    pub fn new(database: Database, input: &'a Input<'a>, user: &'a Bundle) -> Result<Conn<'a>> {
        let protocol = match database {
            Database::Postgres => Protocol::Postgres,
            _ => Protocol::Mysql,
        };
        let text = |what: &str, value: &'a str| -> Result<&'a str> {
            no_control(what, value, WHERE)?;
            Ok(value)
        };
        let path =
            |what: &str, p: &'a Path| -> Result<&'a str> { text(what, path_text(what, p, WHERE)?) };
        let f = &user.files;
        Ok(Conn {
            protocol,
            host: text("server name", &input.server.name)?,
            port: input.port.unwrap_or(database.default_port()),
            user: text("user", &user.name)?,
            database: match (input.database, protocol) {
                (Some(db), _) => Some(text("database", db)?),
                (None, Protocol::Postgres) => Some(&user.name),
                (None, Protocol::Mysql) => None,
            },
            ca: path("CA file", &f.ca)?,
            cert: path("certificate", &f.certificate)?,
            key: path("key", &f.key)?,
            keystore_dir: match &user.keystore_dir {
                Some(dir) => Some(path("keystore directory", dir)?),
                None => None,
            },
        })
    }

    /// `host:port`, an IPv6 address in brackets, as URLs and Go's
    /// addresses write it.
    pub fn host_port(&self) -> String {
        format!("{}:{}", self.url_host(), self.port)
    }

    /// The host as a URL writes it: an IPv6 address in brackets.
    pub fn url_host(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.to_string()
        }
    }
}

/// A user whose name and files need quoting everywhere, for the tests.
#[cfg(test)]
pub(crate) fn awkward(protocol: Protocol) -> Conn<'static> {
    Conn {
        protocol,
        host: "db.example.com",
        port: if protocol == Protocol::Postgres {
            5433
        } else {
            3307
        },
        user: "é+1@x",
        database: (protocol == Protocol::Postgres).then_some("é+1@x"),
        ca: "/srv/o'b \"q\" \\x é/ca-cert.pem",
        cert: "/srv/o'b \"q\" \\x é/client-cert.pem",
        key: "/srv/o'b \"q\" \\x é/client-key.pem",
        keystore_dir: Some("/srv/ks o'b"),
    }
}
