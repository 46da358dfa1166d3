//! Language data files embedded from `data/text/`, parsed and validated on load.
//! Errors name the file and line so a linguist can fix them without reading Rust.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("{file}:{line}: {message}")]
pub struct DataError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Non-comment, non-blank lines of a data file with their 1-based line numbers.
/// `#` starts a comment line; surrounding whitespace is trimmed.
pub fn lines<'a>(text: &'a str) -> impl Iterator<Item = (usize, &'a str)> + 'a {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

/// A word list: one entry per line. Entries are returned in match form.
pub fn word_list(file: &str, text: &str) -> Result<Vec<String>, DataError> {
    let mut out = Vec::new();
    for (line, l) in lines(text) {
        if l.contains('\t') {
            return Err(DataError {
                file: file.into(),
                line,
                message: format!("expected one entry per line, found a tab in {l:?}"),
            });
        }
        out.push(crate::matchform::match_form(l));
    }
    Ok(out)
}

pub const LEXICON_TSV: (&str, &str) = (
    "data/text/lexicon.tsv",
    include_str!("../../../data/text/lexicon.tsv"),
);
pub const LEXICON_EXTRA_TSV: (&str, &str) = (
    "data/text/lexicon-extra.tsv",
    include_str!("../../../data/text/lexicon-extra.tsv"),
);
pub const BOILERPLATE_CUES: (&str, &str) = (
    "data/text/boilerplate-cues.txt",
    include_str!("../../../data/text/boilerplate-cues.txt"),
);
pub const SENTENCE_OPENERS_TXT: (&str, &str) = (
    "data/text/sentence-openers.txt",
    include_str!("../../../data/text/sentence-openers.txt"),
);
pub const ABBREVIATIONS_TXT: (&str, &str) = (
    "data/text/abbreviations.txt",
    include_str!("../../../data/text/abbreviations.txt"),
);
pub const CLITIC_EXCEPTIONS_TXT: (&str, &str) = (
    "data/text/clitic-exceptions.txt",
    include_str!("../../../data/text/clitic-exceptions.txt"),
);
pub const GLUE_WORDS_TSV: (&str, &str) = (
    "data/text/glue-words.tsv",
    include_str!("../../../data/text/glue-words.tsv"),
);
