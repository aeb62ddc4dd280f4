//! Writes the HTML kanbao's Markdown stage makes of each post's body, as `OUT/<id>.html`,
//! so other renderers (w3m in `scripts/fill_vs_w3m.py`) start from the same HTML.
//!
//! Usage: `cargo run --release --example body_html -- OUT PATH...`

use std::path::PathBuf;

use kanbao::loader::{self, Source};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args_os().skip(1);
    let out = PathBuf::from(args.next().expect("usage: body_html OUT PATH..."));
    let paths: Vec<PathBuf> = args.map(PathBuf::from).collect();
    std::fs::create_dir_all(&out)?;
    let loaded = loader::load(&Source::Paths(paths));
    for post in &loaded.posts {
        let html = kanbao::render::markdown::to_html(&post.body);
        let page = format!(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n{html}</body></html>\n"
        );
        std::fs::write(out.join(format!("{}.html", post.id)), page)?;
    }
    eprintln!("{} posts", loaded.posts.len());
    Ok(())
}
