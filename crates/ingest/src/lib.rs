//! marsad-ingest: turns paths, stdin and archives into raw documents.
//!
//! Entry points: [`read_inputs`] (files, directories, `-` for stdin),
//! [`read_bytes`] (one input already in memory), [`decode`], [`extract_html`],
//! [`parse_jsonl`] / [`parse_json`], [`saudinewsnet_zip`] / [`saudinewsnet_dir`].
//! Every failure is an [`InputError`] naming the file (and line); one bad
//! input never stops the others.

mod date;
mod decode;
mod error;
mod html;
mod json;
mod saudinewsnet;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

pub use date::normalize_date;
pub use decode::decode;
pub use error::{ErrorKind, InputError};
pub use html::{extract_html, HtmlDoc};
pub use json::{parse_json, parse_jsonl};
pub use saudinewsnet::{saudinewsnet_dir, saudinewsnet_zip};

/// How a document was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Html,
    /// One record of a JSON Lines file.
    Jsonl,
    /// One record of a JSON file (array or single object), or a corpus zip.
    Json,
}

/// A document as read, before any text processing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawDoc {
    /// File name without extension (relative path when names repeat), the
    /// record's `id`, or `<file stem>-<line>`.
    pub id: String,
    pub text: String,
    pub title: Option<String>,
    /// `YYYY-MM-DD`.
    pub published: Option<String>,
    pub url: Option<String>,
    /// File it came from (`None` for stdin).
    pub path: Option<PathBuf>,
    /// Site or outlet, for per-source boilerplate statistics.
    pub source: Option<String>,
    pub format: Format,
    /// 1-based line of the record in a JSONL/JSON file.
    pub line: Option<usize>,
}

/// Where an input came from: name for errors, path, stem for generated ids.
pub(crate) struct Origin {
    pub file: String,
    pub path: Option<PathBuf>,
    pub stem: String,
    /// Id of a whole-file document.
    pub id: String,
}

impl Origin {
    pub(crate) fn named(file: &str) -> Origin {
        if file == "-" || file == STDIN {
            return Origin {
                file: STDIN.to_string(),
                path: None,
                stem: "stdin".to_string(),
                id: "stdin".to_string(),
            };
        }
        let stem = Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "input".to_string());
        Origin {
            file: file.to_string(),
            path: None,
            id: stem.clone(),
            stem,
        }
    }
}

const STDIN: &str = "<stdin>";

/// Read every input: `-` is standard input, directories are walked
/// recursively (sorted by name; hidden files and directories and Markdown
/// files skipped), files
/// are read by extension (`.txt`/`.text`/`.md` text, `.html`/`.htm` HTML,
/// `.jsonl`/`.ndjson` JSON Lines, `.json` JSON array or object) or, for other
/// extensions and stdin, by sniffing the content. Results come in input
/// order; a bad file or line is an `Err` and reading goes on.
pub fn read_inputs(paths: &[String]) -> Vec<Result<RawDoc, InputError>> {
    Inputs::new(paths).flat_map(|(_, docs)| docs).collect()
}

/// The inputs of [`read_inputs`], read lazily one file at a time (a
/// SaudiNewsNet `.zip` is one file): memory holds one file's documents, not
/// the corpus. Each item is the documents (or errors) of one file.
pub struct Inputs {
    items: std::iter::Zip<std::vec::IntoIter<Item>, std::vec::IntoIter<String>>,
    total_bytes: u64,
    /// A large JSON Lines file being read chunk by chunk.
    stream: Option<JsonlStream>,
}

/// JSON Lines files at least this large are read [`STREAM_LINES`] lines at a
/// time instead of whole.
pub const STREAM_BYTES: u64 = 8 << 20;
/// Lines per chunk of a streamed JSON Lines file.
pub const STREAM_LINES: usize = 2000;

struct JsonlStream {
    reader: std::io::BufReader<std::fs::File>,
    origin: Origin,
    line: usize,
    /// Documents found so far (an empty file is an error).
    docs: usize,
}

impl JsonlStream {
    /// Stream a UTF-8 file (one with a UTF-16 byte-order mark is read whole
    /// and decoded instead).
    fn open(path: &Path, id: String) -> Option<JsonlStream> {
        use std::io::Read;
        let mut f = std::fs::File::open(path).ok()?;
        // Only UTF-8 is streamed: a UTF-16 byte-order mark or bytes that are
        // not UTF-8 in the first 64 KB send the file to the whole-file reader,
        // which detects and decodes other encodings.
        let mut head = vec![0u8; 64 << 10];
        let n = f.read(&mut head).ok()?;
        let head = &head[..n];
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            return None;
        }
        match std::str::from_utf8(head) {
            Ok(_) => {}
            // A character cut by the 64 KB boundary is fine.
            Err(e) if e.error_len().is_none() => {}
            Err(_) => return None,
        }
        let f = std::fs::File::open(path).ok()?;
        let mut origin = Origin::named(&path.display().to_string());
        origin.id = id;
        origin.path = Some(path.to_path_buf());
        Some(JsonlStream {
            reader: std::io::BufReader::with_capacity(1 << 20, f),
            origin,
            line: 0,
            docs: 0,
        })
    }

    /// The next chunk: bytes read and its documents, `None` at the end.
    fn chunk(&mut self) -> Option<(u64, Vec<Result<RawDoc, InputError>>)> {
        use std::io::BufRead;
        let mut out = Vec::new();
        let mut bytes = 0u64;
        let mut buf = Vec::new();
        while out.len() < STREAM_LINES {
            buf.clear();
            match self.reader.read_until(b'\n', &mut buf) {
                Ok(0) => break,
                Ok(k) => bytes += k as u64,
                Err(e) => {
                    out.push(Err(InputError::new(
                        self.origin.file.clone(),
                        Some(self.line + 1),
                        ErrorKind::Io(e.to_string()),
                    )));
                    self.line = usize::MAX; // stop reading this file
                    break;
                }
            }
            self.line += 1;
            let mut b = buf.as_slice();
            if self.line == 1 {
                b = b.strip_prefix("\u{FEFF}".as_bytes()).unwrap_or(b);
            }
            match std::str::from_utf8(b) {
                Ok(line) => out.extend(json::jsonl_line(line, self.line, &self.origin)),
                Err(e) => {
                    let col = b[..e.valid_up_to()]
                        .iter()
                        .filter(|&&c| c & 0xC0 != 0x80)
                        .count()
                        + 1;
                    out.push(Err(InputError::new(
                        self.origin.file.clone(),
                        Some(self.line),
                        ErrorKind::Undecodable {
                            line: self.line,
                            col,
                            byte: b[e.valid_up_to()],
                        },
                    )));
                }
            }
        }
        self.docs += out.len();
        if out.is_empty() {
            if self.docs == 0 && self.line != usize::MAX {
                self.docs = 1;
                return Some((
                    bytes,
                    vec![Err(InputError::new(
                        self.origin.file.clone(),
                        None,
                        ErrorKind::Empty,
                    ))],
                ));
            }
            return None;
        }
        Some((bytes, out))
    }
}

impl Inputs {
    /// Walks directories now (names only); reads nothing yet.
    pub fn new(paths: &[String]) -> Inputs {
        let items = collect(paths);
        let ids = file_ids(&items);
        let total_bytes = items.iter().map(Item::bytes).sum();
        Inputs {
            items: items.into_iter().zip(ids),
            total_bytes,
            stream: None,
        }
    }

    /// Size in bytes of all input files (stdin counts 0), for progress.
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// Number of files (units) still to read.
    pub fn files_left(&self) -> usize {
        self.items.len()
    }
}

impl Iterator for Inputs {
    /// The size of the file read (bytes) and its documents or errors.
    type Item = (u64, Vec<Result<RawDoc, InputError>>);

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(s) = &mut self.stream {
            match s.chunk() {
                Some(c) => return Some(c),
                None => self.stream = None,
            }
        }
        let (item, id) = self.items.next()?;
        let bytes = item.bytes();
        if let Item::File { path, .. } = &item {
            if bytes >= STREAM_BYTES && format_of(path) == Some(Format::Jsonl) {
                if let Some(s) = JsonlStream::open(path, id.clone()) {
                    self.stream = Some(s);
                    return self.next();
                }
            }
        }
        Some((
            bytes,
            match item {
                Item::Stdin => {
                    let mut bytes = Vec::new();
                    match std::io::stdin().lock().read_to_end(&mut bytes) {
                        Ok(_) => read_bytes(&bytes, "-", None),
                        Err(e) => vec![Err(InputError::new(
                            STDIN,
                            None,
                            ErrorKind::Io(e.to_string()),
                        ))],
                    }
                }
                Item::Error(e) => vec![Err(e)],
                Item::File { path, .. } if is_zip(&path) => match saudinewsnet_zip(&path) {
                    Ok(docs) => docs.into_iter().map(Ok).collect(),
                    Err(e) => vec![Err(e)],
                },
                Item::File { path, .. } => {
                    let mut origin = Origin::named(&path.display().to_string());
                    origin.id = id;
                    origin.path = Some(path.clone());
                    match std::fs::read(&path) {
                        Ok(bytes) => read_origin(&bytes, &origin, format_of(&path)),
                        Err(e) => vec![Err(InputError::io(&path, e))],
                    }
                }
            },
        ))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.items.len(), Some(self.items.len()))
    }
}

fn is_zip(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// Read one input held in memory. `name` is its path (its extension picks the
/// format unless `format` is given) or `-`/`<stdin>`; unknown extensions are
/// sniffed from the content (JSON Lines, JSON, HTML, else text).
pub fn read_bytes(
    bytes: &[u8],
    name: &str,
    format: Option<Format>,
) -> Vec<Result<RawDoc, InputError>> {
    let mut origin = Origin::named(name);
    if origin.file != STDIN {
        origin.path = Some(PathBuf::from(name));
    }
    let format = format.or_else(|| origin.path.as_deref().and_then(format_of));
    read_origin(bytes, &origin, format)
}

fn read_origin(
    bytes: &[u8],
    o: &Origin,
    format: Option<Format>,
) -> Vec<Result<RawDoc, InputError>> {
    let html_hint = format == Some(Format::Html);
    let text = match decode::decode_hinted(bytes, &o.file, html_hint) {
        Ok(t) => t,
        Err(e) => return vec![Err(e)],
    };
    let format = format.unwrap_or_else(|| sniff(&text));
    let doc = |text: String, title, published: Option<String>| RawDoc {
        id: o.id.clone(),
        text,
        title,
        published: published.or_else(|| date_prefix(&o.stem)),
        url: None,
        path: o.path.clone(),
        source: None,
        format,
        line: None,
    };
    match format {
        Format::Jsonl => json::jsonl_docs(&text, o),
        Format::Json => json::json_docs(&text, o),
        Format::Html => {
            let h = extract_html(&text);
            if h.text.trim().is_empty() {
                return vec![Err(InputError::new(o.file.clone(), None, ErrorKind::Empty))];
            }
            vec![Ok(doc(h.text, h.title, h.published))]
        }
        Format::Text => vec![Ok(doc(text, None, None))],
    }
}

/// Markdown files found while walking a directory are documentation (a
/// README beside the articles), not articles: they are skipped. A Markdown
/// file named explicitly is read as text.
fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// Format from the file extension; `None` means sniff the content.
fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "text" | "md" => Some(Format::Text),
        "html" | "htm" | "xhtml" => Some(Format::Html),
        "jsonl" | "ndjson" => Some(Format::Jsonl),
        "json" => Some(Format::Json),
        _ => None,
    }
}

/// Guess the format of decoded text.
fn sniff(text: &str) -> Format {
    let t = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    if t.starts_with('{') {
        let first = t.lines().next().unwrap_or("");
        if serde_json::from_str::<serde_json::Value>(first).is_err()
            && serde_json::from_str::<serde_json::Value>(t).is_ok_and(|v| v.is_object())
        {
            return Format::Json;
        }
        return Format::Jsonl;
    }
    if t.starts_with('[')
        && serde_json::from_str::<serde_json::Value>(t).is_ok_and(|v| v.is_array())
    {
        return Format::Json;
    }
    if t.starts_with('<') {
        let head: String = t
            .chars()
            .take(2048)
            .collect::<String>()
            .to_ascii_lowercase();
        const TAGS: &[&str] = &[
            "<!doctype html",
            "<html",
            "<head",
            "<body",
            "<meta",
            "<title",
            "<p>",
            "<p ",
            "<div",
            "<article",
            "<br",
            "<h1",
            "<h2",
            "<span",
            "<a ",
            "<ul",
            "<table",
            "<section",
        ];
        if TAGS.iter().any(|tag| head.contains(tag)) {
            return Format::Html;
        }
    }
    Format::Text
}

/// `2015-11-24` from a file stem like `2015-11-24-jet-downed`.
fn date_prefix(stem: &str) -> Option<String> {
    let head = stem.get(..10)?;
    match stem[10..].chars().next() {
        None | Some('-' | '_' | '.' | ' ') => {}
        _ => return None,
    }
    if head.as_bytes()[4] != b'-' {
        return None;
    }
    normalize_date(head)
}

enum Item {
    Stdin,
    /// `rel`: path relative to the walked directory (`None` for a file
    /// given directly).
    File {
        path: PathBuf,
        rel: Option<PathBuf>,
    },
    Error(InputError),
}

impl Item {
    fn bytes(&self) -> u64 {
        match self {
            Item::File { path, .. } => std::fs::metadata(path).map_or(0, |m| m.len()),
            _ => 0,
        }
    }
}

fn is_hidden(e: &walkdir::DirEntry) -> bool {
    e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.')
}

fn collect(paths: &[String]) -> Vec<Item> {
    let mut items = Vec::new();
    for p in paths {
        if p == "-" {
            items.push(Item::Stdin);
            continue;
        }
        let path = Path::new(p);
        match std::fs::metadata(path) {
            Err(e) => items.push(Item::Error(InputError::io(path, e))),
            Ok(m) if m.is_dir() => {
                let walk = walkdir::WalkDir::new(path)
                    .follow_links(true)
                    .sort_by_file_name()
                    .into_iter()
                    .filter_entry(|e| !is_hidden(e));
                for entry in walk {
                    match entry {
                        Ok(e) if e.file_type().is_file() && !is_markdown(e.path()) => {
                            let rel = e.path().strip_prefix(path).ok().map(Path::to_path_buf);
                            items.push(Item::File {
                                path: e.path().to_path_buf(),
                                rel,
                            });
                        }
                        Ok(_) => {}
                        Err(e) => {
                            let at = e.path().unwrap_or(path).display().to_string();
                            let msg = e
                                .io_error()
                                .map(|io| io.to_string())
                                .unwrap_or_else(|| e.to_string());
                            items.push(Item::Error(InputError::new(at, None, ErrorKind::Io(msg))));
                        }
                    }
                }
            }
            Ok(_) => items.push(Item::File {
                path: path.to_path_buf(),
                rel: None,
            }),
        }
    }
    items
}

/// Ids of whole-file documents: the file stem; the path without extension
/// (relative to the walked directory) when stems repeat; `-2`, `-3`… when
/// even those repeat.
fn file_ids(items: &[Item]) -> Vec<String> {
    let stem = |p: &Path| {
        p.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "input".to_string())
    };
    let mut count: HashMap<String, usize> = HashMap::new();
    for it in items {
        if let Item::File { path, .. } = it {
            *count.entry(stem(path)).or_default() += 1;
        }
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    items
        .iter()
        .map(|it| {
            let Item::File { path, rel } = it else {
                return "stdin".to_string();
            };
            let s = stem(path);
            let base = if count[&s] > 1 {
                let p = rel.as_deref().unwrap_or(path).with_extension("");
                let parts: Vec<String> = p
                    .components()
                    .filter_map(|c| match c {
                        std::path::Component::Normal(x) => Some(x.to_string_lossy().into_owned()),
                        _ => None,
                    })
                    .collect();
                if parts.is_empty() {
                    s
                } else {
                    parts.join("/")
                }
            } else {
                s
            };
            let n = seen.entry(base.clone()).or_default();
            *n += 1;
            if *n == 1 {
                base
            } else {
                format!("{base}-{n}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn brief(rs: &[Result<RawDoc, InputError>]) -> Vec<String> {
        rs.iter()
            .map(|r| match r {
                Ok(d) => format!("ok {} {:?} {}", d.id, d.line, d.text),
                Err(e) => format!("err {e}"),
            })
            .collect()
    }

    #[test]
    fn large_jsonl_is_streamed_in_chunks_with_the_same_results() {
        let dir = temp_dir("stream");
        let path = dir.join("feed.jsonl");
        let mut text = String::from("\u{FEFF}");
        for i in 0..(STREAM_LINES + 10) {
            text.push_str(&format!(
                "{{\"id\": \"d{i}\", \"text\": \"نص رقم {i} {}\"}}\n",
                "حشو ".repeat(1000)
            ));
            if i == 5 {
                text.push_str("\n{not json\n[1]\n");
            }
        }
        std::fs::write(&path, &text).unwrap();
        assert!(text.len() as u64 >= STREAM_BYTES);
        let paths = [path.display().to_string()];
        let chunks: Vec<_> = Inputs::new(&paths).collect();
        assert_eq!(chunks.len(), 2, "read in two chunks");
        assert_eq!(
            chunks.iter().map(|c| c.0).sum::<u64>(),
            text.len() as u64,
            "bytes of the chunks add up to the file"
        );
        let streamed: Vec<_> = chunks.into_iter().flat_map(|c| c.1).collect();
        let whole = read_origin(
            text.as_bytes(),
            &Origin {
                path: Some(path.clone()),
                ..Origin::named(&paths[0])
            },
            Some(Format::Jsonl),
        );
        assert_eq!(streamed.len(), STREAM_LINES + 12);
        assert_eq!(brief(&streamed), brief(&whole));
        let errs: Vec<String> = streamed
            .iter()
            .filter_map(|r| r.as_ref().err().map(|e| e.to_string()))
            .collect();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].contains("feed.jsonl:8:"), "{errs:?}");
        assert!(errs[1].contains("feed.jsonl:9:"), "{errs:?}");
        // A bad UTF-8 line past the sniffed head is an error naming its line;
        // the lines after it are read.
        let mut bad = text.clone().into_bytes();
        let at = text.rfind("\n{").unwrap() + 1;
        bad.splice(at..at, [0xFF, b'\n']);
        std::fs::write(&path, &bad).unwrap();
        let rs: Vec<_> = Inputs::new(&paths).flat_map(|c| c.1).collect();
        let errs: Vec<String> = rs
            .iter()
            .filter_map(|r| r.as_ref().err().map(|e| e.to_string()))
            .collect();
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert!(
            errs[2].contains(&format!(":{}:", STREAM_LINES + 13)),
            "{errs:?}"
        );
        assert_eq!(rs.iter().filter(|r| r.is_ok()).count(), STREAM_LINES + 10);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A fresh directory under the system temp dir.
    pub(crate) fn temp_dir(tag: &str) -> PathBuf {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "marsad-ingest-{tag}-{}-{nanos}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write(dir: &Path, rel: &str, bytes: &[u8]) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    #[test]
    fn directory_walk() {
        let dir = temp_dir("walk");
        let cp1256 = encoding_rs::WINDOWS_1256
            .encode("انفجاران في الضاحية الجنوبية لبيروت وسقوط عشرات الضحايا")
            .0
            .into_owned();
        write(&dir, "b/2015-11-12-news.txt", "خبر أول".as_bytes());
        write(&dir, "a/news.txt", "خبر ثان".as_bytes());
        write(&dir, "b/news.text", "خبر ثالث".as_bytes());
        // Markdown beside articles is documentation: skipped in walks.
        write(&dir, "b/README.md", "# notes".as_bytes());
        write(&dir, "legacy.txt", &cp1256);
        write(&dir, ".hidden.txt", b"secret");
        write(&dir, ".git/config", b"secret");
        write(&dir, "x.bin", b"\x7fELF\0\0\0");
        write(&dir, "empty.txt", b"  \n");
        write(
            &dir,
            "page.htm",
            "<html><head><title>ع</title></head><body><p>فقرة</p></body></html>".as_bytes(),
        );
        write(
            &dir,
            "feed.jsonl",
            b"{\"id\":1,\"text\":\"a\"}\n{bad\n{\"text\":\"b\"}\n",
        );
        write(&dir, "noext", b"{\"text\":\"sniffed\"}\n");
        write(&dir, "data.json", b"[{\"text\":\"j\"}]");

        let root = dir.display().to_string();
        let missing = dir.join("missing.txt").display().to_string();
        let got: Vec<String> = read_inputs(&[root.clone(), missing])
            .iter()
            .map(|r| match r {
                Ok(d) => format!(
                    "{} {:?} {:?} {:?} {}",
                    d.id,
                    d.format,
                    d.line,
                    d.published,
                    d.text.replace('\n', "|")
                ),
                Err(e) => e.to_string().replace(&root, "D"),
            })
            .collect();
        assert_eq!(
            got,
            vec![
                "a/news Text None None خبر ثان",
                "2015-11-12-news Text None Some(\"2015-11-12\") خبر أول",
                "b/news Text None None خبر ثالث",
                "data-1 Json Some(1) None j",
                "D/empty.txt: empty document, skipped",
                "1 Jsonl Some(1) None a",
                "D/feed.jsonl:2: invalid JSON: key must be a string at column 2",
                "feed-3 Jsonl Some(3) None b",
                "legacy Text None None انفجاران في الضاحية الجنوبية لبيروت وسقوط عشرات الضحايا",
                "noext-1 Jsonl Some(1) None sniffed",
                "page Html None None فقرة",
                "D/x.bin: binary file (NUL byte at offset 4), skipped",
                "D/missing.txt: no such file or directory",
            ]
        );
        let docs = read_inputs(&[dir.join("page.htm").display().to_string()]);
        let d = docs[0].as_ref().unwrap();
        assert_eq!(d.title.as_deref(), Some("ع"));
        assert_eq!(d.path.as_deref(), Some(dir.join("page.htm").as_path()));
        // The same file twice keeps ids unique.
        let f = dir.join("a/news.txt").display().to_string();
        let ids: Vec<String> = read_inputs(&[f.clone(), f])
            .into_iter()
            .map(|r| r.unwrap().id)
            .collect();
        assert_eq!(
            ids,
            ["a/news", "a/news-2"].map(|s| format!("{}/{s}", dir.display())
                .trim_start_matches('/')
                .to_string())
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn sniffing_table() {
        let cases: Vec<(&str, &str, Format)> = vec![
            ("jsonl", "{\"text\":\"a\"}\n{\"text\":\"b\"}", Format::Jsonl),
            ("pretty json object", "{\n \"text\": \"a\"\n}", Format::Json),
            ("json array", " [{\"text\":\"a\"}]", Format::Json),
            (
                "html",
                "<!DOCTYPE html><html><body><p>x</p></body></html>",
                Format::Html,
            ),
            ("fragment", "<p>نص</p>", Format::Html),
            ("text", "نص عادي\nسطر", Format::Text),
            ("text with bracket", "[تحديث] نص", Format::Text),
            ("broken jsonl", "{bad", Format::Jsonl),
        ];
        for (name, input, want) in cases {
            assert_eq!(sniff(input), want, "{name}");
        }
        let rs = read_bytes("{\"text\":\"x\"}".as_bytes(), "-", None);
        let d = rs[0].as_ref().unwrap();
        assert_eq!((d.id.as_str(), d.path.as_ref()), ("stdin-1", None));
        let rs = read_bytes(b"plain", "-", None);
        assert_eq!(rs[0].as_ref().unwrap().id, "stdin");
        let rs = read_bytes(b"<p>x</p>", "page.txt", None);
        assert_eq!(rs[0].as_ref().unwrap().text, "<p>x</p>", "extension wins");
        let rs = read_bytes(b"<p>x</p>", "page.txt", Some(Format::Html));
        assert_eq!(rs[0].as_ref().unwrap().text, "x");
    }

    #[test]
    fn date_prefix_table() {
        for (stem, want) in [
            ("2015-11-24-jet-downed", Some("2015-11-24")),
            ("2015-11-24", Some("2015-11-24")),
            ("2015-11-244", None),
            ("20151124-x", None),
            ("news", None),
            ("٢٠١٥-١١-٢٤", None),
        ] {
            assert_eq!(date_prefix(stem).as_deref(), want, "{stem}");
        }
    }

    proptest! {
        // 256 cases by default; more with PROPTEST_CASES=N.
        #![proptest_config(ProptestConfig::default())]
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = decode(&bytes, "f");
            let lossy = String::from_utf8_lossy(&bytes);
            let _ = extract_html(&lossy);
            let _ = parse_jsonl(&lossy, "f.jsonl");
            let _ = parse_json(&lossy, "f.json");
            let _ = read_bytes(&bytes, "-", None);
            let _ = normalize_date(&lossy);
        }

        #[test]
        fn never_panics_on_markup(s in "(<[a-z/!]{0,8}( [a-z]{1,6}=\"[a-z ]{0,8}\")?>|[a-zا-ي \n{}\\[\\]\":,]{0,12}|&[a-z]{0,6};?){0,60}") {
            let _ = extract_html(&s);
            let _ = parse_jsonl(&s, "f.jsonl");
            let _ = parse_json(&s, "f.json");
            let _ = read_bytes(s.as_bytes(), "-", None);
        }
    }
}
