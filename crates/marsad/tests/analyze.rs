//! End-to-end tests of `marsad analyze`: snapshots of examples/, the seeds in
//! ../shared (skipped with a message when absent), and CLI exit codes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use marsad::analyze::{analyze_docs, Analysis};
use marsad_text::Options;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn analyze_path(p: &Path) -> (Vec<Analysis>, Vec<String>) {
    let inputs = marsad_ingest::read_inputs(&[p.display().to_string()]);
    let kb = marsad_kb::Kb::builtin().expect("built-in knowledge base");
    let tagger = marsad_recognize::Tagger::builtin().expect("built-in model");
    let rec = marsad_recognize::Recognizer::new(kb, Some(tagger));
    let out = analyze_docs(
        inputs.into_iter().collect(),
        None,
        &Options::default(),
        Some(&rec),
        |_| {},
    );
    (out.analyses, out.errors)
}

#[test]
fn examples_snapshots() {
    let dir = root().join("examples");
    let (analyses, errors) = analyze_path(&dir);
    assert!(errors.is_empty(), "examples must all analyse: {errors:?}");
    assert!(
        analyses.len() >= 6,
        "expected the example corpus, got {}",
        analyses.len()
    );
    for a in analyses {
        let mut doc = a.doc.clone();
        // Make paths independent of where the test runs.
        if let Some(p) = &doc.source.path {
            let p = p.replace('\\', "/");
            doc.source.path = Some(p[p.find("examples/").unwrap_or(0)..].to_string());
        }
        // Every sentence span must slice the text on char boundaries.
        let n = doc.text.chars().count();
        for s in &doc.sentences {
            assert!(s.start < s.end && s.end <= n, "{}: bad span {s:?}", doc.id);
        }
        insta::assert_json_snapshot!(format!("example-{}", doc.id), doc);
    }
}

fn seeds_dir() -> Option<PathBuf> {
    let d = root().join("../shared/seeds");
    if d.is_dir() {
        Some(d)
    } else {
        eprintln!(
            "SKIPPED: {} not found; seed tests need ../shared",
            d.display()
        );
        None
    }
}

#[test]
fn seeds_are_cleaned_as_an_analyst_expects() {
    let Some(dir) = seeds_dir() else { return };
    let (analyses, errors) = analyze_path(&dir);
    assert!(errors.is_empty(), "{errors:?}");
    let find = |prefix: &str| {
        analyses
            .iter()
            .find(|a| a.doc.id.starts_with(prefix))
            .unwrap_or_else(|| panic!("seed {prefix} missing"))
    };
    let sentences =
        |a: &Analysis| -> Vec<String> { a.doc.sentences.iter().map(|s| a.doc.slice(*s)).collect() };
    // Glued words repaired.
    let s001 = find("001");
    for want in ["موسكو وواشنطن", "الولايات المتحدة", "موسكو وأنقرة"]
    {
        assert!(s001.doc.text.contains(want), "001 lacks {want}");
    }
    assert!(!s001.doc.text.contains("الولاياتالمتحدة"));
    let s003 = find("003");
    assert!(s003.doc.text.contains("في سيناء") || !s003.doc.text.contains("فيسيناء"));
    // Footer, ad-blocker notice and alt-text gone; byline gone.
    for gone in [
        "Adblock",
        "زر الذهاب",
        "فلاديمير-بوتين",
        "اظهر المزيد",
        "كسينيا كوليكوفا",
    ] {
        assert!(!s003.doc.text.contains(gone), "003 still has {gone}");
    }
    // Headings kept as their own sentences.
    let s002 = find("002");
    assert!(
        sentences(s002).iter().any(|s| s == "عدو مشترك"),
        "{:?}",
        sentences(s002)
    );
    let s000 = find("000");
    assert!(
        sentences(s000).iter().any(|s| s == "الموقف الكردي"),
        "{:?}",
        sentences(s000)
    );
    assert!(sentences(s000).iter().any(|s| s == "تداعيات الإسقاط"));
    // Diacritics kept in display text.
    assert!(s002.doc.text.contains("يتعلّق"));
}

fn marsad() -> Command {
    Command::new(env!("CARGO_BIN_EXE_marsad"))
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("marsad-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn bad_inputs_are_named_and_the_rest_goes_on() {
    let d = tmpdir("bad");
    std::fs::write(d.join("good.txt"), "قال الوزير إن المحادثات ستستأنف غدا.").unwrap();
    std::fs::write(d.join("binary.txt"), [0u8, 159, 146, 150, 0, 1, 2, 3]).unwrap();
    std::fs::write(d.join("empty.txt"), "   \n\n").unwrap();
    std::fs::write(
        d.join("feed.jsonl"),
        "{\"id\":\"a\",\"text\":\"وصل الوفد إلى القاهرة.\"}\n{\"id\":\"b\",\"text\":\n{\"id\":\"c\",\"text\":\"عاد الوفد.\"}\n",
    )
    .unwrap();
    let out = marsad().arg("analyze").arg(&d).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.contains("binary.txt"), "{stderr}");
    assert!(stderr.contains("empty.txt"), "{stderr}");
    assert!(stderr.contains("feed.jsonl:2"), "{stderr}");
    let ids: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids, ["a", "c", "good"]);
}

#[test]
fn exit_codes_and_stdin() {
    // Usage errors: exit 2.
    let out = marsad()
        .args(["analyze", "--format", "xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = marsad()
        .args(["analyze", "/no/such/path"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/path"));
    let out = marsad()
        .args(["analyze", "--published", "2015-13-40", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // stdin with --published.
    let mut child = marsad()
        .args([
            "analyze",
            "-",
            "--published",
            "2015-11-25",
            "--format",
            "json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("أعلنت الحكومة خطة جديدة. ورحبت بها المعارضة.".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["schema"], "marsad.document/1");
    assert_eq!(v[0]["published"], "2015-11-25");
    assert_eq!(v[0]["sentences"].as_array().unwrap().len(), 2);
}

/// Publication dates of the seeds, from the table in ../shared/seeds/README.md.
fn seed_dates(dir: &Path) -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap_or_default();
    readme
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let file = cells.iter().find(|c| c.ends_with(".txt"))?;
            let date = cells
                .iter()
                .find(|c| c.len() == 10 && c.as_bytes()[4] == b'-')?;
            Some((file.to_string(), date.to_string()))
        })
        .collect()
}

#[test]
fn seeds_actors_are_found_and_linked() {
    let Some(dir) = seeds_dir() else { return };
    let kb = marsad_kb::Kb::builtin().expect("built-in knowledge base");
    let tagger = marsad_recognize::Tagger::builtin().expect("built-in model");
    let rec = marsad_recognize::Recognizer::new(kb, Some(tagger));
    let want: [(&str, &[&str]); 5] = [
        (
            "000",
            &[
                "country:TUR",
                "country:RUS",
                "country:USA",
                "country:SYR",
                "group:isis",
                "group:kurds",
                "person:francois-hollande",
                "person:barack-obama",
                "person:vladimir-putin",
                "person:bashar-al-assad",
                "new:person:شتراوس",
            ],
        ),
        (
            "001",
            &[
                "country:RUS",
                "country:USA",
                "country:TUR",
                "country:SAU",
                "country:QAT",
                "org:usa-pentagon",
                "org:nato",
                "group:peshmerga",
                "group:jaysh-al-fatah",
                "group:isis",
                "new:person:روبرت_اوتو",
                "new:organization:ستامبا",
                "person:recep-tayyip-erdogan",
            ],
        ),
        (
            "002",
            &[
                "country:RUS",
                "country:FRA",
                "group:isis",
                "person:francois-hollande",
                "person:vladimir-putin",
                "person:laurent-fabius",
                "new:person:ميخائيل_ماغيكوف",
                "new:person:فيتالي_تشوركين",
                "org:un-security-council",
                "place:sinai",
            ],
        ),
        (
            "003",
            &[
                "country:RUS",
                "country:FRA",
                "country:USA",
                "group:isis",
                "person:vladimir-putin",
                "person:barack-obama",
                "person:francois-hollande",
                "new:other:شارل_ديغول",
                "new:other:موسكو",
            ],
        ),
        (
            "004",
            &[
                "group:isis",
                "org:global-coalition-isis",
                "person:john-kerry",
                "person:haider-al-abadi",
                "place:palmyra",
                "place:ramadi",
                "country:IRQ",
            ],
        ),
    ];
    for (file, date) in seed_dates(&dir) {
        let path = dir.join(&file);
        let out = analyze_docs(
            marsad_ingest::read_inputs(&[path.display().to_string()]),
            Some(&date),
            &Options::default(),
            Some(&rec),
            |_| {},
        );
        let doc = &out.analyses[0].doc;
        let ids: Vec<&str> = doc.entities.iter().map(|e| e.id.as_str()).collect();
        let (_, need) = want
            .iter()
            .find(|(p, _)| file.starts_with(p))
            .expect("known seed");
        for id in *need {
            assert!(ids.contains(id), "{file}: {id} not found in {ids:?}");
        }
        // Vehicles and newspapers are never persons or places.
        for e in &doc.entities {
            let is_person_or_place = matches!(
                e.kind,
                marsad_doc::EntityType::Person | marsad_doc::EntityType::Location
            );
            for name in ["شارل ديغول", "ستامبا", "هاري ترومان"] {
                assert!(
                    !(is_person_or_place && e.name_ar.contains(name)),
                    "{file}: {e:?}"
                );
            }
            // Mentions point at their text.
            for m in &e.mentions {
                let t: String = doc
                    .text
                    .chars()
                    .skip(m.start)
                    .take(m.end - m.start)
                    .collect();
                assert_eq!(t, m.text, "{file}");
            }
        }
    }
}

#[test]
fn committed_ner_model_is_reproduced_by_train_ner() {
    let data = root().join("../shared/data/anercorp/ANERCorp_CamelLab_train.txt");
    let Ok(text) = std::fs::read_to_string(&data) else {
        eprintln!(
            "SKIPPED: {} not found; the model test needs ../shared",
            data.display()
        );
        return;
    };
    let examples =
        marsad_recognize::tagger::read_conll("anercorp", &text, true).expect("ANERcorp parses");
    let kb = marsad_kb::Kb::builtin().expect("built-in knowledge base");
    // `marsad train-ner` defaults: 10 epochs, seed 2015.
    let model = marsad::ner::train(kb, &examples, 10, 2015);
    assert!(
        model.to_bytes() == marsad_recognize::tagger::BUILTIN_MODEL,
        "data/models/ner.bin is stale: run `marsad train-ner` and commit the model"
    );
}

/// Killing `ingest` with SIGKILL mid-run leaves a consistent store, and a
/// rerun completes the work without duplicates.
#[test]
fn ingest_survives_sigkill_and_a_rerun_completes() {
    let dir = tmpdir("sigkill");
    let feed = dir.join("feed.jsonl");
    // A synthetic feed written here (our own words): 2,500 short articles.
    let words = [
        "أعلنت",
        "الحكومة",
        "اليوم",
        "أن",
        "الوفد",
        "سيزور",
        "العاصمة",
        "لبحث",
        "التعاون",
        "الاقتصادي",
        "وقال",
        "المتحدث",
        "إن",
        "المحادثات",
        "كانت",
        "بناءة",
        "وتركيا",
        "روسيا",
    ];
    let mut lines = String::new();
    for i in 0..2500usize {
        let mut text = String::new();
        for k in 0..40usize {
            text.push_str(words[(i * 7 + k * 3) % words.len()]);
            text.push(if k % 10 == 9 { '.' } else { ' ' });
        }
        lines.push_str(&format!(
            "{{\"id\":\"doc-{i}\",\"text\":\"{text} رقم {i}.\"}}\n"
        ));
    }
    std::fs::write(&feed, lines).unwrap();
    let db = dir.join("db");
    let mut child = marsad()
        .args([
            "ingest",
            feed.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(600));
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    // Consistent: every stored document has all its rows, nothing half-written.
    {
        let store = marsad_store::Store::open(&db).expect("store opens after SIGKILL");
        let c = store.counts().unwrap();
        // Whole batches only (2,000 documents per transaction).
        assert!(matches!(c.documents, 0 | 2000 | 2500), "{c:?}");
    }
    let out = marsad()
        .args([
            "ingest",
            feed.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = marsad_store::Store::open(&db).unwrap();
    assert_eq!(store.counts().unwrap().documents, 2500);
    let _ = std::fs::remove_dir_all(&dir);
}
