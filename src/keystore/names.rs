//! The names of what `keystore` writes: the files and the key entry's alias.

use crate::error::{Error, Result};
use crate::kind::Kind;

/// The keystore's file name.
pub const KEYSTORE: &str = "keystore.p12";
/// The truststore's file name.
pub const TRUSTSTORE: &str = "truststore.p12";

/// The key entry's alias when none is given: `user` for a user's bundle,
/// the one alias pgJDBC reads from a PKCS#12 `sslkey`; `server` for a
/// server's.
pub fn default_alias(kind: Kind) -> &'static str {
    kind.noun()
}

/// The `.pk8` key's file name: the bundle's key file's, `client-key.pk8` or
/// `server-key.pk8`.
pub fn pk8_name(kind: Kind) -> String {
    let (key, _) = kind.file_names();
    format!("{}.pk8", key.trim_end_matches(".pem"))
}

/// Checks an alias: Java lowercases aliases of PKCS#12 stores, so an
/// upper-case one would be listed and looked up under another name.
pub fn check_alias(alias: &str) -> Result<()> {
    let bad = |reason: &str| Error::InvalidName {
        what: "alias",
        value: alias.to_string(),
        reason: reason.to_string(),
    };
    if alias.is_empty() || alias.chars().count() > 64 {
        return Err(bad("it must be 1 to 64 characters long"));
    }
    if alias.chars().any(char::is_uppercase) {
        return Err(bad(
            "Java lowercases the aliases of PKCS#12 stores: give it in lower case",
        ));
    }
    if let Some(c) = alias
        .chars()
        .find(|c| !(c.is_alphanumeric() || "._-@".contains(*c)))
    {
        return Err(bad(&format!(
            "{} is not allowed in an alias",
            crate::name::describe_char(c)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_what_java_lists() {
        for good in ["user", "server", "app-1", "db1.example", "ca_2"] {
            assert!(check_alias(good).is_ok(), "{good}");
        }
        let message = |a: &str| check_alias(a).unwrap_err().to_string();
        assert!(message("User").contains("lowercases"));
        assert!(message("").contains("1 to 64"));
        assert!(message("a b").contains("a space"));
        assert_eq!(default_alias(Kind::User), "user");
    }

    #[test]
    fn the_pk8_key_is_named_after_the_bundle_key() {
        assert_eq!(pk8_name(Kind::User), "client-key.pk8");
        assert_eq!(pk8_name(Kind::Server), "server-key.pk8");
    }
}
