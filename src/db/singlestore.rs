//! SingleStore (formerly MemSQL): `memsql.cnf` on every node (or on the
//! aggregators only), set with `sdb-admin update-config`, the CA SingleStore
//! Tools check the nodes against, accounts that must use TLS, and what turns
//! it all off again. The commands of the tools are in
//! [`super::singlestore_tools`].
//!
//! Setting names as SingleStore documents them: `ssl_cert`, `ssl_key` and
//! `ssl_ca` on all nodes secure client and intra-cluster connections, and
//! `node_replication_ssl_only` limits TLS to replication to a secondary
//! cluster
//! (<https://docs.singlestore.com/db/v9.1/security/encryption/ssl-secure-connections/server-configuration-for-secure-client-and-intra-cluster-connections/>);
//! `GRANT ... REQUIRE SSL`
//! (<https://docs.singlestore.com/db/v8.7/security/encryption/ssl-secure-connections/server-configuration-to-require-secure-client-connections/>,
//! `REQUIRE {SSL | X509 | NONE}` in
//! <https://docs.singlestore.com/db/v9.1/reference/sql-reference/security-management-commands/grant/>);
//! `CREATE USER [IF NOT EXISTS]` from 8.9
//! (<https://docs.singlestore.com/db/v8.9/reference/sql-reference/security-management-commands/create-user/>);
//! `sdb-admin update-config --all --key --value`
//! (<https://docs.singlestore.com/db/v9.1/reference/singlestore-tools-reference/sdb-admin-commands/update-config/>);
//! `ssl_ca_for_client_cert` and `REQUIRE X509` for certificate logins
//! (<https://docs.singlestore.com/db/v9.1/connect-to-singlestore/connect-to-singlestore-using-tls-ssl/>);
//! `tls_version`, "can only be set at startup", `TLSv1.2` the version 9.1
//! recommends and 10.0 "configure `tls_version` to include TLS 1.3 ...
//! `TLSv1.2,TLSv1.3`"
//! (<https://docs.singlestore.com/db/v9.1/security/encryption/ssl-secure-connections/specifying-the-tls-version/>,
//! <https://docs.singlestore.com/db/v10/security/encryption/ssl-secure-connections/specifying-the-tls-version/>);
//! TLS for clients only, "configuring the `ssl_cert` and `ssl_key` settings
//! on all aggregators"
//! (<https://docs.singlestore.com/db/v9.1/security/encryption/ssl-secure-connections/server-configuration-for-secure-client-connections/>);
//! `ALTER USER user[@host] ... [REQUIRE {SSL | NONE}]` for accounts that
//! exist, which it does not create as a misspelt `GRANT` would before 8.9
//! (<https://docs.singlestore.com/db/v8.0/reference/sql-reference/security-management-commands/alter-user/>);
//! root, the user `ADD LEAF` and `ADD AGGREGATOR` log in as unless told
//! otherwise (`--user string  The database user (default "root")`,
//! <https://docs.singlestore.com/v7.3/reference/memsql-tools-reference/memsqlctl-reference/memsqlctl-add-leaf>),
//! is each node's own account: `sync_permissions` synchronises "non-root
//! user accounts" only
//! (<https://archived.docs.singlestore.com/v7.0/guides/security/administration/synchronize-permissions>).

use super::account::release;
use super::mysql::{Group, check_account_part, create_user, quote};
use super::settings::{Bundle, Client, Config, Input, Require, Role, Section, Singlestore};
use super::singlestore_tools::{
    Nodes, OPS_DISABLE, RESTART, memsqlctl_hcl, ops_set_cert, update_config,
};
use super::text::{path_text, shell_quote};
use crate::error::{Error, Result};

pub const SETTINGS: [&str; 6] = [
    "ssl_cert",
    "ssl_key",
    "ssl_ca",
    "ssl_ca_for_client_cert",
    "tls_version",
    "node_replication_ssl_only",
];

/// The TLS versions memsql.cnf allows: TLS 1.2, which every release
/// speaks; 10.0 and later take TLS 1.3 too (a commented line says how).
pub const TLS_VERSION: &str = "TLSv1.2";

/// The user `ADD AGGREGATOR` and `ADD LEAF` log in to the other nodes as,
/// unless told otherwise.
pub const CLUSTER_USER: &str = "root";

/// What a SingleStore account can be tied to TLS with: its `GRANT` takes
/// `REQUIRE {SSL | X509 | NONE}`, and no subject or issuer (unlike MySQL's,
/// whose `REQUIRE SUBJECT ... AND ISSUER ...` certgen prints for MySQL and
/// MariaDB).
pub const REQUIRES: [Require; 2] = [Require::Ssl, Require::X509];

/// `GRANT USAGE ON *.* TO 'user'@'host' REQUIRE SSL|X509;`, the statement
/// `config singlestore` and `issue-client --db singlestore` print for a
/// user's certificate. `require` is one of [`REQUIRES`] (X509 otherwise).
pub fn require_statement(user: &Bundle, host: &str, require: Require) -> String {
    let clause = match require {
        Require::Ssl => "SSL",
        Require::X509 | Require::Subject => "X509",
    };
    format!(
        "GRANT USAGE ON *.* TO {}@{} REQUIRE {clause};",
        quote(&user.name),
        quote(host)
    )
}

pub fn config(input: &Input<'_>) -> Result<Config> {
    let opts = &input.singlestore;
    check_tls_accounts(input)?;
    let nodes = if opts.aggregators_only {
        Nodes::Aggregators
    } else {
        Nodes::All
    };
    let cnf = memsql_cnf(input)?;
    let mut config = if opts.disable {
        disable(input, nodes, &cnf)?
    } else {
        enable(input, nodes, cnf)?
    };
    config.commands.push(RESTART.into());
    Ok(config)
}

/// The `[server]` group of memsql.cnf: the certificate and key, on every
/// node the CA that makes them talk to each other over TLS only, the CA of
/// client certificates for `REQUIRE X509`, and the TLS versions.
fn memsql_cnf(input: &Input<'_>) -> Result<Group> {
    let s = &input.server.files;
    let mut server = Group::new("server");
    server.path("ssl_cert", &s.certificate)?;
    server.path("ssl_key", &s.key)?;
    if !input.singlestore.aggregators_only {
        server.path("ssl_ca", &s.ca)?;
    }
    if input.require == Some(Require::X509) {
        server.path("ssl_ca_for_client_cert", &s.ca)?;
    }
    server.constant("tls_version", TLS_VERSION);
    server.comment("tls_version = TLSv1.2,TLSv1.3  # SingleStore 10.0 and later: TLS 1.3 too");
    if !input.singlestore.aggregators_only {
        server.comment(
            "node_replication_ssl_only = true  # only to secure replication to a secondary cluster, not between nodes",
        );
    }
    Ok(server)
}

/// The settings, the accounts' SQL and how each user connects.
fn enable(input: &Input<'_>, nodes: Nodes, server: Group) -> Result<Config> {
    let s = &input.server.files;
    let opts = &input.singlestore;
    let require = input.require.unwrap_or(Require::Ssl);
    let mut config = Config {
        sql_comment: super::settings::REQUIRE_COMMENT.into(),
        ..Config::default()
    };
    let key = path_text("ssl_key", &s.key, "a shell command")?;
    config
        .commands
        .push(format!("chown memsql:memsql {}", shell_quote(key)));
    for setting in &server.settings {
        let value = setting.value.as_deref().unwrap_or_default();
        config
            .commands
            .push(update_config(nodes, &setting.name, Some(value)));
    }
    if opts.ops {
        config.commands.push(ops_set_cert(&s.certificate, &s.key)?);
        config.notes.push(
            "MemSQL Ops (4.0.31 and later) serves its web UI over HTTPS with the server \
             certificate: browse to it by a name the certificate holds"
                .into(),
        );
    }
    config.sections.push(Section {
        role: Role::Server,
        user: None,
        file: "memsql.cnf".into(),
        comment: match nodes {
            Nodes::All => {
                "Every node's memsql.cnf: TLS for clients and between nodes \
                           (or set them with the sdb-admin commands below)"
            }
            Nodes::Aggregators => {
                "Every aggregator's memsql.cnf (the master and the child \
                                   aggregators): TLS for clients, not between nodes \
                                   (or set them with the sdb-admin commands below)"
            }
        }
        .into(),
        settings: server.settings,
        text: server.text,
    });
    config.sections.push(memsqlctl_hcl(&s.ca)?);
    for user in input.users {
        let f = &user.files;
        config.sql.push(create_user(&user.name, input.sql_host));
        config
            .sql
            .push(require_statement(user, input.sql_host, require));
        let path = |what: &str, p| path_text(what, p, "a shell command");
        config.clients.push(Client {
            user: user.name.clone(),
            command: Some(format!(
                "mysql -h {} -u {} --ssl-mode=VERIFY_IDENTITY --ssl-ca={} --ssl-cert={} --ssl-key={}",
                shell_quote(&input.server.name),
                shell_quote(&user.name),
                shell_quote(path("ssl-ca", &f.ca)?),
                shell_quote(path("ssl-cert", &f.certificate)?),
                shell_quote(path("ssl-key", &f.key)?),
            )),
            connection_string: None,
        });
    }
    for account in &opts.tls_accounts {
        config.sql.push(format!(
            "ALTER USER {}@{} REQUIRE SSL;",
            quote(account),
            quote(input.sql_host)
        ));
    }
    if !input.users.is_empty() {
        config.notes.push(
            "SingleStore before 8.9 has no CREATE USER IF NOT EXISTS: there, leave it out; \
             the GRANT creates the user"
                .into(),
        );
    }
    if !opts.tls_accounts.is_empty() {
        config.notes.push(format!(
            "Run ALTER USER ... REQUIRE SSL once the nodes serve TLS (after the restart) and \
             memsqlctl.hcl names the CA: ADD AGGREGATOR, ADD LEAF and SingleStore Tools log in \
             as {CLUSTER_USER} unless told otherwise, over TLS from then on; {CLUSTER_USER} is \
             each node's own account (sync_permissions leaves it out), so run its statement on \
             every node"
        ));
    }
    if nodes == Nodes::Aggregators {
        config.notes.push(format!(
            "Without ssl_ca the nodes connect to each other without TLS: the account ADD \
             AGGREGATOR and ADD LEAF use ({CLUSTER_USER} unless told otherwise) must not \
             require SSL"
        ));
    }
    config.notes.push(
        "Clients that reach a node by a name or address not in its certificate can use \
         --ssl-mode=VERIFY_CA instead: the CA is still checked, the name is not"
            .into(),
    );
    Ok(config)
}

/// What turns TLS off again: the accounts back to `REQUIRE NONE` first,
/// while they can still log in, then every setting `enable` sets reset.
fn disable(input: &Input<'_>, nodes: Nodes, server: &Group) -> Result<Config> {
    let opts = &input.singlestore;
    let mut config = Config {
        sql_comment: "the accounts log in without TLS again; run this first, over TLS".into(),
        ..Config::default()
    };
    let names = input
        .users
        .iter()
        .map(|u| u.name.as_str())
        .chain(opts.tls_accounts.iter().map(String::as_str));
    for name in names {
        config.sql.push(release(name, input.sql_host)?.require_none);
    }
    for setting in &server.settings {
        config
            .commands
            .push(update_config(nodes, &setting.name, None));
    }
    if opts.ops {
        config.commands.push(OPS_DISABLE.into());
    }
    config.notes.push(
        "Run the SQL before the restart: an account that requires TLS cannot log in \
         without it, root and SingleStore Tools included"
            .into(),
    );
    Ok(config)
}

/// Refuses an account the statements cannot name the same under every
/// `sql_mode`, one that has a certificate here (its statement is the
/// `GRANT` for the certificate), and the cluster's own account where the
/// nodes talk to each other without TLS.
fn check_tls_accounts(input: &Input<'_>) -> Result<()> {
    let opts: &Singlestore = &input.singlestore;
    for account in &opts.tls_accounts {
        check_account_part("TLS account", account)?;
        let refuse = |reason: &str| Error::InvalidName {
            what: "TLS account",
            value: account.clone(),
            reason: reason.into(),
        };
        if account.is_empty() {
            return Err(refuse("an empty name is the anonymous account"));
        }
        if input.users.iter().any(|u| &u.name == account) {
            return Err(refuse(
                "it has a certificate here: its statement is the one for the certificate",
            ));
        }
        if opts.aggregators_only && account == CLUSTER_USER {
            return Err(refuse(
                "without ssl_ca the nodes log in to each other as root without TLS",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{names, sample};

    fn with(input: &Input<'_>, require: Option<Require>, opts: Singlestore) -> Result<Config> {
        config(&Input {
            require,
            singlestore: opts,
            ..input.clone()
        })
    }

    #[test]
    fn memsql_cnf_and_commands_use_the_documented_names() {
        sample(|input| {
            let c = config(input).unwrap();
            assert_eq!(
                names(&c.sections[0]),
                ["ssl_cert", "ssl_key", "ssl_ca", "tls_version"]
            );
            assert!(
                c.sections[0]
                    .text
                    .starts_with("[server]\nssl_cert = \"/pki/servers/db/server-cert.pem\"\n")
            );
            assert!(c.sections[0].text.contains("\ntls_version = TLSv1.2\n"));
            assert!(
                c.sections[0]
                    .text
                    .contains("# tls_version = TLSv1.2,TLSv1.3  # SingleStore 10.0")
            );
            assert!(
                c.sections[0]
                    .text
                    .contains("# node_replication_ssl_only = true")
            );
            assert!(c.commands.contains(&"sdb-admin update-config --all --key ssl_ca --value /pki/servers/db/ca-cert.pem --yes".to_string()));
            assert!(
                c.commands.contains(
                    &"sdb-admin update-config --all --key tls_version --value TLSv1.2 --yes"
                        .to_string()
                )
            );
            assert_eq!(c.commands.last().unwrap(), RESTART);
            assert_eq!(
                c.sql,
                [
                    "CREATE USER IF NOT EXISTS 'app'@'%';",
                    "GRANT USAGE ON *.* TO 'app'@'%' REQUIRE SSL;"
                ]
            );
            let cmd = c.clients[0].command.as_deref().unwrap();
            assert!(
                cmd.contains("--ssl-mode=VERIFY_IDENTITY --ssl-ca=/pki/users/app/ca-cert.pem"),
                "{cmd}"
            );
            assert!(c.notes.iter().any(|n| n.contains("--ssl-mode=VERIFY_CA")));
            for name in names(&c.sections[0]) {
                assert!(SETTINGS.contains(&name), "{name}");
            }
            // SingleStore Tools' CA.
            assert_eq!(c.sections[1].file, "/etc/memsql/memsqlctl.hcl");
            assert_eq!(
                c.sections[1].text,
                "sslCaFile = \"/pki/servers/db/ca-cert.pem\"\n"
            );
        });
    }

    #[test]
    fn x509_also_sets_the_ca_for_client_certificates() {
        sample(|input| {
            let c = with(input, Some(Require::X509), Singlestore::default()).unwrap();
            assert_eq!(
                names(&c.sections[0]),
                [
                    "ssl_cert",
                    "ssl_key",
                    "ssl_ca",
                    "ssl_ca_for_client_cert",
                    "tls_version"
                ]
            );
            assert_eq!(c.sql[1], "GRANT USAGE ON *.* TO 'app'@'%' REQUIRE X509;");
        });
    }

    #[test]
    fn accounts_without_a_certificate_require_ssl_and_are_checked() {
        sample(|input| {
            let opts = |names: &[&str]| Singlestore {
                tls_accounts: names.iter().map(|s| s.to_string()).collect(),
                ..Singlestore::default()
            };
            let c = with(input, None, opts(&["root", "o'k"])).unwrap();
            assert_eq!(
                c.sql[2..],
                [
                    "ALTER USER 'root'@'%' REQUIRE SSL;",
                    "ALTER USER 'o''k'@'%' REQUIRE SSL;"
                ]
            );
            assert!(c.notes.iter().any(|n| n.contains("on every node")));
            for bad in ["", "app", r"a\b"] {
                let err = with(input, None, opts(&[bad])).unwrap_err();
                assert!(
                    matches!(
                        err,
                        Error::InvalidName {
                            what: "TLS account",
                            ..
                        }
                    ),
                    "{bad}: {err}"
                );
            }
            // Where the nodes talk without TLS, root must not require it.
            let aggregators = Singlestore {
                aggregators_only: true,
                ..opts(&["root"])
            };
            assert!(with(input, None, aggregators).is_err());
        });
    }

    #[test]
    fn aggregators_only_sets_no_ca_and_runs_on_the_aggregators() {
        sample(|input| {
            let opts = Singlestore {
                aggregators_only: true,
                ..Singlestore::default()
            };
            let c = with(input, None, opts).unwrap();
            assert_eq!(
                names(&c.sections[0]),
                ["ssl_cert", "ssl_key", "tls_version"]
            );
            assert!(!c.sections[0].text.contains("node_replication_ssl_only"));
            let updates: Vec<&String> = c
                .commands
                .iter()
                .filter(|c| c.contains("update-config"))
                .collect();
            assert_eq!(updates.len(), 3);
            for u in updates {
                assert!(u.starts_with("for id in $(sdb-admin list-nodes -q -r master) $(sdb-admin list-nodes -q -r aggregator); do sdb-admin update-config --memsql-id \"$id\" --key "), "{u}");
            }
            assert!(c.notes.iter().any(|n| n.contains("must not require SSL")));
        });
    }

    #[test]
    fn disable_releases_the_accounts_then_resets_what_enable_sets() {
        sample(|input| {
            for aggregators_only in [false, true] {
                for require in [Require::Ssl, Require::X509] {
                    // root may require TLS only where the nodes use it.
                    let account = if aggregators_only { "ok" } else { "root" };
                    let opts = Singlestore {
                        aggregators_only,
                        tls_accounts: vec![account.into()],
                        ops: true,
                        disable: false,
                    };
                    let on = with(input, Some(require), opts.clone()).unwrap();
                    let off = with(
                        input,
                        Some(require),
                        Singlestore {
                            disable: true,
                            ..opts.clone()
                        },
                    )
                    .unwrap();
                    assert!(off.sections.is_empty());
                    // Every key set is reset, on the same nodes.
                    let nodes = if aggregators_only {
                        Nodes::Aggregators
                    } else {
                        Nodes::All
                    };
                    let reset: Vec<String> = names(&on.sections[0])
                        .into_iter()
                        .map(|k| update_config(nodes, k, None))
                        .collect();
                    assert_eq!(off.commands[..reset.len()], reset[..]);
                    assert_eq!(off.commands[reset.len()..], [OPS_DISABLE, RESTART]);
                    // Each account the SQL tied to TLS is released, as retire does.
                    let mut released = vec![release("app", "%").unwrap().require_none];
                    for a in &opts.tls_accounts {
                        released.push(release(a, "%").unwrap().require_none);
                    }
                    assert_eq!(off.sql, released);
                    assert!(off.clients.is_empty());
                }
            }
        });
    }

    #[test]
    fn ops_serves_its_ui_with_the_server_certificate() {
        sample(|input| {
            let opts = Singlestore {
                ops: true,
                ..Singlestore::default()
            };
            let c = with(input, None, opts).unwrap();
            assert!(c.commands.contains(
                &"memsql-ops ssl-set-cert --certificate /pki/servers/db/server-cert.pem --key /pki/servers/db/server-key.pem".to_string()
            ));
        });
    }
}
