//! Where each pane goes for a terminal size. Pure geometry, shared by `update` (page sizes,
//! article width, mouse hits) and `view` (drawing), so both always agree.

use ratatui::layout::{Position, Rect};

/// Below this width one pane is shown at a time.
pub const SINGLE_PANE_BELOW: u16 = 80;
/// Below this size only a "too small" message is shown.
pub const MIN_SIZE: (u16, u16) = (30, 8);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Categories | posts | article side by side.
    Three,
    /// The focused pane fills the screen, under a breadcrumb row.
    Single,
    TooSmall,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub mode: Mode,
    pub groups: Rect,
    pub posts: Rect,
    pub article: Rect,
    /// The breadcrumb row in single-pane mode (empty otherwise).
    pub breadcrumb: Rect,
    pub status: Rect,
}

impl Areas {
    pub fn new(full: Rect) -> Areas {
        let body_h = full.height.saturating_sub(1);
        let w = full.width;
        let status = Rect::new(full.x, full.y + body_h, w, full.height.min(1));
        if w < MIN_SIZE.0 || full.height < MIN_SIZE.1 {
            let body = Rect::new(full.x, full.y, w, full.height);
            return Areas {
                mode: Mode::TooSmall,
                groups: body,
                posts: body,
                article: body,
                breadcrumb: Rect::default(),
                status: Rect::default(),
            };
        }
        if w < SINGLE_PANE_BELOW {
            let body = Rect::new(full.x, full.y + 1, w, body_h - 1);
            return Areas {
                mode: Mode::Single,
                groups: body,
                posts: body,
                article: body,
                breadcrumb: Rect::new(full.x, full.y, w, 1),
                status,
            };
        }
        let share = |pct: u32| (u32::from(w) * pct / 100) as u16;
        let groups_w = share(18).clamp(14, 28).min(w);
        let posts_w = share(32).clamp(20, 48).min(w - groups_w);
        let article_w = w - groups_w - posts_w;
        Areas {
            mode: Mode::Three,
            groups: Rect::new(full.x, full.y, groups_w, body_h),
            posts: Rect::new(full.x + groups_w, full.y, posts_w, body_h),
            article: Rect::new(full.x + groups_w + posts_w, full.y, article_w, body_h),
            breadcrumb: Rect::default(),
            status,
        }
    }

    /// Rows inside a pane's border.
    pub fn list_height(&self, pane: Rect) -> usize {
        pane.height.saturating_sub(2) as usize
    }

    /// Columns inside the article pane's border and one column of padding each side.
    pub fn article_text_width(&self) -> u16 {
        self.article.width.saturating_sub(4).max(1)
    }

    /// Which of the three rects holds a screen position (three-pane mode only; in
    /// single-pane mode the caller knows the one pane on screen).
    pub fn hit(&self, x: u16, y: u16) -> Option<usize> {
        let p = Position::new(x, y);
        [self.groups, self.posts, self.article]
            .iter()
            .position(|r| r.contains(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panes_tile_the_screen_at_any_size() {
        for (w, h) in [(120, 40), (80, 24), (90, 10), (500, 8), (u16::MAX, 9)] {
            let a = Areas::new(Rect::new(0, 0, w, h));
            assert_eq!(a.mode, Mode::Three, "{w}x{h}");
            assert_eq!(
                a.groups.width + a.posts.width + a.article.width,
                w,
                "{w}x{h}"
            );
            assert_eq!(a.posts.x, a.groups.right());
            assert_eq!(a.article.x, a.posts.right());
            assert_eq!(a.groups.height + a.status.height, h);
        }
    }

    #[test]
    fn narrow_and_tiny_terminals() {
        let a = Areas::new(Rect::new(0, 0, 60, 20));
        assert_eq!(a.mode, Mode::Single);
        assert_eq!(a.article.width, 60);
        assert_eq!(a.breadcrumb.height + a.article.height + a.status.height, 20);
        for (w, h) in [(29, 20), (100, 7), (1, 1), (0, 0)] {
            assert_eq!(
                Areas::new(Rect::new(0, 0, w, h)).mode,
                Mode::TooSmall,
                "{w}x{h}"
            );
        }
        assert_eq!(Areas::new(Rect::new(0, 0, 30, 8)).mode, Mode::Single);
    }
}
