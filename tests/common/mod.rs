//! Shared fixtures: certificates with fixed validity, so no test depends on
//! today's date, and a hermetic `certgen` command.
#![allow(dead_code)]

use std::path::Path;

use assert_cmd::Command;
use time::OffsetDateTime;
use time::macros::datetime;

/// The instant every test checks at (`--at`).
pub const AT: &str = "2030-06-01T00:00:00Z";
pub const NOW: OffsetDateTime = datetime!(2030-06-01 00:00 UTC);
pub const LONG_AGO: OffsetDateTime = datetime!(2001-01-01 00:00 UTC);
pub const FAR_FUTURE: OffsetDateTime = datetime!(2099-01-01 00:00 UTC);

/// `certgen` with no `CERTGEN_*` from the caller's environment and a fixed zone.
pub fn certgen() -> Command {
    let mut cmd = Command::cargo_bin("certgen").expect("the certgen binary is built");
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("CERTGEN_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("TZ", "UTC").env("NO_COLOR", "1");
    cmd.timeout(std::time::Duration::from_secs(60));
    cmd
}

/// A self-signed certificate for `cn` valid from `from` to `to`.
pub fn cert(cn: &str, from: OffsetDateTime, to: OffsetDateTime) -> rcgen::Certificate {
    let key = rcgen::KeyPair::generate().expect("key generation");
    cert_with_key(cn, from, to, &key)
}

pub fn cert_with_key(
    cn: &str,
    from: OffsetDateTime,
    to: OffsetDateTime,
    key: &rcgen::KeyPair,
) -> rcgen::Certificate {
    let host: String = cn.chars().filter(char::is_ascii_alphanumeric).collect();
    let mut params =
        rcgen::CertificateParams::new(vec![format!("{host}x.example")]).expect("valid SAN");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    params.not_before = from;
    params.not_after = to;
    params.self_signed(key).expect("signing")
}

/// Valid until 2099.
pub fn ok_cert(cn: &str) -> rcgen::Certificate {
    cert(cn, LONG_AGO, FAR_FUTURE)
}

/// Expires 20 days after `NOW`: WARNING with the default thresholds.
pub fn warning_cert(cn: &str) -> rcgen::Certificate {
    cert(cn, LONG_AGO, NOW + time::Duration::days(20))
}

/// Expired in 2001.
pub fn expired_cert(cn: &str) -> rcgen::Certificate {
    cert(
        cn,
        datetime!(2000-01-01 00:00 UTC),
        datetime!(2001-06-01 00:00 UTC),
    )
}

pub fn write(path: &Path, content: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("creating a fixture directory");
    }
    std::fs::write(path, content).expect("writing a fixture");
}

/// Deterministic pseudo-random bytes (xorshift), for the garbage inputs.
pub fn random_bytes(len: usize, mut seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        out.extend_from_slice(&seed.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Malformed inputs every reading command must survive: name and content.
pub fn malformed_inputs() -> Vec<(&'static str, Vec<u8>)> {
    let good = ok_cert("good");
    let pem = good.pem();
    let mut trailing = good.der().to_vec();
    trailing.extend_from_slice(b"\x00\x01trailing");
    vec![
        ("truncated.pem", pem.as_bytes()[..pem.len() / 2].to_vec()),
        (
            "bad-base64.pem",
            b"-----BEGIN CERTIFICATE-----\nMII*&^%$#@!\n-----END CERTIFICATE-----\n".to_vec(),
        ),
        ("trailing.der", trailing),
        (
            "absurd-length.der",
            vec![
                0x30, 0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
            ],
        ),
        (
            "nested-lengths.der",
            vec![
                0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x30, 0x84, 0x7f, 0xff, 0xff, 0xfa,
            ],
        ),
        ("empty.pem", Vec::new()),
        ("random.bin", random_bytes(10 << 20, 0x9e37_79b9_7f4a_7c15)),
        (
            "random.der",
            [vec![0x30, 0x82], random_bytes(1 << 20, 7)].concat(),
        ),
    ]
}

/// A directory whose link points back at itself.
pub fn symlink_loop(dir: &Path) {
    std::fs::create_dir_all(dir).expect("creating the loop directory");
    std::os::unix::fs::symlink(".", dir.join("again")).expect("creating the loop link");
}

/// Asserts the process ended on its own terms: no panic, no signal.
pub fn assert_no_panic(out: &std::process::Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert!(
        out.status.code().is_some(),
        "killed by a signal: {:?}",
        out.status
    );
    assert_ne!(out.status.code(), Some(101), "panic exit: {stderr}");
}
