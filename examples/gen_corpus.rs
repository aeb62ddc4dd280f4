//! Writes a synthetic Jekyll news site for benchmarks and scale tests:
//!
//! ```sh
//! cargo run --release --example gen_corpus -- OUT N [SEED]
//! ```
//!
//! `OUT/_posts/` and `OUT/old_post/` (about 20% of posts, some as duplicates of `_posts`
//! names), N posts of about 1.8 KB on average, ~2,000 long-tailed categories. The same
//! N and SEED (default 1) always give the same files. See `benches/common/gen.rs`.

#[path = "../benches/common/gen.rs"]
mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = || {
        eprintln!("usage: gen_corpus OUT N [SEED]");
        ExitCode::from(2)
    };
    let (Some(out), Some(n)) = (args.first(), args.get(1)) else {
        return usage();
    };
    let Ok(n) = n.replace('_', "").parse::<usize>() else {
        return usage();
    };
    let seed = match args.get(2).map(|s| s.parse::<u64>()) {
        None => 1,
        Some(Ok(s)) => s,
        Some(Err(_)) => return usage(),
    };
    let out = PathBuf::from(out);
    let start = Instant::now();
    let site = corpus::Site::new(n, seed);
    match site.write(&out) {
        Ok(s) => {
            println!(
                "{} posts in {} files ({} duplicate names in old_post), {} bytes \
                 ({:.0} per post, largest {}), {} categories, seed {seed}, {:.1} s: {}",
                s.posts,
                s.files,
                s.duplicates,
                s.bytes,
                s.bytes as f64 / s.posts.max(1) as f64,
                s.largest,
                site.categories.len(),
                start.elapsed().as_secs_f64(),
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_corpus: {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}
