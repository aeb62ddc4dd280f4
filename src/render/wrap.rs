//! CJK-aware wrapping of styled text. (Temporary; replaced by the wrap branch.)
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;
pub fn wrap(spans: &[Span<'static>], hang: &[Span<'static>], width: usize) -> Vec<Line<'static>> {
    let hw: usize = hang
        .iter()
        .map(|s| super::width::str_width(&s.content))
        .sum();
    let mut rows = vec![Line::default()];
    let mut w = 0;
    for s in spans {
        for c in s.content.chars() {
            let cw = c.width().unwrap_or(0);
            if w + cw > width {
                let mut l = Line::from(hang.to_vec());
                l.spans.push(Span::styled(String::new(), s.style));
                rows.push(l);
                w = hw;
            }
            let last = rows.last_mut().unwrap();
            last.spans.push(Span::styled(c.to_string(), s.style));
            w += cw;
        }
    }
    rows
}
pub fn split_hard(spans: &[Span<'static>], width: usize) -> Vec<Line<'static>> {
    wrap(spans, &[], width)
}
