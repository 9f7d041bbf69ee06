//! MySQL and MariaDB: the `[mysqld]` and `[client]` option-file settings, and
//! the SQL that ties an account to its certificate with the exact
//! `X509_NAME_oneline` strings the server compares.

use std::path::Path;

use super::database::Database;
pub use super::settings::Require;
use super::settings::{Bundle, Client, Config, Input, Role, Section, Setting};

/// Which server the settings are for: they differ in the client's option
/// that checks the server's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Mysql,
    Mariadb,
}

impl Flavor {
    /// Where Debian's packages read extra server settings from.
    fn conf_dir(self) -> &'static str {
        match self {
            Flavor::Mariadb => "/etc/mysql/mariadb.conf.d",
            Flavor::Mysql => "/etc/mysql/mysql.conf.d",
        }
    }

    /// How the server comes to read `ssl_crl`: the first time, and when
    /// `certgen crl` has refreshed the file.
    fn crl_note(self) -> &'static str {
        match self {
            Flavor::Mariadb => {
                "ssl_crl is read when the server starts: restart MariaDB once after adding it (it cannot be set at runtime, and FLUSH SSL does not pick up a new ssl_crl); after that, FLUSH SSL re-reads the file each time `certgen crl` (and `certgen deploy`) refresh it"
            }
            Flavor::Mysql => {
                "ssl_crl is read when the server starts: restart MySQL after adding it (MySQL 8.0.16 and later can also take it with SET PERSIST ssl_crl = '...' followed by ALTER INSTANCE RELOAD TLS); after that, ALTER INSTANCE RELOAD TLS re-reads the file each time `certgen crl` (and `certgen deploy`) refresh it"
            }
        }
    }

    /// The command-line client.
    fn client(self) -> &'static str {
        match self {
            Flavor::Mariadb => Database::Mariadb.client(),
            Flavor::Mysql => Database::Mysql.client(),
        }
    }
}

/// A string literal as read with `NO_BACKSLASH_ESCAPES`: quotes doubled,
/// backslashes as they are. Without a backslash in `s` it means the same
/// under every `sql_mode`; otherwise it must run under that mode, as
/// [`require_subject`] arranges.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Refuses a user or host name the printed SQL could not write the same way
/// under every `sql_mode`: MySQL's grammar takes account names only as
/// quoted strings, where a backslash means different things.
pub fn check_account_part(what: &'static str, s: &str) -> crate::error::Result<()> {
    if s.contains('\\') {
        return Err(crate::error::Error::InvalidName {
            what,
            value: s.to_string(),
            reason: "a backslash in an account name means different things \
                     with and without sql_mode NO_BACKSLASH_ESCAPES"
                .into(),
        });
    }
    Ok(())
}

/// `CREATE USER IF NOT EXISTS 'user'@'host';`
pub fn create_user(user: &str, host: &str) -> String {
    format!("CREATE USER IF NOT EXISTS {}@{};", quote(user), quote(host))
}

/// `ALTER USER ... REQUIRE SUBJECT ... AND ISSUER ...` with the one-line names
/// MySQL and MariaDB compare. Names with a backslash (OpenSSL writes `\/`,
/// `\+` and `\xHH` in them) can be written the same for every `sql_mode` only
/// by setting one: the statement is then run with `NO_BACKSLASH_ESCAPES` and
/// the session's `sql_mode` restored after it (`REQUIRE` takes no hex literal
/// or expression).
pub fn require_subject(user: &str, host: &str, subject: &str, issuer: &str) -> String {
    let alter = format!(
        "ALTER USER {}@{} REQUIRE SUBJECT {} AND ISSUER {};",
        quote(user),
        quote(host),
        quote(subject),
        quote(issuer)
    );
    if subject.contains('\\') || issuer.contains('\\') {
        format!(
            "SET @certgen_sql_mode = @@SESSION.sql_mode; \
             SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'; {alter} \
             SET SESSION sql_mode = @certgen_sql_mode;"
        )
    } else {
        alter
    }
}

/// The statement that ties `user`'s account to TLS as `require` asks.
pub fn require_statement(user: &Bundle, host: &str, require: Require) -> String {
    let account = format!("{}@{}", quote(&user.name), quote(host));
    match require {
        Require::Ssl => format!("ALTER USER {account} REQUIRE SSL;"),
        Require::X509 => format!("ALTER USER {account} REQUIRE X509;"),
        Require::Subject => require_subject(&user.name, host, &user.subject, &user.issuer),
    }
}

const OPTION_FILE: &str = "a MySQL option file";

/// A value for an option file, double-quoted: my_print_defaults, mysqld and
/// the clients then read it whole, with `#`, quotes, backslashes and spaces
/// at either end. Control characters are refused: a newline would end the
/// value and start another option.
pub fn option_value(what: &str, value: &str) -> crate::error::Result<String> {
    super::text::no_control(what, value, OPTION_FILE)?;
    Ok(format!(
        "\"{}\"",
        value.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// `name = "value"` for a path, or the error naming the path that cannot be written.
pub fn option_path(name: &str, path: &Path) -> crate::error::Result<(Setting, String)> {
    let value = super::text::path_text(name, path, OPTION_FILE)?;
    let line = format!("{name} = {}", option_value(name, value)?);
    Ok((Setting::new(name, value), line))
}

/// An option-file section: the `[group]` line and its settings.
#[derive(Default)]
pub(crate) struct Group {
    pub settings: Vec<Setting>,
    pub text: String,
}

impl Group {
    pub fn new(name: &str) -> Group {
        Group {
            settings: Vec::new(),
            text: format!("[{name}]\n"),
        }
    }

    pub fn path(&mut self, name: &str, path: &Path) -> crate::error::Result<()> {
        let (setting, line) = option_path(name, path)?;
        self.push(setting, line);
        Ok(())
    }

    pub fn value(&mut self, name: &str, value: &str) -> crate::error::Result<()> {
        let line = format!("{name} = {}", option_value(name, value)?);
        self.push(Setting::new(name, value), line);
        Ok(())
    }

    /// A constant the option file takes unquoted (`ON`, `TLSv1.2,TLSv1.3`).
    pub fn constant(&mut self, name: &str, value: &str) {
        self.push(Setting::new(name, value), format!("{name} = {value}"));
    }

    pub fn flag(&mut self, name: &str) {
        self.push(Setting::flag(name), name.to_string());
    }

    /// A commented-out line: a setting shown, not set.
    pub fn comment(&mut self, line: &str) {
        self.text.push_str(&format!("# {line}\n"));
    }

    fn push(&mut self, setting: Setting, line: String) {
        self.settings.push(setting);
        self.text.push_str(&line);
        self.text.push('\n');
    }
}

/// The option-file group of one user's client settings, `[client-USER]`,
/// which `--defaults-group-suffix=-USER` makes the client read (besides
/// `[client]`): one file can hold every user's certificate. Group names
/// compare without regard to ASCII case, so two users that differ only in
/// case would share a group, and are refused. So are the users whose group
/// MariaDB reads without being asked: `[client-server]` (the server and
/// every client) and `[client-mariadb]` (every client); and a user `server-X`
/// or `mariadb-X` beside a user `X`, whose client reads their groups
/// (`[client-server-X]`, `[client-mariadb-X]`) with its own.
pub fn client_group(users: &[Bundle]) -> crate::error::Result<Vec<String>> {
    let names: std::collections::HashSet<String> =
        users.iter().map(|u| u.name.to_ascii_lowercase()).collect();
    let mut seen = std::collections::HashSet::new();
    users
        .iter()
        .map(|u| {
            super::text::no_control("user", &u.name, OPTION_FILE)?;
            let refuse = |reason| crate::error::Error::UnsafeConfigValue {
                what: "user".into(),
                value: u.name.clone(),
                file: OPTION_FILE,
                reason,
            };
            let lower = u.name.to_ascii_lowercase();
            if RESERVED_SUFFIXES.contains(&lower.as_str()) {
                return Err(refuse(
                    "MariaDB reads the group [client-server] or [client-mariadb] without being asked",
                ));
            }
            let shadows = RESERVED_SUFFIXES.iter().any(|r| {
                lower
                    .strip_prefix(r)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|other| names.contains(other))
            });
            if shadows {
                return Err(refuse(
                    "MariaDB's client for the user named by the rest of it reads this user's group too",
                ));
            }
            if !seen.insert(lower) {
                return Err(refuse(
                    "another user's name differs only in case, and option-file groups ignore case",
                ));
            }
            Ok(format!("client-{}", u.name))
        })
        .collect()
}

/// `client-` + these are groups MariaDB reads by default.
const RESERVED_SUFFIXES: [&str; 2] = ["server", "mariadb"];

/// Why a user may log in as someone else, and the fix.
pub const ANONYMOUS_NOTE: &str = "The client connects over TCP (protocol = TCP in its group), where TLS \
and the certificate apply. A server that has anonymous accounts (''@'localhost', which \
mariadb-install-db makes unless --skip-test-db) and resolves a local client's address to \
localhost logs the client in as the anonymous user instead: drop them as \
mariadb-secure-installation does (DROP USER ''@'localhost';)";

/// The `[mysqld]` settings, a `[client-USER]` group per user, and the SQL
/// that creates each account and ties it to its certificate.
pub fn config(flavor: Flavor, input: &Input<'_>) -> crate::error::Result<Config> {
    let s = &input.server.files;
    let mut server = Group::new("mysqld");
    server.path("ssl_ca", &s.ca)?;
    server.path("ssl_cert", &s.certificate)?;
    server.path("ssl_key", &s.key)?;
    if let Some(crl) = input.crl {
        server.path("ssl_crl", crl)?;
    }
    server.constant("require_secure_transport", "ON");
    server.constant("tls_version", "TLSv1.2,TLSv1.3");
    let mut config = Config {
        sql_comment: super::settings::REQUIRE_COMMENT.into(),
        ..Config::default()
    };
    config.sections.push(Section {
        role: Role::Server,
        user: None,
        file: format!("{}/90-tls.cnf", flavor.conf_dir()),
        comment: format!("Server settings, e.g. in {}/90-tls.cnf", flavor.conf_dir()),
        settings: server.settings,
        text: server.text,
    });
    config.commands.push(format!(
        "chown mysql {}",
        super::text::shell_quote(&s.key.display().to_string())
    ));
    if input.crl.is_some() {
        config.notes.push(flavor.crl_note().into());
    }
    let require = input.require.unwrap_or(Require::Subject);
    let port = input.port.unwrap_or(Database::Mysql.default_port());
    for (user, group) in input.users.iter().zip(client_group(input.users)?) {
        let f = &user.files;
        let mut client = Group::new(&group);
        client.value("user", &user.name)?;
        client.constant("protocol", "TCP");
        client.path("ssl-ca", &f.ca)?;
        client.path("ssl-cert", &f.certificate)?;
        client.path("ssl-key", &f.key)?;
        let comment = format!(
            "Client settings for {} (~/.my.cnf), read with --defaults-group-suffix=-{}",
            user.name, user.name
        );
        let section = |comment: String, group: Group| Section {
            role: Role::Client,
            user: Some(user.name.clone()),
            file: "~/.my.cnf".into(),
            comment,
            settings: group.settings,
            text: group.text,
        };
        match flavor {
            Flavor::Mariadb => {
                client.flag("ssl-verify-server-cert");
                config.sections.push(section(comment, client));
            }
            Flavor::Mysql => {
                client.constant("loose-ssl-mode", "VERIFY_IDENTITY");
                config.sections.push(section(comment, client));
                let mut mariadb = Group::new(&format!("client-mariadb-{}", user.name));
                mariadb.flag("ssl-verify-server-cert");
                config.sections.push(section(
                    format!(
                        "The same for MariaDB's clients (Debian's mysql is one), which read \
                         [client-mariadb-{}] too and check the server's name with \
                         ssl-verify-server-cert, not ssl-mode",
                        user.name
                    ),
                    mariadb,
                ));
            }
        }
        config.clients.push(Client {
            user: user.name.clone(),
            command: Some(format!(
                "{} {} -h {} -P {port}",
                flavor.client(),
                super::text::shell_quote(&format!("--defaults-group-suffix=-{}", user.name)),
                super::text::shell_quote(&input.server.name)
            )),
            connection_string: None,
        });
        config.sql.push(create_user(&user.name, input.sql_host));
        config
            .sql
            .push(require_statement(user, input.sql_host, require));
    }
    if !input.users.is_empty() {
        config.notes.push(ANONYMOUS_NOTE.into());
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str) -> Bundle {
        Bundle {
            name: name.into(),
            subject: format!("/CN={name}"),
            issuer: "/CN=CA".into(),
            files: super::super::BundleFiles {
                certificate: "/c".into(),
                key: "/k".into(),
                ca: "/a".into(),
            },
            keystore_dir: None,
        }
    }

    #[test]
    fn client_groups_that_would_be_shared_or_read_unasked_are_refused() {
        assert_eq!(
            client_group(&[user("app"), user("o+1"), user("mariadb-x")]).unwrap(),
            ["client-app", "client-o+1", "client-mariadb-x"]
        );
        for names in [
            &["App", "app"][..],
            &["Server"],
            &["mariadb"],
            &["app", "mariadb-App"],
            &["server-app", "app"],
        ] {
            let users: Vec<Bundle> = names.iter().map(|n| user(n)).collect();
            let err = client_group(&users).unwrap_err().to_string();
            assert!(err.contains("option file"), "{names:?}: {err}");
        }
    }

    #[test]
    fn option_values_are_double_quoted_and_escaped() {
        assert_eq!(
            option_value("ssl_ca", r#"/a #b/"q"\x "#).unwrap(),
            r#""/a #b/\"q\"\\x ""#
        );
        assert!(option_value("ssl_ca", "/a\ninit_file=/x").is_err());
    }

    #[test]
    fn quotes_are_doubled() {
        assert_eq!(quote("/O=O'Brien/CN=a"), "'/O=O''Brien/CN=a'");
    }

    #[test]
    fn names_with_a_backslash_are_applied_with_no_backslash_escapes() {
        // '/O=a\/b' is /O=a/b by default and /O=a\/b with NO_BACKSLASH_ESCAPES:
        // the statement sets the mode it is written for, then restores the session's.
        assert_eq!(
            require_subject("u+1", "%", r"/O=a\/b/CN=u\+1", "/CN=CA"),
            "SET @certgen_sql_mode = @@SESSION.sql_mode; \
             SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'; \
             ALTER USER 'u+1'@'%' REQUIRE SUBJECT '/O=a\\/b/CN=u\\+1' AND ISSUER '/CN=CA'; \
             SET SESSION sql_mode = @certgen_sql_mode;"
        );
    }

    #[test]
    fn account_names_with_a_backslash_are_refused() {
        assert!(check_account_part("SQL host", "10.0.0.%").is_ok());
        let err = check_account_part("SQL host", r"a\b")
            .unwrap_err()
            .to_string();
        assert!(err.contains("NO_BACKSLASH_ESCAPES"), "{err}");
    }

    #[test]
    fn statements_name_the_account_and_the_exact_names() {
        assert_eq!(
            create_user("app", "%"),
            "CREATE USER IF NOT EXISTS 'app'@'%';"
        );
        assert_eq!(
            require_subject("app", "%", "/CN=app", "/CN=CA"),
            "ALTER USER 'app'@'%' REQUIRE SUBJECT '/CN=app' AND ISSUER '/CN=CA';"
        );
    }
}
