//! `certgen keystore server NAME... | user USER... | user --all --out DIR`:
//! bundles as Java and .NET drivers read them: a PKCS#12 keystore (also the
//! PFX .NET loads), a PKCS#12 truststore of the CA certificates, and the
//! key as PKCS#8 DER for pgJDBC, in a directory per bundle (`{user}` in DIR
//! stands for each user's name). The password, one for all of them, comes
//! from `--password-file`, `--password-env` or the terminal, never from the
//! command line, and there is no default.

use std::collections::HashSet;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::Serialize;
use zeroize::Zeroizing;

use certgen::bundle::SkipReason;
use certgen::keystore::{self, Password, Prepared, Profile, Role, Skipped, Written, WrittenFile};
use certgen::kind::Kind;
use certgen::secret::Passphrase;
use certgen::{CertSummary, Error};

use super::args::{Format, KindArg};
use super::bundle::progress;
use super::context::Context;
use super::errors::refuse;
use super::exit::Status;
use super::output;
use super::settings::{has_placeholder, named_dir, one_dir_each};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Whether the names are server bundles (servers/NAME) or user bundles (users/NAME).
    #[arg(value_enum)]
    kind: KindArg,
    /// The bundles to write keystores of; several need {user} (or {server}) in --out.
    #[arg(
        value_name = "NAME",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    names: Vec<String>,
    /// Every user (or server) bundle; those whose certificate is revoked, superseded, expired, of
    /// another CA or not in the index are skipped with a note. --out must hold {user} (or
    /// {server}).
    #[arg(long)]
    all: bool,
    /// The directory to write keystore.p12, truststore.p12 and the .pk8 key to (created if
    /// missing; its parent must exist); {user} in DIR stands for each user's name, {server} for
    /// each server's (e.g. '/home/{user}/jdbc'). Files already there are never replaced.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The legacy profile (3DES, HMAC-SHA1) for Java 8 before 8u301, Java 11 before 11.0.12 and
    /// older Windows [default: AES-256-CBC, PBKDF2-HMAC-SHA256, HMAC-SHA256, which OpenSSL 3,
    /// Java 11.0.12+ and current .NET read].
    #[arg(long)]
    legacy: bool,
    /// The alias of the key entry [default: user for a user, the only alias pgJDBC reads; server
    /// for a server].
    #[arg(long, value_name = "ALIAS")]
    alias: Option<String>,
    /// Read the password of the keystores and the truststores from the first line of FILE [else
    /// asked twice on the terminal]: 6 or more printable ASCII characters, as Java requires.
    #[arg(long, value_name = "FILE", conflicts_with = "password_env")]
    password_file: Option<PathBuf>,
    /// Read the password from the environment variable VAR.
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// What `keystore --format json` prints for one bundle.
#[derive(Serialize)]
struct Report<'a> {
    kind: &'static str,
    name: &'a str,
    profile: Profile,
    algorithms: &'static str,
    iterations: u32,
    dir: &'a Path,
    created_dir: bool,
    certificate: &'a CertSummary,
    files: Files<'a>,
    keystore: KeyEntry<'a>,
    truststore: Vec<TrustedEntry<'a>>,
    ca_file: &'a Path,
    written: Vec<FileReport<'a>>,
}

/// What it prints for several bundles (several names, or --all).
#[derive(Serialize)]
struct BatchReport<'a> {
    keystores: Vec<Report<'a>>,
    skipped: Vec<SkippedReport<'a>>,
}

#[derive(Serialize)]
struct SkippedReport<'a> {
    kind: &'static str,
    name: &'a str,
    reason: SkipReason,
    detail: &'a str,
}

#[derive(Serialize)]
struct Files<'a> {
    keystore: Option<&'a Path>,
    truststore: Option<&'a Path>,
    pk8: Option<&'a Path>,
}

#[derive(Serialize)]
struct KeyEntry<'a> {
    alias: &'a str,
    chain: &'a [CertSummary],
}

#[derive(Serialize)]
struct TrustedEntry<'a> {
    alias: &'a str,
    certificate: &'a CertSummary,
}

#[derive(Serialize)]
struct FileReport<'a> {
    role: Role,
    file: &'a Path,
    /// Octal, as chmod takes it: "0600".
    mode: String,
}

impl<'a> Report<'a> {
    fn new(done: &'a Written) -> Report<'a> {
        let path = |role| {
            done.files
                .iter()
                .find(|f| f.role == role)
                .map(|f| f.path.as_path())
        };
        Report {
            kind: done.kind.noun(),
            name: &done.name,
            profile: done.profile,
            algorithms: done.profile.algorithms(),
            iterations: keystore::ITERATIONS,
            dir: &done.dir,
            created_dir: done.created_dir,
            certificate: &done.certificate,
            files: Files {
                keystore: path(Role::Keystore),
                truststore: path(Role::Truststore),
                pk8: path(Role::Pk8),
            },
            keystore: KeyEntry {
                alias: &done.alias,
                chain: &done.chain,
            },
            truststore: done
                .trusted
                .iter()
                .map(|e| TrustedEntry {
                    alias: &e.alias,
                    certificate: &e.certificate,
                })
                .collect(),
            ca_file: &done.ca_file,
            written: done
                .files
                .iter()
                .map(|f| FileReport {
                    role: f.role,
                    file: &f.path,
                    mode: mode(f),
                })
                .collect(),
        }
    }
}

fn mode(f: &WrittenFile) -> String {
    format!("{:04o}", f.mode)
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let kind = Kind::from(a.kind);
    let batch = a.all || a.names.len() > 1;
    // Everything is checked before a password is asked for.
    let (prepared, skipped) = prepare(ctx, &a, kind)?;
    let noun = kind.noun();
    for s in &skipped {
        output::note(
            ctx.quiet,
            &format!(
                "skipped {} ({}): {}",
                kind.rel_dir(&s.name),
                s.reason.describe(),
                s.detail
            ),
        );
    }
    if prepared.is_empty() {
        output::note(
            ctx.quiet,
            &format!("no {noun} bundle to write the keystores of"),
        );
        if a.format == Format::Json {
            output::print_json(&BatchReport {
                keystores: Vec::new(),
                skipped: skipped_reports(noun, &skipped),
            })?;
        }
        return Ok(Status::Ok);
    }
    let password = password(&a)?;
    let bar = progress(prepared.len(), ctx.quiet, "encoding keystores");
    let done = keystore::write_all(prepared, &password, ctx.now(), &|| bar.inc(1));
    bar.finish_and_clear();
    let done = done?;
    match (a.format, batch) {
        (Format::Json, false) => {
            for d in &done {
                output::print_json(&Report::new(d))?;
            }
        }
        (Format::Json, true) => output::print_json(&BatchReport {
            keystores: done.iter().map(Report::new).collect(),
            skipped: skipped_reports(noun, &skipped),
        })?,
        (Format::Text, false) => {
            for d in &done {
                print_text(d)?;
            }
        }
        (Format::Text, true) => print_batch(&done)?,
    }
    Ok(Status::Ok)
}

/// Reads and checks every bundle named (or, with --all, every one of
/// `kind`) and its directory, writing nothing.
fn prepare(ctx: &Context, a: &Args, kind: Kind) -> Result<(Vec<Prepared>, Vec<Skipped>)> {
    let profile = if a.legacy {
        Profile::Legacy
    } else {
        Profile::Modern
    };
    let batch = a.all || a.names.len() > 1;
    let placeholder = format!("{{{}}}", kind.noun());
    check_out(a, kind, &placeholder)?;
    let mut checker = keystore::Checker::new(&ctx.store, ctx.now())?;
    let names = if a.all {
        certgen::bundle::all(&ctx.store)?
            .into_iter()
            .filter(|b| b.kind == kind)
            .map(|b| b.name)
            .collect()
    } else {
        a.names.clone()
    };
    let mut seen = HashSet::new();
    let mut prepared = Vec::with_capacity(names.len());
    let mut skipped = Vec::new();
    for name in &names {
        if !seen.insert(name) {
            return Err(Error::DuplicateName(kind.rel_dir(name)).into());
        }
        let out = named_dir(&a.out, &placeholder, name);
        let req = keystore::Request {
            kind,
            name,
            out: &out,
            profile,
            alias: a.alias.as_deref(),
        };
        let checked = if a.all {
            checker.prepare_current(&req)
        } else {
            checker.prepare(&req).map(Ok)
        };
        let checked = if batch {
            checked.with_context(|| format!("{} {name}", kind.noun()))?
        } else {
            checked?
        };
        match checked {
            Ok(p) => prepared.push(p),
            Err(s) => skipped.push(s),
        }
    }
    Ok((prepared, skipped))
}

fn skipped_reports<'a>(noun: &'static str, skipped: &'a [Skipped]) -> Vec<SkippedReport<'a>> {
    skipped
        .iter()
        .map(|s| SkippedReport {
            kind: noun,
            name: &s.name,
            reason: s.reason,
            detail: &s.detail,
        })
        .collect()
}

/// Refuses an --out several bundles would share (no placeholder), and the
/// other kind's placeholder, before anything is read.
fn check_out(a: &Args, kind: Kind, placeholder: &str) -> Result<()> {
    let other = match kind {
        Kind::User => "{server}",
        Kind::Server => "{user}",
    };
    let dir = a.out.display();
    let noun = kind.noun();
    if has_placeholder(&a.out, other) {
        return Err(refuse(
            format!(
                "--out {dir}: {other} stands for a name of the other kind, and these are {noun} bundles"
            ),
            format!("write {placeholder} for each {noun}'s name"),
        ));
    }
    let example = match kind {
        Kind::User => "/home/{user}/jdbc",
        Kind::Server => "/etc/{server}/tls",
    };
    let who = if a.all {
        format!("the keystores of every {noun} (--all)")
    } else if a.names.len() > 1 {
        format!("{} {noun}s", a.names.len())
    } else {
        return Ok(());
    };
    one_dir_each("--out", &a.out, kind, &who, example)
}

/// The password from `--password-file`, `--password-env` or the terminal.
fn password(a: &Args) -> Result<Password> {
    if let Some(file) = &a.password_file {
        let from = file.display().to_string();
        return Ok(Password::new(Passphrase::from_file(file)?, &from)?);
    }
    if let Some(var) = &a.password_env {
        let Some(value) = std::env::var_os(var) else {
            return Err(refuse(
                format!("--password-env: the environment variable {var} is not set"),
                format!("export {var} with the password, or give --password-file FILE"),
            ));
        };
        let value = Zeroizing::new(OsString::into_vec(value));
        return Ok(Password::new(Passphrase::new(value, var)?, var)?);
    }
    match Passphrase::prompt("Password for the keystore and truststore: ", true)? {
        Some(p) => Ok(Password::new(p, "the terminal")?),
        None => Err(refuse(
            "no keystore password was given, and there is no terminal to ask for one",
            "give it with --password-file FILE or --password-env VAR; there is no default",
        )),
    }
}

fn print_text(done: &Written) -> Result<()> {
    let c = &done.certificate;
    let created = if done.created_dir { " (created)" } else { "" };
    output::line(&output::sanitize_line(&format!(
        "wrote the keystores of {} {} ({}, serial {}, expires {}) to {}{created} in the {} profile ({})",
        done.kind.noun(),
        done.name,
        c.subject,
        c.serial,
        certgen::rfc3339::format(c.not_after),
        done.dir.display(),
        done.profile.name(),
        done.profile.algorithms(),
    )))?;
    let width = done
        .files
        .iter()
        .map(|f| f.path.display().to_string().len())
        .max()
        .unwrap_or(0);
    for f in &done.files {
        let what = match f.role {
            Role::Keystore => key_entry(done),
            Role::Truststore => trusted_entries(done),
            Role::Pk8 => "the key, PKCS#8 DER, unencrypted".to_string(),
        };
        output::line(&output::sanitize_line(&format!(
            "  {:width$}  {}  {what}",
            f.path.display().to_string(),
            mode(f),
        )))?;
    }
    Ok(())
}

/// "PrivateKeyEntry user: /CN=app < /CN=CA"
fn key_entry(done: &Written) -> String {
    format!(
        "PrivateKeyEntry {}: {}",
        done.alias,
        done.chain
            .iter()
            .map(|c| c.subject.as_str())
            .collect::<Vec<_>>()
            .join(" < ")
    )
}

/// "trustedCertEntry ca: /CN=CA"
fn trusted_entries(done: &Written) -> String {
    done.trusted
        .iter()
        .map(|e| format!("trustedCertEntry {}: {}", e.alias, e.certificate.subject))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Several bundles: the files once, then a line for each bundle.
fn print_batch(done: &[Written]) -> Result<()> {
    let Some(first) = done.first() else {
        return Ok(());
    };
    let files: Vec<String> = first
        .files
        .iter()
        .map(|f| {
            let name = f.path.file_name().unwrap_or_default().to_string_lossy();
            format!("{name} ({})", mode(f))
        })
        .collect();
    output::line(&output::sanitize_line(&format!(
        "wrote the keystores of {} {}s in the {} profile ({}): {} in each directory",
        done.len(),
        first.kind.noun(),
        first.profile.name(),
        first.profile.algorithms(),
        match files.as_slice() {
            [a, b, c] => format!("{a}, {b} and {c}"),
            other => other.join(", "),
        },
    )))?;
    let dirs: Vec<String> = done
        .iter()
        .map(|d| {
            let created = if d.created_dir { " (created)" } else { "" };
            format!("{}{created}", d.dir.display())
        })
        .collect();
    let name_width = done.iter().map(|d| d.name.len()).max().unwrap_or(0);
    let dir_width = dirs.iter().map(String::len).max().unwrap_or(0);
    for (d, dir) in done.iter().zip(&dirs) {
        output::line(&output::sanitize_line(&format!(
            "  {:name_width$}  {dir:dir_width$}  serial {}, expires {}  {}  {}",
            d.name,
            d.certificate.serial,
            certgen::rfc3339::format(d.certificate.not_after),
            key_entry(d),
            trusted_entries(d),
        )))?;
    }
    Ok(())
}
