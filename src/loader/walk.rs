//! Finding post files the way Jekyll does, surviving the traps a real tree has
//! (symlink loops, dangling links, unreadable folders).

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
    /// Which of the paths given this file was found under; the earlier one wins a tie.
    pub root: u32,
}

const NOT_A_FILE: &str = "not a regular file (a named pipe, socket or device); skipped";

const EXTENSIONS: &[&str] = &["md", "markdown", "html", "htm"];

fn is_site_root(dir: &Path) -> bool {
    dir.join("_posts").is_dir() || dir.join("_config.yml").is_file()
}

/// Jekyll names posts `YYYY-MM-DD-title.ext`; outside `_posts` only such files are posts.
fn has_post_name(name: &[u8]) -> bool {
    std::str::from_utf8(name).is_ok_and(|n| crate::post::Date::from_file_name(n).is_some())
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

fn walk_dir(
    root: &Path,
    root_ix: u32,
    found: &mut Vec<Found>,
    warnings: &mut Vec<Warning>,
    progress: &mut impl FnMut(&[Found]),
) {
    let site = is_site_root(root);
    // Not walkdir's sort_by_file_name: its comparisons re-parse paths, which took most
    // of a 100,000-file walk. `find` picks among duplicates without any sort.
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !e.file_type().is_dir()
                || !skip_dir(&e.file_name().to_string_lossy(), site)
        });
    let mut folder: Option<Folder> = None;
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
        // Not `entry.file_name()`, which parses the path's components.
        let name = name_bytes(entry.path());
        if entry.file_type().is_dir() || !has_post_extension(name) {
            continue;
        }
        // What the folder says about its files, worked out again only when the folder
        // changes: parsing each path's components took half of a million-file walk.
        let path = entry.path().as_os_str().as_encoded_bytes();
        let parent = &path[..path.len() - name.len()];
        if folder.as_ref().is_some_and(|f| f.path != parent) {
            folder = None;
        }
        let f = folder.get_or_insert_with(|| Folder::new(root, entry.path(), parent));
        if site && f.posts_at.is_none() && !has_post_name(name) {
            continue; // a page (about.md, index.html), not a post
        }
        if !entry.file_type().is_file() {
            // A named pipe would block the reader forever; a device never ends.
            warnings.push(Warning::new(entry.path(), NOT_A_FILE));
            continue;
        }
        found.push(Found {
            dir_categories: f.categories.clone(),
            rank: u8::from(site && f.posts_at.is_none()),
            root: root_ix,
            path: entry.into_path(),
        });
        progress(found);
    }
}

/// What the folder files are in says about them.
struct Folder {
    /// Its path with the separator after it, as the start of its files' paths.
    path: Vec<u8>,
    /// How deep below the root the `_posts` folder above it is, if there is one.
    posts_at: Option<usize>,
    /// The folders between the root and that `_posts`: the posts' categories.
    categories: Vec<String>,
}

impl Folder {
    /// The folder of `file`, whose path starts with `parent`, under `root`.
    fn new(root: &Path, file: &Path, parent: &[u8]) -> Self {
        let rel = file.strip_prefix(root).unwrap_or(file);
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
        Folder {
            path: parent.to_vec(),
            posts_at,
            categories: posts_at
                .map(|i| comps[..i].iter().map(|s| s.to_string()).collect())
                .unwrap_or_default(),
        }
    }
}

/// Whether a file named `name` has one of the [`EXTENSIONS`], as `Path::extension` cuts it.
fn has_post_extension(name: &[u8]) -> bool {
    match name.iter().rposition(|&c| c == b'.') {
        Some(0) | None => false,
        Some(dot) => EXTENSIONS
            .iter()
            .any(|x| x.as_bytes().eq_ignore_ascii_case(&name[dot + 1..])),
    }
}

/// The post ID: the file stem.
pub fn id_of(path: &Path) -> String {
    crate::sanitize::clean_line(&path.file_stem().unwrap_or_default().to_string_lossy())
}

/// The last component's bytes, for paths the walk made (no `..` or trailing separator):
/// `Path::file_name` parses every component, which was a tenth of a million-file walk.
pub fn name_bytes(path: &Path) -> &[u8] {
    let b = path.as_os_str().as_encoded_bytes();
    let start = b
        .iter()
        .rposition(|&c| std::path::is_separator(char::from(c)))
        .map_or(0, |i| i + 1);
    &b[start..]
}

/// `name_bytes` without the extension, as `Path::file_stem` cuts it.
fn stem_bytes(path: &Path) -> &[u8] {
    let name = name_bytes(path);
    match name.iter().rposition(|&c| c == b'.') {
        Some(0) | None => name,
        Some(dot) => &name[..dot],
    }
}

/// Finds the posts under each path and drops duplicate file names (keeping the copy in
/// `_posts`). Returns the files and how many duplicates were dropped. `progress` is shown
/// the files found so far, after each one: a million take seconds to find.
pub fn find(
    paths: &[PathBuf],
    warnings: &mut Vec<Warning>,
    progress: &mut impl FnMut(&[Found]),
) -> (Vec<Found>, usize) {
    let mut found = Vec::new();
    for (root, p) in (0..).zip(paths) {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk_dir(p, root, &mut found, warnings, progress),
            Ok(m) if m.is_file() => {
                found.push(Found {
                    path: p.clone(),
                    dir_categories: Vec::new(),
                    rank: 0,
                    root,
                });
                progress(&found);
            }
            Ok(_) => warnings.push(Warning::new(p, NOT_A_FILE)),
            Err(e) => warnings.push(Warning::new(p, e.to_string())),
        }
    }
    let keep = winners(&found);
    let duplicates = found.len() - keep.iter().filter(|&&k| k).count();
    let mut keep = keep.into_iter();
    found.retain(|_| keep.next().unwrap_or(true));
    (found, duplicates)
}

/// Which of `found` to keep: of the files with the same raw stem (cheaper than the cleaned
/// ID; the store drops the rare stems that differ only in what cleaning removes), the
/// lowest (rank, path given, path), the same on every run. The stems are hashed and the
/// hashes sorted on every core, and only files whose hashes meet are compared: a map of
/// a million stems, built on one core, took 0.4 s after the walk.
fn winners(found: &[Found]) -> Vec<bool> {
    use std::hash::BuildHasher;
    // Seeded per process: file names cannot be chosen to collide.
    let seed = foldhash::fast::RandomState::default();
    winners_by(found, |stem| seed.hash_one(stem))
}

/// [`winners`] with stems hashed by `hash`.
fn winners_by(found: &[Found], hash: impl Fn(&[u8]) -> u64 + Sync) -> Vec<bool> {
    use rayon::prelude::*;
    fn order(f: &Found) -> (u8, u32, &std::ffi::OsStr) {
        (f.rank, f.root, f.path.as_os_str())
    }
    let mut hashed: Vec<(u64, usize)> = found
        .par_iter()
        .enumerate()
        .map(|(i, f)| (hash(stem_bytes(&f.path)), i))
        .collect();
    hashed.par_sort_unstable();
    let mut keep = vec![false; found.len()];
    for run in hashed.chunk_by_mut(|a, b| a.0 == b.0) {
        if let [(_, only)] = run {
            keep[*only] = true;
            continue;
        }
        // The same stem (or, rarely, a collision): sorted by stem, then as the winner is
        // picked, so that each stem's first is its winner.
        run.sort_by(|a, b| {
            let (a, b) = (&found[a.1], &found[b.1]);
            stem_bytes(&a.path)
                .cmp(stem_bytes(&b.path))
                .then_with(|| order(a).cmp(&order(b)))
        });
        for (k, &(_, i)) in run.iter().enumerate() {
            let stem = stem_bytes(&found[i].path);
            keep[i] = k == 0 || stem != stem_bytes(&found[run[k - 1].1].path);
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_stems_are_cut_as_path_cuts_them() {
        for p in [
            "a/b/2022-01-05-x.md",
            "x.md",
            "a/.hidden",
            "a/b.c.md",
            "a/noext",
            "a/b",
        ] {
            let p = Path::new(p);
            assert_eq!(name_bytes(p), p.file_name().unwrap().as_encoded_bytes());
            assert_eq!(stem_bytes(p), p.file_stem().unwrap().as_encoded_bytes());
        }
    }

    /// What a site's files are taken as: posts in `_posts` folders anywhere, with the
    /// folders above as categories; outside them only dated names; pages, drafts, other
    /// extensions and hidden folders left out.
    #[test]
    fn a_sites_files_are_found_as_jekyll_finds_its_posts() {
        let dir = std::env::temp_dir().join(format!("kanbao-find-{}", std::process::id()));
        let site = dir.join("site");
        let posts = [
            "_posts/2022-01-05-a.md",
            "_posts/sub/b.MARKDOWN",
            "_posts/2022-01-06-c.htm",
            "news/_posts/2022-01-07-d.md",
            "news/world/_posts/x/2022-01-08-e.html",
            "old_post/2021-03-04-f.md",
            "old_post/deep/2021-03-05-g.Md",
        ];
        let others = [
            "about.md",
            "index.html",
            "old_post/notes.md",
            "_posts/2022-01-09-h.txt",
            "_posts/.md",
            "_posts/noext",
            "_drafts/2022-01-10-i.md",
            ".git/2022-01-11-j.md",
            "_site/2022-01-12-k.md",
        ];
        for f in posts.iter().chain(&others) {
            let path = site.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "").unwrap();
        }
        std::fs::write(site.join("_config.yml"), "").unwrap();
        let mut told = Vec::new();
        let (found, dups) = find(std::slice::from_ref(&site), &mut Vec::new(), &mut |f| {
            told.push(f.len())
        });
        assert_eq!(dups, 0);
        // Told of each file as it is found.
        assert_eq!(told, (1..=7).collect::<Vec<_>>());
        let mut got: Vec<_> = found
            .iter()
            .map(|f| {
                let rel = f.path.strip_prefix(&site).unwrap().to_str().unwrap();
                (rel, f.dir_categories.join("/"), f.rank, f.root)
            })
            .collect();
        got.sort();
        let mut want = [
            ("_posts/2022-01-05-a.md", "", 0, 0),
            ("_posts/sub/b.MARKDOWN", "", 0, 0),
            ("_posts/2022-01-06-c.htm", "", 0, 0),
            ("news/_posts/2022-01-07-d.md", "news", 0, 0),
            ("news/world/_posts/x/2022-01-08-e.html", "news/world", 0, 0),
            ("old_post/2021-03-04-f.md", "", 1, 0),
            ("old_post/deep/2021-03-05-g.Md", "", 1, 0),
        ]
        .map(|(p, c, r, root)| (p, c.to_string(), r, root));
        want.sort();
        assert_eq!(got, want);
        // A folder that is not a site: every file with a post extension; a file named:
        // itself.
        let mut told = Vec::new();
        let paths = [site.join("old_post"), site.join("about.md")];
        let (found, _) = find(&paths, &mut Vec::new(), &mut |f| told.push(f.len()));
        assert_eq!(found.len(), 4);
        assert_eq!(told, [1, 2, 3, 4]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// The winners are those a map from each stem to its lowest copy picks.
        #[test]
        fn winners_are_each_stems_lowest_copy(
            files in proptest::collection::vec(
                (0u8..2, 0u32..3, "[ab]{1,2}/(_posts/)?", "[xy]{1,2}(\\.md|\\.html)"),
                0..40,
            )
        ) {
            let found: Vec<Found> = files
                .iter()
                .map(|(rank, root, dir, name)| Found {
                    path: PathBuf::from(format!("{dir}{name}")),
                    dir_categories: Vec::new(),
                    rank: *rank,
                    root: *root,
                })
                .collect();
            let mut lowest: std::collections::HashMap<&[u8], usize> = Default::default();
            for (i, f) in found.iter().enumerate() {
                let key = |f: &Found| (f.rank, f.root, f.path.as_os_str().to_owned());
                lowest
                    .entry(stem_bytes(&f.path))
                    .and_modify(|w| {
                        if key(f) < key(&found[*w]) {
                            *w = i;
                        }
                    })
                    .or_insert(i);
            }
            let want: Vec<bool> = (0..found.len()).map(|i| lowest.values().any(|&w| w == i)).collect();
            proptest::prop_assert_eq!(&winners(&found), &want);
            // Stems that collide (all of a length hash alike) are still told apart.
            proptest::prop_assert_eq!(&winners_by(&found, |s| s.len() as u64), &want);
        }
    }

    #[test]
    fn the_lowest_copy_of_a_duplicate_wins() {
        let dir = std::env::temp_dir().join(format!("kanbao-walk-{}", std::process::id()));
        let files = [
            "b/_posts/2022-01-05-x.md",
            "a/_posts/2022-01-05-x.md",
            "_posts/2022-01-05-y.md",
        ];
        for f in files.iter().chain(&["old/2022-01-05-y.md"]) {
            let path = dir.join("site").join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "---\ntitle: t\n---\n").unwrap();
        }
        std::fs::write(dir.join("2022-01-05-x.md"), "").unwrap();
        let site = dir.join("site");
        let (found, dups) = find(std::slice::from_ref(&site), &mut Vec::new(), &mut |_| {});
        let mut got: Vec<_> = found
            .iter()
            .map(|f| f.path.strip_prefix(&site).unwrap())
            .collect();
        got.sort();
        // The lower path among two `_posts` copies; the `_posts` copy over the archive.
        assert_eq!(
            got,
            [
                Path::new("_posts/2022-01-05-y.md"),
                Path::new("a/_posts/2022-01-05-x.md")
            ]
        );
        assert_eq!(dups, 2);
        // Among paths given, the first one given wins.
        let loose = dir.join("2022-01-05-x.md");
        let (found, _) = find(&[loose.clone(), site.clone()], &mut Vec::new(), &mut |_| {});
        assert!(found.iter().any(|f| f.path == loose));
        let (found, _) = find(&[site, loose.clone()], &mut Vec::new(), &mut |_| {});
        assert!(!found.iter().any(|f| f.path == loose));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
