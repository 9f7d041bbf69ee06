//! Command-line definitions and dispatch. One file per subcommand.

mod bundle;
mod check_expiry;
mod completions;
mod csr;
mod expiry_report;
mod init_ca;
mod inspect;
mod issue_client;
mod issue_server;
mod list;
pub mod output;
mod prometheus;
mod setup;
mod sign;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use time::OffsetDateTime;

use certgen::expiry::Level;
use certgen::{Error, KeyFormat, KeyType, Store};

/// A certificate authority and key manager for database TLS.
#[derive(Debug, Parser)]
#[command(name = "certgen", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The PKI directory.
    #[arg(
        long,
        global = true,
        env = "CERTGEN_DIR",
        default_value = "pki",
        value_name = "DIR"
    )]
    pub dir: PathBuf,

    /// Print only results and warnings; no progress or status lines.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Colour in diagnostics (NO_COLOR in the environment also turns it off).
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    pub color: Color,

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
    /// Check that a certificate chains to a trusted CA, for a host and purpose.
    Verify(verify::Args),
    /// Check certificate expiry: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    CheckExpiry(check_expiry::Args),
    /// Summarise certificates, CSRs, keys (never the secret) and CRLs.
    Inspect(inspect::Args),
    /// List what the CA issued (index.txt): status, expiry, serial, subject, file.
    List(list::Args),
    /// Print a shell completion script.
    Completions(completions::Args),
    /// Write man pages.
    #[command(hide = true)]
    Man(completions::ManArgs),
}

/// Process exit statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// A negative answer (a rejected chain).
    Negative,
    /// A usage or input error.
    Usage,
    /// check-expiry's Nagios statuses beyond OK.
    Warning,
    Critical,
    Unknown,
}

impl Status {
    pub fn code(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::Negative | Status::Warning => 1,
            Status::Usage | Status::Critical => 2,
            Status::Unknown => 3,
        }
    }
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        ExitCode::from(s.code())
    }
}

impl From<Level> for Status {
    fn from(l: Level) -> Status {
        match l {
            Level::Ok => Status::Ok,
            Level::Warning => Status::Warning,
            Level::Critical => Status::Critical,
            Level::Unknown => Status::Unknown,
        }
    }
}

impl Command {
    /// The status when the command fails: check-expiry's callers (Nagios,
    /// cron wrappers) read 3 as "could not check", every other command exits 2.
    pub fn failure_status(&self) -> Status {
        match self {
            Command::CheckExpiry(_) => Status::Unknown,
            _ => Status::Usage,
        }
    }
}

/// Prints a command-line parse error (or --help/--version) and picks the exit
/// status: 0 for help, 3 for check-expiry, 2 otherwise.
pub fn parse_failed(err: &clap::Error) -> ExitCode {
    let _ = err.print();
    if !err.use_stderr() {
        return ExitCode::SUCCESS;
    }
    let matches = Cli::command()
        .ignore_errors(true)
        .try_get_matches_from(std::env::args_os());
    let sub = matches
        .ok()
        .and_then(|m| m.subcommand_name().map(String::from));
    match sub.as_deref() {
        Some("check-expiry") => Status::Unknown.into(),
        _ => Status::Usage.into(),
    }
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

/// The current time; the only place the binary reads the clock.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

pub fn run(cli: Cli) -> anyhow::Result<Status> {
    let store = Store::new(&cli.dir);
    let ctx = Context {
        store,
        quiet: cli.quiet,
    };
    match cli.command {
        Command::InitCa(a) => init_ca::run(&ctx, a),
        Command::Csr(a) => csr::run(&ctx, a),
        Command::Sign(a) => sign::run(&ctx, a),
        Command::IssueServer(a) => issue_server::run(&ctx, a),
        Command::IssueClient(a) => issue_client::run(&ctx, a),
        Command::Setup(a) => setup::run(&ctx, a),
        Command::Verify(a) => verify::run(&ctx, a),
        Command::CheckExpiry(a) => check_expiry::run(&ctx, a),
        Command::Inspect(a) => inspect::run(&ctx, a),
        Command::List(a) => list::run(&ctx, a),
        Command::Completions(a) => completions::run(a),
        Command::Man(a) => completions::man(a),
    }
}

/// What every command gets from the global options.
pub struct Context {
    pub store: Store,
    pub quiet: bool,
}

pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    let pipe = Some(std::io::ErrorKind::BrokenPipe);
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().map(std::io::Error::kind) == pipe
            || e.downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == pipe
    })
}

/// A `hint:` line for errors with an obvious fix.
pub fn hint(err: &anyhow::Error) -> Option<String> {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<Error>() {
            return match e {
                Error::Exists(_) => Some(
                    "pass --force to move the existing files to old_keys/<timestamp>/ and replace them"
                        .into(),
                ),
                Error::NoCa(dir) => Some(format!(
                    "run `certgen --dir {} init-ca` first, or point --dir (or CERTGEN_DIR) at your PKI directory",
                    dir.display()
                )),
                Error::KeyMismatch { .. } => Some(
                    "the CA's key and certificate must be a pair; restore the right key from old_keys/ or a backup"
                        .into(),
                ),
                Error::Io { source, .. }
                    if source.kind() == std::io::ErrorKind::PermissionDenied =>
                {
                    Some("check the directory's owner and permissions, or choose another --dir".into())
                }
                Error::Symlink(_) => Some("remove the link, or point --dir at the real directory".into()),
                _ => None,
            };
        }
    }
    None
}

/// Reads names from `--from FILE` (`-` for stdin): one per line, `#` comments
/// and blank lines ignored.
pub fn read_name_list(path: &std::path::Path) -> anyhow::Result<Vec<String>> {
    use anyhow::Context as _;
    let bytes = if path.as_os_str() == "-" {
        certgen::input::read_stdin().context("reading names from stdin")?
    } else {
        certgen::input::read_file(path).with_context(|| format!("reading {}", path.display()))?
    };
    let text = String::from_utf8(bytes)
        .with_context(|| format!("reading {}: not UTF-8 text", path.display()))?;
    Ok(text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect())
}
