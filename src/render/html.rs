//! HTML → logical (unwrapped) styled lines, through html2text's annotated output.
//!
//! html2text lays out at a width so large that it never wraps prose: wrapping is ours
//! (`wrap.rs`), because html2text's breaks ignore Chinese line-breaking rules. Tables are
//! the exception: they are fenced so we can find them, and laid out by html2text again at
//! the real width when they do not fit.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use html2text::render::{TaggedLine, TextDecorator};
use ratatui::style::Style;
use ratatui::text::Span;

use super::theme::Theme;
use crate::sanitize::{clean_inline, clean_line, clean_text};

/// Prose is laid out at this width, i.e. never wrapped by html2text.
const UNWRAPPED: usize = 100_000;

/// Private-use characters that mark heading lines in html2text's output; removed again
/// in `classify`.
const HEADING_MARK: char = '\u{e000}';

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

/// Our html2text decorator: images as `[alt]`, links numbered by html2text's footnote
/// option, headings marked for styling, quotes as `│ `, bullets as `• `.
#[derive(Clone, Default)]
struct Decorator {
    links: Rc<RefCell<Vec<String>>>,
}

impl TextDecorator for Decorator {
    type Annotation = Ann;

    fn decorate_link_start(&mut self, _url: &str) -> (String, Ann) {
        (String::new(), Ann::Link)
    }
    fn decorate_link_end(&mut self) -> String {
        String::new()
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
        let alt = clean_line(title);
        let alt = if alt.is_empty() { "image" } else { &alt };
        (format!("[{alt}]"), Ann::Image)
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
    fn finalise(&mut self, urls: Vec<String>) -> Vec<TaggedLine<Ann>> {
        *self.links.borrow_mut() = urls;
        Vec::new()
    }
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
    /// The n-th table of the document, as html2text laid it out at its natural width.
    Table {
        index: usize,
        rows: Vec<Vec<Span<'static>>>,
    },
    Blank,
}

/// A body turned into logical lines, independent of the width.
#[derive(Clone, Debug, Default)]
pub struct Document {
    pub blocks: Vec<Block>,
    /// Link targets, numbered from 1 in the order the text numbers them.
    pub links: Vec<String>,
    /// Kept only when the body has tables, to lay them out again at a narrow width.
    html_with_tables: Option<String>,
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
/// in bytes, how it is drawn, and the hang that continues it on wrapped rows.
fn split_prefix(text: &str) -> (usize, String, String) {
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
            hang.push_str("  ");
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

fn line_spans(line: &TaggedLine<Vec<Ann>>, theme: &Theme) -> (Vec<Span<'static>>, bool) {
    let mut pre = false;
    let spans = line
        .tagged_strings()
        .filter(|ts| !ts.s.is_empty())
        .map(|ts| {
            pre |= ts.tag.contains(&Ann::Pre);
            // html2text decodes entities (`&#27;`), so its output is cleaned again here.
            let text = clean_inline(&ts.s.replace('\t', "    ")).into_owned();
            Span::styled(text, style_of(&ts.tag, theme))
        })
        .collect();
    (spans, pre)
}

/// Turns prose spans into a `Text` block: restyles the leading decoration, and styles
/// heading lines.
fn classify(spans: Vec<Span<'static>>, theme: &Theme) -> Block {
    let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
    if text.trim().is_empty() {
        return Block::Blank;
    }
    let (plen, shown, hang) = split_prefix(&text);
    let heading = text[plen..].starts_with(HEADING_MARK);
    let mut out = Vec::with_capacity(spans.len() + 1);
    if plen > 0 {
        out.push(Span::styled(shown, theme.quote));
    }
    let mut pos = 0;
    for s in spans {
        let end = pos + s.content.len();
        let keep_from = plen.saturating_sub(pos).min(s.content.len());
        pos = end;
        let mut content = s.content[keep_from..].to_string();
        if content.is_empty() {
            continue;
        }
        let mut style = s.style;
        if heading {
            content = content.replace(HEADING_MARK, "");
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

fn run_html2text(html: &str, width: usize) -> Result<(Lines, Vec<String>), html2text::Error> {
    let deco = Decorator::default();
    let links = deco.links.clone();
    let lines = html2text::config::with_decorator(deco)
        .link_footnotes(true)
        .fence_tables()
        .allow_width_overflow()
        .lines_from_read(html.as_bytes(), width)?;
    let links = links.borrow().iter().map(|u| clean_line(u)).collect();
    Ok((lines, links))
}

fn is_fence(line: &TaggedLine<Vec<Ann>>) -> bool {
    let mut strings = line.tagged_strings();
    matches!((strings.next(), strings.next()), (Some(ts), None) if ts.s == "```" && !ts.tag.contains(&Ann::Pre))
}

/// The tables of `lines`, in order, each as its rows.
fn tables(lines: &[TaggedLine<Vec<Ann>>], theme: &Theme) -> Vec<Vec<Vec<Span<'static>>>> {
    let mut out = Vec::new();
    let mut current: Option<Vec<Vec<Span<'static>>>> = None;
    for line in lines {
        if is_fence(line) {
            match current.take() {
                Some(t) => out.push(t),
                None => current = Some(Vec::new()),
            }
        } else if let Some(t) = current.as_mut() {
            t.push(line_spans(line, theme).0);
        }
    }
    out
}

/// Tag-stripping stand-in for the rare document html2text refuses.
fn fallback(html: &str) -> Vec<Block> {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.lines()
        .map(|l| match clean_line(l) {
            l if l.is_empty() => Block::Blank,
            l => Block::Text {
                spans: vec![Span::raw(l)],
                hang: Vec::new(),
            },
        })
        .collect()
}

/// Turns numeric character references to control characters (`&#27;`, `&#x9b;`) into the
/// characters themselves, then cleans the whole HTML, so an escape sequence written with
/// entities is removed whole. Left to html2text, the control character alone would vanish
/// and the rest of its sequence (`]0;x`, `[2J`) would be shown; `&#155;` would become `›`.
fn without_controls(html: &str) -> Cow<'_, str> {
    if !html.contains("&#") {
        return clean_text(html);
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
            Some(c) if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {
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
    Cow::Owned(clean_text(&out).into_owned())
}

pub fn parse(html: &str, theme: &Theme) -> Document {
    let html = &*without_controls(html);
    let Ok((lines, links)) = run_html2text(html, UNWRAPPED) else {
        return Document {
            blocks: fallback(html),
            ..Document::default()
        };
    };
    let mut blocks = Vec::with_capacity(lines.len());
    let mut table: Option<Vec<Vec<Span<'static>>>> = None;
    let mut table_count = 0;
    for line in &lines {
        if is_fence(line) {
            match table.take() {
                Some(rows) => {
                    blocks.push(Block::Table {
                        index: table_count,
                        rows,
                    });
                    table_count += 1;
                }
                None => table = Some(Vec::new()),
            }
            continue;
        }
        let (spans, pre) = line_spans(line, theme);
        if let Some(rows) = table.as_mut() {
            rows.push(spans);
            continue;
        }
        let block = if pre {
            Block::Pre(spans)
        } else {
            classify(spans, theme)
        };
        // Runs of blank lines (hidden paragraphs, empty divs) collapse to one.
        if block == Block::Blank && matches!(blocks.last(), None | Some(Block::Blank)) {
            continue;
        }
        blocks.push(block);
    }
    while blocks.last() == Some(&Block::Blank) {
        blocks.pop();
    }
    Document {
        blocks,
        links,
        html_with_tables: (table_count > 0).then(|| html.to_string()),
    }
}

impl Document {
    /// The document's tables laid out by html2text to fit `width`, or `None` if it cannot.
    pub fn tables_at(&self, width: usize, theme: &Theme) -> Option<Vec<Vec<Vec<Span<'static>>>>> {
        let html = self.html_with_tables.as_ref()?;
        let deco = Decorator::default();
        let lines = html2text::config::with_decorator(deco)
            .link_footnotes(true)
            .fence_tables()
            .lines_from_read(html.as_bytes(), width)
            .ok()?;
        Some(tables(&lines, theme))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(b: &Block) -> String {
        match b {
            Block::Text { spans, .. } | Block::Pre(spans) => {
                spans.iter().map(|s| s.content.as_ref()).collect()
            }
            Block::Table { rows, .. } => rows
                .iter()
                .map(|r| r.iter().map(|s| s.content.as_ref()).collect::<String>())
                .collect::<Vec<_>>()
                .join("\n"),
            Block::Blank => String::new(),
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
        );
        assert_eq!(text(&doc.blocks[0]), long);
        assert_eq!(text(&doc.blocks[2]), "链接[1] and [K图]");
        assert_eq!(doc.links, ["http://a.example/x"]);
    }

    #[test]
    fn quotes_lists_and_headings() {
        let doc = parse(
            "<h2>标题</h2><blockquote><p>引用</p></blockquote><ul><li>一</li></ul><ol><li>二</li></ol>",
            &Theme::default(),
        );
        let t: Vec<String> = doc.blocks.iter().map(text).collect();
        assert_eq!(t, ["标题", "", "│ 引用", "• 一", "1. 二"]);
        let Block::Text { hang, .. } = &doc.blocks[3] else {
            panic!()
        };
        assert_eq!(hang[0].content, "  ");
        let Block::Text { spans, .. } = &doc.blocks[0] else {
            panic!()
        };
        assert_eq!(spans[0].style, Theme::default().heading);
    }

    #[test]
    fn spaces_between_styled_runs_survive() {
        let doc = parse(
            "<p>Press <code>?</code> at <a href=\"u\">any</a> time</p>",
            &Theme::default(),
        );
        assert_eq!(text(&doc.blocks[0]), "Press ? at any[1] time");
    }

    #[test]
    fn entity_encoded_escapes_are_cleaned() {
        let doc = parse(
            "<p>a&#27;]0;x&#7;b <a href=\"http://x/&#27;[2J\">l</a></p>",
            &Theme::default(),
        );
        let t = text(&doc.blocks[0]);
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
        );
        assert_eq!(text(&doc.blocks[0]), "abcdefgA中");
        assert_eq!(text(&doc.blocks[2]), "l[1]");
        assert_eq!(doc.links, ["http://x/"]);
    }

    #[test]
    fn tables_are_found_and_can_be_laid_out_narrower() {
        let html = "<table><tr><th>名称</th><th>说明</th></tr><tr><td>看报</td><td>一个在终端里读新闻的程序，支持中文排版</td></tr></table>";
        let doc = parse(html, &Theme::default());
        let Block::Table { rows, .. } = &doc.blocks[0] else {
            panic!("{:?}", doc.blocks)
        };
        assert!(
            rows.iter()
                .any(|r| r.iter().any(|s| s.content.contains("看报")))
        );
        let narrow = doc.tables_at(20, &Theme::default()).unwrap();
        assert_eq!(narrow.len(), 1);
        for row in &narrow[0] {
            let w: usize = row
                .iter()
                .map(|s| super::super::width::str_width(&s.content))
                .sum();
            assert!(w <= 20, "{row:?}");
        }
    }
}
