//! End-to-end reader features on a real pty: state that survives a restart, a config
//! that rebinds quit, OSC 52 copy, search, and live reload. Each test has its own empty
//! home directory.
//!
//! "18 posts · " is the status line once loading is done; wait for it with the dot, since
//! "Loading… 3 of 18 posts (16%)" holds "18 posts" too, and keys sent then act on a
//! half-loaded list.

mod common;

use std::path::Path;
use std::process::Command;

use common::{TIMEOUT, Tui, fixture, new_home};

fn quit_with(tui: &mut Tui, key: &str) {
    tui.send(key);
    let status = tui.wait_exit(TIMEOUT);
    assert!(
        status.as_ref().is_some_and(|s| s.success()),
        "no clean exit after {key:?}: {status:?}\n{}",
        tui.dump()
    );
}

fn list(home: &Path, flag: &str) -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_kanbao"))
        .args(["list", flag])
        .arg(fixture("site"))
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn read_and_starred_state_survives_a_restart() {
    let home = new_home();
    assert_eq!(list(&home, "--unread").len(), 18);
    let mut tui = Tui::spawn_in(&[&fixture("site")], 120, 40, &home);
    assert!(tui.wait_for("18 unread", TIMEOUT), "{}", tui.dump());
    tui.send("\r");
    tui.send("\r");
    assert!(tui.wait_for("17 unread", TIMEOUT), "{}", tui.dump());
    tui.send("s");
    assert!(tui.wait_for("★ Starred", TIMEOUT), "{}", tui.dump());
    quit_with(&mut tui, "q");
    // The newest posts were remembered for the next start, in this home's cache.
    let recent = std::fs::read_to_string(home.join(".cache/kanbao/recent.txt"))
        .expect("recent.txt in the cache directory");
    assert!(
        recent.contains("old_post/2022-04-21-NW202204210000000303.md"),
        "{recent}"
    );
    assert_eq!(list(&home, "--unread").len(), 17);
    let starred = list(&home, "--starred");
    assert_eq!(starred.len(), 1);
    assert!(
        starred[0].starts_with("2022-04-21-NW202204210000000303\t"),
        "{starred:?}"
    );
}

#[test]
fn a_terminal_that_hangs_up_ends_the_reader_and_what_was_read_is_kept() {
    // A dropped SSH connection or a killed tmux pane: the tty hangs up. The reader must
    // end and save, not spin on a dead terminal (crossterm's event poll does, forever).
    let home = new_home();
    let mut tui = Tui::spawn_in(&[&fixture("site")], 120, 40, &home);
    assert!(tui.wait_for("18 unread", TIMEOUT), "{}", tui.dump());
    tui.send("\r");
    tui.send("\r");
    assert!(tui.wait_for("17 unread", TIMEOUT), "{}", tui.dump());
    tui.hang_up();
    let status = tui.wait_exit(TIMEOUT);
    assert!(status.is_some(), "still running after the terminal hung up");
    assert_eq!(
        list(&home, "--unread").len(),
        17,
        "the post read was not saved; exit {status:?}"
    );
}

#[test]
fn a_state_that_cannot_be_saved_is_reported_after_the_screen_is_restored() {
    let home = new_home();
    // Under a file, where no directory can be made.
    std::fs::write(home.join("a-file"), "").unwrap();
    let state = home.join("a-file/state.txt");
    let mut tui = Tui::spawn_in(
        &[Path::new("--state"), &state, &fixture("site")],
        120,
        40,
        &home,
    );
    // The status line says the state cannot be read, so the All row tells it is loaded.
    assert!(tui.wait_for("18/18", TIMEOUT), "{}", tui.dump());
    tui.send("\r\r");
    assert!(tui.wait_for("17 unread", TIMEOUT), "{}", tui.dump());
    let mark = tui.mark();
    tui.send("q");
    let status = tui.wait_exit(TIMEOUT).expect("exited");
    assert!(!status.success(), "a lost state is a failure");
    let out = String::from_utf8_lossy(&tui.output_since(mark)).into_owned();
    let left = out.rfind("\x1b[?1049l").expect("alternate screen left");
    assert!(
        out[left..].contains("cannot save reading state"),
        "the message must come after the screen is restored: {out:?}"
    );
}

#[test]
fn a_config_can_rebind_quit() {
    let home = new_home();
    let dir = home.join(".config/kanbao");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), "[keys]\nquit = [\"x\"]\n").unwrap();
    let mut tui = Tui::spawn_in(&[&fixture("site")], 100, 30, &home);
    assert!(tui.wait_for("18 posts · ", TIMEOUT), "{}", tui.dump());
    // `q` is no longer quit: in the categories pane it starts the filter.
    tui.send("q");
    assert!(
        tui.wait_for("Filter categories: q", TIMEOUT),
        "{}",
        tui.dump()
    );
    tui.send("\x1b");
    assert!(tui.wait_for("x quit", TIMEOUT), "{}", tui.dump());
    quit_with(&mut tui, "x");
}

#[test]
fn a_bad_config_is_a_clear_error() {
    let home = new_home();
    let dir = home.join(".config/kanbao");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "mouse = true\n[keys]\nqiut = [\"x\"]\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kanbao"))
        .arg("list")
        .env("HOME", &*home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3") && err.contains("qiut"), "{err}");
}

#[test]
fn y_copies_a_link_with_osc52() {
    let mut tui = Tui::spawn(&[&fixture("site")], 120, 40);
    assert!(tui.wait_for("18 posts · ", TIMEOUT), "{}", tui.dump());
    // The middle-dot category (fifth row) and its newest post, which has three links.
    tui.send("jjjj\r\r");
    assert!(tui.wait_for("上游芯片", TIMEOUT), "{}", tui.dump());
    let mark = tui.mark();
    tui.send("y");
    assert!(tui.wait_for("Copy link (1-3)", TIMEOUT), "{}", tui.dump());
    tui.send("1\r");
    assert!(tui.wait_for("Copied [1]", TIMEOUT), "{}", tui.dump());
    let out = tui.output_since(mark);
    // base64 of "http://example.com/x?infoCode=NW202201060000000202"
    let expected =
        b"\x1b]52;c;aHR0cDovL2V4YW1wbGUuY29tL3g/aW5mb0NvZGU9TlcyMDIyMDEwNjAwMDAwMDAyMDI=\x07";
    assert!(
        out.windows(expected.len()).any(|w| w == expected),
        "{}",
        String::from_utf8_lossy(&out)
    );
    quit_with(&mut tui, "q");
}

#[test]
fn search_finds_a_word_from_one_body() {
    let mut tui = Tui::spawn(&[&fixture("site")], 120, 40);
    assert!(tui.wait_for("18 posts · ", TIMEOUT), "{}", tui.dump());
    tui.send("/");
    tui.send("上游芯片\r");
    assert!(tui.wait_for("Search: 上游芯片", TIMEOUT), "{}", tui.dump());
    assert!(tui.wait_for("1 post matches", TIMEOUT), "{}", tui.dump());
    tui.send("\r");
    assert!(
        tui.wait_for("示例券商：明年看好消费电子复苏", TIMEOUT),
        "{}",
        tui.dump()
    );
    quit_with(&mut tui, "q");
}

#[test]
fn a_post_written_while_reading_appears() {
    let home = new_home();
    let dir = home.join("site/_posts");
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["2021-12-01-init.md", "2021-12-09-date-only.md"] {
        std::fs::copy(fixture("site/_posts").join(name), dir.join(name)).unwrap();
    }
    let site = dir.parent().unwrap().to_path_buf();
    let mut tui = Tui::spawn(&[&site], 120, 40);
    assert!(tui.wait_for("2 posts · ", TIMEOUT), "{}", tui.dump());
    std::fs::write(
        dir.join("2030-01-01-fresh.md"),
        "---\ntitle: 刚刚写入的新文章\ncategories: emnews\ntags: 东财滚动新闻\n---\n正文。\n",
    )
    .unwrap();
    assert!(tui.wait_for("刚刚写入的新文章", TIMEOUT), "{}", tui.dump());
    assert!(tui.wait_for("3 posts · ", TIMEOUT), "{}", tui.dump());
    std::fs::remove_file(dir.join("2021-12-01-init.md")).unwrap();
    assert!(tui.wait_for("2 posts · ", TIMEOUT), "{}", tui.dump());
    quit_with(&mut tui, "q");
}
