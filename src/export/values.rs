//! How graph values become text in every format: one sanitising function for every string a
//! writer emits, lists, evidence summaries, numbers, event dates and the per-type style.
//!
//! Every writer passes each string through [`clean`] before escaping it for its own syntax, so
//! the formats agree on the text of a label and none of them can be broken by it.

use std::borrow::Cow;

use crate::graph::{Edge, EntityType};
use crate::text::nfc;

/// How many evidence sentences formats with limited room keep (with the total in `evidence_count`).
pub const EVIDENCE_KEPT: usize = 3;

/// The separator of lists in formats without list types.
pub const LIST_SEP: &str = ";";

/// The separator of the evidence sentences kept in one cell.
pub const EVIDENCE_SEP: &str = " | ";

/// NFC-normalized text without the characters XML 1.0 forbids or that break a line-based reader:
/// control characters other than tab and line feed are dropped, `\r\n` and lone `\r` become `\n`,
/// and the non-characters U+FFFE and U+FFFF are dropped. Borrowed when `s` is already clean,
/// which is nearly always.
pub fn clean(s: &str) -> Cow<'_, str> {
    if is_clean(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(clean_slow(s))
    }
}

/// Whether [`clean`] leaves `s` as it is: only printable ASCII, tab and line feed up to the
/// first non-ASCII byte (one pass over the bytes, the common case), then no control character
/// or non-character in the rest and a quick NFC check that says yes for sure ("maybe" takes the
/// slow path, which gives the exact answer).
pub fn is_clean(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(first) = first_not_plain(bytes) else {
        return true;
    };
    if bytes[first] < 0x80 {
        return false;
    }
    // The rest, a run of ASCII or of other characters at a time. ASCII characters are their
    // own NFC form and never reorder with their neighbours (combining class 0), so a quick NFC
    // check of each non-ASCII run on its own answers for the whole text.
    let mut i = first;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if !plain(b) {
                return false;
            }
            i += 1;
            continue;
        }
        let end = bytes[i..]
            .iter()
            .position(|&b| b < 0x80)
            .map_or(bytes.len(), |n| i + n);
        let run = &s[i..end];
        // Below U+0300 (Latin-1, Latin Extended) every character is its own NFC form and
        // combines with nothing; only C1 controls need dropping there.
        let mut below_combining = true;
        for c in run.chars() {
            if c < '\u{300}' {
                if c.is_control() {
                    return false;
                }
            } else {
                below_combining = false;
                if c == '\u{FFFE}' || c == '\u{FFFF}' {
                    return false;
                }
            }
        }
        if !below_combining
            && unicode_normalization::is_nfc_quick(run.chars())
                != unicode_normalization::IsNormalized::Yes
        {
            return false;
        }
        i = end;
    }
    true
}

/// Whether `b` is printable ASCII, tab or line feed: kept as it is by [`clean`] and by NFC.
fn plain(b: u8) -> bool {
    (0x20..0x7f).contains(&b) || b == b'\t' || b == b'\n'
}

/// The index of the first byte that is not [`plain`]. Eight bytes at a time: a word none of
/// whose bytes has its high bit set, is below 0x20 or is 0x7F is skipped whole (tab and line
/// feed, rare, send their word through the byte-by-byte check).
fn first_not_plain(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        let del = w ^ (ONES * 0x7f);
        let is_del = del.wrapping_sub(ONES) & !del & HIGH;
        if (w & HIGH) | below_space | is_del != 0 {
            if let Some(i) = chunk.iter().position(|&b| !plain(b)) {
                return Some(at + i);
            }
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| !plain(b))
        .map(|i| at + i)
}

pub(crate) fn clean_slow(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\t' | '\n' => out.push(c),
            '\u{FFFE}' | '\u{FFFF}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    if out.is_ascii() {
        out
    } else {
        nfc(&out)
    }
}

/// `s` cut to at most `max_chars` characters, with `…` marking the cut.
pub fn truncate(s: &str, max_chars: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max_chars) {
        None => Cow::Borrowed(s),
        Some(_) => {
            let keep = max_chars.saturating_sub(1);
            let end = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
            Cow::Owned(format!("{}…", &s[..end]))
        }
    }
}

/// [`clean`] of `s`, or `s` itself when it is known to be clean (`known_clean`, worked out once
/// for every format: see [`super::GraphView::node_clean`]).
#[inline]
pub fn clean_if(s: &str, known_clean: bool) -> Cow<'_, str> {
    if known_clean {
        Cow::Borrowed(s)
    } else {
        clean(s)
    }
}

/// Cleaned items joined with [`LIST_SEP`], appended to `out`.
pub fn push_join<S: AsRef<str>>(out: &mut String, items: impl IntoIterator<Item = S>) {
    push_join_if(out, items, false)
}

/// [`push_join`] of items known to be clean when `known_clean` (copied, not checked again).
pub fn push_join_if<S: AsRef<str>>(
    out: &mut String,
    items: impl IntoIterator<Item = S>,
    known_clean: bool,
) {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(LIST_SEP);
        }
        out.push_str(&clean_if(item.as_ref(), known_clean));
    }
}

/// Cleaned items joined with [`LIST_SEP`].
pub fn join<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let mut out = String::new();
    push_join(&mut out, items);
    out
}

/// The first [`EVIDENCE_KEPT`] evidence sentences of an edge, cleaned, joined with
/// [`EVIDENCE_SEP`], appended to `out`.
pub fn push_evidence_summary(out: &mut String, edge: &Edge) {
    for (i, e) in edge.evidence.iter().take(EVIDENCE_KEPT).enumerate() {
        if i > 0 {
            out.push_str(EVIDENCE_SEP);
        }
        if e.text_clean {
            out.push_str(&e.text);
        } else {
            out.push_str(&clean(&e.text));
        }
    }
}

/// The first [`EVIDENCE_KEPT`] evidence sentences of an edge, cleaned, joined with [`EVIDENCE_SEP`].
pub fn evidence_summary(edge: &Edge) -> String {
    let mut out = String::new();
    push_evidence_summary(&mut out, edge);
    out
}

/// A finite number with at most `decimals` decimals, trailing zeros kept off (`1.5`, `3`, `-0.25`).
/// NaN and infinities become 0: no reader we target accepts them.
pub fn number(x: f64, decimals: usize) -> String {
    let mut s = String::with_capacity(24);
    push_number(&mut s, x, decimals);
    s
}

/// [`number`] appended to `out`, without a `String` of its own.
pub fn push_number(out: &mut String, x: f64, decimals: usize) {
    let x = if x.is_finite() { x } else { 0.0 };
    if !push_number_fast(out, x, decimals) {
        out.push_str(&number_formatted(x, decimals));
    }
}

/// [`number`] through `format!`: exact decimal rounding of the binary value.
fn number_formatted(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// An integer in decimal, on the stack: what the writers print for every node and edge,
/// without `format!` or a `String`.
pub struct Uint {
    digits: [u8; 20],
    at: usize,
}

impl Uint {
    pub fn new(n: impl Into<u64>) -> Uint {
        let mut n = n.into();
        let mut digits = [b'0'; 20];
        let mut at = digits.len();
        // Two digits a step, from a table: half the divisions.
        while n >= 100 {
            let pair = usize::from((n % 100) as u8) * 2;
            n /= 100;
            at -= 2;
            digits[at..at + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
        }
        if n >= 10 {
            let pair = usize::from(n as u8) * 2;
            at -= 2;
            digits[at..at + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
        } else {
            at -= 1;
            digits[at] = b'0' + n as u8;
        }
        Uint { digits, at }
    }

    pub fn of(n: usize) -> Uint {
        Uint::new(n as u64)
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored: no UTF-8 check needed, but the safe conversion is
        // kept; writers that want bytes take `as_bytes`.
        std::str::from_utf8(self.as_bytes()).expect("ASCII digits")
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.digits[self.at..]
    }
}

/// "00" to "99", each pair of digits at twice its value.
const DIGIT_PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// The id `e<i>` of the edge at index `i`, written into `buf`.
pub fn edge_id(buf: &mut String, i: usize) -> &str {
    buf.clear();
    buf.push('e');
    // Digit by digit: ASCII, so no UTF-8 check of the digits is needed.
    buf.extend(Uint::of(i).as_bytes().iter().map(|&d| char::from(d)));
    buf
}

/// [`number`] without `format!` (a writer calls it for every node and edge), appended to `s`;
/// false, with nothing appended, where it could differ: `x × 10^decimals` is rounded to the nearest integer `k` only when the product
/// is below 10¹² and at most 0.49 from `k`. The product's own rounding error is then below
/// 10⁻³, so the exact value is nearer `k` than any other integer, whichever way ties go, and
/// `format!` prints the digits of `k` too.
fn push_number_fast(s: &mut String, x: f64, decimals: usize) -> bool {
    if decimals > 6 {
        return false;
    }
    let scale = 10u64.pow(decimals as u32);
    let y = x * scale as f64;
    if y.abs() >= 1e12 {
        return false;
    }
    let k = y.round();
    if (y - k).abs() > 0.49 {
        return false;
    }
    let k = k as i64;
    let m = k.unsigned_abs();
    if k < 0 {
        s.push('-');
    }
    push_digits(s, m / scale, 1);
    let mut frac = m % scale;
    if frac != 0 {
        let mut width = decimals;
        while frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
        s.push('.');
        push_digits(s, frac, width);
    }
    true
}

/// `n` in decimal, zero-padded to at least `width` digits.
fn push_digits(s: &mut String, mut n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut at = digits.len();
    while n > 0 || digits.len() - at < width {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    s.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// The full-date interval `(start, end)` of an event date: `2025-03-15` → that day,
/// `2023-09` → `2023-09-01`..`2023-09-30`, `2024` → the year, `A/B` → from A's start to B's
/// end. None when absent, unparsable or backwards.
pub fn date_interval(date: &str) -> Option<(String, String)> {
    let date = date.trim();
    let (a, b) = date.split_once('/').unwrap_or((date, date));
    let (start, _) = day_range(a.trim())?;
    let (_, end) = day_range(b.trim())?;
    (start <= end).then(|| (format_day(start), format_day(end)))
}

type Day = (i32, u32, u32);

fn format_day((y, m, d): Day) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// First and last day of `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn day_range(s: &str) -> Option<(Day, Day)> {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| -> Option<u32> {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let year = num(parts.first()?, 4)? as i32;
    match parts.len() {
        1 => Some(((year, 1, 1), (year, 12, 31))),
        2 => {
            let m = num(parts[1], 2).filter(|m| (1..=12).contains(m))?;
            Some(((year, m, 1), (year, m, days_in_month(year, m))))
        }
        3 => {
            let m = num(parts[1], 2).filter(|m| (1..=12).contains(m))?;
            let d = num(parts[2], 2).filter(|d| (1..=days_in_month(year, m)).contains(d))?;
            Some(((year, m, d), (year, m, d)))
        }
        _ => None,
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// How a node type is drawn, the same in every format that draws.
#[derive(Debug, Clone, Copy)]
pub struct TypeStyle {
    /// Graphviz shape.
    pub dot_shape: &'static str,
    /// GEXF `viz:shape`.
    pub gexf_shape: &'static str,
    /// Fill colour.
    pub rgb: (u8, u8, u8),
}

impl TypeStyle {
    pub fn hex(&self) -> String {
        let (r, g, b) = self.rgb;
        format!("#{r:02x}{g:02x}{b:02x}")
    }
}

pub fn style(t: EntityType) -> TypeStyle {
    match t {
        EntityType::Person => TypeStyle {
            dot_shape: "ellipse",
            gexf_shape: "disc",
            rgb: (0xa6, 0xce, 0xe3),
        },
        EntityType::Organization => TypeStyle {
            dot_shape: "box",
            gexf_shape: "square",
            rgb: (0xfd, 0xbf, 0x6f),
        },
        EntityType::Place => TypeStyle {
            dot_shape: "house",
            gexf_shape: "triangle",
            rgb: (0xb2, 0xdf, 0x8a),
        },
        EntityType::Event => TypeStyle {
            dot_shape: "octagon",
            gexf_shape: "diamond",
            rgb: (0xfb, 0x9a, 0x99),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_summary_cleans_the_text_the_graph_marks_unclean() {
        use crate::graph::{Certainty, Evidence, KnowledgeGraph, Node};
        let mut g = KnowledgeGraph::new();
        let (a, b) = (
            Node::new(EntityType::Person, "Ana Ruiz"),
            Node::new(EntityType::Person, "Luis Diaz"),
        );
        let (a_id, b_id) = (a.id.clone(), b.id.clone());
        g.add_node(a);
        g.add_node(b);
        let texts = [
            "Ana met Luis.",
            "Ana\u{1} met\r\nLuis.",
            "Ana met Lu\u{301}is.",
        ];
        let evidence = texts.iter().enumerate().map(|(i, t)| Evidence {
            doc: "d".into(),
            start: i * 100,
            end: i * 100 + 10,
            text: t.to_string(),
            rule: "r".into(),
        });
        assert!(g.add_edge(&a_id, "knows", &b_id, Certainty::Stated, evidence));
        let edges = g.edges();
        let marks: Vec<bool> = edges[0]
            .edge
            .evidence
            .iter()
            .map(|e| e.text_clean)
            .collect();
        assert_eq!(marks, [true, false, false]);
        assert_eq!(
            evidence_summary(edges[0].edge),
            "Ana met Luis. | Ana met\nLuis. | Ana met Lúis."
        );
    }

    #[test]
    fn clean_table() {
        for (input, expected) in [
            ("plain", "plain"),
            ("a\u{1}b\u{0}c\u{1f}d", "abcd"),
            ("tab\tline\nend", "tab\tline\nend"),
            ("crlf\r\nlone\rend", "crlf\nlone\nend"),
            ("del\u{7f}c1\u{85}", "delc1"),
            ("non\u{FFFE}char\u{FFFF}", "nonchar"),
            ("Ne\u{301}stor", "Néstor"),
            ("emoji 🙂 עברית", "emoji 🙂 עברית"),
            ("Néstor", "Néstor"),
            ("\u{212B}ngstr\u{f6}m", "\u{C5}ngstr\u{f6}m"),
            ("a\u{300}\u{316}", "\u{e0}\u{316}"),
            ("x\u{85}\u{9f}y", "xy"),
            ("«Café» don’t — 🙂", "«Café» don’t — 🙂"),
            ("x\u{300}\u{316}y", "x\u{316}\u{300}y"),
            ("’e\u{301}’", "’\u{e9}’"),
            ("", ""),
        ] {
            assert_eq!(clean(input), expected, "{input:?}");
            // Borrowed exactly when nothing changes.
            assert_eq!(
                matches!(clean(input), Cow::Borrowed(_)),
                input == expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn first_not_plain_finds_every_byte_at_every_offset() {
        // Each odd byte at each position of strings that span whole words and a remainder.
        for bad in [0x00u8, 0x08, 0x0b, 0x0d, 0x1f, 0x7f, 0x80, 0xc3, 0xff] {
            for len in [1, 7, 8, 9, 16, 23] {
                for at in 0..len {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = bad;
                    assert_eq!(
                        first_not_plain(&bytes),
                        Some(at),
                        "{bad:#x} at {at} of {len}"
                    );
                }
            }
        }
        for plain_text in [
            "",
            "a",
            "tab\tand\nline feed ~ !",
            "exactly8",
            "0123456789abcdef",
        ] {
            assert_eq!(
                first_not_plain(plain_text.as_bytes()),
                None,
                "{plain_text:?}"
            );
        }
        assert_eq!(first_not_plain(b"\t\n\t\n\t\n\t\n\t\x01"), Some(9));
    }

    #[test]
    fn truncate_table() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "ab…");
        assert_eq!(truncate("ééééé", 4), "ééé…");
        assert_eq!(truncate("", 0), "");
    }

    #[test]
    fn uint_table() {
        for n in [
            0u64,
            7,
            9,
            10,
            11,
            99,
            100,
            101,
            999,
            1000,
            123_456_789,
            1_000_000_000_000,
            u64::MAX,
        ] {
            assert_eq!(Uint::new(n).as_str(), n.to_string());
            assert_eq!(Uint::new(n).as_bytes(), n.to_string().as_bytes());
        }
        assert_eq!(Uint::of(42).as_str(), "42");
    }

    #[test]
    fn number_table() {
        for (x, d, s) in [
            (1.5, 2, "1.5"),
            (3.0, 2, "3"),
            (-0.0001, 2, "0"),
            (f64::NAN, 2, "0"),
            (f64::INFINITY, 1, "0"),
            (12.345, 2, "12.35"),
            (0.125, 2, "0.12"),
            (0.375, 2, "0.38"),
            (-2.5, 0, "-2"),
            (-0.5, 1, "-0.5"),
            (1234.0005, 3, "1234.001"),
            (-7.05, 2, "-7.05"),
            (100.0, 3, "100"),
            (0.001, 3, "0.001"),
            (1e13, 2, "10000000000000"),
        ] {
            assert_eq!(number(x, d), s, "{x}");
        }
    }

    #[test]
    fn number_fast_path_agrees_with_format() {
        // Values around every kind of boundary: ties, near-ties, negatives, tiny and large
        // magnitudes, the positions and sizes the writers print.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for i in 0..200_000u64 {
            let r = next();
            let d = (r % 5) as usize;
            let x = match i % 4 {
                0 => (r >> 11) as f64 / (1u64 << 53) as f64 * 2000.0 - 1000.0,
                1 => {
                    ((r >> 20) as i64 - (1 << 43)) as f64 / 10f64.powi(d as i32 + 1)
                        + 0.5 / 10f64.powi(d as i32)
                }
                2 => f64::from_bits(r),
                _ => ((r >> 30) as f64).sqrt() * 4.0 + 8.0,
            };
            if !x.is_finite() {
                continue;
            }
            let mut fast = String::from("<");
            if push_number_fast(&mut fast, x, d) {
                assert_eq!(fast[1..], number_formatted(x, d), "{x:e} with {d} decimals");
            } else {
                assert_eq!(fast, "<", "{x:e} with {d} decimals: nothing appended");
            }
        }
    }

    #[test]
    fn date_interval_table() {
        for (input, expected) in [
            ("2025-03-15", Some(("2025-03-15", "2025-03-15"))),
            ("2023-09", Some(("2023-09-01", "2023-09-30"))),
            ("2024-02", Some(("2024-02-01", "2024-02-29"))),
            ("2023-02", Some(("2023-02-01", "2023-02-28"))),
            ("2024", Some(("2024-01-01", "2024-12-31"))),
            ("2023-09/2024-01-10", Some(("2023-09-01", "2024-01-10"))),
            ("2024/2023", None),
            ("2023-13", None),
            ("2023-02-30", None),
            ("March 2024", None),
            ("", None),
            ("20245", None),
        ] {
            let got = date_interval(input);
            assert_eq!(
                got.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
                expected,
                "{input}"
            );
        }
    }
}
