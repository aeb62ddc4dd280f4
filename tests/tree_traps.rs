//! Traps a real tree holds, built at test time in a temporary folder: a symlink loop, a
//! dangling link, a folder named like a post, a named pipe, an unreadable file and a file
//! over the size cap. `loader::load` must finish, keep every readable post and name each
//! problem file in a warning; `kanbao check` must say whether every file became a post.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use kanbao::loader::{self, Loaded, MAX_FILE_BYTES, Source};

fn post(dir: &Path, name: &str, title: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, format!("---\ntitle: {title}\n---\n{title} 正文\n")).unwrap();
    path
}

fn load(root: &Path) -> Loaded {
    loader::load(&Source::Paths(vec![root.to_path_buf()]))
}

fn titles(loaded: &Loaded) -> Vec<&str> {
    let mut t: Vec<&str> = loaded.posts.iter().map(|p| p.title.as_str()).collect();
    t.sort_unstable();
    t
}

fn warned(loaded: &Loaded, name: &str) -> bool {
    loaded.warnings.iter().any(|w| w.file.ends_with(name))
}

/// Runs `kanbao ARGS`, killing it if it has not finished within a few seconds (a hang is a
/// failure, not a stuck test run).
fn kanbao(args: &[&std::ffi::OsStr]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kanbao"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run kanbao");
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "kanbao {args:?} did not finish; stdout {:?}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

/// Makes `path` (an existing file) unreadable. As root `chmod 000` does not stop reads, so
/// the file is replaced by a link to `/proc/self/mem`, which fails to read at offset 0
/// (EIO). None when neither trick works here.
fn make_unreadable(path: &Path) -> Option<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(path).is_err() {
        return Some(());
    }
    fs::remove_file(path).unwrap();
    let mem = Path::new("/proc/self/mem");
    if fs::File::open(mem).is_ok_and(|mut f| std::io::Read::read(&mut f, &mut [0; 1]).is_err()) {
        symlink(mem, path).unwrap();
        return Some(());
    }
    None
}

#[test]
fn symlink_loop_is_reported_and_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    post(root, "2021-01-01-top.md", "顶层");
    let sub = root.join("sub");
    fs::create_dir(&sub).unwrap();
    post(&sub, "2021-01-02-inner.md", "里层");
    symlink("..", sub.join("up")).unwrap(); // sub/up → root: a loop
    symlink(root, sub.join("abs-up")).unwrap();
    let loaded = load(root);
    assert_eq!(titles(&loaded), ["里层", "顶层"], "{:?}", loaded.warnings);
    assert_eq!(loaded.summary.failed, 0);
    assert!(warned(&loaded, "up"), "{:?}", loaded.warnings);
    assert!(warned(&loaded, "abs-up"), "{:?}", loaded.warnings);
    assert!(
        loaded.warnings.iter().all(|w| w.message.contains("loop")),
        "{:?}",
        loaded.warnings
    );
}

#[test]
fn dangling_link_is_reported_and_its_neighbours_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    post(root, "2021-01-01-a.md", "甲");
    post(root, "2021-01-03-c.md", "丙");
    symlink(root.join("gone.md"), root.join("2021-01-02-b.md")).unwrap();
    let loaded = load(root);
    assert_eq!(titles(&loaded), ["丙", "甲"]);
    assert!(warned(&loaded, "2021-01-02-b.md"), "{:?}", loaded.warnings);
}

#[test]
fn a_folder_named_like_a_post_is_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    post(root, "2021-01-01-a.md", "甲");
    let dir = root.join("x.md");
    fs::create_dir(&dir).unwrap();
    post(&dir, "2021-01-02-b.md", "乙");
    fs::create_dir(root.join("empty.md")).unwrap();
    let loaded = load(root);
    assert_eq!(titles(&loaded), ["乙", "甲"], "{:?}", loaded.warnings);
    assert_eq!(loaded.summary.failed, 0);
    assert_eq!(loaded.summary.files, 2, "folders are not files");
    // Named on the command line, it is read as a folder too.
    let loaded = loader::load(&Source::Paths(vec![dir]));
    assert_eq!(titles(&loaded), ["乙"]);
}

#[test]
fn unreadable_file_is_reported_and_its_neighbours_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    post(root, "2021-01-01-a.md", "甲");
    let bad = post(root, "2021-01-02-locked.md", "锁");
    post(root, "2021-01-03-c.md", "丙");
    if make_unreadable(&bad).is_none() {
        eprintln!("skipped: cannot make a file unreadable here");
        return;
    }
    let loaded = load(root);
    assert_eq!(titles(&loaded), ["丙", "甲"]);
    assert_eq!(loaded.summary.failed, 1);
    assert_eq!(loaded.summary.files, 3);
    let w = loaded
        .warnings
        .iter()
        .find(|w| w.file.ends_with("2021-01-02-locked.md"))
        .unwrap_or_else(|| panic!("no warning names the file: {:?}", loaded.warnings));
    assert!(w.message.starts_with("cannot read"), "{w:?}");
}

#[test]
fn a_file_over_the_size_cap_is_cut_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    post(root, "2021-01-01-a.md", "甲");
    let big = root.join("2021-01-02-big.md");
    let mut f = fs::File::create(&big).unwrap();
    f.write_all("---\ntitle: 巨大\n---\n开头的正文。\n".as_bytes())
        .unwrap();
    // Sparse: the rest reads as NUL bytes, past the cap.
    f.set_len(MAX_FILE_BYTES as u64 + 4096).unwrap();
    drop(f);
    let loaded = load(root);
    assert_eq!(titles(&loaded), ["巨大", "甲"]);
    let big_post = loaded.posts.iter().find(|p| p.title == "巨大").unwrap();
    assert!(big_post.body.starts_with("开头的正文。"));
    assert!(big_post.body.len() <= MAX_FILE_BYTES);
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.file.ends_with("2021-01-02-big.md") && w.message.contains("larger than")),
        "{:?}",
        loaded.warnings
    );
}

#[test]
fn check_exits_0_when_every_file_became_a_post() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    post(root, "2021-01-01-a.md", "甲");
    post(root, "2021-01-02-b.md", "乙");
    let out = kanbao(&["check".as_ref(), root.as_os_str()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("posts:      2"), "{stdout}");
    assert!(stdout.contains("unreadable: 0"), "{stdout}");
}

#[test]
fn check_exits_1_and_names_the_file_when_one_could_not_be_read() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    post(root, "2021-01-01-a.md", "甲");
    let bad = post(root, "2021-01-02-locked.md", "锁");
    if make_unreadable(&bad).is_none() {
        eprintln!("skipped: cannot make a file unreadable here");
        return;
    }
    let out = kanbao(&["check".as_ref(), root.as_os_str()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("posts:      1"), "{stdout}");
    assert!(stdout.contains("unreadable: 1"), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("2021-01-02-locked.md") && l.contains("cannot read")),
        "{stdout}"
    );
}

/// Loads in a thread and fails (instead of hanging the test run) when it does not finish.
fn load_within(root: &Path, limit: Duration) -> Loaded {
    let (tx, rx) = std::sync::mpsc::channel();
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(load(&root));
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("loader::load did not finish within {limit:?}"))
}

#[test]
fn a_named_pipe_or_device_is_skipped_not_read_forever() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    post(root, "2021-01-01-a.md", "甲");
    let fifo = root.join("2021-01-02-pipe.md");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: no mkfifo");
        return;
    }
    if Path::new("/dev/zero").exists() {
        symlink("/dev/zero", root.join("2021-01-03-zero.md")).unwrap();
    }
    let loaded = load_within(root, Duration::from_secs(5));
    assert_eq!(titles(&loaded), ["甲"], "{:?}", loaded.warnings);
    assert!(
        warned(&loaded, "2021-01-02-pipe.md"),
        "{:?}",
        loaded.warnings
    );
    if Path::new("/dev/zero").exists() {
        assert!(
            warned(&loaded, "2021-01-03-zero.md"),
            "{:?}",
            loaded.warnings
        );
    }
    // Named on the command line, a pipe is not read either.
    let loaded = {
        let (tx, rx) = std::sync::mpsc::channel();
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let _ = tx.send(loader::load(&Source::Paths(vec![fifo])));
        });
        rx.recv_timeout(Duration::from_secs(5))
            .expect("loading a named pipe given by name hung")
    };
    assert!(loaded.posts.is_empty());
    assert!(
        warned(&loaded, "2021-01-02-pipe.md"),
        "{:?}",
        loaded.warnings
    );
}

#[test]
fn a_remembered_post_replaced_by_a_named_pipe_is_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir(&root).unwrap();
    post(&root, "2021-01-01-a.md", "甲");
    post(&root, "2021-01-02-b.md", "乙");
    let recent = tmp.path().join("recent.txt");
    let source = Source::Paths(vec![root.clone()]);
    loader::stream_remembering(&source, Some(&recent), |_| {});
    let b = root.join("2021-01-02-b.md");
    std::fs::remove_file(&b).unwrap();
    if !Command::new("mkfifo")
        .arg(&b)
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("skipped: no mkfifo");
        return;
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut posts = Vec::new();
        loader::stream_remembering(&source, Some(&recent), |e| {
            if let loader::LoadEvent::Batch { posts: p, .. } = e {
                posts.extend(p.into_iter().map(|p| p.title));
            }
        });
        let _ = tx.send(posts);
    });
    let posts = rx
        .recv_timeout(Duration::from_secs(5))
        .expect("a remembered named pipe blocked the loader");
    assert_eq!(posts, ["甲"]);
}
