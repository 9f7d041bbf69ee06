//! `certgen check-expiry [PATH...]`: the cron job. Every certificate under the
//! paths is classified OK / WARNING / CRITICAL / UNKNOWN and the process exits
//! with the worst status, in the Nagios plugin convention.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::builder::{EnumValueParser, PathBufValueParser};
use time::{Duration, OffsetDateTime};

use certgen::expiry::{self, Detail, Tally, Thresholds};
use certgen::store::{Mode, replace_file};

use super::expiry_report::{Report, new_report};
use super::usage::InCommand;
use super::{Context, Status, exit, values};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Certificate files or directories (searched recursively); default: the PKI directory.
    #[arg(value_name = "PATH", value_parser = InCommand(PathBufValueParser::new()))]
    paths: Vec<PathBuf>,
    /// WARNING when a certificate expires within this time (30d, 2w, 12h, or days).
    #[arg(long, default_value = "30d", value_name = "DURATION", value_parser = InCommand(values::duration))]
    warn: Duration,
    /// CRITICAL when a certificate expires within this time, has expired, or is not yet valid.
    #[arg(long, default_value = "7d", value_name = "DURATION", value_parser = InCommand(values::duration))]
    crit: Duration,
    /// Check as of this time instead of now (RFC 3339 or Unix seconds).
    #[arg(long, value_name = "TIME", value_parser = InCommand(values::instant))]
    at: Option<OffsetDateTime>,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = InCommand(EnumValueParser::<ExpiryFormat>::new()))]
    format: ExpiryFormat,
    /// Write the report to FILE atomically instead of stdout (for node_exporter's
    /// textfile collector).
    #[arg(long, value_name = "FILE", value_parser = InCommand(PathBufValueParser::new()))]
    output: Option<PathBuf>,
}

/// `--format` of check-expiry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExpiryFormat {
    /// A table; with --quiet only the problems, and nothing when all is well.
    Text,
    /// One JSON document (see docs/check-expiry.md).
    Json,
    /// A Nagios plugin status line with performance data.
    Nagios,
    /// Prometheus text exposition format (node_exporter textfile collector).
    Prometheus,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let thresholds = Thresholds::new(a.warn, a.crit).context("--warn and --crit")?;
    let now = a.at.unwrap_or_else(|| {
        let now = ctx.now();
        now.replace_nanosecond(0).unwrap_or(now)
    });
    let paths = if a.paths.is_empty() {
        vec![ctx.store.root().to_path_buf()]
    } else {
        a.paths
    };
    let tally = match &a.output {
        Some(file) => {
            let mut buf = Vec::new();
            let tally = report(&mut buf, &paths, thresholds, now, a.format, ctx.quiet)?;
            replace_file(file, &buf, Mode::Public)
                .with_context(|| format!("writing the report to {}", file.display()))?;
            tally
        }
        None => {
            let mut out = BufWriter::new(ClosedPipeIsFine::new(std::io::stdout().lock()));
            let tally = report(&mut out, &paths, thresholds, now, a.format, ctx.quiet)?;
            out.flush()?;
            tally
        }
    };
    Ok(exit::worst(&tally).into())
}

/// Scans and renders as it goes; returns the counts for the exit status.
fn report(
    out: &mut dyn Write,
    paths: &[PathBuf],
    thresholds: Thresholds,
    now: OffsetDateTime,
    format: ExpiryFormat,
    quiet: bool,
) -> Result<Tally> {
    let mut tally = Tally::default();
    let mut rep: Box<dyn Report> = new_report(format, thresholds, now, quiet);
    rep.start(out)?;
    // Quiet text and Nagios show only the problems.
    let detail = match format {
        ExpiryFormat::Text if quiet => Detail::Problems,
        ExpiryFormat::Nagios => Detail::Problems,
        ExpiryFormat::Json => Detail::Summary,
        _ => Detail::Names,
    };
    expiry::scan_with(paths, thresholds, now, detail, |finding| {
        tally.add(&finding, now);
        rep.finding(out, &finding)
    })?;
    rep.finish(out, &tally)?;
    Ok(tally)
}

/// Output whose reader may go away: once a write finds the pipe closed
/// (`check-expiry | head -1`), the rest is discarded and the scan goes on,
/// so that the exit status still tells whether any certificate is critical.
/// Other commands exit 0 on a closed pipe; this one's status is its answer.
struct ClosedPipeIsFine<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> ClosedPipeIsFine<W> {
    fn new(inner: W) -> Self {
        ClosedPipeIsFine {
            inner,
            closed: false,
        }
    }

    fn unless_closed<T>(
        &mut self,
        done: T,
        f: impl FnOnce(&mut W) -> io::Result<T>,
    ) -> io::Result<T> {
        if self.closed {
            return Ok(done);
        }
        match f(&mut self.inner) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(done)
            }
            other => other,
        }
    }
}

impl<W: Write> Write for ClosedPipeIsFine<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.unless_closed(buf.len(), |w| w.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.unless_closed((), Write::flush)
    }
}
