//! Scratch measurement on a JSONL file of `marsad.document/1` documents:
//! timings of signatures, near-duplicates, features and clustering on one
//! thread, story size distribution, and a sample of stories to eyeball.
//!
//! `cargo run --release -p marsad-corpus --example measure -- FILE.jsonl [SAMPLE]`
//! Parameters can be overridden with the environment variables THRESHOLD,
//! ALPHA, WINDOW, SPAN (0 = none), BONUS, MAXBONUS.

use std::collections::HashMap;
use std::io::BufRead;
use std::time::Instant;

use marsad_corpus::minhash::{duplicate_groups, near_duplicates, Signature, NEAR_DUPLICATE};
use marsad_corpus::stories::{day_number, features, Clusterer, Params, StoryId};
use marsad_corpus::{summary, Document};

fn env<T: std::str::FromStr>(k: &str) -> Option<T> {
    std::env::var(k).ok().and_then(|v| v.parse().ok())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: measure FILE.jsonl [SAMPLE]");
    let sample: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    let t = Instant::now();
    let f = std::fs::File::open(path).expect("open");
    let mut docs: Vec<Document> = Vec::new();
    let mut bad = 0;
    for line in std::io::BufReader::new(f).lines() {
        let line = line.expect("read");
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(&line) {
            Ok(d) => docs.push(d),
            Err(_) => bad += 1,
        }
    }
    docs.sort_by(|a, b| {
        let da = a.published.as_deref().and_then(day_number);
        let db = b.published.as_deref().and_then(day_number);
        da.cmp(&db).then_with(|| a.id.cmp(&b.id))
    });
    let chars: usize = docs.iter().map(|d| d.text.chars().count()).sum();
    println!(
        "loaded {} documents ({bad} unparsable, {:.1} M chars) in {:.1?}",
        docs.len(),
        chars as f64 / 1e6,
        t.elapsed()
    );

    // Near-duplicates.
    let t = Instant::now();
    let sigs: Vec<Signature> = docs.iter().map(Signature::of_document).collect();
    let t_sig = t.elapsed();
    let t = Instant::now();
    let pairs = near_duplicates(&sigs, NEAR_DUPLICATE);
    let t_lsh = t.elapsed();
    let groups = duplicate_groups(docs.len(), &pairs);
    let mut gsize: HashMap<u32, usize> = HashMap::new();
    for &g in &groups {
        *gsize.entry(g).or_default() += 1;
    }
    let dup_groups = gsize.values().filter(|&&n| n > 1).count();
    let dup_docs: usize = gsize.values().filter(|&&n| n > 1).map(|n| n - 1).sum();
    let exact = pairs.iter().filter(|p| p.2 >= 1.0).count();
    println!(
        "signatures {t_sig:.1?}, LSH + verification {t_lsh:.1?}: {} near-duplicate pairs ({exact} with estimate 1.0), {dup_groups} groups, {dup_docs} redundant documents",
        pairs.len()
    );
    for p in pairs.iter().take(3) {
        println!(
            "  e.g. {:.2} {} | {}",
            p.2,
            docs[p.0 as usize].title.as_deref().unwrap_or("-"),
            docs[p.1 as usize].title.as_deref().unwrap_or("-")
        );
    }

    // Features and clustering.
    let t = Instant::now();
    let feats: Vec<_> = docs.iter().map(features).collect();
    let t_feat = t.elapsed();
    let d = Params::default();
    let params = Params {
        threshold: env("THRESHOLD").unwrap_or(d.threshold),
        entity_weight: env("ALPHA").unwrap_or(d.entity_weight),
        window_days: env("WINDOW").unwrap_or(d.window_days),
        max_span_days: match env::<i32>("SPAN") {
            Some(0) => None,
            Some(s) => Some(s),
            None => d.max_span_days,
        },
        actor_bonus: env("BONUS").unwrap_or(d.actor_bonus),
        max_actor_bonus: env("MAXBONUS").unwrap_or(d.max_actor_bonus),
    };
    println!("{params:?}");
    let t = Instant::now();
    let mut c = Clusterer::new(params);
    let mut assigned: Vec<StoryId> = Vec::with_capacity(feats.len());
    for f in feats.iter().cloned() {
        assigned.push(c.add(f));
    }
    let t_clu = t.elapsed();
    println!(
        "features {t_feat:.1?}, clustering {t_clu:.1?}: {} stories",
        c.len()
    );
    let stories = c.stories();
    let mut sizes: Vec<usize> = stories.iter().map(|s| s.docs.len()).collect();
    sizes.sort_unstable();
    let buckets = [
        (1, 1),
        (2, 2),
        (3, 5),
        (6, 10),
        (11, 20),
        (21, 50),
        (51, usize::MAX),
    ];
    let mut line = String::from("story sizes:");
    for (lo, hi) in buckets {
        let n = sizes.iter().filter(|&&s| s >= lo && s <= hi).count();
        let docs_in: usize = sizes.iter().filter(|&&s| s >= lo && s <= hi).sum();
        line += &format!(
            " [{lo}-{}]: {n} ({docs_in} docs)",
            if hi == usize::MAX {
                "∞".into()
            } else {
                hi.to_string()
            }
        );
    }
    println!("{line}");
    println!(
        "largest: {:?}",
        sizes.iter().rev().take(10).collect::<Vec<_>>()
    );
    let multi: Vec<_> = stories.iter().filter(|s| s.docs.len() >= 3).collect();
    println!("{} stories with ≥ 3 documents", multi.len());

    // Eyeball a deterministic pseudo-random sample of stories.
    let by_id: HashMap<&str, &Document> = docs.iter().map(|d| (d.id.as_str(), d)).collect();
    let dup_of: HashMap<String, String> = groups
        .iter()
        .enumerate()
        .filter(|(i, &g)| *i as u32 != g)
        .map(|(i, &g)| (docs[i].id.clone(), docs[g as usize].id.clone()))
        .collect();
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..sample.min(multi.len()) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let s = multi[(x % multi.len() as u64) as usize];
        println!(
            "\n== story {} ({} docs, days {:?}..{:?}): {}",
            s.id.0,
            s.docs.len(),
            s.first_day,
            s.last_day,
            s.title.as_deref().unwrap_or("-")
        );
        println!("   actors: {:?}", c.main_actors(s.id, 5, &dup_of));
        for id in s.docs.iter().take(12) {
            let d = by_id[id.as_str()];
            println!(
                "   {} {} {}",
                d.published.as_deref().unwrap_or("?"),
                d.id,
                d.title.as_deref().unwrap_or("-")
            );
        }
        let members: Vec<&Document> = s.docs.iter().map(|id| by_id[id.as_str()]).collect();
        for ss in summary(&members, 3) {
            println!("   * {}", ss.text);
        }
    }
    if docs.len() <= 20 {
        for (d, s) in docs.iter().zip(&assigned) {
            println!("{} {:?} → story {}", d.id, d.published, s.0);
        }
    }
}
