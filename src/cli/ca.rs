//! `certgen ca passphrase`: change the CA key's passphrase, or remove it.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use serde::Serialize;

use certgen::ca_key::change_passphrase;

use super::args::Format;
use super::context::Context;
use super::errors::refuse;
use super::exit::Status;
use super::output;
use super::passphrase::{NEW_ENV, PassphraseArgs, Sources};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: CaCommand,
}

impl Args {
    /// The `--passphrase-file` of the subcommand.
    pub fn passphrase(&self) -> &PassphraseArgs {
        match &self.command {
            CaCommand::Passphrase(a) => &a.passphrase,
        }
    }
}

#[derive(Debug, clap::Subcommand)]
enum CaCommand {
    /// Encrypt the CA key with a new passphrase, or remove it with --remove.
    /// The key stays the same; the old key file is archived in old_keys/<timestamp>/.
    Passphrase(PassphraseCmd),
}

#[derive(Debug, clap::Args)]
struct PassphraseCmd {
    /// Read the new passphrase from the first line of FILE [else from
    /// CERTGEN_CA_NEW_PASSPHRASE, else asked twice on the terminal].
    #[arg(long, value_name = "FILE", conflicts_with = "remove")]
    new_passphrase_file: Option<PathBuf>,
    /// Store the key unencrypted.
    #[arg(long)]
    remove: bool,
    #[command(flatten)]
    passphrase: PassphraseArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// What `ca passphrase --format json` prints.
#[derive(Serialize)]
struct Report {
    key: PathBuf,
    encrypted: bool,
    archived: PathBuf,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    match a.command {
        CaCommand::Passphrase(p) => passphrase(ctx, p),
    }
}

fn passphrase(ctx: &Context, a: PassphraseCmd) -> Result<Status> {
    let key = ctx.store.ca_key();
    let what = || format!("changing the passphrase of {}", key.display());
    // The current passphrase is asked first, when the key is opened; the new
    // one only once the key is known to open.
    if certgen::ca_key::is_encrypted(&ctx.store).with_context(what)? {
        use certgen::secret::PassphraseSource as _;
        ctx.passphrase
            .passphrase(&key.display().to_string())
            .with_context(what)?;
    }
    let new = if a.remove {
        None
    } else {
        let sources = Sources::new(a.new_passphrase_file.clone(), NEW_ENV);
        let prompt = format!("New passphrase for {}", key.display());
        match sources.get(&prompt, true).with_context(what)? {
            Some(p) => Some(p),
            None => {
                return Err(refuse(
                    format!(
                        "{}: no new passphrase was given, and there is no terminal to ask for one",
                        what()
                    ),
                    format!(
                        "give it with --new-passphrase-file FILE or {NEW_ENV}, or pass --remove to store the key unencrypted"
                    ),
                ));
            }
        }
    };
    let done = change_passphrase(&ctx.store, new.as_ref(), ctx.now()).with_context(what)?;
    let report = Report {
        key: done.key,
        encrypted: done.encrypted,
        archived: done.archived,
    };
    match a.format {
        Format::Json => output::print_json(&report)?,
        Format::Text => output::line(&format!(
            "{} {}\n  old key file: {}",
            if report.encrypted {
                "encrypted with the new passphrase:"
            } else {
                "passphrase removed from"
            },
            report.key.display(),
            report.archived.display()
        ))?,
    }
    Ok(Status::Ok)
}
