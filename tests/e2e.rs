//! End-to-end tests: the real `kanbao` binary on a real pty, its screen read back through
//! a vt100 emulator. Timeouts are generous and nothing asserts on timing.

mod common;

use common::{TIMEOUT, Tui, fixture};

/// The newest post in `tests/fixtures/site` (old_post/2022-04-21-NW202204210000000303.md),
/// which is listed first under "All". In full, the title only fits in the article header
/// (the posts list truncates it).
const NEWEST_TITLE: &str = "示例交易所：一季度新增上市公司数量回落";
/// A phrase from that post's body only (not in its title; note the traditional 內); at 120
/// columns it sits on one row of the article pane.
const NEWEST_BODY: &str = "业內人士认为";

/// Markup that must never reach the screen: raw HTML, unrendered Markdown links and bold.
const LEAKS: &[&str] = &["<p>", "<p ", "</p>", "<strong>", "](//", "**"];

const ALT_SCREEN_OFF: &[u8] = b"\x1b[?1049l";
const CURSOR_SHOW: &[u8] = b"\x1b[?25h";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Starts kanbao on the fixture site and waits until loading has finished.
fn open_site(cols: u16, rows: u16) -> Tui {
    let tui = Tui::spawn(&[&fixture("site")], cols, rows);
    assert!(
        tui.wait_for("18 posts · ", TIMEOUT),
        "status line with the loaded post count never appeared\n{}",
        tui.dump()
    );
    tui
}

/// From the start screen: Enter focuses the posts list, Enter opens the newest post.
fn open_newest(tui: &Tui) {
    tui.send("\r");
    assert!(
        tui.wait_for("1/18", TIMEOUT),
        "Enter on the category did not focus the posts list\n{}",
        tui.dump()
    );
    tui.send("\r");
    assert!(
        tui.wait_for(NEWEST_BODY, TIMEOUT),
        "the newest post's body did not appear in the article pane\n{}",
        tui.dump()
    );
}

/// Sends `q` and checks for a clean exit; returns the bytes written after the key.
fn quit(tui: &mut Tui) -> Vec<u8> {
    let mark = tui.mark();
    tui.send("q");
    let status = tui.wait_exit(TIMEOUT);
    let status = status.unwrap_or_else(|| panic!("kanbao did not exit after q\n{}", tui.dump()));
    assert!(
        status.success(),
        "kanbao exited with {status:?} after q\n{}",
        tui.dump()
    );
    tui.output_since(mark)
}

#[test]
fn open_article_and_quit() {
    let mut tui = open_site(120, 40);
    open_newest(&tui);
    assert!(tui.wait_stable(), "screen never settled\n{}", tui.dump());

    let screen = tui.screen();
    assert!(
        screen.contains(NEWEST_TITLE),
        "the newest post's title is not in the article header\n{screen}"
    );
    for leak in LEAKS {
        assert!(
            !screen.contains(leak),
            "{leak:?} leaked onto the screen\n{screen}"
        );
    }

    // Help overlay: open, check, close.
    assert!(
        !screen.contains(" Keys ") && !screen.contains("Quit"),
        "help-like text on screen before ? was pressed\n{screen}"
    );
    tui.send("?");
    assert!(
        tui.wait_until(TIMEOUT, |s| s.contains(" Keys ") && s.contains("Quit")),
        "? did not show the help overlay\n{}",
        tui.dump()
    );
    tui.send("?");
    assert!(
        tui.wait_until(TIMEOUT, |s| !s.contains(" Keys ")
            && s.contains(NEWEST_BODY)),
        "second ? did not close the help overlay\n{}",
        tui.dump()
    );
    // Esc closes it too.
    tui.send("?");
    assert!(
        tui.wait_for(" Keys ", TIMEOUT),
        "? did not reopen the help overlay\n{}",
        tui.dump()
    );
    tui.send("\x1b");
    assert!(
        tui.wait_until(TIMEOUT, |s| !s.contains(" Keys ")
            && s.contains(NEWEST_BODY)),
        "Esc did not close the help overlay\n{}",
        tui.dump()
    );

    let after = quit(&mut tui);
    assert!(
        contains(&after, ALT_SCREEN_OFF),
        "no leave-alternate-screen (ESC[?1049l) after q; got {:?}",
        String::from_utf8_lossy(&after)
    );
    assert!(
        contains(&after, CURSOR_SHOW),
        "cursor not shown again (ESC[?25h) after q; got {:?}",
        String::from_utf8_lossy(&after)
    );
}

#[test]
fn bundled_samples_open_with_no_path() {
    let mut tui = Tui::spawn(&[], 80, 24);
    // 12 sample posts in assets/posts; the newest is the welcome post (category 站长消息).
    assert!(
        tui.wait_for("12 posts · ", TIMEOUT),
        "status line for the bundled samples never appeared\n{}",
        tui.dump()
    );
    assert!(tui.wait_stable(), "screen never settled\n{}", tui.dump());
    let screen = tui.screen();
    assert!(
        screen.contains("站长消息"),
        "sample category 站长消息 not on screen\n{screen}"
    );
    assert!(
        screen.contains("欢迎使用看报"),
        "newest sample post (欢迎使用看报…) not listed\n{screen}"
    );
    quit(&mut tui);
}

#[test]
fn resize_does_not_crash() {
    let mut tui = open_site(120, 40);
    open_newest(&tui);

    for (cols, rows) in [(40, 12), (1, 1), (120, 40)] {
        tui.resize(cols, rows);
        assert!(
            tui.wait_stable(),
            "screen never settled at {cols}x{rows}\n{}",
            tui.dump()
        );
        assert!(
            tui.is_alive(),
            "kanbao died after resizing to {cols}x{rows}\n{}",
            tui.dump()
        );
    }

    // Shrinking the emulator to 1x1 threw the old screen away: this is a fresh redraw.
    assert!(
        tui.wait_for(NEWEST_BODY, TIMEOUT),
        "article text not redrawn after returning to 120x40\n{}",
        tui.dump()
    );
    assert!(
        tui.wait_for("18 posts · ", TIMEOUT),
        "status line not redrawn after returning to 120x40\n{}",
        tui.dump()
    );
    quit(&mut tui);
}

#[test]
fn a_resize_before_any_key_is_drawn() {
    let mut tui = open_site(120, 40);
    assert!(tui.wait_for("18 posts · ", TIMEOUT), "{}", tui.dump());
    tui.resize(80, 24);
    // Redrawn at 80 columns: the top row ends with the article pane's corner.
    let redrawn = tui.wait_until(TIMEOUT, |s| {
        s.lines()
            .next()
            .is_some_and(|top| top.ends_with(['┐', '┓']))
    });
    assert!(redrawn, "not redrawn after the resize\n{}", tui.dump());
    quit(&mut tui);
}

#[test]
fn ctrl_z_hands_the_terminal_back_and_takes_it_again() {
    // Under the harness there is no job control, so the stop signal is discarded and
    // kanbao goes on at once: what shows is the terminal given back (alternate screen
    // left, cursor shown) and taken again, with the screen drawn anew.
    let mut tui = open_site(100, 30);
    let mark = tui.mark();
    tui.send("\x1a");
    let redrawn = tui.wait_until(TIMEOUT, |_| {
        let out = tui.output_since(mark);
        let text = String::from_utf8_lossy(&out);
        text.find("\x1b[?1049l").is_some_and(|left| {
            text[left..].contains("\x1b[?25h")
                && text[left..].contains("\x1b[?1049h")
                && text[left..].contains("18 posts · ")
        })
    });
    assert!(
        redrawn,
        "no suspend and redraw after Ctrl-Z\n{}",
        tui.dump()
    );
    quit(&mut tui);
}

/// The harness itself: dropping it must not leave a kanbao process behind.
#[test]
fn harness_kills_child_on_drop() {
    if !std::path::Path::new("/proc/self").exists() {
        return; // no procfs to look at
    }
    let tui = open_site(80, 24);
    let pid = tui.pid().expect("child pid");
    let proc_dir = std::path::PathBuf::from(format!("/proc/{pid}"));
    assert!(proc_dir.exists(), "child {pid} not running before drop");
    drop(tui);
    // Drop kills and reaps the child, so its /proc entry is gone.
    assert!(!proc_dir.exists(), "child {pid} still exists after drop");
}
