//! Screens drawn into ratatui's TestBackend from our Chinese fixture site, compared with
//! stored snapshots (tests/snapshots/, reviewed with `cargo insta review`).

use std::path::PathBuf;

use kanbao::keymap::{Action, Keymap};
use kanbao::loader::{self, LoadEvent, Source};
use kanbao::render::theme::Theme;
use kanbao::render::width::{AmbiguousWidth, str_width};
use kanbao::ui::app::{Model, Msg, update};
use kanbao::ui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

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
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
    let mut m = Model::new(Theme::default(), (w, h));
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
}
