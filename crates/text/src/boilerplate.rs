//! Boilerplate line removal: drops site furniture (menus, "read more" links,
//! ad-blocker notices, bylines, image alt-text and captions, link lines and
//! lines repeated across a source's documents) from cleaned text.
//!
//! Decisions are made from LINE FEATURES (word count, sentence punctuation,
//! commas, quotation marks, separators such as `|` `»` `›`, link-likeness,
//! Latin share, repetition across documents) plus a small cue list
//! (`data/text/boilerplate-cues.txt`) that is only ever used together with
//! those shape features. Precision beats recall: a line that looks like a
//! sentence (terminal punctuation, a comma or quotation marks) is never
//! dropped by a cue, and headings (short lines without punctuation) are kept
//! unless a specific rule identifies them as furniture.
use crate::data::{self, DataError};
use crate::mapped::{Builder, MappedText};
use crate::matchform::match_form;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Why a line was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    Menu,
    ReadMore,
    AdNotice,
    Byline,
    AltText,
    Caption,
    Link,
    Repeated,
}

/// A dropped line: 1-based line number in the cleaned input, its text and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub line: usize,
    /// Byte offset of the line's start in the raw input (through the origin
    /// map of the filtered text), so the line can be found in the original.
    pub source_start: usize,
    pub text: String,
    pub reason: Reason,
}

/// Line repetition across documents of one source (site), built before filtering.
#[derive(Debug, Default, Clone)]
pub struct SourceStats {
    counts: HashMap<u64, u32>,
    docs: u32,
}

impl SourceStats {
    pub fn new() -> Self {
        Self::default()
    }
    /// Count the lines of one cleaned document (output of `normalize::clean`).
    /// A line counts once per document however often it occurs in it.
    pub fn add_document(&mut self, cleaned: &str) {
        self.docs += 1;
        let keys: HashSet<u64> = cleaned.split('\n').filter_map(line_key).collect();
        for k in keys {
            *self.counts.entry(k).or_insert(0) += 1;
        }
    }
    /// In how many documents this line occurs.
    pub fn repeats(&self, line: &str) -> u32 {
        line_key(line)
            .and_then(|k| self.counts.get(&k).copied())
            .unwrap_or(0)
    }
    pub fn documents(&self) -> u32 {
        self.docs
    }
}

/// Stable hash (FNV-1a) of a line's match form with whitespace collapsed;
/// `None` for blank lines.
fn line_key(line: &str) -> Option<u64> {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut any = false;
    for w in line.split_whitespace() {
        if any {
            h = fnv(h, b" ");
        }
        h = fnv(h, match_form(w).as_bytes());
        any = true;
    }
    any.then_some(h)
}

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

// ---------------------------------------------------------------------------
// Cue list

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cat {
    Related,
    ReadMore,
    Menu,
    Ad,
    Byline,
    Credit,
}

#[derive(Debug, Clone)]
struct Cue {
    words: Vec<String>,
    strong: bool,
    cat: Cat,
}

/// The parsed cue list (see `data/text/boilerplate-cues.txt` for the format).
#[derive(Debug, Clone, Default)]
pub struct Cues {
    cues: Vec<Cue>,
}

impl Cues {
    /// Parse a cue file; errors name the file and line.
    pub fn parse(file: &str, text: &str) -> Result<Cues, DataError> {
        let mut cues = Vec::new();
        let mut cat = None;
        for (line, l) in data::lines(text) {
            let err = |message: String| DataError {
                file: file.into(),
                line,
                message,
            };
            if let Some(name) = l.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
                cat = Some(match name.trim() {
                    "related" => Cat::Related,
                    "read-more" => Cat::ReadMore,
                    "menu" => Cat::Menu,
                    "ad" => Cat::Ad,
                    "byline" => Cat::Byline,
                    "credit" => Cat::Credit,
                    other => return Err(err(format!(
                        "unknown section [{other}]; expected related, read-more, menu, ad, byline or credit"
                    ))),
                });
                continue;
            }
            let cat = cat.ok_or_else(|| {
                err(format!(
                    "cue {l:?} before any [section] header (e.g. [menu])"
                ))
            })?;
            if l.contains('\t') {
                return Err(err(format!(
                    "expected one cue per line, found a tab in {l:?}"
                )));
            }
            let (strong, phrase) = match l.strip_prefix('!') {
                Some(p) => (true, p),
                None => (false, l),
            };
            let words = norm_words(phrase);
            if words.is_empty() {
                return Err(err(format!("empty cue {l:?}")));
            }
            cues.push(Cue { words, strong, cat });
        }
        Ok(Cues { cues })
    }

    /// The cue list shipped in the repository (parsed once, on first use).
    pub fn builtin() -> &'static Cues {
        static CUES: OnceLock<Cues> = OnceLock::new();
        CUES.get_or_init(|| {
            let (f, t) = data::BOILERPLATE_CUES;
            Cues::parse(f, t).unwrap_or_else(|e| {
                panic!("built-in boilerplate cues are invalid (a build defect): {e}")
            })
        })
    }
}

/// Words of `s` in match form with surrounding punctuation trimmed; words that
/// are only punctuation are skipped.
fn norm_words(s: &str) -> Vec<String> {
    s.split_whitespace()
        .map(|w| match_form(w.trim_matches(|c: char| !c.is_alphanumeric())))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Cue hits of one category in a line's normalised words.
#[derive(Debug, Default)]
struct Hits {
    /// Some cue of this category starts or ends the line.
    anchored: bool,
    /// Some STRONG cue of this category starts or ends the line.
    anchored_strong: bool,
    /// A strong cue starts the line.
    strong_at_start: bool,
    /// Length in words of the cue starting the line (0 if none).
    start_len: usize,
    /// Words covered by any cue of this category.
    covered: usize,
}

fn hits(cues: &Cues, cat: Cat, words: &[String]) -> Hits {
    hits_any(cues, &[cat], words)
}

fn hits_any(cues: &Cues, cats: &[Cat], words: &[String]) -> Hits {
    let mut h = Hits::default();
    let mut cov = vec![false; words.len()];
    for cue in cues.cues.iter().filter(|c| cats.contains(&c.cat)) {
        let n = cue.words.len();
        if n > words.len() {
            continue;
        }
        for i in 0..=words.len() - n {
            if words[i..i + n] != cue.words[..] {
                continue;
            }
            cov[i..i + n].iter_mut().for_each(|c| *c = true);
            let anchored = i == 0 || i + n == words.len();
            h.anchored |= anchored;
            h.anchored_strong |= anchored && cue.strong;
            if i == 0 {
                h.start_len = h.start_len.max(n);
                h.strong_at_start |= cue.strong;
            }
        }
    }
    h.covered = cov.iter().filter(|&&c| c).count();
    h
}

// ---------------------------------------------------------------------------
// Line features

/// Lines longer than this are never matched against cue words (all cue rules
/// require ≤ 20 tokens), which keeps long paragraphs cheap.
const MAX_CUE_LINE_TOKENS: usize = 24;

const SEPARATORS: &[&str] = &["|", "»", "›", "/", "·", "•", ">", "::", "||"];

#[derive(Debug)]
struct Line<'a> {
    text: &'a str,
    /// Whitespace-separated tokens.
    toks: Vec<&'a str>,
    /// Normalised words (punctuation-only tokens skipped).
    words: Vec<String>,
    letters: usize,
    arabic: usize,
    latin: usize,
    digits: usize,
    /// Ends with sentence punctuation (. ! ? ؟ : ؛ ;), ignoring closing quotes
    /// and brackets; a trailing ellipsis does not count.
    ends_sentence: bool,
    has_comma: bool,
    has_quote: bool,
    /// Standalone separator tokens (`|`, `»` between spaces, `›`, …).
    seps: usize,
    links: usize,
}

impl<'a> Line<'a> {
    fn new(text: &'a str) -> Self {
        let toks: Vec<&str> = text.split_whitespace().collect();
        let (mut letters, mut arabic, mut latin, mut digits) = (0, 0, 0, 0);
        for c in text.chars() {
            // Arabic letters first: the common case, and cheaper than the
            // general Unicode `is_alphabetic` table lookup.
            if ('\u{0621}'..='\u{064A}').contains(&c) {
                letters += 1;
                arabic += 1;
            } else if c.is_alphabetic() {
                letters += 1;
                if ('\u{0600}'..='\u{06FF}').contains(&c)
                    || ('\u{0750}'..='\u{077F}').contains(&c)
                    || ('\u{FB50}'..='\u{FEFF}').contains(&c)
                {
                    arabic += 1;
                } else if c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c) {
                    latin += 1;
                }
            } else if c.is_numeric() {
                digits += 1;
            }
        }
        // (Every separator is at most three bytes long.)
        let seps = toks
            .iter()
            .filter(|t| t.len() <= 3 && SEPARATORS.contains(t))
            .count();
        let has_quote = text.contains(['“', '”', '„', '"', '«'])
            || toks.iter().any(|t| t.contains('»') && *t != "»");
        Line {
            text,
            // Every cue rule needs a short line (≤ 20 tokens): long running
            // text skips the match-form words altogether.
            words: if toks.len() <= MAX_CUE_LINE_TOKENS {
                norm_words(text)
            } else {
                Vec::new()
            },
            letters,
            arabic,
            latin,
            digits,
            ends_sentence: ends_sentence(text),
            has_comma: text.contains(['،', ',']),
            has_quote,
            seps,
            links: toks.iter().filter(|t| is_link(t)).count(),
            toks,
        }
    }

    fn n(&self) -> usize {
        self.toks.len()
    }

    /// Looks like (part of) a running sentence.
    fn sentence_like(&self) -> bool {
        self.ends_sentence || self.has_comma || self.has_quote
    }
}

fn ends_sentence(s: &str) -> bool {
    let t = s.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '”' | '»' | '"' | '\'' | ')' | ']' | '’' | '›')
    });
    if t.ends_with("..") || t.ends_with('…') {
        return false;
    }
    t.ends_with(['.', '!', '?', '؟', ':', '؛', ';'])
}

fn is_link(tok: &str) -> bool {
    // Every link has a dot, an `@` or a `:` (`://`): most words have none.
    if !tok.bytes().any(|b| matches!(b, b'.' | b'@' | b':')) {
        return false;
    }
    let t = tok.trim_matches(|c: char| {
        matches!(
            c,
            '(' | ')'
                | '['
                | ']'
                | '<'
                | '>'
                | '"'
                | '“'
                | '”'
                | '«'
                | '»'
                | ','
                | '،'
                | '.'
                | ':'
                | ';'
        )
    });
    let lower = t.to_ascii_lowercase();
    if lower.contains("://") || lower.starts_with("www.") {
        return true;
    }
    // @handle (not an e-mail) or e-mail address
    if let Some(rest) = t.strip_prefix('@') {
        return !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    }
    if let Some((user, host)) = t.split_once('@') {
        return !user.is_empty() && is_domain(host);
    }
    is_domain(t.split('/').next().unwrap_or(""))
}

/// `name.tld` with ASCII labels and an alphabetic TLD of 2–6 letters.
fn is_domain(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let tld = labels[labels.len() - 1];
    (2..=6).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && labels[..labels.len() - 1]
            .iter()
            .any(|l| l.chars().any(|c| c.is_ascii_alphabetic()))
}

/// A single token of ≥3 parts joined by `-` or `_`, each part with a letter:
/// image alt-text / slug such as `اسم-اسم-وكلمة-أخرى`.
fn is_alt_text(l: &Line) -> bool {
    if l.n() != 1 {
        return false;
    }
    let t = l.toks[0];
    let parts: Vec<&str> = t.split(['-', '_']).collect();
    parts.len() >= 3 && parts.iter().all(|p| p.chars().any(char::is_alphabetic))
}

// ---------------------------------------------------------------------------
// Classification

/// Shared shape requirement for cue-based drops: short, not sentence-like.
fn furniture_shape(l: &Line, max_words: usize, allow_terminal: bool) -> bool {
    l.n() <= max_words && !l.has_comma && !l.has_quote && (allow_terminal || !l.ends_sentence)
}

fn cue_reason(l: &Line, cues: &Cues) -> Option<Reason> {
    let n = l.words.len();
    if n == 0 {
        return None;
    }
    let majority = |h: &Hits| h.covered * 2 > n;
    // "اقرأ أيضا: <title>" — a strong read-more cue opening the line allows a
    // longer line (the linked title follows).
    let rm = hits_any(cues, &[Cat::Related, Cat::ReadMore], &l.words);
    if rm.strong_at_start && l.n() <= 20 && !l.has_comma {
        return Some(Reason::ReadMore);
    }
    if (rm.anchored_strong || (rm.anchored && majority(&rm))) && furniture_shape(l, 10, false) {
        return Some(Reason::ReadMore);
    }
    let ad = hits(cues, Cat::Ad, &l.words);
    if (ad.anchored_strong || (ad.anchored && majority(&ad))) && furniture_shape(l, 12, true) {
        return Some(Reason::AdNotice);
    }
    let menu = hits(cues, Cat::Menu, &l.words);
    if (menu.anchored_strong || (menu.anchored && majority(&menu))) && furniture_shape(l, 10, false)
    {
        return Some(Reason::Menu);
    }
    None
}

fn byline_reason(l: &Line, cues: &Cues) -> bool {
    if l.sentence_like() || l.digits > 0 {
        return false;
    }
    // "source | author" (one internal '|', short segments)
    let body = l.text.trim().trim_end_matches(['|', ' ']);
    if body.matches('|').count() == 1 && !l.text.trim_end().ends_with('|') {
        let (a, b) = body.split_once('|').unwrap_or(("", ""));
        let (na, nb) = (a.split_whitespace().count(), b.split_whitespace().count());
        if (1..=4).contains(&na) && (1..=4).contains(&nb) && l.n() <= 9 {
            return true;
        }
    }
    // "بقلم: فلان الفلاني"
    let h = hits(cues, Cat::Byline, &l.words);
    if h.start_len > 0 {
        let rest = l.words.len() - h.start_len;
        if (1..=4).contains(&rest) {
            let first = l.toks.first().copied().unwrap_or("");
            let marked = first.ends_with([':', '-', '–', '—'])
                || l.toks
                    .get(1)
                    .is_some_and(|t| matches!(*t, ":" | "-" | "–" | "—" | "ـ"));
            // weak cues ("كتب", which is also a verb) need "كتب: فلان"
            if h.strong_at_start || marked {
                return true;
            }
        }
    }
    false
}

fn caption_reason(l: &Line, cues: &Cues) -> bool {
    let t = l.text.trim();
    let trailing_bar = t.ends_with('|');
    let body = t.trim_end_matches(['|', ' ']);
    if body.is_empty() {
        return false;
    }
    // photo caption with a trailing '|' (the credit separator of the scraper)
    if trailing_bar
        && !body.contains('|')
        && body.split_whitespace().count() <= 30
        && !ends_sentence(body)
    {
        return true;
    }
    // "... (الأوروبية)": a credit in final parentheses
    if body.ends_with(')') && !ends_sentence(body) && !l.has_quote && l.n() <= 25 {
        if let Some(open) = body.rfind('(') {
            let inner = norm_words(&body[open + 1..body.len() - 1]);
            if !inner.is_empty() && inner.len() <= 4 {
                let h = hits(cues, Cat::Credit, &inner);
                if h.covered == inner.len() {
                    return true;
                }
            }
        }
    }
    false
}

fn classify(
    l: &Line,
    cues: &Cues,
    arabic_doc: bool,
    stats: Option<&SourceStats>,
) -> Option<Reason> {
    if l.n() == 0 {
        return None;
    }
    if is_alt_text(l) {
        return Some(Reason::AltText);
    }
    if l.links > 0 && (l.links * 2 >= l.n() || (l.n() <= 8 && !l.sentence_like())) {
        return Some(Reason::Link);
    }
    if let Some(r) = cue_reason(l, cues) {
        return Some(r);
    }
    if byline_reason(l, cues) {
        return Some(Reason::Byline);
    }
    if caption_reason(l, cues) {
        return Some(Reason::Caption);
    }
    // breadcrumbs / navigation: several standalone separators, short
    // segments, no "label: value" pairs and no list number (track lists,
    // rating keys and numbered items are content)
    if l.seps >= 2 && !l.sentence_like() && !l.text.contains(':') && !starts_with_number(l) {
        let segs_short = l
            .toks
            .split(|t| SEPARATORS.contains(t))
            .all(|seg| seg.len() <= 4);
        if segs_short {
            return Some(Reason::Menu);
        }
    }
    // copyright footer
    if l.text.contains('©') && l.n() <= 12 && !l.has_quote {
        return Some(Reason::Menu);
    }
    // short Latin-only line in an Arabic document with a UI cue word
    // ("Share on Facebook"); Latin titles without a cue are kept
    if arabic_doc && l.arabic == 0 && l.latin > 0 && l.n() <= 6 && !l.sentence_like() {
        let h = hits_any(
            cues,
            &[Cat::Menu, Cat::ReadMore, Cat::Related, Cat::Ad],
            &l.words,
        );
        if h.anchored {
            return Some(Reason::Menu);
        }
    }
    // no letters: separator rows ("***", "|") and timestamps ("20/11/2015 10:45");
    // bare numbers and "(1)" are kept
    if l.letters == 0
        && l.n() <= 6
        && (l.digits == 0 || (l.n() <= 4 && l.text.contains([':', '/'])))
    {
        return Some(Reason::Menu);
    }
    if let Some(st) = stats {
        let r = st.repeats(l.text);
        let docs = st.documents();
        if docs >= 3 && r >= 3 && r * 5 >= docs && l.n() <= 15 && !(l.sentence_like() && l.n() >= 6)
        {
            return Some(Reason::Repeated);
        }
    }
    None
}

/// The line opens with a list number (`1.`, `10-`, `٣)`).
fn starts_with_number(l: &Line) -> bool {
    l.toks.first().is_some_and(|t| {
        let d = t.trim_end_matches(|c: char| !c.is_numeric());
        t.chars().next().is_some_and(char::is_numeric)
            && d.chars().all(char::is_numeric)
            && d.len() < t.len()
    })
}

/// A line that is only a read-more/related header ("مقالات ذات صلة").
fn is_related_header(l: &Line, cues: &Cues) -> bool {
    let h = hits(cues, Cat::Related, &l.words);
    !l.words.is_empty() && h.covered == l.words.len() && !l.has_quote
}

/// A linked-title-like line: short, no sentence punctuation.
fn title_like(l: &Line) -> bool {
    l.n() <= 20 && !l.ends_sentence
}

/// Drop boilerplate lines from cleaned text (lines separated by `\n`).
///
/// Returns the kept lines joined by `\n` (origins copied from `t`, so they
/// still refer to `t`'s source) and the removed lines.
pub fn filter(t: &MappedText, stats: Option<&SourceStats>) -> (MappedText, Vec<Removed>) {
    let cues = Cues::builtin();
    let text = t.text();
    // line byte ranges (split on '\n'; a trailing '\n' yields an empty last line)
    let mut ranges = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            ranges.push(start..i);
            start = i + 1;
        }
    }
    ranges.push(start..text.len());

    let lines: Vec<Line> = ranges.iter().map(|r| Line::new(&text[r.clone()])).collect();
    let (ar, la) = lines
        .iter()
        .fold((0, 0), |(a, b), l| (a + l.arabic, b + l.latin));
    let arabic_doc = ar > la;
    let mut decision: Vec<Option<Reason>> = lines
        .iter()
        .map(|l| classify(l, cues, arabic_doc, stats))
        .collect();

    // Related-articles block at the END of the document: after a header line
    // such as "مقالات ذات صلة", drop the linked titles when nothing after the
    // header looks like article text.
    if let Some(h) = (0..lines.len())
        .rev()
        .find(|&i| decision[i] == Some(Reason::ReadMore) && is_related_header(&lines[i], cues))
    {
        let titles = (h + 1..lines.len())
            .filter(|&i| lines[i].n() > 0 && decision[i].is_none())
            .count();
        let tail_ok = titles <= 12
            && (h + 1..lines.len())
                .all(|i| lines[i].n() == 0 || decision[i].is_some() || title_like(&lines[i]));
        if tail_ok {
            for i in h + 1..lines.len() {
                if lines[i].n() > 0 && decision[i].is_none() {
                    decision[i] = Some(Reason::ReadMore);
                }
            }
        }
    }

    let mut b = Builder::with_capacity(text.len());
    let mut removed = Vec::new();
    let mut prev_kept: Option<usize> = None;
    for (i, r) in ranges.iter().enumerate() {
        match decision[i] {
            Some(reason) => removed.push(Removed {
                line: i + 1,
                source_start: t.origin_of(r.start),
                text: text[r.clone()].to_string(),
                reason,
            }),
            None => {
                if let Some(p) = prev_kept {
                    // the '\n' that ended the previous kept line
                    let nl = ranges[p].end;
                    b.push_mapped(t, nl..nl + 1);
                }
                b.push_mapped(t, r.clone());
                prev_kept = Some(i);
            }
        }
    }
    let end = t.origin_of(text.len());
    (b.finish(end), removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> (String, Vec<Removed>) {
        let (t, r) = filter(&MappedText::identity(s), None);
        (t.into_text(), r)
    }

    /// One line alone: `None` = kept.
    fn one(line: &str) -> Option<Reason> {
        let (out, r) = run(line);
        match r.first() {
            Some(rm) => {
                assert_eq!(out, "");
                Some(rm.reason)
            }
            None => {
                assert_eq!(out, line);
                None
            }
        }
    }

    #[test]
    fn builtin_cues_parse() {
        assert!(!Cues::builtin().cues.is_empty());
    }

    #[test]
    fn cue_file_errors_name_file_and_line() {
        let e = Cues::parse("x.txt", "# c\nالمزيد\n").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("x.txt", 2));
        let e = Cues::parse("x.txt", "[menu]\nok\n[footer]\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = Cues::parse("x.txt", "[menu]\na\tb\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = Cues::parse("x.txt", "[menu]\n!\n").unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn table() {
        use Reason::*;
        let cases: &[(&str, Option<Reason>)] = &[
            // --- kept: headings (short, no punctuation)
            ("تحالف هش", None),
            ("موسكو تراهن على الوقت في مواجهة الغرب", None),
            ("المجلس الأعلى", None),
            ("إعلان حالة الطوارئ في العاصمة", None),
            ("تعليقات الوزير تثير غضب المعارضة", None),
            ("شارك آلاف المتظاهرين في مسيرة وسط المدينة.", None),
            ("من نحن في معادلة الحرب الجديدة", None),
            ("هل ينجح التحالف؟", None),
            ("سوريا", None),
            // --- kept: real sentences, including short quoted ones
            ("وقال الوزير إن بلاده لن تتراجع عن موقفها.", None),
            ("«لن نتراجع»", None),
            ("“المزيد من الدماء لن يحل شيئا”", None),
            ("وطالب المتحدث بالمزيد من الدعم العسكري للقوات الحكومية.", None),
            ("وأضاف: «اقرأ التاريخ جيدا»", None),
            ("ونشرت الوزارة البيان على موقعها الرسمي www.mofa.example.gov، وفق ما أفادت وكالة الأنباء.", None),
            ("وذكرت وكالة رويترز أن الاجتماع انتهى دون اتفاق (رويترز).", None),
            ("1.", None),
            ("وتضم اللجنة ممثلين عن الجيش والشرطة | والاستخبارات، بحسب البيان.", None),
            ("قتل ٢٢٤ شخصا في الهجوم", None),
            ("3- رحلة الشتاء / تأليف: سامي / إخراج: هالة / إنتاج: نور", None),
            ("4321098765", None),
            ("(2)", None),
            ("* * *", Some(Menu)),
            // --- dropped: read-more / related
            ("عرض المزيد", Some(ReadMore)),
            ("...المزيد", Some(ReadMore)),
            ("أخبار ذات صلة", Some(ReadMore)),
            ("اقرأ أيضاً: وزير الدفاع يصل إلى العاصمة في زيارة مفاجئة", Some(ReadMore)),
            // --- dropped: menu / footer
            ("العودة إلى الأعلى", Some(Menu)),
            ("زر العودة للأعلى", Some(Menu)),
            ("تابعونا على تويتر", Some(Menu)),
            ("جميع الحقوق محفوظة لموقع المرصد 2015", Some(Menu)),
            ("© 2015 المرصد", Some(Menu)),
            ("الرئيسية » أخبار » سياسة", Some(Menu)),
            ("طباعة", Some(Menu)),
            ("20/11/2015 - 10:45", Some(Menu)),
            // --- dropped: ad-blocker notices
            ("يبدو أنك تستعمل مانع الإعلانات", Some(AdNotice)),
            ("من فضلك عطل إضافة Adblock لمواصلة القراءة.", None), // cue not at an edge
            ("نرجو تعطيل إضافة Adblock", Some(AdNotice)),
            ("إعلان", Some(AdNotice)),
            // --- dropped: bylines
            ("صحيفة المرصد | سامر الحلبي", Some(Byline)),
            ("بقلم: د. ليلى العمر", Some(Byline)),
            ("كتب: يوسف عبد الرحيم", Some(Byline)),
            ("تحرير: منى صالح", Some(Byline)),
            ("تحرير المدينة", None),
            ("إعداد الجيش لمعركة الشمال", None),
            ("كتب الرئيس رسالة مطولة إلى نظيره الفرنسي", None),
            // --- dropped: alt-text
            ("وزير-الخارجية-يصافح-نظيره", Some(AltText)),
            ("مجلس_الأمن_الدولي", Some(AltText)),
            ("وزير-الخارجية", None),
            // --- dropped: captions
            ("جنود في دورية قرب الحدود الشمالية (رويترز) |", Some(Caption)),
            ("دخان يتصاعد من موقع القصف (أ ف ب)", Some(Caption)),
            ("مشيعون يحملون نعش أحد الضحايا |", Some(Caption)),
            // --- dropped: links
            ("https://example.com/news/123", Some(Link)),
            ("www.example.net", Some(Link)),
            ("تابعوا حسابنا @marsad_news", Some(Link)),
            ("للتواصل: desk@example.org", Some(Link)),
        ];
        let mut bad = Vec::new();
        for &(line, want) in cases {
            let got = one(line);
            if got != want {
                bad.push(format!("{line:?}: want {want:?}, got {got:?}"));
            }
        }
        assert!(bad.is_empty(), "\n{}", bad.join("\n"));
    }

    #[test]
    fn document_with_footer_and_related_block() {
        let doc = "تصعيد على الحدود\n\
            أعلنت وزارة الدفاع، مساء الخميس، إسقاط طائرة مسيرة قرب الحدود.\n\
            الموقع | فلان الفلاني\n\
            روابط ذات صلة\n\
            الجيش يعزز مواقعه في الشمال\n\
            وزير الخارجية يلتقي نظيره الروسي\n\
            العودة إلى الأعلى";
        let (out, removed) = run(doc);
        assert_eq!(
            out,
            "تصعيد على الحدود\nأعلنت وزارة الدفاع، مساء الخميس، إسقاط طائرة مسيرة قرب الحدود."
        );
        let got: Vec<(usize, Reason)> = removed.iter().map(|r| (r.line, r.reason)).collect();
        use Reason::*;
        assert_eq!(
            got,
            vec![
                (3, Byline),
                (4, ReadMore),
                (5, ReadMore),
                (6, ReadMore),
                (7, Menu)
            ]
        );
    }

    #[test]
    fn related_header_mid_document_keeps_following_headings() {
        let doc = "روابط ذات صلة\nجبهة جديدة\nوقال الوزير إن الحرب طويلة.";
        let (out, removed) = run(doc);
        assert_eq!(out, "جبهة جديدة\nوقال الوزير إن الحرب طويلة.");
        assert_eq!(removed.len(), 1);
    }

    #[test]
    fn origins_survive() {
        let doc = "أولا\nعرض المزيد\nثانيا";
        // "عرض المزيد" is a button, not a related-list header: the last
        // line is kept
        let m = MappedText::identity(doc);
        let (out, removed) = filter(&m, None);
        assert_eq!(out.text(), "أولا\nثانيا");
        assert_eq!(removed[0].line, 2);
        let second = out.text().find("ثانيا").unwrap();
        assert_eq!(out.origin_of(second), doc.find("ثانيا").unwrap());
        assert_eq!(out.origin_of(out.text().len()), doc.len());
    }

    #[test]
    fn source_repetition() {
        let footer = "نشرة المرصد اليومية";
        let mut st = SourceStats::new();
        let docs: Vec<String> = (0..10)
            .map(|i| {
                if i < 3 {
                    format!("خبر رقم {i} عن الاقتصاد.\n{footer}\n{footer}")
                } else {
                    format!("خبر رقم {i} عن السياسة.")
                }
            })
            .collect();
        for d in &docs {
            st.add_document(d);
        }
        assert_eq!(st.documents(), 10);
        // counted once per document, matched through the match form
        assert_eq!(st.repeats(footer), 3);
        assert_eq!(st.repeats("  نشرة   المرصد اليومية "), 3);
        assert_eq!(st.repeats("سطر غير موجود"), 0);
        let (out, removed) = filter(&MappedText::identity(&docs[0]), Some(&st));
        assert_eq!(out.text(), "خبر رقم 0 عن الاقتصاد.");
        assert!(removed.iter().all(|r| r.reason == Reason::Repeated));
        // below 20% of the documents: kept
        let mut big = st.clone();
        for _ in 0..10 {
            big.add_document("نص آخر.");
        }
        let (out, _) = filter(&MappedText::identity(&docs[0]), Some(&big));
        assert_eq!(out.text(), docs[0]);
        // a repeated full sentence is kept
        let sentence = "وجرى خلال اللقاء بحث عدد من المسائل ذات الاهتمام المشترك.";
        let mut st = SourceStats::new();
        for _ in 0..4 {
            st.add_document(sentence);
        }
        assert_eq!(
            filter(&MappedText::identity(sentence), Some(&st)).0.text(),
            sentence
        );
    }

    #[test]
    fn latin_lines_in_an_arabic_document() {
        let doc = "قال المتحدث إن المفاوضات ستستأنف الأسبوع المقبل في جنيف.\nShare on Facebook\nThe Long Winter";
        let (out, removed) = run(doc);
        // a UI line goes, a Latin film title without a cue stays
        assert_eq!(
            out,
            "قال المتحدث إن المفاوضات ستستأنف الأسبوع المقبل في جنيف.\nThe Long Winter"
        );
        assert!(removed.iter().all(|r| r.reason == Reason::Menu));
        // an English document is left alone
        assert_eq!(run("Share on Facebook").0, "Share on Facebook");
    }

    #[test]
    fn blank_lines_and_trailing_newline() {
        let (out, removed) = run("عنوان\n\nعرض المزيد\n\nنص الخبر.\n");
        assert_eq!(out, "عنوان\n\n\nنص الخبر.\n");
        assert_eq!(removed.len(), 1);
        assert_eq!(run("").0, "");
    }

    /// Is `sub` a subsequence of `full`?
    fn subsequence(sub: &[&str], full: &[&str]) -> bool {
        let mut it = full.iter();
        sub.iter().all(|s| it.any(|f| f == s))
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn line() -> impl Strategy<Value = String> {
            prop_oneof![
                "[ا-ي ،.؟|»«:()@\\-a-z0-9]{0,40}",
                Just("عرض المزيد".to_string()),
                Just("روابط ذات صلة".to_string()),
                Just("الموقع | الكاتب".to_string()),
                Just("كلمة-كلمة-كلمة".to_string()),
                Just("وقال الوزير إن الوضع خطير.".to_string()),
                Just("www.example.com".to_string()),
                ".{0,30}",
            ]
        }

        proptest! {
            #[test]
            fn never_panics_and_keeps_a_subsequence(
                ls in proptest::collection::vec(line(), 0..12),
                with_stats in any::<bool>(),
            ) {
                let doc = ls.join("\n");
                let mut st = SourceStats::new();
                for _ in 0..3 { st.add_document(&doc); }
                let m = MappedText::identity(&doc);
                let (out, removed) = filter(&m, with_stats.then_some(&st));
                let in_lines: Vec<&str> = doc.split('\n').collect();
                let out_lines: Vec<&str> = out.text().split('\n').collect();
                if !out.text().is_empty() {
                    prop_assert!(subsequence(&out_lines, &in_lines));
                    prop_assert_eq!(out_lines.len() + removed.len(), in_lines.len());
                } else {
                    prop_assert!(removed.len() + 1 >= in_lines.len());
                }
                for r in &removed {
                    prop_assert_eq!(in_lines[r.line - 1], r.text.as_str());
                }
                let o = out.origins();
                prop_assert_eq!(o.len(), out.text().len() + 1);
                prop_assert!(o.windows(2).all(|w| w[0] <= w[1]));
                for (i, c) in out.text().char_indices() {
                    // kept chars are copied verbatim from the input
                    prop_assert!(doc[o[i] as usize..].starts_with(c));
                }
            }
        }
    }
}
