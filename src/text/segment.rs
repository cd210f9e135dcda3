//! Paragraphs, sections, boilerplate and sentences of one document.
//!
//! Web-scraped pages carry navigation, timestamps, photo credits, share widgets and repeated
//! headlines and captions around the story, and sometimes an unrelated article after a rail
//! such as "Next Article". Boilerplate paragraphs get no sentences (so they yield nothing); a
//! rail starts a new section so the appended article's entities stay apart from the story's.

use std::borrow::Cow;

use super::chars::{is_space_normalized, lowercase_into, ws_len};
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
    let folded = text.to_ascii_lowercase();
    let phrases = phrase_sets(folded.as_bytes(), &paragraphs);
    let mut seen: rustc_hash::FxHashSet<SeenLine<'_>> = Default::default();
    let mut lower = String::new();
    let mut section = 0usize;
    let mut section_start = 0usize;
    seg.sections.push(Section {
        span: Span::new(0, text.len()),
        kind: SectionKind::Main,
    });
    for (i, &span) in paragraphs.iter().enumerate() {
        let line = span.slice(text);
        // (`line` has no white space at either end: it is its own `trim()`.)
        // An ASCII line's lower case is its bytes of `folded` (the same positions): borrowed,
        // not made again. (About half of news text's paragraphs are ASCII.)
        let (low, wide_space) = if line.is_ascii() {
            (&folded[span.start..span.end], false)
        } else {
            let wide_space = lowercase_into(line, &mut lower);
            (lower.as_str(), wide_space)
        };
        let mut kind = classify(line, low, phrases[i]);
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
            // Most lines are already space-normalized: the set borrows them from `text`.
            let norm = if phrases[i] & IRREGULAR_SPACE == 0 && !wide_space {
                Cow::Borrowed(line)
            } else {
                normalized_line(line)
            };
            // A teaser cut short with "…" is a repeat of the full line that follows it.
            let teaser = norm.strip_suffix("...").or_else(|| norm.strip_suffix('…'));
            let is_teaser = teaser.is_some_and(|stem| {
                stem.len() > 20
                    && paragraphs
                        .get(i + 1)
                        .is_some_and(|n| normalized_line(n.slice(text)).starts_with(stem))
            });
            if is_teaser || !seen.insert(SeenLine(norm)) {
                kind = Some(BoilerplateKind::Repeat);
            }
        }
        seg.paragraphs.push(Paragraph {
            span,
            section,
            boilerplate: kind,
        });
        if kind.is_none() {
            let paragraph = seg.paragraphs.len() - 1;
            let sentences = &mut seg.sentences;
            sentence_spans(text, content_span(text, span), |s| {
                sentences.push(Sentence {
                    span: s,
                    paragraph,
                    section,
                })
            });
        }
    }
    seg.sections[section].span = Span::new(section_start, text.len());
    seg
}

/// A line in the set of lines seen, hashed by its length and its first and last 16 bytes only
/// (hashing whole paragraphs cost more than the rest of the set): equality still compares them
/// whole.
#[derive(PartialEq, Eq)]
struct SeenLine<'a>(Cow<'a, str>);

impl std::hash::Hash for SeenLine<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        let b = self.0.as_bytes();
        h.write_usize(b.len());
        h.write(&b[..b.len().min(16)]);
        h.write(&b[b.len().saturating_sub(16)..]);
    }
}

/// The line's words joined by single spaces: the line itself when it already is.
fn normalized_line(line: &str) -> Cow<'_, str> {
    if is_space_normalized(line) {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    for w in line.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    Cow::Owned(out)
}

/// Phrases [`classify`] asks about anywhere in a paragraph: one bit each in a set.
const LINK: u8 = 1;
const LAST_UPDATED: u8 = 2;
const REPORTED: u8 = 4;
const CONTRIBUTED: u8 = 8;
/// Not a phrase but found in the same pass: ASCII white space other than single spaces, so the
/// paragraph differs from its normalized form ([`normalized_line`]). (White space beyond ASCII
/// is reported by `lowercase_into`, which decodes those characters anyway.)
const IRREGULAR_SPACE: u8 = 16;

/// The phrases, each as a head with what may come before and after it ("http://" and
/// "https://" are "://" with "http" or "https" before): one search per head, for a head with
/// rare bytes. No head has a border (a proper prefix that is also a suffix), so `find_iter`'s
/// non-overlapping matches are all its occurrences.
type Phrase = (
    u8,
    &'static [&'static str],
    &'static str,
    &'static [&'static str],
);
const PHRASES: [Phrase; 5] = [
    (LINK, &["http", "https"], "://", &[""]),
    (LINK, &[""], "www.", &[""]),
    (LAST_UPDATED, &[""], "last updated", &[""]),
    (REPORTED, &[""], " reported", &[" from ", " this story"]),
    (
        CONTRIBUTED,
        &[""],
        "contributed",
        &[" to this report", " reporting"],
    ),
];

/// The searchers for the heads of [`PHRASES`], built once per run.
fn phrase_finders() -> &'static [memchr::memmem::Finder<'static>] {
    static FINDERS: std::sync::OnceLock<Vec<memchr::memmem::Finder<'static>>> =
        std::sync::OnceLock::new();
    FINDERS.get_or_init(|| {
        PHRASES
            .iter()
            .map(|(_, _, head, _)| memchr::memmem::Finder::new(head))
            .collect()
    })
}

/// For each of `spans` (sorted, disjoint), the set of [`PHRASES`] its lower-case form holds,
/// found with one search per head over the whole document instead of one per paragraph.
///
/// `folded` is the text with only its ASCII letters lowered (same byte positions). A phrase
/// occurs in a span's `to_lowercase()` exactly when it occurs in the span's bytes of `folded`:
/// the phrases are ASCII, hold no 'k', and follow every 'i' with another ASCII character,
/// while the only characters beyond ASCII whose lower case holds ASCII are the Kelvin sign
/// (to 'k') and 'İ' (to 'i' and a combining dot); a test checks all of this.
///
/// The sets also hold [`IRREGULAR_SPACE`]: ASCII folding changes no white space.
fn phrase_sets(folded: &[u8], spans: &[Span]) -> Vec<u8> {
    let mut sets = vec![0u8; spans.len()];
    // Adds `bit` to the one span that can hold [at, end): the first that ends at or after `end`.
    let mut mark = |at: usize, end: usize, bit: u8| {
        let k = spans.partition_point(|s| s.end < end);
        if k < spans.len() && spans[k].start <= at {
            sets[k] |= bit;
        }
    };
    for at in memchr::memchr3_iter(b'\t', b'\n', b'\r', folded) {
        mark(at, at + 1, IRREGULAR_SPACE);
    }
    for at in memchr::memchr2_iter(0x0B, 0x0C, folded) {
        mark(at, at + 1, IRREGULAR_SPACE);
    }
    // A run of spaces inside a span lies wholly inside it (spans have no space at either end),
    // so its first two spaces, a non-overlapping match, are enough.
    for at in double_space().find_iter(folded) {
        mark(at, at + 2, IRREGULAR_SPACE);
    }
    // The phrase whose head `h` occurs at `at`, if any, is marked.
    let mut phrase_at = |h: usize, at: usize| {
        let (bit, befores, head, afters) = PHRASES[h];
        let (before, rest) = (&folded[..at], &folded[at + head.len()..]);
        for b in befores.iter().filter(|b| before.ends_with(b.as_bytes())) {
            for a in afters.iter().filter(|a| rest.starts_with(a.as_bytes())) {
                mark(at - b.len(), at + head.len() + a.len(), bit);
            }
        }
    };
    head_occurrences(folded, &mut phrase_at);
    sets
}

/// Calls `each(h, at)` for every occurrence of the head of `PHRASES[h]` in `folded` (at
/// byte `at`), in order of place.
fn head_occurrences(folded: &[u8], each: &mut impl FnMut(usize, usize)) {
    let Some(searcher) = phrase_searcher() else {
        return head_occurrences_one_by_one(folded, each);
    };
    let mut from = 0;
    while let Some(m) = searcher.find_in(folded, aho_corasick::Span::from(from..folded.len())) {
        each(m.pattern().as_usize(), m.start());
        // On from the next byte, not the match's end: no two heads begin with the same byte
        // (at most one starts anywhere), so every occurrence of every head is found, those
        // overlapping another's too.
        from = m.start() + 1;
    }
}

/// [`head_occurrences`] by a search per head, in order of head.
fn head_occurrences_one_by_one(folded: &[u8], each: &mut impl FnMut(usize, usize)) {
    for (h, finder) in phrase_finders().iter().enumerate() {
        for at in finder.find_iter(folded) {
            each(h, at);
        }
    }
}

/// The heads of [`PHRASES`] in one searcher (Teddy, vectorized): one pass over a document
/// for all of them instead of a pass per head. `None` where it cannot be built (no SIMD):
/// the heads are then looked for one by one ([`phrase_finders`]).
fn phrase_searcher() -> Option<&'static aho_corasick::packed::Searcher> {
    static SEARCHER: std::sync::OnceLock<Option<aho_corasick::packed::Searcher>> =
        std::sync::OnceLock::new();
    SEARCHER
        .get_or_init(|| {
            aho_corasick::packed::Config::new()
                .builder()
                .extend(PHRASES.iter().map(|&(_, _, head, _)| head))
                .build()
        })
        .as_ref()
}

/// The searcher for two spaces in a row, built once per run.
fn double_space() -> &'static memchr::memmem::Finder<'static> {
    static FINDER: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    FINDER.get_or_init(|| memchr::memmem::Finder::new("  "))
}

/// The position of the first "…" in `b`, by a searcher built once per run.
fn find_ellipsis(b: &[u8]) -> Option<usize> {
    static FINDER: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    FINDER
        .get_or_init(|| memchr::memmem::Finder::new("…"))
        .find(b)
}

/// Paragraph spans: runs of non-blank lines, split where a line ends a sentence or looks like a
/// heading, and joined where a hard-wrapped line continues in lower case.
fn paragraph_spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut cur: Option<Span> = None;
    let mut pos = 0;
    // The lines of `text.split_inclusive('\n')`, found with a vectorized search.
    while pos < text.len() {
        let line_start = pos;
        pos = memchr::memchr(b'\n', &text.as_bytes()[pos..]).map_or(text.len(), |k| pos + k + 1);
        let raw = &text[line_start..pos];
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

/// Classifies a whole paragraph as boilerplate, or `None` for content. `lower` is the lower
/// case of `line.trim()`; `phrases` the set of [`PHRASES`] it holds.
fn classify(line: &str, lower: &str, phrases: u8) -> Option<BoilerplateKind> {
    let bare = lower.trim_matches(|c: char| !c.is_alphanumeric());
    if RAILS.contains(&bare) {
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
    if is_timestamp(lower, phrases & LAST_UPDATED != 0) {
        return Some(BoilerplateKind::Timestamp);
    }
    let has_link = phrases & LINK != 0;
    let terminal = line.ends_with(['.', '!', '?', '"', '”']);
    // The tests below only ask whether there are at most 15, 8 or 2 words: 16 are enough. Only
    // a line with a link or without a sentence's final mark asks: most paragraphs skip the count.
    let mut first = [""; 16];
    let words: &[&str] = if has_link {
        first_words(lower, &mut first)
    } else if !terminal {
        // Without a link only "at most 8" and "at most 2" are asked: 9 words are enough.
        first_words(lower, &mut first[..9])
    } else {
        &[]
    };
    if has_link && words.len() <= 15 {
        return Some(BoilerplateKind::Link);
    }
    if is_byline(line, lower, phrases) {
        return Some(BoilerplateKind::Byline);
    }
    if !terminal && !words.is_empty() && words.len() <= 8 && words.iter().all(|w| is_nav_word(w)) {
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

/// The first (up to `out.len()`) words of a lower-cased line as [`classify`] counts them:
/// split at white space, `|`, `·`, `•` and `/`, trimmed of anything but letters, digits and
/// `-`, empty pieces dropped.
fn first_words<'a, 'o>(lower: &'a str, out: &'o mut [&'a str]) -> &'o [&'a str] {
    let b = lower.as_bytes();
    let mut n = 0;
    let mut start = 0;
    let mut i = 0;
    while n < out.len() && start <= b.len() {
        // Bytes one at a time: a separator's first byte is never a continuation byte.
        while i < b.len() && !SEPARATOR_LEAD[b[i] as usize] {
            i += 1;
        }
        let sep = if i == b.len() {
            1
        } else {
            match b[i] {
                b'|' | b'/' => 1,
                0xC2 if b.get(i + 1) == Some(&0xB7) => 2,
                0xE2 if b.get(i + 1..i + 3) == Some(&[0x80, 0xA2][..]) => 3,
                _ => ws_len(b, i),
            }
        };
        if sep == 0 {
            i += 1;
            continue;
        }
        let w = trim_to_word(&lower[start..i]);
        if !w.is_empty() {
            out[n] = w;
            n += 1;
        }
        i += sep;
        start = i;
    }
    &out[..n]
}

/// Bytes that can start a word separator of [`first_words`]: white space, `|`, `/`, and the
/// lead bytes of `·`, `•` and the non-ASCII white space.
static SEPARATOR_LEAD: [bool; 256] = super::chars::byte_set(b"\t\n\x0B\x0C\r |/\xC2\xE1\xE2\xE3");

/// `w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')`, without decoding ASCII.
fn trim_to_word(w: &str) -> &str {
    let keep = |c: char| c.is_alphanumeric() || c == '-';
    let b = w.as_bytes();
    let mut s = 0;
    while s < b.len() {
        if b[s] < 0x80 {
            if b[s].is_ascii_alphanumeric() || b[s] == b'-' {
                break;
            }
            s += 1;
        } else {
            match w[s..].chars().next() {
                Some(c) if !keep(c) => s += c.len_utf8(),
                _ => break,
            }
        }
    }
    let mut e = b.len();
    while e > s {
        if b[e - 1] < 0x80 {
            if b[e - 1].is_ascii_alphanumeric() || b[e - 1] == b'-' {
                break;
            }
            e -= 1;
        } else {
            match w[..e].chars().next_back() {
                Some(c) if !keep(c) => e -= c.len_utf8(),
                _ => break,
            }
        }
    }
    &w[s..e]
}

/// Whether `w` is one of [`NAV_WORDS`].
fn is_nav_word(w: &str) -> bool {
    static SET: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| NAV_WORDS.iter().copied().collect())
        .contains(w)
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

/// Whether the line is a date line; `last_updated` says whether it holds "last updated".
fn is_timestamp(lower: &str, last_updated: bool) -> bool {
    let s = lower.trim();
    if last_updated
        || s.starts_with("updated ")
        || s.starts_with("published ")
        || s.starts_with("posted ")
    {
        return s.split_whitespace().count() <= 12;
    }
    // Lines made only of dates, times and their punctuation: "2025-03-18 09:07", "Mar 31, 2025, 8:17 AM".
    // At most 8 tokens, each a date or time word: every failure is `false`, so the first token
    // that is not one ends the test (most lines are sentences and stop at their first word).
    let mut has_digit = false;
    let tokens = s
        .split(|c: char| c.is_whitespace() || c == ',' || c == '|')
        .filter(|t| !t.is_empty());
    for (n, t) in tokens.enumerate() {
        if n == 8 {
            return false;
        }
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
fn is_byline(line: &str, lower: &str, phrases: u8) -> bool {
    // Only "at most 8" and "at most 6" are asked: the words are counted only when needed.
    let words = || line.split_whitespace().take(9).count();
    if phrases & REPORTED != 0 && words() <= 8 {
        return true;
    }
    if phrases & CONTRIBUTED != 0 {
        return true;
    }
    if lower.starts_with("by ")
        && words() <= 6
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

/// Sentence spans inside one paragraph's content span, in order, to `push`.
fn sentence_spans(text: &str, span: Span, mut push: impl FnMut(Span)) {
    let para = span.slice(text);
    let b = para.as_bytes();
    let mut start = 0usize;
    let mut i = 0usize;
    let mut ellipsis = None;
    while let Some((at, mark)) = next_mark(b, i, &mut ellipsis) {
        // Take closing quotes and brackets, and repeated terminal marks, with the sentence.
        let mut end = at + mark;
        loop {
            match b.get(end) {
                Some(b'"' | b'\'' | b')' | b']' | b'.' | b'!' | b'?') => end += 1,
                // '”', '’'
                Some(0xE2) if matches!(b.get(end + 1..end + 3), Some([0x80, 0x9D | 0x99])) => {
                    end += 3
                }
                // '»'
                Some(0xC2) if b.get(end + 1) == Some(&0xBB) => end += 2,
                _ => break,
            }
        }
        i = end;
        if end >= b.len() {
            break;
        }
        if !b[end].is_ascii_whitespace() {
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
        if b[at] == b'.' && is_abbreviation(&para[start..at], rest) {
            continue;
        }
        push_trimmed(&mut push, span.start, para, start, end);
        start = end;
    }
    push_trimmed(&mut push, span.start, para, start, para.len());
}

/// The next terminal mark at or after byte `i`: its position and length. `ellipsis` caches
/// the position of the next "…" (searched less often than the ASCII marks).
fn next_mark(b: &[u8], i: usize, ellipsis: &mut Option<Option<usize>>) -> Option<(usize, usize)> {
    let ascii = memchr::memchr3(b'.', b'!', b'?', b.get(i..)?).map(|k| i + k);
    let ell = match *ellipsis {
        Some(Some(e)) if e >= i => Some(e),
        Some(None) => None,
        _ => {
            let e = find_ellipsis(&b[i..]).map(|k| i + k);
            *ellipsis = Some(e);
            e
        }
    };
    match (ascii, ell) {
        (Some(a), Some(e)) if e < a => Some((e, 3)),
        (Some(a), _) => Some((a, 1)),
        (None, Some(e)) => Some((e, 3)),
        (None, None) => None,
    }
}

/// Pushes `para[start..end].trim()` (offset by `base`) unless it is empty.
fn push_trimmed(push: &mut impl FnMut(Span), base: usize, para: &str, start: usize, end: usize) {
    let b = para.as_bytes();
    // Leading white space by byte: `ws_len` is `char::is_whitespace` at a character start.
    let mut s = start;
    while s < end {
        match ws_len(b, s) {
            0 => break,
            l => s += l,
        }
    }
    // Trailing ASCII white space by byte; a non-ASCII last character takes the library path.
    let mut e = end;
    while e > s {
        match b[e - 1] {
            b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => e -= 1,
            x if x < 0x80 => break,
            _ => {
                e = s + para[s..e].trim_end().len();
                break;
            }
        }
    }
    if e > s {
        push(Span::new(base + s, base + e));
    }
}

/// Whether the period at the end of `before` belongs to an abbreviation or an initial.
fn is_abbreviation(before: &str, after: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '“')
        .next()
        .unwrap_or("");
    if word.is_empty() {
        return false;
    }
    // Initials: "J." and "U.S." style dotted forms.
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 1 && word.chars().next().is_some_and(char::is_uppercase) {
        return true;
    }
    // The lower-case word: on the stack for the short ASCII words the list holds.
    let mut buf = [0u8; 8];
    let owned;
    let word_l: &str = if word.is_ascii() {
        if word.len() > buf.len() {
            ""
        } else {
            buf[..word.len()].copy_from_slice(word.as_bytes());
            buf[..word.len()].make_ascii_lowercase();
            std::str::from_utf8(&buf[..word.len()]).unwrap_or("")
        }
    } else {
        owned = word.to_lowercase();
        &owned
    };
    if is_listed_abbreviation(word_l) {
        if matches!(
            word_l,
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
            let alpha = after
                .char_indices()
                .find(|(_, c)| !c.is_alphabetic())
                .map_or(after.len(), |(i, _)| i);
            return !SENTENCE_STARTERS.contains(&&after[..alpha]);
        }
        return true;
    }
    // Dotted acronyms not in the list ("U.S.A", "N.Y.C").
    word.contains('.') && word.split('.').all(|p| p.chars().count() <= 2)
}

/// Whether `w` (lower case) is one of [`ABBREVIATIONS`].
fn is_listed_abbreviation(w: &str) -> bool {
    static SET: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::OnceLock::new();
    !w.is_empty()
        && SET
            .get_or_init(|| ABBREVIATIONS.iter().copied().collect())
            .contains(w)
}

#[cfg(test)]
#[path = "segment_reference.rs"]
mod reference;

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_same_as_reference(text: &str) {
        let (got, want) = (segment(text), reference::segment(text));
        assert_eq!(got.sections, want.sections, "{text:?}");
        assert_eq!(got.paragraphs, want.paragraphs, "{text:?}");
        assert_eq!(got.sentences, want.sentences, "{text:?}");
    }

    #[test]
    fn same_as_reference_table() {
        for text in [
            "He left.» Then rain.",
            "He said.” Then rain. “Quote.” Next.",
            "She wrote.’ Then rain.",
            "Wait… Then rain…” Next… now.",
            "Why?! Because. (Yes.) [No.] Done.'",
            "He moved to the U.S. The gang followed. Inc. Officials said.",
            "Mr. Smith met \u{212A}y. Jones. İnc. Ltd. ΣΑΣ. Yes.",
            "It cost 3.5 million. 4 more. ¿Qué? ¡Sí! Fine.",
            "A teaser that goes on for a while...\nA teaser that goes on for a while and more.",
            "Line one\u{a0} with  spaces\n\nLine one\u{a0} with spaces\n\nLine\tone with spaces",
            "Skip to Content | Facebook · Twitter\n\nRead More\n\nOther story.",
            "Associated Press writer X contributed to this report.\n\nBy Jane Doe\n\nGoodman reported from Miami.",
            "Last updated: Mar 31, 2025, 8:17 AM\n\n2025-03-18 09:07\n\nhttps://x.com/a",
        ] {
            assert_same_as_reference(text);
        }
    }

    #[test]
    fn same_as_reference_on_the_seeds() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).expect("seeds/") {
            let text = std::fs::read_to_string(entry.expect("entry").path()).unwrap_or_default();
            assert_same_as_reference(&text);
            for line in text.lines() {
                assert_eq!(classify_alone(line), reference::classify(line), "{line:?}");
            }
            n += 1;
        }
        assert!(n > 0);
    }

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
            assert_eq!(classify_alone(line), kind, "{line}");
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

    /// The definition [`first_words`] speeds up.
    fn first_words_general(lower: &str) -> Vec<&str> {
        lower
            .split(|c: char| c.is_whitespace() || c == '|' || c == '·' || c == '•' || c == '/')
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-'))
            .filter(|w| !w.is_empty())
            .take(16)
            .collect()
    }

    #[test]
    fn first_words_table() {
        for line in [
            "",
            "skip to content | facebook · twitter • email / print",
            "hot · posts",
            "(a) -b- «c» \u{a0}d\u{2003}e\u{3000}f’s",
            "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen",
            " ... --- ||| ",
        ] {
            let mut buf = [""; 16];
            assert_eq!(first_words(line, &mut buf), first_words_general(line), "{line:?}");
        }
    }

    #[test]
    fn no_phrase_head_ends_where_one_starts() {
        for (_, _, a, _) in PHRASES {
            for (_, _, b, _) in PHRASES {
                let (a, b) = (a.as_bytes(), b.as_bytes());
                let longest = a.len().min(b.len());
                // Proper overlaps only: a suffix of `a` that is a prefix of `b`.
                let limit = if a == b { longest - 1 } else { longest };
                assert!(
                    (1..=limit).all(|k| a[a.len() - k..] != b[..k]),
                    "{a:?} {b:?}"
                );
                // Nor is one head inside another.
                assert!(a == b || !a.windows(b.len()).any(|w| w == b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn phrases_survive_ascii_folding() {
        // What `phrase_sets` relies on, for every character beyond ASCII.
        for c in (0x80..=0x10FFFFu32).filter_map(char::from_u32) {
            let lower: String = c.to_lowercase().collect();
            if lower.bytes().any(|b| b.is_ascii()) {
                assert!(
                    (c == '\u{212A}' && lower == "k") || (c == 'İ' && lower == "i\u{307}"),
                    "{c:?}"
                );
            }
        }
        for (_, befores, head, afters) in PHRASES {
            for phrase in befores
                .iter()
                .flat_map(|b| afters.iter().map(move |a| format!("{b}{head}{a}")))
            {
                assert!(phrase.is_ascii() && !phrase.contains('k'), "{phrase:?}");
                assert!(!phrase.ends_with('i'), "{phrase:?}");
                assert_eq!(phrase, phrase.to_lowercase(), "{phrase:?}");
            }
        }
    }

    /// The phrases of a lone line, as `str::contains` on its lower case finds them.
    fn phrases_by_contains(line: &str) -> u8 {
        let lower = line.trim().to_lowercase();
        let mut set = 0;
        for (bit, befores, head, afters) in PHRASES {
            for b in befores {
                if afters
                    .iter()
                    .any(|a| lower.contains(&format!("{b}{head}{a}")))
                {
                    set |= bit;
                }
            }
        }
        set
    }

    /// [`classify`] on a lone line.
    fn classify_alone(line: &str) -> Option<BoilerplateKind> {
        let t = line.trim();
        let sets = phrase_sets(t.to_ascii_lowercase().as_bytes(), &[Span::new(0, t.len())]);
        assert_eq!(
            sets[0] & !IRREGULAR_SPACE,
            phrases_by_contains(line),
            "{line:?}"
        );
        let mut lower = String::new();
        lowercase_into(t, &mut lower);
        classify(line, &lower, sets[0])
    }

    /// The paragraphs' [`IRREGULAR_SPACE`] bits are [`is_space_normalized`]'s answers.
    fn assert_irregular_space_agrees(text: &str) {
        let spans = paragraph_spans(text);
        let sets = phrase_sets(text.to_ascii_lowercase().as_bytes(), &spans);
        for (span, set) in spans.iter().zip(sets) {
            let line = span.slice(text);
            let irregular = set & IRREGULAR_SPACE != 0 || lowercase_into(line, &mut String::new());
            assert_eq!(
                irregular,
                !is_space_normalized(line),
                "{line:?} in {text:?}"
            );
        }
    }

    #[test]
    fn irregular_space_table() {
        for text in [
            "",
            "a b\n\nc  d\n\ne\tf\n\ng\u{a0}h\n\ni\u{2003}j\n\nk\u{3000}l\n\nm\u{1680}n\n\no\u{85}p",
            "one\ntwo continues\n\nq\x0Br\n\ns\x0Ct\n\nu\rv\r\n\n   w   x   \n\n  y  ",
            "“Quotes” — dashes… and ’apostrophes’ are not white space.",
        ] {
            assert_irregular_space_agrees(text);
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        for entry in std::fs::read_dir(&dir).expect("seeds/") {
            let text = std::fs::read_to_string(entry.expect("entry").path()).unwrap_or_default();
            assert_irregular_space_agrees(&text);
        }
    }

    /// `segment` classifies each paragraph as [`classify`] does alone: ASCII paragraphs (lower
    /// case borrowed from the folded text) and the others (lowered on their own) alike.
    #[test]
    fn segment_classifies_as_classify_alone() {
        let mut texts = vec![
            "Next Article\n\nPHOTO: AP\n\nSkip to Content Facebook\n\nBy Jane Doe\n\n\
             Last updated 3 hours ago\n\nSee https://x.example\n\nThe story goes on.\n\n\
             Related\u{a0}Articles\n\nPHOTO: José Pérez\n\nPOLÍTICA\n\nThe end is near."
                .to_string(),
        ];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        for entry in std::fs::read_dir(&dir).expect("seeds/") {
            texts.push(std::fs::read_to_string(entry.expect("entry").path()).unwrap_or_default());
        }
        for text in &texts {
            for p in segment(text).paragraphs {
                if p.boilerplate != Some(BoilerplateKind::Repeat) {
                    let line = p.span.slice(text);
                    assert_eq!(p.boilerplate, classify_alone(line), "{line:?}");
                }
            }
        }
    }

    #[test]
    fn phrase_sets_table() {
        for line in [
            "",
            "http",
            "see HTTPS://x and http://y",
            "httphttp://",
            "He reported reported from Miami",
            " reported this story",
            "ContributedContributed reporting",
            "contributed to this reported from",
            "\u{212A}ontributed reporting İnc LAST UPDATED www.",
            "LAST UPDATEd: WWW. http:/",
        ] {
            classify_alone(line);
        }
        // Spans: a phrase counts only inside one span.
        let text = "a www. bwww.c";
        let spans = [Span::new(0, 8), Span::new(8, 10), Span::new(10, 13)];
        assert_eq!(phrase_sets(text.as_bytes(), &spans), vec![LINK, 0, 0]);
    }

    #[test]
    fn one_search_finds_each_head_as_a_search_per_head() {
        // What `head_occurrences` relies on: no two heads begin with the same byte.
        let mut firsts: Vec<u8> = PHRASES.iter().map(|p| p.2.as_bytes()[0]).collect();
        firsts.sort_unstable();
        firsts.dedup();
        assert_eq!(firsts.len(), PHRASES.len());
        let line = "see https://x and http://www.y: he reported  reported from www.www.z; \
                    last updatedcontributed to this report, http://://www.";
        for start in 0..40 {
            let text = line.repeat(3)[start..].to_ascii_lowercase();
            let (mut one, mut each) = (Vec::new(), Vec::new());
            head_occurrences(text.as_bytes(), &mut |h, at| one.push((at, h)));
            head_occurrences_one_by_one(text.as_bytes(), &mut |h, at| each.push((at, h)));
            each.sort_unstable();
            assert!(one.len() > 10);
            assert_eq!(one, each, "{text:?}");
        }
    }

    #[test]
    fn listed_abbreviations_fit_the_stack_buffer() {
        assert!(ABBREVIATIONS.iter().all(|a| a.len() <= 8 && a.is_ascii()));
        assert!(ABBREVIATIONS.iter().all(|a| is_listed_abbreviation(a)));
        assert!(!is_listed_abbreviation("") && !is_listed_abbreviation("the"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn first_words_agree_with_the_general_split(
            s in "[a-z0-9 |/\\-.,()'\u{b7}\u{2022}\u{a0}\u{2003}\u{2019}\u{e9}\u{3000}\t]{0,60}"
        ) {
            let mut buf = [""; 16];
            proptest::prop_assert_eq!(first_words(&s, &mut buf).to_vec(), first_words_general(&s));
        }

        #[test]
        fn irregular_space_agrees_with_is_space_normalized(
            s in "[ab .\t\n\r\x0B\x0C\u{85}\u{a0}\u{1680}\u{2003}\u{2019}\u{3000}\u{e9}]{0,60}"
        ) {
            assert_irregular_space_agrees(&s);
        }

        #[test]
        fn phrase_sets_agree_with_contains(
            s in "( reported| REPORTED| from | this story|contributed| to this report| reporting|http|HTTP|://|s://|www\\.|WwW\\.|last updated|Last Updated|s| |x|\u{212A}|İ|é){0,12}"
        ) {
            classify_alone(&s);
        }

        #[test]
        fn same_as_reference(
            s in "((Mr|Mrs|U\\.S|U\\.S\\.A|J|Sen|etc|Inc|Co|the|The|He|AP Photo|Next Article|Related|Credit:|By John|by|reported from|contributed to this report|http://x\\.com|www\\.|Last updated|Updated |Mar 31, 2025, 8:17 AM|2025-03-18|Monday|POLITICS|News|Share|Skip to Content|\\(AP Photo/X Y\\)|\\(X via AP\\)|FILE - |FILE: |\\.\\.\\.|…|\\.|!|\\?|\\)|\\(|\\[|\\]|\"|”|“|’|‘|'|»|¿|,|·|•|\\||/| |  |\\n|\\n\\n|\\r\\n|\\t|\u{a0}|\u{2003}|\u{85}|é|É|İ|Σ|K|[a-z]{1,6}|[A-Z][a-z]{0,5}|[A-Z]{2,5}|[0-9]{1,4})){0,60}"
        ) {
            assert_same_as_reference(&s);
        }

        #[test]
        fn segment_never_panics_and_spans_slice(
            s in "[A-Za-z0-9 .!?\n\r\t\"'()\u{2026}\u{201d}\u{2019}\u{bb}\u{a0}\u{e9}\u{130}]{0,120}"
        ) {
            let seg = segment(&s);
            for t in &seg.sentences {
                let text = t.span.slice(&s);
                proptest::prop_assert!(!text.is_empty());
                proptest::prop_assert_eq!(text, text.trim());
            }
        }
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
