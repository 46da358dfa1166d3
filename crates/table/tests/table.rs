//! Writing tables in the three formats and reading them back with
//! independent readers: a small RFC 4180 parser written here, serde_json,
//! and the `parquet` crate's reader.

use bytes::Bytes;
use marsad_table::{
    csv_unguard, ColType, Column, TableError, TableFormat, TableOptions, TableWriter, Value,
};
use parquet::basic::{LogicalType, Repetition, Type as PhysicalType};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use proptest::prelude::*;

const ALL: &[Column] = &[
    Column::new("id", ColType::Str),
    Column::new("title", ColType::OptStr),
    Column::new("words", ColType::Int),
    Column::new("year", ColType::OptInt),
    Column::new("score", ColType::Float),
    Column::new("dup", ColType::Bool),
    Column::new("entities", ColType::StrList),
];

fn s(text: &str) -> Value {
    Value::from(text)
}

fn list(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| s.to_string()).collect())
}

fn sample_rows() -> Vec<Vec<Value>> {
    vec![
        vec![
            s("spa-1"),
            s("ولي العهد يستقبل وزير الخارجية، \"الأمريكي\""),
            Value::Int(412),
            Value::Int(2024),
            Value::Float(0.75),
            Value::Bool(false),
            list(&["محمد بن سلمان", "الرياض", "a|b\\c"]),
        ],
        vec![
            s("spa-2"),
            Value::Null,
            Value::Int(-3),
            Value::Null,
            Value::Float(-1e300),
            Value::Bool(true),
            list(&[]),
        ],
        vec![
            s("line1\r\nline2, \"q\""),
            s(""),
            Value::Int(i64::MIN),
            Value::Int(i64::MAX),
            Value::Float(0.1),
            Value::Bool(false),
            list(&[""]),
        ],
        vec![
            s("مصر"),
            s("  مسافات  "),
            Value::Int(0),
            Value::Int(0),
            Value::Float(0.0),
            Value::Bool(true),
            list(&["", "", "\\", "|"]),
        ],
    ]
}

fn write(
    format: TableFormat,
    options: TableOptions,
    cols: &[Column],
    rows: &[Vec<Value>],
) -> Vec<u8> {
    let mut w = TableWriter::with_options(Vec::new(), format, cols, options).unwrap();
    for row in rows {
        w.push(row).unwrap();
    }
    assert_eq!(w.rows(), rows.len() as u64);
    w.finish().unwrap()
}

// ---------------------------------------------------------------- CSV

/// A small RFC 4180 reader: records end with CRLF; an unquoted empty field
/// is `None` (null), anything else `Some`.
fn parse_csv(text: &str) -> Vec<Vec<Option<String>>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        // One field.
        let mut field = String::new();
        let quoted = chars.peek() == Some(&'"');
        if quoted {
            chars.next();
            loop {
                match chars.next().expect("unterminated quoted field") {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => break,
                    c => field.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' || c == '\r' {
                    break;
                }
                assert!(c != '"' && c != '\n', "bare {c:?} in an unquoted field");
                field.push(c);
                chars.next();
            }
        }
        record.push((quoted || !field.is_empty()).then_some(field));
        match chars.next() {
            Some(',') => continue,
            Some('\r') => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF");
                records.push(std::mem::take(&mut record));
                if chars.peek().is_none() {
                    return records;
                }
            }
            other => panic!("record not ended by CRLF: {other:?}"),
        }
    }
}

/// Reads a list field back, following the crate documentation.
fn split_list(field: &str) -> Vec<String> {
    if field == "\\" {
        return vec![String::new()];
    }
    if field.is_empty() {
        return Vec::new();
    }
    let mut items = vec![String::new()];
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let escaped = chars.next().expect("dangling backslash");
                assert!(escaped == '\\' || escaped == '|', "bad escape \\{escaped}");
                items.last_mut().unwrap().push(escaped);
            }
            '|' => items.push(String::new()),
            c => items.last_mut().unwrap().push(c),
        }
    }
    items
}

fn csv_of(cols: &[Column], row: Vec<Value>) -> String {
    let bytes = write(TableFormat::Csv, TableOptions::default(), cols, &[row]);
    String::from_utf8(bytes).unwrap()
}

#[test]
fn csv_fields_are_quoted_and_escaped() {
    const COLS: &[Column] = &[
        Column::new("v", ColType::OptStr),
        Column::new("l", ColType::StrList),
    ];
    // (string value, list value, expected record without CRLF)
    let cases: &[(Value, Value, &str)] = &[
        (s("مصر"), list(&["السعودية"]), "مصر,السعودية"),
        (s("الرياض، جدة"), list(&[]), "الرياض، جدة,\"\""), // Arabic comma needs no quotes
        (s("a,b"), list(&["a,b"]), "\"a,b\",\"a,b\""),
        (
            s("قال \"نعم\""),
            list(&["\"x\""]),
            r#""قال ""نعم""","""x""""#,
        ),
        (s("a\nb"), list(&["a\nb"]), "\"a\nb\",\"a\nb\""),
        (s("a\rb"), list(&["x", "a\r"]), "\"a\rb\",\"x|a\r\""),
        (s("a|b"), list(&["a|b", "c"]), "a|b,a\\|b|c"),
        (s("a\\b"), list(&["a\\b"]), "a\\b,a\\\\b"),
        (s(""), list(&[""]), "\"\",\\"),
        (Value::Null, list(&[]), ",\"\""),
        (Value::Null, list(&["", ""]), ",|"),
        (s(" x "), list(&[" ", "ب"]), " x , |ب"),
        (s("'x;y\t"), list(&["\u{200f}رمز"]), "'x;y\t,\u{200f}رمز"),
    ];
    for (value, items, want) in cases {
        let text = csv_of(COLS, vec![value.clone(), items.clone()]);
        let want = format!("v,l\r\n{want}\r\n");
        assert_eq!(text, want, "value {value:?}, list {items:?}");
        // And it reads back.
        let records = parse_csv(&text);
        assert_eq!(records.len(), 2);
        let got_value = records[1][0].clone().map_or(Value::Null, Value::Str);
        assert_eq!(&got_value, value);
        let got_items = Value::List(split_list(
            records[1][1].as_deref().expect("a list is never null"),
        ));
        assert_eq!(&got_items, items);
    }
}

#[test]
fn csv_cells_that_look_like_formulas_are_neutralised() {
    const COLS: &[Column] = &[
        Column::new("v", ColType::OptStr),
        Column::new("l", ColType::StrList),
        Column::new("n", ColType::Int),
        Column::new("x", ColType::OptFloat),
    ];
    // (string value, list value, number, float, expected record without CRLF)
    let cases: &[(Value, Value, i64, Value, &str)] = &[
        (
            s("=HYPERLINK(\"http://evil\",\"x\")"),
            list(&["=1+1"]),
            -3,
            Value::Float(-0.5),
            r#""'=HYPERLINK(""http://evil"",""x"")",'=1+1,-3,-0.5"#,
        ),
        (
            s("+966 قتيلا"),
            list(&["a", "@b"]),
            0,
            Value::Null,
            "'+966 قتيلا,a|@b,0,",
        ),
        (
            s("-cmd|' /C calc'!A0"),
            list(&["@x", "y"]),
            1,
            Value::Float(0.25),
            "'-cmd|' /C calc'!A0,'@x|y,1,0.25",
        ),
        (
            s("\u{200f}=1"),
            list(&[" -1"]),
            2,
            Value::Null,
            "'\u{200f}=1,' -1,2,",
        ),
        (s("\tx"), list(&["'=1"]), 3, Value::Null, "'\tx,''=1,3,"),
        (
            s("'x"),
            list(&["تركيا - روسيا"]),
            4,
            Value::Null,
            "'x,تركيا - روسيا,4,",
        ),
    ];
    for (value, items, n, x, want) in cases {
        let row = vec![value.clone(), items.clone(), Value::Int(*n), x.clone()];
        let text = csv_of(COLS, row.clone());
        assert_eq!(text, format!("v,l,n,x\r\n{want}\r\n"), "{value:?}");
        // Read back by the documented rule, every value is what was written.
        let records = parse_csv(&text);
        let back: Vec<Value> = COLS
            .iter()
            .zip(&records[1])
            .map(|(c, f)| csv_to_value(c.ty, f.clone()))
            .collect();
        assert_eq!(back, row);
        // JSONL and Parquet are not spreadsheets: no guard there.
        let jsonl = write(
            TableFormat::Jsonl,
            TableOptions::default(),
            COLS,
            std::slice::from_ref(&row),
        );
        let obj: serde_json::Value = serde_json::from_slice(&jsonl).unwrap();
        if let Value::Str(v) = value {
            assert_eq!(obj["v"], serde_json::json!(v));
        }
        let pq = write(
            TableFormat::Parquet,
            TableOptions::default(),
            COLS,
            std::slice::from_ref(&row),
        );
        assert_eq!(read_parquet(pq).1, [row]);
    }
}

#[test]
fn csv_header_types_and_bom() {
    let rows = sample_rows();
    let plain =
        String::from_utf8(write(TableFormat::Csv, TableOptions::default(), ALL, &rows)).unwrap();
    assert!(plain.starts_with("id,title,words,year,score,dup,entities\r\nspa-1,"));
    let records = parse_csv(&plain);
    assert_eq!(records.len(), 5);
    let r2: Vec<Option<&str>> = records[2].iter().map(|f| f.as_deref()).collect();
    assert_eq!(
        r2,
        [
            Some("spa-2"),
            None,
            Some("-3"),
            None,
            Some("-1e+300"),
            Some("true"),
            Some("")
        ]
    );
    let r3: Vec<Option<&str>> = records[3].iter().map(|f| f.as_deref()).collect();
    assert_eq!(r3[2], Some("-9223372036854775808"));
    assert_eq!(r3[4], Some("0.1"));
    assert_eq!(r3[6], Some("\\"));

    let bom = write(
        TableFormat::Csv,
        TableOptions::default().csv_bom(true),
        ALL,
        &rows,
    );
    assert_eq!(&bom[..3], b"\xEF\xBB\xBF");
    assert_eq!(&bom[3..], plain.as_bytes());
}

#[test]
fn csv_and_jsonl_floats() {
    const COLS: &[Column] = &[Column::new("x", ColType::Float)];
    let cases: &[(f64, &str, &str)] = &[
        (1.0, "1.0", "1.0"),
        (0.1, "0.1", "0.1"),
        (-2.5e-8, "-2.5e-8", "-2.5e-8"),
        (1e300, "1e+300", "1e+300"),
        (f64::NAN, "NaN", "null"),
        (f64::INFINITY, "inf", "null"),
        (f64::NEG_INFINITY, "-inf", "null"),
    ];
    for &(x, csv, json) in cases {
        assert_eq!(
            csv_of(COLS, vec![Value::Float(x)]),
            format!("x\r\n{csv}\r\n"),
            "{x}"
        );
        let out = write(
            TableFormat::Jsonl,
            TableOptions::default(),
            COLS,
            &[vec![Value::Float(x)]],
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("{{\"x\":{json}}}\n"),
            "{x}"
        );
        if x.is_finite() {
            assert_eq!(csv.parse::<f64>().unwrap(), x);
        }
    }
}

// ---------------------------------------------------------------- JSONL

#[test]
fn jsonl_shape() {
    let rows = sample_rows();
    let text = String::from_utf8(write(
        TableFormat::Jsonl,
        TableOptions::default(),
        ALL,
        &rows,
    ))
    .unwrap();
    let lines: Vec<&str> = text.split_terminator('\n').collect();
    assert_eq!(lines.len(), rows.len());
    assert!(text.ends_with('\n'));
    assert_eq!(
        lines[1],
        r#"{"id":"spa-2","title":null,"words":-3,"year":null,"score":-1e+300,"dup":true,"entities":[]}"#
    );
    // Arabic is written as UTF-8, not as \u escapes.
    assert!(lines[0].contains("\"محمد بن سلمان\""));
    for (line, row) in lines.iter().zip(&rows) {
        let obj: serde_json::Value = serde_json::from_str(line).unwrap();
        let obj = obj.as_object().unwrap();
        assert_eq!(obj.len(), ALL.len());
        for (col, value) in ALL.iter().zip(row) {
            let json = &obj[col.name];
            let back = match json {
                serde_json::Value::Null => Value::Null,
                serde_json::Value::String(s) => Value::Str(s.clone()),
                serde_json::Value::Bool(b) => Value::Bool(*b),
                serde_json::Value::Number(n) if col.ty == ColType::Float => {
                    Value::Float(n.as_f64().unwrap())
                }
                serde_json::Value::Number(n) => Value::Int(n.as_i64().unwrap()),
                serde_json::Value::Array(items) => Value::List(
                    items
                        .iter()
                        .map(|i| i.as_str().unwrap().to_owned())
                        .collect(),
                ),
                serde_json::Value::Object(_) => panic!("nested object"),
            };
            assert_eq!(&back, value, "column {}", col.name);
        }
    }
}

// ---------------------------------------------------------------- Parquet

fn field_to_value(field: &Field) -> Value {
    match field {
        Field::Null => Value::Null,
        Field::Str(s) => Value::Str(s.clone()),
        Field::Long(n) => Value::Int(*n),
        Field::Double(x) => Value::Float(*x),
        Field::Bool(b) => Value::Bool(*b),
        Field::ListInternal(items) => Value::List(
            items
                .elements()
                .iter()
                .map(|f| match f {
                    Field::Str(s) => s.clone(),
                    other => panic!("list item {other:?}"),
                })
                .collect(),
        ),
        other => panic!("unexpected field {other:?}"),
    }
}

fn read_parquet(data: Vec<u8>) -> (SerializedFileReader<Bytes>, Vec<Vec<Value>>) {
    let reader = SerializedFileReader::new(Bytes::from(data)).unwrap();
    let rows = reader
        .get_row_iter(None)
        .unwrap()
        .map(|row| {
            row.unwrap()
                .get_column_iter()
                .map(|(_, f)| field_to_value(f))
                .collect()
        })
        .collect();
    (reader, rows)
}

#[test]
fn parquet_round_trip_and_schema() {
    let rows = sample_rows();
    let data = write(TableFormat::Parquet, TableOptions::default(), ALL, &rows);
    assert_eq!(&data[..4], b"PAR1");
    assert_eq!(&data[data.len() - 4..], b"PAR1");
    let (reader, back) = read_parquet(data);
    assert_eq!(back, rows);

    let meta = reader.metadata();
    assert_eq!(meta.file_metadata().num_rows(), rows.len() as i64);
    assert_eq!(meta.num_row_groups(), 1);
    let schema = meta.file_metadata().schema_descr();
    let leaves: Vec<_> = (0..schema.num_columns())
        .map(|i| {
            let c = schema.column(i);
            (
                c.path().string(),
                c.physical_type(),
                c.logical_type_ref().cloned(),
                c.max_def_level(),
                c.max_rep_level(),
            )
        })
        .collect();
    use PhysicalType::*;
    let string = Some(LogicalType::String);
    assert_eq!(
        leaves,
        [
            ("id".to_owned(), BYTE_ARRAY, string.clone(), 0, 0),
            ("title".to_owned(), BYTE_ARRAY, string.clone(), 1, 0),
            ("words".to_owned(), INT64, None, 0, 0),
            ("year".to_owned(), INT64, None, 1, 0),
            ("score".to_owned(), DOUBLE, None, 0, 0),
            ("dup".to_owned(), BOOLEAN, None, 0, 0),
            ("entities.list.element".to_owned(), BYTE_ARRAY, string, 1, 1),
        ]
    );
    let entities = &schema.root_schema().get_fields()[6];
    assert_eq!(
        entities.get_basic_info().logical_type_ref(),
        Some(&LogicalType::List)
    );
    assert_eq!(entities.get_basic_info().repetition(), Repetition::REQUIRED);
    let list = &entities.get_fields()[0];
    assert_eq!(list.name(), "list");
    assert_eq!(list.get_basic_info().repetition(), Repetition::REPEATED);
}

#[test]
fn parquet_row_groups_by_rows_and_bytes() {
    const COLS: &[Column] = &[
        Column::new("n", ColType::Int),
        Column::new("text", ColType::OptStr),
    ];
    let rows: Vec<Vec<Value>> = (0..10)
        .map(|i| {
            vec![
                Value::Int(i),
                if i % 3 == 0 {
                    Value::Null
                } else {
                    s(&"نص ".repeat(i as usize))
                },
            ]
        })
        .collect();
    let by_rows = write(
        TableFormat::Parquet,
        TableOptions::default().row_group_rows(3),
        COLS,
        &rows,
    );
    let (reader, back) = read_parquet(by_rows);
    assert_eq!(reader.metadata().num_row_groups(), 4);
    assert_eq!(back, rows);

    let by_bytes = write(
        TableFormat::Parquet,
        TableOptions::default().row_group_bytes(1),
        COLS,
        &rows,
    );
    let (reader, back) = read_parquet(by_bytes);
    assert_eq!(reader.metadata().num_row_groups(), 10);
    assert_eq!(back, rows);
}

#[test]
fn empty_tables() {
    let csv = write(TableFormat::Csv, TableOptions::default(), ALL, &[]);
    assert_eq!(csv, b"id,title,words,year,score,dup,entities\r\n");
    assert!(write(TableFormat::Jsonl, TableOptions::default(), ALL, &[]).is_empty());
    let (reader, back) = read_parquet(write(
        TableFormat::Parquet,
        TableOptions::default(),
        ALL,
        &[],
    ));
    assert!(back.is_empty());
    assert_eq!(reader.metadata().file_metadata().num_rows(), 0);
}

// ---------------------------------------------------------------- errors

#[test]
fn arity_and_type_errors_name_row_and_column() {
    for format in [TableFormat::Jsonl, TableFormat::Csv, TableFormat::Parquet] {
        let rows = sample_rows();
        let mut w = TableWriter::new(Vec::new(), format, ALL).unwrap();
        w.push(&rows[0]).unwrap();

        let err = w.push(&rows[1][..6]).unwrap_err();
        assert!(
            matches!(
                err,
                TableError::Arity {
                    row: 2,
                    expected: 7,
                    got: 6
                }
            ),
            "{err:?}"
        );
        assert_eq!(err.to_string(), "row 2: 6 values for 7 columns");

        // (column index, bad value, column name, message tail)
        let bad: &[(usize, Value, &str, &str)] = &[
            (0, Value::Null, "id", "expected a string, got null"),
            (
                1,
                Value::Int(1),
                "title",
                "expected a string or null, got an integer",
            ),
            (
                2,
                Value::Float(1.0),
                "words",
                "expected an integer, got a float",
            ),
            (
                3,
                s("2024"),
                "year",
                "expected an integer or null, got a string",
            ),
            (
                4,
                Value::Int(1),
                "score",
                "expected a float, got an integer",
            ),
            (5, Value::Null, "dup", "expected a boolean, got null"),
            (
                6,
                Value::Null,
                "entities",
                "expected a list of strings, got null",
            ),
            (
                6,
                s("a|b"),
                "entities",
                "expected a list of strings, got a string",
            ),
            (0, list(&["x"]), "id", "expected a string, got a list"),
        ];
        for (i, value, name, tail) in bad {
            let mut row = rows[1].clone();
            row[*i] = value.clone();
            let err = w.push(&row).unwrap_err();
            match &err {
                TableError::Type {
                    column,
                    row,
                    expected,
                    ..
                } => {
                    assert_eq!((*column, *row, *expected), (*name, 2, ALL[*i].ty));
                }
                other => panic!("{other:?}"),
            }
            assert_eq!(err.to_string(), format!("row 2, column `{name}`: {tail}"));
        }

        // Rejected rows wrote nothing: the table holds exactly the good rows.
        for row in &rows[1..] {
            w.push(row).unwrap();
        }
        assert_eq!(w.rows(), 4);
        let out = w.finish().unwrap();
        let reference = write(format, TableOptions::default(), ALL, &rows);
        assert_eq!(out, reference, "{format}");
    }
}

#[test]
fn bad_table_descriptions() {
    let cases: &[(&[Column], &str)] = &[
        (&[], "a table needs at least one column"),
        (&[Column::new("", ColType::Str)], "column 1 has no name"),
        (
            &[
                Column::new("a", ColType::Str),
                Column::new("a", ColType::Int),
            ],
            "column name `a` is used twice",
        ),
    ];
    for (cols, msg) in cases {
        for format in [TableFormat::Jsonl, TableFormat::Csv, TableFormat::Parquet] {
            let err = TableWriter::new(Vec::new(), format, cols).unwrap_err();
            assert!(matches!(err, TableError::Schema(_)));
            assert_eq!(err.to_string(), format!("bad table description: {msg}"));
        }
    }
}

#[test]
fn io_errors_are_reported() {
    #[derive(Debug)]
    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    for format in [TableFormat::Jsonl, TableFormat::Csv, TableFormat::Parquet] {
        let result = TableWriter::new(Broken, format, ALL).and_then(|mut w| {
            w.push(&sample_rows()[0])?;
            w.finish()
        });
        let err = result.unwrap_err();
        assert!(matches!(err, TableError::Io(_)), "{format}: {err:?}");
        assert!(err.to_string().contains("disk full"), "{err}");
    }
}

#[test]
fn format_names() {
    for format in [TableFormat::Jsonl, TableFormat::Csv, TableFormat::Parquet] {
        assert_eq!(format.to_string().parse::<TableFormat>().unwrap(), format);
    }
    assert_eq!("CSV".parse::<TableFormat>().unwrap(), TableFormat::Csv);
    assert!(matches!(
        "xlsx".parse::<TableFormat>(),
        Err(TableError::Format(_))
    ));
}

/// Writes the sample table in all three formats into the directory named by
/// `MARSAD_TABLE_SAMPLE_DIR`, for checking with other tools (e.g. pyarrow);
/// does nothing when it is not set.
#[test]
fn sample_files_for_other_readers() {
    let Some(dir) = std::env::var_os("MARSAD_TABLE_SAMPLE_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let rows = sample_rows();
    for format in [TableFormat::Jsonl, TableFormat::Csv, TableFormat::Parquet] {
        let data = write(
            format,
            TableOptions::default().row_group_rows(3),
            ALL,
            &rows,
        );
        std::fs::write(dir.join(format!("sample.{}", format.extension())), data).unwrap();
    }
}

// ---------------------------------------------------------------- properties

fn tricky_string() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(","),
        Just("\""),
        Just("\r"),
        Just("\n"),
        Just("|"),
        Just("\\"),
        Just(" "),
        Just("مصر"),
        Just("،"),
        Just("\u{feff}"),
        Just("x"),
        Just("="),
        Just("-"),
        Just("+"),
        Just("@"),
        Just("'"),
        Just("\t"),
        Just("\u{200f}"),
    ];
    prop_oneof![
        any::<String>(),
        prop::collection::vec(piece, 0..8).prop_map(|p| p.concat()),
    ]
}

fn arbitrary_row() -> impl Strategy<Value = Vec<Value>> {
    (
        tricky_string(),
        prop::option::of(tricky_string()),
        any::<i64>(),
        prop::option::of(any::<i64>()),
        any::<f64>().prop_filter("NaN is not equal to itself", |x| !x.is_nan()),
        any::<bool>(),
        prop::collection::vec(tricky_string(), 0..4),
    )
        .prop_map(|(a, b, c, d, e, f, g)| {
            vec![
                Value::Str(a),
                b.into(),
                Value::Int(c),
                d.into(),
                Value::Float(e),
                Value::Bool(f),
                Value::List(g),
            ]
        })
}

fn csv_to_value(ty: ColType, field: Option<String>) -> Value {
    let Some(text) = field else {
        return Value::Null;
    };
    match ty {
        ColType::Str | ColType::OptStr => Value::Str(csv_unguard(&text).to_owned()),
        ColType::Int | ColType::OptInt => Value::Int(text.parse().unwrap()),
        ColType::Float | ColType::OptFloat => Value::Float(match text.as_str() {
            "inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            t => t.parse().unwrap(),
        }),
        ColType::Bool => Value::Bool(text.parse().unwrap()),
        ColType::StrList => Value::List(split_list(csv_unguard(&text))),
    }
}

proptest! {
    #[test]
    fn csv_round_trips(rows in prop::collection::vec(arbitrary_row(), 0..6), bom in any::<bool>()) {
        let out = write(TableFormat::Csv, TableOptions::default().csv_bom(bom), ALL, &rows);
        let text = String::from_utf8(out).unwrap();
        let text = if bom { text.strip_prefix('\u{feff}').unwrap() } else { text.as_str() };
        let records = parse_csv(text);
        prop_assert_eq!(records.len(), rows.len() + 1);
        let back: Vec<Vec<Value>> = records[1..]
            .iter()
            .map(|r| {
                assert_eq!(r.len(), ALL.len());
                ALL.iter().zip(r).map(|(c, f)| csv_to_value(c.ty, f.clone())).collect()
            })
            .collect();
        prop_assert_eq!(back, rows);
    }

    #[test]
    fn parquet_round_trips(rows in prop::collection::vec(arbitrary_row(), 0..12), group in 1usize..5) {
        let out = write(TableFormat::Parquet, TableOptions::default().row_group_rows(group), ALL, &rows);
        let (_, back) = read_parquet(out);
        prop_assert_eq!(back, rows);
    }
}
