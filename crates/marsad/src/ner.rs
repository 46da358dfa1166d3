//! `marsad ner` (CoNLL in, `token TAG` out), `marsad train-ner` and its
//! cross-validation.

use std::fmt::Write as _;

use marsad_kb::Kb;
use marsad_recognize::tagger::{self, Example, Label, Scores, Tag, Tagger};
use marsad_recognize::{How, Recognizer};
use marsad_text::{normalize, token, Lexicon};

/// Tag the whitespace tokens of one sentence with the full recogniser
/// (knowledge base, rules, tagger): BIO over PERS/LOC/ORG/MISC. Name, metonym
/// and surname mentions are tagged; nisba adjectives and role mentions are not
/// names and stay `O` (as in ANERcorp).
pub fn tag_words(rec: &Recognizer, words: &[String]) -> Vec<Tag> {
    let mut raw = String::new();
    let mut starts = Vec::with_capacity(words.len());
    for w in words {
        if !raw.is_empty() {
            raw.push(' ');
        }
        starts.push(raw.len());
        raw.push_str(w);
    }
    let word_at = |off: usize| match starts.binary_search(&off) {
        Ok(i) => i,
        Err(i) => i.saturating_sub(1),
    };
    let clean = normalize::clean(&raw);
    let text = clean.text();
    let lex = Lexicon::builtin();
    let whole = std::iter::once(0..text.len()).collect::<Vec<_>>();
    let toks = token::tokenize(text, &whole, lex);
    let found = rec.recognize(text, &toks, None);
    let origins = clean.origins();
    let mut tags = vec![Tag::O; words.len()];
    let mut spans: Vec<(usize, usize, Label)> = Vec::new();
    for f in &found {
        let label = Label::of_kind(f.kind);
        for m in &f.mentions {
            if !matches!(m.how, How::Name | How::Metonym | How::Surname) || m.span.is_empty() {
                continue;
            }
            let a = word_at(origins[m.span.start] as usize);
            let b = word_at(origins[m.span.end - 1] as usize);
            spans.push((a, b, label));
        }
    }
    spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
    let mut from_kb = vec![false; words.len()];
    for (a, b, l) in spans {
        if tags[a..=b].iter().any(|t| *t != Tag::O) {
            continue;
        }
        tags[a] = Tag::B(l);
        for t in &mut tags[a + 1..=b] {
            *t = Tag::I(l);
        }
        for k in &mut from_kb[a..=b] {
            *k = true;
        }
    }
    // Words no knowledge-base name covers take the tagger's own tags (run on
    // the whitespace tokens, exactly as it was trained).
    if let Some(t) = rec.tagger {
        let norms = words
            .iter()
            .map(|w| marsad_text::matchform::match_form(w))
            .collect();
        let learned = t.tag(&tagger::Sent::new(rec.kb, norms));
        for (i, lt) in learned.into_iter().enumerate() {
            if from_kb[i] {
                continue;
            }
            tags[i] = match lt {
                // An I- whose B- was overridden starts its own span.
                Tag::I(l) if i == 0 || from_kb[i - 1] || tags[i - 1] == Tag::O => Tag::B(l),
                other => other,
            };
        }
    }
    tags
}

/// Print a score table.
pub fn render_scores(title: &str, s: &Scores) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{title}");
    let _ = writeln!(
        out,
        "  {:<6} {:>6} {:>6} {:>6} {:>9} {:>6} {:>6}",
        "type", "P", "R", "F1", "correct", "pred", "gold"
    );
    for &(l, tp, pr, go) in &s.per_label {
        let (p, r, f) = Scores::prf(tp, pr, go);
        let _ = writeln!(
            out,
            "  {:<6} {:>6.3} {:>6.3} {:>6.3} {:>9} {:>6} {:>6}",
            l.as_str(),
            p,
            r,
            f,
            tp,
            pr,
            go
        );
    }
    let (tp, pr, go) = s
        .per_label
        .iter()
        .fold((0, 0, 0), |a, x| (a.0 + x.1, a.1 + x.2, a.2 + x.3));
    let (p, r, f) = s.micro();
    let _ = writeln!(
        out,
        "  {:<6} {:>6.3} {:>6.3} {:>6.3} {:>9} {:>6} {:>6}",
        "micro", p, r, f, tp, pr, go
    );
    out
}

/// k-fold cross-validation (contiguous folds of sentences): the tagger alone,
/// and the whole recogniser as `marsad ner` runs it (knowledge base, rules and
/// the fold's tagger).
pub fn cross_validate(
    kb: &Kb,
    data: &[Example],
    k: usize,
    epochs: usize,
    seed: u64,
) -> (Scores, Scores) {
    let mut alone = Scores::default();
    let mut full = Scores::default();
    let n = data.len();
    for f in 0..k {
        let (a, b) = (f * n / k, (f + 1) * n / k);
        let train: Vec<Example> = data[..a].iter().chain(&data[b..]).cloned().collect();
        let t = tagger::train(kb, &train, epochs, seed);
        let s = tagger::evaluate(&t, kb, &data[a..b]);
        let rec = Recognizer::new(kb, Some(&t));
        let mut sf = Scores::default();
        for e in &data[a..b] {
            sf.add(&e.tags, &tag_words(&rec, &e.words));
        }
        eprintln!(
            "fold {}/{k}: micro F1 tagger {:.3}, marsad ner {:.3}",
            f + 1,
            s.micro().2,
            sf.micro().2
        );
        alone.merge(&s);
        full.merge(&sf);
    }
    (alone, full)
}

/// Train on all of `data`.
pub fn train(kb: &Kb, data: &[Example], epochs: usize, seed: u64) -> Tagger {
    tagger::train(kb, data, epochs, seed)
}
