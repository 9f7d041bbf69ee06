//! Judging a served chain like a file: every certificate's expiry, and on
//! request whether the chain is trusted for the host (`--ca`) and whether
//! the server serves the PKI's current certificate (`--expect`) and the
//! one on disk where it reads (`--deployed`): when it does not, whether a
//! deploy or a reload is needed.

use std::path::PathBuf;

use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

use super::failure::Failure;
use super::protocol::{Protocol, Served};
use super::target::Target;
use crate::db::{Database, Reload};
use crate::expiry::{
    Detail, Finding, Level, Options as Scan, Place, Revocations, Source, Thresholds, check_chain,
};
use crate::serial::Serial;
use crate::verify::{self, Host, Input, Mode, Options, Purpose};

/// The roots to validate served chains against.
#[derive(Clone, Debug)]
pub struct Trust {
    pub file: PathBuf,
    /// DER, one or more.
    pub roots: Vec<Vec<u8>>,
}

/// The certificate a server should be serving: the PKI's current
/// certificate of a server bundle.
#[derive(Clone, Debug)]
pub struct Expect {
    /// `servers/NAME`.
    pub bundle: String,
    /// DER.
    pub leaf: Vec<u8>,
    /// The command that deploys it where the server reads it
    /// (`certgen deploy server NAME --to DIR`).
    pub deploy: String,
}

/// The copy of the certificate the server reads, on disk.
#[derive(Clone, Debug)]
pub struct Deployed {
    pub file: PathBuf,
    /// DER: the first certificate of the file.
    pub leaf: Vec<u8>,
}

/// How to judge served chains.
#[derive(Clone, Debug)]
pub struct Judge {
    pub thresholds: Thresholds,
    pub now: OffsetDateTime,
    pub detail: Detail,
    pub trust: Option<Trust>,
    pub expect: Option<Expect>,
    pub deployed: Option<Deployed>,
    /// The name checked with `trust`, when it is not the target's host.
    pub sni: Option<String>,
    /// Whose reload statement to give when a reload is needed; `None`
    /// names the databases speaking the protocol.
    pub database: Option<Database>,
    /// The PKI's index: a served certificate it records as revoked or
    /// superseded is CRITICAL.
    pub revocations: Option<std::sync::Arc<Revocations>>,
}

impl Judge {
    /// The findings for one server: one per certificate served (the leaf
    /// carries the `--ca`, `--expect` and `--deployed` verdicts), or one
    /// UNKNOWN saying why nothing was served.
    pub fn findings(&self, target: &Target, fetched: Result<Served, Failure>) -> Vec<Finding> {
        let source = Source::Endpoint(target.to_string());
        let served = match fetched {
            Ok(served) if !served.chain.is_empty() => served,
            Ok(_) => {
                return vec![Finding::unknown_at(
                    source,
                    "the server sent no certificate",
                )];
            }
            Err(e) => return vec![Finding::unknown_at(source, e.to_string())],
        };
        // Every served certificate is named: a verdict below may make an OK
        // leaf a problem.
        let detail = match self.detail {
            Detail::Problems => Detail::Names,
            d => d,
        };
        let scan = Scan {
            thresholds: self.thresholds,
            now: self.now,
            detail,
            revocations: self.revocations.clone(),
        };
        let needed = self.needed(&served);
        let place = match needed {
            Some(_) => Place::ServedChecked,
            None => Place::Served,
        };
        let mut findings = check_chain(&source, &served.chain, &scan, place);
        let Some(leaf) = findings.first_mut().filter(|l| l.level != Level::Unknown) else {
            return findings;
        };
        if let Some(trust) = &self.trust
            && let Some(why) = self.untrusted(target, &served.chain, trust)
        {
            raise(leaf, Level::Critical, why);
        }
        if let Some(why) = needed {
            raise(leaf, Level::Warning, why);
        }
        findings
    }

    /// What the server needs to serve the PKI's current certificate
    /// (`expect`) or the one where it reads (`deployed`), when it does not:
    /// a deploy (the copy it reads is not the PKI's current certificate),
    /// a reload (it serves an older one than the copy it reads), or, with
    /// `expect` alone, one or both.
    fn needed(&self, served: &Served) -> Option<String> {
        let leaf = served.chain.first()?;
        let then = reload_advice(self.database, served.protocol);
        let s = serial(leaf);
        match (&self.expect, &self.deployed) {
            (None, None) => None,
            (None, Some(d)) => (*leaf != d.leaf).then(|| {
                format!(
                    "serving an old certificate: reload needed (serial {s} is served, {} holds {}): {then}",
                    d.file.display(),
                    serial(&d.leaf)
                )
            }),
            (Some(e), None) => (*leaf != e.leaf).then(|| {
                format!(
                    "serving an old certificate: deploy or reload needed (serial {s} is served, {} holds {}; --deployed tells which): {} unless the copy the server reads is current, then {then}",
                    e.bundle,
                    serial(&e.leaf),
                    e.deploy
                )
            }),
            (Some(e), Some(d)) if d.leaf != e.leaf && *leaf == e.leaf => Some(format!(
                "deploy needed ({} holds serial {}, {} holds {}, which is served: a restart would serve the old one): {}",
                d.file.display(),
                serial(&d.leaf),
                e.bundle,
                serial(&e.leaf),
                e.deploy
            )),
            (Some(e), Some(d)) if d.leaf != e.leaf => Some(format!(
                "serving an old certificate: deploy needed ({} holds serial {}, {} holds {}): {}, then {then}",
                d.file.display(),
                serial(&d.leaf),
                e.bundle,
                serial(&e.leaf),
                e.deploy
            )),
            (Some(e), Some(d)) => (*leaf != e.leaf).then(|| {
                format!(
                    "serving an old certificate: reload needed (serial {s} is served, {} holds {}, {}'s current certificate): {then}",
                    d.file.display(),
                    serial(&d.leaf),
                    e.bundle
                )
            }),
        }
    }

    /// Why the chain is not valid for the host with these roots, if it is not.
    fn untrusted(&self, target: &Target, chain: &[Vec<u8>], trust: &Trust) -> Option<String> {
        let file = trust.file.display();
        let name = self.sni.as_deref().unwrap_or(&target.host);
        let host = match Host::parse(name) {
            Ok(host) => host,
            Err(e) => return Some(format!("cannot check the name: {e}")),
        };
        let Some((leaf, intermediates)) = chain.split_first() else {
            return Some("the server sent no certificate".into());
        };
        let input = Input {
            leaf: leaf.clone(),
            roots: trust.roots.clone(),
            intermediates: intermediates.to_vec(),
        };
        let opts = Options {
            host: Some(&host),
            purpose: Purpose::Server,
            now: self.now,
            key: None,
            crls: None,
            mode: Mode::Default,
        };
        match verify::verify(&input, &opts) {
            Ok(report) => report
                .rejection
                .map(|r| format!("not trusted by {file}: {r}")),
            Err(e) => Some(format!("cannot validate with {file}: {e}")),
        }
    }
}

/// Makes `f` at least as bad as `level`, with `why` first in its reason.
fn raise(f: &mut Finding, level: Level, why: String) {
    let rank = |l: Level| match l {
        Level::Ok => 0,
        Level::Warning => 1,
        Level::Unknown => 2,
        Level::Revoked | Level::Superseded => 0,
        Level::Critical => 3,
    };
    if rank(level) > rank(f.level) {
        f.level = level;
    }
    f.reason = format!("{why}; {}", f.reason);
}

fn serial(der: &[u8]) -> String {
    X509Certificate::from_der(der).map_or_else(
        |_| "?".to_string(),
        |(_, c)| Serial::from_bytes(c.tbs_certificate.raw_serial()).to_string(),
    )
}

/// What makes the server serve the certificate on disk: the database's own
/// statement, or, when only the protocol is known, those of the databases
/// that speak it.
pub fn reload_advice(database: Option<Database>, protocol: Protocol) -> String {
    let one = |db: Database| match db.reload() {
        Reload::Sql(statement) => format!("{statement} ({})", db.title()),
        Reload::Restart(how) => format!("restart {} ({how})", db.title()),
    };
    match (database, protocol) {
        (Some(db), _) => match db.reload() {
            Reload::Sql(_) => format!("run {}", one(db)),
            Reload::Restart(_) => one(db),
        },
        (None, Protocol::Mysql) => {
            format!("run {} or {}", one(Database::Mariadb), one(Database::Mysql))
        }
        (None, Protocol::Postgres) => format!("run {}", one(Database::Postgres)),
        (None, Protocol::Tls) => "reload or restart the server".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reload_advice_names_the_databases_statements() {
        assert_eq!(
            reload_advice(None, Protocol::Mysql),
            "run FLUSH SSL; (MariaDB) or ALTER INSTANCE RELOAD TLS; (MySQL)"
        );
        assert_eq!(
            reload_advice(None, Protocol::Postgres),
            "run SELECT pg_reload_conf(); (PostgreSQL)"
        );
        assert_eq!(
            reload_advice(Some(Database::Mariadb), Protocol::Mysql),
            "run FLUSH SSL; (MariaDB)"
        );
        assert_eq!(
            reload_advice(Some(Database::Singlestore), Protocol::Mysql),
            "restart SingleStore (sdb-admin restart-node --all)"
        );
        assert_eq!(
            reload_advice(None, Protocol::Tls),
            "reload or restart the server"
        );
    }

    #[test]
    fn a_deploy_is_told_from_a_reload() {
        let (old, new) = (b"old".to_vec(), b"new".to_vec());
        let judge = |deployed: Option<&Vec<u8>>| Judge {
            thresholds: Thresholds::new(time::Duration::days(30), time::Duration::days(7)).unwrap(),
            now: OffsetDateTime::UNIX_EPOCH,
            detail: Detail::Summary,
            trust: None,
            expect: Some(Expect {
                bundle: "servers/db1".into(),
                leaf: new.clone(),
                deploy: "certgen deploy server db1 --to /tls".into(),
            }),
            deployed: deployed.map(|leaf| Deployed {
                file: "/tls/server-cert.pem".into(),
                leaf: leaf.clone(),
            }),
            sni: None,
            database: Some(Database::Postgres),
            revocations: None,
        };
        let serving = |leaf: &Vec<u8>| Served {
            protocol: Protocol::Postgres,
            chain: vec![leaf.clone()],
        };
        let said = |deployed, served| judge(deployed).needed(&serving(served));
        assert_eq!(said(Some(&new), &new), None);
        assert_eq!(said(None, &new), None);
        let why = said(Some(&old), &old).unwrap();
        assert!(
            why.starts_with("serving an old certificate: deploy needed ("),
            "{why}"
        );
        assert!(
            why.ends_with(": certgen deploy server db1 --to /tls, then run SELECT pg_reload_conf(); (PostgreSQL)"),
            "{why}"
        );
        let why = said(Some(&new), &old).unwrap();
        assert!(
            why.starts_with("serving an old certificate: reload needed ("),
            "{why}"
        );
        assert!(
            why.ends_with(": run SELECT pg_reload_conf(); (PostgreSQL)"),
            "{why}"
        );
        // Served, but not what the server would read at its next restart.
        let why = said(Some(&old), &new).unwrap();
        assert!(why.starts_with("deploy needed ("), "{why}");
        assert!(
            why.contains("which is served: a restart would serve the old one"),
            "{why}"
        );
        assert!(!why.contains("reload"), "{why}");
        let why = said(None, &old).unwrap();
        assert!(why.contains("deploy or reload needed"), "{why}");
    }

    #[test]
    fn a_failure_is_one_unknown_finding_naming_the_target() {
        let judge = Judge {
            thresholds: Thresholds::new(time::Duration::days(30), time::Duration::days(7)).unwrap(),
            now: OffsetDateTime::UNIX_EPOCH,
            detail: Detail::Summary,
            trust: None,
            expect: None,
            deployed: None,
            sni: None,
            database: None,
            revocations: None,
        };
        let target = Target::parse("[::1]:5432").unwrap();
        let found = judge.findings(&target, Err(Failure::Refused));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].level, Level::Unknown);
        assert_eq!(found[0].source, Source::Endpoint("[::1]:5432".into()));
        assert_eq!(found[0].reason, "connection refused");
    }
}
