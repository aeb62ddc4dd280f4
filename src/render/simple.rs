//! HTML in the plain shapes comrak writes (paragraphs, headings, lists, quotes, links,
//! emphasis, images, tables of inline cells), turned into the same lines html2text gives
//! (for a table, after `html.rs` has replaced it by marker lines), without html2text.
//!
//! html2text parses into a DOM, builds a render tree and renders it: for a long post most
//! of the time goes there. Most of a news body is a run of such plain blocks, so
//! [`render`] reads them directly and follows html2text's rules for them (whitespace
//! collapse, the blank line between blocks, list and quote prefixes, link marks). Anything
//! else, or anything it is not sure of (a table, a `<div>`, an `id`, an entity it does not
//! know, a character of zero width, an element that shows nothing), makes it give up, and
//! html2text renders that piece. A property test holds the two to the same output.

use unicode_width::UnicodeWidthChar;

use super::html::{Ann, HEADING_MARK, MARK_END, TABLE_MARK, image_label, link_mark, numbered};

/// A line as html2text gives it: strings tagged with the stack of open annotations,
/// adjacent strings with the same tag merged.
pub type TLine = Vec<(String, Vec<Ann>)>;

/// The lines and link targets html2text would give for `html`, or `None` if `html` is not
/// made only of the shapes this module knows.
pub fn render(html: &str) -> Option<(Vec<TLine>, Vec<String>)> {
    let mut r = Reader {
        s: html,
        at: 0,
        links: Vec::new(),
    };
    let lines = r.blocks(None, 0)?;
    Some((lines, r.links))
}

/// What [`render`] gives for `html` if it is one paragraph of plain words (ideographs,
/// Chinese punctuation, printable ASCII but `<` and `&`) with ASCII spaces and newlines
/// between them, as most of a news post is: the words with one space between, read
/// without the tokenizer.
pub fn paragraph(html: &str) -> Option<String> {
    // Around it, only the white space `render` takes between elements.
    let inner = html
        .trim_matches([' ', '\n', '\t'])
        .strip_prefix("<p>")?
        .strip_suffix("</p>")?;
    let b = inner.as_bytes();
    if memchr::memchr2(b'<', b'&', b).is_some() {
        return None;
    }
    if let Some(words) = ascii_words(inner) {
        return Some(words);
    }
    let mut out = String::with_capacity(inner.len());
    let mut i = 0;
    loop {
        while let Some(b' ' | b'\n') = b.get(i) {
            i += 1;
        }
        if i == b.len() {
            break;
        }
        let end = plain_end(b, i);
        if !matches!(b.get(end), None | Some(b' ' | b'\n')) {
            return None;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&inner[i..end]);
        i = end;
    }
    (!out.is_empty()).then_some(out)
}

/// What [`paragraph`] gives for `inner` if it is words of printable ASCII with one space
/// or newline between each two and none around them, as a paragraph of English is: the
/// text with its newlines made spaces, checked many bytes at a time where the words one
/// by one cost three times as much.
fn ascii_words(inner: &str) -> Option<String> {
    let b = inner.as_bytes();
    let ws = |x: u8| (x == b' ') | (x == b'\n');
    let shown = |x: u8| x.wrapping_sub(b'!') < 0x5e;
    // Its ends first: a paragraph of Chinese is known at its first byte.
    let ok = b.first().is_some_and(|&x| shown(x))
        && b.last().is_some_and(|&x| shown(x))
        && b.chunks(64)
            .all(|c| c.iter().fold(true, |all, &x| all & (shown(x) | ws(x))))
        && !b
            .iter()
            .zip(&b[1..])
            .fold(false, |any, (&x, &y)| any | (ws(x) & ws(y)));
    ok.then(|| inner.replace('\n', " "))
}

/// Quotes nested deeper than this, or inline elements, are left to html2text: a hostile
/// post must not run the recursion out of stack or make each tag a scan of a long list.
const MAX_DEPTH: usize = 16;

/// Appends `s` to `line`, merged into the last string if it has the same tag (and is not
/// an anchor). A new string has room for `room` bytes: what is likely to follow it with
/// the same tag, so that it is not copied as it grows.
fn push(line: &mut TLine, s: &str, tag: &[Ann], room: usize) {
    if s.is_empty() {
        return;
    }
    match line.last_mut() {
        Some((last, last_tag)) if last_tag == tag && !last.is_empty() => last.push_str(s),
        _ => {
            let mut new = String::with_capacity(room.max(s.len()));
            new.push_str(s);
            line.push((new, tag.to_vec()));
        }
    }
}

/// Whether `t` is only the spaces, tabs and newlines comrak writes between elements.
fn between_elements(t: &str) -> bool {
    t.bytes().all(|b| matches!(b, b' ' | b'\n' | b'\t'))
}

/// Whether `line` shows anything: an anchor (see [`Inline::anchor`]) is an empty string.
fn shows(line: &TLine) -> bool {
    line.iter().any(|(s, _)| !s.is_empty())
}

/// Puts `prefix` (tagged with no annotation) in front of `line`.
fn prefix(line: &mut TLine, prefix: &str) {
    match line.first_mut() {
        Some((first, tag)) if tag.is_empty() && !first.is_empty() => first.insert_str(0, prefix),
        _ => line.insert(0, (prefix.to_string(), Vec::new())),
    }
}

/// html2text's word wrapper at an unlimited width: collapses whitespace; a space takes
/// the tag it had where the run of whitespace began. Words go straight into the line;
/// only anchors met before a word shows anything wait for it (see [`Inline::anchor`]).
#[derive(Default)]
struct Inline {
    lines: Vec<TLine>,
    line: TLine,
    /// Anchors waiting for the word they stand in front of.
    anchors: usize,
    /// The current word has shown something.
    in_word: bool,
    /// A space is pending before the next word.
    space: Option<Vec<Ann>>,
}

/// Whether the UTF-8 bytes `b[i..]` start a character of U+2010..U+2027 (dashes, quotes,
/// ellipsis), U+3001..U+3029 (`、。〈》「」【】`) or U+FF01..U+FF5E (full-width `，！（）：；`),
/// which all show and none of which is whitespace.
fn punct_at(b: &[u8], i: usize) -> bool {
    matches!(
        b.get(i..i + 3),
        Some(
            [0xe2, 0x80, 0x90..=0xa7]
                | [0xe3, 0x80, 0x81..=0xa9]
                | [0xef, 0xbc, 0x81..=0xbf]
                | [0xef, 0xbd, 0x80..=0x9e]
        )
    )
}

/// How far a character that starts with each byte reaches when the byte alone shows that
/// it shows and is not whitespace: printable ASCII but the space (1), the lead bytes
/// E4..E9 of U+4000..U+9FFF, CJK ideographs and the Yijing hexagrams (3); 0 for the
/// others.
static STEP: [u8; 256] = {
    let mut t = [0; 256];
    let mut x = 0;
    while x < 256 {
        t[x] = match x as u8 {
            b'!'..=b'~' => 1,
            0xe4..=0xe9 => 3,
            _ => 0,
        };
        x += 1;
    }
    t
};

/// Whether byte `x` can only be part of a character that [`STEP`] steps over: printable
/// ASCII but the space, a lead byte E4..E9, or a continuation byte.
fn sure(x: u8) -> bool {
    (x.wrapping_sub(b'!') < 0x5e) | (x.wrapping_sub(0x80) < 0x40) | (x.wrapping_sub(0xe4) < 6)
}

/// Where the run of characters from byte `i` of `b` ends that are ideographs, the
/// punctuation of Chinese text or printable ASCII but the space: they are most of a text,
/// show and are not whitespace.
fn plain_end(b: &[u8], mut i: usize) -> usize {
    loop {
        // 32 bytes at a time while all are sure, checked independently of each other (the
        // compiler vectorizes it), where stepping a character at a time waits on each
        // character's length. The character cut by the 32nd byte is read again.
        while let Some(chunk) = b.get(i..i + 32) {
            if !chunk.iter().fold(true, |all, &x| all & sure(x)) {
                break;
            }
            i += 32;
            while b.get(i).is_some_and(|&x| x & 0xc0 == 0x80) {
                i -= 1;
            }
        }
        // Then a table lookup a character, so that a change between scripts costs no
        // branch, up to a character [`STEP`] does not know.
        while let Some(step @ 1..) = b.get(i).map(|&x| STEP[usize::from(x)]) {
            i += usize::from(step);
        }
        if !punct_at(b, i) {
            return i;
        }
        i += 3;
    }
}

impl Inline {
    /// `None` for a character whose width html2text would count as zero (it would then
    /// handle words differently) or a control character.
    fn add(&mut self, text: &str, tag: &[Ann]) -> Option<()> {
        let b = text.as_bytes();
        let mut word_from = None;
        let mut i = 0;
        while i < b.len() {
            let end = plain_end(b, i);
            if end > i {
                word_from.get_or_insert(i);
                i = end;
                continue;
            }
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            let at = i;
            i += c.len_utf8();
            let space = c.is_whitespace() && c != '\u{a0}';
            if !space && c != '\u{200b}' {
                if c.width().unwrap_or(0) == 0 {
                    return None;
                }
                word_from.get_or_insert(at);
                continue;
            }
            // A word ends: it goes in whole, as one string.
            if let Some(from) = word_from.take() {
                self.word_piece(&text[from..at], tag, text.len() - from);
            }
            self.in_word = false;
            if space && shows(&self.line) && self.space.is_none() {
                self.space = Some(tag.to_vec());
            }
        }
        if let Some(from) = word_from {
            self.word_piece(&text[from..], tag, text.len() - from);
        }
        Some(())
    }

    /// A piece of a word that shows: the pending space and anchors go first. The rest of
    /// the text it is in, from it on, is `room` bytes long.
    fn word_piece(&mut self, s: &str, tag: &[Ann], room: usize) {
        if !self.in_word {
            if let Some(tag) = self.space.take() {
                push(&mut self.line, " ", &tag, 1 + room);
            }
            for _ in 0..std::mem::take(&mut self.anchors) {
                self.line.push((String::new(), Vec::new()));
            }
            self.in_word = true;
        }
        push(&mut self.line, s, tag, room);
    }

    /// An element with an `id`: html2text puts an anchor in front of its content, which
    /// shows nothing but keeps the strings on either side apart. An empty string stands
    /// for it here, which `push` and `prefix` do not merge into. An anchor alone waits for
    /// the next word, as in html2text.
    fn anchor(&mut self) {
        if self.in_word {
            self.line.push((String::new(), Vec::new()));
        } else {
            self.anchors += 1;
        }
    }

    /// `<br>`: ends the line, or adds an empty one.
    fn line_break(&mut self) {
        self.in_word = false;
        self.space = None;
        self.lines.push(std::mem::take(&mut self.line));
    }

    fn finish(mut self) -> Vec<TLine> {
        if shows(&self.line) {
            self.lines.push(self.line);
        }
        self.lines
    }
}

enum Token<'a> {
    Text(&'a str),
    Start {
        name: &'a str,
        attrs: Vec<(&'a str, &'a str)>,
    },
    End(&'a str),
    Comment,
    Eof,
}

struct Reader<'a> {
    s: &'a str,
    at: usize,
    links: Vec<String>,
}

/// The value of attribute `key`, `None` if it is given twice (the parser keeps the first;
/// this module takes no chances), `Some(None)` if absent.
fn attr<'a>(attrs: &[(&str, &'a str)], key: &str) -> Option<Option<&'a str>> {
    let mut found = attrs.iter().filter(|(k, _)| *k == key).map(|(_, v)| *v);
    let first = found.next();
    found.next().is_none().then_some(first)
}

/// Whether html2text ignores all of `attrs` but those in `read`. Built without its `css`
/// feature, it reads only `href`, `src`, `alt`, `start`, table spans, and `id` (and, if
/// asked, `name`) for an anchor, which this module copies on inline elements only (see
/// [`Inline::anchor`]).
fn inert(attrs: &[(&str, &str)], read: &[&str]) -> bool {
    attrs.iter().all(|(k, _)| {
        read.contains(k) || !matches!(*k, "href" | "src" | "alt" | "start" | "id" | "name")
    })
}

fn inline_ann(name: &str) -> Option<Ann> {
    match name {
        "strong" | "b" => Some(Ann::Strong),
        "em" | "i" => Some(Ann::Emphasis),
        "code" => Some(Ann::Code),
        "a" => Some(Ann::Link),
        "span" => Some(Ann::Plain),
        _ => None,
    }
}

/// The character the reference `&name;` stands for, if this module knows it. Controls,
/// the C1 range (the parser maps it to Windows-1252) and noncharacters are left to the
/// parser.
fn reference(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) if !hex.is_empty() && hex.len() <= 6 => {
                    u32::from_str_radix(hex, 16).ok()?
                }
                None if !num.is_empty() && num.len() <= 7 => num.parse().ok()?,
                _ => return None,
            };
            char::from_u32(code).filter(|_| {
                code >= 0x20
                    && !(0x7f..=0x9f).contains(&code)
                    && !(0xfdd0..=0xfdef).contains(&code)
                    && code & 0xfffe != 0xfffe
            })
        }
    }
}

/// `text` with each whole reference [`reference`] knows decoded; `None` if `strict` and
/// another reference, or an `&` that does not start a whole one, is met.
fn decode_with(text: &str, strict: bool) -> Option<std::borrow::Cow<'_, str>> {
    let amp = |s: &str| memchr::memchr(b'&', s.as_bytes());
    if amp(text).is_none() {
        return Some(text.into());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = amp(rest) {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        // A bare `&` before a space or the end is text.
        if rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_whitespace()) {
            out.push('&');
            continue;
        }
        // Anything else must be a whole reference: a legacy one without `;` is not.
        let len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'#')
            .count();
        let decoded = match rest.as_bytes().get(len) {
            Some(b';') => reference(&rest[..len]),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[len + 1..];
            }
            None if strict => return None,
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    Some(out.into())
}

/// `text` with its character references decoded, or `None` for one this module does not
/// know (a legacy name without `;`, a number the HTML parser would map elsewhere).
fn decode(text: &str) -> Option<std::borrow::Cow<'_, str>> {
    decode_with(text, true)
}

/// `text` with the references this module knows decoded, the rest left as written: for
/// the plain-text stand-in where no parser reads the HTML.
pub(super) fn decode_known(text: &str) -> std::borrow::Cow<'_, str> {
    decode_with(text, false).unwrap_or_default()
}

impl<'a> Reader<'a> {
    fn token(&mut self) -> Option<Token<'a>> {
        let s = self.s;
        let rest = &s[self.at..];
        if rest.is_empty() {
            return Some(Token::Eof);
        }
        if !rest.starts_with('<') {
            let end = memchr::memchr(b'<', rest.as_bytes()).unwrap_or(rest.len());
            self.at += end;
            return Some(Token::Text(&rest[..end]));
        }
        if let Some(body) = rest.strip_prefix("<!--") {
            // Only a plain comment: the parser ends `<!-->`, `<!--->` and `--!>` early.
            let end = body.find("-->")?;
            let text = &body[..end];
            if text.starts_with('>') || text.starts_with("->") || text.contains("--!") {
                return None;
            }
            self.at += 4 + end + 3;
            return Some(Token::Comment);
        }
        let (end_tag, after) = match rest[1..].strip_prefix('/') {
            Some(r) => (true, r),
            None => (false, &rest[1..]),
        };
        let name_len = after
            .bytes()
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            .count();
        if name_len == 0 || !after.as_bytes()[0].is_ascii_lowercase() {
            return None;
        }
        let name = &after[..name_len];
        let mut r = &after[name_len..];
        let mut attrs = Vec::new();
        loop {
            r = r.trim_start_matches([' ', '\n', '\t']);
            if let Some(x) = r.strip_prefix("/>").or_else(|| r.strip_prefix('>')) {
                r = x;
                break;
            }
            if end_tag {
                return None;
            }
            let n = r
                .bytes()
                .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_:".contains(b))
                .count();
            if n == 0 || !r.as_bytes()[0].is_ascii_lowercase() {
                return None;
            }
            let key = &r[..n];
            let value = r[n..].strip_prefix("=\"")?;
            let close = value.find('"')?;
            attrs.push((key, &value[..close]));
            r = &value[close + 1..];
            if !r.starts_with([' ', '\n', '\t', '>', '/']) {
                return None;
            }
        }
        self.at = s.len() - r.len();
        Some(if end_tag {
            Token::End(name)
        } else {
            Token::Start { name, attrs }
        })
    }

    /// Blocks up to the end tag `until` (or the end of input): the lines of each, with an
    /// empty line between blocks as html2text sets them once something has been shown.
    /// Paragraphs, headings and quotes have one before them; lists and tables (html2text
    /// sees the marker `<div>`s of `html.rs`) have none of their own, and a list takes
    /// none even after a paragraph, but a table does, even with lists between.
    fn blocks(&mut self, until: Option<&str>, depth: usize) -> Option<Vec<TLine>> {
        if depth > MAX_DEPTH {
            return None;
        }
        #[derive(PartialEq, Clone, Copy)]
        enum Kind {
            Para,
            List,
            Table,
            /// A `<center>`, which html2text reads as inline content (a container, as
            /// a span is); read here only as a line of its own between blocks.
            Center,
        }
        let mut out: Vec<TLine> = Vec::new();
        // Whether a line with something on it is in `out`.
        let mut shown = false;
        // The kind of the last block shown that was not a list: lists are passed over.
        let mut last = Kind::List;
        // The kind of the last block shown.
        let mut prev = None;
        loop {
            match self.token()? {
                Token::Eof => return until.is_none().then_some(out),
                Token::End(name) => return (until == Some(name)).then_some(out),
                Token::Comment => {}
                Token::Text(t) => {
                    if !between_elements(t) {
                        return None;
                    }
                }
                Token::Start { name, attrs } => {
                    // After a center's line, html2text's next block sets a blank line
                    // only if it starts one: not a list.
                    if prev == Some(Kind::Center) && matches!(name, "ul" | "ol") {
                        return None;
                    }
                    let (lines, kind) = match name {
                        // html2text leaves out a rule and all it holds.
                        "hr" => continue,
                        "p" => (self.inline_block(name, &attrs)?, Kind::Para),
                        // Inline content after a block that ended (a paragraph, heading or
                        // quote) or at the start starts a block of its own, set off by a
                        // blank line; after a list or table html2text has not ended one,
                        // and after a center's line it would go on that line.
                        "center" => {
                            if !matches!(prev, None | Some(Kind::Para)) {
                                return None;
                            }
                            let lines = self.inline_block(name, &attrs)?;
                            // A `<br>` at the start of the content would add a line of
                            // its own rather than start the block: one line only. Before
                            // the block starts, html2text drops text that is all
                            // whitespace, a no-break space too, which `Inline` keeps.
                            if lines.len() > 1
                                || lines.iter().flatten().any(|(s, _)| s.contains('\u{a0}'))
                            {
                                return None;
                            }
                            (lines, Kind::Center)
                        }
                        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                            let mut lines = self.inline_block(name, &attrs)?;
                            // An empty heading still sets a blank line.
                            if lines.is_empty() {
                                return None;
                            }
                            let mark = HEADING_MARK.to_string();
                            for l in &mut lines {
                                prefix(l, &mark);
                            }
                            (lines, Kind::Para)
                        }
                        "blockquote" => {
                            if !inert(&attrs, &[]) {
                                return None;
                            }
                            let mut lines = self.blocks(Some(name), depth + 1)?;
                            if lines.is_empty() {
                                return None;
                            }
                            for l in &mut lines {
                                prefix(l, "> ");
                            }
                            (lines, Kind::Para)
                        }
                        "ul" | "ol" => (self.list(name, &attrs)?, Kind::List),
                        "table" => (self.table(&attrs)?, Kind::Table),
                        _ => return None,
                    };
                    if lines.is_empty() {
                        continue;
                    }
                    // Only empty lines (`<p><br></p>`, which scraped posts put
                    // between articles): html2text's lines differ, but at the top, where
                    // no quote prefixes them, they are blank lines, which the document
                    // collapses and drops at its ends. So it is a blank line, and the
                    // block after it needs none of its own.
                    if !lines.iter().any(shows) {
                        if until.is_some() || name != "p" {
                            return None;
                        }
                        out.push(Vec::new());
                        last = Kind::Para;
                        prev = Some(Kind::Para);
                        continue;
                    }
                    let blank = match kind {
                        Kind::Para | Kind::Center => true,
                        Kind::List => false,
                        Kind::Table => last == Kind::Para,
                    };
                    if blank && shown {
                        out.push(Vec::new());
                    }
                    shown = true;
                    if kind != Kind::List {
                        last = kind;
                    }
                    prev = Some(kind);
                    out.extend(lines);
                }
            }
        }
    }

    /// The inline content of `<name>` up to its end tag.
    fn inline_block(&mut self, name: &str, attrs: &[(&str, &str)]) -> Option<Vec<TLine>> {
        if !inert(attrs, &[]) {
            return None;
        }
        self.inline_run(name, None)
    }

    /// A table as `html.rs` has html2text see it: a start marker line, a line for each
    /// cell (its marker, then its inline content), an end marker line. Rows may be
    /// grouped in `thead`, `tbody` and `tfoot`; anything else (a caption, a cell holding
    /// blocks, a span, a style) is left to html2text.
    fn table(&mut self, attrs: &[(&str, &str)]) -> Option<Vec<TLine>> {
        if !inert(attrs, &[]) {
            return None;
        }
        let marker = |kind: &str| vec![(format!("{TABLE_MARK}{kind}{MARK_END}"), Vec::new())];
        let mut lines = vec![marker("T")];
        let mut section = None;
        loop {
            match self.token()? {
                Token::Comment => {}
                Token::Text(t) if between_elements(t) => {}
                Token::Start { name, attrs } if inert(&attrs, &[]) => match name {
                    "thead" | "tbody" | "tfoot" if section.is_none() => section = Some(name),
                    "tr" => self.row(&mut lines)?,
                    _ => return None,
                },
                Token::End(name) if section == Some(name) => section = None,
                Token::End("table") if section.is_none() => break,
                _ => return None,
            }
        }
        // html2text's rewrite leaves nothing of a table without cells.
        if lines.len() == 1 {
            return None;
        }
        lines.push(marker("E"));
        Some(lines)
    }

    /// The cells of a table row, after its `<tr>`, onto `lines`.
    fn row(&mut self, lines: &mut Vec<TLine>) -> Option<()> {
        let mut first = true;
        loop {
            match self.token()? {
                Token::Comment => {}
                Token::Text(t) if between_elements(t) => {}
                // html.rs reads a cell's `colspan`, `style` and `align`; only the last here.
                Token::Start {
                    name: name @ ("th" | "td"),
                    attrs,
                } if inert(&attrs, &["align"])
                    && !attrs
                        .iter()
                        .any(|(k, _)| matches!(*k, "colspan" | "rowspan" | "style")) =>
                {
                    let align = match attr(&attrs, "align")?.map(str::trim) {
                        Some(a) if a.contains('&') => return None,
                        Some(a) if a.eq_ignore_ascii_case("right") => 'r',
                        Some(a) if a.eq_ignore_ascii_case("end") => 'r',
                        Some(a) if a.eq_ignore_ascii_case("center") => 'c',
                        _ => 'l',
                    };
                    let new_row = if first { 'n' } else { 's' };
                    let header = if name == "th" { 'h' } else { 'd' };
                    let marker = format!("{TABLE_MARK}C{new_row}{header}{align}1{MARK_END}");
                    lines.extend(self.inline_run(name, Some(&marker))?);
                    first = false;
                }
                Token::End("tr") => return Some(()),
                _ => return None,
            }
        }
    }

    /// Inline content up to the end tag of `name`, after `lead` (a table cell's marker).
    fn inline_run(&mut self, name: &str, lead: Option<&str>) -> Option<Vec<TLine>> {
        let mut text = Inline::default();
        if let Some(lead) = lead {
            text.add(lead, &[])?;
        }
        let mut tags: Vec<Ann> = Vec::new();
        // Open inline elements: name, and whether anything visible was put in them.
        let mut open: Vec<(&str, bool)> = Vec::new();
        // Anything but comments seen.
        let mut content = false;
        loop {
            match self.token()? {
                Token::Eof => return None,
                Token::Comment => {}
                Token::Text(t) => {
                    content = true;
                    let t = decode(t)?;
                    // html2text drops a link that holds only spaces, no-break ones too.
                    if t.chars().any(|c| !c.is_whitespace())
                        && let Some(top) = open.last_mut()
                    {
                        top.1 = true;
                    }
                    text.add(&t, &tags)?;
                }
                Token::End(end) => {
                    if end == name && open.is_empty() {
                        let lines = text.finish();
                        // Text or an element that shows nothing may still set a blank
                        // line (`<p> </p>`, `<p><b></b></p>`).
                        if lines.is_empty() && content {
                            return None;
                        }
                        return Some(lines);
                    }
                    let (open_name, shown) = open.pop()?;
                    // html2text drops a link with nothing to show, and its number.
                    if open_name != end || (end == "a" && !shown) {
                        return None;
                    }
                    if shown && let Some(outer) = open.last_mut() {
                        outer.1 = true;
                    }
                    if end == "a" {
                        text.add(&link_mark(self.links.len()), &tags)?;
                    }
                    if end != "span" {
                        tags.pop();
                    }
                }
                Token::Start { name: tag, attrs } => {
                    content = true;
                    match tag {
                        "br" => {
                            if !inert(&attrs, &[]) {
                                return None;
                            }
                            text.line_break();
                        }
                        "img" => {
                            if !inert(&attrs, &["src", "alt"]) {
                                return None;
                            }
                            // html2text leaves out an image without source or text.
                            let (Some(src), Some(alt)) =
                                (attr(&attrs, "src")?, attr(&attrs, "alt")?)
                            else {
                                return None;
                            };
                            if src.is_empty() || alt.is_empty() {
                                return None;
                            }
                            let label = image_label(&decode(alt)?);
                            tags.push(Ann::Image);
                            text.add(&label, &tags)?;
                            tags.pop();
                            if let Some(top) = open.last_mut() {
                                top.1 = true;
                            }
                        }
                        _ => {
                            let ann = inline_ann(tag)?;
                            if ann == Ann::Link {
                                // Links do not nest: the parser closes the open one.
                                if open.iter().any(|(n, _)| *n == "a") {
                                    return None;
                                }
                                if !inert(&attrs, &["href", "id"]) {
                                    return None;
                                }
                                let href = decode(attr(&attrs, "href")??)?;
                                if href.is_empty() {
                                    return None;
                                }
                                self.links.push(href.into_owned());
                            } else if !inert(&attrs, &["id", "href"]) {
                                // html2text reads `href` on a link only; scraped posts
                                // put it on spans that mark a stock's name.
                                return None;
                            }
                            if open.len() >= MAX_DEPTH {
                                return None;
                            }
                            if attr(&attrs, "id")?.is_some() {
                                text.anchor();
                            }
                            // A span is a plain container: nothing to push.
                            if ann != Ann::Plain {
                                tags.push(ann);
                            }
                            open.push((tag, false));
                        }
                    }
                }
            }
        }
    }

    /// A list's items, each an inline run or one paragraph, with html2text's prefixes:
    /// `* `, or the item's number padded to the widest.
    fn list(&mut self, name: &str, attrs: &[(&str, &str)]) -> Option<Vec<TLine>> {
        let read: &[&str] = if name == "ol" { &["start"] } else { &[] };
        if !inert(attrs, read) {
            return None;
        }
        let start: i64 = match attr(attrs, "start")? {
            None => 1,
            Some(v) if !v.is_empty() && v.len() < 10 && v.bytes().all(|b| b.is_ascii_digit()) => {
                v.parse().ok()?
            }
            Some(_) => return None,
        };
        let mut items: Vec<Vec<TLine>> = Vec::new();
        loop {
            match self.token()? {
                Token::Eof => return None,
                Token::End(end) if end == name => break,
                Token::End(_) => return None,
                Token::Comment => {}
                Token::Text(t) => {
                    if !between_elements(t) {
                        return None;
                    }
                }
                Token::Start { name: "li", attrs } if inert(&attrs, &[]) => {
                    let lines = self.item()?;
                    if !lines.iter().any(shows) {
                        return None;
                    }
                    items.push(lines);
                }
                Token::Start { .. } => return None,
            }
        }
        let count = items.len() as i64;
        let width = if name == "ul" {
            2
        } else {
            numbered("", start + count - 1, ". ").len()
        };
        let mut out = Vec::new();
        for (i, lines) in items.into_iter().enumerate() {
            let first = if name == "ul" {
                "* ".to_string()
            } else {
                format!("{:<width$}", numbered("", start + i as i64, ". "))
            };
            for (j, mut line) in lines.into_iter().enumerate() {
                if j == 0 {
                    prefix(&mut line, &first);
                } else {
                    prefix(&mut line, &" ".repeat(width));
                }
                out.push(line);
            }
        }
        Some(out)
    }

    /// A list item after its `<li>`: inline content, or a single paragraph.
    fn item(&mut self) -> Option<Vec<TLine>> {
        let save = self.at;
        // A paragraph alone, as comrak writes a loose list.
        let mut lines = None;
        loop {
            match self.token()? {
                Token::Text(t) if between_elements(t) => {}
                Token::Start { name: "p", attrs } if lines.is_none() => {
                    lines = Some(self.inline_block("p", &attrs)?);
                }
                Token::End("li") if lines.is_some() => return lines,
                _ if lines.is_none() => break,
                _ => return None,
            }
        }
        self.at = save;
        self.inline_block("li", &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_read_from_bytes_shows() {
        let ranges = [
            '\u{2010}'..='\u{2027}',
            '\u{3001}'..='\u{3029}',
            '\u{ff01}'..='\u{ff5e}',
        ];
        for c in ('\u{80}'..='\u{ffff}').filter(|c| c.len_utf8() == 3) {
            let b = c.to_string();
            let listed = ranges.iter().any(|r| r.contains(&c));
            assert_eq!(punct_at(b.as_bytes(), 0), listed, "{c:?}");
            if listed {
                assert!(!c.is_whitespace() && c.width().unwrap_or(0) > 0, "{c:?}");
            }
        }
    }

    #[test]
    fn english_words_are_read_in_one_pass() {
        assert_eq!(
            ascii_words("One two.\nThree 9.7%").as_deref(),
            Some("One two. Three 9.7%")
        );
        for text in [
            "", " a", "a ", "a  b", "a\n\nb", "a \nb", "a\tb", "中文 a", "a\u{a0}b",
        ] {
            assert_eq!(ascii_words(text), None, "{text:?}");
        }
    }

    #[test]
    fn sure_bytes_are_those_step_knows_and_continuations() {
        for x in 0..=255u8 {
            let continuation = x & 0xc0 == 0x80;
            assert_eq!(sure(x), STEP[usize::from(x)] != 0 || continuation, "{x:#x}");
        }
    }

    #[test]
    fn plain_runs_hold_only_shown_characters() {
        // `c` across the end of the first 32 bytes; first, and after them, below U+10000
        // (the bytes that make a chunk sure).
        let mut s = String::new();
        for c in (0..=0x10_ffff).filter_map(char::from_u32) {
            let at: &[usize] = if c.len_utf8() < 4 {
                &[0, 30, 33]
            } else {
                &[30]
            };
            for &before in at {
                s.clear();
                s.extend(std::iter::repeat_n('a', before));
                s.push(c);
                s.extend(std::iter::repeat_n('中', 12));
                let end = plain_end(s.as_bytes(), 0);
                assert!(s.is_char_boundary(end), "{c:?} at {before}");
                if end > before {
                    let shows = c.width().unwrap_or(0) > 0;
                    assert!(shows && !c.is_whitespace(), "{c:?} at {before}");
                }
            }
        }
        let s = "中文，English 文字。".repeat(9);
        assert_eq!(plain_end(s.as_bytes(), 0), "中文，English".len());
        let s = "中".repeat(40);
        assert_eq!(plain_end(s.as_bytes(), 0), s.len());
    }

    #[test]
    fn decodes_known_references_only() {
        assert_eq!(
            decode("a &amp; b &#x4e2d;&#27704;&nbsp;").as_deref(),
            Some("a & b 中永\u{a0}")
        );
        assert_eq!(decode("AT & T").as_deref(), Some("AT & T"));
        assert_eq!(decode("&copy"), None);
        assert_eq!(decode("&copy;"), None);
        assert_eq!(decode("&#150;"), None);
        assert_eq!(decode("&#1;"), None);
        assert_eq!(decode("&#xffff;"), None);
    }

    #[test]
    fn deep_nesting_is_left_to_html2text() {
        for (open, close) in [("<blockquote>", "</blockquote>"), ("<b>", "</b>")] {
            let n = 100_000;
            let html = format!("<p>{}x{}</p>", open.repeat(n), close.repeat(n));
            assert!(render(&html).is_none());
            let html = format!("{}<p>x</p>{}", open.repeat(n), close.repeat(n));
            assert!(render(&html).is_none());
        }
        let html = format!(
            "{}<p>x</p>{}",
            "<blockquote>".repeat(3),
            "</blockquote>".repeat(3)
        );
        assert!(render(&html).is_some());
    }

    #[test]
    fn gives_up_on_other_shapes() {
        for html in [
            "<table><caption>c</caption><tr><td>x</td></tr></table>",
            "<table><tr><td colspan=\"2\">x</td></tr></table>",
            "<table><tr><td style=\"text-align:right\">x</td></tr></table>",
            "<table><tr><td><p>x</p></td></tr></table>",
            "<table>x<tr><td>y</td></tr></table>",
            "<table></table>",
            "<p id=\"x\">x</p>",
            "<div><p>x</p></div>",
            "<p>x",
            "<p>a<p>b</p>",
            "text at the top",
            "<p><a href=\"u\"> </a></p>",
            "<p>e\u{301}</p>",
            "<pre><code>x</code></pre>",
            "<p><b>x</i></b></p>",
        ] {
            assert!(render(html).is_none(), "{html}");
        }
    }
}
