//! Text-layer throughput on a real corpus, single-threaded (figures per core).

use std::time::{Duration, Instant};

use marsad_kb::Kb;
use marsad_recognize::{Recognizer, Tagger};
use marsad_text::{boilerplate, glue, normalize, sentence, token, Lexicon, MappedText};

/// Throughput of each stage over a set of documents, measured on one thread.
#[derive(Debug, Clone)]
pub struct Report {
    pub docs: usize,
    pub bytes: usize,
    pub tokens: usize,
    pub sentences: usize,
    pub clean: Duration,
    pub boilerplate: Duration,
    pub glue: Duration,
    pub split_tokenize: Duration,
    /// Entity recognition with the knowledge base and rules only.
    pub recognize: Duration,
    /// Entity recognition with the learned tagger as well.
    pub recognize_tagger: Duration,
    /// Entities found (with the tagger).
    pub entities: usize,
    /// Events, quotes, quantities and dates extraction.
    pub extract: Duration,
    /// dates, quantities, events, quotes.
    pub parts: [Duration; 4],
    pub events: usize,
    pub quotes: usize,
    pub quantities: usize,
    pub dates: usize,
    /// One-time loading of the knowledge base and of the model.
    pub kb_load: Duration,
    pub model_load: Duration,
}

fn mbps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64().max(1e-9)
}

impl Report {
    /// MB of raw input per second per core for clean + sentence split + tokenise.
    pub fn clean_tokenize_mbps(&self) -> f64 {
        mbps(self.bytes, self.clean + self.split_tokenize)
    }

    /// MB/s per core for the whole text layer.
    pub fn full_mbps(&self) -> f64 {
        mbps(
            self.bytes,
            self.clean + self.boilerplate + self.glue + self.split_tokenize,
        )
    }

    pub fn render(&self) -> String {
        let row = |name: &str, d: Duration| {
            format!(
                "  {name:<28} {:>8.1} ms  {:>8.1} MB/s\n",
                d.as_secs_f64() * 1e3,
                mbps(self.bytes, d)
            )
        };
        let mut s = format!(
            "text layer, 1 thread: {} documents, {:.1} MB, {} sentences, {} tokens\n",
            self.docs,
            self.bytes as f64 / 1e6,
            self.sentences,
            self.tokens
        );
        s += &row("clean (normalise)", self.clean);
        s += &row("boilerplate filter", self.boilerplate);
        s += &row("glue repair", self.glue);
        s += &row("sentences + tokens", self.split_tokenize);
        s += &format!(
            "  {:<28} {:>8.1} MB/s per core\n  {:<28} {:>8.1} MB/s per core\n",
            "clean + tokenise",
            self.clean_tokenize_mbps(),
            "whole text layer",
            self.full_mbps()
        );
        let tps = |d: Duration| self.tokens as f64 / d.as_secs_f64().max(1e-9);
        s += &format!(
            "entity recognition, 1 thread ({} entities found):\n  {:<28} {:>8.1} ms  {:>10.0} tokens/s per core\n  {:<28} {:>8.1} ms  {:>10.0} tokens/s per core\n  {:<28} {:>8.1} ms\n  {:<28} {:>8.1} ms\n",
            self.entities,
            "knowledge base + rules",
            self.recognize.as_secs_f64() * 1e3,
            tps(self.recognize),
            "with the learned tagger",
            self.recognize_tagger.as_secs_f64() * 1e3,
            tps(self.recognize_tagger),
            "load knowledge base",
            self.kb_load.as_secs_f64() * 1e3,
            "load NER model",
            self.model_load.as_secs_f64() * 1e3,
        );
        let whole = self.clean
            + self.boilerplate
            + self.glue
            + self.split_tokenize
            + self.recognize_tagger
            + self.extract;
        s += &format!(
            "extraction, 1 thread ({} events, {} quotes, {} quantities, {} dates):\n  {:<28} {:>8.1} ms  {:>8.1} MB/s\nwhole pipeline (text → entities with tagger → events/quotes/quantities/dates):\n  {:<28} {:>8.1} MB/s per core, {:.0} articles/s per core\n",
            self.events,
            self.quotes,
            self.quantities,
            self.dates,
            format!(
                "all (dates {:.0}, numbers {:.0}, events {:.0}, quotes {:.0} ms)",
                self.parts[0].as_secs_f64() * 1e3,
                self.parts[1].as_secs_f64() * 1e3,
                self.parts[2].as_secs_f64() * 1e3,
                self.parts[3].as_secs_f64() * 1e3
            ),
            self.extract.as_secs_f64() * 1e3,
            mbps(self.bytes, self.extract),
            "throughput",
            mbps(self.bytes, whole),
            self.docs as f64 / whole.as_secs_f64().max(1e-9),
        );
        s
    }
}

/// Run every stage over `texts` on the current thread, one document at a time
/// (as `analyze` does), timing each stage separately.
pub fn run(texts: &[String]) -> Report {
    let lex = Lexicon::builtin(); // load outside the timed region
                                  // Loading measured on fresh copies (the built-ins may already be loaded).
    let t = Instant::now();
    let _ = Kb::parse(Kb::builtin_sources());
    let kb_load = t.elapsed();
    let t = Instant::now();
    let _ = Tagger::from_bytes("ner.bin", marsad_recognize::tagger::BUILTIN_MODEL);
    let model_load = t.elapsed();
    let kb = Kb::builtin().ok();
    let tagger = Tagger::builtin().ok();
    let mut r = Report {
        docs: texts.len(),
        bytes: texts.iter().map(String::len).sum(),
        tokens: 0,
        sentences: 0,
        clean: Duration::ZERO,
        boilerplate: Duration::ZERO,
        glue: Duration::ZERO,
        split_tokenize: Duration::ZERO,
        recognize: Duration::ZERO,
        recognize_tagger: Duration::ZERO,
        entities: 0,
        extract: Duration::ZERO,
        parts: [Duration::ZERO; 4],
        events: 0,
        quotes: 0,
        quantities: 0,
        dates: 0,
        kb_load,
        model_load,
    };
    let recs = kb.map(|kb| (Recognizer::new(kb, None), Recognizer::new(kb, tagger)));
    let prm = glue::Params::default();
    // As `analyze`/`ingest` do: batches of documents, the glue repair with
    // word counts of the batch (counting is timed as part of the repair).
    for batch in texts.chunks(glue::eval::BATCH) {
        let mut kept_batch = Vec::with_capacity(batch.len());
        for text in batch {
            let t = Instant::now();
            let cleaned: MappedText = normalize::clean(text);
            let t1 = Instant::now();
            let kept = boilerplate::filter(&cleaned, None).0;
            let t2 = Instant::now();
            r.clean += t1 - t;
            r.boilerplate += t2 - t1;
            kept_batch.push(kept);
        }
        let t = Instant::now();
        let texts: Vec<&str> = kept_batch.iter().map(MappedText::text).collect();
        let (counts, prepared) = glue::CorpusCounts::build_prepared(&texts, lex, &prm);
        r.glue += t.elapsed();
        for (kept, p) in kept_batch.iter().zip(&prepared) {
            bench_one(&mut r, kept, lex, &prm, (&counts, p), recs.as_ref());
        }
    }
    r
}

/// The stages after boilerplate removal for one document.
fn bench_one(
    r: &mut Report,
    kept: &MappedText,
    lex: &Lexicon,
    prm: &glue::Params,
    (counts, prepared): (&glue::CorpusCounts, &glue::Prepared),
    recs: Option<&(Recognizer<'_>, Recognizer<'_>)>,
) {
    {
        let t2 = Instant::now();
        let repaired = glue::repair_prepared(kept, lex, prm, counts, prepared).0;
        let t3 = Instant::now();
        let s = sentence::split(repaired.text());
        let tokens = token::tokenize(repaired.text(), &s, lex);
        let t4 = Instant::now();
        r.glue += t3 - t2;
        r.split_tokenize += t4 - t3;
        r.tokens += tokens.len();
        if let Some((plain, full)) = recs {
            let text = repaired.text();
            let t5 = Instant::now();
            let _ = plain.recognize(text, &tokens, Some(20150101));
            let t6 = Instant::now();
            let found = full.recognize(text, &tokens, Some(20150101));
            let t7 = Instant::now();
            let dates = marsad_extract::dates::find_dates(text, &tokens, Some((2015, 1, 1)));
            let t8 = Instant::now();
            let quantities = marsad_extract::quantities::find_quantities(text, &tokens);
            let t9 = Instant::now();
            let events = marsad_extract::events::find_events(
                marsad_extract::events::Patterns::builtin(),
                text,
                &tokens,
                &found,
                &dates,
                Some("2015-01-01"),
                crate::analyze::event_model(),
            );
            // (The genre decision, as `analyze` makes it; counted with events.)
            let _ = crate::analyze::genre_model()
                .and_then(|m| marsad_extract::genre::classify(m, text, &tokens));
            let t10 = Instant::now();
            let quotes = marsad_extract::quotes::find_quotes(
                marsad_extract::quotes::Cues::builtin(),
                text,
                &tokens,
                &found,
            );
            r.extract += t7.elapsed();
            r.parts[0] += t8 - t7;
            r.parts[1] += t9 - t8;
            r.parts[2] += t10 - t9;
            r.parts[3] += t10.elapsed();
            r.entities += found.len();
            r.events += events.len();
            r.quotes += quotes.len();
            r.quantities += quantities.len();
            r.dates += dates.len();
            r.recognize += t6 - t5;
            r.recognize_tagger += t7 - t6;
        }
        r.sentences += s.len();
    }
}

/// The SaudiNewsNet zips in `dir` whose names start with `prefix`, sorted,
/// at most `limit`.
pub fn zips(
    dir: &std::path::Path,
    prefix: &str,
    limit: usize,
) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut v: Vec<std::path::PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "zip")
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix))
        })
        .collect();
    v.sort();
    v.truncate(limit);
    Ok(v)
}

/// Article texts of the first `limit` SaudiNewsNet zips in `dir`.
pub fn load_saudinewsnet(
    dir: &std::path::Path,
    limit: usize,
) -> Result<Vec<String>, marsad_ingest::InputError> {
    let mut texts = Vec::new();
    let files = zips(dir, "", limit).map_err(|e| marsad_ingest::InputError::io(dir, e))?;
    for f in files {
        texts.extend(
            marsad_ingest::saudinewsnet_zip(&f)?
                .into_iter()
                .map(|d| d.text),
        );
    }
    Ok(texts)
}

// ---------------------------------------------------------------------------
// The corpus benchmark: ingest, store and index size, search latency,
// clustering, peak memory.

/// What `marsad bench --corpus-store` measured.
#[derive(Debug, Clone)]
pub struct CorpusReport {
    pub zips: usize,
    pub threads: usize,
    pub ingest: crate::ingest::Report,
    pub store_bytes: u64,
    pub index_bytes: u64,
    pub queries: usize,
    pub search_p50_ms: f64,
    pub search_p95_ms: f64,
    pub search_max_ms: f64,
    /// The same queries, each run first (caches cold for its terms).
    pub first_p50_ms: f64,
    pub first_p95_ms: f64,
    /// Peak resident memory of the process (VmHWM), MB.
    pub peak_rss_mb: f64,
}

fn dir_bytes(p: &std::path::Path) -> u64 {
    walkdir_size(p).unwrap_or(0)
}

fn walkdir_size(p: &std::path::Path) -> std::io::Result<u64> {
    let mut n = 0;
    for e in std::fs::read_dir(p)? {
        let e = e?;
        let m = e.metadata()?;
        n += if m.is_dir() {
            walkdir_size(&e.path())?
        } else {
            m.len()
        };
    }
    Ok(n)
}

/// Peak resident set size of this process in MB (Linux `VmHWM`), 0 elsewhere.
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The benchmark queries (`data/bench/queries.txt`).
pub fn queries() -> Vec<String> {
    include_str!("../../../data/bench/queries.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

/// Ingest `zips` into a fresh store at `db`, then time every benchmark
/// query (each run once warm-up, then timed).
pub fn corpus(
    zips: &[std::path::PathBuf],
    db: &std::path::Path,
    rec: &Recognizer,
) -> anyhow::Result<CorpusReport> {
    if db.exists() {
        std::fs::remove_dir_all(db)?;
    }
    let mut store = marsad_store::Store::open(db)?;
    let paths: Vec<String> = zips.iter().map(|p| p.display().to_string()).collect();
    let opts = crate::ingest::Options {
        progress: crate::ingest::Progress::Lines,
        ..Default::default()
    };
    let ingest = crate::ingest::ingest(&mut store, db, &paths, rec, &opts)?;
    // Closing folds the write-ahead log into the database file.
    drop(store);
    let store_bytes = std::fs::metadata(db.join("marsad.db"))
        .map(|m| m.len())
        .unwrap_or(0)
        + std::fs::metadata(db.join("marsad.db-wal")).map_or(0, |m| m.len());
    let index = crate::search::Index::open(db)?;
    let index_bytes = dir_bytes(&crate::search::index_dir(db));
    let qs = queries();
    let mut times = Vec::with_capacity(qs.len());
    let mut first = Vec::with_capacity(qs.len());
    for q in &qs {
        let query = marsad_search::Query::text(q);
        let t = Instant::now();
        index.inner().search(&query)?;
        first.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        index.inner().search(&query)?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    first.sort_by(f64::total_cmp);
    let pct_of = |times: &[f64], p: f64| -> f64 {
        if times.is_empty() {
            return 0.0;
        }
        times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1]
    };
    let pct = |p: f64| pct_of(&times, p);
    Ok(CorpusReport {
        zips: zips.len(),
        threads: rayon::current_num_threads(),
        ingest,
        store_bytes,
        index_bytes,
        queries: times.len(),
        search_p50_ms: pct(0.5),
        search_p95_ms: pct(0.95),
        search_max_ms: times.last().copied().unwrap_or(0.0),
        first_p50_ms: pct_of(&first, 0.5),
        first_p95_ms: pct_of(&first, 0.95),
        peak_rss_mb: peak_rss_mb(),
    })
}

impl CorpusReport {
    pub fn render(&self) -> String {
        let i = &self.ingest;
        format!(
            "corpus benchmark: {} zips, {} articles, {:.1} MB of text ({:.1} MB zipped), {} threads\n\
             ingest          {:>8.1} s   {:>7.0} articles/s   {:>6.2} MB/s   ({:.0} articles/s per core)\n\
             \x20 analysed {} (added {}), failed {}, wire copies {}, stories {} (placing {:.2} s)\n\
             store           {:>8.1} MB  ({:.1} KB per article)\n\
             search index    {:>8.1} MB  ({:.1} KB per article)\n\
             search          {} queries: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms (first run: p50 {:.2} ms, p95 {:.2} ms)\n\
             peak RSS        {:>8.0} MB\n",
            self.zips,
            i.inputs,
            i.text_bytes as f64 / 1e6,
            i.bytes as f64 / 1e6,
            self.threads,
            i.seconds,
            i.inputs as f64 / i.seconds.max(1e-9),
            i.text_bytes as f64 / 1e6 / i.seconds.max(1e-9),
            i.inputs as f64 / i.seconds.max(1e-9) / self.threads.max(1) as f64,
            i.analysed,
            i.stored.added,
            i.failed,
            i.place.duplicates,
            i.place.new_stories,
            i.place.seconds,
            self.store_bytes as f64 / 1e6,
            self.store_bytes as f64 / 1e3 / i.inputs.max(1) as f64,
            self.index_bytes as f64 / 1e6,
            self.index_bytes as f64 / 1e3 / i.inputs.max(1) as f64,
            self.queries,
            self.search_p50_ms,
            self.search_p95_ms,
            self.search_max_ms,
            self.first_p50_ms,
            self.first_p95_ms,
            self.peak_rss_mb,
        )
    }
}
