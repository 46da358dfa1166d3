//! Terminal tables with Arabic text.
//!
//! Two problems: column widths (Arabic diacritics and bidi marks take no
//! cell; a byte or char count misaligns columns) and direction. Terminals
//! that implement the Unicode bidi algorithm (VTE/GNOME Terminal, Konsole,
//! mlterm, iTerm2 in part) show logical-order text correctly as long as
//! every cell is kept apart from its neighbours: each cell is closed with a
//! left-to-right mark, so an Arabic name never joins the next column or an
//! arrow into one right-to-left run (`تركيا → روسيا` would otherwise be shown
//! reversed). Terminals without bidi (xterm, the Linux console, Windows
//! conhost) show logical order left to right, letters unjoined-reversed: for
//! them `--bidi visual` (or `MARSAD_BIDI=visual`) reorders every line into
//! visual order with the bidi algorithm before printing.

use unicode_bidi::BidiInfo;
use unicode_width::UnicodeWidthChar;

/// Left-to-right mark: a strong L character of zero width.
pub const LRM: char = '\u{200E}';

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Bidi {
    /// Logical order, cells separated by LRM (terminals with bidi).
    #[default]
    Logical,
    /// Reordered to visual order (terminals without bidi).
    Visual,
}

impl Bidi {
    /// `--bidi` when given, else `MARSAD_BIDI`, else logical.
    pub fn from_env(arg: Option<Bidi>) -> Bidi {
        arg.unwrap_or_else(|| match std::env::var("MARSAD_BIDI").as_deref() {
            Ok("visual") => Bidi::Visual,
            _ => Bidi::Logical,
        })
    }
}

/// Display width in terminal cells: combining marks (Arabic diacritics),
/// bidi and zero-width characters take none.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Text from documents made safe to print on a terminal: control
/// characters (ESC and the other C0 and C1 controls, DEL) would be run by
/// the terminal (colours, cursor moves, titles, hidden text), so they are
/// shown as their Unicode control pictures (`␛`) or, for C1, as `�`; tabs
/// and line breaks become spaces; bidi embeddings, overrides and isolates
/// are dropped (an unclosed override would reverse the columns after it).
pub fn sanitize(s: &str) -> String {
    if !s.chars().any(unsafe_char) {
        return s.to_string();
    }
    s.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                Some(' ')
            }
            '\u{00}'..='\u{1F}' => char::from_u32(0x2400 + c as u32),
            '\u{7F}' => Some('\u{2421}'),
            '\u{80}'..='\u{9F}' => Some('\u{FFFD}'),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
            c => Some(c),
        })
        .collect()
}

fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` cut to at most `max` cells, with `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        w += cw;
        out.push(c);
    }
    out.push('…');
    out
}

/// One line in the chosen order. Visual: the bidi algorithm's reordering of
/// the line with a left-to-right paragraph direction.
pub fn line(s: &str, bidi: Bidi) -> String {
    match bidi {
        Bidi::Logical => s.to_string(),
        Bidi::Visual => {
            let info = BidiInfo::new(s, Some(unicode_bidi::Level::ltr()));
            let mut out = String::with_capacity(s.len());
            for para in &info.paragraphs {
                let range = para.range.clone();
                out.push_str(&info.reorder_line(para, range));
            }
            out.replace(LRM, "")
        }
    }
}

/// A table: header and rows of cells, columns padded to their display
/// width, each cell closed by an LRM so that right-to-left cells stay in
/// their column. `max` caps each column's width (0 = no cap). A row may
/// have a note: a line printed under it, indented, outside the columns
/// (cut at [`NOTE_WIDTH`] cells). Every cell and note is [`sanitize`]d.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub max: Vec<usize>,
    /// `(row index, note)`.
    pub notes: Vec<(usize, String)>,
}

/// Width of a row's note line, in cells.
pub const NOTE_WIDTH: usize = 160;

impl Table {
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
            max: vec![0; header.len()],
            notes: Vec::new(),
        }
    }

    /// Cap column `i` at `w` cells.
    pub fn cap(mut self, i: usize, w: usize) -> Table {
        if i < self.max.len() {
            self.max[i] = w;
        }
        self
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// A note under the last row pushed.
    pub fn note(&mut self, text: String) {
        if let Some(last) = self.rows.len().checked_sub(1) {
            self.notes.push((last, text));
        }
    }

    pub fn render(&self, bidi: Bidi) -> String {
        let n = self.header.len();
        let cell = |row: &[String], i: usize| -> String {
            let s = sanitize(row.get(i).map(String::as_str).unwrap_or(""));
            match self.max.get(i) {
                Some(&m) if m > 0 => truncate(&s, m),
                _ => s,
            }
        };
        let mut widths = vec![0usize; n];
        for row in std::iter::once(&self.header).chain(&self.rows) {
            for (i, w) in widths.iter_mut().enumerate() {
                *w = (*w).max(width(&cell(row, i)));
            }
        }
        let mut out = String::new();
        for (k, row) in std::iter::once(&self.header).chain(&self.rows).enumerate() {
            let mut l = String::new();
            for (i, w) in widths.iter().enumerate() {
                let c = cell(row, i);
                l.push_str(&c);
                l.push(LRM);
                if i + 1 < n {
                    l.push_str(&" ".repeat(w - width(&c) + 2));
                }
            }
            out.push_str(line(l.trim_end(), bidi).trim_end());
            out.push('\n');
            if k > 0 {
                let notes = self.notes.iter().filter(|(r, _)| *r + 1 == k);
                for (_, note) in notes {
                    // A left-to-right mark first: the line is laid out left
                    // to right whatever script the note starts with.
                    let note = format!("{LRM}{}", truncate(&sanitize(note), NOTE_WIDTH));
                    out.push_str("    ");
                    out.push_str(line(&note, bidi).trim_end());
                    out.push('\n');
                }
            }
            if k == 0 {
                let total: usize = widths.iter().sum::<usize>() + 2 * n.saturating_sub(1);
                out.push_str(&"─".repeat(total));
                out.push('\n');
            }
        }
        out
    }
}

/// Names joined by `sep` with LRMs around the separator, so that
/// `تركيا → روسيا` is shown in this order by a bidi terminal.
pub fn join(names: &[String], sep: &str) -> String {
    names.join(&format!("{LRM}{sep}{LRM}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        for (s, w) in [
            ("abc", 3),
            ("روسيا", 5),
            ("يتعلّق", 5),
            ("\u{200E}تركيا\u{200F}", 5),
            ("", 0),
        ] {
            assert_eq!(width(s), w, "{s}");
        }
    }

    #[test]
    fn terminal_escapes_are_not_printed() {
        // (text, shown)
        let cases = [
            ("\u{1b}[31mأحمر\u{1b}[0m", "␛[31mأحمر␛[0m"),
            ("\u{1b}]0;title\u{7}", "␛]0;title␇"),
            ("a\u{9b}2Jb", "a\u{FFFD}2Jb"),
            ("a\u{7f}b", "a␡b"),
            ("سطر\nسطر\tو\r", "سطر سطر و "),
            ("\u{202E}تركيا\u{2066}x\u{2069}", "تركياx"),
            ("\u{200E}عادي", "\u{200E}عادي"),
            ("plain", "plain"),
        ];
        for (text, shown) in cases {
            assert_eq!(sanitize(text), shown, "{text:?}");
            let mut t = Table::new(&["text"]);
            t.push(vec![text.into()]);
            t.note(format!("«{text}»"));
            for bidi in [Bidi::Logical, Bidi::Visual] {
                let r = t.render(bidi);
                assert!(
                    !r.chars().any(|c| c.is_control() && c != '\n'),
                    "{text:?} → {r:?}"
                );
                assert!(!r.contains('\u{202E}'), "{r:?}");
            }
        }
    }

    #[test]
    fn notes_go_under_their_row() {
        let mut t = Table::new(&["a", "b"]);
        t.push(vec!["1".into(), "x".into()]);
        t.note("تركيا تسقط مقاتلة".into());
        t.push(vec!["2".into(), "y".into()]);
        let r = t.render(Bidi::Logical);
        let lines: Vec<&str> = r.lines().collect();
        assert_eq!(lines.len(), 5, "{r}");
        assert!(lines[2].starts_with('1'));
        assert_eq!(lines[3], format!("    {LRM}تركيا تسقط مقاتلة"));
        assert!(lines[4].starts_with('2'));
        // Notes do not widen the columns.
        assert_eq!(width(lines[0]), width("a  b"));
        let long = "ب".repeat(NOTE_WIDTH * 2);
        let mut t = Table::new(&["a"]);
        t.push(vec!["1".into()]);
        t.note(long);
        let r = t.render(Bidi::Visual);
        assert_eq!(width(r.lines().nth(3).unwrap()), 4 + NOTE_WIDTH);
    }

    #[test]
    fn truncation_counts_cells() {
        assert_eq!(truncate("روسيا وتركيا", 6), "روسيا…");
        assert_eq!(truncate("abc", 3), "abc");
    }

    #[test]
    fn columns_line_up_with_diacritics() {
        let mut t = Table::new(&["id", "name"]);
        t.push(vec!["a".into(), "يتعلّق".into()]);
        t.push(vec!["bbbbbb".into(), "x".into()]);
        let r = t.render(Bidi::Logical);
        let lines: Vec<&str> = r.lines().collect();
        // The second column starts at the same cell on every line.
        let col = |l: &str| width(&l[..l.find(['ي', 'x', 'n']).unwrap()]);
        assert_eq!(col(lines[0]), col(lines[2]));
        assert_eq!(col(lines[2]), col(lines[3]));
    }

    #[test]
    fn visual_order_reverses_arabic_runs_only() {
        let v = line("2015 تركيا", Bidi::Visual);
        assert_eq!(v, "2015 ايكرت");
        assert_eq!(line("abc def", Bidi::Visual), "abc def");
        // Separated by LRM, two Arabic names keep their left-to-right order.
        let j = join(&["تركيا".into(), "روسيا".into()], " → ");
        assert_eq!(line(&j, Bidi::Visual), "ايكرت → ايسور");
    }
}
