//! `certgen check-expiry [PATH...]`: the cron job. Every certificate under the
//! paths is classified OK / WARNING / CRITICAL / UNKNOWN and the process exits
//! with the worst status, in the Nagios plugin convention. `--connect` adds
//! the chains live servers serve, judged the same way.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result};
use clap::builder::{EnumValueParser, PathBufValueParser};
use time::{Duration, OffsetDateTime};

use certgen::Store;
use certgen::bundle;
use certgen::db::Database;
use certgen::deploy::{self, Located};
use certgen::encoding::certificates;
use certgen::expiry::{self, Detail, Finding, Revocations, Source, Tally, Thresholds};
use certgen::input::read_file;
use certgen::kind::Kind;
use certgen::remote::{self, Deployed, Expect, Judge, Starttls, Target, Trust};
use certgen::store::{Mode, replace_file};

use super::context::Context;
use super::errors::refuse;
use super::exit::{self, Status};
use super::expiry_report::{Json, Nagios, Report, Text};
use super::in_command::InCommand;
use super::prometheus::Prometheus;
use super::suggest;
use super::values;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Certificate and CRL files or directories (searched recursively);
    /// default: the PKI directory, unless --connect is given.
    #[arg(value_name = "PATH", value_parser = InCommand(PathBufValueParser::new()))]
    paths: Vec<PathBuf>,
    /// Check the chain a live server serves (repeatable; IPv6 as [::1]:5432);
    /// a mysql://, postgres:// or tls:// prefix sets the protocol for that
    /// server.
    #[arg(long, value_name = "HOST:PORT", value_parser = InCommand(target))]
    connect: Vec<Target>,
    /// How to start TLS with the --connect servers without a prefix: auto
    /// picks mysql on ports 3306, 3307 and 9306, postgres on 5432, plain TLS
    /// (none) elsewhere.
    #[arg(long, default_value = "auto", requires = "connect",
          value_parser = InCommand(EnumValueParser::<StarttlsArg>::new()))]
    starttls: StarttlsArg,
    /// The server name to send (SNI) and, with --ca, to check; default: the
    /// HOST of --connect when it is a DNS name.
    #[arg(long, value_name = "NAME", requires = "connect", value_parser = InCommand(sni))]
    sni: Option<String>,
    /// Give up on a server after this long to look it up and connect, and again
    /// for the handshake (10s, 2m).
    #[arg(long, default_value = "10s", value_name = "DURATION", requires = "connect",
          value_parser = InCommand(timeout))]
    timeout: std::time::Duration,
    /// Also validate each served chain and host name against the roots in
    /// FILE: CRITICAL when it fails.
    #[arg(long, value_name = "FILE", requires = "connect",
          value_parser = InCommand(PathBufValueParser::new()))]
    ca: Option<PathBuf>,
    /// The servers should serve the current certificate of the PKI's server bundle NAME:
    /// WARNING "deploy needed" or "reload needed" (--deployed tells which) when they serve
    /// another.
    #[arg(long, num_args = 2, value_names = ["server", "NAME"], requires = "connect")]
    expect: Vec<String>,
    /// The copy of the certificate the servers read: the file, or the directory deploy
    /// wrote (--to). WARNING "reload needed" when they serve another certificate; with
    /// --expect, "deploy needed" when it is not the PKI's current one.
    #[arg(long, value_name = "FILE|DIR", requires = "connect",
          value_parser = InCommand(PathBufValueParser::new()))]
    deployed: Option<PathBuf>,
    /// The database behind --connect, for the reload statement of --expect
    /// and --deployed; default: those the protocol is spoken by.
    #[arg(long, value_name = "DATABASE", requires = "connect",
          value_parser = InCommand(EnumValueParser::<DbArg>::new()))]
    db: Option<DbArg>,
    /// WARNING when a certificate expires (a CRL's nextUpdate falls) within this time
    /// (30d, 2w, 12h, or days).
    #[arg(long, default_value = "30d", value_name = "DURATION", value_parser = InCommand(values::duration))]
    warn: Duration,
    /// CRITICAL when a certificate (a CRL) expires within this time, has expired, or is not
    /// yet valid.
    #[arg(long, default_value = "7d", value_name = "DURATION", value_parser = InCommand(values::duration))]
    crit: Duration,
    /// Check as of this time instead of now (RFC 3339, a date for its midnight UTC, or Unix seconds).
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

/// `--starttls`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StarttlsArg {
    /// By the port: 3306, 3307, 9306 mysql; 5432 postgres; else none, then
    /// mysql or postgres as the server answers.
    Auto,
    /// The MySQL protocol's SSLRequest (MySQL, MariaDB, SingleStore, Manticore).
    Mysql,
    /// PostgreSQL's SSLRequest.
    Postgres,
    /// TLS from the first byte.
    None,
}

/// `--db`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DbArg {
    Mysql,
    Mariadb,
    Singlestore,
    Manticore,
    Postgres,
}

impl From<DbArg> for Database {
    fn from(d: DbArg) -> Database {
        match d {
            DbArg::Mysql => Database::Mysql,
            DbArg::Mariadb => Database::Mariadb,
            DbArg::Singlestore => Database::Singlestore,
            DbArg::Manticore => Database::Manticore,
            DbArg::Postgres => Database::Postgres,
        }
    }
}

fn target(s: &str) -> Result<Target, String> {
    Target::parse(s).map_err(|e| match e {
        certgen::Error::InvalidName { reason, .. } => reason,
        other => other.to_string(),
    })
}

fn sni(s: &str) -> Result<String, String> {
    match rustls_pki_types::ServerName::try_from(s) {
        Ok(rustls_pki_types::ServerName::DnsName(_)) => Ok(s.to_string()),
        _ => Err("expected a DNS name".into()),
    }
}

/// A duration with its unit (a plain number means days elsewhere, which no
/// one means for a timeout), from 1 second to 1 hour.
fn timeout(s: &str) -> Result<std::time::Duration, String> {
    if s.trim().bytes().all(|b| b.is_ascii_digit()) {
        return Err("give a unit: 10s, 2m".into());
    }
    let d = values::duration(s)?;
    if d < Duration::SECOND || d > Duration::HOUR {
        return Err("expected 1s to 1h".into());
    }
    Ok(std::time::Duration::from_secs(
        d.whole_seconds().unsigned_abs(),
    ))
}

/// What to check besides files.
struct Remote {
    targets: Vec<Target>,
    options: remote::Options,
    judge: Judge,
}

fn remote_plan(
    ctx: &Context,
    a: &Args,
    thresholds: Thresholds,
    now: OffsetDateTime,
    revocations: Option<&Arc<Revocations>>,
) -> Result<Option<Remote>> {
    if a.connect.is_empty() {
        return Ok(None);
    }
    // The files are read before any connection is made: a typo is an error,
    // not a check of every server without it.
    let trust = match &a.ca {
        Some(file) => Some(Trust {
            roots: read_certs(file)?,
            file: file.clone(),
        }),
        None => None,
    };
    let located = match &a.deployed {
        Some(path) => Some(deploy::locate(path, Kind::Server).context("--deployed")?),
        None => None,
    };
    let deployed = match &located {
        Some(found) => Some(Deployed {
            leaf: first_cert(&found.cert)?,
            file: found.cert.clone(),
        }),
        None => None,
    };
    let expect = match a.expect.as_slice() {
        [] => None,
        [kind, name] if kind == Kind::Server.noun() => {
            Some(expected(&ctx.store, name, located.as_ref())?)
        }
        other => {
            return Err(refuse(
                format!("--expect takes `server NAME`, not `{}`", other.join(" ")),
                "name the PKI's server bundle the servers should serve (--expect server NAME); the certificate file a server reads goes in --deployed",
            ));
        }
    };
    let starttls = match a.starttls {
        StarttlsArg::Auto => Starttls::Auto,
        StarttlsArg::Mysql => Starttls::Mysql,
        StarttlsArg::Postgres => Starttls::Postgres,
        StarttlsArg::None => Starttls::None,
    };
    Ok(Some(Remote {
        targets: a.connect.clone(),
        options: remote::Options {
            starttls,
            sni: a.sni.clone(),
            timeout: a.timeout,
        },
        judge: Judge {
            thresholds,
            now,
            detail: Detail::Summary,
            trust,
            expect,
            deployed,
            sni: a.sni.clone(),
            database: a.db.map(Database::from),
            revocations: revocations.cloned(),
        },
    }))
}

/// The current certificate of the server bundle `name`, and the command
/// that deploys it where `deployed` is (with its layout), or to a DIR to
/// fill in.
fn expected(store: &Store, name: &str, deployed: Option<&Located>) -> Result<Expect> {
    let id = match bundle::find(store, Some(Kind::Server), name) {
        Err(certgen::Error::NoSuchBundle(_)) => Err(certgen::Error::NoBundle {
            kind: Kind::Server.noun(),
            name: name.to_string(),
            dir: store.root().to_path_buf(),
        }),
        found => found,
    }
    .context("--expect")?;
    let leaf = bundle::read_leaf(store, id.kind, &id.name)?;
    let deploy = match deployed {
        Some(Located {
            cert, layout: None, ..
        }) => format!(
            "replace {} and its key with the bundle's (certgen deploy writes other file names)",
            cert.display()
        ),
        Some(found) => suggest::deploy(store, id.kind, &id.name, Some(&found.dir), found.layout),
        None => suggest::deploy(store, id.kind, &id.name, None, None),
    };
    Ok(Expect {
        bundle: id.rel_dir(),
        leaf: leaf.issued.der,
        deploy,
    })
}

/// The first certificate in FILE.
fn first_cert(file: &Path) -> Result<Vec<u8>> {
    read_certs(file)?
        .into_iter()
        .next()
        .with_context(|| format!("{}: no certificate in the file", file.display()))
}

/// The certificates in FILE (at least one).
fn read_certs(file: &Path) -> Result<Vec<Vec<u8>>> {
    let bytes = read_file(file).with_context(|| format!("reading {}", file.display()))?;
    Ok(certificates(&file.display().to_string(), &bytes)?)
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let thresholds = Thresholds::new(a.warn, a.crit).context("--warn and --crit")?;
    let now = a.at.unwrap_or_else(|| {
        let now = ctx.now();
        now.replace_nanosecond(0).unwrap_or(now)
    });
    // The PKI's index, so that a revoked certificate is never OK; one that
    // cannot be read is reported, and the rest checked without it.
    let (revocations, index_problem) = match Revocations::load(&ctx.store) {
        Ok(r) => (r.map(Arc::new), None),
        Err(e) => (
            None,
            Some(Finding::unknown_at(
                Source::File(ctx.store.index()),
                format!("cannot tell revoked certificates: {e}"),
            )),
        ),
    };
    let remote = remote_plan(ctx, &a, thresholds, now, revocations.as_ref())?;
    let paths = if a.paths.is_empty() && remote.is_none() {
        vec![ctx.store.root().to_path_buf()]
    } else {
        a.paths
    };
    let plan = Plan {
        paths,
        remote,
        revocations,
        index_problem,
        thresholds,
        now,
    };
    let tally = match &a.output {
        Some(file) => {
            let mut buf = Vec::new();
            let tally = report(&mut buf, &plan, a.format, ctx.quiet)?;
            replace_file(file, &buf, Mode::Public)
                .with_context(|| format!("writing the report to {}", file.display()))?;
            tally
        }
        None => {
            let mut out = BufWriter::new(ClosedPipeIsFine::new(std::io::stdout().lock()));
            let tally = report(&mut out, &plan, a.format, ctx.quiet)?;
            out.flush()?;
            tally
        }
    };
    Ok(exit::worst(&tally).into())
}

/// Everything one run checks.
struct Plan {
    paths: Vec<PathBuf>,
    remote: Option<Remote>,
    revocations: Option<Arc<Revocations>>,
    /// Why the PKI's index could not be read, reported first.
    index_problem: Option<Finding>,
    thresholds: Thresholds,
    now: OffsetDateTime,
}

/// Scans and renders as it goes; returns the counts for the exit status.
/// The servers are contacted while the files are scanned, and reported
/// after them in the order given.
fn report(out: &mut dyn Write, plan: &Plan, format: ExpiryFormat, quiet: bool) -> Result<Tally> {
    let (thresholds, now) = (plan.thresholds, plan.now);
    let mut tally = Tally::default();
    let mut rep = renderer(format, thresholds, now, quiet);
    rep.start(out)?;
    // Quiet text and Nagios show only the problems.
    let detail = match format {
        ExpiryFormat::Text if quiet => Detail::Problems,
        ExpiryFormat::Nagios => Detail::Problems,
        ExpiryFormat::Json => Detail::Summary,
        _ => Detail::Names,
    };
    std::thread::scope(|s| -> Result<()> {
        let fetching = plan
            .remote
            .as_ref()
            .map(|r| s.spawn(|| remote::fetch_all(&r.targets, &r.options, remote::IN_FLIGHT)));
        if let Some(finding) = &plan.index_problem {
            tally.add(finding, now);
            rep.finding(out, finding)?;
        }
        if !plan.paths.is_empty() {
            let options = expiry::Options {
                thresholds,
                now,
                detail,
                revocations: plan.revocations.clone(),
            };
            expiry::scan_options(&plan.paths, &options, |finding| {
                tally.add(&finding, now);
                rep.finding(out, &finding)
            })?;
        }
        let (Some(r), Some(fetching)) = (&plan.remote, fetching) else {
            return Ok(());
        };
        let fetched = fetching
            .join()
            .map_err(|_| anyhow::anyhow!("fetching the served chains failed"))?;
        let judge = Judge {
            detail,
            ..r.judge.clone()
        };
        for (target, result) in r.targets.iter().zip(fetched) {
            for finding in judge.findings(target, result) {
                tally.add(&finding, now);
                rep.finding(out, &finding)?;
            }
        }
        Ok(())
    })?;
    rep.finish(out, &tally)?;
    Ok(tally)
}

/// The renderer `--format` names.
fn renderer(
    format: ExpiryFormat,
    thresholds: Thresholds,
    now: OffsetDateTime,
    quiet: bool,
) -> Box<dyn Report> {
    match format {
        ExpiryFormat::Text => Box::new(Text::new(now, quiet)),
        ExpiryFormat::Json => Box::new(Json::new(now, thresholds)),
        ExpiryFormat::Nagios => Box::new(Nagios::new(thresholds)),
        ExpiryFormat::Prometheus => Box::new(Prometheus::new(now)),
    }
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
