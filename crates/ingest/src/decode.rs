//! Byte decoding: UTF-8 (BOM stripped), UTF-16 LE/BE with BOM, windows-1256;
//! binary and undecodable input detection.

use encoding_rs::{Encoding, ISO_8859_6, UTF_16BE, UTF_16LE, WINDOWS_1256};

use crate::error::{ErrorKind, InputError};

/// Share of control bytes (in the first 64 KiB) above which input is binary.
const CONTROL_PERCENT: usize = 10;
const SNIFF_LEN: usize = 64 * 1024;

/// Decode the bytes of one document to text with `\n` line ends.
///
/// UTF-8 (a BOM is stripped), UTF-16 LE/BE when a BOM says so, and
/// windows-1256 when chardetng guesses it and the result reads as Arabic.
/// Errors (naming `file`): `Binary` (NUL bytes without a UTF-16 BOM, or more
/// than 10% control bytes), `Undecodable` (line and column of the first
/// invalid UTF-8 sequence), `Empty` (nothing but whitespace).
pub fn decode(bytes: &[u8], file: &str) -> Result<String, InputError> {
    let text = decode_kind(bytes).map_err(|k| InputError::new(file, None, k))?;
    if text.trim().is_empty() {
        return Err(InputError::new(file, None, ErrorKind::Empty));
    }
    Ok(text)
}

/// `decode`, but for HTML (`html`) that is not UTF-8 a `charset` declared in
/// the first 2 KiB is obeyed first.
pub(crate) fn decode_hinted(bytes: &[u8], file: &str, html: bool) -> Result<String, InputError> {
    if html && std::str::from_utf8(bytes).is_err() && !has_bom(bytes) {
        if let Some(enc) = declared_charset(bytes) {
            if enc != encoding_rs::UTF_8 && !bytes.contains(&0) {
                let (text, _, _) = enc.decode(bytes);
                let text = normalize_newlines(text.into_owned());
                if text.trim().is_empty() {
                    return Err(InputError::new(file, None, ErrorKind::Empty));
                }
                return Ok(text);
            }
        }
    }
    decode(bytes, file)
}

fn has_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xEF\xBB\xBF")
        || bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF")
}

/// `charset=…` in the head of an HTML page.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(2048)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let at = lower.windows(8).position(|w| w == b"charset=")? + 8;
    let rest = &lower[at..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .unwrap_or(rest.len());
    Encoding::for_label(&rest[..end])
}

fn decode_kind(bytes: &[u8]) -> Result<String, ErrorKind> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest, false);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return Ok(utf16(UTF_16LE, rest));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return Ok(utf16(UTF_16BE, rest));
    }
    if let Some(off) = bytes.iter().position(|&b| b == 0) {
        return Err(ErrorKind::Binary {
            detail: format!("NUL byte at offset {off}"),
        });
    }
    let sample = &bytes[..bytes.len().min(SNIFF_LEN)];
    let control = sample.iter().filter(|&&b| is_binary_control(b)).count();
    if !sample.is_empty() && control * 100 > sample.len() * CONTROL_PERCENT {
        return Err(ErrorKind::Binary {
            detail: format!("{}% control bytes", control * 100 / sample.len()),
        });
    }
    utf8(bytes, true)
}

fn is_binary_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B)) || b == 0x7F
}

fn utf16(enc: &'static Encoding, bytes: &[u8]) -> String {
    let (text, _) = enc.decode_without_bom_handling(bytes);
    normalize_newlines(text.into_owned())
}

/// UTF-8, else (when `legacy`) windows-1256, else an `Undecodable` error.
fn utf8(bytes: &[u8], legacy: bool) -> Result<String, ErrorKind> {
    let err = match std::str::from_utf8(bytes) {
        Ok(s) => return Ok(normalize_newlines(s.to_string())),
        Err(e) => e,
    };
    let valid = err.valid_up_to();
    // A file cut in the middle of its last character: keep the rest.
    if err.error_len().is_none() {
        let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
        return Ok(normalize_newlines(prefix.to_string()));
    }
    if legacy {
        if let Some(text) = legacy_arabic(bytes) {
            return Ok(normalize_newlines(text));
        }
    }
    let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
    let line = 1 + prefix.matches('\n').count();
    let col = 1 + prefix.rsplit('\n').next().unwrap_or("").chars().count();
    Err(ErrorKind::Undecodable {
        line,
        col,
        byte: bytes[valid],
    })
}

/// Decode as windows-1256 (or ISO-8859-6) when chardetng guesses an Arabic
/// legacy encoding and the text looks like Arabic.
fn legacy_arabic(bytes: &[u8]) -> Option<String> {
    let mut det = chardetng::EncodingDetector::new();
    det.feed(bytes, true);
    let guess = det.guess(None, false);
    let enc = if guess == ISO_8859_6 {
        ISO_8859_6
    } else {
        WINDOWS_1256
    };
    let (text, _, malformed) = enc.decode(bytes);
    if malformed {
        return None;
    }
    // chardetng is sure: ask for some Arabic. Otherwise ask for mostly Arabic.
    let min_arabic = if guess == WINDOWS_1256 || guess == ISO_8859_6 {
        0.3
    } else {
        0.6
    };
    plausible_arabic(&text, min_arabic).then(|| text.into_owned())
}

/// Letters dominate, a good share of them Arabic, few odd symbols or controls.
fn plausible_arabic(text: &str, min_arabic: f64) -> bool {
    let (mut arabic, mut latin, mut odd) = (0usize, 0usize, 0usize);
    for c in text.chars() {
        if c.is_whitespace() || c.is_ascii_punctuation() || c.is_ascii_digit() {
            continue;
        }
        if ('\u{0600}'..='\u{06FF}').contains(&c) {
            arabic += 1;
        } else if c.is_alphabetic() {
            latin += 1;
        } else if matches!(
            c,
            '«' | '»'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '„'
                | '–'
                | '—'
                | '…'
                | '•'
                | '·'
                | '°'
                | '©'
                | '®'
                | '×'
                | '÷'
                | '€'
                | '£'
                | '\u{200C}'
                | '\u{200D}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{00A0}'
        ) {
            continue;
        } else {
            odd += 1;
        }
    }
    let total = arabic + latin + odd;
    total > 0 && arabic as f64 >= min_arabic * total as f64 && odd * 20 <= total
}

/// `\r\n` and lone `\r` → `\n`.
fn normalize_newlines(s: String) -> String {
    if !s.contains('\r') {
        return s;
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const AR: &str = "قالت وزارة الخارجية إن الوفد سيصل إلى العاصمة يوم الأحد المقبل لبحث ملف المياه.\nوأضاف المتحدث أن «المحادثات ستكون صعبة» لكنها ضرورية؟";

    fn utf16(text: &str, le: bool) -> Vec<u8> {
        let mut out = if le {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in text.encode_utf16() {
            let b = if le { u.to_le_bytes() } else { u.to_be_bytes() };
            out.extend_from_slice(&b);
        }
        out
    }

    fn cp1256(text: &str) -> Vec<u8> {
        let (b, _, unmappable) = WINDOWS_1256.encode(text);
        assert!(!unmappable);
        b.into_owned()
    }

    #[test]
    fn decodes_table() {
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(AR.as_bytes());
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("utf8", AR.as_bytes().to_vec(), AR),
            ("utf8 bom", bom, AR),
            ("utf16le", utf16(AR, true), AR),
            ("utf16be", utf16(AR, false), AR),
            ("cp1256", cp1256(AR), AR),
            ("crlf", b"a\r\nb\rc".to_vec(), "a\nb\nc"),
            ("truncated last char", b"abc \xD8".to_vec(), "abc "),
            ("latin", b"hello world".to_vec(), "hello world"),
        ];
        for (name, bytes, want) in cases {
            assert_eq!(decode(&bytes, "f").as_deref(), Ok(want), "{name}");
        }
    }

    #[test]
    fn cp1256_longer_text() {
        let long = AR.repeat(20);
        assert_eq!(decode(&cp1256(&long), "f").unwrap(), long);
        let short = "مرحبا بكم في الموقع";
        assert_eq!(decode(&cp1256(short), "f").unwrap(), short);
    }

    #[test]
    fn errors_table() {
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("nul", b"abc\0def".to_vec(), "binary_file"),
            (
                "controls",
                vec![1, 2, 3, 4, 5, b'a', b'b', 6, 7, 8],
                "binary_file",
            ),
            ("empty", vec![], "empty_document"),
            ("whitespace", b" \n\t \r\n".to_vec(), "empty_document"),
            ("bom only", b"\xEF\xBB\xBF \n".to_vec(), "empty_document"),
            ("utf16 blank", utf16("  \n", true), "empty_document"),
        ];
        for (name, bytes, code) in cases {
            let e = decode(&bytes, "data/x.bin").unwrap_err();
            assert_eq!(e.code(), code, "{name}: {e}");
            assert_eq!(e.file, "data/x.bin");
        }
        let e = decode(b"abc\0def", "data/x.bin").unwrap_err();
        assert_eq!(
            e.to_string(),
            "data/x.bin: binary file (NUL byte at offset 3), skipped"
        );
    }

    #[test]
    fn undecodable_names_line_and_column() {
        // Latin-1 text (not Arabic, not UTF-8): é as a lone 0xE9 byte.
        let bytes = b"first line\nsecond line\nthe caf\xE9 is open \xE9\xE9\n";
        let e = decode(bytes, "x.txt").unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::Undecodable {
                line: 3,
                col: 8,
                byte: 0xE9
            }
        );
        // Column counts characters, not bytes.
        let mut bytes = "سطر\nكلمة ".as_bytes().to_vec();
        bytes.extend_from_slice(b"\xFF\xFE\xFD rest of it is latin text xyz");
        let e = decode(&bytes, "y.txt").unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::Undecodable {
                line: 2,
                col: 6,
                byte: 0xFF
            },
            "{e}"
        );
        assert!(e
            .to_string()
            .starts_with("y.txt: undecodable text: invalid UTF-8 byte 0xFF at line 2, column 6"));
    }

    #[test]
    fn html_declared_charset() {
        let mut bytes = b"<html><head><meta charset=\"windows-1256\"></head><body><p>".to_vec();
        bytes.extend(cp1256("نص"));
        bytes.extend_from_slice(b"</p></body></html>");
        assert!(decode_hinted(&bytes, "f", true)
            .unwrap()
            .contains("<p>نص</p>"));
        let mut bytes =
            b"<meta http-equiv=Content-Type content='text/html; charset=ISO-8859-1'>caf".to_vec();
        bytes.extend_from_slice(b"\xE9 ouvert");
        assert!(decode_hinted(&bytes, "f", true)
            .unwrap()
            .ends_with("café ouvert"));
        assert_eq!(
            decode_hinted(&bytes, "f", false).unwrap_err().code(),
            "undecodable"
        );
    }

    #[test]
    fn random_high_bytes_are_not_arabic() {
        let bytes: Vec<u8> = (0..400u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8 | 0x80)
            .collect();
        // Either decoded as plausible Arabic (unlikely) or refused; never a panic.
        if let Ok(t) = decode(&bytes, "r") {
            assert!(plausible_arabic(&t, 0.3));
        }
    }
}
