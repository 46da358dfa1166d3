//! Sentence splitting (owner: sentence/token helper). Placeholder interface.
use std::ops::Range;

/// Sentence byte spans of display text, in order, non-overlapping, trimmed.
pub fn split(text: &str) -> Vec<Range<usize>> {
    text.split('\n')
        .scan(0usize, |pos, l| {
            let s = *pos;
            *pos += l.len() + 1;
            Some(s..s + l.len())
        })
        .filter(|r| !r.is_empty())
        .collect()
}
