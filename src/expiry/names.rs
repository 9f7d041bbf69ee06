//! What a file's name says about its content. A directory walk opens only
//! files whose name could belong to a certificate, and reports a problem
//! with one only when its name promises a certificate: a database's data
//! directory holds sockets, logs and database files (large, often readable
//! only by the server) that are no business of an expiry check.

use std::ffi::OsStr;
use std::path::Path;

/// What a file name says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Name {
    /// `.pem`, `.crt`, `.cer`, `.cert`, `.der`, `.crl`: a certificate or a
    /// CRL, or a key or CSR in the same encodings. Such a file that cannot be read, or
    /// holds nothing of the kind, is a problem to report.
    Promises,
    /// A name that contains `cert`, `crt`, `chain` or `bundle` (`cacert`,
    /// `ca-bundle.crt.old`), or OpenSSL's hashed name for a certificate
    /// (`5ed36f99.0`, made by `openssl rehash`): read, and its certificates
    /// checked, but a file that cannot be read or holds none is ignored.
    Maybe,
    /// Anything else: never opened.
    Other,
}

const PROMISING: [&[u8]; 6] = [b"pem", b"crt", b"cer", b"cert", b"der", b"crl"];
const HINTS: [&[u8]; 4] = [b"cert", b"crt", b"chain", b"bundle"];

/// What the file name `name` says.
pub(crate) fn classify(name: &OsStr) -> Name {
    let path = Path::new(name);
    let ext = path.extension().map(OsStr::as_encoded_bytes);
    if ext.is_some_and(|e| PROMISING.iter().any(|p| e.eq_ignore_ascii_case(p))) {
        return Name::Promises;
    }
    let bytes = name.as_encoded_bytes();
    if HINTS.iter().any(|h| contains_ignore_case(bytes, h)) || is_hashed_name(bytes) {
        return Name::Maybe;
    }
    Name::Other
}

/// [`classify`] for the last component of `path`.
pub(crate) fn classify_path(path: &Path) -> Name {
    path.file_name().map_or(Name::Other, classify)
}

/// A key that the scanning user may not read (keys are 0600): its name
/// promises a certificate file (`server-key.pem`, `ca-key.der`), but it holds
/// none, so it is skipped rather than reported.
pub(crate) fn is_key_name(path: &Path) -> bool {
    path.file_stem()
        .map(OsStr::as_encoded_bytes)
        .is_some_and(|s| s.len() >= 3 && s[s.len() - 3..].eq_ignore_ascii_case(b"key"))
}

fn contains_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// `HHHHHHHH.N`: eight hex digits of a subject hash and a sequence number,
/// as `openssl rehash` names the links in a CA directory (`ssl-capath`).
/// CRLs (`HHHHHHHH.rN`) do not match.
fn is_hashed_name(name: &[u8]) -> bool {
    match name.split_at_checked(8) {
        Some((hash, [b'.', seq @ ..])) => {
            hash.iter().all(u8::is_ascii_hexdigit)
                && !seq.is_empty()
                && seq.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(name: &str) -> Name {
        classify(OsStr::new(name))
    }

    #[test]
    fn certificate_extensions_promise_a_certificate() {
        for name in [
            "ca.pem",
            "server-cert.pem",
            "tls.CRT",
            "root.cer",
            "x.cert",
            "a.der",
            "root.crl",
            "client-key.pem",
            "a\nCRITICAL fake.pem",
        ] {
            assert_eq!(class(name), Name::Promises, "{name:?}");
        }
    }

    #[test]
    fn certificate_like_names_are_read_without_promise() {
        for name in [
            "cacert",
            "ca-bundle",
            "fullchain",
            "Server.CRT.old",
            "cert.key",
            "5ed36f99.0",
            "5ED36F99.12",
        ] {
            assert_eq!(class(name), Name::Maybe, "{name:?}");
        }
    }

    #[test]
    fn other_names_are_never_opened() {
        for name in [
            "ib_logfile0",
            "ibdata1",
            "aria_log.00000001",
            "mysql-bin.000001",
            "mysqld.sock",
            "my.cnf",
            "t1.ibd",
            "server.key",
            "req.csr",
            "crl.pem.r0",
            "5ed36f99.r0",
            "index.txt",
            ".pem",
            "notes.txt",
        ] {
            assert_eq!(class(name), Name::Other, "{name:?}");
        }
    }

    #[test]
    fn key_names() {
        for name in ["server-key.pem", "ca-key.der", "private_key.pem", "KEY.PEM"] {
            assert!(is_key_name(Path::new(name)), "{name}");
        }
        for name in ["ca-cert.pem", "monkey-cert.pem", "ca.pem"] {
            assert!(!is_key_name(Path::new(name)), "{name}");
        }
    }
}
