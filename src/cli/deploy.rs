//! `certgen deploy server NAME | user USER --to DIR`: copies a bundle where
//! a database server or client reads it, as `remote_key_copy.sh` and
//! `chown -R memsql:memsql` did, in one transaction that archives what it
//! replaces under DIR's own `old_keys/`; `--to [USER@]HOST:DIR` does it on
//! another machine through ssh, and `--reload` makes the server there
//! serve it, then confirms it does.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::ValueEnum;
use serde::Serialize;

use certgen::CertSummary;
use certgen::db::Database;
use certgen::deploy::{self, Deployment, Layout, Owner, Role};
use certgen::kind::Kind;
use certgen::remote::{Options, Target};
use certgen::ssh::{self, RemoteDeployment, Ssh, SshTarget};

use super::args::{Format, SshArgs};
use super::context::Context;
use super::errors::refuse;
use super::exit::Status;
use super::output;
use super::values;
use std::io::{IsTerminal, Write};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Whether NAME is a server bundle (servers/NAME) or a user bundle (users/NAME).
    #[arg(value_enum)]
    kind: KindArg,
    /// The bundle to deploy.
    name: String,
    /// The directory the server or client reads (created if missing; its parent must exist):
    /// a local DIR, or [USER@]HOST:DIR or ssh://[USER@]HOST[:PORT]/DIR on another machine,
    /// reached with the system's ssh client.
    #[arg(long, value_name = "DIR")]
    to: String,
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
    #[command(flatten)]
    ssh: SshArgs,
    /// After a deployment that changed files, make DATABASE serve them: its reload
    /// (MariaDB FLUSH SSL, MySQL ALTER INSTANCE RELOAD TLS, PostgreSQL pg_reload_conf(); a
    /// restart for SingleStore and Manticore) run where the files are, then --confirm.
    #[arg(long, value_name = "DATABASE", value_parser = values::database())]
    reload: Option<Database>,
    /// The command --reload runs instead of the database's own (through sh -c, on the
    /// machine of --to).
    #[arg(long, value_name = "COMMAND", requires = "reload")]
    reload_command: Option<String>,
    /// The server to ask, after the reload, which certificate it serves, until it is the one
    /// deployed ([mysql://|postgres://|tls://]HOST:PORT); default: the host of --to at the
    /// database's port.
    #[arg(long, value_name = "HOST:PORT", requires = "reload")]
    confirm: Option<String>,
    /// Do not connect to the server after the reload.
    #[arg(long, requires = "reload", conflicts_with = "confirm")]
    no_confirm: bool,
    /// How long --confirm waits for the server to serve the deployed certificate.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = values::duration)]
    confirm_timeout: time::Duration,
    /// With --layout kubernetes: the Secret's name (default: NAME-tls).
    #[arg(long, value_name = "NAME")]
    secret_name: Option<String>,
    /// With --layout kubernetes: the Secret's namespace (default: kubectl's).
    #[arg(long, value_name = "NAMESPACE")]
    namespace: Option<String>,
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
    /// A kubernetes.io/tls Secret manifest (tls.crt, tls.key, ca.crt, ca.crl) written to
    /// --to FILE, or to standard output with --to - (for kubectl apply -f -)
    Kubernetes,
}

impl LayoutArg {
    /// The layout of files in a directory; `None` for a Secret manifest.
    fn files(self) -> Option<Layout> {
        match self {
            LayoutArg::Plain => Some(Layout::Plain),
            LayoutArg::Mysql => Some(Layout::Mysql),
            LayoutArg::Postgres => Some(Layout::Postgres),
            LayoutArg::Engineyard => Some(Layout::Engineyard),
            LayoutArg::Kubernetes => None,
        }
    }
}

/// What `deploy --format json` prints.
#[derive(Serialize)]
struct Report<'a> {
    kind: &'static str,
    name: &'a str,
    layout: &'static str,
    dir: &'a Path,
    created_dir: bool,
    changed: bool,
    certificate: &'a CertSummary,
    files: Files<'a>,
    deployed: Vec<FileReport<'a>>,
    archived: Option<&'a PathBuf>,
    #[serde(flatten)]
    after: &'a After,
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
    let kind = match a.kind {
        KindArg::Server => Kind::Server,
        KindArg::User => Kind::User,
    };
    let Some(layout) = a.layout.files() else {
        return kubernetes(ctx, &a, kind);
    };
    let ssh = a.ssh.ssh()?;
    let remote = SshTarget::is_remote(&a.to)
        .then(|| SshTarget::parse(&a.to))
        .transpose()?;
    let confirm = match (&a.reload, &a.confirm, a.no_confirm) {
        (Some(_), Some(c), _) => Some(Target::parse(c)?),
        (Some(db), None, false) => {
            let host = match &remote {
                Some(t) => t.host.clone(),
                None => "localhost".to_string(),
            };
            Some(ssh::default_endpoint(&host, *db))
        }
        _ => None,
    };
    if let Some(to) = &remote {
        let req = ssh::RemoteRequest {
            kind,
            name: &a.name,
            to,
            layout,
            owner: a.owner.as_deref(),
            group_readable: a.group_readable,
            dry_run: false,
        };
        let done = ssh::deliver(&ctx.store, &ssh, &req, ctx.now())?;
        let after = after_deploy(
            &a,
            &ssh,
            Some(to),
            confirm.as_ref(),
            &done.certificate,
            done.changed,
            done.added_crl(),
        )?;
        return report_remote(&a, kind, layout, &done, &after);
    }
    let owner = a.owner.as_deref().map(Owner::resolve).transpose()?;
    let to = PathBuf::from(&a.to);
    let req = deploy::Request {
        kind,
        name: &a.name,
        to: &to,
        layout,
        owner: owner.as_ref(),
        group_readable: a.group_readable,
    };
    let done = deploy::deploy(&ctx.store, &req, ctx.now())?;
    let added_crl = done
        .files
        .iter()
        .any(|f| f.role == Role::Crl && !f.replaced)
        && done.changed;
    let after = after_deploy(
        &a,
        &ssh,
        None,
        confirm.as_ref(),
        &done.certificate,
        done.changed,
        added_crl,
    )?;
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
        after: &after,
    };
    match a.format {
        Format::Json => output::print_json(&report)?,
        Format::Text => {
            print_text(&report, &done)?;
            print_after(&after)?;
        }
    }
    Ok(Status::Ok)
}

/// What `--reload` did after the files were in place.
#[derive(Default, Serialize)]
struct After {
    /// The reload command run, when it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    reload: Option<String>,
    /// Why the reload is not enough (a first CRL that the server reads only
    /// when it starts).
    #[serde(skip_serializing_if = "Option::is_none")]
    restart_needed: Option<String>,
    /// The server confirmed to serve the deployed certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    confirmed: Option<ConfirmReport>,
}

#[derive(Serialize)]
struct ConfirmReport {
    endpoint: String,
    serial: String,
    attempts: u32,
}

/// Runs `--reload` after a deployment that changed something (a deployment
/// that changed nothing has nothing to reload, but is still confirmed), then
/// confirms what the server serves.
fn after_deploy(
    a: &Args,
    ssh: &Ssh,
    remote: Option<&SshTarget>,
    confirm: Option<&Target>,
    certificate: &certgen::CertSummary,
    changed: bool,
    added_crl: bool,
) -> Result<After> {
    let Some(db) = a.reload else {
        return Ok(After::default());
    };
    let mut after = After::default();
    if added_crl && matches!(db, Database::Mariadb | Database::Mysql) {
        after.restart_needed = Some(format!(
            "the CRL file is new: {} reads ssl_crl only when it starts, so restart it once (its reload picks up later CRLs)",
            db.title()
        ));
    }
    if changed {
        let command = a.reload_command.as_deref().unwrap_or(db.reload_command());
        ssh::reload::run(ssh, remote, command)?;
        after.reload = Some(command.to_string());
    }
    if let Some(endpoint) = confirm {
        let opts = Options::confirming();
        let within = std::time::Duration::try_from(a.confirm_timeout).unwrap_or_default();
        let c = ssh::confirm(endpoint, &opts, certificate, within)?;
        after.confirmed = Some(ConfirmReport {
            endpoint: c.endpoint,
            serial: c.serial,
            attempts: c.attempts,
        });
    }
    Ok(after)
}

fn print_after(after: &After) -> Result<()> {
    if let Some(command) = &after.reload {
        output::line(&output::sanitize_line(&format!("reloaded: {command}")))?;
    }
    if let Some(c) = &after.confirmed {
        output::line(&output::sanitize_line(&format!(
            "confirmed: {} serves serial {}",
            c.endpoint, c.serial
        )))?;
    }
    if let Some(why) = &after.restart_needed {
        output::line(&output::sanitize_line(&format!("restart needed: {why}")))?;
    }
    Ok(())
}

/// What `deploy --to HOST:DIR --format json` prints.
#[derive(Serialize)]
struct RemoteReport<'a> {
    kind: &'static str,
    name: &'a str,
    layout: &'static str,
    host: String,
    dir: &'a str,
    created_dir: bool,
    changed: bool,
    certificate: &'a CertSummary,
    deployed: Vec<RemoteFileReport<'a>>,
    archived: Option<String>,
    written_as: Option<&'a str>,
    #[serde(flatten)]
    after: &'a After,
}

#[derive(Serialize)]
struct RemoteFileReport<'a> {
    role: Role,
    file: &'a str,
    source: &'a PathBuf,
    /// `UID:GID` given to the file; absent when it is the writing user's.
    owner: Option<&'a str>,
    mode: String,
    replaced: bool,
}

fn report_remote(
    a: &Args,
    kind: Kind,
    layout: Layout,
    done: &RemoteDeployment,
    after: &After,
) -> Result<Status> {
    let archived = done
        .archived
        .as_ref()
        .map(|a| format!("{}/{a}", done.target.dir.trim_end_matches('/')));
    let report = RemoteReport {
        kind: kind_name(kind),
        name: &a.name,
        layout: layout.name(),
        host: done.target.destination(),
        dir: &done.target.dir,
        created_dir: done.created_dir,
        changed: done.changed,
        certificate: &done.certificate,
        deployed: done
            .files
            .iter()
            .map(|f| RemoteFileReport {
                role: f.role,
                file: &f.shown,
                source: &f.source,
                owner: f.owner.as_deref(),
                mode: format!("{:04o}", f.mode),
                replaced: f.replaced,
            })
            .collect(),
        archived,
        written_as: done.written_as.as_deref(),
        after,
    };
    match a.format {
        Format::Json => output::print_json(&report)?,
        Format::Text => {
            let c = report.certificate;
            let what = format!(
                "{} {} ({}, serial {}, expires {})",
                report.kind,
                report.name,
                c.subject,
                c.serial,
                certgen::rfc3339::format(c.not_after),
            );
            let to = done.target.to_string();
            output::line(&output::sanitize_line(&if !done.changed {
                format!(
                    "{what} is already deployed in {to} in the {} layout: nothing changed",
                    report.layout
                )
            } else if done.created_dir {
                format!(
                    "deployed {what} to {to} (created) in the {} layout",
                    report.layout
                )
            } else {
                format!("deployed {what} to {to} in the {} layout", report.layout)
            }))?;
            for f in &report.deployed {
                output::line(&output::sanitize_line(&format!(
                    "  {}  {}  {}  from {}{}",
                    f.file,
                    f.mode,
                    f.owner.or(report.written_as).unwrap_or("(the ssh user)"),
                    f.source.display(),
                    if f.replaced { " (replaced)" } else { "" }
                )))?;
            }
            if let Some(dir) = &report.archived {
                output::line(&output::sanitize_line(&format!(
                    "archived the replaced files in {}:{dir}",
                    report.host
                )))?;
            }
            print_after(after)?;
        }
    }
    Ok(Status::Ok)
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Server => "server",
        Kind::User => "user",
    }
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

/// `--layout kubernetes`: the bundle as a Secret manifest, to standard
/// output (never a terminal: it holds the key) or a new file (0600, never
/// through a link; an existing one is archived beside it first).
fn kubernetes(ctx: &Context, a: &Args, kind: Kind) -> Result<Status> {
    if a.reload.is_some() || SshTarget::is_remote(&a.to) || a.owner.is_some() {
        return Err(refuse(
            "--layout kubernetes writes a manifest here: --reload, --owner and HOST:DIR do not apply",
            "pipe it to kubectl apply -f -, or give --to FILE",
        ));
    }
    let name = match &a.secret_name {
        Some(n) => n.clone(),
        None => format!("{}-tls", a.name.to_ascii_lowercase()),
    };
    let checked = deploy::check_bundle(&ctx.store, kind, &a.name, Layout::Plain, ctx.now())?;
    let manifest = deploy::secret_manifest(&checked, &name, a.namespace.as_deref())?;
    if a.to == "-" {
        if std::io::stdout().is_terminal() {
            return Err(refuse(
                "the Secret holds the private key, and standard output is a terminal",
                "pipe it: certgen deploy ... --layout kubernetes --to - | kubectl apply -f -",
            ));
        }
        let mut out = std::io::stdout().lock();
        out.write_all(manifest.as_bytes())?;
        out.flush()?;
        return Ok(Status::Ok);
    }
    let path = PathBuf::from(&a.to);
    let changed = deploy::write_manifest(&path, manifest.as_bytes(), ctx.now())?;
    if a.format == Format::Json {
        output::print_json(&serde_json::json!({
            "kind": kind_name(kind),
            "name": a.name,
            "layout": "kubernetes",
            "file": path,
            "secret": name,
            "namespace": a.namespace,
            "changed": changed,
            "certificate": checked.certificate(),
        }))?;
    } else if changed {
        output::line(&output::sanitize_line(&format!(
            "wrote the Secret {name} of {} {} to {}",
            kind_name(kind),
            a.name,
            path.display()
        )))?;
    } else {
        output::line(&output::sanitize_line(&format!(
            "{} already holds the Secret {name}: nothing changed",
            path.display()
        )))?;
    }
    Ok(Status::Ok)
}
