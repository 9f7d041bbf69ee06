//! certgen's integration tests, built as one test binary: each file beside
//! this one is a module (`cargo test --test tests MODULE::` runs one of
//! them), and `common` holds what they share.

mod common;

mod architecture;
mod bad_input;
mod bounds;
mod check_expiry;
mod cli_output;
mod client_settings;
mod cmd;
mod completions;
mod config;
mod conformance;
mod connect;
mod crl_config;
mod crl_due;
mod crl_lifecycle;
mod crl_rotation;
mod csr;
mod deploy;
mod deploy_crl;
mod encrypted_ca;
mod expiry_crl;
mod expiry_revoked;
mod force_keeps;
mod force_revoked;
mod guides;
mod input_errors;
mod inspect;
mod json_vocabulary;
mod keystore;
mod kubernetes_secret;
mod list;
mod openssl_interop;
mod pki_store;
mod prompt_signals;
mod races;
mod reading;
mod renew;
mod renew_skips;
mod replacement;
mod retire;
mod revocation;
mod rotation;
mod sanitise;
mod signed_objects;
mod sql_out;
mod ssh_deploy;
mod tls_handshake;
mod usage_errors;
mod validity;
mod verify;
mod verify_rfc5280;
mod verify_strict;
mod verify_traps;
