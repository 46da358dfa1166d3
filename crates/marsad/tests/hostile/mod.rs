//! Hostile inputs for event extraction: a 5,000-word sentence, 10,000
//! trigger sentences (with and without full stops), text without Arabic.
//! Each must finish without a panic with sane results; the time of every
//! stage is printed (`--nocapture`) for a human to judge, never asserted.
//!
//! Event extraction is slow on these inputs: quadratic in the length of a
//! sentence, and the model's features look at every entity mention of the
//! document for every candidate. The 400 kB inputs take seconds per pass in
//! release but up to a minute in a debug build, so on inputs over 100 kB
//! debug builds run only the real path (`analyze_docs`, events by the
//! model) and leave out the separate model, rules and candidate passes
//! (printed as skipped; release runs them all).

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
    /// trigger candidates (`None`: skipped in a debug build).
    model: Option<Vec<EventFound>>,
    rules: Option<Vec<EventFound>>,
    candidates: Option<usize>,
    /// Events and errors of the full `analyze_docs` path.
    analysed_events: Option<usize>,
    /// The genre classifier took the document for an opinion column.
    opinion: bool,
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
    let mut per_sentence = vec![0usize; p.sentences.len() + 1];
    for t in &p.tokens {
        per_sentence[t.sentence.min(p.sentences.len())] += 1;
    }
    let longest = per_sentence.iter().copied().max().unwrap_or(0);
    let thorough = !cfg!(debug_assertions) || input.len() < 100_000;
    let t = Instant::now();
    let with_model = thorough.then(|| {
        find_events(
            patterns,
            text,
            &p.tokens,
            &found,
            &dates,
            Some(PUBLISHED),
            Some(model),
        )
    });
    let t_model = t.elapsed();
    let t = Instant::now();
    let rules = thorough.then(|| {
        find_events(
            patterns,
            text,
            &p.tokens,
            &found,
            &dates,
            Some(PUBLISHED),
            None,
        )
    });
    let t_rules = t.elapsed();
    let t = Instant::now();
    let candidates = thorough
        .then(|| find_candidates(patterns, text, &p.tokens, &found, &dates, Some(PUBLISHED)));
    let t_cand = t.elapsed();

    let ok = |r: &Range<usize>| {
        r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end)
    };
    for e in with_model
        .iter()
        .flatten()
        .chain(rules.iter().flatten())
        .chain(candidates.iter().flatten().map(|c| &c.event))
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
    for e in rules.iter().flatten() {
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

    let timed = |d: Duration, n: Option<usize>, what: &str| match n {
        Some(n) => format!("{:.2} s ({n} {what})", secs(d)),
        None => "skipped (debug build)".to_string(),
    };
    eprintln!(
        "hostile {name}: {} bytes, {} words, {} sentences (longest {longest} words) | text layer {:.2} s, \
         recognize {} | events: model {}, rules {}, candidates {} | whole analyze_docs {}",
        input.len(),
        p.tokens.len(),
        p.sentences.len(),
        secs(t_text),
        timed(t_rec, Some(found.len()), "entities"),
        timed(t_model, with_model.as_ref().map(Vec::len), "events"),
        timed(t_rules, rules.as_ref().map(Vec::len), "events"),
        timed(t_cand, candidates.as_ref().map(Vec::len), "candidates"),
        match analysed_events {
            Some(n) => timed(t_all, Some(n), "events"),
            None => format!("{:.2} s (error: {:?})", secs(t_all), outcome.errors),
        },
    );
    Out {
        words: p.tokens.len(),
        sentences: p.sentences.len(),
        model: with_model,
        rules,
        candidates: candidates.as_ref().map(Vec::len),
        analysed_events,
        opinion: outcome
            .analyses
            .first()
            .and_then(|a| a.doc.genre.as_ref())
            .is_some_and(|g| g.label == "opinion"),
        errors: outcome.errors,
    }
}

impl Out {
    /// `analyze_docs` keeps what the detector it uses keeps: the model's
    /// events, or the rules' with `MARSAD_EVENTS=rules`; none when the
    /// genre classifier takes the document for an opinion column.
    fn check_analysed(&self) {
        if self.opinion {
            assert_eq!(self.analysed_events, Some(0));
            return;
        }
        let expected = match (marsad::analyze::event_model(), &self.model) {
            (Some(_), Some(m)) => Some(m.len()),
            (Some(_), None) => return,
            (None, Some(r)) => Some(r.len()),
            (None, None) => return,
        };
        assert_eq!(self.analysed_events, expected);
    }
}

fn has(e: &EventFound, kind: &str, actor: &str, recipient: &str) -> bool {
    e.kind == kind
        && e.actor.iter().any(|a| a == actor)
        && e.recipient.iter().any(|r| r == recipient)
}

#[test]
fn a_sentence_of_5000_words() {
    let vocab = "قال الرئيس الروسي فلاديمير بوتين إن روسيا قصفت مواقع تنظيم داعش في سوريا \
                 واتهم أردوغان موسكو بانتهاك الأجواء التركية وأعلنت فرنسا دعمها للحكومة \
                 العراقية التي تحارب المسلحين منذ عام 2014 وقتل خمسة جنود أمس وهددت واشنطن \
                 بفرض عقوبات على إيران و";
    let text: Vec<&str> = vocab.split_whitespace().cycle().take(5000).collect();
    let o = run("sentence-5000-words", &text.join(" "));
    assert!(o.words >= 5000, "{} words", o.words);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    assert!(
        o.candidates.is_none_or(|n| n > 0),
        "the triggers of the vocabulary are found"
    );
    assert!(
        o.rules
            .as_ref()
            .is_none_or(|r| r.iter().any(|e| e.kind == "ASSAULT")),
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
    if let Some(r) = &o.rules {
        assert_eq!(hits(r), 10_000, "rules");
    }
    if let Some(m) = &o.model {
        let model = hits(m);
        assert!(
            model == 0 || model == 10_000,
            "identical sentences, identical decisions: {model} of 10,000"
        );
    }
    let analysed = o.analysed_events.expect("analysed");
    assert_eq!(
        analysed % 10_000,
        0,
        "identical sentences: {analysed} events"
    );
    o.check_analysed();
}

#[test]
fn ten_thousand_triggers_without_full_stops() {
    let o = run(
        "10000-triggers-no-stops",
        &"قصفت روسيا مواقع داعش ".repeat(10_000),
    );
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    assert!(o.words >= 40_000, "{} words", o.words);
    assert!(o.candidates.is_none_or(|n| n > 0));
    assert!(
        o.rules.as_ref().is_none_or(|r| r.iter().any(|e| has(
            e,
            "ASSAULT",
            "country:RUS",
            "group:isis"
        ))),
        "the rules still find Russia bombing ISIS"
    );
    assert!(o.analysed_events.is_some());
    o.check_analysed();
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
        assert!(o.model.iter().flatten().next().is_none(), "{name}");
        assert!(o.rules.iter().flatten().next().is_none(), "{name}");
        assert!(o.candidates.is_none_or(|n| n == 0), "{name}");
        assert_eq!(o.analysed_events, Some(0), "{name}");
    }
    // Nothing but symbols and control characters: an error, not a panic.
    let o = run(
        "symbols-only",
        "\u{0}\u{1}\u{7f} ... --- ،؛؟ \u{feff}\u{200b}",
    );
    assert!(o.model.iter().chain(&o.rules).flatten().next().is_none());
    assert!(
        o.analysed_events.is_some_and(|n| n == 0) || o.errors.len() == 1,
        "{:?}",
        o.errors
    );
}
