//! Issuance through the library, without process start-up or disk: key
//! generation and signing per certificate, for the key types the whole-process
//! benchmark (scripts/bench) compares with openssl and cfssl.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use time::{Duration, OffsetDateTime};

use certgen::serial::Serial;
use certgen::{Ca, CertRequest, KeyFormat, KeyType, PrivateKey, Profile, Subject};

fn ca(key_type: KeyType, now: OffsetDateTime) -> Ca {
    let key = PrivateKey::generate(key_type).expect("key");
    let subject = Subject::from_cn("Bench CA").expect("subject");
    Ca::create_root(
        &subject,
        key,
        Duration::days(3650),
        None,
        &Serial::random().expect("serial"),
        now,
    )
    .expect("root")
}

fn bench(c: &mut Criterion) {
    let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("time");
    let req = CertRequest {
        subject: Subject::from_cn("app").expect("subject"),
        sans: Vec::new(),
        profile: Profile::Client,
        validity: Duration::days(1825),
    };
    let mut group = c.benchmark_group("issue");
    for (name, ca_type, leaf_type) in [
        (
            "client ecdsa-p256 (key + sign + PEM)",
            KeyType::EcdsaP256,
            KeyType::EcdsaP256,
        ),
        (
            "client rsa2048 (key + sign + PEM)",
            KeyType::Rsa2048,
            KeyType::Rsa2048,
        ),
    ] {
        let ca = ca(ca_type, now);
        group.bench_function(name, |b| {
            b.iter(|| {
                let key = PrivateKey::generate(leaf_type).expect("key");
                let serial = Serial::random().expect("serial");
                let issued = ca
                    .issue(&req, key.pair(), key.is_rsa(), &serial, now)
                    .expect("issue");
                (issued.pem, key.to_pem(KeyFormat::Pkcs8).expect("pem"))
            })
        });
    }
    let ca = ca(KeyType::EcdsaP256, now);
    group.bench_function("sign only, ecdsa-p256 CA", |b| {
        b.iter_batched(
            || PrivateKey::generate(KeyType::EcdsaP256).expect("key"),
            |key| {
                let serial = Serial::random().expect("serial");
                ca.issue(&req, key.pair(), false, &serial, now)
                    .expect("issue")
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
