//! `certgen setup mysql|mariadb|singlestore|manticore|postgres|rails`: the
//! common case in one command, like `mysql_ssl_rsa_setup`, but with
//! verifiable names and per-user certificates; then what `config` prints.

use anyhow::{Context as _, Result};
use serde::Serialize;

use certgen::bundle::LeafIssued;
use certgen::db::{Bundle, Target, mysql};
use certgen::index::Index;
use certgen::init_ca::{CaOptions, init_ca};
use certgen::issue::{BatchOptions, LeafSpec, check_specs};
use certgen::kind::Kind;
use certgen::lifecycle::{BundlePlan, plan_bundles};
use certgen::pki::open_ca;
use certgen::{Ca, CertSummary, Subject, profile, request};

use super::args::{Format, KeyFormatArg, KeyTypeArg, LeafKeyArgs};
use super::bundle::{Account, BundleReport};
use super::context::Context;
use super::errors::refuse;
use super::exit::Status;
use super::output;
use super::passphrase::PassphraseArgs;
use super::settings::{SettingsArgs, TargetArg, check_current};
use super::settings_report;
use super::sql_out::{SqlOutArgs, no_sql};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What the settings are for.
    #[arg(value_enum)]
    target: TargetArg,
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
    #[command(flatten)]
    settings: SettingsArgs,
    #[command(flatten)]
    sql_out: SqlOutArgs,
    /// Reissue server and client certificates that exist (the old ones are archived).
    /// Without it, existing ones are kept if they chain to the CA (else setup
    /// refuses), and a server certificate lacking a --host is reissued.
    #[arg(long)]
    force: bool,
    /// Output format: the settings and SQL as text, or every bundle and the
    /// settings as JSON.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Encrypt the key of the CA setup creates with a passphrase (as
    /// `init-ca --encrypt` does); an existing CA's key is changed with
    /// `certgen ca passphrase`.
    #[arg(long)]
    encrypt: bool,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// What `setup --format json` prints.
#[derive(Serialize)]
struct Report<'a> {
    ca: CertSummary,
    server: BundleReport<'a>,
    users: Vec<BundleReport<'a>>,
    /// The settings, as `certgen config --format json` prints them.
    config: settings_report::Report<'a>,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let store = &ctx.store;
    let now = ctx.now();
    // Every input is checked before the CA is created: a refused setup writes nothing.
    let target = Target::from(a.target);
    let require = a.settings.require(target)?;
    let singlestore = a.settings.singlestore(target, false)?;
    mysql::check_account_part("SQL host", &a.settings.sql_host)?;
    a.settings.check_users(&a.user)?;
    a.settings.check_clients(target, &a.user)?;
    a.sql_out
        .check(no_sql(target, a.user.is_empty()).as_deref())?;
    let base = a.key.batch(Kind::Server, a.force);
    certgen::keys::check_format(base.key_type, base.key_format)?;
    let server = request::setup_server(&a.host)?;
    let server_names = &a.host[..a.host.len().min(1)];
    let server_specs: Vec<LeafSpec> = server_names
        .iter()
        .map(|name| LeafSpec {
            name: name.clone(),
            request: server.clone(),
        })
        .collect();
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
            passphrase: None,
        })
    };
    let new_subject = new_ca.as_ref().map(|o| &o.subject);
    check_specs(&server_specs, new_subject)?;
    check_specs(&user_specs, new_subject)?;
    // The settings for the files to come, so that a path or name they cannot
    // hold is refused now, before anything is written.
    let first = server_names.first().context("setup names one server")?;
    a.settings
        .check_planned(store, target, require, &singlestore, first, &a.user)?;

    let user_opts = BatchOptions {
        kind: Kind::User,
        ..base
    };
    let server_plan = plan_bundles(store, Kind::Server, server_specs, a.force)?;
    let user_plan = plan_bundles(store, Kind::User, user_specs, a.force)?;
    // A kept bundle whose certificate is revoked, superseded or expired
    // would be configured as if it worked.
    let index = Index::load(&store.index())?;
    for (kind, plan) in [(Kind::Server, &server_plan), (Kind::User, &user_plan)] {
        for leaf in &plan.keep {
            if let Err(why) = check_current(&index, kind, leaf, now) {
                return Err(refuse(
                    why.message,
                    "add --force to issue it anew (the old bundle is archived)",
                ));
            }
        }
    }

    // Asked last, once every other input has been checked.
    let new_ca = match new_ca {
        Some(opts) if a.encrypt => Some(CaOptions {
            passphrase: Some(ctx.passphrase.for_new_ca_key("setup")?),
            ..opts
        }),
        None if a.encrypt => {
            return Err(refuse(
                format!(
                    "--encrypt: {} holds a CA already; setup encrypts only a CA it creates",
                    store.root().display()
                ),
                "encrypt the existing CA's key with `certgen ca passphrase`",
            ));
        }
        other => other,
    };
    let ca = match &new_ca {
        None => {
            let ca = open_ca(store)?;
            for spec in server_plan.requests().chain(user_plan.requests()) {
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
    let servers = carry_out(ctx, &ca, server_plan, server_names, base, now)?;
    let users = carry_out(ctx, &ca, user_plan, &a.user, user_opts, now)?;
    let server = servers.first().context("setup names one server")?;

    let crl = a.settings.crl(store);
    let bundle = |leaf: &LeafIssued, kind| -> Result<Bundle> {
        Ok(Bundle {
            files: a.settings.files(store, kind, &leaf.name)?,
            keystore_dir: a.settings.keystore_dir(kind, &leaf.name)?,
            ..Bundle::from_leaf(leaf)
        })
    };
    let server_bundle = bundle(server, Kind::Server)?;
    let user_bundles = users
        .iter()
        .map(|u| bundle(u, Kind::User))
        .collect::<Result<Vec<_>>>()?;
    let config = target.config(&a.settings.input(
        &server_bundle,
        &user_bundles,
        crl.as_deref(),
        require,
        singlestore,
    ))?;
    let config = a.settings.shown(&config);
    match a.format {
        Format::Text => output::line(
            settings_report::text(&config, a.settings.clients().as_deref()).trim_end(),
        )?,
        Format::Json => output::print_json(&Report {
            ca: ca.summary()?,
            server: BundleReport::new(server, None)?,
            users: users
                .iter()
                .map(|u| {
                    let account = require.map(|require| Account {
                        target,
                        host: &a.settings.sql_host,
                        require,
                    });
                    BundleReport::new(u, account)
                })
                .collect::<certgen::Result<_>>()?,
            config: settings_report::Report::new(
                target,
                &server_bundle,
                &user_bundles,
                crl.as_deref(),
                &config,
            ),
        })?,
    }
    a.sql_out.write(ctx.quiet, &config.sql)?;
    Ok(Status::Ok)
}

/// Issues what `plan` says to issue, and returns every bundle it names, in
/// the order of `names`.
fn carry_out(
    ctx: &Context,
    ca: &Ca,
    mut plan: BundlePlan,
    names: &[String],
    opts: BatchOptions,
    now: time::OffsetDateTime,
) -> Result<Vec<LeafIssued>> {
    for leaf in &plan.keep {
        output::note(
            ctx.quiet,
            &format!("kept the existing {}", leaf.dir.display()),
        );
    }
    let made = plan.carry_out(&ctx.store, ca, opts, now)?;
    for (leaf, reissued) in &made {
        for w in &leaf.issued.warnings {
            output::warn(w);
        }
        let note = match reissued {
            Some(why) => format!("reissued {}: {why}", leaf.dir.display()),
            None => format!("issued {}", leaf.dir.display()),
        };
        output::note(ctx.quiet, &note);
    }
    let made = made.into_iter().map(|(leaf, _)| leaf).collect();
    Ok(plan.in_order(names, made))
}
