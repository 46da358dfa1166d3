//! Fuzz the knowledge-base, CoNLL, event-pattern and quote-cue parsers
//! and the event-model reader (arbitrary bytes as a data or model file),
//! and entity recognition plus extraction (events by the rules, by the
//! learned model and as raw candidates; quotes, quantities, dates) on
//! arbitrary bytes as an article, with the built-in knowledge base and
//! models: no panic, every span valid, every confidence a probability.
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
    let patterns = marsad_extract::events::Patterns::builtin();
    let ev_ok = |e: &marsad_extract::events::EventFound| {
        ok(&e.span)
            && ok(&e.trigger)
            && e.span.start <= e.trigger.start
            && e.trigger.end <= e.span.end
            && [&e.actor_text, &e.actor_span, &e.recipient_span]
                .into_iter()
                .flatten()
                .all(|r| ok(r))
            && e.sentence < p.sentences.len()
            && (0.0..=1.0).contains(&e.confidence)
    };
    let events = |model: Option<&marsad_extract::model::EventModel>, published: Option<&str>| {
        marsad_extract::events::find_events(
            patterns,
            text,
            &p.tokens,
            &found,
            &dates,
            published,
            model,
        )
    };
    // The rules alone: every event has a named actor.
    let evs = events(None, Some("2015-11-24"));
    assert!(evs.iter().all(|e| ev_ok(e) && !e.actor.is_empty()));
    // The learned detector (it may keep events whose actor is unnamed).
    let model = marsad_extract::model::EventModel::builtin().expect("built-in event model");
    let evs = events(Some(model), None);
    assert!(evs.iter().all(|e| ev_ok(e)));
    // Every trigger candidate with its features (training).
    let cands = marsad_extract::events::find_candidates(
        patterns,
        text,
        &p.tokens,
        &found,
        &dates,
        Some("2015-11-24"),
    );
    assert!(cands.iter().all(|c| ev_ok(&c.event)));
    // Arbitrary bytes as a model file, as they are and behind the magic
    // (so the header fields are explored): an error, never a panic; a
    // model that loads must give sane events.
    let mut behind_magic = b"MRSDEVT1".to_vec();
    behind_magic.extend_from_slice(data);
    for bytes in [data, &behind_magic[..]] {
        if let Ok(m) = marsad_extract::model::EventModel::from_bytes("fuzz.bin", bytes) {
            assert_eq!(m.weights.len(), 1 << m.bits);
            let evs = events(Some(&m), Some("2015-11-24"));
            assert!(evs.iter().all(|e| ev_ok(e)));
        }
    }
    let quotes = marsad_extract::quotes::find_quotes(marsad_extract::quotes::Cues::builtin(), text, &p.tokens, &found);
    assert!(quotes.iter().all(|q| ok(&q.span)));
});
