//! What the read-only script (`probe.sh`) reports of a deployment
//! directory on another machine.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::deploy::Ancestor;

/// An entry of the deployment directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Link,
    Other,
    Dir {
        uid: u32,
    },
    File {
        uid: u32,
        gid: u32,
        mode: u32,
        sha256: String,
    },
}

/// The directory as the probe saw it.
#[derive(Clone, Debug, Default)]
pub struct Probe {
    /// The remote user's uid and gid.
    pub me: (u32, u32),
    /// "yes", "no", "link", "notdir", "unreadable".
    pub dir: String,
    pub parent_missing: bool,
    /// The directory (when it exists, else its parent) and those above it,
    /// with the name of each one's owner.
    pub ancestors: Vec<(Ancestor, String)>,
    /// `--owner` resolved there: uid and gid (None: not given or left out).
    pub owner: Option<(Option<u32>, Option<u32>)>,
    pub no_user: Option<String>,
    pub no_group: Option<String>,
    pub entries: HashMap<String, Entry>,
    /// The certificate file found there, as printed back.
    pub certificate: String,
}

impl Probe {
    pub fn parse(text: &str) -> Probe {
        let mut p = Probe::default();
        for line in text.lines() {
            let mut words = line.splitn(2, ' ');
            let (key, rest) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
            let num = |s: &str| s.parse::<u32>().ok();
            match key {
                "me" => {
                    let mut w = rest.split(' ');
                    p.me = (
                        w.next().and_then(num).unwrap_or(u32::MAX),
                        w.next().and_then(num).unwrap_or(u32::MAX),
                    );
                }
                "dir" => p.dir = rest.to_string(),
                "parent" => p.parent_missing = true,
                "anc" => {
                    let mut w = rest.splitn(4, ' ');
                    let (Some(uid), Some(mode), Some(name), Some(path)) =
                        (w.next().and_then(num), w.next(), w.next(), w.next())
                    else {
                        continue;
                    };
                    let mode = u32::from_str_radix(mode, 8).unwrap_or(0o7777);
                    p.ancestors.push((
                        Ancestor {
                            path: PathBuf::from(path),
                            uid,
                            mode,
                        },
                        name.to_string(),
                    ));
                }
                "owner" => {
                    let mut w = rest.split(' ');
                    p.owner = Some((w.next().and_then(num), w.next().and_then(num)));
                }
                "pem" => {
                    p.certificate.push_str(rest);
                    p.certificate.push('\n');
                }
                "nouser" => p.no_user = Some(rest.to_string()),
                "nogroup" => p.no_group = Some(rest.to_string()),
                "file" => {
                    let w: Vec<&str> = rest.split(' ').collect();
                    let entry = match w.as_slice() {
                        [_, "l"] => Entry::Link,
                        [_, "o"] => Entry::Other,
                        [_, "d", uid, _, _] => Entry::Dir {
                            uid: num(uid).unwrap_or(u32::MAX),
                        },
                        [_, "f", uid, gid, mode, sum] => Entry::File {
                            uid: num(uid).unwrap_or(u32::MAX),
                            gid: num(gid).unwrap_or(u32::MAX),
                            mode: u32::from_str_radix(mode, 8).unwrap_or(0o7777),
                            sha256: sum.to_string(),
                        },
                        _ => continue,
                    };
                    p.entries.insert(w[0].to_string(), entry);
                }
                _ => {}
            }
        }
        p
    }

    pub fn exists(&self) -> bool {
        self.dir == "yes"
    }

    /// The owner (uid, name) of the directory, or of its parent when it is
    /// to be made.
    pub fn dir_owner(&self) -> Option<(u32, &str)> {
        self.ancestors.first().map(|(a, n)| (a.uid, n.as_str()))
    }

    pub fn name_of(&self, uid: u32) -> String {
        self.ancestors
            .iter()
            .find(|(a, _)| a.uid == uid)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| uid.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_script_prints() {
        let p = Probe::parse(
            "me 0 0\ndir yes\nanc 105 755 mysql /etc/my ssl\nanc 0 755 root /etc\nanc 0 755 root /\n\
             owner 105 110\nfile .ssh-txn f 105 110 600 abc\nfile ca.pem l\nfile old_keys d 105 110 700\n",
        );
        assert_eq!(p.me, (0, 0));
        assert!(p.exists());
        assert_eq!(p.ancestors[0].0.path, PathBuf::from("/etc/my ssl"));
        assert_eq!(p.dir_owner(), Some((105, "mysql")));
        assert_eq!(p.owner, Some((Some(105), Some(110))));
        assert_eq!(p.entries["ca.pem"], Entry::Link);
        assert_eq!(p.entries["old_keys"], Entry::Dir { uid: 105 });
        assert!(matches!(
            p.entries[".ssh-txn"],
            Entry::File { mode: 0o600, .. }
        ));
    }
}
