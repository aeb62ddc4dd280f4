//! Styles for rendered text and the panes.

use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub heading: Style,
    pub title: Style,
    pub meta: Style,
    pub link: Style,
    pub image: Style,
    pub emphasis: Style,
    pub strong: Style,
    pub strike: Style,
    pub code: Style,
    /// The box behind code blocks.
    pub code_block: Style,
    pub quote: Style,
    /// The focused pane's border and the selected row in it.
    pub focus: Style,
    pub selected: Style,
    pub dim: Style,
    pub status: Style,
}

impl Default for Theme {
    fn default() -> Self {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            heading: bold.fg(Color::Yellow),
            title: bold.fg(Color::LightYellow),
            meta: Style::new().fg(Color::DarkGray),
            link: Style::new()
                .fg(Color::Cyan)
                .add_modifier(Modifier::UNDERLINED),
            image: Style::new().fg(Color::Magenta),
            emphasis: Style::new().add_modifier(Modifier::ITALIC),
            strong: bold,
            strike: Style::new().add_modifier(Modifier::CROSSED_OUT),
            code: Style::new().fg(Color::Green),
            code_block: Style::new().bg(Color::Indexed(236)),
            quote: Style::new().fg(Color::DarkGray),
            focus: Style::new().fg(Color::Cyan),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            dim: Style::new().fg(Color::DarkGray),
            status: Style::new().bg(Color::DarkGray).fg(Color::White),
        }
    }
}

impl Theme {
    /// For `NO_COLOR`: the same structure with modifiers only.
    pub fn monochrome() -> Self {
        let strip = |s: Style| Style {
            fg: None,
            bg: None,
            ..s
        };
        let t = Theme::default();
        Theme {
            heading: strip(t.heading),
            title: strip(t.title),
            meta: Style::new().add_modifier(Modifier::DIM),
            link: strip(t.link),
            image: Style::new().add_modifier(Modifier::ITALIC),
            emphasis: t.emphasis,
            strong: t.strong,
            strike: t.strike,
            code: Style::new().add_modifier(Modifier::DIM),
            code_block: Style::new(),
            quote: Style::new().add_modifier(Modifier::DIM),
            focus: Style::new().add_modifier(Modifier::BOLD),
            selected: t.selected,
            dim: Style::new().add_modifier(Modifier::DIM),
            status: Style::new().add_modifier(Modifier::REVERSED),
        }
    }
}
