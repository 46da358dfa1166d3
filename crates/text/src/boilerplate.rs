//! Boilerplate line removal (owner: boilerplate helper). Placeholder interface.
use crate::mapped::MappedText;
use std::collections::HashMap;

/// Why a line was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    Menu,
    ReadMore,
    AdNotice,
    Byline,
    AltText,
    Caption,
    Link,
    Repeated,
}

/// A dropped line: 1-based line number in the cleaned input, its text and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub line: usize,
    pub text: String,
    pub reason: Reason,
}

/// Line repetition across documents of one source (site), built before filtering.
#[derive(Debug, Default, Clone)]
pub struct SourceStats {
    counts: HashMap<u64, u32>,
    docs: u32,
}

impl SourceStats {
    pub fn new() -> Self {
        Self::default()
    }
    /// Count the lines of one cleaned document (output of `normalize::clean`).
    pub fn add_document(&mut self, cleaned: &str) {
        let _ = cleaned;
        self.docs += 1;
        let _ = &mut self.counts;
    }
    /// In how many documents this line occurs.
    pub fn repeats(&self, line: &str) -> u32 {
        let _ = line;
        0
    }
    pub fn documents(&self) -> u32 {
        self.docs
    }
}

/// Drop boilerplate lines from cleaned text (lines separated by `\n`).
pub fn filter(t: &MappedText, stats: Option<&SourceStats>) -> (MappedText, Vec<Removed>) {
    let _ = stats;
    (t.clone(), Vec::new())
}
