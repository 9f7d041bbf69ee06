//! A connection whose reads and writes end at a deadline and whose reads stop
//! after a number of bytes: what a server that never answers, trickles, or
//! answers forever can cost.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::failure::{Failure, Step};

/// Bytes a server may send before the handshake is done: a greeting and a
/// certificate chain take a few kilobytes; rustls refuses handshake messages
/// over 64 KiB anyway.
pub(super) const READ_LIMIT: usize = 1 << 20;

/// The first bytes of the server's answer kept to say what it sent when it
/// is not what was expected.
const HEAD: usize = 16;

/// The marker of a read past [`READ_LIMIT`], told apart from socket errors.
#[derive(Debug)]
struct OverLimit;

impl std::fmt::Display for OverLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "more than {READ_LIMIT} bytes")
    }
}

impl std::error::Error for OverLimit {}

pub(super) struct Bounded<'a> {
    sock: &'a TcpStream,
    deadline: Instant,
    /// The time the deadline allows in all, for messages.
    budget: Duration,
    left: usize,
    head: Vec<u8>,
}

impl<'a> Bounded<'a> {
    pub(super) fn new(sock: &'a TcpStream, deadline: Instant, budget: Duration) -> Bounded<'a> {
        Bounded {
            sock,
            deadline,
            budget,
            left: READ_LIMIT,
            head: Vec::with_capacity(HEAD),
        }
    }

    /// Forgets the bytes read so far, so that [`Bounded::head`] shows what
    /// follows (the start of TLS after a STARTTLS exchange).
    pub(super) fn restart_head(&mut self) {
        self.head.clear();
    }

    /// The first bytes read since the start or [`Bounded::restart_head`].
    pub(super) fn head(&self) -> &[u8] {
        &self.head
    }

    fn left(&self) -> io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        Ok(left)
    }

    /// Reads exactly `buf.len()` bytes, or says why not.
    pub(super) fn read_exact_in(&mut self, buf: &mut [u8], step: Step) -> Result<(), Failure> {
        self.read_exact(buf).map_err(|e| self.failure(e, step))
    }

    pub(super) fn write_all_in(&mut self, buf: &[u8], step: Step) -> Result<(), Failure> {
        self.write_all(buf).map_err(|e| self.failure(e, step))
    }

    /// The failure an I/O error means at this step; errors that are not
    /// about the connection itself (a TLS alert, say) are the caller's.
    pub(super) fn failure(&self, e: io::Error, step: Step) -> Failure {
        match e.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Failure::Timeout {
                step,
                after: self.budget,
            },
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => Failure::Closed { step },
            _ if is_over_limit(&e) => Failure::TooMuch {
                step,
                limit: READ_LIMIT,
            },
            _ => Failure::Io { step, source: e },
        }
    }
}

pub(super) fn is_over_limit(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<OverLimit>())
}

impl Read for Bounded<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Err(io::Error::other(OverLimit));
        }
        self.sock.set_read_timeout(Some(self.left()?))?;
        let want = buf.len().min(self.left);
        let n = self.sock.read(&mut buf[..want])?;
        self.left -= n;
        let keep = n.min(HEAD - self.head.len());
        self.head.extend_from_slice(&buf[..keep]);
        Ok(n)
    }
}

impl Write for Bounded<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.sock.set_write_timeout(Some(self.left()?))?;
        self.sock.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Bytes as a quoted string with non-printable bytes escaped:
/// `"SSH-2.0-OpenSSH_9"`, `"\x00\x01"`.
pub(super) fn quoted(bytes: &[u8]) -> String {
    format!("\"{}\"", bytes.escape_ascii())
}
