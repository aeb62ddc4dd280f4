//! All posts in memory, newest first, with category and tag indexes. Knows nothing about
//! terminals.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::loader::{self, LoadEvent, Source, Summary, Warning};
use crate::post::Post;

/// Keys come from files, so the hash stays seeded per process (foldhash's RandomState),
/// but it is several times cheaper than std's SipHash on short IDs and category names.
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Index of a post in the store; stable for the store's lifetime.
pub type PostIx = u32;

/// Which index the left pane shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    Category,
    Tag,
}

/// One category or tag with its posts, newest first.
#[derive(Clone, Debug)]
pub struct Group {
    /// The slug as written in front matter.
    pub key: String,
    /// What a person reads: for a category, the tag all its posts share (the site's Chinese
    /// name for a pinyin slug), else the slug.
    pub name: String,
    pub posts: Vec<PostIx>,
    /// How many of `posts` are already in order (the rest were just added).
    sorted: usize,
    /// Tags all posts share (kept as posts are added; `None` until the first post or
    /// after a removal, when it is counted again).
    common: Option<Vec<String>>,
    dirty: bool,
}

/// Sorts `v` whose first `sorted` items are in order already: sorts the rest and merges,
/// so a batch of new posts costs O(batch log batch + n), not a full sort; when the batch
/// is older than everything before it (the loader goes newest first) there is no merge.
fn merge_tail(v: &mut Vec<PostIx>, sorted: usize, cmp: impl Fn(&PostIx, &PostIx) -> Ordering) {
    if sorted == 0 {
        v.sort_by(&cmp);
        return;
    }
    if sorted >= v.len() {
        return;
    }
    v[sorted..].sort_by(&cmp);
    if cmp(&v[sorted - 1], &v[sorted]) != Ordering::Greater {
        return;
    }
    // Only the end of the head that sorts after the tail's first element takes part:
    // batches arrive nearly in order, so that is a few posts, not the whole store (a
    // full merge per batch made loading a million posts quadratic).
    let from = v[..sorted].partition_point(|x| cmp(x, &v[sorted]) != Ordering::Greater);
    let tail = v.split_off(sorted);
    let head = v.split_off(from);
    v.reserve(head.len() + tail.len());
    let (mut i, mut j) = (0, 0);
    while i < head.len() && j < tail.len() {
        if cmp(&tail[j], &head[i]) == Ordering::Less {
            v.push(tail[j]);
            j += 1;
        } else {
            v.push(head[i]);
            i += 1;
        }
    }
    v.extend_from_slice(&head[i..]);
    v.extend_from_slice(&tail[j..]);
}

fn is_slug(key: &str) -> bool {
    key.chars().all(|c| c.is_ascii() || !c.is_alphabetic())
}

#[derive(Default)]
struct Groups {
    list: Vec<Group>,
    by_key: Map<String, usize>,
    /// Display order: most posts first, then by name.
    order: Vec<usize>,
}

impl Groups {
    fn add(&mut self, key: &str, ix: PostIx, tags: &[String]) {
        let gi = match self.by_key.get(key) {
            Some(&gi) => gi,
            None => {
                self.list.push(Group {
                    key: key.to_string(),
                    name: key.to_string(),
                    posts: Vec::new(),
                    sorted: 0,
                    common: None,
                    dirty: false,
                });
                self.by_key.insert(key.to_string(), self.list.len() - 1);
                self.list.len() - 1
            }
        };
        let g = &mut self.list[gi];
        if g.posts.is_empty() {
            g.common = Some(tags.to_vec());
        } else if let Some(common) = &mut g.common {
            common.retain(|t| tags.contains(t));
        }
        g.posts.push(ix);
        g.dirty = true;
    }

    fn remove(&mut self, key: &str, ix: PostIx) {
        if let Some(&gi) = self.by_key.get(key) {
            let g = &mut self.list[gi];
            g.posts.retain(|&p| p != ix);
            g.sorted = 0;
            g.common = None;
            g.dirty = true;
        }
    }

    /// Sorts the groups that changed, names them (`tag_count` gives a tag's number of
    /// posts, for categories; `None` keeps the key as the name), and orders the list.
    fn finish(&mut self, posts: &[Post], tag_count: Option<&dyn Fn(&str) -> usize>) {
        for g in self.list.iter_mut().filter(|g| g.dirty) {
            merge_tail(&mut g.posts, g.sorted, |&a, &b| {
                posts[a as usize]
                    .sort_key()
                    .cmp(&posts[b as usize].sort_key())
            });
            g.sorted = g.posts.len();
            g.dirty = false;
            if g.common.is_none()
                && let Some((first, rest)) = g.posts.split_first()
            {
                let mut common = posts[*first as usize].tags.clone();
                for &p in rest {
                    common.retain(|t| posts[p as usize].tags.contains(t));
                }
                g.common = Some(common);
            }
            // Of the tags all its posts share, the one used least elsewhere names the
            // category best: a post in `[news, gonggao]` tagged `[新闻, 公告]` names
            // `gonggao` 公告, not 新闻.
            let shared = tag_count
                .and_then(|count| g.common.as_ref()?.iter().min_by_key(|t| count(t.as_str())));
            g.name = match shared {
                // Only a machine-made slug (Latin letters, digits, punctuation such as `·`)
                // is replaced; a category already named in a script like Chinese keeps it.
                Some(tag) if is_slug(&g.key) => tag.clone(),
                _ => g.key.clone(),
            };
        }
        let list = &self.list;
        // Groups emptied by live reload are not shown.
        self.order = (0..list.len())
            .filter(|&i| !list[i].posts.is_empty())
            .collect();
        self.order.sort_by(|&a, &b| {
            list[b]
                .posts
                .len()
                .cmp(&list[a].posts.len())
                .then_with(|| list[a].name.cmp(&list[b].name))
        });
    }
}

#[derive(Default)]
pub struct Store {
    posts: Vec<Post>,
    all: Vec<PostIx>,
    /// How many of `all` are in order already.
    all_sorted: usize,
    by_id: Map<String, PostIx>,
    categories: Groups,
    tags: Groups,
}

impl Store {
    pub fn new(posts: Vec<Post>) -> Self {
        let mut s = Store::default();
        s.insert(posts);
        s
    }

    /// Makes room for `additional` more posts at once. A store grown batch by batch
    /// copies its posts and rehashes its IDs each time it doubles: past half a million
    /// posts that held up the batch (and the keys) for up to 0.46 s.
    pub fn reserve(&mut self, additional: usize) {
        self.posts.reserve(additional);
        self.all.reserve(additional);
        self.by_id.reserve(additional);
    }

    /// Everything from `source`, for the command-line tools: each batch is indexed here
    /// while the loader's threads parse the next one.
    pub fn load(source: Source) -> (Store, Vec<Warning>, Summary) {
        let mut store = Store::default();
        let (mut warnings, mut summary) = (Vec::new(), Summary::default());
        for event in loader::spawn(source, None) {
            match event {
                LoadEvent::Batch { posts, warnings: w } => {
                    store.insert(posts);
                    warnings.extend(w);
                }
                // Posts sent while the walk went on that it then dropped as duplicates.
                LoadEvent::Retract(ids) => {
                    for id in &ids {
                        if let Some(ix) = store.find_id(id) {
                            store.remove(ix);
                        }
                    }
                    store.reindex();
                }
                LoadEvent::Found(files) => store.reserve(files.saturating_sub(store.len())),
                LoadEvent::Looking(_) => {}
                LoadEvent::Done(s) => summary = s,
            }
        }
        (store, warnings, summary)
    }

    /// Adds a batch of posts (a later post with a known ID is ignored: the loader
    /// already resolved duplicates, preferring the first). Returns the new posts' indexes.
    pub fn insert(&mut self, batch: Vec<Post>) -> std::ops::Range<PostIx> {
        let first = self.posts.len() as PostIx;
        for post in batch {
            if self.by_id.contains_key(&post.id) {
                continue;
            }
            let ix = self.posts.len() as PostIx;
            self.index(ix, &post);
            self.by_id.insert(post.id.clone(), ix);
            self.all.push(ix);
            self.posts.push(post);
        }
        self.reindex();
        first..self.posts.len() as PostIx
    }

    fn index(&mut self, ix: PostIx, post: &Post) {
        for c in &post.categories {
            self.categories.add(c, ix, &post.tags);
        }
        for t in &post.tags {
            self.tags.add(t, ix, &[]);
        }
    }

    fn unindex(&mut self, ix: PostIx) {
        let post = &self.posts[ix as usize];
        for c in &post.categories {
            self.categories.remove(c, ix);
        }
        for t in &post.tags {
            self.tags.remove(t, ix);
        }
    }

    /// Replaces a post whose file changed (same ID); call `reindex` after a batch.
    pub fn replace(&mut self, ix: PostIx, post: Post) {
        self.unindex(ix);
        self.index(ix, &post);
        self.posts[ix as usize] = post;
        // Its date may have changed.
        self.all_sorted = 0;
    }

    /// Drops a post whose file is gone; its index is not reused. Call `reindex` after.
    pub fn remove(&mut self, ix: PostIx) {
        self.unindex(ix);
        self.all.retain(|&p| p != ix);
        let post = &mut self.posts[ix as usize];
        self.by_id.remove(&post.id);
        post.body = Default::default();
        // `retain` kept the order.
        self.all_sorted = self.all_sorted.min(self.all.len());
    }

    /// Restores the order and the indexes after `replace` or `remove`.
    pub fn reindex(&mut self) {
        let posts = &self.posts;
        merge_tail(&mut self.all, self.all_sorted, |&a, &b| {
            posts[a as usize]
                .sort_key()
                .cmp(&posts[b as usize].sort_key())
        });
        self.all_sorted = self.all.len();
        self.tags.finish(posts, None);
        let tags = &self.tags;
        let tag_count = |t: &str| tags.by_key.get(t).map_or(0, |&i| tags.list[i].posts.len());
        self.categories.finish(posts, Some(&tag_count));
    }

    /// Posts whose title or body contains `query`, newest first. Latin letters match
    /// either case; everything else (Chinese included) matches exactly.
    pub fn search(&self, query: &str) -> Vec<PostIx> {
        use rayon::prelude::*;
        if query.is_empty() {
            return Vec::new();
        }
        let found: Box<dyn Fn(&str) -> bool + Sync> =
            if query.bytes().any(|b| b.is_ascii_alphabetic()) {
                let Ok(ac) = aho_corasick::AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build([query])
                else {
                    return Vec::new();
                };
                Box::new(move |text| ac.is_match(text))
            } else {
                // No letters to fold: an exact search. memmem's prefilter copes with
                // Chinese, whose lead bytes are everywhere (Aho-Corasick was 5x slower).
                let finder = memchr::memmem::Finder::new(query.as_bytes()).into_owned();
                Box::new(move |text| finder.find(text.as_bytes()).is_some())
            };
        self.all
            .par_iter()
            .copied()
            .filter(|&ix| {
                let p = &self.posts[ix as usize];
                found(&p.title) || found(&p.body)
            })
            .collect()
    }

    /// Posts in the store (removed ones not counted).
    pub fn len(&self) -> usize {
        self.all.len()
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    /// One past the highest post index ever given out.
    pub fn capacity(&self) -> usize {
        self.posts.len()
    }

    pub fn post(&self, ix: PostIx) -> &Post {
        &self.posts[ix as usize]
    }

    /// Every post, newest first.
    pub fn all(&self) -> &[PostIx] {
        &self.all
    }

    pub fn find_id(&self, id: &str) -> Option<PostIx> {
        self.by_id.get(id).copied()
    }

    fn groups_of(&self, grouping: Grouping) -> &Groups {
        match grouping {
            Grouping::Category => &self.categories,
            Grouping::Tag => &self.tags,
        }
    }

    /// Groups in display order (most posts first).
    pub fn groups(&self, grouping: Grouping) -> impl ExactSizeIterator<Item = &Group> {
        let g = self.groups_of(grouping);
        g.order.iter().map(|&i| &g.list[i])
    }

    /// The n-th group in display order.
    pub fn group(&self, grouping: Grouping, n: usize) -> Option<&Group> {
        let g = self.groups_of(grouping);
        g.order.get(n).map(|&i| &g.list[i])
    }

    pub fn group_count(&self, grouping: Grouping) -> usize {
        self.groups_of(grouping).order.len()
    }

    /// Position in display order of the group with this key.
    pub fn group_position(&self, grouping: Grouping, key: &str) -> Option<usize> {
        let g = self.groups_of(grouping);
        let i = *g.by_key.get(key)?;
        g.order.iter().position(|&o| o == i)
    }

    pub fn group_by_key(&self, grouping: Grouping, key: &str) -> Option<&Group> {
        let g = self.groups_of(grouping);
        g.by_key.get(key).map(|&i| &g.list[i])
    }

    /// A category's human name (the slug if it has none).
    pub fn category_name<'a>(&'a self, key: &'a str) -> &'a str {
        self.group_by_key(Grouping::Category, key)
            .map_or(key, |g| g.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::post::Date;

    fn post(id: &str, date: Option<&str>, cats: &[&str], tags: &[&str]) -> Post {
        Post {
            id: id.into(),
            path: id.into(),
            title: id.into(),
            date: date.and_then(Date::parse),
            categories: cats.iter().map(|s| s.to_string()).collect(),
            tags: tags.iter().map(|s| s.to_string()).collect(),
            body: Default::default(),
        }
    }

    fn titles(s: &Store, ixs: &[PostIx]) -> Vec<String> {
        ixs.iter().map(|&i| s.post(i).id.clone()).collect()
    }

    #[test]
    fn newest_first_undated_last_across_batches() {
        let mut s = Store::new(vec![
            post("old", Some("2021-12-08 10:00:00"), &["a"], &[]),
            post("undated", None, &["a"], &[]),
        ]);
        s.insert(vec![
            post("new", Some("2022-01-05 20:54:40 +0800"), &["a"], &[]),
            post("mid", Some("2021-12-08"), &["b"], &[]),
        ]);
        assert_eq!(titles(&s, s.all()), ["new", "old", "mid", "undated"]);
        let a = s.group_by_key(Grouping::Category, "a").unwrap();
        assert_eq!(titles(&s, &a.posts), ["new", "old", "undated"]);
    }

    #[test]
    fn counts_order_and_names() {
        let s = Store::new(vec![
            post("1", Some("2022-01-01"), &["emnews"], &["东财滚动新闻", "x"]),
            post("2", Some("2022-01-02"), &["emnews"], &["东财滚动新闻"]),
            post(
                "3",
                Some("2022-01-03"),
                &["zhongguozhengquanbao·zhongzhengwang"],
                &["中国证券报·中证网新闻"],
            ),
            post("4", Some("2022-01-04"), &["mixed"], &["甲"]),
            post("5", Some("2022-01-05"), &["mixed"], &["乙"]),
            post("6", Some("2022-01-06"), &["中文分类"], &["丙"]),
        ]);
        let cats: Vec<(String, usize)> = s
            .groups(Grouping::Category)
            .map(|g| (g.name.clone(), g.posts.len()))
            .collect();
        // Two posts each: ordered by count, then by name.
        assert_eq!(cats[0], ("mixed".to_string(), 2), "no shared tag: slug");
        assert_eq!(cats[1], ("东财滚动新闻".to_string(), 2));
        assert!(
            cats.contains(&("中文分类".to_string(), 1)),
            "non-ASCII slug kept"
        );
        assert_eq!(
            s.category_name("zhongguozhengquanbao·zhongzhengwang"),
            "中国证券报·中证网新闻",
            "a middle dot is not ASCII, so the rule must look at letters, not bytes"
        );
        assert_eq!(s.group_count(Grouping::Tag), 6);
        assert_eq!(s.group_position(Grouping::Category, "emnews"), Some(1));
    }

    #[test]
    fn the_most_specific_shared_tag_names_a_category() {
        let s = Store::new(vec![
            post("1", None, &["news"], &["新闻"]),
            post("2", None, &["news", "gonggao"], &["新闻", "公告"]),
        ]);
        assert_eq!(s.category_name("gonggao"), "公告");
        assert_eq!(s.category_name("news"), "新闻");
    }

    #[test]
    fn search_is_case_insensitive_for_latin_and_exact_for_chinese() {
        let mut a = post("a", Some("2022-01-02"), &[], &[]);
        a.body = String::from("Faraday Future 发布新车").into();
        let mut b = post("b", Some("2022-01-01"), &[], &[]);
        b.title = "faraday 的对手".into();
        let c = post("c", Some("2022-01-03"), &[], &[]);
        let s = Store::new(vec![a, b, c]);
        let ids = |q: &str| titles(&s, &s.search(q));
        assert_eq!(ids("FARADAY"), ["a", "b"]);
        assert_eq!(ids("发布新车"), ["a"]);
        assert_eq!(ids("的对手"), ["b"]);
        assert!(ids("不存在").is_empty());
        assert!(ids("").is_empty());
    }

    #[test]
    fn replaced_and_removed_posts_leave_the_indexes() {
        let mut s = Store::new(vec![
            post("a", Some("2022-01-01"), &["x"], &["甲"]),
            post("b", Some("2022-01-02"), &["x"], &["甲"]),
        ]);
        let a = s.find_id("a").unwrap();
        s.replace(a, post("a", Some("2022-01-03"), &["y"], &["乙"]));
        s.reindex();
        assert_eq!(titles(&s, s.all()), ["a", "b"]);
        assert_eq!(
            s.group_by_key(Grouping::Category, "x").unwrap().posts.len(),
            1
        );
        assert_eq!(s.category_name("y"), "乙");
        let b = s.find_id("b").unwrap();
        s.remove(b);
        s.reindex();
        assert_eq!(s.len(), 1);
        assert_eq!(s.find_id("b"), None);
        assert_eq!(
            s.group_count(Grouping::Category),
            1,
            "x is empty and hidden"
        );
        assert!(s.search("b").is_empty());
    }

    #[test]
    fn merge_tail_matches_a_full_sort() {
        use proptest::prelude::*;
        proptest!(|(mut v in proptest::collection::vec(0u32..50, 0..60), cut in 0usize..60)| {
            let cut = cut.min(v.len());
            v[..cut].sort();
            let mut want = v.clone();
            want.sort();
            merge_tail(&mut v, cut, |a, b| a.cmp(b));
            prop_assert_eq!(v, want);
        });
    }

    /// Room made when the loader says how many posts are coming: the batches then go
    /// in without moving the posts or rehashing the IDs.
    #[test]
    fn room_made_ahead_is_filled_in_place() {
        let mut s = Store::default();
        s.reserve(3000);
        let (at, ids) = (s.posts.as_ptr(), s.by_id.capacity());
        assert!(s.all.capacity() >= 3000 && ids >= 3000);
        for b in 0..30 {
            s.insert(
                (0..100)
                    .map(|i| post(&format!("p{b}-{i}"), None, &["x"], &[]))
                    .collect(),
            );
        }
        assert_eq!(s.len(), 3000);
        assert_eq!((s.posts.as_ptr(), s.by_id.capacity()), (at, ids));
    }

    #[test]
    fn a_known_id_is_not_added_twice() {
        let mut s = Store::new(vec![post("a", None, &["x"], &[])]);
        s.insert(vec![post("a", None, &["y"], &[])]);
        assert_eq!(s.len(), 1);
        assert!(s.group_by_key(Grouping::Category, "y").is_none());
    }
}
