//! The whole text layer in order: clean → boilerplate → glue → sentences → tokens.

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
    let lex = Lexicon::builtin();
    let cleaned = normalize::clean(input);
    let (text, removed) = if opts.remove_boilerplate {
        let (t, removed) = boilerplate::filter(&cleaned, stats);
        (t.compose(&cleaned), removed)
    } else {
        (cleaned, Vec::new())
    };
    let (text, repairs) = if opts.repair_glue {
        let (t, repairs) = glue::repair(&text, lex);
        (t.compose(&text), repairs)
    } else {
        (text, Vec::new())
    };
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
