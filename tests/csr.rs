//! `certgen csr`: the subject it asks for and the files it names by default.

use crate::common::*;

/// A CN written in --subject wins over --cn, as for `init-ca`, and names
/// the default files.
#[test]
fn a_cn_in_the_subject_wins_over_cn() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(
        dir,
        &[
            "csr",
            "--subject",
            "/O=Example/CN=a.example",
            "--cn",
            "b.example",
            "--key-type",
            "ecdsa-p256",
        ],
    );
    assert!(!dir.join("b.example-req.pem").exists());
    let out = ok(dir, &["inspect", "--format", "json", "a.example-req.pem"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["objects"][0]["subject"], "/O=Example/CN=a.example");
    assert!(dir.join("a.example-key.pem").exists());
}
