//! Chain validations per second through the library: a leaf under an
//! intermediate under a root (the shape of a rotated or tiered CA), with a
//! host name check, as `certgen verify` does for each file.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use time::{Duration, OffsetDateTime};

use certgen::serial::Serial;
use certgen::verify::{Host, Input, Mode, Options, Purpose, Verifier};
use certgen::{Ca, CertRequest, KeyType, PrivateKey, Profile, San, Subject};

fn chain(key_type: KeyType, now: OffsetDateTime) -> Input {
    let key = || PrivateKey::generate(key_type).expect("key");
    let serial = || Serial::random().expect("serial");
    let subject = |cn: &str| Subject::from_cn(cn).expect("subject");
    let root = Ca::create_root(
        &subject("Bench Root"),
        key(),
        Duration::days(3650),
        None,
        &serial(),
        now,
    )
    .expect("root");
    let (inter_cert, inter) = root
        .create_intermediate(
            &subject("Bench Issuing"),
            key(),
            Duration::days(1825),
            0,
            &serial(),
            now,
        )
        .expect("intermediate");
    let leaf_key = key();
    let req = CertRequest {
        subject: subject("db1"),
        sans: vec![San::Dns("db1.example".into())],
        profile: Profile::Server,
        validity: Duration::days(825),
    };
    let leaf = inter
        .issue(&req, leaf_key.pair(), leaf_key.is_rsa(), &serial(), now)
        .expect("leaf");
    Input {
        leaf: leaf.der,
        roots: vec![root.cert_der().to_vec()],
        intermediates: vec![inter_cert.der],
    }
}

fn bench(c: &mut Criterion) {
    let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("time");
    let host = Host::parse("db1.example").expect("host");
    let verifier = Verifier::default();
    let mut group = c.benchmark_group("verify");
    group.throughput(Throughput::Elements(1));
    for (name, key_type) in [
        ("ecdsa-p256", KeyType::EcdsaP256),
        ("rsa2048", KeyType::Rsa2048),
    ] {
        let input = chain(key_type, now);
        let opts = Options {
            host: Some(&host),
            purpose: Purpose::Server,
            now,
            key: None,
            crls: None,
            mode: Mode::Default,
        };
        assert!(verifier.verify(&input, &opts).expect("verify").is_valid());
        group.bench_function(name, |b| b.iter(|| verifier.verify(&input, &opts)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
