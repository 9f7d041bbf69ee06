//! A real TLS handshake over loopback with certgen's certificates: rustls on
//! both ends, hostname verification on, client certificates required.

use crate::common::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::server::WebPkiClientVerifier;
use rustls::{
    ClientConfig, ClientConnection, RootCertStore, ServerConfig, ServerConnection, StreamOwned,
};

fn certs(p: &Path) -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_file_iter(p)
        .unwrap()
        .map(|c| c.unwrap())
        .collect()
}

fn key(p: &Path) -> PrivateKeyDer<'static> {
    PrivateKeyDer::from_pem_file(p).unwrap()
}

fn roots(p: &Path) -> Arc<RootCertStore> {
    let mut r = RootCertStore::empty();
    for c in certs(p) {
        r.add(c).unwrap();
    }
    Arc::new(r)
}

/// Serves one connection; returns what the handshake and echo gave.
fn serve(pki: &Path, listener: TcpListener) -> std::thread::JoinHandle<Result<(), String>> {
    let sdir = pki.join("servers/db.example.com");
    let verifier = WebPkiClientVerifier::builder(roots(&pki.join("ca-cert.pem")))
        .build()
        .unwrap();
    let config = ServerConfig::builder()
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            certs(&sdir.join("server-cert.pem")),
            key(&sdir.join("server-key.pem")),
        )
        .unwrap();
    std::thread::spawn(move || {
        let (sock, _) = listener.accept().map_err(|e| e.to_string())?;
        let conn = ServerConnection::new(Arc::new(config)).map_err(|e| e.to_string())?;
        let mut tls = StreamOwned::new(conn, sock);
        let mut buf = [0u8; 4];
        tls.read_exact(&mut buf).map_err(|e| e.to_string())?;
        tls.write_all(&buf).map_err(|e| e.to_string())?;
        tls.flush().map_err(|e| e.to_string())
    })
}

/// Connects as `user` to `name`; Ok when the handshake and an echo succeed.
fn connect(pki: &Path, user: &str, name: &str) -> (Result<(), String>, Result<(), String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = serve(pki, listener);
    let udir = pki.join("users").join(user);
    let config = ClientConfig::builder()
        .with_root_certificates(roots(&udir.join("ca-cert.pem")))
        .with_client_auth_cert(
            certs(&udir.join("client-cert.pem")),
            key(&udir.join("client-key.pem")),
        )
        .unwrap();
    let client = (|| {
        let conn = ClientConnection::new(
            Arc::new(config),
            ServerName::try_from(name.to_string()).unwrap(),
        )
        .map_err(|e| e.to_string())?;
        let mut tls = StreamOwned::new(conn, TcpStream::connect(addr).map_err(|e| e.to_string())?);
        tls.write_all(b"ping").map_err(|e| e.to_string())?;
        let mut buf = [0u8; 4];
        tls.read_exact(&mut buf).map_err(|e| e.to_string())?;
        if &buf != b"ping" {
            return Err("echo differs".into());
        }
        Ok(())
    })();
    (client, server.join().unwrap())
}

#[test]
fn handshake_checks_the_host_name_against_the_sans() {
    for kt in ["ecdsa-p256", "rsa2048", "ed25519"] {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path();
        ok(dir, &["init-ca", "--key-type", kt]);
        ok(
            dir,
            &[
                "issue-server",
                "db.example.com",
                "--san",
                "127.0.0.1,::1",
                "--key-type",
                kt,
            ],
        );
        ok(dir, &["issue-client", "app", "--key-type", kt]);
        let pki = dir.join("pki");
        for name in ["db.example.com", "127.0.0.1", "::1"] {
            let (c, s) = connect(&pki, "app", name);
            assert_eq!(c, Ok(()), "{kt} client to {name}");
            assert_eq!(s, Ok(()), "{kt} server for {name}");
        }
        let (c, _) = connect(&pki, "app", "other.example.com");
        let err = c.unwrap_err();
        assert!(
            err.contains("certificate not valid for name \"other.example.com\""),
            "{kt}: a name not in the SANs is refused: {err}"
        );
    }
}

#[test]
fn a_client_certificate_from_another_ca_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["init-ca", "--key-type", "ecdsa-p256"]);
    ok(
        dir,
        &["issue-server", "db.example.com", "--key-type", "ecdsa-p256"],
    );
    ok(
        dir,
        &[
            "--dir",
            "other",
            "init-ca",
            "--key-type",
            "ecdsa-p256",
            "--cn",
            "Other CA",
        ],
    );
    ok(
        dir,
        &[
            "--dir",
            "other",
            "issue-client",
            "mallory",
            "--key-type",
            "ecdsa-p256",
        ],
    );
    // Mallory trusts our CA (to reach the server) but holds a certificate from another CA.
    let pki = dir.join("pki");
    std::fs::create_dir_all(pki.join("users/mallory")).unwrap();
    for f in ["client-cert.pem", "client-key.pem"] {
        std::fs::copy(
            dir.join("other/users/mallory").join(f),
            pki.join("users/mallory").join(f),
        )
        .unwrap();
    }
    std::fs::copy(
        pki.join("ca-cert.pem"),
        pki.join("users/mallory/ca-cert.pem"),
    )
    .unwrap();
    let (_, s) = connect(&pki, "mallory", "db.example.com");
    let err = s.unwrap_err();
    assert!(
        err.contains("UnknownIssuer") || err.contains("invalid peer certificate"),
        "{err}"
    );
}
