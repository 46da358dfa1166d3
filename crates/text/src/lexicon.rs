//! Arabic word-frequency lexicon keyed by match form (see `data/text/lexicon.tsv`).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::data::{self, DataError};

/// Word frequencies in centibels: `freq = 10^(-cB/100)`; lower is more frequent.
#[derive(Debug, Default, Clone)]
pub struct Lexicon {
    cb: HashMap<String, u16>,
}

impl Lexicon {
    /// Parse `word<TAB>cB` lines. Later files override earlier ones.
    pub fn parse(files: &[(&str, &str)]) -> Result<Lexicon, DataError> {
        let mut cb = HashMap::with_capacity(200_000);
        for (file, text) in files {
            for (line, l) in data::lines(text) {
                let err = |message: String| DataError {
                    file: (*file).into(),
                    line,
                    message,
                };
                let (w, v) = l
                    .split_once('\t')
                    .ok_or_else(|| err(format!("expected word<TAB>centibels, got {l:?}")))?;
                let v: u16 = v.trim().parse().map_err(|_| {
                    err(format!("centibels must be an integer 0..=65535, got {v:?}"))
                })?;
                let w = crate::matchform::match_form(w.trim());
                if w.is_empty() || w.chars().any(char::is_whitespace) {
                    return Err(err(format!("bad word {w:?}")));
                }
                cb.insert(w, v);
            }
        }
        Ok(Lexicon { cb })
    }

    /// The lexicon shipped in the repository (parsed once, on first use).
    pub fn builtin() -> &'static Lexicon {
        static LEX: OnceLock<Lexicon> = OnceLock::new();
        LEX.get_or_init(|| {
            Lexicon::parse(&[data::LEXICON_TSV, data::LEXICON_EXTRA_TSV])
                .unwrap_or_else(|e| panic!("built-in lexicon is invalid (a build defect): {e}"))
        })
    }

    /// Frequency in centibels of a word given in match form.
    #[inline]
    pub fn cb(&self, match_form: &str) -> Option<u16> {
        self.cb.get(match_form).copied()
    }

    /// log10 frequency (negative), if known.
    #[inline]
    pub fn log10(&self, match_form: &str) -> Option<f64> {
        self.cb(match_form).map(|c| -(c as f64) / 100.0)
    }

    pub fn contains(&self, match_form: &str) -> bool {
        self.cb.contains_key(match_form)
    }

    pub fn len(&self) -> usize {
        self.cb.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cb.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_loads_and_knows_common_words() {
        let l = Lexicon::builtin();
        assert!(l.len() > 100_000);
        for w in ["في", "موسكو", "واشنطن", "الولايات", "المتحده"] {
            assert!(l.contains(w), "{w}");
        }
    }

    #[test]
    fn parse_errors_name_file_and_line() {
        let e = Lexicon::parse(&[("x.tsv", "# c\nفي\t144\nمن 150\n")]).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("x.tsv", 3));
        let e = Lexicon::parse(&[("x.tsv", "في\tabc\n")]).unwrap_err();
        assert_eq!(e.line, 1);
    }
}
