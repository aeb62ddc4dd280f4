//! kanbao: a terminal reader for Jekyll news sites.
//!
//! Data flows one way: `loader` → `store` → `render` → `ui`.
pub mod render;
