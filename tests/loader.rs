//! The loader and store on our fixture site (tests/fixtures/site), which copies the shapes
//! of the real news site: duplicates in old_post/, every date form, broken front matter.

use std::path::PathBuf;

use kanbao::loader::{self, Source};
use kanbao::store::{Grouping, Store};

fn site() -> (Store, loader::Loaded) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
    let mut loaded = loader::load(&Source::Paths(vec![root]));
    let store = Store::new(std::mem::take(&mut loaded.posts));
    (store, loaded)
}

fn post<'a>(s: &'a Store, id: &str) -> &'a kanbao::post::Post {
    s.post(s.find_id(id).unwrap_or_else(|| panic!("{id} not loaded")))
}

#[test]
fn every_post_once_drafts_and_site_output_skipped() {
    let (s, loaded) = site();
    assert_eq!(s.len(), 18);
    assert_eq!(loaded.summary.duplicates, 2);
    assert_eq!(loaded.summary.failed, 0);
    for &ix in s.all() {
        let p = s.post(ix);
        assert!(
            !p.title.contains("不应加载"),
            "{} must not be loaded",
            p.path.display()
        );
        assert!(!p.path.to_string_lossy().contains("README"));
    }
    // The copy in _posts wins over old_post.
    let p = post(&s, "2021-12-08-202112080000000101");
    assert!(
        p.path.to_string_lossy().contains("_posts"),
        "{}",
        p.path.display()
    );
    assert!(!p.title.contains("旧版"));
}

#[test]
fn date_forms() {
    let (s, _) = site();
    let date = |id: &str| post(&s, id).date.map(|d| d.to_string());
    assert_eq!(
        date("2022-01-05-NW202201050000000201").as_deref(),
        Some("2022-01-05T20:54:40+08:00")
    );
    assert_eq!(
        date("2021-12-01-init").as_deref(),
        Some("2021-12-01T13:33:50")
    );
    assert_eq!(date("2021-12-09-date-only").as_deref(), Some("2021-12-09"));
    assert_eq!(
        date("2021-12-09-rfc3339").as_deref(),
        Some("2021-12-09T08:00:00+08:00")
    );
    assert_eq!(
        date("2021-12-10-no-date-field").as_deref(),
        Some("2021-12-10"),
        "from the file name"
    );
    assert_eq!(date("-202205262391921712"), None);
    // Undated posts are listed last.
    assert_eq!(s.post(*s.all().last().unwrap()).id, "-202205262391921712");
}

#[test]
fn categories_and_tags_as_strings_and_lists() {
    let (s, _) = site();
    assert_eq!(
        post(&s, "2021-12-09-date-only").categories,
        ["markets", "kanbaoxinwen"]
    );
    assert_eq!(post(&s, "2021-12-09-date-only").tags, ["市场", "看报新闻"]);
    assert_eq!(
        post(&s, "2021-12-10-no-date-field").categories,
        ["markets", "kanbaoxinwen"]
    );
    assert_eq!(
        post(&s, "2021-12-13-singular-category").categories,
        ["kanbaoxinwen"]
    );
    assert_eq!(
        post(&s, "2021-12-14-harbor").categories,
        ["news"],
        "from news/_posts"
    );
    let rfc = post(&s, "2021-12-09-rfc3339");
    assert!(
        !rfc.categories.is_empty() && !rfc.tags.is_empty(),
        "block lists"
    );
    assert_eq!(
        rfc.title, "rfc3339",
        "empty title falls back to the file name"
    );
}

#[test]
fn broken_front_matter_still_becomes_a_readable_post_with_a_warning() {
    let (s, loaded) = site();
    let p = post(&s, "2021-12-11-broken-yaml");
    assert_eq!(p.title, "他说\"好\"的");
    assert!(!p.body.trim().is_empty());
    let warned = |name: &str| loaded.warnings.iter().any(|w| w.file.ends_with(name));
    assert!(warned("2021-12-11-broken-yaml.md"));
    assert!(warned("2021-12-12-no-closing-fence.md"));
    let unclosed = post(&s, "2021-12-12-no-closing-fence");
    assert!(!unclosed.body.contains("title:"), "{}", unclosed.body);
    assert!(!unclosed.body.trim().is_empty());
}

#[test]
fn category_names_counts_and_order() {
    let (s, _) = site();
    let name = |slug: &str| s.category_name(slug).to_string();
    assert_eq!(
        name("zhongguozhengquanbao·zhongzhengwang"),
        "中国证券报·中证网新闻"
    );
    assert_eq!(name("emnews"), "东财滚动新闻");
    assert_eq!(name("news"), "news", "no shared tag: the slug");
    let groups: Vec<(String, usize)> = s
        .groups(Grouping::Category)
        .map(|g| (g.key.clone(), g.posts.len()))
        .collect();
    assert_eq!(groups[0].0, "kanbaoxinwen");
    assert!(
        groups.windows(2).all(|w| w[0].1 >= w[1].1),
        "most posts first: {groups:?}"
    );
    assert!(groups.contains(&("emnews".to_string(), 3)));
    let emnews = s.group_by_key(Grouping::Category, "emnews").unwrap();
    let dates: Vec<i64> = emnews
        .posts
        .iter()
        .map(|&i| s.post(i).date.unwrap().ts)
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert!(s.group_count(Grouping::Tag) > 0);
}

#[test]
fn a_single_file_and_a_posts_folder_load_too() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site/_posts");
    let folder = loader::load(&Source::Paths(vec![dir.clone()]));
    assert_eq!(folder.posts.len(), 13);
    let one = loader::load(&Source::Paths(vec![dir.join("2021-12-01-init.md")]));
    assert_eq!(one.posts.len(), 1);
    assert_eq!(one.posts[0].id, "2021-12-01-init");
}

#[test]
fn hostile_files_all_load_and_nothing_unclean_gets_through() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let loaded = loader::load(&Source::Paths(vec![dir]));
    assert_eq!(loaded.summary.failed, 0);
    assert_eq!(loaded.posts.len(), loaded.summary.files);
    let bad = |c: char| {
        (c.is_control() && c != '\n' && c != '\t') || ('\u{202a}'..='\u{202e}').contains(&c)
    };
    for p in &loaded.posts {
        for field in [p.title.as_str(), &p.body]
            .into_iter()
            .chain(p.categories.iter().map(String::as_str))
            .chain(p.tags.iter().map(String::as_str))
        {
            assert!(!field.chars().any(bad), "{}: {field:?}", p.id);
        }
    }
}

/// A loaded post as these tests compare them: ID, file, categories.
type Loaded = Vec<(String, PathBuf, Vec<String>)>;

/// What a run of the loader leaves, and the events it sent.
fn run_remembering(
    root: &std::path::Path,
    recent: &std::path::Path,
) -> (Loaded, Vec<loader::LoadEvent>) {
    let mut events = Vec::new();
    loader::stream_remembering(
        &Source::Paths(vec![root.to_path_buf()]),
        Some(recent),
        |e| events.push(e),
    );
    let mut posts: Loaded = Vec::new();
    for e in &events {
        match e {
            loader::LoadEvent::Batch { posts: batch, .. } => {
                for p in batch {
                    assert!(!posts.iter().any(|q| q.0 == p.id), "{} sent twice", p.id);
                    posts.push((p.id.clone(), p.path.clone(), p.categories.clone()));
                }
            }
            loader::LoadEvent::Retract(ids) => posts.retain(|p| !ids.contains(&p.0)),
            _ => {}
        }
    }
    posts.sort();
    (posts, events)
}

fn plain_load(root: &std::path::Path) -> Loaded {
    let mut posts: Vec<_> = loader::load(&Source::Paths(vec![root.to_path_buf()]))
        .posts
        .into_iter()
        .map(|p| (p.id, p.path, p.categories))
        .collect();
    posts.sort();
    posts
}

#[test]
fn remembered_newest_posts_come_first_and_never_outlive_their_files() {
    let dir = std::env::temp_dir().join(format!("kanbao-remember-{}", std::process::id()));
    let site = dir.join("site");
    let recent = dir.join("cache/recent.txt");
    let write = |rel: &str, title: &str| {
        let p = site.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(
            p,
            format!("---\ntitle: {title}\ncategories: x\n---\n正文\n"),
        )
        .unwrap();
    };
    for d in 1..=5 {
        write(&format!("_posts/2022-01-0{d}-p{d}.md"), &format!("t{d}"));
    }
    write("news/_posts/2022-01-06-n.md", "n");
    write("old_post/2022-01-08-o.md", "archived");

    // The first run has nothing remembered: the walk comes first.
    let (first, events) = run_remembering(&site, &recent);
    assert_eq!(first, plain_load(&site));
    assert!(
        matches!(events[0], loader::LoadEvent::Found(7)),
        "{events:?}"
    );

    // The next run sends the remembered posts before the walk, and not again after it.
    let (second, events) = run_remembering(&site, &recent);
    assert_eq!(second, plain_load(&site));
    let loader::LoadEvent::Batch { posts, .. } = &events[0] else {
        panic!("{events:?}");
    };
    assert_eq!(posts.len(), 7);
    let news = posts.iter().find(|p| p.id == "2022-01-06-n").unwrap();
    assert_eq!(news.categories, ["news", "x"]);

    // Remembered files deleted or moved are not sent; two now beaten by another copy
    // (in `_posts` over `old_post`, and in a `_posts` whose path sorts first) are taken
    // back. Either way the store ends as a plain load of the tree as it is.
    std::fs::remove_file(site.join("_posts/2022-01-05-p5.md")).unwrap();
    std::fs::create_dir_all(site.join("sports/_posts")).unwrap();
    std::fs::rename(
        site.join("news/_posts/2022-01-06-n.md"),
        site.join("sports/_posts/2022-01-06-n.md"),
    )
    .unwrap();
    write(
        "0archive/_posts/2022-01-04-p4.md",
        "a copy that sorts first",
    );
    write("_posts/2022-01-08-o.md", "current");
    write("_posts/2022-01-07-new.md", "new");
    let (third, events) = run_remembering(&site, &recent);
    assert_eq!(third, plain_load(&site));
    let retracted: Vec<&String> = events
        .iter()
        .filter_map(|e| match e {
            loader::LoadEvent::Retract(ids) => Some(ids),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(retracted.len(), 2, "{retracted:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A long walk says how far it has got and sends the newest posts it has found so far,
/// before it knows them all; one it then drops as a duplicate is taken back, and the
/// load ends as a plain one.
#[test]
fn a_long_walk_shows_the_newest_found_so_far() {
    let dir = std::env::temp_dir().join(format!("kanbao-glimpse-{}", std::process::id()));
    // The first root, walked first, is a site whose posts are all archive copies; the
    // second holds a `_posts` copy of its newest post, which beats the archive's.
    let (archive, current) = (dir.join("a"), dir.join("b"));
    std::fs::create_dir_all(archive.join("old_post")).unwrap();
    std::fs::create_dir_all(current.join("_posts")).unwrap();
    std::fs::write(archive.join("_config.yml"), "").unwrap();
    // Names in the order of their dates: 28 days a month, 12 months a year.
    let name = |i: usize| {
        format!(
            "{:04}-{:02}-{:02}-p{i}.md",
            1900 + i / 336,
            1 + i / 28 % 12,
            1 + i % 28
        )
    };
    let n = loader::LOOKING_EVERY;
    for i in 0..n {
        std::fs::write(
            archive.join("old_post").join(name(i)),
            "---\ntitle: t\n---\n",
        )
        .unwrap();
    }
    let newest = name(n - 1);
    std::fs::write(current.join("_posts").join(&newest), "---\ntitle: t\n---\n").unwrap();
    std::fs::write(current.join("_posts").join(name(n)), "---\ntitle: t\n---\n").unwrap();
    let roots = vec![archive.clone(), current.clone()];

    let mut events = Vec::new();
    loader::stream(&Source::Paths(roots.clone()), |e| events.push(e));
    let looking = events
        .iter()
        .position(|e| matches!(e, loader::LoadEvent::Looking(k) if *k == n))
        .expect("the walk told how far it had got");
    let found = events
        .iter()
        .position(|e| matches!(e, loader::LoadEvent::Found(k) if *k == n + 1))
        .expect("the walk found every file once");
    // Sent before the walk was over: the 256 newest of the first root's files.
    let early: Vec<String> = events[looking..found]
        .iter()
        .filter_map(|e| match e {
            loader::LoadEvent::Batch { posts, .. } => Some(posts),
            _ => None,
        })
        .flatten()
        .map(|p| format!("{}.md", p.id))
        .collect();
    let mut want: Vec<String> = (n - 256..n).map(name).collect();
    let mut got = early.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    // The archive copy of the newest is taken back before the `_posts` copy comes.
    let id = newest.trim_end_matches(".md").to_string();
    let retract = events
        .iter()
        .position(|e| matches!(e, loader::LoadEvent::Retract(ids) if *ids == [id.clone()]))
        .expect("the archive copy taken back");
    // Each post is sent once, but that one twice: its second copy after it was taken back.
    let mut sent: Vec<(usize, &kanbao::post::Post)> = events
        .iter()
        .enumerate()
        .filter_map(|(at, e)| match e {
            loader::LoadEvent::Batch { posts, .. } => Some(posts.iter().map(move |p| (at, p))),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(sent.len(), n + 2);
    sent.retain(|(_, p)| p.id == id);
    assert_eq!(sent.len(), 2);
    assert!(sent[0].0 < found && sent[0].1.path.starts_with(&archive));
    assert!(sent[1].0 > retract && sent[1].1.path.starts_with(&current));

    // The store of a whole load has each post once, the winning copy.
    let (store, _, summary) = Store::load(Source::Paths(roots));
    assert_eq!((store.len(), summary.duplicates), (n + 1, 1));
    assert!(post(&store, &id).path.starts_with(&current));
    std::fs::remove_dir_all(&dir).unwrap();
}
