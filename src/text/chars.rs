//! Byte-level fast paths for the character tests the segmenter and tokenizer run on every
//! byte: white space and lower case, with the same results as `char::is_whitespace` and
//! `str::to_lowercase`, but without decoding ASCII text character by character.

/// The searcher for two spaces in a row, built once.
fn double_space() -> &'static memchr::memmem::Finder<'static> {
    static FINDER: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    FINDER.get_or_init(|| memchr::memmem::Finder::new("  "))
}

/// A table of 256 flags, true at each byte of `bytes`: for byte-class tests in hot loops.
pub(crate) const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut k = 0;
    while k < bytes.len() {
        t[bytes[k] as usize] = true;
        k += 1;
    }
    t
}

/// Length in bytes of the white-space character (`char::is_whitespace`) starting at byte `i`
/// of `b`, or 0 if there is none. Safe at any byte of valid UTF-8: a continuation byte is never
/// the lead byte of a white-space character, so it gives 0.
#[inline]
pub(crate) fn ws_len(b: &[u8], i: usize) -> usize {
    match b[i] {
        b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => 1,
        x if x < 0x80 => 0,
        // U+0085, U+00A0
        0xC2 => usize::from(matches!(b.get(i + 1), Some(0x85 | 0xA0))) * 2,
        // U+1680
        0xE1 => usize::from(b.get(i + 1..i + 3) == Some(&[0x9A, 0x80][..])) * 3,
        // U+2000..=U+200A, U+2028, U+2029, U+202F, U+205F
        0xE2 => match (b.get(i + 1), b.get(i + 2)) {
            (Some(0x80), Some(0x80..=0x8A | 0xA8 | 0xA9 | 0xAF)) | (Some(0x81), Some(0x9F)) => 3,
            _ => 0,
        },
        // U+3000
        0xE3 => usize::from(b.get(i + 1..i + 3) == Some(&[0x80, 0x80][..])) * 3,
        _ => 0,
    }
}

/// Whether `s` is its own white-space-normalized form (the words of `split_whitespace`
/// joined by single spaces): no white space but single inner spaces.
pub(crate) fn is_space_normalized(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    // A few vectorized passes over the line, each for bytes that are rare in running text.
    if memchr::memchr3(b'\t', b'\n', b'\r', b).is_some()
        || memchr::memchr2(0x0B, 0x0C, b).is_some()
        || double_space().find(b).is_some()
    {
        return false;
    }
    // Non-ASCII white space starts with one of these bytes (so do many other characters).
    memchr::memchr3_iter(0xC2, 0xE1, 0xE2, b)
        .chain(memchr::memchr_iter(0xE3, b))
        .all(|i| ws_len(b, i) == 0)
}

const HI: u64 = 0x8080_8080_8080_8080;

/// End of the run of ASCII bytes starting at `i`.
#[inline]
pub(crate) fn ascii_run_end(b: &[u8], mut i: usize) -> usize {
    while i + 8 <= b.len() && load8(b, i) & HI == 0 {
        i += 8;
    }
    while i < b.len() && b[i] < 0x80 {
        i += 1;
    }
    i
}

/// `s.to_lowercase()` written into `out` (cleared first). ASCII runs are copied and lowered
/// in place; other characters go through `char::to_lowercase`, except a capital sigma, whose
/// lower case depends on its neighbours: then the whole string takes the library path.
///
/// Returns whether `s` holds a white-space character beyond ASCII: those characters are
/// decoded here anyway, so the answer costs a table look-up each.
pub(crate) fn lowercase_into(s: &str, out: &mut String) -> bool {
    out.clear();
    let mut wide_space = false;
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let run = ascii_run_end(b, i);
        if run > i {
            let at = out.len();
            out.push_str(&s[i..run]);
            out[at..].make_ascii_lowercase();
            i = run;
            if i == b.len() {
                break;
            }
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        match c {
            'Σ' => {
                *out = s.to_lowercase();
                return s.chars().any(|c| !c.is_ascii() && c.is_whitespace());
            }
            // General punctuation (quotes, dashes, spaces) has no case: no table look-up.
            '\u{2000}'..='\u{206F}' => {
                wide_space |= c.is_whitespace();
                out.push(c);
            }
            _ => {
                wide_space |= c.is_whitespace();
                out.extend(c.to_lowercase());
            }
        }
        i += c.len_utf8();
    }
    wide_space
}

/// The eight bytes of `b` from `at` as one little-endian word: for comparing short byte
/// strings a word at a time. Panics unless `at + 8 <= b.len()`.
#[inline]
pub(crate) fn load8(b: &[u8], at: usize) -> u64 {
    let mut x = [0; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

/// The four bytes of `b` from `at` as one little-endian word. Panics unless `at + 4 <= b.len()`.
#[inline]
pub(crate) fn load4(b: &[u8], at: usize) -> u32 {
    let mut x = [0; 4];
    x.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ws_len_is_char_is_whitespace_for_every_char() {
        let mut buf = [0u8; 8];
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = c.encode_utf8(&mut buf);
            let want = if c.is_whitespace() { s.len() } else { 0 };
            assert_eq!(ws_len(s.as_bytes(), 0), want, "{:?}", c);
            // Every continuation byte says "not white space".
            for i in 1..s.len() {
                assert_eq!(ws_len(s.as_bytes(), i), 0, "{:?} byte {i}", c);
            }
        }
    }

    #[test]
    fn general_punctuation_has_no_lower_case() {
        for c in '\u{2000}'..='\u{206F}' {
            assert!(c.to_lowercase().eq(std::iter::once(c)), "{:?}", c);
        }
    }

    #[test]
    fn lowercase_into_table() {
        let mut out = String::new();
        for s in [
            "",
            "ABC def",
            "Héctor RÍSQUEZ’s",
            "ΟΔΟΣ ΣΑΣ",
            "İstanbul",
            "\u{212A}elvin",
            "A very long ASCII line with MANY words and “QUOTES” — DASHES…",
            "ẞ straße",
            "a\u{a0}b",
            "ΣΑΣ\u{3000}",
            "x\u{2003}y\u{85}",
            "é\u{1680}",
        ] {
            let wide_space = lowercase_into(s, &mut out);
            assert_eq!(out, s.to_lowercase(), "{s:?}");
            assert_eq!(
                wide_space,
                s.chars().any(|c| !c.is_ascii() && c.is_whitespace()),
                "{s:?}"
            );
        }
    }

    fn normalized(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    proptest::proptest! {
        #[test]
        fn lowercase_into_is_to_lowercase(
            s in "[a-zA-Z0-9 .,'\u{2019}\u{201c}\u{2014}\u{a0}\u{85}\u{2003}\u{3000}\u{c9}\u{e9}\u{130}\u{212a}\u{3a3}\u{3c3}\u{1e9e}\u{4e2d}]{0,40}"
        ) {
            let mut out = String::new();
            let wide_space = lowercase_into(&s, &mut out);
            proptest::prop_assert_eq!(out, s.to_lowercase());
            proptest::prop_assert_eq!(wide_space, s.chars().any(|c| !c.is_ascii() && c.is_whitespace()));
        }

        #[test]
        fn is_space_normalized_agrees_with_split_whitespace(
            s in "[a-z .\t\n\r\x0B\x0C\u{85}\u{a0}\u{1680}\u{2000}\u{200a}\u{200b}\u{2028}\u{202f}\u{205f}\u{3000}\u{2019}\u{e9}\x01]{0,40}"
        ) {
            proptest::prop_assert_eq!(is_space_normalized(&s), normalized(&s) == s);
        }
    }
}
