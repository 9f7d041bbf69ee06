//! Where a bundle goes on another machine: scp's `[USER@]HOST:DIR`, or
//! `ssh://[USER@]HOST[:PORT]/DIR`.

use std::fmt;

use crate::error::{Error, Result};

/// A deployment directory on another machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshTarget {
    pub user: Option<String>,
    /// A name ssh resolves (a `Host` of ssh_config included) or an IP
    /// address, without brackets.
    pub host: String,
    pub port: Option<u16>,
    /// The directory, as the remote shell takes it (relative to the login
    /// directory unless it starts with `/`).
    pub dir: String,
}

impl SshTarget {
    /// Whether `text` names another machine rather than a local directory,
    /// by scp's rule: `ssh://`, or a colon before the first slash (a local
    /// path with a colon is written `./a:b`).
    pub fn is_remote(text: &str) -> bool {
        if text.starts_with("ssh://") {
            return true;
        }
        match (text.find(':'), text.find('/')) {
            (Some(colon), Some(slash)) => colon < slash && colon > 0,
            (Some(colon), None) => colon > 0,
            _ => false,
        }
    }

    pub fn parse(text: &str) -> Result<SshTarget> {
        let bad = |reason: &str| Error::InvalidName {
            what: "ssh target",
            value: text.to_string(),
            reason: reason.to_string(),
        };
        let (authority, port, dir) = if let Some(rest) = text.strip_prefix("ssh://") {
            let (authority, path) = rest
                .split_once('/')
                .ok_or_else(|| bad("expected ssh://[USER@]HOST[:PORT]/DIR"))?;
            let (host_part, port) = split_port(authority).map_err(&bad)?;
            (host_part, port, format!("/{path}"))
        } else {
            let (authority, dir) = if let Some(rest) = text.strip_prefix('[') {
                let (inside, after) = rest
                    .split_once(']')
                    .ok_or_else(|| bad("an IPv6 address in brackets lacks its ]"))?;
                let dir = after
                    .strip_prefix(':')
                    .ok_or_else(|| bad("expected [ADDRESS]:DIR"))?;
                (inside.to_string(), dir.to_string())
            } else {
                let (a, d) = text
                    .split_once(':')
                    .ok_or_else(|| bad("expected [USER@]HOST:DIR"))?;
                (a.to_string(), d.to_string())
            };
            (authority, None, dir)
        };
        let (user, host) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u.to_string()), h.to_string()),
            None => (None, authority),
        };
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .map(str::to_string)
            .unwrap_or(host);
        if host.is_empty() {
            return Err(bad("the host is empty"));
        }
        // Each would reach ssh as an option or split its argument.
        if host.starts_with('-') || user.as_deref().is_some_and(|u| u.starts_with('-')) {
            return Err(bad("a host or user may not start with '-'"));
        }
        if host
            .chars()
            .chain(user.iter().flat_map(|u| u.chars()))
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(bad(
                "a host or user may not hold spaces or control characters",
            ));
        }
        if user.as_deref() == Some("") {
            return Err(bad("the user before @ is empty"));
        }
        if dir.is_empty() {
            return Err(bad("the directory is empty"));
        }
        if dir.contains('\0') || dir.chars().any(char::is_control) {
            return Err(bad("the directory may not hold control characters"));
        }
        Ok(SshTarget {
            user,
            host,
            port,
            dir,
        })
    }

    /// `USER@HOST` or `HOST`, as ssh takes its destination.
    pub fn destination(&self) -> String {
        match &self.user {
            Some(u) => format!("{u}@{}", self.host),
            None => self.host.clone(),
        }
    }

    /// How messages name a path in the directory on that machine.
    pub fn shown(&self, name: &str) -> String {
        format!(
            "{}:{}/{name}",
            self.destination(),
            self.dir.trim_end_matches('/')
        )
    }
}

fn split_port(authority: &str) -> std::result::Result<(String, Option<u16>), &'static str> {
    let (host, port) = if let Some(pos) = authority.rfind(']') {
        match authority[pos + 1..].strip_prefix(':') {
            Some(p) => (&authority[..=pos], Some(p)),
            None => (authority, None),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = port
        .map(|p| {
            p.parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or("the port is not a number from 1 to 65535")
        })
        .transpose()?;
    Ok((host.to_string(), port))
}

impl fmt::Display for SshTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.port {
            Some(p) => write!(f, "ssh://{}:{p}{}", self.destination(), self.dir),
            None => write!(f, "{}:{}", self.destination(), self.dir),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scp_and_url_forms() {
        let t = SshTarget::parse("root@db1:/etc/mysql/ssl").unwrap();
        assert_eq!(
            (t.user.as_deref(), t.host.as_str(), t.port, t.dir.as_str()),
            (Some("root"), "db1", None, "/etc/mysql/ssl")
        );
        let t = SshTarget::parse("ssh://deploy@[::1]:2222/var/lib/ssl").unwrap();
        assert_eq!(
            (t.user.as_deref(), t.host.as_str(), t.port, t.dir.as_str()),
            (Some("deploy"), "::1", Some(2222), "/var/lib/ssl")
        );
        let t = SshTarget::parse("db2:ssl").unwrap();
        assert_eq!(
            (t.user, t.host.as_str(), t.dir.as_str()),
            (None, "db2", "ssl")
        );
        let t = SshTarget::parse("[::1]:/srv/x").unwrap();
        assert_eq!(t.host, "::1");
    }

    #[test]
    fn local_paths_are_not_remote() {
        for local in ["/etc/ssl", "./a:b", "ssl", "/a:b", ":x"] {
            assert!(!SshTarget::is_remote(local), "{local}");
        }
        for remote in ["db1:/x", "root@db1:x", "ssh://db1/x", "[::1]:/x"] {
            assert!(SshTarget::is_remote(remote), "{remote}");
        }
    }

    #[test]
    fn refuses_what_would_become_an_ssh_option() {
        for bad in [
            "-oProxyCommand=x:/d",
            "a b:/d",
            "db1:",
            "ssh://db1:0/x",
            "ssh://db1",
            "@db1:/x",
        ] {
            assert!(SshTarget::parse(bad).is_err(), "{bad}");
        }
    }
}
