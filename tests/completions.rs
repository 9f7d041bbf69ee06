//! The committed completions and man pages match what the binary generates;
//! run scripts/gen-completions after changing the command line.

use crate::common::*;

#[test]
fn committed_completions_are_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, file) in [
        ("bash", "certgen.bash"),
        ("zsh", "_certgen"),
        ("fish", "certgen.fish"),
        ("elvish", "certgen.elv"),
        ("powershell", "_certgen.ps1"),
    ] {
        let generated = ok(root, &["completions", shell]);
        let committed =
            std::fs::read_to_string(root.join("completions").join(file)).unwrap_or_default();
        assert!(
            generated == committed,
            "completions/{file} is stale: run scripts/gen-completions"
        );
        assert!(
            generated.contains("issue-client"),
            "{shell} completes subcommands"
        );
    }
}

#[test]
fn committed_man_pages_are_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("man");
    ok(root, &["man", "--out", out.to_str().unwrap()]);
    let generated = snapshot(&out);
    assert!(generated.iter().any(|(f, _)| f == "certgen.1"));
    assert_eq!(
        generated,
        snapshot(&root.join("docs/man")),
        "docs/man is stale: run scripts/gen-completions"
    );
}
