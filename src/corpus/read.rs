//! Listing inputs (files, recursive folders, `-`) and reading each into documents.

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{html_to_text, Document, Warning};
use crate::error::{Error, Result};

/// How a source's bytes are turned into documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SourceKind {
    Text,
    Html,
    JsonLines,
}

impl SourceKind {
    /// The kind from a file name's extension; `None` for files we do not read.
    pub fn from_path(path: &Path) -> Option<SourceKind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" | "md" => Some(SourceKind::Text),
            "html" | "htm" => Some(SourceKind::Html),
            "jsonl" => Some(SourceKind::JsonLines),
            _ => None,
        }
    }
}

/// One input to read: a file (or standard input) and the document id its documents get.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Source {
    /// Document id (or id prefix for JSON Lines): the path relative to the input it was found under.
    pub id: String,
    /// `None` for standard input.
    pub path: Option<PathBuf>,
    pub kind: SourceKind,
}

impl Source {
    pub fn display(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => "<stdin>".to_string(),
        }
    }
}

/// Lists every readable source under `inputs`, in a fixed order: inputs as given, each folder's
/// files sorted by relative path. A path that does not exist is an error naming it; files of
/// unknown type inside folders are passed over (named directly, they are read as plain text).
pub fn list_inputs(inputs: &[PathBuf], warnings: &mut Vec<Warning>) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            out.push(Source { id: "stdin".into(), path: None, kind: SourceKind::Text });
            continue;
        }
        let meta = fs::metadata(input).map_err(|e| Error::io(input, e))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            let mut seen = BTreeSet::new();
            walk(input, input, &mut found, &mut seen, warnings);
            found.sort();
            out.extend(found);
        } else {
            let name = input.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let kind = SourceKind::from_path(input).unwrap_or(SourceKind::Text);
            out.push(Source { id: name, path: Some(input.clone()), kind });
        }
    }
    Ok(out)
}

fn walk(
    root: &Path,
    dir: &Path,
    out: &mut Vec<Source>,
    seen: &mut BTreeSet<PathBuf>,
    warnings: &mut Vec<Warning>,
) {
    // Symlink loops: remember each folder by its canonical path.
    match fs::canonicalize(dir) {
        Ok(c) => {
            if !seen.insert(c) {
                warnings.push(Warning {
                    location: dir.display().to_string(),
                    message: "folder already visited (symlink loop?); skipped".into(),
                });
                return;
            }
        }
        Err(e) => {
            warnings.push(Warning { location: dir.display().to_string(), message: format!("cannot read: {e}; skipped") });
            return;
        }
    }
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            warnings.push(Warning { location: dir.display().to_string(), message: format!("cannot read folder: {e}; skipped") });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let meta = match fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                warnings.push(Warning { location: path.display().to_string(), message: format!("cannot read: {e}; skipped") });
                continue;
            }
        };
        if meta.is_dir() {
            walk(root, &path, out, seen, warnings);
        } else if let Some(kind) = SourceKind::from_path(&path) {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let id = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/");
            out.push(Source { id, path: Some(path), kind });
        }
    }
}

/// Reads one source into its documents. Problems with a single file (unreadable, binary) are
/// warnings and yield no document; a broken JSON line is a warning and the other lines are read.
pub fn read_source(source: &Source, warnings: &mut Vec<Warning>) -> Vec<Document> {
    let bytes = match &source.path {
        None => {
            let mut buf = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut buf) {
                warnings.push(Warning { location: "<stdin>".into(), message: format!("cannot read: {e}") });
                return Vec::new();
            }
            buf
        }
        Some(p) => match fs::read(p) {
            Ok(b) => b,
            Err(e) => {
                warnings.push(Warning { location: p.display().to_string(), message: format!("cannot read: {e}; skipped") });
                return Vec::new();
            }
        },
    };
    let location = source.display();
    if looks_binary(&bytes) {
        warnings.push(Warning { location, message: "binary file (NUL bytes); skipped".into() });
        return Vec::new();
    }
    let text = decode(bytes, &location, warnings);
    match source.kind {
        SourceKind::Text => vec![Document::new(source.id.clone(), text)],
        SourceKind::Html => {
            let (body, title) = html_to_text(&text);
            let mut doc = Document::new(source.id.clone(), body);
            doc.title = title;
            vec![doc]
        }
        SourceKind::JsonLines => read_json_lines(source, &location, &text, warnings),
    }
}

fn looks_binary(bytes: &[u8]) -> bool {
    bytes.iter().take(8192).any(|&b| b == 0)
}

/// UTF-8, or a lossy decode with one warning naming the first bad byte.
fn decode(bytes: Vec<u8>, location: &str, warnings: &mut Vec<Warning>) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").map(<[u8]>::to_vec).unwrap_or(bytes);
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            warnings.push(Warning {
                location: location.to_string(),
                message: format!("invalid UTF-8 at byte {at}; decoded lossily (bad bytes become U+FFFD)"),
            });
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    }
}

#[derive(serde::Deserialize)]
struct JsonLine {
    text: String,
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

fn read_json_lines(source: &Source, location: &str, text: &str, warnings: &mut Vec<Warning>) -> Vec<Document> {
    let mut docs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<JsonLine>(line) {
            Ok(j) => {
                let id = match j.id {
                    Some(serde_json::Value::String(s)) if !s.is_empty() => s,
                    Some(serde_json::Value::Number(num)) => num.to_string(),
                    _ => format!("{}:{}", source.id, n),
                };
                docs.push(Document { id, text: j.text, title: j.title, date: j.date, url: j.url });
            }
            Err(e) => warnings.push(Warning {
                location: format!("{location}:{n}:{}", e.column()),
                message: format!("not an article ({e}); line skipped"),
            }),
        }
    }
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_extensions() {
        for (name, kind) in [
            ("a.txt", Some(SourceKind::Text)),
            ("a.TEXT", Some(SourceKind::Text)),
            ("a.md", Some(SourceKind::Text)),
            ("a.html", Some(SourceKind::Html)),
            ("a.htm", Some(SourceKind::Html)),
            ("a.jsonl", Some(SourceKind::JsonLines)),
            ("a.pdf", None),
            ("noext", None),
        ] {
            assert_eq!(SourceKind::from_path(Path::new(name)), kind, "{name}");
        }
    }

    #[test]
    fn json_lines_ids_and_broken_lines() {
        let src = Source { id: "a.jsonl".into(), path: None, kind: SourceKind::JsonLines };
        let mut w = Vec::new();
        let docs = read_json_lines(&src, "a.jsonl", "{\"text\":\"x\",\"id\":\"k1\"}\n{broken\n{\"text\":\"y\"}\n", &mut w);
        assert_eq!(docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["k1", "a.jsonl:3"]);
        assert_eq!(w.len(), 1);
        assert!(w[0].location.starts_with("a.jsonl:2"), "{}", w[0].location);
    }

    #[test]
    fn lossy_decode_names_first_bad_byte() {
        let mut w = Vec::new();
        let s = decode(b"ab\xffcd".to_vec(), "f.txt", &mut w);
        assert_eq!(s, "ab\u{FFFD}cd");
        assert!(w[0].message.contains("byte 2"));
    }
}
