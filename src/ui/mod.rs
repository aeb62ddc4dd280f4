//! The terminal UI: the Elm-style core (`app`), pane geometry (`layout`), drawing (`view`,
//! text and boxes by our measure in `draw`) and the event loop below, the only place that
//! touches the terminal, carries out effects and saves state.

pub mod app;
pub mod draw;
pub mod layout;
mod tty;
pub mod view;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError};
use std::time::{Duration, Instant, SystemTime};

use base64::Engine;
use crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyCode, KeyEvent, KeyEventKind,
    KeyModifiers, MouseEventKind,
};

use crate::config::Config;
use crate::keymap::Keymap;
use crate::loader::{self, Source};
use crate::render::html::Document;
use crate::render::{self, Article, CacheKey};
use crate::state::State;
use app::{Effect, Input, Model, MouseKind, Msg, update};

/// Everything the reader needs besides the posts.
pub struct Options {
    pub config: Config,
    /// Where reading state is kept; `None` keeps it in memory only.
    pub state_path: Option<PathBuf>,
}

/// State is written at most this often while reading, and always on the way out.
const SAVE_EVERY: Duration = Duration::from_secs(2);

pub fn run(source: Source, opts: Options) -> ExitCode {
    // SIGTERM, SIGHUP (the SSH connection dropped) and SIGINT end the loop like `q`, so
    // the state is saved and the terminal restored on the way out.
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ] {
        if let Err(e) = signal_hook::flag::register(sig, Arc::clone(&stop)) {
            eprintln!("kanbao: cannot watch signal {sig}: {e}");
        }
    }
    // ratatui::init enters raw mode and the alternate screen, and installs a panic hook
    // that restores the terminal before the panic message is printed.
    let mut terminal = ratatui::init();
    let mouse = opts.config.mouse;
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), EnableMouseCapture);
    }
    let result = event_loop(&mut terminal, source, opts, &stop);
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
    }
    ratatui::restore();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kanbao: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A key typed into an open prompt.
fn prompt_input(k: &KeyEvent) -> Option<Input> {
    match k.code {
        KeyCode::Enter => Some(Input::Enter),
        KeyCode::Esc => Some(Input::Cancel),
        KeyCode::Backspace => Some(Input::Backspace),
        KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => Some(Input::Cancel),
        KeyCode::Char(c)
            if !k
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(Input::Char(c))
        }
        _ => None,
    }
}

fn to_msg(model: &Model, keymap: &Keymap, ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => {
            if model.prompt.is_some() {
                return prompt_input(&k).map(Msg::Input);
            }
            keymap.action(&k).map(Msg::Action).or_else(|| match k.code {
                // Unbound characters (a Chinese name typed in the categories pane)
                // start the category filter.
                KeyCode::Char(c)
                    if !k
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                {
                    Some(Msg::Input(Input::Char(c)))
                }
                _ => None,
            })
        }
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        Event::Mouse(m) => {
            let kind = match m.kind {
                MouseEventKind::ScrollUp => MouseKind::ScrollUp,
                MouseEventKind::ScrollDown => MouseKind::ScrollDown,
                MouseEventKind::Down(_) => MouseKind::Click,
                _ => return None,
            };
            Some(Msg::Mouse(kind, m.column, m.row))
        }
        _ => None,
    }
}

/// Opens a link with `$BROWSER` or the platform's opener, the address passed as one
/// argument (never through a shell).
fn open_url(url: &str) -> std::io::Result<()> {
    let program = std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| {
            if cfg!(target_os = "macos") {
                "open"
            } else {
                "xdg-open"
            }
            .to_string()
        });
    std::process::Command::new(program.trim())
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
}

/// Puts text on the clipboard with OSC 52, which terminals honour over SSH; inside tmux
/// the same sequence is also passed through to the outer terminal.
fn copy_osc52(text: &str) -> std::io::Result<()> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = std::io::stdout();
    write!(out, "\x1b]52;c;{b64}\x07")?;
    if std::env::var_os("TMUX").is_some() {
        write!(out, "\x1bPtmux;\x1b\x1b]52;c;{b64}\x07\x1b\\")?;
    }
    out.flush()
}

fn save(model: &Model, path: &Option<PathBuf>) -> Option<String> {
    let path = path.as_ref()?;
    model
        .state
        .save(path)
        .err()
        .map(|e| format!("cannot save reading state to {}: {e}", path.display()))
}

/// Ctrl-Z: hands the terminal back to the shell and stops, as `less` and `vim` do. Goes
/// on when continued (`fg`), or at once where there is no job control to stop it.
fn suspend(terminal: &mut ratatui::DefaultTerminal, mouse: bool) -> std::io::Result<()> {
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
    }
    ratatui::restore();
    crossterm::execute!(std::io::stdout(), crossterm::cursor::Show)?;
    signal_hook::low_level::raise(libc::SIGTSTP)?;
    crossterm::terminal::enable_raw_mode()?;
    crossterm::execute!(std::io::stdout(), crossterm::terminal::EnterAlternateScreen)?;
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), EnableMouseCapture);
    }
    terminal.hide_cursor()?;
    // The screen is blank now: draw everything, not only what changed.
    terminal.clear()
}

/// Where an article laid out off the UI thread is sent, and what wakes the event loop
/// for it: waiting on the terminal alone, the article would wait for the next timeout.
#[derive(Clone)]
struct Renders {
    tx: Sender<(CacheKey, u64, Article, Arc<Document>)>,
    wake: Option<Arc<std::os::unix::net::UnixStream>>,
}

impl Renders {
    fn send(&self, done: (CacheKey, u64, Article, Arc<Document>)) {
        // The loop is gone when the user has quit; nothing to do then.
        if self.tx.send(done).is_ok()
            && let Some(w) = &self.wake
        {
            // Full means a wake-up is already pending.
            let _ = (&**w).write(&[1]);
        }
    }
}

/// Carries out what `update` asked for. Returns true when it asked to quit.
fn perform(
    effects: Vec<Effect>,
    model: &mut Model,
    unsaved: &mut Option<Instant>,
    rendered: &Renders,
) -> bool {
    let mut quit = false;
    for effect in effects {
        match effect {
            Effect::Quit => quit = true,
            // Needs the terminal: the event loop does it (see `suspend`).
            Effect::Suspend => {}
            Effect::StateChanged => {
                unsaved.get_or_insert_with(Instant::now);
            }
            Effect::OpenUrl(url) => {
                if let Err(e) = open_url(&url) {
                    model.message = Some(format!("Cannot open a browser: {e}"));
                }
            }
            Effect::Copy(text) => {
                if let Err(e) = copy_osc52(&text) {
                    model.message = Some(format!("Cannot copy: {e}"));
                }
            }
            Effect::Render(key, n) => {
                let (ix, width, amb) = key;
                let post = model.store.post(ix).clone();
                let category = post
                    .categories
                    .first()
                    .map(|c| model.store.category_name(c).to_string());
                let (theme, tx) = (model.theme.clone(), rendered.clone());
                // At another width the post's body is only laid out again.
                let doc = model.cache.document(ix, amb);
                std::thread::spawn(move || {
                    let doc = doc.unwrap_or_else(|| Arc::new(render::body(&post, &theme, amb)));
                    let article = render::lay_out(
                        &post,
                        &doc,
                        category.as_deref(),
                        width.into(),
                        &theme,
                        amb,
                    );
                    tx.send((key, n, article, doc));
                });
            }
        }
    }
    quit
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    source: Source,
    opts: Options,
    stop: &Arc<AtomicBool>,
) -> std::io::Result<()> {
    let Options { config, state_path } = opts;
    let keymap = config.keymap;
    let mouse = config.mouse;
    let size = terminal.size()?;
    let (state, warning) = state_path.as_deref().map(State::load).unwrap_or_default();
    let mut model = Model::new(config.theme, (size.width, size.height))
        .with_state(state)
        .with_ambiguous_width(config.ambiguous_width);
    model.message = warning;
    // Live reload starts when the first load is done, so the two walks do not compete.
    let mut watch_paths = match &source {
        Source::Paths(p) => Some(p.clone()),
        Source::Embedded => None,
    };
    let mut watch: Option<Receiver<crate::watch::Change>> = None;
    let load_started = SystemTime::now();
    let mut loads = Some(loader::spawn(source, loader::recent::default_file()));
    let mut dirty = true;
    let mut unsaved: Option<Instant> = None;
    let (tx, rendered) = std::sync::mpsc::channel();
    let mut tty = tty::Tty::open();
    let rendered_tx = Renders {
        tx,
        wake: tty.as_ref().map(tty::Tty::waker),
    };
    if let Some(t) = &tty {
        t.watch(Arc::clone(stop));
        // crossterm starts watching SIGWINCH on its first poll; a resize before any
        // input would be missed otherwise.
        event::poll(Duration::ZERO)?;
    }
    // An I/O error (a terminal gone mid-draw) ends the loop like `q`: what was read is
    // still saved below.
    let mut run = || -> std::io::Result<()> {
        loop {
            if stop.load(Ordering::Relaxed) {
                break Ok(());
            }
            if let Some(rx) = &loads {
                loop {
                    match rx.try_recv() {
                        Ok(ev) => {
                            let fx = update(&mut model, Msg::Loaded(ev));
                            perform(fx, &mut model, &mut unsaved, &rendered_tx);
                            dirty = true;
                        }
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Disconnected) => {
                            loads = None;
                            if let Some(paths) = watch_paths.take() {
                                watch = Some(crate::watch::spawn(paths, load_started));
                            }
                            break;
                        }
                    }
                }
            }
            if let Some(rx) = &watch {
                while let Ok(change) = rx.try_recv() {
                    let fx = update(&mut model, Msg::Changed(change));
                    perform(fx, &mut model, &mut unsaved, &rendered_tx);
                    dirty = true;
                }
            }
            while let Ok((key, n, article, doc)) = rendered.try_recv() {
                let fx = update(&mut model, Msg::Rendered(key, n, article, doc));
                perform(fx, &mut model, &mut unsaved, &rendered_tx);
                dirty = true;
            }
            if unsaved.is_some_and(|t| t.elapsed() >= SAVE_EVERY) {
                unsaved = None;
                if let Some(e) = save(&model, &state_path) {
                    model.message = Some(e);
                    dirty = true;
                }
            }
            if dirty {
                terminal.draw(|f| view::view(&model, &keymap, f))?;
                dirty = false;
            }
            // While loading, wake up often to show progress; otherwise wait for input, but
            // look at signals, saves and file changes a few times a second.
            let timeout = if loads.is_some() || !model.rendering.is_empty() {
                30
            } else {
                200
            };
            let timeout = Duration::from_millis(timeout);
            let ready = match tty.as_mut().map(|t| t.wait(timeout)) {
                // Gone with the terminal: save and end like `q`.
                Some(tty::Wait::HungUp) => break Ok(()),
                Some(tty::Wait::Timeout) => false,
                Some(tty::Wait::Ready) => event::poll(Duration::ZERO)?,
                None => event::poll(timeout)?,
            };
            if !ready {
                continue;
            }
            // Handle every pending event before drawing again (key repeat, resize storms).
            let mut quit = false;
            loop {
                if let Some(msg) = to_msg(&model, &keymap, event::read()?) {
                    dirty = true;
                    let fx = update(&mut model, msg);
                    if fx.contains(&Effect::Suspend) {
                        // Saved first: a stopped job may be killed instead of continued.
                        if unsaved.take().is_some()
                            && let Some(e) = save(&model, &state_path)
                        {
                            model.message = Some(e);
                        }
                        suspend(terminal, mouse)?;
                    }
                    quit |= perform(fx, &mut model, &mut unsaved, &rendered_tx);
                }
                // crossterm would spin on a terminal that has just hung up (see tty.rs):
                // look first; the wait above then ends the loop.
                if quit
                    || tty.as_ref().is_some_and(tty::Tty::hung_up)
                    || !event::poll(Duration::ZERO)?
                {
                    break;
                }
            }
            if quit {
                break Ok(());
            }
        }
    };
    let result = run();
    // Printed by the caller once the terminal is restored: here it would land on the
    // alternate screen and vanish with it.
    if unsaved.is_some()
        && let Some(e) = save(&model, &state_path)
    {
        return result.and(Err(std::io::Error::other(e)));
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::os::unix::net::UnixStream;

    /// A render done wakes the loop waiting on the terminal, unless the loop is gone.
    #[test]
    fn a_render_sent_wakes_the_loop() {
        let (mut woken, writer) = UnixStream::pair().unwrap();
        woken.set_nonblocking(true).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let renders = Renders {
            tx,
            wake: Some(Arc::new(writer)),
        };
        let key = (0, 80, render::width::AmbiguousWidth::Narrow);
        let done = || (key, 1, Article::default(), Arc::new(Document::default()));
        renders.send(done());
        assert_eq!(rx.try_recv().map(|(k, n, ..)| (k, n)), Ok((key, 1)));
        let mut byte = [0u8; 8];
        assert_eq!(woken.read(&mut byte).unwrap(), 1);
        drop(rx);
        renders.send(done());
        assert!(woken.read(&mut byte).is_err(), "nothing to wake");
    }
}
