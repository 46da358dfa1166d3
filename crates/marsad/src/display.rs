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
/// their column. `max` caps each column's width (0 = no cap).
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub max: Vec<usize>,
}

impl Table {
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
            max: vec![0; header.len()],
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

    pub fn render(&self, bidi: Bidi) -> String {
        let n = self.header.len();
        let cell = |row: &[String], i: usize| -> String {
            let s = row.get(i).map(String::as_str).unwrap_or("");
            let s = s.replace(['\n', '\r', '\t'], " ");
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
