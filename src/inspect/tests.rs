use super::*;
use crate::name::San;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2030-06-01 00:00 UTC);

fn leaf() -> (rcgen::Certificate, rcgen::KeyPair) {
    let mut params = rcgen::CertificateParams::new(vec!["db1.example".into()]).unwrap();
    params
        .subject_alt_names
        .push(rcgen::SanType::IpAddress("10.0.0.1".parse().unwrap()));
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "db1");
    params.not_before = datetime!(2001-01-01 0:00 UTC);
    params.not_after = datetime!(2030-06-11 0:00 UTC);
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    params.is_ca = rcgen::IsCa::ExplicitNoCa;
    let key = rcgen::KeyPair::generate().unwrap();
    (params.self_signed(&key).unwrap(), key)
}

#[test]
fn a_certificate_is_summarised() {
    let (cert, key) = leaf();
    let objs = inspect_bytes("c", cert.pem().as_bytes(), NOW).unwrap();
    let Object::Certificate(details) = &objs[0] else {
        panic!("{objs:?}")
    };
    let c = &details.cert;
    assert_eq!(c.subject, "/CN=db1");
    assert_eq!(details.days_left, 10);
    let sans: Vec<String> = c.subject_alt_names.iter().map(|s| s.to_string()).collect();
    assert_eq!(sans, ["DNS:db1.example", "IP:10.0.0.1"]);
    assert_eq!(c.key.to_string(), "ECDSA P-256");
    assert_eq!(c.key_usage, ["digitalSignature"]);
    assert_eq!(c.extended_key_usage, ["serverAuth"]);
    assert!(!c.basic_constraints.unwrap().ca);
    assert_eq!(c.sha256_fingerprint, sha256_fingerprint(cert.der()));
    assert_eq!(c.sha256_fingerprint.len(), 32 * 3 - 1);
    use rcgen::PublicKeyData;
    assert_eq!(
        c.public_key_sha256,
        sha256_fingerprint(&key.subject_public_key_info())
    );
    let der = inspect_bytes("c", cert.der(), NOW).unwrap();
    assert!(matches!(der[0], Object::Certificate(_)));
}

#[test]
fn keys_show_only_their_public_half() {
    let (_, key) = leaf();
    let pem = key.serialize_pem();
    let objs = inspect_bytes("k", pem.as_bytes(), NOW).unwrap();
    let Object::PrivateKey(k) = &objs[0] else {
        panic!("{objs:?}")
    };
    assert_eq!(k.encoding, "PKCS#8");
    use rcgen::PublicKeyData;
    assert_eq!(
        k.public_key_sha256,
        sha256_fingerprint(&key.subject_public_key_info())
    );
    let json = serde_json::to_string(&objs).unwrap();
    let secret_b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    assert!(!json.contains(&secret_b64[..20]));
    let der = inspect_bytes("k", &key.serialize_der(), NOW).unwrap();
    assert!(matches!(der[0], Object::PrivateKey(_)));
}

#[test]
fn csrs_and_several_objects_per_file() {
    let (cert, key) = leaf();
    let params = rcgen::CertificateParams::new(vec!["db2.example".into()]).unwrap();
    let csr = params.serialize_request(&key).unwrap();
    let text = format!(
        "{}{}{}",
        csr.pem().unwrap(),
        cert.pem(),
        key.serialize_pem()
    );
    let objs = inspect_bytes("bundle", text.as_bytes(), NOW).unwrap();
    let kinds: Vec<&str> = objs.iter().map(Object::kind).collect();
    assert_eq!(kinds, ["certificate request", "certificate", "private key"]);
    let Object::CertificateRequest(r) = &objs[0] else {
        panic!()
    };
    assert!(r.signature_valid);
    assert_eq!(r.subject_alt_names, [San::Dns("db2.example".into())]);
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    for bad in [
        &b""[..],
        b"hello",
        b"\x30\x84\xff\xff\xff\xff",
        b"-----BEGIN CERTIFICATE-----\nMIIB",
    ] {
        assert!(inspect_bytes("g", bad, NOW).is_err());
    }
}
