//! Evaluations on real corpora.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use crate::bench::zips;

/// Glued-word repair on SaudiNewsNet: delete random spaces between Arabic
/// words of cleaned article text, repair, score the re-inserted spaces.
/// `prefix` selects zips by file name (`2015-07-` = tuning set, `2015-08-` =
/// held out). `gold`: labelled splits of the untouched text (see
/// [`read_split_gold`]), used to estimate how many of the "wrong" insertions
/// that repair also makes in the untouched text are real glue in the corpus.
/// `sample`: write that many of the untouched-text splits, with context, to a
/// file for labelling.
pub fn glue(
    dir: &Path,
    prefix: &str,
    rate: f64,
    seed: u64,
    gold: Option<&Path>,
    sample: Option<(usize, &Path)>,
) -> Result<String> {
    let files = zips(dir, prefix, usize::MAX)?;
    let mut texts = Vec::new();
    let mut ids = Vec::new();
    for f in &files {
        for d in marsad_ingest::saudinewsnet_zip(f)? {
            texts.push(marsad_text::normalize::clean(&d.text).into_text());
            ids.push(d.id);
        }
    }
    let gold = match gold {
        Some(p) if p.exists() => Some(read_split_gold(p)?),
        _ => None,
    };
    let bytes: usize = texts.iter().map(String::len).sum();
    let t = Instant::now();
    let s = marsad_text::glue::evaluate(texts.iter().map(String::as_str), rate, seed);
    let secs = t.elapsed().as_secs_f64();
    let sample_errors = |pre: bool| -> String {
        s.examples
            .iter()
            .filter(|(p, _)| *p == pre)
            .take(30)
            .map(|(_, w)| w.as_str())
            .collect::<Vec<_>>()
            .join("  ")
    };
    if let Some((n, out)) = sample {
        write_split_sample(out, n, seed, &s.untouched_splits, &texts, &ids)?;
    }
    let mut report = format!(
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
         splits in the untouched text: {} ({:.1} per MB)\n",
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
        s.untouched_splits.len(),
        s.untouched_splits.len() as f64 / (bytes as f64 / 1e6),
    );
    if let Some(gold) = &gold {
        let made: std::collections::HashSet<(&str, usize)> = s
            .untouched_splits
            .iter()
            .map(|&(i, at)| (ids[i].as_str(), at))
            .collect();
        let id_set: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
        let in_set: Vec<&SplitLabel> = gold
            .iter()
            .filter(|g| id_set.contains(g.id.as_str()))
            .collect();
        let still: Vec<&&SplitLabel> = in_set
            .iter()
            .filter(|g| made.contains(&(g.id.as_str(), g.offset)))
            .collect();
        let right = still.iter().filter(|g| g.right).count();
        if still.is_empty() {
            report += &format!(
                "labelled untouched-text splits: {} in this set, none still made\n",
                in_set.len()
            );
        } else {
            let f = right as f64 / still.len() as f64;
            // Normal approximation of the binomial interval of f.
            let half = 1.96 * (f * (1.0 - f) / still.len() as f64).sqrt();
            let est =
                |f: f64| (s.correct as f64 + f * s.preexisting as f64) / s.inserted.max(1) as f64;
            report += &format!(
                "labelled untouched-text splits: {} in this set, {} still made, {} of them real glue \
                 in the corpus ({:.1}% ± {:.1})\n\
                 estimated precision, counting real corpus glue as right: {:.4} ({:.4}–{:.4})\n",
                in_set.len(),
                still.len(),
                right,
                100.0 * f,
                100.0 * half,
                est(f),
                est((f - half).max(0.0)),
                est((f + half).min(1.0)),
            );
        }
    }
    report += &format!(
        "time:             {secs:.1} s (1 thread, incl. deletion, batch counts, two repair passes, scoring)\n\
         sample wrong insertions, also split in the untouched text:\n  {}\n\
         sample wrong insertions, introduced by the repair of the test glue:\n  {}\n",
        sample_errors(true),
        sample_errors(false),
    );
    Ok(report)
}

/// One labelled split of untouched corpus text: article id, byte offset in
/// its cleaned text of the char after the inserted space, and whether the
/// split is right (two words glued in the corpus itself).
#[derive(Debug, Clone, PartialEq)]
pub struct SplitLabel {
    pub id: String,
    pub offset: usize,
    pub right: bool,
}

/// Read `id<TAB>offset<TAB>label` lines (label `1` = real glue, `0` = wrong
/// split, `?` = unsure, skipped); `#` comments and a header line `id...`.
/// Errors name file and line.
pub fn read_split_gold(path: &Path) -> Result<Vec<SplitLabel>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| crate::error::user(format!("{}: {e}", path.display())))?;
    parse_split_gold(&path.display().to_string(), &text)
}

fn parse_split_gold(name: &str, text: &str) -> Result<Vec<SplitLabel>> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with("id\toffset\t") {
            continue;
        }
        let bad = |what: &str| crate::error::user(format!("{name}:{}: {what}", n + 1));
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 {
            return Err(bad("expected id<TAB>offset<TAB>label"));
        }
        let offset = f[1]
            .parse()
            .map_err(|_| bad(&format!("offset {:?} is not a number", f[1])))?;
        let right = match f[2] {
            "1" => true,
            "0" => false,
            "?" => continue,
            other => return Err(bad(&format!("label {other:?}: expected 1, 0 or ?"))),
        };
        out.push(SplitLabel {
            id: f[0].to_string(),
            offset,
            right,
        });
    }
    Ok(out)
}

/// Write `n` untouched-text splits chosen at random (seeded) as
/// `id<TAB>offset<TAB>label<TAB>context` with an empty label column.
fn write_split_sample(
    out: &Path,
    n: usize,
    seed: u64,
    splits: &[(usize, usize)],
    texts: &[String],
    ids: &[String],
) -> Result<()> {
    use std::io::Write;
    let mut rng = marsad_text::glue::eval::SplitMix64(seed ^ 0x5eed_5a11);
    let mut picked: Vec<usize> = (0..splits.len()).collect();
    // Partial Fisher–Yates.
    let k = n.min(picked.len());
    for i in 0..k {
        let j = i + (rng.next_u64() % (picked.len() - i) as u64) as usize;
        picked.swap(i, j);
    }
    picked.truncate(k);
    picked.sort_unstable();
    let mut w = std::io::BufWriter::new(
        std::fs::File::create(out)
            .map_err(|e| crate::error::user(format!("{}: {e}", out.display())))?,
    );
    writeln!(w, "id\toffset\tlabel\tcontext")?;
    for i in picked {
        let (t, at) = splits[i];
        let text = &texts[t];
        let lo = text[..at]
            .char_indices()
            .rev()
            .nth(40)
            .map_or(0, |(i, _)| i);
        let hi = text[at..]
            .char_indices()
            .nth(40)
            .map_or(text.len(), |(i, _)| at + i);
        let ctx = format!("{}|{}", &text[lo..at], &text[at..hi]).replace(['\n', '\t'], " ");
        writeln!(w, "{}\t{at}\t\t{ctx}", ids[t])?;
    }
    w.flush()?;
    Ok(())
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

/// One document's gold annotations (`eval/gold/events/*.json`).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Gold {
    pub doc: String,
    pub published: Option<String>,
    #[serde(default)]
    pub entities: Option<Vec<String>>,
    #[serde(default)]
    pub events: Vec<GoldEvent>,
    #[serde(default)]
    pub quotes: Vec<GoldQuote>,
    #[serde(default)]
    pub quantities: Vec<GoldQuantity>,
    #[serde(default)]
    pub dates: Vec<GoldDate>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct GoldEvent {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub actor: Vec<String>,
    #[serde(default)]
    pub recipient: Vec<String>,
    /// `asserted`, `negated`, `demanded`, … (when the gold says).
    #[serde(default)]
    pub modality: Option<String>,
    /// Words of the article that report the event (training articles).
    #[serde(default)]
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct GoldQuote {
    pub speaker: Option<String>,
    #[serde(default)]
    pub direct: Option<bool>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct GoldQuantity {
    pub value: f64,
    pub kind: Option<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct GoldDate {
    pub value: Option<String>,
}

/// Read gold files: a JSON file, or every `*.json` of a directory. Errors
/// name the file (and line and column for JSON syntax).
pub fn read_gold(paths: &[std::path::PathBuf]) -> Result<Vec<Gold>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut v: Vec<_> = std::fs::read_dir(p)
                .map_err(|e| crate::error::user(format!("{}: {e}", p.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|x| x.extension().is_some_and(|e| e == "json"))
                .collect();
            v.sort();
            files.extend(v);
        } else {
            files.push(p.clone());
        }
    }
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f)
            .map_err(|e| crate::error::user(format!("{}: {e}", f.display())))?;
        let g: Gold = serde_json::from_str(&text).map_err(|e| {
            crate::error::user(format!(
                "{}:{}: {} (column {})",
                f.display(),
                e.line(),
                e,
                e.column()
            ))
        })?;
        out.push(g);
    }
    Ok(out)
}

/// Multiset P/R/F1 of keys, with the unmatched keys of both sides.
fn score<K: Ord + Clone>(gold: &[K], pred: &[K]) -> (usize, usize, usize, Vec<K>, Vec<K>) {
    let mut g = gold.to_vec();
    g.sort();
    let mut missed = Vec::new();
    let mut false_hits = Vec::new();
    let mut p = pred.to_vec();
    p.sort();
    let mut tp = 0;
    let mut rest = g.clone();
    for k in &p {
        if let Some(i) = rest.iter().position(|x| x == k) {
            rest.remove(i);
            tp += 1;
        } else {
            false_hits.push(k.clone());
        }
    }
    missed.extend(rest);
    (tp, p.len(), g.len(), missed, false_hits)
}

/// Score analyses against gold: entities (when annotated), events (type +
/// actor set + recipient set, and type + actor set), quote speakers,
/// quantities (value + kind) and dates (value), per document and summed.
/// Events, quantities and dates are compared as sets per document (the gold
/// lists a repeated value once), quote speakers as multisets.
pub fn extraction(gold: &[Gold], analyses: &[crate::analyze::Analysis], report: bool) -> String {
    use std::fmt::Write as _;
    let mut rows: Vec<(&str, [usize; 3])> = Vec::new();
    let mut add = |name: &'static str, tp: usize, pr: usize, go: usize| match rows
        .iter_mut()
        .find(|r| r.0 == name)
    {
        Some(r) => {
            r.1[0] += tp;
            r.1[1] += pr;
            r.1[2] += go;
        }
        None => rows.push((name, [tp, pr, go])),
    };
    let mut details = String::new();
    let mut missing_docs = Vec::new();
    for g in gold {
        let Some(a) = analyses.iter().find(|a| a.doc.id == g.doc) else {
            missing_docs.push(g.doc.clone());
            continue;
        };
        let d = &a.doc;
        let sorted = |v: &[String]| -> Vec<String> {
            let mut x = v.to_vec();
            x.sort();
            x.dedup();
            x
        };
        let mut lines: Vec<String> = Vec::new();
        if let Some(ge) = &g.entities {
            let pe: Vec<String> = d.entities.iter().map(|e| e.id.clone()).collect();
            let (tp, pr, go, mi, fa) = score(&sorted(ge), &sorted(&pe));
            add("entities", tp, pr, go);
            lines.extend(mi.iter().map(|x| format!("    missed entity {x}")));
            lines.extend(fa.iter().map(|x| format!("    false  entity {x}")));
        }
        let ev_key =
            |k: &str, a: &[String], r: &[String]| format!("{k} {:?} > {:?}", sorted(a), sorted(r));
        let gk: Vec<String> = g
            .events
            .iter()
            .map(|e| ev_key(&e.kind, &e.actor, &e.recipient))
            .collect();
        let mut pk: Vec<String> = d
            .events
            .iter()
            .map(|e| ev_key(&e.kind, &e.actor, &e.recipient))
            .collect();
        pk.sort();
        pk.dedup();
        let (tp, pr, go, mi, fa) = score(&gk, &pk);
        add("events (type+actor+recipient)", tp, pr, go);
        lines.extend(mi.iter().map(|x| format!("    missed event {x}")));
        lines.extend(fa.iter().map(|x| format!("    false  event {x}")));
        let ga: Vec<String> = g
            .events
            .iter()
            .map(|e| format!("{} {:?}", e.kind, sorted(&e.actor)))
            .collect();
        let mut pa: Vec<String> = d
            .events
            .iter()
            .map(|e| format!("{} {:?}", e.kind, sorted(&e.actor)))
            .collect();
        pa.sort();
        pa.dedup();
        let (tp, pr, go, _, _) = score(&ga, &pa);
        add("events (type+actor)", tp, pr, go);
        // Modality, where the gold gives it for every event of the document.
        if !g.events.is_empty() && g.events.iter().all(|e| e.modality.is_some()) {
            let key = |k: &str, a: &[String], m: &str| format!("{k} {:?} {m}", sorted(a));
            let gm: Vec<String> = g
                .events
                .iter()
                .map(|e| {
                    // (The gold says `planned` for marsad's `future`.)
                    let m = match e.modality.as_deref().unwrap_or("") {
                        "planned" => "future",
                        m => m,
                    };
                    key(&e.kind, &e.actor, m)
                })
                .collect();
            let mut pm: Vec<String> = d
                .events
                .iter()
                .map(|e| {
                    let m = serde_json::to_value(e.modality)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    key(&e.kind, &e.actor, &m)
                })
                .collect();
            pm.sort();
            pm.dedup();
            let (tp, pr, go, _, _) = score(&gm, &pm);
            add("events (type+actor+modality)", tp, pr, go);
        }
        let gq: Vec<String> = g
            .quotes
            .iter()
            .map(|q| format!("{:?}", q.speaker))
            .collect();
        let pq: Vec<String> = d
            .quotes
            .iter()
            .map(|q| format!("{:?}", q.speaker))
            .collect();
        let (tp, pr, go, mi, fa) = score(&gq, &pq);
        add("quote speakers", tp, pr, go);
        lines.extend(mi.iter().map(|x| format!("    missed quote by {x}")));
        lines.extend(fa.iter().map(|x| format!("    false  quote by {x}")));
        let qkey = |v: f64, k: &Option<String>| format!("{v} {}", k.as_deref().unwrap_or("-"));
        let gn: Vec<String> = g
            .quantities
            .iter()
            .map(|q| qkey(q.value, &q.kind))
            .collect();
        let pn: Vec<String> = d
            .quantities
            .iter()
            .map(|q| qkey(q.value, &q.kind))
            .collect();
        let (tp, pr, go, mi, fa) = score(&sorted(&gn), &sorted(&pn));
        add("quantities (value+kind)", tp, pr, go);
        lines.extend(mi.iter().map(|x| format!("    missed number {x}")));
        lines.extend(fa.iter().map(|x| format!("    false  number {x}")));
        let gv: Vec<String> = g.quantities.iter().map(|q| q.value.to_string()).collect();
        let pv: Vec<String> = d.quantities.iter().map(|q| q.value.to_string()).collect();
        let (tp, pr, go, _, _) = score(&sorted(&gv), &sorted(&pv));
        add("quantities (value)", tp, pr, go);
        let gd: Vec<String> = g.dates.iter().map(|x| format!("{:?}", x.value)).collect();
        let pd: Vec<String> = d.dates.iter().map(|x| format!("{:?}", x.value)).collect();
        let (tp, pr, go, mi, fa) = score(&sorted(&gd), &sorted(&pd));
        add("dates (value)", tp, pr, go);
        lines.extend(mi.iter().map(|x| format!("    missed date {x}")));
        lines.extend(fa.iter().map(|x| format!("    false  date {x}")));
        if report && !lines.is_empty() {
            let _ = writeln!(details, "  {}:", g.doc);
            for l in lines {
                let _ = writeln!(details, "{l}");
            }
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "extraction vs gold, {} documents\n  {:<30} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
        gold.len() - missing_docs.len(),
        "category",
        "P",
        "R",
        "F1",
        "tp",
        "pred",
        "gold"
    );
    for (name, [tp, pr, go]) in &rows {
        let (p, r, f) = marsad_recognize::tagger::Scores::prf(*tp, *pr, *go);
        let _ = writeln!(
            out,
            "  {name:<30} {p:>6.3} {r:>6.3} {f:>6.3} {tp:>6} {pr:>6} {go:>6}"
        );
    }
    if !missing_docs.is_empty() {
        let _ = writeln!(
            out,
            "  not analysed (input absent): {}",
            missing_docs.join(", ")
        );
    }
    if report {
        out.push_str(&details);
    }
    out
}

/// One annotated pair of articles: same story or not.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryPair {
    pub a: String,
    pub b: String,
    pub same: bool,
    /// How the pair was drawn (free text, e.g. `A`/`B`), for breakdowns.
    pub sample: String,
}

/// Read `id1<TAB>id2<TAB>0|1<TAB>sample[<TAB>note]` rows (`#` comments and
/// blank lines skipped); errors name `file:line`.
pub fn read_story_pairs(path: &Path) -> Result<Vec<StoryPair>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| crate::error::user(format!("{}: {e}", path.display())))?;
    parse_story_pairs(&path.display().to_string(), &text)
}

pub fn parse_story_pairs(file: &str, text: &str) -> Result<Vec<StoryPair>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let bad = |why: &str| crate::error::user(format!("{file}:{}: {why}", i + 1));
        if f.len() < 4 {
            return Err(bad(
                "expected id1, id2, label (0 or 1) and sample, tab-separated",
            ));
        }
        let same = match f[2].trim() {
            "1" => true,
            "0" => false,
            other => return Err(bad(&format!("label {other:?}: expected 0 or 1"))),
        };
        if f[0].trim().is_empty() || f[1].trim().is_empty() || f[0] == f[1] {
            return Err(bad("two different, non-empty ids expected"));
        }
        out.push(StoryPair {
            a: f[0].trim().to_string(),
            b: f[1].trim().to_string(),
            same,
            sample: f[3].trim().to_string(),
        });
    }
    Ok(out)
}

/// Pairwise story scores of `store`'s clustering on annotated pairs whose
/// earlier article's date starts with `prefix` (`""` = all): precision =
/// share of the pairs put in one story that are the same story; recall =
/// share of the same-story pairs put in one story. Pairs with an article the
/// store lacks are counted and left out.
pub fn stories(pairs: &[StoryPair], store: &marsad_store::Store, prefix: &str) -> Result<String> {
    use std::collections::BTreeMap;
    use std::fmt::Write as _;
    // (sample or "all") → [tp, predicted together, gold same, pairs]
    let mut by: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    let mut missing = 0;
    let mut errors: Vec<String> = Vec::new();
    for p in pairs {
        let (Some((da, sa)), Some((db, sb))) = (store.placement(&p.a)?, store.placement(&p.b)?)
        else {
            missing += 1;
            continue;
        };
        let first = match (da, db) {
            (Some(x), Some(y)) => x.min(y),
            (x, y) => x.or(y).unwrap_or_default(),
        };
        if !first.starts_with(prefix) {
            continue;
        }
        let together = sa.is_some() && sa == sb;
        for key in [p.sample.clone(), "all".to_string()] {
            let e = by.entry(key).or_default();
            e[0] += usize::from(together && p.same);
            e[1] += usize::from(together);
            e[2] += usize::from(p.same);
            e[3] += 1;
        }
        if together != p.same && errors.len() < 12 {
            errors.push(format!(
                "  {} {} | {}",
                if p.same {
                    "split (same story, different stories):"
                } else {
                    "merged (different stories, one story):"
                },
                p.a,
                p.b
            ));
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "stories, pairwise on annotated pairs{}:\n  {:<8} {:>6} {:>6} {:>6} {:>5} {:>9} {:>6} {:>6}",
        if prefix.is_empty() { String::new() } else { format!(" (first article {prefix}*)") },
        "sample", "P", "R", "F1", "tp", "together", "same", "pairs"
    );
    for (k, [tp, pred, gold, n]) in &by {
        let p = if *pred > 0 {
            *tp as f64 / *pred as f64
        } else {
            0.0
        };
        let r = if *gold > 0 {
            *tp as f64 / *gold as f64
        } else {
            0.0
        };
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        let _ = writeln!(
            out,
            "  {k:<8} {p:>6.3} {r:>6.3} {f:>6.3} {tp:>5} {pred:>9} {gold:>6} {n:>6}"
        );
    }
    if missing > 0 {
        let _ = writeln!(
            out,
            "  {missing} pair(s) left out: an article is not in the store"
        );
    }
    if !errors.is_empty() {
        let _ = writeln!(out, "first disagreements:");
        for e in errors {
            let _ = writeln!(out, "{e}");
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn story_pair_rows() {
        let ok = "# comment\n\na\tb\t1\tA\tsame decree\nc\td\t0\tB\n";
        let p = parse_story_pairs("g.tsv", ok).unwrap();
        assert_eq!(p.len(), 2);
        assert!(p[0].same && !p[1].same);
        assert_eq!(p[1].sample, "B");
        for (bad, want) in [
            ("a\tb\t1\n", "g.tsv:1: expected id1"),
            ("x\ty\t0\tA\na\tb\tyes\tA\n", "g.tsv:2: label \"yes\""),
            ("a\ta\t1\tA\n", "g.tsv:1: two different"),
        ] {
            let e = parse_story_pairs("g.tsv", bad).unwrap_err().to_string();
            assert!(e.contains(want), "{bad:?}: {e}");
        }
    }

    #[test]
    fn split_gold_rows() {
        let ok = "# c\nid\toffset\tlabel\nu1\t12\t1\nu2\t7\t?\nu3\t0\t0\n";
        let g = parse_split_gold("s.tsv", ok).unwrap();
        assert_eq!(
            g,
            vec![
                SplitLabel {
                    id: "u1".into(),
                    offset: 12,
                    right: true
                },
                SplitLabel {
                    id: "u3".into(),
                    offset: 0,
                    right: false
                },
            ]
        );
        for (bad, want) in [
            ("u1\t12\n", "s.tsv:1: expected id"),
            ("u1\t1\t1\nu1\tx\t1\n", "s.tsv:2: offset \"x\""),
            ("u1\t1\tyes\n", "s.tsv:1: label \"yes\""),
        ] {
            let e = parse_split_gold("s.tsv", bad).unwrap_err().to_string();
            assert!(e.contains(want), "{bad:?}: {e}");
        }
    }

    #[test]
    fn pairwise_story_scores() {
        let dir = std::env::temp_dir().join(format!("marsad-eval-stories-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut store = marsad_store::Store::open(&dir).unwrap();
        let doc = |id: &str, day: &str| marsad_doc::Document {
            schema: marsad_doc::SCHEMA.into(),
            id: id.into(),
            published: Some(day.into()),
            title: None,
            source: Default::default(),
            text: format!("نص {id}"),
            sentences: Vec::new(),
            entities: Vec::new(),
            events: Vec::new(),
            quotes: Vec::new(),
            quantities: Vec::new(),
            dates: Vec::new(),
            genre: None,
        };
        store
            .put(&[
                doc("a", "2015-07-21"),
                doc("b", "2015-07-22"),
                doc("c", "2015-08-01"),
                doc("d", "2015-08-02"),
            ])
            .unwrap();
        let a = marsad_store::Assignment {
            stories: vec![
                ("a".into(), 1),
                ("b".into(), 1),
                ("c".into(), 2),
                ("d".into(), 2),
            ],
            ..Default::default()
        };
        store.assign(&a, &[]).unwrap();
        let pair = |a: &str, b: &str, same: bool| StoryPair {
            a: a.into(),
            b: b.into(),
            same,
            sample: "A".into(),
        };
        let pairs = [
            pair("a", "b", true),  // together, same: tp
            pair("a", "c", true),  // split
            pair("c", "d", false), // merged
            pair("a", "zz", true), // not stored
        ];
        let all = stories(&pairs, &store, "").unwrap();
        // P = 1/2, R = 1/2 over 3 pairs.
        assert!(
            all.contains("all       0.500  0.500  0.500     1         2      2      3"),
            "{all}"
        );
        assert!(all.contains("1 pair(s) left out"), "{all}");
        assert!(
            all.contains("split (same story, different stories): a | c"),
            "{all}"
        );
        // Only pairs whose earlier article is from July.
        let july = stories(&pairs, &store, "2015-07-").unwrap();
        assert!(
            july.contains("all       1.000  0.500  0.667     1         1      2      2"),
            "{july}"
        );
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
