//! marsad-text: the Arabic text layer. No I/O: every function takes text (or the
//! embedded language data) and returns text plus offsets.
//!
//! A document flows through the stages in this order (see [`pipeline::process`]):
//! 1. [`normalize::clean`]: NFC, invisibles/tatweel removed, presentation forms
//!    mapped, whitespace normalised, one line per input line. Diacritics kept.
//! 2. [`boilerplate::filter`]: drops menu/footer/byline/alt-text lines.
//! 3. [`glue::repair`]: splits words glued together by bad scraping.
//! 4. [`sentence::split`]: sentence spans.
//! 5. [`token::tokenize`]: tokens with clitic segments and match forms.
//!
//! Every stage returns a [`MappedText`] (or spans over one) so any offset in the
//! final display text maps back to a byte range of the original input.

pub mod boilerplate;
pub mod data;
pub mod glue;
pub mod lexicon;
pub mod mapped;
pub mod matchform;
pub mod normalize;
pub mod pipeline;
pub mod sentence;
pub mod token;

pub use lexicon::Lexicon;
pub use mapped::MappedText;
pub use pipeline::{process, process_cleaned, process_in, Options, Processed};
