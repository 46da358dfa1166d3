//! marsad-store: the embedded store of analysed documents (SQLite).
//!
//! One database file, `marsad.db`, in the store directory. Schema version in
//! `PRAGMA user_version`: an empty database is created at the current
//! version, an older one migrated, a newer one refused. Every `put` is one
//! transaction, so a killed process leaves either all of a batch or none of
//! it. Documents are keyed by id; the content hash decides whether a second
//! copy is the same (skipped) or changed (replaces the old rows).

use std::path::{Path, PathBuf};

use marsad_doc::Document;
use rusqlite::{params, Connection, OptionalExtension};
use thiserror::Error;

/// Current schema version.
pub const SCHEMA_VERSION: i64 = 1;

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

pub struct Store {
    conn: Connection,
    path: PathBuf,
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

const SCHEMA: &str = "
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
            // Version 0 is an empty (new) database; later migrations go here.
            conn.execute_batch(SCHEMA).map_err(sql)?;
            conn.pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(sql)?;
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
        let path = self.path.display().to_string();
        let sql = |e| StoreError::Sqlite {
            path: path.clone(),
            source: e,
        };
        let tx = self.conn.transaction().map_err(sql)?;
        let mut stats = PutStats::default();
        for d in docs {
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
                    continue;
                }
                Some(_) => {
                    tx.execute("DELETE FROM documents WHERE id = ?1", [&d.id])
                        .map_err(sql)?;
                    stats.replaced += 1;
                }
                None => stats.added += 1,
            }
            let json = serde_json::to_string(d).unwrap_or_default();
            let source = d.source.url.clone().or_else(|| d.source.path.clone());
            tx.execute(
                "INSERT INTO documents (id, hash, published, title, source, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![d.id, hash, d.published, d.title, source, json],
            )
            .map_err(sql)?;
            for e in &d.entities {
                tx.execute(
                    "INSERT INTO entities (doc_id, entity_id, type, name, mentions) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        d.id,
                        e.id,
                        format!("{:?}", e.kind).to_uppercase(),
                        e.name_en.as_deref().unwrap_or(&e.name_ar),
                        e.mentions.len() as i64
                    ],
                )
                .map_err(sql)?;
            }
            for (seq, e) in d.events.iter().enumerate() {
                tx.execute(
                    "INSERT INTO events (doc_id, seq, type, mode, quad, actor, recipient, date, modality, rule, sentence, start, end)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
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
                        e.end as i64
                    ],
                )
                .map_err(sql)?;
            }
            for q in &d.quotes {
                tx.execute(
                    "INSERT INTO quotes (doc_id, speaker, speaker_text, text, direct) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![d.id, q.speaker, q.speaker_text, q.text, q.direct as i64],
                )
                .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)?;
        Ok(stats)
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
    pub date: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub mode: Option<String>,
    pub actor: Vec<String>,
    pub recipient: Vec<String>,
    pub modality: String,
    pub rule: String,
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
    pub speaker: Option<String>,
    pub speaker_text: String,
    pub text: String,
    pub direct: bool,
}

/// Filters of the event query (all optional).
#[derive(Debug, Default, Clone)]
pub struct EventFilter {
    pub actor: Option<String>,
    pub recipient: Option<String>,
    pub kind: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub limit: usize,
}

impl Store {
    /// Events matching the filter, newest first.
    pub fn events(&self, f: &EventFilter) -> Result<Vec<EventRow>, StoreError> {
        let mut sql = String::from(
            "SELECT doc_id, date, type, mode, actor, recipient, modality, rule FROM events WHERE 1=1",
        );
        let mut args: Vec<String> = Vec::new();
        let mut add = |clause: &str, v: &Option<String>, args: &mut Vec<String>| {
            if let Some(v) = v {
                args.push(v.clone());
                sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
            }
        };
        add(
            " AND (' ' || actor || ' ') LIKE '% ' || ? || ' %'",
            &f.actor,
            &mut args,
        );
        add(
            " AND (' ' || recipient || ' ') LIKE '% ' || ? || ' %'",
            &f.recipient,
            &mut args,
        );
        add(" AND type = ?", &f.kind, &mut args);
        add(" AND date >= ?", &f.since, &mut args);
        add(" AND date <= ?", &f.until, &mut args);
        sql.push_str(&format!(
            " ORDER BY date DESC, doc_id, seq LIMIT {}",
            f.limit.max(1)
        ));
        let mut st = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let split = |s: String| -> Vec<String> { s.split_whitespace().map(String::from).collect() };
        let rows = st
            .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                Ok(EventRow {
                    doc_id: r.get(0)?,
                    date: r.get(1)?,
                    kind: r.get(2)?,
                    mode: r.get(3)?,
                    actor: split(r.get(4)?),
                    recipient: split(r.get(5)?),
                    modality: r.get(6)?,
                    rule: r.get(7)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Actors by the number of documents that mention them.
    pub fn actors(&self, limit: usize) -> Result<Vec<ActorRow>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT entity_id, MAX(type), MAX(name), COUNT(DISTINCT doc_id), SUM(mentions)
                 FROM entities GROUP BY entity_id ORDER BY COUNT(DISTINCT doc_id) DESC, entity_id LIMIT ?1",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([limit.max(1) as i64], |r| {
                Ok(ActorRow {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    name: r.get(2)?,
                    documents: r.get::<_, i64>(3)? as usize,
                    mentions: r.get::<_, i64>(4)? as usize,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Quotations, optionally of one speaker.
    pub fn quotes(&self, speaker: Option<&str>, limit: usize) -> Result<Vec<QuoteRow>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT doc_id, speaker, speaker_text, text, direct FROM quotes
                 WHERE (?1 IS NULL OR speaker = ?1) ORDER BY doc_id LIMIT ?2",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params![speaker, limit.max(1) as i64], |r| {
                Ok(QuoteRow {
                    doc_id: r.get(0)?,
                    speaker: r.get(1)?,
                    speaker_text: r.get(2)?,
                    text: r.get(3)?,
                    direct: r.get::<_, i64>(4)? != 0,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }
}
