//! `issue-server --force` and `issue-client --force` replace a bundle whose
//! certificate is revoked: that is how a server or user whose key leaked
//! gets a new key and certificate. The revoked certificate stays revoked
//! with its own reason.

use crate::common::*;

const T0: &str = "2030-01-01T00:00:00Z";
const T1: &str = "2030-02-01T00:00:00Z";

#[test]
fn a_revoked_bundle_is_replaced_with_force_and_stays_revoked() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let ec = ["--key-type", "ecdsa-p256"];
    ok(dir, &["--now", T0, "-q", "init-ca", ec[0], ec[1]]);
    ok(
        dir,
        &["--now", T0, "-q", "issue-server", "db1", ec[0], ec[1]],
    );
    ok(
        dir,
        &["--now", T0, "-q", "issue-client", "app", ec[0], ec[1]],
    );
    let pki = dir.join("pki");
    for (kind, name, cert, issue, reason) in [
        (
            "servers",
            "db1",
            "server-cert.pem",
            "issue-server",
            "keyCompromise",
        ),
        // Revoked by hand with reason superseded, as `openssl ca` allows.
        (
            "users",
            "app",
            "client-cert.pem",
            "issue-client",
            "superseded",
        ),
    ] {
        let path = pki.join(kind).join(name).join(cert);
        let old = serial_hex(&path);
        let old_key = public_key(&path);
        ok(
            dir,
            &["--now", T0, "-q", "revoke", name, "--reason", reason],
        );
        let out = run(dir, &["--now", T1, "-q", issue, name, "--force"]);
        assert!(out.status.success(), "{issue} --force: {}", stderr(&out));
        let new = serial_hex(&path);
        assert_ne!(new, old);
        assert_ne!(public_key(&path), old_key, "a new key");
        let rows = index_rows(&pki);
        let row = |s: &str| rows.iter().find(|r| r.serial == s).unwrap().clone();
        assert_eq!(row(&new).status, "V");
        assert_eq!(row(&old).status, "R");
        assert_eq!(row(&old).reason(), Some(reason), "the revocation is kept");
    }
}
