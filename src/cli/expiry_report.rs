//! How `check-expiry` renders its findings: the [`Report`] every renderer
//! implements, and the text table, JSON and Nagios status line (Prometheus
//! metrics are in `prometheus.rs`). Every renderer streams (findings are
//! written as they arrive) except where a format needs grouping; the command
//! picks one by its `--format`.

use std::io::{self, Write};

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use certgen::cert::days_left;
use certgen::expiry::{CrlSummary, Finding, Level, Revocation, Source, Tally, Thresholds, human};
use certgen::{CertSummary, rfc3339};

use super::exit::{Status, worst};
use super::output::{sanitize_line, write_json};

/// A renderer: called once before the scan, once per finding, once after.
pub trait Report {
    fn start(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
    fn finding(&mut self, out: &mut dyn Write, f: &Finding) -> io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write, tally: &Tally) -> io::Result<()>;
}

/// The path with `#N` for the Nth certificate of a bundle.
pub fn location(f: &Finding) -> String {
    match f.position {
        Some(n) => format!("{}#{n}", f.source),
        None => f.source.to_string(),
    }
}

/// `1 certificate`, `2 certificates`, and ` and 1 CRL` when CRLs were seen.
fn certificates(t: &Tally) -> String {
    let n = t.certificates();
    let mut s = if n == 1 {
        "1 certificate".to_string()
    } else {
        format!("{n} certificates")
    };
    match t.crls.total() {
        0 => {}
        1 => s.push_str(" and 1 CRL"),
        crls => s.push_str(&format!(" and {crls} CRLs")),
    }
    s
}

/// `, 1 revoked, 2 superseded`: the certificates shown so without raising
/// the status, when there are any.
fn set_aside(t: &Tally) -> String {
    let mut s = String::new();
    if t.revoked > 0 {
        s.push_str(&format!(", {} revoked", t.revoked));
    }
    if t.superseded > 0 {
        s.push_str(&format!(", {} superseded", t.superseded));
    }
    s
}

/// What a report names a finding by: the certificate's subject, or the
/// CRL's issuer and number.
pub fn subject(f: &Finding) -> String {
    match (&f.crl, &f.name) {
        (Some(crl), _) => match &crl.crl_number {
            Some(n) => format!("CRL of {}, number {n}", crl.issuer),
            None => format!("CRL of {}", crl.issuer),
        },
        (None, Some(n)) => n.subject.clone(),
        (None, None) => "-".into(),
    }
}

/// A table; with `quiet` only the problems (what raises the status), and no
/// summary line.
pub struct Text {
    now: OffsetDateTime,
    quiet: bool,
    header_done: bool,
}

impl Text {
    pub fn new(now: OffsetDateTime, quiet: bool) -> Text {
        Text {
            now,
            quiet,
            header_done: false,
        }
    }
}

impl Report for Text {
    fn finding(&mut self, out: &mut dyn Write, f: &Finding) -> io::Result<()> {
        // Quiet: only what raises the status (not OK, nor a revoked
        // certificate where it is expected).
        if self.quiet && !f.level.raises() {
            return Ok(());
        }
        if !self.header_done {
            self.header_done = true;
            writeln!(
                out,
                "STATUS    NOT AFTER               DAYS  FILE/TARGET  SUBJECT"
            )?;
        }
        let (date, days, detail) = match (f.not_after, &f.crl) {
            (Some(not_after), _) => {
                let date = rfc3339::format(not_after);
                let days = f.seconds_left(self.now).map(days_left).unwrap_or(0);
                let subject = subject(f);
                let detail = if f.level == Level::Ok {
                    subject
                } else {
                    format!("{subject} ({})", f.reason)
                };
                (date, days.to_string(), detail)
            }
            // A CRL without a nextUpdate.
            (None, Some(_)) => (
                "-".into(),
                "-".into(),
                format!("{} ({})", subject(f), f.reason),
            ),
            (None, None) => ("-".into(), "-".into(), f.reason.clone()),
        };
        let line = format!(
            "{:<8}  {date:<20}  {days:>6}  {}  {detail}",
            f.level.name(),
            location(f)
        );
        writeln!(out, "{}", sanitize_line(&line))
    }

    fn finish(&mut self, out: &mut dyn Write, tally: &Tally) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        writeln!(
            out,
            "{}: {} ok, {} warning, {} critical{}; {} unknown",
            certificates(tally),
            tally.ok,
            tally.warning,
            tally.critical,
            set_aside(tally),
            tally.unknown
        )
    }
}

/// One element of `results` in the JSON document.
#[derive(Serialize)]
struct JsonFinding<'a> {
    file: Option<String>,
    target: Option<&'a str>,
    position: Option<usize>,
    status: Level,
    reason: &'a str,
    seconds_left: Option<i64>,
    days_left: Option<i64>,
    certificate: Option<&'a CertSummary>,
    crl: Option<&'a CrlSummary>,
    /// When the PKI's index records the certificate revoked or superseded.
    revocation: Option<&'a Revocation>,
}

/// One JSON document (see docs/check-expiry.md).
pub struct Json {
    now: OffsetDateTime,
    thresholds: Thresholds,
    first: bool,
}

impl Json {
    pub fn new(now: OffsetDateTime, thresholds: Thresholds) -> Json {
        Json {
            now,
            thresholds,
            first: true,
        }
    }
}

impl Report for Json {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{{")?;
        writeln!(out, "  \"checked_at\": \"{}\",", rfc3339::format(self.now))?;
        writeln!(
            out,
            "  \"warn_seconds\": {},",
            self.thresholds.warn.whole_seconds()
        )?;
        writeln!(
            out,
            "  \"crit_seconds\": {},",
            self.thresholds.crit.whole_seconds()
        )?;
        write!(out, "  \"results\": [")
    }

    fn finding(&mut self, out: &mut dyn Write, f: &Finding) -> io::Result<()> {
        let left = f.seconds_left(self.now);
        let item = JsonFinding {
            file: match &f.source {
                Source::File(path) => Some(path.to_string_lossy().into_owned()),
                Source::Endpoint(_) => None,
            },
            target: match &f.source {
                Source::File(_) => None,
                Source::Endpoint(target) => Some(target),
            },
            position: f.position,
            status: f.level,
            reason: &f.reason,
            seconds_left: left,
            days_left: left.map(days_left),
            certificate: f.cert.as_deref(),
            crl: f.crl.as_deref(),
            revocation: f.revocation.as_deref(),
        };
        write!(out, "{}\n    ", if self.first { "" } else { "," })?;
        self.first = false;
        write_json(out, &item)?;
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, tally: &Tally) -> io::Result<()> {
        let summary = serde_json::json!({
            "certificates": tally.certificates(),
            "crls": tally.crls.total(),
            "revoked": tally.revoked,
            "superseded": tally.superseded,
            "ok": tally.ok,
            "warning": tally.warning,
            "critical": tally.critical,
            "unknown": tally.unknown,
            "min_seconds_left": tally.min_seconds_left,
        });
        writeln!(out, "\n  ],")?;
        writeln!(out, "  \"summary\": {summary},")?;
        let worst = worst(tally);
        writeln!(out, "  \"status\": \"{}\",", worst.name().to_lowercase())?;
        writeln!(out, "  \"exit_code\": {}", Status::from(worst).code())?;
        writeln!(out, "}}")
    }
}

/// Problem lines printed after the status line (Nagios "long output").
pub const NAGIOS_LONG_LINES: usize = 50;

/// Text for a Nagios line: escaped for a terminal, and without `|`, which
/// separates text from performance data in the plugin protocol.
pub fn nagios_text(s: &str) -> String {
    sanitize_line(s).replace('|', "/")
}

/// `; one expired 3 days ago` or `; soonest expires in 20 days`, for the
/// smallest time left to a notAfter or nextUpdate.
pub fn soonest(min_seconds_left: i64) -> String {
    if min_seconds_left < 0 {
        format!(
            "; one expired {} ago",
            human(Duration::seconds(-min_seconds_left))
        )
    } else {
        format!(
            "; soonest expires in {}",
            human(Duration::seconds(min_seconds_left))
        )
    }
}

/// The performance datum of the smallest time left, with the thresholds as
/// `N:` ranges (alert below N), so that graphing add-ons draw them.
pub fn min_seconds_left_perfdata(min: i64, thresholds: Thresholds) -> String {
    format!(
        "min_seconds_left={min}s;{}:;{}:",
        thresholds.warn.whole_seconds(),
        thresholds.crit.whole_seconds()
    )
}

/// The status line with its performance data, then the problem lines (at
/// most [`NAGIOS_LONG_LINES`]).
pub fn write_nagios(
    out: &mut dyn Write,
    line: &str,
    perfdata: &str,
    problems: &[String],
) -> io::Result<()> {
    writeln!(out, "{} | {perfdata}", nagios_text(line))?;
    for (i, p) in problems.iter().enumerate() {
        if i == NAGIOS_LONG_LINES {
            writeln!(out, "... and more problems")?;
            break;
        }
        writeln!(out, "{}", nagios_text(p))?;
    }
    Ok(())
}

/// A Nagios plugin status line with performance data, then the problems.
pub struct Nagios {
    thresholds: Thresholds,
    problems: Vec<String>,
}

impl Report for Nagios {
    fn finding(&mut self, _out: &mut dyn Write, f: &Finding) -> io::Result<()> {
        if f.level != Level::Ok && self.problems.len() <= NAGIOS_LONG_LINES {
            let subject = subject(f);
            self.problems.push(format!(
                "{}: {} {subject}: {}",
                f.level.name(),
                location(f),
                f.reason
            ));
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, t: &Tally) -> io::Result<()> {
        let worst = worst(t);
        let mut line = format!(
            "CERTGEN EXPIRY {} - {}: {} critical, {} warning, {} ok{}; {} unknown",
            worst.name(),
            certificates(t),
            t.critical,
            t.warning,
            t.ok,
            set_aside(t),
            t.unknown
        );
        if let Some(min) = t.min_seconds_left {
            line.push_str(&soonest(min));
        }
        write_nagios(out, &line, &self.perfdata(t), &self.problems)
    }
}

impl Nagios {
    pub fn new(thresholds: Thresholds) -> Nagios {
        Nagios {
            thresholds,
            problems: Vec::new(),
        }
    }

    fn perfdata(&self, t: &Tally) -> String {
        let mut p = format!(
            "certificates={};;;0 ok={};;;0 warning={};;;0 critical={};;;0 unknown={};;;0",
            t.certificates(),
            t.ok,
            t.warning,
            t.critical,
            t.unknown
        );
        if t.crls.total() > 0 {
            p.push_str(&format!(" crls={};;;0", t.crls.total()));
        }
        if t.revoked > 0 {
            p.push_str(&format!(" revoked={};;;0", t.revoked));
        }
        if t.superseded > 0 {
            p.push_str(&format!(" superseded={};;;0", t.superseded));
        }
        if let Some(min) = t.min_seconds_left {
            p.push(' ');
            p.push_str(&min_seconds_left_perfdata(min, self.thresholds));
        }
        p
    }
}
