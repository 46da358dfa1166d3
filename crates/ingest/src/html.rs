//! HTML main-text extraction: drop page chrome, pick the article container by
//! text density, emit one line per block; title and publication date from
//! the head.

use std::collections::{HashMap, HashSet};

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::{ElementRef, Html, Node, Selector};

use crate::date::normalize_date;

/// What `extract_html` finds in a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlDoc {
    /// Main article text, one line per block (paragraph, heading, list item…).
    pub text: String,
    /// `og:title`, else `<title>`, else the first `<h1>`.
    pub title: Option<String>,
    /// Publication date (`YYYY-MM-DD`) from meta tags, JSON-LD or `<time>`.
    pub published: Option<String>,
}

/// Extract the main article text, title and publication date of a page.
/// Entities are decoded; scripts, styles, comments, navigation, headers,
/// footers, asides, forms and elements whose class/id/role says menu,
/// comments, related, share, sidebar, ads… are dropped. Never panics.
pub fn extract_html(html: &str) -> HtmlDoc {
    let doc = Html::parse_document(html);
    HtmlDoc {
        text: main_text(&doc),
        title: title(&doc),
        published: published(&doc),
    }
}

// ---------------------------------------------------------------- pruning

/// Elements dropped with everything inside them, whatever their attributes.
const DROP_TAGS: &[&str] = &[
    "script", "style", "noscript", "nav", "footer", "aside", "form", "iframe", "template", "svg",
    "math", "button", "select", "textarea", "input", "label", "object", "embed", "canvas", "head",
    "title", "meta", "link", "audio", "video", "picture", "dialog", "menu",
];

/// Substrings of class/id tokens that mark page chrome.
const DROP_WORDS: &[&str] = &[
    "nav",
    "menu",
    "footer",
    "comment",
    "related",
    "share",
    "sharing",
    "social",
    "sidebar",
    "breadcrumb",
    "advert",
    "newsletter",
    "cookie",
    "subscribe",
    "popular",
    "trending",
    "mostread",
    "most-read",
    "recommend",
    "outbrain",
    "taboola",
    "disqus",
    "banner",
    "popup",
    "masthead",
];

/// Whole parts (split at `-`/`_`) of class/id tokens that mark ads.
const DROP_PARTS: &[&str] = &[
    "ad",
    "ads",
    "adv",
    "advertisement",
    "sponsor",
    "sponsored",
    "promo",
    "modal",
];

const ROLE_DROP: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "menu",
    "dialog",
];

fn chrome_attr(value: &str) -> bool {
    value.split_whitespace().any(|token| {
        let t = token.to_ascii_lowercase();
        if ["has-", "with-", "no-", "is-"]
            .iter()
            .any(|p| t.starts_with(p))
        {
            return false;
        }
        DROP_WORDS.iter().any(|w| t.contains(w))
            || t.split(['-', '_']).any(|part| DROP_PARTS.contains(&part))
    })
}

/// Whether an element (and its subtree) is page chrome. `by_attr`: also
/// judge by class, id, role and hidden attributes (not only the tag).
fn dropped(el: &scraper::node::Element, inside_article: bool, by_attr: bool) -> bool {
    let name = el.name();
    if DROP_TAGS.contains(&name) {
        return true;
    }
    if name == "header" && !inside_article {
        return true;
    }
    if !by_attr || matches!(name, "html" | "body" | "main" | "article") {
        return false;
    }
    if el.attr("hidden").is_some()
        || el
            .attr("aria-hidden")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return true;
    }
    if let Some(style) = el.attr("style") {
        let s: String = style.chars().filter(|c| !c.is_whitespace()).collect();
        if s.to_ascii_lowercase().contains("display:none") {
            return true;
        }
    }
    if el
        .attr("role")
        .is_some_and(|r| ROLE_DROP.contains(&r.to_ascii_lowercase().as_str()))
    {
        return true;
    }
    el.attr("class").is_some_and(chrome_attr) || el.attr("id").is_some_and(chrome_attr)
}

/// Roots of the dropped subtrees.
fn pruned_roots(doc: &Html, by_attr: bool) -> HashSet<NodeId> {
    let mut roots = HashSet::new();
    let mut skip: Option<NodeId> = None;
    let mut articles = 0usize;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(n) => {
                if skip.is_some() {
                    continue;
                }
                if let Node::Element(el) = n.value() {
                    if dropped(el, articles > 0, by_attr) {
                        roots.insert(n.id());
                        skip = Some(n.id());
                    } else if matches!(el.name(), "article" | "main") {
                        articles += 1;
                    }
                }
            }
            Edge::Close(n) => {
                if skip == Some(n.id()) {
                    skip = None;
                } else if skip.is_none() {
                    if let Node::Element(el) = n.value() {
                        if matches!(el.name(), "article" | "main") {
                            articles -= 1;
                        }
                    }
                }
            }
        }
    }
    roots
}

// ------------------------------------------------------------------ stats

#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    /// Non-whitespace characters of text.
    text: usize,
    /// Of which inside links.
    link: usize,
    /// Number of links.
    links: usize,
}

impl Stats {
    fn score(&self) -> usize {
        self.text - self.link
    }
    fn link_dense(&self) -> bool {
        self.links >= 2 && self.link * 10 >= self.text * 8
    }
}

fn stats(doc: &Html, pruned: &HashSet<NodeId>) -> HashMap<NodeId, Stats> {
    let mut map = HashMap::new();
    let mut stack: Vec<(NodeId, Stats)> = Vec::new();
    let mut skip: Option<NodeId> = None;
    let mut in_link = 0usize;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(n) => {
                if skip.is_some() {
                    continue;
                }
                if pruned.contains(&n.id()) {
                    skip = Some(n.id());
                    continue;
                }
                match n.value() {
                    Node::Element(el) => {
                        let mut s = Stats::default();
                        if el.name() == "a" {
                            in_link += 1;
                            s.links = 1;
                        }
                        stack.push((n.id(), s));
                    }
                    Node::Text(t) => {
                        if let Some((_, top)) = stack.last_mut() {
                            let c = t.chars().filter(|c| !c.is_whitespace()).count();
                            top.text += c;
                            if in_link > 0 {
                                top.link += c;
                            }
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(n) => {
                if skip == Some(n.id()) {
                    skip = None;
                    continue;
                }
                if skip.is_some() || !matches!(n.value(), Node::Element(_)) {
                    continue;
                }
                if let Some((id, s)) = stack.pop() {
                    if let Node::Element(el) = n.value() {
                        if el.name() == "a" {
                            in_link = in_link.saturating_sub(1);
                        }
                    }
                    map.insert(id, s);
                    if let Some((_, parent)) = stack.last_mut() {
                        parent.text += s.text;
                        parent.link += s.link;
                        parent.links += s.links;
                    }
                }
            }
        }
    }
    map
}

// --------------------------------------------------------------- container

fn element_name<'a>(n: &NodeRef<'a, Node>) -> Option<&'a str> {
    match n.value() {
        Node::Element(el) => Some(el.name()),
        _ => None,
    }
}

/// Blocks that hold text themselves: never descended into.
const TEXT_BLOCKS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
    "dl",
    "figure",
];

fn container<'a>(doc: &'a Html, stats: &HashMap<NodeId, Stats>) -> Option<NodeRef<'a, Node>> {
    let score = |n: &NodeRef<Node>| stats.get(&n.id()).map_or(0, Stats::score);
    let root = doc.tree.root();
    let body = root
        .descendants()
        .find(|n| element_name(n) == Some("body") && stats.contains_key(&n.id()))
        .or_else(|| root.descendants().find(|n| stats.contains_key(&n.id())))?;
    let body_score = score(&body);
    if body_score == 0 {
        return None;
    }
    for tag in ["article", "main"] {
        let best = body
            .descendants()
            .filter(|n| element_name(n) == Some(tag) && stats.contains_key(&n.id()))
            .max_by_key(|n| score(n));
        if let Some(best) = best {
            if score(&best) * 2 >= body_score {
                return Some(best);
            }
        }
    }
    // Descend while one child holds most of the text.
    let mut node = body;
    loop {
        if element_name(&node).is_some_and(|n| TEXT_BLOCKS.contains(&n)) {
            break;
        }
        let kids: Vec<NodeRef<Node>> = node
            .children()
            .filter(|c| stats.contains_key(&c.id()))
            .collect();
        let paragraphs = kids
            .iter()
            .filter(|c| element_name(c) == Some("p") && score(c) > 0)
            .count();
        if paragraphs >= 2 {
            break;
        }
        match kids.into_iter().max_by_key(|c| score(c)) {
            Some(c) if score(&c) * 10 >= score(&node) * 8 && score(&c) > 0 => node = c,
            _ => break,
        }
    }
    Some(node)
}

// ------------------------------------------------------------------- text

/// Elements that start and end a line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "section",
    "article",
    "main",
    "header",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "td",
    "th",
    "caption",
    "figure",
    "figcaption",
    "address",
    "hr",
    "body",
    "center",
    "details",
    "summary",
];

/// Lists and boxes of links inside the article are related-links blocks.
const LINK_BOXES: &[&str] = &["ul", "ol", "div", "section", "table", "dl", "p"];

struct Lines {
    lines: Vec<String>,
    cur: String,
    space: bool,
}

impl Lines {
    fn new() -> Self {
        Lines {
            lines: Vec::new(),
            cur: String::new(),
            space: false,
        }
    }
    fn flush(&mut self) {
        let line = self.cur.trim();
        if !line.is_empty() {
            self.lines.push(line.to_string());
        }
        self.cur.clear();
        self.space = false;
    }
    fn push_text(&mut self, t: &str, pre: bool) {
        if pre {
            for (i, part) in t.split('\n').enumerate() {
                if i > 0 {
                    self.flush();
                }
                self.cur.push_str(part);
            }
            return;
        }
        for c in t.chars() {
            if c.is_whitespace() {
                self.space = true;
            } else {
                if self.space && !self.cur.is_empty() {
                    self.cur.push(' ');
                }
                self.space = false;
                self.cur.push(c);
            }
        }
    }
}

fn emit(
    root: NodeRef<Node>,
    pruned: &HashSet<NodeId>,
    stats: &HashMap<NodeId, Stats>,
    out: &mut Lines,
) {
    let mut skip: Option<NodeId> = None;
    let mut pre = 0usize;
    for edge in root.traverse() {
        match edge {
            Edge::Open(n) => {
                if skip.is_some() {
                    continue;
                }
                let id = n.id();
                match n.value() {
                    Node::Element(el) => {
                        let name = el.name();
                        let link_box = n != root
                            && LINK_BOXES.contains(&name)
                            && stats.get(&id).is_some_and(Stats::link_dense);
                        if pruned.contains(&id) || link_box {
                            skip = Some(id);
                            continue;
                        }
                        if name == "br" || BLOCKS.contains(&name) {
                            out.flush();
                        }
                        if name == "pre" {
                            pre += 1;
                        }
                    }
                    Node::Text(t) => out.push_text(t, pre > 0),
                    _ => {}
                }
            }
            Edge::Close(n) => {
                if skip == Some(n.id()) {
                    skip = None;
                    continue;
                }
                if skip.is_some() {
                    continue;
                }
                if let Node::Element(el) = n.value() {
                    if BLOCKS.contains(&el.name()) {
                        out.flush();
                    }
                    if el.name() == "pre" {
                        pre = pre.saturating_sub(1);
                    }
                }
            }
        }
    }
    out.flush();
}

fn main_text(doc: &Html) -> String {
    for by_attr in [true, false] {
        let pruned = pruned_roots(doc, by_attr);
        let stats = stats(doc, &pruned);
        let Some(node) = container(doc, &stats) else {
            continue;
        };
        let mut out = Lines::new();
        // The headline often sits just outside the densest container.
        if let Some(h1) = first_h1(doc, &stats) {
            if !h1.ancestors().any(|a| a.id() == node.id()) && h1.id() != node.id() {
                emit(h1, &pruned, &stats, &mut out);
            }
        }
        emit(node, &pruned, &stats, &mut out);
        if !out.lines.is_empty() {
            return out.lines.join("\n");
        }
    }
    String::new()
}

fn first_h1<'a>(doc: &'a Html, stats: &HashMap<NodeId, Stats>) -> Option<NodeRef<'a, Node>> {
    doc.tree
        .root()
        .descendants()
        .find(|n| element_name(n) == Some("h1") && stats.get(&n.id()).is_some_and(|s| s.text > 0))
}

// ------------------------------------------------------------ title & date

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    match Selector::parse(css) {
        Ok(sel) => doc.select(&sel).collect(),
        Err(_) => Vec::new(),
    }
}

fn meta_key(el: &ElementRef) -> Option<String> {
    let v = el.value();
    v.attr("property")
        .or_else(|| v.attr("name"))
        .or_else(|| v.attr("itemprop"))
        .or_else(|| v.attr("http-equiv"))
        .map(|k| k.trim().to_ascii_lowercase())
}

fn title(doc: &Html) -> Option<String> {
    let metas = select(doc, "meta[content]");
    for key in ["og:title", "twitter:title"] {
        for m in &metas {
            if meta_key(m).as_deref() == Some(key) {
                let t = collapse(m.value().attr("content").unwrap_or(""));
                if !t.is_empty() {
                    return Some(t);
                }
            }
        }
    }
    for css in ["title", "h1"] {
        for el in select(doc, css) {
            let t = collapse(&el.text().collect::<String>());
            if !t.is_empty() {
                return Some(t);
            }
        }
    }
    None
}

const DATE_KEYS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_time",
    "article.published",
    "dc.date.issued",
    "dc.date",
    "dcterms.issued",
    "dcterms.date",
    "dcterms.created",
    "date",
    "sailthru.date",
    "parsely-pub-date",
    "article_date_original",
    "original-publish-date",
];

fn published(doc: &Html) -> Option<String> {
    let metas = select(doc, "meta[content]");
    for key in DATE_KEYS {
        for m in &metas {
            if meta_key(m).as_deref() == Some(*key) {
                if let Some(d) = m.value().attr("content").and_then(normalize_date) {
                    return Some(d);
                }
            }
        }
    }
    for el in select(doc, "[itemprop]") {
        let v = el.value();
        if v.attr("itemprop")
            .is_some_and(|p| p.eq_ignore_ascii_case("datePublished"))
        {
            let d = v
                .attr("content")
                .or_else(|| v.attr("datetime"))
                .and_then(normalize_date)
                .or_else(|| normalize_date(&el.text().collect::<String>()));
            if d.is_some() {
                return d;
            }
        }
    }
    for script in select(doc, "script[type]") {
        let ty = script.value().attr("type").unwrap_or("");
        if !ty.trim().eq_ignore_ascii_case("application/ld+json") {
            continue;
        }
        let body: String = script.text().collect();
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(body.trim()) {
            if let Some(d) = ld_date(&v) {
                return Some(d);
            }
        }
    }
    let times = select(doc, "time[datetime]");
    let pubdate = times.iter().find(|t| t.value().attr("pubdate").is_some());
    for t in pubdate.into_iter().chain(times.iter()) {
        if let Some(d) = t.value().attr("datetime").and_then(normalize_date) {
            return Some(d);
        }
    }
    None
}

/// `datePublished` anywhere in JSON-LD (serde_json bounds the depth).
fn ld_date(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(d) = m
                .get("datePublished")
                .and_then(|d| d.as_str())
                .and_then(normalize_date)
            {
                return Some(d);
            }
            m.values().find_map(ld_date)
        }
        serde_json::Value::Array(a) => a.iter().find_map(ld_date),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = r##"<!DOCTYPE html>
<html lang="ar" dir="rtl"><head>
<meta charset="utf-8">
<title>الأمطار تغمر شوارع المدينة | موقع الأخبار</title>
<meta property="og:title" content="الأمطار تغمر شوارع المدينة">
<meta name="pubdate" content="20151103">
<meta property="article:published_time" content="2015-11-02T18:30:00+03:00">
<script>var x = "<p>not text</p>";</script>
<style>p { color: red }</style>
</head>
<body class="single has-sidebar">
<header class="site-header"><div class="logo">موقع الأخبار</div>
<ul class="main-menu"><li><a href="/">الرئيسية</a></li><li><a href="/local">محليات</a></li></ul></header>
<div id="cookie-notice">نستخدم ملفات تعريف الارتباط</div>
<div class="wrapper">
  <div class="content">
    <h1>الأمطار تغمر شوارع المدينة</h1>
    <div class="entry">
      <p>غمرت الأمطار الغزيرة شوارع المدينة صباح الاثنين، ما أدى إلى توقف حركة السير في عدة أحياء &amp; تعطل المدارس.</p>
      <h2>خسائر في الممتلكات</h2>
      <p>وقال مسؤول في الدفاع المدني إن فرق الإنقاذ <b>تعاملت</b> مع عشرات البلاغات<br>منذ ساعات الفجر الأولى.</p>
      <!-- comment: not text -->
      <ul><li>إغلاق ثلاثة طرق رئيسية</li><li>تعليق الدراسة يوما واحدا</li></ul>
      <div class="ad-slot">إعلان</div>
      <div class="share-buttons"><a href="#">فيسبوك</a> <a href="#">تويتر</a></div>
      <ul><li><a href="/a">رابط أول</a></li><li><a href="/b">رابط ثان</a></li></ul>
      <blockquote>«الوضع تحت السيطرة»</blockquote>
    </div>
  </div>
  <aside class="widget"><h3>الأكثر قراءة</h3><p>خبر جانبي طويل جدا لا يخص المقال ولا ينبغي أن يظهر في النص المستخرج أبدا.</p></aside>
  <div class="related-posts"><h3>أخبار ذات صلة</h3><p><a href="/x">عنوان خبر آخر</a></p></div>
  <div id="comments"><p>تعليق من قارئ: مقال رائع جدا وشكرا للكاتب على هذا الجهد الكبير.</p></div>
</div>
<footer><p>جميع الحقوق محفوظة</p></footer>
</body></html>"##;

    #[test]
    fn article_table() {
        // (name, html, text lines, title, published)
        type Case<'a> = (
            &'a str,
            &'a str,
            Vec<&'a str>,
            Option<&'a str>,
            Option<&'a str>,
        );
        let cases: Vec<Case> = vec![
            (
                "density, h1 outside container",
                ARTICLE,
                vec![
                    "الأمطار تغمر شوارع المدينة",
                    "غمرت الأمطار الغزيرة شوارع المدينة صباح الاثنين، ما أدى إلى توقف حركة السير في عدة أحياء & تعطل المدارس.",
                    "خسائر في الممتلكات",
                    "وقال مسؤول في الدفاع المدني إن فرق الإنقاذ تعاملت مع عشرات البلاغات",
                    "منذ ساعات الفجر الأولى.",
                    "إغلاق ثلاثة طرق رئيسية",
                    "تعليق الدراسة يوما واحدا",
                    "«الوضع تحت السيطرة»",
                ],
                Some("الأمطار تغمر شوارع المدينة"),
                Some("2015-11-02"),
            ),
            (
                "article element preferred, time datetime",
                r#"<html><head><title>  عنوان
                   الصفحة </title></head><body>
                <nav><a href="/">الرئيسية</a></nav>
                <article><header><h1>عنوان المقال</h1><time datetime="2015-11-20T10:00:00Z">الجمعة</time></header>
                <p>الفقرة الأولى من المقال.</p><p>الفقرة الثانية &quot;مقتبسة&quot; &laquo;هنا&raquo;.</p>
                <footer>وسوم: سياسة</footer></article>
                <section class="comments"><p>تعليق طويل جدا جدا جدا جدا جدا جدا جدا جدا جدا جدا جدا جدا جدا جدا جدا جدا جدا جدا.</p></section>
                </body></html>"#,
                vec![
                    "عنوان المقال",
                    "الجمعة",
                    "الفقرة الأولى من المقال.",
                    "الفقرة الثانية \"مقتبسة\" «هنا».",
                ],
                Some("عنوان الصفحة"),
                Some("2015-11-20"),
            ),
            (
                "json-ld date, h1 title, plain body",
                r#"<body><script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"NewsArticle","datePublished":"2015-07-21T02:51:32Z"}]}</script>
                <h1>عنوان</h1><div>نص بلا فقرات<br/>سطر ثان</div></body>"#,
                vec!["عنوان", "نص بلا فقرات", "سطر ثان"],
                Some("عنوان"),
                Some("2015-07-21"),
            ),
            (
                "itemprop date, everything chrome falls back",
                r#"<div class="nav-wrapper"><span itemprop="datePublished" content="2015-11-27">27</span><p>النص الوحيد في الصفحة.</p></div>"#,
                vec!["النص الوحيد في الصفحة."],
                None,
                Some("2015-11-27"),
            ),
            ("empty", "", vec![], None, None),
            ("garbage", "<<<>>><p", vec!["<<<>>>"], None, None),
        ];
        for (name, html, lines, title, date) in cases {
            let d = extract_html(html);
            let got: Vec<&str> = d.text.lines().collect();
            assert_eq!(got, lines, "{name}");
            assert_eq!(d.title.as_deref(), title, "{name}");
            assert_eq!(d.published.as_deref(), date, "{name}");
        }
    }

    #[test]
    fn chrome_attrs() {
        for (v, want) in [
            ("main-menu", true),
            ("ad-slot", true),
            ("top_ads", true),
            ("read-more", false),
            ("header", false),
            ("has-sidebar", false),
            ("article-body content", false),
            ("social-links", true),
            ("BreadCrumb", true),
            ("shadow", false),
            ("load", false),
        ] {
            assert_eq!(chrome_attr(v), want, "{v}");
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        // Traversals are iterative; (html5ever itself is quadratic in depth, so
        // keep this modest for debug builds).
        let html = "<div>".repeat(5_000) + "نص" + &"</div>".repeat(5_000);
        let d = extract_html(&html);
        assert_eq!(d.text, "نص");
    }
}
