//! Tokens of one sentence, with byte spans into the document.
//!
//! Words keep their inner joiners ("MS-13", "Ben-Gvir", "O'Brien", "U.S."); a possessive ending
//! ("'s", "’s", or a bare "'" after s) is its own token; a capitalized word with a lower-case
//! hyphenated tail ("Hamas-led", "Miami-based") is split so the name stands alone.

use crate::text::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    Word,
    Number,
    Possessive,
    Punct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    pub kind: TokKind,
}

impl Token {
    pub fn text<'a>(&self, doc: &'a str) -> &'a str {
        self.span.slice(doc)
    }
}

/// Short words after which a period belongs to the word ("Sen.", "Fla.", "Jr.").
const DOTTED: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt",
    "cmdr", "adm", "maj", "st", "mt", "ft", "jr", "sr", "rev", "hon", "pres", "det", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "corp", "co",
    "ltd", "bros", "dept", "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga",
    "ill", "ind", "kan", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb",
    "nev", "okla", "ore", "pa", "tenn", "vt", "va", "wash", "wis", "wyo", "no", "vs",
];

/// The characters that join two letters or digits into one word. The tokenizer tests them by
/// byte (see `word`); the reference and a test read them here.
#[cfg(test)]
fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '\'' | '’' | '.' | '&' | '‑')
}

/// Tokenizes `doc[span]`.
pub fn tokenize(doc: &str, span: Span) -> Vec<Token> {
    let mut out = Vec::new();
    tokenize_into(doc, span, &mut out);
    out
}

/// [`tokenize`] into `out` (cleared first), so a caller can reuse one buffer.
///
/// Byte positions throughout: each ASCII byte is classified by one table look-up, a run of
/// ASCII letters and digits is skipped in a tight loop, and only non-ASCII characters are
/// decoded (where met).
pub fn tokenize_into(doc: &str, span: Span, out: &mut Vec<Token>) {
    out.clear();
    tokenize_append(doc, span, out);
}

/// [`tokenize`], appending to `out` (whatever it holds stays: the tokens of the sentences
/// before, in [`SentenceTokens`]).
fn tokenize_append(doc: &str, span: Span, out: &mut Vec<Token>) {
    // Tokens before `first` belong to other sentences: the possessive tests below look only
    // at this sentence's.
    let first = out.len();
    let text = span.slice(doc);
    let b = text.as_bytes();
    let n = b.len();
    let base = span.start;
    let mut p = 0;
    while p < n {
        let x = b[p];
        let class = ASCII_CLASS[usize::from(x)];
        if class == Class::Space {
            p += 1;
            continue;
        }
        if class == Class::Other && x != b'\'' {
            out.push(token(base, p, p + 1, TokKind::Punct));
            p += 1;
            continue;
        }
        // A letter or digit, an apostrophe, or a character that is not ASCII.
        let s = p;
        let (c, cl) = if x < 0x80 {
            (char::from(x), 1)
        } else {
            let c = char_at(text, p);
            if c.is_whitespace() {
                p += c.len_utf8();
                continue;
            }
            (c, c.len_utf8())
        };
        if class == Class::Alnum || x >= 0x80 && is_alnum(c) {
            p = word(text, base, s, c, cl, out);
            // The space after most words, skipped here for one round of the loop less.
            if b.get(p) == Some(&b' ') {
                p += 1;
            }
            continue;
        }
        let apostrophe = matches!(c, '\'' | '’');
        if apostrophe
            && s + cl < n
            && matches!(b[s + cl], b's' | b'S')
            && !alnum_at(text, s + cl + 1)
            && out.len() > first
        {
            out.push(token(base, s, s + cl + 1, TokKind::Possessive));
            p = s + cl + 1;
            continue;
        }
        // Bare possessive apostrophe after a plural or an s-final name: "Hamas' refusal".
        // (A last byte 's' is a last character 's': ASCII bytes never continue a character.)
        if apostrophe
            && out[first..].last().is_some_and(|t: &Token| {
                t.kind == TokKind::Word
                    && matches!(doc.as_bytes()[t.span.end - 1], b's' | b'S')
                    && t.span.end == base + s
            })
            && (s + cl >= n || char_at(text, s + cl).is_whitespace())
        {
            out.push(token(base, s, s + cl, TokKind::Possessive));
            p = s + cl;
            continue;
        }
        out.push(token(base, s, s + cl, TokKind::Punct));
        p = s + cl;
    }
}

/// The tokens of every sentence of a document, in one buffer: a sentence's tokens are a
/// slice of it (`tokens[s]`), not a vector of their own, so tokenizing a document allocates
/// a few times, not once per sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SentenceTokens {
    tokens: Vec<Token>,
    /// Where each sentence's tokens end in `tokens` (and the next sentence's start).
    ends: Vec<usize>,
}

impl SentenceTokens {
    /// Room for `sentences` sentences of `tokens` tokens in all.
    pub fn with_capacity(sentences: usize, tokens: usize) -> Self {
        SentenceTokens {
            tokens: Vec::with_capacity(tokens),
            ends: Vec::with_capacity(sentences),
        }
    }

    /// Tokenizes `doc[span]` as the next sentence, and returns its tokens.
    pub fn push_sentence(&mut self, doc: &str, span: Span) -> &[Token] {
        let start = self.tokens.len();
        tokenize_append(doc, span, &mut self.tokens);
        self.ends.push(self.tokens.len());
        &self.tokens[start..]
    }

    /// The number of sentences.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The number of tokens of all sentences.
    pub fn token_count(&self) -> usize {
        self.tokens.len()
    }

    /// The tokens of each sentence, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &[Token]> + ExactSizeIterator {
        (0..self.len()).map(move |s| &self[s])
    }
}

impl std::ops::Index<usize> for SentenceTokens {
    type Output = [Token];

    /// The tokens of sentence `s`.
    fn index(&self, s: usize) -> &[Token] {
        let start = if s == 0 { 0 } else { self.ends[s - 1] };
        &self.tokens[start..self.ends[s]]
    }
}

fn token(base: usize, s: usize, e: usize, kind: TokKind) -> Token {
    Token {
        span: Span::new(base + s, base + e),
        kind,
    }
}

/// Pushes the word (or the pieces of a "Hamas-led" word) that starts at byte `s` of `text`
/// with the letter or digit `c` (`cl` bytes), and returns the byte after it.
#[inline(always)]
fn word(text: &str, base: usize, s: usize, c: char, cl: usize, out: &mut Vec<Token>) -> usize {
    let b = text.as_bytes();
    let n = b.len();
    let mut q = s + cl;
    // The last hyphen taken into the word, for "Hamas-led" below.
    let mut hyphen = None;
    loop {
        q = alnum_end(b, q);
        if q >= n {
            break;
        }
        let y = b[q];
        // The joiner at `q` and its length, if the character after it is a letter or digit.
        let joiner = if y < 0x80 {
            if !matches!(y, b'-' | b'\'' | b'.' | b'&') {
                break;
            }
            1
        } else {
            let d = char_at(text, q);
            // No ASCII character is a combining mark; ASCII letters and digits were taken above.
            if is_alnum(d) || is_combining(d) {
                q += d.len_utf8();
                continue;
            }
            if !matches!(d, '’' | '‑') {
                break;
            }
            3
        };
        let after = q + joiner;
        if after >= n {
            break;
        }
        let z = b[after];
        let el = if z < 0x80 {
            if !ASCII_ALNUM[usize::from(z)] {
                break;
            }
            // Possessive inside: "Trump's" stops before the apostrophe.
            if matches!(z, b's' | b'S')
                && (y == b'\'' || joiner == 3 && b[q + 2] == 0x99)
                && !alnum_at(text, after + 1)
            {
                break;
            }
            1
        } else {
            let e = char_at(text, after);
            if !is_alnum(e) {
                break;
            }
            e.len_utf8()
        };
        if y == b'-' {
            hyphen = Some(q - s);
        }
        q = after + el;
    }
    // Trailing period of abbreviations and dotted acronyms.
    if q < n && b[q] == b'.' {
        let word = &text[s..q];
        let initial = q == s + cl && c.is_uppercase();
        if initial || is_dotted(word) || is_dotted_acronym(word) {
            q += 1;
        }
    }
    // "Hamas-led": split a lower-case hyphenated tail off a capitalized word.
    // `hyphen` is `word.rfind('-')`: a hyphen only enters a word as a joiner.
    if let Some(h) = hyphen.filter(|&h| h > 0 && c.is_uppercase()) {
        let tail = &text[s + h + 1..q];
        if !tail.is_empty() && tail.chars().all(|x| x.is_lowercase()) {
            out.push(token(base, s, s + h, TokKind::Word));
            out.push(token(base, s + h, s + h + 1, TokKind::Punct));
            out.push(token(base, s + h + 1, q, TokKind::Word));
            return q;
        }
    }
    // Non-ASCII bytes are neither digits nor separators: bytes give the same answer. Most
    // words start with a letter, which settles it.
    let kind = if c.is_ascii_digit()
        && b[s..q]
            .iter()
            .all(|&x| x.is_ascii_digit() || x == b',' || x == b'.')
    {
        TokKind::Number
    } else {
        TokKind::Word
    };
    out.push(token(base, s, q, kind));
    q
}

/// The end of the run of ASCII letters and digits that starts at byte `q` of `b` (`q` when
/// none does). Sixteen bytes at a time ([`crate::text::blocks`]): most words end
/// in the first block, told by a dozen instructions instead of a test per byte; the last
/// bytes (fewer than sixteen) one by one.
#[inline(always)]
fn alnum_end(b: &[u8], q: usize) -> usize {
    let (mut q, other) = crate::text::blocks::first_block(b, q, |v| {
        let digit = v.in_range(b'0', 9);
        // An ASCII letter or'ed with 0x20 is its lower case; no other byte becomes a lower-case
        // letter so, and bytes from 0x80 up stay out of range.
        let letter = v.with_bits(0x20).in_range(b'a', 25);
        !digit.or(letter).mask() & 0xFFFF
    });
    if other != 0 {
        return q + other.trailing_zeros() as usize;
    }
    while q < b.len() && ASCII_ALNUM[usize::from(b[q])] {
        q += 1;
    }
    q
}

/// Whether a letter or digit starts at byte `p` of `text` (false at the end).
#[inline]
fn alnum_at(text: &str, p: usize) -> bool {
    match text.as_bytes().get(p) {
        None => false,
        Some(&x) if x < 0x80 => ASCII_ALNUM[usize::from(x)],
        Some(_) => is_alnum(char_at(text, p)),
    }
}

/// What an ASCII byte starts, for the tokenizer's first look at a character.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// White space (`char::is_whitespace` for ASCII).
    Space,
    /// A letter or digit.
    Alnum,
    /// Any other ASCII character (punctuation, control).
    Other,
    /// The first byte of a non-ASCII character (or a continuation byte, never met here).
    NonAscii,
}

static ASCII_CLASS: [Class; 256] = {
    let mut t = [Class::NonAscii; 256];
    let mut b = 0;
    while b < 128 {
        let x = b as u8;
        t[b] = if x.is_ascii_alphanumeric() {
            Class::Alnum
        } else if matches!(x, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r') {
            Class::Space
        } else {
            Class::Other
        };
        b += 1;
    }
    t
};

/// `c.is_alphanumeric()`, without the Unicode tables for ASCII and general punctuation
/// (quotes and dashes, which start many tokens).
#[inline]
fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        !matches!(c, '\u{2000}'..='\u{206F}') && c.is_alphanumeric()
    }
}

/// ASCII letters and digits, by byte.
static ASCII_ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// The character starting at byte `p` of `text` (a character boundary).
#[inline]
fn char_at(text: &str, p: usize) -> char {
    let x = text.as_bytes()[p];
    if x < 0x80 {
        char::from(x)
    } else {
        text[p..]
            .chars()
            .next()
            .unwrap_or(char::REPLACEMENT_CHARACTER)
    }
}

/// Whether `word` lower-cased is one of [`DOTTED`] (short ASCII words lower-cased on the stack).
fn is_dotted(word: &str) -> bool {
    static SET: std::sync::OnceLock<rustc_hash::FxHashSet<&'static [u8]>> =
        std::sync::OnceLock::new();
    let set = SET.get_or_init(|| DOTTED.iter().map(|w| w.as_bytes()).collect());
    if !word.is_ascii() {
        return set.contains(word.to_lowercase().as_bytes());
    }
    let mut buf = [0u8; 8];
    let Some(low) = buf.get_mut(..word.len()) else {
        return false;
    };
    low.copy_from_slice(word.as_bytes());
    low.make_ascii_lowercase();
    set.contains(&*low)
}

/// "U.S", "N.Y": periods inside, at most two characters between them.
fn is_dotted_acronym(word: &str) -> bool {
    word.contains('.') && word.split('.').all(|p| p.chars().count() <= 2)
}

fn is_combining(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

#[cfg(test)]
#[path = "tokens_reference.rs"]
mod reference;

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_same_as_reference(text: &str) {
        let span = Span::new(0, text.len());
        assert_eq!(
            tokenize(text, span),
            reference::tokenize(text, span),
            "{text:?}"
        );
    }

    #[test]
    fn same_as_reference_table() {
        for text in [
            "",
            "Trump's plan, Trump’s plan, Trumps' plan, Hamas’ refusal, the 's and ’S.",
            "U.S. U.S.A. N.Y.C. Sen. SEN. sen. Calif. calif.x J. R. Smith \u{212A}y. İnc. Jr.",
            "Hamas-led Miami-based Ben-Gvir MS-13 x-ray Ab-cd-ef É-été A-",
            "O'Brien O’Brien rock'n'roll AT&T a&b a.b.c 3.5 1,000,000 4. 5,",
            "Héctor Rísquez’s café naïve e\u{301}clair \u{301}x Σ ΣΑΣ 北京 abc\u{a0}def",
            "“ liberate Aurora ” ( x ) [ y ] — – … ‑ a‑b",
            "s' 's ' ’ x' xs' xs'y xs’ y",
        ] {
            assert_same_as_reference(text);
        }
    }

    #[test]
    fn alnum_end_is_the_byte_loop() {
        // Every byte value at every place of blocks of sixteen and of the tail after them.
        let byte_loop = |b: &[u8], mut q: usize| {
            while q < b.len() && b[q].is_ascii_alphanumeric() {
                q += 1;
            }
            q
        };
        for len in [0, 1, 15, 16, 17, 31, 32, 40] {
            for at in 0..len {
                for x in 0..=255u8 {
                    let mut b: Vec<u8> = (0..len).map(|i| b"aZ09mQ"[i % 6]).collect();
                    b[at] = x;
                    for q in 0..=len {
                        assert_eq!(alnum_end(&b, q), byte_loop(&b, q), "{b:?} from {q}");
                    }
                }
            }
        }
    }

    #[test]
    fn same_as_reference_on_the_seeds() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        for entry in std::fs::read_dir(&dir).expect("seeds/") {
            let text = std::fs::read_to_string(entry.expect("entry").path()).unwrap_or_default();
            assert_same_as_reference(&text);
        }
    }

    /// A document's sentences tokenized into one buffer give each sentence the tokens it has
    /// alone, also where a sentence opens with an apostrophe right after the one before.
    #[test]
    fn sentence_tokens_are_each_sentences_tokens() {
        let text = "Hamas' 's rule.'s X'Trumps' ' s'Jones's 'x";
        let bounds = [0, 7, 9, 15, 17, 18, 26, 27, 29, 31, 38, 41, text.len()];
        let mut all = SentenceTokens::default();
        for w in bounds.windows(2) {
            let span = Span::new(w[0], w[1]);
            let got = all.push_sentence(text, span).to_vec();
            assert_eq!(got, tokenize(text, span), "{span:?}");
        }
        assert_eq!(all.len(), bounds.len() - 1);
        for (i, (toks, w)) in all.iter().zip(bounds.windows(2)).enumerate() {
            assert_eq!(toks, &all[i][..]);
            assert_eq!(toks, tokenize(text, Span::new(w[0], w[1])), "{i}");
        }
    }

    #[test]
    fn no_ascii_character_is_a_combining_mark() {
        assert!((0..128u8).all(|b| !is_combining(char::from(b))));
    }

    #[test]
    fn is_alnum_is_is_alphanumeric_for_every_char() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_alnum(c), c.is_alphanumeric(), "{c:?}");
        }
        for b in 0..=255u8 {
            assert_eq!(
                ASCII_ALNUM[usize::from(b)],
                b.is_ascii_alphanumeric(),
                "{b}"
            );
        }
    }

    #[test]
    fn joiners_are_the_bytes_the_tokenizer_tests() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let by_bytes = matches!(c, '-' | '\'' | '.' | '&') || matches!(c, '’' | '‑');
            assert_eq!(is_joiner(c), by_bytes, "{c:?}");
        }
        // The non-ASCII joiners are three bytes long, and the last byte tells them apart.
        assert_eq!("’".as_bytes(), [0xE2, 0x80, 0x99]);
        assert_eq!("‑".as_bytes(), [0xE2, 0x80, 0x91]);
    }

    #[test]
    fn ascii_class_table() {
        for b in 0..=255u8 {
            let want = if b >= 0x80 {
                Class::NonAscii
            } else if char::from(b).is_whitespace() {
                Class::Space
            } else if char::from(b).is_alphanumeric() {
                Class::Alnum
            } else {
                Class::Other
            };
            assert!(ASCII_CLASS[usize::from(b)] == want, "{b}");
        }
    }

    #[test]
    fn dotted_words_fit_the_stack_buffer() {
        assert!(DOTTED.iter().all(|w| w.len() <= 8 && w.is_ascii()));
        assert!(DOTTED.iter().all(|w| is_dotted(w)));
        assert!(is_dotted("Sen") && is_dotted("FLA") && !is_dotted("the") && !is_dotted(""));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn same_as_reference(
            s in "((Sen|Fla|U\\.S|N\\.Y\\.C|U|S|A|s|S|Trump|Hamas|led|co|Jr|MS|13|[a-z]{1,4}|[A-Z][a-z]{0,3}|[0-9]{1,3})|[-'’.&‑,;:()“” \t\n\u{a0}]|é|É|\u{301}|\u{212A}|İ|北){0,40}"
        ) {
            assert_same_as_reference(&s);
        }
    }

    fn words(text: &str) -> Vec<&str> {
        tokenize(text, Span::new(0, text.len()))
            .iter()
            .map(|t| t.text(text))
            .collect()
    }

    #[test]
    fn table() {
        for (text, expected) in [
            (
                "U.S. President Donald Trump’s plan",
                vec!["U.S.", "President", "Donald", "Trump", "’s", "plan"],
            ),
            (
                "the MS-13 gang, Ben-Gvir and O'Brien.",
                vec![
                    "the", "MS-13", "gang", ",", "Ben-Gvir", "and", "O'Brien", ".",
                ],
            ),
            (
                "Hamas-led militants",
                vec!["Hamas", "-", "led", "militants"],
            ),
            ("Hamas' refusal", vec!["Hamas", "'", "refusal"]),
            (
                "Sen. Smith of Fla. won $5 million.",
                vec![
                    "Sen.", "Smith", "of", "Fla.", "won", "$", "5", "million", ".",
                ],
            ),
            ("“ liberate Aurora ”", vec!["“", "liberate", "Aurora", "”"]),
            ("Rísquez's book", vec!["Rísquez", "'s", "book"]),
        ] {
            assert_eq!(words(text), expected, "{text}");
        }
    }

    #[test]
    fn spans_slice_back() {
        let text = "Héctor Guerrero Flores, 41, escaped in 2012 — again.";
        for t in tokenize(text, Span::new(0, text.len())) {
            assert!(!t.text(text).is_empty());
            assert!(!t.text(text).contains(' '));
        }
    }
}
