use std::path::PathBuf;

use thiserror::Error;

/// Errors of the search index. Messages name the index directory (or the
/// document / data file) so the binary can print them as they are.
#[derive(Debug, Error)]
pub enum SearchError {
    /// The directory holds something that is not a readable index of ours:
    /// garbage or truncated files, a foreign directory. Rebuilding fixes it.
    #[error("{path}: the search index is damaged ({message}); rebuild it with `marsad reindex`")]
    Damaged { path: PathBuf, message: String },
    /// The index was written with another schema (another marsad version).
    #[error("{path}: the search index was built by another version of marsad; rebuild it with `marsad reindex`")]
    Outdated { path: PathBuf },
    /// Another process (or another `Writer`) is writing to the index.
    #[error("{path}: the search index is being written by another process")]
    Locked { path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Any other failure of the index engine.
    #[error("{path}: search index error: {message}")]
    Index { path: PathBuf, message: String },
    /// The user's query cannot be run; the message says why.
    #[error("bad query: {0}")]
    Query(String),
    /// A document cannot be indexed (e.g. its date is malformed).
    #[error("document {id}: {message}")]
    Document { id: String, message: String },
    /// The embedded analyzer data is invalid (`file:line: …`).
    #[error(transparent)]
    Data(#[from] marsad_text::data::DataError),
}
