//! The search index end to end: a small corpus on disk, queries, filters,
//! upserts, reopening, and damaged directories.

use std::path::{Path, PathBuf};

use marsad_search::{IndexDoc, Query, SearchError, SearchIndex};

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let p =
            std::env::temp_dir().join(format!("marsad-search-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        TempDir(p)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Doc {
    id: &'static str,
    title: Option<&'static str>,
    text: &'static str,
    published: Option<&'static str>,
    source: Option<&'static str>,
    entities: &'static [&'static str],
    events: &'static [&'static str],
}

const CORPUS: &[Doc] = &[
    Doc {
        id: "d1",
        title: Some("زيارة رسمية"),
        text: "زار الوزير بروسيا أمس لبحث العلاقات الثنائية.",
        published: Some("2015-03-01"),
        source: Some("aljazeera"),
        entities: &["Q159"],
        events: &["CONSULT"],
    },
    Doc {
        id: "d2",
        title: None,
        text: "وروسيا والصين وقعتا اتفاقا للتعاون.",
        published: Some("2015-06-10"),
        source: Some("alarabiya"),
        entities: &["Q159", "Q148"],
        events: &["COOPERATE"],
    },
    Doc {
        id: "d3",
        title: None,
        text: "أرسلت الحكومة مساعدات لروسيا.",
        published: Some("2016-01-05"),
        source: Some("aljazeera"),
        entities: &["Q159"],
        events: &["AID"],
    },
    Doc {
        id: "d4",
        title: None,
        text: "قالت الحكومة الروسية إن المحادثات مستمرة.",
        published: Some("2016-02-01T10:00:00"),
        source: Some("bbc"),
        entities: &[],
        events: &[],
    },
    Doc {
        id: "d5",
        title: None,
        text: "وصل الرئيس إلى أميركا في زيارة تستمر يومين.",
        published: None,
        source: None,
        entities: &[],
        events: &[],
    },
    Doc {
        id: "d6",
        title: None,
        text: "يتعلّق الأمر بالاقتصاد.",
        published: None,
        source: None,
        entities: &[],
        events: &[],
    },
    Doc {
        id: "d7",
        title: None,
        text: "المسؤول الاميركي قال إن البنتاجون لم يعلق.",
        published: None,
        source: None,
        entities: &[],
        events: &[],
    },
    Doc {
        id: "d8",
        title: None,
        text: "التقى وزير الخارجية الروسي نظيره في قمة NATO.",
        published: Some("2016-05-05"),
        source: Some("bbc"),
        entities: &[],
        events: &[],
    },
    Doc {
        id: "d9",
        title: None,
        text: "قال وزير الدفاع إن الخارجية لم ترد.",
        published: None,
        source: None,
        entities: &[],
        events: &[],
    },
    Doc {
        id: "d10",
        title: Some("روسيا اليوم"),
        text: "تقرير قناة روسيا اليوم عن الانتخابات.",
        published: None,
        source: None,
        entities: &[],
        events: &[],
    },
    Doc {
        id: "d11",
        title: None,
        text: "وقال متحدث بروسيا اليوم إن الانتخابات جرت.",
        published: None,
        source: None,
        entities: &[],
        events: &[],
    },
];

fn owned(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn index_corpus(ix: &SearchIndex, docs: &[Doc]) {
    let mut w = ix.writer().unwrap();
    for d in docs {
        let (entities, events) = (owned(d.entities), owned(d.events));
        w.upsert(&IndexDoc {
            id: d.id,
            title: d.title,
            text: d.text,
            published: d.published,
            source: d.source,
            entities: &entities,
            event_types: &events,
        })
        .unwrap();
    }
    w.commit().unwrap();
}

fn ids(ix: &SearchIndex, q: &Query) -> Vec<String> {
    ix.search(q)
        .unwrap_or_else(|e| panic!("{q:?}: {e}"))
        .into_iter()
        .map(|h| h.id)
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn queries_filters_and_snippets() {
    let dir = TempDir::new("queries");
    let ix = SearchIndex::open(dir.path()).unwrap();
    index_corpus(&ix, CORPUS);
    assert_eq!(ix.num_docs(), CORPUS.len() as u64);

    // (query, matching ids in any order)
    let cases: &[(&str, &[&str])] = &[
        // clitics: the bare stem finds ب و ل forms
        ("روسيا", &["d1", "d10", "d11", "d2", "d3"]),
        ("بروسيا", &["d1", "d10", "d11", "d2", "d3"]),
        // stem field: روسي finds الروسية and الروسي
        ("روسي", &["d4", "d8"]),
        // spelling variants (variants.tsv)
        ("أمريكا", &["d5"]),
        ("أميركا", &["d5"]),
        ("الأمريكي", &["d7"]),
        ("البنتاغون", &["d7"]),
        // hamza and diacritics both ways
        ("الأميركي", &["d7"]),
        ("يتعلق", &["d6"]),
        ("يتعلّق", &["d6"]),
        ("الرُّوسِيَّة", &["d4", "d8"]),
        // all words must match
        ("روسيا الصين", &["d2"]),
        ("وزير الخارجية", &["d8", "d9"]),
        // phrases
        ("\"وزير الخارجية\"", &["d8"]),
        ("«الحكومة الروسية»", &["d4"]),
        ("\"الخارجية وزير\"", &[]),
        // OR
        ("روسيا OR أميركا", &["d1", "d10", "d11", "d2", "d3", "d5"]),
        ("الصين OR أميركا الرئيس", &["d5"]),
        // Latin, case-insensitive
        ("nato", &["d8"]),
        ("غائب", &[]),
    ];
    let mut bad = Vec::new();
    for (q, want) in cases {
        let got = sorted(ids(&ix, &Query::text(q)));
        if got != owned(want) {
            bad.push(format!("{q}: got {got:?}, want {want:?}"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));

    // Filters, alone and combined: (text, since, until, entities, event, source).
    type F = (
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        &'static [&'static str],
        Option<&'static str>,
        Option<&'static str>,
    );
    let filters: &[(F, &[&str])] = &[
        (
            ("روسيا", Some("2015-06-01"), None, &[], None, None),
            &["d2", "d3"],
        ),
        (
            ("روسيا", None, Some("2015-12-31"), &[], None, None),
            &["d1", "d2"],
        ),
        (
            (
                "روسيا",
                Some("2015-06-10"),
                Some("2015-06-10"),
                &[],
                None,
                None,
            ),
            &["d2"],
        ),
        (
            ("", Some("2016-02-01"), None, &[], None, None),
            &["d4", "d8"],
        ),
        (("روسيا", None, None, &["Q148"], None, None), &["d2"]),
        (("", None, None, &["Q159", "Q148"], None, None), &["d2"]),
        (("", None, None, &["Q159"], None, None), &["d1", "d2", "d3"]),
        (("روسيا", None, None, &[], Some("CONSULT"), None), &["d1"]),
        (
            ("روسيا", None, None, &[], None, Some("aljazeera")),
            &["d1", "d3"],
        ),
        (
            (
                "روسيا",
                Some("2015-06-01"),
                None,
                &[],
                None,
                Some("aljazeera"),
            ),
            &["d3"],
        ),
        (
            (
                "",
                None,
                Some("2016-01-31"),
                &["Q159"],
                Some("AID"),
                Some("aljazeera"),
            ),
            &["d3"],
        ),
        (("", None, None, &[], None, Some("nowhere")), &[]),
        (("الحكومة", None, None, &[], None, Some("bbc")), &["d4"]),
    ];
    for ((text, since, until, ents, ev, src), want) in filters {
        let q = Query {
            text: text.to_string(),
            since: since.map(str::to_string),
            until: until.map(str::to_string),
            entity: owned(ents),
            event_type: ev.map(str::to_string),
            source: src.map(str::to_string),
            limit: 50,
        };
        assert_eq!(sorted(ids(&ix, &q)), owned(want), "{q:?}");
    }

    // No words: filtered documents, newest first.
    let q = Query {
        source: Some("aljazeera".into()),
        ..Query::default()
    };
    assert_eq!(ids(&ix, &q), ["d3", "d1"]);
    let q = Query {
        limit: 1,
        ..Query::default()
    };
    assert_eq!(ids(&ix, &q), ["d8"]);

    // A quoted phrase ranks the exact surface form first (روسيا اليوم vs
    // بروسيا اليوم), and the title boost puts d10 first.
    let got = ids(&ix, &Query::text("\"روسيا اليوم\""));
    assert_eq!(got, ["d10", "d11"]);

    // Hits carry stored fields and highlighted surface words.
    let hits = ix.search(&Query::text("روسيا")).unwrap();
    let d1 = hits.iter().find(|h| h.id == "d1").unwrap();
    assert_eq!(d1.title.as_deref(), Some("زيارة رسمية"));
    assert_eq!(d1.published.as_deref(), Some("2015-03-01"));
    assert_eq!(d1.source.as_deref(), Some("aljazeera"));
    assert_eq!(d1.snippet, CORPUS[0].text);
    let words: Vec<&str> = d1
        .highlights
        .iter()
        .map(|&(a, b)| &d1.snippet[a..b])
        .collect();
    assert_eq!(words, ["بروسيا"]);
    let hits = ix.search(&Query::text("روسي")).unwrap();
    // The text-field match (الروسي) ranks above the stem-only one (الروسية).
    assert_eq!(hits[0].id, "d8");
    let d4 = &hits[1];
    assert_eq!(d4.id, "d4");
    assert_eq!(d4.published.as_deref(), Some("2016-02-01"));
    let words: Vec<&str> = d4
        .highlights
        .iter()
        .map(|&(a, b)| &d4.snippet[a..b])
        .collect();
    assert_eq!(words, ["الروسية"]);

    // Bad queries are errors with a message, never panics.
    let bad: &[Query] = &[
        Query::text("\"روسيا"),
        Query::text("OR روسيا"),
        Query::text("؟؟؟"),
        Query {
            since: Some("2015-13-01".into()),
            ..Query::default()
        },
        Query {
            until: Some("yesterday".into()),
            ..Query::default()
        },
        Query {
            since: Some("2016-01-01".into()),
            until: Some("2015-01-01".into()),
            ..Query::default()
        },
    ];
    for q in bad {
        match ix.search(q) {
            Err(SearchError::Query(m)) => assert!(!m.is_empty()),
            other => panic!("{q:?}: {other:?}"),
        }
    }
    // Tantivy query syntax means nothing here.
    assert_eq!(ids(&ix, &Query::text("text:روسيا")), Vec::<String>::new());
    assert_eq!(sorted(ids(&ix, &Query::text("(روسيا) +الصين -"))), ["d2"]);
}

#[test]
fn upsert_delete_reopen() {
    let dir = TempDir::new("upsert");
    let doc = |id, text| IndexDoc {
        id,
        title: None,
        text,
        published: Some("2020-01-01"),
        source: None,
        entities: &[],
        event_types: &[],
    };
    {
        let ix = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(ix.num_docs(), 0);
        // A second handle (as in another process) sees commits too.
        let other = SearchIndex::open(dir.path()).unwrap();
        let mut w = ix.writer().unwrap();
        // A second writer is refused while the first lives.
        assert!(matches!(ix.writer(), Err(SearchError::Locked { .. })));
        w.upsert(&doc("a", "خبر عن موسكو")).unwrap();
        w.upsert(&doc("a", "خبر عن موسكو")).unwrap();
        w.upsert(&doc("b", "خبر عن القاهرة")).unwrap();
        w.commit().unwrap();
        assert_eq!(ix.num_docs(), 2);
        assert_eq!(other.num_docs(), 2);
        assert_eq!(ids(&other, &Query::text("القاهرة")), ["b"]);
        // Upsert in a later commit replaces.
        w.upsert(&doc("a", "خبر عن بغداد")).unwrap();
        w.commit().unwrap();
        assert_eq!(ix.num_docs(), 2);
        assert_eq!(ids(&ix, &Query::text("موسكو")), Vec::<String>::new());
        assert_eq!(ids(&ix, &Query::text("بغداد")), ["a"]);
        w.delete("b");
        w.delete("missing");
        w.commit().unwrap();
        assert_eq!(ix.num_docs(), 1);
        // Uncommitted changes are dropped with the writer.
        w.upsert(&doc("c", "خبر عن دمشق")).unwrap();
        drop(w);
        assert_eq!(ix.num_docs(), 1);
        // A malformed date is an error naming the document.
        let mut w = ix.writer().unwrap();
        let e = w
            .upsert(&IndexDoc {
                published: Some("01/02/2020"),
                ..doc("x", "نص")
            })
            .unwrap_err();
        assert!(e.to_string().starts_with("document x: "), "{e}");
    }
    let ix = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(ix.num_docs(), 1);
    assert_eq!(ids(&ix, &Query::text("بغداد")), ["a"]);
    drop(ix);
    let ix = SearchIndex::create_fresh(dir.path()).unwrap();
    assert_eq!(ix.num_docs(), 0);
    assert_eq!(ids(&ix, &Query::text("بغداد")), Vec::<String>::new());
}

fn assert_damaged(r: Result<SearchIndex, SearchError>, what: &str) {
    match r {
        Err(e @ SearchError::Damaged { .. }) => {
            let m = e.to_string();
            assert!(m.contains("marsad-search-test-"), "{what}: no path in {m}");
        }
        Err(e) => panic!("{what}: expected Damaged, got {e}"),
        Ok(ix) => {
            // Opening may only notice at the first search; never panic.
            match ix.search(&Query::text("روسيا")) {
                Err(SearchError::Damaged { .. }) => {}
                other => panic!("{what}: opened and searched: {other:?}"),
            }
        }
    }
}

/// Every index file other than meta.json.
fn segment_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            !n.starts_with('.') && n != "meta.json" && n != ".managed.json"
        })
        .collect();
    v.sort();
    v
}

#[test]
fn damaged_directories() {
    // garbage meta.json, and valid JSON that is no index
    for (name, meta) in [
        ("meta-garbage", &b"\x00\xffgarbage"[..]),
        ("meta-empty", b""),
        ("meta-json", b"{\"hello\": 1}"),
    ] {
        let dir = TempDir::new(name);
        std::fs::create_dir_all(dir.path()).unwrap();
        std::fs::write(dir.path().join("meta.json"), meta).unwrap();
        assert_damaged(SearchIndex::open(dir.path()), name);
    }
    // unrelated files and no meta.json
    let dir = TempDir::new("foreign");
    std::fs::create_dir_all(dir.path()).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "hello").unwrap();
    assert_damaged(SearchIndex::open(dir.path()), "foreign");
    // create_fresh replaces it
    assert_eq!(SearchIndex::create_fresh(dir.path()).unwrap().num_docs(), 0);

    // a real index whose segment files are overwritten / truncated / removed
    type Damage = fn(&Path);
    let damages: &[(&str, Damage)] = &[
        ("overwritten", |p| {
            std::fs::write(p, b"not a segment file").unwrap()
        }),
        ("truncated", |p| {
            let b = std::fs::read(p).unwrap();
            std::fs::write(p, &b[..b.len() / 2]).unwrap()
        }),
        ("emptied", |p| std::fs::write(p, b"").unwrap()),
        ("removed", |p| std::fs::remove_file(p).unwrap()),
    ];
    for (name, damage) in damages {
        let dir = TempDir::new(name);
        index_corpus(&SearchIndex::open(dir.path()).unwrap(), CORPUS);
        let files = segment_files(dir.path());
        assert!(!files.is_empty());
        for f in &files {
            damage(f);
        }
        assert_damaged(SearchIndex::open(dir.path()), name);
    }

    // one flipped byte inside a file: verify() finds it
    let dir = TempDir::new("flipped");
    index_corpus(&SearchIndex::open(dir.path()).unwrap(), CORPUS);
    let ix = SearchIndex::open(dir.path()).unwrap();
    ix.verify().unwrap();
    drop(ix);
    let f = segment_files(dir.path())
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "store"))
        .unwrap();
    let mut b = std::fs::read(&f).unwrap();
    b[4] ^= 0x55;
    std::fs::write(&f, &b).unwrap();
    let ix = SearchIndex::open(dir.path()).unwrap();
    match ix.verify() {
        Err(e @ SearchError::Damaged { .. }) => assert!(e.to_string().contains(".store")),
        other => panic!("{other:?}"),
    }

    // create_fresh refuses a directory with subdirectories
    let dir = TempDir::new("tree");
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    assert!(matches!(
        SearchIndex::create_fresh(dir.path()),
        Err(SearchError::Index { .. })
    ));
    assert!(dir.path().join("sub").exists());
}
