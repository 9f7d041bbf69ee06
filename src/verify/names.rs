//! Does the certificate name the host the client connects to?
//!
//! subjectAltName decides, through webpki. A certificate with no DNS name in
//! subjectAltName (the old recipes' kind has no subjectAltName at all) is
//! matched on its subject CN the way OpenSSL-based clients (libmysqlclient,
//! libpq) do, with a warning, because rustls, Go and Java clients will
//! refuse it.

use std::net::IpAddr;

use rustls_pki_types::ServerName;
use x509_parser::certificate::X509Certificate;

use super::report::{Mode, Rejection, Warning, alt_names};
use crate::error::{Error, Result};
use crate::name::San;

/// A host name or IP address to check the certificate against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host {
    text: String,
    name: ServerName<'static>,
}

impl Host {
    /// Parses a DNS name or an IPv4/IPv6 address (brackets allowed around IPv6).
    pub fn parse(text: &str) -> Result<Host> {
        let bare = text
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .unwrap_or(text);
        let name = ServerName::try_from(bare)
            .map_err(|_| Error::InvalidName {
                what: "host",
                value: text.to_string(),
                reason: "not a DNS name or IP address".into(),
            })?
            .to_owned();
        Ok(Host {
            text: bare.to_string(),
            name,
        })
    }

    fn ip(&self) -> Option<IpAddr> {
        match &self.name {
            ServerName::IpAddress(ip) => Some(IpAddr::from(*ip)),
            _ => None,
        }
    }
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Checks the host against the leaf; `ee` is webpki's view when the leaf is v3.
pub(crate) fn check(
    host: &Host,
    leaf: &X509Certificate<'_>,
    ee: Option<&webpki::EndEntityCert<'_>>,
    mode: Mode,
    warnings: &mut Vec<Warning>,
) -> std::result::Result<(), Rejection> {
    // OpenSSL matches a DNS name against the CN when subjectAltName holds
    // no DNS name; an address only ever against subjectAltName.
    let has_dns = alt_names(leaf).iter().any(|n| matches!(n, San::Dns(_)));
    let by_san = has_dns || host.ip().is_some();
    if let Some(ee) = ee
        && by_san
    {
        return ee
            .verify_is_valid_for_subject_name(&host.name)
            .map_err(|_| mismatch(host, leaf));
    }
    if by_san {
        // A leaf only certgen's own validator reads: match the names here.
        let found = alt_names(leaf).iter().any(|n| match (n, host.ip()) {
            (San::Ip(a), Some(ip)) => *a == ip,
            (San::Dns(d), None) => dns_matches(d, &host.text),
            _ => false,
        });
        return if found {
            Ok(())
        } else {
            Err(mismatch(host, leaf))
        };
    }
    if host.ip().is_none() && common_names(leaf).any(|cn| dns_matches(cn, &host.text)) {
        if mode == Mode::Strict {
            return Err(Rejection::StrictClients {
                code: "common-name-match",
                detail: format!("{host} is only in the subject CN, not in subjectAltName"),
            });
        }
        warnings.push(Warning::new(
            "common-name-match",
            format!(
                "{host} matched the subject CN only; rustls, Go and Java clients require it in subjectAltName"
            ),
        ));
        return Ok(());
    }
    Err(mismatch(host, leaf))
}

fn mismatch(host: &Host, leaf: &X509Certificate<'_>) -> Rejection {
    let mut names: Vec<String> = alt_names(leaf).iter().map(ToString::to_string).collect();
    if names.is_empty() {
        names = common_names(leaf).map(|cn| format!("CN:{cn}")).collect();
    }
    Rejection::NameMismatch {
        host: host.to_string(),
        names,
    }
}

fn common_names<'a>(cert: &'a X509Certificate<'_>) -> impl Iterator<Item = &'a str> {
    cert.subject()
        .iter_common_name()
        .filter_map(|cn| cn.as_str().ok())
}

/// RFC 6125 matching: case-insensitive, `*` only as the whole leftmost label.
fn dns_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(rest) => host
            .split_once('.')
            .is_some_and(|(first, tail)| !first.is_empty() && tail == rest && rest.contains('.')),
        None => pattern == host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_cover_one_label() {
        assert!(dns_matches("*.db.example", "a.db.example"));
        assert!(dns_matches("DB.example", "db.EXAMPLE."));
        assert!(!dns_matches("*.db.example", "a.b.db.example"));
        assert!(!dns_matches("*.example", "a.example"));
        assert!(!dns_matches("*.db.example", "db.example"));
    }

    #[test]
    fn hosts_parse() {
        assert!(Host::parse("db.example").is_ok());
        assert_eq!(
            Host::parse("[::1]").unwrap().ip(),
            Some("::1".parse().unwrap())
        );
        assert!(Host::parse("not a host").is_err());
    }
}
