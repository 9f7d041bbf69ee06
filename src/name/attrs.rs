//! The attribute types certgen accepts in a subject, with the string type
//! and length limit of each.

use crate::error::Error;

/// How an attribute's value is encoded, following OpenSSL's defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum StringKind {
    Utf8,
    Printable,
    Ia5,
}

/// One attribute type certgen accepts in a subject.
#[derive(Debug, PartialEq, Eq)]
pub struct AttrType {
    /// The short name OpenSSL prints (`CN`, `emailAddress`, ...).
    pub short: &'static str,
    long: &'static str,
    pub(super) oid: &'static [u64],
    pub(super) kind: StringKind,
    pub(super) max_len: usize,
}

const fn attr(
    short: &'static str,
    long: &'static str,
    oid: &'static [u64],
    kind: StringKind,
    max_len: usize,
) -> AttrType {
    AttrType {
        short,
        long,
        oid,
        kind,
        max_len,
    }
}

/// Upper bounds are RFC 5280's (ub-common-name 64 and so on).
pub(super) static ATTRS: &[AttrType] = &[
    attr("C", "countryName", &[2, 5, 4, 6], StringKind::Printable, 2),
    attr(
        "ST",
        "stateOrProvinceName",
        &[2, 5, 4, 8],
        StringKind::Utf8,
        128,
    ),
    attr("L", "localityName", &[2, 5, 4, 7], StringKind::Utf8, 128),
    attr(
        "O",
        "organizationName",
        &[2, 5, 4, 10],
        StringKind::Utf8,
        64,
    ),
    attr(
        "OU",
        "organizationalUnitName",
        &[2, 5, 4, 11],
        StringKind::Utf8,
        64,
    ),
    attr("CN", "commonName", &[2, 5, 4, 3], StringKind::Utf8, 64),
    attr(
        "emailAddress",
        "email",
        &[1, 2, 840, 113549, 1, 9, 1],
        StringKind::Ia5,
        255,
    ),
    attr(
        "DC",
        "domainComponent",
        &[0, 9, 2342, 19200300, 100, 1, 25],
        StringKind::Ia5,
        63,
    ),
    attr(
        "serialNumber",
        "serialNumber",
        &[2, 5, 4, 5],
        StringKind::Printable,
        64,
    ),
    attr(
        "street",
        "streetAddress",
        &[2, 5, 4, 9],
        StringKind::Utf8,
        128,
    ),
    attr("title", "title", &[2, 5, 4, 12], StringKind::Utf8, 64),
    attr("GN", "givenName", &[2, 5, 4, 42], StringKind::Utf8, 64),
    attr("SN", "surname", &[2, 5, 4, 4], StringKind::Utf8, 64),
    attr(
        "UID",
        "userId",
        &[0, 9, 2342, 19200300, 100, 1, 1],
        StringKind::Utf8,
        64,
    ),
    attr(
        "postalCode",
        "postalCode",
        &[2, 5, 4, 17],
        StringKind::Utf8,
        40,
    ),
];

pub(super) fn attr_by_name(name: &str) -> Option<&'static AttrType> {
    ATTRS.iter().find(|a| {
        a.short.eq_ignore_ascii_case(name)
            || a.long.eq_ignore_ascii_case(name)
            || (a.short == "emailAddress" && name.eq_ignore_ascii_case("E"))
    })
}

pub(super) fn attr_by_oid(oid: &[u64]) -> Option<&'static AttrType> {
    ATTRS.iter().find(|a| a.oid == oid)
}

/// The error for a value rcgen cannot encode as the string type asked for.
pub(super) fn rcgen_name_error(value: &str) -> impl FnOnce(rcgen::Error) -> Error + '_ {
    move |source| Error::NameEncoding {
        value: value.to_string(),
        source,
    }
}
