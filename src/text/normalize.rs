//! Keys for matching names: accents and case folded, typographic quotes unified.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use std::cell::RefCell;

/// Accent-stripped, lower-cased form with typographic apostrophes and dashes unified:
/// "Héctor" → "hector", "Rísquez’s" → "risquez's".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// [`fold`] written into `out` (cleared first), so hot loops reuse one buffer.
pub fn fold_into(s: &str, out: &mut String) {
    out.clear();
    if s.is_ascii() {
        // The common case, without the decomposition machinery: the same result. A copy
        // lower-cased in place; backticks (rare) become apostrophes.
        out.push_str(s);
        out.make_ascii_lowercase();
        if memchr::memchr(b'`', s.as_bytes()).is_some() {
            *out = out.replace('`', "'");
        }
        return;
    }
    // Character by character: each character's canonical decomposition, marks dropped. This
    // equals decomposing the whole string, because canonical reordering only moves
    // non-starters among themselves and every non-starter is a mark that is dropped; a
    // non-starter that is not a mark (none in current Unicode) sends the string to the
    // general path.
    let mut odd = false;
    for c in s.chars() {
        if c.is_ascii() {
            out.push(fold_ascii(c as u8) as char);
            continue;
        }
        unicode_normalization::char::decompose_canonical(c, |d| {
            if is_combining_mark(d) {
                return;
            }
            if unicode_normalization::char::canonical_combining_class(d) != 0 {
                odd = true;
            }
            fold_char(d, out);
        });
    }
    if odd {
        *out = general_fold(s);
    }
}

fn fold_ascii(b: u8) -> u8 {
    if b == b'`' {
        b'\''
    } else {
        b.to_ascii_lowercase()
    }
}

/// One decomposed, non-mark character of [`fold`].
fn fold_char(c: char, out: &mut String) {
    match c {
        '’' | '‘' | '`' | '´' => out.push('\''),
        '‐' | '‑' | '‒' | '–' | '—' => out.push('-'),
        _ => out.extend(c.to_lowercase()),
    }
}

/// The definition of [`fold`], kept for the tests that check the fast paths against it.
fn general_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        fold_char(c, &mut out);
    }
    out
}

/// The matching key of a name: folded, periods and possessive endings dropped, inner white
/// space collapsed. "U.S." and "US" share a key; so do "Maduro's" and "Maduro".
pub fn fold_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_key_into(s, &mut out);
    out
}

thread_local! {
    /// The folded form [`fold_key_into`] works on, reused between calls.
    static FOLDED: RefCell<String> = const { RefCell::new(String::new()) };
}

/// [`fold_key`] written into `out` (cleared first), without allocating once the buffers have
/// grown: lexicon look-ups run this for most tokens of every document.
pub fn fold_key_into(s: &str, out: &mut String) {
    out.clear();
    if s.is_ascii() {
        ascii_key(s, out);
        return;
    }
    FOLDED.with(|f| {
        // A re-entrant call (none today) would find the buffer taken: it gets its own.
        let mut own = String::new();
        let mut guard = f.try_borrow_mut().ok();
        let f = guard.as_deref_mut().unwrap_or(&mut own);
        fold_into(s, f);
        key_of_folded(f, out);
    });
}

/// The key of an already folded string ([`fold`]): possessive ending dropped, then periods,
/// white space collapsed, written into `out` (cleared first). [`fold_key`] of `s` is this of
/// `fold(s)`.
pub fn key_of_folded(f: &str, out: &mut String) {
    out.clear();
    let f = f
        .strip_suffix("'s")
        .or_else(|| f.strip_suffix('\''))
        .unwrap_or(f);
    for word in f
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().filter(|c| *c != '.'));
    }
}

/// The definition of [`fold_key`], kept for the tests.
#[cfg(test)]
fn general_key(s: &str) -> String {
    let mut out = String::new();
    key_of_folded(&general_fold(s), &mut out);
    out
}

/// [`fold_key`] of ASCII text (the same result as the general path, word for word: a word of
/// periods only still counts as a word).
fn ascii_key(s: &str, out: &mut String) {
    let b = s.as_bytes();
    // The possessive ending goes first ("Maduro's", "Paris'"), as in the general path.
    let end = match b {
        [.., x, y] if fold_ascii(*x) == b'\'' && fold_ascii(*y) == b's' => b.len() - 2,
        [.., x] if fold_ascii(*x) == b'\'' => b.len() - 1,
        _ => b.len(),
    };
    let (s, b) = (&s[..end], &b[..end]);
    // Most names only need lower-casing: no periods, backticks or white space but single
    // inner spaces. (A space followed by a non-space is inner once the first byte is not one.)
    let plain = b.first() != Some(&b' ')
        && b.iter().enumerate().all(|(i, &x)| {
            !KEY_SPECIAL[usize::from(x)]
                || (x == b' ' && b.get(i + 1).is_some_and(|&y| !KEY_SPECIAL[usize::from(y)]))
        });
    if plain {
        out.push_str(s);
        out.make_ascii_lowercase();
        return;
    }
    for word in b
        .split(|&x| x.is_ascii_whitespace() || x == 0x0B)
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(
            word.iter()
                .filter(|&&x| x != b'.')
                .map(|&x| fold_ascii(x) as char),
        );
    }
}

/// Bytes a key changes or drops, besides upper-case letters: periods, backticks, white space.
static KEY_SPECIAL: [bool; 256] = super::chars::byte_set(b".`\t\n\x0B\x0C\r ");

/// A stable id fragment: `[a-z0-9]` runs joined by `-` ("Héctor Guerrero Flores" →
/// "hector-guerrero-flores"). Never empty: a name with no letters or digits becomes "x".
pub fn slug(s: &str) -> String {
    let f = fold(s);
    let mut out = String::with_capacity(f.len());
    let mut dash = false;
    // Bytes, not characters: every byte of a non-ASCII character only sets `dash`, as the
    // character would once.
    for b in f.bytes() {
        if b.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(char::from(b));
        } else if b == b'\'' || b == b'.' {
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
    // ASCII text, and text the quick check finds already composed, is its own NFC.
    if s.is_ascii()
        || unicode_normalization::is_nfc_quick(s.chars())
            == unicode_normalization::IsNormalized::Yes
    {
        return s.to_string();
    }
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

    /// The character loop [`slug`] ran before it went byte by byte.
    fn general_slug(s: &str) -> String {
        let f = fold(s);
        let mut out = String::new();
        let mut dash = false;
        for c in f.chars() {
            if c.is_ascii_alphanumeric() {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                out.push(c);
            } else if c != '\'' && c != '.' {
                dash = true;
            }
        }
        if out.is_empty() {
            return slug(s);
        }
        out
    }

    #[test]
    fn reused_buffers_are_cleared() {
        let mut out = String::from("left over");
        fold_key_into("U.S. Army", &mut out);
        assert_eq!(out, "us army");
        fold_into("O`Brien", &mut out);
        assert_eq!(out, "o'brien");
        for s in ["Rísquez’s", "ΟΔΥΣΣΕΥΣ", "Bogotá  D.C.", "U.S.", "Paris'"] {
            key_of_folded(&fold(s), &mut out);
            assert_eq!(out, fold_key(s), "{s}");
        }
    }

    proptest::proptest! {
        #[test]
        fn slug_agrees_with_the_character_loop(
            s in "[a-zA-Z0-9 .'`\u{2019}\u{2014}\u{e9}\u{c9}\u{301}\u{4e2d}\u{a0}-]{0,24}"
        ) {
            proptest::prop_assert_eq!(slug(&s), general_slug(&s));
        }

        #[test]
        fn ascii_keys_agree_with_the_general_path(s in "[ -~\t\n\r\x0B\x0C]{0,24}") {
            proptest::prop_assert_eq!(fold(&s), general_fold(&s));
            proptest::prop_assert_eq!(fold_key(&s), general_key(&s));
        }

        #[test]
        fn unicode_keys_agree_with_the_general_path(
            s in "[a-zA-Z .'`\u{2019}\u{2018}\u{b4}\u{2013}\u{2014}\u{a0}\u{85}\u{e9}\u{c9}\u{f1}\u{fc}\u{e7}\u{301}\u{308}\u{327}\u{323}\u{1e9e}\u{130}\u{3a3}\u{3c2}\u{1f08}\u{345}\u{5d0}\u{5b4}\u{4e2d}\u{ac00}]{0,16}"
        ) {
            proptest::prop_assert_eq!(fold(&s), general_fold(&s));
            proptest::prop_assert_eq!(fold_key(&s), general_key(&s));
            proptest::prop_assert_eq!(nfc(&s), s.nfc().collect::<String>());
        }
    }
}
