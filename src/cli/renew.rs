//! `certgen renew NAME... | --all`: new certificates (and keys) for bundles,
//! with what the certificates they replace say, and what comes next: deploy
//! them where their copies are read, then make the servers load them.

use anyhow::{Context as _, Result};
use serde::Serialize;
use time::Duration;

use certgen::bundle::SkipReason;
use certgen::db::{Database, Reload};
use certgen::duration::format_duration;
use certgen::kind::Kind;
use certgen::lifecycle::{self, RenewOptions, Selection};
use certgen::pki::open_ca;
use certgen::{CertSummary, Error, Profile, San, Subject, rfc3339};

use super::args::{Format, KeyFormatArg, KeyTypeArg, ProfileArg};
use super::bundle::{Files, progress};
use super::context::Context;
use super::errors::refuse;
use super::exit::Status;
use super::in_command::InCommand;
use super::output;
use super::passphrase::PassphraseArgs;
use super::suggest::{self, SOME_DIR};
use super::values;

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("which").required(true).multiple(true)
    .args(["names", "server", "user", "all"]))]
pub struct Args {
    /// Server or user bundles to renew; a name that is both needs --server or --user.
    #[arg(value_name = "NAME", conflicts_with = "all")]
    names: Vec<String>,
    /// The server bundle NAME (servers/NAME); repeatable.
    #[arg(long, value_name = "NAME", conflicts_with = "all")]
    server: Vec<String>,
    /// The user bundle NAME (users/NAME); repeatable.
    #[arg(long, value_name = "NAME", conflicts_with = "all")]
    user: Vec<String>,
    /// Every server and user bundle; those whose certificate is revoked, superseded or of another
    /// CA are skipped with a note.
    #[arg(long)]
    all: bool,
    /// Only certificates that expire within DURATION (30d, 2w, 12h); exit 0 when none does.
    #[arg(long, value_name = "DURATION", value_parser = InCommand(values::duration))]
    within: Option<Duration>,
    /// Keep each bundle's key; only the certificate is new.
    #[arg(long, conflicts_with_all = ["key_type", "key_format"])]
    reuse_key: bool,
    /// Lifetime: a number of days, or 30d, 2w, 12h [default: the replaced certificate's].
    #[arg(long, value_name = "DURATION", value_parser = InCommand(values::lifetime))]
    days: Option<Duration>,
    /// subjectAltNames instead of the replaced certificate's; repeatable and comma-separated.
    #[arg(long, value_name = "NAME")]
    san: Vec<String>,
    /// Subject instead of the replaced certificate's (/O=Example/CN=db1); one bundle only.
    #[arg(long)]
    subject: Option<String>,
    /// Profile instead of the replaced certificate's.
    #[arg(long, value_enum)]
    profile: Option<ProfileArg>,
    /// Key type of the new keys [default: the replaced key's].
    #[arg(long, value_enum)]
    key_type: Option<KeyTypeArg>,
    /// Encoding of the new key files [default: the replaced key file's].
    #[arg(long, value_enum)]
    key_format: Option<KeyFormatArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// What `renew --format json` prints.
#[derive(Serialize)]
struct Report<'a> {
    renewed: Vec<RenewedReport<'a>>,
    skipped: Vec<SkippedReport<'a>>,
    /// Where the replaced bundles went.
    archived: Option<&'a std::path::Path>,
    /// What to do next, first: deploy each renewed bundle where its copies
    /// are read.
    deploy: Vec<DeployReport<'a>>,
    /// Then: what each database needs to serve a renewed server
    /// certificate; empty when no server was renewed.
    reload: Vec<ReloadReport>,
}

#[derive(Serialize)]
struct DeployReport<'a> {
    kind: &'static str,
    name: &'a str,
    /// `certgen deploy server NAME --to DIR`, DIR to be replaced by the
    /// directory of the copy (the PKI does not record where it went).
    command: String,
    /// The hosts of the PKI directory's inventory (`inventory.toml`) that
    /// get this bundle: `certgen rollout` delivers it there. Left out when
    /// none does.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hosts: Vec<String>,
}

#[derive(Serialize)]
struct RenewedReport<'a> {
    name: &'a str,
    kind: &'static str,
    certificate: &'a CertSummary,
    files: Files,
    replaced: &'a CertSummary,
    warnings: &'a [certgen::Warning],
}

#[derive(Serialize)]
struct SkippedReport<'a> {
    name: &'a str,
    kind: &'static str,
    reason: SkipReason,
    certificate: &'a CertSummary,
}

#[derive(Serialize)]
struct ReloadReport {
    database: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    statement: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    restart: Option<&'static str>,
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Server => "server",
        Kind::User => "user",
    }
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let selection = selection(&a);
    let opts = options(&a, &selection)?;
    let ca = open_ca(&ctx.store)?;
    let now = ctx.now();
    let plan = match lifecycle::plan(&ctx.store, &selection, &opts, now) {
        Ok(plan) => plan,
        Err(Error::AmbiguousBundle(name)) => {
            return Err(refuse(
                format!("both a server and a user bundle are named \"{name}\""),
                format!("name the one to renew with --server {name} or --user {name}"),
            ));
        }
        Err(e) => return Err(anyhow::Error::new(e).context("checking the bundles to renew")),
    };
    let skipped = plan.skipped.clone();
    let bar = progress(plan.renew.len(), ctx.quiet, "generating keys");
    let result = lifecycle::renew(&ctx.store, &ca, plan, now, &|| bar.inc(1));
    bar.finish_and_clear();
    let result = result.context("renewing")?;

    let any_server = result.renewed.iter().any(|r| r.kind == Kind::Server);
    let reload: Vec<ReloadReport> = if any_server {
        Database::ALL
            .into_iter()
            .map(|db| match db.reload() {
                Reload::Sql(s) => ReloadReport {
                    database: db.name(),
                    statement: Some(s),
                    restart: None,
                },
                Reload::Restart(how) => ReloadReport {
                    database: db.name(),
                    statement: None,
                    restart: Some(how),
                },
            })
            .collect()
    } else {
        Vec::new()
    };
    let inventory = ctx.store.path(certgen::rollout::INVENTORY);
    let hosts = if inventory.exists() {
        match certgen::rollout::load(&inventory) {
            Ok(hosts) => hosts,
            Err(e) => {
                output::note(ctx.quiet, &format!("the inventory is not usable: {e}"));
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    let deploy: Vec<DeployReport> = result
        .renewed
        .iter()
        .map(|r| DeployReport {
            kind: kind_name(r.kind),
            name: &r.leaf.name,
            command: suggest::deploy(&ctx.store, r.kind, &r.leaf.name, None, None),
            hosts: hosts
                .iter()
                .filter(|h| {
                    h.bundles
                        .iter()
                        .any(|b| b.kind == r.kind && b.name == r.leaf.name)
                })
                .map(|h| h.name.clone())
                .collect(),
        })
        .collect();
    if let Some(first) = result.renewed.first() {
        for w in &first.leaf.issued.warnings {
            output::warn(w);
        }
    }
    match a.format {
        Format::Json => output::print_json(&Report {
            renewed: result
                .renewed
                .iter()
                .map(|r| RenewedReport {
                    name: &r.leaf.name,
                    kind: kind_name(r.kind),
                    certificate: &r.leaf.issued.cert,
                    files: Files {
                        certificate: r.leaf.cert_path.clone(),
                        key: Some(r.leaf.key_path.clone()),
                        ca: Some(r.leaf.ca_path.clone()),
                    },
                    replaced: &r.replaced,
                    warnings: &r.leaf.issued.warnings,
                })
                .collect(),
            skipped: skipped
                .iter()
                .map(|s| SkippedReport {
                    name: &s.bundle.name,
                    kind: kind_name(s.bundle.kind),
                    reason: s.reason,
                    certificate: &s.certificate,
                })
                .collect(),
            archived: result.archived.as_deref(),
            deploy,
            reload,
        })?,
        Format::Text => {
            for r in &result.renewed {
                let c = &r.leaf.issued.cert;
                output::line(&format!(
                    "renewed {}: serial {} (replaces {}), expires {}",
                    r.kind.rel_dir(&r.leaf.name),
                    c.serial,
                    r.replaced.serial,
                    rfc3339::format(c.not_after)
                ))?;
            }
            if !deploy.is_empty() {
                output::line(&format!(
                    "next, deploy each renewed bundle where its copies are read ({SOME_DIR}: \
                     that directory; --layout as deployed before; not needed where a \
                     server or client reads the PKI directory itself):"
                ))?;
                for d in &deploy {
                    output::line(&format!("  {}", d.command))?;
                }
                let listed: Vec<String> = deploy
                    .iter()
                    .filter(|d| !d.hosts.is_empty())
                    .map(|d| format!("{} {} on {}", d.kind, d.name, d.hosts.join(", ")))
                    .collect();
                if !listed.is_empty() {
                    output::line(&output::sanitize_line(&format!(
                        "the inventory has {}: `certgen rollout` deploys, reloads and confirms there",
                        listed.join("; ")
                    )))?;
                }
            }
            if any_server {
                output::line("then make each server load its new certificate:")?;
                for db in Database::ALL {
                    output::line(&format!("  {:<12} {}", db.title(), db.reload()))?;
                }
            }
        }
    }
    if let Some(dir) = &result.archived {
        output::note(
            ctx.quiet,
            &format!("archived the old files in {}", dir.display()),
        );
    }
    let not_due = skipped
        .iter()
        .filter(|s| s.reason == SkipReason::NotDue)
        .count();
    for s in skipped.iter().filter(|s| s.reason != SkipReason::NotDue) {
        output::note(
            ctx.quiet,
            &format!("skipped {} ({})", s.bundle.rel_dir(), s.reason.describe()),
        );
    }
    if result.renewed.is_empty() && opts.within.is_none() {
        output::note(ctx.quiet, "nothing to renew");
    }
    if let Some(within) = opts.within {
        let what = if result.renewed.is_empty() {
            "nothing to renew".to_string()
        } else {
            format!("renewed {}", result.renewed.len())
        };
        output::note(
            ctx.quiet,
            &format!(
                "{what}: {not_due} certificate{} expire{} later than {}",
                if not_due == 1 { "" } else { "s" },
                if not_due == 1 { "s" } else { "" },
                format_duration(within)
            ),
        );
    }
    Ok(Status::Ok)
}

fn selection(a: &Args) -> Selection {
    if a.all {
        return Selection::All;
    }
    let named = a.names.iter().map(|n| (None, n.clone()));
    let servers = a.server.iter().map(|n| (Some(Kind::Server), n.clone()));
    let users = a.user.iter().map(|n| (Some(Kind::User), n.clone()));
    Selection::Named(named.chain(servers).chain(users).collect())
}

fn options(a: &Args, selection: &Selection) -> Result<RenewOptions> {
    let one_bundle = matches!(selection, Selection::Named(n) if n.len() == 1);
    if a.subject.is_some() && !one_bundle {
        return Err(refuse(
            "--subject names one certificate, and more than one bundle is renewed",
            "renew that bundle on its own with --subject, the others without",
        ));
    }
    Ok(RenewOptions {
        within: a.within,
        reuse_key: a.reuse_key,
        subject: a.subject.as_deref().map(Subject::parse).transpose()?,
        sans: (!a.san.is_empty())
            .then(|| San::parse_list(&a.san))
            .transpose()?,
        profile: a.profile.map(Profile::from),
        validity: a.days,
        key_type: a.key_type.map(Into::into),
        key_format: a.key_format.map(Into::into),
    })
}
