//! The command lines certgen suggests running next (`renew`'s deploy step,
//! `check-expiry --expect`'s "deploy needed"), written so that they run as
//! printed: the PKI directory given unless it is the default, every word
//! quoted for a POSIX shell.

use std::path::Path;

use certgen::Store;
use certgen::db::shell_quote;
use certgen::deploy::Layout;
use certgen::kind::Kind;

/// The placeholder for a deployment directory the PKI does not know.
pub const SOME_DIR: &str = "DIR";

/// `certgen [--dir PKI] deploy KIND NAME --to TO [--layout LAYOUT]`; `to`
/// `None` writes the placeholder [`SOME_DIR`], `layout` `None` or the
/// default leaves `--layout` out.
pub fn deploy(
    store: &Store,
    kind: Kind,
    name: &str,
    to: Option<&Path>,
    layout: Option<Layout>,
) -> String {
    let mut words = vec!["certgen".to_string()];
    if store.root() != Path::new(super::context::DEFAULT_DIR) {
        words.push("--dir".into());
        words.push(shell_quote(&store.root().display().to_string()));
    }
    words.extend([
        "deploy".to_string(),
        kind.noun().to_string(),
        shell_quote(name),
        "--to".into(),
    ]);
    words.push(to.map_or_else(
        || SOME_DIR.to_string(),
        |dir| shell_quote(&dir.display().to_string()),
    ));
    if let Some(layout) = layout.filter(|l| *l != Layout::default()) {
        words.push("--layout".into());
        words.push(layout.name().into());
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_runs_as_printed() {
        let default = Store::new(super::super::context::DEFAULT_DIR);
        assert_eq!(
            deploy(&default, Kind::Server, "db1", None, None),
            "certgen deploy server db1 --to DIR"
        );
        let other = Store::new("/etc/certgen/my pki");
        assert_eq!(
            deploy(
                &other,
                Kind::User,
                "o'brien",
                Some(Path::new("/home/o/.postgresql")),
                Some(Layout::Postgres)
            ),
            r"certgen --dir '/etc/certgen/my pki' deploy user 'o'\''brien' --to /home/o/.postgresql --layout postgres"
        );
        assert_eq!(
            deploy(
                &default,
                Kind::Server,
                "db1",
                Some(Path::new("/etc/mysql/tls")),
                Some(Layout::Plain)
            ),
            "certgen deploy server db1 --to /etc/mysql/tls"
        );
    }
}
