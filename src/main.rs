//! The `certgen` binary: parse arguments, run the command, print an error once,
//! exit with the command's status.

mod cli;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(err) => return cli::parse_failed(&err),
    };
    let failure = args.command.failure_status();
    let color = args.color.enabled(std::io::stderr().is_terminal());
    match cli::run(args) {
        Ok(status) => status.into(),
        Err(err) if cli::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let (prefix, hint_prefix) = if color {
                ("\x1b[1;31merror:\x1b[0m", "\x1b[1;36mhint:\x1b[0m")
            } else {
                ("error:", "hint:")
            };
            let message = cli::output::sanitize(&format!("{err:#}"));
            eprintln!("certgen: {prefix} {message}");
            if let Some(hint) = cli::hint(&err) {
                eprintln!("{hint_prefix} {hint}");
            }
            failure.into()
        }
    }
}
