//! Post body → styled, wrapped lines for a given width.
pub mod width;
pub mod wrap;
