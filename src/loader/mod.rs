//! Files on disk (or the bundled samples) → `Post`s and warnings, streamed in batches,
//! newest files first, parsed in parallel.

pub mod embedded;
pub mod front_matter;
pub mod recent;
pub mod walk;

use std::collections::{BinaryHeap, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};

use rayon::prelude::*;

use crate::post::{Date, Post};
use crate::sanitize::{clean_line, clean_text};

/// Something odd about one file. The post is still loaded unless `Loaded::failed` says so.
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    pub file: String,
    pub message: String,
}

impl Warning {
    pub fn new(path: &Path, message: impl Into<String>) -> Self {
        Warning {
            file: clean_line(&path.to_string_lossy()),
            message: clean_line(&message.into()),
        }
    }
}

/// Where posts come from.
#[derive(Clone, Debug)]
pub enum Source {
    /// The sample posts compiled into the binary.
    Embedded,
    Paths(Vec<PathBuf>),
}

/// Files above this size are cut here (with a warning) so one file cannot exhaust memory.
pub const MAX_FILE_BYTES: usize = 32 << 20;

/// Files found between two [`LoadEvent::Looking`]: a million-file walk takes a second
/// or two with the files cached, far longer on a cold disk, with nothing else to show.
pub const LOOKING_EVERY: usize = 16_384;

/// What the loader sends while it works.
#[derive(Debug)]
pub enum LoadEvent {
    /// The walk goes on: this many post files found so far (every [`LOOKING_EVERY`]).
    Looking(usize),
    /// The walk is over: this many post files will be read (for a progress figure).
    Found(usize),
    Batch {
        posts: Vec<Post>,
        warnings: Vec<Warning>,
    },
    /// Posts sent before the walk was over (remembered from the last run, or the newest
    /// found so far) that the walk did not confirm: drop them; if their file is still a
    /// post, a later batch brings it again.
    Retract(Vec<String>),
    Done(Summary),
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Summary {
    /// Post files found (after dropping duplicates).
    pub files: usize,
    /// Files dropped because a file of the same name was preferred.
    pub duplicates: usize,
    /// Files that could not be read at all.
    pub failed: usize,
}

/// Turns the text of one file into a post. Never fails: what cannot be parsed is
/// recovered as far as possible and reported in `warnings`.
pub fn parse_post(
    path: &Path,
    text: &str,
    dir_categories: &[String],
    warnings: &mut Vec<Warning>,
) -> Post {
    let (mut post, body_at) = parse_head(path, text, dir_categories, warnings);
    post.body = Arc::new(clean_text(&text[body_at..]).into_owned());
    post
}

/// Everything but the body, and where the body starts in `text`.
fn parse_head(
    path: &Path,
    text: &str,
    dir_categories: &[String],
    warnings: &mut Vec<Warning>,
) -> (Post, usize) {
    let id = walk::id_of(path);
    let split = front_matter::split(text);
    if let Some(problem) = split.problem {
        warnings.push(Warning::new(path, problem));
    }
    let fm = match split.front.map(front_matter::parse) {
        None => front_matter::FrontMatter::default(),
        Some(Ok(fm)) => fm,
        Some(Err(e)) => {
            warnings.push(Warning::new(
                path,
                format!("front matter is not valid YAML ({e}); recovered line by line"),
            ));
            front_matter::parse_lenient(split.front.unwrap_or_default())
        }
    };
    let file_name = path.file_name().unwrap_or_default().to_string_lossy();
    let date = match fm.date.as_deref().map(str::trim) {
        Some(d) if !d.is_empty() => Date::parse(d).or_else(|| {
            warnings.push(Warning::new(path, format!("unrecognised date {d:?}")));
            Date::from_file_name(&file_name)
        }),
        _ => Date::from_file_name(&file_name),
    };
    let title = fm
        .title
        .as_deref()
        .map(clean_line)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| title_from_id(&id));
    let mut categories: Vec<String> = dir_categories.iter().map(|c| clean_line(c)).collect();
    for c in fm.categories.iter().map(|c| clean_line(c)) {
        if !c.is_empty() && !categories.contains(&c) {
            categories.push(c);
        }
    }
    let mut tags: Vec<String> = Vec::new();
    for t in fm.tags.iter().map(|t| clean_line(t)) {
        if !t.is_empty() && !tags.contains(&t) {
            tags.push(t);
        }
    }
    let post = Post {
        id,
        path: path.to_path_buf(),
        title,
        date,
        categories,
        tags,
        body: Default::default(),
    };
    // The body is always the end of the file.
    (post, text.len() - split.body.len())
}

/// `2022-01-05-some-title` → `some-title`: a readable stand-in for a missing title.
fn title_from_id(id: &str) -> String {
    let rest = if Date::from_file_name(&format!("{id}.")).is_some() {
        &id[11..]
    } else {
        id
    };
    let t = rest.trim_matches(['-', '_', ' ']);
    if t.is_empty() {
        id.to_string()
    } else {
        t.to_string()
    }
}

/// Bytes → text. UTF-8 (BOM stripped) as is; anything else is detected with chardetng
/// (Firefox's detector: GBK/GB18030, Big5, Shift_JIS, …) and decoded with encoding_rs;
/// failing that, lossy UTF-8. Every non-UTF-8 decision is reported.
pub fn decode(mut bytes: Vec<u8>, path: &Path, warnings: &mut Vec<Warning>) -> String {
    if bytes.starts_with(b"\xef\xbb\xbf") {
        bytes.drain(..3);
    }
    // Valid UTF-8 (nearly every file) becomes the String without a copy. simdutf8
    // validates several times faster than `std::str::from_utf8` (which was a tenth of
    // the load time).
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: simdutf8 has just validated these exact bytes as UTF-8.
        return unsafe { String::from_utf8_unchecked(bytes) };
    }
    let bytes = bytes.as_slice();
    if let Some(text) = decode_mostly_utf8(bytes) {
        warnings.push(Warning::new(
            path,
            "not valid UTF-8 in places; decoded as UTF-8, the stray bytes dropped",
        ));
        return text;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        warnings.push(Warning::new(
            path,
            format!("not UTF-8; decoded as {}", encoding.name()),
        ));
        return text.into_owned();
    }
    warnings.push(Warning::new(path, "not valid UTF-8; decoded lossily"));
    String::from_utf8_lossy(bytes).into_owned()
}

/// UTF-8 with a few stray bytes (a C1 control written as one byte, a cut character) is
/// still UTF-8: read as a legacy encoding, every character around them would be garbled.
/// A stray byte 0x80..=0x9F becomes its C1 control so the sanitizer removes the whole
/// sequence it starts (`0x9B 31m` leaves no `31m`); others become U+FFFD.
fn decode_mostly_utf8(bytes: &[u8]) -> Option<String> {
    let (mut wide, mut stray) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        wide += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        stray += chunk.invalid().len();
    }
    // Read as UTF-8, Chinese text in GBK, Big5 or Shift_JIS has 4 to 10 stray bytes for
    // each character that happens to be valid.
    if wide <= stray {
        return None;
    }
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        match chunk.invalid() {
            [] => {}
            &[b @ 0x80..=0x9f] => out.push(char::from(b)),
            _ => out.push(char::REPLACEMENT_CHARACTER),
        }
    }
    Some(out)
}

/// Reads a file as text: capped in size, then `decode`d.
pub fn read_text(path: &Path, warnings: &mut Vec<Warning>) -> std::io::Result<String> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata().map_or(0, |m| m.len() as usize);
    let mut bytes = Vec::with_capacity(size.min(MAX_FILE_BYTES) + 1);
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > MAX_FILE_BYTES {
        bytes.truncate(MAX_FILE_BYTES);
        warnings.push(Warning::new(
            path,
            format!(
                "larger than {} MiB; only the start is shown",
                MAX_FILE_BYTES >> 20
            ),
        ));
    }
    if memchr::memchr(0, &bytes).is_some() {
        warnings.push(Warning::new(path, "contains NUL bytes (binary file?)"));
    }
    Ok(decode(bytes, path, warnings))
}

/// Reads and parses files in parallel: the posts (`None` for a file that cannot be read)
/// and the warnings, in the order given.
fn read_posts<'a>(
    files: impl IndexedParallelIterator<Item = (&'a Path, &'a [String])>,
) -> Vec<(Option<Post>, Vec<Warning>)> {
    files
        .map(|(path, dir_categories)| {
            let mut w = Vec::new();
            let post = match read_text(path, &mut w) {
                Ok(text) => Some(parse_post(path, &text, dir_categories, &mut w)),
                Err(e) => {
                    w.push(Warning::new(path, format!("cannot read: {e}")));
                    None
                }
            };
            (post, w)
        })
        .collect()
}

/// Loads everything from `source`, calling `sink` with each batch as it is ready.
/// Newest files (by the date in their name) come first so a UI can show them at once;
/// while a long walk goes on, every [`LOOKING_EVERY`] files, the newest of those found so
/// far are sent (a later `Retract` takes back any the walk then drops as a duplicate).
pub fn stream(source: &Source, sink: impl FnMut(LoadEvent)) {
    stream_remembering(source, None, sink)
}

/// Posts sent before the walk is over, by path: the newest of the last run (remembered in
/// the cache directory), then the newest the walk has found so far. Those the walk
/// confirms (same file, same folder categories) are not read again; the others are taken
/// back with `Retract`.
#[derive(Default)]
struct Early {
    sent: SentByPath,
    ids: HashSet<String>,
}

/// Keyed by the path's bytes, with foldhash: every file a walk finds is looked up, and
/// hashing a `PathBuf` (with SipHash, component by component) took a million of them
/// 0.13-0.15 s on one core.
type SentByPath = HashMap<Box<[u8]>, Sent, foldhash::fast::RandomState>;

fn path_key(path: &Path) -> &[u8] {
    path.as_os_str().as_encoded_bytes()
}

/// A post sent before the walk was over.
struct Sent {
    id: String,
    date: Option<i64>,
    dir_categories: Vec<String>,
}

impl Early {
    /// Reads `files` and sends those not sent yet as one batch: read from disk, so never
    /// stale.
    fn send<'a>(
        &mut self,
        files: impl Iterator<Item = (&'a Path, &'a [String])>,
        sink: &mut impl FnMut(LoadEvent),
    ) {
        // Only regular files: a named pipe put where a remembered post was would block
        // the reader.
        let files: Vec<(&Path, &[String])> = files
            .filter(|(p, _)| !self.sent.contains_key(path_key(p)))
            .filter(|(p, _)| std::fs::metadata(p).is_ok_and(|m| m.is_file()))
            .collect();
        if files.is_empty() {
            return;
        }
        let results = read_posts(files.par_iter().copied());
        let (mut posts, mut warnings) = (Vec::new(), Vec::new());
        for ((path, dir_categories), (post, w)) in files.into_iter().zip(results) {
            // A file that cannot be read, or a second file with the same ID, is left to
            // the walk to find and report.
            if let Some(p) = post.filter(|p| self.ids.insert(p.id.clone())) {
                let s = Sent {
                    id: p.id.clone(),
                    date: p.date.map(|d| d.ts),
                    dir_categories: dir_categories.to_vec(),
                };
                self.sent.insert(path_key(path).into(), s);
                posts.push(p);
                warnings.extend(w);
            }
        }
        if !posts.is_empty() {
            sink(LoadEvent::Batch { posts, warnings });
        }
    }
}

/// The newest files the walk has found so far by the dates in their names: the newest
/// are only known once every file is listed, which takes a million files a second or
/// more, so meanwhile these are shown.
#[derive(Default)]
struct Glimpse {
    /// The `recent::COUNT` newest (name key, place in the walk's list): the oldest on top.
    newest: BinaryHeap<(u64, usize)>,
    /// Places already sent or tried.
    tried: HashSet<usize>,
}

impl Glimpse {
    fn offer(&mut self, key: u64, ix: usize) {
        if self.newest.len() < recent::COUNT {
            self.newest.push((key, ix));
        } else if self.newest.peek().is_some_and(|&top| (key, ix) < top) {
            self.newest.pop();
            self.newest.push((key, ix));
        }
    }

    /// The newest files not yet tried, now marked tried.
    fn untried(&mut self) -> Vec<usize> {
        let tried = &mut self.tried;
        self.newest
            .iter()
            .map(|&(_, ix)| ix)
            .filter(|&ix| tried.insert(ix))
            .collect()
    }
}

/// As `stream`; with `recent` (a file in the cache directory), the newest posts of the
/// last run come first, before the walk, and this run's newest are remembered.
pub fn stream_remembering(source: &Source, recent: Option<&Path>, mut sink: impl FnMut(LoadEvent)) {
    let paths = match source {
        Source::Embedded => {
            let mut warnings = Vec::new();
            let posts = embedded::SAMPLE_POSTS
                .iter()
                .map(|(name, text)| {
                    parse_post(
                        &PathBuf::from(format!("assets/posts/{name}")),
                        text,
                        &[],
                        &mut warnings,
                    )
                })
                .collect::<Vec<_>>();
            let files = posts.len();
            sink(LoadEvent::Found(files));
            sink(LoadEvent::Batch { posts, warnings });
            sink(LoadEvent::Done(Summary {
                files,
                ..Summary::default()
            }));
            return;
        }
        Source::Paths(paths) => paths,
    };
    let remembered = recent.map_or_else(Vec::new, |f| recent::read(f, paths));
    let mut early = Early::default();
    early.send(
        remembered
            .iter()
            .map(|e| (e.path.as_path(), e.dir_categories.as_slice())),
        &mut sink,
    );
    let mut warnings = Vec::new();
    let mut glimpse = Glimpse::default();
    let (found, duplicates) = walk::find(paths, &mut warnings, &mut |found| {
        let ix = found.len() - 1;
        glimpse.offer(name_key(&found[ix].path), ix);
        if found.len() % LOOKING_EVERY == 0 {
            sink(LoadEvent::Looking(found.len()));
            let newest = glimpse.untried();
            early.send(
                newest
                    .iter()
                    .map(|&i| (found[i].path.as_path(), found[i].dir_categories.as_slice())),
                &mut sink,
            );
        }
    });
    let mut sent = early.sent;
    // The files to read, by their place in `found`.
    let mut order = newest_first(&found);
    let mut newest = recent.map(|_| recent::Newest::default());
    sink(LoadEvent::Found(found.len()));
    let summary_files = found.len();
    if !sent.is_empty() {
        order.retain(|&i| {
            let f = &found[i];
            match sent.get(path_key(&f.path)) {
                Some(s) if s.dir_categories == f.dir_categories => {
                    if let Some(n) = &mut newest {
                        n.offer(s.date, &s.id, f);
                    }
                    sent.remove(path_key(&f.path));
                    false
                }
                _ => true,
            }
        });
        if !sent.is_empty() {
            sink(LoadEvent::Retract(
                sent.into_values().map(|s| s.id).collect(),
            ));
        }
    }
    let mut summary = Summary {
        files: summary_files,
        duplicates,
        failed: 0,
    };
    // A small first batch puts the newest posts on screen quickly; later ones are larger
    // to keep per-batch overhead low.
    let mut start = 0;
    let mut size = 256;
    while start < order.len() || !warnings.is_empty() {
        let end = (start + size).min(order.len());
        let batch = &order[start..end];
        let results = read_posts(batch.par_iter().map(|&i| {
            let f = &found[i];
            (f.path.as_path(), f.dir_categories.as_slice())
        }));
        let mut posts = Vec::with_capacity(results.len());
        for (f, (post, w)) in batch.iter().map(|&i| &found[i]).zip(results) {
            match post {
                Some(p) => {
                    if let Some(n) = &mut newest {
                        n.offer(p.date.map(|d| d.ts), &p.id, f);
                    }
                    posts.push(p)
                }
                None => summary.failed += 1,
            }
            warnings.extend(w);
        }
        sink(LoadEvent::Batch {
            posts,
            warnings: std::mem::take(&mut warnings),
        });
        start = end;
        size = (size * 4).min(8192);
    }
    // Remembered once all is loaded: the newest by the posts' own dates, not just by
    // the day in their names.
    if let (Some(file), Some(newest)) = (recent, newest)
        && let Err(e) = recent::write(file, paths, &newest.into_found())
    {
        let w = Warning::new(file, format!("cannot remember the newest posts: {e}"));
        sink(LoadEvent::Batch {
            posts: Vec::new(),
            warnings: vec![w],
        });
    }
    sink(LoadEvent::Done(summary));
}

/// The places of `found` in the order of the dates in their names, the newest first, then
/// the files without one; files of the same date in the order they were found. The dates
/// are sorted as numbers, on every core, and the files are not moved: sorting the files by
/// `Date` took a million of them 0.25–0.4 s before the first post could be read.
fn newest_first(found: &[walk::Found]) -> Vec<usize> {
    let mut order: Vec<(u64, usize)> = found
        .par_iter()
        .enumerate()
        .map(|(i, f)| (name_key(&f.path), i))
        .collect();
    order.par_sort_unstable();
    order.into_iter().map(|(_, i)| i).collect()
}

/// Where a file sorts by the date in its name: later dates lower, files without one last.
fn name_key(path: &Path) -> u64 {
    // Only the `YYYY-MM-DD-` at the start counts: not the whole name made into text, which
    // was most of the cost, paid for each file while a million are listed.
    walk::name_bytes(path)
        .get(..11)
        .and_then(|head| std::str::from_utf8(head).ok())
        .and_then(Date::from_file_name)
        // The instant's bits made to sort as unsigned, then inverted.
        .map_or(u64::MAX, |d| !((d.ts as u64) ^ (1 << 63)))
}

/// Loads in a background thread; events arrive on the returned channel. `recent` as for
/// `stream_remembering`.
pub fn spawn(source: Source, recent: Option<PathBuf>) -> mpsc::Receiver<LoadEvent> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        stream_remembering(&source, recent.as_deref(), |ev| {
            // The receiver is gone when the UI has quit; nothing left to do.
            let _ = tx.send(ev);
        })
    });
    rx
}

/// Everything at once, for the command-line tools.
#[derive(Debug, Default)]
pub struct Loaded {
    pub posts: Vec<Post>,
    pub warnings: Vec<Warning>,
    pub summary: Summary,
}

pub fn load(source: &Source) -> Loaded {
    let mut out = Loaded::default();
    stream(source, |ev| match ev {
        LoadEvent::Batch { posts, warnings } => {
            out.posts.extend(posts);
            out.warnings.extend(warnings);
        }
        LoadEvent::Looking(_) | LoadEvent::Found(_) => {}
        LoadEvent::Retract(ids) => out.posts.retain(|p| !ids.contains(&p.id)),
        LoadEvent::Done(s) => out.summary = s,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Files come newest first by the dates in their names, undated last, those of a
        /// date in the order found: as sorting by `Date` (stable) puts them.
        #[test]
        fn files_are_read_newest_first(
            names in prop::collection::vec(
                prop_oneof![
                    // Many files of a date, and dates before 1970 and after.
                    3 => (2020u32..2023, 1u32..3, 1u32..3)
                        .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}-p.md")),
                    2 => (0u32..3000, 1u32..13, 1u32..29)
                        .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}-p.md")),
                    1 => "[a-z0-9-]{0,14}\\.md",
                ],
                0..40,
            )
        ) {
            let found: Vec<walk::Found> = names
                .iter()
                .enumerate()
                .map(|(i, n)| walk::Found {
                    path: PathBuf::from(format!("d{}/{n}", i % 3)),
                    dir_categories: Vec::new(),
                    rank: 0,
                    root: 0,
                })
                .collect();
            let mut want = found.clone();
            want.sort_by_cached_key(|f| {
                std::cmp::Reverse(Date::from_file_name(&String::from_utf8_lossy(
                    walk::name_bytes(&f.path),
                )))
            });
            let got: Vec<&walk::Found> = newest_first(&found).into_iter().map(|i| &found[i]).collect();
            prop_assert_eq!(got, want.iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn gbk_is_detected_and_other_bytes_decode_lossily() {
        let (gbk, _, _) = encoding_rs::GBK
            .encode("---\ntitle: 中文标题\n---\n这是一段用国标码保存的正文，读起来应当正常。");
        let mut w = Vec::new();
        let text = decode(gbk.into_owned(), Path::new("x.md"), &mut w);
        assert!(
            text.contains("中文标题") && text.contains("国标码"),
            "{text}"
        );
        assert!(
            w[0].message.contains("GBK") || w[0].message.contains("gb18030"),
            "{w:?}"
        );
        let mut w = Vec::new();
        assert_eq!(
            decode(b"\xef\xbb\xbfok".to_vec(), Path::new("x.md"), &mut w),
            "ok"
        );
        assert!(w.is_empty());
    }

    #[test]
    fn utf8_with_a_few_stray_bytes_stays_utf8() {
        let mut bytes = "---\ntitle: 原始C1字节\n---\n正文".as_bytes().to_vec();
        bytes.extend_from_slice(b"\x9b31m\xe7\xba\xa2\x9b0m \x9d0;PWNED\x07\xff\n");
        let mut w = Vec::new();
        let path = Path::new("2021-12-08-c1-raw-bytes.md");
        let text = decode(bytes.clone(), path, &mut w);
        let p = parse_post(path, &text, &[], &mut w);
        assert_eq!(p.title, "原始C1字节");
        assert_eq!(&*p.body, "正文红 \u{fffd}\n");
        assert!(w[0].message.contains("UTF-8"), "{w:?}");
    }

    #[test]
    fn unparsable_front_matter_still_makes_a_post() {
        let mut w = Vec::new();
        let p = parse_post(
            Path::new("x/2022-01-05-abc.md"),
            "---\ntitle: \"a\"b\"\ncategories: emnews\n---\n正文",
            &[],
            &mut w,
        );
        assert_eq!(p.title, "a\"b");
        assert_eq!(p.categories, ["emnews"]);
        assert_eq!(p.date.unwrap().short(), "2022-01-05");
        assert_eq!(&*p.body, "正文");
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].file.ends_with("2022-01-05-abc.md"));
    }

    #[test]
    fn missing_title_and_date_fall_back_to_the_file_name() {
        let mut w = Vec::new();
        let p = parse_post(
            Path::new("-202205262391921712.md"),
            "---\ntitle: \"\"\ndate:  +0800\n---\nx",
            &[],
            &mut w,
        );
        assert_eq!(p.title, "202205262391921712");
        assert_eq!(p.date, None);
        assert_eq!(p.id, "-202205262391921712");
        assert!(w[0].message.contains("+0800"), "{w:?}");
    }

    #[test]
    fn dir_categories_come_first_and_text_is_cleaned() {
        let mut w = Vec::new();
        let p = parse_post(
            Path::new("news/_posts/2022-01-05-a.md"),
            "---\ntitle: \"\\e]0;pwn\\a标题\"\ncategories: [news, b]\n---\n\x1b[2J正文",
            &["news".into()],
            &mut w,
        );
        assert_eq!(p.categories, ["news", "b"]);
        assert_eq!(p.title, "标题");
        assert_eq!(&*p.body, "正文");
    }
}
