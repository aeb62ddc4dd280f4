//! `config.toml`: default posts paths, key bindings merged over the key table, theme
//! colours, mouse. `--print-config` prints the defaults from the same tables, one comment
//! per entry, and that text parses back to the defaults.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ratatui::style::{Color, Style};
use serde::Deserialize;

use crate::keymap::{BINDINGS, Key, Keymap};
use crate::render::theme::Theme;
use crate::render::width::AmbiguousWidth;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    posts: Option<Vec<String>>,
    mouse: Option<bool>,
    ambiguous_width: Option<u8>,
    keys: Option<BTreeMap<String, Vec<String>>>,
    theme: Option<BTreeMap<String, String>>,
}

/// The settings in effect.
pub struct Config {
    pub posts: Vec<PathBuf>,
    pub mouse: bool,
    pub ambiguous_width: AmbiguousWidth,
    pub keymap: Keymap,
    pub theme: Theme,
}

/// Theme entries a user can colour: (name, description, the style's field).
type ThemeField = (&'static str, &'static str, fn(&mut Theme) -> &mut Style);

const THEME_FIELDS: &[ThemeField] = &[
    ("heading", "Headings in articles", |t| &mut t.heading),
    ("title", "The article's title", |t| &mut t.title),
    ("meta", "Dates, categories and tags", |t| &mut t.meta),
    ("link", "Links", |t| &mut t.link),
    ("code", "Inline code and code blocks", |t| &mut t.code),
    ("quote", "Quote bars and list bullets", |t| &mut t.quote),
    ("focus", "The focused pane's border", |t| &mut t.focus),
];

fn color_name(c: Option<Color>) -> String {
    match c {
        Some(c) => c.to_string().to_lowercase(),
        None => "reset".into(),
    }
}

/// Where the config lives unless `--config` says otherwise.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "kanbao").map(|d| d.config_dir().join("config.toml"))
}

/// `~/x` → the home directory's `x`.
fn expand_home(p: &str) -> PathBuf {
    match (p.strip_prefix("~/"), directories::BaseDirs::new()) {
        (Some(rest), Some(dirs)) => dirs.home_dir().join(rest),
        _ => PathBuf::from(p),
    }
}

/// The line (1-based) where `key = ` is written, for error messages.
fn line_of(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .or_else(|| l.strip_prefix(&format!("\"{key}\"")))
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(0, |i| i + 1)
}

impl Config {
    pub fn defaults(theme: Theme) -> Config {
        Config {
            posts: Vec::new(),
            mouse: false,
            ambiguous_width: AmbiguousWidth::default(),
            keymap: Keymap::default(),
            theme,
        }
    }

    /// Reads the config file. A missing file at the default place means defaults; any
    /// mistake is an error naming the file and line.
    pub fn load(path: Option<&Path>, theme: Theme, color: bool) -> Result<Config, String> {
        let (path, explicit) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => match default_path() {
                Some(p) => (p, false),
                None => return Ok(Config::defaults(theme)),
            },
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if !explicit && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Config::defaults(theme));
            }
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        Config::parse(&text, theme, color).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str, mut theme: Theme, color: bool) -> Result<Config, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
        let ambiguous_width = match file.ambiguous_width {
            None => AmbiguousWidth::default(),
            Some(n) => AmbiguousWidth::from_columns(n).ok_or_else(|| {
                format!(
                    "line {}: ambiguous_width must be 1 or 2, not {n}",
                    line_of(text, "ambiguous_width")
                )
            })?,
        };
        let mut overrides = Vec::new();
        for (name, keys) in file.keys.unwrap_or_default() {
            let line = line_of(text, &name);
            let binding = BINDINGS
                .iter()
                .find(|b| b.name == name)
                .ok_or_else(|| format!("line {line}: unknown action {name:?} in [keys]"))?;
            let keys = keys
                .iter()
                .map(|k| Key::parse(k).map_err(|e| format!("line {line}: {e}")))
                .collect::<Result<Vec<_>, _>>()?;
            overrides.push((binding.action, keys));
        }
        for (name, value) in file.theme.unwrap_or_default() {
            let line = line_of(text, &name);
            let field = THEME_FIELDS
                .iter()
                .find(|f| f.0 == name)
                .ok_or_else(|| format!("line {line}: unknown theme entry {name:?}"))?;
            let c = Color::from_str(&value)
                .map_err(|_| format!("line {line}: {value:?} is not a colour"))?;
            if color {
                let style = (field.2)(&mut theme);
                *style = style.fg(c);
            }
        }
        Ok(Config {
            posts: file
                .posts
                .unwrap_or_default()
                .iter()
                .map(|p| expand_home(p))
                .collect(),
            mouse: file.mouse.unwrap_or(false),
            ambiguous_width,
            keymap: Keymap::with_overrides(&overrides),
            theme,
        })
    }
}

fn toml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

/// The full default config, one comment per entry, from the key table and the theme.
pub fn default_text() -> String {
    let mut out = String::from(
        "# kanbao configuration: save as ~/.config/kanbao/config.toml (or pass --config FILE).\n\
         # Every entry is optional; these are the defaults.\n\n\
         # Posts to open when no path is given: site roots, posts folders or files.\n\
         posts = []\n\n\
         # Mouse: the wheel scrolls the pane under the pointer, a click selects.\n\
         mouse = false\n\n\
         # Columns the terminal gives ambiguous-width characters such as “ ” · … ─: 1 as most\n\
         # terminals draw them, 2 for a terminal in a CJK locale that draws them wide\n\
         # (borders and rules are then drawn with + - |).\n\
         ambiguous_width = 1\n\n\
         # Keys per action: letters as typed (G is shift-g), or names such as enter, esc, tab,\n\
         # space, up, pagedown, home, f1, with ctrl-, alt- or shift- in front.\n\
         [keys]\n",
    );
    for b in BINDINGS {
        let keys: Vec<String> = b.keys.iter().map(|k| k.to_string()).collect();
        out.push_str(&format!(
            "# {}\n{} = {}\n",
            b.description,
            b.name,
            toml_list(&keys)
        ));
    }
    out.push_str(
        "\n# Colours: names (yellow, lightcyan, darkgray …), #rrggbb, or 0-255.\n[theme]\n",
    );
    let mut theme = Theme::default();
    for (name, description, field) in THEME_FIELDS {
        let c = color_name(field(&mut theme).fg);
        out.push_str(&format!("# {description}\n{name} = {c:?}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keymap::Action;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn the_printed_defaults_parse_back_to_the_defaults() {
        let text = default_text();
        let c = Config::parse(&text, Theme::default(), true).unwrap();
        assert!(c.posts.is_empty() && !c.mouse);
        assert_eq!(c.ambiguous_width, AmbiguousWidth::Narrow);
        assert_eq!(c.theme, Theme::default());
        for b in BINDINGS {
            assert!(text.contains(b.description), "{}", b.name);
            for k in b.keys {
                let k = Key::parse(k).unwrap();
                assert!(c.keymap.keys_of(b.action).contains(&k), "{}", b.name);
            }
        }
    }

    #[test]
    fn keys_replace_the_defaults_of_their_action() {
        let c = Config::parse(
            "[keys]\nquit = [\"x\"]\ndown = [\"q\"]\n",
            Theme::default(),
            true,
        )
        .unwrap();
        assert_eq!(c.keymap.action(&key('x')), Some(Action::Quit));
        assert_eq!(
            c.keymap.action(&key('q')),
            Some(Action::Down),
            "the user's binding wins"
        );
        assert_eq!(
            c.keymap.action(&key('j')),
            None,
            "down's defaults were replaced"
        );
        assert_eq!(c.keymap.action(&key('k')), Some(Action::Up));
    }

    #[test]
    fn mistakes_name_the_line() {
        let err = |t: &str| Config::parse(t, Theme::default(), true).err().unwrap();
        assert!(
            err("mouse = true\n[keys]\nflyaway = [\"x\"]\n").contains("line 3"),
            "unknown action"
        );
        assert!(err("[keys]\nquit = [\"hyper-x\"]\n").contains("line 2"));
        assert!(
            err("mouse = true\ncolour = 1\n").contains("line 2"),
            "{}",
            err("mouse = true\ncolour = 1\n")
        );
        assert!(err("mouse = \"yes\"\n").contains("line 1"));
        assert!(err("[theme]\nlink = \"blurple\"\n").contains("line 2"));
        assert!(err("ambiguous_width = 3\n").contains("line 1"));
        assert!(
            err("mouse = true\nambiguous_width = 0\n")
                .contains("line 2: ambiguous_width must be 1 or 2")
        );
    }

    #[test]
    fn ambiguous_width_one_or_two() {
        let amb = |t: &str| Config::parse(t, Theme::default(), true).map(|c| c.ambiguous_width);
        assert_eq!(amb(""), Ok(AmbiguousWidth::Narrow));
        assert_eq!(amb("ambiguous_width = 1\n"), Ok(AmbiguousWidth::Narrow));
        assert_eq!(amb("ambiguous_width = 2\n"), Ok(AmbiguousWidth::Wide));
        let three = amb("mouse = false\nambiguous_width = 3\n").unwrap_err();
        assert!(
            three.contains("line 2") && three.contains("1 or 2"),
            "{three}"
        );
        // the printed defaults with 2 put in still parse
        let text = default_text().replace("ambiguous_width = 1", "ambiguous_width = 2");
        assert_eq!(amb(&text), Ok(AmbiguousWidth::Wide));
    }

    #[test]
    fn posts_and_colours() {
        let c = Config::parse(
            "posts = [\"/srv/site\"]\nmouse = true\n[theme]\nlink = \"#ff0000\"\n",
            Theme::default(),
            true,
        )
        .unwrap();
        assert_eq!(c.posts, [PathBuf::from("/srv/site")]);
        assert!(c.mouse);
        assert_eq!(c.theme.link.fg, Some(Color::Rgb(255, 0, 0)));
        let mono = Config::parse("[theme]\nlink = \"red\"\n", Theme::monochrome(), false).unwrap();
        assert_eq!(
            mono.theme,
            Theme::monochrome(),
            "NO_COLOR wins over the theme"
        );
    }
}
