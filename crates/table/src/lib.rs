//! Tabular exports of the corpus — JSONL, CSV and Parquet — from one generic
//! description of a table.
//!
//! A table is a list of [`Column`]s, each with a name and a [`ColType`]. A
//! [`TableWriter`] is created for one output and one [`TableFormat`]; rows of
//! [`Value`]s are pushed one by one and checked against the columns (arity and
//! types), and [`TableWriter::finish`] completes the file and hands the output
//! back. Memory stays bounded: JSONL and CSV rows go straight to the (buffered)
//! output, and Parquet rows are buffered only up to one row group (see
//! [`TableOptions`]).
//!
//! ```
//! use marsad_table::{ColType, Column, TableFormat, TableWriter, Value};
//!
//! const COLUMNS: &[Column] = &[
//!     Column::new("id", ColType::Str),
//!     Column::new("title", ColType::OptStr),
//!     Column::new("entities", ColType::StrList),
//! ];
//! let mut w = TableWriter::new(Vec::new(), TableFormat::Csv, COLUMNS)?;
//! w.push(&[
//!     Value::from("d1"),
//!     Value::from("قمة الرياض, 2024"),
//!     Value::List(vec!["الرياض".into(), "a|b".into()]),
//! ])?;
//! w.push(&[Value::from("d2"), Value::Null, Value::List(vec![])])?;
//! let csv = String::from_utf8(w.finish()?).unwrap();
//! assert_eq!(
//!     csv,
//!     "id,title,entities\r\nd1,\"قمة الرياض, 2024\",الرياض|a\\|b\r\nd2,,\"\"\r\n"
//! );
//! # Ok::<(), marsad_table::TableError>(())
//! ```
//!
//! # Formats
//!
//! **JSONL**: one JSON object per line (`\n`), keys are the column names in
//! column order, [`Value::Null`] is `null`, lists are arrays of strings.
//! Non-finite floats (NaN, ±infinity) have no JSON form and are written as
//! `null`.
//!
//! **CSV** (RFC 4180): a header line with the column names, then one record
//! per row, lines ended by CRLF. A field is quoted (`"…"`, with `"` doubled
//! inside) when it contains a comma, a double quote, CR or LF, or when it is
//! empty but not null. Nulls and empty strings are told apart as in
//! PostgreSQL's CSV: a **null is an empty unquoted field**, an **empty
//! string is `""`**. UTF-8 without a byte-order mark unless
//! [`TableOptions::csv_bom`] is set (Excel needs the BOM to show Arabic).
//! Integers are decimal, booleans `true`/`false`, floats as serde_json writes
//! them, in the shortest form that reads back to the same value (`1.0`,
//! `0.1`, `1e+300`), and the non-finite ones as `NaN`, `inf`, `-inf`.
//!
//! CSV files are opened in spreadsheets, which run a cell starting with `=`,
//! `+`, `-` or `@` as a formula (CSV injection). A **text** field (a string
//! or a list) that a spreadsheet could take for a formula is written with a
//! `'` in front, which makes it plain text there: a field that, after any
//! leading `'`s, starts with a tab or CR, or starts with `=`, `+`, `-`, `@`
//! (or their full-width forms `＝＋－＠`) after any leading `'`s, white space
//! and invisible formatting characters (bidi marks, zero-width characters,
//! BOM). Numbers are written as they are (`-3` is a number, not a formula).
//! To read such a field back: if it starts with `'` and what follows the `'`
//! is itself a field that would be guarded, drop that one `'` (the rule
//! ignores leading `'`s, so this is unambiguous; see [`csv_unguard`]).
//!
//! A [`ColType::StrList`] field is its items joined with `|`; inside an item
//! a backslash is written `\\` and a `|` is written `\|`. The empty list is
//! the empty text (so the field is `""`, not null); the one list that plain
//! joining cannot tell from it, a list of a single empty item `[""]`, is
//! written as a lone backslash `\`. To read a list field back: if it is `\`
//! it is `[""]`; if it is empty it is `[]`; otherwise split at every `|` not
//! preceded by an escaping backslash and replace `\\` by `\` and `\|` by `|`
//! in each item.
//!
//! **Parquet**: strings are `BYTE_ARRAY` with the `String` (UTF8) logical
//! type, integers `INT64`, floats `DOUBLE`, booleans `BOOLEAN`; `Opt*`
//! columns are `OPTIONAL`, the others `REQUIRED`; a [`ColType::StrList`]
//! column is the standard three-level list,
//! `REQUIRED group <name> (LIST) { REPEATED group list { REQUIRED BYTE_ARRAY
//! element (STRING) } }`. Written with the `parquet` crate's low-level writer
//! (no Arrow), uncompressed, dictionary encoding where it pays off.

mod csv;
mod jsonl;
mod pq;

pub use csv::{csv_needs_guard, csv_unguard};

use std::fmt;
use std::io::{BufWriter, Write};
use std::str::FromStr;

/// The type of a column, and so which [`Value`]s a row may hold in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColType {
    /// A string ([`Value::Str`]).
    Str,
    /// A string or null ([`Value::Str`] or [`Value::Null`]).
    OptStr,
    /// A 64-bit signed integer ([`Value::Int`]).
    Int,
    /// A 64-bit signed integer or null ([`Value::Int`] or [`Value::Null`]).
    OptInt,
    /// A 64-bit float ([`Value::Float`]).
    Float,
    /// A 64-bit float or null ([`Value::Float`] or [`Value::Null`]).
    OptFloat,
    /// A boolean ([`Value::Bool`]).
    Bool,
    /// A list of strings, possibly empty, never null ([`Value::List`]).
    StrList,
}

impl ColType {
    /// Whether `value` is allowed in a column of this type.
    pub fn accepts(self, value: &Value) -> bool {
        matches!(
            (self, value),
            (ColType::Str | ColType::OptStr, Value::Str(_))
                | (
                    ColType::OptStr | ColType::OptInt | ColType::OptFloat,
                    Value::Null
                )
                | (ColType::Int | ColType::OptInt, Value::Int(_))
                | (ColType::Float | ColType::OptFloat, Value::Float(_))
                | (ColType::Bool, Value::Bool(_))
                | (ColType::StrList, Value::List(_))
        )
    }

    fn describe(self) -> &'static str {
        match self {
            ColType::Str => "a string",
            ColType::OptStr => "a string or null",
            ColType::Int => "an integer",
            ColType::OptInt => "an integer or null",
            ColType::Float => "a float",
            ColType::OptFloat => "a float or null",
            ColType::Bool => "a boolean",
            ColType::StrList => "a list of strings",
        }
    }
}

impl fmt::Display for ColType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// One column of a table: its name (a JSON key, a CSV header, a Parquet
/// field name) and its type. Names must be non-empty and distinct.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Column {
    /// The column's name.
    pub name: &'static str,
    /// The column's type.
    pub ty: ColType,
}

impl Column {
    /// A column named `name` of type `ty`; `const`, so that tables can be
    /// described in `const` slices.
    pub const fn new(name: &'static str, ty: ColType) -> Self {
        Column { name, ty }
    }
}

/// One cell of a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// For [`ColType::Str`] and [`ColType::OptStr`].
    Str(String),
    /// For [`ColType::OptStr`], [`ColType::OptInt`] and [`ColType::OptFloat`].
    Null,
    /// For [`ColType::Int`] and [`ColType::OptInt`].
    Int(i64),
    /// For [`ColType::Float`] and [`ColType::OptFloat`].
    Float(f64),
    /// For [`ColType::Bool`].
    Bool(bool),
    /// For [`ColType::StrList`].
    List(Vec<String>),
}

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Null => "null",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Bool(_) => "a boolean",
            Value::List(_) => "a list",
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Int(n)
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Value::Float(x)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<Vec<String>> for Value {
    fn from(items: Vec<String>) -> Self {
        Value::List(items)
    }
}

/// `Some(v)` is `v`, `None` is [`Value::Null`].
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// The output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TableFormat {
    /// JSON Lines, one object per row.
    Jsonl,
    /// RFC 4180 CSV with a header line.
    Csv,
    /// Apache Parquet.
    Parquet,
}

impl TableFormat {
    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Jsonl => "jsonl",
            TableFormat::Csv => "csv",
            TableFormat::Parquet => "parquet",
        }
    }
}

impl fmt::Display for TableFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

/// Parses `jsonl`, `csv` or `parquet` (ASCII case-insensitive).
impl FromStr for TableFormat {
    type Err = TableError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "jsonl" => Ok(TableFormat::Jsonl),
            "csv" => Ok(TableFormat::Csv),
            "parquet" => Ok(TableFormat::Parquet),
            _ => Err(TableError::Format(s.to_owned())),
        }
    }
}

/// Options of a [`TableWriter`]; `TableOptions::default()` is what
/// [`TableWriter::new`] uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableOptions {
    /// CSV only: start the file with a UTF-8 byte-order mark (`EF BB BF`),
    /// which Excel needs to show Arabic. Default `false`.
    pub csv_bom: bool,
    /// Parquet only: flush a row group after this many rows. Default 65 536.
    pub row_group_rows: usize,
    /// Parquet only: flush a row group once the buffered values take about
    /// this many bytes, even before `row_group_rows`. Default 64 MiB.
    pub row_group_bytes: usize,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            csv_bom: false,
            row_group_rows: 65_536,
            row_group_bytes: 64 << 20,
        }
    }
}

impl TableOptions {
    /// Sets [`TableOptions::csv_bom`].
    pub fn csv_bom(mut self, bom: bool) -> Self {
        self.csv_bom = bom;
        self
    }

    /// Sets [`TableOptions::row_group_rows`] (at least 1).
    pub fn row_group_rows(mut self, rows: usize) -> Self {
        self.row_group_rows = rows.max(1);
        self
    }

    /// Sets [`TableOptions::row_group_bytes`].
    pub fn row_group_bytes(mut self, bytes: usize) -> Self {
        self.row_group_bytes = bytes;
        self
    }
}

/// What can go wrong while writing a table. Rows are numbered from 1 in the
/// order they were pushed (a CSV header is not a row).
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The output failed.
    #[error("writing the table: {0}")]
    Io(#[from] std::io::Error),
    /// A row has not one value per column.
    #[error("row {row}: {got} values for {expected} columns")]
    Arity {
        /// The row's number, from 1.
        row: u64,
        /// The number of columns.
        expected: usize,
        /// The number of values in the row.
        got: usize,
    },
    /// A value does not fit its column's type.
    #[error("row {row}, column `{column}`: expected {expected}, got {got}")]
    Type {
        /// The column's name.
        column: &'static str,
        /// The row's number, from 1.
        row: u64,
        /// The column's type.
        expected: ColType,
        /// What the value was: "null", "a string", "an integer", …
        got: &'static str,
    },
    /// No columns, an empty column name or a repeated one.
    #[error("bad table description: {0}")]
    Schema(String),
    /// [`TableFormat::from_str`] was given an unknown name.
    #[error("unknown table format `{0}` (expected jsonl, csv or parquet)")]
    Format(String),
    /// The Parquet writer failed for another reason than I/O.
    #[error("writing Parquet: {0}")]
    Parquet(#[source] Box<dyn std::error::Error + Send + Sync>),
}

enum Inner<W: Write + Send> {
    Jsonl(jsonl::JsonlWriter<BufWriter<W>>),
    Csv(csv::CsvWriter<BufWriter<W>>),
    Parquet(Box<pq::ParquetWriter<BufWriter<W>>>),
}

/// A streaming writer of one table in one format.
///
/// A row rejected by [`push`](TableWriter::push) for its arity or types
/// writes nothing and leaves the writer usable; after an I/O error the output
/// is incomplete.
pub struct TableWriter<W: Write + Send> {
    columns: Vec<Column>,
    rows: u64,
    inner: Inner<W>,
}

impl<W: Write + Send> fmt::Debug for TableWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let format = match self.inner {
            Inner::Jsonl(_) => TableFormat::Jsonl,
            Inner::Csv(_) => TableFormat::Csv,
            Inner::Parquet(_) => TableFormat::Parquet,
        };
        f.debug_struct("TableWriter")
            .field("format", &format)
            .field("columns", &self.columns)
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

impl<W: Write + Send> TableWriter<W> {
    /// A writer with the default [`TableOptions`].
    pub fn new(out: W, format: TableFormat, columns: &[Column]) -> Result<Self, TableError> {
        Self::with_options(out, format, columns, TableOptions::default())
    }

    /// A writer with the given options. Writes the CSV header (and BOM) or
    /// the Parquet magic at once. Fails with [`TableError::Schema`] for no
    /// columns, an empty name or a repeated name.
    pub fn with_options(
        out: W,
        format: TableFormat,
        columns: &[Column],
        options: TableOptions,
    ) -> Result<Self, TableError> {
        check_columns(columns)?;
        let out = BufWriter::with_capacity(64 << 10, out);
        let inner = match format {
            TableFormat::Jsonl => Inner::Jsonl(jsonl::JsonlWriter::new(out, columns)),
            TableFormat::Csv => Inner::Csv(csv::CsvWriter::new(out, columns, options.csv_bom)?),
            TableFormat::Parquet => {
                Inner::Parquet(Box::new(pq::ParquetWriter::new(out, columns, options)?))
            }
        };
        Ok(TableWriter {
            columns: columns.to_vec(),
            rows: 0,
            inner,
        })
    }

    /// The columns of this table.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// How many rows have been pushed so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Writes one row, after checking that it has one value per column and
    /// that each value fits its column's type.
    pub fn push(&mut self, row: &[Value]) -> Result<(), TableError> {
        let number = self.rows + 1;
        if row.len() != self.columns.len() {
            return Err(TableError::Arity {
                row: number,
                expected: self.columns.len(),
                got: row.len(),
            });
        }
        for (column, value) in self.columns.iter().zip(row) {
            if !column.ty.accepts(value) {
                return Err(TableError::Type {
                    column: column.name,
                    row: number,
                    expected: column.ty,
                    got: value.kind(),
                });
            }
        }
        match &mut self.inner {
            Inner::Jsonl(w) => w.push(row)?,
            Inner::Csv(w) => w.push(row)?,
            Inner::Parquet(w) => w.push(row)?,
        }
        self.rows = number;
        Ok(())
    }

    /// Completes the table (the last Parquet row group and footer), flushes
    /// and returns the output.
    pub fn finish(self) -> Result<W, TableError> {
        let out = match self.inner {
            Inner::Jsonl(w) => w.finish(),
            Inner::Csv(w) => w.finish(),
            Inner::Parquet(w) => w.finish()?,
        };
        out.into_inner().map_err(|e| TableError::Io(e.into_error()))
    }
}

fn check_columns(columns: &[Column]) -> Result<(), TableError> {
    if columns.is_empty() {
        return Err(TableError::Schema(
            "a table needs at least one column".into(),
        ));
    }
    for (i, c) in columns.iter().enumerate() {
        if c.name.is_empty() {
            return Err(TableError::Schema(format!("column {} has no name", i + 1)));
        }
        if columns[..i].iter().any(|d| d.name == c.name) {
            return Err(TableError::Schema(format!(
                "column name `{}` is used twice",
                c.name
            )));
        }
    }
    Ok(())
}

/// Formats a float the way JSON would (shortest round-trip form), with
/// `NaN`, `inf` and `-inf` for the values JSON cannot write.
fn format_float(x: f64, out: &mut Vec<u8>) {
    if x.is_finite() {
        // serde_json writes finite floats in their shortest round-trip form.
        serde_json::to_writer(out, &x).expect("writing to a Vec cannot fail");
    } else if x.is_nan() {
        out.extend_from_slice(b"NaN");
    } else if x > 0.0 {
        out.extend_from_slice(b"inf");
    } else {
        out.extend_from_slice(b"-inf");
    }
}
