//! Display width of text, measured per grapheme cluster.
//!
//! With [`AmbiguousWidth::Narrow`] (the default) the measure is exactly the one
//! ratatui 0.30 uses when it draws a string (`Buffer::set_stringn`,
//! `Span::styled_graphemes` + `CellWidth`):
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
//!
//! [`AmbiguousWidth::Wide`] keeps every rule but takes
//! `UnicodeWidthStr::width_cjk` instead of `width`: East Asian Ambiguous
//! characters (`“ ” ‘ ’ · … ─ ○`, box drawing) are 2 columns, as a terminal in
//! a CJK locale draws them. ratatui knows nothing of that, so the ui draws
//! such text itself (`ui::draw`).

use std::borrow::Cow;

use ratatui::buffer::CellWidth;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// The character appended by [`truncate`].
pub const ELLIPSIS: char = '…';

/// How many columns the terminal gives an East Asian Ambiguous character: the
/// `ambiguous_width` setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AmbiguousWidth {
    /// One column, as ratatui and most terminals draw them.
    #[default]
    Narrow,
    /// Two columns, as terminals in a CJK locale draw them.
    Wide,
}

impl AmbiguousWidth {
    /// The setting for `n` columns, if that is 1 or 2.
    pub fn from_columns(n: u8) -> Option<Self> {
        match n {
            1 => Some(AmbiguousWidth::Narrow),
            2 => Some(AmbiguousWidth::Wide),
            _ => None,
        }
    }

    /// The light box-drawing character `c` (a rule, a border, a corner or junction) as
    /// drawn with this setting. Every box-drawing character is ambiguous, so where they are
    /// two columns wide an ASCII stand-in of one column (`- | +`) keeps rules and borders
    /// the length they were laid out for.
    pub fn box_char(self, c: char) -> char {
        match (self, c) {
            (AmbiguousWidth::Narrow, _) => c,
            (AmbiguousWidth::Wide, '─') => '-',
            (AmbiguousWidth::Wide, '│') => '|',
            (AmbiguousWidth::Wide, _) => '+',
        }
    }
}

/// Whether the UTF-8 bytes `b[i..]` start a CJK unified ideograph U+4E00..U+9FFF (lead
/// byte E5..E9, or E4 before B8..): most of a Chinese text, two columns wide, known here
/// without decoding it.
#[inline(always)]
pub(super) fn ideograph_at(b: &[u8], i: usize) -> bool {
    // The first two bytes read as one number lie in E4 B8 ..= E9 BF: one comparison, where
    // a branch on the lead byte would be mispredicted at random ends of runs. No other
    // character's bytes do, and no byte inside a character starts them.
    match b.get(i..i + 2) {
        Some(&[x, y]) => u16::from_be_bytes([x, y]).wrapping_sub(0xe4b8) <= 0xe9bf - 0xe4b8,
        _ => false,
    }
}

/// Display width of one extended grapheme cluster, as the terminal draws it.
///
/// Passing more than one cluster gives the width of the string measured as
/// one symbol, which is not what ratatui draws; use [`str_width`] then.
#[inline]
pub fn grapheme_width(g: &str, amb: AmbiguousWidth) -> usize {
    let b = g.as_bytes();
    if b.len() == 1 {
        return usize::from(!b[0].is_ascii_control());
    }
    if g.contains(char::is_control) {
        return 0;
    }
    match amb {
        AmbiguousWidth::Narrow => usize::from(g.cell_width()),
        // `cell_width` is `width` plus the halfwidth (han)dakuten; the same rule here.
        AmbiguousWidth::Wide => {
            g.width_cjk()
                + g.chars()
                    .filter(|c| matches!(c, '\u{ff9e}' | '\u{ff9f}'))
                    .count()
        }
    }
}

/// Display width of a string: the sum of its clusters' [`grapheme_width`].
pub fn str_width(s: &str, amb: AmbiguousWidth) -> usize {
    if s.is_ascii() {
        // Every ASCII byte is its own cluster except "\r\n", and that one
        // contains a control character, so it is not drawn either.
        return s.bytes().filter(|b| !b.is_ascii_control()).count();
    }
    s.graphemes(true).map(|g| grapheme_width(g, amb)).sum()
}

/// Shorten `s` to at most `max` columns.
///
/// Returns `s` unchanged (borrowed) when it already fits. Otherwise the
/// longest prefix that ends at a cluster boundary and leaves room for a
/// trailing `…` is kept (trailing whitespace of that prefix is dropped) and
/// `…` is appended. A wide character is never cut in half: if only one
/// column is left for it, it is dropped and the result is narrower than
/// `max`. `""` when not even the `…` fits.
pub fn truncate(s: &str, max: usize, amb: AmbiguousWidth) -> Cow<'_, str> {
    if str_width(s, amb) <= max {
        return Cow::Borrowed(s);
    }
    let ellipsis_w = grapheme_width(ELLIPSIS.encode_utf8(&mut [0; 4]), amb);
    let Some(budget) = max.checked_sub(ellipsis_w) else {
        return Cow::Borrowed("");
    };
    let mut used = 0;
    let mut end = 0;
    for (i, g) in s.grapheme_indices(true) {
        let w = grapheme_width(g, amb);
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
pub fn pad_to(s: &str, width: usize, amb: AmbiguousWidth) -> String {
    let t = truncate(s, width, amb);
    let w = str_width(&t, amb);
    let pad = width.saturating_sub(w);
    let mut out = String::with_capacity(t.len() + pad);
    out.push_str(&t);
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// The end of `s` that fits in `max` columns (for a prompt whose start scrolls away).
pub fn tail(s: &str, max: usize, amb: AmbiguousWidth) -> &str {
    let mut w = 0;
    let mut start = s.len();
    for (i, g) in s.grapheme_indices(true).rev() {
        w += grapheme_width(g, amb);
        if w > max {
            break;
        }
        start = i;
    }
    &s[start..]
}
#[cfg(test)]
mod tests {
    use super::*;

    const N: AmbiguousWidth = AmbiguousWidth::Narrow;
    const W: AmbiguousWidth = AmbiguousWidth::Wide;

    #[test]
    fn ideographs_are_known_by_their_first_bytes() {
        for c in '\0'..=char::MAX {
            let mut buf = [0; 4];
            let b = c.encode_utf8(&mut buf).as_bytes();
            assert_eq!(
                ideograph_at(b, 0),
                matches!(c, '\u{4e00}'..='\u{9fff}'),
                "{c:?}"
            );
            // Nor does any byte inside a character start one.
            assert!((1..b.len()).all(|i| !ideograph_at(b, i)), "{c:?}");
        }
    }

    #[test]
    fn tail_keeps_the_end() {
        assert_eq!(super::tail("搜索：中文abc", 5, N), "文abc");
        assert_eq!(super::tail("abc", 10, N), "abc");
        assert_eq!(super::tail("中文", 1, N), "");
        assert_eq!(super::tail("“引”", 3, W), "”");
    }

    #[test]
    fn ascii() {
        assert_eq!(str_width("", N), 0);
        assert_eq!(str_width("hello", N), 5);
        assert_eq!(grapheme_width("a", N), 1);
        assert_eq!(grapheme_width(" ", N), 1);
    }

    #[test]
    fn controls_are_not_drawn() {
        assert_eq!(grapheme_width("\t", N), 0);
        assert_eq!(grapheme_width("\r\n", N), 0);
        assert_eq!(grapheme_width("\u{1b}", N), 0);
        assert_eq!(str_width("a\tb\r\nc\u{7f}", N), 3);
        assert_eq!(str_width("中\t文", N), 4);
    }

    #[test]
    fn cjk() {
        assert_eq!(grapheme_width("中", N), 2);
        assert_eq!(grapheme_width("あ", N), 2);
        assert_eq!(grapheme_width("한", N), 2);
        assert_eq!(grapheme_width("，", N), 2);
        assert_eq!(grapheme_width("。", N), 2);
        assert_eq!(grapheme_width("　", N), 2);
        assert_eq!(str_width("中文abc", N), 7);
        // halfwidth katakana and the halfwidth dakuten ratatui counts as 1
        assert_eq!(grapheme_width("ｶ", N), 1);
        // unicode-width 0.2.3 already gives U+FF9E one column and ratatui
        // adds another; we follow ratatui, whatever it reserves is what counts
        assert_eq!(grapheme_width("ｶﾞ", N), usize::from("ｶﾞ".cell_width()));
        assert!(grapheme_width("ｶﾞ", N) >= 2);
        // ambiguous-width punctuation is narrow
        assert_eq!(grapheme_width("…", N), 1);
        assert_eq!(grapheme_width("“", N), 1);
        assert_eq!(grapheme_width("—", N), 1);
    }

    #[test]
    fn ambiguous_wide() {
        assert_eq!(str_width("“中”", W), 6);
        assert_eq!(str_width("“中”", N), 4);
        assert_eq!(str_width("“中", W), 4);
        assert_eq!(grapheme_width("…", W), 2);
        assert_eq!(grapheme_width("─", W), 2);
        assert_eq!(grapheme_width("·", W), 2);
        assert_eq!(grapheme_width("○", W), 2);
        // not ambiguous: unchanged
        assert_eq!(str_width("hello, world", W), 12);
        assert_eq!(str_width("中文，。", W), 8);
        assert_eq!(grapheme_width("›", W), 1);
        assert_eq!(grapheme_width("e\u{301}", W), 1);
        assert_eq!(grapheme_width("👍🏽", W), 2);
        // the other rules hold: controls, halfwidth dakuten
        assert_eq!(str_width("a\t“", W), 3);
        assert_eq!(grapheme_width("ｶﾞ", W), grapheme_width("ｶﾞ", N));
    }

    #[test]
    fn truncate_wide_ellipsis() {
        // the ellipsis is two columns too
        assert_eq!(truncate("“引号”很长", 6, W), "“引…");
        assert_eq!(truncate("abcdef", 5, W), "abc…");
        assert_eq!(truncate("abcdef", 1, W), "");
        assert_eq!(pad_to("abcdef", 1, W), " ");
        assert_eq!(pad_to("…", 3, W), "… ");
    }

    #[test]
    fn emoji() {
        // ZWJ family is one cluster, two columns
        let family = "👨\u{200d}👩\u{200d}👧\u{200d}👦";
        assert_eq!(family.graphemes(true).count(), 1);
        assert_eq!(grapheme_width(family, N), 2);
        assert_eq!(str_width(family, N), 2);
        // flag: two regional indicators, one cluster
        assert_eq!(grapheme_width("🇨🇳", N), 2);
        assert_eq!(str_width("🇨🇳🇯🇵", N), 4);
        // VS16 turns a text-presentation character into a wide emoji
        assert_eq!(grapheme_width("❤", N), 1);
        assert_eq!(grapheme_width("❤\u{fe0f}", N), 2);
        // skin tone modifier
        assert_eq!(grapheme_width("👍🏽", N), 2);
        // keycap
        assert_eq!(grapheme_width("1\u{fe0f}\u{20e3}", N), 2);
    }

    #[test]
    fn combining_marks() {
        let e = "e\u{301}";
        assert_eq!(e.graphemes(true).count(), 1);
        assert_eq!(grapheme_width(e, N), 1);
        assert_eq!(str_width("cafe\u{301}", N), 4);
        // a lone combining mark is a zero-width cluster
        assert_eq!(str_width("\u{301}", N), 0);
        // zero-width space
        assert_eq!(str_width("a\u{200b}b", N), 2);
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
            assert_eq!(usize::from(x), str_width(s, N), "{s:?}");
        }
    }

    #[test]
    fn truncate_fits_unchanged() {
        assert!(matches!(truncate("abc", 3, N), Cow::Borrowed("abc")));
        assert!(matches!(truncate("中文", 4, N), Cow::Borrowed("中文")));
        assert_eq!(truncate("", 0, N), "");
    }

    #[test]
    fn truncate_examples() {
        assert_eq!(truncate("hello world", 8, N), "hello w…");
        assert_eq!(truncate("hello world", 7, N), "hello…");
        assert_eq!(truncate("hello", 0, N), "");
        assert_eq!(truncate("hello", 1, N), "…");
        // never cut a wide character: 中 needs 2, only 1 left after 2+1
        assert_eq!(truncate("中文字", 4, N), "中…");
        assert_eq!(truncate("中文字", 5, N), "中文…");
        assert_eq!(truncate("中文字", 1, N), "…");
        assert_eq!(truncate("中文字", 2, N), "…");
        // a ZWJ sequence stays whole
        let fam = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(truncate(&format!("{fam}{fam}"), 3, N), format!("{fam}…"));
        // combining mark stays with its base
        assert_eq!(truncate("e\u{301}e\u{301}e\u{301}", 2, N), "e\u{301}…");
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
        for (s, amb) in samples.iter().flat_map(|s| [(s, N), (s, W)]) {
            let full = str_width(s, amb);
            let ellipsis_w = str_width("…", amb);
            for max in 0..=20 {
                let t = truncate(s, max, amb);
                let w = str_width(&t, amb);
                assert!(w <= max, "{s:?} max {max}: {t:?} is {w} wide");
                if full <= max {
                    assert_eq!(t, *s);
                } else if max < ellipsis_w {
                    assert_eq!(t, "");
                } else {
                    assert!(t.ends_with(ELLIPSIS), "{t:?}");
                    // nothing useful was thrown away: at most one column short
                    // (a wide cluster that did not fit), unless trailing
                    // whitespace was trimmed
                    let kept = t.trim_end_matches(ELLIPSIS);
                    assert!(s.starts_with(kept), "{s:?} {t:?}");
                    let next = s[kept.len()..].graphemes(true).next().unwrap_or("");
                    if !next.starts_with(char::is_whitespace) {
                        assert!(
                            w + grapheme_width(next, amb) > max,
                            "{s:?} max {max}: {t:?} wastes room"
                        );
                    }
                }
                let p = pad_to(s, max, amb);
                assert_eq!(str_width(&p, amb), max, "pad_to {s:?} {max}: {p:?}");
            }
        }
    }

    #[test]
    fn pad_examples() {
        assert_eq!(pad_to("ab", 4, N), "ab  ");
        assert_eq!(pad_to("中文字", 4, N), "中… ");
        assert_eq!(pad_to("abcdef", 4, N), "abc…");
        assert_eq!(pad_to("x", 0, N), "");
    }
}
