//! What `config` prints, as text or JSON; `setup` prints the same after
//! issuing the bundles.

use std::path::Path;

use serde::Serialize;

use certgen::db::{Bundle, BundleFiles, ClientKind, Config, Target};

/// What `config --format json` prints, and `setup --format json` under `config`.
#[derive(Serialize)]
pub struct Report<'a> {
    target: &'static str,
    server: BundleRef<'a>,
    users: Vec<BundleRef<'a>>,
    crl: Option<&'a Path>,
    #[serde(flatten)]
    config: &'a Config,
}

#[derive(Serialize)]
struct BundleRef<'a> {
    name: &'a str,
    files: &'a BundleFiles,
}

impl<'a> Report<'a> {
    pub fn new(
        target: Target,
        server: &'a Bundle,
        users: &'a [Bundle],
        crl: Option<&'a Path>,
        config: &'a Config,
    ) -> Report<'a> {
        let r = |b: &'a Bundle| BundleRef {
            name: &b.name,
            files: &b.files,
        };
        Report {
            target: target.name(),
            server: r(server),
            users: users.iter().map(r).collect(),
            crl,
            config,
        }
    }
}

/// The settings as text: each file's lines under a comment saying where
/// they go, then the shell commands, the SQL and how each user connects:
/// with the command line (and libpq's string), or with each driver of
/// `clients` when --client names them.
pub fn text(config: &Config, clients: Option<&[ClientKind]>) -> String {
    let mut t = String::new();
    for section in &config.sections {
        t.push_str(&format!("# {}\n{}\n", section.comment, section.text));
    }
    if !config.commands.is_empty() {
        t.push_str("# Shell commands, as root on the server:\n");
        for c in &config.commands {
            t.push_str(&format!("{c}\n"));
        }
        t.push('\n');
    }
    if !config.sql.is_empty() {
        t.push_str(&format!(
            "-- SQL, as an administrator: {}\n",
            config.sql_comment
        ));
        for s in &config.sql {
            t.push_str(&format!("{s}\n"));
        }
        t.push('\n');
    }
    match clients {
        None => {
            for client in &config.clients {
                if let Some(c) = &client.command {
                    t.push_str(&format!("# Connecting as {}:\n{c}\n", client.user));
                }
                if let Some(c) = &client.connection_string {
                    t.push_str(&format!(
                        "# {}'s libpq connection string:\n{c}\n",
                        client.user
                    ));
                }
            }
            if !config.clients.is_empty() {
                t.push('\n');
            }
        }
        Some(_) => {
            for d in &config.drivers {
                t.push_str(&format!("# {} with {}:\n{}", d.user, d.title, d.text));
                if !d.text.ends_with('\n') {
                    t.push('\n');
                }
                t.push('\n');
            }
        }
    }
    for note in &config.notes {
        t.push_str(&format!("# {note}\n"));
    }
    if let Some(reload) = &config.reload {
        t.push_str(&format!("# After `certgen renew`: {reload}\n"));
    }
    t
}
