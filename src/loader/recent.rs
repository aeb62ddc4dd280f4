//! The newest post files of the last run, remembered in the cache directory so the next
//! run can show them before the walk of a large tree is over (a million files take
//! seconds to list, and the newest are only known once all are listed).
//!
//! Only file names are remembered, never content: the posts are read again from disk, so
//! what is shown is never stale. The loader takes back any of them that the walk no
//! longer finds or finds under other rules (see `stream_remembering`).

use std::cmp::Reverse;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::walk::Found;

const HEADER: &str = "kanbao recent 1";

/// How many files are remembered: the first batch of a load.
pub const COUNT: usize = 256;

/// A remembered file: where it is, and the folder categories the walk gave it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub path: PathBuf,
    pub dir_categories: Vec<String>,
}

/// `recent.txt` in the cache directory (`~/.cache/kanbao/` on Linux).
pub fn default_file() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "kanbao").map(|d| d.cache_dir().join("recent.txt"))
}

/// The `COUNT` newest posts of a load, in the order the store lists them (date, then ID),
/// gathered as batches are parsed.
#[derive(Default)]
pub struct Newest {
    kept: Vec<(Reverse<Option<i64>>, String, Found)>,
    /// Once `COUNT` are kept, the last of them: a post that sorts after it cannot make
    /// the list, so it is not copied (posts arrive nearly newest first, so most do not).
    cutoff: Option<(Reverse<Option<i64>>, String)>,
}

impl Newest {
    pub fn offer(&mut self, date: Option<i64>, id: &str, found: &Found) {
        if let Some((c_date, c_id)) = &self.cutoff
            && (Reverse(date), id) >= (*c_date, c_id.as_str())
        {
            return;
        }
        self.kept
            .push((Reverse(date), id.to_string(), found.clone()));
        if self.kept.len() >= 2 * COUNT {
            self.trim();
        }
    }

    fn trim(&mut self) {
        self.kept.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        self.kept.truncate(COUNT);
        if self.kept.len() == COUNT {
            self.cutoff = self.kept.last().map(|(d, id, _)| (*d, id.clone()));
        }
    }

    pub fn into_found(mut self) -> Vec<Found> {
        self.trim();
        self.kept.into_iter().map(|(_, _, f)| f).collect()
    }
}

fn canonical_roots(roots: &[PathBuf]) -> Option<Vec<String>> {
    roots
        .iter()
        .map(|r| Some(r.canonicalize().ok()?.to_str()?.to_string()))
        .collect()
}

/// A text field that can be written on one tab-separated line.
fn plain(s: &str) -> bool {
    !s.contains(['\t', '\n', '\r'])
}

/// Remembers the first `COUNT` of `found` (newest first) for the same `roots`. Entries
/// whose paths or categories cannot be written on one line are left out.
pub fn write(file: &Path, roots: &[PathBuf], found: &[Found]) -> std::io::Result<()> {
    let Some(canonical) = canonical_roots(roots) else {
        return Ok(());
    };
    let mut out = format!("{HEADER}\n");
    for r in canonical.iter().filter(|r| plain(r)) {
        out.push_str(&format!("root\t{r}\n"));
    }
    for f in found.iter().take(COUNT) {
        let Some(root) = roots.get(f.root as usize) else {
            continue;
        };
        let rel = f.path.strip_prefix(root).unwrap_or(&f.path);
        let Some(rel) = rel.to_str().filter(|r| plain(r)) else {
            continue;
        };
        if !f.dir_categories.iter().all(|c| plain(c)) {
            continue;
        }
        out.push_str(&format!("post\t{}\t{rel}", f.root));
        for c in &f.dir_categories {
            out.push_str(&format!("\t{c}"));
        }
        out.push('\n');
    }
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // A temporary file renamed over the old one: a reader never sees half a file.
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(out.as_bytes())?;
    drop(f);
    std::fs::rename(&tmp, file)
}

/// The files remembered for these `roots` (none when the file is missing, damaged, or
/// was written for other roots), as paths the walk of `roots` would give.
pub fn read(file: &Path, roots: &[PathBuf]) -> Vec<Entry> {
    let Ok(text) = std::fs::read_to_string(file) else {
        return Vec::new();
    };
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return Vec::new();
    }
    let (mut saved_roots, mut entries) = (Vec::new(), Vec::new());
    for line in lines {
        let mut fields = line.split('\t');
        match (fields.next(), fields.next()) {
            (Some("root"), Some(r)) => saved_roots.push(r.to_string()),
            (Some("post"), Some(ix)) => {
                let (Ok(ix), Some(rel)) = (ix.parse::<usize>(), fields.next()) else {
                    return Vec::new();
                };
                let Some(root) = roots.get(ix) else {
                    return Vec::new();
                };
                // Only paths inside the root, as the walk makes them.
                let inside = Path::new(rel)
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)));
                if !inside {
                    return Vec::new();
                }
                let path = if rel.is_empty() {
                    root.clone()
                } else {
                    root.join(rel)
                };
                entries.push(Entry {
                    path,
                    dir_categories: fields.map(str::to_string).collect(),
                });
            }
            _ => return Vec::new(),
        }
    }
    if canonical_roots(roots) != Some(saved_roots) {
        return Vec::new();
    }
    entries.truncate(COUNT);
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(root: &Path, rel: &str, cats: &[&str]) -> Found {
        Found {
            path: root.join(rel),
            dir_categories: cats.iter().map(|c| c.to_string()).collect(),
            rank: 0,
            root: 0,
        }
    }

    #[test]
    fn newest_keeps_the_posts_the_store_lists_first() {
        let root = Path::new("site");
        let mut n = Newest::default();
        // 700 posts over 7 days, offered oldest first, plus undated ones.
        for i in 0..700 {
            let f = found(root, &format!("_posts/{i}.md"), &[]);
            n.offer(
                Some(i64::from(i / 100) * 86_400 + i64::from(i)),
                &format!("{i:03}"),
                &f,
            );
            n.offer(None, &format!("u{i}"), &f);
        }
        let kept = n.into_found();
        assert_eq!(kept.len(), COUNT);
        assert_eq!(kept[0].path, root.join("_posts/699.md"));
        assert_eq!(
            kept[COUNT - 1].path,
            root.join(format!("_posts/{}.md", 700 - COUNT))
        );
    }

    #[test]
    fn remembers_the_newest_for_the_same_roots_only() {
        let dir = std::env::temp_dir().join(format!("kanbao-recent-{}", std::process::id()));
        let site = dir.join("site");
        std::fs::create_dir_all(site.join("news/_posts")).unwrap();
        let file = dir.join("cache/recent.txt");
        let roots = vec![site.clone()];
        let list = [
            found(&site, "news/_posts/2022-01-06-b.md", &["news"]),
            found(&site, "_posts/2022-01-05-a\tb.md", &[]),
            found(&site, "_posts/2022-01-04-c.md", &[]),
        ];
        write(&file, &roots, &list).unwrap();
        let got = read(&file, &roots);
        // The name with a tab cannot be written on a line; it is left out.
        assert_eq!(
            got,
            [
                Entry {
                    path: site.join("news/_posts/2022-01-06-b.md"),
                    dir_categories: vec!["news".into()],
                },
                Entry {
                    path: site.join("_posts/2022-01-04-c.md"),
                    dir_categories: vec![],
                },
            ]
        );
        // The same folder named another way is the same root.
        assert_eq!(read(&file, &[site.join("news/..")]).len(), 2);
        assert!(read(&file, &[site.join("news")]).is_empty());
        std::fs::write(&file, "kanbao recent 1\npost\t7\tx.md\n").unwrap();
        assert!(read(&file, &roots).is_empty());
        let root_line = format!("root\t{}\n", site.canonicalize().unwrap().display());
        for rel in ["/etc/passwd", "../x.md", "_posts/../../x.md"] {
            std::fs::write(
                &file,
                format!("kanbao recent 1\n{root_line}post\t0\t{rel}\n"),
            )
            .unwrap();
            assert!(read(&file, &roots).is_empty(), "{rel}");
        }
        std::fs::write(
            &file,
            format!("kanbao recent 1\n{root_line}post\t0\t_posts/x.md\n"),
        )
        .unwrap();
        assert_eq!(read(&file, &roots).len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
