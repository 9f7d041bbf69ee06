//! `certgen rollout`: the bundles of an inventory delivered to each host
//! over SSH, its database reloaded and what it serves confirmed.

mod inventory;
mod run;

pub use inventory::{Host, HostBundle, INVENTORY, load};
pub use run::{HostOutcome, Settings, State, rollout};
