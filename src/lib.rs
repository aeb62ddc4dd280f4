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
