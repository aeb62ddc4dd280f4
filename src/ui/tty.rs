//! Waiting for the terminal, and noticing when it is gone.
//!
//! crossterm's `event::poll` spins at full CPU and never returns once the terminal hangs
//! up (an SSH connection drops, a tmux pane is killed): the tty stays readable while
//! reads return nothing, and its read loop retries at once (crossterm#793, unfixed in
//! 0.29). So the event loop waits here, on the tty and on SIGWINCH, with `poll(2)`, which
//! reports a hang-up; crossterm is asked for events only once there is input. A watchdog
//! thread covers the moment between the two (the hang-up comes while crossterm reads): it
//! puts an empty pipe where crossterm reads, which reads as "nothing yet", so crossterm
//! returns and the loop sees the hang-up; should the loop still not end, it ends the
//! process.

use std::fs::File;
use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// What [`Tty::wait`] saw.
#[derive(Debug, PartialEq, Eq)]
pub enum Wait {
    /// Input, a resize or a signal: ask crossterm for events, look at the stop flag.
    Ready,
    Timeout,
    /// The terminal is gone.
    HungUp,
}

/// How long the event loop gets to save and end by itself after a hang-up.
const GRACE: Duration = Duration::from_secs(3);

pub struct Tty {
    tty: File,
    /// crossterm reads the terminal from standard input when that is the terminal.
    stdin_is_tty: bool,
    /// Written to on SIGWINCH (crossterm sees the resize through its own handler), and
    /// through [`Tty::waker`].
    winch: UnixStream,
    waker: Arc<UnixStream>,
}

fn hung_up(revents: libc::c_short) -> bool {
    revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

impl Tty {
    /// The controlling terminal, or `None` if there is none.
    pub fn open() -> Option<Tty> {
        let tty = File::open("/dev/tty").ok()?;
        let (winch, writer) = UnixStream::pair().ok()?;
        winch.set_nonblocking(true).ok()?;
        writer.set_nonblocking(true).ok()?;
        let waker = Arc::new(writer.try_clone().ok()?);
        signal_hook::low_level::pipe::register(signal_hook::consts::SIGWINCH, writer).ok()?;
        // SAFETY: isatty only looks at the descriptor.
        let stdin_is_tty = unsafe { libc::isatty(libc::STDIN_FILENO) } == 1;
        Some(Tty {
            tty,
            stdin_is_tty,
            winch,
            waker,
        })
    }

    /// What another thread writes a byte to, to end a [`Tty::wait`] (a render done).
    pub fn waker(&self) -> Arc<UnixStream> {
        Arc::clone(&self.waker)
    }

    /// Waits up to `timeout` for input, a resize or a wake-up.
    pub fn wait(&mut self, timeout: Duration) -> Wait {
        let mut fds = [
            libc::pollfd {
                fd: self.tty.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: self.winch.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
        // SAFETY: `fds` is a valid array of two pollfd for the duration of the call.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
        if n < 0 {
            // EINTR: a signal (SIGTERM, SIGHUP, SIGWINCH) arrived; the caller looks.
            return Wait::Ready;
        }
        if hung_up(fds[0].revents) {
            return Wait::HungUp;
        }
        if fds[1].revents != 0 {
            let mut sink = [0u8; 64];
            while matches!(self.winch.read(&mut sink), Ok(n) if n > 0) {}
        }
        if n == 0 { Wait::Timeout } else { Wait::Ready }
    }

    /// Whether the terminal has hung up, without waiting.
    pub fn hung_up(&self) -> bool {
        let mut fd = [libc::pollfd {
            fd: self.tty.as_raw_fd(),
            events: 0,
            revents: 0,
        }];
        // SAFETY: `fd` is a valid array of one pollfd for the duration of the call.
        let n = unsafe { libc::poll(fd.as_mut_ptr(), 1, 0) };
        n > 0 && hung_up(fd[0].revents)
    }

    /// Starts the watchdog: when the terminal hangs up it sets `stop` and, if crossterm
    /// reads standard input, [unplugs](unplug_stdin) it; if the process is still running
    /// [`GRACE`] later, it ends it with the status of a SIGHUP death.
    pub fn watch(&self, stop: Arc<AtomicBool>) {
        let Ok(tty) = self.tty.try_clone() else {
            return;
        };
        let stdin_is_tty = self.stdin_is_tty;
        std::thread::spawn(move || {
            let mut fd = [libc::pollfd {
                fd: tty.as_raw_fd(),
                // Nothing asked: poll still reports a hang-up, and does not wake for input.
                events: 0,
                revents: 0,
            }];
            loop {
                // SAFETY: `fd` is a valid array of one pollfd for the duration of the call.
                let n = unsafe { libc::poll(fd.as_mut_ptr(), 1, -1) };
                if n > 0 && hung_up(fd[0].revents) {
                    break;
                }
            }
            stop.store(true, Ordering::Relaxed);
            if stdin_is_tty {
                unplug_stdin();
            }
            std::thread::sleep(GRACE);
            std::process::exit(128 + libc::SIGHUP);
        });
    }
}

/// Replaces standard input with the read end of a pipe nobody writes to (the write end is
/// kept open, so reads find nothing yet rather than an end of file). crossterm's read loop,
/// stuck on the hung-up terminal, then gets "would block" and returns.
fn unplug_stdin() {
    let mut ends = [0; 2];
    // SAFETY: pipe2 fills `ends` with two new descriptors; dup2 makes descriptor 0 a copy
    // of the read end. Both ends stay open until the process ends.
    unsafe {
        if libc::pipe2(ends.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) == 0 {
            libc::dup2(ends[0], libc::STDIN_FILENO);
        }
    }
}
