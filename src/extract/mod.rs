//! Extraction of one document: mentions → typing → resolution → events → relations.
//!
//! [`extract_document`] is pure: the same document and lexicon always give the same
//! [`DocExtraction`], so documents can be processed in any order, on any thread.

pub mod detect;
pub mod events;
pub mod relate;
pub mod resolve;
pub mod tokens;

use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;

use crate::corpus::Document;
use crate::graph::{Certainty, EntityType, Evidence, KnowledgeGraph, Node};
use crate::lexicon::{Kind, Lexicon};
use crate::ontology::Ontology;
use crate::text::{segment, SectionKind, Segmented, Span};

use detect::{detect_into, Candidate, SentenceInput};
use tokens::SentenceTokens;

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

/// The rule that found a relation, as the evidence names it. Rules come from a fixed
/// vocabulary (the ontology's patterns, this module's own), so a record borrows the name.
///
/// The order is that of the variants, then of the names: records are sorted by it, and no
/// output depends on it (see [`extract_document_with`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule<'o> {
    /// A rule by its id: an ontology pattern's, or one of this module's ("administration-of").
    Named(&'o str),
    /// An argument of an event, by its relation: the rule `event-<relation>`.
    Event(&'o str),
}

impl std::fmt::Display for Rule<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rule::Named(id) => f.write_str(id),
            Rule::Event(relation) => write!(f, "event-{relation}"),
        }
    }
}

/// A relation found in one document, before aggregation. Everything in it is a number or a
/// borrowed name: the ids of its ends are those of [`DocExtraction::nodes`], the text of its
/// sentence is in [`DocExtraction::sentences`], each kept once per document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationRecord<'o> {
    /// The source: in a [`DocExtraction`], an index into its `nodes`. (While a document is
    /// extracted, an index into its [`relate::EntityRef`]s.)
    pub source: usize,
    pub relation: &'o str,
    /// The target, as `source`.
    pub target: usize,
    pub certainty: Certainty,
    /// The evidence sentence.
    pub sentence: Span,
    pub rule: Rule<'o>,
}

/// A sentence that is evidence for relations of a document: its text copied once, however
/// many relations it supports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceSentence {
    pub span: Span,
    pub text: Arc<str>,
    /// Whether the writers' sanitising leaves the text as it is
    /// ([`crate::export::values::is_clean`]), worked out here, where documents run in parallel.
    pub clean: bool,
}

/// A string of a [`DocExtraction`]: a byte range of its `strings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StrRef {
    start: u32,
    end: u32,
}

/// An entity of one document, as the graph will know it ([`Node`]), its strings in
/// [`DocExtraction::strings`]: a document's nodes cost one allocation, not several each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocNode {
    pub id: StrRef,
    pub label: StrRef,
    pub etype: EntityType,
    /// A range of [`DocExtraction::aliases`]: sorted, each once, the label among them.
    pub aliases: std::ops::Range<usize>,
    pub mentions: u64,
    pub date: Option<StrRef>,
    /// For events: the id of the place node where it happened.
    pub place: Option<StrRef>,
}

/// Everything one document contributes to the graph.
#[derive(Debug, Clone, Default)]
pub struct DocExtraction<'o> {
    pub doc: String,
    pub mentions: Vec<MentionRecord>,
    /// Sorted by id, each id once. Every node is of document `doc`.
    pub nodes: Vec<DocNode>,
    /// Sorted by (source, relation, target), then by sentence and rule, without repeats
    /// (those of `co_occurs_with` after the others, see [`add_cooccurrence`]).
    pub relations: Vec<RelationRecord<'o>>,
    /// The sentences of `relations`, sorted by span, each once.
    pub sentences: Vec<EvidenceSentence>,
    /// The strings of `nodes`, one after the other.
    pub strings: String,
    /// The aliases of `nodes`.
    pub aliases: Vec<StrRef>,
}

impl<'o> DocExtraction<'o> {
    /// A string of `nodes`.
    pub fn str(&self, s: StrRef) -> &str {
        &self.strings[s.start as usize..s.end as usize]
    }

    /// The id of node `n`.
    pub fn id(&self, n: usize) -> &str {
        self.str(self.nodes[n].id)
    }

    /// The aliases of a node (the label among them), sorted.
    pub fn aliases_of(&self, n: &DocNode) -> impl Iterator<Item = &str> + '_ {
        self.aliases[n.aliases.clone()].iter().map(|&a| self.str(a))
    }

    /// Node `n` as the graph's [`Node`], seen in this document.
    pub fn node(&self, n: usize) -> Node {
        let d = &self.nodes[n];
        Node {
            id: self.str(d.id).to_string(),
            label: self.str(d.label).to_string(),
            etype: d.etype,
            aliases: self.aliases_of(d).map(str::to_string).collect(),
            mentions: d.mentions,
            docs: std::collections::BTreeSet::from([self.doc.clone()]),
            date: d.date.map(|s| self.str(s).to_string()),
            place: d.place.map(|s| self.str(s).to_string()),
        }
    }

    /// The evidence sentence `span`.
    pub fn sentence(&self, span: Span) -> Option<&EvidenceSentence> {
        self.sentences
            .binary_search_by(|s| s.span.cmp(&span))
            .ok()
            .map(|i| &self.sentences[i])
    }

    /// The evidence of a relation, as plain strings.
    pub fn evidence(&self, r: &RelationRecord<'_>) -> Evidence {
        Evidence {
            doc: self.doc.clone(),
            start: r.sentence.start,
            end: r.sentence.end,
            text: self
                .sentence(r.sentence)
                .map_or_else(String::new, |s| s.text.to_string()),
            rule: r.rule.to_string(),
        }
    }

    /// Adds this document's nodes and relations to a graph.
    pub fn add_to(&self, graph: &mut KnowledgeGraph) {
        graph.meta.documents += 1;
        for n in 0..self.nodes.len() {
            graph.add_node(self.node(n));
        }
        for r in &self.relations {
            graph.add_edge(
                self.id(r.source),
                r.relation,
                self.id(r.target),
                r.certainty,
                [self.evidence(r)],
            );
        }
    }

    /// The index of the node with this id.
    fn find(&self, id: &str) -> Option<usize> {
        self.nodes.binary_search_by(|n| self.str(n.id).cmp(id)).ok()
    }

    /// Adds a node after the others (ids must come in order), its `docs` aside (every node is
    /// of document `doc`). Returns its index.
    pub fn push_node(&mut self, node: &Node) -> usize {
        let mut push = |s: &str| push_str(&mut self.strings, s);
        let first = self.aliases.len();
        for a in &node.aliases {
            let a = push(a);
            self.aliases.push(a);
        }
        let mut push = |s: &str| push_str(&mut self.strings, s);
        let n = DocNode {
            id: push(&node.id),
            label: push(&node.label),
            etype: node.etype,
            aliases: first..self.aliases.len(),
            mentions: node.mentions,
            date: node.date.as_deref().map(&mut push),
            place: node.place.as_deref().map(&mut push),
        };
        debug_assert!(self
            .nodes
            .last()
            .is_none_or(|m| self.str(m.id) < self.str(n.id)));
        self.nodes.push(n);
        self.nodes.len() - 1
    }

    /// Adds the sentence `span` (of text `sentence`) to the evidence sentences, if new.
    pub fn push_sentence(&mut self, span: Span, sentence: &str) {
        if let Err(at) = self.sentences.binary_search_by(|s| s.span.cmp(&span)) {
            self.sentences.insert(at, evidence_sentence(span, sentence));
        }
    }
}

/// Appends `s` to `strings`, and says where.
fn push_str(strings: &mut String, s: &str) -> StrRef {
    let start = strings.len() as u32;
    strings.push_str(s);
    StrRef {
        start,
        end: strings.len() as u32,
    }
}

/// The first sixteen bytes of `s` as a big-endian number, zeros after its end: `a < b` for
/// the keys of two strings means `a < b` for the strings, and equal keys leave the order to
/// the strings (a string's key orders it as its bytes do, a shorter one before the longer).
fn prefix_key(s: &str) -> u128 {
    let mut b = [0u8; 16];
    let n = s.len().min(16);
    b[..n].copy_from_slice(&s.as_bytes()[..n]);
    u128::from_be_bytes(b)
}

/// Sorts the aliases of one node: the label, then its other aliases. These come sorted, each
/// once, for most nodes (one entity's set): the label is then moved to its place instead of
/// sorting the lot. (Equal strings stay next to each other either way.)
fn sort_label_into(group: &mut [&str]) {
    let Some((&label, rest)) = group.split_first() else {
        return;
    };
    if rest.windows(2).all(|w| w[0] < w[1]) {
        let at = rest.partition_point(|&a| a < label);
        group[..=at].rotate_left(1);
    } else {
        group.sort_unstable();
    }
}

/// The evidence sentence `span`, its text `sentence`.
fn evidence_sentence(span: Span, sentence: &str) -> EvidenceSentence {
    EvidenceSentence {
        span,
        text: Arc::from(sentence),
        clean: crate::export::values::is_clean(sentence),
    }
}

/// A document with its structure, tokens, candidates and entities: what the later stages read.
pub struct DocContext<'a> {
    pub doc: &'a Document,
    pub seg: Segmented,
    /// Tokens of each sentence (`tokens[s]`).
    pub tokens: SentenceTokens,
    /// What events and relations ask of each token (trigger starts, cues), answered once.
    pub words: events::TokenTable,
    pub cands: Vec<Candidate>,
    /// The demonyms written with a capital as (sentence, token, lexicon entry), in text order.
    pub demonyms: Vec<(usize, usize, usize)>,
    pub entities: Vec<resolve::LocalEntity<'a>>,
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
    analyze_with(doc, lex, None)
}

/// [`analyze`]; given the ontology, the token table answers the relation stage's word
/// look-ups too (see [`events::TokenTable::sentence_ids`]).
pub fn analyze_with<'a>(
    doc: &'a Document,
    lex: &Lexicon,
    onto: Option<&Ontology>,
) -> DocContext<'a> {
    let text = doc.text.as_str();
    let seg = segment(text);
    // News text runs about one token per five bytes and one candidate per sixty: room for
    // more, as a vector that grows copies what it holds (a candidate is some 180 bytes).
    let mut tokens = SentenceTokens::with_capacity(seg.sentences.len(), text.len() / 4);
    let mut cands = Vec::with_capacity(text.len() / 40);
    let mut demonyms = Vec::new();
    let mut last_para = usize::MAX;
    let mut feats = detect::TokenFeats::default();
    for (si, s) in seg.sentences.iter().enumerate() {
        let toks = tokens.push_sentence(text, s.span);
        feats.compute(text, toks);
        let input = SentenceInput {
            doc: text,
            tokens: toks,
            sentence: si,
            paragraph_start: s.paragraph != last_para,
            feats: &feats,
        };
        last_para = s.paragraph;
        detect_into(&input, lex, &mut cands, &mut demonyms);
    }
    let (entities, assignment) = resolve::resolve_document(text, &cands, lex);
    let words = events::TokenTable::new(text, &tokens, lex, onto);
    DocContext {
        doc,
        seg,
        tokens,
        words,
        cands,
        demonyms,
        entities,
        assignment,
    }
}

/// Adds `co_occurs_with` edges between the entities (not events) named in one sentence: one
/// evidence item per sentence, so the weight counts the sentences. Symmetric: stored once, the
/// smaller id as source.
pub fn add_cooccurrence(doc: &Document, ex: &mut DocExtraction<'_>) {
    let text = doc.text.as_str();
    let seg = segment(text);
    // Nodes by index: the index order is the id order.
    let mut by_sentence: std::collections::BTreeMap<usize, std::collections::BTreeSet<usize>> =
        std::collections::BTreeMap::new();
    let mut si = 0;
    for m in &ex.mentions {
        if m.etype == EntityType::Event {
            continue;
        }
        while si < seg.sentences.len() && seg.sentences[si].span.end <= m.start {
            si += 1;
        }
        if si < seg.sentences.len() && seg.sentences[si].span.start <= m.start {
            // (Every mention's entity is a node of its document.)
            if let Some(n) = ex.find(&m.entity) {
                by_sentence.entry(si).or_default().insert(n);
            }
        }
    }
    for (s, ids) in by_sentence {
        let span = seg.sentences[s].span;
        let ids: Vec<usize> = ids.into_iter().collect();
        if ids.len() < 2 {
            continue;
        }
        ex.push_sentence(span, span.slice(text));
        for (i, &a) in ids.iter().enumerate() {
            for &b in &ids[i + 1..] {
                ex.relations.push(RelationRecord {
                    source: a,
                    relation: "co_occurs_with",
                    target: b,
                    certainty: Certainty::Stated,
                    sentence: span,
                    rule: Rule::Named("co-occurrence"),
                });
            }
        }
    }
}

/// The name `relation` as the ontology holds it, for records that borrow it; a name the
/// ontology lacks is kept once for the whole run.
fn relation_name<'o>(onto: &'o Ontology, relation: &str) -> &'o str {
    match onto.relations.get_key_value(relation) {
        Some((name, _)) => name,
        None => static_name(relation),
    }
}

/// `s` kept for the rest of the run, once per distinct string.
fn static_name(s: &str) -> &'static str {
    static NAMES: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&kept) = names.iter().find(|&&n| n == s) {
        return kept;
    }
    let kept: &'static str = Box::leak(s.into());
    names.push(kept);
    kept
}

/// The nodes of one document while it is extracted: one per id, their strings borrowed
/// (from the document, its entities, the lexicon) wherever they can be.
#[derive(Default)]
struct Drafts<'c> {
    by_id: rustc_hash::FxHashMap<Cow<'c, str>, usize>,
    nodes: Vec<Draft<'c>>,
    /// Every alias of every node as (node, alias), repeats and all (a node's label is one of
    /// its aliases without being listed).
    aliases: Vec<(usize, Cow<'c, str>)>,
}

struct Draft<'c> {
    label: Cow<'c, str>,
    etype: EntityType,
    mentions: u64,
    date: Option<String>,
    /// For events: where it happened, as an entity (an index into the `EntityRef`s).
    place: Option<usize>,
    /// For events found by `events::sentence_events`: their entity.
    event: Option<usize>,
}

impl<'c> Drafts<'c> {
    fn get(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The node of `id`, made with this type and label if new.
    fn node(&mut self, id: Cow<'c, str>, etype: EntityType, label: Cow<'c, str>) -> usize {
        let n = self.nodes.len();
        let n = *self.by_id.entry(id).or_insert(n);
        if n == self.nodes.len() {
            self.nodes.push(Draft {
                label,
                etype,
                mentions: 0,
                date: None,
                place: None,
                event: None,
            });
        }
        n
    }
}

/// A node that no mention of the document names (a country named by a demonym, a person named
/// only in "<Person> administration") with its entity for the relation stage: returns the
/// entity's index.
fn unmentioned<'c>(
    nodes: &mut Drafts<'c>,
    ents: &mut Vec<relate::EntityRef>,
    node_of: &mut Vec<usize>,
    id: String,
    etype: EntityType,
    label: &'c str,
) -> usize {
    let n = nodes.node(Cow::Owned(id.clone()), etype, Cow::Borrowed(label));
    ents.push(relate::EntityRef { id, etype });
    node_of.push(n);
    ents.len() - 1
}

/// The word of `words` (all lower case) that `w` is once lower-cased (as [`events::lower`]
/// does it), if any. An ASCII word is compared as it is: no lower-cased copy.
fn lower_in(w: &str, words: &[&'static str]) -> Option<&'static str> {
    if w.is_ascii() {
        words.iter().copied().find(|x| x.eq_ignore_ascii_case(w))
    } else {
        let l = events::lower(w);
        words.iter().copied().find(|x| *x == l)
    }
}

/// The lengths (bit `n` for length `n`) and the first letters (bit `n` for letter `'a' + n`)
/// of the [`relate::ORG_ANAPHORS`], which are ASCII lower-case words.
const ORG_ANAPHOR_SHAPES: (u64, u32) = {
    let (mut lengths, mut firsts) = (0u64, 0u32);
    let mut i = 0;
    while i < relate::ORG_ANAPHORS.len() {
        let w = relate::ORG_ANAPHORS[i].as_bytes();
        assert!(!w.is_empty() && w.len() < 64 && w[0].is_ascii_lowercase());
        lengths |= 1 << w.len();
        firsts |= 1 << (w[0] - b'a');
        i += 1;
    }
    (lengths, firsts)
};

/// Whether `w` may be one of the [`relate::ORG_ANAPHORS`] once lower-cased: false for an
/// ASCII word of another length or first letter (most words), without a look-up.
fn may_be_org_anaphor(w: &str) -> bool {
    let (lengths, firsts) = ORG_ANAPHOR_SHAPES;
    match w.as_bytes().first() {
        None => false,
        // (Lower-casing keeps an ASCII word's length.)
        Some(&b) if w.is_ascii() => {
            let f = b.to_ascii_lowercase();
            w.len() < 64
                && lengths & (1 << w.len()) != 0
                && f.is_ascii_lowercase()
                && firsts & (1 << (f - b'a')) != 0
        }
        Some(_) => true,
    }
}

/// Whether `KGRAPH_DEBUG_SHADOW` is set: shadow sentences go to standard error (for writing
/// patterns).
fn debug_shadow() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("KGRAPH_DEBUG_SHADOW").is_some())
}

/// Extracts one document: entities, events and relations, and the mentions.
pub fn extract_document<'o>(
    doc: &Document,
    lex: &Lexicon,
    onto: &'o Ontology,
) -> DocExtraction<'o> {
    extract_document_with(doc, lex, onto, true)
}

/// Extracts one document; with `mentions` false, [`DocExtraction::mentions`] stays empty (a
/// graph build reads only nodes and relations, and a mention costs three strings).
///
/// Relation records are sorted by (source id, relation, target id), as the graph adds their
/// edges, then by sentence and rule: the graph keeps one item per sentence, the smallest rule
/// and the surest certainty whatever their order, so only the first order reaches any output.
pub fn extract_document_with<'o>(
    doc: &Document,
    lex: &Lexicon,
    onto: &'o Ontology,
    mentions: bool,
) -> DocExtraction<'o> {
    let ctx = analyze_with(doc, lex, Some(onto));
    let text = doc.text.as_str();
    let mut out = DocExtraction {
        doc: doc.id.clone(),
        ..Default::default()
    };
    for (m, c) in ctx.cands.iter().enumerate().filter(|_| mentions) {
        if let Some(e) = ctx.assignment[m] {
            let ent = &ctx.entities[e];
            out.mentions.push(MentionRecord {
                doc: doc.id.clone(),
                start: c.span.start,
                end: c.span.end,
                text: c.text(text).to_string(),
                etype: ent.etype,
                entity: ent.id.clone(),
            });
        }
    }
    // One node per id; entities with the same id share it (the first gives label and type).
    let mut nodes = Drafts::default();
    nodes.by_id.reserve(ctx.entities.len());
    nodes.nodes.reserve(ctx.entities.len());
    // The node of each entity of `ents`.
    let mut node_of: Vec<usize> = Vec::with_capacity(ctx.entities.len() + 8);
    for ent in &ctx.entities {
        let known = nodes.nodes.len();
        let n = nodes.node(Cow::Borrowed(&ent.id), ent.etype, Cow::Borrowed(&ent.label));
        if n < known {
            // A second entity of the id: its label is an alias.
            nodes.aliases.push((n, Cow::Borrowed(&ent.label)));
        }
        nodes.nodes[n].mentions += ent.mentions.len() as u64;
        nodes
            .aliases
            .extend(ent.aliases.iter().map(|a| (n, Cow::Borrowed(&**a))));
        node_of.push(n);
    }
    let mut ents: Vec<relate::EntityRef> = ctx
        .entities
        .iter()
        .map(|e| relate::EntityRef {
            id: e.id.clone(),
            etype: e.etype,
        })
        .collect();
    // Mention start token → entity.
    // Built in one go from the candidates (in text order, so already sorted; a repeated key
    // keeps its last value, as repeated inserts would).
    let mention_entity: std::collections::BTreeMap<(usize, usize), (usize, usize)> = ctx
        .cands
        .iter()
        .zip(&ctx.assignment)
        .filter_map(|(c, a)| a.map(|e| ((c.sentence, c.first), (e, c.last))))
        .collect();
    // Countries named by a demonym: the document's entity for that country, or a new node.
    let mut demonym_map: std::collections::BTreeMap<usize, usize> =
        std::collections::BTreeMap::new();
    // Every demonym token as (sentence, token, lexicon entry), in order, as detection found
    // them: the relation stage reads them from here instead of looking them up again.
    let demonym_tokens = &ctx.demonyms;
    for &(_, _, entry) in demonym_tokens {
        if demonym_map.contains_key(&entry) {
            continue;
        }
        let parent = &lex.entries[entry].parent;
        if parent.is_empty() {
            continue;
        }
        let id = resolve::entity_id(EntityType::Place, parent);
        let idx = match ents.iter().position(|x| x.id == id) {
            Some(i) => i,
            None => unmentioned(
                &mut nodes,
                &mut ents,
                &mut node_of,
                id,
                EntityType::Place,
                parent,
            ),
        };
        demonym_map.insert(entry, idx);
    }
    let reference = crate::text::dates::document_date(text, doc.date.as_deref());
    let mut recent = relate::Recent::default();
    // Organizations called by a noun: "the Tren de Aragua gang", "a notorious gang".
    // Whether the last word of each entity's label has been looked at.
    let mut label_seen = vec![false; ctx.entities.len()];
    for (m, c) in ctx.cands.iter().enumerate() {
        let Some(e) = ctx.assignment[m] else { continue };
        if ctx.entities[e].etype != EntityType::Organization {
            continue;
        }
        let toks = &ctx.tokens[c.sentence];
        let entry = recent.org_nouns.entry(e).or_default();
        // Words compared lower-cased ([`lower_in`]: no lower-cased copy of most words).
        let mut add = |w: &str| {
            if !may_be_org_anaphor(w) {
                return;
            }
            if let Some(a) = lower_in(w, relate::ORG_ANAPHORS) {
                if !entry.iter().any(|n| n == a) {
                    entry.push(a.to_string());
                }
            }
        };
        if c.last < toks.len() {
            add(toks[c.last].text(text));
        }
        // Apposition: "X, a notorious gang" / "X, the Venezuelan gang".
        if c.last + 2 < toks.len()
            && toks[c.last].text(text) == ","
            && lower_in(toks[c.last + 1].text(text), &["a", "an", "the"]).is_some()
        {
            for t in &toks[c.last + 2..(c.last + 5).min(toks.len())] {
                let w = t.text(text);
                if lower_in(w, &[",", "that", "which", "who"]).is_some() {
                    break;
                }
                add(w);
            }
        }
        // "the Venezuelan gang Tren de Aragua": a noun right before.
        if c.first >= 1 {
            add(toks[c.first - 1].text(text));
        }
        // The last word of the name: "gang" of "the Tren de Aragua Gang". (Lower-casing
        // maps white space to white space and nothing else to it, so the last word of the
        // lower-cased label is the lower-cased last word.) The same word at every mention:
        // looked at the first time only, as a noun once added is not added again.
        if !std::mem::replace(&mut label_seen[e], true) {
            if let Some(w) = ctx.entities[e].label.split_whitespace().last() {
                add(w);
            }
        }
    }
    // Mentions of each entity: counted by index, the map built from them in order at once.
    let mut counts = vec![0usize; ctx.entities.len()];
    for &e in ctx.assignment.iter().flatten() {
        counts[e] += 1;
    }
    recent.mentions = counts
        .into_iter()
        .enumerate()
        .filter(|&(_, n)| n > 0)
        .collect();
    for si in 0..ctx.seg.sentences.len() {
        recent.new_paragraph(ctx.seg.sentences[si].paragraph);
        let span = ctx.sentence_span(si);
        let sentence_text = span.slice(text);
        let hedged = relate::Hedge::new(onto, sentence_text);
        let demonym_entity = |entry: usize| demonym_map.get(&entry).copied();
        let first = demonym_tokens.partition_point(|&(s, _, _)| s < si);
        let last = first + demonym_tokens[first..].partition_point(|&(s, _, _)| s == si);
        let spans = relate::sentence_spans(
            &ctx,
            si,
            &demonym_tokens[first..last],
            &ents,
            &mention_entity,
            &demonym_entity,
            &mut recent,
        );
        // Events of this sentence become entities and slots.
        let found = events::sentence_events(&ctx, si, lex, &spans, &ents, reference, &hedged);
        let mut spans = spans;
        for (ev, rels) in found {
            let id = resolve::entity_id(EntityType::Event, &ev.label);
            // A named event of the document may have the id already: the node is shared, the
            // entity is not.
            let n = match nodes.get(&id) {
                Some(n) => n,
                None => nodes.node(
                    Cow::Owned(id.clone()),
                    EntityType::Event,
                    Cow::Owned(ev.label),
                ),
            };
            let idx = match nodes.nodes[n].event {
                Some(idx) => idx,
                None => {
                    ents.push(relate::EntityRef {
                        id,
                        etype: EntityType::Event,
                    });
                    node_of.push(n);
                    nodes.nodes[n].event = Some(ents.len() - 1);
                    ents.len() - 1
                }
            };
            let (es, ee) = (
                ctx.tokens[si][ev.first].span.start,
                ctx.tokens[si][ev.last - 1].span.end,
            );
            let surface = &text[es..ee];
            // (`nfc` leaves ASCII as it is.)
            let alias = if surface.is_ascii() {
                Cow::Borrowed(surface)
            } else {
                Cow::Owned(crate::text::nfc(surface))
            };
            nodes.aliases.push((n, alias));
            let node = &mut nodes.nodes[n];
            node.mentions += 1;
            if mentions {
                out.mentions.push(MentionRecord {
                    doc: doc.id.clone(),
                    start: es,
                    end: ee,
                    text: surface.to_string(),
                    etype: EntityType::Event,
                    entity: ents[idx].id.clone(),
                });
            }
            if node.date.is_none() {
                node.date = ev.date;
            }
            if node.place.is_none() {
                node.place = ev.place;
            }
            let hedged = hedged.get();
            for (rel, e, event_is_subject) in &rels {
                let relation = relation_name(onto, rel);
                let (source, target) = if *event_is_subject {
                    (idx, *e)
                } else {
                    (*e, idx)
                };
                out.relations.push(RelationRecord {
                    source,
                    relation,
                    target,
                    certainty: if hedged || relation == "accused_of" {
                        Certainty::Alleged
                    } else {
                        Certainty::Stated
                    },
                    sentence: span,
                    rule: Rule::Event(relation),
                });
            }
            if !spans.iter().any(|s| s.first < ev.last && ev.first < s.last) {
                spans.push(relate::SlotSpan {
                    first: ev.first,
                    last: ev.last,
                    letter: 'E',
                    entities: vec![idx],
                });
            }
        }
        spans.sort_by_key(|s| s.first);
        let joined = relate::coordinate(&spans, &ctx, si);
        let run = |spans: &[relate::SlotSpan], symmetric_only, found: &mut _| {
            relate::relate_sentence(
                onto,
                &ctx,
                si,
                spans,
                &ents,
                span,
                &hedged,
                symmetric_only,
                found,
            )
        };
        if debug_shadow() {
            let (shadow, _) = relate::shadow(&ctx, si, &joined);
            eprintln!("shadow {}#{si}: {shadow}", doc.id);
        }
        // A sentence where no pattern could match (fewer than two slots: about a third of
        // the sentences of news text) needs no shadow.
        if relate::may_relate(onto, &joined, false) {
            run(&joined, false, &mut out.relations);
        }
        // Lists joined into one slot hide pairs inside them ("between Venezuela and Colombia"):
        // a second pass without joining, for symmetric relations only.
        if joined.len() != spans.len() && relate::may_relate(onto, &spans, true) {
            run(&spans, true, &mut out.relations);
        }
    }
    // Named events carry the date of their sentence.
    for (e, ent) in ctx.entities.iter().enumerate() {
        if ent.etype == EntityType::Event {
            let node = &mut nodes.nodes[node_of[e]];
            if let (None, Some(&m)) = (&node.date, ent.mentions.first()) {
                let s = ctx.cands[m].sentence;
                node.date =
                    crate::text::dates::find_date(ctx.sentence_span(s).slice(text), reference);
            }
        }
    }
    // "<Person> administration": the person leads it. (A name comes back in document after
    // document and often twice in one: the person each name is found to be is kept.)
    let mut named: Vec<(&str, Option<usize>)> = Vec::new();
    for (m, c) in ctx.cands.iter().enumerate() {
        let (Some(e), Some(name)) = (ctx.assignment[m], &c.administration_of) else {
            continue;
        };
        let found = match named.iter().find(|(n, _)| *n == name.as_str()) {
            Some(&(_, found)) => found,
            None => {
                let key = crate::text::fold_key(name);
                let found = ctx.entities.iter().position(|p| {
                    p.etype == EntityType::Person
                        && (p.aliases.iter().any(|a| crate::text::fold_key(a) == key)
                            || crate::text::fold_key(&p.label).split(' ').next_back()
                                == key.split(' ').next_back())
                });
                named.push((name, found));
                found
            }
        };
        let person = found.unwrap_or_else(|| {
            // A person named only there: a node with no mention (kept, as the relation
            // uses it), its entity for the relation.
            let id = crate::graph::node_id(EntityType::Person, name);
            unmentioned(
                &mut nodes,
                &mut ents,
                &mut node_of,
                id,
                EntityType::Person,
                name,
            )
        });
        out.relations.push(RelationRecord {
            source: person,
            relation: relation_name(onto, "leader_of"),
            target: e,
            certainty: Certainty::Stated,
            sentence: ctx.sentence_span(c.sentence),
            rule: Rule::Named("administration-of"),
        });
    }
    // Organizations from the lexicon are based in their country ("U.S. Treasury").
    for (e, ent) in ctx.entities.iter().enumerate() {
        let Some(x) = ent.lex else { continue };
        let entry = &lex.entries[x];
        if ent.etype != EntityType::Organization
            || entry.parent.is_empty()
            || entry.kind != Kind::Entity(EntityType::Organization)
        {
            continue;
        }
        let place = resolve::entity_id(EntityType::Place, &entry.parent);
        let Some(place_node) = nodes.get(&place) else {
            continue;
        };
        // Only where the name says so: "U.S. Treasury", not "Congress".
        let Some(&m) = ent.mentions.iter().find(|&&m| {
            let first = ctx.tokens[ctx.cands[m].sentence][ctx.cands[m].first].text(text);
            lex.names_of_text(first)
                .iter()
                .any(|&x| resolve::is_entity_id(EntityType::Place, &lex.entries[x].name, &place))
        }) else {
            continue;
        };
        // The place as an entity: one whose node it is.
        let target = node_of
            .iter()
            .position(|&n| n == place_node)
            .unwrap_or_else(|| {
                ents.push(relate::EntityRef {
                    id: place,
                    etype: EntityType::Place,
                });
                node_of.push(place_node);
                ents.len() - 1
            });
        out.relations.push(RelationRecord {
            source: e,
            relation: relation_name(onto, "based_in"),
            target,
            certainty: Certainty::Stated,
            sentence: ctx.sentence_span(ctx.cands[m].sentence),
            rule: Rule::Named("lexicon-based-in"),
        });
    }
    finish(&mut out, text, nodes, &node_of, &ents);
    out
}

/// Puts a document's nodes (those with a mention, or used by a relation) into `out` sorted by
/// id, its relations on them sorted and without repeats, their sentences.
fn finish(
    out: &mut DocExtraction<'_>,
    text: &str,
    nodes: Drafts<'_>,
    node_of: &[usize],
    ents: &[relate::EntityRef],
) {
    // Relations from entities to nodes.
    for r in &mut out.relations {
        r.source = node_of[r.source];
        r.target = node_of[r.target];
    }
    // Countries named only by a demonym stay only when a relation uses them.
    let mut keep: Vec<bool> = nodes.nodes.iter().map(|n| n.mentions > 0).collect();
    if keep.contains(&false) {
        for r in &out.relations {
            keep[r.source] = true;
            keep[r.target] = true;
        }
    }
    let mut ids: Vec<&str> = vec![""; nodes.nodes.len()];
    for (id, &n) in &nodes.by_id {
        ids[n] = id;
    }
    // Sorted by id: by the ids' first sixteen bytes as a number first (most pairs differ
    // there), the whole ids only on a tie. (Ids are distinct: the order is the ids' order.)
    let mut keyed: Vec<(u128, usize)> = (0..nodes.nodes.len())
        .filter(|&n| keep[n])
        .map(|n| (prefix_key(ids[n]), n))
        .collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| ids[a.1].cmp(ids[b.1])));
    let order: Vec<usize> = keyed.into_iter().map(|(_, n)| n).collect();
    // Draft → position in id order.
    let mut position = vec![usize::MAX; nodes.nodes.len()];
    for (i, &n) in order.iter().enumerate() {
        position[n] = i;
    }
    // Aliases by node in id order (a counting sort), the label among them; each node's
    // sorted, then taken once. (Most come sorted already, from one entity's set.)
    let mut starts = vec![0usize; order.len() + 1];
    for &(n, _) in &nodes.aliases {
        if keep[n] {
            starts[position[n] + 1] += 1;
        }
    }
    for i in 0..order.len() {
        // The label, and the groups before.
        starts[i + 1] += 1 + starts[i];
    }
    let mut grouped: Vec<&str> = vec![""; starts[order.len()]];
    let mut next = starts.clone();
    for (n, a) in order
        .iter()
        .map(|&n| (n, &nodes.nodes[n].label))
        .chain(nodes.aliases.iter().map(|(n, a)| (*n, a)))
    {
        if keep[n] {
            let at = &mut next[position[n]];
            grouped[*at] = a;
            *at += 1;
        }
    }
    let mut strings = String::with_capacity(
        order.iter().map(|&n| ids[n].len()).sum::<usize>()
            + grouped.iter().map(|a| a.len()).sum::<usize>(),
    );
    let mut push = |s: &str| push_str(&mut strings, s);
    let mut aliases = Vec::with_capacity(grouped.len());
    out.nodes = order
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let d = &nodes.nodes[n];
            let group = &mut grouped[starts[i]..starts[i + 1]];
            sort_label_into(group);
            let first = aliases.len();
            let mut label = None;
            for (k, &a) in group.iter().enumerate() {
                if k > 0 && group[k - 1] == a {
                    continue;
                }
                let at = push(a);
                if a == d.label {
                    label = Some(at);
                }
                aliases.push(at);
            }
            DocNode {
                id: push(ids[n]),
                label: label.unwrap_or_else(|| push(&d.label)),
                etype: d.etype,
                aliases: first..aliases.len(),
                mentions: d.mentions,
                date: d.date.as_deref().map(&mut push),
                place: d.place.map(|p| push(&ents[p].id)),
            }
        })
        .collect();
    out.strings = strings;
    out.aliases = aliases;
    for r in &mut out.relations {
        r.source = position[r.source];
        r.target = position[r.target];
    }
    out.mentions.sort_by_key(|m| (m.start, m.end));
    out.relations.sort_unstable_by(|a, b| {
        (
            a.source,
            a.relation,
            a.target,
            a.sentence,
            a.rule,
            a.certainty,
        )
            .cmp(&(
                b.source,
                b.relation,
                b.target,
                b.sentence,
                b.rule,
                b.certainty,
            ))
    });
    out.relations.dedup();
    let mut spans: Vec<Span> = out.relations.iter().map(|r| r.sentence).collect();
    spans.sort_unstable();
    spans.dedup();
    out.sentences = spans
        .into_iter()
        .map(|span| evidence_sentence(span, span.slice(text)))
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Pipeline;
    use crate::text::fold_key;

    /// [`lower_in`] is a look-up of `events::lower(w)`.
    #[test]
    fn lower_in_is_lower_then_find() {
        let words: &[&'static str] = &["gang", "the", ",", "a", "kelvin"];
        for w in [
            "gang",
            "Gang",
            "GANG",
            "gangs",
            "The",
            "tHe",
            ",",
            "A",
            "a",
            "",
            "\u{212A}elvin",
            "KELVIN",
            "Ǵang",
            "ganG\u{301}",
        ] {
            let l = events::lower(w);
            let expected = words.iter().copied().find(|x| *x == l);
            assert_eq!(lower_in(w, words), expected, "{w:?}");
        }
    }

    /// `may_be_org_anaphor` lets every word through that `lower_in` finds.
    #[test]
    fn may_be_org_anaphor_keeps_every_anaphor() {
        for w in relate::ORG_ANAPHORS {
            for form in [
                w.to_string(),
                w.to_uppercase(),
                events::lower(w).into_owned(),
            ] {
                assert!(may_be_org_anaphor(&form), "{form:?}");
            }
        }
        for w in [
            "",
            ",",
            "the",
            "said",
            "gangs",
            "Gang",
            "GROUP",
            "\u{212A}elvin",
            "Ǵang",
            "zang",
            "agency",
            "Company",
            "1234",
        ] {
            if lower_in(w, relate::ORG_ANAPHORS).is_some() {
                assert!(may_be_org_anaphor(w), "{w:?}");
            }
        }
        assert!(!may_be_org_anaphor("the"));
        assert!(!may_be_org_anaphor(","));
        assert!(!may_be_org_anaphor("zang"));
    }

    /// `prefix_key` orders as the strings do wherever the keys differ.
    #[test]
    fn prefix_key_orders_as_strings() {
        let words = [
            "",
            "a",
            "a\0",
            "ab",
            "organization:abc",
            "organization:abcd",
            "organization:abd",
            "person:x",
            "person:x-y",
            "place:é",
            "place:z",
            "event:0123456789abcdef",
            "event:0123456789abcdeg",
        ];
        for a in words {
            for b in words {
                let (ka, kb) = (prefix_key(a), prefix_key(b));
                if ka != kb {
                    assert_eq!(ka < kb, a < b, "{a:?} {b:?}");
                }
            }
        }
    }

    /// `sort_label_into` sorts as a sort does (repeats kept next to each other).
    #[test]
    fn sort_label_into_sorts() {
        let cases: &[&[&str]] = &[
            &[],
            &["a"],
            &["b", "a", "c"],
            &["a", "a", "c"],
            &["c", "a", "b"],
            &["a", "b", "c"],
            &["b", "b"],
            &["b", "c", "a"],
            &["m", "z", "a", "q"],
            &["Maduro", "Maduro", "Nicolás Maduro"],
        ];
        for case in cases {
            let mut got = case.to_vec();
            sort_label_into(&mut got);
            let mut want = case.to_vec();
            want.sort_unstable();
            assert_eq!(got, want, "{case:?}");
        }
    }

    /// Relation names the ontology lacks are kept once: the same name, the same copy.
    #[test]
    fn names_outside_the_ontology_are_kept_once() {
        let onto = Ontology::builtin().unwrap();
        let known = relation_name(&onto, "leader_of");
        assert_eq!(known, "leader_of");
        assert!(std::ptr::eq(known, relation_name(&onto, "leader_of")));
        let a = relation_name(&onto, "no_such_relation");
        let b = relation_name(&onto, &String::from("no_such_relation"));
        assert_eq!(a, "no_such_relation");
        assert!(std::ptr::eq(a, b));
        assert_ne!(static_name("x1"), static_name("x2"));
    }

    /// Every example of every pattern in schemas/ontology.json holds: each expected
    /// "Subject relation Object" is extracted from its text (names compared by label or alias).
    #[test]
    fn ontology_pattern_examples_hold() {
        let p = Pipeline::builtin().unwrap();
        let mut failures = Vec::new();
        let mut checked = 0;
        for pat in &p.ontology.patterns {
            for ex in &pat.examples {
                let doc = Document::new("example.txt", ex.text.clone());
                let out = p.extract(&doc);
                let names = |n: &usize| -> Vec<String> {
                    let node = &out.nodes[*n];
                    std::iter::once(fold_key(out.str(node.label)))
                        .chain(out.aliases_of(node).map(fold_key))
                        .collect()
                };
                for want in &ex.expect {
                    let parts: Vec<&str> = want.split_whitespace().collect();
                    let Some(ri) = parts.iter().position(|w| p.ontology.relation(w).is_some())
                    else {
                        failures.push(format!(
                            "{}: expectation {want:?} names no relation",
                            pat.id
                        ));
                        continue;
                    };
                    let (subj, rel, obj) = (
                        fold_key(&parts[..ri].join(" ")),
                        parts[ri],
                        fold_key(&parts[ri + 1..].join(" ")),
                    );
                    let found = out.relations.iter().any(|r| {
                        r.relation == rel
                            && names(&r.source).contains(&subj)
                            && names(&r.target).contains(&obj)
                            || (p.ontology.relation(rel).is_some_and(|t| t.symmetric)
                                && r.relation == rel
                                && names(&r.source).contains(&obj)
                                && names(&r.target).contains(&subj))
                    });
                    if !found {
                        let got: Vec<String> = out
                            .relations
                            .iter()
                            .map(|r| {
                                format!("{} {} {}", out.id(r.source), r.relation, out.id(r.target))
                            })
                            .collect();
                        failures.push(format!(
                            "{}: {want:?} not extracted from {:?}; got {got:?}",
                            pat.id, ex.text
                        ));
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked >= 25, "only {checked} examples");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
