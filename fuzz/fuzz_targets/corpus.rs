//! Arbitrary input through the corpus layer's parsers: search queries against
//! a small index (query parser, analyzer, snippets), the search and corpus
//! data-file parsers, MinHash signatures and their byte form, stored story
//! features and the clusterer. None may panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use marsad_corpus::minhash::{estimate, Signature};
use marsad_corpus::stories::{Clusterer, DocFeatures, Params};
use marsad_search::{IndexDoc, Query, SearchIndex};

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("marsad-fuzz-index-{}", std::process::id()));
        let idx = SearchIndex::create_fresh(&dir).expect("index");
        let mut w = idx.writer().expect("writer");
        let texts = [
            "زار وفد من أميركا العاصمة الروسية لبحث التعاون في مكافحة الإرهاب.",
            "اتصل الرئيس الفرنسي بروسيا وألمانيا قبل القمة، وقال إن الأمر «يتعلّق بالأمن».",
            "Turkey shot down a Russian jet near the Syrian border on 24 November 2015.",
        ];
        for (i, t) in texts.iter().enumerate() {
            w.upsert(&IndexDoc {
                id: &format!("d{i}"),
                title: Some("عنوان"),
                text: t,
                published: Some("2015-11-24"),
                source: Some("fuzz"),
                entities: &["country:RUS".to_string()],
                event_types: &["ASSAULT".to_string()],
            })
            .expect("upsert");
        }
        w.commit().expect("commit");
        drop(w);
        idx
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Search: the query as typed, and the same words as an index document.
    let mut q = Query::text(&text);
    q.limit = 5;
    let _ = index().search(&q);
    if let Ok(a) = marsad_search::analyzer::Analyzer::builtin() {
        let _ = a.words(&text);
    }
    let _ = marsad_search::analyzer::LightStemmer::parse("fuzz.txt", &text);
    let _ = marsad_search::analyzer::Variants::parse("fuzz.tsv", &text);
    let _ = marsad_corpus::network::ScoreTable::parse("fuzz.tsv", &text);
    let _ = marsad_corpus::words::StopWords::parse("fuzz.txt", &text);
    // Signatures: of the text, and the raw bytes read back as a stored one.
    let s = Signature::of_text(&text);
    if let Ok(t) = Signature::from_bytes(data) {
        let e = estimate(&s, &t);
        assert!((0.0..=1.0).contains(&e));
    }
    // Stored story features (JSON) into a clusterer.
    if let Ok(f) = serde_json::from_slice::<DocFeatures>(data) {
        let mut c = Clusterer::new(Params::default());
        let id = c.add(f.clone());
        let _ = c.representative_title(id);
        let _ = c.add(f);
        let _ = c.stories();
    }
});
