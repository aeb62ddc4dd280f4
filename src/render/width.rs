//! Display width of text, measured per grapheme cluster.
//!
//! The measure is exactly the one ratatui 0.30 uses when it draws a string
//! (`Buffer::set_stringn`, `Span::styled_graphemes` + `CellWidth`):
//!
//! * the text is split into extended grapheme clusters
//!   (`unicode-segmentation`, `graphemes(s, true)`);
//! * a cluster containing any control character (`char::is_control`, e.g.
//!   `\t`, `\r\n`, ESC) is not drawn at all: width 0;
//! * a one-byte cluster (printable ASCII) is 1 column;
//! * any other cluster is `ratatui::buffer::CellWidth::cell_width`, i.e.
//!   `unicode_width::UnicodeWidthStr::width` of the whole cluster (so VS16
//!   emoji presentation, emoji ZWJ sequences, flags and keycaps are 2, a
//!   combining mark adds 0) plus 1 for every halfwidth (han)dakuten
//!   U+FF9E / U+FF9F, which terminals draw in a cell of their own;
//! * clusters of width 0 take no cell.
//!
//! A row whose [`str_width`] is at most `w` is therefore never clipped by
//! ratatui in an area `w` columns wide.

use std::borrow::Cow;

use ratatui::buffer::CellWidth;
use unicode_segmentation::UnicodeSegmentation;

/// The character appended by [`truncate`]; it is 1 column wide.
pub const ELLIPSIS: char = '…';

/// Display width of one extended grapheme cluster, as ratatui draws it.
///
/// Passing more than one cluster gives the width of the string measured as
/// one symbol, which is not what ratatui draws; use [`str_width`] then.
#[inline]
pub fn grapheme_width(g: &str) -> usize {
    let b = g.as_bytes();
    if b.len() == 1 {
        return usize::from(!b[0].is_ascii_control());
    }
    if g.contains(char::is_control) {
        return 0;
    }
    usize::from(g.cell_width())
}

/// Display width of a string: the sum of its clusters' [`grapheme_width`].
pub fn str_width(s: &str) -> usize {
    if s.is_ascii() {
        // Every ASCII byte is its own cluster except "\r\n", and that one
        // contains a control character, so it is not drawn either.
        return s.bytes().filter(|b| !b.is_ascii_control()).count();
    }
    s.graphemes(true).map(grapheme_width).sum()
}

/// Shorten `s` to at most `max` columns.
///
/// Returns `s` unchanged (borrowed) when it already fits. Otherwise the
/// longest prefix that ends at a cluster boundary and leaves room for a
/// trailing `…` is kept (trailing whitespace of that prefix is dropped) and
/// `…` is appended. A wide character is never cut in half: if only one
/// column is left for it, it is dropped and the result is narrower than
/// `max`. `max == 0` gives `""`.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if str_width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let budget = max - 1; // one column for the ellipsis
    let mut used = 0;
    let mut end = 0;
    for (i, g) in s.grapheme_indices(true) {
        let w = grapheme_width(g);
        if used + w > budget {
            break;
        }
        used += w;
        end = i + g.len();
    }
    let kept = s[..end].trim_end();
    let mut out = String::with_capacity(kept.len() + ELLIPSIS.len_utf8());
    out.push_str(kept);
    out.push(ELLIPSIS);
    Cow::Owned(out)
}

/// [`truncate`] `s` to `width` columns, then pad it with spaces to exactly
/// `width` columns (for fixed-width list columns).
pub fn pad_to(s: &str, width: usize) -> String {
    let t = truncate(s, width);
    let w = str_width(&t);
    let pad = width.saturating_sub(w);
    let mut out = String::with_capacity(t.len() + pad);
    out.push_str(&t);
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// The end of `s` that fits in `max` columns (for a prompt whose start scrolls away).
pub fn tail(s: &str, max: usize) -> &str {
    let mut w = 0;
    let mut start = s.len();
    for (i, g) in s.grapheme_indices(true).rev() {
        w += grapheme_width(g);
        if w > max {
            break;
        }
        start = i;
    }
    &s[start..]
}

#[cfg(test)]
mod tests {
    #[test]
    fn tail_keeps_the_end() {
        assert_eq!(super::tail("搜索：中文abc", 5), "文abc");
        assert_eq!(super::tail("abc", 10), "abc");
        assert_eq!(super::tail("中文", 1), "");
    }

    use super::*;

    #[test]
    fn ascii() {
        assert_eq!(str_width(""), 0);
        assert_eq!(str_width("hello"), 5);
        assert_eq!(grapheme_width("a"), 1);
        assert_eq!(grapheme_width(" "), 1);
    }

    #[test]
    fn controls_are_not_drawn() {
        assert_eq!(grapheme_width("\t"), 0);
        assert_eq!(grapheme_width("\r\n"), 0);
        assert_eq!(grapheme_width("\u{1b}"), 0);
        assert_eq!(str_width("a\tb\r\nc\u{7f}"), 3);
        assert_eq!(str_width("中\t文"), 4);
    }

    #[test]
    fn cjk() {
        assert_eq!(grapheme_width("中"), 2);
        assert_eq!(grapheme_width("あ"), 2);
        assert_eq!(grapheme_width("한"), 2);
        assert_eq!(grapheme_width("，"), 2);
        assert_eq!(grapheme_width("。"), 2);
        assert_eq!(grapheme_width("　"), 2);
        assert_eq!(str_width("中文abc"), 7);
        // halfwidth katakana and the halfwidth dakuten ratatui counts as 1
        assert_eq!(grapheme_width("ｶ"), 1);
        // unicode-width 0.2.3 already gives U+FF9E one column and ratatui
        // adds another; we follow ratatui, whatever it reserves is what counts
        assert_eq!(grapheme_width("ｶﾞ"), usize::from("ｶﾞ".cell_width()));
        assert!(grapheme_width("ｶﾞ") >= 2);
        // ambiguous-width punctuation is narrow
        assert_eq!(grapheme_width("…"), 1);
        assert_eq!(grapheme_width("“"), 1);
        assert_eq!(grapheme_width("—"), 1);
    }

    #[test]
    fn emoji() {
        // ZWJ family is one cluster, two columns
        let family = "👨\u{200d}👩\u{200d}👧\u{200d}👦";
        assert_eq!(family.graphemes(true).count(), 1);
        assert_eq!(grapheme_width(family), 2);
        assert_eq!(str_width(family), 2);
        // flag: two regional indicators, one cluster
        assert_eq!(grapheme_width("🇨🇳"), 2);
        assert_eq!(str_width("🇨🇳🇯🇵"), 4);
        // VS16 turns a text-presentation character into a wide emoji
        assert_eq!(grapheme_width("❤"), 1);
        assert_eq!(grapheme_width("❤\u{fe0f}"), 2);
        // skin tone modifier
        assert_eq!(grapheme_width("👍🏽"), 2);
        // keycap
        assert_eq!(grapheme_width("1\u{fe0f}\u{20e3}"), 2);
    }

    #[test]
    fn combining_marks() {
        let e = "e\u{301}";
        assert_eq!(e.graphemes(true).count(), 1);
        assert_eq!(grapheme_width(e), 1);
        assert_eq!(str_width("cafe\u{301}"), 4);
        // a lone combining mark is a zero-width cluster
        assert_eq!(str_width("\u{301}"), 0);
        // zero-width space
        assert_eq!(str_width("a\u{200b}b"), 2);
    }

    /// Width of every cluster equals what ratatui puts into a buffer.
    #[test]
    fn matches_ratatui_buffer() {
        use ratatui::buffer::Buffer;
        use ratatui::layout::Rect;
        use ratatui::style::Style;
        let samples = [
            "hello",
            "中文，测试。",
            "👨\u{200d}👩\u{200d}👧 family",
            "🇨🇳🇯🇵",
            "❤\u{fe0f}❤",
            "cafe\u{301} naïve",
            "ｶﾞｷﾞ",
            "a\tb",
            "“引号”…",
        ];
        for s in samples {
            let mut buf = Buffer::empty(Rect::new(0, 0, 60, 1));
            let (x, _) = buf.set_stringn(0, 0, s, 60, Style::default());
            assert_eq!(usize::from(x), str_width(s), "{s:?}");
        }
    }

    #[test]
    fn truncate_fits_unchanged() {
        assert!(matches!(truncate("abc", 3), Cow::Borrowed("abc")));
        assert!(matches!(truncate("中文", 4), Cow::Borrowed("中文")));
        assert_eq!(truncate("", 0), "");
    }

    #[test]
    fn truncate_examples() {
        assert_eq!(truncate("hello world", 8), "hello w…");
        assert_eq!(truncate("hello world", 7), "hello…");
        assert_eq!(truncate("hello", 0), "");
        assert_eq!(truncate("hello", 1), "…");
        // never cut a wide character: 中 needs 2, only 1 left after 2+1
        assert_eq!(truncate("中文字", 4), "中…");
        assert_eq!(truncate("中文字", 5), "中文…");
        assert_eq!(truncate("中文字", 1), "…");
        assert_eq!(truncate("中文字", 2), "…");
        // a ZWJ sequence stays whole
        let fam = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(truncate(&format!("{fam}{fam}"), 3), format!("{fam}…"));
        // combining mark stays with its base
        assert_eq!(truncate("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
    }

    #[test]
    fn truncate_never_exceeds_max() {
        let samples = [
            "Hello, 世界！这是一个测试 string with 👨\u{200d}👩\u{200d}👧 and 🇨🇳.",
            "中文中文中文中文中文中文",
            "a中b文c字d",
            "e\u{301}x\u{301}❤\u{fe0f}ｶﾞ“引号”",
            "plain ascii text that is long enough",
        ];
        for s in samples {
            let full = str_width(s);
            for max in 0..=20 {
                let t = truncate(s, max);
                let w = str_width(&t);
                assert!(w <= max, "{s:?} max {max}: {t:?} is {w} wide");
                if full <= max {
                    assert_eq!(t, s);
                } else {
                    assert!(max == 0 || t.ends_with(ELLIPSIS), "{t:?}");
                    // nothing useful was thrown away: at most one column short
                    // (a wide cluster that did not fit), unless trailing
                    // whitespace was trimmed
                    let kept = t.trim_end_matches(ELLIPSIS);
                    assert!(s.starts_with(kept), "{s:?} {t:?}");
                    let next = s[kept.len()..].graphemes(true).next().unwrap_or("");
                    if max > 0 && !next.starts_with(char::is_whitespace) {
                        assert!(
                            w + grapheme_width(next) > max,
                            "{s:?} max {max}: {t:?} wastes room"
                        );
                    }
                }
                let p = pad_to(s, max);
                assert_eq!(str_width(&p), max, "pad_to {s:?} {max}: {p:?}");
            }
        }
    }

    #[test]
    fn pad_examples() {
        assert_eq!(pad_to("ab", 4), "ab  ");
        assert_eq!(pad_to("中文字", 4), "中… ");
        assert_eq!(pad_to("abcdef", 4), "abc…");
        assert_eq!(pad_to("x", 0), "");
    }
}
