//! marsad-store: the embedded store of analysed documents (SQLite).
//!
//! One database file, `marsad.db`, in the store directory. Schema version in
//! `PRAGMA user_version`: an empty database is created at the current
//! version, an older one migrated, a newer one refused. Every `put` is one
//! transaction, so a killed process leaves either all of a batch or none of
//! it. Documents are keyed by id; the content hash decides whether a second
//! copy is the same (skipped) or changed (replaces the old rows).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use marsad_doc::Document;
use rusqlite::{params, Connection, OptionalExtension};
use thiserror::Error;

/// Current schema version.
pub const SCHEMA_VERSION: i64 = 3;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Sqlite {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path}: database schema version {found} is newer than this marsad understands ({SCHEMA_VERSION}); use a newer marsad")]
    NewerSchema { path: String, found: i64 },
}

/// What a `put` did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PutStats {
    pub added: usize,
    pub replaced: usize,
    pub unchanged: usize,
}

/// Row counts of the store.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub documents: usize,
    pub entities: usize,
    pub events: usize,
    pub quotes: usize,
}

/// A document to store with what ingest computed beside the analysis.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    pub doc: &'a Document,
    /// Hash of the raw input (decides, before analysis, that nothing changed).
    pub raw_hash: Option<&'a str>,
    /// MinHash signature bytes (near-duplicate detection).
    pub signature: Option<&'a [u8]>,
    /// Story features (JSON), for clustering later documents against this one.
    pub features: Option<&'a str>,
}

/// See [`Store::seen`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    New,
    Stored,
    Alias(String),
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// FNV-1a 64 of raw input (title, publication date, text) before analysis:
/// same hash, same input, nothing to analyse again.
pub fn raw_hash(title: Option<&str>, published: Option<&str>, text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in title
        .unwrap_or("")
        .bytes()
        .chain([0u8])
        .chain(published.unwrap_or("").bytes())
        .chain([0u8])
        .chain(text.bytes())
    {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// FNV-1a 64 of the document's content (title and text): stable across runs
/// and versions, unlike `std`'s hasher.
pub fn content_hash(d: &Document) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in d
        .title
        .as_deref()
        .unwrap_or("")
        .bytes()
        .chain([0u8])
        .chain(d.text.bytes())
    {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A confidence as stored: the `f32` widened through its shortest decimal
/// form, so that 0.7 is stored (and compared, and exported) as 0.7, not
/// 0.699999988079071.
pub fn confidence_value(c: f32) -> f64 {
    c.to_string().parse().unwrap_or(c as f64)
}

/// Version 1 of the schema (kept: a version-1 database is migrated by
/// [`MIGRATE_V2`], and tests build one from this).
pub const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS documents (
    id          TEXT PRIMARY KEY,
    hash        TEXT NOT NULL,
    published   TEXT,
    title       TEXT,
    source      TEXT,
    json        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_published ON documents(published);
CREATE INDEX IF NOT EXISTS documents_hash ON documents(hash);
CREATE TABLE IF NOT EXISTS entities (
    doc_id      TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    entity_id   TEXT NOT NULL,
    type        TEXT NOT NULL,
    name        TEXT NOT NULL,
    mentions    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS entities_entity ON entities(entity_id);
CREATE INDEX IF NOT EXISTS entities_doc ON entities(doc_id);
CREATE TABLE IF NOT EXISTS events (
    doc_id      TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    type        TEXT NOT NULL,
    mode        TEXT,
    quad        INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    date        TEXT,
    modality    TEXT NOT NULL,
    rule        TEXT NOT NULL,
    sentence    INTEGER NOT NULL,
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_doc ON events(doc_id);
CREATE INDEX IF NOT EXISTS events_type ON events(type);
CREATE TABLE IF NOT EXISTS quotes (
    doc_id      TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    speaker     TEXT,
    speaker_text TEXT NOT NULL,
    text        TEXT NOT NULL,
    direct      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS quotes_doc ON quotes(doc_id);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker);
";

/// Version 1 → 2: the raw-input hash (skip analysis of unchanged input),
/// near-duplicate links, story membership, the MinHash signature and story
/// features of each document; entity Arabic names, event triggers and quote
/// offsets; stories and id aliases (same content under another id).
/// Documents of a version-1 store get signatures, features and stories on
/// the next ingest (they are "pending": `story IS NULL`).
const MIGRATE_V2: &str = "
ALTER TABLE documents ADD COLUMN raw_hash TEXT;
ALTER TABLE documents ADD COLUMN dup_of TEXT;
ALTER TABLE documents ADD COLUMN dup_score REAL;
ALTER TABLE documents ADD COLUMN story INTEGER;
ALTER TABLE documents ADD COLUMN signature BLOB;
ALTER TABLE documents ADD COLUMN features TEXT;
CREATE INDEX IF NOT EXISTS documents_raw_hash ON documents(raw_hash);
CREATE INDEX IF NOT EXISTS documents_story ON documents(story);
CREATE INDEX IF NOT EXISTS documents_dup ON documents(dup_of);
ALTER TABLE entities ADD COLUMN name_ar TEXT;
ALTER TABLE events ADD COLUMN trigger TEXT;
ALTER TABLE events ADD COLUMN location TEXT;
ALTER TABLE quotes ADD COLUMN cue TEXT;
ALTER TABLE quotes ADD COLUMN start INTEGER;
ALTER TABLE quotes ADD COLUMN end INTEGER;
CREATE INDEX IF NOT EXISTS events_actor ON events(actor);
CREATE TABLE IF NOT EXISTS stories (
    id          INTEGER PRIMARY KEY,
    title       TEXT,
    first       TEXT,
    last        TEXT,
    documents   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS aliases (
    id          TEXT PRIMARY KEY,
    doc_id      TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE
);
";

/// Version 2 → 3: the evidence of each event: the learned detector's
/// confidence, what decided (`model` or `rule`), the words naming an actor
/// the knowledge base cannot name, and the sentence's text. Events of a
/// version-2 store get NULLs (their sentence is cut from the stored document
/// when queried).
const MIGRATE_V3: &str = "
ALTER TABLE events ADD COLUMN confidence REAL;
ALTER TABLE events ADD COLUMN decided_by TEXT;
ALTER TABLE events ADD COLUMN actor_text TEXT;
ALTER TABLE events ADD COLUMN sentence_text TEXT;
";

impl Store {
    /// Open (creating if needed) the store in directory `dir`.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Io {
            path: dir.display().to_string(),
            source: e,
        })?;
        let path = dir.join("marsad.db");
        let p = path.display().to_string();
        let sql = |e| StoreError::Sqlite {
            path: p.clone(),
            source: e,
        };
        let conn = Connection::open(&path).map_err(sql)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sql)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(sql)?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(sql)?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: p,
                found: version,
            });
        }
        if version < SCHEMA_VERSION {
            // Version 0 is an empty (new) database: version 1, then the
            // migrations, all in one transaction (a crash leaves the old
            // version, which migrates again).
            let tx = conn.unchecked_transaction().map_err(sql)?;
            if version < 1 {
                tx.execute_batch(SCHEMA_V1).map_err(sql)?;
            }
            if version < 2 {
                tx.execute_batch(MIGRATE_V2).map_err(sql)?;
            }
            if version < 3 {
                tx.execute_batch(MIGRATE_V3).map_err(sql)?;
            }
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(sql)?;
            tx.commit().map_err(sql)?;
        }
        Ok(Store { conn, path })
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.display().to_string(),
            source: e,
        }
    }

    /// Store documents in one transaction: new ids are added, changed content
    /// replaces the old version, identical content is left alone.
    pub fn put(&mut self, docs: &[Document]) -> Result<PutStats, StoreError> {
        let items: Vec<Incoming> = docs
            .iter()
            .map(|doc| Incoming {
                doc,
                raw_hash: None,
                signature: None,
                features: None,
            })
            .collect();
        self.put_all(&items, &[])
    }

    /// [`Store::put`] with each document's raw-input hash, MinHash signature
    /// and story features, plus id aliases (another id, same content), all in
    /// one transaction. A stored or replaced document is pending (no story)
    /// until [`Store::assign`] places it.
    pub fn put_all(
        &mut self,
        items: &[Incoming<'_>],
        aliases: &[(String, String)],
    ) -> Result<PutStats, StoreError> {
        let path = self.path.display().to_string();
        let sql = |e| StoreError::Sqlite {
            path: path.clone(),
            source: e,
        };
        let tx = self.conn.transaction().map_err(sql)?;
        let mut stats = PutStats::default();
        for it in items {
            let d = it.doc;
            let hash = content_hash(d);
            let old: Option<String> = tx
                .query_row("SELECT hash FROM documents WHERE id = ?1", [&d.id], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(sql)?;
            match old {
                Some(h) if h == hash => {
                    stats.unchanged += 1;
                    if it.raw_hash.is_some() {
                        tx.execute(
                            "UPDATE documents SET raw_hash = ?2 WHERE id = ?1",
                            params![d.id, it.raw_hash],
                        )
                        .map_err(sql)?;
                    }
                    continue;
                }
                Some(_) => {
                    tx.execute("DELETE FROM documents WHERE id = ?1", [&d.id])
                        .map_err(sql)?;
                    // Documents that were copies of the old version are
                    // checked again.
                    tx.execute(
                        "UPDATE documents SET dup_of = NULL, dup_score = NULL, story = NULL WHERE dup_of = ?1",
                        [&d.id],
                    )
                    .map_err(sql)?;
                    stats.replaced += 1;
                }
                None => stats.added += 1,
            }
            tx.execute("DELETE FROM aliases WHERE id = ?1", [&d.id])
                .map_err(sql)?;
            let json = serde_json::to_string(d).unwrap_or_default();
            let source = d.source.name();
            tx.execute(
                "INSERT INTO documents (id, hash, published, title, source, json, raw_hash, signature, features)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    d.id,
                    hash,
                    d.published,
                    d.title,
                    source,
                    json,
                    it.raw_hash,
                    it.signature,
                    it.features
                ],
            )
            .map_err(sql)?;
            for e in &d.entities {
                tx.execute(
                    "INSERT INTO entities (doc_id, entity_id, type, name, mentions, name_ar) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        d.id,
                        e.id,
                        format!("{:?}", e.kind).to_uppercase(),
                        e.name_en.as_deref().unwrap_or(&e.name_ar),
                        e.mentions.len() as i64,
                        e.name_ar
                    ],
                )
                .map_err(sql)?;
            }
            // Byte offset of every char of the text (and of its end), to cut
            // sentences out of the text by their char spans.
            let bounds: Vec<usize> = if d.events.is_empty() {
                Vec::new()
            } else {
                d.text
                    .char_indices()
                    .map(|(b, _)| b)
                    .chain([d.text.len()])
                    .collect()
            };
            for (seq, e) in d.events.iter().enumerate() {
                let sentence_text = d.sentences.get(e.sentence).and_then(|s| {
                    let (a, b) = (*bounds.get(s.start)?, *bounds.get(s.end)?);
                    d.text.get(a..b).map(str::to_string)
                });
                tx.execute(
                    "INSERT INTO events (doc_id, seq, type, mode, quad, actor, recipient, date, modality, rule, sentence, start, end, trigger, location,
                                         confidence, decided_by, actor_text, sentence_text)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
                    params![
                        d.id,
                        seq as i64,
                        e.kind,
                        e.mode,
                        e.quad as i64,
                        e.actor.join(" "),
                        e.recipient.join(" "),
                        e.date,
                        format!("{:?}", e.modality).to_lowercase(),
                        e.rule,
                        e.sentence as i64,
                        e.start as i64,
                        e.end as i64,
                        e.trigger,
                        e.location,
                        e.confidence.map(confidence_value),
                        e.decided_by,
                        e.actor_text,
                        sentence_text
                    ],
                )
                .map_err(sql)?;
            }
            for q in &d.quotes {
                tx.execute(
                    "INSERT INTO quotes (doc_id, speaker, speaker_text, text, direct, cue, start, end) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        d.id,
                        q.speaker,
                        q.speaker_text,
                        q.text,
                        q.direct as i64,
                        q.cue,
                        q.start as i64,
                        q.end as i64
                    ],
                )
                .map_err(sql)?;
            }
        }
        for (id, doc_id) in aliases {
            tx.execute(
                "INSERT OR REPLACE INTO aliases (id, doc_id) SELECT ?1, id FROM documents WHERE id = ?2",
                params![id, doc_id],
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(stats)
    }

    /// Whether input with this id and raw-input hash is already stored:
    /// under the same id (nothing to do), under another id (an alias), or
    /// not (analyse it; a stored id with another hash is changed content).
    pub fn seen(&self, id: &str, raw_hash: &str) -> Result<Seen, StoreError> {
        let same: Option<String> = self
            .conn
            .query_row("SELECT raw_hash FROM documents WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))?
            .flatten();
        match same {
            Some(h) if h == raw_hash => return Ok(Seen::Stored),
            Some(_) => return Ok(Seen::New),
            None => {}
        }
        let exists: bool = self
            .conn
            .query_row("SELECT 1 FROM documents WHERE id = ?1", [id], |_| Ok(()))
            .optional()
            .map_err(|e| self.err(e))?
            .is_some();
        if exists {
            // Stored by a version without raw hashes: analyse, `put` compares content.
            return Ok(Seen::New);
        }
        let alias: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM documents WHERE raw_hash = ?1 LIMIT 1",
                [raw_hash],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(match alias {
            Some(other) => Seen::Alias(other),
            None => Seen::New,
        })
    }

    /// Row counts.
    pub fn counts(&self) -> Result<Counts, StoreError> {
        let n = |table: &str| -> Result<usize, StoreError> {
            self.conn
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| {
                    r.get::<_, i64>(0)
                })
                .map(|v| v as usize)
                .map_err(|e| self.err(e))
        };
        Ok(Counts {
            documents: n("documents")?,
            entities: n("entities")?,
            events: n("events")?,
            quotes: n("quotes")?,
        })
    }

    /// A stored document, as analysed.
    pub fn document(&self, id: &str) -> Result<Option<Document>, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT json FROM documents WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use marsad_doc::Source;

    fn doc(id: &str, text: &str) -> Document {
        Document {
            schema: marsad_doc::SCHEMA.into(),
            id: id.into(),
            published: Some("2015-11-24".into()),
            title: None,
            source: Source::default(),
            text: text.into(),
            sentences: Vec::new(),
            entities: Vec::new(),
            events: Vec::new(),
            quotes: Vec::new(),
            quantities: Vec::new(),
            dates: Vec::new(),
            genre: None,
        }
    }

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("marsad-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn idempotent_and_incremental() {
        let dir = tmp("idem");
        let mut s = Store::open(&dir).unwrap();
        let a = doc("a", "نص أول");
        let b = doc("b", "نص ثان");
        assert_eq!(
            s.put(&[a.clone(), b.clone()]).unwrap(),
            PutStats {
                added: 2,
                replaced: 0,
                unchanged: 0
            }
        );
        assert_eq!(
            s.put(&[a.clone(), b]).unwrap(),
            PutStats {
                added: 0,
                replaced: 0,
                unchanged: 2
            }
        );
        let a2 = doc("a", "نص أول معدل");
        assert_eq!(
            s.put(&[a2]).unwrap(),
            PutStats {
                added: 0,
                replaced: 1,
                unchanged: 0
            }
        );
        assert_eq!(s.counts().unwrap().documents, 2);
        assert_eq!(s.document("a").unwrap().unwrap().text, "نص أول معدل");
        drop(s);
        // Reopening keeps everything.
        let s = Store::open(&dir).unwrap();
        assert_eq!(s.counts().unwrap().documents, 2);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn queries_filter_events_actors_and_quotes() {
        use marsad_doc::{Entity, EntityType, Event, Mention, Modality, Quote};
        let dir = tmp("queries");
        let mut s = Store::open(&dir).unwrap();
        let mut d = doc("a", "تركيا تسقط مقاتلة روسية");
        d.entities.push(Entity {
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
        });
        let ev = |kind: &str, date: &str| Event {
            kind: kind.into(),
            mode: None,
            quad: 4,
            actor: vec!["country:TUR".into()],
            recipient: vec!["country:RUS".into()],
            sentence: 0,
            start: 0,
            end: 5,
            trigger: "تسقط".into(),
            modality: Modality::Asserted,
            date: Some(date.into()),
            location: None,
            rule: "r".into(),
            actor_text: None,
            confidence: None,
            decided_by: None,
        };
        d.events.push(ev("ASSAULT", "2015-11-24"));
        d.events.push(ev("THREATEN", "2015-10-01"));
        d.quotes.push(Quote {
            speaker: Some("person:x".into()),
            speaker_text: "س".into(),
            cue: "قال".into(),
            text: "كلام".into(),
            direct: true,
            sentence: 0,
            start: 0,
            end: 4,
        });
        s.put(&[d]).unwrap();
        let all = |f: EventFilter| s.events(&EventFilter { limit: 10, ..f }).unwrap().len();
        assert_eq!(all(EventFilter::default()), 2);
        assert_eq!(
            all(EventFilter {
                actor: Some("country:TUR".into()),
                ..Default::default()
            }),
            2
        );
        assert_eq!(
            all(EventFilter {
                actor: Some("country:RUS".into()),
                ..Default::default()
            }),
            0
        );
        assert_eq!(
            all(EventFilter {
                recipient: Some("country:RUS".into()),
                ..Default::default()
            }),
            2
        );
        assert_eq!(
            all(EventFilter {
                kind: Some("ASSAULT".into()),
                ..Default::default()
            }),
            1
        );
        assert_eq!(
            all(EventFilter {
                since: Some("2015-11-01".into()),
                ..Default::default()
            }),
            1
        );
        assert_eq!(
            all(EventFilter {
                until: Some("2015-10-31".into()),
                ..Default::default()
            }),
            1
        );
        let actors = s.actors(10).unwrap();
        assert_eq!(
            (actors[0].id.as_str(), actors[0].documents),
            ("country:TUR", 1)
        );
        assert_eq!(s.quotes(Some("person:x"), 10).unwrap().len(), 1);
        assert_eq!(s.quotes(Some("person:y"), 10).unwrap().len(), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn version_1_store_is_migrated_and_keeps_its_documents() {
        let dir = tmp("migrate");
        std::fs::create_dir_all(&dir).unwrap();
        let c = Connection::open(dir.join("marsad.db")).unwrap();
        c.execute_batch(SCHEMA_V1).unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        c.execute(
            "INSERT INTO documents (id, hash, published, title, source, json) VALUES ('old', 'h', '2015-11-24', NULL, NULL, ?1)",
            [serde_json::to_string(&doc("old", "نص قديم")).unwrap()],
        )
        .unwrap();
        drop(c);
        let mut s = Store::open(&dir).unwrap();
        let v: i64 = s
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        assert_eq!(s.document("old").unwrap().unwrap().text, "نص قديم");
        // The old document waits for a story; it has no signature yet.
        let p = s.pending().unwrap();
        assert_eq!((p.len(), p[0].signature.is_none()), (1, true));
        s.assign(
            &Assignment {
                backfill: vec![("old".into(), vec![1, 2, 3], "{}".into())],
                stories: vec![("old".into(), 7)],
                ..Default::default()
            },
            &[(7, Some("عنوان".into()))],
        )
        .unwrap();
        assert!(s.pending().unwrap().is_empty());
        assert_eq!(s.stories(10).unwrap()[0].documents, 1);
        assert_eq!(s.max_story().unwrap(), 7);
        drop(s);
        // Opening again does not migrate twice.
        assert!(Store::open(&dir).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn raw_hash_decides_before_analysis() {
        let dir = tmp("seen");
        let mut s = Store::open(&dir).unwrap();
        let a = doc("a", "نص");
        let h = raw_hash(None, Some("2015-11-24"), "نص خام");
        assert_eq!(s.seen("a", &h).unwrap(), Seen::New);
        let inc = Incoming {
            doc: &a,
            raw_hash: Some(&h),
            signature: None,
            features: None,
        };
        s.put_all(&[inc], &[]).unwrap();
        assert_eq!(s.seen("a", &h).unwrap(), Seen::Stored);
        assert_eq!(s.seen("b", &h).unwrap(), Seen::Alias("a".into()));
        assert_eq!(s.seen("a", "other").unwrap(), Seen::New);
        s.put_all(&[], &[("b".into(), "a".into())]).unwrap();
        let n: i64 = s
            .conn
            .query_row("SELECT COUNT(*) FROM aliases", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn copies_are_left_out_of_aggregates() {
        use marsad_doc::{Event, Modality};
        let dir = tmp("copies");
        let mut s = Store::open(&dir).unwrap();
        let mut a = doc("a", "تركيا تسقط مقاتلة");
        a.events.push(Event {
            kind: "ASSAULT".into(),
            mode: None,
            quad: 4,
            actor: vec!["country:TUR".into()],
            recipient: vec!["country:RUS".into()],
            sentence: 0,
            start: 0,
            end: 5,
            trigger: "تسقط".into(),
            modality: Modality::Asserted,
            date: None,
            location: None,
            rule: "r".into(),
            actor_text: None,
            confidence: None,
            decided_by: None,
        });
        let mut b = a.clone();
        b.id = "b".into();
        s.put(&[a, b]).unwrap();
        let f = EventFilter {
            limit: 10,
            ..Default::default()
        };
        assert_eq!(s.events(&f).unwrap().len(), 2);
        s.assign(
            &Assignment {
                duplicates: vec![("b".into(), "a".into(), 0.95)],
                stories: vec![("a".into(), 1), ("b".into(), 1)],
                ..Default::default()
            },
            &[(1, None)],
        )
        .unwrap();
        assert_eq!(s.events(&f).unwrap().len(), 1);
        let all = EventFilter {
            copies: true,
            ..f.clone()
        };
        assert_eq!(s.events(&all).unwrap().len(), 2);
        let members = s.story_members(1).unwrap();
        assert_eq!(members[1].dup_of.as_deref(), Some("a"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A document with two sentences, Turkey and Russia, and `events`.
    fn evidence_doc(id: &str, events: Vec<marsad_doc::Event>) -> Document {
        use marsad_doc::{Entity, EntityType, Span};
        let mut d = doc(id, "تركيا تسقط مقاتلة روسية. مسلحون مجهولون يهاجمون حاجزا.");
        d.sentences = vec![Span { start: 0, end: 24 }, Span { start: 25, end: 55 }];
        for (eid, en, ar) in [
            ("country:TUR", Some("Turkey"), "تركيا"),
            ("new:person:سعيد", None, "سعيد"),
        ] {
            d.entities.push(Entity {
                id: eid.into(),
                kind: EntityType::Country,
                name_en: en.map(String::from),
                name_ar: ar.into(),
                country: None,
                in_kb: en.is_some(),
                mentions: Vec::new(),
            });
        }
        d.events = events;
        d
    }

    fn event(
        actor: &[&str],
        sentence: usize,
        confidence: Option<f32>,
        decided_by: Option<&str>,
        actor_text: Option<&str>,
    ) -> marsad_doc::Event {
        marsad_doc::Event {
            kind: "ASSAULT".into(),
            mode: None,
            quad: 4,
            actor: actor.iter().map(|s| s.to_string()).collect(),
            recipient: vec!["country:RUS".into()],
            sentence,
            start: 0,
            end: 5,
            trigger: "تسقط".into(),
            modality: marsad_doc::Modality::Asserted,
            date: None,
            location: None,
            rule: "assault.r".into(),
            actor_text: actor_text.map(String::from),
            confidence,
            decided_by: decided_by.map(String::from),
        }
    }

    #[test]
    fn events_carry_their_evidence() {
        let dir = tmp("evidence");
        let mut s = Store::open(&dir).unwrap();
        let d = evidence_doc(
            "a",
            vec![
                event(&["country:TUR"], 0, Some(0.7), Some("model"), None),
                event(&[], 1, None, Some("rule"), Some("مسلحون مجهولون")),
                event(&["new:person:سعيد", "x:unknown"], 9, None, None, None),
            ],
        );
        s.put(&[d]).unwrap();
        let rows = s
            .events(&EventFilter {
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        let name = |id: &str, ar: Option<&str>, en: Option<&str>| EntityName {
            id: id.into(),
            name_ar: ar.map(String::from),
            name_en: en.map(String::from),
        };
        // (sentence text, actor names, actor text, confidence, decided by)
        type Want<'a> = (
            Option<&'a str>,
            Vec<EntityName>,
            Option<&'a str>,
            Option<f64>,
            Option<&'a str>,
        );
        let want: Vec<Want> = vec![
            (
                Some("تركيا تسقط مقاتلة روسية."),
                vec![name("country:TUR", Some("تركيا"), Some("Turkey"))],
                None,
                Some(0.7),
                Some("model"),
            ),
            (
                Some("مسلحون مجهولون يهاجمون حاجزا."),
                vec![],
                Some("مسلحون مجهولون"),
                None,
                Some("rule"),
            ),
            (
                None,
                vec![
                    name("new:person:سعيد", Some("سعيد"), None),
                    name("x:unknown", None, None),
                ],
                None,
                None,
                None,
            ),
        ];
        assert_eq!(rows.len(), want.len());
        for (r, (text, names, actor_text, conf, by)) in rows.iter().zip(want) {
            assert_eq!(r.sentence_text.as_deref(), text, "{r:?}");
            assert_eq!(r.actor_names, names, "{r:?}");
            assert_eq!(r.actor_text.as_deref(), actor_text, "{r:?}");
            assert_eq!(r.confidence, conf, "{r:?}");
            assert_eq!(r.decided_by.as_deref(), by, "{r:?}");
            assert_eq!(r.recipient_names, [name("country:RUS", None, None)]);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn min_confidence_filter() {
        let dir = tmp("min-confidence");
        let mut s = Store::open(&dir).unwrap();
        let d = evidence_doc(
            "a",
            vec![
                event(&["country:TUR"], 0, Some(0.3), Some("model"), None),
                event(&["country:TUR"], 0, Some(0.7), Some("model"), None),
                event(&["country:TUR"], 0, Some(0.95), Some("model"), None),
                event(&["country:TUR"], 0, None, Some("rule"), None),
            ],
        );
        s.put(&[d]).unwrap();
        // (minimum, events kept: their confidences; None = not scored = 1.0)
        let cases: &[(Option<f64>, &[Option<f64>])] = &[
            (None, &[Some(0.3), Some(0.7), Some(0.95), None]),
            (Some(0.0), &[Some(0.3), Some(0.7), Some(0.95), None]),
            (Some(0.5), &[Some(0.7), Some(0.95), None]),
            // 0.7 is stored as 0.7, not as the f32's 0.699999988…
            (Some(0.7), &[Some(0.7), Some(0.95), None]),
            (Some(0.71), &[Some(0.95), None]),
            (Some(1.0), &[None]),
        ];
        for (min, want) in cases {
            let got: Vec<Option<f64>> = s
                .events(&EventFilter {
                    min_confidence: *min,
                    limit: 10,
                    ..Default::default()
                })
                .unwrap()
                .into_iter()
                .map(|r| r.confidence)
                .collect();
            assert_eq!(&got, want, "--min-confidence {min:?}");
        }
        // Combined with another filter.
        let n = s
            .events(&EventFilter {
                min_confidence: Some(0.5),
                kind: Some("ASSAULT".into()),
                actor: Some("country:TUR".into()),
                limit: 10,
                ..Default::default()
            })
            .unwrap()
            .len();
        assert_eq!(n, 3);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Builds a database at `version` (0 = empty file) holding, for versions
    /// 1 and 2, one document with one event.
    fn old_store(dir: &Path, version: i64) {
        std::fs::create_dir_all(dir).unwrap();
        let c = Connection::open(dir.join("marsad.db")).unwrap();
        if version == 0 {
            return;
        }
        c.execute_batch(SCHEMA_V1).unwrap();
        if version >= 2 {
            c.execute_batch(MIGRATE_V2).unwrap();
        }
        c.pragma_update(None, "user_version", version).unwrap();
        let d = evidence_doc("old", vec![event(&["country:TUR"], 0, None, None, None)]);
        c.execute(
            "INSERT INTO documents (id, hash, published, title, source, json) VALUES ('old', 'h', '2015-11-24', NULL, NULL, ?1)",
            [serde_json::to_string(&d).unwrap()],
        )
        .unwrap();
        c.execute(
            "INSERT INTO entities (doc_id, entity_id, type, name, mentions) VALUES ('old', 'country:TUR', 'COUNTRY', 'Turkey', 1)",
            [],
        )
        .unwrap();
        if version >= 2 {
            c.execute("UPDATE entities SET name_ar = 'تركيا'", [])
                .unwrap();
        }
        c.execute(
            "INSERT INTO events (doc_id, seq, type, mode, quad, actor, recipient, date, modality, rule, sentence, start, end)
             VALUES ('old', 0, 'ASSAULT', NULL, 4, 'country:TUR', 'country:RUS', NULL, 'asserted', 'r', 0, 0, 5)",
            [],
        )
        .unwrap();
    }

    #[test]
    fn every_older_version_is_migrated_to_the_current_one() {
        // (version built, events expected after opening)
        for (version, events) in [(0, 0), (1, 1), (2, 1), (SCHEMA_VERSION, 0)] {
            let dir = tmp(&format!("migrate-v{version}"));
            if version < SCHEMA_VERSION {
                old_store(&dir, version);
            }
            let mut s = Store::open(&dir).unwrap();
            let v: i64 = s
                .conn
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .unwrap();
            assert_eq!(v, SCHEMA_VERSION, "from version {version}");
            let all = EventFilter {
                limit: 10,
                ..Default::default()
            };
            let rows = s.events(&all).unwrap();
            assert_eq!(rows.len(), events, "from version {version}");
            if let Some(r) = rows.first() {
                // Old rows have no evidence columns; the sentence is cut from
                // the stored document, names come from the entities table.
                assert_eq!(
                    (
                        r.confidence,
                        r.decided_by.as_deref(),
                        r.actor_text.as_deref()
                    ),
                    (None, None, None)
                );
                let stored: Option<String> = s
                    .conn
                    .query_row("SELECT sentence_text FROM events", [], |r| r.get(0))
                    .unwrap();
                assert_eq!(stored, None);
                assert_eq!(r.sentence_text.as_deref(), Some("تركيا تسقط مقاتلة روسية."));
                assert_eq!(
                    (
                        r.actor_names[0].name_ar.as_deref(),
                        r.actor_names[0].name_en.as_deref()
                    ),
                    if version == 1 {
                        (None, Some("Turkey")) // no Arabic names in version 1
                    } else {
                        (Some("تركيا"), Some("Turkey"))
                    }
                );
                // An old event does not pass a confidence filter by accident.
                let min = EventFilter {
                    min_confidence: Some(0.9),
                    ..all.clone()
                };
                assert_eq!(s.events(&min).unwrap().len(), 1);
            }
            // New events store everything.
            s.put(&[evidence_doc(
                "new",
                vec![event(&[], 1, Some(0.5), Some("model"), Some("مسلحون"))],
            )])
            .unwrap();
            let r = s
                .events(&EventFilter {
                    min_confidence: Some(0.4),
                    involving: Some("country:RUS".into()),
                    ..all.clone()
                })
                .unwrap()
                .into_iter()
                .find(|r| r.doc_id == "new")
                .unwrap();
            assert_eq!(
                (
                    r.confidence,
                    r.decided_by.as_deref(),
                    r.actor_text.as_deref()
                ),
                (Some(0.5), Some("model"), Some("مسلحون"))
            );
            drop(s);
            // Opening again does not migrate twice.
            assert!(Store::open(&dir).is_ok(), "from version {version}");
            let _ = std::fs::remove_dir_all(&dir);
        }
    }

    #[test]
    fn a_failed_migration_leaves_the_old_version() {
        // A version-2 database whose events table already has a column the
        // migration adds: the migration fails, and nothing of it is kept.
        let dir = tmp("migrate-fail");
        old_store(&dir, 2);
        let c = Connection::open(dir.join("marsad.db")).unwrap();
        c.execute_batch("ALTER TABLE events ADD COLUMN actor_text TEXT;")
            .unwrap();
        drop(c);
        assert!(Store::open(&dir).is_err());
        let c = Connection::open(dir.join("marsad.db")).unwrap();
        let v: i64 = c
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, 2);
        let has_confidence = c.prepare("SELECT confidence FROM events").is_ok();
        assert!(!has_confidence, "a half-applied migration");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tmp("newer");
        drop(Store::open(&dir).unwrap());
        let c = Connection::open(dir.join("marsad.db")).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(c);
        match Store::open(&dir) {
            Err(StoreError::NewerSchema { found, .. }) => assert_eq!(found, SCHEMA_VERSION + 1),
            other => panic!("{:?}", other.map(|_| ())),
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn corrupt_database_is_an_error_not_a_panic() {
        let dir = tmp("corrupt");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("marsad.db"), b"this is not a database, just bytes ....................................................................................").unwrap();
        assert!(Store::open(&dir).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// One stored event row, for `marsad events`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EventRow {
    pub doc_id: String,
    pub published: Option<String>,
    pub story: Option<i64>,
    /// The canonical article when this event comes from a wire copy.
    pub copy_of: Option<String>,
    pub seq: usize,
    pub date: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub mode: Option<String>,
    pub quad: u8,
    pub actor: Vec<String>,
    pub recipient: Vec<String>,
    pub modality: String,
    pub trigger: Option<String>,
    pub location: Option<String>,
    pub sentence: usize,
    /// The sentence's text (stored with the event, or cut from the stored
    /// document for events of an older store); `None` when neither knows it.
    pub sentence_text: Option<String>,
    pub start: usize,
    pub end: usize,
    pub rule: String,
    /// Ids and names of the actors (same order as `actor`).
    pub actor_names: Vec<EntityName>,
    /// Ids and names of the recipients (same order as `recipient`).
    pub recipient_names: Vec<EntityName>,
    /// Words naming an actor the knowledge base cannot name, when `actor` is
    /// empty (`مسلحون مجهولون`).
    pub actor_text: Option<String>,
    /// Probability from the learned detector, in [0, 1] (`None`: not
    /// scored, or stored by an older marsad).
    pub confidence: Option<f64>,
    /// `model` or `rule`.
    pub decided_by: Option<String>,
}

/// An entity id with its names as the document (or, filled in by the
/// caller, the knowledge base) gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct EntityName {
    pub id: String,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
}

/// An actor's totals, for `marsad actors`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ActorRow {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub documents: usize,
    pub mentions: usize,
}

/// A stored quotation, for `marsad quotes`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QuoteRow {
    pub doc_id: String,
    pub published: Option<String>,
    pub speaker: Option<String>,
    pub speaker_text: String,
    pub cue: Option<String>,
    pub text: String,
    pub direct: bool,
    pub start: Option<usize>,
    pub end: Option<usize>,
    /// The canonical article when this quotation comes from a wire copy.
    pub copy_of: Option<String>,
}

/// One entity of one document, for exports.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EntityRow {
    pub doc_id: String,
    pub published: Option<String>,
    pub entity_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub name_ar: Option<String>,
    pub mentions: usize,
    pub copy_of: Option<String>,
}

/// The document whose events [`Store::for_each_event`] is reading.
#[derive(Default)]
struct DocContext {
    id: String,
    names: HashMap<String, EntityName>,
    /// Loaded when an event has no stored sentence text (`Some(None)`: the
    /// document's JSON is missing or unreadable).
    doc: Option<Option<Document>>,
}

/// The entities of a stored document with their names, by id
/// (`st`: `SELECT entity_id, name, name_ar FROM entities WHERE doc_id = ?1`).
/// Stores keep the English name (or the Arabic one when there is none) in
/// `name` and the Arabic one in `name_ar` (NULL in version-1 rows: then
/// `name` is Arabic or English by its script).
fn entity_names(
    st: &mut rusqlite::Statement<'_>,
    doc_id: &str,
) -> rusqlite::Result<HashMap<String, EntityName>> {
    let rows = st.query_map([doc_id], |r| {
        let (id, name, name_ar): (String, String, Option<String>) =
            (r.get(0)?, r.get(1)?, r.get(2)?);
        let (name_ar, name_en) = match name_ar {
            Some(ar) => {
                let en = (name != ar).then_some(name);
                (Some(ar), en)
            }
            None if name.chars().any(is_arabic_letter) => (Some(name), None),
            None => (None, Some(name)),
        };
        Ok((
            id.clone(),
            EntityName {
                id,
                name_ar,
                name_en,
            },
        ))
    })?;
    rows.collect()
}

fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}')
}

/// Filters of the event query (all optional).
#[derive(Debug, Default, Clone)]
pub struct EventFilter {
    /// Actor or recipient (either side).
    pub involving: Option<String>,
    pub story: Option<i64>,
    /// Include events of wire copies (near-duplicates); by default a copy's
    /// events are left out so that every aggregate counts a report once.
    pub copies: bool,
    pub actor: Option<String>,
    pub recipient: Option<String>,
    pub kind: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    /// Only events whose confidence is at least this (events without a
    /// confidence count as 1.0).
    pub min_confidence: Option<f64>,
    pub limit: usize,
}

impl Store {
    /// Events matching the filter, newest first (at most `f.limit`).
    pub fn events(&self, f: &EventFilter) -> Result<Vec<EventRow>, StoreError> {
        let mut out = Vec::new();
        self.for_each_event(
            &EventFilter {
                limit: f.limit.max(1),
                ..f.clone()
            },
            |r| out.push(r),
        )?;
        Ok(out)
    }

    /// Events matching the filter, newest first, streamed to `out`
    /// (`f.limit` 0: all of them).
    pub fn for_each_event(
        &self,
        f: &EventFilter,
        mut out: impl FnMut(EventRow),
    ) -> Result<(), StoreError> {
        let mut sql = String::from(
            "SELECT e.doc_id, e.date, e.type, e.mode, e.quad, e.actor, e.recipient, e.modality, e.trigger,
                    e.location, e.sentence, e.start, e.end, e.rule, d.published, d.story, d.dup_of, e.seq,
                    e.confidence, e.decided_by, e.actor_text, e.sentence_text
             FROM events e JOIN documents d ON d.id = e.doc_id WHERE 1=1",
        );
        if !f.copies {
            sql.push_str(" AND d.dup_of IS NULL");
        }
        if let Some(story) = f.story {
            sql.push_str(&format!(" AND d.story = {story}"));
        }
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        let mut add = |clause: &str, v: Option<rusqlite::types::Value>| {
            if let Some(v) = v {
                args.push(v);
                sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
            }
        };
        let text = |v: &Option<String>| v.clone().map(rusqlite::types::Value::Text);
        add(
            " AND (' ' || e.actor || ' ') LIKE '% ' || ? || ' %'",
            text(&f.actor),
        );
        add(
            " AND (' ' || e.recipient || ' ') LIKE '% ' || ? || ' %'",
            text(&f.recipient),
        );
        add(
            " AND (' ' || e.actor || ' ' || e.recipient || ' ') LIKE '% ' || ? || ' %'",
            text(&f.involving),
        );
        add(" AND e.type = ?", text(&f.kind));
        add(" AND e.date >= ?", text(&f.since));
        add(" AND e.date <= ?", text(&f.until));
        // Bound as a number: a text parameter would compare greater than
        // every number.
        add(
            " AND COALESCE(e.confidence, 1.0) >= ?",
            f.min_confidence.map(rusqlite::types::Value::Real),
        );
        // Newest reports first (an event dated in the future or the past by
        // its text does not jump the queue), then the event date.
        sql.push_str(" ORDER BY COALESCE(d.published, e.date) DESC, e.date DESC, e.doc_id, e.seq");
        if f.limit > 0 {
            sql.push_str(&format!(" LIMIT {}", f.limit));
        }
        let mut st = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let split = |s: String| -> Vec<String> { s.split_whitespace().map(String::from).collect() };
        let mut rows = st
            .query(rusqlite::params_from_iter(args.iter()))
            .map_err(|e| self.err(e))?;
        let row = |r: &rusqlite::Row| -> rusqlite::Result<EventRow> {
            Ok(EventRow {
                doc_id: r.get(0)?,
                published: r.get(14)?,
                story: r.get(15)?,
                copy_of: r.get(16)?,
                seq: r.get::<_, i64>(17)? as usize,
                date: r.get(1)?,
                kind: r.get(2)?,
                mode: r.get(3)?,
                quad: r.get::<_, i64>(4)? as u8,
                actor: split(r.get(5)?),
                recipient: split(r.get(6)?),
                modality: r.get(7)?,
                trigger: r.get(8)?,
                location: r.get(9)?,
                sentence: r.get::<_, i64>(10)? as usize,
                sentence_text: r.get(21)?,
                start: r.get::<_, i64>(11)? as usize,
                end: r.get::<_, i64>(12)? as usize,
                rule: r.get(13)?,
                actor_names: Vec::new(),
                recipient_names: Vec::new(),
                actor_text: r.get(20)?,
                confidence: r.get(18)?,
                decided_by: r.get(19)?,
            })
        };
        // Names and (for events of older stores) sentences come from the
        // event's document, looked up once per document: rows of one
        // document are consecutive.
        let mut ctx = DocContext::default();
        let mut names_st = self
            .conn
            .prepare("SELECT entity_id, name, name_ar FROM entities WHERE doc_id = ?1")
            .map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let mut ev = row(r).map_err(|e| self.err(e))?;
            if ctx.id != ev.doc_id {
                ctx = DocContext {
                    id: ev.doc_id.clone(),
                    names: entity_names(&mut names_st, &ev.doc_id).map_err(|e| self.err(e))?,
                    doc: None,
                };
            }
            if ev.sentence_text.is_none() {
                let doc = match &ctx.doc {
                    Some(d) => d,
                    None => ctx.doc.insert(self.document(&ev.doc_id)?),
                };
                ev.sentence_text = doc.as_ref().and_then(|d| {
                    d.sentences
                        .get(ev.sentence)
                        .map(|s| d.slice(*s))
                        .filter(|s| !s.is_empty())
                });
            }
            let named = |ids: &[String]| -> Vec<EntityName> {
                ids.iter()
                    .map(|id| match ctx.names.get(id) {
                        Some(n) => n.clone(),
                        None => EntityName {
                            id: id.clone(),
                            ..Default::default()
                        },
                    })
                    .collect()
            };
            ev.actor_names = named(&ev.actor);
            ev.recipient_names = named(&ev.recipient);
            out(ev);
        }
        Ok(())
    }

    /// Actors by the number of documents that mention them.
    pub fn actors(&self, limit: usize) -> Result<Vec<ActorRow>, StoreError> {
        self.query_rows(
            "SELECT entity_id, MAX(type), MAX(name), COUNT(DISTINCT doc_id), SUM(mentions)
                 FROM entities JOIN documents d ON d.id = doc_id WHERE d.dup_of IS NULL
                 GROUP BY entity_id ORDER BY COUNT(DISTINCT doc_id) DESC, entity_id LIMIT ?1",
            [limit.max(1) as i64],
            actor_row,
        )
    }

    /// Quotations, optionally of one speaker, newest first (canonical articles).
    pub fn quotes(&self, speaker: Option<&str>, limit: usize) -> Result<Vec<QuoteRow>, StoreError> {
        let mut out = Vec::new();
        self.for_each_quote(speaker, false, None, limit.max(1), |q| out.push(q))?;
        Ok(out)
    }

    /// Quotations streamed to `out`: of one speaker, of one story, with the
    /// quotations of wire copies (`copies`); `limit` 0 = all.
    pub fn for_each_quote(
        &self,
        speaker: Option<&str>,
        copies: bool,
        story: Option<i64>,
        limit: usize,
        mut out: impl FnMut(QuoteRow),
    ) -> Result<(), StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT q.doc_id, q.speaker, q.speaker_text, q.text, q.direct, q.cue, q.start, q.end, d.published, d.dup_of
                 FROM quotes q JOIN documents d ON d.id = q.doc_id
                 WHERE (?1 IS NULL OR q.speaker = ?1) AND (?2 OR d.dup_of IS NULL) AND (?3 IS NULL OR d.story = ?3)
                 ORDER BY d.published DESC, q.doc_id, q.start LIMIT ?4",
            )
            .map_err(|e| self.err(e))?;
        let lim = if limit == 0 { -1 } else { limit as i64 };
        let mut rows = st
            .query(params![speaker, copies, story, lim])
            .map_err(|e| self.err(e))?;
        let row = |r: &rusqlite::Row| -> rusqlite::Result<QuoteRow> {
            Ok(QuoteRow {
                doc_id: r.get(0)?,
                speaker: r.get(1)?,
                speaker_text: r.get(2)?,
                text: r.get(3)?,
                direct: r.get::<_, i64>(4)? != 0,
                cue: r.get(5)?,
                start: r.get::<_, Option<i64>>(6)?.map(|v| v as usize),
                end: r.get::<_, Option<i64>>(7)?.map(|v| v as usize),
                published: r.get(8)?,
                copy_of: r.get(9)?,
            })
        };
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            out(row(r).map_err(|e| self.err(e))?);
        }
        Ok(())
    }

    /// Entity rows (one per document and entity) streamed to `out`.
    pub fn for_each_entity(
        &self,
        copies: bool,
        story: Option<i64>,
        mut out: impl FnMut(EntityRow),
    ) -> Result<(), StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT e.doc_id, d.published, e.entity_id, e.type, e.name, e.name_ar, e.mentions, d.dup_of
                 FROM entities e JOIN documents d ON d.id = e.doc_id
                 WHERE (?1 OR d.dup_of IS NULL) AND (?2 IS NULL OR d.story = ?2)
                 ORDER BY d.published, e.doc_id, e.entity_id",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = st.query(params![copies, story]).map_err(|e| self.err(e))?;
        let row = |r: &rusqlite::Row| -> rusqlite::Result<EntityRow> {
            Ok(EntityRow {
                doc_id: r.get(0)?,
                published: r.get(1)?,
                entity_id: r.get(2)?,
                kind: r.get(3)?,
                name: r.get(4)?,
                name_ar: r.get(5)?,
                mentions: r.get::<_, i64>(6)? as usize,
                copy_of: r.get(7)?,
            })
        };
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            out(row(r).map_err(|e| self.err(e))?);
        }
        Ok(())
    }
}

/// A document not yet placed in a story (new, replaced, or from a version-1
/// store), with what clustering needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub id: String,
    pub published: Option<String>,
    pub signature: Option<Vec<u8>>,
    pub features: Option<String>,
}

/// A placed document: signature and, for canonical documents, story features.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub id: String,
    pub published: Option<String>,
    pub story: i64,
    pub dup_of: Option<String>,
    pub signature: Option<Vec<u8>>,
    pub features: Option<String>,
}

/// One story's stored summary row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoryRow {
    pub id: i64,
    pub title: Option<String>,
    pub first: Option<String>,
    pub last: Option<String>,
    /// Articles, wire copies included.
    pub documents: usize,
}

/// An [`ActorRow`] from `id, type, name, documents, mentions` columns.
fn actor_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ActorRow> {
    Ok(ActorRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        name: r.get(2)?,
        documents: r.get::<_, i64>(3)? as usize,
        mentions: r.get::<_, i64>(4)? as usize,
    })
}

/// A document's publication date and story (see [`Store::placement`]).
pub type Placement = (Option<String>, Option<i64>);

/// Placements decided by clustering, written in one transaction.
#[derive(Debug, Default, Clone)]
pub struct Assignment {
    /// (document, canonical document it copies, similarity).
    pub duplicates: Vec<(String, String, f32)>,
    /// (document, story).
    pub stories: Vec<(String, i64)>,
    /// Signatures/features computed for documents stored without them.
    pub backfill: Vec<(String, Vec<u8>, String)>,
}

impl Store {
    /// Documents not yet placed in a story, by publication date then id.
    pub fn pending(&self) -> Result<Vec<Pending>, StoreError> {
        self.query_rows(
            "SELECT id, published, signature, features FROM documents WHERE story IS NULL
                 ORDER BY published IS NULL, published, id",
            [],
            |r| {
                Ok(Pending {
                    id: r.get(0)?,
                    published: r.get(1)?,
                    signature: r.get(2)?,
                    features: r.get(3)?,
                })
            },
        )
    }

    /// Placed documents, calling `f` for each (streams: memory does not
    /// grow with the corpus). `with_features`: load story features only for
    /// canonical documents published on or after that date (the stories
    /// still open for new articles).
    pub fn for_each_placed(
        &self,
        with_features: Option<&str>,
        mut f: impl FnMut(Placed),
    ) -> Result<(), StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT id, published, story, dup_of, signature,
                        CASE WHEN dup_of IS NULL AND ?1 IS NOT NULL AND published >= ?1 THEN features END
                 FROM documents WHERE story IS NOT NULL ORDER BY published IS NULL, published, id",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = st.query([with_features]).map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let get = || -> rusqlite::Result<Placed> {
                Ok(Placed {
                    id: r.get(0)?,
                    published: r.get(1)?,
                    story: r.get(2)?,
                    dup_of: r.get(3)?,
                    signature: r.get(4)?,
                    features: r.get(5)?,
                })
            };
            f(get().map_err(|e| self.err(e))?);
        }
        Ok(())
    }

    /// Write placements and refresh the rows of the stories they touch
    /// (`titles`: story → representative title), in one transaction.
    pub fn assign(
        &mut self,
        a: &Assignment,
        titles: &[(i64, Option<String>)],
    ) -> Result<(), StoreError> {
        let path = self.path.display().to_string();
        let sql = |e| StoreError::Sqlite {
            path: path.clone(),
            source: e,
        };
        let tx = self.conn.transaction().map_err(sql)?;
        for (id, sig, features) in &a.backfill {
            tx.execute(
                "UPDATE documents SET signature = ?2, features = ?3 WHERE id = ?1",
                params![id, sig, features],
            )
            .map_err(sql)?;
        }
        for (id, of, score) in &a.duplicates {
            tx.execute(
                "UPDATE documents SET dup_of = ?2, dup_score = ?3 WHERE id = ?1",
                params![id, of, *score as f64],
            )
            .map_err(sql)?;
        }
        for (id, story) in &a.stories {
            tx.execute(
                "UPDATE documents SET story = ?2 WHERE id = ?1",
                params![id, story],
            )
            .map_err(sql)?;
        }
        for (story, title) in titles {
            tx.execute(
                "INSERT INTO stories (id, title, first, last, documents)
                 SELECT ?1, ?2, MIN(published), MAX(published), COUNT(*) FROM documents WHERE story = ?1
                 ON CONFLICT(id) DO UPDATE SET title = COALESCE(excluded.title, stories.title), first = excluded.first,
                    last = excluded.last, documents = excluded.documents",
                params![story, title],
            )
            .map_err(sql)?;
        }
        // Stories emptied by replaced documents.
        tx.execute(
            "DELETE FROM stories WHERE id NOT IN (SELECT story FROM documents WHERE story IS NOT NULL)",
            [],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(())
    }

    /// The largest story id in use (new stories are numbered after it).
    pub fn max_story(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row(
                "SELECT MAX(m) FROM (SELECT MAX(id) AS m FROM stories UNION ALL SELECT MAX(story) FROM documents)",
                [],
                |r| r.get::<_, Option<i64>>(0),
            )
            .map(|v| v.unwrap_or(0))
            .map_err(|e| self.err(e))
    }

    /// Stories, largest first (canonical articles, then all), at most `limit`.
    pub fn stories(&self, limit: usize) -> Result<Vec<StoryRow>, StoreError> {
        self.query_rows(
                "SELECT s.id, s.title, s.first, s.last, s.documents FROM stories s
                 ORDER BY (SELECT COUNT(*) FROM documents d WHERE d.story = s.id AND d.dup_of IS NULL) DESC,
                          s.documents DESC, s.last DESC, s.id LIMIT ?1",
            [limit.max(1) as i64],
            |r| {
                Ok(StoryRow {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    first: r.get(2)?,
                    last: r.get(3)?,
                    documents: r.get::<_, i64>(4)? as usize,
                })
            },
        )
    }

    /// One story's row.
    pub fn story(&self, id: i64) -> Result<Option<StoryRow>, StoreError> {
        self.conn
            .query_row(
                "SELECT id, title, first, last, documents FROM stories WHERE id = ?1",
                [id],
                |r| {
                    Ok(StoryRow {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        first: r.get(2)?,
                        last: r.get(3)?,
                        documents: r.get::<_, i64>(4)? as usize,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The articles of a story as (id, published, title, copy of), by date.
    pub fn story_members(&self, story: i64) -> Result<Vec<Member>, StoreError> {
        self.query_rows(
            "SELECT id, published, title, source, dup_of FROM documents WHERE story = ?1
                 ORDER BY published IS NULL, published, id",
            [story],
            |r| {
                Ok(Member {
                    id: r.get(0)?,
                    published: r.get(1)?,
                    title: r.get(2)?,
                    source: r.get(3)?,
                    dup_of: r.get(4)?,
                })
            },
        )
    }
}

/// A story's article.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Member {
    pub id: String,
    pub published: Option<String>,
    pub title: Option<String>,
    pub source: Option<String>,
    /// The canonical article this one copies (a wire copy), if any.
    pub dup_of: Option<String>,
}

/// An actor's mentions in one month.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MonthRow {
    pub month: String,
    pub documents: usize,
    pub mentions: usize,
}

impl Store {
    /// Every stored document (as analysed; wire copies too when `copies`),
    /// in id order; streams. Documents whose JSON no longer parses are reported
    /// through `bad` (id) and skipped.
    pub fn for_each_document(
        &self,
        copies: bool,
        mut f: impl FnMut(Document),
        mut bad: impl FnMut(&str),
    ) -> Result<(), StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT id, json FROM documents WHERE ?1 OR dup_of IS NULL ORDER BY id")
            .map_err(|e| self.err(e))?;
        let mut rows = st.query([copies]).map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let id: String = r.get(0).map_err(|e| self.err(e))?;
            let json: String = r.get(1).map_err(|e| self.err(e))?;
            match serde_json::from_str::<Document>(&json) {
                Ok(d) => f(d),
                Err(_) => bad(&id),
            }
        }
        Ok(())
    }

    /// Documents of one story (canonical articles only unless `copies`), by date.
    pub fn story_documents(&self, story: i64, copies: bool) -> Result<Vec<Document>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT json FROM documents WHERE story = ?1 AND (?2 OR dup_of IS NULL)
                 ORDER BY published IS NULL, published, id",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params![story, copies], |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for j in rows {
            let j = j.map_err(|e| self.err(e))?;
            if let Ok(d) = serde_json::from_str(&j) {
                out.push(d);
            }
        }
        Ok(out)
    }

    /// Mentions of an entity per month (canonical articles).
    pub fn timeline(&self, entity: &str) -> Result<Vec<MonthRow>, StoreError> {
        self.query_rows(
                "SELECT COALESCE(substr(d.published, 1, 7), '?'), COUNT(DISTINCT e.doc_id), SUM(e.mentions)
                 FROM entities e JOIN documents d ON d.id = e.doc_id
                 WHERE e.entity_id = ?1 AND d.dup_of IS NULL GROUP BY 1 ORDER BY 1",
            [entity],
            |r| {
                Ok(MonthRow {
                    month: r.get(0)?,
                    documents: r.get::<_, i64>(1)? as usize,
                    mentions: r.get::<_, i64>(2)? as usize,
                })
            },
        )
    }

    /// Stored entities whose id, name or Arabic name is `name` (exact), or
    /// failing that contains it; by articles.
    pub fn find_actor(&self, name: &str) -> Result<Vec<ActorRow>, StoreError> {
        self.query_rows(
                "SELECT entity_id, MAX(type), MAX(name), COUNT(DISTINCT doc_id), SUM(mentions),
                        MAX(entity_id = ?1 OR name = ?1 OR name_ar = ?1) AS exact
                 FROM entities WHERE entity_id = ?1 OR name LIKE '%' || ?1 || '%' OR name_ar LIKE '%' || ?1 || '%'
                 GROUP BY entity_id ORDER BY exact DESC, COUNT(DISTINCT doc_id) DESC LIMIT 20",
            [name],
            actor_row,
        )
    }
}

impl Store {
    /// A story's actors by the number of its canonical articles that
    /// mention them (knowledge-base entities and new names alike).
    pub fn story_actors(&self, story: i64, limit: usize) -> Result<Vec<ActorRow>, StoreError> {
        self.query_rows(
                "SELECT e.entity_id, MAX(e.type), MAX(e.name), COUNT(DISTINCT e.doc_id), SUM(e.mentions)
                 FROM entities e JOIN documents d ON d.id = e.doc_id
                 WHERE d.story = ?1 AND d.dup_of IS NULL AND e.type NOT IN ('LOCATION', 'OTHER')
                 GROUP BY e.entity_id ORDER BY COUNT(DISTINCT e.doc_id) DESC, SUM(e.mentions) DESC, e.entity_id
                 LIMIT ?2",
            params![story, limit.max(1) as i64],
            actor_row,
        )
    }

    /// Run a query and map every row with `f`.
    fn query_rows<T, P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
        f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut st = self.conn.prepare(sql).map_err(|e| self.err(e))?;
        let rows = st.query_map(params, f).map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// A document's publication date and story (`None` when the document is
    /// not stored; the story is `None` while it waits to be placed).
    pub fn placement(&self, id: &str) -> Result<Option<Placement>, StoreError> {
        self.conn
            .query_row(
                "SELECT published, story FROM documents WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The canonical article a document copies, if it is a wire copy.
    pub fn copy_of(&self, id: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT dup_of FROM documents WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.err(e))
    }
}
