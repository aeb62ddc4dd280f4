//! The terminal UI: the Elm-style core (`app`), pane geometry (`layout`), drawing (`view`)
//! and the event loop below, which is the only place that touches the terminal.

pub mod app;
pub mod layout;
pub mod view;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::TryRecvError;
use std::time::Duration;

use crossterm::event::{self, Event, KeyEventKind};

use crate::keymap::Keymap;
use crate::loader::{self, Source};
use crate::render::theme::Theme;
use app::{Effect, Model, Msg, update};

pub fn run(source: Source, theme: Theme) -> ExitCode {
    // ratatui::init enters raw mode and the alternate screen, and installs a panic hook
    // that restores the terminal before the panic message is printed.
    // SIGTERM, SIGHUP (the SSH connection dropped) and SIGINT end the loop like `q`, so
    // the terminal is restored on the way out.
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
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, source, theme, &stop);
    ratatui::restore();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kanbao: {e}");
            ExitCode::FAILURE
        }
    }
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    source: Source,
    theme: Theme,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    let keymap = Keymap::default();
    let size = terminal.size()?;
    let mut model = Model::new(theme, (size.width, size.height));
    let mut loads = Some(loader::spawn(source));
    let mut dirty = true;
    while !stop.load(Ordering::Relaxed) {
        if let Some(rx) = &loads {
            loop {
                match rx.try_recv() {
                    Ok(ev) => {
                        update(&mut model, Msg::Loaded(ev));
                        dirty = true;
                    }
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => {
                        loads = None;
                        break;
                    }
                }
            }
        }
        if dirty {
            terminal.draw(|f| view::view(&model, &keymap, f))?;
            dirty = false;
        }
        // While loading, wake up often to show progress; otherwise wait for input, but
        // look at the signal flag a few times a second.
        let timeout = if loads.is_some() { 30 } else { 200 };
        if !event::poll(Duration::from_millis(timeout))? {
            continue;
        }
        // Handle every pending event before drawing again (key repeat, resize storms).
        loop {
            let msg = match event::read()? {
                Event::Key(k) if k.kind != KeyEventKind::Release => {
                    keymap.action(&k).map(Msg::Action)
                }
                Event::Resize(w, h) => Some(Msg::Resize(w, h)),
                _ => None,
            };
            if let Some(msg) = msg {
                dirty = true;
                if update(&mut model, msg).contains(&Effect::Quit) {
                    return Ok(());
                }
            }
            if !event::poll(Duration::ZERO)? {
                break;
            }
        }
    }
    Ok(())
}
