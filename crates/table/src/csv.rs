//! CSV (RFC 4180) rows; the conventions are documented on the crate.

use std::io::{self, Write};

use crate::{format_float, Column, Value};

pub(crate) struct CsvWriter<W: Write> {
    out: W,
    /// One record, built before it is written in one call.
    line: Vec<u8>,
    /// Scratch for one field.
    field: Vec<u8>,
}

impl<W: Write> CsvWriter<W> {
    pub(crate) fn new(mut out: W, columns: &[Column], bom: bool) -> io::Result<Self> {
        if bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        let mut w = CsvWriter {
            out,
            line: Vec::new(),
            field: Vec::new(),
        };
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                w.line.push(b',');
            }
            push_field(&mut w.line, c.name.as_bytes(), false);
        }
        w.end_line()?;
        Ok(w)
    }

    pub(crate) fn push(&mut self, row: &[Value]) -> io::Result<()> {
        for (i, value) in row.iter().enumerate() {
            if i > 0 {
                self.line.push(b',');
            }
            self.field.clear();
            match value {
                Value::Null => continue,
                Value::Str(s) => {
                    if csv_needs_guard(s) {
                        self.field.push(b'\'');
                    }
                    self.field.extend_from_slice(s.as_bytes())
                }
                Value::Int(n) => self.field.extend_from_slice(n.to_string().as_bytes()),
                Value::Float(x) => format_float(*x, &mut self.field),
                Value::Bool(b) => self
                    .field
                    .extend_from_slice(if *b { b"true" } else { b"false" }),
                Value::List(items) => {
                    join_list(items, &mut self.field);
                    // Joined items are ASCII-escaped UTF-8: still valid UTF-8.
                    if std::str::from_utf8(&self.field).is_ok_and(csv_needs_guard) {
                        self.field.insert(0, b'\'');
                    }
                }
            }
            push_field(&mut self.line, &self.field, true);
        }
        self.end_line()
    }

    fn end_line(&mut self) -> io::Result<()> {
        self.line.extend_from_slice(b"\r\n");
        self.out.write_all(&self.line)?;
        self.line.clear();
        Ok(())
    }

    pub(crate) fn finish(self) -> W {
        self.out
    }
}

/// Invisible formatting characters a spreadsheet may skip before a formula
/// sign: bidi marks, embeddings, overrides and isolates, zero-width
/// characters, word joiner, BOM, the Arabic letter mark.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Whether a text field would be taken for a formula by a spreadsheet and is
/// written with a `'` in front (see the crate documentation). Leading `'`s
/// do not change the answer.
pub fn csv_needs_guard(field: &str) -> bool {
    let rest = field.trim_start_matches('\'');
    if rest.starts_with(['\t', '\r']) {
        return true;
    }
    rest.trim_start_matches(|c: char| c == '\'' || c.is_whitespace() || invisible(c))
        .starts_with([
            '=', '+', '-', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
        ])
}

/// A text field as it was before [`csv_needs_guard`] put a `'` in front of
/// it (for readers of marsad's CSV).
pub fn csv_unguard(field: &str) -> &str {
    match field.strip_prefix('\'') {
        Some(rest) if csv_needs_guard(rest) => rest,
        _ => field,
    }
}

/// Appends one field, quoted if it needs to be. `empty_is_value`: an empty
/// field is written `""` so that it is not read as null.
fn push_field(line: &mut Vec<u8>, field: &[u8], empty_is_value: bool) {
    let needs_quotes = (field.is_empty() && empty_is_value)
        || field
            .iter()
            .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'));
    if !needs_quotes {
        line.extend_from_slice(field);
        return;
    }
    line.push(b'"');
    for &b in field {
        if b == b'"' {
            line.push(b'"');
        }
        line.push(b);
    }
    line.push(b'"');
}

/// Joins list items with `|`, escaping `\` and `|` in them with a backslash;
/// `[""]` is a lone `\`.
pub(crate) fn join_list(items: &[String], out: &mut Vec<u8>) {
    if let [only] = items {
        if only.is_empty() {
            out.push(b'\\');
            return;
        }
    }
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b'|');
        }
        for &b in item.as_bytes() {
            if b == b'\\' || b == b'|' {
                out.push(b'\\');
            }
            out.push(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{csv_needs_guard, csv_unguard, join_list};

    #[test]
    fn formula_guard() {
        // (field, guarded)
        let cases = [
            ("=1+1", true),
            ("+20 قتيلا", true),
            ("-5", true),
            ("@SUM(A1)", true),
            ("=HYPERLINK(\"http://x\")", true),
            ("\tx", true),
            ("\rx", true),
            ("  =1", true),
            ("\u{200f}=1", true),
            ("\u{feff}@x", true),
            ("\u{00a0}-1", true),
            ("＝1", true),
            ("'=1", true),
            ("''-1", true),
            ("' =1", true),
            ("x=1", false),
            ("تركيا - روسيا", false),
            ("'x", false),
            ("'", false),
            ("", false),
            (" x", false),
            ("1-2", false),
            ("\u{200f}تركيا", false),
        ];
        for (field, guarded) in cases {
            assert_eq!(csv_needs_guard(field), guarded, "{field:?}");
            // Leading apostrophes never change the answer, so unguarding the
            // written form gives the field back.
            assert_eq!(csv_needs_guard(&format!("'{field}")), guarded, "'{field:?}");
            let written = if guarded {
                format!("'{field}")
            } else {
                field.to_string()
            };
            assert_eq!(csv_unguard(&written), field, "{written:?}");
        }
    }

    fn join(items: &[&str]) -> String {
        let items: Vec<String> = items.iter().map(|s| s.to_string()).collect();
        let mut out = Vec::new();
        join_list(&items, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn list_joining() {
        let cases: &[(&[&str], &str)] = &[
            (&[], ""),
            (&[""], "\\"),
            (&["", ""], "|"),
            (&["a", ""], "a|"),
            (&["", "a"], "|a"),
            (&["مصر", "السعودية"], "مصر|السعودية"),
            (&["a|b"], "a\\|b"),
            (&["a\\b"], "a\\\\b"),
            (&["\\"], "\\\\"),
            (&["|"], "\\|"),
            (&["\\|", "x"], "\\\\\\||x"),
        ];
        for (items, want) in cases {
            assert_eq!(join(items), *want, "items {items:?}");
        }
    }
}
