//! marsad-kb: the knowledge base of actors.
//!
//! The data lives in `data/kb/*.tsv` (format: `data/kb/FORMAT.md`), is embedded
//! at build time ([`Kb::builtin`]) or read from a directory ([`Kb::load_dir`]),
//! and is validated as a whole: every problem is reported with `file:line`, and
//! a knowledge base with any error is never returned half-loaded.
//!
//! Loading compiles a name index ([`Kb::lookup`]): every Arabic name, variant,
//! nisba form, metonym and role phrase under its *key* — the match form split
//! into words the way the tokenizer splits them ([`name_key`]).

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

use marsad_text::lexicon::FxBuild;
use marsad_text::matchform::match_form;
use thiserror::Error;

mod files {
    include!(concat!(env!("OUT_DIR"), "/kb_files.rs"));
}

/// Index of an entry in [`Kb::entries`].
pub type EntryId = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Country,
    Person,
    Organization,
    Location,
    Group,
    Other,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "COUNTRY" => Kind::Country,
            "PERSON" => Kind::Person,
            "ORGANIZATION" => Kind::Organization,
            "LOCATION" => Kind::Location,
            "GROUP" => Kind::Group,
            "OTHER" => Kind::Other,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Country => "COUNTRY",
            Kind::Person => "PERSON",
            Kind::Organization => "ORGANIZATION",
            Kind::Location => "LOCATION",
            Kind::Group => "GROUP",
            Kind::Other => "OTHER",
        }
    }

    /// The id prefix entries of this kind use.
    pub fn id_prefix(self) -> &'static str {
        match self {
            Kind::Country => "country",
            Kind::Person => "person",
            Kind::Organization => "org",
            Kind::Location => "place",
            Kind::Group => "group",
            Kind::Other => "other",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// PLOVER sector codes accepted in the `sector` column (plus `IGO`).
pub const SECTORS: &[&str] = &[
    "GOV", "MIL", "COP", "JUD", "LEG", "PRM", "PTY", "REB", "SPY", "UAF", "UNK", "AGR", "BUS",
    "CRM", "CVL", "EDU", "ELI", "JRN", "LAB", "MED", "REF", "OPP", "PRE", "REL", "SOC", "IGO",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    HeadOfState,
    HeadOfGovernment,
    ForeignMinister,
    DefenceMinister,
    InteriorMinister,
    CrownPrince,
    SupremeLeader,
    SecretaryGeneral,
    Envoy,
    Spokesperson,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::HeadOfState,
        Role::HeadOfGovernment,
        Role::ForeignMinister,
        Role::DefenceMinister,
        Role::InteriorMinister,
        Role::CrownPrince,
        Role::SupremeLeader,
        Role::SecretaryGeneral,
        Role::Envoy,
        Role::Spokesperson,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::HeadOfState => "head_of_state",
            Role::HeadOfGovernment => "head_of_government",
            Role::ForeignMinister => "foreign_minister",
            Role::DefenceMinister => "defence_minister",
            Role::InteriorMinister => "interior_minister",
            Role::CrownPrince => "crown_prince",
            Role::SupremeLeader => "supreme_leader",
            Role::SecretaryGeneral => "secretary_general",
            Role::Envoy => "envoy",
            Role::Spokesperson => "spokesperson",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// One actor of the knowledge base.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: String,
    pub kind: Kind,
    pub name_en: String,
    pub name_ar: String,
    pub variants: Vec<String>,
    /// ISO 3166 alpha-3.
    pub country: Option<String>,
    pub sectors: Vec<String>,
    /// Nisba base forms as written in the data file.
    pub nisba: Vec<String>,
    pub metonyms: Vec<String>,
    pub file: String,
    pub line: usize,
}

/// A date as `yyyymmdd` (partial dates widened: see [`parse_date`]).
pub type Day = u32;

/// An office held by a person over a date range (inclusive).
#[derive(Debug, Clone, PartialEq)]
pub struct Office {
    pub person: EntryId,
    pub role: Role,
    pub of: EntryId,
    pub from: Day,
    /// `Day::MAX` while the office is held.
    pub to: Day,
    pub file: String,
    pub line: usize,
}

/// What a role phrase does (see `data/kb/roles.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhraseKind {
    /// Names an office (`الرئيس`, `وزير الخارجية`): resolves through [`Office`]s.
    Office(Role),
    /// Names one office of one state or organisation outright (`خادم
    /// الحرمين الشريفين`: the King of Saudi Arabia): resolves to its holder
    /// on the publication date.
    FixedOffice(Role, EntryId),
    /// Refers to the counterpart of the last office mentioned (`نظيره`).
    Counterpart,
    /// A title introducing a name of this kind (`الجنرال` → PERSON, `صحيفة` → ORGANIZATION).
    Title(Kind),
    /// Introduces a vehicle name (`حاملة الطائرات`, `الطراد`): what follows is
    /// not a person or a place.
    Vehicle,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Phrase {
    pub phrase: String,
    pub kind: PhraseKind,
    pub file: String,
    pub line: usize,
}

/// How a key refers to what it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hit {
    /// A name or variant of the entry.
    Name(EntryId),
    /// A nisba form of a country.
    Nisba(EntryId),
    /// A capital or seat of power standing for a country.
    Metonym(EntryId),
    /// A role phrase (index into [`Kb::phrases`]).
    Phrase(u32),
}

impl Hit {
    fn rank(self) -> u8 {
        match self {
            Hit::Name(_) => 0,
            Hit::Metonym(_) => 1,
            Hit::Nisba(_) => 2,
            Hit::Phrase(_) => 3,
        }
    }
}

/// One problem in the data files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

#[derive(Debug, Error)]
pub enum KbError {
    #[error("{} error(s) in the knowledge base:\n{}", .0.len(), join_issues(.0))]
    Invalid(Vec<Issue>),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

fn join_issues(v: &[Issue]) -> String {
    let mut s = String::new();
    for (i, x) in v.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(&x.to_string());
    }
    s
}

/// The loaded, validated knowledge base with its name index.
#[derive(Debug, Default)]
pub struct Kb {
    pub entries: Vec<Entry>,
    pub offices: Vec<Office>,
    pub phrases: Vec<Phrase>,
    by_id: HashMap<String, EntryId>,
    keys: HashMap<String, Vec<Hit>, FxBuild>,
    /// First word of a key → the most words any key starting with it has.
    first: HashMap<String, u8, FxBuild>,
    by_office: HashMap<(Role, EntryId), Vec<u32>>,
    /// (file, rows) per loaded file.
    pub files: Vec<(String, usize)>,
}

const ENTITY_HEADER: [&str; 9] = [
    "id", "type", "name_en", "name_ar", "variants", "country", "sector", "nisba", "metonyms",
];
const OFFICE_HEADER: [&str; 5] = ["person_id", "role", "of", "from", "to"];
const PHRASE_HEADER: [&str; 3] = ["phrase", "role", "kind"];

/// The lookup key of a name: its match form, words separated by one space,
/// punctuation as words of its own (as the tokenizer splits it).
pub fn name_key(s: &str) -> String {
    let m = match_form(s);
    let mut out = String::with_capacity(m.len());
    let mut in_word = false;
    for c in m.chars() {
        if c.is_alphanumeric() {
            if !in_word && !out.is_empty() {
                out.push(' ');
            }
            out.push(c);
            in_word = true;
        } else if c.is_whitespace() {
            in_word = false;
        } else {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push(c);
            in_word = false;
        }
    }
    out
}

/// Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; partial dates widen to the first
/// (`end == false`) or last (`end == true`) day they cover.
pub fn parse_date(s: &str, end: bool) -> Option<Day> {
    let mut it = s.split('-');
    let y: u32 = it.next().filter(|p| p.len() == 4)?.parse().ok()?;
    let m: Option<u32> = match it.next() {
        Some(p) if p.len() == 2 => Some(p.parse().ok()?),
        Some(_) => return None,
        None => None,
    };
    let d: Option<u32> = match it.next() {
        Some(p) if p.len() == 2 => Some(p.parse().ok()?),
        Some(_) => return None,
        None => None,
    };
    if it.next().is_some() || !(1000..=2999).contains(&y) {
        return None;
    }
    let m = match m {
        Some(m) if (1..=12).contains(&m) => m,
        Some(_) => return None,
        None => return Some(y * 10000 + if end { 1231 } else { 101 }),
    };
    let last = match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let d = match d {
        Some(d) if (1..=last).contains(&d) => d,
        Some(_) => return None,
        None if end => last,
        None => 1,
    };
    Some(y * 10000 + m * 100 + d)
}

/// All inflected forms of a nisba base (`روسي` → `روسي روسيه الروسي …`), in
/// match form. Irregular forms (not ending in ي) are taken as written.
pub fn nisba_forms(base: &str) -> Vec<String> {
    let b = name_key(base);
    if !b.ends_with('ي') || b.contains(' ') {
        return vec![b];
    }
    let stem = b
        .strip_prefix("ال")
        .filter(|s| s.chars().count() >= 3)
        .unwrap_or(&b);
    let mut out = Vec::new();
    for suf in ["", "ه", "ون", "ين", "ان", "تان", "تين", "ات"] {
        out.push(format!("{stem}{suf}"));
        out.push(format!("ال{stem}{suf}"));
    }
    out
}

struct Raw<'a> {
    file: &'a str,
    line: usize,
    cells: Vec<&'a str>,
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
}

fn list(cell: &str) -> Vec<String> {
    if cell == "-" {
        Vec::new()
    } else {
        cell.split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    }
}

impl Kb {
    /// The knowledge base compiled into the binary from `data/kb/`.
    pub fn builtin() -> Result<&'static Kb, &'static KbError> {
        static KB: OnceLock<Result<Kb, KbError>> = OnceLock::new();
        KB.get_or_init(|| Kb::parse(files::FILES)).as_ref()
    }

    /// The embedded data files as (name, content).
    pub fn builtin_sources() -> &'static [(&'static str, &'static str)] {
        files::FILES
    }

    /// Names of the embedded data files.
    pub fn builtin_files() -> impl Iterator<Item = &'static str> {
        files::FILES.iter().map(|(n, _)| *n)
    }

    /// Load every `*.tsv` file of `dir` (sorted by name).
    pub fn load_dir(dir: &Path) -> Result<Kb, KbError> {
        let io = |e| KbError::Io {
            path: dir.display().to_string(),
            source: e,
        };
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
            .collect();
        paths.sort();
        let mut texts = Vec::new();
        for p in &paths {
            let t = std::fs::read(p).map_err(|e| KbError::Io {
                path: p.display().to_string(),
                source: e,
            })?;
            let name = p.display().to_string();
            match String::from_utf8(t) {
                Ok(s) => texts.push((name, s)),
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
                    return Err(KbError::Invalid(vec![Issue {
                        file: name,
                        line,
                        message: "not valid UTF-8".into(),
                    }]));
                }
            }
        }
        let refs: Vec<(&str, &str)> = texts
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        Kb::parse(&refs)
    }

    /// Parse and validate `(file name, content)` pairs as one knowledge base.
    pub fn parse(files: &[(&str, &str)]) -> Result<Kb, KbError> {
        let mut issues = Vec::new();
        let mut ents = Vec::new();
        let mut offs = Vec::new();
        let mut phrs = Vec::new();
        let mut kb = Kb::default();
        for &(file, text) in files {
            let mut header: Option<&str> = None;
            let mut rows = 0;
            for (i, l) in text.lines().enumerate() {
                let line = i + 1;
                let l = l.strip_suffix('\r').unwrap_or(l);
                if l.trim().is_empty() || l.starts_with('#') {
                    continue;
                }
                let cells: Vec<&str> = l.split('\t').collect();
                let Some(h) = header else {
                    let kind = if cells == ENTITY_HEADER {
                        "entity"
                    } else if cells == OFFICE_HEADER {
                        "office"
                    } else if cells == PHRASE_HEADER {
                        "phrase"
                    } else {
                        issues.push(Issue {
                            file: file.into(),
                            line,
                            message: format!(
                                "unknown header {:?}: expected the entity ({}), office ({}) or phrase ({}) columns",
                                l,
                                ENTITY_HEADER.join(" "),
                                OFFICE_HEADER.join(" "),
                                PHRASE_HEADER.join(" ")
                            ),
                        });
                        break;
                    };
                    header = Some(kind);
                    continue;
                };
                let want = match h {
                    "entity" => 9,
                    "office" => 5,
                    _ => 3,
                };
                if cells.len() != want {
                    issues.push(Issue {
                        file: file.into(),
                        line,
                        message: format!(
                            "expected {want} tab-separated columns, found {}",
                            cells.len()
                        ),
                    });
                    continue;
                }
                if let Some(c) = cells.iter().position(|c| c.trim().is_empty()) {
                    issues.push(Issue {
                        file: file.into(),
                        line,
                        message: format!("column {} is empty (write `-` for none)", c + 1),
                    });
                    continue;
                }
                rows += 1;
                let raw = Raw { file, line, cells };
                match h {
                    "entity" => ents.push(raw),
                    "office" => offs.push(raw),
                    _ => phrs.push(raw),
                }
            }
            kb.files.push((file.to_string(), rows));
        }

        // Entities.
        let mut first_seen: HashMap<String, (String, usize)> = HashMap::new();
        for r in &ents {
            let c = &r.cells;
            let err = |m: String| Issue {
                file: r.file.into(),
                line: r.line,
                message: m,
            };
            let id = c[0].trim();
            let Some(kind) = Kind::parse(c[1].trim()) else {
                issues.push(err(format!(
                    "unknown type {:?} (COUNTRY PERSON ORGANIZATION LOCATION GROUP OTHER)",
                    c[1]
                )));
                continue;
            };
            let Some((prefix, slug)) = id.split_once(':') else {
                issues.push(err(format!("id {id:?} has no `prefix:` part")));
                continue;
            };
            let slug_ok = if kind == Kind::Country {
                slug.len() == 3 && slug.bytes().all(|b| b.is_ascii_uppercase())
            } else {
                is_slug(slug)
            };
            if prefix != kind.id_prefix() || !slug_ok {
                issues.push(err(format!(
                    "id {id:?} does not fit type {kind}: expected `{}:{}`",
                    kind.id_prefix(),
                    if kind == Kind::Country {
                        "ISO3"
                    } else {
                        "lower-case-slug"
                    }
                )));
                continue;
            }
            if let Some((f, l)) = first_seen.get(id) {
                issues.push(err(format!(
                    "duplicate id {id:?} (first defined at {f}:{l})"
                )));
                continue;
            }
            first_seen.insert(id.to_string(), (r.file.to_string(), r.line));
            let country = (c[5].trim() != "-").then(|| c[5].trim().to_string());
            if let Some(cc) = &country {
                if cc.len() != 3 || !cc.bytes().all(|b| b.is_ascii_uppercase()) {
                    issues.push(err(format!(
                        "country {cc:?} is not an ISO 3166 alpha-3 code"
                    )));
                    continue;
                }
            }
            let sectors: Vec<String> = if c[6].trim() == "-" {
                Vec::new()
            } else {
                c[6].split(',').map(|s| s.trim().to_string()).collect()
            };
            if let Some(bad) = sectors.iter().find(|s| !SECTORS.contains(&s.as_str())) {
                issues.push(err(format!("unknown sector {bad:?} (see FORMAT.md)")));
                continue;
            }
            let nisba = list(c[7]);
            let metonyms = list(c[8]);
            if kind != Kind::Country && !(nisba.is_empty() && metonyms.is_empty()) {
                issues.push(err("nisba and metonyms are only for COUNTRY entries".into()));
                continue;
            }
            let name_ar = c[3].trim().to_string();
            let variants = list(c[4]);
            if let Some(bad) = std::iter::once(&name_ar)
                .chain(&variants)
                .chain(&nisba)
                .chain(&metonyms)
                .find(|n| name_key(n).is_empty() || !n.chars().any(char::is_alphabetic))
            {
                issues.push(err(format!("name {bad:?} has no letters")));
                continue;
            }
            kb.by_id.insert(id.to_string(), kb.entries.len() as EntryId);
            kb.entries.push(Entry {
                id: id.to_string(),
                kind,
                name_en: c[2].trim().to_string(),
                name_ar,
                variants,
                country,
                sectors,
                nisba,
                metonyms,
                file: r.file.to_string(),
                line: r.line,
            });
        }
        // Country codes must name a country entry.
        for e in &kb.entries {
            if let Some(cc) = &e.country {
                let cid = format!("country:{cc}");
                if !kb.by_id.contains_key(&cid) {
                    issues.push(Issue {
                        file: e.file.clone(),
                        line: e.line,
                        message: format!("country {cc:?} has no `{cid}` entry"),
                    });
                }
            }
        }

        // Offices.
        for r in &offs {
            let c = &r.cells;
            let err = |m: String| Issue {
                file: r.file.into(),
                line: r.line,
                message: m,
            };
            let person = match kb.by_id.get(c[0].trim()) {
                Some(&p) if kb.entries[p as usize].kind == Kind::Person => p,
                Some(_) => {
                    issues.push(err(format!("{:?} is not a PERSON", c[0])));
                    continue;
                }
                None => {
                    issues.push(err(format!("unknown person id {:?}", c[0])));
                    continue;
                }
            };
            let Some(role) = Role::parse(c[1].trim()) else {
                issues.push(err(format!("unknown role {:?} (see FORMAT.md)", c[1])));
                continue;
            };
            let of = match kb.by_id.get(c[2].trim()) {
                Some(&o)
                    if matches!(
                        kb.entries[o as usize].kind,
                        Kind::Country | Kind::Organization
                    ) =>
                {
                    o
                }
                Some(_) => {
                    issues.push(err(format!("{:?} is not a COUNTRY or ORGANIZATION", c[2])));
                    continue;
                }
                None => {
                    issues.push(err(format!("unknown id {:?} in column `of`", c[2])));
                    continue;
                }
            };
            let Some(from) = parse_date(c[3].trim(), false) else {
                issues.push(err(format!(
                    "bad date {:?} (YYYY, YYYY-MM or YYYY-MM-DD)",
                    c[3]
                )));
                continue;
            };
            let to = if c[4].trim() == "-" {
                Day::MAX
            } else if let Some(t) = parse_date(c[4].trim(), true) {
                t
            } else {
                issues.push(err(format!(
                    "bad date {:?} (YYYY, YYYY-MM, YYYY-MM-DD or -)",
                    c[4]
                )));
                continue;
            };
            if to < from {
                issues.push(err(format!(
                    "office ends ({}) before it starts ({})",
                    c[4], c[3]
                )));
                continue;
            }
            kb.offices.push(Office {
                person,
                role,
                of,
                from,
                to,
                file: r.file.into(),
                line: r.line,
            });
        }

        // Role phrases.
        for r in &phrs {
            let c = &r.cells;
            let err = |m: String| Issue {
                file: r.file.into(),
                line: r.line,
                message: m,
            };
            let kind = match c[2].trim() {
                "office" => match Role::parse(c[1].trim()) {
                    Some(role) => PhraseKind::Office(role),
                    None => {
                        issues.push(err(format!("unknown role {:?}", c[1])));
                        continue;
                    }
                },
                "office-of" => {
                    // `head_of_state@country:SAU`
                    let Some((r, of)) = c[1].trim().split_once('@') else {
                        issues.push(err(format!(
                            "office-of needs role@id (head_of_state@country:SAU), not {:?}",
                            c[1]
                        )));
                        continue;
                    };
                    let Some(role) = Role::parse(r) else {
                        issues.push(err(format!("unknown role {r:?}")));
                        continue;
                    };
                    let Some(&e) = kb.by_id.get(of) else {
                        issues.push(err(format!("unknown id {of:?}")));
                        continue;
                    };
                    PhraseKind::FixedOffice(role, e)
                }
                "counterpart" => PhraseKind::Counterpart,
                "title" => match Kind::parse(c[1].trim()) {
                    Some(k) => PhraseKind::Title(k),
                    None => {
                        issues.push(err(format!("a title names an entity type, not {:?}", c[1])));
                        continue;
                    }
                },
                "vehicle" => PhraseKind::Vehicle,
                other => {
                    issues.push(err(format!(
                        "unknown kind {other:?} (office, office-of, counterpart, title, vehicle)"
                    )));
                    continue;
                }
            };
            if name_key(c[0]).is_empty() {
                issues.push(err(format!("phrase {:?} has no letters", c[0])));
                continue;
            }
            kb.phrases.push(Phrase {
                phrase: c[0].trim().to_string(),
                kind,
                file: r.file.into(),
                line: r.line,
            });
        }

        if !issues.is_empty() {
            return Err(KbError::Invalid(issues));
        }
        kb.index();
        Ok(kb)
    }

    fn add_key(&mut self, key: String, hit: Hit) {
        if key.is_empty() {
            return;
        }
        let words = key.split(' ').count().min(255) as u8;
        let first = key.split(' ').next().unwrap_or_default().to_string();
        let m = self.first.entry(first).or_insert(0);
        *m = (*m).max(words);
        let v = self.keys.entry(key).or_default();
        if !v.contains(&hit) {
            v.push(hit);
            v.sort_by_key(|h| h.rank());
        }
    }

    fn index(&mut self) {
        let mut adds = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            let i = i as EntryId;
            for n in std::iter::once(&e.name_ar).chain(&e.variants) {
                adds.push((name_key(n), Hit::Name(i)));
            }
            for n in &e.metonyms {
                adds.push((name_key(n), Hit::Metonym(i)));
            }
            for n in &e.nisba {
                for f in nisba_forms(n) {
                    adds.push((f, Hit::Nisba(i)));
                }
            }
        }
        for (i, p) in self.phrases.iter().enumerate() {
            adds.push((name_key(&p.phrase), Hit::Phrase(i as u32)));
        }
        for (k, h) in adds {
            self.add_key(k, h);
        }
        for (i, o) in self.offices.iter().enumerate() {
            self.by_office
                .entry((o.role, o.of))
                .or_default()
                .push(i as u32);
        }
    }

    pub fn get(&self, id: &str) -> Option<EntryId> {
        self.by_id.get(id).copied()
    }

    pub fn entry(&self, i: EntryId) -> &Entry {
        &self.entries[i as usize]
    }

    /// Hits for an exact key (see [`name_key`]), best first (names before
    /// metonyms before nisbas before phrases).
    pub fn lookup(&self, key: &str) -> &[Hit] {
        self.keys.get(key).map_or(&[], Vec::as_slice)
    }

    /// The most words of any key starting with word `first` (0: none).
    pub fn max_words(&self, first: &str) -> usize {
        self.first.get(first).copied().unwrap_or(0) as usize
    }

    /// The country entry of an ISO3 code.
    pub fn country(&self, iso3: &str) -> Option<EntryId> {
        self.get(&format!("country:{iso3}"))
    }

    /// Who held `role` of `of` on `day` (the latest to take office when
    /// records overlap); `None` when nobody is recorded.
    pub fn holder(&self, role: Role, of: EntryId, day: Day) -> Option<EntryId> {
        self.by_office
            .get(&(role, of))?
            .iter()
            .map(|&i| &self.offices[i as usize])
            .filter(|o| o.from <= day && day <= o.to)
            .max_by_key(|o| o.from)
            .map(|o| o.person)
    }

    /// Offices a person held.
    pub fn offices_of(&self, person: EntryId) -> impl Iterator<Item = &Office> {
        self.offices.iter().filter(move |o| o.person == person)
    }

    /// Number of distinct keys in the name index.
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// Entries whose names contain `query` (match forms), best first: exact
    /// name matches, then prefix, then substring; ids match too.
    pub fn find(&self, query: &str) -> Vec<EntryId> {
        let q = name_key(query);
        let ql = query.to_ascii_lowercase();
        let mut scored: Vec<(u8, EntryId)> = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            let mut best = u8::MAX;
            if e.id.to_ascii_lowercase() == ql {
                best = 0;
            }
            for n in std::iter::once(&e.name_ar)
                .chain(&e.variants)
                .chain(&e.metonyms)
                .chain(std::iter::once(&e.name_en))
            {
                let k = name_key(n);
                let s = if k == q {
                    1
                } else if k.starts_with(&q) {
                    2
                } else if !q.is_empty() && k.contains(&q) {
                    3
                } else {
                    continue;
                };
                best = best.min(s);
            }
            if best == u8::MAX && e.id.to_ascii_lowercase().contains(&ql) && !ql.is_empty() {
                best = 4;
            }
            if best != u8::MAX {
                scored.push((best, i as EntryId));
            }
        }
        scored.sort();
        scored.into_iter().map(|(_, i)| i).collect()
    }

    /// Keys shared by more than one entry (ambiguous names), for `kb check`.
    pub fn ambiguous(&self) -> Vec<(&str, Vec<&str>)> {
        let mut out: Vec<(&str, Vec<&str>)> = self
            .keys
            .iter()
            .filter_map(|(k, hits)| {
                let ids: Vec<&str> = hits
                    .iter()
                    .filter_map(|h| match h {
                        Hit::Name(i) | Hit::Nisba(i) | Hit::Metonym(i) => {
                            Some(self.entries[*i as usize].id.as_str())
                        }
                        Hit::Phrase(_) => None,
                    })
                    .collect();
                let mut d = ids.clone();
                d.sort_unstable();
                d.dedup();
                (d.len() > 1).then_some((k.as_str(), d))
            })
            .collect();
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "id\ttype\tname_en\tname_ar\tvariants\tcountry\tsector\tnisba\tmetonyms\n";

    fn kb(files: &[(&str, &str)]) -> Result<Kb, Vec<String>> {
        Kb::parse(files).map_err(|e| match e {
            KbError::Invalid(v) => v.into_iter().map(|i| i.to_string()).collect(),
            other => vec![other.to_string()],
        })
    }

    fn small() -> String {
        format!(
            "{H}country:RUS\tCOUNTRY\tRussia\tروسيا\tالاتحاد الروسي\tRUS\tGOV\tروسي|الروس\tموسكو|الكرملين\n\
             person:vladimir-putin\tPERSON\tVladimir Putin\tفلاديمير بوتين\tبوتين\tRUS\tGOV\t-\t-\n\
             person:dmitry-medvedev\tPERSON\tDmitry Medvedev\tديمتري ميدفيديف\tميدفيديف\tRUS\tGOV\t-\t-\n"
        )
    }

    const OFFICES: &str = "person_id\trole\tof\tfrom\tto\n\
        person:vladimir-putin\thead_of_state\tcountry:RUS\t2000-05-07\t2008-05-07\n\
        person:dmitry-medvedev\thead_of_state\tcountry:RUS\t2008-05-07\t2012-05-07\n\
        person:vladimir-putin\thead_of_state\tcountry:RUS\t2012-05-07\t-\n";

    #[test]
    fn name_keys() {
        let cases = [
            ("الولايات المتحدة", "الولايات المتحده"),
            ("  أ.ف.ب ", "ا . ف . ب"),
            ("سي-إن-إن", "سي - ان - ان"),
            ("BBC", "bbc"),
            ("بوتين", "بوتين"),
        ];
        for (i, want) in cases {
            assert_eq!(name_key(i), want, "{i}");
        }
    }

    #[test]
    fn dates() {
        let cases = [
            ("2015", false, Some(20150101)),
            ("2015", true, Some(20151231)),
            ("2016-02", true, Some(20160229)),
            ("2015-02", true, Some(20150228)),
            ("2015-11-24", false, Some(20151124)),
            ("2015-13", false, None),
            ("2015-02-30", false, None),
            ("15-01-01", false, None),
            ("2015-1-1", false, None),
            ("", false, None),
        ];
        for (s, end, want) in cases {
            assert_eq!(parse_date(s, end), want, "{s}");
        }
    }

    #[test]
    fn nisba_inflections() {
        let f = nisba_forms("روسي");
        for w in [
            "روسي",
            "روسيه",
            "الروسيه",
            "الروسيين",
            "روسيان",
            "الروسيون",
            "روسيات",
        ] {
            assert!(f.contains(&w.to_string()), "{w}");
        }
        assert_eq!(nisba_forms("الروس"), vec!["الروس".to_string()]);
    }

    #[test]
    fn loads_indexes_and_resolves_offices() {
        let k = kb(&[("e.tsv", &small()), ("o.tsv", OFFICES)]).unwrap();
        let rus = k.get("country:RUS").unwrap();
        assert_eq!(k.lookup("روسيا"), &[Hit::Name(rus)]);
        assert_eq!(k.lookup("الكرملين"), &[Hit::Metonym(rus)]);
        assert_eq!(k.lookup("الروسيه"), &[Hit::Nisba(rus)]);
        assert_eq!(k.lookup("الروس"), &[Hit::Nisba(rus)]);
        assert_eq!(k.max_words("الاتحاد"), 2);
        let putin = k.get("person:vladimir-putin").unwrap();
        let med = k.get("person:dmitry-medvedev").unwrap();
        assert_eq!(k.holder(Role::HeadOfState, rus, 20151124), Some(putin));
        assert_eq!(k.holder(Role::HeadOfState, rus, 20100101), Some(med));
        assert_eq!(k.holder(Role::HeadOfState, rus, 19990101), None);
        assert_eq!(k.holder(Role::ForeignMinister, rus, 20151124), None);
        assert_eq!(k.find("بوتين"), vec![putin]);
    }

    #[test]
    fn office_of_phrases_name_their_state_and_are_validated() {
        let phr = "phrase\trole\tkind\nخادم الحرمين\thead_of_state@country:RUS\toffice-of\n";
        let k = kb(&[("e.tsv", &small()), ("p.tsv", phr)]).unwrap();
        let rus = k.get("country:RUS").unwrap();
        assert!(k
            .phrases
            .iter()
            .any(|p| p.kind == PhraseKind::FixedOffice(Role::HeadOfState, rus)));
        for (row, want) in [
            (
                "x\thead_of_state\toffice-of",
                "p.tsv:2: office-of needs role@id",
            ),
            (
                "x\tking@country:RUS\toffice-of",
                "p.tsv:2: unknown role \"king\"",
            ),
            (
                "x\thead_of_state@country:XXX\toffice-of",
                "p.tsv:2: unknown id \"country:XXX\"",
            ),
        ] {
            let text = format!("phrase\trole\tkind\n{row}\n");
            let e = kb(&[("e.tsv", &small()), ("p.tsv", &text)]).unwrap_err();
            assert!(e.iter().any(|m| m.contains(want)), "{e:?}");
        }
    }

    #[test]
    fn errors_name_file_and_line_and_nothing_is_half_loaded() {
        let cases: [(&str, &str); 9] = [
            ("a\tb\n", "x.tsv:1: unknown header"),
            (
                "id\ttype\tname_en\tname_ar\tvariants\tcountry\tsector\tnisba\tmetonyms\nperson:a\tPERSON\tA\tا\n",
                "x.tsv:2: expected 9 tab-separated columns, found 4",
            ),
            (
                "# c\nid\ttype\tname_en\tname_ar\tvariants\tcountry\tsector\tnisba\tmetonyms\nperson:a\tHUMAN\tA\tاب\t-\t-\t-\t-\t-\n",
                "x.tsv:3: unknown type",
            ),
            (
                "id\ttype\tname_en\tname_ar\tvariants\tcountry\tsector\tnisba\tmetonyms\nperson:A B\tPERSON\tA\tاب\t-\t-\t-\t-\t-\n",
                "x.tsv:2: id \"person:A B\" does not fit",
            ),
            (
                "id\ttype\tname_en\tname_ar\tvariants\tcountry\tsector\tnisba\tmetonyms\nperson:a\tPERSON\tA\tاب\t-\tXYZ\t-\t-\t-\n",
                "x.tsv:2: country \"XYZ\" has no `country:XYZ` entry",
            ),
            (
                "id\ttype\tname_en\tname_ar\tvariants\tcountry\tsector\tnisba\tmetonyms\nperson:a\tPERSON\tA\tاب\t-\t-\tBOSS\t-\t-\n",
                "x.tsv:2: unknown sector",
            ),
            (
                "id\ttype\tname_en\tname_ar\tvariants\tcountry\tsector\tnisba\tmetonyms\nperson:a\tPERSON\tA\tاب\t\t-\t-\t-\t-\n",
                "x.tsv:2: column 5 is empty",
            ),
            (
                "id\ttype\tname_en\tname_ar\tvariants\tcountry\tsector\tnisba\tmetonyms\nperson:a\tPERSON\tA\tاب\t-\t-\t-\tاي\t-\n",
                "x.tsv:2: nisba and metonyms are only for COUNTRY",
            ),
            (
                "id\ttype\tname_en\tname_ar\tvariants\tcountry\tsector\tnisba\tmetonyms\nperson:a\tPERSON\tA\tاب\t-\t-\t-\t-\t-\nperson:a\tPERSON\tA\tاب\t-\t-\t-\t-\t-\n",
                "x.tsv:3: duplicate id \"person:a\" (first defined at x.tsv:2)",
            ),
        ];
        for (text, want) in cases {
            let e = kb(&[("x.tsv", text)]).unwrap_err();
            assert!(e.iter().any(|m| m.starts_with(want)), "{want} in {e:?}");
        }
        let office_cases = [
            (
                "person:nobody\thead_of_state\tcountry:RUS\t2000\t-\n",
                "o.tsv:2: unknown person id",
            ),
            (
                "person:vladimir-putin\tking\tcountry:RUS\t2000\t-\n",
                "o.tsv:2: unknown role",
            ),
            (
                "person:vladimir-putin\thead_of_state\tcountry:XXX\t2000\t-\n",
                "o.tsv:2: unknown id",
            ),
            (
                "person:vladimir-putin\thead_of_state\tcountry:RUS\t2000-99\t-\n",
                "o.tsv:2: bad date",
            ),
            (
                "person:vladimir-putin\thead_of_state\tcountry:RUS\t2010\t2001\n",
                "o.tsv:2: office ends",
            ),
            (
                "person:vladimir-putin\thead_of_state\tperson:dmitry-medvedev\t2000\t-\n",
                "o.tsv:2: \"person:dmitry-medvedev\" is not",
            ),
        ];
        for (row, want) in office_cases {
            let o = format!("{}{row}", &OFFICES[..OFFICES.find('\n').unwrap() + 1]);
            let e = kb(&[("e.tsv", &small()), ("o.tsv", &o)]).unwrap_err();
            assert!(e.iter().any(|m| m.starts_with(want)), "{want} in {e:?}");
        }
    }

    proptest::proptest! {
        /// Any text, in any file, is either loaded or refused with issues
        /// naming a line of that file; never a panic.
        #[test]
        fn arbitrary_files_never_panic(body in "(\\PC{0,12}[\t\n]){0,30}", header in 0usize..4) {
            let head = ["", "id\ttype\tname_en\tname_ar\tvariants\tcountry\tsector\tnisba\tmetonyms\n",
                        "person_id\trole\tof\tfrom\tto\n", "phrase\trole\tkind\n"][header];
            let text = format!("{head}{body}");
            let lines = text.lines().count().max(1);
            if let Err(KbError::Invalid(v)) = Kb::parse(&[("f.tsv", &text)]) {
                for i in v {
                    proptest::prop_assert_eq!(i.file.as_str(), "f.tsv");
                    proptest::prop_assert!(i.line >= 1 && i.line <= lines);
                }
            }
        }
    }

    #[test]
    fn builtin_is_valid() {
        match Kb::builtin() {
            Ok(k) => assert!(!k.entries.is_empty()),
            Err(e) => panic!("{e}"),
        }
    }
}
