//! The order of the files in `cli/`, bottom first, and the test that keeps
//! it: a file imports only files listed before it, a command never imports
//! another command, and nothing imports an item of `mod.rs`, which sits on
//! top and dispatches. What two commands share moves down into a file of its
//! own.

/// The files below the commands, bottom first.
const SHARED: &[&str] = &[
    // Vocabulary, importing nothing from cli/.
    "output",
    "exit",
    "values",
    "color",
    "in_command",
    "args",
    // Diagnostics, the global context, clap's errors.
    "errors",
    "passphrase",
    "context",
    "usage",
    // Pieces of output several commands (or one command's formats) share.
    "bundle",
    "settings",
    "settings_report",
    "expiry_report",
    "prometheus",
];

/// One file per subcommand; `completions.rs` also holds the hidden `man`.
const COMMANDS: &[&str] = &[
    "ca",
    "check_expiry",
    "completions",
    "config",
    "crl",
    "csr",
    "deploy",
    "init_ca",
    "inspect",
    "issue_client",
    "issue_server",
    "list",
    "renew",
    "revoke",
    "rotate_ca",
    "setup",
    "sign",
    "verify",
];

/// The sibling modules a file names through `super::` or `crate::cli::`,
/// outside its tests (an item of `mod.rs` is named as it is: `Cli`).
fn imports(source: &str) -> Vec<String> {
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = Vec::new();
    for prefix in ["super::", "crate::cli::"] {
        for (at, _) in code.match_indices(prefix) {
            let rest = &code[at + prefix.len()..];
            let paths = match rest.strip_prefix('{') {
                Some(group) => group.split('}').next().unwrap_or_default(),
                None => rest,
            };
            for path in paths.split(',') {
                let name: String = path
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.push(name);
                }
                if !rest.starts_with('{') {
                    break;
                }
            }
        }
    }
    found
}

#[test]
fn cli_files_import_only_downwards() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli");
    let order: Vec<&str> = SHARED.iter().chain(COMMANDS).copied().collect();
    let mut problems = Vec::new();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.map(|e| e.path()).unwrap_or_default();
        let Some(file) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if file == "mod" || file == "layers" {
            continue;
        }
        let Some(rank) = order.iter().position(|f| *f == file) else {
            problems.push(format!("{file}.rs: not placed in the order in layers.rs"));
            continue;
        };
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        for name in imports(&source) {
            match order.iter().position(|f| *f == name) {
                None => problems.push(format!("{file}.rs imports {name} from mod.rs")),
                Some(_) if COMMANDS.contains(&file) && COMMANDS.contains(&name.as_str()) => {
                    problems.push(format!("command {file}.rs imports command {name}.rs"))
                }
                Some(to) if to >= rank => {
                    problems.push(format!("{file}.rs imports {name}.rs, above it"))
                }
                Some(_) => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn imports_are_read_from_paths_and_groups() {
    let source = "use super::output::{self, sanitize};\nuse super::{Cli, exit::Status};\n\
                  let x = crate::cli::values::instant;\n#[cfg(test)]\nuse super::Cli;";
    assert_eq!(imports(source), ["output", "Cli", "exit", "values"]);
}
