//! Characters named the way a person reads them, for error messages.

/// A character as a person reads it in a message: `a quote (')`, `a space`,
/// `the character "#"`, `the character U+202E` for what would not show.
pub fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".into(),
        '\t' => "a tab".into(),
        '\n' => "a line break".into(),
        '\'' => "a quote (')".into(),
        '"' => "a double quote (\")".into(),
        '/' => "a slash (/)".into(),
        '\\' => "a backslash (\\)".into(),
        c if c.is_ascii_graphic() || (c.is_alphanumeric() && !c.is_ascii()) => {
            format!("the character \"{c}\"")
        }
        c => format!("the character U+{:04X}", u32::from(c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::name::{San, Subject};

    #[test]
    fn characters_are_named_as_people_read_them() {
        assert_eq!(describe_char('\''), "a quote (')");
        assert_eq!(describe_char('_'), "the character \"_\"");
        assert_eq!(describe_char('é'), "the character \"é\"");
        assert_eq!(describe_char('\u{1b}'), "the character U+001B");
        assert_eq!(describe_char('\u{202e}'), "the character U+202E");
        let err = San::parse("a_b.com").unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid subjectAltName \"a_b.com\": the character \"_\" is not allowed in a DNS name"
        );
        let err = Subject::parse("/CN=a\tb").unwrap_err().to_string();
        assert!(err.ends_with(": CN holds a tab"), "{err}");
        let err = Subject::from_cn("").unwrap_err().to_string();
        assert_eq!(err, "invalid common name \"\": CN has an empty value");
    }
}
