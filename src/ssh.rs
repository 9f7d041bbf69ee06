//! Delivering bundles to other machines through the system's OpenSSH
//! client (`deploy --to [USER@]HOST:DIR`), reloading the database there
//! and confirming what it then serves. The other machine needs a POSIX
//! shell and coreutils, nothing of certgen's.

mod deliver;
mod probe;
pub mod reload;
mod session;
mod target;

pub use deliver::{RemoteDeployment, RemoteFile, RemoteRequest, deliver};
pub use reload::{Confirmed, confirm, default_endpoint};
pub use session::Ssh;
pub use target::SshTarget;
