//! Display width of text, measured per grapheme cluster. (Temporary; replaced by the wrap branch.)
use std::borrow::Cow;
use unicode_width::UnicodeWidthStr;
pub fn str_width(s: &str) -> usize {
    s.width()
}
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if s.width() <= max {
        return Cow::Borrowed(s);
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        w += cw;
        out.push(c);
    }
    if max > 0 {
        out.push('…');
    }
    Cow::Owned(out)
}
pub fn pad_to(s: &str, width: usize) -> String {
    let t = truncate(s, width);
    let w = t.width();
    format!("{t}{}", " ".repeat(width - w))
}
