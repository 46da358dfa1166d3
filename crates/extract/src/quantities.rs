//! Quantities: numbers in the text with what they count.
//!
//! Plain token matching over the text layer's tokens (no regex):
//!
//! * **Numbers**: digits in any script (`224`, `٢٢٤`, `۲۲۴`) with thousands
//!   separators and decimals (`1,000`, `1.000.000`, `3.5`, `٣٫٥`, `١٬٠٠٠`);
//!   `الـ224` (the text layer drops the tatweel: `ال` + `224`); number words and
//!   compounds from `data/extract/numbers.tsv` (`خمسة`, `ثلاثة عشر`,
//!   `خمسمائة وعشرون`, `ثلاثة آلاف`, `ألفي`, `15 ألف`, `1.5 مليون`,
//!   `مليون ونصف`, `ثلاثة أرباع`, `نصف`). Vague amounts (`مئات`, `عشرات`,
//!   `بضعة`, `آلاف` alone) and number words with the article (mostly
//!   ordinals: `القرن العشرين`) are not read; ordinals are not in the table.
//! * **Duals** of known counted nouns count 2 (`طائرتين`, `جنديين`,
//!   `مدينتي`, `طيارين روسيين`), only for singulars marked `singular+dual` in
//!   `data/extract/quantity-kinds.tsv`, so plurals such as `المدنيين` are not
//!   read as duals.
//! * **Not quantities**: years (`عام 2015`, a bare 1900–2100 with no counted
//!   noun), dates and times (`24/11/2015`, `2015-11-24`, `10:30`,
//!   `24 نوفمبر`, `1437 هـ`, `10 صباحا`), ranges and scores joined by a dash,
//!   labels (`رقم 5`, `القرار 2254`, `الساعة 10`, `سو-24`, `F-16`), `الـ70`
//!   with no counted noun (an ordinal: `الذكرى الـ70`), and `واحد`/`اثنان`
//!   alone (adjectives) unless they follow a counted noun (`جندي واحد`).
//! * **What is counted**: the counted noun right after the number
//!   (`224 راكبا`, `في المئة`, `%`, `مليون دولار`), after `من`
//!   (`12 من الجنود`), a currency or percent sign before it (`$50`), an
//!   unknown accusative noun after 11–99 (`20 متفرجا`, kind unknown), and the
//!   context (`مقتل`, `أصيب`, `اعتقال`, `لقوا حتفهم`) up to three words before
//!   (across an approximation: `قتل ما لا يقل عن 20`) or two words after, which
//!   overrides person kinds (`مقتل 224 راكبا` is `dead`). A number joined by
//!   `و` to a previous casualty count inherits its kind (`مقتل 3 جنود و5`).
//!
//! The kinds are the closed set [`KINDS`], documented in
//! `data/extract/quantity-kinds.tsv`. Money values are in units of the
//! currency, percentages in percent.

use marsad_text::lexicon::FxBuild;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use marsad_text::data::{lines, DataError};
use marsad_text::matchform::{match_char, match_form};
use marsad_text::token::{SegKind, Token, TokenKind};

#[derive(Debug, Clone, PartialEq)]
pub struct QuantityFound {
    /// Byte span in the display text of the number expression incl. the
    /// counted noun when attached (`224 راكبا`, `طيارين روسيين`,
    /// `خمسمائة وعشرون جنديا`).
    pub span: Range<usize>,
    pub value: f64,
    /// The counted noun as written in the text (`راكبا`, `طيارين`, `دولة`), if any.
    pub counts: Option<String>,
    /// What is counted: one of [`KINDS`]; `None` when unknown.
    pub kind: Option<String>,
    /// Index of the sentence holding the expression (`Token::sentence`).
    pub sentence: usize,
}

/// The closed set of quantity kinds (documented in `data/extract/quantity-kinds.tsv`).
pub const KINDS: [&str; 27] = [
    "people",
    "passengers",
    "crew",
    "troops",
    "fighters",
    "civilians",
    "refugees",
    "dead",
    "injured",
    "arrested",
    "missing",
    "countries",
    "places",
    "warnings",
    "aircraft",
    "vehicles",
    "ships",
    "strikes",
    "attacks",
    "weapons",
    "money",
    "percent",
    "distance",
    "duration",
    "weight",
    "seats",
    "votes",
];

/// Kinds that a casualty context overrides (`مقتل 224 راكبا` → dead).
const PERSON_KINDS: [&str; 7] = [
    "people",
    "passengers",
    "crew",
    "troops",
    "fighters",
    "civilians",
    "refugees",
];

/// Kinds a context word may set.
const CASUALTY_KINDS: [&str; 4] = ["dead", "injured", "arrested", "missing"];

const NUMBERS_TSV: (&str, &str) = (
    "data/extract/numbers.tsv",
    include_str!("../../../data/extract/numbers.tsv"),
);
const KINDS_TSV: (&str, &str) = (
    "data/extract/quantity-kinds.tsv",
    include_str!("../../../data/extract/quantity-kinds.tsv"),
);

type Kind = &'static str;

fn err(file: &str, line: usize, message: String) -> DataError {
    DataError {
        file: file.to_string(),
        line,
        message,
    }
}

// ---------------------------------------------------------------------------
// numbers.tsv

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumType {
    Cardinal,
    Small,
    TeenUnit,
    Teen,
    Scale,
    ScaleDual,
    ScalePlural,
    Fraction,
    FractionPlural,
    Vague,
}

impl NumType {
    fn parse(s: &str) -> Option<NumType> {
        Some(match s {
            "cardinal" => NumType::Cardinal,
            "small" => NumType::Small,
            "teen-unit" => NumType::TeenUnit,
            "teen" => NumType::Teen,
            "scale" => NumType::Scale,
            "scale-dual" => NumType::ScaleDual,
            "scale-plural" => NumType::ScalePlural,
            "fraction" => NumType::Fraction,
            "fraction-plural" => NumType::FractionPlural,
            "vague" => NumType::Vague,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct NumWord {
    /// 0 for vague words.
    value: f64,
    ty: NumType,
}

#[derive(Debug, Default)]
struct Numbers {
    words: HashMap<String, NumWord, FxBuild>,
}

/// A data value: a decimal number or a fraction `a/b`.
fn parse_value(s: &str) -> Option<f64> {
    let v = match s.split_once('/') {
        Some((a, b)) => {
            let a: f64 = a.trim().parse().ok()?;
            let b: f64 = b.trim().parse().ok()?;
            if b == 0.0 {
                return None;
            }
            a / b
        }
        None => s.parse().ok()?,
    };
    (v.is_finite() && v > 0.0).then_some(v)
}

fn parse_numbers(file: &str, text: &str) -> Result<Numbers, DataError> {
    let mut out = Numbers::default();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for (line, l) in lines(text) {
        let cols: Vec<&str> = l.split('\t').map(str::trim).collect();
        if cols.len() != 3 {
            return Err(err(
                file,
                line,
                format!(
                    "expected 3 tab-separated columns (WORD VALUE TYPE), found {} in {l:?}",
                    cols.len()
                ),
            ));
        }
        let word = match_form(cols[0]);
        if word.is_empty() || word.contains(char::is_whitespace) {
            return Err(err(
                file,
                line,
                format!("WORD must be one word, found {:?}", cols[0]),
            ));
        }
        let ty = NumType::parse(cols[2]).ok_or_else(|| {
            err(
                file,
                line,
                format!(
                    "unknown TYPE {:?} (expected cardinal, small, teen-unit, teen, scale, \
                     scale-dual, scale-plural, fraction, fraction-plural or vague)",
                    cols[2]
                ),
            )
        })?;
        let value = if ty == NumType::Vague {
            if cols[1] != "-" {
                return Err(err(
                    file,
                    line,
                    format!("a vague word has VALUE `-`, found {:?}", cols[1]),
                ));
            }
            0.0
        } else {
            parse_value(cols[1]).ok_or_else(|| {
                err(
                    file,
                    line,
                    format!(
                        "VALUE must be a positive number or fraction a/b, found {:?}",
                        cols[1]
                    ),
                )
            })?
        };
        if let Some(prev) = first_line.get(&word) {
            return Err(err(
                file,
                line,
                format!("duplicate word {:?} (first on line {prev})", cols[0]),
            ));
        }
        first_line.insert(word.clone(), line);
        out.words.insert(word, NumWord { value, ty });
    }
    Ok(out)
}

fn numbers() -> &'static Numbers {
    static N: OnceLock<Numbers> = OnceLock::new();
    N.get_or_init(|| {
        let (f, t) = NUMBERS_TSV;
        parse_numbers(f, t)
            .unwrap_or_else(|e| panic!("built-in data is invalid (a build defect): {e}"))
    })
}

// ---------------------------------------------------------------------------
// quantity-kinds.tsv

/// Phrases (sequences of match-form words) with a payload, indexed by their
/// first and last word.
#[derive(Debug)]
struct Phrases<T> {
    by_first: HashMap<String, Vec<(Vec<String>, T)>, FxBuild>,
    by_last: HashMap<String, Vec<(Vec<String>, T)>, FxBuild>,
}

impl<T> Default for Phrases<T> {
    fn default() -> Self {
        Phrases {
            by_first: HashMap::default(),
            by_last: HashMap::default(),
        }
    }
}

impl<T: Clone> Phrases<T> {
    fn contains(&self, words: &[String]) -> bool {
        words.first().is_some_and(|f| {
            self.by_first
                .get(f)
                .is_some_and(|v| v.iter().any(|(w, _)| w == words))
        })
    }

    fn insert(&mut self, words: Vec<String>, v: T) {
        let (Some(first), Some(last)) = (words.first().cloned(), words.last().cloned()) else {
            return;
        };
        let e = self.by_first.entry(first).or_default();
        e.push((words.clone(), v.clone()));
        e.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        let e = self.by_last.entry(last).or_default();
        e.push((words, v));
        e.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    }

    /// Longest phrase whose first word is `first` and whose further words are
    /// the match forms of `toks[next..]` in sentence `s`: (words, payload).
    fn forward(&self, first: &str, toks: &[Token], next: usize, s: usize) -> Option<(usize, &T)> {
        let cands = self.by_first.get(first)?;
        'c: for (words, v) in cands {
            for (k, w) in words.iter().enumerate().skip(1) {
                match toks.get(next + k - 1) {
                    Some(t) if t.sentence == s && t.norm() == w => {}
                    _ => continue 'c,
                }
            }
            return Some((words.len(), v));
        }
        None
    }

    /// Longest phrase ending at token `last` (inclusive) whose last word is
    /// `last_norm` and whose earlier words are the match forms of the tokens
    /// before `last` in sentence `s`.
    fn backward(
        &self,
        last_norm: &str,
        toks: &[Token],
        last: usize,
        s: usize,
    ) -> Option<(usize, &T)> {
        let cands = self.by_last.get(last_norm)?;
        'c: for (words, v) in cands {
            let n = words.len();
            for (k, w) in words.iter().enumerate().take(n - 1) {
                let back = n - 1 - k;
                let Some(i) = last.checked_sub(back) else {
                    continue 'c;
                };
                match toks.get(i) {
                    Some(t) if t.sentence == s && t.norm() == w => {}
                    _ => continue 'c,
                }
            }
            return Some((n, v));
        }
        None
    }
}

#[derive(Debug, Default)]
struct Kinds {
    /// Counted noun forms (phrases) → kind (None for `-`).
    nouns: Phrases<Option<Kind>>,
    /// Dual forms of `singular+dual` nouns → kind.
    duals: HashMap<String, Option<Kind>, FxBuild>,
    context: HashMap<String, Kind, FxBuild>,
    year_cues: HashSet<String>,
    date_words: Phrases<()>,
    labels: Phrases<()>,
    approx: Phrases<()>,
    not_counted: HashSet<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Role {
    Singular,
    SingularDual,
    Noun,
    Context,
    YearCue,
    DateWord,
    Label,
    Approx,
    NotCounted,
}

impl Role {
    fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "singular" => Role::Singular,
            "singular+dual" => Role::SingularDual,
            "noun" => Role::Noun,
            "context" => Role::Context,
            "year-cue" => Role::YearCue,
            "date-word" => Role::DateWord,
            "label" => Role::Label,
            "approx" => Role::Approx,
            "not-counted" => Role::NotCounted,
            _ => return None,
        })
    }
}

/// Accusative of a singular match form (`شخص` → `شخصا`), if it differs.
fn accusative(sg: &str) -> Option<String> {
    if sg.ends_with(['ه', 'ا', 'و']) {
        return None;
    }
    Some(format!("{sg}ا"))
}

/// Dual forms of a singular match form: `طائره` → طائرتان طائرتين طائرتا طائرتي;
/// `جندي` → جنديان جنديين.
fn duals(sg: &str) -> Vec<String> {
    match sg.strip_suffix('ه') {
        Some(base) => ["تان", "تين", "تا", "تي"]
            .iter()
            .map(|e| format!("{base}{e}"))
            .collect(),
        None => ["ان", "ين"].iter().map(|e| format!("{sg}{e}")).collect(),
    }
}

fn parse_kinds(file: &str, text: &str) -> Result<Kinds, DataError> {
    let mut k = Kinds::default();
    // Explicit noun forms first; generated accusatives and duals never
    // override them.
    let mut generated: Vec<(String, Option<Kind>)> = Vec::new();
    let mut gen_duals: Vec<(String, Option<Kind>)> = Vec::new();
    let mut seen: HashMap<(Role, Vec<String>), usize> = HashMap::new();
    for (line, l) in lines(text) {
        let cols: Vec<&str> = l.split('\t').map(str::trim).collect();
        if cols.len() != 3 {
            return Err(err(
                file,
                line,
                format!(
                    "expected 3 tab-separated columns (ROLE FORM KIND), found {} in {l:?}",
                    cols.len()
                ),
            ));
        }
        let role = Role::parse(cols[0]).ok_or_else(|| {
            err(
                file,
                line,
                format!(
                    "unknown ROLE {:?} (expected singular, singular+dual, noun, context, \
                     year-cue, date-word, label, approx or not-counted)",
                    cols[0]
                ),
            )
        })?;
        let words: Vec<String> = cols[1].split(' ').map(match_form).collect();
        if words.is_empty() || words.iter().any(|w| w.is_empty()) {
            return Err(err(
                file,
                line,
                format!(
                    "FORM must be words separated by single spaces, found {:?}",
                    cols[1]
                ),
            ));
        }
        let one_word = matches!(
            role,
            Role::Singular | Role::SingularDual | Role::Context | Role::YearCue | Role::NotCounted
        );
        if one_word && words.len() != 1 {
            return Err(err(
                file,
                line,
                format!("a {} entry is one word, found {:?}", cols[0], cols[1]),
            ));
        }
        let kind: Option<Kind> = if cols[2] == "-" {
            None
        } else {
            Some(
                KINDS
                    .iter()
                    .copied()
                    .find(|x| *x == cols[2])
                    .ok_or_else(|| {
                        err(
                            file,
                            line,
                            format!(
                                "unknown KIND {:?} (expected one of {} or -)",
                                cols[2],
                                KINDS.join(", ")
                            ),
                        )
                    })?,
            )
        };
        let kindless = matches!(
            role,
            Role::YearCue | Role::DateWord | Role::Label | Role::Approx | Role::NotCounted
        );
        if role == Role::Context && !kind.is_some_and(|x| CASUALTY_KINDS.contains(&x)) {
            return Err(err(
                file,
                line,
                format!(
                    "a context entry has KIND {}, found {:?}",
                    CASUALTY_KINDS.join(", "),
                    cols[2]
                ),
            ));
        }
        if kindless && kind.is_some() {
            return Err(err(
                file,
                line,
                format!("a {} entry has KIND -, found {:?}", cols[0], cols[2]),
            ));
        }
        let key_role = match role {
            Role::Singular | Role::SingularDual => Role::Noun,
            r => r,
        };
        if let Some(prev) = seen.get(&(key_role, words.clone())) {
            return Err(err(
                file,
                line,
                format!("duplicate {} {:?} (first on line {prev})", cols[0], cols[1]),
            ));
        }
        seen.insert((key_role, words.clone()), line);
        let w0 = words[0].clone();
        match role {
            Role::Singular | Role::SingularDual | Role::Noun => {
                if role != Role::Noun {
                    if let Some(acc) = accusative(&w0) {
                        generated.push((acc, kind));
                    }
                }
                if role == Role::SingularDual {
                    for d in duals(&w0) {
                        gen_duals.push((d, kind));
                    }
                }
                k.nouns.insert(words, kind);
            }
            Role::Context => {
                if let Some(x) = kind {
                    k.context.insert(w0, x);
                }
            }
            Role::YearCue => {
                k.year_cues.insert(w0);
            }
            Role::DateWord => k.date_words.insert(words, ()),
            Role::Label => k.labels.insert(words, ()),
            Role::Approx => k.approx.insert(words, ()),
            Role::NotCounted => {
                k.not_counted.insert(w0);
            }
        }
    }
    for (w, kind) in generated {
        let words = vec![w];
        if !k.nouns.contains(&words) {
            k.nouns.insert(words, kind);
        }
    }
    // A generated dual that is also a listed form (بلدان: a plural) is not a dual.
    for (w, kind) in gen_duals {
        if !k.nouns.contains(std::slice::from_ref(&w)) {
            k.duals.entry(w).or_insert(kind);
        }
    }
    Ok(k)
}

fn kinds() -> &'static Kinds {
    static K: OnceLock<Kinds> = OnceLock::new();
    K.get_or_init(|| {
        let (f, t) = KINDS_TSV;
        parse_kinds(f, t)
            .unwrap_or_else(|e| panic!("built-in data is invalid (a build defect): {e}"))
    })
}

// ---------------------------------------------------------------------------
// Helpers on tokens.

/// Clitic variants of a match form: (letters stripped, rest, has conjunction).
/// The word itself, without و/ف, and without ب/ل/ك (after an optional و/ف)
/// when at least three letters remain.
fn variants(norm: &str) -> impl Iterator<Item = (usize, &str, bool)> + '_ {
    let mut base = norm;
    let mut stripped = 0;
    let mut conj = None;
    if let Some(r) = norm.strip_prefix(['و', 'ف']) {
        if !r.is_empty() {
            conj = Some((1, r, true));
            base = r;
            stripped = 1;
        }
    }
    let prep = base
        .strip_prefix(['ب', 'ل', 'ك'])
        .filter(|r| r.chars().count() >= 3)
        .map(|r| (stripped + 1, r, stripped == 1));
    [Some((0, norm, false)), conj, prep].into_iter().flatten()
}

/// Byte offset in `text` after skipping `n` letters (and the marks that follow
/// them) from `start`, not beyond `end`.
fn skip_letters(text: &str, start: usize, end: usize, n: usize) -> usize {
    if n == 0 {
        return start;
    }
    let Some(s) = text.get(start..end) else {
        return start;
    };
    let mut seen = 0;
    for (i, c) in s.char_indices() {
        if match_char(c).is_some() {
            if seen == n {
                return start + i;
            }
            seen += 1;
        }
    }
    start
}

/// A standalone clitic token before digits: `و`, `ب`, `ال` (from `الـ224`),
/// `وال`, `بال`, `لل`… Returns (conjunction, article).
fn prefix_only(norm: &str) -> Option<(bool, bool)> {
    let mut s = norm;
    let conj = match s.strip_prefix(['و', 'ف']) {
        Some(r) => {
            s = r;
            true
        }
        None => false,
    };
    if s.is_empty() {
        return Some((conj, false));
    }
    if s == "لل" {
        return Some((conj, true));
    }
    if let Some(r) = s.strip_prefix(['ب', 'ل', 'ك']) {
        s = r;
    }
    if s.is_empty() {
        return Some((conj, false));
    }
    if s == "ال" {
        return Some((conj, true));
    }
    None
}

/// Value of a digit string (match form: ASCII digits, `.` `,` `٫` `٬`).
/// `None` for what is not one number (`24.11.2015`, `1,2,3`).
fn parse_digits(s: &str) -> Option<f64> {
    let s: String = s
        .chars()
        .map(|c| match c {
            '٫' => '.',
            '٬' => ',',
            c => c,
        })
        .collect();
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    if !s.starts_with(|c: char| c.is_ascii_digit()) || !s.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let grouped = |int: &str, sep: char| -> Option<String> {
        let mut groups = int.split(sep);
        let first = groups.next()?;
        if first.is_empty() || first.len() > 3 {
            return None;
        }
        let mut out = first.to_string();
        for g in groups {
            if g.len() != 3 {
                return None;
            }
            out.push_str(g);
        }
        Some(out)
    };
    let dots = s.matches('.').count();
    let commas = s.matches(',').count();
    let (int, frac): (String, String) = if dots > 0 && commas > 0 {
        let (dec, thou) = if s.rfind('.') > s.rfind(',') {
            ('.', ',')
        } else {
            (',', '.')
        };
        if s.matches(dec).count() != 1 {
            return None;
        }
        let (a, b) = s.split_once(dec)?;
        if b.contains(thou) {
            return None;
        }
        (grouped(a, thou)?, b.to_string())
    } else if dots + commas == 0 {
        (s.clone(), String::new())
    } else {
        let sep = if dots > 0 { '.' } else { ',' };
        if dots + commas == 1 {
            let (a, b) = s.split_once(sep)?;
            if sep == ',' && b.len() == 3 {
                (format!("{a}{b}"), String::new())
            } else {
                (a.to_string(), b.to_string())
            }
        } else {
            (grouped(&s, sep)?, String::new())
        }
    };
    let v: f64 = if frac.is_empty() {
        int.parse().ok()?
    } else {
        format!("{int}.{frac}").parse().ok()?
    };
    v.is_finite().then_some(v)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum PVal {
    Digits(f64),
    Word(NumWord),
    /// Digits that are not one number (`24.11.2015`).
    Unparsable,
    /// A number word with the article (`العشرين`).
    Article,
}

#[derive(Debug, Clone, Copy)]
struct Part {
    val: PVal,
    conj: bool,
    /// Standalone article token before digits (`الـ224`).
    article: bool,
    /// First token (a standalone clitic token when there is one).
    first: usize,
    /// The token holding the number.
    num: usize,
    /// Clitic letters to skip at the start of `num` (`وعشرون`).
    strip: usize,
    /// Token after the part.
    next: usize,
}

fn lookup_number(norm: &str, nums: &Numbers) -> Option<(PVal, usize, bool)> {
    for (n, rest, conj) in variants(norm) {
        if let Some(w) = nums.words.get(rest) {
            return Some((PVal::Word(*w), n, conj));
        }
    }
    for (n, rest, conj) in variants(norm) {
        if let Some(r) = rest.strip_prefix("ال") {
            if nums.words.contains_key(r) {
                return Some((PVal::Article, n, conj));
            }
        }
    }
    None
}

fn read_part(toks: &[Token], k: usize, nums: &Numbers) -> Option<Part> {
    let t = toks.get(k)?;
    match t.kind {
        TokenKind::Number => Some(Part {
            val: parse_digits(t.norm()).map_or(PVal::Unparsable, PVal::Digits),
            conj: false,
            article: false,
            first: k,
            num: k,
            strip: 0,
            next: k + 1,
        }),
        TokenKind::Arabic => {
            if let Some((conj, article)) = prefix_only(t.norm()) {
                let n = toks.get(k + 1)?;
                if n.kind == TokenKind::Number
                    && n.sentence == t.sentence
                    && (article || n.start == t.end)
                {
                    return Some(Part {
                        val: parse_digits(n.norm()).map_or(PVal::Unparsable, PVal::Digits),
                        conj,
                        article,
                        first: k,
                        num: k + 1,
                        strip: 0,
                        next: k + 2,
                    });
                }
                return None;
            }
            let (val, strip, conj) = lookup_number(t.norm(), nums)?;
            Some(Part {
                val,
                conj,
                article: false,
                first: k,
                num: k,
                strip,
                next: k + 1,
            })
        }
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Last {
    Unit,
    TeenUnit,
    Tens,
    Hundreds,
    Scale(f64),
    Digits,
    Fraction,
}

/// A number expression over tokens `first..end`.
#[derive(Debug, Clone, Copy)]
struct Expr {
    first: usize,
    num: usize,
    strip: usize,
    end: usize,
    value: f64,
    conj: bool,
    article: bool,
    /// A single `واحد`/`اثنان`.
    lone_small: bool,
    /// A single plain 4-digit number.
    four_digits: Option<f64>,
    /// A single `عشر`/`عشرة`.
    lone_teen: bool,
}

enum Read {
    /// Not a number at this token.
    No,
    /// Tokens to skip (vague, unparsable, article, broken compound).
    Skip(usize),
    Expr(Expr),
}

fn classify_word(w: NumWord) -> Last {
    let v = w.value;
    if v < 10.0 {
        Last::Unit
    } else if v < 100.0 {
        Last::Tens
    } else {
        Last::Hundreds
    }
}

/// Whether a scale of at least `sc` (without و) is at token `k`: then a
/// number before it starts a new amount (`300 ألف و1.5 مليار`).
fn bigger_scale_at(toks: &[Token], k: usize, nums: &Numbers, sc: f64) -> bool {
    matches!(
        read_part(toks, k, nums),
        Some(Part {
            val: PVal::Word(NumWord {
                ty: NumType::Scale | NumType::ScaleDual | NumType::ScalePlural,
                value,
            }),
            conj: false,
            ..
        }) if value >= sc
    )
}

fn read_expr(toks: &[Token], i: usize, nums: &Numbers) -> Read {
    let Some(p0) = read_part(toks, i, nums) else {
        return Read::No;
    };
    let s = toks[p0.num].sentence;
    let skip = Read::Skip(p0.next);
    let (mut total, mut cur) = (0.0f64, 0.0f64);
    let mut last_scale = f64::INFINITY;
    let mut last;
    let mut lone_small = false;
    let mut lone_teen = false;
    match p0.val {
        PVal::Unparsable | PVal::Article => return skip,
        PVal::Digits(v) => {
            cur = v;
            last = Last::Digits;
        }
        PVal::Word(w) => match w.ty {
            NumType::Vague | NumType::ScalePlural | NumType::FractionPlural => return skip,
            NumType::Cardinal | NumType::Small | NumType::Teen => {
                lone_small = w.ty == NumType::Small;
                lone_teen = w.ty == NumType::Teen;
                if w.value >= 1000.0 {
                    total = w.value;
                    let mag = 10f64.powi(w.value.log10().floor() as i32);
                    last_scale = mag;
                    last = Last::Scale(mag);
                } else {
                    cur = w.value;
                    last = classify_word(w);
                }
            }
            NumType::TeenUnit => {
                cur = w.value;
                last = Last::TeenUnit;
            }
            NumType::Scale | NumType::ScaleDual => {
                let v = if w.ty == NumType::ScaleDual {
                    2.0 * w.value
                } else {
                    w.value
                };
                if w.value >= 1000.0 {
                    total = v;
                    last_scale = w.value;
                    last = Last::Scale(w.value);
                } else {
                    cur = v;
                    last = Last::Hundreds;
                }
            }
            // `ساعة ونصف`: a half of what precedes.
            NumType::Fraction if p0.conj => return skip,
            NumType::Fraction => {
                cur = w.value;
                last = Last::Fraction;
            }
        },
    }
    let mut parts = 1;
    let mut k = p0.next;
    while let Some(p) = read_part(toks, k, nums) {
        if toks[p.num].sentence != s || p.article {
            break;
        }
        let w = match p.val {
            PVal::Word(w) => Some(w),
            PVal::Digits(_) => None,
            _ => break,
        };
        let pv = match p.val {
            PVal::Digits(v) => v,
            PVal::Word(w) => w.value,
            _ => break,
        };
        let ty = w.map(|w| w.ty);
        let mut stop_after = false;
        if !p.conj {
            match ty {
                Some(NumType::Teen)
                    if matches!(last, Last::Unit | Last::TeenUnit) && total == 0.0 =>
                {
                    cur += 10.0;
                    last = Last::Tens;
                }
                Some(NumType::Scale | NumType::ScaleDual | NumType::ScalePlural) => {
                    let sc = pv;
                    if sc < 1000.0 {
                        if last == Last::Unit
                            || (last == Last::Digits && cur < 10.0 && cur.fract() == 0.0)
                        {
                            cur *= sc;
                            last = Last::Hundreds;
                        } else {
                            break;
                        }
                    } else if cur > 0.0 && sc < last_scale && last != Last::TeenUnit {
                        total += cur * sc;
                        cur = 0.0;
                        last_scale = sc;
                        last = Last::Scale(sc);
                    } else if cur == 0.0 && total > 0.0 && sc > last_scale {
                        total *= sc;
                        last_scale = sc;
                        last = Last::Scale(sc);
                    } else {
                        break;
                    }
                }
                Some(NumType::FractionPlural)
                    if total == 0.0 && matches!(last, Last::Unit | Last::Digits | Last::Tens) =>
                {
                    cur *= pv;
                    last = Last::Fraction;
                    stop_after = true;
                }
                _ => break,
            }
        } else {
            match (last, ty) {
                (Last::Scale(sc), Some(NumType::Fraction)) if cur == 0.0 => {
                    total += pv * sc;
                    last = Last::Fraction;
                    stop_after = true;
                }
                (
                    _,
                    Some(
                        NumType::Vague
                        | NumType::ScalePlural
                        | NumType::FractionPlural
                        | NumType::TeenUnit
                        | NumType::Fraction,
                    ),
                ) => break,
                (Last::Scale(sc), _)
                    if cur == 0.0
                        && pv < sc
                        && pv.fract() == 0.0
                        && !bigger_scale_at(toks, p.next, nums, sc) =>
                {
                    let v = if ty == Some(NumType::ScaleDual) {
                        2.0 * pv
                    } else {
                        pv
                    };
                    cur = v;
                    last = match w {
                        Some(w) if w.ty == NumType::Scale || w.ty == NumType::ScaleDual => {
                            if w.value >= 1000.0 {
                                Last::Scale(w.value)
                            } else {
                                Last::Hundreds
                            }
                        }
                        Some(w) => classify_word(w),
                        None => Last::Digits,
                    };
                }
                (Last::Hundreds, _) if pv < 100.0 && cur.fract() == 0.0 => {
                    cur += pv;
                    last = match w {
                        Some(w) => classify_word(w),
                        None => Last::Digits,
                    };
                }
                (Last::Unit, Some(NumType::Cardinal))
                    if (20.0..100.0).contains(&pv) && pv % 10.0 == 0.0 =>
                {
                    cur += pv;
                    last = Last::Tens;
                }
                _ => break,
            }
        }
        parts += 1;
        k = p.next;
        if stop_after {
            break;
        }
    }
    if last == Last::TeenUnit {
        return Read::Skip(k);
    }
    let value = total + cur;
    if !value.is_finite() || value <= 0.0 {
        return Read::Skip(k);
    }
    let four_digits = match p0.val {
        PVal::Digits(v) if parts == 1 => {
            let n = toks[p0.num].norm();
            (n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit())).then_some(v)
        }
        _ => None,
    };
    Read::Expr(Expr {
        first: p0.first,
        num: p0.num,
        strip: p0.strip,
        end: k,
        value,
        conj: p0.conj,
        article: p0.article,
        lone_small: lone_small && parts == 1,
        four_digits,
        lone_teen: lone_teen && parts == 1,
    })
}

fn is_dash(n: &str) -> bool {
    matches!(n, "-" | "–" | "—" | "‐" | "‑")
}

/// A number token that is part of a date, time, range, score or model name:
/// `24/11/2015`, `10:30`, `10-15`, `سو-24`, `1st`.
fn chained(toks: &[Token], k: usize) -> bool {
    let adj = |a: usize, b: usize| -> bool {
        matches!((toks.get(a), toks.get(b)), (Some(x), Some(y)) if x.end == y.start)
    };
    let sep = |n: &str| matches!(n, "/" | ":" | "\\") || is_dash(n);
    // Glued to a Latin word.
    if k > 0 && adj(k - 1, k) && toks[k - 1].kind == TokenKind::Latin {
        return true;
    }
    if adj(k, k + 1) && toks[k + 1].kind == TokenKind::Latin {
        return true;
    }
    if k >= 2 && adj(k - 1, k) && sep(toks[k - 1].norm()) && adj(k - 2, k - 1) {
        let b = &toks[k - 2];
        if b.kind == TokenKind::Number
            || is_dash(toks[k - 1].norm()) && matches!(b.kind, TokenKind::Arabic | TokenKind::Latin)
        {
            return true;
        }
    }
    if adj(k, k + 1)
        && sep(toks[k + 1].norm())
        && adj(k + 1, k + 2)
        && toks[k + 2].kind == TokenKind::Number
    {
        return true;
    }
    false
}

/// A context (casualty) word at token `k`: whole form, or without و/ف/ب/ل
/// when `strip` is set.
fn context_at(toks: &[Token], k: usize, kinds: &Kinds, strip: bool) -> Option<Kind> {
    let t = toks.get(k)?;
    if t.kind != TokenKind::Arabic {
        return None;
    }
    if strip {
        variants(t.norm()).find_map(|(_, r, _)| kinds.context.get(r).copied())
    } else {
        kinds.context.get(t.norm()).copied()
    }
}

/// The casualty context of the expression over tokens `first..end`: up to
/// three words before, then up to two words after.
fn find_context(
    toks: &[Token],
    first: usize,
    end: usize,
    s: usize,
    kinds: &Kinds,
    nums: &Numbers,
) -> Option<Kind> {
    for k in (first.saturating_sub(3)..first).rev() {
        let t = &toks[k];
        if t.sentence != s
            || matches!(
                t.kind,
                TokenKind::Number | TokenKind::Punct | TokenKind::Symbol
            )
        {
            break;
        }
        if let Some(x) = context_at(toks, k, kinds, true) {
            return Some(x);
        }
    }
    for k in end..(end + 2).min(toks.len()) {
        let t = &toks[k];
        if t.sentence != s || t.kind != TokenKind::Arabic {
            break;
        }
        if let Some(x) = context_at(toks, k, kinds, false) {
            return Some(x);
        }
        // A new clause or another number: stop.
        if t.norm().starts_with('و') || lookup_number(t.norm(), nums).is_some() {
            break;
        }
    }
    None
}

/// Whether a phrase of `set` ends right before token `k` (also through a
/// closing parenthesis: `نوفمبر (تشرين الثاني) 2015`); the last word may carry
/// و/ف/ب/ل.
fn phrase_before<T: Clone>(
    set: &Phrases<T>,
    text: &str,
    toks: &[Token],
    k: usize,
    s: usize,
) -> bool {
    let Some(mut j) = k.checked_sub(1) else {
        return false;
    };
    if toks[j].sentence != s {
        return false;
    }
    if toks[j].norm() == ")" {
        let Some(jj) = j.checked_sub(1) else {
            return false;
        };
        j = jj;
        if toks[j].sentence != s {
            return false;
        }
    }
    if variants(toks[j].norm()).any(|(_, r, _)| set.backward(r, toks, j, s).is_some()) {
        return true;
    }
    // With a pronoun: `رحلتها 9268` → رحلة.
    let t = &toks[j];
    if t.has(SegKind::Pronoun)
        && t.segments
            .iter()
            .all(|g| text.get(g.start..g.end).is_some())
        && set.backward(&t.stem_norm(text), toks, j, s).is_some()
    {
        return true;
    }
    without_pronoun(t.norm()).is_some_and(|w| set.backward(&w, toks, j, s).is_some())
}

/// Tokens of an approximation phrase (`نحو`, `ما لا يقل عن`) ending right
/// before token `k`; 0 when there is none.
fn approx_before(kinds: &Kinds, toks: &[Token], k: usize, s: usize) -> usize {
    let Some(j) = k.checked_sub(1) else {
        return 0;
    };
    if toks[j].sentence != s {
        return 0;
    }
    variants(toks[j].norm())
        .find_map(|(_, r, _)| kinds.approx.backward(r, toks, j, s))
        .map_or(0, |(n, _)| n)
}

/// A match form without a final pronoun ها هم هما ه, with ت restored to ة
/// (`رحلتها` → `رحله`); `None` when it has none or too little is left.
fn without_pronoun(norm: &str) -> Option<String> {
    let base = ["هما", "ها", "هم", "ه"]
        .iter()
        .find_map(|p| norm.strip_suffix(p))?;
    if base.chars().count() < 3 {
        return None;
    }
    Some(match base.strip_suffix('ت') {
        Some(b) => format!("{b}ه"),
        None => base.to_string(),
    })
}

/// Whether a phrase of `set` starts at token `k` (also after `من` or `(`).
fn phrase_after<T: Clone>(set: &Phrases<T>, toks: &[Token], k: usize, s: usize) -> bool {
    let Some(t) = toks.get(k) else {
        return false;
    };
    if t.sentence != s {
        return false;
    }
    if set.forward(t.norm(), toks, k + 1, s).is_some() {
        return true;
    }
    if matches!(t.norm(), "من" | "(") {
        if let Some(n) = toks.get(k + 1) {
            return n.sentence == s && set.forward(n.norm(), toks, k + 2, s).is_some();
        }
    }
    false
}

/// A counted noun after an expression ending at token `end`.
struct Noun {
    /// First and end token of the noun.
    first: usize,
    end: usize,
    kind: Option<Kind>,
    /// From the table (not an unknown accusative).
    known: bool,
}

fn noun_after(
    toks: &[Token],
    end: usize,
    s: usize,
    value: f64,
    kinds: &Kinds,
    nums: &Numbers,
) -> Option<Noun> {
    let t = toks.get(end)?;
    if t.sentence != s {
        return None;
    }
    if let Some((n, kind)) = kinds.nouns.forward(t.norm(), toks, end + 1, s) {
        return Some(Noun {
            first: end,
            end: end + n,
            kind: *kind,
            known: true,
        });
    }
    // A dual form after a number is a plural (`ثلاثة طيارين`).
    if let Some(kind) = kinds.duals.get(t.norm()) {
        return Some(Noun {
            first: end,
            end: end + 1,
            kind: *kind,
            known: true,
        });
    }
    // `12 من الجنود`, `3 من أفراد الطاقم`
    if t.norm() == "من" {
        let u = toks.get(end + 1)?;
        if u.sentence != s {
            return None;
        }
        let n = u.norm();
        let found = kinds.nouns.forward(n, toks, end + 2, s).or_else(|| {
            n.strip_prefix("ال")
                .and_then(|r| kinds.nouns.forward(r, toks, end + 2, s))
        });
        return found.map(|(n, kind)| Noun {
            first: end + 1,
            end: end + 1 + n,
            kind: *kind,
            known: true,
        });
    }
    // An unknown accusative after 11–99 (`20 طالبا`).
    let rem = value % 100.0;
    let n = t.norm();
    if t.kind == TokenKind::Arabic
        && value.fract() == 0.0
        && (11.0..100.0).contains(&rem)
        && n.ends_with('ا')
        && !n.ends_with("يا")
        && !n.ends_with("ها")
        && !n.ends_with("نا")
        && t.segments.len() == 1
        && !n.starts_with("ال")
        && n.chars().count() >= 3
        && !kinds.not_counted.contains(n)
        && !kinds.context.contains_key(n)
        && !kinds.year_cues.contains(n)
        && lookup_number(n, nums).is_none()
    {
        return Some(Noun {
            first: end,
            end: end + 1,
            kind: None,
            known: false,
        });
    }
    None
}

/// Byte range of tokens `a..b` without the first `strip` letters (`None` when
/// out of range or empty).
fn text_of(text: &str, toks: &[Token], a: usize, b: usize, strip: usize) -> Option<(usize, usize)> {
    let first = toks.get(a)?;
    let last = toks.get(b.checked_sub(1)?)?;
    let start = skip_letters(text, first.start, first.end, strip);
    let end = last.end;
    (start < end && text.get(start..end).is_some()).then_some((start, end))
}

fn overridable(k: Option<Kind>) -> bool {
    k.is_none_or(|k| PERSON_KINDS.contains(&k))
}

/// Quantities in `text` (the display text) given its tokens.
pub fn find_quantities(text: &str, tokens: &[Token]) -> Vec<QuantityFound> {
    let nums = numbers();
    let kinds = kinds();
    let toks = tokens;
    let mut out = Vec::new();
    // The previous casualty count: (sentence, token after it, kind).
    let mut prev_cas: Option<(usize, usize, Kind)> = None;
    let mut i = 0;
    while i < toks.len() {
        let e = match read_expr(toks, i, nums) {
            Read::No => {
                if let Some((q, next)) = dual_at(text, toks, i, kinds, nums) {
                    if let Some(k) = q
                        .kind
                        .as_deref()
                        .and_then(|k| CASUALTY_KINDS.iter().find(|c| **c == k))
                    {
                        prev_cas = Some((q.sentence, next, k));
                    }
                    out.push(q);
                    i = next;
                } else {
                    i += 1;
                }
                continue;
            }
            Read::Skip(n) => {
                i = n.max(i + 1);
                continue;
            }
            Read::Expr(e) => e,
        };
        i = e.end.max(i + 1);
        // A list marker (`1.` / `2)` at the start of a line) counts nothing.
        let line_start = e.first == 0
            || text
                .get(toks[e.first - 1].end..toks[e.first].start)
                .is_some_and(|gap| gap.contains('\n'));
        let marker = toks
            .get(e.end)
            .is_some_and(|t| matches!(t.norm(), "." | ")" | "-"))
            && e.end == e.first + 1;
        if line_start && marker {
            continue;
        }
        if let Some((q, next, cas)) = quantity(text, toks, &e, kinds, nums, prev_cas) {
            prev_cas = cas.map(|k| (q.sentence, next, k));
            out.push(q);
            i = next.max(i);
        }
    }
    out
}

/// The quantity of a number expression, or `None` when it is not one (a date,
/// a label, an ordinal…). Also returns the token after it and its casualty kind.
fn quantity(
    text: &str,
    toks: &[Token],
    e: &Expr,
    kinds: &Kinds,
    nums: &Numbers,
    prev_cas: Option<(usize, usize, Kind)>,
) -> Option<(QuantityFound, usize, Option<Kind>)> {
    let s = toks.get(e.num)?.sentence;
    // Dates, times, ranges, model names.
    if (e.num..e.end).any(|k| toks[k].kind == TokenKind::Number && chained(toks, k)) {
        return None;
    }
    if toks[e.num].kind == TokenKind::Number && phrase_before(&kinds.labels, text, toks, e.first, s)
    {
        return None;
    }
    if phrase_before(&kinds.date_words, text, toks, e.first, s)
        || phrase_after(&kinds.date_words, toks, e.end, s)
    {
        return None;
    }
    let mut noun = noun_after(toks, e.end, s, e.value, kinds, nums);
    let known_noun = |n: &Option<Noun>| n.as_ref().is_some_and(|n| n.known);
    // `الحادي عشر`, `الطابق الثالث عشر`: an ordinal.
    if e.lone_teen && e.first > 0 && !known_noun(&noun) {
        let p = &toks[e.first - 1];
        if p.sentence == s && variants(p.norm()).any(|(_, r, _)| r.starts_with("ال")) {
            return None;
        }
    }
    let mut start_tok = e.num;
    let mut start_strip = e.strip;
    // A currency or percent sign before digits: `$50`, `%50`.
    let mut sign_before: Option<(usize, Option<Kind>)> = None;
    if e.first == e.num && e.first > 0 {
        let p = &toks[e.first - 1];
        if p.end == toks[e.num].start && matches!(p.kind, TokenKind::Symbol | TokenKind::Punct) {
            if let Some((1, kind)) = kinds.nouns.forward(p.norm(), toks, e.first, s) {
                if kind.is_some_and(|k| k == "money" || k == "percent") {
                    sign_before = Some((e.first - 1, *kind));
                    if !known_noun(&noun) {
                        noun = None;
                    }
                }
            }
        }
    }
    // A lone واحد / اثنان needs a counted noun before it or من after it.
    let mut noun_before: Option<(usize, usize, Option<Kind>)> = None;
    if e.lone_small {
        let before = e.first.checked_sub(1).and_then(|j| {
            let p = &toks[j];
            if p.sentence != s || p.kind != TokenKind::Arabic {
                return None;
            }
            variants(p.norm()).take(2).find_map(|(n, r, _)| {
                kinds
                    .nouns
                    .forward(r, toks, j + 1, s)
                    .filter(|(len, _)| *len == 1)
                    .map(|(_, kind)| (j, n, *kind))
                    .or_else(|| kinds.duals.get(r).map(|kind| (j, n, *kind)))
            })
        });
        let min_after = toks
            .get(e.end)
            .is_some_and(|t| t.sentence == s && t.norm() == "من")
            && noun.is_some();
        match before {
            Some(b) => {
                noun_before = Some(b);
                noun = None;
            }
            None if min_after => {}
            None => return None,
        }
    }
    // Years.
    if let Some(v) = e.four_digits {
        if !e.article {
            let cue = e
                .first
                .checked_sub(1)
                .filter(|&j| toks[j].sentence == s)
                .is_some_and(|j| {
                    variants(toks[j].norm()).any(|(_, r, _)| kinds.year_cues.contains(r))
                });
            let approx = approx_before(kinds, toks, e.first, s) > 0;
            let year_like = (cue && (1000.0..3000.0).contains(&v))
                || (!approx && (1900.0..=2100.0).contains(&v));
            let known = known_noun(&noun) || sign_before.is_some();
            if year_like && !known {
                return None;
            }
        }
    }
    // `ركابها الـ224`: the counted noun (with a pronoun) stands before `الـN`.
    if e.article && noun.is_none() && noun_before.is_none() {
        noun_before = e.first.checked_sub(1).and_then(|j| {
            let p = &toks[j];
            if p.sentence != s || p.kind != TokenKind::Arabic {
                return None;
            }
            let mut forms: Vec<(usize, String)> = variants(p.norm())
                .take(2)
                .map(|(n, r, _)| (n, r.to_string()))
                .collect();
            if let Some(w) = without_pronoun(p.norm()) {
                forms.push((0, w));
            }
            forms.into_iter().find_map(|(n, r)| {
                kinds
                    .nouns
                    .forward(&r, toks, j + 1, s)
                    .filter(|(len, _)| *len == 1)
                    .map(|(_, kind)| (j, n, *kind))
            })
        });
    }
    // `الـ70` with no known counted noun is an ordinal (`الذكرى الـ70`).
    if e.article && !known_noun(&noun) && noun_before.is_none() {
        return None;
    }
    let mut kind: Option<Kind> = None;
    let mut counts: Option<(usize, usize)> = None;
    let mut end_tok = e.end;
    let mut span_end_tok = e.end;
    if let Some(n) = &noun {
        kind = n.kind;
        counts = text_of(text, toks, n.first, n.end, 0);
        end_tok = n.end;
        span_end_tok = n.end;
    } else if let Some((j, kd)) = sign_before {
        kind = kd;
        counts = text_of(text, toks, j, j + 1, 0);
        start_tok = j;
        start_strip = 0;
    } else if let Some((j, strip, kd)) = noun_before {
        kind = kd;
        counts = text_of(text, toks, j, j + 1, strip);
        start_tok = j;
        start_strip = strip;
    }
    if overridable(kind) {
        // The context is looked for before an approximation (`قتل ما لا يقل عن 20`).
        let from = start_tok.min(e.first);
        let from = from - approx_before(kinds, toks, from, s).min(from);
        let ctx = find_context(toks, from, end_tok, s, kinds, nums);
        if ctx.is_some() {
            kind = ctx;
        } else if let Some((ps, pend, pk)) = prev_cas {
            // `مقتل 3 جنود و5 مدنيين`, `اعتقال 12 من المشتبه بهم و3 من الجنود`:
            // coordinated with a casualty count shortly before.
            if e.conj
                && ps == s
                && pend <= e.first
                && e.first - pend <= 4
                && toks[pend..e.first]
                    .iter()
                    .all(|t| t.kind == TokenKind::Arabic)
            {
                kind = Some(pk);
            }
        }
    }
    let (start, _) = text_of(text, toks, start_tok, start_tok + 1, start_strip)?;
    let end = toks.get(span_end_tok.checked_sub(1)?)?.end;
    if start >= end || text.get(start..end).is_none() {
        return None;
    }
    let counts = counts.and_then(|(a, b)| text.get(a..b)).map(str::to_string);
    let cas = kind.filter(|k| CASUALTY_KINDS.contains(k));
    Some((
        QuantityFound {
            span: start..end,
            value: e.value,
            counts,
            kind: kind.map(str::to_string),
            sentence: s,
        },
        end_tok,
        cas,
    ))
}

/// A dual of a known counted noun at token `i` (`طائرتين`, `وجنديين`,
/// `الطائرتين`): value 2, with a following dual nisba adjective
/// (`طيارين روسيين`) or `اثنين/اثنتين` in the span.
fn dual_at(
    text: &str,
    toks: &[Token],
    i: usize,
    kinds: &Kinds,
    nums: &Numbers,
) -> Option<(QuantityFound, usize)> {
    let t = toks.get(i)?;
    if t.kind != TokenKind::Arabic {
        return None;
    }
    let s = t.sentence;
    let mut found = None;
    for (n, r, _) in variants(t.norm()) {
        if let Some(kind) = kinds.duals.get(r) {
            found = Some((n, false, *kind));
            break;
        }
        if let Some(kind) = r.strip_prefix("ال").and_then(|x| kinds.duals.get(x)) {
            found = Some((n, true, *kind));
            break;
        }
    }
    let (strip, article, mut kind) = found?;
    let start = skip_letters(text, t.start, t.end, strip);
    let counts = text.get(start..t.end)?.to_string();
    let mut end_tok = i + 1;
    // A dual nisba adjective (`روسيين`, `أمريكيتين`) or اثنين/اثنتين.
    if let Some(u) = toks.get(i + 1) {
        if u.sentence == s && u.kind == TokenKind::Arabic {
            let n = u.norm();
            let adj = if article {
                n.strip_prefix("ال")
            } else {
                (!n.starts_with("ال")).then_some(n)
            };
            let is_adj = adj.is_some_and(|a| {
                ["يين", "يان", "يتين", "يتان"]
                    .iter()
                    .any(|e| a.ends_with(e))
                    && a.chars().count() >= 5
                    && kinds.nouns.forward(a, toks, i + 2, s).is_none()
                    && !kinds.duals.contains_key(a)
                    && lookup_number(a, nums).is_none()
            });
            let two = matches!(
                lookup_number(n, nums),
                Some((PVal::Word(NumWord { ty: NumType::Small, value }, ..), 0, _)) if value == 2.0
            );
            if is_adj || two {
                end_tok = i + 2;
            }
        }
    }
    if overridable(kind) {
        if let Some(c) = find_context(toks, i, end_tok, s, kinds, nums) {
            kind = Some(c);
        }
    }
    let end = toks.get(end_tok - 1)?.end;
    (start < end).then_some((
        QuantityFound {
            span: start..end,
            value: 2.0,
            counts: Some(counts),
            kind: kind.map(str::to_string),
            sentence: s,
        },
        end_tok,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn run(s: &str) -> (String, Vec<QuantityFound>) {
        let p = marsad_text::process(s, &marsad_text::Options::default(), None);
        let t = p.text.text().to_string();
        let q = find_quantities(&t, &p.tokens);
        (t, q)
    }

    #[test]
    fn embedded_data_parses() {
        let (f, t) = NUMBERS_TSV;
        let n = parse_numbers(f, t).unwrap();
        assert!(n.words.len() > 80);
        let (f, t) = KINDS_TSV;
        let k = parse_kinds(f, t).unwrap();
        assert!(k.duals.contains_key("طائرتين"));
        assert!(k.duals.contains_key("جنديين"));
        assert!(k.duals.contains_key("مدينتي"));
        assert!(!k.duals.contains_key("مدنيين"));
        assert!(k.nouns.contains(&["راكبا".to_string()]));
        assert!(k.nouns.contains(&["في".to_string(), "المئه".to_string()]));
        // The statics load too.
        let _ = numbers();
        let _ = kinds();
    }

    #[test]
    fn data_errors_name_file_and_line() {
        let e = parse_numbers(
            "data/extract/numbers.tsv",
            "# c\nخمسة\t5\tcardinal\nستة\tsix\tcardinal\n",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string().split(": ").next(),
            Some("data/extract/numbers.tsv:3")
        );
        let e = parse_numbers("n.tsv", "خمسة\t5\n").unwrap_err();
        assert!(e.to_string().starts_with("n.tsv:1: expected 3"), "{e}");
        let e = parse_numbers("n.tsv", "خمسة\t5\tcardinal\nخمسة\t5\tcardinal\n").unwrap_err();
        assert!(e.to_string().starts_with("n.tsv:2: duplicate"), "{e}");
        let e = parse_numbers("n.tsv", "بضعة\t3\tvague\n").unwrap_err();
        assert!(e.to_string().starts_with("n.tsv:1:"), "{e}");
        let e = parse_numbers("n.tsv", "ربع\t1/0\tfraction\n").unwrap_err();
        assert!(e.to_string().starts_with("n.tsv:1:"), "{e}");
        let e = parse_numbers("n.tsv", "ربع\t1/4\tpiece\n").unwrap_err();
        assert!(e.to_string().contains("unknown TYPE"), "{e}");

        let k = "data/extract/quantity-kinds.tsv";
        let e = parse_kinds(k, "\nnoun\tجنود\tsoldiers\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("data/extract/quantity-kinds.tsv:2: unknown KIND"),
            "{e}"
        );
        let e = parse_kinds(k, "thing\tجنود\ttroops\n").unwrap_err();
        assert!(e.to_string().contains(":1: unknown ROLE"), "{e}");
        let e = parse_kinds(k, "context\tقتل\ttroops\n").unwrap_err();
        assert!(e.to_string().contains(":1: a context entry"), "{e}");
        let e = parse_kinds(k, "label\tرقم\ttroops\n").unwrap_err();
        assert!(e.to_string().contains(":1:"), "{e}");
        let e = parse_kinds(k, "singular\tرجل أمن\ttroops\n").unwrap_err();
        assert!(
            e.to_string().contains(":1: a singular entry is one word"),
            "{e}"
        );
        let e = parse_kinds(k, "noun\tجنود\ttroops\nnoun\tجنود\tpeople\n").unwrap_err();
        assert!(e.to_string().contains(":2: duplicate"), "{e}");
        let e = parse_kinds(k, "noun\tفي  المئة\tpercent\n").unwrap_err();
        assert!(e.to_string().contains(":1: FORM"), "{e}");
    }

    #[test]
    fn digits() {
        let cases: &[(&str, Option<f64>)] = &[
            ("224", Some(224.0)),
            ("1,000", Some(1000.0)),
            ("1,000,000", Some(1e6)),
            ("1.000.000", Some(1e6)),
            ("3.5", Some(3.5)),
            ("3٫5", Some(3.5)),
            ("1٬000", Some(1000.0)),
            ("1,234.5", Some(1234.5)),
            ("1.234,5", Some(1234.5)),
            ("2,5", Some(2.5)),
            ("24.11.2015", None),
            ("1,2,3", None),
            ("12,34,567", None),
            ("", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_digits(s), *want, "{s}");
        }
    }

    type Row = (
        &'static str,
        f64,
        Option<&'static str>,
        Option<&'static str>,
    );

    #[test]
    fn table() {
        #[rustfmt::skip]
        let cases: &[(&str, &[Row])] = &[
            // digits, counted nouns, context
            ("قتل الـ224 راكبا الذين كانوا على متن الطائرة.", &[("224 راكبا", 224.0, Some("راكبا"), Some("dead"))]),
            ("أدى الانفجار إلى مقتل جميع ركابها الـ224.", &[("ركابها ال224", 224.0, Some("ركابها"), Some("dead"))]),
            ("كان على متن الطائرة 224 راكباً.", &[("224 راكباً", 224.0, Some("راكباً"), Some("passengers"))]),
            ("أسفر الهجوم عن مقتل 43 شخصا في المدينة.", &[("43 شخصا", 43.0, Some("شخصا"), Some("dead"))]),
            ("لقي ٢٢٤ حتفهم في الحادث.", &[("٢٢٤", 224.0, None, Some("dead"))]),
            ("وأصيب 230 آخرون بجروح متفاوتة.", &[("230 آخرون", 230.0, Some("آخرون"), Some("injured"))]),
            ("قالت الشرطة إن أكثر من 230 آخرين نقلوا إلى المستشفى.", &[("230 آخرين", 230.0, Some("آخرين"), None)]),
            ("أعلنت الوزارة اعتقال 12 شخصا.", &[("12 شخصا", 12.0, Some("شخصا"), Some("arrested"))]),
            ("سقط في الاشتباكات 15 قتيلا و30 جريحا.", &[("15 قتيلا", 15.0, Some("قتيلا"), Some("dead")), ("30 جريحا", 30.0, Some("جريحا"), Some("injured"))]),
            ("شنت المقاتلات 18 غارة على مواقع التنظيم.", &[("18 غارة", 18.0, Some("غارة"), Some("strikes"))]),
            ("تلقت السلطات عشرة تحذيرات قبل الهجوم.", &[("عشرة تحذيرات", 10.0, Some("تحذيرات"), Some("warnings"))]),
            ("يشارك في التحالف 17 دولة.", &[("17 دولة", 17.0, Some("دولة"), Some("countries"))]),
            ("انتشر خمسمائة وعشرون جنديا على الحدود.", &[("خمسمائة وعشرون جنديا", 520.0, Some("جنديا"), Some("troops"))]),
            ("وصل ثلاثة آلاف لاجئ إلى الجزيرة.", &[("ثلاثة آلاف لاجئ", 3000.0, Some("لاجئ"), Some("refugees"))]),
            ("شارك في المناورات ألفا جندي.", &[("ألفا جندي", 2000.0, Some("جندي"), Some("troops"))]),
            ("بلغ عدد الزوار 15 ألف زائر.", &[("15 ألف", 15000.0, None, None)]),
            ("خصصت الحكومة 1.5 مليون دولار للإغاثة.", &[("1.5 مليون دولار", 1.5e6, Some("دولار"), Some("money"))]),
            ("وتبلغ قيمة الصفقة 50 مليون يورو.", &[("50 مليون يورو", 5e7, Some("يورو"), Some("money"))]),
            ("تبرع رجل أعمال بمليون ونصف ريال.", &[("مليون ونصف ريال", 1.5e6, Some("ريال"), Some("money"))]),
            ("قدمت المملكة ١٬٠٠٠ طن من المساعدات.", &[("١٬٠٠٠ طن", 1000.0, Some("طن"), Some("weight"))]),
            ("ارتفعت الأسعار بنسبة 50% خلال العام.", &[("50%", 50.0, Some("%"), Some("percent"))]),
            ("انخفضت البطالة إلى ٣٫٥ في المئة.", &[("٣٫٥ في المئة", 3.5, Some("في المئة"), Some("percent"))]),
            ("صوت ثلاثة أرباع الأعضاء لصالح القرار.", &[("ثلاثة أرباع", 0.75, None, None)]),
            ("استغرقت الرحلة نصف ساعة.", &[("نصف ساعة", 0.5, Some("ساعة"), Some("duration"))]),
            ("يعيش في المخيم ربع مليون نازح.", &[("ربع مليون نازح", 250000.0, Some("نازح"), Some("refugees"))]),
            ("اعترضت تركيا طائرتين حربيتين.", &[("طائرتين حربيتين", 2.0, Some("طائرتين"), Some("aircraft"))]),
            ("أسقطت مقاتلتين فوق الحدود.", &[("مقاتلتين", 2.0, Some("مقاتلتين"), Some("aircraft"))]),
            ("تدرب ثلاثة طيارين على الطائرة.", &[("ثلاثة طيارين", 3.0, Some("طيارين"), Some("crew"))]),
            ("عاد المسافرون إلى البلدان التي جاؤوا منها.", &[]),
            ("قتل طيارين روسيين في الحادث.", &[("طيارين روسيين", 2.0, Some("طيارين"), Some("dead"))]),
            ("زار الوفد مدينتي حلب وإدلب.", &[("مدينتي", 2.0, Some("مدينتي"), Some("places"))]),
            ("جرح جنديين في الانفجار.", &[("جنديين", 2.0, Some("جنديين"), Some("injured"))]),
            ("وقعت دولتين على الاتفاق.", &[("دولتين", 2.0, Some("دولتين"), Some("countries"))]),
            ("عاد المدنيين والسوريين إلى منازلهم.", &[]),
            ("قتل جندي واحد في الهجوم.", &[("جندي واحد", 1.0, Some("جندي"), Some("dead"))]),
            ("وصل الوفدان في وقت واحد.", &[]),
            ("خسر الجيش ثلاثة عشر جنديا.", &[("ثلاثة عشر جنديا", 13.0, Some("جنديا"), Some("troops"))]),
            ("استمرت الحرب ثلاثة وعشرين عاما.", &[("ثلاثة وعشرين عاما", 23.0, Some("عاما"), Some("duration"))]),
            ("وصل مئتي ألف زائر.", &[("مئتي ألف", 200000.0, None, None)]),
            // what is not a quantity
            ("وقع الحادث في عام 2015 بعد الظهر.", &[]),
            ("في 24 نوفمبر 2015 أسقطت الطائرة.", &[]),
            ("وقع الحادث في 24/11/2015 عند الساعة 10:30.", &[]),
            ("صدر البيان بتاريخ 2015-11-24.", &[]),
            ("أسقطت طائرة من طراز سو-24 الروسية.", &[]),
            ("صدر القرار 2254 عن مجلس الأمن.", &[]),
            ("احتفلت الدولة بالذكرى الـ70 لتأسيسها.", &[]),
            ("أبرز البنود:\n1. وقف القتال خلال أسبوع.\n2. تبادل 40 أسيرا.", &[("40 أسيرا", 40.0, Some("أسيرا"), Some("arrested"))]),
            ("جاء في المركز الأول والفصل الثاني عشر.", &[]),
            ("قتل مئات الأشخاص وعشرات الآلاف من النازحين.", &[]),
            ("وصل بضعة آلاف من المهاجرين.", &[]),
            ("وقعت الأحداث في القرن العشرين.", &[]),
            ("نشرت الصحيفة الخبر في 2016.", &[]),
            // coordination and approximations
            ("أسفرت الغارة عن مقتل 3 جنود و5 مدنيين.", &[("3 جنود", 3.0, Some("جنود"), Some("dead")), ("5 مدنيين", 5.0, Some("مدنيين"), Some("dead"))]),
            ("قتل 7 وأصيب 12 في الانفجار.", &[("7", 7.0, None, Some("dead")), ("12", 12.0, None, Some("injured"))]),
            ("شارك في المسيرة نحو 2000 متظاهر.", &[("2000", 2000.0, None, None)]),
            ("اعتقلت الشرطة 12 من المشتبه بهم و3 من الجنود.", &[("12", 12.0, None, Some("arrested")), ("3 من الجنود", 3.0, Some("الجنود"), Some("arrested"))]),
            ("يملك البلد ۱۲۳ دبابة.", &[("۱۲۳ دبابة", 123.0, Some("دبابة"), Some("vehicles"))]),
            ("دفع $50 ثمنا للتذكرة.", &[("$50", 50.0, Some("$"), Some("money"))]),
            ("فاز الحزب بـ 85 مقعدا في البرلمان.", &[("85 مقعدا", 85.0, Some("مقعدا"), Some("seats"))]),
            ("يقع المطار على بعد 20 كيلومترا من المدينة.", &[("20 كيلومترا", 20.0, Some("كيلومترا"), Some("distance"))]),
            ("درس في الجامعة 25 طالبا أجنبيا.", &[("25 طالبا", 25.0, Some("طالبا"), Some("people"))]),
            ("شاهد المباراة 20 متفرجا.", &[("20 متفرجا", 20.0, Some("متفرجا"), None)]),
            ("قتل ما لا يقل عن 2013 شخصا.", &[("2013 شخصا", 2013.0, Some("شخصا"), Some("dead"))]),
            ("رصدت ثلاثمئة ألف و١٫٥ مليار دولار.", &[("ثلاثمئة ألف", 300000.0, None, None), ("١٫٥ مليار دولار", 1.5e9, Some("دولار"), Some("money"))]),
            ("وصل ألفي زائر إلى المعرض.", &[("ألفي", 2000.0, None, None)]),
            ("تبلغ الكلفة 3 ملايين دولار سنويا.", &[("3 ملايين دولار", 3e6, Some("دولار"), Some("money"))]),
            ("انتهى الاجتماع بعد ساعة ونصف.", &[]),
            ("عقدت الجلسة الثانية في اليوم الأول.", &[]),
            ("قتل جنديان اثنان في الكمين.", &[("جنديان اثنان", 2.0, Some("جنديان"), Some("dead"))]),
            ("وقال 3 مسؤولين إن الجيش قتل المسلحين.", &[("3", 3.0, None, None)]),
            ("تراقب الانتخابات بعثة من ١٬٢٠٠ مراقب.", &[("١٬٢٠٠", 1200.0, None, None)]),
            ("ضم الفريق 22 لاعبا.", &[("22 لاعبا", 22.0, Some("لاعبا"), None)]),
            ("قتل 15 أيضا.", &[("15", 15.0, None, Some("dead"))]),
        ];
        let mut bad = Vec::new();
        for (input, want) in cases {
            let (t, got) = run(input);
            let got: Vec<(String, f64, Option<String>, Option<String>)> = got
                .iter()
                .map(|q| {
                    (
                        t[q.span.clone()].to_string(),
                        q.value,
                        q.counts.clone(),
                        q.kind.clone(),
                    )
                })
                .collect();
            let ok = got.len() == want.len()
                && got.iter().zip(want.iter()).all(|(g, w)| {
                    g.0 == w.0
                        && (g.1 - w.1).abs() <= 1e-9 * w.1.abs().max(1.0)
                        && g.2.as_deref() == w.2
                        && g.3.as_deref() == w.3
                });
            if !ok {
                bad.push(format!("{input}\n   got  {got:?}\n   want {want:?}"));
            }
        }
        assert!(
            bad.is_empty(),
            "{} of {} failed:\n{}",
            bad.len(),
            cases.len(),
            bad.join("\n")
        );
    }

    #[test]
    fn sentence_index() {
        let (_, q) = run("وصل الوفد أمس. ثم غادر 17 شخصا.");
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].sentence, 1);
    }

    #[test]
    fn huge_numbers_stay_finite() {
        let big = "9".repeat(400);
        for s in [
            format!("{big} مليون دولار"),
            format!("{big}.5 ألف"),
            format!("{big},999 جنديا"),
        ] {
            let (_, q) = run(&s);
            assert!(q.iter().all(|q| q.value.is_finite()), "{s}");
        }
        let (_, q) = run("ألف مليون مليار تريليون تريليون تريليون تريليون تريليون تريليون");
        assert!(q.iter().all(|q| q.value.is_finite()));
    }

    fn check(s: &str) -> Result<(), TestCaseError> {
        let p = marsad_text::process(s, &marsad_text::Options::default(), None);
        let t = p.text.text();
        for q in find_quantities(t, &p.tokens) {
            prop_assert!(q.span.start < q.span.end && q.span.end <= t.len());
            prop_assert!(t.is_char_boundary(q.span.start) && t.is_char_boundary(q.span.end));
            prop_assert!(q.value.is_finite() && q.value > 0.0);
            if let Some(k) = &q.kind {
                prop_assert!(KINDS.contains(&k.as_str()));
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn arbitrary_strings(s in any::<String>()) {
            check(&s)?;
        }

        #[test]
        fn arabic_and_digits(s in "[وفبلكالتيةهمنادرطئزكشءآأإؤى\u{064B}-\u{0652}\u{0640} .،%٪$/:\\-0-9٠-٩۰-۹٫٬,]{0,60}") {
            check(&s)?;
        }

        /// Tokens of one text with another text: no panic, spans still valid.
        #[test]
        fn mismatched_tokens(a in "[وفبلكالتيةهمنادرطئ0-9٢ .%/-]{0,40}", b in any::<String>()) {
            let p = marsad_text::process(&a, &marsad_text::Options::default(), None);
            for q in find_quantities(&b, &p.tokens) {
                prop_assert!(q.span.start < q.span.end && q.span.end <= b.len());
                prop_assert!(b.is_char_boundary(q.span.start) && b.is_char_boundary(q.span.end));
                prop_assert!(q.value.is_finite());
            }
        }

        #[test]
        fn number_words(v in prop::collection::vec(prop::sample::select(vec![
            "ثلاثة", "وعشرون", "آلاف", "ألف", "ألفا", "مليون", "ونصف", "نصف", "أرباع", "عشر", "أحد",
            "واحد", "اثنين", "مئة", "و", "ال", "224", "1,000", "3.5", "٢٠١٥", "عام", "نوفمبر", "/",
            "-", ":", "%", "$", "راكبا", "طائرتين", "روسيين", "من", "الجنود", "مقتل", "أصيب", " ",
            "\n", ".", "F", "سو",
        ]), 0..24)) {
            check(&v.concat())?;
            check(&v.join(" "))?;
        }
    }
}
