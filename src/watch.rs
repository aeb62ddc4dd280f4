//! Live reload: watches the posts folders (notify) and, after a burst of changes settles,
//! rescans the tree with the loader's own rules, re-reading only files whose size or
//! modification time changed.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, SystemTime};

use notify::{RecursiveMode, Watcher};

use crate::loader::{self, Warning, walk};
use crate::post::Post;

/// What changed on disk since the last report.
#[derive(Debug, Default)]
pub struct Change {
    pub posts: Vec<Post>,
    pub removed: Vec<String>,
    pub warnings: Vec<Warning>,
}

type Snapshot = HashMap<String, (PathBuf, u64, Option<SystemTime>)>;

fn snapshot(paths: &[PathBuf]) -> (Vec<walk::Found>, Snapshot) {
    let mut ignored = Vec::new();
    let (found, _) = walk::find(paths, &mut ignored, &mut |_| {});
    let snap = found
        .iter()
        .map(|f| {
            let meta = std::fs::metadata(&f.path).ok();
            (
                walk::id_of(&f.path),
                (
                    f.path.clone(),
                    meta.as_ref().map_or(0, |m| m.len()),
                    meta.and_then(|m| m.modified().ok()),
                ),
            )
        })
        .collect();
    (found, snap)
}

/// Compares two scans and reads what is new or changed.
fn diff(old: &Snapshot, found: &[walk::Found], new: &Snapshot) -> Change {
    let mut change = Change::default();
    for f in found {
        let id = walk::id_of(&f.path);
        if old.get(&id) == new.get(&id) {
            continue;
        }
        match loader::read_text(&f.path, &mut change.warnings) {
            Ok(text) => change.posts.push(loader::parse_post(
                &f.path,
                &text,
                &f.dir_categories,
                &mut change.warnings,
            )),
            Err(e) => change
                .warnings
                .push(Warning::new(&f.path, format!("cannot read: {e}"))),
        }
    }
    change.removed = old
        .keys()
        .filter(|id| !new.contains_key(*id))
        .cloned()
        .collect();
    change
}

/// Starts watching `paths` in a thread of its own; changes arrive on the returned channel.
/// Meant to start once the first load is done (watching costs a walk of its own, which
/// would delay the first screen): files written since `since`, when that load began, are
/// reported at once, as the load may have missed them. If nothing can be watched the
/// channel simply stays quiet.
pub fn spawn(paths: Vec<PathBuf>, since: SystemTime) -> Receiver<Change> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (events_tx, events) = mpsc::channel();
        let Ok(mut watcher) =
            notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
                if ev.is_ok() {
                    let _ = events_tx.send(());
                }
            })
        else {
            return;
        };
        let watched = paths
            .iter()
            .filter(|p| watcher.watch(p, RecursiveMode::Recursive).is_ok())
            .count();
        if watched == 0 {
            return;
        }
        let (found, mut snap) = snapshot(&paths);
        let before: Snapshot = snap
            .iter()
            .filter(|(_, (_, _, modified))| modified.is_none_or(|m| m < since))
            .map(|(id, v)| (id.clone(), v.clone()))
            .collect();
        let change = diff(&before, &found, &snap);
        if !change.posts.is_empty() && tx.send(change).is_err() {
            return;
        }
        while events.recv().is_ok() {
            // A scraper writes many files at once: wait for a quiet moment.
            loop {
                match events.recv_timeout(Duration::from_millis(300)) {
                    Ok(()) => continue,
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            let (found, new) = snapshot(&paths);
            let change = diff(&snap, &found, &new);
            snap = new;
            if (!change.posts.is_empty() || !change.removed.is_empty()) && tx.send(change).is_err()
            {
                return;
            }
        }
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_written_during_the_first_load_are_reported_at_once() {
        let dir = std::env::temp_dir().join(format!("kanbao-watch-since-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("2022-01-01-old.md"), "---\ntitle: 旧\n---\n").unwrap();
        // File times come from a coarse clock: keep them clearly apart from `since`.
        std::thread::sleep(Duration::from_millis(50));
        let since = SystemTime::now();
        std::thread::sleep(Duration::from_millis(50));
        std::fs::write(dir.join("2022-01-02-new.md"), "---\ntitle: 新\n---\n").unwrap();
        let rx = spawn(vec![dir.clone()], since);
        let change = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        let titles: Vec<&str> = change.posts.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, ["新"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn diff_reads_new_and_changed_files_and_reports_removed_ones() {
        let dir = std::env::temp_dir().join(format!("kanbao-watch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let post = |name: &str, title: &str| {
            std::fs::write(dir.join(name), format!("---\ntitle: {title}\n---\n正文")).unwrap()
        };
        post("2022-01-01-a.md", "甲");
        post("2022-01-02-b.md", "乙");
        let paths = vec![dir.clone()];
        let (_, before) = snapshot(&paths);
        post("2022-01-01-a.md", "甲（更新了）");
        post("2022-01-03-c.md", "丙");
        std::fs::remove_file(dir.join("2022-01-02-b.md")).unwrap();
        let (found, after) = snapshot(&paths);
        let change = diff(&before, &found, &after);
        let mut titles: Vec<&str> = change.posts.iter().map(|p| p.title.as_str()).collect();
        titles.sort();
        assert_eq!(titles, ["丙", "甲（更新了）"]);
        assert_eq!(change.removed, ["2022-01-02-b"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
