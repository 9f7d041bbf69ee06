//! Every parser that reads untrusted files: check-expiry's classifier (as
//! for a file named on the command line and one met in a directory walk),
//! inspect's reader, and private key loading. None may panic.
#![no_main]

use std::path::Path;

use certgen::expiry::{Thresholds, check_bytes};
use certgen::inspect::inspect_bytes;
use libfuzzer_sys::fuzz_target;
use time::{Duration, OffsetDateTime};

fuzz_target!(|data: &[u8]| {
    let now = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
    let Ok(thresholds) = Thresholds::new(Duration::days(30), Duration::days(7)) else {
        return;
    };
    let _ = check_bytes(Path::new("input.pem"), data, true, thresholds, now);
    let _ = check_bytes(Path::new("input"), data, false, thresholds, now);
    let _ = inspect_bytes("input", data, now);
    let _ = certgen::PrivateKey::from_bytes("input", data);
});
