//! `certgen init-ca`: the CA key and self-signed certificate, or an intermediate.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use serde::Serialize;
use time::Duration;

use certgen::init_ca::{CaOptions, init_ca};
use certgen::secret::Passphrase;
use certgen::{CertSummary, Store, profile, request, rfc3339};

use super::args::{Format, KeyFormatArg, KeyTypeArg};
use super::bundle::Files;
use super::context::Context;
use super::exit::Status;
use super::in_command::InCommand;
use super::output;
use super::passphrase::PassphraseArgs;
use super::values;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Common name of the CA (ignored when --subject has a CN).
    #[arg(long, default_value = "certgen CA")]
    cn: String,
    /// Full subject: /C=US/O=Example/CN=Example CA or CN=Example CA,O=Example,C=US.
    #[arg(long)]
    subject: Option<String>,
    /// Key type of the CA key.
    #[arg(long, value_enum, default_value_t = KeyTypeArg::Rsa3072)]
    key_type: KeyTypeArg,
    /// Encoding of the CA key file.
    #[arg(long, value_enum, default_value_t = KeyFormatArg::Pkcs8)]
    key_format: KeyFormatArg,
    /// Lifetime: a number of days, or 30d, 2w, 12h [default: 3650 days].
    #[arg(long, value_name = "DURATION", value_parser = InCommand(values::lifetime))]
    days: Option<Duration>,
    /// Limit on intermediates below this CA (pathLenConstraint); intermediates default to 0.
    #[arg(long, value_name = "N")]
    path_len: Option<u8>,
    /// Make an intermediate CA signed by the CA in --parent.
    #[arg(long, requires = "parent")]
    intermediate: bool,
    /// The parent PKI directory, for --intermediate.
    #[arg(long, value_name = "DIR", requires = "intermediate")]
    parent: Option<PathBuf>,
    /// Replace an existing CA; its files move to old_keys/<timestamp>/ first.
    #[arg(long)]
    force: bool,
    /// Encrypt the CA key with a passphrase (PKCS#8, scrypt + AES-256-CBC): from
    /// --passphrase-file, else CERTGEN_CA_PASSPHRASE, else asked twice on the terminal.
    #[arg(long)]
    encrypt: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// The passphrase for `--encrypt`, asked before anything is written.
fn new_passphrase(ctx: &Context, force: bool) -> Result<Passphrase> {
    if ctx.store.has_ca() && !force {
        // Refused below without asking for a passphrase first.
        return Err(certgen::Error::Exists(ctx.store.ca_cert()))
            .with_context(|| format!("creating a CA in {}", ctx.store.root().display()));
    }
    ctx.passphrase.for_new_ca_key("init-ca")
}

#[derive(Serialize)]
struct Report<'a> {
    certificate: CertSummary,
    files: Files,
    archived: Option<PathBuf>,
    warnings: &'a [certgen::Warning],
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let subject = request::ca_subject(&a.cn, a.subject.as_deref())?;
    let parent = a
        .parent
        .as_ref()
        .map(|p| Store::new(p).with_passphrase(ctx.passphrase.clone()));
    let passphrase = if a.encrypt {
        Some(new_passphrase(ctx, a.force)?)
    } else {
        None
    };
    let opts = CaOptions {
        subject,
        key_type: a.key_type.into(),
        key_format: a.key_format.into(),
        validity: a.days.unwrap_or(profile::CA_VALIDITY),
        path_len: a.path_len,
        force: a.force,
        passphrase,
    };
    let created = init_ca(&ctx.store, &opts, parent.as_ref(), ctx.now())
        .with_context(|| format!("creating a CA in {}", ctx.store.root().display()))?;
    for w in &created.warnings {
        output::warn(w);
    }
    let report = Report {
        certificate: created.ca.summary()?,
        files: Files {
            certificate: ctx.store.ca_cert(),
            key: Some(ctx.store.ca_key()),
            ca: None,
        },
        archived: created.archived.clone(),
        warnings: &created.warnings,
    };
    match a.format {
        Format::Json => output::print_json(&report)?,
        Format::Text => {
            if let Some(dir) = &report.archived {
                output::note(
                    ctx.quiet,
                    &format!("archived the old CA in {}", dir.display()),
                );
            }
            let kind = if a.intermediate {
                "intermediate CA"
            } else {
                "CA"
            };
            output::line(&format!(
                "created {kind} {} ({}, valid until {})\n  certificate: {}\n  key:         {}",
                report.certificate.subject,
                report.certificate.key,
                rfc3339::format(report.certificate.not_after),
                ctx.store.ca_cert().display(),
                ctx.store.ca_key().display()
            ))?;
        }
    }
    Ok(Status::Ok)
}
