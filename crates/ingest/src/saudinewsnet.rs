//! SaudiNewsNet benchmark corpus: zips that each hold one JSON array of
//! `{source, url, date_extracted, title, author, content}`.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::date::normalize_date;
use crate::error::{ErrorKind, InputError};
use crate::{Format, RawDoc};

#[derive(Deserialize)]
struct Article {
    source: Option<String>,
    url: Option<String>,
    date_extracted: Option<String>,
    title: Option<String>,
    content: Option<String>,
}

/// Articles of one SaudiNewsNet zip, in archive order. `id` is the article
/// URL (`<zip stem>-<n>` when there is none, `#2`… appended to repeats),
/// `published` comes from `date_extracted`, `source` is the outlet.
/// Articles with empty content are left out.
pub fn saudinewsnet_zip(path: &Path) -> Result<Vec<RawDoc>, InputError> {
    let file = path.display().to_string();
    let archive_err = |m: String| InputError::new(file.clone(), None, ErrorKind::Archive(m));
    let f = std::fs::File::open(path).map_err(|e| InputError::io(path, e))?;
    let mut zip = zip::ZipArchive::new(f).map_err(|e| archive_err(e.to_string()))?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut docs = Vec::new();
    let mut seen = HashSet::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| archive_err(e.to_string()))?;
        if !entry.is_file() || !entry.name().to_ascii_lowercase().ends_with(".json") {
            continue;
        }
        let name = entry.name().to_string();
        let mut bytes = Vec::with_capacity(entry.size().min(1 << 30) as usize);
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| archive_err(format!("{name}: {e}")))?;
        let articles: Vec<Article> = serde_json::from_slice(&bytes).map_err(|e| {
            InputError::new(
                format!("{file}!{name}"),
                Some(e.line()),
                ErrorKind::InvalidJson(e.to_string()),
            )
        })?;
        for (n, a) in articles.into_iter().enumerate() {
            let Some(text) = a.content.filter(|t| !t.trim().is_empty()) else {
                continue;
            };
            let url = a
                .url
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty());
            let base = url.clone().unwrap_or_else(|| format!("{stem}-{}", n + 1));
            let mut id = base.clone();
            let mut k = 1;
            while !seen.insert(id.clone()) {
                k += 1;
                id = format!("{base}#{k}");
            }
            docs.push(RawDoc {
                id,
                text,
                title: a
                    .title
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty()),
                published: a.date_extracted.as_deref().and_then(normalize_date),
                url,
                path: Some(path.to_path_buf()),
                source: a.source.filter(|s| !s.trim().is_empty()),
                format: Format::Json,
                line: None,
            });
        }
    }
    Ok(docs)
}

/// Articles of every `*.zip` in `dir` (sorted by name), in order.
pub fn saudinewsnet_dir(dir: &Path) -> Result<Vec<RawDoc>, InputError> {
    let mut zips: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| InputError::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("zip")))
        .collect();
    zips.sort();
    let mut docs = Vec::new();
    for z in zips {
        docs.extend(saudinewsnet_zip(&z)?);
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write_zip(path: &Path, name: &str, json: &str) {
        let f = std::fs::File::create(path).unwrap();
        let mut z = zip::ZipWriter::new(f);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file(name, opts).unwrap();
        z.write_all(json.as_bytes()).unwrap();
        z.finish().unwrap();
    }

    #[test]
    fn reads_zip_and_dir() {
        let dir = crate::tests::temp_dir("snn");
        let json = r#"[
 {"source": "sabq", "url": "http://sabq.org/1", "date_extracted": "2015-07-21 02:51:32", "title": " عنوان ", "author": "x", "content": "نص الخبر الأول"},
 {"source": "sabq", "url": "http://sabq.org/1", "date_extracted": "bad", "title": "", "author": null, "content": "نص مكرر"},
 {"source": "sabq", "url": "", "date_extracted": "2015-07-21", "title": "t", "author": "", "content": "  "},
 {"source": "", "url": null, "date_extracted": null, "title": null, "author": null, "content": "بلا رابط"}
]"#;
        write_zip(&dir.join("2015-07-21.zip"), "2015-07-21.json", json);
        write_zip(&dir.join("2015-07-22.zip"), "2015-07-22.json", "[]");
        std::fs::write(dir.join("notes.txt"), "x").unwrap();
        let docs = saudinewsnet_zip(&dir.join("2015-07-21.zip")).unwrap();
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(
            ids,
            ["http://sabq.org/1", "http://sabq.org/1#2", "2015-07-21-4"]
        );
        assert_eq!(docs[0].title.as_deref(), Some("عنوان"));
        assert_eq!(docs[0].published.as_deref(), Some("2015-07-21"));
        assert_eq!(docs[0].source.as_deref(), Some("sabq"));
        assert_eq!(docs[1].published, None);
        assert_eq!(docs[2].source, None);
        assert_eq!(saudinewsnet_dir(&dir).unwrap().len(), 3);

        std::fs::write(dir.join("bad.zip"), "not a zip").unwrap();
        let e = saudinewsnet_dir(&dir).unwrap_err();
        assert_eq!(e.code(), "invalid_archive");
        write_zip(&dir.join("bad.zip"), "x.json", "[{\"content\": ");
        let e = saudinewsnet_zip(&dir.join("bad.zip")).unwrap_err();
        assert_eq!(e.code(), "invalid_json", "{e}");
        let e = saudinewsnet_zip(&dir.join("none.zip")).unwrap_err();
        assert_eq!(e.code(), "not_found");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The real corpus, when it is there (not copied into the repository).
    #[test]
    fn real_corpus_first_zip() {
        let p = Path::new("/work/shared/corpora/saudinewsnet/2015-07-21.zip");
        if !p.exists() {
            return;
        }
        let docs = saudinewsnet_zip(p).unwrap();
        assert!(docs.len() > 1000);
        assert!(docs
            .iter()
            .all(|d| d.published.as_deref() == Some("2015-07-21")));
        assert!(docs.iter().all(|d| d.source.is_some()));
    }
}
