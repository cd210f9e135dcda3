//! A byte buffer a writer fills with plain appends and hands to its output in large pieces.
//!
//! The formats are made of many small pieces (a quote, a key, a number). Each `write_all` or
//! `write!` through `dyn Write` is a call that cannot be inlined; an append to a `Vec` is a
//! copy. The writers call [`OutBuf::spill`] between records, where the buffer is handed on once
//! it holds enough, so it stays small however large the file.

use std::io::{self, Write};

use super::values::Uint;

/// How much the buffer holds before [`OutBuf::spill`] hands it on.
const SPILL_AT: usize = 1 << 16;

pub struct OutBuf<'a> {
    buf: Vec<u8>,
    out: &'a mut dyn Write,
}

impl<'a> OutBuf<'a> {
    pub fn new(out: &'a mut dyn Write) -> OutBuf<'a> {
        OutBuf {
            buf: Vec::with_capacity(SPILL_AT + SPILL_AT / 4),
            out,
        }
    }

    #[inline]
    pub fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    #[inline]
    pub fn str(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    #[inline]
    pub fn byte(&mut self, b: u8) {
        self.buf.push(b);
    }

    /// The first `len` bytes of `b` (all of it when `len` is larger): `b` is copied whole, a
    /// copy of a size known when compiling (a few moves, no call), and the rest cut off.
    #[inline]
    pub fn prefix<const N: usize>(&mut self, b: &[u8; N], len: usize) {
        let end = self.buf.len() + len.min(N);
        self.buf.extend_from_slice(b);
        self.buf.truncate(end);
    }

    /// The bytes written since the last spill (see [`OutBuf::repeat`]).
    #[inline]
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether nothing is written since the last spill.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The bytes at `range` (positions from [`OutBuf::len`], with no spill since) written again:
    /// a value escaped once and written twice.
    #[inline]
    pub fn repeat(&mut self, range: std::ops::Range<usize>) {
        self.buf.extend_from_within(range);
    }

    /// `n` in decimal.
    pub fn uint(&mut self, n: u64) {
        self.buf.extend_from_slice(Uint::new(n).as_bytes());
    }

    /// `n` spaces.
    #[inline]
    pub fn spaces(&mut self, n: usize) {
        self.buf.resize(self.buf.len() + n, b' ');
    }

    /// Hands the buffer to the output once it holds [`SPILL_AT`] bytes.
    #[inline]
    pub fn spill(&mut self) -> io::Result<()> {
        if self.buf.len() >= SPILL_AT {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Hands the rest on and flushes the output.
    pub fn finish(&mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.out.flush()
    }

    /// `s` as a JSON string, escaped exactly as `serde_json` escapes it: `"` and `\` with a
    /// backslash, control characters as `\b`, `\t`, `\n`, `\f`, `\r` or `\u00xx` (lower-case
    /// hex), everything else (non-ASCII and DEL too) as it is. Runs without any of those are
    /// found eight bytes at a time and copied whole.
    pub fn json_str(&mut self, s: &str) {
        self.json_string(s, false);
    }

    /// [`OutBuf::json_str`] that can also sit inside an HTML `<script>` element: `<`, `>`, `&`,
    /// U+2028 and U+2029 are written as `\u003c`, `\u003e`, `\u0026`, `\u2028` and `\u2029`.
    pub fn script_json_str(&mut self, s: &str) {
        self.json_string(s, true);
    }

    fn json_string(&mut self, s: &str, script: bool) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let bytes = s.as_bytes();
        self.buf.push(b'"');
        let mut run = 0;
        let mut at = 0;
        while let Some(i) = next_json_escape(bytes, at, script) {
            at = i + 1;
            if bytes[i] == 0xE2 {
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9; other characters starting with
                // E2 stay in the run.
                let escaped: &[u8] = match (bytes.get(i + 1), bytes.get(i + 2)) {
                    (Some(0x80), Some(0xA8)) => b"\\u2028",
                    (Some(0x80), Some(0xA9)) => b"\\u2029",
                    _ => continue,
                };
                self.buf.extend_from_slice(&bytes[run..i]);
                self.buf.extend_from_slice(escaped);
                at = i + 3;
                run = at;
                continue;
            }
            self.buf.extend_from_slice(&bytes[run..i]);
            match bytes[i] {
                b'<' => self.buf.extend_from_slice(b"\\u003c"),
                b'>' => self.buf.extend_from_slice(b"\\u003e"),
                b'&' => self.buf.extend_from_slice(b"\\u0026"),
                b'"' => self.buf.extend_from_slice(b"\\\""),
                b'\\' => self.buf.extend_from_slice(b"\\\\"),
                0x08 => self.buf.extend_from_slice(b"\\b"),
                b'\t' => self.buf.extend_from_slice(b"\\t"),
                b'\n' => self.buf.extend_from_slice(b"\\n"),
                0x0C => self.buf.extend_from_slice(b"\\f"),
                b'\r' => self.buf.extend_from_slice(b"\\r"),
                c => self.buf.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(c >> 4)],
                    HEX[usize::from(c & 15)],
                ]),
            }
            run = at;
        }
        self.buf.extend_from_slice(&bytes[run..]);
        self.buf.push(b'"');
    }
}

/// Whether JSON needs `b` escaped: `"`, `\` and the control characters below U+0020; with
/// `script`, also `<`, `>`, `&` and 0xE2 (the first byte of U+2028 and U+2029, checked further
/// by the caller).
fn json_escaped(b: u8, script: bool) -> bool {
    b < 0x20 || b == b'"' || b == b'\\' || (script && matches!(b, b'<' | b'>' | b'&' | 0xE2))
}

/// The index of the first byte at or after `from` that [`json_escaped`] flags. Sixteen bytes at
/// a time where SSE2 is at hand (see [`super::scan`]), then eight: a word with none of those bytes is skipped whole (the word tests flag such bytes
/// exactly or too often, never too rarely; a flagged word is then looked at byte by byte).
fn next_json_escape(bytes: &[u8], from: usize, script: bool) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let has = |w: u64, b: u8| zero_byte(w ^ (ONES * u64::from(b)));
    // Sixteen bytes at a time first; the blocks flag exactly the bytes looked for.
    let (mut at, bits) = if script {
        super::scan::block_with(bytes, from, 0x20, b"\"\\<>&\xE2")
    } else {
        super::scan::block_with(bytes, from, 0x20, b"\"\\")
    };
    if bits != 0 {
        return Some(at + bits.trailing_zeros() as usize);
    }
    while at + 8 <= bytes.len() {
        let w = crate::text::load8(bytes, at);
        let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        let mut flagged = below_space | has(w, b'"') | has(w, b'\\');
        if script {
            flagged |= has(w, b'<') | has(w, b'>') | has(w, b'&') | has(w, 0xE2);
        }
        if flagged != 0 {
            if let Some(i) = bytes[at..at + 8]
                .iter()
                .position(|&b| json_escaped(b, script))
            {
                return Some(at + i);
            }
        }
        at += 8;
    }
    // Fewer than eight bytes are left. When the string holds eight or more, the last eight (the
    // rest and some bytes already looked at) are tested as one word first: nearly always
    // nothing is flagged, and the byte loop is skipped.
    if at < bytes.len() && bytes.len() >= 8 {
        let w = crate::text::load8(bytes, bytes.len() - 8);
        let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        let mut flagged = below_space | has(w, b'"') | has(w, b'\\');
        if script {
            flagged |= has(w, b'<') | has(w, b'>') | has(w, b'&') | has(w, 0xE2);
        }
        if flagged == 0 {
            return None;
        }
    }
    bytes[at..]
        .iter()
        .position(|&b| json_escaped(b, script))
        .map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> String {
        let mut v = Vec::new();
        let mut out = OutBuf::new(&mut v);
        out.json_str(s);
        out.finish().unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn json_strings_are_escaped_as_serde_json_escapes_them() {
        let mut inputs: Vec<String> = [
            "",
            "plain",
            "quote \" and backslash \\ and slash /",
            "tab\tline\nfeed\rform\u{c}back\u{8}",
            "nul\u{0} unit\u{1f} del\u{7f} next\u{85}",
            "Néstor 🙂 עברית \u{2028}\u{2029}",
            "\"\"\"\"\"\"\"\"\"\"\\\\\\\\\\\\\\\\",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every byte value below 0x80 at every offset of a 17-byte string.
        for c in 0u8..0x80 {
            for at in 0..17 {
                let mut s = vec![b'a'; 17];
                s[at] = c;
                inputs.push(String::from_utf8(s).unwrap());
            }
        }
        for s in &inputs {
            assert_eq!(json(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn script_safe_strings() {
        let script = |s: &str| {
            let mut v = Vec::new();
            let mut out = OutBuf::new(&mut v);
            out.script_json_str(s);
            out.finish().unwrap();
            String::from_utf8(v).unwrap()
        };
        for (input, want) in [
            ("</script>", r#""\u003c/script\u003e""#),
            ("a&b\"c", r#""a\u0026b\"c""#),
            ("l\u{2028}p\u{2029}", r#""l\u2028p\u2029""#),
            // Other characters whose first byte is E2 stay, before and after an escape.
            ("’x’\u{2028}’—€", "\"’x’\\u2028’—€\""),
            ("’’’’’’’’’’’’", "\"’’’’’’’’’’’’\""),
            ("\u{2027}\u{202a}\u{e2}", "\"\u{2027}\u{202a}\u{e2}\""),
        ] {
            assert_eq!(script(input), want, "{input:?}");
        }
    }

    #[test]
    fn numbers_and_spill() {
        let mut v = Vec::new();
        let mut out = OutBuf::new(&mut v);
        for n in [0, 7, 10, 99, 1234567890, u64::MAX] {
            out.uint(n);
            out.byte(b' ');
        }
        out.spaces(2);
        out.prefix(b"[abc]", 3);
        out.prefix(b"xy", 5);
        out.prefix(b"z", 0);
        out.spill().unwrap();
        out.finish().unwrap();
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "0 7 10 99 1234567890 18446744073709551615   [abxy"
        );
        // Spilling hands on everything written so far once the buffer is full.
        let mut v = Vec::new();
        let mut out = OutBuf::new(&mut v);
        let chunk = [b'x'; 1000];
        for _ in 0..100 {
            out.bytes(&chunk);
            out.spill().unwrap();
        }
        out.finish().unwrap();
        assert_eq!(v.len(), 100_000);
    }
}
