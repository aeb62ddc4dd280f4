//! Search: substring search over every post's title and body, the primitive full-text
//! search will use (`memchr::memmem::Finder`, built once per query), against a naive
//! `str::contains`. Counts the posts that match.

#[path = "common/gen.rs"]
mod corpus;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kanbao::post::Post;
use memchr::memmem::Finder;

const POSTS: usize = 10_000;

fn count_finder(posts: &[Post], needle: &str) -> usize {
    let f = Finder::new(needle.as_bytes());
    posts
        .iter()
        .filter(|p| f.find(p.title.as_bytes()).is_some() || f.find(p.body.as_bytes()).is_some())
        .count()
}

fn count_contains(posts: &[Post], needle: &str) -> usize {
    posts
        .iter()
        .filter(|p| p.title.contains(needle) || p.body.contains(needle))
        .count()
}

fn search(c: &mut Criterion) {
    let posts = corpus::posts(POSTS, 1);
    let bytes: usize = posts.iter().map(|p| p.title.len() + p.body.len()).sum();
    // A common word, a rarer phrase, and one that never occurs (every byte is scanned).
    let needles = [
        ("common", "市场"),
        ("rare", "云栖重工"),
        ("absent", "kanbao-nowhere"),
    ];
    let mut g = c.benchmark_group(format!("search_{POSTS}_posts"));
    g.throughput(Throughput::Bytes(bytes as u64));
    for (label, needle) in needles {
        assert_eq!(count_finder(&posts, needle), count_contains(&posts, needle));
        g.bench_function(format!("baseline_str_contains/{label}"), |b| {
            b.iter(|| black_box(count_contains(&posts, black_box(needle))))
        });
        g.bench_function(format!("memmem_finder/{label}"), |b| {
            b.iter(|| black_box(count_finder(&posts, black_box(needle))))
        });
    }
    g.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
