//! `certgen completions SHELL` and the hidden `certgen man --out DIR`, both
//! generated from the clap definitions (the committed copies are checked by a test).

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, Status};

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

pub fn run(a: Args) -> Result<Status> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "certgen", &mut out);
    super::output::raw(&String::from_utf8_lossy(&out))?;
    Ok(Status::Ok)
}

pub fn man(a: ManArgs) -> Result<Status> {
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    clap_mangen::generate_to(Cli::command(), &a.out)
        .with_context(|| format!("writing man pages into {}", a.out.display()))?;
    Ok(Status::Ok)
}
