//! Keystores for the drivers that do not read PEM files: a PKCS#12
//! keystore with a bundle's key and certificate chain (MySQL and MariaDB
//! Connector/J's `keyStore`, pgJDBC's `sslkey`, and the PFX .NET loads),
//! a PKCS#12 truststore with the CA certificates Java trusts, and the key
//! as PKCS#8 DER (`.pk8`), which pgJDBC before 42.7.9 needs beside a PEM
//! certificate.
//!
//! The CA certificates are those `deploy` puts beside the bundle: during a
//! CA changeover the old and the new root (`ca-bundle.pem`), else the
//! bundle's own CA file. Like `deploy`, [`prepare`] refuses a bundle whose
//! key is not its certificate's, that this PKI did not issue, that the
//! index records as revoked, or that has expired, before the password is
//! asked for; [`write`] writes into a directory outside the PKI directory,
//! never over an existing file, the keystore and the `.pk8` key `0600`,
//! all three or none. A batch ([`Checker`], [`write_all`]) does the same
//! for many bundles, each in a directory of its own, all or none.
//!
//! One concept a file: `names` (the files and the alias), `pkcs12` (the
//! PKCS#12 encoding), `prepare` (the checks) and `write`.

mod names;
mod pkcs12;
mod prepare;
mod write;

pub use names::{KEYSTORE, TRUSTSTORE, check_alias, default_alias, pk8_name};
pub use pkcs12::{ITERATIONS, MIN_PASSWORD_CHARS, Password, Profile, Sealer};
pub use prepare::{Checker, Prepared, Request, Skipped, find_bundle, prepare};
pub use write::{Entry, Role, Written, WrittenFile, write, write_all};
