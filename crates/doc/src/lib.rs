//! marsad-doc: the `marsad.document/1` output contract.
//!
//! The shape is fixed by the foundation issue; fields later stages fill
//! (`entities`, `events`, `quotes`, `quantities`, `dates`) are present from the
//! start. All offsets are counted in Unicode scalar values (chars) of `text`;
//! the text layer works in bytes, [`CharIndex`] converts.

use serde::{Deserialize, Serialize};

use marsad_text::Processed;

pub const SCHEMA: &str = "marsad.document/1";

/// Where a document came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The outlet (SaudiNewsNet `source`, JSONL `source`), when the input names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
}

impl Source {
    /// Short name of where the document came from, for filters and tables:
    /// the outlet, else the URL's host, else the file's directory.
    pub fn name(&self) -> Option<String> {
        if let Some(o) = &self.outlet {
            return Some(o.clone());
        }
        if let Some(u) = &self.url {
            let rest = u.split_once("://").map_or(u.as_str(), |(_, r)| r);
            let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
            let host = host.strip_prefix("www.").unwrap_or(host);
            if !host.is_empty() {
                return Some(host.to_string());
            }
        }
        let p = self.path.as_deref().filter(|p| *p != "-")?;
        let dir = std::path::Path::new(p).parent()?.display().to_string();
        (!dir.is_empty()).then_some(dir)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EntityType {
    Person,
    Country,
    Organization,
    Location,
    Group,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub name_en: Option<String>,
    pub name_ar: String,
    pub country: Option<String>,
    pub in_kb: bool,
    pub mentions: Vec<Mention>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Modality {
    Asserted,
    Negated,
    /// Refused or denied (`رفض اتهامات بدعم داعش`: the support).
    Refused,
    /// Demanded of its actor (`طالب أنقرة بالاعتذار`: the apology).
    Demanded,
    /// Expected, forecast or alleged by another party.
    Expected,
    Conditional,
    /// Planned, decided, announced for later.
    Future,
    Possible,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    #[serde(rename = "type")]
    pub kind: String,
    pub mode: Option<String>,
    pub quad: u8,
    pub actor: Vec<String>,
    pub recipient: Vec<String>,
    pub sentence: usize,
    pub start: usize,
    pub end: usize,
    pub trigger: String,
    pub modality: Modality,
    pub date: Option<String>,
    pub location: Option<String>,
    pub rule: String,
    /// Words naming an actor the knowledge base cannot name (`مسلحون
    /// مجهولون`) when `actor` is empty. (Optional: absent in older output.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_text: Option<String>,
    /// Probability in [0, 1] that this is an event of this type. (Optional:
    /// absent in older output.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
    /// What decided: `model` (the learned detector) or `rule`. (Optional.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    pub speaker: Option<String>,
    pub speaker_text: String,
    pub cue: String,
    pub text: String,
    pub direct: bool,
    pub sentence: usize,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    pub value: f64,
    pub counts: Option<String>,
    pub kind: Option<String>,
    pub text: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateMention {
    pub text: String,
    pub value: Option<String>,
    pub start: usize,
    pub end: usize,
}

/// One analysed document, as printed by `marsad analyze`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub schema: String,
    pub id: String,
    pub published: Option<String>,
    pub title: Option<String>,
    pub source: Source,
    pub text: String,
    pub sentences: Vec<Span>,
    pub entities: Vec<Entity>,
    pub events: Vec<Event>,
    pub quotes: Vec<Quote>,
    pub quantities: Vec<Quantity>,
    pub dates: Vec<DateMention>,
    /// The article's genre as the genre classifier decides it (`news` or
    /// `opinion`); events are not coded from opinion columns. (Optional:
    /// absent in older output and for documents too short to tell.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genre: Option<GenreInfo>,
}

/// An article's genre and the classifier's probability that it is an
/// opinion column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenreInfo {
    pub label: String,
    pub opinion: f32,
}

/// Byte offset → char offset conversion for one text.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// `chars_before[b]` for every byte offset `b` in `0..=len` (only char
    /// boundaries are meaningful).
    chars_before: Vec<u32>,
}

impl CharIndex {
    pub fn new(text: &str) -> Self {
        let mut chars_before = vec![0u32; text.len() + 1];
        let mut n = 0u32;
        let mut prev = 0;
        for (i, _) in text.char_indices().skip(1) {
            n += 1;
            chars_before[prev + 1..=i].fill(n);
            prev = i;
        }
        if !text.is_empty() {
            chars_before[prev + 1..].fill(n + 1);
        }
        CharIndex { chars_before }
    }

    /// Char offset of byte offset `b` (clamped to the text).
    pub fn char_of(&self, b: usize) -> usize {
        self.chars_before[b.min(self.chars_before.len() - 1)] as usize
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        Span {
            start: self.char_of(start),
            end: self.char_of(end),
        }
    }
}

/// Metadata of a document, from the input layer.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub id: String,
    pub published: Option<String>,
    pub title: Option<String>,
    pub source: Source,
}

impl Document {
    /// Build the document from the text layer's result. Later stages add
    /// entities, events, quotes, quantities and dates.
    pub fn from_processed(meta: Meta, p: &Processed) -> Document {
        let text = p.text.text();
        let idx = CharIndex::new(text);
        Document {
            schema: SCHEMA.to_string(),
            id: meta.id,
            published: meta.published,
            title: meta.title,
            source: meta.source,
            text: text.to_string(),
            sentences: p
                .sentences
                .iter()
                .map(|r| idx.span(r.start, r.end))
                .collect(),
            entities: Vec::new(),
            events: Vec::new(),
            quotes: Vec::new(),
            quantities: Vec::new(),
            dates: Vec::new(),
            genre: None,
        }
    }

    /// The text of a char span.
    pub fn slice(&self, span: Span) -> String {
        self.text
            .chars()
            .skip(span.start)
            .take(span.end.saturating_sub(span.start))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_index_table() {
        let t = "a روسيا b";
        let idx = CharIndex::new(t);
        let cases = [(0, 0), (1, 1), (2, 2), (4, 3), (12, 7), (13, 8), (14, 9)];
        for (byte, ch) in cases {
            assert_eq!(idx.char_of(byte), ch, "byte {byte}");
        }
    }

    #[test]
    fn document_spans_are_chars() {
        let p = marsad_text::process(
            "قال الوزير إن الحل قريب. وأضاف أن الوفد سيصل غدا.",
            &Default::default(),
            None,
        );
        let d = Document::from_processed(
            Meta {
                id: "x".into(),
                ..Default::default()
            },
            &p,
        );
        assert_eq!(d.schema, SCHEMA);
        assert!(!d.sentences.is_empty());
        let first = d.slice(d.sentences[0]);
        assert!(first.starts_with("قال الوزير"), "{first}");
        let json = serde_json::to_value(&d).unwrap();
        for k in ["entities", "events", "quotes", "quantities", "dates"] {
            assert!(json[k].as_array().unwrap().is_empty());
        }
        assert_eq!(json["source"], serde_json::json!({}));
    }
}
