//! Snippets: a window of about [`SNIPPET_CHARS`] characters of the document
//! text around the densest cluster of matched words, with the matched
//! surface words' byte ranges (e.g. `بروسيا` for the query `روسيا`).

use std::collections::{HashMap, HashSet};

use crate::analyzer::Word;
use crate::query::Parsed;

/// Target snippet length in characters.
pub(crate) const SNIPPET_CHARS: usize = 200;

const ELLIPSIS: &str = "…";

/// Which document words match which query clause.
#[derive(Debug, Default)]
pub(crate) struct Matcher {
    text: HashMap<String, usize>,
    stem: HashMap<String, usize>,
    exact: HashMap<String, usize>,
}

impl Matcher {
    pub fn new(p: &Parsed) -> Matcher {
        let mut m = Matcher::default();
        for (ci, c) in p.groups.iter().flatten().enumerate() {
            let single = c.words.len() == 1 && !c.quoted;
            for w in &c.words {
                m.text.entry(w.text.clone()).or_insert(ci);
                m.exact.entry(w.exact.clone()).or_insert(ci);
                if single {
                    m.stem.entry(w.stem.clone()).or_insert(ci);
                }
            }
        }
        m
    }

    fn clause(&self, w: &Word) -> Option<usize> {
        self.text
            .get(&w.text)
            .or_else(|| self.exact.get(&w.exact))
            .or_else(|| self.stem.get(&w.stem))
            .copied()
    }
}

/// Char index of byte offset `b` (`starts`: byte offsets of the chars).
fn char_pos(starts: &[usize], b: usize) -> usize {
    starts.partition_point(|&s| s < b)
}

/// The snippet of `text` (whose analysed words are `words`) and the byte
/// ranges of matched words inside it.
pub(crate) fn snippet(text: &str, words: &[Word], m: &Matcher) -> (String, Vec<(usize, usize)>) {
    let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let nchars = starts.len();
    let byte_at = |c: usize| starts.get(c).copied().unwrap_or(text.len());
    let hits: Vec<(usize, usize, usize)> = words
        .iter()
        .filter_map(|w| m.clause(w).map(|c| (w.start, w.end, c)))
        .collect();

    // The densest run of hits fitting in the window: most distinct clauses,
    // then most hits, then earliest.
    let (mut ws, mut we) = (0, 0);
    if !hits.is_empty() {
        let mut best = (0usize, 0usize);
        let mut best_run = (0, 0);
        for i in 0..hits.len() {
            let c0 = char_pos(&starts, hits[i].0);
            let mut seen = HashSet::new();
            let mut j = i;
            while j < hits.len() && char_pos(&starts, hits[j].1) - c0 <= SNIPPET_CHARS {
                seen.insert(hits[j].2);
                j += 1;
            }
            let j = j.max(i + 1);
            let score = (seen.len(), j - i);
            if score > best {
                best = score;
                best_run = (i, j - 1);
            }
        }
        ws = char_pos(&starts, hits[best_run.0].0);
        we = char_pos(&starts, hits[best_run.1].1);
    }
    // Pad the run to the window: a third of the slack before, the rest after.
    let slack = SNIPPET_CHARS.saturating_sub(we - ws);
    let mut left = if hits.is_empty() { 0 } else { slack / 3 };
    let mut right = slack - left;
    if ws < left {
        right += left - ws;
        left = ws;
    }
    if we + right > nchars {
        left = (left + (we + right - nchars)).min(ws);
        right = nchars - we;
    }
    let (mut cs, mut ce) = (ws - left, we + right);
    // Do not cut words: move the edges to whitespace inside the padding.
    if cs > 0 {
        if let Some(k) = (cs..ws).find(|&k| text[byte_at(k)..].starts_with(char::is_whitespace)) {
            cs = k + 1;
        }
    }
    if ce < nchars {
        if let Some(k) = (we..ce)
            .rev()
            .find(|&k| text[byte_at(k)..].starts_with(char::is_whitespace))
        {
            ce = k;
        }
    }
    let (bs, be) = (byte_at(cs), byte_at(ce));
    let mut out = String::with_capacity(be - bs + 2 * ELLIPSIS.len());
    if bs > 0 {
        out.push_str(ELLIPSIS);
    }
    let shift = out.len();
    out.extend(text[bs..be].chars().map(|c| match c {
        '\n' | '\r' | '\t' => ' ',
        c => c,
    }));
    if be < text.len() {
        out.push_str(ELLIPSIS);
    }
    let highlights = hits
        .iter()
        .filter(|h| h.0 >= bs && h.1 <= be)
        .map(|h| (h.0 - bs + shift, h.1 - bs + shift))
        .collect();
    (out, highlights)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzer::Analyzer;
    use crate::query::parse;

    fn run(text: &str, q: &str) -> (String, Vec<String>) {
        let a = Analyzer::builtin().unwrap();
        let m = Matcher::new(&parse(q, a).unwrap());
        let (s, h) = snippet(text, &a.words(text), &m);
        let words = h.iter().map(|&(x, y)| s[x..y].to_string()).collect();
        (s, words)
    }

    #[test]
    fn snippet_table() {
        let filler = "كلام ".repeat(80);
        let long = format!("{filler}وقال الوزير إن بروسيا والصين اتفقتا. {filler}");
        let cases: &[(&str, &str, &[&str])] = &[
            ("زار الوزير بروسيا أمس", "روسيا", &["بروسيا"]),
            ("زار الوزير بروسيا أمس", "الروسية", &[]),
            ("العلاقات الروسية الصينية", "روسي", &["الروسية"]),
            ("وصل إلى أميركا", "أمريكا", &["أميركا"]),
            ("يتعلّق الأمر", "يتعلق", &["يتعلّق"]),
            (
                "قال وزير الخارجية",
                "\"وزير الخارجية\"",
                &["وزير", "الخارجية"],
            ),
            (&long, "روسيا الصين", &["بروسيا", "والصين"]),
            ("", "روسيا", &[]),
        ];
        for (text, q, want) in cases {
            let (s, got) = run(text, q);
            assert_eq!(got, *want, "{q} in {text}");
            assert!(s.chars().count() <= SNIPPET_CHARS + 2, "{s}");
        }
        let (s, _) = run(&long, "روسيا");
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(!s.contains("  "), "{s}");
    }

    #[test]
    fn no_match_gives_the_start() {
        let text = "سطر أول\nسطر ثان ".repeat(30);
        let (s, h) = run(&text, "غائب");
        assert!(h.is_empty());
        assert!(s.starts_with("سطر أول سطر ثان"), "{s}");
        assert!(s.ends_with('…'));
    }
}
