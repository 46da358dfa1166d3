//! Every stored event carries its evidence in every view and export: the
//! sentence, the trigger, ids and names of actors and recipients, the words
//! naming an unknown actor, modality, what decided, confidence. Unknown
//! actors make no network edge. Hostile text does not reach a spreadsheet
//! as a formula nor a terminal as an escape sequence.

use serde_json::Value;

use super::{run_ok, tmpdir};

/// One article with an unknown actor, one whose id is a spreadsheet formula.
const FEED: &str = r#"{"id":"u1","published":"2015-11-25","text":"فجر انتحاري نفسه في سوق شعبي ببغداد صباح الأربعاء. وهاجم مسلحون مجهولون حاجزا للجيش العراقي في الرمادي."}
{"id":"=1+1","published":"2015-11-24","text":"أسقطت تركيا مقاتلة روسية قرب الحدود السورية. وقال الرئيس الروسي إن موسكو ستفرض عقوبات على أنقرة."}
"#;

fn json(o: &str) -> Value {
    serde_json::from_str(o).unwrap_or_else(|e| panic!("{e}: {o}"))
}

fn jsonl(o: &str) -> Vec<Value> {
    o.lines().map(json).collect()
}

#[test]
fn events_carry_their_evidence_everywhere() {
    let dir = tmpdir("evidence");
    let feed = dir.join("feed.jsonl");
    std::fs::write(&feed, FEED).unwrap();
    let db = dir.join("db");
    let (feed, db) = (feed.to_str().unwrap(), db.to_str().unwrap());
    run_ok(&["ingest", feed, "--db", db, "-q"]);

    // `events --format json`: every field, names from the knowledge base.
    let (o, _) = run_ok(&["events", "--db", db, "--format", "json"]);
    let rows = json(&o);
    let rows = rows.as_array().unwrap();
    assert!(!rows.is_empty(), "{o}");
    for r in rows {
        for k in [
            "sentence_text",
            "trigger",
            "actor_names",
            "recipient_names",
            "actor_text",
            "modality",
            "confidence",
            "decided_by",
            "rule",
        ] {
            assert!(r.get(k).is_some(), "no {k} in {r}");
        }
        let sentence = r["sentence_text"].as_str().unwrap_or_else(|| panic!("{r}"));
        assert!(!sentence.is_empty());
        for (ids, names) in [("actor", "actor_names"), ("recipient", "recipient_names")] {
            let ids: Vec<&Value> = r[ids].as_array().unwrap().iter().collect();
            let named: Vec<&Value> = r[names]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| &n["id"])
                .collect();
            assert_eq!(ids, named, "{r}");
        }
        if let Some(c) = r["confidence"].as_f64() {
            assert!((0.0..=1.0).contains(&c), "{r}");
        }
        assert!(
            matches!(r["decided_by"].as_str(), None | Some("model" | "rule")),
            "{r}"
        );
    }
    let named = |id: &str| {
        rows.iter()
            .flat_map(|r| {
                let a = r["actor_names"].as_array().unwrap().iter();
                a.chain(r["recipient_names"].as_array().unwrap())
            })
            .find(|n| n["id"] == id)
            .cloned()
    };
    let rus = named("country:RUS").unwrap_or_else(|| panic!("no Russia: {o}"));
    assert_eq!(
        (rus["name_ar"].as_str(), rus["name_en"].as_str()),
        (Some("روسيا"), Some("Russia"))
    );
    let unknown = rows
        .iter()
        .find(|r| r["actor"].as_array().unwrap().is_empty() && r["actor_text"].is_string())
        .unwrap_or_else(|| panic!("no event with an unknown actor (مسلحون مجهولون): {o}"));
    let unknown_text = unknown["actor_text"].as_str().unwrap().to_string();

    // --min-confidence: events without a confidence count as 1.
    let min = 0.5;
    let kept = |rows: &[Value]| {
        rows.iter()
            .filter(|r| r["confidence"].as_f64().unwrap_or(1.0) >= min)
            .count()
    };
    let (o, _) = run_ok(&[
        "events",
        "--db",
        db,
        "--min-confidence",
        "0.5",
        "--format",
        "json",
    ]);
    let filtered = json(&o);
    let filtered = filtered.as_array().unwrap();
    assert_eq!(filtered.len(), kept(rows), "{o}");
    assert!(filtered
        .iter()
        .all(|r| r["confidence"].as_f64().unwrap_or(1.0) >= min));

    // The table: evidence under each event, the unknown actor by its words,
    // no control characters.
    let (o, _) = run_ok(&["events", "--db", db]);
    assert!(o.contains("trigger «") && o.contains(&unknown_text), "{o}");
    assert!(o.contains("(unknown)"), "{o}");
    assert!(!o.chars().any(|c| c.is_control() && c != '\n'), "{o:?}");

    // CSV: the new columns, and the formula-looking id neutralised.
    let (o, _) = run_ok(&["export", "--db", db, "--table", "events", "--format", "csv"]);
    let header = o.lines().next().unwrap();
    for col in [
        "actor_name_ar",
        "actor_name_en",
        "actor_text",
        "recipient_name_ar",
        "recipient_name_en",
        "confidence",
        "decided_by",
        "sentence_text",
    ] {
        assert!(header.split(',').any(|h| h == col), "{col} not in {header}");
    }
    assert!(o.lines().any(|l| l.starts_with("'=1+1,")), "{o}");
    assert!(!o.lines().any(|l| l.starts_with("=1+1")), "{o}");
    // JSONL: the same columns, the id as it is.
    let (o, _) = run_ok(&[
        "export", "--db", db, "--table", "events", "--format", "jsonl",
    ]);
    let lines = jsonl(&o);
    assert_eq!(lines.len(), rows.len());
    assert!(lines.iter().any(|l| l["doc_id"] == "=1+1"));
    let u = lines
        .iter()
        .find(|l| l["actor_text"] == unknown_text.as_str())
        .unwrap();
    assert_eq!(u["actor_name_ar"], serde_json::json!([]));
    assert!(u["sentence_text"].as_str().unwrap().contains(&unknown_text));
    let l = lines
        .iter()
        .find(|l| l["recipient"] == serde_json::json!(["country:TUR"]))
        .unwrap_or_else(|| panic!("no event towards Turkey: {o}"));
    assert_eq!(l["recipient_name_ar"], serde_json::json!(["تركيا"]));
    assert_eq!(l["recipient_name_en"], serde_json::json!(["Turkey"]));

    // PLOVER, from the store and from the files: the unknown actor is an
    // UNK entity with its words; confidence and coder are there.
    let (from_store, _) = run_ok(&["export", "--db", db, "--format", "plover-jsonl"]);
    let (from_files, _) = run_ok(&["export", feed, "--format", "plover-jsonl"]);
    for o in [from_store, from_files] {
        let recs = jsonl(&o);
        assert_eq!(recs.len(), rows.len(), "{o}");
        for r in &recs {
            assert!(!r["event_text"].as_str().unwrap().is_empty(), "{r}");
            assert!(r.get("confidence").is_some(), "{r}");
            assert!(r["coder"].as_str().unwrap().starts_with("marsad "), "{r}");
            for e in r["actor"].as_array().unwrap() {
                assert!(e["entity_text"].is_string(), "{r}");
            }
        }
        let u = recs
            .iter()
            .find(|r| r["text_info"]["actor_text"] == unknown_text.as_str())
            .unwrap_or_else(|| panic!("{o}"));
        assert_eq!(u["actor"][0]["code"], "UNK");
        assert_eq!(u["actor"][0]["sector"], "UNK");
        assert_eq!(u["actor"][0]["entity_text"], unknown_text.as_str());
        let rus = recs
            .iter()
            .flat_map(|r| r["actor"].as_array().unwrap())
            .find(|e| e["identifier_id"] == "country:RUS")
            .unwrap_or_else(|| panic!("{o}"));
        assert_eq!(
            (rus["name_ar"].as_str(), rus["name_en"].as_str()),
            (Some("روسيا"), Some("Russia"))
        );
    }

    // Networks: an unknown actor is no node and makes no edge.
    for format in ["graphml", "gexf"] {
        let (o, _) = run_ok(&["export", "--db", db, "--format", format]);
        assert!(!o.contains("source=\"\""), "{o}");
        assert!(!o.contains("id=\"\""), "{o}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
