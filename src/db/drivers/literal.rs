//! Values as each language and connection-string format reads them back
//! unchanged. Values reach here without control characters
//! ([`super::conn::Conn`] refuses them), so no format needs an escape for a
//! newline.

/// A string literal for JavaScript, Python, Go, Java and C#: double quotes,
/// a backslash and a double quote escaped by a backslash, and the
/// characters one of them reads specially inside a string written as
/// `\uXXXX`, which all five read: the byte order mark (a compile error in Go
/// anywhere but at the start of a file) and the line and paragraph
/// separators (the end of a line to older JavaScript). Every other
/// character, non-ASCII ones included, stands as it is.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\u{feff}' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value in a libpq keyword/value connection string: as it is when
/// plain, else single-quoted with `\` and `'` escaped by a backslash.
pub fn conninfo_value(value: &str) -> String {
    let plain = !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c == '\'' || c == '\\');
    if plain {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

/// Percent-encoding of every byte but RFC 3986's unreserved characters
/// (and `/` when `keep_slash`): what a URI's user, path and query values
/// decode back to the same bytes in libpq, Java's URLDecoder (which reads
/// `+` as a space: it is encoded) and Go's url package.
pub fn percent(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A `file:` URL of an absolute path, as Java's `URL` opens it.
pub fn file_url(path: &str) -> String {
    format!("file:{}", percent(path, true))
}

/// A value in an ADO.NET connection string (MySqlConnector, Npgsql): as it
/// is when plain, else double-quoted with a double quote doubled, which
/// `DbConnectionStringBuilder` reads back. Plain is what it takes unquoted:
/// no `;`, no quote, not empty, and no space at either end.
pub fn ado_value(value: &str) -> String {
    let plain = !value.is_empty() && value.trim() == value && !value.contains([';', '"', '\'']);
    if plain {
        value.to_string()
    } else {
        format!("\"{}\"", value.replace('"', "\"\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_escape_backslashes_quotes_and_separators() {
        assert_eq!(string(r#"/a "b" \c é"#), r#""/a \"b\" \\c é""#);
        assert_eq!(string("a\u{2028}b\u{feff}"), r#""a\u2028b\ufeff""#);
        assert_eq!(string(""), r#""""#);
    }

    #[test]
    fn conninfo_values_escape_quotes_and_backslashes() {
        assert_eq!(conninfo_value(r"/srv/o'b\x"), r"'/srv/o\'b\\x'");
        assert_eq!(conninfo_value("/srv/a b"), "'/srv/a b'");
        assert_eq!(conninfo_value("/srv/ab"), "/srv/ab");
        assert_eq!(conninfo_value(""), "''");
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved_characters() {
        assert_eq!(percent("a+b c/é%", false), "a%2Bb%20c%2F%C3%A9%25");
        assert_eq!(percent("/srv/a b", true), "/srv/a%20b");
        assert_eq!(
            file_url("/srv/o'b #1/k.p12"),
            "file:/srv/o%27b%20%231/k.p12"
        );
    }

    #[test]
    fn ado_values_are_quoted_when_not_plain() {
        assert_eq!(ado_value("/srv/ca.pem"), "/srv/ca.pem");
        assert_eq!(ado_value("/srv/a;b"), "\"/srv/a;b\"");
        assert_eq!(ado_value("/srv/\"q\" 'x'"), "\"/srv/\"\"q\"\" 'x'\"");
        assert_eq!(ado_value(" lead"), "\" lead\"");
    }
}
