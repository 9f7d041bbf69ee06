//! `certgen keystore server NAME | user USER --out DIR`: a bundle as Java
//! and .NET drivers read it: a PKCS#12 keystore (also the PFX .NET
//! loads), a PKCS#12 truststore of the CA certificates, and the key as
//! PKCS#8 DER for pgJDBC. The password comes from `--password-file`,
//! `--password-env` or the terminal, never from the command line, and there
//! is no default.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Serialize;
use zeroize::Zeroizing;

use certgen::CertSummary;
use certgen::keystore::{self, Password, Profile, Role, Written};
use certgen::kind::Kind;
use certgen::secret::Passphrase;

use super::args::{Format, KindArg};
use super::context::Context;
use super::errors::refuse;
use super::exit::Status;
use super::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Whether NAME is a server bundle (servers/NAME) or a user bundle (users/NAME).
    #[arg(value_enum)]
    kind: KindArg,
    /// The bundle to write keystores of.
    name: String,
    /// The directory to write keystore.p12, truststore.p12 and the .pk8 key to (created if
    /// missing; its parent must exist). Files already there are never replaced.
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
    /// Read the password of the keystore and the truststore from the first line of FILE [else
    /// asked twice on the terminal].
    #[arg(long, value_name = "FILE", conflicts_with = "password_env")]
    password_file: Option<PathBuf>,
    /// Read the password from the environment variable VAR.
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// What `keystore --format json` prints.
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

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let kind = Kind::from(a.kind);
    let profile = if a.legacy {
        Profile::Legacy
    } else {
        Profile::Modern
    };
    let req = keystore::Request {
        kind,
        name: &a.name,
        out: &a.out,
        profile,
        alias: a.alias.as_deref(),
    };
    // Everything is checked before a password is asked for.
    let prepared = keystore::prepare(&ctx.store, &req, ctx.now())?;
    let password = password(&a)?;
    let done = keystore::write(prepared, &password, ctx.now())?;
    let path = |role| {
        done.files
            .iter()
            .find(|f| f.role == role)
            .map(|f| f.path.as_path())
    };
    let report = Report {
        kind: kind.noun(),
        name: &a.name,
        profile,
        algorithms: profile.algorithms(),
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
                mode: format!("{:04o}", f.mode),
            })
            .collect(),
    };
    match a.format {
        Format::Json => output::print_json(&report)?,
        Format::Text => print_text(&report, &done)?,
    }
    Ok(Status::Ok)
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

fn print_text(report: &Report<'_>, done: &Written) -> Result<()> {
    let c = report.certificate;
    let created = if report.created_dir { " (created)" } else { "" };
    output::line(&output::sanitize_line(&format!(
        "wrote the keystores of {} {} ({}, serial {}, expires {}) to {}{created} in the {} profile ({})",
        report.kind,
        report.name,
        c.subject,
        c.serial,
        certgen::rfc3339::format(c.not_after),
        report.dir.display(),
        report.profile.name(),
        report.profile.algorithms(),
    )))?;
    let width = done
        .files
        .iter()
        .map(|f| f.path.display().to_string().len())
        .max()
        .unwrap_or(0);
    for (f, shown) in done.files.iter().zip(&report.written) {
        let what = match f.role {
            Role::Keystore => format!(
                "PrivateKeyEntry {}: {}",
                done.alias,
                done.chain
                    .iter()
                    .map(|c| c.subject.as_str())
                    .collect::<Vec<_>>()
                    .join(" < ")
            ),
            Role::Truststore => done
                .trusted
                .iter()
                .map(|e| format!("trustedCertEntry {}: {}", e.alias, e.certificate.subject))
                .collect::<Vec<_>>()
                .join(", "),
            Role::Pk8 => "the key, PKCS#8 DER, unencrypted".to_string(),
        };
        output::line(&output::sanitize_line(&format!(
            "  {:width$}  {}  {what}",
            f.path.display().to_string(),
            shown.mode,
        )))?;
    }
    Ok(())
}
