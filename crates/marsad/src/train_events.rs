//! `marsad train-events`: train the learned event detector
//! (`marsad_extract::model`) on the OEDA Arabic event gold standard (the
//! development half: ASSAULT and PROTEST) and the team-written sentences of
//! `data/extract/event-sentences/*.tsv` (all 16 types, hard negatives), and
//! cross-validate it grouped by source document.
//!
//! Every sentence is analysed alone (text layer, recogniser, dates) and its
//! trigger candidates (`events::find_candidates`) become examples: a
//! candidate of type T is positive when the sentence is labelled with T.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use marsad_extract::events::{find_candidates, Candidate, Patterns, TYPES};
use marsad_extract::model::{
    best_threshold, domain_feature, hash_parts, train, type_index, EventModel, Example,
    TrainOptions, DOMAIN_NEWS,
};
use marsad_recognize::Recognizer;
use marsad_text::matchform::match_form;
use marsad_text::{process, Options};

/// Where a training sentence comes from and what it is labelled with.
#[derive(Debug, Clone, PartialEq)]
pub enum Gold {
    /// A GSR sentence: its type (ASSAULT or PROTEST) and whether every
    /// annotator accepted it.
    Gsr {
        kind: usize,
        yes: bool,
        /// `difficult no`: rejected with a dissenting accept (scored as
        /// negative).
        difficult: bool,
        /// Share of annotators who accepted (a soft training target).
        share: f32,
        /// Too few annotations to tell: trained with the share as a soft
        /// target, never scored.
        ambiguous: bool,
    },
    /// A team-written sentence: the types it reports (any modality), with
    /// the modality, actor and recipient text of each.
    Written { events: Vec<WrittenEvent> },
    /// A whole team-written training article (`data/extract/event-docs/`,
    /// never the development or held-out gold): its events as (type, actor
    /// ids, recipient ids). Used for the argument ranker only (the gold does
    /// not say which sentence reports which event).
    News { events: Vec<NewsEvent> },
    /// One sentence of such an article, for the detector: the types of the
    /// gold events whose evidence lies in it (any modality). Unlike the
    /// written sentences, which are about half positives, these carry the
    /// proportion of events among candidates that news has.
    Article { kinds: Vec<usize> },
}

/// An event of a training article.
#[derive(Debug, Clone, PartialEq)]
pub struct NewsEvent {
    pub kind: usize,
    pub actor: Vec<String>,
    pub recipient: Vec<String>,
    /// Match forms of the words that report it (when the gold gives them):
    /// a candidate is labelled only by the events of its own sentence.
    pub evidence: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WrittenEvent {
    pub kind: usize,
    pub modality: String,
    pub actor: Option<String>,
    pub recipient: Option<String>,
}

/// One labelled sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    /// Source document (GSR) or scenario (written): folds never split one.
    pub group: String,
    pub id: String,
    pub text: String,
    pub gold: Gold,
}

/// Gold actor / target token lists of a GSR span record.
#[derive(Debug, Clone, Default)]
pub struct SpanGold {
    pub actors: Vec<Vec<String>>,
    pub targets: Vec<Vec<String>>,
}

/// Parse RFC 4180 CSV (quoted fields with commas, quotes and newlines).
/// Returns rows with the 1-based line each starts on.
pub fn parse_csv(file: &str, text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1usize;
    let mut row_line = 1usize;
    let mut at_field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                quoted = true;
                at_field_start = false;
            }
            ',' => {
                row.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                if !(row.len() == 1 && row[0].is_empty()) {
                    rows.push((row_line, std::mem::take(&mut row)));
                }
                row.clear();
                line += 1;
                row_line = line;
                at_field_start = true;
            }
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if quoted {
        return Err(format!(
            "{file}:{row_line}: unterminated quoted field (truncated file?)"
        ));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push((row_line, row));
    }
    Ok(rows)
}

/// The GSR sentences of one `*_gsr.csv` file (ambiguous rows are marked:
/// neither trained on nor scored).
pub fn read_gsr_csv(file: &str, text: &str) -> Result<Vec<Sentence>, String> {
    let rows = parse_csv(file, text)?;
    let Some((_, header)) = rows.first() else {
        return Err(format!("{file}:1: empty file"));
    };
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| format!("{file}:1: no column {name:?}"))
    };
    let (ci, ct, ck, cl) = (col("id")?, col("text")?, col("event_type")?, col("label")?);
    let (ca, cn) = (col("accept")?, col("total")?);
    let mut out = Vec::new();
    for (line, r) in &rows[1..] {
        let get = |c: usize| {
            r.get(c).map(|s| s.trim()).ok_or_else(|| {
                format!(
                    "{file}:{line}: expected {} columns, found {}",
                    header.len(),
                    r.len()
                )
            })
        };
        let (id, text, kind, label) = (get(ci)?, get(ct)?, get(ck)?, get(cl)?);
        let kind = type_index(kind)
            .ok_or_else(|| format!("{file}:{line}: unknown event type {kind:?}"))?;
        let difficult = label == "difficult no";
        let num = |c: usize| -> Result<f32, String> {
            let v = get(c)?;
            v.parse::<f32>()
                .ok()
                .filter(|x| x.is_finite() && *x >= 0.0)
                .ok_or_else(|| format!("{file}:{line}: not a vote count: {v:?}"))
        };
        let (acc, tot) = (num(ca)?, num(cn)?);
        let share = if tot > 0.0 { (acc / tot).min(1.0) } else { 0.0 };
        let yes = match label {
            "yes" => true,
            "easy no" | "difficult no" | "ambiguous" => false,
            o => return Err(format!("{file}:{line}: unknown label {o:?}")),
        };
        let ambiguous = label == "ambiguous";
        let group = id.rsplit_once('-').map_or(id, |(d, _)| d);
        out.push(Sentence {
            group: format!("gsr:{group}"),
            id: id.to_string(),
            text: text.to_string(),
            gold: Gold::Gsr {
                kind,
                yes,
                difficult,
                share,
                ambiguous,
            },
        });
    }
    Ok(out)
}

/// Span records of a GSR `*_spans.json` file by sentence id.
pub fn read_gsr_spans(file: &str, text: &str) -> Result<HashMap<String, SpanGold>, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("{file}:{}: {e}", e.line()))?;
    let arr = v
        .as_array()
        .ok_or_else(|| format!("{file}:1: expected a JSON array"))?;
    let mut out: HashMap<String, SpanGold> = HashMap::new();
    let words = |x: &serde_json::Value| -> Vec<String> {
        x.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|w| w.as_str())
                    .map(match_form)
                    .filter(|w| !w.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    for r in arr {
        let Some(id) = r.get("source").and_then(|s| s.as_str()) else {
            continue;
        };
        let e = out.entry(id.to_string()).or_default();
        for sp in r
            .get("spans")
            .and_then(|s| s.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(a) = sp.get("source_actor") {
                e.actors.push(words(a));
            }
            if let Some(t) = sp.get("target_actor") {
                e.targets.push(words(t));
            }
        }
    }
    Ok(out)
}

/// Team-written sentences of one TSV file (`id group type modality actor
/// recipient sentence`); rows with the same sentence are one sentence.
pub fn read_written(file: &str, text: &str) -> Result<Vec<Sentence>, String> {
    const HEADER: [&str; 7] = [
        "id",
        "group",
        "type",
        "modality",
        "actor",
        "recipient",
        "sentence",
    ];
    let stem = Path::new(file)
        .file_stem()
        .map_or("x".to_string(), |s| s.to_string_lossy().to_string());
    let mut out: Vec<Sentence> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut ids = HashSet::new();
    let mut header = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim_end_matches('\r');
        if l.trim().is_empty() || l.starts_with('#') {
            continue;
        }
        let c: Vec<&str> = l.split('\t').map(str::trim).collect();
        if !header {
            if c != HEADER {
                return Err(format!(
                    "{file}:{line}: expected the header `{}`",
                    HEADER.join(" ")
                ));
            }
            header = true;
            continue;
        }
        if c.len() != 7 {
            return Err(format!(
                "{file}:{line}: expected 7 tab-separated columns, found {}",
                c.len()
            ));
        }
        if !ids.insert(c[0]) {
            return Err(format!("{file}:{line}: duplicate id {:?}", c[0]));
        }
        let sentence = c[6];
        if sentence.is_empty() {
            return Err(format!("{file}:{line}: empty sentence"));
        }
        let opt = |x: &str| (x != "-" && !x.is_empty()).then(|| x.to_string());
        for (name, v) in [("actor", c[4]), ("recipient", c[5])] {
            if let Some(v) = opt(v) {
                if !sentence.contains(&v) {
                    return Err(format!(
                        "{file}:{line}: {name} {v:?} does not occur in the sentence"
                    ));
                }
            }
        }
        let ev = if c[2] == "NONE" {
            None
        } else {
            let kind = type_index(c[2])
                .ok_or_else(|| format!("{file}:{line}: unknown type {:?}", c[2]))?;
            if marsad_extract::events::Modality::parse(c[3]).is_none() {
                return Err(format!("{file}:{line}: unknown modality {:?}", c[3]));
            }
            Some(WrittenEvent {
                kind,
                modality: c[3].to_string(),
                actor: opt(c[4]),
                recipient: opt(c[5]),
            })
        };
        let k = match index.get(sentence) {
            Some(&k) => k,
            None => {
                index.insert(sentence.to_string(), out.len());
                out.push(Sentence {
                    group: format!("w:{stem}:{}", c[1]),
                    id: format!("{stem}:{}", c[0]),
                    text: sentence.to_string(),
                    gold: Gold::Written { events: Vec::new() },
                });
                out.len() - 1
            }
        };
        if let (Some(ev), Gold::Written { events }) = (ev, &mut out[k].gold) {
            events.push(ev);
        }
    }
    if !header {
        return Err(format!("{file}:1: no header"));
    }
    Ok(out)
}

/// A sentence analysed: its candidates and the match forms of its text
/// (to score attribution against GSR span tokens).
pub struct Analysed {
    pub candidates: Vec<Candidate>,
    /// For each candidate: match forms of the actor and recipient words.
    pub actor_words: Vec<(Vec<String>, Vec<String>)>,
    /// The analysed text (argument option spans index it).
    pub text: String,
    /// Its sentences (byte ranges).
    pub sentences: Vec<std::ops::Range<usize>>,
}

/// Analyse every sentence alone (in parallel; results in input order).
pub fn analyse(rec: &Recognizer, sentences: &[Sentence]) -> Vec<Analysed> {
    let mut out = analyse_plain(rec, sentences);
    // News-domain feature copies for the GSR sentences of the types that
    // have them (the written sentences keep the shared features only).
    let mask = news_types(sentences);
    for (s, a) in sentences.iter().zip(out.iter_mut()) {
        if matches!(s.gold, Gold::Gsr { .. }) {
            for c in &mut a.candidates {
                if let Some(kind) = type_index(&c.event.kind) {
                    if mask & (1 << kind) != 0 {
                        let n = c.features.len();
                        for f in 0..n {
                            let h = c.features[f];
                            c.features.push(domain_feature(h, kind, DOMAIN_NEWS));
                        }
                    }
                }
            }
        }
    }
    out
}

/// Positive news (GSR) sentences a type needs before it gets news-domain
/// feature copies: ASSAULT has 174 and gains (grouped CV, 8 repetitions:
/// GSR F1 0.644 → 0.676); PROTEST has 48 and loses (0.535 → 0.44 with
/// copies: too few to learn them).
pub const NEWS_DOMAIN_MIN: usize = 100;

/// The types with news-domain feature copies (bit = index in `TYPES`).
pub fn news_types(sentences: &[Sentence]) -> u32 {
    let mut yes = [0usize; 16];
    for s in sentences {
        if let Gold::Gsr {
            kind, yes: true, ..
        } = s.gold
        {
            yes[kind] += 1;
        }
    }
    (0..16)
        .filter(|&k| yes[k] >= NEWS_DOMAIN_MIN)
        .fold(0, |m, k| m | (1 << k))
}

fn analyse_plain(rec: &Recognizer, sentences: &[Sentence]) -> Vec<Analysed> {
    let patterns = Patterns::builtin();
    sentences
        .par_iter()
        .map(|s| {
            let p = process(&s.text, &Options::default(), None);
            let text = p.text.text();
            let found = rec.recognize(text, &p.tokens, None);
            let dates = marsad_extract::dates::find_dates(text, &p.tokens, None);
            let candidates = find_candidates(patterns, text, &p.tokens, &found, &dates, None);
            let words = |r: &Option<std::ops::Range<usize>>| -> Vec<String> {
                r.as_ref()
                    .map(|r| text[r.clone()].split_whitespace().map(match_form).collect())
                    .unwrap_or_default()
            };
            let actor_words = candidates
                .iter()
                .map(|c| {
                    let a = c.event.actor_span.clone().or(c.event.actor_text.clone());
                    (words(&a), words(&c.event.recipient_span))
                })
                .collect();
            Analysed {
                candidates,
                actor_words,
                text: text.to_string(),
                sentences: p.sentences.clone(),
            }
        })
        .collect()
}

/// Whether the evidence words `ev` lie in a sentence of words `sw` (most
/// of them do).
fn evidence_in(ev: &[String], sw: &HashSet<String>) -> bool {
    let hit = ev.iter().filter(|w| sw.contains(*w)).count();
    !ev.is_empty() && hit * 10 >= ev.len() * 6
}

/// The sentences of a training article (split as the pipeline splits
/// them), each labelled with the types of the `events` whose evidence lies
/// in it; grouped by the article for cross-validation.
pub fn article_sentences(doc: &str, text: &str, events: &[NewsEvent]) -> Vec<Sentence> {
    let p = process(text, &Options::default(), None);
    let clean = p.text.text();
    p.sentences
        .iter()
        .enumerate()
        .filter_map(|(k, r)| {
            let st = clean.get(r.clone())?.trim();
            if st.is_empty() {
                return None;
            }
            let sw: HashSet<String> = st.split_whitespace().map(match_form).collect();
            let mut kinds: Vec<usize> = events
                .iter()
                .filter(|e| e.evidence.as_deref().is_some_and(|ev| evidence_in(ev, &sw)))
                .map(|e| e.kind)
                .collect();
            kinds.sort_unstable();
            kinds.dedup();
            Some(Sentence {
                group: format!("news:{doc}"),
                id: format!("news:{doc}:{k}"),
                text: st.to_string(),
                gold: Gold::Article { kinds },
            })
        })
        .collect()
}

/// Whether a candidate of type `kind` is positive for the sentence's gold
/// (`None`: the sentence says nothing about that type).
fn label(gold: &Gold, kind: usize) -> Option<bool> {
    match gold {
        Gold::Gsr { kind: k, yes, .. } => (*k == kind).then_some(*yes),
        Gold::Written { events } => Some(events.iter().any(|e| e.kind == kind)),
        Gold::News { .. } => None,
        Gold::Article { kinds } => Some(kinds.contains(&kind)),
    }
}

fn examples_of(
    sentences: &[Sentence],
    analysed: &[Analysed],
    which: &[usize],
    bits: u32,
) -> Vec<Example> {
    let mask = (1u64 << bits) - 1;
    let mut out = Vec::new();
    for &i in which {
        for c in &analysed[i].candidates {
            let Some(kind) = type_index(&c.event.kind) else {
                continue;
            };
            let Some(y) = label(&sentences[i].gold, kind) else {
                continue;
            };
            let buckets: Vec<u32> = c.features.iter().map(|&h| (h & mask) as u32).collect();
            // Ambiguous GSR rows are left out of training too (tried as
            // soft targets: worse); `difficult no` is a plain negative (tried
            // with lower weights and as soft targets: no steady gain).
            if matches!(
                sentences[i].gold,
                Gold::Gsr {
                    ambiguous: true,
                    ..
                }
            ) {
                continue;
            }
            let (weight, target) = (1.0, if y { 1.0 } else { 0.0 });
            out.push(Example {
                buckets,
                kind,
                label: y,
                target,
                weight,
            });
        }
    }
    out
}

/// Fold of a group (stable across runs and platforms).
pub fn fold_of(group: &str, k: usize, seed: u64) -> usize {
    (hash_parts(&[group, &seed.to_string()]) % k as u64) as usize
}

/// Out-of-fold probabilities of every candidate (`[sentence][candidate]`),
/// with `k` folds grouped by `group`.
fn out_of_fold(
    sentences: &[Sentence],
    analysed: &[Analysed],
    which: &[usize],
    k: usize,
    opts: &TrainOptions,
) -> HashMap<usize, Vec<f32>> {
    let mut out: HashMap<usize, Vec<f32>> = HashMap::new();
    for f in 0..k {
        let (test, train_idx): (Vec<usize>, Vec<usize>) = which
            .iter()
            .partition(|&&i| fold_of(&sentences[i].group, k, opts.seed) == f);
        let m = train(
            &examples_of(sentences, analysed, &train_idx, opts.bits),
            opts,
        );
        for i in test {
            let probs = analysed[i]
                .candidates
                .iter()
                .map(|c| m.prob(&m.buckets(&c.features)))
                .collect();
            out.insert(i, probs);
        }
    }
    out
}

/// Out-of-fold runs with different fold assignments that thresholds pool
/// (one run let a small feature change swing a type's threshold by 0.2).
pub const THRESHOLD_RUNS: u64 = 3;

fn pooled_out_of_fold(
    sentences: &[Sentence],
    analysed: &[Analysed],
    which: &[usize],
    k: usize,
    opts: &TrainOptions,
) -> Vec<HashMap<usize, Vec<f32>>> {
    (0..THRESHOLD_RUNS)
        .map(|r| {
            let o = TrainOptions {
                seed: opts.seed.wrapping_add(1000 + r),
                ..*opts
            };
            out_of_fold(sentences, analysed, which, k, &o)
        })
        .collect()
}

/// Thresholds per type from out-of-fold probabilities: per type, the
/// threshold that maximises sentence-level F1 (a sentence reports the type
/// when its most probable candidate of that type passes), over the
/// sentences labelled for that type; types with fewer than 20 positive
/// sentences keep 0.5.
fn thresholds(
    sentences: &[Sentence],
    analysed: &[Analysed],
    runs: &[HashMap<usize, Vec<f32>>],
    opts: &TrainOptions,
) -> [f32; 16] {
    let mut scored: Vec<Vec<(f32, bool)>> = vec![Vec::new(); 16];
    let mut news: Vec<Vec<(f32, bool)>> = vec![Vec::new(); 16];
    for probs in runs {
        let mut keys: Vec<&usize> = probs.keys().collect();
        keys.sort();
        for &i in keys {
            if matches!(
                sentences[i].gold,
                Gold::Gsr {
                    ambiguous: true,
                    ..
                }
            ) {
                continue;
            }
            for kind in 0..16 {
                let Some(y) = label(&sentences[i].gold, kind) else {
                    continue;
                };
                let best = analysed[i]
                    .candidates
                    .iter()
                    .zip(&probs[&i])
                    .filter(|(c, _)| type_index(&c.event.kind) == Some(kind))
                    .map(|(_, &p)| p)
                    .fold(0f32, f32::max);
                scored[kind].push((best, y));
                if matches!(sentences[i].gold, Gold::Gsr { .. }) {
                    news[kind].push((best, y));
                }
            }
        }
    }
    let mut t = [0.5f32; 16];
    for k in 0..16 {
        // News (GSR) sentences decide when there are enough of them.
        let (s, beta) = if news[k].iter().filter(|x| x.1).count() >= 20 {
            (&news[k], opts.beta)
        } else {
            (&scored[k], opts.written_beta)
        };
        if s.iter().filter(|x| x.1).count() >= 20 {
            t[k] = best_threshold(s, beta);
        }
    }
    t
}

/// Precision/recall counts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Prf {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Prf {
    pub fn add(&mut self, pred: bool, gold: bool) {
        match (pred, gold) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            _ => {}
        }
    }
    pub fn p(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn r(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Cross-validation results.
#[derive(Debug, Default)]
pub struct CvReport {
    /// GSR sentence detection per type name: (model, rules alone, candidate
    /// generator).
    pub gsr: BTreeMap<String, (Prf, Prf, Prf)>,
    /// Written sentences, sentence-level detection per type: (model, rules).
    pub written: BTreeMap<String, (Prf, Prf)>,
    /// Sentences of the team-written training articles, the same way.
    pub articles: BTreeMap<String, (Prf, Prf)>,
    /// GSR attribution over detected `yes` sentences with span records:
    /// (with an actor, actor right, with a recipient, recipient right, scored).
    pub attribution: BTreeMap<String, [usize; 5]>,
    /// Every scored GSR sentence: (sentence index, type, gold, predicted,
    /// most probable candidate of the type).
    pub decisions: Vec<(usize, String, bool, bool, f32)>,
}

/// Whether any word of `ours` is one of the gold span's words.
fn overlaps(ours: &[String], gold: &[Vec<String>]) -> bool {
    gold.iter().any(|g| {
        ours.iter().any(|w| {
            g.iter()
                .any(|x| x == w || x.ends_with(w.as_str()) && w.chars().count() >= 3)
        })
    })
}

/// Grouped K-fold cross-validation with thresholds chosen inside each
/// training part (nested 3-fold), so that the reported figures never see
/// their own labels.
pub fn cross_validate(
    sentences: &[Sentence],
    analysed: &[Analysed],
    spans: &HashMap<String, SpanGold>,
    k: usize,
    opts: &TrainOptions,
) -> CvReport {
    let all: Vec<usize> = (0..sentences.len()).collect();
    let mut rep = CvReport::default();
    for f in 0..k {
        let (test, train_idx): (Vec<usize>, Vec<usize>) = all
            .iter()
            .partition(|&&i| fold_of(&sentences[i].group, k, opts.seed) == f);
        let inner = pooled_out_of_fold(sentences, analysed, &train_idx, 3, opts);
        let mut m = train(
            &examples_of(sentences, analysed, &train_idx, opts.bits),
            opts,
        );
        m.thresholds = thresholds(sentences, analysed, &inner, opts);
        eprintln!("fold {}/{k}: {} test sentences", f + 1, test.len());
        for i in test {
            let s = &sentences[i];
            let a = &analysed[i];
            if matches!(
                s.gold,
                Gold::Gsr {
                    ambiguous: true,
                    ..
                }
            ) {
                continue;
            }
            let decided: Vec<bool> = a
                .candidates
                .iter()
                .map(|c| {
                    marsad_extract::events::accept(&c.event, m.prob(&m.buckets(&c.features)), &m)
                })
                .collect();
            let has = |kind: usize, which: &dyn Fn(usize) -> bool| {
                a.candidates
                    .iter()
                    .enumerate()
                    .any(|(ci, c)| type_index(&c.event.kind) == Some(kind) && which(ci))
            };
            match &s.gold {
                Gold::Gsr { kind, yes, .. } => {
                    let name = TYPES[*kind].0.to_string();
                    let e = rep.gsr.entry(name.clone()).or_default();
                    e.0.add(has(*kind, &|ci| decided[ci]), *yes);
                    let best = a
                        .candidates
                        .iter()
                        .filter(|c| type_index(&c.event.kind) == Some(*kind))
                        .map(|c| m.prob(&m.buckets(&c.features)))
                        .fold(0f32, f32::max);
                    rep.decisions.push((
                        i,
                        name.clone(),
                        *yes,
                        has(*kind, &|ci| decided[ci]),
                        best,
                    ));
                    e.1.add(
                        has(*kind, &|ci| !a.candidates[ci].event.actor.is_empty()),
                        *yes,
                    );
                    e.2.add(has(*kind, &|_| true), *yes);
                    if *yes {
                        if let Some(g) = spans.get(&s.id) {
                            // The most confident accepted candidate of the type.
                            if let Some(ci) = (0..a.candidates.len()).find(|&ci| {
                                decided[ci]
                                    && type_index(&a.candidates[ci].event.kind) == Some(*kind)
                            }) {
                                let (aw, rw) = &a.actor_words[ci];
                                let t = rep.attribution.entry(name).or_default();
                                t[4] += 1;
                                if !aw.is_empty() {
                                    t[0] += 1;
                                    t[1] += usize::from(overlaps(aw, &g.actors));
                                }
                                if !rw.is_empty() {
                                    t[2] += 1;
                                    t[3] += usize::from(overlaps(rw, &g.targets));
                                }
                            }
                        }
                    }
                }
                Gold::News { .. } => {}
                Gold::Written { .. } | Gold::Article { .. } => {
                    let table = if matches!(s.gold, Gold::Article { .. }) {
                        &mut rep.articles
                    } else {
                        &mut rep.written
                    };
                    for (kind, (name, _)) in TYPES.iter().enumerate() {
                        let gold = label(&s.gold, kind) == Some(true);
                        let e = table.entry(name.to_string()).or_default();
                        e.0.add(has(kind, &|ci| decided[ci]), gold);
                        e.1.add(
                            has(kind, &|ci| !a.candidates[ci].event.actor.is_empty()),
                            gold,
                        );
                    }
                }
            }
        }
    }
    rep
}

/// Train the model shipped in the binary: thresholds from `k`-fold
/// out-of-fold probabilities, weights from all the data.
pub fn train_final(
    sentences: &[Sentence],
    analysed: &[Analysed],
    k: usize,
    opts: &TrainOptions,
) -> EventModel {
    let all: Vec<usize> = (0..sentences.len()).collect();
    let oof = pooled_out_of_fold(sentences, analysed, &all, k, opts);
    let mut m = train(&examples_of(sentences, analysed, &all, opts.bits), opts);
    m.thresholds = thresholds(sentences, analysed, &oof, opts);
    m.news_types = news_types(sentences);
    m
}

/// Count examples by type and label (for the training log).
pub fn example_counts(
    sentences: &[Sentence],
    analysed: &[Analysed],
) -> BTreeMap<String, (usize, usize)> {
    let all: Vec<usize> = (0..sentences.len()).collect();
    let mut out: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for e in examples_of(sentences, analysed, &all, 8) {
        let c = out.entry(TYPES[e.kind].0.to_string()).or_default();
        if e.label {
            c.0 += 1;
        } else {
            c.1 += 1;
        }
    }
    out
}

impl CvReport {
    /// Add another run's counts (repeated cross-validation).
    pub fn merge(&mut self, o: CvReport) {
        let add = |a: &mut Prf, b: &Prf| {
            a.tp += b.tp;
            a.fp += b.fp;
            a.fn_ += b.fn_;
        };
        for (k, (m, r, c)) in o.gsr {
            let e = self.gsr.entry(k).or_default();
            add(&mut e.0, &m);
            add(&mut e.1, &r);
            add(&mut e.2, &c);
        }
        for (k, (m, r)) in o.written {
            let e = self.written.entry(k).or_default();
            add(&mut e.0, &m);
            add(&mut e.1, &r);
        }
        for (k, (m, r)) in o.articles {
            let e = self.articles.entry(k).or_default();
            add(&mut e.0, &m);
            add(&mut e.1, &r);
        }
        self.decisions.extend(o.decisions);
        for (k, a) in o.attribution {
            let e = self.attribution.entry(k).or_default();
            for (x, y) in e.iter_mut().zip(a) {
                *x += y;
            }
        }
    }
}

/// The GSR decisions of a cross-validation as TSV (for error analysis).
pub fn render_decisions(rep: &CvReport, sentences: &[Sentence]) -> String {
    use std::fmt::Write;
    let mut s = String::from("id\ttype\tgold\tpredicted\tprob\ttext\n");
    for (i, t, gold, pred, p) in &rep.decisions {
        let _ = writeln!(
            s,
            "{}\t{t}\t{}\t{}\t{p:.3}\t{}",
            sentences[*i].id,
            u8::from(*gold),
            u8::from(*pred),
            sentences[*i].text.replace(['\t', '\n'], " ")
        );
    }
    s
}

/// The report as text.
pub fn render(rep: &CvReport, k: usize, repeats: usize) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{k}-fold cross-validation grouped by source document, {repeats} repetition(s) with different folds, counts pooled (development figures)\n\nOEDA GSR development half, sentence detection (each sentence analysed alone):"
    );
    let _ = writeln!(
        s,
        "  {:<10} {:>22} {:>22} {:>22}",
        "type", "model P/R/F1", "rules alone P/R/F1", "candidates P/R/F1"
    );
    let cell = |p: &Prf| format!("{:.3}/{:.3}/{:.3}", p.p(), p.r(), p.f1());
    for (t, (m, r, c)) in &rep.gsr {
        let _ = writeln!(
            s,
            "  {:<10} {:>22} {:>22} {:>22}",
            t,
            cell(m),
            cell(r),
            cell(c)
        );
    }
    let _ = writeln!(s, "\nGSR attribution (detected `yes` sentences with span records; actor/recipient words overlap a gold span):");
    for (t, a) in &rep.attribution {
        let _ = writeln!(
            s,
            "  {:<10} events {:>4}  actor named {:>4}, right {:>4} ({:.3} of named, {:.3} of events)  recipient named {:>4}, right {:>4} ({:.3})",
            t,
            a[4],
            a[0],
            a[1],
            ratio(a[1], a[0]),
            ratio(a[1], a[4]),
            a[2],
            a[3],
            ratio(a[3], a[2])
        );
    }
    for (title, table) in [
        ("Team-written sentences (data/extract/event-sentences)", &rep.written),
        (
            "Sentences of the team-written training articles (data/extract/event-docs; as many events as news has)",
            &rep.articles,
        ),
    ] {
        if table.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{title}, sentence detection per type:");
        let _ = writeln!(
            s,
            "  {:<10} {:>6} {:>22} {:>22}",
            "type", "gold", "model P/R/F1", "rules alone P/R/F1"
        );
        let (mut mt, mut rt) = (Prf::default(), Prf::default());
        for (t, (m, r)) in table {
            let _ = writeln!(
                s,
                "  {:<10} {:>6} {:>22} {:>22}",
                t,
                m.tp + m.fn_,
                cell(m),
                cell(r)
            );
            mt.tp += m.tp;
            mt.fp += m.fp;
            mt.fn_ += m.fn_;
            rt.tp += r.tp;
            rt.fp += r.fp;
            rt.fn_ += r.fn_;
        }
        let _ = writeln!(
            s,
            "  {:<10} {:>6} {:>22} {:>22}",
            "micro",
            mt.tp + mt.fn_,
            cell(&mt),
            cell(&rt)
        );
    }
    s
}

/// What names a candidate's gold argument: span words (alternatives) or
/// knowledge-base ids.
enum ArgGold {
    Words(Vec<Vec<String>>),
    Ids(Vec<String>),
}

impl ArgGold {
    fn names(&self, words: &[String], id: &str) -> bool {
        match self {
            ArgGold::Words(g) => overlaps(words, g),
            ArgGold::Ids(g) => g.iter().any(|x| x == id),
        }
    }
}

/// Gold arguments of a candidate of type `kind` in sentence `s`: (actor,
/// recipient); `None` when the sentence does not say (not labelled with
/// that type, or a GSR sentence without span records). For a news
/// document: every actor / recipient of its events of that type.
fn gold_args(
    s: &Sentence,
    kind: usize,
    spans: &HashMap<String, SpanGold>,
    sentence_words: Option<&HashSet<String>>,
) -> Option<(ArgGold, ArgGold)> {
    let words = |x: &Option<String>| -> ArgGold {
        ArgGold::Words(
            x.as_ref()
                .map(|t| vec![t.split_whitespace().map(match_form).collect()])
                .unwrap_or_default(),
        )
    };
    match &s.gold {
        Gold::Written { events } => events
            .iter()
            .find(|e| e.kind == kind)
            .map(|e| (words(&e.actor), words(&e.recipient))),
        Gold::Gsr {
            kind: k, yes: true, ..
        } if *k == kind => spans.get(&s.id).map(|g| {
            (
                ArgGold::Words(g.actors.clone()),
                ArgGold::Words(g.targets.clone()),
            )
        }),
        Gold::Gsr { .. } | Gold::Article { .. } => None,
        Gold::News { events } => {
            // With evidence: only the events reported in the candidate's
            // sentence (most of the evidence's words are the sentence's).
            let here = |e: &NewsEvent| match (&e.evidence, sentence_words) {
                (Some(ev), Some(sw)) if !ev.is_empty() => evidence_in(ev, sw),
                _ => true,
            };
            let of: Vec<_> = events
                .iter()
                .filter(|e| e.kind == kind && here(e))
                .collect();
            (!of.is_empty()).then(|| {
                (
                    ArgGold::Ids(of.iter().flat_map(|e| e.actor.clone()).collect()),
                    ArgGold::Ids(of.iter().flat_map(|e| e.recipient.clone()).collect()),
                )
            })
        }
    }
}

/// One decision of the argument ranker: the options of one candidate for
/// one role, with their features and whether each names the gold argument.
pub struct ArgDecision {
    pub sentence: usize,
    /// 0 = actor, 1 = recipient.
    pub role: usize,
    pub options: Vec<(Vec<u64>, bool, bool)>,
    /// Whether the rules' pick is outside the sentence (a zero subject or a
    /// carried-over actor): the ranker leaves those alone.
    pub rule_outside: bool,
}

/// Every argument decision of the labelled candidates.
pub fn arg_decisions(
    sentences: &[Sentence],
    analysed: &[Analysed],
    spans: &HashMap<String, SpanGold>,
) -> Vec<ArgDecision> {
    let mut out = Vec::new();
    for (i, (s, a)) in sentences.iter().zip(analysed).enumerate() {
        for c in &a.candidates {
            let Some(kind) = type_index(&c.event.kind) else {
                continue;
            };
            let words: Option<HashSet<String>> = a.sentences.get(c.event.sentence).map(|r| {
                a.text
                    .get(r.clone())
                    .unwrap_or("")
                    .split_whitespace()
                    .map(match_form)
                    .collect()
            });
            let Some((ga, gr)) = gold_args(s, kind, spans, words.as_ref()) else {
                continue;
            };
            for (role, gold) in [(0usize, &ga), (1, &gr)] {
                let options: Vec<(Vec<u64>, bool, bool)> = c
                    .args
                    .iter()
                    .map(|o| {
                        let text = a.text.get(o.span.clone()).unwrap_or("");
                        let ours: Vec<String> = text.split_whitespace().map(match_form).collect();
                        let (f, picked) = if role == 0 {
                            (o.actor_features.clone(), o.rule_actor)
                        } else {
                            (o.recipient_features.clone(), o.rule_recipient)
                        };
                        (f, picked, gold.names(&ours, &o.id))
                    })
                    .collect();
                let rule_ids = if role == 0 {
                    &c.event.actor
                } else {
                    &c.event.recipient
                };
                let rule_outside = !rule_ids.is_empty() && !options.iter().any(|o| o.1);
                out.push(ArgDecision {
                    sentence: i,
                    role,
                    options,
                    rule_outside,
                });
            }
        }
    }
    out
}

/// Train the ranker: each option is an example (does it name the
/// argument?).
pub fn train_args(decisions: &[&ArgDecision], opts: &TrainOptions) -> EventModel {
    let mask = (1u64 << opts.bits) - 1;
    let examples: Vec<Example> = decisions
        .iter()
        .flat_map(|d| d.options.iter())
        .map(|(f, _, y)| Example {
            buckets: f.iter().map(|&h| (h & mask) as u32).collect(),
            kind: 0,
            label: *y,
            target: if *y { 1.0 } else { 0.0 },
            weight: 1.0,
        })
        .collect();
    train(&examples, opts)
}

/// The option the ranker picks (`None`: no party of the sentence).
pub fn rank_pick(m: &EventModel, options: &[(Vec<u64>, bool, bool)]) -> Option<usize> {
    let feats: Vec<&[u64]> = options.iter().map(|o| o.0.as_slice()).collect();
    marsad_extract::events::rank_pick(m, &feats)
}

/// Bits of the ranker's hashed feature space (few templates: 2^16 is
/// plenty).
pub const ARG_BITS: u32 = 16;

/// The argument ranker shipped in the binary, trained on every labelled
/// decision.
pub fn train_final_args(decisions: &[ArgDecision], opts: &TrainOptions) -> EventModel {
    let all: Vec<&ArgDecision> = decisions.iter().collect();
    train_args(
        &all,
        &TrainOptions {
            bits: ARG_BITS,
            ..*opts
        },
    )
}

/// Grouped cross-validation of the ranker against the argument rules:
/// per role, decisions right (the pick names the gold argument, or nothing
/// is picked and no option names it).
pub fn cv_args(
    sentences: &[Sentence],
    decisions: &[ArgDecision],
    k: usize,
    opts: &TrainOptions,
) -> String {
    // [source: sentences, news][role][rules, ranker]
    let mut right = [[[0usize; 2]; 2]; 2];
    let mut total = [[0usize; 2]; 2];
    for f in 0..k {
        let in_fold = |d: &&ArgDecision| fold_of(&sentences[d.sentence].group, k, opts.seed) == f;
        let train_part: Vec<&ArgDecision> = decisions.iter().filter(|d| !in_fold(d)).collect();
        let m = train_args(
            &train_part,
            &TrainOptions {
                bits: ARG_BITS,
                ..*opts
            },
        );
        for d in decisions.iter().filter(in_fold) {
            let any_gold = d.options.iter().any(|o| o.2);
            let rules_ok = if d.rule_outside {
                false
            } else {
                match d.options.iter().position(|o| o.1) {
                    Some(p) => d.options[p].2,
                    None => !any_gold,
                }
            };
            let ranker_ok = if d.rule_outside {
                rules_ok
            } else {
                match rank_pick(&m, &d.options) {
                    Some(p) => d.options[p].2,
                    None => !any_gold,
                }
            };
            let src = usize::from(matches!(sentences[d.sentence].gold, Gold::News { .. }));
            total[src][d.role] += 1;
            right[src][d.role][0] += usize::from(rules_ok);
            right[src][d.role][1] += usize::from(ranker_ok);
        }
    }
    let mut s = String::from("\nArgument choice on labelled candidates (grouped CV; right = names a gold argument, or none when none is named):\n");
    for (src, sname) in ["GSR + written sentences", "news documents (training)"]
        .iter()
        .enumerate()
    {
        for (role, name) in ["actor", "recipient"].iter().enumerate() {
            let n = total[src][role].max(1) as f64;
            s += &format!(
                "  {sname:<28} {name:<10} decisions {:>5}   rules {:.3}   ranker {:.3}\n",
                total[src][role],
                right[src][role][0] as f64 / n,
                right[src][role][1] as f64 / n
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_commas_and_newlines() {
        let t = "a,b,c\n1,\"x, y\",\"he said \"\"no\"\"\"\n2,\"multi\nline\",z\n";
        let rows = parse_csv("t.csv", t).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].1, vec!["1", "x, y", "he said \"no\""]);
        assert_eq!(rows[2].0, 3, "a row is named by the line it starts on");
        assert_eq!(rows[2].1[1], "multi\nline");
        let e = parse_csv("t.csv", "a,b\n1,\"open").unwrap_err();
        assert!(e.starts_with("t.csv:2:"), "{e}");
    }

    #[test]
    fn gsr_rows_and_errors() {
        let t = "accept,event_type,id,label,reject,text,total\n3,ASSAULT,DOC1-1,yes,0,قتل مسلحون جنديا,3\n0,ASSAULT,DOC1-2,ambiguous,1,نص,1\n0,ASSAULT,DOC2-1,easy no,3,نص آخر,3\n";
        let s = read_gsr_csv("g.csv", t).unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].group, "gsr:DOC1");
        assert!(matches!(
            s[1].gold,
            Gold::Gsr {
                ambiguous: true,
                ..
            }
        ));
        assert!(matches!(s[0].gold, Gold::Gsr { yes: true, .. }));
        let bad = "accept,event_type,id,label,reject,text,total\n3,BOMB,D-1,yes,0,x,3\n";
        assert!(read_gsr_csv("g.csv", bad)
            .unwrap_err()
            .starts_with("g.csv:2:"));
        let bad = "accept,event_type,id,label,reject,text,total\n3,ASSAULT,D-1,maybe,0,x,3\n";
        assert!(read_gsr_csv("g.csv", bad)
            .unwrap_err()
            .contains("unknown label"));
    }

    #[test]
    fn article_sentences_take_the_types_of_their_evidence() {
        let ev = |s: &str| Some(s.split_whitespace().map(match_form).collect());
        let text = "قصفت طائرات التحالف مواقع الحوثيين في صعدة.\nوارتفعت أسعار النفط في الأسواق العالمية.\nوطالبت الأمم المتحدة بوقف القتال فورا.";
        let events = vec![
            NewsEvent {
                kind: type_index("ASSAULT").unwrap(),
                actor: vec![],
                recipient: vec![],
                evidence: ev("قصفت طائرات التحالف مواقع الحوثيين في صعدة"),
            },
            NewsEvent {
                kind: type_index("REQUEST").unwrap(),
                actor: vec![],
                recipient: vec![],
                evidence: ev("وطالبت الأمم المتحدة بوقف القتال"),
            },
            // Evidence found nowhere labels no sentence.
            NewsEvent {
                kind: type_index("AID").unwrap(),
                actor: vec![],
                recipient: vec![],
                evidence: ev("أرسلت السعودية مساعدات إلى اليمن"),
            },
        ];
        let s = article_sentences("a99", text, &events);
        let kinds: Vec<Vec<&str>> = s
            .iter()
            .map(|x| match &x.gold {
                Gold::Article { kinds } => kinds.iter().map(|&k| TYPES[k].0).collect(),
                g => panic!("{g:?}"),
            })
            .collect();
        assert_eq!(kinds, vec![vec!["ASSAULT"], vec![], vec!["REQUEST"]]);
        assert!(s.iter().all(|x| x.group == "news:a99"));
        assert_eq!(
            label(&s[1].gold, type_index("ASSAULT").unwrap()),
            Some(false)
        );
    }

    #[test]
    fn written_rows_group_by_sentence_and_validate() {
        let h = "id\tgroup\ttype\tmodality\tactor\trecipient\tsentence\n";
        let t = format!("{h}a1\tg1\tREQUEST\tasserted\tروسيا\tتركيا\tطالبت روسيا تركيا بالاعتذار\na2\tg1\tCONCEDE\tdemanded\tتركيا\tروسيا\tطالبت روسيا تركيا بالاعتذار\na3\tg2\tNONE\t-\t-\t-\tتراجعت الأسهم\n");
        let s = read_written("d/x.tsv", &t).unwrap();
        assert_eq!(s.len(), 2);
        let Gold::Written { events } = &s[0].gold else {
            panic!()
        };
        assert_eq!(events.len(), 2);
        assert_eq!(s[1].gold, Gold::Written { events: vec![] });
        let cases = [
            (
                format!("{h}a\tg\tBOMB\tasserted\t-\t-\tنص\n"),
                "unknown type",
            ),
            (
                format!("{h}a\tg\tASSAULT\tsure\t-\t-\tنص\n"),
                "unknown modality",
            ),
            (
                format!("{h}a\tg\tASSAULT\tasserted\tداعش\t-\tنص\n"),
                "does not occur",
            ),
            (
                format!("{h}a\tg\tASSAULT\tasserted\t-\t-\n"),
                "7 tab-separated",
            ),
            (
                format!("{h}a\tg\tNONE\t-\t-\t-\tنص\na\tg\tNONE\t-\t-\t-\tنص\n"),
                "duplicate id",
            ),
            ("x\n".to_string(), "header"),
        ];
        for (t, want) in cases {
            let e = read_written("x.tsv", &t).unwrap_err();
            assert!(e.starts_with("x.tsv:") && e.contains(want), "{e} / {want}");
        }
    }

    #[test]
    fn folds_keep_groups_together() {
        for g in ["gsr:A", "w:x:g1", "w:y:7"] {
            let f = fold_of(g, 5, 2015);
            assert!(f < 5);
            assert_eq!(f, fold_of(g, 5, 2015));
        }
    }
}
