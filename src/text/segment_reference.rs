//! The first, plain version of the segmenter, kept for the tests: the fast paths of
//! [`super`] must give exactly its results (as main gave them before the fast paths came).

use super::{
    content_span, is_credit, is_month, is_weekday, paragraph_spans, BoilerplateKind, Paragraph,
    Section, SectionKind, Segmented, Sentence, Span, ABBREVIATIONS, NAV_WORDS, RAILS,
    SENTENCE_STARTERS,
};

pub(super) fn segment(text: &str) -> Segmented {
    let mut seg = Segmented::default();
    let paragraphs = paragraph_spans(text);
    let mut seen: rustc_hash::FxHashSet<String> = Default::default();
    let mut section = 0usize;
    let mut section_start = 0usize;
    seg.sections.push(Section {
        span: Span::new(0, text.len()),
        kind: SectionKind::Main,
    });
    for (i, &span) in paragraphs.iter().enumerate() {
        let line = span.slice(text);
        let mut kind = classify(line);
        if kind == Some(BoilerplateKind::Rail) && span.start > 0 {
            seg.sections[section].span = Span::new(section_start, span.start);
            section += 1;
            section_start = span.start;
            seg.sections.push(Section {
                span: Span::new(span.start, text.len()),
                kind: SectionKind::Appended,
            });
        }
        if kind.is_none() {
            let norm = normalized_line(line);
            // A teaser cut short with "…" is a repeat of the full line that follows it.
            let teaser = norm.strip_suffix("...").or_else(|| norm.strip_suffix('…'));
            let is_teaser = teaser.is_some_and(|stem| {
                stem.len() > 20
                    && paragraphs
                        .get(i + 1)
                        .is_some_and(|n| normalized_line(n.slice(text)).starts_with(stem))
            });
            if is_teaser || !seen.insert(norm) {
                kind = Some(BoilerplateKind::Repeat);
            }
        }
        seg.paragraphs.push(Paragraph {
            span,
            section,
            boilerplate: kind,
        });
        if kind.is_none() {
            let p = seg.paragraphs.len() - 1;
            for s in sentence_spans(text, content_span(text, span)) {
                seg.sentences.push(Sentence {
                    span: s,
                    paragraph: p,
                    section,
                });
            }
        }
    }
    seg.sections[section].span = Span::new(section_start, text.len());
    seg
}

fn normalized_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for w in line.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Classifies a whole paragraph as boilerplate, or `None` for content.
pub(super) fn classify(line: &str) -> Option<BoilerplateKind> {
    let lower = line.trim().to_lowercase();
    let bare: String = lower
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string();
    if RAILS.contains(&bare.as_str()) {
        return Some(BoilerplateKind::Rail);
    }
    if lower.starts_with("credit:")
        || lower.starts_with("photo:")
        || lower.starts_with("image:")
        || lower.starts_with("photograph:")
    {
        return Some(BoilerplateKind::Credit);
    }
    if line.starts_with('(') && line.ends_with(')') && is_credit(&line[1..line.len() - 1]) {
        return Some(BoilerplateKind::Credit);
    }
    if is_timestamp(&lower) {
        return Some(BoilerplateKind::Timestamp);
    }
    // The tests below only ask whether there are at most 15, 8 or 2 words: 16 are enough.
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == '|' || c == '·' || c == '•' || c == '/')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-'))
        .filter(|w| !w.is_empty())
        .take(16)
        .collect();
    if (lower.contains("http://") || lower.contains("https://") || lower.contains("www."))
        && words.len() <= 15
    {
        return Some(BoilerplateKind::Link);
    }
    if is_byline(line, &lower) {
        return Some(BoilerplateKind::Byline);
    }
    let terminal = line.ends_with(['.', '!', '?', '"', '”']);
    if !terminal
        && !words.is_empty()
        && words.len() <= 8
        && words.iter().all(|w| NAV_WORDS.contains(w))
    {
        return Some(BoilerplateKind::Navigation);
    }
    // A one- or two-word ALL-CAPS line with no sentence punctuation is a section label ("POLITICS").
    if !terminal
        && words.len() <= 2
        && line.chars().any(|c| c.is_alphabetic())
        && !line.chars().any(|c| c.is_ascii_digit())
        && line
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| c.is_uppercase())
        && !line.contains(',')
    {
        return Some(BoilerplateKind::Navigation);
    }
    None
}

/// "(AP Photo/Name)", "(Agency via AP)", "(Name/Pool Photo via AP, File)", "Getty Images".
fn is_timestamp(lower: &str) -> bool {
    let s = lower.trim();
    if s.contains("last updated")
        || s.starts_with("updated ")
        || s.starts_with("published ")
        || s.starts_with("posted ")
    {
        return s.split_whitespace().count() <= 12;
    }
    // Lines made only of dates, times and their punctuation: "2025-03-18 09:07", "Mar 31, 2025, 8:17 AM".
    let tokens: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',' || c == '|')
        .filter(|t| !t.is_empty())
        .take(9)
        .collect();
    if tokens.is_empty() || tokens.len() > 8 {
        return false;
    }
    let mut has_digit = false;
    for t in &tokens {
        let t = t.trim_end_matches('.');
        if t.chars().any(|c| c.is_ascii_digit()) {
            has_digit = true;
            if !t
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | '/' | 't' | 'z' | '+'))
            {
                return false;
            }
        } else if !(is_month(t)
            || is_weekday(t)
            || matches!(
                t,
                "am" | "pm"
                    | "a.m"
                    | "p.m"
                    | "utc"
                    | "gmt"
                    | "et"
                    | "est"
                    | "edt"
                    | "pt"
                    | "pst"
                    | "pdt"
                    | "cet"
                    | "bst"
                    | "at"
                    | "on"
            ))
        {
            return false;
        }
    }
    has_digit
}

fn is_byline(line: &str, lower: &str) -> bool {
    // Only "at most 8" and "at most 6" are asked.
    let words = line.split_whitespace().take(9).count();
    if words <= 8 && (lower.contains(" reported from ") || lower.contains(" reported this story")) {
        return true;
    }
    if lower.contains("contributed to this report") || lower.contains("contributed reporting") {
        return true;
    }
    if words <= 6
        && lower.starts_with("by ")
        && line[3..].chars().next().is_some_and(char::is_uppercase)
        && !line.ends_with('.')
    {
        return true;
    }
    false
}

/// Abbreviations that a period does not end a sentence after (lower case, no final period).
fn sentence_spans(text: &str, span: Span) -> Vec<Span> {
    let mut out = Vec::new();
    let para = span.slice(text);
    let bytes = para.as_bytes();
    let mut start = 0usize;
    let mut iter = para.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        // Take closing quotes and brackets, and repeated terminal marks, with the sentence.
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = iter.peek() {
            if matches!(
                d,
                '"' | '”' | '’' | '\'' | ')' | ']' | '.' | '!' | '?' | '»'
            ) {
                end = j + d.len_utf8();
                iter.next();
            } else {
                break;
            }
        }
        if end >= para.len() {
            break;
        }
        if !(bytes[end] as char).is_ascii_whitespace() {
            continue;
        }
        let rest = para[end..].trim_start();
        let Some(next) = rest.chars().next() else {
            break;
        };
        if !(next.is_uppercase()
            || next.is_ascii_digit()
            || matches!(next, '"' | '“' | '‘' | '\'' | '(' | '[' | '¿' | '¡'))
        {
            continue;
        }
        if c == '.' && is_abbreviation(&para[start..i], rest) {
            continue;
        }
        push_trimmed(&mut out, span.start, para, start, end);
        start = end;
    }
    push_trimmed(&mut out, span.start, para, start, para.len());
    out
}

fn push_trimmed(out: &mut Vec<Span>, base: usize, para: &str, start: usize, end: usize) {
    let piece = &para[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let body = piece.trim();
    if !body.is_empty() {
        out.push(Span::new(
            base + start + lead,
            base + start + lead + body.len(),
        ));
    }
}

/// Whether the period at the end of `before` belongs to an abbreviation or an initial.
fn is_abbreviation(before: &str, after: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '“')
        .next()
        .unwrap_or("");
    let word_l = word.to_lowercase();
    if word.is_empty() {
        return false;
    }
    // Initials: "J." and "U.S." style dotted forms.
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 1 && word.chars().next().is_some_and(char::is_uppercase) {
        return true;
    }
    if ABBREVIATIONS.contains(&word_l.as_str()) {
        if matches!(
            word_l.as_str(),
            "u.s"
                | "u.n"
                | "u.k"
                | "e.u"
                | "d.c"
                | "a.m"
                | "p.m"
                | "etc"
                | "inc"
                | "corp"
                | "co"
                | "ltd"
                | "jr"
                | "sr"
        ) {
            let next_word: String = after.chars().take_while(|c| c.is_alphabetic()).collect();
            return !SENTENCE_STARTERS.contains(&next_word.as_str());
        }
        return true;
    }
    // Dotted acronyms not in the list ("U.S.A", "N.Y.C").
    word.contains('.') && word.split('.').all(|p| p.chars().count() <= 2)
}
