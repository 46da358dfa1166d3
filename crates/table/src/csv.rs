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
                Value::Str(s) => self.field.extend_from_slice(s.as_bytes()),
                Value::Int(n) => self.field.extend_from_slice(n.to_string().as_bytes()),
                Value::Float(x) => format_float(*x, &mut self.field),
                Value::Bool(b) => self
                    .field
                    .extend_from_slice(if *b { b"true" } else { b"false" }),
                Value::List(items) => join_list(items, &mut self.field),
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
    use super::join_list;

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
