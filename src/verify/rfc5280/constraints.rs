//! Name constraints (RFC 5280 4.2.1.10 and 6.1.3 b-c) for every name form a
//! TLS or mail certificate carries: dNSName, iPAddress, directoryName (the
//! subject and SAN entries), rfc822Name (SAN entries and the subject's
//! emailAddress) and URI. A name of a form that is constrained but that
//! certgen cannot evaluate is refused rather than let through.

use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, NameConstraints};

use super::dn::Dn;
use crate::cert::alt_name;

/// emailAddress (PKCS #9), the legacy place for a mailbox in the subject.
const EMAIL_ADDRESS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01];

/// Comparisons allowed between one certificate's names and one CA's name
/// constraints, as Chromium bounds them, so a certificate with thousands of
/// names cannot make validation crawl.
pub(crate) const MAX_COMPARISONS: usize = 1 << 20;

/// A name of the certificate being checked.
enum Name<'a> {
    Dns(String),
    Ip(&'a [u8]),
    Dir(Dn),
    Email(String),
    Uri(&'a str),
    /// A form certgen does not evaluate (otherName, x400Address, ...).
    Other(u8),
}

/// Why a name was refused.
pub(crate) enum Violation {
    Outside(String),
    Malformed(&'static str),
    TooMany,
}

/// Checks the certificate's names against each CA's constraints in turn.
pub(crate) fn check(
    cert: &X509Certificate<'_>,
    constraints: &[&NameConstraints<'_>],
) -> Result<(), Violation> {
    if constraints.is_empty() {
        return Ok(());
    }
    let names = names(cert);
    for nc in constraints {
        let permitted = nc.permitted_subtrees.as_deref().unwrap_or_default();
        let excluded = nc.excluded_subtrees.as_deref().unwrap_or_default();
        // Only names and subtrees of the same form are compared.
        let mut subtrees = [0usize; 10];
        for s in permitted.iter().chain(excluded) {
            subtrees[usize::from(form(&s.base))] += 1;
        }
        let cost: usize = names
            .iter()
            .map(|n| subtrees[usize::from(name_form(n))])
            .sum();
        if cost > MAX_COMPARISONS {
            return Err(Violation::TooMany);
        }
        for name in &names {
            let mut same_form = permitted.iter().filter(|s| same(name, &s.base)).peekable();
            if same_form.peek().is_some() {
                let mut any = false;
                for s in same_form {
                    any |= matches(name, &s.base, false)?;
                }
                if !any {
                    return Err(Violation::Outside(describe(name)));
                }
            }
            for s in excluded.iter().filter(|s| same(name, &s.base)) {
                if matches(name, &s.base, true)? {
                    return Err(Violation::Outside(describe(name)));
                }
            }
        }
    }
    Ok(())
}

/// The first dNSName in subjectAltName that is not a host name (a wildcard
/// is allowed as the whole leftmost label).
pub(crate) fn malformed_dns_name<'a>(cert: &'a X509Certificate<'a>) -> Option<&'a str> {
    let san = cert.subject_alternative_name().ok().flatten()?;
    san.value.general_names.iter().find_map(|gn| match gn {
        GeneralName::DNSName(d) if !valid_dns(d) => Some(*d),
        _ => None,
    })
}

fn valid_dns(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    let name = name.strip_prefix("*.").unwrap_or(name);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

fn names<'a>(cert: &'a X509Certificate<'a>) -> Vec<Name<'a>> {
    let mut out = Vec::new();
    let subject = cert.subject();
    if subject.iter_rdn().next().is_some() {
        out.push(Name::Dir(Dn::of(subject)));
    }
    for attr in subject.iter_attributes() {
        if attr.attr_type().as_bytes() == EMAIL_ADDRESS {
            let text = attr.as_str().unwrap_or_default();
            out.push(Name::Email(text.to_string()));
        }
    }
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for gn in &san.value.general_names {
            out.push(match gn {
                GeneralName::DNSName(d) => Name::Dns(d.to_ascii_lowercase()),
                GeneralName::IPAddress(b) => Name::Ip(b),
                GeneralName::DirectoryName(n) => Name::Dir(Dn::of(n)),
                GeneralName::RFC822Name(e) => Name::Email(e.to_string()),
                GeneralName::URI(u) => Name::Uri(u),
                other => Name::Other(form(other)),
            });
        }
    }
    out
}

/// The GeneralName choice number (RFC 5280 4.2.1.6).
fn form(name: &GeneralName<'_>) -> u8 {
    match name {
        GeneralName::OtherName(..) => 0,
        GeneralName::RFC822Name(_) => 1,
        GeneralName::DNSName(_) => 2,
        GeneralName::X400Address(_) => 3,
        GeneralName::DirectoryName(_) => 4,
        GeneralName::EDIPartyName(_) => 5,
        GeneralName::URI(_) => 6,
        GeneralName::IPAddress(_) => 7,
        GeneralName::RegisteredID(_) => 8,
        GeneralName::Invalid(..) => 9,
    }
}

/// The GeneralName choice number of a name being checked.
fn name_form(name: &Name<'_>) -> u8 {
    match name {
        Name::Email(_) => 1,
        Name::Dns(_) => 2,
        Name::Dir(_) => 4,
        Name::Uri(_) => 6,
        Name::Ip(_) => 7,
        Name::Other(f) => *f,
    }
}

fn same(name: &Name<'_>, base: &GeneralName<'_>) -> bool {
    match (name, base) {
        (Name::Dns(_), GeneralName::DNSName(_))
        | (Name::Ip(_), GeneralName::IPAddress(_))
        | (Name::Dir(_), GeneralName::DirectoryName(_))
        | (Name::Email(_), GeneralName::RFC822Name(_))
        | (Name::Uri(_), GeneralName::URI(_)) => true,
        (Name::Other(f), base) => *f == form(base),
        _ => false,
    }
}

/// Whether `name` is inside the subtree `base` of the same form. `excluded`
/// makes doubtful cases (a wildcard that may cover the subtree) count as in.
fn matches(name: &Name<'_>, base: &GeneralName<'_>, excluded: bool) -> Result<bool, Violation> {
    Ok(match (name, base) {
        (Name::Dns(n), GeneralName::DNSName(b)) => dns(n, &dns_base(b)?, excluded),
        (Name::Ip(n), GeneralName::IPAddress(b)) => ip(n, b)?,
        (Name::Dir(n), GeneralName::DirectoryName(b)) => n.within(&Dn::of(b)),
        (Name::Email(n), GeneralName::RFC822Name(b)) => email(n, b).unwrap_or(excluded),
        (Name::Uri(n), GeneralName::URI(b)) => uri_host(n).map_or(excluded, |h| host(&h, b)),
        // Constrained, but not a form certgen evaluates: refuse.
        _ => {
            return Err(Violation::Malformed(
                "a name of a constrained form certgen cannot check",
            ));
        }
    })
}

fn dns_base(base: &str) -> Result<String, Violation> {
    let ok = base
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_');
    if ok {
        Ok(base.to_ascii_lowercase())
    } else {
        Err(Violation::Malformed(
            "a dNSName constraint is not a domain name",
        ))
    }
}

/// dNSName: the base and every name under it (a leading dot means only
/// names under it).
fn dns(name: &str, base: &str, excluded: bool) -> bool {
    let name = name.trim_end_matches('.');
    if base.is_empty() {
        return true;
    }
    if suffix(name, base) {
        return true;
    }
    // `*.example.com` may stand for a name inside an excluded subtree.
    match name.strip_prefix("*.") {
        Some(rest) if excluded => suffix(base.trim_start_matches('.'), rest) && base != rest,
        _ => false,
    }
}

fn suffix(name: &str, base: &str) -> bool {
    if let Some(sub) = base.strip_prefix('.') {
        return name.len() > sub.len() && name.ends_with(base);
    }
    name == base || (name.ends_with(base) && name[..name.len() - base.len()].ends_with('.'))
}

/// iPAddress: address and mask, 8 octets for IPv4, 32 for IPv6.
fn ip(addr: &[u8], base: &[u8]) -> Result<bool, Violation> {
    if base.len() != 8 && base.len() != 32 {
        return Err(Violation::Malformed(
            "an iPAddress constraint is not an address and mask",
        ));
    }
    let (net, mask) = base.split_at(base.len() / 2);
    let bits: Vec<u8> = mask
        .iter()
        .flat_map(|b| (0..8).rev().map(move |i| b >> i & 1))
        .collect();
    if bits.windows(2).any(|w| w[0] < w[1]) {
        return Err(Violation::Malformed(
            "an iPAddress constraint's mask is not a prefix",
        ));
    }
    if addr.len() != net.len() {
        return Ok(false);
    }
    Ok(addr
        .iter()
        .zip(net)
        .zip(mask)
        .all(|((a, n), m)| a & m == n & m))
}

/// rfc822Name: a whole mailbox, every mailbox at a host, or (leading dot)
/// at any host under a domain. Hosts compare case-insensitively.
/// `None` when the mailbox is malformed.
fn email(mailbox: &str, base: &str) -> Option<bool> {
    let (local, domain) = mailbox.rsplit_once('@')?;
    Some(match base.rsplit_once('@') {
        Some((base_local, base_domain)) => {
            local == base_local && domain.eq_ignore_ascii_case(base_domain)
        }
        None => host(domain, base),
    })
}

/// A host against a URI or mail constraint: the host itself, or (leading
/// dot) any host under the domain.
fn host(host: &str, base: &str) -> bool {
    let (host, base) = (host.to_ascii_lowercase(), base.to_ascii_lowercase());
    match base.strip_prefix('.') {
        Some(_) => host.len() > base.len() && host.ends_with(&base),
        None => host == base,
    }
}

/// The host of a URI (`scheme://[userinfo@]host[:port]/...`), if it has one.
fn uri_host(uri: &str) -> Option<String> {
    let (_, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = hostport.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        hostport.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_string())
}

/// The name as every command prints subjectAltNames (`DNS:db.example`).
fn describe(name: &Name<'_>) -> String {
    let general = match name {
        Name::Dns(d) => GeneralName::DNSName(d),
        Name::Ip(b) => GeneralName::IPAddress(b),
        Name::Email(e) => GeneralName::RFC822Name(e),
        Name::Uri(u) => GeneralName::URI(u),
        Name::Dir(_) => return "the subject name".into(),
        Name::Other(_) => return "a name".into(),
    };
    alt_name(&general).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_syntax() {
        assert!(valid_dns("db.example") && valid_dns("*.db.example") && valid_dns("db."));
        assert!(!valid_dns(".example.com") && !valid_dns("a..b") && !valid_dns("*"));
        assert!(!valid_dns("a.*.example") && !valid_dns("-a.example"));
    }

    #[test]
    fn dns_subtrees() {
        assert!(dns("db.example.com", "example.com", false));
        assert!(dns("example.com", "example.com", false));
        assert!(!dns("badexample.com", "example.com", false));
        assert!(!dns("example.com", ".example.com", false));
        assert!(dns("a.example.com", ".example.com", false));
        assert!(dns("*.example.com", "example.com", false));
        assert!(dns("*.example.com", "secret.example.com", true));
        assert!(!dns("*.example.com", "secret.example.com", false));
    }

    #[test]
    fn mail_and_uri_subtrees() {
        assert_eq!(email("Alice@Mail.Example", "mail.example"), Some(true));
        assert_eq!(email("a@x.mail.example", ".mail.example"), Some(true));
        assert_eq!(email("a@mail.example", ".mail.example"), Some(false));
        assert_eq!(email("a@mail.example", "a@MAIL.example"), Some(true));
        assert_eq!(email("b@mail.example", "a@mail.example"), Some(false));
        assert_eq!(email("no-at-sign", "mail.example"), None);
        assert_eq!(
            uri_host("https://u@db.example:5432/x").as_deref(),
            Some("db.example")
        );
        assert_eq!(uri_host("urn:x:y"), None);
        assert!(host("db.example", ".example") && !host("example", ".example"));
    }

    #[test]
    fn names_are_described_as_subject_alt_names_are_printed() {
        assert_eq!(describe(&Name::Dns("db.example".into())), "DNS:db.example");
        assert_eq!(describe(&Name::Ip(&[192, 0, 2, 9])), "IP:192.0.2.9");
        assert_eq!(
            describe(&Name::Ip(&[
                0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5
            ])),
            "IP:fd00::5"
        );
        assert_eq!(
            describe(&Name::Email("a@mail.example".into())),
            "email:a@mail.example"
        );
        assert_eq!(
            describe(&Name::Uri("https://db.example/")),
            "URI:https://db.example/"
        );
        assert_eq!(describe(&Name::Other(0)), "a name");
    }

    #[test]
    fn ip_subtrees() {
        let net = [192, 0, 2, 0, 255, 255, 255, 0];
        assert!(ip(&[192, 0, 2, 9], &net).is_ok_and(|m| m));
        assert!(ip(&[192, 0, 3, 9], &net).is_ok_and(|m| !m));
        assert!(ip(&[192, 0, 2, 9], &[192, 0, 2, 0, 255, 0, 255, 0]).is_err());
    }
}
