//! Hostile inputs for event extraction: a 5,000-word sentence, 10,000
//! trigger sentences (with and without full stops), text without Arabic.
//! Each must finish without a panic with sane results; the time of every
//! stage is printed (`--nocapture`) for a human to judge, never asserted.

use std::ops::Range;
use std::time::{Duration, Instant};

use marsad::analyze::analyze_docs;
use marsad_extract::events::{find_candidates, find_events, EventFound, Patterns};
use marsad_extract::model::EventModel;
use marsad_ingest::{Format, RawDoc};
use marsad_text::Options;

const PUBLISHED: &str = "2015-11-24";

/// What the stages produced for one hostile text.
struct Out {
    words: usize,
    sentences: usize,
    /// Events decided by the learned model, by the rules, and the raw
    /// trigger candidates.
    model: Vec<EventFound>,
    rules: Vec<EventFound>,
    candidates: usize,
    /// Events and errors of the full `analyze_docs` path.
    analysed_events: Option<usize>,
    errors: Vec<String>,
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Run the text layer, recognition, dates and events (model, rules,
/// candidates) stage by stage, check every span, then the whole
/// `analyze_docs` path; print the time of each.
fn run(name: &str, input: &str) -> Out {
    let rec = super::determinism::recognizer();
    let model = EventModel::builtin().expect("built-in event model");
    let patterns = Patterns::builtin();

    let t = Instant::now();
    let p = marsad_text::process(input, &Options::default(), None);
    let t_text = t.elapsed();
    let text = p.text.text();
    let t = Instant::now();
    let found = rec.recognize(text, &p.tokens, Some(20151124));
    let t_rec = t.elapsed();
    let dates = marsad_extract::dates::find_dates(text, &p.tokens, Some((2015, 11, 24)));
    let t = Instant::now();
    let with_model = find_events(
        patterns,
        rec.kb,
        text,
        &p.tokens,
        &p.sentences,
        &found,
        &dates,
        Some(PUBLISHED),
        Some(model),
    );
    let t_model = t.elapsed();
    let t = Instant::now();
    let rules = find_events(
        patterns,
        rec.kb,
        text,
        &p.tokens,
        &p.sentences,
        &found,
        &dates,
        Some(PUBLISHED),
        None,
    );
    let t_rules = t.elapsed();
    let t = Instant::now();
    let candidates = find_candidates(patterns, text, &p.tokens, &found, &dates, Some(PUBLISHED));
    let t_cand = t.elapsed();

    let ok = |r: &Range<usize>| {
        r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end)
    };
    for e in with_model
        .iter()
        .chain(&rules)
        .chain(candidates.iter().map(|c| &c.event))
    {
        assert!(ok(&e.span) && ok(&e.trigger), "{name}: bad span {e:?}");
        assert!(
            e.span.start <= e.trigger.start && e.trigger.end <= e.span.end,
            "{name}: trigger outside the event span {e:?}"
        );
        for r in [&e.actor_text, &e.actor_span, &e.recipient_span]
            .into_iter()
            .flatten()
        {
            assert!(ok(r), "{name}: bad span {r:?} in {e:?}");
        }
        assert!(e.sentence < p.sentences.len(), "{name}: sentence {e:?}");
        assert!(
            (0.0..=1.0).contains(&e.confidence),
            "{name}: confidence {e:?}"
        );
    }
    for e in &rules {
        assert!(
            !e.actor.is_empty(),
            "{name}: rule event without actor {e:?}"
        );
    }

    let t = Instant::now();
    let doc = RawDoc {
        id: name.to_string(),
        text: input.to_string(),
        title: None,
        published: Some(PUBLISHED.to_string()),
        url: None,
        path: None,
        source: None,
        format: Format::Text,
        line: None,
    };
    let outcome = analyze_docs(vec![Ok(doc)], None, &Options::default(), Some(rec), |_| {});
    let t_all = t.elapsed();
    assert_eq!(
        outcome.analyses.len() + outcome.errors.len(),
        1,
        "{name}: one document in, one analysis or error out"
    );
    let analysed_events = outcome.analyses.first().map(|a| {
        // The output contract serialises (no NaN, no bad offsets).
        serde_json::to_string(&a.doc).expect("document serialises");
        a.doc.events.len()
    });

    eprintln!(
        "hostile {name}: {} bytes, {} words, {} sentences | text layer {:.2} s, \
         recognize {:.2} s ({} entities), events: model {:.2} s ({} events), \
         rules {:.2} s ({} events), candidates {:.2} s ({}) | whole analyze_docs {:.2} s ({} events)",
        input.len(),
        p.tokens.len(),
        p.sentences.len(),
        secs(t_text),
        secs(t_rec),
        found.len(),
        secs(t_model),
        with_model.len(),
        secs(t_rules),
        rules.len(),
        secs(t_cand),
        candidates.len(),
        secs(t_all),
        analysed_events.map_or("error".to_string(), |n| n.to_string()),
    );
    Out {
        words: p.tokens.len(),
        sentences: p.sentences.len(),
        model: with_model,
        rules,
        candidates: candidates.len(),
        analysed_events,
        errors: outcome.errors,
    }
}

fn has(e: &EventFound, kind: &str, actor: &str, recipient: &str) -> bool {
    e.kind == kind
        && e.actor.iter().any(|a| a == actor)
        && e.recipient.iter().any(|r| r == recipient)
}

#[test]
fn a_sentence_of_5000_words() {
    let vocab = [
        "قال",
        "الرئيس",
        "الروسي",
        "فلاديمير",
        "بوتين",
        "إن",
        "روسيا",
        "قصفت",
        "مواقع",
        "تنظيم",
        "داعش",
        "في",
        "سوريا",
        "واتهم",
        "أردوغان",
        "موسكو",
        "بانتهاك",
        "الأجواء",
        "التركية",
        "وأعلنت",
        "فرنسا",
        "دعمها",
        "للحكومة",
        "العراقية",
        "التي",
        "تحارب",
        "المسلحين",
        "منذ",
        "عام",
        "2014",
        "وقتل",
        "خمسة",
        "جنود",
        "أمس",
        "وهددت",
        "واشنطن",
        "بفرض",
        "عقوبات",
        "على",
        "إيران",
        "و",
    ];
    let text: Vec<&str> = vocab.iter().copied().cycle().take(5000).collect();
    let o = run("sentence-5000-words", &text.join(" "));
    assert!(o.words >= 5000, "{} words", o.words);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    assert!(o.candidates > 0, "the triggers of the vocabulary are found");
    assert!(
        o.rules.iter().any(|e| e.kind == "ASSAULT"),
        "the rules find ASSAULT events"
    );
    assert!(o.analysed_events.is_some());
}

#[test]
fn ten_thousand_trigger_sentences() {
    let o = run("10000-triggers", &"قصفت روسيا مواقع داعش. ".repeat(10_000));
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    assert_eq!(o.sentences, 10_000);
    let hits = |v: &[EventFound]| {
        v.iter()
            .filter(|e| has(e, "ASSAULT", "country:RUS", "group:isis"))
            .count()
    };
    // Every sentence is the same event: Russia bombed ISIS.
    assert_eq!(hits(&o.rules), 10_000, "rules");
    let model = hits(&o.model);
    assert!(
        model == 0 || model == 10_000,
        "identical sentences, identical decisions: {model} of 10,000"
    );
    assert_eq!(o.analysed_events, Some(o.model.len()));
}

#[test]
fn ten_thousand_triggers_without_full_stops() {
    let o = run(
        "10000-triggers-no-stops",
        &"قصفت روسيا مواقع داعش ".repeat(10_000),
    );
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    assert!(o.words >= 40_000, "{} words", o.words);
    assert!(o.candidates > 0);
    assert!(
        o.rules
            .iter()
            .any(|e| has(e, "ASSAULT", "country:RUS", "group:isis")),
        "the rules still find Russia bombing ISIS"
    );
    assert_eq!(o.analysed_events, Some(o.model.len()));
}

#[test]
fn text_without_arabic() {
    let english = "Russia bombed ISIS positions near Raqqa on Tuesday, the ministry said. \
                   Turkey shot down a Russian jet (Su-24) at 09:24; 2 pilots ejected. "
        .repeat(200);
    let mixed = format!(
        "{english}\n日本語のテキスト。Ελληνικά! Кремль заявил… 🚀🔥 \u{200f}\u{202e}abc\u{202c} \
         1,234.5 % $ € ¥ <b>html</b> {{\"json\": [1, 2]}}\n\t\r\n"
    );
    for (name, text) in [("english", english.as_str()), ("no-arabic-mixed", &mixed)] {
        let o = run(name, text);
        assert!(o.errors.is_empty(), "{name}: {:?}", o.errors);
        assert!(o.model.is_empty(), "{name}: {:?}", o.model);
        assert!(o.rules.is_empty(), "{name}: {:?}", o.rules);
        assert_eq!(o.candidates, 0, "{name}");
        assert_eq!(o.analysed_events, Some(0), "{name}");
    }
    // Nothing but symbols and control characters: an error, not a panic.
    let o = run(
        "symbols-only",
        "\u{0}\u{1}\u{7f} ... --- ،؛؟ \u{feff}\u{200b}",
    );
    assert!(o.model.is_empty() && o.rules.is_empty());
    assert!(
        o.analysed_events.is_some_and(|n| n == 0) || o.errors.len() == 1,
        "{:?}",
        o.errors
    );
}
