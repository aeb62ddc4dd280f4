//! Reader features driven through `update`, as the keyboard would: read state, stars,
//! search, the category filter, sorting and links.

use std::path::PathBuf;
use std::sync::Arc;

use kanbao::keymap::Action;
use kanbao::loader::{self, Source};
use kanbao::render::line_text;
use kanbao::render::theme::Theme;
use kanbao::state::State;
use kanbao::ui::app::{Effect, Entry, Input, Model, Msg, Pane, Sort, update};

fn model_with(state: State) -> Model {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
    let mut m = Model::new(Theme::default(), (120, 40)).with_state(state);
    loader::stream(&Source::Paths(vec![root]), |ev| {
        update(&mut m, Msg::Loaded(ev));
    });
    m
}

fn model() -> Model {
    model_with(State::default())
}

fn act(m: &mut Model, actions: &[Action]) -> Vec<Effect> {
    actions
        .iter()
        .flat_map(|&a| update(m, Msg::Action(a)))
        .collect()
}

fn type_text(m: &mut Model, text: &str) -> Vec<Effect> {
    let mut effects: Vec<Effect> = text
        .chars()
        .flat_map(|c| update(m, Msg::Input(Input::Char(c))))
        .collect();
    effects.extend(update(m, Msg::Input(Input::Enter)));
    effects
}

fn row_of(m: &Model, entry: &Entry) -> Option<(usize, usize)> {
    m.rows
        .iter()
        .find(|r| &r.entry == entry)
        .map(|r| (r.unread, r.total))
}

#[test]
fn opening_marks_read_and_r_toggles() {
    let mut m = model();
    assert_eq!(m.unread_total(), 18);
    let effects = act(&mut m, &[Action::Open, Action::Open]);
    assert_eq!(effects, [Effect::StateChanged]);
    let ix = m.open.unwrap();
    assert!(m.is_read(ix));
    assert_eq!(m.unread_total(), 17);
    assert_eq!(row_of(&m, &Entry::All), Some((17, 18)));
    assert!(m.state.read.contains(&m.store.post(ix).id));
    act(&mut m, &[Action::ToggleRead]);
    assert!(!m.is_read(ix));
    assert_eq!(m.unread_total(), 18);
    // A category's unread count follows.
    let cat = m.store.post(ix).categories[0].clone();
    let (unread, total) = row_of(&m, &Entry::Group(cat)).unwrap();
    assert_eq!(unread, total);
}

#[test]
fn mark_all_read_asks_first() {
    let mut m = model();
    act(&mut m, &[Action::MarkAllRead]);
    assert!(m.prompt.is_some());
    update(&mut m, Msg::Input(Input::Char('n')));
    assert_eq!(m.unread_total(), 18, "n declines");
    act(&mut m, &[Action::MarkAllRead]);
    let effects = update(&mut m, Msg::Input(Input::Char('y')));
    assert_eq!(effects, [Effect::StateChanged]);
    assert_eq!(m.unread_total(), 0);
}

#[test]
fn stars_get_their_own_entry_and_survive_a_restart() {
    let mut m = model();
    assert_eq!(row_of(&m, &Entry::Starred), None);
    act(
        &mut m,
        &[Action::NextPane, Action::Down, Action::ToggleStar],
    );
    let starred = m.selected_post().unwrap();
    assert!(m.is_starred(starred));
    assert_eq!(row_of(&m, &Entry::Starred).map(|r| r.1), Some(1));
    let saved = m.state.clone();
    let m2 = model_with(saved);
    let id = &m.store.post(starred).id;
    let ix2 = m2.store.find_id(id).unwrap();
    assert!(m2.is_starred(ix2));
    assert_eq!(row_of(&m2, &Entry::Starred).map(|r| r.1), Some(1));
}

#[test]
fn search_finds_chinese_and_mixed_case_english_and_marks_matches() {
    let mut m = model();
    act(&mut m, &[Action::Search]);
    type_text(&mut m, "上游芯片");
    assert_eq!(row_of(&m, &Entry::Search), Some((1, 1)));
    assert_eq!(m.focus, Pane::Posts);
    assert_eq!(m.current_posts().len(), 1);
    act(&mut m, &[Action::Open]);
    assert!(!m.matches.is_empty());
    let article = m.article.clone().unwrap();
    let row = &article.rows.line(m.matches[0]);
    assert!(line_text(row).contains("上游芯片"));
    assert!(
        row.spans
            .iter()
            .any(|s| s.content == "上游芯片" && s.style == Theme::default().selected)
    );
    // English: any case.
    act(&mut m, &[Action::Search]);
    type_text(&mut m, "INFOCODE=nw1");
    let hits = m.current_posts().len();
    assert!(hits >= 1, "{hits}");
    act(&mut m, &[Action::Search]);
    type_text(&mut m, "这段文字不会出现");
    assert_eq!(row_of(&m, &Entry::Search), Some((0, 0)));
}

#[test]
fn n_and_n_jump_between_matches() {
    let mut m = model();
    act(&mut m, &[Action::Search]);
    type_text(&mut m, "example.com");
    act(&mut m, &[Action::Open]);
    assert!(m.matches.len() >= 2, "{:?}", m.matches);
    let n = m.matches.len();
    act(&mut m, &[Action::NextMatch]);
    assert_eq!(m.message.as_deref(), Some(format!("Match 2/{n}").as_str()));
    act(&mut m, &[Action::PrevMatch, Action::PrevMatch]);
    assert_eq!(
        m.message.as_deref(),
        Some(format!("Match {n}/{n}").as_str()),
        "wraps"
    );
    // Scrolled as far towards the match as the article allows.
    assert!(m.scroll <= m.matches[n - 1]);
}

#[test]
fn typing_filters_the_categories() {
    let mut m = model();
    let all = m.rows.len();
    // An unbound character typed in the categories pane starts the filter.
    update(&mut m, Msg::Input(Input::Char('中')));
    update(&mut m, Msg::Input(Input::Char('国')));
    let names: Vec<&str> = m.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["All", "中国证券报·中证网新闻"]);
    update(&mut m, Msg::Input(Input::Cancel));
    assert_eq!(m.rows.len(), all);
    act(&mut m, &[Action::Filter]);
    type_text(&mut m, "EMNEWS");
    assert_eq!(m.rows.len(), 2, "slugs match too, in any case");
}

#[test]
fn sort_cycles() {
    let mut m = model();
    act(&mut m, &[Action::CycleSort]);
    assert_eq!(m.sort, Sort::Oldest);
    let first = m.store.post(m.current_posts()[0]);
    assert_eq!(first.id, "2021-12-01-init");
    act(&mut m, &[Action::CycleSort]);
    let titles: Vec<&str> = m
        .current_posts()
        .iter()
        .map(|&ix| m.store.post(ix).title.as_str())
        .collect();
    let mut sorted = titles.clone();
    sorted.sort();
    assert_eq!(titles, sorted);
}

#[test]
fn links_are_copied_and_opened_by_number() {
    let mut m = model();
    // The middle-dot category's newest post has three links.
    act(
        &mut m,
        &[
            Action::Down,
            Action::Down,
            Action::Down,
            Action::Down,
            Action::Open,
            Action::Open,
        ],
    );
    let links = m.article.as_ref().unwrap().links.clone();
    assert_eq!(links.len(), 3);
    assert!(act(&mut m, &[Action::CopyLink]).is_empty(), "asks which");
    let effects = type_text(&mut m, "1");
    assert_eq!(effects, [Effect::Copy(links[0].clone())]);
    act(&mut m, &[Action::OpenLink]);
    let effects = type_text(&mut m, "3");
    assert_eq!(
        effects,
        [Effect::OpenUrl("https://example.com/".into())],
        "{links:?}"
    );
    act(&mut m, &[Action::OpenLink]);
    assert!(type_text(&mut m, "9").is_empty());
    assert!(m.message.as_deref().unwrap().contains("No link"));
}

#[test]
fn live_changes_keep_selection_and_read_state() {
    let mut m = model();
    act(&mut m, &[Action::Open, Action::Down, Action::Open]);
    let open = m.open.unwrap();
    let id = m.store.post(open).id.clone();
    let mut changed = m.store.post(open).clone();
    changed.title = "标题改了".into();
    let mut new = changed.clone();
    new.id = "2030-01-01-new".into();
    new.date = kanbao::post::Date::parse("2030-01-01");
    let gone = m.store.post(m.store.all()[5]).id.clone();
    update(
        &mut m,
        Msg::Changed(kanbao::watch::Change {
            posts: vec![changed, new],
            removed: vec![gone.clone()],
            warnings: vec![],
        }),
    );
    assert_eq!(m.store.len(), 18);
    assert_eq!(m.open, Some(open));
    assert_eq!(m.store.post(open).title, "标题改了");
    assert!(m.is_read(open), "read state kept for {id}");
    assert!(m.store.find_id(&gone).is_none());
    assert_eq!(m.store.post(m.store.all()[0]).id, "2030-01-01-new");
    assert_eq!(m.focus, Pane::Article);
}

#[test]
fn mouse_clicks_select_and_the_wheel_scrolls() {
    use kanbao::ui::app::MouseKind;
    let mut m = model();
    let a = m.areas();
    // Click the third row of the categories pane.
    update(
        &mut m,
        Msg::Mouse(MouseKind::Click, a.groups.x + 2, a.groups.y + 3),
    );
    assert_eq!(m.groups.selected, 2);
    update(
        &mut m,
        Msg::Mouse(MouseKind::ScrollDown, a.posts.x + 2, a.posts.y + 2),
    );
    assert_eq!(m.focus, Pane::Posts);
    update(
        &mut m,
        Msg::Mouse(MouseKind::Click, a.posts.x + 2, a.posts.y + 1),
    );
    assert_eq!(m.focus, Pane::Article);
    assert!(m.open.is_some());
}

/// A live change that makes the open post's body `body` long (the file grew).
fn grow_open_post(m: &mut Model, body: String) -> Vec<Effect> {
    let mut post = m.store.post(m.open.unwrap()).clone();
    post.body = body.into();
    update(
        m,
        Msg::Changed(kanbao::watch::Change {
            posts: vec![post],
            removed: vec![],
            warnings: vec![],
        }),
    )
}

#[test]
fn marking_all_read_counts_in_words() {
    let mut m = model();
    act(&mut m, &[Action::Open]);
    let mark_all = |m: &mut Model| {
        update(m, Msg::Action(Action::MarkAllRead));
        update(m, Msg::Input(Input::Char('y')));
        m.message.clone().unwrap_or_default()
    };
    assert_eq!(mark_all(&mut m), "Marked 18 posts read");
    act(&mut m, &[Action::ToggleRead]);
    assert_eq!(mark_all(&mut m), "Marked 1 post read");
}

#[test]
fn deleting_the_open_post_says_so() {
    let mut m = model();
    act(&mut m, &[Action::Open, Action::Open]);
    let id = m.store.post(m.open.unwrap()).id.clone();
    update(
        &mut m,
        Msg::Changed(kanbao::watch::Change {
            posts: vec![],
            removed: vec![id],
            warnings: vec![],
        }),
    );
    assert_eq!(m.open, None);
    assert!(m.article.is_none());
    let message = m.message.clone().unwrap_or_default();
    assert!(message.contains("was deleted"), "{message:?}");
}

#[test]
fn the_place_in_a_huge_post_holds_while_its_rewritten_file_is_laid_out_again() {
    let mut m = model();
    act(&mut m, &[Action::Open, Action::Open]);
    let body: String = (0..4500)
        .map(|i| format!("第{i}段：这是一段很长的正文，用来测试大文件。\n\n"))
        .collect();
    let deliver = |m: &mut Model, effects: Vec<Effect>| {
        let [Effect::Render(key, n)] = effects[..] else {
            panic!("{effects:?}");
        };
        let post = m.store.post(key.0);
        let doc = Arc::new(kanbao::render::body(post, &m.theme, key.2));
        let article = kanbao::render::lay_out(post, &doc, None, key.1.into(), &m.theme, key.2);
        update(m, Msg::Rendered(key, n, article, doc));
    };
    let effects = grow_open_post(&mut m, body.clone());
    deliver(&mut m, effects);
    act(
        &mut m,
        &[Action::FocusRight, Action::FocusRight, Action::Bottom],
    );
    let place = m.scroll;
    assert!(place > 4000, "{place}");
    // The scraper rewrites the file: the preview stands in, and the place is kept.
    let effects = grow_open_post(&mut m, body.replace("正文", "新版正文"));
    let preview = m.article.clone().unwrap();
    assert!(preview.rows.len() < place);
    assert_eq!(m.scroll, place);
    assert!(m.article_scroll() < preview.rows.len());
    deliver(&mut m, effects);
    assert_eq!(m.scroll, place, "the reader's place was lost");
    let shown = m.article.as_ref().unwrap().rows.text(m.article_scroll());
    assert!(!shown.is_empty());
}

#[test]
fn end_pressed_while_a_huge_post_is_laid_out_goes_to_its_end() {
    let mut m = model();
    act(&mut m, &[Action::Open, Action::Open]);
    let body: String = (0..4500)
        .map(|i| format!("第{i}段：这是一段很长的正文，用来测试大文件。\n\n"))
        .collect();
    let effects = grow_open_post(&mut m, body);
    let [Effect::Render(key, n)] = effects[..] else {
        panic!("{effects:?}");
    };
    act(
        &mut m,
        &[Action::FocusRight, Action::FocusRight, Action::Bottom],
    );
    // The preview's end is shown for now …
    let preview_len = m.article.as_ref().unwrap().rows.len();
    assert!(m.article_scroll() < preview_len);
    // … and when the whole article arrives, its end.
    let post = m.store.post(key.0);
    let doc = Arc::new(kanbao::render::body(post, &m.theme, key.2));
    let full = kanbao::render::lay_out(post, &doc, None, key.1.into(), &m.theme, key.2);
    let rows = full.rows.len();
    update(&mut m, Msg::Rendered(key, n, full, doc));
    let last = m.article.as_ref().unwrap().rows.text(rows - 1).to_owned();
    assert!(rows > preview_len * 2, "{rows} {preview_len}");
    assert!(
        m.article_scroll() > rows - 100,
        "{} of {rows}",
        m.article_scroll()
    );
    assert!(!last.is_empty());
    // Moving up from there starts from the end shown.
    act(&mut m, &[Action::Up]);
    assert_eq!(m.scroll, m.article_scroll());
    assert!(m.scroll > rows - 100);
}

#[test]
fn a_huge_post_shows_its_start_at_once_and_the_rest_is_laid_out_off_the_ui_thread() {
    let mut m = model();
    act(&mut m, &[Action::Open, Action::Open]);
    let ix = m.open.unwrap();
    let body: String = (0..4500)
        .map(|i| format!("第{i}段：这是一段很长的正文，用来测试大文件。\n\n"))
        .collect();
    assert!(body.len() > kanbao::render::BACKGROUND_BYTES);
    let effects = grow_open_post(&mut m, body.clone());
    let [Effect::Render(key, n)] = effects[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(key.0, ix);
    // The preview: the start of the article, and a line saying the rest is coming.
    let preview = m.article.clone().unwrap();
    let text =
        |a: &kanbao::render::Article| a.rows.iter().map(|l| line_text(&l)).collect::<Vec<_>>();
    let shown = text(&preview);
    assert!(shown.iter().any(|l| l.contains("第0段")), "{shown:?}");
    assert!(!shown.iter().any(|l| l.contains("第4499段")));
    assert!(shown.last().unwrap().contains("the rest is being laid out"));
    // Several screens of it, to read while the rest is laid out.
    assert!(shown.len() > 100, "{}", shown.len());
    // Asked once: a redraw or resize while it renders does not start another.
    assert!(update(&mut m, Msg::Resize(120, 40)).is_empty());
    assert!(update(&mut m, Msg::Resize(100, 40)).is_empty());
    let effects = update(&mut m, Msg::Resize(120, 40));
    assert!(effects.is_empty(), "{effects:?}");
    // The loop renders it on a thread and sends it back: the full article replaces the
    // preview, whose lines were its first lines.
    let post = m.store.post(ix);
    let category = post.categories.first().map(|c| m.store.category_name(c));
    let doc = Arc::new(kanbao::render::body(post, &m.theme, key.2));
    let full = kanbao::render::lay_out(post, &doc, category, key.1.into(), &m.theme, key.2);
    let full_text = text(&full);
    assert_eq!(full_text[..shown.len() - 2], shown[..shown.len() - 2]);
    assert!(update(&mut m, Msg::Rendered(key, n, full, doc.clone())).is_empty());
    assert_eq!(text(m.article.as_ref().unwrap()), full_text);
    // Another width is laid out anew, again off the UI thread, from the body kept; back
    // at the first width the cached article is used.
    let effects = update(&mut m, Msg::Resize(100, 40));
    assert!(
        matches!(effects[..], [Effect::Render(k, _)] if k.1 != key.1),
        "{effects:?}"
    );
    let kept = m.cache.document(ix, key.2).expect("the body is kept");
    assert!(Arc::ptr_eq(&kept, &doc));
    assert!(update(&mut m, Msg::Resize(120, 40)).is_empty());
    assert_eq!(text(m.article.as_ref().unwrap()), full_text);

    // A result for a post that changed again while it was rendered is thrown away; the
    // render of the latest version is the one kept.
    let effects = grow_open_post(&mut m, body.replace("正文", "第二版"));
    let [Effect::Render(_, second)] = effects[..] else {
        panic!("{effects:?}");
    };
    // The body kept was the old version's.
    assert!(m.cache.document(ix, key.2).is_none());
    let effects = grow_open_post(&mut m, body.replace("正文", "第三版"));
    let [Effect::Render(_, third)] = effects[..] else {
        panic!("{effects:?}");
    };
    let render_now = |m: &Model| {
        let post = m.store.post(ix);
        let doc = Arc::new(kanbao::render::body(post, &m.theme, key.2));
        let article = kanbao::render::lay_out(post, &doc, None, key.1.into(), &m.theme, key.2);
        (article, doc)
    };
    let (latest, latest_doc) = render_now(&m);
    let (mut stale, stale_doc) = render_now(&m);
    kanbao::render::rows::RowSink::push_line(&mut stale.rows, ratatui::text::Line::raw("第二版"));
    update(&mut m, Msg::Rendered(key, second, stale, stale_doc));
    assert!(m.cache.get(key).is_none());
    assert!(m.cache.document(ix, key.2).is_none());
    update(&mut m, Msg::Rendered(key, third, latest, latest_doc));
    let kept = text(&m.cache.get(key).unwrap());
    assert!(kept.iter().any(|l| l.contains("第三版")), "{kept:?}");
    assert!(!kept.iter().any(|l| l == "第二版"));
}
