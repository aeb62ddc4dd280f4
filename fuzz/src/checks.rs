//! What the fuzz targets check, one function per target. Each takes arbitrary bytes and
//! panics when a property fails (libFuzzer then keeps the input as a crash).
//!
//! The same file is compiled into the main crate's `tests/fuzz_smoke.rs`, which runs every
//! check over the fixtures and the bundled posts on stable Rust, so the properties stay
//! true between fuzz runs.

use std::path::Path;

use kanbao::loader;
use kanbao::post::Post;
use kanbao::render::width::{AmbiguousWidth, str_width};
use kanbao::render::{self, line_text, theme::Theme, wrap};
use kanbao::sanitize::{clean_inline, clean_line, clean_text};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

/// A control character the terminal must never get (bidi overrides count: they reorder
/// what is shown).
fn is_bad(c: char, allow_newlines: bool) -> bool {
    if allow_newlines && (c == '\n' || c == '\t') {
        return false;
    }
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn assert_clean(what: &str, s: &str, allow_newlines: bool) {
    if let Some(c) = s.chars().find(|&c| is_bad(c, allow_newlines)) {
        panic!("{what}: control character {c:?} in {s:?}");
    }
}

fn assert_post_clean(p: &Post) {
    assert_clean("id", &p.id, false);
    assert_clean("title", &p.title, false);
    assert_clean("body", &p.body, true);
    for c in &p.categories {
        assert_clean("category", c, false);
        assert!(!c.is_empty(), "empty category");
    }
    for t in &p.tags {
        assert_clean("tag", t, false);
        assert!(!t.is_empty(), "empty tag");
    }
    assert!(!p.title.is_empty(), "empty title");
}

fn assert_rows_fit(what: &str, rows: &[Line<'_>], width: usize, amb: AmbiguousWidth) {
    assert_fits(what, rows, width, amb);
    for row in rows {
        assert_clean(what, &line_text(row), false);
    }
}

/// Bytes as a file's contents: decoded (`loader::decode`, then lossily as a plain `str`),
/// split into front matter and body, parsed leniently. Every field must come out clean.
pub fn front_matter(data: &[u8]) {
    let path = Path::new("fuzz/2021-01-01-input.md");
    let mut warnings = Vec::new();
    let decoded = loader::decode(data.to_vec(), path, &mut warnings);
    let post = loader::parse_post(path, &decoded, &["目录".to_string()], &mut warnings);
    assert_post_clean(&post);
    assert_eq!(post.categories.first().map(String::as_str), Some("目录"));
    let lossy = String::from_utf8_lossy(data);
    let post = loader::parse_post(path, &lossy, &[], &mut warnings);
    assert_post_clean(&post);
    for w in &warnings {
        assert_clean("warning file", &w.file, false);
        assert_clean("warning message", &w.message, false);
    }
}

/// First byte: the width (0–255); the rest: a post body (cleaned as the loader cleans it),
/// rendered as the reader and `kanbao show` render it, with either ambiguous width. No row
/// may be wider than the width (measured the same way) or hold a control character.
pub fn render(data: &[u8]) {
    let Some((&w, rest)) = data.split_first() else {
        return;
    };
    let width = usize::from(w);
    let text = String::from_utf8_lossy(rest);
    let post = Post {
        id: "fuzz".into(),
        path: "fuzz.md".into(),
        title: clean_line(&text.chars().take(40).collect::<String>()),
        date: None,
        categories: vec!["fuzz".into()],
        tags: vec!["标签".into()],
        body: std::sync::Arc::new(clean_text(&text).into_owned()),
    };
    let (narrow, wide) = (AmbiguousWidth::Narrow, AmbiguousWidth::Wide);
    for (theme, amb) in [
        (Theme::default(), narrow),
        (Theme::monochrome(), narrow),
        (Theme::default(), wide),
    ] {
        let article = render::render(&post, Some("分类"), width, &theme, amb);
        assert!(!article.rows.is_empty(), "no rows at all");
        let rows: Vec<Line> = article.rows.iter().collect();
        assert_rows_fit("render", &rows, width.max(1), amb);
        for link in article.links.iter() {
            assert_clean("link", link, false);
        }
    }
}

fn style(n: u8) -> Style {
    let mut s = Style::new();
    if n & 1 != 0 {
        s = s.add_modifier(Modifier::BOLD);
    }
    if n & 2 != 0 {
        s = s.fg(Color::Indexed(n));
    }
    s
}

/// First byte: the width (its high bit: ambiguous characters two columns wide); second: the
/// width of the hang (continuation indent); the rest:
/// spans separated by 0xFF bytes (never valid UTF-8), each decoded lossily. `wrap` and
/// `split_hard` must keep every row within the width whatever the text (control
/// characters included), and `clean_text` must leave no control character but `\n` `\t`.
pub fn wrap(data: &[u8]) {
    let [w, h, rest @ ..] = data else {
        return;
    };
    let width = usize::from(*w % 128);
    let amb = if *w >= 128 {
        AmbiguousWidth::Wide
    } else {
        AmbiguousWidth::Narrow
    };
    let spans: Vec<Span<'static>> = rest
        .split(|&b| b == 0xff)
        .enumerate()
        .map(|(i, piece)| Span::styled(String::from_utf8_lossy(piece).into_owned(), style(i as u8)))
        .collect();
    let hang = vec![Span::raw(" ".repeat(usize::from(*h % 16)))];

    // Raw text: the wrapper measures whatever it is given.
    let rows = wrap::wrap(&spans, &hang, width, amb);
    assert_fits("wrap", &rows, width, amb);
    let rows = wrap::split_hard(&spans, width, amb);
    assert_fits("split_hard", &rows, width, amb);

    // Cleaned text, as the renderer feeds it: rows are clean too.
    let cleaned: Vec<Span<'static>> = spans
        .iter()
        .map(|s| Span::styled(clean_inline(&s.content).into_owned(), s.style))
        .collect();
    let rows = wrap::wrap(&cleaned, &hang, width, amb);
    assert_rows_fit("wrap (cleaned)", &rows, width.max(1), amb);
    if width > 0 && !cleaned.iter().all(|s| s.content.is_empty()) {
        assert!(!rows.is_empty(), "wrap dropped every row");
    }

    let all = String::from_utf8_lossy(rest);
    let text = clean_text(&all);
    assert_clean("clean_text", &text, true);
    assert!(!text.contains('\r'), "clean_text kept a CR: {text:?}");
    assert_eq!(clean_text(&text), text, "clean_text is not idempotent");
    let line = clean_line(&all);
    assert_clean("clean_line", &line, false);
}

/// Width only: raw text may hold control characters, which the wrapper must measure as
/// it draws them, never overflowing.
fn assert_fits(what: &str, rows: &[Line<'_>], width: usize, amb: AmbiguousWidth) {
    if width == 0 {
        assert!(rows.is_empty(), "{what}: rows at width 0");
    }
    for row in rows {
        let text = line_text(row);
        let w = str_width(&text, amb);
        assert!(
            w <= width,
            "{what}: row {w} columns wide at width {width}: {text:?}"
        );
    }
}
