//! The `certgen` binary: parse arguments, run the command, print an error once,
//! exit with the command's status.

mod cli;

use std::io::IsTerminal;
use std::process::ExitCode;

use cli::errors::{hint, is_broken_pipe, print_error};
use cli::exit::Status;

fn main() -> ExitCode {
    // Before any key or passphrase is in memory; best effort: a system that
    // refuses it still gets its certificates.
    let _ = certgen::secret::forbid_core_dumps();
    let (args, command) = match cli::parse() {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let color = args.color.enabled(std::io::stderr().is_terminal());
    match cli::run(args) {
        Ok(status) => status.into(),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let hint = hint(&err, &command);
            print_error(color, &format!("{err:#}"), hint.as_deref());
            Status::failure(Some(&command)).into()
        }
    }
}
