//! Helpers shared by the integration tests: a hermetic `certgen` command, the
//! real `openssl` CLI, certificate parsing, and certificates with fixed
//! validity so no test depends on today's date.

pub mod servers;
mod system;

pub use system::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ::time::OffsetDateTime;
use ::time::macros::datetime;
use x509_parser::prelude::*;

/// A clean environment for certgen: no CERTGEN_* variables, UTC, no colour.
fn hermetic_env(cmd: &mut Command) {
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("CERTGEN_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .env("HOME", test_home());
}

/// The home certgen sees in the tests: it keeps its ssh control sockets in
/// `~/.ssh/certgen`, which is not the tests' to fill in the user's home.
fn test_home() -> &'static Path {
    static HOME: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    HOME.get_or_init(|| {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let uid = rustix::process::getuid().as_raw();
        let home = std::env::temp_dir().join(format!("certgen-tests-home-{uid}"));
        let _ = std::fs::create_dir(&home);
        let meta = std::fs::symlink_metadata(&home).unwrap();
        assert!(
            meta.is_dir() && meta.uid() == uid,
            "{} is not a directory of this user",
            home.display()
        );
        std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).unwrap();
        home
    })
}

/// `certgen` with a clean environment.
fn hermetic() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_certgen"));
    hermetic_env(&mut cmd);
    cmd
}

/// `PROGRAM ARGS... certgen` in `dir`, with the environment [`certgen`]
/// has: certgen run by `setsid`, `setpriv` or a shell. Its own arguments
/// follow.
pub fn certgen_via(program: &str, args: &[&str], dir: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .arg(env!("CARGO_BIN_EXE_certgen"))
        .current_dir(dir);
    hermetic_env(&mut cmd);
    cmd
}

/// A hermetic `certgen` run in `dir`.
pub fn certgen(dir: &Path) -> Command {
    let mut cmd = hermetic();
    cmd.current_dir(dir);
    cmd
}

/// Runs certgen and returns its output, asserting nothing.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    certgen(dir).args(args).output().expect("certgen runs")
}

/// Runs certgen and panics with its stderr unless it succeeds.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "certgen {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Whether the openssl CLI is available. When CI is set, its absence fails the
/// test instead of skipping it.
pub fn have_openssl() -> bool {
    let found = Command::new("openssl").arg("version").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "openssl is required when CI is set"
        );
        eprintln!("SKIP: openssl not found");
    }
    found
}

/// Runs openssl in `dir` and returns (success, stdout + stderr).
pub fn openssl(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// Subject and issuer of a certificate as `openssl x509 -nameopt compat` prints
/// them: the `X509_NAME_oneline` form MySQL compares.
pub fn openssl_names(dir: &Path, cert: &str) -> String {
    let args = [
        "x509", "-in", cert, "-noout", "-subject", "-issuer", "-nameopt", "compat",
    ];
    openssl(dir, &args).1
}

/// The first certificate in a PEM file, as DER.
pub fn cert_der(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    certgen::encoding::certificates("test", &bytes)
        .expect("a certificate")
        .remove(0)
}

/// Parses a certificate and hands it to `f`.
pub fn with_cert<T>(path: &Path, f: impl FnOnce(&X509Certificate<'_>) -> T) -> T {
    let der = cert_der(path);
    let (_, cert) = X509Certificate::from_der(&der).expect("parses");
    f(&cert)
}

/// The serial of a certificate as the index writes it: upper-case hex
/// without colons.
pub fn serial_of(cert: &Path) -> String {
    with_cert(cert, |c| {
        c.raw_serial_as_string().replace(':', "").to_uppercase()
    })
}

/// The DER SubjectPublicKeyInfo of a certificate.
pub fn spki(cert: &Path) -> Vec<u8> {
    with_cert(cert, |c| c.public_key().raw.to_vec())
}

/// notAfter - notBefore, in seconds.
pub fn lifetime(cert: &Path) -> i64 {
    with_cert(cert, |c| {
        c.validity().not_after.timestamp() - c.validity().not_before.timestamp()
    })
}

/// The subjectAltNames of a certificate, as openssl prints them.
pub fn sans(cert: &Path) -> Vec<String> {
    with_cert(cert, |c| {
        let ext = c
            .subject_alternative_name()
            .expect("one SAN extension")
            .map(|e| e.value.general_names.clone())
            .unwrap_or_default();
        ext.iter()
            .map(|n| match n {
                GeneralName::DNSName(d) => format!("DNS:{d}"),
                GeneralName::RFC822Name(e) => format!("email:{e}"),
                GeneralName::IPAddress(b) => {
                    let ip: std::net::IpAddr = match b.len() {
                        4 => <[u8; 4]>::try_from(*b).unwrap().into(),
                        _ => <[u8; 16]>::try_from(*b).unwrap().into(),
                    };
                    format!("IP Address:{ip}")
                }
                other => format!("{other:?}"),
            })
            .collect()
    })
}

/// The archives `old_keys/<timestamp>/` of a PKI directory, oldest first.
pub fn archives(pki: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(pki.join("old_keys"))
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Every regular file under `dir` with its content, for before/after comparisons.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let ft = e.file_type().expect("file type");
            if ft.is_dir() {
                walk(base, &p, out);
            } else if ft.is_file() {
                let rel = p
                    .strip_prefix(base)
                    .expect("under base")
                    .display()
                    .to_string();
                out.push((rel, std::fs::read(&p).expect("readable")));
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// When the PKIs of the renewal and rotation tests are made (`--now`).
pub const T0: &str = "2030-01-01T00:00:00Z";

/// `--now NOW ARGS...`
pub fn at<'a>(now: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["--now", now];
    v.extend_from_slice(args);
    v
}

/// A PKI made at [`T0`] in a new directory: an ECDSA CA, then each of
/// `commands`.
pub fn pki_at_t0(commands: &[&[&str]]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &at(T0, &["init-ca", "--key-type", "ecdsa-p256"]));
    for args in commands {
        ok(d.path(), &at(T0, args));
    }
    d
}

/// The instant every test checks at (`--at`).
pub const AT: &str = "2030-06-01T00:00:00Z";
pub const NOW: OffsetDateTime = datetime!(2030-06-01 00:00 UTC);
pub const LONG_AGO: OffsetDateTime = datetime!(2001-01-01 00:00 UTC);
pub const FAR_FUTURE: OffsetDateTime = datetime!(2099-01-01 00:00 UTC);

/// A hermetic `certgen` that is killed after a minute, so a hang fails the test.
pub fn certgen_cmd() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::from_std(hermetic());
    cmd.timeout(std::time::Duration::from_secs(60));
    cmd
}

/// `certgen --dir PKI -q` as [`certgen_cmd`] runs it.
pub fn certgen_dir(pki: &Path) -> assert_cmd::Command {
    let mut cmd = certgen_cmd();
    cmd.arg("--dir").arg(pki).arg("-q");
    cmd
}

/// Runs `certgen PREFIX... --at AT ARGS...`, asserting only that it did not panic.
pub fn run_at(prefix: &[&str], args: &[&str]) -> Output {
    let out = certgen_cmd()
        .args(prefix)
        .args(["--at", AT])
        .args(args)
        .output()
        .expect("running certgen");
    assert_no_panic(&out);
    out
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
    cert(cn, LONG_AGO, NOW + ::time::Duration::days(20))
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

/// rcgen parameters for hand-made chains, in the shape certgen issues them.
pub mod params {
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose,
        IsCa, KeyUsagePurpose,
    };

    /// A name with only a CN.
    pub fn dn(cn: &str) -> DistinguishedName {
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, cn);
        dn
    }

    /// An unconstrained CA that signs certificates and CRLs.
    pub fn ca_params(cn: &str) -> CertificateParams {
        let mut p = CertificateParams::default();
        p.distinguished_name = dn(cn);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        p.use_authority_key_identifier_extension = true;
        p
    }

    /// A server certificate for `cn` with these DNS/IP subjectAltNames.
    pub fn leaf_params(cn: &str, sans: &[&str]) -> CertificateParams {
        let sans = sans.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut p = CertificateParams::new(sans).expect("valid subjectAltNames");
        p.distinguished_name = dn(cn);
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        p.use_authority_key_identifier_extension = true;
        p
    }
}

/// Every `old_keys/<timestamp>/` under `dir` holds something: a commit killed
/// at any moment leaves no empty archive behind.
pub fn assert_no_empty_archive(dir: &std::path::Path) {
    let Ok(archives) = std::fs::read_dir(dir.join("old_keys")) else {
        return;
    };
    for a in archives {
        let a = a.unwrap().path();
        let entries = std::fs::read_dir(&a).map(|d| d.count()).unwrap_or(0);
        assert!(entries > 0, "{} is an empty archive", a.display());
    }
}

/// Runs openssl in `dir`, panicking with its stderr unless it succeeds.
pub fn openssl_ok(dir: &Path, args: &[&str]) {
    let (ok, text) = openssl(dir, args);
    assert!(ok, "openssl {args:?}: {text}");
}

/// The MySQL/MariaDB documentation recipe in `dir`: a CA from `openssl req
/// -x509` (`ca-cert.pem`, `ca-key.pem`), and a server certificate from
/// `openssl x509 -req` without extensions (v1, no SAN: `server-cert.pem`,
/// `server-key.pem`), with the given subjects and RSA key sizes.
pub fn openssl_recipe(dir: &Path, ca_subject: &str, ca_bits: u32, subject: &str, bits: u32) {
    let rsa = |b: u32| format!("rsa:{b}");
    openssl_ok(
        dir,
        &[
            "req",
            "-new",
            "-x509",
            "-nodes",
            "-newkey",
            &rsa(ca_bits),
            "-days",
            "3650",
            "-keyout",
            "ca-key.pem",
            "-subj",
            ca_subject,
            "-out",
            "ca-cert.pem",
        ],
    );
    openssl_ok(
        dir,
        &[
            "req",
            "-new",
            "-nodes",
            "-newkey",
            &rsa(bits),
            "-keyout",
            "server-key.pem",
            "-subj",
            subject,
            "-out",
            "server-req.pem",
        ],
    );
    openssl_ok(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server-req.pem",
            "-days",
            "3600",
            "-CA",
            "ca-cert.pem",
            "-CAkey",
            "ca-key.pem",
            "-set_serial",
            "01",
            "-out",
            "server-cert.pem",
        ],
    );
}

/// One line of a PKI directory's `index.txt`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexRow {
    /// `V`, `R` or `E`.
    pub status: String,
    /// The revocation field: `YYMMDDHHMMSSZ,reason`, empty unless revoked.
    pub revoked: String,
    pub serial: String,
    pub file: String,
    pub subject: String,
}

impl IndexRow {
    /// The reason of a revoked row (`keyCompromise`, `superseded`, ...).
    pub fn reason(&self) -> Option<&str> {
        self.revoked.split_once(',').map(|(_, r)| r)
    }
}

/// The lines of `pki/index.txt`; none when it is missing.
pub fn index_rows(pki: &Path) -> Vec<IndexRow> {
    std::fs::read_to_string(pki.join("index.txt"))
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 6, "index line {l:?}");
            IndexRow {
                status: f[0].into(),
                revoked: f[2].into(),
                serial: f[3].into(),
                file: f[4].into(),
                subject: f[5].into(),
            }
        })
        .collect()
}

/// A certificate file's serial as the index writes it (upper-case hex).
pub fn serial_hex(cert: &Path) -> String {
    with_cert(cert, |c| {
        c.raw_serial_as_string().replace(':', "").to_uppercase()
    })
}

/// A certificate file's subjectPublicKeyInfo, DER: the key it certifies.
pub fn public_key(cert: &Path) -> Vec<u8> {
    with_cert(cert, |c| c.public_key().raw.to_vec())
}

/// A file's permission bits (with setuid, setgid and sticky), not
/// following a link.
pub fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
}

/// A file's owner and group ids, not following a link.
pub fn owner(p: &Path) -> (u32, u32) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::symlink_metadata(p).unwrap();
    (m.uid(), m.gid())
}

/// The key matches the certificate, as openssl sees it.
pub fn openssl_key_matches(dir: &Path, key: &Path, cert: &Path) {
    let (good, from_cert) = openssl(
        dir,
        &[
            "x509",
            "-in",
            &cert.display().to_string(),
            "-noout",
            "-pubkey",
        ],
    );
    assert!(good, "{from_cert}");
    let (good, from_key) = openssl(dir, &["pkey", "-in", &key.display().to_string(), "-pubout"]);
    assert!(good, "{from_key}");
    assert_eq!(
        from_cert,
        from_key,
        "{} matches {}",
        key.display(),
        cert.display()
    );
}

/// openssl verifies the certificate against the CA file.
pub fn openssl_verifies(dir: &Path, ca: &Path, cert: &Path) {
    let (good, out) = openssl(
        dir,
        &[
            "verify",
            "-CAfile",
            &ca.display().to_string(),
            &cert.display().to_string(),
        ],
    );
    assert!(
        good,
        "{} verifies against {}: {out}",
        cert.display(),
        ca.display()
    );
}
