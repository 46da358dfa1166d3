//! Context cues for events (`data/extract/event-cues.tsv`): words that mark
//! a domain (markets, sports, …), an incident (casualties, a crowd, a time),
//! a framing (background, condemnation, investigation) or a modality
//! (negation, refusal, demand, expectation, condition, future, possibility).

use std::collections::HashMap;
use std::sync::OnceLock;

use marsad_text::data::{table, DataError};
use marsad_text::matchform::match_form;

pub const CUES_TSV: (&str, &str) = (
    "data/extract/event-cues.tsv",
    include_str!("../../../data/extract/event-cues.tsv"),
);

/// Cue classes, in bit order.
pub const CLASSES: [&str; 32] = [
    "market",
    "sports",
    "culture",
    "health",
    "services",
    "casualty",
    "crowd",
    "time",
    "weapon",
    "background",
    "condemn",
    "investigate",
    "claim",
    "report",
    "question",
    "negation",
    "refusal",
    "allegation",
    "demand",
    "expectation",
    "condition",
    "future",
    "possible",
    "permission",
    "effort",
    "unnamed",
    "number",
    "anaphor",
    "force",
    "plain",
    "violation",
    "disaster",
];

/// Bit of a class name.
pub fn class_bit(name: &str) -> Option<u32> {
    CLASSES.iter().position(|c| *c == name).map(|i| 1u32 << i)
}

/// Bit of a class, for a class that must exist (a typo is a build defect
/// caught by the tests).
pub fn bit(name: &str) -> u32 {
    class_bit(name).unwrap_or(0)
}

/// The cue lexicon.
#[derive(Debug, Default)]
pub struct Cues {
    exact: HashMap<String, u32>,
    prefix: Vec<(String, u32)>,
}

impl Cues {
    pub fn builtin() -> &'static Cues {
        static C: OnceLock<Cues> = OnceLock::new();
        C.get_or_init(|| {
            Cues::parse(CUES_TSV.0, CUES_TSV.1)
                .unwrap_or_else(|e| panic!("built-in event cues are invalid (a build defect): {e}"))
        })
    }

    /// Parse and validate; errors name file and line.
    pub fn parse(file: &str, text: &str) -> Result<Cues, DataError> {
        let err = |line: usize, message: String| DataError {
            file: file.to_string(),
            line,
            message,
        };
        let mut out = Cues::default();
        for (line, c) in table(file, text, &["form", "class"])? {
            let Some(b) = class_bit(c[1]) else {
                return Err(err(
                    line,
                    format!("unknown class {:?} (known: {})", c[1], CLASSES.join(" ")),
                ));
            };
            match c[0].strip_suffix('*') {
                Some(p) => {
                    let p = match_form(p);
                    if p.chars().count() < 2 {
                        return Err(err(line, format!("prefix {p:?} is too short")));
                    }
                    out.prefix.push((p, b));
                }
                None => {
                    let f = match_form(c[0]);
                    if f.contains(' ') {
                        return Err(err(line, format!("{f:?}: one word per cue")));
                    }
                    *out.exact.entry(f).or_default() |= b;
                }
            }
        }
        Ok(out)
    }

    /// The exact forms listed under a class (for a small class checked
    /// directly, such as `anaphor`), sorted.
    pub fn forms_of(&self, class: &str) -> Vec<String> {
        let b = bit(class);
        let mut v: Vec<String> = self
            .exact
            .iter()
            .filter(|(_, &x)| x & b != 0)
            .map(|(f, _)| f.clone())
            .collect();
        v.sort();
        v
    }

    /// Classes (bits) of a word given its forms (match form, without
    /// proclitics, without the article).
    pub fn classes<S: AsRef<str>>(&self, forms: &[S]) -> u32 {
        let mut bits = 0;
        for f in forms {
            let f = f.as_ref();
            if let Some(&b) = self.exact.get(f) {
                bits |= b;
            }
            for (p, b) in &self.prefix {
                if f.starts_with(p.as_str()) {
                    bits |= b;
                }
            }
        }
        bits
    }
}

pub const CONTEXT_ANAPHORS_TSV: (&str, &str) = (
    "data/extract/context-anaphors.tsv",
    include_str!("../../../data/extract/context-anaphors.tsv"),
);

/// One row of `data/extract/context-anaphors.tsv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextRule {
    /// The noun without the article (match form).
    pub head: String,
    /// An entity id, or `country:XXX` for every mention of that country.
    pub context: String,
    /// The entity the noun resolves to, and its type.
    pub entity: String,
    pub kind: marsad_kb::Kind,
}

/// Definite nouns resolved by the document's other mentions (`التحالف`).
#[derive(Debug, Default)]
pub struct ContextAnaphors {
    pub rules: Vec<ContextRule>,
}

impl ContextAnaphors {
    pub fn builtin() -> &'static ContextAnaphors {
        static C: OnceLock<ContextAnaphors> = OnceLock::new();
        C.get_or_init(|| {
            ContextAnaphors::parse(CONTEXT_ANAPHORS_TSV.0, CONTEXT_ANAPHORS_TSV.1).unwrap_or_else(
                |e| panic!("built-in context anaphors are invalid (a build defect): {e}"),
            )
        })
    }

    /// Parse and validate; errors name file and line.
    pub fn parse(file: &str, text: &str) -> Result<ContextAnaphors, DataError> {
        let err = |line: usize, message: String| DataError {
            file: file.to_string(),
            line,
            message,
        };
        let mut out = ContextAnaphors::default();
        for (line, c) in table(file, text, &["head", "context", "entity", "type"])? {
            let head = match_form(c[0]);
            if head.contains(' ') || head.starts_with("ال") {
                return Err(err(
                    line,
                    format!("{head:?}: one word, without the article"),
                ));
            }
            for id in [c[1], c[2]] {
                if !id.contains(':') {
                    return Err(err(line, format!("{id:?} is not an entity id")));
                }
            }
            let kind = match c[3] {
                "ORGANIZATION" => marsad_kb::Kind::Organization,
                "GROUP" => marsad_kb::Kind::Group,
                "COUNTRY" => marsad_kb::Kind::Country,
                t => {
                    return Err(err(
                        line,
                        format!("type {t:?}: ORGANIZATION, GROUP or COUNTRY"),
                    ))
                }
            };
            out.rules.push(ContextRule {
                head,
                context: c[1].to_string(),
                entity: c[2].to_string(),
                kind,
            });
        }
        Ok(out)
    }

    /// Whether `head` has rules.
    pub fn has(&self, head: &str) -> bool {
        self.rules.iter().any(|r| r.head == head)
    }

    /// The entity `head` names in a document, given a vote counter for a
    /// context (how many of the document's mentions it covers): the target
    /// with the most votes, none on a tie or without votes.
    pub fn resolve(&self, head: &str, votes: impl Fn(&str) -> usize) -> Option<&ContextRule> {
        let mut tally: Vec<(&ContextRule, usize)> = Vec::new();
        for r in self.rules.iter().filter(|r| r.head == head) {
            let v = votes(&r.context);
            match tally.iter_mut().find(|(t, _)| t.entity == r.entity) {
                Some((_, n)) => *n += v,
                None => tally.push((r, v)),
            }
        }
        tally.sort_by_key(|x| std::cmp::Reverse(x.1));
        match tally.as_slice() {
            [(r, n), rest @ ..] if *n > 0 && rest.first().is_none_or(|(_, m)| m < n) => Some(r),
            _ => None,
        }
    }
}

pub const GENERIC_ACTORS_TSV: (&str, &str) = (
    "data/extract/generic-actors.tsv",
    include_str!("../../../data/extract/generic-actors.tsv"),
);

/// One row of `data/extract/generic-actors.tsv`.
#[derive(Debug, Clone, PartialEq)]
pub struct GenericActor {
    /// The noun without the article (match form).
    pub head: String,
    /// The word that must follow (match form), if any.
    pub next: Option<String>,
    /// Entity id templates (`{iso}`, `{ISO}`), tried in order.
    pub templates: Vec<String>,
}

/// A state's forces or authorities named without their country (`الجيش`,
/// `قوات الأمن`): resolved to the document's country.
#[derive(Debug, Default)]
pub struct GenericActors {
    pub rows: Vec<GenericActor>,
    /// Heads of the rows that need a following word (`قوات` of `قوات
    /// الأمن`), sorted.
    construct: Vec<String>,
}

impl GenericActors {
    pub fn builtin() -> &'static GenericActors {
        static C: OnceLock<GenericActors> = OnceLock::new();
        C.get_or_init(|| {
            GenericActors::parse(GENERIC_ACTORS_TSV.0, GENERIC_ACTORS_TSV.1).unwrap_or_else(|e| {
                panic!("built-in generic actors are invalid (a build defect): {e}")
            })
        })
    }

    /// Parse and validate; errors name file and line.
    pub fn parse(file: &str, text: &str) -> Result<GenericActors, DataError> {
        let err = |line: usize, message: String| DataError {
            file: file.to_string(),
            line,
            message,
        };
        let mut out = GenericActors::default();
        for (line, c) in table(file, text, &["head", "next", "entity"])? {
            let head = match_form(c[0]);
            if head.contains(' ') || head.starts_with("ال") {
                return Err(err(
                    line,
                    format!("{head:?}: one word, without the article"),
                ));
            }
            let next = (c[1] != "-").then(|| match_form(c[1]));
            if next.as_ref().is_some_and(|n| n.contains(' ')) {
                return Err(err(line, format!("{:?}: one word", c[1])));
            }
            let templates: Vec<String> = c[2].split('|').map(|t| t.trim().to_string()).collect();
            for t in &templates {
                let rest = t.replace("{iso}", "xxx").replace("{ISO}", "XXX");
                if !t.contains(':')
                    || !(t.contains("{iso}") || t.contains("{ISO}"))
                    || rest.contains(['{', '}'])
                {
                    return Err(err(
                        line,
                        format!("{t:?}: an entity id with {{iso}} or {{ISO}} for the country"),
                    ));
                }
            }
            if templates.last().map(String::as_str) != Some("country:{ISO}") {
                return Err(err(
                    line,
                    "the last template must be country:{ISO} (it always exists)".into(),
                ));
            }
            out.rows.push(GenericActor {
                head,
                next,
                templates,
            });
        }
        out.construct = out
            .rows
            .iter()
            .filter(|r| r.next.is_some())
            .map(|r| r.head.clone())
            .collect();
        out.construct.sort();
        out.construct.dedup();
        Ok(out)
    }

    /// Whether `head` starts a row that needs a following word.
    pub fn is_construct_head(&self, head: &str) -> bool {
        self.construct
            .binary_search_by(|h| h.as_str().cmp(head))
            .is_ok()
    }

    /// Whether `head` starts a row.
    pub fn has(&self, head: &str) -> bool {
        self.rows.iter().any(|r| r.head == head)
    }

    /// The row for `head` followed by `next` (a row that needs a following
    /// word first).
    pub fn find(&self, head: &str, next: Option<&str>) -> Option<&GenericActor> {
        self.rows
            .iter()
            .filter(|r| r.head == head)
            .find(|r| r.next.is_some() && r.next.as_deref() == next)
            .or_else(|| {
                self.rows
                    .iter()
                    .find(|r| r.head == head && r.next.is_none())
            })
    }
}

impl GenericActor {
    /// The entity for the country `iso3` (upper case): the first template
    /// that `exists`.
    pub fn entity(&self, iso3: &str, exists: impl Fn(&str) -> bool) -> String {
        let lower = iso3.to_lowercase();
        for t in &self.templates {
            let id = t.replace("{iso}", &lower).replace("{ISO}", iso3);
            if exists(&id) {
                return id;
            }
        }
        format!("country:{iso3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_cues_load_and_classify() {
        let c = Cues::builtin();
        let cases = [
            ("اسهم", "market"),
            ("مباراه", "sports"),
            ("قتلي", "casualty"),
            ("متظاهرين", "crowd"),
            ("طالبت", "demand"),
            ("استنكرت", "condemn"),
            ("يتوقع", "expectation"),
        ];
        for (w, class) in cases {
            assert_ne!(c.classes(&[w]) & bit(class), 0, "{w} {class}");
        }
        assert_eq!(c.classes(&["قصفت"]), 0);
        // A word in two classes (a student / demanded).
        assert_ne!(c.classes(&["طالب"]) & bit("services"), 0);
        assert_ne!(c.classes(&["طالب"]) & bit("demand"), 0);
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("form\tclass\nقتل\tnope\n", 2, "unknown class"),
            ("form\tclass\nقتل\n", 2, "2 non-empty tab-separated"),
            ("x\ty\n", 1, "header"),
            ("form\tclass\nق*\tmarket\n", 2, "too short"),
            ("# only a comment\n", 1, "empty"),
        ];
        for (t, line, msg) in cases {
            let e = Cues::parse("c.tsv", t).unwrap_err();
            assert_eq!(e.line, line, "{t}");
            assert!(e.message.contains(msg), "{}", e.message);
        }
    }

    #[test]
    fn context_anaphors_load_resolve_and_name_bad_lines() {
        let c = ContextAnaphors::builtin();
        assert!(c.has("تحالف"));
        let yemen = |ctx: &str| match ctx {
            "country:YEM" => 5,
            "group:isis" => 1,
            _ => 0,
        };
        assert_eq!(
            c.resolve("تحالف", yemen).map(|r| r.entity.as_str()),
            Some("org:arab-coalition-yemen")
        );
        let tie = |ctx: &str| usize::from(ctx == "country:YEM" || ctx == "country:IRQ");
        assert_eq!(c.resolve("تحالف", tie), None);
        assert_eq!(c.resolve("تحالف", |_| 0), None);
        let cases = [
            ("x\ty\n", 1, "header"),
            (
                "head\tcontext\tentity\ttype\nتحالف\tcountry:YEM\n",
                2,
                "4 non-empty",
            ),
            (
                "head\tcontext\tentity\ttype\nالتحالف\tcountry:YEM\torg:x\tORGANIZATION\n",
                2,
                "article",
            ),
            (
                "head\tcontext\tentity\ttype\nتحالف\tYEM\torg:x\tORGANIZATION\n",
                2,
                "entity id",
            ),
            (
                "head\tcontext\tentity\ttype\nتحالف\tcountry:YEM\torg:x\tPERSON\n",
                2,
                "type",
            ),
            ("# nothing\n", 1, "empty"),
        ];
        for (t, line, msg) in cases {
            let e = ContextAnaphors::parse("a.tsv", t).unwrap_err();
            assert_eq!(e.line, line, "{t}");
            assert!(e.message.contains(msg), "{}", e.message);
        }
    }

    #[test]
    fn generic_actors_load_fill_templates_and_name_bad_lines() {
        let g = GenericActors::builtin();
        assert!(g.has("جيش") && g.has("قوات"));
        // A row that needs its next word wins over the bare head.
        let forces = g.find("قوات", Some("الامن")).unwrap();
        assert_eq!(forces.next.as_deref(), Some("الامن"));
        assert!(g.find("قوات", Some("كبيره")).is_none());
        let army = g.find("جيش", Some("امس")).unwrap();
        let known = |id: &str| id == "org:egy-armed-forces";
        assert_eq!(army.entity("EGY", known), "org:egy-armed-forces");
        assert_eq!(army.entity("TUN", known), "country:TUN");
        let h = "head\tnext\tentity\n";
        let cases = [
            ("x\ty\n".to_string(), 1, "header"),
            (format!("{h}جيش\t-\n"), 2, "3 non-empty"),
            (format!("{h}الجيش\t-\tcountry:{{ISO}}\n"), 2, "article"),
            (format!("{h}جيش\t-\torg:army\n"), 2, "{iso}"),
            (format!("{h}جيش\t-\torg:{{iso}}-army\n"), 2, "last template"),
            (
                format!("{h}قوات\tالامن العام\tcountry:{{ISO}}\n"),
                2,
                "one word",
            ),
            ("# nothing\n".to_string(), 1, "empty"),
        ];
        for (t, line, msg) in cases {
            let e = GenericActors::parse("g.tsv", &t).unwrap_err();
            assert_eq!(e.line, line, "{t}");
            assert!(e.message.contains(msg), "{t}: {}", e.message);
        }
    }
}
