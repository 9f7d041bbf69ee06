//! Fetching the certificate chain a live server serves, for
//! `check-expiry --connect`: plain TLS, or the STARTTLS exchanges of the
//! MySQL protocol (MySQL, MariaDB, SingleStore, Manticore's MySQL port) and
//! of PostgreSQL.
//!
//! The chain is fetched without trusting it first: the TLS client records
//! what the server sends and accepts it (it still checks the server's
//! handshake signature, so the chain belongs to the server that answered).
//! Judging the chain is [`judge`]'s business. Every read is bounded in time
//! and in bytes, so a server that never answers, or answers forever, costs
//! one timeout and a little memory.

mod failure;
mod io;
pub mod judge;
mod protocol;
mod starttls;
mod target;
mod tls;

use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub use failure::{Failure, Step};
pub use judge::{Deployed, Expect, Judge, Trust, reload_advice};
pub use protocol::{Options, Protocol, Served, Starttls};
pub use target::Target;

/// Connections open at once when checking several servers: enough to hide
/// the round trips, few enough not to look like a flood to a server or a
/// firewall.
pub const IN_FLIGHT: usize = 32;

/// Connects to `target` and fetches the chain it serves.
///
/// When the protocol is left to the port (no `tls://`, `mysql://` or
/// `postgres://`, `--starttls auto`) and the port is no database's own, a
/// server that greets a TLS client as MySQL does is asked again with MySQL's
/// STARTTLS, and one that ends the TLS handshake without a word, or answers
/// it with something else, with PostgreSQL's; the first failure is the one
/// reported when that fails too.
pub fn fetch(target: &Target, opts: &Options) -> Result<Served, Failure> {
    let protocol = target
        .protocol
        .unwrap_or_else(|| opts.starttls.protocol(target.port));
    let guessing =
        target.protocol.is_none() && opts.starttls == Starttls::Auto && protocol == Protocol::Tls;
    match fetch_as(target, opts, protocol) {
        Err(Failure::MysqlGreeting(_)) if guessing => fetch_as(target, opts, Protocol::Mysql),
        Err(
            first @ (Failure::NotTls(_)
            | Failure::Closed {
                step: Step::Handshake,
            }),
        ) if guessing => fetch_as(target, opts, Protocol::Postgres).map_err(|_| first),
        other => other,
    }
}

/// [`fetch`] with the protocol decided.
fn fetch_as(target: &Target, opts: &Options, protocol: Protocol) -> Result<Served, Failure> {
    let sock = connect(target, opts.timeout)?;
    // The handshake's own budget, STARTTLS included.
    let deadline = Instant::now() + opts.timeout;
    let mut io = io::Bounded::new(&sock, deadline, opts.timeout);
    match protocol {
        Protocol::Tls => {}
        Protocol::Mysql => starttls::mysql(&mut io)?,
        Protocol::Postgres => starttls::postgres(&mut io)?,
    }
    let name = tls::server_name(target, opts.sni.as_deref())?;
    let chain = tls::handshake(&mut io, name)?;
    Ok(Served { protocol, chain })
}

/// Fetches every target's chain, at most `in_flight` at once; the results
/// are in the order of `targets`.
pub fn fetch_all(
    targets: &[Target],
    opts: &Options,
    in_flight: usize,
) -> Vec<Result<Served, Failure>> {
    let next = AtomicUsize::new(0);
    let workers = in_flight.clamp(1, targets.len().max(1));
    // Each worker takes the next target and keeps (index, result); the
    // results are put back in the order of `targets` at the end.
    let mut done: Vec<(usize, Result<Served, Failure>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(target) = targets.get(i) else { break };
                        mine.push((i, fetch(target, opts)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// The first address of `target` that accepts, within `timeout` in all
/// (the name lookup included).
fn connect(target: &Target, timeout: Duration) -> Result<TcpStream, Failure> {
    let deadline = Instant::now() + timeout;
    let addrs = resolve(target, timeout)?;
    let mut last = Failure::NoAddress {
        host: target.host.clone(),
    };
    for addr in addrs {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(sock) => {
                // Small writes (SSLRequest, ClientHello) go out at once.
                let _ = sock.set_nodelay(true);
                return Ok(sock);
            }
            Err(e) => last = connect_failure(e, timeout),
        }
    }
    Err(last)
}

/// The addresses of `target`. An IP address needs no lookup; a name is
/// looked up with the system resolver, which has no timeout of its own.
fn resolve(target: &Target, timeout: Duration) -> Result<Vec<SocketAddr>, Failure> {
    if let Ok(ip) = target.host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, target.port)]);
    }
    let (host, port) = (target.host.clone(), target.port);
    lookup_within(timeout, move || {
        (host.as_str(), port)
            .to_socket_addrs()
            .map(|addrs| addrs.collect())
    })
    .map_err(|e| match e {
        Some(source) => Failure::Resolve {
            host: target.host.clone(),
            source,
        },
        None => Failure::Timeout {
            step: Step::Resolve,
            after: timeout,
        },
    })
}

/// Runs `lookup` on a thread of its own and waits at most `timeout` for it:
/// `Err(None)` when it took longer (the thread is abandoned and ends when
/// the lookup does), `Err(Some(e))` when it failed.
fn lookup_within(
    timeout: Duration,
    lookup: impl FnOnce() -> std::io::Result<Vec<SocketAddr>> + Send + 'static,
) -> Result<Vec<SocketAddr>, Option<std::io::Error>> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(lookup());
    });
    match rx.recv_timeout(timeout) {
        Ok(found) => found.map_err(Some),
        Err(_) => Err(None),
    }
}

fn connect_failure(e: std::io::Error, timeout: Duration) -> Failure {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::ConnectionRefused => Failure::Refused,
        ErrorKind::TimedOut | ErrorKind::WouldBlock => Failure::Timeout {
            step: Step::Connect,
            after: timeout,
        },
        _ => Failure::Connect(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lookup_that_hangs_is_abandoned_at_the_timeout() {
        let start = Instant::now();
        let hung = lookup_within(Duration::from_millis(100), || {
            std::thread::sleep(Duration::from_secs(30));
            Ok(Vec::new())
        });
        assert!(matches!(hung, Err(None)));
        assert!(start.elapsed() < Duration::from_secs(10));
        let addr: SocketAddr = "127.0.0.1:5432".parse().unwrap();
        let quick = lookup_within(Duration::from_secs(10), move || Ok(vec![addr]));
        assert_eq!(quick.unwrap(), vec![addr]);
        let failed = lookup_within(Duration::from_secs(10), || {
            Err(std::io::Error::other("no such host"))
        });
        assert!(matches!(failed, Err(Some(_))));
    }

    #[test]
    fn an_ip_address_is_not_looked_up() {
        let target = Target::parse("[::1]:5432").unwrap();
        let addrs = resolve(&target, Duration::from_millis(1)).unwrap();
        assert_eq!(addrs, vec!["[::1]:5432".parse().unwrap()]);
    }

    #[test]
    fn auto_picks_the_protocol_by_port() {
        for (port, want) in [
            (3306, Protocol::Mysql),
            (3307, Protocol::Mysql),
            (9306, Protocol::Mysql),
            (5432, Protocol::Postgres),
            (443, Protocol::Tls),
            (9308, Protocol::Tls),
        ] {
            assert_eq!(Starttls::Auto.protocol(port), want, "{port}");
        }
        assert_eq!(Starttls::None.protocol(3306), Protocol::Tls);
        assert_eq!(Starttls::Postgres.protocol(3306), Protocol::Postgres);
        assert_eq!(Starttls::Mysql.protocol(5432), Protocol::Mysql);
    }

    #[test]
    fn a_closed_port_is_refused() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let target = Target::parse(&format!("127.0.0.1:{port}")).unwrap();
        let opts = Options {
            starttls: Starttls::None,
            sni: None,
            timeout: Duration::from_secs(5),
        };
        let err = fetch(&target, &opts).unwrap_err();
        assert!(matches!(err, Failure::Refused), "{err}");
        assert_eq!(err.to_string(), "connection refused");
    }
}
