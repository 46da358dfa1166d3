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

/// The rows of a tab-separated data file whose first row is `header`:
/// each row with its line number and exactly `header.len()` non-empty,
/// trimmed cells. A wrong header, a short or long row, an empty cell or a
/// file with no header is an error naming the file and line.
pub fn table<'a>(
    file: &str,
    text: &'a str,
    header: &[&str],
) -> Result<Vec<(usize, Vec<&'a str>)>, DataError> {
    let err = |line: usize, message: String| DataError {
        file: file.to_string(),
        line,
        message,
    };
    let mut rows = Vec::new();
    let mut seen_header = false;
    for (line, l) in lines(text) {
        let c: Vec<&str> = l.split('\t').map(str::trim).collect();
        if !seen_header {
            if c != header {
                return Err(err(
                    line,
                    format!("expected the header `{}`", header.join(" ")),
                ));
            }
            seen_header = true;
            continue;
        }
        if c.len() != header.len() || c.iter().any(|x| x.is_empty()) {
            return Err(err(
                line,
                format!(
                    "expected {} non-empty tab-separated columns, found {}",
                    header.len(),
                    c.iter().filter(|x| !x.is_empty()).count()
                ),
            ));
        }
        rows.push((line, c));
    }
    if !seen_header {
        return Err(err(1, "empty file (no header)".into()));
    }
    Ok(rows)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_and_errors_name_the_line() {
        let ok = "# comment\na\tb\n\nx\t y \n";
        assert_eq!(
            table("t.tsv", ok, &["a", "b"]).unwrap(),
            vec![(4, vec!["x", "y"])]
        );
        let cases = [
            ("", 1, "empty file"),
            ("# only\n", 1, "empty file"),
            ("a\tc\nx\ty\n", 1, "header `a b`"),
            ("a\tb\nx\n", 2, "2 non-empty"),
            ("a\tb\nx\ty\tz\n", 2, "2 non-empty"),
            ("a\tb\nx\t \n", 2, "2 non-empty"),
        ];
        for (text, line, msg) in cases {
            let e = table("t.tsv", text, &["a", "b"]).unwrap_err();
            assert_eq!((e.file.as_str(), e.line), ("t.tsv", line), "{text:?}");
            assert!(e.message.contains(msg), "{text:?}: {}", e.message);
        }
    }
}
