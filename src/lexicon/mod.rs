//! Lexicons from `schemas/lexicon/*.tsv` (and users' `--lexicon FILE`s), compiled once per run.
//!
//! One format for every list, tab-separated, `#` starts a comment line:
//!
//! ```text
//! kind    name    aliases(;-separated)    subtype    parent
//! place   United States   U.S.;US;USA;America   country
//! place   Caracas         -                     city       Venezuela
//! demonym Venezuelan      Venezuelans           -          Venezuela
//! title   President       Pres.                 head_of_state
//! ```
//!
//! Kinds `person`, `organization`, `place` are named entities (found in text by an
//! Aho-Corasick automaton over every name and alias); the other kinds are word lists used as
//! context: `demonym`, `given_name`, `title`, `role`, `org_head`, `org_suffix`, `trigger`,
//! `nonentity`, `connector`. Empty cells may be left out or written `-`.

mod keys;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::error::{Error, Result};
use crate::graph::EntityType;
use crate::text::{fold_key, fold_key_into};

/// Hot look-ups (every token of every document) use a fast non-cryptographic hash: the keys
/// come from lexicon files, and iteration order never reaches the output.
type FastMap<V> = HashMap<String, V, rustc_hash::FxBuildHasher>;

/// Word-list entries sharing one key, with the kinds among them as a bit set.
#[derive(Debug, Default)]
struct WordIds {
    kinds: u32,
    ids: Vec<usize>,
}

/// Everything the lexicon knows about one key, as it is built (see [`KeyInfo`] for the
/// fields).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct KeyFacts {
    kinds: u32,
    last_kinds: u32,
    first_kinds: u32,
    name_last: bool,
    subtypes: u8,
    /// 1 + where this key's word-list entries start in `Lexicon::word_items`; 0 for none.
    words: u32,
    /// 1 + index in `Lexicon::name_lists` of this key's named entities; 0 for none.
    names: u32,
}

/// The end of a key's list in `Lexicon::word_items`.
const END_OF_LIST: (usize, Kind) = (usize::MAX, Kind::Connector);

/// Bits of a set of kinds ([`Kind::bit`]) in a [`KeyInfo`].
const KIND_BITS: u32 = 17;
const KIND_MASK: u64 = (1 << KIND_BITS) - 1;

impl KeyFacts {
    /// The facts in two words, as the key table stores them and [`KeyInfo`] reads them (the
    /// first within [`keys::VALUE_BITS`]): the three sets of kinds, `name_last` and
    /// `subtypes` in the first, the two list numbers in the second.
    fn pack(self) -> [u64; 2] {
        let a = u64::from(self.kinds)
            | u64::from(self.last_kinds) << KIND_BITS
            | u64::from(self.first_kinds) << (2 * KIND_BITS)
            | u64::from(self.name_last) << (3 * KIND_BITS)
            | u64::from(self.subtypes) << (3 * KIND_BITS + 1);
        [a, u64::from(self.words) | u64::from(self.names) << 32]
    }
}

/// Everything the lexicon knows about one key, found with one look-up: detection asks it of
/// the same tokens again and again, so it keeps the answer per token. Two words, as the key
/// table stores them: a look-up copies them out, and each field is a shift and a mask away.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyInfo([u64; 2]);

impl KeyInfo {
    /// Kinds of the word-list entries with this key (as [`Lexicon::key_kinds`]).
    #[inline]
    pub fn kinds(self) -> u32 {
        (self.0[0] & KIND_MASK) as u32
    }

    /// Kinds of the word-list keys whose last word is this key (as [`Lexicon::last_word_kinds`]).
    #[inline]
    pub fn last_kinds(self) -> u32 {
        (self.0[0] >> KIND_BITS & KIND_MASK) as u32
    }

    /// Kinds of the word-list keys whose first word is this key (as [`Lexicon::first_word_kinds`]).
    #[inline]
    pub fn first_kinds(self) -> u32 {
        (self.0[0] >> (2 * KIND_BITS) & KIND_MASK) as u32
    }

    /// Some named entity's key has this key as its last word (after its last space).
    #[inline]
    pub fn name_last(self) -> bool {
        self.0[0] >> (3 * KIND_BITS) & 1 != 0
    }

    /// Subtypes among this key's word-list entries, as the `ORG_HEAD_…` and `NONENTITY_…` bits.
    #[inline]
    pub fn subtypes(self) -> u8 {
        (self.0[0] >> (3 * KIND_BITS + 1)) as u8
    }

    /// 1 + where this key's word-list entries start in `Lexicon::word_items`; 0 for none.
    #[inline]
    fn words(self) -> u32 {
        self.0[1] as u32
    }

    /// 1 + index in `Lexicon::name_lists` of this key's named entities; 0 for none.
    #[inline]
    fn names(self) -> u32 {
        (self.0[1] >> 32) as u32
    }
}

/// [`KeyInfo::subtypes`]: an `org_head` entry of subtype `place` (a facility: "Airport").
pub const ORG_HEAD_PLACE: u8 = 1;
/// An `org_head` entry of another subtype.
pub const ORG_HEAD_OTHER: u8 = 2;
/// A `nonentity` entry of subtype `function` or `group`.
pub const NONENTITY_FUNCTION_OR_GROUP: u8 = 4;
/// A `nonentity` entry of a subtype other than `function`, `group` and `boilerplate`.
pub const NONENTITY_OTHER: u8 = 8;

/// The [`KeyInfo::subtypes`] bit of a word-list entry.
fn subtype_bit(e: &Entry) -> u8 {
    match (e.kind, e.subtype.as_str()) {
        (Kind::OrgHead, "place") => ORG_HEAD_PLACE,
        (Kind::OrgHead, _) => ORG_HEAD_OTHER,
        (Kind::NonEntity, "function" | "group") => NONENTITY_FUNCTION_OR_GROUP,
        (Kind::NonEntity, "boilerplate") => 0,
        (Kind::NonEntity, _) => NONENTITY_OTHER,
        _ => 0,
    }
}

thread_local! {
    /// The key [`Lexicon::is`] folds its text into, reused between calls.
    static KEY: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The built-in lexicon files, embedded so the binary works from any folder.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "schemas/lexicon/places.tsv",
        include_str!("../../schemas/lexicon/places.tsv"),
    ),
    (
        "schemas/lexicon/organizations.tsv",
        include_str!("../../schemas/lexicon/organizations.tsv"),
    ),
    (
        "schemas/lexicon/demonyms.tsv",
        include_str!("../../schemas/lexicon/demonyms.tsv"),
    ),
    (
        "schemas/lexicon/given_names.tsv",
        include_str!("../../schemas/lexicon/given_names.tsv"),
    ),
    (
        "schemas/lexicon/words.tsv",
        include_str!("../../schemas/lexicon/words.tsv"),
    ),
];

/// What a lexicon line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Entity(EntityType),
    Demonym,
    GivenName,
    Title,
    Role,
    OrgHead,
    OrgSuffix,
    Trigger,
    NonEntity,
    Connector,
}

impl Kind {
    /// This kind's bit in the sets of kinds [`Lexicon::key_kinds`] returns.
    pub fn bit(self) -> u32 {
        1 << match self {
            Kind::Entity(t) => t as u32,
            Kind::Demonym => 8,
            Kind::GivenName => 9,
            Kind::Title => 10,
            Kind::Role => 11,
            Kind::OrgHead => 12,
            Kind::OrgSuffix => 13,
            Kind::Trigger => 14,
            Kind::NonEntity => 15,
            Kind::Connector => 16,
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "person" => Kind::Entity(EntityType::Person),
            "organization" | "organisation" => Kind::Entity(EntityType::Organization),
            "place" => Kind::Entity(EntityType::Place),
            "event" => Kind::Entity(EntityType::Event),
            "demonym" => Kind::Demonym,
            "given_name" => Kind::GivenName,
            "title" => Kind::Title,
            "role" => Kind::Role,
            "org_head" => Kind::OrgHead,
            "org_suffix" => Kind::OrgSuffix,
            "trigger" => Kind::Trigger,
            "nonentity" => Kind::NonEntity,
            "connector" => Kind::Connector,
            _ => return None,
        })
    }
}

/// One lexicon line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: Kind,
    pub name: String,
    pub aliases: Vec<String>,
    pub subtype: String,
    pub parent: String,
    /// `file:line`, for messages.
    pub source: String,
}

/// A named-entity match of the automaton in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameMatch {
    pub start: usize,
    pub end: usize,
    pub entry: usize,
}

/// All lexicons, compiled.
pub struct Lexicon {
    pub entries: Vec<Entry>,
    /// What is known of each key: the keys of names, aliases and word-list entries, and the
    /// first and last words of those keys.
    keys: keys::KeyTable,
    /// Named entities sharing one key ([`KeyInfo::names`] points here).
    name_lists: Vec<Vec<usize>>,
    /// Word-list entries sharing one key, with their kinds, each key's list ended by
    /// [`END_OF_LIST`] ([`KeyInfo::words`] points at its start). Reading an entry's kind here
    /// spares a visit to the entry itself (another cache miss) for each entry of the key.
    word_items: Vec<(usize, Kind)>,
    /// Per byte: the kinds of the word-list keys whose last byte it is.
    last_byte_kinds: [u32; 256],
    /// Per byte: the kinds of the word-list keys whose first byte it is.
    first_byte_kinds: [u32; 256],
    /// The names automaton and, per pattern, its entry: built on first use (the pipeline
    /// does not search with it; building it is most of the compile time).
    automaton: OnceLock<std::result::Result<(AhoCorasick, Vec<usize>), String>>,
    /// Longest word-list phrase, in words.
    pub max_phrase_words: usize,
    /// A number no other lexicon compiled by this process has (see [`Lexicon::serial`]).
    serial: u64,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("entries", &self.entries.len())
            .finish()
    }
}

impl Lexicon {
    /// The built-in lexicons plus the user's files.
    pub fn load(extra: &[impl AsRef<Path>]) -> Result<Lexicon> {
        let mut entries = Vec::new();
        for (name, text) in BUILTIN {
            entries.extend(parse(name, text)?);
        }
        for path in extra {
            let path = path.as_ref();
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            entries.extend(parse(&path.display().to_string(), &text)?);
        }
        Lexicon::compile(entries)
    }

    /// Compiles parsed entries.
    pub fn compile(entries: Vec<Entry>) -> Result<Lexicon> {
        let mut names: FastMap<Vec<usize>> = FastMap::default();
        let mut words: FastMap<WordIds> = FastMap::default();
        let mut max_phrase_words = 1;
        for (i, e) in entries.iter().enumerate() {
            let forms = std::iter::once(&e.name).chain(e.aliases.iter());
            match e.kind {
                Kind::Entity(_) => {
                    for f in forms {
                        let ids = names.entry(fold_key(f)).or_default();
                        if !ids.contains(&i) {
                            ids.push(i);
                        }
                    }
                }
                _ => {
                    for f in forms {
                        max_phrase_words = max_phrase_words.max(f.split_whitespace().count());
                        let w = words.entry(fold_key(f)).or_default();
                        if !w.ids.contains(&i) {
                            w.ids.push(i);
                            w.kinds |= e.kind.bit();
                        }
                    }
                }
            }
        }
        let mut keys: FastMap<KeyFacts> = FastMap::default();
        let mut word_items = Vec::new();
        let mut last_byte_kinds = [0; 256];
        let mut first_byte_kinds = [0; 256];
        for (key, w) in words {
            if let Some(&b) = key.as_bytes().last() {
                last_byte_kinds[b as usize] |= w.kinds;
            }
            if let Some(&b) = key.as_bytes().first() {
                first_byte_kinds[b as usize] |= w.kinds;
            }
            let last = key.rsplit(' ').next().unwrap_or(&key);
            keys.entry(last.to_string()).or_default().last_kinds |= w.kinds;
            let first = key.split(' ').next().unwrap_or(&key);
            keys.entry(first.to_string()).or_default().first_kinds |= w.kinds;
            let info = keys.entry(key).or_default();
            info.kinds = w.kinds;
            info.subtypes = w.ids.iter().fold(0, |b, &i| b | subtype_bit(&entries[i]));
            info.words = u32::try_from(word_items.len() + 1)
                .map_err(|_| Error::config("lexicon", "too many word-list entries"))?;
            word_items.extend(w.ids.iter().map(|&i| (i, entries[i].kind)));
            word_items.push(END_OF_LIST);
        }
        let mut name_lists = Vec::with_capacity(names.len());
        for (key, ids) in names {
            let last = key.rsplit(' ').next().unwrap_or(&key);
            keys.entry(last.to_string()).or_default().name_last = true;
            name_lists.push(ids);
            keys.entry(key).or_default().names = name_lists.len() as u32;
        }
        Ok(Lexicon {
            entries,
            keys: keys::KeyTable::new(keys.into_iter().map(|(k, f)| (k, f.pack())).collect()),
            name_lists,
            word_items,
            last_byte_kinds,
            first_byte_kinds,
            automaton: OnceLock::new(),
            max_phrase_words,
            serial: {
                static COMPILED: std::sync::atomic::AtomicU64 =
                    std::sync::atomic::AtomicU64::new(0);
                COMPILED.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
        })
    }

    /// A number that tells this lexicon from every other one the process compiled, even one
    /// later built at the same address: what a cache of facts derived from a lexicon keys on.
    pub fn serial(&self) -> u64 {
        self.serial
    }

    /// What the lexicon knows about this key (all zero for an unknown key).
    pub fn key_info(&self, key: &str) -> KeyInfo {
        KeyInfo(self.keys.get(key).unwrap_or_default())
    }

    /// [`Lexicon::key_info`] of a key given as its bytes (a `&str`'s): spares a caller that
    /// holds the key as a byte range the character-boundary checks of slicing a `str`.
    #[inline]
    pub fn key_info_bytes(&self, key: &[u8]) -> KeyInfo {
        KeyInfo(self.keys.get_bytes(key).unwrap_or_default())
    }

    /// Named-entity entries whose name or alias has this key.
    pub fn names(&self, key: &str) -> &[usize] {
        self.names_of(&self.key_info(key))
    }

    /// [`Lexicon::names`] of a key already looked up.
    pub fn names_of(&self, info: &KeyInfo) -> &[usize] {
        match info.names() {
            0 => &[],
            n => &self.name_lists[n as usize - 1],
        }
    }

    /// Named-entity entries whose name or alias is `text` (any form): [`Lexicon::names`] of
    /// its key, without allocating.
    pub fn names_of_text(&self, text: &str) -> &[usize] {
        KEY.with(|k| match k.try_borrow_mut() {
            Ok(mut k) => {
                fold_key_into(text, &mut k);
                self.names(&k)
            }
            Err(_) => self.names(&fold_key(text)),
        })
    }

    /// Word-list entries of one kind with this key.
    pub fn words_of(&self, key: &str, kind: Kind) -> impl Iterator<Item = &Entry> {
        self.words_of_info(&self.key_info(key), kind)
    }

    /// [`Lexicon::words_of`] a key already looked up.
    pub fn words_of_info(&self, info: &KeyInfo, kind: Kind) -> impl Iterator<Item = &Entry> {
        self.word_list(info, kind)
            .iter()
            .take_while(|&&x| x != END_OF_LIST)
            .filter(move |&&(_, k)| k == kind)
            .map(|&(i, _)| &self.entries[i])
    }

    /// The word-list entries of the key of `info` and what follows them in `word_items`
    /// (from its [`END_OF_LIST`] on); nothing when none of them is of `kind`.
    #[inline]
    fn word_list(&self, info: &KeyInfo, kind: Kind) -> &[(usize, Kind)] {
        if info.kinds() & kind.bit() == 0 {
            return &[];
        }
        &self.word_items[info.words() as usize - 1..]
    }

    /// Index of the first word-list entry of `kind` with this key.
    pub fn word_entry(&self, key: &str, kind: Kind) -> Option<usize> {
        self.word_entry_of(&self.key_info(key), kind)
    }

    /// [`Lexicon::word_entry`] of a key already looked up.
    pub fn word_entry_of(&self, info: &KeyInfo, kind: Kind) -> Option<usize> {
        self.word_list(info, kind)
            .iter()
            .take_while(|&&x| x != END_OF_LIST)
            .find(|&&(_, k)| k == kind)
            .map(|&(i, _)| i)
    }

    /// The kinds of word list holding this key, as a set of [`Kind::bit`]s.
    pub fn key_kinds(&self, key: &str) -> u32 {
        self.key_info(key).kinds()
    }

    /// The kinds of the word-list keys whose last word (after the last space) is `word`.
    pub fn last_word_kinds(&self, word: &str) -> u32 {
        self.key_info(word).last_kinds()
    }

    /// The kinds of the word-list keys whose first word (before the first space) is `word`.
    pub fn first_word_kinds(&self, word: &str) -> u32 {
        self.key_info(word).first_kinds()
    }

    /// The kinds of the word-list keys whose last byte is `b`.
    pub fn last_byte_kinds(&self, b: u8) -> u32 {
        self.last_byte_kinds[b as usize]
    }

    /// The kinds of the word-list keys whose first byte is `b`: a key starting with another
    /// byte is in none of them, which a caller may know without looking it up.
    pub fn first_byte_kinds(&self, b: u8) -> u32 {
        self.first_byte_kinds[b as usize]
    }

    /// Whether `text` (any form) is in a word list of `kind`.
    pub fn is(&self, text: &str, kind: Kind) -> bool {
        KEY.with(|k| match k.try_borrow_mut() {
            Ok(mut k) => {
                fold_key_into(text, &mut k);
                self.key_is(&k, kind)
            }
            Err(_) => self.key_is(&fold_key(text), kind),
        })
    }

    /// Same as [`Lexicon::is`] for an already folded key.
    pub fn key_is(&self, key: &str, kind: Kind) -> bool {
        self.key_kinds(key) & kind.bit() != 0
    }

    /// The automaton over every name and alias (and their accent-free forms), with the entry
    /// of each pattern; built the first time it is asked for.
    fn automaton(&self) -> Result<&(AhoCorasick, Vec<usize>)> {
        self.automaton
            .get_or_init(|| {
                let mut patterns: Vec<String> = Vec::new();
                let mut pattern_entry = Vec::new();
                for (i, e) in self.entries.iter().enumerate() {
                    if !matches!(e.kind, Kind::Entity(_)) {
                        continue;
                    }
                    for f in std::iter::once(&e.name).chain(e.aliases.iter()) {
                        patterns.push(f.clone());
                        pattern_entry.push(i);
                        // Accent-free variant so "Bogota" finds "Bogotá".
                        let plain = strip_accents_keep_case(f);
                        if plain != *f {
                            patterns.push(plain);
                            pattern_entry.push(i);
                        }
                    }
                }
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&patterns)
                    .map(|a| (a, pattern_entry))
                    .map_err(|e| format!("cannot compile the lexicon automaton: {e}"))
            })
            .as_ref()
            .map_err(|e| Error::config("schemas/lexicon", e.clone()))
    }

    /// Builds the names automaton now, for a check of the lexicons (it is built lazily).
    pub fn check_automaton(&self) -> Result<()> {
        self.automaton().map(|_| ())
    }

    /// Named entities in `text`, whole words only, each starting with an upper-case letter or digit.
    pub fn find_names(&self, text: &str) -> Result<Vec<NameMatch>> {
        let (automaton, pattern_entry) = self.automaton()?;
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        for m in automaton.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            let before_ok = s == 0 || !is_word_byte(text, s, true);
            let after_ok = e == bytes.len() || !is_word_byte(text, e, false);
            let first = text[s..].chars().next().unwrap_or(' ');
            if before_ok && after_ok && (first.is_uppercase() || first.is_ascii_digit()) {
                out.push(NameMatch {
                    start: s,
                    end: e,
                    entry: pattern_entry[m.pattern().as_usize()],
                });
            }
        }
        Ok(out)
    }
}

/// Whether the character touching byte `at` (before it when `before`) is part of a word.
fn is_word_byte(text: &str, at: usize, before: bool) -> bool {
    let c = if before {
        text[..at].chars().next_back()
    } else {
        text[at..].chars().next()
    };
    c.is_some_and(|c| c.is_alphanumeric())
}

fn strip_accents_keep_case(s: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    s.nfd().filter(|c| !is_combining_mark(*c)).collect()
}

/// Parses one lexicon file; errors name `file:line:column`.
pub fn parse(name: &str, text: &str) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let trimmed = line.trim_end_matches('\r');
        if trimmed.trim().is_empty() || trimmed.trim_start().starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = trimmed.split('\t').collect();
        let kind = Kind::parse(cols[0].trim()).ok_or_else(|| {
            Error::config(
                format!("{name}:{n}:1"),
                format!(
                    "unknown kind {:?}; expected one of person, organization, place, event, demonym, given_name, title, role, org_head, org_suffix, trigger, nonentity, connector",
                    cols[0]
                ),
            )
        })?;
        let cell = |k: usize| {
            cols.get(k)
                .map(|s| s.trim())
                .filter(|s| !s.is_empty() && *s != "-")
                .unwrap_or("")
        };
        let entity_name = cell(1);
        if entity_name.is_empty() {
            let col = cols[0].len() + 2;
            return Err(Error::config(
                format!("{name}:{n}:{col}"),
                "empty name (columns are tab-separated: kind, name, aliases, subtype, parent)",
            ));
        }
        // 1-based column where cell `k` starts, for messages.
        let column = |k: usize| {
            cols.iter()
                .take(k)
                .map(|c| c.chars().count() + 1)
                .sum::<usize>()
                + 1
        };
        // Empty trailing cells (spreadsheets write them) are fine; text beyond the fifth is not.
        if cols.len() > 5 && cols[5..].iter().any(|c| !c.trim().is_empty()) {
            return Err(Error::config(
                format!("{name}:{n}:{}", column(5)),
                format!("too many columns ({}); expected at most 5, tab-separated: kind, name, aliases, subtype, parent", cols.len()),
            ));
        }
        let alias_cell = cell(2);
        if !alias_cell.is_empty() && alias_cell.split(';').any(|a| a.trim().is_empty()) {
            return Err(Error::config(
                format!("{name}:{n}:{}", column(2)),
                format!("empty alias in {alias_cell:?}; aliases are separated by single `;`"),
            ));
        }
        let aliases = alias_cell
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        out.push(Entry {
            kind,
            name: entity_name.to_string(),
            aliases,
            subtype: cell(3).to_string(),
            parent: cell(4).to_string(),
            source: format!("{name}:{n}"),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_facts_pack_into_key_info() {
        let all_kinds = [
            Kind::Entity(EntityType::Person),
            Kind::Entity(EntityType::Organization),
            Kind::Entity(EntityType::Place),
            Kind::Entity(EntityType::Event),
            Kind::Demonym,
            Kind::GivenName,
            Kind::Title,
            Kind::Role,
            Kind::OrgHead,
            Kind::OrgSuffix,
            Kind::Trigger,
            Kind::NonEntity,
            Kind::Connector,
        ]
        .iter()
        .fold(0, |b, k| b | k.bit());
        assert_eq!(u64::from(all_kinds) & !KIND_MASK, 0);
        let subtypes =
            ORG_HEAD_PLACE | ORG_HEAD_OTHER | NONENTITY_FUNCTION_OR_GROUP | NONENTITY_OTHER;
        for f in [
            KeyFacts::default(),
            KeyFacts {
                kinds: all_kinds,
                last_kinds: all_kinds,
                first_kinds: all_kinds,
                name_last: true,
                subtypes,
                words: u32::MAX,
                names: u32::MAX,
            },
            KeyFacts {
                kinds: 1,
                last_kinds: 1 << 16,
                first_kinds: 3,
                name_last: false,
                subtypes: ORG_HEAD_OTHER,
                words: 7,
                names: 0,
            },
        ] {
            let packed = f.pack();
            assert_eq!(packed[0] & !keys::VALUE_BITS, 0);
            let info = KeyInfo(packed);
            assert_eq!(
                (
                    info.kinds(),
                    info.last_kinds(),
                    info.first_kinds(),
                    info.name_last(),
                    info.subtypes(),
                    info.words(),
                    info.names()
                ),
                (
                    f.kinds,
                    f.last_kinds,
                    f.first_kinds,
                    f.name_last,
                    f.subtypes,
                    f.words,
                    f.names
                )
            );
        }
    }

    #[test]
    fn parse_and_find() {
        let entries = parse(
            "t.tsv",
            "# comment\nplace\tUnited States\tU.S.;US\tcountry\nplace\tBogotá\t-\tcity\tColombia\ntitle\tPresident\tPres.\thead_of_state\n",
        )
        .unwrap();
        let lex = Lexicon::compile(entries).unwrap();
        let text = "The U.S. and Bogota, not USB or us.";
        let found: Vec<&str> = lex
            .find_names(text)
            .unwrap()
            .iter()
            .map(|m| &text[m.start..m.end])
            .collect();
        assert_eq!(found, ["U.S.", "Bogota"]);
        assert!(lex.is("Pres.", Kind::Title));
        assert_eq!(lex.names("us").len(), 1);
    }

    #[test]
    fn errors_name_file_line_column() {
        let err = parse("x.tsv", "place\tA\nplase\tB\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("x.tsv:2:1:"), "{err}");
        let err = parse("x.tsv", "place\t\tA\n").unwrap_err().to_string();
        assert!(err.starts_with("x.tsv:1:7:"), "{err}");
        let err = parse("x.tsv", "place\tA\tB;\n").unwrap_err().to_string();
        assert!(err.starts_with("x.tsv:1:9: empty alias"), "{err}");
        let err = parse("x.tsv", "place\tA\t-\t-\t-\t-\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("x.tsv:1:15: too many columns (6)"), "{err}");
        assert!(parse("x.tsv", "place\tA\t-\t-\t-\t\t\n").is_ok());
    }

    /// The subtype bits of every word-list key say what its entries' subtypes say.
    #[test]
    fn subtype_bits_agree_with_the_entries() {
        let lex = Lexicon::load(&[] as &[&str]).unwrap();
        let mut seen = 0;
        for e in lex
            .entries
            .iter()
            .filter(|e| !matches!(e.kind, Kind::Entity(_)))
        {
            for f in std::iter::once(&e.name).chain(e.aliases.iter()) {
                let info = lex.key_info(&fold_key(f));
                let any = |kind: Kind, p: &dyn Fn(&str) -> bool| {
                    lex.words_of_info(&info, kind).any(|e| p(&e.subtype))
                };
                let want = [
                    (ORG_HEAD_PLACE, any(Kind::OrgHead, &|t| t == "place")),
                    (ORG_HEAD_OTHER, any(Kind::OrgHead, &|t| t != "place")),
                    (
                        NONENTITY_FUNCTION_OR_GROUP,
                        any(Kind::NonEntity, &|t| matches!(t, "function" | "group")),
                    ),
                    (
                        NONENTITY_OTHER,
                        any(Kind::NonEntity, &|t| {
                            !matches!(t, "function" | "group" | "boilerplate")
                        }),
                    ),
                ];
                for (bit, set) in want {
                    assert_eq!(info.subtypes() & bit != 0, set, "{f} {bit}");
                    seen += usize::from(set);
                }
            }
        }
        assert!(seen > 100, "{seen}");
    }

    /// Every word-list key's kinds are among the first-byte kinds of its first byte (so a
    /// key whose first byte lacks a kind is surely not of it), and the table holds no more.
    #[test]
    fn first_byte_kinds_cover_every_word_key() {
        let lex = Lexicon::load(&[] as &[&str]).unwrap();
        let mut want = [0u32; 256];
        for e in lex
            .entries
            .iter()
            .filter(|e| !matches!(e.kind, Kind::Entity(_)))
        {
            for f in std::iter::once(&e.name).chain(e.aliases.iter()) {
                let key = fold_key(f);
                if let Some(&b) = key.as_bytes().first() {
                    assert_ne!(lex.first_byte_kinds(b) & e.kind.bit(), 0, "{f}");
                    want[b as usize] |= e.kind.bit();
                }
            }
        }
        for b in 0..=255u8 {
            assert_eq!(lex.first_byte_kinds(b), want[b as usize], "{b}");
        }
        assert_eq!(lex.first_byte_kinds(b'w') & Kind::Connector.bit(), 0);
        assert_ne!(lex.first_byte_kinds(b'd') & Kind::Connector.bit(), 0);
    }

    #[test]
    fn builtin_lexicons_load() {
        let lex = Lexicon::load(&[] as &[&str]).unwrap();
        assert!(!lex.names("venezuela").is_empty());
    }
}
