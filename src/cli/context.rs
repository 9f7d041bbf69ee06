//! What every command gets from the global options: the PKI directory, the
//! CA key's passphrase sources, `--quiet`, and the clock.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use time::OffsetDateTime;

use certgen::Store;

use super::passphrase::{self, Sources};

/// The PKI directory when neither `--dir` nor `CERTGEN_DIR` names one.
pub const DEFAULT_DIR: &str = "pki";

/// What every command gets from the global options.
pub struct Context {
    /// The PKI directory, which opens an encrypted CA key with `passphrase`.
    pub store: Store,
    /// The CA key's passphrase, from --passphrase-file, the environment or the terminal.
    pub passphrase: Arc<Sources>,
    pub quiet: bool,
    /// The hidden `--now`.
    now: Option<OffsetDateTime>,
}

impl Context {
    /// The context of a command run on the PKI directory `dir`;
    /// `passphrase_file` is the command's `--passphrase-file`, when it has one.
    pub fn new(
        dir: &Path,
        passphrase_file: Option<PathBuf>,
        quiet: bool,
        now: Option<OffsetDateTime>,
    ) -> Context {
        let passphrase = Arc::new(Sources::new(passphrase_file, passphrase::ENV));
        let store = Store::new(dir).with_passphrase(passphrase.clone());
        Context {
            store,
            passphrase,
            quiet,
            now,
        }
    }

    /// The current time, or `--now` when given: the only place the binary
    /// reads the clock.
    pub fn now(&self) -> OffsetDateTime {
        self.now.unwrap_or_else(OffsetDateTime::now_utc)
    }
}
