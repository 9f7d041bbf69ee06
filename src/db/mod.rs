//! What each database needs to use the certificates: its settings and its SQL,
//! built from the bundles, so the binary only prints them.

pub mod mysql;
