//! What takes a retired user's certificate requirement off their account,
//! as data: the statements for MySQL, MariaDB and SingleStore (the same
//! three: `REQUIRE NONE`, or dropping the account), and for PostgreSQL the
//! `pg_hba.conf` lines `config` printed for the user, to delete. Manticore
//! has no accounts.
//!
//! Names are quoted as the rest of certgen's SQL and `pg_hba.conf` lines
//! quote them ([`super::mysql::quote`], [`super::postgres::hba_user`]), so
//! that the statements name the very account `config` and `issue-client`
//! set up, quotes and non-ASCII characters included.

use serde::Serialize;

use super::database::Database;
use super::mysql::{check_account_part, quote};
use super::postgres::hba_lines;
use crate::error::Result;

/// The databases whose accounts the SQL statements change.
pub const SQL_DATABASES: [Database; 3] =
    [Database::Mysql, Database::Mariadb, Database::Singlestore];

/// What removes the certificate requirement of `user`'s account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Release {
    pub user: String,
    /// The host part of the account in the statements.
    pub sql_host: String,
    /// MySQL, MariaDB and SingleStore: the account no longer needs a
    /// certificate (nor TLS); it logs in as its other settings allow.
    pub require_none: String,
    /// Or the account goes altogether.
    pub drop_user: String,
    /// PostgreSQL: the `pg_hba.conf` lines that let the user in with a
    /// certificate, to delete before `SELECT pg_reload_conf();`.
    pub hba_lines: Vec<String>,
}

/// The statements and `pg_hba.conf` lines for `user`'s account at
/// `sql_host`. A host with a backslash is refused, as everywhere certgen
/// prints an account: the statement would mean different accounts with
/// and without `sql_mode` `NO_BACKSLASH_ESCAPES`.
pub fn release(user: &str, sql_host: &str) -> Result<Release> {
    check_account_part("SQL host", sql_host)?;
    check_account_part("user", user)?;
    let account = format!("{}@{}", quote(user), quote(sql_host));
    Ok(Release {
        user: user.to_string(),
        sql_host: sql_host.to_string(),
        require_none: format!("ALTER USER {account} REQUIRE NONE;"),
        drop_user: format!("DROP USER {account};"),
        hba_lines: hba_lines(user)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_is_named_as_config_names_it() {
        let r = release("app", "%").unwrap();
        assert_eq!(r.require_none, "ALTER USER 'app'@'%' REQUIRE NONE;");
        assert_eq!(r.drop_user, "DROP USER 'app'@'%';");
        assert_eq!(
            r.hba_lines,
            [
                "hostssl all \"app\" 0.0.0.0/0 cert clientcert=verify-full",
                "hostssl all \"app\" ::/0 cert clientcert=verify-full"
            ]
        );
        // The lines to delete are the ones `config postgres` printed.
        assert_eq!(r.hba_lines, hba_lines("app").unwrap());
    }

    #[test]
    fn quotes_are_doubled_and_other_characters_kept() {
        let r = release("Zoë+1@corp", "o'host.example").unwrap();
        assert_eq!(
            r.require_none,
            "ALTER USER 'Zoë+1@corp'@'o''host.example' REQUIRE NONE;"
        );
        assert_eq!(r.drop_user, "DROP USER 'Zoë+1@corp'@'o''host.example';");
        assert!(r.hba_lines[0].starts_with("hostssl all \"Zoë+1@corp\" "));
        // A leading + or @ is a group or a file to pg_hba.conf unless quoted.
        assert!(release("+admins", "%").unwrap().hba_lines[0].contains("\"+admins\""));
    }

    #[test]
    fn a_backslash_in_the_account_is_refused() {
        let err = release("app", r"10.0.0.\%").unwrap_err().to_string();
        assert!(err.contains("NO_BACKSLASH_ESCAPES"), "{err}");
        assert!(release(r"a\b", "%").is_err());
    }
}
