//! Input errors: every failure names the file (and line, where there is one).

use std::path::Path;

/// One input that could not be turned into a document. Reading goes on with
/// the other inputs; the caller reports these.
///
/// Display: `path/to/file.jsonl:17: invalid JSON: expected `,` or `}` at column 40`
/// or `data/x.bin: binary file (NUL byte at offset 12), skipped`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {kind}", line_suffix(.line))]
pub struct InputError {
    /// Path as given (or as found while walking a directory), or `<stdin>`.
    pub file: String,
    /// 1-based line (JSONL/JSON records) where the error is.
    pub line: Option<usize>,
    pub kind: ErrorKind,
}

/// `:N` for a line number, nothing without one.
fn line_suffix(line: &Option<usize>) -> String {
    line.map(|l| format!(":{l}")).unwrap_or_default()
}

/// What went wrong. `code()` gives a stable machine-readable name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// Reading failed (permission, I/O, directory walk).
    #[error("read error: {0}")]
    Io(String),
    #[error("no such file or directory")]
    NotFound,
    /// NUL bytes without a UTF-16 BOM, or too many control bytes.
    #[error("binary file ({detail}), skipped")]
    Binary { detail: String },
    /// Not UTF-8 and not plausibly windows-1256. Position of the first
    /// invalid UTF-8 sequence: 1-based line and (character) column.
    #[error(
        "undecodable text: invalid UTF-8 byte 0x{byte:02X} at line {line}, column {col} \
         (not UTF-8, UTF-16 or windows-1256), skipped"
    )]
    Undecodable { line: usize, col: usize, byte: u8 },
    #[error("invalid JSON: {0}")]
    InvalidJson(String),
    #[error("missing field `{0}`")]
    MissingField(&'static str),
    #[error("invalid field `{field}`: {message}")]
    InvalidField {
        field: &'static str,
        message: String,
    },
    /// Empty or whitespace-only document (or empty `text`).
    #[error("empty document, skipped")]
    Empty,
    /// A zip archive that cannot be read.
    #[error("invalid archive: {0}")]
    Archive(String),
}

impl ErrorKind {
    /// Stable code for machine-readable reports.
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::Io(_) => "io_error",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Binary { .. } => "binary_file",
            ErrorKind::Undecodable { .. } => "undecodable",
            ErrorKind::InvalidJson(_) => "invalid_json",
            ErrorKind::MissingField(_) => "missing_field",
            ErrorKind::InvalidField { .. } => "invalid_field",
            ErrorKind::Empty => "empty_document",
            ErrorKind::Archive(_) => "invalid_archive",
        }
    }
}

impl InputError {
    pub fn new(file: impl Into<String>, line: Option<usize>, kind: ErrorKind) -> Self {
        InputError {
            file: file.into(),
            line,
            kind,
        }
    }

    /// An I/O error on `path` (`NotFound` when the path does not exist).
    pub fn io(path: impl AsRef<Path>, e: std::io::Error) -> Self {
        let kind = if e.kind() == std::io::ErrorKind::NotFound {
            ErrorKind::NotFound
        } else {
            ErrorKind::Io(e.to_string())
        };
        InputError::new(path.as_ref().display().to_string(), None, kind)
    }

    /// Stable code of the kind, e.g. `"binary_file"`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_codes() {
        let cases = [
            (
                InputError::new(
                    "a/f.jsonl",
                    Some(17),
                    ErrorKind::InvalidJson("expected `,` or `}` at column 40".into()),
                ),
                "a/f.jsonl:17: invalid JSON: expected `,` or `}` at column 40",
                "invalid_json",
            ),
            (
                InputError::new(
                    "data/x.bin",
                    None,
                    ErrorKind::Binary {
                        detail: "NUL byte at offset 12".into(),
                    },
                ),
                "data/x.bin: binary file (NUL byte at offset 12), skipped",
                "binary_file",
            ),
            (
                InputError::new("<stdin>", Some(3), ErrorKind::MissingField("text")),
                "<stdin>:3: missing field `text`",
                "missing_field",
            ),
            (
                InputError::new("x.txt", None, ErrorKind::Empty),
                "x.txt: empty document, skipped",
                "empty_document",
            ),
        ];
        for (e, display, code) in cases {
            assert_eq!(e.to_string(), display);
            assert_eq!(e.code(), code);
        }
        let e = InputError::io(
            Path::new("nope"),
            std::io::Error::from(std::io::ErrorKind::NotFound),
        );
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert_eq!(e.to_string(), "nope: no such file or directory");
    }
}
