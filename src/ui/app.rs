//! The Elm-style core: `Model`, `Msg`, and `update`, which changes the model and returns
//! effects for the loop to carry out. Rendering articles happens here (through the
//! cache), never in the view.

use std::rc::Rc;

use ratatui::layout::Rect;

use super::layout::Areas;
use crate::keymap::Action;
use crate::loader::{LoadEvent, Summary, Warning};
use crate::render::{self, Article, Cache, theme::Theme};
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

#[derive(Debug)]
pub enum Msg {
    Action(Action),
    Resize(u16, u16),
    Loaded(LoadEvent),
}

#[derive(Debug, PartialEq, Eq)]
pub enum Effect {
    Quit,
}

/// A scrolled list: the selected row and the first row on screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListPos {
    pub selected: usize,
    pub offset: usize,
}

impl ListPos {
    /// Moves by `delta` within `len` rows and keeps the selection on a screen of `height`.
    fn step(&mut self, delta: isize, len: usize, height: usize) {
        self.selected = self
            .selected
            .saturating_add_signed(delta)
            .min(len.saturating_sub(1));
        self.follow(height);
    }

    fn set(&mut self, selected: usize, len: usize, height: usize) {
        self.selected = selected.min(len.saturating_sub(1));
        self.follow(height);
    }

    fn follow(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
    }
}

pub struct Model {
    pub store: Store,
    pub theme: Theme,
    pub grouping: Grouping,
    pub focus: Pane,
    /// Row 0 is "All"; row n is group n-1 in the store's display order.
    pub groups: ListPos,
    pub posts: ListPos,
    /// The open post and the first article row on screen.
    pub open: Option<PostIx>,
    pub scroll: usize,
    /// The open post laid out at the article pane's width (from the cache).
    pub article: Option<Rc<Article>>,
    pub cache: Cache,
    pub help: bool,
    pub help_scroll: usize,
    pub size: (u16, u16),
    pub loading: bool,
    pub summary: Summary,
    pub warnings: Vec<Warning>,
}

impl Model {
    pub fn new(theme: Theme, size: (u16, u16)) -> Self {
        Model {
            store: Store::default(),
            theme,
            grouping: Grouping::Category,
            focus: Pane::Groups,
            groups: ListPos::default(),
            posts: ListPos::default(),
            open: None,
            scroll: 0,
            article: None,
            cache: Cache::new(64),
            help: false,
            help_scroll: 0,
            size,
            loading: true,
            summary: Summary::default(),
            warnings: Vec::new(),
        }
    }

    pub fn areas(&self) -> Areas {
        Areas::new(Rect::new(0, 0, self.size.0, self.size.1))
    }

    /// Number of rows in the groups pane ("All" included).
    pub fn group_rows(&self) -> usize {
        self.store.group_count(self.grouping) + 1
    }

    /// The posts listed for the selected group.
    pub fn current_posts(&self) -> &[PostIx] {
        match self.groups.selected {
            0 => self.store.all(),
            n => self
                .store
                .group(self.grouping, n - 1)
                .map_or(&[], |g| g.posts.as_slice()),
        }
    }

    pub fn selected_post(&self) -> Option<PostIx> {
        self.current_posts().get(self.posts.selected).copied()
    }

    fn selected_group_key(&self) -> Option<String> {
        match self.groups.selected {
            0 => None,
            n => self
                .store
                .group(self.grouping, n - 1)
                .map(|g| g.key.clone()),
        }
    }

    /// Restores the group and post selection by identity after the store changed order.
    fn reselect(&mut self, group: Option<String>, post: Option<PostIx>) {
        let a = self.areas();
        let g = group
            .and_then(|k| self.store.group_position(self.grouping, &k))
            .map_or(0, |p| p + 1);
        let rows = self.group_rows();
        self.groups.set(g, rows, a.list_height(a.groups));
        let p = post
            .and_then(|ix| self.current_posts().iter().position(|&x| x == ix))
            .unwrap_or(0);
        let len = self.current_posts().len();
        self.posts.set(p, len, a.list_height(a.posts));
    }

    /// Lays out the open post at the current article width (cached), keeping the scroll
    /// position in range.
    fn refresh_article(&mut self) {
        let Some(ix) = self.open else {
            self.article = None;
            return;
        };
        let width = self.areas().article_text_width();
        let store = &self.store;
        let theme = &self.theme;
        let article = self.cache.get_or_render((ix, width), || {
            let post = store.post(ix);
            let category = post.categories.first().map(|c| store.category_name(c));
            render::render(post, category, width as usize, theme)
        });
        self.article = Some(article);
        self.scroll = self.scroll.min(self.max_scroll());
    }

    fn article_height(&self) -> usize {
        let a = self.areas();
        a.list_height(a.article)
    }

    fn max_scroll(&self) -> usize {
        let len = self.article.as_ref().map_or(0, |a| a.lines.len());
        len.saturating_sub(self.article_height())
    }

    fn open_selected(&mut self) {
        if let Some(ix) = self.selected_post() {
            if self.open != Some(ix) {
                self.scroll = 0;
            }
            self.open = Some(ix);
            self.refresh_article();
            self.focus = Pane::Article;
        }
    }

    /// Moves the focused list or scrolls the article.
    fn motion(&mut self, action: Action) {
        let a = self.areas();
        let (len, height) = match self.focus {
            Pane::Groups => (self.group_rows(), a.list_height(a.groups)),
            Pane::Posts => (self.current_posts().len(), a.list_height(a.posts)),
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
                }
            }
            Pane::Posts => self.posts.step(delta, len, height),
            Pane::Article => {
                self.scroll = self.scroll.saturating_add_signed(delta).min(len - 1);
            }
        }
    }
}

pub fn update(m: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Resize(w, h) => {
            m.size = (w, h);
            let (group, post) = (m.selected_group_key(), m.selected_post());
            m.reselect(group, post);
            m.refresh_article();
        }
        Msg::Loaded(LoadEvent::Batch { posts, warnings }) => {
            let (group, post) = (m.selected_group_key(), m.selected_post());
            m.store.insert(posts);
            m.warnings.extend(warnings);
            m.reselect(group, post);
        }
        Msg::Loaded(LoadEvent::Done(summary)) => {
            m.loading = false;
            m.summary = summary;
        }
        Msg::Action(action) if m.help => match action {
            Action::Help | Action::Back => m.help = false,
            Action::Quit => return vec![Effect::Quit],
            Action::Down => m.help_scroll += 1,
            Action::Up => m.help_scroll = m.help_scroll.saturating_sub(1),
            Action::Top => m.help_scroll = 0,
            _ => {}
        },
        Msg::Action(action) => match action {
            Action::Quit => return vec![Effect::Quit],
            Action::Help => {
                m.help = true;
                m.help_scroll = 0;
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
                Pane::Posts => m.open_selected(),
                Pane::Article => {}
            },
            Action::ToggleGrouping => {
                m.grouping = match m.grouping {
                    Grouping::Category => Grouping::Tag,
                    Grouping::Tag => Grouping::Category,
                };
                m.groups = ListPos::default();
                m.posts = ListPos::default();
            }
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
