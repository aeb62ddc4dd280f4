//! Tables laid out by display width, cells wrapped by our wrapper.
//!
//! `html.rs` hands over each table as rows of [`Cell`]s whose lines are html2text's own
//! unwrapped text (styles and link numbers included, so `[n]` matches the document's link
//! list). Here columns get widths the way a browser's automatic table layout does it:
//!
//! * each cell has a *maximum* (its natural width, no wrapping) and a *minimum* (its
//!   longest piece that must not be broken: between two UAX #14 break opportunities, with
//!   kinsoku glue, so `（亿元）` counts as `（亿` and `元）`; a piece longer than
//!   [`LONG_PIECE`] columns, such as a URL, counts as that many and is broken inside);
//! * a column's minimum and maximum are those of its cells (a cell spanning columns
//!   spreads what it needs beyond them evenly);
//! * when the maxima fit, every column gets its maximum; otherwise each column gets its
//!   minimum plus a share of the room left, proportional to `max - min`.
//!
//! The table is boxed (`┌ ┬ ┐ │ ├ ┼ ┤ └ ┴ ┘`, or `+ - |` where ambiguous characters are
//! two columns wide), with one space of padding in each cell
//! when that costs no wrapping or the minima still fit with it, and without padding
//! otherwise. Every cell is wrapped with [`wrap::wrap`] to its column's width, so kinsoku
//! and word rules hold in cells as in prose, and aligned by display width (left, center or
//! right, from `align` or `style="text-align: …"`). Header rows are bold and ruled off;
//! body rows are ruled off from each other only when some row takes more than one line.
//!
//! When even the minima do not fit, the table is *stacked*: one record per body row,
//! between rules, each cell as a `header: value` paragraph wrapped at the pane's width with
//! a two-column hang. It reads like a list of records, and nothing is cut.

use ratatui::text::{Line, Span};

use super::html::Block;
use super::rows::RowSink;
use super::theme::Theme;
use super::width::{AmbiguousWidth, str_width};
use super::wrap;

/// A piece longer than this (a URL, a long identifier) does not make its column wider:
/// the wrapper breaks it after `/ . ?` etc. or, at worst, anywhere.
pub const LONG_PIECE: usize = 20;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// One table cell: its logical lines (`Block::Text` or `Block::Blank`), as html2text
/// rendered the cell's content at an unlimited width.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cell {
    pub lines: Vec<Block>,
    pub header: bool,
    pub colspan: usize,
    pub align: Align,
}

fn spans_width(spans: &[Span<'_>], amb: AmbiguousWidth) -> usize {
    spans.iter().map(|s| str_width(&s.content, amb)).sum()
}

/// The widest piece of `text` that no line break may cut (UAX #14 plus kinsoku), capped
/// at [`LONG_PIECE`].
pub fn min_piece(text: &str, amb: AmbiguousWidth) -> usize {
    let mut widest = 0;
    let mut start = 0;
    for (i, _) in unicode_linebreak::linebreaks(text) {
        if i < text.len() {
            let next = text[i..].chars().next().unwrap_or(' ');
            let before = text[..i].chars().next_back();
            let glued = wrap::is_no_start(next)
                || before.is_some_and(wrap::is_no_end)
                || (wrap::is_no_start_after_cjk(next) && before.is_some_and(wrap::is_cjk));
            if glued {
                continue;
            }
        }
        let piece = text[start..i].trim_end();
        widest = widest.max(str_width(piece, amb).min(LONG_PIECE));
        start = i;
    }
    widest
}

/// (minimum, maximum) width of a cell.
fn measure(cell: &Cell, amb: AmbiguousWidth) -> (usize, usize) {
    let (mut min, mut max) = (0, 0);
    for line in &cell.lines {
        if let Block::Text { spans, hang } = line {
            let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
            max = max.max(str_width(&text, amb));
            min = min.max(min_piece(&text, amb) + spans_width(hang, amb));
        }
    }
    (min.min(max).max(1), max.max(1))
}

/// A cell placed in the grid.
struct Placed<'a> {
    cell: &'a Cell,
    col: usize,
    span: usize,
}

fn place(rows: &[Vec<Cell>]) -> (Vec<Vec<Placed<'_>>>, usize) {
    let n = rows
        .iter()
        .map(|r| r.iter().map(|c| c.colspan.max(1)).sum::<usize>())
        .max()
        .unwrap_or(0);
    let grid = rows
        .iter()
        .map(|r| {
            let mut col = 0;
            r.iter()
                .map(|cell| {
                    let span = cell.colspan.max(1);
                    let p = Placed { cell, col, span };
                    col += span;
                    p
                })
                .collect()
        })
        .collect();
    (grid, n)
}

/// Spreads `extra` over `weights` in proportion (largest remainders get the leftovers).
fn spread(extra: usize, weights: &[usize]) -> Vec<usize> {
    let total: usize = weights.iter().sum();
    if total == 0 {
        // No preference: evenly.
        let n = weights.len().max(1);
        return (0..weights.len())
            .map(|i| extra / n + usize::from(i < extra % n))
            .collect();
    }
    let mut out: Vec<usize> = weights.iter().map(|w| extra * w / total).collect();
    let mut left = extra - out.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse((extra * weights[i]) % total));
    for i in order {
        if left == 0 {
            break;
        }
        if weights[i] > 0 {
            out[i] += 1;
            left -= 1;
        }
    }
    out
}

/// Column minima and maxima.
fn columns(grid: &[Vec<Placed<'_>>], n: usize, amb: AmbiguousWidth) -> (Vec<usize>, Vec<usize>) {
    let mut min = vec![1; n];
    let mut max = vec![1; n];
    for p in grid.iter().flatten().filter(|p| p.span == 1) {
        let (a, b) = measure(p.cell, amb);
        min[p.col] = min[p.col].max(a);
        max[p.col] = max[p.col].max(b);
    }
    for p in grid.iter().flatten().filter(|p| p.span > 1) {
        let (a, b) = measure(p.cell, amb);
        // The borders between spanned columns are room for the cell too (counted without
        // padding, the narrower case).
        let inner = p.span - 1;
        let cols = p.col..p.col + p.span;
        for (v, need) in [(&mut min, a), (&mut max, b)] {
            let have: usize = v[cols.clone()].iter().sum::<usize>() + inner;
            if need > have {
                for (k, e) in spread(need - have, &vec![1; p.span])
                    .into_iter()
                    .enumerate()
                {
                    v[p.col + k] += e;
                }
            }
        }
    }
    for i in 0..n {
        max[i] = max[i].max(min[i]);
    }
    (min, max)
}

/// Column widths and padding for `avail` columns, or `None` if the table must be stacked.
fn fit(min: &[usize], max: &[usize], avail: usize) -> Option<(Vec<usize>, usize)> {
    let n = min.len();
    let overhead = |pad: usize| n + 1 + 2 * pad * n;
    let sum_max: usize = max.iter().sum();
    let sum_min: usize = min.iter().sum();
    for pad in [1, 0] {
        if sum_max + overhead(pad) <= avail {
            return Some((max.to_vec(), pad));
        }
    }
    for pad in [1, 0] {
        if sum_min + overhead(pad) <= avail {
            let extra = avail - overhead(pad) - sum_min;
            let slack: Vec<usize> = min.iter().zip(max).map(|(a, b)| b - a).collect();
            let add = spread(extra, &slack);
            let widths = min.iter().zip(add).map(|(a, e)| a + e).collect();
            return Some((widths, pad));
        }
    }
    None
}

/// The rows of one cell wrapped to `w` columns.
fn cell_rows(cell: &Cell, w: usize, theme: &Theme, amb: AmbiguousWidth) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for line in &cell.lines {
        match line {
            Block::Text { spans, hang } => {
                if cell.header {
                    let bold: Vec<Span<'static>> = spans
                        .iter()
                        .map(|s| s.clone().style(theme.strong.patch(s.style)))
                        .collect();
                    out.extend(wrap::wrap(&bold, hang, w, amb));
                } else {
                    out.extend(wrap::wrap(spans, hang, w, amb));
                }
            }
            _ => out.push(Line::default()),
        }
    }
    out
}

/// The first row's cells, if it is a header row.
fn header_rows(rows: &[Vec<Cell>]) -> usize {
    rows.iter()
        .take_while(|r| !r.is_empty() && r.iter().all(|c| c.header))
        .count()
}

/// Draws a rule: `left`, `mid` where a column boundary is present above or below, `right`.
fn rule(
    widths: &[usize],
    pad: usize,
    above: &[bool],
    below: &[bool],
    [left, right]: [char; 2],
    amb: AmbiguousWidth,
) -> String {
    let mut s = String::new();
    s.push(amb.box_char(left));
    for (i, w) in widths.iter().enumerate() {
        s.extend(std::iter::repeat_n(amb.box_char('─'), w + 2 * pad));
        if i + 1 < widths.len() {
            s.push(amb.box_char(match (above[i], below[i]) {
                (true, true) => '┼',
                (false, true) => '┬',
                (true, false) => '┴',
                (false, false) => '─',
            }));
        }
    }
    s.push(amb.box_char(right));
    s
}

/// Which column boundaries (after column i, for i < n - 1) a grid row draws.
fn boundaries(row: &[Placed<'_>], n: usize) -> Vec<bool> {
    let mut b = vec![false; n.saturating_sub(1)];
    for p in row {
        let end = p.col + p.span;
        if end >= 1 && end - 1 < b.len() {
            b[end - 1] = true;
        }
    }
    // Columns no cell reaches still get their borders.
    let reach = row.last().map_or(0, |p| p.col + p.span);
    for (i, x) in b.iter_mut().enumerate() {
        if i + 1 >= reach {
            *x = true;
        }
    }
    b
}

fn aligned(line: Line<'static>, w: usize, align: Align, amb: AmbiguousWidth) -> Vec<Span<'static>> {
    let used = spans_width(&line.spans, amb);
    let room = w.saturating_sub(used);
    let (l, r) = match align {
        Align::Left => (0, room),
        Align::Right => (room, 0),
        Align::Center => (room / 2, room - room / 2),
    };
    let mut out = Vec::with_capacity(line.spans.len() + 2);
    if l > 0 {
        out.push(Span::raw(" ".repeat(l)));
    }
    out.extend(line.spans);
    if r > 0 {
        out.push(Span::raw(" ".repeat(r)));
    }
    out
}

/// Lays out a table at `width`, each row prefixed with `hang` (a blockquote's bar, a list's
/// indent) when there is room for it.
pub fn layout(
    rows: &[Vec<Cell>],
    hang: &[Span<'static>],
    width: usize,
    theme: &Theme,
    amb: AmbiguousWidth,
    out: &mut impl RowSink,
) {
    let hang_w = spans_width(hang, amb);
    let (hang, avail) = if hang_w > 0 && hang_w + 8 <= width {
        (hang, width - hang_w)
    } else {
        (&[][..], width)
    };
    let (grid, n) = place(rows);
    if n == 0 || width == 0 {
        return;
    }
    let (min, max) = columns(&grid, n, amb);
    let Some((widths, pad)) = fit(&min, &max, avail) else {
        stacked(rows, hang, avail, theme, amb, out);
        return;
    };
    let border = theme.quote;
    let line = |text: String| {
        let mut spans = hang.to_vec();
        spans.push(Span::styled(text, border));
        Line::from(spans)
    };
    let span_w = |p: &Placed<'_>| {
        widths[p.col..p.col + p.span].iter().sum::<usize>() + (p.span - 1) * (2 * pad + 1)
    };
    let laid: Vec<Vec<Vec<Line<'static>>>> = grid
        .iter()
        .map(|r| {
            r.iter()
                .map(|p| cell_rows(p.cell, span_w(p), theme, amb))
                .collect()
        })
        .collect();
    let heads = header_rows(rows);
    let ruled = laid
        .iter()
        .skip(heads)
        .any(|r| r.iter().any(|c| c.len() > 1));
    let none = vec![false; n.saturating_sub(1)];
    let bar = amb.box_char('│').to_string();
    let mut above = none.clone();
    for (ri, (row, cells)) in grid.iter().zip(laid).enumerate() {
        let here = boundaries(row, n);
        if ri == 0 {
            out.push_line(line(rule(&widths, pad, &none, &here, ['┌', '┐'], amb)));
        } else if ri <= heads || ruled {
            out.push_line(line(rule(&widths, pad, &above, &here, ['├', '┤'], amb)));
        }
        let height = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let mut cells: Vec<_> = cells.into_iter().map(|c| c.into_iter()).collect();
        for _ in 0..height {
            let mut spans = hang.to_vec();
            spans.push(Span::styled(bar.clone(), border));
            let mut col = 0;
            for (p, rows) in row.iter().zip(cells.iter_mut()) {
                let w = span_w(p);
                let l = rows.next().unwrap_or_default();
                spans.push(Span::raw(" ".repeat(pad)));
                spans.extend(aligned(l, w, p.cell.align, amb));
                spans.push(Span::raw(" ".repeat(pad)));
                spans.push(Span::styled(bar.clone(), border));
                col = p.col + p.span;
            }
            // A short row: empty cells to the table's edge.
            for w in &widths[col.min(n)..] {
                spans.push(Span::raw(" ".repeat(w + 2 * pad)));
                spans.push(Span::styled(bar.clone(), border));
            }
            out.push_line(Line::from(spans));
        }
        above = here;
    }
    if !grid.is_empty() {
        out.push_line(line(rule(&widths, pad, &above, &none, ['└', '┘'], amb)));
    }
}

/// The plain text of a cell, its lines joined by spaces.
fn plain(cell: &Cell) -> String {
    let mut s = String::new();
    for line in &cell.lines {
        if let Block::Text { spans, .. } = line {
            if !s.is_empty() {
                s.push(' ');
            }
            s.extend(spans.iter().map(|x| x.content.as_ref()));
        }
    }
    s.trim().to_string()
}

/// One record per body row: `header: value` paragraphs between rules.
fn stacked(
    rows: &[Vec<Cell>],
    hang: &[Span<'static>],
    width: usize,
    theme: &Theme,
    amb: AmbiguousWidth,
    out: &mut impl RowSink,
) {
    let heads = header_rows(rows);
    let (grid, _) = place(rows);
    let labels: Vec<(usize, String)> = grid
        .first()
        .filter(|_| heads > 0)
        .map(|r| r.iter().map(|p| (p.col, plain(p.cell))).collect())
        .unwrap_or_default();
    let label_of = |col: usize| {
        labels
            .iter()
            .rev()
            .find(|(c, _)| *c <= col)
            .map(|(_, l)| l.as_str())
            .filter(|l| !l.is_empty())
    };
    let prefix = |mut spans: Vec<Span<'static>>| {
        let mut l = hang.to_vec();
        l.append(&mut spans);
        l
    };
    let indent = if width >= 6 { "  " } else { "" };
    let mut sub_hang = hang.to_vec();
    sub_hang.push(Span::raw(indent));
    let rule = || {
        let text = amb.box_char('─').to_string().repeat(width);
        Line::from(prefix(vec![Span::styled(text, theme.quote)]))
    };
    // With no header row, every row is a record; with one, the header names the fields.
    let body = if heads > 0 { &grid[heads..] } else { &grid[..] };
    let body = if body.is_empty() { &grid[..] } else { body };
    for row in body {
        out.push_line(rule());
        for p in row {
            let mut first = true;
            for line in &p.cell.lines {
                let Block::Text { spans, hang: h } = line else {
                    continue;
                };
                let mut s = Vec::new();
                if first {
                    match label_of(p.col) {
                        Some(l) => {
                            s.push(Span::styled(l.to_string(), theme.strong));
                            s.push(Span::raw(": "));
                        }
                        None => s.push(Span::styled("• ", theme.quote)),
                    }
                } else {
                    s.push(Span::raw(indent));
                }
                s.extend(spans.iter().cloned());
                let mut hh = sub_hang.clone();
                hh.extend(h.iter().cloned());
                wrap::wrap_into(&prefix(s), &hh, width + spans_width(hang, amb), amb, out);
                first = false;
            }
        }
    }
    if !body.is_empty() {
        out.push_line(rule());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_keep_kinsoku_glue() {
        let n = AmbiguousWidth::Narrow;
        assert_eq!(min_piece("营业收入（亿元）", n), 4);
        assert_eq!(min_piece("Northwind Motors", n), 9);
        assert_eq!(min_piece(&"x".repeat(50), n), LONG_PIECE);
        assert_eq!(min_piece("“引号”", n), 3);
        assert_eq!(min_piece("“引号”", AmbiguousWidth::Wide), 4);
    }

    #[test]
    fn spread_is_proportional_and_exact() {
        assert_eq!(spread(10, &[1, 1]), [5, 5]);
        assert_eq!(spread(7, &[0, 3, 1]).iter().sum::<usize>(), 7);
        assert_eq!(spread(3, &[0, 0, 0]), [1, 1, 1]);
    }
}
