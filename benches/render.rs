//! Render: an article laid out at width 80 (Markdown → HTML → text → CJK wrapping), for a
//! ~5 KB and a ~5 MB post, and a ~5 MB post of some 3,400 articles appended, against its
//! first stages alone (`markdown::to_html`, and html2text on the resulting HTML); and the
//! same post laid out at another width from its kept body, as when the terminal is
//! resized. Then hostile bodies (where a scan that restarts at each tag turns quadratic),
//! and the wrapper alone on typical and pathological paragraphs.

#[path = "common/gen.rs"]
mod corpus;

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kanbao::render::width::AmbiguousWidth;
use kanbao::render::{self, markdown, theme::Theme};

const WIDTH: usize = 80;

/// The whole render of `post` at [`WIDTH`], as the reader asks for it.
fn bench_render(
    g: &mut criterion::BenchmarkGroup<criterion::measurement::WallTime>,
    name: String,
    post: &kanbao::post::Post,
    theme: &Theme,
) {
    g.bench_function(name, |b| {
        b.iter(|| {
            black_box(render::render(
                black_box(post),
                None,
                WIDTH,
                theme,
                AmbiguousWidth::Narrow,
            ))
        })
    });
}

fn render_group(c: &mut Criterion, label: &str, p: corpus::GenPost, samples: usize) {
    let post = kanbao::loader::parse_post(Path::new(&p.name), &p.text, &[], &mut Vec::new());
    let theme = Theme::default();
    let html = markdown::to_html(&post.body);
    let mut g = c.benchmark_group(format!("render_{label}"));
    g.sample_size(samples);
    g.throughput(Throughput::Bytes(post.body.len() as u64));
    g.bench_function("baseline_markdown_to_html", |b| {
        b.iter(|| black_box(markdown::to_html(black_box(&post.body))))
    });
    g.bench_function("baseline_html2text", |b| {
        b.iter(|| black_box(html2text::from_read(black_box(html.as_bytes()), WIDTH)))
    });
    bench_render(&mut g, "kanbao_render_w80".into(), &post, &theme);
    // Another width for a post already open: its body is kept, only laid out again.
    let doc = render::body(&post, &theme, AmbiguousWidth::Narrow);
    g.bench_function("kanbao_lay_out_w100_from_body", |b| {
        b.iter(|| {
            black_box(render::lay_out(
                black_box(&post),
                &doc,
                None,
                100,
                &theme,
                AmbiguousWidth::Narrow,
            ))
        })
    });
    g.finish();
}

/// The wrapper alone on one paragraph, typical and pathological (a quadratic step would
/// show here first), against the UAX #14 break pass it runs over the same text.
fn wrap_group(c: &mut Criterion) {
    use kanbao::render::wrap::wrap;
    use ratatui::text::Span;
    let unit = "我们今天去公园，天气很好。The quick brown fox jumps over the lazy dog. \
        see https://example.com/a/b/c?x=1 “引号”（括号）";
    let paragraph = |bytes: usize| unit.repeat(bytes / unit.len() + 1);
    let inputs = [
        ("5KB_paragraph", paragraph(5 * 1024), 100),
        ("1MB_paragraph", paragraph(1 << 20), 10),
        ("1MB_of_spaces", format!("a{}b", " ".repeat(1 << 20)), 10),
        ("1MB_word", "x".repeat(1 << 20), 10),
        ("256Ki_opening_brackets", "（".repeat(1 << 18), 10),
    ];
    let mut g = c.benchmark_group("wrap_w80");
    for (label, text, samples) in inputs {
        g.sample_size(samples);
        g.throughput(Throughput::Bytes(text.len() as u64));
        let spans = [Span::raw(text.clone())];
        g.bench_function(format!("baseline_uax14_breaks/{label}"), |b| {
            b.iter(|| black_box(unicode_linebreak::linebreaks(black_box(&text)).count()))
        });
        g.bench_function(format!("kanbao_wrap/{label}"), |b| {
            b.iter(|| black_box(wrap(black_box(&spans), &[], WIDTH, AmbiguousWidth::Narrow)))
        });
    }
    // Rows of a 4-column pane ending time and again in one run of 240 bytes without two
    // ideographs in a row, which `cjk_rows` reads once, not once a row.
    let clauses = ("中中".to_string() + &"中，".repeat(40)).repeat(4000);
    let spans = [Span::raw(clauses.clone())];
    g.throughput(Throughput::Bytes(clauses.len() as u64));
    g.bench_function("baseline_uax14_breaks/1MB_of_clauses", |b| {
        b.iter(|| black_box(unicode_linebreak::linebreaks(black_box(&clauses)).count()))
    });
    g.bench_function("kanbao_wrap_w4/1MB_of_clauses", |b| {
        b.iter(|| black_box(wrap(black_box(&spans), &[], 4, AmbiguousWidth::Narrow)))
    });
    g.finish();
}

/// 1 MB bodies on one line, of shapes the scans in `markdown.rs`, `chunk.rs` and
/// `simple.rs` must pass in linear time, against `markdown::to_html` alone (html2text
/// alone would take over 16 GB on the nested bold).
fn hostile_group(c: &mut Criterion) {
    let theme = Theme::default();
    let bodies = [
        ("stray_end_tags", "文字</p></p></p></p>"),
        ("comments", "<!-- c -->文字"),
        ("nested_bold", "<b>字"),
    ];
    let mut g = c.benchmark_group("render_1MB_hostile");
    g.sample_size(10);
    for (label, unit) in bodies {
        let text = format!(
            "---\ntitle: x\n---\n{}\n",
            unit.repeat((1 << 20) / unit.len())
        );
        let post = kanbao::loader::parse_post(Path::new("x.md"), &text, &[], &mut Vec::new());
        g.throughput(Throughput::Bytes(post.body.len() as u64));
        g.bench_function(format!("baseline_markdown_to_html/{label}"), |b| {
            b.iter(|| black_box(markdown::to_html(black_box(&post.body))))
        });
        bench_render(&mut g, format!("kanbao_render_w80/{label}"), &post, &theme);
    }
    g.finish();
}

fn render(c: &mut Criterion) {
    let site = corpus::Site::new(1000, 7);
    render_group(c, "5KB", site.post_of_size(500, 5 * 1024), 100);
    render_group(c, "5MB", site.post_of_size(500, 5 << 20), 10);
    render_group(c, "5MB_appended", site.appended_post(5 << 20), 10);
    hostile_group(c);
    wrap_group(c);
}

criterion_group!(benches, render);
criterion_main!(benches);
