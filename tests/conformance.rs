//! The external path-validation suites vendored in `tests/conformance/`
//! (x509-limbo, BetterTLS, BoringSSL, NIST PKITS), run through the library
//! the way `certgen verify --ca ROOTS [--chain CHAIN] [--host NAME] [--at TIME]
//! LEAF` runs them, and held to the limits in `tests/conformance-floors.txt`.
//!
//! Each case runs in both modes: the default against the suite's expected
//! result and against what OpenSSL decided for it (recorded in
//! `tests/conformance/openssl-verdicts.txt` by `scripts/record-openssl-verdicts`),
//! and `--strict` against the suite's expected result. Neither mode may
//! accept a case the suite expects to fail when the clients it speaks for
//! reject it too: OpenSSL for the default; rustls-webpki (run here) and Go
//! (recorded in `tests/conformance/go-verdicts.txt` by
//! `scripts/record-go-verdicts`) for `--strict`.
//!
//! The per-suite report goes to stderr:
//! `cargo test --release --test tests conformance:: -- --nocapture`.

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

/// The modes a floor line can be about: `SUITE` is the default mode against
/// the suite's expectations, `strict:SUITE` the strict mode against them,
/// `openssl:SUITE` the default mode against OpenSSL's recorded verdicts.
const STRICT: &str = "strict:";
const OPENSSL: &str = "openssl:";

/// A case that takes longer than this counts as a hang.
const BUDGET: Duration = Duration::from_secs(20);

/// Limbo features `verify` has no options for.
const SKIPPED_FEATURES: [&str; 2] = ["max-chain-depth", "has-crl"];

#[derive(Deserialize)]
struct Suite {
    testcases: Vec<Case>,
}

/// One x509-limbo test case; list fields may be `null`.
#[derive(Clone, Deserialize)]
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

#[derive(Clone, Deserialize)]
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
    verify_in_mode(case, Mode::Default)
}

/// As `certgen verify --strict` would.
fn verify_strictly(case: &Case) -> Result<(), String> {
    verify_in_mode(case, Mode::Strict)
}

fn verify_in_mode(case: &Case, mode: Mode) -> Result<(), String> {
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
            crls: None,
            mode,
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

/// Whether rustls-webpki (what rustls clients run) accepts the case as a
/// rustls client checks a server: the CA file as trust anchors, serverAuth,
/// the expected peer name.
fn webpki_accepts(case: &Case) -> bool {
    use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
    let ders = |list: &Option<Vec<String>>| -> Option<Vec<CertificateDer<'static>>> {
        let pem = list.as_deref().unwrap_or_default().concat();
        if pem.bytes().all(|b| b.is_ascii_whitespace()) {
            return Some(Vec::new());
        }
        let certs = certificates("certificates", pem.as_bytes()).ok()?;
        Some(certs.into_iter().map(CertificateDer::from).collect())
    };
    let run = || -> Option<()> {
        let roots = ders(&case.trusted_certs)?;
        let intermediates = ders(&case.untrusted_intermediates)?;
        let leaf = certificates("the certificate", case.peer_certificate.as_bytes()).ok()?;
        let leaf = CertificateDer::from(leaf.into_iter().next()?);
        let anchors = roots
            .iter()
            .map(|r| webpki::anchor_from_trusted_cert(r).ok())
            .collect::<Option<Vec<_>>>()?;
        let ee = webpki::EndEntityCert::try_from(&leaf).ok()?;
        let at = match case.validation_time.as_deref() {
            Some(at) if !at.is_empty() => parse_instant(at).ok()?,
            _ => OffsetDateTime::now_utc(),
        };
        let at = UnixTime::since_unix_epoch(Duration::from_secs(
            u64::try_from(at.unix_timestamp()).ok()?,
        ));
        ee.verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &anchors,
            &intermediates,
            at,
            webpki::KeyUsage::server_auth(),
            None,
            None,
        )
        .ok()?;
        if let Some(name) = case.expected_peer_name.as_ref().map(|p| p.value.clone())
            && !name.is_empty()
        {
            let name = ServerName::try_from(name).ok()?;
            ee.verify_is_valid_for_subject_name(&name).ok()?;
        }
        Some(())
    };
    run().is_some()
}

/// The cases `--strict` wrongly accepted that rustls-webpki or Go reject,
/// each with the clients that reject it.
fn strict_accepted_clients_reject(
    suite: &str,
    t: &Tally,
    go: &BTreeMap<(String, String), bool>,
) -> Vec<(String, String)> {
    t.wrongly_accepted_cases
        .iter()
        .filter_map(|case| {
            let go_rejects = go.get(&(suite.to_string(), case.id.clone())) == Some(&false);
            let clients = match (!webpki_accepts(case), go_rejects) {
                (true, true) => "rustls-webpki and Go",
                (true, false) => "rustls-webpki",
                (false, true) => "Go",
                (false, false) => return None,
            };
            Some((case.id.clone(), clients.to_string()))
        })
        .collect()
}

/// Runs one case on its own thread, so that a hang is reported rather than
/// stalling the suite (the hung thread is left behind and ends with the test
/// process).
fn run_case(case: Case, mode: Mode) -> Outcome {
    let verify = match mode {
        Mode::Strict => verify_strictly,
        _ => verify_as_the_cli_does,
    };
    run_guarded(case, verify, BUDGET)
}

impl Outcome {
    /// Whether the chain was accepted, when the case came to a verdict.
    fn accepted(&self, expected: Expected) -> Option<bool> {
        match self {
            Outcome::Passed => Some(expected == Expected::Success),
            Outcome::WronglyAccepted => Some(true),
            Outcome::WronglyRejected(_) => Some(false),
            Outcome::Hung | Outcome::Panicked => None,
        }
    }
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
    /// On `openssl:` and `strict:` lines: the most cases the suite expects
    /// to fail, that the mode's reference clients reject (OpenSSL for the
    /// default; rustls-webpki or Go for `--strict`), and certgen accepts.
    max_accepted_clients_reject: Option<usize>,
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
                max_accepted_clients_reject: (f.len() > 3).then(|| num(3)),
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
    /// Every case run.
    verdicts: Vec<Verdict>,
    /// The cases the suite expects to fail that were accepted.
    wrongly_accepted_cases: Vec<Case>,
}

/// What became of one case, for the comparisons with other clients.
struct Verdict {
    id: String,
    expected: Expected,
    /// `None`: hung or panicked.
    accepted: Option<bool>,
    /// certgen's reason, when rejected.
    why: String,
}

fn outcome_reason(outcome: &Outcome) -> String {
    match outcome {
        Outcome::WronglyRejected(why) => why.clone(),
        _ => String::new(),
    }
}

/// Compares the default mode's verdicts on `suite` with OpenSSL's.
fn against_openssl(
    suite: &str,
    t: &Tally,
    openssl: &BTreeMap<(String, String), bool>,
) -> Agreement {
    let mut a = Agreement::default();
    for v in &t.verdicts {
        let Some(&theirs) = openssl.get(&(suite.to_string(), v.id.clone())) else {
            continue;
        };
        a.compared += 1;
        match (v.accepted, theirs) {
            (Some(ours), theirs) if ours == theirs => a.agreed += 1,
            (Some(true), false) => {
                if v.expected == Expected::Failure {
                    a.accepted_both_reject.push(v.id.clone());
                }
                a.accepted_openssl_rejects.push(v.id.clone());
            }
            _ => a
                .rejected_openssl_accepts
                .push((v.id.clone(), v.why.clone())),
        }
    }
    a
}

/// The default mode against OpenSSL's recorded verdicts.
#[derive(Default)]
struct Agreement {
    compared: usize,
    agreed: usize,
    /// certgen accepts what OpenSSL rejects.
    accepted_openssl_rejects: Vec<String>,
    /// Of those, the ones the suite expects to fail too: these must not
    /// happen.
    accepted_both_reject: Vec<String>,
    /// certgen rejects what OpenSSL accepts, with certgen's reason.
    rejected_openssl_accepts: Vec<(String, String)>,
}

/// A recorded verdicts file (`openssl-verdicts.txt`, `go-verdicts.txt`):
/// (suite, id) to accepted.
fn recorded_verdicts(file: &str) -> BTreeMap<(String, String), bool> {
    let path = suites_dir().join(file);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut f = l.split('\t');
            let (suite, id, verdict) = (f.next()?, f.next()?, f.next()?);
            Some(((suite.to_string(), id.to_string()), verdict == "ACCEPT"))
        })
        .collect()
}

fn run_suite(suite: Suite, mode: Mode) -> Tally {
    let mut t = Tally::default();
    for case in suite.testcases {
        if let Some(reason) = skip_reason(&case) {
            *t.skipped.entry(reason).or_default() += 1;
            continue;
        }
        t.ran += 1;
        let id = case.id.clone();
        let expected = case.expected_result;
        let outcome = run_case(case.clone(), mode);
        t.verdicts.push(Verdict {
            id: id.clone(),
            expected,
            accepted: outcome.accepted(expected),
            why: outcome_reason(&outcome),
        });
        match &outcome {
            Outcome::Passed => t.passed += 1,
            Outcome::WronglyAccepted => {
                t.wrongly_accepted += 1;
                t.wrongly_accepted_cases.push(case);
            }
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
        "{suite:<32} {:>8} {:>9} {:>17} {:>17} {:>6} {:>7}",
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

/// The mode a floor line is about, and its suite.
fn split_floor(name: &str) -> (&'static str, &str) {
    if let Some(suite) = name.strip_prefix(STRICT) {
        (STRICT, suite)
    } else if let Some(suite) = name.strip_prefix(OPENSSL) {
        (OPENSSL, suite)
    } else {
        ("", name)
    }
}

fn agreement_line(name: &str, a: &Agreement) -> String {
    format!(
        "{name:<32} {:>8} {:>9} {:>26} {:>26} {:>20}",
        a.agreed,
        a.compared,
        a.accepted_openssl_rejects.len(),
        a.rejected_openssl_accepts.len(),
        a.accepted_both_reject.len()
    )
}

fn agreement_details(a: &Agreement) -> String {
    let mut out = String::new();
    for id in &a.accepted_openssl_rejects {
        let both = if a.accepted_both_reject.contains(id) {
            " (the suite rejects it too)"
        } else {
            ""
        };
        let _ = writeln!(out, "    accepted, OpenSSL rejects  {id}{both}");
    }
    for (id, why) in &a.rejected_openssl_accepts {
        let _ = writeln!(out, "    rejected, OpenSSL accepts  {id}: {why}");
    }
    out
}

#[test]
fn every_suite_meets_its_floor() {
    let floors = floors();
    assert!(!floors.is_empty(), "conformance-floors.txt lists no suite");
    let started = Instant::now();
    let openssl = recorded_verdicts("openssl-verdicts.txt");
    let go = recorded_verdicts("go-verdicts.txt");
    let header = format!(
        "{:<32} {:>8} {:>9} {:>17} {:>17} {:>6} {:>7}\n",
        "suite (mode)", "passed", "ran", "wrongly accepted", "wrongly rejected", "hangs", "panics"
    );
    let mut report = header;
    let mut versus = format!(
        "{:<32} {:>8} {:>9} {:>26} {:>26} {:>20}\n",
        "default vs OpenSSL",
        "agreed",
        "compared",
        "accepted, OpenSSL rejects",
        "rejected, OpenSSL accepts",
        "and the suite rejects"
    );
    let mut strict_versus = String::new();
    let mut details = String::new();
    let mut failures = Vec::new();
    let mut defaults: BTreeMap<String, Tally> = BTreeMap::new();
    for floor in &floors {
        let (mode, suite) = split_floor(&floor.suite);
        let load_suite = || load(&suites_dir().join(format!("{suite}.json")));
        if mode == OPENSSL {
            let tally = defaults
                .entry(suite.to_string())
                .or_insert_with(|| run_suite(load_suite(), Mode::Default));
            let a = against_openssl(suite, tally, &openssl);
            versus.push_str(&agreement_line(&floor.suite, &a));
            versus.push('\n');
            if a.agreed < floor.min_passed {
                failures.push(format!(
                    "{}: {} verdicts agree with OpenSSL, below the floor of {}",
                    floor.suite, a.agreed, floor.min_passed
                ));
            }
            if a.accepted_openssl_rejects.len() > floor.max_wrongly_accepted {
                failures.push(format!(
                    "{}: {} accepted that OpenSSL rejects, above the ceiling of {}",
                    floor.suite,
                    a.accepted_openssl_rejects.len(),
                    floor.max_wrongly_accepted
                ));
            }
            let limit = floor.max_accepted_clients_reject.unwrap_or(0);
            if a.accepted_both_reject.len() > limit {
                failures.push(format!(
                    "{}: {} accepted that both the suite and OpenSSL reject ({}), above the \
                     ceiling of {limit}",
                    floor.suite,
                    a.accepted_both_reject.len(),
                    a.accepted_both_reject.join(", ")
                ));
            }
            if !a.accepted_openssl_rejects.is_empty() || !a.rejected_openssl_accepts.is_empty() {
                let _ = writeln!(details, "  {}:", floor.suite);
                details.push_str(&agreement_details(&a));
            }
            continue;
        }
        let mode_of_run = if mode == STRICT {
            Mode::Strict
        } else {
            Mode::Default
        };
        let tally = run_suite(load_suite(), mode_of_run);
        report.push_str(&report_line(&floor.suite, &tally));
        report.push('\n');
        if !tally.misses.is_empty() || !tally.skipped.is_empty() {
            let _ = writeln!(details, "  {}:", floor.suite);
            details.push_str(&report_details(&tally));
        }
        failures.extend(shortfalls(floor, &tally));
        if mode_of_run == Mode::Strict {
            let theirs = strict_accepted_clients_reject(suite, &tally, &go);
            let _ = writeln!(strict_versus, "{:<32} {:>8}", floor.suite, theirs.len());
            for (id, clients) in &theirs {
                let _ = writeln!(strict_versus, "    accepted, {clients} reject  {id}");
            }
            let limit = floor.max_accepted_clients_reject.unwrap_or(0);
            if theirs.len() > limit {
                failures.push(format!(
                    "{}: {} wrongly accepted that rustls-webpki or Go reject, above the \
                     ceiling of {limit}",
                    floor.suite,
                    theirs.len()
                ));
            }
        }
        if mode_of_run == Mode::Default {
            defaults.insert(suite.to_string(), tally);
        }
    }
    eprintln!(
        "{report}\n{versus}\n{:<32} {:>8}\n{strict_versus}{details}all suites in {:.1?}",
        "strict, wrongly accepted",
        "that rustls-webpki or Go reject",
        started.elapsed()
    );
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
            for name in [
                stem.clone(),
                format!("{STRICT}{stem}"),
                format!("{OPENSSL}{stem}"),
            ] {
                assert!(
                    listed.contains(&name),
                    "{stem}.json has no line {name} in conformance-floors.txt"
                );
            }
            for name in [format!("{STRICT}{stem}"), format!("{OPENSSL}{stem}")] {
                assert!(
                    floors()
                        .iter()
                        .any(|f| f.suite == name && f.max_accepted_clients_reject.is_some()),
                    "conformance-floors.txt: {name} has no ceiling for the cases the reference \
                     clients reject (a fourth column)"
                );
            }
            vendored.push(stem);
        }
    }
    for name in &listed {
        let (_, suite) = split_floor(name);
        assert!(
            vendored.iter().any(|v| v == suite),
            "conformance-floors.txt names {name}, not vendored"
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
    // Long enough for a panic to be reported (with RUST_BACKTRACE set, the
    // backtrace is resolved first) on a loaded machine.
    let budget = Duration::from_secs(3);
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
