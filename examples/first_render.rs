//! One render of a long post in a fresh process, as the reader lays it out the first time
//! it is opened: every page of memory fresh, nothing of an earlier render to reuse. Prints
//! the time and the page faults of reading the body into lines and of laying them out.
//!
//! ```sh
//! cargo run --release --example first_render -- --generate FILE   # the bench's post
//! cargo run --release --example first_render -- FILE [WIDTH]       # one render, width 80
//! scripts/first_render.sh [RUNS [WIDTH [FILE]]]                    # min / median / max
//! ```
//!
//! `--generate` writes the 5 MB post of generated articles appended that `cargo bench`
//! renders (`render_5MB_appended`), so the figures can be had on a fresh clone.

#[path = "../benches/common/gen.rs"]
mod corpus;

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use kanbao::render::{self, theme::Theme, width::AmbiguousWidth};

/// Minor page faults of this process so far.
fn faults() -> i64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    usage.ru_minflt
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, file] if flag == "--generate" => {
            let post = corpus::Site::new(1000, 7).appended_post(5 << 20);
            if let Err(e) = std::fs::write(file, post.text) {
                eprintln!("{file}: {e}");
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        [file] | [file, _] => {
            let width = match args.get(1).map(|w| w.parse::<usize>()) {
                None => 80,
                Some(Ok(w)) if w > 0 => w,
                Some(_) => {
                    eprintln!("WIDTH must be a number of columns");
                    return ExitCode::from(2);
                }
            };
            let text = match std::fs::read_to_string(file) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("{file}: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let post = kanbao::loader::parse_post(Path::new(file), &text, &[], &mut Vec::new());
            let (theme, amb) = (Theme::default(), AmbiguousWidth::Narrow);
            let f0 = faults();
            let start = Instant::now();
            let doc = render::body(&post, &theme, amb);
            let body = start.elapsed();
            let f1 = faults();
            let article = render::lay_out(&post, &doc, None, width, &theme, amb);
            let total = start.elapsed();
            let f2 = faults();
            let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
            println!(
                "total {:.1} body {:.1} layout {:.1} faults_body {} faults_layout {} rows {}",
                ms(total),
                ms(body),
                ms(total - body),
                f1 - f0,
                f2 - f1,
                article.rows.len()
            );
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: first_render FILE [WIDTH] | first_render --generate FILE");
            ExitCode::from(2)
        }
    }
}
