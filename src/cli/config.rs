//! `certgen config mysql|mariadb|singlestore|manticore|postgres|rails`: the
//! settings, SQL and commands for bundles that exist, as text or JSON.
//! `setup` prints the same after issuing them.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::ValueEnum;
use serde::Serialize;

use certgen::bundle::{LeafIssued, read_leaf as existing_leaf};
use certgen::db::{self, Bundle, BundleFiles, Config, Require, Target};
use certgen::deploy::Layout;
use certgen::index::Index;
use certgen::kind::Kind;
use certgen::{Store, crl};

use super::{Context, Format, Status, output};

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RequireArg {
    /// REQUIRE SSL: any TLS connection
    Ssl,
    /// REQUIRE X509: any certificate from a CA the server trusts
    X509,
    /// REQUIRE SUBJECT ... AND ISSUER ...: this user's certificate
    Subject,
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
}

impl SettingsArgs {
    /// Checks the options against the target, before anything is written.
    pub fn require(&self, target: Target) -> Result<Option<Require>> {
        let asked = self.require.map(Require::from);
        match (target.default_require(), asked) {
            (None, Some(_)) => Err(super::refuse(
                format!(
                    "--require: {} has no SQL accounts to tie to certificates",
                    target.name()
                ),
                match target {
                    Target::Postgres => {
                        "the pg_hba.conf cert lines config prints require each user's certificate"
                    }
                    _ => "leave --require out",
                },
            )),
            (Some(_), Some(Require::Subject)) if target == Target::Singlestore => {
                Err(super::refuse(
                    "--require subject: the printed SingleStore grants require ssl or x509",
                    "use --require x509, which also sets ssl_ca_for_client_cert",
                ))
            }
            (default, asked) => Ok(asked.or(default)),
        }
    }

    /// Where `kind` bundle `name`'s files are, absolute.
    pub fn files(&self, store: &Store, kind: Kind, name: &str) -> Result<BundleFiles> {
        let layout = Layout::from_name(&self.layout).unwrap_or_default();
        let (dir, names) = match (kind, &self.deploy_dir, &self.client_deploy_dir) {
            (Kind::Server, Some(dir), _) => (dir.clone(), layout.file_names(kind)),
            (Kind::User, _, Some(dir)) => (user_dir(dir, name)?, layout.file_names(kind)),
            (Kind::Server, ..) => (
                store.path(&Store::server_rel(name)),
                Layout::Plain.file_names(kind),
            ),
            (Kind::User, ..) => (
                store.path(&Store::user_rel(name)),
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
        server: &str,
        users: &[String],
    ) -> Result<()> {
        let planned = |kind, name: &str| -> Result<Bundle> {
            Ok(Bundle {
                name: name.to_string(),
                subject: format!("/CN={name}"),
                issuer: "/CN=CA".into(),
                files: self.files(store, kind, name)?,
            })
        };
        let server = planned(Kind::Server, server)?;
        let users = users
            .iter()
            .map(|u| planned(Kind::User, u))
            .collect::<Result<Vec<_>>>()?;
        let crl = crl_path(store);
        target.config(&db::Input {
            server: &server,
            users: &users,
            crl: crl.as_deref(),
            require,
            sql_host: &self.sql_host,
        })?;
        Ok(())
    }

    /// Refuses --client-deploy-dir without {user} for several users: their
    /// files would be the same.
    pub fn check_users(&self, users: &[String]) -> Result<()> {
        if let Some(dir) = &self.client_deploy_dir
            && users.len() > 1
            && !dir.to_string_lossy().contains("{user}")
        {
            return Err(super::refuse(
                format!(
                    "--client-deploy-dir {}: {} users cannot share one directory",
                    dir.display(),
                    users.len()
                ),
                "put {user} in the directory, e.g. --client-deploy-dir '/home/{user}/.postgresql'",
            ));
        }
        Ok(())
    }
}

fn user_dir(dir: &Path, user: &str) -> Result<PathBuf> {
    let text = dir
        .to_str()
        .context("--client-deploy-dir is not valid UTF-8")?;
    Ok(PathBuf::from(text.replace("{user}", user)))
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What the settings are for.
    #[arg(value_enum)]
    target: TargetArg,
    /// The server bundle (servers/NAME) [default: the only one].
    #[arg(long, value_name = "NAME")]
    server: Option<String>,
    /// User bundles to print client settings and SQL for (repeatable,
    /// comma-separated) [default: every one under users/].
    #[arg(long, value_name = "USER", value_delimiter = ',')]
    user: Vec<String>,
    #[command(flatten)]
    settings: SettingsArgs,
    /// Output format: the settings as text, or every path and statement as JSON.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// What `config --format json` prints, and `setup --format json` under `config`.
#[derive(Serialize)]
pub struct Report<'a> {
    target: &'static str,
    server: BundleRef<'a>,
    users: Vec<BundleRef<'a>>,
    crl: Option<&'a Path>,
    #[serde(flatten)]
    config: &'a Config,
}

#[derive(Serialize)]
struct BundleRef<'a> {
    name: &'a str,
    files: &'a BundleFiles,
}

impl<'a> Report<'a> {
    pub fn new(
        target: Target,
        server: &'a Bundle,
        users: &'a [Bundle],
        crl: Option<&'a Path>,
        config: &'a Config,
    ) -> Report<'a> {
        let r = |b: &'a Bundle| BundleRef {
            name: &b.name,
            files: &b.files,
        };
        Report {
            target: target.name(),
            server: r(server),
            users: users.iter().map(r).collect(),
            crl,
            config,
        }
    }
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let store = &ctx.store;
    let now = ctx.now();
    let target = Target::from(a.target);
    let require = a.settings.require(target)?;
    certgen::db::mysql::check_account_part("SQL host", &a.settings.sql_host)?;
    let server = match &a.server {
        Some(name) => name.clone(),
        None => only_server(store)?,
    };
    let named_users = !a.user.is_empty();
    let users = if named_users {
        a.user.clone()
    } else {
        bundle_names(&store.path("users"))?
    };
    a.settings.check_users(&users)?;
    let index = Index::load(&store.index())?;
    let leaf = |kind, name: &str| -> Result<LeafIssued> {
        let (rel, issue) = match kind {
            Kind::Server => (Store::server_rel(name), "issue-server NAME"),
            Kind::User => (Store::user_rel(name), "issue-client USER"),
        };
        if !store.path(&rel).is_dir() {
            return Err(super::refuse(
                format!("no bundle {}", store.path(&rel).display()),
                format!("`certgen list` shows what this CA issued; make it with `certgen {issue}`"),
            ));
        }
        existing_leaf(store, kind, name).with_context(|| format!("reading the bundle {name}"))
    };
    let bundle = |kind, leaf: &LeafIssued| -> Result<Bundle> {
        Ok(Bundle {
            files: a.settings.files(store, kind, &leaf.name)?,
            ..Bundle::from_leaf(leaf)
        })
    };
    let server = leaf(Kind::Server, &server)?;
    check_current(&index, Kind::Server, &server, now).map_err(Unusable::refuse)?;
    let server = bundle(Kind::Server, &server)?;
    // Users taken by default whose certificate cannot be used are skipped
    // with a note; named ones are refused.
    let mut skipped = Vec::new();
    let mut kept = Vec::new();
    for user in &users {
        let user = leaf(Kind::User, user)?;
        match check_current(&index, Kind::User, &user, now) {
            Ok(()) => kept.push(bundle(Kind::User, &user)?),
            Err(why) if !named_users => skipped.push(why.message),
            Err(why) => return Err(why.refuse()),
        }
    }
    let users = kept;
    let crl = crl_path(store);
    let input = db::Input {
        server: &server,
        users: &users,
        crl: crl.as_deref(),
        require,
        sql_host: &a.settings.sql_host,
    };
    let mut config = target.config(&input)?;
    for why in skipped {
        config.notes.push(format!("skipped {why}"));
    }
    match a.format {
        Format::Text => output::line(text(&config).trim_end())?,
        Format::Json => output::print_json(&Report::new(
            target,
            &server,
            &users,
            crl.as_deref(),
            &config,
        ))?,
    }
    Ok(Status::Ok)
}

/// A bundle whose certificate settings must not point at: why, and how to
/// fix it.
pub struct Unusable {
    pub message: String,
    pub hint: String,
}

impl Unusable {
    pub fn refuse(self) -> anyhow::Error {
        super::refuse(self.message, self.hint)
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

/// The CRL, when `certgen crl` wrote one.
pub fn crl_path(store: &Store) -> Option<PathBuf> {
    let path = store.path(crl::CRL_FILE);
    path.is_file()
        .then(|| std::path::absolute(&path).unwrap_or(path))
}

fn bundle_names(dir: &Path) -> Result<Vec<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    Ok(names)
}

fn only_server(store: &Store) -> Result<String> {
    let names = bundle_names(&store.path("servers"))?;
    match names.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(super::refuse(
            format!("no server bundle in {}", store.path("servers").display()),
            "issue one with `certgen issue-server NAME`, or check --dir",
        )),
        many => Err(super::refuse(
            format!(
                "{} holds {} server bundles",
                store.path("servers").display(),
                many.len()
            ),
            format!("name one with --server ({})", many.join(", ")),
        )),
    }
}

/// The settings as text: each file's lines under a comment saying where
/// they go, then the shell commands, the SQL and how each user connects.
pub fn text(config: &Config) -> String {
    let mut t = String::new();
    for section in &config.sections {
        t.push_str(&format!("# {}\n{}\n", section.comment, section.text));
    }
    if !config.commands.is_empty() {
        t.push_str("# Shell commands, as root on the server:\n");
        for c in &config.commands {
            t.push_str(&format!("{c}\n"));
        }
        t.push('\n');
    }
    if !config.sql.is_empty() {
        t.push_str(
            "-- SQL, as an administrator: each account logs in only over TLS, as --require says\n",
        );
        for s in &config.sql {
            t.push_str(&format!("{s}\n"));
        }
        t.push('\n');
    }
    for client in &config.clients {
        if let Some(c) = &client.command {
            t.push_str(&format!("# Connecting as {}:\n{c}\n", client.user));
        }
        if let Some(c) = &client.connection_string {
            t.push_str(&format!(
                "# {}'s libpq connection string:\n{c}\n",
                client.user
            ));
        }
    }
    if !config.clients.is_empty() {
        t.push('\n');
    }
    for note in &config.notes {
        t.push_str(&format!("# {note}\n"));
    }
    if let Some(reload) = &config.reload {
        t.push_str(&format!("# After `certgen renew`: {reload}\n"));
    }
    t
}
