//! Text and boxes drawn by our measure ([`crate::render::width`]) instead of ratatui's.
//!
//! ratatui gives every cluster `unicode-width`'s non-CJK width. Where the terminal draws
//! ambiguous characters two columns wide, `Paragraph` would put the next character in the
//! cell the terminal fills with the right half of `“`, so each row holding one would run
//! a column further per such character, past the pane's border. Here a cluster whose width
//! (ours) differs from ratatui's gets `CellDiffOption::ForcedWidth`: the next cluster is
//! drawn that many columns on, and the buffer diff never writes the covered cells (as for
//! a CJK character), so the crossterm backend moves the cursor past them. With
//! `ambiguous_width = 1` the widths always agree, and the cells are exactly those
//! `Paragraph` and `Block` titles give.
//!
//! Box-drawing characters are ambiguous too, so boxes get ASCII borders then.

use std::num::NonZeroU16;

use ratatui::buffer::{Buffer, CellDiffOption, CellWidth};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::border;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use unicode_segmentation::UnicodeSegmentation;

use crate::render::width::{AmbiguousWidth, grapheme_width, str_width, tail};

const ASCII: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

const ASCII_THICK: border::Set = border::Set {
    horizontal_top: "=",
    horizontal_bottom: "=",
    ..ASCII
};

/// `Block::bordered()`, thin or thick, with box-drawing borders, or ASCII ones where box
/// drawing is two columns wide. Its titles are drawn with [`title`] and [`bottom_title`].
pub fn bordered(thick: bool, amb: AmbiguousWidth) -> Block<'static> {
    let set = match (amb, thick) {
        (AmbiguousWidth::Narrow, false) => border::PLAIN,
        (AmbiguousWidth::Narrow, true) => border::THICK,
        (AmbiguousWidth::Wide, false) => ASCII,
        (AmbiguousWidth::Wide, true) => ASCII_THICK,
    };
    Block::bordered().border_set(set)
}

/// Draws `line` on the first row of `area`, as `Paragraph` draws an unwrapped
/// left-aligned line: the line's style patched with each span's, zero-width clusters
/// skipped, a cluster wider than the area skipped, the row cut before the first cluster
/// that does not fit. The cells a wide cluster covers are blanked (as `Block` titles do),
/// so nothing left there can show through.
pub fn line(buf: &mut Buffer, area: Rect, line: &Line, amb: AmbiguousWidth) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let right = usize::from(area.right());
    let mut x = usize::from(area.x);
    for span in &line.spans {
        let style = line.style.patch(span.style);
        for g in span.content.graphemes(true) {
            let w = grapheme_width(g, amb);
            if w == 0 || w > usize::from(area.width) {
                continue;
            }
            if x + w > right {
                return;
            }
            // `w` is at most the area's width, so it fits a u16.
            let forced = NonZeroU16::new(w as u16)
                .filter(|_| w != usize::from(g.cell_width()))
                .map_or(CellDiffOption::None, CellDiffOption::ForcedWidth);
            buf[(x as u16, area.y)]
                .set_symbol(g)
                .set_style(style)
                .set_diff_option(forced);
            for covered in x + 1..x + w {
                buf[(covered as u16, area.y)]
                    .set_symbol(" ")
                    .set_diff_option(CellDiffOption::None);
            }
            x += w;
        }
    }
}

/// Empties `area` for something drawn over what is there (an overlay). A wide character
/// just left of it whose right half the area would cover is blanked as well: the buffer
/// diff skips the cell after a wide character, so the area's first column would never
/// reach the terminal, which would go on showing the character across it.
pub fn clear(buf: &mut Buffer, area: Rect) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    if area.x > buf.area.x {
        for y in area.top()..area.bottom() {
            let left = &mut buf[(area.x - 1, y)];
            let w = match left.diff_option {
                CellDiffOption::ForcedWidth(w) => usize::from(w.get()),
                _ => usize::from(left.symbol().cell_width()),
            };
            if w > 1 {
                left.set_symbol(" ").set_diff_option(CellDiffOption::None);
            }
        }
    }
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            buf[(x, y)].reset();
        }
    }
}

/// Draws `lines` one per row of `area`, from its top, as many as fit.
pub fn lines(buf: &mut Buffer, area: Rect, lines: &[Line], amb: AmbiguousWidth) {
    for (row, l) in (area.top()..area.bottom()).zip(lines) {
        line(buf, Rect { y: row, ..area }, l, amb);
    }
}

/// The row of a box's border that holds titles: between the corners.
fn title_row(area: Rect, y: u16) -> Rect {
    Rect {
        x: area.x.saturating_add(1),
        y,
        width: area.width.saturating_sub(2),
        height: 1,
    }
}

/// A title over the top border of the box drawn in `area`, from its left corner (where
/// `Block::title` puts it) in `style` patched over the border's, cut where the border ends.
pub fn title(buf: &mut Buffer, area: Rect, text: &str, style: Style, amb: AmbiguousWidth) {
    let row = title_row(area, area.y);
    let w = str_width(text, amb).min(usize::from(row.width)) as u16;
    let at = Rect { width: w, ..row };
    buf.set_style(at, style);
    line(buf, at, &Line::from(Span::raw(text)), amb);
}

/// A title over the bottom border of the box drawn in `area`, against its right corner
/// (where a right-aligned `Block::title_bottom` puts it); its start is cut when it is too
/// long.
pub fn bottom_title(buf: &mut Buffer, area: Rect, text: &str, style: Style, amb: AmbiguousWidth) {
    let row = title_row(area, area.bottom().saturating_sub(1));
    let from_right = |w: usize| {
        let w = w.min(usize::from(row.width)) as u16;
        Rect {
            x: row.right() - w,
            width: w,
            ..row
        }
    };
    // As `Block` does, the style covers the columns the whole title would take, even
    // where a wide character at the cut leaves one of them to the border.
    buf.set_style(from_right(str_width(text, amb)), style);
    let shown = tail(text, usize::from(row.width), amb);
    let at = from_right(str_width(shown, amb));
    line(buf, at, &Line::from(Span::raw(shown)), amb);
}

#[cfg(test)]
mod tests {
    use ratatui::style::{Color, Modifier};
    use ratatui::widgets::{Paragraph, Widget};

    use super::*;

    const N: AmbiguousWidth = AmbiguousWidth::Narrow;
    const W: AmbiguousWidth = AmbiguousWidth::Wide;

    fn samples() -> Vec<Line<'static>> {
        vec![
            Line::raw("hello"),
            Line::raw("中文，测试。还有很多很多字"),
            Line::raw("“引号”…·─○ and more"),
            Line::raw("a\tb\u{1b}c\r\nd"),
            Line::raw("cafe\u{301} \u{200b}x ﾃﾞ"),
            Line::raw("👨\u{200d}👩\u{200d}👧 ❤\u{fe0f} 🇨🇳"),
            Line::from(vec![
                Span::styled("bold ", Style::new().bold()),
                Span::styled("红色", Style::new().red()),
                Span::raw(" plain"),
            ])
            .style(Style::new().on_blue()),
            Line::raw("中a中b"),
        ]
    }

    /// With ambiguous characters one column wide, rows come out cell for cell as
    /// `Paragraph` draws them, at every width (cut rows, a wide character in one column).
    #[test]
    fn narrow_rows_are_the_cells_paragraph_draws() {
        let lines = samples();
        for width in [1, 2, 3, 7, 12, 40] {
            let area = Rect::new(1, 1, width, lines.len() as u16);
            let full = Rect::new(0, 0, width + 2, lines.len() as u16 + 2);
            let mut want = Buffer::empty(full);
            want.set_style(area, Style::new().fg(Color::Green));
            let mut got = want.clone();
            Paragraph::new(lines.clone()).render(area, &mut want);
            super::lines(&mut got, area, &lines, N);
            assert_eq!(got, want, "width {width}");
        }
    }

    /// Titles reach the terminal as `Block` titles do: what the diff from a blank screen
    /// writes is the same.
    #[test]
    fn narrow_titles_are_what_block_draws() {
        let style = Style::new().yellow().add_modifier(Modifier::BOLD);
        for (top, bottom) in [
            (" Keys ", " j/k scroll · ? or Esc closes "),
            (" 东财滚动新闻 128 ", " “引号” "),
            (
                " ❤\u{fe0f} a very long title that does not fit ",
                " 长长长长长长长长长长长长 ",
            ),
        ] {
            for width in [0, 1, 2, 3, 9, 16, 40] {
                let area = Rect::new(0, 0, width, 3);
                let mut want = Buffer::empty(area);
                let block = bordered(true, N).border_style(Style::new().red());
                block
                    .clone()
                    .title(Span::raw(top))
                    .title_style(style)
                    .title_bottom(Line::from(bottom).right_aligned())
                    .render(area, &mut want);
                let mut got = Buffer::empty(area);
                block.render(area, &mut got);
                title(&mut got, area, top, style, N);
                bottom_title(&mut got, area, bottom, style, N);
                let blank = Buffer::empty(area);
                assert_eq!(blank.diff(&got), blank.diff(&want), "{top:?} at {width}");
            }
        }
    }

    /// Where ambiguous characters are two columns wide, the cell after one is left to the
    /// glyph: the diff skips it, and the next character is written two columns on.
    #[test]
    fn wide_ambiguous_characters_take_two_cells() {
        let written = |width: u16| {
            let area = Rect::new(0, 0, width, 1);
            let mut buf = Buffer::empty(area);
            line(&mut buf, area, &Line::raw("“a”b"), W);
            assert_eq!(buf[(0, 0)].cell_width(), 2);
            Buffer::empty(area)
                .diff(&buf)
                .into_iter()
                .map(|(x, _, c)| (x, c.symbol().to_string()))
                .collect::<Vec<_>>()
        };
        let at = |v: &[(u16, &str)]| {
            v.iter()
                .map(|&(x, s)| (x, s.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(written(6), at(&[(0, "“"), (2, "a"), (3, "”"), (5, "b")]));
        // `b` would need a sixth column: cut, and so is `”` with only one column left.
        assert_eq!(written(5), at(&[(0, "“"), (2, "a"), (3, "”")]));
        assert_eq!(written(4), at(&[(0, "“"), (2, "a")]));
        let area = Rect::new(0, 0, 6, 1);
        // Narrow: one cell each, nothing forced.
        let mut buf = Buffer::empty(area);
        line(&mut buf, area, &Line::raw("“a”b"), N);
        assert_eq!(buf[(1, 0)].symbol(), "a");
        assert!(
            buf.content
                .iter()
                .all(|c| c.diff_option == CellDiffOption::None)
        );
    }

    /// Box drawing is ambiguous too: boxes get `+ - |` (`=` when thick), and the title's
    /// `·` covers two cells of the top border.
    #[test]
    fn wide_ambiguous_boxes_are_ascii() {
        let area = Rect::new(0, 0, 5, 3);
        for (thick, rule) in [(false, "---"), (true, "===")] {
            let mut buf = Buffer::empty(area);
            bordered(thick, W).render(area, &mut buf);
            title(&mut buf, area, "·x", Style::new(), W);
            let text: String = buf.content.iter().map(|c| c.symbol()).collect();
            assert_eq!(text, format!("+· x+|   |+{rule}+"));
        }
    }
}
