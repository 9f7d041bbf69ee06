//! JDBC: MySQL Connector/J and MariaDB Connector/J for the MySQL protocol,
//! pgJDBC for PostgreSQL, with the files `certgen keystore` writes (named
//! by [`crate::keystore`]): Java drivers read a client key from a PKCS#12
//! keystore (Connector/J, MariaDB Connector/J) or as PKCS#8 DER (pgJDBC
//! before 42.7.9 reads no PEM key). Each is a URL of the server and database, and connection
//! properties (which could equally be the URL's parameters); the keystore
//! password is the application's to supply, never printed.
//!
//! Property names as the drivers document them: Connector/J's `sslMode`,
//! `trustCertificateKeyStoreUrl`/`Type`/`Password` and
//! `clientCertificateKeyStoreUrl`/`Type`/`Password`
//! (<https://dev.mysql.com/doc/connector-j/en/connector-j-connp-props-security.html>);
//! MariaDB Connector/J's `sslMode` (3.x; 2.x's `useSsl`, which 3.x reads as
//! `verify-full`), `serverSslCert` (a PEM file), `keyStore`, `keyStoreType`
//! and `keyStorePassword`
//! (<https://mariadb.com/docs/connectors/mariadb-connector-j/about-mariadb-connector-j/connection-parameters>);
//! pgJDBC's `sslmode`, `sslrootcert`, `sslcert` and `sslkey`
//! (<https://jdbc.postgresql.org/documentation/use/#connection-parameters>).

use super::super::settings::{ClientKind, Driver, Setting};
use super::conn::{Conn, Protocol};
use super::literal::{file_url, percent, string};
use crate::keystore::{KEYSTORE, TRUSTSTORE, pk8_name};
use crate::kind::Kind;

/// The Java parameter the snippet takes the keystore password as.
const PASSWORD: &str = "keystorePassword";

/// The drivers for `conn`, when it names the directory of its keystores.
pub fn drivers(conn: &Conn<'_>) -> Vec<Driver> {
    let Some(dir) = conn.keystore_dir else {
        return Vec::new();
    };
    let file = |name: &str| format!("{}/{name}", dir.trim_end_matches('/'));
    match conn.protocol {
        Protocol::Mysql => vec![
            driver(
                conn,
                "mysql:mysql-connector-j",
                "MySQL Connector/J",
                format!(
                    "jdbc:mysql://{}/{}",
                    conn.host_port(),
                    percent(conn.database.unwrap_or_default(), false)
                ),
                vec![
                    Setting::new("user", conn.user),
                    Setting::new("sslMode", "VERIFY_IDENTITY"),
                    Setting::new("trustCertificateKeyStoreUrl", file_url(&file(TRUSTSTORE))),
                    Setting::new("trustCertificateKeyStoreType", "PKCS12"),
                    password("trustCertificateKeyStorePassword"),
                    Setting::new("clientCertificateKeyStoreUrl", file_url(&file(KEYSTORE))),
                    Setting::new("clientCertificateKeyStoreType", "PKCS12"),
                    password("clientCertificateKeyStorePassword"),
                ],
            ),
            driver(
                conn,
                "org.mariadb.jdbc:mariadb-java-client",
                "MariaDB Connector/J",
                format!(
                    "jdbc:mariadb://{}/{}",
                    conn.host_port(),
                    conn.database.unwrap_or_default()
                ),
                vec![
                    Setting::new("user", conn.user),
                    Setting::new("sslMode", "verify-full"),
                    Setting::new("useSsl", "true"),
                    Setting::new("serverSslCert", conn.ca),
                    Setting::new("keyStore", file(KEYSTORE)),
                    Setting::new("keyStoreType", "PKCS12"),
                    password("keyStorePassword"),
                ],
            ),
        ],
        Protocol::Postgres => vec![driver(
            conn,
            "org.postgresql:postgresql",
            "pgJDBC",
            format!(
                "jdbc:postgresql://{}/{}",
                conn.host_port(),
                percent(conn.database.unwrap_or_default(), false)
            ),
            vec![
                Setting::new("user", conn.user),
                Setting::new("sslmode", "verify-full"),
                Setting::new("sslrootcert", conn.ca),
                Setting::new("sslcert", conn.cert),
                Setting::new("sslkey", file(&pk8_name(Kind::User))),
            ],
        )],
    }
}

/// A property whose value is the keystore password.
fn password(name: &str) -> Setting {
    Setting {
        name: name.into(),
        value: None,
    }
}

fn driver(
    conn: &Conn<'_>,
    driver: &'static str,
    title: &'static str,
    url: String,
    settings: Vec<Setting>,
) -> Driver {
    let needs_password = settings.iter().any(|s| s.value.is_none());
    let mut text = String::from(
        "import java.sql.Connection;\n\
         import java.sql.DriverManager;\n\
         import java.sql.SQLException;\n\
         import java.util.Properties;\n\n",
    );
    text.push_str(&format!(
        "/** Connects as {}: the server's certificate is checked against the CA and the\n \
         * server's name, and the user's is presented.",
        conn.user
    ));
    if needs_password {
        text.push_str(" keystorePassword is the password\n * `certgen keystore` was given.");
    }
    text.push_str(" */\n");
    let parameter = if needs_password {
        format!("String {PASSWORD}")
    } else {
        String::new()
    };
    text.push_str(&format!(
        "static Connection connect({parameter}) throws SQLException {{\n    Properties props = new Properties();\n"
    ));
    for s in &settings {
        let value = match &s.value {
            Some(v) => string(v),
            None => PASSWORD.to_string(),
        };
        text.push_str(&format!(
            "    props.setProperty({}, {value});\n",
            string(&s.name)
        ));
    }
    text.push_str(&format!(
        "    return DriverManager.getConnection({}, props);\n}}\n",
        string(&url)
    ));
    Driver {
        user: conn.user.to_string(),
        client: ClientKind::Jdbc,
        driver,
        title,
        language: "java",
        settings,
        connection_string: Some(url),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::super::conn::awkward;
    use super::*;

    #[test]
    fn no_keystore_directory_no_jdbc() {
        let c = Conn {
            keystore_dir: None,
            ..awkward(Protocol::Mysql)
        };
        assert!(drivers(&c).is_empty());
    }

    #[test]
    fn connector_j_reads_the_keystores_by_file_url_and_the_password_is_the_applications() {
        let d = drivers(&awkward(Protocol::Mysql));
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].connection_string.as_deref(),
            Some("jdbc:mysql://db.example.com:3307/")
        );
        assert!(d[0].text.contains(
            "    props.setProperty(\"trustCertificateKeyStoreUrl\", \"file:/srv/ks%20o%27b/truststore.p12\");\n"
        ), "{}", d[0].text);
        assert!(d[0].text.contains(
            "    props.setProperty(\"clientCertificateKeyStorePassword\", keystorePassword);\n"
        ));
        assert!(d[0].text.contains(
            "static Connection connect(String keystorePassword) throws SQLException {\n"
        ));
        assert!(
            d[1].text
                .contains("    props.setProperty(\"keyStore\", \"/srv/ks o'b/keystore.p12\");\n")
        );
        assert!(d[1].text.contains("    props.setProperty(\"serverSslCert\", \"/srv/o'b \\\"q\\\" \\\\x é/ca-cert.pem\");\n"));
    }

    #[test]
    fn pgjdbc_reads_the_pk8_key_and_needs_no_password() {
        let d = drivers(&awkward(Protocol::Postgres));
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].connection_string.as_deref(),
            Some("jdbc:postgresql://db.example.com:5433/%C3%A9%2B1%40x")
        );
        assert!(
            d[0].text
                .contains("    props.setProperty(\"sslkey\", \"/srv/ks o'b/client-key.pk8\");\n")
        );
        assert!(
            d[0].text
                .contains("static Connection connect() throws SQLException {\n")
        );
        assert!(d[0].settings.iter().all(|s| s.value.is_some()));
    }
}
