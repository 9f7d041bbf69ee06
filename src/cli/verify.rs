//! `certgen verify CERT`: path validation with reasons an operator can act on.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use clap::ValueEnum;
use serde::Serialize;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use certgen::encoding::parsed_certificates;
use certgen::input::read_file;
use certgen::verify::{Host, Input, Mode, Options, Purpose, Rejection, Report, Warning};
use certgen::{CertSummary, PrivateKey, rfc3339};

use super::args::Format;
use super::context::Context;
use super::errors::print_hint;
use super::exit::Status;
use super::in_command::InCommand;
use super::output;
use super::values;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PurposeArg {
    /// TLS server (extendedKeyUsage serverAuth)
    Server,
    /// TLS client (extendedKeyUsage clientAuth)
    Client,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The certificate to verify (PEM or DER; the first certificate of a bundle).
    cert: PathBuf,
    /// Trusted roots, one or more in one file [default: DIR/ca-bundle.pem, else DIR/ca-cert.pem].
    #[arg(long, value_name = "FILE")]
    ca: Option<PathBuf>,
    /// Untrusted intermediates, in any order.
    #[arg(long, value_name = "FILE")]
    chain: Option<PathBuf>,
    /// The DNS name or IP address clients connect to.
    #[arg(long, value_name = "NAME|IP")]
    host: Option<String>,
    /// What the certificate must be good for.
    #[arg(long, value_enum, default_value_t = PurposeArg::Server)]
    purpose: PurposeArg,
    /// Verify as of this time (RFC 3339, a date for its midnight UTC, or Unix seconds) instead of now.
    #[arg(long, value_name = "TIME", value_parser = InCommand(values::instant))]
    at: Option<OffsetDateTime>,
    /// A private key that must belong to the certificate.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Check revocation: the CRL of the certificate's issuer (PEM or DER) must
    /// verify with the issuer's key, be current, and not list the certificate.
    #[arg(long, value_name = "FILE")]
    crl: Option<PathBuf>,
    /// Give the verdict of the strictest clients (rustls, Go, Java, browsers) instead of OpenSSL's.
    #[arg(long)]
    strict: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// The JSON document `verify --format json` prints (see docs/verify.md).
#[derive(Serialize)]
struct JsonReport<'a> {
    file: &'a Path,
    valid: bool,
    reason: Option<&'a Rejection>,
    #[serde(with = "rfc3339")]
    checked_at: OffsetDateTime,
    mode: Mode,
    purpose: Purpose,
    host: Option<&'a str>,
    key_checked: bool,
    certificate: &'a CertSummary,
    chain: &'a [CertSummary],
    warnings: &'a [Warning],
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let input = read_input(ctx, &a)?;
    let host = a.host.as_deref().map(Host::parse).transpose()?;
    let now = a.at.unwrap_or_else(|| ctx.now());
    let key = a.key.as_deref().map(read_key).transpose()?;
    let crls = a.crl.as_deref().map(read_crls).transpose()?;
    let opts = Options {
        host: host.as_ref(),
        purpose: match a.purpose {
            PurposeArg::Server => Purpose::Server,
            PurposeArg::Client => Purpose::Client,
        },
        now,
        key: key.as_ref(),
        crls: crls.as_deref(),
        mode: if a.strict {
            Mode::Strict
        } else {
            Mode::Default
        },
    };
    let report = certgen::verify::verify(&input, &opts)
        .with_context(|| format!("verifying {}", a.cert.display()))?;
    match a.format {
        Format::Json => output::print_json(&JsonReport {
            file: &a.cert,
            valid: report.is_valid(),
            reason: report.rejection.as_ref(),
            checked_at: now,
            mode: opts.mode,
            purpose: opts.purpose,
            host: a.host.as_deref(),
            key_checked: key.is_some(),
            certificate: &report.certificate,
            chain: &report.chain,
            warnings: &report.warnings,
        })?,
        Format::Text => print_text(ctx, &a.cert, &report)?,
    }
    Ok(if report.is_valid() {
        Status::Ok
    } else {
        Status::Negative
    })
}

fn print_text(ctx: &Context, file: &Path, report: &Report) -> Result<()> {
    for w in &report.warnings {
        output::warn(&w.message);
    }
    match &report.rejection {
        Some(reason) => {
            let file = output::sanitize_line(&file.display().to_string());
            output::line(&format!("{file}: rejected: {reason}"))?;
            if let Some(hint) = rejection_hint(reason) {
                print_hint(hint);
            }
            Ok(())
        }
        None => {
            let file = output::sanitize_line(&file.display().to_string());
            output::line(&format!("{file}: OK"))?;
            if !ctx.quiet {
                let names: Vec<&str> = report.chain.iter().map(|c| c.subject.as_str()).collect();
                output::line(&format!("  chain: {}", names.join(" <- ")))?;
                output::line(&format!(
                    "  valid until {}",
                    rfc3339::format(report.certificate.not_after)
                ))?;
            }
            Ok(())
        }
    }
}

/// What to do about a rejection, when the fix is on the command line.
fn rejection_hint(reason: &Rejection) -> Option<&'static str> {
    match reason {
        Rejection::TooManyPaths => {
            Some("give only the intermediates that matter with --chain, the leaf's issuer first")
        }
        _ => None,
    }
}

fn read_input(ctx: &Context, a: &Args) -> Result<Input> {
    let ca_path = match a
        .ca
        .clone()
        .or_else(|| certgen::pki::trusted_roots(&ctx.store))
    {
        Some(p) => p,
        None => bail!(
            "no CA certificate at {}: pass --ca FILE with the trusted roots, or --dir DIR for another PKI directory",
            ctx.store.ca_cert().display()
        ),
    };
    let leaf = read_certs(&a.cert)?.into_iter().next().unwrap_or_default();
    let roots = read_certs(&ca_path)?;
    let intermediates = match &a.chain {
        Some(p) => read_chain(p)?,
        None => Vec::new(),
    };
    Ok(Input {
        leaf,
        roots,
        intermediates,
    })
}

/// The certificates of a file, each of which must parse: a file that holds
/// something else, or a certificate that cannot be read, is an input error
/// naming the file, never left out of the path without a word.
fn read_certs(path: &Path) -> Result<Vec<Vec<u8>>> {
    let bytes = read_file(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(parsed_certificates(&path.display().to_string(), &bytes)?)
}

/// Like [`read_certs`], but an empty file is an empty chain.
fn read_chain(path: &Path) -> Result<Vec<Vec<u8>>> {
    let bytes = read_file(path).with_context(|| format!("reading {}", path.display()))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    Ok(parsed_certificates(&path.display().to_string(), &bytes)?)
}

fn read_crls(path: &Path) -> Result<Vec<Vec<u8>>> {
    let bytes = read_file(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(certgen::encoding::crls(
        &path.display().to_string(),
        &bytes,
    )?)
}

fn read_key(path: &Path) -> Result<PrivateKey> {
    let bytes =
        Zeroizing::new(read_file(path).with_context(|| format!("reading {}", path.display()))?);
    Ok(PrivateKey::from_bytes(&path.display().to_string(), &bytes)?)
}
