//! Visible text of an HTML page: tags dropped, `script`/`style` and other invisible elements
//! skipped, block elements turned into line breaks, character references decoded.
//!
//! A forgiving scanner rather than a full HTML5 parser: broken or deeply nested markup never
//! fails, it only loses structure. Work is linear in the page's length.

/// Elements whose content is never shown.
/// (`head` is not among them: its `<title>` is read, and its other children hold no text.)
const HIDDEN: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "object",
];

/// Elements that start a new line (paragraph) in the text.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "blockquote",
    "figure",
    "figcaption",
    "main",
    "hr",
    "dd",
    "dt",
    "dl",
    "pre",
    "form",
    "title",
    "address",
    "caption",
    "td",
    "th",
];

/// Returns the visible text and the `<title>`, if any.
pub fn html_to_text(html: &str) -> (String, Option<String>) {
    let mut out = String::with_capacity(html.len() / 2);
    let mut title: Option<String> = None;
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut hidden_until: Option<String> = None;
    let mut in_title = false;
    let mut title_buf = String::new();
    let mut in_pre = 0usize;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            // Comment.
            if html[i..].starts_with("<!--") {
                i = html[i + 4..]
                    .find("-->")
                    .map(|p| i + 4 + p + 3)
                    .unwrap_or(bytes.len());
                continue;
            }
            // As in HTML5, `<` not followed by a letter, `/`, `!` or `?` is text ("5 < 6").
            let starts_tag = bytes
                .get(i + 1)
                .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'/' | b'!' | b'?'));
            if !starts_tag {
                if hidden_until.is_none() {
                    if in_title {
                        title_buf.push('<');
                    } else {
                        push_text(&mut out, "<", in_pre > 0);
                    }
                }
                i += 1;
                continue;
            }
            let Some(rel_end) = html[i..].find('>') else {
                // A stray '<' with no closing '>': keep it as text.
                push_text(&mut out, &html[i..], in_pre > 0);
                break;
            };
            let tag = &html[i + 1..i + rel_end];
            i += rel_end + 1;
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if name.is_empty() {
                continue; // <!DOCTYPE …>, <?xml …?>
            }
            if let Some(h) = &hidden_until {
                if closing && &name == h {
                    hidden_until = None;
                }
                continue;
            }
            if name == "title" {
                if closing {
                    in_title = false;
                    if title.is_none() {
                        let t = collapse(&decode_entities(&title_buf));
                        if !t.is_empty() {
                            title = Some(t);
                        }
                    }
                } else {
                    in_title = true;
                }
                continue;
            }
            if !closing && HIDDEN.contains(&name.as_str()) && !tag.ends_with('/') {
                hidden_until = Some(name);
                continue;
            }
            if name == "pre" {
                in_pre = if closing {
                    in_pre.saturating_sub(1)
                } else {
                    in_pre + 1
                };
            }
            if BLOCK.contains(&name.as_str()) {
                if name == "br" {
                    out.push('\n');
                } else if !out.ends_with("\n\n") && !out.is_empty() {
                    if out.ends_with('\n') {
                        out.push('\n');
                    } else {
                        out.push_str("\n\n");
                    }
                }
            } else if name == "td" || name == "th" {
                out.push(' ');
            }
            continue;
        }
        let next = html[i..].find('<').map(|p| i + p).unwrap_or(bytes.len());
        let chunk = &html[i..next];
        if hidden_until.is_none() {
            if in_title {
                title_buf.push_str(chunk);
            } else {
                push_text(&mut out, &decode_entities(chunk), in_pre > 0);
            }
        }
        i = next;
    }
    let text = out.lines().map(str::trim).collect::<Vec<_>>().join("\n");
    // Collapse runs of blank lines to one.
    let mut cleaned = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        if line.is_empty() {
            blank += 1;
            if blank == 1 && !cleaned.is_empty() {
                cleaned.push('\n');
            }
        } else {
            blank = 0;
            cleaned.push_str(line);
            cleaned.push('\n');
        }
    }
    (cleaned.trim_end().to_string(), title)
}

fn push_text(out: &mut String, text: &str, pre: bool) {
    if pre {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        if c.is_whitespace() {
            if !out.ends_with(' ') && !out.ends_with('\n') && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes numeric (`&#233;`, `&#xE9;`) and common named character references.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|e| e + 1);
        let (name, consumed) = match end {
            Some(e) if rest[e..].starts_with(';') => (&rest[1..e], e + 1),
            Some(e) => (&rest[1..e], e),
            None => (&rest[1..], rest.len()),
        };
        match decode_one(name) {
            Some(c) if !name.is_empty() => {
                out.push(c);
                rest = &rest[consumed..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_one(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        return Some(
            char::from_u32(code)
                .filter(|c| *c != '\0')
                .unwrap_or('\u{FFFD}'),
        );
    }
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "hellip" => '…',
        "middot" => '·',
        "bull" => '•',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "pound" => '£',
        "yen" => '¥',
        "cent" => '¢',
        "deg" => '°',
        "times" => '×',
        "shy" => '\u{AD}',
        "aacute" => 'á',
        "eacute" => 'é',
        "iacute" => 'í',
        "oacute" => 'ó',
        "uacute" => 'ú',
        "Aacute" => 'Á',
        "Eacute" => 'É',
        "Iacute" => 'Í',
        "Oacute" => 'Ó',
        "Uacute" => 'Ú',
        "ntilde" => 'ñ',
        "Ntilde" => 'Ñ',
        "agrave" => 'à',
        "egrave" => 'è',
        "ograve" => 'ò',
        "acirc" => 'â',
        "ecirc" => 'ê',
        "ocirc" => 'ô',
        "auml" => 'ä',
        "euml" => 'ë',
        "iuml" => 'ï',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "Auml" => 'Ä',
        "Ouml" => 'Ö',
        "Uuml" => 'Ü',
        "szlig" => 'ß',
        "ccedil" => 'ç',
        "Ccedil" => 'Ç',
        "atilde" => 'ã',
        "otilde" => 'õ',
        "aring" => 'å',
        "oslash" => 'ø',
        "aelig" => 'æ',
        _ => return None,
    };
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_text_only() {
        let (t, title) = html_to_text(
            "<html><head><title>T &amp; U</title><style>p{}</style></head><body><p>Caf&eacute; &#233;&#x41;</p>\
             <script>var x = '<p>no</p>';</script><div>Second&nbsp;line</div></body></html>",
        );
        assert_eq!(t, "Café éA\n\nSecond line");
        assert_eq!(title.as_deref(), Some("T & U"));
    }

    #[test]
    fn broken_markup_does_not_fail() {
        for html in [
            "<p>a <b>b",
            "a < b",
            "<<<>>>",
            "&",
            "&#xZZ;",
            "<p",
            "<!-- open",
            "<script>never closed",
        ] {
            let _ = html_to_text(html);
        }
        assert_eq!(html_to_text("a < b").0, "a < b");
        assert_eq!(html_to_text("<p>5 <6 and 7> 3</p>").0, "5 <6 and 7> 3");
        assert_eq!(html_to_text("<p>x<<b>y</b></p>").0, "x<y");
        assert_eq!(
            decode_entities("AT&T &unknown; &#0;"),
            "AT&T &unknown; \u{FFFD}"
        );
    }
}
