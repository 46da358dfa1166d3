//! Tokenisation with clitic segmentation (owner: sentence/token helper). Placeholder interface.
use crate::lexicon::Lexicon;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Arabic,
    Latin,
    Number,
    Punct,
    Symbol,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegKind {
    /// و ف
    Conj,
    /// ب ل ك
    Prep,
    /// س (future)
    Future,
    /// ال (also the ل of لل)
    Article,
    Stem,
    /// attached pronoun: ه ها هم هما هن ك كم كما كن نا ي ني
    Pronoun,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub start: usize,
    pub end: usize,
    pub kind: SegKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte span in the display text.
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
    /// Index of the sentence containing the token.
    pub sentence: usize,
    /// Match form of the whole token.
    pub norm: String,
    /// Clitic segmentation (byte spans in display text); one Stem segment when unsegmented.
    pub segments: Vec<Segment>,
}

impl Token {
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }
}

pub fn tokenize(text: &str, sentences: &[Range<usize>], lex: &Lexicon) -> Vec<Token> {
    let _ = lex;
    let mut out = Vec::new();
    for (si, s) in sentences.iter().enumerate() {
        let mut pos = s.start;
        for w in text[s.clone()].split(' ') {
            if !w.is_empty() {
                out.push(Token {
                    start: pos,
                    end: pos + w.len(),
                    kind: TokenKind::Arabic,
                    sentence: si,
                    norm: crate::matchform::match_form(w),
                    segments: vec![Segment {
                        start: pos,
                        end: pos + w.len(),
                        kind: SegKind::Stem,
                    }],
                });
            }
            pos += w.len() + 1;
        }
    }
    out
}
