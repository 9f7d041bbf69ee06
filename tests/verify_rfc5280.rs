//! RFC 5280 rules certgen's own path validator applies where webpki refuses
//! a chain: each test builds its certificates with rcgen and fails without
//! the rule it names.

use certgen::verify::{Input, Mode, Options, Purpose, Report, verify};
use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    NameConstraints, SanType, date_time_ymd,
};
use time::macros::datetime;

fn dn(pairs: &[(DnType, &str)]) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    for (t, v) in pairs {
        dn.push(t.clone(), *v);
    }
    dn
}

fn ca(name: &[(DnType, &str)], path_len: Option<u8>) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = dn(name);
    p.is_ca = match path_len {
        Some(n) => IsCa::Ca(BasicConstraints::Constrained(n)),
        None => IsCa::Ca(BasicConstraints::Unconstrained),
    };
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.use_authority_key_identifier_extension = true;
    p
}

fn leaf(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::new(vec!["db1.example".to_string()]).unwrap();
    p.distinguished_name = dn(&[(DnType::CommonName, cn)]);
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p.use_authority_key_identifier_extension = true;
    p
}

/// A CA: its certificate and what signs under it.
struct Ca {
    der: Vec<u8>,
    issuer: Issuer<'static, KeyPair>,
}

fn root(params: CertificateParams) -> Ca {
    let key = KeyPair::generate().unwrap();
    let der = params.self_signed(&key).unwrap().der().to_vec();
    Ca {
        der,
        issuer: Issuer::new(params, key),
    }
}

fn sub(params: CertificateParams, by: &Ca) -> Ca {
    let key = KeyPair::generate().unwrap();
    let der = params.signed_by(&key, &by.issuer).unwrap().der().to_vec();
    Ca {
        der,
        issuer: Issuer::new(params, key),
    }
}

fn check(leaf: &Ca, root: &Ca, intermediates: &[&Ca]) -> Report {
    let input = Input {
        leaf: leaf.der.clone(),
        roots: vec![root.der.clone()],
        intermediates: intermediates.iter().map(|c| c.der.clone()).collect(),
    };
    let opts = Options {
        host: None,
        purpose: Purpose::Server,
        now: datetime!(2026-01-01 0:00 UTC),
        key: None,
        crls: None,
        mode: Mode::Default,
    };
    verify(&input, &opts).unwrap()
}

fn assert_valid(report: &Report) {
    assert!(report.is_valid(), "rejected: {:?}", report.rejection);
}

#[test]
fn issuer_names_match_regardless_of_case_and_spaces() {
    let key = KeyPair::generate().unwrap();
    let root_der = ca(
        &[
            (DnType::OrganizationName, "Example"),
            (DnType::CommonName, "Good CA"),
        ],
        None,
    )
    .self_signed(&key)
    .unwrap()
    .der()
    .to_vec();
    // The leaf names its issuer in another case, with extra spaces.
    let named = ca(
        &[
            (DnType::OrganizationName, "EXAMPLE"),
            (DnType::CommonName, "  good   CA "),
        ],
        None,
    );
    let r = Ca {
        der: root_der,
        issuer: Issuer::new(named, key),
    };
    assert_valid(&check(&sub(leaf("db1"), &r), &r, &[]));
}

#[test]
fn self_issued_intermediates_do_not_count_toward_path_length() {
    let r = root(ca(&[(DnType::CommonName, "Root")], None));
    let name = [(DnType::CommonName, "Issuing")];
    let old = sub(ca(&name, Some(0)), &r);
    // Key rollover: the same name, a new key, signed by the old key.
    let new = sub(ca(&name, Some(0)), &old);
    let l = sub(leaf("db1"), &new);
    assert_valid(&check(&l, &r, &[&old, &new]));
    // A CA with another name under a pathLenConstraint of 0 is still refused.
    let other = sub(ca(&[(DnType::CommonName, "Other")], Some(0)), &old);
    let l = sub(leaf("db1"), &other);
    assert!(!check(&l, &r, &[&old, &other]).is_valid());
}

fn constrained_root(permitted: GeneralSubtree) -> Ca {
    let mut p = ca(&[(DnType::CommonName, "Root")], None);
    p.name_constraints = Some(NameConstraints {
        permitted_subtrees: vec![permitted],
        excluded_subtrees: Vec::new(),
    });
    root(p)
}

#[test]
fn directory_name_constraints_apply_to_the_subject() {
    let r = constrained_root(GeneralSubtree::DirectoryName(dn(&[(
        DnType::OrganizationName,
        "Example",
    )])));
    let mut inside = leaf("db1");
    inside.distinguished_name = dn(&[
        (DnType::OrganizationName, "example"),
        (DnType::CommonName, "db1"),
    ]);
    assert_valid(&check(&sub(inside, &r), &r, &[]));
    let mut outside = leaf("db1");
    outside.distinguished_name = dn(&[
        (DnType::OrganizationName, "Other"),
        (DnType::CommonName, "db1"),
    ]);
    assert!(!check(&sub(outside, &r), &r, &[]).is_valid());
}

#[test]
fn rfc822_name_constraints_apply_to_mailboxes() {
    let r = constrained_root(GeneralSubtree::Rfc822Name("example.com".into()));
    let with_mail = |mail: &str| {
        let mut p = leaf("db1");
        p.subject_alt_names = vec![SanType::Rfc822Name(mail.try_into().unwrap())];
        sub(p, &r)
    };
    assert_valid(&check(&with_mail("dba@example.com"), &r, &[]));
    assert!(!check(&with_mail("dba@example.org"), &r, &[]).is_valid());
}

/// RFC 5280 lets a CA certificate end a path (its pathLenConstraint does
/// not count there): one made to be a server's certificate too, naming the
/// server, is accepted. A CA's own certificate, naming no one, is the
/// `ssl_cert = ca-cert.pem` mistake and is refused.
#[test]
fn a_ca_certificate_can_be_the_end_entity_when_it_names_the_server() {
    let r = root(ca(&[(DnType::CommonName, "Root")], Some(0)));
    let mut dual = ca(&[(DnType::CommonName, "Issuing")], Some(0));
    dual.subject_alt_names = leaf("db1").subject_alt_names;
    assert_valid(&check(&sub(dual, &r), &r, &[]));
    let issuing = sub(ca(&[(DnType::CommonName, "Issuing")], Some(0)), &r);
    let report = check(&issuing, &r, &[]);
    assert_eq!(
        report.rejection.as_ref().map(|r| r.code()),
        Some("ca-as-leaf"),
        "{:?}",
        report.rejection
    );
    // ...nor one whose keyUsage forbids signing certificates.
    let mut odd = ca(&[(DnType::CommonName, "Odd")], Some(0));
    odd.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    odd.subject_alt_names = leaf("db1").subject_alt_names;
    assert!(!check(&sub(odd, &r), &r, &[]).is_valid());
}

fn extension(oid: &[u64], content: &[u8]) -> CustomExtension {
    let mut e = CustomExtension::from_oid_content(oid, content.to_vec());
    e.set_criticality(true);
    e
}

/// certificatePolicies with policy 1.2.3.4.
const POLICY: &[u8] = &[0x30, 0x07, 0x30, 0x05, 0x06, 0x03, 0x2a, 0x03, 0x04];
/// policyConstraints requireExplicitPolicy 0.
const REQUIRE_POLICY: &[u8] = &[0x30, 0x03, 0x80, 0x01, 0x00];

#[test]
fn critical_policy_extensions_are_processed() {
    let r = root(ca(&[(DnType::CommonName, "Root")], None));
    let mut p = ca(&[(DnType::CommonName, "Issuing")], None);
    p.custom_extensions = vec![
        extension(&[2, 5, 29, 32], POLICY),
        extension(&[2, 5, 29, 36], REQUIRE_POLICY),
    ];
    let issuing = sub(p, &r);
    let mut with_policy = leaf("db1");
    with_policy.custom_extensions = vec![extension(&[2, 5, 29, 32], POLICY)];
    assert_valid(&check(&sub(with_policy, &issuing), &r, &[&issuing]));
    // The CA requires an explicit policy; a leaf without one fails.
    assert!(!check(&sub(leaf("db1"), &issuing), &r, &[&issuing]).is_valid());
}

#[test]
fn a_critical_policy_qualifier_certgen_does_not_know_is_refused() {
    let r = root(ca(&[(DnType::CommonName, "Root")], None));
    // Policy 1.2.3.4 with qualifier 1.2.3.5 (NULL).
    let qualified = [
        0x30, 0x12, 0x30, 0x10, 0x06, 0x03, 0x2a, 0x03, 0x04, 0x30, 0x09, 0x30, 0x07, 0x06, 0x03,
        0x2a, 0x03, 0x05, 0x05, 0x00,
    ];
    let mut p = leaf("db1");
    p.custom_extensions = vec![extension(&[2, 5, 29, 32], &qualified)];
    assert!(!check(&sub(p, &r), &r, &[]).is_valid());
    let mut p = leaf("db1");
    p.custom_extensions = vec![extension(&[2, 5, 29, 32], POLICY)];
    assert_valid(&check(&sub(p, &r), &r, &[]));
}

#[test]
fn dates_before_1970_are_read() {
    let mut p = ca(&[(DnType::CommonName, "Root")], None);
    p.not_before = date_time_ymd(1960, 1, 1);
    let r = root(p);
    assert_valid(&check(&sub(leaf("db1"), &r), &r, &[]));
}
