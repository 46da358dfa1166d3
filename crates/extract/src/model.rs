//! The learned half of event detection: a logistic regression over hashed
//! features that decides whether a trigger candidate (found by the patterns
//! of `data/extract/events.tsv`) reports an event of its PLOVER type.
//!
//! Features are strings hashed with FNV-1a into `2^bits` buckets (see
//! `events::candidate_features`); the model is one weight vector shared by
//! all types (features are conjoined with the type where it matters) and a
//! decision threshold per type.
//!
//! Model file (`data/models/events.bin`, written by `marsad train-events`):
//! `MRSDEVT2`, `bits` (u32 LE), `scale` (f32 LE), the news-domain type mask
//! (u32 LE, see [`EventModel::add_news_copies`]), 16 thresholds (f32 LE, in
//! the order of [`crate::events::TYPES`]), then `2^bits` weights (i16 LE,
//! multiplied by `scale`). The bias is the weight of the feature `bias`.

use thiserror::Error;

use crate::events::TYPES;

/// Weights of the model shipped in the binary.
pub const BUILTIN: (&str, &[u8]) = (
    "data/models/events.bin",
    include_bytes!("../../../data/models/events.bin"),
);

const MAGIC: &[u8; 8] = b"MRSDEVT2";
/// Magic, feature bits, weight scale, news-domain type mask, thresholds.
const HEADER: usize = 8 + 4 + 4 + 4 + 4 * 16;

/// A model file that cannot be used (a corrupt or truncated file: the kind
/// of error is `corruption`).
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ModelError {
    #[error("{file}: not a marsad event model ({reason})")]
    Format { file: String, reason: String },
}

impl ModelError {
    /// The error's kind, for callers that choose exit codes.
    pub fn kind(&self) -> &'static str {
        "corruption"
    }
}

/// FNV-1a over the bytes of `parts`, separated by 0x1f (deterministic on
/// every platform).
pub fn hash_parts(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        for &b in p.as_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// Domain of real news (the GSR sentences, and every document marsad
/// analyses), for feature augmentation (Daumé 2007, "frustratingly easy
/// domain adaptation"): for the types in [`EventModel::news_types`], every
/// feature of a news candidate also has a copy conjoined with the type and
/// the domain, so that what the news annotators count (a suicide attack
/// recalled as background, a drone strike reported by a witness) is learnt
/// apart from what holds in the team-written sentences too.
pub const DOMAIN_NEWS: u64 = 1;

/// The domain copy of feature hash `h` for type index `kind`.
pub fn domain_feature(h: u64, kind: usize, domain: u64) -> u64 {
    // splitmix64's finaliser over the hash and the (domain, type) salt.
    let mut z = h ^ ((domain << 8) | kind as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The trained detector.
#[derive(Debug, Clone, PartialEq)]
pub struct EventModel {
    pub bits: u32,
    pub weights: Vec<f32>,
    /// Decision threshold per PLOVER type (index as in [`TYPES`]).
    pub thresholds: [f32; 16],
    /// Types (bit = index in [`TYPES`]) whose candidates also carry
    /// news-domain feature copies ([`domain_feature`]).
    pub news_types: u32,
    /// The argument ranker that goes with this detector (same file format,
    /// `data/models/arguments.bin`; see `events::rank_arguments`): it
    /// scores each party of the sentence as actor and as recipient.
    pub ranker: Option<Box<EventModel>>,
}

/// Weights of the argument ranker shipped in the binary.
pub const BUILTIN_ARGS: (&str, &[u8]) = (
    "data/models/arguments.bin",
    include_bytes!("../../../data/models/arguments.bin"),
);

/// Index of a PLOVER type in [`TYPES`].
pub fn type_index(kind: &str) -> Option<usize> {
    TYPES.iter().position(|(t, _)| *t == kind)
}

impl EventModel {
    /// An untrained model (every weight 0, thresholds 0.5).
    pub fn empty(bits: u32) -> EventModel {
        EventModel {
            bits,
            weights: vec![0.0; 1 << bits],
            thresholds: [0.5; 16],
            news_types: 0,
            ranker: None,
        }
    }

    /// Add the news-domain copies of a news candidate's features when the
    /// model has them for its type.
    pub fn add_news_copies(&self, kind: usize, feats: &mut Vec<u64>) {
        if kind < 32 && self.news_types & (1 << kind) != 0 {
            let n = feats.len();
            for i in 0..n {
                feats.push(domain_feature(feats[i], kind, DOMAIN_NEWS));
            }
        }
    }

    /// The model embedded in the binary.
    pub fn builtin() -> Result<&'static EventModel, ModelError> {
        static M: std::sync::OnceLock<Result<EventModel, ModelError>> = std::sync::OnceLock::new();
        M.get_or_init(|| {
            let mut m = EventModel::from_bytes(BUILTIN.0, BUILTIN.1)?;
            m.ranker = Some(Box::new(EventModel::from_bytes(
                BUILTIN_ARGS.0,
                BUILTIN_ARGS.1,
            )?));
            Ok(m)
        })
        .as_ref()
        .map_err(Clone::clone)
    }

    pub fn mask(&self) -> u64 {
        (1u64 << self.bits) - 1
    }

    /// Bucket of a feature hash.
    pub fn bucket(&self, h: u64) -> usize {
        (h & self.mask()) as usize
    }

    /// Buckets of a candidate's feature hashes (features that depend on the
    /// type are already conjoined with it).
    pub fn buckets(&self, feats: &[u64]) -> Vec<u32> {
        feats.iter().map(|&h| self.bucket(h) as u32).collect()
    }

    /// Raw score (log-odds) of hashed features (buckets).
    pub fn score(&self, buckets: &[u32]) -> f32 {
        buckets
            .iter()
            .map(|&b| self.weights.get(b as usize).copied().unwrap_or(0.0))
            .sum()
    }

    /// Probability that the candidate reports an event of its type.
    pub fn prob(&self, buckets: &[u32]) -> f32 {
        sigmoid(self.score(buckets))
    }

    /// Threshold of a type (0.5 for an unknown type).
    pub fn threshold(&self, kind: &str) -> f32 {
        type_index(kind).map_or(0.5, |i| self.thresholds[i])
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let max = self.weights.iter().fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
        let mut out = Vec::with_capacity(HEADER + 2 * self.weights.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.bits.to_le_bytes());
        out.extend_from_slice(&scale.to_le_bytes());
        out.extend_from_slice(&self.news_types.to_le_bytes());
        for t in self.thresholds {
            out.extend_from_slice(&t.to_le_bytes());
        }
        for &w in &self.weights {
            let q = (w / scale).round().clamp(-32767.0, 32767.0) as i16;
            out.extend_from_slice(&q.to_le_bytes());
        }
        out
    }

    /// Read a model file; every defect is an error naming the file.
    pub fn from_bytes(file: &str, b: &[u8]) -> Result<EventModel, ModelError> {
        let bad = |reason: String| ModelError::Format {
            file: file.to_string(),
            reason,
        };
        if b.len() < HEADER || &b[..8] != MAGIC {
            return Err(bad(format!("missing MRSDEVT2 header ({} bytes)", b.len())));
        }
        let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let f32_at = |i: usize| f32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let bits = u32_at(8);
        if !(8..=24).contains(&bits) {
            return Err(bad(format!("feature bits {bits} outside 8..=24")));
        }
        let scale = f32_at(12);
        if !scale.is_finite() || scale <= 0.0 || !(scale * 32767.0).is_finite() {
            return Err(bad(format!("bad weight scale {scale}")));
        }
        let news_types = u32_at(16);
        if news_types >> TYPES.len() != 0 {
            return Err(bad(format!(
                "news-domain type mask {news_types:#x} names no type"
            )));
        }
        let mut thresholds = [0.5f32; 16];
        for (k, t) in thresholds.iter_mut().enumerate() {
            *t = f32_at(20 + 4 * k);
            if !t.is_finite() || !(0.0..=1.0).contains(t) {
                return Err(bad(format!("threshold {k} is {t}, not in [0, 1]")));
            }
        }
        let n = 1usize << bits;
        if b.len() != HEADER + 2 * n {
            return Err(bad(format!(
                "expected {} bytes for 2^{bits} weights, found {} (truncated?)",
                HEADER + 2 * n,
                b.len()
            )));
        }
        let weights = b[HEADER..]
            .chunks_exact(2)
            .map(|c| f32::from(i16::from_le_bytes([c[0], c[1]])) * scale)
            .collect();
        Ok(EventModel {
            ranker: None,
            news_types,
            bits,
            weights,
            thresholds,
        })
    }
}

pub fn sigmoid(x: f32) -> f32 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// One training example: a candidate's feature buckets, its type, whether it
/// reports an event of that type, and its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub buckets: Vec<u32>,
    pub kind: usize,
    pub label: bool,
    /// Training target in [0, 1]: 1/0 for a hard label, the share of
    /// annotators who accepted for a soft one.
    pub target: f32,
    pub weight: f32,
}

/// Training settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainOptions {
    pub bits: u32,
    pub epochs: usize,
    /// AdaGrad learning rate.
    pub rate: f32,
    /// L2 penalty per example.
    pub l2: f32,
    pub seed: u64,
    /// Thresholds maximise F-beta (beta < 1: precision first).
    pub beta: f32,
    /// F-beta for the types whose thresholds come from team-written
    /// sentences (too few news sentences): those sets hold about as many
    /// positives as negatives, far more than a news article's candidates
    /// do, so F1 on them puts the threshold too low for news.
    pub written_beta: f32,
    /// Models trained with different example orders (seeds seed, seed+1,
    /// …) and averaged into one: the same linear model at prediction time,
    /// less dependent on one shuffle.
    pub bags: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            bits: 18,
            epochs: 12,
            rate: 0.02,
            l2: 1e-6,
            seed: 2015,
            beta: 1.0,
            written_beta: 1.0,
            bags: 1,
        }
    }
}

/// Train a logistic regression with AdaGrad over the examples in a fixed
/// shuffled order (same examples, same model). Thresholds stay 0.5; the
/// caller sets them (from cross-validated predictions).
pub fn train(examples: &[Example], opts: &TrainOptions) -> EventModel {
    if opts.bags <= 1 {
        return train_one(examples, opts);
    }
    let mut m = EventModel::empty(opts.bits);
    for i in 0..opts.bags {
        let one = train_one(
            examples,
            &TrainOptions {
                seed: opts.seed.wrapping_add(i as u64),
                ..*opts
            },
        );
        for (w, x) in m.weights.iter_mut().zip(&one.weights) {
            *w += x / opts.bags as f32;
        }
    }
    m
}

fn train_one(examples: &[Example], opts: &TrainOptions) -> EventModel {
    let mut m = EventModel::empty(opts.bits);
    let n = m.weights.len();
    let mut g2 = vec![1e-8f32; n];
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = opts.seed | 1;
    // Weights averaged over the epochs' ends (after the first third):
    // steadier than the last iterate on small, noisy data.
    let mut avg = vec![0f32; n];
    let mut averaged = 0u32;
    let avg_from = opts.epochs / 3;
    for epoch in 0..opts.epochs {
        // Fisher–Yates with xorshift: deterministic.
        for i in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let j = (rng % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &i in &order {
            let ex = &examples[i];
            let p = m.prob(&ex.buckets);
            let y = ex.target;
            let g = (p - y) * ex.weight;
            for &b in &ex.buckets {
                let b = b as usize;
                if b >= n {
                    continue;
                }
                let grad = g + opts.l2 * m.weights[b];
                g2[b] += grad * grad;
                m.weights[b] -= opts.rate * grad / g2[b].sqrt();
            }
        }
        if epoch >= avg_from {
            for (a, w) in avg.iter_mut().zip(&m.weights) {
                *a += w;
            }
            averaged += 1;
        }
    }
    if averaged > 0 {
        for (w, a) in m.weights.iter_mut().zip(&avg) {
            *w = a / averaged as f32;
        }
    }
    m
}

/// The threshold in [0.02, 0.9] that maximises F-beta of `(probability,
/// label)` pairs (beta < 1 weighs precision more); 0.5 when there are no
/// positives.
pub fn best_threshold(scored: &[(f32, bool)], beta: f32) -> f32 {
    if !scored.iter().any(|&(_, y)| y) {
        return 0.5;
    }
    let mut best = (0.5f32, -1.0f32);
    for k in 0..=88 {
        let t = 0.02 + 0.01 * k as f32;
        let (mut tp, mut fp, mut fnn) = (0f32, 0f32, 0f32);
        for &(p, y) in scored {
            match (p >= t, y) {
                (true, true) => tp += 1.0,
                (true, false) => fp += 1.0,
                (false, true) => fnn += 1.0,
                _ => {}
            }
        }
        let b2 = beta * beta;
        let f1 = if tp == 0.0 {
            0.0
        } else {
            (1.0 + b2) * tp / ((1.0 + b2) * tp + b2 * fnn + fp)
        };
        if f1 > best.1 + 1e-6 {
            best = (t, f1);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(b: &[u32], label: bool) -> Example {
        Example {
            buckets: b.to_vec(),
            kind: 0,
            label,
            target: if label { 1.0 } else { 0.0 },
            weight: 1.0,
        }
    }

    #[test]
    fn learns_a_separable_problem_and_round_trips() {
        let data: Vec<Example> = (0..200)
            .map(|i| {
                let pos = i % 2 == 0;
                ex(&[0, if pos { 7 } else { 9 }, 100 + (i % 13) as u32], pos)
            })
            .collect();
        let opts = TrainOptions {
            bits: 10,
            rate: 0.5,
            ..TrainOptions::default()
        };
        let m = train(&data, &opts);
        assert!(m.prob(&[0, 7]) > 0.9);
        assert!(m.prob(&[0, 9]) < 0.1);
        let again = train(&data, &opts);
        assert_eq!(m, again, "training is deterministic");
        let back = EventModel::from_bytes("m", &m.to_bytes()).unwrap();
        assert!((back.prob(&[0, 7]) - m.prob(&[0, 7])).abs() < 1e-3);
    }

    #[test]
    fn corrupt_files_are_errors() {
        let good = EventModel::empty(8).to_bytes();
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (Vec::new(), "header"),
            (b"MRSDNER1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx".to_vec(), "header"),
            (good[..good.len() - 1].to_vec(), "truncated"),
            (good[..HEADER].to_vec(), "truncated"),
            ({
                let mut g = good.clone();
                g[8..12].copy_from_slice(&40u32.to_le_bytes());
                g
            }, "bits"),
            ({
                let mut g = good.clone();
                g[12..16].copy_from_slice(&f32::NAN.to_le_bytes());
                g
            }, "scale"),
            ({
                let mut g = good.clone();
                g[12..16].copy_from_slice(&3e38f32.to_le_bytes());
                g
            }, "scale"),
            ({
                let mut g = good.clone();
                g[20..24].copy_from_slice(&3.0f32.to_le_bytes());
                g
            }, "threshold"),
            ({
                let mut g = good.clone();
                g[16..20].copy_from_slice(&(1u32 << 20).to_le_bytes());
                g
            }, "type mask"),
            // A model of the previous format is refused, not misread.
            ({
                let mut g = good.clone();
                g[..8].copy_from_slice(b"MRSDEVT1");
                g
            }, "header"),
        ];
        for (bytes, want) in cases {
            let e = EventModel::from_bytes("x.bin", &bytes).unwrap_err();
            let s = e.to_string();
            assert!(s.starts_with("x.bin:") && s.contains(want), "{s} / {want}");
        }
        assert!(EventModel::from_bytes("ok", &good).is_ok());
    }

    #[test]
    fn news_copies_only_for_the_model_types() {
        let mut m = EventModel::empty(8);
        m.news_types = 1 << 3;
        let table: [(usize, usize); 3] = [(3, 4), (2, 2), (15, 2)];
        for (kind, len) in table {
            let mut f = vec![11u64, 12];
            m.add_news_copies(kind, &mut f);
            assert_eq!(f.len(), len, "type {kind}");
            if len == 4 {
                assert_eq!(f[2], domain_feature(11, 3, DOMAIN_NEWS));
                assert_ne!(
                    f[2],
                    domain_feature(11, 2, DOMAIN_NEWS),
                    "conjoined with the type"
                );
            }
        }
        let back = EventModel::from_bytes("m", &m.to_bytes()).unwrap();
        assert_eq!(back.news_types, 1 << 3);
    }

    #[test]
    fn threshold_maximises_f1() {
        let s = [
            (0.9, true),
            (0.8, true),
            (0.7, false),
            (0.6, true),
            (0.5, true),
            (0.3, false),
        ];
        // F1: keep the four positives and one negative.
        let t = best_threshold(&s, 1.0);
        assert!(t > 0.3 && t <= 0.5, "{t}");
        // Weighing precision: only the two surest positives pass.
        let t = best_threshold(&s, 0.3);
        assert!(t > 0.7 && t <= 0.8, "{t}");
        assert_eq!(best_threshold(&[(0.9, false)], 1.0), 0.5);
    }

    #[test]
    fn hashing_is_stable() {
        // FNV-1a of "a": a fixed value on every platform.
        assert_eq!(hash_parts(&["a"]), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(hash_parts(&["ab", "c"]), hash_parts(&["a", "bc"]));
    }

    #[test]
    fn builtin_model_loads() {
        let m = EventModel::builtin().unwrap();
        assert!(m.bits >= 8);
    }
}
