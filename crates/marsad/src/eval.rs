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
    Ok(format!(
        "glue repair on {} zips ({}), {} articles, {:.1} MB, deletion rate {rate}, seed {seed}\n\
         deleted spaces:   {}\n\
         inserted spaces:  {}\n\
         correct:          {}\n\
         precision:        {:.4}\n\
         recall:           {:.4}\n\
         F1:               {:.4}\n\
         time:             {secs:.1} s (1 thread, incl. deletion and scoring)\n",
        files.len(),
        if prefix.is_empty() { "all" } else { prefix },
        texts.len(),
        bytes as f64 / 1e6,
        s.deleted,
        s.inserted,
        s.correct,
        s.precision,
        s.recall,
        s.f1,
    ))
}
