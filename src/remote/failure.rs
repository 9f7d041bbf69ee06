//! Why a server's chain could not be fetched, and in which step.

use std::time::Duration;

/// Why a server's chain could not be fetched.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Failure {
    #[error("cannot resolve {host}: {source}")]
    Resolve {
        host: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{host} resolves to no address")]
    NoAddress { host: String },
    #[error("connection refused")]
    Refused,
    #[error("timeout: no answer within {} s {step}", .after.as_secs_f64())]
    Timeout { step: Step, after: Duration },
    #[error("cannot connect: {0}")]
    Connect(#[source] std::io::Error),
    #[error("connection closed by the server {step}")]
    Closed { step: Step },
    #[error("connection failed {step}: {source}")]
    Io {
        step: Step,
        #[source]
        source: std::io::Error,
    },
    #[error("the server sent more than {limit} bytes {step}")]
    TooMuch { step: Step, limit: usize },
    /// The server's answer to the STARTTLS exchange says no.
    #[error("server does not offer TLS ({detail})")]
    NoTls { detail: &'static str },
    /// The server speaks something else than the protocol expected.
    #[error("not a {protocol} server: {detail}")]
    WrongProtocol {
        protocol: &'static str,
        detail: String,
    },
    /// The server answered the MySQL connection with an error packet.
    #[error("the server refused the connection: {0}")]
    ServerError(String),
    #[error("not TLS: the server answered {0}")]
    NotTls(String),
    /// A MySQL server spoken to as plain TLS: its greeting came first.
    #[error(
        "not TLS: the server answered {0}, a MySQL greeting; check it as mysql://HOST:PORT (or --starttls mysql)"
    )]
    MysqlGreeting(String),
    #[error("handshake failure: {0}")]
    Handshake(String),
}

/// The part of the exchange a failure happened in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Resolve,
    Connect,
    MysqlGreeting,
    PostgresAnswer,
    Handshake,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Step::Resolve => "to resolve the host name",
            Step::Connect => "to connect",
            Step::MysqlGreeting => "while reading the MySQL greeting",
            Step::PostgresAnswer => "while waiting for the answer to PostgreSQL's SSLRequest",
            Step::Handshake => "during the TLS handshake",
        })
    }
}
