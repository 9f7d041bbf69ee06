//! SingleStore (formerly MemSQL): `memsql.cnf` on every node, set with
//! `sdb-admin update-config`, and accounts that must use TLS.
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
//! (<https://docs.singlestore.com/db/v9.1/connect-to-singlestore/connect-to-singlestore-using-tls-ssl/>).

use super::mysql::{Group, create_user, quote};
use super::settings::{Bundle, Client, Config, Input, Require, Role, Section};
use super::text::{path_text, shell_quote};
use crate::error::Result;

pub const SETTINGS: [&str; 5] = [
    "ssl_cert",
    "ssl_key",
    "ssl_ca",
    "ssl_ca_for_client_cert",
    "node_replication_ssl_only",
];

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
    let s = &input.server.files;
    let require = input.require.unwrap_or(Require::Ssl);
    let mut server = Group::new("server");
    server.path("ssl_cert", &s.certificate)?;
    server.path("ssl_key", &s.key)?;
    server.path("ssl_ca", &s.ca)?;
    if require != Require::Ssl {
        server.path("ssl_ca_for_client_cert", &s.ca)?;
    }
    server.comment(
        "node_replication_ssl_only = true  # only to secure replication to a secondary cluster, not between nodes",
    );
    let mut config = Config {
        sql_comment: super::settings::REQUIRE_COMMENT.into(),
        ..Config::default()
    };
    for setting in &server.settings {
        let value = setting.value.as_deref().unwrap_or_default();
        config.commands.push(format!(
            "sdb-admin update-config --all --key {} --value {} --yes",
            setting.name,
            shell_quote(value)
        ));
    }
    config
        .commands
        .push("sdb-admin restart-node --all --yes".into());
    let key = path_text("ssl_key", &s.key, "a shell command")?;
    config
        .commands
        .insert(0, format!("chown memsql:memsql {}", shell_quote(key)));
    config.sections.push(Section {
        role: Role::Server,
        user: None,
        file: "memsql.cnf".into(),
        comment: "Every node's memsql.cnf: TLS for clients and between nodes \
                  (or set them with the sdb-admin commands below)"
            .into(),
        settings: server.settings,
        text: server.text,
    });
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
    if !input.users.is_empty() {
        config.notes.push(
            "SingleStore before 8.9 has no CREATE USER IF NOT EXISTS: there, leave it out; \
             the GRANT creates the user"
                .into(),
        );
    }
    config.notes.push(
        "Clients that reach a node by a name or address not in its certificate can use \
         --ssl-mode=VERIFY_CA instead: the CA is still checked, the name is not"
            .into(),
    );
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{names, sample};

    #[test]
    fn memsql_cnf_and_commands_use_the_documented_names() {
        sample(|input| {
            let c = config(input).unwrap();
            assert_eq!(names(&c.sections[0]), ["ssl_cert", "ssl_key", "ssl_ca"]);
            assert!(
                c.sections[0]
                    .text
                    .starts_with("[server]\nssl_cert = \"/pki/servers/db/server-cert.pem\"\n")
            );
            assert!(
                c.sections[0]
                    .text
                    .contains("# node_replication_ssl_only = true")
            );
            assert!(c.commands.contains(&"sdb-admin update-config --all --key ssl_ca --value /pki/servers/db/ca-cert.pem --yes".to_string()));
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
        });
    }

    #[test]
    fn x509_also_sets_the_ca_for_client_certificates() {
        sample(|input| {
            let input = Input {
                require: Some(Require::X509),
                ..input.clone()
            };
            let c = config(&input).unwrap();
            assert_eq!(
                names(&c.sections[0]),
                ["ssl_cert", "ssl_key", "ssl_ca", "ssl_ca_for_client_cert"]
            );
            assert_eq!(c.sql[1], "GRANT USAGE ON *.* TO 'app'@'%' REQUIRE X509;");
        });
    }
}
