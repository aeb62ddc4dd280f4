//! CJK-aware wrapping of styled text.
