//! Finding post files the way Jekyll does, surviving the traps a real tree has
//! (symlink loops, dangling links, unreadable folders).

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use super::Warning;

/// A file that will become a post.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub path: PathBuf,
    /// Jekyll's categories from the folders above `_posts` (`news/_posts/x.md` → `news`).
    pub dir_categories: Vec<String>,
    /// 0 for files in a `_posts` folder or named on the command line, 1 for archive copies;
    /// the lower rank wins when two files share a name.
    pub rank: u8,
}

const NOT_A_FILE: &str = "not a regular file (a named pipe, socket or device); skipped";

const EXTENSIONS: &[&str] = &["md", "markdown", "html", "htm"];

fn is_post_file(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

fn is_site_root(dir: &Path) -> bool {
    dir.join("_posts").is_dir() || dir.join("_config.yml").is_file()
}

/// Jekyll names posts `YYYY-MM-DD-title.ext`; outside `_posts` only such files are posts.
fn has_post_name(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| crate::post::Date::from_file_name(n).is_some())
}

/// Folders never read: hidden ones, Jekyll's generated site, drafts and other `_` folders
/// (except `_posts`), and dependency folders.
fn skip_dir(name: &str, site: bool) -> bool {
    name.starts_with('.')
        || name == "node_modules"
        || name == "_site"
        || (site && name.starts_with('_') && name != "_posts")
        || (site && name == "vendor")
}

fn walk_dir(root: &Path, found: &mut Vec<Found>, warnings: &mut Vec<Warning>) {
    let site = is_site_root(root);
    let first = found.len();
    // Not walkdir's sort_by_file_name: its comparisons re-parse paths, which took most
    // of a 100,000-file walk. The files are sorted once below, as plain bytes.
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !e.file_type().is_dir()
                || !skip_dir(&e.file_name().to_string_lossy(), site)
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let file = e
                    .path()
                    .map_or_else(|| root.to_path_buf(), Path::to_path_buf);
                let reason = if e.loop_ancestor().is_some() {
                    "symbolic link loop, not followed".to_string()
                } else {
                    e.io_error()
                        .map_or_else(|| e.to_string(), |io| io.to_string())
                };
                warnings.push(Warning::new(&file, reason));
                continue;
            }
        };
        if entry.file_type().is_dir() || !is_post_file(entry.path()) {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let comps: Vec<&str> = rel
            .parent()
            .into_iter()
            .flat_map(|p| p.components())
            .filter_map(|c| match c {
                Component::Normal(s) => s.to_str(),
                _ => None,
            })
            .collect();
        let posts_at = comps.iter().position(|c| *c == "_posts");
        if site && posts_at.is_none() && !has_post_name(entry.path()) {
            continue; // a page (about.md, index.html), not a post
        }
        if !entry.file_type().is_file() {
            // A named pipe would block the reader forever; a device never ends.
            warnings.push(Warning::new(entry.path(), NOT_A_FILE));
            continue;
        }
        found.push(Found {
            path: entry.path().to_path_buf(),
            dir_categories: posts_at
                .map(|i| comps[..i].iter().map(|s| s.to_string()).collect())
                .unwrap_or_default(),
            rank: u8::from(site && posts_at.is_none()),
        });
    }
    // A fixed order, so the same copy of a duplicate wins every time.
    found[first..].sort_unstable_by(|a, b| a.path.as_os_str().cmp(b.path.as_os_str()));
}

/// The post ID: the file stem.
pub fn id_of(path: &Path) -> String {
    crate::sanitize::clean_line(&path.file_stem().unwrap_or_default().to_string_lossy())
}

/// Finds the posts under each path and drops duplicate file names (keeping the copy in
/// `_posts`). Returns the files and how many duplicates were dropped.
pub fn find(paths: &[PathBuf], warnings: &mut Vec<Warning>) -> (Vec<Found>, usize) {
    let mut found = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk_dir(p, &mut found, warnings),
            Ok(m) if m.is_file() => found.push(Found {
                path: p.clone(),
                dir_categories: Vec::new(),
                rank: 0,
            }),
            Ok(_) => warnings.push(Warning::new(p, NOT_A_FILE)),
            Err(e) => warnings.push(Warning::new(p, e.to_string())),
        }
    }
    // Stable: among equal ranks the first path given wins.
    found.sort_by_key(|f| f.rank);
    let before = found.len();
    // By the raw file stem: cheaper than the cleaned ID, and the store drops the rare
    // stems that only differ in characters the cleaning removes.
    let mut seen = HashSet::with_capacity(found.len());
    let keep: Vec<bool> = found
        .iter()
        .map(|f| seen.insert(f.path.file_stem()))
        .collect();
    let mut keep = keep.into_iter();
    found.retain(|_| keep.next().unwrap_or(true));
    let duplicates = before - found.len();
    (found, duplicates)
}
