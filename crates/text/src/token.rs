//! Tokenisation with lexicon-driven clitic segmentation.
//!
//! Tokens: Arabic words (letters + diacritics), Latin words, numbers (`3.5`,
//! `1,000`, Arabic-Indic digits, `٫` `٬` separators), punctuation and symbols
//! (one char each). Every token carries its match form (`norm`) and, for Arabic
//! words, a clitic segmentation:
//!
//! `[و|ف] [ب|ل|ك|س] [ال] STEM [pronoun]` where `س` (future) only precedes an
//! imperfect prefix ي ت ن ا, the article of `لل` is the second ل
//! (`للرئيس` = ل + ل + رئيس), and pronouns are ه ها هم هما هن ك كم كما كن نا ي ني
//! (not after the article). A segmentation is used only when the lexicon
//! supports it (see [`segment_norm`]): the stem is a known word, and every
//! known intermediate form (e.g. `وزير` for `و+زير`) is not much more
//! frequent than the stem, so real words are not cut.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, Range};
use std::sync::OnceLock;

use crate::data;
use crate::lexicon::{FxBuild, FxHasher, Lexicon};
use crate::matchform::{is_diacritic, match_char, push_match_form};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Arabic,
    Latin,
    Number,
    Punct,
    Symbol,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SegKind {
    /// و ف
    Conj,
    /// ب ل ك
    Prep,
    /// س (future)
    Future,
    /// ال (also the ل of لل)
    Article,
    #[default]
    Stem,
    /// attached pronoun: ه ها هم هما هن ك كم كما كن نا ي ني
    Pronoun,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Segment {
    pub start: usize,
    pub end: usize,
    pub kind: SegKind,
}

/// Maximum number of segments of one token (conj + prep + article + stem + pronoun).
pub const MAX_SEGMENTS: usize = 5;

/// A token's segments: a fixed-size inline list (no allocation) of
/// contiguous byte spans, each starting where the one before it ends. Stored
/// compactly (offsets as `u32`: texts are shorter than 4 GiB, as for
/// [`crate::MappedText`]); [`Segments::iter`] and [`Segments::get`] give
/// [`Segment`]s by value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Segments {
    /// Start of the first segment.
    start: u32,
    /// End of each segment (the first `len`; the rest are 0).
    ends: [u32; MAX_SEGMENTS],
    /// Kind of each segment: 3 bits per segment (codes of [`kind_code`];
    /// the rest are 0).
    kinds: u16,
    len: u8,
}

impl Segments {
    pub fn new() -> Self {
        Segments {
            start: 0,
            ends: [0; MAX_SEGMENTS],
            kinds: 0,
            len: 0,
        }
    }

    /// Append a segment (ignored beyond [`MAX_SEGMENTS`]). It must start
    /// where the last one ends.
    pub fn push(&mut self, s: Segment) {
        let n = self.len as usize;
        if n < MAX_SEGMENTS {
            debug_assert!(n == 0 || self.ends[n - 1] as usize == s.start);
            if n == 0 {
                self.start = s.start as u32;
            }
            self.ends[n] = s.end as u32;
            self.kinds |= (kind_code(s.kind) as u16) << (3 * n);
            self.len += 1;
        }
    }

    pub fn one(start: usize, end: usize, kind: SegKind) -> Self {
        Segments {
            start: start as u32,
            ends: [end as u32, 0, 0, 0, 0],
            kinds: kind_code(kind) as u16,
            len: 1,
        }
    }

    /// Number of segments.
    #[inline]
    pub fn len(&self) -> usize {
        self.len as usize
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Segment `i`, if any.
    #[inline]
    pub fn get(&self, i: usize) -> Option<Segment> {
        if i >= self.len as usize {
            return None;
        }
        Some(Segment {
            start: if i == 0 { self.start } else { self.ends[i - 1] } as usize,
            end: self.ends[i] as usize,
            kind: kind_from_code(((self.kinds >> (3 * i)) & 7) as u8),
        })
    }

    pub fn first(&self) -> Option<Segment> {
        self.get(0)
    }

    pub fn last(&self) -> Option<Segment> {
        self.get((self.len as usize).wrapping_sub(1))
    }

    /// The segments in order.
    #[inline]
    pub fn iter(&self) -> SegmentsIter<'_> {
        SegmentsIter {
            segs: self,
            front: 0,
            back: self.len as usize,
        }
    }

    pub fn to_vec(&self) -> Vec<Segment> {
        self.iter().collect()
    }
}

impl Default for Segments {
    fn default() -> Self {
        Segments::new()
    }
}

impl fmt::Debug for Segments {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a Segments {
    type Item = Segment;
    type IntoIter = SegmentsIter<'a>;
    fn into_iter(self) -> SegmentsIter<'a> {
        self.iter()
    }
}

/// Iterator over [`Segments`] (by value).
#[derive(Clone)]
pub struct SegmentsIter<'a> {
    segs: &'a Segments,
    front: usize,
    back: usize,
}

impl Iterator for SegmentsIter<'_> {
    type Item = Segment;
    #[inline]
    fn next(&mut self) -> Option<Segment> {
        if self.front >= self.back {
            return None;
        }
        self.front += 1;
        self.segs.get(self.front - 1)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for SegmentsIter<'_> {
    fn next_back(&mut self) -> Option<Segment> {
        if self.front >= self.back {
            return None;
        }
        self.back -= 1;
        self.segs.get(self.back)
    }
}

impl ExactSizeIterator for SegmentsIter<'_> {}

/// Inline capacity of [`Norm`] in bytes (11 Arabic letters).
const NORM_INLINE: usize = 22;

/// A token's match form: a small immutable string stored inline (no
/// allocation) when it is at most 22 bytes long. Derefs to `str`; compares,
/// hashes and prints like its `str`.
#[derive(Clone)]
pub struct Norm(NormRepr);

#[derive(Clone)]
enum NormRepr {
    Inline { len: u8, buf: [u8; NORM_INLINE] },
    Heap(Box<str>),
}

impl Norm {
    /// The match form as a string slice.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Always a copy of a whole `&str` (see `From<&str>`), so valid UTF-8.
            NormRepr::Inline { len, buf } => {
                // SAFETY: `buf[..len]` is always a byte-for-byte copy of a
                // whole `&str` (`From<&str>`) or a concatenation of whole
                // UTF-8 encoded chars (`arabic_token`), so it is valid UTF-8; re-validating on every access cost ~4 % of
                // the whole pipeline.
                unsafe { std::str::from_utf8_unchecked(&buf[..*len as usize]) }
            }
            NormRepr::Heap(b) => b,
        }
    }
}

impl From<&str> for Norm {
    #[inline]
    fn from(s: &str) -> Norm {
        if s.len() <= NORM_INLINE {
            let mut buf = [0u8; NORM_INLINE];
            buf[..s.len()].copy_from_slice(s.as_bytes());
            Norm(NormRepr::Inline {
                len: s.len() as u8,
                buf,
            })
        } else {
            Norm(NormRepr::Heap(s.into()))
        }
    }
}

impl From<String> for Norm {
    fn from(s: String) -> Norm {
        if s.len() <= NORM_INLINE {
            Norm::from(s.as_str())
        } else {
            Norm(NormRepr::Heap(s.into_boxed_str()))
        }
    }
}

impl From<Norm> for String {
    fn from(n: Norm) -> String {
        match n.0 {
            NormRepr::Heap(b) => b.into_string(),
            NormRepr::Inline { .. } => n.as_str().to_string(),
        }
    }
}

impl Default for Norm {
    fn default() -> Norm {
        Norm::from("")
    }
}

impl Deref for Norm {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Norm {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Norm {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Norm {
    fn eq(&self, o: &Norm) -> bool {
        self.as_str() == o.as_str()
    }
}

impl Eq for Norm {}

impl PartialOrd for Norm {
    fn partial_cmp(&self, o: &Norm) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Norm {
    fn cmp(&self, o: &Norm) -> std::cmp::Ordering {
        self.as_str().cmp(o.as_str())
    }
}

impl Hash for Norm {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

impl PartialEq<str> for Norm {
    fn eq(&self, o: &str) -> bool {
        self.as_str() == o
    }
}

impl PartialEq<&str> for Norm {
    fn eq(&self, o: &&str) -> bool {
        self.as_str() == *o
    }
}

impl PartialEq<String> for Norm {
    fn eq(&self, o: &String) -> bool {
        self.as_str() == o.as_str()
    }
}

impl PartialEq<Norm> for str {
    fn eq(&self, o: &Norm) -> bool {
        self == o.as_str()
    }
}

impl PartialEq<Norm> for &str {
    fn eq(&self, o: &Norm) -> bool {
        *self == o.as_str()
    }
}

impl PartialEq<Norm> for String {
    fn eq(&self, o: &Norm) -> bool {
        self.as_str() == o.as_str()
    }
}

impl fmt::Debug for Norm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Norm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte span in the display text.
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
    /// Index of the sentence containing the token.
    pub sentence: usize,
    /// Match form of the whole token (derefs to `str`; see also [`Token::norm`]).
    pub norm: Norm,
    /// Clitic segmentation (byte spans in display text, contiguous, covering
    /// the token); one Stem segment when unsegmented.
    pub segments: Segments,
    /// The stem ends in ت that is a ة before a pronoun (`طائرتها` → `طائرة`):
    /// [`Token::stem_norm`] restores the ة (as `ه`).
    pub stem_ta_marbuta: bool,
}

impl Token {
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }

    /// Match form of the whole token.
    #[inline]
    pub fn norm(&self) -> &str {
        self.norm.as_str()
    }

    /// The Stem segment (the whole token when unsegmented).
    pub fn stem_segment(&self) -> Segment {
        self.segments
            .iter()
            .find(|s| s.kind == SegKind::Stem)
            .unwrap_or(Segment {
                start: self.start,
                end: self.end,
                kind: SegKind::Stem,
            })
    }

    /// Display text of the stem (`text` is the display text the token came from).
    pub fn stem<'t>(&self, text: &'t str) -> &'t str {
        let s = self.stem_segment();
        &text[s.start..s.end]
    }

    /// Display text of the article + stem (`والرئيس` → `الرئيس`; `للرئيس` → `لرئيس`),
    /// i.e. the token without conjunction, preposition, future and pronoun.
    pub fn base<'t>(&self, text: &'t str) -> &'t str {
        let stem = self.stem_segment();
        let start = self
            .segments
            .iter()
            .find(|s| s.kind == SegKind::Article)
            .map_or(stem.start, |s| s.start);
        &text[start..stem.end]
    }

    /// Match form of the stem (with ة restored, see [`Token::stem_ta_marbuta`]).
    pub fn stem_norm(&self, text: &str) -> String {
        let mut out = String::new();
        push_match_form(self.stem(text), &mut out);
        if self.stem_ta_marbuta && out.ends_with('ت') {
            out.pop();
            out.push('ه');
        }
        out
    }

    /// Match form of the stem with the article (`ال` + stem) when the token has
    /// one, else of the stem (`وللرئيس` → `الرييس`).
    pub fn base_norm(&self, text: &str) -> String {
        let stem = self.stem_norm(text);
        if self.segments.iter().any(|s| s.kind == SegKind::Article) {
            let mut out = String::with_capacity(stem.len() + 4);
            out.push_str("ال");
            out.push_str(&stem);
            out
        } else {
            stem
        }
    }

    /// Whether the token has a clitic of kind `k`.
    pub fn has(&self, k: SegKind) -> bool {
        self.segments.iter().any(|s| s.kind == k)
    }
}

// ---------------------------------------------------------------------------
// Clitic segmentation of a match form.

/// A segmentation of a match form: parts as (kind, length in chars of the match form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Split {
    pub parts: [(SegKind, u8); MAX_SEGMENTS],
    pub n: u8,
    /// See [`Token::stem_ta_marbuta`].
    pub stem_ta_marbuta: bool,
}

impl Split {
    fn whole(chars: usize) -> Split {
        let mut s = Split::default();
        s.parts[0] = (SegKind::Stem, chars.min(255) as u8);
        s.n = 1;
        s
    }

    pub fn parts(&self) -> &[(SegKind, u8)] {
        &self.parts[..self.n as usize]
    }

    pub fn is_whole(&self) -> bool {
        self.n <= 1
    }
}

/// Tolerance (cB) for clitics: the base (stem, or article + stem) may be up to
/// this much rarer than a known form that includes the clitic. Clitic forms are
/// typically ~100 cB rarer than their base (وتركيا 480 vs تركيا 378: split);
/// real words are more frequent than the would-be stem (وزير 362 vs زير 577,
/// فكرة 380 vs كرة 430: keep).
const T_PROCLITIC: i32 = 0;
/// Tolerance for the article against the bare stem (الجزائر 392 vs جزائر 612).
const T_ARTICLE: i32 = 230;
/// Tolerance for ب ل ك (بعيد 4xx vs عيد: keep; بروسيا 536 vs روسيا 375: split).
const T_PREP: i32 = -50;
/// Tolerance for the common pronouns ه ها هم هما هن نا.
const T_PRONOUN: i32 = 0;

const PRONOUNS: [&str; 12] = [
    "هما", "كما", "هم", "هن", "ها", "كم", "كن", "نا", "ني", "ه", "ك", "ي",
];

/// Pronouns rare in news that collide with word endings (nisba ي, هناك…):
/// stripped only when the whole word is unknown.
fn rare_pronoun(p: &str) -> bool {
    matches!(p, "ي" | "ني" | "ك" | "كم" | "كما" | "كن" | "هن")
}

fn exceptions() -> &'static HashSet<String, FxBuild> {
    static E: OnceLock<HashSet<String, FxBuild>> = OnceLock::new();
    E.get_or_init(|| {
        let (f, t) = data::CLITIC_EXCEPTIONS_TXT;
        data::word_list(f, t)
            .unwrap_or_else(|e| panic!("built-in data is invalid (a build defect): {e}"))
            .into_iter()
            .collect()
    })
}

const MAX_CHARS: usize = 40;

/// Segmentation key of a display word: its match form except that `ة` and the
/// hamza alefs `أإآ` are kept (a final ة is never the pronoun ه; آ/أ never
/// start the article).
pub fn push_seg_key(word: &str, out: &mut String) {
    for c in word.chars() {
        if matches!(c, 'ة' | 'أ' | 'إ' | 'آ') {
            out.push(c);
        } else if let Some(m) = match_char(c) {
            out.push(m);
        }
    }
}

#[inline]
fn key_to_match(c: char) -> char {
    match c {
        'ة' => 'ه',
        'أ' | 'إ' | 'آ' => 'ا',
        c => c,
    }
}

/// Segment a word given as a segmentation key ([`push_seg_key`]; a plain match
/// form works too but cannot tell ة from ه). No caching. Returns
/// [`Split::whole`] unless the lexicon supports a split.
pub fn segment_norm(w: &str, lex: &Lexicon) -> Split {
    // Byte offsets of chars.
    let mut offs = [0usize; MAX_CHARS + 1];
    let mut chars = ['\0'; MAX_CHARS];
    let mut n = 0;
    for (i, c) in w.char_indices() {
        if n == MAX_CHARS {
            return Split::whole(w.chars().count());
        }
        offs[n] = i;
        chars[n] = c;
        n += 1;
    }
    offs[n] = w.len();
    let whole = Split::whole(n);
    if n < 3 {
        return whole;
    }
    // The match form of `w` (what the lexicon and the exceptions are keyed
    // by): `key_to_match` maps 2-byte chars to 2-byte chars, so it has the
    // same byte offsets and every substring of `w` maps to the same range.
    let owned: String;
    let mf: &str = if chars[..n].iter().any(|&c| key_to_match(c) != c) {
        owned = chars[..n].iter().map(|&c| key_to_match(c)).collect();
        &owned
    } else {
        w
    };
    let exc = exceptions();
    if exc.contains(mf) {
        return whole;
    }
    // Which pronouns `w` ends with.
    let mut suf_ok = [false; PRONOUNS.len()];
    for (ok, p) in suf_ok.iter_mut().zip(PRONOUNS) {
        *ok = w.ends_with(p);
    }
    // Fetch ahead what the lexicon lookups below are likely to read (the
    // substrings from the starts of possible clitic prefixes to the ends
    // before possible pronouns), so their cache misses overlap.
    {
        let mut starts = 1u8; // bit a: start at char a
        if matches!(chars[0], 'و' | 'ف') {
            starts |= 2;
        }
        for p1 in [0, 1] {
            if starts & (1 << p1) == 0 {
                continue;
            }
            let prep = matches!(chars[p1], 'ب' | 'ل' | 'ك' | 'س');
            for p2 in [p1, p1 + 1] {
                if p2 > p1 && !prep {
                    continue;
                }
                starts |= 1 << p2;
                if p2 + 1 < n && chars[p2] == 'ا' && chars[p2 + 1] == 'ل' {
                    starts |= 1 << (p2 + 2);
                }
                if p2 > p1 && chars[p1] == 'ل' && chars[p2] == 'ل' {
                    starts |= 1 << (p2 + 1);
                }
            }
        }
        let mut ends = 1u8; // bit d: end d chars before the end
        for (ok, p) in suf_ok.iter().zip(PRONOUNS) {
            if *ok {
                ends |= 1 << (p.len() / 2);
            }
        }
        for a in 0..5 {
            for d in 0..4 {
                if starts & (1 << a) != 0 && ends & (1 << d) != 0 && n >= a + d + 2 {
                    lex.prefetch(&mf[offs[a]..offs[n - d]]);
                }
            }
        }
    }
    // Lexicon lookups of `w[offs[a]..offs[b]]`, memoised for a ≤ 4, n - b ≤ 3
    // (every substring looked up below): i32::MIN unknown yet, -1 absent.
    let mut memo = [i32::MIN; 20];
    let mut cb_range = |a: usize, b: usize| -> Option<i32> {
        let look = || lex.cb(&mf[offs[a]..offs[b]]).map_or(-1, |v| v as i32);
        let v = if a <= 4 && n - b <= 3 {
            let slot = &mut memo[a * 4 + (n - b)];
            if *slot == i32::MIN {
                *slot = look();
            }
            *slot
        } else {
            look()
        };
        (v >= 0).then_some(v)
    };
    // Exceptions among the suffixes `w[offs[s]..]`, memoised for s ≤ 4.
    let mut exc_memo = [None::<bool>; 5];
    let mut is_exc_from = |s: usize| -> bool {
        if s <= 4 {
            *exc_memo[s].get_or_insert_with(|| exc.contains(&mf[offs[s]..]))
        } else {
            exc.contains(&mf[offs[s]..])
        }
    };
    let whole_known = cb_range(0, n).is_some();
    // The suffix choices: none (0), then each pronoun `w` ends with (index + 1).
    let mut sufs = [0usize; PRONOUNS.len() + 1];
    let mut n_sufs = 1;
    for (i, ok) in suf_ok.iter().enumerate() {
        if *ok {
            sufs[n_sufs] = i + 1;
            n_sufs += 1;
        }
    }

    let mut best: Option<(usize, i32, Split)> = None;
    let mut buf = String::new();
    let mut bbuf = String::new();

    let conjs: [Option<char>; 3] = [None, Some('و'), Some('ف')];
    for conj in conjs {
        let p1 = match conj {
            None => 0,
            Some(c) if chars[0] == c => 1,
            _ => continue,
        };
        for prep in [None, Some('ب'), Some('ل'), Some('ك'), Some('س')] {
            let p2 = match prep {
                None => p1,
                Some(c) if p1 < n && chars[p1] == c => p1 + 1,
                _ => continue,
            };
            // article: 0 none, 2 = "ال", 1 = the ل of لل
            for art in [0usize, 2, 1] {
                let ok = match art {
                    0 => true,
                    2 => {
                        prep != Some('ل')
                            && prep != Some('س')
                            && p2 + 1 < n
                            && chars[p2] == 'ا'
                            && chars[p2 + 1] == 'ل'
                    }
                    _ => prep == Some('ل') && p2 < n && chars[p2] == 'ل',
                };
                if !ok {
                    continue;
                }
                let p3 = p2 + art;
                for &si in &sufs[..n_sufs] {
                    let suf = if si == 0 { "" } else { PRONOUNS[si - 1] };
                    if si != 0 && art != 0 {
                        continue;
                    }
                    // Pronouns are 2-byte chars.
                    let suf_chars = suf.len() / 2;
                    let clitics = (conj.is_some() as usize)
                        + (prep.is_some() as usize)
                        + (art != 0) as usize
                        + (!suf.is_empty()) as usize;
                    if clitics == 0 {
                        continue;
                    }
                    if n < p3 + suf_chars + 2 {
                        continue;
                    }
                    let stem_end = n - suf_chars;
                    if prep == Some('س') && !matches!(chars[p3], 'ي' | 'ت' | 'ن' | 'أ') {
                        continue;
                    }
                    if matches!(prep, Some('ب' | 'ل' | 'ك')) && art == 0 {
                        // ب/ل/ك + a 2-letter stem is mostly a real word
                        // (باب، لدى، بدا); كا… likewise (كان، كامل، كأس).
                        if stem_end - p3 < 3
                            || (prep == Some('ك') && matches!(chars[p3], 'ا' | 'أ'))
                        {
                            continue;
                        }
                    }
                    if !suf.is_empty() && rare_pronoun(suf) && whole_known {
                        continue;
                    }
                    // Do not split inside an exception word.
                    if [0, p1, p2]
                        .iter()
                        .any(|&s| s > 0 && s < p3 && is_exc_from(s))
                    {
                        continue;
                    }
                    // The stem (with ة restored before a pronoun if needed),
                    // as a match form.
                    let key_stem = &w[offs[p3]..offs[stem_end]];
                    let mut ta = false;
                    let stem_cb = match cb_range(p3, stem_end) {
                        Some(v) => v,
                        None => {
                            if !suf.is_empty() && key_stem.ends_with('ت') && !key_stem.contains('ة')
                            {
                                buf.clear();
                                buf.push_str(&mf[offs[p3]..offs[stem_end] - 'ت'.len_utf8()]);
                                buf.push('ه');
                                match lex.cb(&buf) {
                                    Some(v) => {
                                        ta = true;
                                        v as i32
                                    }
                                    None => continue,
                                }
                            } else {
                                continue;
                            }
                        }
                    };
                    // The base: article + stem.
                    let base_start = if art != 0 { p2 } else { p3 };
                    let base_cb = if art == 2 && !ta {
                        cb_range(p2, stem_end)
                    } else if art != 0 {
                        bbuf.clear();
                        bbuf.push_str("ال");
                        bbuf.push_str(if ta {
                            &buf
                        } else {
                            &mf[offs[p3]..offs[stem_end]]
                        });
                        lex.cb(&bbuf).map(|v| v as i32)
                    } else {
                        None
                    };
                    if let Some(bc) = base_cb {
                        if stem_cb > bc + T_ARTICLE {
                            continue;
                        }
                    }
                    let eff = base_cb.unwrap_or(stem_cb);
                    // Every known intermediate form must not be much more
                    // frequent than the base.
                    let mut valid = true;
                    for &s in &[0, p1, p2, base_start] {
                        if s > base_start || (art == 1 && s == base_start) {
                            continue;
                        }
                        for e in [stem_end, n] {
                            if s == base_start && e == stem_end {
                                continue;
                            }
                            if let Some(fc) = cb_range(s, e) {
                                let mut t = if e == n && !suf.is_empty() {
                                    T_PRONOUN.min(T_PROCLITIC)
                                } else {
                                    T_PROCLITIC
                                };
                                if matches!(prep, Some('ب' | 'ل' | 'ك')) && s == p1 {
                                    t = t.min(T_PREP);
                                }
                                if eff > fc + t {
                                    valid = false;
                                }
                            }
                        }
                    }
                    if !valid {
                        continue;
                    }
                    let better = match &best {
                        None => true,
                        Some((bc, be, _)) => clitics > *bc || (clitics == *bc && eff < *be),
                    };
                    if better {
                        let mut sp = Split::default();
                        let mut push = |k: SegKind, len: usize| {
                            sp.parts[sp.n as usize] = (k, len.min(255) as u8);
                            sp.n += 1;
                        };
                        if conj.is_some() {
                            push(SegKind::Conj, 1);
                        }
                        match prep {
                            Some('س') => push(SegKind::Future, 1),
                            Some(_) => push(SegKind::Prep, 1),
                            None => {}
                        }
                        if art != 0 {
                            push(SegKind::Article, art);
                        }
                        push(SegKind::Stem, stem_end - p3);
                        if !suf.is_empty() {
                            push(SegKind::Pronoun, suf_chars);
                        }
                        sp.stem_ta_marbuta = ta;
                        best = Some((clitics, eff, sp));
                    }
                }
            }
        }
    }
    best.map_or(whole, |(_, _, s)| s)
}

/// Most chars of a [`SegKey`].
const SEG_KEY_CHARS: usize = 11;

/// A segmentation key of 1..=11 chars, all in U+0600..U+06FF (every key of
/// [`arabic_token`]), one byte per char (the low 8 bits of its code point):
/// the codes in bytes 0..11, the char count in byte 11, bytes 12..16 zero.
type SegKey = [u64; 2];

/// The [`SegKey`] of `w`, if it is such a key.
#[inline]
fn seg_key(w: &str) -> Option<SegKey> {
    crate::lexicon::pack_arabic(w.as_bytes(), SEG_KEY_CHARS)
}

/// The word of a [`SegKey`], as UTF-8 in a buffer (the first `len` bytes).
#[inline]
fn seg_key_word(key: &SegKey) -> ([u8; 2 * SEG_KEY_CHARS], usize) {
    let mut code = [0u8; 16];
    code[..8].copy_from_slice(&key[0].to_le_bytes());
    code[8..].copy_from_slice(&key[1].to_le_bytes());
    let n = (code[SEG_KEY_CHARS] as usize).min(SEG_KEY_CHARS);
    let mut b = [0u8; 2 * SEG_KEY_CHARS];
    for k in 0..n {
        b[2 * k] = 0xD8 | (code[k] >> 6);
        b[2 * k + 1] = 0x80 | (code[k] & 0x3F);
    }
    (b, 2 * n)
}

/// One slot of [`SegTable`]: a [`SegKey`] (all zero when free) with its
/// split packed by [`pack_split`] in the top 32 bits of the second word
/// (which a key leaves zero). 16 bytes: 4 slots per cache line, and the
/// whole table on half as many pages as with the keys as UTF-8.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
#[repr(C, align(16))]
struct Slot([u64; 2]);

impl Slot {
    #[inline]
    fn has_key(&self, key: &SegKey) -> bool {
        self.0[0] == key[0] && self.0[1] as u32 == key[1] as u32
    }

    #[inline]
    fn is_free(&self) -> bool {
        self.0 == [0; 2]
    }

    #[inline]
    fn key(&self) -> SegKey {
        [self.0[0], self.0[1] & 0xFFFF_FFFF]
    }

    #[inline]
    fn split(&self) -> u32 {
        (self.0[1] >> 32) as u32
    }
}

#[inline]
fn kind_from_code(c: u8) -> SegKind {
    match c {
        0 => SegKind::Conj,
        1 => SegKind::Prep,
        2 => SegKind::Future,
        3 => SegKind::Article,
        5 => SegKind::Pronoun,
        _ => SegKind::Stem,
    }
}

#[inline]
fn kind_code(k: SegKind) -> u64 {
    match k {
        SegKind::Conj => 0,
        SegKind::Prep => 1,
        SegKind::Future => 2,
        SegKind::Article => 3,
        SegKind::Stem => 4,
        SegKind::Pronoun => 5,
    }
}

/// A split packed in a `u32` (bits 7i..7i+7 for part `i` < 4: kind << 4 |
/// length; bits 28..31: n; bit 31: ta), or `None` when it has more than 4
/// parts or a part of 16 chars or more (never for a [`SegKey`]-sized word:
/// a pronoun excludes the article, so at most conj, prep, stem, pronoun or
/// conj, prep, article, stem).
#[inline]
fn pack_split(s: &Split) -> Option<u32> {
    if s.n > 4 {
        return None;
    }
    let mut v = 0u32;
    for (i, &(k, len)) in s.parts[..4].iter().enumerate() {
        if len >= 16 {
            return None;
        }
        let part = if i < s.n as usize {
            ((kind_code(k) as u32) << 4) | len as u32
        } else {
            0
        };
        v |= part << (7 * i);
    }
    v |= (s.n as u32) << 28;
    v |= (s.stem_ta_marbuta as u32) << 31;
    Some(v)
}

/// Unpack [`pack_split`] (the parts after the first `n` are `(Conj, 0)`).
#[inline]
fn unpack_split(v: u32) -> Split {
    let mut s = Split::default();
    for (i, p) in s.parts.iter_mut().enumerate() {
        let b = if i < 4 { (v >> (7 * i)) & 0x7F } else { 0 };
        *p = (kind_from_code((b >> 4) as u8), (b & 15) as u8);
    }
    s.n = ((v >> 28) & 7) as u8;
    s.stem_ta_marbuta = v >> 31 != 0;
    s
}

#[inline]
fn key_hash(w: &SegKey) -> u64 {
    let mut h = FxHasher::default();
    h.write_u64(w[0]);
    h.write_u64(w[1]);
    h.finish()
}

/// Hint the CPU to load the cache line at `p` (no effect elsewhere than x86-64).
#[inline(always)]
pub(crate) fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p as *const i8)
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Hint the CPU to load the cache line at `p` for writing.
#[inline(always)]
fn prefetch_write<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_ET0 }>(p as *const i8)
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// How many tokens ahead of the last one the output is prefetched.
const WRITE_AHEAD: usize = 16;

/// Open-addressing (linear probing) table of short-key splits.
#[derive(Default)]
struct SegTable {
    slots: Vec<Slot>,
    len: usize,
}

const TABLE_MIN: usize = 1 << 18;
/// At most 3/4 of this many entries (≈ 196 k) before the table is cleared.
const TABLE_MAX: usize = 1 << 18;

impl SegTable {
    #[inline]
    fn prefetch(&self, h: u64) {
        if !self.slots.is_empty() {
            let i = h as usize & (self.slots.len() - 1);
            prefetch(self.slots.as_ptr().wrapping_add(i));
        }
    }

    #[inline]
    fn get(&self, key: &SegKey, h: u64) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let m = self.slots.len() - 1;
        let mut i = h as usize & m;
        loop {
            let s = &self.slots[i];
            if s.has_key(key) {
                return Some(s.split());
            }
            if s.is_free() {
                return None;
            }
            i = (i + 1) & m;
        }
    }

    /// Insert (`key` must not be all zero).
    fn insert(&mut self, key: SegKey, h: u64, split: u32) {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            if self.slots.len() >= TABLE_MAX {
                self.clear();
            } else {
                self.grow();
            }
        }
        let m = self.slots.len() - 1;
        let mut i = h as usize & m;
        let slot = Slot([key[0], key[1] | (split as u64) << 32]);
        loop {
            let s = &mut self.slots[i];
            if s.is_free() {
                *s = slot;
                self.len += 1;
                return;
            }
            if s.has_key(&key) {
                *s = slot;
                return;
            }
            i = (i + 1) & m;
        }
    }

    fn grow(&mut self) {
        let n = (self.slots.len() * 2).max(TABLE_MIN);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); n]);
        self.len = 0;
        for s in old {
            if !s.is_free() {
                let key = s.key();
                self.insert(key, key_hash(&key), s.split());
            }
        }
    }

    fn clear(&mut self) {
        self.slots.fill(Slot::default());
        self.len = 0;
    }
}

/// Segmentation cache: short keys packed inline, longer ones boxed.
#[derive(Default)]
struct Cache {
    lex: usize,
    short: SegTable,
    long: HashMap<Box<str>, Split, FxBuild>,
    /// [`tokenize`]'s buffers, reused.
    scratch: Option<TokState>,
}

impl Cache {
    /// Forget every entry when `lex` is not the lexicon they were made with.
    #[inline]
    fn check_lex(&mut self, lex: &Lexicon) {
        let id = lex as *const Lexicon as usize;
        if self.lex != id {
            self.lex = id;
            self.short.clear();
            self.long.clear();
        }
    }

    /// A short key's split, computed on a miss.
    #[inline]
    fn short_split(&mut self, key: &SegKey, h: u64, lex: &Lexicon) -> Split {
        if let Some(v) = self.short.get(key, h) {
            return unpack_split(v);
        }
        let (b, len) = seg_key_word(key);
        let w = std::str::from_utf8(&b[..len]).unwrap_or_default();
        let s = segment_norm(w, lex);
        if let Some(v) = pack_split(&s) {
            self.short.insert(*key, h, v);
        }
        s
    }
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

const CACHE_MAX: usize = 200_000;

/// [`segment_norm`] through `cache` (keyed by lexicon identity).
#[inline]
fn segment_in(c: &mut Cache, w: &str, lex: &Lexicon) -> Split {
    c.check_lex(lex);
    match seg_key(w) {
        Some(key) => c.short_split(&key, key_hash(&key), lex),
        None => {
            if let Some(s) = c.long.get(w) {
                return *s;
            }
            let s = segment_norm(w, lex);
            if c.long.len() >= CACHE_MAX {
                c.long.clear();
            }
            c.long.insert(w.into(), s);
            s
        }
    }
}

/// [`segment_norm`] with a per-thread cache (keyed by lexicon identity).
pub fn segment_cached(w: &str, lex: &Lexicon) -> Split {
    CACHE.with(|c| segment_in(&mut c.borrow_mut(), w, lex))
}

/// Clitic split of one Arabic word given in display form: segments as byte
/// ranges of `word` (diacritics stay with the preceding letter's segment).
pub fn segment_word(word: &str, lex: &Lexicon) -> Vec<Segment> {
    let mut norm = String::new();
    push_seg_key(word, &mut norm);
    let sp = segment_cached(&norm, lex);
    map_split(word, 0, &sp, ar_table()).to_vec()
}

/// Map a split of the match form onto display text `tok` starting at byte `base`.
fn map_split(tok: &str, base: usize, sp: &Split, tab: &ArTable) -> Segments {
    if sp.is_whole() {
        return Segments::one(base, base + tok.len(), SegKind::Stem);
    }
    let mut segs = Segments::new();
    let parts = sp.parts();
    let mut part = 0;
    let mut left = parts[0].1 as usize;
    let mut seg_start = 0;
    let bytes = tok.as_bytes();
    let mut j = 0;
    while j < bytes.len() {
        // The char at `j` and whether it is kept in the match form.
        let i = j;
        let kept = match ar_index(bytes, j) {
            Some(k) => {
                j += 2;
                tab.norm[k] != '\0'
            }
            None => {
                let c = next_char(tok, j).unwrap();
                j += c.len_utf8();
                match_char(c).is_some()
            }
        };
        if !kept {
            continue;
        }
        if left == 0 && part + 1 < parts.len() {
            segs.push(Segment {
                start: base + seg_start,
                end: base + i,
                kind: parts[part].0,
            });
            part += 1;
            left = parts[part].1 as usize;
            seg_start = i;
        }
        left = left.saturating_sub(1);
    }
    segs.push(Segment {
        start: base + seg_start,
        end: base + tok.len(),
        kind: parts[part].0,
    });
    segs
}

// ---------------------------------------------------------------------------
// Tokenisation.

#[inline]
fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' | '\u{066E}'..='\u{06D3}' | '\u{06D5}' | '\u{06EE}' | '\u{06EF}' | '\u{06FA}'..='\u{06FC}' | '\u{06FF}' | '\u{0640}')
}

#[inline]
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}')
}

#[inline]
fn is_mark(c: char) -> bool {
    if (c as u32) < 0x300 {
        return false;
    }
    is_diacritic(c) || unicode_normalization::char::is_combining_mark(c)
}

#[inline]
fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation()
            && !matches!(c, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~');
    }
    matches!(c,
        '،' | '؛' | '؟' | '٪' | '٭' | '۔' | '«' | '»' | '¡' | '¿' | '§' | '¶' | '·'
        | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '\u{3001}'..='\u{3003}'
        | '\u{FD3E}' | '\u{FD3F}')
}

/// Byte length of the char starting at `i`.
#[inline]
fn next_char(s: &str, i: usize) -> Option<char> {
    s[i..].chars().next()
}

/// Per-char facts about U+0600..U+06FF (indexed by the low 8 bits).
struct ArTable {
    /// Bit [`AR_START`]: starts an Arabic token; bit [`AR_CONT`]: continues one.
    flags: [u8; 256],
    /// Match form ('\0' when dropped).
    norm: [char; 256],
    /// Segmentation-key form ('\0' when dropped).
    key: [char; 256],
    /// UTF-8 of `norm` and `key` (meaningful when the flag [`AR_SLOW`] is
    /// clear: both are 2 bytes long or dropped).
    norm16: [u16; 256],
    key16: [u16; 256],
    /// `norm16 | code << 16` with `code` the low 8 bits of the key char (0
    /// when dropped; meaningful when the flag [`AR_SLOW`] is clear).
    nk16: [u32; 256],
}

const AR_START: u8 = 1;
const AR_CONT: u8 = 2;
/// The match form is kept and is not 2 bytes long (digits).
const AR_SLOW: u8 = 4;
/// Not whitespace, an Arabic letter or diacritic, a digit or alphabetic: a
/// punctuation or symbol token.
const AR_SYM: u8 = 8;

fn ar_table() -> &'static ArTable {
    static T: OnceLock<ArTable> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = ArTable {
            flags: [0; 256],
            norm: ['\0'; 256],
            key: ['\0'; 256],
            norm16: [0; 256],
            key16: [0; 256],
            nk16: [0; 256],
        };
        for k in 0..256u32 {
            let c = char::from_u32(0x0600 + k).unwrap_or('\0');
            let mut f = 0;
            if is_arabic_letter(c) || is_diacritic(c) {
                f |= AR_START;
            }
            if is_arabic_letter(c) || is_mark(c) {
                f |= AR_CONT;
            }
            if f & AR_START == 0 && !c.is_whitespace() && !is_digit(c) && !c.is_alphabetic() {
                f |= AR_SYM;
            }
            if let Some(m) = match_char(c) {
                let kc = if matches!(c, 'ة' | 'أ' | 'إ' | 'آ') {
                    c
                } else {
                    m
                };
                t.norm[k as usize] = m;
                t.key[k as usize] = kc;
                if m.len_utf8() == 2 && kc.len_utf8() == 2 {
                    let mut b = [0u8; 2];
                    m.encode_utf8(&mut b);
                    t.norm16[k as usize] = u16::from_le_bytes(b);
                    kc.encode_utf8(&mut b);
                    t.key16[k as usize] = u16::from_le_bytes(b);
                    t.nk16[k as usize] = t.norm16[k as usize] as u32 | (kc as u32 & 0xFF) << 16;
                } else {
                    f |= AR_SLOW;
                }
            }
            t.flags[k as usize] = f;
        }
        t
    })
}

/// Index into [`ArTable`] of the 2-byte char at `bytes[i]` if it is in U+0600..U+06FF.
#[inline]
fn ar_index(bytes: &[u8], i: usize) -> Option<usize> {
    let b = bytes[i];
    if b & 0xFC == 0xD8 {
        // A lead byte of a 2-byte sequence: a continuation byte follows.
        Some((((b & 3) as usize) << 6) | (bytes[i + 1] & 0x3F) as usize)
    } else {
        None
    }
}

/// Clitics can only be cut from a key starting with one of و ف ب ل ك س ا or
/// ending with one of the pronoun finals ه ا م ن ي ك (and of ≥ 3 chars).
#[inline]
fn may_have_clitics(first: char, last: char, chars: usize) -> bool {
    chars >= 3
        && (matches!(first, 'و' | 'ف' | 'ب' | 'ل' | 'ك' | 'س' | 'ا')
            || matches!(last, 'ه' | 'ا' | 'م' | 'ن' | 'ي' | 'ك'))
}

pub fn tokenize(text: &str, sentences: &[Range<usize>], lex: &Lexicon) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 8);
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        cache.check_lex(lex);
        // Scratch buffers kept from call to call (no allocation per document).
        let mut st = cache.scratch.take().unwrap_or_else(|| TokState {
            key: String::with_capacity(64),
            norm: String::with_capacity(64),
            tab: ar_table(),
            pending: Vec::with_capacity(BATCH),
        });
        st.pending.clear();
        for (si, s) in sentences.iter().enumerate() {
            tokenize_span(text, s.clone(), si, lex, &mut st, &mut cache, &mut out);
        }
        resolve(text, lex, st.tab, &mut st.pending, &mut cache, &mut out);
        cache.scratch = Some(st);
    });
    out
}

struct TokState {
    key: String,
    norm: String,
    tab: &'static ArTable,
    /// Arabic tokens whose segmentation is still to be looked up.
    pending: Vec<Pending>,
}

/// A token (index into the output) whose short segmentation key is looked
/// up in a batch: the lookups' cache lines are prefetched when the tokens are
/// found, so the (often cold) table accesses overlap.
struct Pending {
    idx: usize,
    key: SegKey,
    hash: u64,
}

/// Tokens per batch of segmentation lookups.
const BATCH: usize = 32;

/// Look up the pending tokens' segmentations and fill them in.
fn resolve(
    text: &str,
    lex: &Lexicon,
    tab: &ArTable,
    pending: &mut Vec<Pending>,
    cache: &mut Cache,
    out: &mut [Token],
) {
    for p in pending.drain(..) {
        let sp = cache.short_split(&p.key, p.hash, lex);
        apply_split(text, tab, &sp, &mut out[p.idx]);
    }
}

/// Set the segments of `t` (an unsegmented token of [`arabic_token`]) from
/// its split.
#[inline]
fn apply_split(text: &str, tab: &ArTable, sp: &Split, t: &mut Token) {
    t.stem_ta_marbuta = sp.stem_ta_marbuta;
    if sp.is_whole() {
        return;
    }
    if t.norm.len() == t.end - t.start {
        // Every char is a kept 2-byte char (tokens of `arabic_token`
        // have only 2-byte chars; none was dropped): parts map to
        // 2 bytes per char, as `map_split` would find.
        let parts = sp.parts();
        let mut segs = Segments {
            start: t.start as u32,
            ends: [0; MAX_SEGMENTS],
            kinds: 0,
            len: parts.len() as u8,
        };
        let mut pos = t.start as u32;
        for (i, &(kind, len)) in parts.iter().enumerate() {
            let e = if i + 1 == parts.len() {
                t.end as u32
            } else {
                pos + 2 * len as u32
            };
            segs.ends[i] = e;
            segs.kinds |= (kind_code(kind) as u16) << (3 * i);
            pos = e;
        }
        t.segments = segs;
    } else {
        t.segments = map_split(&text[t.start..t.end], t.start, sp, tab);
    }
}

/// End of the Arabic word starting at `i` (after its first char).
#[inline]
fn arabic_end(text: &str, mut i: usize, end: usize, tab: &ArTable) -> usize {
    let bytes = text.as_bytes();
    while i < end {
        if let Some(k) = ar_index(bytes, i) {
            if tab.flags[k] & AR_CONT != 0 {
                i += 2;
                continue;
            }
            break;
        }
        if bytes[i] < 0x80 {
            break;
        }
        let d = next_char(text, i).unwrap();
        if is_arabic_letter(d) || is_mark(d) {
            i += d.len_utf8();
        } else {
            break;
        }
    }
    i
}

/// Push the Arabic token that starts at `start` with the char of table index
/// `k` (a char with [`AR_START`]) and ends at [`arabic_end`] (at most `end`);
/// returns its end. The word is scanned once: its end is found while its
/// match form and segmentation key are built.
#[allow(clippy::too_many_arguments)]
#[inline]
fn arabic_token(
    text: &str,
    start: usize,
    mut k: usize,
    end: usize,
    si: usize,
    lex: &Lexicon,
    st: &mut TokState,
    cache: &mut Cache,
    out: &mut Vec<Token>,
) -> usize {
    let bytes = text.as_bytes();
    let tab = st.tab;
    // Match form (UTF-8) and segmentation key ([`SegKey`] codes) packed
    // little-endian in words (kept in registers: building them in memory and
    // reading them back as words stalls on store forwarding). Only chars of
    // the table whose forms are 2 bytes long; anything else takes the
    // general path.
    let (mut n0, mut n1, mut n2) = (0u64, 0u64, 0u64);
    let (mut k0, mut k1) = (0u64, 0u64);
    let mut len = 0usize; // bytes of each of the two forms
    let (mut first, mut last) = (0usize, 0usize); // table indices
    let mut j = start;
    loop {
        // The char at `j` (table index `k`) is part of the word.
        if tab.flags[k] & AR_SLOW != 0 {
            let e = arabic_end(text, j + 2, end, tab);
            arabic_token_general(text, start, e, si, lex, st, cache, out);
            return e;
        }
        let nk = tab.nk16[k];
        if nk != 0 {
            if len >= NORM_INLINE {
                let e = arabic_end(text, j + 2, end, tab);
                arabic_token_general(text, start, e, si, lex, st, cache, out);
                return e;
            }
            let nv = ((nk & 0xFFFF) as u64) << ((len & 7) * 8);
            match len >> 3 {
                0 => n0 |= nv,
                1 => n1 |= nv,
                _ => n2 |= nv,
            }
            // Char `len / 2` of the key.
            let kv = ((nk >> 16) as u64) << ((len & 14) * 4);
            if len < 16 {
                k0 |= kv;
            } else {
                k1 |= kv;
            }
            if len == 0 {
                first = k;
            }
            last = k;
            len += 2;
        }
        j += 2;
        if j >= end {
            break;
        }
        // Does the word go on? (as in `arabic_end`)
        match ar_index(bytes, j) {
            Some(k2) => {
                if tab.flags[k2] & AR_CONT == 0 {
                    break;
                }
                k = k2;
            }
            None => {
                if bytes[j] < 0x80 {
                    break;
                }
                let d = next_char(text, j).unwrap();
                if is_arabic_letter(d) || is_mark(d) {
                    // A char outside the table: the general path.
                    let e = arabic_end(text, j + d.len_utf8(), end, tab);
                    arabic_token_general(text, start, e, si, lex, st, cache, out);
                    return e;
                }
                break;
            }
        }
    }
    let end = j;
    let (first, last) = (tab.key[first], tab.key[last]);
    let nchars = len / 2;
    let mut pending = None;
    if may_have_clitics(first, last, nchars) {
        // len ≤ 22: at most 11 chars, a SegKey.
        let key = [k0, k1 | ((nchars as u64) << 24)];
        let hash = key_hash(&key);
        cache.short.prefetch(hash);
        pending = Some(Pending {
            idx: out.len(),
            key,
            hash,
        });
    }
    let mut buf = [0u8; NORM_INLINE];
    buf[..8].copy_from_slice(&n0.to_le_bytes());
    buf[8..16].copy_from_slice(&n1.to_le_bytes());
    buf[16..].copy_from_slice(&n2.to_le_bytes()[..NORM_INLINE - 16]);
    // `buf[..len]` is a concatenation of whole UTF-8 encoded chars.
    let norm = Norm(NormRepr::Inline {
        len: len as u8,
        buf,
    });
    // The output is written to memory that is usually not cached (a fresh
    // allocation): fetch it ahead, for writing.
    let ahead = out.as_ptr().wrapping_add(out.len() + WRITE_AHEAD) as *const u8;
    prefetch_write(ahead);
    prefetch_write(ahead.wrapping_add(64));
    prefetch_write(ahead.wrapping_add(128));
    out.push(Token {
        start,
        end,
        kind: TokenKind::Arabic,
        sentence: si,
        norm,
        segments: Segments::one(start, end, SegKind::Stem),
        stem_ta_marbuta: false,
    });
    if let Some(p) = pending {
        st.pending.push(p);
        if st.pending.len() >= BATCH {
            resolve(text, lex, tab, &mut st.pending, cache, out);
        }
    }
    end
}

/// [`arabic_token`] for any token (long ones, or chars outside the table).
#[allow(clippy::too_many_arguments)]
#[cold]
#[inline(never)]
fn arabic_token_general(
    text: &str,
    start: usize,
    end: usize,
    si: usize,
    lex: &Lexicon,
    st: &mut TokState,
    cache: &mut Cache,
    out: &mut Vec<Token>,
) {
    let bytes = text.as_bytes();
    let tab = st.tab;
    let tok = &text[start..end];
    st.norm.clear();
    st.key.clear();
    let (mut first, mut last, mut nkey) = ('\0', '\0', 0usize);
    let mut j = start;
    while j < end {
        let (m, kc, len) = match ar_index(bytes, j) {
            Some(k) => (tab.norm[k], tab.key[k], 2),
            None => {
                let c = next_char(text, j).unwrap();
                let m = match_char(c).unwrap_or('\0');
                (m, m, c.len_utf8())
            }
        };
        j += len;
        if m != '\0' {
            st.norm.push(m);
            st.key.push(kc);
            if nkey == 0 {
                first = kc;
            }
            last = kc;
            nkey += 1;
        }
    }
    let (segments, ta) = if nkey == 0 || !may_have_clitics(first, last, nkey) {
        (Segments::one(start, end, SegKind::Stem), false)
    } else {
        let sp = segment_in(cache, &st.key, lex);
        (map_split(tok, start, &sp, tab), sp.stem_ta_marbuta)
    };
    out.push(Token {
        start,
        end,
        kind: TokenKind::Arabic,
        sentence: si,
        norm: Norm::from(st.norm.as_str()),
        segments,
        stem_ta_marbuta: ta,
    });
}

fn tokenize_span(
    text: &str,
    span: Range<usize>,
    si: usize,
    lex: &Lexicon,
    st: &mut TokState,
    cache: &mut Cache,
    out: &mut Vec<Token>,
) {
    let bytes = text.as_bytes();
    let tab = st.tab;
    let end = span.end;
    let mut i = span.start;
    while i < end {
        let b = bytes[i];
        if b == b' ' || b == b'\n' || b == b'\t' {
            i += 1;
            continue;
        }
        let start = i;
        // Fast path: an Arabic word starting with a char of U+0600..U+06FF.
        let sym = if let Some(k) = ar_index(bytes, i) {
            let f = tab.flags[k];
            if f & AR_START != 0 {
                i = arabic_token(text, start, k, end, si, lex, st, cache, out);
                continue;
            }
            f & AR_SYM != 0
        } else {
            b < 0x80 && !b.is_ascii_alphanumeric() && !matches!(b, 0x09..=0x0D | b' ')
        };
        // Fast path: punctuation or a symbol (one char of ASCII or of
        // U+0600..U+06FF that is not whitespace, a letter or a digit) with
        // no combining mark after it.
        if sym
            && (i + 1 + (b >= 0x80) as usize >= end || bytes[i + 1 + (b >= 0x80) as usize] < 0x80)
        {
            let c = next_char(text, i).unwrap();
            i += c.len_utf8();
            let kind = if is_punct(c) {
                TokenKind::Punct
            } else {
                TokenKind::Symbol
            };
            let mut nb = [0u8; 4];
            let norm = match match_char(c) {
                Some(m) => Norm::from(&*m.encode_utf8(&mut nb)),
                None => Norm::default(),
            };
            out.push(Token {
                start,
                end: i,
                kind,
                sentence: si,
                norm,
                segments: Segments::one(start, i, SegKind::Stem),
                stem_ta_marbuta: false,
            });
            continue;
        }
        let c = match next_char(text, i) {
            Some(c) => c,
            None => break,
        };
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let kind;
        if is_arabic_letter(c) || (is_diacritic(c) && (c as u32) >= 0x0600) {
            // (not reached: every such char is in U+0600..U+06FF)
            kind = TokenKind::Arabic;
            i = arabic_end(text, i + c.len_utf8(), end, tab);
        } else if is_digit(c) {
            kind = TokenKind::Number;
            i += c.len_utf8();
            while i < end {
                let d = next_char(text, i).unwrap();
                if is_digit(d) || is_mark(d) {
                    i += d.len_utf8();
                } else if matches!(d, '.' | ',' | '٫' | '٬') {
                    let j = i + d.len_utf8();
                    match (j < end).then(|| next_char(text, j)).flatten() {
                        Some(e) if is_digit(e) => i = j,
                        _ => break,
                    }
                } else {
                    break;
                }
            }
        } else if c.is_alphabetic() {
            kind = TokenKind::Latin;
            i += c.len_utf8();
            while i < end {
                let d = next_char(text, i).unwrap();
                if (d.is_alphanumeric() && !is_arabic_letter(d) && !is_digit(d)
                    || d.is_ascii_digit())
                    || is_mark(d)
                {
                    i += d.len_utf8();
                } else if matches!(d, '\'' | '’' | '-') {
                    // internal apostrophe / hyphen: "don't", "al-Assad"
                    let j = i + d.len_utf8();
                    match (j < end).then(|| next_char(text, j)).flatten() {
                        Some(e) if e.is_alphabetic() && !is_arabic_letter(e) => i = j,
                        _ => break,
                    }
                } else {
                    break;
                }
            }
        } else {
            kind = if is_punct(c) {
                TokenKind::Punct
            } else {
                TokenKind::Symbol
            };
            i += c.len_utf8();
            // combining marks on a symbol stay with it
            while i < end {
                let d = next_char(text, i).unwrap();
                if is_mark(d) && !is_arabic_letter(d) {
                    i += d.len_utf8();
                } else {
                    break;
                }
            }
        }
        let tok = &text[start..i];
        st.norm.clear();
        let (segments, ta) = if kind == TokenKind::Arabic {
            st.key.clear();
            for c in tok.chars() {
                if let Some(m) = match_char(c) {
                    st.norm.push(m);
                    st.key.push(if matches!(c, 'ة' | 'أ' | 'إ' | 'آ') {
                        c
                    } else {
                        m
                    });
                }
            }
            if st.norm.is_empty() {
                (Segments::one(start, i, SegKind::Stem), false)
            } else {
                let sp = segment_in(cache, &st.key, lex);
                (map_split(tok, start, &sp, tab), sp.stem_ta_marbuta)
            }
        } else {
            push_match_form(tok, &mut st.norm);
            (Segments::one(start, i, SegKind::Stem), false)
        };
        out.push(Token {
            start,
            end: i,
            kind,
            sentence: si,
            norm: Norm::from(st.norm.as_str()),
            segments,
            stem_ta_marbuta: ta,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn seg(word: &str) -> String {
        let lex = Lexicon::builtin();
        segment_word(word, lex)
            .iter()
            .map(|s| {
                let k = match s.kind {
                    SegKind::Conj => "C",
                    SegKind::Prep => "P",
                    SegKind::Future => "F",
                    SegKind::Article => "A",
                    SegKind::Stem => "S",
                    SegKind::Pronoun => "O",
                };
                format!("{}:{}", k, &word[s.start..s.end])
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    #[ignore]
    fn dump_seeds() {
        let lex = Lexicon::builtin();
        let dir = "/work/shared/seeds";
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut seen = HashSet::new();
        for e in rd.flatten() {
            let raw = std::fs::read_to_string(e.path()).unwrap_or_default();
            let m = crate::normalize::clean(&raw);
            let t = m.text();
            let s = crate::sentence::split(t);
            for tok in tokenize(t, &s, lex) {
                if tok.segments.len() > 1 && seen.insert(tok.norm.clone()) {
                    let parts: Vec<String> = tok
                        .segments
                        .iter()
                        .map(|g| format!("{:?}:{}", g.kind, &t[g.start..g.end]))
                        .collect();
                    println!("{}", parts.join(" "));
                }
            }
        }
    }

    #[test]
    fn clitic_table() {
        let cases: &[(&str, &str)] = &[
            // real words are not cut
            ("وزير", "S:وزير"),
            ("ولد", "S:ولد"),
            ("لكن", "S:لكن"),
            ("الذي", "S:الذي"),
            ("الله", "S:الله"),
            ("ألمانيا", "S:ألمانيا"),
            ("هناك", "S:هناك"),
            ("ذلك", "S:ذلك"),
            ("مصري", "S:مصري"),
            ("عربي", "S:عربي"),
            ("بنك", "S:بنك"),
            ("ملك", "S:ملك"),
            ("سوريا", "S:سوريا"),
            ("في", "S:في"),
            // conjunctions
            ("وتركيا", "C:و S:تركيا"),
            ("وروسيا", "C:و S:روسيا"),
            ("فواشنطن", "C:ف S:واشنطن"),
            ("وقال", "C:و S:قال"),
            // prepositions
            ("بروسيا", "P:ب S:روسيا"),
            ("لواشنطن", "P:ل S:واشنطن"),
            ("كرئيس", "P:ك S:رئيس"),
            // article
            ("الطائرة", "A:ال S:طائرة"),
            ("وآليات", "C:و S:آليات"),
            ("بعيد", "S:بعيد"),
            ("سأذهب", "F:س S:أذهب"),
            ("فكرة", "S:فكرة"),
            ("جديدة", "S:جديدة"),
            ("الجزائر", "A:ال S:جزائر"),
            ("للرئيس", "P:ل A:ل S:رئيس"),
            ("بالرئيس", "P:ب A:ال S:رئيس"),
            ("والرئيس", "C:و A:ال S:رئيس"),
            ("وبالتالي", "C:و P:ب A:ال S:تالي"),
            ("وللرئيس", "C:و P:ل A:ل S:رئيس"),
            // future
            ("سيقول", "F:س S:يقول"),
            ("وستكون", "C:و F:س S:تكون"),
            // pronouns
            ("كتابه", "S:كتاب O:ه"),
            ("كتابهم", "S:كتاب O:هم"),
            ("منه", "S:من O:ه"),
            ("طائرتها", "S:طائرت O:ها"),
            ("وبلادنا", "C:و S:بلاد O:نا"),
            // diacritics stay inside their segment
            ("وَالرَّئِيسُ", "C:وَ A:ال S:رَّئِيسُ"),
        ];
        let mut bad = Vec::new();
        for (w, want) in cases {
            let got = seg(w);
            if got != *want {
                bad.push(format!("{w}: got {got}, want {want}"));
            }
        }
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }

    #[test]
    fn packed_keys_and_splits_round_trip() {
        let lex = Lexicon::builtin();
        for w in [
            "وللرئيس",
            "وبالتالي",
            "طائرتها",
            "وبلادنا",
            "سيقول",
            "كتابهم",
            "ة",
            "ابجدهوزحطيك",
        ] {
            let mut k = String::new();
            push_seg_key(w, &mut k);
            let key = seg_key(&k).unwrap();
            let (b, len) = seg_key_word(&key);
            assert_eq!(std::str::from_utf8(&b[..len]).unwrap(), k);
            let sp = segment_norm(&k, lex);
            let back = unpack_split(pack_split(&sp).unwrap());
            assert_eq!(
                (back.parts(), back.stem_ta_marbuta),
                (sp.parts(), sp.stem_ta_marbuta)
            );
        }
        assert_eq!(seg_key(""), None);
        assert_eq!(seg_key("ابجدهوزحطيكل"), None); // 12 chars
        assert_eq!(seg_key("abcd"), None);
        assert_eq!(seg_key("اb"), None);
    }

    fn kinds(text: &str) -> Vec<(String, TokenKind)> {
        let lex = Lexicon::builtin();
        let s = crate::sentence::split(text);
        tokenize(text, &s, lex)
            .into_iter()
            .map(|t| (text[t.span()].to_string(), t.kind))
            .collect()
    }

    #[test]
    fn token_table() {
        use TokenKind::*;
        let cases: &[(&str, &[(&str, TokenKind)])] = &[
            ("في موسكو", &[("في", Arabic), ("موسكو", Arabic)]),
            (
                "بلغ 3.5 مليار",
                &[("بلغ", Arabic), ("3.5", Number), ("مليار", Arabic)],
            ),
            ("1,000 دولار", &[("1,000", Number), ("دولار", Arabic)]),
            ("٢٠١٥،", &[("٢٠١٥", Number), ("،", Punct)]),
            ("۱۹۹۵٫۵", &[("۱۹۹۵٫۵", Number)]),
            ("2015.", &[("2015", Number), (".", Punct)]),
            ("ISIS's al-Assad", &[("ISIS's", Latin), ("al-Assad", Latin)]),
            ("«داعش»", &[("«", Punct), ("داعش", Arabic), ("»", Punct)]),
            (
                "50% $3",
                &[("50", Number), ("%", Punct), ("$", Symbol), ("3", Number)],
            ),
            ("فعّالٌ", &[("فعّالٌ", Arabic)]),
            ("هل؟", &[("هل", Arabic), ("؟", Punct)]),
            ("café", &[("café", Latin)]),
        ];
        for (input, want) in cases {
            let got = kinds(input);
            let want: Vec<(String, TokenKind)> =
                want.iter().map(|(s, k)| (s.to_string(), *k)).collect();
            assert_eq!(got, want, "{input}");
        }
    }

    #[test]
    fn token_fields() {
        let lex = Lexicon::builtin();
        let text = "قال الرئيس.\nوللرئيس طائرتها";
        let s = crate::sentence::split(text);
        let toks = tokenize(text, &s, lex);
        assert_eq!(toks.len(), 5);
        assert_eq!(toks[1].norm, "الرئيس");
        assert_eq!(toks[3].sentence, 1);
        assert_eq!(toks[3].stem(text), "رئيس");
        assert_eq!(toks[3].base(text), "لرئيس");
        assert_eq!(toks[3].base_norm(text), "الرئيس");
        assert!(toks[3].has(SegKind::Conj) && toks[3].has(SegKind::Article));
        assert_eq!(toks[4].stem(text), "طائرت");
        assert_eq!(toks[4].stem_norm(text), "طائره");
        assert_eq!(toks[0].stem(text), "قال");
    }

    fn check(text: &str) -> Result<(), TestCaseError> {
        let lex = Lexicon::builtin();
        let sents = crate::sentence::split(text);
        let toks = tokenize(text, &sents, lex);
        let mut last = 0;
        for t in &toks {
            prop_assert!(t.start < t.end && t.end <= text.len());
            prop_assert!(t.start >= last);
            last = t.end;
            prop_assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            let r = &sents[t.sentence];
            prop_assert!(r.start <= t.start && t.end <= r.end);
            prop_assert!(!t.segments.is_empty());
            let segments = t.segments.to_vec();
            prop_assert_eq!(segments.len(), t.segments.len());
            prop_assert_eq!(segments[0].start, t.start);
            prop_assert_eq!(segments[segments.len() - 1].end, t.end);
            for w in segments.windows(2) {
                prop_assert_eq!(w[0].end, w[1].start);
            }
            for g in t.segments.iter() {
                prop_assert!(g.start < g.end);
                prop_assert!(text.is_char_boundary(g.start) && text.is_char_boundary(g.end));
            }
            prop_assert_eq!(
                t.segments
                    .iter()
                    .filter(|g| g.kind == SegKind::Stem)
                    .count(),
                1
            );
            let _ = t.stem_norm(text);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        #[test]
        fn tokens_valid_arbitrary(s in any::<String>()) {
            check(&s)?;
            check(crate::normalize::clean(&s).text())?;
        }

        #[test]
        fn tokens_valid_arabic(s in "[وفبلكسالتيةهمنادرطئزكشءآأإؤى\u{064B}-\u{0652} .،؟0-9١٢]{0,50}") {
            check(&s)?;
        }

        #[test]
        fn tokens_valid_words(v in prop::collection::vec(prop::sample::select(vec![
            "وتركيا", "للرئيس", "وبالتالي", "طائرتها", "وَالرَّئِيسُ", "سيقول", "كتابهم", "وزير",
            "3.5", "U.S.", "«", "»", "\n", " ", ".", "ـ", "\u{0651}",
        ]), 0..20)) {
            check(&v.concat())?;
        }
    }
}

#[cfg(test)]
mod speed {
    /// `cargo test --release -p marsad-text --lib speed -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn clean_tokenize_mbps() {
        let lex = crate::lexicon::Lexicon::builtin();
        let mut docs = Vec::new();
        // A realistic sample (e.g. SaudiNewsNet `content` fields separated by
        // "\n\u{1}DOC\u{1}\n") if present, else the seed documents.
        if let Ok(s) = std::fs::read_to_string("/tmp/snn.txt") {
            docs.extend(
                s.split("\n\u{1}DOC\u{1}\n")
                    .filter(|d| !d.is_empty())
                    .map(str::to_string),
            );
        }
        if docs.is_empty() {
            if let Ok(rd) = std::fs::read_dir("/work/shared/seeds") {
                for e in rd.flatten() {
                    if e.path().extension().is_some_and(|x| x == "txt") {
                        docs.push(std::fs::read_to_string(e.path()).unwrap_or_default());
                    }
                }
            }
        }
        let bytes: usize = docs.iter().map(|d| d.len()).sum();
        if bytes == 0 {
            return;
        }
        let reps = (20_000_000 / bytes).max(1);
        let (mut tc, mut ts, mut tt) = (0.0, 0.0, 0.0);
        let mut n = 0;
        for _ in 0..reps {
            for d in &docs {
                let t = std::time::Instant::now();
                let m = crate::normalize::clean(d);
                tc += t.elapsed().as_secs_f64();
                let t = std::time::Instant::now();
                let s = crate::sentence::split(m.text());
                ts += t.elapsed().as_secs_f64();
                let t = std::time::Instant::now();
                n += super::tokenize(m.text(), &s, lex).len();
                tt += t.elapsed().as_secs_f64();
            }
        }
        let secs = tc + ts + tt;
        let mb = (bytes * reps) as f64 / 1e6;
        println!(
            "clean {:.0} MB/s, split {:.0} MB/s, tokenize {:.0} MB/s",
            mb / tc,
            mb / ts,
            mb / tt
        );
        println!("{} MB/s ({n} tokens)", (bytes * reps) as f64 / secs / 1e6);
        // Again with the segmentation cache warm (a long-running process).
        let (mut tc, mut ts, mut tt) = (0.0, 0.0, 0.0);
        for d in &docs {
            let t = std::time::Instant::now();
            let m = crate::normalize::clean(d);
            tc += t.elapsed().as_secs_f64();
            let t = std::time::Instant::now();
            let s = crate::sentence::split(m.text());
            ts += t.elapsed().as_secs_f64();
            let t = std::time::Instant::now();
            std::hint::black_box(super::tokenize(m.text(), &s, lex));
            tt += t.elapsed().as_secs_f64();
        }
        let mb = bytes as f64 / 1e6;
        println!(
            "warm: clean {:.0} MB/s, split {:.0} MB/s, tokenize {:.0} MB/s, combined {:.0} MB/s",
            mb / tc,
            mb / ts,
            mb / tt,
            mb / (tc + ts + tt)
        );
    }
}
