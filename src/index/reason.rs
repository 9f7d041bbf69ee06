//! Why a certificate was revoked: the CRLReason codes of RFC 5280 5.3.1,
//! spelled as `openssl ca` writes them in `index.txt` and read in either
//! spelling. The one table of reason names; the CRL maps codes to its own.

use std::fmt;

/// A reason for revoking (RFC 5280 5.3.1), the ones an operator gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Reason {
    #[serde(rename = "unspecified")]
    Unspecified,
    #[serde(rename = "keyCompromise")]
    KeyCompromise,
    #[serde(rename = "CACompromise")]
    CaCompromise,
    #[serde(rename = "affiliationChanged")]
    AffiliationChanged,
    #[serde(rename = "superseded")]
    Superseded,
    #[serde(rename = "cessationOfOperation")]
    CessationOfOperation,
}

impl Reason {
    pub const ALL: [Reason; 6] = [
        Reason::Unspecified,
        Reason::KeyCompromise,
        Reason::CaCompromise,
        Reason::AffiliationChanged,
        Reason::Superseded,
        Reason::CessationOfOperation,
    ];

    /// The name as `openssl ca` writes it in `index.txt` (`CACompromise`).
    pub fn index_name(self) -> &'static str {
        reason_name(self.code())
    }

    /// The name as the command line takes it: RFC 5280's spelling.
    pub fn rfc_name(self) -> &'static str {
        match self {
            Reason::CaCompromise => "caCompromise",
            other => other.index_name(),
        }
    }

    /// The CRLReason code.
    pub fn code(self) -> u8 {
        match self {
            Reason::Unspecified => 0,
            Reason::KeyCompromise => 1,
            Reason::CaCompromise => 2,
            Reason::AffiliationChanged => 3,
            Reason::Superseded => 4,
            Reason::CessationOfOperation => 5,
        }
    }

    /// A reason by name, in either spelling, ignoring case as `openssl ca` does.
    pub fn from_name(name: &str) -> Option<Reason> {
        Reason::ALL
            .into_iter()
            .find(|r| r.index_name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.index_name())
    }
}

/// A CRL reason code as `openssl ca` writes it in `index.txt` and `list`
/// reports it (RFC 5280 5.3.1).
pub fn reason_name(code: u8) -> &'static str {
    match code {
        0 => "unspecified",
        1 => "keyCompromise",
        2 => "CACompromise",
        3 => "affiliationChanged",
        4 => "superseded",
        5 => "cessationOfOperation",
        6 => "certificateHold",
        8 => "removeFromCRL",
        9 => "privilegeWithdrawn",
        10 => "AACompromise",
        _ => "unknown",
    }
}

/// The code of a reason as `openssl ca` reads it from the index
/// (case-insensitive), including the names it writes for `-crl_hold`
/// (`holdInstruction`) and `-crl_compromise`/`-crl_CA_compromise`
/// (`keyTime`, `CAkeyTime`, which carry an invalidity date after a comma).
pub fn code_of(name: &str) -> Option<u8> {
    let other = [("holdInstruction", 6), ("keyTime", 1), ("CAkeyTime", 2)];
    (0..=10u8)
        .filter(|c| *c != 7)
        .map(|c| (reason_name(c), c))
        .chain(other)
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_spelled_as_openssl_writes_them_and_read_in_either_spelling() {
        let written: Vec<&str> = Reason::ALL.iter().map(|r| r.index_name()).collect();
        assert_eq!(
            written,
            [
                "unspecified",
                "keyCompromise",
                "CACompromise",
                "affiliationChanged",
                "superseded",
                "cessationOfOperation"
            ]
        );
        for r in Reason::ALL {
            assert_eq!(Reason::from_name(r.rfc_name()), Some(r));
            assert_eq!(Reason::from_name(r.index_name()), Some(r));
            assert_eq!(reason_name(r.code()), r.index_name());
            assert_eq!(serde_json::to_value(r).unwrap(), r.index_name());
        }
        assert_eq!(Reason::CaCompromise.rfc_name(), "caCompromise");
        assert_eq!(
            Reason::from_name("KEYCOMPROMISE"),
            Some(Reason::KeyCompromise)
        );
        assert_eq!(Reason::from_name("certificateHold"), None);
    }
}
