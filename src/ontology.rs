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

use regex::Regex;
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
    pub regex: Regex,
    /// Forced certainty (`stated`/`alleged`); otherwise hedges decide.
    pub certainty: Option<crate::graph::Certainty>,
    pub examples: Vec<Example>,
    /// Slot letters the subject and the object accept (`P`, `O`, `L`, `E`, `D`): a sentence
    /// without one of each cannot match, and is not searched.
    pub subject_letters: String,
    pub object_letters: String,
}

/// The compiled ontology.
#[derive(Debug)]
pub struct Ontology {
    pub version: u32,
    pub entity_types: Vec<EntityType>,
    pub relations: BTreeMap<String, RelationType>,
    pub hedges: Vec<String>,
    pub patterns: Vec<Pattern>,
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
        patterns.push(Pattern {
            id: p.id,
            relation: p.relation,
            regex,
            certainty,
            examples: p.examples,
            subject_letters,
            object_letters,
        });
    }
    Ok(Ontology {
        version: raw.version,
        entity_types,
        relations,
        hedges: raw.hedges.into_iter().map(|h| h.to_lowercase()).collect(),
        patterns,
    })
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
/// followed by one space).
pub fn compile_pattern(p: &str) -> std::result::Result<String, String> {
    let mut out = String::from("(?:^| )");
    let mut has_s = false;
    let mut has_o = false;
    for el in split_elements(p)? {
        if let Some(n) = el.strip_prefix('~') {
            let n: usize = n
                .parse()
                .map_err(|_| format!("gap {el:?} needs a number, e.g. ~3"))?;
            out.push_str(&format!("(?:\\S+ ){{0,{n}}}"));
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
            out.push_str(&format!("(?P<{name}>@[{class}]\\d+) "));
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
                out.push_str(&format!("@[{class}]\\d+"));
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
            "(?:^| )(?P<s>@[P]\\d+) , (?:(?:the) )?leader of (?P<o>@[O]\\d+) "
        );
        assert_eq!(
            compile_pattern("{s:ORG} ~3in {o:LOC|DEM}").unwrap(),
            "(?:^| )(?P<s>@[O]\\d+) (?:\\S+ ){0,3}in (?P<o>@[LD]\\d+) "
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
}
