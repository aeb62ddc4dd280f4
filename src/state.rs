//! Read and starred posts, keyed by post ID, kept in a small text file in the data
//! directory. Every write is atomic (temporary file, fsync, rename), so a kill at any
//! moment leaves the old state or the new one, never a broken file.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// IDs come from files, so the hash stays seeded per process; foldhash rather than
/// SipHash, as every post loaded is looked up in both sets.
pub type Ids = HashSet<String, foldhash::fast::RandomState>;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    pub read: Ids,
    pub starred: Ids,
}

const HEADER: &str = "# kanbao state v1: one `read ID` or `star ID` per line";

/// Where the state lives unless `--state` says otherwise.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "kanbao").map(|d| d.data_dir().join("state.txt"))
}

impl State {
    /// Loads the state. A missing file is a fresh start; an unreadable or damaged one is a
    /// fresh start too, with a message for the user (the damaged file is left in place
    /// until the next save replaces it).
    pub fn load(path: &Path) -> (State, Option<String>) {
        let text = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (State::default(), None),
            Err(e) => {
                return (
                    State::default(),
                    Some(format!(
                        "cannot read {}: {e}; starting fresh",
                        path.display()
                    )),
                );
            }
        };
        let Ok(text) = String::from_utf8(text) else {
            return (
                State::default(),
                Some(format!("{} is damaged; starting fresh", path.display())),
            );
        };
        let mut state = State::default();
        let mut bad = 0;
        for line in text.lines() {
            match line.split_once(' ') {
                Some(("read", id)) if !id.is_empty() => {
                    state.read.insert(id.to_string());
                }
                Some(("star", id)) if !id.is_empty() => {
                    state.starred.insert(id.to_string());
                }
                _ if line.is_empty() || line.starts_with('#') => {}
                _ => bad += 1,
            }
        }
        let warning =
            (bad > 0).then(|| format!("{}: {bad} unreadable lines ignored", path.display()));
        (state, warning)
    }

    fn serialize(&self) -> String {
        let mut read: Vec<&String> = self.read.iter().collect();
        let mut starred: Vec<&String> = self.starred.iter().collect();
        read.sort();
        starred.sort();
        let mut out = String::with_capacity((read.len() + starred.len()) * 40 + HEADER.len());
        out.push_str(HEADER);
        out.push('\n');
        for id in starred {
            out.push_str("star ");
            out.push_str(id);
            out.push('\n');
        }
        for id in read {
            out.push_str("read ");
            out.push_str(id);
            out.push('\n');
        }
        out
    }

    /// Writes the state atomically: a temporary file beside it, flushed to disk, then
    /// renamed over the old one.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let result = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(self.serialize().as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("kanbao-state-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn round_trip() {
        let dir = temp_dir("rt");
        let path = dir.join("sub/state.txt");
        let mut s = State::default();
        s.read.insert("2022-01-05-NW1".into());
        s.read.insert("-202205262391921712".into());
        s.starred.insert("2022-01-05-NW1".into());
        s.save(&path).unwrap();
        let (back, warning) = State::load(&path);
        assert_eq!(back, s);
        assert_eq!(warning, None);
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn missing_is_fresh_and_damaged_is_fresh_with_a_warning() {
        let dir = temp_dir("bad");
        let (s, w) = State::load(&dir.join("none.txt"));
        assert_eq!((s, w), (State::default(), None));
        let bad = dir.join("bad.txt");
        std::fs::write(&bad, b"\xff\xfe\x00garbage").unwrap();
        let (s, w) = State::load(&bad);
        assert_eq!(s, State::default());
        assert!(w.unwrap().contains("damaged"));
        std::fs::write(&bad, "read a\nnonsense\nstar b\n").unwrap();
        let (s, w) = State::load(&bad);
        assert!(s.read.contains("a") && s.starred.contains("b"));
        assert!(w.unwrap().contains("1 unreadable"));
        // A directory where the file should be: a warning, not a crash.
        let (_, w) = State::load(&dir);
        assert!(w.is_some());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
