//! The library's error type: each variant names the step that failed and carries
//! the path or value involved, so the binary can print one precise line.

use std::path::PathBuf;

/// Errors from the certgen library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{action} {path}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file that should not be overwritten is already there.
    #[error("{0} already exists")]
    Exists(PathBuf),
    /// A path is a symbolic link where certgen writes a regular file or directory.
    #[error("{0} is a symbolic link; certgen does not write through links")]
    Symlink(PathBuf),
    /// A file or value could not be parsed.
    #[error("{what}: {reason}")]
    Parse { what: String, reason: String },
    /// A subject or subjectAltName is not acceptable.
    #[error("invalid {what} {value:?}: {reason}")]
    InvalidName {
        what: &'static str,
        value: String,
        reason: String,
    },
    /// A request cannot be honoured as asked (bad option combination, bad value).
    #[error("{0}")]
    Invalid(String),
    /// A private key does not belong to the certificate it is used with.
    #[error("the private key {key} does not match the certificate {cert}")]
    KeyMismatch { key: PathBuf, cert: PathBuf },
    /// A CSR's signature does not verify with its own public key.
    #[error("the CSR's signature does not verify: it was altered or corrupted")]
    BadCsrSignature,
    /// The CA cannot issue at this time or for this request.
    #[error("the CA cannot issue: {0}")]
    Ca(String),
    /// The index could not be read or is inconsistent.
    #[error("index {path} line {line}: {reason}")]
    Index {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    /// The PKI directory has no CA yet.
    #[error("no CA in {0}")]
    NoCa(PathBuf),
    /// A cryptographic operation failed.
    #[error("{0}")]
    Crypto(String),
}

impl Error {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Error::Io {
            action,
            path,
            source,
        }
    }

    pub(crate) fn parse(what: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        Error::Parse {
            what: what.into(),
            reason: reason.to_string(),
        }
    }
}

impl From<rcgen::Error> for Error {
    fn from(e: rcgen::Error) -> Self {
        Error::Crypto(format!("certificate generation failed: {e}"))
    }
}

/// Result with the library's error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
