//! Every fixture and bundled post rendered at the widths people use: no row wider than the
//! pane, no HTML or Markdown residue, no control characters.

use std::path::PathBuf;

use kanbao::loader::{self, Source};
use kanbao::render::width::{AmbiguousWidth, str_width};
use kanbao::render::{self, line_text, theme::Theme};
use kanbao::store::Store;

const WIDTHS: &[usize] = &[1, 2, 5, 20, 24, 33, 40, 60, 80, 120];

fn fixtures(dir: &str) -> Source {
    Source::Paths(vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir)])
}

fn check_all(source: Source, amb: AmbiguousWidth) -> usize {
    let store = Store::new(loader::load(&source).posts);
    assert!(!store.is_empty());
    let residue = [
        "<p", "</", "<br", "<img", "<span", "](//", "](http", "**", "&nbsp;", "&lt;", "&gt;",
        "&amp;", "{%", "{{",
    ];
    let mut rows = 0;
    for &ix in store.all() {
        let post = store.post(ix);
        for &w in WIDTHS {
            let article = render::render(post, None, w, &Theme::default(), amb);
            for line in article.rows.iter() {
                let text = line_text(&line);
                rows += 1;
                assert!(
                    str_width(&text, amb) <= w,
                    "{} at {w}: row too wide: {text:?}",
                    post.id
                );
                assert!(
                    !text
                        .chars()
                        .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
                    "{} at {w}: control character in {text:?}",
                    post.id
                );
                if w >= 20 {
                    for r in residue {
                        assert!(
                            !text.contains(r),
                            "{} at {w}: residue {r:?} in {text:?}",
                            post.id
                        );
                    }
                }
            }
        }
    }
    rows
}

#[test]
fn fixture_site_renders_clean_at_every_width() {
    assert!(check_all(fixtures("tests/fixtures/site"), AmbiguousWidth::Narrow) > 1000);
}

#[test]
fn fixture_site_renders_clean_with_wide_ambiguous_characters() {
    assert!(check_all(fixtures("tests/fixtures/site"), AmbiguousWidth::Wide) > 1000);
}

#[test]
fn bundled_samples_render_clean_at_every_width() {
    assert!(check_all(Source::Embedded, AmbiguousWidth::Narrow) > 1000);
}

#[test]
fn hostile_posts_render_without_escapes() {
    assert!(check_all(fixtures("tests/fixtures/hostile"), AmbiguousWidth::Narrow) > 100);
}

#[test]
fn links_are_numbered_and_listed() {
    let store = Store::new(loader::load(&fixtures("tests/fixtures/site")).posts);
    let ix = store.find_id("2022-01-05-NW202201050000000201").unwrap();
    let article = render::render(
        store.post(ix),
        None,
        60,
        &Theme::default(),
        AmbiguousWidth::Narrow,
    );
    assert!(!article.links.is_empty());
    let text: Vec<String> = article.rows.iter().map(|l| line_text(&l)).collect();
    assert!(text.iter().any(|l| l.contains("[1]")), "{text:#?}");
    assert!(
        text.iter().any(|l| l.starts_with("[1] ")),
        "link list at the end: {text:#?}"
    );
    assert!(
        text.iter().any(|l| l.contains("[K图 600000_0]")),
        "images as [alt]: {text:#?}"
    );
}
