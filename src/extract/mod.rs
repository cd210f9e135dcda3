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
            graph.add_edge(
                &r.source,
                &r.relation,
                &r.target,
                r.certainty,
                [r.evidence.clone()],
            );
        }
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
    let words = events::TokenTable::new(text, &tokens, lex);
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
pub fn add_cooccurrence(doc: &Document, ex: &mut DocExtraction) {
    let text = doc.text.as_str();
    let seg = segment(text);
    let mut by_sentence: std::collections::BTreeMap<usize, std::collections::BTreeSet<&str>> =
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
            by_sentence.entry(si).or_default().insert(m.entity.as_str());
        }
    }
    let mut added = Vec::new();
    for (s, ids) in by_sentence {
        let span = seg.sentences[s].span;
        let ids: Vec<&str> = ids.into_iter().collect();
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                added.push(RelationRecord {
                    source: a.to_string(),
                    relation: "co_occurs_with".into(),
                    target: b.to_string(),
                    certainty: Certainty::Stated,
                    evidence: Evidence {
                        doc: doc.id.clone(),
                        start: span.start,
                        end: span.end,
                        text: span.slice(text).to_string(),
                        rule: "co-occurrence".into(),
                    },
                });
            }
        }
    }
    ex.relations.extend(added);
}

/// `Node::new(etype, label)` with its id already made, seen in document `doc`.
fn new_node(id: &str, etype: EntityType, label: &str, doc: &str) -> Node {
    Node {
        id: id.to_string(),
        label: label.to_string(),
        etype,
        aliases: one(label.to_string()),
        mentions: 0,
        docs: one(doc.to_string()),
        date: None,
        place: None,
    }
}

/// A set of one string (`BTreeSet::from([s])` sorts an array first).
fn one(s: String) -> std::collections::BTreeSet<String> {
    let mut set = std::collections::BTreeSet::new();
    set.insert(s);
    set
}

/// Whether `KGRAPH_DEBUG_SHADOW` is set: shadow sentences go to standard error (for writing
/// patterns).
fn debug_shadow() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("KGRAPH_DEBUG_SHADOW").is_some())
}

/// Extracts one document: entities, events and relations, and the mentions.
pub fn extract_document(doc: &Document, lex: &Lexicon, onto: &Ontology) -> DocExtraction {
    extract_document_with(doc, lex, onto, true)
}

/// Extracts one document; with `mentions` false, [`DocExtraction::mentions`] stays empty (a
/// graph build reads only nodes and relations, and a mention costs three strings).
pub fn extract_document_with(
    doc: &Document,
    lex: &Lexicon,
    onto: &Ontology,
    mentions: bool,
) -> DocExtraction {
    let ctx = analyze(doc, lex);
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
    // Sorted by id at the end.
    let mut nodes: rustc_hash::FxHashMap<String, Node> = rustc_hash::FxHashMap::default();
    nodes.reserve(ctx.entities.len());
    for ent in &ctx.entities {
        match nodes.get_mut(&ent.id) {
            Some(n) => {
                n.aliases.insert(ent.label.clone());
                n.aliases.extend(ent.aliases.iter().cloned());
                n.mentions += ent.mentions.len() as u64;
            }
            None => {
                // `Node::new` with the entity's id, not one derived again from the label.
                let mut aliases = ent.aliases.clone();
                if !aliases.contains(&ent.label) {
                    aliases.insert(ent.label.clone());
                }
                let node = Node {
                    id: ent.id.clone(),
                    label: ent.label.clone(),
                    etype: ent.etype,
                    aliases,
                    mentions: ent.mentions.len() as u64,
                    docs: one(doc.id.clone()),
                    date: None,
                    place: None,
                };
                nodes.insert(ent.id.clone(), node);
            }
        }
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
            None => {
                nodes
                    .entry(id.clone())
                    .or_insert_with(|| new_node(&id, EntityType::Place, parent, &doc.id));
                ents.push(relate::EntityRef {
                    id,
                    etype: EntityType::Place,
                });
                ents.len() - 1
            }
        };
        demonym_map.insert(entry, idx);
    }
    let reference = crate::text::dates::document_date(text, doc.date.as_deref());
    let mut recent = relate::Recent::default();
    // Organizations called by a noun: "the Tren de Aragua gang", "a notorious gang".
    for (m, c) in ctx.cands.iter().enumerate() {
        let Some(e) = ctx.assignment[m] else { continue };
        if ctx.entities[e].etype != EntityType::Organization {
            continue;
        }
        let toks = &ctx.tokens[c.sentence];
        let entry = recent.org_nouns.entry(e).or_default();
        // Lower-cased words, borrowed where lower-casing changes nothing (most words).
        let mut add = |w: Cow<'_, str>| {
            if relate::ORG_ANAPHORS.contains(&&*w) && !entry.iter().any(|n| *n == *w) {
                entry.push(w.into_owned());
            }
        };
        if c.last < toks.len() {
            add(events::lower(toks[c.last].text(text)));
        }
        // Apposition: "X, a notorious gang" / "X, the Venezuelan gang".
        if c.last + 2 < toks.len()
            && toks[c.last].text(text) == ","
            && matches!(
                &*events::lower(toks[c.last + 1].text(text)),
                "a" | "an" | "the"
            )
        {
            for t in &toks[c.last + 2..(c.last + 5).min(toks.len())] {
                let w = events::lower(t.text(text));
                if matches!(&*w, "," | "that" | "which" | "who") {
                    break;
                }
                add(w);
            }
        }
        // "the Venezuelan gang Tren de Aragua": a noun right before.
        if c.first >= 1 {
            add(events::lower(toks[c.first - 1].text(text)));
        }
        // The last word of the name: "gang" of "the Tren de Aragua Gang". (Lower-casing
        // maps white space to white space and nothing else to it, so the last word of the
        // lower-cased label is the lower-cased last word.)
        if let Some(w) = ctx.entities[e].label.split_whitespace().last() {
            add(events::lower(w));
        }
    }
    for (m, _) in ctx.cands.iter().enumerate() {
        if let Some(e) = ctx.assignment[m] {
            *recent.mentions.entry(e).or_insert(0) += 1;
        }
    }
    let mut events: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
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
        let evidence = if found.is_empty() {
            None
        } else {
            Some(Evidence {
                doc: doc.id.clone(),
                start: span.start,
                end: span.end,
                text: sentence_text.to_string(),
                rule: String::new(),
            })
        };
        let mut spans = spans;
        for (ev, rels) in found {
            let id = resolve::entity_id(EntityType::Event, &ev.label);
            let idx = *events.entry(id.clone()).or_insert_with(|| {
                ents.push(relate::EntityRef {
                    id: id.clone(),
                    etype: EntityType::Event,
                });
                ents.len() - 1
            });
            let node = nodes
                .entry(id.clone())
                .or_insert_with(|| new_node(&id, EntityType::Event, &ev.label, &doc.id));
            node.mentions += 1;
            let (es, ee) = (
                ctx.tokens[si][ev.first].span.start,
                ctx.tokens[si][ev.last - 1].span.end,
            );
            node.aliases.insert(crate::text::nfc(&text[es..ee]));
            if mentions {
                out.mentions.push(MentionRecord {
                    doc: doc.id.clone(),
                    start: es,
                    end: ee,
                    text: text[es..ee].to_string(),
                    etype: EntityType::Event,
                    entity: id.clone(),
                });
            }
            if node.date.is_none() {
                node.date = ev.date.clone();
            }
            if node.place.is_none() {
                node.place = ev.place.map(|p| ents[p].id.clone());
            }
            let eref = ents[idx].clone();
            if let Some(evidence) = &evidence {
                let hedged = hedged.get();
                events::event_relations(&eref, &rels, &ents, evidence, hedged, &mut out.relations);
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
                &doc.id,
                (span.start, span.end, sentence_text),
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
    for ent in &ctx.entities {
        if ent.etype == EntityType::Event {
            if let (Some(node), Some(&m)) = (nodes.get_mut(&ent.id), ent.mentions.first()) {
                if node.date.is_none() {
                    let s = ctx.cands[m].sentence;
                    node.date =
                        crate::text::dates::find_date(ctx.sentence_span(s).slice(text), reference);
                }
            }
        }
    }
    // "<Person> administration": the person leads it.
    for (m, c) in ctx.cands.iter().enumerate() {
        let (Some(e), Some(name)) = (ctx.assignment[m], &c.administration_of) else {
            continue;
        };
        let key = crate::text::fold_key(name);
        let person = ctx
            .entities
            .iter()
            .filter(|p| p.etype == EntityType::Person)
            .find(|p| {
                p.aliases.iter().any(|a| crate::text::fold_key(a) == key)
                    || crate::text::fold_key(&p.label).split(' ').next_back()
                        == key.split(' ').next_back()
            })
            .map(|p| p.id.clone())
            .unwrap_or_else(|| {
                let node = Node::new(EntityType::Person, name);
                let id = node.id.clone();
                nodes.entry(id.clone()).or_insert_with(|| {
                    let mut n = node;
                    n.docs.insert(doc.id.clone());
                    n
                });
                id
            });
        let span = ctx.sentence_span(c.sentence);
        out.relations.push(RelationRecord {
            source: person,
            relation: "leader_of".into(),
            target: ctx.entities[e].id.clone(),
            certainty: Certainty::Stated,
            evidence: Evidence {
                doc: doc.id.clone(),
                start: span.start,
                end: span.end,
                text: span.slice(text).to_string(),
                rule: "administration-of".into(),
            },
        });
    }
    // Organizations from the lexicon are based in their country ("U.S. Treasury").
    for ent in &ctx.entities {
        let Some(x) = ent.lex else { continue };
        let entry = &lex.entries[x];
        if ent.etype != EntityType::Organization
            || entry.parent.is_empty()
            || entry.kind != Kind::Entity(EntityType::Organization)
        {
            continue;
        }
        let place = resolve::entity_id(EntityType::Place, &entry.parent);
        if !nodes.contains_key(&place) {
            continue;
        }
        // Only where the name says so: "U.S. Treasury", not "Congress".
        let Some(&m) = ent.mentions.iter().find(|&&m| {
            let first = ctx.tokens[ctx.cands[m].sentence][ctx.cands[m].first].text(text);
            lex.names(&crate::text::fold_key(first))
                .iter()
                .any(|&x| resolve::entity_id(EntityType::Place, &lex.entries[x].name) == place)
        }) else {
            continue;
        };
        let s = ctx.cands[m].sentence;
        let span = ctx.sentence_span(s);
        out.relations.push(RelationRecord {
            source: ent.id.clone(),
            relation: "based_in".into(),
            target: place,
            certainty: Certainty::Stated,
            evidence: Evidence {
                doc: doc.id.clone(),
                start: span.start,
                end: span.end,
                text: span.slice(text).to_string(),
                rule: "lexicon-based-in".into(),
            },
        });
    }
    // Countries named only by a demonym stay only when a relation uses them.
    if nodes.values().any(|n| n.mentions == 0) {
        let used: rustc_hash::FxHashSet<&str> = out
            .relations
            .iter()
            .flat_map(|r| [r.source.as_str(), r.target.as_str()])
            .collect();
        nodes.retain(|id, n| n.mentions > 0 || used.contains(id.as_str()));
    }
    let mut nodes: Vec<(String, Node)> = nodes.into_iter().collect();
    nodes.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    out.nodes = nodes.into_iter().map(|(_, n)| n).collect();
    out.mentions.sort_by_key(|m| (m.start, m.end));
    out.relations.sort_by(|a, b| {
        (&a.source, &a.relation, &a.target, &a.evidence).cmp(&(
            &b.source,
            &b.relation,
            &b.target,
            &b.evidence,
        ))
    });
    out.relations.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Pipeline;
    use crate::text::fold_key;

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
                let names = |id: &str| -> Vec<String> {
                    out.nodes
                        .iter()
                        .filter(|n| n.id == id)
                        .flat_map(|n| {
                            std::iter::once(fold_key(&n.label))
                                .chain(n.aliases.iter().map(|a| fold_key(a)))
                        })
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
                            .map(|r| format!("{} {} {}", r.source, r.relation, r.target))
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
