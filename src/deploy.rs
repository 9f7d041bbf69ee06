//! Deploying a bundle where a database server or client looks for it: the
//! layouts (which file names each one expects).

use std::fmt;

use crate::issue::Kind;
use crate::store;

/// How the three files of a deployed bundle are named.
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
            (Layout::Plain, Kind::Server) => {
                (store::CA_CERT, store::SERVER_CERT, store::SERVER_KEY)
            }
            (Layout::Plain, Kind::User) => (store::CA_CERT, store::CLIENT_CERT, store::CLIENT_KEY),
            (Layout::Mysql, Kind::Server) => ("ca.pem", store::SERVER_CERT, store::SERVER_KEY),
            (Layout::Mysql, Kind::User) => ("ca.pem", store::CLIENT_CERT, store::CLIENT_KEY),
            (Layout::Postgres, Kind::Server) => ("root.crt", "server.crt", "server.key"),
            (Layout::Postgres, Kind::User) => ("root.crt", "postgresql.crt", "postgresql.key"),
            (Layout::Engineyard, _) => ("root.crt", "mysql.crt", "mysql.key"),
        };
        FileNames { ca, cert, key }
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_each_layout_names_three_distinct_files() {
        for layout in Layout::ALL {
            assert_eq!(Layout::from_name(layout.name()), Some(layout));
            for kind in [Kind::Server, Kind::User] {
                let n = layout.file_names(kind);
                assert!(n.ca != n.cert && n.cert != n.key && n.ca != n.key);
            }
        }
        assert_eq!(Layout::from_name("Plain"), None);
    }

    #[test]
    fn postgres_and_engineyard_use_the_names_clients_look_for() {
        let pg = Layout::Postgres.file_names(Kind::User);
        assert_eq!(
            (pg.ca, pg.cert, pg.key),
            ("root.crt", "postgresql.crt", "postgresql.key")
        );
        let pg = Layout::Postgres.file_names(Kind::Server);
        assert_eq!((pg.cert, pg.key), ("server.crt", "server.key"));
        let ey = Layout::Engineyard.file_names(Kind::User);
        assert_eq!(
            (ey.ca, ey.cert, ey.key),
            ("root.crt", "mysql.crt", "mysql.key")
        );
    }
}
