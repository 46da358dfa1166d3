//! A learned name tagger: greedy left-to-right averaged perceptron over BIO
//! tags (PERS, LOC, ORG, MISC), trained on ANERcorp-style data
//! (`marsad train-ner`).
//!
//! Features of token *i*: its match form and that of its neighbours (±2),
//! prefixes and suffixes, the clitic-stripped form, shape (digits, Latin,
//! punctuation, length), lexicon frequency band, function-word flag,
//! knowledge-base membership (the type of a gazetteer match covering the token
//! and its B/I position), whether a title or office phrase precedes, and the
//! two previous predicted tags. Features are hashed to `u64`.
//!
//! Model file: `MRSDNER1`, feature count (u32 LE), then per feature its hash
//! (u64 LE) and 9 weights (i16 LE, scaled by the f32 scale stored after the
//! count).

// Weight vectors are indexed by tag number in several parallel arrays.
#![allow(clippy::needless_range_loop)]

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use marsad_kb::{Hit, Kb, Kind, PhraseKind};
use marsad_text::matchform::match_form;
use marsad_text::token::{Norm, Token};
use marsad_text::Lexicon;
use thiserror::Error;

use crate::function_words;
use crate::gazetteer;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    Pers,
    Loc,
    Org,
    Misc,
}

impl Label {
    pub const ALL: [Label; 4] = [Label::Pers, Label::Loc, Label::Org, Label::Misc];
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Pers => "PERS",
            Label::Loc => "LOC",
            Label::Org => "ORG",
            Label::Misc => "MISC",
        }
    }
    pub fn parse(s: &str) -> Option<Label> {
        Label::ALL.into_iter().find(|l| l.as_str() == s)
    }
    /// The entity type a tagger label becomes.
    pub fn kind(self) -> Kind {
        match self {
            Label::Pers => Kind::Person,
            Label::Loc => Kind::Location,
            Label::Org => Kind::Organization,
            Label::Misc => Kind::Other,
        }
    }
    /// The label an entity type is scored as (`marsad ner`).
    pub fn of_kind(k: Kind) -> Label {
        match k {
            Kind::Person => Label::Pers,
            Kind::Country | Kind::Location => Label::Loc,
            Kind::Organization => Label::Org,
            Kind::Group | Kind::Other => Label::Misc,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    O,
    B(Label),
    I(Label),
}

pub const N_TAGS: usize = 9;

impl Tag {
    pub fn index(self) -> usize {
        match self {
            Tag::O => 0,
            Tag::B(l) => 1 + 2 * l as usize,
            Tag::I(l) => 2 + 2 * l as usize,
        }
    }
    pub fn from_index(i: usize) -> Tag {
        if i == 0 || i >= N_TAGS {
            Tag::O
        } else {
            let l = Label::ALL[(i - 1) / 2];
            if (i - 1).is_multiple_of(2) {
                Tag::B(l)
            } else {
                Tag::I(l)
            }
        }
    }
    /// `O`, `B-PERS`, `I-LOC`, …
    pub fn parse(s: &str) -> Option<Tag> {
        if s == "O" {
            return Some(Tag::O);
        }
        let (bi, l) = s.split_once('-')?;
        let l = Label::parse(l)?;
        match bi {
            "B" => Some(Tag::B(l)),
            "I" => Some(Tag::I(l)),
            _ => None,
        }
    }
    pub fn to_conll(self) -> String {
        match self {
            Tag::O => "O".into(),
            Tag::B(l) => format!("B-{}", l.as_str()),
            Tag::I(l) => format!("I-{}", l.as_str()),
        }
    }
}

/// Entity spans of a tag sequence (conlleval semantics: an `I-X` that does
/// not continue an `X` starts a new span).
pub fn label_spans(tags: &[Tag]) -> Vec<(Label, Range<usize>)> {
    let mut out = Vec::new();
    let mut cur: Option<(Label, usize)> = None;
    for (i, t) in tags.iter().enumerate() {
        match *t {
            Tag::O => {
                if let Some((l, s)) = cur.take() {
                    out.push((l, s..i));
                }
            }
            Tag::B(l) => {
                if let Some((pl, s)) = cur.take() {
                    out.push((pl, s..i));
                }
                cur = Some((l, i));
            }
            Tag::I(l) => match cur {
                Some((pl, _)) if pl == l => {}
                _ => {
                    if let Some((pl, s)) = cur.take() {
                        out.push((pl, s..i));
                    }
                    cur = Some((l, i));
                }
            },
        }
    }
    if let Some((l, s)) = cur {
        out.push((l, s..tags.len()));
    }
    out
}

/// Spans as entity types.
pub fn spans(tags: &[Tag]) -> Vec<(Kind, Range<usize>)> {
    label_spans(tags)
        .into_iter()
        .map(|(l, r)| (l.kind(), r))
        .collect()
}

#[derive(Debug, Error)]
pub enum ModelError {
    #[error("{file}: not a marsad NER model ({reason})")]
    Format { file: String, reason: String },
}

/// Identity hasher for already-hashed `u64` keys.
#[derive(Default)]
pub struct IdHasher(u64);
impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}
type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

const K: u64 = 0x517c_c1b7_2722_0a95;

#[inline]
fn fh(template: u8, s: &str) -> u64 {
    let mut h = (template as u64 + 1).wrapping_mul(K);
    for b in s.bytes() {
        h = (h.rotate_left(5) ^ b as u64).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

/// Per-sentence inputs of the feature function.
pub struct Sent {
    pub norms: Vec<Norm>,
    /// Byte offset in `norms[i]` where its clitic-stripped form starts.
    stripped: Vec<usize>,
    kb: Vec<String>,
    cue: Vec<String>,
    band: Vec<u8>,
    func: Vec<bool>,
}

struct NormSpan {
    a: usize,
    b: usize,
}

/// Strip proclitics and the article: `والصادرات` → `صادرات`.
fn strip(n: &str) -> &str {
    let mut s = n;
    if s.chars().count() > 4 {
        if let Some(r) = s.strip_prefix('و').or_else(|| s.strip_prefix('ف')) {
            s = r;
        }
    }
    if s.chars().count() > 4 {
        if let Some(r) = s
            .strip_prefix('ب')
            .or_else(|| s.strip_prefix('ل'))
            .or_else(|| s.strip_prefix('ك'))
        {
            s = r;
        }
    }
    if s.chars().count() > 4 {
        if let Some(r) = s.strip_prefix("ال").or_else(|| s.strip_prefix("ل")) {
            s = r;
        }
    }
    s
}

impl Sent {
    /// Build from match forms of the sentence's tokens.
    pub fn new(kb: &Kb, norms: Vec<String>) -> Sent {
        let norms: Vec<Norm> = norms.into_iter().map(Norm::from).collect();
        let refs: Vec<&str> = norms.iter().map(|n| n.as_str()).collect();
        let ms: Vec<(usize, usize, Hit)> = gazetteer::find_norms(kb, &refs)
            .into_iter()
            .map(|m| (m.a, m.b, m.hits[0]))
            .collect();
        drop(refs);
        Sent::with_matches(kb, norms, ms.into_iter())
    }

    /// Build from match forms and gazetteer matches already found over them
    /// (`(first word, end word, best hit)`), as the recogniser has them.
    pub fn with_matches(
        kb: &Kb,
        norms: Vec<Norm>,
        matches: impl Iterator<Item = (usize, usize, Hit)>,
    ) -> Sent {
        let n = norms.len();
        let mut kbf = vec![String::new(); n];
        let mut cue = vec![String::new(); n];
        for (ma, mb, hit) in matches {
            if ma >= mb || mb > n {
                continue;
            }
            let m = NormSpan { a: ma, b: mb };
            let label = match hit {
                Hit::Name(e) => kb.entry(e).kind.as_str(),
                Hit::Metonym(_) => "METONYM",
                Hit::Nisba(_) => "NISBA",
                Hit::Phrase(p) => match kb.phrases[p as usize].kind {
                    PhraseKind::Office(_)
                    | PhraseKind::FixedOffice(..)
                    | PhraseKind::Counterpart => "OFFICE",
                    PhraseKind::Title(k) => k.as_str(),
                    PhraseKind::Vehicle => "VEHICLE",
                },
            };
            let is_phrase = matches!(hit, Hit::Phrase(_));
            for i in m.a..m.b {
                kbf[i] = if is_phrase {
                    format!("P{label}")
                } else if i == m.a {
                    format!("B{label}")
                } else {
                    format!("I{label}")
                };
            }
            if is_phrase && m.b < n {
                cue[m.b] = label.to_string();
            }
        }
        let lex = Lexicon::builtin();
        let fw = function_words();
        let band = norms
            .iter()
            .map(|w| match lex.cb(w) {
                None => 0,
                Some(cb) => 1 + (cb / 75).min(12) as u8,
            })
            .collect();
        let func = norms.iter().map(|w| fw.contains(w.as_str())).collect();
        let stripped = norms.iter().map(|w| w.len() - strip(w).len()).collect();
        Sent {
            norms,
            stripped,
            kb: kbf,
            cue,
            band,
            func,
        }
    }

    pub fn len(&self) -> usize {
        self.norms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.norms.is_empty()
    }

    fn word(&self, i: isize) -> &str {
        if i < 0 {
            "<s>"
        } else {
            self.norms.get(i as usize).map_or("</s>", |n| n.as_str())
        }
    }

    /// Features of token `i` given the two previous tags.
    fn features(&self, i: usize, p1: usize, p2: usize, out: &mut Vec<u64>) {
        // Hashes are computed on the fly, byte for byte what `fh` gives for
        // the joined strings (`"{p2}|{p1}"`, …), without allocating.
        out.clear();
        let w = self.norms[i].as_str();
        let ii = i as isize;
        out.push(fh(0, ""));
        out.push(fh(1, w));
        out.push(fh(2, self.word(ii - 1)));
        out.push(fh(3, self.word(ii + 1)));
        let nc = w.chars().count();
        let mut ends = [0usize; 3];
        for (k, (b, c)) in w.char_indices().take(3).enumerate() {
            ends[k] = b + c.len_utf8();
        }
        let mut starts = [0usize; 3];
        for (k, (b, _)) in w.char_indices().rev().take(3).enumerate() {
            starts[k] = b;
        }
        for k in 1..=3usize.min(nc) {
            out.push(fh(6 + k as u8, &w[..ends[k - 1]]));
            out.push(fh(10 + k as u8, &w[starts[k - 1]..]));
        }
        let st = |k: usize| &self.norms[k][self.stripped[k]..];
        out.push(fh(14, st(i)));
        if i > 0 {
            out.push(fh(15, st(i - 1)));
        }
        if i + 1 < self.len() {
            out.push(fh(16, st(i + 1)));
        }
        out.push(fh(17, shape(w)));
        out.push(Fh::new(18).num(nc.min(12)).done());
        out.push(Fh::new(19).num(self.band[i] as usize).done());
        out.push(fh(20, if self.func[i] { "1" } else { "0" }));
        out.push(fh(21, &self.kb[i]));
        out.push(fh(22, &self.cue[i]));
        if i > 0 {
            out.push(fh(23, &self.kb[i - 1]));
        }
        if i + 1 < self.len() {
            out.push(fh(25, &self.kb[i + 1]));
        }
        out.push(Fh::new(27).num(p1).done());
        out.push(Fh::new(28).num(p2).sep().num(p1).done());
        out.push(Fh::new(29).num(p1).sep().str(w).done());
        out.push(Fh::new(30).num(p1).sep().str(&self.kb[i]).done());
        out.push(Fh::new(31).str(self.word(ii - 1)).sep().str(w).done());
        out.push(Fh::new(32).str(w).sep().str(self.word(ii + 1)).done());
    }
}

impl Sent {
    /// The features of [`Sent::features`] that depend on word `i` alone
    /// (bias, word, affixes, stripped form, shape, length, band, function).
    fn own_features(&self, i: usize, out: &mut Vec<u64>) {
        let w = self.norms[i].as_str();
        out.push(fh(0, ""));
        out.push(fh(1, w));
        let nc = w.chars().count();
        let mut ends = [0usize; 3];
        for (k, (b, c)) in w.char_indices().take(3).enumerate() {
            ends[k] = b + c.len_utf8();
        }
        let mut starts = [0usize; 3];
        for (k, (b, _)) in w.char_indices().rev().take(3).enumerate() {
            starts[k] = b;
        }
        for k in 1..=3usize.min(nc) {
            out.push(fh(6 + k as u8, &w[..ends[k - 1]]));
            out.push(fh(10 + k as u8, &w[starts[k - 1]..]));
        }
        out.push(fh(14, &self.norms[i][self.stripped[i]..]));
        out.push(fh(17, shape(w)));
        out.push(Fh::new(18).num(nc.min(12)).done());
        out.push(Fh::new(19).num(self.band[i] as usize).done());
        out.push(fh(20, if self.func[i] { "1" } else { "0" }));
    }

    /// The features word `k` gives the word after it.
    fn as_prev_features(&self, k: usize, out: &mut Vec<u64>) {
        out.push(fh(2, self.norms[k].as_str()));
        out.push(fh(15, &self.norms[k][self.stripped[k]..]));
    }

    /// The features word `k` gives the word before it.
    fn as_next_features(&self, k: usize, out: &mut Vec<u64>) {
        out.push(fh(3, self.norms[k].as_str()));
        out.push(fh(16, &self.norms[k][self.stripped[k]..]));
    }

    /// The rest of [`Sent::features`]: sentence edges, knowledge-base and cue
    /// labels, the previous tags, word pairs.
    fn context_features(&self, i: usize, p1: usize, p2: usize, out: &mut Vec<u64>) {
        let w = self.norms[i].as_str();
        let ii = i as isize;
        if i == 0 {
            out.push(fh(2, "<s>"));
        }
        if i + 1 == self.len() {
            out.push(fh(3, "</s>"));
        }
        out.push(fh(21, &self.kb[i]));
        out.push(fh(22, &self.cue[i]));
        if i > 0 {
            out.push(fh(23, &self.kb[i - 1]));
        }
        if i + 1 < self.len() {
            out.push(fh(25, &self.kb[i + 1]));
        }
        out.push(Fh::new(27).num(p1).done());
        out.push(Fh::new(28).num(p2).sep().num(p1).done());
        out.push(Fh::new(29).num(p1).sep().str(w).done());
        out.push(Fh::new(30).num(p1).sep().str(&self.kb[i]).done());
        out.push(Fh::new(31).str(self.word(ii - 1)).sep().str(w).done());
        out.push(Fh::new(32).str(w).sep().str(self.word(ii + 1)).done());
    }
}

/// Shape class of a word: digits, Latin letters, punctuation, Arabic.
fn shape(w: &str) -> &'static str {
    if w.chars().all(|c| c.is_ascii_digit()) {
        "D"
    } else if w.chars().any(|c| c.is_ascii_alphabetic()) {
        "L"
    } else if !w
        .chars()
        .any(|c| ('\u{0621}'..='\u{064A}').contains(&c) || c.is_alphanumeric())
    {
        "P"
    } else {
        "A"
    }
}

/// Streaming form of [`fh`]: `Fh::new(t).str(a).sep().str(b).done()` ==
/// `fh(t, &format!("{a}|{b}"))`.
struct Fh(u64);

impl Fh {
    #[inline]
    fn new(template: u8) -> Fh {
        Fh((template as u64 + 1).wrapping_mul(K))
    }
    #[inline]
    fn byte(mut self, b: u8) -> Fh {
        self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(K);
        self
    }
    #[inline]
    fn str(mut self, s: &str) -> Fh {
        for b in s.bytes() {
            self = self.byte(b);
        }
        self
    }
    #[inline]
    fn sep(self) -> Fh {
        self.byte(b'|')
    }
    #[inline]
    fn num(mut self, n: usize) -> Fh {
        let mut buf = [0u8; 20];
        let mut k = buf.len();
        let mut x = n;
        loop {
            k -= 1;
            buf[k] = b'0' + (x % 10) as u8;
            x /= 10;
            if x == 0 {
                break;
            }
        }
        for &b in &buf[k..] {
            self = self.byte(b);
        }
        self
    }
    #[inline]
    fn done(self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

/// A trained model.
#[derive(Debug, Default, Clone)]
pub struct Tagger {
    /// Weights quantised to i16 (as stored in the model file); `scale`
    /// converts them back. Scoring sums the integers: the best tag does not
    /// depend on the (positive) scale, and the table is small enough to stay
    /// in cache.
    weights: IdMap<[i16; N_TAGS]>,
    scale: f32,
    /// Identity of these weights for the per-thread word cache of [`Tagger::tag`]
    /// (a fresh id whenever weights are built or loaded).
    id: u64,
}

/// A fresh [`Tagger::id`].
fn next_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Scores a word contributes whatever its neighbours and the tags before it:
/// as the current word (bias, word, affixes, stripped form, shape, length,
/// frequency band, function word), as the previous word and as the next one.
#[derive(Clone, Copy)]
struct WordParts {
    own: [i32; N_TAGS],
    as_prev: [i32; N_TAGS],
    as_next: [i32; N_TAGS],
}

thread_local! {
    /// Word → [`WordParts`] for the tagger with id `.0` (a pure function of
    /// the word and the weights: the same answer whatever the thread saw).
    static PARTS: std::cell::RefCell<(u64, marsad_text::lexicon::WordMemo<WordParts>)> =
        std::cell::RefCell::new((0, marsad_text::lexicon::WordMemo::new(50_000)));
}

/// The model shipped in the repository.
pub const BUILTIN_MODEL: &[u8] = include_bytes!("../../../data/models/ner.bin");

impl Tagger {
    /// Number of features with weights.
    pub fn features(&self) -> usize {
        self.weights.len()
    }

    /// The model in `data/models/ner.bin`.
    pub fn builtin() -> Result<&'static Tagger, &'static ModelError> {
        static T: std::sync::OnceLock<Result<Tagger, ModelError>> = std::sync::OnceLock::new();
        T.get_or_init(|| Tagger::from_bytes("data/models/ner.bin", BUILTIN_MODEL))
            .as_ref()
    }

    /// [`WordParts`] of word `k` of `s`, through the per-thread cache.
    fn word_parts(&self, s: &Sent, k: usize) -> WordParts {
        let w = s.norms[k].as_str();
        let hit = PARTS.with(|c| {
            let c = c.borrow();
            if c.0 == self.id {
                c.1.get(w)
            } else {
                None
            }
        });
        if let Some(p) = hit {
            return p;
        }
        let mut f = Vec::with_capacity(16);
        let mut sum = |fill: &dyn Fn(&mut Vec<u64>)| {
            f.clear();
            fill(&mut f);
            let mut v = [0i32; N_TAGS];
            self.score(&f, &mut v);
            v
        };
        let p = WordParts {
            own: sum(&|o| s.own_features(k, o)),
            as_prev: sum(&|o| s.as_prev_features(k, o)),
            as_next: sum(&|o| s.as_next_features(k, o)),
        };
        PARTS.with(|c| {
            let mut c = c.borrow_mut();
            if c.0 != self.id {
                c.0 = self.id;
                c.1.clear();
            }
            c.1.insert(w, p);
        });
        p
    }

    fn score(&self, feats: &[u64], out: &mut [i32; N_TAGS]) {
        *out = [0; N_TAGS];
        for f in feats {
            if let Some(w) = self.weights.get(f) {
                for k in 0..N_TAGS {
                    out[k] += w[k] as i32;
                }
            }
        }
    }

    /// Quantise trained weights (what `to_bytes` stores).
    fn quantised(w: IdMap<[f32; N_TAGS]>) -> Tagger {
        let max = w
            .values()
            .flat_map(|w| w.iter())
            .fold(0f32, |m, &x| m.max(x.abs()));
        let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
        let weights = w
            .into_iter()
            .map(|(k, v)| {
                let mut q = [0i16; N_TAGS];
                for (qi, &x) in q.iter_mut().zip(&v) {
                    *qi = (x / scale).round().clamp(-32767.0, 32767.0) as i16;
                }
                (k, q)
            })
            .collect();
        Tagger {
            weights,
            scale,
            id: next_id(),
        }
    }

    /// Tag one sentence (greedy, with `I-X` allowed only after `B-X`/`I-X`).
    pub fn tag(&self, s: &Sent) -> Vec<Tag> {
        let mut out = Vec::with_capacity(s.len());
        let mut feats = Vec::with_capacity(48);
        let mut sc = [0i32; N_TAGS];
        let (mut p1, mut p2) = (0usize, 0usize);
        // What each word contributes whatever the tags (cached per word):
        // the same sums as scoring every feature of `Sent::features`.
        let parts: Vec<WordParts> = (0..s.len()).map(|k| self.word_parts(s, k)).collect();
        for i in 0..s.len() {
            // A lone punctuation mark is never a name: no need to score it.
            let w = s.norms[i].as_str();
            let punct = w.chars().count() == 1
                && w.chars().all(|c| {
                    c.is_ascii_punctuation() || matches!(c, '،' | '؛' | '؟' | '«' | '»' | '“' | '”')
                });
            let best = if punct {
                0
            } else {
                feats.clear();
                s.context_features(i, p1, p2, &mut feats);
                self.score(&feats, &mut sc);
                for k in 0..N_TAGS {
                    sc[k] += parts[i].own[k];
                    if i > 0 {
                        sc[k] += parts[i - 1].as_prev[k];
                    }
                    if i + 1 < s.len() {
                        sc[k] += parts[i + 1].as_next[k];
                    }
                }
                best_allowed(&sc, p1)
            };
            out.push(Tag::from_index(best));
            p2 = p1;
            p1 = best;
        }
        out
    }

    /// Tag the tokens of one sentence of a processed document.
    pub fn tag_tokens(&self, kb: &Kb, _text: &str, toks: &[Token]) -> Vec<Tag> {
        let norms = toks.iter().map(|t| t.norm().to_string()).collect();
        self.tag(&Sent::new(kb, norms))
    }

    /// Serialise (weights quantised to i16).
    pub fn to_bytes(&self) -> Vec<u8> {
        let scale = self.scale;
        let mut keys: Vec<&u64> = self.weights.keys().collect();
        keys.sort();
        let mut out = Vec::with_capacity(16 + keys.len() * (8 + 2 * N_TAGS));
        out.extend_from_slice(b"MRSDNER1");
        out.extend_from_slice(&(keys.len() as u32).to_le_bytes());
        out.extend_from_slice(&scale.to_le_bytes());
        for k in keys {
            out.extend_from_slice(&k.to_le_bytes());
            for &q in &self.weights[k] {
                out.extend_from_slice(&q.to_le_bytes());
            }
        }
        out
    }

    pub fn from_bytes(file: &str, b: &[u8]) -> Result<Tagger, ModelError> {
        let bad = |reason: &str| ModelError::Format {
            file: file.to_string(),
            reason: reason.to_string(),
        };
        if b.len() < 16 || &b[..8] != b"MRSDNER1" {
            return Err(bad("missing MRSDNER1 header"));
        }
        let n = u32::from_le_bytes(b[8..12].try_into().unwrap_or_default()) as usize;
        let scale = f32::from_le_bytes(b[12..16].try_into().unwrap_or_default());
        let rec = 8 + 2 * N_TAGS;
        if b.len() != 16 + n * rec {
            return Err(bad(&format!(
                "expected {} bytes for {n} features, found {}",
                16 + n * rec,
                b.len()
            )));
        }
        if !scale.is_finite() {
            return Err(bad("bad scale"));
        }
        let mut weights = IdMap::default();
        weights.reserve(n);
        for r in b[16..].chunks_exact(rec) {
            let k = u64::from_le_bytes(r[..8].try_into().unwrap_or_default());
            let mut w = [0i16; N_TAGS];
            for (j, x) in w.iter_mut().enumerate() {
                *x = i16::from_le_bytes([r[8 + 2 * j], r[9 + 2 * j]]);
            }
            weights.insert(k, w);
        }
        Ok(Tagger {
            weights,
            scale,
            id: next_id(),
        })
    }
}

fn allowed(prev: usize, t: usize) -> bool {
    // I-X (even index ≥ 2) only after B-X or I-X.
    if t >= 2 && t.is_multiple_of(2) {
        prev == t - 1 || prev == t
    } else {
        true
    }
}

fn best_allowed<T: PartialOrd + Copy>(sc: &[T; N_TAGS], prev: usize) -> usize {
    let mut best = 0;
    let mut bs: Option<T> = None;
    for (t, &s) in sc.iter().enumerate() {
        if allowed(prev, t) && bs.is_none_or(|b| s > b) {
            bs = Some(s);
            best = t;
        }
    }
    best
}

/// One training sentence: tokens (display forms) and gold tags.
#[derive(Debug, Clone)]
pub struct Example {
    pub words: Vec<String>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Error)]
#[error("{file}:{line}: {message}")]
pub struct ConllError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Read an ANERcorp-style file: `token TAG` per line, blank line between
/// sentences. With `need_tags == false` only the first column is read.
pub fn read_conll(file: &str, text: &str, need_tags: bool) -> Result<Vec<Example>, ConllError> {
    let mut out = Vec::new();
    let mut cur = Example {
        words: Vec::new(),
        tags: Vec::new(),
    };
    for (i, l) in text.lines().enumerate() {
        let l = l.trim_end_matches('\r');
        if l.trim().is_empty() {
            if !cur.words.is_empty() {
                out.push(std::mem::replace(
                    &mut cur,
                    Example {
                        words: Vec::new(),
                        tags: Vec::new(),
                    },
                ));
            }
            continue;
        }
        let mut cols = l.split_whitespace();
        let w = cols.next().unwrap_or_default();
        let tag = if need_tags {
            let t = cols.last().ok_or_else(|| ConllError {
                file: file.into(),
                line: i + 1,
                message: format!("expected `token TAG`, found {l:?}"),
            })?;
            Tag::parse(t).ok_or_else(|| ConllError {
                file: file.into(),
                line: i + 1,
                message: format!("unknown tag {t:?} (O, B-/I- PERS LOC ORG MISC)"),
            })?
        } else {
            Tag::O
        };
        cur.words.push(w.to_string());
        cur.tags.push(tag);
    }
    if !cur.words.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

struct Acc {
    w: [f32; N_TAGS],
    total: [f32; N_TAGS],
    stamp: [u32; N_TAGS],
}

/// Train an averaged perceptron; `epochs` passes in a fixed shuffled order.
pub fn train(kb: &Kb, data: &[Example], epochs: usize, seed: u64) -> Tagger {
    let sents: Vec<(Sent, Vec<usize>)> = data
        .iter()
        .map(|e| {
            let norms = e.words.iter().map(|w| match_form(w)).collect();
            (
                Sent::new(kb, norms),
                e.tags.iter().map(|t| t.index()).collect(),
            )
        })
        .collect();
    let mut acc: IdMap<Acc> = IdMap::default();
    let mut order: Vec<usize> = (0..sents.len()).collect();
    let mut rng = seed.max(1);
    let mut c: u32 = 1;
    let mut feats = Vec::new();
    for _ in 0..epochs {
        for i in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(i, (rng % (i as u64 + 1)) as usize);
        }
        for &si in &order {
            let (s, gold) = &sents[si];
            let (mut p1, mut p2) = (0usize, 0usize);
            for i in 0..s.len() {
                s.features(i, p1, p2, &mut feats);
                let mut sc = [0.0f32; N_TAGS];
                for f in &feats {
                    if let Some(a) = acc.get(f) {
                        for k in 0..N_TAGS {
                            sc[k] += a.w[k];
                        }
                    }
                }
                let guess = best_allowed(&sc, p1);
                let truth = gold[i];
                if guess != truth {
                    for f in &feats {
                        let a = acc.entry(*f).or_insert(Acc {
                            w: [0.0; N_TAGS],
                            total: [0.0; N_TAGS],
                            stamp: [0; N_TAGS],
                        });
                        for (k, d) in [(truth, 1.0f32), (guess, -1.0f32)] {
                            a.total[k] += (c - a.stamp[k]) as f32 * a.w[k];
                            a.stamp[k] = c;
                            a.w[k] += d;
                        }
                    }
                }
                c += 1;
                // Teacher forcing: condition on the gold history.
                p2 = p1;
                p1 = truth;
            }
        }
    }
    let mut weights = IdMap::default();
    for (f, mut a) in acc {
        let mut w = [0f32; N_TAGS];
        let mut any = false;
        for k in 0..N_TAGS {
            a.total[k] += (c - a.stamp[k]) as f32 * a.w[k];
            w[k] = a.total[k] / c as f32;
            any |= w[k].abs() > 1e-4;
        }
        if any {
            weights.insert(f, w);
        }
    }
    Tagger::quantised(weights)
}

/// Per-label and micro precision/recall/F1 over entity spans (conlleval).
#[derive(Debug, Clone, Default)]
pub struct Scores {
    /// (label, true positives, predicted, gold)
    pub per_label: Vec<(Label, usize, usize, usize)>,
}

impl Scores {
    pub fn add(&mut self, gold: &[Tag], pred: &[Tag]) {
        if self.per_label.is_empty() {
            self.per_label = Label::ALL.iter().map(|&l| (l, 0, 0, 0)).collect();
        }
        let g = label_spans(gold);
        let p = label_spans(pred);
        for (l, r) in &p {
            let e = &mut self.per_label[*l as usize];
            e.2 += 1;
            if g.iter().any(|(gl, gr)| gl == l && gr == r) {
                e.1 += 1;
            }
        }
        for (l, _) in &g {
            self.per_label[*l as usize].3 += 1;
        }
    }

    pub fn merge(&mut self, o: &Scores) {
        if self.per_label.is_empty() {
            self.per_label = o.per_label.clone();
            return;
        }
        for (a, b) in self.per_label.iter_mut().zip(&o.per_label) {
            a.1 += b.1;
            a.2 += b.2;
            a.3 += b.3;
        }
    }

    /// (precision, recall, F1) of (tp, predicted, gold).
    pub fn prf(tp: usize, pred: usize, gold: usize) -> (f64, f64, f64) {
        let p = if pred == 0 {
            0.0
        } else {
            tp as f64 / pred as f64
        };
        let r = if gold == 0 {
            0.0
        } else {
            tp as f64 / gold as f64
        };
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        (p, r, f)
    }

    pub fn micro(&self) -> (f64, f64, f64) {
        let (tp, pr, go) = self
            .per_label
            .iter()
            .fold((0, 0, 0), |a, x| (a.0 + x.1, a.1 + x.2, a.2 + x.3));
        Scores::prf(tp, pr, go)
    }
}

/// Tag held-out examples and score them.
pub fn evaluate(t: &Tagger, kb: &Kb, data: &[Example]) -> Scores {
    let mut s = Scores::default();
    for e in data {
        let norms = e.words.iter().map(|w| match_form(w)).collect();
        let pred = t.tag(&Sent::new(kb, norms));
        s.add(&e.tags, &pred);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(s: &str) -> Vec<Tag> {
        s.split_whitespace()
            .map(|t| Tag::parse(t).unwrap())
            .collect()
    }

    #[test]
    fn spans_follow_conlleval() {
        type Case<'a> = (&'a str, &'a [(Label, Range<usize>)]);
        let cases: [Case; 4] = [
            (
                "B-PERS I-PERS O B-LOC",
                &[(Label::Pers, 0..2), (Label::Loc, 3..4)],
            ),
            ("I-ORG I-ORG O", &[(Label::Org, 0..2)]),
            ("B-PERS I-LOC", &[(Label::Pers, 0..1), (Label::Loc, 1..2)]),
            ("B-PERS B-PERS", &[(Label::Pers, 0..1), (Label::Pers, 1..2)]),
        ];
        for (t, want) in cases {
            assert_eq!(label_spans(&tags(t)), want.to_vec(), "{t}");
        }
    }

    #[test]
    fn streaming_hash_equals_joined_string_hash() {
        assert_eq!(Fh::new(28).num(3).sep().num(17).done(), fh(28, "3|17"));
        assert_eq!(
            Fh::new(31).str("روسيا").sep().str("ب").done(),
            fh(31, "روسيا|ب")
        );
        assert_eq!(Fh::new(18).num(0).done(), fh(18, "0"));
    }

    #[test]
    fn tag_index_round_trip() {
        for i in 0..N_TAGS {
            assert_eq!(Tag::from_index(i).index(), i);
            assert_eq!(
                Tag::parse(&Tag::from_index(i).to_conll()),
                Some(Tag::from_index(i))
            );
        }
        assert_eq!(Tag::parse("B-XYZ"), None);
    }

    #[test]
    fn conll_errors_name_line() {
        let e = read_conll("t.txt", "a O\nb B-XX\n", true).unwrap_err();
        assert_eq!((e.line, e.file.as_str()), (2, "t.txt"));
        let ok = read_conll("t.txt", "a O\n\nb B-LOC\nc I-LOC\n", true).unwrap();
        assert_eq!(ok.len(), 2);
    }

    proptest::proptest! {
        #[test]
        fn conll_and_model_parsers_never_panic(text in "\\PC{0,200}", bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let _ = read_conll("x", &text, true);
            let _ = read_conll("x", &text, false);
            let mut b = b"MRSDNER1".to_vec();
            b.extend(&bytes);
            let _ = Tagger::from_bytes("m", &b);
            let _ = Tagger::from_bytes("m", &bytes);
        }
    }

    #[test]
    fn learns_and_round_trips() {
        let kb = Kb::parse(&[]).unwrap();
        let mut data = Vec::new();
        for _ in 0..20 {
            for (w, t) in [
                ("زار كارلوس المدينة", "O B-PERS O"),
                ("قال كارلوس إن", "O B-PERS O"),
                ("في مدريد اليوم", "O B-LOC O"),
            ] {
                data.push(Example {
                    words: w.split(' ').map(String::from).collect(),
                    tags: tags(t),
                });
            }
        }
        let t = train(&kb, &data, 5, 7);
        let s = evaluate(&t, &kb, &data);
        assert_eq!(s.micro().2, 1.0);
        let t2 = Tagger::from_bytes("m", &t.to_bytes()).unwrap();
        assert_eq!(evaluate(&t2, &kb, &data).micro().2, 1.0);
        assert!(Tagger::from_bytes("m", b"MRSDNER1\x05\0\0\0").is_err());
    }

    /// The cached word parts plus the context features are exactly the
    /// features of `Sent::features` (so `tag` scores what training learned).
    #[test]
    fn split_features_equal_all_features() {
        let kb = Kb::builtin().unwrap();
        for text in [
            "قال الرئيس الأمريكي باراك أوباما في واشنطن ، إن",
            "وزار والصادرات 2015 Obama !",
            "مدريد",
            "",
        ] {
            let norms: Vec<String> = text.split_whitespace().map(String::from).collect();
            let s = Sent::new(kb, norms);
            for i in 0..s.len() {
                for (p1, p2) in [(0, 0), (3, 1), (8, 8)] {
                    let mut all = Vec::new();
                    s.features(i, p1, p2, &mut all);
                    let mut parts = Vec::new();
                    s.own_features(i, &mut parts);
                    if i > 0 {
                        s.as_prev_features(i - 1, &mut parts);
                    }
                    if i + 1 < s.len() {
                        s.as_next_features(i + 1, &mut parts);
                    }
                    s.context_features(i, p1, p2, &mut parts);
                    all.sort_unstable();
                    parts.sort_unstable();
                    assert_eq!(all, parts, "{text:?} word {i}");
                }
            }
        }
    }

    /// Tags from the cached path equal tags from scoring every feature, for
    /// the shipped model, and a second model does not read the first one's
    /// cache.
    #[test]
    fn cached_tagging_equals_plain_scoring() {
        let kb = Kb::builtin().unwrap();
        let plain = |t: &Tagger, s: &Sent| -> Vec<Tag> {
            let (mut p1, mut p2) = (0usize, 0usize);
            let mut out = Vec::new();
            let mut f = Vec::new();
            let mut sc = [0i32; N_TAGS];
            for i in 0..s.len() {
                let w = s.norms[i].as_str();
                let punct = w.chars().count() == 1
                    && w.chars().all(|c| {
                        c.is_ascii_punctuation()
                            || matches!(c, '،' | '؛' | '؟' | '«' | '»' | '“' | '”')
                    });
                let best = if punct {
                    0
                } else {
                    s.features(i, p1, p2, &mut f);
                    t.score(&f, &mut sc);
                    best_allowed(&sc, p1)
                };
                out.push(Tag::from_index(best));
                p2 = p1;
                p1 = best;
            }
            out
        };
        let builtin = Tagger::builtin().unwrap();
        let data: Vec<Example> = (0..20)
            .map(|_| Example {
                words: "زار كارلوس المدينة".split(' ').map(String::from).collect(),
                tags: tags("O B-PERS O"),
            })
            .collect();
        let small = train(&Kb::parse(&[]).unwrap(), &data, 3, 1);
        for text in [
            "قال الرئيس الأمريكي باراك أوباما في واشنطن ، إن المملكة العربية السعودية",
            "زار كارلوس المدينة أمس مع وزير الخارجية سعود الفيصل .",
            "وأعلنت وزارة الداخلية في الرياض عن القبض على 12 متهما",
        ] {
            let norms: Vec<String> = text.split_whitespace().map(String::from).collect();
            let s = Sent::new(kb, norms);
            for t in [builtin, &small, builtin] {
                assert_eq!(t.tag(&s), plain(t, &s), "{text}");
            }
        }
    }
}
