//! The CRL number, kept in `crlnumber` as `openssl ca` keeps it: the next
//! number, in hex (1 when the file is missing).

use std::path::Path;

use crate::error::{Error, Result};
use crate::input::{read_file_limited, utf8};
use crate::serial::Serial;

/// The next CRL number, in hex, as `openssl ca` keeps it.
pub const CRL_NUMBER: &str = "crlnumber";

/// The number for this CRL: `crlnumber`'s content, or 1 when it is missing.
pub fn read_number(path: &Path) -> Result<Serial> {
    let text = match read_file_limited(path, 1024).and_then(utf8) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Serial::from_bytes(&[1])),
        Err(e) => return Err(Error::io("reading", path)(e)),
    };
    let number = Serial::from_hex(text.trim()).map_err(|_| Error::BadCrlNumber {
        path: path.to_path_buf(),
    })?;
    let octets = number.as_bytes();
    if octets.len() > 20 || (octets.len() == 20 && octets[0] & 0x80 != 0) {
        return Err(Error::CrlNumberTooLong {
            path: path.to_path_buf(),
        });
    }
    Ok(number)
}

/// `n + 1`.
pub fn increment(n: &Serial) -> Serial {
    let mut bytes = n.as_bytes().to_vec();
    for b in bytes.iter_mut().rev() {
        let (v, carry) = b.overflowing_add(1);
        *b = v;
        if !carry {
            return Serial::from_bytes(&bytes);
        }
    }
    bytes.insert(0, 1);
    Serial::from_bytes(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_of_more_than_20_octets_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("crlnumber");
        let read = |text: &str| {
            std::fs::write(&path, text).unwrap();
            read_number(&path)
        };
        let largest = format!("7F{}\n", "FF".repeat(19));
        assert_eq!(read(&largest).unwrap().as_bytes().len(), 20);
        assert_eq!(
            read(&format!("0000{largest}")).unwrap().as_bytes().len(),
            20
        );
        for long in [format!("80{}", "00".repeat(19)), "01".repeat(21)] {
            let err = read(&long).unwrap_err();
            assert!(
                matches!(err, Error::CrlNumberTooLong { .. }),
                "{long}: {err}"
            );
        }
        let err = read(&"0".repeat(2000)).unwrap_err();
        assert!(err.to_string().starts_with("reading"), "{err}");
    }

    #[test]
    fn numbers_count_up_in_hex() {
        let n = |h: &str| Serial::from_hex(h).unwrap();
        assert_eq!(increment(&n("01")).to_string(), "02");
        assert_eq!(increment(&n("0F")).to_string(), "10");
        assert_eq!(increment(&n("FF")).to_string(), "0100");
        assert_eq!(increment(&n("01FF")).to_string(), "0200");
    }
}
