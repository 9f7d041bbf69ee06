//! CSRs and CRLs whose signature algorithm identifier was corrupted are
//! refused as OpenSSL refuses them, naming the file; a CSR of an RSA key of
//! 16384 bits (OpenSSL's largest) is read and signed.
//!
//! The malformed inputs are real openssl-made CSRs and certgen-made CRLs
//! with their DER edited.

use std::path::Path;

use crate::common::*;

/// When the PKI is made and checked.
const NOW: &str = "2030-01-01T00:00:00Z";

/// sha256WithRSAEncryption, and ECDSA with SHA-256 and SHA-384 (OBJECT
/// IDENTIFIER elements).
const SHA256_RSA: &str = "06092a864886f70d01010b";
const ECDSA_SHA256: &str = "06082a8648ce3d040302";
const ECDSA_SHA384: &str = "06082a8648ce3d040303";

/// An RSA key of 16384 bits made by openssl (see input_errors.rs).
const RSA16384_KEY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/rsa16384-key.pem");

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn der_length(len: usize) -> Vec<u8> {
    if len < 0x80 {
        return vec![len as u8];
    }
    let bytes: Vec<u8> = len
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    let mut out = vec![0x80 | bytes.len() as u8];
    out.extend(bytes);
    out
}

/// The elements inside the DER element `der` (a SEQUENCE).
fn children(der: &[u8]) -> Vec<Vec<u8>> {
    fn header(b: &[u8]) -> (usize, usize) {
        match b[1] {
            l @ 0..=0x7f => (2, usize::from(l)),
            l => {
                let n = usize::from(l & 0x7f);
                let len = b[2..2 + n]
                    .iter()
                    .fold(0, |acc, x| acc << 8 | usize::from(*x));
                (2 + n, len)
            }
        }
    }
    let (h, len) = header(der);
    let mut rest = &der[h..h + len];
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (h, len) = header(rest);
        out.push(rest[..h + len].to_vec());
        rest = &rest[h + len..];
    }
    out
}

/// A SEQUENCE of `parts`.
fn sequence(parts: &[Vec<u8>]) -> Vec<u8> {
    let body = parts.concat();
    let mut out = vec![0x30];
    out.extend(der_length(body.len()));
    out.extend(body);
    out
}

/// An AlgorithmIdentifier of the elements given in hex.
fn algorithm(elements: &str) -> Vec<u8> {
    sequence(&[hex(elements)])
}

/// `signed` with its outer signature algorithm replaced.
fn with_outer_algorithm(signed: &[u8], algorithm: &[u8]) -> Vec<u8> {
    let mut parts = children(signed);
    parts[1] = algorithm.to_vec();
    sequence(&parts)
}

fn pem_to_der(dir: &Path, kind: &str, pem: &str, der: &str) {
    let (done, text) = openssl(dir, &[kind, "-in", pem, "-outform", "der", "-out", der]);
    assert!(done, "{text}");
}

/// An ECDSA CA at [`NOW`] with a CRL listing one revoked user, and a user
/// who is not revoked.
fn pki() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let now = |args: &[&str]| {
        ok(dir, &[&["--now", NOW][..], args].concat());
    };
    now(&["init-ca", "--key-type", "ecdsa-p256", "--cn", "Test CA"]);
    now(&["issue-client", "alice", "bob"]);
    now(&["revoke", "bob"]);
    now(&["crl"]);
    d
}

/// Whether `openssl crl` loads `crl` (DER) and its signature verifies with
/// the CA (OpenSSL 3.0 exits 0 on a signature that does not verify, and
/// says so).
fn openssl_takes_crl(dir: &Path, crl: &str) -> bool {
    let (done, text) = openssl(
        dir,
        &[
            "crl",
            "-inform",
            "der",
            "-in",
            crl,
            "-CAfile",
            "pki/ca-cert.pem",
            "-noout",
        ],
    );
    done && text.contains("verify OK")
}

/// Whether `openssl req -verify` loads `csr` (DER) and its self-signature
/// verifies.
fn openssl_takes_csr(dir: &Path, csr: &str) -> bool {
    let (done, text) = openssl(
        dir,
        &["req", "-inform", "der", "-in", csr, "-verify", "-noout"],
    );
    done && text.contains("verify OK")
}

/// The first line of a failed command's stderr, with its exit status.
fn refusal(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let before = snapshot(dir);
    let out = run(dir, args);
    assert_eq!(snapshot(dir), before, "{args:?}: nothing written");
    let err = stderr(&out);
    assert!(
        out.stdout.is_empty(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    (
        out.status.code(),
        err.lines().next().unwrap_or_default().to_string(),
    )
}

/// The corruptions of a signature AlgorithmIdentifier OpenSSL refuses to
/// load, given the algorithm's OBJECT IDENTIFIER element: a wrong tag on
/// the OBJECT IDENTIFIER (two ways), a NULL with contents, a second
/// parameter, an OBJECT IDENTIFIER with a padded subidentifier.
fn openssl_refuses(oid: &str) -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let retagged = |tag: &str| format!("{tag}{}", &oid[2..]);
    let padded = {
        let content = &oid[4..];
        let len = content.len() / 2 + 1;
        format!("06{len:02x}{}80{}", &content[..2], &content[2..])
    };
    vec![
        (
            "an OBJECT IDENTIFIER tagged as OCTET STRING",
            algorithm(&format!("{}0500", retagged("04"))),
            "the signature algorithm is not an OBJECT IDENTIFIER",
        ),
        (
            "an OBJECT IDENTIFIER tagged as ObjectDescriptor",
            algorithm(&retagged("07")),
            "the signature algorithm is not an OBJECT IDENTIFIER",
        ),
        (
            "a NULL with contents",
            algorithm(&format!("{oid}050100")),
            "the signature algorithm's parameters are malformed",
        ),
        (
            "two parameters",
            algorithm(&format!("{oid}05000500")),
            "data after the signature algorithm's parameters",
        ),
        (
            "a padded OBJECT IDENTIFIER",
            algorithm(&padded),
            "the signature algorithm's OBJECT IDENTIFIER is malformed",
        ),
    ]
}

#[test]
fn csrs_with_malformed_signature_algorithms_are_refused_as_openssl_refuses_them() {
    if !have_openssl() {
        return;
    }
    let d = pki();
    let dir = d.path();
    for (key, oid) in [("rsa:2048", SHA256_RSA), ("ec", ECDSA_SHA256)] {
        let mut args = vec!["req", "-new", "-newkey", key];
        if key == "ec" {
            args.extend(["-pkeyopt", "ec_paramgen_curve:P-256"]);
        }
        args.extend([
            "-nodes",
            "-keyout",
            "req-key.pem",
            "-subj",
            "/CN=db.example",
            "-addext",
            "subjectAltName=DNS:db.example",
            "-outform",
            "der",
            "-out",
            "req.der",
        ]);
        let (made, text) = openssl(dir, &args);
        assert!(made, "{text}");
        let good = std::fs::read(dir.join("req.der")).unwrap();
        let parts = children(&good);
        assert_eq!(parts[1][2..2 + oid.len() / 2], hex(oid)[..], "{key}");

        // The edits themselves leave a CSR both take: the algorithm as it
        // was, and (for RSA) without its NULL, which RFC 4055 allows.
        let mut same = vec![parts[1].clone()];
        if key != "ec" {
            same.push(algorithm(oid));
        }
        for (i, alg) in same.iter().enumerate() {
            let file = format!("same-{key}-{i}.der").replace(':', "");
            write(&dir.join(&file), with_outer_algorithm(&good, alg));
            assert!(openssl_takes_csr(dir, &file), "{key} {i}");
            ok(
                dir,
                &[
                    "--now",
                    NOW,
                    "sign",
                    &file,
                    "--out",
                    &file.replace(".der", ".pem"),
                ],
            );
        }

        for (what, alg, reason) in openssl_refuses(oid) {
            write(&dir.join("bad.der"), with_outer_algorithm(&good, &alg));
            assert!(!openssl_takes_csr(dir, "bad.der"), "{key}: {what}");
            let (code, line) = refusal(dir, &["--now", NOW, "sign", "bad.der", "--out", "bad.pem"]);
            assert_eq!(code, Some(2), "{key}: {what}: {line}");
            assert_eq!(
                line,
                format!(
                    "certgen: error: checking bad.der: bad.der: not a valid certificate request: {reason}"
                ),
                "{key}: {what}"
            );
        }

        // Parameters other than NULL where the algorithm takes none: RFC
        // 4055 (RSA) and RFC 5758 (ECDSA) allow none; OpenSSL 3.0 does not
        // look at them.
        write(
            &dir.join("bad.der"),
            with_outer_algorithm(&good, &algorithm(&format!("{oid}020100"))),
        );
        let (code, line) = refusal(dir, &["--now", NOW, "sign", "bad.der", "--out", "bad.pem"]);
        assert_eq!(code, Some(2), "{key}: {line}");
        assert!(
            line.ends_with(
                "the signature algorithm takes no parameters, but has some other than NULL"
            ),
            "{key}: {line}"
        );
    }
}

/// A CRL of the PKI's CA whose signed part is `tbs`, signed by the CA key
/// with `digest`, with `outer` as its outer signature algorithm.
fn resigned_crl(dir: &Path, tbs: &[u8], outer: &[u8], digest: &str) -> Vec<u8> {
    write(&dir.join("tbs.bin"), tbs);
    let (done, text) = openssl(
        dir,
        &[
            "dgst",
            digest,
            "-sign",
            "pki/ca-key.pem",
            "-out",
            "sig.bin",
            "tbs.bin",
        ],
    );
    assert!(done, "{text}");
    let sig = std::fs::read(dir.join("sig.bin")).unwrap();
    let mut bits = vec![0x03];
    bits.extend(der_length(sig.len() + 1));
    bits.push(0);
    bits.extend(sig);
    sequence(&[tbs.to_vec(), outer.to_vec(), bits])
}

#[test]
fn crls_with_malformed_signature_algorithms_are_input_errors_naming_the_file() {
    if !have_openssl() {
        return;
    }
    let d = pki();
    let dir = d.path();
    pem_to_der(dir, "crl", "pki/crl.pem", "crl.der");
    let good = std::fs::read(dir.join("crl.der")).unwrap();
    let alice = "pki/users/alice/client-cert.pem";
    let verify = |crl: &'static str| -> [&'static str; 8] {
        [
            "verify",
            alice,
            "--purpose",
            "client",
            "--at",
            NOW,
            "--crl",
            crl,
        ]
    };

    // The CRL as made, and signed again by the CA key over the same signed
    // part: both trusted.
    let tbs = children(&good)[0].clone();
    let tbs_parts = children(&tbs);
    // TBSCertList: version, then the signature algorithm.
    assert_eq!(tbs_parts[1], algorithm(ECDSA_SHA256));
    let resigned = resigned_crl(dir, &tbs, &algorithm(ECDSA_SHA256), "-sha256");
    for (file, bytes) in [("crl-good.der", &good), ("crl-resigned.der", &resigned)] {
        write(&dir.join(file), bytes);
        assert!(openssl_takes_crl(dir, file), "{file}");
        let out = ok(dir, &verify(file));
        assert!(out.starts_with(&format!("{alice}: OK")), "{file}: {out}");
    }

    for (what, alg, reason) in openssl_refuses(ECDSA_SHA256) {
        write(&dir.join("bad.der"), with_outer_algorithm(&good, &alg));
        assert!(!openssl_takes_crl(dir, "bad.der"), "{what}");
        let (code, line) = refusal(dir, &verify("bad.der"));
        assert_eq!(code, Some(2), "{what}: {line}");
        assert_eq!(
            line,
            format!("certgen: error: bad.der: not a valid CRL: {reason}"),
            "{what}"
        );
    }

    // The same corruption inside the signed part, signed again: OpenSSL
    // cannot load it either.
    let mut parts = tbs_parts.clone();
    parts[1] = algorithm(&format!("07{}", &ECDSA_SHA256[2..]));
    let inner = resigned_crl(dir, &sequence(&parts), &algorithm(ECDSA_SHA256), "-sha256");
    write(&dir.join("bad.der"), &inner);
    assert!(!openssl_takes_crl(dir, "bad.der"));
    let (code, line) = refusal(dir, &verify("bad.der"));
    assert_eq!(code, Some(2), "{line}");
    assert_eq!(
        line,
        "certgen: error: bad.der: not a valid CRL: the signature algorithm is not an OBJECT IDENTIFIER"
    );

    // A signed part that names ECDSA with SHA-384 under an outer ECDSA with
    // SHA-256, the signature made with SHA-256: RFC 5280 5.1.1.2 requires
    // the two to be the same, and rustls-webpki refuses the CRL (OpenSSL
    // 3.0 checks the outer one only).
    let mut parts = tbs_parts.clone();
    parts[1] = algorithm(ECDSA_SHA384);
    let mismatch = resigned_crl(dir, &sequence(&parts), &algorithm(ECDSA_SHA256), "-sha256");
    assert!(webpki::BorrowedCertRevocationList::from_der(&mismatch).is_err());
    assert!(webpki::BorrowedCertRevocationList::from_der(&resigned).is_ok());
    write(&dir.join("bad.der"), &mismatch);
    let (code, line) = refusal(dir, &verify("bad.der"));
    assert_eq!(code, Some(2), "{line}");
    assert_eq!(
        line,
        "certgen: error: bad.der: not a valid CRL: the signature algorithm differs from the one in the signed part (RFC 5280 5.1.1.2)"
    );

    // In PEM, among other CRLs, the file is named just the same.
    let pem = |der: &[u8]| {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN X509 CRL-----\n{}\n-----END X509 CRL-----\n",
            lines.join("\n")
        )
    };
    let bad = with_outer_algorithm(&good, &algorithm(&format!("04{}0500", &ECDSA_SHA256[2..])));
    write(&dir.join("two.pem"), pem(&good) + &pem(&bad));
    let (code, line) = refusal(dir, &verify("two.pem"));
    assert_eq!(code, Some(2), "{line}");
    assert_eq!(
        line,
        "certgen: error: two.pem: not a valid CRL: the signature algorithm is not an OBJECT IDENTIFIER"
    );
}

#[test]
fn a_csr_of_an_rsa_key_of_16384_bits_is_signed() {
    if !have_openssl() {
        return;
    }
    let d = pki();
    let dir = d.path();
    let (made, text) = openssl(
        dir,
        &[
            "req",
            "-new",
            "-key",
            RSA16384_KEY,
            "-subj",
            "/CN=big.example",
            "-addext",
            "subjectAltName=DNS:big.example",
            "-outform",
            "der",
            "-out",
            "big.der",
        ],
    );
    assert!(made, "{text}");
    assert!(openssl_takes_csr(dir, "big.der"));
    let inspected = ok(dir, &["inspect", "big.der"]);
    assert!(inspected.contains("RSA 16384 bits"), "{inspected}");
    assert!(
        inspected.contains("sha256WithRSAEncryption (valid)"),
        "{inspected}"
    );
    ok(dir, &["--now", NOW, "sign", "big.der", "--out", "big.pem"]);
    openssl_ok(
        dir,
        &[
            "verify",
            "-attime",
            "1893456001",
            "-purpose",
            "sslserver",
            "-CAfile",
            "pki/ca-cert.pem",
            "big.pem",
        ],
    );
    assert_eq!(sans(&dir.join("big.pem")), ["DNS:big.example"]);

    // One bit of the signature flipped: both refuse it.
    let mut bad = std::fs::read(dir.join("big.der")).unwrap();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    write(&dir.join("bad.der"), &bad);
    assert!(!openssl_takes_csr(dir, "bad.der"));
    let (code, line) = refusal(dir, &["--now", NOW, "sign", "bad.der", "--out", "bad.pem"]);
    assert_eq!(code, Some(2), "{line}");
    assert_eq!(
        line,
        "certgen: error: checking bad.der: the CSR's signature does not verify: it was altered or corrupted"
    );
    let inspected = ok(dir, &["inspect", "bad.der"]);
    assert!(
        inspected.contains("sha256WithRSAEncryption (INVALID)"),
        "{inspected}"
    );
}
