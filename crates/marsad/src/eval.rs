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

/// Gold (document, entity id) pairs from a TSV file (`doc<TAB>entity`,
/// header `doc<TAB>entity`, `#` comments). Errors name file and line.
pub fn read_entity_gold(path: &Path) -> Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| crate::error::user(format!("{}: {e}", path.display())))?;
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        if l.trim().is_empty() || l.starts_with('#') || l == "doc\tentity" {
            continue;
        }
        match l.split_once('\t') {
            Some((d, e)) if !d.is_empty() && !e.is_empty() && !e.contains('\t') => {
                out.push((d.to_string(), e.to_string()))
            }
            _ => {
                return Err(crate::error::user(format!(
                    "{}:{}: expected `doc<TAB>entity`",
                    path.display(),
                    i + 1
                )))
            }
        }
    }
    Ok(out)
}

/// Entity recognition + linking against gold (document, id) pairs:
/// precision/recall/F1 overall and per id prefix, and every miss and false hit.
pub fn entities(gold: &[(String, String)], analyses: &[crate::analyze::Analysis]) -> String {
    use std::collections::BTreeSet;
    use std::fmt::Write as _;
    let docs: BTreeSet<&str> = gold.iter().map(|(d, _)| d.as_str()).collect();
    let g: BTreeSet<(&str, &str)> = gold.iter().map(|(d, e)| (d.as_str(), e.as_str())).collect();
    let mut p: BTreeSet<(&str, &str)> = BTreeSet::new();
    for a in analyses {
        if docs.contains(a.doc.id.as_str()) {
            for e in &a.doc.entities {
                p.insert((a.doc.id.as_str(), e.id.as_str()));
            }
        }
    }
    let kind = |id: &str| -> String {
        let pre = id.split(':').next().unwrap_or("");
        if pre == "new" {
            format!("new:{}", id.split(':').nth(1).unwrap_or(""))
        } else {
            pre.to_string()
        }
    };
    let mut kinds: BTreeSet<String> = g.iter().chain(&p).map(|(_, e)| kind(e)).collect();
    kinds.insert("all".into());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "entity linking, {} documents: (document, entity id) pairs\n  {:<18} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
        docs.len(),
        "kind",
        "P",
        "R",
        "F1",
        "tp",
        "pred",
        "gold"
    );
    for k in &kinds {
        let sel = |s: &BTreeSet<(&str, &str)>| -> BTreeSet<(String, String)> {
            s.iter()
                .filter(|(_, e)| k == "all" || kind(e) == *k)
                .map(|(d, e)| (d.to_string(), e.to_string()))
                .collect()
        };
        let (gs, ps) = (sel(&g), sel(&p));
        let tp = gs.intersection(&ps).count();
        let (pr, rc, f) = marsad_recognize::tagger::Scores::prf(tp, ps.len(), gs.len());
        let _ = writeln!(
            out,
            "  {:<18} {:>6.3} {:>6.3} {:>6.3} {:>6} {:>6} {:>6}",
            k,
            pr,
            rc,
            f,
            tp,
            ps.len(),
            gs.len()
        );
    }
    let _ = writeln!(out, "missed (in gold, not found):");
    for (d, e) in g.difference(&p) {
        let _ = writeln!(out, "  {d}\t{e}");
    }
    let _ = writeln!(out, "false (found, not in gold):");
    for (d, e) in p.difference(&g) {
        let _ = writeln!(out, "  {d}\t{e}");
    }
    out
}
