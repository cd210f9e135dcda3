//! Patterns matched token by token on a shadow sentence, without running their regexes.
//!
//! Most patterns compile to a regex that only ever matches whole shadow tokens: each element
//! is a slot (`@[PL][0-9]+ `), a gap (`(?:[^ ]+ ){0,N}`), a plain word, or a group of
//! alternatives made of those, and each ends with the space after its token. Such a pattern
//! is kept here as [`Step`]s over the shadow's tokens, and matched by backtracking in the
//! regex's own order of preference (gaps take as many tokens as they can first, optional
//! groups are tried before they are skipped, alternatives in their order), which gives the
//! regex's leftmost-first match with the same captures. Each shadow is split into tokens
//! once, its words looked up once (see [`WordSet::fill`]).

use std::ops::Range;

use rustc_hash::FxHashMap;

use super::{is_named_slot, is_plain_word, letter_bit, plain_elements, slot_class, split_elements};

/// The id of a token that is none of the patterns' words.
pub(super) const NO_WORD: u32 = u32::MAX;

/// The words the patterns name, each with an id, for lookups of shadow tokens: an open
/// addressing table keyed by a hash of a token's length and end bytes (cheap, and enough to
/// tell the patterns' words apart; the bytes are compared anyway).
#[derive(Debug, Default)]
pub(super) struct WordTable {
    /// By id.
    words: Vec<Box<str>>,
    /// Ids by hash (a power of two long), [`NO_WORD`] where empty, each with its word's
    /// [`token_key`]: eight bytes a place, so that the table stays in the cache (most
    /// probes are settled by the key alone).
    table: Vec<(u32, u32)>,
    /// By id: the word's [`head_tail`], compared once the key matches instead of the word
    /// itself (but for words over 16 bytes): no pointer to follow.
    heads: Vec<(u64, u64)>,
    /// The length of the longest word.
    longest: usize,
    /// Whether a word starts with `@`, as slot placeholders do (see
    /// [`WordTable::may_name_placeholder`]).
    at_word: bool,
    /// While the ontology is read.
    ids: FxHashMap<Box<str>, u32>,
    /// A number telling this table from every other one the process froze (see
    /// [`super::Ontology::words_serial`]).
    serial: u64,
}

/// A token's length (255 for longer ones), first two and last bytes in one number: tokens
/// of up to three bytes have the same key only when they are equal.
fn token_key(token: &[u8]) -> u32 {
    let (Some(&first), Some(&last)) = (token.first(), token.last()) else {
        return 0;
    };
    let second = token.get(1).copied().unwrap_or(0);
    let len = token.len().min(255) as u32;
    len << 24 | u32::from(first) << 16 | u32::from(second) << 8 | u32::from(last)
}

/// Two overlapping loads of a token of 4 to 16 bytes, its first and last four or eight
/// bytes (zero for others): tokens of one [`token_key`] and of up to 16 bytes are equal
/// exactly when these are.
#[inline]
fn head_tail(token: &[u8]) -> (u64, u64) {
    use crate::text::{load4 as four, load8 as eight};
    let len = token.len();
    match len {
        4..=7 => (u64::from(four(token, 0)), u64::from(four(token, len - 4))),
        8..=16 => (eight(token, 0), eight(token, len - 8)),
        _ => (0, 0),
    }
}

/// The hash of a token's [`token_key`].
fn key_hash(key: u32) -> usize {
    (u64::from(key).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize
}

impl WordTable {
    /// The id of `word`, a new one if it is new.
    pub(super) fn intern(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = self.words.len() as u32;
        self.ids.insert(word.into(), id);
        self.words.push(word.into());
        self.longest = self.longest.max(word.len());
        id
    }

    /// Builds the lookup table once every word is in.
    pub(super) fn freeze(&mut self) {
        let size = (self.words.len() * 4).next_power_of_two().max(16);
        self.table = vec![(0, NO_WORD); size];
        for (id, word) in self.words.iter().enumerate() {
            let key = token_key(word.as_bytes());
            let mut at = key_hash(key) & (size - 1);
            while self.table[at].1 != NO_WORD {
                at = (at + 1) & (size - 1);
            }
            self.table[at] = (key, id as u32);
        }
        self.heads = self.words.iter().map(|w| head_tail(w.as_bytes())).collect();
        self.at_word = self.words.iter().any(|w| w.starts_with('@'));
        self.ids = FxHashMap::default();
        static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        self.serial = SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether a slot placeholder (`@P3`) may be one of the words: `false` unless a word
    /// starts with `@` (none of the built-in ones), and placeholders then need no look-up.
    pub(super) fn may_name_placeholder(&self) -> bool {
        self.at_word
    }

    pub(super) fn len(&self) -> usize {
        self.words.len()
    }

    #[cfg(test)]
    pub(super) fn words(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(|w| &**w)
    }

    /// The id of `token`, or [`NO_WORD`].
    #[inline]
    fn get(&self, token: &[u8]) -> u32 {
        if token.len() > self.longest || self.table.is_empty() {
            return NO_WORD;
        }
        let mask = self.table.len() - 1;
        let key = token_key(token);
        let mut at = key_hash(key) & mask;
        loop {
            let (k, id) = self.table[at];
            if id == NO_WORD || k == key && self.is(id, token) {
                return id;
            }
            at = (at + 1) & mask;
        }
    }

    /// The id of the lower case of `token` (or [`NO_WORD`]) when it is ASCII and of 1 to 16
    /// bytes, looked up without copying it: its key and [`head_tail`] lower-cased as loaded.
    /// `None` for other tokens.
    #[inline]
    fn get_ascii_lower(&self, token: &[u8]) -> Option<u32> {
        use crate::text::{load4 as four, load8 as eight};
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let len = token.len();
        // The token's first two and last bytes, and its `head_tail`, all lower-cased.
        let (ends, loads) = match len {
            1..=3 => {
                // (The last byte is the first or second of short ones: read it apart.)
                let x = u64::from(token[0])
                    | u64::from(token.get(1).copied().unwrap_or(0)) << 8
                    | u64::from(token[len - 1]) << 16;
                (x, (0, 0))
            }
            4..=7 => {
                let (head, tail) = (u64::from(four(token, 0)), u64::from(four(token, len - 4)));
                (head & 0xffff | (tail >> 24) << 16, (head, tail))
            }
            8..=16 => {
                let (head, tail) = (eight(token, 0), eight(token, len - 8));
                (head & 0xffff | (tail >> 56) << 16, (head, tail))
            }
            _ => return None,
        };
        // ASCII: the loads cover every byte (`ends` those of short tokens).
        if (ends | loads.0 | loads.1) & HIGH != 0 {
            return None;
        }
        if len > self.longest || self.table.is_empty() {
            return Some(NO_WORD);
        }
        let ends = lower_ascii(ends);
        let key = (len as u32) << 24
            | (ends as u32 & 0xff) << 16
            | (ends as u32 & 0xff00)
            | (ends as u32 >> 16 & 0xff);
        let loads = (lower_ascii(loads.0), lower_ascii(loads.1));
        let mask = self.table.len() - 1;
        let mut at = key_hash(key) & mask;
        loop {
            let (k, id) = self.table[at];
            // Up to 16 bytes, key and loads tell words apart (see `WordTable::is`).
            if id == NO_WORD || k == key && self.heads.get(id as usize) == Some(&loads) {
                return Some(id);
            }
            at = (at + 1) & mask;
        }
    }

    /// Whether the word `id` is `token`, of its [`token_key`].
    #[inline]
    fn is(&self, id: u32, token: &[u8]) -> bool {
        let id = id as usize;
        self.heads.get(id) == Some(&head_tail(token))
            && (token.len() <= 16 || self.words.get(id).is_some_and(|w| *w.as_bytes() == *token))
    }
}

impl super::Ontology {
    /// A number that tells this ontology's words from those of every other ontology the
    /// process built, even one later built at the same address: what a cache of word ids
    /// keys on.
    pub(crate) fn words_serial(&self) -> u64 {
        self.words.serial
    }

    /// The words a plain ASCII token lower-cased may be (1 to 15 bytes from `!` to DEL, no
    /// capitals, no `.`, `` ` `` or `'`), with their ids: a plain token's id (as
    /// [`WordSet::push_lower_ascii`] finds it) is that of the word equal to its lower case,
    /// if one of these, else [`NO_WORD`].
    pub(crate) fn plain_words(&self) -> impl Iterator<Item = (&[u8], u32)> {
        let plain = |w: &[u8]| {
            (1..=15).contains(&w.len())
                && w.iter().all(|&b| {
                    (b'!'..0x80).contains(&b)
                        && !b.is_ascii_uppercase()
                        && !matches!(b, b'.' | b'`' | b'\'')
                })
        };
        (self.words.words.iter().enumerate())
            .filter(move |(_, w)| plain(w.as_bytes()))
            .map(|(id, w)| (w.as_bytes(), id as u32))
    }

    /// The id [`WordSet::push_lower_ascii`] gives ASCII `token` (for tests).
    #[cfg(test)]
    pub(crate) fn lower_ascii_id(&self, token: &[u8]) -> Option<u32> {
        self.words.get_ascii_lower(token)
    }
}

/// The lower case of eight ASCII bytes (`A` to `Z` become `a` to `z`; others stay).
#[inline]
fn lower_ascii(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Bytes below 0x80: no sum carries into the next byte. The high bit of a byte of
    // `from_a` is set from `A` on, that of `past_z` from the byte after `Z` on.
    let from_a = x + ONES * (0x80 - u64::from(b'A'));
    let past_z = x + ONES * (0x80 - u64::from(b'Z') - 1);
    let upper = (from_a ^ past_z) & (ONES << 7);
    x | upper >> 2
}

/// A token of a shadow sentence, as the patterns see it.
#[derive(Debug, Clone, Copy)]
pub(super) struct ShadowToken {
    /// Byte range in the shadow (the space after it excluded).
    start: u32,
    end: u32,
    /// Id in the [`WordTable`], or [`NO_WORD`].
    word: u32,
    /// The [`letter_bit`] of a slot placeholder (`@P3`: `@`, a letter, digits), else 0.
    letter: u8,
}

/// What the patterns need to know of a shadow sentence, found in one pass over it: its
/// tokens, which of the patterns' words it holds (a bit per word id), and which of their
/// groups of required words those may satisfy (a bit per group, so that most patterns are
/// turned down by a few bit tests; see `Ontology::word_groups`).
#[derive(Debug, Default, Clone)]
pub struct WordSet {
    bits: Vec<u64>,
    groups: Vec<u64>,
    /// The tokens followed by a space: the only ones a pattern can match.
    tokens: Vec<ShadowToken>,
    /// Which of them are slot placeholders.
    slots: Vec<u32>,
}

impl WordSet {
    /// The id of a token that is none of the ontology's words.
    pub const NO_WORD: u32 = NO_WORD;

    /// Splits the shadow at its spaces and looks its tokens up.
    pub fn fill(&mut self, onto: &super::Ontology, shadow: &str) {
        self.start(onto);
        let bytes = shadow.as_bytes();
        let mut start = 0;
        // Each token up to its space; a last piece without one is no token.
        while let Some(end) = next_space(bytes, start) {
            let token = &bytes[start..end];
            let letter = match token {
                [b'@', l, digits @ ..]
                    if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) =>
                {
                    letter_bit(char::from(*l))
                }
                _ => 0,
            };
            self.push(onto, token, start, letter);
            start = end + 1;
        }
    }

    /// Empties the set, for a shadow given token by token as it is written
    /// ([`WordSet::push`]): what [`WordSet::fill`] finds, without splitting the shadow again.
    pub fn start(&mut self, onto: &super::Ontology) {
        self.bits.clear();
        self.bits.resize(onto.words.len().div_ceil(64), 0);
        self.groups.clear();
        self.groups.resize(onto.groups.div_ceil(64), 0);
        self.tokens.clear();
        self.slots.clear();
    }

    /// Adds the next token of the shadow: its bytes (its space excluded), where they start
    /// in the shadow, and the [`letter_bit`] of a slot placeholder (0 for others).
    #[inline]
    pub fn push(&mut self, onto: &super::Ontology, token: &[u8], start: usize, letter: u8) {
        self.record(onto, onto.words.get(token), start, token.len(), letter);
    }

    /// [`WordSet::push`] of a slot placeholder of `len` bytes that is none of the words (see
    /// [`super::Ontology::may_name_placeholder`]): its bytes need not be written.
    #[inline]
    pub fn push_placeholder(
        &mut self,
        onto: &super::Ontology,
        start: usize,
        len: usize,
        letter: u8,
    ) {
        debug_assert!(!onto.may_name_placeholder());
        self.record(onto, NO_WORD, start, len, letter);
    }

    /// [`WordSet::push`] of the lower case of `token`, not a slot, when it is ASCII and of 1
    /// to 16 bytes (most tokens), without copying it; `false` (nothing pushed) for others.
    #[inline]
    pub fn push_lower_ascii(&mut self, onto: &super::Ontology, token: &[u8], start: usize) -> bool {
        let Some(word) = onto.words.get_ascii_lower(token) else {
            return false;
        };
        self.record(onto, word, start, token.len(), 0);
        true
    }

    /// [`WordSet::push_lower_ascii`] of a token whose word id an earlier stage found
    /// already (see [`super::Ontology::plain_words`]): `word`, [`NO_WORD`] for none.
    #[inline]
    pub fn push_id(&mut self, onto: &super::Ontology, word: u32, start: usize, len: usize) {
        self.record(onto, word, start, len, 0);
    }

    /// Adds a token of this word id and length.
    #[inline(always)]
    fn record(&mut self, onto: &super::Ontology, word: u32, start: usize, len: usize, letter: u8) {
        if word != NO_WORD && !self.contains(word) {
            self.bits[word as usize / 64] |= 1 << (word % 64);
            for &(at, bits) in &onto.word_groups[word as usize] {
                self.groups[at as usize] |= bits;
            }
        }
        if letter != 0 {
            self.slots.push(self.tokens.len() as u32);
        }
        self.tokens.push(ShadowToken {
            start: start as u32,
            end: (start + len) as u32,
            word,
            letter,
        });
    }

    /// Room for `n` more tokens.
    pub fn reserve(&mut self, n: usize) {
        self.tokens.reserve(n);
    }

    /// The number of tokens.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The token whose shadow starts at byte `start`.
    pub fn token_at(&self, start: usize) -> Option<usize> {
        self.tokens
            .binary_search_by_key(&start, |t| t.start as usize)
            .ok()
    }

    /// The word id of token `k` ([`NO_WORD`] for none of the ontology's words).
    pub fn word(&self, k: usize) -> Option<u32> {
        self.tokens.get(k).map(|t| t.word)
    }

    /// Where the shadow of token `k` ends (the space after it excluded).
    pub fn token_end(&self, k: usize) -> Option<usize> {
        self.tokens.get(k).map(|t| t.end as usize)
    }

    /// The number of slot placeholders.
    pub fn slot_count(&self) -> usize {
        self.slots.len()
    }

    /// Whether two sets hold the same tokens, words and groups (for tests and debug checks).
    pub fn same_as(&self, other: &WordSet) -> bool {
        let tokens = |w: &WordSet| {
            w.tokens
                .iter()
                .map(|t| (t.start, t.end, t.word, t.letter))
                .collect::<Vec<_>>()
        };
        self.bits == other.bits
            && self.groups == other.groups
            && self.slots == other.slots
            && tokens(self) == tokens(other)
    }

    pub fn contains(&self, id: u32) -> bool {
        self.bits
            .get(id as usize / 64)
            .is_some_and(|b| b & (1 << (id % 64)) != 0)
    }

    /// The bits of the groups numbered `64 * at` on that may be satisfied (0 past them).
    pub(super) fn group_word(&self, at: u32) -> u64 {
        self.groups.get(at as usize).copied().unwrap_or(0)
    }

    /// Whether the groups of these bits (see `Pattern::group_bits`) may all be satisfied.
    pub(super) fn groups_hold(&self, bits: &[(u32, u64)]) -> bool {
        bits.iter().all(|&(at, bits)| {
            self.groups
                .get(at as usize)
                .is_some_and(|&held| held & bits == bits)
        })
    }
}

/// The first space in `bytes` from `from` on, looked for eight bytes at a time (tokens are
/// short: most are found in the first eight).
fn next_space(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mut eight = [0; 8];
        eight.copy_from_slice(chunk);
        // Bytes equal to a space become zero; the lowest high bit set marks the first.
        let x = u64::from_le_bytes(eight) ^ (ONES * u64::from(b' '));
        let zeros = x.wrapping_sub(ONES) & !x & (ONES << 7);
        if zeros != 0 {
            return Some(at + zeros.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    bytes
        .get(at..)?
        .iter()
        .position(|&b| b == b' ')
        .map(|i| at + i)
}

/// One token of a group's alternative, or a one-token element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tok {
    /// A slot placeholder of one of these letters (a [`letter_bit`] mask).
    Slot(u8),
    /// This word (an id in the [`WordTable`]; the empty word for `,?`'s missing comma).
    Word(u32),
}

impl Tok {
    fn matches(&self, t: &ShadowToken) -> bool {
        match *self {
            Tok::Slot(letters) => t.letter & letters != 0,
            Tok::Word(w) => t.word == w,
        }
    }
}

/// One element of a pattern, over tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Step {
    /// The subject (`s`) or object (`o`) slot: one slot token of these letters.
    Capture { letters: u8, object: bool },
    /// Up to this many tokens, as many as possible first.
    Gap(usize),
    /// One of these token sequences, tried in order; then none when optional. `first` holds
    /// their first tokens.
    Group {
        alternatives: Vec<Vec<Tok>>,
        optional: bool,
        first: TokenSet,
    },
}

impl Step {
    fn group(alternatives: Vec<Vec<Tok>>, optional: bool) -> Step {
        let first = TokenSet::of(alternatives.iter().filter_map(|alt| alt.first()));
        Step::Group {
            alternatives,
            optional,
            first,
        }
    }
}

/// A pattern as [`Step`]s, its words interned: `None` when its regex could match anything
/// but whole tokens of these kinds (regex syntax in a token, other than a last `?`).
pub(super) fn compile_steps(pattern: &str, words: &mut WordTable) -> Option<Vec<Step>> {
    // A token: an unnamed slot (`{LOC}`), a plain word, or a plain word whose last character
    // is optional (`rewards?`, `,?`): the regex then takes either word.
    let mut token = |t: &str| -> Option<Vec<Tok>> {
        if let Some(types) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            if types.contains(':') {
                return None;
            }
            let class = slot_class(types).ok()?;
            return Some(vec![Tok::Slot(
                class.chars().map(letter_bit).fold(0, |a, b| a | b),
            )]);
        }
        if is_plain_word(t) {
            return Some(vec![Tok::Word(words.intern(t))]);
        }
        let word = t.strip_suffix('?').filter(|w| is_plain_word(w))?;
        let (last, _) = word.char_indices().next_back()?;
        Some(vec![
            Tok::Word(words.intern(word)),
            Tok::Word(words.intern(&word[..last])),
        ])
    };
    let mut steps = Vec::new();
    for el in plain_elements(pattern)? {
        if let Some(n) = el.strip_prefix('~') {
            steps.push(Step::Gap(n.parse().ok()?));
        } else if is_named_slot(&el) {
            let (name, types) = el[1..el.len() - 1].split_once(':')?;
            let letters = slot_class(types)
                .ok()?
                .chars()
                .map(letter_bit)
                .fold(0, |a, b| a | b);
            steps.push(Step::Capture {
                letters,
                object: name == "o",
            });
        } else if let Some((inner, optional)) = super::group_of(&el) {
            // Each alternative: its tokens, each a word or an unnamed slot (`x?` tokens would
            // make an alternative many: left to the regex).
            let alternatives = inner
                .split('|')
                .map(|alt| {
                    alt.split(' ')
                        .map(|t| match token(t)?.as_slice() {
                            [one] => Some(one.clone()),
                            _ => None,
                        })
                        .collect::<Option<Vec<Tok>>>()
                })
                .collect::<Option<Vec<_>>>()?;
            steps.push(Step::group(alternatives, optional));
        } else {
            let alternatives = token(&el)?.into_iter().map(|t| vec![t]).collect();
            steps.push(Step::group(alternatives, false));
        }
    }
    // Elements are split as `compile_pattern` splits them.
    debug_assert_eq!(
        split_elements(pattern).map(|e| e.len()).ok(),
        Some(steps.len())
    );
    Some(steps)
}

/// What the first token of every match is; `None` when it may be anything (a gap first).
pub(super) fn first_tokens(steps: &[Step]) -> Option<TokenSet> {
    let mut firsts = Vec::new();
    for step in steps {
        match step {
            Step::Gap(_) => return None,
            Step::Capture { letters, .. } => {
                firsts.push(Tok::Slot(*letters));
                break;
            }
            Step::Group {
                alternatives,
                optional,
                ..
            } => {
                firsts.extend(alternatives.iter().filter_map(|alt| alt.first()).cloned());
                if !optional {
                    break;
                }
            }
        }
    }
    Some(TokenSet::of(firsts.iter()))
}

/// A set of tokens: slots of some letters and some words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TokenSet {
    /// A [`letter_bit`] mask.
    letters: u8,
    /// Sorted.
    words: Box<[u32]>,
    /// The same words as bits (a bit per word id): a token is tested with one load.
    bits: Box<[u64]>,
}

impl TokenSet {
    fn of<'t>(toks: impl Iterator<Item = &'t Tok>) -> TokenSet {
        let mut letters = 0;
        let mut words = Vec::new();
        for tok in toks {
            match *tok {
                Tok::Slot(l) => letters |= l,
                Tok::Word(w) => words.push(w),
            }
        }
        words.sort_unstable();
        words.dedup();
        let mut bits = vec![0u64; words.last().map_or(0, |&w| w as usize / 64 + 1)];
        for &w in &words {
            bits[w as usize / 64] |= 1 << (w % 64);
        }
        TokenSet {
            letters,
            words: words.into(),
            bits: bits.into(),
        }
    }

    #[inline]
    fn admits(&self, t: &ShadowToken) -> bool {
        // (No word, `NO_WORD`, is past the bits.)
        t.letter & self.letters != 0
            || self
                .bits
                .get(t.word as usize / 64)
                .is_some_and(|b| b & (1 << (t.word % 64)) != 0)
    }
}

/// One iterator or another.
enum Either<A, B> {
    Left(A),
    Right(B),
}

impl<A: Iterator<Item = usize>, B: Iterator<Item = usize>> Iterator for Either<A, B> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            Either::Left(a) => a.next(),
            Either::Right(b) => b.next(),
        }
    }
}

/// Calls `found(s, o, end)` for the match starting at each token in turn, if any (see
/// [`super::Pattern::each_match`]).
pub(super) fn each_match(
    steps: &[Step],
    start: Option<&TokenSet>,
    words: &WordSet,
    mut found: impl FnMut(Range<usize>, Range<usize>, usize),
) {
    let tokens = &words.tokens;
    // Patterns that start with a slot need only look at the slots.
    let slots_only = start.is_some_and(|s| s.words.is_empty());
    let candidates = if slots_only {
        Either::Left(words.slots.iter().map(|&k| k as usize))
    } else {
        Either::Right(0..tokens.len())
    };
    // The regex's search reports one match per start: a match at token `k` starts at the
    // space before it, or at 0 for the first token, which a match at the second token may
    // also start at if the first is empty (the shadow then starts with a space).
    let mut reported_at = None;
    for k in candidates {
        let t = &tokens[k];
        if start.is_some_and(|s| !s.admits(t)) {
            continue;
        }
        let at = (t.start as usize).saturating_sub(1);
        if reported_at == Some(at) {
            continue;
        }
        let mut caps = [usize::MAX; 2];
        let Some(next) = match_at(steps, tokens, k, &mut caps) else {
            continue;
        };
        if caps.iter().all(|&c| c < tokens.len()) && next > k {
            reported_at = Some(at);
            let range = |i: usize| tokens[i].start as usize..tokens[i].end as usize;
            // The match ends after the space that follows its last token.
            found(
                range(caps[0]),
                range(caps[1]),
                tokens[next - 1].end as usize + 1,
            );
        }
    }
}

/// Whether `step` may match at token `t` (`None` past the last token): `false` only when
/// it cannot.
fn may_start(step: &Step, t: Option<&ShadowToken>) -> bool {
    match (step, t) {
        (Step::Gap(_), _) => true,
        (Step::Group { optional: true, .. }, _) => true,
        (_, None) => false,
        (Step::Capture { letters, .. }, Some(t)) => t.letter & letters != 0,
        (Step::Group { first, .. }, Some(t)) => first.admits(t),
    }
}

/// [`match_at`] of `rest` at token `k`, but `None` at once where its first step cannot start
/// (most places after a slot or a word: no call made).
#[inline(always)]
fn go_on(rest: &[Step], tokens: &[ShadowToken], k: usize, caps: &mut [usize; 2]) -> Option<usize> {
    if rest
        .first()
        .is_some_and(|step| !may_start(step, tokens.get(k)))
    {
        return None;
    }
    match_at(rest, tokens, k, caps)
}

/// Matches `steps` at token `k`: the token after the match, the tokens of the subject and
/// object in `caps`. Backtracks in the regex's order of preference, so the first success is
/// the regex's match.
fn match_at(
    steps: &[Step],
    tokens: &[ShadowToken],
    k: usize,
    caps: &mut [usize; 2],
) -> Option<usize> {
    let Some((step, rest)) = steps.split_first() else {
        return Some(k);
    };
    match step {
        Step::Capture { letters, object } => {
            if tokens.get(k)?.letter & letters == 0 {
                return None;
            }
            let next = go_on(rest, tokens, k + 1, caps)?;
            caps[usize::from(*object)] = k;
            Some(next)
        }
        Step::Gap(n) => {
            // A gap token is any non-empty token (`[^ ]+ `).
            let most = tokens[k.min(tokens.len())..]
                .iter()
                .take(*n)
                .take_while(|t| t.end > t.start)
                .count();
            // Only where the next step may start (most tokens are not).
            (0..=most).rev().find_map(|taken| {
                let next = k + taken;
                if rest
                    .first()
                    .is_some_and(|step| !may_start(step, tokens.get(next)))
                {
                    return None;
                }
                match_at(rest, tokens, next, caps)
            })
        }
        Step::Group {
            alternatives,
            optional,
            first,
        } => {
            let taken = match tokens.get(k) {
                // No alternative starts with this token (the common case).
                Some(t) if !first.admits(t) => None,
                // Alternatives of one token each: they all go on from the next token.
                Some(_) if alternatives.iter().all(|alt| alt.len() == 1) => {
                    go_on(rest, tokens, k + 1, caps)
                }
                Some(_) => alternatives.iter().find_map(|alt| {
                    let here = tokens.get(k..k + alt.len())?;
                    if alt.iter().zip(here).all(|(tok, t)| tok.matches(t)) {
                        match_at(rest, tokens, k + alt.len(), caps)
                    } else {
                        None
                    }
                }),
                None => None,
            };
            taken.or_else(|| optional.then(|| match_at(rest, tokens, k, caps)).flatten())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_found_eight_bytes_at_a_time() {
        let table: &[(&str, usize, Option<usize>)] = &[
            ("", 0, None),
            ("ab", 0, None),
            ("a b", 0, Some(1)),
            (" ", 0, Some(0)),
            ("a b c", 2, Some(3)),
            ("abcdefgh ", 0, Some(8)),
            ("abcdefghijklmnop q", 0, Some(16)),
            ("abcdefghijklmnopq", 3, None),
            ("é ü", 0, Some(2)),
            ("@P12 's", 4, Some(4)),
        ];
        for &(text, from, want) in table {
            assert_eq!(
                next_space(text.as_bytes(), from),
                want,
                "{text:?} from {from}"
            );
        }
        // Against a plain search, every byte value around.
        let bytes: Vec<u8> = (0..=255u8).chain(b"  x  ".iter().copied()).collect();
        for from in 0..bytes.len() {
            let want = bytes[from..]
                .iter()
                .position(|&b| b == b' ')
                .map(|i| from + i);
            assert_eq!(next_space(&bytes, from), want, "from {from}");
        }
    }

    /// Tokens of one key (length, first two and last bytes) and up to 16 bytes are equal
    /// exactly when their two loads are.
    #[test]
    fn heads_and_tails_tell_tokens_apart() {
        let words: Vec<Vec<u8>> = (0..=20)
            .map(|n| (0..n).map(|i| b'a' + i as u8).collect())
            .collect();
        for a in &words {
            assert_eq!(head_tail(a), head_tail(&a.clone()));
            for at in 0..a.len() {
                // One byte off anywhere: the key holds the first two and the last.
                let mut b = a.clone();
                b[at] = b'-';
                let same_key = token_key(a) == token_key(&b);
                let same_loads = head_tail(a) == head_tail(&b);
                let unseen = a.len() > 16 && at >= 2 && at + 1 < a.len();
                assert_eq!(same_key && same_loads, unseen, "{a:?} at {at}");
            }
        }
        // Lengths are in the key, 255 for any longer.
        assert_ne!(token_key(b"abcz"), token_key(b"abbcz"));
        assert_eq!(token_key(&[b'a'; 300]), token_key(&[b'a'; 256]));
    }

    /// A token set admits the tokens of its words and of its slot letters, no other.
    #[test]
    fn token_sets_admit_their_tokens() {
        let sets: [&[Tok]; 4] = [
            &[],
            &[Tok::Word(3), Tok::Slot(1 | 4)],
            &[Tok::Word(0), Tok::Word(63), Tok::Word(64), Tok::Word(200)],
            &[Tok::Slot(16)],
        ];
        for toks in sets {
            let set = TokenSet::of(toks.iter());
            for word in (0..300).chain([NO_WORD - 1, NO_WORD]) {
                for letter in [0, 1, 2, 4, 8, 16] {
                    let t = ShadowToken {
                        start: 0,
                        end: 1,
                        word,
                        letter,
                    };
                    let want = toks.iter().any(|tok| match *tok {
                        Tok::Slot(l) => l & letter != 0,
                        Tok::Word(w) => w == word,
                    });
                    assert_eq!(set.admits(&t), want, "{toks:?}: {word} {letter}");
                }
            }
        }
    }

    #[test]
    fn ascii_lowered_eight_bytes_at_a_time() {
        for b in 0..0x80u8 {
            for at in 0..8 {
                let x = u64::from(b) << (8 * at) | 0x4100_5a00_7a00_2000;
                let mut want = x.to_le_bytes();
                want.make_ascii_lowercase();
                assert_eq!(lower_ascii(x), u64::from_le_bytes(want), "{b} at {at}");
            }
        }
    }

    /// Short ASCII tokens are looked up lower-cased, as their lower case is; others are
    /// left to [`WordTable::get`].
    #[test]
    fn ascii_tokens_looked_up_lower_cased() {
        let mut table = WordTable::default();
        let words = [
            "of",
            "the",
            ",",
            "'s",
            "a",
            "ab1z",
            "ab2z",
            "in",
            "then-president",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "é",
        ];
        for w in words {
            table.intern(w);
        }
        table.freeze();
        let tokens = [
            "",
            "OF",
            "Of",
            "of",
            "oF",
            "THE",
            "The",
            "tHe",
            ",",
            "'S",
            "'s",
            "A",
            "a",
            "b",
            "AB1Z",
            "Ab2z",
            "ab3z",
            "IN",
            "In",
            "iN",
            "Then-President",
            "THEN-PRESIDENT",
            "then-presidents",
            "ABCDEFGHIJKLMNOP",
            "abcdefghijklmnoP",
            "abcdefghijklmnoq",
            "ABCDEFGHIJKLMNOPQ",
            "É",
            "é",
            "Ém",
            "ofé",
            "@P1",
            "@p1",
            "[",
            "`",
            "{",
            "@",
            "x@[`{z",
        ];
        for t in tokens {
            let want = (t.is_ascii() && (1..=16).contains(&t.len()))
                .then(|| table.get(t.to_ascii_lowercase().as_bytes()));
            assert_eq!(table.get_ascii_lower(t.as_bytes()), want, "{t:?}");
        }
    }

    #[test]
    fn words_looked_up_by_their_bytes() {
        let mut table = WordTable::default();
        // "ab1z" and "ab2z" share length, first two and last bytes: one hash.
        let words = [
            "of",
            "the",
            ",",
            "'s",
            "ab1z",
            "ab2z",
            "",
            "a",
            "then-president",
            "abcdefghijklmnopqrstuvwxyz",
            "abcdefghijklmnopqrstuvwxyy-z",
        ];
        let ids: Vec<u32> = words.iter().map(|w| table.intern(w)).collect();
        assert_eq!(table.intern("the"), ids[1]);
        table.freeze();
        for (w, id) in words.iter().zip(&ids) {
            assert_eq!(table.get(w.as_bytes()), *id, "{w:?}");
        }
        // (Up to three bytes, the key alone tells words apart: near misses of those.)
        for other in [
            "ab3z",
            "b",
            "The",
            "off",
            "then-presidents",
            "x",
            "tae",
            "o",
            "'",
            "abcdefghijklmnopqrstuvwxyy",
            "abcdefghijklmnopqrstuvwxyz-z",
            "then-presiden",
            "then-presidenT",
            "abcdefghijklmnopqrstuvwxXz",
        ] {
            assert_eq!(table.get(other.as_bytes()), NO_WORD, "{other:?}");
        }
        assert_eq!(WordTable::default().get(b"x"), NO_WORD);
    }
}
