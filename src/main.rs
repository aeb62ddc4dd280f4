//! The command line: the reader (default), `list`, `show` and `check`, all on the same
//! loader and renderer.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use kanbao::config::{self, Config};
use kanbao::loader::{self, Source};
use kanbao::render::{self, theme::Theme, width::AmbiguousWidth};
use kanbao::state::{self, State};
use kanbao::store::{Grouping, Store};

/// kanbao (看报): read a Jekyll site's news in the terminal.
#[derive(Parser)]
#[command(version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Site roots, posts folders or post files (default: `posts` from the config, else the
    /// bundled sample posts).
    paths: Vec<PathBuf>,
    /// The config file (default: config.toml in the config directory).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The reading-state file (default: state.txt in the data directory).
    #[arg(long, global = true, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Print the full default config, with a comment per entry, and exit.
    #[arg(long)]
    print_config: bool,
}

#[derive(Subcommand)]
enum Command {
    /// One post per line, newest first: ID, date, category, title, separated by tabs.
    List {
        paths: Vec<PathBuf>,
        /// Only posts in this category (slug or name).
        #[arg(long)]
        category: Option<String>,
        /// Only posts with this tag.
        #[arg(long)]
        tag: Option<String>,
        /// Only posts not read yet.
        #[arg(long)]
        unread: bool,
        /// Only starred posts.
        #[arg(long)]
        starred: bool,
    },
    /// Print an article exactly as the reader shows it, as plain text.
    Show {
        /// A post ID (file name without extension) or a post file.
        #[arg(allow_hyphen_values = true)]
        post: String,
        paths: Vec<PathBuf>,
        /// Columns per row (default: the terminal's width, else 80).
        #[arg(long)]
        width: Option<u16>,
    },
    /// Load everything and report posts, categories, duplicates, warnings and timing.
    Check { paths: Vec<PathBuf> },
}

/// The paths given, else the config's `posts`, else the bundled samples.
/// What to read: the paths given, else the config's `posts`, else the bundled sample.
/// A path that does not exist is an error (a typo should not open an empty reader).
fn source(paths: Vec<PathBuf>, config: &Config) -> Result<Source, String> {
    let (paths, from) = if !paths.is_empty() {
        (paths, "")
    } else if !config.posts.is_empty() {
        (config.posts.clone(), " (posts in the config)")
    } else {
        return Ok(Source::Embedded);
    };
    for p in &paths {
        if let Err(e) = std::fs::metadata(p) {
            return Err(format!(
                "{}{from}: {}",
                kanbao::sanitize::clean_line(&p.to_string_lossy()),
                io_reason(&e)
            ));
        }
    }
    Ok(Source::Paths(paths))
}

/// An I/O error's reason without Rust's "(os error N)".
fn io_reason(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Writes rows to stdout; a closed pipe (`kanbao list | head`) ends quietly.
fn emit(rows: impl IntoIterator<Item = String>) -> ExitCode {
    let mut out = BufWriter::new(io::stdout().lock());
    for row in rows {
        if writeln!(out, "{row}").is_err() {
            return ExitCode::SUCCESS;
        }
    }
    let _ = out.flush();
    ExitCode::SUCCESS
}

struct ListFilter {
    category: Option<String>,
    tag: Option<String>,
    unread: bool,
    starred: bool,
}

fn list(source: Source, filter: ListFilter, state: &State) -> ExitCode {
    let ListFilter {
        category,
        tag,
        unread,
        starred,
    } = filter;
    let (store, _, _) = Store::load(source);
    let wanted = |key: &Option<String>, values: &[String], names: bool| match key {
        None => true,
        Some(k) => values
            .iter()
            .any(|v| v == k || (names && store.category_name(v) == k)),
    };
    // A name no post has is most likely mistyped: say so rather than list nothing.
    let posts = || store.all().iter().map(|&ix| store.post(ix));
    for (key, what) in [(&category, "category"), (&tag, "tag")] {
        let names = what == "category";
        if let Some(k) = key
            && !posts().any(|p| wanted(key, if names { &p.categories } else { &p.tags }, names))
        {
            eprintln!(
                "kanbao: no post has the {what} {}",
                kanbao::sanitize::clean_line(k)
            );
            return ExitCode::from(2);
        }
    }
    let rows = posts()
        .filter(|p| wanted(&category, &p.categories, true) && wanted(&tag, &p.tags, false))
        .filter(|p| !unread || !state.read.contains(&p.id))
        .filter(|p| !starred || state.starred.contains(&p.id))
        .map(|p| {
            format!(
                "{}\t{}\t{}\t{}",
                p.id,
                p.date.map_or_else(|| "-".to_string(), |d| d.to_string()),
                p.categories.first().map_or("-", String::as_str),
                p.title
            )
        })
        .collect::<Vec<_>>();
    emit(rows)
}

fn show(
    post: String,
    source: Source,
    width: Option<u16>,
    theme: &Theme,
    amb: AmbiguousWidth,
) -> ExitCode {
    let as_file = Path::new(&post);
    let source = match source {
        Source::Embedded if as_file.is_file() => Source::Paths(vec![as_file.to_path_buf()]),
        s => s,
    };
    let (store, _, _) = Store::load(source);
    let id = if as_file.is_file() {
        loader::walk::id_of(as_file)
    } else {
        post.clone()
    };
    let Some(ix) = store.find_id(&id) else {
        eprintln!("kanbao: no post {post:?}");
        return ExitCode::FAILURE;
    };
    let width = width.map(usize::from).unwrap_or_else(|| {
        if io::stdout().is_terminal() {
            crossterm::terminal::size().map_or(80, |(w, _)| w as usize)
        } else {
            80
        }
    });
    let p = store.post(ix);
    let category = p.categories.first().map(|c| store.category_name(c));
    let article = render::render(p, category, width, theme, amb);
    let rows = &article.rows;
    // Rows keep the one space of a break at a word: the rows joined give back the text.
    emit((0..rows.len()).map(|i| rows.text(i).to_owned()))
}

fn check(source: Source) -> ExitCode {
    let start = Instant::now();
    let (store, warnings, s) = Store::load(source);
    let elapsed = start.elapsed();
    let mut rows = vec![
        format!("files:      {}", s.files),
        format!("posts:      {}", store.len()),
        format!("categories: {}", store.group_count(Grouping::Category)),
        format!("tags:       {}", store.group_count(Grouping::Tag)),
        format!(
            "duplicates: {} (same file name; the copy in _posts is kept)",
            s.duplicates
        ),
        format!("unreadable: {}", s.failed),
        format!("warnings:   {}", warnings.len()),
        format!("load time:  {:.1} ms", elapsed.as_secs_f64() * 1000.0),
    ];
    rows.extend(
        warnings
            .iter()
            .map(|w| format!("{}: {}", w.file, w.message)),
    );
    // The process ends here: freeing 100,000 posts one by one would add 3% to the run.
    std::mem::forget(store);
    emit(rows);
    if s.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.print_config {
        print!("{}", config::default_text());
        return ExitCode::SUCCESS;
    }
    let base = if no_color() {
        Theme::monochrome()
    } else {
        Theme::default()
    };
    let config = match Config::load(cli.config.as_deref(), base, !no_color()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("kanbao: {e}");
            return ExitCode::from(2);
        }
    };
    let state_path = cli.state.or_else(state::default_path);
    let paths = match &cli.command {
        Some(
            Command::List { paths, .. } | Command::Show { paths, .. } | Command::Check { paths },
        ) => paths.clone(),
        None => cli.paths.clone(),
    };
    let source = match source(paths, &config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("kanbao: {e}");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Some(Command::List {
            category,
            tag,
            unread,
            starred,
            ..
        }) => {
            let (state, warning) = state_path.as_deref().map(State::load).unwrap_or_default();
            if let Some(w) = warning {
                eprintln!("kanbao: {w}");
            }
            let filter = ListFilter {
                category,
                tag,
                unread,
                starred,
            };
            list(source, filter, &state)
        }
        Some(Command::Show { post, width, .. }) => {
            let amb = config.ambiguous_width;
            show(post, source, width, &config.theme, amb)
        }
        Some(Command::Check { .. }) => check(source),
        None => kanbao::ui::run(source, kanbao::ui::Options { config, state_path }),
    }
}
