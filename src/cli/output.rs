//! Rendering helpers shared by the commands: terminal-safe strings and JSON.

use std::io::{self, Write};

use anyhow::Result;
use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter, Serializer};

/// Whether a character must not reach a terminal as it is: a control
/// character other than a line break, or an invisible one that can hide,
/// join or reorder what is shown (text taken from certificates or file names
/// could otherwise look like something else). The invisible ones: the soft
/// hyphen, the Arabic letter mark, zero-width spaces and joiners, the
/// left-to-right and right-to-left marks, the line and paragraph separators,
/// the bidirectional embeddings, overrides and isolates, the word joiner and
/// invisible operators (U+2060 to U+206F), the byte-order mark, and the tag
/// characters (U+E0000 to U+E007F).
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{ad}'
                | '\u{61c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

/// Escapes control and invisible characters ([`is_unsafe`]) as `\u{...}` so
/// text taken from certificates cannot move the cursor, recolour, hide or
/// reorder a terminal line.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_unsafe(c) {
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

/// Prints a value as pretty JSON on stdout, terminal-safe ([`TerminalSafe`]).
pub fn print_json(value: &impl Serialize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    write_json_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Writes a value as pretty JSON, terminal-safe ([`TerminalSafe`]).
pub fn write_json_pretty(out: &mut dyn Write, value: &impl Serialize) -> serde_json::Result<()> {
    value.serialize(&mut Serializer::with_formatter(
        out,
        TerminalSafe(PrettyFormatter::new()),
    ))
}

/// Writes a value as JSON on one line, terminal-safe ([`TerminalSafe`]).
pub fn write_json(out: &mut dyn Write, value: &impl Serialize) -> serde_json::Result<()> {
    value.serialize(&mut Serializer::with_formatter(
        out,
        TerminalSafe(CompactFormatter),
    ))
}

/// serde_json's layout `F`, with the characters [`is_unsafe`] finds in
/// strings written as `\uXXXX` escapes (a surrogate pair beyond U+FFFF),
/// which serde_json writes as they are: the document still decodes to the
/// same strings, and a terminal showing it never receives them raw.
struct TerminalSafe<F>(F);

impl<F: Formatter> Formatter for TerminalSafe<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices().filter(|(_, c)| is_unsafe(*c)) {
            writer.write_all(&fragment.as_bytes()[start..at])?;
            for unit in c.encode_utf16(&mut [0; 2]) {
                write!(writer, "\\u{unit:04x}")?;
            }
            start = at + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    // The layout is F's.

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
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

    /// Every invisible character the terminal must not receive raw, with a
    /// visible neighbour on each side of each range.
    const INVISIBLE: &str = "\u{ad}\u{61c}\u{200b}\u{200c}\u{200d}\u{200e}\u{200f}\
        \u{2028}\u{2029}\u{202a}\u{202b}\u{202c}\u{202d}\u{202e}\
        \u{2060}\u{2061}\u{2064}\u{2066}\u{2069}\u{206a}\u{206f}\
        \u{feff}\u{e0000}\u{e0001}\u{e0041}\u{e007f}";
    const VISIBLE: &str = "a\u{ac}\u{ae}\u{61b}\u{61d}\u{200a}\u{2010}\u{2027}\u{202f}\
        \u{205f}\u{2070}\u{fefe}\u{ff01}\u{dffff}\u{e0080}\u{e0100}é\u{1f600}";

    #[test]
    fn escapes_zero_width_bidi_and_tag_characters() {
        for c in INVISIBLE.chars() {
            assert!(is_unsafe(c), "{c:?}");
            let text = format!("x{c}y");
            assert_eq!(sanitize(&text), format!("x{}y", c.escape_unicode()));
            assert_eq!(sanitize_line(&text), sanitize(&text));
        }
        for c in VISIBLE.chars() {
            assert!(!is_unsafe(c), "{c:?}");
            assert_eq!(sanitize(&format!("x{c}y")), format!("x{c}y"));
        }
        assert_eq!(sanitize("\u{202e}\u{e0041}"), "\\u{202e}\\u{e0041}");
    }

    fn json(value: &impl Serialize, pretty: bool) -> String {
        let mut out = Vec::new();
        if pretty {
            let mut ser =
                Serializer::with_formatter(&mut out, TerminalSafe(PrettyFormatter::new()));
            value.serialize(&mut ser).unwrap();
        } else {
            write_json(&mut out, value).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_escapes_what_a_terminal_must_not_see_and_decodes_the_same() {
        let hostile = format!("{INVISIBLE}{VISIBLE}\x1b\x7f\u{9b}\n\"\\");
        let value = serde_json::json!({ hostile.clone(): [hostile.clone(), "plain"] });
        for pretty in [true, false] {
            let text = json(&value, pretty);
            assert!(
                !text.chars().any(|c| is_unsafe(c) || c == '\n' && !pretty),
                "{text:?}"
            );
            assert!(
                text.contains("\\u202e") && text.contains("\\udb40\\udc41"),
                "{text}"
            );
            assert!(
                text.contains("é\u{1f600}"),
                "what is visible stays as it is: {text}"
            );
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, value);
            assert_eq!(back[&hostile][0], hostile.as_str());
        }
    }

    #[test]
    fn json_layout_is_serde_json_s() {
        let value = serde_json::json!({"a": [1, {"b": "café", "c": []}], "d": {}, "e": null});
        assert_eq!(
            json(&value, true),
            serde_json::to_string_pretty(&value).unwrap()
        );
        assert_eq!(json(&value, false), serde_json::to_string(&value).unwrap());
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
