//! A tiny terminal harness for end-to-end tests: runs the `kanbao` binary on a real pty
//! (portable-pty) and keeps a `vt100` model of its screen, plus every raw byte it wrote.
//!
//! The child is killed when the harness is dropped, so a failing test never leaves a
//! process behind.

#![allow(dead_code)]

use std::fs::File;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::os::fd::{AsRawFd, FromRawFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

/// Generous default for anything we wait on; tests never assert on timing.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The cursor position request (DSR 6) and a reply, in case the app ever asks.
const CPR_REQUEST: &[u8] = b"\x1b[6n";
const CPR_REPLY: &[u8] = b"\x1b[1;1R";

/// Everything the reader thread fills in.
struct Shared {
    parser: vt100::Parser,
    raw: Vec<u8>,
    eof: bool,
}

/// How often the reader thread looks at its stop flag.
const READ_POLL_MS: i32 = 50;

pub struct Tui {
    /// `None` once hung up, like `writer`.
    master: Option<Box<dyn MasterPty + Send>>,
    writer: Arc<Mutex<Option<Box<dyn Write + Send>>>>,
    /// Tells the reader thread to close its end of the pty.
    stop_reading: Arc<AtomicBool>,
    child: Box<dyn Child + Send + Sync>,
    shared: Arc<Mutex<Shared>>,
    reader: Option<JoinHandle<()>>,
    status: Option<ExitStatus>,
    /// The home directory made for this run by [`Tui::spawn`], removed after it.
    home: Option<Home>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not make Drop panic again.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("terminal size must be at least 1x1")
}

/// The crate root, for fixture paths.
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// An empty directory in the temp directory, removed when this is dropped, so that test
/// runs do not pile up directories there.
pub struct Home(PathBuf);

impl std::ops::Deref for Home {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A new empty directory to serve as a home directory.
pub fn new_home() -> Home {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "kanbao-home-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp home");
    Home(dir)
}

pub fn fixture(rel: &str) -> PathBuf {
    manifest_dir().join("tests/fixtures").join(rel)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

impl Tui {
    /// Starts `kanbao ARGS...` on a `cols`x`rows` pty, with a fresh empty home directory
    /// (so no config or reading state of the machine's user is read or written).
    pub fn spawn(args: &[&Path], cols: u16, rows: u16) -> Tui {
        let home = new_home();
        let mut tui = Tui::spawn_in(args, cols, rows, &home);
        tui.home = Some(home);
        tui
    }

    /// As `spawn`, with `home` as the home directory (config and state live under it).
    pub fn spawn_in(args: &[&Path], cols: u16, rows: u16, home: &Path) -> Tui {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");

        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_kanbao"));
        for a in args {
            cmd.arg(a);
        }
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env_remove("NO_COLOR");
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home.join(".config"));
        cmd.env("XDG_DATA_HOME", home.join(".local/share"));
        // The newest posts of each run are remembered there: not in the real cache.
        cmd.env("XDG_CACHE_HOME", home.join(".cache"));
        // portable-pty starts in $HOME unless told otherwise.
        cmd.cwd(manifest_dir());

        let child = pair.slave.spawn_command(cmd).expect("spawn kanbao");
        // Only the child may hold the slave side, or the reader never sees EOF.
        drop(pair.slave);

        // The reader's own descriptor of the master, waited on with a timeout so the thread
        // can be told to close it ([`Tui::hang_up`]).
        let master_fd = pair.master.as_raw_fd().expect("master fd");
        // SAFETY: dup returns a new descriptor that only this File owns.
        let mut reader = unsafe { File::from_raw_fd(libc::dup(master_fd)) };
        let writer: Arc<Mutex<Option<Box<dyn Write + Send>>>> = Arc::new(Mutex::new(Some(
            pair.master.take_writer().expect("pty writer"),
        )));
        let stop_reading = Arc::new(AtomicBool::new(false));
        let shared = Arc::new(Mutex::new(Shared {
            parser: vt100::Parser::new(nz(rows), nz(cols), 0),
            raw: Vec::new(),
            eof: false,
        }));

        let thread_shared = Arc::clone(&shared);
        let thread_writer = Arc::clone(&writer);
        let thread_stop = Arc::clone(&stop_reading);
        let handle = thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                let mut fd = [libc::pollfd {
                    fd: reader.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                }];
                // SAFETY: one valid pollfd for the duration of the call.
                let n = unsafe { libc::poll(fd.as_mut_ptr(), 1, READ_POLL_MS) };
                if thread_stop.load(Ordering::Relaxed) {
                    return;
                }
                if n <= 0 {
                    continue;
                }
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let asked = {
                            let mut s = lock(&thread_shared);
                            // Look a few bytes back so a request split across reads is seen.
                            let from = s.raw.len().saturating_sub(CPR_REQUEST.len() - 1);
                            s.raw.extend_from_slice(&buf[..n]);
                            s.parser.process(&buf[..n]);
                            contains(&s.raw[from..], CPR_REQUEST)
                        };
                        if asked && let Some(w) = lock(&thread_writer).as_mut() {
                            let _ = w.write_all(CPR_REPLY);
                            let _ = w.flush();
                        }
                    }
                }
            }
            lock(&thread_shared).eof = true;
        });

        Tui {
            master: Some(pair.master),
            writer,
            stop_reading,
            child,
            shared,
            reader: Some(handle),
            status: None,
            home: None,
        }
    }

    pub fn send_bytes(&self, bytes: &[u8]) {
        let mut w = lock(&self.writer);
        let w = w.as_mut().expect("the terminal was hung up");
        w.write_all(bytes).expect("write to pty");
        w.flush().expect("flush pty");
    }

    pub fn send(&self, keys: &str) {
        self.send_bytes(keys.as_bytes());
    }

    /// The parsed screen as text, rows separated by newlines.
    pub fn screen(&self) -> String {
        lock(&self.shared).parser.screen().contents()
    }

    /// Waits until `text` is on screen. Returns false on timeout.
    pub fn wait_for(&self, text: &str, timeout: Duration) -> bool {
        self.wait_until(timeout, |s| s.contains(text))
    }

    /// Waits until `pred(screen)` holds. Returns false on timeout.
    pub fn wait_until(&self, timeout: Duration, pred: impl Fn(&str) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if pred(&self.screen()) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until two screen snapshots ~100 ms apart are identical. Returns false if the
    /// screen never settles within `TIMEOUT`.
    pub fn wait_stable(&self) -> bool {
        let deadline = Instant::now() + TIMEOUT;
        let mut last = self.screen();
        while Instant::now() < deadline {
            thread::sleep(Duration::from_millis(100));
            let now = self.screen();
            if now == last {
                return true;
            }
            last = now;
        }
        false
    }

    /// Resizes the pty (the child gets SIGWINCH) and the screen model to match.
    pub fn resize(&self, cols: u16, rows: u16) {
        lock(&self.shared).parser.set_size(nz(rows), nz(cols));
        self.master
            .as_ref()
            .expect("the terminal was hung up")
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize pty");
    }

    /// How many raw bytes the child has written so far; pass to `output_since`.
    pub fn mark(&self) -> usize {
        lock(&self.shared).raw.len()
    }

    /// Raw bytes written by the child after `mark`.
    pub fn output_since(&self, mark: usize) -> Vec<u8> {
        let s = lock(&self.shared);
        s.raw[mark.min(s.raw.len())..].to_vec()
    }

    /// Closes the terminal as a dropped SSH connection or a killed tmux pane does: every
    /// descriptor of the master side, so the child's tty hangs up.
    pub fn hang_up(&mut self) {
        self.stop_reading.store(true, Ordering::Relaxed);
        if let Some(h) = self.reader.take() {
            let _ = h.join();
        }
        lock(&self.shared).eof = true;
        lock(&self.writer).take();
        self.master.take();
    }

    /// The child's process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// True while the child has not exited.
    pub fn is_alive(&mut self) -> bool {
        if self.status.is_some() {
            return false;
        }
        match self.child.try_wait() {
            Ok(Some(status)) => {
                self.status = Some(status);
                false
            }
            Ok(None) => true,
            Err(_) => false,
        }
    }

    /// Waits for the child to exit, then for its last output to be read. None on timeout.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        while self.is_alive() {
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(20));
        }
        // The pty hands over what the child wrote before EOF; wait for the reader to drain.
        while !lock(&self.shared).eof && Instant::now() < deadline + Duration::from_secs(2) {
            thread::sleep(Duration::from_millis(10));
        }
        let drained = lock(&self.shared).eof;
        if drained && let Some(h) = self.reader.take() {
            let _ = h.join();
        }
        self.status.clone()
    }

    /// A description of the current state for assertion messages.
    pub fn dump(&self) -> String {
        let s = lock(&self.shared);
        let tail = &s.raw[s.raw.len().saturating_sub(400)..];
        format!(
            "--- screen ---\n{}\n--- last raw bytes ---\n{:?}\n",
            s.parser.screen().contents(),
            String::from_utf8_lossy(tail)
        )
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if self.is_alive() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        // The reader thread ends on its own once the pty is closed; never block on it.
    }
}
