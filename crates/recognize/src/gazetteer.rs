//! Gazetteer matching: longest knowledge-base key over token match forms, the
//! first token with or without its proclitics.

use std::borrow::Cow;

use marsad_kb::{Hit, Kb};
use marsad_text::matchform::match_char;
use marsad_text::token::{Token, TokenKind};

/// One gazetteer match: tokens `a..b` (indices into the document's tokens),
/// display byte span `start..end` (after any stripped clitic), its hits (best first).
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub a: usize,
    pub b: usize,
    pub start: usize,
    pub end: usize,
    pub hits: Vec<Hit>,
}

/// Up to six candidate forms, stored inline (no allocation in the common case).
pub struct Candidates<'a> {
    items: [(Cow<'a, str>, usize); 6],
    len: usize,
    next: usize,
}

impl<'a> Candidates<'a> {
    fn push(&mut self, c: Cow<'a, str>, strip: usize) {
        if self.len < self.items.len() {
            self.items[self.len] = (c, strip);
            self.len += 1;
        }
    }
}

impl<'a> Iterator for Candidates<'a> {
    type Item = (Cow<'a, str>, usize);
    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.len {
            return None;
        }
        let item = std::mem::replace(&mut self.items[self.next], (Cow::Borrowed(""), 0));
        self.next += 1;
        Some(item)
    }
}

/// Forms of a token's match form to look up, with the number of leading
/// chars stripped: the whole form first, then without `و`/`ف`, without
/// `ب`/`ل`/`ك`, both, and `لل` → `ال` (`للروس` → `الروس`).
pub fn candidates(n: &str) -> Candidates<'_> {
    let mut out = Candidates {
        items: Default::default(),
        len: 0,
        next: 0,
    };
    out.push(Cow::Borrowed(n), 0);
    // Cheap length test: at least 4 chars (Arabic letters are 2 bytes).
    if n.len() < 7 || n.chars().nth(3).is_none() {
        return out;
    }
    let mut bases: [(&str, usize); 2] = [(n, 0), ("", 0)];
    let mut nb = 1;
    if let Some(r) = n.strip_prefix('و').or_else(|| n.strip_prefix('ف')) {
        out.push(Cow::Borrowed(r), 1);
        bases[1] = (r, 1);
        nb = 2;
    }
    for &(b, s) in &bases[..nb] {
        if let Some(r) = b.strip_prefix("لل") {
            if r.chars().nth(1).is_some() {
                // The mention keeps the ل (`للشيعة`, not `لشيعة`).
                out.push(Cow::Owned(format!("ال{r}")), s);
            }
            continue;
        }
        if let Some(r) = b
            .strip_prefix('ب')
            .or_else(|| b.strip_prefix('ل'))
            .or_else(|| b.strip_prefix('ك'))
        {
            if r.chars().nth(2).is_some() {
                out.push(Cow::Borrowed(r), s + 1);
            }
        }
    }
    out
}

/// Byte offset in `text[start..end]` after skipping `k` chars that have a
/// match form (diacritics and tatweel do not count).
pub fn skip_chars(text: &str, start: usize, end: usize, k: usize) -> usize {
    if k == 0 {
        return start;
    }
    let mut seen = 0;
    for (i, c) in text[start..end].char_indices() {
        if seen == k && match_char(c).is_some() {
            return start + i;
        }
        if match_char(c).is_some() {
            seen += 1;
        }
    }
    end
}

/// A match over match forms: words `a..b`, `strip` chars of clitics removed
/// from word `a`, the hits (best first).
#[derive(Debug, Clone, PartialEq)]
pub struct NormMatch<'k> {
    pub a: usize,
    pub b: usize,
    pub strip: usize,
    pub hits: &'k [Hit],
}

fn is_word(n: &str) -> bool {
    n.chars().next().is_some_and(|c| {
        // Arabic letters without the general Unicode table lookup.
        ('\u{0621}'..='\u{064A}').contains(&c)
            || c.is_ascii_alphanumeric()
            || (!c.is_ascii() && c.is_alphanumeric())
    })
}

/// All matches over a sentence's match forms, left to right,
/// non-overlapping, longest first.
pub fn find_norms<'k>(kb: &'k Kb, norms: &[&str]) -> Vec<NormMatch<'k>> {
    let mut out = Vec::new();
    let mut key = String::with_capacity(64);
    let mut i = 0;
    while i < norms.len() {
        if !is_word(norms[i]) {
            i += 1;
            continue;
        }
        // (words, stripped, hits)
        let mut best: Option<(usize, usize, &[Hit])> = None;
        for (form, strip) in candidates(norms[i]) {
            if form.chars().count() < 2 {
                continue;
            }
            let max = kb.max_words(&form).min(norms.len() - i);
            if max == 0 || best.is_some_and(|(w, _, _)| w >= max) {
                continue;
            }
            for n in (1..=max).rev() {
                if best.is_some_and(|(w, _, _)| w >= n) {
                    break;
                }
                key.clear();
                key.push_str(&form);
                for x in &norms[i + 1..i + n] {
                    key.push(' ');
                    key.push_str(x);
                }
                let hits = kb.lookup(&key);
                if !hits.is_empty() {
                    best = Some((n, strip, hits));
                    break;
                }
            }
        }
        match best {
            Some((n, strip, hits)) => {
                out.push(NormMatch {
                    a: i,
                    b: i + n,
                    strip,
                    hits,
                });
                i += n;
            }
            None => i += 1,
        }
    }
    out
}

/// All matches in one sentence. `toks` are the sentence's tokens, `base` the
/// index of `toks[0]` in the document.
pub fn find(kb: &Kb, text: &str, toks: &[Token], base: usize) -> Vec<Match> {
    let norms: Vec<&str> = toks
        .iter()
        .map(|t| match t.kind {
            TokenKind::Arabic | TokenKind::Latin => t.norm(),
            _ => "",
        })
        .collect();
    find_norms(kb, &norms)
        .into_iter()
        .map(|m| {
            let t = &toks[m.a];
            Match {
                a: base + m.a,
                b: base + m.b,
                start: skip_chars(text, t.start, t.end, m.strip),
                end: toks[m.b - 1].end,
                hits: m.hits.to_vec(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidate_forms() {
        let cases: [(&str, &[&str]); 6] = [
            ("روسيا", &["روسيا"]),
            ("بروسيا", &["بروسيا", "روسيا"]),
            ("وتركيا", &["وتركيا", "تركيا"]),
            ("للروس", &["للروس", "الروس"]),
            ("ولواشنطن", &["ولواشنطن", "لواشنطن", "واشنطن"]),
            ("في", &["في"]),
        ];
        for (w, want) in cases {
            let got: Vec<String> = candidates(w).map(|(c, _)| c.into_owned()).collect();
            for x in want {
                assert!(got.contains(&x.to_string()), "{w}: {x} not in {got:?}");
            }
        }
    }

    #[test]
    fn skipping_chars_ignores_diacritics() {
        let t = "بِروسيا";
        assert_eq!(&t[skip_chars(t, 0, t.len(), 1)..], "روسيا");
        assert_eq!(skip_chars(t, 0, t.len(), 0), 0);
    }
}
