//! Near-duplicate detection: MinHash signatures of word shingles and a banded
//! LSH index.
//!
//! * Shingles: every run of [`SHINGLE_WORDS`] consecutive match-form words of
//!   the text ([`crate::words::for_each_match_word`]: diacritics, hamza forms,
//!   ى/ي, ة/ه, digit scripts and punctuation make no difference). A text with
//!   fewer words is one shingle; a text without words has no shingles.
//! * [`Signature`]: one-permutation MinHash with optimal densification
//!   (Shrivastava 2017): the top 7 bits of each 64-bit shingle hash choose
//!   one of [`NUM_HASHES`] bins, each bin keeps the minimum of the low 32
//!   bits, and an empty bin borrows the value of the first non-empty bin on
//!   its own fixed pseudo-random probe sequence. One hash per shingle instead
//!   of 128, and still `P(sig_i(A) = sig_i(B)) = J(A, B)`, so the share of
//!   equal positions, [`estimate`], estimates the Jaccard similarity of the
//!   shingle sets (standard error ≈ `sqrt(J(1-J)/128)`, 0.035 at J = 0.8).
//!   Signatures are stable across runs and platforms (`to_bytes`: 512 bytes,
//!   little-endian).
//! * [`Lsh`]: [`BANDS`] = 21 bands of [`ROWS`] = 6 minhashes (126 of the 128);
//!   two documents are candidates when all 6 values of at least one band
//!   agree: `P = 1 - (1 - J^6)^21`, i.e. 0.998 at J = 0.8, 0.94 at 0.7,
//!   0.28 at 0.5, 0.015 at 0.3 (the S-curve's midpoint is near 0.6).
//! * A pair is a near-duplicate when its [`estimate`] is at least
//!   [`NEAR_DUPLICATE`] (0.8), checked on LSH candidates ([`near_duplicates`]).
//!   Identical normalised texts have identical signatures (estimate 1.0) and
//!   are found the same way.

use std::collections::HashMap;

use marsad_doc::Document;
use marsad_text::lexicon::FxBuild;
use thiserror::Error;

use crate::words::for_each_word_hash;

/// Number of minhashes in a signature.
pub const NUM_HASHES: usize = 128;
/// Words per shingle.
pub const SHINGLE_WORDS: usize = 4;
/// LSH bands.
pub const BANDS: usize = 21;
/// Minhashes per LSH band.
pub const ROWS: usize = 6;
/// Jaccard estimate from which two documents are near-duplicates.
pub const NEAR_DUPLICATE: f32 = 0.8;

/// Length of [`Signature::to_bytes`].
pub const SIGNATURE_BYTES: usize = NUM_HASHES * 4;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SignatureError {
    #[error("a minhash signature is {SIGNATURE_BYTES} bytes, got {0}")]
    Length(usize),
}

/// MinHash signature of a text's shingle set.
#[derive(Clone, PartialEq, Eq)]
pub struct Signature([u32; NUM_HASHES]);

impl std::fmt::Debug for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signature({:08x} {:08x} …)", self.0[0], self.0[1])
    }
}

#[inline]
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// log2 of [`NUM_HASHES`]: the top bits of a shingle hash choose its bin.
const BIN_BITS: u32 = 7;
const _: () = assert!(1 << BIN_BITS == NUM_HASHES);
/// Probes per empty bin before the deterministic fallback.
const MAX_PROBES: u64 = 4096;
const PROBE_SEED: u64 = 0x6d61_7273_6164_0001;

impl Signature {
    /// The signature of the empty shingle set (every value `u32::MAX`).
    pub fn empty() -> Signature {
        Signature([u32::MAX; NUM_HASHES])
    }

    /// Signature of a text (see the module doc).
    pub fn of_text(text: &str) -> Signature {
        let mut bins = [u32::MAX; NUM_HASHES];
        let mut filled: u128 = 0;
        let mut window = [0u64; SHINGLE_WORDS];
        let mut n = 0usize;
        let mut add = |x: u64| {
            let bin = (x >> (64 - BIN_BITS)) as usize;
            let v = x as u32;
            if v < bins[bin] {
                bins[bin] = v;
            }
            filled |= 1u128 << bin;
        };
        for_each_word_hash(text, |w| {
            window[n % SHINGLE_WORDS] = w;
            n += 1;
            if n >= SHINGLE_WORDS {
                add(shingle_hash(&window, n));
            }
        });
        if n > 0 && n < SHINGLE_WORDS {
            // Fewer words than a shingle: the whole text is one shingle.
            let mut w = [0u64; SHINGLE_WORDS];
            w[..n].copy_from_slice(&window[..n]);
            add(shingle_hash(&w, SHINGLE_WORDS));
        }
        if filled == 0 {
            return Signature::empty();
        }
        // Optimal densification: an empty bin takes the value of the first
        // non-empty bin on its own fixed pseudo-random probe sequence.
        let mut out = bins;
        for (i, o) in out.iter_mut().enumerate() {
            if filled & (1u128 << i) != 0 {
                continue;
            }
            let mut found = None;
            for attempt in 0..MAX_PROBES {
                let j = (splitmix64(PROBE_SEED ^ ((i as u64) << 32) ^ attempt) >> (64 - BIN_BITS))
                    as usize;
                if filled & (1u128 << j) != 0 {
                    found = Some(j);
                    break;
                }
            }
            // Practically unreachable (needs MAX_PROBES misses): the next
            // non-empty bin.
            let j = found.unwrap_or_else(|| {
                (1..NUM_HASHES)
                    .map(|d| (i + d) % NUM_HASHES)
                    .find(|&j| filled & (1u128 << j) != 0)
                    .unwrap_or(i)
            });
            *o = bins[j];
        }
        Signature(out)
    }

    /// Signature of a document's text (the title is left out: copies of one
    /// article often carry different headlines).
    pub fn of_document(doc: &Document) -> Signature {
        Signature::of_text(&doc.text)
    }

    /// Whether the text had no words (such signatures never match anything).
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&v| v == u32::MAX)
    }

    pub fn values(&self) -> &[u32; NUM_HASHES] {
        &self.0
    }

    /// [`SIGNATURE_BYTES`] bytes, little-endian minhashes in order.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// Inverse of [`Signature::to_bytes`]; any other length is an error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Signature, SignatureError> {
        if bytes.len() != SIGNATURE_BYTES {
            return Err(SignatureError::Length(bytes.len()));
        }
        let mut v = [0u32; NUM_HASHES];
        for (i, c) in bytes.chunks_exact(4).enumerate() {
            v[i] = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        }
        Ok(Signature(v))
    }
}

/// Hash of the shingle ending at word `n` (the window is a ring buffer).
#[inline]
fn shingle_hash(window: &[u64; SHINGLE_WORDS], n: usize) -> u64 {
    let mut h = 0u64;
    for k in 0..SHINGLE_WORDS {
        let w = window[(n + k) % SHINGLE_WORDS];
        h = (h.rotate_left(23) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    splitmix64(h)
}

/// Estimated Jaccard similarity of the two shingle sets: the share of equal
/// minhashes. 0.0 when either text had no words.
pub fn estimate(a: &Signature, b: &Signature) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let eq = a.0.iter().zip(b.0.iter()).filter(|(x, y)| x == y).count();
    eq as f32 / NUM_HASHES as f32
}

/// Whether `estimate(a, b) >= NEAR_DUPLICATE`.
pub fn is_near_duplicate(a: &Signature, b: &Signature) -> bool {
    estimate(a, b) >= NEAR_DUPLICATE
}

#[inline]
fn band_key(sig: &Signature, band: usize) -> u64 {
    let mut h = band as u64;
    for &v in &sig.0[band * ROWS..(band + 1) * ROWS] {
        h = (h.rotate_left(29) ^ v as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    splitmix64(h)
}

/// Banded LSH index over signatures (see the module doc for the parameters).
#[derive(Debug, Clone)]
pub struct Lsh {
    bands: Vec<HashMap<u64, Vec<u32>, FxBuild>>,
    len: usize,
}

impl Default for Lsh {
    fn default() -> Self {
        Self::new()
    }
}

impl Lsh {
    pub fn new() -> Lsh {
        Lsh {
            bands: (0..BANDS).map(|_| HashMap::default()).collect(),
            len: 0,
        }
    }

    /// Index a document. Empty signatures are not indexed.
    pub fn insert(&mut self, doc_no: u32, sig: &Signature) {
        if sig.is_empty() {
            return;
        }
        for (band, map) in self.bands.iter_mut().enumerate() {
            map.entry(band_key(sig, band)).or_default().push(doc_no);
        }
        self.len += 1;
    }

    /// Documents sharing at least one band with `sig` (sorted, deduplicated;
    /// includes the document itself if it was inserted). Confirm with
    /// [`estimate`].
    pub fn candidates(&self, sig: &Signature) -> Vec<u32> {
        let mut out = Vec::new();
        if sig.is_empty() {
            return out;
        }
        for (band, map) in self.bands.iter().enumerate() {
            if let Some(v) = map.get(&band_key(sig, band)) {
                out.extend_from_slice(v);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Number of indexed documents.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Near-duplicate pairs `(earlier, later, estimate)` among `sigs` (document
/// numbers are indices), with `estimate >= threshold`, found through [`Lsh`]
/// candidates. Sorted by the later document, then the earlier one. All pairs
/// are reported, so a group of `g` copies costs `g²/2` comparisons; see
/// [`canonical_duplicates`] for a linear alternative.
pub fn near_duplicates(sigs: &[Signature], threshold: f32) -> Vec<(u32, u32, f32)> {
    let mut lsh = Lsh::new();
    let mut out = Vec::new();
    for (i, s) in sigs.iter().enumerate() {
        for j in lsh.candidates(s) {
            let e = estimate(&sigs[j as usize], s);
            if e >= threshold {
                out.push((j, i as u32, e));
            }
        }
        lsh.insert(i as u32, s);
    }
    out
}

/// For each document, the earlier *canonical* document it near-duplicates
/// (`None` for canonical documents themselves). Only canonical documents are
/// indexed, so every copy points straight at the first document of its group
/// and large groups of copies cost linear, not quadratic, time. Among several
/// canonical matches the highest estimate wins (ties: the earliest).
pub fn canonical_duplicates(sigs: &[Signature], threshold: f32) -> Vec<Option<u32>> {
    let mut lsh = Lsh::new();
    let mut out = Vec::with_capacity(sigs.len());
    for (i, s) in sigs.iter().enumerate() {
        let mut best: Option<(f32, u32)> = None;
        for j in lsh.candidates(s) {
            let e = estimate(&sigs[j as usize], s);
            if e >= threshold && best.is_none_or(|(b, _)| e > b) {
                best = Some((e, j));
            }
        }
        match best {
            Some((_, j)) => out.push(Some(j)),
            None => {
                lsh.insert(i as u32, s);
                out.push(None);
            }
        }
    }
    out
}

/// Duplicate groups from pairs: for each of `n` documents the smallest
/// document number of its connected component (itself when unique).
/// Pairs naming documents `>= n` are ignored.
pub fn duplicate_groups(n: usize, pairs: &[(u32, u32, f32)]) -> Vec<u32> {
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(p: &mut [u32], mut x: u32) -> u32 {
        while p[x as usize] != x {
            p[x as usize] = p[p[x as usize] as usize];
            x = p[x as usize];
        }
        x
    }
    for &(a, b, _) in pairs {
        if a as usize >= n || b as usize >= n {
            continue;
        }
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            // The root is always the smallest member.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            parent[hi as usize] = lo;
        }
    }
    (0..n as u32).map(|x| find(&mut parent, x)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ARTICLE: &str = "أعلنت وزارة الصحة يوم الثلاثاء عن افتتاح مستشفى جديد في مدينة \
        الدمام بسعة ثلاثمئة سرير، وقال الوزير خلال حفل الافتتاح إن المستشفى سيخدم أكثر من \
        مليون نسمة في المنطقة الشرقية. وأضاف أن الوزارة تعمل على تطوير الخدمات الصحية في \
        جميع المناطق، وأن خطة العام المقبل تشمل إنشاء خمسة مستشفيات أخرى في المدن \
        الصغيرة. وأشار إلى أن التكلفة الإجمالية للمشروع بلغت نحو ٤٠٠ مليون ريال، وأن \
        المستشفى مجهز بأحدث الأجهزة الطبية، ويضم أقساما للطوارئ والعناية المركزة وجراحة \
        القلب. وأكد الوزير أن توظيف الكوادر الوطنية يأتي في مقدمة أولويات الوزارة، وأن \
        برامج التدريب ستبدأ الشهر المقبل بالتعاون مع الجامعات.";

    /// The same article as another outlet's copy: different punctuation,
    /// diacritics, hamza spellings, digits, a dateline and a footer.
    fn agency_copy() -> String {
        let body = ARTICLE
            .replace('،', " ,")
            .replace("أعلنت", "أَعْلَنَتْ")
            .replace("إنشاء", "انشاء")
            .replace("٤٠٠", "400")
            .replace("مستشفى", "مستشفي")
            .replace(". ", " - ");
        format!("الدمام (واس) - {body}\nجميع الحقوق محفوظة")
    }

    const UNRELATED: &str = "فاز المنتخب الوطني لكرة القدم على نظيره الياباني بهدفين \
        مقابل هدف في المباراة النهائية للبطولة الآسيوية التي أقيمت مساء الجمعة في \
        الدوحة، وسجل المهاجم الهدف الثاني في الدقيقة الأخيرة من الوقت الإضافي وسط \
        احتفالات الجماهير التي ملأت المدرجات. وقال المدرب إن الفوز ثمرة عمل طويل.";

    #[test]
    fn copies_are_near_duplicates_and_unrelated_are_not() {
        let a = Signature::of_text(ARTICLE);
        let b = Signature::of_text(&agency_copy());
        let c = Signature::of_text(UNRELATED);
        // Same text with different diacritics/punctuation only: identical.
        let d = Signature::of_text(&ARTICLE.replace('،', "؛").replace("وزارة", "وِزارةُ"));
        let cases = [
            (&a, &b, 0.8, 1.0),
            (&a, &d, 1.0, 1.0),
            (&a, &a, 1.0, 1.0),
            (&a, &c, 0.0, 0.3),
            (&b, &c, 0.0, 0.3),
        ];
        for (i, (x, y, lo, hi)) in cases.into_iter().enumerate() {
            let e = estimate(x, y);
            assert!(e >= lo && e <= hi, "case {i}: {e}");
        }
        assert!(is_near_duplicate(&a, &b));
        assert!(!is_near_duplicate(&a, &c));
    }

    #[test]
    fn lsh_finds_copies_only() {
        let sigs = [
            Signature::of_text(ARTICLE),
            Signature::of_text(UNRELATED),
            Signature::of_text(&agency_copy()),
            Signature::of_text(""),
            Signature::of_text(ARTICLE),
            Signature::of_text("، . !"),
        ];
        let mut lsh = Lsh::new();
        for (i, s) in sigs.iter().enumerate() {
            lsh.insert(i as u32, s);
        }
        assert_eq!(lsh.len(), 4);
        assert_eq!(lsh.candidates(&sigs[0]), vec![0, 2, 4]);
        assert_eq!(lsh.candidates(&sigs[1]), vec![1]);
        assert!(lsh.candidates(&sigs[3]).is_empty());
        let pairs = near_duplicates(&sigs, NEAR_DUPLICATE);
        let got: Vec<(u32, u32)> = pairs.iter().map(|p| (p.0, p.1)).collect();
        assert_eq!(got, vec![(0, 2), (0, 4), (2, 4)]);
        assert_eq!(pairs[1].2, 1.0);
        assert_eq!(duplicate_groups(6, &pairs), vec![0, 1, 0, 3, 0, 5]);
        assert_eq!(
            canonical_duplicates(&sigs, NEAR_DUPLICATE),
            vec![None, None, Some(0), None, Some(0), None]
        );
    }

    #[test]
    fn lsh_probability_curve() {
        // P(candidate) = 1 - (1 - J^ROWS)^BANDS.
        let p = |j: f64| 1.0 - (1.0 - j.powi(ROWS as i32)).powi(BANDS as i32);
        assert!(p(0.8) > 0.99, "{}", p(0.8));
        assert!(p(0.3) < 0.02, "{}", p(0.3));
        const { assert!(BANDS * ROWS <= NUM_HASHES) };
    }

    #[test]
    fn short_and_empty_texts() {
        let cases = [
            ("", "", 0.0),
            ("مرحبا", "مَرْحَباً", 1.0),
            ("قمة الرياض", "قمة الرياض", 1.0),
            ("قمة الرياض", "قمة جدة", 0.0),
            ("", "نص", 0.0),
        ];
        for (a, b, want) in cases {
            let e = estimate(&Signature::of_text(a), &Signature::of_text(b));
            assert!((e - want).abs() < 0.05, "{a:?} {b:?}: {e}");
        }
        assert!(Signature::of_text("").is_empty());
        assert_eq!(Signature::of_text(""), Signature::empty());
    }

    #[test]
    fn bytes_round_trip_and_length_errors() {
        let s = Signature::of_text(ARTICLE);
        let b = s.to_bytes();
        assert_eq!(b.len(), SIGNATURE_BYTES);
        assert_eq!(Signature::from_bytes(&b).unwrap(), s);
        for n in [0, 1, 511, 513, 1024] {
            assert_eq!(
                Signature::from_bytes(&vec![0u8; n]),
                Err(SignatureError::Length(n))
            );
        }
    }

    #[test]
    fn signatures_are_stable() {
        // Stored signatures must stay comparable across versions and platforms.
        let s = Signature::of_text("قمة الرياض تبحث الأمن الإقليمي");
        let t = Signature::of_text("قمة الرياض تبحث الأمن الإقليمي");
        assert_eq!(s, t);
        assert_eq!(s.values()[0], STABLE_FIRST, "hash functions changed");
    }

    const STABLE_FIRST: u32 = 4_238_466_966;

    proptest! {
        #[test]
        fn from_bytes_never_panics(b in proptest::collection::vec(any::<u8>(), 0..1100)) {
            match Signature::from_bytes(&b) {
                Ok(s) => prop_assert_eq!(s.to_bytes(), b),
                Err(SignatureError::Length(n)) => prop_assert_eq!(n, b.len()),
            }
        }

        #[test]
        fn estimate_is_symmetric_and_bounded(a in "\\PC{0,200}", b in "\\PC{0,200}") {
            let (x, y) = (Signature::of_text(&a), Signature::of_text(&b));
            let e = estimate(&x, &y);
            prop_assert!((0.0..=1.0).contains(&e));
            prop_assert_eq!(e, estimate(&y, &x));
        }
    }
}
