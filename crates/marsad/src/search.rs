//! The search index beside the store (`<db>/index`): what goes into it for
//! each document, keeping it in step with the store, rebuilding it.
//!
//! The store is the source of truth. The index is written after each store
//! transaction; a run killed between the two leaves the index short, which
//! the next `ingest` notices (document counts differ) and repairs by
//! rebuilding from the store. `marsad reindex` rebuilds on request, e.g.
//! after the index directory was damaged or deleted.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use marsad_doc::Document;
use marsad_search::{IndexDoc, SearchError, SearchIndex};
use marsad_store::Store;

/// Where the index of a store directory lives.
pub fn index_dir(db: &Path) -> PathBuf {
    db.join("index")
}

pub struct Index {
    inner: SearchIndex,
}

/// Index one document: its text and title, date, source name, entity ids
/// and event types (the filters of `marsad search`).
fn upsert(w: &mut marsad_search::Writer, d: &Document) -> Result<(), SearchError> {
    let source = d.source.name();
    let entities: Vec<String> = d.entities.iter().map(|e| e.id.clone()).collect();
    let mut event_types: Vec<String> = d.events.iter().map(|e| e.kind.clone()).collect();
    event_types.sort();
    event_types.dedup();
    w.upsert(&IndexDoc {
        id: &d.id,
        title: d.title.as_deref(),
        text: &d.text,
        published: d.published.as_deref(),
        source: source.as_deref(),
        entities: &entities,
        event_types: &event_types,
    })
}

impl Index {
    /// Open the index of store `db`, creating it when missing. A damaged
    /// index is an error that says to run `marsad reindex`.
    pub fn open(db: &Path) -> Result<Index, SearchError> {
        Ok(Index {
            inner: SearchIndex::open(&index_dir(db))?,
        })
    }

    /// Open, or rebuild from the store when the index is damaged or of an
    /// older layout (`warn` is told why).
    pub fn open_or_rebuild(db: &Path, store: &Store, warn: impl Fn(&str)) -> Result<Index> {
        match Index::open(db) {
            Ok(i) => Ok(i),
            Err(e @ (SearchError::Damaged { .. } | SearchError::Outdated { .. })) => {
                warn(&format!("{e}; rebuilding the search index from the store"));
                let (i, _) = Index::rebuild(db, store)?;
                Ok(i)
            }
            Err(e) => Err(e.into()),
        }
    }

    pub fn inner(&self) -> &SearchIndex {
        &self.inner
    }

    /// Index (insert or replace) documents and commit.
    pub fn add(&self, docs: &[Document]) -> Result<usize> {
        if docs.is_empty() {
            return Ok(0);
        }
        let mut w = self.inner.writer()?;
        for d in docs {
            upsert(&mut w, d)?;
        }
        w.commit()?;
        Ok(docs.len())
    }

    /// When the index does not hold as many documents as the store (a run
    /// killed between the store's commit and the index's), rebuild it.
    /// Returns the number of documents indexed.
    pub fn catch_up(&mut self, db: &Path, store: &Store) -> Result<usize> {
        let stored = store.counts()?.documents as u64;
        if self.inner.num_docs() == stored {
            return Ok(0);
        }
        let (fresh, n) = Index::rebuild(db, store)?;
        *self = fresh;
        Ok(n)
    }

    /// Delete the index and index every stored document again.
    pub fn rebuild(db: &Path, store: &Store) -> Result<(Index, usize)> {
        let dir = index_dir(db);
        let inner = SearchIndex::create_fresh(&dir)
            .with_context(|| format!("{}: cannot recreate the search index", dir.display()))?;
        let index = Index { inner };
        let mut n = 0usize;
        let mut failed: Option<SearchError> = None;
        let mut bad = Vec::new();
        {
            let mut w = index.inner.writer()?;
            store.for_each_document(
                true,
                |d| {
                    if failed.is_none() {
                        match upsert(&mut w, &d) {
                            Ok(()) => n += 1,
                            Err(e) => failed = Some(e),
                        }
                    }
                },
                |id| bad.push(id.to_string()),
            )?;
            if let Some(e) = failed {
                return Err(e.into());
            }
            w.commit()?;
        }
        if !bad.is_empty() {
            anyhow::bail!(
                "{} stored document(s) could not be read back for indexing (first: {})",
                bad.len(),
                bad[0]
            );
        }
        // Reopen so that the reader sees the commit.
        let index = Index::open(db)?;
        Ok((index, n))
    }
}
