//! Entity-level scores on a CoNLL-2003 file (`kgraph eval conll`).
//!
//! The input is the CoNLL-2003 column format: one token per line (`token POS chunk NER`, the
//! NER tag in the last column, IOB1), blank lines between sentences, `-DOCSTART-` lines between
//! documents. Each document's text is rebuilt by joining its tokens with single spaces, one
//! sentence per line, sentences separated by an empty line so that the segmenter sees each as
//! its own paragraph (many CoNLL "sentences" are headlines or table rows with no final period,
//! which would otherwise be joined to the next line). The library's extraction runs on each
//! document as a whole (resolution is per document) and its person, organization and place
//! mentions are compared with the gold PER, ORG and LOC chunks, exact token spans and types.
//!
//! MISC chunks are not scored: a prediction whose span is exactly a MISC chunk is set aside
//! (counted in `misc_ignored`), any other prediction on a MISC chunk is a false positive.
//! Event mentions are not scored. A prediction whose span does not start and end on token
//! boundaries of one sentence is a false positive (kind `misaligned`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::corpus::Document;
use crate::error::{Error, Result};
use crate::graph::EntityType;
use crate::pipeline::Pipeline;

use crate::text::{segment, Span};

use super::{score_header, score_row, Counts, Score};

/// Between two sentences of a rebuilt document: an empty line, so each is its own paragraph.
pub const SENTENCE_SEPARATOR: &str = "\n\n";

/// The scored types, in report order.
pub const SCORED: [&str; 3] = ["PER", "ORG", "LOC"];

/// One NER tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tag {
    O,
    /// `I-X`: inside a chunk of type X (IOB1: also the start of a chunk after O or another type).
    I(String),
    /// `B-X`: the start of a chunk right after another chunk of the same type.
    B(String),
}

impl Tag {
    /// Parses `O`, `I-X`, `B-X`.
    pub fn parse(s: &str) -> Option<Tag> {
        if s == "O" {
            return Some(Tag::O);
        }
        let (prefix, ty) = s.split_once('-')?;
        if ty.is_empty() {
            return None;
        }
        match prefix {
            "I" => Some(Tag::I(ty.to_string())),
            "B" => Some(Tag::B(ty.to_string())),
            _ => None,
        }
    }

    fn etype(&self) -> Option<&str> {
        match self {
            Tag::O => None,
            Tag::I(t) | Tag::B(t) => Some(t),
        }
    }
}

/// A sentence of a CoNLL file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub tokens: Vec<String>,
    pub tags: Vec<Tag>,
    /// Line of its first token in the file (1-based).
    pub line: usize,
}

/// A document of a CoNLL file (the sentences between two `-DOCSTART-` lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConllDoc {
    pub sentences: Vec<Sentence>,
    /// Line of its `-DOCSTART-` (or of its first token) in the file (1-based).
    pub line: usize,
}

/// An entity chunk: tokens `[start, end)` of one sentence.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
    pub etype: String,
}

/// Reads a CoNLL file.
pub fn read(path: &Path) -> Result<Vec<ConllDoc>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8_lossy(&bytes);
    parse(&text, &path.display().to_string())
}

/// Parses CoNLL text; `location` names it in errors ("file:line: …").
pub fn parse(text: &str, location: &str) -> Result<Vec<ConllDoc>> {
    let mut docs: Vec<ConllDoc> = Vec::new();
    let mut cur: Option<ConllDoc> = None;
    let mut sent: Option<Sentence> = None;
    fn end_sentence(cur: &mut Option<ConllDoc>, sent: &mut Option<Sentence>) {
        if let Some(s) = sent.take() {
            let line = s.line;
            cur.get_or_insert_with(|| ConllDoc {
                sentences: Vec::new(),
                line,
            })
            .sentences
            .push(s);
        }
    }
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let cols: Vec<&str> = raw.split_whitespace().collect();
        if cols.is_empty() {
            end_sentence(&mut cur, &mut sent);
            continue;
        }
        if cols[0] == "-DOCSTART-" {
            end_sentence(&mut cur, &mut sent);
            if let Some(d) = cur.take() {
                docs.push(d);
            }
            cur = Some(ConllDoc {
                sentences: Vec::new(),
                line: line_no,
            });
            continue;
        }
        if cols.len() < 2 {
            return Err(Error::bad_input(
                format!("{location}:{line_no}"),
                "expected a token and its NER tag (columns `token POS chunk NER`)",
            ));
        }
        let tag_text = cols[cols.len() - 1];
        let Some(tag) = Tag::parse(tag_text) else {
            return Err(Error::bad_input(
                format!("{location}:{line_no}"),
                format!("`{tag_text}` is not an NER tag (expected O, I-TYPE or B-TYPE in the last column)"),
            ));
        };
        let s = sent.get_or_insert_with(|| Sentence {
            tokens: Vec::new(),
            tags: Vec::new(),
            line: line_no,
        });
        s.tokens.push(cols[0].to_string());
        s.tags.push(tag);
    }
    end_sentence(&mut cur, &mut sent);
    if let Some(d) = cur.take() {
        docs.push(d);
    }
    docs.retain(|d| !d.sentences.is_empty());
    Ok(docs)
}

/// The entity chunks of one sentence's IOB1 tags: `I-X` starts a chunk unless the previous tag
/// is `I-X` or `B-X`; `B-X` always starts one. (IOB2 input, where every chunk opens with `B-`,
/// gives the same chunks.)
pub fn chunks(tags: &[Tag]) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = Vec::new();
    let mut open = false;
    for (i, tag) in tags.iter().enumerate() {
        let continues = match tag {
            Tag::O => {
                open = false;
                continue;
            }
            Tag::B(_) => false,
            Tag::I(t) => open && i > 0 && tags[i - 1].etype() == Some(t.as_str()),
        };
        if continues {
            if let Some(last) = out.last_mut() {
                last.end = i + 1;
            }
        } else {
            out.push(Chunk {
                start: i,
                end: i + 1,
                etype: tag.etype().unwrap_or_default().to_string(),
            });
        }
        open = true;
    }
    out
}

/// A document's text rebuilt from its tokens, with the byte span of every token and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebuilt {
    pub text: String,
    /// Span of each sentence's line.
    pub lines: Vec<Span>,
    /// Span of each token, per sentence.
    pub tokens: Vec<Vec<Span>>,
}

/// Joins tokens with single spaces and sentences with [`SENTENCE_SEPARATOR`].
pub fn rebuild(doc: &ConllDoc) -> Rebuilt {
    let mut text = String::new();
    let mut lines = Vec::with_capacity(doc.sentences.len());
    let mut tokens = Vec::with_capacity(doc.sentences.len());
    for (si, s) in doc.sentences.iter().enumerate() {
        if si > 0 {
            text.push_str(SENTENCE_SEPARATOR);
        }
        let line_start = text.len();
        let mut spans = Vec::with_capacity(s.tokens.len());
        for (ti, t) in s.tokens.iter().enumerate() {
            if ti > 0 {
                text.push(' ');
            }
            let start = text.len();
            text.push_str(t);
            spans.push(Span::new(start, text.len()));
        }
        lines.push(Span::new(line_start, text.len()));
        tokens.push(spans);
    }
    Rebuilt {
        text,
        lines,
        tokens,
    }
}

/// The CoNLL label of an extracted type (events are not scored).
pub fn conll_type(t: EntityType) -> Option<&'static str> {
    match t {
        EntityType::Person => Some("PER"),
        EntityType::Organization => Some("ORG"),
        EntityType::Place => Some("LOC"),
        EntityType::Event => None,
    }
}

/// A false positive or false negative, for `--errors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorItem {
    /// Document number in the file (1-based).
    pub doc: usize,
    /// Line of the sentence's first token in the file.
    pub line: usize,
    /// The entity's text.
    pub text: String,
    /// Its type (predicted for a false positive, gold for a false negative).
    #[serde(rename = "type")]
    pub etype: String,
    /// What went wrong: `wrong type`, `boundary`, `misaligned`, `not in gold`, `not detected`,
    /// `dropped line` (the segmenter gave its line no sentence, e.g. as boilerplate).
    pub kind: String,
    /// The other side: the gold chunk or prediction it was confused with.
    pub detail: String,
    /// The sentence, tokens joined by spaces.
    pub sentence: String,
    /// Byte offset in the rebuilt document, for ordering.
    #[serde(skip)]
    offset: usize,
}

/// How the segmenter cut the rebuilt text, compared with the file's sentences.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Segmentation {
    /// Sentences of the file (lines of the rebuilt text).
    pub lines: usize,
    /// Sentences the segmenter found.
    pub sentences: usize,
    /// Lines that got no sentence at all (boilerplate: navigation, timestamps, repeats…).
    pub dropped_lines: usize,
    /// Lines cut into two or more sentences.
    pub split_lines: usize,
    /// Segmenter sentences that cover more than one line.
    pub merged_sentences: usize,
}

/// The result of `kgraph eval conll`.
#[derive(Debug, Clone, Serialize)]
pub struct ConllReport {
    pub file: String,
    pub documents: usize,
    pub sentences: usize,
    pub tokens: usize,
    /// PER, ORG, LOC.
    pub types: BTreeMap<String, Score>,
    /// Micro-average over PER, ORG and LOC.
    pub overall: Score,
    /// Spans only, any predicted type against any scored gold type.
    pub spans_untyped: Score,
    /// Predictions exactly on a MISC chunk, not scored.
    pub misc_ignored: usize,
    pub segmentation: Segmentation,
    /// Error counts by kind: `fp: wrong type`, `fn: not detected`, ….
    pub error_kinds: BTreeMap<String, usize>,
    /// The first `--errors` false positives, in file order.
    pub false_positives: Vec<ErrorItem>,
    /// The first `--errors` false negatives, in file order.
    pub false_negatives: Vec<ErrorItem>,
}

/// Per-document tallies, folded in file order.
#[derive(Default)]
struct DocResult {
    gold: BTreeMap<String, usize>,
    predicted: BTreeMap<String, usize>,
    correct: BTreeMap<String, usize>,
    untyped: Counts,
    misc_ignored: usize,
    seg: Segmentation,
    fps: Vec<ErrorItem>,
    fns: Vec<ErrorItem>,
}

/// A prediction or chunk located in a sentence: (sentence, first token, end token).
type Loc = (usize, usize, usize);

/// Scores the extraction on parsed CoNLL documents; keeps the first `max_errors` of each kind
/// of error.
pub fn evaluate(
    file: &str,
    docs: &[ConllDoc],
    pipeline: &Pipeline,
    max_errors: usize,
) -> ConllReport {
    let results: Vec<DocResult> = docs
        .par_iter()
        .enumerate()
        .map(|(i, d)| evaluate_doc(i + 1, d, pipeline))
        .collect();
    let mut report = ConllReport {
        file: file.to_string(),
        documents: docs.len(),
        sentences: docs.iter().map(|d| d.sentences.len()).sum(),
        tokens: docs
            .iter()
            .flat_map(|d| &d.sentences)
            .map(|s| s.tokens.len())
            .sum(),
        types: BTreeMap::new(),
        overall: Score::default(),
        spans_untyped: Score::default(),
        misc_ignored: 0,
        segmentation: Segmentation::default(),
        error_kinds: BTreeMap::new(),
        false_positives: Vec::new(),
        false_negatives: Vec::new(),
    };
    let mut per_type: BTreeMap<&str, Counts> =
        SCORED.iter().map(|t| (*t, Counts::default())).collect();
    let mut untyped = Counts::default();
    for r in results {
        for t in SCORED {
            let g = r.gold.get(t).copied().unwrap_or(0);
            let p = r.predicted.get(t).copied().unwrap_or(0);
            let c = r.correct.get(t).copied().unwrap_or(0);
            let e = per_type.entry(t).or_default();
            *e = *e + Counts::exact(g, p, c);
        }
        untyped = untyped + r.untyped;
        report.misc_ignored += r.misc_ignored;
        let s = &mut report.segmentation;
        s.lines += r.seg.lines;
        s.sentences += r.seg.sentences;
        s.dropped_lines += r.seg.dropped_lines;
        s.split_lines += r.seg.split_lines;
        s.merged_sentences += r.seg.merged_sentences;
        for (side, items, keep) in [
            ("fp", r.fps, &mut report.false_positives),
            ("fn", r.fns, &mut report.false_negatives),
        ] {
            for item in items {
                *report
                    .error_kinds
                    .entry(format!("{side}: {}", item.kind))
                    .or_insert(0) += 1;
                if keep.len() < max_errors {
                    keep.push(item);
                }
            }
        }
    }
    let mut overall = Counts::default();
    for (t, c) in per_type {
        overall = overall + c;
        report.types.insert(t.to_string(), c.score());
    }
    report.overall = overall.score();
    report.spans_untyped = untyped.score();
    report
}

fn evaluate_doc(number: usize, doc: &ConllDoc, pipeline: &Pipeline) -> DocResult {
    let rebuilt = rebuild(doc);
    let document = Document::new(format!("conll-{number}"), rebuilt.text.clone());
    let ex = pipeline.extract(&document);
    let mut r = DocResult::default();

    // Gold chunks.
    let mut gold: BTreeMap<Loc, String> = BTreeMap::new();
    for (si, s) in doc.sentences.iter().enumerate() {
        for c in chunks(&s.tags) {
            gold.insert((si, c.start, c.end), c.etype);
        }
    }

    // Token boundaries → (sentence, token).
    let mut starts: HashMap<usize, (usize, usize)> = HashMap::new();
    let mut ends: HashMap<usize, (usize, usize)> = HashMap::new();
    for (si, toks) in rebuilt.tokens.iter().enumerate() {
        for (ti, sp) in toks.iter().enumerate() {
            starts.insert(sp.start, (si, ti));
            ends.insert(sp.end, (si, ti));
        }
    }
    let line_of = |offset: usize| -> usize {
        rebuilt
            .lines
            .partition_point(|l| l.end < offset)
            .min(rebuilt.lines.len().saturating_sub(1))
    };

    // Predictions: aligned ones by location (one per span), misaligned ones apart.
    let mut predicted: BTreeMap<Loc, String> = BTreeMap::new();
    let mut events: BTreeSet<Loc> = BTreeSet::new();
    let mut misaligned: BTreeMap<(usize, usize), (String, String)> = BTreeMap::new();
    for m in &ex.mentions {
        let aligned = match (starts.get(&m.start), ends.get(&m.end)) {
            (Some(&(s1, t1)), Some(&(s2, t2))) if s1 == s2 && t1 <= t2 => Some((s1, t1, t2 + 1)),
            _ => None,
        };
        match (aligned, conll_type(m.etype)) {
            (Some(loc), Some(t)) => {
                predicted.entry(loc).or_insert_with(|| t.to_string());
            }
            (Some(loc), None) => {
                events.insert(loc);
            }
            (None, Some(t)) => {
                misaligned
                    .entry((m.start, m.end))
                    .or_insert_with(|| (t.to_string(), m.text.clone()));
            }
            (None, None) => {}
        }
    }

    let sentence_text = |si: usize| doc.sentences[si].tokens.join(" ");
    let span_text = |(si, a, b): Loc| doc.sentences[si].tokens[a..b].join(" ");
    let overlaps = |x: &Loc, y: &Loc| x.0 == y.0 && x.1 < y.2 && y.1 < x.2;
    let item = |loc: Loc, etype: &str, kind: &str, detail: String| ErrorItem {
        doc: number,
        line: doc.sentences[loc.0].line,
        text: span_text(loc),
        etype: etype.to_string(),
        kind: kind.to_string(),
        detail,
        sentence: sentence_text(loc.0),
        offset: rebuilt.tokens[loc.0]
            .get(loc.1)
            .map_or(rebuilt.lines[loc.0].start, |t| t.start),
    };

    // Segmentation of the rebuilt text, to explain misses on dropped lines.
    let seg = segment(&rebuilt.text);
    let mut per_line = vec![0usize; rebuilt.lines.len()];
    for s in &seg.sentences {
        // Lines are sorted and disjoint: the ones a sentence overlaps are one run.
        let first = rebuilt.lines.partition_point(|l| l.end <= s.span.start);
        let last = rebuilt.lines.partition_point(|l| l.start < s.span.end);
        let covered = first..last.max(first);
        if covered.len() > 1 {
            r.seg.merged_sentences += 1;
        }
        for l in covered {
            per_line[l] += 1;
        }
    }
    r.seg.lines = rebuilt.lines.len();
    r.seg.sentences = seg.sentences.len();
    r.seg.dropped_lines = per_line.iter().filter(|&&n| n == 0).count();
    r.seg.split_lines = per_line.iter().filter(|&&n| n > 1).count();

    // Scoring.
    let scored = |t: &str| SCORED.contains(&t);
    for t in gold.values() {
        if scored(t) {
            *r.gold.entry(t.clone()).or_insert(0) += 1;
        }
    }
    for (loc, t) in &predicted {
        match gold.get(loc) {
            Some(g) if g == "MISC" || !scored(g) => {
                r.misc_ignored += 1;
                continue;
            }
            _ => {}
        }
        *r.predicted.entry(t.clone()).or_insert(0) += 1;
        r.untyped.predicted += 1;
        match gold.get(loc) {
            Some(g) if g == t => {
                *r.correct.entry(t.clone()).or_insert(0) += 1;
                r.untyped.correct += 1;
                r.untyped.found += 1;
            }
            Some(g) => {
                r.untyped.correct += 1;
                r.untyped.found += 1;
                r.fps.push(item(*loc, t, "wrong type", format!("gold {g}")));
            }
            None => {
                let near = gold.iter().find(|(g, _)| overlaps(g, loc));
                r.fps.push(match near {
                    Some((g, gt)) => item(
                        *loc,
                        t,
                        "boundary",
                        format!("gold {gt} '{}'", span_text(*g)),
                    ),
                    None => item(*loc, t, "not in gold", String::new()),
                });
            }
        }
    }
    for ((start, _end), (t, text)) in &misaligned {
        *r.predicted.entry(t.clone()).or_insert(0) += 1;
        r.untyped.predicted += 1;
        let si = line_of(*start);
        let mut e = item(
            (si, 0, 0),
            t,
            "misaligned",
            "span does not fall on token boundaries".to_string(),
        );
        e.text = text.clone();
        e.offset = *start;
        r.fps.push(e);
    }
    for (loc, t) in &gold {
        if !scored(t) {
            continue;
        }
        r.untyped.gold += 1;
        if predicted.contains_key(loc) {
            if predicted[loc] != *t {
                r.fns.push(item(
                    *loc,
                    t,
                    "wrong type",
                    format!("predicted {}", predicted[loc]),
                ));
            }
            continue;
        }
        if events.contains(loc) {
            r.fns
                .push(item(*loc, t, "wrong type", "predicted event".to_string()));
            continue;
        }
        let near = predicted.iter().find(|(p, _)| overlaps(p, loc));
        let first = rebuilt.tokens[loc.0][loc.1].start;
        let last = rebuilt.tokens[loc.0][loc.2 - 1].end;
        // Sentences are sorted and disjoint: only the last one starting by `first` can hold it.
        let holder = seg.sentences.partition_point(|s| s.span.start <= first);
        let in_sentence = holder > 0 && last <= seg.sentences[holder - 1].span.end;
        r.fns.push(match near {
            Some((p, pt)) => item(
                *loc,
                t,
                "boundary",
                format!("predicted {pt} '{}'", span_text(*p)),
            ),
            None if !in_sentence => item(
                *loc,
                t,
                "dropped line",
                "the segmenter gave this text no sentence".to_string(),
            ),
            None => item(*loc, t, "not detected", String::new()),
        });
    }
    // File order.
    r.fps.sort_by_key(|e| e.offset);
    r.fns.sort_by_key(|e| e.offset);
    r
}

/// The readable report.
pub fn render_text(r: &ConllReport, show_errors: bool) -> String {
    let mut out = String::new();
    out.push_str(&format!("CoNLL evaluation of {}\n", r.file));
    out.push_str(&format!(
        "{} documents, {} sentences, {} tokens; exact spans; MISC not scored ({} predictions on MISC chunks set aside)\n\n",
        r.documents, r.sentences, r.tokens, r.misc_ignored
    ));
    out.push_str(&score_header("type"));
    out.push('\n');
    for t in SCORED {
        if let Some(s) = r.types.get(t) {
            out.push_str(&score_row(t, s));
            out.push('\n');
        }
    }
    out.push_str(&score_row("overall", &r.overall));
    out.push('\n');
    out.push_str(&score_row("any type", &r.spans_untyped));
    out.push_str("\n\n");
    let s = &r.segmentation;
    out.push_str(&format!(
        "segmentation: {} lines -> {} sentences; {} lines dropped (no sentence), {} lines split, {} sentences across lines\n",
        s.lines, s.sentences, s.dropped_lines, s.split_lines, s.merged_sentences
    ));
    out.push_str("errors by kind:");
    if r.error_kinds.is_empty() {
        out.push_str(" none");
    }
    out.push('\n');
    for (k, n) in &r.error_kinds {
        out.push_str(&format!("  {k:<18} {n:>6}\n"));
    }
    if show_errors {
        for (title, items, side) in [
            ("false positives", &r.false_positives, "fp"),
            ("false negatives", &r.false_negatives, "fn"),
        ] {
            let total: usize = r
                .error_kinds
                .iter()
                .filter(|(k, _)| k.starts_with(side))
                .map(|(_, n)| n)
                .sum();
            out.push_str(&format!("\n{title} (first {} of {total}):\n", items.len()));
            for e in items {
                let detail = if e.detail.is_empty() {
                    String::new()
                } else {
                    format!(": {}", e.detail)
                };
                out.push_str(&format!(
                    "  doc {} line {}: {} '{}' [{}{}]\n",
                    e.doc, e.line, e.etype, e.text, e.kind, detail
                ));
                out.push_str(&format!("      | {}\n", e.sentence));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(s: &str) -> Vec<Tag> {
        s.split_whitespace()
            .map(|t| Tag::parse(t).unwrap())
            .collect()
    }

    fn spans(s: &str) -> Vec<(usize, usize, &'static str)> {
        chunks(&tags(s))
            .into_iter()
            .map(|c| {
                (
                    c.start,
                    c.end,
                    SCORED
                        .iter()
                        .chain(["MISC"].iter())
                        .find(|t| **t == c.etype)
                        .copied()
                        .unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn iob1_chunking() {
        for (input, expected) in [
            ("O O O", vec![]),
            ("I-PER I-PER O", vec![(0, 2, "PER")]),
            ("I-PER", vec![(0, 1, "PER")]),
            // A type change starts a new chunk without B-.
            ("I-PER I-ORG I-ORG", vec![(0, 1, "PER"), (1, 3, "ORG")]),
            // B- right after I- of the same type: two chunks.
            ("I-LOC B-LOC I-LOC", vec![(0, 1, "LOC"), (1, 3, "LOC")]),
            ("I-LOC I-LOC B-LOC", vec![(0, 2, "LOC"), (2, 3, "LOC")]),
            // O ends a chunk; I- after O starts one.
            ("I-ORG O I-ORG", vec![(0, 1, "ORG"), (2, 3, "ORG")]),
            // IOB2-style input gives the same chunks.
            ("B-PER I-PER O B-LOC", vec![(0, 2, "PER"), (3, 4, "LOC")]),
            ("B-MISC I-MISC I-PER", vec![(0, 2, "MISC"), (2, 3, "PER")]),
            // B- after B- of the same type.
            ("B-ORG B-ORG", vec![(0, 1, "ORG"), (1, 2, "ORG")]),
        ] {
            assert_eq!(spans(input), expected, "{input}");
        }
    }

    #[test]
    fn tags_parse() {
        for (input, ok) in [
            ("O", true),
            ("I-PER", true),
            ("B-MISC", true),
            ("E-PER", false),
            ("I-", false),
            ("PER", false),
            ("o", false),
        ] {
            assert_eq!(Tag::parse(input).is_some(), ok, "{input}");
        }
    }

    #[test]
    fn parse_documents_and_sentences() {
        let text = "-DOCSTART- -X- O O\n\nAnna NNP I-NP I-PER\nsings VBZ I-VP O\n\nBye UH O O\n\n-DOCSTART- -X- O O\n\nOslo NNP I-NP I-LOC\n";
        let docs = parse(text, "t").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].sentences.len(), 2);
        assert_eq!(docs[0].sentences[0].tokens, vec!["Anna", "sings"]);
        assert_eq!(docs[0].sentences[0].line, 3);
        assert_eq!(docs[1].sentences[0].tags, vec![Tag::I("LOC".into())]);
        let err = parse("Anna NNP I-NP X-PER\n", "f.txt")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("f.txt:1: "), "{err}");
        // No -DOCSTART- at all: one document.
        assert_eq!(parse("a O\n\nb O\n", "t").unwrap().len(), 1);
    }

    #[test]
    fn rebuilt_spans_slice_back_to_tokens() {
        let docs = parse("-DOCSTART- O\n\nZoë O\nwent O\n.\tO\n\nHome O\n", "t").unwrap();
        let r = rebuild(&docs[0]);
        assert_eq!(r.text, format!("Zoë went .{SENTENCE_SEPARATOR}Home"));
        for (s, toks) in docs[0].sentences.iter().zip(&r.tokens) {
            for (t, sp) in s.tokens.iter().zip(toks) {
                assert_eq!(sp.slice(&r.text), t);
            }
        }
        assert_eq!(r.lines[1].slice(&r.text), "Home");
    }

    #[test]
    fn every_line_is_its_own_sentence_when_it_ends_in_capitals_or_not() {
        // Headlines, table rows and datelines: no final period, capitalized next line.
        let text = "-DOCSTART- O\n\nSOCCER O\n- O\nRESULTS O\nOF O\nGAMES O\n\nOSLO O\n1996-08-30 O\n\nthe O\nteam O\nwon O\n2-1 O\n\nRosenborg O\n3 O\nBrann O\n1 O\n";
        let docs = parse(text, "t").unwrap();
        let r = rebuild(&docs[0]);
        let seg = segment(&r.text);
        for s in &seg.sentences {
            let lines = r
                .lines
                .iter()
                .filter(|l| l.start < s.span.end && s.span.start < l.end)
                .count();
            assert_eq!(
                lines,
                1,
                "sentence {:?} covers {lines} lines",
                s.span.slice(&r.text)
            );
        }
    }
}
