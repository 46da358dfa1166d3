//! Glued-word repair (owner: glue helper). Placeholder interface.
use crate::lexicon::Lexicon;
use crate::mapped::MappedText;

/// One repaired token: the glued word as found and the byte offsets (in the
/// repaired output text) where spaces were inserted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub word: String,
    pub spaces_at: Vec<usize>,
}

/// Byte positions inside `word` where a space should go, or empty.
pub fn split_word(word: &str, lex: &Lexicon) -> Vec<usize> {
    let _ = (word, lex);
    Vec::new()
}

/// Insert spaces into glued words of `t`.
pub fn repair(t: &MappedText, lex: &Lexicon) -> (MappedText, Vec<Repair>) {
    let _ = lex;
    (t.clone(), Vec::new())
}
