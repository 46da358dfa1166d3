//! Sentence splitting of cleaned display text.
//!
//! Rules (see the table tests):
//! - every line break ends a sentence (a heading without final punctuation is
//!   its own sentence);
//! - `.` `!` `?` `؟` `…` (and `۔`) end a sentence; a run of terminators and the
//!   closing quotes/brackets after it stay with the sentence;
//! - `.` does not end a sentence in a decimal (`3.5`), in a run of dots (`...`),
//!   before a Latin letter or digit with no space (`aljazeera.net`), after a
//!   numbered-list marker at line start (`1.`), after a Latin initial (`J.`) or
//!   an abbreviation listed in `data/text/abbreviations.txt` (`Dr.`, `U.S.`);
//! - a heading run into the next sentence by bad scraping is split off: after a
//!   sentence end, a run of 1–4 plain words with no و-word followed by و + a
//!   sentence opener (`data/text/sentence-openers.txt`, or و + an imperfect verb
//!   ي/ت… whose ت/ي counterpart is a known word) is its own sentence.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use crate::data;
use crate::lexicon::Lexicon;
use crate::matchform::match_form;

struct SentenceData {
    openers: HashSet<String>,
    abbreviations: HashSet<String>,
    /// Byte length of the longest abbreviation.
    abbreviation_max: usize,
}

fn sentence_data() -> &'static SentenceData {
    static D: OnceLock<SentenceData> = OnceLock::new();
    D.get_or_init(|| {
        let load = |(f, t): (&str, &str)| -> HashSet<String> {
            data::word_list(f, t)
                .unwrap_or_else(|e| panic!("built-in data is invalid (a build defect): {e}"))
                .into_iter()
                .collect()
        };
        let abbreviations = load(data::ABBREVIATIONS_TXT);
        SentenceData {
            openers: load(data::SENTENCE_OPENERS_TXT),
            abbreviation_max: abbreviations.iter().map(String::len).max().unwrap_or(0),
            abbreviations,
        }
    })
}

#[inline]
fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '؟' | '…' | '۔')
}

#[inline]
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '”'
            | '“'
            | '»'
            | '«'
            | '’'
            | '‘'
            | ')'
            | ']'
            | '}'
            | '›'
            | '‹'
            | '﴿'
            | '﴾'
    )
}

#[inline]
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}')
}

/// Sentence byte spans of display text, in order, non-overlapping, trimmed.
pub fn split(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    loop {
        match find_newline(&bytes[start..]) {
            Some(k) => {
                split_line(text, start, start + k, &mut out);
                start += k + 1;
            }
            None => {
                split_line(text, start, text.len(), &mut out);
                return out;
            }
        }
    }
}

/// Index of the first `\n` in `s`.
#[inline]
fn find_newline(s: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        let mut i = 0;
        // SAFETY: SSE2 is part of the x86-64 baseline; every load reads 16
        // bytes of `s` (`i + 16 <= s.len()`).
        unsafe {
            let nl = _mm_set1_epi8(b'\n' as i8);
            while i + 16 <= s.len() {
                let v = _mm_loadu_si128(s.as_ptr().add(i) as *const __m128i);
                let mask = _mm_movemask_epi8(_mm_cmpeq_epi8(v, nl)) as u32;
                if mask != 0 {
                    return Some(i + mask.trailing_zeros() as usize);
                }
                i += 16;
            }
        }
        s[i..].iter().position(|&b| b == b'\n').map(|k| i + k)
    }
    #[cfg(not(target_arch = "x86_64"))]
    s.iter().position(|&b| b == b'\n')
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    if !t.is_empty() {
        out.push(r.start + lead..r.start + lead + t.len());
    }
}

/// End of a numbered-list marker at the start of `line` ("1." "2-" "(3)" "4)"), if any.
fn list_marker_end(line: &str) -> usize {
    let mut it = line.char_indices().peekable();
    let mut open = false;
    if let Some(&(_, '(')) = it.peek() {
        open = true;
        it.next();
    }
    let mut digits = 0;
    while let Some(&(_, c)) = it.peek() {
        if is_digit(c) {
            digits += 1;
            it.next();
        } else {
            break;
        }
    }
    if digits == 0 || digits > 3 {
        return 0;
    }
    match it.next() {
        Some((i, ')')) => i + 1,
        Some((i, '.' | '-')) if !open => {
            // must be followed by a space or the end (not a decimal "1.5")
            match line[i + 1..].chars().next() {
                None | Some(' ') => i + 1,
                _ => 0,
            }
        }
        _ => 0,
    }
}

/// Whether the `.` at byte `i` of `line` ends a sentence.
fn dot_ends(line: &str, i: usize, marker_end: usize) -> bool {
    if i < marker_end {
        return false;
    }
    let prev = line[..i].chars().next_back();
    let next = line[i + 1..].chars().next();
    if prev == Some('.') || next == Some('.') {
        return false; // "..." (handled as a whole run by the caller)
    }
    if let Some(n) = next {
        if n.is_ascii_alphanumeric() || is_digit(n) {
            return false; // 3.5, aljazeera.net, U.S
        }
        if n.is_alphabetic() && !is_arabic_letter(n) {
            return false;
        }
    }
    // The word before the dot.
    let before = &line[..i];
    let ws = before.rfind(' ').map(|p| p + 1).unwrap_or(0);
    let word = before[ws..].trim_start_matches(|c: char| is_closer(c) || c == '(');
    if word.is_empty() {
        return true;
    }
    let mut chars = word.chars();
    let first = chars.next().unwrap();
    if chars.next().is_none() && first.is_ascii_uppercase() {
        return false; // initial
    }
    !is_abbreviation(word)
}

/// Whether the match form of `word` is a listed abbreviation.
fn is_abbreviation(word: &str) -> bool {
    let d = sentence_data();
    // The match form, built on the stack; longer than every abbreviation
    // means none (most words).
    let mut buf = [0u8; 64];
    if d.abbreviation_max > buf.len() {
        return d.abbreviations.contains(&match_form(word));
    }
    let max = d.abbreviation_max;
    let mut len = 0;
    for c in word.chars() {
        if let Some(m) = crate::matchform::match_char(c) {
            let l = m.len_utf8();
            if len + l > max {
                return false;
            }
            m.encode_utf8(&mut buf[len..]);
            len += l;
        }
    }
    std::str::from_utf8(&buf[..len]).is_ok_and(|m| d.abbreviations.contains(m))
}

#[inline]
fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' | '\u{066E}'..='\u{06D3}' | '\u{06D5}' | '\u{06EE}' | '\u{06EF}' | '\u{06FA}'..='\u{06FC}' | '\u{06FF}')
}

/// Bytes that are a terminator or the last byte of one (`؟` D8 9F, `۔` DB 94,
/// `…` E2 80 A6).
const TERM_LAST: [bool; 256] = {
    let mut t = [false; 256];
    t[b'.' as usize] = true;
    t[b'!' as usize] = true;
    t[b'?' as usize] = true;
    t[0x9F] = true;
    t[0x94] = true;
    t[0xA6] = true;
    t
};

/// Index of the first byte of `s` that may be the last byte of a terminator
/// (a superset of the [`TERM_LAST`] bytes that follow the right byte: every
/// hit is checked by the caller).
#[inline]
fn find_term_last(s: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        let mut i = 0;
        if s.len() >= 16 {
            // SAFETY: SSE2 is part of the x86-64 baseline; every load reads
            // 16 bytes of `s` (`i + 16 <= s.len()`, and `i >= 1` for the
            // load at `i - 1`).
            unsafe {
                let dot = _mm_set1_epi8(b'.' as i8);
                let excl = _mm_set1_epi8(b'!' as i8);
                let quest = _mm_set1_epi8(b'?' as i8);
                let b9f = _mm_set1_epi8(0x9Fu8 as i8);
                let bd8 = _mm_set1_epi8(0xD8u8 as i8);
                let b94 = _mm_set1_epi8(0x94u8 as i8);
                let bdb = _mm_set1_epi8(0xDBu8 as i8);
                let ba6 = _mm_set1_epi8(0xA6u8 as i8);
                let b80 = _mm_set1_epi8(0x80u8 as i8);
                while i + 16 <= s.len() {
                    let v = _mm_loadu_si128(s.as_ptr().add(i) as *const __m128i);
                    let prev = if i == 0 {
                        _mm_slli_si128::<1>(v)
                    } else {
                        _mm_loadu_si128(s.as_ptr().add(i - 1) as *const __m128i)
                    };
                    let ascii = _mm_or_si128(
                        _mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, excl)),
                        _mm_cmpeq_epi8(v, quest),
                    );
                    // ؟ D8 9F, ۔ DB 94, … E2 80 A6 (by their last two bytes).
                    let multi = _mm_or_si128(
                        _mm_or_si128(
                            _mm_and_si128(_mm_cmpeq_epi8(v, b9f), _mm_cmpeq_epi8(prev, bd8)),
                            _mm_and_si128(_mm_cmpeq_epi8(v, b94), _mm_cmpeq_epi8(prev, bdb)),
                        ),
                        _mm_and_si128(_mm_cmpeq_epi8(v, ba6), _mm_cmpeq_epi8(prev, b80)),
                    );
                    let mask = _mm_movemask_epi8(_mm_or_si128(ascii, multi)) as u32;
                    if mask != 0 {
                        return Some(i + mask.trailing_zeros() as usize);
                    }
                    i += 16;
                }
            }
        }
        s[i..]
            .iter()
            .position(|&b| TERM_LAST[b as usize])
            .map(|k| i + k)
    }
    #[cfg(not(target_arch = "x86_64"))]
    s.iter().position(|&b| TERM_LAST[b as usize])
}

/// The next terminator at or after byte `p` (a char boundary) of `lb` (valid
/// UTF-8): its char, start and byte length.
#[inline]
fn next_terminator(lb: &[u8], mut p: usize) -> Option<(char, usize, usize)> {
    while p < lb.len() {
        let q = p + find_term_last(&lb[p..])?;
        let hit = match lb[q] {
            b'.' => Some(('.', q, 1)),
            b'!' => Some(('!', q, 1)),
            b'?' => Some(('?', q, 1)),
            0x9F if q >= 1 && lb[q - 1] == 0xD8 => Some(('؟', q - 1, 2)),
            0x94 if q >= 1 && lb[q - 1] == 0xDB => Some(('۔', q - 1, 2)),
            0xA6 if q >= 2 && lb[q - 2] == 0xE2 && lb[q - 1] == 0x80 => Some(('…', q - 2, 3)),
            _ => None,
        };
        if hit.is_some() {
            return hit;
        }
        p = q + 1;
    }
    None
}

fn split_line(text: &str, s: usize, e: usize, out: &mut Vec<Range<usize>>) {
    let line = &text[s..e];
    let lb = line.as_bytes();
    let marker_end = list_marker_end(line);
    let mut sent_start = 0usize;
    // Byte scan for terminators (all other chars are skipped).
    let mut p = 0usize;
    while let Some((c, i, clen)) = next_terminator(lb, p) {
        p = i + clen;
        let ends = match c {
            '.' => {
                // A run of dots: "..." never ends a sentence.
                if p < lb.len() && lb[p] == b'.' {
                    while p < lb.len() && lb[p] == b'.' {
                        p += 1;
                    }
                    false
                } else {
                    dot_ends(line, i, marker_end)
                }
            }
            _ => true,
        };
        if !ends {
            continue;
        }
        // Absorb further terminators and closing quotes/brackets.
        let mut end = p;
        while let Some(d) = line[p..].chars().next() {
            if is_terminator(d) || is_closer(d) {
                p += d.len_utf8();
                end = p;
            } else {
                break;
            }
        }
        push_trimmed(text, s + sent_start..s + end, out);
        sent_start = end;
        // Heading run into the next sentence?
        if let Some(h) = heading_end(&line[end..]) {
            push_trimmed(text, s + end..s + end + h, out);
            sent_start = end + h;
            // skip past the heading
            p = p.max(sent_start);
        }
    }
    push_trimmed(text, s + sent_start..e, out);
}

/// If `rest` (text after a sentence end) starts with a heading run into the
/// next sentence, the byte length of the heading (up to the space before the
/// و-word).
fn heading_end(rest: &str) -> Option<usize> {
    let mut pos = rest.len() - rest.trim_start_matches(' ').len();
    let mut words = 0;
    while words <= 4 {
        let w_end = rest[pos..].find(' ').map(|p| pos + p).unwrap_or(rest.len());
        let word = &rest[pos..w_end];
        if word.is_empty() {
            return None;
        }
        if let Some(x) = word.strip_prefix('و') {
            if words == 0 {
                return None;
            }
            let x = x.trim_end_matches(|c: char| {
                !is_arabic_letter(c) && !crate::matchform::is_diacritic(c)
            });
            return if is_opener(x) { Some(pos) } else { None };
        }
        if words == 4 {
            return None;
        }
        if !word
            .chars()
            .all(|c| is_arabic_letter(c) || crate::matchform::is_diacritic(c))
        {
            return None;
        }
        words += 1;
        if w_end == rest.len() {
            return None;
        }
        pos = w_end + 1;
    }
    None
}

/// Whether `x` (a word after a و prefix) typically starts a sentence.
fn is_opener(x: &str) -> bool {
    if x.is_empty()
        || !x
            .chars()
            .all(|c| is_arabic_letter(c) || crate::matchform::is_diacritic(c))
    {
        return false;
    }
    let m = match_form(x);
    if sentence_data().openers.contains(&m) {
        return true;
    }
    // و + imperfect verb: ي/ت + stem of ≥ 2 letters whose ت/ي counterpart is
    // also a known word (تلح ↔ يلح), and which is not a known word starting
    // with the other prefix only by accident (nouns like تركيا have none).
    let mut cs = m.chars();
    let first = cs.next();
    let tail = cs.as_str();
    if tail.chars().count() < 2 {
        return false;
    }
    let other = match first {
        Some('ي') => 'ت',
        Some('ت') => 'ي',
        _ => return false,
    };
    let lex = Lexicon::builtin();
    let mut counterpart = String::with_capacity(m.len());
    counterpart.push(other);
    counterpart.push_str(tail);
    lex.contains(&m) && lex.contains(&counterpart)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sents(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn table() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("empty", "", &[]),
            ("one", "ذهب الرئيس", &["ذهب الرئيس"]),
            ("period", "قال كذا. ثم ذهب.", &["قال كذا.", "ثم ذهب."]),
            (
                "exclamation",
                "يا له من يوم! ثم ذهب",
                &["يا له من يوم!", "ثم ذهب"],
            ),
            ("question ascii", "هل ذهب? نعم", &["هل ذهب?", "نعم"]),
            ("question arabic", "هل ذهب؟ نعم", &["هل ذهب؟", "نعم"]),
            ("ellipsis char", "وهكذا… انتهى", &["وهكذا…", "انتهى"]),
            ("three dots kept", "وهكذا... انتهى", &["وهكذا... انتهى"]),
            ("terminator run", "حقا؟! نعم", &["حقا؟!", "نعم"]),
            (
                "newline",
                "عنوان المقال\nالنص هنا.",
                &["عنوان المقال", "النص هنا."],
            ),
            (
                "closing guillemet",
                "قال «انتهى.» ثم ذهب",
                &["قال «انتهى.»", "ثم ذهب"],
            ),
            (
                "closing curly",
                "قال “انتهى.” ثم ذهب",
                &["قال “انتهى.”", "ثم ذهب"],
            ),
            (
                "closing ascii quote",
                "قال \"انتهى!\" ثم",
                &["قال \"انتهى!\"", "ثم"],
            ),
            ("closing single", "قال ‘لا.’ ثم", &["قال ‘لا.’", "ثم"]),
            ("closing apostrophe", "قال 'لا.' ثم", &["قال 'لا.'", "ثم"]),
            ("closing bracket", "(انتهى.) ثم", &["(انتهى.)", "ثم"]),
            ("decimal", "بلغ 3.5 مليار. ثم", &["بلغ 3.5 مليار.", "ثم"]),
            ("decimal arabic digits", "بلغ ٣.٥ مليار", &["بلغ ٣.٥ مليار"]),
            ("list marker dot", "1. البند الأول", &["1. البند الأول"]),
            ("list marker dash", "2- البند الثاني", &["2- البند الثاني"]),
            (
                "list marker paren",
                "(3) البند. الثالث",
                &["(3) البند.", "الثالث"],
            ),
            ("initials", "قال J. Smith إن", &["قال J. Smith إن"]),
            (
                "abbrev US",
                "the U.S. army left. Then",
                &["the U.S. army left.", "Then"],
            ),
            ("abbrev Dr", "Dr. Who came", &["Dr. Who came"]),
            ("abbrev arabic", "قال د. محمد", &["قال د. محمد"]),
            (
                "domain",
                "موقع aljazeera.net اليوم",
                &["موقع aljazeera.net اليوم"],
            ),
            ("dot glued arabic", "انتهى.ثم بدأ", &["انتهى.", "ثم بدأ"]),
            (
                "heading ولدى",
                "إلى معالجتها. الموقف الكردي ولدى كل من تركيا دوافع.",
                &["إلى معالجتها.", "الموقف الكردي", "ولدى كل من تركيا دوافع."],
            ),
            (
                "heading وتلح",
                "منذ الثمانينات. تداعيات الإسقاط وتلح روسيا على الأمر",
                &["منذ الثمانينات.", "تداعيات الإسقاط", "وتلح روسيا على الأمر"],
            ),
            (
                "heading one word وقال",
                "انتهى الأمر. الخلاصة وقال الوزير",
                &["انتهى الأمر.", "الخلاصة", "وقال الوزير"],
            ),
            (
                "coordination not heading",
                "إلى معالجتها. تركيا وروسيا تمثلان الدوافع",
                &["إلى معالجتها.", "تركيا وروسيا تمثلان الدوافع"],
            ),
            (
                "coordination ت-noun not heading",
                "انتهى. روسيا وتركيا تختلفان",
                &["انتهى.", "روسيا وتركيا تختلفان"],
            ),
            (
                "run too long",
                "انتهى. واحد اثنان ثلاثة أربعة خمسة ولدى كل",
                &["انتهى.", "واحد اثنان ثلاثة أربعة خمسة ولدى كل"],
            ),
            (
                "run with و-word",
                "انتهى. الموقف والرأي ولدى كل",
                &["انتهى.", "الموقف والرأي ولدى كل"],
            ),
            (
                "heading needs terminator",
                "الموقف الكردي ولدى كل",
                &["الموقف الكردي ولدى كل"],
            ),
            ("spaces trimmed", "  أ.  ب  ", &["أ.  ب"]),
        ];
        for (rule, input, want) in cases {
            assert_eq!(sents(input), *want, "rule {rule}: {input:?}");
        }
    }

    fn check(text: &str) -> Result<(), TestCaseError> {
        let spans = split(text);
        let mut last = 0;
        for r in &spans {
            prop_assert!(r.start < r.end && r.end <= text.len());
            prop_assert!(r.start >= last);
            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            let s = &text[r.clone()];
            prop_assert_eq!(s.trim(), s);
            last = r.end;
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        #[test]
        fn spans_valid_arbitrary(s in any::<String>()) {
            check(&s)?;
        }

        #[test]
        fn spans_valid_clean_arbitrary(s in any::<String>()) {
            let c = crate::normalize::clean(&s);
            check(c.text())?;
        }

        #[test]
        fn spans_valid_punct(s in "[ابتولدىكي .!?؟…«»\"'()0-9١٢A-Z\n]{0,60}") {
            check(&s)?;
        }
    }
}
