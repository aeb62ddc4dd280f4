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
    let mut pos = fm_start;
    let mut yaml_end = None;
    while pos < rest.len() {
        let end = rest[pos..].find('\n').map_or(rest.len(), |i| pos + i);
        let line = rest[pos..end].trim_end();
        if line == "---" || line == "..." {
            return Split {
                front: Some(&rest[fm_start..pos]),
                body: &rest[(end + 1).min(rest.len())..],
                problem: None,
            };
        }
        if yaml_end.is_none() && !looks_like_yaml(line) {
            yaml_end = Some(pos);
        }
        pos = end + 1;
    }
    let cut = yaml_end.unwrap_or(rest.len());
    Split {
        front: Some(&rest[fm_start..cut]),
        body: &rest[cut..],
        problem: Some("front matter has no closing ---"),
    }
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

/// Parses front matter with serde_yaml. Odd types (numbers, maps, null, nested lists)
/// never fail: they become text or are ignored.
pub fn parse(yaml: &str) -> Result<FrontMatter, String> {
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
