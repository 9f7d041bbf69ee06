//! `certgen revoke NAME | --serial HEX`: marks a certificate revoked in the
//! index, as `openssl ca -revoke -crl_reason` does; `certgen crl` publishes it.

use anyhow::Result;
use serde::Serialize;
use time::OffsetDateTime;

use certgen::bundle::serials as bundle_serials;
use certgen::index::Reason;
use certgen::revoke::{Target, revoke};
use certgen::serial::Serial;
use certgen::{CertSummary, Error, rfc3339};

use super::args::{Format, reason_parser};
use super::context::Context;
use super::errors::refuse;
use super::exit::Status;
use super::in_command::InCommand;
use super::output;

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["name", "serial"]))]
pub struct Args {
    /// A server or user bundle: revokes the certificate it holds.
    name: Option<String>,
    /// The serial number of the certificate to revoke (hex, as `certgen list` shows it).
    #[arg(long, value_name = "HEX", value_parser = InCommand(serial))]
    serial: Option<Serial>,
    /// Why, as recorded in the index and the CRL.
    #[arg(
        long,
        value_name = "REASON",
        default_value = "unspecified",
        value_parser = InCommand(reason_parser())
    )]
    reason: Reason,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

fn serial(s: &str) -> Result<Serial, String> {
    Serial::from_hex(s).map_err(|_| "expected a hexadecimal serial number".into())
}

/// What `revoke --format json` prints: the index row as `list` shows it.
#[derive(Serialize)]
struct Report<'a> {
    serial: &'a Serial,
    subject: &'a str,
    file: &'a str,
    #[serde(with = "rfc3339")]
    revoked_at: OffsetDateTime,
    revocation_reason: Reason,
    certificate: Option<CertSummary>,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    // clap requires one of NAME and --serial, and not both.
    let target = match a.serial {
        Some(serial) => Target::Serial(serial),
        None => Target::Bundle(a.name.unwrap_or_default()),
    };
    let revoked = match revoke(&ctx.store, &target, a.reason, ctx.now()) {
        Ok(r) => r,
        Err(Error::AmbiguousBundle(name)) => {
            let serials: Vec<String> = bundle_serials(&ctx.store, &name)
                .into_iter()
                .map(|(dir, serial)| format!("{dir}/{name} holds {serial}"))
                .collect();
            return Err(refuse(
                format!("both a server and a user bundle are named \"{name}\""),
                format!("revoke one of them with --serial: {}", serials.join(", ")),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let e = &revoked.entry;
    let report = Report {
        serial: &e.serial,
        subject: &e.subject,
        file: &e.file,
        revoked_at: revoked.revoked_at,
        revocation_reason: revoked.reason,
        certificate: certgen::pki::recorded_certificate(&ctx.store, &e.file, &e.serial),
    };
    match a.format {
        Format::Json => output::print_json(&report)?,
        Format::Text => output::line(&output::sanitize(&format!(
            "revoked {} (serial {}, {}) on {}",
            report.subject,
            report.serial,
            report.revocation_reason,
            rfc3339::format(report.revoked_at)
        )))?,
    }
    output::note(
        ctx.quiet,
        "run `certgen crl` to publish the revocation in crl.pem",
    );
    Ok(Status::Ok)
}
