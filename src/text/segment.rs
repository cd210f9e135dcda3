//! Paragraphs, sections, boilerplate and sentences of one document.
//!
//! Web-scraped pages carry navigation, timestamps, photo credits, share widgets and repeated
//! headlines and captions around the story, and sometimes an unrelated article after a rail
//! such as "Next Article". Boilerplate paragraphs get no sentences (so they yield nothing); a
//! rail starts a new section so the appended article's entities stay apart from the story's.

use super::Span;

/// Where a section comes from on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SectionKind {
    /// The page's own story (always section 0).
    Main,
    /// An article appended after a rail ("Next Article", "Related Articles", …).
    Appended,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub span: Span,
    pub kind: SectionKind,
}

/// Why a paragraph is boilerplate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BoilerplateKind {
    Navigation,
    Timestamp,
    Credit,
    Byline,
    Link,
    /// A rail that starts a new section ("Next Article").
    Rail,
    /// A line already seen verbatim in this document (repeated headline or caption).
    Repeat,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub span: Span,
    pub section: usize,
    pub boilerplate: Option<BoilerplateKind>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub span: Span,
    pub paragraph: usize,
    pub section: usize,
}

/// The structure of one document.
#[derive(Debug, Clone, Default)]
pub struct Segmented {
    pub sections: Vec<Section>,
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
}

impl Segmented {
    pub fn section_kind(&self, sentence: usize) -> SectionKind {
        self.sections[self.sentences[sentence].section].kind
    }
}

/// Lines that end the main story and start an appended one.
const RAILS: &[&str] = &[
    "next article",
    "related articles",
    "related article",
    "recommended articles",
    "related stories",
    "more stories",
    "read next",
    "up next",
    "you may also like",
    "more from",
    "related coverage",
    "related news",
    "most read",
    "most popular",
    "trending now",
    "recommended",
    "more news",
    "latest news",
    "top stories",
    "related",
    "read more",
    "see also",
    "also read",
];

/// Words that make up navigation and widget lines ("Skip to Content Facebook Feature Image").
const NAV_WORDS: &[&str] = &[
    "skip",
    "to",
    "content",
    "main",
    "facebook",
    "twitter",
    "x",
    "whatsapp",
    "linkedin",
    "email",
    "e-mail",
    "print",
    "share",
    "shares",
    "comment",
    "comments",
    "feature",
    "image",
    "images",
    "photo",
    "photos",
    "video",
    "videos",
    "menu",
    "search",
    "subscribe",
    "sign",
    "in",
    "up",
    "log",
    "login",
    "newsletter",
    "newsletters",
    "advertisement",
    "sponsored",
    "news",
    "home",
    "hot",
    "posts",
    "close",
    "open",
    "back",
    "list",
    "top",
    "copy",
    "link",
    "save",
    "listen",
    "watch",
    "more",
    "follow",
    "us",
    "on",
    "instagram",
    "youtube",
    "telegram",
    "reddit",
    "pinterest",
    "navigation",
    "toggle",
    "account",
    "register",
    "cookies",
    "accept",
    "and",
    "the",
    "of",
    "politics",
    "world",
    "business",
    "sports",
    "opinion",
    "local",
    "national",
    "international",
    "latest",
    "trending",
    "live",
    "updates",
    "article",
    "articles",
    "story",
    "stories",
    "related",
    "gallery",
    "audio",
    "podcast",
    "podcasts",
    "reading",
    "read",
    "min",
    "minute",
    "minutes",
    "ad",
    "ads",
    "a",
    "an",
];

/// Splits `text` into sections, paragraphs (with boilerplate marked) and sentences.
pub fn segment(text: &str) -> Segmented {
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

/// Paragraph spans: runs of non-blank lines, split where a line ends a sentence or looks like a
/// heading, and joined where a hard-wrapped line continues in lower case.
fn paragraph_spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut cur: Option<Span> = None;
    let mut pos = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = pos;
        pos += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed_start = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if let Some(c) = cur.take() {
                out.push(c);
            }
            continue;
        }
        let span = Span::new(
            line_start + trimmed_start,
            line_start + trimmed_start + trimmed.len(),
        );
        match cur {
            Some(c) => {
                let prev = c.slice(text);
                let continues = !prev.ends_with(['.', '!', '?', ':', '"', '”', '’', ')', '…'])
                    && trimmed.chars().next().is_some_and(|ch| ch.is_lowercase());
                if continues {
                    cur = Some(Span::new(c.start, span.end));
                } else {
                    out.push(c);
                    cur = Some(span);
                }
            }
            None => cur = Some(span),
        }
    }
    if let Some(c) = cur {
        out.push(c);
    }
    out
}

/// Classifies a whole paragraph as boilerplate, or `None` for content.
fn classify(line: &str) -> Option<BoilerplateKind> {
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
pub(crate) fn is_credit(inner: &str) -> bool {
    let s = inner.trim();
    let l = s.to_lowercase();
    l.starts_with("ap photo")
        || l.contains("photo/")
        || l.starts_with("photo by")
        || l.starts_with("photo courtesy")
        || l.contains("getty images")
        || l.ends_with("via ap")
        || l.ends_with("via ap, file")
        || l.ends_with("via reuters")
        || l.ends_with("via afp")
        || l.ends_with("/ap")
        || l.ends_with("/reuters")
        || l.ends_with("/afp")
        || l.starts_with("reuters/")
        || l.starts_with("afp/")
        || l.starts_with("credit:")
        || l.starts_with("file photo")
}

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

pub(crate) fn is_month(t: &str) -> bool {
    matches!(
        t,
        "jan"
            | "january"
            | "feb"
            | "february"
            | "mar"
            | "march"
            | "apr"
            | "april"
            | "may"
            | "jun"
            | "june"
            | "jul"
            | "july"
            | "aug"
            | "august"
            | "sep"
            | "sept"
            | "september"
            | "oct"
            | "october"
            | "nov"
            | "november"
            | "dec"
            | "december"
    )
}

fn is_weekday(t: &str) -> bool {
    matches!(
        t,
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "mon"
            | "tue"
            | "tues"
            | "wed"
            | "thu"
            | "thur"
            | "thurs"
            | "fri"
            | "sat"
            | "sun"
    )
}

/// "Goodman reported from Miami.", "By Jane Doe", "Associated Press writer X contributed to this report."
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

/// The part of a content paragraph that holds text: a leading "FILE - " and trailing photo
/// credits are cut off so they never reach a sentence.
fn content_span(text: &str, span: Span) -> Span {
    let mut s = span;
    let line = s.slice(text);
    for prefix in ["FILE - ", "FILE – ", "FILE — ", "FILE: "] {
        if line.starts_with(prefix) {
            s.start += prefix.len();
            break;
        }
    }
    // Trailing "(… via AP)" credits, possibly followed by more credits.
    loop {
        let line = s.slice(text).trim_end();
        if !line.ends_with(')') {
            break;
        }
        let Some(open) = matching_open(line) else {
            break;
        };
        if !is_credit(&line[open + 1..line.len() - 1]) {
            break;
        }
        let keep = line[..open].trim_end().len();
        s.end = s.start + keep;
    }
    s
}

fn matching_open(line: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in line.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Abbreviations that a period does not end a sentence after (lower case, no final period).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt",
    "cmdr", "adm", "maj", "cpl", "pvt", "st", "ste", "mt", "ft", "jr", "sr", "rev", "hon", "pres",
    "supt", "insp", "det", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "no",
    "nos", "vs", "v", "etc", "inc", "corp", "co", "ltd", "bros", "dept", "univ", "assn", "ave",
    "blvd", "rd", "u.s", "u.n", "u.k", "e.u", "d.c", "a.m", "p.m", "i.e", "e.g", "approx", "est",
    "fig", "vol", "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind",
    "kan", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla",
    "ore", "pa", "tenn", "vt", "va", "wash", "wis", "wyo", "n.h", "n.j", "n.m", "n.y", "n.c",
    "n.d", "r.i", "s.c", "s.d", "w.va", "op", "al", "messrs", "mme", "mlle",
];

/// Words that start a sentence even right after "U.S." ("… moved to the U.S. The gang …").
const SENTENCE_STARTERS: &[&str] = &[
    "The",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "In",
    "But",
    "And",
    "A",
    "An",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "His",
    "Her",
    "Their",
    "Its",
    "On",
    "At",
    "As",
    "After",
    "Before",
    "When",
    "While",
    "Most",
    "Some",
    "Many",
    "Officials",
    "Authorities",
];

/// Sentence spans inside one paragraph's content span.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        let seg = segment(text);
        seg.sentences.iter().map(|s| s.span.slice(text)).collect()
    }

    #[test]
    fn abbreviation_aware_sentences() {
        for (text, expected) in [
            (
                "Mr. Smith met Sen. Jones. They talked.",
                vec!["Mr. Smith met Sen. Jones.", "They talked."],
            ),
            (
                "The U.S. Treasury acted. It was 3.5 times more.",
                vec!["The U.S. Treasury acted.", "It was 3.5 times more."],
            ),
            (
                "He moved to the U.S. The gang followed.",
                vec!["He moved to the U.S.", "The gang followed."],
            ),
            (
                "On Jan. 19 J. R. Smith left St. Louis. Then rain.",
                vec!["On Jan. 19 J. R. Smith left St. Louis.", "Then rain."],
            ),
            (
                "\"We want them back,\" he said. \"Now.\" Next one.",
                vec!["\"We want them back,\" he said.", "\"Now.\"", "Next one."],
            ),
            (
                "It ended at 2 a.m. Tuesday. Done.",
                vec!["It ended at 2 a.m. Tuesday.", "Done."],
            ),
        ] {
            assert_eq!(sentences(text), expected, "{text}");
        }
    }

    #[test]
    fn boilerplate_lines() {
        for (line, kind) in [
            (
                "Skip to Content Facebook Feature Image",
                Some(BoilerplateKind::Navigation),
            ),
            ("News", Some(BoilerplateKind::Navigation)),
            ("POLITICS", Some(BoilerplateKind::Navigation)),
            (
                "2025-03-18 09:07 Last Updated At:09:10",
                Some(BoilerplateKind::Timestamp),
            ),
            ("Mar 31, 2025, 8:17 AM", Some(BoilerplateKind::Timestamp)),
            ("Credit: ASSOCIATED PRESS", Some(BoilerplateKind::Credit)),
            (
                "(AP Photo/Cristian Hernandez)",
                Some(BoilerplateKind::Credit),
            ),
            (
                "Goodman reported from Miami.",
                Some(BoilerplateKind::Byline),
            ),
            ("Next Article", Some(BoilerplateKind::Rail)),
            ("Recommended Articles", Some(BoilerplateKind::Rail)),
            ("Back to list", Some(BoilerplateKind::Navigation)),
            ("Hot · Posts", Some(BoilerplateKind::Navigation)),
            (
                "Follow AP’s war coverage at https://apnews.com/hub/israel-hamas-war",
                Some(BoilerplateKind::Link),
            ),
            ("The beginnings of Tren de Aragua", None),
            ("Trump spoke on Monday.", None),
        ] {
            assert_eq!(classify(line), kind, "{line}");
        }
    }

    #[test]
    fn sections_repeats_and_credits() {
        let text = "Headline here\n\nCARACAS (AP) — Story text. More.\n\nA caption, Sunday. (AP Photo/X Y)\n\nA caption, Sunday. (AP Photo/X Y)\n\nHeadline here\n\nNext Article\n\nOther story here.";
        let seg = segment(text);
        let got: Vec<(&str, SectionKind)> = seg
            .sentences
            .iter()
            .map(|s| (s.span.slice(text), seg.sections[s.section].kind))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Headline here", SectionKind::Main),
                ("CARACAS (AP) — Story text.", SectionKind::Main),
                ("More.", SectionKind::Main),
                ("A caption, Sunday.", SectionKind::Main),
                ("Other story here.", SectionKind::Appended),
            ]
        );
    }

    #[test]
    fn hard_wrapped_lines_join() {
        let text =
            "The gang began in a prison\nin the state of Aragua. It grew.\nNew paragraph here.";
        let seg = segment(text);
        assert_eq!(seg.paragraphs.len(), 2);
        assert_eq!(
            sentences(text)[0],
            "The gang began in a prison\nin the state of Aragua."
        );
    }
}
