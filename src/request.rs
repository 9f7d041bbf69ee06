//! What to issue, from the plain values a command was given: subjects with
//! their CN defaults, subjectAltNames merged from names and requests without
//! duplicates, the profile, and the validity (the profile's default unless
//! given). Every check a request can fail on its own happens here, before
//! anything is written.

use std::path::PathBuf;

use time::Duration;

use crate::bundle::check_name as check_bundle_name;
use crate::ca::CertRequest;
use crate::csr::Csr;
use crate::error::{Error, Result};
use crate::name::{San, Subject};
use crate::profile::Profile;

/// A server certificate named `name`: CN=`name` unless `subject` holds a CN;
/// `name` itself is a SAN when it is a DNS name or an IP address, followed by
/// `extra_sans` (repeatable, comma-separated values as `--san` takes them).
/// `client_auth` adds clientAuth for cluster nodes that connect to each other.
pub fn server(
    name: &str,
    subject: Option<&str>,
    extra_sans: &[impl AsRef<str>],
    validity: Option<Duration>,
    client_auth: bool,
) -> Result<CertRequest> {
    let subj = self::subject(Some(name), subject)?;
    let mut sans = Vec::new();
    if let Ok(san @ (San::Dns(_) | San::Ip(_))) = San::parse(name) {
        sans.push(san);
    }
    merge(&mut sans, San::parse_list(extra_sans)?);
    if sans.is_empty() {
        return Err(Error::NoServerName {
            name: name.to_string(),
        });
    }
    let profile = if client_auth {
        Profile::ServerClient
    } else {
        Profile::Server
    };
    Ok(CertRequest {
        subject: subj,
        sans,
        profile,
        validity: validity.unwrap_or(profile.default_validity()),
    })
}

/// The subject attributes shared by client certificates (`/O=Example`): it
/// must not hold a CN, since each certificate's CN is its user's name.
pub fn client_subject(subject: Option<&str>) -> Result<Option<Subject>> {
    let base = subject.map(Subject::parse).transpose()?;
    if base.as_ref().is_some_and(|b| b.common_name().is_some()) {
        return Err(Error::CnInClientSubject);
    }
    Ok(base)
}

/// A client certificate for the database user `user`: CN=`user` added to
/// `base` (from [`client_subject`]), with `sans` (an email address, say).
pub fn client(
    user: &str,
    base: Option<&Subject>,
    sans: &[San],
    validity: Option<Duration>,
) -> Result<CertRequest> {
    let mut subject = base.cloned().unwrap_or_default();
    subject.set_common_name(user)?;
    Ok(CertRequest {
        subject,
        sans: sans.to_vec(),
        profile: Profile::Client,
        validity: validity.unwrap_or(Profile::Client.default_validity()),
    })
}

/// What to sign for a checked CSR: its subject, its SANs followed by
/// `extra_sans`, and for a server profile without any name the CSR's CN as a
/// SAN when it is a valid one (the recipes put the host name in the CN;
/// modern clients read only the SAN).
pub fn from_csr(
    csr: &Csr,
    profile: Profile,
    extra_sans: &[impl AsRef<str>],
    validity: Option<Duration>,
) -> Result<CertRequest> {
    let mut sans = csr.sans.clone();
    merge(&mut sans, San::parse_list(extra_sans)?);
    if sans.is_empty() && profile != Profile::Client {
        match csr.subject.common_name().map(San::parse) {
            Some(Ok(san)) => sans.push(san),
            _ => return Err(Error::CsrWithoutNames),
        }
    }
    // A certificate with an empty subject and no subjectAltName names no
    // one: `openssl verify -x509_strict` refuses it ("Subject name empty").
    if sans.is_empty() && csr.subject == Subject::default() {
        return Err(Error::CsrNamesNoOne);
    }
    Ok(CertRequest {
        subject: csr.subject.clone(),
        sans,
        profile,
        validity: validity.unwrap_or(profile.default_validity()),
    })
}

/// A subject from `--subject` (slash or RFC 4514 form) and `--cn`: a CN
/// written in the full subject wins, and `cn` is the CN only when it has
/// none. The one rule for `init-ca` and `csr`, so that a CN in a subject
/// copied from a recipe is never silently replaced.
pub fn subject(cn: Option<&str>, subject: Option<&str>) -> Result<Subject> {
    let mut subj = subject.map(Subject::parse).transpose()?.unwrap_or_default();
    if let Some(cn) = cn
        && subj.common_name().is_none()
    {
        subj.set_common_name(cn)?;
    }
    Ok(subj)
}

/// A CA's subject by the rule of [`subject`]; `cn` always has a value (the
/// default CA name).
pub fn ca_subject(cn: &str, subj: Option<&str>) -> Result<Subject> {
    subject(Some(cn), subj)
}

/// What `csr` asks an outside CA for.
#[derive(Clone, Debug)]
pub struct CsrRequest {
    pub subject: Subject,
    pub sans: Vec<San>,
}

/// A request for an outside CA: the subject by the rule of [`subject`] and
/// the SANs `sans` (repeatable, comma-separated values as `--san` takes
/// them). A subject without a CN is allowed: the SANs may name the server.
pub fn csr(cn: Option<&str>, subj: Option<&str>, sans: &[impl AsRef<str>]) -> Result<CsrRequest> {
    Ok(CsrRequest {
        subject: subject(cn, subj)?,
        sans: San::parse_list(sans)?,
    })
}

/// The files `csr` writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsrFiles {
    pub key: PathBuf,
    pub request: PathBuf,
}

impl CsrRequest {
    /// The files to write: `key` and `request` when given, else `CN-key.pem`
    /// and `CN-req.pem` in the current directory, as the openssl recipes
    /// name them. A CN that a bundle name could not be (a `/`, a leading
    /// dot) names no file: it is refused only when a default is needed.
    pub fn files(&self, key: Option<PathBuf>, request: Option<PathBuf>) -> Result<CsrFiles> {
        let default = |suffix: &str| -> Result<PathBuf> {
            let Some(cn) = self.subject.common_name() else {
                return Err(Error::InvalidName {
                    what: "subject",
                    value: self.subject.to_string(),
                    reason: "it has no CN to name the key and request files after".into(),
                });
            };
            check_bundle_name(cn).map_err(|e| Error::InvalidName {
                what: "CN",
                value: cn.to_string(),
                reason: match e {
                    Error::InvalidName { reason, .. } => {
                        format!("it cannot name the key and request files: {reason}")
                    }
                    other => other.to_string(),
                },
            })?;
            Ok(PathBuf::from(format!("{cn}-{suffix}.pem")))
        };
        Ok(CsrFiles {
            key: key.map_or_else(|| default("key"), Ok)?,
            request: request.map_or_else(|| default("req"), Ok)?,
        })
    }
}

/// The server `setup` issues for `hosts`: the first names its bundle, the
/// others are SANs, and `localhost` brings the loopback addresses clients
/// reach it by.
pub fn setup_server(hosts: &[impl AsRef<str>]) -> Result<CertRequest> {
    let hosts: Vec<&str> = hosts.iter().map(AsRef::as_ref).collect();
    if let Some(empty) = hosts.iter().find(|h| h.trim().is_empty()) {
        return Err(Error::InvalidName {
            what: "host name",
            value: empty.to_string(),
            reason: "it is empty".into(),
        });
    }
    let Some((first, rest)) = hosts.split_first() else {
        return Err(Error::InvalidName {
            what: "host name",
            value: String::new(),
            reason: "no host given".into(),
        });
    };
    let mut extra: Vec<&str> = rest.to_vec();
    if hosts.iter().any(|h| h.eq_ignore_ascii_case("localhost")) {
        extra.extend(["127.0.0.1", "::1"]);
    }
    server(first, None, &extra, None, false)
}

/// Appends the names of `more` that `sans` does not hold yet, in order.
fn merge(sans: &mut Vec<San>, more: Vec<San>) {
    for san in more {
        if !sans.contains(&san) {
            sans.push(san);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(req: &CertRequest) -> Vec<String> {
        req.sans.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_client_csr_that_names_no_one_is_refused() {
        let csr = |subject: Subject, sans: Vec<San>| Csr {
            subject,
            sans,
            spki: Vec::new(),
            key: crate::keys::KeyInfo {
                algorithm: crate::keys::KeyAlgorithm::Ed25519,
                bits: 256,
            },
        };
        let none: [&str; 0] = [];
        let empty = csr(Subject::default(), Vec::new());
        assert!(matches!(
            from_csr(&empty, Profile::Client, &none, None),
            Err(Error::CsrNamesNoOne)
        ));
        // A name from --san, or a subject, is enough.
        assert!(from_csr(&empty, Profile::Client, &["alice@db.example"], None).is_ok());
        let named = csr(Subject::from_cn("alice").unwrap(), Vec::new());
        assert!(from_csr(&named, Profile::Client, &none, None).is_ok());
    }

    #[test]
    fn a_server_is_named_by_its_name_and_its_sans_once_each() {
        let req = server(
            "db1.example",
            None,
            &["db1.example,10.0.0.1", "::1"],
            None,
            false,
        )
        .unwrap();
        assert_eq!(names(&req), ["DNS:db1.example", "IP:10.0.0.1", "IP:::1"]);
        assert_eq!(req.subject.to_string(), "/CN=db1.example");
        assert_eq!(req.profile, Profile::Server);
        assert_eq!(req.validity, Profile::Server.default_validity());
    }

    #[test]
    fn a_server_subject_keeps_its_own_cn() {
        let req = server(
            "db1",
            Some("/O=Example/CN=db.example"),
            &["db.example"],
            None,
            true,
        )
        .unwrap();
        assert_eq!(req.subject.to_string(), "/O=Example/CN=db.example");
        assert_eq!(req.profile, Profile::ServerClient);
    }

    #[test]
    fn a_server_without_any_name_is_refused() {
        let err = server("db_2", None, &[] as &[&str], None, false).unwrap_err();
        assert!(
            matches!(err, Error::NoServerName { ref name } if name == "db_2"),
            "{err}"
        );
    }

    #[test]
    fn client_subjects_get_the_user_as_cn_and_refuse_one_of_their_own() {
        let base = client_subject(Some("/O=Example")).unwrap();
        let req = client("app", base.as_ref(), &[], Some(Duration::days(30))).unwrap();
        assert_eq!(req.subject.to_string(), "/O=Example/CN=app");
        assert_eq!(req.validity, Duration::days(30));
        assert!(matches!(
            client_subject(Some("/O=Example/CN=x")),
            Err(Error::CnInClientSubject)
        ));
    }

    #[test]
    fn ca_subjects_default_their_cn() {
        assert_eq!(ca_subject("Root", None).unwrap().to_string(), "/CN=Root");
        assert_eq!(
            ca_subject("Root", Some("/O=Example")).unwrap().to_string(),
            "/O=Example/CN=Root"
        );
        assert_eq!(
            ca_subject("Root", Some("CN=Mine,O=Example"))
                .unwrap()
                .to_string(),
            "/O=Example/CN=Mine"
        );
    }

    #[test]
    fn a_cn_in_the_subject_wins_over_cn_for_every_command() {
        let both = subject(Some("b"), Some("/O=x/CN=a")).unwrap();
        assert_eq!(both.to_string(), "/O=x/CN=a");
        assert_eq!(
            subject(Some("b"), Some("/O=x")).unwrap().to_string(),
            "/O=x/CN=b"
        );
        assert_eq!(subject(None, Some("O=x")).unwrap().to_string(), "/O=x");
        assert_eq!(subject(Some("b"), None).unwrap().to_string(), "/CN=b");
        let req = csr(Some("b"), Some("/O=x/CN=a"), &["a.example,10.0.0.6"]).unwrap();
        assert_eq!(req.subject.to_string(), "/O=x/CN=a");
        assert_eq!(
            req.sans.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["DNS:a.example", "IP:10.0.0.6"]
        );
    }

    #[test]
    fn csr_files_default_to_the_cn_and_explicit_names_need_none() {
        let none: &[&str] = &[];
        let req = csr(Some("db2.example"), None, none).unwrap();
        assert_eq!(
            req.files(None, None).unwrap(),
            CsrFiles {
                key: "db2.example-key.pem".into(),
                request: "db2.example-req.pem".into(),
            }
        );
        assert_eq!(
            req.files(Some("k.pem".into()), None).unwrap(),
            CsrFiles {
                key: "k.pem".into(),
                request: "db2.example-req.pem".into(),
            }
        );
        let bad = csr(Some("../db2"), None, none).unwrap();
        let err = bad.files(None, Some("r.pem".into())).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid CN \"../db2\": it cannot name the key and request files: "),
            "{err}"
        );
        let explicit = bad.files(Some("k.pem".into()), Some("r.pem".into()));
        assert_eq!(explicit.unwrap().request, PathBuf::from("r.pem"));
        let no_cn = csr(None, Some("/O=x"), none).unwrap();
        assert_eq!(
            no_cn.files(None, None).unwrap_err().to_string(),
            "invalid subject \"/O=x\": it has no CN to name the key and request files after"
        );
    }

    #[test]
    fn setup_adds_loopback_addresses_for_localhost_and_refuses_empty_hosts() {
        let req = setup_server(&["localhost", "db.example"]).unwrap();
        assert_eq!(
            names(&req),
            ["DNS:localhost", "DNS:db.example", "IP:127.0.0.1", "IP:::1"]
        );
        let err = setup_server(&["db", ""]).unwrap_err();
        assert_eq!(err.to_string(), "invalid host name \"\": it is empty");
    }
}
