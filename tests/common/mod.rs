//! Helpers shared by the integration tests: a hermetic `certgen` command, the
//! real `openssl` CLI, and certificate parsing.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use x509_parser::prelude::*;

/// `certgen` with a clean environment: no CERTGEN_* variables, UTC, no colour.
pub fn certgen(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_certgen"));
    cmd.current_dir(dir)
        .env_remove("CERTGEN_DIR")
        .env_remove("CERTGEN_CA_PASSPHRASE")
        .env("TZ", "UTC")
        .env("NO_COLOR", "1");
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
