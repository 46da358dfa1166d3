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
        "office": office,
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
        let mut r = json!({
            "id": format!("{}-{}", doc.id, n + 1),
            "date": date,
            "actor": e.actor.iter().map(|a| entity(doc, kb, a, &date, ev)).collect::<Vec<_>>(),
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
            },
            "cite_info": {
                "corpus": "marsad",
                "citation": doc.id,
                "url": doc.source.url,
                "title": doc.title,
                "language": "ar",
                "publication": doc.source.path,
            },
            "coder": format!("marsad {} ({})", env!("CARGO_PKG_VERSION"), e.rule),
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
}
