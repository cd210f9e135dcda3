//! Extraction of one document: mentions → typing → resolution → events → relations.
//!
//! [`extract_document`] is pure: the same document and lexicon always give the same
//! [`DocExtraction`], so documents can be processed in any order, on any thread.

pub mod detect;
pub mod resolve;
pub mod tokens;

use serde::Serialize;

use crate::corpus::Document;
use crate::graph::{EntityType, Evidence, KnowledgeGraph, Node, Certainty};
use crate::lexicon::Lexicon;
use crate::text::{segment, SectionKind, Segmented, Span};

use detect::{detect, Candidate, SentenceInput};
use tokens::{tokenize, Token};

/// One entity mention, as `kgraph extract` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MentionRecord {
    pub doc: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    #[serde(rename = "type")]
    pub etype: EntityType,
    pub entity: String,
}

/// A relation found in one document, before aggregation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationRecord {
    pub source: String,
    pub relation: String,
    pub target: String,
    pub certainty: Certainty,
    pub evidence: Evidence,
}

/// Everything one document contributes to the graph.
#[derive(Debug, Clone, Default)]
pub struct DocExtraction {
    pub doc: String,
    pub mentions: Vec<MentionRecord>,
    pub nodes: Vec<Node>,
    pub relations: Vec<RelationRecord>,
}

impl DocExtraction {
    /// Adds this document's nodes and relations to a graph.
    pub fn add_to(&self, graph: &mut KnowledgeGraph) {
        graph.meta.documents += 1;
        for n in &self.nodes {
            graph.add_node(n.clone());
        }
        for r in &self.relations {
            graph.add_edge(&r.source, &r.relation, &r.target, r.certainty, [r.evidence.clone()]);
        }
    }
}

/// A document with its structure, tokens, candidates and entities: what the later stages read.
pub struct DocContext<'a> {
    pub doc: &'a Document,
    pub seg: Segmented,
    /// Tokens of each sentence.
    pub tokens: Vec<Vec<Token>>,
    pub cands: Vec<Candidate>,
    pub entities: Vec<resolve::LocalEntity>,
    /// Entity of each candidate.
    pub assignment: Vec<Option<usize>>,
}

impl DocContext<'_> {
    pub fn text(&self) -> &str {
        &self.doc.text
    }
    pub fn sentence_span(&self, s: usize) -> Span {
        self.seg.sentences[s].span
    }
    pub fn section_kind(&self, s: usize) -> SectionKind {
        self.seg.section_kind(s)
    }
}

/// Segments, tokenizes, detects and resolves one document.
pub fn analyze<'a>(doc: &'a Document, lex: &Lexicon) -> DocContext<'a> {
    let text = doc.text.as_str();
    let seg = segment(text);
    let mut tokens = Vec::with_capacity(seg.sentences.len());
    let mut cands = Vec::new();
    let mut last_para = usize::MAX;
    for (si, s) in seg.sentences.iter().enumerate() {
        let toks = tokenize(text, s.span);
        let input = SentenceInput { doc: text, tokens: &toks, sentence: si, paragraph_start: s.paragraph != last_para };
        last_para = s.paragraph;
        cands.extend(detect(&input, lex));
        tokens.push(toks);
    }
    let (entities, assignment) = resolve::resolve_document(text, &cands, lex);
    DocContext { doc, seg, tokens, cands, entities, assignment }
}

/// Extracts one document.
pub fn extract_document(doc: &Document, lex: &Lexicon) -> DocExtraction {
    let ctx = analyze(doc, lex);
    let mut out = DocExtraction { doc: doc.id.clone(), ..Default::default() };
    for (m, c) in ctx.cands.iter().enumerate() {
        if let Some(e) = ctx.assignment[m] {
            let ent = &ctx.entities[e];
            out.mentions.push(MentionRecord {
                doc: doc.id.clone(),
                start: c.span.start,
                end: c.span.end,
                text: c.text(&doc.text).to_string(),
                etype: ent.etype,
                entity: ent.id.clone(),
            });
        }
    }
    for ent in &ctx.entities {
        let mut node = Node::new(ent.etype, &ent.label);
        node.id = ent.id.clone();
        node.aliases.extend(ent.aliases.iter().cloned());
        node.mentions = ent.mentions.len() as u64;
        node.docs.insert(doc.id.clone());
        out.nodes.push(node);
    }
    out.nodes.sort_by(|a, b| a.id.cmp(&b.id));
    out
}
