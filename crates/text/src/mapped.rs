//! Text with a byte-level map back to the input it was derived from.

use std::ops::Range;

/// A derived text and, for every byte of it, the byte offset in the source that
/// produced it. `origin.len() == text.len() + 1`; the last entry is the source
/// offset just past the last mapped source character.
///
/// Invariants (checked by property tests): `origin` is non-decreasing and every
/// entry is a char boundary of the source, `<= source.len()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedText {
    text: String,
    origin: Vec<u32>,
}

impl MappedText {
    /// The identity map of `s` onto itself.
    pub fn identity(s: &str) -> Self {
        let mut b = Builder::with_capacity(s.len());
        for (i, c) in s.char_indices() {
            b.push(c, i);
        }
        b.finish(s.len())
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn into_text(self) -> String {
        self.text
    }

    /// Source byte offset of text byte `i` (`i <= text.len()`).
    pub fn origin_of(&self, i: usize) -> usize {
        self.origin[i.min(self.origin.len() - 1)] as usize
    }

    /// Raw per-byte origin table (`len() == text().len() + 1`).
    pub fn origins(&self) -> &[u32] {
        &self.origin
    }

    /// Source byte range covered by the text byte range `r`: from the source char
    /// of the first byte to the end of the source char of the last byte.
    pub fn to_original(&self, r: Range<usize>) -> Range<usize> {
        let start = self.origin_of(r.start);
        if r.end <= r.start {
            return start..start;
        }
        let end_idx = r.end.min(self.text.len());
        let last = self.origin[end_idx - 1];
        let end = self.origin[end_idx..]
            .iter()
            .copied()
            .find(|&o| o > last)
            .unwrap_or(self.origin[self.origin.len() - 1]);
        start..(end as usize).max(start)
    }
}

/// Incremental construction of a [`MappedText`].
#[derive(Debug, Default)]
pub struct Builder {
    text: String,
    origin: Vec<u32>,
}

impl Builder {
    pub fn with_capacity(n: usize) -> Self {
        Builder {
            text: String::with_capacity(n),
            origin: Vec::with_capacity(n + 1),
        }
    }

    /// Append `c`, produced by the source char at byte `src`.
    #[inline]
    pub fn push(&mut self, c: char, src: usize) {
        let n = c.len_utf8();
        self.text.push(c);
        for _ in 0..n {
            self.origin.push(src as u32);
        }
    }

    /// Append `s`, every byte of it produced by the source char at byte `src`.
    #[inline]
    pub fn push_str(&mut self, s: &str, src: usize) {
        self.text.push_str(s);
        for _ in 0..s.len() {
            self.origin.push(src as u32);
        }
    }

    /// Append `s`, a verbatim copy of the source bytes starting at `src`
    /// that holds only 1- and 2-byte chars: every byte's origin is the start
    /// of its char (as [`Builder::push`] of each char would record).
    #[inline]
    pub(crate) fn push_source_run(&mut self, s: &str, src: usize) {
        debug_assert!(s.chars().all(|c| c.len_utf8() <= 2));
        self.text.push_str(s);
        // A continuation byte (0x80..=0xBF, < -64 as i8) is the second byte
        // of a 2-byte char: its origin is the byte before it.
        self.origin.extend(
            s.bytes()
                .enumerate()
                .map(|(k, b)| (src + k) as u32 - ((b as i8) < -64) as u32),
        );
    }

    /// Copy `from.text()[range]` verbatim, keeping its origins (which refer to
    /// `from`'s source, so stages chain without composing maps).
    #[inline]
    pub fn push_mapped(&mut self, from: &MappedText, range: Range<usize>) {
        self.text.push_str(&from.text[range.clone()]);
        self.origin.extend_from_slice(&from.origin[range]);
    }

    /// Insert `s` (e.g. a space splitting glued words) before byte `at` of
    /// `from`: it gets the source origin of that byte, so origins still refer
    /// to `from`'s source.
    #[inline]
    pub fn push_inserted(&mut self, s: &str, from: &MappedText, at: usize) {
        let o = from.origin_of(at);
        self.push_str(s, o);
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Remove trailing chars matching `f` (e.g. spaces before a newline).
    pub fn trim_end_matches(&mut self, f: impl Fn(char) -> bool) {
        while let Some(c) = self.text.chars().next_back() {
            if !f(c) {
                break;
            }
            let n = c.len_utf8();
            self.text.truncate(self.text.len() - n);
            self.origin.truncate(self.origin.len() - n);
        }
    }

    pub fn last_char(&self) -> Option<char> {
        self.text.chars().next_back()
    }

    /// Finish; `src_end` is the source offset recorded for the end of the text.
    pub fn finish(mut self, src_end: usize) -> MappedText {
        let end = src_end.max(self.origin.last().copied().unwrap_or(0) as usize);
        self.origin.push(end as u32);
        MappedText {
            text: self.text,
            origin: self.origin,
        }
    }
}
