//! Parquet through the `parquet` crate's low-level writer: rows are buffered
//! column by column up to one row group, then each column chunk is written.

use std::io::Write;
use std::sync::Arc;

use parquet::basic::{LogicalType, Repetition, Type as PhysicalType};
use parquet::column::writer::ColumnWriter;
use parquet::data_type::ByteArray;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use crate::{ColType, Column, TableError, TableOptions, Value};

impl From<ParquetError> for TableError {
    fn from(e: ParquetError) -> Self {
        match e {
            ParquetError::External(inner) => match inner.downcast::<std::io::Error>() {
                Ok(io) => TableError::Io(*io),
                Err(other) => TableError::Parquet(other),
            },
            other => TableError::Parquet(Box::new(other)),
        }
    }
}

/// The buffered values of one column (each column is one Parquet leaf).
#[derive(Default)]
struct ColBuf {
    bytes: Vec<ByteArray>,
    ints: Vec<i64>,
    floats: Vec<f64>,
    bools: Vec<bool>,
    def: Vec<i16>,
    rep: Vec<i16>,
}

impl ColBuf {
    fn clear(&mut self) {
        self.bytes.clear();
        self.ints.clear();
        self.floats.clear();
        self.bools.clear();
        self.def.clear();
        self.rep.clear();
    }
}

pub(crate) struct ParquetWriter<W: Write + Send> {
    writer: SerializedFileWriter<W>,
    types: Vec<ColType>,
    bufs: Vec<ColBuf>,
    rows: usize,
    bytes: usize,
    max_rows: usize,
    max_bytes: usize,
}

fn string_leaf(name: &str, repetition: Repetition) -> Result<Type, ParquetError> {
    Type::primitive_type_builder(name, PhysicalType::BYTE_ARRAY)
        .with_repetition(repetition)
        .with_logical_type(Some(LogicalType::String))
        .build()
}

fn field(column: &Column) -> Result<Type, ParquetError> {
    let primitive = |physical, repetition| {
        Type::primitive_type_builder(column.name, physical)
            .with_repetition(repetition)
            .build()
    };
    match column.ty {
        ColType::Str => string_leaf(column.name, Repetition::REQUIRED),
        ColType::OptStr => string_leaf(column.name, Repetition::OPTIONAL),
        ColType::Int => primitive(PhysicalType::INT64, Repetition::REQUIRED),
        ColType::OptInt => primitive(PhysicalType::INT64, Repetition::OPTIONAL),
        ColType::Float => primitive(PhysicalType::DOUBLE, Repetition::REQUIRED),
        ColType::OptFloat => primitive(PhysicalType::DOUBLE, Repetition::OPTIONAL),
        ColType::Bool => primitive(PhysicalType::BOOLEAN, Repetition::REQUIRED),
        ColType::StrList => {
            // The standard three-level list (LogicalTypes.md, "Lists").
            let element = string_leaf("element", Repetition::REQUIRED)?;
            let list = Type::group_type_builder("list")
                .with_repetition(Repetition::REPEATED)
                .with_fields(vec![Arc::new(element)])
                .build()?;
            Type::group_type_builder(column.name)
                .with_repetition(Repetition::REQUIRED)
                .with_logical_type(Some(LogicalType::List))
                .with_fields(vec![Arc::new(list)])
                .build()
        }
    }
}

impl<W: Write + Send> ParquetWriter<W> {
    pub(crate) fn new(
        out: W,
        columns: &[Column],
        options: TableOptions,
    ) -> Result<Self, TableError> {
        let fields = columns
            .iter()
            .map(|c| field(c).map(Arc::new))
            .collect::<Result<Vec<_>, _>>()?;
        let schema = Type::group_type_builder("schema")
            .with_fields(fields)
            .build()?;
        let props = WriterProperties::builder()
            .set_created_by(format!("marsad-table {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = SerializedFileWriter::new(out, Arc::new(schema), Arc::new(props))?;
        Ok(ParquetWriter {
            writer,
            types: columns.iter().map(|c| c.ty).collect(),
            bufs: columns.iter().map(|_| ColBuf::default()).collect(),
            rows: 0,
            bytes: 0,
            max_rows: options.row_group_rows.max(1),
            max_bytes: options.row_group_bytes,
        })
    }

    /// Buffers one row (already checked against the columns) and flushes a
    /// row group when it is full.
    pub(crate) fn push(&mut self, row: &[Value]) -> Result<(), TableError> {
        for ((ty, buf), value) in self.types.iter().zip(&mut self.bufs).zip(row) {
            let optional = matches!(ty, ColType::OptStr | ColType::OptInt | ColType::OptFloat);
            match value {
                Value::Null => buf.def.push(0),
                Value::Str(s) => {
                    self.bytes += s.len() + 16;
                    buf.bytes.push(ByteArray::from(s.as_str()));
                }
                Value::Int(n) => {
                    self.bytes += 8;
                    buf.ints.push(*n);
                }
                Value::Float(x) => {
                    self.bytes += 8;
                    buf.floats.push(*x);
                }
                Value::Bool(b) => {
                    self.bytes += 1;
                    buf.bools.push(*b);
                }
                Value::List(items) => {
                    if items.is_empty() {
                        buf.def.push(0);
                        buf.rep.push(0);
                    }
                    for (i, item) in items.iter().enumerate() {
                        self.bytes += item.len() + 20;
                        buf.bytes.push(ByteArray::from(item.as_str()));
                        buf.def.push(1);
                        buf.rep.push(i16::from(i > 0));
                    }
                }
            }
            if optional && !matches!(value, Value::Null) {
                buf.def.push(1);
            }
        }
        self.rows += 1;
        if self.rows >= self.max_rows || self.bytes >= self.max_bytes {
            self.flush_row_group()?;
        }
        Ok(())
    }

    fn flush_row_group(&mut self) -> Result<(), TableError> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut group = self.writer.next_row_group()?;
        let mut bufs = self.bufs.iter_mut();
        while let Some(mut column) = group.next_column()? {
            let buf = bufs.next().expect("one buffer per leaf column");
            let def = (!buf.def.is_empty()).then_some(&buf.def[..]);
            let rep = (!buf.rep.is_empty()).then_some(&buf.rep[..]);
            match column.untyped() {
                ColumnWriter::ByteArrayColumnWriter(w) => w.write_batch(&buf.bytes, def, rep)?,
                ColumnWriter::Int64ColumnWriter(w) => w.write_batch(&buf.ints, def, rep)?,
                ColumnWriter::DoubleColumnWriter(w) => w.write_batch(&buf.floats, def, rep)?,
                ColumnWriter::BoolColumnWriter(w) => w.write_batch(&buf.bools, def, rep)?,
                _ => unreachable!("the schema has no other physical types"),
            };
            column.close()?;
            buf.clear();
        }
        group.close()?;
        self.rows = 0;
        self.bytes = 0;
        Ok(())
    }

    /// Writes the last row group and the footer.
    pub(crate) fn finish(mut self) -> Result<W, TableError> {
        self.flush_row_group()?;
        Ok(self.writer.into_inner()?)
    }
}
