//! Node.js: `mysql2`, which the MemSQL guide connects with, and `pg`. Both
//! hand `ssl` to Node's `tls.connect`, which takes the PEM contents, not
//! paths: the snippet reads each file.
//!
//! Option names as the drivers document them: mysql2's `ssl` with `ca`,
//! `cert`, `key`, `rejectUnauthorized` and `verifyIdentity`, without which
//! it does not check the server's name
//! (<https://sidorares.github.io/node-mysql2/docs/examples/connections/create-connection#ssl>);
//! pg's `ssl`, passed to `tls.connect`, which checks the name
//! (<https://node-postgres.com/features/ssl>).

use super::super::settings::{ClientKind, Driver, Setting};
use super::conn::{Conn, Protocol};
use super::literal::string;

/// A value as the snippet writes it.
enum Value<'a> {
    Text(&'a str),
    Number(u16),
    True,
    /// The contents of the file at this path.
    File(&'a str),
}

fn write(v: &Value<'_>) -> String {
    match v {
        Value::Text(s) => string(s),
        Value::Number(n) => n.to_string(),
        Value::True => "true".into(),
        Value::File(p) => format!("fs.readFileSync({})", string(p)),
    }
}

fn raw(v: &Value<'_>) -> String {
    match v {
        Value::Text(s) | Value::File(s) => s.to_string(),
        Value::Number(n) => n.to_string(),
        Value::True => "true".into(),
    }
}

pub fn driver(conn: &Conn<'_>) -> Driver {
    let top = vec![
        ("host", Value::Text(conn.host)),
        ("port", Value::Number(conn.port)),
        ("user", Value::Text(conn.user)),
    ];
    let mut top = top;
    if let Some(db) = conn.database {
        top.push(("database", Value::Text(db)));
    }
    let mut ssl = vec![
        ("ca", Value::File(conn.ca)),
        ("cert", Value::File(conn.cert)),
        ("key", Value::File(conn.key)),
        ("rejectUnauthorized", Value::True),
    ];
    let (driver, title, head, tail) = match conn.protocol {
        Protocol::Mysql => {
            ssl.push(("verifyIdentity", Value::True));
            (
                "mysql2",
                "Node.js mysql2",
                "const mysql = require(\"mysql2\");\n\nconst connection = mysql.createConnection({\n",
                "});\n",
            )
        }
        Protocol::Postgres => (
            "pg",
            "Node.js pg",
            "const { Client } = require(\"pg\");\n\nconst client = new Client({\n",
            "});\n",
        ),
    };
    let mut settings = Vec::new();
    let mut text = format!("const fs = require(\"fs\");\n{head}");
    for (name, value) in &top {
        text.push_str(&format!("  {name}: {},\n", write(value)));
        settings.push(Setting::new(name, raw(value)));
    }
    text.push_str("  ssl: {\n");
    for (name, value) in &ssl {
        text.push_str(&format!("    {name}: {},\n", write(value)));
        settings.push(Setting::new(&format!("ssl.{name}"), raw(value)));
    }
    text.push_str("  },\n");
    text.push_str(tail);
    Driver {
        user: conn.user.to_string(),
        client: ClientKind::Node,
        driver,
        title,
        language: "javascript",
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
    fn mysql2_verifies_the_name_and_reads_the_pem_files() {
        let d = driver(&awkward(Protocol::Mysql));
        assert_eq!(d.driver, "mysql2");
        assert!(d.text.contains("const connection = mysql.createConnection({\n  host: \"db.example.com\",\n  port: 3307,\n  user: \"é+1@x\",\n  ssl: {\n"), "{}", d.text);
        assert!(
            d.text
                .contains("    ca: fs.readFileSync(\"/srv/o'b \\\"q\\\" \\\\x é/ca-cert.pem\"),\n")
        );
        assert!(
            d.text
                .contains("    rejectUnauthorized: true,\n    verifyIdentity: true,\n  },\n});\n")
        );
        let names: Vec<&str> = d.settings.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "host",
                "port",
                "user",
                "ssl.ca",
                "ssl.cert",
                "ssl.key",
                "ssl.rejectUnauthorized",
                "ssl.verifyIdentity"
            ]
        );
    }

    #[test]
    fn pg_names_the_database() {
        let d = driver(&awkward(Protocol::Postgres));
        assert_eq!(d.driver, "pg");
        assert!(d.text.contains("const client = new Client({\n"));
        assert!(d.text.contains("  database: \"é+1@x\",\n"));
        assert!(!d.text.contains("verifyIdentity"));
    }
}
