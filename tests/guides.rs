//! The guides run as written: every command shown in README.md and docs/
//! is run by this test, in the order each document gives them, on a copy of
//! this machine where they write nothing real.
//!
//! What a document shows is run by the kind of its fenced block:
//!
//! - ```` ```sh ````: each command (a line, with `\` continuations and
//!   here-documents) runs in
//!   one bash session per document, so `cd` and the files made carry over to
//!   the next block; it must exit 0;
//! - ```` ```console ````: each `$ ` line runs the same way, and the lines
//!   under it are its output, compared with what it prints (stdout and
//!   stderr together): serials, fingerprints, times and day counts may
//!   differ, a `...` in a line stands for any text and a line of `...` for
//!   any lines;
//! - ```` ```crontab ````: each entry's command (after its five time
//!   fields) runs as the `sh -c` of cron would.
//!
//! A command that should exit with another status says so in a trailing
//! comment, `# exit N`; one the test cannot run says why, in a trailing
//! comment starting `# needs ` (a live database server, another host, a
//! clone of the repository): it is reported as skipped, never run. Every
//! other code block is fenced and names its language (`text`, `sql`,
//! `ini`, `json`, ...): an indented code block, a fence without a language,
//! or a certgen command line in a block of another language fails the test
//! (a synopsis, with placeholders in capitals, `[options]` or `|`, is not
//! a command), so nothing a reader might run escapes it.
//!
//! The copy of the machine: a mount namespace in which /etc, /home, /opt,
//! /root, /srv, /usr and /var are overlays whose writes go to a temporary
//! directory; `certgen` on the PATH is the binary under test; `HOME=/root`;
//! no controlling terminal (as from cron); and what the hosts the guides
//! describe have: the databases' system users (mysql, postgres, memsql,
//! manticore) and their configuration or data directories (/etc/mysql,
//! /etc/postgresql, /etc/manticoresearch, /var/lib/memsql), users `app` and
//! `deploy` with home directories, and node_exporter's textfile directory.
//! Each document starts from that state, in an empty working directory. It
//! needs root; without it the test skips visibly, and fails under CI.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use regex::Regex;

use crate::common::*;

/// One command of a document.
#[derive(Debug)]
struct Step {
    /// The document's line where the command starts.
    line: usize,
    command: String,
    kind: StepKind,
}

#[derive(Debug)]
enum StepKind {
    /// Runs; must exit with `status`.
    Run { status: i32 },
    /// Runs; its output must match `expected`, its exit `status`.
    Console { status: i32, expected: Vec<String> },
    /// Not run: what it needs.
    Skip { needs: String },
}

/// The fenced blocks the test runs.
const RUN_BLOCKS: [&str; 3] = ["sh", "console", "crontab"];

/// Reads the document's commands; `Err` lists the commands it cannot take.
fn steps(doc: &str, text: &str) -> Result<Vec<Step>, Vec<String>> {
    let mut steps = Vec::new();
    let mut problems = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        let Some(info) = trimmed.strip_prefix("```") else {
            if line.starts_with("    ") && !trimmed.is_empty() {
                problems.push(format!(
                    "{doc}:{}: an indented code block: fence it with ``` and its language \
                     (sh to run it): {trimmed}",
                    i + 1
                ));
            }
            i += 1;
            continue;
        };
        let indent = line.len() - trimmed.len();
        let info = info.trim().to_string();
        if info.is_empty() {
            problems.push(format!(
                "{doc}:{}: a ``` block without a language (sh, console, crontab, text, ...)",
                i + 1
            ));
        }
        let start = i + 1;
        let mut end = start;
        while end < lines.len() && !lines[end].trim_start().starts_with("```") {
            end += 1;
        }
        let body: Vec<(usize, &str)> = (start..end)
            .map(|n| (n + 1, lines[n].get(indent..).unwrap_or("").trim_end()))
            .collect();
        if RUN_BLOCKS.contains(&info.as_str()) {
            match block_steps(doc, &info, &body) {
                Ok(mut s) => steps.append(&mut s),
                Err(mut p) => problems.append(&mut p),
            }
        } else {
            for (n, l) in &body {
                if looks_like_command(l.trim_start()) {
                    problems.push(format!(
                        "{doc}:{n}: a command in a ```{info} block, which the test does not run: {l}"
                    ));
                }
            }
        }
        i = end + 1;
    }
    if problems.is_empty() {
        Ok(steps)
    } else {
        Err(problems)
    }
}

/// A line a reader would run: `certgen ...`, `$ certgen ...`, or a crontab
/// entry running certgen, that is not a synopsis.
fn looks_like_command(line: &str) -> bool {
    let cron = Regex::new(r"^(\S+\s+){5}certgen\s").unwrap();
    let placeholder = Regex::new(r"\b[A-Z][A-Z_]{2,}\b|\[|\|").unwrap();
    let line = line.strip_prefix("$ ").unwrap_or(line);
    (line.starts_with("certgen ") || cron.is_match(line)) && !placeholder.is_match(line)
}

/// The steps of one block: logical lines, `\` continuations joined.
fn block_steps(doc: &str, info: &str, body: &[(usize, &str)]) -> Result<Vec<Step>, Vec<String>> {
    let heredoc = Regex::new(r#"<<-?\s*['"]?(\w+)['"]?"#).unwrap();
    let fields = Regex::new(r"^(\S+\s+){5}").unwrap();
    let mut steps: Vec<Step> = Vec::new();
    let mut problems = Vec::new();
    let mut k = 0;
    while k < body.len() {
        let (n, first) = body[k];
        k += 1;
        if info == "console" && !first.starts_with("$ ") {
            match steps.last_mut() {
                Some(Step {
                    kind: StepKind::Console { expected, .. },
                    ..
                }) => expected.push(first.to_string()),
                // The output of a command not run is only shown.
                Some(Step {
                    kind: StepKind::Skip { .. },
                    ..
                }) => {}
                _ if first.is_empty() => {}
                _ => problems.push(format!(
                    "{doc}:{n}: output before any `$ ` command in a ```console block"
                )),
            }
            continue;
        }
        let mut command = if info == "console" {
            first[2..].to_string()
        } else {
            first.to_string()
        };
        while command.ends_with('\\') && k < body.len() {
            command.push('\n');
            command.push_str(body[k].1);
            k += 1;
        }
        // A here-document: its lines, up to the delimiter, are the command's.
        if let Some(delimiter) = heredoc.captures(&command).map(|c| c[1].to_string()) {
            while k < body.len() {
                let l = body[k].1;
                command.push('\n');
                command.push_str(l);
                k += 1;
                if l.trim() == delimiter {
                    break;
                }
            }
        }
        let bare = command.trim();
        if bare.is_empty() || bare.starts_with('#') {
            continue;
        }
        if info == "crontab" {
            match fields.find(&command) {
                Some(m) => command = command[m.end()..].to_string(),
                None => {
                    problems.push(format!("{doc}:{n}: not a crontab entry: {command}"));
                    continue;
                }
            }
        }
        let (status, needs) = markers(&command);
        let kind = match (needs, info) {
            (Some(needs), _) => StepKind::Skip { needs },
            (None, "console") => StepKind::Console {
                status,
                expected: Vec::new(),
            },
            (None, _) => StepKind::Run { status },
        };
        steps.push(Step {
            line: n,
            command,
            kind,
        });
    }
    if problems.is_empty() {
        Ok(steps)
    } else {
        Err(problems)
    }
}

/// A command's trailing `# exit N` (its exit status, else 0) and
/// `# needs ...` (why it is not run).
fn markers(command: &str) -> (i32, Option<String>) {
    let last = command.lines().last().unwrap_or("");
    let needs = Regex::new(r"\s#\s+needs\s(.+)$").unwrap();
    let exit = Regex::new(r"\s#\s+exit\s(\d+)$").unwrap();
    let status = exit
        .captures(last)
        .map_or(0, |c| c[1].parse().expect("an exit status"));
    (
        status,
        needs.captures(last).map(|c| c[1].trim().to_string()),
    )
}

/// What may differ between runs, made the same: times, serials,
/// fingerprints, day counts (and numbers standing alone) and column widths.
fn normalize(line: &str) -> String {
    let rules = [
        (r"\d{4}-\d\d-\d\dT\d\d:?\d\d:?\d\dZ", "<TIME>"),
        (r"[0-9A-F]{2}(:[0-9A-F]{2}){2,}(:\.\.\.)?", "<FINGERPRINT>"),
        (r"\b[0-9A-F]{4,}\.\.\.([0-9A-F]{4})?", "<SERIAL>"),
        (r"\b[0-9A-F]{16,40}\b", "<SERIAL>"),
        (r"-?\b\d+ days?\b", "<N> days"),
        (r"\s+", " "),
    ];
    let mut s = line.trim().to_string();
    for (pattern, with) in rules {
        s = Regex::new(pattern)
            .unwrap()
            .replace_all(&s, with)
            .into_owned();
    }
    // A number standing alone (a column of days left).
    s.split(' ')
        .map(|word| match word.parse::<i64>() {
            Ok(_) => "<N>",
            Err(_) => word,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `actual` is what the line `expected` shows, `...` standing for
/// any text.
fn line_matches(expected: &str, actual: &str) -> bool {
    let (expected, actual) = (normalize(expected), normalize(actual));
    let parts: Vec<&str> = expected.split("...").collect();
    if parts.len() == 1 {
        return expected == actual;
    }
    let mut rest = actual.as_str();
    for (k, part) in parts.iter().enumerate() {
        if k == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if k == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(at) = rest.find(part) else {
                return false;
            };
            rest = &rest[at + part.len()..];
        }
    }
    true
}

/// Whether the output lines `actual` are what `expected` shows, a line of
/// `...` standing for any lines.
fn output_matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((e, rest)) if e.trim() == "..." => {
            (0..=actual.len()).any(|skip| output_matches(rest, &actual[skip..]))
        }
        Some((e, rest)) => actual
            .split_first()
            .is_some_and(|(a, more)| line_matches(e, a) && output_matches(rest, more)),
    }
}

/// The users and directories the hosts of the guides have (see the top of
/// this file), made inside the namespace.
const HOST: &str = r#"
for u in mysql postgres memsql manticore; do
    id "$u" >/dev/null 2>&1 || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$u"
done
for u in app deploy; do
    id "$u" >/dev/null 2>&1 || useradd --user-group --create-home --shell /bin/sh "$u"
done
mkdir -p /etc/mysql /etc/postgresql /etc/manticoresearch /var/lib/memsql /var/lib/node_exporter/textfile_collector
chown memsql:memsql /var/lib/memsql
"#;

/// Runs every command of the document `doc` (relative to the package).
fn run_guide(doc: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(doc)).unwrap();
    let steps = match self::steps(doc, &text) {
        Ok(steps) => steps,
        Err(problems) => panic!("{}", problems.join("\n")),
    };
    if !need_root(&format!("running the commands of {doc}")) {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let sandbox = t.path();
    let bin = sandbox.join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_certgen"), bin.join("certgen")).unwrap();
    let out = sandbox.join("out");
    std::fs::create_dir(&out).unwrap();
    let script = script(sandbox, doc, &steps);
    std::fs::write(sandbox.join("guide.sh"), script).unwrap();

    // Without a controlling terminal (setsid), as from cron: no command
    // can stop to ask for a passphrase.
    let mut cmd = Command::new("setsid");
    cmd.args([
        "--wait",
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "bash",
    ])
    .arg(sandbox.join("guide.sh"))
    .current_dir(sandbox)
    .env_clear()
    .env(
        "PATH",
        format!("{}:/usr/sbin:/usr/bin:/sbin:/bin", bin.display()),
    )
    .env("HOME", "/root")
    .env("TZ", "UTC")
    .env("NO_COLOR", "1")
    .env("LANG", "C.UTF-8")
    .env("GUIDE_SANDBOX", sandbox);
    let result = cmd.output().expect("running unshare");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
    if result.status.code() == Some(97) {
        assert!(
            std::env::var_os("CI").is_none(),
            "{doc}: no overlay mounts under CI: {log}"
        );
        eprintln!("SKIP: {doc}: the overlays could not be mounted: {log}");
        return;
    }
    let mut failures = Vec::new();
    if !result.status.success() {
        let tail: Vec<&str> = log.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        failures.push(tail.join("\n"));
    }
    // Each command the script reached announced itself.
    let ran = log.lines().filter(|l| l.starts_with(">>> ")).count();
    let (mut compared, mut skipped) = (0, Vec::new());
    for step in &steps {
        match &step.kind {
            StepKind::Run { .. } => {}
            StepKind::Skip { needs } => {
                let first = step.command.lines().next().unwrap_or("");
                let bare = first.split(" # needs ").next().unwrap_or(first).trim_end();
                skipped.push(format!("  {doc}:{} (needs {needs}): {bare}", step.line));
            }
            StepKind::Console { status, expected } => {
                let output = out.join(step.line.to_string());
                let Ok(actual) = std::fs::read_to_string(&output) else {
                    // Not reached: the failure above says why.
                    continue;
                };
                compared += 1;
                let code: i32 = std::fs::read_to_string(output.with_extension("status"))
                    .unwrap()
                    .trim()
                    .parse()
                    .unwrap();
                let lines: Vec<&str> = actual.lines().collect();
                if code != *status || !output_matches(expected, &lines) {
                    failures.push(format!(
                        "{doc}:{}: $ {}\nexit {code} (shown: {status}); printed:\n{actual}shown:\n{}",
                        step.line,
                        step.command,
                        expected.join("\n")
                    ));
                }
            }
        }
    }
    eprintln!(
        "{doc}: ran {ran} of {} commands ({compared} with their output compared), skipped {}{}{}",
        steps.len() - skipped.len(),
        skipped.len(),
        if skipped.is_empty() { "" } else { ":\n" },
        skipped.join("\n")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The bash script that mounts the overlays, makes the host, and runs the
/// steps in a working directory of their own; each console step's output
/// and status go to `out/LINE` and `out/LINE.status`.
fn script(sandbox: &Path, doc: &str, steps: &[Step]) -> String {
    let mut s = String::new();
    let q = |p: &Path| shell_quote(&p.display().to_string());
    let _ = writeln!(s, "S={}", q(sandbox));
    s.push_str(
        r#"for d in etc home root var srv opt usr; do
    mkdir -p "$S/upper/$d" "$S/overlay-work/$d" || exit 97
    mount -t overlay overlay -o "lowerdir=/$d,upperdir=$S/upper/$d,workdir=$S/overlay-work/$d" "/$d" || exit 97
done
"#,
    );
    s.push_str(HOST);
    s.push_str("mkdir \"$S/work\" && cd \"$S/work\" || exit 1\nunset S GUIDE_SANDBOX\n");
    for step in steps {
        let at = format!("{doc}:{}", step.line);
        match &step.kind {
            StepKind::Skip { .. } => {}
            StepKind::Run { status } => {
                let _ = writeln!(
                    s,
                    "echo {}\n{{ {}\n}}\nguide_status=$?\n\
                     if [ $guide_status -ne {status} ]; then\n\
                     printf '%s: exit %s, not {status}: %s\\n' {} \"$guide_status\" {} >&2; exit 1\nfi",
                    shell_quote(&format!(">>> {at}: {}", step.command)),
                    step.command,
                    shell_quote(&at),
                    shell_quote(&step.command),
                );
            }
            StepKind::Console { .. } => {
                let out = sandbox.join("out").join(step.line.to_string());
                let _ = writeln!(
                    s,
                    "echo {}\n{{ {}\n}} >{} 2>&1\necho $? >{}",
                    shell_quote(&format!(">>> {at}: $ {}", step.command)),
                    step.command,
                    q(&out),
                    q(&out.with_extension("status")),
                );
            }
        }
    }
    s
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The documents, relative to the package: README.md and every Markdown
/// file under docs/.
fn documents() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs = vec!["README.md".to_string()];
    let mut dirs = vec![PathBuf::from("docs")];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(root.join(&dir)).unwrap() {
            let e = e.unwrap();
            let rel = dir.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                dirs.push(rel);
            } else if rel.extension().is_some_and(|x| x == "md") {
                docs.push(rel.display().to_string());
            }
        }
    }
    docs.sort();
    docs
}

macro_rules! guides {
    ($($name:ident: $doc:literal,)*) => {
        $(
            #[test]
            fn $name() {
                run_guide($doc);
            }
        )*

        /// Every document has its test above.
        #[test]
        fn every_document_is_run() {
            let mut tested = vec![$($doc.to_string()),*];
            tested.sort();
            assert_eq!(documents(), tested);
        }
    };
}

guides! {
    readme: "README.md",
    ca_key: "docs/ca-key.md",
    check_expiry: "docs/check-expiry.md",
    drivers: "docs/databases/drivers.md",
    manticore: "docs/databases/manticore.md",
    mysql_mariadb: "docs/databases/mysql-mariadb.md",
    postgres: "docs/databases/postgres.md",
    rails: "docs/databases/rails.md",
    singlestore: "docs/databases/singlestore.md",
    deploy: "docs/deploy.md",
    fleet: "docs/fleet.md",
    fuzzing: "docs/fuzzing.md",
    guide: "docs/guide.md",
    inspect_list: "docs/inspect-list.md",
    json: "docs/json.md",
    keystore: "docs/keystore.md",
    revocation: "docs/revocation.md",
    rotation: "docs/rotation.md",
    status: "docs/status.md",
    verify: "docs/verify.md",
}

#[test]
fn commands_are_read_as_the_top_of_this_file_says() {
    let doc = "\
text\n\
```sh\n\
mkdir a && cd a\n\
certgen init-ca \\\n    --cn x   # exit 2\n\
cat > f <<'EOF'\n\
$ x\n\
EOF\n\
# a comment\n\
mariadb -e 'FLUSH SSL'   # needs the MariaDB server\n\
```\n\
```console\n\
$ certgen list\n\
STATUS ...\n\
...\n\
```\n\
```crontab\n\
0 7 * * *  certgen -q check-expiry\n\
```\n";
    let read = steps("d.md", doc).unwrap();
    let summary: Vec<String> = read
        .iter()
        .map(|s| format!("{} {:?} {}", s.line, s.kind, s.command))
        .collect();
    assert_eq!(
        summary,
        [
            "3 Run { status: 0 } mkdir a && cd a",
            "4 Run { status: 2 } certgen init-ca \\\n    --cn x   # exit 2",
            "6 Run { status: 0 } cat > f <<'EOF'\n$ x\nEOF",
            "10 Skip { needs: \"the MariaDB server\" } mariadb -e 'FLUSH SSL'   # needs the MariaDB server",
            "13 Console { status: 0, expected: [\"STATUS ...\", \"...\"] } certgen list",
            "18 Run { status: 0 } certgen -q check-expiry",
        ]
    );
    // Commands elsewhere are refused; synopses are not commands.
    for hidden in [
        "    certgen issue-client app\n",
        "    SELECT 1;\n",
        "```\nSELECT 1;\n```\n",
        "```text\ncertgen revoke app\n```\n",
        "```text\n$ certgen list\n```\n",
        "```text\n0 6 * * *  certgen renew --all\n```\n",
    ] {
        assert!(steps("d.md", hidden).is_err(), "{hidden}");
    }
    for synopsis in [
        "```text\ncertgen revoke NAME [--reason REASON]\n```\n",
        "```text\ncertgen check-expiry [PATH...]\n```\n",
    ] {
        assert!(steps("d.md", synopsis).unwrap().is_empty(), "{synopsis}");
    }
}

#[test]
fn output_is_compared_but_for_what_differs_between_runs() {
    let shown = [
        "deployed server db1 (/CN=db1, serial 345F9D8C..., expires 2032-04-05T00:00:00Z) to /etc/x"
            .to_string(),
        "  SHA-256:            65:CD:B9:...".to_string(),
        "...".to_string(),
        "archived the replaced files in /etc/x/old_keys/2030-02-01T000000Z".to_string(),
    ];
    let printed = [
        "deployed server db1 (/CN=db1, serial 5A0E41B7C0D1E2F3A4B5C6D7E8F90011, expires 2028-03-01T12:00:01Z) to /etc/x",
        "  SHA-256: AA:BB:CC:DD:EE",
        "one line",
        "another",
        "archived the replaced files in /etc/x/old_keys/2026-12-06T181122Z",
    ];
    assert!(output_matches(&shown, &printed));
    let mut wrong = printed;
    wrong[0] = "deployed user db1 (/CN=db1, serial 5A0E41B7C0D1E2F3A4B5C6D7E8F90011, expires 2028-03-01T12:00:01Z) to /etc/x";
    assert!(!output_matches(&shown, &wrong));
    assert!(!output_matches(&shown[..2], &printed[..3]), "a line more");
    assert!(line_matches("(824 days left)", "(3 days left)"));
    assert!(line_matches(
        "valid  2031-11-21T14:44:23Z   729  0A",
        "valid 2031-11-21T14:44:23Z -2 0A"
    ));
    assert!(!line_matches("valid 729 0A", "valid 729 0B"));
    assert!(line_matches(
        "certgen: error: x: ...",
        "certgen: error: x: y z"
    ));
    assert!(!line_matches("certgen: error: x", "certgen: error: y"));
}
