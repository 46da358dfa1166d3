//! `marsad explain`: every trigger candidate of a text with the detector's
//! decision, so that an analyst (or a developer) can see why an event was
//! coded or not.

use marsad_extract::events::{find_candidates, find_events, gate, Patterns};
use marsad_extract::genre::{Genre, OPINION_MIN_CONFIDENCE};
use marsad_extract::model::{type_index, EventModel};
use marsad_recognize::Recognizer;
use marsad_text::{process, Options};

use crate::display::sanitize;

/// One candidate and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub sentence: usize,
    pub trigger: String,
    pub kind: String,
    pub rule: String,
    /// Actor ids (or the words of an unnamed actor, in «»); for a coded
    /// event, the event's (after the argument ranker).
    pub actor: String,
    pub recipient: String,
    pub modality: String,
    pub prob: f32,
    pub threshold: f32,
    /// `event`, `no actor` (the rules' gate: a statement or a meeting needs
    /// a named actor), `below threshold`, or `merged` (passed, but folded
    /// into another event of the same trigger words, or dropped for an
    /// event of its type and sentence whose doer is named), or `weak in a
    /// column` (an event below the confidence an opinion column's events
    /// need, dropped).
    pub decision: &'static str,
}

/// The genre of a text as `analyze` decides it (`None`: too short, or no
/// genre model).
fn genre(text: &str, tokens: &[marsad_text::token::Token]) -> Option<(Genre, f32)> {
    crate::analyze::genre_model().and_then(|m| marsad_extract::genre::classify(m, text, tokens))
}

/// The genre of a raw text and the probability that it is an opinion
/// column, for `marsad explain`'s header.
pub fn genre_of(text: &str) -> Option<(Genre, f32)> {
    let p = process(text, &Options::default(), None);
    genre(p.text.text(), &p.tokens)
}

/// Explain the candidates of `text` (analysed as one document without a
/// publication date).
pub fn explain(rec: &Recognizer, model: &EventModel, text: &str) -> Vec<Row> {
    let p = process(text, &Options::default(), None);
    let t = p.text.text();
    let found = rec.recognize(t, &p.tokens, None);
    let dates = marsad_extract::dates::find_dates(t, &p.tokens, None);
    let patterns = Patterns::builtin();
    let candidates = find_candidates(patterns, t, &p.tokens, &found, &dates, None);
    let events = find_events(patterns, t, &p.tokens, &found, &dates, None, Some(model));
    let opinion = matches!(genre(t, &p.tokens), Some((Genre::Opinion, _)));
    let words = |r: &Option<std::ops::Range<usize>>| {
        r.as_ref()
            .and_then(|r| t.get(r.clone()))
            .map(|s| format!("«{}»", sanitize(s)))
    };
    candidates
        .iter()
        .map(|c| {
            let ev = &c.event;
            let mut feats = c.features.clone();
            if let Some(k) = type_index(&ev.kind) {
                model.add_news_copies(k, &mut feats);
            }
            let prob = model.prob(&model.buckets(&feats));
            let threshold = model.threshold(&ev.kind);
            let coded = events
                .iter()
                .find(|e| e.trigger == ev.trigger && e.kind == ev.kind);
            let shown = coded.unwrap_or(ev);
            let actor = if !shown.actor.is_empty() {
                shown.actor.join(" ")
            } else {
                words(&shown.actor_text).unwrap_or_else(|| "—".into())
            };
            let recipient = if shown.recipient.is_empty() {
                "—".into()
            } else {
                shown.recipient.join(" ")
            };
            let decision =
                if coded.is_some_and(|e| opinion && e.confidence < OPINION_MIN_CONFIDENCE) {
                    "weak in a column"
                } else if coded.is_some() {
                    "event"
                } else if !gate(ev) {
                    "no actor"
                } else if prob.is_nan() || prob < threshold {
                    "below threshold"
                } else {
                    "merged"
                };
            Row {
                sentence: ev.sentence,
                trigger: sanitize(t.get(ev.trigger.clone()).unwrap_or("")),
                kind: ev.kind.clone(),
                rule: ev.rule.clone(),
                actor,
                recipient,
                modality: shown.modality.as_str().to_string(),
                prob,
                threshold,
                decision,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_follow_the_model() {
        let kb = marsad_kb::Kb::builtin().unwrap();
        let rec = Recognizer::new(kb, None);
        let m = EventModel::builtin().unwrap();
        // (text, a trigger that must be listed, its decision)
        let table = [
            (
                "استقبل الرئيس المصري عبد الفتاح السيسي وزير الخارجية الأمريكي جون كيري في القاهرة.",
                "استقبل",
                "event",
            ),
            ("وقعت زيارة في وقت لاحق.", "زيارة", "no actor"),
            (
                "\u{1b}[31mقصفت الطائرات الروسية مواقع داعش في الرقة.",
                "قصفت",
                "event",
            ),
            ("", "", ""),
        ];
        for (text, trig, want) in table {
            let rows = explain(&rec, m, text);
            if trig.is_empty() {
                assert!(rows.is_empty());
                continue;
            }
            let r = rows
                .iter()
                .find(|r| r.trigger == trig)
                .unwrap_or_else(|| panic!("{trig} not a candidate in {text}: {rows:?}"));
            assert_eq!(r.decision, want, "{text}: {r:?}");
            assert!((0.0..=1.0).contains(&r.prob));
            assert!(!r.actor.contains('\u{1b}'));
        }
    }
}
