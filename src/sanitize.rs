//! Cleaning of untrusted text, applied once where text enters the program: the loader cleans
//! front matter and bodies, the renderer cleans what html2text decodes from entities
//! (`&#27;` becomes ESC only there). After this, no control character, escape sequence or
//! bidi override can reach the terminal, and no junk such as `[2J` is left visible.

use std::borrow::Cow;

/// Does this text need any cleaning? Clean text (nearly all of it) costs no allocation
/// and little time: control bytes are looked for a chunk at a time, in a loop the compiler
/// vectorises, and the lead bytes of the few multi-byte characters to remove (C1 controls,
/// bidi controls, a stray BOM) with memchr.
fn is_clean(s: &str, keep_newlines: bool) -> bool {
    let b = s.as_bytes();
    let control = |x: u8| (x < 0x20 && !(keep_newlines && (x == b'\n' || x == b'\t'))) || x == 0x7f;
    if b.chunks(64)
        .any(|c| c.iter().fold(false, |acc, &x| acc | control(x)))
    {
        return false;
    }
    // EF also leads Chinese full-width punctuation (`，` is EF BC 8C), so the BOM is
    // looked for as a whole rather than by its lead byte.
    !memchr::memchr2_iter(0xc2, 0xe2, b).any(|i| match b[i] {
        // C1 controls U+0080..U+009F are C2 80..C2 9F.
        0xc2 => matches!(b.get(i + 1), Some(0x80..=0x9f)),
        // Bidi embeddings/overrides U+202A..U+202E and isolates U+2066..U+2069.
        _ => matches!(
            (b.get(i + 1), b.get(i + 2)),
            (Some(0x80), Some(0xaa..=0xae)) | (Some(0x81), Some(0xa6..=0xa9))
        ),
    }) && BOM.find(b).is_none()
}

/// Built once: this is asked of every string html2text gives, and setting up a search
/// cost more than the search.
static BOM: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("\u{feff}"));

fn is_dropped(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// Skips the body of an escape or control sequence that starts after `intro`
/// (ESC already consumed, or a C1 introducer). Unterminated string sequences end at a
/// newline so one bad byte cannot swallow the rest of a post.
///
/// Returns the introducer of a sequence that an ESC inside this one starts (`ESC ESC [2J`,
/// `ESC ] 0;x ESC [2J`), as a terminal would read it; the caller loops rather than
/// recursing, so no input can nest deeply.
fn skip_sequence(
    intro: char,
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
) -> Option<char> {
    match intro {
        // ESC ESC: the second one starts the sequence again.
        '\u{1b}' => return chars.next(),
        // CSI: parameters and intermediates, then one final byte.
        '[' | '\u{9b}' => {
            while let Some(&c) = chars.peek() {
                chars.next();
                if c == '\u{1b}' {
                    return chars.next();
                }
                if ('\u{40}'..='\u{7e}').contains(&c) || c == '\n' {
                    break;
                }
                if !('\u{20}'..='\u{3f}').contains(&c) {
                    break;
                }
            }
        }
        // OSC, DCS, SOS, PM, APC: a string ended by BEL or ST (ESC \ or U+009C).
        ']' | 'P' | 'X' | '^' | '_' | '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => {
            while let Some(&c) = chars.peek() {
                match c {
                    '\u{7}' | '\u{9c}' => {
                        chars.next();
                        break;
                    }
                    '\u{1b}' => {
                        chars.next();
                        if chars.peek() == Some(&'\\') {
                            chars.next();
                            break;
                        }
                        return chars.next();
                    }
                    '\n' => break,
                    _ => {
                        chars.next();
                    }
                }
            }
        }
        // Other escapes: intermediates (`(`, `#`, …) then one final character.
        _ => {
            let mut c = intro;
            while ('\u{20}'..='\u{2f}').contains(&c) {
                match chars.next() {
                    Some(n) => c = n,
                    None => break,
                }
            }
        }
    }
    None
}

fn clean(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if is_clean(s, keep_newlines) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    // A few Windows line ends (scraped HTML) would send a whole body through the loop
    // below, a character at a time: the clean runs between them are copied whole. What
    // else needs cleaning goes through the loop from the run it is in on.
    if keep_newlines {
        while let Some(at) = memchr::memchr(b'\r', rest.as_bytes())
            && rest[at + 1..].starts_with('\n')
            && is_clean(&rest[..at], true)
        {
            out.push_str(&rest[..at]);
            rest = &rest[at + 1..];
        }
        if is_clean(rest, true) {
            out.push_str(rest);
            return Cow::Owned(out);
        }
    }
    clean_chars(rest, keep_newlines, &mut out);
    Cow::Owned(out)
}

/// [`clean`] a character at a time, onto `out`.
fn clean_chars(s: &str, keep_newlines: bool, out: &mut String) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' if keep_newlines => out.push(c),
            '\r' if keep_newlines => {
                // CRLF and lone CR both become one newline.
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' | '\r' => out.push(' '),
            '\u{1b}' | '\u{9b}' | '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => {
                let mut intro = if c == '\u{1b}' { chars.next() } else { Some(c) };
                while let Some(i) = intro {
                    intro = skip_sequence(i, &mut chars);
                }
            }
            c if c.is_control() || is_dropped(c) => {}
            c => out.push(c),
        }
    }
}

/// Cleans multi-line text (a body): keeps `\n` and `\t`, turns CRLF and CR into `\n`.
pub fn clean_text(s: &str) -> Cow<'_, str> {
    clean(s, true)
}

/// Cleans a piece of one line: line breaks and tabs become spaces.
pub fn clean_inline(s: &str) -> Cow<'_, str> {
    clean(s, false)
}

/// Cleans a one-line field (title, category, URL): as `clean_inline`, and surrounding
/// whitespace is trimmed.
pub fn clean_line(s: &str) -> String {
    clean_inline(s).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escape_sequences_leave_no_junk() {
        let s = "a\x1b]0;PWNED\x07b\x1b]52;c;SGVsbG8=\x1b\\c\x1b[2Jd\x1b[1;31me\x1b(Bf";
        assert_eq!(clean_text(s), "abcdef");
        assert_eq!(clean_line("\u{9b}31mred\u{9d}8;;http://x\u{9c}!"), "red!");
    }

    #[test]
    fn an_escape_inside_a_sequence_starts_the_next_one() {
        // Terminals read these as CSI 2J, OSC 0 and so on: none of it may stay visible.
        assert_eq!(clean_text("a\x1b\x1b[2Jb\x1b\x1b\x1b]0;t\x07c"), "abc");
        assert_eq!(clean_text("a\x1b]0;t\x1b[2Jb\x1b]8;;u\x1b\\c"), "abc");
        assert_eq!(clean_text("a\x1b[1\x1b[31mb\u{9b}1\x1b]0;t\x07c"), "abc");
        // Long runs stay flat (no recursion) and end.
        let long = "\x1b]\x1b[".repeat(100_000) + "0mx";
        assert_eq!(clean_text(&long), "x");
    }

    #[test]
    fn bidi_controls_and_newlines() {
        assert_eq!(
            clean_line(" evil\u{202e}txt.exe\u{2066}\n x\t"),
            "eviltxt.exe  x"
        );
        assert_eq!(clean_text("a\r\nb\rc\0d\x7f"), "a\nb\ncd");
    }

    #[test]
    fn unterminated_osc_stops_at_line_end() {
        assert_eq!(clean_text("x\x1b]0;title\nnext line"), "x\nnext line");
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(clean_text("中文 text\n\tok"), Cow::Borrowed(_)));
    }

    proptest! {
        #[test]
        fn no_control_survives(s in "(\\PC|[\\u{feff}\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}])*") {
            let out = clean_text(&s);
            prop_assert!(!out.chars().any(|c| (c.is_control() && c != '\n' && c != '\t') || is_dropped(c)), "{:?}", out);
            let line = clean_line(&s);
            prop_assert!(!line.chars().any(|c| c.is_control() || is_dropped(c)), "{:?}", line);
        }

        /// Runs copied whole between Windows line ends clean as the character loop does.
        #[test]
        fn line_ends_copied_in_runs_clean_as_characters(
            parts in prop::collection::vec(
                prop::sample::select(vec![
                    "中文", "ab", "\r\n", "\r", "\n", "\t", "\x1b]0;t", "\x1b[2J", "\x07",
                    "\u{9b}", "\u{202e}", "\u{feff}", "\0",
                ]),
                0..12,
            )
        ) {
            let s = parts.concat();
            for keep in [true, false] {
                let mut chars = String::new();
                clean_chars(&s, keep, &mut chars);
                prop_assert_eq!(clean(&s, keep), chars.as_str(), "{:?}", s);
            }
        }

        #[test]
        fn printable_text_is_unchanged(s in "[^\\p{Cc}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}\\u{feff}]*") {
            prop_assert_eq!(clean_text(&s), s.as_str());
        }
    }
}
