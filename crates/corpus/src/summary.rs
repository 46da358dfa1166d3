//! Extractive story summaries.
//!
//! 1. Every sentence of every article becomes a tf-idf vector of its content
//!    terms ([`crate::words::for_each_term`], fixed lexicon idf).
//! 2. The story centroid is the sum of the articles' L2-normalised term
//!    vectors, so each article weighs the same whatever its length.
//! 3. A sentence scores `cos(sentence, centroid) · (1 + 0.25 / (1 + k))`, `k`
//!    its position among the article's usable sentences (a mild lead bias:
//!    news articles state the event first).
//! 4. Unusable sentences are skipped: very short ones (fewer than
//!    [`MIN_WORDS`] words, [`MIN_CHARS`] chars or [`MIN_TERMS`] content terms),
//!    over-long ones (more than [`MAX_WORDS`] words: usually run-together
//!    paragraphs), headline-like ones (no closing punctuation and fewer than
//!    [`HEADLINE_WORDS`] words, or mostly the title's words), and boilerplate
//!    (URLs, e-mail addresses, mostly Latin letters).
//! 5. Sentences are taken best first, skipping near-repeats of one already
//!    taken (Jaccard similarity of their match-form word sets above
//!    [`MAX_OVERLAP`]), until `n` (clamped to 3..=5) are chosen; fewer when the
//!    articles have fewer usable sentences.
//! 6. The chosen sentences are returned in chronological order: publication
//!    day of their article (undated last), then the order of `docs`, then the
//!    position in the article.

use std::collections::HashMap;

use marsad_doc::Document;
use marsad_text::lexicon::FxBuild;
use serde::{Deserialize, Serialize};

use crate::stories::day_number;
use crate::words::{byte_range, char_to_byte, for_each_term, idf, jaccard_sorted, match_words};

pub const MIN_WORDS: usize = 8;
pub const MIN_CHARS: usize = 40;
pub const MIN_TERMS: usize = 4;
pub const MAX_WORDS: usize = 120;
pub const HEADLINE_WORDS: usize = 15;
pub const MAX_OVERLAP: f32 = 0.5;

/// One sentence of a summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummarySentence {
    pub doc_id: String,
    /// Index into the document's `sentences`.
    pub sentence: usize,
    pub text: String,
}

struct Cand {
    doc: usize,
    sentence: usize,
    day: Option<i32>,
    text: String,
    vec: Vec<(u32, f32)>,
    words: Vec<String>,
    score: f32,
}

fn looks_like_boilerplate(s: &str) -> bool {
    let lower = s.to_lowercase();
    if ["http", "www.", ".com", "@"]
        .iter()
        .any(|c| lower.contains(c))
    {
        return true;
    }
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    let latin = s.chars().filter(|c| c.is_ascii_alphabetic()).count();
    letters == 0 || latin * 10 > letters * 3
}

fn ends_like_sentence(s: &str) -> bool {
    s.trim_end().chars().last().is_some_and(|c| {
        matches!(
            c,
            '.' | '!' | '?' | '؟' | '…' | '»' | '"' | '”' | ')' | ':' | '؛' | '۔'
        )
    })
}

fn normalise(v: &mut [(u32, f32)]) {
    let n = v.iter().map(|x| (x.1 as f64).powi(2)).sum::<f64>().sqrt();
    if n > 0.0 {
        for x in v.iter_mut() {
            x.1 = (x.1 as f64 / n) as f32;
        }
    }
}

/// An extractive summary of a story's articles (see the module doc).
pub fn summary(docs: &[&Document], n: usize) -> Vec<SummarySentence> {
    let n = n.clamp(3, 5);
    let mut vocab: HashMap<String, u32, FxBuild> = HashMap::default();
    // idf of every vocabulary entry, by id.
    let mut idfs: Vec<f32> = Vec::new();
    let mut centroid: HashMap<u32, f32, FxBuild> = HashMap::default();
    let mut cands: Vec<Cand> = Vec::new();
    for (di, doc) in docs.iter().enumerate() {
        let day = doc.published.as_deref().and_then(day_number);
        let c2b = char_to_byte(&doc.text);
        let mut title_words = doc.title.as_deref().map(match_words).unwrap_or_default();
        title_words.sort();
        title_words.dedup();
        let mut doc_vec: HashMap<u32, f32, FxBuild> = HashMap::default();
        let mut k = 0usize;
        for (si, span) in doc.sentences.iter().enumerate() {
            let text = doc.text[byte_range(&c2b, span.start, span.end)].trim();
            if text.is_empty() || looks_like_boilerplate(text) {
                continue;
            }
            let mut tf: HashMap<u32, u32, FxBuild> = HashMap::default();
            let mut n_terms = 0;
            for_each_term(text, &[], |t, _| {
                let id = match vocab.get(t) {
                    Some(&id) => id,
                    None => {
                        let id = idfs.len() as u32;
                        idfs.push(idf(t));
                        vocab.insert(t.to_string(), id);
                        id
                    }
                };
                *tf.entry(id).or_default() += 1;
                n_terms += 1;
            });
            let mut vec: Vec<(u32, f32)> = Vec::with_capacity(tf.len());
            for (&id, &c) in &tf {
                vec.push((id, c as f32));
            }
            vec.sort_unstable_by_key(|x| x.0);
            for &(id, c) in &vec {
                *doc_vec.entry(id).or_default() += c;
            }
            let mut words = match_words(text);
            let n_words = words.len();
            words.sort();
            words.dedup();
            let headline = (!ends_like_sentence(text) && n_words < HEADLINE_WORDS)
                || (!title_words.is_empty() && jaccard_sorted(&words, &title_words) > 0.6);
            if !(MIN_WORDS..=MAX_WORDS).contains(&n_words)
                || text.chars().count() < MIN_CHARS
                || n_terms < MIN_TERMS
                || headline
            {
                continue;
            }
            cands.push(Cand {
                doc: di,
                sentence: si,
                day,
                text: text.to_string(),
                vec,
                words,
                score: k as f32, // position for now
            });
            k += 1;
        }
        // Add the article's normalised tf-idf vector to the centroid.
        let mut dv: Vec<(u32, f32)> = doc_vec.into_iter().collect();
        dv.sort_unstable_by_key(|x| x.0);
        for x in dv.iter_mut() {
            x.1 = (1.0 + x.1.ln()) * idfs[x.0 as usize];
        }
        normalise(&mut dv);
        for (id, w) in dv {
            *centroid.entry(id).or_default() += w;
        }
    }
    if cands.is_empty() {
        return Vec::new();
    }
    let cnorm = centroid
        .values()
        .map(|&w| (w as f64).powi(2))
        .sum::<f64>()
        .sqrt();
    for c in cands.iter_mut() {
        for x in c.vec.iter_mut() {
            x.1 = (1.0 + x.1.ln()) * idfs[x.0 as usize];
        }
        normalise(&mut c.vec);
        let d: f64 = c
            .vec
            .iter()
            .map(|&(id, w)| centroid.get(&id).map_or(0.0, |&x| x as f64 * w as f64))
            .sum();
        let cos = if cnorm > 0.0 { d / cnorm } else { 0.0 };
        let pos = c.score;
        c.score = (cos * (1.0 + 0.25 / (1.0 + pos as f64))) as f32;
    }
    let mut order: Vec<usize> = (0..cands.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&cands[a], &cands[b]);
        y.score
            .total_cmp(&x.score)
            .then(x.doc.cmp(&y.doc))
            .then(x.sentence.cmp(&y.sentence))
    });
    let mut chosen: Vec<usize> = Vec::new();
    for i in order {
        if chosen.len() == n {
            break;
        }
        let c = &cands[i];
        if chosen
            .iter()
            .any(|&j| jaccard_sorted(&c.words, &cands[j].words) > MAX_OVERLAP)
        {
            continue;
        }
        chosen.push(i);
    }
    chosen.sort_by_key(|&i| {
        let c = &cands[i];
        (c.day.unwrap_or(i32::MAX), c.doc, c.sentence)
    });
    chosen
        .into_iter()
        .map(|i| {
            let c = &cands[i];
            SummarySentence {
                doc_id: docs[c.doc].id.clone(),
                sentence: c.sentence,
                text: c.text.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::documents;
    use marsad_doc::Span;

    fn story(prefix: &str) -> Vec<Document> {
        documents()
            .into_iter()
            .filter(|d| d.id.starts_with(prefix) && d.id != "summit-4")
            .collect()
    }

    fn words(s: &str) -> Vec<String> {
        let mut w = match_words(s);
        w.sort();
        w.dedup();
        w
    }

    #[test]
    fn summaries_have_3_to_5_sentences_without_repeats_in_order() {
        for prefix in ["quake", "summit", "final"] {
            let docs = story(prefix);
            let refs: Vec<&Document> = docs.iter().collect();
            for (n, want) in [(1, 3), (3, 3), (4, 4), (5, 5), (9, 5)] {
                let s = summary(&refs, n);
                assert!(
                    s.len() <= want && s.len() >= 3.min(want),
                    "{prefix} n={n}: {s:#?}"
                );
                for (i, a) in s.iter().enumerate() {
                    for b in &s[i + 1..] {
                        let j = jaccard_sorted(&words(&a.text), &words(&b.text));
                        assert!(
                            j <= MAX_OVERLAP,
                            "{prefix}: near-repeat {j}\n{}\n{}",
                            a.text,
                            b.text
                        );
                    }
                }
                // Chronological: article order (the fixtures are sorted by date), then position.
                let pos: Vec<(usize, usize)> = s
                    .iter()
                    .map(|x| {
                        (
                            docs.iter().position(|d| d.id == x.doc_id).unwrap(),
                            x.sentence,
                        )
                    })
                    .collect();
                assert!(pos.windows(2).all(|w| w[0] < w[1]), "{prefix}: {pos:?}");
                for x in &s {
                    let d = docs.iter().find(|d| d.id == x.doc_id).unwrap();
                    assert_eq!(d.slice(d.sentences[x.sentence]).trim(), x.text);
                }
            }
        }
        // The quake lead repeated word for word in quake-3 is taken at most once.
        let docs = story("quake");
        let refs: Vec<&Document> = docs.iter().collect();
        let s = summary(&refs, 5);
        assert!(
            s.iter().filter(|x| x.text.contains("مقياس ريختر")).count() <= 1,
            "{s:#?}"
        );
    }

    #[test]
    fn unusable_sentences_are_skipped() {
        let text = "زلزال ملاطية\n\
            ضرب زلزال قوي ولاية ملاطية شرق تركيا فجر السبت وشعر به سكان الولايات المجاورة كلها.\n\
            للمزيد زوروا موقعنا www.example.com لمتابعة آخر أخبار الزلزال والهزات الارتدادية في ملاطية.\n\
            شاهد.\n\
            وقالت إدارة الكوارث إن فرق الإنقاذ انتشلت عشرات الناجين من تحت أنقاض المباني المنهارة في الولاية.";
        let mut d = crate::fixtures::document(&("x", "2024-03-02", "زلزال ملاطية", text, &[]));
        assert!(d.sentences.len() >= 4, "{:?}", d.sentences);
        let s = summary(&[&d], 3);
        assert_eq!(s.len(), 2, "{s:#?}");
        assert!(s
            .iter()
            .all(|x| !x.text.contains("www") && x.text.len() > 40));
        // Out-of-range spans are clamped, never a panic.
        d.sentences.push(Span {
            start: 10_000,
            end: 5,
        });
        d.sentences.push(Span { start: 3, end: 1 });
        assert_eq!(summary(&[&d], 3).len(), 2);
        assert!(summary(&[], 3).is_empty());
    }
}
