//! Fuzz the whole text layer: arbitrary bytes → lossy UTF-8 → clean,
//! boilerplate, glue repair, sentences, tokens. Checks the offset-map
//! invariants as well as the absence of panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    // As in `analyze`: glue repair with word counts of the batch (here the
    // input and its two halves, so words recur).
    let cleaned = marsad_text::normalize::clean(&input);
    let t = cleaned.text();
    let mid = (0..=t.len() / 2).rev().find(|&i| t.is_char_boundary(i)).unwrap_or(0);
    let batch = [t, &t[..mid], &t[mid..]];
    let counts = marsad_text::glue::CorpusCounts::build(
        &batch,
        marsad_text::Lexicon::builtin(),
        &marsad_text::glue::Params::default(),
    );
    let p = marsad_text::process_in(
        cleaned.clone(),
        &marsad_text::Options::default(),
        None,
        Some(&counts),
    );
    let text = p.text.text();
    let origins = p.text.origins();
    assert_eq!(origins.len(), text.len() + 1);
    assert!(origins.windows(2).all(|w| w[0] <= w[1]));
    assert!(origins.iter().all(|&o| input.is_char_boundary(o as usize)));
    for s in &p.sentences {
        assert!(s.start < s.end && s.end <= text.len());
        let r = p.text.to_original(s.clone());
        assert!(r.end <= input.len());
    }
    for t in &p.tokens {
        assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
    }
    // Cleaning is idempotent.
    let once = cleaned;
    assert_eq!(marsad_text::normalize::clean(once.text()).text(), once.text());
});
