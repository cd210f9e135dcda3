//! Listing inputs (files, recursive folders, `-`) and reading each into documents.

use std::collections::BTreeSet;
use std::fs;
use std::io::{Read, Seek, SeekFrom};
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
    /// For a large JSON Lines file, the part of it this source reads.
    pub part: Option<Part>,
}

/// A run of whole lines of a JSON Lines file: bytes `[start, end)`, the first being line
/// `first_line` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Part {
    pub start: u64,
    pub end: u64,
    pub first_line: usize,
}

/// JSON Lines files larger than this are read in parts of about this size, each cut after a
/// line end: one big file is never held whole, and its parts are extracted in parallel.
pub const PART_BYTES: u64 = 8 << 20;

impl Source {
    /// Bytes this source reads, when known (0 for standard input).
    pub fn size(&self) -> u64 {
        match (&self.part, &self.path) {
            (Some(p), _) => p.end - p.start,
            (None, Some(path)) => fs::metadata(path).map_or(0, |m| m.len()),
            (None, None) => 0,
        }
    }

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
            out.push(Source {
                id: "stdin".into(),
                path: None,
                kind: SourceKind::Text,
                part: None,
            });
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
            let name = input
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let kind = SourceKind::from_path(input).unwrap_or(SourceKind::Text);
            out.push(Source {
                id: name,
                path: Some(input.clone()),
                kind,
                part: None,
            });
        }
    }
    // Two inputs can give the same id (`a/x.txt b/x.txt`, or two folders with the same layout):
    // the later ones take their path as given, so every document keeps an id of its own.
    let mut taken = BTreeSet::new();
    for s in &mut out {
        if !taken.insert(s.id.clone()) {
            if let Some(p) = &s.path {
                s.id = p.display().to_string();
                taken.insert(s.id.clone());
            }
        }
    }
    let mut parted = Vec::with_capacity(out.len());
    for s in out {
        parted.extend(split_parts(s, PART_BYTES, warnings));
    }
    Ok(parted)
}

/// A large JSON Lines file as parts of whole lines of about `part_bytes` each (any other
/// source, or a file that cannot be read now, stays whole: reading it reports the problem).
/// Finding the cuts reads the file once, counting lines, without holding it.
fn split_parts(s: Source, part_bytes: u64, warnings: &mut Vec<Warning>) -> Vec<Source> {
    let Some(path) = s.path.as_ref().filter(|_| s.kind == SourceKind::JsonLines) else {
        return vec![s];
    };
    let size = fs::metadata(path).map_or(0, |m| m.len());
    if size <= part_bytes {
        return vec![s];
    }
    let Ok(mut file) = fs::File::open(path) else {
        return vec![s];
    };
    let mut parts = Vec::new();
    let (mut start, mut first_line) = (0u64, 1usize);
    let (mut pos, mut line) = (0u64, 1usize);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                warnings.push(Warning {
                    location: path.display().to_string(),
                    message: format!("cannot read: {e}; read whole"),
                });
                return vec![s];
            }
        };
        // UTF-16 files are decoded whole: their line ends are two bytes wide.
        if pos == 0 && matches!(buf[..n], [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..]) {
            return vec![s];
        }
        for (i, &b) in buf[..n].iter().enumerate() {
            if b != b'\n' {
                continue;
            }
            line += 1;
            let after = pos + i as u64 + 1;
            if after - start >= part_bytes {
                parts.push(Part {
                    start,
                    end: after,
                    first_line,
                });
                (start, first_line) = (after, line);
            }
        }
        pos += n as u64;
    }
    if pos > start {
        parts.push(Part {
            start,
            end: pos,
            first_line,
        });
    }
    if parts.len() <= 1 {
        return vec![s];
    }
    parts
        .into_iter()
        .map(|p| Source {
            part: Some(p),
            ..s.clone()
        })
        .collect()
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
            warnings.push(Warning {
                location: dir.display().to_string(),
                message: format!("cannot read: {e}; skipped"),
            });
            return;
        }
    }
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            warnings.push(Warning {
                location: dir.display().to_string(),
                message: format!("cannot read folder: {e}; skipped"),
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let meta = match fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                warnings.push(Warning {
                    location: path.display().to_string(),
                    message: format!("cannot read: {e}; skipped"),
                });
                continue;
            }
        };
        if meta.is_dir() {
            walk(root, &path, out, seen, warnings);
        } else if let Some(kind) = SourceKind::from_path(&path) {
            if !meta.is_file() {
                // A FIFO or device named `*.txt` would block or never end: only named inputs
                // (`kgraph build <(cmd)`) may be special files.
                warnings.push(Warning {
                    location: path.display().to_string(),
                    message: "not a regular file; skipped".into(),
                });
                continue;
            }
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let id = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push(Source {
                id,
                path: Some(path),
                kind,
                part: None,
            });
        }
    }
}

/// Reads one source into its documents. Problems with a single file (unreadable, vanished,
/// binary, empty) are warnings and yield no document; a broken JSON line is a warning and the
/// other lines are read.
pub fn read_source(source: &Source, warnings: &mut Vec<Warning>) -> Vec<Document> {
    let bytes = match &source.path {
        None => {
            let mut buf = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut buf) {
                warnings.push(Warning {
                    location: "<stdin>".into(),
                    message: format!("cannot read: {e}"),
                });
                return Vec::new();
            }
            buf
        }
        Some(p) => match read_part(p, source.part) {
            Ok(b) => b,
            Err(e) => {
                warnings.push(Warning {
                    location: p.display().to_string(),
                    message: format!("cannot read: {e}; skipped"),
                });
                return Vec::new();
            }
        },
    };
    documents_from_bytes(source, bytes, warnings)
}

/// The bytes of a file, or of one part of it.
fn read_part(path: &Path, part: Option<Part>) -> std::io::Result<Vec<u8>> {
    let Some(p) = part else {
        return fs::read(path);
    };
    let mut file = fs::File::open(path)?;
    file.seek(SeekFrom::Start(p.start))?;
    let mut buf = Vec::with_capacity((p.end - p.start) as usize);
    file.take(p.end - p.start).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Turns the bytes of one source into its documents (the part of [`read_source`] after the
/// read, for callers that already hold the bytes: tests, fuzzing, embedding).
pub fn documents_from_bytes(
    source: &Source,
    bytes: Vec<u8>,
    warnings: &mut Vec<Warning>,
) -> Vec<Document> {
    let location = source.display();
    let offset = source.part.map_or(0, |p| p.start);
    let text = match decode(bytes, offset, &location, warnings) {
        Some(t) => t,
        None => return Vec::new(),
    };
    let docs = match source.kind {
        SourceKind::Text => vec![Document::new(source.id.clone(), text)],
        SourceKind::Html => {
            let (body, title) = html_to_text(&text);
            let mut doc = Document::new(source.id.clone(), body);
            doc.title = title;
            vec![doc]
        }
        SourceKind::JsonLines => return read_json_lines(source, &location, &text, warnings),
    };
    docs.into_iter()
        .filter(|d| {
            let empty = d.text.trim().is_empty();
            if empty {
                let what = if source.kind == SourceKind::Html {
                    "no visible text"
                } else {
                    "empty"
                };
                warnings.push(Warning {
                    location: location.clone(),
                    message: format!("{what}; skipped"),
                });
            }
            !empty
        })
        .collect()
}

/// How much of a file's start is looked at to tell text from binary.
const SNIFF: usize = 8192;

/// Whether the bytes are not text: a NUL byte, or many control characters, near the start.
/// (UTF-16 text has NULs too; it is recognized by its byte order mark before this test.)
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SNIFF)];
    if head.contains(&0) {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)) || b == 0x7F)
        .count();
    controls * 10 > head.len()
}

/// The text of a file: UTF-8 (a byte order mark dropped), UTF-16 with a byte order mark, or a
/// lossy UTF-8 decode with one warning naming the first bad byte. `None` (with a warning) for
/// binary files.
fn decode(
    bytes: Vec<u8>,
    offset: u64,
    location: &str,
    warnings: &mut Vec<Warning>,
) -> Option<String> {
    if let Some(text) = decode_utf16_bom(&bytes, location, warnings) {
        return Some(text);
    }
    if looks_binary(&bytes) {
        warnings.push(Warning {
            location: location.to_string(),
            message: "binary file (not text); skipped".into(),
        });
        return None;
    }
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    Some(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let at = offset + e.utf8_error().valid_up_to() as u64;
            warnings.push(Warning {
                location: location.to_string(),
                message: format!(
                    "invalid UTF-8 at byte {at}; decoded lossily (bad bytes become U+FFFD)"
                ),
            });
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    })
}

/// UTF-16 text marked by its byte order mark (as Windows tools write it), decoded; unpaired
/// surrogates become U+FFFD with a warning.
fn decode_utf16_bom(bytes: &[u8], location: &str, warnings: &mut Vec<Warning>) -> Option<String> {
    let little = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let units = bytes[2..].chunks(2).map(|c| match c {
        [a, b] if little => u16::from_le_bytes([*a, *b]),
        [a, b] => u16::from_be_bytes([*a, *b]),
        _ => 0xFFFD, // an odd trailing byte
    });
    let mut bad: Option<usize> = None;
    let mut out = String::with_capacity(bytes.len() / 2);
    for (i, r) in char::decode_utf16(units).enumerate() {
        out.push(r.unwrap_or_else(|_| {
            bad.get_or_insert(2 + 2 * i);
            '\u{FFFD}'
        }));
    }
    if bytes.len() % 2 == 1 {
        bad.get_or_insert(bytes.len() - 1);
    }
    if let Some(at) = bad {
        warnings.push(Warning {
            location: location.to_string(),
            message: format!(
                "invalid UTF-16 near byte {at}; decoded lossily (bad units become U+FFFD)"
            ),
        });
    }
    Some(out)
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

fn read_json_lines(
    source: &Source,
    location: &str,
    text: &str,
    warnings: &mut Vec<Warning>,
) -> Vec<Document> {
    let mut docs = Vec::new();
    let first_line = source.part.map_or(1, |p| p.first_line);
    for (i, line) in text.lines().enumerate() {
        let n = first_line + i;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<JsonLine>(line) {
            Ok(j) if j.text.trim().is_empty() => warnings.push(Warning {
                location: format!("{location}:{n}"),
                message: "empty \"text\"; line skipped".into(),
            }),
            Ok(j) => {
                let id = match j.id {
                    Some(serde_json::Value::String(s)) if !s.is_empty() => s,
                    Some(serde_json::Value::Number(num)) => num.to_string(),
                    _ => format!("{}:{}", source.id, n),
                };
                docs.push(Document {
                    id,
                    text: j.text,
                    title: j.title,
                    date: j.date,
                    url: j.url,
                });
            }
            Err(e) => {
                // serde_json ends its message with " at line 1 column C": the location says it.
                let msg = e.to_string();
                let msg = msg
                    .rsplit_once(" at line ")
                    .map(|(m, _)| m.to_string())
                    .unwrap_or(msg);
                warnings.push(Warning {
                    location: format!("{location}:{n}:{}", e.column()),
                    message: format!("not a JSON article ({msg}); line skipped"),
                })
            }
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
        let src = Source {
            id: "a.jsonl".into(),
            path: None,
            kind: SourceKind::JsonLines,
            part: None,
        };
        let mut w = Vec::new();
        let docs = read_json_lines(
            &src,
            "a.jsonl",
            "{\"text\":\"x\",\"id\":\"k1\"}\n{broken\n{\"text\":\"y\"}\n",
            &mut w,
        );
        assert_eq!(
            docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
            ["k1", "a.jsonl:3"]
        );
        assert_eq!(w.len(), 1);
        assert!(w[0].location.starts_with("a.jsonl:2"), "{}", w[0].location);
    }

    #[test]
    fn json_lines_parts_read_like_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.jsonl");
        let mut body = String::new();
        for i in 0..40 {
            match i {
                7 => body.push_str("{broken\r\n"),
                12 => body.push('\n'),
                20 => body.push_str("{\"text\":\"caf\u{e9} \u{2019}s\"}\n"),
                _ => body.push_str(&format!("{{\"text\":\"article {i}\"}}\n")),
            }
        }
        body.push_str("{\"text\":\"last, no line end\"}");
        fs::write(&path, &body).unwrap();
        let whole = Source {
            id: "big.jsonl".into(),
            path: Some(path.clone()),
            kind: SourceKind::JsonLines,
            part: None,
        };
        let read_all = |sources: &[Source]| {
            let mut w = Vec::new();
            let docs: Vec<(String, String)> = sources
                .iter()
                .flat_map(|s| read_source(s, &mut w))
                .map(|d| (d.id, d.text))
                .collect();
            let w: Vec<String> = w.into_iter().map(|w| w.location).collect();
            (docs, w)
        };
        let expected = read_all(std::slice::from_ref(&whole));
        assert_eq!(expected.0.len(), 39);
        for part_bytes in [1, 10, 30, 100, 500] {
            let mut w = Vec::new();
            let parts = split_parts(whole.clone(), part_bytes, &mut w);
            assert!(w.is_empty());
            assert!(parts.len() > 1, "{part_bytes}");
            // The parts tile the file, each cut right after a line end.
            assert_eq!(parts[0].part.unwrap().start, 0);
            assert_eq!(parts.last().unwrap().part.unwrap().end, body.len() as u64);
            for pair in parts.windows(2) {
                let (a, b) = (pair[0].part.unwrap(), pair[1].part.unwrap());
                assert_eq!(a.end, b.start);
                assert_eq!(body.as_bytes()[a.end as usize - 1], b'\n');
            }
            assert_eq!(read_all(&parts), expected, "{part_bytes}");
        }
        // Small files, other kinds and UTF-16 files stay whole.
        let mut w = Vec::new();
        assert_eq!(split_parts(whole.clone(), 1 << 20, &mut w).len(), 1);
        let text = Source {
            kind: SourceKind::Text,
            ..whole.clone()
        };
        assert_eq!(split_parts(text, 10, &mut w).len(), 1);
        fs::write(&path, b"\xFF\xFE{\0}\0\n\0{\0}\0\n\0").unwrap();
        assert_eq!(split_parts(whole, 2, &mut w).len(), 1);
    }

    #[test]
    fn lossy_decode_names_first_bad_byte() {
        let mut w = Vec::new();
        let s = decode(b"ab\xffcd".to_vec(), 0, "f.txt", &mut w).unwrap();
        assert_eq!(s, "ab\u{FFFD}cd");
        assert!(w[0].message.contains("byte 2"));
    }

    fn docs_of(kind: SourceKind, bytes: &[u8]) -> (Vec<Document>, Vec<Warning>) {
        let src = Source {
            id: "f".into(),
            path: Some(PathBuf::from("dir/f")),
            kind,
            part: None,
        };
        let mut w = Vec::new();
        let docs = documents_from_bytes(&src, bytes.to_vec(), &mut w);
        (docs, w)
    }

    #[test]
    fn bytes_to_documents_table() {
        use SourceKind::*;
        // (kind, bytes, expected texts, expected warning fragment or "")
        let rows: &[(SourceKind, &[u8], &[&str], &str)] = &[
            (Text, b"plain", &["plain"], ""),
            (Text, b"\xEF\xBB\xBFbom", &["bom"], ""),
            (Text, b"", &[], "empty; skipped"),
            (Text, b" \n\t\n", &[], "empty; skipped"),
            (Text, b"ab\0cd", &[], "binary file"),
            (Text, b"\x01\x02\x03\x04ab", &[], "binary file"),
            (
                Text,
                b"\x1b[1mbold\x1b[0m and a long enough line of ordinary text",
                &["\x1b[1mbold\x1b[0m and a long enough line of ordinary text"],
                "",
            ),
            (Text, b"\xFF\xFEh\0i\0", &["hi"], ""),
            (Text, b"\xFE\xFF\0h\0i", &["hi"], ""),
            (
                Text,
                b"\xFF\xFEh\0\x00\xD8i\0",
                &["h\u{FFFD}i"],
                "invalid UTF-16 near byte 4",
            ),
            (
                Text,
                b"Caf\xe9",
                &["Caf\u{FFFD}"],
                "invalid UTF-8 at byte 3",
            ),
            (
                Html,
                b"<script>only()</script>",
                &[],
                "no visible text; skipped",
            ),
            (Html, b"<p>Hi</p>", &["Hi"], ""),
            (
                JsonLines,
                b"{\"text\":\"  \"}\n{\"text\":\"ok\"}",
                &["ok"],
                "empty \"text\"",
            ),
            (
                JsonLines,
                b"{\"title\":\"no text\"}",
                &[],
                "missing field `text`",
            ),
        ];
        for (kind, bytes, texts, warning) in rows {
            let (docs, w) = docs_of(*kind, bytes);
            let got: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
            assert_eq!(&got, texts, "{bytes:?}");
            if warning.is_empty() {
                assert!(w.is_empty(), "{bytes:?}: {w:?}");
            } else {
                assert_eq!(w.len(), 1, "{bytes:?}: {w:?}");
                assert!(w[0].to_string().contains(warning), "{bytes:?}: {}", w[0]);
                assert!(w[0].location.starts_with("dir/f"), "{}", w[0].location);
            }
        }
    }

    #[test]
    fn the_same_id_from_two_inputs_becomes_the_path() {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["a", "b"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
            std::fs::write(dir.path().join(sub).join("x.txt"), sub).unwrap();
        }
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        let mut w = Vec::new();
        let ids: Vec<String> = list_inputs(&[a.clone(), b.clone(), b.join("x.txt")], &mut w)
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect();
        let bx = b.join("x.txt").display().to_string();
        assert_eq!(ids, ["x.txt".to_string(), bx.clone(), bx]);
    }

    #[test]
    fn a_file_that_vanishes_after_listing_is_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("gone.txt");
        std::fs::write(&f, "text").unwrap();
        let mut w = Vec::new();
        let sources = list_inputs(&[dir.path().to_path_buf()], &mut w).unwrap();
        assert_eq!(sources.len(), 1);
        std::fs::remove_file(&f).unwrap();
        assert!(read_source(&sources[0], &mut w).is_empty());
        assert_eq!(w.len(), 1);
        assert!(
            w[0].to_string().contains("gone.txt: cannot read"),
            "{}",
            w[0]
        );
    }

    #[cfg(unix)]
    #[test]
    fn special_files_in_folders_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.txt");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipping: mkfifo not available");
            return;
        }
        let mut w = Vec::new();
        let sources = list_inputs(&[dir.path().to_path_buf()], &mut w).unwrap();
        assert!(sources.is_empty());
        assert!(w[0].to_string().contains("not a regular file"), "{w:?}");
    }
}
