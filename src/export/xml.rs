//! The XML escaping GraphML and GEXF share: one function, tested on its own, so every byte a
//! writer emits inside an element or an attribute is well-formed XML 1.0 and reads back as the
//! same text.

use std::borrow::Cow;
use std::io::{self, Write};

/// `s` escaped for XML content (`attr = false`) or a double-quoted attribute value (`attr = true`).
///
/// `&`, `<`, `>`, `"` and `'` become entities; in attributes, tab and line feed become character
/// references (a parser would otherwise normalize them to spaces) and `\r` always does. Characters
/// XML 1.0 forbids are dropped here too, as a last guard behind [`super::values::clean`].
pub fn escape(s: &str, attr: bool) -> Cow<'_, str> {
    if next_special(s.as_bytes(), 0, attr).is_none() {
        return Cow::Borrowed(s);
    }
    let mut out = Vec::with_capacity(s.len() + 16);
    write_escaped(&mut out, s, attr).expect("writing to a Vec cannot fail");
    // Only whole characters are copied or dropped, so the bytes stay UTF-8.
    Cow::Owned(String::from_utf8(out).expect("escaping keeps UTF-8"))
}

/// Writes `s` escaped as [`escape`] does, copying the runs between special characters whole.
pub fn write_escaped<W: Write + ?Sized>(out: &mut W, s: &str, attr: bool) -> io::Result<()> {
    let bytes = s.as_bytes();
    let mut run = 0;
    let mut at = 0;
    while let Some(i) = next_special(bytes, at, attr) {
        out.write_all(&bytes[run..i])?;
        let (replacement, len): (&[u8], usize) = match bytes[i] {
            b'&' => (b"&amp;", 1),
            b'<' => (b"&lt;", 1),
            b'>' => (b"&gt;", 1),
            b'"' => (b"&quot;", 1),
            b'\'' => (b"&apos;", 1),
            b'\r' => (b"&#13;", 1),
            b'\n' => (b"&#10;", 1),
            b'\t' => (b"&#9;", 1),
            // U+FFFE or U+FFFF (three bytes)
            0xEF => (b"", 3),
            // A forbidden control character.
            _ => (b"", 1),
        };
        out.write_all(replacement)?;
        at = i + len;
        run = at;
    }
    out.write_all(&bytes[run..])
}

/// The evidence summary of `edge` ([`super::values::push_evidence_summary`]) written escaped
/// as [`write_escaped`] does, each sentence straight from the graph instead of through a
/// summary string made first. The bytes are the same: the escaping looks at one character at a
/// time, a character never spans two sentences, and the separator holds nothing to escape.
pub fn write_escaped_evidence<W: Write + ?Sized>(
    out: &mut W,
    edge: &crate::graph::Edge,
    attr: bool,
) -> io::Result<()> {
    use super::values::{clean, EVIDENCE_KEPT, EVIDENCE_SEP};
    debug_assert!(next_special(EVIDENCE_SEP.as_bytes(), 0, true).is_none());
    for (i, e) in edge.evidence.iter().take(EVIDENCE_KEPT).enumerate() {
        if i > 0 {
            out.write_all(EVIDENCE_SEP.as_bytes())?;
        }
        if e.text_clean {
            write_escaped(out, &e.text, attr)?;
        } else {
            write_escaped(out, &clean(&e.text), attr)?;
        }
    }
    Ok(())
}

/// The index of the next byte at or after `from` that [`write_escaped`] does not copy as it is:
/// markup characters, `\r`, tab and line feed in attributes, forbidden control characters and
/// the first byte of U+FFFE and U+FFFF.
fn next_special(bytes: &[u8], from: usize, attr: bool) -> Option<usize> {
    let table = if attr {
        &SPECIAL_IN_ATTR
    } else {
        &SPECIAL_IN_TEXT
    };
    let special = |i: usize| {
        let b = bytes[i];
        // EF BF BE and EF BF BF are U+FFFE and U+FFFF; other characters starting with EF are
        // copied.
        table[usize::from(b)]
            && (b != 0xEF
                || (bytes.get(i + 1) == Some(&0xBF)
                    && matches!(bytes.get(i + 2), Some(0xBE | 0xBF))))
    };
    let mut i = from;
    // Sixteen bytes at a time where SSE2 is at hand: a block flags the bytes of
    // [`SPECIAL_IN_ATTR`], each then checked exactly.
    loop {
        let (start, mut bits) = super::scan::block_with(bytes, i, 0x20, b"&<>\"'\xEF");
        if bits == 0 {
            i = start;
            break;
        }
        while bits != 0 {
            let j = start + bits.trailing_zeros() as usize;
            if special(j) {
                return Some(j);
            }
            bits &= bits - 1;
        }
        i = start + 16;
    }
    // The rest (or everything, without SSE2) eight bytes at a time: most words hold no byte that can be special, and a word test is
    // cheaper than eight table look-ups; a word that may hold one is looked at byte by byte.
    while i + 8 <= bytes.len() {
        if may_be_special(crate::text::load8(bytes, i)) {
            if let Some(j) = (i..i + 8).find(|&j| special(j)) {
                return Some(j);
            }
        }
        i += 8;
    }
    // Fewer than eight bytes are left: when the string holds eight or more, its last eight are
    // tested as one word first (they hold the rest), which nearly always ends the search.
    if i < bytes.len()
        && bytes.len() >= 8
        && !may_be_special(crate::text::load8(bytes, bytes.len() - 8))
    {
        return None;
    }
    (i..bytes.len()).find(|&j| special(j))
}

/// Whether the word `w` (eight bytes) may hold a byte of [`SPECIAL_IN_ATTR`] (a superset of
/// [`SPECIAL_IN_TEXT`]): a control character, a markup character or 0xEF. Exact or too often
/// (a borrow can flag a byte after a flagged one), never too rarely.
#[inline]
fn may_be_special(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has = |b: u8| {
        let x = w ^ (ONES * u64::from(b));
        x.wrapping_sub(ONES) & !x & HIGH
    };
    let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    below_space | has(b'&') | has(b'<') | has(b'>') | has(b'"') | has(b'\'') | has(0xEF) != 0
}

/// Bytes [`next_special`] stops at in element content: markup characters, controls but tab and
/// line feed, and 0xEF (the first byte of U+FFFE and U+FFFF, checked further there).
const SPECIAL_IN_TEXT: [bool; 256] = special_bytes(false);
/// The same in attribute values, where tab and line feed are escaped too.
const SPECIAL_IN_ATTR: [bool; 256] = special_bytes(true);

const fn special_bytes(attr: bool) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = attr || (b != b'\n' as usize && b != b'\t' as usize);
        b += 1;
    }
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table[0xEF] = true;
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_is_escaped_as_its_summary_is() {
        use crate::graph::{Certainty, EntityType, Evidence, KnowledgeGraph, Node};
        let texts = [
            "Plain sentence.",
            "Tom & \"Jerry\" <met> O'Neil\tat\nnoon.\r",
            "ctl\u{1}x \u{fffe}\u{ffff}\u{fffd} e\u{301}",
            "",
            "A fourth, never written.",
        ];
        for n in 0..=texts.len() {
            let mut g = KnowledgeGraph::new();
            let ids: Vec<String> = ["Ana Ruiz", "Bo Li"]
                .map(|name| {
                    let node = Node::new(EntityType::Person, name);
                    let id = node.id.clone();
                    g.add_node(node);
                    id
                })
                .into();
            let evidence = texts[..n].iter().enumerate().map(|(i, t)| Evidence {
                doc: "d".into(),
                start: i,
                end: i + 1,
                text: t.to_string(),
                rule: "r".into(),
            });
            assert!(g.add_edge(&ids[0], "knows", &ids[1], Certainty::Stated, evidence));
            let edges = g.edges();
            let summary = super::super::values::evidence_summary(edges[0].edge);
            for attr in [false, true] {
                let mut out = Vec::new();
                write_escaped_evidence(&mut out, edges[0].edge, attr).unwrap();
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    escape(&summary, attr),
                    "{n} sentences, attr {attr}"
                );
            }
        }
    }

    #[test]
    fn escape_table() {
        for (input, text, attr) in [
            ("plain", "plain", "plain"),
            ("a<b>&c", "a&lt;b&gt;&amp;c", "a&lt;b&gt;&amp;c"),
            (
                "\"q\" 'a'",
                "&quot;q&quot; &apos;a&apos;",
                "&quot;q&quot; &apos;a&apos;",
            ),
            ("l1\nl2\tt", "l1\nl2\tt", "l1&#10;l2&#9;t"),
            ("cr\r", "cr&#13;", "cr&#13;"),
            ("bad\u{1}\u{0}\u{FFFF}", "bad", "bad"),
            ("🙂 עברית", "🙂 עברית", "🙂 עברית"),
        ] {
            assert_eq!(escape(input, false), text, "{input:?}");
            assert_eq!(escape(input, true), attr, "{input:?}");
        }
    }

    #[test]
    fn every_special_byte_is_found_at_every_offset() {
        // Each byte value (U+FFFF for 0xEF) at each position of strings that span whole words
        // and a remainder, escaped as a byte-at-a-time loop over the table would.
        for b in 0u8..0x80 {
            for len in [1, 7, 8, 9, 16, 23] {
                for at in 0..len {
                    let mut s = "a".repeat(len);
                    s.replace_range(at..at + 1, &char::from(b).to_string());
                    for attr in [false, true] {
                        let table = if attr {
                            &SPECIAL_IN_ATTR
                        } else {
                            &SPECIAL_IN_TEXT
                        };
                        let want = table[usize::from(b)].then_some(at);
                        assert_eq!(next_special(s.as_bytes(), 0, attr), want, "{b:#x} at {at}");
                    }
                }
            }
        }
        for (s, want) in [
            ("abcdefgh\u{FFFF}", Some(8)),
            ("abcdefghij\u{FFFE}", Some(10)),
            ("abcdefgh\u{FFFD}\u{EFFF}xyzxyzxyz", None),
            ("é’«»—€ü", None),
        ] {
            assert_eq!(next_special(s.as_bytes(), 0, true), want, "{s:?}");
        }
    }

    #[test]
    fn escaped_attribute_reads_back_with_quick_xml() {
        let value = "a\"b'c<d>&e\nf\tg 🙂";
        let doc = format!(
            "<r v=\"{}\">{}</r>",
            escape(value, true),
            escape(value, false)
        );
        let mut reader = quick_xml::Reader::from_str(&doc);
        let mut texts = Vec::new();
        loop {
            match reader.read_event().unwrap() {
                quick_xml::events::Event::Start(e) => {
                    let a = e.try_get_attribute("v").unwrap().unwrap();
                    texts.push(a.unescape_value().unwrap().into_owned());
                }
                quick_xml::events::Event::Text(t) => texts.push(t.unescape().unwrap().into_owned()),
                quick_xml::events::Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(texts, vec![value.to_string(), value.to_string()]);
    }
}
