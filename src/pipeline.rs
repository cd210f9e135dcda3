//! The whole run: list inputs, read and extract documents in parallel batches, merge them into
//! one graph in a fixed order, resolve across the corpus.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rayon::prelude::*;

use crate::corpus::{list_inputs, read_source, Document, Warning};
use crate::error::Result;
use crate::extract::{extract_document, resolve, DocExtraction, MentionRecord};
use crate::graph::{EntityType, KnowledgeGraph};
use crate::lexicon::Lexicon;

/// Compiled lexicons (and, later, ontology): built once per run, shared by every thread.
#[derive(Debug)]
pub struct Pipeline {
    pub lexicon: Lexicon,
}

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub inputs: Vec<PathBuf>,
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
        let counts = graph.counts_by_type();
        let by_type = EntityType::ALL
            .iter()
            .map(|t| format!("{} {}", counts.get(t).copied().unwrap_or(0), plural(*t)))
            .collect::<Vec<_>>()
            .join(", ");
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

fn plural(t: EntityType) -> &'static str {
    match t {
        EntityType::Person => "people",
        EntityType::Organization => "organizations",
        EntityType::Place => "places",
        EntityType::Event => "events",
    }
}

/// How many sources are read and extracted at once before merging in order.
const BATCH: usize = 256;

impl Pipeline {
    /// Built-in lexicons plus the user's.
    pub fn load(extra_lexicons: &[PathBuf]) -> Result<Pipeline> {
        Ok(Pipeline { lexicon: Lexicon::load(extra_lexicons)? })
    }

    /// Built-in lexicons only.
    pub fn builtin() -> Result<Pipeline> {
        Self::load(&[])
    }

    /// Extracts one document.
    pub fn extract(&self, doc: &Document) -> DocExtraction {
        extract_document(doc, &self.lexicon)
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

    /// Streams the corpus through `sink` in input order, extraction running in parallel.
    fn stream(&self, options: &BuildOptions, mut sink: impl FnMut(DocExtraction)) -> Result<BuildStats> {
        let mut stats = BuildStats::default();
        let sources = list_inputs(&options.inputs, &mut stats.warnings)?;
        // Text hash → (document id, where it was read) of the first document with that text.
        let mut seen_texts: BTreeMap<u128, (String, String)> = BTreeMap::new();
        for batch in sources.chunks(BATCH) {
            let results: Vec<(Vec<Warning>, Vec<(Document, DocExtraction)>)> = batch
                .par_iter()
                .map(|src| {
                    let mut w = Vec::new();
                    let docs = read_source(src, &mut w);
                    let ex = docs.into_iter().map(|d| {
                        let e = self.extract(&d);
                        (d, e)
                    });
                    (w, ex.collect())
                })
                .collect();
            for (src, (warnings, docs)) in batch.iter().zip(results) {
                stats.warnings.extend(warnings);
                for (doc, ex) in docs {
                    // The same article twice (same text) is processed once.
                    let h = hash_text(&doc.text);
                    if let Some((first_id, first_at)) = seen_texts.get(&h) {
                        stats.warnings.push(Warning {
                            location: src.display(),
                            message: format!("document {:?} has the same text as {first_id:?} ({first_at}); skipped as a duplicate", doc.id),
                        });
                        continue;
                    }
                    seen_texts.insert(h, (doc.id.clone(), src.display()));
                    stats.documents += 1;
                    stats.bytes += doc.text.len() as u64;
                    sink(ex);
                }
            }
        }
        Ok(stats)
    }

    /// Builds the graph of a corpus.
    pub fn build(&self, options: &BuildOptions) -> Result<(KnowledgeGraph, BuildStats)> {
        let mut graph = KnowledgeGraph::new();
        let stats = self.stream(options, |ex| ex.add_to(&mut graph))?;
        resolve::resolve_corpus(&mut graph);
        Ok((graph, stats))
    }

    /// Every mention of a corpus with the id of the node it ends up in.
    pub fn mentions(&self, options: &BuildOptions) -> Result<(Vec<MentionRecord>, BuildStats)> {
        let mut graph = KnowledgeGraph::new();
        let mut mentions = Vec::new();
        let stats = self.stream(options, |ex| {
            ex.add_to(&mut graph);
            mentions.extend(ex.mentions);
        })?;
        let redirects = resolve::resolve_corpus(&mut graph);
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

fn hash_text(text: &str) -> u128 {
    // 128-bit FNV-1a: stable across runs and platforms (std's hasher is randomly seeded), and
    // wide enough that two different articles never collide in practice (a collision would drop
    // an article as a "duplicate").
    let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
    for b in text.as_bytes() {
        h ^= *b as u128;
        h = h.wrapping_mul(0x0000000001000000000000000000013B);
    }
    h
}

/// Whether a path names a graph.json or a folder holding one.
pub fn graph_json_path(p: &Path) -> PathBuf {
    if p.is_dir() {
        p.join("graph.json")
    } else {
        p.to_path_buf()
    }
}
