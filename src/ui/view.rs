//! Draws the model. Only draws: rows come from the model and the cached article, and only
//! the rows on screen are touched, so a frame costs the same with 100 or 100,000 posts.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Padding;

use super::app::{Model, Overlay, Pane, PromptKind};
use super::draw;
use super::layout::Mode;
use crate::keymap::{Action, BINDINGS, Keymap};
use crate::render::width::{pad_to, str_width, tail, truncate};
use crate::store::Grouping;

/// Draws a pane's box and title; returns the area inside it (less `padding`).
fn pane_box(
    m: &Model,
    f: &mut Frame,
    area: Rect,
    pane: Pane,
    title: &str,
    padding: Padding,
) -> Rect {
    let amb = m.ambiguous_width;
    let focused = m.focus == pane && m.overlay.is_none();
    let (block, title_style) = if focused {
        (
            draw::bordered(true, amb).border_style(m.theme.focus),
            m.theme.focus.add_modifier(Modifier::BOLD),
        )
    } else {
        (
            draw::bordered(false, amb).border_style(m.theme.dim),
            Style::new(),
        )
    };
    let block = block.padding(padding);
    f.render_widget(&block, area);
    draw::title(
        f.buffer_mut(),
        area,
        &format!(" {title} "),
        title_style,
        amb,
    );
    block.inner(area)
}

fn row_style(m: &Model, pane: Pane) -> Style {
    if m.focus == pane {
        m.theme.selected
    } else {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
}

/// `name ……… unread/total` in exactly `width` columns.
fn name_count(m: &Model, name: &str, unread: usize, total: usize, width: usize) -> String {
    let count = if unread > 0 {
        format!("{unread}/{total}")
    } else {
        total.to_string()
    };
    let room = width.saturating_sub(count.len() + 1);
    format!("{} {count}", pad_to(name, room, m.ambiguous_width))
}

fn draw_groups(m: &Model, f: &mut Frame, area: Rect) {
    let label = match m.grouping {
        Grouping::Category => "Categories",
        Grouping::Tag => "Tags",
    };
    let title = if m.filter.is_empty() {
        label.to_string()
    } else {
        format!("{label} ~ {}", m.filter)
    };
    let inner = pane_box(m, f, area, Pane::Groups, &title, Padding::ZERO);
    let w = inner.width as usize;
    let h = inner.height as usize;
    let lines: Vec<Line> = m
        .rows
        .iter()
        .enumerate()
        .skip(m.groups.offset)
        .take(h)
        .map(|(i, row)| {
            let text = name_count(m, &row.name, row.unread, row.total, w);
            if i == m.groups.selected {
                Line::styled(text, row_style(m, Pane::Groups))
            } else if row.unread == 0 {
                Line::styled(text, m.theme.dim)
            } else {
                Line::raw(text)
            }
        })
        .collect();
    draw::lines(f.buffer_mut(), inner, &lines, m.ambiguous_width);
}

fn draw_posts(m: &Model, f: &mut Frame, area: Rect) {
    let amb = m.ambiguous_width;
    let posts = m.current_posts();
    let name = m.selected_row().map_or("Posts", |r| r.name.as_str());
    let title = format!("{name} {}", posts.len());
    let inner = pane_box(m, f, area, Pane::Posts, &title, Padding::ZERO);
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
    let star_w = str_width("★", amb);
    let no_star = " ".repeat(star_w);
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
            let date = pad_to(date, date_w, amb);
            let mark = if m.is_starred(ix) { "★" } else { &no_star };
            let title_w = w.saturating_sub(date_w + usize::from(date_w > 0) + star_w);
            let read = m.is_read(ix);
            let title_style = if read {
                m.theme.dim
            } else {
                Style::new().add_modifier(Modifier::BOLD)
            };
            let mut line = Line::from(vec![
                Span::styled(date, m.theme.meta),
                Span::raw(if date_w > 0 { " " } else { "" }),
                Span::styled(mark, m.theme.heading),
                Span::styled(pad_to(&p.title, title_w, amb), title_style),
            ]);
            if i == m.posts.selected {
                line = line.style(row_style(m, Pane::Posts));
            }
            line
        })
        .collect();
    let lines = if lines.is_empty() {
        let msg = if m.loading { "Loading…" } else { "No posts" };
        vec![Line::styled(truncate(msg, w, amb), m.theme.dim)]
    } else {
        lines
    };
    draw::lines(f.buffer_mut(), inner, &lines, amb);
}

fn draw_article(m: &Model, f: &mut Frame, area: Rect) {
    let h = area.height.saturating_sub(2) as usize;
    let (title, lines) = match &m.article {
        Some(a) => {
            let scroll = m.article_scroll();
            let shown = (scroll + h).min(a.rows.len());
            let pct = if a.rows.is_empty() {
                100
            } else {
                shown * 100 / a.rows.len()
            };
            let lines: Vec<Line> = a.rows.lines(scroll.min(shown)..shown).collect();
            (format!("Article {pct}%"), lines)
        }
        None => (
            "Article".to_string(),
            vec![Line::styled("Enter on a post opens it here.", m.theme.dim)],
        ),
    };
    let inner = pane_box(m, f, area, Pane::Article, &title, Padding::horizontal(1));
    draw::lines(f.buffer_mut(), inner, &lines, m.ambiguous_width);
}

fn prompt_label(kind: PromptKind, links: usize) -> String {
    match kind {
        PromptKind::Search => "Search: ".into(),
        PromptKind::Filter => "Filter categories: ".into(),
        PromptKind::OpenLink => format!("Open link (1-{links}): "),
        PromptKind::CopyLink => format!("Copy link (1-{links}): "),
        PromptKind::ConfirmMarkAll => "Mark every post in this list read? (y/n) ".into(),
    }
}

fn draw_status(m: &Model, keymap: &Keymap, f: &mut Frame, area: Rect) {
    let amb = m.ambiguous_width;
    let w = area.width as usize;
    if let Some(p) = &m.prompt {
        let links = m.article.as_ref().map_or(0, |a| a.links.len());
        let text = format!("{}{}", prompt_label(p.kind, links), p.input);
        // Keep the end of a long input visible, and room for the cursor bar.
        const BAR: &str = "▏";
        let shown = tail(&text, w.saturating_sub(str_width(BAR, amb)), amb);
        let line = Line::raw(pad_to(&format!("{shown}{BAR}"), w, amb));
        f.buffer_mut().set_style(area, m.theme.status);
        draw::line(f.buffer_mut(), area, &line, amb);
        return;
    }
    let mut left = if m.loading {
        match m.files_found {
            None if m.found_so_far > 0 => {
                format!(" Looking for posts… {} files found", m.found_so_far)
            }
            None => " Looking for posts…".to_string(),
            Some(files) => format!(
                " Loading… {} of {files} posts ({}%)",
                m.store.len(),
                (m.store.len() * 100).checked_div(files).unwrap_or(100)
            ),
        }
    } else {
        format!(
            " {} · {} unread · {}",
            count(m.store.len(), "post", "posts"),
            m.unread_total(),
            count(
                m.store.group_count(Grouping::Category),
                "category",
                "categories"
            )
        )
    };
    if !m.warnings.is_empty() {
        left.push_str(&format!(
            " · {} ({})",
            count(m.warnings.len(), "warning", "warnings"),
            keymap.describe(Action::Warnings)
        ));
    }
    if let Some(msg) = &m.message {
        left = format!(" {msg}");
    }
    let position = match m.focus {
        Pane::Groups => format!("{}/{}", m.groups.selected + 1, m.rows.len()),
        Pane::Posts => format!("{}/{}", m.posts.selected + 1, m.current_posts().len()),
        Pane::Article => {
            let len = m.article.as_ref().map_or(0, |a| a.rows.len());
            format!("line {}/{}", (m.article_scroll() + 1).min(len), len)
        }
    };
    let hints = if w < 70 {
        format!("{position}  {} help ", keymap.describe(Action::Help))
    } else {
        format!(
            "{position}  {} help  {} quit ",
            keymap.describe(Action::Help),
            keymap
                .keys_of(Action::Quit)
                .first()
                .map(|k| k.to_string())
                .unwrap_or_default()
        )
    };
    let right_w = str_width(&hints, amb).min(w / 2);
    let text = format!(
        "{}{}",
        pad_to(&left, w - right_w, amb),
        pad_to(&hints, right_w, amb)
    );
    draw::line(
        f.buffer_mut(),
        area,
        &Line::styled(text, m.theme.status),
        amb,
    );
}

/// Clears `area` and draws an overlay's box with its titles; returns the area inside.
fn overlay_box(m: &Model, f: &mut Frame, area: Rect, title: &str, bottom: &str) -> Rect {
    let amb = m.ambiguous_width;
    let block = draw::bordered(true, amb)
        .border_style(m.theme.focus)
        .padding(Padding::new(1, 1, 1, 0));
    draw::clear(f.buffer_mut(), area);
    f.render_widget(&block, area);
    let buf = f.buffer_mut();
    draw::title(buf, area, title, Style::new(), amb);
    draw::bottom_title(buf, area, bottom, Style::new(), amb);
    block.inner(area)
}

/// The help overlay, generated from the key table.
fn draw_help(m: &Model, keymap: &Keymap, f: &mut Frame, full: Rect) {
    let amb = m.ambiguous_width;
    let w = full.width.saturating_sub(4).min(88);
    let h = full.height.saturating_sub(2).min(BINDINGS.len() as u16 + 3);
    let area = Rect::new(
        full.x + (full.width - w) / 2,
        full.y + (full.height.saturating_sub(h)) / 2,
        w,
        h,
    );
    let keys_w = BINDINGS
        .iter()
        .map(|b| str_width(&keymap.describe(b.action), amb))
        .max()
        .unwrap_or(0)
        .min(w as usize / 3);
    let inner_w = w.saturating_sub(4) as usize;
    let visible = h.saturating_sub(3) as usize;
    let scroll = m.overlay_scroll.min(BINDINGS.len().saturating_sub(visible));
    let lines: Vec<Line> = BINDINGS
        .iter()
        .skip(scroll)
        .map(|b| {
            let keys = pad_to(&keymap.describe(b.action), keys_w, amb);
            let desc = truncate(b.description, inner_w.saturating_sub(keys_w + 2), amb);
            Line::from(vec![
                Span::styled(keys, m.theme.focus),
                Span::raw("  "),
                Span::raw(desc),
            ])
        })
        .collect();
    let inner = overlay_box(m, f, area, " Keys ", " j/k scroll · ? or Esc closes ");
    draw::lines(f.buffer_mut(), inner, &lines, amb);
}

/// The files that had problems: each file, then the reason under it.
fn draw_warnings(m: &Model, f: &mut Frame, full: Rect) {
    let amb = m.ambiguous_width;
    let w = full.width.saturating_sub(4).min(120);
    let h = full.height.saturating_sub(2);
    let area = Rect::new(full.x + (full.width - w) / 2, full.y + 1, w, h);
    let inner_w = w.saturating_sub(4) as usize;
    let visible = h.saturating_sub(3) as usize;
    let rows = m.warnings.len() * 2;
    let scroll = m.overlay_scroll.min(rows.saturating_sub(visible));
    let lines: Vec<Line> = m
        .warnings
        .iter()
        .flat_map(|w| {
            [
                Line::styled(truncate(&w.file, inner_w, amb), m.theme.focus),
                Line::raw(format!(
                    "  {}",
                    truncate(&w.message, inner_w.saturating_sub(2), amb)
                )),
            ]
        })
        .skip(scroll)
        .take(visible)
        .collect();
    let title = format!(" {} ", count(m.warnings.len(), "warning", "warnings"));
    let inner = overlay_box(m, f, area, &title, " j/k scroll · W or Esc closes ");
    draw::lines(f.buffer_mut(), inner, &lines, amb);
}

/// `All › 东财滚动新闻 › title` above the one pane shown on a narrow terminal.
fn draw_breadcrumb(m: &Model, f: &mut Frame, area: Rect) {
    let mut parts = vec![
        m.selected_row()
            .map_or("All", |r| r.name.as_str())
            .to_string(),
    ];
    if m.focus == Pane::Article
        && let Some(ix) = m.open
    {
        parts.push(m.store.post(ix).title.clone());
    }
    if m.focus == Pane::Groups {
        parts = vec![match m.grouping {
            Grouping::Category => "Categories".into(),
            Grouping::Tag => "Tags".into(),
        }];
    }
    let amb = m.ambiguous_width;
    let path = parts.join(" › ");
    let text = truncate(&path, area.width as usize, amb);
    draw::line(
        f.buffer_mut(),
        area,
        &Line::styled(text, m.theme.focus),
        amb,
    );
}

pub fn view(m: &Model, keymap: &Keymap, f: &mut Frame) {
    let a = m.areas();
    match a.mode {
        Mode::TooSmall => {
            let amb = m.ambiguous_width;
            let msg = format!("Terminal too small: {}x{}", m.size.0, m.size.1);
            let msg = truncate(&msg, a.article.width as usize, amb);
            draw::line(f.buffer_mut(), a.article, &Line::raw(msg), amb);
            return;
        }
        Mode::Single => {
            draw_breadcrumb(m, f, a.breadcrumb);
            match m.focus {
                Pane::Groups => draw_groups(m, f, a.groups),
                Pane::Posts => draw_posts(m, f, a.posts),
                Pane::Article => draw_article(m, f, a.article),
            }
        }
        Mode::Three => {
            draw_groups(m, f, a.groups);
            draw_posts(m, f, a.posts);
            draw_article(m, f, a.article);
        }
    }
    draw_status(m, keymap, f, a.status);
    match m.overlay {
        Some(Overlay::Help) => draw_help(m, keymap, f, f.area()),
        Some(Overlay::Warnings) => draw_warnings(m, f, f.area()),
        None => {}
    }
}

/// `n` and the noun in the right number: "1 warning", "3 warnings".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
