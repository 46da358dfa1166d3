//! JSON Lines and JSON documents: objects with `id`, `text`, `title`,
//! `published`, `url`, `source`.

use serde_json::{Map, Value};

use crate::date::normalize_date;
use crate::error::{ErrorKind, InputError};
use crate::{Format, Origin, RawDoc};

/// Parse JSON Lines text: one object per line, blank lines skipped. Every
/// bad line gives an error naming `file:line`; the other lines go on.
/// `file` names the input in errors (`<stdin>` for standard input) and its
/// stem prefixes generated ids (`<stem>-<line>`).
pub fn parse_jsonl(text: &str, file: &str) -> Vec<Result<RawDoc, InputError>> {
    jsonl_docs(text, &Origin::named(file))
}

/// Parse a JSON document: an array of record objects or a single object.
pub fn parse_json(text: &str, file: &str) -> Vec<Result<RawDoc, InputError>> {
    json_docs(text, &Origin::named(file))
}

pub(crate) fn jsonl_docs(text: &str, o: &Origin) -> Vec<Result<RawDoc, InputError>> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut out: Vec<_> = text
        .split('\n')
        .enumerate()
        .filter_map(|(i, line)| jsonl_line(line, i + 1, o))
        .collect();
    if out.is_empty() {
        out.push(Err(InputError::new(o.file.clone(), None, ErrorKind::Empty)));
    }
    out
}

/// Line `n` of a JSON Lines input: `None` when blank.
pub(crate) fn jsonl_line(line: &str, n: usize, o: &Origin) -> Option<Result<RawDoc, InputError>> {
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    let r = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(m)) => record(m, o, Format::Jsonl, Some(n), format!("{}-{n}", o.stem)),
        Ok(_) => Err(ErrorKind::InvalidJson("expected a JSON object".into())),
        Err(e) => Err(ErrorKind::InvalidJson(json_message(&e, line, 0))),
    };
    Some(r.map_err(|k| InputError::new(o.file.clone(), Some(n), k)))
}

pub(crate) fn json_docs(text: &str, o: &Origin) -> Vec<Result<RawDoc, InputError>> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let err = |line: Option<usize>, k| vec![Err(InputError::new(o.file.clone(), line, k))];
    let start = text.len() - text.trim_start().len();
    let line_at = |pos: usize| 1 + text[..pos].matches('\n').count();
    match text.as_bytes().get(start) {
        None => err(None, ErrorKind::Empty),
        Some(b'[') => json_array(text, start + 1, o),
        Some(b'{') => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => {
                let line = line_at(start);
                vec![record(m, o, Format::Json, Some(line), o.stem.clone())
                    .map_err(|k| InputError::new(o.file.clone(), Some(line), k))]
            }
            Ok(_) => err(None, ErrorKind::InvalidJson("expected an object".into())),
            Err(e) => err(
                Some(e.line()),
                ErrorKind::InvalidJson(json_message(
                    &e,
                    text.split('\n')
                        .nth(e.line().saturating_sub(1))
                        .unwrap_or(""),
                    0,
                )),
            ),
        },
        Some(_) => err(
            Some(line_at(start)),
            ErrorKind::InvalidJson("expected an array of objects or an object".into()),
        ),
    }
}

/// Elements of a top-level array parsed one by one, so each record knows its
/// line. A syntax error ends the array (what follows cannot be trusted).
fn json_array(text: &str, mut pos: usize, o: &Origin) -> Vec<Result<RawDoc, InputError>> {
    let mut out = Vec::new();
    let mut line = 1 + text[..pos].matches('\n').count();
    let advance = |from: usize, to: usize, line: &mut usize| {
        *line += text[from..to].matches('\n').count();
    };
    let skip_ws = |p: usize| p + (text[p..].len() - text[p..].trim_start().len());
    let mut index = 0;
    let mut first = true;
    loop {
        let p = skip_ws(pos);
        advance(pos, p, &mut line);
        pos = p;
        match text.as_bytes().get(pos) {
            Some(b']') => {
                let after = &text[pos + 1..];
                let rest = pos + 1 + (after.len() - after.trim_start().len());
                if rest < text.len() {
                    out.push(Err(InputError::new(
                        o.file.clone(),
                        Some(line + text[pos..rest].matches('\n').count()),
                        ErrorKind::InvalidJson("trailing characters after the array".into()),
                    )));
                }
                break;
            }
            None => {
                out.push(Err(InputError::new(
                    o.file.clone(),
                    Some(line),
                    ErrorKind::InvalidJson("unexpected end of file inside the array".into()),
                )));
                break;
            }
            _ => {}
        }
        if !first {
            if text.as_bytes()[pos] != b',' {
                out.push(Err(InputError::new(
                    o.file.clone(),
                    Some(line),
                    ErrorKind::InvalidJson("expected `,` or `]` between records".into()),
                )));
                break;
            }
            pos += 1;
            let p = skip_ws(pos);
            advance(pos, p, &mut line);
            pos = p;
        }
        first = false;
        index += 1;
        let mut stream = serde_json::Deserializer::from_str(&text[pos..]).into_iter::<Value>();
        let value = match stream.next() {
            Some(Ok(v)) => v,
            Some(Err(e)) => {
                let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
                let col_offset = text[line_start..pos].chars().count();
                let rest = &text[pos..];
                let src = rest
                    .split('\n')
                    .nth(e.line().saturating_sub(1))
                    .unwrap_or("");
                out.push(Err(InputError::new(
                    o.file.clone(),
                    Some(line + e.line().saturating_sub(1)),
                    ErrorKind::InvalidJson(json_message(&e, src, col_offset)),
                )));
                break;
            }
            None => continue, // end of input: reported at the top of the loop
        };
        let end = pos + stream.byte_offset();
        let r = match value {
            Value::Object(m) => record(
                m,
                o,
                Format::Json,
                Some(line),
                format!("{}-{index}", o.stem),
            ),
            _ => Err(ErrorKind::InvalidJson("expected a JSON object".into())),
        };
        out.push(r.map_err(|k| InputError::new(o.file.clone(), Some(line), k)));
        advance(pos, end, &mut line);
        pos = end;
    }
    if out.is_empty() {
        out.push(Err(InputError::new(o.file.clone(), None, ErrorKind::Empty)));
    }
    out
}

/// serde_json's message with `at line L column N` → `at column C` (the line
/// goes in the error's `line`; C counts characters, not bytes). `src`: the
/// source line of the error; `col_offset`: characters before the parsed text
/// on its first line.
fn json_message(e: &serde_json::Error, src: &str, col_offset: usize) -> String {
    let msg = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let mut b = e.column().saturating_sub(1).min(src.len());
    while !src.is_char_boundary(b) {
        b -= 1;
    }
    let col = src[..b].chars().count() + 1 + if e.line() == 1 { col_offset } else { 0 };
    match msg.strip_suffix(&suffix) {
        Some(m) => format!("{m} at column {col}"),
        None => msg,
    }
}

fn record(
    mut m: Map<String, Value>,
    o: &Origin,
    format: Format,
    line: Option<usize>,
    default_id: String,
) -> Result<RawDoc, ErrorKind> {
    let id = match m.remove("id") {
        None | Some(Value::Null) => default_id,
        Some(Value::String(s)) if s.trim().is_empty() => default_id,
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => return Err(invalid("id", "expected a string or a number")),
    };
    let text = match m.remove("text").or_else(|| m.remove("content")) {
        None | Some(Value::Null) => return Err(ErrorKind::MissingField("text")),
        Some(Value::String(s)) => s,
        Some(_) => return Err(invalid("text", "expected a string")),
    };
    if text.trim().is_empty() {
        return Err(ErrorKind::Empty);
    }
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    };
    let published = match m.remove("published").or_else(|| m.remove("date")) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => match normalize_date(&s) {
            Some(d) => Some(d),
            None => {
                return Err(invalid(
                    "published",
                    &format!("not a date: {s:?} (expected YYYY-MM-DD or an ISO datetime)"),
                ))
            }
        },
        Some(_) => return Err(invalid("published", "expected a string")),
    };
    Ok(RawDoc {
        id,
        text,
        title: opt_string(&mut m, "title")?,
        published,
        url: opt_string(&mut m, "url")?,
        path: o.path.clone(),
        source: opt_string(&mut m, "source")?,
        format,
        line,
    })
}

fn opt_string(
    m: &mut Map<String, Value>,
    field: &'static str,
) -> Result<Option<String>, ErrorKind> {
    match m.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => {
            let s = s.trim();
            Ok((!s.is_empty()).then(|| s.to_string()))
        }
        Some(_) => Err(invalid(field, "expected a string")),
    }
}

fn invalid(field: &'static str, message: &str) -> ErrorKind {
    ErrorKind::InvalidField {
        field,
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(rs: &[Result<RawDoc, InputError>]) -> Vec<String> {
        rs.iter()
            .map(|r| match r {
                Ok(d) => format!("ok {} line={:?}", d.id, d.line),
                Err(e) => format!("err {}", e),
            })
            .collect()
    }

    #[test]
    fn jsonl_table() {
        let input = concat!(
            "{\"id\": \"a1\", \"text\": \"نص أول\", \"title\": \"عنوان\", \"published\": \"2015-11-27\", \"url\": \"http://x/1\", \"source\": \"marsad\"}\n",
            "\n",
            "{\"id\": 42, \"text\": \"نص ثان\", \"published\": \"2015-11-27T08:30:00+03:00\"}\n",
            "{\"id\": \"bad\", \"text\": \"x\",, }\n",
            "{\"text\": \"بلا معرف\"}\r\n",
            "{\"id\": \"nt\", \"title\": \"بلا نص\"}\n",
            "{\"id\": \"et\", \"text\": \"   \"}\n",
            "{\"id\": \"bd\", \"text\": \"x\", \"published\": \"2015-02-30\"}\n",
            "[1, 2]\n",
            "{\"id\": \"last\", \"text\": \"مقطو",
        );
        let rs = parse_jsonl(input, "feeds/day.jsonl");
        assert_eq!(
            summary(&rs),
            vec![
                "ok a1 line=Some(1)",
                "ok 42 line=Some(3)",
                "err feeds/day.jsonl:4: invalid JSON: key must be a string at column 27",
                "ok day-5 line=Some(5)",
                "err feeds/day.jsonl:6: missing field `text`",
                "err feeds/day.jsonl:7: empty document, skipped",
                "err feeds/day.jsonl:8: invalid field `published`: not a date: \"2015-02-30\" (expected YYYY-MM-DD or an ISO datetime)",
                "err feeds/day.jsonl:9: invalid JSON: expected a JSON object",
                "err feeds/day.jsonl:10: invalid JSON: EOF while parsing a string at column 28",
            ]
        );
        let d = rs[0].as_ref().unwrap();
        assert_eq!(d.text, "نص أول");
        assert_eq!(d.title.as_deref(), Some("عنوان"));
        assert_eq!(d.published.as_deref(), Some("2015-11-27"));
        assert_eq!(d.url.as_deref(), Some("http://x/1"));
        assert_eq!(d.source.as_deref(), Some("marsad"));
        assert_eq!(d.format, Format::Jsonl);
        assert_eq!(
            rs[1].as_ref().unwrap().published.as_deref(),
            Some("2015-11-27")
        );
        assert_eq!(rs[3].as_ref().unwrap().text, "بلا معرف");
        assert_eq!(rs[2].as_ref().unwrap_err().code(), "invalid_json");
    }

    #[test]
    fn jsonl_empty_and_stdin_ids() {
        let rs = parse_jsonl("\n \n", "<stdin>");
        assert_eq!(summary(&rs), vec!["err <stdin>: empty document, skipped"]);
        let rs = parse_jsonl("{\"text\":\"t\"}", "<stdin>");
        assert_eq!(summary(&rs), vec!["ok stdin-1 line=Some(1)"]);
    }

    #[test]
    fn json_array_and_object() {
        let input = "[\n  {\"id\": \"a\", \"text\": \"أ\"},\n  {\"title\": \"no text\"},\n  {\"text\": \"ب\"}\n]\n";
        assert_eq!(
            summary(&parse_json(input, "d/x.json")),
            vec![
                "ok a line=Some(2)",
                "err d/x.json:3: missing field `text`",
                "ok x-3 line=Some(4)",
            ]
        );
        let input = "[{\"id\": \"a\", \"text\": \"أ\"},\n {\"id\": \"b\", \"text\": ";
        assert_eq!(
            summary(&parse_json(input, "x.json")),
            vec![
                "ok a line=Some(1)",
                "err x.json:2: invalid JSON: EOF while parsing a value at column 21"
            ]
        );
        let input = "{\n \"text\": \"نص\",\n \"published\": \"2015-11-20T10:00:00Z\"\n}";
        let rs = parse_json(input, "one.json");
        assert_eq!(summary(&rs), vec!["ok one line=Some(1)"]);
        assert_eq!(
            rs[0].as_ref().unwrap().published.as_deref(),
            Some("2015-11-20")
        );
        assert_eq!(
            summary(&parse_json("[]", "e.json")),
            vec!["err e.json: empty document, skipped"]
        );
        assert_eq!(
            summary(&parse_json("\"str\"", "s.json")),
            vec!["err s.json:1: invalid JSON: expected an array of objects or an object"]
        );
        assert_eq!(
            summary(&parse_json("[{\"text\":\"a\"} {\"text\":\"b\"}]", "c.json")),
            vec![
                "ok c-1 line=Some(1)",
                "err c.json:1: invalid JSON: expected `,` or `]` between records"
            ]
        );
        assert_eq!(
            summary(&parse_json("[{\"text\":\"a\"}] x", "t.json")),
            vec![
                "ok t-1 line=Some(1)",
                "err t.json:1: invalid JSON: trailing characters after the array"
            ]
        );
    }
}
