//! The key types certgen generates and the formats it writes keys in: plain
//! names shared by the error type, the key code and the command line. They
//! are parsed (with the library's error) in [`crate::keys`].

use std::fmt;

/// The kinds of key certgen generates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyType {
    Rsa2048,
    Rsa3072,
    Rsa4096,
    EcdsaP256,
    EcdsaP384,
    Ed25519,
}

impl KeyType {
    pub const ALL: [KeyType; 6] = [
        KeyType::Rsa2048,
        KeyType::Rsa3072,
        KeyType::Rsa4096,
        KeyType::EcdsaP256,
        KeyType::EcdsaP384,
        KeyType::Ed25519,
    ];

    pub fn name(self) -> &'static str {
        match self {
            KeyType::Rsa2048 => "rsa2048",
            KeyType::Rsa3072 => "rsa3072",
            KeyType::Rsa4096 => "rsa4096",
            KeyType::EcdsaP256 => "ecdsa-p256",
            KeyType::EcdsaP384 => "ecdsa-p384",
            KeyType::Ed25519 => "ed25519",
        }
    }

    pub fn is_rsa(self) -> bool {
        matches!(self, KeyType::Rsa2048 | KeyType::Rsa3072 | KeyType::Rsa4096)
    }

    pub fn is_ec(self) -> bool {
        matches!(self, KeyType::EcdsaP256 | KeyType::EcdsaP384)
    }

    /// Whether `format` can encode keys of this type.
    pub fn supports(self, format: KeyFormat) -> bool {
        match format {
            KeyFormat::Pkcs8 => true,
            KeyFormat::Pkcs1 => self.is_rsa(),
            KeyFormat::Sec1 => self.is_ec(),
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// On-disk encodings of a private key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeyFormat {
    /// `BEGIN PRIVATE KEY` (RFC 5958), readable by everything current.
    #[default]
    Pkcs8,
    /// `BEGIN RSA PRIVATE KEY` (RFC 8017), what MySQL 5.x built with yaSSL needs.
    Pkcs1,
    /// `BEGIN EC PRIVATE KEY` (RFC 5915).
    Sec1,
}

impl KeyFormat {
    pub fn name(self) -> &'static str {
        match self {
            KeyFormat::Pkcs8 => "pkcs8",
            KeyFormat::Pkcs1 => "pkcs1",
            KeyFormat::Sec1 => "sec1",
        }
    }

    /// The keys this format can hold.
    pub fn holds(self) -> &'static str {
        match self {
            KeyFormat::Pkcs8 => "every key type",
            KeyFormat::Pkcs1 => "RSA keys",
            KeyFormat::Sec1 => "ECDSA keys",
        }
    }
}

impl fmt::Display for KeyFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
