//! The ontology of `schemas/ontology.json`: entity types, relation types (argument types,
//! symmetry, meaning), hedge words and the patterns that extract relations, compiled once.
//!
//! A pattern is a sequence of space-separated elements matched against a sentence's *shadow*:
//! its tokens lower-cased, with each entity mention replaced by a slot placeholder (`@P3` for a
//! person, `@O`, `@L`, `@E`, and `@D` for a demonym that stands for its country). Elements:
//!
//! - `{s:PER|ORG}` / `{o:LOC}`: the subject / object slot and the types it accepts (`PER`,
//!   `ORG`, `LOC`, `EVT`, `DEM`, `ANY`);
//! - `~N`: up to N arbitrary tokens;
//! - `(a|b c)?`: an optional group of token sequences; `(a|b)`: a required one;
//! - any other text: literal tokens (a regular expression over the token text).
//!
//! Users add relations and patterns by editing the file; no recompilation is needed when a
//! file is passed with `--ontology`.

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::error::{json_location, Error, Result};
use crate::graph::EntityType;

/// The built-in ontology, embedded so the binary works from any folder.
pub const BUILTIN: (&str, &str) = (
    "schemas/ontology.json",
    include_str!("../schemas/ontology.json"),
);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOntology {
    #[serde(default)]
    version: u32,
    entity_types: Vec<RawEntityType>,
    #[serde(default)]
    hedges: Vec<String>,
    relations: Vec<RawRelation>,
    #[serde(default)]
    patterns: Vec<RawPattern>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntityType {
    name: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelation {
    name: String,
    subject: Vec<String>,
    object: Vec<String>,
    #[serde(default)]
    symmetric: bool,
    #[serde(default)]
    description: String,
}

/// A pattern example: running the pattern engine on `text` must give exactly `expect`
/// (`"Subject relation Object"` lines, by mention text).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub text: String,
    #[serde(default)]
    pub expect: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPattern {
    id: String,
    relation: String,
    pattern: String,
    #[serde(default)]
    certainty: Option<String>,
    #[serde(default)]
    examples: Vec<Example>,
}

/// A relation type.
#[derive(Debug, Clone)]
pub struct RelationType {
    pub name: String,
    pub subject: Vec<EntityType>,
    pub object: Vec<EntityType>,
    pub symmetric: bool,
    pub description: String,
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub id: String,
    pub relation: String,
    /// The pattern as written in the ontology.
    pub pattern: String,
    pub regex: Regex,
    /// Forced certainty (`stated`/`alleged`); otherwise hedges decide.
    pub certainty: Option<crate::graph::Certainty>,
    pub examples: Vec<Example>,
    /// Slot letters the subject and the object accept (`P`, `O`, `L`, `E`, `D`): a sentence
    /// without one of each cannot match, and is not searched.
    pub subject_letters: String,
    pub object_letters: String,
    /// The same letters as bit masks (see [`letter_bit`]).
    subject_mask: u8,
    object_mask: u8,
    /// Words the shadow must hold for the pattern to match: in each group, all the words of
    /// one alternative (ids into `Ontology::words`). Empty when nothing could be derived.
    needs: Vec<Vec<Box<[u32]>>>,
}

impl Pattern {
    /// Whether a shadow with these slot letters (a [`letter_bit`] mask) and these words may
    /// match: `false` only when the pattern's regex cannot match it, so it need not run.
    pub fn may_match(&self, letters: u8, words: &WordSet) -> bool {
        self.subject_mask & letters != 0
            && self.object_mask & letters != 0
            && self.needs.iter().all(|group| {
                group
                    .iter()
                    .any(|alt| alt.iter().all(|&id| words.contains(id)))
            })
    }
}

/// The bit of a slot letter (`P`, `O`, `L`, `E`, `D`) in the masks of [`Pattern::may_match`].
pub fn letter_bit(letter: char) -> u8 {
    match letter {
        'P' => 1,
        'O' => 2,
        'L' => 4,
        'E' => 8,
        'D' => 16,
        _ => 0,
    }
}

/// Which of the patterns' required words a shadow sentence holds: a bit per word id, filled
/// once per shadow so that each pattern's check is a few bit tests.
#[derive(Debug, Default, Clone)]
pub struct WordSet {
    bits: Vec<u64>,
}

impl WordSet {
    /// The required words among the shadow's tokens (split at its single spaces).
    pub fn fill(&mut self, onto: &Ontology, shadow: &str) {
        self.bits.clear();
        self.bits.resize(onto.words.len().div_ceil(64), 0);
        if onto.words.is_empty() {
            return;
        }
        for token in shadow.split(' ') {
            if let Some(&id) = onto.words.get(token) {
                self.bits[id as usize / 64] |= 1 << (id % 64);
            }
        }
    }

    pub fn contains(&self, id: u32) -> bool {
        self.bits
            .get(id as usize / 64)
            .is_some_and(|b| b & (1 << (id % 64)) != 0)
    }
}

/// The hedges in one automaton (see `extract::relate::is_hedged`).
#[derive(Debug)]
pub struct HedgeFinder {
    /// ASCII-case-insensitive, reporting overlapping matches, pattern ids in hedge order.
    pub automaton: AhoCorasick,
    /// Whether a hedge holds an apostrophe (`'` or `’`): text with `’` must then be
    /// searched with `’` read as `'`.
    pub apostrophe: bool,
}

/// The compiled ontology.
#[derive(Debug)]
pub struct Ontology {
    pub version: u32,
    pub entity_types: Vec<EntityType>,
    pub relations: BTreeMap<String, RelationType>,
    pub hedges: Vec<String>,
    /// The hedges compiled for a one-pass search; `None` when a hedge is empty (that one
    /// matches everywhere: the plain search handles it).
    pub hedge_finder: Option<HedgeFinder>,
    pub patterns: Vec<Pattern>,
    /// The words patterns require (see [`required_words`]), each with its id.
    words: FxHashMap<Box<str>, u32>,
}

impl Ontology {
    /// The built-in ontology.
    pub fn builtin() -> Result<Ontology> {
        parse(BUILTIN.0, BUILTIN.1)
    }

    /// Loads an ontology file.
    pub fn load(path: &std::path::Path) -> Result<Ontology> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        parse(&path.display().to_string(), &text)
    }

    pub fn relation(&self, name: &str) -> Option<&RelationType> {
        self.relations.get(name)
    }
}

/// Line and column (1-based) of the first occurrence of `needle` in `text`, for messages.
fn locate(text: &str, needle: &str) -> (usize, usize) {
    match text.find(needle) {
        Some(at) => {
            let line = text[..at].matches('\n').count() + 1;
            let col = at - text[..at].rfind('\n').map(|p| p + 1).unwrap_or(0) + 1;
            (line, col)
        }
        None => (1, 1),
    }
}

/// Parses and checks an ontology; errors name `file:line:column` and what is wrong.
pub fn parse(name: &str, text: &str) -> Result<Ontology> {
    let raw: RawOntology = serde_json::from_str(text).map_err(|e| {
        Error::config(
            json_location(std::path::Path::new(name), &e),
            format!("invalid ontology: {e}"),
        )
    })?;
    let at = |needle: &str| {
        let (l, c) = locate(text, needle);
        format!("{name}:{l}:{c}")
    };
    let mut entity_types = Vec::new();
    for t in &raw.entity_types {
        match EntityType::parse(&t.name) {
            Some(et) => entity_types.push(et),
            None => {
                return Err(Error::config(
                    at(&format!("\"{}\"", t.name)),
                    format!(
                        "unknown entity type {:?}; expected person, organization, place or event",
                        t.name
                    ),
                ))
            }
        }
    }
    let mut relations = BTreeMap::new();
    for r in raw.relations {
        let types = |list: &[String], role: &str| -> Result<Vec<EntityType>> {
            list.iter()
                .map(|t| {
                    EntityType::parse(t)
                        .filter(|et| entity_types.contains(et))
                        .ok_or_else(|| {
                            Error::config(
                                at(&format!("\"name\": \"{}\"", r.name)),
                                format!("relation {:?}: unknown {role} type {t:?}", r.name),
                            )
                        })
                })
                .collect()
        };
        let subject = types(&r.subject, "subject")?;
        let object = types(&r.object, "object")?;
        if relations.contains_key(&r.name) {
            return Err(Error::config(
                at(&format!("\"name\": \"{}\"", r.name)),
                format!("relation {:?} defined twice", r.name),
            ));
        }
        relations.insert(
            r.name.clone(),
            RelationType {
                name: r.name,
                subject,
                object,
                symmetric: r.symmetric,
                description: r.description,
            },
        );
    }
    let mut patterns = Vec::new();
    let mut words: FxHashMap<Box<str>, u32> = FxHashMap::default();
    let mut seen = std::collections::BTreeSet::new();
    for p in raw.patterns {
        let loc = at(&format!("\"id\": \"{}\"", p.id));
        if !seen.insert(p.id.clone()) {
            return Err(Error::config(
                loc,
                format!("pattern id {:?} used twice", p.id),
            ));
        }
        if !relations.contains_key(&p.relation) {
            return Err(Error::config(
                loc,
                format!("pattern {:?}: unknown relation {:?}", p.id, p.relation),
            ));
        }
        let source = compile_pattern(&p.pattern)
            .map_err(|m| Error::config(loc.clone(), format!("pattern {:?}: {m}", p.id)))?;
        let regex = Regex::new(&source).map_err(|e| {
            Error::config(
                loc.clone(),
                format!("pattern {:?} does not compile: {e}", p.id),
            )
        })?;
        let certainty = match p.certainty.as_deref() {
            None => None,
            Some("stated") => Some(crate::graph::Certainty::Stated),
            Some("alleged") => Some(crate::graph::Certainty::Alleged),
            Some(other) => {
                return Err(Error::config(
                    loc,
                    format!(
                        "pattern {:?}: certainty must be \"stated\" or \"alleged\", not {other:?}",
                        p.id
                    ),
                ))
            }
        };
        let letters = |name: &str| -> String {
            let start = source
                .find(&format!("(?P<{name}>@["))
                .map(|i| i + 7)
                .unwrap_or(0);
            source[start..].split(']').next().unwrap_or("").to_string()
        };
        let (subject_letters, object_letters) = (letters("s"), letters("o"));
        let mask = |letters: &str| letters.chars().map(letter_bit).fold(0, |a, b| a | b);
        let needs = required_words(&p.pattern)
            .into_iter()
            .map(|group| {
                group
                    .into_iter()
                    .map(|alternative| {
                        alternative
                            .into_iter()
                            .map(|w| {
                                let next = words.len() as u32;
                                *words.entry(w.into_boxed_str()).or_insert(next)
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        patterns.push(Pattern {
            id: p.id,
            relation: p.relation,
            pattern: p.pattern,
            regex,
            certainty,
            examples: p.examples,
            subject_mask: mask(&subject_letters),
            object_mask: mask(&object_letters),
            subject_letters,
            object_letters,
            needs,
        });
    }
    let hedges: Vec<String> = raw.hedges.into_iter().map(|h| h.to_lowercase()).collect();
    let hedge_finder = if hedges.iter().any(String::is_empty) {
        None
    } else {
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(&hedges)
            .map_err(|e| Error::config(at("\"hedges\""), format!("hedges: {e}")))?;
        Some(HedgeFinder {
            automaton,
            apostrophe: hedges.iter().any(|h| h.contains(['\'', '’'])),
        })
    };
    Ok(Ontology {
        version: raw.version,
        entity_types,
        relations,
        hedges,
        hedge_finder,
        patterns,
        words,
    })
}

/// Whether `token` opens with an unnamed slot (`{LOC}`, `{ANY}`), which [`words`] turns into
/// a self-contained class.
fn starts_with_unnamed_slot(token: &str) -> bool {
    token
        .strip_prefix('{')
        .and_then(|rest| rest.split_once('}'))
        .is_some_and(|(inner, _)| !inner.contains(':') && slot_class(inner).is_ok())
}

/// Whether an element's text is one literal token: no regex syntax, no space.
fn is_plain_word(w: &str) -> bool {
    !w.is_empty()
        && !w
            .chars()
            .any(|c| c.is_whitespace() || "\\.+*?()|[]{}^$".contains(c))
}

/// The literal words every match of a (compiled) pattern contains, as groups of alternatives
/// of which one must be present with all its words: a plain word (`president`) gives a group
/// of one, a required group (`(led|leads|grew up)`) its alternatives' plain tokens
/// (`[[led], [leads], [grew, up]]`). Slots, gaps, optional groups
/// and elements with regex syntax give nothing. Each element of the compiled regex starts
/// after a space (or at the start) and ends with one, so a plain word matches exactly one
/// whole token of the shadow. A pattern whose elements could change the regex's structure
/// (`|`, parentheses, escapes or classes outside a group's plain alternatives) gets no groups
/// at all: its regex always runs.
pub(crate) fn required_words(pattern: &str) -> Vec<Vec<Vec<String>>> {
    // Inside a group, `|` separates the group's own alternatives. A token starting with a
    // repetition (`?`, `*`, `+`, `{2}`) would make the space before it optional.
    let restructures = |s: &str, in_group: bool| {
        s.contains(['(', ')', '\\', '[', ']'])
            || (!in_group && s.contains('|'))
            || s.split([' ', '|']).any(|token| {
                token.starts_with(['?', '*', '+'])
                    || (token.starts_with('{') && !starts_with_unnamed_slot(token))
            })
    };
    let Ok(elements) = split_elements(pattern) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for el in &elements {
        if el.starts_with('~') || (el.starts_with('{') && el.ends_with('}') && el.contains(':')) {
            continue;
        }
        let group = el
            .strip_prefix('(')
            .and_then(|g| g.strip_suffix(")?").map(|inner| (inner, true)))
            .or_else(|| {
                el.strip_prefix('(')
                    .and_then(|g| g.strip_suffix(')'))
                    .map(|inner| (inner, false))
            });
        match group {
            Some((inner, _)) if restructures(inner, true) => return Vec::new(),
            Some((_, true)) => {}
            Some((inner, false)) => {
                // Every token of an alternative is whole in the shadow: an alternative needs
                // all its plain tokens ("in an interview with" needs "interview" too).
                let alternatives: Vec<Vec<String>> = inner
                    .split('|')
                    .map(|alt| {
                        let mut tokens: Vec<String> = alt
                            .split(' ')
                            .filter(|w| is_plain_word(w))
                            .map(String::from)
                            .collect();
                        tokens.sort();
                        tokens.dedup();
                        tokens
                    })
                    .collect();
                if alternatives.iter().all(|alt| !alt.is_empty()) {
                    out.push(alternatives);
                }
            }
            None if restructures(el, false) => return Vec::new(),
            None if is_plain_word(el) => out.push(vec![vec![el.clone()]]),
            None => {}
        }
    }
    out
}

/// Slot type letters in the shadow string.
fn slot_class(types: &str) -> std::result::Result<String, String> {
    let mut letters = String::new();
    for t in types.split('|') {
        let l = match t.trim() {
            "PER" => "P",
            "ORG" => "O",
            "LOC" => "L",
            "EVT" => "E",
            "DEM" => "D",
            "ANY" => "POLE",
            other => {
                return Err(format!(
                    "unknown slot type {other:?} (PER, ORG, LOC, EVT, DEM, ANY)"
                ))
            }
        };
        for c in l.chars() {
            if !letters.contains(c) {
                letters.push(c);
            }
        }
    }
    Ok(letters)
}

/// Compiles the pattern language to a regular expression over the shadow string (each token
/// followed by one space). A shadow holds no whitespace but those spaces, and slot numbers are
/// ASCII: gaps and slots use `[^ ]` and `[0-9]`, the same there as `\S` and `\d` and far
/// smaller to compile than those Unicode classes.
pub fn compile_pattern(p: &str) -> std::result::Result<String, String> {
    let mut out = String::from("(?:^| )");
    let mut has_s = false;
    let mut has_o = false;
    for el in split_elements(p)? {
        if let Some(n) = el.strip_prefix('~') {
            let n: usize = n
                .parse()
                .map_err(|_| format!("gap {el:?} needs a number, e.g. ~3"))?;
            out.push_str(&format!("(?:[^ ]+ ){{0,{n}}}"));
        } else if el.starts_with('{') && el.ends_with('}') && el.contains(':') {
            let inner = &el[1..el.len() - 1];
            let (name, types) = inner
                .split_once(':')
                .ok_or_else(|| format!("slot {el:?} needs a name and types, e.g. {{s:PER}}"))?;
            let class = slot_class(types)?;
            match name {
                "s" if !has_s => has_s = true,
                "o" if !has_o => has_o = true,
                "s" | "o" => return Err(format!("slot {name:?} used twice")),
                _ => return Err(format!("slot name must be s or o, not {name:?}")),
            }
            out.push_str(&format!("(?P<{name}>@[{class}][0-9]+) "));
        } else if el.starts_with('(') && el.ends_with(")?") {
            let inner = &el[1..el.len() - 2];
            out.push_str(&format!("(?:(?:{}) )?", words(inner)));
        } else if el.starts_with('(') && el.ends_with(')') {
            let inner = &el[1..el.len() - 1];
            out.push_str(&format!("(?:{}) ", words(inner)));
        } else {
            out.push_str(&words(&el));
            out.push(' ');
        }
    }
    if !has_s || !has_o {
        return Err("a pattern needs both an {s:…} and an {o:…} slot".into());
    }
    Ok(out)
}

/// Inside an element, spaces separate tokens: keep them literal, escape nothing else (users
/// may write regular expressions over a token's text).
/// Unnamed slots (`{LOC}`, `{ANY}`) inside an element match a mention without capturing it.
fn words(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let inner = &rest[open + 1..open + close];
        match slot_class(inner) {
            Ok(class) if !inner.contains(':') => {
                out.push_str(&rest[..open]);
                out.push_str(&format!("@[{class}][0-9]+"));
            }
            _ => out.push_str(&rest[..open + close + 1]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Splits a pattern at spaces outside parentheses and braces.
fn split_elements(p: &str) -> std::result::Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    for c in p.chars() {
        // A gap "~N" ends at its last digit: "~2(a|b)" is two elements.
        if depth == 0 && cur.starts_with('~') && cur.len() > 1 && !c.is_ascii_digit() {
            out.push(std::mem::take(&mut cur));
        }
        if c == '~' && depth == 0 && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => {
                depth -= 1;
                if depth < 0 {
                    return Err("unbalanced ')' or '}'".into());
                }
            }
            _ => {}
        }
        if c == ' ' && depth == 0 {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(c);
        }
    }
    if depth != 0 {
        return Err("unbalanced '(' or '{'".into());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses() {
        let o = Ontology::builtin().unwrap();
        assert!(o.relations.len() >= 37);
        for r in [
            "leader_of",
            "operates_in",
            "sanctioned",
            "caused_by",
            "co_occurs_with",
        ] {
            assert!(o.relation(r).is_some(), "{r}");
        }
    }

    #[test]
    fn pattern_language() {
        assert_eq!(
            compile_pattern("{s:PER} , (the)? leader of {o:ORG}").unwrap(),
            "(?:^| )(?P<s>@[P][0-9]+) , (?:(?:the) )?leader of (?P<o>@[O][0-9]+) "
        );
        assert_eq!(
            compile_pattern("{s:ORG} ~3in {o:LOC|DEM}").unwrap(),
            "(?:^| )(?P<s>@[O][0-9]+) (?:[^ ]+ ){0,3}in (?P<o>@[LD][0-9]+) "
        );
        for bad in [
            "{s:PER} leads",
            "{s:FOO} x {o:ORG}",
            "{s:PER} (x {o:ORG}",
            "{s:PER} ~x {o:ORG}",
        ] {
            assert!(compile_pattern(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_name_file_line_column() {
        let text = "{\n  \"entity_types\": [{\"name\": \"person\"}],\n  \"relations\": [\n    {\"name\": \"r\", \"subject\": [\"person\"], \"object\": [\"thing\"]}\n  ]\n}";
        let err = parse("o.json", text).unwrap_err().to_string();
        assert!(err.starts_with("o.json:4:6:"), "{err}");
        assert!(err.contains("thing"), "{err}");
        let err = parse("o.json", "{\"entity_types\": [}")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("o.json:1:"), "{err}");
        let text = "{\"entity_types\": [{\"name\": \"person\"}], \"relations\": [{\"name\": \"r\", \"subject\": [\"person\"], \"object\": [\"person\"]}],\n \"patterns\": [{\"id\": \"p\", \"relation\": \"r\", \"pattern\": \"{s:PER} [ {o:PER}\"}]}";
        let err = parse("o.json", text).unwrap_err().to_string();
        assert!(
            err.starts_with("o.json:2:16:") && err.contains("does not compile"),
            "{err}"
        );
    }

    #[test]
    fn required_words_of_patterns() {
        let w = |groups: &[&[&[&str]]]| -> Vec<Vec<Vec<String>>> {
            groups
                .iter()
                .map(|g| {
                    g.iter()
                        .map(|a| a.iter().map(|x| x.to_string()).collect())
                        .collect()
                })
                .collect()
        };
        let table: &[(&str, Vec<Vec<Vec<String>>>)] = &[
            (
                "{s:PER} , (the)? leader of {o:ORG}",
                w(&[&[&[","]], &[&["leader"]], &[&["of"]]]),
            ),
            (
                "{s:PER} ~4(in an interview with|spoke to) (the)? {o:ORG}",
                w(&[&[&["an", "in", "interview", "with"], &["spoke", "to"]]]),
            ),
            // Regex syntax in a token: that element gives nothing, the others still count.
            (
                "{s:ORG} ~4rewards? (for|on) ~6{o:PER}",
                w(&[&[&["for"], &["on"]]]),
            ),
            ("{s:PER} (and)? (his|her)? ,? {o:PER}", w(&[])),
            // An unnamed slot in an alternative: that alternative needs its other words.
            (
                "{s:PER} (of {ANY} 's|for) {o:ORG}",
                w(&[&[&["'s", "of"], &["for"]]]),
            ),
            // An alternative of regex syntax alone: the group says nothing.
            ("{s:PER} (a.|b) x {o:ORG}", w(&[&[&["x"]]])),
            // Syntax that could reshape the regex around other elements: no prefilter at all.
            ("{s:PER} leads|runs x {o:ORG}", w(&[])),
            ("{s:PER} x ?y {o:ORG}", w(&[])),
            ("{s:PER} x {2}y {o:ORG}", w(&[])),
            ("{s:PER} (x|(?i)y) z {o:ORG}", w(&[])),
            ("{s:PER} (a\\) z {o:ORG}", w(&[])),
            ("{s:PER} [ab] z {o:ORG}", w(&[])),
            ("{s:PER} ({LOC|ORG} x) z {o:ORG}", w(&[])),
        ];
        for (pattern, want) in table {
            assert_eq!(&required_words(pattern), want, "{pattern}");
        }
    }

    /// A small deterministic generator (xorshift), so failures are reproducible.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n.max(1) as u64) as usize
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    /// A shadow sentence the pattern matches, built from its elements (`None` for elements
    /// of regex syntax this generator does not know), with noise around it.
    fn sample(pattern: &str, rng: &mut Rng, noise: &[&str]) -> Option<String> {
        let placeholder = |class: &str, rng: &mut Rng| {
            let letters: Vec<char> = class.chars().collect();
            format!("@{}{} ", letters[rng.below(letters.len())], rng.below(20))
        };
        let tokens = |text: &str, out: &mut String, rng: &mut Rng| -> Option<()> {
            for t in text.split(' ') {
                if let Some(types) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                    out.push_str(&placeholder(&slot_class(types).ok()?, rng));
                } else if let Some(word) = t.strip_suffix('?').filter(|w| is_plain_word(w)) {
                    // "rewards?", ",?": with or without the last character.
                    let mut keep = word.to_string();
                    if rng.below(2) == 0 {
                        keep.pop();
                    }
                    // (",?" then leaves an empty token: the regex wants its space.)
                    out.push_str(&keep);
                    out.push(' ');
                } else if is_plain_word(t) {
                    out.push_str(t);
                    out.push(' ');
                } else {
                    return None;
                }
            }
            Some(())
        };
        let mut out = String::new();
        for _ in 0..rng.below(4) {
            out.push_str(rng.pick(noise));
            out.push(' ');
        }
        for el in split_elements(pattern).ok()? {
            if let Some(n) = el.strip_prefix('~') {
                for _ in 0..rng.below(n.parse::<usize>().ok()? + 1) {
                    out.push_str(rng.pick(noise));
                    out.push(' ');
                }
            } else if el.starts_with('{') && el.contains(':') {
                let (_, types) = el[1..el.len() - 1].split_once(':')?;
                out.push_str(&placeholder(&slot_class(types).ok()?, rng));
            } else if let Some(inner) = el.strip_prefix('(').and_then(|e| e.strip_suffix(")?")) {
                if rng.below(2) == 0 {
                    let alts: Vec<&str> = inner.split('|').collect();
                    tokens(rng.pick(&alts), &mut out, rng)?;
                }
            } else if let Some(inner) = el.strip_prefix('(').and_then(|e| e.strip_suffix(')')) {
                let alts: Vec<&str> = inner.split('|').collect();
                tokens(rng.pick(&alts), &mut out, rng)?;
            } else {
                tokens(&el, &mut out, rng)?;
            }
        }
        for _ in 0..rng.below(4) {
            out.push_str(rng.pick(noise));
            out.push(' ');
        }
        Some(out)
    }

    fn letters_of(shadow: &str) -> u8 {
        shadow
            .split(' ')
            .filter_map(|t| t.strip_prefix('@')?.chars().next())
            .fold(0, |m, c| m | letter_bit(c))
    }

    /// The prefilter never skips a pattern on a sentence it matches: sentences generated from
    /// every built-in pattern pass it, and so do random sentences over the patterns' words
    /// whenever a regex matches them.
    #[test]
    fn prefilter_never_skips_a_match() {
        let onto = Ontology::builtin().unwrap();
        let mut vocabulary: Vec<&str> = onto.words.keys().map(|w| &**w).collect();
        vocabulary.sort();
        let noise: Vec<&str> = ["the", "of", ",", "said", "x", "@P9", "'s"]
            .into_iter()
            .chain(vocabulary.iter().copied())
            .collect();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut words = WordSet::default();
        let mut generated = 0;
        for p in &onto.patterns {
            assert!(!p.needs.is_empty(), "{}: no required words", p.id);
            for _ in 0..50 {
                let Some(shadow) = sample(&p.pattern, &mut rng, &noise) else {
                    continue;
                };
                assert!(
                    p.regex.is_match(&shadow),
                    "{}: generator gave {shadow:?}",
                    p.id
                );
                words.fill(&onto, &shadow);
                assert!(
                    p.may_match(letters_of(&shadow), &words),
                    "{} skipped on {shadow:?}",
                    p.id
                );
                generated += 1;
            }
        }
        assert!(generated >= 50 * 90, "only {generated} generated sentences");
        let slots = ["@P1", "@O2", "@L3", "@E4", "@D5"];
        let mut matched = 0;
        for _ in 0..20_000 {
            let mut shadow = String::new();
            for _ in 0..3 + rng.below(10) {
                shadow.push_str(if rng.below(3) == 0 {
                    rng.pick(&slots)
                } else {
                    rng.pick(&noise)
                });
                shadow.push(' ');
            }
            words.fill(&onto, &shadow);
            for p in &onto.patterns {
                if p.regex.is_match(&shadow) {
                    matched += 1;
                    assert!(
                        p.may_match(letters_of(&shadow), &words),
                        "{} skipped on {shadow:?}",
                        p.id
                    );
                }
            }
        }
        assert!(matched >= 100, "only {matched} random matches");
    }
}
