//! Rendering helpers shared by the commands: terminal-safe strings and JSON.

use std::io::Write;

use anyhow::Result;

/// Escapes control and bidirectional-override characters so text taken from
/// certificates cannot move the cursor, recolour or reorder a terminal line.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if (c.is_control() && c != '\n') || bidi {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// [`sanitize`] for text shown on one line (a table row, a file name in a
/// heading): line breaks are escaped too, so that a file named
/// `a\nCRITICAL x.pem` cannot add a line of its own.
pub fn sanitize_line(s: &str) -> String {
    sanitize(s).replace('\n', "\\u{a}")
}

/// A list on one line of text: `DNS:db1, IP:10.0.0.1`, or `-` when empty,
/// as a table shows a missing value.
pub fn comma_list(items: &[impl std::fmt::Display]) -> String {
    if items.is_empty() {
        return "-".into();
    }
    let all: Vec<String> = items.iter().map(ToString::to_string).collect();
    all.join(", ")
}

/// Prints a value as pretty JSON on stdout.
pub fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Prints text made by certgen itself (PEM, say) on stdout as it is.
pub fn raw(text: &str) -> Result<()> {
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

/// Prints a line on stdout, sanitised.
pub fn line(text: &str) -> Result<()> {
    writeln!(std::io::stdout().lock(), "{}", sanitize(text))?;
    Ok(())
}

/// Prints a diagnostic on stderr unless quiet.
pub fn note(quiet: bool, text: &str) {
    if !quiet {
        eprintln!("{}", sanitize(text));
    }
}

/// Prints a warning on stderr (always: warnings are never silenced).
pub fn warn(text: impl std::fmt::Display) {
    eprintln!("certgen: warning: {}", sanitize_line(&text.to_string()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_and_bidi() {
        assert_eq!(sanitize("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(sanitize("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(sanitize("café"), "café");
    }

    #[test]
    fn lists_are_comma_separated_and_dash_when_empty() {
        assert_eq!(
            comma_list(&["DNS:db1", "IP:10.0.0.1"]),
            "DNS:db1, IP:10.0.0.1"
        );
        assert_eq!(comma_list(&[] as &[&str]), "-");
    }

    #[test]
    fn one_line_text_escapes_line_breaks_too() {
        assert_eq!(sanitize("a\nb"), "a\nb");
        assert_eq!(
            sanitize_line("a\nCRITICAL\r\x1b"),
            "a\\u{a}CRITICAL\\u{d}\\u{1b}"
        );
    }
}
