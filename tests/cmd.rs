//! Transcripts of certgen's command line. Each `tests/cmd/<command>/*.toml`
//! runs certgen once and compares its exit status, stdout and stderr with
//! the `.stdout` and `.stderr` files beside it: `--help` of every command,
//! representative text and JSON output, and refusals.
//!
//! Cases read the fixture PKI in `tests/cmd/fixtures/` (made by its
//! `make.sh`, with fixed dates); cases that write run in a copy of it, or in
//! an empty directory (`fs.sandbox = true`). Issuing commands take the
//! hidden `--now`, checking commands `--at`, so every date is exact.
//!
//! After a deliberate change to the output, update the snapshots with
//! `TRYCMD=overwrite cargo test --test cmd` and read the diff.

#[test]
fn transcripts() {
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CERTGEN_") {
            // SAFETY: this test binary holds this one test, and nothing else
            // in the process reads or writes the environment while it runs;
            // the cases' processes are started afterwards.
            unsafe { std::env::remove_var(&name) };
        }
    }
    trycmd::TestCases::new()
        .register_bin(
            "certgen",
            std::path::Path::new(env!("CARGO_BIN_EXE_certgen")),
        )
        .default_bin_name("certgen")
        // UTC, no colour, and help wrapped at 100 columns: stdin, stdout
        // and stderr are pipes, so clap takes the width from COLUMNS.
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .case("tests/cmd/*/*.toml");
}
