//! The options `config` and `setup` share, and what they check: which
//! database the settings are for, how accounts are tied to certificates,
//! where the database finds the files, and whether a bundle may be pointed at.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::ValueEnum;

use certgen::bundle::LeafIssued;
use certgen::db::{self, Bundle, BundleFiles, ClientKind, Config, Require, Singlestore, Target};
use certgen::deploy::Layout;
use certgen::index::Index;
use certgen::kind::Kind;
use certgen::{Store, crl};

use super::errors::refuse;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    Mysql,
    Mariadb,
    Singlestore,
    Manticore,
    Postgres,
    /// The database.yml of a Rails application (mysql2 and postgresql adapters).
    Rails,
}

impl From<TargetArg> for Target {
    fn from(t: TargetArg) -> Target {
        match t {
            TargetArg::Mysql => Target::Mysql,
            TargetArg::Mariadb => Target::Mariadb,
            TargetArg::Singlestore => Target::Singlestore,
            TargetArg::Manticore => Target::Manticore,
            TargetArg::Postgres => Target::Postgres,
            TargetArg::Rails => Target::Rails,
        }
    }
}

/// The databases with SQL accounts, for `issue-client --db`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SqlDbArg {
    Mysql,
    Mariadb,
    Singlestore,
}

impl From<SqlDbArg> for Target {
    fn from(d: SqlDbArg) -> Target {
        match d {
            SqlDbArg::Mysql => Target::Mysql,
            SqlDbArg::Mariadb => Target::Mariadb,
            SqlDbArg::Singlestore => Target::Singlestore,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RequireArg {
    /// REQUIRE SSL: any TLS connection
    Ssl,
    /// REQUIRE X509: any certificate from a CA the server trusts
    X509,
    /// REQUIRE SUBJECT ... AND ISSUER ...: this user's certificate
    Subject,
}

/// A kind of client `--client` prints the settings of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ClientArg {
    /// The command-line client: mysql, mariadb or psql, over TCP
    Cli,
    /// libpq's connection string and URI (PostgreSQL)
    Libpq,
    /// MySQL Connector/J, MariaDB Connector/J, pgJDBC (needs --keystore-dir)
    Jdbc,
    /// Node.js mysql2, pg
    Node,
    /// Python PyMySQL, psycopg
    Python,
    /// Go go-sql-driver/mysql, pgx
    Go,
    /// .NET MySqlConnector, Npgsql
    Dotnet,
    /// Rails' database.yml (mysql2, postgresql adapters)
    Rails,
}

impl From<ClientArg> for ClientKind {
    fn from(c: ClientArg) -> ClientKind {
        match c {
            ClientArg::Cli => ClientKind::Cli,
            ClientArg::Libpq => ClientKind::Libpq,
            ClientArg::Jdbc => ClientKind::Jdbc,
            ClientArg::Node => ClientKind::Node,
            ClientArg::Python => ClientKind::Python,
            ClientArg::Go => ClientKind::Go,
            ClientArg::Dotnet => ClientKind::Dotnet,
            ClientArg::Rails => ClientKind::Rails,
        }
    }
}

impl From<RequireArg> for Require {
    fn from(r: RequireArg) -> Require {
        match r {
            RequireArg::Ssl => Require::Ssl,
            RequireArg::X509 => Require::X509,
            RequireArg::Subject => Require::Subject,
        }
    }
}

/// What `config` and `setup` share: how accounts are tied to certificates
/// and where the database finds the files.
#[derive(Debug, clap::Args)]
pub struct SettingsArgs {
    /// How the printed SQL ties each account to TLS [default: subject for
    /// mysql and mariadb, ssl for singlestore].
    #[arg(long, value_enum, value_name = "HOW")]
    require: Option<RequireArg>,
    /// The host part of the accounts in the printed SQL.
    #[arg(long, default_value = "%", value_name = "HOST")]
    pub sql_host: String,
    /// The server's files are in DIR, as `certgen deploy server NAME --to DIR`
    /// puts them, instead of in the PKI directory.
    #[arg(long, value_name = "DIR")]
    deploy_dir: Option<PathBuf>,
    /// The users' files are in DIR, as `certgen deploy user USER --to DIR`
    /// puts them; {user} in DIR stands for each user's name
    /// (e.g. '/home/{user}/.postgresql').
    #[arg(long, value_name = "DIR")]
    client_deploy_dir: Option<PathBuf>,
    /// The file names in --deploy-dir and --client-deploy-dir.
    #[arg(long, value_name = "LAYOUT", default_value = "plain",
          value_parser = ["plain", "mysql", "postgres", "engineyard"])]
    layout: String,
    /// TLS for clients on the aggregators only (the master and child
    /// aggregators), not between the nodes: no ssl_ca, and the sdb-admin
    /// commands for the aggregators' IDs.
    #[arg(long, help_heading = "SingleStore")]
    aggregators_only: bool,
    /// An existing account without a certificate that must log in over TLS
    /// (ALTER USER ... REQUIRE SSL), such as root, which ADD AGGREGATOR, ADD
    /// LEAF and SingleStore Tools log in as (repeatable, comma-separated).
    #[arg(
        long,
        value_name = "USER",
        value_delimiter = ',',
        help_heading = "SingleStore"
    )]
    tls_account: Vec<String>,
    /// Also serve MemSQL Ops' web UI with the server certificate
    /// (memsql-ops ssl-set-cert).
    #[arg(long, help_heading = "SingleStore")]
    ops: bool,
    /// The port clients connect to [default: the database's, 3306 or 5432].
    #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u16).range(1..))]
    pub port: Option<u16>,
    /// The database the drivers connect to [default: none for the MySQL
    /// family; for PostgreSQL the user's name, libpq's default].
    #[arg(long, value_name = "NAME")]
    pub database: Option<String>,
    /// The directory `certgen keystore user USER --out DIR` wrote each
    /// user's keystores to, for the JDBC settings; {user} in DIR stands for
    /// each user's name (e.g. '/home/{user}/jdbc').
    #[arg(long, value_name = "DIR")]
    keystore_dir: Option<PathBuf>,
    /// Print the settings of these clients, each verifying the server and
    /// presenting the user's certificate (repeatable, comma-separated)
    /// [default: the command line in text; every client in JSON].
    #[arg(long, value_enum, value_name = "KIND", value_delimiter = ',')]
    client: Vec<ClientArg>,
}

impl SettingsArgs {
    /// Checks the options against the target, before anything is written.
    pub fn require(&self, target: Target) -> Result<Option<Require>> {
        target
            .require(self.require.map(Require::from))
            .context("--require")
    }

    /// SingleStore's own options, refused for other targets; `disable` is
    /// config's --disable.
    pub fn singlestore(&self, target: Target, disable: bool) -> Result<Singlestore> {
        let asked = Singlestore {
            aggregators_only: self.aggregators_only,
            tls_accounts: self.tls_account.clone(),
            ops: self.ops,
            disable,
        };
        if target != Target::Singlestore && asked != Singlestore::default() {
            let flag = if self.aggregators_only {
                "--aggregators-only"
            } else if !self.tls_account.is_empty() {
                "--tls-account"
            } else if self.ops {
                "--ops"
            } else {
                "--disable"
            };
            return Err(refuse(
                format!("{flag} is for singlestore, not {}", target.name()),
                format!("leave {flag} out"),
            ));
        }
        Ok(asked)
    }

    /// Checks the client options against the target and the users, before
    /// anything is written.
    pub fn check_clients(&self, target: Target, users: &[String]) -> Result<()> {
        let name = target.name();
        if !target.has_drivers() {
            let why = match target {
                Target::Rails => "rails prints database.yml itself",
                _ => "Manticore checks no client certificate",
            };
            let option = if !self.client.is_empty() {
                Some("--client")
            } else if self.keystore_dir.is_some() {
                Some("--keystore-dir")
            } else if target == Target::Manticore && self.port.is_some() {
                Some("--port")
            } else if target == Target::Manticore && self.database.is_some() {
                Some("--database")
            } else {
                None
            };
            if let Some(option) = option {
                return Err(refuse(
                    format!("{option}: there are no driver settings for {name}: {why}"),
                    "ask for the drivers of the database's target, e.g. `certgen config postgres --client node`",
                ));
            }
            return Ok(());
        }
        if target != Target::Postgres && self.client.contains(&ClientArg::Libpq) {
            return Err(refuse(
                format!("--client libpq: {name} is not reached through libpq"),
                "libpq is PostgreSQL's client library; leave libpq out",
            ));
        }
        if self.client.contains(&ClientArg::Jdbc) && self.keystore_dir.is_none() {
            return Err(refuse(
                "--client jdbc: the JDBC settings name the keystores, and there is no --keystore-dir",
                "write them with `certgen keystore user USER --out DIR`, and give DIR with --keystore-dir",
            ));
        }
        match &self.keystore_dir {
            Some(dir) if users.len() > 1 => one_dir_each(
                "--keystore-dir",
                dir,
                Kind::User,
                &format!("{} users", users.len()),
                "/home/{user}/jdbc",
            ),
            _ => Ok(()),
        }
    }

    /// Where user `name`'s keystores are, absolute, when --keystore-dir
    /// says.
    pub fn keystore_dir(&self, kind: Kind, name: &str) -> Result<Option<PathBuf>> {
        let (Kind::User, Some(dir)) = (kind, &self.keystore_dir) else {
            return Ok(None);
        };
        let dir = user_dir(dir, name);
        Ok(Some(
            std::path::absolute(&dir).with_context(|| format!("resolving {}", dir.display()))?,
        ))
    }

    /// The clients --client asks for, or `None` for the default.
    pub fn clients(&self) -> Option<Vec<ClientKind>> {
        (!self.client.is_empty()).then(|| self.client.iter().map(|&c| c.into()).collect())
    }

    /// `config` with the drivers --client asks for (every one without it).
    pub fn shown(&self, config: &Config) -> Config {
        let mut shown = config.clone();
        if let Some(kinds) = self.clients() {
            shown.drivers.retain(|d| kinds.contains(&d.client));
        }
        shown
    }

    /// The database input for the settings of `server` and `users`.
    pub fn input<'a>(
        &'a self,
        server: &'a Bundle,
        users: &'a [Bundle],
        crl: Option<&'a Path>,
        require: Option<Require>,
        singlestore: Singlestore,
    ) -> db::Input<'a> {
        db::Input {
            server,
            users,
            crl,
            require,
            sql_host: &self.sql_host,
            singlestore,
            port: self.port,
            database: self.database.as_deref(),
        }
    }

    /// Where `kind` bundle `name`'s files are, absolute.
    pub fn files(&self, store: &Store, kind: Kind, name: &str) -> Result<BundleFiles> {
        let layout = Layout::from_name(&self.layout).unwrap_or_default();
        let (dir, names) = match (kind, &self.deploy_dir, &self.client_deploy_dir) {
            (Kind::Server, Some(dir), _) => (dir.clone(), layout.file_names(kind)),
            (Kind::User, _, Some(dir)) => (user_dir(dir, name), layout.file_names(kind)),
            (kind, ..) => (
                store.path(&kind.rel_dir(name)),
                Layout::Plain.file_names(kind),
            ),
        };
        let dir =
            std::path::absolute(&dir).with_context(|| format!("resolving {}", dir.display()))?;
        Ok(BundleFiles {
            certificate: dir.join(names.cert),
            key: dir.join(names.key),
            ca: dir.join(names.ca),
        })
    }

    /// Renders the settings for bundles still to be issued (`server`,
    /// `users`), so that a path or name their files cannot hold is refused
    /// before anything is written.
    pub fn check_planned(
        &self,
        store: &Store,
        target: Target,
        require: Option<Require>,
        singlestore: &Singlestore,
        server: &str,
        users: &[String],
    ) -> Result<()> {
        let planned = |kind, name: &str| -> Result<Bundle> {
            Ok(Bundle {
                name: name.to_string(),
                subject: format!("/CN={name}"),
                issuer: "/CN=CA".into(),
                files: self.files(store, kind, name)?,
                keystore_dir: self.keystore_dir(kind, name)?,
            })
        };
        let server = planned(Kind::Server, server)?;
        let users = users
            .iter()
            .map(|u| planned(Kind::User, u))
            .collect::<Result<Vec<_>>>()?;
        let crl = self.crl(store);
        target.config(&self.input(
            &server,
            &users,
            crl.as_deref(),
            require,
            singlestore.clone(),
        ))?;
        Ok(())
    }

    /// Refuses --client-deploy-dir without {user} for several users: their
    /// files would be the same.
    pub fn check_users(&self, users: &[String]) -> Result<()> {
        match &self.client_deploy_dir {
            Some(dir) if users.len() > 1 => one_dir_each(
                "--client-deploy-dir",
                dir,
                Kind::User,
                &format!("{} users", users.len()),
                "/home/{user}/.postgresql",
            ),
            _ => Ok(()),
        }
    }
}

fn user_dir(dir: &Path, user: &str) -> PathBuf {
    named_dir(dir, "{user}", user)
}

/// Refuses `dir`, given as `option` for several bundles of `kind` (`who`),
/// unless it holds the placeholder (`{user}`) that gives each its own
/// directory: their files would be the same. `example` is such a directory.
pub fn one_dir_each(option: &str, dir: &Path, kind: Kind, who: &str, example: &str) -> Result<()> {
    let placeholder = format!("{{{}}}", kind.noun());
    if has_placeholder(dir, &placeholder) {
        return Ok(());
    }
    Err(refuse(
        format!(
            "{option} {}: {who} cannot share one directory",
            dir.display()
        ),
        format!("put {placeholder} in the directory, e.g. {option} '{example}'"),
    ))
}

/// `dir` with each `placeholder` (`{user}`) replaced by a bundle's `name`:
/// one directory per user from one option. Bundle names hold no `/`.
pub fn named_dir(dir: &Path, placeholder: &str, name: &str) -> PathBuf {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let bytes = dir.as_os_str().as_bytes();
    let pattern = placeholder.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() + name.len());
    let mut rest = bytes;
    while let Some(at) = rest.windows(pattern.len()).position(|w| w == pattern) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(name.as_bytes());
        rest = &rest[at + pattern.len()..];
    }
    out.extend_from_slice(rest);
    PathBuf::from(std::ffi::OsString::from_vec(out))
}

/// Whether `dir` holds `placeholder` (`{user}`).
pub fn has_placeholder(dir: &Path, placeholder: &str) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let pattern = placeholder.as_bytes();
    dir.as_os_str()
        .as_bytes()
        .windows(pattern.len())
        .any(|w| w == pattern)
}

/// A bundle whose certificate settings must not point at: why, and how to
/// fix it.
pub struct Unusable {
    pub message: String,
    pub hint: String,
}

impl Unusable {
    pub fn refuse(self) -> anyhow::Error {
        refuse(self.message, self.hint)
    }
}

/// Refuses a bundle whose certificate the index records as revoked or
/// superseded, or that has expired at `now`.
pub fn check_current(
    index: &Index,
    kind: Kind,
    leaf: &LeafIssued,
    now: time::OffsetDateTime,
) -> std::result::Result<(), Unusable> {
    let what = format!("certificate {}", leaf.issued.cert.serial);
    let Err(why) = index.check_current(&what, &leaf.issued.cert, now) else {
        return Ok(());
    };
    let name = &leaf.name;
    let (dir, issue, option, drop) = match kind {
        Kind::Server => (
            "servers",
            "issue-server",
            "--server",
            "name another with --server",
        ),
        Kind::User => ("users", "issue-client", "--user", "leave it out of --user"),
    };
    let fix = match why {
        certgen::Error::CertExpired { .. } => {
            format!("renew it with `certgen renew {option} {name}`")
        }
        _ => format!("issue it anew with `certgen {issue} {name} --force`"),
    };
    Err(Unusable {
        message: format!("{dir}/{name}: {why}"),
        hint: format!("{fix}, or {drop}"),
    })
}

impl SettingsArgs {
    /// The CRL the server reads, when `certgen crl` wrote one: the PKI's,
    /// or with --deploy-dir the copy `deploy` puts there (the layout's name
    /// for it). Absolute.
    pub fn crl(&self, store: &Store) -> Option<PathBuf> {
        let path = store.path(crl::CRL_FILE);
        if !path.is_file() {
            return None;
        }
        let path = match &self.deploy_dir {
            Some(dir) => {
                let layout = Layout::from_name(&self.layout).unwrap_or_default();
                dir.join(layout.file_names(Kind::Server).crl)
            }
            None => path,
        };
        Some(std::path::absolute(&path).unwrap_or(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn each_placeholder_stands_for_the_name_in_any_path() {
        let dir = Path::new("/home/{user}/jdbc-{user}");
        assert!(has_placeholder(dir, "{user}"));
        assert!(!has_placeholder(dir, "{server}"));
        assert_eq!(
            named_dir(dir, "{user}", "app"),
            Path::new("/home/app/jdbc-app")
        );
        assert_eq!(
            named_dir(Path::new("/srv/jdbc"), "{user}", "app"),
            Path::new("/srv/jdbc")
        );
        // A directory that is not UTF-8 keeps its bytes around the name.
        let raw = std::ffi::OsStr::from_bytes(b"/data/\xff/{user}");
        let named = named_dir(Path::new(raw), "{user}", "bob");
        assert_eq!(named.as_os_str().as_bytes(), b"/data/\xff/bob");
    }
}
