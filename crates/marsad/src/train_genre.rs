//! `marsad train-genre`: the opinion/news classifier of
//! [`marsad_extract::genre`], trained on team-written article openings and
//! cross-validated grouped by topic pair.

use marsad_extract::genre::{features, BITS};
use marsad_extract::model::{train, EventModel, Example, TrainOptions};

use crate::train_events::fold_of;
pub use crate::train_events::Prf;
use marsad_text::{process, Options};

/// One labelled opening.
#[derive(Debug, Clone)]
pub struct Opening {
    pub id: String,
    /// Openings of one topic pair share a group (they stay in one fold).
    pub group: String,
    pub opinion: bool,
    pub buckets: Vec<u32>,
}

/// Read an openings file (`id group genre text`, genre `opinion`, `news` or
/// `feature`; the model tells opinion from the other two); errors name the
/// file and line.
pub fn read_openings(file: &str, text: &str) -> Result<Vec<Opening>, String> {
    let rows = marsad_text::data::table(file, text, &["id", "group", "genre", "text"])
        .map_err(|e| e.to_string())?;
    let mask = (1u64 << BITS) - 1;
    let mut out = Vec::with_capacity(rows.len());
    let mut ids = std::collections::HashSet::new();
    for (line, c) in rows {
        if !ids.insert(c[0]) {
            return Err(format!("{file}:{line}: duplicate id {:?}", c[0]));
        }
        let opinion = match c[2] {
            "opinion" => true,
            "news" | "feature" => false,
            g => {
                return Err(format!(
                    "{file}:{line}: genre {g:?} is not `opinion`, `news` or `feature`"
                ))
            }
        };
        out.push(Opening {
            id: c[0].to_string(),
            group: c[1].to_string(),
            opinion,
            buckets: buckets_of(c[3], mask),
        });
    }
    Ok(out)
}

/// Feature buckets of a raw text (as `analyze` would see it).
pub fn buckets_of(raw: &str, mask: u64) -> Vec<u32> {
    let p = process(raw, &Options::default(), None);
    features(p.text.text(), &p.tokens)
        .into_iter()
        .map(|h| (h & mask) as u32)
        .collect()
}

fn examples(data: &[&Opening]) -> Vec<Example> {
    data.iter()
        .map(|o| Example {
            buckets: o.buckets.clone(),
            kind: 0,
            label: o.opinion,
            target: if o.opinion { 1.0 } else { 0.0 },
            weight: 1.0,
        })
        .collect()
}

/// Training settings of the genre model.
pub fn options(seed: u64) -> TrainOptions {
    TrainOptions {
        bits: BITS,
        epochs: 20,
        rate: 0.05,
        l2: 1e-5,
        seed,
        beta: 0.5,
        written_beta: 0.5,
        bags: 1,
    }
}

/// Out-of-fold opinion probabilities (`k` folds grouped by topic pair).
pub fn out_of_fold(data: &[Opening], k: usize, seed: u64) -> Vec<f32> {
    let opts = options(seed);
    let mut p = vec![0f32; data.len()];
    for f in 0..k {
        let train_set: Vec<&Opening> = data
            .iter()
            .filter(|o| fold_of(&o.group, k, seed) != f)
            .collect();
        let m = train(&examples(&train_set), &opts);
        for (i, o) in data.iter().enumerate() {
            if fold_of(&o.group, k, seed) == f {
                p[i] = m.prob(&o.buckets);
            }
        }
    }
    p
}

/// Share of opinion columns among a newspaper's articles: 17 of the 150
/// SaudiNewsNet articles of the genre gold sample (`eval/gold/genre/`).
/// The openings hold far more columns than that, so the threshold is chosen
/// with every other opening weighted up to this share.
pub const OPINION_SHARE: f64 = 17.0 / 150.0;

/// Weight of a non-opinion opening when choosing the threshold.
pub fn news_weight(data: &[Opening]) -> f64 {
    let op = data.iter().filter(|o| o.opinion).count().max(1) as f64;
    let other = (data.len() as f64 - op).max(1.0);
    ((1.0 - OPINION_SHARE) / OPINION_SHARE) / (other / op)
}

/// The threshold in [0.02, 0.98] that maximises F-beta with every negative
/// counted `neg_weight` times (the smallest such threshold on ties).
pub fn weighted_threshold(scored: &[(f32, bool)], beta: f64, neg_weight: f64) -> f32 {
    // (No threshold finds a column: 0.5 stays.)
    let mut best = (0.5f32, 0.0f64);
    for k in 0..=96 {
        let t = 0.02 + 0.01 * k as f32;
        let (mut tp, mut fp, mut fnn) = (0f64, 0f64, 0f64);
        for &(p, y) in scored {
            match (p >= t, y) {
                (true, true) => tp += 1.0,
                (true, false) => fp += neg_weight,
                (false, true) => fnn += 1.0,
                _ => {}
            }
        }
        let b2 = beta * beta;
        let f = if tp == 0.0 {
            0.0
        } else {
            (1.0 + b2) * tp / ((1.0 + b2) * tp + b2 * fnn + fp)
        };
        if f > best.1 + 1e-9 {
            best = (t, f);
        }
    }
    best.0
}

/// The committed model: trained on every opening, its threshold the F0.5
/// best of 5-fold out-of-fold predictions with news weighted to a
/// newspaper's share (precision first: a report taken for a column loses
/// its weak events).
pub fn train_final(data: &[Opening], seed: u64) -> EventModel {
    let oof = out_of_fold(data, 5, seed);
    let scored: Vec<(f32, bool)> = oof.iter().zip(data).map(|(&p, o)| (p, o.opinion)).collect();
    let all: Vec<&Opening> = data.iter().collect();
    let mut m = train(&examples(&all), &options(seed));
    m.thresholds[0] = weighted_threshold(&scored, 0.5, news_weight(data));
    m
}

/// One report line of `opinion` decisions.
pub fn line(c: &Prf) -> String {
    format!(
        "P {:.3} R {:.3} F1 {:.3} (tp {}, fp {}, fn {})",
        c.p(),
        c.r(),
        c.f1(),
        c.tp,
        c.fp,
        c.fn_
    )
}

/// Cross-validation report: pooled out-of-fold opinion P/R/F1 at fixed
/// thresholds and at the one `train_final` would choose (development
/// figures: that threshold is chosen on the same predictions).
pub fn cross_validate(data: &[Opening], k: usize, repeats: usize, seed: u64) -> String {
    let mut scored = Vec::new();
    for r in 0..repeats {
        let oof = out_of_fold(data, k, seed.wrapping_add(r as u64));
        scored.extend(oof.iter().zip(data).map(|(&p, o)| (p, o.opinion)));
    }
    let mut s = format!(
        "{k}-fold cross-validation grouped by topic pair, {repeats} repetition(s), {} openings ({} opinion), counts pooled (development figures)\n",
        data.len(),
        data.iter().filter(|o| o.opinion).count()
    );
    let w = news_weight(data);
    let best = weighted_threshold(&scored, 0.5, w);
    for t in [0.3f32, 0.5, 0.7, 0.9, best] {
        let mut prf = Prf::default();
        for &(p, y) in &scored {
            prf.add(p >= t, y);
        }
        let tag = if t == best {
            " (F0.5-best with news weighted to a newspaper's share)"
        } else {
            ""
        };
        s.push_str(&format!(
            "  threshold {t:.2}{tag}: opinion {}\n",
            line(&prf)
        ));
    }
    let wp = |t: f32| {
        let tp = scored.iter().filter(|&&(p, y)| y && p >= t).count() as f64;
        let fp = scored.iter().filter(|&&(p, y)| !y && p >= t).count() as f64 * w;
        if tp + fp > 0.0 {
            tp / (tp + fp)
        } else {
            0.0
        }
    };
    s.push_str(&format!(
        "  precision expected at a newspaper's share of columns ({:.3}; other openings weighted {w:.2}): {:.3} at {best:.2}\n",
        OPINION_SHARE,
        wp(best)
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openings_rows_are_validated_with_file_and_line() {
        let ok = "id\tgroup\tgenre\ttext\na\tg1\topinion\tنحن نرى\nb\tg1\tnews\tأعلنت الوزارة\n";
        let v = read_openings("o.tsv", ok).unwrap();
        assert_eq!(v.len(), 2);
        assert!(v[0].opinion && !v[1].opinion);
        for (bad, want) in [
            (
                "id\tgroup\tgenre\ttext\na\tg1\tcolumn\tنص\n",
                "o.tsv:2: genre",
            ),
            (
                "id\tgroup\tgenre\ttext\na\tg1\tnews\tنص\na\tg2\tnews\tنص\n",
                "o.tsv:3: duplicate",
            ),
            ("id\tgroup\tgenre\ttext\na\tg1\tnews\n", "o.tsv:2:"),
            ("id\tgenre\ttext\n", "o.tsv:1:"),
        ] {
            let e = read_openings("o.tsv", bad).unwrap_err();
            assert!(e.starts_with(want), "{e}");
        }
    }

    #[test]
    fn folds_keep_topic_pairs_together() {
        for g in ["gg001", "gg002", "gg150"] {
            let f = fold_of(g, 5, 7);
            assert!(f < 5);
            assert_eq!(f, fold_of(g, 5, 7));
        }
    }
}
