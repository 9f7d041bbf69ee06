//! `certgen list`: what the CA issued, from `index.txt`.

use anyhow::Result;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use certgen::cert::days_left;
use certgen::index::{Entry, Index, Status};
use certgen::serial::Serial;
use certgen::{CertSummary, Error, rfc3339};

use super::args::Format;
use super::context::Context;
use super::exit;
use super::in_command::InCommand;
use super::output::{self, sanitize};
use super::values;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only certificates whose notAfter falls within this time (30d, 2w, 12h,
    /// or days), already expired ones included; revoked ones are left out.
    #[arg(long, value_name = "DURATION", value_parser = InCommand(values::duration))]
    expiring: Option<Duration>,
    /// Only certificates in this state.
    #[arg(
        long,
        value_name = "STATUS",
        value_parser = InCommand(
            PossibleValuesParser::new(Status::ALL.map(Status::name))
                .try_map(|s| Status::from_name(&s).ok_or("unknown status"))
        )
    )]
    status: Option<Status>,
    /// Judge expiry as of this time instead of now (RFC 3339, a date for its midnight UTC, or Unix seconds).
    #[arg(long, value_name = "TIME", value_parser = InCommand(values::instant))]
    at: Option<OffsetDateTime>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// One certificate in the JSON output.
#[derive(Serialize)]
struct Row<'a> {
    status: Status,
    #[serde(with = "rfc3339")]
    not_after: OffsetDateTime,
    seconds_left: i64,
    days_left: i64,
    serial: &'a Serial,
    subject: &'a str,
    file: &'a str,
    #[serde(with = "rfc3339::option")]
    revoked_at: Option<OffsetDateTime>,
    revocation_reason: Option<&'a str>,
    /// The certificate in `file`, when it is still the one this row records.
    certificate: Option<CertSummary>,
}

fn row(e: &Entry, now: OffsetDateTime) -> Row<'_> {
    let revocation = e.revocation();
    Row {
        status: e.status_at(now),
        not_after: e.not_after,
        seconds_left: (e.not_after - now).whole_seconds(),
        days_left: days_left((e.not_after - now).whole_seconds()),
        serial: &e.serial,
        subject: &e.subject,
        file: &e.file,
        revoked_at: revocation.map(|(at, _)| at),
        revocation_reason: revocation.and_then(|(_, reason)| reason),
        certificate: None,
    }
}

pub fn run(ctx: &Context, a: Args) -> Result<exit::Status> {
    ctx.store.recover()?;
    let path = ctx.store.index();
    if !path.exists() && !ctx.store.has_ca() {
        return Err(Error::NoCa(ctx.store.root().to_path_buf()).into());
    }
    let index = Index::load(&path)?;
    let now = a.at.unwrap_or_else(|| ctx.now());
    let mut rows: Vec<Row> = index
        .entries
        .iter()
        .map(|e| row(e, now))
        .filter(|r| a.status.is_none_or(|s| r.status == s))
        .filter(|r| match a.expiring {
            Some(within) => r.status != Status::Revoked && r.seconds_left < within.whole_seconds(),
            None => true,
        })
        .collect();
    match a.format {
        Format::Json => {
            for r in &mut rows {
                r.certificate = certgen::pki::recorded_certificate(&ctx.store, r.file, r.serial);
            }
            output::print_json(&rows)?
        }
        Format::Text => print_table(&rows)?,
    }
    Ok(exit::Status::Ok)
}

fn print_table(rows: &[Row]) -> Result<()> {
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            let status = match (r.status, r.revoked_at) {
                (Status::Revoked, Some(at)) => format!("revoked {}", rfc3339::format(at)),
                (s, _) => s.to_string(),
            };
            [
                status,
                rfc3339::format(r.not_after),
                r.days_left.to_string(),
                r.serial.to_string(),
                r.subject.to_string(),
                r.file.to_string(),
            ]
        })
        .collect();
    let header = ["STATUS", "EXPIRES", "DAYS", "SERIAL", "SUBJECT", "FILE"].map(String::from);
    let mut widths = header.clone().map(|h| h.len());
    for c in &cells {
        for (w, cell) in widths.iter_mut().zip(c) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for c in std::iter::once(&header).chain(&cells) {
        let line: Vec<String> = c
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (cell, w))| {
                if i == 2 {
                    format!("{cell:>w$}")
                } else {
                    format!("{cell:<w$}")
                }
            })
            .collect();
        text.push_str(line.join("  ").trim_end());
        text.push('\n');
    }
    output::raw(&sanitize(&text))
}
