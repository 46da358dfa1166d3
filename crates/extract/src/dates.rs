//! Dates: absolute, relative and Hijri date expressions of an article,
//! resolved against its publication date.
//!
//! The language data (month and weekday names, relative words, ordinals,
//! decades…) is `data/extract/dates.tsv`, embedded at build time. Matching works
//! on the text layer's tokens and their match forms; clitics (و ف ب ل ك, لل) on
//! the first word of an expression are recognised and left out of the span
//! (`وبنهاية أيلول` → `نهاية أيلول`).
//!
//! Expressions (longest wins at each position, scanned left to right):
//! * `[day] [من] [شهر] MONTH[/MONTH | (MONTH)] [[عام] YEAR [marker] | من العام الماضي | QUALIFIER]`
//!   with Gregorian or Hijri months; the day is a number (`14`, `الـ26`) or an
//!   ordinal (`الأول من`).
//! * `DAY [من] [الشهر] QUALIFIER` (`الـ26 من الشهر الحالي`, `14 الجاري`).
//! * numeric dates `24/11/2015`, `2015-11-24`, `24.11.2015`, Hijri with a
//!   marker `1437/2/13هـ`.
//! * `[اليوم|أمس|غدا] WEEKDAY [QUALIFIER] [، الموافق DATE]`.
//! * relative days (`اليوم`, `أمس`, `أول أمس`, `غدا`, `بعد غد`).
//! * `UNIT QUALIFIER` / `هذا UNIT` (`الأسبوع الماضي`, `العام المقبل`).
//! * years: `عام 2014`, `1437 هـ`, `عامي 2014 و2015` (two years).
//! * decades: `خمسينيات القرن العشرين`, `التسعينيات`.
//! * prefixes: `يوم`, `صباح`/`مساء`… before day expressions, `نهاية`/`مطلع`…
//!   before month, year and decade expressions, `شهر` before a month.
//!
//! Resolution (publication date P; an invalid P counts as none): a month
//! without a year is in P's year (also when it is after P's month), except
//! with الماضي (the most recent one on or before P's month/day) and المقبل
//! (the next one after); a bare weekday is the most recent one on or
//! before P (news convention), with الماضي strictly before, with المقبل
//! strictly after; Hijri dates use the tabular (arithmetical, civil epoch)
//! Islamic calendar and are given at their own precision in Gregorian terms.

use marsad_text::lexicon::FxBuild;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use marsad_text::data::{lines, DataError};
use marsad_text::matchform::{match_char, match_form};
use marsad_text::token::{Token, TokenKind};

use crate::Ymd;

/// A date expression found in the display text.
#[derive(Debug, Clone, PartialEq)]
pub struct DateFound {
    /// Byte span in the display text (whole expression, e.g. `السبت 14 تشرين الثاني/نوفمبر 2015`).
    pub span: Range<usize>,
    /// Resolved value: "YYYY-MM-DD", "YYYY-MM" or "YYYY", or None when it cannot
    /// be resolved (relative expression without a publication date).
    pub value: Option<String>,
    /// Index of the sentence holding the start of the expression (Token::sentence).
    pub sentence: usize,
}

// ---------------------------------------------------------------------------
// Language data.

const DATES_TSV: (&str, &str) = (
    "data/extract/dates.tsv",
    include_str!("../../../data/extract/dates.tsv"),
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Week,
    Month,
    Year,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Qual {
    Past,
    Next,
    Current,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cal {
    Gregorian,
    Hijri,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Century {
    Num(u32),
    Past,
    Current,
}

/// The meaning of a data-file entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sem {
    /// Gregorian month 1–12; `true` when it needs context.
    Month(u32, bool),
    HijriMonth(u32),
    /// 0 = Monday … 6 = Sunday.
    Weekday(u32),
    RelDay(i32),
    Unit(Unit),
    Qual(Qual),
    This,
    Period,
    YearWord,
    YearWordDual,
    YearMarker(Cal),
    DayOrdinal(u32),
    Decade(u32),
    Century(Century),
    MonthWord,
    DayWord,
    TimeOfDay,
    Of,
    Corresponding,
    Blocker,
    GeneralNoun,
    NotDate,
}

#[derive(Debug, Clone)]
struct Entry {
    /// Match forms of the words after the first.
    rest: Vec<String>,
    sem: Sem,
}

#[derive(Debug, Default)]
struct Table {
    /// First word (match form) → entries.
    first: HashMap<String, Vec<Entry>, FxBuild>,
    /// For first words starting with the article: the word without `ال`
    /// (looked up after `لل`, `للعام` = ل + العام).
    after_ll: HashMap<String, Vec<Entry>, FxBuild>,
}

fn parse_sem(m: &str) -> Result<Sem, String> {
    let w: Vec<&str> = m.split_whitespace().collect();
    let num = |lo: i64, hi: i64| -> Result<i64, String> {
        let s = w
            .get(1)
            .ok_or_else(|| format!("{:?} needs a number", w[0]))?;
        let n: i64 = s
            .parse()
            .map_err(|_| format!("{:?} is not a number in {m:?}", s))?;
        if !(lo..=hi).contains(&n) {
            return Err(format!("{n} is out of range {lo}–{hi} in {m:?}"));
        }
        Ok(n)
    };
    let arity = |n: usize| -> Result<(), String> {
        if w.len() == n {
            Ok(())
        } else {
            Err(format!("wrong number of words in meaning {m:?}"))
        }
    };
    let head = *w.first().ok_or("empty meaning")?;
    let sem = match head {
        "month" => {
            let n = num(1, 12)? as u32;
            match w.get(2) {
                None => Sem::Month(n, false),
                Some(&"ambiguous") if w.len() == 3 => Sem::Month(n, true),
                Some(x) => {
                    return Err(format!(
                        "expected `ambiguous` or nothing after the month number, found {x:?}"
                    ))
                }
            }
        }
        "hijri-month" => {
            arity(2)?;
            Sem::HijriMonth(num(1, 12)? as u32)
        }
        "weekday" => {
            arity(2)?;
            let d = match w[1] {
                "monday" => 0,
                "tuesday" => 1,
                "wednesday" => 2,
                "thursday" => 3,
                "friday" => 4,
                "saturday" => 5,
                "sunday" => 6,
                x => {
                    return Err(format!(
                        "unknown weekday {x:?} (expected sunday … saturday)"
                    ))
                }
            };
            Sem::Weekday(d)
        }
        "relative-day" => {
            arity(2)?;
            Sem::RelDay(num(-7, 7)? as i32)
        }
        "unit" => {
            arity(2)?;
            Sem::Unit(match w[1] {
                "week" => Unit::Week,
                "month" => Unit::Month,
                "year" => Unit::Year,
                x => return Err(format!("unknown unit {x:?} (expected week, month or year)")),
            })
        }
        "qualifier" => {
            arity(2)?;
            Sem::Qual(match w[1] {
                "past" => Qual::Past,
                "next" => Qual::Next,
                "current" => Qual::Current,
                x => {
                    return Err(format!(
                        "unknown qualifier {x:?} (expected past, next or current)"
                    ))
                }
            })
        }
        "year-marker" => {
            arity(2)?;
            Sem::YearMarker(match w[1] {
                "hijri" => Cal::Hijri,
                "gregorian" => Cal::Gregorian,
                x => {
                    return Err(format!(
                        "unknown calendar {x:?} (expected hijri or gregorian)"
                    ))
                }
            })
        }
        "day-ordinal" => {
            arity(2)?;
            Sem::DayOrdinal(num(1, 31)? as u32)
        }
        "decade" => {
            arity(2)?;
            let n = num(10, 90)?;
            if n % 10 != 0 {
                return Err(format!("a decade is 10, 20 … 90, found {n}"));
            }
            Sem::Decade(n as u32)
        }
        "century" => {
            arity(2)?;
            Sem::Century(match w[1] {
                "past" => Century::Past,
                "current" => Century::Current,
                _ => Century::Num(num(1, 30)? as u32),
            })
        }
        _ => {
            let sem = match head {
                "this" => Sem::This,
                "period" => Sem::Period,
                "year-word" => Sem::YearWord,
                "year-word-dual" => Sem::YearWordDual,
                "month-word" => Sem::MonthWord,
                "day-word" => Sem::DayWord,
                "time-of-day" => Sem::TimeOfDay,
                "of" => Sem::Of,
                "corresponding" => Sem::Corresponding,
                "blocker" => Sem::Blocker,
                "general-noun" => Sem::GeneralNoun,
                "not-date" => Sem::NotDate,
                x => {
                    return Err(format!(
                        "unknown meaning {x:?} (see the list at the top of the file)"
                    ))
                }
            };
            arity(1)?;
            sem
        }
    };
    Ok(sem)
}

fn parse_table(file: &str, text: &str) -> Result<Table, DataError> {
    let err = |line: usize, message: String| DataError {
        file: file.to_string(),
        line,
        message,
    };
    let mut t = Table::default();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for (line, l) in lines(text) {
        let cols: Vec<&str> = l.split('\t').collect();
        if cols.len() != 2 {
            return Err(err(
                line,
                format!(
                    "expected FORM<TAB>MEANING, found {} column(s) in {l:?}",
                    cols.len()
                ),
            ));
        }
        let (form, meaning) = (cols[0].trim(), cols[1].trim());
        let sem = parse_sem(meaning).map_err(|m| err(line, m))?;
        let words: Vec<String> = form.split_whitespace().map(match_form).collect();
        if words.is_empty() {
            return Err(err(line, "empty form".into()));
        }
        if let Some(w) = form.split_whitespace().find(|w| match_form(w).is_empty()) {
            return Err(err(line, format!("the word {w:?} has no letters")));
        }
        if form.chars().any(|c| c.is_ascii_alphanumeric()) {
            return Err(err(
                line,
                format!("the form {form:?} contains Latin letters or digits"),
            ));
        }
        let key = (
            form.to_string(),
            meaning.split_whitespace().collect::<Vec<_>>().join(" "),
        );
        if let Some(first) = seen.insert(key, line) {
            return Err(err(
                line,
                format!("duplicate entry {form:?} (first on line {first})"),
            ));
        }
        let entry = Entry {
            rest: words[1..].to_vec(),
            sem,
        };
        let first = &words[0];
        if let Some(bare) = first.strip_prefix("ال") {
            if bare.chars().count() >= 2 {
                t.after_ll
                    .entry(bare.to_string())
                    .or_default()
                    .push(entry.clone());
            }
        }
        t.first.entry(first.clone()).or_default().push(entry);
    }
    Ok(t)
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let (f, t) = DATES_TSV;
        parse_table(f, t)
            .unwrap_or_else(|e| panic!("built-in data is invalid (a build defect): {e}"))
    })
}

// ---------------------------------------------------------------------------
// Calendars.

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

fn valid_ymd(y: i64, m: u32, d: u32) -> bool {
    (1..=9999).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)
}

/// Days since 1970-01-01 (proleptic Gregorian).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// 0 = Monday … 6 = Sunday.
fn weekday(days: i64) -> u32 {
    (days + 3).rem_euclid(7) as u32
}

/// Day number (days since 1970-01-01) of 1 Muharram 1 AH in the civil
/// tabular calendar (16 July 622 Julian).
const HIJRI_EPOCH: i64 = -492148;

fn hijri_month_start(y: i64, m: u32) -> i64 {
    HIJRI_EPOCH + (y - 1) * 354 + (3 + 11 * y).div_euclid(30) + (59 * (m as i64 - 1) + 1) / 2
}

fn hijri_month_len(y: i64, m: u32) -> u32 {
    let next = if m >= 12 {
        hijri_month_start(y + 1, 1)
    } else {
        hijri_month_start(y, m + 1)
    };
    (next - hijri_month_start(y, m)) as u32
}

fn hijri_to_days(y: i64, m: u32, d: u32) -> i64 {
    hijri_month_start(y, m) + d as i64 - 1
}

fn days_to_hijri(days: i64) -> (i64, u32, u32) {
    let mut y = (30 * (days - HIJRI_EPOCH) + 10646).div_euclid(10631);
    while hijri_month_start(y + 1, 1) <= days {
        y += 1;
    }
    while hijri_month_start(y, 1) > days {
        y -= 1;
    }
    let mut m = 12;
    while m > 1 && hijri_month_start(y, m) > days {
        m -= 1;
    }
    (y, m, (days - hijri_month_start(y, m) + 1) as u32)
}

/// A resolved value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Res {
    Day(i64, u32, u32),
    Month(i64, u32),
    Year(i64),
}

impl Res {
    fn from_days(days: i64) -> Res {
        let (y, m, d) = civil_from_days(days);
        Res::Day(y, m, d)
    }

    fn format(self) -> Option<String> {
        let y = match self {
            Res::Day(y, ..) | Res::Month(y, _) | Res::Year(y) => y,
        };
        if !(1..=9999).contains(&y) {
            return None;
        }
        Some(match self {
            Res::Day(y, m, d) => format!("{y:04}-{m:02}-{d:02}"),
            Res::Month(y, m) => format!("{y:04}-{m:02}"),
            Res::Year(y) => format!("{y:04}"),
        })
    }
}

fn shift_month(y: i64, m: u32, by: i64) -> (i64, u32) {
    let idx = y * 12 + (m as i64 - 1) + by;
    (idx.div_euclid(12), (idx.rem_euclid(12) + 1) as u32)
}

/// A month expression before resolution.
#[derive(Debug, Clone, Copy)]
struct MonthExpr {
    cal: Cal,
    month: u32,
    day: Option<u32>,
    year: Option<i64>,
    /// Year relative to the publication year (`من العام الماضي` = -1).
    rel_year: Option<i64>,
    qual: Option<Qual>,
}

impl MonthExpr {
    fn resolve(&self, pub_days: Option<i64>) -> Option<Res> {
        let year = match (self.year, self.rel_year) {
            (Some(y), _) => y,
            (None, rel) => {
                let p = pub_days?;
                let (py, pm, pd) = match self.cal {
                    Cal::Gregorian => civil_from_days(p),
                    Cal::Hijri => days_to_hijri(p),
                };
                if let Some(r) = rel {
                    py + r
                } else {
                    let key = (self.month, self.day.unwrap_or(0));
                    let pkey = (pm, if self.day.is_some() { pd } else { 0 });
                    match self.qual {
                        Some(Qual::Past) if key > pkey => py - 1,
                        Some(Qual::Next) if key <= pkey => py + 1,
                        _ => py,
                    }
                }
            }
        };
        match self.cal {
            Cal::Gregorian => {
                if !(1..=9999).contains(&year) {
                    return None;
                }
                match self.day {
                    Some(d) if valid_ymd(year, self.month, d) => {
                        Some(Res::Day(year, self.month, d))
                    }
                    _ => Some(Res::Month(year, self.month)),
                }
            }
            Cal::Hijri => {
                if !(1..=3000).contains(&year) {
                    return None;
                }
                match self.day {
                    Some(d) if d >= 1 && d <= hijri_month_len(year, self.month) => {
                        Some(Res::from_days(hijri_to_days(year, self.month, d)))
                    }
                    _ => {
                        let (gy, gm, _) = civil_from_days(hijri_month_start(year, self.month));
                        Some(Res::Month(gy, gm))
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Matching.

/// A data entry found at a token.
#[derive(Debug, Clone, Copy)]
struct Hit {
    sem: Sem,
    /// Number of tokens covered.
    len: usize,
    /// Byte where the entry starts (after clitics).
    start: usize,
    /// Whether clitics were stripped.
    clitic: bool,
}

/// Clitic prefixes tried on the first word of an entry (match form).
const PREFIXES: [&str; 11] = ["و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "فك"];
/// Prefixes ending in the ل that stands for the article (`للعام`).
const LL_PREFIXES: [&str; 3] = ["لل", "ولل", "فلل"];

/// Byte offset in `text` after skipping `n` non-dropped chars of `start..end`
/// (diacritics after the skipped letters are skipped with them).
fn skip_chars(text: &str, start: usize, end: usize, n: usize) -> usize {
    let Some(s) = text.get(start..end) else {
        return start;
    };
    let mut count = 0;
    for (i, c) in s.char_indices() {
        if match_char(c).is_some() {
            if count == n {
                return start + i;
            }
            count += 1;
        }
    }
    start
}

struct Cx<'a> {
    text: &'a str,
    toks: &'a [Token],
    hits: Vec<Vec<Hit>>,
    pub_days: Option<i64>,
}

/// A candidate expression.
#[derive(Debug, Clone, Copy)]
struct Cand {
    start: usize,
    end: usize,
    /// Token index after the expression.
    next: usize,
    val: Option<Res>,
    /// The expression starts with a day number of this month expression
    /// (for `24 و25 نوفمبر`).
    range: Option<MonthExpr>,
    /// `عامي 2014 و2015`: a second year may follow.
    dual: bool,
}

impl<'a> Cx<'a> {
    fn new(text: &'a str, toks: &'a [Token], pub_days: Option<i64>) -> Cx<'a> {
        let t = table();
        let mut hits = Vec::with_capacity(toks.len());
        for i in 0..toks.len() {
            hits.push(Self::hits_at(text, toks, t, i));
        }
        Cx {
            text,
            toks,
            hits,
            pub_days,
        }
    }

    fn hits_at(text: &str, toks: &[Token], t: &Table, i: usize) -> Vec<Hit> {
        let tok = &toks[i];
        if tok.kind != TokenKind::Arabic {
            return Vec::new();
        }
        let norm = tok.norm();
        let mut out: Vec<Hit> = Vec::new();
        let add = |entries: Option<&Vec<Entry>>, strip: usize, out: &mut Vec<Hit>| {
            let Some(entries) = entries else { return };
            for e in entries {
                let ok = e.rest.iter().enumerate().all(|(k, w)| {
                    toks.get(i + 1 + k)
                        .is_some_and(|x| x.sentence == tok.sentence && x.norm() == w.as_str())
                });
                if !ok {
                    continue;
                }
                let len = 1 + e.rest.len();
                if out.iter().any(|h| h.sem == e.sem && h.len == len) {
                    continue;
                }
                out.push(Hit {
                    sem: e.sem,
                    len,
                    start: if strip == 0 {
                        tok.start
                    } else {
                        skip_chars(text, tok.start, tok.end, strip)
                    },
                    clitic: strip > 0,
                });
            }
        };
        add(t.first.get(norm), 0, &mut out);
        // Every prefix begins with one of these letters: most words skip
        // the prefix loops.
        if !norm.starts_with(['و', 'ف', 'ب', 'ل', 'ك']) {
            return out;
        }
        for p in PREFIXES {
            if let Some(rest) = norm.strip_prefix(p) {
                if rest.chars().count() >= 2 {
                    add(t.first.get(rest), p.chars().count(), &mut out);
                }
            }
        }
        for p in LL_PREFIXES {
            if let Some(rest) = norm.strip_prefix(p) {
                if rest.chars().count() >= 2 {
                    // The span starts at the ل that stands for the article.
                    add(t.after_ll.get(rest), p.chars().count() - 1, &mut out);
                }
            }
        }
        out
    }
}

/// Parsing from one start token: every accessor checks that the token is in
/// the start token's sentence.
struct P<'c, 'a> {
    cx: &'c Cx<'a>,
    sent: usize,
}

impl P<'_, '_> {
    fn tok(&self, i: usize) -> Option<&Token> {
        self.cx.toks.get(i).filter(|t| t.sentence == self.sent)
    }

    /// The longest hit at `i` satisfying `f`.
    fn hit(&self, i: usize, f: impl Fn(Sem) -> bool) -> Option<Hit> {
        self.tok(i)?;
        self.cx.hits[i]
            .iter()
            .filter(|h| f(h.sem))
            .max_by_key(|h| h.len)
            .copied()
    }

    fn is(&self, i: usize, sem: Sem) -> Option<Hit> {
        self.hit(i, |s| s == sem)
    }

    fn punct(&self, i: usize, p: &[&str]) -> bool {
        self.tok(i)
            .is_some_and(|t| t.kind == TokenKind::Punct && p.contains(&t.norm()))
    }

    /// An unsigned number of ASCII digits: (value, digit count).
    fn num(&self, i: usize) -> Option<(u32, usize)> {
        let t = self.tok(i)?;
        if t.kind != TokenKind::Number {
            return None;
        }
        digits(t.norm())
    }

    /// Only whitespace between tokens `a` and `b`.
    fn blank_between(&self, a: usize, b: usize) -> bool {
        let (x, y) = (&self.cx.toks[a], &self.cx.toks[b]);
        self.cx
            .text
            .get(x.end..y.start)
            .is_some_and(|g| g.chars().all(|c| c == ' ' || c == '\u{a0}'))
    }

    fn end(&self, i: usize) -> usize {
        self.cx.toks[i].end
    }

    /// The exact word `من` (no clitics).
    fn of(&self, i: usize) -> bool {
        self.is(i, Sem::Of).is_some_and(|h| !h.clitic)
    }

    /// A day of month: `14`, `الـ26`, `الأول` (ordinal). Returns (day, next
    /// token, start byte, is ordinal).
    fn day(&self, i: usize) -> Option<(u32, usize, usize, bool)> {
        let t = self.tok(i)?;
        if let Some((d, n)) = self.num(i) {
            return (n <= 2 && (1..=31).contains(&d)).then_some((d, i + 1, t.start, false));
        }
        if t.kind == TokenKind::Arabic {
            let norm = t.norm();
            let strip = match norm {
                "ال" => Some(0),
                "وال" | "فال" | "بال" | "كال" | "لل" => Some(1),
                "وبال" | "فبال" | "ولل" | "فلل" => Some(2),
                _ => None,
            };
            if let Some(strip) = strip {
                let (d, n) = self.num(i + 1)?;
                return (n <= 2 && (1..=31).contains(&d)).then(|| {
                    (
                        d,
                        i + 2,
                        skip_chars(self.cx.text, t.start, t.end, strip),
                        false,
                    )
                });
            }
            if let Some(h) = self.hit(i, |s| matches!(s, Sem::DayOrdinal(_))) {
                if let Sem::DayOrdinal(d) = h.sem {
                    return Some((d, i + h.len, h.start, true));
                }
            }
        }
        None
    }

    fn qual(&self, i: usize) -> Option<(Qual, Hit)> {
        let h = self.hit(i, |s| matches!(s, Sem::Qual(_)))?;
        match h.sem {
            Sem::Qual(q) if !h.clitic => Some((q, h)),
            _ => None,
        }
    }

    fn unit(&self, i: usize) -> Option<(Unit, Hit)> {
        let h = self.hit(i, |s| matches!(s, Sem::Unit(_)))?;
        match h.sem {
            Sem::Unit(u) => Some((u, h)),
            _ => None,
        }
    }

    fn month(&self, i: usize) -> Option<(Cal, u32, bool, Hit)> {
        let h = self.hit(i, |s| matches!(s, Sem::Month(..) | Sem::HijriMonth(_)))?;
        match h.sem {
            Sem::Month(m, amb) => Some((Cal::Gregorian, m, amb, h)),
            Sem::HijriMonth(m) => Some((Cal::Hijri, m, true, h)),
            _ => None,
        }
    }

    fn marker(&self, i: usize) -> Option<Cal> {
        let h = self.hit(i, |s| matches!(s, Sem::YearMarker(_)))?;
        match h.sem {
            Sem::YearMarker(c) if !h.clitic => Some(c),
            _ => None,
        }
    }

    /// Month expression at `i`. `ctx`: a context word (شهر, نهاية…) came before.
    fn month_expr(&self, i: usize, ctx: bool, allow_day: bool) -> Option<(Cand, MonthExpr)> {
        let mut start = None;
        let mut j = i;
        let mut day = None;
        if allow_day {
            if let Some((d, nj, st, ordinal)) = self.day(i) {
                let mut k = nj;
                if self.of(k) {
                    k += 1;
                } else if ordinal {
                    return None;
                }
                day = Some(d);
                start = Some(st);
                j = k;
            }
        }
        let mut ctx = ctx || day.is_some();
        if let Some(h) = self.is(j, Sem::MonthWord) {
            start.get_or_insert(h.start);
            j += h.len;
            ctx = true;
        }
        let (cal, month, ambiguous, h) = self.month(j)?;
        if day.is_some() && h.clitic {
            return None;
        }
        let start = start.unwrap_or(h.start);
        let mut k = j + h.len;
        let mut end = self.end(k - 1);
        // An alias: `تشرين الثاني/نوفمبر`, `نوفمبر (تشرين الثاني)`.
        let mut alias = false;
        if self.punct(k, &["/", "-", "("]) {
            if let Some((c2, m2, _, h2)) = self.month(k + 1) {
                if c2 == cal && m2 == month && !h2.clitic {
                    let mut k2 = k + 1 + h2.len;
                    let mut e2 = self.end(k2 - 1);
                    if self.punct(k, &["("]) && self.punct(k2, &[")"]) {
                        e2 = self.end(k2);
                        k2 += 1;
                    }
                    k = k2;
                    end = e2;
                    alias = true;
                }
            }
        }
        let mut e = MonthExpr {
            cal,
            month,
            day,
            year: None,
            rel_year: None,
            qual: None,
        };
        // A year: `2015`, `عام 2015`, `1437 هـ`.
        let y_at = self.is(k, Sem::YearWord).map_or(k, |h| k + h.len);
        if let Some((y, n)) = self.num(y_at) {
            let marker = self.marker(y_at + 1);
            let ok = match cal {
                Cal::Gregorian => n == 4 && (1800..=2100).contains(&y),
                Cal::Hijri => (3..=4).contains(&n) && (100..=2000).contains(&y),
            };
            if ok && marker.is_none_or(|c| c == cal) {
                e.year = Some(y as i64);
                k = y_at + 1 + usize::from(marker.is_some());
                end = self.end(k - 1);
            }
        }
        if e.year.is_none() && self.of(k) {
            // `من عام 2014`, `من العام الماضي`, `من هذا العام`.
            if let Some(h) = self.is(k + 1, Sem::YearWord) {
                if let Some((y, 4)) = self.num(k + 1 + h.len) {
                    if cal == Cal::Gregorian && (1800..=2100).contains(&y) {
                        e.year = Some(y as i64);
                        k = k + 2 + h.len;
                        end = self.end(k - 1);
                    }
                }
            }
            if e.year.is_none() {
                if let Some((Unit::Year, h)) = self.unit(k + 1) {
                    if let Some((q, hq)) = self.qual(k + 1 + h.len) {
                        e.rel_year = Some(match q {
                            Qual::Past => -1,
                            Qual::Next => 1,
                            Qual::Current => 0,
                        });
                        k = k + 1 + h.len + hq.len;
                        end = self.end(k - 1);
                    }
                } else if let Some(h) = self.is(k + 1, Sem::This) {
                    if let Some((Unit::Year, hu)) = self.unit(k + 1 + h.len) {
                        e.rel_year = Some(0);
                        k = k + 1 + h.len + hu.len;
                        end = self.end(k - 1);
                    }
                }
            }
        }
        if e.year.is_none() && e.rel_year.is_none() {
            if let Some((q, hq)) = self.qual(k) {
                e.qual = Some(q);
                k += hq.len;
                end = self.end(k - 1);
            }
        }
        if ambiguous
            && !(ctx || alias || e.year.is_some() || e.rel_year.is_some() || e.qual.is_some())
        {
            return None;
        }
        Some((
            Cand {
                start,
                end,
                next: k,
                val: e.resolve(self.cx.pub_days),
                range: day.is_some().then_some(e),
                dual: false,
            },
            e,
        ))
    }

    /// `الـ26 من الشهر الحالي`, `14 الجاري`.
    fn day_qual_expr(&self, i: usize) -> Option<Cand> {
        let (d, mut j, start, ordinal) = self.day(i)?;
        if self.of(j) {
            j += 1;
        } else if ordinal {
            return None;
        }
        let (q, k) = if let Some((Unit::Month, h)) = self.unit(j) {
            let (q, hq) = self.qual(j + h.len)?;
            (q, j + h.len + hq.len)
        } else {
            let (q, hq) = self.qual(j)?;
            // Only the masculine forms agree with an implicit شهر.
            if self.cx.toks[j].norm().ends_with('ه') {
                return None;
            }
            (q, j + hq.len)
        };
        let val = self.cx.pub_days.and_then(|p| {
            let (py, pm, _) = civil_from_days(p);
            let by = match q {
                Qual::Past => -1,
                Qual::Next => 1,
                Qual::Current => 0,
            };
            let (y, m) = shift_month(py, pm, by);
            valid_ymd(y, m, d).then_some(Res::Day(y, m, d))
        });
        Some(Cand {
            start,
            end: self.end(k - 1),
            next: k,
            val,
            range: None,
            dual: false,
        })
    }

    /// `24/11/2015`, `2015-11-24`, `24.11.2015`.
    fn numeric_expr(&self, i: usize) -> Option<Cand> {
        let t = self.tok(i)?;
        if t.kind != TokenKind::Number {
            return None;
        }
        let mut parts: Vec<(u32, usize)> = Vec::new();
        let next;
        let end;
        if t.norm().contains('.') {
            for p in t.norm().split('.') {
                parts.push(digits(p)?);
            }
            next = i + 1;
            end = t.end;
        } else {
            let sep = self.tok(i + 1)?;
            if sep.kind != TokenKind::Punct || !["/", "-", "."].contains(&sep.norm()) {
                return None;
            }
            for k in 0..5 {
                let x = self.tok(i + k)?;
                if k > 0 && !self.blank_between(i + k - 1, i + k) {
                    return None;
                }
                if k % 2 == 0 {
                    parts.push(self.num(i + k)?);
                } else if x.norm() != sep.norm() {
                    return None;
                }
            }
            next = i + 5;
            end = self.end(i + 4);
        }
        let [(a, na), (b, nb), (c, nc)] = parts[..] else {
            return None;
        };
        // Year first (2015-11-24) or last (24/11/2015, or 11/24/2015 when
        // that is the only valid reading).
        let (y, ny, m, d, alt) = if na >= 3 && nb <= 2 && nc <= 2 {
            (a, na, b, c, None)
        } else if nc >= 3 && na <= 2 && nb <= 2 {
            (c, nc, b, a, Some((a, b)))
        } else {
            return None;
        };
        let y = y as i64;
        let (val, next, end) = match self.marker(next) {
            // 1437/2/13 هـ
            Some(Cal::Hijri) => {
                let ok =
                    |m: u32, d: u32| (1..=12).contains(&m) && d >= 1 && d <= hijri_month_len(y, m);
                if !(100..=2000).contains(&y) {
                    return None;
                }
                let (m, d) = if ok(m, d) {
                    (m, d)
                } else {
                    alt.filter(|&(m, d)| ok(m, d))?
                };
                (
                    Res::from_days(hijri_to_days(y, m, d)),
                    next + 1,
                    self.end(next),
                )
            }
            marker => {
                if ny != 4 || !(1800..=2100).contains(&y) {
                    return None;
                }
                let (m, d) = if valid_ymd(y, m, d) {
                    (m, d)
                } else {
                    alt.filter(|&(m, d)| valid_ymd(y, m, d))?
                };
                if marker.is_some() {
                    (Res::Day(y, m, d), next + 1, self.end(next))
                } else {
                    (Res::Day(y, m, d), next, end)
                }
            }
        };
        Some(Cand {
            start: t.start,
            end,
            next,
            val: Some(val),
            range: None,
            dual: false,
        })
    }

    /// An explicit day-level date after a weekday or `يوم`.
    fn day_date(&self, i: usize) -> Option<Cand> {
        let a = self
            .month_expr(i, false, true)
            .filter(|(_, e)| e.day.is_some())
            .map(|(c, _)| c);
        longest([a, self.day_qual_expr(i), self.numeric_expr(i)])
    }

    /// `[اليوم|أمس|غدا] WEEKDAY [QUALIFIER] [، الموافق DATE]`.
    fn weekday_expr(&self, i: usize) -> Option<Cand> {
        let mut j = i;
        let mut start = None;
        let mut rel = 0;
        if let Some(h) = self.hit(i, |s| matches!(s, Sem::RelDay(-1..=1))) {
            if let Sem::RelDay(r) = h.sem {
                if h.len == 1 && self.hit(i + 1, |s| matches!(s, Sem::Weekday(_))).is_some() {
                    rel = r;
                    start = Some(h.start);
                    j = i + 1;
                }
            }
        }
        let h = self.hit(j, |s| matches!(s, Sem::Weekday(_)))?;
        let Sem::Weekday(wd) = h.sem else {
            return None;
        };
        let start = start.unwrap_or(h.start);
        let mut k = j + h.len;
        let mut qual = None;
        if let Some((q, hq)) = self.qual(k) {
            qual = Some(q);
            k += hq.len;
        }
        // An explicit date after the weekday.
        let mut k2 = k;
        if self.punct(k2, &["،", ","]) {
            k2 += 1;
        }
        if self.is(k2, Sem::Corresponding).is_some_and(|h| !h.clitic) {
            k2 += 1;
        }
        let paren = self.punct(k2, &["("]);
        if paren {
            k2 += 1;
        }
        if let Some(mut c) = self.day_date(k2) {
            c.start = start;
            c.range = None;
            if paren && self.punct(c.next, &[")"]) {
                c.end = self.end(c.next);
                c.next += 1;
            }
            return Some(c);
        }
        let val = self.cx.pub_days.map(|p| {
            let target = match qual {
                Some(Qual::Past) => on_or_before(p - 1, wd),
                Some(Qual::Next) => on_or_after(p + 1, wd),
                _ if rel > 0 => on_or_after(p + rel as i64, wd),
                _ => on_or_before(p + rel as i64, wd),
            };
            Res::from_days(target)
        });
        Some(Cand {
            start,
            end: self.end(k - 1),
            next: k,
            val,
            range: None,
            dual: false,
        })
    }

    fn blocked(&self, i: usize) -> bool {
        self.hit(i, |s| s == Sem::Blocker).is_some()
    }

    /// `اليوم`, `أمس`, `أول أمس`, `غدا`, `بعد غد`.
    fn rel_expr(&self, i: usize) -> Option<Cand> {
        let h = self.hit(i, |s| matches!(s, Sem::RelDay(_)))?;
        let Sem::RelDay(r) = h.sem else {
            return None;
        };
        let k = i + h.len;
        if r == 0 {
            // `ذلك اليوم`, `اليوم نفسه`: a day of the story.
            if (i > 0 && self.blocked(i - 1)) || self.blocked(k) {
                return None;
            }
            // `اليوم التالي`, `اليوم الوطني`, `اليوم الأول`: a day, not today.
            if let Some(t) = self.tok(k) {
                let n = t.norm();
                let n = n.strip_prefix('و').unwrap_or(n);
                if t.kind == TokenKind::Arabic
                    && n.starts_with("ال")
                    && (n.ends_with('ي')
                        || self.hit(k, |s| matches!(s, Sem::DayOrdinal(_))).is_some())
                {
                    return None;
                }
            }
        }
        Some(Cand {
            start: h.start,
            end: self.end(k - 1),
            next: k,
            val: self.cx.pub_days.map(|p| Res::from_days(p + r as i64)),
            range: None,
            dual: false,
        })
    }

    /// `الأسبوع الماضي`, `الشهر الجاري`, `العام المقبل`, `هذا العام`.
    fn unit_expr(&self, i: usize) -> Option<Cand> {
        let (unit, start, k, q) = if let Some(h) = self.is(i, Sem::This) {
            let (u, hu) = self.unit(i + h.len)?;
            if hu.clitic {
                return None;
            }
            (u, h.start, i + h.len + hu.len, Qual::Current)
        } else {
            let (u, h) = self.unit(i)?;
            let (q, hq) = self.qual(i + h.len)?;
            if u == Unit::Year && i > 0 && !h.clitic && self.is(i - 1, Sem::GeneralNoun).is_some() {
                return None;
            }
            (u, h.start, i + h.len + hq.len, q)
        };
        let by: i64 = match q {
            Qual::Past => -1,
            Qual::Next => 1,
            Qual::Current => 0,
        };
        let val = self.cx.pub_days.map(|p| match unit {
            Unit::Week => {
                let (y, m, _) = civil_from_days(p + 7 * by);
                Res::Month(y, m)
            }
            Unit::Month => {
                let (y, m, _) = civil_from_days(p);
                let (y, m) = shift_month(y, m, by);
                Res::Month(y, m)
            }
            Unit::Year => Res::Year(civil_from_days(p).0 + by),
        });
        Some(Cand {
            start,
            end: self.end(k - 1),
            next: k,
            val,
            range: None,
            dual: false,
        })
    }

    /// `عام 2014`, `سنة 1437 هـ`, `1437 هـ`, `2014م`, `عامي 2014 و2015`.
    fn year_expr(&self, i: usize) -> Option<Cand> {
        let (start, at, dual) =
            if let Some(h) = self.hit(i, |s| matches!(s, Sem::YearWord | Sem::YearWordDual)) {
                (h.start, i + h.len, h.sem == Sem::YearWordDual)
            } else {
                (self.tok(i)?.start, i, false)
            };
        let (y, n) = self.num(at)?;
        let marker = self.marker(at + 1);
        let word = at > i;
        let (cal, next) = match marker {
            Some(Cal::Hijri) if (3..=4).contains(&n) && (100..=2000).contains(&y) => {
                (Cal::Hijri, at + 2)
            }
            Some(Cal::Gregorian) if n == 4 && (1900..=2100).contains(&y) => {
                (Cal::Gregorian, at + 2)
            }
            _ if word && n == 4 && (1900..=2100).contains(&y) => (Cal::Gregorian, at + 1),
            _ => return None,
        };
        let val = match cal {
            Cal::Gregorian => Res::Year(y as i64),
            Cal::Hijri => Res::Year(civil_from_days(hijri_month_start(y as i64, 1)).0),
        };
        Some(Cand {
            start,
            end: self.end(next - 1),
            next,
            val: Some(val),
            range: None,
            dual: dual && cal == Cal::Gregorian,
        })
    }

    /// `خمسينيات القرن العشرين`, `التسعينيات`.
    fn decade_expr(&self, i: usize) -> Option<Cand> {
        let h = self.hit(i, |s| matches!(s, Sem::Decade(_)))?;
        let Sem::Decade(dec) = h.sem else {
            return None;
        };
        let mut k = i + h.len;
        let mut century_start = Some(1900);
        if let Some(hc) = self.hit(k, |s| matches!(s, Sem::Century(_))) {
            if !hc.clitic {
                let pub_century = self
                    .cx
                    .pub_days
                    .map(|p| civil_from_days(p).0.div_euclid(100) * 100);
                century_start = match hc.sem {
                    Sem::Century(Century::Num(c)) => Some((c as i64 - 1) * 100),
                    Sem::Century(Century::Past) => pub_century.map(|c| c - 100),
                    Sem::Century(Century::Current) => pub_century,
                    _ => None,
                };
                k += hc.len;
            }
        }
        Some(Cand {
            start: h.start,
            end: self.end(k - 1),
            next: k,
            val: century_start.map(|c| Res::Year(c + dec as i64)),
            range: None,
            dual: false,
        })
    }

    /// Day-level expressions (after `يوم`, `مساء`…).
    fn day_level(&self, i: usize) -> Option<Cand> {
        longest([self.weekday_expr(i), self.rel_expr(i), self.day_date(i)])
    }

    /// Expressions with a context word first.
    fn prefixed(&self, i: usize) -> Option<Cand> {
        let h = self.hit(i, |s| {
            matches!(
                s,
                Sem::Period | Sem::MonthWord | Sem::DayWord | Sem::TimeOfDay
            )
        })?;
        let j = i + h.len;
        let inner = match h.sem {
            Sem::Period => {
                let m = self.month_expr(j, true, false).map(|(c, _)| c);
                let u = self.unit_expr(j);
                longest([m, u, self.year_expr(j), self.decade_expr(j)])
            }
            Sem::MonthWord => self.month_expr(j, true, false).map(|(c, _)| c),
            Sem::DayWord => self.day_level(j),
            Sem::TimeOfDay => {
                let j2 = self.is(j, Sem::DayWord).map_or(j, |d| j + d.len);
                longest([self.day_level(j2), self.day_level(j)])
            }
            _ => None,
        }?;
        Some(Cand {
            start: h.start,
            range: None,
            ..inner
        })
    }

    fn parse(&self, i: usize) -> Option<Cand> {
        let m = self.month_expr(i, false, true).map(|(c, _)| c);
        longest([
            m,
            self.day_qual_expr(i),
            self.numeric_expr(i),
            self.weekday_expr(i),
            self.rel_expr(i),
            self.unit_expr(i),
            self.year_expr(i),
            self.decade_expr(i),
            self.prefixed(i),
        ])
    }
}

fn digits(s: &str) -> Option<(u32, usize)> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().map(|v| (v, s.len()))
}

/// The longest candidate (the first among equals).
fn longest<const N: usize>(c: [Option<Cand>; N]) -> Option<Cand> {
    let mut best: Option<Cand> = None;
    for x in c.into_iter().flatten() {
        if best.is_none_or(|b| x.end > b.end) {
            best = Some(x);
        }
    }
    best
}

fn on_or_before(days: i64, wd: u32) -> i64 {
    days - ((weekday(days) + 7 - wd) % 7) as i64
}

fn on_or_after(days: i64, wd: u32) -> i64 {
    days + ((wd + 7 - weekday(days)) % 7) as i64
}

/// All date expressions of a document, in text order, non-overlapping (longest wins).
pub fn find_dates(text: &str, tokens: &[Token], published: Option<Ymd>) -> Vec<DateFound> {
    let pub_days = published
        .and_then(|(y, m, d)| valid_ymd(y as i64, m, d).then(|| days_from_civil(y as i64, m, d)));
    // Tokens must lie on char boundaries of `text`, in order.
    let mut last = 0;
    for t in tokens {
        if t.start < last || t.start >= t.end || text.get(t.start..t.end).is_none() {
            return Vec::new();
        }
        last = t.end;
    }
    let cx = Cx::new(text, tokens, pub_days);
    let mut found: Vec<(DateFound, usize, Option<MonthExpr>)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let p = P {
            cx: &cx,
            sent: tokens[i].sentence,
        };
        if let Some(h) = p.is(i, Sem::NotDate) {
            i += h.len;
            continue;
        }
        let Some(c) = p.parse(i) else {
            i += 1;
            continue;
        };
        let mut next = c.next.max(i + 1);
        found.push((
            DateFound {
                span: c.start..c.end,
                value: c.val.and_then(Res::format),
                sentence: tokens[i].sentence,
            },
            i,
            c.range,
        ));
        if c.dual {
            // `عامي 2014 و2015`
            let k = next;
            let waw = p
                .tok(k)
                .is_some_and(|t| t.kind == TokenKind::Arabic && t.norm() == "و");
            if waw {
                if let Some((y, 4)) = p.num(k + 1) {
                    if (1900..=2100).contains(&y) {
                        found.push((
                            DateFound {
                                span: tokens[k + 1].span(),
                                value: Res::Year(y as i64).format(),
                                sentence: tokens[k + 1].sentence,
                            },
                            k + 1,
                            None,
                        ));
                        next = k + 2;
                    }
                }
            }
        }
        i = next;
    }
    add_ranges(&cx, &mut found);
    found.into_iter().map(|(d, _, _)| d).collect()
}

/// `24 و25 نوفمبر`, `من 1 إلى 5 ديسمبر`: the first day of a range takes the
/// month (and year) of the second.
fn add_ranges(cx: &Cx, found: &mut Vec<(DateFound, usize, Option<MonthExpr>)>) {
    let mut extra = Vec::new();
    for (n, (_, i, range)) in found.iter().enumerate() {
        let (Some(e), i) = (range, *i) else { continue };
        if i < 2 {
            continue;
        }
        let p = P {
            cx,
            sent: cx.toks[i].sentence,
        };
        let link = p
            .tok(i - 1)
            .is_some_and(|t| matches!(t.norm(), "و" | "-" | "الي" | "حتي"));
        let Some((d, nd)) = p.num(i - 2) else {
            continue;
        };
        if !link || nd > 2 || !(1..=31).contains(&d) || e.day.is_some_and(|d2| d2 <= d) {
            continue;
        }
        let prev_end = if n > 0 { found[n - 1].0.span.end } else { 0 };
        let t = &cx.toks[i - 2];
        if t.start < prev_end {
            continue;
        }
        let e2 = MonthExpr { day: Some(d), ..*e };
        extra.push((
            n,
            DateFound {
                span: t.span(),
                value: e2.resolve(cx.pub_days).and_then(Res::format),
                sentence: t.sentence,
            },
            i - 2,
        ));
    }
    for (n, d, i) in extra.into_iter().rev() {
        found.insert(n, (d, i, None));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn embedded_data_parses() {
        let (f, t) = DATES_TSV;
        let table = parse_table(f, t).unwrap_or_else(|e| panic!("{e}"));
        assert!(table.first.contains_key("نوفمبر"));
        assert!(table.first.contains_key("ه"));
    }

    #[test]
    fn data_errors_name_file_and_line() {
        let cases = [
            ("# c\nنوفمبر\n", 2, "column"),
            ("نوفمبر\tmonth 13\n", 1, "out of range"),
            ("نوفمبر\tmonthly 11\n", 1, "unknown meaning"),
            ("\nنوفمبر\tmonth 11\nنوفمبر\tmonth 11\n", 3, "duplicate"),
            ("الأحد\tweekday sun\n", 1, "unknown weekday"),
            ("ـ\tperiod\n", 1, "no letters"),
            ("x\tperiod\n", 1, "Latin"),
            ("عقد\tdecade 15\n", 1, "decade"),
        ];
        for (text, line, msg) in cases {
            let e = parse_table("data/extract/dates.tsv", text).expect_err(text);
            assert_eq!(e.line, line, "{text}");
            let s = e.to_string();
            assert!(
                s.starts_with(&format!("data/extract/dates.tsv:{line}: ")),
                "{s}"
            );
            assert!(s.contains(msg), "{s}");
        }
    }

    #[test]
    fn calendars() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(
            civil_from_days(days_from_civil(2015, 11, 24)),
            (2015, 11, 24)
        );
        // 2015-11-24 was a Tuesday.
        assert_eq!(weekday(days_from_civil(2015, 11, 24)), 1);
        // Tabular (civil) 1 Muharram 1437 = 15 October 2015; 1 Ramadan 1436 = 18 June 2015.
        assert_eq!(civil_from_days(hijri_to_days(1437, 1, 1)), (2015, 10, 15));
        assert_eq!(civil_from_days(hijri_to_days(1436, 9, 1)), (2015, 6, 18));
        assert_eq!(civil_from_days(hijri_to_days(1, 1, 1)), (622, 7, 19));
        for days in (-300_000..300_000).step_by(97) {
            let (y, m, d) = days_to_hijri(days);
            assert_eq!(hijri_to_days(y, m, d), days);
            assert!(d >= 1 && d <= hijri_month_len(y, m));
        }
        // A 30-year cycle has 10631 days.
        assert_eq!(
            hijri_month_start(1441, 1) - hijri_month_start(1411, 1),
            10631
        );
    }

    /// Table of cases, one per line: `sentence | publication date or - |
    /// expected`, the expected dates separated by ` ; `, each `matched text =
    /// value` (value `none` when unresolved); nothing after the last `|` when
    /// no date must be found. 2015-11-25 is a Wednesday.
    const CASES: &str = "
# Gregorian months, both series, combined forms
وصل الوفد إلى فيينا السبت 14 تشرين الثاني/نوفمبر 2015 للمشاركة | 2015-11-25 | السبت 14 تشرين الثاني/نوفمبر 2015 = 2015-11-14
عقد الاجتماع الجمعة 20 تشرين الثاني/نوفمبر 2015 في المدينة | - | الجمعة 20 تشرين الثاني/نوفمبر 2015 = 2015-11-20
وقعت الحادثة في 24 نوفمبر قرب الحدود | 2015-11-25 | 24 نوفمبر = 2015-11-24
بدأ البرنامج في نوفمبر 2015 ثم توقف | 2015-11-25 | نوفمبر 2015 = 2015-11
وفي 31 تشرين الأول/أكتوبر سقطت الطائرة | 2015-11-25 | 31 تشرين الأول/أكتوبر = 2015-10-31
صدر التقرير في نوفمبر/تشرين الثاني 2014 | 2015-11-25 | نوفمبر/تشرين الثاني 2014 = 2014-11
انتهت المهلة في نوفمبر (تشرين الثاني) دون اتفاق | 2015-11-25 | نوفمبر (تشرين الثاني) = 2015-11
وصلت القوات في 3 شباط 2016 | 2015-11-25 | 3 شباط 2016 = 2016-02-03
جرت الانتخابات في 7 جوان 2012 بالجزائر | 2015-11-25 | 7 جوان 2012 = 2012-06-07
افتتح المعرض في 12 أيار 2013 وأغلق في 2 إبريل 2014 | - | 12 أيار 2013 = 2013-05-12 ; 2 إبريل 2014 = 2014-04-02
تقرر ذلك في الأول من أكتوبر | 2015-11-25 | الأول من أكتوبر = 2015-10-01
حدد الموعد في الحادي والعشرين من ديسمبر المقبل | 2015-11-25 | الحادي والعشرين من ديسمبر المقبل = 2015-12-21
استمرت المعارك يومي 24 و25 نوفمبر 2015 | 2015-11-25 | 24 = 2015-11-24 ; 25 نوفمبر 2015 = 2015-11-25
كان ذلك في مارس من العام الماضي | 2015-11-25 | مارس من العام الماضي = 2014-03
١٤ نوفمبر ٢٠١٥ | - | ١٤ نوفمبر ٢٠١٥ = 2015-11-14
سيزور الرئيس المنطقة في نوفمبر المقبل | 2015-11-25 | نوفمبر المقبل = 2016-11
وقع الهجوم في 24 نوفمبر الماضي | 2015-11-20 | 24 نوفمبر الماضي = 2014-11-24
وقع الهجوم في 24 نوفمبر الماضي | 2015-11-25 | 24 نوفمبر الماضي = 2015-11-24
يبدأ التسجيل في فبراير | - | فبراير = none
# ambiguous month names need context
مارس الحزب ضغوطا كبيرة على الحكومة | 2015-11-25 |
زار أب القتيل المستشفى | 2015-11-25 |
أطلقت نيسان سيارة جديدة | 2015-11-25 |
عاد الفريق في آب الماضي | 2015-11-25 | آب الماضي = 2015-08
وقعت المجزرة في آب/أغسطس 2013 | - | آب/أغسطس 2013 = 2013-08
# numeric dates
نشر البيان بتاريخ 24/11/2015 مساء | 2015-11-25 | 24/11/2015 = 2015-11-24
الوثيقة المؤرخة 2015-11-24 سرية | 2015-11-25 | 2015-11-24 = 2015-11-24
تاريخ الإصدار 24.11.2015 | 2015-11-25 | 24.11.2015 = 2015-11-24
وقع الاتفاق في 24 / 11 / 2015 بجنيف | - | 24 / 11 / 2015 = 2015-11-24
صدر التعميم بتاريخ 1437/2/13هـ | - | 1437/2/13ه = 2015-11-26
صدر التعميم الأربعاء 13-2-1437 هـ | - | الأربعاء 13-2-1437 ه = 2015-11-26
وقع الحادث في 11/24/2015 | - | 11/24/2015 = 2015-11-24
النتيجة 3/1/2 فقط والنسبة 31/12/99 | 2015-11-25 |
# years
يقاتل التنظيم منذ عام 2014 في المنطقة | 2015-11-25 | عام 2014 = 2014
تأسس الحزب عام 1954م في القاهرة | 2015-11-25 | عام 1954م = 1954
انخفض الدخل في العام 2009 بشدة | 2015-11-25 | العام 2009 = 2009
جمعت الحملة 2014 توقيعا | 2015-11-25 |
وصل عدد النازحين إلى 1999 شخصا عام 3000 | 2015-11-25 |
بين عامي 2010 و2015 تضاعف العدد | 2015-11-25 | عامي 2010 = 2010 ; 2015 = 2015
منذ بدء الأزمة السورية | 2015-11-25 |
# weekdays
أعلن الجيش الثلاثاء إسقاط طائرة | 2015-11-25 | الثلاثاء = 2015-11-24
أعلن الجيش الأربعاء إسقاط طائرة | 2015-11-25 | الأربعاء = 2015-11-25
يصل الوزير اليوم الخميس إلى الرياض | 2015-11-26 | اليوم الخميس = 2015-11-26
يصل الوزير اليوم الخميس إلى الرياض | 2015-11-25 | اليوم الخميس = 2015-11-19
قتل ثلاثة جنود الجمعة الماضي | 2015-11-27 | الجمعة الماضي = 2015-11-20
قتل ثلاثة جنود الجمعة الماضية | 2015-11-25 | الجمعة الماضية = 2015-11-20
تستأنف المفاوضات الخميس المقبل | 2015-11-26 | الخميس المقبل = 2015-12-03
تستأنف المفاوضات الخميس القادم | 2015-11-25 | الخميس القادم = 2015-11-26
تظاهر الآلاف مساء الثلاثاء في الساحة | 2015-11-25 | مساء الثلاثاء = 2015-11-24
وصل يوم الأحد 22 نوفمبر إلى بيروت | 2015-11-25 | يوم الأحد 22 نوفمبر = 2015-11-22
اجتمع المجلس أمس الثلاثاء | 2015-11-25 | أمس الثلاثاء = 2015-11-24
الأربعاء، 25 نوفمبر 2015 | - | الأربعاء، 25 نوفمبر 2015 = 2015-11-25
انطلقت القمة السبت 14 الجاري | 2015-11-25 | السبت 14 الجاري = 2015-11-14
انطلقت القمة والسبت | - | السبت = none
# relative days
وقال المتحدث أمس إن القصف مستمر | 2015-11-25 | أمس = 2015-11-24
وقال المتحدث أمس إن القصف مستمر | - | أمس = none
جرى ذلك أول أمس في المدينة | 2015-11-25 | أول أمس = 2015-11-23
جرى ذلك أول من أمس | 2015-11-25 | أول من أمس = 2015-11-23
يجتمع الوزراء غداً في جنيف | 2015-11-25 | غداً = 2015-11-26
يصل الموفد بعد غد | 2015-11-25 | بعد غد = 2015-11-27
وقالت الوزارة اليوم إن الوضع هادئ | 2015-11-25 | اليوم = 2015-11-25
قال صباح اليوم إن | 2015-11-25 | صباح اليوم = 2015-11-25
وفي اليوم التالي انسحبت القوات | 2015-11-25 |
احتفلت البلاد باليوم الوطني | 2015-11-25 |
وصل في ذلك اليوم | 2015-11-25 |
ذكرت قناة روسيا اليوم أن | 2015-11-25 |
نقلت صحيفة اليوم عن مصدر | 2015-11-25 |
سجل الأحد عشر لاعبا | 2015-11-25 |
# units with qualifiers
تراجعت الأسعار الأسبوع الماضي | 2015-11-25 | الأسبوع الماضي = 2015-11
تبدأ المحادثات الأسبوع المقبل | 2015-11-28 | الأسبوع المقبل = 2015-12
ارتفع العجز الشهر الماضي | 2015-01-10 | الشهر الماضي = 2014-12
تنتهي المهلة الشهر الجاري | 2015-01-10 | الشهر الجاري = 2015-01
تنتهي المهلة الشهر المقبل | 2015-12-10 | الشهر المقبل = 2016-01
تراجع النمو العام الماضي وقد يتحسن العام المقبل | 2015-11-25 | العام الماضي = 2014 ; العام المقبل = 2016
زاد الإنتاج هذا العام | 2015-11-25 | هذا العام = 2015
انخفضت الصادرات خلال السنة الماضية | 2015-11-25 | السنة الماضية = 2014
زاد الإنتاج خلال العام الحالي | - | العام الحالي = none
صرح الأمين العام الحالي للمنظمة | 2015-11-25 |
حدث ذلك في الـ26 من الشهر الحالي | 2015-11-25 | ال26 من الشهر الحالي = 2015-11-26
حدث ذلك في الـ26 من الشهر الحالي | - | ال26 من الشهر الحالي = none
وقع الانفجار في الثالث من الشهر الماضي | 2015-01-10 | الثالث من الشهر الماضي = 2014-12-03
# parts of a month or year
انسحبت القوات بنهاية أيلول/سبتمبر الماضي | 2015-11-25 | نهاية أيلول/سبتمبر الماضي = 2015-09
بدأت الحملة مطلع سبتمبر | 2015-11-25 | مطلع سبتمبر = 2015-09
ستجرى الانتخابات منتصف مارس المقبل | 2015-11-25 | منتصف مارس المقبل = 2016-03
وقع الاتفاق في أواخر ديسمبر الماضي | 2015-01-10 | أواخر ديسمبر الماضي = 2014-12
تعود العلاقات إلى أوائل شهر فبراير | 2015-01-10 | أوائل شهر فبراير = 2015-02
تراجعت الأسعار في نهاية العام الماضي | 2015-11-25 | نهاية العام الماضي = 2014
انهار الاقتصاد في منتصف التسعينيات | 2015-11-25 | منتصف التسعينيات = 1990
# Hijri
توفي الشيخ في 15 محرم 1437 هـ | 2015-11-25 | 15 محرم 1437 ه = 2015-10-29
صدر المرسوم عام 1437 هـ | 2015-11-25 | عام 1437 ه = 2015
بني المسجد في 1437 هـ | - | 1437 ه = 2015
بدأ الصيام في رمضان 1436 | 2015-11-25 | رمضان 1436 = 2015-06
وقعت المعركة في ربيع الأول 1437 | - | ربيع الأول 1437 = 2015-12
تزايدت الرحلات في شهر رمضان الماضي | 2015-11-25 | شهر رمضان الماضي = 2015-06
يؤدي الحجاج المناسك في ذي الحجة 1436 هـ | 2015-11-25 | ذي الحجة 1436 ه = 2015-09
صدر القرار الأربعاء 13 صفر 1437 هـ الموافق 25 نوفمبر 2015 | - | الأربعاء 13 صفر 1437 ه = 2015-11-26 ; 25 نوفمبر 2015 = 2015-11-25
وصل في 5 جمادى الآخرة 1437 | - | 5 جمادى الآخرة 1437 = 2016-03-15
استقبل رجب طيب أردوغان الوفد | 2015-11-25 |
انخفض المؤشر إلى صفر تقريبا | 2015-11-25 |
أقيم الإفطار في رمضان | 2015-11-25 |
# decades
انتشرت الفكرة في خمسينيات القرن العشرين | - | خمسينيات القرن العشرين = 1950
عاش في خمسينيات القرن الماضي | 2015-11-25 | خمسينيات القرن الماضي = 1950
عاش في خمسينيات القرن الماضي | - | خمسينيات القرن الماضي = none
شهدت البلاد حربا أهلية في التسعينيات | 2015-11-25 | التسعينيات = 1990
تغير العالم في القرن العشرين | 2015-11-25 |
";

    /// The text layer without boilerplate removal (a one-line test sentence
    /// full of numbers and slashes can look like a menu line).
    fn process(s: &str) -> marsad_text::Processed {
        let opts = marsad_text::Options {
            remove_boilerplate: false,
            ..Default::default()
        };
        marsad_text::process(s, &opts, None)
    }

    fn run(s: &str, published: Option<Ymd>) -> Vec<(String, Option<String>)> {
        let p = process(s);
        let text = p.text.text();
        find_dates(text, &p.tokens, published)
            .into_iter()
            .map(|d| (text[d.span].to_string(), d.value))
            .collect()
    }

    fn parse_ymd(s: &str) -> Option<Ymd> {
        let mut it = s.split('-').map(|x| x.parse::<u32>().ok());
        Some((it.next()?? as i32, it.next()??, it.next()??))
    }

    #[test]
    fn table_driven() {
        let mut bad = Vec::new();
        let mut rows = 0;
        for line in CASES
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let cols: Vec<&str> = line.split('|').map(str::trim).collect();
            assert_eq!(cols.len(), 3, "bad case line {line:?}");
            let published = if cols[1] == "-" {
                None
            } else {
                Some(parse_ymd(cols[1]).unwrap_or_else(|| panic!("bad date in {line:?}")))
            };
            let want: Vec<(String, Option<String>)> = cols[2]
                .split(" ; ")
                .filter(|x| !x.is_empty())
                .map(|x| {
                    let (t, v) = x
                        .rsplit_once(" = ")
                        .unwrap_or_else(|| panic!("bad case {x:?}"));
                    (t.to_string(), (v != "none").then(|| v.to_string()))
                })
                .collect();
            let got = run(cols[0], published);
            rows += 1;
            if got != want {
                bad.push(format!("{line}\n  got  {got:?}\n  want {want:?}"));
            }
        }
        assert!(rows >= 30);
        assert!(
            bad.is_empty(),
            "{} of {rows} rows failed:\n{}",
            bad.len(),
            bad.join("\n")
        );
    }

    #[test]
    fn sentence_index_and_order() {
        let s = "وصل الوفد أمس. وسيغادر غدا إلى القاهرة.";
        let p = process(s);
        let d = find_dates(p.text.text(), &p.tokens, Some((2015, 11, 25)));
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].sentence, 0);
        assert_eq!(d[1].sentence, 1);
        assert_eq!(d[1].value.as_deref(), Some("2015-11-26"));
        assert!(d[0].span.end <= d[1].span.start);
    }

    fn check(s: &str, published: Option<Ymd>) -> Result<(), TestCaseError> {
        let p = process(s);
        let text = p.text.text();
        let found = find_dates(text, &p.tokens, published);
        let mut last = 0;
        for d in &found {
            prop_assert!(d.span.start < d.span.end && d.span.end <= text.len());
            prop_assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
            prop_assert!(d.span.start >= last, "overlap in {:?}", found);
            last = d.span.end;
            if let Some(v) = &d.value {
                prop_assert!(matches!(v.len(), 4 | 7 | 10), "{}", v);
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn never_panics_arbitrary(s in any::<String>(), y in 0i32..10000, m in 0u32..14, d in 0u32..33) {
            check(&s, Some((y, m, d)))?;
            check(&s, None)?;
        }

        /// Tokens that do not belong to the text are rejected, not sliced.
        #[test]
        fn never_panics_foreign_tokens(a in "[0-9 /نوفمبرالسبت]{0,40}", b in any::<String>()) {
            let p = process(&a);
            for d in find_dates(&b, &p.tokens, Some((2015, 11, 25))) {
                prop_assert!(b.get(d.span.clone()).is_some());
            }
        }

        #[test]
        fn never_panics_date_soup(v in prop::collection::vec(prop::sample::select(vec![
            "14", "31", "0", "2015", "1437", "99999", "/", "-", ".", "(", ")", "،", " ", "\n",
            "نوفمبر", "تشرين", "الثاني", "الأول", "كانون", "ربيع", "جمادى", "ذو", "الحجة",
            "الـ", "من", "الشهر", "العام", "الماضي", "المقبل", "هذا", "عامي", "و", "هـ", "م",
            "السبت", "اليوم", "أمس", "أول", "غدا", "يوم", "مساء", "نهاية", "شهر", "رمضان",
            "خمسينيات", "القرن", "العشرين", "الموافق", "آب", "وبنهاية", "للعام", "َ",
            "الثلاثاء", "الجاري", "24/11/2015", "1437/2/13", "ه", "24.11.2015", "عام", "إلى",
        ]), 0..25), y in 1i32..3000) {
            check(&v.concat(), Some((y, 2, 29)))?;
            check(&v.join(" "), Some((y, 12, 31)))?;
            check(&v.join(" "), None)?;
        }
    }
}

#[cfg(test)]
mod speed {
    /// `cargo test --release -p marsad-extract --lib dates::speed -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn find_dates_mbps() {
        let mut docs = Vec::new();
        if let Ok(rd) = std::fs::read_dir("/work/shared/seeds") {
            for e in rd.flatten() {
                if e.path().extension().is_some_and(|x| x == "txt") {
                    docs.push(std::fs::read_to_string(e.path()).unwrap_or_default());
                }
            }
        }
        let docs: Vec<_> = docs
            .iter()
            .map(|d| marsad_text::process(d, &marsad_text::Options::default(), None))
            .collect();
        let bytes: usize = docs.iter().map(|p| p.text.text().len()).sum();
        if bytes == 0 {
            return;
        }
        let reps = (20_000_000 / bytes).max(1);
        let t = std::time::Instant::now();
        let mut n = 0;
        for _ in 0..reps {
            for p in &docs {
                n += super::find_dates(p.text.text(), &p.tokens, Some((2015, 11, 25))).len();
            }
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{:.0} MB/s ({} dates per pass)",
            (bytes * reps) as f64 / secs / 1e6,
            n / reps
        );
    }
}
