//! Post body (Markdown as Jekyll's kramdown reads it, mixed with raw HTML) → HTML.

use std::borrow::Cow;

use rayon::prelude::*;
use unicode_width::UnicodeWidthChar;

/// A character of a script written without spaces between words (Chinese, Japanese),
/// across which a source line break is not a space.
fn is_east_asian(c: char) -> bool {
    c.width() == Some(2) && !matches!(c, '\u{1100}'..='\u{11ff}' | '\u{ac00}'..='\u{d7af}')
}

/// `s.split('\n')`, with the newlines looked for many bytes at a time.
fn lines(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        match memchr::memchr(b'\n', r.as_bytes()) {
            Some(i) => {
                rest = Some(&r[i + 1..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// Whether `b` holds the start of a code fence anywhere.
fn has_fence(b: &[u8]) -> bool {
    ["```", "~~~"]
        .iter()
        .any(|n| memchr::memmem::find(b, n.as_bytes()).is_some())
}

fn fence_of(line: &str) -> Option<&str> {
    let t = line.trim_start();
    if line.len() - t.len() > 3 {
        return None;
    }
    ["```", "~~~"].into_iter().find(|f| t.starts_with(f))
}

/// Removes Liquid tags (`{% … %}`, `{{ … }}`) and kramdown attribute lists (`{: … }`)
/// from one line of prose. `{% highlight x %}` blocks are turned into fences by the caller.
fn strip_jekyll_syntax(line: &str, out: &mut String) {
    let mut rest = line;
    while let Some(start) = memchr::memchr(b'{', rest.as_bytes()) {
        let after = &rest[start..];
        let close = if after.starts_with("{%") {
            after.find("%}").map(|e| e + 2)
        } else if after.starts_with("{{") {
            after.find("}}").map(|e| e + 2)
        } else if after.starts_with("{:") {
            after.find('}').map(|e| e + 1)
        } else {
            None
        };
        match close {
            Some(end) => {
                out.push_str(&rest[..start]);
                rest = &after[end..];
            }
            None => {
                out.push_str(&rest[..start + 1]);
                rest = &rest[start + 1..];
            }
        }
    }
    out.push_str(rest);
}

fn liquid_tag(line: &str) -> Option<&str> {
    let t = line.trim();
    let inner = t.strip_prefix("{%")?.strip_suffix("%}")?;
    Some(
        inner
            .trim()
            .trim_start_matches('-')
            .trim_end_matches('-')
            .trim(),
    )
}

/// Prepares a body for the Markdown parser, outside code blocks only:
/// - a line break between two Chinese/Japanese characters is dropped rather than becoming
///   a space (the east-Asian line-break rule of kramdown and pandoc);
/// - Liquid tags and kramdown attribute lists are removed, and `{% highlight %}` blocks
///   become fenced code.
pub fn preprocess(body: &str) -> Cow<'_, str> {
    prepare(body, PIECE_BYTES)
}

/// [`preprocess`], looking at a long body in pieces of `piece` bytes. Scraped news seldom
/// holds anything the pass changes: the body is then taken as it is, not copied (5 MB of
/// fresh memory for a 5 MB post).
fn prepare(body: &str, piece: usize) -> Cow<'_, str> {
    let unchanged = if body.len() < 2 * piece {
        unchanged_in(body, 0, body.len())
    } else {
        line_cuts(body, piece)
            .par_windows(2)
            .all(|w| unchanged_in(body, w[0], w[1]))
    };
    if unchanged {
        Cow::Borrowed(body)
    } else {
        Cow::Owned(preprocess_in(body, piece))
    }
}

/// Whether [`preprocess_lines`] leaves the lines that start in `from..to` as they are:
/// they hold no code fence (a fence is written with a line end even at the body's end),
/// no `{%`, `{{` or `{:`, and no line break between two east-Asian characters. (It may say
/// no where the pass would change nothing.)
fn unchanged_in(body: &str, from: usize, to: usize) -> bool {
    let b = body.as_bytes();
    let jekyll = memchr::memchr_iter(b'{', &b[from..to])
        .any(|i| matches!(b.get(from + i + 1), Some(b'%' | b'{' | b':')));
    // Both lie within a line, and the pieces end lines: looked for piece by piece.
    !jekyll
        && !has_fence(&b[from..to])
        && memchr::memchr_iter(b'\n', &b[from..to]).all(|i| {
            let at = from + i;
            !(body[..at].chars().next_back().is_some_and(is_east_asian)
                && body[at + 1..].chars().next().is_some_and(is_east_asian))
        })
}

fn preprocess_in(body: &str, piece: usize) -> String {
    // Each line is done on its own, looking at the next, but for fenced code and
    // `{% highlight %}` blocks: without them, a long body is done in parallel, in pieces
    // cut at line starts.
    let b = body.as_bytes();
    // Both lie within a line, so they are looked for in the pieces. `{` is rare in prose;
    // the `%` of `{%` is not, in financial news.
    let whole = |p: &[u8]| {
        has_fence(p) || memchr::memchr_iter(b'{', p).any(|i| p.get(i + 1) == Some(&b'%'))
    };
    if body.len() < 2 * piece {
        return preprocess_lines(body, 0, body.len());
    }
    let cuts = line_cuts(body, piece);
    if cuts.par_windows(2).any(|w| whole(&b[w[0]..w[1]])) {
        return preprocess_lines(body, 0, body.len());
    }
    // Without fences and Liquid tags the pass only removes bytes, so each piece is written
    // where its lines lie in the body and then moved up after the one before: one buffer
    // of fresh memory, its pages touched on every core, rather than a string a piece and
    // then their concatenation on the calling thread (for a 5 MB body, 1,300 page faults
    // more, a few milliseconds on this thread alone).
    let mut out = vec![0u8; body.len()];
    let mut slots = Vec::with_capacity(cuts.len() - 1);
    let mut rest = out.as_mut_slice();
    for w in cuts.windows(2) {
        let (slot, tail) = rest.split_at_mut(w[1] - w[0]);
        slots.push(slot);
        rest = tail;
    }
    let lens: Vec<usize> = cuts
        .par_windows(2)
        .zip(slots)
        .with_max_len(1)
        .map(|(w, slot)| {
            let piece = preprocess_lines(body, w[0], w[1]);
            slot[..piece.len()].copy_from_slice(piece.as_bytes());
            piece.len()
        })
        .collect();
    let mut len = 0;
    for (w, n) in cuts.windows(2).zip(lens) {
        out.copy_within(w[0]..w[0] + n, len);
        len += n;
    }
    out.truncate(len);
    // SAFETY: `out` is the bytes of whole strings, one after another.
    unsafe { String::from_utf8_unchecked(out) }
}

/// Where `s` is cut into pieces of at least `piece` bytes (the last may be shorter), each
/// but the first starting a line: 0, the starts, then `s.len()`.
fn line_cuts(s: &str, piece: usize) -> Vec<usize> {
    let b = s.as_bytes();
    let mut cuts = vec![0];
    while let Some(&last) = cuts.last()
        && last + piece < b.len()
        && let Some(nl) = memchr::memchr(b'\n', &b[last + piece..])
    {
        cuts.push(last + piece + nl + 1);
    }
    cuts.push(b.len());
    cuts
}

/// [`preprocess`] of the lines of `body` that start in `from..to` (the last line of the
/// body too when `to` is its end), each looking at the line after it.
fn preprocess_lines(body: &str, from: usize, to: usize) -> String {
    let mut out = String::with_capacity(to - from);
    let mut fence: Option<&str> = None;
    let mut lines = lines(&body[from..]).peekable();
    let mut at = from;
    while let Some(line) = lines.next() {
        if at > to || (at == to && to < body.len()) {
            break;
        }
        at += line.len() + 1;
        if let Some(f) = fence {
            out.push_str(line);
            if fence_of(line).is_some_and(|g| g == f) {
                fence = None;
            }
            if lines.peek().is_some() {
                out.push('\n');
            }
            continue;
        }
        if let Some(f) = fence_of(line) {
            fence = Some(f);
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if let Some(tag) = liquid_tag(line) {
            let mut words = tag.split_whitespace();
            match words.next() {
                Some("highlight") => {
                    out.push_str("```");
                    out.push_str(words.next().unwrap_or(""));
                    out.push('\n');
                    fence = Some("```");
                }
                Some("endhighlight") => out.push_str("```\n"),
                _ => out.push('\n'),
            }
            continue;
        }
        let start = out.len();
        strip_jekyll_syntax(line, &mut out);
        let Some(next) = lines.peek() else { break };
        let ends_cjk = out[start..].chars().next_back().is_some_and(is_east_asian);
        let indented_code = line.starts_with("    ") || line.starts_with('\t');
        let next_starts_cjk = next.chars().next().is_some_and(is_east_asian);
        if !(ends_cjk && next_starts_cjk && !indented_code) {
            out.push('\n');
        }
    }
    out
}

/// Markdown + raw HTML → HTML, with CommonMark plus the extensions Jekyll sites use
/// (tables, strikethrough, bare URLs) and CJK-friendly emphasis, so `**重要。**后文` is bold.
/// A long body is cut into pieces (see [`cut`]) parsed in parallel.
pub fn to_html(body: &str) -> String {
    to_html_then(body, |html, _| html).concat()
}

/// The HTML of each piece [`to_html`] parses the body in (the whole if it is one piece),
/// passed through `then` in the piece's parallel task, with whether the piece's HTML ends
/// where the next piece's begins a line: in the middle of a line, what `then` does to the
/// pieces might not be what it does to the whole.
pub(super) fn to_html_then<T: Send>(body: &str, then: impl Fn(String, bool) -> T + Sync) -> Vec<T> {
    let md = preprocess(body);
    let across = reaches_across(&md);
    let html_of = |p: &str| {
        if across {
            comrak_html(p)
        } else {
            piece_html(p)
        }
    };
    if across || md.len() <= PIECE_BYTES {
        return vec![then(html_of(&md), true)];
    }
    let pieces = cut(&md, PIECE_BYTES);
    // Each piece a task of its own (rayon would hand out runs of them), so that the core
    // done first takes the last ones and neither waits long for the other at the end.
    pieces
        .par_iter()
        .with_max_len(1)
        .enumerate()
        .map(|(i, p)| {
            let html = html_of(p);
            let ends_line = html.is_empty() || html.ends_with('\n') || i + 1 == pieces.len();
            then(html, ends_line)
        })
        .collect()
}

/// Pieces parsed by one task are at least this long.
const PIECE_BYTES: usize = 64 * 1024;

/// [`cut`], or `md` whole if it may hold a block that reaches across blank lines.
#[cfg(test)]
pub fn pieces(md: &str, target: usize) -> Vec<&str> {
    if md.len() <= target || reaches_across(md) {
        return vec![md];
    }
    cut(md, target)
}

/// `md` cut into pieces of at least `target` bytes (the last may be shorter) whose HTML,
/// joined, is the HTML of the whole. A cut falls only before a line that follows a blank
/// line, starts at the margin and starts no list item: there a blank line has ended every
/// block but a list, which only an indented line or a new item would continue. Where no
/// line of the piece so far may start a list item, it also falls before a line indented
/// by one to three spaces that starts none (too little for code, as scraped posts indent
/// their raw `<p>`s).
///
/// That holds only without the blocks that reach across blank lines or across the whole
/// document, so a document that may hold one ([`reaches_across`]) must not be cut: fenced
/// code (any ```` ``` ```` or `~~~`), the HTML blocks a blank line does not end (`<pre>`,
/// `<script>`, `<style>`, `<textarea>`, `<?`, `<![`, a comment or `<!X` not closed on its
/// line), link reference definitions and footnotes (any `]:`).
fn cut(md: &str, target: usize) -> Vec<&str> {
    let b = md.as_bytes();
    // Only the lines from `target` bytes after the last cut are looked at: the first line
    // starting there, and whether the line before it is blank.
    let skip = |from: usize| {
        let at = if from >= b.len() {
            b.len()
        } else if from == 0 || b[from - 1] == b'\n' {
            from
        } else {
            memchr::memchr(b'\n', &b[from..]).map_or(b.len(), |i| from + i + 1)
        };
        let before = &b[..at.saturating_sub(1)];
        let prev = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
        (at, at > 0 && is_blank(&b[prev..at]))
    };
    // Whether a line of the piece before `listed_to` may start a list item.
    let (mut listed, mut listed_to) = (false, 0);
    let mut out = Vec::new();
    let mut start = 0;
    let (mut at, mut after_blank) = skip(target);
    while at < b.len() {
        let end = memchr::memchr(b'\n', &b[at..]).map_or(b.len(), |i| at + i + 1);
        let line = &md[at..end];
        if is_blank(line.as_bytes()) {
            after_blank = true;
        } else if after_blank && {
            let rest = line.trim_start_matches(' ');
            let indent = line.len() - rest.len();
            // Four columns, a tab's included, would make it code.
            indent < 4
                && !rest.starts_with('\t')
                && !starts_list_item(rest.trim_end())
                && (indent == 0 || {
                    if !listed {
                        listed = lines(&md[listed_to.max(start)..at])
                            .any(|l| starts_list_item(l.trim_start().trim_end()));
                    }
                    listed_to = at;
                    !listed
                })
        } {
            out.push(&md[start..at]);
            start = at;
            listed = false;
            (at, after_blank) = skip((start + target).max(end));
            continue;
        } else {
            after_blank = false;
        }
        at = end;
    }
    out.push(&md[start..]);
    out
}

/// Whether `line` (with or without its newline) is blank to CommonMark.
fn is_blank(line: &[u8]) -> bool {
    line.iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Whether `md` may hold a block that a blank line does not end (see [`cut`]).
fn reaches_across(md: &str) -> bool {
    reaches_across_in(md, PIECE_BYTES)
}

/// [`reaches_across`], looked for in pieces of `piece` bytes cut at line starts, on every
/// core: each of its signs lies within one line.
fn reaches_across_in(md: &str, piece: usize) -> bool {
    if md.len() < 2 * piece {
        return any_across(md);
    }
    line_cuts(md, piece)
        .par_windows(2)
        .any(|w| any_across(&md[w[0]..w[1]]))
}

/// [`reaches_across`] of the whole of `md`.
fn any_across(md: &str) -> bool {
    let b = md.as_bytes();
    // `]` and `<` are rarer than `:` and `?` (times, URLs), so they are looked for.
    if has_fence(b) || memchr::memchr_iter(b']', b).any(|i| b.get(i + 1) == Some(&b':')) {
        return true;
    }
    for i in memchr::memchr_iter(b'<', b) {
        let rest = &b[i + 1..];
        if rest.starts_with(b"?")
            || rest.starts_with(b"![")
            || ["pre", "script", "style", "textarea"].iter().any(|n| {
                rest.len() >= n.len() && rest[..n.len()].eq_ignore_ascii_case(n.as_bytes())
            })
        {
            return true;
        }
    }
    // A comment or a declaration must close on its line, after the last one opened there.
    !closes_on_its_line(b, b"<!--", b"-->") || !closes_on_its_line(b, b"<!", b">")
}

/// Whether after the last `open` on each line of `b` there is a `close` on that line.
fn closes_on_its_line(b: &[u8], open: &[u8], close: &[u8]) -> bool {
    let mut opens = memchr::memmem::find_iter(b, open).peekable();
    // The end of the line of the last `open` seen: found once per line, not per `open`.
    let mut line_end = 0;
    while let Some(i) = opens.next() {
        if i >= line_end {
            line_end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |e| i + e);
        }
        if opens.peek().is_some_and(|&next| next < line_end) {
            continue;
        }
        if memchr::memmem::find(&b[i + open.len()..line_end], close).is_none() {
            return false;
        }
    }
    true
}

/// Whether `line` (at the margin) starts a list item: `-`, `+`, `*` or a number with `.`
/// or `)`, then white space or the end.
fn starts_list_item(line: &str) -> bool {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = if digits > 0 {
        match line[digits..].strip_prefix(['.', ')']) {
            Some(r) if digits <= 9 => r,
            _ => return false,
        }
    } else {
        match line.strip_prefix(['-', '+', '*']) {
            Some(r) => r,
            None => return false,
        }
    };
    rest.is_empty() || rest.starts_with([' ', '\t'])
}

/// The HTML of `md`, which holds no block that reaches across blank lines: its plain
/// paragraphs (most of a news post) written here, the rest by comrak. Each run of
/// [`cut`]s that are not plain is parsed in one go; joined, the HTML of the cuts is the
/// HTML of the whole.
fn piece_html(md: &str) -> String {
    let mut html = String::with_capacity(md.len() + md.len() / 4);
    let mut parsed_to = 0;
    let mut at = 0;
    for p in cut(md, 0) {
        let links = if is_plain(p) {
            Some(Vec::new())
        } else {
            plain_links(p)
        };
        if let Some(links) = links {
            if parsed_to < at {
                comrak_html_into(&md[parsed_to..at], &mut html);
            }
            plain_html(p, &links, &mut html);
            parsed_to = at + p.len();
        }
        at += p.len();
    }
    if parsed_to < md.len() {
        comrak_html_into(&md[parsed_to..], &mut html);
    }
    html
}

/// Whether `x` means something to comrak inside a paragraph with the options of
/// [`comrak_html`] (its `special` table but `w`, plus `@` for e-mail autolinks, `|` for
/// tables, and the `"` and `>` it escapes), or is a control character but the newline.
/// Written as comparisons, which the compiler does many bytes at a time.
#[inline(always)]
fn not_plain(x: u8) -> bool {
    (x < 0x20 && x != b'\n')
        | (x == 0x7f)
        | (x == b'_')
        | (x == b'*')
        | (x == b'"')
        | (x == b'`')
        | (x == b'\\')
        | (x == b'&')
        | (x == b'<')
        | (x == b'>')
        | (x == b'[')
        | (x == b']')
        | (x == b'!')
        | (x == b':')
        | (x == b'~')
        | (x == b'@')
        | (x == b'|')
}

/// Whether `md` is paragraphs of plain text alone, which comrak gives back as they are,
/// each in `<p>`: no byte that is [`not_plain`] and no `www.` (an autolink), and no line that
/// starts with a space, a list item, or one of `#+-=` (a heading, a rule), or ends with a
/// space (a hard break).
fn is_plain(md: &str) -> bool {
    let b = md.as_bytes();
    if b.chunks(64)
        .any(|c| c.iter().fold(false, |acc, &x| acc | not_plain(x)))
        || memchr::memmem::find(b, b"www.").is_some()
    {
        return false;
    }
    lines(md).all(|line| match line.as_bytes() {
        [] => true,
        [first, .., last] | [first @ last] => {
            is_blank(line.as_bytes())
                || !(matches!(first, b' ' | b'#' | b'+' | b'-' | b'=')
                    || *last == b' '
                    || first.is_ascii_digit() && starts_list_item(line))
        }
    })
}

/// A link written `[text](url)` in a paragraph: where it starts and ends in the Markdown.
struct Link<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    url: &'a str,
}

/// Whether comrak writes `b` in a link's URL as it is (see `comrak::html::escape_href`),
/// and `b` neither ends a URL in Markdown nor starts an escape or an entity.
fn url_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.+!*,#@?=;:/$~".contains(&b)
}

/// The links of `md`, if it is paragraphs of plain text and links `[text](url)` or
/// autolinks `<http://url>` alone: `md` with each link written as its text (an autolink as
/// a letter) is [`is_plain`] (so the text holds no bracket and nothing else in `md` is one),
/// and each URL is [`url_byte`]s. Links to a site's sections (`[返回首页](//example.com/)`)
/// end most scraped posts, and 137 of the 140 sample posts give their source as an
/// autolink on a line of its own: comrak parses such a paragraph at ten times the cost of
/// plain text, and each alone between plain ones costs a call of its own.
fn plain_links(md: &str) -> Option<Vec<Link<'_>>> {
    let b = md.as_bytes();
    let mut links = Vec::new();
    let mut as_text = String::with_capacity(md.len());
    let mut at = 0;
    for start in memchr::memchr2_iter(b'[', b'<', b) {
        if start < at {
            return None;
        }
        if b[start] == b'<' {
            // comrak writes an autolink as a link to its URL, with the URL as its text, both
            // as they are when they are URL bytes.
            let url = &md[start + 1..];
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return None;
            }
            let url_end = start + 1 + url.bytes().position(|x| !url_byte(x))?;
            if b[url_end] != b'>' {
                return None;
            }
            let url = &md[start + 1..url_end];
            as_text.push_str(&md[at..start]);
            as_text.push('a');
            links.push(Link {
                start,
                end: url_end + 1,
                text: url,
                url,
            });
            at = url_end + 1;
            continue;
        }
        let close = start + 1 + memchr::memchr2(b']', b'\n', &b[start + 1..])?;
        let url_start = close + 2;
        if b[close] != b']' || b.get(close + 1) != Some(&b'(') {
            return None;
        }
        let url_end = url_start + b[url_start..].iter().position(|&x| !url_byte(x))?;
        let text = &md[start + 1..close];
        if text.is_empty() || b[url_end] != b')' {
            return None;
        }
        as_text.push_str(&md[at..start]);
        as_text.push_str(text);
        links.push(Link {
            start,
            end: url_end + 1,
            text,
            url: &md[url_start..url_end],
        });
        at = url_end + 1;
    }
    if links.is_empty() {
        return None;
    }
    as_text.push_str(&md[at..]);
    is_plain(&as_text).then_some(links)
}

/// The HTML comrak gives for [`is_plain`] `md`, or for `md` with its [`plain_links`]
/// `links`.
fn plain_html(md: &str, links: &[Link], out: &mut String) {
    let mut links = links.iter().peekable();
    let mut open = false;
    let mut at = 0;
    for line in lines(md) {
        let end = at + line.len();
        if is_blank(line.as_bytes()) {
            if open {
                out.push_str("</p>\n");
                open = false;
            }
        } else {
            out.push_str(if open { "\n" } else { "<p>" });
            let mut from = at;
            while let Some(link) = links.next_if(|l| l.start < end) {
                out.push_str(&md[from..link.start]);
                for piece in ["<a href=\"", link.url, "\">", link.text, "</a>"] {
                    out.push_str(piece);
                }
                from = link.end;
            }
            out.push_str(&md[from..end]);
            open = true;
        }
        at = end + 1;
    }
    if open {
        out.push_str("</p>\n");
    }
}

/// As `comrak::markdown_to_html`, into a string sized for the usual HTML of a text, so
/// that it is not copied as it grows.
fn comrak_html(md: &str) -> String {
    let mut html = String::with_capacity(md.len() + md.len() / 4);
    comrak_html_into(md, &mut html);
    html
}

fn comrak_html_into(md: &str, html: &mut String) {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    options.extension.footnotes = true;
    options.extension.cjk_friendly_emphasis = true;
    // Raw HTML is the point of these posts; it is only ever turned into text, never run.
    options.render.r#unsafe = true;
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, md, &options);
    // Writing to a String does not fail.
    let _ = comrak::format_html(root, &options, html);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Markdown blocks that a blank line ends, or that a cut must not split (lists,
    /// indented code) …
    const BLOCKS: &[&str] = &[
        "中文段落，文字。",
        "English *text* with `code` and [a link](http://x/).",
        "2023年，营收增长。",
        "-5% drop",
        "## 标题",
        "Title\n===",
        "***",
        "- a\n- b",
        "- a\n\n  b",
        "1. x\n2. y",
        "3) z",
        "* item",
        "    indented\n\n    more",
        "> quote\n> more",
        "<div>\nhtml\n</div>",
        "<p>para</p>",
        "<!-- one line -->",
        "<span>a</span>\ntext",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "[x] and [^1]",
        "\ttab",
        " one space",
        "   three",
        " <p>para</p>\n <p>more</p>",
        "  <div>\nx\n</div>",
        "  - nested",
        " 1. x",
        "   > q",
        "  \ttab",
        "text\nlazy",
    ];

    /// … and blocks that reach across blank lines or the whole document.
    const ACROSS: &[&str] = &[
        "```\ncode\n\nmore\n```",
        "~~~~\n```\n\n~~~~",
        "```rust\nunclosed",
        "> ```\n> fenced in quote",
        "- a\n  ```\n  x\n\n```",
        "<pre>\npre\n\ntext\n</pre>",
        "<PRE>\n\n</PRE>",
        "<!--\ncomment\n\nstill\n-->",
        "<script>\nx\n\ny</script>",
        "<?php\n\n?>",
        "<!DOCTYPE\n\nx>",
        "<![CDATA[\n\n]]>",
        "[x]: http://ref",
        "[^1]: note",
    ];

    /// Pieces of lines for [`piece_html_is_comrak_html`]: mostly plain text …
    const PLAIN_BITS: &[&str] = &[
        "中文",
        "，",
        "。",
        "（603461）",
        "57.24%",
        "841.7亿元",
        "6月15日",
        "2023-07-03",
        "Steel",
        " rate",
        "it's",
        "a.b",
        "w",
        "ww.",
        "x=y",
        "a+b",
        "1",
        "3.",
        "$",
        "^",
        "{}",
        "(x)",
        "é",
        "\u{3000}",
        "\u{a0}",
        "",
        " ",
    ];

    /// … links, most of them in the shapes written without comrak …
    const LINK_BITS: &[&str] = &[
        "<http://finance.example.com/a/202112082206672930.html>",
        "<https://x.cn/1,2.html?a=b#c>",
        "<http://>",
        "<http://a b>",
        "<http://a>b",
        "<http://a&b>",
        "<http://a%20b>",
        "<http://a'b>",
        "<http:x>",
        "<https:/x>",
        "<ftp://x>",
        "<HTTP://x>",
        "<a@b.cn>",
        "<http://a",
        "<>",
        "<p>",
        "<http://www.x.cn>",
        "www.<http://a>",
        "[返回首页](//example.com/)",
        "[返回港股](//example.com/category/ganggu.html)",
        "[a](http://x.y/p?q=1#f)",
        "[a](//www.x.com/a@b)",
        "[中文](b)",
        "[x](y_z*w!~$@,;+=)",
        "[a](b)(c)",
        "[a](b))",
        "[a](b)[c](d)",
        "[a] (b)",
        "[a]b)",
        "[a](b c)",
        "[a](<b>)",
        "![a](b)",
        "[](b)",
        "[a]()",
        "[^a](b)",
        "[a](b'c)",
        "[a](b(c))",
        "[a](b&amp;c)",
        "[a](b&c)",
        "[a](b%20c)",
        "[a](b\\)c)",
        "[a](b \"t\")",
        "[[a]](b)",
        "[ a ](b)",
        "[www.x](b)",
        "[a:b](c)",
        "[#a](b)",
        "[-](b)",
        "[a](é)",
    ];

    /// … and what may make a line or a paragraph something else.
    const MARKUP_BITS: &[&str] = &[
        "*",
        "_",
        "`",
        "\\",
        "&",
        "&amp;",
        "<",
        ">",
        "\"",
        "[",
        "]",
        "!",
        ":",
        "~",
        "@",
        "|",
        "#",
        "# ",
        "-",
        "- ",
        "+ ",
        "=",
        "===",
        "---",
        "1. ",
        "2) ",
        "  ",
        "   ",
        "    ",
        "\t",
        "www.",
        "www.x.com",
        "http://x.y",
        "a@b.cn",
        "\u{0}",
        "\r",
        "\u{7f}",
    ];

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 3000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Plain paragraphs written directly, the rest by comrak, give comrak's HTML of the
        /// whole.
        #[test]
        fn piece_html_is_comrak_html(
            lines in prop::collection::vec(
                prop::collection::vec(
                    prop_oneof![
                        12 => prop::sample::select(PLAIN_BITS),
                        2 => prop::sample::select(LINK_BITS),
                        1 => prop::sample::select(MARKUP_BITS),
                    ],
                    0..8,
                ),
                0..12,
            ),
            end in prop::sample::select(&["", "\n", "\n\n"][..]),
        ) {
            let md = lines.iter().map(|l| l.concat()).collect::<Vec<_>>().join("\n") + end;
            prop_assume!(!reaches_across(&md));
            prop_assert_eq!(piece_html(&md), comrak_html(&md), "{:?}", md);
        }

        /// Cut wherever [`pieces`] allows, a document gives the HTML it gives whole.
        #[test]
        fn pieces_give_the_html_of_the_whole(
            parts in prop::collection::vec(
                (
                    prop_oneof![
                        20 => prop::sample::select(BLOCKS),
                        1 => prop::sample::select(ACROSS),
                    ],
                    prop::sample::select(&["\n", "\n\n", "\n\n\n", "\n \n"][..]),
                ),
                1..12,
            )
        ) {
            let md: String = parts.iter().flat_map(|(b, sep)| [*b, *sep]).collect();
            let cut: String = pieces(&md, 0).iter().map(|p| comrak_html(p)).collect();
            prop_assert_eq!(cut, comrak_html(&md), "{:?} {:?}", md, pieces(&md, 0));
        }
    }

    /// [`pieces`] as first written: every line looked at.
    fn pieces_line_by_line(md: &str, target: usize) -> Vec<&str> {
        if md.len() <= target || reaches_across(md) {
            return vec![md];
        }
        let mut out = Vec::new();
        let (mut start, mut at, mut after_blank) = (0, 0, false);
        for line in md.split_inclusive('\n') {
            let here = at;
            at += line.len();
            if line
                .bytes()
                .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            {
                after_blank = true;
                continue;
            }
            let rest = line.trim_start_matches(' ');
            let indent = line.len() - rest.len();
            if after_blank
                && here - start >= target
                && indent < 4
                && !rest.starts_with('\t')
                && !starts_list_item(rest.trim_end())
                && (indent == 0
                    || !md[start..here]
                        .lines()
                        .any(|l| starts_list_item(l.trim_start().trim_end())))
            {
                out.push(&md[start..here]);
                start = here;
            }
            after_blank = false;
        }
        out.push(&md[start..]);
        out
    }

    proptest! {
        /// Skipping to `target` bytes after each cut finds the cuts of looking at every line.
        #[test]
        fn pieces_skip_to_the_same_cuts(
            parts in prop::collection::vec(
                (
                    prop::sample::select(BLOCKS),
                    prop::sample::select(&["\n", "\n\n", "\n\n\n", "\n \n", ""][..]),
                ),
                1..30,
            ),
            target in 0usize..200,
        ) {
            let md: String = parts.iter().flat_map(|(b, sep)| [*b, *sep]).collect();
            prop_assert_eq!(pieces(&md, target), pieces_line_by_line(&md, target), "{:?}", md);
        }

        /// Done in pieces, a body is prepared as it is whole, and taken as it is only where
        /// the pass would leave it so.
        #[test]
        fn preprocess_in_pieces_is_preprocess_whole(
            lines in prop::collection::vec(
                prop::sample::select(&[
                    "中文行", "文", "“引号”", "English line", "", "  ", "    缩进代码", "\t代码",
                    "{: .class}", "文字{: #id}", "x {{ var }} 中", "- 列表", "{% raw %}", "```",
                ][..]),
                0..40,
            ),
            end in prop::sample::select(&["", "\n"][..]),
            piece in 1usize..40,
        ) {
            // Lines apart (blank lines between) are more often left as they are.
            for sep in ["\n", "\n\n"] {
                let body = lines.join(sep) + end;
                let whole = preprocess_lines(&body, 0, body.len());
                prop_assert_eq!(&preprocess_in(&body, piece), &whole, "{:?}", body);
                prop_assert_eq!(prepare(&body, piece), whole, "{:?}", body);
            }
        }
    }

    proptest! {
        /// Looked for in pieces, the signs of a block that reaches across blank lines are
        /// found as in the whole.
        #[test]
        fn reaches_across_in_pieces_as_whole(
            parts in prop::collection::vec(
                (
                    prop_oneof![
                        4 => prop::sample::select(BLOCKS),
                        1 => prop::sample::select(ACROSS),
                        1 => prop::sample::select(&["<!--", "-->", "<!x", ">", "]", ":"][..]),
                    ],
                    prop::sample::select(&["\n", "\n\n", " ", ""][..]),
                ),
                1..30,
            ),
            piece in 1usize..40,
        ) {
            let md: String = parts.iter().flat_map(|(b, sep)| [*b, *sep]).collect();
            prop_assert_eq!(reaches_across_in(&md, piece), any_across(&md), "{:?}", md);
        }
    }

    #[test]
    fn scraped_news_is_taken_as_it_is() {
        let body = " <p>沪深两市今日高开，<a href=\"http://a/\">新能源</a>板块走强。</p>\n\n\
                    正文第二段，数据{来源}见下。\n\n[返回首页](//example.com/)\n";
        assert!(matches!(preprocess(body), Cow::Borrowed(_)));
        assert!(matches!(preprocess(&body.repeat(20_000)), Cow::Borrowed(_)));
        // A line break between two Chinese characters is taken out: a copy.
        assert!(matches!(preprocess("上一行\n下一行"), Cow::Owned(_)));
    }

    #[test]
    fn news_paragraphs_are_plain() {
        let md = "457.3亿元人民币，可以（603461）。\n6月11日获悉：不\n\n2023-07-03 it's 5%\n";
        assert!(is_plain(md));
        assert_eq!(
            piece_html(md),
            "<p>457.3亿元人民币，可以（603461）。\n6月11日获悉：不</p>\n<p>2023-07-03 it's 5%</p>\n"
        );
        for not in [
            "1. 列表",
            "## 标题",
            "- 项",
            "文字  \n换行",
            "见 www.x.cn",
            "**粗**",
        ] {
            assert!(!is_plain(not), "{not}");
        }
    }

    #[test]
    fn long_documents_are_cut() {
        let md = "段落。\n\n- a\n\n  b\n\n<!-- c -->\n<div>x</div>\n\n后文\n".repeat(50);
        let p = pieces(&md, 100);
        assert!(p.len() > 10, "{}", p.len());
        assert_eq!(p.concat(), md);
        for across in [
            "[r]: http://x\n",
            "```\nx\n",
            "<!-- open\n",
            "<!-- open <!x>\n",
            "<PRE>\n",
            "<?php\n",
            "<![CDATA[\n",
            "~~~\n",
        ] {
            assert_eq!(pieces(&format!("{md}{across}"), 100).len(), 1, "{across}");
        }
    }

    #[test]
    fn cjk_line_breaks_vanish_others_stay() {
        assert_eq!(
            preprocess("中文第一行\n第二行。\nEnglish\nline"),
            "中文第一行第二行。\nEnglish\nline"
        );
        assert_eq!(
            preprocess("```\n中\n文\n```\n中\n文"),
            "```\n中\n文\n```\n中文"
        );
    }

    #[test]
    fn liquid_and_attribute_lists_are_removed_outside_code() {
        let src = "{% include x.html %}\n正文{{ page.title }}结束\n{: .note}\n![a](b){: width=\"50%\"}\n```\n{{ kept }}\n```";
        let out = preprocess(src);
        assert!(!out.contains("{%") && !out.contains("{:"), "{out}");
        assert!(out.contains("正文结束"), "{out}");
        assert!(out.contains("{{ kept }}"), "{out}");
    }

    #[test]
    fn highlight_blocks_become_code() {
        let html = to_html("{% highlight rust %}\nfn main() {}\n{% endhighlight %}\n");
        assert!(
            html.contains("<pre><code class=\"language-rust\">fn main() {}"),
            "{html}"
        );
    }

    #[test]
    fn cjk_emphasis_and_autolinks() {
        let html = to_html("**这句话很重要。**但是\n\n<http://example.com/a?b=1>");
        assert!(
            html.contains("<strong>这句话很重要。</strong>但是"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"http://example.com/a?b=1\">"),
            "{html}"
        );
    }
}
