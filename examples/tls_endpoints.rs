//! TLS endpoints on 127.0.0.1 for scripts/bench-connect: N ports serving a
//! certificate over plain TLS, the MySQL STARTTLS exchange and PostgreSQL's,
//! in turn. Prints one `PROTOCOL PORT` line per endpoint once all listen,
//! then serves until killed.
//!
//!     cargo run --release --example tls_endpoints -- CERT KEY N

// The example serves only some kinds of endpoint.
#[allow(dead_code)]
#[path = "../tests/common/servers.rs"]
mod servers;

use std::io::Write;
use std::net::TcpListener;
use std::path::Path;

use servers::{Kind, Seen, server_config};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [cert, key, n] = args.as_slice() else {
        eprintln!("usage: tls_endpoints CERT KEY N");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("N is a number");
    let config = server_config(Path::new(cert), Path::new(key));
    let mut out = std::io::stdout().lock();
    for i in 0..n {
        let (kind, name) = match i % 3 {
            0 => (Kind::Tls, "tls"),
            1 => (Kind::Mysql { ssl: true }, "mysql"),
            _ => (Kind::Postgres { ssl: true }, "postgres"),
        };
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding 127.0.0.1");
        let port = listener.local_addr().expect("a local address").port();
        servers::serve(listener, kind, config.clone(), Seen::default());
        writeln!(out, "{name} {port}").expect("writing the port list");
    }
    out.flush().expect("writing the port list");
    drop(out);
    loop {
        std::thread::park();
    }
}
