//! One view of a PKI directory, for `certgen status`: its CA (and a CA
//! changeover in progress), its CRL file, and every bundle under
//! `servers/` and `users/` with the state the index gives its certificate.
//!
//! Nothing is decided twice: certificates and CRLs are judged by
//! check-expiry's thresholds (`crate::expiry`), revocations as check-expiry
//! judges a certificate met in the PKI directory, which CAs issue now by
//! `crate::pki`, and whether the CRL file is due by `crate::crl::why_due`.
//! What status adds are the checks only a view of the whole directory can
//! make: a bundle whose certificate is not the one the index records for
//! it, or that another CA issued.
//!
//! Everything is a row with a [`Verdict`] (a level and why, as a
//! check-expiry finding has) and the further problems found with it; which
//! status wins is the caller's. A view of other hosts joins these rows on
//! a bundle's [`crate::bundle::BundleId`] and serial, and adds rows of its
//! own with the same verdicts.
//!
//! One concept a file: `verdict`, `ca` (the CA and the changeover), `crls`
//! (the CRL file), `bundles` (one row a bundle) and `overview` (reading the
//! whole directory once, consistently).

mod bundles;
mod ca;
mod crls;
mod overview;
mod verdict;

pub use bundles::{BundleRow, Leaf, State};
pub use ca::{CaCert, Changeover, Issuer, Role};
pub use crls::{CrlFile, CrlRow};
pub use overview::{Options, PkiStatus, read};
pub use verdict::Verdict;
