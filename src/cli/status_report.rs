//! What `status` prints: a table, one JSON document (see docs/status.md),
//! or a Nagios status line with performance data. The Prometheus metrics
//! are in `prometheus.rs`, with check-expiry's.

use std::io::{self, Write};

use serde::Serialize;
use time::OffsetDateTime;

use certgen::cert::days_left;
use certgen::expiry::{CrlSummary, Level, Revocation};
use certgen::serial::Serial;
use certgen::status::{
    BundleRow, CaCert, Changeover, CrlFile, CrlRow, Issuer, PkiStatus, Role, State, Verdict,
};
use certgen::{CertSummary, rfc3339};

use super::exit::{Status, worst_of};
use super::expiry_report::{min_seconds_left_perfdata, soonest, write_nagios};
use super::output::{sanitize_line, write_json_pretty};

/// The status of verdicts: the worst that raises it, OK when none does.
pub fn worst<'a>(verdicts: impl IntoIterator<Item = &'a Verdict>) -> Level {
    worst_of(verdicts.into_iter().map(|v| v.level))
}

/// The status of the whole directory.
pub fn overall(s: &PkiStatus) -> Level {
    worst(s.problems())
}

/// The smallest number of seconds left to a notAfter or nextUpdate that
/// matters: the CA's and old roots', the CRLs', and the bundles' that are
/// not revoked or superseded.
pub fn min_seconds_left(s: &PkiStatus) -> Option<i64> {
    let now = s.checked_at;
    let left = |t: OffsetDateTime| (t - now).whole_seconds();
    let cas = std::iter::once(&s.ca)
        .chain(s.changeover.iter().flat_map(|c| &c.old))
        .map(|c| left(c.cert.not_after));
    let crls = s
        .crl
        .iter()
        .flat_map(|f| &f.crls)
        .filter_map(|r| r.crl.next_update.map(left));
    let bundles = s.bundles.iter().filter_map(|b| b.seconds_left(now));
    cas.chain(crls).chain(bundles).min()
}

/// `1 bundle`, `2 CRLs`.
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// `3 bundles: 2 valid, 1 expired`, the states that have bundles.
fn bundles_summary(s: &PkiStatus) -> String {
    if s.bundles.is_empty() {
        return "no bundles".into();
    }
    let states: Vec<String> = State::ALL
        .into_iter()
        .map(|st| (st, s.count(st)))
        .filter(|(_, n)| *n > 0)
        .map(|(st, n)| format!("{n} {}", st.name()))
        .collect();
    format!(
        "{}: {}",
        count(s.bundles.len(), "bundle"),
        states.join(", ")
    )
}

/// `1 problem (1 critical)`, `no problems`.
fn problems_summary(s: &PkiStatus) -> String {
    let levels: Vec<Level> = s.problems().map(|v| v.level).collect();
    if levels.is_empty() {
        return "no problems".into();
    }
    let by: Vec<String> = [Level::Critical, Level::Warning, Level::Unknown]
        .into_iter()
        .map(|l| (l, levels.iter().filter(|x| **x == l).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(l, n)| format!("{n} {}", l.name().to_lowercase()))
        .collect();
    format!("{} ({})", count(levels.len(), "problem"), by.join(", "))
}

/// `changeover in progress: 2 bundles still issued by the old CA`.
fn changeover_said(c: &Changeover) -> String {
    format!(
        "changeover in progress: {} still issued by the old CA",
        count(c.on_old_ca, "bundle")
    )
}

/// One line of the table, and what the Nagios lines list.
struct Line<'a> {
    level: Level,
    state: &'static str,
    not_after: Option<OffsetDateTime>,
    serial: String,
    name: String,
    /// Shown after the name, in parentheses.
    notes: Vec<String>,
    problems: Vec<&'a Verdict>,
}

/// The verdict's reason, unless it is a plain OK.
fn said(v: &Verdict) -> Option<String> {
    (v.level != Level::Ok).then(|| v.reason.clone())
}

fn ca_line<'a>(c: &'a CaCert, extra: Vec<String>, flags: &'a [Verdict]) -> Line<'a> {
    let name = match c.role {
        Role::Ca => format!("CA {}", c.cert.subject),
        Role::OldCa => format!("old CA {}", c.cert.subject),
    };
    let mut notes = vec![c.cert.key.to_string()];
    notes.extend(extra);
    notes.extend(said(&c.verdict));
    notes.extend(flags.iter().map(|f| f.reason.clone()));
    let problems: Vec<&Verdict> = c.problems().chain(flags).collect();
    Line {
        level: worst(problems.iter().copied()),
        state: "-",
        not_after: Some(c.cert.not_after),
        serial: c.cert.serial.to_string(),
        name,
        notes,
        problems,
    }
}

fn crl_line<'a>(file: &CrlFile, r: &'a CrlRow) -> Line<'a> {
    let mut name = format!("CRL {} of {}", file.path.display(), r.crl.issuer);
    if let Some(n) = &r.crl.crl_number {
        name.push_str(&format!(", number {n}"));
    }
    let mut notes = vec![format!(
        "this update {}",
        rfc3339::format(r.crl.this_update)
    )];
    match r.signed_by {
        Issuer::Ca => {}
        Issuer::OldCa => notes.push("the old CA's".into()),
        Issuer::Other => notes.push("signed by a CA not trusted now".into()),
    }
    notes.extend(said(&r.verdict));
    let problems: Vec<&Verdict> = std::iter::once(&r.verdict)
        .filter(|v| v.level.raises())
        .collect();
    Line {
        level: worst(problems.iter().copied()),
        state: "-",
        not_after: r.crl.next_update,
        serial: "-".into(),
        name,
        notes,
        problems,
    }
}

fn bundle_line(b: &BundleRow) -> Line<'_> {
    let mut notes: Vec<String> = Vec::new();
    if b.leaf
        .as_ref()
        .is_some_and(|l| l.issued_by == Issuer::OldCa)
    {
        notes.push("issued by the old CA".into());
    }
    notes.extend(said(&b.verdict));
    notes.extend(b.flags.iter().map(|f| f.reason.clone()));
    let problems: Vec<&Verdict> = b.problems().collect();
    Line {
        level: worst(problems.iter().copied()),
        state: b.state.name(),
        not_after: b.leaf.as_ref().map(|l| l.not_after),
        serial: b
            .leaf
            .as_ref()
            .map_or_else(|| "-".into(), |l| l.serial.to_string()),
        name: b.id.rel_dir(),
        notes,
        problems,
    }
}

/// Every line: the CA, the old roots, the CRLs, the CRL file when it has
/// something to say, the bundles.
fn lines(s: &PkiStatus) -> Vec<Line<'_>> {
    let mut ca_notes = Vec::new();
    if s.intermediate {
        ca_notes.push("intermediate".to_string());
    }
    let mut out = vec![ca_line(&s.ca, ca_notes, &[])];
    if let Some(c) = &s.changeover {
        for (i, old) in c.old.iter().enumerate() {
            let (extra, flags) = if i == 0 {
                (vec![changeover_said(c)], c.flags.as_slice())
            } else {
                (Vec::new(), &[][..])
            };
            out.push(ca_line(old, extra, flags));
        }
    }
    if let Some(f) = &s.crl {
        out.extend(f.crls.iter().map(|r| crl_line(f, r)));
        if !f.flags.is_empty() || f.due.is_some() {
            let notes = if f.flags.is_empty() {
                f.due.iter().map(|d| format!("due: {d}")).collect()
            } else {
                f.flags.iter().map(|v| v.reason.clone()).collect()
            };
            out.push(Line {
                level: worst(&f.flags),
                state: "-",
                not_after: None,
                serial: "-".into(),
                name: format!("CRL file {}", f.path.display()),
                notes,
                problems: f.flags.iter().collect(),
            });
        }
    }
    out.extend(s.bundles.iter().map(bundle_line));
    out
}

/// The table; with `quiet` only the lines with a problem, without the
/// summary, and nothing at all when there is none.
pub fn text(out: &mut dyn Write, s: &PkiStatus, quiet: bool) -> io::Result<()> {
    let all = lines(s);
    let shown: Vec<&Line> = all.iter().filter(|l| !quiet || l.level.raises()).collect();
    if shown.is_empty() {
        return Ok(());
    }
    let cells: Vec<[String; 6]> = shown
        .iter()
        .map(|l| {
            let (date, days) = match l.not_after {
                Some(t) => (
                    rfc3339::format(t),
                    days_left((t - s.checked_at).whole_seconds()).to_string(),
                ),
                None => ("-".into(), "-".into()),
            };
            let name = if l.notes.is_empty() {
                l.name.clone()
            } else {
                format!("{} ({})", l.name, l.notes.join("; "))
            };
            [
                l.level.name().to_string(),
                l.state.to_string(),
                date,
                days,
                l.serial.clone(),
                name,
            ]
        })
        .collect();
    let header = ["STATUS", "STATE", "NOT AFTER", "DAYS", "SERIAL", "NAME"].map(String::from);
    let mut widths = header.clone().map(|h| h.chars().count());
    // As check-expiry's table: the status column fits CRITICAL, whatever
    // the rows.
    widths[0] = Level::Critical.name().len();
    for c in &cells {
        for (w, cell) in widths.iter_mut().zip(c) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for c in std::iter::once(&header).chain(&cells) {
        let line: Vec<String> = c
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (cell, w))| match i {
                3 => format!("{cell:>w$}"),
                5 => cell.clone(),
                _ => format!("{cell:<w$}"),
            })
            .collect();
        writeln!(out, "{}", sanitize_line(&line.join("  ")))?;
    }
    if !quiet {
        writeln!(out, "{}; {}", bundles_summary(s), problems_summary(s))?;
    }
    Ok(())
}

/// The Nagios status line, its performance data, and a line a problem.
pub fn nagios(out: &mut dyn Write, s: &PkiStatus) -> io::Result<()> {
    let worst = overall(s);
    let mut line = format!(
        "CERTGEN STATUS {} - CA {} {}",
        worst.name(),
        s.ca.cert.subject,
        s.ca.verdict.reason
    );
    if let Some(c) = &s.changeover {
        line.push_str(&format!("; {}", changeover_said(c)));
    }
    match &s.crl {
        Some(f) => {
            line.push_str(&format!("; {}", count(f.crls.len(), "CRL")));
            if f.due.is_some() {
                line.push_str(", due");
            }
        }
        None => line.push_str("; no CRL file"),
    }
    line.push_str(&format!(
        "; {}; {}",
        bundles_summary(s),
        problems_summary(s)
    ));
    let min = min_seconds_left(s);
    if let Some(min) = min {
        line.push_str(&soonest(min));
    }
    let mut perf = vec![format!("bundles={};;;0", s.bundles.len())];
    for st in State::ALL {
        let name = st.name().replace('-', "_");
        perf.push(format!("{name}={};;;0", s.count(st)));
    }
    perf.push(format!("problems={};;;0", s.problems().count()));
    if let Some(f) = &s.crl {
        perf.push(format!("crls={};;;0", f.crls.len()));
    }
    if let Some(c) = &s.changeover {
        perf.push(format!("on_old_ca={};;;0", c.on_old_ca));
    }
    if let Some(min) = min {
        perf.push(min_seconds_left_perfdata(min, s.thresholds));
    }
    let problems: Vec<String> = lines(s)
        .iter()
        .flat_map(|l| {
            l.problems
                .iter()
                .map(move |p| format!("{}: {}: {}", p.level.name(), l.name, p.reason))
        })
        .collect();
    write_nagios(out, &line, &perf.join(" "), &problems)
}

#[derive(Serialize)]
struct JsonProblem<'a> {
    status: Level,
    reason: &'a str,
}

fn json_problems<'a>(vs: impl IntoIterator<Item = &'a Verdict>) -> Vec<JsonProblem<'a>> {
    vs.into_iter()
        .map(|v| JsonProblem {
            status: v.level,
            reason: &v.reason,
        })
        .collect()
}

/// Seconds and whole days from `now` to `t`.
fn left(t: Option<OffsetDateTime>, now: OffsetDateTime) -> (Option<i64>, Option<i64>) {
    let seconds = t.map(|t| (t - now).whole_seconds());
    (seconds, seconds.map(days_left))
}

#[derive(Serialize)]
struct JsonCa<'a> {
    role: Role,
    status: Level,
    reason: &'a str,
    seconds_left: Option<i64>,
    days_left: Option<i64>,
    certificate: &'a CertSummary,
    problems: Vec<JsonProblem<'a>>,
}

fn json_ca(c: &CaCert, now: OffsetDateTime) -> JsonCa<'_> {
    let (seconds_left, days_left) = left(Some(c.cert.not_after), now);
    JsonCa {
        role: c.role,
        status: worst(c.problems()),
        reason: &c.verdict.reason,
        seconds_left,
        days_left,
        certificate: &c.cert,
        problems: json_problems(c.problems()),
    }
}

#[derive(Serialize)]
struct JsonChangeover<'a> {
    status: Level,
    old_ca: Vec<JsonCa<'a>>,
    old_key_kept: bool,
    bundles_on_old_ca: usize,
    problems: Vec<JsonProblem<'a>>,
}

#[derive(Serialize)]
struct JsonCrl<'a> {
    signed_by: Issuer,
    status: Level,
    reason: &'a str,
    seconds_left: Option<i64>,
    days_left: Option<i64>,
    crl: &'a CrlSummary,
}

#[derive(Serialize)]
struct JsonCrlFile<'a> {
    file: String,
    status: Level,
    due: Option<&'a str>,
    crls: Vec<JsonCrl<'a>>,
    problems: Vec<JsonProblem<'a>>,
}

#[derive(Serialize)]
struct JsonIndexCurrent<'a> {
    serial: &'a Serial,
    #[serde(with = "rfc3339")]
    not_after: OffsetDateTime,
}

#[derive(Serialize)]
struct JsonBundle<'a> {
    kind: &'static str,
    name: &'a str,
    file: String,
    state: State,
    status: Level,
    reason: &'a str,
    issued_by: Option<Issuer>,
    serial: Option<&'a Serial>,
    #[serde(with = "rfc3339::option")]
    not_after: Option<OffsetDateTime>,
    seconds_left: Option<i64>,
    days_left: Option<i64>,
    revocation: Option<&'a Revocation>,
    index_current: Option<JsonIndexCurrent<'a>>,
    problems: Vec<JsonProblem<'a>>,
    certificate: Option<&'a CertSummary>,
}

fn json_bundle(b: &BundleRow, now: OffsetDateTime) -> JsonBundle<'_> {
    let leaf = b.leaf.as_ref();
    let (seconds_left, days_left) = left(leaf.map(|l| l.not_after), now);
    JsonBundle {
        kind: b.id.kind.noun(),
        name: &b.id.name,
        file: b.file.to_string_lossy().into_owned(),
        state: b.state,
        status: worst(b.problems()),
        reason: &b.verdict.reason,
        issued_by: leaf.map(|l| l.issued_by),
        serial: leaf.map(|l| &l.serial),
        not_after: leaf.map(|l| l.not_after),
        seconds_left,
        days_left,
        revocation: b.revocation.as_ref(),
        index_current: b.index_current.as_ref().map(|e| JsonIndexCurrent {
            serial: &e.serial,
            not_after: e.not_after,
        }),
        problems: json_problems(b.problems()),
        certificate: leaf.and_then(|l| l.summary.as_ref()),
    }
}

/// The JSON document (see docs/status.md).
pub fn json(out: &mut dyn Write, s: &PkiStatus) -> io::Result<()> {
    let now = s.checked_at;
    let changeover = s.changeover.as_ref().map(|c| JsonChangeover {
        status: worst(c.problems()),
        old_ca: c.old.iter().map(|o| json_ca(o, now)).collect(),
        old_key_kept: c.old_key_kept,
        bundles_on_old_ca: c.on_old_ca,
        problems: json_problems(c.problems()),
    });
    let crl = s.crl.as_ref().map(|f| JsonCrlFile {
        file: f.path.to_string_lossy().into_owned(),
        status: worst(f.problems()),
        due: f.due.as_deref(),
        crls: f
            .crls
            .iter()
            .map(|r| {
                let (seconds_left, days_left) = left(r.crl.next_update, now);
                JsonCrl {
                    signed_by: r.signed_by,
                    status: worst(std::iter::once(&r.verdict)),
                    reason: &r.verdict.reason,
                    seconds_left,
                    days_left,
                    crl: &r.crl,
                }
            })
            .collect(),
        problems: json_problems(f.problems()),
    });
    let mut summary = serde_json::Map::new();
    summary.insert("bundles".into(), s.bundles.len().into());
    for st in State::ALL {
        summary.insert(st.name().replace('-', "_"), s.count(st).into());
    }
    summary.insert("problems".into(), s.problems().count().into());
    summary.insert("min_seconds_left".into(), min_seconds_left(s).into());
    let status = overall(s);
    let doc = JsonDoc {
        checked_at: now,
        dir: s.dir.to_string_lossy().into_owned(),
        warn_seconds: s.thresholds.warn.whole_seconds(),
        crit_seconds: s.thresholds.crit.whole_seconds(),
        ca: json_ca(&s.ca, now),
        intermediate: s.intermediate,
        changeover,
        crl,
        bundles: s.bundles.iter().map(|b| json_bundle(b, now)).collect(),
        summary,
        status,
        exit_code: Status::from(status).code(),
    };
    write_json_pretty(out, &doc)?;
    writeln!(out)
}

#[derive(Serialize)]
struct JsonDoc<'a> {
    #[serde(with = "rfc3339")]
    checked_at: OffsetDateTime,
    dir: String,
    warn_seconds: i64,
    crit_seconds: i64,
    ca: JsonCa<'a>,
    intermediate: bool,
    changeover: Option<JsonChangeover<'a>>,
    crl: Option<JsonCrlFile<'a>>,
    bundles: Vec<JsonBundle<'a>>,
    summary: serde_json::Map<String, serde_json::Value>,
    status: Level,
    exit_code: u8,
}
