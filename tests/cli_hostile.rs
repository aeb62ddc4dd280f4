//! `kanbao list`, `show` and `check` on the hostile fixtures: they finish, succeed, and
//! print no control character but `\n` (and the tabs between `list`'s fields).

use std::path::PathBuf;
use std::process::{Command, Output};

use kanbao::render::width::{AmbiguousWidth, str_width};

fn hostile() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile")
}

fn kanbao(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_kanbao"))
        .args(args)
        .arg(hostile())
        .env("NO_COLOR", "1")
        .output()
        .expect("run kanbao");
    assert!(
        out.status.success(),
        "kanbao {args:?} failed: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The output as text, failing on invalid UTF-8 or any control character but `allowed`.
fn clean_output(what: &str, bytes: &[u8], allowed: &[char]) -> String {
    let text = String::from_utf8(bytes.to_vec())
        .unwrap_or_else(|e| panic!("{what}: output is not UTF-8: {e}"));
    for (n, line) in text.lines().enumerate() {
        if let Some(c) = line.chars().find(|&c| {
            (c.is_control() && !allowed.contains(&c))
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        }) {
            panic!(
                "{what}: line {}: control character {c:?} in {line:?}",
                n + 1
            );
        }
    }
    text
}

fn ids() -> Vec<String> {
    let out = kanbao(&["list"]);
    let text = clean_output("list", &out.stdout, &['\n', '\t']);
    text.lines()
        .map(|l| {
            let fields: Vec<&str> = l.split('\t').collect();
            assert_eq!(
                fields.len(),
                4,
                "list row is not ID DATE CATEGORY TITLE: {l:?}"
            );
            fields[0].to_string()
        })
        .collect()
}

#[test]
fn list_prints_every_hostile_post_cleanly() {
    let ids = ids();
    let files = std::fs::read_dir(hostile())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "md")
        })
        .count();
    assert_eq!(ids.len(), files, "{ids:#?}");
}

#[test]
fn show_prints_every_hostile_post_cleanly() {
    // One run per post (each run loads the whole folder), the widths taken in turn; the
    // library renders every post at every width in tests/render.rs.
    const WIDTHS: &[usize] = &[1, 9, 40, 80, 200, 2, 33];
    let ids = ids();
    let runs: Vec<(String, usize)> = ids
        .into_iter()
        .enumerate()
        .map(|(i, id)| (id, WIDTHS[i % WIDTHS.len()]))
        .collect();
    // Two at a time, on two cores.
    std::thread::scope(|s| {
        for chunk in runs.chunks(runs.len().div_ceil(2)) {
            s.spawn(move || {
                for (id, width) in chunk {
                    let w = width.to_string();
                    let out = kanbao(&["show", id, "--width", &w]);
                    let what = format!("show {id} --width {w}");
                    let text = clean_output(&what, &out.stdout, &[]);
                    assert!(!text.trim().is_empty(), "{what}: nothing printed");
                    for line in text.lines() {
                        let w = str_width(line, AmbiguousWidth::Narrow);
                        assert!(w <= *width, "{what}: row too wide: {line:?}");
                    }
                }
            });
        }
    });
}

#[test]
fn check_reports_every_hostile_file_and_succeeds() {
    let out = kanbao(&["check"]);
    let text = clean_output("check", &out.stdout, &[]);
    assert!(text.contains("unreadable: 0"), "{text}");
    // Files with broken front matter or odd bytes are named in a warning.
    for name in [
        "2021-12-08-gbk.md",
        "2021-12-08-nul-bytes.md",
        "2021-12-08-tab-indent.md",
        "2021-12-08-title-colon.md",
    ] {
        assert!(
            text.lines().any(|l| l.contains(name)),
            "no warning names {name}\n{text}"
        );
    }
}

#[test]
fn a_missing_path_is_an_error_that_names_it_cleanly() {
    let missing = hostile().join("no such dir \u{1b}[2J");
    for cmd in [&["list"][..], &["show", "x"], &["check"], &[]] {
        let out = Command::new(env!("CARGO_BIN_EXE_kanbao"))
            .args(cmd)
            .arg(&missing)
            .env("HOME", hostile())
            .env("XDG_CONFIG_HOME", hostile().join("no-config"))
            .output()
            .expect("run kanbao");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "kanbao {cmd:?}: {err}");
        assert!(out.stdout.is_empty(), "kanbao {cmd:?} printed to stdout");
        // The escape sequence in the name is removed whole.
        assert!(
            err.contains("/no such dir: No such file or directory") && !err.contains("[2J"),
            "kanbao {cmd:?}: {err:?}"
        );
    }
}

#[test]
fn an_unknown_category_or_tag_is_an_error_that_names_it_cleanly() {
    for (flag, what) in [("--category", "category"), ("--tag", "tag")] {
        let out = Command::new(env!("CARGO_BIN_EXE_kanbao"))
            .args(["list", flag, "no such \u{1b}[2Jname"])
            .arg(hostile())
            .env("HOME", hostile())
            .env("XDG_CONFIG_HOME", hostile().join("no-config"))
            .output()
            .expect("run kanbao");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag}: {err}");
        assert!(out.stdout.is_empty());
        assert!(
            err.contains(&format!("no post has the {what} no such name")),
            "{flag}: {err:?}"
        );
    }
    // A category that exists still lists its posts.
    let listed = String::from_utf8(kanbao(&["list"]).stdout).unwrap();
    let slug = listed.lines().next().unwrap().split('\t').nth(2).unwrap();
    let by_slug = kanbao(&["list", "--category", slug]);
    assert!(!by_slug.stdout.is_empty());
}
