//! Go: go-sql-driver/mysql with a TLS configuration registered under a
//! name (`RegisterTLSConfig`, then `tls=custom` in a DSN or `TLSConfig` in a
//! `mysql.Config`), and pgx with libpq's connection string.
//!
//! As the drivers document them: go-sql-driver/mysql's
//! `RegisterTLSConfig` and `NewConnector`
//! (<https://pkg.go.dev/github.com/go-sql-driver/mysql#RegisterTLSConfig>);
//! pgx's `Connect` parses libpq's keywords, `sslmode=verify-full` included
//! (<https://pkg.go.dev/github.com/jackc/pgx/v5/pgconn#ParseConfig>).
//! The code is indented with spaces, which print the same everywhere
//! (`gofmt` turns them into tabs).

use super::super::settings::{ClientKind, Driver, Setting};
use super::cli::{conninfo, libpq_settings};
use super::conn::{Conn, Protocol};
use super::literal::string;

/// Go's way out of a function on an error.
const RETURN_ERR: [&str; 3] = ["    if err != nil {", "        return nil, err", "    }"];

/// The name the TLS configuration is registered under.
pub const TLS_CONFIG: &str = "custom";

pub fn driver(conn: &Conn<'_>) -> Driver {
    match conn.protocol {
        Protocol::Mysql => mysql(conn),
        Protocol::Postgres => pgx(conn),
    }
}

fn mysql(conn: &Conn<'_>) -> Driver {
    let addr = conn.host_port();
    let mut settings = vec![
        Setting::new("User", conn.user),
        Setting::new("Net", "tcp"),
        Setting::new("Addr", addr.as_str()),
    ];
    let mut fields = vec![
        format!("    cfg.User = {}", string(conn.user)),
        "    cfg.Net = \"tcp\"".to_string(),
        format!("    cfg.Addr = {}", string(&addr)),
    ];
    if let Some(db) = conn.database {
        settings.push(Setting::new("DBName", db));
        fields.push(format!("    cfg.DBName = {}", string(db)));
    }
    settings.extend([
        Setting::new("TLSConfig", TLS_CONFIG),
        Setting::new("RootCAs", conn.ca),
        Setting::new("certFile", conn.cert),
        Setting::new("keyFile", conn.key),
        Setting::new("ServerName", conn.host),
    ]);
    let (ca, cert, key, name) = (
        string(conn.ca),
        string(conn.cert),
        string(conn.key),
        string(TLS_CONFIG),
    );
    let mut lines = vec![
        "import (".to_string(),
        "    \"crypto/tls\"".into(),
        "    \"crypto/x509\"".into(),
        "    \"database/sql\"".into(),
        "    \"errors\"".into(),
        "    \"os\"".into(),
        String::new(),
        "    \"github.com/go-sql-driver/mysql\"".into(),
        ")".into(),
        String::new(),
        format!(
            "// connect opens connections as {}: the server's certificate",
            conn.user
        ),
        "// is checked against the CA and the server's name, and the user's is presented.".into(),
        "func connect() (*sql.DB, error) {".into(),
        format!("    pem, err := os.ReadFile({ca})"),
    ];
    lines.extend(RETURN_ERR.map(String::from));
    lines.extend([
        "    roots := x509.NewCertPool()".to_string(),
        "    if !roots.AppendCertsFromPEM(pem) {".into(),
        "        return nil, errors.New(\"no CA certificate in the CA file\")".into(),
        "    }".into(),
        format!("    cert, err := tls.LoadX509KeyPair({cert}, {key})"),
    ]);
    lines.extend(RETURN_ERR.map(String::from));
    lines.extend([
        format!("    err = mysql.RegisterTLSConfig({name}, &tls.Config{{"),
        "        RootCAs:      roots,".into(),
        "        Certificates: []tls.Certificate{cert},".into(),
        format!("        ServerName:   {},", string(conn.host)),
        "        MinVersion:   tls.VersionTLS12,".into(),
        "    })".into(),
    ]);
    lines.extend(RETURN_ERR.map(String::from));
    lines.push("    cfg := mysql.NewConfig()".into());
    lines.extend(fields);
    lines.extend([
        format!("    cfg.TLSConfig = {name}"),
        "    connector, err := mysql.NewConnector(cfg)".into(),
    ]);
    lines.extend(RETURN_ERR.map(String::from));
    lines.extend([
        "    return sql.OpenDB(connector), nil".to_string(),
        "}".into(),
    ]);
    let text = lines.join("\n") + "\n";
    Driver {
        user: conn.user.to_string(),
        client: ClientKind::Go,
        driver: "github.com/go-sql-driver/mysql",
        title: "Go go-sql-driver/mysql",
        language: "go",
        settings,
        connection_string: dsn(conn),
        text,
    }
}

/// The DSN `sql.Open("mysql", dsn)` takes once the TLS configuration is
/// registered, when the DSN can hold the names: its parser ends the user
/// name at the first `:` and the database name at a `/` or `?`, and
/// unescapes neither.
pub fn dsn(conn: &Conn<'_>) -> Option<String> {
    let db = conn.database.unwrap_or_default();
    if conn.user.contains(':') || db.contains(['/', '?']) {
        return None;
    }
    Some(format!(
        "{}@tcp({})/{db}?tls={TLS_CONFIG}",
        conn.user,
        conn.host_port()
    ))
}

fn pgx(conn: &Conn<'_>) -> Driver {
    let conninfo = conninfo(conn);
    let text = [
        "import (".to_string(),
        "    \"context\"".into(),
        String::new(),
        "    \"github.com/jackc/pgx/v5\"".into(),
        ")".into(),
        String::new(),
        format!(
            "// connect connects as {}: the server's certificate is checked",
            conn.user
        ),
        "// against the CA and the server's name, and the user's is presented.".into(),
        "func connect(ctx context.Context) (*pgx.Conn, error) {".into(),
        format!("    return pgx.Connect(ctx, {})", string(&conninfo)),
        "}".into(),
    ]
    .join("\n")
        + "\n";
    Driver {
        user: conn.user.to_string(),
        client: ClientKind::Go,
        driver: "github.com/jackc/pgx",
        title: "Go pgx",
        language: "go",
        settings: libpq_settings(conn),
        connection_string: Some(conninfo),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::super::conn::awkward;
    use super::*;

    #[test]
    fn mysql_registers_a_tls_config_and_names_it() {
        let d = driver(&awkward(Protocol::Mysql));
        assert!(d.text.contains("    cert, err := tls.LoadX509KeyPair(\"/srv/o'b \\\"q\\\" \\\\x é/client-cert.pem\", "), "{}", d.text);
        assert!(
            d.text
                .contains("    err = mysql.RegisterTLSConfig(\"custom\", &tls.Config{\n")
        );
        assert!(
            d.text
                .contains("        ServerName:   \"db.example.com\",\n")
        );
        assert!(d.text.contains("    cfg.User = \"é+1@x\"\n    cfg.Net = \"tcp\"\n    cfg.Addr = \"db.example.com:3307\"\n"));
        assert_eq!(
            d.connection_string.as_deref(),
            Some("é+1@x@tcp(db.example.com:3307)/?tls=custom")
        );
    }

    #[test]
    fn a_dsn_is_left_out_when_its_parser_would_cut_a_name() {
        let c = Conn {
            user: "a:b",
            ..awkward(Protocol::Mysql)
        };
        assert_eq!(dsn(&c), None);
        let c = Conn {
            host: "::1",
            database: Some("db"),
            ..awkward(Protocol::Mysql)
        };
        assert_eq!(
            dsn(&c).as_deref(),
            Some("é+1@x@tcp([::1]:3307)/db?tls=custom")
        );
    }

    #[test]
    fn pgx_takes_the_libpq_string() {
        let d = driver(&awkward(Protocol::Postgres));
        let conninfo = d.connection_string.clone().unwrap();
        assert!(d.text.contains(&format!(
            "    return pgx.Connect(ctx, {})\n",
            string(&conninfo)
        )));
    }
}
