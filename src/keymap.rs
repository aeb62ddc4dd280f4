//! The key table: every action with its default keys and a one-line description. The help
//! overlay and the key parser read this one table.

use std::collections::HashMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Down,
    Up,
    PageDown,
    PageUp,
    HalfPageDown,
    HalfPageUp,
    Top,
    Bottom,
    NextPane,
    PrevPane,
    FocusLeft,
    FocusRight,
    Open,
    Back,
    ToggleGrouping,
    CycleSort,
    Search,
    NextMatch,
    PrevMatch,
    Filter,
    ToggleRead,
    MarkAllRead,
    ToggleStar,
    OpenLink,
    CopyLink,
    Warnings,
    Help,
    Suspend,
    Quit,
}

pub struct Binding {
    pub action: Action,
    /// The action's name in the config file's `[keys]` table.
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub description: &'static str,
}

/// Every action, in the order the help lists them.
#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    Binding { action: Action::Down, name: "down", keys: &["j", "down"], description: "Next item; in the article, scroll one line down" },
    Binding { action: Action::Up, name: "up", keys: &["k", "up"], description: "Previous item; in the article, scroll one line up" },
    Binding { action: Action::PageDown, name: "page_down", keys: &["space", "pagedown"], description: "One page down" },
    Binding { action: Action::PageUp, name: "page_up", keys: &["b", "pageup"], description: "One page up" },
    Binding { action: Action::HalfPageDown, name: "half_page_down", keys: &["ctrl-d"], description: "Half a page down" },
    Binding { action: Action::HalfPageUp, name: "half_page_up", keys: &["ctrl-u"], description: "Half a page up" },
    Binding { action: Action::Top, name: "top", keys: &["g", "home"], description: "First item, or top of the article" },
    Binding { action: Action::Bottom, name: "bottom", keys: &["G", "end"], description: "Last item, or end of the article" },
    Binding { action: Action::NextPane, name: "next_pane", keys: &["tab"], description: "Focus the next pane" },
    Binding { action: Action::PrevPane, name: "prev_pane", keys: &["shift-tab"], description: "Focus the previous pane" },
    Binding { action: Action::FocusLeft, name: "focus_left", keys: &["h", "left"], description: "Focus the pane to the left" },
    Binding { action: Action::FocusRight, name: "focus_right", keys: &["l", "right"], description: "Focus the pane to the right" },
    Binding { action: Action::Open, name: "open", keys: &["enter"], description: "Show the category's posts, or open the post" },
    Binding { action: Action::Back, name: "back", keys: &["esc"], description: "Back one pane; close the help" },
    Binding { action: Action::ToggleGrouping, name: "toggle_grouping", keys: &["t"], description: "Group posts by category or by tag" },
    Binding { action: Action::CycleSort, name: "cycle_sort", keys: &["S"], description: "Sort posts: newest first, oldest first, by title" },
    Binding { action: Action::Search, name: "search", keys: &["/"], description: "Search the titles and bodies of all posts" },
    Binding { action: Action::NextMatch, name: "next_match", keys: &["n"], description: "Next search match in the article" },
    Binding { action: Action::PrevMatch, name: "prev_match", keys: &["N"], description: "Previous search match in the article" },
    Binding { action: Action::Filter, name: "filter", keys: &["f"], description: "Filter the category list as you type" },
    Binding { action: Action::ToggleRead, name: "toggle_read", keys: &["r"], description: "Mark the post read or unread" },
    Binding { action: Action::MarkAllRead, name: "mark_all_read", keys: &["A"], description: "Mark every post in the list read (asks first)" },
    Binding { action: Action::ToggleStar, name: "toggle_star", keys: &["s"], description: "Star or unstar the post" },
    Binding { action: Action::OpenLink, name: "open_link", keys: &["o"], description: "Open one of the article's links in the browser" },
    Binding { action: Action::CopyLink, name: "copy_link", keys: &["y"], description: "Copy one of the article's links (OSC 52, works over SSH)" },
    Binding { action: Action::Warnings, name: "warnings", keys: &["W"], description: "Show or hide the files that had problems, and why" },
    Binding { action: Action::Help, name: "help", keys: &["?"], description: "Show or hide this help" },
    Binding { action: Action::Suspend, name: "suspend", keys: &["ctrl-z"], description: "Suspend to the shell (fg comes back)" },
    Binding { action: Action::Quit, name: "quit", keys: &["q", "ctrl-c"], description: "Quit" },
];

/// A key as written in the table and config: `j`, `G`, `?`, `enter`, `ctrl-d`, `shift-tab`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    /// Normalises a terminal key event: shift is part of the character itself (`G`, `?`).
    pub fn from_event(ev: &KeyEvent) -> Key {
        let mut mods =
            ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match ev.code {
            KeyCode::BackTab => {
                mods |= KeyModifiers::SHIFT;
                KeyCode::Tab
            }
            KeyCode::Char(c) => {
                mods -= KeyModifiers::SHIFT;
                KeyCode::Char(c)
            }
            c => c,
        };
        Key { code, mods }
    }

    pub fn parse(s: &str) -> Result<Key, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (m, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            if rest.len() == len {
                break; // `ctrl-` alone is not a key; `-` after a prefix is handled below
            }
            mods |= m;
            rest = &rest[len..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => {
                if mods.contains(KeyModifiers::SHIFT) && c.is_ascii_alphabetic() {
                    mods -= KeyModifiers::SHIFT;
                    KeyCode::Char(c.to_ascii_uppercase())
                } else if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" => {
                    mods |= KeyModifiers::SHIFT;
                    KeyCode::Tab
                }
                "space" => KeyCode::Char(' '),
                "backspace" => KeyCode::Backspace,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdown" | "pgdn" => KeyCode::PageDown,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "delete" | "del" => KeyCode::Delete,
                "insert" => KeyCode::Insert,
                f if f.starts_with('f')
                    && f[1..].parse::<u8>().is_ok_and(|n| (1..=24).contains(&n)) =>
                {
                    KeyCode::F(f[1..].parse().unwrap_or(1))
                }
                _ => return Err(format!("unknown key {s:?}")),
            },
        };
        Ok(Key { code, mods })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("PageUp"),
            KeyCode::PageDown => f.write_str("PageDown"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// Keys → actions, built from the table (and, later, a user's overrides).
pub struct Keymap {
    map: HashMap<Key, Action>,
    keys: HashMap<Action, Vec<Key>>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut km = Keymap {
            map: HashMap::new(),
            keys: HashMap::new(),
        };
        for b in BINDINGS {
            let keys: Vec<Key> = b
                .keys
                .iter()
                .map(|k| Key::parse(k).expect("the default key table parses"))
                .collect();
            for k in &keys {
                km.map.insert(*k, b.action);
            }
            km.keys.insert(b.action, keys);
        }
        km
    }
}

impl Keymap {
    /// The default table with some actions' keys replaced. A key the user binds is taken
    /// away from whatever action had it by default.
    pub fn with_overrides(overrides: &[(Action, Vec<Key>)]) -> Keymap {
        let mut km = Keymap::default();
        let taken: Vec<Key> = overrides
            .iter()
            .flat_map(|(_, ks)| ks.iter().copied())
            .collect();
        for keys in km.keys.values_mut() {
            keys.retain(|k| !taken.contains(k));
        }
        for (action, keys) in overrides {
            km.keys.insert(*action, keys.clone());
        }
        km.map = km
            .keys
            .iter()
            .flat_map(|(a, ks)| ks.iter().map(move |k| (*k, *a)))
            .collect();
        km
    }

    pub fn action(&self, ev: &KeyEvent) -> Option<Action> {
        self.map.get(&Key::from_event(ev)).copied()
    }

    /// The keys bound to an action, for the help and the status line.
    pub fn keys_of(&self, action: Action) -> &[Key] {
        self.keys.get(&action).map_or(&[], Vec::as_slice)
    }

    /// `j, ↓` for an action.
    pub fn describe(&self, action: Action) -> String {
        self.keys_of(action)
            .iter()
            .map(Key::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new_with_kind(code, mods, KeyEventKind::Press)
    }

    #[test]
    fn every_default_key_reaches_its_action() {
        let km = Keymap::default();
        assert_eq!(
            km.action(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            km.action(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevPane)
        );
        assert_eq!(
            km.action(&ev(KeyCode::Char('d'), KeyModifiers::CONTROL)),
            Some(Action::HalfPageDown)
        );
        assert_eq!(
            km.action(&ev(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(Action::Help)
        );
        assert_eq!(
            km.action(&ev(KeyCode::Char(' '), KeyModifiers::NONE)),
            Some(Action::PageDown)
        );
        assert_eq!(km.action(&ev(KeyCode::Char('x'), KeyModifiers::NONE)), None);
        // No key is bound twice.
        let total: usize = BINDINGS.iter().map(|b| b.keys.len()).sum();
        assert_eq!(km.map.len(), total);
    }

    #[test]
    fn key_names_round_trip_and_errors_are_clear() {
        assert_eq!(Key::parse("ctrl-d").unwrap().to_string(), "Ctrl-d");
        assert_eq!(
            Key::parse("shift-tab").unwrap(),
            Key::parse("backtab").unwrap()
        );
        assert_eq!(Key::parse("shift-g").unwrap(), Key::parse("G").unwrap());
        assert_eq!(Key::parse("-").unwrap().code, KeyCode::Char('-'));
        assert!(Key::parse("hyper-x").unwrap_err().contains("hyper-x"));
    }
}
