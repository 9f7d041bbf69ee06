//! `certgen config mysql|mariadb|singlestore|manticore|postgres|rails`: the
//! settings, SQL and commands for bundles that exist, as text or JSON.
//! `setup` prints the same after issuing them.

use std::path::Path;

use anyhow::{Context as _, Result};

use certgen::Store;
use certgen::bundle::{LeafIssued, read_leaf};
use certgen::db::{Bundle, Target};
use certgen::index::Index;
use certgen::kind::Kind;

use super::args::Format;
use super::context::Context;
use super::errors::refuse;
use super::exit::Status;
use super::output;
use super::settings::{SettingsArgs, TargetArg, Unusable, check_current};
use super::settings_report::{Report, text};
use super::sql_out::{SqlOutArgs, no_sql};

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
    #[command(flatten)]
    sql_out: SqlOutArgs,
    /// Print what turns TLS off again instead: each account back to REQUIRE
    /// NONE, every setting reset (sdb-admin update-config --reset), MemSQL
    /// Ops' web UI without TLS with --ops; give the options the settings
    /// were printed with.
    #[arg(long, help_heading = "SingleStore")]
    disable: bool,
    /// Output format: the settings as text, or every path and statement as JSON.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let store = &ctx.store;
    let now = ctx.now();
    let target = Target::from(a.target);
    let require = a.settings.require(target)?;
    let singlestore = a.settings.singlestore(target, a.disable)?;
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
    a.settings.check_clients(target, &users)?;
    let index = Index::load(&store.index())?;
    let leaf = |kind, name: &str| -> Result<LeafIssued> {
        let rel = Kind::rel_dir(kind, name);
        let issue = match kind {
            Kind::Server => "issue-server NAME",
            Kind::User => "issue-client USER",
        };
        if !store.path(&rel).is_dir() {
            return Err(refuse(
                format!("no bundle {}", store.path(&rel).display()),
                format!("`certgen list` shows what this CA issued; make it with `certgen {issue}`"),
            ));
        }
        read_leaf(store, kind, name).with_context(|| format!("reading the bundle {name}"))
    };
    let bundle = |kind, leaf: &LeafIssued| -> Result<Bundle> {
        Ok(Bundle {
            files: a.settings.files(store, kind, &leaf.name)?,
            keystore_dir: a.settings.keystore_dir(kind, &leaf.name)?,
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
    let crl = a.settings.crl(store);
    let input = a
        .settings
        .input(&server, &users, crl.as_deref(), require, singlestore);
    let mut config = target.config(&input)?;
    for why in skipped {
        config.notes.push(format!("skipped {why}"));
    }
    a.sql_out
        .check(no_sql(target, config.sql.is_empty()).as_deref())?;
    let config = a.settings.shown(&config);
    match a.format {
        Format::Text => output::line(text(&config, a.settings.clients().as_deref()).trim_end())?,
        Format::Json => output::print_json(&Report::new(
            target,
            &server,
            &users,
            crl.as_deref(),
            &config,
        ))?,
    }
    a.sql_out.write(ctx.quiet, &config.sql)?;
    Ok(Status::Ok)
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
        [] => Err(refuse(
            format!("no server bundle in {}", store.path("servers").display()),
            "issue one with `certgen issue-server NAME`, or check --dir",
        )),
        many => Err(refuse(
            format!(
                "{} holds {} server bundles",
                store.path("servers").display(),
                many.len()
            ),
            format!("name one with --server ({})", many.join(", ")),
        )),
    }
}
