//! Fuzz the knowledge-base parser (arbitrary bytes as a data file) and entity
//! recognition (arbitrary bytes as an article) with the built-in knowledge
//! base and model: no panic, every mention a valid span of the display text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let _ = marsad_kb::Kb::parse(&[("fuzz.tsv", &input)]);
    let _ = marsad_recognize::tagger::read_conll("fuzz.conll", &input, true);
    static REC: std::sync::OnceLock<marsad_recognize::Recognizer<'static>> =
        std::sync::OnceLock::new();
    let rec = REC.get_or_init(|| {
        let kb = marsad_kb::Kb::builtin().expect("built-in knowledge base");
        marsad_recognize::Recognizer::new(kb, marsad_recognize::Tagger::builtin().ok())
    });
    let p = marsad_text::process(&input, &marsad_text::Options::default(), None);
    let text = p.text.text();
    for f in rec.recognize(text, &p.tokens, Some(20151124)) {
        for m in f.mentions {
            assert!(m.span.start < m.span.end && m.span.end <= text.len());
            assert!(text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end));
        }
    }
});
