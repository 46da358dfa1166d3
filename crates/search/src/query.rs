//! The user query language: words (all must match), `"…"` / `«…»` / `“…”`
//! phrases, and `OR` between two of those. Nothing else is special: any other
//! punctuation is dropped by the analyzer, so no input is a syntax error
//! except an unterminated quote or a misplaced `OR`.

use crate::analyzer::{Analyzer, Word};
use crate::error::SearchError;

/// Most words a query may have.
const MAX_WORDS: usize = 64;

/// One search term: a word, or a phrase (several words, or a quoted word).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Clause {
    pub words: Vec<Word>,
    /// Written in quotes (ranks exact surface matches first).
    pub quoted: bool,
}

/// A parsed query: every group must match; a group matches when any of its
/// clauses does (`a OR b c` = (a ∨ b) ∧ c).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Parsed {
    pub groups: Vec<Vec<Clause>>,
}

enum Item {
    Chunk { text: String, quoted: bool },
    Or,
}

fn closing(open: char) -> Option<&'static [char]> {
    Some(match open {
        '"' => &['"', '”'],
        '“' => &['”', '"'],
        '„' => &['“', '”', '"'],
        '«' => &['»'],
        _ => return None,
    })
}

fn lex(text: &str) -> Result<Vec<Item>, SearchError> {
    let mut items = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, items: &mut Vec<Item>| {
        if !word.is_empty() {
            let w = std::mem::take(word);
            items.push(if w == "OR" {
                Item::Or
            } else {
                Item::Chunk {
                    text: w,
                    quoted: false,
                }
            });
        }
    };
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        i += c.len_utf8();
        if c.is_whitespace() {
            flush(&mut word, &mut items);
        } else if let Some(close) = closing(c) {
            flush(&mut word, &mut items);
            let rest = &text[i..];
            let Some(end) = rest.find(close) else {
                return Err(SearchError::Query(format!(
                    "the quote {c} opened before {:?} is never closed",
                    rest.chars().take(30).collect::<String>()
                )));
            };
            items.push(Item::Chunk {
                text: rest[..end].to_string(),
                quoted: true,
            });
            i += end + rest[end..].chars().next().map_or(0, char::len_utf8);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut items);
    Ok(items)
}

/// Parse the user's query text with the analyzer.
pub(crate) fn parse(text: &str, a: &Analyzer) -> Result<Parsed, SearchError> {
    let items = lex(text)?;
    // OR must stand between two terms.
    for (i, it) in items.iter().enumerate() {
        if matches!(it, Item::Or)
            && (i == 0 || i + 1 == items.len() || matches!(items[i + 1], Item::Or))
        {
            return Err(SearchError::Query(
                "OR must stand between two search terms, as in `روسيا OR موسكو`".into(),
            ));
        }
    }
    let mut groups: Vec<Vec<Clause>> = Vec::new();
    let mut after_or = false;
    let mut any_chunk = false;
    let mut n_words = 0;
    for it in items {
        match it {
            Item::Or => after_or = true,
            Item::Chunk { text, quoted } => {
                any_chunk = true;
                let words = a.words(&text);
                n_words += words.len();
                if n_words > MAX_WORDS {
                    return Err(SearchError::Query(format!(
                        "the query is too long (at most {MAX_WORDS} words)"
                    )));
                }
                if after_or && !groups.is_empty() {
                    if !words.is_empty() {
                        groups.last_mut().into_iter().for_each(|g| {
                            g.push(Clause {
                                words: words.clone(),
                                quoted,
                            })
                        });
                    }
                } else {
                    groups.push(if words.is_empty() {
                        Vec::new()
                    } else {
                        vec![Clause { words, quoted }]
                    });
                }
                after_or = false;
            }
        }
    }
    groups.retain(|g| !g.is_empty());
    if any_chunk && groups.is_empty() {
        return Err(SearchError::Query(
            "the query has no words to search for (only punctuation?)".into(),
        ));
    }
    Ok(Parsed { groups })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Render a parse as `a+b|"c d" & e` (text terms; `+` joins phrase words).
    fn show(q: &str) -> Result<String, String> {
        let a = Analyzer::builtin().unwrap();
        let p = parse(q, a).map_err(|e| e.to_string())?;
        Ok(p.groups
            .iter()
            .map(|g| {
                g.iter()
                    .map(|c| {
                        let w: Vec<&str> = c.words.iter().map(|w| w.text.as_str()).collect();
                        if c.quoted {
                            format!("\"{}\"", w.join("+"))
                        } else {
                            w.join("+")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect::<Vec<_>>()
            .join(" & "))
    }

    #[test]
    fn parse_table() {
        let ok: &[(&str, &str)] = &[
            ("", ""),
            ("   ", ""),
            ("روسيا", "روسيا"),
            ("روسيا الصين", "روسيا & الصين"),
            ("روسيا OR موسكو", "روسيا|موسكو"),
            ("روسيا OR موسكو الصين", "روسيا|موسكو & الصين"),
            ("a OR b OR c", "a|b|c"),
            ("\"وزير الخارجية\"", "\"وزير+خارجيه\""),
            ("«وزير الخارجية» روسيا", "\"وزير+خارجيه\" & روسيا"),
            ("“بوتين”", "\"بوتين\""),
            ("روسيا\"بوتين\"", "روسيا & \"بوتين\""),
            ("\"\" روسيا", "روسيا"),
            ("روسيا، الصين!", "روسيا & الصين"),
            ("U.S. sanctions", "u+s & sanctions"),
            ("or", "or"),
            ("روسيا OR !!", "روسيا"),
            ("title:روسيا AND (x", "title+روسيا & and & x"),
        ];
        for (q, want) in ok {
            assert_eq!(show(q).as_deref(), Ok(*want), "{q}");
        }
        let bad: &[(&str, &str)] = &[
            ("\"روسيا", "never closed"),
            ("«روسيا", "never closed"),
            ("OR روسيا", "OR must stand"),
            ("روسيا OR", "OR must stand"),
            ("روسيا OR OR موسكو", "OR must stand"),
            ("!!! ،،", "no words"),
        ];
        for (q, want) in bad {
            let e = show(q).unwrap_err();
            assert!(e.starts_with("bad query: ") && e.contains(want), "{q}: {e}");
        }
        let long = "كلمة ".repeat(MAX_WORDS + 1);
        assert!(show(&long).unwrap_err().contains("too long"));
    }
}
