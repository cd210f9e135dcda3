//! Relations: the pattern engine over sentences and their resolved mentions.
//!
//! Each sentence becomes a *shadow*: its tokens lower-cased, with every entity mention replaced
//! by a slot placeholder (`@P0`, `@O1`, `@L2`, `@E3`, `@D4`). Coordinated mentions of one type
//! ("Colombia, Ecuador, Peru and Chile") share one slot that stands for all of them; safe
//! nominal links ("the gang", "the group", "he", "his", "its") become slots of the entity last
//! named in the same paragraph; demonyms ("Venezuelan") become `@D` slots standing for their
//! country. The ontology's patterns (regular expressions over the shadow) then give typed edges,
//! each with the sentence as evidence.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::graph::{Certainty, EntityType};
use crate::ontology::{letter_bit, Ontology, WordSet, MODIFIED_HEADS};
use crate::text::Span;

use super::events::CUE_CODE;
use super::tokens::TokKind;
use super::{DocContext, RelationRecord, Rule};

/// One slot of a shadow sentence: the entities it stands for.
#[derive(Debug, Clone)]
pub struct Slot<'s> {
    pub letter: char,
    pub entities: &'s [usize],
}

/// Entities available to relations: the document's resolved entities plus those added later
/// (countries named only by a demonym, events).
#[derive(Debug, Clone)]
pub struct EntityRef {
    pub id: String,
    pub etype: EntityType,
}

/// Nouns that refer back to an organization ("the gang").
pub(crate) const ORG_ANAPHORS: &[&str] = &[
    "gang",
    "group",
    "organization",
    "organisation",
    "cartel",
    "militia",
    "network",
    "syndicate",
    "movement",
    "party",
    "agency",
    "company",
];

fn letter(t: EntityType) -> char {
    match t {
        EntityType::Person => 'P',
        EntityType::Organization => 'O',
        EntityType::Place => 'L',
        EntityType::Event => 'E',
    }
}

/// A span of tokens standing for entities in a sentence (mention, link or demonym).
#[derive(Debug, Clone)]
pub struct SlotSpan {
    pub first: usize,
    pub last: usize,
    pub letter: char,
    pub entities: Vec<usize>,
}

impl SlotSpan {
    /// A span of tokens `[first, last)` standing for one entity.
    pub fn one(first: usize, last: usize, letter: char, entity: usize) -> SlotSpan {
        SlotSpan {
            first,
            last,
            letter,
            entities: vec![entity],
        }
    }
}

/// Appends a token's shadow text: lower-cased, quotes and dashes made plain.
fn push_shadow_token(out: &mut Vec<u8>, t: &str, kind: TokKind) {
    // The patterns' gaps take a token as `[^ ]+` (see `ontology::compile_pattern`).
    debug_assert!(
        !t.contains(char::is_whitespace),
        "token {t:?} holds a space"
    );
    if kind == TokKind::Possessive {
        out.extend_from_slice(b"'s");
        return;
    }
    let bytes = t.as_bytes();
    // Most tokens are ASCII: lower-cased as they are copied, in one pass (the ASCII quotes
    // below are their own shadow).
    if bytes.is_ascii() {
        out.extend(bytes.iter().map(u8::to_ascii_lowercase));
        return;
    }
    match t {
        "“" | "”" | "«" | "»" => out.push(b'"'),
        "‘" | "’" => out.push(b'\''),
        "—" | "–" => out.extend_from_slice(b"--"),
        _ => out.extend_from_slice(t.to_lowercase().replace('’', "'").as_bytes()),
    }
}

/// A token's lower case, for comparison with the short ASCII words of the rules below: on
/// the stack for short ASCII tokens (most of them), allocated otherwise.
enum Lower {
    Short([u8; 16], usize),
    Long(String),
}

impl Lower {
    fn of(w: &str) -> Lower {
        if w.len() <= 16 && w.is_ascii() {
            let mut buf = [0u8; 16];
            for (b, c) in buf.iter_mut().zip(w.bytes()) {
                *b = c.to_ascii_lowercase();
            }
            Lower::Short(buf, w.len())
        } else {
            Lower::Long(w.to_lowercase())
        }
    }

    /// The lower case's bytes (compared as they are: no UTF-8 check).
    fn as_bytes(&self) -> &[u8] {
        match self {
            Lower::Short(buf, len) => &buf[..*len],
            Lower::Long(s) => s.as_bytes(),
        }
    }
}

/// The first of `targets` that is the lower case of `w`.
fn lower_in<'t>(w: &str, targets: &[&'t str]) -> Option<&'t str> {
    let lw = Lower::of(w);
    targets
        .iter()
        .copied()
        .find(|t| t.as_bytes() == lw.as_bytes())
}

/// Appends `n` in decimal.
fn push_number(out: &mut Vec<u8>, n: usize) {
    if n >= 10 {
        push_number(out, n / 10);
    }
    out.push(b'0' + (n % 10) as u8);
}

/// Builds the shadow string of a sentence from its slot spans (sorted, non-overlapping).
pub fn shadow<'s>(
    ctx: &DocContext<'_>,
    sentence: usize,
    spans: &'s [SlotSpan],
) -> (String, Vec<Slot<'s>>) {
    let mut out = Vec::new();
    let slots = write_shadow(ctx, sentence, spans, &mut out);
    // Whole tokens and ASCII only went in: always UTF-8 (the lossy copy is never made).
    let out = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    (out, slots)
}

/// Writes the shadow of a sentence into `out` (emptied first); returns its slots. (The
/// pattern engine reads the same tokens through [`scan_shadow`], without the text.)
fn write_shadow<'s>(
    ctx: &DocContext<'_>,
    sentence: usize,
    spans: &'s [SlotSpan],
    out: &mut Vec<u8>,
) -> Vec<Slot<'s>> {
    let toks = &ctx.tokens[sentence];
    let text = ctx.text();
    let bytes = text.as_bytes();
    // Bytes, not a `String`: text is copied a run at a time and lower-cased in place. Room
    // for the sentence, a space per token and the placeholders: most sentences never grow it.
    let room = ctx.sentence_span(sentence).len() + toks.len() + 6 * spans.len() + 8;
    out.clear();
    out.reserve(room);
    let mut slots = Vec::with_capacity(spans.len());
    // Tokens `run.0..run.1` (not yet written) stand in the text one space apart, as their
    // shadows will: the run's text is their shadow but for its case.
    let mut run = (0, 0);
    let mut i = 0;
    let mut sp = spans.iter().peekable();
    while i < toks.len() {
        if let Some(s) = sp.peek().copied() {
            if s.first == i {
                push_run(out, text, &toks[run.0..run.1]);
                out.push(b'@');
                out.extend_from_slice(s.letter.encode_utf8(&mut [0; 4]).as_bytes());
                push_number(out, slots.len());
                out.push(b' ');
                slots.push(Slot {
                    letter: s.letter,
                    entities: &s.entities,
                });
                sp.next();
                // An event slot stands before its trigger words, which stay readable
                // ("have been @E3 arrested in …").
                if s.letter != 'E' {
                    i = s.last;
                    run = (i, i);
                    continue;
                }
                run = (i, i);
            }
        }
        let t = &toks[i];
        // A possessive has a shadow of its own ("'s"); other tokens join the run when one
        // space parts them from it.
        let joins = run.0 == run.1 || {
            let end = toks[run.1 - 1].span.end;
            t.span.start == end + 1 && bytes.get(end) == Some(&b' ')
        };
        if t.kind == TokKind::Possessive || !joins {
            push_run(out, text, &toks[run.0..run.1]);
            run = (i, i);
        }
        if t.kind == TokKind::Possessive {
            push_shadow_token(out, t.text(text), t.kind);
            out.push(b' ');
            run = (i + 1, i + 1);
        } else {
            run.1 = i + 1;
        }
        i += 1;
    }
    push_run(out, text, &toks[run.0..run.1]);
    slots
}

/// Appends the shadows of `run`, tokens (no possessive among them) that stand one space
/// apart in `text`, each followed by a space (see [`write_shadow`]). An ASCII run is its text
/// lower-cased: copied whole, then lower-cased in place; others go token by token.
fn push_run(out: &mut Vec<u8>, text: &str, run: &[super::tokens::Token]) {
    let (Some(first), Some(last)) = (run.first(), run.last()) else {
        return;
    };
    let piece = &text.as_bytes()[first.span.start..last.span.end];
    if piece.is_ascii() {
        let at = out.len();
        out.extend_from_slice(piece);
        // (A loop the compiler turns into vector instructions.)
        out[at..].make_ascii_lowercase();
    } else {
        for t in run {
            push_shadow_token(out, t.text(text), t.kind);
            out.push(b' ');
        }
        return;
    }
    out.push(b' ');
}

/// Joins coordinated slots of one type: "@L1 , @L2 , @L3 and @L4" → one slot for all four.
/// Most sentences have no list: their spans are returned as they are, not copied.
pub fn coordinate<'s>(
    spans: &'s [SlotSpan],
    ctx: &DocContext<'_>,
    sentence: usize,
) -> Cow<'s, [SlotSpan]> {
    let toks = &ctx.tokens[sentence];
    let text = ctx.text();
    let word = |i: usize| toks[i].text(text);
    // Whether `s` joins the list ending at token `prev_last` with slots of letter `letter`.
    let joins = |letter: char, prev_last: usize, s: &SlotSpan| {
        if letter != s.letter || letter == 'E' || letter == 'D' {
            return false;
        }
        // Tokens between the two: only ",", "and", "or", "as well as", "even", "also".
        let between = prev_last..s.first;
        let joiners = !between.is_empty()
            && between.len() <= 4
            && between
                .clone()
                .all(|i| lower_in(word(i), &[",", "and", "or", "even", "also", "the"]).is_some())
            && between
                .clone()
                .any(|i| lower_in(word(i), &[",", "and", "or"]).is_some());
        // "Tecoluca, El Salvador" is a place and its country, not a list: a list of two
        // needs "and" / "or"; a longer list needs it at its end (checked when it closes).
        joiners
            && (between
                .clone()
                .any(|i| lower_in(word(i), &["and", "or"]).is_some())
                || next_joins_list(s, ctx, sentence))
    };
    // The joined list, made only once a join is found.
    let mut joined: Option<Vec<SlotSpan>> = None;
    let mut prev: Option<(char, usize)> = None;
    for (k, s) in spans.iter().enumerate() {
        if let Some((letter, last)) = prev {
            if joins(letter, last, s) {
                let out = joined.get_or_insert_with(|| spans[..k].to_vec());
                if let Some(list) = out.last_mut() {
                    list.last = s.last;
                    for &e in &s.entities {
                        if !list.entities.contains(&e) {
                            list.entities.push(e);
                        }
                    }
                }
                prev = Some((letter, s.last));
                continue;
            }
        }
        if let Some(out) = joined.as_mut() {
            out.push(s.clone());
        }
        prev = Some((s.letter, s.last));
    }
    match joined {
        Some(list) => Cow::Owned(list),
        None => Cow::Borrowed(spans),
    }
}

/// Whether a list goes on after `s` and closes with "and"/"or" ("Colombia, Ecuador, Peru and
/// Chile"): the next few tokens hold ", <capitalized>" … "and".
fn next_joins_list(s: &SlotSpan, ctx: &DocContext<'_>, sentence: usize) -> bool {
    let toks = &ctx.tokens[sentence];
    let text = ctx.text();
    let mut window = (s.last..(s.last + 8).min(toks.len())).map(|i| toks[i].text(text));
    window
        .clone()
        .next()
        .is_some_and(|w| lower_in(w, &[",", "and", "or"]).is_some())
        && window.any(|w| lower_in(w, &["and", "or"]).is_some())
}

/// Finds slot spans of a sentence: entity mentions, demonyms, and safe nominal links.
/// `demonyms` holds the sentence's tokens that are demonyms in the lexicon, in order, as
/// (sentence, token, entry). `recent` holds, per paragraph, the last entity seen of each
/// type (updated as sentences pass).
pub fn sentence_spans(
    ctx: &DocContext<'_>,
    sentence: usize,
    demonyms: &[(usize, usize, usize)],
    ents: &[EntityRef],
    mention_entity: &BTreeMap<(usize, usize), (usize, usize)>,
    demonym_entity: &dyn Fn(usize) -> Option<usize>,
    recent: &mut Recent,
) -> Vec<SlotSpan> {
    let toks = &ctx.tokens[sentence];
    // The cue of each token, found once for the document (most tokens have none).
    let cues = ctx.words.sentence(sentence);
    let cue = |i: usize| {
        cues.get(i)
            .map_or(Cue::Other, |&c| Cue::of_code(c & CUE_CODE))
    };
    let mut demonyms = demonyms
        .iter()
        .map(|&(_, token, entry)| (token, entry))
        .peekable();
    let mut spans: Vec<SlotSpan> = Vec::new();
    // The mentions of this sentence by start token, walked along with `i`.
    let mut mentions = mention_entity.range((sentence, 0)..(sentence + 1, 0));
    let mut pending = mentions.next();
    let mut i = 0;
    while i < toks.len() {
        while pending.is_some_and(|(&(_, first), _)| first < i) {
            pending = mentions.next();
        }
        while demonyms.next_if(|&(token, _)| token < i).is_some() {}
        // The tokens before the next mention or demonym with no cue have nothing to do here:
        // skipped by a look at their codes.
        let stop = pending
            .map_or(toks.len(), |(&(_, first), _)| first)
            .min(demonyms.peek().map_or(toks.len(), |&(token, _)| token))
            .min(toks.len());
        match cues[i..stop].iter().position(|&c| c & CUE_CODE != 0) {
            Some(k) => i += k,
            None if stop < toks.len() => i = stop,
            None => break,
        }
        if let Some((_, &(e, last))) = pending.filter(|(&(_, first), _)| first == i) {
            // The candidate covers tokens [i, last).
            spans.push(SlotSpan::one(i, last, letter(ents[e].etype), e));
            recent.see(e, ents[e].etype);
            i = last;
            continue;
        }
        let t = &toks[i];
        // Demonyms (words) stand for their country.
        if let Some((_, entry)) = demonyms.next_if(|&(token, _)| token == i) {
            if t.kind == TokKind::Word {
                if let Some(e) = demonym_entity(entry) {
                    spans.push(SlotSpan::one(i, i + 1, 'D', e));
                }
                i += 1;
                continue;
            }
        }
        // The rules below read the token's cue, and have nothing to do with `Other`.
        let class = cue(i);
        if class == Cue::Other {
            i += 1;
            continue;
        }
        let next = |i: usize| cue(i + 1);
        // "the gang", "the group": the last organization named in this paragraph.
        if class == Cue::Article {
            if let Cue::Anaphor(noun) = next(i) {
                if let Some(e) = recent.org_for(noun) {
                    spans.push(SlotSpan::one(i, i + 2, 'O', e));
                    recent.see(e, EntityType::Organization);
                    i += 2;
                    continue;
                }
            }
        }
        // "a gang member", "gang members": the gang of this document.
        if let Cue::Anaphor(noun) = class {
            if next(i) == Cue::Member {
                if let Some(e) = recent.org_for(noun) {
                    spans.push(SlotSpan::one(i, i + 1, 'O', e));
                    i += 1;
                    continue;
                }
            }
        }
        if class == Cue::Pronoun {
            if let Some(e) = recent.person {
                spans.push(SlotSpan::one(i, i + 1, 'P', e));
                i += 1;
                continue;
            }
        }
        if let (Cue::It { its }, Some(e)) = (class, recent.org) {
            // Only when an organization is the latest entity named: "it" too often means a thing.
            if recent.last_type == Some(EntityType::Organization) || its {
                spans.push(SlotSpan::one(i, i + 1, 'O', e));
                i += 1;
                continue;
            }
        }
        i += 1;
    }
    spans
}

/// What a token may signal to [`sentence_spans`], by its lower case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    /// "the", "this", "that"
    Article,
    /// One of [`ORG_ANAPHORS`].
    Anaphor(&'static str),
    /// "member(s)", "leader(s)", "boss"
    Member,
    /// "he", "his", "him", "she", "her"
    Pronoun,
    /// "its" / "it"
    It {
        its: bool,
    },
    Other,
}

/// The words [`Cue::of`] knows besides [`ORG_ANAPHORS`], with their cue.
const CUES: &[(&str, Cue)] = &[
    ("the", Cue::Article),
    ("this", Cue::Article),
    ("that", Cue::Article),
    ("member", Cue::Member),
    ("members", Cue::Member),
    ("leader", Cue::Member),
    ("leaders", Cue::Member),
    ("boss", Cue::Member),
    ("he", Cue::Pronoun),
    ("his", Cue::Pronoun),
    ("him", Cue::Pronoun),
    ("she", Cue::Pronoun),
    ("her", Cue::Pronoun),
    ("its", Cue::It { its: true }),
    ("it", Cue::It { its: false }),
];

/// By first letter (`a` to `z`), a bit per byte length a token lower-casing to a cue word
/// that starts with it may have: most tokens are turned down by one test of their first
/// byte and length, unread. The only non-ASCII character whose lower case is ASCII is the
/// Kelvin sign (three bytes, lower-cased to `k`; see the `non_ascii_lowering_to_ascii`
/// test): a cue word of `n` bytes with `k` letters `k` is the lower case of tokens of `n`,
/// `n + 2`, …, `n + 2k` bytes, which start with its first letter (no cue word starts with
/// `k`).
static CUE_SHAPES: [u32; 26] = {
    let mut shapes = [0u32; 26];
    let mut i = 0;
    while i < CUES.len() + ORG_ANAPHORS.len() {
        let w = if i < CUES.len() {
            CUES[i].0.as_bytes()
        } else {
            ORG_ANAPHORS[i - CUES.len()].as_bytes()
        };
        assert!(w.len() < 16 && w[0].is_ascii_lowercase() && w[0] != b'k');
        let mut len = w.len();
        shapes[(w[0] - b'a') as usize] |= 1 << len;
        let mut j = 0;
        while j < w.len() {
            assert!(w[j].is_ascii_lowercase());
            if w[j] == b'k' {
                len += 2;
                shapes[(w[0] - b'a') as usize] |= 1 << len;
            }
            j += 1;
        }
        i += 1;
    }
    shapes
};

/// [`CUE_SHAPES`] by a token's first byte, either case (none for other bytes): one load
/// per token.
static CUE_SHAPES_BY_BYTE: [u32; 256] = {
    let mut by_byte = [0u32; 256];
    let mut i = 0;
    while i < 26 {
        by_byte[b'a' as usize + i] = CUE_SHAPES[i];
        by_byte[b'A' as usize + i] = CUE_SHAPES[i];
        i += 1;
    }
    by_byte
};

/// A lower-case ASCII word of up to 15 bytes as one number (its bytes, little-endian, zero
/// padded): two such words are equal exactly when their keys are.
const fn word_key(w: &[u8]) -> u128 {
    let mut key = 0u128;
    let mut i = 0;
    while i < w.len() && i < 16 {
        key |= (w[i] as u128) << (8 * i);
        i += 1;
    }
    key
}

/// The slot of a [`word_key`] in [`CUE_TABLE`] (its size a power of two).
const fn cue_slot(key: u128) -> usize {
    let folded = (key as u64) ^ ((key >> 64) as u64);
    (folded.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58) as usize
}

/// The cue words by [`word_key`], open addressing from [`cue_slot`]: (key, index in [`CUES`]
/// then [`ORG_ANAPHORS`]), the index `u8::MAX` where empty.
static CUE_TABLE: [(u128, u8); 64] = {
    let mut table = [(0u128, u8::MAX); 64];
    let mut i = 0;
    while i < CUES.len() + ORG_ANAPHORS.len() {
        let key = if i < CUES.len() {
            word_key(CUES[i].0.as_bytes())
        } else {
            word_key(ORG_ANAPHORS[i - CUES.len()].as_bytes())
        };
        let mut at = cue_slot(key);
        while table[at].1 != u8::MAX {
            at = (at + 1) % 64;
        }
        table[at] = (key, i as u8);
        i += 1;
    }
    table
};

impl Cue {
    /// Whether a token of these bytes may have a cue (`false` for most tokens).
    #[inline]
    fn may_be(token: &[u8]) -> bool {
        token.first().is_some_and(|&b| {
            token.len() < 32 && CUE_SHAPES_BY_BYTE[usize::from(b)] & (1 << token.len()) != 0
        })
    }

    fn of(w: &str) -> Cue {
        if !Cue::may_be(w.as_bytes()) {
            return Cue::Other;
        }
        if w.len() < 16 && w.is_ascii() {
            let mut lower = [0u8; 16];
            for (l, b) in lower.iter_mut().zip(w.bytes()) {
                *l = b.to_ascii_lowercase();
            }
            return Cue::of_key(u128::from_le_bytes(lower));
        }
        // Other tokens are lower-cased in full (a Kelvin sign becomes an ASCII `k`); cue
        // words are ASCII.
        let lower = w.to_lowercase();
        if lower.len() < 16 && lower.is_ascii() {
            Cue::of_key(word_key(lower.as_bytes()))
        } else {
            Cue::Other
        }
    }

    /// The cue of the word with this [`word_key`].
    fn of_key(key: u128) -> Cue {
        let mut at = cue_slot(key);
        loop {
            match CUE_TABLE[at] {
                (_, u8::MAX) => return Cue::Other,
                (k, i) if k == key => return Cue::of_index(usize::from(i)),
                _ => at = (at + 1) % CUE_TABLE.len(),
            }
        }
    }

    /// The cue of the word at index `i` of [`CUES`] then [`ORG_ANAPHORS`].
    fn of_index(i: usize) -> Cue {
        match CUES.get(i) {
            Some(&(_, cue)) => cue,
            None => Cue::Anaphor(ORG_ANAPHORS[i - CUES.len()]),
        }
    }

    /// The cue of a [`cue_code`].
    fn of_code(code: u8) -> Cue {
        match code {
            0 => Cue::Other,
            c => Cue::of_index(usize::from(c - 1)),
        }
    }
}

/// The cue of token text `w` as a small number for the per-token table
/// ([`super::events::TokenTable`]): 0 for none, else one more than the index of the first
/// word with that cue in [`CUES`] then [`ORG_ANAPHORS`]. The same as [`Cue::of`], as a number.
pub(super) fn cue_code(w: &str) -> u8 {
    code_of(Cue::of(w))
}

/// The [`cue_code`] of a cue.
fn code_of(cue: Cue) -> u8 {
    if cue == Cue::Other {
        return 0;
    }
    (0..CUE_CODES)
        .find(|&i| Cue::of_index(i) == cue)
        .map_or(0, |i| i as u8 + 1)
}

/// The cue words, lower case, each with its [`cue_code`].
pub(super) fn cue_words() -> impl Iterator<Item = (&'static str, u8)> {
    CUES.iter()
        .map(|&(w, _)| w)
        .chain(ORG_ANAPHORS.iter().copied())
        .enumerate()
        .map(|(i, w)| (w, code_of(Cue::of_index(i))))
}

/// The largest [`cue_code`].
pub(super) const CUE_CODES: usize = CUES.len() + ORG_ANAPHORS.len();

/// The last entities named in the current paragraph.
#[derive(Debug, Default)]
pub struct Recent {
    pub paragraph: usize,
    pub person: Option<usize>,
    pub org: Option<usize>,
    pub last_type: Option<EntityType>,
    /// Organizations with the nouns they were called by ("gang" for "the Tren de Aragua gang").
    pub org_nouns: BTreeMap<usize, Vec<String>>,
    /// Organizations in order of appearance in this paragraph.
    pub orgs: Vec<usize>,
    /// Mentions of each entity in the document.
    pub mentions: BTreeMap<usize, usize>,
}

impl Recent {
    pub fn new_paragraph(&mut self, p: usize) {
        if p != self.paragraph {
            self.paragraph = p;
            self.person = None;
            self.org = None;
            self.last_type = None;
            self.orgs.clear();
        }
    }

    fn see(&mut self, e: usize, t: EntityType) {
        match t {
            EntityType::Person => self.person = Some(e),
            EntityType::Organization => {
                self.org = Some(e);
                self.orgs.retain(|&x| x != e);
                self.orgs.push(e);
            }
            _ => {}
        }
        self.last_type = Some(t);
    }

    /// The organization "the <noun>" refers to: the latest one called by that noun in the
    /// document, if it was named in this paragraph; else the latest named if none carries a noun.
    fn org_for(&self, noun: &str) -> Option<usize> {
        // "the group" / "the organization" may refer to a gang or a cartel; others need their own noun.
        let fits = |nouns: &Vec<String>| {
            nouns.iter().any(|x| {
                x == noun
                    || (matches!(noun, "group" | "organization" | "organisation")
                        && matches!(
                            x.as_str(),
                            "gang"
                                | "cartel"
                                | "militia"
                                | "group"
                                | "organization"
                                | "organisation"
                                | "syndicate"
                                | "network"
                        ))
            })
        };
        // The latest of those called by that noun.
        if let Some(e) = self
            .orgs
            .iter()
            .rev()
            .copied()
            .find(|e| self.org_nouns.get(e).is_some_and(fits))
        {
            return Some(e);
        }
        // Otherwise the document's dominant organization with that noun: the only one, or one
        // named at least twice as often as any other.
        // The two greatest (mentions, entity) of those, in one pass (no list made and sorted).
        let mut first: Option<(usize, usize)> = None;
        let mut second: Option<(usize, usize)> = None;
        for (e, n) in &self.org_nouns {
            if !fits(n) {
                continue;
            }
            let c = (self.mentions.get(e).copied().unwrap_or(0), *e);
            if first.is_none_or(|f| c > f) {
                second = first;
                first = Some(c);
            } else if second.is_none_or(|s| c > s) {
                second = Some(c);
            }
        }
        match (first, second) {
            (Some((_, e)), None) => Some(e),
            (Some((m1, e)), Some((m2, _))) if m1 >= 2 * m2 && m1 >= 2 => Some(e),
            _ => None,
        }
    }
}

/// Whether [`apply_patterns`] may find anything in a sentence with these slot spans (those
/// its shadow is built from, for the pass with this `symmetric_only`): `false` when fewer
/// than two spans stand in it, or when no pattern takes slots of their letters. A sentence
/// turned down needs neither its shadow nor the patterns (most sentences: see
/// `extract_document`). Never `false` where `apply_patterns` would add a relation: the
/// shadow's slots are some of the spans, and a pattern that takes the letters of some takes
/// those of all.
pub fn may_relate(onto: &Ontology, spans: &[SlotSpan], symmetric_only: bool) -> bool {
    spans.len() >= 2
        && onto.has_candidates(
            spans.iter().fold(0, |m, s| m | letter_bit(s.letter)),
            symmetric_only,
        )
}

/// Runs every pattern on one shadow sentence (only those of symmetric relations with
/// `symmetric_only`).
#[allow(clippy::too_many_arguments)]
// Out of line: profiles then show the pattern engine whole.
#[inline(never)]
pub fn apply_patterns<'o>(
    onto: &'o Ontology,
    shadow: &str,
    slots: &[Slot<'_>],
    ents: &[EntityRef],
    evidence: Span,
    hedged: &Hedge<'_>,
    symmetric_only: bool,
    out: &mut Vec<RelationRecord<'o>>,
) {
    // Each pattern alone, over the shadow's tokens (see `ontology::matcher`), at the tokens
    // it may start with.
    if slots.len() < 2 {
        return;
    }
    let letters = slots.iter().fold(0, |m, s| m | letter_bit(s.letter));
    // Most patterns lack a slot type they need: those are never looked at, and when all
    // do, neither is the shadow.
    if !onto.has_candidates(letters, symmetric_only) {
        return;
    }
    // One word set per thread, its buffers reused from sentence to sentence.
    thread_local! {
        static WORDS: RefCell<WordSet> = RefCell::default();
    }
    WORDS.with_borrow_mut(|words| {
        words.fill(onto, shadow);
        run_patterns(
            onto,
            &ShadowView {
                text: Some(shadow),
                tokens: None,
            },
            slots,
            words,
            ents,
            evidence,
            hedged,
            symmetric_only,
            out,
        );
    });
}

/// [`apply_patterns`] on one sentence with these slot spans (sorted). The patterns look at
/// the shadow's tokens, not its text: those are read straight from the sentence's tokens
/// ([`scan_shadow`]), and the text is not written (but where a pattern of a user's
/// ontology needs its regex).
#[allow(clippy::too_many_arguments)]
pub fn relate_sentence<'o>(
    onto: &'o Ontology,
    ctx: &DocContext<'_>,
    sentence: usize,
    spans: &[SlotSpan],
    ents: &[EntityRef],
    evidence: Span,
    hedged: &Hedge<'_>,
    symmetric_only: bool,
    out: &mut Vec<RelationRecord<'o>>,
) {
    /// Buffers reused from sentence to sentence.
    #[derive(Default)]
    struct Scratch {
        words: WordSet,
        shadow: Vec<u8>,
        lower: Vec<u8>,
        slot_tokens: Vec<u32>,
    }
    thread_local! {
        static SCRATCH: RefCell<Scratch> = RefCell::default();
    }
    SCRATCH.with_borrow_mut(|scratch| {
        let Scratch {
            words,
            shadow,
            lower,
            slot_tokens,
        } = scratch;
        let slots = scan_shadow(onto, ctx, sentence, spans, words, lower, slot_tokens);
        // The text, where a pattern needs it (and in debug builds, to check the tokens).
        let text = if onto.needs_shadow() || cfg!(debug_assertions) {
            write_shadow(ctx, sentence, spans, shadow);
            // Whole tokens and ASCII only went in: always UTF-8 (no lossy copy made).
            Some(String::from_utf8_lossy(shadow))
        } else {
            None
        };
        if let Some(text) = &text {
            if cfg!(debug_assertions) {
                let mut filled = WordSet::default();
                filled.fill(onto, text);
                debug_assert!(filled.same_as(words), "word set of {text:?}");
            }
        }
        let view = ShadowView {
            text: text.as_deref(),
            tokens: Some(ShadowTokens {
                onto,
                words,
                slot_tokens,
            }),
        };
        run_patterns(
            onto,
            &view,
            &slots,
            words,
            ents,
            evidence,
            hedged,
            symmetric_only,
            out,
        );
    });
}

/// Fills `words` with the tokens of the shadow of a sentence (see [`write_shadow`]) without
/// writing it: each token's shadow looked up where it would stand (`lower` holds those that
/// are not simply a short ASCII token lower-cased), `slot_tokens` the shadow tokens of the
/// slots. Returns the slots (those of the first spans, as many as there are slots).
#[allow(clippy::too_many_arguments)]
fn scan_shadow<'s>(
    onto: &Ontology,
    ctx: &DocContext<'_>,
    sentence: usize,
    spans: &'s [SlotSpan],
    words: &mut WordSet,
    lower: &mut Vec<u8>,
    slot_tokens: &mut Vec<u32>,
) -> Vec<Slot<'s>> {
    let toks = &ctx.tokens[sentence];
    // One per token: the ids the token table found (given this ontology), or `NO_ID`.
    let ids = ctx.words.sentence_ids(sentence);
    let text = ctx.text();
    let bytes = text.as_bytes();
    words.start(onto);
    words.reserve(toks.len() + spans.len());
    slot_tokens.clear();
    let mut slots = Vec::with_capacity(spans.len());
    // Where the next token's shadow starts: each is followed by a space.
    let mut at = 0;
    let mut sp = spans.iter().peekable();
    let mut i = 0;
    while i < toks.len() {
        // Spans as `write_shadow` takes them: the next one when it starts here.
        if let Some(s) = sp.next_if(|s| s.first == i) {
            slot_tokens.push(words.len() as u32);
            // The placeholder is written out only where it may be a pattern's word.
            let len = if onto.may_name_placeholder() {
                let mut placeholder = [0u8; 32];
                let mut len = 1 + s.letter.encode_utf8(&mut placeholder[1..]).len();
                placeholder[0] = b'@';
                len += write_number(&mut placeholder[len..], slots.len());
                words.push(onto, &placeholder[..len], at, letter_bit(s.letter));
                len
            } else {
                let len = 1 + s.letter.len_utf8() + decimal_len(slots.len());
                words.push_placeholder(onto, at, len, letter_bit(s.letter));
                len
            };
            at += len + 1;
            slots.push(Slot {
                letter: s.letter,
                entities: &s.entities,
            });
            // An event slot stands before its trigger words, which stay.
            if s.letter != 'E' {
                i = s.last;
                continue;
            }
        }
        // The tokens up to the next span (all the rest when the next is stuck behind, as
        // `write_shadow` leaves it) go in without a look at the spans.
        let upto = match sp.peek() {
            Some(s) if s.first > i => s.first.min(toks.len()),
            Some(s) if s.first == i => i + 1,
            _ => toks.len(),
        };
        for (t, &id) in toks[i..upto].iter().zip(&ids[i..upto]) {
            // Most tokens: plain, their word id found with the events flags already, their
            // shadow as long as they are.
            if id != super::events::NO_ID {
                let len = t.span.len();
                words.push_id(onto, id, at, len);
                at += len + 1;
                continue;
            }
            let token = bytes.get(t.span.start..t.span.end).unwrap_or_default();
            // Short ASCII tokens: their shadow their lower case.
            let len = if t.kind != TokKind::Possessive && words.push_lower_ascii(onto, token, at) {
                token.len()
            } else {
                lower.clear();
                push_shadow_token(lower, t.text(text), t.kind);
                words.push(onto, lower, at, 0);
                lower.len()
            };
            at += len + 1;
        }
        i = upto;
    }
    slots
}

/// The number of decimal digits of `n`.
fn decimal_len(n: usize) -> usize {
    n.checked_ilog10().map_or(1, |l| l as usize + 1)
}

/// Writes `n` in decimal at the start of `out` (room enough: 20 bytes); returns its length.
fn write_number(out: &mut [u8], mut n: usize) -> usize {
    let mut digits = [0u8; 20];
    let mut k = digits.len();
    loop {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let len = digits.len() - k;
    out[..len].copy_from_slice(&digits[k..]);
    len
}

/// What [`run_patterns`] reads of a shadow around a match: its text, or its tokens (at
/// least one of the two; both in debug builds, which check that they agree).
struct ShadowView<'a> {
    text: Option<&'a str>,
    tokens: Option<ShadowTokens<'a>>,
}

/// A shadow's tokens as [`scan_shadow`] found them, with the ontology that looked them up.
struct ShadowTokens<'a> {
    onto: &'a Ontology,
    words: &'a WordSet,
    slot_tokens: &'a [u32],
}

impl ShadowTokens<'_> {
    /// [`slot_index`] of the slot whose shadow starts at byte `start`.
    fn slot_index(&self, start: usize) -> Option<usize> {
        let k = self.words.token_at(start)?;
        self.slot_tokens.binary_search(&(k as u32)).ok()
    }

    /// [`modifier_after`] for the slot whose shadow starts at byte `start`. The tokens'
    /// word ids tell "'s" and the head nouns (the ontology interns them, see
    /// [`Ontology::is_head_word`]): no shadow is made again.
    fn modifier_after(&self, start: usize, match_end: usize) -> bool {
        let Some(mut k) = self.words.token_at(start) else {
            return false;
        };
        k += 1;
        let Some(mut word) = self.words.word(k) else {
            return false;
        };
        if self.onto.is_possessive_word(word) {
            k += 1;
            let Some(next) = self.words.word(k) else {
                return false;
            };
            word = next;
        }
        self.words.token_end(k).is_some_and(|end| end > match_end) && self.onto.is_head_word(word)
    }
}

/// [`apply_patterns`] with the word set of the shadow filled.
#[allow(clippy::too_many_arguments)]
// Out of line: profiles then show the pattern engine whole.
#[inline(never)]
fn run_patterns<'o>(
    onto: &'o Ontology,
    shadow: &ShadowView<'_>,
    slots: &[Slot<'_>],
    words: &WordSet,
    ents: &[EntityRef],
    evidence: Span,
    hedged: &Hedge<'_>,
    symmetric_only: bool,
    out: &mut Vec<RelationRecord<'o>>,
) {
    if slots.len() < 2 {
        return;
    }
    let letters = slots.iter().fold(0, |m, s| m | letter_bit(s.letter));
    // The matches of one pattern, handled once it is done (made only where one matches).
    let mut found = Vec::new();
    for (p, rel) in onto.candidates_in(letters, symmetric_only, words) {
        // Most patterns lack a word they need: they are not run.
        if !p.may_match(letters, words) {
            if let Some(shadow) = shadow.text {
                debug_assert!(
                    !p.regex.is_match(shadow),
                    "prefilter skipped pattern {} that matches {shadow:?}",
                    p.id
                );
            }
            continue;
        }
        // Patterns matched over tokens need no text.
        p.each_match(shadow.text.unwrap_or(""), words, |s, o, whole| {
            found.push((s, o, whole))
        });
        for (s, o, whole) in found.drain(..) {
            // A slot followed by "'s" or by a head noun is a modifier of something else
            // ("the DEA's office", "top Maduro officials"), unless the pattern took it in.
            let (modifier, si, oi) = match (&shadow.tokens, shadow.text) {
                (Some(tokens), text) => {
                    let by_tokens = (
                        tokens.modifier_after(s.start, whole)
                            || tokens.modifier_after(o.start, whole),
                        tokens.slot_index(s.start),
                        tokens.slot_index(o.start),
                    );
                    if let Some(text) = text {
                        debug_assert_eq!(
                            by_tokens,
                            (
                                modifier_after(text, s.end, whole)
                                    || modifier_after(text, o.end, whole),
                                slot_index(&text[s.clone()]),
                                slot_index(&text[o.clone()]),
                            ),
                            "{text:?}"
                        );
                    }
                    by_tokens
                }
                (None, Some(text)) => (
                    modifier_after(text, s.end, whole) || modifier_after(text, o.end, whole),
                    slot_index(&text[s]),
                    slot_index(&text[o]),
                ),
                (None, None) => continue,
            };
            if modifier {
                continue;
            }
            let (Some(si), Some(oi)) = (si, oi) else {
                continue;
            };
            let (Some(ss), Some(os)) = (slots.get(si), slots.get(oi)) else {
                continue;
            };
            for &a in ss.entities {
                for &b in os.entities {
                    let (ea, eb) = (&ents[a], &ents[b]);
                    if ea.id == eb.id
                        || !rel.subject.contains(&ea.etype)
                        || !rel.object.contains(&eb.etype)
                    {
                        continue;
                    }
                    let (source, target) = if rel.symmetric && eb.id < ea.id {
                        (b, a)
                    } else {
                        (a, b)
                    };
                    let certainty = p.certainty.unwrap_or(if hedged.get() {
                        Certainty::Alleged
                    } else {
                        Certainty::Stated
                    });
                    out.push(RelationRecord {
                        source,
                        relation: &p.relation,
                        target,
                        certainty,
                        sentence: evidence,
                        rule: Rule::Named(&p.id),
                    });
                }
            }
        }
    }
}

/// Whether the slot ending at byte `end` of the shadow is followed, outside the match (which
/// ends at `match_end`), by a head noun it modifies, directly or through a possessive ("the
/// DEA's office", "top Maduro officials").
fn modifier_after(shadow: &str, end: usize, match_end: usize) -> bool {
    let mut words = shadow[end..].split_whitespace();
    let mut next = words.next().unwrap_or("");
    let mut consumed_to = end + 1 + next.len();
    if next == "'s" {
        next = words.next().unwrap_or("");
        consumed_to += 1 + next.len();
    }
    consumed_to > match_end && MODIFIED_HEADS.contains(&next)
}

fn slot_index(s: &str) -> Option<usize> {
    s.get(2..)?.parse().ok()
}

/// Whether a sentence is hedged ([`is_hedged`]), worked out the first time a relation or an
/// event of the sentence asks: most sentences never do.
pub struct Hedge<'a> {
    onto: &'a Ontology,
    sentence: &'a str,
    known: std::cell::OnceCell<bool>,
}

impl<'a> Hedge<'a> {
    pub fn new(onto: &'a Ontology, sentence: &'a str) -> Hedge<'a> {
        Hedge {
            onto,
            sentence,
            known: std::cell::OnceCell::new(),
        }
    }

    pub fn get(&self) -> bool {
        *self
            .known
            .get_or_init(|| is_hedged(self.onto, self.sentence))
    }
}

/// Whether a sentence is hedged ("accused", "alleged", "according to", "is thought to"): a
/// hedge occurs in the lower-cased sentence (’ read as ') between non-alphanumeric characters.
pub fn is_hedged(onto: &Ontology, sentence: &str) -> bool {
    let Some(finder) = &onto.hedge_finder else {
        return is_hedged_plain(&onto.hedges, sentence);
    };
    // Text whose lower-casing changes only ASCII letters is searched as it is (the automaton
    // ignores ASCII case: positions and boundaries are those of the lower-cased text); other
    // text is lower-cased first, as the plain search does.
    let lower;
    let text = if sentence.is_ascii() || lowercase_in_place(sentence, finder.apostrophe) {
        sentence
    } else {
        lower = sentence.to_lowercase().replace('’', "'");
        lower.as_str()
    };
    // Most sentences hold no hedge at all: told at once by the case-sensitive automaton on
    // the text's ASCII lower case (where the automaton below, ASCII-case-insensitive, finds
    // a hedge exactly when this one does).
    thread_local! {
        static ASCII_LOWER: RefCell<Vec<u8>> = RefCell::default();
    }
    let first = match &finder.any {
        None => Some(None),
        Some(any) => ASCII_LOWER.with_borrow_mut(|buf| {
            buf.clear();
            buf.extend_from_slice(text.as_bytes());
            buf.make_ascii_lowercase();
            any.find(buf.as_slice()).map(Some)
        }),
    };
    let Some(first) = first else {
        return false;
    };
    // The leftmost occurrence of a hedge is the first of its hedge, which the plain search
    // checks: when it stands between boundaries, the sentence is hedged. Else no occurrence
    // starts before it, and the automaton below starts there.
    let from = match first {
        Some(m) if word_bounded(text, m.start(), m.end()) => return true,
        Some(m) => m.start(),
        None => 0,
    };
    // The plain search takes each hedge's occurrences left to right without overlap, and
    // checks only those: `next[h]` is where hedge `h` may next occur. The automaton reports
    // every occurrence, in order of end, so of one hedge in order of start.
    let mut next: Vec<usize> = Vec::new();
    for m in finder
        .automaton
        .find_overlapping_iter(aho_corasick::Input::new(text).span(from..text.len()))
    {
        let h = m.pattern().as_usize();
        if next.is_empty() {
            next.resize(onto.hedges.len(), 0);
        }
        if m.start() < next[h] {
            continue;
        }
        next[h] = m.end();
        if word_bounded(text, m.start(), m.end()) {
            return true;
        }
    }
    false
}

/// Whether lower-casing `text` (with `’` read as `'`) changes only ASCII letters, each into
/// one byte: every other character is its own lower case, or a `’` while no hedge holds an
/// apostrophe (it is then never inside a match, and a boundary like `'`).
fn lowercase_in_place(text: &str, apostrophe: bool) -> bool {
    text.chars().all(|c| {
        if c.is_ascii() {
            true
        } else if c == '’' {
            !apostrophe
        } else {
            let mut lower = c.to_lowercase();
            lower.next() == Some(c) && lower.next().is_none()
        }
    })
}

/// Whether `text[start..end]` stands between non-alphanumeric characters (or the ends).
fn word_bounded(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric());
    let after = text[end..]
        .chars()
        .next()
        .is_none_or(|c| !c.is_alphanumeric());
    before && after
}

/// [`is_hedged`] one hedge at a time: for hedge lists the automaton cannot take (an empty
/// hedge), and the reference the automaton is tested against.
fn is_hedged_plain(hedges: &[String], sentence: &str) -> bool {
    let lower = sentence.to_lowercase().replace('’', "'");
    hedges.iter().any(|h| {
        lower
            .match_indices(h.as_str())
            .any(|(at, _)| word_bounded(&lower, at, at + h.len()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;

    #[test]
    fn org_for_takes_the_dominant_organization_as_a_sorted_list_does() {
        // The list of those that fit, sorted by (mentions, entity) from the greatest.
        fn by_sorting(recent: &Recent) -> Option<usize> {
            let mut doc_wide: Vec<(usize, usize)> = recent
                .org_nouns
                .iter()
                .filter(|(_, n)| n.iter().any(|x| x == "gang"))
                .map(|(e, _)| (recent.mentions.get(e).copied().unwrap_or(0), *e))
                .collect();
            doc_wide.sort_by(|a, b| b.cmp(a));
            match doc_wide.as_slice() {
                [(_, e)] => Some(*e),
                [(m1, e), (m2, _), ..] if *m1 >= 2 * *m2 && *m1 >= 2 => Some(*e),
                _ => None,
            }
        }
        // Every assignment of 0..=4 mentions (or none) to four gangs and a cartel.
        for code in 0..6usize.pow(5) {
            let mut recent = Recent::default();
            for e in 0..5 {
                let noun = if e == 4 { "cartel" } else { "gang" };
                recent.org_nouns.insert(e, vec![noun.to_string()]);
                match code / 6usize.pow(e as u32) % 6 {
                    5 => {}
                    m => {
                        recent.mentions.insert(e, m);
                    }
                }
            }
            if code % 7 == 0 {
                recent.org_nouns.remove(&(code % 4));
            }
            assert_eq!(recent.org_for("gang"), by_sorting(&recent), "{code}");
        }
    }

    fn with_hedges(hedges: &[&str]) -> Ontology {
        let text = format!(
            r#"{{"entity_types": [{{"name": "person"}}], "hedges": {}, "relations": []}}"#,
            serde_json::to_string(hedges).unwrap()
        );
        crate::ontology::parse("test.json", &text).unwrap()
    }

    #[test]
    fn hedged_sentences() {
        let onto = Ontology::builtin().unwrap();
        let table = [
            ("He was accused of fraud.", true),
            ("ACCORDING TO police, he fled.", true),
            ("The unaccused man left.", false),
            ("Allegedly, it happened.", true),
            ("The gang is thought to control the port.", true),
            ("Según la policía, the gang — allegedly — grew.", true),
            ("“Reportedly” was the word.", true),
            ("The suspected’s lawyer spoke.", true),
            ("Accusedly is not a word.", false),
            ("Ça ne va pas.", false),
            ("", false),
        ];
        for (sentence, want) in table {
            assert_eq!(is_hedged(&onto, sentence), want, "{sentence}");
            assert_eq!(is_hedged_plain(&onto.hedges, sentence), want, "{sentence}");
        }
    }

    /// The automaton agrees with the plain search, hedges that overlap themselves and each
    /// other, apostrophes, non-ASCII case and an empty hedge included.
    #[test]
    fn hedge_automaton_agrees_with_plain_search() {
        // Occurrences are taken left to right without overlap: in "ba a a" the second "a a"
        // overlaps the first (which is not at a word start) and is not looked at.
        let onto = with_hedges(&["a a"]);
        for (sentence, want) in [("ba a a", false), ("ba a, a a", true), ("a a", true)] {
            assert_eq!(is_hedged_plain(&onto.hedges, sentence), want, "{sentence}");
            assert_eq!(is_hedged(&onto, sentence), want, "{sentence}");
        }
        let lists: [&[&str]; 5] = [
            &["a a"],
            &[
                "accused",
                "according to",
                "it's said",
                "aa",
                "a a",
                "éé",
                "x-x",
            ],
            &["said to be", "to be", "be"],
            &["ab", "b", "bab"],
            &["", "accused"],
        ];
        let pieces = [
            "a",
            "A",
            "b",
            "B",
            " ",
            "aa",
            "AA",
            "a a",
            " a a",
            "accused",
            "ACCUSED",
            "according",
            " to",
            "it’s",
            "it's",
            " said",
            "éé",
            "ÉÉ",
            "É",
            "x",
            "-",
            "é",
            ",",
            "İ",
            "ß",
            "bab",
            "be",
            "Σ",
            "σ",
            "—",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut below = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for hedges in lists {
            let onto = with_hedges(hedges);
            assert_eq!(onto.hedge_finder.is_some(), !hedges.contains(&""));
            let apostrophe = onto.hedge_finder.as_ref().is_some_and(|f| f.apostrophe);
            assert_eq!(apostrophe, hedges.iter().any(|h| h.contains('\'')));
            // The quick search for any hedge is in use (it must never miss one).
            assert!(onto.hedge_finder.as_ref().is_none_or(|f| f.any.is_some()));
            let mut hits = 0;
            for _ in 0..5_000 {
                let sentence: String = (0..below(8)).map(|_| pieces[below(pieces.len())]).collect();
                let want = is_hedged_plain(&onto.hedges, &sentence);
                assert_eq!(
                    is_hedged(&onto, &sentence),
                    want,
                    "{hedges:?} in {sentence:?}"
                );
                hits += usize::from(want);
            }
            assert!(hits > 20 && hits < 4_980, "{hedges:?}: {hits} hedged");
        }
    }

    #[test]
    fn shadow_tokens() {
        let table = [
            ("Maduro", TokKind::Word, "maduro"),
            ("U.S.", TokKind::Word, "u.s."),
            ("’s", TokKind::Possessive, "'s"),
            ("'", TokKind::Possessive, "'s"),
            ("“", TokKind::Punct, "\""),
            ("»", TokKind::Punct, "\""),
            ("\"", TokKind::Punct, "\""),
            ("'", TokKind::Punct, "'"),
            ("A-Z@[`", TokKind::Word, "a-z@[`"),
            ("’", TokKind::Punct, "'"),
            ("—", TokKind::Punct, "--"),
            ("–", TokKind::Punct, "--"),
            ("O’Brien", TokKind::Word, "o'brien"),
            ("ÁLVARO", TokKind::Word, "álvaro"),
            ("ΟΔΟΣ", TokKind::Word, "οδος"),
            ("2024", TokKind::Number, "2024"),
        ];
        for (token, kind, want) in table {
            let mut out = b"x ".to_vec();
            push_shadow_token(&mut out, token, kind);
            assert_eq!(out, format!("x {want}").as_bytes(), "{token}");
        }
    }

    #[test]
    fn lower_case_comparisons() {
        let table = [
            ("The", Some("the")),
            ("THIS", Some("this")),
            ("that", Some("that")),
            ("Them", None),
            ("", None),
            ("ÀND", None),
            ("a-very-long-token-indeed", None),
        ];
        for (w, want) in table {
            assert_eq!(lower_in(w, &["the", "this", "that"]), want, "{w}");
        }
        // Long and non-ASCII words are lower-cased in full.
        assert_eq!(
            lower_in("ORGANIZATIONS-LONG", &["organizations-long"]),
            Some("organizations-long")
        );
        assert_eq!(lower_in("ÉTAT", &["état"]), Some("état"));
        for w in ["Gang", "NETWORK", "x", "ΣΑΣ", "İs", "Straße"] {
            assert_eq!(Lower::of(w).as_bytes(), w.to_lowercase().as_bytes(), "{w}");
        }
        for n in [0, 1, 7, 9, 10, 99, 100, 12345, usize::MAX] {
            let mut out = Vec::new();
            push_number(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
            assert_eq!(decimal_len(n), out.len(), "{n}");
        }
    }

    #[test]
    fn cues_of_tokens() {
        let table = [
            ("The", Cue::Article),
            ("THAT", Cue::Article),
            ("GANG", Cue::Anaphor("gang")),
            // A Kelvin sign lower-cases to an ASCII k.
            ("networ\u{212A}", Cue::Anaphor("network")),
            ("Members", Cue::Member),
            ("HER", Cue::Pronoun),
            ("its", Cue::It { its: true }),
            ("It", Cue::It { its: false }),
            ("organisation", Cue::Anaphor("organisation")),
            ("organisations", Cue::Other),
            ("the-organization", Cue::Other),
            ("x", Cue::Other),
            ("", Cue::Other),
        ];
        for (w, want) in table {
            assert_eq!(Cue::of(w), want, "{w}");
        }
        // Every cue word, in any case, passes the quick check.
        for &(w, cue) in CUES {
            for form in [
                w.to_string(),
                w.to_uppercase(),
                w[..1].to_uppercase() + &w[1..],
            ] {
                assert_eq!(Cue::of(&form), cue, "{form}");
            }
        }
        for &a in ORG_ANAPHORS {
            assert_eq!(Cue::of(&a.to_uppercase()), Cue::Anaphor(a), "{a}");
        }
    }

    /// The shadow a token at a time, as it was built before runs: what `shadow` must give.
    fn shadow_by_tokens(ctx: &DocContext<'_>, sentence: usize, spans: &[SlotSpan]) -> String {
        let toks = &ctx.tokens[sentence];
        let mut out = Vec::new();
        let (mut i, mut sp, mut n) = (0, spans.iter().peekable(), 0);
        while i < toks.len() {
            if let Some(s) = sp.next_if(|s| s.first == i) {
                out.extend_from_slice(format!("@{}{n} ", s.letter).as_bytes());
                n += 1;
                if s.letter != 'E' {
                    i = s.last;
                    continue;
                }
            }
            push_shadow_token(&mut out, toks[i].text(ctx.text()), toks[i].kind);
            out.push(b' ');
            i += 1;
        }
        String::from_utf8(out).unwrap()
    }

    /// Runs of tokens copied whole give the shadow of each token in turn: around slots,
    /// possessives, punctuation glued to words, several spaces, tabs, line breaks, curly
    /// quotes, dashes and other non-ASCII text.
    #[test]
    fn shadow_runs_match_tokens() {
        let lex = Lexicon::load(&[] as &[&str]).unwrap();
        let texts = [
            "Police raided homes in Colombia, Ecuador, Peru and Chile on Monday.",
            "The DEA's office  said   Maduro’s \"allies\" fled\tto MÉXICO on 12 May.",
            "“We will win,” said José Álvaro — the Cartel's LEADER — in Bogotá.",
            "Trump's and Biden’ ‘officials’ met «ΟΔΟΣ» İstanbul officials.",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ[`@ abcdefghijklmnopqrstuvwxyz{ are letters.",
            "x",
        ];
        for text in texts {
            let doc = crate::corpus::Document::new("t.txt", text.to_string());
            let ctx = super::super::analyze(&doc, &lex);
            for si in 0..ctx.tokens.len() {
                let n = ctx.tokens[si].len();
                // No slot; a slot over every second token; an event slot (its words kept).
                let layouts: [Vec<SlotSpan>; 3] = [
                    Vec::new(),
                    (0..n / 2)
                        .map(|k| SlotSpan::one(2 * k, 2 * k + 1, 'P', k))
                        .collect(),
                    vec![SlotSpan::one(n / 2, n, 'E', 0)],
                ];
                for spans in &layouts {
                    let (got, slots) = shadow(&ctx, si, spans);
                    assert_eq!(got, shadow_by_tokens(&ctx, si, spans), "{text}");
                    assert_eq!(slots.len(), spans.len());
                }
            }
        }
    }

    /// The tokens scanned from a sentence are those of its shadow written and split, with
    /// the same slots; slot numbers and modifier heads read over them are those read in the
    /// text: around slots, event slots, spans stuck behind an overlapping one, possessives,
    /// curly quotes, long and non-ASCII tokens.
    #[test]
    fn scanned_tokens_are_the_written_shadows() {
        let onto = Ontology::builtin().unwrap();
        let lex = Lexicon::load(&[] as &[&str]).unwrap();
        let texts = [
            "Police raided homes in Colombia, Ecuador, Peru and Chile on Monday.",
            "The DEA's office  said   Maduro’s \"allies\" fled\tto MÉXICO on 12 May.",
            "“We will win,” said José Álvaro — the Cartel's LEADER — in Bogotá.",
            "Trump's officials and Biden’s officials met Supercalifragilisticexpialidocious OFFICIALS.",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ[`@ abcdefghijklmnopqrstuvwxyz{ are letters.",
            "x",
        ];
        let (mut words, mut lower, mut slot_tokens) = (WordSet::default(), Vec::new(), Vec::new());
        for text in texts {
            let doc = crate::corpus::Document::new("t.txt", text.to_string());
            let ctx = super::super::analyze(&doc, &lex);
            for si in 0..ctx.tokens.len() {
                let n = ctx.tokens[si].len();
                let layouts: [Vec<SlotSpan>; 5] = [
                    Vec::new(),
                    (0..n / 2)
                        .map(|k| SlotSpan::one(2 * k, 2 * k + 1, 'P', k))
                        .collect(),
                    (0..n / 3)
                        .map(|k| SlotSpan::one(3 * k + 1, 3 * k + 3, ['O', 'E', 'L'][k % 3], k))
                        .collect(),
                    vec![SlotSpan::one(n / 2, n, 'E', 0)],
                    // The second overlaps the first: it and those after it are left out.
                    vec![
                        SlotSpan::one(0, 2.min(n), 'L', 0),
                        SlotSpan::one(1, 2, 'O', 1),
                        SlotSpan::one(n - 1, n, 'P', 2),
                    ],
                ];
                for spans in &layouts {
                    let (shadow, slots) = shadow(&ctx, si, spans);
                    let scanned = scan_shadow(
                        &onto,
                        &ctx,
                        si,
                        spans,
                        &mut words,
                        &mut lower,
                        &mut slot_tokens,
                    );
                    let mut filled = WordSet::default();
                    filled.fill(&onto, &shadow);
                    assert!(filled.same_as(&words), "{shadow:?}");
                    assert_eq!(scanned.len(), slots.len(), "{shadow:?}");
                    let view = ShadowTokens {
                        onto: &onto,
                        words: &words,
                        slot_tokens: &slot_tokens,
                    };
                    // Every token (slots are those asked about), matches ending anywhere.
                    let mut start = 0;
                    for token in shadow.split_inclusive(' ') {
                        let end = start + token.len() - 1;
                        for match_end in [end, end + 1, end + 5, end + 9, shadow.len()] {
                            assert_eq!(
                                view.modifier_after(start, match_end),
                                modifier_after(&shadow, end, match_end),
                                "{shadow:?} at {start} to {match_end}"
                            );
                        }
                        let slot = view.slot_index(start);
                        if token.starts_with('@') {
                            assert_eq!(slot, slot_index(&shadow[start..end]), "{shadow:?}");
                        } else {
                            assert_eq!(slot, None, "{shadow:?}");
                        }
                        start += token.len();
                    }
                }
            }
        }
    }

    /// What [`CUE_SHAPES`] rests on: of the characters beyond ASCII, only the Kelvin sign
    /// lower-cases to ASCII text.
    #[test]
    fn non_ascii_lowering_to_ascii() {
        let lowering_to_ascii: Vec<(char, String)> = ('\u{80}'..=char::MAX)
            .map(|c| (c, c.to_lowercase().collect::<String>()))
            .filter(|(_, lower)| lower.is_ascii())
            .collect();
        assert_eq!(lowering_to_ascii, [('\u{212A}', "k".to_string())]);
        assert_eq!('\u{212A}'.len_utf8(), 3);
    }

    /// The quick test turns down no token with a cue: every cue word, in every case, with
    /// Kelvin signs for its `k`s.
    #[test]
    fn cue_quick_test_keeps_every_cue() {
        let words = CUES
            .iter()
            .map(|&(w, cue)| (w, cue))
            .chain(ORG_ANAPHORS.iter().map(|&a| (a, Cue::Anaphor(a))));
        for (w, cue) in words {
            let forms = [
                w.to_string(),
                w.to_uppercase(),
                w[..1].to_uppercase() + &w[1..],
                w.replace('k', "\u{212A}"),
                w.to_uppercase().replace('K', "\u{212A}"),
            ];
            for form in forms {
                assert!(Cue::may_be(form.as_bytes()), "{form}");
                assert_eq!(Cue::of(&form), cue, "{form}");
            }
        }
    }

    /// `may_relate` turns down sentences with fewer than two spans, or with span letters no
    /// pattern takes, and never one where the patterns find a relation.
    #[test]
    fn may_relate_only_where_patterns_may_match() {
        let onto = Ontology::builtin().unwrap();
        let lex = Lexicon::load(&[] as &[&str]).unwrap();
        let doc = crate::corpus::Document::new(
            "t.txt",
            "a b c d e f g h i j k l m n o p q r s t u v w x y z".to_string(),
        );
        let ctx = super::super::analyze(&doc, &lex);
        let ents: Vec<EntityRef> = ["P", "O", "L", "E", "D"]
            .iter()
            .enumerate()
            .map(|(i, _)| EntityRef {
                id: format!("e{i}"),
                etype: EntityType::Person,
            })
            .collect();
        let n = ctx.tokens[0].len();
        assert!(n >= 20);
        // Every pair of slot letters (and one slot alone), each slot one token.
        let letters = ['P', 'O', 'L', 'E', 'D'];
        let mut turned_down = 0;
        for (k, &a) in letters.iter().enumerate() {
            for &b in &letters[k..] {
                for spans in [
                    vec![SlotSpan::one(0, 1, a, 0)],
                    vec![SlotSpan::one(0, 1, a, 0), SlotSpan::one(2, 3, b, 1)],
                ] {
                    for symmetric_only in [false, true] {
                        let may = may_relate(&onto, &spans, symmetric_only);
                        let (shadow, slots) = shadow(&ctx, 0, &spans);
                        let slot_letters = slots.iter().fold(0, |m, s| m | letter_bit(s.letter));
                        // What `apply_patterns` looks at: with two slots, the patterns of
                        // those letters.
                        let looked_at = slots.len() >= 2
                            && onto
                                .candidates(slot_letters, symmetric_only)
                                .next()
                                .is_some();
                        assert_eq!(may, looked_at, "{shadow}, {symmetric_only}");
                        turned_down += usize::from(!may);
                        if !may {
                            let mut out = Vec::new();
                            apply_patterns(
                                &onto,
                                &shadow,
                                &slots,
                                &ents,
                                Span::new(0, 0),
                                &Hedge::new(&onto, ""),
                                symmetric_only,
                                &mut out,
                            );
                            assert!(out.is_empty());
                        }
                    }
                }
            }
        }
        // Lone slots, and some pairs of letters (the symmetric relations take few).
        assert!(turned_down > 10, "{turned_down}");
    }

    /// Lists of one type become one slot; a place and its country do not; sentences without
    /// a list keep their spans (borrowed, not copied).
    #[test]
    fn coordinated_slots() {
        let lex = Lexicon::load(&[] as &[&str]).unwrap();
        let table = [
            (
                "Police raided homes in Colombia, Ecuador, Peru and Chile on Monday.",
                1,
                true,
            ),
            (
                "Police raided homes in Colombia and Ecuador on Monday.",
                1,
                true,
            ),
            ("He was born in Tecoluca, El Salvador, in 1990.", 2, false),
            ("Colombia sent troops to Ecuador.", 2, false),
        ];
        for (text, joined_len, owned) in table {
            let doc = crate::corpus::Document::new("t.txt", text.to_string());
            let ctx = super::super::analyze(&doc, &lex);
            let spans: Vec<SlotSpan> = ctx
                .cands
                .iter()
                .enumerate()
                .filter_map(|(m, c)| {
                    let e = ctx.assignment[m]?;
                    Some(SlotSpan::one(c.first, c.last, 'L', e))
                })
                .collect();
            let joined = coordinate(&spans, &ctx, 0);
            assert_eq!(joined.len(), joined_len, "{text}: {spans:?}");
            assert_eq!(matches!(joined, Cow::Owned(_)), owned, "{text}");
            if owned {
                assert_eq!(joined[0].first, spans[0].first);
                assert_eq!(joined[0].last, spans[spans.len() - 1].last);
                assert_eq!(joined[0].entities.len(), spans.len());
            }
        }
    }
}
