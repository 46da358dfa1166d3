//! Fuzz the knowledge-base, CoNLL, event-pattern and quote-cue parsers
//! (arbitrary bytes as a data file), and entity recognition plus extraction
//! (events, quotes, quantities, dates) on arbitrary bytes as an article, with
//! the built-in knowledge base and model: no panic, every span valid.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let _ = marsad_kb::Kb::parse(&[("fuzz.tsv", &input)]);
    let _ = marsad_recognize::tagger::read_conll("fuzz.conll", &input, true);
    let _ = marsad_extract::events::Patterns::parse("fuzz.tsv", &input);
    let _ = marsad_extract::quotes::Cues::parse("fuzz.tsv", &input);
    static REC: std::sync::OnceLock<marsad_recognize::Recognizer<'static>> =
        std::sync::OnceLock::new();
    let rec = REC.get_or_init(|| {
        let kb = marsad_kb::Kb::builtin().expect("built-in knowledge base");
        marsad_recognize::Recognizer::new(kb, marsad_recognize::Tagger::builtin().ok())
    });
    let p = marsad_text::process(&input, &marsad_text::Options::default(), None);
    let text = p.text.text();
    let found = rec.recognize(text, &p.tokens, Some(20151124));
    for f in &found {
        for m in &f.mentions {
            assert!(m.span.start < m.span.end && m.span.end <= text.len());
            assert!(text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end));
        }
    }
    let ok = |r: &std::ops::Range<usize>| {
        r.start <= r.end && r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end)
    };
    let dates = marsad_extract::dates::find_dates(text, &p.tokens, Some((2015, 11, 24)));
    assert!(dates.iter().all(|d| ok(&d.span)));
    let qs = marsad_extract::quantities::find_quantities(text, &p.tokens);
    assert!(qs.iter().all(|q| ok(&q.span) && q.value.is_finite()));
    let evs = marsad_extract::events::find_events(
        marsad_extract::events::Patterns::builtin(),
        rec.kb,
        text,
        &p.tokens,
        &p.sentences,
        &found,
        &dates,
        Some("2015-11-24"),
    );
    assert!(evs.iter().all(|e| ok(&e.span) && ok(&e.trigger) && !e.actor.is_empty()));
    let quotes = marsad_extract::quotes::find_quotes(marsad_extract::quotes::Cues::builtin(), text, &p.tokens, &found);
    assert!(quotes.iter().all(|q| ok(&q.span)));
});
