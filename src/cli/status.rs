//! `certgen status`: one view of the PKI directory (its CA and a
//! changeover in progress, its CRL file, every bundle's state) with the
//! problems found, exiting with the worst status in the Nagios plugin
//! convention, as check-expiry does.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::builder::{EnumValueParser, PathBufValueParser};
use time::{Duration, OffsetDateTime};

use certgen::expiry::Thresholds;
use certgen::fleet_view;
use certgen::status::{self, Options, PkiStatus};
use certgen::store::{Mode, replace_file};

use super::args::SshArgs;
use super::context::Context;
use super::exit::Status;
use super::in_command::InCommand;
use super::prometheus;
use super::status_report;
use super::values;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// WARNING when a certificate expires (a CRL's nextUpdate falls) within this time
    /// (30d, 2w, 12h, or days); also the window in which the CRL file is due.
    #[arg(long, default_value = "30d", value_name = "DURATION", value_parser = InCommand(values::duration))]
    warn: Duration,
    /// CRITICAL when a certificate (a CRL) expires within this time, has expired, or is not yet
    /// valid.
    #[arg(long, default_value = "7d", value_name = "DURATION", value_parser = InCommand(values::duration))]
    crit: Duration,
    /// Check as of this time instead of now (RFC 3339, a date for its midnight UTC, or Unix seconds).
    #[arg(long, value_name = "TIME", value_parser = InCommand(values::instant))]
    at: Option<OffsetDateTime>,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = InCommand(EnumValueParser::<StatusFormat>::new()))]
    format: StatusFormat,
    /// Write the report to FILE atomically instead of stdout (for node_exporter's textfile
    /// collector).
    #[arg(long, value_name = "FILE", value_parser = InCommand(PathBufValueParser::new()))]
    output: Option<PathBuf>,
    /// Also look at the hosts of this inventory (see `certgen rollout`), read-only over SSH:
    /// the serial each holds and the one its server serves; flags a host that needs a deploy
    /// or a reload, or serves a revoked certificate.
    #[arg(long, value_name = "FILE", value_parser = InCommand(PathBufValueParser::new()))]
    inventory: Option<PathBuf>,
    #[command(flatten)]
    ssh: SshArgs,
}

/// `--format` of status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    /// A table; with --quiet only the problems, and nothing when all is well.
    Text,
    /// One JSON document (see docs/status.md).
    Json,
    /// A Nagios plugin status line with performance data.
    Nagios,
    /// Prometheus text exposition format (node_exporter textfile collector).
    Prometheus,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let thresholds = Thresholds::new(a.warn, a.crit).context("--warn and --crit")?;
    let now = a.at.unwrap_or_else(|| {
        let now = ctx.now();
        now.replace_nanosecond(0).unwrap_or(now)
    });
    let options = Options {
        thresholds,
        now,
        summaries: a.format == StatusFormat::Json,
    };
    let mut pki = status::read(&ctx.store, &options)?;
    let hosts = match &a.inventory {
        Some(file) => {
            let inventory = certgen::rollout::load(file)?;
            let ssh = a.ssh.ssh()?;
            let connect = certgen::remote::Options::confirming();
            Some(fleet_view::look(
                &ctx.store, &ssh, &inventory, &mut pki, &connect, now,
            ))
        }
        None => None,
    };
    let mut buf = Vec::new();
    render(&mut buf, &pki, a.format, ctx.quiet)?;
    if let Some(rows) = &hosts {
        buf = with_hosts(buf, rows, a.format, ctx.quiet)?;
    }
    match &a.output {
        Some(file) => replace_file(file, &buf, Mode::Public)
            .with_context(|| format!("writing the report to {}", file.display()))?,
        // The exit status is the answer: a reader that went away
        // (`status | head -1`) does not change it.
        None => match std::io::stdout().lock().write_all(&buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other?,
        },
    }
    Ok(status_report::overall(&pki).into())
}

/// The report with a row per host and bundle: a `hosts` array in JSON, a
/// line each after the text table (the problems are already among the
/// bundles' flags, in every format).
fn with_hosts(
    buf: Vec<u8>,
    rows: &[fleet_view::HostRow],
    format: StatusFormat,
    quiet: bool,
) -> Result<Vec<u8>> {
    let host_json = |r: &fleet_view::HostRow| {
        serde_json::json!({
            "host": r.host,
            "kind": r.kind.noun(),
            "name": r.name,
            "deployed_serial": r.deployed,
            "served_serial": r.served,
            "status": r.verdict.level.name().to_ascii_lowercase(),
            "reason": r.verdict.reason,
        })
    };
    match format {
        StatusFormat::Json => {
            let mut doc: serde_json::Value = serde_json::from_slice(&buf)?;
            doc["hosts"] = rows.iter().map(host_json).collect();
            let mut out = serde_json::to_vec_pretty(&doc)?;
            out.push(b'\n');
            Ok(out)
        }
        StatusFormat::Text => {
            let mut out = buf;
            for r in rows.iter().filter(|r| !quiet || r.verdict.level.raises()) {
                writeln!(
                    out,
                    "HOST {}  {} {}  deployed {}  served {}  {}",
                    r.host,
                    r.kind.noun(),
                    r.name,
                    r.deployed.as_deref().unwrap_or("-"),
                    r.served.as_deref().unwrap_or("-"),
                    r.verdict.level.name(),
                )?;
            }
            Ok(out)
        }
        StatusFormat::Nagios | StatusFormat::Prometheus => Ok(buf),
    }
}

fn render(out: &mut dyn Write, s: &PkiStatus, format: StatusFormat, quiet: bool) -> Result<()> {
    match format {
        StatusFormat::Text => status_report::text(out, s, quiet)?,
        StatusFormat::Json => status_report::json(out, s)?,
        StatusFormat::Nagios => status_report::nagios(out, s)?,
        StatusFormat::Prometheus => prometheus::status(out, s)?,
    }
    Ok(())
}
