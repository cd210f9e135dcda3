//! Scores a corpus's graph against a gold folder (`kgraph eval gold`).
//!
//! A gold folder holds `entities.json` and `relations.json` (format in `schemas/README.md`,
//! schema `schemas/gold.schema.json`). The rules are those of the gold's own README:
//!
//! * Names match when their keys are equal: case, accents and periods ignored, a possessive
//!   `'s` dropped ([`name_key`]). A node matches a gold entity when one of its label and
//!   aliases matches one of the gold name and aliases; an event node also matches a gold event
//!   when, for some gold name or alias, at least a third of that name's content words appear in
//!   the node's label ([`event_overlap_matches`]); such a node stands for the gold event it
//!   overlaps most ([`event_overlap_score`]). Typed scores also require equal types.
//! * Only what the gold covers is scored: gold entities of the chosen section (`main` by
//!   default), and predicted nodes with at least one mention in that section of a gold
//!   document (sections come from the segmenter, mention by mention).
//! * Precision counts nodes (a node is right when it matches a gold entity of the section),
//!   recall counts gold entities (found when some node matches it), so two nodes splitting one
//!   entity are both right but find it once (and are listed as a split).
//! * Relations: predicted edges between in-scope nodes with evidence in a gold document,
//!   against gold relations of the section; an edge matches a gold relation when its endpoints
//!   match the gold ones (any type) and its relation is in the same scoring class, in the gold
//!   direction, or either way for symmetric relations; `accused_of` also matches the reverse of
//!   `perpetrated_by` ([`relation_matches`]). A gold administration that no node matches is
//!   replaced by its leader (from the gold's own `leader_of` relations).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::corpus::{list_inputs, read_source, SourceKind};
use crate::error::{json_location, Error, Result};
use crate::graph::{EntityType, KnowledgeGraph};
use crate::pipeline::{BuildOptions, BuildStats, Pipeline};
use crate::text::{segment, SectionKind};

use super::{score_header, score_row, Counts, Score};

/// Which part of a page the gold covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GoldSection {
    /// The page's own story.
    Main,
    /// Unrelated articles appended after it.
    Appended,
}

/// Which gold entities and relations (and which mentions) are scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionFilter {
    Main,
    Appended,
    All,
}

impl SectionFilter {
    pub fn as_str(self) -> &'static str {
        match self {
            SectionFilter::Main => "main",
            SectionFilter::Appended => "appended",
            SectionFilter::All => "all",
        }
    }

    fn accepts(self, s: GoldSection) -> bool {
        match self {
            SectionFilter::Main => s == GoldSection::Main,
            SectionFilter::Appended => s == GoldSection::Appended,
            SectionFilter::All => true,
        }
    }

    fn accepts_kind(self, k: SectionKind) -> bool {
        self.accepts(match k {
            SectionKind::Main => GoldSection::Main,
            SectionKind::Appended => GoldSection::Appended,
        })
    }
}

/// One gold entity (`entities.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldEntity {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub etype: EntityType,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub docs: Vec<String>,
    pub section: GoldSection,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
}

impl GoldEntity {
    /// Name then aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// One gold relation (`relations.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldRelation {
    pub subject: String,
    pub relation: String,
    pub object: String,
    pub docs: Vec<String>,
    pub evidence: Option<String>,
    pub section: GoldSection,
}

/// A gold folder, checked: ids unique, relation ends and event places known.
#[derive(Debug, Clone, Default)]
pub struct Gold {
    pub entities: Vec<GoldEntity>,
    pub relations: Vec<GoldRelation>,
}

impl Gold {
    /// Reads `entities.json` and `relations.json` from `dir`.
    pub fn load(dir: &Path) -> Result<Gold> {
        fn read<T: serde::de::DeserializeOwned>(path: PathBuf) -> Result<Vec<T>> {
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            serde_json::from_slice(&bytes)
                .map_err(|e| Error::config(json_location(&path, &e), e.to_string()))
        }
        let entities_path = dir.join("entities.json");
        let relations_path = dir.join("relations.json");
        let gold = Gold {
            entities: read(entities_path.clone())?,
            relations: read(relations_path.clone())?,
        };
        gold.check(
            &entities_path.display().to_string(),
            &relations_path.display().to_string(),
        )?;
        Ok(gold)
    }

    /// Checks what the JSON schema cannot: unique ids, known references.
    pub fn check(&self, entities_location: &str, relations_location: &str) -> Result<()> {
        let mut ids = BTreeSet::new();
        for (i, e) in self.entities.iter().enumerate() {
            let at = format!("{entities_location}: entity {} (`{}`)", i + 1, e.id);
            if e.id.is_empty() || e.name.trim().is_empty() {
                return Err(Error::config(at, "id and name must not be empty"));
            }
            if !ids.insert(e.id.as_str()) {
                return Err(Error::config(
                    at,
                    "duplicate id; give each entity its own id",
                ));
            }
            if e.docs.is_empty() {
                return Err(Error::config(
                    at,
                    "`docs` is empty; list the documents that mention it",
                ));
            }
        }
        for (i, e) in self.entities.iter().enumerate() {
            if let Some(p) = &e.place {
                if !ids.contains(p.as_str()) {
                    let at = format!("{entities_location}: entity {} (`{}`)", i + 1, e.id);
                    return Err(Error::config(
                        at,
                        format!("place `{p}` is not an entity id"),
                    ));
                }
            }
        }
        for (i, r) in self.relations.iter().enumerate() {
            let at = format!(
                "{relations_location}: relation {} ({} {} {})",
                i + 1,
                r.subject,
                r.relation,
                r.object
            );
            for end in [&r.subject, &r.object] {
                if !ids.contains(end.as_str()) {
                    return Err(Error::config(
                        at,
                        format!("`{end}` is not an id of entities.json"),
                    ));
                }
            }
            if r.relation.trim().is_empty() {
                return Err(Error::config(at, "empty relation"));
            }
        }
        Ok(())
    }

    /// Every document the gold annotates, sorted.
    pub fn documents(&self) -> BTreeSet<String> {
        self.entities
            .iter()
            .flat_map(|e| e.docs.iter().cloned())
            .chain(self.relations.iter().flat_map(|r| r.docs.iter().cloned()))
            .collect()
    }
}

/// The matching key of a name: accents and case folded, typographic apostrophes and dashes
/// unified, periods dropped, a possessive `'s` at the end of a word dropped, spaces collapsed.
/// "Nicolás Maduro's" → "nicolas maduro", "U.S." → "us".
///
/// Kept apart from [`crate::text::fold_key`] on purpose: this is the gold's matching rule, and the
/// measurement must not move when the extractor's own keys change.
pub fn name_key(s: &str) -> String {
    let mut folded = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            '’' | '‘' | '`' | '´' => folded.push('\''),
            '‐' | '‑' | '‒' | '–' | '—' => folded.push('-'),
            '.' => {}
            _ => folded.extend(c.to_lowercase()),
        }
    }
    let words: Vec<&str> = folded
        .split_whitespace()
        .map(|w| w.strip_suffix("'s").unwrap_or(w))
        .filter(|w| !w.is_empty())
        .collect();
    words.join(" ")
}

/// Words that carry no content in an event name.
const STOPWORDS: &[&str] = &[
    "a", "an", "the", "of", "in", "on", "by", "and", "or", "to", "for", "from", "at", "with", "as",
    "into", "during", "its", "his", "her", "their",
];

/// The content words of a name: folded as in [`name_key`], split at anything that is not a
/// letter or digit, stopwords removed.
pub fn content_words(s: &str) -> BTreeSet<String> {
    name_key(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !STOPWORDS.contains(w))
        .map(str::to_string)
        .collect()
}

/// Whether an event label shares at least a third of the content words of one of the gold
/// names: for each gold name, |shared| / |content words of the gold name| ≥ 1/3.
pub fn event_overlap_matches<'a>(
    label: &str,
    gold_names: impl IntoIterator<Item = &'a str>,
) -> bool {
    let mine = content_words(label);
    if mine.is_empty() {
        return false;
    }
    gold_names.into_iter().any(|g| {
        let theirs = content_words(g);
        let shared = theirs.intersection(&mine).count();
        !theirs.is_empty() && shared > 0 && 3 * shared >= theirs.len()
    })
}

/// The best overlap of an event label with one gold event's names: the largest share of a gold
/// name's content words found in the label (0 when under a third).
pub fn event_overlap_score<'a>(label: &str, gold_names: impl IntoIterator<Item = &'a str>) -> f64 {
    let mine = content_words(label);
    gold_names
        .into_iter()
        .map(|g| {
            let theirs = content_words(g);
            let shared = theirs.intersection(&mine).count();
            if theirs.is_empty() || shared == 0 || 3 * shared < theirs.len() {
                0.0
            } else {
                shared as f64 / theirs.len() as f64
            }
        })
        .fold(0.0, f64::max)
}

/// The scoring class of a relation (relations in one class count as the same).
pub fn relation_class(relation: &str) -> &str {
    const CLASSES: &[&[&str]] = &[
        &["leader_of", "president_of", "founder_of"],
        &[
            "member_of",
            "works_for",
            "affiliated_with",
            "holds_office_in",
        ],
        &["based_in", "founded_in", "operates_in"],
        &["located_in", "capital_of", "located_near"],
        &["carried_out_by", "perpetrated_by"],
        &["imprisoned_in", "detained_by"],
        &["reports_on", "commented_on"],
        &["allied_with", "supports"],
    ];
    CLASSES
        .iter()
        .find(|c| c.contains(&relation))
        .map(|c| c[0])
        .unwrap_or(relation)
}

/// Relations that match either way.
pub const SYMMETRIC: &[&str] = &["allied_with", "borders", "spouse_of", "supports"];

/// Whether a predicted `s -rel-> t` matches the gold `gs -grel-> gt` (ends already mapped to
/// gold ids).
pub fn relation_matches(s: &str, rel: &str, t: &str, gs: &str, grel: &str, gt: &str) -> bool {
    let same_class = relation_class(rel) == relation_class(grel);
    let forward = s == gs && t == gt;
    let reverse = s == gt && t == gs;
    (same_class && forward)
        || (same_class && reverse && SYMMETRIC.contains(&grel))
        || (reverse
            && matches!(
                (grel, rel),
                ("accused_of", "perpetrated_by") | ("perpetrated_by", "accused_of")
            ))
}

/// A node as the scorer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PredictedNode {
    pub id: String,
    pub label: String,
    pub etype: EntityType,
    pub aliases: Vec<String>,
    /// Mentioned in the scored section of a gold document.
    pub in_scope: bool,
}

/// An edge as the scorer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PredictedEdge {
    pub source: String,
    pub relation: String,
    pub target: String,
    /// Has evidence in a gold document.
    pub in_gold_docs: bool,
    /// One evidence sentence, for listings.
    pub evidence: Option<String>,
}

/// What the extraction produced, reduced to what the scorer reads.
#[derive(Debug, Clone, Default)]
pub struct Predicted {
    pub nodes: Vec<PredictedNode>,
    pub edges: Vec<PredictedEdge>,
}

/// A gold entity in a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoldItem {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub etype: EntityType,
    /// Nodes involved (mistyped matches, splits).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<String>,
}

/// A predicted node in a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeItem {
    pub id: String,
    pub label: String,
    #[serde(rename = "type")]
    pub etype: EntityType,
    /// Gold entities involved (other-section matches, merges).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gold: Vec<String>,
}

/// A relation in a listing, with names for reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelationItem {
    pub subject: String,
    pub relation: String,
    pub object: String,
    pub subject_name: String,
    pub object_name: String,
    pub evidence: Option<String>,
    /// Why, when it helps: an end that no node matches.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The result of `kgraph eval gold`.
#[derive(Debug, Clone, Serialize)]
pub struct GoldReport {
    pub section: String,
    /// Documents the gold annotates.
    pub gold_documents: Vec<String>,
    /// Of those, the ones found in the input.
    pub documents_read: Vec<String>,
    /// Typed entity scores per type (person, organization, place, event).
    pub entities: BTreeMap<String, Score>,
    /// Typed, all types together (micro).
    pub entities_overall: Score,
    /// Names only, types ignored.
    pub entities_untyped: Score,
    /// Gold entities no node matches (by name, any type).
    pub misses: Vec<GoldItem>,
    /// Gold entities matched by name but by no node of their type.
    pub mistyped: Vec<GoldItem>,
    /// In-scope nodes that match no gold entity of the section (`gold` lists other-section
    /// gold entities they match, if any).
    pub spurious: Vec<NodeItem>,
    /// Gold entities matched by two or more nodes.
    pub splits: Vec<GoldItem>,
    /// Nodes matching two or more gold entities.
    pub merged: Vec<NodeItem>,
    /// Administrations replaced by their leader (`administration -> leader`).
    pub administration_mapped: Vec<String>,
    pub relations: Score,
    pub relations_missed: Vec<RelationItem>,
    pub relations_spurious: Vec<RelationItem>,
}

/// Scores predictions against the gold.
pub fn score(gold: &Gold, pred: &Predicted, filter: SectionFilter) -> GoldReport {
    let gold_keys: Vec<BTreeSet<String>> = gold
        .entities
        .iter()
        .map(|g| g.names().map(name_key).collect())
        .collect();
    let node_keys: Vec<BTreeSet<String>> = pred
        .nodes
        .iter()
        .map(|n| {
            std::iter::once(&n.label)
                .chain(&n.aliases)
                .map(|s| name_key(s))
                .collect()
        })
        .collect();
    // Untyped match of node n with gold g.
    let matches = |n: usize, g: usize| -> bool {
        let (node, ge) = (&pred.nodes[n], &gold.entities[g]);
        !node_keys[n].is_disjoint(&gold_keys[g])
            || (node.etype == EntityType::Event
                && ge.etype == EntityType::Event
                && event_overlap_matches(&node.label, ge.names()))
    };
    let scope_nodes: Vec<usize> = (0..pred.nodes.len())
        .filter(|&n| pred.nodes[n].in_scope)
        .collect();
    let scope_gold: Vec<usize> = (0..gold.entities.len())
        .filter(|&g| filter.accepts(gold.entities[g].section))
        .collect();
    // Every (node, gold) match, node in scope, any gold entity.
    let mut node_gold: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &n in &scope_nodes {
        for g in 0..gold.entities.len() {
            if matches(n, g) {
                node_gold.entry(n).or_default().push(g);
            }
        }
        // An event node matched only by word overlap stands for the gold event it overlaps
        // most (ties kept), not for every event sharing one word with it.
        if pred.nodes[n].etype == EntityType::Event {
            if let Some(gs) = node_gold.get_mut(&n) {
                let by_name: Vec<usize> = gs
                    .iter()
                    .copied()
                    .filter(|&g| !node_keys[n].is_disjoint(&gold_keys[g]))
                    .collect();
                if by_name.is_empty() {
                    let score = |g: usize| {
                        event_overlap_score(&pred.nodes[n].label, gold.entities[g].names())
                    };
                    let best = gs.iter().map(|&g| score(g)).fold(0.0, f64::max);
                    gs.retain(|&g| score(g) >= best);
                } else {
                    *gs = by_name;
                }
            }
        }
    }
    let in_filter = |g: &usize| filter.accepts(gold.entities[*g].section);
    let typed = |n: usize, g: usize| pred.nodes[n].etype == gold.entities[g].etype;

    let mut report = GoldReport {
        section: filter.as_str().to_string(),
        gold_documents: Vec::new(),
        documents_read: Vec::new(),
        entities: BTreeMap::new(),
        entities_overall: Score::default(),
        entities_untyped: Score::default(),
        misses: Vec::new(),
        mistyped: Vec::new(),
        spurious: Vec::new(),
        splits: Vec::new(),
        merged: Vec::new(),
        administration_mapped: Vec::new(),
        relations: Score::default(),
        relations_missed: Vec::new(),
        relations_spurious: Vec::new(),
    };

    // Entities.
    let mut overall = Counts::default();
    let mut untyped = Counts::default();
    for t in EntityType::ALL {
        let mut c = Counts::default();
        for &g in scope_gold.iter().filter(|&&g| gold.entities[g].etype == t) {
            c.gold += 1;
            if scope_nodes
                .iter()
                .any(|&n| typed(n, g) && node_gold.get(&n).is_some_and(|v| v.contains(&g)))
            {
                c.found += 1;
            }
        }
        for &n in scope_nodes.iter().filter(|&&n| pred.nodes[n].etype == t) {
            c.predicted += 1;
            if node_gold
                .get(&n)
                .is_some_and(|v| v.iter().any(|&g| in_filter(&g) && typed(n, g)))
            {
                c.correct += 1;
            }
        }
        report.entities.insert(t.as_str().to_string(), c.score());
        overall = overall + c;
    }
    report.entities_overall = overall.score();
    for &g in &scope_gold {
        untyped.gold += 1;
        let ge = &gold.entities[g];
        let by: Vec<usize> = scope_nodes
            .iter()
            .copied()
            .filter(|n| node_gold.get(n).is_some_and(|v| v.contains(&g)))
            .collect();
        let item = |nodes: Vec<String>| GoldItem {
            id: ge.id.clone(),
            name: ge.name.clone(),
            etype: ge.etype,
            nodes,
        };
        if by.is_empty() {
            report.misses.push(item(Vec::new()));
            continue;
        }
        untyped.found += 1;
        let ids: Vec<String> = by.iter().map(|&n| pred.nodes[n].id.clone()).collect();
        if !by.iter().any(|&n| typed(n, g)) {
            report.mistyped.push(item(ids.clone()));
        }
        if by.len() > 1 {
            report.splits.push(item(ids));
        }
    }
    for &n in &scope_nodes {
        untyped.predicted += 1;
        let node = &pred.nodes[n];
        let all = node_gold.get(&n).cloned().unwrap_or_default();
        let mine: Vec<usize> = all.iter().copied().filter(in_filter).collect();
        let item = |gs: &[usize]| NodeItem {
            id: node.id.clone(),
            label: node.label.clone(),
            etype: node.etype,
            gold: gs.iter().map(|&g| gold.entities[g].id.clone()).collect(),
        };
        if mine.is_empty() {
            report.spurious.push(item(&all));
        } else {
            untyped.correct += 1;
            if mine.len() > 1 {
                report.merged.push(item(&mine));
            }
        }
    }
    report.entities_untyped = untyped.score();

    // Relations: administrations with no node stand for their leader.
    let matched_gold: BTreeSet<usize> = node_gold.values().flatten().copied().collect();
    let mut mapped: BTreeMap<&str, &str> = BTreeMap::new();
    for (g, ge) in gold.entities.iter().enumerate() {
        let is_admin = ge.etype == EntityType::Organization
            && name_key(&ge.name).split(' ').any(|w| w == "administration");
        if !is_admin || matched_gold.contains(&g) {
            continue;
        }
        let leader = gold.relations.iter().find(|r| {
            r.object == ge.id
                && relation_class(&r.relation) == "leader_of"
                && gold
                    .entities
                    .iter()
                    .any(|p| p.id == r.subject && p.etype == EntityType::Person)
        });
        if let Some(l) = leader {
            mapped.insert(&ge.id, &l.subject);
            report
                .administration_mapped
                .push(format!("{} -> {}", ge.id, l.subject));
        }
    }
    let map = |id: &str| -> String {
        mapped
            .get(id)
            .map(|s| s.to_string())
            .unwrap_or_else(|| id.to_string())
    };
    let mut gold_rels: BTreeMap<(String, String, String), &GoldRelation> = BTreeMap::new();
    for r in gold.relations.iter().filter(|r| filter.accepts(r.section)) {
        let (s, o) = (map(&r.subject), map(&r.object));
        if s != o {
            gold_rels.entry((s, r.relation.clone(), o)).or_insert(r);
        }
    }
    let gold_name = |id: &str| {
        gold.entities
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.name.clone())
            .unwrap_or_default()
    };
    let node_ix: BTreeMap<&str, usize> = pred
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let ids_of = |node: &str| -> BTreeSet<String> {
        node_ix
            .get(node)
            .and_then(|n| node_gold.get(n))
            .map(|v| v.iter().map(|&g| map(&gold.entities[g].id)).collect())
            .unwrap_or_default()
    };
    let in_scope = |id: &str| node_ix.get(id).is_some_and(|&n| pred.nodes[n].in_scope);
    let edges: Vec<&PredictedEdge> = pred
        .edges
        .iter()
        .filter(|e| e.in_gold_docs && in_scope(&e.source) && in_scope(&e.target))
        .collect();
    let mut found: BTreeSet<&(String, String, String)> = BTreeSet::new();
    let mut rc = Counts {
        gold: gold_rels.len(),
        predicted: edges.len(),
        ..Counts::default()
    };
    for e in &edges {
        let (ss, ts) = (ids_of(&e.source), ids_of(&e.target));
        let mut hit = false;
        for key in gold_rels.keys() {
            let (gs, grel, go) = key;
            if ss.iter().any(|s| {
                ts.iter()
                    .any(|t| relation_matches(s, &e.relation, t, gs, grel, go))
            }) {
                hit = true;
                found.insert(key);
            }
        }
        if hit {
            rc.correct += 1;
        } else {
            let label = |id: &str| {
                node_ix
                    .get(id)
                    .map(|&n| pred.nodes[n].label.clone())
                    .unwrap_or_default()
            };
            report.relations_spurious.push(RelationItem {
                subject: e.source.clone(),
                relation: e.relation.clone(),
                object: e.target.clone(),
                subject_name: label(&e.source),
                object_name: label(&e.target),
                evidence: e.evidence.clone(),
                note: String::new(),
            });
        }
    }
    rc.found = found.len();
    report.relations = rc.score();
    let covered: BTreeSet<String> = node_gold
        .values()
        .flatten()
        .map(|&g| map(&gold.entities[g].id))
        .collect();
    for (key, r) in &gold_rels {
        if found.contains(key) {
            continue;
        }
        let (s, rel, o) = key;
        let unmatched: Vec<&str> = [s, o]
            .into_iter()
            .filter(|x| !covered.contains(*x))
            .map(String::as_str)
            .collect();
        report.relations_missed.push(RelationItem {
            subject: s.clone(),
            relation: rel.clone(),
            object: o.clone(),
            subject_name: gold_name(s),
            object_name: gold_name(o),
            evidence: r.evidence.clone(),
            note: if unmatched.is_empty() {
                String::new()
            } else {
                format!("no node for {}", unmatched.join(", "))
            },
        });
    }
    report
}

/// Which nodes are mentioned, per document and section kind: node id → set of (doc, kind).
pub type MentionSections = BTreeMap<String, BTreeSet<(String, SectionKind)>>;

/// The scorer's view of a graph, given where each node is mentioned.
pub fn predicted_from_graph(
    graph: &KnowledgeGraph,
    sections: &MentionSections,
    gold_docs: &BTreeSet<String>,
    filter: SectionFilter,
) -> Predicted {
    let nodes = graph
        .nodes()
        .into_iter()
        .map(|n| PredictedNode {
            id: n.id.clone(),
            label: n.label.clone(),
            etype: n.etype,
            aliases: n.aliases.iter().cloned().collect(),
            in_scope: sections.get(&n.id).is_some_and(|s| {
                s.iter()
                    .any(|(d, k)| gold_docs.contains(d) && filter.accepts_kind(*k))
            }),
        })
        .collect();
    let edges = graph
        .edges()
        .into_iter()
        .map(|e| {
            let in_gold: Vec<_> = e
                .edge
                .evidence
                .iter()
                .filter(|ev| gold_docs.contains(&*ev.doc))
                .collect();
            PredictedEdge {
                source: e.source.to_string(),
                relation: e.edge.relation.clone(),
                target: e.target.to_string(),
                in_gold_docs: !in_gold.is_empty(),
                evidence: in_gold
                    .first()
                    .or(e.edge.evidence.first().as_ref())
                    .map(|ev| ev.text.to_string()),
            }
        })
        .collect();
    Predicted { nodes, edges }
}

/// Builds the graph of `inputs` (as `kgraph build` does), finds the section of every mention
/// and scores it against `gold`.
pub fn evaluate(
    pipeline: &Pipeline,
    gold: &Gold,
    inputs: &[PathBuf],
    filter: SectionFilter,
) -> Result<(GoldReport, BuildStats)> {
    // The update keeps this compiling when BuildOptions gains fields.
    #[allow(clippy::needless_update)]
    let options = BuildOptions {
        inputs: inputs.to_vec(),
        ..BuildOptions::default()
    };
    let (graph, stats) = pipeline.build(&options)?;
    let (mentions, _) = pipeline.mentions(&options)?;
    let gold_docs = gold.documents();

    // Section spans of the gold documents in the input.
    let mut ignored = Vec::new();
    let mut section_spans: BTreeMap<String, Vec<(usize, SectionKind)>> = BTreeMap::new();
    for src in list_inputs(inputs, &mut ignored)? {
        if src.kind != SourceKind::JsonLines && !gold_docs.contains(&src.id) {
            continue;
        }
        for doc in read_source(&src, &mut ignored) {
            if gold_docs.contains(&doc.id) && !section_spans.contains_key(&doc.id) {
                let seg = segment(&doc.text);
                section_spans.insert(
                    doc.id.clone(),
                    seg.sections
                        .iter()
                        .map(|s| (s.span.start, s.kind))
                        .collect(),
                );
            }
        }
    }
    let mut sections: MentionSections = BTreeMap::new();
    for m in &mentions {
        let Some(spans) = section_spans.get(&m.doc) else {
            continue;
        };
        let i = spans
            .partition_point(|&(start, _)| start <= m.start)
            .saturating_sub(1);
        if let Some(&(_, kind)) = spans.get(i) {
            sections
                .entry(m.entity.clone())
                .or_default()
                .insert((m.doc.clone(), kind));
        }
    }
    let pred = predicted_from_graph(&graph, &sections, &gold_docs, filter);
    let mut report = score(gold, &pred, filter);
    report.gold_documents = gold_docs.iter().cloned().collect();
    report.documents_read = section_spans.keys().cloned().collect();
    Ok((report, stats))
}

/// The readable report.
pub fn render_text(r: &GoldReport) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "Gold evaluation (section: {}): {} of {} gold documents read\n",
        r.section,
        r.documents_read.len(),
        r.gold_documents.len()
    ));
    for d in r
        .gold_documents
        .iter()
        .filter(|d| !r.documents_read.contains(d))
    {
        out.push_str(&format!("  not in the input: {d}\n"));
    }
    out.push_str("\nentities (typed; a node is right when it matches a gold entity, a gold entity is found when a node matches it)\n");
    out.push_str(&score_header("type"));
    out.push('\n');
    for t in EntityType::ALL {
        if let Some(s) = r.entities.get(t.as_str()) {
            out.push_str(&score_row(t.as_str(), s));
            out.push('\n');
        }
    }
    out.push_str(&score_row("overall", &r.entities_overall));
    out.push('\n');
    out.push_str(&score_row("any type", &r.entities_untyped));
    out.push('\n');
    let gold_line = |g: &GoldItem| {
        let nodes = if g.nodes.is_empty() {
            String::new()
        } else {
            format!(" <- {}", g.nodes.join(", "))
        };
        format!(
            "  {:<12} {} ({}){}\n",
            g.etype.as_str(),
            g.name,
            g.id,
            nodes
        )
    };
    for (title, items) in [
        ("missed entities", &r.misses),
        ("mistyped entities", &r.mistyped),
        ("split entities", &r.splits),
    ] {
        out.push_str(&format!("\n{title} ({}):\n", items.len()));
        for g in items.iter() {
            out.push_str(&gold_line(g));
        }
    }
    for (title, items, note) in [
        ("spurious nodes", &r.spurious, "matches other-section gold"),
        ("merged nodes", &r.merged, "matches"),
    ] {
        out.push_str(&format!("\n{title} ({}):\n", items.len()));
        for n in items.iter() {
            let gold = if n.gold.is_empty() {
                String::new()
            } else {
                format!(" [{note}: {}]", n.gold.join(", "))
            };
            out.push_str(&format!(
                "  {:<12} {} ({}){}\n",
                n.etype.as_str(),
                n.label,
                n.id,
                gold
            ));
        }
    }
    out.push_str("\nrelations (lenient classes; edges between in-scope nodes with evidence in gold documents)\n");
    out.push_str(&score_header(""));
    out.push('\n');
    out.push_str(&score_row("relations", &r.relations));
    out.push('\n');
    for m in &r.administration_mapped {
        out.push_str(&format!("  administration mapped to its leader: {m}\n"));
    }
    for (title, items) in [
        ("missed relations", &r.relations_missed),
        ("spurious relations", &r.relations_spurious),
    ] {
        out.push_str(&format!("\n{title} ({}):\n", items.len()));
        for x in items.iter() {
            let note = if x.note.is_empty() {
                String::new()
            } else {
                format!(" [{}]", x.note)
            };
            out.push_str(&format!(
                "  {} -{}-> {}{}\n",
                x.subject_name, x.relation, x.object_name, note
            ));
            if let Some(ev) = &x.evidence {
                out.push_str(&format!(
                    "      | {}\n",
                    ev.split_whitespace().collect::<Vec<_>>().join(" ")
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_keys() {
        for (a, b, same) in [
            ("Nicolás Maduro", "Nicolas Maduro", true),
            ("NICOLAS MADURO", "nicolás maduro", true),
            ("U.S.", "US", true),
            ("Maduro's", "Maduro", true),
            ("Maduro’s", "Maduro", true),
            (
                "Venezuela’s National Assembly",
                "Venezuela National Assembly",
                true,
            ),
            ("Israel–Hamas war", "Israel-Hamas war", true),
            ("  Tren  de Aragua ", "Tren de Aragua", true),
            ("Tren de Aragua", "Aragua", false),
            ("Rísquez", "Risque", false),
        ] {
            assert_eq!(
                name_key(a) == name_key(b),
                same,
                "{a} / {b}: {} / {}",
                name_key(a),
                name_key(b)
            );
        }
    }

    #[test]
    fn event_word_overlap() {
        let gold = [
            "Retaking of Tocorón prison by the Venezuelan government (September 2023)",
            "reclaim Tocorón Prison",
        ];
        for (label, ok) in [
            // 2 of {reclaim, tocoron, prison} = 2/3.
            ("Tocoron prison raid", true),
            // 1 of 3 = exactly a third.
            ("prison riot", true),
            // Stopwords do not count.
            ("the retaking of the", false),
            ("Gaza ceasefire", false),
            ("", false),
        ] {
            assert_eq!(event_overlap_matches(label, gold), ok, "{label}");
        }
        // 1 of 4 content words is under a third.
        assert!(!event_overlap_matches(
            "murder",
            ["Kidnapping and murder of Ronald Ojeda"]
        ));
        assert!(event_overlap_matches(
            "Ojeda murder",
            ["Kidnapping and murder of Ronald Ojeda"]
        ));
        assert_eq!(
            content_words("The Invocation of the Alien Enemies Act"),
            ["act", "alien", "enemies", "invocation"]
                .iter()
                .map(|s| s.to_string())
                .collect()
        );
    }

    #[test]
    fn lenient_relation_classes() {
        // (predicted s, rel, t) against gold (A, grel, B) → match?
        for (s, rel, t, grel, ok) in [
            ("A", "president_of", "B", "leader_of", true),
            ("A", "leader_of", "B", "president_of", true),
            ("A", "founder_of", "B", "leader_of", true),
            ("A", "works_for", "B", "member_of", true),
            ("A", "holds_office_in", "B", "affiliated_with", true),
            ("A", "operates_in", "B", "based_in", true),
            ("A", "founded_in", "B", "operates_in", true),
            ("A", "capital_of", "B", "located_in", true),
            ("A", "located_near", "B", "located_in", true),
            ("A", "carried_out_by", "B", "perpetrated_by", true),
            ("A", "detained_by", "B", "imprisoned_in", true),
            ("A", "commented_on", "B", "reports_on", true),
            ("A", "supports", "B", "allied_with", true),
            // Direction matters...
            ("B", "leader_of", "A", "leader_of", false),
            ("B", "located_in", "A", "located_in", false),
            // ...except for symmetric relations.
            ("B", "allied_with", "A", "allied_with", true),
            ("B", "supports", "A", "allied_with", true),
            ("B", "borders", "A", "borders", true),
            ("B", "spouse_of", "A", "spouse_of", true),
            ("B", "allied_with", "A", "supports", true),
            // accused_of and the reverse of perpetrated_by.
            ("B", "perpetrated_by", "A", "accused_of", true),
            ("B", "accused_of", "A", "perpetrated_by", true),
            ("A", "perpetrated_by", "B", "accused_of", false),
            ("B", "carried_out_by", "A", "accused_of", false),
            // Distinct classes.
            ("A", "leader_of", "B", "works_for", false),
            ("A", "located_in", "B", "based_in", false),
            ("A", "accuses", "B", "accused_of", false),
            ("A", "targets", "B", "targets", true),
            ("A", "occurred_in", "B", "located_in", false),
            ("A", "leader_of", "C", "leader_of", false),
        ] {
            assert_eq!(
                relation_matches(s, rel, t, "A", grel, "B"),
                ok,
                "{s} {rel} {t} vs A {grel} B"
            );
        }
    }

    fn ent(
        id: &str,
        name: &str,
        t: EntityType,
        aliases: &[&str],
        section: GoldSection,
    ) -> GoldEntity {
        GoldEntity {
            id: id.into(),
            name: name.into(),
            etype: t,
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            docs: vec!["d1".into()],
            section,
            date: None,
            place: None,
        }
    }

    fn node(
        id: &str,
        label: &str,
        t: EntityType,
        aliases: &[&str],
        in_scope: bool,
    ) -> PredictedNode {
        PredictedNode {
            id: id.into(),
            label: label.into(),
            etype: t,
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            in_scope,
        }
    }

    fn rel(s: &str, r: &str, o: &str) -> GoldRelation {
        GoldRelation {
            subject: s.into(),
            relation: r.into(),
            object: o.into(),
            docs: vec!["d1".into()],
            evidence: Some("x".into()),
            section: GoldSection::Main,
        }
    }

    fn edge(s: &str, r: &str, t: &str) -> PredictedEdge {
        PredictedEdge {
            source: s.into(),
            relation: r.into(),
            target: t.into(),
            in_gold_docs: true,
            evidence: None,
        }
    }

    fn names(v: &[GoldItem]) -> Vec<&str> {
        v.iter().map(|g| g.id.as_str()).collect()
    }

    #[test]
    fn entity_scores_on_a_hand_made_gold() {
        use EntityType::*;
        use GoldSection::*;
        let gold = Gold {
            entities: vec![
                ent("maduro", "Nicolás Maduro", Person, &["Maduro"], Main),
                ent(
                    "tda",
                    "Tren de Aragua",
                    Organization,
                    &["Tren de Aragua"],
                    Main,
                ),
                ent("venezuela", "Venezuela", Place, &[], Main),
                ent("chile", "Chile", Place, &[], Main),
                ent(
                    "retake",
                    "Retaking of Tocorón prison",
                    Event,
                    &["reclaim Tocorón Prison"],
                    Main,
                ),
                ent("gaza", "Gaza Strip", Place, &["Gaza"], Appended),
                ent("trump", "Donald Trump", Person, &["Trump"], Main),
            ],
            relations: vec![],
        };
        let pred = Predicted {
            nodes: vec![
                node(
                    "person:nicolas-maduro",
                    "Nicolas Maduro",
                    Person,
                    &["Maduro's"],
                    true,
                ),
                node("person:maduro", "Maduro", Person, &[], true), // a split: still a correct node
                node("place:tren-de-aragua", "Tren de Aragua", Place, &[], true), // mistyped
                node("place:venezuela", "VENEZUELA", Place, &[], true),
                node("event:prison-raid", "Tocoron prison raid", Event, &[], true),
                node("place:gaza", "Gaza", Place, &[], true), // matches appended gold only: spurious
                node("person:nobody", "Nobody", Person, &[], true),
                node("place:chile", "Chile", Place, &[], false), // out of scope: neither counted nor found
            ],
            edges: vec![],
        };
        let r = score(&gold, &pred, SectionFilter::Main);
        let c = |t: &str| r.entities[t].counts;
        assert_eq!(
            c("person"),
            Counts {
                gold: 2,
                predicted: 3,
                correct: 2,
                found: 1
            }
        );
        assert_eq!(
            c("organization"),
            Counts {
                gold: 1,
                predicted: 0,
                correct: 0,
                found: 0
            }
        );
        assert_eq!(
            c("place"),
            Counts {
                gold: 2,
                predicted: 3,
                correct: 1,
                found: 1
            }
        );
        assert_eq!(
            c("event"),
            Counts {
                gold: 1,
                predicted: 1,
                correct: 1,
                found: 1
            }
        );
        assert_eq!(
            r.entities_overall.counts,
            Counts {
                gold: 6,
                predicted: 7,
                correct: 4,
                found: 3
            }
        );
        assert_eq!(
            r.entities_untyped.counts,
            Counts {
                gold: 6,
                predicted: 7,
                correct: 5,
                found: 4
            }
        );
        assert_eq!(names(&r.misses), ["chile", "trump"]);
        assert_eq!(names(&r.mistyped), ["tda"]);
        assert_eq!(names(&r.splits), ["maduro"]);
        assert_eq!(
            r.splits[0].nodes,
            ["person:nicolas-maduro", "person:maduro"]
        );
        let spurious: Vec<(&str, Vec<String>)> = r
            .spurious
            .iter()
            .map(|n| (n.id.as_str(), n.gold.clone()))
            .collect();
        assert_eq!(
            spurious,
            [
                ("place:gaza", vec!["gaza".to_string()]),
                ("person:nobody", vec![])
            ]
        );

        // The appended section scores the other entities.
        let pred_app = Predicted {
            nodes: vec![node("place:gaza", "Gaza", Place, &[], true)],
            edges: vec![],
        };
        let r = score(&gold, &pred_app, SectionFilter::Appended);
        assert_eq!(r.entities["place"].counts, Counts::exact(1, 1, 1));
        assert_eq!(
            score(&gold, &pred_app, SectionFilter::All).entities["place"]
                .counts
                .gold,
            3
        );
    }

    #[test]
    fn relation_scores_with_administration_mapping() {
        use EntityType::*;
        use GoldSection::*;
        let gold = Gold {
            entities: vec![
                ent("trump", "Donald Trump", Person, &["Trump"], Main),
                ent(
                    "trump_administration",
                    "Trump administration",
                    Organization,
                    &[],
                    Main,
                ),
                ent("us", "United States", Place, &["U.S."], Main),
                ent("tda", "Tren de Aragua", Organization, &[], Main),
                ent("el_salvador", "El Salvador", Place, &[], Main),
                ent("ve", "Venezuela", Place, &[], Main),
            ],
            relations: vec![
                rel("trump", "president_of", "us"),
                rel("trump", "leader_of", "trump_administration"),
                rel("trump_administration", "deported_to", "el_salvador"),
                rel("tda", "founded_in", "ve"),
                rel("tda", "allied_with", "us"),
            ],
        };
        let pred = Predicted {
            nodes: vec![
                node(
                    "person:donald-trump",
                    "Donald Trump",
                    Person,
                    &["Trump"],
                    true,
                ),
                node("place:us", "U.S.", Place, &[], true),
                node(
                    "organization:tda",
                    "Tren de Aragua",
                    Organization,
                    &[],
                    true,
                ),
                node("place:el-salvador", "El Salvador", Place, &[], true),
                node("place:venezuela", "Venezuela", Place, &[], true),
                node("place:mars", "Mars", Place, &[], false),
            ],
            edges: vec![
                edge("person:donald-trump", "leader_of", "place:us"), // class of president_of
                edge("person:donald-trump", "deported_to", "place:el-salvador"), // via the mapping
                edge("organization:tda", "operates_in", "place:venezuela"), // class of founded_in
                edge("place:us", "allied_with", "organization:tda"),  // symmetric
                edge("place:venezuela", "located_in", "place:us"),    // spurious
                edge("place:venezuela", "located_in", "place:mars"),  // out of scope
                PredictedEdge {
                    in_gold_docs: false,
                    ..edge("place:us", "borders", "place:venezuela")
                },
            ],
        };
        let r = score(&gold, &pred, SectionFilter::Main);
        assert_eq!(r.administration_mapped, ["trump_administration -> trump"]);
        // The mapped leader_of would be a self-loop: dropped. 4 gold relations remain.
        assert_eq!(
            r.relations.counts,
            Counts {
                gold: 4,
                predicted: 5,
                correct: 4,
                found: 4
            }
        );
        assert_eq!(r.relations_spurious.len(), 1);
        assert_eq!(r.relations_spurious[0].subject, "place:venezuela");
        assert!(r.relations_missed.is_empty());

        // With an administration node, no mapping: the deportation edge from Trump is spurious.
        let mut pred2 = pred.clone();
        pred2.nodes.push(node(
            "organization:trump-administration",
            "Trump administration",
            Organization,
            &[],
            true,
        ));
        let r = score(&gold, &pred2, SectionFilter::Main);
        assert!(r.administration_mapped.is_empty());
        assert_eq!(
            r.relations.counts,
            Counts {
                gold: 5,
                predicted: 5,
                correct: 3,
                found: 3
            }
        );
        let missed: Vec<&str> = r
            .relations_missed
            .iter()
            .map(|m| m.relation.as_str())
            .collect();
        assert_eq!(missed, ["leader_of", "deported_to"]);
    }

    #[test]
    fn check_rejects_unknown_references_and_duplicates() {
        use EntityType::*;
        let a = ent("a", "A", Person, &[], GoldSection::Main);
        let ok = Gold {
            entities: vec![a.clone()],
            relations: vec![],
        };
        assert!(ok.check("e", "r").is_ok());
        let dup = Gold {
            entities: vec![a.clone(), a.clone()],
            relations: vec![],
        };
        assert!(dup
            .check("e", "r")
            .unwrap_err()
            .to_string()
            .contains("duplicate id"));
        let dangling = Gold {
            entities: vec![a.clone()],
            relations: vec![rel("a", "leader_of", "b")],
        };
        assert!(dangling
            .check("e", "r")
            .unwrap_err()
            .to_string()
            .contains("`b` is not an id"));
        let mut p = a.clone();
        p.place = Some("nowhere".into());
        assert!(Gold {
            entities: vec![p],
            relations: vec![]
        }
        .check("e", "r")
        .is_err());
    }
}
