//! Key to frame, as percentiles (issue 5, targets 4 and 5): `update` with one message plus
//! `view` into a 120x40 `TestBackend`, on a model holding 100,000 generated posts
//! (`KANBAO_BENCH_POSTS=N` for another size). Each iteration is timed on its own so the
//! tail (p99, max) shows, which a mean hides. The baseline is a frame with no update.
//!
//! `cargo bench --bench key_to_frame`. Not criterion: it reports means, not percentiles.

#[path = "common/gen.rs"]
mod corpus;

use std::time::{Duration, Instant};

use kanbao::keymap::{Action, Keymap};
use kanbao::loader::{LoadEvent, Summary};
use kanbao::render::theme::Theme;
use kanbao::ui::app::{Input, ListPos, Model, Msg, Pane, update};
use kanbao::ui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZE: (u16, u16) = (120, 40);

struct Bench {
    m: Model,
    term: Terminal<TestBackend>,
    keymap: Keymap,
}

impl Bench {
    /// Times `iters` rounds of: `prepare` (untimed), then the messages `msgs` gives and
    /// one frame (timed).
    fn run(
        &mut self,
        iters: usize,
        mut prepare: impl FnMut(&mut Model, usize),
        mut msgs: impl FnMut(usize) -> Vec<Msg>,
    ) -> Vec<Duration> {
        let mut times = Vec::with_capacity(iters);
        for i in 0..iters {
            prepare(&mut self.m, i);
            let msgs = msgs(i);
            let t = Instant::now();
            for msg in msgs {
                update(&mut self.m, msg);
            }
            let (m, keymap) = (&self.m, &self.keymap);
            self.term.draw(|f| view(m, keymap, f)).expect("draw");
            times.push(t.elapsed());
        }
        times
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

fn main() {
    let posts_n: usize = std::env::var("KANBAO_BENCH_POSTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let t = Instant::now();
    let posts = corpus::posts(posts_n, 1);
    let mut m = Model::new(Theme::default(), SIZE);
    update(
        &mut m,
        Msg::Loaded(LoadEvent::Batch {
            posts,
            warnings: Vec::new(),
        }),
    );
    update(&mut m, Msg::Loaded(LoadEvent::Done(Summary::default())));
    eprintln!(
        "key_to_frame: {posts_n} posts generated and loaded in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let mut b = Bench {
        m,
        term: Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).expect("terminal"),
        keymap: Keymap::default(),
    };
    let mut rows: Vec<(&str, Vec<Duration>, f64)> = Vec::new();
    let action = |a: Action| move |_| vec![Msg::Action(a)];

    rows.push((
        "frame only (baseline)",
        b.run(1000, |_, _| {}, |_| vec![]),
        5.0,
    ));

    // Moving and paging in the list of all posts; back to the top near the end.
    let posts_pane = |m: &mut Model, _| {
        m.focus = Pane::Posts;
        if m.posts.selected + 100 >= m.current_posts().len() {
            m.posts = ListPos::default();
        }
    };
    rows.push(("down", b.run(2000, posts_pane, action(Action::Down)), 5.0));
    rows.push((
        "page down",
        b.run(2000, posts_pane, action(Action::PageDown)),
        5.0,
    ));
    // Next category: the post list becomes the category's posts.
    let groups_pane = |m: &mut Model, _| {
        m.focus = Pane::Groups;
        if m.groups.selected + 2 >= m.rows.len() {
            m.groups = ListPos::default();
        }
    };
    rows.push((
        "next category",
        b.run(2000, groups_pane, action(Action::Down)),
        5.0,
    ));
    // Opening the next post of "All": a cache miss, rendered and wrapped.
    b.m.groups = ListPos::default();
    b.m.posts = ListPos::default();
    let next_post = |m: &mut Model, i| {
        posts_pane(m, i);
        m.posts.selected += 1;
        m.posts.offset = m.posts.selected.saturating_sub(10);
    };
    rows.push((
        "open post (not cached)",
        b.run(1000, next_post, action(Action::Open)),
        5.0,
    ));
    rows.push((
        "open post (cached)",
        b.run(1000, posts_pane, action(Action::Open)),
        5.0,
    ));
    // A category filter keystroke: one character typed into the open filter prompt,
    // then taken back, so the filter alternates between "s" and "sh".
    b.run(
        1,
        |_, _| {},
        |_| vec![Msg::Action(Action::Filter), Msg::Input(Input::Char('s'))],
    );
    let keystroke = |i: usize| {
        vec![Msg::Input(if i.is_multiple_of(2) {
            Input::Char('h')
        } else {
            Input::Backspace
        })]
    };
    rows.push(("filter keystroke", b.run(2000, |_, _| {}, keystroke), 5.0));
    b.run(1, |_, _| {}, |_| vec![Msg::Input(Input::Cancel)]);
    // Full-text search: the query typed, then Enter runs it over every title and body.
    for (label, query) in [
        ("search: common word", "市场"),
        ("search: rare name", "云栖重工"),
        ("search: absent", "kanbao-nowhere"),
    ] {
        let prepare = |m: &mut Model, _| {
            update(m, Msg::Action(Action::Search));
            for c in query.chars() {
                update(m, Msg::Input(Input::Char(c)));
            }
        };
        rows.push((
            label,
            b.run(30, prepare, |_| vec![Msg::Input(Input::Enter)]),
            50.0,
        ));
    }

    let base_p99 = {
        let mut t = rows[0].1.clone();
        t.sort();
        percentile(&t, 0.99)
    };
    println!(
        "key to frame, {posts_n} posts, {}x{}, load average {}",
        SIZE.0,
        SIZE.1,
        std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split(' ').take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    );
    println!(
        "{:<24} | {:>5} | {:>8} | {:>8} | {:>8} | {:>10} | {:>7} | verdict",
        "message + frame", "runs", "p50 ms", "p99 ms", "max ms", "p99/base", "goal ms"
    );
    for (label, mut times, goal) in rows {
        times.sort();
        let p99 = percentile(&times, 0.99);
        println!(
            "{:<24} | {:>5} | {:>8} | {:>8} | {:>8} | {:>9.1}x | {:>7} | {}",
            label,
            times.len(),
            ms(percentile(&times, 0.5)),
            ms(p99),
            ms(*times.last().expect("timed runs")),
            p99.as_secs_f64() / base_p99.as_secs_f64(),
            goal,
            if p99.as_secs_f64() * 1000.0 <= goal {
                "met"
            } else {
                "MISSED"
            }
        );
    }
}
