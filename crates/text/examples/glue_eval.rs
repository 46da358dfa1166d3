//! Measure glued-word repair on clean article text (tuning helper).
//!
//! Input: a file of article texts separated by U+001E (record separator), e.g.
//! dumped from SaudiNewsNet zips with a few lines of Python (`content` field).
//!
//!     cargo run --release -p marsad-text --example glue_eval -- TEXTS [rate] [seed] [key=value ...] [errors=N]
//!
//! Keys: the fields of `glue::Params` (known_cb … margin, corpus_bonus,
//! context_bonus, …) and `batch=N` (documents per batch of corpus evidence,
//! 0 = none). `errors=N` prints N sample errors and N splits of the clean text.
use std::time::Instant;

use marsad_text::glue::{eval, Params};
use marsad_text::{normalize, Lexicon};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .expect("usage: glue_eval TEXTS [rate] [seed] [key=value ...]");
    let rate: f64 = args.get(1).map_or(0.05, |s| s.parse().unwrap());
    let seed: u64 = args.get(2).map_or(42, |s| s.parse().unwrap());
    let mut prm = Params::default();
    let mut show = 0usize;
    let mut batch = eval::BATCH;
    for kv in args.iter().skip(3) {
        let (k, v) = kv.split_once('=').expect("key=value");
        match k {
            "known_cb" => prm.known_cb = v.parse().unwrap(),
            "unknown_base" => prm.unknown_base = v.parse().unwrap(),
            "unknown_per_letter" => prm.unknown_per_letter = v.parse().unwrap(),
            "split_penalty" => prm.split_penalty = v.parse().unwrap(),
            "clitic_penalty" => prm.clitic_penalty = v.parse().unwrap(),
            "part_max_cb" => prm.part_max_cb = v.parse().unwrap(),
            "min_part" => prm.min_part = v.parse().unwrap(),
            "three_parts" => prm.three_parts = v.parse().unwrap(),
            "morph_penalty" => prm.morph_penalty = v.parse().unwrap(),
            "suffix_penalty" => prm.suffix_penalty = v.parse().unwrap(),
            "morph_parts" => prm.morph_parts = v.parse().unwrap(),
            "morph_part_penalty" => prm.morph_part_penalty = v.parse().unwrap(),
            "margin" => prm.margin = v.parse().unwrap(),
            "spaced_bonus" => prm.spaced_bonus = v.parse().unwrap(),
            "repeat_penalty" => prm.repeat_penalty = v.parse().unwrap(),
            "errors" => show = v.parse().unwrap(),
            "batch" => batch = v.parse().unwrap(),
            "corpus_bonus" => prm.corpus_bonus = v.parse().unwrap(),
            "context_bonus" => prm.context_bonus = v.parse().unwrap(),
            "part_in_doc_bonus" => prm.part_in_doc_bonus = v.parse().unwrap(),
            "corpus_min_whole" => prm.corpus_min_whole = v.parse().unwrap(),
            "function_bonus" => prm.function_bonus = v.parse().unwrap(),
            "final_bonus" => prm.final_bonus = v.parse().unwrap(),
            "corpus_penalty" => prm.corpus_penalty = v.parse().unwrap(),
            _ => panic!("unknown key {k}"),
        }
    }
    let raw = std::fs::read_to_string(path).unwrap();
    let texts: Vec<String> = raw
        .split('\u{1e}')
        .filter(|t| !t.trim().is_empty())
        .map(|t| normalize::clean(t).into_text())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let t0 = Instant::now();
    let lex = Lexicon::builtin();
    eprintln!(
        "lexicon: {} words, loaded in {:.2?}",
        lex.len(),
        t0.elapsed()
    );

    // Throughput of repair alone on the clean text.
    let t1 = Instant::now();
    let mut clean_inserted = 0usize;
    let mut clean_samples = Vec::new();
    for t in &texts {
        let (o, r) =
            marsad_text::glue::repair_with(&marsad_text::MappedText::identity(t), lex, &prm);
        clean_inserted += r.iter().map(|r| r.spaces_at.len()).sum::<usize>();
        if show > 0 {
            for r in &r {
                let at = r.spaces_at[0];
                let lo = (at.saturating_sub(24)..=at)
                    .find(|&i| o.text().is_char_boundary(i))
                    .unwrap();
                let hi = (at..=(at + 24).min(o.text().len()))
                    .rev()
                    .find(|&i| o.text().is_char_boundary(i))
                    .unwrap();
                clean_samples
                    .push(format!("{} => {}", r.word, &o.text()[lo..hi]).replace('\n', "⏎"));
            }
        }
    }
    let secs = t1.elapsed().as_secs_f64();

    let t2 = Instant::now();
    let s = eval::evaluate_with(
        texts.iter().map(String::as_str),
        rate,
        seed,
        lex,
        &prm,
        batch,
    );
    let secs2 = t2.elapsed().as_secs_f64();
    if show > 0 {
        for (pre, w) in s.examples.iter().take(show) {
            println!("{} {w}", if *pre { "PRE" } else { "NEW" });
        }
        for c in clean_samples.iter().take(show) {
            println!("CLEAN {c}");
        }
    }
    println!("{prm:?} batch {batch}");
    println!(
        "texts {} ({:.1} MB) rate {rate} seed {seed}: deleted {} inserted {} correct {} pre {} \
         P {:.4} Pnew {:.4} R {:.4} F1 {:.4}",
        texts.len(),
        bytes as f64 / 1e6,
        s.deleted,
        s.inserted,
        s.correct,
        s.preexisting,
        s.precision,
        s.precision_introduced,
        s.recall,
        s.f1
    );
    println!(
        "repair on clean text: {clean_inserted} spaces inserted, {secs:.2} s = {:.1} MB/s; \
         corrupt+repair+score {secs2:.2} s",
        bytes as f64 / 1e6 / secs
    );
}
