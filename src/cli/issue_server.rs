//! `certgen issue-server NAME`: key + certificate for a database server.

use anyhow::{Context as _, Result};
use time::Duration;

use certgen::issue::{Kind, LeafSpec, issue_batch, open_ca};
use certgen::request;

use super::bundle::{BundleReport, report_notes};
use super::output::comma_list;
use super::usage::InCommand;
use super::{Context, Format, LeafKeyArgs, Status, output, values};
use certgen::rfc3339;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The server's name: its directory under servers/, its CN, and a SAN when
    /// it is a DNS name or IP address.
    name: String,
    /// More names clients use to reach it (DNS, IPv4/IPv6); repeatable and comma-separated.
    #[arg(long, value_name = "NAME")]
    san: Vec<String>,
    /// Subject attributes (/C=US/O=Example); CN defaults to NAME.
    #[arg(long)]
    subject: Option<String>,
    #[command(flatten)]
    key: LeafKeyArgs,
    /// Lifetime: a number of days, or 30d, 2w, 12h [default: 825 days].
    #[arg(long, value_name = "DURATION", value_parser = InCommand(values::lifetime))]
    days: Option<Duration>,
    /// Add clientAuth, for cluster nodes that also connect to each other.
    #[arg(long)]
    client_auth: bool,
    /// Replace an existing bundle; the old files move to old_keys/<timestamp>/ first.
    #[arg(long)]
    force: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    pub passphrase: super::passphrase::PassphraseArgs,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let request = request::server(&a.name, a.subject.as_deref(), &a.san, a.days, a.client_auth)?;
    let ca = open_ca(&ctx.store)?;
    let opts = a.key.batch(Kind::Server, a.force);
    let spec = LeafSpec {
        name: a.name.clone(),
        request,
    };
    let result = issue_batch(&ctx.store, &ca, &[spec], opts, ctx.now(), &|| {})
        .with_context(|| format!("issuing the server certificate for {}", a.name))?;
    report_notes(ctx.quiet, &result);
    let leaf = result
        .leaves
        .into_iter()
        .next()
        .context("the issued bundle is missing from the result")?;
    let report = BundleReport::new(&leaf, None);
    match a.format {
        Format::Json => output::print_json(&report)?,
        Format::Text => output::line(&format!(
            "issued server certificate {} (serial {}, valid until {})\n  certificate: {}\n  key:         {}\n  CA:          {}\n  names:       {}",
            report.certificate.subject,
            report.certificate.serial,
            rfc3339::format(report.certificate.not_after),
            leaf.cert_path.display(),
            leaf.key_path.display(),
            leaf.ca_path.display(),
            comma_list(&report.certificate.subject_alt_names)
        ))?,
    }
    Ok(Status::Ok)
}
