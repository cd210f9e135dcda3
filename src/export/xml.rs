//! The XML escaping GraphML and GEXF share: one function, tested on its own, so every byte a
//! writer emits inside an element or an attribute is well-formed XML 1.0 and reads back as the
//! same text.

use std::borrow::Cow;

/// `s` escaped for XML content (`attr = false`) or a double-quoted attribute value (`attr = true`).
///
/// `&`, `<`, `>`, `"` and `'` become entities; in attributes, tab and line feed become character
/// references (a parser would otherwise normalize them to spaces) and `\r` always does. Characters
/// XML 1.0 forbids are dropped here too, as a last guard behind [`super::values::clean`].
pub fn escape(s: &str, attr: bool) -> Cow<'_, str> {
    let needs = s
        .chars()
        .any(|c| matches!(c, '&' | '<' | '>' | '"' | '\'' | '\t' | '\n' | '\r') || forbidden(c));
    if !needs {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attr => out.push_str("&#10;"),
            '\t' if attr => out.push_str("&#9;"),
            c if forbidden(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether XML 1.0 forbids `c` anywhere in a document.
fn forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

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
