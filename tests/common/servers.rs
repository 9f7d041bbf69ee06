//! Servers on 127.0.0.1 for `check-expiry --connect`: plain TLS, the MySQL
//! and PostgreSQL STARTTLS exchanges in their real wire format, and the
//! misbehaving kinds (silent, garbage, endless garbage). Shared by
//! tests/connect.rs and the benchmark server (examples/tls_endpoints.rs).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ServerConfig, ServerConnection};

/// What a server does with each connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// TLS from the first byte.
    Tls,
    /// A MySQL greeting (protocol 10), with or without CLIENT_SSL; then the
    /// SSLRequest is read and TLS starts.
    Mysql { ssl: bool },
    /// PostgreSQL: reads SSLRequest, answers `S` and starts TLS, or `N`.
    Postgres { ssl: bool },
    /// Accepts and never says a word.
    Silent,
    /// Sends a few bytes that are not TLS and waits.
    Garbage,
    /// Sends bytes for as long as the client reads.
    EndlessGarbage,
    /// A MySQL packet header announcing 16 MiB, then bytes without end.
    EndlessMysql,
}

/// What the servers saw: the MySQL SSLRequest packets, for the tests.
pub type Seen = Arc<Mutex<Vec<Vec<u8>>>>;

pub fn server_config(cert: &Path, key: &Path) -> Arc<ServerConfig> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .expect("reading the server certificate")
        .map(|c| c.expect("a PEM certificate"))
        .collect();
    let key = PrivateKeyDer::from_pem_file(key).expect("reading the server key");
    Arc::new(
        ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("a usable certificate and key"),
    )
}

/// A server configuration that serves `cert` and `key` as they are now,
/// and reads them again, as a database does on reload, at the first
/// handshake after `marker` appears (which it then removes).
pub fn reloading_config(cert: &Path, key: &Path, marker: &Path) -> Arc<ServerConfig> {
    #[derive(Debug)]
    struct Reloading {
        cert: std::path::PathBuf,
        key: std::path::PathBuf,
        marker: std::path::PathBuf,
        current: Mutex<Arc<rustls::sign::CertifiedKey>>,
    }
    fn load(cert: &Path, key: &Path) -> Arc<rustls::sign::CertifiedKey> {
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
            .expect("reading the server certificate")
            .map(|c| c.expect("a PEM certificate"))
            .collect();
        let key = PrivateKeyDer::from_pem_file(key).expect("reading the server key");
        let provider = rustls::crypto::aws_lc_rs::default_provider();
        Arc::new(
            rustls::sign::CertifiedKey::from_der(chain, key, &provider)
                .expect("a usable certificate and key"),
        )
    }
    impl rustls::server::ResolvesServerCert for Reloading {
        fn resolve(
            &self,
            _: rustls::server::ClientHello<'_>,
        ) -> Option<Arc<rustls::sign::CertifiedKey>> {
            let mut current = self.current.lock().unwrap();
            if std::fs::remove_file(&self.marker).is_ok() {
                *current = load(&self.cert, &self.key);
            }
            Some(current.clone())
        }
    }
    let resolver = Reloading {
        cert: cert.to_path_buf(),
        key: key.to_path_buf(),
        marker: marker.to_path_buf(),
        current: Mutex::new(load(cert, key)),
    };
    Arc::new(
        ServerConfig::builder()
            .with_no_client_auth()
            .with_cert_resolver(Arc::new(resolver)),
    )
}

/// Starts a server of `kind` on a free port of 127.0.0.1 and returns the port.
pub fn spawn(kind: Kind, config: Arc<ServerConfig>, seen: Seen) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding 127.0.0.1");
    let port = listener.local_addr().unwrap().port();
    serve(listener, kind, config, seen);
    port
}

/// Serves every connection of `listener` in its own thread, for good.
pub fn serve(listener: TcpListener, kind: Kind, config: Arc<ServerConfig>, seen: Seen) {
    std::thread::spawn(move || {
        for sock in listener.incoming() {
            let Ok(sock) = sock else { continue };
            let (config, seen) = (config.clone(), seen.clone());
            std::thread::spawn(move || {
                let _ = handle(sock, kind, config, seen);
            });
        }
    });
}

fn handle(
    mut sock: TcpStream,
    kind: Kind,
    config: Arc<ServerConfig>,
    seen: Seen,
) -> std::io::Result<()> {
    sock.set_nodelay(true)?;
    match kind {
        Kind::Tls => tls(sock, config),
        Kind::Mysql { ssl } => {
            sock.write_all(&mysql_greeting(ssl))?;
            let mut request = [0u8; 36];
            sock.read_exact(&mut request)?;
            seen.lock().unwrap().push(request.to_vec());
            tls(sock, config)
        }
        Kind::Postgres { ssl } => {
            let mut request = [0u8; 8];
            sock.read_exact(&mut request)?;
            if request != [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f] {
                return Ok(());
            }
            sock.write_all(if ssl { b"S" } else { b"N" })?;
            if ssl { tls(sock, config) } else { hold(sock) }
        }
        Kind::Silent => hold(sock),
        Kind::Garbage => {
            sock.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n")?;
            hold(sock)
        }
        Kind::EndlessGarbage => endless(sock, b""),
        Kind::EndlessMysql => endless(sock, &[0xff, 0xff, 0xff, 0x00]),
    }
}

fn tls(mut sock: TcpStream, config: Arc<ServerConfig>) -> std::io::Result<()> {
    let mut conn = ServerConnection::new(config).map_err(std::io::Error::other)?;
    while conn.is_handshaking() {
        conn.complete_io(&mut sock)?;
    }
    // Until the client closes.
    let mut buf = [0u8; 1024];
    while sock.read(&mut buf)? > 0 {}
    Ok(())
}

/// Keeps the connection open until the client goes.
fn hold(mut sock: TcpStream) -> std::io::Result<()> {
    let mut buf = [0u8; 1024];
    while sock.read(&mut buf)? > 0 {}
    Ok(())
}

fn endless(mut sock: TcpStream, first: &[u8]) -> std::io::Result<()> {
    sock.write_all(first)?;
    let chunk: Vec<u8> = (0..64 * 1024).map(|i| (i * 7 + 3) as u8).collect();
    loop {
        sock.write_all(&chunk)?;
    }
}

/// A MySQL 8 greeting packet as servers send it: header (length, sequence
/// 0), protocol 10, version, thread id, scramble, capabilities, charset,
/// status, auth plugin name.
pub fn mysql_greeting(ssl: bool) -> Vec<u8> {
    const CLIENT_SSL: u16 = 0x0800;
    let low: u16 = if ssl { 0xffff } else { !CLIENT_SSL };
    let mut p = vec![10];
    p.extend_from_slice(b"8.0.36-certgen-test\0");
    p.extend_from_slice(&42u32.to_le_bytes());
    p.extend_from_slice(b"abcdefgh");
    p.push(0);
    p.extend_from_slice(&low.to_le_bytes());
    p.push(255);
    p.extend_from_slice(&2u16.to_le_bytes());
    p.extend_from_slice(&0xdfffu16.to_le_bytes());
    p.push(21);
    p.extend_from_slice(&[0; 10]);
    p.extend_from_slice(b"ijklmnopqrst\0");
    p.extend_from_slice(b"caching_sha2_password\0");
    let mut packet = (p.len() as u32).to_le_bytes()[..3].to_vec();
    packet.push(0);
    packet.extend_from_slice(&p);
    packet
}
