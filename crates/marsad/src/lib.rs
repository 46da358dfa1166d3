//! The `marsad` command's library half: the analyze driver, benchmarks and
//! evaluations, shared by the binary and `cargo bench`.

pub mod analyze;
pub mod bench;
pub mod display;
pub mod error;
pub mod eval;
pub mod explain;
pub mod export;
pub mod ingest;
pub mod ner;
pub mod queries;
pub mod search;
pub mod stories;
pub mod train_events;
pub mod train_genre;
