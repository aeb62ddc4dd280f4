//! Cuts a long HTML document into pieces that html2text renders one at a time, in
//! parallel, with the same result as the whole: a cut falls only between two top-level
//! blocks that html2text separates with a blank line (`</p>` … `<p>`), where the HTML
//! parser has no element open and nothing that it would carry over (an unclosed `<b>` is
//! re-opened in later paragraphs). The scan follows the parts of the HTML parsing rules
//! that decide what is open; where it cannot tell, it stops cutting, so the rest of the
//! document is one piece.

use memchr::{memchr, memmem};

/// A cut may fall after the end of one of these top-level blocks …
const BLOCK_BEFORE: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "table",
];

/// … and before the start of one of these: html2text sets them apart with a blank line.
/// (Not a list after a paragraph, nor anything after `<hr>`.) Both must show text where
/// they meet: an empty paragraph renders as nothing, and then the blocks around it decide.
const BLOCK_AFTER: &[&str] = &["p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"];

/// Inline elements that may open a block before its first text.
const INLINE: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "s", "small", "span", "strike", "strong", "sub",
    "sup", "tt", "u",
];

/// Elements without content or end tag.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
    "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Elements after which this scan does not follow the parser (foreign content,
/// templates, frames, `<plaintext>` that never ends): no cut after them.
const OPAQUE: &[&str] = &["svg", "math", "template", "plaintext", "frameset", "select"];

/// Formatting elements: closed implicitly (by an ancestor's end tag, or a block that
/// closes a paragraph), the parser re-opens them in what follows.
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];

/// Elements that end the formatting carried in them (table cells and the like).
const FORMATTING_BOUNDARY: &[&str] = &[
    "table", "td", "th", "caption", "applet", "marquee", "object",
];

/// Start tags that close an open `<p>`. `<table>` is left out: in the quirks mode that
/// a document without a doctype is parsed in, it does not.
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hgroup",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "section",
    "summary",
    "ul",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "listing",
    "form",
    "hr",
];

/// Elements that limit the search for an open `<p>` ("button scope").
const P_SCOPE: &[&str] = &[
    "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "button",
];

/// Ignored by this scan: the parser merges them into the document's own.
const DOCUMENT: &[&str] = &["html", "head", "body"];

fn is(set: &[&str], name: &str) -> bool {
    set.iter().any(|s| s.eq_ignore_ascii_case(name))
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// The end of a tag whose attributes start at `at`: the index after its `>`, and whether
/// it ends in `/>`. `None` if the document ends inside the tag.
fn tag_end(s: &[u8], mut at: usize) -> Option<(usize, bool)> {
    loop {
        while at < s.len() && (is_space(s[at]) || s[at] == b'/') {
            at += 1;
        }
        match s.get(at)? {
            b'>' => return Some((at + 1, s[at - 1] == b'/')),
            _ => {
                // An attribute name (its first character may be anything but space, `/`
                // and `>`), then perhaps `=` and a value.
                at += 1;
                while at < s.len() && !is_space(s[at]) && !matches!(s[at], b'/' | b'>' | b'=') {
                    at += 1;
                }
                while at < s.len() && is_space(s[at]) {
                    at += 1;
                }
                if s.get(at) != Some(&b'=') {
                    continue;
                }
                at += 1;
                while at < s.len() && is_space(s[at]) {
                    at += 1;
                }
                match s.get(at)? {
                    &q @ (b'"' | b'\'') => at += 2 + memchr(q, &s[at + 1..])?,
                    _ => {
                        while at < s.len() && !is_space(s[at]) && s[at] != b'>' {
                            at += 1;
                        }
                    }
                }
            }
        }
    }
}

/// A tag name starting at `at` (a letter): its end.
fn name_end(s: &[u8], mut at: usize) -> usize {
    while at < s.len() && !is_space(s[at]) && !matches!(s[at], b'/' | b'>') {
        at += 1;
    }
    at
}

/// The index after the end of a raw-text element named `name` whose content starts at
/// `at`.
fn raw_text_end(s: &[u8], name: &str, mut at: usize) -> Option<usize> {
    loop {
        at += memmem::find(&s[at..], b"</")? + 2;
        let end = at + name.len();
        if s.get(at..end)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            && s.get(end)
                .is_none_or(|&b| is_space(b) || matches!(b, b'/' | b'>'))
        {
            return tag_end(s, end).map(|(e, _)| e);
        }
    }
}

/// Whether `text` (between tags) shows something: a character that is not white space,
/// outside character references (which may stand for white space).
fn shows(text: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(text) else {
        return true;
    };
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '&' {
            let rest = chars.as_str();
            let reference = rest.bytes().take(32).position(|b| b == b';').filter(|&n| {
                rest.as_bytes()[..n]
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'#')
            });
            if let Some(n) = reference {
                chars = rest[n + 1..].chars();
                continue;
            }
            return true;
        }
        if !c.is_whitespace() {
            return true;
        }
    }
    false
}

/// Whether the content starting at `at` (after a start tag) begins with text that
/// [shows], perhaps inside [`INLINE`] elements.
fn text_first(s: &[u8], mut at: usize) -> bool {
    loop {
        while at < s.len() && is_space(s[at]) {
            at += 1;
        }
        if s.get(at) != Some(&b'<') {
            let to = memchr(b'<', &s[at..]).map_or(s.len(), |i| at + i);
            return at < s.len() && shows(&s[at..to]);
        }
        if !s.get(at + 1).is_some_and(u8::is_ascii_alphabetic) {
            return false;
        }
        let name_to = name_end(s, at + 1);
        let Ok(name) = std::str::from_utf8(&s[at + 1..name_to]) else {
            return false;
        };
        if !is(INLINE, name) {
            return false;
        }
        match tag_end(s, name_to) {
            Some((end, _)) => at = end,
            None => return false,
        }
    }
}

/// The index after a comment whose `<!--` starts at `at`.
fn comment_end(s: &[u8], at: usize) -> Option<usize> {
    let body = at + 4;
    // `<!-->` and `<!--->` are whole (empty) comments.
    for short in [&b">"[..], b"->"] {
        if s[body..].starts_with(short) {
            return Some(body + short.len());
        }
    }
    let mut from = body;
    loop {
        let dash = from + memmem::find(&s[from..], b"--")?;
        let rest = &s[dash + 2..];
        if rest.starts_with(b">") {
            return Some(dash + 3);
        }
        if rest.starts_with(b"!>") {
            return Some(dash + 4);
        }
        from = dash + 1;
    }
}

/// What the scan knows at a point of the document.
struct Scan<'a> {
    /// Open elements, as written in the document (compared ignoring case).
    open: Vec<&'a str>,
    /// The last thing seen (leaving out end tags, white space and comments) was text
    /// that [shows].
    text_last: bool,
    /// Nothing but white space and comments since the end of a top-level block in
    /// [`BLOCK_BEFORE`] that ended in text.
    after_block: bool,
}

impl<'a> Scan<'a> {
    fn open_index(&self, name: &str, scope: &[&str]) -> Option<usize> {
        for (i, e) in self.open.iter().enumerate().rev() {
            if e.eq_ignore_ascii_case(name) {
                return Some(i);
            }
            if is(scope, e) {
                return None;
            }
        }
        None
    }

    /// Closes the elements from `i` up. `false` if that would close a formatting element
    /// implicitly (the parser would open it again later).
    fn close_from(&mut self, i: usize, by: &str) -> bool {
        let implicit = &self.open[i + 1..];
        if !is(FORMATTING_BOUNDARY, by) && implicit.iter().any(|e| is(FORMATTING, e)) {
            return false;
        }
        self.open.truncate(i);
        true
    }

    /// Takes in a start tag. `false` if the scan can no longer follow the parser.
    fn start(&mut self, name: &'a str) -> bool {
        if is(OPAQUE, name) {
            return false;
        }
        if is(DOCUMENT, name) {
            return true;
        }
        if is(CLOSES_P, name)
            && let Some(i) = self.open_index("p", P_SCOPE)
            && !self.close_from(i, name)
        {
            return false;
        }
        if !is(VOID, name) {
            self.open.push(name);
        }
        true
    }

    /// Takes in an end tag. `false` if the scan can no longer follow the parser.
    fn end(&mut self, name: &str) -> bool {
        if is(DOCUMENT, name) || is(VOID, name) {
            return true;
        }
        let Some(i) = self.open_index(name, &[]) else {
            // A stray end tag is ignored.
            return true;
        };
        if is(FORMATTING, name) && i + 1 != self.open.len() {
            // Mis-nested formatting: the parser rearranges the tree.
            return false;
        }
        self.close_from(i, name)
    }
}

/// `html` cut into pieces of at least `target` bytes (the last may be shorter), at
/// points where rendering the pieces one by one and joining them with a blank line gives
/// what rendering the whole would. The pieces cover `html` in order.
pub fn split(html: &str, target: usize) -> Vec<&str> {
    let s = html.as_bytes();
    let mut pieces = Vec::new();
    let mut piece_start = 0;
    let mut scan = Scan {
        open: Vec::new(),
        text_last: false,
        after_block: false,
    };
    let mut at = 0;
    while let Some(lt) = memchr(b'<', &s[at..]).map(|i| at + i) {
        if !s[at..lt].iter().all(|&b| is_space(b)) {
            scan.after_block = false;
            scan.text_last = shows(&s[at..lt]);
        }
        let next = s.get(lt + 1).copied().unwrap_or(0);
        let end = if s[lt..].starts_with(b"<!--") {
            comment_end(s, lt)
        } else if matches!(next, b'!' | b'?') {
            memchr(b'>', &s[lt..]).map(|i| lt + i + 1)
        } else if next == b'/' && s.get(lt + 2).is_some_and(u8::is_ascii_alphabetic) {
            let name_to = name_end(s, lt + 2);
            let name = &html[lt + 2..name_to];
            let Some((end, _)) = tag_end(s, name_to) else {
                break;
            };
            if !scan.end(name) {
                break;
            }
            scan.after_block = scan.open.is_empty() && scan.text_last && is(BLOCK_BEFORE, name);
            Some(end)
        } else if next == b'/' {
            // `</>` is dropped, `</` + other a comment: both up to the next `>`.
            memchr(b'>', &s[lt..]).map(|i| lt + i + 1)
        } else if next.is_ascii_alphabetic() {
            let name_to = name_end(s, lt + 1);
            let name = &html[lt + 1..name_to];
            let Some((mut end, _)) = tag_end(s, name_to) else {
                break;
            };
            if scan.open.is_empty()
                && scan.after_block
                && is(BLOCK_AFTER, name)
                && lt - piece_start >= target
                && text_first(s, end)
            {
                pieces.push(&html[piece_start..lt]);
                piece_start = lt;
            }
            if !scan.start(name) {
                break;
            }
            if is(RAW_TEXT, name) {
                let Some(e) = raw_text_end(s, name, end) else {
                    break;
                };
                end = e;
                if !scan.end(name) {
                    break;
                }
            }
            scan.after_block = false;
            scan.text_last = false;
            Some(end)
        } else {
            // A `<` that starts no tag is text.
            scan.after_block = false;
            scan.text_last = true;
            Some(lt + 1)
        };
        match end {
            Some(e) => at = e,
            None => break,
        }
    }
    pieces.push(&html[piece_start..]);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cuts(html: &str) -> Vec<&str> {
        split(html, 0)
    }

    #[test]
    fn paragraphs_and_blocks_are_cut_apart() {
        assert_eq!(
            cuts("<p>a</p>\n<p>b</p>\n<h2>c</h2><ul><li>d</li></ul>\n<pre>e</pre><hr /><p>f"),
            [
                "<p>a</p>\n",
                "<p>b</p>\n",
                "<h2>c</h2><ul><li>d</li></ul>\n",
                "<pre>e</pre><hr /><p>f"
            ]
        );
    }

    #[test]
    fn pieces_are_at_least_the_target() {
        let html = "<p>a</p><p>b</p><p>c</p><p>d</p>";
        assert_eq!(split(html, 16), ["<p>a</p><p>b</p>", "<p>c</p><p>d</p>"]);
        assert_eq!(split(html, 1000), [html]);
    }

    #[test]
    fn no_cut_inside_an_open_element_or_between_inline_content() {
        for html in [
            "<div><p>a</p><p>b</p></div>",
            "<blockquote>\n<p>a</p>\n<p>b</p>\n</blockquote>",
            "<p>a</p>text<p>b</p>",
            "<p>a</p><div>x</div><p>b</p>",
            "<p>a\n<p>b</p>",
            "<span>a</span>\n<span>b</span>",
            "<b><p>a</p><p>b</p></b>",
        ] {
            assert_eq!(cuts(html), [html], "{html}");
        }
    }

    #[test]
    fn an_implicitly_closed_paragraph_allows_a_cut() {
        assert_eq!(
            cuts("<p>a<p>b</p>\n<p>c</p>"),
            ["<p>a<p>b</p>\n", "<p>c</p>"]
        );
    }

    #[test]
    fn carried_formatting_stops_the_cuts() {
        // `<b>` closed by `</div>` is re-opened in the paragraphs after it.
        let html = "<div><b>a</div><p>b</p><p>c</p>";
        assert_eq!(cuts(html), [html]);
        let html = "<p><i>a<p>b</p><p>c</p>";
        assert_eq!(cuts(html), [html]);
    }

    #[test]
    fn comments_raw_text_and_attributes_hide_tags() {
        for html in [
            "<!-- <div> --><p>a</p><p>b</p>",
            "<script>'<div>'</script><p>a</p><p>b</p>",
            "<p title='</p><div>'>a</p><p>b</p>",
            "<p title=\"x>\">a</p><p>b</p>",
        ] {
            let pieces = cuts(html);
            assert_eq!(pieces.len(), 2, "{html}: {pieces:?}");
            assert_eq!(pieces.concat(), html);
        }
        // An unterminated comment or tag ends the cutting.
        assert_eq!(cuts("<p>a</p><!-- <p>b</p>"), ["<p>a</p><!-- <p>b</p>"]);
        assert_eq!(cuts("<p>a</p><p title='b>"), ["<p>a</p><p title='b>"]);
    }

    #[test]
    fn opaque_content_ends_the_cutting() {
        let html = "<p>a</p><p>b</p><svg><p>c</p></svg><p>d</p><p>e</p>";
        assert_eq!(
            cuts(html),
            ["<p>a</p>", "<p>b</p><svg><p>c</p></svg><p>d</p><p>e</p>"]
        );
    }
}
