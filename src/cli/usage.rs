//! Command-line errors from clap, in certgen's own form: one line
//! `certgen: error: ...` and a `hint:` line, exit 2 (3 for check-expiry).
//! `--help` and `--version` print as clap prints them.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Command;
use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::color::Color;
use super::errors::print_error;
use super::exit::Status;

/// Prints a clap error (or help or version) and returns the exit status.
/// `command` is the subcommand when it is known; otherwise it is read from
/// the usage clap attached to the error. `cli` is the whole command line's
/// definition, for the names of its subcommands and their options.
pub fn report(err: &clap::Error, command: Option<&str>, cli: &Command) -> ExitCode {
    if !err.use_stderr() {
        // --help and --version: clap prints them on stdout, exit 0.
        let _ = err.print();
        return ExitCode::SUCCESS;
    }
    let command = command
        .map(String::from)
        .or_else(|| subcommand_of(err, cli))
        .or_else(|| named_subcommand(std::env::args_os().skip(1), cli));
    let failure = Status::failure(command.as_deref());
    if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        // `certgen` alone: the help is the useful answer.
        let _ = err.print();
        return failure.into();
    }
    let color = Color::Auto.enabled(std::io::stderr().is_terminal());
    print_error(
        color,
        &message(err),
        Some(&hint(err, command.as_deref(), cli)),
    );
    failure.into()
}

/// clap's message without its `error: ` prefix, tips and usage: the first
/// paragraph, its lines joined.
fn message(err: &clap::Error) -> String {
    let text = err.render().to_string();
    let paragraph: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty())
        .collect();
    let joined = paragraph.join(" ");
    joined
        .strip_prefix("error: ")
        .unwrap_or(&joined)
        .to_string()
}

/// clap's suggestion when it has one, else where to read about the command.
fn hint(err: &clap::Error, command: Option<&str>, cli: &Command) -> String {
    if let Some(ContextValue::Strings(names)) = err.get(ContextKind::SuggestedSubcommand) {
        let commands: Vec<String> = names.iter().map(|n| format!("`certgen {n}`")).collect();
        match commands.as_slice() {
            [] => {}
            [one] => return format!("a similar command exists: {one}"),
            more => return format!("similar commands exist: {}", more.join(", ")),
        }
    }
    if let Some(ContextValue::String(arg)) = err.get(ContextKind::SuggestedArg) {
        return format!("a similar option exists: `{arg}`");
    }
    if let Some(ContextValue::String(value)) = err.get(ContextKind::SuggestedValue) {
        return format!("a similar value exists: `{value}`");
    }
    if command.is_none()
        && err.kind() == ErrorKind::UnknownArgument
        && let Some(ContextValue::String(arg)) = err.get(ContextKind::InvalidArg)
        && let Some(owners) = commands_with_option(arg, cli)
    {
        return format!("{arg} is an option of {owners}: give it after the command");
    }
    match command {
        Some(c) => format!("run `certgen {c} --help`"),
        None => "run `certgen --help`".to_string(),
    }
}

/// The subcommand an error occurred in, from the usage line clap attaches
/// (`Usage: certgen check-expiry [OPTIONS] ...`).
fn subcommand_of(err: &clap::Error, cli: &Command) -> Option<String> {
    let Some(ContextValue::StyledStr(usage)) = err.get(ContextKind::Usage) else {
        return None;
    };
    let usage = usage.to_string();
    let mut words = usage
        .trim_start()
        .strip_prefix("Usage:")?
        .split_whitespace();
    words.next()?; // the binary's name
    let word = words.next()?;
    cli.get_subcommands()
        .map(|c| c.get_name().to_string())
        .find(|name| name == word)
}

/// The first argument that names a subcommand, for the errors clap reports
/// without a usage line (a missing value: `check-expiry --warn`; a bad global
/// option before the subcommand), so that check-expiry's callers still get 3.
fn named_subcommand(
    args: impl Iterator<Item = std::ffi::OsString>,
    cli: &Command,
) -> Option<String> {
    let names: Vec<String> = cli
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    args.filter_map(|a| a.into_string().ok())
        .find(|a| names.contains(a))
}

/// `init-ca, sign and issue-server` for `--days`; `None` when no subcommand has it.
fn commands_with_option(arg: &str, cli: &Command) -> Option<String> {
    let long = arg.strip_prefix("--")?.split('=').next()?;
    let names: Vec<String> = cli
        .get_subcommands()
        .filter(|c| c.get_arguments().any(|a| a.get_long() == Some(long)))
        .map(|c| c.get_name().to_string())
        .collect();
    match names.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        [rest @ .., last] => Some(format!("{} and {last}", rest.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Arg, CommandFactory};

    // The tests render errors of the real command line, defined above this module.
    use crate::cli::Cli;

    fn subcommand_of(err: &clap::Error) -> Option<String> {
        super::subcommand_of(err, &Cli::command())
    }

    fn hint(err: &clap::Error, command: Option<&str>) -> String {
        super::hint(err, command, &Cli::command())
    }

    fn parse_error(args: &[&str]) -> clap::Error {
        let argv = std::iter::once("certgen").chain(args.iter().copied());
        match Cli::command().try_get_matches_from(argv) {
            Ok(_) => panic!("{args:?} parsed"),
            Err(e) => e,
        }
    }

    #[test]
    fn messages_are_one_line_without_the_prefix() {
        let err = parse_error(&["issue-server"]);
        assert_eq!(
            message(&err),
            "the following required arguments were not provided: <NAME>"
        );
        assert_eq!(subcommand_of(&err).as_deref(), Some("issue-server"));
        assert_eq!(
            hint(&err, Some("issue-server")),
            "run `certgen issue-server --help`"
        );
    }

    #[test]
    fn suggestions_become_hints() {
        let err = parse_error(&["issu-server"]);
        assert_eq!(message(&err), "unrecognized subcommand 'issu-server'");
        assert_eq!(
            hint(&err, None),
            "a similar command exists: `certgen issue-server`"
        );
        let err = parse_error(&["check-expiry", "--wanr", "3d"]);
        assert_eq!(hint(&err, None), "a similar option exists: `--warn`");
        let err = parse_error(&["--days", "3"]);
        assert_eq!(subcommand_of(&err), None);
        assert!(
            hint(&err, None).starts_with("--days is an option of init-ca, "),
            "{}",
            hint(&err, None)
        );
    }

    /// Every value check-expiry takes (its own and the global options) names
    /// the command when it is refused, so the refusal exits 3.
    #[test]
    fn every_refused_check_expiry_value_names_the_command() {
        let cli = Cli::command();
        let Some(sub) = cli.find_subcommand("check-expiry") else {
            panic!("no check-expiry");
        };
        let args: Vec<&Arg> = sub
            .get_arguments()
            .chain(cli.get_arguments().filter(|a| a.is_global_set()))
            .filter(|a| a.get_action().takes_values())
            .collect();
        assert!(args.len() >= 7, "{}", args.len());
        for arg in args {
            let given = match arg.get_long() {
                Some(long) => format!("--{long}="),
                None => String::new(),
            };
            let err = parse_error(&["check-expiry", &given]);
            assert_eq!(
                subcommand_of(&err).as_deref(),
                Some("check-expiry"),
                "{given:?}: {}",
                err.render()
            );
        }
    }
}
