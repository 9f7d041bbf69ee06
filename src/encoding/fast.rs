//! The fast PEM reader for certificates only, for scans of many files
//! (`check-expiry`): `rustls-pki-types` decodes base64 in constant time,
//! which is right for keys and several times slower than needed for public
//! certificates. Everything else, keys included, is read by the constant-time
//! reader of [`crate::encoding`]; anything this reader finds off is read by
//! that one again, which says what is wrong.

/// Buffers the PEM fast path reuses from one certificate to the next.
#[derive(Default)]
pub struct Scratch {
    base64: Vec<u8>,
    der: Vec<u8>,
}

/// Calls `each` with the DER of every certificate block in PEM text, and
/// returns false when anything looks off (a block without its END line, bad
/// base64, no certificate), in which case the caller discards what `each`
/// made and takes the strict path that says what is wrong.
///
/// This is the fast path for the common file: `rustls-pki-types` decodes
/// base64 in constant time, which is right for keys and several times
/// slower than needed for public certificates.
pub fn each_certificate(bytes: &[u8], scratch: &mut Scratch, mut each: impl FnMut(&[u8])) -> bool {
    const BEGIN: &[u8] = b"-----BEGIN ";
    const DASHES: &[u8] = b"-----";
    let mut found = false;
    let mut rest = bytes;
    while let Some(start) = memchr::memmem::find(rest, BEGIN) {
        let after = &rest[start + BEGIN.len()..];
        let Some(label_len) = memchr::memmem::find(after, DASHES) else {
            return false;
        };
        let label = &after[..label_len];
        let body = &after[label_len + DASHES.len()..];
        let Some((end, end_len)) = find_end(body, label) else {
            return false;
        };
        if matches!(
            label,
            b"CERTIFICATE" | b"X509 CERTIFICATE" | b"TRUSTED CERTIFICATE"
        ) {
            if !decode_base64(&body[..end], scratch) {
                return false;
            }
            found = true;
            each(&scratch.der);
        }
        rest = &body[end + end_len..];
    }
    found
}

/// Where `-----END {label}-----` starts in `body`, and its length.
fn find_end(body: &[u8], label: &[u8]) -> Option<(usize, usize)> {
    const END: &[u8] = b"-----END ";
    const DASHES: &[u8] = b"-----";
    let mut from = 0;
    loop {
        let at = from + memchr::memmem::find(&body[from..], END)?;
        let tail = &body[at + END.len()..];
        if tail.starts_with(label) && tail[label.len()..].starts_with(DASHES) {
            return Some((at, END.len() + label.len() + DASHES.len()));
        }
        from = at + 1;
    }
}

/// [`each_certificate`] collected: the DER of every certificate block, or
/// `None` when anything looks off.
#[cfg(test)]
pub fn pem_certificates(bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let ok = each_certificate(bytes, &mut Scratch::default(), |der| out.push(der.to_vec()));
    ok.then_some(out)
}

/// Decodes base64 split into lines (surrounding blanks ignored) into
/// `scratch.der`.
fn decode_base64(body: &[u8], scratch: &mut Scratch) -> bool {
    use base64::Engine as _;
    let clean = &mut scratch.base64;
    clean.clear();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', body).chain([body.len()]) {
        clean.extend_from_slice(body[start..end].trim_ascii());
        start = end + 1;
    }
    scratch.der.clear();
    base64::engine::general_purpose::STANDARD
        .decode_vec(clean.as_slice(), &mut scratch.der)
        .is_ok()
}
