//! `certgen completions SHELL` and the hidden `certgen man --out DIR`, both
//! generated from the clap definitions (the committed copies are checked by a test).

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap_complete::Shell;

use super::exit::Status;
use super::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    shell: Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Directory to write certgen.1 and one page per subcommand into.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// `cli` is the whole command line's definition.
pub fn run(a: Args, mut cli: clap::Command) -> Result<Status> {
    let mut out = Vec::new();
    clap_complete::generate(a.shell, &mut cli, "certgen", &mut out);
    output::raw(&String::from_utf8_lossy(&out))?;
    Ok(Status::Ok)
}

pub fn man(a: ManArgs, cli: clap::Command) -> Result<Status> {
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    clap_mangen::generate_to(cli, &a.out)
        .with_context(|| format!("writing man pages into {}", a.out.display()))?;
    Ok(Status::Ok)
}
