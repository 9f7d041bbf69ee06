//! `certgen revoke NAME | --serial HEX`: marks a certificate revoked in the
//! index, as `openssl ca -revoke -crl_reason` does; `certgen crl` publishes it.

use anyhow::Result;
use serde::Serialize;
use time::OffsetDateTime;

use certgen::bundle::serials as bundle_serials;
use certgen::index::{Entry, Reason};
use certgen::kind::Kind;
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
    /// Why, as recorded in the index and the CRL; keyCompromise also revokes the bundle's other
    /// certificates of the same key, and may replace another reason (superseded).
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
    /// The reason it was revoked with before a keyCompromise revocation
    /// replaced it (its date kept); `None` when it was valid.
    previous_reason: Option<String>,
    certificate: Option<CertSummary>,
    /// For keyCompromise: the bundle's other certificates of the same key,
    /// revoked with it.
    same_key: Vec<Report<'a>>,
    /// For keyCompromise: whether the certificate could be read to look for
    /// them.
    #[serde(skip_serializing_if = "Option::is_none")]
    key_checked: Option<bool>,
}

impl<'a> Report<'a> {
    fn of(
        ctx: &Context,
        e: &'a Entry,
        revoked_at: OffsetDateTime,
        reason: Reason,
        earlier: &Option<Option<String>>,
    ) -> Report<'a> {
        Report {
            serial: &e.serial,
            subject: &e.subject,
            file: &e.file,
            revoked_at,
            revocation_reason: reason,
            previous_reason: earlier
                .as_ref()
                .map(|r| r.clone().unwrap_or_else(|| "unspecified".into())),
            certificate: certgen::pki::recorded_certificate(&ctx.store, &e.file, &e.serial),
            same_key: Vec::new(),
            key_checked: None,
        }
    }

    /// `revoked /CN=app (serial 79BE..., keyCompromise) on DATE`, saying
    /// what it was revoked for before.
    fn said(&self) -> String {
        let at = rfc3339::format(self.revoked_at);
        let (subject, serial, reason) = (self.subject, self.serial, self.revocation_reason);
        match self.previous_reason.as_deref() {
            None => format!("revoked {subject} (serial {serial}, {reason}) on {at}"),
            Some(r) if Reason::from_name(r) == Some(reason) => {
                format!("{subject} (serial {serial}) was already revoked on {at} ({reason})")
            }
            Some(r) => format!(
                "revoked {subject} (serial {serial}, {reason}; {r} before, its date kept) on {at}"
            ),
        }
    }
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
    let mut report = Report::of(
        ctx,
        &revoked.entry,
        revoked.revoked_at,
        revoked.reason,
        &revoked.earlier,
    );
    report.same_key = revoked
        .same_key
        .iter()
        .map(|s| {
            let at = s
                .entry
                .revocation()
                .map_or(revoked.revoked_at, |(at, _)| at);
            Report::of(ctx, &s.entry, at, Reason::KeyCompromise, &s.earlier)
        })
        .collect();
    if revoked.reason == Reason::KeyCompromise {
        report.key_checked = Some(revoked.key_known);
    }
    match a.format {
        Format::Json => output::print_json(&report)?,
        Format::Text => {
            output::line(&report.said())?;
            for s in &report.same_key {
                output::line(&format!("{}: the same key, in {}", s.said(), s.file))?;
            }
        }
    }
    if !revoked.key_known {
        let why = if report.file == "unknown" {
            "the index records no file of it".to_string()
        } else {
            format!("{} and old_keys/ no longer hold it", report.file)
        };
        output::warn(format!(
            "cannot read certificate {} ({why}): other certificates of its key, if any, are not revoked",
            report.serial
        ));
    }
    for s in report.same_key.iter().filter(|s| s.certificate.is_some()) {
        if let Some((kind, name)) = bundle_of(s.file) {
            let issue = match kind {
                Kind::Server => "issue-server",
                Kind::User => "issue-client",
            };
            output::warn(format!(
                "{} holds a certificate of the compromised key, now revoked: give it a new key with `certgen {issue} {name} --force`, and deploy that",
                kind.rel_dir(name)
            ));
        }
    }
    output::note(
        ctx.quiet,
        "run `certgen crl` to publish the revocation in crl.pem",
    );
    Ok(Status::Ok)
}

/// The bundle whose certificate file the index names `file`
/// (`servers/NAME/server-cert.pem`, `users/NAME/client-cert.pem`).
fn bundle_of(file: &str) -> Option<(Kind, &str)> {
    let mut parts = file.split('/');
    let (dir, name, cert) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Kind::ALL
        .into_iter()
        .find(|k| k.parent_dir() == dir && k.file_names().1 == cert)
        .map(|k| (k, name))
}
