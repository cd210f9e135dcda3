//! Checking configuration files alone (`kgraph validate`): lexicons, the ontology and JSON files
//! (JSON Schemas included), each problem named by `file:line:column` and what is wrong.
//!
//! A small registry maps a file to its checker by name: `*.tsv` is a lexicon, `ontology.json` the
//! ontology, any other `*.json` plain JSON (with structural checks when it is a JSON Schema).
//! Checks that need more than one file run after every file was read: a lexicon `parent` must
//! name a place of the built-in lexicons or of the files checked, and all lexicons together must
//! compile.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Result};
use crate::graph::EntityType;
use crate::lexicon::{self, Entry, Kind, Lexicon};
use crate::text::fold_key;

/// What a configuration file is checked as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checker {
    /// `*.tsv`: a lexicon (see `schemas/README.md`).
    Lexicon,
    /// `ontology.json`: entity and relation types.
    Ontology,
    /// Any other `*.json`; JSON Schemas (a `$schema` key) get structural checks too.
    Json,
}

/// The checker of a file, from its name; `None` for files validate does not know.
pub fn checker_for(path: &Path) -> Option<Checker> {
    let name = path.file_name()?.to_str()?;
    if name == "ontology.json" {
        return Some(Checker::Ontology);
    }
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "tsv" => Some(Checker::Lexicon),
        "json" => Some(Checker::Json),
        _ => None,
    }
}

/// What a validation found.
#[derive(Debug, Default)]
pub struct Report {
    /// Every file checked, in the order checked.
    pub files: Vec<PathBuf>,
    /// Every problem, in file order.
    pub problems: Vec<Error>,
}

impl Report {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks every known configuration file under `paths` (files, or folders read recursively in
/// sorted order). A path that does not exist, or a file named directly whose type is unknown, is
/// a problem; files of unknown type inside folders are passed over.
pub fn validate(paths: &[PathBuf]) -> Report {
    let mut report = Report::default();
    let mut files = Vec::new();
    for p in paths {
        match fs::metadata(p) {
            Err(e) => report.problems.push(Error::io(p, e)),
            Ok(m) if m.is_dir() => {
                let mut seen = HashSet::new();
                list_dir(p, &mut files, &mut seen, &mut report.problems);
            }
            Ok(_) if checker_for(p).is_none() => report.problems.push(Error::config(
                p.display().to_string(),
                "unknown kind of file; validate checks *.tsv lexicons, ontology.json and *.json files",
            )),
            Ok(_) => files.push(p.clone()),
        }
    }
    let mut lexicons: Vec<(String, String, Vec<Entry>)> = Vec::new();
    for path in files {
        let Some(checker) = checker_for(&path) else {
            continue;
        };
        let text = match fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    report.problems.push(Error::config(
                        path.display().to_string(),
                        format!(
                            "not UTF-8 (first bad byte at offset {})",
                            e.utf8_error().valid_up_to()
                        ),
                    ));
                    report.files.push(path);
                    continue;
                }
            },
            Err(e) => {
                report.problems.push(Error::io(&path, e));
                continue;
            }
        };
        let name = path.display().to_string();
        match checker {
            Checker::Lexicon => match lexicon::parse(&name, &text) {
                Ok(entries) => lexicons.push((name, text, entries)),
                Err(e) => report.problems.push(e),
            },
            _ => report.problems.extend(check_text(&path, &text)),
        }
        report.files.push(path);
    }
    report.problems.extend(check_lexicons_together(&lexicons));
    report
}

/// The checks of one file that need no other file (for `validate` and for fuzzing).
pub fn check_text(path: &Path, text: &str) -> Vec<Error> {
    let name = path.display().to_string();
    match checker_for(path) {
        Some(Checker::Lexicon) => lexicon::parse(&name, text).err().into_iter().collect(),
        // JSON syntax, then the ontology's own checks: unknown entity types in a relation,
        // unknown relations in a pattern, patterns that do not compile (file:line:column).
        Some(Checker::Ontology) => match check_json(&name, text) {
            Err(e) => vec![e],
            Ok(_) => crate::ontology::parse(&name, text)
                .err()
                .into_iter()
                .collect(),
        },
        Some(Checker::Json) => match check_json(&name, text) {
            Err(e) => vec![e],
            Ok(value) if value.get("$schema").is_some() => check_schema(&name, &value),
            Ok(_) => Vec::new(),
        },
        None => vec![Error::config(name, "unknown kind of file")],
    }
}

/// JSON syntax, with serde_json's line and column.
fn check_json(name: &str, text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| {
        let msg = e.to_string();
        // serde_json appends " at line L column C", which the location already says.
        let msg = msg
            .rsplit_once(" at line ")
            .map(|(m, _)| m.to_string())
            .unwrap_or(msg);
        Error::config(
            format!("{name}:{}:{}", e.line(), e.column()),
            format!("invalid JSON: {msg}"),
        )
    })
}

/// Cross-file lexicon checks: every `parent` names a known place; everything compiles.
fn check_lexicons_together(files: &[(String, String, Vec<Entry>)]) -> Vec<Error> {
    let mut problems = Vec::new();
    if files.is_empty() {
        return problems;
    }
    let builtin: Vec<Entry> = lexicon::BUILTIN
        .iter()
        .filter_map(|(name, text)| lexicon::parse(name, text).ok())
        .flatten()
        .collect();
    let mut places: BTreeSet<String> = BTreeSet::new();
    for e in builtin.iter().chain(files.iter().flat_map(|f| f.2.iter())) {
        // A parent may be a place, or an organization (a body of the European Union).
        if matches!(
            e.kind,
            Kind::Entity(EntityType::Place) | Kind::Entity(EntityType::Organization)
        ) {
            places.insert(fold_key(&e.name));
            places.extend(e.aliases.iter().map(|a| fold_key(a)));
        }
    }
    for (name, text, entries) in files {
        let lines: Vec<&str> = text.lines().collect();
        for e in entries {
            // Only entities and demonyms name a place as parent (a trigger's parent is its label noun).
            let names_a_place = matches!(e.kind, Kind::Entity(_) | Kind::Demonym);
            if !names_a_place || e.parent.is_empty() || places.contains(&fold_key(&e.parent)) {
                continue;
            }
            let line_no: usize = e
                .source
                .rsplit(':')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let column = lines
                .get(line_no.wrapping_sub(1))
                .map(|l| cell_column(l, 4))
                .unwrap_or(1);
            problems.push(Error::config(
                format!("{name}:{line_no}:{column}"),
                format!("parent {:?} names no place in the lexicons (add a `place` line for it, or fix the spelling)", e.parent),
            ));
        }
    }
    let all: Vec<Entry> = builtin
        .into_iter()
        .chain(files.iter().flat_map(|f| f.2.iter().cloned()))
        .collect();
    if let Err(e) = Lexicon::compile(all).and_then(|lex| lex.check_automaton()) {
        problems.push(e);
    }
    problems
}

/// 1-based column (in characters) where tab-separated cell `k` of a line starts.
fn cell_column(line: &str, k: usize) -> usize {
    line.split('\t')
        .take(k)
        .map(|c| c.chars().count() + 1)
        .sum::<usize>()
        + 1
}

/// Structural checks of a JSON Schema: the keywords that hold schemas hold schemas, `type` names
/// JSON types, `required` lists strings, regexes compile, local `$ref`s resolve. Problems are
/// located by file and JSON pointer.
fn check_schema(name: &str, root: &Value) -> Vec<Error> {
    let mut problems = Vec::new();
    schema_node(name, root, root, String::new(), 0, &mut problems);
    problems
}

const JSON_TYPES: &[&str] = &[
    "null", "boolean", "object", "array", "number", "string", "integer",
];

/// Deeper than this is refused (a schema is written by hand; this keeps recursion bounded).
const MAX_SCHEMA_DEPTH: usize = 64;

fn schema_node(
    name: &str,
    root: &Value,
    v: &Value,
    ptr: String,
    depth: usize,
    out: &mut Vec<Error>,
) {
    let mut problem = |at: &str, msg: String| {
        let at = if at.is_empty() {
            "/".to_string()
        } else {
            at.to_string()
        };
        out.push(Error::config(format!("{name}: at {at}"), msg));
    };
    if depth > MAX_SCHEMA_DEPTH {
        problem(
            &ptr,
            format!("schema nested deeper than {MAX_SCHEMA_DEPTH} levels"),
        );
        return;
    }
    let obj = match v {
        Value::Bool(_) => return,
        Value::Object(o) => o,
        _ => {
            problem(&ptr, "a schema must be an object or a boolean".into());
            return;
        }
    };
    let mut children: Vec<(String, &Value)> = Vec::new();
    for (key, val) in obj {
        let at = format!("{ptr}/{}", escape_pointer(key));
        match key.as_str() {
            "type" => {
                let names: Vec<&Value> = match val {
                    Value::Array(a) => a.iter().collect(),
                    other => vec![other],
                };
                for n in names {
                    match n.as_str() {
                        Some(t) if JSON_TYPES.contains(&t) => {}
                        _ => problem(
                            &at,
                            format!(
                                "unknown type {n}; expected one of {}",
                                JSON_TYPES.join(", ")
                            ),
                        ),
                    }
                }
            }
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => {
                match val {
                    Value::Object(m) => {
                        for (k, s) in m {
                            if key == "patternProperties" {
                                if let Err(e) = regex::Regex::new(k) {
                                    problem(
                                        &at,
                                        format!(
                                            "pattern {k:?} does not compile: {}",
                                            one_line(&e.to_string())
                                        ),
                                    );
                                }
                            }
                            children.push((format!("{at}/{}", escape_pointer(k)), s));
                        }
                    }
                    _ => problem(&at, format!("`{key}` must be an object of schemas")),
                }
            }
            "items"
            | "additionalProperties"
            | "additionalItems"
            | "not"
            | "if"
            | "then"
            | "else"
            | "contains"
            | "propertyNames"
            | "unevaluatedProperties"
            | "unevaluatedItems" => children.push((at, val)),
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => match val {
                Value::Array(a) if !a.is_empty() => {
                    children.extend(a.iter().enumerate().map(|(i, s)| (format!("{at}/{i}"), s)))
                }
                _ => problem(&at, format!("`{key}` must be a non-empty array of schemas")),
            },
            "required" => {
                let ok = val
                    .as_array()
                    .is_some_and(|a| a.iter().all(Value::is_string));
                if !ok {
                    problem(&at, "`required` must be an array of property names".into());
                }
            }
            "enum" if !val.is_array() => problem(&at, "`enum` must be an array".into()),
            "pattern" => match val.as_str() {
                Some(p) => {
                    if let Err(e) = regex::Regex::new(p) {
                        problem(
                            &at,
                            format!(
                                "pattern {p:?} does not compile: {}",
                                one_line(&e.to_string())
                            ),
                        );
                    }
                }
                None => problem(&at, "`pattern` must be a string".into()),
            },
            "$ref" => match val.as_str() {
                Some(r) if r.starts_with('#') => {
                    if root.pointer(&r[1..]).is_none() {
                        problem(&at, format!("$ref {r:?} points to nothing in this file"));
                    }
                }
                Some(_) => {}
                None => problem(&at, "`$ref` must be a string".into()),
            },
            "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties"
            | "maxProperties"
                if !val.is_u64() =>
            {
                problem(&at, format!("`{key}` must be a non-negative integer"))
            }
            _ => {}
        }
    }
    for (at, child) in children {
        schema_node(name, root, child, at, depth + 1, out);
    }
}

/// A JSON pointer token (RFC 6901).
fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lists the files validate knows under a folder, sorted, guarding against symlink loops.
fn list_dir(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    seen: &mut HashSet<PathBuf>,
    problems: &mut Vec<Error>,
) {
    match fs::canonicalize(dir) {
        Ok(c) => {
            if !seen.insert(c) {
                return;
            }
        }
        Err(e) => {
            problems.push(Error::io(dir, e));
            return;
        }
    }
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(Error::io(dir, e));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            list_dir(&p, out, seen, problems);
        } else if checker_for(&p).is_some() {
            out.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(name: &str, text: &str) -> Vec<String> {
        check_text(Path::new(name), text)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn checkers_by_file_name() {
        for (name, checker) in [
            ("schemas/lexicon/places.tsv", Some(Checker::Lexicon)),
            ("x/ontology.json", Some(Checker::Ontology)),
            ("graph.schema.json", Some(Checker::Json)),
            ("A.JSON", Some(Checker::Json)),
            ("README.md", None),
            ("tsv", None),
        ] {
            assert_eq!(checker_for(Path::new(name)), checker, "{name}");
        }
    }

    #[test]
    fn one_file_problems_table() {
        // (file name, content, expected start of the one problem, or "" for none)
        let rows = [
            ("a.json", "{\"a\": 1}", ""),
            (
                "a.json",
                "{\"a\": 1,\n \"b\": }",
                "a.json:2:7: invalid JSON: expected value",
            ),
            ("a.json", "", "a.json:1:0: invalid JSON: EOF"),
            (
                "ontology.json",
                "{\"types\": [}",
                "ontology.json:1:12: invalid JSON",
            ),
            (
                "s.json",
                r#"{"$schema": "x", "type": "strng"}"#,
                "s.json: at /type: unknown type \"strng\"",
            ),
            (
                "s.json",
                r#"{"$schema": "x", "properties": {"a": {"type": ["string", 3]}}}"#,
                "s.json: at /properties/a/type: unknown type 3",
            ),
            (
                "s.json",
                r#"{"$schema": "x", "properties": {"a": {"pattern": "(["}}}"#,
                "s.json: at /properties/a/pattern: pattern \"([\" does not compile",
            ),
            (
                "s.json",
                r##"{"$schema": "x", "items": {"$ref": "#/$defs/nope"}}"##,
                "s.json: at /items/$ref: $ref \"#/$defs/nope\" points to nothing",
            ),
            (
                "s.json",
                r##"{"$schema": "x", "$defs": {"n": {}}, "items": {"$ref": "#/$defs/n"}}"##,
                "",
            ),
            (
                "s.json",
                r#"{"$schema": "x", "required": "a"}"#,
                "s.json: at /required: `required` must be an array",
            ),
            (
                "s.json",
                r#"{"$schema": "x", "anyOf": []}"#,
                "s.json: at /anyOf: `anyOf` must be a non-empty array",
            ),
            (
                "s.json",
                r#"{"$schema": "x", "properties": {"a": 3}}"#,
                "s.json: at /properties/a: a schema must be an object",
            ),
            ("l.tsv", "place\tA\n", ""),
            ("l.tsv", "place\tA\nplase\tB\n", "l.tsv:2:1: unknown kind"),
            ("l.tsv", "place\tA\ta;;b\n", "l.tsv:1:9: empty alias"),
            (
                "l.tsv",
                "place\tA\t-\tcity\tB\textra\n",
                "l.tsv:1:18: too many columns",
            ),
        ];
        for (name, text, want) in rows {
            let got = problems(name, text);
            if want.is_empty() {
                assert!(got.is_empty(), "{name} {text:?}: {got:?}");
            } else {
                assert_eq!(got.len(), 1, "{name} {text:?}: {got:?}");
                assert!(got[0].starts_with(want), "{name} {text:?}: {}", got[0]);
            }
        }
    }

    #[test]
    fn deep_schemas_stop_with_a_problem() {
        let text = format!(
            "{{\"$schema\": \"x\", {}\"type\": \"string\"{}}}",
            "\"not\": {".repeat(100),
            "}".repeat(100)
        );
        let got = problems("deep.json", &text);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].contains("nested deeper"), "{got:?}");
    }

    #[test]
    fn parents_must_name_places_across_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.tsv"), "place\tRuritania\t-\tcountry\n").unwrap();
        std::fs::write(
            dir.path().join("b.tsv"),
            "place\tStrelsau\t-\tcity\tRuritania\nplace\tZenda\t-\tcity\tRuritanya\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("notes.md"), "not checked").unwrap();
        let report = validate(&[dir.path().to_path_buf()]);
        assert_eq!(report.files.len(), 2);
        let got: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].ends_with("b.tsv:2:20: parent \"Ruritanya\" names no place in the lexicons (add a `place` line for it, or fix the spelling)"), "{}", got[0]);
    }

    #[test]
    fn the_repository_schemas_are_valid() {
        let report = validate(&[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemas")]);
        let got: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        assert!(got.is_empty(), "{got:?}");
        assert!(!report.files.is_empty());
    }
}
