//! The `X509_NAME_oneline` form MySQL and MariaDB compare in
//! `REQUIRE SUBJECT ... AND ISSUER ...`.

use x509_parser::x509::X509Name;

use super::attrs::attr_by_oid;

/// Formats a certificate name exactly as OpenSSL's `X509_NAME_oneline` does,
/// which is the string MySQL and MariaDB compare for `REQUIRE SUBJECT/ISSUER`:
/// each RDN starts with `/`, the further attributes of a multi-valued RDN
/// with `+`; a `/` or `+` inside a value is escaped with a backslash, and
/// bytes outside printable ASCII are written `\xHH` (UTF-8 byte by byte).
pub fn oneline(name: &X509Name<'_>) -> String {
    let mut out = String::new();
    for rdn in name.iter() {
        for (i, atv) in rdn.iter().enumerate() {
            out.push(if i == 0 { '/' } else { '+' });
            let oid: Vec<u64> = atv
                .attr_type()
                .iter()
                .map(|i| i.collect())
                .unwrap_or_default();
            match openssl_short_name(&oid) {
                Some(short) => out.push_str(short),
                None => out.push_str(&atv.attr_type().to_id_string()),
            }
            out.push('=');
            for &b in atv.attr_value().data {
                match b {
                    b'/' | b'+' => {
                        out.push('\\');
                        out.push(b as char);
                    }
                    b' '..=b'~' => out.push(b as char),
                    _ => out.push_str(&format!("\\x{b:02X}")),
                }
            }
        }
    }
    out
}

/// The name OpenSSL prints for an attribute type (`OBJ_nid2sn`): certgen's
/// own attributes, then the others OpenSSL knows, so that certificates made
/// elsewhere read as `openssl x509 -subject` shows them.
fn openssl_short_name(oid: &[u64]) -> Option<&'static str> {
    attr_by_oid(oid)
        .map(|a| a.short)
        .or_else(|| OTHER_NAMES.iter().find(|(o, _)| *o == oid).map(|(_, n)| *n))
}

/// Name attributes OpenSSL knows by name that certgen does not issue.
static OTHER_NAMES: &[(&[u64], &str)] = &[
    (&[2, 5, 4, 1], "aliasedObjectName"),
    (&[2, 5, 4, 2], "knowledgeInformation"),
    (&[2, 5, 4, 13], "description"),
    (&[2, 5, 4, 15], "businessCategory"),
    (&[2, 5, 4, 16], "postalAddress"),
    (&[2, 5, 4, 18], "postOfficeBox"),
    (&[2, 5, 4, 19], "physicalDeliveryOfficeName"),
    (&[2, 5, 4, 20], "telephoneNumber"),
    (&[2, 5, 4, 26], "registeredAddress"),
    (&[2, 5, 4, 41], "name"),
    (&[2, 5, 4, 43], "initials"),
    (&[2, 5, 4, 44], "generationQualifier"),
    (&[2, 5, 4, 45], "x500UniqueIdentifier"),
    (&[2, 5, 4, 46], "dnQualifier"),
    (&[2, 5, 4, 51], "houseIdentifier"),
    (&[2, 5, 4, 54], "dmdName"),
    (&[2, 5, 4, 65], "pseudonym"),
    (&[2, 5, 4, 72], "role"),
    (&[2, 5, 4, 97], "organizationIdentifier"),
    (&[2, 5, 4, 98], "c3"),
    (&[2, 5, 4, 99], "n3"),
    (&[2, 5, 4, 100], "dnsName"),
    (&[1, 2, 840, 113549, 1, 9, 2], "unstructuredName"),
    (&[1, 2, 840, 113549, 1, 9, 8], "unstructuredAddress"),
    (&[0, 9, 2342, 19200300, 100, 1, 3], "mail"),
    (&[1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 1], "jurisdictionL"),
    (&[1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 2], "jurisdictionST"),
    (&[1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 3], "jurisdictionC"),
];

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// DER of a Name from RDNs of (OID, UTF8String value) attributes.
    pub(crate) fn name_der(rdns: &[&[(&[u8], &str)]]) -> Vec<u8> {
        fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
            assert!(body.len() < 128);
            let mut v = vec![tag, body.len() as u8];
            v.extend_from_slice(body);
            v
        }
        let mut seq = Vec::new();
        for rdn in rdns {
            let mut set = Vec::new();
            for (oid, value) in *rdn {
                let mut atv = tlv(0x06, oid);
                atv.extend(tlv(0x0c, value.as_bytes()));
                set.extend(tlv(0x30, &atv));
            }
            seq.extend(tlv(0x31, &set));
        }
        tlv(0x30, &seq)
    }

    fn oneline_of(rdns: &[&[(&[u8], &str)]]) -> String {
        use x509_parser::prelude::FromDer;
        let der = name_der(rdns);
        let (_, name) = X509Name::from_der(&der).unwrap();
        oneline(&name)
    }

    const O: &[u8] = &[0x55, 0x04, 0x0a];
    pub(crate) const OU: &[u8] = &[0x55, 0x04, 0x0b];
    pub(crate) const CN: &[u8] = &[0x55, 0x04, 0x03];

    #[test]
    fn oneline_escapes_slash_and_plus_as_openssl_does() {
        // What `openssl x509 -noout -subject -nameopt compat` prints, and what
        // MariaDB compares with REQUIRE SUBJECT.
        assert_eq!(
            oneline_of(&[&[(O, "a/b+c")], &[(CN, r"u\v é")]]),
            r"/O=a\/b\+c/CN=u\v \xC3\xA9"
        );
    }

    #[test]
    fn oneline_joins_a_multi_valued_rdn_with_plus() {
        assert_eq!(
            oneline_of(&[&[(OU, "x"), (OU, "y")], &[(CN, "u")]]),
            "/OU=x+OU=y/CN=u"
        );
    }

    #[test]
    fn oneline_names_attributes_as_openssl_does() {
        let org_id: &[u8] = &[0x55, 0x04, 0x61];
        let jurisdiction_c: &[u8] = &[
            0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x3c, 0x02, 0x01, 0x03,
        ];
        let unknown: &[u8] = &[0x2a, 0x03, 0x04];
        assert_eq!(
            oneline_of(&[
                &[(org_id, "VATDE-1")],
                &[(jurisdiction_c, "DE")],
                &[(unknown, "x")]
            ]),
            "/organizationIdentifier=VATDE-1/jurisdictionC=DE/1.2.3.4=x"
        );
    }
}
