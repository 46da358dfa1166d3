//! `marsad export --format plover-jsonl`: one PLOVER record per event, with
//! the manual's field names.

use serde_json::{json, Value};

use marsad_doc::{Document, Span};
use marsad_kb::{Kb, Kind};

/// Today's date (UTC) as `YYYY-MM-DD`, for `coded_date`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil((secs / 86_400) as i64)
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (Howard Hinnant's algorithm).
pub fn civil(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The PLOVER entity object of an entity id as mentioned in `doc`.
fn entity(doc: &Document, kb: &Kb, id: &str, date: &str, evidence: Span) -> Value {
    let e = doc.entities.iter().find(|e| e.id == id);
    // The mention inside the evidence, else the first one.
    let text = e
        .and_then(|e| {
            e.mentions
                .iter()
                .find(|m| m.start >= evidence.start && m.end <= evidence.end)
                .or(e.mentions.first())
        })
        .map(|m| m.text.clone())
        .unwrap_or_default();
    let entry = kb.get(id).map(|i| (i, kb.entry(i)));
    let code = match entry {
        Some((_, en)) if en.sectors.iter().any(|s| s == "IGO") => "IGO".to_string(),
        Some((_, en)) => en.country.clone().unwrap_or_else(|| "UNK".into()),
        None => e
            .and_then(|e| e.country.clone())
            .unwrap_or_else(|| "UNK".into()),
    };
    let sector = match entry {
        Some((_, en)) if en.kind == Kind::Country => "GOV".to_string(),
        Some((_, en)) => en.sectors.first().cloned().unwrap_or_else(|| "UNK".into()),
        None => "UNK".into(),
    };
    let (name_ar, name_en) = match entry {
        Some((_, en)) => (
            Some(en.name_ar.clone()),
            Some(en.name_en.clone()).filter(|n| !n.is_empty()),
        ),
        None => match e {
            Some(e) => (Some(e.name_ar.clone()), e.name_en.clone()),
            None => (
                id.strip_prefix("new:").map(|rest| {
                    rest.split_once(':')
                        .map_or(rest, |(_, n)| n)
                        .replace('_', " ")
                }),
                None,
            ),
        },
    };
    let day = marsad_kb::parse_date(date, false);
    let office = entry.and_then(|(i, en)| {
        (en.kind == Kind::Person).then_some(())?;
        let day = day?;
        kb.offices_of(i)
            .find(|o| o.from <= day && day <= o.to)
            .map(|o| format!("{} of {}", o.role.as_str(), kb.entry(o.of).id))
    });
    json!({
        "code": code,
        "sector": sector,
        "entity_text": text,
        "identifier_id": id,
        "identifier_text": e.map(|e| e.name_en.clone().unwrap_or_else(|| e.name_ar.clone())).unwrap_or_default(),
        "name_ar": name_ar,
        "name_en": name_en,
        "office": office,
    })
}

/// The PLOVER entity object of an actor the knowledge base cannot name
/// (`مسلحون مجهولون`): code and sector `UNK`, the words as `entity_text`.
fn unknown_entity(text: &str) -> Value {
    json!({
        "code": "UNK",
        "sector": "UNK",
        "entity_text": text,
        "identifier_id": null,
        "identifier_text": null,
        "name_ar": null,
        "name_en": null,
        "office": null,
    })
}

fn sentence_of(doc: &Document, char_pos: usize) -> Option<usize> {
    doc.sentences
        .iter()
        .position(|s| s.start <= char_pos && char_pos < s.end.max(s.start + 1))
}

/// PLOVER records of one document's events.
pub fn plover(doc: &Document, kb: &Kb, coded_date: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for (n, e) in doc.events.iter().enumerate() {
        let date = match &e.date {
            Some(d) if d.len() == 10 => d.clone(),
            _ => match &doc.published {
                Some(p) => p.clone(),
                None => continue, // PLOVER requires a full date
            },
        };
        let ev = Span {
            start: e.start,
            end: e.end,
        };
        let mut size = serde_json::Map::new();
        for q in &doc.quantities {
            if sentence_of(doc, q.start) != Some(e.sentence) {
                continue;
            }
            if let Some(k @ ("dead" | "injured" | "arrested")) = q.kind.as_deref() {
                size.entry(k.to_string()).or_insert(json!(q.value));
            }
        }
        let sent = doc.sentences.get(e.sentence).copied().unwrap_or(ev);
        let mut actors: Vec<Value> = e
            .actor
            .iter()
            .map(|a| entity(doc, kb, a, &date, ev))
            .collect();
        if actors.is_empty() {
            if let Some(t) = e.actor_text.as_deref().filter(|t| !t.trim().is_empty()) {
                actors.push(unknown_entity(t));
            }
        }
        let coder = match &e.decided_by {
            Some(by) => format!("marsad {} ({}; {by})", env!("CARGO_PKG_VERSION"), e.rule),
            None => format!("marsad {} ({})", env!("CARGO_PKG_VERSION"), e.rule),
        };
        let mut r = json!({
            "id": format!("{}-{}", doc.id, n + 1),
            "date": date,
            "actor": actors,
            "recipient": e.recipient.iter().map(|a| entity(doc, kb, a, &date, ev)).collect::<Vec<_>>(),
            "event": [e.kind],
            "mode": e.mode,
            "quad_code": e.quad,
            "event_text": doc.slice(sent),
            "text_info": {
                "sequence": n + 1,
                "start": e.start,
                "end": e.end,
                "sentence": e.sentence,
                "trigger": e.trigger,
                "modality": e.modality,
                "rule": e.rule,
                "decided_by": e.decided_by,
                "actor_text": e.actor_text,
            },
            "confidence": e.confidence.map(marsad_store::confidence_value),
            "cite_info": {
                "corpus": "marsad",
                "citation": doc.id,
                "url": doc.source.url,
                "title": doc.title,
                "language": "ar",
                "publication": doc.source.path,
            },
            "coder": coder,
            "coded_date": coded_date,
        });
        if let Some(obj) = r.as_object_mut() {
            if !size.is_empty() {
                obj.insert("size".into(), Value::Object(size));
            }
            if let Some(l) = &e.location {
                let name = doc
                    .entities
                    .iter()
                    .find(|x| &x.id == l)
                    .map(|x| x.name_en.clone().unwrap_or_else(|| x.name_ar.clone()));
                obj.insert(
                    "event_loc".into(),
                    json!({"identifier_id": l, "name": name}),
                );
            }
        }
        out.push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        for (days, want) in [
            (0, "1970-01-01"),
            (16_763, "2015-11-24"),
            (11_016, "2000-02-29"),
            (-1, "1969-12-31"),
        ] {
            assert_eq!(civil(days), want);
        }
    }

    #[test]
    fn plover_records_carry_their_evidence() {
        use marsad_doc::{Entity, EntityType, Event, Mention, Modality, Source};
        let kb = Kb::builtin().unwrap();
        let text = "تركيا تسقط مقاتلة روسية. مسلحون مجهولون يهاجمون حاجزا.";
        let ev = |actor: &[&str], sentence, actor_text: Option<&str>| Event {
            kind: "ASSAULT".into(),
            mode: None,
            quad: 4,
            actor: actor.iter().map(|s| s.to_string()).collect(),
            recipient: vec!["country:RUS".into()],
            sentence,
            start: 6,
            end: 10,
            trigger: "تسقط".into(),
            modality: Modality::Asserted,
            date: Some("2015-11-24".into()),
            location: None,
            rule: "assault.r".into(),
            actor_text: actor_text.map(String::from),
            confidence: Some(0.7),
            decided_by: Some("model".into()),
        };
        let doc = Document {
            schema: marsad_doc::SCHEMA.into(),
            id: "d".into(),
            published: Some("2015-11-24".into()),
            title: None,
            source: Source::default(),
            text: text.into(),
            sentences: vec![Span { start: 0, end: 24 }, Span { start: 25, end: 55 }],
            entities: vec![Entity {
                id: "country:TUR".into(),
                kind: EntityType::Country,
                name_en: Some("Turkey".into()),
                name_ar: "تركيا".into(),
                country: Some("TUR".into()),
                in_kb: true,
                mentions: vec![Mention {
                    start: 0,
                    end: 5,
                    text: "تركيا".into(),
                }],
            }],
            events: vec![
                ev(&["country:TUR"], 0, None),
                ev(&[], 1, Some("مسلحون مجهولون")),
                ev(&[], 1, None),
            ],
            quotes: Vec::new(),
            quantities: Vec::new(),
            dates: Vec::new(),
            genre: None,
        };
        let recs = plover(&doc, kb, "2026-01-01");
        // (event_text, actor codes, actor entity texts)
        let want: [(&str, &[&str], &[&str]); 3] = [
            ("تركيا تسقط مقاتلة روسية.", &["TUR"], &["تركيا"]),
            (
                "مسلحون مجهولون يهاجمون حاجزا.",
                &["UNK"],
                &["مسلحون مجهولون"],
            ),
            ("مسلحون مجهولون يهاجمون حاجزا.", &[], &[]),
        ];
        assert_eq!(recs.len(), want.len());
        for (r, (sentence, codes, texts)) in recs.iter().zip(want) {
            assert_eq!(r["event_text"], sentence);
            let actors = r["actor"].as_array().unwrap();
            let got: Vec<&str> = actors.iter().map(|a| a["code"].as_str().unwrap()).collect();
            assert_eq!(got, codes, "{r}");
            let got: Vec<&str> = actors
                .iter()
                .map(|a| a["entity_text"].as_str().unwrap())
                .collect();
            assert_eq!(got, texts, "{r}");
            // Exactly 0.7, not the f32's 0.699999988…
            assert_eq!(r["confidence"], json!(0.7));
            assert_eq!(r["text_info"]["decided_by"], "model");
            assert_eq!(
                r["coder"],
                format!("marsad {} (assault.r; model)", env!("CARGO_PKG_VERSION"))
            );
            let rus = &r["recipient"][0];
            assert_eq!(
                (rus["name_ar"].as_str(), rus["name_en"].as_str()),
                (Some("روسيا"), Some("Russia"))
            );
        }
        let tur = &recs[0]["actor"][0];
        assert_eq!(
            (tur["name_ar"].as_str(), tur["name_en"].as_str()),
            (Some("تركيا"), Some("Turkey"))
        );
        assert_eq!(recs[1]["actor"][0]["identifier_id"], Value::Null);
        assert_eq!(recs[1]["text_info"]["actor_text"], "مسلحون مجهولون");
    }
}

// ---------------------------------------------------------------------------
// Exports from the store.

use std::io::Write;

use marsad_corpus::network::{plover_score, NetEvent, Network};
use marsad_store::{EventFilter, Store};
use marsad_table::{ColType, Column, TableFormat, TableOptions, TableWriter, Value as Cell};

/// PLOVER records of every stored document (or one story's), canonical
/// articles only unless `copies`.
pub fn plover_store(
    out: &mut dyn Write,
    store: &Store,
    kb: &Kb,
    story: Option<i64>,
    copies: bool,
) -> anyhow::Result<usize> {
    let coded = today();
    let mut n = 0usize;
    let mut err: Option<std::io::Error> = None;
    let mut write = |d: &Document| {
        for r in plover(d, kb, &coded) {
            if err.is_some() {
                return;
            }
            if let Err(e) = serde_json::to_writer(&mut *out, &r)
                .map_err(std::io::Error::from)
                .and_then(|_| out.write_all(b"\n"))
            {
                err = Some(e);
            }
            n += 1;
        }
    };
    match story {
        Some(s) => {
            for d in store.story_documents(s, copies)? {
                write(&d);
            }
        }
        None => store.for_each_document(copies, |d| write(&d), |_| {})?,
    }
    if let Some(e) = err {
        return Err(e.into());
    }
    Ok(n)
}

/// The modality of a stored event row.
fn modality(s: &str) -> marsad_doc::Modality {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .unwrap_or(marsad_doc::Modality::Asserted)
}

/// The actor network of the corpus or of one story (wire copies once).
pub fn network(store: &Store, story: Option<i64>) -> anyhow::Result<Network> {
    let mut events = Vec::new();
    store.for_each_event(
        &EventFilter {
            story,
            ..Default::default()
        },
        |r| {
            events.push(NetEvent {
                doc_id: r.doc_id,
                actor: r.actor,
                recipient: r.recipient,
                kind: r.kind,
                mode: r.mode,
                modality: modality(&r.modality),
            })
        },
    )?;
    Ok(Network::build(&events))
}

/// Which rows a table export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    Events,
    Entities,
    Quotes,
}

const EVENT_COLUMNS: &[Column] = &[
    Column::new("doc_id", ColType::Str),
    Column::new("published", ColType::OptStr),
    Column::new("story", ColType::OptInt),
    Column::new("seq", ColType::Int),
    Column::new("date", ColType::OptStr),
    Column::new("type", ColType::Str),
    Column::new("mode", ColType::OptStr),
    Column::new("quad", ColType::Int),
    Column::new("score", ColType::Float),
    Column::new("actor", ColType::StrList),
    Column::new("recipient", ColType::StrList),
    Column::new("modality", ColType::Str),
    Column::new("trigger", ColType::OptStr),
    Column::new("location", ColType::OptStr),
    Column::new("sentence", ColType::Int),
    Column::new("start", ColType::Int),
    Column::new("end", ColType::Int),
    Column::new("rule", ColType::Str),
    Column::new("copy_of", ColType::OptStr),
    // The evidence (after the older columns, which keep their positions).
    Column::new("actor_name_ar", ColType::StrList),
    Column::new("actor_name_en", ColType::StrList),
    Column::new("actor_text", ColType::OptStr),
    Column::new("recipient_name_ar", ColType::StrList),
    Column::new("recipient_name_en", ColType::StrList),
    Column::new("confidence", ColType::OptFloat),
    Column::new("decided_by", ColType::OptStr),
    Column::new("sentence_text", ColType::OptStr),
];

const ENTITY_COLUMNS: &[Column] = &[
    Column::new("doc_id", ColType::Str),
    Column::new("published", ColType::OptStr),
    Column::new("entity_id", ColType::Str),
    Column::new("type", ColType::Str),
    Column::new("name", ColType::Str),
    Column::new("name_ar", ColType::OptStr),
    Column::new("mentions", ColType::Int),
    Column::new("copy_of", ColType::OptStr),
];

const QUOTE_COLUMNS: &[Column] = &[
    Column::new("doc_id", ColType::Str),
    Column::new("published", ColType::OptStr),
    Column::new("speaker", ColType::OptStr),
    Column::new("speaker_text", ColType::Str),
    Column::new("cue", ColType::OptStr),
    Column::new("text", ColType::Str),
    Column::new("direct", ColType::Bool),
    Column::new("start", ColType::OptInt),
    Column::new("end", ColType::OptInt),
    Column::new("copy_of", ColType::OptStr),
];

/// Write events, entities or quotations of the store (or one story) as a
/// table; returns the number of rows. Offsets are characters of the
/// document's `text` (see `marsad.document/1`). Event rows carry their
/// evidence: the names of actors and recipients (Arabic and English, lists
/// in the order of the ids; an unknown name is an empty item), the words
/// naming an unknown actor, the confidence, what decided, the sentence.
#[allow(clippy::too_many_arguments)]
pub fn table<W: Write + Send>(
    out: W,
    format: TableFormat,
    bom: bool,
    store: &Store,
    kb: &Kb,
    rows: Rows,
    story: Option<i64>,
    copies: bool,
) -> anyhow::Result<u64> {
    let columns = match rows {
        Rows::Events => EVENT_COLUMNS,
        Rows::Entities => ENTITY_COLUMNS,
        Rows::Quotes => QUOTE_COLUMNS,
    };
    let mut w =
        TableWriter::with_options(out, format, columns, TableOptions::default().csv_bom(bom))?;
    let mut err: Option<marsad_table::TableError> = None;
    let mut push = |row: Vec<Cell>| {
        if err.is_none() {
            if let Err(e) = w.push(&row) {
                err = Some(e);
            }
        }
    };
    let int = |v: usize| Cell::Int(v as i64);
    match rows {
        Rows::Events => store.for_each_event(
            &EventFilter {
                story,
                copies,
                ..Default::default()
            },
            |mut r| {
                crate::queries::fill_row_names(&mut r, kb);
                let score = plover_score(&r.kind, r.mode.as_deref()) as f64;
                let names = |ns: &[marsad_store::EntityName], en: bool| -> Cell {
                    Cell::List(
                        ns.iter()
                            .map(|n| {
                                if en { &n.name_en } else { &n.name_ar }
                                    .clone()
                                    .unwrap_or_default()
                            })
                            .collect(),
                    )
                };
                let evidence = [
                    names(&r.actor_names, false),
                    names(&r.actor_names, true),
                    r.actor_text.into(),
                    names(&r.recipient_names, false),
                    names(&r.recipient_names, true),
                    r.confidence.into(),
                    r.decided_by.into(),
                    r.sentence_text.into(),
                ];
                push(
                    vec![
                        r.doc_id.into(),
                        r.published.into(),
                        r.story.into(),
                        int(r.seq),
                        r.date.into(),
                        r.kind.into(),
                        r.mode.into(),
                        Cell::Int(r.quad as i64),
                        score.into(),
                        r.actor.into(),
                        r.recipient.into(),
                        r.modality.into(),
                        r.trigger.into(),
                        r.location.into(),
                        int(r.sentence),
                        int(r.start),
                        int(r.end),
                        r.rule.into(),
                        r.copy_of.into(),
                    ]
                    .into_iter()
                    .chain(evidence)
                    .collect(),
                )
            },
        )?,
        Rows::Entities => store.for_each_entity(copies, story, |r| {
            push(vec![
                r.doc_id.into(),
                r.published.into(),
                r.entity_id.into(),
                r.kind.into(),
                r.name.into(),
                r.name_ar.into(),
                int(r.mentions),
                r.copy_of.into(),
            ])
        })?,
        Rows::Quotes => store.for_each_quote(None, copies, story, 0, |r| {
            push(vec![
                r.doc_id.into(),
                r.published.into(),
                r.speaker.into(),
                r.speaker_text.into(),
                r.cue.into(),
                r.text.into(),
                r.direct.into(),
                r.start.map(|v| v as i64).into(),
                r.end.map(|v| v as i64).into(),
                r.copy_of.into(),
            ])
        })?,
    }
    if let Some(e) = err {
        return Err(e.into());
    }
    let n = w.rows();
    let mut out = w.finish()?;
    out.flush()?;
    Ok(n)
}
