//! Clean display text (owner: normalize). See `clean`.
use crate::mapped::MappedText;

/// Clean raw input into display text with an offset map back to `input`.
pub fn clean(input: &str) -> MappedText {
    MappedText::identity(input)
}
