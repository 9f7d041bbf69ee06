//! `certgen rollout`: every host of the inventory gets the bundles listed
//! for it over SSH, then its database's reload, then a connection confirms
//! what it serves; a canary first, then a few hosts at a time; the first
//! failure stops the hosts not yet reached.

use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;

use certgen::remote::Options;
use certgen::rollout::{self, HostOutcome, Settings, State};

use super::args::{Format, SshArgs};
use super::bundle::progress;
use super::context::Context;
use super::exit::Status;
use super::output;
use super::values;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The inventory (TOML: hosts, their bundles and directories, the database to reload
    /// and the server to confirm; see docs/deploy.md); default: inventory.toml in the PKI
    /// directory.
    #[arg(long, value_name = "FILE")]
    inventory: Option<PathBuf>,
    /// Look at every host and print what would change; write, reload and confirm nothing.
    #[arg(long)]
    dry_run: bool,
    /// Hosts that go alone, one after another, before the rest.
    #[arg(long, value_name = "N", default_value_t = 1)]
    canary: usize,
    /// Hosts at once after the canaries.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    parallel: u16,
    /// Deliver the files only: reload no database and confirm nothing (the first delivery,
    /// before the servers are set up to read the files; see docs/fleet.md).
    #[arg(long, conflicts_with = "dry_run")]
    no_reload: bool,
    #[command(flatten)]
    ssh: SshArgs,
    /// How long a host's server has to serve the deployed certificate after the reload.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = values::duration)]
    confirm_timeout: time::Duration,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// What `rollout --format json` prints.
#[derive(Serialize)]
struct Report<'a> {
    dry_run: bool,
    /// Hosts that got (or, with --dry-run, would get) files.
    changed: usize,
    /// Hosts that had their files but served another certificate, reloaded
    /// (or, with --dry-run, would be).
    reloaded: usize,
    failed: usize,
    hosts: Vec<HostReport<'a>>,
}

#[derive(Serialize)]
struct HostReport<'a> {
    host: &'a str,
    state: &'static str,
    bundles: Vec<BundleReport<'a>>,
    reloaded: Option<&'a str>,
    confirmed_serial: Option<&'a str>,
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct BundleReport<'a> {
    kind: &'static str,
    name: &'a str,
    serial: &'a str,
    changed: bool,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let path = a
        .inventory
        .clone()
        .unwrap_or_else(|| ctx.store.path(rollout::INVENTORY));
    let hosts = rollout::load(&path)?;
    let ssh = a.ssh.ssh()?;
    let settings = Settings {
        canary: a.canary,
        parallel: usize::from(a.parallel),
        dry_run: a.dry_run,
        reload: !a.no_reload,
        confirm_within: std::time::Duration::try_from(a.confirm_timeout).unwrap_or_default(),
        connect: Options::confirming(),
    };
    let bar = progress(
        hosts.len(),
        ctx.quiet || a.format == Format::Json,
        "rollout",
    );
    let outcomes = rollout::rollout(&ctx.store, &ssh, &hosts, &settings, ctx.now(), &|o| {
        bar.set_message(o.host.clone());
        bar.inc(1);
    });
    bar.finish_and_clear();
    let changed = outcomes
        .iter()
        .filter(|o| matches!(o.state, State::Deployed | State::WouldDeploy))
        .count();
    let reloaded = outcomes
        .iter()
        .filter(|o| matches!(o.state, State::Reloaded | State::WouldReload))
        .count();
    let failed = outcomes.iter().filter(|o| o.state == State::Failed).count();
    match a.format {
        Format::Json => output::print_json(&Report {
            dry_run: a.dry_run,
            changed,
            reloaded,
            failed,
            hosts: outcomes.iter().map(host_report).collect(),
        })?,
        Format::Text => {
            for o in &outcomes {
                output::line(&output::sanitize_line(&text_line(o)))?;
            }
            let summary = if changed == 0 && reloaded == 0 && failed == 0 {
                format!(
                    "{} hosts, nothing to do: every host has what the PKI holds",
                    outcomes.len()
                )
            } else if a.dry_run && reloaded > 0 {
                format!(
                    "{} hosts, {changed} would change, {reloaded} would be reloaded",
                    outcomes.len()
                )
            } else if a.dry_run {
                format!("{} hosts, {changed} would change", outcomes.len())
            } else if reloaded > 0 {
                format!(
                    "{} hosts, {changed} changed, {reloaded} reloaded, {failed} failed",
                    outcomes.len()
                )
            } else {
                format!(
                    "{} hosts, {changed} changed, {failed} failed",
                    outcomes.len()
                )
            };
            output::line(&summary)?;
        }
    }
    Ok(if failed > 0 {
        Status::Usage
    } else {
        Status::Ok
    })
}

fn host_report(o: &HostOutcome) -> HostReport<'_> {
    HostReport {
        host: &o.host,
        state: o.state.name(),
        bundles: o
            .bundles
            .iter()
            .map(|(kind, name, serial, changed)| BundleReport {
                kind,
                name,
                serial,
                changed: *changed,
            })
            .collect(),
        reloaded: o.reloaded.as_deref(),
        confirmed_serial: o.confirmed.as_deref(),
        error: o.error.as_deref(),
    }
}

fn text_line(o: &HostOutcome) -> String {
    let bundles: Vec<String> = o
        .bundles
        .iter()
        .map(|(kind, name, serial, changed)| {
            format!(
                "{kind} {name} {serial}{}",
                if *changed { " (new)" } else { "" }
            )
        })
        .collect();
    let mut line = format!("{}: {}", o.host, o.state.name());
    if !bundles.is_empty() {
        line += &format!(" [{}]", bundles.join(", "));
    }
    if let Some(r) = &o.reloaded {
        line += &format!("; reloaded: {r}");
    }
    if let Some(s) = &o.confirmed {
        line += &format!("; serves {s}");
    }
    if let Some(e) = &o.error {
        line += &format!("; {e}");
    }
    line
}
