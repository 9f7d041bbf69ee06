//! Manticore Search: the `searchd` section's certificate settings and an
//! HTTPS listener. Manticore checks no client certificates.
//!
//! Setting names as Manticore's manual gives them: `ssl_cert`, `ssl_key` and
//! `ssl_ca` in `searchd`, a listener with the `https` protocol, and the MySQL
//! listener that negotiates TLS on its own port
//! (<https://manual.manticoresearch.com/Security/SSL>).

use super::settings::{Client, Config, Input, Role, Section, Setting};
use super::text::{no_control, path_text, shell_quote};
use crate::error::{Error, Result};

const CONF: &str = "manticore.conf";

/// The port of the HTTPS listener the snippet adds.
pub const HTTPS_PORT: u16 = 9443;

/// A value for manticore.conf, which has no quoting: the value runs to the
/// end of the line, `#` starts a comment and `\` continues the line, so
/// values holding them (or spaces at either end) are refused.
pub fn conf_value<'v>(what: &str, value: &'v str) -> Result<&'v str> {
    no_control(what, value, CONF)?;
    let reason = if value.contains('#') {
        "manticore.conf reads # as the start of a comment"
    } else if value.contains('\\') {
        "manticore.conf reads \\ as a line continuation"
    } else if value.trim() != value {
        "manticore.conf drops spaces at either end of a value"
    } else {
        return Ok(value);
    };
    Err(Error::UnsafeConfigValue {
        what: what.into(),
        value: value.into(),
        file: CONF,
        reason,
    })
}

pub fn config(input: &Input<'_>) -> Result<Config> {
    let s = &input.server.files;
    let mut settings = Vec::new();
    let mut text = String::from("searchd {\n");
    for (name, path) in [
        ("ssl_ca", &s.ca),
        ("ssl_cert", &s.certificate),
        ("ssl_key", &s.key),
    ] {
        let value = conf_value(name, path_text(name, path, CONF)?)?;
        text.push_str(&format!("    {name} = {value}\n"));
        settings.push(Setting::new(name, value));
    }
    let listen = format!("{HTTPS_PORT}:https");
    text.push_str(&format!("    listen = {listen}\n}}\n"));
    settings.push(Setting::new("listen", listen));
    let mut config = Config::default();
    config.sections.push(Section {
        role: Role::Server,
        user: None,
        file: CONF.into(),
        comment: "In the searchd section of manticore.conf, beside its other listen lines".into(),
        settings,
        text,
    });
    let key = path_text("ssl_key", &s.key, "a shell command")?;
    config
        .commands
        .push(format!("chown manticore {}", shell_quote(key)));
    let host = shell_quote(&input.server.name);
    for user in input.users {
        let ca = shell_quote(path_text("ssl-ca", &user.files.ca, "a shell command")?);
        config.clients.push(Client {
            user: user.name.clone(),
            command: Some(format!(
                "mysql -h {host} -P 9306 --ssl-mode=VERIFY_IDENTITY --ssl-ca={ca}"
            )),
            connection_string: None,
        });
    }
    config.notes.push(
        "The MySQL listener (listen = 9306:mysql) negotiates TLS on that same port once ssl_cert and \
         ssl_key are set: clients ask for it (--ssl-mode=VERIFY_IDENTITY); there is no separate TLS port"
            .into(),
    );
    config.notes.push(format!(
        "HTTPS: curl --cacert {} https://{}:{HTTPS_PORT}/sql -d 'query=SHOW TABLES'",
        shell_quote(path_text("ssl_ca", &s.ca, "a shell command")?),
        input.server.name
    ));
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{names, sample};

    #[test]
    fn searchd_section_uses_the_documented_names_and_an_https_listener() {
        sample(|input| {
            let c = config(input).unwrap();
            assert_eq!(
                names(&c.sections[0]),
                ["ssl_ca", "ssl_cert", "ssl_key", "listen"]
            );
            assert_eq!(
                c.sections[0].text,
                "searchd {\n    ssl_ca = /pki/servers/db/ca-cert.pem\n    ssl_cert = /pki/servers/db/server-cert.pem\n    \
                 ssl_key = /pki/servers/db/server-key.pem\n    listen = 9443:https\n}\n"
            );
            assert!(c.notes[0].contains("9306:mysql") && c.notes[0].contains("same port"));
            assert!(c.sql.is_empty());
        });
    }

    #[test]
    fn values_manticore_cannot_hold_are_refused() {
        assert_eq!(
            conf_value("ssl_ca", "/etc/ssl/ca.pem").unwrap(),
            "/etc/ssl/ca.pem"
        );
        for bad in ["/srv/a #b", "/srv/a\\", "/srv/a\nb", " /srv"] {
            assert!(conf_value("ssl_ca", bad).is_err(), "{bad:?}");
        }
    }
}
