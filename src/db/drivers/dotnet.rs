//! .NET: MySqlConnector and Npgsql, each with a connection string of PEM
//! files (MySqlConnector reads them on every platform; Npgsql 6 and later
//! on .NET 5 and later).
//!
//! Option names as the drivers document them: MySqlConnector's `SslMode`,
//! `SslCa`, `SslCert`, `SslKey`
//! (<https://mysqlconnector.net/connection-options/>); Npgsql's `SSL Mode`,
//! `Root Certificate`, `SSL Certificate`, `SSL Key`
//! (<https://www.npgsql.org/doc/connection-string-parameters.html>).

use super::super::settings::{ClientKind, Driver, Setting};
use super::conn::{Conn, Protocol};
use super::literal::{ado_value, string};

pub fn driver(conn: &Conn<'_>) -> Driver {
    let port = conn.port.to_string();
    let (driver, title, class, names) = match conn.protocol {
        Protocol::Mysql => (
            "MySqlConnector",
            ".NET MySqlConnector",
            "MySqlConnection",
            [
                "Server", "Port", "User ID", "Database", "SslMode", "SslCa", "SslCert", "SslKey",
            ],
        ),
        Protocol::Postgres => (
            "Npgsql",
            ".NET Npgsql",
            "NpgsqlConnection",
            [
                "Host",
                "Port",
                "Username",
                "Database",
                "SSL Mode",
                "Root Certificate",
                "SSL Certificate",
                "SSL Key",
            ],
        ),
    };
    let values = [
        Some(conn.host),
        Some(port.as_str()),
        Some(conn.user),
        conn.database,
        Some("VerifyFull"),
        Some(conn.ca),
        Some(conn.cert),
        Some(conn.key),
    ];
    let settings: Vec<Setting> = names
        .iter()
        .zip(values)
        .filter_map(|(name, value)| value.map(|v| Setting::new(name, v)))
        .collect();
    let connection_string = settings
        .iter()
        .map(|s| {
            format!(
                "{}={}",
                s.name,
                ado_value(s.value.as_deref().unwrap_or_default())
            )
        })
        .collect::<Vec<_>>()
        .join(";");
    Driver {
        user: conn.user.to_string(),
        client: ClientKind::Dotnet,
        driver,
        title,
        language: "csharp",
        settings,
        text: format!(
            "using {driver};\n\nvar connection = new {class}({});\n",
            string(&connection_string)
        ),
        connection_string: Some(connection_string),
    }
}

#[cfg(test)]
mod tests {
    use super::super::conn::awkward;
    use super::*;

    #[test]
    fn connection_strings_quote_what_is_not_plain() {
        let d = driver(&awkward(Protocol::Mysql));
        assert_eq!(
            d.connection_string.as_deref(),
            Some(
                "Server=db.example.com;Port=3307;User ID=é+1@x;SslMode=VerifyFull;\
                 SslCa=\"/srv/o'b \"\"q\"\" \\x é/ca-cert.pem\";\
                 SslCert=\"/srv/o'b \"\"q\"\" \\x é/client-cert.pem\";\
                 SslKey=\"/srv/o'b \"\"q\"\" \\x é/client-key.pem\""
            )
        );
        assert!(d.text.starts_with(
            "using MySqlConnector;\n\nvar connection = new MySqlConnection(\"Server=db.example.com;"
        ));
        let d = driver(&awkward(Protocol::Postgres));
        assert!(d.connection_string.unwrap().starts_with(
            "Host=db.example.com;Port=5433;Username=é+1@x;Database=é+1@x;SSL Mode=VerifyFull;Root Certificate="
        ));
    }
}
