//! Clean display text (owner: normalize). See [`clean`].
//!
//! Rules, applied in one pass over the input:
//! - bidi marks (U+200E/F, U+202A–202E, U+2066–2069, U+061C), BOM U+FEFF,
//!   zero-width chars (U+200B–200D, U+2060, U+00AD soft hyphen, U+180E), other
//!   invisible format chars (U+2061–2064, U+206A–206F) and tatweel U+0640 are removed;
//! - Arabic presentation forms (U+FB50–FDFF, U+FE70–FEFF) become base letters
//!   (NFKC of just those chars, so lam-alef ligatures become two letters);
//! - `·` `•` U+2219 U+30FB (and U+0387) become `.`;
//! - every Unicode space (tab, NBSP, U+2000–200A, …) collapses with its
//!   neighbours into one ASCII space; `\r\n`, `\r`, `\n`, VT, FF, U+0085,
//!   U+2028, U+2029 end a line; lines are trimmed, empty lines dropped, lines
//!   joined with `\n`;
//! - other control chars are dropped;
//! - the result is NFC: runs of combining marks that are not already in NFC
//!   (decomposed hamza, shadda before fatha, …) are normalised in place.
//!
//! Diacritics are kept. Every output byte's origin is the input byte offset of
//! the char that produced it (an NFC-normalised run keeps per-char origins when
//! its length in chars is unchanged, else every char gets the run's first origin).

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::mapped::{Builder, MappedText};

/// What one input char does.
enum Class {
    /// Dropped.
    Drop,
    /// Horizontal whitespace.
    Space,
    /// Line break.
    Newline,
    /// A starter that never composes with what precedes it (NFC_QC=Yes, ccc=0).
    Starter(char),
    /// A combining mark or a char that may compose/decompose under NFC.
    Mark(char),
    /// Presentation form: replace by its NFKC mapping.
    Compat(char),
}

#[inline]
fn is_removed(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{0640}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}')
}

#[inline]
fn is_arabic_mark(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06DC}' | '\u{06DF}'..='\u{06E4}' | '\u{06E7}' | '\u{06E8}' | '\u{06EA}'..='\u{06ED}')
}

#[inline]
fn classify(c: char) -> Class {
    let u = c as u32;
    if (0x0600..=0x06FF).contains(&u) {
        return if c == '\u{0640}' || c == '\u{061C}' {
            Class::Drop
        } else if is_arabic_mark(c) {
            Class::Mark(c)
        } else {
            Class::Starter(c)
        };
    }
    if u < 0xA0 {
        return match c {
            ' ' | '\t' => Class::Space,
            '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' => Class::Newline,
            c if c.is_control() => Class::Drop,
            c => Class::Starter(c),
        };
    }
    if is_removed(c) {
        return Class::Drop;
    }
    match c {
        '\u{2028}' | '\u{2029}' => return Class::Newline,
        '\u{00B7}' | '\u{0387}' | '\u{2022}' | '\u{2219}' | '\u{30FB}' => {
            return Class::Starter('.')
        }
        '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFE}' => return Class::Compat(c),
        _ => {}
    }
    if c.is_whitespace() {
        return Class::Space;
    }
    if c.is_control() {
        return Class::Drop;
    }
    if canonical_combining_class(c) == 0 && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes {
        Class::Starter(c)
    } else {
        Class::Mark(c)
    }
}

struct Cleaner {
    b: Builder,
    /// A content char has been written on the current output line.
    line_has_content: bool,
    /// Origin of a pending space (only set when the line has content).
    pending_space: Option<usize>,
    /// Origin of a pending newline (only set when the output has content).
    pending_newline: Option<usize>,
    /// Source origins of the chars of the current NFC run (a starter and the
    /// marks after it); the run is the last `run.len()` chars of the output.
    run: Vec<usize>,
    /// Combining class of the last char of the run.
    last_ccc: u8,
    /// The current run may not be NFC.
    dirty: bool,
    scratch: String,
}

impl Cleaner {
    fn new(n: usize) -> Self {
        Cleaner {
            b: Builder::with_capacity(n),
            line_has_content: false,
            pending_space: None,
            pending_newline: None,
            run: Vec::with_capacity(16),
            last_ccc: 0,
            dirty: false,
            scratch: String::new(),
        }
    }

    /// Write pending separators before a content char.
    #[inline]
    fn separators(&mut self) {
        if let Some(o) = self.pending_newline.take() {
            self.b.push('\n', o);
            self.pending_space = None;
        } else if let Some(o) = self.pending_space.take() {
            self.b.push(' ', o);
        }
    }

    #[inline]
    fn starter(&mut self, c: char, src: usize) {
        if self.dirty {
            self.flush_run();
        }
        self.separators();
        self.run.clear();
        self.run.push(src);
        self.last_ccc = 0;
        self.b.push(c, src);
        self.line_has_content = true;
    }

    fn mark(&mut self, c: char, src: usize) {
        if !self.line_has_content || self.pending_space.is_some() || self.pending_newline.is_some()
        {
            // A mark after a separator starts a new run.
            if self.dirty {
                self.flush_run();
            }
            self.separators();
            self.run.clear();
            self.last_ccc = 0;
        }
        let ccc = canonical_combining_class(c);
        if (ccc != 0 && ccc < self.last_ccc)
            || is_nfc_quick(std::iter::once(c)) != IsNormalized::Yes
            || (ccc == 0 && !self.run.is_empty())
        {
            self.dirty = true;
        }
        if ccc != 0 {
            self.last_ccc = ccc;
        }
        self.run.push(src);
        self.b.push(c, src);
        self.line_has_content = true;
    }

    #[inline]
    fn space(&mut self, src: usize) {
        if self.line_has_content && self.pending_space.is_none() {
            self.pending_space = Some(src);
        }
    }

    #[inline]
    fn newline(&mut self, src: usize) {
        if self.line_has_content {
            if self.dirty {
                self.flush_run();
            }
            self.pending_space = None;
            self.pending_newline = Some(src);
            self.line_has_content = false;
        }
    }

    /// Presentation form: feed the chars of its NFKC mapping.
    #[cold]
    fn compat(&mut self, c: char, src: usize) {
        let mapped: String = std::iter::once(c).nfkc().collect();
        for d in mapped.chars() {
            self.feed_mapped(d, src);
        }
    }

    fn feed_mapped(&mut self, d: char, src: usize) {
        match classify(d) {
            Class::Drop => {}
            Class::Space => self.space(src),
            Class::Newline => self.newline(src),
            Class::Starter(d) => self.starter(d, src),
            Class::Mark(d) => self.mark(d, src),
            // NFKC output is never a presentation form; keep it as is.
            Class::Compat(d) => self.starter(d, src),
        }
    }

    #[inline]
    fn feed(&mut self, c: char, src: usize) {
        match classify(c) {
            Class::Drop => {}
            Class::Space => self.space(src),
            Class::Newline => self.newline(src),
            Class::Starter(c) => self.starter(c, src),
            Class::Mark(c) => self.mark(c, src),
            Class::Compat(c) => self.compat(c, src),
        }
    }

    /// Re-normalise the current run (the last `run.len()` output chars) to NFC.
    #[cold]
    fn flush_run(&mut self) {
        self.dirty = false;
        let n_in = self.run.len();
        if n_in == 0 {
            return;
        }
        let text = self.b.text();
        let start = text
            .char_indices()
            .rev()
            .nth(n_in - 1)
            .map(|(i, _)| i)
            .unwrap_or(0);
        let text = &text[start..];
        if is_nfc_quick(text.chars()) == IsNormalized::Yes {
            return;
        }
        self.scratch.clear();
        self.scratch.extend(text.nfc());
        let remove = std::cell::Cell::new(n_in);
        self.b.trim_end_matches(|_| {
            let r = remove.get();
            remove.set(r.saturating_sub(1));
            r > 0
        });
        let n_out = self.scratch.chars().count();
        let first = self.run[0];
        for (k, c) in self.scratch.chars().enumerate() {
            let o = if n_out == n_in { self.run[k] } else { first };
            self.b.push(c, o);
        }
        // A run reused positionally keeps its origins non-decreasing; the run
        // is complete here (a starter, separator or the end follows).
        self.run.clear();
    }

    fn finish(mut self, end: usize) -> MappedText {
        if self.dirty {
            self.flush_run();
        }
        self.b.finish(end)
    }
}

/// For the chars U+0600..U+06FF (indexed by their low 8 bits): whether
/// [`classify`] makes them a [`Class::Starter`] of themselves.
const AR_STARTER: [bool; 256] = {
    let mut t = [false; 256];
    let mut k = 0;
    while k < 256 {
        let u = 0x0600 + k as u32;
        t[k] = !matches!(u, 0x0640 | 0x061C)
            && !matches!(u, 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06DC | 0x06DF..=0x06E4 | 0x06E7 | 0x06E8 | 0x06EA..=0x06ED);
        k += 1;
    }
    t
};

/// Byte length of the char at `bytes[i]` if it is a starter that is copied
/// as is (printable ASCII other than space, or a [`AR_STARTER`] char), else 0.
#[inline(always)]
fn verbatim_len(bytes: &[u8], i: usize) -> usize {
    let b = bytes[i];
    if b.wrapping_sub(0x21) < 0x5E {
        1
    } else if b & 0xFC == 0xD8 {
        // A lead byte of a 2-byte sequence: a continuation byte follows.
        let k = (((b & 3) as usize) << 6) | (bytes[i + 1] & 0x3F) as usize;
        2 * AR_STARTER[k] as usize
    } else {
        0
    }
}

/// End of the run of verbatim starters ([`verbatim_len`]) with single
/// spaces between them that starts at `start` (a char boundary just after
/// such a starter): the run ends with a starter, never a space.
#[inline]
fn verbatim_run_end(bytes: &[u8], start: usize) -> usize {
    let n = bytes.len();
    let mut j = start;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        // 16 bytes at a time while the loads at `j - 1` and `j + 1` stay in
        // bounds. The test is conservative: it may stop before a verbatim
        // starter (the caller then handles it by the general path), never
        // after a char that is not one.
        // SAFETY: SSE2 is part of the x86-64 baseline; the loads read
        // `bytes[j - 1..j + 17]` with `j >= start >= 1` and `j + 17 <= n`.
        unsafe {
            let p = bytes.as_ptr();
            let sp = _mm_set1_epi8(0x20);
            let del = _mm_set1_epi8(0x7F);
            let hi_c = _mm_set1_epi8(-64); // 0xC0: continuation bytes are below (signed)
            let d8 = _mm_set1_epi8(0xD8u8 as i8);
            let d9 = _mm_set1_epi8(0xD9u8 as i8);
            let c90 = _mm_set1_epi8(0x90u8 as i8);
            let c8b = _mm_set1_epi8(0x8Bu8 as i8);
            let c80 = _mm_set1_epi8(0x80u8 as i8);
            let cb0 = _mm_set1_epi8(0xB0u8 as i8);
            let w0c = _mm_set1_epi8(0x0C);
            let w14 = _mm_set1_epi8(0x14);
            // `x <= m` for unsigned bytes.
            let le = |x: __m128i, m: __m128i| _mm_cmpeq_epi8(_mm_min_epu8(x, m), x);
            while j >= 1 && j + 17 <= n {
                let v = _mm_loadu_si128(p.add(j) as *const __m128i);
                let prev = _mm_loadu_si128(p.add(j - 1) as *const __m128i);
                let next = _mm_loadu_si128(p.add(j + 1) as *const __m128i);
                // Printable ASCII other than space (bytes >= 0x80 are negative).
                let ascii = _mm_andnot_si128(_mm_cmpeq_epi8(v, del), _mm_cmpgt_epi8(v, sp));
                // A space not followed by a space (what follows is checked
                // at its own position; see the fix-up below).
                let space = _mm_andnot_si128(_mm_cmpeq_epi8(next, sp), _mm_cmpeq_epi8(v, sp));
                // Leads of U+0600..U+067F, and continuation bytes after them
                // except those of U+0610..U+061C, U+0640, U+064B..U+065F, U+0670.
                let lead_d8d9 = _mm_or_si128(_mm_cmpeq_epi8(v, d8), _mm_cmpeq_epi8(v, d9));
                let cont = _mm_cmplt_epi8(v, hi_c);
                let after_d8 = _mm_cmpeq_epi8(prev, d8);
                let after_d9 = _mm_cmpeq_epi8(prev, d9);
                let bad_d8 = _mm_and_si128(after_d8, le(_mm_sub_epi8(v, c90), w0c));
                let bad_d9 = _mm_and_si128(
                    after_d9,
                    _mm_or_si128(
                        le(_mm_sub_epi8(v, c8b), w14),
                        _mm_or_si128(_mm_cmpeq_epi8(v, c80), _mm_cmpeq_epi8(v, cb0)),
                    ),
                );
                let cont_ok = _mm_andnot_si128(
                    _mm_or_si128(bad_d8, bad_d9),
                    _mm_and_si128(cont, _mm_or_si128(after_d8, after_d9)),
                );
                let ok = _mm_or_si128(_mm_or_si128(ascii, space), _mm_or_si128(lead_d8d9, cont_ok));
                let bad = !(_mm_movemask_epi8(ok) as u32) & 0xFFFF;
                if bad != 0 {
                    let mut t = j + bad.trailing_zeros() as usize;
                    // A lead whose continuation byte is not accepted.
                    if (bytes[t] as i8) < -64 {
                        t -= 1;
                    }
                    // A space before a char that is not accepted.
                    if t > start && bytes[t - 1] == b' ' {
                        t -= 1;
                    }
                    return t;
                }
                j += 16;
            }
        }
        // Back to a char boundary (the blocks may end inside a 2-byte char),
        // and before a final space (whose follower the loop below checks).
        if j < n && (bytes[j] as i8) < -64 {
            j -= 1;
        }
        if j > start && bytes[j - 1] == b' ' {
            j -= 1;
        }
    }
    while j < n {
        let b = bytes[j];
        if b.wrapping_sub(0x21) < 0x5E {
            j += 1;
        } else if b & 0xFC == 0xD8 {
            let k = (((b & 3) as usize) << 6) | (bytes[j + 1] & 0x3F) as usize;
            if !AR_STARTER[k] {
                break;
            }
            j += 2;
        } else if b == b' ' && j + 1 < n && verbatim_len(bytes, j + 1) != 0 {
            j += 1;
        } else {
            break;
        }
    }
    j
}

/// Clean raw input into display text with an offset map back to `input`.
pub fn clean(input: &str) -> MappedText {
    let bytes = input.as_bytes();
    let mut cl = Cleaner::new(input.len());
    let mut i = 0;
    let n = bytes.len();
    while i < n {
        let l = verbatim_len(bytes, i);
        if l != 0 {
            let c = input[i..].chars().next().unwrap_or('\u{FFFD}');
            cl.starter(c, i);
            // Fast path: a run of such starters, with single spaces between
            // them. After the first starter there is no pending separator and
            // the run is clean, so each further starter only appends and
            // restarts the NFC run, and a space followed by a starter is
            // written as is: the run is copied verbatim.
            let start = i + l;
            let j = verbatim_run_end(bytes, start);
            if j > start {
                cl.b.push_source_run(&input[start..j], start);
                // The last char of the run (1 or 2 bytes) starts the NFC run.
                let last = if bytes[j - 1] < 0x80 { j - 1 } else { j - 2 };
                cl.run.clear();
                cl.run.push(last);
            }
            i = j;
            continue;
        }
        let b = bytes[i];
        if b < 0x80 {
            match b {
                b' ' | b'\t' => cl.space(i),
                b'\n' | 0x0B | 0x0C => cl.newline(i),
                b'\r' => {
                    cl.newline(i);
                    if i + 1 < n && bytes[i + 1] == b'\n' {
                        i += 1;
                    }
                }
                0..=0x1F | 0x7F => {}
                _ => cl.starter(b as char, i),
            }
            i += 1;
            continue;
        }
        let c = input[i..].chars().next().unwrap_or('\u{FFFD}');
        cl.feed(c, i);
        i += c.len_utf8();
    }
    cl.finish(input.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn c(s: &str) -> String {
        clean(s).into_text()
    }

    #[test]
    fn table() {
        let cases: &[(&str, &str, &str)] = &[
            // (rule, input, expected)
            ("plain", "في موسكو", "في موسكو"),
            ("empty", "", ""),
            ("only spaces", " \t \u{00A0}\n\n ", ""),
            ("nfc hamza above", "\u{0627}\u{0654}نقرة", "أنقرة"),
            ("nfc hamza below", "\u{0627}\u{0655}سقاط", "إسقاط"),
            ("nfc madda", "\u{0627}\u{0653}تية", "آتية"),
            ("nfc waw hamza", "مس\u{0648}\u{0654}ول", "مسؤول"),
            (
                "nfc reorder shadda fatha",
                "فع\u{0651}\u{064E}ال",
                "فع\u{064E}\u{0651}ال",
            ),
            ("nfc latin", "cafe\u{0301}", "café"),
            ("diacritics kept", "هدفاً فعّال", "هدفاً فعّال"),
            ("lrm rlm", "a\u{200E}b\u{200F}c", "abc"),
            ("bidi embed", "\u{202B}نص\u{202C} \u{202A}x\u{202E}", "نص x"),
            (
                "bidi isolates",
                "\u{2066}a\u{2067}b\u{2068}c\u{2069}",
                "abc",
            ),
            ("alm", "\u{061C}١٢", "١٢"),
            ("bom", "\u{FEFF}سوريا", "سوريا"),
            (
                "zero width",
                "ab\u{200B}c\u{200C}d\u{200D}e\u{2060}f",
                "abcdef",
            ),
            ("soft hyphen", "co\u{00AD}op", "coop"),
            ("tatweel", "مــوسكو", "موسكو"),
            (
                "presentation isolated",
                "\u{FE8D}\u{FEDF}\u{FEAE}\u{FEE3}",
                "الرم",
            ),
            ("presentation FB", "\u{FB8E}", "ک"),
            ("lam alef", "\u{FEFB}", "لا"),
            ("lam alef hamza above", "\u{FEF7}", "لأ"),
            ("lam alef hamza below", "\u{FEF9}", "لإ"),
            ("lam alef madda", "\u{FEF5}", "لآ"),
            ("lam alef final", "\u{FEFC}", "لا"),
            ("dot middle", "a·b", "a.b"),
            ("dot bullet", "• بند", ". بند"),
            ("dot bullet operator", "\u{2219}x", ".x"),
            ("dot katakana", "x\u{30FB}y", "x.y"),
            (
                "spaces collapse",
                "a  \t b\u{00A0}\u{2003}c\u{3000}d",
                "a b c d",
            ),
            ("lines trimmed", "  a b  \n\t c \t", "a b\nc"),
            ("crlf", "a\r\nb\rc\nd", "a\nb\nc\nd"),
            (
                "unicode newlines",
                "a\u{2028}b\u{2029}c\u{85}d",
                "a\nb\nc\nd",
            ),
            ("empty lines dropped", "\n\na\n \n\n\u{200B}\nb\n\n", "a\nb"),
            (
                "controls dropped",
                "a\u{0}b\u{7}c\u{1B}d\u{7F}e\u{9F}f",
                "abcdef",
            ),
            ("vt ff newline", "a\u{0B}b\u{0C}c", "a\nb\nc"),
            ("removal before compose", "\u{0627}\u{200D}\u{0653}", "آ"),
            (
                "mark at line start",
                " \u{0651}\u{064E}x",
                "\u{064E}\u{0651}x",
            ),
            ("greek ano teleia", "a\u{0387}b", "a.b"),
        ];
        for (rule, input, want) in cases {
            assert_eq!(c(input), *want, "rule {rule}: {input:?}");
        }
    }

    #[test]
    fn origins_point_at_producing_chars() {
        let input = "\u{FEFF}  ab\u{0640}ج \r\n\u{FEFB}";
        let m = clean(input);
        assert_eq!(m.text(), "abج\nلا");
        let o = m.origins();
        assert_eq!(&o[..2], &[5, 6]); // a b after BOM (3 bytes) + 2 spaces
        assert_eq!(&o[2..4], &[9, 9]); // ج after tatweel
        assert_eq!(o[4], 12); // '\n' from '\r'
        assert_eq!(&o[5..9], &[14, 14, 14, 14]); // ligature
        assert_eq!(o[9], input.len() as u32);
    }

    #[test]
    fn nfc_reordered_run_keeps_positions() {
        let input = "ب\u{0651}\u{064E}";
        let m = clean(input);
        assert_eq!(m.text(), "ب\u{064E}\u{0651}");
        assert_eq!(m.origins(), &[0, 0, 2, 2, 4, 4, 6]);
    }

    /// [`clean`] without its fast paths: every char through [`Cleaner::feed`].
    fn clean_per_char(input: &str) -> MappedText {
        let mut cl = Cleaner::new(input.len());
        for (i, c) in input.char_indices() {
            cl.feed(c, i);
        }
        cl.finish(input.len())
    }

    #[test]
    fn fast_paths_match_per_char() {
        let cases = [
            "في موسكو قال الرئيس ، بلاتينيوم ٣٥٠ . \n x",
            "abcdefghijklmnop \nq",
            "abcdefghijklmnopq  r",
            "مرحبا بكم في هذا الموقع\u{064B}\u{0651} الجديد  جداً\u{0640}\u{0640}ا",
            "0123456789abcdeم\u{0653}xyz 0123456789 ۰۱۲ ڤ ٪ ؛ ؟ \u{06D6}",
        ];
        for s in cases {
            for k in 0..s.len() {
                if s.is_char_boundary(k) {
                    assert_eq!(clean(&s[k..]), clean_per_char(&s[k..]), "{:?}", &s[k..]);
                }
            }
        }
    }

    fn check_invariants(input: &str) -> Result<(), TestCaseError> {
        let m = clean(input);
        let o = m.origins();
        prop_assert_eq!(o.len(), m.text().len() + 1);
        for w in o.windows(2) {
            prop_assert!(w[0] <= w[1]);
        }
        for &x in o {
            prop_assert!(x as usize <= input.len());
            prop_assert!(input.is_char_boundary(x as usize));
        }
        let again = clean(m.text());
        prop_assert_eq!(again.text(), m.text());
        Ok(())
    }

    fn messy() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "a", "Z", "5", " ", "\t", "\n", "\r", "\r\n", "\u{A0}", "\u{2003}", "\u{2028}",
            "\u{85}", "\u{0}", "\u{7}", "\u{9F}", "\u{200B}", "\u{200D}", "\u{200E}", "\u{202B}",
            "\u{2066}", "\u{FEFF}", "\u{AD}", "\u{640}", "\u{61C}", "ا", "ل", "و", "ة", "\u{064E}",
            "\u{0651}", "\u{0653}", "\u{0654}", "\u{0655}", "\u{0670}", "\u{0301}", "\u{0327}",
            "\u{FEFB}", "\u{FEF7}", "\u{FE8D}", "\u{FC5E}", "\u{FE70}", "\u{FDFA}", "\u{FDF2}",
            "·", "•", "\u{387}", "\u{1100}", "\u{1161}", "\u{11A8}", "\u{0958}", "\u{2126}",
            "\u{2000}", ".", "«", "é",
        ]);
        prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn invariants_messy(s in messy()) {
            check_invariants(&s)?;
        }

        #[test]
        fn fast_paths_match_per_char_messy(v in prop::collection::vec(prop::sample::select(vec![
            "a", "Z", "5", ".", " ", "  ", "\t", "\n", "\r\n", "\u{A0}", "\u{7F}", "\u{0}", "ا", "ل", "و",
            "ة", "م", "ي", "ـ", "\u{064B}", "\u{064E}", "\u{0651}", "\u{0653}", "\u{0654}",
            "\u{0670}", "\u{061C}", "\u{0610}", "؛", "،", "٣", "ڤ", "۰", "\u{06D6}", "\u{06E5}",
            "\u{0301}", "é", "«", "\u{200F}", "\u{FEFB}", "في موسكو ", "abcdefgh",
        ]), 0..60)) {
            let s = v.concat();
            prop_assert_eq!(clean(&s), clean_per_char(&s));
        }

        #[test]
        fn fast_paths_match_per_char_arbitrary(s in any::<String>()) {
            prop_assert_eq!(clean(&s), clean_per_char(&s));
        }

        #[test]
        fn fast_paths_match_per_char_arabic(s in "[\u{0600}-\u{06FF} a-z.\n]{0,80}") {
            prop_assert_eq!(clean(&s), clean_per_char(&s));
        }

        #[test]
        fn invariants_arbitrary(s in any::<String>()) {
            check_invariants(&s)?;
        }

        #[test]
        fn invariants_arabic_range(s in "[\u{0600}-\u{06FF}\u{FB50}-\u{FDFF}\u{FE70}-\u{FEFF}\u{0300}-\u{036F} \n\r\t]{0,40}") {
            check_invariants(&s)?;
        }
    }
}
