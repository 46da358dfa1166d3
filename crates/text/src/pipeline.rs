//! The whole text layer in order: clean → boilerplate → glue → sentences → tokens.
//!
//! Stages after `clean` take a [`MappedText`] and return one whose origins still
//! refer to the ORIGINAL input (they copy origins with `Builder::push_mapped` and
//! give inserted text the origin of the following byte, `Builder::push_inserted`).

use std::ops::Range;

use crate::boilerplate::{self, Removed, SourceStats};
use crate::glue::{self, Repair};
use crate::lexicon::Lexicon;
use crate::mapped::MappedText;
use crate::normalize;
use crate::sentence;
use crate::token::{self, Token};

/// Which optional stages run.
#[derive(Debug, Clone)]
pub struct Options {
    pub remove_boilerplate: bool,
    pub repair_glue: bool,
    pub tokenize: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            remove_boilerplate: true,
            repair_glue: true,
            tokenize: true,
        }
    }
}

/// The text layer's result for one document.
#[derive(Debug, Clone)]
pub struct Processed {
    /// Display text, mapped back to the raw input.
    pub text: MappedText,
    /// Sentence byte spans in `text`.
    pub sentences: Vec<Range<usize>>,
    pub tokens: Vec<Token>,
    pub removed: Vec<Removed>,
    pub repairs: Vec<Repair>,
}

/// Run the whole text layer on one raw document.
pub fn process(input: &str, opts: &Options, stats: Option<&SourceStats>) -> Processed {
    process_cleaned(normalize::clean(input), opts, stats)
}

/// Run the stages after [`normalize::clean`] (for callers that cleaned every
/// document first to build [`SourceStats`]).
pub fn process_cleaned(
    cleaned: MappedText,
    opts: &Options,
    stats: Option<&SourceStats>,
) -> Processed {
    process_in(cleaned, opts, stats, None)
}

/// [`process_cleaned`] with word counts of the batch the document belongs to
/// (glued-word repair uses them; see [`glue::CorpusCounts`]).
pub fn process_in(
    cleaned: MappedText,
    opts: &Options,
    stats: Option<&SourceStats>,
    corpus: Option<&glue::CorpusCounts>,
) -> Processed {
    let lex = Lexicon::builtin();
    let (text, removed) = if opts.remove_boilerplate {
        let (t, removed) = boilerplate::filter(&cleaned, stats);
        (t, removed)
    } else {
        (cleaned, Vec::new())
    };
    let (text, repairs) = if opts.repair_glue {
        let (t, repairs) = glue::repair_in(&text, lex, &glue::Params::default(), corpus);
        (t, repairs)
    } else {
        (text, Vec::new())
    };
    split_and_tokenize(text, removed, repairs, opts)
}

/// The stages after boilerplate removal, for callers that filtered every
/// document of a batch first and counted the batch's words over the
/// filtered texts ([`glue::CorpusCounts::build_prepared`]): glue repair with
/// those counts and the document's [`glue::Prepared`] runs, then sentences
/// and tokens.
pub fn process_filtered(
    text: MappedText,
    removed: Vec<Removed>,
    opts: &Options,
    glue: Option<(&glue::CorpusCounts, &glue::Prepared)>,
) -> Processed {
    let lex = Lexicon::builtin();
    let prm = glue::Params::default();
    let (text, repairs) = match (opts.repair_glue, glue) {
        (false, _) => (text, Vec::new()),
        (true, Some((c, p))) => glue::repair_prepared(&text, lex, &prm, c, p),
        (true, None) => glue::repair_in(&text, lex, &prm, None),
    };
    split_and_tokenize(text, removed, repairs, opts)
}

fn split_and_tokenize(
    text: MappedText,
    removed: Vec<Removed>,
    repairs: Vec<Repair>,
    opts: &Options,
) -> Processed {
    let lex = Lexicon::builtin();
    let sentences = sentence::split(text.text());
    let tokens = if opts.tokenize {
        token::tokenize(text.text(), &sentences, lex)
    } else {
        Vec::new()
    };
    Processed {
        text,
        sentences,
        tokens,
        removed,
        repairs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Arabic-heavy strings with the defects the text layer must survive.
    fn arabic_soup() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("موسكووواشنطن ".to_string()),
            Just("الولاياتالمتحدة".to_string()),
            Just("يتعلّق ".to_string()),
            Just("مـــوسكو".to_string()),
            Just("ﻻ ﷲ ".to_string()),
            Just("\u{200f}\u{200b}\u{feff}".to_string()),
            Just(". ".to_string()),
            Just("؟\n".to_string()),
            Just("\n\n".to_string()),
            Just("“قال” «نعم» ".to_string()),
            Just("اظهر المزيد\n".to_string()),
            Just("a-b-c-d-e\n".to_string()),
            Just("١٢٣ 3.5 ".to_string()),
            Just("ا\u{0654}\u{064e}\u{0651}".to_string()),
            "[\\u{0600}-\\u{06FF} .\\n]{0,20}",
            any::<String>(),
        ];
        prop::collection::vec(piece, 0..20).prop_map(|v| v.concat())
    }

    fn check(input: &str) {
        let p = process(input, &Options::default(), None);
        let text = p.text.text();
        let origins = p.text.origins();
        assert_eq!(origins.len(), text.len() + 1);
        for w in origins.windows(2) {
            assert!(w[0] <= w[1], "origins must not decrease");
        }
        for &o in origins {
            assert!(
                input.is_char_boundary(o as usize),
                "origin {o} off a char boundary"
            );
        }
        for s in &p.sentences {
            assert!(s.start < s.end && s.end <= text.len());
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            let r = p.text.to_original(s.clone());
            assert!(r.start <= r.end && r.end <= input.len());
            assert!(input.is_char_boundary(r.start) && input.is_char_boundary(r.end));
        }
        for t in &p.tokens {
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            assert!(t.start < t.end && t.end <= text.len());
        }
        // Every non-space display char comes from an input char that maps to it
        // after normalisation: at least, the origin of a letter is a letter-ish
        // char (not whitespace) in the input.
        for (i, c) in text.char_indices() {
            if c.is_alphabetic() {
                let o = origins[i] as usize;
                let src = input[o..].chars().next();
                assert!(
                    src.is_some_and(|s| !s.is_whitespace()),
                    "display {c:?} at {i} maps to {src:?} at {o}"
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn offsets_map_back(input in arabic_soup()) {
            check(&input);
        }

        #[test]
        fn no_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            check(&String::from_utf8_lossy(&bytes));
        }
    }

    #[test]
    fn seed_like_document_maps_back() {
        let input = "\u{feff}عنوان الخبر\nقال الرئيس: «إن موسكووواشنطن تتفقان».\n\nاظهر المزيد\n";
        check(input);
        let p = process(input, &Options::default(), None);
        // A mapped sentence reproduces its source (modulo normalisation).
        let s = &p.sentences[0];
        let r = p.text.to_original(s.clone());
        assert_eq!(&input[r], "عنوان الخبر");
    }
}
