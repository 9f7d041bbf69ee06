//! Certificate serial numbers: random ones for new certificates, and the
//! upper-case hex form OpenSSL writes in `index.txt`, text and JSON.

use std::fmt;

/// A certificate serial number.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Serial(Vec<u8>);

impl Serial {
    /// A random positive 128-bit serial (RFC 5280 allows up to 20 octets; the
    /// CA/Browser Forum asks for at least 64 bits of randomness).
    pub fn random() -> Result<Serial, aws_lc_rs::error::Unspecified> {
        loop {
            let mut bytes = vec![0u8; 16];
            aws_lc_rs::rand::fill(&mut bytes)?;
            bytes[0] &= 0x7f; // positive without a leading zero octet
            if bytes[0] != 0 {
                return Ok(Serial(bytes));
            }
        }
    }

    /// A serial from big-endian bytes as found in a certificate.
    pub fn from_bytes(bytes: &[u8]) -> Serial {
        let first = bytes
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(bytes.len().saturating_sub(1));
        Serial(bytes[first..].to_vec())
    }

    /// Parses upper- or lower-case hex, with or without colons.
    pub fn from_hex(hex: &str) -> Result<Serial, BadSerial> {
        let clean: String = hex.chars().filter(|c| *c != ':').collect();
        let padded = if clean.len() % 2 == 1 {
            format!("0{clean}")
        } else {
            clean
        };
        let bad = || BadSerial(hex.to_string());
        if padded.is_empty() || !padded.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let bytes = (0..padded.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&padded[i..i + 2], 16))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| bad())?;
        Ok(Serial::from_bytes(&bytes))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Upper-case hex with an even number of digits, as OpenSSL writes it.
impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in &self.0 {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

/// Serials are written in JSON as in text and `index.txt`.
impl serde::Serialize for Serial {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Text that is not a hexadecimal serial number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a hexadecimal serial number")]
pub struct BadSerial(pub String);
