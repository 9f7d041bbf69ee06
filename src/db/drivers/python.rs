//! Python: PyMySQL and psycopg (3), each connecting with keyword arguments.
//!
//! Names as the drivers document them: PyMySQL's `ssl_ca`, `ssl_cert`,
//! `ssl_key`, `ssl_verify_cert` and `ssl_verify_identity`
//! (<https://pymysql.readthedocs.io/en/latest/modules/connections.html>);
//! psycopg passes its keywords to libpq
//! (<https://www.psycopg.org/psycopg3/docs/api/connections.html#psycopg.Connection.connect>).

use super::super::settings::{ClientKind, Driver, Setting};
use super::cli::libpq_settings;
use super::conn::{Conn, Protocol};
use super::literal::string;

pub fn driver(conn: &Conn<'_>) -> Driver {
    // (name, value, whether Python reads it as a string)
    let args: Vec<(String, String, bool)> = match conn.protocol {
        Protocol::Mysql => {
            let mut args = vec![
                ("host", conn.host.to_string(), true),
                ("port", conn.port.to_string(), false),
                ("user", conn.user.to_string(), true),
            ];
            if let Some(db) = conn.database {
                args.push(("database", db.to_string(), true));
            }
            args.extend([
                ("ssl_ca", conn.ca.to_string(), true),
                ("ssl_cert", conn.cert.to_string(), true),
                ("ssl_key", conn.key.to_string(), true),
                ("ssl_verify_cert", "True".into(), false),
                ("ssl_verify_identity", "True".into(), false),
            ]);
            args.into_iter()
                .map(|(n, v, q)| (n.to_string(), v, q))
                .collect()
        }
        Protocol::Postgres => libpq_settings(conn)
            .into_iter()
            .map(|s| {
                let quoted = s.name != "port";
                (s.name, s.value.unwrap_or_default(), quoted)
            })
            .collect(),
    };
    let (driver, title, module) = match conn.protocol {
        Protocol::Mysql => ("PyMySQL", "Python PyMySQL", "pymysql"),
        Protocol::Postgres => ("psycopg", "Python psycopg", "psycopg"),
    };
    let mut text = format!("import {module}\n\nconn = {module}.connect(\n");
    let mut settings = Vec::new();
    for (name, value, quoted) in args {
        let written = if quoted {
            string(&value)
        } else {
            value.clone()
        };
        text.push_str(&format!("    {name}={written},\n"));
        settings.push(Setting::new(&name, value));
    }
    text.push_str(")\n");
    Driver {
        user: conn.user.to_string(),
        client: ClientKind::Python,
        driver,
        title,
        language: "python",
        settings,
        connection_string: None,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::super::conn::awkward;
    use super::*;

    #[test]
    fn pymysql_checks_the_certificate_and_the_name() {
        let d = driver(&awkward(Protocol::Mysql));
        assert_eq!(
            d.text,
            "import pymysql\n\nconn = pymysql.connect(\n    host=\"db.example.com\",\n    port=3307,\n    \
             user=\"é+1@x\",\n    ssl_ca=\"/srv/o'b \\\"q\\\" \\\\x é/ca-cert.pem\",\n    \
             ssl_cert=\"/srv/o'b \\\"q\\\" \\\\x é/client-cert.pem\",\n    \
             ssl_key=\"/srv/o'b \\\"q\\\" \\\\x é/client-key.pem\",\n    ssl_verify_cert=True,\n    \
             ssl_verify_identity=True,\n)\n"
        );
    }

    #[test]
    fn psycopg_takes_libpqs_keywords() {
        let d = driver(&awkward(Protocol::Postgres));
        assert!(d.text.starts_with("import psycopg\n\nconn = psycopg.connect(\n    host=\"db.example.com\",\n    port=5433,\n"));
        assert!(
            d.text
                .contains("    dbname=\"é+1@x\",\n    sslmode=\"verify-full\",\n")
        );
    }
}
