//! Placing stored documents: near-duplicates (MinHash/LSH) and stories
//! (incremental clustering), after each ingest.
//!
//! Pending documents (no story yet: new, replaced, or stored by a version-1
//! store) are taken in publication order. A pending document whose estimated
//! Jaccard similarity with an earlier document reaches
//! `marsad_corpus::minhash::NEAR_DUPLICATE` is a copy of that document's
//! canonical original and joins its story; otherwise the clusterer, restored
//! from the stories still open at the earliest pending date, adds it to the
//! best story or opens a new one. `ingest` places each batch right after
//! storing it, with a [`Placer`] kept across batches; the placements of one
//! batch are written in one transaction: a killed run leaves the documents
//! pending, and the next ingest places them.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use anyhow::Result;

use marsad_corpus::minhash::{self, Lsh, Signature};
use marsad_corpus::stories::{self as st, Clusterer, DocFeatures, Params, StoryId};
use marsad_doc::Document;
use marsad_store::{Assignment, Store};

use crate::export::civil;

/// What placing did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct PlaceReport {
    pub pending: usize,
    pub duplicates: usize,
    pub new_stories: usize,
    pub stories_touched: usize,
    pub seconds: f64,
}

impl PlaceReport {
    /// Add the figures of another placing (another batch).
    pub fn add(&mut self, o: &PlaceReport) {
        self.pending += o.pending;
        self.duplicates += o.duplicates;
        self.new_stories += o.new_stories;
        self.stories_touched += o.stories_touched;
        self.seconds += o.seconds;
    }
}

/// The MinHash signature (bytes) and story features (JSON) of a document,
/// computed beside the analysis and stored with it.
pub fn extras(doc: &Document) -> (Vec<u8>, String) {
    let sig = Signature::of_document(doc).to_bytes();
    let features = serde_json::to_string(&st::features(doc)).unwrap_or_default();
    (sig, features)
}

/// Near-duplicate and story state of the placed documents around the
/// pending ones, kept across the batches of one ingest run so that each batch
/// is placed as soon as it is stored (pending documents never outnumber one
/// batch).
///
/// The state is a cache of the store: loaded from the documents within
/// `window + max_span` days of the earliest pending date, and loaded again
/// when a batch reaches earlier than that, or when time has moved more than
/// one such reach past it (what it holds is then bounded by the documents of
/// two reaches, not by the corpus).
#[derive(Default)]
pub struct Placer {
    state: Option<State>,
}

struct State {
    /// First day covered (documents from this day on were loaded).
    horizon: Option<i32>,
    lsh: Lsh,
    /// Document numbers (in load/placing order) → id, canonical original,
    /// story, signature.
    ids: Vec<String>,
    canonical: Vec<u32>,
    story_of: Vec<i64>,
    sigs: Vec<Option<Signature>>,
    clusterer: Clusterer,
    /// Clusterer story → stored story id, for stories opened by this state.
    fresh: HashMap<u32, i64>,
    /// Clusterer stories that are stored stories (same number).
    restored: HashSet<u32>,
}

impl State {
    fn load(store: &Store, since: Option<i32>) -> Result<State> {
        let params = Params::default();
        let since_date = since.map(|d| civil(d as i64));
        let mut s = State {
            horizon: since,
            lsh: Lsh::new(),
            ids: Vec::new(),
            canonical: Vec::new(),
            story_of: Vec::new(),
            sigs: Vec::new(),
            clusterer: Clusterer::new(params),
            fresh: HashMap::new(),
            restored: HashSet::new(),
        };
        let mut restore: Vec<(StoryId, DocFeatures)> = Vec::new();
        let mut by_id: HashMap<String, u32> = HashMap::new();
        let mut dup_names: Vec<Option<String>> = Vec::new();
        store.for_each_placed(Some(since_date.as_deref().unwrap_or("0000-00-00")), |p| {
            let no = s.ids.len() as u32;
            let sig = p
                .signature
                .as_deref()
                .and_then(|b| Signature::from_bytes(b).ok());
            if let Some(x) = &sig {
                s.lsh.insert(no, x);
            }
            if let Some(f) = p
                .features
                .as_deref()
                .and_then(|j| serde_json::from_str::<DocFeatures>(j).ok())
            {
                if let Ok(sid) = u32::try_from(p.story) {
                    restore.push((StoryId(sid), f));
                }
            }
            by_id.insert(p.id.clone(), no);
            s.ids.push(p.id);
            dup_names.push(p.dup_of);
            s.canonical.push(no);
            s.story_of.push(p.story);
            s.sigs.push(sig);
        })?;
        for (no, d) in dup_names.iter().enumerate() {
            if let Some(c) = d.as_ref().and_then(|d| by_id.get(d)) {
                s.canonical[no] = *c;
            }
        }
        s.restored = restore.iter().map(|(x, _)| x.0).collect();
        s.clusterer = Clusterer::restore(params, restore);
        Ok(s)
    }
}

impl Placer {
    /// Place every pending document of `store`.
    pub fn place(&mut self, store: &mut Store) -> Result<PlaceReport> {
        let started = Instant::now();
        let pending = store.pending()?;
        let mut report = PlaceReport {
            pending: pending.len(),
            ..Default::default()
        };
        if pending.is_empty() {
            return Ok(report);
        }
        let params = Params::default();
        let mut a = Assignment::default();
        // Signatures and features of pending documents stored without them.
        let mut sigs: Vec<Option<Signature>> = Vec::with_capacity(pending.len());
        let mut feats: Vec<Option<DocFeatures>> = Vec::with_capacity(pending.len());
        for p in &pending {
            let mut sig = p
                .signature
                .as_deref()
                .and_then(|b| Signature::from_bytes(b).ok());
            let mut f = p
                .features
                .as_deref()
                .and_then(|j| serde_json::from_str::<DocFeatures>(j).ok());
            if sig.is_none() || f.is_none() {
                if let Some(doc) = store.document(&p.id)? {
                    let (s, fj) = extras(&doc);
                    sig = Signature::from_bytes(&s).ok();
                    f = serde_json::from_str(&fj).ok();
                    a.backfill.push((p.id.clone(), s, fj));
                }
            }
            sigs.push(sig);
            feats.push(f);
        }
        // Stories still open for the earliest pending document.
        let first_day = pending
            .iter()
            .filter_map(|p| p.published.as_deref().and_then(st::day_number))
            .min();
        let reach = params.window_days + params.max_span_days.unwrap_or(365);
        let since = first_day.map(|d| d - reach);
        let stale = match (&self.state, since) {
            (None, _) => true,
            (Some(s), Some(since)) => s
                .horizon
                .is_some_and(|h| since < h || since > h.saturating_add(reach)),
            (Some(_), None) => false,
        };
        if stale {
            self.state = None; // free the old state before loading the new
            self.state = Some(State::load(store, since)?);
        }
        let Some(s) = self.state.as_mut() else {
            return Ok(report);
        };
        let mut next_story = store.max_story()? + 1;
        let mut touched: HashSet<i64> = HashSet::new();
        for ((p, sig), f) in pending.iter().zip(sigs).zip(feats) {
            let no = s.ids.len() as u32;
            // The earliest near-duplicate decides the canonical original.
            let mut copy: Option<(u32, f32)> = None;
            if let Some(x) = &sig {
                for c in s.lsh.candidates(x) {
                    let Some(cs) = &s.sigs[c as usize] else {
                        continue;
                    };
                    let e = minhash::estimate(x, cs);
                    if e >= minhash::NEAR_DUPLICATE {
                        let root = s.canonical[c as usize];
                        if copy.is_none_or(|(r, _)| root < r) {
                            copy = Some((root, e));
                        }
                    }
                }
            }
            let story = match copy {
                Some((root, score)) => {
                    a.duplicates
                        .push((p.id.clone(), s.ids[root as usize].clone(), score));
                    report.duplicates += 1;
                    s.canonical.push(root);
                    s.story_of[root as usize]
                }
                None => {
                    s.canonical.push(no);
                    let f = f.unwrap_or_else(|| DocFeatures {
                        id: p.id.clone(),
                        day: p.published.as_deref().and_then(st::day_number),
                        title: None,
                        entities: Vec::new(),
                        terms: Vec::new(),
                    });
                    let sid = s.clusterer.add(f);
                    if s.restored.contains(&sid.0) {
                        sid.0 as i64
                    } else {
                        *s.fresh.entry(sid.0).or_insert_with(|| {
                            let n = next_story;
                            next_story += 1;
                            report.new_stories += 1;
                            n
                        })
                    }
                }
            };
            if let Some(x) = &sig {
                s.lsh.insert(no, x);
            }
            s.ids.push(p.id.clone());
            s.story_of.push(story);
            s.sigs.push(sig);
            a.stories.push((p.id.clone(), story));
            touched.insert(story);
        }
        // Representative titles of the touched stories the clusterer knows.
        let to_clusterer: HashMap<i64, u32> = s
            .fresh
            .iter()
            .map(|(c, x)| (*x, *c))
            .chain(s.restored.iter().map(|&x| (x as i64, x)))
            .collect();
        let mut titles = Vec::new();
        for &story in &touched {
            let title = to_clusterer.get(&story).and_then(|&c| {
                s.clusterer
                    .representative_title(StoryId(c))
                    .map(str::to_string)
                    .or_else(|| {
                        // No member has a title: the first sentence (usually
                        // the heading) of the first article.
                        let first = s.clusterer.members(StoryId(c)).first()?.to_string();
                        let doc = store.document(&first).ok()??;
                        first_sentence(&doc)
                    })
            });
            titles.push((story, title));
        }
        titles.sort();
        report.stories_touched = titles.len();
        if let Err(e) = store.assign(&a, &titles) {
            // Nothing of this batch was placed: the state no longer mirrors
            // the store.
            self.state = None;
            return Err(e.into());
        }
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }
}

/// The first sentence of a document, cut to 120 characters.
pub fn first_sentence(doc: &Document) -> Option<String> {
    let s = doc.sentences.first()?;
    let text: String = doc
        .text
        .chars()
        .skip(s.start)
        .take(s.end.saturating_sub(s.start))
        .collect();
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    Some(if text.chars().count() > 120 {
        let mut t: String = text.chars().take(119).collect();
        t.push('…');
        t
    } else {
        text.to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip() {
        for d in [
            "1970-01-01",
            "2015-11-24",
            "2000-02-29",
            "1999-12-31",
            "2026-11-23",
        ] {
            assert_eq!(civil(st::day_number(d).unwrap() as i64), d);
        }
    }
}
