//! Passphrases: held in memory that is wiped when dropped, read from a file
//! (its first line, as `openssl -passin file:` reads it) or typed at the
//! terminal without echo, never shown in `Debug` output.
//!
//! Where a command takes its passphrase from (which option, which
//! environment variable, in which order) is the binary's business; it hands
//! the library a [`PassphraseSource`], asked only when an encrypted key has
//! to be opened.
//!
//! A signal that ends or stops certgen at the prompt (`signals`) gives the
//! terminal its echo back first; [`forbid_core_dumps`] keeps a passphrase or
//! a key in memory out of core files.

mod signals;

use std::fmt;
use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::Path;

use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Longest passphrase accepted from a file or the terminal.
const MAX_LEN: usize = 1024;

/// A passphrase. Its bytes are zeroized on drop and never printed.
#[derive(Clone)]
pub struct Passphrase(Zeroizing<Vec<u8>>);

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(..)")
    }
}

impl Passphrase {
    /// Takes `bytes` as a passphrase; `from` names where they came from, for
    /// the error when they are empty.
    pub fn new(bytes: Zeroizing<Vec<u8>>, from: &str) -> Result<Passphrase> {
        if bytes.is_empty() {
            return Err(Error::EmptyPassphrase {
                from: from.to_string(),
            });
        }
        Ok(Passphrase(bytes))
    }

    /// The passphrase's bytes, for the key derivation.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Reads the first line of a regular file (never a FIFO or device: see
    /// [`crate::input`]). An empty first line is refused.
    pub fn from_file(path: &Path) -> Result<Passphrase> {
        let from = path.display().to_string();
        let bytes = Zeroizing::new(crate::input::read_file(path).map_err(|source| {
            Error::PassphraseRead {
                from: from.clone(),
                source,
            }
        })?);
        Passphrase::new(first_line(&bytes), &from)
    }

    /// Asks on the controlling terminal (`/dev/tty`, not stdin), echo off.
    /// With `confirm`, asks twice and refuses two different answers.
    /// `Ok(None)` when the process has no terminal.
    pub fn prompt(prompt: &str, confirm: bool) -> Result<Option<Passphrase>> {
        let Some(mut tty) = Tty::open()? else {
            return Ok(None);
        };
        let prompts: &[&str] = if confirm {
            &[prompt, "Again, to confirm: "]
        } else {
            &[prompt]
        };
        let mut answers = tty.read_hidden(prompts)?.into_iter();
        let first = Passphrase::new(answers.next().unwrap_or_default(), "the terminal")?;
        if answers
            .next()
            .is_some_and(|again| again.as_slice() != first.expose())
        {
            return Err(Error::PassphraseMismatch);
        }
        Ok(Some(first))
    }
}

/// The first line of `bytes`, without its line ending.
fn first_line(bytes: &[u8]) -> Zeroizing<Vec<u8>> {
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Zeroizing::new(line.to_vec())
}

/// Keeps the process's memory, which may hold passphrases and private keys,
/// out of core files and away from other processes of the same user: no
/// core file is written (`RLIMIT_CORE` 0, for the programs certgen starts
/// too) and the process is not dumpable (`PR_SET_DUMPABLE` 0, which also
/// refuses `ptrace` and `/proc/PID/mem` to anyone but root). The binary does
/// this first thing; a program using the library should too before it
/// loads a key.
pub fn forbid_core_dumps() -> std::io::Result<()> {
    use rustix::process::{DumpableBehavior, Resource, Rlimit, set_dumpable_behavior, setrlimit};
    let none = Rlimit {
        current: Some(0),
        maximum: Some(0),
    };
    setrlimit(Resource::Core, none)?;
    set_dumpable_behavior(DumpableBehavior::NotDumpable)?;
    Ok(())
}

/// Where the library gets the passphrase of an encrypted CA key: asked only
/// when such a key is opened.
pub trait PassphraseSource: fmt::Debug + Send + Sync {
    /// The passphrase for the encrypted key `what` (its path).
    fn passphrase(&self, what: &str) -> Result<Passphrase>;
}

/// The controlling terminal, opened for a prompt.
struct Tty {
    file: std::fs::File,
}

impl Tty {
    const PATH: &'static str = "/dev/tty";

    /// `None` when there is no controlling terminal (cron, CI, a pipeline
    /// started without one).
    fn open() -> Result<Option<Tty>> {
        use std::os::unix::fs::OpenOptionsExt;
        let opened = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(rustix::fs::OFlags::NOCTTY.bits() as i32)
            .open(Self::PATH);
        match opened {
            Ok(file) => Ok(Some(Tty { file })),
            // ENXIO: no controlling terminal; ENOENT: no /dev/tty at all.
            Err(e)
                if e.raw_os_error() == Some(rustix::io::Errno::NXIO.raw_os_error())
                    || e.kind() == std::io::ErrorKind::NotFound =>
            {
                Ok(None)
            }
            Err(source) => Err(Error::PassphraseRead {
                from: Self::PATH.to_string(),
                source,
            }),
        }
    }

    /// Prints each prompt and reads one line for it, with echo off from the
    /// first prompt to the last answer; the terminal is restored even when
    /// reading fails.
    ///
    /// The terminal is put in raw mode (no echo, no line editing, no signal
    /// keys) and [`read_line`] does the editing itself: Ctrl-C then reaches
    /// certgen as a key, so the terminal is restored before it stops, instead
    /// of being left without echo by a signal that kills it mid-prompt. A
    /// signal sent by other means (`kill`, a closed terminal) is caught too:
    /// the terminal is restored, then the signal ends certgen, or stops it
    /// until it is continued, when the prompt is shown again (see
    /// [`Answering`]).
    fn read_hidden(&mut self, prompts: &[&str]) -> Result<Vec<Zeroizing<Vec<u8>>>> {
        use rustix::termios::{
            LocalModes, OptionalActions, SpecialCodeIndex, tcgetattr, tcsetattr,
        };
        let failed = |source: std::io::Error| Error::PassphraseRead {
            from: Self::PATH.to_string(),
            source,
        };
        let saved = tcgetattr(&self.file).map_err(|e| failed(e.into()))?;
        let mut quiet = saved.clone();
        quiet
            .local_modes
            .remove(LocalModes::ECHO | LocalModes::ICANON | LocalModes::ISIG);
        quiet.special_codes[SpecialCodeIndex::VMIN] = 1;
        quiet.special_codes[SpecialCodeIndex::VTIME] = 0;
        let watch = signals::Watch::start().map_err(failed)?;
        tcsetattr(&self.file, OptionalActions::Now, &quiet).map_err(|e| failed(e.into()))?;
        let answers = prompts
            .iter()
            .map(|prompt| {
                let mut tty = &self.file;
                tty.write_all(prompt.as_bytes())?;
                tty.flush()?;
                let mut answering = Answering {
                    tty,
                    watch: &watch,
                    saved: &saved,
                    quiet: &quiet,
                    prompt,
                };
                let line = read_line(&mut answering);
                tty.write_all(b"\r\n")?;
                line
            })
            .collect::<std::io::Result<Vec<_>>>();
        let restored = tcsetattr(&self.file, OptionalActions::Now, &saved);
        let pending = watch.take();
        drop(watch);
        for signal in pending {
            signals::default_action(signal);
        }
        let answers = answers.map_err(failed)?;
        restored.map_err(|e| failed(e.into()))?;
        Ok(answers)
    }
}

/// The terminal read at a prompt, with an eye on the signals: one that
/// arrives while certgen waits for a key restores the terminal's modes, then
/// takes its default action; when that stops certgen, the prompt's mode and
/// the prompt come back once it is continued (`fg`).
struct Answering<'a> {
    tty: &'a std::fs::File,
    watch: &'a signals::Watch,
    saved: &'a rustix::termios::Termios,
    quiet: &'a rustix::termios::Termios,
    prompt: &'a str,
}

impl Answering<'_> {
    fn on_signal(&mut self, signal: i32) -> std::io::Result<()> {
        use rustix::termios::{OptionalActions, tcsetattr};
        let mut tty = self.tty;
        let _ = tcsetattr(tty, OptionalActions::Now, self.saved);
        let _ = tty.write_all(b"\r\n");
        signals::default_action(signal);
        tcsetattr(tty, OptionalActions::Now, self.quiet)?;
        tty.write_all(self.prompt.as_bytes())?;
        tty.flush()
    }
}

impl Read for Answering<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use rustix::event::{PollFd, PollFlags, poll};
        loop {
            let mut fds = [
                PollFd::new(self.tty, PollFlags::IN),
                PollFd::from_borrowed_fd(self.watch.fd(), PollFlags::IN),
            ];
            match poll(&mut fds, None) {
                Ok(_) => {}
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
            let (key, woken) = (!fds[0].revents().is_empty(), !fds[1].revents().is_empty());
            if woken {
                for signal in self.watch.take() {
                    self.on_signal(signal)?;
                }
                continue;
            }
            if key {
                let mut tty = self.tty;
                return tty.read(buf);
            }
        }
    }
}

/// Reads one line typed at a raw terminal, or from any reader: it ends at
/// Enter (CR or LF) or at the end of the input (or Ctrl-D); Backspace and
/// Delete remove the last byte, Ctrl-U the whole line, and Ctrl-C gives up.
/// One byte at a time, so nothing after the line is consumed; at most
/// [`MAX_LEN`] bytes are kept.
fn read_line(input: &mut impl Read) -> std::io::Result<Zeroizing<Vec<u8>>> {
    const CTRL_C: u8 = 0x03;
    const CTRL_D: u8 = 0x04;
    const CTRL_U: u8 = 0x15;
    const BACKSPACE: u8 = 0x08;
    const DELETE: u8 = 0x7f;
    let mut line = Zeroizing::new(Vec::with_capacity(64));
    let mut byte = Zeroizing::new([0u8; 1]);
    loop {
        match input.read(&mut byte[..]) {
            Ok(0) => break,
            Ok(_) => match byte[0] {
                b'\n' | b'\r' | CTRL_D => break,
                CTRL_C => return Err(std::io::Error::other("interrupted")),
                BACKSPACE | DELETE => {
                    line.pop();
                }
                CTRL_U => line.clear(),
                _ if line.len() >= MAX_LEN => {
                    return Err(std::io::Error::other(format!(
                        "longer than {MAX_LEN} bytes"
                    )));
                }
                b => line.push(b),
            },
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_gives_its_first_line() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("pass");
        std::fs::write(&p, "s3cret\r\nsecond line\n").unwrap();
        assert_eq!(Passphrase::from_file(&p).unwrap().expose(), b"s3cret");
        std::fs::write(&p, "no newline").unwrap();
        assert_eq!(Passphrase::from_file(&p).unwrap().expose(), b"no newline");
    }

    #[test]
    fn empty_passphrases_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("pass");
        for content in ["", "\n", "\r\nsecond"] {
            std::fs::write(&p, content).unwrap();
            let err = Passphrase::from_file(&p).unwrap_err();
            assert!(matches!(err, Error::EmptyPassphrase { .. }), "{err:?}");
        }
    }

    #[test]
    fn unreadable_files_say_why() {
        let err = Passphrase::from_file(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(
            format!("{err}: {}", std::error::Error::source(&err).unwrap()),
            "reading the passphrase from /dev/zero: not a regular file (a device)"
        );
    }

    #[test]
    fn core_dumps_are_forbidden() {
        use rustix::process::{DumpableBehavior, Resource, dumpable_behavior, getrlimit};
        forbid_core_dumps().unwrap();
        assert_eq!(dumpable_behavior().unwrap(), DumpableBehavior::NotDumpable);
        let core = getrlimit(Resource::Core);
        assert_eq!((core.current, core.maximum), (Some(0), Some(0)));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let p = Passphrase::new(Zeroizing::new(b"hunter2".to_vec()), "t").unwrap();
        assert_eq!(format!("{p:?}"), "Passphrase(..)");
    }

    #[test]
    fn lines_stop_at_the_newline_and_the_limit() {
        let mut input: &[u8] = b"abc\nrest";
        assert_eq!(read_line(&mut input).unwrap().as_slice(), b"abc");
        assert_eq!(input, b"rest");
        let mut input: &[u8] = b"abx\x7fc\r";
        assert_eq!(read_line(&mut input).unwrap().as_slice(), b"abc");
        let mut input: &[u8] = b"wrong\x15right\x08t\n";
        assert_eq!(read_line(&mut input).unwrap().as_slice(), b"right");
        let mut input: &[u8] = b"sec\x03ret\n";
        assert_eq!(
            read_line(&mut input).unwrap_err().to_string(),
            "interrupted"
        );
        let long = vec![b'x'; MAX_LEN + 1];
        assert!(read_line(&mut long.as_slice()).is_err());
    }
}
