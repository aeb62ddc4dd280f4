//! Screens drawn into ratatui's TestBackend from our Chinese fixture site, compared with
//! stored snapshots (tests/snapshots/, reviewed with `cargo insta review`).
//!
//! With `ambiguous_width = 2` (its `中国证券报·中证网新闻` category, posts with `“ ”`), the
//! screens are played into a model of a terminal that draws ambiguous characters two
//! columns wide, as a CJK-locale terminal does: nothing may run past the right edge or
//! into another pane, and every border must be where the layout put it.

use std::path::PathBuf;

use kanbao::keymap::{Action, Keymap};
use kanbao::loader::{self, LoadEvent, Source};
use kanbao::render::theme::Theme;
use kanbao::render::width::{AmbiguousWidth, str_width};
use kanbao::ui::app::{Input, Model, Msg, Pane, update};
use kanbao::ui::layout::Mode;
use kanbao::ui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::{Buffer, CellWidth};
use ratatui::layout::Rect;

/// The screen as text, one line per row. Each wide character is written once (ratatui keeps
/// a blank continuation cell after it, which would otherwise double every Chinese row).
fn screen_text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut row = String::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            row.push_str(sym);
            skip = str_width(sym, AmbiguousWidth::Narrow).saturating_sub(1);
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

fn model(w: u16, h: u16) -> Model {
    model_with(w, h, AmbiguousWidth::Narrow)
}

fn model_with(w: u16, h: u16, amb: AmbiguousWidth) -> Model {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
    let mut m = Model::new(Theme::default(), (w, h)).with_ambiguous_width(amb);
    loader::stream(&Source::Paths(vec![root]), |ev| {
        update(&mut m, Msg::Loaded(ev));
    });
    m
}

fn draw(m: &Model) -> (String, Buffer) {
    let (w, h) = m.size;
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view(m, &Keymap::default(), f)).unwrap();
    let buf = t.backend().buffer().clone();
    (screen_text(&buf), buf)
}

fn act(m: &mut Model, actions: &[Action]) {
    for &a in actions {
        update(m, Msg::Action(a));
    }
}

/// Select the middle-dot category (fifth row), show its posts, open the newest.
const OPEN_ARTICLE: &[Action] = &[
    Action::Down,
    Action::Down,
    Action::Down,
    Action::Down,
    Action::Open,
    Action::Open,
];

#[test]
fn three_panes_at_120x40() {
    let mut m = model(120, 40);
    act(&mut m, OPEN_ARTICLE);
    let (text, _) = draw(&m);
    assert!(text.contains("示例券商：明年看好消费电子复苏"), "{text}");
    assert!(
        text.contains("上游芯片价格波动"),
        "the body is shown: {text}"
    );
    insta::assert_snapshot!("three_panes_120x40", text);
}

#[test]
fn three_panes_at_80x24() {
    let mut m = model(80, 24);
    act(&mut m, OPEN_ARTICLE);
    let (text, _) = draw(&m);
    insta::assert_snapshot!("three_panes_80x24", text);
}

#[test]
fn help_overlay_lists_every_action_and_scrolls() {
    use kanbao::keymap::BINDINGS;
    let mut m = model(100, 40);
    act(&mut m, &[Action::Help]);
    let (text, _) = draw(&m);
    for b in BINDINGS {
        assert!(
            text.contains(b.description),
            "{} missing:\n{text}",
            b.description
        );
    }
    act(&mut m, &[Action::Help]);
    let (text, _) = draw(&m);
    assert!(!text.contains(BINDINGS[0].description));
    // On a short terminal the last entries are reached by scrolling.
    let mut m = model(100, 20);
    act(&mut m, &[Action::Help]);
    let last = BINDINGS.last().unwrap().description;
    assert!(!draw(&m).0.contains(last));
    act(
        &mut m,
        &[Action::PageDown, Action::PageDown, Action::PageDown],
    );
    let (text, _) = draw(&m);
    assert!(text.contains(last), "{text}");
}

#[test]
fn narrow_layouts_show_one_pane_with_a_breadcrumb() {
    let mut m = model(60, 20);
    let (text, _) = draw(&m);
    assert!(text.starts_with("Categories"), "{text}");
    insta::assert_snapshot!("single_pane_60x20_categories", text);
    act(&mut m, OPEN_ARTICLE);
    let (text, _) = draw(&m);
    assert!(
        text.starts_with("中国证券报·中证网新闻 › 示例券商"),
        "{text}"
    );
    insta::assert_snapshot!("single_pane_60x20_article", text);
    update(&mut m, Msg::Resize(30, 10));
    act(&mut m, &[Action::Back]);
    let (text, _) = draw(&m);
    insta::assert_snapshot!("single_pane_30x10_posts", text);
    update(&mut m, Msg::Resize(29, 10));
    let (text, _) = draw(&m);
    assert!(text.contains("too small"), "{text}");
}

#[test]
fn scrolling_and_resizing_keep_rows_inside_the_pane() {
    let mut m = model(120, 40);
    act(&mut m, OPEN_ARTICLE);
    act(
        &mut m,
        &[
            Action::PageDown,
            Action::HalfPageDown,
            Action::Bottom,
            Action::Up,
        ],
    );
    for (w, h) in [(60, 20), (33, 10), (1, 1), (0, 0), (200, 60), (120, 40)] {
        update(&mut m, Msg::Resize(w, h));
        let (text, _) = draw(&m);
        for row in text.lines() {
            assert!(
                str_width(row, AmbiguousWidth::Narrow) <= w as usize,
                "{w}x{h}: {row}"
            );
        }
    }
    let (_, buf) = draw(&m);
    assert_eq!(buf.area.width, 120);
}

#[test]
fn focus_moves_between_panes_and_back() {
    let mut m = model(120, 40);
    use kanbao::ui::app::Pane;
    assert_eq!(m.focus, Pane::Groups);
    act(&mut m, &[Action::NextPane]);
    assert_eq!(m.focus, Pane::Posts);
    act(&mut m, &[Action::FocusRight, Action::FocusRight]);
    assert_eq!(m.focus, Pane::Article);
    act(&mut m, &[Action::Back]);
    assert_eq!(m.focus, Pane::Posts);
    act(&mut m, &[Action::PrevPane, Action::PrevPane]);
    assert_eq!(m.focus, Pane::Article);
    act(
        &mut m,
        &[Action::FocusLeft, Action::FocusLeft, Action::FocusLeft],
    );
    assert_eq!(m.focus, Pane::Groups);
    // Enter on "All" focuses the posts, Enter there opens the newest post.
    act(&mut m, &[Action::Open, Action::Open]);
    assert_eq!(m.focus, Pane::Article);
    assert_eq!(m.open, Some(m.store.all()[0]));
}

#[test]
fn grouping_toggles_between_categories_and_tags() {
    let mut m = model(120, 40);
    act(&mut m, &[Action::ToggleGrouping]);
    let (text, _) = draw(&m);
    assert!(text.contains(" Tags "), "{text}");
    assert!(text.contains("本地新闻"), "{text}");
}

#[test]
fn streaming_batches_keep_the_selection() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
    let mut all = loader::load(&Source::Paths(vec![root])).posts;
    let later = all.split_off(9);
    let mut m = Model::new(Theme::default(), (120, 40));
    update(
        &mut m,
        Msg::Loaded(LoadEvent::Batch {
            posts: all,
            warnings: vec![],
        }),
    );
    act(&mut m, &[Action::Open, Action::Down, Action::Down]);
    let chosen = m.selected_post();
    update(
        &mut m,
        Msg::Loaded(LoadEvent::Batch {
            posts: later,
            warnings: vec![],
        }),
    );
    assert_eq!(m.selected_post(), chosen);
}

/// While posts load (a long walk sends the newest it has found so far, and newer ones
/// come later), a cursor left on the first row stays on it; one moved away, or a post
/// opened, keeps its post.
#[test]
fn a_cursor_left_at_the_top_stays_there_while_posts_load() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
    let mut all = loader::load(&Source::Paths(vec![root])).posts;
    all.sort_by_key(|p| std::cmp::Reverse(p.date));
    let mut older = all.split_off(2);
    let oldest = older.split_off(6);
    let newer = all;
    assert!(newer[1].date > older[0].date && older[5].date > oldest[0].date);
    let batch = |posts| {
        Msg::Loaded(LoadEvent::Batch {
            posts,
            warnings: vec![],
        })
    };
    let selected_id = |m: &Model| m.store.post(m.selected_post().unwrap()).id.clone();
    let mut m = Model::new(Theme::default(), (120, 40));
    update(&mut m, batch(oldest));
    update(&mut m, batch(older.split_off(3)));
    act(&mut m, &[Action::Open]); // into the list of all posts, its first row
    update(&mut m, batch(older.clone()));
    assert_eq!(selected_id(&m), older[0].id);
    act(&mut m, &[Action::Down]);
    update(&mut m, batch(vec![newer[1].clone()]));
    assert_eq!(selected_id(&m), older[1].id);
    act(&mut m, &[Action::Top, Action::Open]);
    assert_eq!(m.open, m.selected_post());
    update(&mut m, batch(vec![newer[0].clone()]));
    assert_eq!(selected_id(&m), newer[1].id);
}

#[test]
fn the_status_line_shows_how_far_loading_is() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
    let mut all = loader::load(&Source::Paths(vec![root])).posts;
    let later = all.split_off(9);
    let mut m = Model::new(Theme::default(), (120, 40));
    let status = |m: &Model| draw(m).0.lines().last().unwrap_or_default().to_string();
    assert!(
        status(&m).starts_with(" Looking for posts…"),
        "{}",
        status(&m)
    );
    // A long walk tells how far it has got.
    update(&mut m, Msg::Loaded(LoadEvent::Looking(32_768)));
    assert!(
        status(&m).starts_with(" Looking for posts… 32768 files found"),
        "{}",
        status(&m)
    );
    update(&mut m, Msg::Loaded(LoadEvent::Found(18)));
    let batch = |posts| {
        Msg::Loaded(LoadEvent::Batch {
            posts,
            warnings: vec![],
        })
    };
    update(&mut m, batch(all));
    assert!(
        status(&m).starts_with(" Loading… 9 of 18 posts (50%)"),
        "{}",
        status(&m)
    );
    update(&mut m, batch(later));
    update(&mut m, Msg::Loaded(LoadEvent::Done(Default::default())));
    assert!(
        status(&m).starts_with(" 18 posts · 18 unread"),
        "{}",
        status(&m)
    );
}

#[test]
fn readme_lists_every_key() {
    let readme = include_str!("../README.md");
    let km = Keymap::default();
    for b in kanbao::keymap::BINDINGS {
        let keys: Vec<String> = km
            .keys_of(b.action)
            .iter()
            .map(|k| format!("`{k}`"))
            .collect();
        let row = format!("| {} | {} |", keys.join(", "), b.description);
        assert!(readme.contains(&row), "README is missing the row\n{row}");
    }
}

#[test]
fn warnings_overlay_names_each_file_and_reason() {
    let mut m = model(120, 40);
    assert_eq!(m.warnings.len(), 3);
    act(&mut m, &[Action::Warnings]);
    let (text, _) = draw(&m);
    assert!(text.contains(" 3 warnings "), "{text}");
    assert!(text.contains("2021-12-11-broken-yaml.md"), "{text}");
    assert!(text.contains("not valid YAML"), "{text}");
    assert!(text.contains("unrecognised date \"+0800\""), "{text}");
    assert!(text.contains("W or Esc closes"), "{text}");
    act(&mut m, &[Action::Back]);
    assert!(!draw(&m).0.contains("W or Esc closes"));
    // One of a thing is not "1 things".
    m.warnings.truncate(1);
    let (text, _) = draw(&m);
    assert!(text.contains(" · 1 warning (W)"), "{text}");
    act(&mut m, &[Action::Warnings]);
    assert!(draw(&m).0.contains(" 1 warning "));
}

/// The character shown at display column `col` of a row of `screen_text`.
fn char_at_column(row: &str, col: usize) -> Option<char> {
    let mut at = 0;
    for c in row.chars() {
        if at == col {
            return Some(c);
        }
        at += str_width(c.encode_utf8(&mut [0; 4]), AmbiguousWidth::Narrow);
        if at > col {
            return None;
        }
    }
    None
}

#[test]
fn an_overlay_border_is_not_hidden_by_a_chinese_name_under_it() {
    // At 80 columns the help box starts at column 2, the right half of the categories'
    // Chinese names in column 1–2.
    let mut m = model(80, 24);
    act(&mut m, &[Action::Help]);
    let (text, _) = draw(&m);
    let rows: Vec<&str> = text.lines().collect();
    let top = rows
        .iter()
        .position(|r| r.contains("┏ Keys"))
        .expect("help box");
    let prefix = rows[top].split("┏ Keys").next().unwrap();
    let col = str_width(prefix, AmbiguousWidth::Narrow);
    let bottom = top + rows[top..].iter().position(|r| r.contains('┗')).unwrap();
    for (y, row) in rows.iter().enumerate().take(bottom).skip(top + 1) {
        assert_eq!(char_at_column(row, col), Some('┃'), "row {y}\n{text}");
    }
}

/// Open the post titled `“示例股”重回百元关口！…` (its category is the third row).
fn open_quoted(m: &mut Model) {
    act(m, &[Action::Down, Action::Down, Action::Open]);
    while let Some(ix) = m.selected_post() {
        if m.store.post(ix).title.starts_with('“') {
            act(m, &[Action::Open]);
            return;
        }
        let at = m.posts.selected;
        act(m, &[Action::Down]);
        assert_ne!(m.posts.selected, at, "no post with “ in its title");
    }
}

/// The screen of a terminal that gives ambiguous characters two columns, after ratatui's
/// crossterm backend writes `buf` onto a blank screen: the cells of the buffer diff in
/// order, the cursor moved only when a cell is not right after the last one written (as
/// `CrosstermBackend::draw` does), each symbol then taking as many columns as that
/// terminal gives it. One string per column, `""` for the right half of a wide glyph.
/// An error when a glyph runs past the right edge or is written over half of another.
fn wide_terminal(buf: &Buffer) -> Result<Vec<Vec<String>>, String> {
    let (w, h) = (usize::from(buf.area.width), usize::from(buf.area.height));
    let mut screen = vec![vec![" ".to_string(); w]; h];
    let mut cursor = 0;
    let mut last: Option<(u16, u16)> = None;
    for (x, y, cell) in Buffer::empty(buf.area).diff(buf) {
        if !matches!(last, Some((lx, ly)) if x == lx + 1 && y == ly) {
            cursor = usize::from(x);
        }
        last = Some((x, y));
        let row = &mut screen[usize::from(y)];
        let sym = cell.symbol();
        let cw = str_width(sym, AmbiguousWidth::Wide);
        if cursor + cw > w {
            return Err(format!(
                "row {y}: {sym:?} at column {cursor} runs past the edge"
            ));
        }
        if row[cursor].is_empty() {
            return Err(format!(
                "row {y}: {sym:?} written over half of a wide glyph"
            ));
        }
        row[cursor] = sym.to_string();
        for covered in &mut row[cursor + 1..cursor + cw] {
            covered.clear();
        }
        cursor += cw;
    }
    Ok(screen)
}

fn show(screen: &[Vec<String>]) -> String {
    screen.iter().map(|r| r.concat() + "\n").collect()
}

/// Every row of each pane drawn has its borders at the pane's edges.
fn borders_in_place(m: &Model, screen: &[Vec<String>]) -> Result<(), String> {
    let a = m.areas();
    let panes: Vec<Rect> = match a.mode {
        Mode::Three => vec![a.groups, a.posts, a.article],
        Mode::Single => vec![match m.focus {
            Pane::Groups => a.groups,
            Pane::Posts => a.posts,
            Pane::Article => a.article,
        }],
        Mode::TooSmall => vec![],
    };
    for p in panes {
        for y in p.top()..p.bottom() {
            for x in [p.left(), p.right() - 1] {
                let c = &screen[usize::from(y)][usize::from(x)];
                if c != "|" && c != "+" {
                    return Err(format!("{c:?} at column {x} of row {y}, not the border"));
                }
            }
        }
    }
    Ok(())
}

/// The frames to check, with ambiguous characters wide: lists, open articles, both
/// overlays, a prompt holding `“”`.
fn wide_screens(w: u16, h: u16) -> Vec<(String, Model)> {
    let amb = AmbiguousWidth::Wide;
    let mut out = Vec::new();
    let m = model_with(w, h, amb);
    out.push(("categories".to_string(), m));
    let mut m = model_with(w, h, amb);
    act(&mut m, OPEN_ARTICLE);
    out.push(("article".to_string(), m));
    let mut m = model_with(w, h, amb);
    open_quoted(&mut m);
    out.push(("article with “”".to_string(), m));
    let mut m = model_with(w, h, amb);
    act(&mut m, &OPEN_ARTICLE[..5]);
    out.push(("posts".to_string(), m));
    let mut m = model_with(w, h, amb);
    act(&mut m, OPEN_ARTICLE);
    act(&mut m, &[Action::Search]);
    for c in "“示例”……".chars() {
        update(&mut m, Msg::Input(Input::Char(c)));
    }
    out.push(("search prompt".to_string(), m));
    for overlay in [Action::Help, Action::Warnings] {
        let mut m = model_with(w, h, amb);
        act(&mut m, OPEN_ARTICLE);
        act(&mut m, &[overlay]);
        out.push((format!("{overlay:?}"), m));
    }
    out
}

const SIZES: &[(u16, u16)] = &[(120, 40), (100, 30), (80, 24), (60, 20), (40, 12), (30, 10)];

#[test]
fn nothing_runs_past_a_pane_on_a_terminal_with_wide_ambiguous_characters() {
    let mut ambiguous_seen = 0;
    for &(w, h) in SIZES {
        for (what, m) in wide_screens(w, h) {
            let (_, buf) = draw(&m);
            ambiguous_seen += buf
                .content
                .iter()
                .filter(|c| matches!(c.symbol(), "“" | "”" | "·" | "…"))
                .count();
            let screen = match wide_terminal(&buf) {
                Ok(s) => s,
                Err(e) => panic!("{what} at {w}x{h}: {e}\n{buf:?}"),
            };
            if m.overlay.is_none()
                && let Err(e) = borders_in_place(&m, &screen)
            {
                panic!("{what} at {w}x{h}: {e}\n{}", show(&screen));
            }
        }
    }
    assert!(
        ambiguous_seen > 100,
        "the screens hold few ambiguous characters"
    );
}

/// The cell after `“` is the glyph's: the buffer gives `“` two columns and the diff never
/// writes the next cell, so the crossterm backend moves the cursor past it.
#[test]
fn the_cell_after_a_quote_is_left_to_it() {
    let mut m = model_with(120, 40, AmbiguousWidth::Wide);
    open_quoted(&mut m);
    let (_, buf) = draw(&m);
    let quotes: Vec<(u16, u16)> = buf
        .content
        .iter()
        .enumerate()
        .filter(|(_, c)| c.symbol() == "“")
        .map(|(i, _)| buf.pos_of(i))
        .collect();
    assert!(!quotes.is_empty(), "no “ on screen:\n{buf:?}");
    let written: Vec<(u16, u16)> = Buffer::empty(buf.area)
        .diff(&buf)
        .into_iter()
        .map(|(x, y, _)| (x, y))
        .collect();
    let screen = wide_terminal(&buf).unwrap();
    for (x, y) in quotes {
        assert_eq!(buf[(x, y)].cell_width(), 2, "“ at {x},{y}");
        assert!(
            !written.contains(&(x + 1, y)),
            "the cell after “ at {x},{y} is written"
        );
        assert_eq!(screen[usize::from(y)][usize::from(x) + 1], "", "at {x},{y}");
    }
}

/// The same screens laid out for narrow ambiguous characters do run past the edge on such
/// a terminal: what the setting is for, and proof that the check above can fail.
#[test]
fn narrow_layout_breaks_on_a_terminal_with_wide_ambiguous_characters() {
    let mut m = model_with(120, 40, AmbiguousWidth::Narrow);
    open_quoted(&mut m);
    let (_, buf) = draw(&m);
    let broken = wide_terminal(&buf).and_then(|screen| borders_in_place(&m, &screen));
    assert!(broken.is_err(), "{buf:?}");
}
