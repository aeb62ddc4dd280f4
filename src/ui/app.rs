//! The Elm-style core: `Model`, `Msg`, and `update`, which changes the model and returns
//! effects for the loop to carry out (saving state, opening a link, writing the
//! clipboard). Rendering articles happens here (through the cache), never in the view.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use ratatui::layout::Rect;

use super::layout::{Areas, Mode};
use crate::keymap::Action;
use crate::loader::{LoadEvent, Summary, Warning};
use crate::post::Post;
use crate::render::html::Document;
use crate::render::width::AmbiguousWidth;
use crate::render::{self, Article, Cache, CacheKey, theme::Theme};
use crate::state::State;
use crate::store::{Grouping, PostIx, Store};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Groups,
    Posts,
    Article,
}

impl Pane {
    fn left(self) -> Pane {
        match self {
            Pane::Groups | Pane::Posts => Pane::Groups,
            Pane::Article => Pane::Posts,
        }
    }
    fn right(self) -> Pane {
        match self {
            Pane::Groups => Pane::Posts,
            Pane::Posts | Pane::Article => Pane::Article,
        }
    }
}

/// A key typed into an open prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    Char(char),
    Backspace,
    Enter,
    Cancel,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MouseKind {
    ScrollUp,
    ScrollDown,
    Click,
}

#[derive(Debug)]
pub enum Msg {
    Action(Action),
    /// A key while a prompt is open, or an unbound character (starts the filter).
    Input(Input),
    Mouse(MouseKind, u16, u16),
    Resize(u16, u16),
    Loaded(LoadEvent),
    /// Posts added or changed on disk while reading (live reload).
    Changed(crate::watch::Change),
    /// An article rendered off the UI thread, with the request's number (see
    /// `Effect::Render`).
    Rendered(CacheKey, u64, Article, Arc<Document>),
}

#[derive(Debug, PartialEq, Eq)]
pub enum Effect {
    Quit,
    /// The read/starred state changed; the loop saves it (debounced).
    StateChanged,
    /// Open an http(s) or mailto address with the user's browser.
    OpenUrl(String),
    /// Put text on the clipboard with OSC 52.
    Copy(String),
    /// Render this post at this width off the UI thread, then send `Msg::Rendered` with
    /// the same request number.
    Render(CacheKey, u64),
    /// Give the terminal back to the shell and stop (Ctrl-Z); carried on by `fg`.
    Suspend,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlay {
    Help,
    Warnings,
}

/// What the open prompt is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptKind {
    Search,
    Filter,
    OpenLink,
    CopyLink,
    ConfirmMarkAll,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: String,
}

/// A row of the left pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    All,
    Starred,
    Search,
    Group(String),
}

#[derive(Clone, Debug)]
pub struct Row {
    pub entry: Entry,
    pub name: String,
    pub total: usize,
    pub unread: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    Newest,
    Oldest,
    Title,
}

impl Sort {
    pub fn label(self) -> &'static str {
        match self {
            Sort::Newest => "newest first",
            Sort::Oldest => "oldest first",
            Sort::Title => "by title",
        }
    }
}

/// A scrolled list: the selected row and the first row on screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListPos {
    pub selected: usize,
    pub offset: usize,
}

impl ListPos {
    fn step(&mut self, delta: isize, len: usize, height: usize) {
        self.set(self.selected.saturating_add_signed(delta), len, height);
    }

    fn set(&mut self, selected: usize, len: usize, height: usize) {
        self.selected = selected.min(len.saturating_sub(1));
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(len.saturating_sub(height));
    }
}

/// Counts by category or tag: foldhash rather than SipHash, as each post loaded bumps
/// every one of its categories and tags.
type Counts = HashMap<String, usize, foldhash::fast::RandomState>;

/// Unread counts kept up to date as posts are read, so drawing never counts.
#[derive(Default)]
struct Unread {
    total: usize,
    by_category: Counts,
    by_tag: Counts,
}

impl Unread {
    fn add(&mut self, post: &Post, delta: isize) {
        fn bump(map: &mut Counts, key: &str, delta: isize) {
            match map.get_mut(key) {
                Some(n) => *n = n.saturating_add_signed(delta),
                None => {
                    map.insert(key.to_string(), 0usize.saturating_add_signed(delta));
                }
            }
        }
        self.total = self.total.saturating_add_signed(delta);
        for c in &post.categories {
            bump(&mut self.by_category, c, delta);
        }
        for t in &post.tags {
            bump(&mut self.by_tag, t, delta);
        }
    }
}

pub struct Model {
    pub store: Store,
    pub theme: Theme,
    /// How the terminal draws ambiguous-width characters; articles are laid out and
    /// every row measured and drawn with it.
    pub ambiguous_width: AmbiguousWidth,
    pub grouping: Grouping,
    pub sort: Sort,
    pub focus: Pane,
    /// Left pane rows: All, Starred, the search (if any), then the (filtered) groups.
    pub rows: Vec<Row>,
    pub groups: ListPos,
    /// The posts of the selected row, in the chosen order.
    pub listing: Vec<PostIx>,
    pub posts: ListPos,
    /// The open post and the first article row on screen.
    pub open: Option<PostIx>,
    pub scroll: usize,
    /// The open post laid out at the article pane's width, search matches marked.
    pub article: Option<Rc<Article>>,
    /// Article rows holding a search match, and the one `n`/`N` last went to.
    pub matches: Vec<usize>,
    pub match_at: usize,
    pub cache: Cache,
    /// Articles being rendered off the UI thread, by the number of the latest request; a
    /// result for an older request (its post changed meanwhile) is thrown away.
    pub rendering: HashMap<CacheKey, u64>,
    /// Requests so far, and the one `update` is to hand to the loop.
    render_requests: u64,
    render_wanted: Option<(CacheKey, u64)>,
    /// The help or warnings box over the panes, and how far it is scrolled.
    pub overlay: Option<Overlay>,
    pub overlay_scroll: usize,
    pub prompt: Option<Prompt>,
    /// The category filter (`f`), applied to the left pane.
    pub filter: String,
    /// The last search and its results, newest first.
    pub search: Option<(String, Vec<PostIx>)>,
    pub size: (u16, u16),
    pub loading: bool,
    /// While loading: post files the walk found (once it is over), for the progress figure.
    pub files_found: Option<usize>,
    /// While the walk goes on: how many post files it has found so far.
    pub found_so_far: usize,
    pub summary: Summary,
    pub warnings: Vec<Warning>,
    /// A one-line message for the status bar (cleared by the next key).
    pub message: Option<String>,
    pub state: State,
    read: Vec<bool>,
    starred: Vec<bool>,
    unread: Unread,
}

impl Model {
    pub fn new(theme: Theme, size: (u16, u16)) -> Self {
        let mut m = Model {
            store: Store::default(),
            theme,
            ambiguous_width: AmbiguousWidth::default(),
            grouping: Grouping::Category,
            sort: Sort::Newest,
            focus: Pane::Groups,
            rows: Vec::new(),
            groups: ListPos::default(),
            listing: Vec::new(),
            posts: ListPos::default(),
            open: None,
            scroll: 0,
            article: None,
            matches: Vec::new(),
            match_at: 0,
            cache: Cache::new(64),
            rendering: HashMap::new(),
            render_requests: 0,
            render_wanted: None,
            overlay: None,
            overlay_scroll: 0,
            prompt: None,
            filter: String::new(),
            search: None,
            size,
            loading: true,
            files_found: None,
            found_so_far: 0,
            summary: Summary::default(),
            warnings: Vec::new(),
            message: None,
            state: State::default(),
            read: Vec::new(),
            starred: Vec::new(),
            unread: Unread::default(),
        };
        m.rebuild_rows();
        m
    }

    /// Starts from a saved reading state.
    pub fn with_state(mut self, state: State) -> Self {
        self.state = state;
        self
    }

    pub fn with_ambiguous_width(mut self, amb: AmbiguousWidth) -> Self {
        self.ambiguous_width = amb;
        self.refresh_article();
        self
    }

    pub fn areas(&self) -> Areas {
        Areas::new(Rect::new(0, 0, self.size.0, self.size.1))
    }

    pub fn is_read(&self, ix: PostIx) -> bool {
        self.read.get(ix as usize).copied().unwrap_or(false)
    }

    pub fn is_starred(&self, ix: PostIx) -> bool {
        self.starred.get(ix as usize).copied().unwrap_or(false)
    }

    pub fn unread_total(&self) -> usize {
        self.unread.total
    }

    /// The posts listed for the selected row.
    pub fn current_posts(&self) -> &[PostIx] {
        &self.listing
    }

    pub fn selected_post(&self) -> Option<PostIx> {
        self.listing.get(self.posts.selected).copied()
    }

    pub fn selected_row(&self) -> Option<&Row> {
        self.rows.get(self.groups.selected)
    }

    fn starred_posts(&self) -> Vec<PostIx> {
        self.store
            .all()
            .iter()
            .copied()
            .filter(|&ix| self.is_starred(ix))
            .collect()
    }

    /// Rebuilds the left pane's rows (after loading, filtering, searching, toggling the
    /// grouping or changing read state), keeping the selected row by identity.
    fn rebuild_rows(&mut self) {
        let keep = self.selected_row().map(|r| r.entry.clone());
        let mut rows = vec![Row {
            entry: Entry::All,
            name: "All".into(),
            total: self.store.len(),
            unread: self.unread.total,
        }];
        let starred = self.starred.iter().filter(|&&s| s).count();
        if starred > 0 {
            let unread = self
                .starred_posts()
                .iter()
                .filter(|&&ix| !self.is_read(ix))
                .count();
            rows.push(Row {
                entry: Entry::Starred,
                name: "★ Starred".into(),
                total: starred,
                unread,
            });
        }
        if let Some((query, results)) = &self.search {
            rows.push(Row {
                entry: Entry::Search,
                name: format!("Search: {query}"),
                total: results.len(),
                unread: results.iter().filter(|&&ix| !self.is_read(ix)).count(),
            });
        }
        let filter = self.filter.to_lowercase();
        let counts = match self.grouping {
            Grouping::Category => &self.unread.by_category,
            Grouping::Tag => &self.unread.by_tag,
        };
        rows.extend(
            self.store
                .groups(self.grouping)
                .filter(|g| {
                    filter.is_empty()
                        || g.name.to_lowercase().contains(&filter)
                        || g.key.to_lowercase().contains(&filter)
                })
                .map(|g| Row {
                    entry: Entry::Group(g.key.clone()),
                    name: g.name.clone(),
                    total: g.posts.len(),
                    unread: counts.get(&g.key).copied().unwrap_or(0),
                }),
        );
        self.rows = rows;
        let selected = keep
            .and_then(|e| self.rows.iter().position(|r| r.entry == e))
            .unwrap_or(0);
        let a = self.areas();
        let len = self.rows.len();
        self.groups.set(selected, len, a.list_height(a.groups));
    }

    /// Rebuilds the post list for the selected row, keeping the selected post.
    fn rebuild_listing(&mut self) {
        let keep = self.selected_post();
        let mut listing = match self.selected_row().map(|r| &r.entry) {
            None | Some(Entry::All) => self.store.all().to_vec(),
            Some(Entry::Starred) => self.starred_posts(),
            Some(Entry::Search) => self
                .search
                .as_ref()
                .map(|s| s.1.clone())
                .unwrap_or_default(),
            Some(Entry::Group(key)) => self
                .store
                .group_by_key(self.grouping, key)
                .map(|g| g.posts.clone())
                .unwrap_or_default(),
        };
        match self.sort {
            Sort::Newest => {}
            Sort::Oldest => {
                // Oldest dated post first; undated posts stay at the end.
                let store = &self.store;
                let dated = listing.partition_point(|&ix| store.post(ix).date.is_some());
                listing[..dated].reverse();
            }
            Sort::Title => {
                let store = &self.store;
                listing.sort_by(|&a, &b| store.post(a).title.cmp(&store.post(b).title));
            }
        }
        self.listing = listing;
        // Usually the post is still where it was (posts load oldest last): look there first.
        let at = self.posts.selected;
        // While posts load, a cursor left on the first row stays there as newer posts come
        // in above (until a post is opened): the list's top is what it is showing.
        let top = self.loading && at == 0 && self.open.is_none();
        let selected = keep
            .filter(|_| !top)
            .and_then(|ix| {
                (self.listing.get(at) == Some(&ix))
                    .then_some(at)
                    .or_else(|| self.listing.iter().position(|&x| x == ix))
            })
            .unwrap_or(0);
        let a = self.areas();
        let len = self.listing.len();
        self.posts.set(selected, len, a.list_height(a.posts));
    }

    /// Lays out the open post at the current article width (cached), marks search matches
    /// and keeps the scroll position in range.
    fn refresh_article(&mut self) {
        let Some(ix) = self.open else {
            self.article = None;
            self.matches.clear();
            return;
        };
        let width = self.areas().article_text_width();
        let store = &self.store;
        let theme = &self.theme;
        let amb = self.ambiguous_width;
        let key = (ix, width, amb);
        let post = store.post(ix);
        let category = post.categories.first().map(|c| store.category_name(c));
        let article = match self.cache.get(key) {
            None if post.body.len() > render::BACKGROUND_BYTES => {
                // One at a time: a burst of resizes must not start a render per width;
                // when the one under way comes back, this is asked again.
                if self.rendering.is_empty() {
                    self.render_requests += 1;
                    self.rendering.insert(key, self.render_requests);
                    self.render_wanted = Some((key, self.render_requests));
                }
                Rc::new(render::preview(post, category, width as usize, theme, amb))
            }
            _ => self.cache.get_or_render(key, || {
                render::render(post, category, width as usize, theme, amb)
            }),
        };
        self.matches.clear();
        self.article = Some(match &self.search {
            Some((query, _)) => {
                let (rows, hits) = render::highlight(&article.rows, query, self.theme.selected);
                self.matches = hits;
                Rc::new(Article {
                    rows,
                    links: article.links.clone(),
                })
            }
            None => article,
        });
        // While the whole article is laid out off the UI thread, its preview stands in,
        // and the reader's place in the whole one (a file rewritten while it is read, a
        // resize) is kept for when it arrives.
        if !self.open_pending() {
            self.scroll = self.scroll.min(self.max_scroll());
        }
    }

    /// Whether the open post's whole article is still being laid out off the UI thread.
    fn open_pending(&self) -> bool {
        self.open
            .is_some_and(|ix| self.rendering.keys().any(|k| k.0 == ix))
    }

    /// The first article row shown: the reader's place, within the article shown.
    pub fn article_scroll(&self) -> usize {
        self.scroll.min(self.max_scroll())
    }

    fn article_height(&self) -> usize {
        let a = self.areas();
        a.list_height(a.article)
    }

    fn max_scroll(&self) -> usize {
        let len = self.article.as_ref().map_or(0, |a| a.rows.len());
        len.saturating_sub(self.article_height())
    }

    fn set_read(&mut self, ix: PostIx, read: bool) -> bool {
        let i = ix as usize;
        if self.read.get(i).copied() == Some(read) {
            return false;
        }
        self.read[i] = read;
        let post = self.store.post(ix);
        if read {
            self.state.read.insert(post.id.clone());
        } else {
            self.state.read.remove(&post.id);
        }
        self.unread.add(post, if read { -1 } else { 1 });
        true
    }

    fn open_selected(&mut self) -> Vec<Effect> {
        let Some(ix) = self.selected_post() else {
            return Vec::new();
        };
        if self.open != Some(ix) {
            self.scroll = 0;
        }
        self.open = Some(ix);
        self.refresh_article();
        if let Some(&first) = self.matches.first() {
            self.match_at = 0;
            self.scroll = first.min(self.max_scroll());
        }
        self.focus = Pane::Article;
        if self.set_read(ix, true) {
            self.rebuild_rows();
            return vec![Effect::StateChanged];
        }
        Vec::new()
    }

    /// The post an action like `r` or `s` applies to: the open one in the article pane,
    /// else the selected one.
    fn target_post(&self) -> Option<PostIx> {
        match self.focus {
            Pane::Article => self.open,
            _ => self.selected_post(),
        }
    }

    fn add_posts(&mut self, posts: Vec<Post>) {
        let added = self.store.insert(posts);
        self.read.resize(self.store.capacity(), false);
        self.starred.resize(self.store.capacity(), false);
        for ix in added {
            let post = self.store.post(ix);
            let read = self.state.read.contains(&post.id);
            self.read[ix as usize] = read;
            self.starred[ix as usize] = self.state.starred.contains(&post.id);
            if !read {
                self.unread.add(post, 1);
            }
        }
    }

    fn replace_posts(&mut self, posts: Vec<Post>, removed: &[String]) {
        for id in removed {
            if let Some(ix) = self.store.find_id(id) {
                if !self.is_read(ix) {
                    self.unread.add(self.store.post(ix), -1);
                }
                self.store.remove(ix);
                self.cache.invalidate(ix);
                self.rendering.retain(|k, _| k.0 != ix);
                if self.open == Some(ix) {
                    self.open = None;
                    self.message = Some("The post you were reading was deleted".into());
                }
            }
        }
        let mut fresh = Vec::new();
        for post in posts {
            match self.store.find_id(&post.id) {
                Some(ix) => {
                    let read = self.is_read(ix);
                    if !read {
                        self.unread.add(self.store.post(ix), -1);
                        self.unread.add(&post, 1);
                    }
                    self.store.replace(ix, post);
                    self.cache.invalidate(ix);
                    self.rendering.retain(|k, _| k.0 != ix);
                }
                None => fresh.push(post),
            }
        }
        self.add_posts(fresh);
        self.store.reindex();
    }

    /// Moves the focused list or scrolls the article.
    fn motion(&mut self, action: Action) {
        let a = self.areas();
        let (len, height) = match self.focus {
            Pane::Groups => (self.rows.len(), a.list_height(a.groups)),
            Pane::Posts => (self.listing.len(), a.list_height(a.posts)),
            Pane::Article => (self.max_scroll() + 1, a.list_height(a.article)),
        };
        let page = height.max(1) as isize;
        let delta = match action {
            Action::Down => 1,
            Action::Up => -1,
            Action::PageDown => page,
            Action::PageUp => -page,
            Action::HalfPageDown => (page / 2).max(1),
            Action::HalfPageUp => -(page / 2).max(1),
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            _ => return,
        };
        match self.focus {
            Pane::Groups => {
                let before = self.groups.selected;
                self.groups.step(delta, len, height);
                if self.groups.selected != before {
                    self.posts = ListPos::default();
                    self.rebuild_listing();
                }
            }
            Pane::Posts => self.posts.step(delta, len, height),
            Pane::Article => {
                self.scroll = if action == Action::Bottom && self.open_pending() {
                    // The end of the whole article, which is still being laid out.
                    usize::MAX
                } else {
                    // From the row shown (a preview may stand in for the whole article).
                    self.article_scroll()
                        .saturating_add_signed(delta)
                        .min(len - 1)
                };
            }
        }
    }

    fn ask(&mut self, kind: PromptKind) {
        self.prompt = Some(Prompt {
            kind,
            input: String::new(),
        });
    }

    /// `o`/`y`: one link acts at once; several ask for the number.
    fn link_action(&mut self, kind: PromptKind) -> Vec<Effect> {
        let n = self.article.as_ref().map_or(0, |a| a.links.len());
        match n {
            0 => {
                self.message = Some("This article has no links".into());
                Vec::new()
            }
            1 => self.use_link(kind, 1),
            _ => {
                self.ask(kind);
                Vec::new()
            }
        }
    }

    fn use_link(&mut self, kind: PromptKind, n: usize) -> Vec<Effect> {
        let Some(url) = self
            .article
            .as_ref()
            .and_then(|a| a.links.get(n.wrapping_sub(1)))
            .cloned()
        else {
            self.message = Some(format!("No link [{n}]"));
            return Vec::new();
        };
        match kind {
            PromptKind::CopyLink => {
                self.message = Some(format!("Copied [{n}] {url}"));
                vec![Effect::Copy(url)]
            }
            _ => match browsable(&url) {
                Some(u) => {
                    self.message = Some(format!("Opening [{n}] {u}"));
                    vec![Effect::OpenUrl(u)]
                }
                None => {
                    self.message = Some(format!("Not opened (only http, https and mailto): {url}"));
                    Vec::new()
                }
            },
        }
    }

    fn run_search(&mut self, query: String) {
        if query.is_empty() {
            self.search = None;
        } else {
            let results = self.store.search(&query);
            self.message = Some(match results.len() {
                1 => format!("1 post matches “{query}”"),
                n => format!("{n} posts match “{query}”"),
            });
            self.search = Some((query, results));
        }
        self.rebuild_rows();
        if let Some(i) = self.rows.iter().position(|r| r.entry == Entry::Search) {
            let a = self.areas();
            let len = self.rows.len();
            self.groups.set(i, len, a.list_height(a.groups));
            self.posts = ListPos::default();
            self.focus = Pane::Posts;
        }
        self.rebuild_listing();
        self.refresh_article();
    }

    fn prompt_input(&mut self, input: Input) -> Vec<Effect> {
        let Some(prompt) = self.prompt.as_mut() else {
            return Vec::new();
        };
        let kind = prompt.kind;
        match input {
            Input::Char(c) => {
                if kind == PromptKind::ConfirmMarkAll {
                    self.prompt = None;
                    return if matches!(c, 'y' | 'Y') {
                        self.mark_all_read()
                    } else {
                        Vec::new()
                    };
                }
                if !c.is_control() {
                    prompt.input.push(c);
                }
            }
            Input::Backspace => {
                prompt.input.pop();
            }
            Input::Cancel => {
                self.prompt = None;
                if kind == PromptKind::Filter {
                    self.filter.clear();
                    self.rebuild_rows();
                    self.rebuild_listing();
                }
                return Vec::new();
            }
            Input::Enter => {
                let text = std::mem::take(&mut prompt.input);
                self.prompt = None;
                return match kind {
                    PromptKind::Search => {
                        self.run_search(text.trim().to_string());
                        Vec::new()
                    }
                    PromptKind::Filter => {
                        self.focus = Pane::Groups;
                        Vec::new()
                    }
                    PromptKind::OpenLink | PromptKind::CopyLink => match text.trim().parse() {
                        Ok(n) => self.use_link(kind, n),
                        Err(_) => Vec::new(),
                    },
                    PromptKind::ConfirmMarkAll => self.mark_all_read(),
                };
            }
        }
        if kind == PromptKind::Filter {
            self.filter = self
                .prompt
                .as_ref()
                .map(|p| p.input.clone())
                .unwrap_or_default();
            self.rebuild_rows();
            self.rebuild_listing();
        }
        Vec::new()
    }

    fn mark_all_read(&mut self) -> Vec<Effect> {
        let listing = self.listing.clone();
        let changed = listing
            .into_iter()
            .filter(|&ix| self.set_read(ix, true))
            .count();
        self.message = Some(match changed {
            1 => "Marked 1 post read".to_string(),
            n => format!("Marked {n} posts read"),
        });
        self.rebuild_rows();
        if changed > 0 {
            vec![Effect::StateChanged]
        } else {
            Vec::new()
        }
    }

    fn mouse(&mut self, kind: MouseKind, x: u16, y: u16) -> Vec<Effect> {
        let a = self.areas();
        let pane = match a.mode {
            Mode::TooSmall => return Vec::new(),
            Mode::Single => self.focus,
            Mode::Three => match a.hit(x, y) {
                Some(0) => Pane::Groups,
                Some(1) => Pane::Posts,
                Some(_) => Pane::Article,
                None => return Vec::new(),
            },
        };
        self.focus = pane;
        match kind {
            MouseKind::ScrollUp => {
                for _ in 0..3 {
                    self.motion(Action::Up);
                }
                Vec::new()
            }
            MouseKind::ScrollDown => {
                for _ in 0..3 {
                    self.motion(Action::Down);
                }
                Vec::new()
            }
            MouseKind::Click => {
                let rect = match pane {
                    Pane::Groups => a.groups,
                    Pane::Posts => a.posts,
                    Pane::Article => return Vec::new(),
                };
                // Rows start one below the pane's top border.
                let row = y.saturating_sub(rect.y + 1) as usize;
                match pane {
                    Pane::Groups => {
                        let target = self.groups.offset + row;
                        if target < self.rows.len() && target != self.groups.selected {
                            let len = self.rows.len();
                            self.groups.set(target, len, a.list_height(a.groups));
                            self.posts = ListPos::default();
                            self.rebuild_listing();
                        }
                        Vec::new()
                    }
                    _ => {
                        let target = self.posts.offset + row;
                        if target < self.listing.len() {
                            let len = self.listing.len();
                            self.posts.set(target, len, a.list_height(a.posts));
                            self.open_selected()
                        } else {
                            Vec::new()
                        }
                    }
                }
            }
        }
    }
}

/// Only web and mail addresses go to a browser; protocol-relative `//host/…` links (as
/// scrapers write them) are taken as https.
pub fn browsable(url: &str) -> Option<String> {
    let url = url.trim();
    if let Some(rest) = url.strip_prefix("//") {
        return (!rest.is_empty()).then(|| format!("https://{rest}"));
    }
    let scheme = url.split_once(':')?.0.to_ascii_lowercase();
    matches!(scheme.as_str(), "http" | "https" | "mailto").then(|| url.to_string())
}

pub fn update(m: &mut Model, msg: Msg) -> Vec<Effect> {
    let mut effects = apply(m, msg);
    if let Some((key, n)) = m.render_wanted.take() {
        effects.push(Effect::Render(key, n));
    }
    effects
}

fn apply(m: &mut Model, msg: Msg) -> Vec<Effect> {
    if matches!(msg, Msg::Action(_) | Msg::Input(_) | Msg::Mouse(..)) {
        m.message = None;
    }
    match msg {
        Msg::Resize(w, h) => {
            m.size = (w, h);
            m.rebuild_rows();
            m.rebuild_listing();
            m.refresh_article();
        }
        Msg::Rendered(key, n, article, doc) => {
            // Kept only if it answers the latest request: the post did not change since.
            if m.rendering.get(&key) == Some(&n) {
                m.rendering.remove(&key);
                m.cache.insert(key, article);
                m.cache.keep_document(key.0, key.2, doc);
                m.refresh_article();
            }
        }
        Msg::Loaded(LoadEvent::Looking(files)) => m.found_so_far = files,
        Msg::Loaded(LoadEvent::Found(files)) => {
            m.files_found = Some(files);
            m.store.reserve(files.saturating_sub(m.store.len()));
        }
        Msg::Loaded(LoadEvent::Batch { posts, warnings }) => {
            m.add_posts(posts);
            m.warnings.extend(warnings);
            m.rebuild_rows();
            m.rebuild_listing();
        }
        Msg::Loaded(LoadEvent::Retract(ids)) => {
            m.replace_posts(Vec::new(), &ids);
            m.rebuild_rows();
            m.rebuild_listing();
            m.refresh_article();
        }
        Msg::Loaded(LoadEvent::Done(summary)) => {
            m.loading = false;
            m.summary = summary;
        }
        Msg::Changed(change) => {
            m.warnings.extend(change.warnings);
            m.replace_posts(change.posts, &change.removed);
            if let Some((query, _)) = m.search.take() {
                let results = m.store.search(&query);
                m.search = Some((query, results));
            }
            m.rebuild_rows();
            m.rebuild_listing();
            m.refresh_article();
        }
        Msg::Mouse(kind, x, y) => return m.mouse(kind, x, y),
        Msg::Input(input) => {
            if m.prompt.is_none() {
                // An unbound character typed in the categories pane starts the filter.
                match input {
                    Input::Char(c) if m.focus == Pane::Groups && !c.is_control() => {
                        m.ask(PromptKind::Filter);
                    }
                    _ => return Vec::new(),
                }
            }
            return m.prompt_input(input);
        }
        Msg::Action(action) if m.overlay.is_some() => {
            let rows = match m.overlay {
                Some(Overlay::Help) => crate::keymap::BINDINGS.len(),
                _ => m.warnings.len() * 2,
            };
            let scroll = &mut m.overlay_scroll;
            match action {
                Action::Help if m.overlay != Some(Overlay::Help) => {
                    m.overlay = Some(Overlay::Help);
                    *scroll = 0;
                }
                Action::Help | Action::Warnings | Action::Back => m.overlay = None,
                Action::Quit => return vec![Effect::Quit],
                Action::Suspend => return vec![Effect::Suspend],
                Action::Down => *scroll += 1,
                Action::Up => *scroll = scroll.saturating_sub(1),
                Action::PageDown | Action::HalfPageDown => *scroll += 10,
                Action::PageUp | Action::HalfPageUp => *scroll = scroll.saturating_sub(10),
                Action::Top => *scroll = 0,
                Action::Bottom => *scroll = rows,
                _ => {}
            }
            m.overlay_scroll = m.overlay_scroll.min(rows);
        }
        Msg::Action(action) => match action {
            Action::Quit => return vec![Effect::Quit],
            Action::Suspend => return vec![Effect::Suspend],
            Action::Help => {
                m.overlay = Some(Overlay::Help);
                m.overlay_scroll = 0;
            }
            Action::Warnings => {
                if m.warnings.is_empty() {
                    m.message = Some("No warnings: every file read cleanly".into());
                } else {
                    m.overlay = Some(Overlay::Warnings);
                    m.overlay_scroll = 0;
                }
            }
            Action::NextPane => {
                m.focus = match m.focus {
                    Pane::Groups => Pane::Posts,
                    Pane::Posts => Pane::Article,
                    Pane::Article => Pane::Groups,
                }
            }
            Action::PrevPane => {
                m.focus = match m.focus {
                    Pane::Groups => Pane::Article,
                    Pane::Posts => Pane::Groups,
                    Pane::Article => Pane::Posts,
                }
            }
            Action::FocusLeft => m.focus = m.focus.left(),
            Action::FocusRight => m.focus = m.focus.right(),
            Action::Back => m.focus = m.focus.left(),
            Action::Open => match m.focus {
                Pane::Groups => m.focus = Pane::Posts,
                Pane::Posts => return m.open_selected(),
                Pane::Article => {}
            },
            Action::ToggleGrouping => {
                m.grouping = match m.grouping {
                    Grouping::Category => Grouping::Tag,
                    Grouping::Tag => Grouping::Category,
                };
                m.groups = ListPos::default();
                m.posts = ListPos::default();
                m.rebuild_rows();
                m.rebuild_listing();
            }
            Action::CycleSort => {
                m.sort = match m.sort {
                    Sort::Newest => Sort::Oldest,
                    Sort::Oldest => Sort::Title,
                    Sort::Title => Sort::Newest,
                };
                m.message = Some(format!("Sorted {}", m.sort.label()));
                m.rebuild_listing();
            }
            Action::Search => m.ask(PromptKind::Search),
            Action::Filter => {
                m.focus = Pane::Groups;
                m.ask(PromptKind::Filter);
                if let Some(p) = m.prompt.as_mut() {
                    p.input = m.filter.clone();
                }
            }
            Action::NextMatch | Action::PrevMatch => {
                let n = m.matches.len();
                if n == 0 {
                    m.message = Some("No matches in this article".into());
                } else {
                    // Like less and vim: past the last match, wrap to the first.
                    m.match_at = if action == Action::NextMatch {
                        (m.match_at + 1) % n
                    } else {
                        (m.match_at + n - 1) % n
                    };
                    m.scroll = m.matches[m.match_at].min(m.max_scroll());
                    m.focus = Pane::Article;
                    m.message = Some(format!("Match {}/{n}", m.match_at + 1));
                }
            }
            Action::ToggleRead => {
                if let Some(ix) = m.target_post() {
                    let read = !m.is_read(ix);
                    m.set_read(ix, read);
                    m.rebuild_rows();
                    return vec![Effect::StateChanged];
                }
            }
            Action::ToggleStar => {
                if let Some(ix) = m.target_post() {
                    let starred = !m.is_starred(ix);
                    m.starred[ix as usize] = starred;
                    let id = m.store.post(ix).id.clone();
                    if starred {
                        m.state.starred.insert(id);
                    } else {
                        m.state.starred.remove(&id);
                    }
                    m.message = Some(if starred { "Starred" } else { "Unstarred" }.into());
                    m.rebuild_rows();
                    m.rebuild_listing();
                    return vec![Effect::StateChanged];
                }
            }
            Action::MarkAllRead => {
                if !m.listing.is_empty() {
                    m.ask(PromptKind::ConfirmMarkAll);
                }
            }
            Action::OpenLink => return m.link_action(PromptKind::OpenLink),
            Action::CopyLink => return m.link_action(PromptKind::CopyLink),
            Action::Down
            | Action::Up
            | Action::PageDown
            | Action::PageUp
            | Action::HalfPageDown
            | Action::HalfPageUp
            | Action::Top
            | Action::Bottom => m.motion(action),
        },
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_links_are_browsable() {
        assert_eq!(
            browsable("https://a.example/x").as_deref(),
            Some("https://a.example/x")
        );
        assert_eq!(
            browsable("//finews.example/").as_deref(),
            Some("https://finews.example/")
        );
        assert_eq!(
            browsable("MAILTO:a@b.example").as_deref(),
            Some("MAILTO:a@b.example")
        );
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "../emnews/",
            "",
            "//",
        ] {
            assert_eq!(browsable(bad), None, "{bad}");
        }
    }

    #[test]
    fn list_positions_stay_in_range() {
        let mut p = ListPos::default();
        p.step(5, 3, 10);
        assert_eq!(p.selected, 2);
        p.step(-10, 3, 10);
        assert_eq!(p.selected, 0);
        p.set(50, 100, 10);
        assert_eq!((p.selected, p.offset), (50, 41));
        p.set(0, 0, 10);
        assert_eq!((p.selected, p.offset), (0, 0));
    }
}
