//! Quotations: direct (“…”, «…», "…") and indirect (`قال X إن …`), with the
//! speaker linked to an entity where one is named.
//!
//! Cues come from `data/extract/quote-cues.tsv`: verbs of saying (the speaker
//! is the entity right after the verb, or before it), continuation cues
//! (`وتابع`, `مضيفا`) that keep the previous speaker, and attribution phrases
//! (`بحسب`, `نقلا عن`, `وفقا ل`). A direct quote's cue may also follow it
//! (`“…”، هكذا يعلّق X`).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use marsad_kb::Kind;
use marsad_recognize::gazetteer::candidates;
use marsad_recognize::Found;
use marsad_text::data::DataError;
use marsad_text::matchform::match_form;
use marsad_text::token::{Token, TokenKind};

pub const QUOTE_CUES_TSV: (&str, &str) = (
    "data/extract/quote-cues.tsv",
    include_str!("../../../data/extract/quote-cues.tsv"),
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    Say,
    Continue,
    Attrib,
}

/// Cue words (match form, first word of multi-word cues → all words).
#[derive(Debug, Default)]
pub struct Cues {
    map: HashMap<String, Vec<(Vec<String>, Cue)>, marsad_text::lexicon::FxBuild>,
}

impl Cues {
    pub fn builtin() -> &'static Cues {
        static C: OnceLock<Cues> = OnceLock::new();
        C.get_or_init(|| {
            Cues::parse(QUOTE_CUES_TSV.0, QUOTE_CUES_TSV.1)
                .unwrap_or_else(|e| panic!("built-in quote cues are invalid (a build defect): {e}"))
        })
    }

    pub fn parse(file: &str, text: &str) -> Result<Cues, DataError> {
        let mut c = Cues::default();
        for (line, l) in marsad_text::data::lines(text) {
            let Some((form, kind)) = l.split_once('\t') else {
                return Err(DataError {
                    file: file.into(),
                    line,
                    message: format!("expected `form<TAB>kind`, found {l:?}"),
                });
            };
            let kind = match kind.trim() {
                "say" => Cue::Say,
                "continue" => Cue::Continue,
                "attrib" => Cue::Attrib,
                o => {
                    return Err(DataError {
                        file: file.into(),
                        line,
                        message: format!("kind {o:?}: expected say, continue or attrib"),
                    })
                }
            };
            let words: Vec<String> = match_form(form)
                .split_whitespace()
                .map(String::from)
                .collect();
            if words.is_empty() {
                return Err(DataError {
                    file: file.into(),
                    line,
                    message: "empty cue".into(),
                });
            }
            c.map
                .entry(words[0].clone())
                .or_default()
                .push((words, kind));
        }
        Ok(c)
    }

    /// The cue starting at token `i` (tried with and without و/ف/ب/ل), with its length in tokens.
    fn at(&self, tokens: &[Token], i: usize) -> Option<(Cue, usize)> {
        let t = tokens.get(i)?;
        if t.kind != TokenKind::Arabic {
            return None;
        }
        for (form, _) in candidates(t.norm()) {
            if let Some(v) = self.map.get(form.as_ref()) {
                for (words, kind) in v {
                    let n = words.len();
                    let ok = words[1..].iter().enumerate().all(|(k, w)| {
                        tokens
                            .get(i + 1 + k)
                            .is_some_and(|x| x.norm() == w.as_str())
                    });
                    if ok {
                        return Some((*kind, n));
                    }
                }
            }
        }
        None
    }
}

/// A quotation (byte spans in the display text).
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteFound {
    pub speaker: Option<String>,
    pub speaker_text: String,
    pub cue: String,
    /// The quoted words (without the quote marks).
    pub span: Range<usize>,
    pub direct: bool,
    pub sentence: usize,
    /// Introduced by a continuation cue (`وأضاف`): the speaker is the
    /// previous quote's.
    pub continuation: bool,
}

fn is_open(s: &str) -> bool {
    matches!(s, "“" | "«" | "\"" | "„")
}
fn closes(open: &str, s: &str) -> bool {
    match open {
        "“" => matches!(s, "”" | "“"),
        "«" => s == "»",
        "\"" => s == "\"",
        "„" => matches!(s, "“" | "”"),
        _ => false,
    }
}

#[derive(Debug, Clone)]
struct Ment {
    a: usize,
    b: usize,
    id: String,
    kind: Kind,
    nisba: bool,
}

/// Find the quotations of one document.
pub fn find_quotes(
    cues: &Cues,
    text: &str,
    tokens: &[Token],
    entities: &[Found],
) -> Vec<QuoteFound> {
    let starts: Vec<usize> = tokens.iter().map(|t| t.start).collect();
    let tok_of = |byte: usize| -> usize {
        match starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    };
    let mut ments: Vec<Ment> = entities
        .iter()
        .flat_map(|f| {
            f.mentions
                .iter()
                .filter(|m| !m.span.is_empty())
                .map(|m| Ment {
                    a: tok_of(m.span.start),
                    b: tok_of(m.span.end - 1) + 1,
                    id: f.id.clone(),
                    kind: f.kind,
                    nisba: m.how == marsad_recognize::How::Nisba,
                })
        })
        .filter(|m| m.kind != Kind::Location && !m.nisba)
        .collect();
    ments.sort_by_key(|m| (m.a, m.b));
    let ment_at = |i: usize| ments.iter().find(|m| m.a == i);

    // Speaker after a cue ending at token `i`: an entity within four words
    // (`يعلّق المؤرخ الروسي العسكري ميخائيل ماغيكوف`),
    // else the words up to إن/أن (or three words).
    let speaker_after = |i: usize| -> (Option<String>, String) {
        let sent = tokens.get(i).map(|t| t.sentence);
        // A person named in the window speaks for the body before them
        // (`قال الأمين العام لحزب الله حسن نصر الله`); else the first entity.
        let mut first: Option<&Ment> = None;
        for (k, t) in tokens.iter().enumerate().skip(i).take(5) {
            if Some(t.sentence) != sent {
                break;
            }
            if let Some(m) = ment_at(k) {
                if m.kind == Kind::Person {
                    first = Some(m);
                    break;
                }
                first.get_or_insert(m);
            }
            // `قال مسؤول …` has no entity; keep scanning for a qualifier.
        }
        if let Some(m) = first {
            return (
                Some(m.id.clone()),
                text[tokens[m.a].start..tokens[m.b - 1].end].to_string(),
            );
        }
        let mut e = i;
        while e < tokens.len()
            && e < i + 4
            && Some(tokens[e].sentence) == sent
            && tokens[e].kind == TokenKind::Arabic
            && !matches!(
                tokens[e].norm(),
                "ان" | "بان" | "انه" | "انها" | "في" | "الي" | "لـ"
            )
        {
            e += 1;
        }
        if e > i {
            (None, text[tokens[i].start..tokens[e - 1].end].to_string())
        } else {
            (None, String::new())
        }
    };
    // Speaker before a cue at token `i` (SVO: `بوتين قال`), within 3 words.
    let speaker_before = |i: usize| -> Option<(String, String)> {
        let sent = tokens.get(i)?.sentence;
        ments
            .iter()
            .rev()
            .find(|m| {
                m.b <= i
                    && i - m.b <= 2
                    && tokens[m.a].sentence == sent
                    && !tokens[m.b..i].iter().any(|t| t.kind == TokenKind::Punct)
            })
            .map(|m| {
                (
                    m.id.clone(),
                    text[tokens[m.a].start..tokens[m.b - 1].end].to_string(),
                )
            })
    };

    let mut out: Vec<QuoteFound> = Vec::new();
    let mut covered = vec![false; tokens.len()];
    let mut last: Option<(Option<String>, String)> = None;

    // Direct quotes.
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if t.kind != TokenKind::Punct || !is_open(t.norm()) {
            i += 1;
            continue;
        }
        let open = t.norm().to_string();
        let mut j = i + 1;
        while j < tokens.len() && j - i <= 120 && !closes(&open, tokens[j].norm()) {
            // Quotes do not run across paragraphs.
            if text[tokens[j - 1].end..tokens[j].start].contains('\n') {
                break;
            }
            j += 1;
        }
        if j >= tokens.len() || !closes(&open, tokens[j].norm()) || j == i + 1 {
            i += 1;
            continue;
        }
        let words = tokens[i + 1..j]
            .iter()
            .filter(|x| x.kind != TokenKind::Punct)
            .count();
        // A cue before the quote in the same sentence (closest first) …
        let sent = t.sentence;
        let mut found: Option<(Option<String>, String, String)> = None;
        let mut cont = false;
        let mut cue_at = i;
        let mut k = i;
        while k > 0 && i - k < 14 {
            k -= 1;
            if tokens[k].sentence != sent {
                break;
            }
            if let Some((cue, n)) = cues.at(tokens, k) {
                let cue_text = text[tokens[k].start..tokens[k + n - 1].end].to_string();
                cont = cue == Cue::Continue;
                let (id, st) = match cue {
                    Cue::Continue => match &last {
                        Some((id, st)) => (id.clone(), st.clone()),
                        None => (None, String::new()),
                    },
                    Cue::Attrib => speaker_after(k + n),
                    Cue::Say => match speaker_before(k) {
                        Some((id, st)) if ment_at(k + n).is_none() => (Some(id), st),
                        _ => speaker_after(k + n),
                    },
                };
                found = Some((id, st, cue_text));
                cue_at = k;
                break;
            }
        }
        // … or after it (`“…”، هكذا يعلّق X`, `“…”، قال X`).
        if found.is_none() {
            let mut k = j + 1;
            while k < tokens.len() && k <= j + 4 {
                if let Some((cue, n)) = cues.at(tokens, k) {
                    if cue != Cue::Continue || last.is_some() {
                        let cue_text = text[tokens[k].start..tokens[k + n - 1].end].to_string();
                        let (id, st) = match cue {
                            Cue::Continue => last.clone().unwrap_or((None, String::new())),
                            _ => speaker_after(k + n),
                        };
                        found = Some((id, st, cue_text));
                    }
                    break;
                }
                k += 1;
            }
        }
        match found {
            // Scare quotes and names in quotes (one word, no cue) are not quotations.
            Some((id, st, cue)) if words >= 2 => {
                out.push(QuoteFound {
                    speaker: id.clone(),
                    speaker_text: st.clone(),
                    cue,
                    span: tokens[i + 1].start..tokens[j - 1].end,
                    direct: true,
                    sentence: sent,
                    continuation: cont,
                });
                for c in &mut covered[cue_at.min(i)..=j] {
                    *c = true;
                }
                last = Some((id, st));
            }
            _ => {}
        }
        i = j + 1;
    }

    // Indirect quotes: a say-cue, its speaker, then إن/أن/بأن and the rest of the sentence.
    for k in 0..tokens.len() {
        if covered[k] {
            continue;
        }
        let Some((cue, n)) = cues.at(tokens, k) else {
            continue;
        };
        if cue == Cue::Attrib {
            continue;
        }
        let sent = tokens[k].sentence;
        // Find إن/أن within 8 words after the cue.
        let mut c = k + n;
        let mut that = None;
        while c < tokens.len() && c < k + n + 24 && tokens[c].sentence == sent {
            if matches!(
                tokens[c].norm(),
                "ان" | "بان" | "انه" | "انها" | "بانه" | "بانها" | "انهم"
            ) {
                that = Some(c);
                break;
            }
            c += 1;
        }
        let Some(that) = that else { continue };
        let body_start = if matches!(tokens[that].norm(), "ان" | "بان") {
            that + 1
        } else {
            that
        };
        let mut body_end = body_start;
        while body_end < tokens.len() && tokens[body_end].sentence == sent && !covered[body_end] {
            body_end += 1;
        }
        // The report runs into a direct quote: that quote is the statement.
        if body_end < tokens.len() && tokens[body_end].sentence == sent && covered[body_end] {
            continue;
        }
        // Drop the final full stop.
        while body_end > body_start && tokens[body_end - 1].kind == TokenKind::Punct {
            body_end -= 1;
        }
        if body_end <= body_start {
            continue;
        }
        let (id, st) = match cue {
            Cue::Continue => last.clone().unwrap_or((None, String::new())),
            _ => match speaker_before(k) {
                Some((id, st)) if ment_at(k + n).is_none() => (Some(id), st),
                _ => speaker_after(k + n),
            },
        };
        let cue_text = text[tokens[k].start..tokens[k + n - 1].end].to_string();
        out.push(QuoteFound {
            speaker: id.clone(),
            speaker_text: st.clone(),
            cue: cue_text,
            span: tokens[body_start].start..tokens[body_end - 1].end,
            direct: false,
            sentence: sent,
            continuation: cue == Cue::Continue,
        });
        for c in &mut covered[k..body_end] {
            *c = true;
        }
        last = Some((id, st));
    }
    out.sort_by_key(|q| q.span.start);
    // Continuation cues take the speaker of the quote before them, in text order.
    for i in 1..out.len() {
        if out[i].continuation {
            let (sp, st) = (out[i - 1].speaker.clone(), out[i - 1].speaker_text.clone());
            out[i].speaker = sp;
            out[i].speaker_text = st;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use marsad_kb::Kb;
    use marsad_recognize::Recognizer;
    use marsad_text::{process, Options};

    /// (speaker id, direct, quoted text) of each quote.
    fn run(s: &str) -> Vec<(Option<String>, bool, String)> {
        let kb = Kb::builtin().unwrap_or_else(|e| panic!("{e}"));
        let p = process(s, &Options::default(), None);
        let t = p.text.text();
        let found = Recognizer::new(kb, None).recognize(t, &p.tokens, Some(20151124));
        find_quotes(Cues::builtin(), t, &p.tokens, &found)
            .into_iter()
            .map(|q| (q.speaker, q.direct, t[q.span].to_string()))
            .collect()
    }

    #[test]
    fn table() {
        let putin = Some("person:vladimir-putin".to_string());
        type Case<'a> = (&'a str, Vec<(Option<String>, bool, &'a str)>);
        let cases: Vec<Case> = vec![
            (
                "وقال بوتين إن ما جرى \"طعنة في الظهر\".",
                vec![(putin.clone(), true, "طعنة في الظهر")],
            ),
            (
                "قال فلاديمير بوتين: «لن نسمح بذلك أبدا».",
                vec![(putin.clone(), true, "لن نسمح بذلك أبدا")],
            ),
            (
                "“عدونا واحد وهدفنا واحد”، هكذا يعلّق بوتين على الاتفاق.",
                vec![(putin.clone(), true, "عدونا واحد وهدفنا واحد")],
            ),
            (
                "وأكدت تركيا أن الطائرة اخترقت أجواءها عشر مرات.",
                vec![(
                    Some("country:TUR".into()),
                    false,
                    "الطائرة اخترقت أجواءها عشر مرات",
                )],
            ),
            (
                "قال بوتين إن الرد سيكون قاسيا. وأضاف أن موسكو لن تنسى.",
                vec![
                    (putin.clone(), false, "الرد سيكون قاسيا"),
                    (putin.clone(), false, "موسكو لن تنسى"),
                ],
            ),
            (
                "وقالت مصادر أمنية إن الانفجار وقع ليلا.",
                vec![(None, false, "الانفجار وقع ليلا")],
            ),
            ("أبحرت حاملة الطائرات “شارل ديغول” نحو الشرق.", vec![]),
            (
                "وبحسب وزارة الدفاع الروسية فإن \"الضربات ستستمر حتى النهاية\".",
                vec![(
                    Some("org:rus-mod".into()),
                    true,
                    "الضربات ستستمر حتى النهاية",
                )],
            ),
        ];
        for (s, want) in cases {
            let got = run(s);
            let want: Vec<(Option<String>, bool, String)> = want
                .into_iter()
                .map(|(a, b, c)| (a, b, c.to_string()))
                .collect();
            assert_eq!(got, want, "{s}");
        }
    }

    #[test]
    fn cue_file_errors_name_the_line() {
        let e = Cues::parse("c.tsv", "# x\nقال\tsay\nاكد\tshout\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = Cues::parse("c.tsv", "قال say\n").unwrap_err();
        assert_eq!(e.line, 1);
    }
}
