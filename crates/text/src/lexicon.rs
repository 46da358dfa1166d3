//! Arabic word-frequency lexicon keyed by match form (see `data/text/lexicon.tsv`).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::OnceLock;

use crate::data::{self, DataError};

/// A small fast non-cryptographic hasher (FxHash, 8 bytes per step, with a
/// final rotation so the low bits used for bucket indices are well mixed).
/// For in-process tables keyed by words (not exposed to untrusted collisions
/// concerns beyond performance).
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

const FX_K: u64 = 0x517c_c1b7_2722_0a95;

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes(c.try_into().unwrap());
            h = (h.rotate_left(5) ^ v).wrapping_mul(FX_K);
        }
        let r = chunks.remainder();
        if !r.is_empty() {
            let mut t = [0u8; 8];
            t[..r.len()].copy_from_slice(r);
            let v = u64::from_le_bytes(t) ^ ((r.len() as u64) << 59);
            h = (h.rotate_left(5) ^ v).wrapping_mul(FX_K);
        }
        self.0 = h;
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(FX_K);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(FX_K);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(FX_K);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }
}

pub type FxBuild = BuildHasherDefault<FxHasher>;

/// Maximum byte length of a [`WordKey`].
pub(crate) const WORD_KEY_MAX: usize = 23;

/// A short word (at most [`WORD_KEY_MAX`] bytes) packed inline, so hash tables
/// keyed by it need no pointer chasing or `memcmp` on lookup.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct WordKey([u64; 3]);

impl WordKey {
    /// The key of a word of at most 23 bytes (`None` for a longer one).
    #[inline]
    pub fn new(s: &str) -> Option<WordKey> {
        WordKey::from_utf8_bytes(s.as_bytes())
    }

    /// [`WordKey::new`] of a string given as its bytes.
    #[inline]
    pub(crate) fn from_utf8_bytes(b: &[u8]) -> Option<WordKey> {
        if b.len() > WORD_KEY_MAX {
            return None;
        }
        let mut buf = [0u8; 24];
        buf[..b.len()].copy_from_slice(b);
        buf[23] = b.len() as u8;
        let w = |k: usize| u64::from_le_bytes(buf[k * 8..k * 8 + 8].try_into().unwrap());
        Some(WordKey([w(0), w(1), w(2)]))
    }
}

impl Hash for WordKey {
    #[inline]
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u64(self.0[0]);
        h.write_u64(self.0[1]);
        h.write_u64(self.0[2]);
    }
}

/// A memo keyed by words: short words (≤ 23 bytes, nearly all) are looked
/// up by an inline [`WordKey`] (no pointer to chase, no `memcmp`), longer
/// ones by their string. Cleared when it holds `max` entries, so its size is
/// bounded; the values must depend on the key alone (then what a thread saw
/// before never changes an answer).
#[derive(Debug)]
pub struct WordMemo<V> {
    short: HashMap<WordKey, V, FxBuild>,
    long: HashMap<Box<str>, V, FxBuild>,
    max: usize,
}

impl<V: Clone> WordMemo<V> {
    pub fn new(max: usize) -> Self {
        WordMemo {
            short: HashMap::default(),
            long: HashMap::default(),
            max,
        }
    }

    #[inline]
    pub fn get(&self, w: &str) -> Option<V> {
        match WordKey::new(w) {
            Some(k) => self.short.get(&k).cloned(),
            None => self.long.get(w).cloned(),
        }
    }

    pub fn insert(&mut self, w: &str, v: V) {
        if self.short.len() + self.long.len() >= self.max {
            self.short.clear();
            self.long.clear();
        }
        match WordKey::new(w) {
            Some(k) => {
                self.short.insert(k, v);
            }
            None => {
                self.long.insert(w.into(), v);
            }
        }
    }

    pub fn clear(&mut self) {
        self.short.clear();
        self.long.clear();
    }
}

/// Most chars of an [`ArabicKey`].
const ARABIC_KEY_CHARS: usize = 13;

/// Pack a word given as UTF-8 bytes of 1..=`max_chars` (≤ 15) chars, all in
/// U+0600..U+06FF, one byte per char (the low 8 bits of its code point): the
/// codes in bytes 0..`max_chars`, the char count in byte `max_chars`, the
/// rest zero. `None` for any other word.
#[inline]
pub(crate) fn pack_arabic(b: &[u8], max_chars: usize) -> Option<[u64; 2]> {
    let n = b.len();
    if n == 0 || !n.is_multiple_of(2) || n > 2 * max_chars {
        return None;
    }
    let mut code = [0u8; 16];
    for (k, pair) in b.chunks_exact(2).enumerate() {
        // In UTF-8, a lead byte D8..DB (U+0600..U+06FF) at a char boundary
        // is followed by its continuation byte, so every pair starting
        // with one is a whole char and the next pair starts a char.
        if pair[0] & 0xFC != 0xD8 {
            return None;
        }
        code[k] = ((pair[0] & 3) << 6) | (pair[1] & 0x3F);
    }
    code[max_chars] = (n / 2) as u8;
    Some([
        u64::from_le_bytes(code[..8].try_into().unwrap()),
        u64::from_le_bytes(code[8..].try_into().unwrap()),
    ])
}

/// A word of 1..=13 chars all in U+0600..U+06FF (nearly every lexicon word),
/// one byte per char (its low 8 bits), packed in 14 bytes: the codes, then
/// the char count in byte 13; bytes 14..16 are zero.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct ArabicKey([u64; 2]);

impl ArabicKey {
    /// The key of the word given as UTF-8 bytes, if it is such a word.
    #[inline]
    pub(crate) fn new(b: &[u8]) -> Option<ArabicKey> {
        pack_arabic(b, ARABIC_KEY_CHARS).map(ArabicKey)
    }

    #[inline]
    fn hash(&self) -> u64 {
        let mut h = FxHasher::default();
        h.write_u64(self.0[0]);
        h.write_u64(self.0[1]);
        h.finish()
    }
}

/// Bits of a slot's second word that hold the key (the rest is the value).
const KEY_BITS: u64 = (1 << 48) - 1;

/// Open-addressing (linear probing) table of [`ArabicKey`]s and their
/// values, 16 bytes per slot (the value in the top 16 bits of the second
/// word; all zero when free), at most half full: a lookup touches about one
/// cache line, which [`ArabicTable::prefetch`] can fetch ahead.
#[derive(Debug, Default, Clone)]
struct ArabicTable {
    slots: Vec<[u64; 2]>,
    len: usize,
}

impl ArabicTable {
    fn with_capacity(n: usize) -> Self {
        ArabicTable {
            slots: vec![[0; 2]; (2 * n).next_power_of_two().max(16)],
            len: 0,
        }
    }

    fn insert(&mut self, k: ArabicKey, v: u16) {
        if (self.len + 1) * 2 > self.slots.len() {
            let bigger = vec![[0; 2]; self.slots.len() * 2];
            let old = std::mem::replace(&mut self.slots, bigger);
            self.len = 0;
            for s in old {
                if s != [0; 2] {
                    self.insert(ArabicKey([s[0], s[1] & KEY_BITS]), (s[1] >> 48) as u16);
                }
            }
        }
        let m = self.slots.len() - 1;
        let mut i = k.hash() as usize & m;
        loop {
            let s = &mut self.slots[i];
            if *s == [0; 2] {
                self.len += 1;
            } else if s[0] != k.0[0] || s[1] & KEY_BITS != k.0[1] {
                i = (i + 1) & m;
                continue;
            }
            *s = [k.0[0], k.0[1] | (v as u64) << 48];
            return;
        }
    }

    #[inline]
    fn get(&self, k: ArabicKey) -> Option<u16> {
        if self.slots.is_empty() {
            return None;
        }
        let m = self.slots.len() - 1;
        let mut i = k.hash() as usize & m;
        loop {
            let s = self.slots[i];
            if s[0] == k.0[0] && s[1] & KEY_BITS == k.0[1] {
                return Some((s[1] >> 48) as u16);
            }
            if s == [0; 2] {
                return None;
            }
            i = (i + 1) & m;
        }
    }

    #[inline]
    fn prefetch(&self, k: ArabicKey) {
        if !self.slots.is_empty() {
            let i = k.hash() as usize & (self.slots.len() - 1);
            crate::token::prefetch(self.slots.as_ptr().wrapping_add(i));
        }
    }
}

/// Word frequencies in centibels: `freq = 10^(-cB/100)`; lower is more frequent.
#[derive(Debug, Default, Clone)]
pub struct Lexicon {
    /// Words of [`ArabicKey`] form.
    arabic: ArabicTable,
    /// Other words of at most [`WORD_KEY_MAX`] bytes.
    short: HashMap<WordKey, u16, FxBuild>,
    /// Longer words.
    long: HashMap<String, u16, FxBuild>,
}

impl Lexicon {
    /// Parse `word<TAB>cB` lines. Later files override earlier ones.
    pub fn parse(files: &[(&str, &str)]) -> Result<Lexicon, DataError> {
        let mut arabic = ArabicTable::with_capacity(200_000);
        let mut short = HashMap::with_hasher(FxBuild::default());
        let mut long = HashMap::with_hasher(FxBuild::default());
        for (file, text) in files {
            for (line, l) in data::lines(text) {
                let err = |message: String| DataError {
                    file: (*file).into(),
                    line,
                    message,
                };
                let (w, v) = l
                    .split_once('\t')
                    .ok_or_else(|| err(format!("expected word<TAB>centibels, got {l:?}")))?;
                let v: u16 = v.trim().parse().map_err(|_| {
                    err(format!("centibels must be an integer 0..=65535, got {v:?}"))
                })?;
                let w = crate::matchform::match_form(w.trim());
                if w.is_empty() || w.chars().any(char::is_whitespace) {
                    return Err(err(format!("bad word {w:?}")));
                }
                if let Some(k) = ArabicKey::new(w.as_bytes()) {
                    arabic.insert(k, v);
                } else if let Some(k) = WordKey::new(&w) {
                    short.insert(k, v);
                } else {
                    long.insert(w, v);
                }
            }
        }
        Ok(Lexicon {
            arabic,
            short,
            long,
        })
    }

    /// The lexicon shipped in the repository (parsed once, on first use).
    pub fn builtin() -> &'static Lexicon {
        static LEX: OnceLock<Lexicon> = OnceLock::new();
        LEX.get_or_init(|| {
            Lexicon::parse(&[data::LEXICON_TSV, data::LEXICON_EXTRA_TSV])
                .unwrap_or_else(|e| panic!("built-in lexicon is invalid (a build defect): {e}"))
        })
    }

    /// Frequency in centibels of a word given in match form.
    #[inline]
    pub fn cb(&self, match_form: &str) -> Option<u16> {
        if let Some(k) = ArabicKey::new(match_form.as_bytes()) {
            return self.arabic.get(k);
        }
        match WordKey::new(match_form) {
            Some(k) => self.short.get(&k).copied(),
            None => self.long.get(match_form).copied(),
        }
    }

    /// Hint the CPU to fetch what [`Lexicon::cb`] of `match_form` will read
    /// (for words of the compact table; no effect on the result of any call).
    #[inline]
    pub(crate) fn prefetch(&self, match_form: &str) {
        if let Some(k) = ArabicKey::new(match_form.as_bytes()) {
            self.arabic.prefetch(k);
        }
    }

    /// log10 frequency (negative), if known.
    #[inline]
    pub fn log10(&self, match_form: &str) -> Option<f64> {
        self.cb(match_form).map(|c| -(c as f64) / 100.0)
    }

    pub fn contains(&self, match_form: &str) -> bool {
        self.cb(match_form).is_some()
    }

    pub fn len(&self) -> usize {
        self.arabic.len + self.short.len() + self.long.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_loads_and_knows_common_words() {
        let l = Lexicon::builtin();
        assert!(l.len() > 100_000);
        for w in ["في", "موسكو", "واشنطن", "الولايات", "المتحده"] {
            assert!(l.contains(w), "{w}");
        }
    }

    #[test]
    fn lookups_match_a_plain_map() {
        let files = [data::LEXICON_TSV, data::LEXICON_EXTRA_TSV];
        let l = Lexicon::parse(&files).unwrap();
        let mut want: HashMap<String, u16> = HashMap::new();
        for (_, text) in files {
            for (_, line) in data::lines(text) {
                let (w, v) = line.split_once('\t').unwrap();
                want.insert(
                    crate::matchform::match_form(w.trim()),
                    v.trim().parse().unwrap(),
                );
            }
        }
        assert_eq!(l.len(), want.len());
        for (w, v) in &want {
            assert_eq!(l.cb(w), Some(*v), "{w}");
            // Prefixes and suffixes: known or not, as the plain map says.
            for (i, _) in w.char_indices().skip(1) {
                assert_eq!(l.cb(&w[i..]), want.get(&w[i..]).copied(), "{}", &w[i..]);
                assert_eq!(l.cb(&w[..i]), want.get(&w[..i]).copied(), "{}", &w[..i]);
            }
        }
        for w in [
            "",
            "x",
            "abc",
            "ابجدهوزحطيكلمنسعفصقرشتثخذضظغابج",
            "في ",
            "a\u{0600}",
        ] {
            assert_eq!(l.cb(w), want.get(w).copied(), "{w}");
        }
        // Overrides: later files win, the count is of distinct words.
        let l = Lexicon::parse(&[("a", "في\t1\nمن\t2\nlatin\t3\n"), ("b", "في\t7\n")]).unwrap();
        assert_eq!(
            (l.cb("في"), l.cb("من"), l.cb("latin"), l.len()),
            (Some(7), Some(2), Some(3), 3)
        );
    }

    #[test]
    fn parse_errors_name_file_and_line() {
        let e = Lexicon::parse(&[("x.tsv", "# c\nفي\t144\nمن 150\n")]).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("x.tsv", 3));
        let e = Lexicon::parse(&[("x.tsv", "في\tabc\n")]).unwrap_err();
        assert_eq!(e.line, 1);
    }
}
