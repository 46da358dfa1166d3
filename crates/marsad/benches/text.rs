//! `cargo bench`: text-layer throughput per core on SaudiNewsNet, read straight
//! from the zips in ../shared/corpora/saudinewsnet (skipped when absent).
//! Set MARSAD_BENCH_ZIPS=N to use only the first N zips (default: all 18).

use std::path::PathBuf;

fn main() {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/saudinewsnet");
    if !dir.is_dir() {
        eprintln!(
            "SKIPPED: {} not found (SaudiNewsNet lives in ../shared)",
            dir.display()
        );
        return;
    }
    let limit: usize = std::env::var("MARSAD_BENCH_ZIPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX);
    let texts = match marsad::bench::load_saudinewsnet(&dir, limit) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("bench: {e}");
            std::process::exit(1);
        }
    };
    // One warm-up pass (page cache, lexicon), then the measured pass.
    let _ = marsad::bench::run(&texts[..texts.len().min(200)]);
    print!("{}", marsad::bench::run(&texts).render());
}
