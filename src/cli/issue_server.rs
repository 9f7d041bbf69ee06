//! `certgen issue-server NAME`: key + certificate for a database server.

use anyhow::{Context as _, Result};
use time::Duration;

use certgen::issue::issue_bundles;
use certgen::kind::Kind;
use certgen::lifecycle::{RenewOptions, order_for};
use certgen::pki::open_ca;
use certgen::{Profile, request, rfc3339};

use super::args::{Format, ReplacingKeyArgs};
use super::bundle::{BundleReport, report_notes};
use super::context::Context;
use super::exit::Status;
use super::in_command::InCommand;
use super::output::{self, comma_list};
use super::passphrase::PassphraseArgs;
use super::values;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The server's name: its directory under servers/, its CN, and a SAN when
    /// it is a DNS name or IP address.
    name: String,
    /// More names clients use to reach it (DNS, IPv4/IPv6); repeatable and
    /// comma-separated [with --force: default the replaced certificate's].
    #[arg(long, value_name = "NAME")]
    san: Vec<String>,
    /// Subject attributes (/C=US/O=Example); CN defaults to NAME [with --force:
    /// default the replaced certificate's].
    #[arg(long)]
    subject: Option<String>,
    #[command(flatten)]
    key: ReplacingKeyArgs,
    /// Lifetime: a number of days, or 30d, 2w, 12h [default: 825 days; with
    /// --force: the replaced certificate's].
    #[arg(long, value_name = "DURATION", value_parser = InCommand(values::lifetime))]
    days: Option<Duration>,
    /// Add clientAuth, for cluster nodes that also connect to each other (with
    /// --force, a replaced certificate's clientAuth is kept without it).
    #[arg(long)]
    client_auth: bool,
    /// Replace an existing bundle (the old files move to old_keys/<timestamp>/):
    /// names, subject, lifetime, key type and key format no flag gives are
    /// kept from the certificate it replaces. For routine renewal, use `certgen renew`.
    #[arg(long)]
    force: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    // Every input is checked before the CA is opened. With --force, what the
    // command line does not say is kept from the replaced certificate: its
    // names may be all a NAME that is no DNS name has, so a request refused
    // for want of a name is refused only when it is issued.
    let fresh = match request::server(&a.name, a.subject.as_deref(), &a.san, a.days, a.client_auth)
    {
        Err(e) if !a.force || !a.san.is_empty() => return Err(e.into()),
        fresh => fresh,
    };
    let said = RenewOptions {
        subject: a
            .subject
            .as_deref()
            .map(|s| request::subject(Some(&a.name), Some(s)))
            .transpose()?,
        sans: fresh
            .as_ref()
            .ok()
            .filter(|_| !a.san.is_empty())
            .map(|r| r.sans.clone()),
        profile: a.client_auth.then_some(Profile::ServerClient),
        validity: a.days,
        ..a.key.said()
    };
    let ca = open_ca(&ctx.store)?;
    let order = order_for(
        &ctx.store,
        Kind::Server,
        &a.name,
        a.force,
        &said,
        || fresh,
        a.key.or_default(),
    )?;
    let result = issue_bundles(&ctx.store, &ca, vec![order], ctx.now(), &|| {})
        .with_context(|| format!("issuing the server certificate for {}", a.name))?;
    report_notes(ctx.quiet, &result);
    let leaf = result
        .leaves
        .into_iter()
        .next()
        .context("the issued bundle is missing from the result")?;
    let report = BundleReport::new(&leaf, None)?;
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
