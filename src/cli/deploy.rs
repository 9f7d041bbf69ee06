//! `certgen deploy server NAME | user USER --to DIR`: copies a bundle where
//! a database server or client reads it, as `remote_key_copy.sh` and
//! `chown -R memsql:memsql` did, in one transaction that archives what it
//! replaces under DIR's own `old_keys/`.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::ValueEnum;
use serde::Serialize;

use certgen::CertSummary;
use certgen::deploy::{self, Deployment, Layout, Owner, Role};
use certgen::kind::Kind;

use super::args::Format;
use super::context::Context;
use super::exit::Status;
use super::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Whether NAME is a server bundle (servers/NAME) or a user bundle (users/NAME).
    #[arg(value_enum)]
    kind: KindArg,
    /// The bundle to deploy.
    name: String,
    /// The directory the server or client reads (created if missing; its parent must exist).
    #[arg(long, value_name = "DIR")]
    to: PathBuf,
    /// The file names to give the CA, certificate, key and CRL.
    #[arg(long, value_enum, default_value_t = LayoutArg::Plain)]
    layout: LayoutArg,
    /// Give the files (and DIR, when it is created) to USER and GROUP: names or numeric ids;
    /// USER alone also sets USER's login group. Without it, replaced files keep their owner,
    /// group and mode. Run as root for a DIR of another user, deploy writes DIR as that user:
    /// USER must be them, GROUP one of theirs.
    #[arg(long, value_name = "USER[:GROUP]")]
    owner: Option<String>,
    /// Make the key 0640, readable by its group, instead of 0600.
    #[arg(long)]
    group_readable: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum KindArg {
    Server,
    User,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum LayoutArg {
    /// ca-cert.pem, server-cert.pem, server-key.pem (client-*.pem for a user), crl.pem
    Plain,
    /// ca.pem, server-cert.pem, server-key.pem (client-*.pem for a user), crl.pem
    Mysql,
    /// root.crt, server.crt, server.key (postgresql.crt, postgresql.key for a user), root.crl
    Postgres,
    /// root.crt, mysql.crt, mysql.key, root.crl, for a Rails database.yml
    Engineyard,
}

impl From<LayoutArg> for Layout {
    fn from(l: LayoutArg) -> Layout {
        match l {
            LayoutArg::Plain => Layout::Plain,
            LayoutArg::Mysql => Layout::Mysql,
            LayoutArg::Postgres => Layout::Postgres,
            LayoutArg::Engineyard => Layout::Engineyard,
        }
    }
}

/// What `deploy --format json` prints.
#[derive(Serialize)]
struct Report<'a> {
    kind: &'static str,
    name: &'a str,
    layout: &'static str,
    dir: &'a PathBuf,
    created_dir: bool,
    changed: bool,
    certificate: &'a CertSummary,
    files: Files<'a>,
    deployed: Vec<FileReport<'a>>,
    archived: Option<&'a PathBuf>,
}

/// The deployed paths under the vocabulary's names; `crl` only when the
/// PKI has a CRL (so the document of a PKI without one is as it was).
#[derive(Serialize)]
struct Files<'a> {
    certificate: Option<&'a Path>,
    key: Option<&'a Path>,
    ca: Option<&'a Path>,
    #[serde(skip_serializing_if = "Option::is_none")]
    crl: Option<&'a Path>,
}

#[derive(Serialize)]
struct FileReport<'a> {
    role: Role,
    file: &'a PathBuf,
    source: &'a PathBuf,
    uid: u32,
    gid: u32,
    user: Option<String>,
    group: Option<String>,
    /// Octal, as chmod takes it: "0640".
    mode: String,
    replaced: bool,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let owner = a.owner.as_deref().map(Owner::resolve).transpose()?;
    let kind = match a.kind {
        KindArg::Server => Kind::Server,
        KindArg::User => Kind::User,
    };
    let layout = Layout::from(a.layout);
    let req = deploy::Request {
        kind,
        name: &a.name,
        to: &a.to,
        layout,
        owner: owner.as_ref(),
        group_readable: a.group_readable,
    };
    let done = deploy::deploy(&ctx.store, &req, ctx.now())?;
    let report = Report {
        kind: match kind {
            Kind::Server => "server",
            Kind::User => "user",
        },
        name: &a.name,
        layout: layout.name(),
        dir: &done.dir,
        created_dir: done.created_dir,
        changed: done.changed,
        certificate: &done.certificate,
        files: Files {
            certificate: done.path(Role::Certificate),
            key: done.path(Role::Key),
            ca: done.path(Role::Ca),
            crl: done.path(Role::Crl),
        },
        deployed: done
            .files
            .iter()
            .map(|f| FileReport {
                role: f.role,
                file: &f.path,
                source: &f.source,
                uid: f.uid,
                gid: f.gid,
                user: deploy::user_name(f.uid),
                group: deploy::group_name(f.gid),
                mode: format!("{:04o}", f.mode),
                replaced: f.replaced,
            })
            .collect(),
        archived: done.archived.as_ref(),
    };
    match a.format {
        Format::Json => output::print_json(&report)?,
        Format::Text => print_text(&report, &done)?,
    }
    Ok(Status::Ok)
}

fn print_text(report: &Report<'_>, done: &Deployment) -> Result<()> {
    let c = report.certificate;
    let what = format!(
        "{} {} ({}, serial {}, expires {})",
        report.kind,
        report.name,
        c.subject,
        c.serial,
        certgen::rfc3339::format(c.not_after),
    );
    let (dir, layout) = (report.dir.display(), report.layout);
    output::line(&output::sanitize_line(&if !done.changed {
        format!("{what} is already deployed in {dir} in the {layout} layout: nothing changed")
    } else if done.created_dir {
        format!("deployed {what} to {dir} (created) in the {layout} layout")
    } else {
        format!("deployed {what} to {dir} in the {layout} layout")
    }))?;
    let width = report
        .deployed
        .iter()
        .map(|f| f.file.display().to_string().len())
        .max()
        .unwrap_or(0);
    for f in &report.deployed {
        let who = format!(
            "{}:{}",
            f.user.clone().unwrap_or_else(|| f.uid.to_string()),
            f.group.clone().unwrap_or_else(|| f.gid.to_string())
        );
        output::line(&output::sanitize_line(&format!(
            "  {:width$}  {}  {who}  from {}{}",
            f.file.display().to_string(),
            f.mode,
            f.source.display(),
            if f.replaced { " (replaced)" } else { "" }
        )))?;
    }
    if let Some(dir) = report.archived {
        output::line(&output::sanitize_line(&format!(
            "archived the replaced files in {}",
            dir.display()
        )))?;
    }
    Ok(())
}
