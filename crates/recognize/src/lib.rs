//! marsad-recognize: named entities in a processed document, linked to the
//! knowledge base.
//!
//! Per sentence, in order:
//! 1. **Gazetteer** ([`gazetteer`]): longest match of knowledge-base keys over
//!    token match forms; the first token may carry clitics (`بروسيا`,
//!    `لواشنطن`, `للروس`). Hits are names, nisba adjectives, metonyms or role
//!    phrases.
//! 2. **Interpretation**: role phrases resolve to the office holder on the
//!    publication date (`الرئيس الروسي` → Putin in 2015, `نظيره الروسي` → the
//!    counterpart in the same office); titles introduce names the knowledge
//!    base lacks (`الجنرال روبرت أوتو` → `new:person:…`); vehicle phrases turn a
//!    following name into a vehicle (`حاملة الطائرات “شارل ديغول”` is not a
//!    person).
//! 3. **Learned tagger** ([`tagger`]): spans of names not matched above become
//!    `new:<type>:<name>` entities.
//! 4. **Coreference**: a person's surname alone joins the person (`أوتو` after
//!    `روبرت أوتو`); role mentions and metonyms already carry their entity.

pub mod gazetteer;
pub mod tagger;

use std::collections::{HashMap, HashSet};

use marsad_text::lexicon::FxBuild;

/// A set of words with the fast in-process hasher.
pub type WordSet = HashSet<String, FxBuild>;
use std::ops::Range;
use std::sync::OnceLock;

use marsad_kb::{name_key, Day, EntryId, Hit, Kb, Kind, PhraseKind, Role};
use marsad_text::token::{SegKind, Token, TokenKind};
use marsad_text::Lexicon;

pub use gazetteer::Match;
pub use tagger::{Tag, Tagger};

/// An entity found in a document, with byte spans of its mentions in the
/// display text.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub id: String,
    pub kind: Kind,
    pub name_en: Option<String>,
    pub name_ar: String,
    pub country: Option<String>,
    pub in_kb: bool,
    pub mentions: Vec<Mention>,
}

/// How a mention refers to its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum How {
    /// A name or variant (`فلاديمير بوتين`, `داعش`), or a new name.
    Name,
    /// A capital or seat of power (`الكرملين`).
    Metonym,
    /// A nisba adjective (`الروسية`).
    Nisba,
    /// A role mention (`الرئيس الروسي`, `نظيره التركي`).
    Role,
    /// A surname alone after the full name.
    Surname,
}

/// One mention: byte span in the display text and how it refers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mention {
    pub span: Range<usize>,
    pub how: How,
}

/// Function words (data/recognize/function-words.txt), in match form.
pub fn function_words() -> &'static WordSet {
    static F: OnceLock<WordSet> = OnceLock::new();
    F.get_or_init(|| {
        let (f, t) = FUNCTION_WORDS;
        marsad_text::data::word_list(f, t)
            .unwrap_or_else(|e| panic!("built-in data is invalid (a build defect): {e}"))
            .into_iter()
            .collect()
    })
}

pub const FIRST_NAMES: (&str, &str) = (
    "data/recognize/first-names.txt",
    include_str!("../../../data/recognize/first-names.txt"),
);

pub const NOT_HOLDER: (&str, &str) = (
    "data/recognize/not-holder.txt",
    include_str!("../../../data/recognize/not-holder.txt"),
);

fn word_set(file: (&str, &str)) -> WordSet {
    marsad_text::data::word_list(file.0, file.1)
        .unwrap_or_else(|e| panic!("built-in data is invalid (a build defect): {e}"))
        .into_iter()
        .collect()
}

/// Words that make a following office someone else's (`نائب`, `مساعد`).
pub fn not_holder() -> &'static WordSet {
    static F: OnceLock<WordSet> = OnceLock::new();
    F.get_or_init(|| word_set(NOT_HOLDER))
}

/// First names: data/recognize/first-names.txt plus the first word of every
/// multi-word person name in the knowledge base.
pub fn first_names(kb: &Kb) -> WordSet {
    let mut s = word_set(FIRST_NAMES);
    for e in kb.entries.iter().filter(|e| e.kind == Kind::Person) {
        for n in std::iter::once(&e.name_ar).chain(&e.variants) {
            let k = name_key(n);
            let mut w = k.split(' ');
            if let (Some(first), Some(_)) = (w.next(), w.next()) {
                if first.chars().count() >= 3 && !first.starts_with("ال") {
                    s.insert(first.to_string());
                }
            }
        }
    }
    s
}

pub const FUNCTION_WORDS: (&str, &str) = (
    "data/recognize/function-words.txt",
    include_str!("../../../data/recognize/function-words.txt"),
);

/// Quote marks that delimit names (`“شارل ديغول”`, `«ستامبا»`, `"موسكو"`).
fn is_open_quote(s: &str) -> bool {
    matches!(s, "“" | "«" | "\"" | "„" | "'" | "‘")
}
fn is_close_quote(s: &str) -> bool {
    matches!(s, "”" | "»" | "\"" | "'" | "’" | "“")
}

/// `adjacent(matches, j, at)`: `Some(j)` when match `j` starts at token `at`
/// (after optional commas and quotes).
type Adjacent<'a> = dyn Fn(&[Match], usize, usize) -> Option<usize> + 'a;

/// The recognizer: knowledge base, optional learned tagger.
pub struct Recognizer<'k> {
    pub kb: &'k Kb,
    pub tagger: Option<&'k Tagger>,
    first: WordSet,
}

/// Per-document state.
struct Doc<'a> {
    text: &'a str,
    tokens: &'a [Token],
    day: Option<Day>,
    found: Vec<Found>,
    by_id: HashMap<String, usize>,
    /// Tokens already part of a mention (or of a role/title phrase).
    claimed: Vec<bool>,
    /// Last person resolved for an office (bare `الرئيس` later on).
    last_role: HashMap<Role, EntryId>,
}

impl Doc<'_> {
    fn add_kb(&mut self, kb: &Kb, e: EntryId, span: Range<usize>, how: How) {
        let en = kb.entry(e);
        let i = match self.by_id.get(&en.id) {
            Some(&i) => i,
            None => {
                self.found.push(Found {
                    id: en.id.clone(),
                    kind: en.kind,
                    name_en: Some(en.name_en.clone()),
                    name_ar: en.name_ar.clone(),
                    country: en.country.clone(),
                    in_kb: true,
                    mentions: Vec::new(),
                });
                self.by_id.insert(en.id.clone(), self.found.len() - 1);
                self.found.len() - 1
            }
        };
        self.found[i].mentions.push(Mention { span, how });
    }

    fn add_new(
        &mut self,
        kind: Kind,
        toks: Range<usize>,
        country: Option<String>,
    ) -> Option<usize> {
        if toks.is_empty() {
            return None;
        }
        let span = self.tokens[toks.start].start..self.tokens[toks.end - 1].end;
        let surface = &self.text[span.clone()];
        let key = name_key(surface).replace(' ', "_");
        if key.is_empty() {
            return None;
        }
        let id = format!("new:{}:{}", kind.as_str().to_ascii_lowercase(), key);
        let i = match self.by_id.get(&id) {
            Some(&i) => i,
            None => {
                self.found.push(Found {
                    id: id.clone(),
                    kind,
                    name_en: None,
                    name_ar: surface.to_string(),
                    country,
                    in_kb: false,
                    mentions: Vec::new(),
                });
                self.by_id.insert(id, self.found.len() - 1);
                self.found.len() - 1
            }
        };
        self.found[i].mentions.push(Mention {
            span,
            how: How::Name,
        });
        for c in &mut self.claimed[toks] {
            *c = true;
        }
        Some(i)
    }

    fn claim(&mut self, toks: Range<usize>) {
        for c in &mut self.claimed[toks] {
            *c = true;
        }
    }
}

impl<'k> Recognizer<'k> {
    pub fn new(kb: &'k Kb, tagger: Option<&'k Tagger>) -> Self {
        Recognizer {
            kb,
            tagger,
            first: first_names(kb),
        }
    }

    /// Recognise and link the entities of one document. `published`: the
    /// publication date (role mentions resolve to the office holder then).
    pub fn recognize(&self, text: &str, tokens: &[Token], published: Option<Day>) -> Vec<Found> {
        let mut doc = Doc {
            text,
            tokens,
            day: published,
            found: Vec::new(),
            by_id: HashMap::new(),
            claimed: vec![false; tokens.len()],
            last_role: HashMap::new(),
        };
        let mut a = 0;
        while a < tokens.len() {
            let s = tokens[a].sentence;
            let mut b = a;
            while b < tokens.len() && tokens[b].sentence == s {
                b += 1;
            }
            self.sentence(&mut doc, a..b);
            a = b;
        }
        self.surnames(&mut doc);
        // A name used for a vehicle anywhere in the document is the vehicle
        // everywhere (`هاري ترومان` after `حاملة الطائرات “هاري ترومان”`).
        let vehicles: Vec<(String, usize)> = doc
            .found
            .iter()
            .enumerate()
            .filter(|(_, f)| f.id.starts_with("new:other:"))
            .map(|(i, f)| (f.id["new:other:".len()..].to_string(), i))
            .collect();
        for (key, vi) in vehicles {
            for i in 0..doc.found.len() {
                let f = &doc.found[i];
                if i != vi
                    && !f.in_kb
                    && f.kind == Kind::Person
                    && f.id.ends_with(&format!(":{key}"))
                {
                    let ms = std::mem::take(&mut doc.found[i].mentions);
                    doc.found[vi].mentions.extend(ms);
                }
            }
        }
        let mut found = doc.found;
        for f in &mut found {
            f.mentions.sort_by_key(|m| (m.span.start, m.span.end));
            f.mentions.dedup_by_key(|m| m.span.clone());
        }
        found.retain(|f| !f.mentions.is_empty());
        found.sort_by_key(|f| f.mentions[0].span.start);
        found
    }

    fn sentence(&self, doc: &mut Doc, range: Range<usize>) {
        let kb = self.kb;
        let toks = &doc.tokens[range.clone()];
        let ms = gazetteer::find(kb, doc.text, toks, range.start);
        let tags = self.tagger.map(|t| {
            let norms = toks.iter().map(|x| x.norm.clone()).collect();
            let parts = ms
                .iter()
                .map(|m| (m.a - range.start, m.b - range.start, m.hits[0]));
            t.tag(&tagger::Sent::with_matches(kb, norms, parts))
        });
        let tag_at = |i: usize| -> Tag {
            tags.as_ref()
                .and_then(|t| t.get(i - range.start).copied())
                .unwrap_or(Tag::O)
        };
        let adjacent = |ms: &[Match], j: usize, at: usize| -> Option<usize> {
            // Match j starts at token `at`, possibly after a comma or quote.
            let m = ms.get(j)?;
            let mut t = at;
            while t < m.a && t < range.end && is_skippable(&doc.tokens[t]) {
                t += 1;
            }
            (m.a == t).then_some(j)
        };
        let mut last_office: Option<Role> = None;
        let mut j = 0;
        while j < ms.len() {
            let m = ms[j].clone();
            let best = m.hits[0];
            match best {
                Hit::Name(e) | Hit::Metonym(e) | Hit::Nisba(e) => {
                    let is_name = matches!(best, Hit::Name(_));
                    if is_name && kb.entry(e).kind == Kind::Person {
                        self.note_offices(doc, e);
                    }
                    let how = how_of(best);
                    doc.add_kb(kb, e, m.start..m.end, how);
                    doc.claim(m.a..m.b);
                    j += 1;
                }
                Hit::Phrase(p) => {
                    let kind = kb.phrases[p as usize].kind;
                    match kind {
                        PhraseKind::Office(role) => {
                            last_office = Some(role);
                            j = self.office(doc, &ms, j, role, range.end, &adjacent, &tag_at);
                        }
                        PhraseKind::FixedOffice(role, of) => {
                            last_office = Some(role);
                            j = self.fixed_office(doc, &ms, j, role, of, &adjacent);
                        }
                        PhraseKind::Counterpart => {
                            let role = last_office.unwrap_or(Role::HeadOfState);
                            j = self.office(doc, &ms, j, role, range.end, &adjacent, &tag_at);
                        }
                        PhraseKind::Title(k) => {
                            j = self.title(doc, &ms, j, k, range.end, &tag_at);
                        }
                        PhraseKind::Vehicle => {
                            j = self.vehicle(doc, &ms, j, range.end);
                        }
                    }
                }
            }
        }
        // Names the gazetteer and the rules did not find: the tagger's spans.
        if let Some(tags) = &tags {
            for (kind, t) in tagger::spans(tags) {
                let t = t.start + range.start..t.end + range.start;
                if doc.claimed[t.clone()].iter().any(|&c| c) {
                    continue;
                }
                if !self.plausible_name(doc, t.clone()) {
                    continue;
                }
                doc.add_new(kind, t, None);
            }
        }
    }

    /// Remember the offices a person mentioned by name holds now, so a later
    /// bare `الرئيس` refers to them.
    fn note_offices(&self, doc: &mut Doc, e: EntryId) {
        let Some(day) = doc.day else { return };
        for o in self.kb.offices_of(e) {
            if o.from <= day && day <= o.to {
                doc.last_role.insert(o.role, e);
            }
        }
    }

    /// An office phrase (or counterpart) at match `j`: `الرئيس الروسي [name]`,
    /// `وزير خارجية تركيا`, `الأمين العام للأمم المتحدة`, bare `الرئيس`.
    /// Returns the next match index.
    // The sentence context travels as separate arguments; bundling them
    // would only rename them.
    #[allow(clippy::too_many_arguments)]
    fn office(
        &self,
        doc: &mut Doc,
        ms: &[Match],
        j: usize,
        role: Role,
        end: usize,
        adjacent: &Adjacent,
        tag_at: &dyn Fn(usize) -> Tag,
    ) -> usize {
        let kb = self.kb;
        let phrase = ms[j].clone();
        doc.claim(phrase.a..phrase.b);
        let mut k = j + 1;
        let mut span = phrase.start..phrase.end;
        let mut of: Option<EntryId> = None;
        if let Some(n) = adjacent(ms, k, phrase.b) {
            let m = &ms[n];
            let target = m.hits.iter().find_map(|h| match *h {
                Hit::Nisba(e) | Hit::Name(e) | Hit::Metonym(e)
                    if matches!(
                        kb.entry(e).kind,
                        Kind::Country | Kind::Organization | Kind::Group
                    ) =>
                {
                    Some(e)
                }
                _ => None,
            });
            if let Some(e) = target {
                of = Some(e);
                span.end = m.end;
                doc.claim(m.a..m.b);
                k = n + 1;
                // A country or organisation named outright is mentioned too
                // (`رئيس جهاز الأمن الاتحادي الروسي`, `وزير خارجية روسيا`); a
                // nisba only qualifies the office.
                if matches!(m.hits[0], Hit::Name(_) | Hit::Metonym(_)) {
                    let how = if matches!(m.hits[0], Hit::Name(_)) {
                        How::Name
                    } else {
                        How::Metonym
                    };
                    doc.add_kb(kb, e, m.start..m.end, how);
                }
            }
        }
        let after = if k > j + 1 { ms[k - 1].b } else { phrase.b };
        // `نائب وزير الخارجية الروسي`: someone else's office.
        if phrase.a > 0 && not_holder().contains(doc.tokens[phrase.a - 1].norm()) {
            if let Some(c) = of {
                let m = &ms[k - 1];
                let how = how_of(m.hits[0]);
                doc.add_kb(kb, c, m.start..m.end, how);
            }
            // A name right after is the holder of that other office
            // (`نائب الرئيس الكيني وليام روتو`): the whole title is a
            // mention of that person.
            let title = doc.tokens[phrase.a - 1].start..span.end;
            if let Some(n) = adjacent(ms, k, after) {
                if let Hit::Name(p) = ms[n].hits[0] {
                    if kb.entry(p).kind == Kind::Person {
                        doc.add_kb(kb, p, title, How::Role);
                    }
                }
                return k;
            }
            let name = self.name_after(doc, after, end, ms.get(k).map(|m| m.a));
            if let Some(first) = name.clone().next() {
                if self.person_evidence(doc, first, tag_at) {
                    let country = of.and_then(|e| kb.entry(e).country.clone());
                    if let Some(i) = doc.add_new(Kind::Person, name, country) {
                        doc.found[i].mentions.push(Mention {
                            span: title,
                            how: How::Role,
                        });
                    }
                }
            }
            return k;
        }
        // A person named right after: that person holds the office.
        if let Some(n) = adjacent(ms, k, after) {
            if let Hit::Name(p) = ms[n].hits[0] {
                if kb.entry(p).kind == Kind::Person {
                    doc.add_kb(kb, p, span, How::Role);
                    doc.last_role.insert(role, p);
                    return k;
                }
            }
        }
        // An unknown name right after (`وزير الخارجية التركي مولود …`): the
        // tagger must agree, or the word must be unknown to the lexicon.
        let name = self.name_after(doc, after, end, ms.get(k).map(|m| m.a));
        let name = match name.clone().next() {
            Some(first) if self.person_evidence(doc, first, tag_at) => name,
            _ => after..after,
        };
        if !name.is_empty() {
            let country = of.and_then(|e| kb.entry(e).country.clone());
            if let Some(i) = doc.add_new(Kind::Person, name, country) {
                doc.found[i].mentions.push(Mention {
                    span,
                    how: How::Role,
                });
            }
            return k;
        }
        // The head of a party, a company or a council named after it
        // (`رئيس حزب القوات اللبنانية سمير جعجع`) holds no state office.
        if of.is_none() {
            if let Some(n) = adjacent(ms, k, after) {
                let titled = ms[n].hits.iter().any(|h| {
                    matches!(h, Hit::Phrase(p) if matches!(
                        kb.phrases[*p as usize].kind,
                        PhraseKind::Title(Kind::Organization | Kind::Group)
                    ))
                });
                if titled {
                    return k;
                }
            }
        }
        let holder = match (of, doc.day) {
            (Some(c), Some(day)) => kb.holder(role, c, day),
            (Some(_), None) => None,
            (None, _) => doc.last_role.get(&role).copied(),
        };
        match holder {
            Some(p) => {
                doc.add_kb(kb, p, span, How::Role);
                doc.last_role.insert(role, p);
            }
            None => {
                // Nobody recorded: at least the country is mentioned.
                if let Some(c) = of {
                    let m = &ms[k - 1];
                    let how = how_of(m.hits[0]);
                    doc.add_kb(kb, c, m.start..m.end, how);
                }
            }
        }
        k
    }

    /// A phrase naming one office outright at match `j` (`خادم الحرمين
    /// الشريفين`): a person or another office phrase right after names the
    /// holder itself (`خادم الحرمين الشريفين الملك سلمان`); otherwise the
    /// phrase is a mention of the holder on the publication date. Returns the
    /// next match index.
    fn fixed_office(
        &self,
        doc: &mut Doc,
        ms: &[Match],
        j: usize,
        role: Role,
        of: EntryId,
        adjacent: &Adjacent,
    ) -> usize {
        let kb = self.kb;
        let phrase = ms[j].clone();
        doc.claim(phrase.a..phrase.b);
        if let Some(n) = adjacent(ms, j + 1, phrase.b) {
            match ms[n].hits[0] {
                Hit::Phrase(_) => return j + 1,
                Hit::Name(p) if kb.entry(p).kind == Kind::Person => {
                    doc.add_kb(kb, p, phrase.start..phrase.end, How::Role);
                    doc.last_role.insert(role, p);
                    return j + 1;
                }
                _ => {}
            }
        }
        // (Undated: the last holder of that office named, if of that state.)
        let holder = match doc.day {
            Some(day) => kb.holder(role, of, day),
            None => doc.last_role.get(&role).copied().filter(|&p| {
                kb.entry(p).country.is_some() && kb.entry(p).country == kb.entry(of).country
            }),
        };
        if let Some(p) = holder {
            doc.add_kb(kb, p, phrase.start..phrase.end, How::Role);
            doc.last_role.insert(role, p);
        }
        j + 1
    }

    /// A title at match `j` (`الجنرال`, `صحيفة`, `حركة`): the name after it,
    /// skipping modifiers (`المؤرخ الروسي العسكري ميخائيل ماغيكوف`,
    /// `سفير روسيا لدى الأمم المتحدة فيتالي تشوركين`).
    fn title(
        &self,
        doc: &mut Doc,
        ms: &[Match],
        j: usize,
        kind: Kind,
        end: usize,
        tag_at: &dyn Fn(usize) -> Tag,
    ) -> usize {
        let kb = self.kb;
        let phrase = ms[j].clone();
        let mut k = j + 1;
        let mut at = phrase.b;
        let mut country = None;
        let fw = function_words();
        // Skip modifiers: nisbas, countries/organisations (`باسم الخارجية`),
        // `لدى X`, adjectives with the article.
        let mut skipped = 0;
        while at < end && skipped < 6 {
            if let Some(m) = ms.get(k).filter(|m| m.a == at) {
                let mod_entity = m.hits.iter().find_map(|h| match *h {
                    Hit::Nisba(e) => Some(e),
                    Hit::Name(e) | Hit::Metonym(e)
                        if kind == Kind::Person
                            && matches!(kb.entry(e).kind, Kind::Country | Kind::Organization) =>
                    {
                        Some(e)
                    }
                    _ => None,
                });
                match mod_entity {
                    Some(e) => {
                        if country.is_none() {
                            country = kb.entry(e).country.clone();
                        }
                        let how = how_of(m.hits[0]);
                        doc.add_kb(kb, e, m.start..m.end, how);
                        doc.claim(m.a..m.b);
                        at = m.b;
                        k += 1;
                        skipped += 1;
                        continue;
                    }
                    None => break,
                }
            }
            let t = &doc.tokens[at];
            let n = t.norm();
            if kind == Kind::Person && matches!(n, "لدي" | "في" | "باسم") && at + 1 < end {
                at += 1;
                skipped += 1;
                continue;
            }
            if kind == Kind::Person
                && t.kind == TokenKind::Arabic
                && n.starts_with("ال")
                && !self.first.contains(n)
                && !fw.contains(n)
                && tag_at(at) == Tag::O
            {
                at += 1;
                skipped += 1;
                continue;
            }
            break;
        }
        // A known entity right after the title: it speaks for itself.
        if ms.get(k).is_some_and(|m| m.a == at) {
            doc.claim(phrase.a..phrase.b);
            return k;
        }
        let next_match = ms.get(k).map(|m| m.a);
        // A known name in quotes (`تنظيم “داعش”`): the match speaks for itself.
        if at < end && is_open_quote(doc.tokens[at].norm()) && next_match == Some(at + 1) {
            doc.claim(phrase.a..phrase.b);
            return k;
        }
        let name = if at < end && is_open_quote(doc.tokens[at].norm()) {
            quoted(doc.tokens, at, end)
        } else if kind == Kind::Location {
            // `منتجع سوتشي`, `قصر فرساي`: up to two rare words, or the tagger's place.
            let lex = Lexicon::builtin();
            let fw = function_words();
            let mut e = at;
            while e < end && e < at + 2 && Some(e) != next_match {
                let t = &doc.tokens[e];
                let n = t.norm();
                let rare = lex.cb(n).is_none_or(|cb| cb >= RARE_CB);
                let tagged = matches!(
                    tag_at(e),
                    Tag::B(tagger::Label::Loc) | Tag::I(tagger::Label::Loc)
                );
                if t.kind != TokenKind::Arabic
                    || fw.contains(n)
                    || doc.claimed[e]
                    || t.segments.len() > 1
                    || !(rare || tagged)
                {
                    break;
                }
                e += 1;
            }
            at..e
        } else if kind == Kind::Person {
            let n = self.name_after(doc, at, end, next_match);
            match n.clone().next() {
                Some(first) if self.person_evidence(doc, first, tag_at) => n,
                _ => at..at,
            }
        } else {
            // Unquoted organisation/group names only where the tagger agrees.
            let mut e = at;
            while e < end && matches!(tag_at(e), Tag::I(_) | Tag::B(_)) && e - at < 6 {
                if e > at && matches!(tag_at(e), Tag::B(_)) {
                    break;
                }
                e += 1;
            }
            at..e
        };
        if !name.is_empty() && !doc.claimed[name.clone()].iter().any(|&c| c) {
            doc.claim(phrase.a..phrase.b);
            doc.add_new(kind, name.clone(), country);
            // Skip matches inside the name.
            while ms.get(k).is_some_and(|m| m.a < name.end) {
                k += 1;
            }
        }
        k
    }

    /// A vehicle phrase at match `j`: the (quoted) name after it is a vehicle.
    fn vehicle(&self, doc: &mut Doc, ms: &[Match], j: usize, end: usize) -> usize {
        let phrase = ms[j].clone();
        let mut k = j + 1;
        let mut at = phrase.b;
        // Skip adjectives and nisbas (`الطراد الصاروخي الروسي “موسكو”`).
        let mut skipped = 0;
        while at < end && skipped < 3 {
            if let Some(m) = ms.get(k).filter(|m| m.a == at) {
                if let Hit::Nisba(e) = m.hits[0] {
                    doc.add_kb(self.kb, e, m.start..m.end, How::Nisba);
                    doc.claim(m.a..m.b);
                    at = m.b;
                    k += 1;
                    skipped += 1;
                    continue;
                }
                break;
            }
            if doc.tokens[at].kind == TokenKind::Arabic && doc.tokens[at].norm().starts_with("ال")
            {
                at += 1;
                skipped += 1;
                continue;
            }
            break;
        }
        let name = if at < end && is_open_quote(doc.tokens[at].norm()) {
            quoted(doc.tokens, at, end)
        } else if let Some(m) = ms.get(k).filter(|m| m.a == at) {
            // An unquoted known name right after (`الطراد موسكو`).
            if matches!(m.hits[0], Hit::Phrase(_)) {
                at..at
            } else {
                m.a..m.b
            }
        } else {
            // An unquoted unknown word (`موسكفا`).
            let lex = Lexicon::builtin();
            let mut e = at;
            while e < end
                && e < at + 2
                && doc.tokens[e].kind == TokenKind::Arabic
                && doc.tokens[e].segments.len() == 1
                && lex.cb(doc.tokens[e].norm()).is_none_or(|cb| cb >= RARE_CB)
            {
                e += 1;
            }
            at..e
        };
        if !name.is_empty() {
            doc.claim(phrase.a..phrase.b);
            doc.add_new(Kind::Other, name.clone(), None);
            let mut last = name.end;
            // More quoted names joined by و (`“شارل ديغول” و“هاري ترومان”`).
            while last + 2 < end
                && is_close_quote(doc.tokens[last].norm())
                && doc.tokens[last + 1].norm() == "و"
                && is_open_quote(doc.tokens[last + 2].norm())
            {
                let more = quoted(doc.tokens, last + 2, end);
                if more.is_empty() {
                    break;
                }
                doc.add_new(Kind::Other, more.clone(), None);
                last = more.end;
            }
            while ms.get(k).is_some_and(|m| m.a < last) {
                k += 1;
            }
        }
        k
    }

    /// A person name starting at token `at`: up to 4 name-like tokens.
    fn name_after(
        &self,
        doc: &Doc,
        at: usize,
        end: usize,
        next_match: Option<usize>,
    ) -> Range<usize> {
        let fw = function_words();
        let lex = Lexicon::builtin();
        let mut e = at;
        while e < end && e - at < 4 && Some(e) != next_match {
            let t = &doc.tokens[e];
            let n = t.norm();
            if t.kind != TokenKind::Arabic && t.kind != TokenKind::Latin {
                break;
            }
            if fw.contains(n) || doc.claimed[e] {
                break;
            }
            // Names after a title carry no clitics (`بتكليف`, `للحديث`, `بدوره`).
            if t.segments.len() > 1 {
                break;
            }
            let prev = if e > at { doc.tokens[e - 1].norm() } else { "" };
            let after_abd = matches!(prev, "عبد" | "ابو" | "ابن" | "بن" | "بنت" | "ابي");
            if n.starts_with("ال")
                && !after_abd
                && !self.first.contains(n)
                && t.has(SegKind::Article)
            {
                break;
            }
            if n.starts_with("ال") && !after_abd && !self.first.contains(n) && lex.cb(n).is_some()
            {
                break;
            }
            // Name-like: rarer than everyday words, or a known name particle.
            let common = lex.cb(n).is_some_and(|cb| cb < COMMON_CB);
            if common && !matches!(n, "عبد" | "ابو" | "بن" | "ابن") && !after_abd {
                break;
            }
            e += 1;
        }
        // A name does not end in a particle.
        while e > at && matches!(doc.tokens[e - 1].norm(), "عبد" | "ابو" | "بن" | "ابن")
        {
            e -= 1;
        }
        at..e
    }

    /// Evidence that token `i` starts a person name: the tagger says so, or
    /// (without a tagger) the lexicon does not know the word.
    fn person_evidence(&self, doc: &Doc, i: usize, tag_at: &dyn Fn(usize) -> Tag) -> bool {
        if self.first.contains(doc.tokens[i].norm()) {
            return true;
        }
        if self.tagger.is_some() {
            matches!(
                tag_at(i),
                Tag::B(tagger::Label::Pers) | Tag::I(tagger::Label::Pers)
            )
        } else {
            Lexicon::builtin().cb(doc.tokens[i].norm()).is_none()
        }
    }

    /// Tagger spans that look like names: not only function words, not one
    /// everyday word.
    fn plausible_name(&self, doc: &Doc, t: Range<usize>) -> bool {
        let fw = function_words();
        let toks = &doc.tokens[t.clone()];
        if toks
            .iter()
            .all(|x| fw.contains(x.norm()) || x.kind == TokenKind::Punct)
        {
            return false;
        }
        if toks.first().is_some_and(|x| x.kind == TokenKind::Punct)
            || toks.last().is_some_and(|x| x.kind == TokenKind::Punct)
        {
            return false;
        }
        if toks
            .iter()
            .any(|x| !matches!(x.kind, TokenKind::Arabic | TokenKind::Latin) && x.norm() != "-")
            || toks.iter().any(|x| fw.contains(x.norm()))
        {
            return false;
        }
        if toks.len() == 1 {
            // A dual/plural/feminine of an everyday word (`انتحاريان`) is no name.
            let n = toks[0].norm();
            let lex = Lexicon::builtin();
            for suf in ["ان", "ين", "ون", "ات", "يه"] {
                if let Some(stem) = n.strip_suffix(suf) {
                    let stem_known = lex.cb(stem).is_some_and(|cb| cb < COMMON_CB)
                        || (stem.ends_with('ي') && lex.cb(stem).is_some())
                        || (!stem.ends_with('ي') && lex.cb(&format!("{stem}ي")).is_some());
                    if stem.chars().count() >= 3 && stem_known {
                        return false;
                    }
                }
            }
        }
        if toks.len() == 1 {
            // One word: not an everyday word, no clitics (`انتحاريان`, `شدد`).
            let lex = Lexicon::builtin();
            let n = toks[0].norm();
            if n.chars().count() < 3
                || toks[0].segments.len() > 1
                || lex.cb(n).is_some_and(|cb| cb < RARE_CB)
            {
                return false;
            }
        }
        true
    }

    /// Surnames alone join the person: `أوتو` after `روبرت أوتو`.
    fn surnames(&self, doc: &mut Doc) {
        let mut last: HashMap<String, Option<usize>> = HashMap::new();
        for (i, f) in doc.found.iter().enumerate() {
            if f.kind != Kind::Person {
                continue;
            }
            let key = name_key(&f.name_ar);
            let words: Vec<&str> = key.split(' ').collect();
            if words.len() < 2 {
                continue;
            }
            let s = words[words.len() - 1];
            if s.chars().count() < 3 || function_words().contains(s) {
                continue;
            }
            last.entry(s.to_string())
                .and_modify(|v| {
                    if *v != Some(i) {
                        *v = None
                    }
                })
                .or_insert(Some(i));
        }
        if last.is_empty() {
            return;
        }
        // A new one-word person that is the surname of a fuller name joins it
        // (`الرئيس هولاند` after `فرنسوا هولاند`).
        let mut merged = Vec::new();
        for (i, f) in doc.found.iter().enumerate() {
            if f.in_kb {
                continue;
            }
            let key = name_key(&f.name_ar);
            if key.contains(' ') {
                continue;
            }
            if let Some(Some(target)) = last.get(&key) {
                if *target != i {
                    merged.push((i, *target));
                }
            }
        }
        for (from, to) in merged {
            let ms = std::mem::take(&mut doc.found[from].mentions);
            doc.found[to].mentions.extend(ms);
        }
        for (ti, t) in doc.tokens.iter().enumerate() {
            if doc.claimed[ti] || t.kind != TokenKind::Arabic {
                continue;
            }
            for (form, strip) in gazetteer::candidates(t.norm()) {
                if let Some(Some(i)) = last.get(form.as_ref()) {
                    let start = gazetteer::skip_chars(doc.text, t.start, t.end, strip);
                    doc.found[*i].mentions.push(Mention {
                        span: start..t.end,
                        how: How::Surname,
                    });
                    doc.claimed[ti] = true;
                    break;
                }
            }
        }
    }
}

/// How a gazetteer hit refers (phrases never become mentions themselves).
fn how_of(h: Hit) -> How {
    match h {
        Hit::Metonym(_) => How::Metonym,
        Hit::Nisba(_) => How::Nisba,
        _ => How::Name,
    }
}

/// Words at least this frequent (centibels; lower is more frequent) are
/// everyday words, not names, when a title is followed by them.
const COMMON_CB: u16 = 420;

/// Words at least this rare (or unknown) can be a one-word name on the
/// tagger's word alone, or a vehicle name without quotes.
const RARE_CB: u16 = 520;

fn is_skippable(t: &Token) -> bool {
    matches!(t.norm(), "،" | "," | "“" | "”" | "«" | "»" | "\"")
}

/// Tokens between an opening quote at `at` and its closing quote (at most 8).
fn quoted(tokens: &[Token], at: usize, end: usize) -> Range<usize> {
    let mut e = at + 1;
    while e < end && e - at <= 8 {
        if is_close_quote(tokens[e].norm()) {
            return at + 1..e;
        }
        e += 1;
    }
    at + 1..at + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use marsad_text::{process, Options};

    const ENT: &str = "id\ttype\tname_en\tname_ar\tvariants\tcountry\tsector\tnisba\tmetonyms\n\
country:RUS\tCOUNTRY\tRussia\tروسيا\tالاتحاد الروسي\tRUS\tGOV\tروسي|الروس\tموسكو|الكرملين\n\
country:USA\tCOUNTRY\tUnited States\tالولايات المتحدة\tأمريكا|أميركا\tUSA\tGOV\tأمريكي|أميركي\tواشنطن|البيت الأبيض\n\
country:TUR\tCOUNTRY\tTurkey\tتركيا\t-\tTUR\tGOV\tتركي|الأتراك\tأنقرة\n\
country:SAU\tCOUNTRY\tSaudi Arabia\tالسعودية\t-\tSAU\tGOV\tسعودي\tالرياض\n\
country:EGY\tCOUNTRY\tEgypt\tمصر\t-\tEGY\tGOV\tمصري\tالقاهرة\n\
person:salman-bin-abdulaziz\tPERSON\tKing Salman\tسلمان بن عبد العزيز\tالملك سلمان\tSAU\tGOV\t-\t-\n\
person:abdullah-bin-abdulaziz\tPERSON\tKing Abdullah\tعبد الله بن عبد العزيز\t-\tSAU\tGOV\t-\t-\n\
country:FRA\tCOUNTRY\tFrance\tفرنسا\t-\tFRA\tGOV\tفرنسي\tباريس|الإليزيه\n\
person:vladimir-putin\tPERSON\tVladimir Putin\tفلاديمير بوتين\tبوتين\tRUS\tGOV\t-\t-\n\
person:dmitry-medvedev\tPERSON\tDmitry Medvedev\tديمتري ميدفيديف\t-\tRUS\tGOV\t-\t-\n\
person:sergey-lavrov\tPERSON\tSergey Lavrov\tسيرغي لافروف\tلافروف\tRUS\tGOV\t-\t-\n\
person:john-kerry\tPERSON\tJohn Kerry\tجون كيري\t-\tUSA\tGOV\t-\t-\n\
person:francois-hollande\tPERSON\tFrançois Hollande\tفرانسوا هولاند\tفرنسوا هولاند|هولاند\tFRA\tGOV\t-\t-\n\
group:isis\tGROUP\tIslamic State\tتنظيم الدولة الإسلامية\tداعش|تنظيم الدولة|الدولة الإسلامية\t-\tREB\t-\t-\n";

    const OFF: &str = "person_id\trole\tof\tfrom\tto\n\
person:vladimir-putin\thead_of_state\tcountry:RUS\t2012-05-07\t-\n\
person:abdullah-bin-abdulaziz\thead_of_state\tcountry:SAU\t2005-08-01\t2015-01-23\n\
person:salman-bin-abdulaziz\thead_of_state\tcountry:SAU\t2015-01-23\t-\n\
person:dmitry-medvedev\thead_of_state\tcountry:RUS\t2008-05-07\t2012-05-07\n\
person:sergey-lavrov\tforeign_minister\tcountry:RUS\t2004-03-09\t-\n\
person:john-kerry\tforeign_minister\tcountry:USA\t2013-02-01\t2017-01-20\n\
person:francois-hollande\thead_of_state\tcountry:FRA\t2012-05-15\t2017-05-14\n";

    fn kb() -> Kb {
        Kb::parse(&[
            ("e.tsv", ENT),
            ("o.tsv", OFF),
            ("r.tsv", include_str!("../../../data/kb/roles.tsv")),
        ])
        .unwrap_or_else(|e| panic!("{e}"))
    }

    /// (entity id, mention texts) for a sentence.
    fn run(kb: &Kb, s: &str, day: Option<Day>) -> Vec<(String, Vec<String>)> {
        let p = process(s, &Options::default(), None);
        let t = p.text.text();
        Recognizer::new(kb, None)
            .recognize(t, &p.tokens, day)
            .into_iter()
            .map(|f| {
                (
                    f.id,
                    f.mentions
                        .iter()
                        .map(|m| t[m.span.clone()].to_string())
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn table() {
        let kb = kb();
        let d2015 = Some(20151124);
        type Case<'a> = (&'a str, Option<Day>, &'a [(&'a str, &'a [&'a str])]);
        let cases: [Case; 22] = [
            // Undated, a fixed office is not the last holder of that role
            // in another state.
            (
                "قال الرئيس الروسي فلاديمير بوتين إن خادم الحرمين الشريفين وصل.",
                None,
                &[("person:vladimir-putin", &["الرئيس الروسي", "فلاديمير بوتين"])],
            ),
            (
                "التقى الرئيس الروسي رئيس حزب العدالة محمد علي.",
                d2015,
                &[("person:vladimir-putin", &["الرئيس الروسي"])],
            ),
            (
                "قال نائب وزير الخارجية الروسي سيرغي ريابكوف إن",
                d2015,
                &[
                    (
                        "new:person:سيرغي_ريابكوف",
                        &["نائب وزير الخارجية الروسي", "سيرغي ريابكوف"],
                    ),
                    ("country:RUS", &["الروسي"]),
                ],
            ),
            (
                "استقبل خادم الحرمين الشريفين الملك سلمان الرئيس المصري.",
                Some(20100101),
                &[
                    (
                        "person:salman-bin-abdulaziz",
                        &["خادم الحرمين الشريفين", "الملك سلمان"],
                    ),
                    ("country:EGY", &["المصري"]),
                ],
            ),
            (
                "وصل خادم الحرمين الشريفين إلى القاهرة.",
                Some(20160407),
                &[
                    ("person:salman-bin-abdulaziz", &["خادم الحرمين الشريفين"]),
                    ("country:EGY", &["القاهرة"]),
                ],
            ),
            (
                "وصل خادم الحرمين الشريفين إلى القاهرة.",
                Some(20100101),
                &[
                    ("person:abdullah-bin-abdulaziz", &["خادم الحرمين الشريفين"]),
                    ("country:EGY", &["القاهرة"]),
                ],
            ),
            (
                "زار لافروف بروسيا ولواشنطن.",
                d2015,
                &[
                    ("person:sergey-lavrov", &["لافروف"]),
                    ("country:RUS", &["روسيا"]),
                    ("country:USA", &["واشنطن"]),
                ],
            ),
            (
                "قالت الولايات المتحدة وتركيا إن الكرملين يكذب.",
                d2015,
                &[
                    ("country:USA", &["الولايات المتحدة"]),
                    ("country:TUR", &["تركيا"]),
                    ("country:RUS", &["الكرملين"]),
                ],
            ),
            (
                "استهدفت الضربات الجوية الروسية مواقع داعش.",
                d2015,
                &[("country:RUS", &["الروسية"]), ("group:isis", &["داعش"])],
            ),
            (
                "قال الرئيس الروسي إن الحادث طعنة.",
                d2015,
                &[("person:vladimir-putin", &["الرئيس الروسي"])],
            ),
            (
                "قال الرئيس الروسي إن الحادث طعنة.",
                Some(20100101),
                &[("person:dmitry-medvedev", &["الرئيس الروسي"])],
            ),
            (
                "اتصل وزير الخارجية الأمريكي بنظيره الروسي.",
                d2015,
                &[
                    ("person:john-kerry", &["وزير الخارجية الأمريكي"]),
                    ("person:sergey-lavrov", &["نظيره الروسي"]),
                ],
            ),
            (
                "التقى الرئيس الفرنسي فرانسوا هولاند نظيره الروسي، ثم غادر هولاند.",
                d2015,
                &[
                    (
                        "person:francois-hollande",
                        &["الرئيس الفرنسي", "فرانسوا هولاند", "هولاند"],
                    ),
                    ("person:vladimir-putin", &["نظيره الروسي"]),
                ],
            ),
            (
                "وقال الجنرال روبرت أوتو إن أوتو لن يستقيل.",
                d2015,
                &[("new:person:روبرت_اوتو", &["روبرت أوتو", "أوتو"])],
            ),
            (
                "أبحرت حاملة الطائرات “شارل ديغول” نحو سوريا.",
                d2015,
                &[("new:other:شارل_ديغول", &["شارل ديغول"])],
            ),
            (
                "وصل الطراد “موسكو” إلى الساحل.",
                d2015,
                &[("new:other:موسكو", &["موسكو"])],
            ),
            (
                "كلف طاقم الطراد الصاروخي الروسي “موسكو” بالمهمة.",
                d2015,
                &[
                    ("country:RUS", &["الروسي"]),
                    ("new:other:موسكو", &["موسكو"]),
                ],
            ),
            (
                "أبحرت حاملتا الطائرات “شارل ديغول” و“هاري ترومان”، وقال ترومان شيئا.",
                d2015,
                &[
                    ("new:other:شارل_ديغول", &["شارل ديغول"]),
                    ("new:other:هاري_ترومان", &["هاري ترومان"]),
                ],
            ),
            (
                "قال الرئيس بدوره إن تنظيم “داعش” خطير.",
                d2015,
                &[("group:isis", &["داعش"])],
            ),
            (
                "واجتمع الرئيس الفرنسي فرانسوا هولاند مع الرئيس بوتين، وقال الرئيس إن الحرب طويلة.",
                d2015,
                &[
                    (
                        "person:francois-hollande",
                        &["الرئيس الفرنسي", "فرانسوا هولاند"],
                    ),
                    ("person:vladimir-putin", &["الرئيس", "بوتين", "الرئيس"]),
                ],
            ),
            (
                "كتبت صحيفة “ستامبا” أن باريس قلقة.",
                d2015,
                &[
                    ("new:organization:ستامبا", &["ستامبا"]),
                    ("country:FRA", &["باريس"]),
                ],
            ),
            (
                "قال المؤرخ الروسي العسكري ميخائيل ماغيكوف إن الأمر خطير.",
                d2015,
                &[
                    ("country:RUS", &["الروسي"]),
                    ("new:person:ميخائيل_ماغيكوف", &["ميخائيل ماغيكوف"]),
                ],
            ),
        ];
        for (s, day, want) in cases {
            let got = run(&kb, s, day);
            let want: Vec<(String, Vec<String>)> = want
                .iter()
                .map(|(i, m)| (i.to_string(), m.iter().map(|x| x.to_string()).collect()))
                .collect();
            assert_eq!(got, want, "{s}");
        }
    }

    proptest::proptest! {
        /// Any text: no panic, every mention is a non-empty span on char
        /// boundaries of the display text.
        #[test]
        fn mentions_are_valid_spans(s in "(\\PC|[ \n،.“”«»\"]|الرئيس|الروسي|نظيره|الجنرال|حاملة الطائرات|بروسيا|للروس|تنظيم|صحيفة){0,40}") {
            let kb = kb();
            let p = process(&s, &Options::default(), None);
            let t = p.text.text();
            for f in Recognizer::new(&kb, None).recognize(t, &p.tokens, Some(20151124)) {
                proptest::prop_assert!(!f.mentions.is_empty());
                for m in f.mentions {
                    proptest::prop_assert!(m.span.start < m.span.end && m.span.end <= t.len());
                    proptest::prop_assert!(t.is_char_boundary(m.span.start) && t.is_char_boundary(m.span.end));
                }
            }
        }
    }

    #[test]
    fn new_person_gets_country_from_title() {
        let kb = kb();
        let p = process(
            "قال السفير الروسي فيتالي تشوركين إن",
            &Options::default(),
            None,
        );
        let f = Recognizer::new(&kb, None).recognize(p.text.text(), &p.tokens, None);
        let person = f.iter().find(|f| f.kind == Kind::Person).expect("a person");
        assert_eq!(person.id, "new:person:فيتالي_تشوركين");
        assert_eq!(person.country.as_deref(), Some("RUS"));
    }
}
