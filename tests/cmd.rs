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
//! `TRYCMD=overwrite cargo test --test tests cmd::` and read the diff.

#[test]
fn transcripts() {
    // The cases inherit this process's environment, which must hold no
    // CERTGEN_* variable. Other tests run in this process meanwhile, so
    // instead of changing its environment the test runs again, alone, in a
    // child process without them.
    let certgen_vars: Vec<_> = std::env::vars_os()
        .map(|(name, _)| name)
        .filter(|name| name.to_string_lossy().starts_with("CERTGEN_"))
        .collect();
    if !certgen_vars.is_empty() {
        let module = module_path!().split_once("::").map_or("", |(_, m)| m);
        let mut child = std::process::Command::new(std::env::current_exe().unwrap());
        child.args(["--exact", &format!("{module}::transcripts"), "--nocapture"]);
        for name in &certgen_vars {
            child.env_remove(name);
        }
        let out = child.output().expect("running the transcripts again");
        let stdout = String::from_utf8_lossy(&out.stdout);
        print!("{stdout}");
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
        assert!(
            out.status.success() && stdout.contains("test result: ok. 1 passed"),
            "the transcripts failed"
        );
        return;
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
