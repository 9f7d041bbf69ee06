//! Command-line definitions and dispatch. One file per subcommand.

mod bundle;
mod ca;
mod check_expiry;
mod completions;
mod config;
mod crl;
mod csr;
mod deploy;
mod errors;
pub mod exit;
mod expiry_report;
mod init_ca;
mod inspect;
mod issue_client;
mod issue_server;
mod list;
pub mod output;
mod passphrase;
mod prometheus;
mod renew;
mod revoke;
mod rotate_ca;
mod setup;
mod sign;
mod usage;
mod values;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::builder::{EnumValueParser, PathBufValueParser};
use clap::{Arg, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use time::OffsetDateTime;

use certgen::{KeyFormat, KeyType, Store};

pub use errors::{hint, is_broken_pipe, print_error, refuse};
pub use exit::Status;
use usage::InCommand;

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
        default_value = "pki",
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
    /// Check that a certificate chains to a trusted CA, for a host and purpose.
    Verify(verify::Args),
    /// Check certificate expiry: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    CheckExpiry(check_expiry::Args),
    /// Summarise certificates, CSRs, keys (never the secret) and CRLs.
    Inspect(inspect::Args),
    /// List what the CA issued (index.txt): status, expiry, serial, subject, file.
    List(list::Args),
    /// Mark a certificate revoked in the index (openssl ca -revoke).
    Revoke(revoke::Args),
    /// Write a CRL of the revoked certificates, signed by the CA (openssl ca -gencrl).
    Crl(crl::Args),
    /// New certificates (and keys) for bundles, with the names of those they replace.
    Renew(renew::Args),
    /// Roll the CA over: a new root, trusted beside the old one until --finish.
    RotateCa(rotate_ca::Args),
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
        .map_err(|e| usage::report(&e, None))?;
    let command = matches.subcommand_name().unwrap_or_default().to_string();
    let mut cli = Cli::from_arg_matches(&matches).map_err(|e| usage::report(&e, Some(&command)))?;
    cli.now = matches.get_one::<OffsetDateTime>(NOW).copied();
    Ok((cli, command))
}

const NOW: &str = "now";

/// `--now TIME`: takes TIME (RFC 3339 or Unix seconds) as the current time,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

/// `--format` for commands that print what they made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KeyTypeArg {
    Rsa2048,
    Rsa3072,
    Rsa4096,
    EcdsaP256,
    EcdsaP384,
    Ed25519,
}

impl From<KeyTypeArg> for KeyType {
    fn from(k: KeyTypeArg) -> KeyType {
        match k {
            KeyTypeArg::Rsa2048 => KeyType::Rsa2048,
            KeyTypeArg::Rsa3072 => KeyType::Rsa3072,
            KeyTypeArg::Rsa4096 => KeyType::Rsa4096,
            KeyTypeArg::EcdsaP256 => KeyType::EcdsaP256,
            KeyTypeArg::EcdsaP384 => KeyType::EcdsaP384,
            KeyTypeArg::Ed25519 => KeyType::Ed25519,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KeyFormatArg {
    /// BEGIN PRIVATE KEY (default)
    Pkcs8,
    /// BEGIN RSA PRIVATE KEY, for MySQL 5.x built with yaSSL
    Pkcs1,
    /// BEGIN EC PRIVATE KEY
    Sec1,
}

impl From<KeyFormatArg> for KeyFormat {
    fn from(k: KeyFormatArg) -> KeyFormat {
        match k {
            KeyFormatArg::Pkcs8 => KeyFormat::Pkcs8,
            KeyFormatArg::Pkcs1 => KeyFormat::Pkcs1,
            KeyFormatArg::Sec1 => KeyFormat::Sec1,
        }
    }
}

/// Key options shared by the commands that make leaf keys.
#[derive(Clone, Debug, Args)]
pub struct LeafKeyArgs {
    /// Key type of the new key.
    #[arg(long, value_enum, default_value_t = KeyTypeArg::Rsa2048)]
    pub key_type: KeyTypeArg,
    /// Encoding of the new key file.
    #[arg(long, value_enum, default_value_t = KeyFormatArg::Pkcs8)]
    pub key_format: KeyFormatArg,
}

impl LeafKeyArgs {
    /// The library's options for a batch of `kind` bundles with these keys.
    pub fn batch(&self, kind: certgen::kind::Kind, force: bool) -> certgen::issue::BatchOptions {
        certgen::issue::BatchOptions {
            kind,
            key_type: self.key_type.into(),
            key_format: self.key_format.into(),
            force,
        }
    }
}

/// Key options of the commands whose `--force` keeps what it replaces
/// (`issue-server`, `issue-client`): a flag left out is not said, so the
/// replaced key's type and format are kept.
#[derive(Clone, Debug, Args)]
pub struct ReplacingKeyArgs {
    /// Key type of the new key [default: rsa2048; with --force: the replaced key's].
    #[arg(long, value_enum)]
    pub key_type: Option<KeyTypeArg>,
    /// Encoding of the new key file [default: pkcs8; with --force: the replaced key file's].
    #[arg(long, value_enum)]
    pub key_format: Option<KeyFormatArg>,
}

impl ReplacingKeyArgs {
    /// The type and format of a key made without anything to keep.
    pub fn or_default(&self) -> (KeyType, KeyFormat) {
        (
            self.key_type.unwrap_or(KeyTypeArg::Rsa2048).into(),
            self.key_format.unwrap_or(KeyFormatArg::Pkcs8).into(),
        )
    }

    /// What the command line says, for [`certgen::lifecycle::order_for`].
    pub fn said(&self) -> certgen::lifecycle::RenewOptions {
        certgen::lifecycle::RenewOptions {
            key_type: self.key_type.map(Into::into),
            key_format: self.key_format.map(Into::into),
            ..Default::default()
        }
    }
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
    let passphrase = Arc::new(passphrase::Sources::new(
        cli.command.passphrase_file(),
        passphrase::ENV,
    ));
    let store = Store::new(&cli.dir).with_passphrase(passphrase.clone());
    let ctx = Context {
        store,
        passphrase,
        quiet: cli.quiet,
        now: cli.now,
    };
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
        Command::Verify(a) => verify::run(&ctx, a),
        Command::CheckExpiry(a) => check_expiry::run(&ctx, a),
        Command::Inspect(a) => inspect::run(&ctx, a),
        Command::List(a) => list::run(&ctx, a),
        Command::Revoke(a) => revoke::run(&ctx, a),
        Command::Crl(a) => crl::run(&ctx, a),
        Command::Renew(a) => renew::run(&ctx, a),
        Command::RotateCa(a) => rotate_ca::run(&ctx, a),
        Command::Completions(a) => completions::run(a),
        Command::Man(a) => completions::man(a),
    }
}

/// What every command gets from the global options.
pub struct Context {
    /// The PKI directory, which opens an encrypted CA key with `passphrase`.
    pub store: Store,
    /// The CA key's passphrase, from --passphrase-file, the environment or the terminal.
    pub passphrase: Arc<passphrase::Sources>,
    pub quiet: bool,
    /// The hidden `--now`.
    now: Option<OffsetDateTime>,
}

impl Context {
    /// The current time, or `--now` when given: the only place the binary
    /// reads the clock.
    pub fn now(&self) -> OffsetDateTime {
        self.now.unwrap_or_else(OffsetDateTime::now_utc)
    }
}

/// Reads names from `--from FILE` (`-` for stdin): one per line, `#` comments
/// and blank lines ignored.
pub fn read_name_list(path: &std::path::Path) -> anyhow::Result<Vec<String>> {
    use anyhow::Context as _;
    use certgen::input::{read_file, read_stdin, utf8};
    let (what, bytes) = if path.as_os_str() == "-" {
        ("names from stdin".to_string(), read_stdin())
    } else {
        (path.display().to_string(), read_file(path))
    };
    let text = bytes
        .and_then(utf8)
        .with_context(|| format!("reading {what}"))?;
    Ok(text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect())
}
