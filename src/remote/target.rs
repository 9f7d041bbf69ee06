//! `HOST:PORT`, with IPv6 addresses in brackets (`[::1]:5432`), optionally
//! after the protocol that starts TLS there (`mysql://db1:4000`), so that one
//! call can check servers of several kinds on ports `--starttls auto` does
//! not know.

use std::fmt;
use std::net::IpAddr;

use rustls_pki_types::ServerName;

use super::protocol::Protocol;
use crate::error::{Error, Result};

/// A server to connect to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// A DNS name or an IP address, without brackets.
    pub host: String,
    pub port: u16,
    /// Given as `tls://`, `mysql://` or `postgres://`; else `--starttls` decides.
    pub protocol: Option<Protocol>,
}

impl Target {
    pub fn parse(text: &str) -> Result<Target> {
        let bad = |reason: &str| Error::InvalidName {
            what: "target",
            value: text.to_string(),
            reason: reason.to_string(),
        };
        let (protocol, rest) = match text.split_once("://") {
            Some((scheme, rest)) => {
                let protocol = [Protocol::Tls, Protocol::Mysql, Protocol::Postgres]
                    .into_iter()
                    .find(|p| p.name() == scheme)
                    .ok_or_else(|| {
                        bad("expected tls://, mysql:// or postgres:// before HOST:PORT")
                    })?;
                (Some(protocol), rest)
            }
            None => (None, text),
        };
        let text = rest;
        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let (host, port) = rest
                .split_once("]:")
                .ok_or_else(|| bad("expected [IPv6]:PORT"))?;
            if host.parse::<std::net::Ipv6Addr>().is_err() {
                return Err(bad("not an IPv6 address in the brackets"));
            }
            (host, port)
        } else {
            let (host, port) = text
                .rsplit_once(':')
                .ok_or_else(|| bad("expected HOST:PORT"))?;
            if host.contains(':') {
                return Err(bad("write an IPv6 address in brackets: [::1]:PORT"));
            }
            (host, port)
        };
        let port: u16 = port
            .parse()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| bad("the port is not a number from 1 to 65535"))?;
        if host.is_empty() || ServerName::try_from(host).is_err() {
            return Err(bad("the host is not a DNS name or IP address"));
        }
        Ok(Target {
            host: host.to_string(),
            port,
            protocol,
        })
    }

    /// The host as an IP address, when it is one.
    pub fn ip(&self) -> Option<IpAddr> {
        self.host.parse().ok()
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.protocol {
            write!(f, "{}://", p.name())?;
        }
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_ports() {
        for (text, host, port) in [
            ("127.0.0.1:3306", "127.0.0.1", 3306),
            ("db.example:5432", "db.example", 5432),
            ("[::1]:443", "::1", 443),
            ("localhost:1", "localhost", 1),
            ("mysql://db.example:4000", "db.example", 4000),
            ("postgres://[::1]:6432", "::1", 6432),
            ("tls://127.0.0.1:3306", "127.0.0.1", 3306),
        ] {
            let t = Target::parse(text).unwrap();
            assert_eq!((t.host.as_str(), t.port), (host, port), "{text}");
            assert_eq!(t.to_string(), text);
        }
        assert!(Target::parse("[::1]:443").unwrap().ip().is_some());
        assert!(Target::parse("db.example:1").unwrap().ip().is_none());
        assert_eq!(Target::parse("db.example:1").unwrap().protocol, None);
        assert_eq!(
            Target::parse("mysql://db.example:1").unwrap().protocol,
            Some(Protocol::Mysql)
        );
    }

    #[test]
    fn refusals_say_why() {
        for (text, why) in [
            ("db.example", "expected HOST:PORT"),
            ("::1:443", "brackets"),
            ("[::1]443", "expected [IPv6]:PORT"),
            ("[db.example]:443", "IPv6"),
            ("db.example:0", "1 to 65535"),
            ("db.example:65536", "1 to 65535"),
            ("db.example:x", "1 to 65535"),
            (":3306", "not a DNS name"),
            ("bad host:3306", "not a DNS name"),
            (
                "https://db.example:443",
                "expected tls://, mysql:// or postgres://",
            ),
            ("mysql://db.example", "expected HOST:PORT"),
        ] {
            let err = Target::parse(text).unwrap_err().to_string();
            assert!(err.contains(why), "{text}: {err}");
            assert!(err.contains(&format!("\"{text}\"")), "{text}: {err}");
        }
    }
}
