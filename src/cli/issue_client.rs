//! `certgen issue-client USER...`: one key and client certificate per
//! database user, and the SQL that requires it.

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use time::Duration;

use certgen::issue::issue_bundles;
use certgen::kind::Kind;
use certgen::lifecycle::{RenewOptions, order_for};
use certgen::pki::open_ca;
use certgen::{San, request};

use super::args::{Format, ReplacingKeyArgs};
use super::bundle::{BundleReport, progress, report_notes};
use super::context::Context;
use super::exit::Status;
use super::in_command::InCommand;
use super::output;
use super::passphrase::PassphraseArgs;
use super::settings::RequireArg;
use super::values;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Database user names; each becomes CN=USER and users/USER/.
    #[arg(value_name = "USER", required_unless_present = "from")]
    users: Vec<String>,
    /// Read more user names from FILE (one per line, # comments; - for stdin).
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
    /// Subject attributes shared by all users (/C=US/O=Example); the CN is the
    /// user name [with --force: default the replaced certificate's subject].
    #[arg(long)]
    subject: Option<String>,
    /// subjectAltNames to add to every certificate (an email address, say)
    /// [with --force: default the replaced certificate's].
    #[arg(long, value_name = "NAME")]
    san: Vec<String>,
    #[command(flatten)]
    key: ReplacingKeyArgs,
    /// Lifetime: a number of days, or 30d, 2w, 12h [default: 1825 days; with
    /// --force: the replaced certificate's].
    #[arg(long, value_name = "DURATION", value_parser = InCommand(values::lifetime))]
    days: Option<Duration>,
    /// The host part of the account in the printed ALTER USER statements.
    #[arg(long, default_value = "%", value_name = "HOST")]
    sql_host: String,
    /// How the printed ALTER USER statements tie each account to TLS.
    #[arg(long, value_enum, value_name = "HOW", default_value = "subject")]
    require: RequireArg,
    /// Replace existing bundles (the old files move to old_keys/<timestamp>/):
    /// subject, names, lifetime, key type and key format no flag gives are
    /// kept from each certificate replaced. For routine renewal, use `certgen renew`.
    #[arg(long)]
    force: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let mut users = a.users.clone();
    if let Some(from) = &a.from {
        users.extend(read_name_list(from)?);
    }
    if users.is_empty() {
        bail!("no user names given");
    }
    certgen::db::mysql::check_account_part("SQL host", &a.sql_host)?;
    let base = request::client_subject(a.subject.as_deref())?;
    let sans = San::parse_list(&a.san)?;
    let said = RenewOptions {
        validity: a.days,
        ..a.key.said()
    };
    let requests = users
        .iter()
        .map(|u| request::client(u, base.as_ref(), &sans, a.days))
        .collect::<certgen::Result<Vec<_>>>()?;
    let ca = open_ca(&ctx.store)?;
    let mut orders = Vec::with_capacity(users.len());
    for (user, request) in users.iter().zip(requests) {
        // With --force, what the command line does not say is kept from the
        // replaced certificate.
        let said = RenewOptions {
            subject: a.subject.is_some().then(|| request.subject.clone()),
            sans: (!a.san.is_empty()).then(|| request.sans.clone()),
            ..said.clone()
        };
        let order = order_for(
            &ctx.store,
            Kind::User,
            user,
            a.force,
            &said,
            || Ok(request),
            a.key.or_default(),
        )?;
        orders.push(order);
    }
    let bar = progress(orders.len(), ctx.quiet, "generating keys");
    let result = issue_bundles(&ctx.store, &ca, orders, ctx.now(), &|| bar.inc(1));
    bar.finish_and_clear();
    let result = result.context("issuing client certificates")?;
    report_notes(ctx.quiet, &result);
    let reports: Vec<BundleReport> = result
        .leaves
        .iter()
        .map(|l| BundleReport::new(l, Some((&a.sql_host, a.require.into()))))
        .collect();
    match a.format {
        Format::Json => output::print_json(&reports)?,
        Format::Text => {
            output::note(
                ctx.quiet,
                &format!(
                    "issued {} client certificate{} in {}",
                    reports.len(),
                    if reports.len() == 1 { "" } else { "s" },
                    ctx.store.path("users").display()
                ),
            );
            let sql: Vec<&str> = reports.iter().filter_map(|r| r.sql.as_deref()).collect();
            output::line(&sql.join("\n"))?;
        }
    }
    Ok(Status::Ok)
}

/// Reads names from `--from FILE` (`-` for stdin): one per line, `#` comments
/// and blank lines ignored.
fn read_name_list(path: &std::path::Path) -> Result<Vec<String>> {
    use certgen::input::{read_file, read_stdin, utf8};
    let (what, bytes) = if path.as_os_str() == "-" {
        ("names from stdin".to_string(), read_stdin())
    } else {
        (path.display().to_string(), read_file(path))
    };
    let text = bytes
        .and_then(utf8)
        .with_context(|| format!("reading {what}"))?;
    Ok(text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect())
}
