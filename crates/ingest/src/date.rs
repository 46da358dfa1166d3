//! Publication dates normalised to `YYYY-MM-DD`.

/// Normalise a date or datetime to `YYYY-MM-DD`.
///
/// Accepts `YYYY-MM-DD` (also with `/` or `.`), `YYYYMMDD`, any of these
/// followed by a time (`T10:00:00Z`, ` 02:51:32`, …), and `20 Nov 2015` /
/// `Fri, 20 Nov 2015 10:00:00 GMT` / `November 20, 2015`. The date must exist
/// (month 1–12, day within the month). `None` otherwise.
pub fn normalize_date(s: &str) -> Option<String> {
    let s = s.trim();
    numeric(s).or_else(|| named_month(s))
}

fn numeric(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if part.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(part).ok()?.parse().ok()
        } else {
            None
        }
    };
    let year = digits(0..4)?;
    let (month, day, end) = match b.get(4) {
        Some(&sep @ (b'-' | b'/' | b'.')) => {
            // Month and day of one or two digits.
            let mut i = 5;
            let m_len = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            if !(1..=2).contains(&m_len) || b.get(i + m_len) != Some(&sep) {
                return None;
            }
            let month = digits(i..i + m_len)?;
            i += m_len + 1;
            let d_len = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            if !(1..=2).contains(&d_len) {
                return None;
            }
            (month, digits(i..i + d_len)?, i + d_len)
        }
        Some(c) if c.is_ascii_digit() => (digits(4..6)?, digits(6..8)?, 8),
        _ => return None,
    };
    // What follows must be a time part, not more digits.
    match b.get(end) {
        None | Some(b'T' | b't' | b' ' | b'Z' | b'z' | b'+' | b'_') => {}
        _ => return None,
    }
    ymd(year, month, day)
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// `20 Nov 2015`, `Fri, 20 Nov 2015 10:00:00 GMT`, `November 20, 2015`.
fn named_month(s: &str) -> Option<String> {
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let month_of = |w: &str| -> Option<u32> {
        let w = w.to_ascii_lowercase();
        let w = w.trim_end_matches('.');
        if w.len() < 3 || !w.is_ascii() {
            return None;
        }
        let pos = MONTHS.iter().position(|m| w.starts_with(m))?;
        // Full names must be spelled right ("sept" is allowed).
        let full = [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ][pos];
        (w.len() == 3 || full.starts_with(w)).then_some(pos as u32 + 1)
    };
    let num = |w: &str| -> Option<u32> {
        (w.len() <= 4 && !w.is_empty() && w.bytes().all(|c| c.is_ascii_digit()))
            .then(|| w.parse().ok())
            .flatten()
    };
    for i in 0..words.len() {
        let Some(month) = month_of(words[i]) else {
            continue;
        };
        let before = i.checked_sub(1).and_then(|j| num(words[j]));
        let after = words.get(i + 1).and_then(|w| num(w));
        let after2 = words.get(i + 2).and_then(|w| num(w));
        // D Mon YYYY
        if let (Some(d), Some(y)) = (before, after) {
            if y >= 1000 {
                return ymd(y, month, d);
            }
        }
        // Mon D YYYY
        if let (Some(d), Some(y)) = (after, after2) {
            if y >= 1000 {
                return ymd(y, month, d);
            }
        }
    }
    None
}

fn ymd(year: u32, month: u32, day: u32) -> Option<String> {
    if !(1000..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (day <= days).then(|| format!("{year:04}-{month:02}-{day:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_table() {
        let cases = [
            ("2015-11-20", Some("2015-11-20")),
            ("  2015-11-20  ", Some("2015-11-20")),
            ("2015-11-20T10:00:00Z", Some("2015-11-20")),
            ("2015-11-20T10:00:00+03:00", Some("2015-11-20")),
            ("2015-07-21 02:51:32", Some("2015-07-21")),
            ("2015/7/1", Some("2015-07-01")),
            ("2015.07.01", Some("2015-07-01")),
            ("20151120", Some("2015-11-20")),
            ("20151120T1000", Some("2015-11-20")),
            ("Fri, 20 Nov 2015 10:00:00 GMT", Some("2015-11-20")),
            ("20 November 2015", Some("2015-11-20")),
            ("November 20, 2015", Some("2015-11-20")),
            ("2016-02-29", Some("2016-02-29")),
            ("2015-02-29", None),
            ("2015-13-01", None),
            ("2015-11-31", None),
            ("2015-11-00", None),
            ("2015-1120", None),
            ("201511201", None),
            ("yesterday", None),
            ("", None),
            ("20 Novels 2015", None),
            ("١٢ تشرين الثاني ٢٠١٥", None),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_date(input).as_deref(), want, "{input:?}");
        }
    }
}
