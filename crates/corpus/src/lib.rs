//! marsad-corpus: analysis across documents. No I/O: pure functions and
//! in-memory structures over `marsad.document/1` [`Document`]s.
//!
//! # Near-duplicates ([`minhash`])
//! Agency copies of one article differ in punctuation, diacritics, hamza
//! spellings, datelines and footers. Texts are reduced to match-form words
//! (the text layer's match form: no diacritics, `أإآ`→`ا`, `ى`→`ي`, `ة`→`ه`,
//! ASCII digits) and to the set of their 4-word shingles; a 128-value MinHash
//! [`minhash::Signature`] estimates the Jaccard similarity of two such sets
//! (the share of equal values). A banded LSH index ([`minhash::Lsh`], 21 bands
//! × 6 rows) proposes candidate pairs: a pair with Jaccard 0.8 is proposed with
//! probability 0.998, one with 0.3 with 0.015. Candidates whose estimate is at
//! least [`minhash::NEAR_DUPLICATE`] = 0.8 are near-duplicates; identical
//! normalised texts have equal signatures (estimate 1.0).
//!
//! # Stories ([`stories`])
//! Single-pass, incremental clustering in publication order. A document is
//! described by [`stories::DocFeatures`]: its entities (weight
//! `1 + ln(mentions)`) and its top 40 content terms (clitic-split stems in match
//! form, stop words from `data/corpus/stopwords.txt` dropped, tf-idf with a
//! *fixed* idf taken from the text layer's word-frequency lexicon, so features
//! never depend on the corpus seen so far). A story keeps the sums of its
//! members' normalised entity and term vectors; a new document is compared
//! with the stories active in a sliding window (default 7 days after a story's
//! last document, at most 30 days in all) that share an entity or term with
//! it, found through inverted indexes:
//! `sim = α·cos(entities) + (1−α)·cos(terms) + shared-actor bonus`, entities
//! weighted by type and by an incremental idf. It joins the best story when
//! `sim` reaches the threshold, else opens a new one. Defaults (tuned on
//! SaudiNewsNet, see [`stories::Params`]): α = 0.4, threshold 0.3, bonus 0.03
//! per shared knowledge-base person/organisation/group (at most 0.06).
//! [`stories::Clusterer::restore`] rebuilds the state from stored assignments
//! so new documents join old stories without re-clustering.
//! Story outputs: members, span, representative title (the member closest to
//! the centroid), main actors (duplicate groups counted once), and an
//! extractive, centroid-based [`stories::summary`] of 3–5 sentences without
//! near-repeats, in chronological order ([`summary`]).
//!
//! # Actor networks ([`network`])
//! PLOVER events become a directed network: one edge per (actor, recipient)
//! pair, with per-type counts and the sum and mean of the events' PLOVER
//! scores (−10 conflict … +10 cooperation, `data/corpus/plover-scores.tsv`).
//! Only asserted events are scored; negated, future and possible ones are
//! counted apart. Writers for GraphML and GEXF 1.3 (Gephi).
//!
//! Language data (`data/corpus/*`) is embedded at compile time and validated
//! on load; errors name `file:line` ([`DataError`]).

#[cfg(test)]
mod fixtures;
pub mod minhash;
pub mod network;
pub mod stories;
pub mod summary;
pub mod words;

pub use marsad_doc::Document;
pub use marsad_text::data::DataError;
pub use minhash::{estimate, Lsh, Signature, SignatureError};
pub use network::{plover_score, to_gexf, to_graphml, NetEvent, Network};
pub use stories::{features, Clusterer, DocFeatures, Params, StoryId};
pub use summary::{summary, SummarySentence};
