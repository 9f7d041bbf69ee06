//! `certgen sign CSR`: sign a request from elsewhere with the CA.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use serde::Serialize;
use time::Duration;

use certgen::csr::Csr;
use certgen::pki::open_ca;
use certgen::sign::sign_csr;
use certgen::{CertSummary, Profile, request, rfc3339};

use super::args::{Format, ProfileArg};
use super::bundle::Files;
use super::context::Context;
use super::exit::Status;
use super::in_command::InCommand;
use super::output;
use super::passphrase::PassphraseArgs;
use super::values;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The certificate signing request (PEM or DER).
    csr: PathBuf,
    /// What the certificate is for. A CA certificate is never made from a CSR.
    #[arg(long, value_enum, default_value_t = ProfileArg::Server)]
    profile: ProfileArg,
    /// Lifetime: a number of days, or 30d, 2w, 12h [default: 825 days for servers, 1825 for clients].
    #[arg(long, value_name = "DURATION", value_parser = InCommand(values::lifetime))]
    days: Option<Duration>,
    /// subjectAltNames to add to those the CSR asks for; repeatable and comma-separated.
    #[arg(long, value_name = "NAME")]
    san: Vec<String>,
    /// Write the certificate here (must not exist) instead of to stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Output format of the report (with --out) or the certificate.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

#[derive(Serialize)]
struct Report<'a> {
    certificate: &'a CertSummary,
    /// `null` when the certificate went to stdout.
    files: Option<Files>,
    pem: &'a str,
    warnings: &'a [certgen::Warning],
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let bytes = certgen::input::read_file(&a.csr)
        .with_context(|| format!("reading {}", a.csr.display()))?;
    let what = a.csr.display().to_string();
    let csr = Csr::parse(&what, &bytes).with_context(|| format!("checking {what}"))?;
    let profile = Profile::from(a.profile);
    let request = request::from_csr(&csr, profile, &a.san, a.days)?;
    let ca = open_ca(&ctx.store)?;
    let issued = sign_csr(&ctx.store, &ca, &csr, &request, a.out.as_deref(), ctx.now())
        .with_context(|| format!("signing {what}"))?;
    for w in &issued.warnings {
        output::warn(w);
    }
    let report = Report {
        certificate: &issued.cert,
        files: a.out.clone().map(|certificate| Files {
            certificate,
            key: None,
            ca: None,
        }),
        pem: &issued.pem,
        warnings: &issued.warnings,
    };
    match (a.format, &a.out) {
        (Format::Json, _) => output::print_json(&report)?,
        (Format::Text, None) => output::raw(&issued.pem)?,
        (Format::Text, Some(out)) => output::line(&format!(
            "signed {} (serial {}, valid until {}) into {}",
            report.certificate.subject,
            report.certificate.serial,
            rfc3339::format(report.certificate.not_after),
            out.display()
        ))?,
    }
    Ok(Status::Ok)
}
