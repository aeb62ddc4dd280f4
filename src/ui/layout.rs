//! Where each pane goes for a terminal size. Pure geometry, shared by `update` (page sizes,
//! article width) and `view` (drawing), so both always agree.

use ratatui::layout::Rect;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub groups: Rect,
    pub posts: Rect,
    pub article: Rect,
    pub status: Rect,
}

impl Areas {
    pub fn new(full: Rect) -> Areas {
        let body_h = full.height.saturating_sub(1);
        let w = full.width;
        let share = |pct: u32| (u32::from(w) * pct / 100) as u16;
        let groups_w = share(18).clamp(14, 28).min(w);
        let posts_w = share(32).clamp(20, 48).min(w - groups_w);
        let article_w = w - groups_w - posts_w;
        Areas {
            groups: Rect::new(full.x, full.y, groups_w, body_h),
            posts: Rect::new(full.x + groups_w, full.y, posts_w, body_h),
            article: Rect::new(full.x + groups_w + posts_w, full.y, article_w, body_h),
            status: Rect::new(full.x, full.y + body_h, w, full.height.min(1)),
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panes_tile_the_screen_at_any_size() {
        for (w, h) in [
            (120, 40),
            (80, 24),
            (40, 10),
            (1, 1),
            (0, 0),
            (500, 3),
            (u16::MAX, 2),
        ] {
            let a = Areas::new(Rect::new(0, 0, w, h));
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
}
