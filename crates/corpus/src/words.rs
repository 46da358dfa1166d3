//! Words shared by the other modules: match-form words (for shingles and
//! sentence overlap), the stop list, and content terms with a fixed idf.
//!
//! * [`for_each_match_word`]: the match form of `text` ([`marsad_text::matchform`]:
//!   diacritics and tatweel dropped, `أإآٱ`→`ا`, `ى`→`ي`, `ة`→`ه`, Arabic-Indic
//!   digits → ASCII, Latin lower-cased) cut into runs of letters and digits;
//!   everything else (punctuation, symbols, spaces) only separates words.
//! * [`for_each_term`]: content terms: [`marsad_text::token::tokenize`] with its
//!   clitic segmentation, the match form of the stem (`والرئيس` → `رييس`), stop
//!   words (`data/corpus/stopwords.txt`), numbers and words of fewer than
//!   three letters dropped.
//! * [`idf`]: a fixed inverse document frequency taken from the built-in
//!   word-frequency lexicon: `-log10(freq)` of the term (centibels / 100,
//!   about 1.4 for `في` up to 7 at the lexicon's floor); unknown terms get
//!   [`UNKNOWN_IDF`]. Word frequency stands in for document frequency, which
//!   keeps term weights independent of the corpus seen so far: features are
//!   deterministic, incremental and comparable across runs.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use marsad_text::data::{self, DataError};
use marsad_text::lexicon::FxBuild;
use marsad_text::matchform::{match_char, match_form};
use marsad_text::token::{tokenize, TokenKind};
use marsad_text::Lexicon;

/// The stop list shipped in the repository.
pub const STOPWORDS_TXT: (&str, &str) = (
    "data/corpus/stopwords.txt",
    include_str!("../../../data/corpus/stopwords.txt"),
);

/// idf of a term the lexicon does not know (its rarest entries are at 7.0).
pub const UNKNOWN_IDF: f32 = 7.0;

/// Minimum length in chars of a content term.
pub const MIN_TERM_CHARS: usize = 3;

/// A stop list in match form.
#[derive(Debug, Clone, Default)]
pub struct StopWords(HashSet<String, FxBuild>);

impl StopWords {
    /// Parse a stop list: one word per line, `#` comments. Errors (with
    /// `file:line`): a tab or space inside an entry, an entry that is empty
    /// in match form, a duplicate (after match-form folding).
    pub fn parse(file: &str, text: &str) -> Result<StopWords, DataError> {
        let mut set = HashSet::with_hasher(FxBuild::default());
        for (line, l) in data::lines(text) {
            let err = |message: String| DataError {
                file: file.into(),
                line,
                message,
            };
            if l.chars().any(char::is_whitespace) {
                return Err(err(format!(
                    "expected one word per line, found whitespace in {l:?}"
                )));
            }
            let w = match_form(l);
            if w.is_empty() {
                return Err(err(format!("{l:?} is empty in match form")));
            }
            if !set.insert(w.clone()) {
                return Err(err(format!(
                    "duplicate entry {l:?} (match form {w:?} listed earlier)"
                )));
            }
        }
        Ok(StopWords(set))
    }

    /// The stop list in `data/corpus/stopwords.txt` (parsed once).
    pub fn builtin() -> &'static StopWords {
        static S: OnceLock<StopWords> = OnceLock::new();
        S.get_or_init(|| {
            let (f, t) = STOPWORDS_TXT;
            StopWords::parse(f, t)
                .unwrap_or_else(|e| panic!("built-in stop list is invalid (a build defect): {e}"))
        })
    }

    /// Whether a word given in match form is a stop word.
    pub fn contains(&self, match_form: &str) -> bool {
        self.0.contains(match_form)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What a char of the text is to word splitting.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CharClass {
    /// Dropped by the match form (diacritics, tatweel): inside a word.
    Drop,
    /// Not a letter or digit: separates words.
    Sep,
    /// A word char, with its match form.
    Word(char),
}

#[inline]
fn classify_slow(c: char) -> CharClass {
    match match_char(c) {
        None => CharClass::Drop,
        Some(m) if m.is_alphanumeric() => CharClass::Word(m),
        Some(_) => CharClass::Sep,
    }
}

/// [`classify_slow`] with a table for U+0000..U+06FF (ASCII and Arabic).
#[inline]
fn classify(c: char) -> CharClass {
    static TABLE: OnceLock<Vec<CharClass>> = OnceLock::new();
    let t = TABLE.get_or_init(|| {
        (0..0x700u32)
            .map(|i| char::from_u32(i).map_or(CharClass::Sep, classify_slow))
            .collect()
    });
    match t.get(c as usize) {
        Some(&k) => k,
        None => classify_slow(c),
    }
}

/// Call `f` with every match-form word of `text` (runs of letters and digits).
pub fn for_each_match_word(text: &str, mut f: impl FnMut(&str)) {
    let mut buf = String::with_capacity(32);
    for c in text.chars() {
        match classify(c) {
            CharClass::Drop => {}
            CharClass::Word(m) => buf.push(m),
            CharClass::Sep => {
                if !buf.is_empty() {
                    f(&buf);
                    buf.clear();
                }
            }
        }
    }
    if !buf.is_empty() {
        f(&buf);
    }
}

/// Call `f` with a 64-bit hash of every match-form word of `text` (the words
/// of [`for_each_match_word`], without building them).
pub fn for_each_word_hash(text: &str, mut f: impl FnMut(u64)) {
    const SEED: u64 = 0xcbf2_9ce4_8422_2325;
    let mut h = SEED;
    let mut in_word = false;
    for c in text.chars() {
        match classify(c) {
            CharClass::Drop => {}
            CharClass::Word(m) => {
                h = (h ^ m as u64).wrapping_mul(0x0000_0100_0000_01b3);
                in_word = true;
            }
            CharClass::Sep => {
                if in_word {
                    f(finish_hash(h));
                    h = SEED;
                    in_word = false;
                }
            }
        }
    }
    if in_word {
        f(finish_hash(h));
    }
}

#[inline]
fn finish_hash(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The match-form words of `text`.
pub fn match_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_match_word(text, |w| out.push(w.to_string()));
    out
}

/// Fixed idf of a term given in match form (see the module doc).
pub fn idf(term: &str) -> f32 {
    match Lexicon::builtin().cb(term) {
        Some(cb) => (cb as f32 / 100.0).max(0.1),
        None => UNKNOWN_IDF,
    }
}

/// Call `f(term, byte_start)` for every content term of `text` (see the module
/// doc), skipping tokens that start inside one of `skip` (sorted, byte ranges).
/// Returns the number of word tokens seen (content or not).
pub fn for_each_term(text: &str, skip: &[Range<usize>], mut f: impl FnMut(&str, usize)) -> usize {
    if text.is_empty() {
        return 0;
    }
    let lex = Lexicon::builtin();
    let stop = StopWords::builtin();
    let whole = 0..text.len();
    let tokens = tokenize(text, std::slice::from_ref(&whole), lex);
    let mut k = 0;
    let mut words = 0;
    for t in &tokens {
        if !matches!(t.kind, TokenKind::Arabic | TokenKind::Latin) {
            continue;
        }
        words += 1;
        while k < skip.len() && skip[k].end <= t.start {
            k += 1;
        }
        if k < skip.len() && skip[k].start <= t.start {
            continue;
        }
        let norm = t.norm();
        if stop.contains(norm) {
            continue;
        }
        let stem;
        let term: &str = if t.kind == TokenKind::Arabic {
            stem = t.stem_norm(text);
            &stem
        } else {
            norm
        };
        if term.chars().count() < MIN_TERM_CHARS
            || stop.contains(term)
            || term.chars().all(|c| c.is_ascii_digit())
        {
            continue;
        }
        f(term, t.start);
    }
    words
}

/// Byte offset of every char offset of `text` (`len + 1` entries, the last
/// one is `text.len()`), for converting the document's char spans.
pub fn char_to_byte(text: &str) -> Vec<usize> {
    let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    v.push(text.len());
    v
}

/// Byte range of a char span, clamped to the text (never panics).
pub fn byte_range(c2b: &[usize], start: usize, end: usize) -> Range<usize> {
    let last = c2b.len() - 1;
    let s = c2b[start.min(last)];
    let e = c2b[end.min(last)];
    s..e.max(s)
}

/// Jaccard similarity of two sorted, deduplicated slices.
pub fn jaccard_sorted<T: Ord>(a: &[T], b: &[T]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f32 / (a.len() + b.len() - inter) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_stop_list_loads() {
        let s = StopWords::builtin();
        assert!(s.len() > 200);
        for w in ["في", "الذي", "قال", "اكد", "لدي"] {
            assert!(s.contains(w), "{w}");
        }
        assert!(!s.contains("زلزال"));
    }

    #[test]
    fn stop_list_errors_name_file_and_line() {
        let cases = [
            ("# c\nفي\nمن\tx\n", 3),
            ("في\n\nعلى\nعلى\n", 4),
            ("في\nإلى\nالى\n", 3),
            ("في\nفي الا\n", 2),
            ("\u{064E}\n", 1),
        ];
        for (text, line) in cases {
            let e = StopWords::parse("s.txt", text).unwrap_err();
            assert_eq!((e.file.as_str(), e.line), ("s.txt", line), "{text:?}: {e}");
            assert!(e.to_string().starts_with(&format!("s.txt:{line}: ")));
        }
        assert_eq!(StopWords::parse("s.txt", "# only\n\n").unwrap().len(), 0);
    }

    #[test]
    fn char_table_agrees_with_match_form() {
        for c in '\u{0}'..='\u{07FF}' {
            assert!(classify(c) == classify_slow(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn word_hashes_follow_words() {
        let texts = [
            "قالَ الرئيسُ: «الحلّ قريب».",
            "a",
            "",
            "٢٠١٥، إسطنبول!",
            "x y x",
        ];
        for t in texts {
            let mut h = Vec::new();
            for_each_word_hash(t, |x| h.push(x));
            let w = match_words(t);
            assert_eq!(h.len(), w.len(), "{t}");
            for i in 0..w.len() {
                for j in 0..w.len() {
                    assert_eq!(h[i] == h[j], w[i] == w[j], "{t}");
                }
            }
        }
        let (mut a, mut b) = (0, 0);
        for_each_word_hash("الحل", |x| a = x);
        for_each_word_hash("الحلّ،", |x| b = x);
        assert_eq!(a, b);
    }

    #[test]
    fn match_words_table() {
        let cases: [(&str, &[&str]); 5] = [
            (
                "قالَ الرئيسُ: «الحلّ قريب».",
                &["قال", "الرئيس", "الحل", "قريب"],
            ),
            ("عام ٢٠١٥، في إسطنبول", &["عام", "2015", "في", "اسطنبول"]),
            ("NATO-summit!!", &["nato", "summit"]),
            ("مــوسكو", &["موسكو"]),
            ("...", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(match_words(text), want, "{text}");
        }
    }

    #[test]
    fn terms_drop_stop_words_clitics_and_skipped_spans() {
        let text = "وقال الرئيس إن الزلزال ضرب المدينة في 2015 وروسيا";
        let skip_start = text.find("وروسيا").unwrap();
        let mut got = Vec::new();
        let skip = skip_start..text.len();
        let words = for_each_term(text, std::slice::from_ref(&skip), |t, _| {
            got.push(t.to_string())
        });
        assert_eq!(words, 8);
        assert!(got.contains(&"رئيس".to_string()), "{got:?}");
        assert!(got.contains(&"زلزال".to_string()), "{got:?}");
        assert!(
            !got.iter()
                .any(|t| t == "قال" || t == "في" || t.contains("روسيا")),
            "{got:?}"
        );
    }

    #[test]
    fn idf_orders_common_below_rare() {
        assert!(idf("في") < idf("زلزال"));
        assert_eq!(idf("قخقخقخقخ"), UNKNOWN_IDF);
    }

    #[test]
    fn byte_range_clamps() {
        let t = "اب c";
        let c2b = char_to_byte(t);
        assert_eq!(byte_range(&c2b, 0, 2), 0..4);
        assert_eq!(byte_range(&c2b, 3, 99), 5..6);
        assert_eq!(byte_range(&c2b, 9, 2), 6..6);
    }

    #[test]
    fn jaccard_table() {
        assert_eq!(jaccard_sorted(&[1, 2, 3], &[2, 3, 4]), 0.5);
        assert_eq!(jaccard_sorted::<u8>(&[], &[]), 0.0);
        assert_eq!(jaccard_sorted(&[1], &[1]), 1.0);
    }
}
