//! MySQL and MariaDB: the `[mysqld]` and `[client]` option-file settings, and
//! the SQL that ties an account to its certificate with the exact
//! `X509_NAME_oneline` strings the server compares.

use std::path::{Path, PathBuf};

use crate::issue::LeafIssued;
use crate::store::{CA_CERT, CLIENT_CERT, CLIENT_KEY, SERVER_CERT, SERVER_KEY};

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

    /// The client setting that makes it check the server's certificate and name.
    fn verify_server(self) -> &'static str {
        match self {
            Flavor::Mariadb => "ssl-verify-server-cert",
            Flavor::Mysql => "ssl-mode = VERIFY_IDENTITY",
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
pub fn check_account_part(what: &'static str, s: &str) -> crate::Result<()> {
    if s.contains('\\') {
        return Err(crate::Error::InvalidName {
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

/// The statement that pins a user's account to the certificate of `leaf`.
pub fn require_bundle(leaf: &LeafIssued, host: &str) -> String {
    let c = &leaf.issued.cert;
    require_subject(&leaf.name, host, &c.subject, &c.issuer)
}

/// The server settings, the first user's client settings, and the SQL for
/// every user, as `setup` prints them; `crl` is the CRL the server checks
/// client certificates against, when there is one. Paths are made absolute.
pub fn setup_text(
    flavor: Flavor,
    server: &LeafIssued,
    users: &[LeafIssued],
    sql_host: &str,
    crl: Option<&Path>,
) -> String {
    let sdir = absolute(&server.dir);
    let mut t = String::new();
    let mut line = |s: String| {
        t.push_str(&s);
        t.push('\n');
    };
    line(format!(
        "# Server settings, e.g. in {}/90-tls.cnf",
        flavor.conf_dir()
    ));
    line(format!(
        "# (mysqld must be able to read the key: chown mysql {})",
        sdir.join(SERVER_KEY).display()
    ));
    line("[mysqld]".into());
    line(format!("ssl_ca = {}", sdir.join(CA_CERT).display()));
    line(format!("ssl_cert = {}", sdir.join(SERVER_CERT).display()));
    line(format!("ssl_key = {}", sdir.join(SERVER_KEY).display()));
    if let Some(crl) = crl {
        line(format!("ssl_crl = {}", absolute(crl).display()));
    }
    line("require_secure_transport = ON".into());
    line("tls_version = TLSv1.2,TLSv1.3".into());
    if let Some(first) = users.first() {
        let udir = absolute(&first.dir);
        line(String::new());
        line(format!("# Client settings for {} (~/.my.cnf)", first.name));
        line("[client]".into());
        line(format!("ssl-ca = {}", udir.join(CA_CERT).display()));
        line(format!("ssl-cert = {}", udir.join(CLIENT_CERT).display()));
        line(format!("ssl-key = {}", udir.join(CLIENT_KEY).display()));
        line(flavor.verify_server().into());
        line(String::new());
        line("-- SQL: accounts that log in only with their certificate".into());
        for user in users {
            line(create_user(&user.name, sql_host));
            line(require_bundle(user, sql_host));
        }
    }
    t
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

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
