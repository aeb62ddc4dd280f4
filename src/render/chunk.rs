//! Cuts an HTML document into pieces that render one at a time (by `simple.rs` or
//! html2text), in parallel, with the same result as the whole: a cut falls only between
//! two blocks that html2text separates with a blank line (`</p>` … `<p>`), where the HTML
//! parser has nothing open but transparent containers such as `<div>` (`TRANSPARENT`; the
//! next piece opens them again) and nothing that it would carry over (an unclosed `<b>`
//! is re-opened in later paragraphs). The scan follows the parts of the HTML parsing rules
//! that decide what is open; where it cannot tell, it stops cutting, so the rest of the
//! document is one piece.

use memchr::{memchr, memmem};

/// A cut may fall after the end of one of these blocks …
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

/// Deeper nesting than this ends the cutting, so a hostile document cannot make every
/// end tag search a long list of open elements.
const MAX_OPEN: usize = 256;

/// Ignored by this scan: the parser merges them into the document's own.
const DOCUMENT: &[&str] = &["html", "head", "body"];

/// Containers that only start and end lines: a cut may fall inside them (a scraped page
/// often wraps the whole article in one `<div>`). The piece after the cut lacks their
/// start tags and the one before their end tags, which changes nothing html2text shows
/// between two blank-separated blocks.
const TRANSPARENT: &[&str] = &[
    "div", "section", "article", "main", "header", "footer", "nav", "aside", "center",
];

// An element's kind: the sets above it belongs to, as bits.
const K_BLOCK_BEFORE: u16 = 1;
const K_BLOCK_AFTER: u16 = 1 << 1;
const K_INLINE: u16 = 1 << 2;
const K_VOID: u16 = 1 << 3;
const K_RAW_TEXT: u16 = 1 << 4;
const K_OPAQUE: u16 = 1 << 5;
const K_FORMATTING: u16 = 1 << 6;
const K_FORMATTING_BOUNDARY: u16 = 1 << 7;
const K_CLOSES_P: u16 = 1 << 8;
const K_P_SCOPE: u16 = 1 << 9;
const K_DOCUMENT: u16 = 1 << 10;
const K_P: u16 = 1 << 11;
const K_TRANSPARENT: u16 = 1 << 12;

/// The kind of the element `name` (any case); 0 for the rest.
fn kind(name: &str) -> u16 {
    // Keyed by the name's lowercase bytes as one number: no UTF-8 check, no string compare.
    type Kinds = std::collections::HashMap<u128, u16, foldhash::fast::FixedState>;
    static KINDS: std::sync::LazyLock<Kinds> = std::sync::LazyLock::new(|| {
        let mut kinds = Kinds::default();
        for (set, k) in [
            (BLOCK_BEFORE, K_BLOCK_BEFORE),
            (BLOCK_AFTER, K_BLOCK_AFTER),
            (INLINE, K_INLINE),
            (VOID, K_VOID),
            (RAW_TEXT, K_RAW_TEXT),
            (OPAQUE, K_OPAQUE),
            (FORMATTING, K_FORMATTING),
            (FORMATTING_BOUNDARY, K_FORMATTING_BOUNDARY),
            (CLOSES_P, K_CLOSES_P),
            (P_SCOPE, K_P_SCOPE),
            (DOCUMENT, K_DOCUMENT),
            (&["p"][..], K_P),
            (TRANSPARENT, K_TRANSPARENT),
        ] {
            for name in set {
                *kinds.entry(key(name).unwrap_or(0)).or_insert(0) |= k;
            }
        }
        kinds
    });
    key(name).map_or(0, |k| KINDS.get(&k).copied().unwrap_or(0))
}

/// `name` in lowercase as a number, if it has at most 16 bytes (every name of a kind has).
fn key(name: &str) -> Option<u128> {
    let mut lower = [0u8; 16];
    lower
        .get_mut(..name.len())?
        .copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    Some(u128::from_le_bytes(lower))
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
    // Byte by byte, decoding only the characters looked at: the answer is usually known
    // at the first one, and the text may be a long paragraph.
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        if b == b'&' {
            let rest = &text[i + 1..];
            let reference = rest.iter().take(32).position(|&b| b == b';').filter(|&n| {
                rest[..n]
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'#')
            });
            match reference {
                Some(n) => i += n + 2,
                None => return true,
            }
            continue;
        }
        let len = match b {
            0x00..=0x7f => 1,
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            _ => 4,
        };
        let Some(c) = text
            .get(i..i + len)
            .and_then(|c| std::str::from_utf8(c).ok())
            .and_then(|c| c.chars().next())
        else {
            return true;
        };
        if !c.is_whitespace() {
            return true;
        }
        i += len;
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
        if kind(name) & K_INLINE == 0 {
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
    /// Open elements: name as written (compared ignoring case), [kind], start tag.
    open: Vec<(&'a str, u16, &'a str)>,
    /// How many of them are not [`TRANSPARENT`].
    opaque: usize,
    /// The last thing seen, leaving out end tags, white space and comments.
    last: Last,
    /// Nothing but white space and comments since the end of a block in
    /// [`BLOCK_BEFORE`] that ended in text, inside nothing but transparent containers.
    after_block: bool,
    /// The scan stopped at more than [`MAX_OPEN`] open elements.
    too_deep: bool,
}

/// What a cut needs to know of the last thing seen.
#[derive(Clone, Copy)]
enum Last {
    /// A tag, or text that shows nothing.
    Other,
    /// Text, not yet looked at: whether it [shows] is asked only where a cut could follow,
    /// and then remembered, so no text is looked at twice.
    Text(usize, usize),
    Shown,
}

impl<'a> Scan<'a> {
    /// The innermost open element matching `is`, searched no further out than an
    /// element of a kind in `scope`.
    fn open_index(&self, is: impl Fn(&str, u16) -> bool, scope: u16) -> Option<usize> {
        for (i, &(e, k, _)) in self.open.iter().enumerate().rev() {
            if is(e, k) {
                return Some(i);
            }
            if k & scope != 0 {
                return None;
            }
        }
        None
    }

    /// Closes the elements from `i` up, for a tag of kind `by`. `false` if that would
    /// close a formatting element implicitly (the parser would open it again later).
    /// Only [`TRANSPARENT`] elements are open (or none).
    fn transparent(&self) -> bool {
        self.opaque == 0
    }

    fn close_from(&mut self, i: usize, by: u16) -> bool {
        let implicit = &self.open[i + 1..];
        if by & K_FORMATTING_BOUNDARY == 0 && implicit.iter().any(|e| e.1 & K_FORMATTING != 0) {
            return false;
        }
        self.opaque -= self.open[i..]
            .iter()
            .filter(|e| e.1 & K_TRANSPARENT == 0)
            .count();
        self.open.truncate(i);
        true
    }

    /// Takes in a start tag of kind `k`. `false` if the scan can no longer follow the
    /// parser.
    fn start(&mut self, name: &'a str, k: u16, tag: &'a str) -> bool {
        if k & K_OPAQUE != 0 {
            return false;
        }
        if k & K_DOCUMENT != 0 {
            return true;
        }
        if k & K_CLOSES_P != 0
            && let Some(i) = self.open_index(|_, k| k & K_P != 0, K_P_SCOPE)
            && !self.close_from(i, k)
        {
            return false;
        }
        if k & K_VOID == 0 {
            if self.open.len() >= MAX_OPEN {
                self.too_deep = true;
                return false;
            }
            self.open.push((name, k, tag));
            if k & K_TRANSPARENT == 0 {
                self.opaque += 1;
            }
        }
        true
    }

    /// Takes in an end tag of kind `k`. `false` if the scan can no longer follow the
    /// parser.
    fn end(&mut self, name: &str, k: u16) -> bool {
        if k & (K_DOCUMENT | K_VOID) != 0 {
            return true;
        }
        let Some(i) = self.open_index(|e, _| e.eq_ignore_ascii_case(name), 0) else {
            // A stray end tag is ignored.
            return true;
        };
        if k & K_FORMATTING != 0 && i + 1 != self.open.len() {
            // Mis-nested formatting: the parser rearranges the tree.
            return false;
        }
        self.close_from(i, k)
    }
}

/// A piece of a document, and the start tags of the transparent containers open where it
/// begins, to put before it so their end tags in it close what they close in the whole.
#[derive(Debug, PartialEq)]
pub struct Piece<'a> {
    pub reopen: String,
    /// Where `html` starts in the document.
    pub at: usize,
    pub html: &'a str,
    /// The last piece, from before the point where more than `MAX_OPEN` (256) elements
    /// were open: no real page nests so deep, and html2text's memory grows with the depth
    /// times the text inside (100,000 nested `<b>`, each with a character, take it past
    /// 16 GB).
    pub too_deep: bool,
}

/// `html` cut into pieces of at least `target` bytes (the last may be shorter), at
/// points where rendering the pieces one by one and joining them with a blank line gives
/// what rendering the whole would. The pieces cover `html` in order.
pub fn split(html: &str, target: usize) -> Vec<Piece<'_>> {
    if html.len() <= target {
        return vec![Piece {
            reopen: String::new(),
            at: 0,
            html,
            too_deep: false,
        }];
    }
    split_in(html, 0, html.len(), target).0
}

/// [`split`] with `target` 0 of `html`, which is made of consecutive sections each ending
/// at one of `ends` (the last at the end of `html`), such as the HTML of the pieces the
/// Markdown is parsed in: each section is scanned on its own, in parallel.
///
/// Where a section ends with nothing open (see [`split_in`]) and the next begins with a
/// start tag, the scan of the whole would be in the same state after that tag as the scan
/// of the section alone: the cuts are the same but perhaps one before that tag, which the
/// whole has if the section ended after a block and [`cut_before`] says so, and which is
/// undone otherwise by joining the pieces on either side. At any other join, the whole is
/// scanned.
pub fn split_sections<'a>(html: &'a str, ends: &[usize]) -> Vec<Piece<'a>> {
    use rayon::prelude::*;
    if ends.len() < 2 {
        // Handing one section to the thread pool would only add the wait for a thread.
        return split(html, 0);
    }
    let starts: Vec<usize> = std::iter::once(0).chain(ends.iter().copied()).collect();
    let sections: Vec<(Vec<Piece<'a>>, Option<bool>)> = starts
        .par_windows(2)
        .with_max_len(1)
        .map(|w| split_in(html, w[0], w[1], 0))
        .collect();
    // Sized first: a long post's pieces are megabytes, copied at each doubling.
    let mut out: Vec<Piece<'a>> = Vec::with_capacity(sections.iter().map(|(p, _)| p.len()).sum());
    let mut after_block = Some(false);
    for ((pieces, end), &at) in sections.into_iter().zip(&starts) {
        let mut pieces = pieces.into_iter();
        if at > 0 {
            match join(after_block, &html[at..]) {
                Join::Cut => {}
                Join::Merge => {
                    if let (Some(last), Some(first)) = (out.last_mut(), pieces.next()) {
                        last.html = &html[last.at..first.at + first.html.len()];
                        last.too_deep = first.too_deep;
                    }
                }
                Join::Rescan => return split(html, 0),
            }
        }
        out.extend(pieces);
        after_block = end;
    }
    out
}

/// How many bytes at the start of `html` the scan passes over without a change of state:
/// white space and whole comments. A section that starts with them is one whose join
/// [`join`] cannot decide; moved to the end of the section before, they are read there as
/// the whole reads them, after the last tag.
pub fn neutral_prefix(html: &str) -> usize {
    let s = html.as_bytes();
    let mut at = 0;
    loop {
        while s.get(at).copied().is_some_and(is_space) {
            at += 1;
        }
        match s[at..]
            .starts_with(b"<!--")
            .then(|| comment_end(s, at))
            .flatten()
        {
            Some(end) => at = end,
            None => return at,
        }
    }
}

/// [`split`] with `target` 0 of a section of a document scanned on its own, and how its
/// scan ended, for [`join`] (see [`split_in`]).
pub fn split_section(html: &str) -> (Vec<Piece<'_>>, Option<bool>) {
    split_in(html, 0, html.len(), 0)
}

/// What the scan of a whole document does where a section scanned on its own ends and
/// `next` begins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Join {
    /// It cuts there: the pieces on either side are those of the whole.
    Cut,
    /// It goes on: the pieces on either side, joined, are those of the whole.
    Merge,
    /// The whole must be scanned.
    Rescan,
}

/// The [`Join`] where `next` begins, after a section whose scan ended as `end` (see
/// [`split_sections`]).
pub fn join(end: Option<bool>, next: &str) -> Join {
    let s = next.as_bytes();
    let Some(after_block) = end else {
        return Join::Rescan;
    };
    if !(s.first() == Some(&b'<') && s.get(1).is_some_and(u8::is_ascii_alphabetic)) {
        return Join::Rescan;
    }
    if after_block && cut_before(s, 0) {
        Join::Cut
    } else {
        Join::Merge
    }
}

/// Whether, after a block and with nothing open, the scan cuts before the start tag at
/// `at`.
fn cut_before(s: &[u8], at: usize) -> bool {
    let name_to = name_end(s, at + 1);
    let Ok(name) = std::str::from_utf8(&s[at + 1..name_to]) else {
        return false;
    };
    kind(name) & K_BLOCK_AFTER != 0
        && tag_end(s, name_to).is_some_and(|(end, _)| text_first(s, end))
}

/// [`split`] of `html[from..to]`, scanned as if it were the whole document; and, if the
/// scan followed the parser to `to` and ended with nothing open and nothing but white
/// space after the last tag, whether it ended after a block.
fn split_in(html: &str, from: usize, to: usize, target: usize) -> (Vec<Piece<'_>>, Option<bool>) {
    let s = &html.as_bytes()[..to];
    let mut pieces = Vec::new();
    let mut piece_start = from;
    // What the piece being gathered must reopen.
    let mut reopen = String::new();
    let mut scan = Scan {
        open: Vec::new(),
        opaque: 0,
        last: Last::Other,
        after_block: false,
        too_deep: false,
    };
    let mut at = from;
    while let Some(lt) = memchr(b'<', &s[at..]).map(|i| at + i) {
        if !s[at..lt].iter().all(|&b| is_space(b)) {
            scan.after_block = false;
            scan.last = Last::Text(at, lt);
        }
        let next = s.get(lt + 1).copied().unwrap_or(0);
        let end = if s[lt..].starts_with(b"<!--") {
            comment_end(s, lt)
        } else if matches!(next, b'!' | b'?') {
            memchr(b'>', &s[lt..]).map(|i| lt + i + 1)
        } else if next == b'/' && s.get(lt + 2).is_some_and(u8::is_ascii_alphabetic) {
            let name_to = name_end(s, lt + 2);
            let name = &html[lt + 2..name_to];
            let k = kind(name);
            let Some((end, _)) = tag_end(s, name_to) else {
                break;
            };
            if !scan.end(name, k) {
                break;
            }
            scan.after_block = false;
            if scan.transparent() && k & K_BLOCK_BEFORE != 0 {
                if let Last::Text(a, b) = scan.last {
                    scan.last = if shows(&s[a..b]) {
                        Last::Shown
                    } else {
                        Last::Other
                    };
                }
                scan.after_block = matches!(scan.last, Last::Shown);
            }
            Some(end)
        } else if next == b'/' {
            // `</>` is dropped, `</` + other a comment: both up to the next `>`.
            memchr(b'>', &s[lt..]).map(|i| lt + i + 1)
        } else if next.is_ascii_alphabetic() {
            let name_to = name_end(s, lt + 1);
            let name = &html[lt + 1..name_to];
            let k = kind(name);
            let Some((mut end, _)) = tag_end(s, name_to) else {
                break;
            };
            if scan.transparent()
                && scan.after_block
                && k & K_BLOCK_AFTER != 0
                && lt - piece_start >= target
                && text_first(s, end)
            {
                pieces.push(Piece {
                    reopen: std::mem::replace(&mut reopen, scan.open.iter().map(|e| e.2).collect()),
                    at: piece_start,
                    html: &html[piece_start..lt],
                    too_deep: false,
                });
                piece_start = lt;
            }
            if !scan.start(name, k, &html[lt..end]) {
                break;
            }
            if k & K_RAW_TEXT != 0 {
                let Some(e) = raw_text_end(s, name, end) else {
                    break;
                };
                end = e;
                if !scan.end(name, k) {
                    break;
                }
            }
            scan.after_block = false;
            scan.last = Last::Other;
            Some(end)
        } else {
            // A `<` that starts no tag is text.
            scan.after_block = false;
            scan.last = Last::Shown;
            Some(lt + 1)
        };
        match end {
            Some(e) => at = e,
            None => break,
        }
    }
    pieces.push(Piece {
        reopen,
        at: piece_start,
        html: &html[piece_start..to],
        too_deep: scan.too_deep,
    });
    // Where the scan stops following the parser, `at` is before a `<`.
    let end =
        (scan.open.is_empty() && s[at..].iter().all(|&b| is_space(b))).then_some(scan.after_block);
    (pieces, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 2000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Scanned in sections, in parallel, a document is cut as it is scanned whole.
        #[test]
        fn sections_are_cut_as_the_whole(
            parts in prop::collection::vec(
                (
                    prop::sample::select(&[
                        "<p>", "</p>", "<p>文字</p>\n", "<h2>标题</h2>\n", "<ul>\n<li>x</li>\n</ul>\n",
                        "<blockquote>\n<p>q</p>\n</blockquote>\n", "<pre><code>c\n</code></pre>\n",
                        "<b>", "</b>", "<div>", "</div>", "<br />", "<!-- c -->", "<!--", "<script>",
                        "</script>", "<table>", "</table>", "text", " ", "\n", "&nbsp;", "<",
                    ][..]),
                    any::<bool>(),
                ),
                0..40,
            )
        ) {
            let html: String = parts.iter().map(|(p, _)| *p).collect();
            let mut ends = Vec::new();
            let mut at = 0;
            for (p, end) in &parts {
                at += p.len();
                if *end && at < html.len() {
                    ends.push(at);
                }
            }
            ends.push(html.len());
            prop_assert_eq!(split_sections(&html, &ends), split(&html, 0), "{:?} {:?}", html, ends);
            // Scanned apart, where every join is a cut, the sections are cut as the whole.
            let sections: Vec<&str> = std::iter::once(0)
                .chain(ends.iter().copied())
                .collect::<Vec<_>>()
                .windows(2)
                .map(|w| &html[w[0]..w[1]])
                .collect();
            let apart: Vec<(Vec<Piece>, Option<bool>)> =
                sections.iter().map(|s| split_section(s)).collect();
            if (1..sections.len()).all(|k| join(apart[k - 1].1, sections[k]) == Join::Cut) {
                let pieces: Vec<&str> = apart.iter().flat_map(|(p, _)| p.iter().map(|p| p.html)).collect();
                prop_assert_eq!(pieces, cuts(&html), "{:?}", sections);
            }
        }

        /// Any soup of tag fragments: no panic, and the pieces are the input, cut only
        /// before a start tag.
        #[test]
        fn pieces_cover_any_input(
            parts in prop::collection::vec(prop::sample::select(&[
                "<p>", "</p>", "<P ", "<h2>", "</h2>", "<ul>", "</ul>", "<li>", "<b>", "</b>",
                "<div>", "</div>", "<table>", "</table>", "<td>", "<pre>", "</pre>", "<br>",
                "<!--", "-->", "--!>", "<!", "<?", "</", "</>", "<", ">", "/>", "=", "\"",
                "'", " ", "\n", "&nbsp;", "&", ";", "文字", "text", "<script>", "</script>",
                "<svg>", "<a href=", "</a>", "<textarea>", "\u{3000}", "\u{e003}",
            ][..]), 0..60)
        ) {
            let html: String = parts.concat();
            let pieces = cuts(&html);
            prop_assert_eq!(pieces.concat(), html.clone());
            for p in &pieces[1..] {
                prop_assert!(p.starts_with('<') && !p.starts_with("</"), "{:?}", pieces);
            }
        }
    }

    /// White space and whole comments, as the scan passes over them; not an open one.
    #[test]
    fn what_a_section_may_start_with_unread() {
        for (html, n) in [
            ("", 0),
            ("<p>", 0),
            (" \n\t<p>", 3),
            ("<!-- a --> \n<!---->x", 19),
            ("<!-->y", 5),
            (" <!-- open", 1),
            ("<!x>", 0),
            ("文<!-- c -->", 0),
        ] {
            assert_eq!(neutral_prefix(html), n, "{html:?}");
        }
    }

    #[test]
    fn paragraphs_in_sections() {
        let html = "<p>a</p>\n<p>b</p>\n<h2>c</h2>\n<p>d</p>\n";
        let ends = [9, 18, 29, html.len()];
        let pieces = split_sections(html, &ends);
        assert_eq!(pieces, split(html, 0));
        assert_eq!(pieces.len(), 4);
    }

    fn cuts(html: &str) -> Vec<&str> {
        split(html, 0).into_iter().map(|p| p.html).collect()
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
        let htmls = |target| -> Vec<&str> { split(html, target).iter().map(|p| p.html).collect() };
        assert_eq!(htmls(16), ["<p>a</p><p>b</p>", "<p>c</p><p>d</p>"]);
        assert_eq!(htmls(1000), [html]);
    }

    #[test]
    fn no_cut_inside_an_open_element_or_between_inline_content() {
        for html in [
            "<div><blockquote><p>a</p><p>b</p></blockquote></div>",
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
    fn a_cut_may_fall_inside_transparent_containers_which_the_next_piece_reopens() {
        let html = "<div class=\"article\"><section><p>a</p>\n<p>b</p></section></div>";
        let pieces = split(html, 0);
        let shown: Vec<(&str, &str)> = pieces.iter().map(|p| (&p.reopen[..], p.html)).collect();
        assert_eq!(
            shown,
            [
                ("", "<div class=\"article\"><section><p>a</p>\n"),
                (
                    "<div class=\"article\"><section>",
                    "<p>b</p></section></div>"
                ),
            ]
        );
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
    fn deep_nesting_ends_the_cutting() {
        let nested = |depth| {
            let (open, close) = ("<div>".repeat(depth), "</div>".repeat(depth));
            format!("{open}x{close}<p>b</p><p>c</p>")
        };
        assert_eq!(cuts(&nested(MAX_OPEN)).len(), 2);
        assert_eq!(cuts(&nested(MAX_OPEN + 1)).len(), 1);
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
