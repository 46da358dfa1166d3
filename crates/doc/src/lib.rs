//! marsad-doc
