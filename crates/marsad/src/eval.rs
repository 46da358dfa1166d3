//! Evaluations on real corpora.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use crate::bench::zips;

/// Glued-word repair on SaudiNewsNet: delete random spaces between Arabic
/// words of cleaned article text, repair, score the re-inserted spaces.
/// `prefix` selects zips by file name (`2015-07-` = tuning set, `2015-08-` =
/// held out).
pub fn glue(dir: &Path, prefix: &str, rate: f64, seed: u64) -> Result<String> {
    let files = zips(dir, prefix, usize::MAX)?;
    let mut texts = Vec::new();
    for f in &files {
        for d in marsad_ingest::saudinewsnet_zip(f)? {
            texts.push(marsad_text::normalize::clean(&d.text).into_text());
        }
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let t = Instant::now();
    let s = marsad_text::glue::evaluate(texts.iter().map(String::as_str), rate, seed);
    let secs = t.elapsed().as_secs_f64();
    let sample = |pre: bool| -> String {
        s.examples
            .iter()
            .filter(|(p, _)| *p == pre)
            .take(30)
            .map(|(_, w)| w.as_str())
            .collect::<Vec<_>>()
            .join("  ")
    };
    Ok(format!(
        "glue repair on {} zips ({}), {} articles, {:.1} MB, deletion rate {rate}, seed {seed}\n\
         deleted spaces:   {}\n\
         inserted spaces:  {}\n\
         correct:          {}\n\
         precision:        {:.4}   (every insertion not at a deleted space counts as wrong)\n\
         of the wrong ones, {} are where repair also splits the untouched text\n\
         (words glued in the corpus itself, or split wrongly either way)\n\
         precision on the introduced glue only: {:.4}\n\
         recall:           {:.4}\n\
         F1:               {:.4}\n\
         time:             {secs:.1} s (1 thread, incl. deletion, two repair passes, scoring)\n\
         sample wrong insertions, also split in the untouched text:\n  {}\n\
         sample wrong insertions, introduced by the repair of the test glue:\n  {}\n",
        files.len(),
        if prefix.is_empty() { "all" } else { prefix },
        texts.len(),
        bytes as f64 / 1e6,
        s.deleted,
        s.inserted,
        s.correct,
        s.precision,
        s.preexisting,
        s.precision_introduced,
        s.recall,
        s.f1,
        sample(true),
        sample(false),
    ))
}
