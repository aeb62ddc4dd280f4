//! The hostile fixtures in the real reader on a pty: every post is opened in turn, and
//! nothing it contains may act on the terminal. Checked on the raw bytes kanbao wrote (no
//! OSC at all, no BEL, no C1 controls), on a vt100 model replayed with callbacks (the
//! window title and the clipboard are never touched), and on the screen (no junk such as
//! `[2J` or `]0;` left visible).

mod common;

use std::path::PathBuf;

use common::{TIMEOUT, Tui, fixture};
use kanbao::loader::{self, Source};
use kanbao::render::width::AmbiguousWidth;
use kanbao::render::{self, theme::Theme};
use kanbao::store::Store;
use kanbao::ui::layout::Areas;
use ratatui::layout::Rect;

const COLS: u16 = 120;
const ROWS: u16 = 40;

/// Text that would mean an escape sequence was shown instead of removed, or that the
/// payload of one (a title, clipboard data) reached the screen.
const JUNK: &[&str] = &[
    "[2J", "[H之后", "]0;", "]52;", "]8;", "PWNED", "SGVsbG8", "31m", "[0m", "[m", "[10A",
];

/// Every OSC, DCS, bell or clipboard request the vt100 model saw.
#[derive(Default)]
struct Seen {
    events: Vec<String>,
}

impl vt100::Callbacks for Seen {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.events.push("bell".into());
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        let name = String::from_utf8_lossy(name);
        self.events.push(format!("icon name {name:?}"));
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        let title = String::from_utf8_lossy(title);
        self.events.push(format!("title {title:?}"));
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, ty: &[u8], data: &[u8]) {
        let (ty, data) = (String::from_utf8_lossy(ty), String::from_utf8_lossy(data));
        self.events.push(format!("clipboard {ty:?} {data:?}"));
    }
    fn paste_from_clipboard(&mut self, _: &mut vt100::Screen, ty: &[u8]) {
        let ty = String::from_utf8_lossy(ty);
        self.events.push(format!("paste {ty:?}"));
    }
    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        self.events.push(format!("osc {params:?}"));
    }
}

fn hostile() -> PathBuf {
    fixture("hostile")
}

/// The bottom row: the status line.
fn status(screen: &str) -> String {
    screen.lines().last().unwrap_or_default().to_string()
}

/// Zero-width characters are kept in the text but take no cell on the screen.
fn visible(s: &str) -> String {
    s.chars()
        .filter(|&c| !matches!(c, '\u{200b}'..='\u{200d}'))
        .collect::<String>()
        .trim()
        .to_string()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn context(raw: &[u8], at: usize) -> String {
    let from = at.saturating_sub(60);
    let to = (at + 60).min(raw.len());
    format!("{:?}", String::from_utf8_lossy(&raw[from..to]))
}

#[test]
fn every_hostile_post_opens_and_nothing_acts_on_the_terminal() {
    // What the reader will list, in order, and each article's first row at this size.
    let store = Store::new(loader::load(&Source::Paths(vec![hostile()])).posts);
    let n = store.len();
    assert!(n >= 18, "only {n} hostile posts loaded");
    let width = Areas::new(Rect::new(0, 0, COLS, ROWS)).article_text_width() as usize;
    let first_rows: Vec<String> = store
        .all()
        .iter()
        .map(|&ix| {
            let post = store.post(ix);
            let category = post.categories.first().map(|c| store.category_name(c));
            let article = render::render(
                post,
                category,
                width,
                &Theme::default(),
                AmbiguousWidth::Narrow,
            );
            visible(article.rows.text(0))
        })
        .collect();

    let mut tui = Tui::spawn(&[&hostile()], COLS, ROWS);
    assert!(
        tui.wait_for(&format!(" {n} posts · "), TIMEOUT),
        "status line with {n} posts never appeared\n{}",
        tui.dump()
    );
    tui.send("\r");
    assert!(
        tui.wait_until(TIMEOUT, |s| status(s).contains(&format!(" 1/{n}  "))),
        "Enter did not focus the posts list\n{}",
        tui.dump()
    );

    for (i, first_row) in first_rows.iter().enumerate() {
        tui.send("\r");
        assert!(
            tui.wait_until(TIMEOUT, |s| status(s).contains(" line 1/")
                && s.contains(first_row.as_str())),
            "post {} did not open (expected {first_row:?} in the article)\n{}",
            i + 1,
            tui.dump()
        );
        assert!(tui.wait_stable(), "screen never settled\n{}", tui.dump());
        let screen = tui.screen();
        for junk in JUNK {
            assert!(
                !screen.contains(junk),
                "post {} ({first_row:?}) left {junk:?} on the screen\n{screen}",
                i + 1
            );
        }
        // Back to the posts list, then the next post.
        tui.send("h");
        assert!(
            tui.wait_until(TIMEOUT, |s| status(s)
                .contains(&format!(" {}/{n}  ", i + 1))),
            "h did not return to the posts list\n{}",
            tui.dump()
        );
        if i + 1 < n {
            tui.send("j");
            assert!(
                tui.wait_until(TIMEOUT, |s| status(s)
                    .contains(&format!(" {}/{n}  ", i + 2))),
                "j did not select the next post\n{}",
                tui.dump()
            );
        }
    }

    let mark = tui.mark();
    tui.send("q");
    let status = tui
        .wait_exit(TIMEOUT)
        .unwrap_or_else(|| panic!("kanbao did not exit after q\n{}", tui.dump()));
    assert!(status.success(), "exit status {status:?}\n{}", tui.dump());
    assert!(tui.mark() > mark, "nothing written after q");

    let raw = tui.output_since(0);
    for (needle, what) in [
        (&b"\x1b]"[..], "an OSC sequence"),
        (b"\x1b]52", "a clipboard write (OSC 52)"),
        (b"\x1b]0;", "a title change (OSC 0)"),
        (b"\x1bP", "a DCS sequence"),
        (b"\x1b_", "an APC sequence"),
        (b"\x07", "a BEL"),
        ("\u{9b}".as_bytes(), "a C1 CSI"),
        ("\u{9d}".as_bytes(), "a C1 OSC"),
    ] {
        if let Some(at) = find(&raw, needle) {
            panic!("kanbao wrote {what} at byte {at}: {}", context(&raw, at));
        }
    }
    // Valid UTF-8 throughout, so no lone 0x9B/0x9D byte can act as a C1 control.
    let text = std::str::from_utf8(&raw).unwrap_or_else(|e| {
        panic!(
            "kanbao wrote invalid UTF-8: {e}: {}",
            context(&raw, e.valid_up_to())
        )
    });
    if let Some(c) = text.chars().find(|c| ('\u{80}'..='\u{9f}').contains(c)) {
        panic!("kanbao wrote the C1 control {c:?}");
    }

    // Replay everything through a model that reports title, clipboard and other OSC.
    let mut parser = vt100::Parser::new_with_callbacks(
        ROWS.try_into().unwrap(),
        COLS.try_into().unwrap(),
        0,
        Seen::default(),
    );
    parser.process(&raw);
    assert!(
        parser.callbacks().events.is_empty(),
        "the terminal was asked to: {:?}",
        parser.callbacks().events
    );
}
