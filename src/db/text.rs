//! Values as settings files and shells read them: paths as text, no control
//! characters, words quoted for a POSIX shell.

use std::path::Path;

use crate::error::{Error, Result};

/// A path as text, refused when it is not UTF-8: a settings file holds text.
pub fn path_text<'p>(what: &str, path: &'p Path, file: &'static str) -> Result<&'p str> {
    path.to_str().ok_or_else(|| Error::UnsafeConfigValue {
        what: what.to_string(),
        value: path.display().to_string(),
        file,
        reason: "it is not valid UTF-8",
    })
}

/// Refuses control characters (a newline would start a new setting), in
/// every file format.
pub fn no_control(what: &str, value: &str, file: &'static str) -> Result<()> {
    if value.chars().any(char::is_control) {
        return Err(Error::UnsafeConfigValue {
            what: what.to_string(),
            value: value.to_string(),
            file,
            reason: "it holds a control character (such as a newline)",
        });
    }
    Ok(())
}

/// A word for a POSIX shell: single-quoted unless it is plainly safe.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:@%+,".contains(&b));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
