//! `certgen rotate-ca`: a new root CA with a changeover bundle of the old and
//! new roots; `rotate-ca --finish` drops the old root once nothing needs it.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::Serialize;
use time::Duration;

use certgen::crl::CRL_FILE;
use certgen::lifecycle::{self, RotateOptions};
use certgen::{CertSummary, request, rfc3339};

use super::args::{Format, KeyTypeArg};
use super::context::Context;
use super::exit::Status;
use super::in_command::InCommand;
use super::output;
use super::passphrase::PassphraseArgs;
use super::values;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// End the changeover: drop the old root from ca-bundle.pem and every
    /// bundle's ca-cert.pem, and its CRL from crl.pem, once no valid
    /// certificate chains to it.
    #[arg(long, conflicts_with_all = ["cn", "subject", "key_type", "days"])]
    finish: bool,
    /// Common name of the new CA [default: the old CA's subject].
    #[arg(long)]
    cn: Option<String>,
    /// Subject of the new CA (/C=US/O=Example/CN=Example CA) [default: the old CA's].
    #[arg(long)]
    subject: Option<String>,
    /// Key type of the new CA key [default: the old key's].
    #[arg(long, value_enum)]
    key_type: Option<KeyTypeArg>,
    /// Lifetime of the new CA: a number of days, or 30d, 2w, 12h [default: the old CA's].
    #[arg(long, value_name = "DURATION", value_parser = InCommand(values::lifetime))]
    days: Option<Duration>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// What `rotate-ca --format json` prints.
#[derive(Serialize)]
struct Report<'a> {
    certificate: &'a CertSummary,
    previous: &'a CertSummary,
    files: Files<'a>,
    /// The bundles' `ca-cert.pem` files rewritten to hold both roots.
    updated: &'a [PathBuf],
    archived: Option<&'a Path>,
}

#[derive(Serialize)]
struct Files<'a> {
    certificate: PathBuf,
    key: PathBuf,
    bundle: &'a Path,
    /// The old CA's key and certificate, kept until `--finish`.
    old_key: PathBuf,
    old_certificate: PathBuf,
    /// The CRL file, rewritten with a CRL of each root, when there is one.
    crl: Option<PathBuf>,
}

/// What `rotate-ca --finish --format json` prints.
#[derive(Serialize)]
struct FinishReport<'a> {
    certificate: &'a CertSummary,
    dropped: &'a [CertSummary],
    /// The bundles' `ca-cert.pem` files rewritten to hold the new root alone.
    updated: &'a [PathBuf],
    /// The CRL file, rewritten with the new CA's CRL alone, when there is one.
    crl: Option<PathBuf>,
    archived: Option<&'a Path>,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    if a.finish {
        return finish(ctx, a.format);
    }
    let subject = match (&a.cn, &a.subject) {
        (None, None) => None,
        (cn, subject) => Some(request::subject(cn.as_deref(), subject.as_deref())?),
    };
    let opts = RotateOptions {
        subject,
        key_type: a.key_type.map(Into::into),
        validity: a.days,
    };
    let r = lifecycle::rotate_ca(&ctx.store, &opts, ctx.now()).context("rotating the CA")?;
    match a.format {
        Format::Json => output::print_json(&Report {
            certificate: &r.ca,
            previous: &r.previous,
            files: Files {
                certificate: ctx.store.ca_cert(),
                key: ctx.store.ca_key(),
                bundle: &r.bundle,
                old_key: ctx.store.path(certgen::store::CA_OLD_KEY),
                old_certificate: ctx.store.path(certgen::store::CA_OLD_CERT),
                crl: r.crls.as_ref().map(|_| ctx.store.path(CRL_FILE)),
            },
            updated: &r.updated,
            archived: r.archived.as_deref(),
        })?,
        Format::Text => {
            output::line(&format!(
                "new CA {} ({}, serial {}, valid until {}{})",
                r.ca.subject,
                r.ca.key,
                r.ca.serial,
                rfc3339::format(r.ca.not_after),
                if r.encrypted { ", key encrypted" } else { "" }
            ))?;
            output::line(&format!("  certificate: {}", ctx.store.ca_cert().display()))?;
            output::line(&format!("  key:         {}", ctx.store.ca_key().display()))?;
            output::line(&format!(
                "  both roots:  {} (and the ca-cert.pem of {} bundle{})",
                r.bundle.display(),
                r.updated.len(),
                if r.updated.len() == 1 { "" } else { "s" }
            ))?;
            if r.crls.is_some() {
                output::line(&format!(
                    "  CRLs:        {} (a CRL of each root)",
                    ctx.store.path(CRL_FILE).display()
                ))?;
            }
        }
    }
    if let Some(dir) = &r.archived {
        output::note(
            ctx.quiet,
            &format!("archived the old CA in {}", dir.display()),
        );
    }
    if r.crls.is_some() {
        output::note(
            ctx.quiet,
            &format!(
                "rewrote {} with a CRL of each root: servers that check CRLs refuse a certificate whose CA has none there, so give it to them with the CA file",
                ctx.store.path(CRL_FILE).display()
            ),
        );
    }
    output::note(
        ctx.quiet,
        &format!(
            "next: make {} the CA file of every server and client, reload them, run `certgen renew --all --reuse-key`, reload the servers, then `certgen rotate-ca --finish` (see docs/rotation.md)",
            r.bundle.display()
        ),
    );
    Ok(Status::Ok)
}

fn finish(ctx: &Context, format: Format) -> Result<Status> {
    let f =
        lifecycle::finish_rotation(&ctx.store, ctx.now()).context("finishing the CA changeover")?;
    match format {
        Format::Json => output::print_json(&FinishReport {
            certificate: &f.ca,
            dropped: &f.dropped,
            updated: &f.updated,
            crl: f.crls.as_ref().map(|_| ctx.store.path(CRL_FILE)),
            archived: f.archived.as_deref(),
        })?,
        Format::Text => {
            for old in &f.dropped {
                output::line(&format!(
                    "dropped the old root {} (serial {})",
                    old.subject, old.serial
                ))?;
            }
            output::line(&format!(
                "trusted now: {} (serial {}) alone, in {} and the ca-cert.pem of {} bundle{}",
                f.ca.subject,
                f.ca.serial,
                ctx.store.ca_cert().display(),
                f.updated.len(),
                if f.updated.len() == 1 { "" } else { "s" }
            ))?;
            if f.crls.is_some() {
                output::line(&format!(
                    "  CRL:         {} (the new CA's alone)",
                    ctx.store.path(CRL_FILE).display()
                ))?;
            }
        }
    }
    if let Some(dir) = &f.archived {
        output::note(
            ctx.quiet,
            &format!(
                "archived ca-bundle.pem and the bundles' CA files in {}",
                dir.display()
            ),
        );
    }
    output::note(
        ctx.quiet,
        "next: make ca-cert.pem the CA file of every server and client again, and reload them",
    );
    Ok(Status::Ok)
}
