//! A `kubernetes.io/tls` Secret holding a bundle, for `kubectl apply -f -`:
//! containerised database servers and clients read their certificates
//! from Secrets mounted as files.

use std::path::{Path, PathBuf};

use base64::Engine;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::checked::Checked;
use super::layout::Role;
use crate::error::{Error, Result};
use crate::store::{self, Mode};

/// The Secret's data keys: the certificate and key under the names of
/// the `kubernetes.io/tls` type, the CA file as `ca.crt` (what
/// cert-manager writes), the CRL as `ca.crl`.
fn key_of(role: Role) -> &'static str {
    match role {
        Role::Certificate => "tls.crt",
        Role::Key => "tls.key",
        Role::Ca => "ca.crt",
        Role::Crl => "ca.crl",
    }
}

/// Refuses a Secret or namespace name Kubernetes would refuse (an RFC 1123
/// subdomain: lowercase letters, digits, '-' and '.', at most 253, starting
/// and ending with a letter or digit).
pub fn check_object_name(what: &'static str, name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
        && name
            .bytes()
            .last()
            .is_some_and(|b| b.is_ascii_alphanumeric());
    if ok {
        return Ok(());
    }
    Err(Error::InvalidName {
        what,
        value: name.to_string(),
        reason: "Kubernetes takes lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253".into(),
    })
}

/// The Secret's manifest (YAML), every value base64 as a Secret's `data`
/// holds it.
pub fn secret_manifest(
    checked: &Checked,
    name: &str,
    namespace: Option<&str>,
) -> Result<Zeroizing<String>> {
    check_object_name("Secret name", name)?;
    if let Some(ns) = namespace {
        check_object_name("namespace", ns)?;
    }
    let mut out = Zeroizing::new(String::new());
    out.push_str("apiVersion: v1\nkind: Secret\nmetadata:\n");
    out.push_str(&format!("  name: \"{name}\"\n"));
    if let Some(ns) = namespace {
        out.push_str(&format!("  namespace: \"{ns}\"\n"));
    }
    out.push_str("type: kubernetes.io/tls\ndata:\n");
    for (role, _, _, content) in checked.files() {
        let encoded = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(content));
        out.push_str("  ");
        out.push_str(key_of(role));
        out.push_str(": ");
        out.push_str(&encoded);
        out.push('\n');
    }
    Ok(out)
}

/// Writes a manifest to `path` (0600, atomically, never through a link);
/// a different manifest already there is first copied to
/// `old_keys/<UTC timestamp>/` beside it. Returns whether anything changed.
pub fn write_manifest(path: &Path, content: &[u8], now: OffsetDateTime) -> Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(Error::Symlink(path.to_path_buf())),
        Ok(m) if !m.is_file() => Err(Error::NotAFile(path.to_path_buf())),
        Ok(_) => {
            let old =
                Zeroizing::new(crate::input::read_file(path).map_err(Error::io("reading", path))?);
            if old.as_slice() == content {
                return Ok(false);
            }
            let prepared = store::prepare_file(path, content, Mode::Secret)?;
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            let archive = dir.join(store::OLD_KEYS).join(store::archive_stamp(now)?);
            std::fs::create_dir_all(&archive).map_err(Error::io("creating", &archive))?;
            let name = path.file_name().map(Path::new).unwrap_or(path);
            store::create_file(&archive.join(name), &old, Mode::Secret)?;
            prepared.publish()?;
            Ok(true)
        }
        Err(_) => {
            store::create_file(path, content, Mode::Secret)?;
            Ok(true)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names_as_kubernetes_takes_them() {
        for good in ["db1-tls", "a", "db1.example.com-tls"] {
            assert!(check_object_name("Secret name", good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "DB1",
            "-a",
            "a-",
            "a_b",
            "a b",
            "a\"b",
            &"a".repeat(254),
        ] {
            assert!(check_object_name("Secret name", bad).is_err(), "{bad}");
        }
    }
}
