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
pub(crate) struct WordKey([u64; 3]);

impl WordKey {
    #[inline]
    pub(crate) fn new(s: &str) -> Option<WordKey> {
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

    /// The packed words (the last byte is the length; all zero only for "").
    #[inline]
    pub(crate) fn words(&self) -> [u64; 3] {
        self.0
    }

    /// Unpack [`WordKey::words`].
    #[inline]
    pub(crate) fn from_words(w: [u64; 3]) -> WordKey {
        WordKey(w)
    }

    /// Byte length of the word.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        (self.0[2] >> 56) as usize
    }

    /// The word's bytes (valid UTF-8: a copy of a whole `&str`), as a buffer
    /// of which the first [`WordKey::len`] bytes are the word.
    #[inline]
    pub(crate) fn bytes(&self) -> [u8; 24] {
        let mut b = [0u8; 24];
        b[..8].copy_from_slice(&self.0[0].to_le_bytes());
        b[8..16].copy_from_slice(&self.0[1].to_le_bytes());
        b[16..].copy_from_slice(&self.0[2].to_le_bytes());
        b
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

/// Word frequencies in centibels: `freq = 10^(-cB/100)`; lower is more frequent.
#[derive(Debug, Default, Clone)]
pub struct Lexicon {
    /// Words of at most [`WORD_KEY_MAX`] bytes.
    short: HashMap<WordKey, u16, FxBuild>,
    /// Longer words.
    long: HashMap<String, u16, FxBuild>,
}

impl Lexicon {
    /// Parse `word<TAB>cB` lines. Later files override earlier ones.
    pub fn parse(files: &[(&str, &str)]) -> Result<Lexicon, DataError> {
        let mut short = HashMap::with_capacity_and_hasher(200_000, FxBuild::default());
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
                match WordKey::new(&w) {
                    Some(k) => short.insert(k, v),
                    None => long.insert(w, v),
                };
            }
        }
        Ok(Lexicon { short, long })
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
        match WordKey::new(match_form) {
            Some(k) => self.short.get(&k).copied(),
            None => self.long.get(match_form).copied(),
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
        self.short.len() + self.long.len()
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
    fn parse_errors_name_file_and_line() {
        let e = Lexicon::parse(&[("x.tsv", "# c\nفي\t144\nمن 150\n")]).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("x.tsv", 3));
        let e = Lexicon::parse(&[("x.tsv", "في\tabc\n")]).unwrap_err();
        assert_eq!(e.line, 1);
    }
}
