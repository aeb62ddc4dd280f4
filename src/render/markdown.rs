//! Post body (Markdown as Jekyll's kramdown reads it, mixed with raw HTML) → HTML.

use unicode_width::UnicodeWidthChar;

/// A character of a script written without spaces between words (Chinese, Japanese),
/// across which a source line break is not a space.
fn is_east_asian(c: char) -> bool {
    c.width() == Some(2) && !matches!(c, '\u{1100}'..='\u{11ff}' | '\u{ac00}'..='\u{d7af}')
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
    while let Some(start) = rest.find('{') {
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
pub fn preprocess(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut fence: Option<&str> = None;
    let mut lines = body.split('\n').peekable();
    while let Some(line) = lines.next() {
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
pub fn to_html(body: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    options.extension.footnotes = true;
    options.extension.cjk_friendly_emphasis = true;
    // Raw HTML is the point of these posts; it is only ever turned into text, never run.
    options.render.r#unsafe = true;
    comrak::markdown_to_html(&preprocess(body), &options)
}

#[cfg(test)]
mod tests {
    use super::*;

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
