//! `--sql-out FILE`, shared by the commands that print SQL (`setup`,
//! `config`, `issue-client`, `retire user`): the same statements written
//! to a file an administrator runs (`mariadb < FILE`, `psql -f FILE`).
//!
//! The file is created, never replaced: SQL run against a database should
//! be the SQL just printed, not an older file of the same name, and a link
//! planted in its place must not redirect the write. So FILE must not exist
//! (a link, even a dangling one, counts), which is checked before the
//! command writes anything; the file is then written beside its name,
//! synced and renamed into place without replacing (`RENAME_NOREPLACE`).

use std::path::{Path, PathBuf};

use anyhow::Result;

use certgen::db::Target;
use certgen::store::{Mode, create_file};

use super::errors::refuse;
use super::output;

#[derive(Debug, clap::Args)]
pub struct SqlOutArgs {
    /// Also write the printed SQL to FILE, for an administrator to run
    /// (`mariadb < FILE`); FILE must not exist: certgen never replaces it.
    #[arg(long, value_name = "FILE")]
    sql_out: Option<PathBuf>,
}

impl SqlOutArgs {
    /// Refuses, before the command writes anything, a FILE that exists or
    /// whose directory does not, and `--sql-out` where the command prints
    /// no SQL (`none` says why).
    pub fn check(&self, none: Option<&str>) -> Result<()> {
        let Some(path) = &self.sql_out else {
            return Ok(());
        };
        if let Some(why) = none {
            return Err(refuse(
                format!("--sql-out {}: {why}", path.display()),
                "leave out --sql-out",
            ));
        }
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(exists(path));
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            let what = if dir.exists() {
                "is not a directory"
            } else {
                "does not exist"
            };
            return Err(refuse(
                format!("--sql-out {}: {} {what}", path.display(), dir.display()),
                "name a file in a directory that exists",
            ));
        }
        Ok(())
    }

    /// Writes `lines` (statements and `--` comments), when `--sql-out` was
    /// given.
    pub fn write(&self, quiet: bool, lines: &[String]) -> Result<()> {
        let Some(path) = &self.sql_out else {
            return Ok(());
        };
        let mut text = String::new();
        for line in lines {
            text.push_str(line);
            text.push('\n');
        }
        match create_file(path, text.as_bytes(), Mode::Public) {
            Err(certgen::Error::Exists(_)) => return Err(exists(path)),
            other => other?,
        }
        output::note(quiet, &format!("wrote the SQL to {}", path.display()));
        Ok(())
    }
}

fn exists(path: &Path) -> anyhow::Error {
    refuse(
        format!("--sql-out {}: the file exists", path.display()),
        "name a new file, or move the old one away: --sql-out never replaces a file",
    )
}

/// Why `--sql-out` has nothing to write for `target`, when it has not: the
/// target has no accounts, or there is no user to print SQL for.
pub fn no_sql(target: Target, no_users: bool) -> Option<String> {
    if !target.has_sql() {
        Some(format!(
            "{} has no accounts to print SQL for",
            target.name()
        ))
    } else if no_users {
        Some("there is no user to print SQL for".into())
    } else {
        None
    }
}
