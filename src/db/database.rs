//! The database servers certgen makes certificates for, and how each picks
//! up a renewed certificate.

use std::fmt;

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

    /// The command-line client the printed commands run: MariaDB's own,
    /// else MySQL's (which SingleStore and Manticore document), and psql.
    pub fn client(self) -> &'static str {
        match self {
            Database::Mariadb => "mariadb",
            Database::Mysql | Database::Singlestore | Database::Manticore => "mysql",
            Database::Postgres => "psql",
        }
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

    /// The command an administrator runs on the database's own machine to
    /// make it serve a renewed certificate, with the client and account a
    /// Debian or RHEL server has for root: MariaDB's and MySQL's clients
    /// log root in through the Unix socket; PostgreSQL's administrator is
    /// the postgres user; SingleStore and Manticore restart.
    pub fn reload_command(self) -> &'static str {
        match self {
            Database::Mysql => "mysql -e 'ALTER INSTANCE RELOAD TLS'",
            Database::Mariadb => "mariadb -e 'FLUSH SSL'",
            Database::Postgres => "runuser -u postgres -- psql -XAtqc 'SELECT pg_reload_conf()'",
            Database::Singlestore => "sdb-admin restart-node --all --yes",
            Database::Manticore => "systemctl restart manticore",
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
