//! The command-line clients and libpq's strings: `psql` with a keyword/value
//! connection string, the same string for any libpq program, and libpq's
//! URI. (The `mysql` and `mariadb` commands come with their option-file
//! groups, from the databases' own modules.)
//!
//! Keywords as libpq documents them
//! (<https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS>),
//! and the URI form with percent-encoded parts
//! (<https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS>).

use super::super::settings::{ClientKind, Driver, Setting};
use super::super::text::shell_quote;
use super::conn::Conn;
use super::literal::{conninfo_value, percent};

/// libpq's keywords and values for `conn`, in the order they are written.
pub fn libpq_settings(conn: &Conn<'_>) -> Vec<Setting> {
    let mut settings = vec![
        Setting::new("host", conn.host),
        Setting::new("port", conn.port.to_string()),
        Setting::new("user", conn.user),
    ];
    if let Some(db) = conn.database {
        settings.push(Setting::new("dbname", db));
    }
    settings.extend([
        Setting::new("sslmode", "verify-full"),
        Setting::new("sslrootcert", conn.ca),
        Setting::new("sslcert", conn.cert),
        Setting::new("sslkey", conn.key),
    ]);
    settings
}

/// The keyword/value connection string.
pub fn conninfo(conn: &Conn<'_>) -> String {
    libpq_settings(conn)
        .iter()
        .map(|s| {
            format!(
                "{}={}",
                s.name,
                conninfo_value(s.value.as_deref().unwrap_or_default())
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The URI: user, host and database in its parts, the rest as query
/// parameters, each percent-encoded.
pub fn uri(conn: &Conn<'_>) -> String {
    let host = if conn.host.contains(':') {
        conn.url_host()
    } else {
        percent(conn.host, false)
    };
    let mut uri = format!(
        "postgresql://{}@{host}:{}/",
        percent(conn.user, false),
        conn.port
    );
    if let Some(db) = conn.database {
        uri.push_str(&percent(db, false));
    }
    let query: Vec<String> = [
        ("sslmode", "verify-full"),
        ("sslrootcert", conn.ca),
        ("sslcert", conn.cert),
        ("sslkey", conn.key),
    ]
    .iter()
    .map(|(k, v)| format!("{k}={}", percent(v, true)))
    .collect();
    format!("{uri}?{}", query.join("&"))
}

/// `psql 'CONNINFO'`.
pub fn psql(conn: &Conn<'_>) -> Driver {
    let conninfo = conninfo(conn);
    Driver {
        user: conn.user.to_string(),
        client: ClientKind::Cli,
        driver: "psql",
        title: "psql",
        language: "shell",
        settings: libpq_settings(conn),
        text: format!("psql {}", shell_quote(&conninfo)),
        connection_string: Some(conninfo),
    }
}

/// libpq's two strings, for any program built on it.
pub fn libpq(conn: &Conn<'_>) -> [Driver; 2] {
    let conninfo = conninfo(conn);
    let uri = uri(conn);
    let entry = |language, text: String| Driver {
        user: conn.user.to_string(),
        client: ClientKind::Libpq,
        driver: "libpq",
        title: match language {
            "uri" => "the libpq URI",
            _ => "the libpq connection string",
        },
        language,
        settings: libpq_settings(conn),
        connection_string: Some(text.clone()),
        text,
    };
    [entry("conninfo", conninfo), entry("uri", uri)]
}

/// The MySQL-family command line: the command a database's module made,
/// whose settings are in the option-file group it reads.
pub fn mysql(conn: &Conn<'_>, driver: &'static str, command: &str) -> Driver {
    Driver {
        user: conn.user.to_string(),
        client: ClientKind::Cli,
        driver,
        title: driver,
        language: "shell",
        settings: Vec::new(),
        connection_string: None,
        text: command.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::conn::{Protocol, awkward};
    use super::*;

    #[test]
    fn uri_parts_are_percent_encoded_and_the_string_quoted() {
        let c = Conn {
            host: "::1",
            database: Some("my db"),
            ..awkward(Protocol::Postgres)
        };
        assert_eq!(
            uri(&c),
            "postgresql://%C3%A9%2B1%40x@[::1]:5433/my%20db?sslmode=verify-full\
             &sslrootcert=/srv/o%27b%20%22q%22%20%5Cx%20%C3%A9/ca-cert.pem\
             &sslcert=/srv/o%27b%20%22q%22%20%5Cx%20%C3%A9/client-cert.pem\
             &sslkey=/srv/o%27b%20%22q%22%20%5Cx%20%C3%A9/client-key.pem"
        );
        assert_eq!(
            conninfo(&c),
            "host=::1 port=5433 user=é+1@x dbname='my db' sslmode=verify-full \
             sslrootcert='/srv/o\\'b \"q\" \\\\x é/ca-cert.pem' \
             sslcert='/srv/o\\'b \"q\" \\\\x é/client-cert.pem' \
             sslkey='/srv/o\\'b \"q\" \\\\x é/client-key.pem'"
        );
        assert!(psql(&c).text.starts_with("psql 'host=::1 port=5433 "));
    }
}
