//! How a connection starts TLS, what it is asked to do, and what a server
//! served.

use std::time::Duration;

/// How to start TLS, as asked on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Starttls {
    /// By the port: 3306, 3307 and 9306 speak MySQL, 5432 PostgreSQL, any
    /// other port plain TLS.
    Auto,
    Mysql,
    Postgres,
    /// Plain TLS from the first byte.
    None,
}

/// How TLS was started on a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// TLS from the first byte.
    Tls,
    /// The MySQL protocol's SSLRequest after the server's greeting.
    Mysql,
    /// PostgreSQL's SSLRequest.
    Postgres,
}

impl Starttls {
    /// The protocol to use on `port`.
    pub fn protocol(self, port: u16) -> Protocol {
        match self {
            Starttls::Mysql => Protocol::Mysql,
            Starttls::Postgres => Protocol::Postgres,
            Starttls::None => Protocol::Tls,
            Starttls::Auto => match port {
                3306 | 3307 | 9306 => Protocol::Mysql,
                5432 => Protocol::Postgres,
                _ => Protocol::Tls,
            },
        }
    }
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Tls => "tls",
            Protocol::Mysql => "mysql",
            Protocol::Postgres => "postgres",
        }
    }
}

/// How to connect.
#[derive(Clone, Debug)]
pub struct Options {
    pub starttls: Starttls,
    /// The name sent in the TLS server_name extension; `None` sends the
    /// target's host when it is a DNS name, and no name for an IP address.
    pub sni: Option<String>,
    /// For the TCP connection, and again for the handshake (STARTTLS and TLS).
    pub timeout: Duration,
}

impl Options {
    /// How a deployment's confirmation and a fleet's status connect: the
    /// protocol by the port or the server's answer, no SNI beyond the
    /// host, 10 s to connect and again for the handshake.
    pub fn confirming() -> Options {
        Options {
            starttls: Starttls::Auto,
            sni: None,
            timeout: std::time::Duration::from_secs(10),
        }
    }
}

/// What a server served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Served {
    pub protocol: Protocol,
    /// DER certificates, the leaf first, as the server sent them.
    pub chain: Vec<Vec<u8>>,
}
