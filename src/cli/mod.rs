//! Command-line definitions and dispatch. One file per subcommand.
//!
//! The files are layers (the order is in ARCHITECTURE.md, and
//! `tests/architecture.rs` keeps it):
//! this file on top; below it the commands, which never import one another;
//! below them what several commands share (`bundle.rs`, `settings.rs`,
//! check-expiry's renderers, ...); at the bottom the vocabulary every file
//! may use (`output.rs`, `exit.rs`, `args.rs`, `context.rs`, ...).

mod args;
mod bundle;
mod ca;
mod check_expiry;
mod color;
mod completions;
mod config;
mod context;
mod crl;
mod csr;
mod deploy;
pub mod errors;
pub mod exit;
mod expiry_report;
mod in_command;
mod init_ca;
mod inspect;
mod issue_client;
mod issue_server;
mod keystore;
mod list;
pub mod output;
mod passphrase;
mod prometheus;
mod renew;
mod retire;
mod revoke;
mod rollout;
mod rotate_ca;
mod settings;
mod settings_report;
mod setup;
mod sign;
mod sql_out;
mod status;
mod status_report;
mod suggest;
mod usage;
mod values;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::{EnumValueParser, PathBufValueParser};
use clap::{Arg, CommandFactory, FromArgMatches, Parser, Subcommand};
use time::OffsetDateTime;

use color::Color;
use context::Context;
use exit::Status;
use in_command::InCommand;

/// A certificate authority and key manager for database TLS.
///
/// The global options come after a command's own in its help (display order
/// 100 and up), not interleaved with them.
#[derive(Debug, Parser)]
#[command(name = "certgen", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The PKI directory.
    #[arg(
        long,
        global = true,
        display_order = 100,
        env = "CERTGEN_DIR",
        hide_env_values = true,
        default_value = context::DEFAULT_DIR,
        value_name = "DIR",
        value_parser = InCommand(PathBufValueParser::new())
    )]
    pub dir: PathBuf,

    /// Print only results and warnings; no progress or status lines.
    #[arg(short, long, global = true, display_order = 101)]
    pub quiet: bool,

    /// Colour in diagnostics (NO_COLOR in the environment also turns it off).
    #[arg(
        long,
        global = true,
        display_order = 102,
        default_value = "auto",
        value_name = "WHEN",
        value_parser = InCommand(EnumValueParser::<Color>::new())
    )]
    pub color: Color,

    /// The hidden `--now`, set by [`parse`].
    #[arg(skip)]
    pub now: Option<OffsetDateTime>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the CA (key + self-signed v3 certificate), or an intermediate.
    InitCa(init_ca::Args),
    /// Make a key and a certificate signing request for an outside CA.
    Csr(csr::Args),
    /// Sign a CSR with the CA, applying a server or client profile.
    Sign(sign::Args),
    /// Issue a key and certificate for a database server.
    IssueServer(issue_server::Args),
    /// Issue keys and client certificates for database users.
    IssueClient(issue_client::Args),
    /// CA, server and client certificates and the config for one database, in one go.
    Setup(setup::Args),
    /// Print the settings, SQL and commands a database needs for existing bundles.
    Config(config::Args),
    /// Maintain the CA key: change or remove its passphrase.
    Ca(ca::Args),
    /// Copy a server or user bundle where the database reads it: layout, owner, modes.
    Deploy(deploy::Args),
    /// Write PKCS#12 keystores and a PKCS#8 key of bundles, for Java and .NET drivers.
    Keystore(keystore::Args),
    /// Check that a certificate chains to a trusted CA, for a host and purpose.
    Verify(verify::Args),
    /// Check certificate and CRL expiry: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    CheckExpiry(check_expiry::Args),
    /// The PKI at a glance: CA and changeover, CRLs, each bundle's state; Nagios exit codes.
    Status(status::Args),
    /// Summarise certificates, CSRs, keys (never the secret) and CRLs.
    Inspect(inspect::Args),
    /// List what the CA issued (index.txt): status, expiry, serial, subject, file.
    List(list::Args),
    /// Mark a certificate revoked in the index (openssl ca -revoke).
    Revoke(revoke::Args),
    /// Retire a server or user: revoke and archive its bundle, print the account change.
    Retire(retire::Args),
    /// Write a CRL of the revoked certificates, signed by the CA (openssl ca -gencrl).
    Crl(crl::Args),
    /// New certificates (and keys) for bundles, with the names of those they replace.
    Renew(renew::Args),
    /// Roll the CA over: a new root, trusted beside the old one until --finish.
    RotateCa(rotate_ca::Args),
    /// Deploy what changed to every host of an inventory over SSH, reload, confirm.
    Rollout(rollout::Args),
    /// Print a shell completion script.
    Completions(completions::Args),
    /// Write man pages.
    #[command(hide = true)]
    Man(completions::ManArgs),
}

/// Parses the command line. On a usage error, or for --help and --version,
/// prints and returns the exit code. Returns the subcommand's name with the
/// arguments, for the exit status of a failure.
pub fn parse() -> Result<(Cli, String), ExitCode> {
    let matches = Cli::command()
        .arg(now_arg())
        .try_get_matches()
        .map_err(|e| usage::report(&e, None, &Cli::command()))?;
    let command = matches.subcommand_name().unwrap_or_default().to_string();
    let mut cli = Cli::from_arg_matches(&matches)
        .map_err(|e| usage::report(&e, Some(&command), &Cli::command()))?;
    cli.now = matches.get_one::<OffsetDateTime>(NOW).copied();
    Ok((cli, command))
}

const NOW: &str = "now";

/// `--now TIME`: takes TIME (RFC 3339, a date or Unix seconds) as the current time,
/// so that what a command issues and prints is the same on every run; the
/// transcript tests use it. It is added here rather than in [`Cli`] because
/// clap_complete lists hidden options: this way completions and man pages,
/// made from [`Cli`], never show it.
fn now_arg() -> Arg {
    Arg::new(NOW)
        .long(NOW)
        .global(true)
        .hide(true)
        .value_name("TIME")
        .value_parser(InCommand(values::instant))
}

impl Command {
    /// `--passphrase-file` of the commands that sign with the CA.
    fn passphrase_file(&self) -> Option<PathBuf> {
        let args = match self {
            Command::InitCa(a) => &a.passphrase,
            Command::Sign(a) => &a.passphrase,
            Command::IssueServer(a) => &a.passphrase,
            Command::IssueClient(a) => &a.passphrase,
            Command::Setup(a) => &a.passphrase,
            Command::Crl(a) => &a.passphrase,
            Command::Renew(a) => &a.passphrase,
            Command::RotateCa(a) => &a.passphrase,
            Command::Ca(a) => a.passphrase(),
            _ => return None,
        };
        args.passphrase_file.clone()
    }
}

pub fn run(cli: Cli) -> anyhow::Result<Status> {
    let ctx = Context::new(&cli.dir, cli.command.passphrase_file(), cli.quiet, cli.now);
    match cli.command {
        Command::InitCa(a) => init_ca::run(&ctx, a),
        Command::Csr(a) => csr::run(&ctx, a),
        Command::Sign(a) => sign::run(&ctx, a),
        Command::IssueServer(a) => issue_server::run(&ctx, a),
        Command::IssueClient(a) => issue_client::run(&ctx, a),
        Command::Setup(a) => setup::run(&ctx, a),
        Command::Config(a) => config::run(&ctx, a),
        Command::Ca(a) => ca::run(&ctx, a),
        Command::Deploy(a) => deploy::run(&ctx, a),
        Command::Keystore(a) => keystore::run(&ctx, a),
        Command::Verify(a) => verify::run(&ctx, a),
        Command::CheckExpiry(a) => check_expiry::run(&ctx, a),
        Command::Status(a) => status::run(&ctx, a),
        Command::Inspect(a) => inspect::run(&ctx, a),
        Command::List(a) => list::run(&ctx, a),
        Command::Revoke(a) => revoke::run(&ctx, a),
        Command::Retire(a) => retire::run(&ctx, a),
        Command::Crl(a) => crl::run(&ctx, a),
        Command::Renew(a) => renew::run(&ctx, a),
        Command::RotateCa(a) => rotate_ca::run(&ctx, a),
        Command::Rollout(a) => rollout::run(&ctx, a),
        Command::Completions(a) => completions::run(a, Cli::command()),
        Command::Man(a) => completions::man(a, Cli::command()),
    }
}
