//! `marsad ingest`: inputs → analysis (all cores) → one writer (store, then
//! search index) → near-duplicates and stories for what is new.
//!
//! Memory is bounded by one batch of documents plus one input file (a
//! SaudiNewsNet zip holds up to ~3,000 articles) plus the story state of the
//! documents within reach of the batch's dates (see [`stories::Placer`]), not
//! by the corpus: inputs are read lazily, analysed, written and placed batch
//! by batch. Each batch is one
//! store transaction; the search index is committed after it. A killed run
//! leaves whole batches; the rerun skips what is stored (raw-input hash,
//! before any analysis), re-indexes what the index lacks, and places the
//! documents that have no story yet.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::time::Instant;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use marsad_doc::Document;
use marsad_ingest::{InputError, Inputs, RawDoc};
use marsad_recognize::Recognizer;
use marsad_store::{Incoming, PutStats, Seen, Store};

use crate::analyze;
use crate::search::Index;
use crate::stories;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// A bar with articles/s and ETA (stderr is a terminal).
    Bar,
    /// One plain line per batch (stderr piped or redirected).
    Lines,
    Quiet,
}

impl Progress {
    /// A bar on a terminal, plain lines otherwise.
    pub fn auto() -> Progress {
        if std::io::stderr().is_terminal() {
            Progress::Bar
        } else {
            Progress::Lines
        }
    }
}

pub struct Options {
    pub published: Option<String>,
    /// Documents analysed per batch (one store transaction).
    pub batch: usize,
    pub progress: Progress,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            published: None,
            batch: 2000,
            progress: Progress::Lines,
        }
    }
}

/// What a run did.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub inputs: usize,
    /// Size of the input files (compressed for zips).
    pub bytes: u64,
    /// Article text read (title + text, UTF-8 bytes).
    pub text_bytes: u64,
    pub analysed: usize,
    pub stored: PutStats,
    /// Skipped before analysis: stored with the same raw input.
    pub skipped: usize,
    /// Same content as a stored document under another id.
    pub aliases: usize,
    pub failed: usize,
    pub seconds: f64,
    pub place: stories::PlaceReport,
    pub indexed: usize,
}

/// Print a message without tearing the progress bar.
struct Reporter {
    bar: Option<ProgressBar>,
    mode: Progress,
}

impl Reporter {
    fn new(mode: Progress, total_bytes: u64) -> Reporter {
        let bar = (mode == Progress::Bar).then(|| {
            let b = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg} ETA {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        });
        Reporter { bar, mode }
    }

    fn error(&self, msg: &str) {
        match &self.bar {
            Some(b) => b.suspend(|| eprintln!("marsad: {msg}")),
            None => eprintln!("marsad: {msg}"),
        }
    }

    fn progress(&self, done_bytes: u64, total_bytes: u64, articles: usize, secs: f64) {
        let rate = articles as f64 / secs.max(1e-9);
        match (&self.bar, self.mode) {
            (Some(b), _) => {
                b.set_position(done_bytes);
                b.set_message(format!("{articles} articles, {rate:.0}/s"));
            }
            (None, Progress::Lines) => {
                let eta = if done_bytes > 0 {
                    (total_bytes.saturating_sub(done_bytes)) as f64 * secs / done_bytes as f64
                } else {
                    0.0
                };
                eprintln!(
                    "marsad: ingest {articles} articles, {:.1}/{:.1} MB, {rate:.0} articles/s, ETA {eta:.0} s",
                    done_bytes as f64 / 1e6,
                    total_bytes as f64 / 1e6
                );
            }
            _ => {}
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// Ingest `paths` into `store` (and the search index beside it).
pub fn ingest(
    store: &mut Store,
    db: &std::path::Path,
    paths: &[String],
    rec: &Recognizer,
    opts: &Options,
) -> Result<Report> {
    let started = Instant::now();
    let mut inputs = Inputs::new(paths);
    let total_bytes = inputs.total_bytes();
    let rep = Reporter::new(opts.progress, total_bytes);
    let mut report = Report {
        bytes: total_bytes,
        ..Default::default()
    };
    // The index follows the store: if a killed run committed a batch to the
    // store but not to the index, catch up first.
    let mut index = Index::open_or_rebuild(db, store, |m| rep.error(m))?;
    report.indexed += index.catch_up(db, store)?;
    let mut placer = stories::Placer::default();
    let mut done_bytes = 0u64;
    let mut batch: Vec<Result<RawDoc, InputError>> = Vec::new();
    let mut batch_bytes = 0u64;
    loop {
        let next = inputs.next();
        let end = next.is_none();
        if let Some((bytes, docs)) = next {
            batch.extend(docs);
            batch_bytes += bytes;
        }
        if batch.len() < opts.batch && !end {
            continue;
        }
        if !batch.is_empty() {
            let work = std::mem::take(&mut batch);
            report.inputs += work.len();
            write_batch(store, &index, work, rec, opts, &rep, &mut report)?;
            report.place.add(&placer.place(store)?);
        }
        done_bytes += std::mem::take(&mut batch_bytes);
        rep.progress(
            done_bytes,
            total_bytes,
            report.analysed + report.skipped + report.aliases,
            started.elapsed().as_secs_f64(),
        );
        if end {
            break;
        }
    }
    rep.finish();
    // Pending documents left by a killed run when this one had nothing new.
    report.place.add(&placer.place(store)?);
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

fn write_batch(
    store: &mut Store,
    index: &Index,
    batch: Vec<Result<RawDoc, InputError>>,
    rec: &Recognizer,
    opts: &Options,
    rep: &Reporter,
    report: &mut Report,
) -> Result<()> {
    // Decide before analysis what is already stored.
    let mut todo = Vec::new();
    let mut hashes: HashMap<String, String> = HashMap::new();
    let mut in_batch: HashMap<String, String> = HashMap::new();
    let mut aliases = Vec::new();
    for r in batch {
        let d = match r {
            Ok(d) => d,
            Err(e) => {
                rep.error(&e.to_string());
                report.failed += 1;
                continue;
            }
        };
        report.text_bytes += (d.text.len() + d.title.as_deref().map_or(0, str::len)) as u64;
        let published = d.published.as_deref().or(opts.published.as_deref());
        let h = marsad_store::raw_hash(d.title.as_deref(), published, &d.text);
        if let Some(first) = in_batch.get(&h) {
            if *first != d.id {
                aliases.push((d.id.clone(), first.clone()));
                report.aliases += 1;
            }
            continue;
        }
        match store.seen(&d.id, &h)? {
            Seen::Stored => report.skipped += 1,
            Seen::Alias(other) => {
                aliases.push((d.id.clone(), other));
                report.aliases += 1;
            }
            Seen::New => {
                in_batch.insert(h.clone(), d.id.clone());
                hashes.insert(d.id.clone(), h);
                todo.push(Ok(d));
            }
        }
    }
    let outcome = analyze::analyze_docs(
        todo,
        opts.published.as_deref(),
        &marsad_text::Options::default(),
        Some(rec),
        |msg| rep.error(msg),
    );
    report.failed += outcome.errors.len();
    let docs: Vec<Document> = outcome.analyses.into_iter().map(|a| a.doc).collect();
    report.analysed += docs.len();
    let extras: Vec<(Vec<u8>, String)> = docs.par_iter().map(stories::extras).collect();
    let items: Vec<Incoming> = docs
        .iter()
        .zip(&extras)
        .map(|(doc, (sig, features))| Incoming {
            doc,
            raw_hash: hashes.get(&doc.id).map(String::as_str),
            signature: Some(sig),
            features: Some(features),
        })
        .collect();
    let s = store.put_all(&items, &aliases)?;
    report.stored.added += s.added;
    report.stored.replaced += s.replaced;
    report.stored.unchanged += s.unchanged;
    report.indexed += index.add(&docs)?;
    Ok(())
}
