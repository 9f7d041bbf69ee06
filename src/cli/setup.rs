//! `certgen setup mysql|mariadb`: the common case in one command, like
//! `mysql_ssl_rsa_setup`, but with verifiable names and per-user certificates.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::ValueEnum;
use serde::Serialize;

use certgen::issue::{
    BatchOptions, CaOptions, Kind, LeafIssued, LeafSpec, check_specs, existing_leaf, init_ca,
    issue_batch, open_ca,
};
use certgen::store::{CA_CERT, CLIENT_CERT, CLIENT_KEY, SERVER_CERT, SERVER_KEY};
use certgen::{Ca, CertSummary, KeyFormat, KeyType, Store, Subject, profile};

use super::bundle::{BundleReport, require_x509_sql};
use super::issue_client::client_request;
use super::issue_server::server_request;
use super::{Context, Format, KeyFormatArg, KeyTypeArg, LeafKeyArgs, Status, output, refuse};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Database {
    Mysql,
    Mariadb,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The database the settings are for.
    #[arg(value_enum)]
    database: Database,
    /// Names clients use to reach the server (repeatable, comma-separated); the
    /// first also names servers/NAME. localhost adds 127.0.0.1 and ::1.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "localhost",
        value_delimiter = ','
    )]
    host: Vec<String>,
    /// Database users to issue client certificates for (repeatable, comma-separated).
    #[arg(long, value_name = "USER", value_delimiter = ',')]
    user: Vec<String>,
    #[command(flatten)]
    key: LeafKeyArgs,
    /// Key type of the CA key, when the CA is created.
    #[arg(long, value_enum, default_value_t = KeyTypeArg::Rsa3072)]
    ca_key_type: KeyTypeArg,
    /// Common name of the CA, when the CA is created.
    #[arg(long, default_value = "certgen CA")]
    ca_cn: String,
    /// The host part of the accounts in the printed SQL.
    #[arg(long, default_value = "%", value_name = "HOST")]
    sql_host: String,
    /// Reissue server and client certificates that exist (the old ones are archived).
    /// Without it, existing ones are kept.
    #[arg(long)]
    force: bool,
    /// Output format: the settings and SQL as text, or every bundle and the
    /// settings as JSON.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// What `setup --format json` prints.
#[derive(Serialize)]
struct Report<'a> {
    ca: CertSummary,
    server: BundleReport<'a>,
    users: Vec<BundleReport<'a>>,
    /// The server and client settings and the SQL, as printed in text.
    config: String,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let store = &ctx.store;
    let now = ctx.now();
    let key_type: KeyType = a.key.key_type.into();
    let key_format: KeyFormat = a.key.key_format.into();

    // Every input is checked before the CA is created: a refused setup writes nothing.
    certgen::keys::check_format(key_type, key_format)?;
    if let Some(empty) = a.host.iter().find(|h| h.trim().is_empty()) {
        return Err(refuse(
            format!("invalid host name \"{empty}\" in --host: it is empty"),
            "give the names clients connect to, e.g. --host db1.example.com,10.0.0.5",
        ));
    }
    let server = &a.host[0];
    let mut extra: Vec<String> = a.host[1..].to_vec();
    if a.host.iter().any(|h| h.eq_ignore_ascii_case("localhost")) {
        extra.extend(["127.0.0.1".to_string(), "::1".to_string()]);
    }
    let server_specs = vec![LeafSpec {
        name: server.clone(),
        request: server_request(server, None, &extra, profile::SERVER_VALIDITY, false)?,
    }];
    let user_specs = a
        .user
        .iter()
        .map(|u| {
            Ok(LeafSpec {
                name: u.clone(),
                request: client_request(u, None, &[], profile::CLIENT_VALIDITY)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let new_ca = if store.has_ca() {
        None
    } else {
        Some(CaOptions {
            subject: Subject::from_cn(&a.ca_cn)?,
            key_type: a.ca_key_type.into(),
            key_format: KeyFormatArg::Pkcs8.into(),
            validity: profile::CA_VALIDITY,
            path_len: None,
            force: false,
        })
    };
    let new_subject = new_ca.as_ref().map(|o| &o.subject);
    check_specs(&server_specs, new_subject)?;
    check_specs(&user_specs, new_subject)?;

    let ca = match &new_ca {
        None => {
            let ca = open_ca(store)?;
            for spec in server_specs.iter().chain(&user_specs) {
                ca.check_request(&spec.request, now)?;
            }
            ca
        }
        Some(opts) => {
            let created = init_ca(store, opts, None, now).context("creating the CA")?;
            output::note(ctx.quiet, &format!("created CA {}", created.ca.subject()));
            created.ca
        }
    };

    let base = BatchOptions {
        kind: Kind::Server,
        key_type,
        key_format,
        force: a.force,
    };
    let servers = issue_missing(ctx, &ca, server_specs, base, now)?;
    let user_opts = BatchOptions {
        kind: Kind::User,
        ..base
    };
    let users = issue_missing(ctx, &ca, user_specs, user_opts, now)?;

    let text = render(a.database, &servers[0], &users, &a.sql_host)?;
    match a.format {
        Format::Text => output::line(text.trim_end())?,
        Format::Json => output::print_json(&Report {
            ca: ca.summary()?,
            server: BundleReport::new(&servers[0], None),
            users: users
                .iter()
                .map(|u| BundleReport::new(u, Some(&a.sql_host)))
                .collect(),
            config: text,
        })?,
    }
    Ok(Status::Ok)
}

/// Issues the bundles that do not exist yet (all of them with --force), and
/// returns every bundle of `specs`, issued or kept, in their order.
fn issue_missing(
    ctx: &Context,
    ca: &Ca,
    specs: Vec<LeafSpec>,
    opts: BatchOptions,
    now: time::OffsetDateTime,
) -> Result<Vec<LeafIssued>> {
    let dir = |name: &str| match opts.kind {
        Kind::Server => ctx.store.path(&Store::server_rel(name)),
        Kind::User => ctx.store.path(&Store::user_rel(name)),
    };
    let names: Vec<String> = specs.iter().map(|s| s.name.clone()).collect();
    let (todo, kept): (Vec<_>, Vec<_>) = specs
        .into_iter()
        .partition(|s| opts.force || !dir(&s.name).exists());
    for s in &kept {
        output::note(
            ctx.quiet,
            &format!("kept the existing {}", dir(&s.name).display()),
        );
    }
    let mut made = if todo.is_empty() {
        Vec::new()
    } else {
        issue_batch(&ctx.store, ca, &todo, opts, now, &|| {})?.leaves
    };
    for leaf in &made {
        for w in &leaf.issued.warnings {
            output::warn(w);
        }
        output::note(ctx.quiet, &format!("issued {}", leaf.dir.display()));
    }
    names
        .iter()
        .map(|name| match made.iter().position(|l| &l.name == name) {
            Some(i) => Ok(made.swap_remove(i)),
            None => Ok(existing_leaf(&ctx.store, opts.kind, name)?),
        })
        .collect()
}

fn absolute(p: PathBuf) -> PathBuf {
    std::path::absolute(&p).unwrap_or(p)
}

fn render(
    db: Database,
    server: &LeafIssued,
    users: &[LeafIssued],
    sql_host: &str,
) -> Result<String> {
    let sdir = absolute(server.dir.clone());
    let mut t = String::new();
    let conf = match db {
        Database::Mariadb => "/etc/mysql/mariadb.conf.d/90-tls.cnf",
        Database::Mysql => "/etc/mysql/mysql.conf.d/90-tls.cnf",
    };
    writeln!(t, "# Server settings, e.g. in {conf}")?;
    writeln!(
        t,
        "# (mysqld must be able to read the key: chown mysql {})",
        sdir.join(SERVER_KEY).display()
    )?;
    writeln!(t, "[mysqld]")?;
    writeln!(t, "ssl_ca = {}", sdir.join(CA_CERT).display())?;
    writeln!(t, "ssl_cert = {}", sdir.join(SERVER_CERT).display())?;
    writeln!(t, "ssl_key = {}", sdir.join(SERVER_KEY).display())?;
    writeln!(t, "require_secure_transport = ON")?;
    writeln!(t, "tls_version = TLSv1.2,TLSv1.3")?;
    if let Some(first) = users.first() {
        let udir = absolute(first.dir.clone());
        writeln!(t)?;
        writeln!(t, "# Client settings for {} (~/.my.cnf)", first.name)?;
        writeln!(t, "[client]")?;
        writeln!(t, "ssl-ca = {}", udir.join(CA_CERT).display())?;
        writeln!(t, "ssl-cert = {}", udir.join(CLIENT_CERT).display())?;
        writeln!(t, "ssl-key = {}", udir.join(CLIENT_KEY).display())?;
        match db {
            Database::Mariadb => writeln!(t, "ssl-verify-server-cert")?,
            Database::Mysql => writeln!(t, "ssl-mode = VERIFY_IDENTITY")?,
        }
        writeln!(t)?;
        writeln!(
            t,
            "-- SQL: accounts that log in only with their certificate"
        )?;
        for user in users {
            let c = &user.issued.cert;
            writeln!(
                t,
                "CREATE USER IF NOT EXISTS {}@{};",
                certgen::name::sql_quote(&user.name),
                certgen::name::sql_quote(sql_host)
            )?;
            let sql = require_x509_sql(&user.name, sql_host, &c.subject, &c.issuer);
            writeln!(t, "{sql}")?;
        }
    }
    Ok(t)
}
