//! `certgen crl`: a v2 CRL of the revoked certificates, signed by the CA,
//! as `openssl ca -gencrl` makes it; during a CA changeover, one of each
//! root in the same file.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use serde::Serialize;
use time::Duration;

use certgen::crl::{CrlMade, DEFAULT_VALIDITY, Request, Signer, Which, generate};
use certgen::duration::format_duration;
use certgen::inspect::{CrlDetails, crl_details};
use certgen::pki::{open_ca, open_old_ca};
use certgen::rfc3339;

use super::args::Format;
use super::context::Context;
use super::exit::Status;
use super::in_command::InCommand;
use super::output;
use super::passphrase::PassphraseArgs;
use super::values;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Time until nextUpdate, when clients need a newer CRL: a number of days,
    /// or 30d, 2w, 12h [default: 90 days].
    #[arg(long, value_name = "DURATION", value_parser = InCommand(values::lifetime))]
    days: Option<Duration>,
    /// For cron: write only when due (a trusted root without a CRL in the
    /// file, a nextUpdate within DURATION, or revocations it does not list
    /// yet, a renewal's superseded certificates waiting for the next write);
    /// otherwise write nothing. Shorter than --days.
    #[arg(long, value_name = "DURATION", value_parser = InCommand(values::duration))]
    within: Option<Duration>,
    /// Where to write the CRL (PEM) [default: DIR/crl.pem].
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// What `crl --format json` prints: the file and its CRLs as `inspect`
/// describes them.
#[derive(Serialize)]
struct Report<'a> {
    file: &'a PathBuf,
    /// False when --within found nothing due.
    written: bool,
    /// With --within: why the file was written.
    due: Option<&'a str>,
    /// The CA's CRL.
    crl: Option<CrlDetails>,
    /// During a CA changeover, the old root's CRL.
    old_ca_crl: Option<CrlDetails>,
    archived: Option<&'a PathBuf>,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let ca = open_ca(&ctx.store)?;
    let old = open_old_ca(&ctx.store)?;
    let req = Request {
        validity: a.days.unwrap_or(DEFAULT_VALIDITY),
        out: a.out.as_deref(),
        within: a.within,
    };
    let made =
        generate(&ctx.store, &ca, old.as_ref(), &req, ctx.now()).context("making the CRL")?;
    let signers = certgen::crl::signers(&ca, old.as_ref());
    match a.format {
        Format::Json => print_json(&made, &signers)?,
        Format::Text if made.written.is_empty() => {}
        Format::Text => print_text(&made)?,
    }
    if let Some(why) = &made.due {
        output::note(ctx.quiet, &format!("due: {why}"));
    }
    if let (true, Some(within)) = (made.written.is_empty(), a.within) {
        let next = made.kept.iter().filter_map(|p| p.next_update).min();
        output::note(
            ctx.quiet,
            &format!(
                "nothing due: {} holds a current CRL of each root{}, later than {}",
                made.path.display(),
                next.map(|t| format!(" (next update {})", rfc3339::format(t)))
                    .unwrap_or_default(),
                format_duration(within)
            ),
        );
    }
    if let Some(dir) = &made.archived {
        output::note(
            ctx.quiet,
            &format!("archived the CRL file it replaces in {}", dir.display()),
        );
    }
    Ok(Status::Ok)
}

fn print_json(made: &CrlMade, signers: &[Signer<'_>]) -> Result<()> {
    let what = made.path.display().to_string();
    let details = |which: Which| -> Result<Option<CrlDetails>> {
        let written = made.written.iter().find(|s| s.which == which);
        let der = match written {
            Some(s) => Some(&s.der),
            // Nothing was due: the CRLs the file holds, by who signed them.
            None => signers.iter().find(|s| s.which == which).and_then(|s| {
                made.kept
                    .iter()
                    .find(|p| p.signed_by(s.ca.cert_der()))
                    .map(|p| &p.der)
            }),
        };
        der.map(|der| crl_details(&what, der))
            .transpose()
            .map_err(Into::into)
    };
    output::print_json(&Report {
        file: &made.path,
        written: !made.written.is_empty(),
        due: made.due.as_deref(),
        crl: details(Which::Current)?,
        old_ca_crl: details(Which::Old)?,
        archived: made.archived.as_ref(),
    })
}

fn print_text(made: &CrlMade) -> Result<()> {
    for s in &made.written {
        let whose = match s.which {
            Which::Current => s.issuer.clone(),
            Which::Old => format!("the old CA {}", s.issuer),
        };
        output::line(&format!(
            "wrote CRL number {} of {whose} ({} revoked, next update {})",
            // As inspect and the JSON show it: hex without leading zeros.
            s.number.to_string().trim_start_matches('0'),
            s.revoked,
            rfc3339::format(s.next_update),
        ))?;
    }
    output::line(&format!("  file: {}", made.path.display()))
}
