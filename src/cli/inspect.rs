//! `certgen inspect FILE...`: a concise summary of the certificates, CSRs,
//! keys (never the secret) and CRLs in each file.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;
use time::OffsetDateTime;

use certgen::input::read_file;
use certgen::inspect::{CertDetails, CrlDetails, CsrDetails, KeyDetails, Object, inspect_bytes};
use certgen::rfc3339;

use super::args::Format;
use super::context::Context;
use super::exit::Status;
use super::in_command::InCommand;
use super::output::{self, comma_list, sanitize, sanitize_line};
use super::values;

/// Revoked serials shown in text; JSON lists them all.
const CRL_TEXT_LIMIT: usize = 20;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files to inspect (PEM or DER; several objects per file).
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// Compute days left as of this time instead of now (RFC 3339, a date for its midnight UTC, or Unix seconds).
    #[arg(long, value_name = "TIME", value_parser = InCommand(values::instant))]
    at: Option<OffsetDateTime>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// One file in the JSON output.
#[derive(Serialize)]
struct FileReport {
    file: PathBuf,
    objects: Vec<Object>,
    error: Option<String>,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let now = a.at.unwrap_or_else(|| ctx.now());
    let reports: Vec<FileReport> = a.files.into_iter().map(|f| inspect_file(f, now)).collect();
    for r in &reports {
        if let Some(e) = &r.error {
            eprintln!("certgen: error: {}", sanitize_line(e));
        }
    }
    match a.format {
        Format::Json => output::print_json(&reports)?,
        Format::Text => print_text(&reports)?,
    }
    let failed = reports.iter().any(|r| r.error.is_some());
    Ok(if failed { Status::Usage } else { Status::Ok })
}

fn inspect_file(file: PathBuf, now: OffsetDateTime) -> FileReport {
    let what = file.display().to_string();
    let result = read_file(&file)
        .map_err(|e| format!("reading {what}: {e}"))
        .and_then(|bytes| {
            inspect_bytes(&what, &bytes, now).map_err(|e| format!("{:#}", anyhow::Error::new(e)))
        });
    match result {
        Ok(objects) => FileReport {
            file,
            objects,
            error: None,
        },
        Err(error) => FileReport {
            file,
            objects: Vec::new(),
            error: Some(error),
        },
    }
}

fn print_text(reports: &[FileReport]) -> Result<()> {
    let mut text = String::new();
    for r in reports.iter().filter(|r| r.error.is_none()) {
        for (n, obj) in r.objects.iter().enumerate() {
            if !text.is_empty() {
                text.push('\n');
            }
            let count = if r.objects.len() > 1 {
                format!(" [{}/{}]", n + 1, r.objects.len())
            } else {
                String::new()
            };
            let file = sanitize_line(&r.file.display().to_string());
            text.push_str(&format!("{file}{count}: {}\n", obj.kind()));
            describe(&mut text, obj);
        }
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    out.write_all(sanitize(&text).as_bytes())?;
    out.flush()?;
    Ok(())
}

fn field(out: &mut String, name: &str, value: impl std::fmt::Display) {
    out.push_str(&format!("  {:<20}{value}\n", format!("{name}:")));
}

fn describe(out: &mut String, obj: &Object) {
    match obj {
        Object::Certificate(c) => certificate(out, c),
        Object::CertificateRequest(r) => request(out, r),
        Object::PrivateKey(k) | Object::PublicKey(k) => key(out, k),
        Object::Crl(c) => crl(out, c),
        Object::EncryptedPrivateKey => field(out, "note", "encrypted; not decrypted"),
        Object::Other { label } => field(out, "label", label),
    }
}

fn certificate(out: &mut String, details: &CertDetails) {
    let c = &details.cert;
    field(out, "subject", &c.subject);
    field(out, "issuer", &c.issuer);
    field(out, "serial", &c.serial);
    field(out, "not before", rfc3339::format(c.not_before));
    let left = match details.days_left {
        d if d < 0 => format!("expired {} days ago", -d),
        d => format!("{d} days left"),
    };
    field(
        out,
        "not after",
        format!("{} ({left})", rfc3339::format(c.not_after)),
    );
    field(out, "subject alt names", comma_list(&c.subject_alt_names));
    field(out, "key", c.key);
    field(out, "key usage", comma_list(&c.key_usage));
    field(out, "extended key usage", comma_list(&c.extended_key_usage));
    let bc = match c.basic_constraints {
        Some(b) if b.ca => match b.path_len {
            Some(n) => format!("CA, path length {n}"),
            None => "CA".into(),
        },
        Some(_) => "not a CA".into(),
        None => "-".into(),
    };
    field(out, "basic constraints", bc);
    field(out, "signature", &c.signature_algorithm);
    field(out, "SHA-256", &c.sha256_fingerprint);
    field(out, "public key SHA-256", &c.public_key_sha256);
}

fn request(out: &mut String, r: &CsrDetails) {
    field(out, "subject", &r.subject);
    field(out, "subject alt names", comma_list(&r.subject_alt_names));
    field(out, "key", r.key);
    let valid = if r.signature_valid {
        "valid"
    } else {
        "INVALID"
    };
    field(
        out,
        "signature",
        format!("{} ({valid})", r.signature_algorithm),
    );
    field(out, "public key SHA-256", &r.public_key_sha256);
}

fn key(out: &mut String, k: &KeyDetails) {
    field(out, "key", k.key);
    field(out, "encoding", k.encoding);
    field(out, "public key SHA-256", &k.public_key_sha256);
}

fn crl(out: &mut String, c: &CrlDetails) {
    field(out, "issuer", &c.issuer);
    field(out, "this update", rfc3339::format(c.this_update));
    let next = c.next_update.map_or_else(|| "-".into(), rfc3339::format);
    field(out, "next update", next);
    field(out, "CRL number", c.crl_number.as_deref().unwrap_or("-"));
    field(out, "signature", &c.signature_algorithm);
    field(out, "revoked", c.revoked.len());
    for r in c.revoked.iter().take(CRL_TEXT_LIMIT) {
        let reason = r
            .revocation_reason
            .map(|x| format!(" ({x})"))
            .unwrap_or_default();
        let at = rfc3339::format(r.revoked_at);
        out.push_str(&format!("    {} at {at}{reason}\n", r.serial));
    }
    if c.revoked.len() > CRL_TEXT_LIMIT {
        out.push_str(&format!(
            "    ... and {} more\n",
            c.revoked.len() - CRL_TEXT_LIMIT
        ));
    }
}
