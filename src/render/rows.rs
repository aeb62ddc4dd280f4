//! An article's rows, stored compactly. A 5 MB post is some 100,000 rows of one to three
//! spans; as ratatui `Line`s each span is a string of its own and each row a vector:
//! 16 MB at 80 columns in 230,000 allocations, all of it fresh memory on a first render.
//! Here the text of each piece laid out is one string, each span its end and style, each
//! row where its spans begin; a row becomes a `Line` borrowing that text only when it is
//! drawn.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Where rows are written: [`Rows`], or `Line`s for the few who want them (tables' cells,
/// code blocks, tests).
pub trait RowSink {
    /// Starts a row drawn in `style` under its spans (as [`Line::style`]).
    fn start_row(&mut self, style: Style);
    /// Appends a span to the row last started.
    fn push(&mut self, text: &str, style: Style);
    /// Appends a whole row.
    fn push_line(&mut self, line: Line<'static>) {
        self.start_row(line.style);
        for s in &line.spans {
            self.push(&s.content, s.style);
        }
    }
}

impl RowSink for Vec<Line<'static>> {
    fn start_row(&mut self, style: Style) {
        self.push(Line::default().style(style));
    }

    fn push(&mut self, text: &str, style: Style) {
        let row = self.last_mut().expect("a row is started before its spans");
        row.spans.push(Span::styled(text.to_owned(), style));
    }

    fn push_line(&mut self, line: Line<'static>) {
        self.push(line);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SpanEnd {
    /// Where the span ends in its chunk's text.
    end: usize,
    style: Style,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RowStart {
    /// The row's first span in its chunk's spans.
    span: usize,
    style: Style,
}

/// Rows laid out in one piece: text, spans and rows each in one allocation.
#[derive(Clone, Debug, Default)]
struct Chunk {
    text: String,
    spans: Vec<SpanEnd>,
    rows: Vec<RowStart>,
}

impl Chunk {
    /// The spans of row `i`, as indices into `spans`.
    fn span_range(&self, i: usize) -> std::ops::Range<usize> {
        let end = self.rows.get(i + 1).map_or(self.spans.len(), |r| r.span);
        self.rows[i].span..end
    }

    /// Where span `s` starts in `text`.
    fn span_start(&self, s: usize) -> usize {
        s.checked_sub(1).map_or(0, |p| self.spans[p].end)
    }

    fn text(&self, i: usize) -> &str {
        let r = self.span_range(i);
        &self.text[self.span_start(r.start)..self.span_start(r.end)]
    }

    fn line(&self, i: usize) -> Line<'_> {
        let r = self.span_range(i);
        let mut at = self.span_start(r.start);
        let spans = self.spans[r]
            .iter()
            .map(|s| {
                let span = Span::styled(&self.text[at..s.end], s.style);
                at = s.end;
                span
            })
            .collect::<Vec<_>>();
        Line::from(spans).style(self.rows[i].style)
    }
}

/// Styled rows: what an article is laid out as. A long article is laid out in pieces on
/// every core, and keeps them as they are: joined into one, their megabytes would be
/// copied once more, to fresh memory.
#[derive(Clone, Debug, Default)]
pub struct Rows {
    chunks: Vec<Chunk>,
    /// The first row of each chunk.
    starts: Vec<usize>,
    len: usize,
}

impl RowSink for Rows {
    fn start_row(&mut self, style: Style) {
        if self.chunks.is_empty() {
            self.chunks.push(Chunk::default());
            self.starts.push(0);
        }
        let chunk = self.chunks.last_mut().expect("a chunk was just made");
        chunk.rows.push(RowStart {
            span: chunk.spans.len(),
            style,
        });
        self.len += 1;
    }

    fn push(&mut self, text: &str, style: Style) {
        let chunk = self
            .chunks
            .last_mut()
            .expect("a row is started before its spans");
        chunk.text.push_str(text);
        chunk.spans.push(SpanEnd {
            end: chunk.text.len(),
            style,
        });
    }
}

impl PartialEq for Rows {
    /// The same rows, however they are cut into chunks.
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl Eq for Rows {}

impl Rows {
    /// Rows with room for about `text` bytes, `spans` spans and `rows` rows in their first
    /// chunk. A piece of a long article grown by doubling copies its text and spans a
    /// few times, each time to fresh memory; room reserved and never written is never
    /// touched, so a guess on the high side costs nothing.
    pub fn with_room(text: usize, spans: usize, rows: usize) -> Self {
        Rows {
            chunks: vec![Chunk {
                text: String::with_capacity(text),
                spans: Vec::with_capacity(spans),
                rows: Vec::with_capacity(rows),
            }],
            starts: vec![0],
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The chunk that holds row `i`, and the row's place in it.
    fn find(&self, i: usize) -> (&Chunk, usize) {
        assert!(i < self.len, "row {i} of {}", self.len);
        let k = self.starts.partition_point(|&s| s <= i) - 1;
        (&self.chunks[k], i - self.starts[k])
    }

    /// The text of row `i`, its spans one after another.
    pub fn text(&self, i: usize) -> &str {
        let (chunk, i) = self.find(i);
        chunk.text(i)
    }

    /// Row `i` as a line borrowing its text.
    pub fn line(&self, i: usize) -> Line<'_> {
        let (chunk, i) = self.find(i);
        chunk.line(i)
    }

    /// Rows `range` as lines borrowing their text.
    pub fn lines(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = Line<'_>> {
        range.map(|i| self.line(i))
    }

    /// All rows as lines borrowing their text.
    pub fn iter(&self) -> impl Iterator<Item = Line<'_>> {
        self.chunks
            .iter()
            .flat_map(|c| (0..c.rows.len()).map(|i| c.line(i)))
    }

    /// Appends the rows of `parts`, moving them rather than copying.
    pub fn append_all(&mut self, parts: Vec<Rows>) {
        for chunk in parts.into_iter().flat_map(|p| p.chunks) {
            if !chunk.rows.is_empty() {
                self.starts.push(self.len);
                self.len += chunk.rows.len();
                self.chunks.push(chunk);
            }
        }
    }
}

#[cfg(test)]
impl From<Vec<Line<'static>>> for Rows {
    fn from(lines: Vec<Line<'static>>) -> Self {
        let mut rows = Rows::default();
        for l in lines {
            rows.push_line(l);
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::{Color, Modifier};

    fn style() -> impl Strategy<Value = Style> {
        prop::sample::select(vec![
            Style::new(),
            Style::new().fg(Color::Cyan),
            Style::new().add_modifier(Modifier::BOLD),
            Style::new().bg(Color::Indexed(236)),
        ])
    }

    fn lines() -> impl Strategy<Value = Vec<Line<'static>>> {
        let span = ("[a-z 中文]{0,6}", style()).prop_map(|(t, s)| Span::styled(t, s));
        let line = (prop::collection::vec(span, 0..4), style())
            .prop_map(|(spans, s)| Line::from(spans).style(s));
        prop::collection::vec(line, 0..8)
    }

    proptest! {
        /// Rows give back the lines they were made of, spans and styles, row by row, also
        /// when they are pieces appended one after another, to rows made with room or not.
        #[test]
        fn rows_give_back_their_lines(
            parts in prop::collection::vec(lines(), 0..4),
            room in prop::option::of((0..64usize, 0..8usize, 0..8usize)),
        ) {
            let mut rows = room.map_or_else(Rows::default, |(t, s, r)| Rows::with_room(t, s, r));
            rows.append_all(parts.iter().cloned().map(Rows::from).collect());
            let all: Vec<Line> = parts.concat();
            prop_assert_eq!(rows.len(), all.len());
            prop_assert_eq!(rows.iter().collect::<Vec<_>>(), all.clone());
            for (i, l) in all.iter().enumerate() {
                prop_assert_eq!(&rows.line(i), l);
                prop_assert_eq!(rows.text(i), crate::render::line_text(l));
            }
            // Rows written after the pieces go on at the end.
            rows.push_line(Line::raw("末行"));
            prop_assert_eq!(rows.text(all.len()), "末行");
        }
    }
}
