//! `certgen retire server NAME | user USER`: the server or user gets no
//! certificate any more. Revokes its certificate, archives its bundle, and
//! prints what takes the certificate requirement off the user's account.

use std::path::Path;

use anyhow::Result;
use serde::Serialize;
use time::OffsetDateTime;

use certgen::db::Database;
use certgen::db::account::{Release, SQL_DATABASES, release};
use certgen::index::Reason;
use certgen::kind::Kind;
use certgen::lifecycle::{Retired, retire};
use certgen::serial::Serial;
use certgen::{CertSummary, rfc3339};

use super::args::{Format, KindArg, reason_parser};
use super::context::Context;
use super::exit::Status;
use super::in_command::InCommand;
use super::output;
use super::sql_out::SqlOutArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Whether NAME is a server bundle (servers/NAME) or a user bundle (users/NAME).
    #[arg(value_enum)]
    kind: KindArg,
    /// The bundle to retire; for a user, the database account too.
    name: String,
    /// Why, as recorded in the index and the CRL; a certificate already revoked keeps its date and
    /// reason.
    #[arg(
        long,
        value_name = "REASON",
        default_value = "cessationOfOperation",
        value_parser = InCommand(reason_parser())
    )]
    reason: Reason,
    /// The host part of the account in the printed statements.
    #[arg(long, default_value = "%", value_name = "HOST")]
    sql_host: String,
    #[command(flatten)]
    sql_out: SqlOutArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// What `retire --format json` prints.
#[derive(Serialize)]
struct Report<'a> {
    kind: &'static str,
    name: &'a str,
    serial: &'a Serial,
    subject: &'a str,
    #[serde(with = "rfc3339::option")]
    revoked_at: Option<OffsetDateTime>,
    revocation_reason: Option<&'a str>,
    /// The index recorded the certificate revoked before: its date and
    /// reason were kept.
    already_revoked: bool,
    /// Where the bundle directory went.
    archived: &'a Path,
    certificate: &'a CertSummary,
    /// For a user: what takes the certificate requirement off the account.
    account: Option<AccountReport<'a>>,
}

#[derive(Serialize)]
struct AccountReport<'a> {
    user: &'a str,
    sql_host: &'a str,
    sql: SqlReport<'a>,
    pg_hba: HbaReport<'a>,
}

#[derive(Serialize)]
struct SqlReport<'a> {
    databases: Vec<&'static str>,
    require_none: &'a str,
    drop_user: &'a str,
}

#[derive(Serialize)]
struct HbaReport<'a> {
    file: &'static str,
    delete: &'a [String],
    reload: String,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let kind = Kind::from(a.kind);
    // Checked before anything is written: the statements must be printable.
    let account = match kind {
        Kind::User => Some(release(&a.name, &a.sql_host)?),
        Kind::Server => None,
    };
    a.sql_out.check(
        account
            .is_none()
            .then_some("a server has no account to print SQL for"),
    )?;
    let retired = retire(&ctx.store, kind, &a.name, a.reason, ctx.now())?;
    let revocation = retired.entry.revocation();
    let report = Report {
        kind: kind.noun(),
        name: &retired.bundle.name,
        serial: &retired.certificate.serial,
        subject: &retired.certificate.subject,
        revoked_at: revocation.map(|(at, _)| at),
        revocation_reason: revocation.and_then(|(_, r)| r),
        already_revoked: !retired.newly_revoked,
        archived: &retired.archived,
        certificate: &retired.certificate,
        account: account.as_ref().map(account_report),
    };
    match a.format {
        Format::Json => output::print_json(&report)?,
        Format::Text => print_text(&retired, &report, account.as_ref())?,
    }
    if let Some(r) = &account {
        a.sql_out.write(ctx.quiet, &sql_lines(r))?;
    }
    if kind == Kind::Server {
        output::note(
            ctx.quiet,
            "a server configured with this bundle's files serves its certificate until it is given another bundle and reloaded",
        );
    }
    if retired.newly_revoked {
        output::note(
            ctx.quiet,
            "run `certgen crl` to publish the revocation in crl.pem",
        );
    }
    Ok(Status::Ok)
}

/// What `--sql-out` writes: the statement that takes the requirement off
/// the account, and dropping it as the alternative, commented out.
fn sql_lines(r: &Release) -> Vec<String> {
    let titles: Vec<&str> = SQL_DATABASES.iter().map(|d| d.title()).collect();
    vec![
        format!(
            "-- {}: stop requiring a certificate for {}'s account",
            titles.join(", "),
            r.user
        ),
        r.require_none.clone(),
        format!("-- or, to remove the account: {}", r.drop_user),
    ]
}

fn account_report(r: &Release) -> AccountReport<'_> {
    AccountReport {
        user: &r.user,
        sql_host: &r.sql_host,
        sql: SqlReport {
            databases: SQL_DATABASES.iter().map(|d| d.name()).collect(),
            require_none: &r.require_none,
            drop_user: &r.drop_user,
        },
        pg_hba: HbaReport {
            file: "pg_hba.conf",
            delete: &r.hba_lines,
            reload: Database::Postgres.reload().to_string(),
        },
    }
}

fn print_text(retired: &Retired, report: &Report<'_>, account: Option<&Release>) -> Result<()> {
    let when = report
        .revoked_at
        .map(rfc3339::format)
        .unwrap_or_else(|| "an unknown date".into());
    let reason = report.revocation_reason.unwrap_or("no reason given");
    let what = format!("{} (serial {}", report.subject, report.serial);
    output::line(&if retired.newly_revoked {
        format!(
            "retired {}: revoked {what}, {reason}) on {when}",
            retired.bundle.rel_dir()
        )
    } else {
        format!(
            "retired {}: {what}) was already revoked ({reason}) on {when}",
            retired.bundle.rel_dir()
        )
    })?;
    output::line(&format!(
        "  the bundle moved to {}",
        retired.archived.display()
    ))?;
    let Some(r) = account else {
        return Ok(());
    };
    let titles: Vec<&str> = SQL_DATABASES.iter().map(|d| d.title()).collect();
    output::line(&format!(
        "to stop requiring a certificate for {}'s account:",
        r.user
    ))?;
    output::line(&format!("  {}:", titles.join(", ")))?;
    output::line(&format!("    {}", r.require_none))?;
    output::line(&format!("    or, to remove the account: {}", r.drop_user))?;
    output::line(&format!(
        "  PostgreSQL: delete these lines from pg_hba.conf, then run {}",
        Database::Postgres.reload()
    ))?;
    for line in &r.hba_lines {
        output::line(&format!("    {line}"))?;
    }
    Ok(())
}
