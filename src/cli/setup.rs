//! `certgen setup mysql|mariadb`: the common case in one command, like
//! `mysql_ssl_rsa_setup`, but with verifiable names and per-user certificates.

use anyhow::{Context as _, Result};
use clap::ValueEnum;
use serde::Serialize;

use certgen::db::mysql;
use certgen::issue::{
    BatchOptions, CaOptions, Kind, LeafIssued, LeafSpec, check_specs, existing_leaf, init_ca,
    issue_batch, open_ca,
};
use certgen::{Ca, CertSummary, Store, Subject, profile, request};

use super::bundle::BundleReport;
use super::{Context, Format, KeyFormatArg, KeyTypeArg, LeafKeyArgs, Status, output};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Database {
    Mysql,
    Mariadb,
}

impl From<Database> for mysql::Flavor {
    fn from(d: Database) -> mysql::Flavor {
        match d {
            Database::Mysql => mysql::Flavor::Mysql,
            Database::Mariadb => mysql::Flavor::Mariadb,
        }
    }
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
    // Every input is checked before the CA is created: a refused setup writes nothing.
    let base = a.key.batch(Kind::Server, a.force);
    certgen::keys::check_format(base.key_type, base.key_format)?;
    let server = request::setup_server(&a.host)?;
    let server_specs = vec![LeafSpec {
        name: a.host[0].clone(),
        request: server,
    }];
    let user_specs = a
        .user
        .iter()
        .map(|u| {
            Ok(LeafSpec {
                name: u.clone(),
                request: request::client(u, None, &[], None)?,
            })
        })
        .collect::<certgen::Result<Vec<_>>>()?;
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

    let servers = issue_missing(ctx, &ca, server_specs, base, now)?;
    let user_opts = BatchOptions {
        kind: Kind::User,
        ..base
    };
    let users = issue_missing(ctx, &ca, user_specs, user_opts, now)?;

    let text = mysql::setup_text(a.database.into(), &servers[0], &users, &a.sql_host);
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
