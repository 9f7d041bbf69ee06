//! `certgen issue-server NAME`: key + certificate for a database server.

use anyhow::{Context as _, Result};
use time::Duration;

use certgen::issue::{BatchOptions, Kind, LeafSpec, issue_batch, open_ca};
use certgen::{CertRequest, Profile, San, Subject, profile};

use super::bundle::{BundleReport, names, report_notes};
use super::usage::InCommand;
use super::{Context, Format, LeafKeyArgs, Status, output, refuse, values};
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
}

/// The subject and SANs of a server certificate named `name`.
pub fn server_request(
    name: &str,
    subject: Option<&str>,
    extra_sans: &[String],
    validity: Duration,
    client_auth: bool,
) -> Result<CertRequest> {
    let mut subj = match subject {
        Some(s) => Subject::parse(s)?,
        None => Subject::default(),
    };
    if subj.common_name().is_none() {
        subj.set_common_name(name)?;
    }
    let mut sans = Vec::new();
    if let Ok(san @ (San::Dns(_) | San::Ip(_))) = San::parse(name) {
        sans.push(san);
    }
    for san in San::parse_list(extra_sans)? {
        if !sans.contains(&san) {
            sans.push(san);
        }
    }
    if sans.is_empty() {
        return Err(refuse(
            format!(
                "\"{name}\" is not a DNS name or IP address, and the certificate has no other name"
            ),
            "give the names clients connect to with --san",
        ));
    }
    Ok(CertRequest {
        subject: subj,
        sans,
        profile: if client_auth {
            Profile::ServerClient
        } else {
            Profile::Server
        },
        validity,
    })
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let validity = a.days.unwrap_or(profile::SERVER_VALIDITY);
    let request = server_request(
        &a.name,
        a.subject.as_deref(),
        &a.san,
        validity,
        a.client_auth,
    )?;
    let ca = open_ca(&ctx.store)?;
    let opts = BatchOptions {
        kind: Kind::Server,
        key_type: a.key.key_type.into(),
        key_format: a.key.key_format.into(),
        force: a.force,
    };
    let spec = LeafSpec {
        name: a.name.clone(),
        request,
    };
    let result = issue_batch(&ctx.store, &ca, &[spec], opts, ctx.now(), &|| {})
        .with_context(|| format!("issuing the server certificate for {}", a.name))?;
    report_notes(ctx.quiet, &result);
    let leaf = &result.leaves[0];
    let report = BundleReport::new(leaf, None);
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
            names(&report.certificate.subject_alt_names)
        ))?,
    }
    Ok(Status::Ok)
}
