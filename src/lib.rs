//! certgen: a certificate authority and key-management library for database
//! TLS. The `certgen` binary is a thin command-line layer over it.
//!
//! The library never reads the clock: every time-dependent function takes
//! `now`, so behaviour at any instant can be tested.
#![forbid(unsafe_code)]

pub mod bundle;
pub mod ca;
pub mod ca_key;
pub mod cert;
pub mod crl;
pub mod csr;
pub mod db;
pub mod deploy;
pub mod duration;
pub mod encoding;
pub mod error;
pub mod expiry;
pub mod fleet_view;
pub mod index;
pub mod init_ca;
pub mod input;
pub mod inspect;
pub mod issue;
pub mod key_type;
pub mod keys;
pub mod keystore;
pub mod kind;
pub mod lifecycle;
pub mod name;
pub mod pki;
pub mod profile;
pub mod remote;
pub mod request;
pub mod revoke;
pub mod rfc3339;
pub mod rollout;
pub mod secret;
pub mod serial;
pub mod sign;
pub mod signed;
pub mod signer;
pub mod ssh;
pub mod status;
pub mod store;
pub mod timearg;
pub mod verify;
pub mod warning;

pub use ca::{Ca, CertRequest, Issued};
pub use cert::CertSummary;
pub use error::{Error, Result};
pub use key_type::{KeyFormat, KeyType};
pub use keys::{KeyAlgorithm, KeyInfo, PrivateKey};
pub use name::{San, Subject};
pub use profile::Profile;
pub use store::Store;
pub use warning::Warning;
