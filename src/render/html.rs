//! HTML → logical (unwrapped) styled lines, through html2text's annotated output.
//!
//! html2text lays out at a width so large that it never wraps prose: wrapping is ours
//! (`wrap.rs`), because html2text's breaks ignore Chinese line-breaking rules. Tables too:
//! each table in the DOM is replaced by marker lines and its cells' content before
//! html2text renders, and `table.rs` lays the cells out (see `TABLE_MARK`).

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use html2text::render::{TaggedLine, TextDecorator};
use html2text::{Element, Handle};
use ratatui::style::Style;
use ratatui::text::Span;
use rayon::prelude::*;

use super::chunk::Piece;
use super::simple;
use super::table::{Align, Cell};
use super::theme::Theme;
use super::width::{AmbiguousWidth, str_width};
use crate::sanitize::{clean_inline, clean_line, clean_text};

/// Prose is laid out at this width, i.e. never wrapped by html2text.
const UNWRAPPED: usize = 100_000;

/// Private-use characters that mark heading lines in html2text's output; removed again
/// in `classify`.
pub(super) const HEADING_MARK: char = '\u{e000}';

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Ann {
    #[default]
    Plain,
    Link,
    Image,
    Emphasis,
    Strong,
    Strike,
    Code,
    Pre,
}

/// Our html2text decorator: images as `[alt]`, links followed by a [`LINK_MARK`] that
/// becomes their number, headings marked for styling, quotes as `│ `, bullets as `• `.
#[derive(Clone, Default)]
struct Decorator {
    /// Shared with the decorators of sub-blocks (table cells, quotes), so links are
    /// counted across the whole document.
    links: Rc<RefCell<Vec<String>>>,
}

impl TextDecorator for Decorator {
    type Annotation = Ann;

    fn decorate_link_start(&mut self, url: &str) -> (String, Ann) {
        self.links.borrow_mut().push(url.to_string());
        (String::new(), Ann::Link)
    }
    // Links are not nested (the HTML parser closes an open `<a>`), so the link that ends
    // is the last one started.
    fn decorate_link_end(&mut self) -> String {
        link_mark(self.links.borrow().len())
    }
    fn decorate_em_start(&self) -> (String, Ann) {
        (String::new(), Ann::Emphasis)
    }
    fn decorate_em_end(&self) -> String {
        String::new()
    }
    fn decorate_strong_start(&self) -> (String, Ann) {
        (String::new(), Ann::Strong)
    }
    fn decorate_strong_end(&self) -> String {
        String::new()
    }
    fn decorate_strikeout_start(&self) -> (String, Ann) {
        (String::new(), Ann::Strike)
    }
    fn decorate_strikeout_end(&self) -> String {
        String::new()
    }
    fn decorate_code_start(&self) -> (String, Ann) {
        (String::new(), Ann::Code)
    }
    fn decorate_code_end(&self) -> String {
        String::new()
    }
    fn decorate_preformat_first(&self) -> Ann {
        Ann::Pre
    }
    fn decorate_preformat_cont(&self) -> Ann {
        Ann::Pre
    }
    fn decorate_image(&mut self, _src: &str, title: &str) -> (String, Ann) {
        (image_label(title), Ann::Image)
    }
    fn header_prefix(&self, _level: usize) -> String {
        HEADING_MARK.to_string()
    }
    // ASCII on purpose: html2text sizes these by byte length in places. `classify` draws
    // them as `│ ` and `• `.
    fn quote_prefix(&self) -> String {
        "> ".into()
    }
    fn unordered_item_prefix(&self) -> String {
        "* ".into()
    }
    fn ordered_item_prefix(&self, i: i64) -> String {
        format!("{i}. ")
    }
    fn make_subblock_decorator(&self) -> Self {
        self.clone()
    }
    fn finalise(&mut self, _urls: Vec<String>) -> Vec<TaggedLine<Ann>> {
        Vec::new()
    }
}

/// How an image is shown: its text in brackets.
pub(super) fn image_label(alt: &str) -> String {
    let alt = clean_line(alt);
    let alt = if alt.is_empty() { "image" } else { &alt };
    format!("[{alt}]")
}

/// html2text's output: lines of strings tagged with the stack of open annotations.
type Lines = Vec<TaggedLine<Vec<Ann>>>;

/// One logical line of the body.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// Prose to wrap. `hang` goes in front of continuation rows (quote bars, list indent).
    Text {
        spans: Vec<Span<'static>>,
        hang: Vec<Span<'static>>,
    },
    /// A code line: never reflowed.
    Pre(Vec<Span<'static>>),
    /// A table: rows of cells, each cell its own logical lines (see `table.rs`). `hang`
    /// goes in front of every row (a quote's bar, a list's indent).
    Table {
        rows: Vec<Vec<Cell>>,
        hang: Vec<Span<'static>>,
    },
    Blank,
}

/// A body turned into logical lines, independent of the width.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// Runs of blocks as they were read, none empty, a blank line between two. A long
    /// post's are kept apart: joined, its 50,000 blocks would be copied once more, to
    /// fresh memory, with the cores idle.
    runs: Vec<Vec<Block>>,
    /// Link targets, numbered from 1 in the order the text numbers them. Shared with the
    /// articles laid out from it: a long post has thousands.
    pub links: Arc<Vec<String>>,
}

/// The blank line between two runs of a [`Document`].
static BLANK: Block = Block::Blank;

impl Document {
    /// A document of `blocks`, whose links are written already.
    pub fn new(blocks: Vec<Block>, links: Vec<String>) -> Self {
        Document::from_parts(vec![Part { blocks, links }])
    }

    /// Parts one after the other, their links numbered already.
    fn from_parts(parts: Vec<Part>) -> Self {
        let (runs, links) = gather(parts);
        Document {
            runs,
            links: Arc::new(links),
        }
    }

    /// The blocks in order.
    pub fn blocks(&self) -> Vec<&Block> {
        let mut out = Vec::with_capacity(self.len());
        for (i, run) in self.runs.iter().enumerate() {
            if i > 0 {
                out.push(&BLANK);
            }
            out.extend(run);
        }
        out
    }

    /// How many blocks [`Self::blocks`] gives.
    pub fn len(&self) -> usize {
        let blocks: usize = self.runs.iter().map(Vec::len).sum();
        blocks + self.runs.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }
}

/// A part of a document as read, its links numbered from 1 but not yet written; its
/// blocks become a run of the [`Document`].
#[derive(Debug, Default)]
struct Part {
    blocks: Vec<Block>,
    links: Vec<String>,
}

fn style_of(anns: &[Ann], theme: &Theme) -> Style {
    anns.iter().fold(Style::default(), |s, a| {
        s.patch(match a {
            Ann::Plain => Style::default(),
            Ann::Link => theme.link,
            Ann::Image => theme.image,
            Ann::Emphasis => theme.emphasis,
            Ann::Strong => theme.strong,
            Ann::Strike => theme.strike,
            Ann::Code | Ann::Pre => theme.code,
        })
    })
}

/// The line's leading decoration (quote marks, bullets, list numbers, indent): its length
/// in bytes, how it is drawn, and the hang that continues it on wrapped rows (as wide as
/// the decoration, measured with `amb`).
fn split_prefix(text: &str, amb: AmbiguousWidth) -> (usize, String, String) {
    let mut len = 0;
    let mut shown = String::new();
    let mut hang = String::new();
    loop {
        let rest = &text[len..];
        if rest.starts_with("> ") {
            len += 2;
            shown.push_str("│ ");
            hang.push_str("│ ");
        } else if rest.starts_with("* ") {
            len += 2;
            shown.push_str("• ");
            hang.extend(std::iter::repeat_n(' ', str_width("• ", amb)));
        } else if rest.starts_with(' ') {
            len += 1;
            shown.push(' ');
            hang.push(' ');
        } else {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && rest[digits..].starts_with(". ") {
                len += digits + 2;
                shown.push_str(&rest[..digits + 2]);
                hang.extend(std::iter::repeat_n(' ', digits + 2));
            } else {
                break;
            }
        }
    }
    (len, shown, hang)
}

/// One line's strings, each with its stack of annotations; a string given owned becomes
/// a span without a copy. Unless `clean`, the strings are cleaned first.
fn line_spans<S, T>(
    line: impl Iterator<Item = (S, T)>,
    clean: bool,
    theme: &Theme,
) -> (Vec<Span<'static>>, bool)
where
    S: AsRef<str> + Into<String>,
    T: AsRef<[Ann]>,
{
    let mut pre = false;
    let mut spans = Vec::new();
    for (s, tag) in line {
        if s.as_ref().is_empty() {
            continue;
        }
        let tag = tag.as_ref();
        pre |= tag.contains(&Ann::Pre);
        // Tabs and link marks are rare: both are looked for in one pass, the mark by its
        // first byte (which it shares with the rest of U+E000..U+EFFF).
        let rare = memchr::memchr2(b'\t', LINK_MARK_LEAD, s.as_ref().as_bytes()).is_some();
        // html2text decodes entities (`&#27;`), so its output is cleaned again here.
        let text = if rare && s.as_ref().contains('\t') {
            clean_inline(&s.as_ref().replace('\t', "    ")).into_owned()
        } else if clean {
            s.into()
        } else {
            // Clean text (nearly all) is moved into the span, not copied; the borrow
            // of `s` ends before it is moved.
            match clean_inline(s.as_ref()) {
                Cow::Owned(cleaned) => Some(cleaned),
                Cow::Borrowed(_) => None,
            }
            .unwrap_or_else(|| s.into())
        };
        let style = style_of(tag, theme);
        if !rare || !text.contains(LINK_MARK) {
            spans.push(Span::styled(text, style));
            continue;
        }
        // A link's number is set in the style around the link, not the link's own.
        let mut outer = tag.to_vec();
        if let Some(i) = outer.iter().rposition(|a| *a == Ann::Link) {
            outer.remove(i);
        }
        let outer = style_of(&outer, theme);
        let mut rest = text.as_str();
        while let Some(at) = rest.find(LINK_MARK) {
            if at > 0 {
                spans.push(Span::styled(rest[..at].to_string(), style));
            }
            let end = rest[at..]
                .find(MARK_END)
                .map_or(rest.len(), |e| at + e + MARK_END.len_utf8());
            spans.push(Span::styled(rest[at..end].to_string(), outer));
            rest = &rest[end..];
        }
        if !rest.is_empty() {
            spans.push(Span::styled(rest.to_string(), style));
        }
    }
    (spans, pre)
}

/// Writes each link mark (a span of its own, see [`line_spans`]) as `[n]`, the link's
/// number in its chunk plus `offset`.
fn number_links(blocks: &mut [Block], offset: usize) {
    for block in blocks {
        let spans = match block {
            Block::Text { spans, .. } | Block::Pre(spans) => spans,
            Block::Table { rows, .. } => {
                for cell in rows.iter_mut().flatten() {
                    number_links(&mut cell.lines, offset);
                }
                continue;
            }
            Block::Blank => continue,
        };
        for span in spans {
            if let Some(mark) = span.content.strip_prefix(LINK_MARK) {
                let n: usize = mark.trim_end_matches(MARK_END).parse().unwrap_or(0);
                span.content = numbered("[", n + offset, "]").into();
            }
        }
    }
}

/// The text of `spans`, copied only if there is more than one.
fn joined<'a>(spans: &'a [Span<'static>]) -> Cow<'a, str> {
    match spans {
        [one] => Cow::Borrowed(&one.content),
        _ => Cow::Owned(spans.iter().map(|s| s.content.as_ref()).collect()),
    }
}

/// The leading decoration of the line `spans` make (see [`split_prefix`]) and the
/// character after it. Read from the first span alone where that decides it (what follows
/// the decoration in it cannot start more), so that a line of many spans is not copied.
fn line_prefix(
    spans: &[Span<'static>],
    amb: AmbiguousWidth,
) -> (usize, String, String, Option<char>) {
    if let [first, _, ..] = spans {
        let first = first.content.as_ref();
        let (plen, shown, hang) = split_prefix(first, amb);
        if first
            .as_bytes()
            .get(plen)
            .is_some_and(|b| !matches!(b, b'>' | b'*' | b'0'..=b'9'))
        {
            return (plen, shown, hang, first[plen..].chars().next());
        }
    }
    let text = joined(spans);
    let (plen, shown, hang) = split_prefix(&text, amb);
    let next = text[plen..].chars().next();
    (plen, shown, hang, next)
}

/// Turns prose spans into a `Text` block: restyles the leading decoration, and styles
/// heading lines.
fn classify(spans: Vec<Span<'static>>, theme: &Theme, amb: AmbiguousWidth) -> Block {
    let (plen, shown, hang, next) = line_prefix(&spans, amb);
    classify_prefixed(
        spans,
        (plen, shown, hang),
        next == Some(HEADING_MARK),
        theme,
    )
}

/// [`classify`] with the line's decoration known.
fn classify_prefixed(
    spans: Vec<Span<'static>>,
    (plen, shown, hang): (usize, String, String),
    heading: bool,
    theme: &Theme,
) -> Block {
    if spans.iter().all(|s| s.content.trim().is_empty()) {
        return Block::Blank;
    }
    let mut out = Vec::with_capacity(spans.len() + 1);
    if plen > 0 {
        out.push(Span::styled(shown, theme.quote));
    }
    let mut pos = 0;
    for s in spans {
        let end = pos + s.content.len();
        let keep_from = plen.saturating_sub(pos).min(s.content.len());
        pos = end;
        // Most spans are kept whole: moved, not copied.
        let mut content = if keep_from == 0 {
            s.content
        } else {
            s.content[keep_from..].to_string().into()
        };
        if content.is_empty() {
            continue;
        }
        let mut style = s.style;
        if heading {
            content = content.replace(HEADING_MARK, "").into();
            style = style.patch(theme.heading);
        }
        if !content.is_empty() {
            out.push(Span::styled(content, style));
        }
    }
    let hang = if hang.is_empty() {
        Vec::new()
    } else {
        vec![Span::styled(hang, theme.quote)]
    };
    Block::Text { spans: out, hang }
}

/// A marker line's first character; `html.rs` replaces every outer table with marker
/// lines (`T` start, `C…` a cell, `E` end) followed by the cells' content, so html2text
/// renders cell contents as ordinary text, in document order (links numbered as everywhere
/// else), and `parse` puts the cells back together.
pub(super) const TABLE_MARK: char = '\u{e001}';
/// Ends a marker.
pub(super) const MARK_END: char = '\u{e002}';
/// Stands after a link's text, followed by the link's number within its chunk of the
/// document and [`MARK_END`]; [`number_links`] writes it as `[n]` once the chunks are
/// joined and the numbers known.
pub(super) const LINK_MARK: char = '\u{e003}';
/// The first byte of [`LINK_MARK`] in UTF-8.
const LINK_MARK_LEAD: u8 = 0xe0 | (LINK_MARK as u32 >> 12) as u8;

/// `before`, then `n` in decimal, then `after`, in a string of exactly their size. A post
/// can hold thousands of links, each numbered three times (its mark, its `[n]`, its row
/// in the list), and `format!` grows its string from nothing, a reallocation or two each.
pub(super) fn numbered(before: &str, n: impl itoa::Integer, after: &str) -> String {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(n);
    let mut s = String::with_capacity(before.len() + digits.len() + after.len());
    s.push_str(before);
    s.push_str(digits);
    s.push_str(after);
    s
}

/// A link's mark (see [`LINK_MARK`]) for its number `n` within its chunk.
pub(super) fn link_mark(n: usize) -> String {
    let mut before = [0; 4];
    let mut after = [0; 4];
    numbered(
        LINK_MARK.encode_utf8(&mut before),
        n,
        MARK_END.encode_utf8(&mut after),
    )
}

type Config = html2text::config::Config<Decorator>;

fn element_name(h: &Handle) -> Option<&str> {
    match &h.data {
        Element { name, .. } => Some(&name.local),
        _ => None,
    }
}

fn attr(h: &Handle, key: &str) -> Option<String> {
    match &h.data {
        Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == key)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

/// New `<div>`s, one per text, each holding that text. Made by parsing a snippet, since
/// html2text exposes its DOM nodes but not their constructors. The divs are detached
/// from the snippet's body before it is dropped (dropping a node empties its
/// descendants).
fn fresh_divs(config: &Config, texts: &[String]) -> Vec<Handle> {
    let html: String = texts.iter().map(|t| format!("<div>{t}</div>")).collect();
    let Ok(dom) = config.parse_html(html.as_bytes()) else {
        return Vec::new();
    };
    let find = |h: &Handle, name: &str| {
        h.children
            .borrow()
            .iter()
            .find(|c| element_name(c) == Some(name))
            .cloned()
    };
    let Some(body) = find(&dom.document, "html").and_then(|h| find(&h, "body")) else {
        return Vec::new();
    };
    let divs: Vec<Handle> = std::mem::take(&mut *body.children.borrow_mut());
    divs.into_iter()
        .filter(|d| element_name(d) == Some("div"))
        .collect()
}

fn cell_align(cell: &Handle) -> char {
    let style = attr(cell, "style").unwrap_or_default().to_ascii_lowercase();
    let from_style = style
        .split(';')
        .filter_map(|d| d.split_once(':'))
        .find(|(k, _)| k.trim() == "text-align")
        .map(|(_, v)| v.trim().to_string());
    match from_style
        .or_else(|| attr(cell, "align"))
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "right" | "end" => 'r',
        "center" => 'c',
        _ => 'l',
    }
}

/// A table's replacement: with `marked`, marker divs holding the cells' content (see
/// [`TABLE_MARK`]); without (a table inside a cell), one plain div per cell.
fn table_nodes(table: &Handle, config: &Config, marked: bool) -> Vec<Handle> {
    let mut caption = Vec::new();
    let mut rows: Vec<Handle> = Vec::new();
    for child in table.children.borrow().iter() {
        match element_name(child) {
            Some("caption") => caption = std::mem::take(&mut *child.children.borrow_mut()),
            Some("tr") => rows.push(child.clone()),
            Some("thead" | "tbody" | "tfoot") => rows.extend(
                child
                    .children
                    .borrow()
                    .iter()
                    .filter(|r| element_name(r) == Some("tr"))
                    .cloned(),
            ),
            _ => {}
        }
    }
    let mut texts = Vec::new();
    let mut contents = Vec::new();
    if !caption.is_empty() {
        texts.push(String::new());
        contents.push(rewrite(caption, config, false));
    }
    let first_cell = texts.len();
    for row in &rows {
        let mut new_row = true;
        for cell in row.children.borrow().iter() {
            let header = match element_name(cell) {
                Some("th") => true,
                Some("td") => false,
                _ => continue,
            };
            let span = attr(cell, "colspan")
                .and_then(|c| c.trim().parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, 64);
            texts.push(if marked {
                format!(
                    "{TABLE_MARK}C{}{}{}{span}{MARK_END}",
                    if new_row { 'n' } else { 's' },
                    if header { 'h' } else { 'd' },
                    cell_align(cell),
                )
            } else {
                String::new()
            });
            new_row = false;
            let kids = std::mem::take(&mut *cell.children.borrow_mut());
            contents.push(rewrite(kids, config, false));
        }
    }
    if marked && texts.len() > first_cell {
        texts.insert(first_cell, format!("{TABLE_MARK}T{MARK_END}"));
        contents.insert(first_cell, Vec::new());
        texts.push(format!("{TABLE_MARK}E{MARK_END}"));
        contents.push(Vec::new());
    }
    let divs = fresh_divs(config, &texts);
    if divs.len() != contents.len() {
        return Vec::new();
    }
    for (div, kids) in divs.iter().zip(contents) {
        div.children.borrow_mut().extend(kids);
    }
    divs
}

/// `nodes` with every table replaced by [`table_nodes`], recursively; tables inside a
/// replaced table's cells are flattened (`marked` false).
fn rewrite(nodes: Vec<Handle>, config: &Config, marked: bool) -> Vec<Handle> {
    let mut out = Vec::with_capacity(nodes.len());
    for node in nodes {
        if element_name(&node) == Some("table") {
            out.extend(table_nodes(&node, config, marked));
        } else {
            let kids = std::mem::take(&mut *node.children.borrow_mut());
            let kids = rewrite(kids, config, marked);
            *node.children.borrow_mut() = kids;
            out.push(node);
        }
    }
    out
}

fn run_html2text(html: &str, width: usize) -> Result<(Lines, Vec<String>), html2text::Error> {
    let deco = Decorator::default();
    let links = deco.links.clone();
    let config = html2text::config::with_decorator(deco).allow_width_overflow();
    let dom = config.parse_html(html.as_bytes())?;
    if html.contains("<table") || html.contains("<TABLE") || html.contains("<Table") {
        let kids = std::mem::take(&mut *dom.document.children.borrow_mut());
        let kids = rewrite(kids, &config, true);
        *dom.document.children.borrow_mut() = kids;
    }
    let tree = config.dom_to_render_tree(&dom)?;
    let lines = config.render_to_lines(tree, width)?;
    let links = links.borrow().iter().map(|u| clean_line(u)).collect();
    Ok((lines, links))
}

/// Drops the first `n` bytes of the spans' text.
fn drop_bytes(spans: Vec<Span<'static>>, n: usize) -> Vec<Span<'static>> {
    let mut pos = 0;
    let mut out = Vec::with_capacity(spans.len());
    for s in spans {
        let len = s.content.len();
        let from = n.saturating_sub(pos).min(len);
        pos += len;
        if from == 0 {
            out.push(s);
        } else if from < len {
            out.push(Span::styled(s.content[from..].to_string(), s.style));
        }
    }
    out
}

/// A table being put back together from marker lines.
struct TableBuild {
    /// The raw leading decoration of the start marker line (`> ` in a quote), stripped
    /// from the table's lines.
    prefix: String,
    hang: Vec<Span<'static>>,
    rows: Vec<Vec<Cell>>,
}

impl TableBuild {
    fn cell(&mut self) -> Option<&mut Cell> {
        self.rows.last_mut().and_then(|r| r.last_mut())
    }

    fn push_line(&mut self, spans: Vec<Span<'static>>, theme: &Theme, amb: AmbiguousWidth) {
        let Some(cell) = self.cell() else { return };
        let block = classify(spans, theme, amb);
        if block == Block::Blank && matches!(cell.lines.last(), None | Some(Block::Blank)) {
            return;
        }
        cell.lines.push(block);
    }

    fn finish_cell(&mut self) {
        if let Some(cell) = self.cell() {
            while cell.lines.last() == Some(&Block::Blank) {
                cell.lines.pop();
            }
        }
    }
}

/// Tag-stripping stand-in for the rare document html2text refuses, and for what follows
/// nesting too deep for it (see [`Piece::too_deep`]): the text between tags, with the
/// references `simple.rs` knows decoded; comments and the content of `<script>` and
/// `<style>` are not shown.
fn fallback(html: &str) -> Vec<Block> {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        text.push_str(&simple::decode_known(&rest[..lt]));
        rest = after_markup(&rest[lt..]);
    }
    text.push_str(&simple::decode_known(rest));
    let mut blocks = Vec::new();
    for line in text.lines() {
        let line = clean_line(line);
        if !line.trim().is_empty() {
            blocks.push(Block::Text {
                spans: vec![Span::raw(line)],
                hang: Vec::new(),
            });
        } else if matches!(blocks.last(), Some(Block::Text { .. })) {
            // Lines left by tags alone collapse to one blank.
            blocks.push(Block::Blank);
        }
    }
    if blocks.last() == Some(&Block::Blank) {
        blocks.pop();
    }
    blocks
}

/// What follows the tag or comment `s` starts with; after a `<script>` or `<style>` start
/// tag, what follows its end tag. Unclosed, nothing follows.
fn after_markup(s: &str) -> &str {
    if let Some(body) = s.strip_prefix("<!--") {
        return body.find("-->").map_or("", |e| &body[e + 3..]);
    }
    let Some(end) = s.find('>') else {
        return "";
    };
    let after = &s[end + 1..];
    let name_len = s[1..].bytes().take_while(u8::is_ascii_alphanumeric).count();
    let name = &s[1..1 + name_len];
    if !["script", "style"]
        .iter()
        .any(|r| r.eq_ignore_ascii_case(name))
    {
        return after;
    }
    // Its content is not text, up to `</name`; each `<` is looked at once.
    let b = after.as_bytes();
    for at in memchr::memchr_iter(b'<', b) {
        let close = &b[at + 1..];
        if close.first() == Some(&b'/')
            && close.len() > name_len
            && close[1..=name_len].eq_ignore_ascii_case(name.as_bytes())
        {
            return after_markup(&after[at..]);
        }
    }
    ""
}

/// The private-use characters this module uses as marks ([`HEADING_MARK`] …
/// [`LINK_MARK`]). A post's own are removed, so they cannot pass for ours.
fn is_reserved(c: char) -> bool {
    ('\u{e000}'..='\u{e00f}').contains(&c)
}

/// `html` cleaned ([`clean_text`]) and without [reserved](is_reserved) characters.
fn cleaned(html: &str) -> Cow<'_, str> {
    let clean = clean_text(html);
    // U+E000..U+E00F are EE 80 80..8F in UTF-8.
    if memchr::memmem::find(clean.as_bytes(), b"\xee\x80").is_none() {
        return clean;
    }
    Cow::Owned(clean.chars().filter(|&c| !is_reserved(c)).collect())
}

/// Turns numeric character references to control and [reserved](is_reserved) characters
/// (`&#27;`, `&#x9b;`) into the characters themselves, then cleans the whole HTML, so an
/// escape sequence written with entities is removed whole. Left to html2text, the control
/// character alone would vanish and the rest of its sequence (`]0;x`, `[2J`) would be
/// shown; `&#155;` would become `›`.
fn without_controls(html: &str) -> Cow<'_, str> {
    if !html.contains("&#") {
        return cleaned(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("&#") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let (hex, digits_from) = match after.as_bytes().first() {
            Some(b'x' | b'X') => (true, 1),
            _ => (false, 0),
        };
        let digits = after[digits_from..]
            .bytes()
            .take_while(|b| {
                if hex {
                    b.is_ascii_hexdigit()
                } else {
                    b.is_ascii_digit()
                }
            })
            .count();
        let number = &after[digits_from..digits_from + digits];
        let code = u32::from_str_radix(number, if hex { 16 } else { 10 }).ok();
        match code.and_then(char::from_u32) {
            Some(c) if (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || is_reserved(c) => {
                out.push(c);
                let mut end = digits_from + digits;
                if after[end..].starts_with(';') {
                    end += 1;
                }
                rest = &after[end..];
            }
            _ => {
                out.push_str("&#");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(cleaned(&out).into_owned())
}

/// Pieces rendered by one task are at least this long; shorter documents are one task.
const PIECE_BYTES: usize = 32 * 1024;

/// HTML → the body's logical lines. The document is cut wherever `chunk.rs` allows; each
/// part in the plain shapes `simple.rs` knows is read directly, and each run of the
/// others goes to html2text as one piece. Long documents are done in parallel, in tasks
/// of 32 KiB.
pub fn parse(html: &str, theme: &Theme, amb: AmbiguousWidth) -> Document {
    parse_in_pieces(html, PIECE_BYTES, theme, amb)
}

/// [`parse`] of the Markdown `body`: the HTML of each piece the Markdown is parsed in is
/// cleaned in that piece's task (see [`without_controls`]), not all of it after.
pub fn parse_markdown(body: &str, theme: &Theme, amb: AmbiguousWidth) -> Document {
    // Control characters and escape sequences end at a line end at the latest, so the
    // pieces, which end lines, clean as the whole does.
    let clean = |html: String, ends_line: bool| {
        ends_line.then(|| match without_controls(&html) {
            Cow::Borrowed(_) => html,
            Cow::Owned(clean) => clean,
        })
    };
    let pieces = super::markdown::to_html_then(body, clean);
    match pieces.into_iter().collect::<Option<Vec<String>>>() {
        Some(html) if html.len() < 2 => {
            let html = html.first().map_or("", String::as_str);
            parse_clean(html, &[html.len()], PIECE_BYTES, theme, amb)
        }
        Some(mut html) => {
            let sections = shift_neutral(&mut html);
            if let Some(doc) = parse_apart(&sections, theme, amb) {
                return doc;
            }
            let (html, ends) = concat_sections(&sections);
            parse_clean(&html, &ends, PIECE_BYTES, theme, amb)
        }
        // Not seen from comrak, whose blocks end lines: made and cleaned whole instead.
        None => parse(&super::markdown::to_html(body), theme, amb),
    }
}

fn parse_in_pieces(html: &str, task: usize, theme: &Theme, amb: AmbiguousWidth) -> Document {
    let html = without_controls(html);
    parse_clean(&html, &[html.len()], task, theme, amb)
}

/// [`parse_in_pieces`] of HTML that [`without_controls`] has cleaned, made of sections
/// ending at `ends` (see [`super::chunk::split_sections`]).
fn parse_clean(
    html: &str,
    ends: &[usize],
    task: usize,
    theme: &Theme,
    amb: AmbiguousWidth,
) -> Document {
    let parts = super::chunk::split_sections(html, ends);
    // Consecutive parts, at least `task` bytes of them.
    let mut tasks = Vec::new();
    let (mut first, mut bytes) = (0, 0);
    for (i, p) in parts.iter().enumerate() {
        bytes += p.html.len();
        if bytes >= task || i + 1 == parts.len() {
            tasks.push(&parts[first..=i]);
            (first, bytes) = (i + 1, 0);
        }
    }
    if tasks.len() == 1 {
        // A short post: not worth waking the thread pool for.
        let mut parts = parse_parts(html, tasks[0], theme, amb);
        number_parts(&mut parts, 0);
        return Document::from_parts(parts);
    }
    let per_task: Vec<Vec<Part>> = tasks
        .par_iter()
        .with_max_len(1) // each task alone: see `markdown::to_html_then`
        .map(|t| parse_parts(html, t, theme, amb))
        .collect();
    join_tasks(per_task)
}

/// The document of HTML in `sections` (the HTML of the pieces the Markdown was parsed in),
/// read without copying them into one string (6 MB for a 5 MB post, to fresh memory, on
/// the calling thread), unless a section must be scanned with what comes before it (see
/// [`super::chunk::split_sections`]). Where the scan of the whole cuts between two
/// sections, each is read on its own core; sections across which it goes on are joined,
/// only they, and read together.
fn parse_apart(sections: &[&str], theme: &Theme, amb: AmbiguousWidth) -> Option<Document> {
    use super::chunk::{self, Join};
    let scans: Vec<_> = sections
        .par_iter()
        .with_max_len(1) // each section alone: see `markdown::to_html_then`
        .map(|html| chunk::split_section(html))
        .collect();
    // Runs of sections between cuts.
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    runs.push(0..1);
    for k in 1..sections.len() {
        match chunk::join(scans[k - 1].1, sections[k]) {
            Join::Cut => runs.push(k..k + 1),
            Join::Merge => runs.last_mut().expect("the first run").end = k + 1,
            Join::Rescan => return None,
        }
    }
    let per_task: Vec<Vec<Part>> = runs
        .par_iter()
        .with_max_len(1)
        .map(|run| {
            if run.len() == 1 {
                return parse_parts(sections[run.start], &scans[run.start].0, theme, amb);
            }
            let html = sections[run.clone()].concat();
            let pieces = run_pieces(&html, &sections[run.clone()], &scans[run.clone()]);
            parse_parts(&html, &pieces, theme, amb)
        })
        .collect();
    Some(join_tasks(per_task))
}

/// The pieces of `sections`, scanned apart (`scans`), as pieces of `html`, the sections
/// one after another, where the scan of the whole goes on across each join
/// ([`super::chunk::Join::Merge`]): the pieces on either side of it made one, as
/// [`super::chunk::split_sections`] makes them, without scanning the sections again.
fn run_pieces<'a>(
    html: &'a str,
    sections: &[&str],
    scans: &[(Vec<Piece<'_>>, Option<bool>)],
) -> Vec<Piece<'a>> {
    let mut out: Vec<Piece<'a>> = Vec::with_capacity(scans.iter().map(|s| s.0.len()).sum());
    let mut base = 0;
    for (section, (pieces, _)) in sections.iter().zip(scans) {
        let mut pieces = pieces.iter().map(|p| {
            let at = base + p.at;
            Piece {
                reopen: p.reopen.clone(),
                at,
                html: &html[at..at + p.html.len()],
                too_deep: p.too_deep,
            }
        });
        if base > 0
            && let (Some(last), Some(first)) = (out.last_mut(), pieces.next())
        {
            last.html = &html[last.at..first.at + first.html.len()];
            last.too_deep = first.too_deep;
        }
        out.extend(pieces);
        base += section.len();
    }
    out
}

/// `sections` as they are read apart: the start of each but the first that the scan passes
/// over without a change of state (white space, comments: see
/// [`super::chunk::neutral_prefix`]) moved to the end of the section before, and the
/// sections left empty dropped. The document is the same, but a join before ` <p>` or
/// `<!-- … -->`, where a scraped post's raw HTML blocks start, no longer makes the whole
/// be scanned on one core (see [`super::chunk::join`]).
fn shift_neutral(sections: &mut [String]) -> Vec<&str> {
    let mut starts = vec![0; sections.len()];
    let mut last = 0;
    for (k, start) in starts.iter_mut().enumerate().skip(1) {
        let (before, after) = sections.split_at_mut(k);
        let n = super::chunk::neutral_prefix(&after[0]);
        before[last].push_str(&after[0][..n]);
        *start = n;
        if n < after[0].len() {
            last = k;
        }
    }
    sections
        .iter()
        .zip(starts)
        .enumerate()
        .filter(|(k, (s, a))| *k == 0 || *a < s.len())
        .map(|(_, (s, a))| &s[a..])
        .collect()
}

/// `sections` one after another, and where each ends in that (see
/// [`super::chunk::split_sections`]).
fn concat_sections(sections: &[&str]) -> (String, Vec<usize>) {
    let ends = sections
        .iter()
        .scan(0, |end, h| {
            *end += h.len();
            Some(*end)
        })
        .collect();
    (sections.concat(), ends)
}

/// The document of parts read in tasks, each task's parts in order.
fn join_tasks(per_task: Vec<Vec<Part>>) -> Document {
    // Each task's links are numbered on from those of the tasks before it.
    let mut offsets = Vec::with_capacity(per_task.len());
    let mut links = 0;
    for parts in &per_task {
        offsets.push(links);
        links += parts.iter().map(|p| p.links.len()).sum::<usize>();
    }
    // Numbered and gathered on every core: only the tasks' runs and links, moved, are
    // joined on this one.
    let gathered: Vec<_> = per_task
        .into_par_iter()
        .zip(offsets)
        .with_max_len(1)
        .map(|(mut parts, offset)| {
            number_parts(&mut parts, offset);
            gather(parts)
        })
        .collect();
    let mut runs = Vec::with_capacity(gathered.iter().map(|g| g.0.len()).sum());
    let mut all_links = Vec::with_capacity(links);
    for (mut r, mut l) in gathered {
        runs.append(&mut r);
        all_links.append(&mut l);
    }
    Document {
        runs,
        links: Arc::new(all_links),
    }
}

/// The runs of [`Document`] that `parts` make (the blocks of those that have any), and
/// their links.
fn gather(parts: Vec<Part>) -> (Vec<Vec<Block>>, Vec<String>) {
    let mut runs = Vec::with_capacity(parts.len());
    let mut links = Vec::with_capacity(parts.iter().map(|p| p.links.len()).sum());
    for mut part in parts {
        if !part.blocks.is_empty() {
            runs.push(part.blocks);
        }
        links.append(&mut part.links);
    }
    (runs, links)
}

/// Writes the links of `parts`, one after the other, numbered on from `offset`.
fn number_parts(parts: &mut [Part], mut offset: usize) {
    for part in parts {
        number_links(&mut part.blocks, offset);
        offset += part.links.len();
    }
}

/// Consecutive parts of a document, each read on its own with its links numbered from 1
/// but not yet written: read by `simple.rs` where it can, the runs between by html2text.
fn parse_parts(doc: &str, parts: &[Piece], theme: &Theme, amb: AmbiguousWidth) -> Vec<Part> {
    let mut out = Vec::new();
    // The run of parts left to html2text: what its first part reopens, where it starts
    // and ends in the document.
    let mut run: Option<(&str, usize, usize)> = None;
    let flush = |run: &mut Option<(&str, usize, usize)>, out: &mut Vec<Part>| {
        if let Some((reopen, start, end)) = run.take() {
            let html = &doc[start..end];
            out.push(if reopen.is_empty() {
                html2text_piece(html, theme, amb)
            } else {
                html2text_piece(&format!("{reopen}{html}"), theme, amb)
            });
        }
    };
    for p in parts {
        if p.too_deep {
            flush(&mut run, &mut out);
            out.push(Part {
                blocks: fallback(p.html),
                ..Part::default()
            });
            continue;
        }
        if p.reopen.is_empty()
            && let Some(doc) =
                paragraph_piece(p.html, theme, amb).or_else(|| simple_piece(p.html, theme, amb))
        {
            flush(&mut run, &mut out);
            out.push(doc);
            continue;
        }
        let end = p.at + p.html.len();
        run = Some(match run {
            Some((reopen, start, _)) => (reopen, start, end),
            None => (&p.reopen, p.at, end),
        });
    }
    flush(&mut run, &mut out);
    out
}

/// A piece of a document read by `simple.rs`, if it is in the shapes that module knows;
/// its links numbered from 1 but not yet written.
fn simple_piece(html: &str, theme: &Theme, amb: AmbiguousWidth) -> Option<Part> {
    let (lines, links) = simple::render(html)?;
    let links = links.iter().map(|u| clean_line(u)).collect();
    // Its text is clean: it gives up on any character a cleaning would change.
    Some(document(
        lines.into_iter().map(Vec::into_iter),
        true,
        links,
        theme,
        amb,
    ))
}

/// A piece that is one paragraph of plain words (see [`simple::paragraph`]).
fn paragraph_piece(html: &str, theme: &Theme, amb: AmbiguousWidth) -> Option<Part> {
    let text = simple::paragraph(html)?;
    let line = std::iter::once((text, [] as [Ann; 0]));
    Some(document(
        std::iter::once(line),
        true,
        Vec::new(),
        theme,
        amb,
    ))
}

/// A piece of a document through html2text, its links numbered from 1 but not yet
/// written.
fn html2text_piece(html: &str, theme: &Theme, amb: AmbiguousWidth) -> Part {
    let Ok((lines, links)) = run_html2text(html, UNWRAPPED) else {
        return Part {
            blocks: fallback(html),
            ..Part::default()
        };
    };
    let lines = lines.iter().map(|l| {
        l.tagged_strings()
            .map(|ts| (ts.s.as_str(), ts.tag.as_slice()))
    });
    document(lines, false, links, theme, amb)
}

/// html2text's lines (or the same from [`simple::render`]) as a part of a document;
/// `clean` if their strings are known to need no cleaning.
fn document<L, S, T>(
    lines: impl ExactSizeIterator<Item = L>,
    clean: bool,
    links: Vec<String>,
    theme: &Theme,
    amb: AmbiguousWidth,
) -> Part
where
    L: Iterator<Item = (S, T)>,
    S: AsRef<str> + Into<String>,
    T: AsRef<[Ann]>,
{
    let mut blocks = Vec::with_capacity(lines.len());
    let mut table: Option<TableBuild> = None;
    for line in lines {
        let (spans, pre) = line_spans(line, clean, theme);
        let (plen, shown, hang, next) = line_prefix(&spans, amb);
        if table.is_none() && next != Some(TABLE_MARK) {
            let block = if pre {
                Block::Pre(spans)
            } else {
                let heading = next == Some(HEADING_MARK);
                classify_prefixed(spans, (plen, shown, hang), heading, theme)
            };
            // Runs of blank lines (hidden paragraphs, empty divs) collapse to one.
            if block == Block::Blank && matches!(blocks.last(), None | Some(Block::Blank)) {
                continue;
            }
            blocks.push(block);
            continue;
        }
        let text = joined(&spans).into_owned();
        if let Some(marker) = text[plen..].strip_prefix(TABLE_MARK) {
            let end = marker
                .find(MARK_END)
                .map_or(marker.len(), |e| e + MARK_END.len_utf8());
            let meta = marker[..end].trim_end_matches(MARK_END);
            let rest = drop_bytes(spans, plen + TABLE_MARK.len_utf8() + end);
            let rest_text: String = rest.iter().map(|s| s.content.as_ref()).collect();
            let rest = drop_bytes(rest, rest_text.len() - rest_text.trim_start().len());
            let mut kind = meta.chars();
            match kind.next() {
                Some('T') => {
                    table = Some(TableBuild {
                        prefix: text[..plen].to_string(),
                        hang: if hang.is_empty() {
                            Vec::new()
                        } else {
                            vec![Span::styled(hang, theme.quote)]
                        },
                        rows: Vec::new(),
                    });
                }
                Some('C') => {
                    if let Some(t) = table.as_mut() {
                        t.finish_cell();
                        let new_row = kind.next() == Some('n');
                        let header = kind.next() == Some('h');
                        let align = match kind.next() {
                            Some('r') => Align::Right,
                            Some('c') => Align::Center,
                            _ => Align::Left,
                        };
                        let colspan = kind.as_str().parse().unwrap_or(1);
                        if new_row || t.rows.is_empty() {
                            t.rows.push(Vec::new());
                        }
                        if let Some(row) = t.rows.last_mut() {
                            row.push(Cell {
                                lines: Vec::new(),
                                header,
                                colspan,
                                align,
                            });
                        }
                        if !rest.is_empty() {
                            t.push_line(rest, theme, amb);
                        }
                    }
                }
                Some('E') => {
                    if let Some(mut t) = table.take() {
                        t.finish_cell();
                        blocks.push(Block::Table {
                            rows: t.rows,
                            hang: t.hang,
                        });
                    }
                }
                _ => {}
            }
            continue;
        }
        if let Some(t) = table.as_mut() {
            let strip = if text.starts_with(t.prefix.as_str()) {
                t.prefix.len()
            } else {
                0
            };
            t.push_line(drop_bytes(spans, strip), theme, amb);
        }
    }
    while blocks.last() == Some(&Block::Blank) {
        blocks.pop();
    }
    Part { blocks, links }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of HTML as comrak writes it and as scraped pages hold it, well formed or
    /// not, to be strung together.
    const FRAGMENTS: &[&str] = &[
        "<p>段落一，文字。</p>",
        "<p>para <a href=\"http://a/\">link</a> end</p>",
        "<p></p>",
        "<p><!-- 编辑 --></p>",
        "<p style=\"display:none;\"><br /></p>",
        " <p><strong>粗体 </strong></p>",
        "<p>a\nb</p>",
        "<h2>标题</h2>",
        "<h3>h<p>x</h3>",
        "<ul>\n<li>甲</li>\n<li><p>乙</p></li>\n</ul>",
        "<ol start=\"3\"><li>one<li>two</ol>",
        "<blockquote>\n<p>引用</p>\n</blockquote>",
        "<pre><code>code\n\nmore</code></pre>",
        "<table><tr><td>a</td><td><a href=\"http://t/\">b</a></td></tr></table>",
        "<table><tr><td><b>x</td></tr></table>",
        "<hr />",
        "<div>div</div>",
        "<span>inline</span>",
        "text",
        "<b>",
        "</b>",
        "<i>open",
        "<div>",
        "</div>",
        "<p>",
        "</p>",
        "<br>",
        "<!-- c -->",
        "<center><img alt=\"K图\" src=\"x.png\" /></center>",
        "<li>stray",
        "<script>var x='<p>';</script>",
        "<a href=\"http://b/\">",
        "</a>",
        "<dl><dt>t<dd>d</dl>",
        "<section>",
        "</section>",
        "<blockquote>",
        "</blockquote>",
        "<P>upper</P>",
        "<svg><p>s</p></svg>",
        "<p>&nbsp;</p>",
        "<p>\u{3000}</p>",
        "<p>&amp; 和</p>",
        "<p><img alt=\"图\" src=\"y\"></p>",
        "<pre><code>x</code></pre>",
        "<h1>一</h1>",
        "<p><a href=\"http://c/\">链接</a>后</p>",
        "<p><span>隐</span></p>",
        "<ul><li></li></ul>",
        "<table></table>",
        "<blockquote></blockquote>",
        "<p>x<br></p>",
        "<div><p>x</p></div>",
        "<p title='a>b'>t</p>",
        "<ul>\n<li>\n<p>松</p>\n</li>\n<li>\n<p>散</p>\n</li>\n</ul>",
        "<p class=\"em_media\">（文章来源：报）</p>",
        "<p>作为<span web=\"1\" href=\"http://q/r/1\" class=\"k\" data-code=\"1,6\">巨化</span>的</p>",
        "<p><span id=\"Info.3\"><a href=\"http://d/\" class=\"infokey\">券商</a></span>获悉</p>",
    ];

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 2000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Cut wherever `chunk.rs` allows, a document renders as it does whole.
        #[test]
        fn pieces_render_as_the_whole(
            parts in prop::collection::vec(
                (prop::sample::select(FRAGMENTS), prop::sample::select(&["", "\n", "\n\n"][..])),
                1..14,
            )
        ) {
            let html: String = parts.iter().flat_map(|(f, sep)| [*f, *sep]).collect();
            let theme = Theme::default();
            let mut whole = html2text_piece(&without_controls(&html), &theme, AmbiguousWidth::Narrow);
            number_links(&mut whole.blocks, 0);
            for task in [0, usize::MAX] {
                let cut = parse_in_pieces(&html, task, &theme, AmbiguousWidth::Narrow);
                prop_assert_eq!(&cut.blocks(), &whole.blocks.iter().collect::<Vec<_>>(), "{:?}", html);
                prop_assert_eq!(&*cut.links, &whole.links);
            }
        }

        /// Read apart, sections render as their document does whole, when they are read
        /// apart at all.
        #[test]
        fn sections_apart_render_as_the_whole(
            parts in prop::collection::vec(
                (
                    prop::sample::select(FRAGMENTS),
                    prop::sample::select(&["", "\n", "\n\n"][..]),
                    any::<bool>(),
                ),
                1..14,
            )
        ) {
            let mut sections = vec![String::new()];
            for (f, sep, end) in &parts {
                let last = sections.last_mut().unwrap();
                last.push_str(f);
                last.push_str(sep);
                if *end {
                    sections.push(String::new());
                }
            }
            let html = sections.concat();
            let theme = Theme::default();
            let mut whole = html2text_piece(&html, &theme, AmbiguousWidth::Narrow);
            number_links(&mut whole.blocks, 0);
            // As they were cut, and with what starts them moved as the reader moves it.
            let mut shifted = sections.clone();
            let shifted = shift_neutral(&mut shifted);
            prop_assert_eq!(shifted.concat(), html.clone());
            let cut: Vec<&str> = sections.iter().map(String::as_str).collect();
            for sections in [cut, shifted] {
                if let Some(apart) = parse_apart(&sections, &theme, AmbiguousWidth::Narrow) {
                    prop_assert_eq!(&apart.blocks(), &whole.blocks.iter().collect::<Vec<_>>(), "{:?}", sections);
                    prop_assert_eq!(&*apart.links, &whole.links);
                }
            }
        }
    }

    /// Parts kept apart read as joined: a blank line between two that have blocks (two
    /// code lines with one between them are one code block to the layout), their links
    /// in order.
    #[test]
    fn a_document_reads_its_parts_as_one() {
        let pre = |s: &'static str| Block::Pre(vec![Span::raw(s)]);
        let part = |blocks: Vec<Block>, links: &[&str]| Part {
            blocks,
            links: links.iter().map(|l| l.to_string()).collect(),
        };
        let doc = join_tasks(vec![
            vec![part(vec![pre("a")], &["x"]), part(Vec::new(), &["y"])],
            vec![part(vec![pre("b"), Block::Blank, pre("c")], &[])],
            Vec::new(),
            vec![part(Vec::new(), &[]), part(vec![pre("d")], &["z"])],
        ]);
        let blank = Block::Blank;
        let (a, b, c, d) = (pre("a"), pre("b"), pre("c"), pre("d"));
        assert_eq!(doc.blocks(), [&a, &blank, &b, &blank, &c, &blank, &d]);
        assert_eq!(doc.len(), 7);
        assert_eq!(*doc.links, ["x", "y", "z"]);
        assert!(Document::new(Vec::new(), Vec::new()).is_empty());
    }

    #[test]
    fn news_sections_are_read_apart() {
        let section = "<p>段落，<a href=\"http://a/\">链接</a>。</p>\n<h2>标题</h2>\n\
                       <ul>\n<li>甲</li>\n</ul>\n<p>尾</p>\n";
        let sections = [section; 3];
        let theme = Theme::default();
        let apart = parse_apart(&sections, &theme, AmbiguousWidth::Narrow).expect("read apart");
        let whole = parse(&sections.concat(), &theme, AmbiguousWidth::Narrow);
        assert_eq!(apart.blocks(), whole.blocks());
        assert_eq!(*apart.links, ["http://a/"; 3]);
        // A join inside an open element: read whole instead.
        let open = ["<div>\n<p>a</p>\n", "<p>b</p>\n</div>\n"];
        assert!(parse_apart(&open, &theme, AmbiguousWidth::Narrow).is_none());
        // A join the scan goes on across (before a rule): those sections read together.
        let rule = [section, "<hr />\n<p>后</p>\n"];
        let apart = parse_apart(&rule, &theme, AmbiguousWidth::Narrow).expect("read apart");
        let whole = parse(&rule.concat(), &theme, AmbiguousWidth::Narrow);
        assert_eq!(apart.blocks(), whole.blocks());
        // Sections that start as scraped raw HTML does: read apart once what starts them
        // is moved to the section before; an empty one is dropped.
        let scraped = [
            section,
            " <p>缩进</p>\n",
            "<!-- EM_StockImg_Start -->\n<center>图</center>\n<!-- EM_StockImg_End -->\n",
            "\n",
            "\n <p>尾</p>\n",
        ];
        assert!(parse_apart(&scraped, &theme, AmbiguousWidth::Narrow).is_none());
        let mut owned = scraped.map(String::from);
        let shifted = shift_neutral(&mut owned);
        assert_eq!(
            shifted,
            [
                &format!("{section} "),
                "<p>缩进</p>\n<!-- EM_StockImg_Start -->\n",
                "<center>图</center>\n<!-- EM_StockImg_End -->\n\n\n ",
                "<p>尾</p>\n",
            ]
        );
        let apart = parse_apart(&shifted, &theme, AmbiguousWidth::Narrow).expect("read apart");
        let whole = parse(&scraped.concat(), &theme, AmbiguousWidth::Narrow);
        assert_eq!(apart.blocks(), whole.blocks());
    }

    /// Inline HTML in the shapes `simple.rs` reads, and a few it must give up on.
    fn inline_html() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            40 => prop::sample::select(&[
                "中文", "ab", "x1", "，", "。", "“引”", "a&amp;b", "&lt;", "&nbsp;", "&#x4e2d;",
                "&#39;", " ", "  ", "\n", "\u{3000}", "\u{200b}", "<br />", "<br>",
                "<!-- c -->", "<img src=\"s\" alt=\"图\" />", "<img src=\"s\" alt=\" a  b \" />",
                "<img alt=\"x&amp;y\" src=\"s\">", "AT & T", "\u{a0}", "a\tb~", "\u{2003}",
            ][..]),
            1 => prop::sample::select(&[
                "&copy", "e\u{301}", "<img src=\"s\" alt=\"\" />", "<img src=\"\" alt=\"x\" />",
                "<span>s</span>", "<hr>", "< b", "</i>",
                // What a cleaning would change, written and as references.
                "\u{202e}", "&#8238;", "\u{2066}", "\u{feff}", "&#xfeff;", "\u{85}", "&#133;",
                "\u{1b}[2J", "&#27;", "\u{9b}", "\u{7f}", "\r",
            ][..]),
        ]
        .prop_map(str::to_string);
        leaf.prop_recursive(2, 12, 3, |inner| {
            let run = prop::collection::vec(inner, 1..4).prop_map(|v| v.concat());
            (
                prop::sample::select(&["strong", "em", "b", "i", "code", "a", "span"][..]),
                run,
                0..3u8,
                attrs(),
            )
                .prop_map(|(tag, content, n, attrs)| match tag {
                    "a" => format!("<a{attrs} href=\"http://x/{n}?a=1&amp;b\">{content}</a>"),
                    _ => format!("<{tag}{attrs}>{content}</{tag}>"),
                })
        })
    }

    /// A few blocks of [`block_html`], with what comrak may write between them.
    fn blocks_html() -> impl Strategy<Value = String> {
        prop::collection::vec(
            (
                block_html(),
                prop::sample::select(&["", "\n", " ", "<!-- x -->"][..]),
            ),
            1..5,
        )
        .prop_map(|blocks| {
            blocks
                .iter()
                .flat_map(|(b, sep)| [b.as_str(), sep])
                .collect()
        })
    }

    /// `html` read by `simple.rs` and by html2text, if `simple.rs` reads it.
    fn both_ways(html: &str) -> Option<(Part, Part)> {
        let theme = Theme::default();
        let ours = simple_piece(html, &theme, AmbiguousWidth::Narrow)?;
        Some((ours, html2text_piece(html, &theme, AmbiguousWidth::Narrow)))
    }

    #[test]
    fn markdown_cleaned_in_pieces_is_cleaned_as_a_whole() {
        // Escapes written as references, in text and in raw HTML, at the ends of the
        // lines where the Markdown is cut into pieces, and a real ESC.
        let para = "正文&#27;]0;标题\n\n<p>&#x1b;[2J清屏&#155;31m</p>\n\n文字\u{1b}[31m红\n\n";
        let body = para.repeat(64 * 1024 / para.len() + 200);
        let md = super::super::markdown::preprocess(&body);
        assert!(super::super::markdown::pieces(&md, 64 * 1024).len() > 1);
        let theme = Theme::default();
        let amb = AmbiguousWidth::Narrow;
        let whole = parse(&super::super::markdown::to_html(&body), &theme, amb);
        let in_pieces = parse_markdown(&body, &theme, amb);
        assert_eq!(in_pieces.blocks(), whole.blocks());
        assert_eq!(in_pieces.links, whole.links);
        let text: String = in_pieces
            .blocks()
            .into_iter()
            .map(|b| format!("{b:?}"))
            .collect();
        assert!(!text.contains('\u{1b}') && !text.contains("[2J") && !text.contains("]0;"));
    }

    /// Tables of inline cells, among other blocks, are read by `simple.rs` as html2text
    /// reads them after `html.rs` has replaced them by marker lines.
    #[test]
    fn tables_are_read_as_html2text_reads_them() {
        let t = "<table>\n<tr>\n<td>T</td>\n</tr>\n</table>";
        for html in [
            "<p>a</p>\n<table>\n<thead>\n<tr>\n<th>项目</th>\n<th align=\"right\">本期</th>\n\
             </tr>\n</thead>\n<tbody>\n<tr>\n<td>x <b>y</b> <a href=\"http://l/\">z</a></td>\n\
             <td align=\"center\"></td>\n</tr>\n</tbody>\n</table>\n<p>b</p>",
            "<table>\n<tr>\n<td> 1<br>2 </td>\n<td align=\"END\">3</td>\n</tr>\n<tr></tr>\n\
             <tr>\n<td>4</td>\n</tr>\n</table>",
            &format!("<blockquote>\n{t}\n<p>q</p>\n</blockquote>\n{t}"),
            &format!("<ul>\n<li>x</li>\n</ul>\n{t}\n{t}\n<h2>h</h2>\n{t}\n<ol>\n<li>y</li>\n</ol>"),
            // A paragraph's blank line after it waits over lists for the next table.
            &format!(
                "<p>p</p>\n<ol>\n<li>x</li>\n</ol>\n<ul>\n<li>y</li>\n</ul>\n{t}\n<ul>\n<li>z</li>\n</ul>\n{t}"
            ),
            &format!("<blockquote>\n<p>q</p>\n</blockquote>\n<ul>\n<li>y</li>\n</ul>\n{t}"),
            &format!("<h3>h</h3>\n<ol>\n<li>x</li>\n</ol>\n{t}\n{t}"),
        ] {
            let (ours, theirs) = both_ways(html).expect(html);
            assert!(ours.blocks.iter().any(|b| matches!(b, Block::Table { .. })));
            assert_eq!(ours.blocks, theirs.blocks, "{html}");
            assert_eq!(ours.links, theirs.links, "{html}");
        }
    }

    /// A centred line between blocks, as scraped posts put their stock charts, is read
    /// by `simple.rs` as html2text reads it; next to a list or more inline content it is
    /// left to html2text.
    #[test]
    fn centred_lines_between_blocks_read_as_html2text() {
        let chart = "<!-- EM_StockImg_Start -->\n<center><img alt=\"K图 600000_0\" \
                     src=\"//i.example.com/k/600000.png\" /></center>\n<!-- EM_StockImg_End -->";
        for html in [
            &format!("<p>前文。</p>\n{chart}\n <p><!-- 编辑 --></p>\n <p>后文。</p>\n "),
            &format!("{chart}\n<h2>标题</h2>"),
            &format!("<blockquote>\n<p>引文</p>\n{chart}\n</blockquote>\n{chart}"),
            "<p>a</p><center>居中 <b>粗</b> <a href=\"http://l/\">链接</a></center>\n<table>\n\
             <tr>\n<td>x</td>\n</tr>\n</table>",
        ] {
            let (ours, theirs) = both_ways(html).expect(html);
            assert_eq!(ours.blocks, theirs.blocks, "{html}");
            assert_eq!(ours.links, theirs.links, "{html}");
        }
        for html in [
            "<p>a</p><center>x</center><ul>\n<li>b</li>\n</ul>",
            "<p>a</p><center>x</center>\n<center>y</center>",
            "<ul>\n<li>b</li>\n</ul><center>x</center>",
            "<p>a</p><center><b>&nbsp;</b>x</center>",
            "<p>a</p><center><br>x</center>",
        ] {
            assert!(both_ways(html).is_none(), "{html}");
        }
    }

    /// What scraped posts put between their articles (a line of section links, a hidden
    /// paragraph of an empty line, a rule) and around stock names (spans with an
    /// `href`) is read by `simple.rs` as html2text reads it; an empty line in a quote is
    /// left to html2text.
    #[test]
    fn scraped_separators_read_as_html2text() {
        let hidden = "<p style=\"display:none;height:1px;overflow:hidden;\"><br /></p>";
        for html in [
            &format!(
                "<p><a href=\"//example.com/c/\">返回</a>｜<a href=\"//example.com/\">首页</a></p>\n\
                 {hidden}<!-- EM_StockImg_Start --><p style=\"text-align:center;\">图</p>\n\
                 <ul>\n<li>x</li>\n</ul>"
            ),
            &format!("<p>a</p>\n<hr />\n<h2>b</h2>\n{hidden}\n<ol>\n<li>y</li>\n</ol>"),
            "<p>各<span web=\"1\" href=\"http://q/r/90\" class=\"k\">证券</span>公司</p>",
        ] {
            let (ours, theirs) = both_ways(html).expect(html);
            assert_eq!(ours.blocks, theirs.blocks, "{html}");
            assert_eq!(ours.links, theirs.links, "{html}");
        }
        assert!(both_ways("<blockquote>\n<p>a</p>\n<p><br /></p>\n</blockquote>").is_none());
    }

    /// An `id` makes html2text keep the strings around its anchor apart.
    #[test]
    fn anchors_keep_strings_apart_as_in_html2text() {
        for html in [
            "<h2><span>中文</span><span id=\"Info.1\">中文</span></h2>",
            "<p><span><span>中文</span></span><span id=\"i\">中文</span></p>",
            "<blockquote>\n<p><strong>中文</strong><b id=\"i\">中文中文</b></p>\n</blockquote>",
            "<ol start=\"6\">\n<li><span id=\"i\">\u{a0}\n<span id=\"j\">。ab<img src=\"s\" \
             alt=\"图\" /></span></span></li>\n</ol>",
            "<p>券商<span id=\"Info.3\"><a href=\"http://d/\" class=\"k\">中国</a></span>获悉</p>",
        ] {
            let (ours, theirs) = both_ways(html).expect(html);
            assert_eq!(ours.blocks, theirs.blocks, "{html}");
            assert_eq!(ours.links, theirs.links, "{html}");
        }
    }

    /// Attributes, mostly none, mostly of the kinds html2text does not read.
    fn attrs() -> impl Strategy<Value = &'static str> {
        prop_oneof![
            8 => Just(""),
            4 => prop::sample::select(&[
                " class=\"c\"", " data-code2=\"1,2\" target=\"_blank\"", " style=\"display:none\"",
                " title=\"t\"", " web=\"1\" href=\"http://s/\"", " id=\"Info.1\"",
            ][..]),
            1 => prop::sample::select(&[" id=\"i\"", " start=\"2\"", " name=\"n\""][..]),
        ]
    }

    fn block_html() -> impl Strategy<Value = String> {
        let run = || prop::collection::vec(inline_html(), 0..5).prop_map(|v| v.concat());
        let item = run().prop_flat_map(|r| {
            prop::sample::select(&[false, true][..]).prop_map(move |p| {
                if p {
                    format!("<li>\n<p>{r}</p>\n</li>\n")
                } else {
                    format!("<li>{r}</li>\n")
                }
            })
        });
        let cell = (
            run(),
            prop::sample::select(&["td", "th"][..]),
            prop::sample::select(
                &[
                    "",
                    "",
                    " align=\"right\"",
                    " align=\"center\"",
                    " align=\" Left\"",
                    " colspan=\"2\"",
                ][..],
            ),
        )
            .prop_map(|(r, tag, a)| format!("<{tag}{a}>{r}</{tag}>\n"));
        let row =
            prop::collection::vec(cell, 0..4).prop_map(|c| format!("<tr>\n{}</tr>\n", c.concat()));
        let table = (prop::collection::vec(row, 0..4), 0..3u8).prop_map(|(rows, shape)| {
            match (shape, rows.split_first()) {
                (1, Some((head, body))) => format!(
                    "<table>\n<thead>\n{head}</thead>\n<tbody>\n{}</tbody>\n</table>",
                    body.concat()
                ),
                (2, _) => format!("<table>\n<tbody>\n{}</tbody>\n</table>", rows.concat()),
                _ => format!("<table>\n{}</table>", rows.concat()),
            }
        });
        let leaf = prop_oneof![
            (run(), attrs()).prop_map(|(r, a)| format!("<p{a}>{r}</p>")),
            (run(), attrs()).prop_map(|(r, a)| format!("<center{a}>{r}</center>")),
            table,
            (run(), attrs()).prop_map(|(r, a)| format!("<h2{a}>{r}</h2>")),
            // Rules, and paragraphs of empty lines as scraped posts put between articles.
            prop::sample::select(
                &[
                    "<hr />",
                    "<hr>",
                    "<hr class=\"c\" />",
                    "<hr id=\"i\" />",
                    "<p><br /></p>",
                    "<p style=\"display:none\"><br /></p>",
                    "<p> <br><br> </p>",
                ][..]
            )
            .prop_map(str::to_string),
            (prop::collection::vec(item, 0..4), 0..12u8).prop_map(|(items, start)| {
                match start {
                    0 => format!("<ul>\n{}</ul>", items.concat()),
                    1 => format!("<ol>\n{}</ol>", items.concat()),
                    n => format!("<ol start=\"{n}\">\n{}</ol>", items.concat()),
                }
            }),
        ];
        leaf.prop_recursive(2, 12, 4, |inner| {
            prop::collection::vec(inner, 1..4)
                .prop_map(|v| format!("<blockquote>\n{}\n</blockquote>", v.join("\n")))
        })
    }

    /// Where `simple.rs` reads `html`, it gives what html2text gives.
    fn read_as_html2text(html: &str) -> Result<(), TestCaseError> {
        if let Some((ours, theirs)) = both_ways(html) {
            prop_assert_eq!(&ours.blocks, &theirs.blocks, "{:?}", html);
            prop_assert_eq!(ours.links, theirs.links);
        }
        Ok(())
    }

    /// Top-level blocks in the shapes of scraped posts, which `simple.rs` mostly reads:
    /// rules and paragraphs of empty lines between the others.
    fn scraped_html() -> impl Strategy<Value = String> {
        prop::collection::vec(
            (
                prop::sample::select(&[
                    "<p>文字 a</p>",
                    "<p style=\"text-align:center;\">中</p>",
                    "<p><br /></p>",
                    "<p style=\"display:none;height:1px;overflow:hidden;\"><br /></p>",
                    "<p> <br><br> </p>",
                    "<p></p>",
                    "<hr />",
                    "<ul>\n<li>b</li>\n</ul>",
                    "<ol start=\"3\">\n<li>c</li>\n</ol>",
                    "<center><img src=\"s\" alt=\"K图\" /></center>",
                    "<h2>标题</h2>",
                    "<blockquote>\n<p>引</p>\n</blockquote>",
                    "<blockquote>\n<p>q</p>\n<p><br /></p>\n<hr />\n</blockquote>",
                    "<table>\n<tr>\n<td>x</td>\n</tr>\n</table>",
                    "<p>作为<span web=\"1\" href=\"http://q/r/1\" class=\"k\">巨化</span>的</p>",
                    "<p><span id=\"bk_1\"><a href=\"http://q/\" class=\"keytip\">保险</a></span>\
                     <span id=\"bkquote_1\"></span>机构</p>",
                ][..]),
                prop::sample::select(&["", "\n", " ", "\n \n", "<!-- EM_StockImg_Start -->"][..]),
            ),
            1..8,
        )
        .prop_map(|blocks| blocks.iter().flat_map(|(b, sep)| [*b, *sep]).collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 3000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Where `simple.rs` reads a piece, it gives what html2text gives.
        #[test]
        fn simple_renders_as_html2text(html in blocks_html()) {
            read_as_html2text(&html)?;
        }

        /// The same for sequences of scraped shapes.
        #[test]
        fn scraped_blocks_render_as_html2text(html in scraped_html()) {
            read_as_html2text(&html)?;
        }

        /// A paragraph of plain words read without the tokenizer is what `simple.rs`
        /// reads; anything else in it leaves it to `simple.rs`.
        #[test]
        fn plain_paragraphs_read_as_simple_reads_them(
            words in prop::collection::vec(
                prop::sample::select(vec![
                    "中文", "，", "。", "“引号”", "（括号）", "word", "9.7%", "a>b", "'q'",
                    "---", "#1", "> ", "* ", "12. ", " ", "  ", "\n", "\t", "\u{3000}",
                    "\u{a0}", "\u{200b}", "e\u{301}", "&amp;", "<b>x</b>", "\r",
                ]),
                0..12,
            ),
            around in prop::sample::select(vec!["", "\n", " ", "\t", "\r", "\u{c}"]),
        ) {
            let html = format!("{around}<p>{}</p>{around}", words.concat());
            let theme = Theme::default();
            if let Some(fast) = paragraph_piece(&html, &theme, AmbiguousWidth::Narrow) {
                let read = simple_piece(&html, &theme, AmbiguousWidth::Narrow);
                prop_assert!(read.is_some(), "{:?}", html);
                let read = read.unwrap();
                prop_assert_eq!(fast.blocks, read.blocks, "{:?}", html);
                prop_assert_eq!(fast.links, read.links);
            }
        }

        /// The same for paragraphs of ASCII words (read many bytes at a time when one
        /// space or newline stands between each two words): `simple.rs` reads them alike.
        #[test]
        fn ascii_paragraphs_read_as_simple_reads_them(
            // One space or newline listed twice: the shape read in one pass.
            words in prop::collection::vec(
                prop::sample::select(vec![
                    "word", "A1", "9.7%", "x.y,", "'q'", "(p)", "-", "~", " ", "\n", " ",
                    "\n", "  ", " \n", "\t",
                ]),
                1..16,
            ),
        ) {
            let text = words.concat();
            let html = format!("<p>{text}</p>");
            let theme = Theme::default();
            let fast = paragraph_piece(&html, &theme, AmbiguousWidth::Narrow);
            let single = !text.starts_with([' ', '\n'])
                && !text.ends_with([' ', '\n'])
                && !text.contains('\t')
                && !["  ", " \n", "\n ", "\n\n"].iter().any(|w| text.contains(w));
            prop_assert!(fast.is_some() || !single, "{:?}", html);
            if let Some(fast) = fast {
                let read = simple_piece(&html, &theme, AmbiguousWidth::Narrow);
                prop_assert!(read.is_some(), "{:?}", html);
                prop_assert_eq!(fast.blocks, read.unwrap().blocks, "{:?}", html);
            }
        }

        /// A line's decoration read from its first span is the one read from the whole.
        #[test]
        fn line_prefix_is_that_of_the_whole(
            pieces in prop::collection::vec(
                prop::collection::vec(
                    prop::sample::select(vec![
                        "> ", ">", "* ", "*", " ", "1", "23", ". ", ".", "a", "中",
                        "\u{e000}", "\u{e001}",
                    ]),
                    0..6,
                ),
                1..4,
            )
        ) {
            let spans: Vec<Span<'static>> =
                pieces.iter().map(|p| Span::raw(p.concat())).collect();
            let whole = joined(&spans);
            let (plen, shown, hang) = split_prefix(&whole, AmbiguousWidth::Narrow);
            let next = whole[plen..].chars().next();
            prop_assert_eq!(
                line_prefix(&spans, AmbiguousWidth::Narrow),
                (plen, shown, hang, next)
            );
        }

        /// What `simple.rs` reads needs no cleaning, so [`simple_piece`] skips it.
        #[test]
        fn simple_text_is_clean(html in blocks_html()) {
            if let Some((lines, _)) = simple::render(&html) {
                for (s, _) in lines.iter().flatten() {
                    prop_assert!(matches!(clean_inline(s), Cow::Borrowed(_)), "{:?} in {:?}", s, html);
                }
            }
        }
    }

    #[test]
    fn news_paragraphs_skip_the_tokenizer() {
        let text = simple::paragraph("<p>第一句，9.7%。\nSecond line  here.</p>\n");
        assert_eq!(text.as_deref(), Some("第一句，9.7%。 Second line here."));
        for html in [
            "<p></p>",
            "<p> </p>",
            "<p>a&amp;b</p>",
            "<p>a\u{3000}b</p>",
            "<p id=\"x\">a</p>",
        ] {
            assert_eq!(simple::paragraph(html), None, "{html}");
        }
    }

    fn text(b: &Block) -> String {
        match b {
            Block::Text { spans, .. } | Block::Pre(spans) => {
                spans.iter().map(|s| s.content.as_ref()).collect()
            }
            Block::Table { rows, .. } => rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| c.lines.iter().map(text).collect::<Vec<_>>().join("/"))
                        .collect::<Vec<_>>()
                        .join("|")
                })
                .collect::<Vec<_>>()
                .join("\n"),
            Block::Blank => String::new(),
        }
    }

    #[test]
    fn nesting_too_deep_is_shown_as_plain_text() {
        let html = format!("<p>前文</p><p>后文{}", "<b>字".repeat(1000));
        let doc = parse(&html, &Theme::default(), AmbiguousWidth::Narrow);
        let texts: Vec<String> = doc.blocks().into_iter().map(text).collect();
        assert_eq!(texts[0], "前文");
        assert_eq!(texts.last().unwrap().matches('字').count(), 1000);
        let strong = Theme::default().strong;
        assert!(doc.blocks().into_iter().all(|b| match b {
            Block::Text { spans, .. } => spans.iter().all(|s| s.style != strong),
            _ => true,
        }));
    }

    /// Past the nesting limit no parser reads the HTML, but scripts, styles and comments
    /// stay hidden and references are decoded.
    #[test]
    fn plain_text_past_deep_nesting_hides_what_html2text_hides() {
        let html = format!(
            "{}\n<SCRIPT type=\"x\">alert('<b>')</script >\n<style>p {{ x }}</STYLE>\n\
             <!-- note > hidden -->\n<p>a &amp; b &lt;c&gt; &#x4e2d; &bogus;&#27;[2J</p>",
            "<b>字".repeat(300)
        );
        let doc = parse(&html, &Theme::default(), AmbiguousWidth::Narrow);
        let shown: String = doc
            .blocks()
            .into_iter()
            .map(text)
            .collect::<Vec<_>>()
            .join("\n");
        assert!(shown.ends_with("a & b <c> 中 &bogus;"), "{shown:?}");
        for hidden in ["alert", "x }", "note", "hidden", "[2J"] {
            assert!(!shown.contains(hidden), "{hidden} in {shown:?}");
        }
    }

    #[test]
    fn prose_is_not_wrapped_and_links_are_numbered() {
        let long = "很长的句子，".repeat(200);
        let doc = parse(
            &format!(
                "<p>{long}</p><p><a href=\"http://a.example/x\">链接</a> and <img alt=\"K图\" src=\"y\"></p>"
            ),
            &Theme::default(),
            AmbiguousWidth::Narrow,
        );
        assert_eq!(text(doc.blocks()[0]), long);
        assert_eq!(text(doc.blocks()[2]), "链接[1] and [K图]");
        assert_eq!(*doc.links, ["http://a.example/x"]);
    }

    #[test]
    fn quotes_lists_and_headings() {
        let doc = parse(
            "<h2>标题</h2><blockquote><p>引用</p></blockquote><ul><li>一</li></ul><ol><li>二</li></ol>",
            &Theme::default(),
            AmbiguousWidth::Narrow,
        );
        let t: Vec<String> = doc.blocks().into_iter().map(text).collect();
        assert_eq!(t, ["标题", "", "│ 引用", "• 一", "1. 二"]);
        let Block::Text { hang, .. } = &doc.blocks()[3] else {
            panic!()
        };
        assert_eq!(hang[0].content, "  ");
        // where the bullet is two columns wide, so is the hang under it
        let wide = parse(
            "<ul><li>一</li></ul>",
            &Theme::default(),
            AmbiguousWidth::Wide,
        );
        let Block::Text { hang, .. } = &wide.blocks()[0] else {
            panic!()
        };
        assert_eq!(hang[0].content, "   ");
        let Block::Text { spans, .. } = &doc.blocks()[0] else {
            panic!()
        };
        assert_eq!(spans[0].style, Theme::default().heading);
    }

    #[test]
    fn spaces_between_styled_runs_survive() {
        let doc = parse(
            "<p>Press <code>?</code> at <a href=\"u\">any</a> time</p>",
            &Theme::default(),
            AmbiguousWidth::Narrow,
        );
        assert_eq!(text(doc.blocks()[0]), "Press ? at any[1] time");
    }

    #[test]
    fn entity_encoded_escapes_are_cleaned() {
        let doc = parse(
            "<p>a&#27;]0;x&#7;b <a href=\"http://x/&#27;[2J\">l</a></p>",
            &Theme::default(),
            AmbiguousWidth::Narrow,
        );
        let t = text(doc.blocks()[0]);
        assert!(!t.chars().any(char::is_control), "{t:?}");
        assert!(!doc.links[0].chars().any(char::is_control));
    }

    #[test]
    fn entity_encoded_escapes_leave_no_junk() {
        // Raw control characters (as comrak writes decoded entities) and references, in
        // text, attributes and with or without the semicolon; C1 CSI as `&#155;`.
        let doc = parse(
            "<p>a\u{1b}]0;x\u{7}b&#27;]0;y&#7;c&#x1b;[2Jd&#155;31me&#x9B;0mf&#27[1mg&#65;&#x4e2d;</p>\n\
             <p><a href=\"http://x/&#27;]52;c;SGVsbG8=&#7;\">l&#27;[31m</a></p>",
            &Theme::default(),
            AmbiguousWidth::Narrow,
        );
        assert_eq!(text(doc.blocks()[0]), "abcdefgA中");
        assert_eq!(text(doc.blocks()[2]), "l[1]");
        assert_eq!(*doc.links, ["http://x/"]);
    }

    #[test]
    fn tables_come_back_as_cells_with_their_links_numbered_in_order() {
        let html = "<p><a href=\"http://a/\">前</a></p>\
            <table><caption>表</caption><thead><tr><th>名称</th><th align=\"right\">说明</th></tr></thead>\
            <tbody><tr><td>看报</td><td style=\"text-align: center\"><p>一</p><p><a href=\"http://b/\">二</a></p></td></tr>\
            <tr><td colspan=\"2\"><table><tr><td>内</td><td>层</td></tr></table></td></tr></tbody></table>\
            <p><a href=\"http://c/\">后</a></p>";
        let doc = parse(html, &Theme::default(), AmbiguousWidth::Narrow);
        let t: Vec<String> = doc.blocks().into_iter().map(text).collect();
        assert_eq!(
            t,
            [
                "前[1]",
                "",
                "表",
                "名称|说明\n看报|一//二[2]\n内/层",
                "",
                "后[3]"
            ],
            "{:?}",
            doc.blocks()
        );
        assert_eq!(*doc.links, ["http://a/", "http://b/", "http://c/"]);
        let Block::Table { rows, .. } = &doc.blocks()[3] else {
            panic!()
        };
        assert!(rows[0][0].header && !rows[1][0].header);
        assert_eq!(rows[0][1].align, Align::Right);
        assert_eq!(rows[1][1].align, Align::Center);
        assert_eq!(rows[2][0].colspan, 2);
    }

    #[test]
    fn a_posts_own_mark_characters_are_dropped() {
        // Written out and as references: neither may number a link, head a line or start
        // a table.
        let html = "<p>\u{e000}甲\u{e003}7\u{e002}乙 &#xe003;8&#57346; <a href=\"http://a/\">丙</a></p>\
            <p>&#57345;T&#xE002;丁</p>";
        let doc = parse(html, &Theme::default(), AmbiguousWidth::Narrow);
        let t: Vec<String> = doc.blocks().into_iter().map(text).collect();
        assert_eq!(t, ["甲7乙 8 丙[1]", "", "T丁"], "{:?}", doc.blocks());
        assert_eq!(*doc.links, ["http://a/"]);
        let Block::Text { spans, .. } = &doc.blocks()[0] else {
            panic!()
        };
        assert_eq!(spans[0].style, Style::default(), "not a heading");
        // The number is set in the paragraph's style, the link text in the link's.
        let theme = Theme::default();
        let last = spans.last().unwrap();
        assert_eq!(
            (last.content.as_ref(), last.style),
            ("[1]", Style::default())
        );
        assert_eq!(spans[spans.len() - 2].style, theme.link);
    }

    #[test]
    fn a_table_in_a_quote_keeps_the_bar() {
        let doc = parse(
            "<blockquote><table><tr><td>甲</td></tr></table></blockquote>",
            &Theme::default(),
            AmbiguousWidth::Narrow,
        );
        let Block::Table { rows, hang } = &doc.blocks()[0] else {
            panic!("{:?}", doc.blocks())
        };
        assert_eq!(hang[0].content, "│ ");
        assert_eq!(text(&rows[0][0].lines[0]), "甲");
    }
}
