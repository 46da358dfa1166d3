//! marsad-search: the full-text index of the corpus (tantivy, on disk in one
//! directory), with our own Arabic analyzer.
//!
//! # Fields
//!
//! | field | content | analysis | used for |
//! |---|---|---|---|
//! | `id` | document id | raw, stored | upsert / delete |
//! | `title` | title | like `text`, stored | ranking (boosted) |
//! | `text` | document text | match forms, clitics cut, variants folded; positions; stored | words, phrases, snippets |
//! | `stem` | document text | `text` + light stemming | recall (`روسي` finds `الروسية`) |
//! | `exact` | document text | surface form minus diacritics/tatweel; positions | quoted phrases rank exact forms first |
//! | `published`, `day` | `YYYY-MM-DD` | stored / `YYYYMMDD` as an indexed fast u64 | `since`/`until` filters, date order |
//! | `source`, `entity`, `event` | outlet, entity ids, PLOVER types | raw terms | filters |
//!
//! # The analyzer ([`analyzer`])
//!
//! Words come from the text layer's tokenizer ([`marsad_text::token`]); each
//! word takes one position (punctuation takes none) and keeps the byte range
//! of the whole surface word, clitics included, so `بروسيا` is highlighted
//! for the query `روسيا`.
//!
//! * `text`: the match form of the word's stem ([`marsad_text::matchform`]:
//!   diacritics dropped, `أإآٱ`→`ا`, `ى`→`ي`, `ة`→`ه`, Eastern digits → ASCII,
//!   Latin lower-cased) after cutting proclitics (و ف ب ل ك س), the article
//!   and attached pronouns where the lexicon supports the cut. The article is
//!   always dropped: `الرئيس`, `للرئيس`, `رئيس` are one term, so a bare stem
//!   finds every clitic form (`روسيا` finds `بروسيا`, `وروسيا`, `لروسيا`); a
//!   quoted phrase ranks the exact surface form first. Words the lexicon does
//!   not know (rare names) lose a leading `ال`/`وال`/`بال`/`كال`/`فال`/`لل`
//!   when three letters remain. Finally spelling variants of foreign names are
//!   folded with the substring table `data/search/variants.tsv`
//!   (`امريك`→`اميرك` makes `أمريكا`/`أميركا`, `الأمريكيين`/`الأميركيين` one
//!   term; a general `يرك`↔`ريك` rule was rejected as it would also rewrite
//!   `يركز`, `شريك`…).
//! * `stem`: the `text` term through a light stemmer in the spirit of
//!   Larkey's light10 (`data/search/light-stem.txt`: suffixes ها ان ات ون ين
//!   ية ه ي in order, each once, leaving ≥ 2 letters; prefixes only for words
//!   the lexicon does not know, since known words had their clitics cut).
//! * `exact`: the surface word without diacritics and tatweel; no clitic cut,
//!   no letter folding.
//!
//! Both data files are embedded with `include_str!` and validated on first
//! use; errors are `file:line: …` ([`SearchError::Data`]).
//!
//! # Queries ([`Query`])
//!
//! Words must all match (each in `text`, `stem` or `title`; ranked by BM25
//! over the three, `title` boosted ×2 and `stem` ×0.5); `"…"`, `«…»` or
//! `“…”` is a phrase matched on `text` and `exact` (exact ×2) and `title`;
//! `a OR b` between two terms. Nothing else is syntax, so the only bad queries
//! are an unclosed quote or a dangling `OR` ([`SearchError::Query`]). Filters
//! (since/until dates, entity ids, event type, source) do not change scores.
//! A query with no words returns the filtered documents newest first.

pub mod analyzer;
mod error;
mod query;
mod snippet;

use std::ops::Bound;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use tantivy::collector::TopDocs;
use tantivy::directory::error::{LockError, OpenDirectoryError};
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query as TQuery,
    RangeQuery, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED,
    STRING,
};
use tantivy::{
    Index, IndexReader, IndexSettings, IndexWriter, Order, ReloadPolicy, TantivyDocument,
    TantivyError, Term,
};

use analyzer::{Analyzer, FieldKind, FieldTokenizer, Word};
pub use error::SearchError;
use query::Clause;

/// A document to index. `published` is `YYYY-MM-DD` (anything after the
/// first 10 characters, e.g. a time, is ignored).
#[derive(Debug, Clone, Copy)]
pub struct IndexDoc<'a> {
    pub id: &'a str,
    pub title: Option<&'a str>,
    pub text: &'a str,
    pub published: Option<&'a str>,
    pub source: Option<&'a str>,
    /// Entity ids (knowledge-base ids).
    pub entities: &'a [String],
    /// PLOVER event types.
    pub event_types: &'a [String],
}

/// A search: `text` in the query language of the crate docs, plus filters
/// that must all hold. `since`/`until` are inclusive `YYYY-MM-DD` dates;
/// every id in `entity` must be in the document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Query {
    pub text: String,
    pub since: Option<String>,
    pub until: Option<String>,
    pub entity: Vec<String>,
    pub event_type: Option<String>,
    pub source: Option<String>,
    pub limit: usize,
}

impl Default for Query {
    fn default() -> Query {
        Query {
            text: String::new(),
            since: None,
            until: None,
            entity: Vec::new(),
            event_type: None,
            source: None,
            limit: 20,
        }
    }
}

impl Query {
    /// A query for `text` with no filters and the default limit (20).
    pub fn text(text: &str) -> Query {
        Query {
            text: text.to_string(),
            ..Query::default()
        }
    }
}

/// One result. `highlights` are byte ranges in `snippet`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Hit {
    pub id: String,
    pub score: f32,
    pub title: Option<String>,
    pub published: Option<String>,
    pub source: Option<String>,
    pub snippet: String,
    pub highlights: Vec<(usize, usize)>,
}

/// Most results one search returns.
pub const MAX_LIMIT: usize = 10_000;

/// Writer memory budget (split among tantivy's indexing threads).
const WRITER_BUDGET: usize = 100_000_000;

const TOK_TEXT: &str = "marsad_text";
const TOK_STEM: &str = "marsad_stem";
const TOK_EXACT: &str = "marsad_exact";

#[derive(Debug, Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    text: Field,
    stem: Field,
    exact: Field,
    published: Field,
    day: Field,
    source: Field,
    entity: Field,
    event: Field,
}

fn schema() -> (Schema, Fields) {
    let analyzed = |tok: &str, rec: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tok)
                .set_index_option(rec),
        )
    };
    let pos = IndexRecordOption::WithFreqsAndPositions;
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        title: b.add_text_field("title", analyzed(TOK_TEXT, pos).set_stored()),
        text: b.add_text_field("text", analyzed(TOK_TEXT, pos).set_stored()),
        stem: b.add_text_field("stem", analyzed(TOK_STEM, IndexRecordOption::WithFreqs)),
        exact: b.add_text_field("exact", analyzed(TOK_EXACT, pos)),
        published: b.add_text_field("published", STORED),
        day: b.add_u64_field("day", INDEXED | FAST),
        source: b.add_text_field("source", STRING | STORED),
        entity: b.add_text_field("entity", STRING),
        event: b.add_text_field("event", STRING),
    };
    (b.build(), fields)
}

/// `YYYY-MM-DD` (a longer string is cut after 10 chars) → `YYYYMMDD`.
fn parse_day(s: &str) -> Option<u64> {
    let d = s.get(..10)?.as_bytes();
    if d[4] != b'-' || d[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u64> {
        let part = &d[r];
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0, |n, &b| n * 10 + u64::from(b - b'0')))
    };
    let (y, m, dd) = (num(0..4)?, num(5..7)?, num(8..10)?);
    ((1..=12).contains(&m) && (1..=31).contains(&dd)).then_some(y * 10_000 + m * 100 + dd)
}

/// The full-text index in one directory.
pub struct SearchIndex {
    path: PathBuf,
    index: Index,
    reader: IndexReader,
    /// meta.json's (modified, length) when the reader was last reloaded.
    seen: Mutex<Option<(SystemTime, u64)>>,
    fields: Fields,
    analyzer: &'static Analyzer,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Whether `e` says the index files are unreadable (as opposed to the
/// machine failing us: permissions, disk, locks).
fn is_damage(e: &TantivyError) -> bool {
    match e {
        TantivyError::IoError(io) => !matches!(
            io.kind(),
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::StorageFull
        ),
        TantivyError::LockFailure(..)
        | TantivyError::Poisoned
        | TantivyError::ErrorInThread(_)
        | TantivyError::OpenWriteError(_)
        | TantivyError::InvalidArgument(_)
        | TantivyError::FieldNotFound(_)
        | TantivyError::AggregationError(_)
        | TantivyError::IndexAlreadyExists => false,
        _ => true,
    }
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "the index engine panicked".into())
}

impl SearchIndex {
    fn err(&self, e: TantivyError) -> SearchError {
        error_at(&self.path, e)
    }

    /// Open the index in `dir`, creating the directory and an empty index if
    /// needed. A directory that holds other files, or whose index files
    /// cannot be read, is [`SearchError::Damaged`]; an index of another schema
    /// is [`SearchError::Outdated`].
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        let analyzer = Analyzer::builtin()?;
        let path = dir.to_path_buf();
        let io = |source| SearchError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let (schema, fields) = schema();
        let has_meta = dir.join("meta.json").exists();
        if !has_meta {
            // Hidden files are tantivy's lock files.
            let foreign = std::fs::read_dir(dir)
                .map_err(io)?
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .find(|n| !n.starts_with('.'));
            if let Some(name) = foreign {
                return Err(SearchError::Damaged {
                    path,
                    message: format!("no meta.json but other files such as {name:?}"),
                });
            }
        }
        let opened = catch_unwind(AssertUnwindSafe(|| -> Result<_, SearchError> {
            let mdir = MmapDirectory::open(dir).map_err(|e| match e {
                OpenDirectoryError::IoError { io_error, .. } => SearchError::Io {
                    path: path.clone(),
                    source: std::io::Error::new(io_error.kind(), io_error.to_string()),
                },
                e => SearchError::Index {
                    path: path.clone(),
                    message: e.to_string(),
                },
            })?;
            let mut index = if has_meta {
                let index = Index::open(mdir).map_err(|e| error_at(&path, e))?;
                if index.schema() != schema {
                    return Err(SearchError::Outdated { path: path.clone() });
                }
                index
            } else {
                Index::create(mdir, schema, IndexSettings::default())
                    .map_err(|e| error_at(&path, e))?
            };
            let tm = index.tokenizers();
            for (name, kind) in [
                (TOK_TEXT, FieldKind::Text),
                (TOK_STEM, FieldKind::Stem),
                (TOK_EXACT, FieldKind::Exact),
            ] {
                tm.register(name, FieldTokenizer { analyzer, kind });
            }
            index.set_default_multithread_executor().ok();
            let reader = index
                .reader_builder()
                .reload_policy(ReloadPolicy::Manual)
                .try_into()
                .map_err(|e| error_at(&path, e))?;
            Ok((index, reader))
        }));
        let (index, reader) = match opened {
            Ok(r) => r?,
            Err(p) => {
                return Err(SearchError::Damaged {
                    path,
                    message: panic_message(p),
                })
            }
        };
        let seen = Mutex::new(meta_stamp(dir));
        Ok(SearchIndex {
            path,
            index,
            reader,
            seen,
            fields,
            analyzer,
        })
    }

    /// Delete the index in `dir` (if any) and create an empty one. Refuses to
    /// delete a directory that has subdirectories (an index has none), so a
    /// wrong path cannot wipe a tree.
    pub fn create_fresh(dir: &Path) -> Result<SearchIndex, SearchError> {
        let io = |source| SearchError::Io {
            path: dir.to_path_buf(),
            source,
        };
        match std::fs::read_dir(dir) {
            Ok(rd) => {
                let entries: Vec<_> = rd.collect::<Result<_, _>>().map_err(io)?;
                if let Some(d) = entries
                    .iter()
                    .find(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                {
                    return Err(SearchError::Index {
                        path: dir.to_path_buf(),
                        message: format!(
                            "refusing to delete it: it has a subdirectory {:?}, so it is not a search index",
                            d.file_name()
                        ),
                    });
                }
                for e in entries {
                    std::fs::remove_file(e.path()).map_err(io)?;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        SearchIndex::open(dir)
    }

    /// The index directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A writer. Only one can exist at a time (across processes too): a
    /// second one is [`SearchError::Locked`]. Changes are visible after
    /// [`Writer::commit`]; dropping a writer discards uncommitted changes.
    pub fn writer(&self) -> Result<Writer<'_>, SearchError> {
        let inner = self
            .index
            .writer::<TantivyDocument>(WRITER_BUDGET)
            .map_err(|e| self.err(e))?;
        Ok(Writer { index: self, inner })
    }

    /// Number of (live) documents as of the last commit.
    pub fn num_docs(&self) -> u64 {
        // A failed reload keeps the previous view; `search` reports errors.
        let _ = self.refresh();
        self.reader.searcher().num_docs()
    }

    /// Reload the reader if meta.json changed (a commit by this or another
    /// process) since the last reload: one `stat` per call. (No watcher
    /// thread: a background reload could map files while they change.)
    fn refresh(&self) -> Result<(), SearchError> {
        let now = meta_stamp(&self.path);
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if *seen != now {
            self.reader.reload().map_err(|e| self.err(e))?;
            *seen = now;
        }
        Ok(())
    }

    /// Reload the reader unconditionally (after our own commit).
    fn refresh_now(&self) -> Result<(), SearchError> {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        self.reader.reload().map_err(|e| self.err(e))?;
        *seen = meta_stamp(&self.path);
        Ok(())
    }

    /// Read every index file and check its checksum (slow: reads the whole
    /// index). A mismatch is [`SearchError::Damaged`] naming the files.
    pub fn verify(&self) -> Result<(), SearchError> {
        let bad = self.index.validate_checksum().map_err(|e| self.err(e))?;
        if bad.is_empty() {
            return Ok(());
        }
        let mut names: Vec<String> = bad.iter().map(|p| p.display().to_string()).collect();
        names.sort();
        Err(SearchError::Damaged {
            path: self.path.clone(),
            message: format!("checksum mismatch in {}", names.join(", ")),
        })
    }

    /// Run a query. Bad query text or dates are [`SearchError::Query`].
    pub fn search(&self, q: &Query) -> Result<Vec<Hit>, SearchError> {
        let day = |what: &str, v: &Option<String>| -> Result<Option<u64>, SearchError> {
            v.as_deref()
                .map(|s| {
                    parse_day(s).filter(|_| s.len() == 10).ok_or_else(|| {
                        SearchError::Query(format!("{what}: expected a date YYYY-MM-DD, got {s:?}"))
                    })
                })
                .transpose()
        };
        let (since, until) = (day("since", &q.since)?, day("until", &q.until)?);
        if let (Some(s), Some(u)) = (since, until) {
            if s > u {
                return Err(SearchError::Query(format!(
                    "since ({}) is after until ({})",
                    q.since.as_deref().unwrap_or(""),
                    q.until.as_deref().unwrap_or("")
                )));
            }
        }
        let parsed = query::parse(&q.text, self.analyzer)?;
        let limit = q.limit.min(MAX_LIMIT);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let f = self.fields;
        let mut must: Vec<(Occur, Box<dyn TQuery>)> = parsed
            .groups
            .iter()
            .map(|g| (Occur::Must, self.group_query(g)))
            .collect();
        let mut filters: Vec<Box<dyn TQuery>> = Vec::new();
        if since.is_some() || until.is_some() {
            let b = |d: Option<u64>| {
                d.map_or(Bound::Unbounded, |d| {
                    Bound::Included(Term::from_field_u64(f.day, d))
                })
            };
            filters.push(Box::new(RangeQuery::new(b(since), b(until))));
        }
        let raw = |field: Field, v: &str| -> Box<dyn TQuery> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, v),
                IndexRecordOption::Basic,
            ))
        };
        filters.extend(q.entity.iter().map(|e| raw(f.entity, e)));
        filters.extend(q.event_type.iter().map(|e| raw(f.event, e)));
        filters.extend(q.source.iter().map(|s| raw(f.source, s)));
        must.extend(filters.into_iter().map(|fq| {
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(fq, 0.0)) as Box<dyn TQuery>,
            )
        }));
        let by_date = parsed.groups.is_empty();
        let tq: Box<dyn TQuery> = if must.is_empty() {
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::new(must))
        };
        let run = catch_unwind(AssertUnwindSafe(|| -> Result<Vec<Hit>, SearchError> {
            self.refresh()?;
            let searcher = self.reader.searcher();
            let addrs: Vec<(f32, tantivy::DocAddress)> = if by_date {
                searcher
                    .search(
                        &*tq,
                        &TopDocs::with_limit(limit).order_by_fast_field::<u64>("day", Order::Desc),
                    )
                    .map_err(|e| self.err(e))?
                    .into_iter()
                    .map(|(_, a)| (0.0, a))
                    .collect()
            } else {
                searcher
                    .search(&*tq, &TopDocs::with_limit(limit).order_by_score())
                    .map_err(|e| self.err(e))?
            };
            let matcher = snippet::Matcher::new(&parsed);
            addrs
                .into_iter()
                .map(|(score, a)| {
                    let d: TantivyDocument = searcher.doc(a).map_err(|e| self.err(e))?;
                    let s = |field: Field| {
                        d.get_first(field)
                            .and_then(|v| v.as_str())
                            .map(str::to_string)
                    };
                    let text = s(f.text).unwrap_or_default();
                    let (snippet, highlights) =
                        snippet::snippet(&text, &self.analyzer.words(&text), &matcher);
                    Ok(Hit {
                        id: s(f.id).unwrap_or_default(),
                        score,
                        title: s(f.title),
                        published: s(f.published),
                        source: s(f.source),
                        snippet,
                        highlights,
                    })
                })
                .collect()
        }));
        run.unwrap_or_else(|p| {
            Err(SearchError::Damaged {
                path: self.path.clone(),
                message: panic_message(p),
            })
        })
    }

    fn group_query(&self, g: &[Clause]) -> Box<dyn TQuery> {
        if let [c] = g {
            return self.clause_query(c);
        }
        Box::new(BooleanQuery::new(
            g.iter()
                .map(|c| (Occur::Should, self.clause_query(c)))
                .collect(),
        ))
    }

    fn clause_query(&self, c: &Clause) -> Box<dyn TQuery> {
        let f = self.fields;
        let term = |field: Field, words: &[Word], kind: FieldKind| -> Box<dyn TQuery> {
            if let [w] = words {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, w.term(kind)),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                let p0 = words[0].position;
                Box::new(PhraseQuery::new_with_offset(
                    words
                        .iter()
                        .map(|w| (w.position - p0, Term::from_field_text(field, w.term(kind))))
                        .collect(),
                ))
            }
        };
        let boost =
            |q: Box<dyn TQuery>, b: f32| -> Box<dyn TQuery> { Box::new(BoostQuery::new(q, b)) };
        let w = &c.words;
        let mut should = vec![
            term(f.text, w, FieldKind::Text),
            boost(term(f.title, w, FieldKind::Text), 2.0),
        ];
        if w.len() == 1 && !c.quoted {
            should.push(boost(term(f.stem, w, FieldKind::Stem), 0.5));
        } else {
            should.push(boost(term(f.exact, w, FieldKind::Exact), 2.0));
        }
        Box::new(BooleanQuery::new(
            should.into_iter().map(|q| (Occur::Should, q)).collect(),
        ))
    }
}

/// Modification time and length of `dir`/meta.json.
fn meta_stamp(dir: &Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(dir.join("meta.json")).ok()?;
    Some((m.modified().ok()?, m.len()))
}

fn error_at(path: &Path, e: TantivyError) -> SearchError {
    let path = path.to_path_buf();
    match e {
        TantivyError::LockFailure(LockError::LockBusy, _) => SearchError::Locked { path },
        TantivyError::SchemaError(_) | TantivyError::IncompatibleIndex(_) => {
            SearchError::Outdated { path }
        }
        e if is_damage(&e) => SearchError::Damaged {
            path,
            message: e.to_string(),
        },
        e => SearchError::Index {
            path,
            message: e.to_string(),
        },
    }
}

/// Adds, replaces and deletes documents; see [`SearchIndex::writer`].
pub struct Writer<'a> {
    index: &'a SearchIndex,
    inner: IndexWriter<TantivyDocument>,
}

impl Writer<'_> {
    /// Add `doc`, replacing any document with the same id.
    pub fn upsert(&mut self, doc: &IndexDoc) -> Result<(), SearchError> {
        let f = self.index.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.id, doc.id);
        if let Some(t) = doc.title {
            d.add_text(f.title, t);
        }
        for field in [f.text, f.stem, f.exact] {
            d.add_text(field, doc.text);
        }
        if let Some(p) = doc.published {
            let day = parse_day(p).ok_or_else(|| SearchError::Document {
                id: doc.id.to_string(),
                message: format!("published date {p:?} is not YYYY-MM-DD"),
            })?;
            d.add_text(f.published, p.get(..10).unwrap_or(p));
            d.add_u64(f.day, day);
        }
        if let Some(s) = doc.source {
            d.add_text(f.source, s);
        }
        for e in doc.entities {
            d.add_text(f.entity, e);
        }
        for e in doc.event_types {
            d.add_text(f.event, e);
        }
        self.inner.delete_term(Term::from_field_text(f.id, doc.id));
        self.inner.add_document(d).map_err(|e| self.index.err(e))?;
        Ok(())
    }

    /// Delete the document with this id (no error if there is none).
    pub fn delete(&mut self, id: &str) {
        self.inner
            .delete_term(Term::from_field_text(self.index.fields.id, id));
    }

    /// Make the changes durable and visible to searches.
    pub fn commit(&mut self) -> Result<(), SearchError> {
        self.inner.commit().map_err(|e| self.index.err(e))?;
        self.index.refresh_now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_day_table() {
        let cases = [
            ("2015-03-01", Some(20150301)),
            ("2015-03-01T10:00:00Z", Some(20150301)),
            ("1999-12-31", Some(19991231)),
            ("2015-13-01", None),
            ("2015-00-10", None),
            ("2015-01-32", None),
            ("2015/03/01", None),
            ("2015-3-1", None),
            ("15-03-2015", None),
            ("٢٠١٥-٠٣-٠١", None),
            ("", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_day(s), want, "{s}");
        }
    }

    #[test]
    fn other_schema_is_outdated() {
        let dir = std::env::temp_dir().join(format!(
            "marsad-search-unit-{}-outdated",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut b = Schema::builder();
        b.add_text_field("body", tantivy::schema::TEXT);
        Index::create_in_dir(&dir, b.build()).unwrap();
        let r = SearchIndex::open(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        match r {
            Err(e @ SearchError::Outdated { .. }) => {
                assert!(e.to_string().contains("marsad reindex"), "{e}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn shareable_between_threads() {
        fn check<T: Send + Sync>() {}
        check::<SearchIndex>();
        check::<Writer<'static>>();
    }

    #[test]
    fn schema_is_stable() {
        // Changing the schema makes existing indexes `Outdated`: bump with care.
        let (s, _) = schema();
        let names: Vec<&str> = s.fields().map(|(_, e)| e.name()).collect();
        assert_eq!(
            names,
            [
                "id",
                "title",
                "text",
                "stem",
                "exact",
                "published",
                "day",
                "source",
                "entity",
                "event"
            ]
        );
    }
}
