//! The inventory: the hosts of a fleet, the bundles each gets and where,
//! the database to reload there and the server to confirm. TOML:
//!
//! ```toml
//! [[host]]
//! name = "db1"                       # how reports name it
//! ssh = "root@db1.example.com"       # [USER@]HOST or ssh://[USER@]HOST:PORT
//! database = "mariadb"               # reloaded after a change
//! reload_command = "mariadb -e 'FLUSH SSL'"   # default: the database's own
//! confirm = "db1.example.com:3306"   # default: the ssh host at the database's port
//!
//! [[host.deploy]]
//! server = "db1"                     # or user = "app"
//! dir = "/etc/mysql/ssl"
//! layout = "mysql"                   # plain (default), mysql, postgres, engineyard
//! owner = "mysql:mysql"              # resolved on the host; optional
//! group_readable = false
//! ```

use std::path::Path;

use serde::Deserialize;

use crate::db::Database;
use crate::deploy::Layout;
use crate::error::{Error, Result};
use crate::kind::Kind;
use crate::remote::Target;
use crate::ssh::{RemoteRequest, SshTarget};

/// The inventory in the PKI directory, read by `rollout` unless another is
/// named, and by `renew` to name the hosts a renewed bundle goes to.
pub const INVENTORY: &str = "inventory.toml";

/// The largest inventory read: a fleet of thousands of hosts fits in far
/// less; anything larger is not an inventory.
const MAX_INVENTORY: u64 = 8 << 20;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    host: Vec<HostEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HostEntry {
    name: String,
    ssh: String,
    database: Option<String>,
    reload_command: Option<String>,
    confirm: Option<String>,
    #[serde(default)]
    deploy: Vec<DeployEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeployEntry {
    server: Option<String>,
    user: Option<String>,
    dir: String,
    layout: Option<String>,
    owner: Option<String>,
    #[serde(default)]
    group_readable: bool,
}

/// A host of the fleet.
#[derive(Clone, Debug)]
pub struct Host {
    pub name: String,
    /// The ssh destination, without a directory.
    pub ssh: SshTarget,
    pub database: Option<Database>,
    pub reload_command: Option<String>,
    /// `None`: no database to confirm.
    pub confirm: Option<Target>,
    pub bundles: Vec<HostBundle>,
}

/// A bundle a host gets.
#[derive(Clone, Debug)]
pub struct HostBundle {
    pub kind: Kind,
    pub name: String,
    /// The ssh destination with the directory.
    pub to: SshTarget,
    pub layout: Layout,
    pub owner: Option<String>,
    pub group_readable: bool,
}

impl HostBundle {
    /// The delivery of this bundle to its host (a read-only look with
    /// `dry_run`).
    pub fn request(&self, dry_run: bool) -> RemoteRequest<'_> {
        RemoteRequest {
            kind: self.kind,
            name: &self.name,
            to: &self.to,
            layout: self.layout,
            owner: self.owner.as_deref(),
            group_readable: self.group_readable,
            dry_run,
        }
    }
}

/// Reads and checks an inventory; every host and bundle is checked before
/// anything is deployed.
pub fn load(path: &Path) -> Result<Vec<Host>> {
    let shown = path.display().to_string();
    let bytes =
        crate::input::read_file_limited(path, MAX_INVENTORY).map_err(Error::io("reading", path))?;
    let text = String::from_utf8(bytes).map_err(|_| bad(&shown, "not UTF-8 text".into()))?;
    let file: File = toml::from_str(&text).map_err(|e| bad(&shown, e.message().to_string()))?;
    let mut hosts = Vec::new();
    for h in file.host {
        let at = |what: String| bad(&shown, format!("host {:?}: {what}", h.name));
        if hosts.iter().any(|o: &Host| o.name == h.name) {
            return Err(at("named twice".into()));
        }
        let ssh = parse_ssh(&h.ssh, "/").map_err(|e| at(e.to_string()))?;
        let database = h
            .database
            .as_deref()
            .map(|d| Database::from_name(d).ok_or_else(|| at(format!("unknown database {d:?}"))))
            .transpose()?;
        let confirm = match (&h.confirm, database) {
            (Some(c), _) if c == "none" => None,
            (Some(c), _) => Some(Target::parse(c).map_err(|e| at(e.to_string()))?),
            (None, Some(db)) => Some(crate::ssh::default_endpoint(&ssh.host, db)),
            (None, None) => None,
        };
        if h.reload_command.is_some() && database.is_none() {
            return Err(at("reload_command needs database".into()));
        }
        let mut bundles = Vec::new();
        for d in h.deploy {
            let (kind, name) = match (d.server, d.user) {
                (Some(s), None) => (Kind::Server, s),
                (None, Some(u)) => (Kind::User, u),
                _ => return Err(at("each deploy names one of server or user".into())),
            };
            crate::bundle::check_name(&name)?;
            let layout = match d.layout.as_deref() {
                None => Layout::Plain,
                Some(l) => {
                    Layout::from_name(l).ok_or_else(|| at(format!("unknown layout {l:?}")))?
                }
            };
            let to = parse_ssh(&h.ssh, &d.dir).map_err(|e| at(e.to_string()))?;
            bundles.push(HostBundle {
                kind,
                name,
                to,
                layout,
                owner: d.owner,
                group_readable: d.group_readable,
            });
        }
        hosts.push(Host {
            name: h.name,
            ssh,
            database,
            reload_command: h.reload_command,
            confirm,
            bundles,
        });
    }
    Ok(hosts)
}

/// `ssh` (`[USER@]HOST` or `ssh://[USER@]HOST[:PORT]`) with `dir`.
fn parse_ssh(ssh: &str, dir: &str) -> Result<SshTarget> {
    let mut t = if ssh.starts_with("ssh://") {
        SshTarget::parse(&format!("{}/", ssh.trim_end_matches('/')))?
    } else {
        SshTarget::parse(&format!("{ssh}:/"))?
    };
    t.dir = dir.to_string();
    if dir.is_empty() || dir.chars().any(char::is_control) {
        return Err(Error::InvalidName {
            what: "deployment directory",
            value: dir.to_string(),
            reason: "empty or holds control characters".into(),
        });
    }
    Ok(t)
}

fn bad(path: &str, reason: String) -> Error {
    Error::BadInventory {
        path: path.to_string(),
        reason,
    }
}
