//! Match form: the key used for lookup and search, never shown to users.
//! Diacritics stripped, `أإآٱ`→`ا`, `ى`→`ي`, `ة`→`ه`, Arabic-Indic and Persian
//! digits → ASCII, Latin lower-cased, tatweel dropped.

/// Arabic diacritics and Quranic annotation marks (dropped from match forms,
/// kept in display text).
#[inline]
pub fn is_diacritic(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06DC}' | '\u{06DF}'..='\u{06E4}' | '\u{06E7}' | '\u{06E8}' | '\u{06EA}'..='\u{06ED}')
}

/// The match form of one char, or `None` when it is dropped.
#[inline]
pub fn match_char(c: char) -> Option<char> {
    Some(match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' => 'ي',
        'ة' => 'ه',
        '\u{0640}' => return None,
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
        'A'..='Z' => c.to_ascii_lowercase(),
        c if is_diacritic(c) => return None,
        c => c,
    })
}

/// Append the match form of `s` to `out`.
#[inline]
pub fn push_match_form(s: &str, out: &mut String) {
    out.extend(s.chars().filter_map(match_char));
}

/// The match form of `s`.
pub fn match_form(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_match_form(s, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases = [
            ("الأميركي", "الاميركي"),
            ("إسقاط", "اسقاط"),
            ("آتية", "اتيه"),
            ("ٱلله", "الله"),
            ("مستشفى", "مستشفي"),
            ("الطائرة", "الطائره"),
            ("يتعلّق", "يتعلق"),
            ("هدفاً", "هدفا"),
            ("٢٢٤", "224"),
            ("۱۹۹۵", "1995"),
            ("ISIS", "isis"),
            ("مــوسكو", "موسكو"),
            ("ذٰلك", "ذلك"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(match_form(input), want, "{input}");
        }
    }
}
