//! Load: `Store::load` (loader streaming into the store) on a generated site, against the floor of reading
//! every file's bytes (walk + `std::fs::read`), so the result reads as a ratio.

#[path = "common/gen.rs"]
mod corpus;

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kanbao::loader::Source;
use kanbao::store::Store;

const POSTS: usize = 5_000;

fn read_all(dir: &Path) -> u64 {
    let mut bytes = 0;
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_file() {
            bytes += std::fs::read(e.path()).map_or(0, |b| b.len() as u64);
        }
    }
    bytes
}

fn load(c: &mut Criterion) {
    let tmp = corpus::TempDir::new("bench-load").expect("temp dir");
    let stats = corpus::Site::new(POSTS, 1)
        .write(&tmp.0)
        .expect("write corpus");
    let dir = tmp.0.clone();
    let mut g = c.benchmark_group(format!("load_{POSTS}_posts"));
    g.sample_size(20);
    g.throughput(Throughput::Bytes(stats.bytes));
    g.bench_function("baseline_walk_and_read", |b| {
        b.iter(|| black_box(read_all(&dir)))
    });
    g.bench_function("kanbao_load_and_index", |b| {
        b.iter(|| black_box(Store::load(Source::Paths(vec![dir.clone()]))))
    });
    g.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
