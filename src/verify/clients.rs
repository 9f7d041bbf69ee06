//! What the strictest mainstream clients (rustls, Go, Java, browsers) refuse
//! in a chain OpenSSL accepts. By default each finding is a warning naming
//! those clients; with `--strict` the first one is the reason to reject.

use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::x509::X509Version;

use super::report::{Purpose, Rejection, Warning, alt_names};
use crate::name::San;

/// The clients the findings are about.
const STRICT_CLIENTS: &str = "rustls, Go, Java and browser clients";

/// Something the strict clients refuse: a code shared by the warning and
/// the rejection, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Finding {
    pub(crate) code: &'static str,
    pub(crate) what: String,
    /// Whether `--strict` rejects on it; otherwise it stays a warning (a
    /// certificate without subjectAltName fails only the host name check).
    pub(crate) rejects: bool,
}

impl Finding {
    fn new(code: &'static str, what: impl Into<String>) -> Finding {
        Finding {
            code,
            what: what.into(),
            rejects: true,
        }
    }

    /// The default mode's warning.
    pub(crate) fn warning(&self) -> Warning {
        Warning::new(
            self.code,
            format!("{}: {STRICT_CLIENTS} reject it", self.what),
        )
    }

    /// The strict mode's reason.
    pub(crate) fn rejection(&self) -> Rejection {
        Rejection::StrictClients {
            code: self.code,
            detail: self.what.clone(),
        }
    }
}

/// The findings on a validated path, given from the leaf to the root.
pub(crate) fn findings(path: &[&X509Certificate<'_>], purpose: Purpose) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(leaf) = path.first() {
        leaf_findings(leaf, purpose, &mut out);
    }
    for ca in path.iter().skip(1) {
        ca_findings(ca, &mut out);
    }
    out
}

fn leaf_findings(leaf: &X509Certificate<'_>, purpose: Purpose, out: &mut Vec<Finding>) {
    if leaf.version() != X509Version::V3 {
        out.push(Finding::new(
            "v1-certificate",
            "the certificate is X.509 v1 (made by `openssl x509 -req` without extensions); \
             reissue it with certgen to get a v3 certificate with names",
        ));
        return;
    }
    let names = alt_names(leaf);
    if names.is_empty() && purpose == Purpose::Server {
        out.push(Finding {
            rejects: false,
            ..Finding::new(
                "no-subject-alt-name",
                "the certificate has no subjectAltName, so host name checks fail \
                 (OpenSSL-based clients fall back to the CN)",
            )
        });
    }
    if let Some(bad) = names.iter().find_map(|n| match n {
        San::Dns(d) if d.contains('_') => Some(d.clone()),
        _ => None,
    }) {
        out.push(Finding::new(
            "underscore-in-dns-name",
            format!("subjectAltName DNS:{bad} has an underscore, which host names cannot have"),
        ));
    }
    if let Some(wide) = names.iter().find_map(|n| match n {
        San::Dns(d) if wildcard_over_public_suffix(d) => Some(d.clone()),
        _ => None,
    }) {
        out.push(Finding::new(
            "wildcard-over-public-suffix",
            format!(
                "subjectAltName DNS:{wide} is a wildcard over a public suffix, which would \
                 cover every site registered under it"
            ),
        ));
    }
    if matches!(leaf.basic_constraints(), Ok(Some(bc)) if bc.value.ca) {
        out.push(ca_as_leaf());
    }
    extended_key_usage(leaf, out);
}

/// A CA certificate that also names a server or client, as the leaf:
/// RFC 5280 and OpenSSL allow it, the strict clients do not.
pub(crate) fn ca_as_leaf() -> Finding {
    Finding::new(
        "ca-as-leaf",
        "the certificate is a CA certificate (basicConstraints cA=TRUE) in the place of a \
         server or client certificate",
    )
}

/// `*.co.uk`, `*.com`: a wildcard whose remainder is itself a registry's
/// public suffix. As Chromium does, only the ICANN section of Mozilla's
/// Public Suffix List counts: `*.s3.amazonaws.com` (a private entry) is a
/// wildcard every client takes.
fn wildcard_over_public_suffix(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("*.") else {
        return false;
    };
    let rest = rest.trim_end_matches('.').to_ascii_lowercase();
    psl::suffix(rest.as_bytes())
        .is_some_and(|s| s.as_bytes() == rest.as_bytes() && s.typ() == Some(psl::Type::Icann))
}

fn extended_key_usage(leaf: &X509Certificate<'_>, out: &mut Vec<Finding>) {
    let eku = leaf
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::ExtendedKeyUsage(eku) => Some((e.critical, eku)),
            _ => None,
        });
    match eku {
        None => out.push(Finding::new(
            "no-extended-key-usage",
            "the certificate has no extendedKeyUsage naming serverAuth or clientAuth",
        )),
        Some((_, eku)) if eku.any => out.push(Finding::new(
            "any-extended-key-usage",
            "the certificate's extendedKeyUsage is anyExtendedKeyUsage",
        )),
        Some((true, _)) => out.push(Finding::new(
            "critical-extended-key-usage",
            "the certificate's extendedKeyUsage is marked critical",
        )),
        Some(_) => {}
    }
}

fn ca_findings(ca: &X509Certificate<'_>, out: &mut Vec<Finding>) {
    let who = crate::name::oneline(ca.subject());
    for ext in ca.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::PolicyConstraints(_) if !ext.critical => out.push(Finding::new(
                "non-critical-policy-constraints",
                format!("{who} has a non-critical policyConstraints (RFC 5280 4.2.1.11)"),
            )),
            ParsedExtension::NameConstraints(nc) => {
                let subtrees = nc
                    .permitted_subtrees
                    .iter()
                    .chain(nc.excluded_subtrees.iter())
                    .flatten();
                for s in subtrees {
                    if let GeneralName::DNSName(d) = &s.base
                        && d.starts_with('.')
                    {
                        out.push(Finding::new(
                            "malformed-name-constraint",
                            format!(
                                "{who} has a dNSName constraint {d} with a leading period, \
                                 which is not a domain name (RFC 5280 4.2.1.10)"
                            ),
                        ));
                        break;
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wildcard_over_public_suffix;

    #[test]
    fn wildcards_over_public_suffixes_are_found() {
        assert!(wildcard_over_public_suffix("*.co.uk"));
        assert!(wildcard_over_public_suffix("*.com"));
        assert!(wildcard_over_public_suffix("*.CO.UK."));
        assert!(!wildcard_over_public_suffix("*.example.co.uk"));
        assert!(!wildcard_over_public_suffix("*.db.example.com"));
        assert!(!wildcard_over_public_suffix("co.uk"));
        assert!(!wildcard_over_public_suffix("*.s3.amazonaws.com"));
    }
}
