//! The whole run: list inputs (paths only), read and extract documents in parallel windows,
//! merge them into one graph in input order, resolve across the corpus.
//!
//! The corpus is streamed: a document's text is dropped as soon as it is extracted, and only
//! the graph grows with the corpus. Results are merged in a fixed order, so the output is the
//! same bytes with 1 or N threads. With a [`Shard`], only a slice of the sources is read and
//! the graph is left unresolved (a partial graph for `kgraph merge`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::corpus::{list_inputs, read_source, Document, Source, Warning};
use crate::error::{Error, Result};
use crate::export::json::read_graph;
use crate::extract::{
    extract_document, extract_document_with, resolve, DocExtraction, MentionRecord, Rule,
};
use crate::graph::{BuiltNode, EdgeEvidence, EntityType, GraphBuilder, KnowledgeGraph, NodeParts};
use crate::lexicon::Lexicon;
use crate::ontology::Ontology;

/// Compiled lexicons (and, later, ontology): built once per run, shared by every thread.
#[derive(Debug)]
pub struct Pipeline {
    pub lexicon: Lexicon,
    pub ontology: Ontology,
}

/// What to read, and how.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub inputs: Vec<PathBuf>,
    /// Add `co_occurs_with` edges between entities named in one sentence.
    pub cooccurrence: bool,
    /// Only this slice of the sources (`--shard I/N`); the graph is then a partial one.
    pub shard: Option<Shard>,
    /// Draw a progress bar on standard error, when it is a terminal.
    pub progress: bool,
}

/// The `I`-th of `N` slices of a corpus (`--shard I/N`, 1 ≤ I ≤ N): the sources whose index in
/// the sorted input listing is `I - 1` modulo `N`. A JSON Lines file is one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shard {
    /// 1-based.
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Whether the source at `position` of the listing belongs to this slice.
    pub fn takes(&self, position: usize) -> bool {
        position % self.count == self.index - 1
    }
}

impl std::str::FromStr for Shard {
    type Err = Error;

    fn from_str(s: &str) -> Result<Shard> {
        let bad = || {
            Error::Usage(format!(
                "bad shard {s:?}: expected I/N with 1 ≤ I ≤ N, e.g. 2/8"
            ))
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Counters of a run.
#[derive(Debug, Clone, Default)]
pub struct BuildStats {
    pub documents: u64,
    pub bytes: u64,
    pub warnings: Vec<Warning>,
}

impl BuildStats {
    /// The one-line summary printed at the end of a build.
    pub fn summary(&self, graph: &KnowledgeGraph, elapsed: Duration) -> String {
        let by_type = counts_by_type(graph);
        let secs = elapsed.as_secs_f64();
        let mb = self.bytes as f64 / 1e6;
        format!(
            "kgraph: {} documents ({:.2} MB), {} entities ({}), {} relations, {} warnings, {:.2} s ({:.1} MB/s)",
            self.documents,
            mb,
            graph.node_count(),
            by_type,
            graph.edge_count(),
            self.warnings.len(),
            secs,
            if secs > 0.0 { mb / secs } else { 0.0 }
        )
    }
}

/// "125 people, 31 organizations, 62 places, 0 events".
pub fn counts_by_type(graph: &KnowledgeGraph) -> String {
    let counts = graph.counts_by_type();
    EntityType::ALL
        .iter()
        .map(|t| format!("{} {}", counts.get(t).copied().unwrap_or(0), plural(*t)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural(t: EntityType) -> &'static str {
    match t {
        EntityType::Person => "people",
        EntityType::Organization => "organizations",
        EntityType::Place => "places",
        EntityType::Event => "events",
    }
}

/// Sources are read and extracted in windows of about this many bytes (and at most
/// [`WINDOW_SOURCES`] files); a window's results are merged in input order while the next
/// window is extracted. Memory in flight is about two windows of results, whatever the corpus size.
const WINDOW_BYTES: u64 = 16 << 20;
const WINDOW_SOURCES: usize = 512;

/// What one document leaves behind once extracted: its text is dropped at once.
struct DocOutcome<'o> {
    id: String,
    hash: u64,
    bytes: u64,
    extraction: DocExtraction<'o>,
}

/// What one source leaves behind.
struct SourceOutcome<'o> {
    /// Where it was read, for messages.
    location: String,
    warnings: Vec<Warning>,
    docs: Vec<DocOutcome<'o>>,
}

impl Pipeline {
    /// Built-in lexicons plus the user's.
    pub fn load(extra_lexicons: &[PathBuf]) -> Result<Pipeline> {
        Ok(Pipeline {
            lexicon: Lexicon::load(extra_lexicons)?,
            ontology: Ontology::builtin()?,
        })
    }

    /// Built-in lexicons only.
    pub fn builtin() -> Result<Pipeline> {
        Self::load(&[])
    }

    /// Extracts one document.
    pub fn extract(&self, doc: &Document) -> DocExtraction<'_> {
        extract_document(doc, &self.lexicon, &self.ontology)
    }

    /// Extracts one document with the run's options.
    /// Co-occurrence edges are found from the mentions: they are kept for it, then dropped
    /// unless `keep_mentions`.
    fn extract_with(
        &self,
        doc: &Document,
        options: &BuildOptions,
        keep_mentions: bool,
    ) -> DocExtraction<'_> {
        let mentions = keep_mentions || options.cooccurrence;
        let mut ex = extract_document_with(doc, &self.lexicon, &self.ontology, mentions);
        if options.cooccurrence {
            crate::extract::add_cooccurrence(doc, &mut ex);
        }
        if !keep_mentions {
            ex.mentions = Vec::new();
        }
        ex
    }

    /// The graph of in-memory documents (for tests and embedding).
    pub fn build_graph(&self, docs: Vec<Document>) -> KnowledgeGraph {
        let mut graph = KnowledgeGraph::new();
        let results: Vec<DocExtraction> = docs.par_iter().map(|d| self.extract(d)).collect();
        for r in &results {
            r.add_to(&mut graph);
        }
        resolve::resolve_corpus(&mut graph);
        graph
    }

    /// Reads and extracts one source; the documents of a JSON Lines file run in parallel.
    fn process(
        &self,
        source: &Source,
        options: &BuildOptions,
        keep_mentions: bool,
    ) -> SourceOutcome<'_> {
        let mut warnings = Vec::new();
        let docs = read_source(source, &mut warnings);
        let docs = docs
            .into_par_iter()
            .map(|doc| {
                let extraction = self.extract_with(&doc, options, keep_mentions);
                DocOutcome {
                    hash: text_hash(&doc.text, options.shard.is_some()),
                    bytes: doc.text.len() as u64,
                    id: doc.id,
                    extraction,
                }
            })
            .collect();
        SourceOutcome {
            location: source.display(),
            warnings,
            docs,
        }
    }

    /// Streams the corpus (or the options' shard of it) through `sink` in input order, with
    /// extraction running in parallel. Returns the counters and, for each document kept, its
    /// text hash with its id (sorted by hash).
    fn stream(
        &self,
        options: &BuildOptions,
        keep_mentions: bool,
        mut sink: impl FnMut(DocExtraction<'_>) + Send,
    ) -> Result<(BuildStats, BTreeMap<u64, String>, Progress)> {
        let mut stats = BuildStats::default();
        let mut sources = list_inputs(&options.inputs, &mut stats.warnings)?;
        if let Some(shard) = options.shard {
            sources = sources
                .into_iter()
                .enumerate()
                .filter(|(i, _)| shard.takes(*i))
                .map(|(_, s)| s)
                .collect();
        }
        let sizes: Vec<u64> = sources.iter().map(Source::size).collect();
        let progress = Progress::new(options.progress, sources.len(), sizes.iter().sum());

        let windows = windows(&sizes, WINDOW_BYTES, WINDOW_SOURCES);
        let mut seen_texts: BTreeMap<u64, String> = BTreeMap::new();
        let mut merge = |outcomes: Vec<SourceOutcome<'_>>, stats: &mut BuildStats| {
            for outcome in outcomes {
                stats.warnings.extend(outcome.warnings);
                for doc in outcome.docs {
                    // The same article twice (same text) is processed once.
                    if let Some(first_id) = seen_texts.get(&doc.hash) {
                        stats.warnings.push(Warning {
                            location: outcome.location.clone(),
                            message: format!("document {:?} has the same text as {first_id:?}; skipped as a duplicate", doc.id),
                        });
                        continue;
                    }
                    seen_texts.insert(doc.hash, doc.id);
                    stats.documents += 1;
                    stats.bytes += doc.bytes;
                    sink(doc.extraction);
                }
            }
        };
        // Window k is extracted while window k - 1 is merged: merging never idles the workers.
        let mut pending: Vec<SourceOutcome<'_>> = Vec::new();
        for range in windows {
            let extract = || {
                sources[range.clone()]
                    .par_iter()
                    .zip(&sizes[range.clone()])
                    .map(|(source, size)| {
                        let outcome = self.process(source, options, keep_mentions);
                        progress.advance(*size);
                        outcome
                    })
                    .collect::<Vec<_>>()
            };
            let done = std::mem::take(&mut pending);
            let (outcomes, ()) = rayon::join(extract, || merge(done, &mut stats));
            pending = outcomes;
        }
        merge(pending, &mut stats);
        Ok((stats, seen_texts, progress))
    }

    /// Builds the graph of a corpus. With a shard in the options, the graph is the partial
    /// graph of that slice: not resolved across the corpus, marked `partial`, carrying the text
    /// hash of each document so that `merge` can tell duplicates across shards.
    pub fn build(&self, options: &BuildOptions) -> Result<(KnowledgeGraph, BuildStats)> {
        let mut builder = GraphBuilder::new();
        let (stats, texts, progress) = self.stream(options, false, |ex| {
            add_extraction(&mut builder, ex);
        })?;
        let mut graph = builder.finish();
        match options.shard {
            Some(shard) => {
                graph.meta.partial = true;
                graph.meta.shard = Some(shard.to_string());
                graph.meta.texts = texts
                    .into_iter()
                    .map(|(h, id)| (format!("{h:016x}"), id))
                    .collect();
            }
            None => {
                progress.phase(format!(
                    "resolving {} entities across the corpus",
                    graph.node_count()
                ));
                resolve::resolve_corpus(&mut graph);
            }
        }
        progress.finish();
        Ok((graph, stats))
    }

    /// Every mention of a corpus with the id of the node it ends up in.
    pub fn mentions(&self, options: &BuildOptions) -> Result<(Vec<MentionRecord>, BuildStats)> {
        let mut builder = GraphBuilder::new();
        let mut mentions = Vec::new();
        let (stats, _, progress) = self.stream(options, true, |mut ex| {
            mentions.append(&mut ex.mentions);
            add_extraction(&mut builder, ex);
        })?;
        let mut graph = builder.finish();
        progress.phase(format!(
            "resolving {} entities across the corpus",
            graph.node_count()
        ));
        let redirects = resolve::resolve_corpus(&mut graph);
        progress.finish();
        for m in &mut mentions {
            if let Some(to) = redirects.get(&m.entity) {
                m.entity = to.clone();
            }
            if let Some(n) = graph.node(&m.entity) {
                m.etype = n.etype;
            }
        }
        Ok((mentions, stats))
    }
}

/// Adds one document's nodes and relations to the graph, as [`DocExtraction::add_to`] does,
/// without copying them: the graph copies only the strings it lacks, finds each node once
/// (the relations name them by number), and shares the document and rule ids and each
/// sentence's text among the evidence items.
fn add_extraction(graph: &mut GraphBuilder, ex: DocExtraction<'_>) {
    graph.meta_mut().documents += 1;
    let (doc_number, doc) = graph.document(&ex.doc);
    let built: Vec<BuiltNode> = ex
        .nodes
        .iter()
        .map(|n| {
            let parts = NodeParts {
                id: ex.str(n.id),
                label: ex.str(n.label),
                etype: n.etype,
                aliases: ex.aliases_of(n),
                mentions: n.mentions,
                date: n.date.map(|s| ex.str(s)),
                place: n.place.map(|s| ex.str(s)),
            };
            graph.add_node_parts(parts, doc_number)
        })
        .collect();
    // Rule ids, of which a document uses a few (one look-up each per document, not per
    // relation).
    let mut rules: Vec<(Rule<'_>, Arc<str>)> = Vec::new();
    let mut name = String::new();
    for r in &ex.relations {
        let rule = match rules.iter().find(|(k, _)| *k == r.rule) {
            Some((_, kept)) => kept.clone(),
            None => {
                name.clear();
                let _ = write!(name, "{}", r.rule);
                let kept = graph.shared(&name);
                rules.push((r.rule, kept.clone()));
                kept
            }
        };
        // (Every relation's sentence is among them.)
        let Some(sentence) = ex.sentence(r.sentence) else {
            continue;
        };
        let evidence = EdgeEvidence {
            doc: doc.clone(),
            start: r.sentence.start,
            end: r.sentence.end,
            text: sentence.text.clone(),
            rule,
            text_clean: sentence.clean,
        };
        graph.add_edge_between(
            built[r.source],
            r.relation,
            built[r.target],
            r.certainty,
            evidence,
        );
    }
}

/// Splits sources of these sizes into windows of consecutive sources, each closed as soon as it
/// reaches `max_bytes` or `max_sources`.
fn windows(sizes: &[u64], max_bytes: u64, max_sources: usize) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, size) in sizes.iter().enumerate() {
        bytes += size;
        if bytes >= max_bytes || i + 1 - start >= max_sources {
            out.push(start..i + 1);
            (start, bytes) = (i + 1, 0);
        }
    }
    if start < sizes.len() {
        out.push(start..sizes.len());
    }
    out
}

/// The progress bar of a run: sources and megabytes done, on standard error, drawn only when
/// asked for and standard error is a terminal.
struct Progress {
    bar: ProgressBar,
    sources: usize,
    done: AtomicUsize,
}

impl Progress {
    fn new(enabled: bool, sources: usize, bytes: u64) -> Progress {
        let target = if enabled && std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(bytes), target);
        if let Ok(style) = ProgressStyle::with_template(
            "{elapsed_precise} [{wide_bar}] {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec} {msg} (eta {eta})",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(format!("0/{sources} files"));
        Progress {
            bar,
            sources,
            done: AtomicUsize::new(0),
        }
    }

    fn advance(&self, bytes: u64) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        self.bar.inc(bytes);
        if !self.bar.is_hidden() {
            self.bar
                .set_message(format!("{done}/{} files", self.sources));
        }
    }

    /// A step after the stream, shown with a spinner until [`Progress::finish`].
    fn phase(&self, message: String) {
        if self.bar.is_hidden() {
            return;
        }
        if let Ok(style) = ProgressStyle::with_template("{elapsed_precise} {spinner} {msg}") {
            self.bar.set_style(style);
        }
        self.bar.set_message(message);
        self.bar.enable_steady_tick(Duration::from_millis(200));
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// The hash that tells a document's text from the others' (the same text, the same hash).
/// A shard's graph records it for `merge` to compare across shards: there it is
/// [`hash_text`] (FNV-1a), as such graphs have always held. A whole build only compares it
/// with its own, and takes a hash that reads sixteen bytes a step: FNV-1a takes a byte and
/// a multiplication in a row per step, about 1% of a build.
fn text_hash(text: &str, shard: bool) -> u64 {
    if shard {
        return hash_text(text);
    }
    let mut h = rustc_hash::FxHasher::default();
    std::hash::Hasher::write(&mut h, text.as_bytes());
    std::hash::Hasher::finish(&h)
}

fn hash_text(text: &str) -> u64 {
    // FNV-1a: stable across runs and platforms (std's hasher is randomly seeded).
    let mut h: u64 = 0xcbf29ce484222325;
    for b in text.as_bytes() {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// Combines graphs written by `build` (partial graphs of shards, or whole graphs) into one and
/// resolves it across the corpus, as a whole build does. `paths` are output folders or their
/// `graph.json`; they are read one at a time, and their order does not change the result.
/// Warnings name documents found in two inputs (counted twice, where a whole build counts them
/// once) and shards missing from a set.
pub fn merge_graphs(paths: &[PathBuf]) -> Result<(KnowledgeGraph, Vec<Warning>)> {
    let mut graph = KnowledgeGraph::new();
    let mut warnings = Vec::new();
    let files: Vec<PathBuf> = paths.iter().map(|p| graph_json_path(p)).collect();
    // Text hash -> (input, document id) of every document of a partial graph.
    let mut texts: BTreeMap<String, (usize, String)> = BTreeMap::new();
    // (earlier input, later input) -> documents with the same text, and one example.
    let mut shared: BTreeMap<(usize, usize), (usize, String, String)> = BTreeMap::new();
    // Shard count -> shard index -> the inputs that hold it.
    let mut shards: BTreeMap<usize, BTreeMap<usize, Vec<usize>>> = BTreeMap::new();
    for (k, file) in files.iter().enumerate() {
        let mut part = read_graph(file)?;
        if let Some(spec) = part.meta.shard.take() {
            let shard: Shard = spec.parse().map_err(|_| {
                Error::bad_input(
                    file.display().to_string(),
                    format!("bad shard {spec:?} in the graph record"),
                )
            })?;
            shards
                .entry(shard.count)
                .or_default()
                .entry(shard.index)
                .or_default()
                .push(k);
        }
        for (hash, id) in std::mem::take(&mut part.meta.texts) {
            match texts.get(&hash) {
                Some((j, first)) => {
                    let e = shared
                        .entry((*j, k))
                        .or_insert_with(|| (0, first.clone(), id.clone()));
                    e.0 += 1;
                }
                None => {
                    texts.insert(hash, (k, id));
                }
            }
        }
        part.meta.partial = false;
        graph.merge(part);
    }
    for ((j, k), (n, first, second)) in shared {
        warnings.push(Warning {
            location: files[k].display().to_string(),
            message: format!(
                "{n} document(s) with the same text as in {} (e.g. {second} = {first}): counted in both; \
                 the same shard given twice, or an article repeated across shards (a whole build counts it once)",
                files[j].display()
            ),
        });
    }
    for (count, have) in shards {
        let missing: Vec<String> = (1..=count)
            .filter(|i| !have.contains_key(i))
            .map(|i| format!("{i}/{count}"))
            .collect();
        if !missing.is_empty() {
            warnings.push(Warning {
                location: "merge".into(),
                message: format!(
                    "shard(s) {} missing: the graph covers part of the corpus",
                    missing.join(", ")
                ),
            });
        }
    }
    graph.meta.partial = false;
    graph.meta.shard = None;
    graph.meta.texts.clear();
    resolve::resolve_corpus(&mut graph);
    Ok((graph, warnings))
}

/// Whether a path names a graph.json or a folder holding one.
pub fn graph_json_path(p: &Path) -> PathBuf {
    if p.is_dir() {
        p.join("graph.json")
    } else {
        p.to_path_buf()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{json::Json, Exporter};
    use crate::graph::{Certainty, Evidence, Node};

    #[test]
    fn shard_specs() {
        for (spec, expected) in [
            ("1/1", Some((1, 1))),
            ("2/3", Some((2, 3))),
            (" 3 / 3 ", Some((3, 3))),
            ("0/3", None),
            ("4/3", None),
            ("1/0", None),
            ("3", None),
            ("a/b", None),
            ("-1/3", None),
            ("", None),
        ] {
            let got = spec.parse::<Shard>().ok().map(|s| (s.index, s.count));
            assert_eq!(got, expected, "{spec:?}");
        }
        let s = Shard { index: 2, count: 3 };
        assert_eq!(s.to_string(), "2/3");
        assert_eq!((0..7).filter(|&i| s.takes(i)).collect::<Vec<_>>(), [1, 4]);
    }

    /// A shard's text hash is FNV-1a, as shard graphs hold it; either hash gives the same
    /// text the same value and tells these texts apart.
    #[test]
    fn text_hashes() {
        assert_eq!(text_hash("", true), 0xcbf29ce484222325);
        assert_eq!(text_hash("a", true), 0xaf63dc4c8601ec8c);
        let mut texts: Vec<String> = [
            "",
            "a",
            "b",
            "ab",
            "ba",
            "a ",
            "Maduro said.",
            "Maduro said. ",
        ]
        .map(String::from)
        .to_vec();
        for n in [15, 16, 17, 33] {
            texts.push("x".repeat(n));
        }
        texts.push("y".repeat(33));
        for shard in [false, true] {
            let hashes: std::collections::BTreeSet<u64> =
                texts.iter().map(|t| text_hash(t, shard)).collect();
            assert_eq!(hashes.len(), texts.len(), "shard {shard}");
            for t in &texts {
                assert_eq!(text_hash(t, shard), text_hash(&t.clone(), shard));
            }
        }
    }

    #[test]
    fn windows_cover_every_source_once_in_order() {
        for (sizes, max_bytes, max_sources, expected) in [
            (vec![], 10, 4, Vec::<(usize, usize)>::new()),
            (vec![3, 3, 3, 3], 10, 8, vec![(0, 4)]),
            (vec![3, 3, 3, 3, 3], 6, 8, vec![(0, 2), (2, 4), (4, 5)]),
            (vec![20, 1, 1], 10, 8, vec![(0, 1), (1, 3)]),
            (vec![0, 0, 0, 0, 0], 10, 2, vec![(0, 2), (2, 4), (4, 5)]),
        ] {
            let got: Vec<(usize, usize)> = windows(&sizes, max_bytes, max_sources)
                .into_iter()
                .map(|r| (r.start, r.end))
                .collect();
            assert_eq!(got, expected, "{sizes:?} {max_bytes} {max_sources}");
        }
    }

    fn ev(doc: &str, start: usize) -> Evidence {
        Evidence {
            doc: doc.into(),
            start,
            end: start + 3,
            text: format!("s{start}"),
            rule: "r".into(),
        }
    }

    fn node(t: EntityType, id: &str, label: &str, doc: &str, date: Option<&str>) -> Node {
        let mut n = Node::new(t, label);
        n.id = id.into();
        n.mentions = label.len() as u64;
        n.docs.insert(doc.into());
        n.date = date.map(str::to_string);
        n
    }

    /// Three partial graphs that share nodes and edges, with competing labels, dates,
    /// certainties and evidence.
    fn parts() -> Vec<KnowledgeGraph> {
        let p = EntityType::Person;
        let o = EntityType::Organization;
        let e = EntityType::Event;
        let mut out = Vec::new();
        for (d, label, org, date, certainty) in [
            (
                "d1",
                "Hector Guerrero",
                "Tren de Aragua",
                Some("2023"),
                Certainty::Alleged,
            ),
            (
                "d2",
                "Héctor Guerrero",
                "Tren De Aragua",
                Some("2023-09-20"),
                Certainty::Stated,
            ),
            (
                "d3",
                "HECTOR GUERRERO",
                "Tren de Aragua",
                Some("2023-09"),
                Certainty::Alleged,
            ),
        ] {
            let mut g = KnowledgeGraph::new();
            g.meta.documents = 1;
            g.add_node(node(p, "person:hector-guerrero", label, d, None));
            g.add_node(node(o, "organization:tren-de-aragua", org, d, None));
            g.add_node(node(e, "event:raid", "Raid", d, date));
            g.add_edge(
                "person:hector-guerrero",
                "leader_of",
                "organization:tren-de-aragua",
                certainty,
                [ev(d, 0)],
            );
            g.add_edge(
                "organization:tren-de-aragua",
                "involved_in",
                "event:raid",
                Certainty::Stated,
                [ev(d, 9)],
            );
            out.push(g);
        }
        out
    }

    fn json(g: &KnowledgeGraph) -> Vec<u8> {
        let mut v = Vec::new();
        Json.write(g, &mut v).unwrap();
        v
    }

    /// On the seed articles (co-occurrence included): a document's extraction holds together
    /// (nodes in id order, aliases sorted with the label, every sentence slicing the text), and
    /// the builder's borrowed path gives the graph that adding owned nodes and edges gives.
    #[test]
    fn extractions_hold_together_and_build_the_same_graph_either_way() {
        let p = Pipeline::builtin().unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        let mut by_copy = KnowledgeGraph::new();
        let mut built = GraphBuilder::new();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let doc = Document::new(path.file_name().unwrap().to_str().unwrap(), text);
            let mut ex = p.extract(&doc);
            crate::extract::add_cooccurrence(&doc, &mut ex);
            assert!(!ex.relations.is_empty(), "{}", doc.id);
            for (i, n) in ex.nodes.iter().enumerate() {
                assert!(i == 0 || ex.id(i - 1) < ex.id(i), "{}", ex.id(i));
                let aliases: Vec<&str> = ex.aliases_of(n).collect();
                assert!(aliases.windows(2).all(|w| w[0] < w[1]), "{aliases:?}");
                assert!(aliases.contains(&ex.str(n.label)), "{aliases:?}");
            }
            for r in &ex.relations {
                let s = ex.sentence(r.sentence).expect("the relation's sentence");
                assert_eq!(&*s.text, r.sentence.slice(&doc.text));
                assert!(r.source < ex.nodes.len() && r.target < ex.nodes.len());
            }
            ex.add_to(&mut by_copy);
            add_extraction(&mut built, ex);
        }
        assert_eq!(json(&built.finish()), json(&by_copy));
    }

    #[test]
    fn one_sentence_is_kept_once_for_every_edge_it_supports() {
        use crate::extract::RelationRecord;
        let mut ex = DocExtraction {
            doc: "d".into(),
            ..Default::default()
        };
        for label in ["A", "B", "C"] {
            ex.push_node(&node(
                EntityType::Person,
                &format!("person:{label}"),
                label,
                "d",
                None,
            ));
        }
        for (target, start) in [(1, 0), (2, 0), (2, 9)] {
            let e = ev("d", start);
            let span = crate::text::Span::new(e.start, e.end);
            ex.push_sentence(span, &e.text);
            ex.relations.push(RelationRecord {
                source: 0,
                relation: "knows",
                target,
                certainty: Certainty::Stated,
                sentence: span,
                rule: crate::extract::Rule::Named("r"),
            });
        }
        let mut by_copy = KnowledgeGraph::new();
        ex.add_to(&mut by_copy);
        let mut g = GraphBuilder::new();
        add_extraction(&mut g, ex);
        let g = g.finish();
        assert_eq!(json(&g), json(&by_copy), "the same graph either way");
        let items: Vec<&EdgeEvidence> = g.edges().iter().flat_map(|e| &e.edge.evidence).collect();
        assert_eq!(items.len(), 3);
        let first = |start: usize| items.iter().filter(move |x| x.start == start);
        let at0: Vec<_> = first(0).collect();
        assert!(
            Arc::ptr_eq(&at0[0].text, &at0[1].text),
            "one copy of the sentence"
        );
        assert!(
            items
                .windows(2)
                .all(|w| Arc::ptr_eq(&w[0].doc, &w[1].doc) && Arc::ptr_eq(&w[0].rule, &w[1].rule)),
            "one copy of the document and rule ids"
        );
    }

    #[test]
    fn merging_partial_graphs_does_not_depend_on_order() {
        let orders = [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ];
        let mut results = Vec::new();
        for order in orders {
            let parts = parts();
            let mut g = KnowledgeGraph::new();
            for i in order {
                g.merge(parts[i].clone());
            }
            resolve::resolve_corpus(&mut g);
            results.push(json(&g));
        }
        for r in &results[1..] {
            assert!(*r == results[0], "merge order changed the graph");
        }
        let g: serde_json::Value = serde_json::from_slice(&results[0]).unwrap();
        assert_eq!(g["graph"]["documents"], 3);
        let leader = &g["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["relation"] == "leader_of")
            .unwrap();
        assert_eq!(leader["certainty"], "stated");
        assert_eq!(leader["weight"], 3);
        let raid = g["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == "event:raid")
            .unwrap();
        assert_eq!(raid["date"], "2023-09-20");
    }
}
