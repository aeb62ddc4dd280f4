//! Display width of text, measured per grapheme cluster.
