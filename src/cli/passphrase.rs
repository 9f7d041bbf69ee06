//! Where the CA key's passphrase comes from: `--passphrase-file FILE`, else
//! the `CERTGEN_CA_PASSPHRASE` environment variable, else a prompt on the
//! terminal (never echoed). Asked once per run, and only when an encrypted
//! key is opened or written.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::Context as _;
use zeroize::Zeroizing;

use certgen::Error;
use certgen::secret::{Passphrase, PassphraseSource};

use super::errors::refuse;

/// The environment variable read when no file is given.
pub const ENV: &str = "CERTGEN_CA_PASSPHRASE";
/// The same for the new passphrase of `ca passphrase`.
pub const NEW_ENV: &str = "CERTGEN_CA_NEW_PASSPHRASE";

/// `--passphrase-file`, on every command that signs with the CA.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct PassphraseArgs {
    /// Read the CA key's passphrase from the first line of FILE, when the key
    /// is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal].
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

/// A passphrase from a file, an environment variable or the terminal, in
/// that order, remembered for the rest of the run.
#[derive(Debug)]
pub struct Sources {
    file: Option<PathBuf>,
    env: &'static str,
    got: Mutex<Option<Passphrase>>,
}

impl Sources {
    pub fn new(file: Option<PathBuf>, env: &'static str) -> Sources {
        Sources {
            file,
            env,
            got: Mutex::new(None),
        }
    }

    /// The passphrase; a typed one is asked for with `prompt`, and entered
    /// twice with `confirm`. `None` when none was given and there is no
    /// terminal to ask on.
    pub fn get(&self, prompt: &str, confirm: bool) -> certgen::Result<Option<Passphrase>> {
        let mut got = self.got.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = got.as_ref() {
            return Ok(Some(p.clone()));
        }
        let found = if let Some(file) = &self.file {
            Some(Passphrase::from_file(file)?)
        } else if let Some(value) = std::env::var_os(self.env) {
            Some(from_env(value, self.env)?)
        } else {
            Passphrase::prompt(&format!("{prompt}: "), confirm)?
        };
        got.clone_from(&found);
        Ok(found)
    }

    /// The passphrase to encrypt a new CA key with (`init-ca --encrypt`,
    /// `setup --encrypt`), asked twice on a terminal; `command` is named in
    /// the hint when there is no terminal to ask on.
    pub fn for_new_ca_key(&self, command: &str) -> anyhow::Result<Passphrase> {
        let got = self
            .get("Passphrase for the new CA key", true)
            .context("the passphrase for --encrypt")?;
        got.ok_or_else(|| {
            refuse(
                "--encrypt: no passphrase was given, and there is no terminal to ask for one",
                format!(
                    "give it with --passphrase-file FILE or {ENV}, or run {command} at a terminal"
                ),
            )
        })
    }
}

fn from_env(value: OsString, name: &str) -> certgen::Result<Passphrase> {
    Passphrase::new(Zeroizing::new(value.into_vec()), name)
}

impl PassphraseSource for Sources {
    fn passphrase(&self, what: &str) -> certgen::Result<Passphrase> {
        self.get(&format!("Passphrase for {what}"), false)?
            .ok_or_else(|| Error::NoPassphrase {
                what: what.to_string(),
            })
    }
}
