//! marsad-ingest: turns paths, stdin and archives into raw documents.
