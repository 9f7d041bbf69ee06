//! SingleStore's tools as the settings use them: `sdb-admin update-config`
//! on every node or on the aggregators only, and its `--reset` that takes a
//! setting back; SingleStore Tools' own `memsqlctl.hcl`; the certificate of
//! MemSQL Ops' web UI.
//!
//! From SingleStore's documentation:
//! - `update-config --all --key K --value V`, and `--reset`, which "will
//!   reset both the SET GLOBAL variables and the SingleStore config file
//!   variables"; memsqlctl's `--reset` "Reset the key to the default value
//!   (formerly --delete)"
//!   (<https://docs.singlestore.com/db/v9.1/reference/singlestore-tools-reference/sdb-admin-commands/update-config/>,
//!   <https://docs.singlestore.com/db/v9.1/reference/singlestore-tools-reference/memsqlctl-commands/update-config/>);
//! - TLS for clients only: `ssl_cert` and `ssl_key` "on all aggregators",
//!   set node by node from `sdb-admin list-nodes -q -r aggregator` and
//!   `-r master` with `update-config --memsql-id`
//!   (<https://docs.singlestore.com/db/v9.1/security/encryption/ssl-secure-connections/server-configuration-for-secure-client-connections/>);
//! - `memsqlctl.hcl`: "add the path to the CA certificate file on each
//!   host ... `sslCaFile = path/to/ca-file` ... especially required when a
//!   host contains one or more nodes with the root user set to REQUIRE SSL"
//!   (<https://docs.singlestore.com/db/v9.1/security/encryption/ssl-secure-connections/configuring-singlestore-tools-for-secure-connections/>),
//!   the file being `/etc/memsql/memsqlctl.hcl`
//!   (<https://docs.singlestore.com/db/v9.1/reference/configuration-reference/cluster-config-files/singlestore-server-config-files/>);
//! - `memsql-ops ssl-set-cert -c CERTIFICATE -k KEY`: "Set an SSL
//!   certificate that will be used to serve the web UI through HTTPS", and
//!   `memsql-ops ssl-disable` (MemSQL Ops 4.0.31 and later)
//!   (<https://docs.singlestore.com/db/v7.3/reference/memsql-ops-cli-reference/local-memsql-ops-agent-management/ssl-set-cert/>,
//!   <https://docs.singlestore.com/db/v7.3/reference/memsql-ops-cli-reference/local-memsql-ops-agent-management/ssl-disable/>).

use std::path::Path;

use super::settings::{Role, Section, Setting};
use super::text::{no_control, path_text, shell_quote};
use crate::error::{Error, Result};

/// The nodes that get a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nodes {
    All,
    /// The master aggregator and the child aggregators.
    Aggregators,
}

/// The roles `sdb-admin list-nodes -r` names the aggregators by, as the
/// guide runs them.
const AGGREGATOR_ROLES: [&str; 2] = ["master", "aggregator"];

/// The command that sets `key` to `value` on `nodes`, or resets it (`None`).
/// For the aggregators it is a loop over the IDs `list-nodes` gives for
/// each of their roles, the value quoted once for the shell.
pub fn update_config(nodes: Nodes, key: &str, value: Option<&str>) -> String {
    let change = match value {
        Some(v) => format!("--key {key} --value {} --yes", shell_quote(v)),
        None => format!("--key {key} --reset --yes"),
    };
    match nodes {
        Nodes::All => format!("sdb-admin update-config --all {change}"),
        Nodes::Aggregators => {
            let ids: Vec<String> = AGGREGATOR_ROLES
                .iter()
                .map(|role| format!("$(sdb-admin list-nodes -q -r {role})"))
                .collect();
            format!(
                "for id in {}; do sdb-admin update-config --memsql-id \"$id\" {change}; done",
                ids.join(" ")
            )
        }
    }
}

/// What makes the nodes read their settings.
pub const RESTART: &str = "sdb-admin restart-node --all --yes";

const HCL: &str = "memsqlctl.hcl";

/// A string for memsqlctl.hcl, double-quoted with `\` and `"` escaped, as
/// HCL reads it. Control characters are refused, and so are `${` and
/// `%{`: HCL 2 reads them as the start of a template.
pub fn hcl_string(what: &str, value: &str) -> Result<String> {
    no_control(what, value, HCL)?;
    if value.contains("${") || value.contains("%{") {
        return Err(Error::UnsafeConfigValue {
            what: what.to_string(),
            value: value.to_string(),
            file: HCL,
            reason: "HCL reads ${ and %{ as the start of a template",
        });
    }
    Ok(format!(
        "\"{}\"",
        value.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// `sslCaFile` in each host's memsqlctl.hcl: the CA SingleStore Tools check
/// the nodes' certificates against.
pub fn memsqlctl_hcl(ca: &Path) -> Result<Section> {
    let value = path_text("sslCaFile", ca, HCL)?;
    Ok(Section {
        role: Role::Server,
        user: None,
        file: format!("/etc/memsql/{HCL}"),
        comment: "Each host's /etc/memsql/memsqlctl.hcl: the CA SingleStore Tools check \
                  the nodes against, which they need once root requires SSL"
            .into(),
        settings: vec![Setting::new("sslCaFile", value)],
        text: format!("sslCaFile = {}\n", hcl_string("sslCaFile", value)?),
    })
}

/// The command that makes MemSQL Ops serve its web UI with `cert` and `key`.
pub fn ops_set_cert(cert: &Path, key: &Path) -> Result<String> {
    let path = |what, p| path_text(what, p, "a shell command").map(shell_quote);
    Ok(format!(
        "memsql-ops ssl-set-cert --certificate {} --key {}",
        path("certificate", cert)?,
        path("key", key)?
    ))
}

/// The command that serves MemSQL Ops' web UI without TLS again.
pub const OPS_DISABLE: &str = "memsql-ops ssl-disable";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_config_sets_or_resets_on_every_node_or_the_aggregators() {
        assert_eq!(
            update_config(Nodes::All, "ssl_cert", Some("/a b/c.pem")),
            "sdb-admin update-config --all --key ssl_cert --value '/a b/c.pem' --yes"
        );
        assert_eq!(
            update_config(Nodes::All, "ssl_cert", None),
            "sdb-admin update-config --all --key ssl_cert --reset --yes"
        );
        assert_eq!(
            update_config(Nodes::Aggregators, "tls_version", Some("TLSv1.2")),
            "for id in $(sdb-admin list-nodes -q -r master) $(sdb-admin list-nodes -q -r aggregator); \
             do sdb-admin update-config --memsql-id \"$id\" --key tls_version --value TLSv1.2 --yes; done"
        );
    }

    #[test]
    fn hcl_strings_escape_quotes_and_backslashes_and_refuse_templates() {
        assert_eq!(
            hcl_string("sslCaFile", r#"/a "b"\c $d"#).unwrap(),
            r#""/a \"b\"\\c $d""#
        );
        for bad in ["/a${b}", "/a%{b}", "/a\nb"] {
            let err = hcl_string("sslCaFile", bad).unwrap_err().to_string();
            assert!(err.contains("memsqlctl.hcl"), "{err}");
        }
    }

    #[test]
    fn ops_commands_name_the_files_quoted() {
        assert_eq!(
            ops_set_cert(Path::new("/c 1.pem"), Path::new("/k.pem")).unwrap(),
            "memsql-ops ssl-set-cert --certificate '/c 1.pem' --key /k.pem"
        );
    }
}
