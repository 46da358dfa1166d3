//! Actor networks from PLOVER events, with GraphML and GEXF writers.
//!
//! # Scores
//! [`plover_score`] reads `data/corpus/plover-scores.tsv` (the PLOVER manual's
//! −10…+10 scale; `CONCEDE` 5, `RETREAT` 7 and `ACCUSE` −2 without a mode are
//! decided here and marked so in the file). A type not in the table scores 0;
//! an unlisted mode takes the type's `*` row.
//!
//! # Aggregation ([`Network::build`])
//! * One directed edge per (actor, recipient) pair of every event: an event
//!   with actors `[A, B]` and recipients `[C]` adds to A→C and B→C. Repeated
//!   ids within a list count once; a pair of an entity with itself is dropped.
//! * Only **asserted** events count in the per-type counts, `events`,
//!   `score_sum` and `score_mean` (the net cooperation (+) or conflict (−) of
//!   the relation). Negated, future and possible events ("Russia will not
//!   strike…", "talks may take place") are counted separately in `negated`,
//!   `future`, `possible`: they are statements about events, not events.
//!   (Refused counts as negated; demanded, expected and conditional as
//!   possible.) Events with an unknown actor make no edge.
//! * An event without recipients counts for its actors' nodes only (and one
//!   without actors for its recipients' nodes only).
//! * Nodes: `as_actor` / `as_recipient` count asserted events, `unasserted`
//!   the others (either role), `degree` the number of distinct neighbours
//!   over all edges (in or out).
//! * Nodes are sorted by id, edges by (source, target): output is
//!   deterministic.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::OnceLock;

use marsad_doc::{Document, Modality};
use marsad_text::data::{self, DataError};
use serde::{Deserialize, Serialize};

/// The score table shipped in the repository.
pub const PLOVER_SCORES_TSV: (&str, &str) = (
    "data/corpus/plover-scores.tsv",
    include_str!("../../../data/corpus/plover-scores.tsv"),
);

/// The PLOVER event types.
pub const PLOVER_TYPES: [&str; 16] = [
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "SANCTION",
    "THREATEN",
    "PROTEST",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
];

/// Event scores by type and mode.
#[derive(Debug, Clone, Default)]
pub struct ScoreTable {
    /// type → (mode or `*`) → score.
    scores: HashMap<String, HashMap<String, f32>>,
}

impl ScoreTable {
    /// Parse `type<TAB>mode<TAB>score` lines (an optional header line starting
    /// `type<TAB>`). Errors name `file:line`: wrong column count, a type that
    /// is not a PLOVER type, a bad mode, a score that is not a number in
    /// −10…10, a repeated (type, mode), a type without a `*` row.
    pub fn parse(file: &str, text: &str) -> Result<ScoreTable, DataError> {
        let mut scores: HashMap<String, HashMap<String, f32>> = HashMap::new();
        let mut first_line: HashMap<String, usize> = HashMap::new();
        for (line, l) in data::lines(text) {
            let err = |message: String| DataError {
                file: file.into(),
                line,
                message,
            };
            let cols: Vec<&str> = l.split('\t').map(str::trim).collect();
            if cols.first() == Some(&"type") {
                continue;
            }
            let [kind, mode, score] = cols[..] else {
                return Err(err(format!(
                    "expected type<TAB>mode<TAB>score, got {} column(s) in {l:?}",
                    cols.len()
                )));
            };
            if !PLOVER_TYPES.contains(&kind) {
                return Err(err(format!(
                    "unknown PLOVER type {kind:?} (expected one of {})",
                    PLOVER_TYPES.join(" ")
                )));
            }
            if mode != "*"
                && (mode.is_empty()
                    || !mode
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '-' || c == '_'))
            {
                return Err(err(format!(
                    "mode must be `*` or a lower-case name like `aerial`, got {mode:?}"
                )));
            }
            let score: f32 = score
                .parse()
                .ok()
                .filter(|s: &f32| (-10.0..=10.0).contains(s))
                .ok_or_else(|| {
                    err(format!(
                        "score must be a number from -10 to 10, got {score:?}"
                    ))
                })?;
            let modes = scores.entry(kind.to_string()).or_default();
            if modes.insert(mode.to_string(), score).is_some() {
                return Err(err(format!("{kind} {mode} is listed twice")));
            }
            first_line.entry(kind.to_string()).or_insert(line);
        }
        for (kind, modes) in &scores {
            if !modes.contains_key("*") {
                return Err(DataError {
                    file: file.into(),
                    line: first_line[kind],
                    message: format!("{kind} has mode rows but no `*` (default) row"),
                });
            }
        }
        Ok(ScoreTable { scores })
    }

    /// The table in `data/corpus/plover-scores.tsv` (parsed once).
    pub fn builtin() -> &'static ScoreTable {
        static T: OnceLock<ScoreTable> = OnceLock::new();
        T.get_or_init(|| {
            let (f, t) = PLOVER_SCORES_TSV;
            ScoreTable::parse(f, t).unwrap_or_else(|e| {
                panic!("built-in PLOVER scores are invalid (a build defect): {e}")
            })
        })
    }

    /// Score of an event type and mode (`None` or `-` = no mode); 0 for an
    /// unknown type.
    pub fn score(&self, kind: &str, mode: Option<&str>) -> f32 {
        let Some(modes) = self.scores.get(kind) else {
            return 0.0;
        };
        mode.filter(|m| !m.is_empty() && *m != "-")
            .and_then(|m| modes.get(m))
            .or_else(|| modes.get("*"))
            .copied()
            .unwrap_or(0.0)
    }
}

/// Score of a PLOVER event type and mode from the built-in table (see the
/// module doc); unknown types score 0.
pub fn plover_score(kind: &str, mode: Option<&str>) -> f32 {
    ScoreTable::builtin().score(kind, mode)
}

/// One event as the network needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetEvent {
    pub doc_id: String,
    pub actor: Vec<String>,
    pub recipient: Vec<String>,
    /// PLOVER type.
    pub kind: String,
    pub mode: Option<String>,
    pub modality: Modality,
}

impl NetEvent {
    /// The events of a document.
    pub fn from_document(doc: &Document) -> Vec<NetEvent> {
        doc.events
            .iter()
            .map(|e| NetEvent {
                doc_id: doc.id.clone(),
                actor: e.actor.clone(),
                recipient: e.recipient.clone(),
                kind: e.kind.clone(),
                mode: e.mode.clone(),
                modality: e.modality,
            })
            .collect()
    }
}

/// A directed relation actor → recipient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    pub source: String,
    pub target: String,
    /// Asserted events per PLOVER type.
    pub counts: BTreeMap<String, u32>,
    /// Asserted events.
    pub events: u32,
    pub negated: u32,
    pub future: u32,
    pub possible: u32,
    /// Sum and mean of the asserted events' scores (mean 0 without any).
    pub score_sum: f32,
    pub score_mean: f32,
    /// Distinct documents with an event on this edge (any modality).
    pub docs: u32,
}

impl Edge {
    /// All events on the edge, whatever their modality (≥ 1).
    pub fn total(&self) -> u32 {
        self.events + self.negated + self.future + self.possible
    }
}

/// An actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    /// Asserted events with this node among the actors / recipients.
    pub as_actor: u32,
    pub as_recipient: u32,
    /// Negated, future or possible events it takes part in.
    pub unasserted: u32,
    /// Distinct neighbours (in or out).
    pub degree: u32,
}

/// A directed actor network (see the module doc).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Network {
    /// Sorted by id.
    pub nodes: Vec<Node>,
    /// Sorted by (source, target).
    pub edges: Vec<Edge>,
}

fn dedup(ids: &[String]) -> Vec<&str> {
    let mut seen = BTreeSet::new();
    ids.iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty() && seen.insert(*s))
        .collect()
}

impl Network {
    /// Aggregate events into a network.
    pub fn build<'a>(events: impl IntoIterator<Item = &'a NetEvent>) -> Network {
        let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
        let mut edges: BTreeMap<(String, String), (Edge, BTreeSet<String>)> = BTreeMap::new();
        let table = ScoreTable::builtin();
        for ev in events {
            let asserted = ev.modality == Modality::Asserted;
            let actors = dedup(&ev.actor);
            let recipients = dedup(&ev.recipient);
            for (ids, as_actor) in [(&actors, true), (&recipients, false)] {
                for &id in ids.iter() {
                    let n = nodes.entry(id.to_string()).or_insert_with(|| Node {
                        id: id.to_string(),
                        as_actor: 0,
                        as_recipient: 0,
                        unasserted: 0,
                        degree: 0,
                    });
                    match (asserted, as_actor) {
                        (true, true) => n.as_actor += 1,
                        (true, false) => n.as_recipient += 1,
                        (false, _) => {}
                    }
                }
            }
            if !asserted {
                // Once per event, even if the node is actor and recipient.
                let all: BTreeSet<&str> = actors.iter().chain(recipients.iter()).copied().collect();
                for id in all {
                    if let Some(n) = nodes.get_mut(id) {
                        n.unasserted += 1;
                    }
                }
            }
            let score = table.score(&ev.kind, ev.mode.as_deref());
            for &a in &actors {
                for &r in &recipients {
                    if a == r {
                        continue;
                    }
                    let (e, docs) =
                        edges
                            .entry((a.to_string(), r.to_string()))
                            .or_insert_with(|| {
                                (
                                    Edge {
                                        source: a.to_string(),
                                        target: r.to_string(),
                                        counts: BTreeMap::new(),
                                        events: 0,
                                        negated: 0,
                                        future: 0,
                                        possible: 0,
                                        score_sum: 0.0,
                                        score_mean: 0.0,
                                        docs: 0,
                                    },
                                    BTreeSet::new(),
                                )
                            });
                    docs.insert(ev.doc_id.clone());
                    match ev.modality {
                        Modality::Asserted => {
                            *e.counts.entry(ev.kind.clone()).or_default() += 1;
                            e.events += 1;
                            e.score_sum += score;
                        }
                        Modality::Negated | Modality::Refused => e.negated += 1,
                        Modality::Future => e.future += 1,
                        // Demanded, expected, conditional: may happen.
                        Modality::Possible
                        | Modality::Demanded
                        | Modality::Expected
                        | Modality::Conditional => e.possible += 1,
                    }
                }
            }
        }
        let mut neighbours: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (s, t) in edges.keys() {
            neighbours.entry(s).or_default().insert(t);
            neighbours.entry(t).or_default().insert(s);
        }
        let degrees: HashMap<String, u32> = neighbours
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.len() as u32))
            .collect();
        let nodes = nodes
            .into_values()
            .map(|mut n| {
                n.degree = degrees.get(&n.id).copied().unwrap_or(0);
                n
            })
            .collect();
        let edges = edges
            .into_values()
            .map(|(mut e, docs)| {
                e.docs = docs.len() as u32;
                e.score_mean = if e.events > 0 {
                    e.score_sum / e.events as f32
                } else {
                    0.0
                };
                e
            })
            .collect();
        Network { nodes, edges }
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes
            .binary_search_by(|n| n.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.nodes[i])
    }

    pub fn edge(&self, source: &str, target: &str) -> Option<&Edge> {
        self.edges
            .binary_search_by(|e| (e.source.as_str(), e.target.as_str()).cmp(&(source, target)))
            .ok()
            .map(|i| &self.edges[i])
    }

    /// The PLOVER types occurring on any edge, sorted.
    pub fn kinds(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self
            .edges
            .iter()
            .flat_map(|e| e.counts.keys().map(String::as_str))
            .collect();
        set.into_iter().collect()
    }
}

/// Escape text for XML 1.0 content or a double- or single-quoted attribute:
/// `& < > " '` as entities, tab/newline/carriage return as character
/// references (so attribute values keep them), other characters XML 1.0
/// forbids (C0 controls, U+FFFE, U+FFFF) as U+FFFD.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Number formatting for XML values (finite numbers only).
fn num(x: f32) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        "0".into()
    }
}

const NODE_ATTRS: [&str; 4] = ["as_actor", "as_recipient", "unasserted", "degree"];

fn node_attrs(n: &Node) -> [(&'static str, u32); 4] {
    [
        (NODE_ATTRS[0], n.as_actor),
        (NODE_ATTRS[1], n.as_recipient),
        (NODE_ATTRS[2], n.unasserted),
        (NODE_ATTRS[3], n.degree),
    ]
}

const EDGE_ATTRS: [(&str, &str); 7] = [
    ("events", "int"),
    ("score_sum", "double"),
    ("score_mean", "double"),
    ("negated", "int"),
    ("future", "int"),
    ("possible", "int"),
    ("docs", "int"),
];

fn edge_attrs(e: &Edge) -> [String; 7] {
    [
        e.events.to_string(),
        num(e.score_sum),
        num(e.score_mean),
        e.negated.to_string(),
        e.future.to_string(),
        e.possible.to_string(),
        e.docs.to_string(),
    ]
}

/// GraphML (directed): node key `label` plus the node counts; edge keys
/// `weight` (all events on the edge), the edge counts and scores, and one
/// integer key per PLOVER type present (`type_<TYPE>`, default 0).
pub fn to_graphml(net: &Network, label: impl Fn(&str) -> String) -> String {
    let kinds = net.kinds();
    let mut o = String::new();
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    o.push_str(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    o.push_str("  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n");
    for k in NODE_ATTRS {
        let _ = writeln!(
            o,
            "  <key id=\"{k}\" for=\"node\" attr.name=\"{k}\" attr.type=\"int\"/>"
        );
    }
    o.push_str("  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n");
    for (k, t) in EDGE_ATTRS {
        let _ = writeln!(
            o,
            "  <key id=\"{k}\" for=\"edge\" attr.name=\"{k}\" attr.type=\"{t}\"/>"
        );
    }
    for (i, k) in kinds.iter().enumerate() {
        let _ = writeln!(
            o,
            "  <key id=\"t{i}\" for=\"edge\" attr.name=\"type_{}\" attr.type=\"int\"><default>0</default></key>",
            xml_escape(k)
        );
    }
    o.push_str("  <graph id=\"G\" edgedefault=\"directed\">\n");
    for n in &net.nodes {
        let _ = writeln!(o, "    <node id=\"{}\">", xml_escape(&n.id));
        let _ = writeln!(
            o,
            "      <data key=\"label\">{}</data>",
            xml_escape(&label(&n.id))
        );
        for (k, v) in node_attrs(n) {
            let _ = writeln!(o, "      <data key=\"{k}\">{v}</data>");
        }
        o.push_str("    </node>\n");
    }
    for (i, e) in net.edges.iter().enumerate() {
        let _ = writeln!(
            o,
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\">",
            xml_escape(&e.source),
            xml_escape(&e.target)
        );
        let _ = writeln!(o, "      <data key=\"weight\">{}</data>", e.total());
        for ((k, _), v) in EDGE_ATTRS.iter().zip(edge_attrs(e)) {
            let _ = writeln!(o, "      <data key=\"{k}\">{v}</data>");
        }
        for (ti, k) in kinds.iter().enumerate() {
            if let Some(c) = e.counts.get(*k) {
                let _ = writeln!(o, "      <data key=\"t{ti}\">{c}</data>");
            }
        }
        o.push_str("    </edge>\n");
    }
    o.push_str("  </graph>\n</graphml>\n");
    o
}

/// GEXF 1.3 (directed, static) for Gephi: node labels, node attributes,
/// edge `weight` (all events on the edge) and edge attributes for the counts
/// and scores, one integer attribute per PLOVER type present.
pub fn to_gexf(net: &Network, label: impl Fn(&str) -> String) -> String {
    let kinds = net.kinds();
    fn gexf_type(t: &str) -> &str {
        if t == "int" {
            "integer"
        } else {
            t
        }
    }
    let mut o = String::new();
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    o.push_str(
        "<gexf xmlns=\"http://gexf.net/1.3\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" \
         version=\"1.3\">\n",
    );
    o.push_str("  <meta>\n    <creator>marsad</creator>\n");
    o.push_str("    <description>Actor network from PLOVER events</description>\n  </meta>\n");
    o.push_str("  <graph defaultedgetype=\"directed\" mode=\"static\">\n");
    o.push_str("    <attributes class=\"node\">\n");
    for k in NODE_ATTRS {
        let _ = writeln!(
            o,
            "      <attribute id=\"{k}\" title=\"{k}\" type=\"integer\"/>"
        );
    }
    o.push_str("    </attributes>\n    <attributes class=\"edge\">\n");
    for (k, t) in EDGE_ATTRS {
        let _ = writeln!(
            o,
            "      <attribute id=\"{k}\" title=\"{k}\" type=\"{}\"/>",
            gexf_type(t)
        );
    }
    for (i, k) in kinds.iter().enumerate() {
        let _ = writeln!(
            o,
            "      <attribute id=\"t{i}\" title=\"{}\" type=\"integer\"><default>0</default></attribute>",
            xml_escape(k)
        );
    }
    o.push_str("    </attributes>\n    <nodes>\n");
    for n in &net.nodes {
        let _ = writeln!(
            o,
            "      <node id=\"{}\" label=\"{}\">",
            xml_escape(&n.id),
            xml_escape(&label(&n.id))
        );
        o.push_str("        <attvalues>\n");
        for (k, v) in node_attrs(n) {
            let _ = writeln!(o, "          <attvalue for=\"{k}\" value=\"{v}\"/>");
        }
        o.push_str("        </attvalues>\n      </node>\n");
    }
    o.push_str("    </nodes>\n    <edges>\n");
    for (i, e) in net.edges.iter().enumerate() {
        let _ = writeln!(
            o,
            "      <edge id=\"{i}\" source=\"{}\" target=\"{}\" weight=\"{}\">",
            xml_escape(&e.source),
            xml_escape(&e.target),
            e.total()
        );
        o.push_str("        <attvalues>\n");
        for ((k, _), v) in EDGE_ATTRS.iter().zip(edge_attrs(e)) {
            let _ = writeln!(o, "          <attvalue for=\"{k}\" value=\"{v}\"/>");
        }
        for (ti, k) in kinds.iter().enumerate() {
            if let Some(c) = e.counts.get(*k) {
                let _ = writeln!(o, "          <attvalue for=\"t{ti}\" value=\"{c}\"/>");
            }
        }
        o.push_str("        </attvalues>\n      </edge>\n");
    }
    o.push_str("    </edges>\n  </graph>\n</gexf>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_table() {
        let cases = [
            ("AGREE", None, 2.5),
            ("CONSULT", None, 2.5),
            ("CONSULT", Some("visit"), 4.0),
            ("CONSULT", Some("phone"), 2.5),
            ("CONSULT", Some("-"), 2.5),
            ("SUPPORT", None, 5.0),
            ("CONCEDE", None, 5.0),
            ("COOPERATE", None, 9.5),
            ("AID", None, 10.0),
            ("RETREAT", None, 7.0),
            ("RETREAT", Some("ceasefire"), 7.5),
            ("REQUEST", Some("assist"), 0.0),
            ("ACCUSE", None, -2.0),
            ("ACCUSE", Some("allege"), -3.5),
            ("REJECT", None, -2.0),
            ("THREATEN", Some("violence"), -3.5),
            ("PROTEST", Some("demo"), -5.0),
            ("SANCTION", None, -6.0),
            ("MOBILIZE", Some("troops"), -5.5),
            ("COERCE", Some("arrest"), -7.0),
            ("ASSAULT", None, -9.0),
            ("ASSAULT", Some("aerial"), -9.5),
            ("ASSAULT", Some("unconventional"), -10.0),
            ("ASSAULT", Some("drone"), -9.0),
            ("STATEMENT", None, 0.0),
            ("assault", None, 0.0),
        ];
        for (kind, mode, want) in cases {
            assert_eq!(plover_score(kind, mode), want, "{kind} {mode:?}");
        }
        // Every PLOVER type is in the built-in table.
        for t in PLOVER_TYPES {
            assert!(ScoreTable::builtin().scores.contains_key(t), "{t}");
        }
    }

    #[test]
    fn score_table_errors_name_file_and_line() {
        let cases = [
            ("# c\nAGREE\t*\t2.5\nAGREE\t*\n", 3, "column"),
            ("AGREE\t*\t2.5\nAGREED\t*\t1\n", 2, "unknown PLOVER type"),
            ("AGREE\t*\t2.5\nAGREE\tVisit\t1\n", 2, "mode"),
            ("AGREE\t*\tx\n", 1, "number"),
            ("AGREE\t*\t11\n", 1, "number"),
            (
                "type\tmode\tscore\nAGREE\t*\t1\n\nAGREE\t*\t2\n",
                4,
                "twice",
            ),
            ("AGREE\t*\t1\nASSAULT\taerial\t-9.5\n", 2, "no `*`"),
        ];
        for (text, line, msg) in cases {
            let e = ScoreTable::parse("s.tsv", text).unwrap_err();
            assert_eq!((e.file.as_str(), e.line), ("s.tsv", line), "{text:?}: {e}");
            assert!(e.message.contains(msg), "{e}");
        }
        let t = ScoreTable::parse("s.tsv", "type\tmode\tscore\nAID\t*\t10\n").unwrap();
        assert_eq!(t.score("AID", Some("x")), 10.0);
        assert_eq!(t.score("AGREE", None), 0.0);
    }

    fn ev(
        doc: &str,
        a: &[&str],
        r: &[&str],
        kind: &str,
        mode: Option<&str>,
        m: Modality,
    ) -> NetEvent {
        NetEvent {
            doc_id: doc.into(),
            actor: a.iter().map(|s| s.to_string()).collect(),
            recipient: r.iter().map(|s| s.to_string()).collect(),
            kind: kind.into(),
            mode: mode.map(str::to_string),
            modality: m,
        }
    }

    fn sample() -> Vec<NetEvent> {
        use Modality::*;
        vec![
            ev(
                "d1",
                &["country:TUR"],
                &["country:RUS"],
                "ASSAULT",
                Some("aerial"),
                Asserted,
            ),
            ev(
                "d1",
                &["country:RUS"],
                &["country:TUR"],
                "THREATEN",
                None,
                Asserted,
            ),
            ev(
                "d2",
                &["country:TUR"],
                &["country:RUS"],
                "CONSULT",
                Some("phone"),
                Asserted,
            ),
            ev(
                "d2",
                &["country:RUS", "country:FRA", "country:RUS"],
                &["group:isis"],
                "ASSAULT",
                None,
                Asserted,
            ),
            ev(
                "d3",
                &["country:TUR"],
                &["country:RUS"],
                "ASSAULT",
                None,
                Negated,
            ),
            ev(
                "d3",
                &["country:RUS"],
                &["country:TUR"],
                "SANCTION",
                None,
                Future,
            ),
            ev("d3", &["country:USA"], &[], "COOPERATE", None, Asserted),
            ev(
                "d3",
                &["country:USA"],
                &["country:USA"],
                "SUPPORT",
                None,
                Asserted,
            ),
            ev(
                "d4",
                &[],
                &["group:isis"],
                "ACCUSE",
                Some("allege"),
                Possible,
            ),
        ]
    }

    #[test]
    fn aggregation() {
        let net = Network::build(&sample());
        let ids: Vec<&str> = net.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "country:FRA",
                "country:RUS",
                "country:TUR",
                "country:USA",
                "group:isis"
            ]
        );
        let pairs: Vec<(&str, &str)> = net
            .edges
            .iter()
            .map(|e| (e.source.as_str(), e.target.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("country:FRA", "group:isis"),
                ("country:RUS", "country:TUR"),
                ("country:RUS", "group:isis"),
                ("country:TUR", "country:RUS"),
            ]
        );
        let tr = net.edge("country:TUR", "country:RUS").unwrap();
        assert_eq!(tr.events, 2);
        assert_eq!(tr.negated, 1);
        assert_eq!(tr.total(), 3);
        assert_eq!(tr.counts.get("ASSAULT"), Some(&1));
        assert_eq!(tr.counts.get("CONSULT"), Some(&1));
        assert_eq!(tr.score_sum, -9.5 + 2.5);
        assert_eq!(tr.score_mean, -3.5);
        assert_eq!(tr.docs, 3);
        let rt = net.edge("country:RUS", "country:TUR").unwrap();
        assert_eq!((rt.events, rt.future, rt.score_sum), (1, 1, -3.5));
        let ri = net.edge("country:RUS", "group:isis").unwrap();
        assert_eq!((ri.events, ri.score_sum, ri.docs), (1, -9.0, 1));
        assert!(net.edge("country:USA", "country:USA").is_none());

        let n = |id| net.node(id).unwrap().clone();
        let rus = n("country:RUS");
        assert_eq!(
            (rus.as_actor, rus.as_recipient, rus.unasserted, rus.degree),
            (2, 2, 2, 2)
        );
        let usa = n("country:USA");
        assert_eq!((usa.as_actor, usa.as_recipient, usa.degree), (2, 1, 0));
        let isis = n("group:isis");
        assert_eq!(
            (
                isis.as_actor,
                isis.as_recipient,
                isis.unasserted,
                isis.degree
            ),
            (0, 1, 1, 2)
        );
        assert_eq!(net.kinds(), ["ASSAULT", "CONSULT", "THREATEN"]);
        assert_eq!(Network::build(&[]), Network::default());
    }

    #[test]
    fn events_from_a_document() {
        let mut d = crate::fixtures::document(&crate::fixtures::ARTICLES[0]);
        d.events.push(marsad_doc::Event {
            kind: "CONSULT".into(),
            mode: Some("visit".into()),
            quad: 1,
            actor: vec!["country:EGY".into()],
            recipient: vec!["country:SAU".into()],
            sentence: 0,
            start: 0,
            end: 1,
            trigger: "زار".into(),
            modality: Modality::Asserted,
            date: None,
            location: None,
            rule: "t".into(),
            actor_text: None,
            confidence: None,
            decided_by: None,
        });
        let evs = NetEvent::from_document(&d);
        assert_eq!(evs.len(), 1);
        assert_eq!(evs[0].doc_id, d.id);
        let net = Network::build(&evs);
        assert_eq!(
            net.edge("country:EGY", "country:SAU").unwrap().score_sum,
            4.0
        );
    }

    #[test]
    fn unknown_actors_make_no_edges() {
        use Modality::*;
        // (events, edges expected)
        type Edges = Vec<(&'static str, &'static str)>;
        let cases: Vec<(Vec<NetEvent>, Edges)> = vec![
            (
                vec![ev("d1", &[], &["country:RUS"], "ASSAULT", None, Asserted)],
                vec![],
            ),
            (
                vec![
                    ev("d1", &[], &["country:RUS"], "ASSAULT", None, Asserted),
                    ev("d1", &[""], &["country:SYR"], "ASSAULT", None, Asserted),
                    ev(
                        "d1",
                        &["country:TUR"],
                        &["country:RUS"],
                        "ACCUSE",
                        None,
                        Asserted,
                    ),
                ],
                vec![("country:TUR", "country:RUS")],
            ),
            (vec![ev("d2", &[], &[], "PROTEST", None, Asserted)], vec![]),
        ];
        for (events, want) in cases {
            let net = Network::build(&events);
            let edges: Vec<(&str, &str)> = net
                .edges
                .iter()
                .map(|e| (e.source.as_str(), e.target.as_str()))
                .collect();
            assert_eq!(edges, want, "{events:?}");
            assert!(net.nodes.iter().all(|n| !n.id.is_empty()));
            // The recipient is still a node (it was attacked), with no edge.
            if let Some(rus) = net.node("country:RUS") {
                assert!(rus.as_recipient >= 1);
            }
            // Neither exporter invents an edge for them.
            let graphml = to_graphml(&net, str::to_string);
            assert_eq!(graphml.matches("<edge ").count(), want.len());
            let gexf = to_gexf(&net, str::to_string);
            assert_eq!(gexf.matches("<edge ").count(), want.len());
        }
    }

    #[test]
    fn xml_escape_table() {
        let cases = [
            ("a&b", "a&amp;b"),
            ("<x>", "&lt;x&gt;"),
            ("\"'", "&quot;&apos;"),
            ("a\tb\nc\r", "a&#9;b&#10;c&#13;"),
            ("\u{1}\u{FFFF}", "\u{FFFD}\u{FFFD}"),
            ("روسيا", "روسيا"),
        ];
        for (s, want) in cases {
            assert_eq!(xml_escape(s), want);
        }
    }

    fn nasty_network() -> Network {
        let mut evs = sample();
        evs.push(ev(
            "d<5>",
            &["new:person:<\"O'Brien\" & co>"],
            &["country:RUS", "x\u{1}y"],
            "PROTEST",
            Some("demo"),
            Modality::Asserted,
        ));
        evs.push(ev(
            "d6",
            &["a"],
            &["b"],
            "WEIRD&<TYPE>",
            None,
            Modality::Asserted,
        ));
        Network::build(&evs)
    }

    fn label(id: &str) -> String {
        format!("{id} «تسمية» & <label>")
    }

    #[test]
    fn graphml_is_well_formed_and_complete() {
        let net = nasty_network();
        let xml = to_graphml(&net, label);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "graphml");
        let nodes: Vec<_> = root
            .descendants()
            .filter(|n| n.has_tag_name("node"))
            .collect();
        let edges: Vec<_> = root
            .descendants()
            .filter(|n| n.has_tag_name("edge"))
            .collect();
        assert_eq!(
            (nodes.len(), edges.len()),
            (net.nodes.len(), net.edges.len())
        );
        let ids: Vec<&str> = nodes.iter().filter_map(|n| n.attribute("id")).collect();
        assert!(ids.contains(&"new:person:<\"O'Brien\" & co>"), "{ids:?}");
        let o = nodes
            .iter()
            .find(|n| n.attribute("id") == Some("new:person:<\"O'Brien\" & co>"))
            .unwrap();
        let lab = o
            .children()
            .find(|c| c.attribute("key") == Some("label"))
            .unwrap();
        assert_eq!(
            lab.text(),
            Some("new:person:<\"O'Brien\" & co> «تسمية» & <label>")
        );
        // Every edge's endpoints are declared nodes.
        for e in &edges {
            assert!(ids.contains(&e.attribute("source").unwrap()));
            assert!(ids.contains(&e.attribute("target").unwrap()));
        }
        // Every data key is declared.
        let keys: Vec<&str> = root
            .children()
            .filter(|n| n.has_tag_name("key"))
            .filter_map(|n| n.attribute("id"))
            .collect();
        for d in root.descendants().filter(|n| n.has_tag_name("data")) {
            assert!(keys.contains(&d.attribute("key").unwrap()));
        }
        let tr = edges
            .iter()
            .find(|e| e.attribute("source") == Some("country:TUR"))
            .unwrap();
        let val = |k: &str| {
            tr.children()
                .find(|c| c.attribute("key") == Some(k))
                .and_then(|c| c.text())
        };
        assert_eq!(val("score_sum"), Some("-7"));
        assert_eq!(val("weight"), Some("3"));
    }

    #[test]
    fn gexf_is_well_formed_and_complete() {
        let net = nasty_network();
        let xml = to_gexf(&net, label);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "gexf");
        assert_eq!(root.tag_name().namespace(), Some("http://gexf.net/1.3"));
        assert_eq!(root.attribute("version"), Some("1.3"));
        let graph = root.children().find(|n| n.has_tag_name("graph")).unwrap();
        assert_eq!(graph.attribute("defaultedgetype"), Some("directed"));
        let nodes: Vec<_> = root
            .descendants()
            .filter(|n| n.has_tag_name("node"))
            .collect();
        let edges: Vec<_> = root
            .descendants()
            .filter(|n| n.has_tag_name("edge"))
            .collect();
        assert_eq!(
            (nodes.len(), edges.len()),
            (net.nodes.len(), net.edges.len())
        );
        for n in &nodes {
            let id = n.attribute("id").unwrap();
            assert_eq!(
                n.attribute("label").unwrap(),
                label(id).replace('\u{1}', "\u{FFFD}")
            );
        }
        let attr_ids: Vec<&str> = root
            .descendants()
            .filter(|n| n.has_tag_name("attribute"))
            .filter_map(|n| n.attribute("id"))
            .collect();
        for v in root.descendants().filter(|n| n.has_tag_name("attvalue")) {
            assert!(attr_ids.contains(&v.attribute("for").unwrap()));
        }
        let mut edge_ids: Vec<&str> = edges.iter().map(|e| e.attribute("id").unwrap()).collect();
        edge_ids.dedup();
        assert_eq!(edge_ids.len(), edges.len());
        for e in &edges {
            let w: f64 = e.attribute("weight").unwrap().parse().unwrap();
            assert!(w >= 1.0);
        }
        let weird = root
            .descendants()
            .find(|n| n.has_tag_name("attribute") && n.attribute("title") == Some("WEIRD&<TYPE>"));
        assert!(weird.is_some());
    }
}
