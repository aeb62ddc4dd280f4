//! Post body → styled, wrapped lines for a given width. Pure functions plus a bounded
//! cache keyed by (post, width, ambiguous width): drawing a frame never renders.
//!
//! Markdown (`markdown`) → HTML → html2text's annotated lines (`html`; a long document in
//! pieces cut by `chunk`, on every core) → our CJK-aware wrapper (`wrap`), measured per
//! grapheme cluster (`width`); tables are laid out by `table`, their cells wrapped by the
//! same wrapper. The first steps ([`body`]) do not depend on the width; the cache keeps a
//! long post's body, so a resize only lays it out again ([`lay_out`]).

pub mod chunk;
pub mod html;
pub mod markdown;
pub mod rows;
mod simple;
pub mod table;
pub mod theme;
pub mod width;
pub mod wrap;

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use ratatui::text::{Line, Span};

use crate::post::Post;
use crate::store::PostIx;
use html::{Block, Document};
use ratatui::style::Style;
use rows::{RowSink, Rows};
use theme::Theme;
use width::AmbiguousWidth;

/// A post laid out at one width.
#[derive(Debug, Default)]
pub struct Article {
    pub rows: Rows,
    /// Link targets; the text refers to them as `[1]`, `[2]`, …
    pub links: Arc<Vec<String>>,
}

/// Frees `doc` on the thread pool when it is long. A 5 MB post is some 50,000 blocks, each
/// with its own strings: freeing them takes milliseconds that a render need not wait for.
fn free_later(doc: Document) {
    if doc.len() >= 4096 {
        rayon::spawn(move || drop(doc));
    }
}

/// Lays out a run of code lines: each line kept as a line (wrapped only where it is
/// wider than the pane, never joined with the next), indented two columns and set on a
/// block of the code background with one column of padding each side, like a code box.
fn layout_code(
    lines: &[&[Span<'static>]],
    width: usize,
    theme: &Theme,
    amb: AmbiguousWidth,
    out: &mut Rows,
) {
    let (indent, pad) = if width >= 12 { (2, 1) } else { (0, 0) };
    let inner = width - indent - 2 * pad;
    let rows: Vec<Line<'static>> = lines
        .iter()
        .flat_map(|spans| {
            if spans.is_empty() {
                vec![Line::default()]
            } else {
                wrap::wrap(spans, &[], inner, amb)
            }
        })
        .collect();
    let line_width = |l: &Line| {
        l.spans
            .iter()
            .map(|s| width::str_width(&s.content, amb))
            .sum::<usize>()
    };
    let block_w = rows.iter().map(line_width).max().unwrap_or(0);
    for row in rows {
        let fill = block_w - line_width(&row) + pad;
        let mut spans = vec![Span::raw(" ".repeat(indent))];
        spans.push(Span::styled(" ".repeat(pad), theme.code_block));
        spans.extend(row.spans.into_iter().map(|s| {
            let style = theme.code_block.patch(s.style);
            s.style(style)
        }));
        spans.push(Span::styled(" ".repeat(fill), theme.code_block));
        out.push_line(Line::from(spans));
    }
}

/// Blocks per piece when a long document is laid out in parallel.
const LAYOUT_PIECE: usize = 512;

/// Lays out a document's blocks at `width`; a long one in pieces, in parallel.
fn layout(doc: &Document, width: usize, theme: &Theme, amb: AmbiguousWidth, out: &mut Rows) {
    use rayon::prelude::*;
    let blocks = doc.blocks();
    // Cut at blank lines, but not after a code line: a code block's blank lines are its own.
    let mut pieces = Vec::new();
    let mut start = 0;
    for i in 1..blocks.len() {
        if i - start >= LAYOUT_PIECE
            && *blocks[i] == Block::Blank
            && !matches!(blocks[i - 1], Block::Pre(_))
        {
            pieces.push(&blocks[start..i]);
            start = i;
        }
    }
    pieces.push(&blocks[start..]);
    if pieces.len() == 1 {
        return layout_blocks(&blocks, width, theme, amb, out);
    }
    let laid: Vec<Rows> = pieces
        .par_iter()
        .with_max_len(1) // each piece a task: see `markdown::to_html_then`
        .map(|p| {
            let mut rows = room_for(p, width);
            layout_blocks(p, width, theme, amb, &mut rows);
            rows
        })
        .collect();
    out.append_all(laid);
}

/// Rows with room for what laying out `items` (blocks, links) of `bytes` and `spans` in
/// all at `width` is likely to write, on the high side: a row per `width` bytes (Chinese
/// fills fewer, 3 bytes to 2 columns) and a last one per item, two spans a row more than
/// the items have, and a few bytes of hang a row.
fn room(bytes: usize, spans: usize, items: usize, width: usize) -> Rows {
    let rows = bytes / width + items;
    Rows::with_room(bytes + 8 * rows, spans + 2 * rows, rows)
}

/// [`room`] for laying out `blocks`.
fn room_for(blocks: &[&Block], width: usize) -> Rows {
    let (mut bytes, mut spans) = (0, 0);
    for b in blocks {
        if let Block::Text { spans: s, .. } | Block::Pre(s) = b {
            bytes += s.iter().map(|s| s.content.len()).sum::<usize>();
            spans += s.len();
        }
    }
    room(bytes, spans, blocks.len(), width)
}

fn layout_blocks(
    blocks: &[&Block],
    width: usize,
    theme: &Theme,
    amb: AmbiguousWidth,
    out: &mut Rows,
) {
    let mut i = 0;
    while i < blocks.len() {
        match blocks[i] {
            Block::Text { spans, hang } => wrap::wrap_into(spans, hang, width, amb, out),
            Block::Pre(_) => {
                // A code block: Pre lines, with the blank lines between them.
                let mut lines: Vec<&[Span<'static>]> = Vec::new();
                while i < blocks.len() {
                    match (blocks[i], blocks.get(i + 1).copied()) {
                        (Block::Pre(spans), _) => lines.push(spans),
                        (Block::Blank, Some(Block::Pre(_))) => lines.push(&[]),
                        _ => break,
                    }
                    i += 1;
                }
                layout_code(&lines, width, theme, amb, out);
                continue;
            }
            Block::Blank => out.start_row(Style::default()),
            Block::Table { rows, hang } => table::layout(rows, hang, width, theme, amb, out),
        }
        i += 1;
    }
}

/// The article as the article pane and `kanbao show` present it: title, date, category
/// and tags, a rule, the body, then the numbered links. `width` columns as measured with
/// `amb`.
pub fn render(
    post: &Post,
    category_name: Option<&str>,
    width: usize,
    theme: &Theme,
    amb: AmbiguousWidth,
) -> Article {
    let doc = body(post, theme, amb);
    let article = lay_out(post, &doc, category_name, width, theme, amb);
    free_later(doc);
    article
}

/// The part of rendering that does not depend on the width (Markdown → HTML → logical
/// lines), and for a long post most of the time: kept while the post is open, another
/// width only lays it out again.
pub fn body(post: &Post, theme: &Theme, amb: AmbiguousWidth) -> Document {
    html::parse_markdown(&post.body, theme, amb)
}

/// [`render`] from the post's [`body`].
pub fn lay_out(
    post: &Post,
    doc: &Document,
    category_name: Option<&str>,
    width: usize,
    theme: &Theme,
    amb: AmbiguousWidth,
) -> Article {
    let width = width.max(1);
    let mut rows = Rows::default();
    wrap::wrap_into(
        &[Span::styled(post.title.clone(), theme.title)],
        &[],
        width,
        amb,
        &mut rows,
    );
    let mut meta = Vec::new();
    if let Some(d) = post.date {
        meta.push(d.short());
    }
    if let Some(c) = category_name {
        meta.push(c.to_string());
    }
    // A tag that is the category's shown name would only repeat it.
    let tags: Vec<String> = post
        .tags
        .iter()
        .filter(|t| Some(t.as_str()) != category_name)
        .map(|t| format!("#{t}"))
        .collect();
    if !tags.is_empty() {
        meta.push(tags.join(" "));
    }
    if !meta.is_empty() {
        wrap::wrap_into(
            &[Span::styled(meta.join(" · "), theme.meta)],
            &[],
            width,
            amb,
            &mut rows,
        );
    }
    let rule = amb.box_char('─').to_string();
    rows.push_line(Line::styled(rule.repeat(width), theme.meta));
    layout(doc, width, theme, amb, &mut rows);
    if !doc.links.is_empty() {
        rows.start_row(Style::default());
        rows.push_line(Line::styled(rule.repeat(width.min(8)), theme.meta));
        // A long post's thousands of links are laid out on every core, in pieces.
        if doc.links.len() >= LAYOUT_PIECE {
            use rayon::prelude::*;
            let laid: Vec<Rows> = doc
                .links
                .par_chunks(LAYOUT_PIECE)
                .enumerate()
                .with_max_len(1)
                .map(|(c, chunk)| {
                    let bytes = chunk.iter().map(|u| u.len() + 8).sum();
                    let mut out = room(bytes, 2 * chunk.len(), chunk.len(), width);
                    for (i, url) in chunk.iter().enumerate() {
                        link_rows(c * LAYOUT_PIECE + i, url, width, theme, amb, &mut out);
                    }
                    out
                })
                .collect();
            rows.append_all(laid);
        } else {
            for (i, url) in doc.links.iter().enumerate() {
                link_rows(i, url, width, theme, amb, &mut rows);
            }
        }
    }
    Article {
        rows,
        links: Arc::clone(&doc.links),
    }
}

/// Writes the rows of link `i` (from 0) in the list after the body: `[n] url`, wrapped
/// under `[n]`.
fn link_rows(
    i: usize,
    url: &str,
    width: usize,
    theme: &Theme,
    amb: AmbiguousWidth,
    out: &mut Rows,
) {
    let label = html::numbered("[", i + 1, "] ");
    // Most links fit: their row is written without copying the URL for the wrapper.
    if wrap::fits_as_is(&[Span::raw(label.as_str()), Span::raw(url)], width) {
        out.start_row(Style::default());
        out.push(&label, theme.meta);
        out.push(url, theme.link);
        return;
    }
    let hang = [Span::raw(" ".repeat(label.len()))];
    let spans = [
        Span::styled(label, theme.meta),
        Span::styled(url.to_string(), theme.link),
    ];
    wrap::wrap_into(&spans, &hang, width, amb, out);
}

/// A copy of `rows` with every match of `query` (Latin letters in either case) drawn in
/// `style`, and the rows that hold a match. A match cut by a row break is not marked.
pub fn highlight(rows: &Rows, query: &str, style: Style) -> (Rows, Vec<usize>) {
    let finder = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build([query])
        .ok()
        .filter(|_| !query.is_empty());
    let Some(finder) = finder else {
        return (rows.clone(), Vec::new());
    };
    let mut hits = Vec::new();
    let mut out = Rows::default();
    for row in 0..rows.len() {
        let line = rows.line(row);
        out.start_row(line.style);
        let found: Vec<(usize, usize)> = finder
            .find_iter(rows.text(row))
            .map(|m| (m.start(), m.end()))
            .collect();
        if found.is_empty() {
            for span in &line.spans {
                out.push(&span.content, span.style);
            }
            continue;
        }
        hits.push(row);
        let mut pos = 0;
        for span in &line.spans {
            let (start, end) = (pos, pos + span.content.len());
            pos = end;
            // Cut the span at every match boundary inside it.
            let mut cuts = vec![start, end];
            for &(a, b) in &found {
                cuts.extend([a, b].into_iter().filter(|&c| c > start && c < end));
            }
            cuts.sort_unstable();
            for w in cuts.windows(2) {
                let (a, b) = (w[0], w[1]);
                if a == b {
                    continue;
                }
                let hit = found.iter().any(|&(x, y)| a >= x && b <= y);
                let st = if hit {
                    span.style.patch(style)
                } else {
                    span.style
                };
                out.push(&span.content[a - start..b - start], st);
            }
        }
    }
    (out, hits)
}

/// The plain text of a line, as `kanbao show` prints it.
pub fn line_text(line: &Line<'_>) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

/// What an article was laid out for: the post, the width and how ambiguous characters
/// were measured (so articles laid out with different settings never mix).
pub type CacheKey = (PostIx, u16, AmbiguousWidth);

/// Bodies longer than this are rendered off the UI thread (a 5 MB body takes about a tenth
/// of a second, a 32 MB one about a second); a preview of their start is shown meanwhile.
pub const BACKGROUND_BYTES: usize = 256 << 10;

/// How much of a long body the preview renders: some 400 rows of scraped news, a dozen
/// screens. It is laid out on the UI thread before the whole article's thread starts, so
/// each KiB more delays both the first frame and the whole article: 64 KiB took 1.5–5 ms.
const PREVIEW_BYTES: usize = 16 << 10;

/// The article for the start of a long post, cut at a paragraph break, with a last line
/// saying the rest is coming. Its lines begin as the full article's do, so the reader's
/// place holds when the full one replaces it.
pub fn preview(
    post: &Post,
    category_name: Option<&str>,
    width: usize,
    theme: &Theme,
    amb: AmbiguousWidth,
) -> Article {
    let mut cut = PREVIEW_BYTES.min(post.body.len());
    while !post.body.is_char_boundary(cut) {
        cut -= 1;
    }
    let cut = post.body[..cut].rfind("\n\n").unwrap_or(cut);
    let start = Post {
        body: Arc::new(post.body[..cut].to_string()),
        id: post.id.clone(),
        path: post.path.clone(),
        title: post.title.clone(),
        date: post.date,
        categories: post.categories.clone(),
        tags: post.tags.clone(),
    };
    let mut article = render(&start, category_name, width, theme, amb);
    article.rows.start_row(Style::default());
    article.rows.push_line(Line::styled(
        width::truncate("… (the rest is being laid out)", width, amb).into_owned(),
        theme.meta,
    ));
    article
}

/// Rendered articles by [`CacheKey`], least recently used evicted first.
pub struct Cache {
    capacity: usize,
    tick: u64,
    entries: HashMap<CacheKey, (Rc<Article>, u64)>,
    /// The [`body`] of the last long post rendered off the UI thread.
    document: Option<(PostIx, AmbiguousWidth, Arc<Document>)>,
}

/// The cache holds at most this many rows in all (a 5 MB post is 100,000–140,000 rows at
/// one width, 11–13 MB), so resizing a huge post through many widths does not keep an
/// article per width.
const CACHE_ROWS: usize = 250_000;

impl Cache {
    pub fn new(capacity: usize) -> Self {
        Cache {
            capacity: capacity.max(1),
            tick: 0,
            entries: HashMap::new(),
            document: None,
        }
    }

    /// The article for `key`, rendering it with `make` only on a miss.
    pub fn get_or_render(&mut self, key: CacheKey, make: impl FnOnce() -> Article) -> Rc<Article> {
        self.tick += 1;
        if let Some((article, used)) = self.entries.get_mut(&key) {
            *used = self.tick;
            return article.clone();
        }
        let article = Rc::new(make());
        self.entries.insert(key, (article.clone(), self.tick));
        // Least recently used out first, never the article just added.
        let rows = |entries: &HashMap<CacheKey, (Rc<Article>, u64)>| {
            entries.values().map(|(a, _)| a.rows.len()).sum::<usize>()
        };
        while self.entries.len() > 1
            && (self.entries.len() > self.capacity || rows(&self.entries) > CACHE_ROWS)
            && let Some(oldest) = self
                .entries
                .iter()
                .filter(|(k, _)| **k != key)
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| *k)
        {
            self.entries.remove(&oldest);
        }
        article
    }

    /// Adds an article rendered elsewhere (off the UI thread).
    pub fn insert(&mut self, key: CacheKey, article: Article) {
        self.get_or_render(key, || article);
    }

    /// The cached article, if any; never renders.
    pub fn get(&self, key: CacheKey) -> Option<Rc<Article>> {
        self.entries.get(&key).map(|(a, _)| a.clone())
    }

    /// Keeps the body of a long post, replacing the one kept before.
    pub fn keep_document(&mut self, post: PostIx, amb: AmbiguousWidth, doc: Arc<Document>) {
        self.document = Some((post, amb, doc));
    }

    /// The kept body of `post`, if it is the one kept.
    pub fn document(&self, post: PostIx, amb: AmbiguousWidth) -> Option<Arc<Document>> {
        self.document
            .as_ref()
            .filter(|(p, a, _)| (*p, *a) == (post, amb))
            .map(|(_, _, d)| d.clone())
    }

    /// Forgets a post (its file changed).
    pub fn invalidate(&mut self, post: PostIx) {
        self.entries.retain(|(p, _, _), _| *p != post);
        if self.document.as_ref().is_some_and(|(p, _, _)| *p == post) {
            self.document = None;
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_document_laid_out_in_pieces_is_laid_out_as_whole() {
        let para = |t: &str| Block::Text {
            spans: vec![Span::raw(t.repeat(30))],
            hang: Vec::new(),
        };
        let code = |t: &str| Block::Pre(vec![Span::raw(t.to_string())]);
        let mut blocks = Vec::new();
        for i in 0..3000 {
            // Code blocks with blank lines inside, long enough to straddle a cut.
            if i % 7 == 0 {
                blocks.extend([code("fn a() {}"), Block::Blank]);
                blocks.extend((0..i % 40).map(|_| code("    let x = 1;")));
                blocks.extend([Block::Blank, code("}")]);
            } else {
                blocks.push(para("中文段落，"));
            }
            blocks.push(Block::Blank);
        }
        let doc = Document::new(blocks, Vec::new());
        let theme = Theme::default();
        let (mut cut, mut whole) = (Rows::default(), Rows::default());
        layout(&doc, 40, &theme, AmbiguousWidth::Narrow, &mut cut);
        layout_blocks(
            &doc.blocks(),
            40,
            &theme,
            AmbiguousWidth::Narrow,
            &mut whole,
        );
        assert!(whole.len() > 3 * LAYOUT_PIECE);
        assert_eq!(cut, whole);
    }

    /// Thousands of links (wrapped on every core) are listed in order.
    #[test]
    fn a_long_list_of_links_keeps_its_order() {
        let n = 3 * LAYOUT_PIECE;
        let url = |i: usize| format!("https://example.com/{i}");
        let doc = Document::new(
            vec![Block::Text {
                spans: vec![Span::raw("正文")],
                hang: Vec::new(),
            }],
            (1..=n).map(url).collect(),
        );
        let post = crate::loader::parse_post(
            std::path::Path::new("2026-01-01-links.md"),
            "---\ntitle: t\n---\n",
            &[],
            &mut Vec::new(),
        );
        let art = lay_out(
            &post,
            &doc,
            None,
            40,
            &Theme::default(),
            AmbiguousWidth::Narrow,
        );
        let text: Vec<&str> = (0..art.rows.len()).map(|i| art.rows.text(i)).collect();
        let first = text.iter().position(|l| l.starts_with("[1] ")).unwrap();
        let want: Vec<String> = (1..=n).map(|i| format!("[{i}] {}", url(i))).collect();
        assert_eq!(text[first..], want);
    }

    #[test]
    fn highlight_marks_matches_across_spans() {
        use ratatui::style::{Modifier, Style};
        let mark = Style::new().add_modifier(Modifier::REVERSED);
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let lines = vec![
            Line::from(vec![Span::raw("Kan"), Span::styled("bao 看报", bold)]),
            Line::raw("nothing here"),
            Line::raw("kanBAO again"),
        ];
        let (out, rows) = highlight(&Rows::from(lines.clone()), "kanbao", mark);
        assert_eq!(rows, [0, 2]);
        let first = out.line(0);
        assert_eq!(line_text(&first), "Kanbao 看报");
        assert_eq!(first.spans[0].style, mark);
        assert_eq!(first.spans[1].content, "bao");
        assert_eq!(first.spans[1].style, bold.patch(mark));
        assert_eq!(first.spans[2].style, bold);
        assert_eq!(out.line(1), lines[1]);
        let (_, rows) = highlight(&Rows::from(lines), "看报", mark);
        assert_eq!(rows, [0]);
    }

    #[test]
    fn cache_renders_once_and_evicts_the_least_recent() {
        let mut c = Cache::new(2);
        let renders = std::cell::Cell::new(0);
        let get = |c: &mut Cache, k| {
            c.get_or_render(k, || {
                renders.set(renders.get() + 1);
                Article::default()
            });
        };
        let n = AmbiguousWidth::Narrow;
        get(&mut c, (1, 80, n));
        get(&mut c, (1, 80, n));
        get(&mut c, (2, 80, n));
        get(&mut c, (1, 80, n));
        get(&mut c, (3, 80, n));
        assert_eq!(c.len(), 2);
        assert!(c.get((1, 80, n)).is_some() && c.get((2, 80, n)).is_none());
        assert_eq!(renders.get(), 3);
        // the same post and width measured the other way is another article
        get(&mut c, (1, 80, AmbiguousWidth::Wide));
        assert_eq!(renders.get(), 4);
    }

    #[test]
    fn cache_holds_a_bounded_number_of_rows() {
        let mut c = Cache::new(64);
        let long = |rows| Article {
            rows: Rows::from(vec![Line::raw("行"); rows]),
            links: Arc::default(),
        };
        let n = AmbiguousWidth::Narrow;
        for width in 40..60 {
            c.insert((1, width, n), long(CACHE_ROWS / 3));
        }
        assert_eq!(c.len(), 3, "only the newest widths of a huge post stay");
        assert!(c.get((1, 59, n)).is_some() && c.get((1, 56, n)).is_none());
        // An article longer than the whole budget is still kept, alone.
        c.insert((2, 80, n), long(CACHE_ROWS + 1));
        assert_eq!(c.len(), 1);
        assert!(c.get((2, 80, n)).is_some());
    }
}
