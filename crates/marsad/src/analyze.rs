//! `marsad analyze`: inputs → text layer → `marsad.document/1`.

use std::collections::HashMap;
use std::io::Write;

use rayon::prelude::*;

use marsad_doc::{
    CharIndex, DateMention, Document, Entity, EntityType, Event, Mention, Meta, Modality, Quantity,
    Quote, Source,
};
use marsad_ingest::{InputError, RawDoc};
use marsad_kb::Kind;
use marsad_recognize::{Found, Recognizer};
use marsad_text::boilerplate::{Removed, SourceStats};
use marsad_text::glue::{CorpusCounts, Params, Prepared, Repair};
use marsad_text::pipeline::process_filtered;
use marsad_text::{normalize, Lexicon, MappedText, Options};

/// Output format of `analyze`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Jsonl,
    Text,
}

/// One analysed document plus what the text layer changed (for `--format text`).
pub struct Analysis {
    pub doc: Document,
    /// Dropped boilerplate lines with their 1-based line number in the raw input.
    pub removed: Vec<(usize, Removed)>,
    pub repairs: Vec<Repair>,
}

/// What a run produced: analyses in input order and the inputs that failed.
pub struct Outcome {
    pub analyses: Vec<Analysis>,
    pub errors: Vec<String>,
}

/// Key that groups documents of one source for boilerplate repetition stats.
fn source_key(d: &RawDoc) -> String {
    if let Some(s) = &d.source {
        return format!("source:{s}");
    }
    if let Some(p) = &d.path {
        if let Some(parent) = p.parent() {
            return format!("dir:{}", parent.display());
        }
    }
    "stdin".to_string()
}

/// Analyse raw documents. `published` fills documents that carry no date.
/// `on_error` is called (in input order) for every input that fails.
pub fn analyze_docs(
    inputs: Vec<Result<RawDoc, InputError>>,
    published: Option<&str>,
    opts: &Options,
    rec: Option<&Recognizer>,
    mut on_error: impl FnMut(&str),
) -> Outcome {
    let mut errors = Vec::new();
    let mut docs = Vec::new();
    for r in inputs {
        match r {
            Ok(d) => docs.push(d),
            Err(e) => {
                let msg = e.to_string();
                on_error(&msg);
                errors.push(msg);
            }
        }
    }
    // Clean every document once; collect per-source line statistics.
    let cleaned: Vec<MappedText> = docs.par_iter().map(|d| normalize::clean(&d.text)).collect();
    let mut stats: HashMap<String, SourceStats> = HashMap::new();
    if opts.remove_boilerplate {
        for (d, c) in docs.iter().zip(&cleaned) {
            stats
                .entry(source_key(d))
                .or_default()
                .add_document(c.text());
        }
    }
    // Boilerplate off every document, then the batch's word counts for glue
    // repair over the filtered texts (the lines removed are no evidence).
    let filtered: Vec<Filtered> = docs
        .par_iter()
        .zip(cleaned.into_par_iter())
        .map(|(d, c)| {
            let cleaned_empty = c.text().trim().is_empty();
            let (text, removed) = if opts.remove_boilerplate {
                marsad_text::boilerplate::filter(&c, stats.get(&source_key(d)))
            } else {
                (c, Vec::new())
            };
            Filtered {
                text,
                removed,
                cleaned_empty,
            }
        })
        .collect();
    let (corpus, prepared) = if opts.repair_glue {
        let (c, p) = corpus_counts(&filtered);
        (Some(c), p)
    } else {
        (None, Vec::new())
    };
    let mut prepared = prepared.into_iter().map(Some).collect::<Vec<_>>();
    prepared.resize_with(filtered.len(), || None);
    let results: Vec<Result<Analysis, String>> = docs
        .into_par_iter()
        .zip(filtered)
        .zip(prepared)
        .map(|((d, f), p)| {
            let glue = corpus.as_ref().zip(p.as_ref());
            analyze_one(d, f, published, opts, rec, glue)
        })
        .collect();
    let mut analyses = Vec::new();
    for r in results {
        match r {
            Ok(a) => analyses.push(a),
            Err(msg) => {
                on_error(&msg);
                errors.push(msg);
            }
        }
    }
    Outcome { analyses, errors }
}

/// A document after cleaning and boilerplate removal.
struct Filtered {
    text: MappedText,
    removed: Vec<Removed>,
    /// Nothing was left after cleaning (before boilerplate removal).
    cleaned_empty: bool,
}

/// Word counts of the whole batch for glued-word repair (both passes in
/// parallel over the documents), with each document's runs.
fn corpus_counts(filtered: &[Filtered]) -> (CorpusCounts, Vec<Prepared>) {
    let (lex, prm) = (Lexicon::builtin(), Params::default());
    let mut prepared: Vec<Prepared> = filtered
        .par_iter()
        .map(|f| Prepared::new(f.text.text(), lex, &prm))
        .collect();
    let counter = CorpusCounts::new(
        prepared
            .iter_mut()
            .flat_map(|p| std::mem::take(&mut p.candidates)),
    );
    let n = counter.len();
    let counts = filtered
        .par_iter()
        .zip(&prepared)
        .fold(
            || vec![0u32; n],
            |mut v, (f, p)| {
                counter.tally_prepared(f.text.text(), p, &mut v);
                v
            },
        )
        .reduce(
            || vec![0u32; n],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x = x.saturating_add(y);
                }
                a
            },
        );
    (counter.with_counts(counts), prepared)
}

/// The contract's modality of an extracted event.
pub fn doc_modality(m: marsad_extract::events::Modality) -> Modality {
    use marsad_extract::events::Modality as M;
    match m {
        M::Asserted => Modality::Asserted,
        M::Negated => Modality::Negated,
        M::Refused => Modality::Refused,
        M::Demanded => Modality::Demanded,
        M::Expected => Modality::Expected,
        M::Conditional => Modality::Conditional,
        M::Future => Modality::Future,
        M::Possible => Modality::Possible,
    }
}

/// The learned event detector embedded in the binary, with its argument
/// ranker, unless `MARSAD_EVENTS=rules` asks for the rules alone
/// (`MARSAD_ARGS=rules`: the detector with the argument rules alone, for
/// comparisons). A corrupt embedded model is a build defect: it is reported
/// once and the rules decide.
pub fn event_model() -> Option<&'static marsad_extract::model::EventModel> {
    static M: std::sync::OnceLock<Option<&'static marsad_extract::model::EventModel>> =
        std::sync::OnceLock::new();
    *M.get_or_init(|| {
        if std::env::var("MARSAD_EVENTS").is_ok_and(|v| v == "rules" || v == "candidates") {
            return None;
        }
        match marsad_extract::model::EventModel::builtin() {
            Ok(m) if std::env::var("MARSAD_ARGS").is_ok_and(|v| v == "rules") => {
                let mut m = m.clone();
                m.ranker = None;
                Some(Box::leak(Box::new(m)))
            }
            Ok(m) => Some(m),
            Err(e) => {
                eprintln!("marsad: {e}; events are decided by the rules alone");
                None
            }
        }
    })
}

/// The embedded genre model (`None`, with one warning, if it cannot be
/// read, or when `MARSAD_GENRE=off`: every document is then a report).
pub fn genre_model() -> Option<&'static marsad_extract::model::EventModel> {
    static M: std::sync::OnceLock<Option<&'static marsad_extract::model::EventModel>> =
        std::sync::OnceLock::new();
    *M.get_or_init(|| {
        if std::env::var("MARSAD_GENRE").is_ok_and(|v| v == "off") {
            return None;
        }
        match marsad_extract::genre::builtin() {
            Ok(m) => Some(m),
            Err(e) => {
                eprintln!("marsad: {e}; every document is taken for a news report");
                None
            }
        }
    })
}

/// `MARSAD_EVENTS=candidates`: every trigger candidate becomes an event,
/// before the gate and the model (to see what the candidate generator and
/// the argument rules can reach; for error analysis, never for use).
fn all_candidates() -> bool {
    static A: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *A.get_or_init(|| std::env::var("MARSAD_EVENTS").is_ok_and(|v| v == "candidates"))
}

fn analyze_one(
    d: RawDoc,
    filtered: Filtered,
    published: Option<&str>,
    opts: &Options,
    rec: Option<&Recognizer>,
    glue: Option<(&CorpusCounts, &Prepared)>,
) -> Result<Analysis, String> {
    let where_ = match (&d.path, d.line) {
        (Some(p), Some(l)) => format!("{}:{l}", p.display()),
        (Some(p), None) => p.display().to_string(),
        (None, Some(l)) => format!("<stdin>:{l}"),
        (None, None) => "<stdin>".to_string(),
    };
    // Archives hold many documents: name the one that failed.
    let where_ = if d.line.is_none()
        && d.path
            .as_deref()
            .is_some_and(|p| p.extension().is_some_and(|e| e == "zip"))
    {
        format!("{where_} (article {})", d.id)
    } else {
        where_
    };
    if filtered.cleaned_empty {
        return Err(format!(
            "{where_}: empty document (no text after cleaning), skipped"
        ));
    }
    let p = process_filtered(filtered.text, filtered.removed, opts, glue);
    let raw_line = |offset: usize| {
        1 + d.text.as_bytes()[..offset.min(d.text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
    };
    let removed = p
        .removed
        .iter()
        .map(|r| (raw_line(r.source_start), r.clone()))
        .collect();
    if p.sentences.is_empty() {
        return Err(format!(
            "{where_}: empty document (only boilerplate: {} line(s) removed), skipped",
            p.removed.len()
        ));
    }
    let meta = Meta {
        id: d.id,
        published: d.published.or_else(|| published.map(str::to_string)),
        title: d.title,
        source: Source {
            path: d
                .path
                .as_ref()
                .map(|p| p.display().to_string())
                .or_else(|| d.url.is_none().then(|| "-".to_string())),
            url: d.url,
            outlet: d.source,
        },
    };
    let day = meta
        .published
        .as_deref()
        .and_then(|d| marsad_kb::parse_date(d, false));
    let ymd = day.map(|d| ((d / 10000) as i32, (d / 100) % 100, d % 100));
    let published = meta.published.clone();
    let mut doc = Document::from_processed(meta, &p);
    let text = p.text.text();
    if let Some(rec) = rec {
        let found = rec.recognize(text, &p.tokens, day);
        let idx = CharIndex::new(text);
        let dates = marsad_extract::dates::find_dates(text, &p.tokens, ymd);
        let quantities = marsad_extract::quantities::find_quantities(text, &p.tokens);
        let genre = genre_model().and_then(|m| marsad_extract::genre::classify(m, text, &p.tokens));
        doc.genre = genre.map(|(g, prob)| marsad_doc::GenreInfo {
            label: g.as_str().to_string(),
            opinion: (prob * 1000.0).round() / 1000.0,
        });
        let opinion = matches!(genre, Some((marsad_extract::genre::Genre::Opinion, _)));
        let mut events = if all_candidates() {
            marsad_extract::events::find_candidates(
                marsad_extract::events::Patterns::builtin(),
                text,
                &p.tokens,
                &found,
                &dates,
                published.as_deref(),
            )
            .into_iter()
            .map(|c| c.event)
            .collect()
        } else {
            marsad_extract::events::find_events(
                marsad_extract::events::Patterns::builtin(),
                text,
                &p.tokens,
                &found,
                &dates,
                published.as_deref(),
                event_model(),
            )
        };
        // A column's claims read like reported events; only its confident
        // events stand (a report the column cites, a statement quoted).
        if opinion && !all_candidates() {
            events.retain(|e| e.confidence >= marsad_extract::genre::OPINION_MIN_CONFIDENCE);
        }
        let quotes = marsad_extract::quotes::find_quotes(
            marsad_extract::quotes::Cues::builtin(),
            text,
            &p.tokens,
            &found,
        );
        doc.entities = entities(text, &found);
        doc.dates = dates
            .iter()
            .map(|d| {
                let s = idx.span(d.span.start, d.span.end);
                DateMention {
                    text: text[d.span.clone()].to_string(),
                    value: d.value.clone(),
                    start: s.start,
                    end: s.end,
                }
            })
            .collect();
        doc.quantities = quantities
            .iter()
            .map(|q| {
                let s = idx.span(q.span.start, q.span.end);
                Quantity {
                    value: q.value,
                    counts: q.counts.clone(),
                    kind: q.kind.clone(),
                    text: text[q.span.clone()].to_string(),
                    start: s.start,
                    end: s.end,
                }
            })
            .collect();
        doc.events = events
            .iter()
            .map(|e| {
                let s = idx.span(e.span.start, e.span.end);
                Event {
                    kind: e.kind.clone(),
                    mode: e.mode.clone(),
                    quad: e.quad,
                    actor: e.actor.clone(),
                    recipient: e.recipient.clone(),
                    sentence: e.sentence,
                    start: s.start,
                    end: s.end,
                    trigger: text[e.trigger.clone()].to_string(),
                    modality: doc_modality(e.modality),
                    date: e.date.clone(),
                    location: e.location.clone(),
                    rule: e.rule.clone(),
                    actor_text: e.actor_text.clone().map(|r| text[r].to_string()),
                    confidence: Some((e.confidence * 1000.0).round() / 1000.0),
                    decided_by: Some(e.decided_by.to_string()),
                }
            })
            .collect();
        doc.quotes = quotes
            .iter()
            .map(|q| {
                let s = idx.span(q.span.start, q.span.end);
                Quote {
                    speaker: q.speaker.clone(),
                    speaker_text: q.speaker_text.clone(),
                    cue: q.cue.clone(),
                    text: text[q.span.clone()].to_string(),
                    direct: q.direct,
                    sentence: q.sentence,
                    start: s.start,
                    end: s.end,
                }
            })
            .collect();
    }
    Ok(Analysis {
        doc,
        removed,
        repairs: p.repairs,
    })
}

/// The contract's entity type of a knowledge-base kind.
pub fn entity_type(k: Kind) -> EntityType {
    match k {
        Kind::Person => EntityType::Person,
        Kind::Country => EntityType::Country,
        Kind::Organization => EntityType::Organization,
        Kind::Location => EntityType::Location,
        Kind::Group => EntityType::Group,
        Kind::Other => EntityType::Other,
    }
}

/// Recognised entities (byte spans) as contract entities (char offsets).
pub fn entities(text: &str, found: &[Found]) -> Vec<Entity> {
    let idx = CharIndex::new(text);
    found
        .iter()
        .map(|f| Entity {
            id: f.id.clone(),
            kind: entity_type(f.kind),
            name_en: f.name_en.clone(),
            name_ar: f.name_ar.clone(),
            country: f.country.clone(),
            in_kb: f.in_kb,
            mentions: f
                .mentions
                .iter()
                .map(|m| {
                    let s = idx.span(m.span.start, m.span.end);
                    Mention {
                        start: s.start,
                        end: s.end,
                        text: text[m.span.clone()].to_string(),
                    }
                })
                .collect(),
        })
        .collect()
}

/// Write analyses in `format`.
pub fn write(out: &mut dyn Write, analyses: &[Analysis], format: Format) -> std::io::Result<()> {
    match format {
        Format::Jsonl => {
            for a in analyses {
                serde_json::to_writer(&mut *out, &a.doc)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Json => {
            let docs: Vec<&Document> = analyses.iter().map(|a| &a.doc).collect();
            serde_json::to_writer_pretty(&mut *out, &docs)?;
            out.write_all(b"\n")?;
        }
        Format::Text => {
            for a in analyses {
                write_text(out, a)?;
            }
        }
    }
    out.flush()
}

fn write_text(out: &mut dyn Write, a: &Analysis) -> std::io::Result<()> {
    let d = &a.doc;
    writeln!(out, "═══ {}", d.id)?;
    if let Some(t) = &d.title {
        writeln!(out, "title:      {t}")?;
    }
    writeln!(
        out,
        "published:  {}",
        d.published.as_deref().unwrap_or("unknown")
    )?;
    if let Some(p) = &d.source.path {
        writeln!(out, "path:       {p}")?;
    }
    if let Some(u) = &d.source.url {
        writeln!(out, "url:        {u}")?;
    }
    writeln!(
        out,
        "size:       {} sentences, {} characters",
        d.sentences.len(),
        d.text.chars().count()
    )?;
    let name = |id: &str| -> String {
        d.entities
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.name_en.clone().unwrap_or_else(|| e.name_ar.clone()))
            .unwrap_or_else(|| id.to_string())
    };
    let names = |ids: &[String]| -> String {
        if ids.is_empty() {
            "—".to_string()
        } else {
            ids.iter().map(|i| name(i)).collect::<Vec<_>>().join(" + ")
        }
    };
    if !d.entities.is_empty() {
        writeln!(out, "\nACTORS ({})", d.entities.len())?;
        for e in &d.entities {
            let mut seen: Vec<&str> = Vec::new();
            for m in &e.mentions {
                if !seen.contains(&m.text.as_str()) {
                    seen.push(&m.text);
                }
            }
            writeln!(
                out,
                "  {:<13} {:<34} {} ×{}: {}",
                format!("{:?}", e.kind).to_uppercase(),
                e.id,
                e.name_en.as_deref().unwrap_or(&e.name_ar),
                e.mentions.len(),
                seen.join(" | ")
            )?;
        }
    }
    if !d.events.is_empty() {
        writeln!(out, "\nEVENTS ({})", d.events.len())?;
        for e in &d.events {
            let mode = e
                .mode
                .as_deref()
                .map(|m| format!(" ({m})"))
                .unwrap_or_default();
            let modality = match e.modality {
                Modality::Asserted => String::new(),
                m => format!(" [{}]", format!("{m:?}").to_lowercase()),
            };
            let mut extra = Vec::new();
            if let Some(dt) = &e.date {
                extra.push(dt.clone());
            }
            if let Some(l) = &e.location {
                extra.push(format!("in {}", name(l)));
            }
            writeln!(
                out,
                "  {} → {}: {}{}{} — «{}»  [{}; rule {}]",
                names(&e.actor),
                names(&e.recipient),
                e.kind,
                mode,
                modality,
                d.slice(marsad_doc::Span {
                    start: e.start,
                    end: e.end
                }),
                extra.join(", "),
                e.rule
            )?;
        }
    }
    if !d.quotes.is_empty() {
        writeln!(out, "\nQUOTES ({})", d.quotes.len())?;
        for q in &d.quotes {
            let who = match &q.speaker {
                Some(id) => name(id),
                None if !q.speaker_text.is_empty() => q.speaker_text.clone(),
                None => "(unattributed)".to_string(),
            };
            let (l, r) = if q.direct {
                ("«", "»")
            } else {
                ("(indirect) ", "")
            };
            writeln!(out, "  {who} [{}]: {l}{}{r}", q.cue, q.text)?;
        }
    }
    if !d.quantities.is_empty() {
        writeln!(out, "\nNUMBERS ({})", d.quantities.len())?;
        for q in &d.quantities {
            writeln!(
                out,
                "  {} {} — «{}»",
                q.value,
                q.kind.as_deref().unwrap_or("?"),
                q.text
            )?;
        }
    }
    if !d.dates.is_empty() {
        writeln!(out, "\nDATES ({})", d.dates.len())?;
        for t in &d.dates {
            writeln!(
                out,
                "  «{}» → {}",
                t.text,
                t.value.as_deref().unwrap_or("unresolved")
            )?;
        }
    }
    if !a.removed.is_empty() {
        writeln!(
            out,
            "\nboilerplate lines removed: {} (numbered as in the document's text)",
            a.removed.len()
        )?;
        for (line, r) in &a.removed {
            writeln!(out, "  line {line:>3} [{:?}] {}", r.reason, r.text)?;
        }
    }
    if !a.repairs.is_empty() {
        writeln!(out, "glued words repaired: {}", a.repairs.len())?;
        for r in &a.repairs {
            writeln!(out, "  {} → {}", r.word, r.repaired(&d.text))?;
        }
    }
    writeln!(out, "\nsentences:")?;
    for (i, s) in d.sentences.iter().enumerate() {
        writeln!(out, "  [{i}] {}", d.slice(*s))?;
    }
    writeln!(out)
}
