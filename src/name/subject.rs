//! Subjects: the OpenSSL slash form of the recipes (`/C=US/O=x/CN=y`) and
//! RFC 4514 (`CN=y,O=x,C=US`), checked attribute by attribute.

use std::fmt;

use rcgen::{DistinguishedName, DnType, DnValue};
use x509_parser::x509::X509Name;

use super::attrs::{ATTRS, AttrType, StringKind, attr_by_name, attr_by_oid, rcgen_name_error};
use super::chars::describe_char;
use super::oneline::oneline;
use crate::error::{Error, Result};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::name::oneline::tests::{CN, OU, name_der};

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
}
