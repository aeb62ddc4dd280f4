//! Draws the model. Only draws: rows come from the store and the cached article, and only
//! the rows on screen are touched, so a frame costs the same with 100 or 100,000 posts.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Padding, Paragraph};

use super::app::{Model, Pane};
use crate::keymap::{Action, BINDINGS, Keymap};
use crate::render::width::{pad_to, str_width, truncate};
use crate::store::Grouping;

fn pane_block<'a>(m: &Model, pane: Pane, title: String) -> Block<'a> {
    let focused = m.focus == pane && !m.help;
    let block = Block::bordered().title(Span::raw(format!(" {title} ")));
    if focused {
        block
            .border_type(BorderType::Thick)
            .border_style(m.theme.focus)
            .title_style(m.theme.focus.add_modifier(Modifier::BOLD))
    } else {
        block.border_style(m.theme.dim)
    }
}

fn row_style(m: &Model, pane: Pane) -> Style {
    if m.focus == pane {
        m.theme.selected
    } else {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
}

/// `name ……… count` in exactly `width` columns.
fn name_count(name: &str, count: usize, width: usize) -> String {
    let count = count.to_string();
    let room = width.saturating_sub(count.len() + 1);
    format!("{} {count}", pad_to(name, room))
}

fn draw_groups(m: &Model, f: &mut Frame, area: Rect) {
    let label = match m.grouping {
        Grouping::Category => "Categories",
        Grouping::Tag => "Tags",
    };
    let block = pane_block(m, Pane::Groups, label.to_string());
    let inner = block.inner(area);
    let w = inner.width as usize;
    let h = inner.height as usize;
    let rows = m.group_rows();
    let lines: Vec<Line> = (m.groups.offset..rows.min(m.groups.offset + h))
        .map(|row| {
            let text = if row == 0 {
                name_count("All", m.store.len(), w)
            } else {
                let g = m.store.group(m.grouping, row - 1);
                g.map_or_else(String::new, |g| name_count(&g.name, g.posts.len(), w))
            };
            if row == m.groups.selected {
                Line::styled(text, row_style(m, Pane::Groups))
            } else {
                Line::raw(text)
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines).block(block), area);
}

fn draw_posts(m: &Model, f: &mut Frame, area: Rect) {
    let posts = m.current_posts();
    let title = format!("Posts {}", posts.len());
    let block = pane_block(m, Pane::Posts, title);
    let inner = block.inner(area);
    let w = inner.width as usize;
    let h = inner.height as usize;
    // The date column shrinks on narrow panes: the title matters more.
    let date_w = if w >= 36 {
        11
    } else if w >= 16 {
        5
    } else {
        0
    };
    let lines: Vec<Line> = posts
        .iter()
        .enumerate()
        .skip(m.posts.offset)
        .take(h)
        .map(|(i, &ix)| {
            let p = m.store.post(ix);
            // `2022-01-05 20:54` → `01-05 20:54`, or `01-05` when narrow.
            let date = p.date.map(|d| d.short()).unwrap_or_default();
            let date = date
                .get(5..5 + date_w)
                .unwrap_or(date.get(5..).unwrap_or(""));
            let date = pad_to(date, date_w);
            let title_w = w.saturating_sub(date_w + usize::from(date_w > 0));
            let mut line = Line::from(vec![
                Span::styled(date, m.theme.meta),
                Span::raw(if date_w > 0 { " " } else { "" }),
                Span::raw(pad_to(&p.title, title_w)),
            ]);
            if i == m.posts.selected {
                line = line.style(row_style(m, Pane::Posts));
            }
            line
        })
        .collect();
    let body = if lines.is_empty() {
        let msg = if m.loading { "Loading…" } else { "No posts" };
        Paragraph::new(Line::styled(truncate(msg, w).into_owned(), m.theme.dim))
    } else {
        Paragraph::new(lines)
    };
    f.render_widget(body.block(block), area);
}

fn draw_article(m: &Model, f: &mut Frame, area: Rect) {
    let h = area.height.saturating_sub(2) as usize;
    let (title, lines) = match &m.article {
        Some(a) => {
            let shown = (m.scroll + h).min(a.lines.len());
            let pct = if a.lines.is_empty() {
                100
            } else {
                shown * 100 / a.lines.len()
            };
            let lines: Vec<Line> = a.lines.iter().skip(m.scroll).take(h).cloned().collect();
            (format!("Article {pct}%"), lines)
        }
        None => (
            "Article".to_string(),
            vec![Line::styled("Enter on a post opens it here.", m.theme.dim)],
        ),
    };
    let block = pane_block(m, Pane::Article, title).padding(Padding::horizontal(1));
    f.render_widget(Paragraph::new(lines).block(block), area);
}

fn draw_status(m: &Model, keymap: &Keymap, f: &mut Frame, area: Rect) {
    let mut left = if m.loading {
        format!(" Loading… {} posts", m.store.len())
    } else {
        format!(
            " {} posts · {} categories",
            m.store.len(),
            m.store.group_count(Grouping::Category)
        )
    };
    if !m.warnings.is_empty() {
        left.push_str(&format!(" · {} warnings", m.warnings.len()));
    }
    let position = match m.focus {
        Pane::Groups => format!("{}/{}", m.groups.selected + 1, m.group_rows()),
        Pane::Posts => format!("{}/{}", m.posts.selected + 1, m.current_posts().len()),
        Pane::Article => {
            let len = m.article.as_ref().map_or(0, |a| a.lines.len());
            format!("line {}/{}", (m.scroll + 1).min(len), len)
        }
    };
    let hints = format!(
        "{position}  {} help  {} quit ",
        keymap.describe(Action::Help),
        keymap
            .keys_of(Action::Quit)
            .first()
            .map(|k| k.to_string())
            .unwrap_or_default()
    );
    let w = area.width as usize;
    let right_w = str_width(&hints).min(w);
    let text = format!(
        "{}{}",
        pad_to(&left, w - right_w),
        truncate(&hints, right_w)
    );
    f.render_widget(Paragraph::new(Line::styled(text, m.theme.status)), area);
}

/// The help overlay, generated from the key table.
fn draw_help(m: &Model, keymap: &Keymap, f: &mut Frame, full: Rect) {
    let w = full.width.saturating_sub(4).min(72);
    let h = full.height.saturating_sub(2).min(BINDINGS.len() as u16 + 4);
    let area = Rect::new(
        full.x + (full.width - w) / 2,
        full.y + (full.height.saturating_sub(h)) / 2,
        w,
        h,
    );
    let keys_w = BINDINGS
        .iter()
        .map(|b| str_width(&keymap.describe(b.action)))
        .max()
        .unwrap_or(0)
        .min(w as usize / 3);
    let inner_w = w.saturating_sub(4) as usize;
    let lines: Vec<Line> = BINDINGS
        .iter()
        .skip(m.help_scroll)
        .map(|b| {
            let keys = pad_to(&keymap.describe(b.action), keys_w);
            let desc = truncate(b.description, inner_w.saturating_sub(keys_w + 2)).into_owned();
            Line::from(vec![
                Span::styled(keys, m.theme.focus),
                Span::raw("  "),
                Span::raw(desc),
            ])
        })
        .collect();
    let block = Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(m.theme.focus)
        .title(" Keys ")
        .title_bottom(Line::from(" ? or Esc closes ").alignment(Alignment::Right))
        .padding(Padding::new(1, 1, 1, 0));
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(lines).block(block), area);
}

pub fn view(m: &Model, keymap: &Keymap, f: &mut Frame) {
    let a = m.areas();
    draw_groups(m, f, a.groups);
    draw_posts(m, f, a.posts);
    draw_article(m, f, a.article);
    draw_status(m, keymap, f, a.status);
    if m.help {
        draw_help(m, keymap, f, f.area());
    }
}
