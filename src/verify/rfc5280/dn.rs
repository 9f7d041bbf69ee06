//! Distinguished names compared as RFC 5280 section 7.1 asks: attribute by
//! attribute, with string values prepared per RFC 4518 (case folded, inner
//! whitespace collapsed, leading and trailing whitespace dropped), so an
//! issuer written `O=Example  CA` chains to a subject `o=example ca`, and a
//! PrintableString matches the same text as a UTF8String.

use x509_parser::der_parser::asn1_rs::Tag;
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

/// One attribute value, prepared for comparison.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Value {
    /// A character string after RFC 4518 preparation.
    Text(String),
    /// Any other value, compared byte for byte with its tag.
    Raw(u32, Vec<u8>),
}

/// A name prepared for comparison: RDNs in order, each a sorted set of
/// (attribute type, value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Dn(Vec<Vec<(Vec<u8>, Value)>>);

impl Dn {
    pub(crate) fn of(name: &X509Name<'_>) -> Dn {
        Dn(name
            .iter_rdn()
            .map(|rdn| {
                let mut set: Vec<_> = rdn.iter().map(attribute).collect();
                set.sort();
                set
            })
            .collect())
    }

    /// Whether `self` lies in the subtree rooted at `base` (RFC 5280
    /// 4.2.1.10: the base's RDNs begin the name).
    pub(crate) fn within(&self, base: &Dn) -> bool {
        base.0.len() <= self.0.len() && self.0[..base.0.len()] == base.0[..]
    }
}

fn attribute(attr: &AttributeTypeAndValue<'_>) -> (Vec<u8>, Value) {
    let value = attr.attr_value();
    let text = match value.tag() {
        Tag::PrintableString | Tag::Utf8String | Tag::Ia5String | Tag::NumericString => {
            std::str::from_utf8(value.data).ok().map(str::to_string)
        }
        Tag::BmpString => utf16(value.data),
        Tag::UniversalString => utf32(value.data),
        // T.61 as Latin-1, the way every deployed parser reads it.
        Tag::TeletexString => Some(value.data.iter().map(|b| char::from(*b)).collect()),
        _ => None,
    };
    let prepared = match text {
        Some(t) => Value::Text(prepare(&t)),
        None => Value::Raw(value.tag().0, value.data.to_vec()),
    };
    (attr.attr_type().as_bytes().to_vec(), prepared)
}

/// RFC 4518 string preparation, simplified to what names in certificates
/// need: case folding and insignificant whitespace.
pub(crate) fn prepare(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

fn utf16(data: &[u8]) -> Option<String> {
    if !data.len().is_multiple_of(2) {
        return None;
    }
    let units = data.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
    char::decode_utf16(units).collect::<Result<_, _>>().ok()
}

fn utf32(data: &[u8]) -> Option<String> {
    if !data.len().is_multiple_of(4) {
        return None;
    }
    data.chunks(4)
        .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preparation_folds_case_and_whitespace() {
        assert_eq!(prepare("  Good \t  CA "), "good ca");
        assert_eq!(prepare("ÉCOLE"), "école");
        assert_eq!(utf16(&[0, b'A', 0, b'b']).as_deref(), Some("Ab"));
    }
}
