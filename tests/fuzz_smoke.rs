//! The fuzz targets' checks (fuzz/src/checks.rs) run on stable over every fixture file and
//! bundled post, and over a few inputs built to reach odd corners, so `cargo test` keeps
//! the properties the fuzzer looks for. The fuzzing itself: see fuzz/README.md.

#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every fixture file and bundled sample post, as bytes.
fn inputs() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("tests/fixtures"), &mut paths);
    files(&root.join("assets/posts"), &mut paths);
    paths.sort();
    let mut out: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
    out.extend(
        [
            &b""[..],
            b"---",
            b"---\n---",
            b"---\ntitle: [\n---\n",
            b"---\ntitle: &a [*a]\n---\n",
            b"\xef\xbb\xbf---\r\ntitle: x\r\n---\r\n\r\n",
            b"\x1b\x1b]0;t\x07\x1b\x1b[2J\x9b\x9d",
            b"<table><tr><td>\xe4\xb8\xad</td><td>x</td></tr></table>",
            b"```\n\tcode\x1b[1m\n```\n",
        ]
        .map(<[u8]>::to_vec),
    );
    out
}

#[test]
fn front_matter_check_holds_on_every_fixture() {
    for data in inputs() {
        checks::front_matter(&data);
    }
}

#[test]
fn render_check_holds_on_every_fixture_at_a_few_widths() {
    for data in inputs() {
        for w in [0u8, 3, 80] {
            let mut input = vec![w];
            input.extend_from_slice(&data[..data.len().min(4096)]);
            checks::render(&input);
        }
    }
}

#[test]
fn wrap_check_holds_on_every_fixture_at_a_few_widths() {
    for data in inputs() {
        // 128 + w: the same width with ambiguous characters two columns wide.
        for (w, h) in [
            (0u8, 0u8),
            (1, 3),
            (9, 4),
            (40, 2),
            (128 + 9, 4),
            (128 + 40, 2),
        ] {
            let mut input = vec![w, h];
            // Lines become spans: the separator byte between them.
            for line in data[..data.len().min(4096)].split(|&b| b == b'\n') {
                input.extend_from_slice(line);
                input.push(0xff);
            }
            checks::wrap(&input);
        }
    }
}
