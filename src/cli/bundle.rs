//! What `issue-server`, `issue-client` and `setup` report about the bundles
//! they wrote, and the progress bar for bulk issuance.

use std::io::IsTerminal;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use certgen::CertSummary;
use certgen::bundle::LeafIssued;
use certgen::issue::BatchResult;

use super::output;
use certgen::db::{Bundle, Require, Target};

/// One bundle, as printed with `--format json`.
#[derive(Debug, Serialize)]
pub struct BundleReport<'a> {
    pub name: &'a str,
    pub certificate: &'a CertSummary,
    pub files: Files,
    /// For database users: the statement that pins the user to this certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sql: Option<String>,
    pub warnings: &'a [certgen::Warning],
}

/// The files a command wrote, under the same names in every JSON report.
#[derive(Debug, Serialize)]
pub struct Files {
    pub certificate: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca: Option<PathBuf>,
}

/// The account a user's bundle is for: the database, the host part of the
/// account and how its statement ties it to TLS.
#[derive(Clone, Copy, Debug)]
pub struct Account<'s> {
    pub target: Target,
    pub host: &'s str,
    pub require: Require,
}

impl<'a> BundleReport<'a> {
    /// `account`: the statement for it is `sql`.
    pub fn new(
        leaf: &'a LeafIssued,
        account: Option<Account<'_>>,
    ) -> certgen::Result<BundleReport<'a>> {
        let sql = match account {
            Some(a) => a
                .target
                .require_statement(&Bundle::from_leaf(leaf), a.host, a.require)?,
            None => None,
        };
        let c = &leaf.issued.cert;
        Ok(BundleReport {
            name: &leaf.name,
            certificate: c,
            files: Files {
                certificate: leaf.cert_path.clone(),
                key: Some(leaf.key_path.clone()),
                ca: Some(leaf.ca_path.clone()),
            },
            sql,
            warnings: &leaf.issued.warnings,
        })
    }
}

/// A bar on stderr for bulk work, hidden when stderr is not a terminal.
pub fn progress(len: usize, quiet: bool, what: &str) -> ProgressBar {
    if quiet || len < 2 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

/// Warnings (the same for every bundle of a batch, so printed once) and where
/// replaced files went.
pub fn report_notes(quiet: bool, result: &BatchResult) {
    if let Some(first) = result.leaves.first() {
        for w in &first.issued.warnings {
            output::warn(w);
        }
    }
    if let Some(dir) = &result.archived {
        output::note(
            quiet,
            &format!("archived the old files in {}", dir.display()),
        );
    }
}
