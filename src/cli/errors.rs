//! How a failed command reaches the user: one `certgen: error: ...` line with
//! the whole cause chain, and a `hint:` line when the fix is obvious. The
//! library states what failed; the command-line wording of a fix is here.

use certgen::Error;

use super::output::sanitize;

/// Prints an error line and an optional hint on stderr, coloured when asked.
pub fn print_error(color: bool, message: &str, hint: Option<&str>) {
    let (prefix, hint_prefix) = if color {
        ("\x1b[1;31merror:\x1b[0m", "\x1b[1;36mhint:\x1b[0m")
    } else {
        ("error:", "hint:")
    };
    eprintln!("certgen: {prefix} {}", sanitize(message));
    if let Some(hint) = hint {
        eprintln!("{hint_prefix} {}", sanitize(hint));
    }
}

/// Whether the error is a closed stdout (`certgen list | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    let pipe = Some(std::io::ErrorKind::BrokenPipe);
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().map(std::io::Error::kind) == pipe
            || e.downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == pipe
    })
}

/// A `hint:` line for errors with an obvious fix.
pub fn hint(err: &anyhow::Error) -> Option<String> {
    let e = err.chain().find_map(|c| c.downcast_ref::<Error>())?;
    match e {
        Error::Exists(_) => Some(
            "pass --force to move the existing files to old_keys/<timestamp>/ and replace them"
                .into(),
        ),
        Error::NoCa(dir) => Some(format!(
            "run `certgen --dir {} init-ca` first, or point --dir (or CERTGEN_DIR) at your PKI directory",
            dir.display()
        )),
        Error::KeyMismatch { .. } => Some(
            "the CA's key and certificate must be a pair; restore the right key from old_keys/ or a backup"
                .into(),
        ),
        Error::Io { source, .. } if source.kind() == std::io::ErrorKind::PermissionDenied => {
            Some("check the directory's owner and permissions, or choose another --dir".into())
        }
        Error::Symlink(_) => Some("remove the link, or point --dir at the real directory".into()),
        _ => None,
    }
}
