//! Typed subjectAltNames, and the syntax of the DNS names, email addresses
//! and URIs certgen issues.

use std::fmt;
use std::net::IpAddr;

use rcgen::SanType;

use super::attrs::rcgen_name_error;
use super::chars::describe_char;
use crate::error::{Error, Result};

/// A typed subjectAltName.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum San {
    Dns(String),
    Ip(IpAddr),
    Email(String),
    Uri(String),
    /// A directoryName, in `X509_NAME_oneline` form; read from certificates,
    /// never issued.
    DirName(String),
    /// Any other name type (registeredID, otherName, ...), as `TYPE:value`;
    /// read from certificates, never issued.
    Other(String),
}

impl fmt::Display for San {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            San::Dns(d) => write!(f, "DNS:{d}"),
            San::Ip(ip) => write!(f, "IP:{ip}"),
            San::Email(e) => write!(f, "email:{e}"),
            San::Uri(u) => write!(f, "URI:{u}"),
            San::DirName(n) => write!(f, "DirName:{n}"),
            San::Other(o) => f.write_str(o),
        }
    }
}

/// SANs are written in JSON as they are in text: `DNS:db1.example`.
impl serde::Serialize for San {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl San {
    /// Types one value: an IP address, `user@host`, `scheme://...`, or a DNS
    /// name. An explicit `DNS:`, `IP:`, `email:` or `URI:` prefix is honoured.
    pub fn parse(value: &str) -> Result<San> {
        let v = value.trim();
        let invalid = |reason: &str| Error::InvalidName {
            what: "subjectAltName",
            value: v.to_string(),
            reason: reason.to_string(),
        };
        if v.is_empty() {
            return Err(invalid("it is empty"));
        }
        let (prefix, rest) = match v.split_once(':') {
            Some((p, r))
                if ["dns", "ip", "email", "uri"].contains(&p.to_ascii_lowercase().as_str()) =>
            {
                (Some(p.to_ascii_lowercase()), r)
            }
            _ => (None, v),
        };
        let unbracketed = rest
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .unwrap_or(rest);
        let is_uri = rest.contains("://");
        match prefix.as_deref() {
            Some("ip") => unbracketed
                .parse()
                .map(San::Ip)
                .map_err(|_| invalid("not an IPv4 or IPv6 address")),
            Some("email") => check_email(rest)
                .map(|()| San::Email(rest.to_string()))
                .map_err(|r| invalid(&r)),
            Some("uri") => check_uri(rest)
                .map(|()| San::Uri(rest.to_string()))
                .map_err(|r| invalid(&r)),
            Some(_) => check_dns(rest)
                .map(|()| San::Dns(rest.to_string()))
                .map_err(|r| invalid(&r)),
            None => {
                if let Ok(ip) = unbracketed.parse::<IpAddr>() {
                    Ok(San::Ip(ip))
                } else if is_uri {
                    check_uri(rest)
                        .map(|()| San::Uri(rest.to_string()))
                        .map_err(|r| invalid(&r))
                } else if rest.contains('@') {
                    check_email(rest)
                        .map(|()| San::Email(rest.to_string()))
                        .map_err(|r| invalid(&r))
                } else {
                    check_dns(rest)
                        .map(|()| San::Dns(rest.to_string()))
                        .map_err(|r| invalid(&r))
                }
            }
        }
    }

    /// Parses repeatable, comma-separated `--san` values, dropping duplicates.
    pub fn parse_list<S: AsRef<str>>(values: &[S]) -> Result<Vec<San>> {
        let mut out: Vec<San> = Vec::new();
        for value in values {
            for part in value.as_ref().split(',') {
                let san = San::parse(part)?;
                if !out.contains(&san) {
                    out.push(san);
                }
            }
        }
        Ok(out)
    }

    pub(crate) fn to_rcgen(&self) -> Result<SanType> {
        let ia5 = |s: &str| s.try_into().map_err(rcgen_name_error(s));
        Ok(match self {
            San::Dns(d) => SanType::DnsName(ia5(d)?),
            San::Ip(ip) => SanType::IpAddress(*ip),
            San::Email(e) => SanType::Rfc822Name(ia5(e)?),
            San::Uri(u) => SanType::URI(ia5(u)?),
            San::DirName(_) | San::Other(_) => {
                return Err(Error::InvalidName {
                    what: "subjectAltName",
                    value: self.to_string(),
                    reason: "certgen issues DNS, IP, email and URI names only".into(),
                });
            }
        })
    }
}

/// A DNS name as RFC 1123 and the CA/Browser Forum allow it: ASCII labels of
/// letters, digits and inner hyphens; `*` only as the whole leftmost label.
pub fn check_dns(name: &str) -> std::result::Result<(), String> {
    if !name.is_ascii() {
        return Err("not ASCII; write internationalised names in their xn-- form".into());
    }
    if name.len() > 253 {
        return Err("longer than 253 characters".into());
    }
    if name.ends_with('.') {
        return Err("ends with a dot".into());
    }
    let labels: Vec<&str> = name.split('.').collect();
    for (i, label) in labels.iter().enumerate() {
        if *label == "*" && i == 0 {
            if labels.len() < 3 {
                return Err("a wildcard needs at least two labels after it (*.example.com)".into());
            }
            continue;
        }
        if label.contains('*') {
            return Err("a wildcard is allowed only as the whole leftmost label".into());
        }
        if label.is_empty() {
            return Err("has an empty label".into());
        }
        if label.len() > 63 {
            return Err(format!("label \"{label}\" is longer than 63 characters"));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(format!("{} is not allowed in a DNS name", describe_char(c)));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("label \"{label}\" starts or ends with a hyphen"));
        }
    }
    if labels
        .last()
        .is_some_and(|l| l.chars().all(|c| c.is_ascii_digit()))
    {
        return Err("the last label is all digits (an incomplete IP address?)".into());
    }
    Ok(())
}

fn check_email(email: &str) -> std::result::Result<(), String> {
    let (local, domain) = email
        .rsplit_once('@')
        .ok_or_else(|| "an email address needs an @".to_string())?;
    if local.is_empty() || !local.chars().all(|c| c.is_ascii_graphic() && c != '@') {
        return Err("the part before @ is empty or not printable ASCII".into());
    }
    if domain.contains('*') {
        return Err("an email domain cannot hold a wildcard".into());
    }
    check_dns(domain).map_err(|r| format!("the domain {r}"))
}

fn check_uri(uri: &str) -> std::result::Result<(), String> {
    let (scheme, rest) = uri
        .split_once("://")
        .ok_or_else(|| "a URI needs scheme://".to_string())?;
    let mut sc = scheme.chars();
    let scheme_ok = sc.next().is_some_and(|c| c.is_ascii_alphabetic())
        && sc.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !scheme_ok {
        return Err(format!("\"{scheme}\" is not a URI scheme"));
    }
    if rest.is_empty() || !rest.chars().all(|c| c.is_ascii_graphic()) {
        return Err("the part after :// is empty or holds spaces or non-ASCII".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sans_are_typed() {
        let sans = San::parse_list(&[
            "db1.example.com,10.0.0.1",
            "::1",
            "ops@example.com",
            "spiffe://x/y",
            "IP:[fe80::1]",
            "DNS:*.example.com",
        ])
        .unwrap();
        assert_eq!(
            sans.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            [
                "DNS:db1.example.com",
                "IP:10.0.0.1",
                "IP:::1",
                "email:ops@example.com",
                "URI:spiffe://x/y",
                "IP:fe80::1",
                "DNS:*.example.com"
            ]
        );
    }

    #[test]
    fn bad_sans_are_refused() {
        for bad in [
            "a.*.com",
            "*.com",
            "foo*.example.com",
            "-a.com",
            "a..b",
            "a_b.com",
            "10.0.0.256",
            "ex ample.com",
            "bücher.de",
            "@x.com",
            "IP:host",
            "a.com.",
        ] {
            assert!(San::parse(bad).is_err(), "{bad} must be refused");
        }
    }
}
