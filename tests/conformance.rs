//! The external path-validation suites vendored in `tests/conformance/`
//! (x509-limbo, BetterTLS, BoringSSL, NIST PKITS), run through the library
//! the way `certgen verify --ca ROOTS [--chain CHAIN] [--host NAME] [--at TIME]
//! LEAF` runs them, and held to the limits in `tests/conformance-floors.txt`.
//!
//! The per-suite report goes to stderr:
//! `cargo test --release --test conformance -- --nocapture`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use certgen::encoding::certificates;
use certgen::timearg::parse_instant;
use certgen::verify::{Host, Input, Mode, Options, Purpose};

/// A case that takes longer than this counts as a hang.
const BUDGET: Duration = Duration::from_secs(20);

/// Limbo features `verify` has no options for.
const SKIPPED_FEATURES: [&str; 2] = ["max-chain-depth", "has-crl"];

#[derive(Deserialize)]
struct Suite {
    testcases: Vec<Case>,
}

/// One x509-limbo test case; list fields may be `null`.
#[derive(Deserialize)]
struct Case {
    id: String,
    validation_kind: Option<String>,
    features: Option<Vec<String>>,
    signature_algorithms: Option<Vec<serde_json::Value>>,
    key_usage: Option<Vec<serde_json::Value>>,
    crls: Option<Vec<serde_json::Value>>,
    trusted_certs: Option<Vec<String>>,
    untrusted_intermediates: Option<Vec<String>>,
    peer_certificate: String,
    expected_peer_name: Option<PeerName>,
    /// RFC 3339; `null` means now.
    validation_time: Option<String>,
    expected_result: Expected,
}

#[derive(Deserialize)]
struct PeerName {
    value: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "UPPERCASE")]
enum Expected {
    Success,
    Failure,
}

/// What became of one case.
#[derive(Debug)]
enum Outcome {
    Passed,
    WronglyAccepted,
    /// With the rejection or input error, as `certgen verify` would print it.
    WronglyRejected(String),
    Hung,
    Panicked,
}

/// Why the case is not run, if it is not.
fn skip_reason(case: &Case) -> Option<String> {
    let non_empty = |v: &Option<Vec<serde_json::Value>>| v.as_ref().is_some_and(|v| !v.is_empty());
    if case.validation_kind.as_deref() != Some("SERVER") {
        return Some("not a SERVER case".into());
    }
    let features = case.features.as_deref().unwrap_or_default();
    if let Some(f) = features
        .iter()
        .find(|f| SKIPPED_FEATURES.contains(&f.as_str()))
    {
        return Some(format!("feature {f}"));
    }
    if non_empty(&case.signature_algorithms) || non_empty(&case.key_usage) {
        return Some("signature-algorithm or key-usage constraint".into());
    }
    if non_empty(&case.crls) {
        return Some("CRLs".into());
    }
    None
}

/// `Ok(())` when the chain is accepted; otherwise what `certgen verify` would
/// report: the rejection (exit status 1) or the input it refuses (exit
/// status 2).
fn verify_as_the_cli_does(case: &Case) -> Result<(), String> {
    let pem = |list: &Option<Vec<String>>| list.as_deref().unwrap_or_default().concat();
    let run = || -> certgen::Result<certgen::verify::Report> {
        let leaf = certificates("the certificate", case.peer_certificate.as_bytes())?;
        let roots = pem(&case.trusted_certs);
        let chain = pem(&case.untrusted_intermediates);
        let input = Input {
            leaf: leaf.into_iter().next().unwrap_or_default(),
            roots: certificates("the CA file", roots.as_bytes())?,
            // An empty --chain file is an empty chain.
            intermediates: if chain.bytes().all(|b| b.is_ascii_whitespace()) {
                Vec::new()
            } else {
                certificates("the chain file", chain.as_bytes())?
            },
        };
        let host = match case.expected_peer_name.as_ref().map(|p| p.value.as_str()) {
            Some(name) if !name.is_empty() => Some(Host::parse(name)?),
            _ => None,
        };
        let now = match case.validation_time.as_deref() {
            Some(at) if !at.is_empty() => parse_instant(at)?,
            // No validation time: now, as `verify` without --at.
            _ => OffsetDateTime::now_utc(),
        };
        let opts = Options {
            host: host.as_ref(),
            purpose: Purpose::Server,
            now,
            key: None,
            mode: Mode::Default,
        };
        certgen::verify::verify(&input, &opts)
    };
    match run() {
        Ok(report) => match report.rejection {
            None => Ok(()),
            Some(reason) => Err(format!("rejected: {reason}")),
        },
        Err(e) => Err(format!("error: {e}")),
    }
}

/// Runs one case on its own thread, so that a hang is reported rather than
/// stalling the suite (the hung thread is left behind and ends with the test
/// process).
fn run_case(case: Case) -> Outcome {
    run_guarded(case, verify_as_the_cli_does, BUDGET)
}

/// Runs `verify` on `case` within `budget` and judges its verdict.
fn run_guarded(case: Case, verify: fn(&Case) -> Result<(), String>, budget: Duration) -> Outcome {
    let expected = case.expected_result;
    let (tx, rx) = mpsc::channel();
    let worker = thread::Builder::new()
        .name(case.id.clone())
        .spawn(move || {
            let _ = tx.send(verify(&case));
        })
        .expect("spawn a verification thread");
    let verdict = match rx.recv_timeout(budget) {
        Ok(verdict) => verdict,
        Err(RecvTimeoutError::Timeout) => return Outcome::Hung,
        Err(RecvTimeoutError::Disconnected) => return Outcome::Panicked,
    };
    let _ = worker.join();
    match (expected, verdict) {
        (Expected::Success, Ok(())) | (Expected::Failure, Err(_)) => Outcome::Passed,
        (Expected::Failure, Ok(())) => Outcome::WronglyAccepted,
        (Expected::Success, Err(why)) => Outcome::WronglyRejected(why),
    }
}

/// One line of `tests/conformance-floors.txt`.
struct Floor {
    suite: String,
    min_passed: usize,
    max_wrongly_accepted: usize,
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn suites_dir() -> PathBuf {
    manifest_dir().join("tests/conformance")
}

fn floors() -> Vec<Floor> {
    let path = manifest_dir().join("tests/conformance-floors.txt");
    let text = std::fs::read_to_string(&path).expect("read tests/conformance-floors.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let num = |i: usize| -> usize {
                f.get(i)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| panic!("conformance-floors.txt: bad line {l:?}"))
            };
            Floor {
                suite: f[0].to_string(),
                min_passed: num(1),
                max_wrongly_accepted: num(2),
            }
        })
        .collect()
}

fn load(path: &Path) -> Suite {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// The counts for one suite, the cases skipped and the cases that missed.
#[derive(Default)]
struct Tally {
    ran: usize,
    /// Cases not run, by reason.
    skipped: BTreeMap<String, usize>,
    passed: usize,
    wrongly_accepted: usize,
    wrongly_rejected: usize,
    hung: usize,
    panicked: usize,
    misses: Vec<(String, Outcome)>,
}

fn run_suite(suite: Suite) -> Tally {
    let mut t = Tally::default();
    for case in suite.testcases {
        if let Some(reason) = skip_reason(&case) {
            *t.skipped.entry(reason).or_default() += 1;
            continue;
        }
        t.ran += 1;
        let id = case.id.clone();
        let outcome = run_case(case);
        match &outcome {
            Outcome::Passed => t.passed += 1,
            Outcome::WronglyAccepted => t.wrongly_accepted += 1,
            Outcome::WronglyRejected(_) => t.wrongly_rejected += 1,
            Outcome::Hung => t.hung += 1,
            Outcome::Panicked => t.panicked += 1,
        }
        if !matches!(outcome, Outcome::Passed) {
            t.misses.push((id, outcome));
        }
    }
    t
}

/// Where a suite falls short of its floor, one message per broken limit.
fn shortfalls(floor: &Floor, t: &Tally) -> Vec<String> {
    let s = &floor.suite;
    let mut out = Vec::new();
    if t.passed < floor.min_passed {
        out.push(format!(
            "{s}: {} passed, below the floor of {}",
            t.passed, floor.min_passed
        ));
    }
    if t.wrongly_accepted > floor.max_wrongly_accepted {
        out.push(format!(
            "{s}: {} wrongly accepted, above the ceiling of {}",
            t.wrongly_accepted, floor.max_wrongly_accepted
        ));
    }
    if t.hung > 0 {
        out.push(format!("{s}: {} cases hung (over {BUDGET:?} each)", t.hung));
    }
    if t.panicked > 0 {
        out.push(format!("{s}: {} cases panicked", t.panicked));
    }
    out
}

fn report_line(suite: &str, t: &Tally) -> String {
    format!(
        "{suite:<24} {:>8} {:>9} {:>17} {:>17} {:>6} {:>7}",
        t.passed, t.ran, t.wrongly_accepted, t.wrongly_rejected, t.hung, t.panicked
    )
}

/// The skipped cases by reason, then each case that missed and why.
fn report_details(t: &Tally) -> String {
    let mut out = String::new();
    for (reason, n) in &t.skipped {
        let _ = writeln!(out, "    skipped {n:<9} {reason}");
    }
    for (id, outcome) in &t.misses {
        let _ = match outcome {
            Outcome::WronglyAccepted => writeln!(out, "    wrongly accepted  {id}"),
            Outcome::WronglyRejected(why) => writeln!(out, "    wrongly rejected  {id}: {why}"),
            Outcome::Hung => writeln!(out, "    hung              {id}"),
            Outcome::Panicked => writeln!(out, "    panicked          {id}"),
            Outcome::Passed => Ok(()),
        };
    }
    out
}

#[test]
fn every_suite_meets_its_floor() {
    let floors = floors();
    assert!(!floors.is_empty(), "conformance-floors.txt lists no suite");
    let started = Instant::now();
    let mut report = format!(
        "{:<24} {:>8} {:>9} {:>17} {:>17} {:>6} {:>7}\n",
        "suite", "passed", "ran", "wrongly accepted", "wrongly rejected", "hangs", "panics"
    );
    let mut details = String::new();
    let mut failures = Vec::new();
    for floor in &floors {
        let tally = run_suite(load(&suites_dir().join(format!("{}.json", floor.suite))));
        report.push_str(&report_line(&floor.suite, &tally));
        report.push('\n');
        if !tally.misses.is_empty() || !tally.skipped.is_empty() {
            let _ = writeln!(details, "  {}:", floor.suite);
            details.push_str(&report_details(&tally));
        }
        failures.extend(shortfalls(floor, &tally));
    }
    eprintln!("{report}{details}all suites in {:.1?}", started.elapsed());
    assert!(
        failures.is_empty(),
        "conformance below the floors:\n{}",
        failures.join("\n")
    );
}

/// A suite added to `tests/conformance/` without a floor would never run.
#[test]
fn every_vendored_suite_has_a_floor() {
    let listed: Vec<String> = floors().into_iter().map(|f| f.suite).collect();
    let mut vendored = Vec::new();
    for entry in std::fs::read_dir(suites_dir()).expect("read tests/conformance") {
        let path = entry.expect("list tests/conformance").path();
        if path.extension().is_some_and(|e| e == "json") {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            assert!(
                listed.contains(&stem),
                "{stem}.json has no line in conformance-floors.txt"
            );
            vendored.push(stem);
        }
    }
    for suite in &listed {
        assert!(
            vendored.contains(suite),
            "conformance-floors.txt names {suite}, not vendored"
        );
    }
}

fn case_expecting(expected: Expected) -> Case {
    serde_json::from_value(serde_json::json!({
        "id": "synthetic",
        "validation_kind": "SERVER",
        "peer_certificate": "",
        "expected_result": expected,
    }))
    .expect("a minimal case")
}

/// The guard around each case: verdicts are judged against the expectation,
/// and a hang or a panic is reported as such instead of stalling or aborting
/// the suite.
#[test]
fn the_case_guard_reports_verdicts_hangs_and_panics() {
    let budget = Duration::from_millis(200);
    let accept: fn(&Case) -> Result<(), String> = |_| Ok(());
    let reject: fn(&Case) -> Result<(), String> = |_| Err("rejected: no".into());
    let hang: fn(&Case) -> Result<(), String> = |_| loop {
        thread::sleep(Duration::from_secs(3600));
    };
    let panic: fn(&Case) -> Result<(), String> =
        |_| panic!("deliberate panic from the guard test's stand-in verifier");
    let outcome = |e, f| format!("{:?}", run_guarded(case_expecting(e), f, budget));
    assert_eq!(outcome(Expected::Success, accept), "Passed");
    assert_eq!(outcome(Expected::Failure, reject), "Passed");
    assert_eq!(outcome(Expected::Failure, accept), "WronglyAccepted");
    assert_eq!(
        outcome(Expected::Success, reject),
        r#"WronglyRejected("rejected: no")"#
    );
    assert_eq!(outcome(Expected::Success, hang), "Hung");
    assert_eq!(outcome(Expected::Failure, panic), "Panicked");
}
