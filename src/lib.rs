//! kanbao: a terminal reader for Jekyll news sites.
//!
//! Data flows one way: `loader` → `store` → `render` → `ui`.
pub mod config;
pub mod keymap;
pub mod loader;
pub mod post;
pub mod render;
pub mod sanitize;
pub mod state;
pub mod store;
pub mod ui;
pub mod watch;

// jemalloc: rendering a long post makes and frees hundreds of thousands of small strings
// on every core, where glibc's malloc spent a fifth of the time (see the commit).
#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
