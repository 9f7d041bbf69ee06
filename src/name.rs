//! Names: subjects in the OpenSSL slash form of the recipes and in RFC 4514,
//! typed subjectAltNames, and the `X509_NAME_oneline` strings MySQL and MariaDB
//! compare in `REQUIRE SUBJECT ... AND ISSUER ...`.

use std::fmt;
use std::net::IpAddr;

use rcgen::{DistinguishedName, DnType, DnValue, SanType};
use x509_parser::x509::X509Name;

use crate::error::{Error, Result};

/// How an attribute's value is encoded, following OpenSSL's defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StringKind {
    Utf8,
    Printable,
    Ia5,
}

/// One attribute type certgen accepts in a subject.
#[derive(Debug, PartialEq, Eq)]
pub struct AttrType {
    /// The short name OpenSSL prints (`CN`, `emailAddress`, ...).
    pub short: &'static str,
    long: &'static str,
    oid: &'static [u64],
    kind: StringKind,
    max_len: usize,
}

const fn attr(
    short: &'static str,
    long: &'static str,
    oid: &'static [u64],
    kind: StringKind,
    max_len: usize,
) -> AttrType {
    AttrType {
        short,
        long,
        oid,
        kind,
        max_len,
    }
}

/// Upper bounds are RFC 5280's (ub-common-name 64 and so on).
static ATTRS: &[AttrType] = &[
    attr("C", "countryName", &[2, 5, 4, 6], StringKind::Printable, 2),
    attr(
        "ST",
        "stateOrProvinceName",
        &[2, 5, 4, 8],
        StringKind::Utf8,
        128,
    ),
    attr("L", "localityName", &[2, 5, 4, 7], StringKind::Utf8, 128),
    attr(
        "O",
        "organizationName",
        &[2, 5, 4, 10],
        StringKind::Utf8,
        64,
    ),
    attr(
        "OU",
        "organizationalUnitName",
        &[2, 5, 4, 11],
        StringKind::Utf8,
        64,
    ),
    attr("CN", "commonName", &[2, 5, 4, 3], StringKind::Utf8, 64),
    attr(
        "emailAddress",
        "email",
        &[1, 2, 840, 113549, 1, 9, 1],
        StringKind::Ia5,
        255,
    ),
    attr(
        "DC",
        "domainComponent",
        &[0, 9, 2342, 19200300, 100, 1, 25],
        StringKind::Ia5,
        63,
    ),
    attr(
        "serialNumber",
        "serialNumber",
        &[2, 5, 4, 5],
        StringKind::Printable,
        64,
    ),
    attr(
        "street",
        "streetAddress",
        &[2, 5, 4, 9],
        StringKind::Utf8,
        128,
    ),
    attr("title", "title", &[2, 5, 4, 12], StringKind::Utf8, 64),
    attr("GN", "givenName", &[2, 5, 4, 42], StringKind::Utf8, 64),
    attr("SN", "surname", &[2, 5, 4, 4], StringKind::Utf8, 64),
    attr(
        "UID",
        "userId",
        &[0, 9, 2342, 19200300, 100, 1, 1],
        StringKind::Utf8,
        64,
    ),
    attr(
        "postalCode",
        "postalCode",
        &[2, 5, 4, 17],
        StringKind::Utf8,
        40,
    ),
];

fn attr_by_name(name: &str) -> Option<&'static AttrType> {
    ATTRS.iter().find(|a| {
        a.short.eq_ignore_ascii_case(name)
            || a.long.eq_ignore_ascii_case(name)
            || (a.short == "emailAddress" && name.eq_ignore_ascii_case("E"))
    })
}

fn attr_by_oid(oid: &[u64]) -> Option<&'static AttrType> {
    ATTRS.iter().find(|a| a.oid == oid)
}

/// A distinguished name, attributes in certificate order (most general first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subject {
    attrs: Vec<(&'static AttrType, String)>,
}

impl Subject {
    /// A subject with only a common name.
    pub fn from_cn(cn: &str) -> Result<Self> {
        let mut s = Subject::default();
        s.push("commonName", cn, "common name", cn)?;
        Ok(s)
    }

    /// Parses `/C=US/O=x/CN=y` (OpenSSL `-subj`) or `CN=y,O=x,C=US` (RFC 4514).
    pub fn parse(input: &str) -> Result<Self> {
        let invalid = |reason: String| Error::InvalidName {
            what: "subject",
            value: input.to_string(),
            reason,
        };
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(invalid("it holds no attributes".into()));
        }
        let parts = if let Some(rest) = trimmed.strip_prefix('/') {
            let mut parts = split_unescaped(rest, '/').map_err(invalid)?;
            if parts.last().is_some_and(|p| p.is_empty()) {
                parts.pop(); // a trailing slash, as some recipes have
            }
            for part in &parts {
                if split_unescaped(part, '+').map_err(invalid)?.len() > 1 {
                    return Err(invalid(MULTI_VALUED.into()));
                }
            }
            parts
        } else {
            let mut parts = split_unescaped(trimmed, ',').map_err(invalid)?;
            parts.reverse(); // RFC 4514 lists the most specific RDN first
            parts
        };
        let mut subject = Subject::default();
        for part in &parts {
            let (key, value) = split_attr(part).map_err(invalid)?;
            subject.push(&key, &value, "subject", input)?;
        }
        if subject.attrs.is_empty() {
            return Err(invalid("it holds no attributes".into()));
        }
        Ok(subject)
    }

    /// Adds one attribute; errors name `input` as the invalid `what`.
    fn push(&mut self, key: &str, value: &str, what: &'static str, input: &str) -> Result<()> {
        let invalid = |reason: String| Error::InvalidName {
            what,
            value: input.to_string(),
            reason,
        };
        let known = || ATTRS.iter().map(|a| a.short).collect::<Vec<_>>().join(", ");
        let attr = attr_by_name(key.trim()).ok_or_else(|| {
            invalid(format!(
                "unknown attribute \"{}\" (known: {})",
                key.trim(),
                known()
            ))
        })?;
        if value.is_empty() {
            return Err(invalid(format!("{} has an empty value", attr.short)));
        }
        if value.chars().count() > attr.max_len {
            return Err(invalid(format!(
                "{} is {} characters long, the limit is {}",
                attr.short,
                value.chars().count(),
                attr.max_len
            )));
        }
        if let Some(c) = value.chars().find(|c| c.is_control()) {
            return Err(invalid(format!(
                "{} holds {}",
                attr.short,
                describe_char(c)
            )));
        }
        match attr.kind {
            StringKind::Printable if !value.chars().all(is_printable_string_char) => {
                return Err(invalid(format!(
                    "{} may hold only letters, digits, spaces and '()+,-./:=?",
                    attr.short
                )));
            }
            StringKind::Ia5 if !value.is_ascii() => {
                return Err(invalid(format!("{} must be ASCII", attr.short)));
            }
            _ => {}
        }
        if attr.short == "C"
            && !(value.len() == 2 && value.chars().all(|c| c.is_ascii_alphabetic()))
        {
            return Err(invalid(format!(
                "C must be a two-letter country code, not \"{value}\""
            )));
        }
        if self.attrs.iter().any(|(a, _)| std::ptr::eq(*a, attr)) {
            return Err(invalid(format!(
                "{} appears twice; certgen writes one value per attribute",
                attr.short
            )));
        }
        self.attrs.push((attr, value.to_string()));
        Ok(())
    }

    /// Reads a subject from a parsed name (a CSR's, say). Only attributes
    /// certgen knows are accepted, so nothing unexpected is copied into a
    /// certificate.
    pub fn from_x509(name: &X509Name<'_>) -> Result<Self> {
        let mut subject = Subject::default();
        let text = oneline(name);
        for rdn in name.iter() {
            if rdn.iter().count() > 1 {
                return Err(Error::InvalidName {
                    what: "subject",
                    value: text.clone(),
                    reason: "it holds a multi-valued RDN, which certgen cannot issue".into(),
                });
            }
            for atv in rdn.iter() {
                let oid: Vec<u64> = atv
                    .attr_type()
                    .iter()
                    .map(|i| i.collect())
                    .unwrap_or_default();
                let attr = attr_by_oid(&oid).ok_or_else(|| Error::InvalidName {
                    what: "subject",
                    value: text.clone(),
                    reason: format!("unknown attribute {}", atv.attr_type().to_id_string()),
                })?;
                let value = atv.as_str().map_err(|_| Error::InvalidName {
                    what: "subject",
                    value: text.clone(),
                    reason: format!("{} is not a text string", attr.short),
                })?;
                subject.push(attr.short, value, "subject", &text)?;
            }
        }
        Ok(subject)
    }

    /// Whether a certificate name holds the same attributes and values,
    /// compared as OpenSSL does when it matches issuer to subject (ignoring case).
    pub fn same_as(&self, name: &X509Name<'_>) -> bool {
        let theirs: Vec<(Vec<u64>, String)> = name
            .iter_attributes()
            .map(|atv| {
                let oid = atv
                    .attr_type()
                    .iter()
                    .map(|i| i.collect())
                    .unwrap_or_default();
                (oid, atv.as_str().unwrap_or("").to_lowercase())
            })
            .collect();
        let ours: Vec<(Vec<u64>, String)> = self
            .attrs
            .iter()
            .map(|(a, v)| (a.oid.to_vec(), v.to_lowercase()))
            .collect();
        ours == theirs
    }

    /// Whether two subjects are the same name by the rule of [`Subject::same_as`].
    pub fn same_subject(&self, other: &Subject) -> bool {
        self.attrs.len() == other.attrs.len()
            && self
                .attrs
                .iter()
                .zip(&other.attrs)
                .all(|((a, v), (b, w))| a.oid == b.oid && v.to_lowercase() == w.to_lowercase())
    }

    /// The common name, if any.
    pub fn common_name(&self) -> Option<&str> {
        self.get("CN")
    }

    /// The value of an attribute by its short name.
    pub fn get(&self, short: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(a, _)| a.short == short)
            .map(|(_, v)| v.as_str())
    }

    /// Sets (or replaces) the common name, keeping it last as OpenSSL does.
    pub fn set_common_name(&mut self, cn: &str) -> Result<()> {
        self.attrs.retain(|(a, _)| a.short != "CN");
        self.push("CN", cn, "common name", cn)
    }

    /// The subject in rcgen's form, string types chosen as OpenSSL does.
    pub fn to_rcgen(&self) -> Result<DistinguishedName> {
        let mut dn = DistinguishedName::new();
        for (attr, value) in &self.attrs {
            let v = match attr.kind {
                StringKind::Utf8 => DnValue::Utf8String(value.clone()),
                StringKind::Printable => DnValue::PrintableString(
                    value.as_str().try_into().map_err(rcgen_name_error(value))?,
                ),
                StringKind::Ia5 => {
                    DnValue::Ia5String(value.as_str().try_into().map_err(rcgen_name_error(value))?)
                }
            };
            dn.push(DnType::from_oid(attr.oid), v);
        }
        Ok(dn)
    }
}

fn rcgen_name_error(value: &str) -> impl FnOnce(rcgen::Error) -> Error + '_ {
    move |source| Error::NameEncoding {
        value: value.to_string(),
        source,
    }
}

/// The slash form `--subject` reads back: `\`, `/` and `+` in values are
/// escaped (for the string the server compares, see [`oneline`]).
impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (attr, value) in &self.attrs {
            write!(
                f,
                "/{}={}",
                attr.short,
                value
                    .replace('\\', "\\\\")
                    .replace('/', "\\/")
                    .replace('+', "\\+")
            )?;
        }
        Ok(())
    }
}

/// Why `/OU=a+OU=b` is refused: OpenSSL's `-subj` reads the `+` as the start
/// of another attribute of the same RDN, and rcgen writes one attribute per RDN,
/// so certgen would issue a different name than the one asked for.
const MULTI_VALUED: &str = "a + starts another attribute of the same RDN (a multi-valued RDN, \
     as openssl req -subj reads it), which certgen cannot issue; \
     write a + that belongs to the value as \\+";

fn is_printable_string_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c)
}

/// Splits at unescaped separators, keeping escapes for `split_attr` to resolve.
fn split_unescaped(s: &str, sep: char) -> std::result::Result<Vec<String>, String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars
                    .next()
                    .ok_or_else(|| "it ends with a lone backslash".to_string())?;
                current.push('\\');
                current.push(next);
            }
            c if c == sep => parts.push(std::mem::take(&mut current)),
            '+' if sep == ',' => {
                return Err("multi-valued RDNs ('+') are not supported; escape it as \\+".into());
            }
            c => current.push(c),
        }
    }
    parts.push(current);
    Ok(parts)
}

/// Splits `KEY=VALUE` at the first unescaped `=` and resolves escapes in the value.
fn split_attr(part: &str) -> std::result::Result<(String, String), String> {
    let mut key = String::new();
    let mut chars = part.chars();
    loop {
        match chars.next() {
            Some('=') => break,
            Some('\\') => return Err(format!("an escape in the attribute name of \"{part}\"")),
            Some(c) => key.push(c),
            None if part.is_empty() => return Err("an empty component".into()),
            None => return Err(format!("\"{part}\" is not of the form KEY=VALUE")),
        }
    }
    let raw: String = chars.collect();
    if raw.starts_with('#') {
        return Err(format!(
            "hex-encoded value of {} is not supported",
            key.trim()
        ));
    }
    Ok((key.trim().to_string(), unescape(&raw)?))
}

fn unescape(raw: &str) -> std::result::Result<String, String> {
    let mut out = Vec::with_capacity(raw.len());
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| {
                std::str::from_utf8(h)
                    .ok()
                    .filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()))
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            });
            match hex {
                Some(b) => {
                    out.push(b);
                    i += 3;
                }
                None => {
                    // split_unescaped guarantees a character follows.
                    let c = raw[i + 1..].chars().next().unwrap_or('\\');
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    i += 1 + c.len_utf8();
                }
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "a \\HH escape makes invalid UTF-8".to_string())
}

/// Formats a certificate name exactly as OpenSSL's `X509_NAME_oneline` does,
/// which is the string MySQL and MariaDB compare for `REQUIRE SUBJECT/ISSUER`:
/// each RDN starts with `/`, the further attributes of a multi-valued RDN
/// with `+`; a `/` or `+` inside a value is escaped with a backslash, and
/// bytes outside printable ASCII are written `\xHH` (UTF-8 byte by byte).
pub fn oneline(name: &X509Name<'_>) -> String {
    let mut out = String::new();
    for rdn in name.iter() {
        for (i, atv) in rdn.iter().enumerate() {
            out.push(if i == 0 { '/' } else { '+' });
            let oid: Vec<u64> = atv
                .attr_type()
                .iter()
                .map(|i| i.collect())
                .unwrap_or_default();
            match openssl_short_name(&oid) {
                Some(short) => out.push_str(short),
                None => out.push_str(&atv.attr_type().to_id_string()),
            }
            out.push('=');
            for &b in atv.attr_value().data {
                match b {
                    b'/' | b'+' => {
                        out.push('\\');
                        out.push(b as char);
                    }
                    b' '..=b'~' => out.push(b as char),
                    _ => out.push_str(&format!("\\x{b:02X}")),
                }
            }
        }
    }
    out
}

/// The name OpenSSL prints for an attribute type (`OBJ_nid2sn`): certgen's
/// own attributes, then the others OpenSSL knows, so that certificates made
/// elsewhere read as `openssl x509 -subject` shows them.
fn openssl_short_name(oid: &[u64]) -> Option<&'static str> {
    attr_by_oid(oid)
        .map(|a| a.short)
        .or_else(|| OTHER_NAMES.iter().find(|(o, _)| *o == oid).map(|(_, n)| *n))
}

/// Name attributes OpenSSL knows by name that certgen does not issue.
static OTHER_NAMES: &[(&[u64], &str)] = &[
    (&[2, 5, 4, 1], "aliasedObjectName"),
    (&[2, 5, 4, 2], "knowledgeInformation"),
    (&[2, 5, 4, 13], "description"),
    (&[2, 5, 4, 15], "businessCategory"),
    (&[2, 5, 4, 16], "postalAddress"),
    (&[2, 5, 4, 18], "postOfficeBox"),
    (&[2, 5, 4, 19], "physicalDeliveryOfficeName"),
    (&[2, 5, 4, 20], "telephoneNumber"),
    (&[2, 5, 4, 26], "registeredAddress"),
    (&[2, 5, 4, 41], "name"),
    (&[2, 5, 4, 43], "initials"),
    (&[2, 5, 4, 44], "generationQualifier"),
    (&[2, 5, 4, 45], "x500UniqueIdentifier"),
    (&[2, 5, 4, 46], "dnQualifier"),
    (&[2, 5, 4, 51], "houseIdentifier"),
    (&[2, 5, 4, 54], "dmdName"),
    (&[2, 5, 4, 65], "pseudonym"),
    (&[2, 5, 4, 72], "role"),
    (&[2, 5, 4, 97], "organizationIdentifier"),
    (&[2, 5, 4, 98], "c3"),
    (&[2, 5, 4, 99], "n3"),
    (&[2, 5, 4, 100], "dnsName"),
    (&[1, 2, 840, 113549, 1, 9, 2], "unstructuredName"),
    (&[1, 2, 840, 113549, 1, 9, 8], "unstructuredAddress"),
    (&[0, 9, 2342, 19200300, 100, 1, 3], "mail"),
    (&[1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 1], "jurisdictionL"),
    (&[1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 2], "jurisdictionST"),
    (&[1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 3], "jurisdictionC"),
];

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

/// A character as a person reads it in a message: `a quote (')`, `a space`,
/// `the character "#"`, `the character U+202E` for what would not show.
pub fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".into(),
        '\t' => "a tab".into(),
        '\n' => "a line break".into(),
        '\'' => "a quote (')".into(),
        '"' => "a double quote (\")".into(),
        '/' => "a slash (/)".into(),
        '\\' => "a backslash (\\)".into(),
        c if c.is_ascii_graphic() || (c.is_alphanumeric() && !c.is_ascii()) => {
            format!("the character \"{c}\"")
        }
        c => format!("the character U+{:04X}", u32::from(c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slash_form_from_the_recipes() {
        let s =
            Subject::parse("/C=US/ST=CA/L=San Francisco/O=MemSQL/CN=memsql.ssl.test.ca").unwrap();
        assert_eq!(
            s.to_string(),
            "/C=US/ST=CA/L=San Francisco/O=MemSQL/CN=memsql.ssl.test.ca"
        );
        assert_eq!(s.common_name(), Some("memsql.ssl.test.ca"));
    }

    #[test]
    fn slash_form_escapes() {
        let s = Subject::parse(r"/O=A\/B/CN=x\\y").unwrap();
        assert_eq!(s.get("O"), Some("A/B"));
        assert_eq!(s.get("CN"), Some(r"x\y"));
        assert_eq!(Subject::parse(&s.to_string()).unwrap(), s);
    }

    #[test]
    fn rfc4514_is_reversed_into_certificate_order() {
        let s = Subject::parse(r"CN=app,O=Acme\, Inc.,C=DE").unwrap();
        assert_eq!(s.to_string(), "/C=DE/O=Acme, Inc./CN=app");
        let s = Subject::parse(r"CN=caf\C3\A9").unwrap();
        assert_eq!(s.common_name(), Some("café"));
    }

    #[test]
    fn bad_subjects_say_what_is_wrong() {
        for (input, needle) in [
            ("/C=US/XX=1/CN=a", "unknown attribute \"XX\""),
            ("/C=USA/CN=a", "limit is 2"),
            ("/C=U1/CN=a", "two-letter"),
            ("/CN=", "empty value"),
            ("/CN=a/CN=b", "appears twice"),
            ("/CNa", "KEY=VALUE"),
            ("CN=a+O=b", "multi-valued"),
            ("", "no attributes"),
            ("/CN=a\\", "lone backslash"),
        ] {
            let err = Subject::parse(input).unwrap_err().to_string();
            assert!(err.contains(needle), "{input:?}: {err}");
        }
        let long = format!("/CN={}", "a".repeat(65));
        assert!(
            Subject::parse(&long)
                .unwrap_err()
                .to_string()
                .contains("limit is 64")
        );
    }

    /// DER of a Name from RDNs of (OID, UTF8String value) attributes.
    fn name_der(rdns: &[&[(&[u8], &str)]]) -> Vec<u8> {
        fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
            assert!(body.len() < 128);
            let mut v = vec![tag, body.len() as u8];
            v.extend_from_slice(body);
            v
        }
        let mut seq = Vec::new();
        for rdn in rdns {
            let mut set = Vec::new();
            for (oid, value) in *rdn {
                let mut atv = tlv(0x06, oid);
                atv.extend(tlv(0x0c, value.as_bytes()));
                set.extend(tlv(0x30, &atv));
            }
            seq.extend(tlv(0x31, &set));
        }
        tlv(0x30, &seq)
    }

    fn oneline_of(rdns: &[&[(&[u8], &str)]]) -> String {
        use x509_parser::prelude::FromDer;
        let der = name_der(rdns);
        let (_, name) = X509Name::from_der(&der).unwrap();
        oneline(&name)
    }

    const O: &[u8] = &[0x55, 0x04, 0x0a];
    const OU: &[u8] = &[0x55, 0x04, 0x0b];
    const CN: &[u8] = &[0x55, 0x04, 0x03];

    #[test]
    fn oneline_escapes_slash_and_plus_as_openssl_does() {
        // What `openssl x509 -noout -subject -nameopt compat` prints, and what
        // MariaDB compares with REQUIRE SUBJECT.
        assert_eq!(
            oneline_of(&[&[(O, "a/b+c")], &[(CN, r"u\v é")]]),
            r"/O=a\/b\+c/CN=u\v \xC3\xA9"
        );
    }

    #[test]
    fn oneline_joins_a_multi_valued_rdn_with_plus() {
        assert_eq!(
            oneline_of(&[&[(OU, "x"), (OU, "y")], &[(CN, "u")]]),
            "/OU=x+OU=y/CN=u"
        );
    }

    #[test]
    fn oneline_names_attributes_as_openssl_does() {
        let org_id: &[u8] = &[0x55, 0x04, 0x61];
        let jurisdiction_c: &[u8] = &[
            0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x3c, 0x02, 0x01, 0x03,
        ];
        let unknown: &[u8] = &[0x2a, 0x03, 0x04];
        assert_eq!(
            oneline_of(&[
                &[(org_id, "VATDE-1")],
                &[(jurisdiction_c, "DE")],
                &[(unknown, "x")]
            ]),
            "/organizationIdentifier=VATDE-1/jurisdictionC=DE/1.2.3.4=x"
        );
    }

    #[test]
    fn plus_in_the_slash_form_is_refused_unless_escaped() {
        // openssl req -subj reads /OU=a+OU=b as one RDN of two attributes;
        // certgen must not issue OU="a+OU=b" instead.
        for input in ["/OU=a+OU=b/CN=x", "/O=a+b"] {
            let err = Subject::parse(input).unwrap_err().to_string();
            assert!(err.contains("multi-valued RDN"), "{input}: {err}");
        }
        let s = Subject::parse(r"/O=a\+b\/c/CN=x").unwrap();
        assert_eq!(s.get("O"), Some("a+b/c"));
        assert_eq!(s.to_string(), r"/O=a\+b\/c/CN=x");
        assert_eq!(Subject::parse(&s.to_string()).unwrap(), s);
    }

    #[test]
    fn a_multi_valued_rdn_from_a_csr_is_refused() {
        use x509_parser::prelude::FromDer;
        let der = name_der(&[&[(OU, "x"), (OU, "y")], &[(CN, "u")]]);
        let (_, name) = X509Name::from_der(&der).unwrap();
        let err = Subject::from_x509(&name).unwrap_err().to_string();
        assert!(err.contains("multi-valued RDN"), "{err}");
    }

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

    #[test]
    fn characters_are_named_as_people_read_them() {
        assert_eq!(describe_char('\''), "a quote (')");
        assert_eq!(describe_char('_'), "the character \"_\"");
        assert_eq!(describe_char('é'), "the character \"é\"");
        assert_eq!(describe_char('\u{1b}'), "the character U+001B");
        assert_eq!(describe_char('\u{202e}'), "the character U+202E");
        let err = San::parse("a_b.com").unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid subjectAltName \"a_b.com\": the character \"_\" is not allowed in a DNS name"
        );
        let err = Subject::parse("/CN=a\tb").unwrap_err().to_string();
        assert!(err.ends_with(": CN holds a tab"), "{err}");
        let err = Subject::from_cn("").unwrap_err().to_string();
        assert_eq!(err, "invalid common name \"\": CN has an empty value");
    }
}
