//! Front matter: split it from the body, parse it with serde_yaml, and when YAML fails,
//! recover the fields a reader needs line by line.

use serde_yaml::Value;

/// The fields kanbao uses, as raw (not yet cleaned) text.
#[derive(Debug, Default, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<String>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
}

/// A post file cut in two. `problem` says what was odd about the cut.
#[derive(Debug, PartialEq)]
pub struct Split<'a> {
    pub front: Option<&'a str>,
    pub body: &'a str,
    pub problem: Option<&'static str>,
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Splits `---` front matter from the body. Leading blank lines are tolerated (a real
/// scraper writes them); a missing closing `---` ends the front matter at the first line
/// that does not look like YAML.
pub fn split(text: &str) -> Split<'_> {
    let start = text.len() - text.trim_start_matches(['\n', '\r', ' ', '\t']).len();
    // Back up to the beginning of the line that holds the first non-blank character.
    let start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let rest = &text[start..];
    let first_end = rest.find('\n').unwrap_or(rest.len());
    if !is_fence(&rest[..first_end]) {
        return Split {
            front: None,
            body: text,
            problem: Some("no front matter"),
        };
    }
    let fm_start = (first_end + 1).min(rest.len());
    for (pos, line) in lines(&rest[fm_start..]) {
        let line = line.trim_end();
        if line == "---" || line == "..." {
            let end = fm_start + pos + line.len();
            let body_at = rest[end..].find('\n').map_or(rest.len(), |i| end + i + 1);
            return Split {
                front: Some(&rest[fm_start..fm_start + pos]),
                body: &rest[body_at..],
                problem: None,
            };
        }
    }
    let cut = lines(&rest[fm_start..])
        .find(|(_, line)| !looks_like_yaml(line.trim_end()))
        .map_or(rest.len(), |(pos, _)| fm_start + pos);
    Split {
        front: Some(&rest[fm_start..cut]),
        body: &rest[cut..],
        problem: Some("front matter has no closing ---"),
    }
}

/// The lines of `s` (without their `\n`) and where each starts; memchr finds the breaks.
fn lines(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let ends = memchr::memchr_iter(b'\n', s.as_bytes()).chain(std::iter::once(s.len()));
    let mut start = 0;
    ends.map_while(move |end| {
        if start > s.len() || (end == s.len() && start == end) {
            return None;
        }
        let line = (start, &s[start..end]);
        start = end + 1;
        Some(line)
    })
}

fn looks_like_yaml(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty()
        || t.starts_with('#')
        || t.starts_with("- ")
        || t == "-"
        || line.starts_with([' ', '\t'])
        || key_value(t).is_some()
}

/// `key: value` with a plain identifier key.
fn key_value(line: &str) -> Option<(&str, &str)> {
    let (k, v) = line.split_once(':')?;
    if k.is_empty()
        || !k
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    if !(v.is_empty() || v.starts_with([' ', '\t'])) {
        return None;
    }
    Some((k, v.trim()))
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar(&t.value),
        _ => None,
    }
}

/// A string is split on whitespace as Jekyll does; a list is taken item by item
/// (nested lists flattened); anything else is ignored.
fn words(v: &Value, split: bool, out: &mut Vec<String>) {
    match v {
        Value::Sequence(items) => {
            for item in items {
                words(item, false, out);
            }
        }
        Value::Tagged(t) => words(&t.value, split, out),
        other => {
            if let Some(s) = scalar(other) {
                if split {
                    out.extend(s.split_whitespace().map(str::to_string));
                } else if !s.trim().is_empty() {
                    out.push(s.trim().to_string());
                }
            }
        }
    }
}

/// Parses front matter. Odd types (numbers, maps, null, nested lists) never fail: they
/// become text or are ignored.
pub fn parse(yaml: &str) -> Result<FrontMatter, String> {
    match parse_simple(yaml) {
        Some(fm) => Ok(fm),
        None => parse_yaml(yaml),
    }
}

/// A value of the simple shape: absent/null, one string, or a list of strings.
#[derive(Clone, Copy)]
enum Simple<'a> {
    Null,
    Str(&'a str),
    /// The inside of a flow list `[a, b]` of plain items.
    List(&'a str),
}

/// The shape nearly every post has (`key: value` lines, plain or quoted strings without
/// escapes, flat `[a, b]` lists), read without serde_yaml: a third of the load time went
/// to building YAML values for six lines. Anything the least bit unusual (numbers, null
/// and bool words, escapes, indented or block values, duplicate keys, characters YAML
/// rejects) returns `None` and goes to serde_yaml, so the result is always the one
/// serde_yaml gives (a property test compares them).
fn parse_simple(yaml: &str) -> Option<FrontMatter> {
    let mut seen: Vec<&str> = Vec::with_capacity(8);
    let (mut title, mut date, mut category, mut categories, mut tags, mut tag) =
        (None, None, None, None, None, None);
    for (_, line) in lines(yaml) {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.bytes().all(|b| b == b' ') {
            continue;
        }
        if line.starts_with('#') {
            // libyaml breaks lines at NEL, LS and PS even inside a comment.
            if !line.chars().all(yaml_printable) {
                return None;
            }
            continue;
        }
        let colon = memchr::memchr(b':', line.as_bytes())?;
        let (key, value) = (&line[..colon], &line[colon + 1..]);
        if !is_plain_key(key) || seen.contains(&key) || !value.chars().all(yaml_printable) {
            return None;
        }
        seen.push(key);
        if !(value.is_empty() || value.starts_with(' ')) {
            return None;
        }
        let value = simple_value(value.trim_matches(' '))?;
        match key {
            "title" => title = Some(value),
            "date" => date = Some(value),
            "category" => category = Some(value),
            "categories" => categories = Some(value),
            "tags" => tags = Some(value),
            "tag" => tag = Some(value),
            _ => {}
        }
    }
    // Comments alone make no mapping; serde_yaml reports that, so it decides.
    if seen.is_empty() && !yaml.trim().is_empty() {
        return None;
    }
    let text = |v: Option<Simple>| match v {
        Some(Simple::Str(s)) => Some(s.to_string()),
        _ => None,
    };
    let mut fm = FrontMatter {
        title: text(title),
        date: text(date),
        ..Default::default()
    };
    simple_words(category, false, &mut fm.categories);
    simple_words(categories, true, &mut fm.categories);
    simple_words(tags, true, &mut fm.tags);
    simple_words(tag, true, &mut fm.tags);
    Some(fm)
}

/// As `words` does for the same value parsed by serde_yaml.
fn simple_words(v: Option<Simple>, split: bool, out: &mut Vec<String>) {
    match v {
        Some(Simple::Str(s)) if split => out.extend(s.split_whitespace().map(str::to_string)),
        Some(Simple::Str(s)) if !s.trim().is_empty() => out.push(s.trim().to_string()),
        Some(Simple::List(inner)) => {
            out.extend(inner.split(',').map(|i| i.trim_matches(' ').to_string()));
        }
        _ => {}
    }
}

/// `[A-Za-z_][A-Za-z0-9_-]*`, and not a word YAML reads as null or a boolean.
fn is_plain_key(k: &str) -> bool {
    let b = k.as_bytes();
    !b.is_empty()
        && (b[0].is_ascii_alphabetic() || b[0] == b'_')
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        && !is_special_word(k)
}

fn is_special_word(v: &str) -> bool {
    matches!(
        v,
        "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
    )
}

/// Characters libyaml accepts in a document, less the ones it treats as line breaks
/// (NEL, LS, PS), the BOM and tabs (which have rules of their own).
fn yaml_printable(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// One value of the simple shape, or `None` when serde_yaml must decide.
fn simple_value(v: &str) -> Option<Simple<'_>> {
    if v.is_empty() {
        return Some(Simple::Null);
    }
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            // No escapes (`\` in "…", `''` in '…') and no stray quote inside.
            return (!inner.contains([q, '\\'])).then_some(Simple::Str(inner));
        }
    }
    if let Some(inner) = v.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        let items_ok = inner
            .split(',')
            .map(|i| i.trim_matches(' '))
            .all(|i| !i.is_empty() && !i.contains([':', '#', '[', ']', '{', '}']) && plain(i));
        return items_ok.then_some(Simple::List(inner));
    }
    (!v.ends_with(':') && !v.contains(": ") && !v.contains(" #") && plain(v))
        .then_some(Simple::Str(v))
}

/// A plain scalar that YAML reads as a string: no indicator first, no null, bool or
/// number look (anything Rust would parse as a number is sent to serde_yaml).
fn plain(v: &str) -> bool {
    let first_ok = !v.starts_with([
        '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@',
        '`',
    ]);
    let unsigned = v.strip_prefix(['+', '-']).unwrap_or(v);
    let numeric = unsigned.starts_with(['.', '0'])
        || unsigned.parse::<f64>().is_ok()
        || v.parse::<f64>().is_ok();
    first_ok && !numeric && !is_special_word(v) && v != "~"
}

/// The general path: serde_yaml.
fn parse_yaml(yaml: &str) -> Result<FrontMatter, String> {
    if yaml.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    let value: Value = serde_yaml::from_str(yaml).map_err(|e| e.to_string())?;
    let Value::Mapping(map) = value else {
        return Err("front matter is not a mapping".into());
    };
    let get = |k: &str| map.get(k);
    let mut fm = FrontMatter {
        title: get("title").and_then(scalar),
        date: get("date").and_then(scalar),
        ..Default::default()
    };
    if let Some(v) = get("category") {
        words(v, false, &mut fm.categories);
    }
    if let Some(v) = get("categories") {
        words(v, true, &mut fm.categories);
    }
    for key in ["tags", "tag"] {
        if let Some(v) = get(key) {
            words(v, true, &mut fm.tags);
        }
    }
    Ok(fm)
}

fn unquote(v: &str) -> &str {
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return &v[1..v.len() - 1];
        }
    }
    v
}

/// Recovers title, date, categories and tags from YAML that does not parse, one line
/// at a time: `key: value`, `key: [a, b]` and block lists under a key.
pub fn parse_lenient(yaml: &str) -> FrontMatter {
    let mut fm = FrontMatter::default();
    let mut list_key: Option<String> = None;
    for raw in yaml.lines() {
        let line = raw.trim();
        if let Some(item) = line
            .strip_prefix("- ")
            .or(if line == "-" { Some("") } else { None })
        {
            let item = unquote(item.trim()).to_string();
            match list_key.as_deref() {
                Some("categories" | "category") if !item.is_empty() => fm.categories.push(item),
                Some("tags" | "tag") if !item.is_empty() => fm.tags.push(item),
                _ => {}
            }
            continue;
        }
        let Some((key, value)) = key_value(line) else {
            continue;
        };
        list_key = Some(key.to_string());
        let value = unquote(value);
        let items: Vec<String> =
            if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
                inner
                    .split(',')
                    .map(|s| unquote(s.trim()).to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            } else {
                value.split_whitespace().map(str::to_string).collect()
            };
        match key {
            "title" if fm.title.is_none() => fm.title = Some(value.to_string()),
            "date" if fm.date.is_none() => fm.date = Some(value.to_string()),
            "category" if !value.is_empty() => fm.categories.push(value.to_string()),
            "categories" => fm.categories.extend(items),
            "tags" | "tag" => fm.tags.extend(items),
            _ => {}
        }
    }
    fm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_plain_front_matter() {
        let s = split("---\ntitle: a\n---\nbody\n");
        assert_eq!(s.front, Some("title: a\n"));
        assert_eq!(s.body, "body\n");
        assert_eq!(s.problem, None);
    }

    #[test]
    fn tolerates_blank_lines_before_and_crlf() {
        let s = split("\n\r\n---\r\ntitle: a\r\n---\r\nbody");
        assert_eq!(s.front, Some("title: a\r\n"));
        assert_eq!(s.body, "body");
    }

    #[test]
    fn missing_closing_fence_keeps_the_body() {
        let s = split("---\ntitle: x\ndate: 2022-01-01\n正文第一段。\n第二段");
        assert_eq!(s.front, Some("title: x\ndate: 2022-01-01\n"));
        assert_eq!(s.body, "正文第一段。\n第二段");
        assert!(s.problem.is_some());
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let s = split("# Hello\n");
        assert_eq!((s.front, s.body), (None, "# Hello\n"));
    }

    #[test]
    fn strings_split_lists_do_not() {
        let fm = parse("categories: a b\ntags: [中国 新闻, x]\ncategory: one two\n").unwrap();
        assert_eq!(fm.categories, ["one two", "a", "b"]);
        assert_eq!(fm.tags, ["中国 新闻", "x"]);
        let fm =
            parse("categories:\n  - emnews\n  - [nested, list]\ntags: 东财滚动新闻\n").unwrap();
        assert_eq!(fm.categories, ["emnews", "nested", "list"]);
        assert_eq!(fm.tags, ["东财滚动新闻"]);
    }

    #[test]
    fn odd_types_do_not_fail() {
        let fm =
            parse("title: 12345\ndate: 2022-01-05 20:54:40 +0800\ncategories: {a: 1}\ntags: ~\n")
                .unwrap();
        assert_eq!(fm.title.as_deref(), Some("12345"));
        assert_eq!(fm.date.as_deref(), Some("2022-01-05 20:54:40 +0800"));
        assert!(fm.categories.is_empty() && fm.tags.is_empty());
        assert_eq!(parse("title:\n  - a\n").unwrap().title, None);
    }

    #[test]
    fn the_simple_shape_skips_serde_yaml_and_odd_shapes_do_not() {
        let common = "layout: post\ntitle: \"离岸人民币 升至\"\ndate: 2021-12-08 10:46:18 +0800\r\ncategories: emnews\ntags: 东财滚动新闻\n";
        assert!(parse_simple(common).is_some());
        assert_eq!(parse_simple(common), parse_yaml(common).ok());
        for odd in [
            "title: 12345\n",
            "date:  +0800\n",
            "title: \"a\\tb\"\n",
            "title: a\ntitle: b\n",
            "tags:\n  - a\n",
            "title: ~\n",
            "title: True\n",
            "title: a: b\n",
            "title: 'it''s'\n",
            "title: a\u{85}b\n",
            "# only a comment\n",
        ] {
            assert_eq!(parse_simple(odd), None, "{odd:?}");
        }
    }

    proptest::proptest! {
        /// Whatever the fast path accepts, it reads exactly as serde_yaml does.
        #[test]
        fn the_fast_path_agrees_with_serde_yaml(
            lines in proptest::collection::vec(
                (
                    proptest::prop_oneof![
                        8 => "(title|date|tags|tag|categories|category|layout)",
                        1 => "(true|a b| title|x)",
                        1 => "#[a-z ]{0,4}",
                    ],
                    proptest::prop_oneof![8 => ": ", 1 => "[ :]{0,2}"],
                    proptest::prop_oneof![
                        4 => "[a-z中 ]{0,6}",
                        2 => "\"[a-z中 :#,]{0,6}\"",
                        1 => "'[a-z中 :#\"]{0,6}'",
                        2 => "\\[[a-z中 ,]{0,6}\\]",
                        2 => "[0-9+.eEx: -]{0,8}",
                        2 => "[\"'\\[]?([a-z0-9 ]|[-+.:#,_~\\\\\"'\\[\\]{}]|中|\u{85}|\t){0,8}[\"'\\]]?",
                    ],
                    "\r?",
                ),
                0..6,
            )
        ) {
            let yaml: String = lines.iter().map(|(k, sep, v, cr)| format!("{k}{sep}{v}{cr}\n")).collect();
            if let Some(fast) = parse_simple(&yaml) {
                proptest::prop_assert_eq!(Some(fast), parse_yaml(&yaml).ok(), "{:?}", yaml);
            }
        }
    }

    #[test]
    fn lenient_recovers_what_yaml_rejects() {
        let yaml = "layout: post\ntitle: \"他说\"好\"的\"\ndate: 2022-01-05 20:54:40 +0800\ncategories: emnews\ntags:\n  - 东财滚动新闻\n";
        assert!(parse(yaml).is_err());
        let fm = parse_lenient(yaml);
        assert_eq!(fm.title.as_deref(), Some("他说\"好\"的"));
        assert_eq!(fm.date.as_deref(), Some("2022-01-05 20:54:40 +0800"));
        assert_eq!(fm.categories, ["emnews"]);
        assert_eq!(fm.tags, ["东财滚动新闻"]);
        let fm = parse_lenient("\ttitle: a: b\n\tcategories: [x, 'y']\n");
        assert_eq!(fm.title.as_deref(), Some("a: b"));
        assert_eq!(fm.categories, ["x", "y"]);
    }
}
