//! Corpus queries over the store: tables for a person at a terminal, JSON
//! for programs. Wire copies (near-duplicates) are left out of every
//! aggregate (see `marsad_store::EventFilter::copies`).

use std::collections::HashMap;
use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use marsad_kb::Kb;
use marsad_store::{EventRow, Store};

use crate::display::{self, Bidi, Table};

/// Output of a query command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Table(Bidi),
    Json,
}

/// Names of entity ids for display: the knowledge base's Arabic name (and
/// English in brackets), else the name stored with the documents, else the
/// name inside a `new:type:name` id.
pub struct Names<'a> {
    kb: &'a Kb,
    cache: std::cell::RefCell<HashMap<String, String>>,
    stored: HashMap<String, String>,
}

impl<'a> Names<'a> {
    pub fn new(kb: &'a Kb) -> Names<'a> {
        Names {
            kb,
            cache: Default::default(),
            stored: HashMap::new(),
        }
    }

    /// Remember stored names (from `Store::actors`).
    pub fn with_stored(mut self, rows: impl IntoIterator<Item = (String, String)>) -> Self {
        self.stored.extend(rows);
        self
    }

    /// Arabic name (English name) of an entity id.
    pub fn of(&self, id: &str) -> String {
        if let Some(n) = self.cache.borrow().get(id) {
            return n.clone();
        }
        let n = if let Some(e) = self.kb.get(id) {
            let e = self.kb.entry(e);
            format!("{} ({})", e.name_ar, e.name_en)
        } else if let Some(s) = self.stored.get(id) {
            s.clone()
        } else if let Some(rest) = id.strip_prefix("new:") {
            rest.split_once(':')
                .map_or(rest, |(_, n)| n)
                .replace('_', " ")
        } else {
            id.to_string()
        };
        self.cache.borrow_mut().insert(id.to_string(), n.clone());
        n
    }

    /// Short form for tables: the Arabic name only.
    pub fn short(&self, id: &str) -> String {
        let n = self.of(id);
        match n.find(" (") {
            Some(i) if self.kb.get(id).is_some() => n[..i].to_string(),
            _ => n,
        }
    }

    pub fn kb(&self) -> &Kb {
        self.kb
    }
}

pub fn write_json<T: Serialize + ?Sized>(out: &mut impl Write, v: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, v)?;
    writeln!(out)?;
    Ok(())
}

/// Fill in the names of the actors and recipients of event rows: the
/// knowledge base's Arabic and English names when it knows the id, else
/// the names stored with the document, else the name inside a
/// `new:type:name` id.
pub fn fill_names(rows: &mut [EventRow], kb: &Kb) {
    for r in rows {
        fill_row_names(r, kb);
    }
}

/// [`fill_names`] of one row.
pub fn fill_row_names(r: &mut EventRow, kb: &Kb) {
    for n in r.actor_names.iter_mut().chain(r.recipient_names.iter_mut()) {
        if let Some(e) = kb.get(&n.id) {
            let e = kb.entry(e);
            n.name_ar = Some(e.name_ar.clone());
            n.name_en = Some(e.name_en.clone()).filter(|s| !s.is_empty());
        } else if n.name_ar.is_none() {
            if let Some(rest) = n.id.strip_prefix("new:") {
                let name = rest.split_once(':').map_or(rest, |(_, n)| n);
                n.name_ar = Some(name.replace('_', " "));
            }
        }
    }
}

/// The actor (or recipient) cell of an event: names joined by `+`; an
/// unknown actor by its words (`مسلحون مجهولون (unknown)`).
fn side_cell(names: &Names, ids: &[marsad_store::EntityName], unknown: Option<&str>) -> String {
    if ids.is_empty() {
        return match unknown {
            Some(t) => format!("{t}{} (unknown)", display::LRM),
            None => "—".into(),
        };
    }
    let shown: Vec<String> = ids
        .iter()
        .map(|n| {
            if names.kb().get(&n.id).is_some() {
                names.short(&n.id)
            } else {
                n.name_ar
                    .clone()
                    .or_else(|| n.name_en.clone())
                    .unwrap_or_else(|| names.short(&n.id))
            }
        })
        .collect();
    display::join(&shown, " + ")
}

/// Who decided and how sure: `model 0.87`, `rule`, `-`.
fn decided_cell(r: &EventRow) -> String {
    match (&r.decided_by, r.confidence) {
        (Some(by), Some(c)) => format!("{by} {c:.2}"),
        (Some(by), None) => by.clone(),
        (None, Some(c)) => format!("{c:.2}"),
        (None, None) => "-".into(),
    }
}

/// `marsad events`: a table with one line per event and, under it, its
/// evidence (trigger, rule, sentence); JSON with every field and the names
/// of the actors and recipients.
pub fn events(out: &mut impl Write, rows: &[EventRow], names: &Names, o: Output) -> Result<()> {
    let bidi = match o {
        Output::Json => {
            let mut rows = rows.to_vec();
            fill_names(&mut rows, names.kb());
            return write_json(out, &rows);
        }
        Output::Table(b) => b,
    };
    let mut t = Table::new(&[
        "date",
        "type",
        "mode",
        "actor",
        "→",
        "recipient",
        "modality",
        "decided",
        "article",
    ])
    .cap(3, 30)
    .cap(5, 30)
    .cap(8, 40);
    for r in rows {
        t.push(vec![
            r.date.clone().unwrap_or_else(|| "-".into()),
            r.kind.clone(),
            r.mode.clone().unwrap_or_default(),
            side_cell(names, &r.actor_names, r.actor_text.as_deref()),
            "→".into(),
            side_cell(names, &r.recipient_names, None),
            r.modality.clone(),
            decided_cell(r),
            r.doc_id.clone(),
        ]);
        let lrm = display::LRM;
        let mut note = format!(
            "trigger «{}»{lrm} ({}){lrm}",
            r.trigger.as_deref().unwrap_or(""),
            r.rule
        );
        if let Some(s) = r.sentence_text.as_deref().map(str::trim) {
            note.push_str(&format!(": «{s}»{lrm}"));
        }
        t.note(note);
    }
    write!(out, "{}", t.render(bidi))?;
    Ok(())
}

/// `marsad actors`.
pub fn actors(
    out: &mut impl Write,
    rows: &[marsad_store::ActorRow],
    names: &Names,
    o: Output,
) -> Result<()> {
    let bidi = match o {
        Output::Json => return write_json(out, rows),
        Output::Table(b) => b,
    };
    let mut t = Table::new(&["articles", "mentions", "type", "id", "name"])
        .cap(3, 40)
        .cap(4, 40);
    for r in rows {
        t.push(vec![
            r.documents.to_string(),
            r.mentions.to_string(),
            r.kind.clone(),
            r.id.clone(),
            names.of(&r.id),
        ]);
    }
    write!(out, "{}", t.render(bidi))?;
    Ok(())
}

/// `marsad quotes`.
pub fn quotes(
    out: &mut impl Write,
    rows: &[marsad_store::QuoteRow],
    names: &Names,
    o: Output,
) -> Result<()> {
    let bidi = match o {
        Output::Json => return write_json(out, rows),
        Output::Table(b) => b,
    };
    let mut t = Table::new(&["date", "speaker", "kind", "quotation", "article"])
        .cap(1, 28)
        .cap(3, 70)
        .cap(4, 40);
    for r in rows {
        t.push(vec![
            r.published.clone().unwrap_or_else(|| "-".into()),
            r.speaker
                .as_deref()
                .map_or_else(|| r.speaker_text.clone(), |s| names.short(s)),
            if r.direct { "direct" } else { "indirect" }.into(),
            r.text.clone(),
            r.doc_id.clone(),
        ]);
    }
    write!(out, "{}", t.render(bidi))?;
    Ok(())
}

/// Resolve `ID|NAME` to entity ids: an id as is; a name through the
/// knowledge base (Arabic or English, any variant), else through the names
/// stored with the documents.
pub fn resolve_actor(store: &Store, kb: &Kb, query: &str) -> Result<Vec<String>> {
    if kb.get(query).is_some() || query.starts_with("new:") {
        return Ok(vec![query.to_string()]);
    }
    let mut ids: Vec<String> = kb
        .find(query)
        .into_iter()
        .map(|e| kb.entry(e).id.clone())
        .collect();
    if ids.is_empty() {
        ids = store.find_actor(query)?.into_iter().map(|r| r.id).collect();
    }
    Ok(ids)
}

// ---------------------------------------------------------------------------
// Networks as tables.

use marsad_corpus::network::{Edge, Network};

/// The strongest relations of a network: by number of events, then by
/// absolute score.
fn top_edges(net: &Network, n: usize) -> Vec<&Edge> {
    let mut edges: Vec<&Edge> = net.edges.iter().collect();
    edges.sort_by(|a, b| {
        b.total()
            .cmp(&a.total())
            .then(b.score_sum.abs().total_cmp(&a.score_sum.abs()))
            .then_with(|| (&a.source, &a.target).cmp(&(&b.source, &b.target)))
    });
    edges.truncate(n);
    edges
}

fn counts_text(e: &Edge) -> String {
    let mut parts: Vec<String> = e.counts.iter().map(|(k, v)| format!("{k}×{v}")).collect();
    let other = e.negated + e.future + e.possible;
    if other > 0 {
        parts.push(format!("(+{other} not asserted)"));
    }
    parts.join(" ")
}

/// "cooperation" / "conflict" / "neutral" of a net score.
pub fn tone(score: f32) -> &'static str {
    if score > 0.0 {
        "cooperation"
    } else if score < 0.0 {
        "conflict"
    } else {
        "neutral"
    }
}

fn network_table(net: &Network, names: &Names, n: usize) -> Table {
    let mut t = Table::new(&[
        "actor",
        "→",
        "recipient",
        "events",
        "net score",
        "tone",
        "types",
    ])
    .cap(0, 28)
    .cap(2, 28)
    .cap(6, 60);
    for e in top_edges(net, n) {
        t.push(vec![
            names.short(&e.source),
            "→".into(),
            names.short(&e.target),
            e.total().to_string(),
            format!("{:+.1}", e.score_sum),
            tone(e.score_sum).into(),
            counts_text(e),
        ]);
    }
    t
}

// ---------------------------------------------------------------------------
// Stories.

/// A story with what `marsad stories` / `marsad story` show.
#[derive(Debug, Clone, Serialize)]
pub struct StoryView {
    #[serde(flatten)]
    pub row: marsad_store::StoryRow,
    /// Articles that are not wire copies.
    pub canonical: usize,
    pub actors: Vec<marsad_store::ActorRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<Network>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub articles: Vec<marsad_store::Member>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub summary: Vec<marsad_corpus::summary::SummarySentence>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub quotes: Vec<marsad_store::QuoteRow>,
}

pub fn stories_view(
    store: &Store,
    limit: usize,
    min_articles: usize,
    network: bool,
) -> Result<Vec<StoryView>> {
    let mut out = Vec::new();
    // Stories come largest first, so the article filter can stop early.
    for row in store.stories(limit.max(1) * 4 + 100)? {
        if out.len() >= limit.max(1) {
            break;
        }
        let members = store.story_members(row.id)?;
        let canonical = members.iter().filter(|m| m.dup_of.is_none()).count();
        if canonical < min_articles {
            continue;
        }
        let net = if network {
            Some(crate::export::network(store, Some(row.id))?)
        } else {
            None
        };
        out.push(StoryView {
            actors: store.story_actors(row.id, 6)?,
            row,
            canonical,
            network: net,
            articles: Vec::new(),
            summary: Vec::new(),
            quotes: Vec::new(),
        });
    }
    Ok(out)
}

pub fn story_view(store: &Store, id: i64) -> Result<Option<StoryView>> {
    let Some(row) = store.story(id)? else {
        return Ok(None);
    };
    let mut articles = store.story_members(id)?;
    let canonical = articles.iter().filter(|m| m.dup_of.is_none()).count();
    let docs = store.story_documents(id, false)?;
    // Articles without a title (plain text files) show their first sentence,
    // usually the heading.
    for m in articles.iter_mut().filter(|m| m.title.is_none()) {
        m.title = match docs.iter().find(|d| d.id == m.id) {
            Some(d) => crate::stories::first_sentence(d),
            None => store
                .document(&m.id)?
                .as_ref()
                .and_then(crate::stories::first_sentence),
        };
    }
    let refs: Vec<&marsad_doc::Document> = docs.iter().collect();
    let summary = marsad_corpus::summary::summary(&refs, 5);
    let mut quotes = Vec::new();
    store.for_each_quote(None, false, Some(id), 12, |q| quotes.push(q))?;
    Ok(Some(StoryView {
        actors: store.story_actors(id, 10)?,
        network: Some(crate::export::network(store, Some(id))?),
        row,
        canonical,
        articles,
        summary,
        quotes,
    }))
}

fn story_head(v: &StoryView, names: &Names) -> String {
    let span = match (&v.row.first, &v.row.last) {
        (Some(a), Some(b)) if a != b => format!("{a} … {b}"),
        (Some(a), _) => a.clone(),
        _ => "undated".into(),
    };
    let copies = v.row.documents - v.canonical.min(v.row.documents);
    let actors: Vec<String> = v
        .actors
        .iter()
        .take(6)
        .map(|a| names.short(&a.id))
        .collect();
    format!(
        "story {}  {}  {} article(s){}\n  {}\n  actors: {}\n",
        v.row.id,
        span,
        v.canonical,
        if copies > 0 {
            format!(
                " + {copies} wire cop{}",
                if copies == 1 { "y" } else { "ies" }
            )
        } else {
            String::new()
        },
        v.row.title.as_deref().unwrap_or("(no title)"),
        display::join(&actors, "، "),
    )
}

/// `marsad stories`.
pub fn stories(out: &mut impl Write, views: &[StoryView], names: &Names, o: Output) -> Result<()> {
    let bidi = match o {
        Output::Json => return write_json(out, views),
        Output::Table(b) => b,
    };
    if views.is_empty() {
        writeln!(out, "no stories (ingest documents first)")?;
    }
    for v in views {
        for l in story_head(v, names).lines() {
            writeln!(out, "{}", display::line(&display::sanitize(l), bidi))?;
        }
        if let Some(net) = &v.network {
            if net.edges.is_empty() {
                writeln!(out, "  (no events between actors)")?;
            } else {
                for l in network_table(net, names, 8).render(bidi).lines() {
                    writeln!(out, "    {l}")?;
                }
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

/// `marsad story ID`.
pub fn story(out: &mut impl Write, v: &StoryView, names: &Names, o: Output) -> Result<()> {
    let bidi = match o {
        Output::Json => return write_json(out, v),
        Output::Table(b) => b,
    };
    for l in story_head(v, names).lines() {
        writeln!(out, "{}", display::line(&display::sanitize(l), bidi))?;
    }
    writeln!(out, "\nArticles")?;
    let mut t = Table::new(&["published", "article", "source", "title"])
        .cap(1, 50)
        .cap(2, 24)
        .cap(3, 70);
    for m in &v.articles {
        let title = m.title.clone().unwrap_or_default();
        t.push(vec![
            m.published.clone().unwrap_or_else(|| "-".into()),
            match &m.dup_of {
                Some(c) => format!("{} (copy of {c})", m.id),
                None => m.id.clone(),
            },
            m.source.clone().unwrap_or_default(),
            title,
        ]);
    }
    write!(out, "{}", t.render(bidi))?;
    writeln!(out, "\nMain actors")?;
    let mut t = Table::new(&["articles", "mentions", "type", "actor"]).cap(3, 50);
    for a in &v.actors {
        t.push(vec![
            a.documents.to_string(),
            a.mentions.to_string(),
            a.kind.clone(),
            names.of(&a.id),
        ]);
    }
    write!(out, "{}", t.render(bidi))?;
    if let Some(net) = &v.network {
        writeln!(
            out,
            "\nActor network ({} actors, {} relations; PLOVER scores, asserted events)",
            net.nodes.len(),
            net.edges.len()
        )?;
        write!(out, "{}", network_table(net, names, 25).render(bidi))?;
    }
    if !v.summary.is_empty() {
        writeln!(out, "\nSummary")?;
        for s in &v.summary {
            let l = format!("• {}  [{}]", s.text.trim(), s.doc_id);
            writeln!(out, "{}", display::line(&display::sanitize(&l), bidi))?;
        }
    }
    if !v.quotes.is_empty() {
        writeln!(out, "\nWho said what")?;
        quotes(out, &v.quotes, names, o)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// One actor.

/// A partner of an actor: events both ways and their net scores.
#[derive(Debug, Clone, Serialize)]
pub struct Partner {
    pub id: String,
    /// Events with the actor as actor / as recipient.
    pub outgoing: u32,
    pub incoming: u32,
    pub score_out: f32,
    pub score_in: f32,
    pub tone: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActorView {
    pub id: String,
    pub timeline: Vec<marsad_store::MonthRow>,
    pub partners: Vec<Partner>,
    pub events: Vec<EventRow>,
    pub quotes: Vec<marsad_store::QuoteRow>,
}

pub fn actor_view(store: &Store, id: &str, limit: usize) -> Result<ActorView> {
    let mut evs = Vec::new();
    store.for_each_event(
        &marsad_store::EventFilter {
            involving: Some(id.to_string()),
            ..Default::default()
        },
        |r| evs.push(r),
    )?;
    let net_events: Vec<marsad_corpus::network::NetEvent> = evs
        .iter()
        .map(|r| marsad_corpus::network::NetEvent {
            doc_id: r.doc_id.clone(),
            actor: r.actor.clone(),
            recipient: r.recipient.clone(),
            kind: r.kind.clone(),
            mode: r.mode.clone(),
            modality: serde_json::from_value(serde_json::Value::String(r.modality.clone()))
                .unwrap_or(marsad_doc::Modality::Asserted),
        })
        .collect();
    let net = Network::build(&net_events);
    let mut partners: HashMap<String, Partner> = HashMap::new();
    for e in &net.edges {
        let (other, out) = if e.source == id {
            (&e.target, true)
        } else if e.target == id {
            (&e.source, false)
        } else {
            continue;
        };
        if other == id {
            continue;
        }
        let p = partners.entry(other.clone()).or_insert_with(|| Partner {
            id: other.clone(),
            outgoing: 0,
            incoming: 0,
            score_out: 0.0,
            score_in: 0.0,
            tone: "neutral",
        });
        if out {
            p.outgoing += e.total();
            p.score_out += e.score_sum;
        } else {
            p.incoming += e.total();
            p.score_in += e.score_sum;
        }
    }
    let mut partners: Vec<Partner> = partners
        .into_values()
        .map(|mut p| {
            p.tone = tone(p.score_out + p.score_in);
            p
        })
        .collect();
    partners.sort_by(|a, b| {
        (b.outgoing + b.incoming)
            .cmp(&(a.outgoing + a.incoming))
            .then_with(|| a.id.cmp(&b.id))
    });
    partners.truncate(limit.max(1));
    evs.truncate(limit.max(1));
    Ok(ActorView {
        id: id.to_string(),
        timeline: store.timeline(id)?,
        partners,
        events: evs,
        quotes: store.quotes(Some(id), limit)?,
    })
}

/// `marsad actor`.
pub fn actor(out: &mut impl Write, v: &ActorView, names: &Names, o: Output) -> Result<()> {
    let bidi = match o {
        Output::Json => {
            let mut v = v.clone();
            fill_names(&mut v.events, names.kb());
            return write_json(out, &v);
        }
        Output::Table(b) => b,
    };
    writeln!(
        out,
        "{}",
        display::line(
            &display::sanitize(&format!("{}  {}", v.id, names.of(&v.id))),
            bidi
        )
    )?;
    let total: usize = v.timeline.iter().map(|m| m.documents).sum();
    writeln!(out, "\nMentions over time ({total} articles)")?;
    let peak = v
        .timeline
        .iter()
        .map(|m| m.documents)
        .max()
        .unwrap_or(1)
        .max(1);
    for m in &v.timeline {
        let bar = "█".repeat((m.documents * 40).div_ceil(peak));
        writeln!(
            out,
            "  {}  {:>6} articles {:>7} mentions  {bar}",
            m.month, m.documents, m.mentions
        )?;
    }
    writeln!(out, "\nPartners (events both ways; net PLOVER score)")?;
    let mut t = Table::new(&[
        "partner",
        "events out",
        "score out",
        "events in",
        "score in",
        "overall",
    ])
    .cap(0, 40);
    for p in &v.partners {
        t.push(vec![
            names.short(&p.id),
            p.outgoing.to_string(),
            format!("{:+.1}", p.score_out),
            p.incoming.to_string(),
            format!("{:+.1}", p.score_in),
            p.tone.into(),
        ]);
    }
    write!(out, "{}", t.render(bidi))?;
    writeln!(out, "\nEvents")?;
    events(out, &v.events, names, o)?;
    writeln!(out, "\nQuotations")?;
    quotes(out, &v.quotes, names, o)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Search.

/// A search result with its wire copies folded in.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    #[serde(flatten)]
    pub hit: marsad_search::Hit,
    /// Wire copies of this article that matched too.
    pub copies: Vec<String>,
}

/// Run a search; unless `copies`, a wire copy is folded into its original
/// (or stands for it when the original did not match).
pub fn search(
    store: &Store,
    index: &crate::search::Index,
    q: &marsad_search::Query,
    copies: bool,
) -> Result<Vec<SearchHit>> {
    let want = q.limit;
    let mut q = q.clone();
    if !copies {
        q.limit = (want * 3).min(marsad_search::MAX_LIMIT);
    }
    let hits = index.inner().search(&q)?;
    let mut out: Vec<SearchHit> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for h in hits {
        let root = if copies { None } else { store.copy_of(&h.id)? };
        let key = root.clone().unwrap_or_else(|| h.id.clone());
        match at.get(&key) {
            Some(&i) => out[i].copies.push(h.id),
            None => {
                at.insert(key, out.len());
                out.push(SearchHit {
                    hit: h,
                    copies: Vec::new(),
                });
            }
        }
    }
    out.truncate(want);
    Ok(out)
}

/// Marks around highlighted words in a terminal (bold), or `[…]` for visual
/// order where escape sequences would be reordered with the text.
fn highlight(snippet: &str, ranges: &[(usize, usize)], bidi: Bidi) -> String {
    let (open, close) = match bidi {
        Bidi::Logical => ("\u{1b}[1m", "\u{1b}[0m"),
        Bidi::Visual => ("[", "]"),
    };
    let mut s = String::new();
    let mut last = 0;
    for &(a, b) in ranges {
        if a < last
            || b > snippet.len()
            || !snippet.is_char_boundary(a)
            || !snippet.is_char_boundary(b)
        {
            continue;
        }
        s.push_str(&display::sanitize(&snippet[last..a]));
        s.push_str(open);
        s.push_str(&display::sanitize(&snippet[a..b]));
        s.push_str(close);
        last = b;
    }
    s.push_str(&display::sanitize(&snippet[last..]));
    s
}

/// `marsad search`.
pub fn hits(out: &mut impl Write, hits: &[SearchHit], o: Output) -> Result<()> {
    let bidi = match o {
        Output::Json => return write_json(out, hits),
        Output::Table(b) => b,
    };
    if hits.is_empty() {
        writeln!(out, "no matches")?;
    }
    let tty = std::io::IsTerminal::is_terminal(&std::io::stdout());
    for (n, h) in hits.iter().enumerate() {
        let head = format!(
            "{}. {}  {}  {}{}",
            n + 1,
            h.hit.published.as_deref().unwrap_or("-"),
            h.hit.id,
            h.hit.source.as_deref().unwrap_or(""),
            if h.copies.is_empty() {
                String::new()
            } else {
                format!(
                    "  (+{} wire cop{})",
                    h.copies.len(),
                    if h.copies.len() == 1 { "y" } else { "ies" }
                )
            }
        );
        writeln!(out, "{}", display::sanitize(&head))?;
        if let Some(t) = &h.hit.title {
            writeln!(out, "   {}", display::line(&display::sanitize(t), bidi))?;
        }
        let mode = if tty { bidi } else { Bidi::Visual };
        let snippet = highlight(&h.hit.snippet, &h.hit.highlights, mode);
        let snippet = if tty || bidi == Bidi::Visual {
            display::line(&snippet, bidi)
        } else {
            snippet
        };
        writeln!(out, "   {snippet}")?;
    }
    Ok(())
}
