//! JSON Lines: one object per row, keys in column order.

use std::io::{self, Write};

use crate::{Column, Value};

pub(crate) struct JsonlWriter<W: Write> {
    out: W,
    /// `"name":` for each column, with the separating comma before all but
    /// the first, already JSON-escaped.
    keys: Vec<Vec<u8>>,
    line: Vec<u8>,
}

impl<W: Write> JsonlWriter<W> {
    pub(crate) fn new(out: W, columns: &[Column]) -> Self {
        let keys = columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut key = Vec::new();
                key.push(if i == 0 { b'{' } else { b',' });
                serde_json::to_writer(&mut key, c.name).expect("writing to a Vec cannot fail");
                key.push(b':');
                key
            })
            .collect();
        JsonlWriter {
            out,
            keys,
            line: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, row: &[Value]) -> io::Result<()> {
        let line = &mut self.line;
        line.clear();
        for (key, value) in self.keys.iter().zip(row) {
            line.extend_from_slice(key);
            let written = match value {
                Value::Null => {
                    line.extend_from_slice(b"null");
                    Ok(())
                }
                Value::Str(s) => serde_json::to_writer(&mut *line, s),
                Value::Int(n) => serde_json::to_writer(&mut *line, n),
                // serde_json writes non-finite floats as `null`.
                Value::Float(x) => serde_json::to_writer(&mut *line, x),
                Value::Bool(b) => serde_json::to_writer(&mut *line, b),
                Value::List(items) => serde_json::to_writer(&mut *line, items),
            };
            written.expect("writing to a Vec cannot fail");
        }
        line.extend_from_slice(b"}\n");
        self.out.write_all(line)
    }

    pub(crate) fn finish(self) -> W {
        self.out
    }
}
