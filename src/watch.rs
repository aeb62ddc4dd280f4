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
    let (found, _) = walk::find(paths, &mut ignored);
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
            Ok(text) => change.posts.push(loader::parse_post_owned(
                &f.path,
                text,
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

/// Starts watching; changes arrive on the returned channel. `None` when nothing can be
/// watched (the reader then simply does not live-reload).
pub fn spawn(paths: Vec<PathBuf>) -> Option<Receiver<Change>> {
    let (events_tx, events) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        if ev.is_ok() {
            let _ = events_tx.send(());
        }
    })
    .ok()?;
    let watched = paths
        .iter()
        .filter(|p| watcher.watch(p, RecursiveMode::Recursive).is_ok())
        .count();
    if watched == 0 {
        return None;
    }
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _watcher = watcher; // dropping it would stop the events
        let (_, mut snap) = snapshot(&paths);
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
    Some(rx)
}

#[cfg(test)]
mod tests {
    use super::*;

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
