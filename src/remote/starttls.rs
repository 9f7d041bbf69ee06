//! The exchanges before TLS starts on a database port.
//!
//! MySQL (and MariaDB, SingleStore, Manticore's MySQL listener): the server
//! speaks first with its greeting (protocol 10), whose capability flags say
//! whether it offers TLS (`CLIENT_SSL`); the client answers with a 32-byte
//! SSLRequest packet carrying `CLIENT_SSL`, then starts the TLS handshake.
//! PostgreSQL: the client sends an 8-byte SSLRequest and the server answers
//! one byte, `S` (TLS follows) or `N` (no TLS).

use super::failure::{Failure, Step};
use super::io::{Bounded, quoted};

/// The longest greeting read: real ones are about a hundred bytes.
pub(super) const MAX_GREETING: usize = 16 * 1024;

const CLIENT_LONG_PASSWORD: u32 = 0x0000_0001;
const CLIENT_PROTOCOL_41: u32 = 0x0000_0200;
const CLIENT_SSL: u32 = 0x0000_0800;
const CLIENT_SECURE_CONNECTION: u32 = 0x0000_8000;
const CLIENT_PLUGIN_AUTH: u32 = 0x0008_0000;

/// The capabilities the SSLRequest announces: TLS, and what every server
/// since MySQL 4.1 expects of a client.
const REQUEST_CAPABILITIES: u32 = CLIENT_LONG_PASSWORD
    | CLIENT_PROTOCOL_41
    | CLIENT_SSL
    | CLIENT_SECURE_CONNECTION
    | CLIENT_PLUGIN_AUTH;

/// The largest packet the client says it accepts (16 MiB, as the mysql client).
const MAX_PACKET: u32 = 16 * 1024 * 1024;

/// utf8mb4_general_ci, when the greeting names no character set.
const DEFAULT_CHARSET: u8 = 45;

/// What the client needs from a greeting.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Greeting {
    pub capabilities: u32,
    pub charset: u8,
    pub sequence: u8,
}

pub(super) fn mysql(io: &mut Bounded<'_>) -> Result<(), Failure> {
    let step = Step::MysqlGreeting;
    let mut header = [0u8; 4];
    io.read_exact_in(&mut header, step)?;
    let len = u32::from_le_bytes([header[0], header[1], header[2], 0]) as usize;
    if len > MAX_GREETING {
        return Err(Failure::WrongProtocol {
            protocol: "MySQL",
            detail: format!(
                "the first packet would be {len} bytes (the server sent {})",
                quoted(io.head())
            ),
        });
    }
    let mut payload = vec![0u8; len];
    io.read_exact_in(&mut payload, step)?;
    let greeting = parse_greeting(&payload, header[3])?;
    if greeting.capabilities & CLIENT_SSL == 0 {
        return Err(Failure::NoTls {
            detail: "its MySQL greeting lacks CLIENT_SSL",
        });
    }
    io.write_all_in(&ssl_request(&greeting), Step::Handshake)?;
    io.restart_head();
    Ok(())
}

/// Reads a greeting (or the error packet a server sends instead of one).
/// Whether `head`, the first bytes a server sent, is a MySQL greeting: a
/// packet header with sequence 0 and a length that fits, then protocol 10
/// and a version string. What a MySQL server sends a TLS client before it
/// reads anything.
pub(super) fn is_greeting(head: &[u8]) -> bool {
    let [l0, l1, l2, 0, 10, version @ ..] = head else {
        return false;
    };
    let len = u32::from_le_bytes([*l0, *l1, *l2, 0]) as usize;
    (10..=MAX_GREETING).contains(&len)
        && version
            .iter()
            .take_while(|b| **b != 0)
            .all(|b| b.is_ascii_graphic())
        && version.first().is_some_and(u8::is_ascii_digit)
}

pub(super) fn parse_greeting(p: &[u8], sequence: u8) -> Result<Greeting, Failure> {
    let wrong = |detail: String| Failure::WrongProtocol {
        protocol: "MySQL",
        detail,
    };
    match p.first() {
        Some(10) => {}
        Some(0xff) => return Err(Failure::ServerError(error_packet(p))),
        Some(v) => {
            return Err(wrong(format!(
                "protocol version {v} in the greeting, not 10"
            )));
        }
        None => return Err(wrong("an empty greeting".into())),
    }
    let version_end = p[1..]
        .iter()
        .position(|b| *b == 0)
        .ok_or_else(|| wrong("a truncated greeting".into()))?
        + 1;
    // Thread id (4), auth-plugin-data part 1 (8), filler (1), capabilities (2).
    let at = version_end + 1 + 4 + 8 + 1;
    let low = p
        .get(at..at + 2)
        .ok_or_else(|| wrong("a truncated greeting".into()))?;
    let mut capabilities = u32::from(u16::from_le_bytes([low[0], low[1]]));
    // Then, in every server since 4.1: charset (1), status (2), upper capabilities (2).
    let charset = p.get(at + 2).copied().unwrap_or(DEFAULT_CHARSET);
    if let Some(high) = p.get(at + 5..at + 7) {
        capabilities |= u32::from(u16::from_le_bytes([high[0], high[1]])) << 16;
    }
    Ok(Greeting {
        capabilities,
        charset,
        sequence,
    })
}

/// `1130 Host '10.0.0.9' is not allowed to connect to this MariaDB server`.
fn error_packet(p: &[u8]) -> String {
    let code = p.get(1..3).map_or(0, |c| u16::from_le_bytes([c[0], c[1]]));
    let mut message = p.get(3..).unwrap_or_default();
    // `#` and a five-character SQLSTATE, after the handshake only.
    if message.first() == Some(&b'#') && message.len() >= 6 {
        message = &message[6..];
    }
    format!("error {code}: {}", String::from_utf8_lossy(message))
}

/// The SSLRequest packet: a 4-byte header (length 32, the next sequence id)
/// and 32 bytes of capabilities, max packet size, charset and zero filler.
pub(super) fn ssl_request(g: &Greeting) -> [u8; 36] {
    let mut packet = [0u8; 36];
    packet[0] = 32;
    packet[3] = g.sequence.wrapping_add(1);
    packet[4..8].copy_from_slice(&REQUEST_CAPABILITIES.to_le_bytes());
    packet[8..12].copy_from_slice(&MAX_PACKET.to_le_bytes());
    packet[12] = g.charset;
    packet
}

/// PostgreSQL's SSLRequest: length 8, code 80877103.
pub(super) const PG_SSL_REQUEST: [u8; 8] = {
    let len = 8u32.to_be_bytes();
    let code = 80_877_103u32.to_be_bytes();
    [
        len[0], len[1], len[2], len[3], code[0], code[1], code[2], code[3],
    ]
};

pub(super) fn postgres(io: &mut Bounded<'_>) -> Result<(), Failure> {
    io.write_all_in(&PG_SSL_REQUEST, Step::PostgresAnswer)?;
    let mut answer = [0u8; 1];
    io.read_exact_in(&mut answer, Step::PostgresAnswer)?;
    match answer[0] {
        b'S' => {
            io.restart_head();
            Ok(())
        }
        b'N' => Err(Failure::NoTls {
            detail: "PostgreSQL answered N to SSLRequest",
        }),
        other => Err(Failure::WrongProtocol {
            protocol: "PostgreSQL",
            detail: format!("it answered SSLRequest with {}", quoted(&[other])),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greetings_are_told_from_other_first_bytes() {
        let payload = mariadb_greeting(0x0800);
        let mut packet = (payload.len() as u32).to_le_bytes()[..3].to_vec();
        packet.push(0);
        packet.extend_from_slice(&payload);
        assert!(is_greeting(&packet));
        assert!(!is_greeting(b"HTTP/1.1 400 Bad Request\r\n"));
        assert!(!is_greeting(&[0x16, 3, 1, 0, 10]), "a TLS record");
        let mut later = packet.clone();
        later[3] = 1;
        assert!(!is_greeting(&later), "not the first packet");
        let mut huge = packet;
        huge[2] = 0xff;
        assert!(!is_greeting(&huge), "longer than any greeting");
    }

    /// A MariaDB 10.11 greeting as captured on the wire (scramble zeroed).
    fn mariadb_greeting(capabilities_low: u16) -> Vec<u8> {
        let mut p = vec![10];
        p.extend_from_slice(b"5.5.5-10.11.6-MariaDB-0+deb12u1\0");
        p.extend_from_slice(&7u32.to_le_bytes());
        p.extend_from_slice(&[0; 8]);
        p.push(0);
        p.extend_from_slice(&capabilities_low.to_le_bytes());
        p.push(45);
        p.extend_from_slice(&2u16.to_le_bytes());
        p.extend_from_slice(&0x81bfu16.to_le_bytes());
        p.push(21);
        p.extend_from_slice(&[0; 6]);
        p.extend_from_slice(&[0x1d, 0, 0, 0]);
        p.extend_from_slice(&[0; 13]);
        p.extend_from_slice(b"mysql_native_password\0");
        p
    }

    #[test]
    fn a_greeting_gives_capabilities_and_charset() {
        let g = parse_greeting(&mariadb_greeting(0xfffe), 0).unwrap();
        assert_eq!(g.capabilities, 0x81bf_fffe);
        assert_ne!(g.capabilities & CLIENT_SSL, 0);
        assert_eq!(g.charset, 45);
        let without = parse_greeting(&mariadb_greeting(0xf7fe), 0).unwrap();
        assert_eq!(without.capabilities & CLIENT_SSL, 0);
    }

    #[test]
    fn the_ssl_request_is_32_bytes_with_client_ssl() {
        let g = Greeting {
            capabilities: CLIENT_SSL,
            charset: 255,
            sequence: 0,
        };
        let p = ssl_request(&g);
        assert_eq!(&p[..4], &[32, 0, 0, 1], "length 32, sequence id 1");
        let caps = u32::from_le_bytes(p[4..8].try_into().unwrap());
        for flag in [CLIENT_SSL, CLIENT_PROTOCOL_41, CLIENT_SECURE_CONNECTION] {
            assert_ne!(caps & flag, 0, "{flag:#x}");
        }
        assert_eq!(u32::from_le_bytes(p[8..12].try_into().unwrap()), MAX_PACKET);
        assert_eq!(p[12], 255);
        assert!(p[13..].iter().all(|b| *b == 0), "23 bytes of filler");
    }

    #[test]
    fn error_packets_and_other_protocols() {
        let mut err = vec![0xff];
        err.extend_from_slice(&1130u16.to_le_bytes());
        err.extend_from_slice(b"Host '10.0.0.9' is not allowed to connect");
        let e = parse_greeting(&err, 0).unwrap_err().to_string();
        assert_eq!(
            e,
            "the server refused the connection: error 1130: Host '10.0.0.9' is not allowed to connect"
        );
        let e = parse_greeting(b"\x09old", 0).unwrap_err().to_string();
        assert!(e.contains("protocol version 9"), "{e}");
        let e = parse_greeting(b"\x0a5.7 no terminator", 0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("truncated"), "{e}");
        let e = parse_greeting(b"\x0a5.7\0short", 0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("truncated"), "{e}");
    }

    #[test]
    fn postgres_ssl_request_bytes() {
        assert_eq!(PG_SSL_REQUEST, [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
    }
}
