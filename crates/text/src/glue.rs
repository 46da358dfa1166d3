//! Glued-word repair: scraped Arabic often loses the space between two words
//! (`موسكووواشنطن`, `الولاياتالمتحدة`, `فيسيناء`). Each Arabic-letter run is
//! segmented with a unigram model over the word-frequency [`Lexicon`]
//! (Norvig-style): the whole word is scored against every split into 2 or 3
//! known parts, and the run is split only when the split clearly wins.
//!
//! * Words known to the lexicon at a reasonable frequency are kept with one
//!   hash lookup; only rare and unknown words get the split search.
//! * Unknown whole words get a length-dependent log-probability, parts must be
//!   known words (or a one-letter proclitic `و ف ب ل ك` + a known word), each
//!   boundary costs a penalty, and parts are at least two letters long.
//! * Splitting works on the match form; the space goes into the display text
//!   before the display letter (so after any diacritics of the previous
//!   letter), with the origin of that letter.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::lexicon::{FxBuild, Lexicon, WordKey};
use crate::mapped::{Builder, MappedText};
use crate::matchform::{is_diacritic, match_char};

/// One repaired token: the glued word as found, where its repaired form
/// starts in the output text, and the byte offsets (in the output) where
/// spaces were inserted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub word: String,
    pub start: usize,
    pub spaces_at: Vec<usize>,
}

impl Repair {
    /// The repaired form (`word` with its spaces) in the repaired `output` text.
    pub fn repaired<'a>(&self, output: &'a str) -> &'a str {
        &output[self.start..self.start + self.word.len() + self.spaces_at.len()]
    }
}

/// Thresholds of the segmentation model (log10 units). [`Params::default`] is
/// tuned on SaudiNewsNet 2015-07 (see [`eval`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Whole words known at this many centibels or fewer are never split.
    pub known_cb: u16,
    /// log10 P of an unknown whole word of `n` letters is
    /// `-(unknown_base + unknown_per_letter * n)`.
    pub unknown_base: f64,
    pub unknown_per_letter: f64,
    /// Cost of each inserted space.
    pub split_penalty: f64,
    /// Cost of reading a part as proclitic + known word (not itself known).
    pub clitic_penalty: f64,
    /// Parts rarer than this (centibels) do not count as known.
    pub part_max_cb: u16,
    /// Minimum letters in a part.
    pub min_part: usize,
    /// Search 3-part splits too.
    pub three_parts: bool,
    /// Cost of reading the whole word as proclitics + known stem + enclitic
    /// (per clitic group), so inflected forms missing from the lexicon are
    /// not mistaken for glued words.
    pub morph_penalty: f64,
    /// Cost of an inflectional suffix (dual, plural, nisba) in that reading.
    pub suffix_penalty: f64,
    /// Let a part be an inflected form (proclitics + known stem + suffix +
    /// enclitic, as in [`morph_score`]) at this extra cost.
    pub morph_parts: bool,
    pub morph_part_penalty: f64,
    /// Corpus evidence: added when the split form occurs spaced in the batch
    /// at least as often as the glued form; subtracted when the glued form
    /// recurs and is the more common one.
    pub corpus_bonus: f64,
    pub corpus_penalty: f64,
    /// Occurrences of the glued form in the batch before it counts as a
    /// spelling (a wire copy repeats a glued word once).
    pub corpus_min_whole: u32,
    /// Added per neighbouring word seen next to the part (or the whole word)
    /// elsewhere in the batch.
    pub context_bonus: f64,
    /// Added when a part occurs as a word elsewhere in the document.
    pub part_in_doc_bonus: f64,
    /// Added when the first part is a short function word.
    pub function_bonus: f64,
    /// Added when a cut falls right after a `ة`/`ى` inside the run.
    pub final_bonus: f64,
    /// Split when split score - whole score exceeds this.
    pub margin: f64,
    /// Added to the margin when the split form occurs spaced in the text.
    pub spaced_bonus: f64,
    /// Subtracted when the whole word occurs more than once in the text.
    pub repeat_penalty: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            known_cb: 650,
            unknown_base: 4.0,
            unknown_per_letter: 0.9,
            split_penalty: 1.0,
            clitic_penalty: 1.5,
            part_max_cb: 700,
            min_part: 2,
            three_parts: true,
            morph_penalty: 1.0,
            suffix_penalty: 1.5,
            morph_parts: true,
            morph_part_penalty: 1.0,
            corpus_bonus: 2.0,
            corpus_penalty: 3.0,
            corpus_min_whole: 3,
            final_bonus: 2.0,
            function_bonus: 1.0,
            part_in_doc_bonus: 1.0,
            context_bonus: 1.0,
            margin: 2.0,
            spaced_bonus: 2.0,
            repeat_penalty: 2.0,
        }
    }
}

/// Letters that make up an Arabic word run (diacritics and tatweel attach to
/// the run but are not letters).
#[inline]
fn is_arabic_letter(c: char) -> bool {
    !is_diacritic(c)
        && matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' | '\u{066E}'..='\u{06D3}' | '\u{06D5}' | '\u{06EE}' | '\u{06EF}' | '\u{06FA}'..='\u{06FC}' | '\u{06FF}')
}

/// Chars that continue a run once it started (diacritics, tatweel).
#[inline]
fn continues_run(c: char) -> bool {
    is_arabic_letter(c) || c == '\u{0640}' || (is_diacritic(c) && c as u32 >= 0x0600)
}

/// The short-word lists of `data/text/glue-words.tsv` (match forms).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GlueWords {
    /// Two-letter words that may stand alone as a part of a glued run.
    pub short: Vec<String>,
    /// Short `ال` words (at most four letters) that may be parts.
    pub al: Vec<String>,
    /// Function words after which a space is most often lost.
    pub function: Vec<String>,
}

impl GlueWords {
    /// Parse `word<TAB>role` lines (role `short`, `al` or `function`).
    pub fn parse(file: &str, text: &str) -> Result<Self, crate::data::DataError> {
        let mut w = GlueWords::default();
        for (line, l) in crate::data::lines(text) {
            let err = |message: String| crate::data::DataError {
                file: file.into(),
                line,
                message,
            };
            let Some((word, role)) = l.split_once('\t') else {
                return Err(err(format!("expected word<TAB>role, found {l:?}")));
            };
            let m = crate::matchform::match_form(word.trim());
            let n = m.chars().count();
            if n == 0 || m.chars().any(|c| !is_arabic_letter(c)) {
                return Err(err(format!("{word:?} is not an Arabic word")));
            }
            let list = match role.trim() {
                "short" if n == 2 => &mut w.short,
                "short" => return Err(err(format!("{word:?}: a short word has two letters"))),
                "al" if n <= 4 && m.starts_with("ال") => &mut w.al,
                "al" => {
                    return Err(err(format!(
                        "{word:?}: an al word starts with ال and has at most four letters"
                    )))
                }
                "function" => &mut w.function,
                other => {
                    return Err(err(format!(
                        "role {other:?}: expected short, al or function"
                    )))
                }
            };
            if !list.contains(&m) {
                list.push(m);
            }
        }
        Ok(w)
    }

    /// The built-in lists.
    pub fn builtin() -> &'static GlueWords {
        static W: std::sync::OnceLock<GlueWords> = std::sync::OnceLock::new();
        W.get_or_init(|| {
            let (f, t) = crate::data::GLUE_WORDS_TSV;
            GlueWords::parse(f, t)
                .unwrap_or_else(|e| panic!("built-in data is invalid (a build defect): {e}"))
        })
    }

    fn is_short(&self, p: &str) -> bool {
        self.short.iter().any(|w| w == p)
    }

    fn is_al(&self, p: &str) -> bool {
        self.al.iter().any(|w| w == p)
    }

    fn is_function(&self, p: &str) -> bool {
        self.function.iter().any(|w| w == p)
    }
}

/// Parts that never stand alone in running text: two-letter words outside
/// the `short` list, and short `ال` words outside the `al` list (`الم`, `الخ`, `الان`), which are
/// usually the article of an unknown word.
fn is_bad_part(p: &str) -> bool {
    let n = p.chars().count();
    let w = GlueWords::builtin();
    (n <= 2 && !w.is_short(p)) || (n <= 4 && p.starts_with("ال") && !w.is_al(p))
}

/// Score of a part (log10 P) or `None` when it is not a plausible word.
fn part_score(p: &str, nchars: usize, lex: &Lexicon, prm: &Params) -> Option<f64> {
    if nchars < prm.min_part || is_bad_part(p) {
        return None;
    }
    if let Some(cb) = lex.cb(p) {
        if cb <= prm.part_max_cb {
            return Some(-(cb as f64) / 100.0);
        }
    }
    // Proclitic + known word: و / ف / ب / ل / ك.
    let mut it = p.chars();
    let first = it.next()?;
    if matches!(first, 'و' | 'ف' | 'ب' | 'ل' | 'ك') && nchars >= 3 {
        let rest = it.as_str();
        if !is_bad_part(rest) {
            if let Some(cb) = lex.cb(rest) {
                if cb <= prm.part_max_cb {
                    return Some(-(cb as f64) / 100.0 - prm.clitic_penalty);
                }
            }
        }
    }
    if prm.morph_parts && nchars >= 4 {
        return morph_cached(p, lex, prm).map(|s| s - prm.morph_part_penalty);
    }
    None
}

/// Splits kept as alternatives score at most this much below the best.
const ALT_RANGE: f64 = 3.0;
const MAX_ALTS: usize = 5;

/// Proclitic groups (match form), longest first within each family.
const PROCLITICS: &[&str] = &[
    "وبال", "وكال", "فبال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال", "وب", "ول", "فب",
    "فل", "وك", "وس", "فس", "و", "ف", "ب", "ل", "ك", "س",
];
/// Enclitic pronouns (match form).
const ENCLITICS: &[&str] = &[
    "هما", "كما", "ه", "ها", "هم", "هن", "ك", "كم", "كن", "نا", "ي", "ني",
];

#[inline]
fn known(lex: &Lexicon, w: &str, max_cb: u16) -> Option<f64> {
    match lex.cb(w) {
        Some(cb) if cb <= max_cb => Some(-(cb as f64) / 100.0),
        _ => None,
    }
}

/// Best score of a stem (after an enclitic was removed): as is, or with a
/// final `ت` read back as `ة` (`حكومته` → `حكومة`).
fn stem_score(stem: &str, lex: &Lexicon, max_cb: u16, buf: &mut String) -> Option<f64> {
    let a = known(lex, stem, max_cb);
    let b = stem.strip_suffix('ت').and_then(|s| {
        buf.clear();
        buf.push_str(s);
        buf.push('ه');
        known(lex, buf, max_cb)
    });
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

/// Inflectional suffixes (match form): dual, plural, nisba, tanween alef.
const SUFFIXES: &[&str] = &[
    "ا", "ان", "ين", "ون", "ات", "ي", "يه", "يا", "يين", "يات", "يون", "تين", "تان", "يان", "وا",
];

/// log10 P of `m` read as proclitics + known stem + suffix + enclitic (stem
/// at least two letters, at least one affix), or `None`.
fn morph_score(m: &str, lex: &Lexicon, prm: &Params) -> Option<f64> {
    let mut best: Option<f64> = None;
    let mut buf = String::new();
    let max_cb = prm.part_max_cb;
    let mut consider = |s: Option<f64>| {
        if let Some(s) = s {
            best = Some(best.map_or(s, |b: f64| b.max(s)));
        }
    };
    let long_enough = |s: &str| s.chars().nth(1).is_some();
    let mut pro: Vec<(&str, f64)> = vec![(m, 0.0)];
    for p in PROCLITICS {
        if let Some(rest) = m.strip_prefix(p) {
            if long_enough(rest) {
                pro.push((rest, prm.morph_penalty));
                if p.ends_with("ال") || p.ends_with("لل") {
                    buf.clear();
                    buf.push_str("ال");
                    buf.push_str(rest);
                    consider(known(lex, &buf, max_cb).map(|s| s - prm.morph_penalty));
                }
            }
        }
    }
    let mut enc: Vec<(&str, f64)> = Vec::new();
    for &(rest, pen) in &pro {
        enc.clear();
        enc.push((rest, pen));
        for e in ENCLITICS {
            if let Some(stem) = rest.strip_suffix(e) {
                if long_enough(stem) {
                    enc.push((stem, pen + prm.morph_penalty));
                }
            }
        }
        for &(stem, pen) in &enc {
            if pen > 0.0 {
                consider(stem_score(stem, lex, max_cb, &mut buf).map(|s| s - pen));
            }
            // At most two affix groups: a suffix with a proclitic or an
            // enclitic, not with both.
            if pen > prm.morph_penalty {
                continue;
            }
            for suf in SUFFIXES {
                if let Some(st) = stem.strip_suffix(suf) {
                    if long_enough(st) {
                        consider(
                            stem_score(st, lex, max_cb, &mut buf)
                                .map(|s| s - pen - prm.suffix_penalty),
                        );
                    }
                }
            }
        }
    }
    best
}

/// The evidence for one candidate word (match form): the whole-word reading
/// against the best split into known parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Letters in the word.
    pub n: usize,
    /// Centibels of the whole word, if in the lexicon.
    pub whole_cb: Option<u16>,
    /// Best clitic/suffix reading of the whole word (log10 P).
    pub morph: Option<f64>,
    /// log10 P of the whole word: known, morphological or unknown penalty.
    pub whole: f64,
    /// Chosen split: cut points (char indices, ascending).
    pub cuts: Vec<usize>,
    /// Sum of part scores minus split penalties.
    pub split: f64,
    /// The splits scoring within [`ALT_RANGE`] of the best, best first
    /// (cuts, score); evidence from the text may choose another than the best.
    pub alts: Vec<(Vec<usize>, f64)>,
    /// Document evidence (filled by [`repair`]): occurrences of the whole
    /// word in the text (itself included; 0 when unknown), and whether the
    /// split form occurs with spaces elsewhere in the text.
    pub repeats: usize,
    pub spaced: bool,
    /// Corpus evidence (filled when a [`CorpusCounts`] is given): occurrences
    /// of the whole word and of its split form in the batch of documents.
    pub corpus_whole: u32,
    pub corpus_spaced: u32,
    /// Context evidence for the chosen split and for the whole word: the
    /// neighbouring words occur next to its first/last part (or next to the
    /// whole word) elsewhere in the batch.
    pub context_split: f64,
    pub context_whole: f64,
    /// A cut falls right after a word-final letter (`ة`, `ى`) inside the run
    /// (filled by [`repair`], which sees the display letters).
    pub final_inside: bool,
    /// The first part is a short function word (`في`, `من`, `ما`, …), after
    /// which scraped text most often loses a space.
    pub function_first: bool,
    /// A part (three letters or more) occurs as a word elsewhere in the
    /// document (filled by [`DocContext::annotate`]).
    pub part_in_doc: bool,
}

/// Score the whole word `m` (match form of an Arabic-letter run) and its best
/// split. `None` when the word is skipped (known and frequent enough, too
/// short or too long) or cannot be split into known parts.
pub fn analyze(m: &str, lex: &Lexicon, prm: &Params) -> Option<Analysis> {
    let whole_cb = lex.cb(m);
    if whole_cb.is_some_and(|cb| cb <= prm.known_cb) {
        return None;
    }
    analyze_rest(m, whole_cb, lex, prm)
}

/// Per-thread memo of [`analyze_rest`] (words recur across documents), keyed
/// by lexicon identity and thresholds.
#[derive(Default)]
struct AnalysisCache {
    lex: usize,
    prm: Option<Params>,
    short: HashMap<WordKey, Option<Rc<Analysis>>, FxBuild>,
    long: HashMap<Box<str>, Option<Rc<Analysis>>, FxBuild>,
    /// Inflected readings of parts ([`morph_score`]), shared across words.
    morph: HashMap<Box<str>, Option<f64>, FxBuild>,
}

thread_local! {
    static ANALYSIS_CACHE: RefCell<AnalysisCache> = RefCell::new(AnalysisCache::default());
}

const ANALYSIS_CACHE_MAX: usize = 100_000;

/// [`morph_score`] through the per-thread cache (called while a word is
/// analysed, with the cache set up for `lex`/`prm` by [`analyze_cached`]).
fn morph_cached(p: &str, lex: &Lexicon, prm: &Params) -> Option<f64> {
    let id = lex as *const Lexicon as usize;
    let hit = ANALYSIS_CACHE.with(|cell| {
        let c = cell.borrow();
        if c.lex == id && c.prm.as_ref() == Some(prm) {
            c.morph.get(p).copied()
        } else {
            None
        }
    });
    if let Some(s) = hit {
        return s;
    }
    let s = morph_score(p, lex, prm);
    ANALYSIS_CACHE.with(|cell| {
        let mut c = cell.borrow_mut();
        if c.lex == id && c.prm.as_ref() == Some(prm) {
            if c.morph.len() >= ANALYSIS_CACHE_MAX {
                c.morph.clear();
            }
            c.morph.insert(p.into(), s);
        }
    });
    s
}

/// [`analyze`] through the per-thread cache; `None` also when no evidence
/// could make a split win ([`hopeless`]).
fn analyze_cached(m: &str, lex: &Lexicon, prm: &Params) -> Option<Rc<Analysis>> {
    let whole_cb = lex.cb(m);
    if whole_cb.is_some_and(|cb| cb <= prm.known_cb) {
        return None;
    }
    ANALYSIS_CACHE.with(|cell| {
        let mut c = cell.borrow_mut();
        let id = lex as *const Lexicon as usize;
        if c.lex != id || c.prm.as_ref() != Some(prm) {
            c.lex = id;
            c.prm = Some(*prm);
            c.short.clear();
            c.long.clear();
            c.morph.clear();
        }
        match WordKey::new(m) {
            Some(k) => {
                if let Some(a) = c.short.get(&k) {
                    return a.clone();
                }
                drop(c);
                let a = analyze_rest(m, whole_cb, lex, prm)
                    .filter(|a| !hopeless(a, prm))
                    .map(Rc::new);
                let mut c = cell.borrow_mut();
                if c.short.len() >= ANALYSIS_CACHE_MAX {
                    c.short.clear();
                }
                c.short.insert(k, a.clone());
                a
            }
            None => {
                if let Some(a) = c.long.get(m) {
                    return a.clone();
                }
                drop(c);
                let a = analyze_rest(m, whole_cb, lex, prm)
                    .filter(|a| !hopeless(a, prm))
                    .map(Rc::new);
                let mut c = cell.borrow_mut();
                if c.long.len() >= ANALYSIS_CACHE_MAX {
                    c.long.clear();
                }
                c.long.insert(m.into(), a.clone());
                a
            }
        }
    })
}

// Loop indices are cut positions in the word, used beyond indexing.
#[allow(clippy::needless_range_loop)]
fn analyze_rest(m: &str, whole_cb: Option<u16>, lex: &Lexicon, prm: &Params) -> Option<Analysis> {
    // Char boundaries of m: starts[k] = byte offset of char k; starts[n] = len.
    let mut starts: Vec<usize> = m.char_indices().map(|(i, _)| i).collect();
    let n = starts.len();
    starts.push(m.len());
    let mp = prm.min_part.max(1);
    if n < 2 * mp || n > 40 {
        return None;
    }
    let part = |a: usize, b: usize| part_score(&m[starts[a]..starts[b]], b - a, lex, prm);
    // Every split within ALT_RANGE of the best one, best first.
    let mut alts: Vec<(Vec<usize>, f64)> = Vec::new();
    let mut best = f64::NEG_INFINITY;
    let mut consider = |cuts: Vec<usize>, s: f64, best: &mut f64| {
        if s > *best {
            *best = s;
        }
        if s > *best - ALT_RANGE {
            alts.push((cuts, s));
        }
    };
    let prefix: Vec<Option<f64>> = (0..=n)
        .map(|i| if i >= mp { part(0, i) } else { None })
        .collect();
    let suffix: Vec<Option<f64>> = (0..=n)
        .map(|i| if n - i >= mp { part(i, n) } else { None })
        .collect();
    for i in mp..=n - mp {
        if let (Some(a), Some(b)) = (prefix[i], suffix[i]) {
            consider(vec![i], a + b - prm.split_penalty, &mut best);
        }
    }
    if prm.three_parts && n >= 3 * mp {
        for i in mp..=n - 2 * mp {
            let Some(a) = prefix[i] else { continue };
            for j in i + mp..=n - mp {
                let Some(c) = suffix[j] else { continue };
                let s0 = a + c - 2.0 * prm.split_penalty;
                if s0 <= best - ALT_RANGE {
                    continue;
                }
                if let Some(b) = part(i, j) {
                    consider(vec![i, j], s0 + b, &mut best);
                }
            }
        }
    }
    if alts.is_empty() {
        return None;
    }
    alts.retain(|a| a.1 > best - ALT_RANGE);
    alts.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    alts.truncate(MAX_ALTS);
    let (cuts, best) = alts[0].clone();
    let morph = morph_score(m, lex, prm);
    let mut whole = match whole_cb {
        Some(cb) => -(cb as f64) / 100.0,
        None => -(prm.unknown_base + prm.unknown_per_letter * n as f64),
    };
    if let Some(s) = morph {
        whole = whole.max(s);
    }
    Some(Analysis {
        n,
        whole_cb,
        morph,
        whole,
        cuts,
        split: best,
        alts,
        repeats: 0,
        spaced: false,
        corpus_whole: 0,
        corpus_spaced: 0,
        context_split: 0.0,
        context_whole: 0.0,
        final_inside: false,
        function_first: false,
        part_in_doc: false,
    })
}

/// Whether the split of `a` clearly beats the whole word.
pub fn decide(a: &Analysis, prm: &Params) -> bool {
    base_margin(a, prm) + doc_margin(a, prm) > prm.margin
}

/// The split's margin over the whole word from everything but the document
/// evidence.
fn base_margin(a: &Analysis, prm: &Params) -> f64 {
    let mut margin = a.split - a.whole + a.context_split - a.context_whole;
    if a.final_inside {
        margin += prm.final_bonus;
    }
    if a.function_first {
        margin += prm.function_bonus;
    }
    let (w, sp) = (a.corpus_whole, a.corpus_spaced);
    if sp >= 1 && sp >= w {
        margin += prm.corpus_bonus;
    } else if w >= prm.corpus_min_whole && sp < w {
        margin -= prm.corpus_penalty;
    }
    margin
}

/// Whether no evidence can make any split of `a` win: the best split's
/// margin plus every bonus stays at or below the threshold.
fn hopeless(a: &Analysis, prm: &Params) -> bool {
    let most = [
        prm.final_bonus,
        prm.function_bonus,
        prm.corpus_bonus,
        2.0 * prm.context_bonus,
        prm.spaced_bonus,
        prm.part_in_doc_bonus,
    ]
    .iter()
    .map(|b| b.max(0.0))
    .sum::<f64>();
    a.split - a.whole + most <= prm.margin
}

/// What the document evidence ([`DocContext::annotate`]) adds to the margin.
fn doc_margin(a: &Analysis, prm: &Params) -> f64 {
    let mut margin = 0.0;
    if a.spaced {
        margin += prm.spaced_bonus;
    } else if a.repeats >= 2 {
        margin -= prm.repeat_penalty;
    }
    if a.part_in_doc {
        margin += prm.part_in_doc_bonus;
    }
    margin
}

/// The match form of a whole text, to look for other occurrences of a word
/// and of its split form (names recur in an article; so do correctly spaced
/// forms of an accidentally glued phrase).
pub struct DocContext<'t> {
    text: &'t str,
    mf: std::cell::OnceCell<String>,
    words: std::cell::OnceCell<HashMap<Box<str>, u32, FxBuild>>,
}

impl<'t> DocContext<'t> {
    /// Cheap: the match form and the word counts are computed on first use.
    pub fn new(text: &'t str) -> Self {
        DocContext {
            text,
            mf: std::cell::OnceCell::new(),
            words: std::cell::OnceCell::new(),
        }
    }

    /// Occurrences of `needle` (a word, or words separated by single spaces)
    /// delimited by non-letters.
    pub fn count(&self, needle: &str) -> usize {
        if !needle.contains(' ') {
            let words = self.words.get_or_init(|| {
                let mut w: HashMap<Box<str>, u32, FxBuild> = HashMap::default();
                let mut m = String::new();
                for (rs, re) in runs(self.text) {
                    m.clear();
                    crate::matchform::push_match_form(&self.text[rs..re], &mut m);
                    match w.get_mut(m.as_str()) {
                        Some(n) => *n += 1,
                        None => {
                            w.insert(m.as_str().into(), 1);
                        }
                    }
                }
                w
            });
            return words.get(needle).map_or(0, |&n| n as usize);
        }
        let h = self
            .mf
            .get_or_init(|| crate::matchform::match_form(self.text));
        let mut n = 0;
        let mut from = 0;
        while let Some(i) = h[from..].find(needle) {
            let a = from + i;
            let e = a + needle.len();
            let before = h[..a].chars().next_back().is_some_and(is_arabic_letter);
            let after = h[e..].chars().next().is_some_and(is_arabic_letter);
            if !before && !after {
                n += 1;
            }
            from = a + needle.chars().next().map_or(1, char::len_utf8);
        }
        n
    }

    /// Fill [`Analysis::repeats`] and [`Analysis::spaced`] for word `m`.
    pub fn annotate(&self, m: &str, a: &mut Analysis) {
        a.repeats = self.count(m);
        let sp = spaced_form(m, &a.cuts);
        a.spaced = self.count(&sp) > 0;
        // A part of three letters or more, not a function word, that the
        // document uses as a word of its own (`فيينا` in `فيفيينا`).
        a.part_in_doc = sp.split(' ').any(|p| {
            p.chars().nth(2).is_some() && !GlueWords::builtin().is_function(p) && self.count(p) > 0
        });
    }
}

/// `m` with a space at each cut (char indices).
fn spaced_form(m: &str, cuts: &[usize]) -> String {
    let mut phrase = String::with_capacity(m.len() + cuts.len());
    let mut prev = 0;
    for (i, (bi, _)) in m.char_indices().enumerate() {
        if cuts.contains(&i) {
            phrase.push_str(&m[prev..bi]);
            phrase.push(' ');
            prev = bi;
        }
    }
    phrase.push_str(&m[prev..]);
    phrase
}

/// Match forms of the words right before and after a run, when a single
/// space separates them from it.
#[derive(Debug, Default, Clone, Copy)]
pub struct Around<'a> {
    pub left: Option<&'a str>,
    pub right: Option<&'a str>,
}

/// The neighbouring runs of run `i` of `spans` (byte ranges in `text`), when
/// a single space separates them from it.
#[derive(Debug, Clone, Copy)]
struct Neighbours<'t> {
    text: &'t str,
    left: Option<(usize, usize)>,
    right: Option<(usize, usize)>,
}

impl<'t> Neighbours<'t> {
    fn of(text: &'t str, spans: &[(usize, usize)], i: usize) -> Self {
        let (rs, re) = spans[i];
        let left = i
            .checked_sub(1)
            .map(|j| spans[j])
            .filter(|&(_, pe)| &text[pe..rs] == " ");
        let right = spans
            .get(i + 1)
            .copied()
            .filter(|&(ns, _)| &text[re..ns] == " ");
        Neighbours { text, left, right }
    }

    /// Match forms of the neighbours into `l`/`r`.
    fn forms<'b>(&self, l: &'b mut String, r: &'b mut String) -> Around<'b> {
        l.clear();
        r.clear();
        if let Some((a, b)) = self.left {
            crate::matchform::push_match_form(&self.text[a..b], l);
        }
        if let Some((a, b)) = self.right {
            crate::matchform::push_match_form(&self.text[a..b], r);
        }
        Around {
            left: self.left.map(|_| l.as_str()),
            right: self.right.map(|_| r.as_str()),
        }
    }
}

/// First and last word of a spaced form.
fn first_last(sp: &str) -> (&str, &str) {
    let first = sp.split(' ').next().unwrap_or(sp);
    let last = sp.rsplit(' ').next().unwrap_or(sp);
    (first, last)
}

/// One text's Arabic-letter runs with their match forms and whether repair
/// might split each (pass 1 of [`CorpusCounts`]), kept so that the tally
/// ([`CorpusCounts::tally_prepared`]) and the repair ([`repair_prepared`]) of
/// the same text do not read it again.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// Byte ranges of the runs.
    spans: Vec<(usize, usize)>,
    /// Match forms of the runs, concatenated; run i is `forms[ends[i-1]..ends[i]]`.
    forms: String,
    ends: Vec<usize>,
    /// Whether the run's word has a split analysis (the repair looks at no
    /// other run).
    splittable: Vec<bool>,
    /// The candidate words and split forms to count (see
    /// [`CorpusCounts::candidates`]).
    pub candidates: Vec<Box<str>>,
}

impl Prepared {
    /// Pass 1 over `text`.
    pub fn new(text: &str, lex: &Lexicon, prm: &Params) -> Prepared {
        let mut p = Prepared::runs_of(text);
        let (mut lb, mut rb) = (String::new(), String::new());
        let mut splittable = Vec::with_capacity(p.spans.len());
        let mut out: Vec<Box<str>> = Vec::new();
        for i in 0..p.spans.len() {
            let m = p.form(i);
            let Some(a) = analyze_cached(m, lex, prm) else {
                splittable.push(false);
                continue;
            };
            splittable.push(true);
            let around = Neighbours::of(text, &p.spans, i).forms(&mut lb, &mut rb);
            out.push(m.into());
            if let Some(l) = around.left {
                out.push(format!("{l} {m}").into());
            }
            if let Some(r) = around.right {
                out.push(format!("{m} {r}").into());
            }
            for (cuts, _) in &a.alts {
                let sp = spaced_form(m, cuts);
                let (first, last) = first_last(&sp);
                if let Some(l) = around.left {
                    out.push(format!("{l} {first}").into());
                }
                if let Some(r) = around.right {
                    out.push(format!("{last} {r}").into());
                }
                out.push(sp.into());
            }
        }
        p.splittable = splittable;
        p.candidates = out;
        p
    }

    /// The runs of `text` and their match forms (no analysis yet).
    fn runs_of(text: &str) -> Prepared {
        let spans: Vec<(usize, usize)> = runs(text).collect();
        let mut forms = String::with_capacity(text.len());
        let mut ends = Vec::with_capacity(spans.len());
        for &(rs, re) in &spans {
            crate::matchform::push_match_form(&text[rs..re], &mut forms);
            ends.push(forms.len());
        }
        Prepared {
            spans,
            forms,
            ends,
            ..Prepared::default()
        }
    }

    /// Match form of run `i`.
    fn form(&self, i: usize) -> &str {
        let a = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.forms[a..self.ends[i]]
    }
}

/// Evidence from a batch of documents (an `analyze` run, an ingest batch):
/// how often each candidate glued word occurs as one word, and how often its
/// best split occurs as separate words. A word written whole more often than
/// split is a spelling or a name (`إنفاذاً`, `ماريوبول`), not an accident of
/// scraping; a split form that is the common one confirms the repair.
///
/// Built in two passes over the same texts: the candidate words of every
/// text ([`CorpusCounts::candidates`], [`CorpusCounts::new`]), then their
/// occurrences ([`CorpusCounts::tally`], [`CorpusCounts::with_counts`]).
/// Each pass parallelises over texts; [`CorpusCounts::build`] does both in
/// one thread.
#[derive(Debug, Default, Clone)]
pub struct CorpusCounts {
    /// Candidate words and their split forms (with spaces) → index in `counts`.
    ids: HashMap<Box<str>, u32, FxBuild>,
    counts: Vec<u32>,
    /// Every word of a key: its own counter, and where it stands in the keys
    /// of two and three words (so that [`CorpusCounts::tally`] builds a word
    /// pair or triple only when it can be a key).
    words: HashMap<Box<str>, WordRole, FxBuild>,
}

/// Where a word stands in the keys of [`CorpusCounts`].
#[derive(Debug, Default, Clone, Copy)]
struct WordRole {
    /// Its counter as a key of its own.
    id: Option<u32>,
    first2: bool,
    last2: bool,
    first3: bool,
    mid3: bool,
    last3: bool,
}

impl CorpusCounts {
    /// Both passes over `texts`, in this thread.
    pub fn build<S: AsRef<str>>(texts: &[S], lex: &Lexicon, prm: &Params) -> Self {
        CorpusCounts::build_prepared(texts, lex, prm).0
    }

    /// [`CorpusCounts::build`], also returning each text's [`Prepared`] runs
    /// (for [`repair_prepared`]).
    pub fn build_prepared<S: AsRef<str>>(
        texts: &[S],
        lex: &Lexicon,
        prm: &Params,
    ) -> (Self, Vec<Prepared>) {
        let mut prepared: Vec<Prepared> = texts
            .iter()
            .map(|t| Prepared::new(t.as_ref(), lex, prm))
            .collect();
        let c = CorpusCounts::new(
            prepared
                .iter_mut()
                .flat_map(|p| std::mem::take(&mut p.candidates)),
        );
        let mut counts = vec![0; c.len()];
        for (t, p) in texts.iter().zip(&prepared) {
            c.tally_prepared(t.as_ref(), p, &mut counts);
        }
        (c.with_counts(counts), prepared)
    }

    /// Pass 1: the words of `text` that repair might split, each followed by
    /// its best split form.
    pub fn candidates(text: &str, lex: &Lexicon, prm: &Params) -> Vec<Box<str>> {
        Prepared::new(text, lex, prm).candidates
    }

    /// The counter for these candidates (duplicates are merged), all counts 0.
    pub fn new(candidates: impl IntoIterator<Item = Box<str>>) -> Self {
        let mut ids: HashMap<Box<str>, u32, FxBuild> = HashMap::default();
        for c in candidates {
            let n = ids.len() as u32;
            ids.entry(c).or_insert(n);
        }
        let counts = vec![0; ids.len()];
        let mut words: HashMap<Box<str>, WordRole, FxBuild> = HashMap::default();
        for (k, &i) in &ids {
            let parts: Vec<&str> = k.split(' ').collect();
            let mut role = |w: &str, f: &dyn Fn(&mut WordRole)| match words.get_mut(w) {
                Some(r) => f(r),
                None => {
                    let mut r = WordRole::default();
                    f(&mut r);
                    words.insert(w.into(), r);
                }
            };
            match parts[..] {
                [w] => role(w, &|r| r.id = Some(i)),
                [a, b] => {
                    role(a, &|r| r.first2 = true);
                    role(b, &|r| r.last2 = true);
                }
                [a, b, c] => {
                    role(a, &|r| r.first3 = true);
                    role(b, &|r| r.mid3 = true);
                    role(c, &|r| r.last3 = true);
                }
                // (Longer keys are never counted: `tally` looks at three
                // words at most.)
                _ => {}
            }
        }
        CorpusCounts { ids, counts, words }
    }

    /// Pass 2: add the occurrences in `text` of the candidates (split forms
    /// only when their words are separated by single spaces) to `counts`
    /// (length [`CorpusCounts::len`]; one vector per thread, summed).
    pub fn tally(&self, text: &str, counts: &mut [u32]) {
        if self.ids.is_empty() {
            return;
        }
        self.tally_prepared(text, &Prepared::runs_of(text), counts);
    }

    /// [`CorpusCounts::tally`] over the runs of `text` already read by
    /// [`Prepared::new`].
    pub fn tally_prepared(&self, text: &str, p: &Prepared, counts: &mut [u32]) {
        if self.ids.is_empty() {
            return;
        }
        let mut bump_id = |i: u32| {
            if let Some(n) = counts.get_mut(i as usize) {
                *n = n.saturating_add(1);
            }
        };
        // Roles of the previous two runs; `prev_end[i]` = where run i ended,
        // `usize::MAX` when it was not followed by a single space leading up
        // to the next run.
        let mut prev_role = [WordRole::default(); 2];
        let mut prev_end = [usize::MAX; 2];
        let mut buf = String::new();
        for (i, &(rs, re)) in p.spans.iter().enumerate() {
            let cur = p.form(i);
            let role = self.words.get(cur).copied().unwrap_or_default();
            if let Some(k) = role.id {
                bump_id(k);
            }
            let adj1 = prev_end[0] != usize::MAX && &text[prev_end[0]..rs] == " ";
            if adj1 {
                if prev_role[0].first2 && role.last2 {
                    buf.clear();
                    buf.push_str(p.form(i - 1));
                    buf.push(' ');
                    buf.push_str(cur);
                    if let Some(&k) = self.ids.get(buf.as_str()) {
                        bump_id(k);
                    }
                }
                if prev_end[1] != usize::MAX
                    && prev_role[1].first3
                    && prev_role[0].mid3
                    && role.last3
                {
                    buf.clear();
                    buf.push_str(p.form(i - 2));
                    buf.push(' ');
                    buf.push_str(p.form(i - 1));
                    buf.push(' ');
                    buf.push_str(cur);
                    if let Some(&k) = self.ids.get(buf.as_str()) {
                        bump_id(k);
                    }
                }
            }
            prev_role[1] = prev_role[0];
            prev_role[0] = role;
            prev_end[1] = if adj1 { prev_end[0] } else { usize::MAX };
            prev_end[0] = re;
        }
    }

    /// Take the counts summed over all texts.
    pub fn with_counts(mut self, counts: Vec<u32>) -> Self {
        if counts.len() == self.counts.len() {
            self.counts = counts;
        }
        self
    }

    fn get(&self, k: &str) -> u32 {
        self.ids
            .get(k)
            .and_then(|&i| self.counts.get(i as usize))
            .copied()
            .unwrap_or(0)
    }

    /// Fill [`Analysis::corpus_whole`], [`Analysis::corpus_spaced`] and the
    /// context evidence of the chosen split and of the whole word.
    pub fn annotate(&self, m: &str, a: &mut Analysis, around: Around, prm: &Params) {
        a.corpus_whole = self.get(m);
        a.corpus_spaced = self.get(&spaced_form(m, &a.cuts));
        a.context_split = self.split_context(m, &a.cuts, around, prm);
        // The whole word's own occurrence is among the counts, and a wire
        // copy repeats it: look for more.
        let mut w = 0.0;
        if let Some(l) = around.left {
            if self.get(&format!("{l} {m}")) >= prm.corpus_min_whole {
                w += prm.context_bonus;
            }
        }
        if let Some(r) = around.right {
            if self.get(&format!("{m} {r}")) >= prm.corpus_min_whole {
                w += prm.context_bonus;
            }
        }
        a.context_whole = w;
    }

    /// Evidence for the split `cuts` of `m`: its first part after the left
    /// neighbour, its last part before the right one, its spaced form.
    fn split_context(&self, m: &str, cuts: &[usize], around: Around, prm: &Params) -> f64 {
        let sp = spaced_form(m, cuts);
        let (first, last) = first_last(&sp);
        let mut e = 0.0;
        if let Some(l) = around.left {
            if self.get(&format!("{l} {first}")) >= 1 {
                e += prm.context_bonus;
            }
        }
        if let Some(r) = around.right {
            if self.get(&format!("{last} {r}")) >= 1 {
                e += prm.context_bonus;
            }
        }
        e
    }

    /// Score used to choose among the alternative splits.
    fn alt_evidence(&self, m: &str, cuts: &[usize], around: Around, prm: &Params) -> f64 {
        let spaced = if self.get(&spaced_form(m, cuts)) >= 1 {
            prm.corpus_bonus
        } else {
            0.0
        };
        spaced + self.split_context(m, cuts, around, prm)
    }

    /// Number of counters (candidate words and split forms).
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

/// Split points (char indices into the match form `m`, ascending) or empty.
fn split_match(
    m: &str,
    lex: &Lexicon,
    prm: &Params,
    ctx: Option<&DocContext>,
    corpus: Option<(&CorpusCounts, Neighbours)>,
    finals: &[usize],
) -> Vec<usize> {
    let Some(a) = analyze_cached(m, lex, prm) else {
        return Vec::new();
    };
    let mut a = Analysis::clone(&a);
    let (mut lb, mut rb) = (String::new(), String::new());
    let corpus = corpus.map(|(c, nb)| (c, nb.forms(&mut lb, &mut rb)));
    // Letters that end a word (`ة`, `ى`, a letter with tanween; letter
    // indices in `finals`): no part starts with one, and a split that leaves
    // one inside a part is wrong; a cut right after one inside the run is
    // likely. Among the splits allowed, batch evidence may prefer another
    // than the best-scoring one.
    let mut chosen: Option<(f64, usize, bool)> = None;
    for (i, (cuts, score)) in a.alts.iter().enumerate() {
        let mut after_final = false;
        let mut ok = true;
        for &f in finals {
            if cuts.contains(&f) {
                ok = false;
            } else if f + 1 < a.n {
                if cuts.contains(&(f + 1)) {
                    after_final = true;
                } else {
                    ok = false;
                }
            }
        }
        if !ok {
            continue;
        }
        let mut adj = score + if after_final { prm.final_bonus } else { 0.0 };
        if let Some((c, around)) = corpus {
            adj += c.alt_evidence(m, cuts, around, prm);
        }
        if chosen.is_none_or(|(best, _, _)| adj > best) {
            chosen = Some((adj, i, after_final));
        }
    }
    let Some((_, i, after_final)) = chosen else {
        return Vec::new();
    };
    let (cuts, split) = a.alts[i].clone();
    a.cuts = cuts;
    a.split = split;
    a.final_inside = after_final;
    a.function_first = {
        let first_len: usize = m.chars().take(a.cuts[0]).map(char::len_utf8).sum();
        // Not when the word also reads as a one-letter proclitic + a known
        // word (`فيرفع` = `ف` + `يرفع`, not `في رفع`).
        let clitic_reading = m.starts_with(['و', 'ف', 'ب', 'ل', 'ك'])
            && known(
                lex,
                &m[m.chars().next().map_or(0, char::len_utf8)..],
                prm.part_max_cb,
            )
            .is_some();
        GlueWords::builtin().is_function(&m[..first_len]) && !clitic_reading
    };
    if let Some((c, around)) = corpus {
        c.annotate(m, &mut a, around, prm);
    }
    // Document evidence only matters near the decision boundary or to veto a
    // split of a recurring word.
    let base = base_margin(&a, prm);
    let most = prm.spaced_bonus.max(0.0) + prm.part_in_doc_bonus.max(0.0);
    let least = -prm.repeat_penalty.max(0.0);
    if base + most <= prm.margin {
        return Vec::new();
    }
    if let Some(c) = ctx.filter(|_| base + least <= prm.margin) {
        c.annotate(m, &mut a);
    }
    if decide(&a, prm) {
        a.cuts
    } else {
        Vec::new()
    }
}

/// Split one Arabic-letter run `run` (display text); returns byte offsets in
/// `run` where spaces go. `m`/`letters` are scratch buffers.
fn split_run(
    run: &str,
    lex: &Lexicon,
    prm: &Params,
    m: &mut String,
    letters: &mut Vec<usize>,
    ctx: Option<&DocContext>,
    corpus: Option<(&CorpusCounts, Neighbours)>,
) -> Vec<usize> {
    m.clear();
    letters.clear();
    // Most words are known or hopeless: decide that on the match form alone
    // before collecting letter positions (`split_match` asks the same
    // cache again).
    crate::matchform::push_match_form(run, m);
    if analyze_cached(m, lex, prm).is_none() {
        return Vec::new();
    }
    m.clear();
    // Letter indices of word-final letters (see `split_match`).
    let mut finals: [usize; 8] = [usize::MAX; 8];
    let mut nf = 0;
    let mut push_final = |k: usize| {
        if nf < finals.len() && (nf == 0 || finals[nf - 1] != k) {
            finals[nf] = k;
            nf += 1;
        }
    };
    for (i, c) in run.char_indices() {
        if let Some(mc) = match_char(c) {
            if matches!(c, 'ة' | 'ى') {
                push_final(letters.len());
            }
            m.push(mc);
            letters.push(i);
        } else if matches!(c, '\u{064B}'..='\u{064D}') && !letters.is_empty() {
            // Tanween on the last letter: that letter ends the word, or the
            // alef right after it (`ـًا`).
            let k = letters.len() - 1;
            let on_alef = m.ends_with('ا');
            let next_is_alef = !on_alef
                && run[i + c.len_utf8()..]
                    .chars()
                    .find(|&n| !is_diacritic(n))
                    .is_some_and(|n| n == 'ا');
            push_final(if next_is_alef { k + 1 } else { k });
        }
    }
    split_match(m, lex, prm, ctx, corpus, &finals[..nf])
        .into_iter()
        .map(|k| letters[k])
        .collect()
}

/// Iterate the Arabic-letter runs of `s` as byte ranges.
pub fn runs(s: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut it = s.char_indices().peekable();
    std::iter::from_fn(move || {
        // Find a letter starting a run.
        let start = loop {
            let (i, c) = it.next()?;
            if is_arabic_letter(c) {
                break i;
            }
        };
        let mut end = s.len();
        while let Some(&(i, c)) = it.peek() {
            if continues_run(c) {
                it.next();
            } else {
                end = i;
                break;
            }
        }
        Some((start, end))
    })
}

/// Byte positions inside `word` where a space should go, or empty.
pub fn split_word(word: &str, lex: &Lexicon) -> Vec<usize> {
    split_word_with(word, lex, &Params::default())
}

/// [`split_word`] with explicit thresholds.
pub fn split_word_with(word: &str, lex: &Lexicon, prm: &Params) -> Vec<usize> {
    let (mut m, mut letters) = (String::new(), Vec::new());
    let mut out = Vec::new();
    for (s, e) in runs(word) {
        out.extend(
            split_run(&word[s..e], lex, prm, &mut m, &mut letters, None, None)
                .into_iter()
                .map(|k| s + k),
        );
    }
    out
}

/// Insert spaces into glued words of `t`.
pub fn repair(t: &MappedText, lex: &Lexicon) -> (MappedText, Vec<Repair>) {
    repair_with(t, lex, &Params::default())
}

/// [`repair`] with explicit thresholds.
pub fn repair_with(t: &MappedText, lex: &Lexicon, prm: &Params) -> (MappedText, Vec<Repair>) {
    repair_in(t, lex, prm, None)
}

/// [`repair_with`] with evidence from the batch of documents `t` belongs to.
pub fn repair_in(
    t: &MappedText,
    lex: &Lexicon,
    prm: &Params,
    corpus: Option<&CorpusCounts>,
) -> (MappedText, Vec<Repair>) {
    let spans: Vec<(usize, usize)> = runs(t.text()).collect();
    repair_runs(t, lex, prm, corpus, &spans, None)
}

/// [`repair_in`] over the runs [`Prepared::new`] read from this same text:
/// only the runs it found splittable are looked at (the same decisions).
pub fn repair_prepared(
    t: &MappedText,
    lex: &Lexicon,
    prm: &Params,
    corpus: &CorpusCounts,
    p: &Prepared,
) -> (MappedText, Vec<Repair>) {
    if p.splittable.len() != p.spans.len() || p.spans.last().is_some_and(|r| r.1 > t.text().len()) {
        // Not this text's runs: read it again.
        return repair_in(t, lex, prm, Some(corpus));
    }
    repair_runs(t, lex, prm, Some(corpus), &p.spans, Some(&p.splittable))
}

fn repair_runs(
    t: &MappedText,
    lex: &Lexicon,
    prm: &Params,
    corpus: Option<&CorpusCounts>,
    spans: &[(usize, usize)],
    splittable: Option<&[bool]>,
) -> (MappedText, Vec<Repair>) {
    let s = t.text();
    let mut repairs = Vec::new();
    let mut b: Option<Builder> = None;
    let mut copied = 0usize; // bytes of `s` already in `b`
    let (mut m, mut letters) = (String::new(), Vec::new());
    let ctx = DocContext::new(s);
    for (i, &(rs, re)) in spans.iter().enumerate() {
        if splittable.is_some_and(|f| !f[i]) {
            continue;
        }
        let corpus = corpus.map(|c| (c, Neighbours::of(s, spans, i)));
        let cuts = split_run(
            &s[rs..re],
            lex,
            prm,
            &mut m,
            &mut letters,
            Some(&ctx),
            corpus,
        );
        if cuts.is_empty() {
            continue;
        }
        let b = b.get_or_insert_with(|| Builder::with_capacity(s.len() + 16));
        let start = b.len() + (rs - copied);
        let mut spaces_at = Vec::with_capacity(cuts.len());
        for k in cuts {
            let at = rs + k;
            b.push_mapped(t, copied..at);
            spaces_at.push(b.len());
            b.push_inserted(" ", t, at);
            copied = at;
        }
        repairs.push(Repair {
            word: s[rs..re].to_string(),
            start,
            spaces_at,
        });
    }
    match b {
        None => (t.clone(), repairs),
        Some(mut b) => {
            b.push_mapped(t, copied..s.len());
            let end = t.origin_of(s.len());
            (b.finish(end), repairs)
        }
    }
}

/// Evaluation on clean text: delete random spaces between Arabic words,
/// repair, and score the re-inserted spaces. No I/O.
pub mod eval {
    use super::*;

    /// Scores of one evaluation run.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct GlueScores {
        /// correct / inserted (1.0 when nothing was inserted).
        pub precision: f64,
        /// correct / deleted (1.0 when nothing was deleted).
        pub recall: f64,
        pub f1: f64,
        /// Spaces deleted from the clean text.
        pub deleted: usize,
        /// Spaces inserted by repair.
        pub inserted: usize,
        /// Inserted exactly where a space had been deleted.
        pub correct: usize,
        /// Arabic-letter runs (words) in the clean text.
        pub tokens: usize,
        /// Wrong insertions at a place where repair also splits the untouched
        /// text: words already glued in the corpus (or split wrongly anyway).
        pub preexisting: usize,
        /// correct / (inserted - preexisting): precision on the glue the test
        /// introduced.
        pub precision_introduced: f64,
        /// Sample wrong insertions for inspection: (preexisting?, word with
        /// `|` at the inserted space).
        pub examples: Vec<(bool, String)>,
        /// Every split repair makes in the untouched texts: (index of the
        /// text, byte offset of the char after the inserted space).
        pub untouched_splits: Vec<(usize, usize)>,
    }

    impl GlueScores {
        fn finish(mut self) -> Self {
            self.precision = if self.inserted == 0 {
                1.0
            } else {
                self.correct as f64 / self.inserted as f64
            };
            self.recall = if self.deleted == 0 {
                1.0
            } else {
                self.correct as f64 / self.deleted as f64
            };
            let fresh = self.inserted - self.preexisting;
            self.precision_introduced = if fresh == 0 {
                1.0
            } else {
                self.correct as f64 / fresh as f64
            };
            let (p, r) = (self.precision, self.recall);
            self.f1 = if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            };
            self
        }
    }

    /// SplitMix64: a tiny deterministic PRNG.
    #[derive(Debug, Clone)]
    pub struct SplitMix64(pub u64);

    impl SplitMix64 {
        pub fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// Uniform in [0, 1).
        pub fn next_f64(&mut self) -> f64 {
            (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// Delete each single space between two Arabic letters (a diacritic may
    /// sit before the space) with probability `rate`. Returns the corrupted
    /// text and, ascending, the byte offsets in it where a space was deleted
    /// (= offset of the char that followed the space).
    pub fn corrupt(text: &str, rate: f64, rng: &mut SplitMix64) -> (String, Vec<usize>) {
        let mut out = String::with_capacity(text.len());
        let mut deleted = Vec::new();
        let mut prev: Option<char> = None; // last char copied to out
        let mut prev_letter = false; // last non-diacritic char was an Arabic letter
        let mut it = text.chars().peekable();
        while let Some(c) = it.next() {
            if c == ' ' && prev_letter && prev != Some(' ') {
                if let Some(&n) = it.peek() {
                    if is_arabic_letter(n) && rng.next_f64() < rate {
                        deleted.push(out.len());
                        continue;
                    }
                }
            }
            out.push(c);
            prev = Some(c);
            if !(is_diacritic(c) && c as u32 >= 0x0600) {
                prev_letter = is_arabic_letter(c);
            }
        }
        (out, deleted)
    }

    /// Score one repaired text against the deleted positions; adds to `s`.
    /// `fp`/`fn_` receive byte offsets (in `corrupted`) of wrong insertions
    /// and missed deletions.
    pub fn score_one(
        corrupted: &str,
        deleted: &[usize],
        lex: &Lexicon,
        prm: &Params,
        s: &mut GlueScores,
        on_error: impl FnMut(bool, usize),
    ) {
        score_in(corrupted, deleted, lex, prm, None, s, on_error)
    }

    /// [`score_one`] with corpus evidence.
    pub fn score_in(
        corrupted: &str,
        deleted: &[usize],
        lex: &Lexicon,
        prm: &Params,
        corpus: Option<&CorpusCounts>,
        s: &mut GlueScores,
        mut on_error: impl FnMut(bool, usize),
    ) {
        let (out, repairs) = repair_in(&MappedText::identity(corrupted), lex, prm, corpus);
        let mut inserted: Vec<usize> = repairs
            .iter()
            .flat_map(|r| r.spaces_at.iter().map(|&p| out.origin_of(p)))
            .collect();
        inserted.sort_unstable();
        s.deleted += deleted.len();
        s.inserted += inserted.len();
        let (mut i, mut j) = (0, 0);
        while i < inserted.len() || j < deleted.len() {
            match (inserted.get(i), deleted.get(j)) {
                (Some(&a), Some(&b)) if a == b => {
                    s.correct += 1;
                    i += 1;
                    j += 1;
                }
                (Some(&a), Some(&b)) if a < b => {
                    on_error(true, a);
                    i += 1;
                }
                (Some(&a), None) => {
                    on_error(true, a);
                    i += 1;
                }
                (_, Some(&b)) => {
                    on_error(false, b);
                    j += 1;
                }
                (None, None) => unreachable!(),
            }
        }
    }

    /// Documents per batch of corpus evidence in [`evaluate`], as in `marsad
    /// ingest`.
    pub const BATCH: usize = 2000;

    /// Evaluate with the built-in lexicon and default thresholds, with corpus
    /// evidence from batches of [`BATCH`] documents.
    pub fn evaluate<'a>(texts: impl Iterator<Item = &'a str>, rate: f64, seed: u64) -> GlueScores {
        evaluate_with(
            texts,
            rate,
            seed,
            Lexicon::builtin(),
            &Params::default(),
            BATCH,
        )
    }

    /// Evaluate with explicit lexicon, thresholds and batch size (0 = no
    /// corpus evidence, each document alone).
    pub fn evaluate_with<'a>(
        texts: impl Iterator<Item = &'a str>,
        rate: f64,
        seed: u64,
        lex: &Lexicon,
        prm: &Params,
        batch: usize,
    ) -> GlueScores {
        let mut rng = SplitMix64(seed);
        let mut s = GlueScores::default();
        let mut examples = Vec::new();
        let mut preexisting = 0;
        let texts: Vec<&str> = texts.collect();
        let mut untouched_splits = Vec::new();
        for (ci, chunk) in texts.chunks(batch.max(1)).enumerate() {
            let corrupted: Vec<(String, Vec<usize>)> =
                chunk.iter().map(|t| corrupt(t, rate, &mut rng)).collect();
            let (before_counts, after_counts) = if batch > 0 {
                let c: Vec<&str> = corrupted.iter().map(|(c, _)| c.as_str()).collect();
                (
                    Some(CorpusCounts::build(chunk, lex, prm)),
                    Some(CorpusCounts::build(&c, lex, prm)),
                )
            } else {
                (None, None)
            };
            for (k, (t, (c, d))) in chunk.iter().zip(&corrupted).enumerate() {
                s.tokens += runs(t).count();
                // Where repair splits the untouched text (byte offsets in `t`
                // of the char after each inserted space).
                let (out, repairs) =
                    repair_in(&MappedText::identity(t), lex, prm, before_counts.as_ref());
                let mut before: Vec<usize> = repairs
                    .iter()
                    .flat_map(|r| r.spaces_at.iter().map(|&p| out.origin_of(p)))
                    .collect();
                before.sort_unstable();
                let index = ci * batch.max(1) + k;
                untouched_splits.extend(before.iter().map(|&b| (index, b)));
                score_in(
                    c,
                    d,
                    lex,
                    prm,
                    after_counts.as_ref(),
                    &mut s,
                    |wrong_insert, at| {
                        if !wrong_insert {
                            return;
                        }
                        // Offset in `t`: one deleted space before every deletion ≤ at.
                        let orig = at + d.partition_point(|&x| x <= at);
                        let pre = before.binary_search(&orig).is_ok();
                        if pre {
                            preexisting += 1;
                        }
                        if examples.len() < 400 && rng_pick(at) {
                            examples.push((pre, word_at(c, at)));
                        }
                    },
                );
            }
        }
        s.preexisting = preexisting;
        s.examples = examples;
        s.untouched_splits = untouched_splits;
        s.finish()
    }

    /// Deterministic 1-in-8 sample of error positions.
    fn rng_pick(at: usize) -> bool {
        (at as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 61 == 0
    }

    /// The whitespace-delimited word of `text` around byte `at`, with `|` at `at`.
    fn word_at(text: &str, at: usize) -> String {
        let start = text[..at].rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let end = text[at..]
            .find(char::is_whitespace)
            .map_or(text.len(), |i| at + i);
        format!("{}|{}", &text[start..at], &text[at..end])
    }

    /// Finish scores accumulated with [`score_one`].
    pub fn finish(s: GlueScores) -> GlueScores {
        s.finish()
    }
}

pub use eval::{evaluate, GlueScores};

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lex() -> &'static Lexicon {
        Lexicon::builtin()
    }

    fn repaired(s: &str) -> String {
        repair(&MappedText::identity(s), lex()).0.into_text()
    }

    #[test]
    fn glue_words_file() {
        let w = GlueWords::builtin();
        assert!(w.is_short("في") && w.is_al("الي") && w.is_function("علي"));
        assert!(!w.is_short("ال"));
        for (text, want) in [
            ("في\tshort\nفي\tshort\n", Ok(1)),
            ("# c\nفي short\n", Err("f.tsv:2: expected word<TAB>role")),
            (
                "علي\tshort\n",
                Err("f.tsv:1: \"علي\": a short word has two letters"),
            ),
            ("الكتاب\tal\n", Err("f.tsv:1: \"الكتاب\": an al word")),
            (
                "abc\tfunction\n",
                Err("f.tsv:1: \"abc\" is not an Arabic word"),
            ),
            ("في\tshrot\n", Err("f.tsv:1: role \"shrot\"")),
        ] {
            match (GlueWords::parse("f.tsv", text), want) {
                (Ok(w), Ok(n)) => assert_eq!(w.short.len(), n, "{text:?}"),
                (Err(e), Err(msg)) => assert!(e.to_string().starts_with(msg), "{text:?}: {e}"),
                (got, want) => panic!("{text:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn word_final_letters() {
        for (input, want) in [
            // No part starts with ة (match form هو would pass as a word).
            ("القاهرةو", "القاهرةو"),
            // A ة inside a run ends a word.
            ("المدينةالمنورة", "المدينة المنورة"),
            // Tanween ends the word, with its alef.
            ("غداًالأربعاء", "غداً الأربعاء"),
        ] {
            assert_eq!(repaired(input), want, "{input}");
        }
    }

    #[test]
    fn batch_counts() {
        let prm = Params::default();
        let split_in = |batch: &[&str], doc: &str| -> String {
            let c = CorpusCounts::build(batch, lex(), &prm);
            repair_in(&MappedText::identity(doc), lex(), &prm, Some(&c))
                .0
                .into_text()
        };
        let doc = "وقال إنفاذا لتوجيهات الوزير";
        let alone = repaired(doc);
        // Written whole in three documents of the batch, never spaced: a spelling.
        let batch = [doc, "صدر القرار إنفاذا للنظام", "جاء ذلك إنفاذا للأمر"];
        assert_eq!(split_in(&batch, doc), doc, "without the batch: {alone}");
        // Twice (a wire copy) is not enough to veto a split.
        let glued = "بين موسكووأنقرة.";
        assert_eq!(split_in(&[glued, glued], glued), "بين موسكو وأنقرة.");
        // Counting: whole words, pairs and triples separated by single spaces.
        let c = CorpusCounts::build(
            &["موسكووأنقرة", "موسكو وأنقرة", "موسكو  وأنقرة"],
            lex(),
            &prm,
        );
        let mut a = analyze("موسكووانقره", lex(), &prm).unwrap();
        c.annotate("موسكووانقره", &mut a, Around::default(), &prm);
        assert_eq!((a.corpus_whole, a.corpus_spaced), (1, 1));
    }

    #[test]
    fn seed_cases_split() {
        let cases = [
            ("موسكووواشنطن", "موسكو وواشنطن"),
            ("الولاياتالمتحدة", "الولايات المتحدة"),
            ("موسكووأنقرة", "موسكو وأنقرة"),
            ("فيسيناء", "في سيناء"),
        ];
        for (input, want) in cases {
            assert_eq!(repaired(input), want, "{input}");
        }
    }

    #[test]
    fn real_words_with_inner_al_stay() {
        for w in [
            "الاحتفالات",
            "الانتقالات",
            "عبدالعزيز",
            "كوالالمبور",
            "البكالوريوس",
            "ماكدونالدز",
        ] {
            assert_eq!(split_word(w, lex()), Vec::<usize>::new(), "{w}");
            assert_eq!(repaired(w), w);
        }
    }

    #[test]
    fn more_cases() {
        let cases = [
            // Ordinary words and sentences are left alone.
            (
                "قال الرئيس إن المملكة العربية السعودية",
                "قال الرئيس إن المملكة العربية السعودية",
            ),
            ("والمستشفيات", "والمستشفيات"),
            ("بالإضافة", "بالإضافة"),
            ("واستعرض", "واستعرض"),
            // Glued pairs.
            ("المملكةالعربية", "المملكة العربية"),
            ("وزارةالداخلية", "وزارة الداخلية"),
            ("منخلال", "من خلال"),
            // Diacritics stay with their letter.
            ("فِيسَيناء", "فِي سَيناء"),
            // Non-Arabic text around is copied.
            ("(الولاياتالمتحدة) 2015", "(الولايات المتحدة) 2015"),
            ("", ""),
            ("abc def", "abc def"),
        ];
        for (input, want) in cases {
            assert_eq!(repaired(input), want, "{input}");
        }
    }

    #[test]
    fn split_word_offsets() {
        let w = "موسكووواشنطن";
        assert_eq!(split_word(w, lex()), vec!["موسكو".len()]);
        let w = "فِيسَيناء";
        assert_eq!(split_word(w, lex()), vec!["فِي".len()]);
    }

    #[test]
    fn repair_offsets_and_origins() {
        let input = "زار موسكووواشنطن\nثم فيسيناء.";
        let t = MappedText::identity(input);
        let (out, reps) = repair(&t, lex());
        assert_eq!(out.text(), "زار موسكو وواشنطن\nثم في سيناء.");
        assert_eq!(reps.len(), 2);
        assert_eq!(reps[0].word, "موسكووواشنطن");
        assert_eq!(reps[1].word, "فيسيناء");
        for r in &reps {
            for &p in &r.spaces_at {
                assert_eq!(&out.text()[p..p + 1], " ");
                // The inserted space maps to the source char after it.
                let o = out.origin_of(p);
                assert_eq!(o, out.origin_of(p + 1));
            }
        }
        let p = reps[0].spaces_at[0];
        assert_eq!(out.origin_of(p), "زار موسكو".len());
        assert_eq!(out.to_original(0..p), 0.."زار موسكو".len());
        let q = reps[1].spaces_at[0];
        let after = out.text()[q + 1..].find('.').unwrap() + q + 1;
        assert_eq!(&input[out.to_original(q + 1..after)], "سيناء");
        assert_eq!(out.origin_of(out.text().len()), input.len());
    }

    #[test]
    fn repair_composes_with_earlier_map() {
        // Origins from an earlier stage are preserved.
        let src = "  فيسيناء";
        let mut b = Builder::with_capacity(16);
        for (i, c) in src.char_indices().skip(2) {
            b.push(c, i);
        }
        let t = b.finish(src.len());
        let (out, _) = repair(&t, lex());
        assert_eq!(out.text(), "في سيناء");
        assert_eq!(out.origin_of(0), 2);
        assert_eq!(out.origin_of("في".len()), 2 + "في".len());
        assert_eq!(out.origin_of(out.text().len()), src.len());
    }

    #[test]
    fn repairs_point_at_their_repaired_form() {
        let cases = [
            (
                "قال إن موسكووواشنطن تختلفان",
                vec![("موسكووواشنطن", "موسكو وواشنطن")],
            ),
            (
                "فيسيناء ثم الولاياتالمتحدة.",
                vec![
                    ("فيسيناء", "في سيناء"),
                    ("الولاياتالمتحدة", "الولايات المتحدة"),
                ],
            ),
        ];
        for (input, want) in cases {
            let (out, repairs) = repair(&MappedText::identity(input), lex());
            let got: Vec<(&str, &str)> = repairs
                .iter()
                .map(|r| (r.word.as_str(), r.repaired(out.text())))
                .collect();
            assert_eq!(got, want, "{input}");
        }
    }

    #[test]
    fn corrupt_and_score() {
        let mut rng = eval::SplitMix64(1);
        let (c, d) = eval::corrupt("في سيناء abc def", 1.0, &mut rng);
        assert_eq!(c, "فيسيناء abc def");
        assert_eq!(d, vec!["في".len()]);
        let s = evaluate(["في سيناء ومن موسكو إلى واشنطن"].into_iter(), 1.0, 7);
        assert_eq!(s.deleted, 5);
        assert!(s.correct <= s.inserted && s.correct <= s.deleted);
        assert_eq!(s.tokens, runs("في سيناء ومن موسكو إلى واشنطن").count());
    }

    fn soup() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("موسكووواشنطن".to_string()),
            Just("الولاياتالمتحدة".to_string()),
            Just("فِيسَيناء".to_string()),
            Just("عبدالعزيز".to_string()),
            Just("غداًالأربعاء".to_string()),
            Just("مدينةالرياض".to_string()),
            Just(" ".to_string()),
            Just("\n".to_string()),
            Just("ـ".to_string()),
            Just("ّ".to_string()),
            "[ء-ي]{1,12}",
            "[ء-يً-ْa-z0-9 .،\n]{0,20}",
            any::<char>().prop_map(|c| c.to_string()),
        ];
        prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn repair_only_inserts_spaces(s in soup(), others in prop::collection::vec(soup(), 0..4)) {
            let t = MappedText::identity(&s);
            // With and without batch counts (the text among a few others).
            let mut batch = others.clone();
            batch.push(s.clone());
            let counts = CorpusCounts::build(&batch, lex(), &Params::default());
            let corpus = (!others.is_empty()).then_some(&counts);
            let (out, reps) = repair_in(&t, lex(), &Params::default(), corpus);
            let mut at: Vec<usize> = reps.iter().flat_map(|r| r.spaces_at.iter().copied()).collect();
            at.sort_unstable();
            // Removing the inserted spaces gives back the input.
            let mut back = String::new();
            let mut prev = 0;
            for &p in &at {
                prop_assert_eq!(&out.text()[p..p + 1], " ");
                back.push_str(&out.text()[prev..p]);
                prev = p + 1;
            }
            back.push_str(&out.text()[prev..]);
            prop_assert_eq!(&back, &s);
            prop_assert_eq!(out.origins().len(), out.text().len() + 1);
            prop_assert!(out.origins().windows(2).all(|w| w[0] <= w[1]));
            for &p in &at {
                let o = out.origin_of(p);
                prop_assert!(s.is_char_boundary(o));
                prop_assert_eq!(o, out.origin_of(p + 1));
            }
            for r in &reps {
                prop_assert!(s.contains(r.word.as_str()));
            }
        }
    }
}
