//! Signals that arrive while a prompt has the terminal without echo: the
//! terminal gets its modes back before the signal takes effect.
//!
//! While a [`Watch`] is held, SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGTSTP
//! (each one certgen did not start with ignored) only wake the prompt: their
//! handler writes a byte to a socket the prompt polls beside the terminal.
//! The prompt restores the terminal, then takes the signal's default action
//! itself ([`default_action`]): certgen ends, killed by that signal, or stops
//! until SIGCONT. Outside a prompt the handlers, once installed, take the
//! default action at once (signal-hook cannot put the default disposition
//! back, so its handler emulates it).

use std::io::{self, Read};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use signal_hook::SigId;
use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};

/// The signals that end or stop certgen by default, which a terminal (or a
/// user's `kill`) sends to a process waiting at a prompt.
const WATCHED: [i32; 5] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP];

/// The signals watched (those not ignored when certgen started), and whether
/// no prompt is watching them: then they take their default action.
struct Defaults {
    signals: Vec<i32>,
    outside: Arc<AtomicBool>,
}

/// Installs, once, the handlers that take each watched signal's default
/// action outside a prompt.
fn defaults() -> io::Result<&'static Defaults> {
    static DEFAULTS: OnceLock<Defaults> = OnceLock::new();
    if let Some(d) = DEFAULTS.get() {
        return Ok(d);
    }
    let ignored = ignored_at_start();
    let signals: Vec<i32> = WATCHED
        .into_iter()
        .filter(|s| ignored & (1 << (s - 1)) == 0)
        .collect();
    let outside = Arc::new(AtomicBool::new(true));
    for &signal in &signals {
        signal_hook::flag::register_conditional_default(signal, outside.clone())?;
    }
    Ok(DEFAULTS.get_or_init(|| Defaults { signals, outside }))
}

/// The signals this process ignores (`SigIgn` in `/proc/self/status`, one
/// bit per signal): a command started with `nohup`, or in the background of
/// a script, keeps ignoring them.
fn ignored_at_start() -> u64 {
    let mut status = String::new();
    let read =
        std::fs::File::open("/proc/self/status").and_then(|mut f| f.read_to_string(&mut status));
    if read.is_err() {
        return 0;
    }
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .unwrap_or(0)
}

/// The watched signals turned into bytes on a socket, for as long as it is
/// held.
pub struct Watch {
    wake: UnixStream,
    arrived: Vec<(i32, Arc<AtomicBool>)>,
    ids: Vec<SigId>,
    outside: Arc<AtomicBool>,
}

impl Watch {
    pub fn start() -> io::Result<Watch> {
        let defaults = defaults()?;
        let (wake, writer) = UnixStream::pair()?;
        wake.set_nonblocking(true)?;
        writer.set_nonblocking(true)?;
        let mut watch = Watch {
            wake,
            arrived: Vec::new(),
            ids: Vec::new(),
            outside: defaults.outside.clone(),
        };
        for &signal in &defaults.signals {
            let flag = Arc::new(AtomicBool::new(false));
            watch
                .ids
                .push(signal_hook::flag::register(signal, flag.clone())?);
            let pipe = writer.try_clone()?;
            watch
                .ids
                .push(signal_hook::low_level::pipe::register(signal, pipe)?);
            watch.arrived.push((signal, flag));
        }
        watch.outside.store(false, Ordering::SeqCst);
        Ok(watch)
    }

    /// What to poll, beside the terminal: readable once a signal arrived.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.wake.as_fd()
    }

    /// The signals that arrived since the last call.
    pub fn take(&self) -> Vec<i32> {
        let mut drain = [0u8; 64];
        while (&self.wake).read(&mut drain).is_ok_and(|n| n > 0) {}
        self.arrived
            .iter()
            .filter(|(_, flag)| flag.swap(false, Ordering::SeqCst))
            .map(|(signal, _)| *signal)
            .collect()
    }
}

impl Drop for Watch {
    /// The signals take their default action again; one that arrives
    /// meanwhile is not lost.
    fn drop(&mut self) {
        self.outside.store(true, Ordering::SeqCst);
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// Does what `signal` does by default: ends the process, killed by it, or
/// stops it (returning once it is continued).
pub fn default_action(signal: i32) {
    let _ = signal_hook::low_level::emulate_default_handler(signal);
}
