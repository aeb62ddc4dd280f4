//! Key to frame: `update` with one action plus `view` into a 120x40 `TestBackend`, on a
//! model holding 20,000 posts, for moving, paging, switching category and opening a post
//! (each open is a different post, so the article cache misses, as on first reading).

#[path = "common/gen.rs"]
mod corpus;

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use kanbao::keymap::{Action, Keymap};
use kanbao::loader::{LoadEvent, Summary};
use kanbao::render::theme::Theme;
use kanbao::ui::app::{ListPos, Model, Msg, Pane, update};
use kanbao::ui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const POSTS: usize = 20_000;
const SIZE: (u16, u16) = (120, 40);

fn model() -> Model {
    let mut m = Model::new(Theme::default(), SIZE);
    let posts = corpus::posts(POSTS, 1);
    update(
        &mut m,
        Msg::Loaded(LoadEvent::Batch {
            posts,
            warnings: Vec::new(),
        }),
    );
    update(&mut m, Msg::Loaded(LoadEvent::Done(Summary::default())));
    m
}

/// Times `update(action)` + a frame, `iters` times; `prepare` runs untimed before each.
fn timed(
    m: &mut Model,
    term: &mut Terminal<TestBackend>,
    keymap: &Keymap,
    iters: u64,
    action: Action,
    mut prepare: impl FnMut(&mut Model),
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        prepare(m);
        let t = Instant::now();
        update(m, Msg::Action(action));
        term.draw(|f| view(m, keymap, f)).expect("draw");
        total += t.elapsed();
    }
    total
}

fn key_to_frame(c: &mut Criterion) {
    let mut m = model();
    let keymap = Keymap::default();
    let mut term = Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).expect("terminal");
    term.draw(|f| view(&m, &keymap, f)).expect("draw");
    let mut g = c.benchmark_group(format!("key_to_frame_{POSTS}_posts_120x40"));

    // Moving and paging in the list of all posts; back to the top near the end.
    let wrap_posts = |m: &mut Model| {
        m.focus = Pane::Posts;
        if m.posts.selected + 100 >= m.current_posts().len() {
            m.posts = ListPos::default();
        }
    };
    g.bench_function("down", |b| {
        b.iter_custom(|n| timed(&mut m, &mut term, &keymap, n, Action::Down, wrap_posts))
    });
    g.bench_function("page_down", |b| {
        b.iter_custom(|n| timed(&mut m, &mut term, &keymap, n, Action::PageDown, wrap_posts))
    });
    // Next category: the post list changes to the category's posts.
    g.bench_function("next_category", |b| {
        b.iter_custom(|n| {
            timed(&mut m, &mut term, &keymap, n, Action::Down, |m| {
                m.focus = Pane::Groups;
                if m.groups.selected + 2 >= m.rows.len() {
                    m.groups = ListPos::default();
                }
            })
        })
    });
    // Opening the next post of "All" (a cache miss: rendered and wrapped).
    m.groups = ListPos::default();
    m.posts = ListPos::default();
    g.bench_function("open_post", |b| {
        b.iter_custom(|n| {
            timed(&mut m, &mut term, &keymap, n, Action::Open, |m| {
                wrap_posts(m);
                m.posts.selected += 1;
                m.posts.offset = m.posts.selected.saturating_sub(10);
            })
        })
    });
    // Opening the post that is already open (the article comes from the cache).
    g.bench_function("open_post_cached", |b| {
        b.iter_custom(|n| {
            timed(&mut m, &mut term, &keymap, n, Action::Open, |m| {
                m.focus = Pane::Posts;
            })
        })
    });
    g.finish();
}

criterion_group!(benches, key_to_frame);
criterion_main!(benches);
