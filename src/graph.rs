//! The knowledge graph over petgraph: nodes keyed by stable string ids, one edge per
//! (source, relation, target) carrying its evidence, merging that does not depend on order.
//!
//! Petgraph indices never leave this module: every output is written from
//! [`KnowledgeGraph::nodes`] and [`KnowledgeGraph::edges`], sorted by id and by
//! (source, relation, target), so the same input always gives the same bytes.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Arc;

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences, NodeIndexable};
use petgraph::Direction;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::text::slug;

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityType {
    Person,
    Organization,
    Place,
    Event,
}

impl EntityType {
    pub const ALL: [EntityType; 4] = [
        EntityType::Person,
        EntityType::Organization,
        EntityType::Place,
        EntityType::Event,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "person",
            EntityType::Organization => "organization",
            EntityType::Place => "place",
            EntityType::Event => "event",
        }
    }

    pub fn parse(s: &str) -> Option<EntityType> {
        match s.trim().to_ascii_lowercase().as_str() {
            "person" | "per" | "people" | "persons" => Some(EntityType::Person),
            "organization" | "organisation" | "org" | "organizations" => {
                Some(EntityType::Organization)
            }
            "place" | "loc" | "location" | "places" | "gpe" => Some(EntityType::Place),
            "event" | "events" => Some(EntityType::Event),
            _ => None,
        }
    }
}

impl std::fmt::Display for EntityType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stable id of an entity: `type:slug`, e.g. `person:hector-guerrero-flores`.
pub fn node_id(etype: EntityType, name: &str) -> String {
    format!("{}:{}", etype.as_str(), slug(name))
}

/// How sure the text is about a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Certainty {
    /// Hedged: "accused of", "alleged", "suspected", "according to", "is thought to".
    Alleged,
    Stated,
}

impl Certainty {
    pub fn as_str(self) -> &'static str {
        match self {
            Certainty::Stated => "stated",
            Certainty::Alleged => "alleged",
        }
    }
}

/// A sentence that supports an edge, as extraction finds it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Evidence {
    pub doc: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub rule: String,
}

/// A sentence that supports an edge, as the graph keeps it: the same fields as [`Evidence`]
/// (in the same order, so sorted and serialized the same way), with the strings shared. Every
/// item of one document holds the same `doc`, items of one rule the same `rule`, and the edges
/// one sentence supports the same `text` (see [`KnowledgeGraph::add_edge`]): a large corpus
/// keeps each sentence once however many edges it supports.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EdgeEvidence {
    pub doc: Arc<str>,
    pub start: usize,
    pub end: usize,
    pub text: Arc<str>,
    pub rule: Arc<str>,
    /// Whether the writers' sanitising ([`crate::export::values::clean`]) leaves `text` as it
    /// is: worked out once per sentence here rather than by every format for every edge.
    pub text_clean: bool,
}

impl EdgeEvidence {
    /// Evidence with `text_clean` worked out from `text`.
    pub fn new(doc: Arc<str>, start: usize, end: usize, text: Arc<str>, rule: Arc<str>) -> Self {
        let text_clean = crate::export::values::is_clean(&text);
        EdgeEvidence {
            doc,
            start,
            end,
            text,
            rule,
            text_clean,
        }
    }
}

impl From<Evidence> for EdgeEvidence {
    fn from(e: Evidence) -> EdgeEvidence {
        EdgeEvidence::new(e.doc.into(), e.start, e.end, e.text.into(), e.rule.into())
    }
}

impl From<&EdgeEvidence> for Evidence {
    fn from(e: &EdgeEvidence) -> Evidence {
        Evidence {
            doc: e.doc.to_string(),
            start: e.start,
            end: e.end,
            text: e.text.to_string(),
            rule: e.rule.to_string(),
        }
    }
}

impl Serialize for EdgeEvidence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Exactly as the derived serialization of `Evidence`.
        let mut s = serializer.serialize_struct("Evidence", 5)?;
        s.serialize_field("doc", &*self.doc)?;
        s.serialize_field("start", &self.start)?;
        s.serialize_field("end", &self.end)?;
        s.serialize_field("text", &*self.text)?;
        s.serialize_field("rule", &*self.rule)?;
        s.end()
    }
}

/// An entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    pub label: String,
    #[serde(rename = "type")]
    pub etype: EntityType,
    pub aliases: BTreeSet<String>,
    pub mentions: u64,
    pub docs: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// For events: the id of the place node where it happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
}

impl Node {
    pub fn new(etype: EntityType, label: &str) -> Node {
        Node {
            id: node_id(etype, label),
            label: label.to_string(),
            etype,
            aliases: BTreeSet::from([label.to_string()]),
            mentions: 0,
            docs: BTreeSet::new(),
            date: None,
            place: None,
        }
    }

    /// Folds `other` (the same entity seen elsewhere) into this node.
    fn absorb(&mut self, other: Node) {
        if better_label(&other.label, &self.label) {
            self.label = other.label;
        }
        self.aliases.extend(other.aliases);
        self.mentions += other.mentions;
        self.docs.extend(other.docs);
        self.date = better_value(self.date.take(), other.date);
        self.place = better_value(self.place.take(), other.place);
    }
}

/// Of two values, the more specific (longer), ties broken by order: independent of which came first.
fn better_value(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(
            if (b.len(), std::cmp::Reverse(&b)) > (a.len(), std::cmp::Reverse(&a)) {
                b
            } else {
                a
            },
        ),
        (a, b) => a.or(b),
    }
}

/// Whether `a` is a more complete label than `b`: more words, then more letters, then accented
/// over plain ("Héctor" over "Hector"), then mixed case over ALL CAPS, then the smaller string.
pub fn better_label(a: &str, b: &str) -> bool {
    a != b && label_rank(a) > label_rank(b)
}

fn label_rank(s: &str) -> (usize, usize, usize, bool, std::cmp::Reverse<&str>) {
    if s.is_ascii() {
        return ascii_label_rank(s);
    }
    general_label_rank(s)
}

/// [`label_rank`] of ASCII text in one pass over its bytes: no accented letters, and the
/// white space, letters, digits and lower case of `char` are those of the bytes (white space
/// including the vertical tab, as `char::is_whitespace` has it).
fn ascii_label_rank(s: &str) -> (usize, usize, usize, bool, std::cmp::Reverse<&str>) {
    let (mut words, mut letters, mut mixed, mut in_word) = (0, 0, false, false);
    for &b in s.as_bytes() {
        let space = matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
        words += usize::from(!space && !in_word);
        in_word = !space;
        letters += usize::from(b.is_ascii_alphanumeric());
        mixed |= b.is_ascii_lowercase();
    }
    (words, letters, 0, mixed, std::cmp::Reverse(s))
}

fn general_label_rank(s: &str) -> (usize, usize, usize, bool, std::cmp::Reverse<&str>) {
    let words = s.split_whitespace().count();
    let letters = s.chars().filter(|c| c.is_alphanumeric()).count();
    let accented = s
        .chars()
        .filter(|c| !c.is_ascii() && c.is_alphabetic())
        .count();
    let mixed = s.chars().any(|c| c.is_lowercase());
    (words, letters, accented, mixed, std::cmp::Reverse(s))
}

/// A typed relation between two entities with its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
///
/// `docs` and `evidence` are sorted vectors without repeats (a set per edge would cost a
/// B-tree node of eleven slots even for the one or two items most edges have).
pub struct Edge {
    pub relation: String,
    pub certainty: Certainty,
    /// Sorted, each document once.
    pub docs: Vec<Arc<str>>,
    /// Sorted by (doc, start, end, text, rule), one item per sentence.
    pub evidence: Vec<EdgeEvidence>,
}

impl Edge {
    /// Number of evidence items.
    pub fn weight(&self) -> usize {
        self.evidence.len()
    }

    /// Adds one evidence item (its `doc` and `rule` already the graph's shared copies), keeping
    /// `docs` and `evidence` sorted and without repeats.
    fn add_evidence(&mut self, ev: EdgeEvidence) {
        // Documents come in order and a document's items mostly in text order, so the new
        // document is usually the last one (the same shared copy) or after it, and the new item
        // after the last: checked first, before a binary search.
        match self.docs.last() {
            Some(last) if Arc::ptr_eq(last, &ev.doc) => {}
            Some(last) if **last < *ev.doc => {
                grow(&mut self.docs);
                self.docs.push(ev.doc.clone());
            }
            _ => {
                if let Err(i) = self.docs.binary_search(&ev.doc) {
                    grow(&mut self.docs);
                    self.docs.insert(i, ev.doc.clone());
                }
            }
        }
        let after_last = self.evidence.last().is_none_or(|x| {
            (Arc::ptr_eq(&x.doc, &ev.doc) && (x.start, x.end) < (ev.start, ev.end))
                || *x.doc < *ev.doc
        });
        if after_last {
            grow(&mut self.evidence);
            self.evidence.push(ev);
            return;
        }
        // One item per sentence: when several rules find the edge in one sentence, the smallest
        // rule id stands for them (whatever the order they came in).
        let at = self
            .evidence
            .partition_point(|x| (&x.doc, x.start, x.end) < (&ev.doc, ev.start, ev.end));
        match self.evidence.get_mut(at) {
            Some(old) if (&old.doc, old.start, old.end) == (&ev.doc, ev.start, ev.end) => {
                if ev.rule < old.rule {
                    *old = ev;
                }
            }
            _ => {
                grow(&mut self.evidence);
                self.evidence.insert(at, ev);
            }
        }
    }
}

/// A read-only view of one edge, with its endpoints' ids.
#[derive(Debug, Clone, Copy)]
pub struct EdgeRefView<'a> {
    pub source: &'a str,
    pub target: &'a str,
    pub edge: &'a Edge,
}

/// Counters carried in the graph record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphMeta {
    /// Documents read.
    pub documents: u64,
    /// A shard's graph, not yet resolved across the corpus: input of `kgraph merge`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    /// Which slice of the corpus a partial graph holds ("2/8").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// Of a partial graph: the text hash (16 hex digits) of each document it holds, with the
    /// document's id, so that merging can find the same article in two shards.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub texts: BTreeMap<String, String>,
}

/// Room for one more item in `v`, growing by half (not doubling, and from one item rather than
/// four): most edges keep one or two items, so the spare capacity is what would cost memory.
fn grow<T>(v: &mut Vec<T>) {
    if v.len() == v.capacity() {
        v.reserve_exact((v.len() / 2).max(1));
    }
}

/// The knowledge graph.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeGraph {
    g: StableDiGraph<Node, Edge>,
    // Fast hashing for the look-ups every document makes; these maps are never iterated, so
    // their order reaches no output.
    ids: FxHashMap<String, NodeIndex>,
    edge_ids: FxHashMap<(NodeIndex, u32, NodeIndex), EdgeIndex>,
    /// A number for each relation name, for the keys of `edge_ids` (no string per look-up).
    relations: FxHashMap<Box<str>, u32>,
    /// Document ids and rule ids of the evidence, each kept once.
    names: FxHashSet<Arc<str>>,
    pub meta: GraphMeta,
}

impl KnowledgeGraph {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn node_count(&self) -> usize {
        self.g.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.g.edge_count()
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.ids.get(id).map(|&i| &self.g[i])
    }

    /// Adds a node, or folds it into the node with the same id.
    pub fn add_node(&mut self, node: Node) {
        match self.ids.get(&node.id) {
            Some(&i) => self.g[i].absorb(node),
            None => {
                let id = node.id.clone();
                let i = self.g.add_node(node);
                self.ids.insert(id, i);
            }
        }
    }

    /// The number of relation name `relation` in `edge_ids`' keys.
    fn relation_key(&mut self, relation: &str) -> u32 {
        if let Some(&k) = self.relations.get(relation) {
            return k;
        }
        let k = self.relations.len() as u32;
        self.relations.insert(relation.into(), k);
        k
    }

    /// The shared copy of a document id or rule id, made (one allocation) only if new.
    fn shared_str(&mut self, s: &str) -> Arc<str> {
        match self.names.get(s) {
            Some(kept) => kept.clone(),
            None => {
                let kept: Arc<str> = s.into();
                self.names.insert(kept.clone());
                kept
            }
        }
    }

    /// The shared copy of a document id or rule id.
    fn shared(&mut self, s: &Arc<str>) -> Arc<str> {
        match self.names.get(&**s) {
            Some(kept) => kept.clone(),
            None => {
                self.names.insert(s.clone());
                s.clone()
            }
        }
    }

    /// Adds evidence for `source -relation-> target`; both nodes must exist. Returns false (and
    /// adds nothing) when one does not, or for a self-loop.
    pub fn add_edge<E: Into<EdgeEvidence>>(
        &mut self,
        source: &str,
        relation: &str,
        target: &str,
        certainty: Certainty,
        evidence: impl IntoIterator<Item = E>,
    ) -> bool {
        let (Some(&s), Some(&t)) = (self.ids.get(source), self.ids.get(target)) else {
            return false;
        };
        if s == t {
            return false;
        }
        let e = self.edge_between(s, relation, t, certainty);
        for ev in evidence {
            let mut ev: EdgeEvidence = ev.into();
            ev.doc = self.shared(&ev.doc);
            ev.rule = self.shared(&ev.rule);
            self.g[e].add_evidence(ev);
        }
        true
    }

    /// The edge `s -relation-> t`, made (with no evidence) if missing, its certainty raised to
    /// at least `certainty`.
    fn edge_between(
        &mut self,
        s: NodeIndex,
        relation: &str,
        t: NodeIndex,
        certainty: Certainty,
    ) -> EdgeIndex {
        let key = (s, self.relation_key(relation), t);
        let e = match self.edge_ids.get(&key) {
            Some(&e) => e,
            None => {
                let e = self.g.add_edge(
                    s,
                    t,
                    Edge {
                        relation: relation.to_string(),
                        certainty,
                        docs: Vec::new(),
                        evidence: Vec::new(),
                    },
                );
                self.edge_ids.insert(key, e);
                e
            }
        };
        let edge = &mut self.g[e];
        edge.certainty = edge.certainty.max(certainty);
        e
    }

    /// Folds node `from` into node `into`: aliases, counts and documents move, edges are rewired
    /// (an edge that would become a self-loop is dropped). Returns false if either is missing.
    pub fn merge_nodes(&mut self, from: &str, into: &str) -> bool {
        if from == into {
            return true;
        }
        let (Some(&f), Some(&t)) = (self.ids.get(from), self.ids.get(into)) else {
            return false;
        };
        let mut moved = Vec::new();
        for dir in [Direction::Outgoing, Direction::Incoming] {
            let ids: Vec<EdgeIndex> = self.g.edges_directed(f, dir).map(|e| e.id()).collect();
            for e in ids {
                let (s, d) = self.g.edge_endpoints(e).expect("edge exists");
                let edge = self.g.remove_edge(e).expect("edge exists");
                let key = (s, self.relation_key(&edge.relation), d);
                self.edge_ids.remove(&key);
                moved.push((if s == f { t } else { s }, edge, if d == f { t } else { d }));
            }
        }
        let node = self.g.remove_node(f).expect("node exists");
        self.ids.remove(from);
        let mut node = node;
        node.id = into.to_string();
        self.g[t].absorb(node);
        for (s, edge, d) in moved {
            if s == d {
                continue;
            }
            let sid = self.g[s].id.clone();
            let did = self.g[d].id.clone();
            self.add_edge(&sid, &edge.relation, &did, edge.certainty, edge.evidence);
        }
        true
    }

    /// Folds many nodes at once: each `(from, into)` pair in order, exactly as
    /// [`KnowledgeGraph::merge_nodes`] one after the other would (a pair whose nodes are gone by
    /// then is passed over), but the edges are rewired in one pass at the end. Removing edges one
    /// at a time walks the edge lists of both their ends, which made merges next to a hub (a
    /// country named in thousands of relations) quadratic on large corpora. Folding edges is
    /// order-independent (sorted evidence, the larger certainty), so one pass gives the same graph.
    pub fn merge_nodes_all<'a>(&mut self, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) {
        let mut redirect: FxHashMap<NodeIndex, NodeIndex> = FxHashMap::default();
        for (from, into) in pairs {
            if from == into {
                continue;
            }
            let (Some(&f), Some(&t)) = (self.ids.get(from), self.ids.get(into)) else {
                continue;
            };
            let placeholder = Node::new(self.g[f].etype, "");
            let mut node = std::mem::replace(&mut self.g[f], placeholder);
            self.ids.remove(from);
            node.id = into.to_string();
            self.g[t].absorb(node);
            redirect.insert(f, t);
        }
        if redirect.is_empty() {
            return;
        }
        let find = |mut i: NodeIndex| {
            while let Some(&j) = redirect.get(&i) {
                i = j;
            }
            i
        };
        let mut edges = Vec::with_capacity(self.g.edge_count());
        let indices: Vec<EdgeIndex> = self.g.edge_indices().collect();
        for e in indices {
            let (s, d) = self.g.edge_endpoints(e).expect("edge exists");
            let w = &mut self.g[e];
            let edge = Edge {
                relation: std::mem::take(&mut w.relation),
                certainty: w.certainty,
                docs: std::mem::take(&mut w.docs),
                evidence: std::mem::take(&mut w.evidence),
            };
            edges.push((s, d, edge));
        }
        self.g.clear_edges();
        self.edge_ids.clear();
        for &f in redirect.keys() {
            self.g.remove_node(f);
        }
        // Edges between nodes that stay keep what they have; the others are added again, as
        // `merge_nodes` adds them, onto their ends' new nodes.
        let mut moved = Vec::new();
        for (s, d, edge) in edges {
            if redirect.contains_key(&s) || redirect.contains_key(&d) {
                moved.push((s, d, edge));
                continue;
            }
            let key = (s, self.relation_key(&edge.relation), d);
            let e = self.g.add_edge(s, d, edge);
            self.edge_ids.insert(key, e);
        }
        for (s, d, edge) in moved {
            let (s, d) = (find(s), find(d));
            if s == d {
                continue;
            }
            let sid = self.g[s].id.clone();
            let did = self.g[d].id.clone();
            self.add_edge(&sid, &edge.relation, &did, edge.certainty, edge.evidence);
        }
    }

    /// Renames a node's id (after its label changed); edges follow. Fails if `new` is taken.
    pub fn rename_node(&mut self, old: &str, new: &str) -> bool {
        if old == new {
            return true;
        }
        if self.ids.contains_key(new) {
            return self.merge_nodes(old, new);
        }
        let Some(i) = self.ids.remove(old) else {
            return false;
        };
        self.g[i].id = new.to_string();
        self.ids.insert(new.to_string(), i);
        true
    }

    /// Nodes sorted by id.
    pub fn nodes(&self) -> Vec<&Node> {
        let mut v: Vec<&Node> = self.g.node_weights().collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }

    pub fn nodes_mut(&mut self) -> impl Iterator<Item = &mut Node> {
        self.g.node_weights_mut()
    }

    /// Edges sorted by (source, relation, target).
    pub fn edges(&self) -> Vec<EdgeRefView<'_>> {
        // Sorted by the ranks of the ids and relation names rather than by the strings: the
        // same order (ids are unique), with each string compared only in sorting the nodes and
        // the few relation names, not some twenty times per edge.
        let mut nodes: Vec<NodeIndex> = self.g.node_indices().collect();
        nodes.sort_unstable_by(|&a, &b| self.g[a].id.cmp(&self.g[b].id));
        let mut node_rank = vec![0u32; self.g.node_bound()];
        for (r, i) in nodes.into_iter().enumerate() {
            node_rank[i.index()] = r as u32;
        }
        let mut relations: Vec<&str> = self.relations.keys().map(|k| &**k).collect();
        relations.sort_unstable();
        let relation_rank: FxHashMap<&str, u32> = relations
            .into_iter()
            .enumerate()
            .map(|(r, k)| (k, r as u32))
            .collect();
        // One 128-bit key per edge: source rank, relation rank, target rank, then the edge's
        // position, which keeps equal keys in their first order as the stable string sort did.
        let refs: Vec<petgraph::stable_graph::EdgeReference<'_, Edge>> =
            (&self.g).edge_references().collect();
        let keys: Option<Vec<u128>> = refs
            .iter()
            .enumerate()
            .map(|(position, e)| {
                // Every relation name has its number (see `relation_key`).
                let relation = *relation_rank.get(e.weight().relation.as_str())?;
                let source = node_rank[e.source().index()];
                let target = node_rank[e.target().index()];
                Some(
                    (source as u128) << 96
                        | (relation as u128) << 64
                        | (target as u128) << 32
                        | position as u128,
                )
            })
            .collect();
        let Some(mut keys) = keys else {
            let mut v: Vec<EdgeRefView<'_>> = refs.into_iter().map(|e| self.edge_view(e)).collect();
            v.sort_by(|a, b| {
                (a.source, &a.edge.relation, a.target).cmp(&(b.source, &b.edge.relation, b.target))
            });
            return v;
        };
        keys.sort_unstable();
        keys.into_iter()
            .map(|k| self.edge_view(refs[(k as u32) as usize]))
            .collect()
    }

    fn edge_view<'a>(
        &'a self,
        e: petgraph::stable_graph::EdgeReference<'a, Edge>,
    ) -> EdgeRefView<'a> {
        EdgeRefView {
            source: &self.g[e.source()].id,
            target: &self.g[e.target()].id,
            edge: e.weight(),
        }
    }

    /// Edges touching one node (either direction), sorted.
    pub fn edges_of(&self, id: &str) -> Vec<EdgeRefView<'_>> {
        self.edges()
            .into_iter()
            .filter(|e| e.source == id || e.target == id)
            .collect()
    }

    /// Ids of nodes within `depth` hops of `id`, ignoring direction.
    pub fn neighbourhood(&self, id: &str, depth: usize) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let Some(&start) = self.ids.get(id) else {
            return seen;
        };
        let mut frontier = vec![start];
        seen.insert(id.to_string());
        for _ in 0..depth {
            let mut next = Vec::new();
            for n in frontier {
                for m in self.g.neighbors_undirected(n) {
                    if seen.insert(self.g[m].id.clone()) {
                        next.push(m);
                    }
                }
            }
            frontier = next;
        }
        seen
    }

    /// The subgraph of the nodes `keep` accepts and the edges `keep_edge` accepts between them.
    pub fn filtered(
        &self,
        keep: impl Fn(&Node) -> bool,
        keep_edge: impl Fn(&EdgeRefView<'_>) -> bool,
    ) -> KnowledgeGraph {
        let mut out = KnowledgeGraph {
            meta: self.meta.clone(),
            ..Default::default()
        };
        for n in self.nodes() {
            if keep(n) {
                out.add_node(n.clone());
            }
        }
        for e in self.edges() {
            if out.ids.contains_key(e.source) && out.ids.contains_key(e.target) && keep_edge(&e) {
                out.add_edge(
                    e.source,
                    &e.edge.relation,
                    e.target,
                    e.edge.certainty,
                    e.edge.evidence.iter().cloned(),
                );
            }
        }
        // Event places must point at nodes that are still there.
        for n in out.g.node_weights_mut() {
            if n.place.as_ref().is_some_and(|p| !out.ids.contains_key(p)) {
                n.place = None;
            }
        }
        out
    }

    /// Folds a whole graph (another shard's, say) into this one.
    pub fn merge(&mut self, other: KnowledgeGraph) {
        self.meta.documents += other.meta.documents;
        for n in other.nodes() {
            self.add_node(n.clone());
        }
        for e in other.edges() {
            self.add_edge(
                e.source,
                &e.edge.relation,
                e.target,
                e.edge.certainty,
                e.edge.evidence.iter().cloned(),
            );
        }
    }

    /// Node counts by type.
    pub fn counts_by_type(&self) -> BTreeMap<EntityType, usize> {
        let mut m = BTreeMap::new();
        for n in self.g.node_weights() {
            *m.entry(n.etype).or_insert(0) += 1;
        }
        m
    }

    /// The dense integer id of each node (its position in id order), for loaders that want numbers.
    pub fn dense_ids(&self) -> HashMap<&str, usize> {
        self.nodes()
            .into_iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect()
    }
}

/// Builds a graph one document at a time, as a corpus streams in, more cheaply than
/// [`KnowledgeGraph::add_node`] and [`KnowledgeGraph::add_edge`] would.
///
/// Folding a node into the graph costs a B-tree search per document id, and a hub (a country
/// named in thousands of articles) keeps a deep set of them. Here a node's documents are
/// pushed onto a list by number, and the sets are made once by [`GraphBuilder::finish`] (in
/// one pass when the ids came in order, as numbered articles do). The graph cannot be read
/// before, so nothing sees them incomplete.
///
/// A document's nodes come in borrowed ([`NodeParts`]): a string is copied only when the graph
/// lacks it (a new node, a new alias), so most of what a document brings is only read.
#[derive(Debug, Default)]
pub struct GraphBuilder {
    graph: KnowledgeGraph,
    /// Of each node (by index; nodes are never removed while building): its documents (numbers
    /// into `doc_names`) in the order they came, maybe repeated.
    node_docs: Vec<Vec<u32>>,
    /// The document ids seen, by number, and the number of each.
    doc_names: Vec<Arc<str>>,
    doc_numbers: FxHashMap<Arc<str>, u32>,
    /// Of each node (by index): whether its label is among its aliases (as it is unless a
    /// document's label was not among its aliases), so that an alias equal to the label needs
    /// no look-up in the set.
    label_kept: Vec<bool>,
}

/// A node of a graph being built: what [`GraphBuilder::add_node_parts`] returns, for
/// [`GraphBuilder::add_edge_between`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltNode(NodeIndex);

/// A document of a graph being built, by number (see [`GraphBuilder::document`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltDoc(u32);

/// A node as borrowed parts, with the same meaning as [`Node`]'s fields. `aliases` must hold
/// the label; they may repeat.
#[derive(Debug, Clone)]
pub struct NodeParts<'a, A> {
    pub id: &'a str,
    pub label: &'a str,
    pub etype: EntityType,
    pub aliases: A,
    pub mentions: u64,
    pub date: Option<&'a str>,
    pub place: Option<&'a str>,
}

/// [`better_value`] with the new value borrowed: copied only when it wins.
fn better_value_of(old: &mut Option<String>, new: Option<&str>) {
    let Some(b) = new else { return };
    let better = match old.as_deref() {
        Some(a) => (b.len(), std::cmp::Reverse(b)) > (a.len(), std::cmp::Reverse(a)),
        None => true,
    };
    if better {
        *old = Some(b.to_string());
    }
}

impl GraphBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// The graph's counters.
    pub fn meta_mut(&mut self) -> &mut GraphMeta {
        &mut self.graph.meta
    }

    /// The shared copy of a document id or rule id, for the evidence of
    /// [`GraphBuilder::add_edge`].
    pub fn shared(&mut self, s: &str) -> Arc<str> {
        self.graph.shared_str(s)
    }

    /// The number of document `id` (the same for the same id) and its shared copy, for
    /// [`GraphBuilder::add_node_parts`] and the evidence of [`GraphBuilder::add_edge_between`].
    pub fn document(&mut self, id: &str) -> (BuiltDoc, Arc<str>) {
        if let Some((name, &n)) = self.doc_numbers.get_key_value(id) {
            return (BuiltDoc(n), name.clone());
        }
        let name = self.graph.shared_str(id);
        let n = self.doc_names.len() as u32;
        self.doc_names.push(name.clone());
        self.doc_numbers.insert(name.clone(), n);
        (BuiltDoc(n), name)
    }

    /// Adds a node, or folds it into the node with the same id, as [`KnowledgeGraph::add_node`]
    /// does.
    pub fn add_node(&mut self, mut node: Node) {
        let docs = std::mem::take(&mut node.docs);
        let i = self.fold(
            NodeParts {
                id: &node.id,
                label: &node.label,
                etype: node.etype,
                aliases: node.aliases.iter().map(String::as_str),
                mentions: node.mentions,
                date: node.date.as_deref(),
                place: node.place.as_deref(),
            },
            None,
        );
        for d in docs {
            let (doc, _) = self.document(&d);
            self.note_doc(i, doc);
        }
    }

    /// Adds a node of document `doc`, or folds it into the node with the same id, as
    /// [`KnowledgeGraph::add_node`] does with the same node owned (its `docs` being `doc`).
    pub fn add_node_parts<'a>(
        &mut self,
        node: NodeParts<'a, impl IntoIterator<Item = &'a str>>,
        doc: BuiltDoc,
    ) -> BuiltNode {
        let i = self.fold(node, Some(doc));
        BuiltNode(i)
    }

    /// Adds or folds a node; notes `doc` for it.
    fn fold<'a>(
        &mut self,
        node: NodeParts<'a, impl IntoIterator<Item = &'a str>>,
        doc: Option<BuiltDoc>,
    ) -> NodeIndex {
        let i = match self.graph.ids.get(node.id) {
            Some(&i) => {
                // `Node::absorb`, reading the parts rather than taking them.
                let n = &mut self.graph.g[i];
                let kept = &mut self.label_kept[i.index()];
                // Most aliases a document brings are the node's label: when the label is known
                // to be in the set, a string compare spares the walk down the tree.
                for a in node.aliases {
                    if a == n.label {
                        if *kept {
                            continue;
                        }
                        *kept = true;
                    }
                    if !n.aliases.contains(a) {
                        n.aliases.insert(a.to_string());
                    }
                }
                if better_label(node.label, &n.label) {
                    n.label = node.label.to_string();
                    *kept = n.aliases.contains(&n.label);
                }
                n.mentions += node.mentions;
                better_value_of(&mut n.date, node.date);
                better_value_of(&mut n.place, node.place);
                i
            }
            None => {
                let n = Node {
                    id: node.id.to_string(),
                    label: node.label.to_string(),
                    etype: node.etype,
                    aliases: node.aliases.into_iter().map(str::to_string).collect(),
                    mentions: node.mentions,
                    docs: BTreeSet::new(),
                    date: node.date.map(str::to_string),
                    place: node.place.map(str::to_string),
                };
                self.label_kept.push(n.aliases.contains(&n.label));
                let i = self.graph.g.add_node(n);
                self.graph.ids.insert(node.id.to_string(), i);
                debug_assert_eq!(i.index(), self.node_docs.len());
                debug_assert_eq!(i.index() + 1, self.label_kept.len());
                self.node_docs.push(Vec::new());
                i
            }
        };
        if let Some(doc) = doc {
            self.note_doc(i, doc);
        }
        i
    }

    fn note_doc(&mut self, i: NodeIndex, doc: BuiltDoc) {
        let noted = &mut self.node_docs[i.index()];
        if noted.last() != Some(&doc.0) {
            noted.push(doc.0);
        }
    }

    /// Adds evidence for `source -relation-> target`, as [`KnowledgeGraph::add_edge`] does;
    /// `evidence.doc` and `evidence.rule` must be the graph's shared copies
    /// ([`GraphBuilder::shared`]).
    pub fn add_edge(
        &mut self,
        source: &str,
        relation: &str,
        target: &str,
        certainty: Certainty,
        evidence: EdgeEvidence,
    ) -> bool {
        let g = &self.graph;
        let (Some(&s), Some(&t)) = (g.ids.get(source), g.ids.get(target)) else {
            return false;
        };
        self.add_edge_between(BuiltNode(s), relation, BuiltNode(t), certainty, evidence)
    }

    /// [`GraphBuilder::add_edge`] between nodes already found.
    pub fn add_edge_between(
        &mut self,
        source: BuiltNode,
        relation: &str,
        target: BuiltNode,
        certainty: Certainty,
        evidence: EdgeEvidence,
    ) -> bool {
        let (s, t) = (source.0, target.0);
        if s == t {
            return false;
        }
        let g = &mut self.graph;
        let e = g.edge_between(s, relation, t, certainty);
        g.g[e].add_evidence(evidence);
        true
    }

    /// The graph, with each node's documents in place.
    pub fn finish(self) -> KnowledgeGraph {
        let GraphBuilder {
            mut graph,
            node_docs,
            doc_names,
            ..
        } = self;
        for (i, docs) in node_docs.into_iter().enumerate() {
            // Sorts (one pass over sorted input), drops repeats, builds the tree bottom-up.
            graph.g[NodeIndex::new(i)].docs = docs
                .iter()
                .map(|&d| doc_names[d as usize].to_string())
                .collect();
        }
        graph
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(doc: &str, start: usize) -> Evidence {
        Evidence {
            doc: doc.into(),
            start,
            end: start + 1,
            text: "x".into(),
            rule: "r".into(),
        }
    }

    /// The ASCII path of `label_rank` against the general one.
    #[test]
    fn ascii_label_rank_is_label_rank() {
        for s in [
            "",
            " ",
            "Tren de Aragua",
            "  two\x0bwords\t\n\x0c\r",
            "ICE",
            "U.S.",
            "MS-13",
            "caracas",
            "A b",
            "x y z ",
        ] {
            assert_eq!(ascii_label_rank(s), general_label_rank(s), "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_label_rank_matches(s in "[ -~\t\n\x0b\x0c\r]{0,16}") {
            proptest::prop_assert_eq!(ascii_label_rank(&s), general_label_rank(&s));
        }
    }

    #[test]
    fn labels_prefer_complete_accented_forms() {
        for (a, b) in [
            ("Héctor Guerrero Flores", "Hector Guerrero Flores"),
            ("Hector Guerrero Flores", "Guerrero Flores"),
            ("Caracas", "CARACAS"),
            ("Immigration and Customs Enforcement", "ICE"),
        ] {
            assert!(better_label(a, b), "{a} over {b}");
            assert!(!better_label(b, a), "{b} not over {a}");
        }
    }

    /// Nodes, and edges with their ends and relation, as plain values.
    type Snapshot = (Vec<Node>, Vec<(String, String, String, Edge)>);

    /// A graph as plain values, for comparing two graphs.
    fn snapshot(g: &KnowledgeGraph) -> Snapshot {
        let nodes = g.nodes().into_iter().cloned().collect();
        let edges = g
            .edges()
            .into_iter()
            .map(|e| {
                let rel = e.edge.relation.clone();
                (
                    e.source.to_string(),
                    rel,
                    e.target.to_string(),
                    e.edge.clone(),
                )
            })
            .collect();
        (nodes, edges)
    }

    proptest::proptest! {
        #[test]
        fn merging_all_at_once_equals_merging_one_by_one(
            edges in proptest::collection::vec((0usize..8, 0usize..3, 0usize..8, 0usize..4, proptest::bool::ANY), 0..40),
            merges in proptest::collection::vec((0usize..9, 0usize..9), 0..10),
        ) {
            // Eight people (a ninth name that is no node), a few relations, evidence from four
            // documents, some edges alleged; merges in chains, to gone nodes and to themselves.
            let name = |i: usize| format!("person:p{i}");
            let mut g = KnowledgeGraph::new();
            for i in 0..8 {
                let mut n = Node::new(EntityType::Person, &format!("P{i}"));
                n.mentions = i as u64;
                n.docs.insert(format!("d{}", i % 3));
                g.add_node(n);
            }
            for (s, r, t, d, alleged) in edges {
                let c = if alleged { Certainty::Alleged } else { Certainty::Stated };
                g.add_edge(&name(s), ["knows", "leads", "funds"][r], &name(t), c, [ev(&format!("d{d}"), s + t)]);
            }
            let pairs: Vec<(String, String)> = merges.iter().map(|&(a, b)| (name(a), name(b))).collect();
            let mut one_by_one = g.clone();
            for (a, b) in &pairs {
                one_by_one.merge_nodes(a, b);
            }
            let mut all = g;
            all.merge_nodes_all(pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())));
            proptest::prop_assert_eq!(snapshot(&all), snapshot(&one_by_one));
        }
    }

    proptest::proptest! {
        #[test]
        fn building_document_by_document_equals_adding_nodes_and_edges(
            docs in proptest::collection::vec(
                (
                    0usize..6,
                    proptest::collection::vec((0usize..5, 0usize..3, proptest::bool::ANY), 0..5),
                    proptest::collection::vec((0usize..5, 0usize..2, 0usize..5, 0usize..4, 0usize..2, proptest::bool::ANY), 0..6),
                ),
                0..8,
            ),
        ) {
            // Documents with ids out of order and repeated; nodes with competing labels and
            // dates, some naming a second document; edges in and out of text order, with two
            // rules competing for one sentence.
            let mut plain = KnowledgeGraph::new();
            let mut built = GraphBuilder::new();
            for (d, nodes, edges) in docs {
                let doc = format!("d{d}");
                let shared_doc = built.shared(&doc);
                for (k, variant, extra_doc) in nodes {
                    let mut n = Node::new(EntityType::Person, ["Ana", "ANA", "Ána"][variant]);
                    n.id = format!("person:p{k}");
                    n.mentions = 1 + variant as u64;
                    n.aliases.insert(format!("a{variant}"));
                    n.docs.insert(doc.clone());
                    if extra_doc {
                        n.docs.insert(format!("d{}", (d + 3) % 6));
                    }
                    n.date = (variant > 0).then(|| format!("2020-0{variant}"));
                    plain.add_node(n.clone());
                    built.add_node(n);
                }
                for (s, r, t, start, rule, alleged) in edges {
                    let c = if alleged { Certainty::Alleged } else { Certainty::Stated };
                    let (source, target) = (format!("person:p{s}"), format!("person:p{t}"));
                    let relation = ["knows", "funds"][r];
                    let e = Evidence {
                        doc: doc.clone(),
                        start,
                        end: start + 2,
                        text: format!("s{start}"),
                        rule: format!("r{rule}"),
                    };
                    let shared = EdgeEvidence::new(
                        shared_doc.clone(),
                        e.start,
                        e.end,
                        e.text.as_str().into(),
                        built.shared(&e.rule),
                    );
                    let a = plain.add_edge(&source, relation, &target, c, [e]);
                    let b = built.add_edge(&source, relation, &target, c, shared);
                    proptest::prop_assert_eq!(a, b);
                }
            }
            proptest::prop_assert_eq!(snapshot(&built.finish()), snapshot(&plain));
        }
    }

    proptest::proptest! {
        #[test]
        fn edges_come_sorted_by_source_relation_target(
            edges in proptest::collection::vec((0usize..12, 0usize..4, 0usize..12), 0..60),
            merges in proptest::collection::vec((0usize..12, 0usize..12), 0..4),
        ) {
            // Ids whose numeric and string orders differ ("p10" < "p2"), relation names added
            // out of order, and merges that leave holes in the node indices.
            let name = |i: usize| format!("person:p{i}");
            let mut g = KnowledgeGraph::new();
            for i in (0..12).rev() {
                g.add_node(Node::new(EntityType::Person, &format!("P{i}")));
            }
            for (s, r, t) in edges {
                let relation = ["works_for", "knows", "funds", "b"][r];
                g.add_edge(&name(s), relation, &name(t), Certainty::Stated, [ev("d", s)]);
            }
            let pairs: Vec<(String, String)> = merges.iter().map(|&(a, b)| (name(a), name(b))).collect();
            g.merge_nodes_all(pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())));
            let got: Vec<(&str, &str, &str)> = g
                .edges()
                .iter()
                .map(|e| (e.source, e.edge.relation.as_str(), e.target))
                .collect();
            let mut expected = got.clone();
            expected.sort();
            proptest::prop_assert_eq!(got, expected);
        }
    }

    proptest::proptest! {
        #[test]
        fn evidence_appended_or_inserted_as_a_sorted_insert_would(
            items in proptest::collection::vec((0usize..4, 0usize..6, 0usize..3, proptest::bool::ANY), 0..40),
        ) {
            // Document ids whose string order is not their numeric order, shared copies and
            // equal strings in fresh copies, sentences and rules in any order.
            let names = ["d2", "d10", "d1", "d3"];
            let shared: Vec<Arc<str>> = names.iter().map(|&n| Arc::from(n)).collect();
            let mut edge = Edge {
                relation: "knows".into(),
                certainty: Certainty::Stated,
                docs: Vec::new(),
                evidence: Vec::new(),
            };
            let mut docs: Vec<Arc<str>> = Vec::new();
            let mut evidence: Vec<EdgeEvidence> = Vec::new();
            for (d, start, rule, fresh) in items {
                let doc = if fresh { Arc::from(names[d]) } else { shared[d].clone() };
                let ev = EdgeEvidence::new(doc, start, start + 1, "x".into(), format!("r{rule}").into());
                // The plain sorted insert.
                if let Err(i) = docs.binary_search(&ev.doc) {
                    docs.insert(i, ev.doc.clone());
                }
                let at = evidence.partition_point(|x| (&x.doc, x.start, x.end) < (&ev.doc, ev.start, ev.end));
                match evidence.get_mut(at) {
                    Some(old) if (&old.doc, old.start, old.end) == (&ev.doc, ev.start, ev.end) => {
                        if ev.rule < old.rule {
                            *old = ev.clone();
                        }
                    }
                    _ => evidence.insert(at, ev.clone()),
                }
                edge.add_evidence(ev);
            }
            proptest::prop_assert_eq!(&edge.docs, &docs);
            proptest::prop_assert_eq!(&edge.evidence, &evidence);
        }
    }

    /// A node folded in by the builder gets the aliases `KnowledgeGraph::add_node` gives it,
    /// also when a label is not among its own aliases ("Trump administration") and only a
    /// later document brings it as an alias.
    #[test]
    fn builder_folds_aliases_as_add_node_does_when_labels_are_not_aliases() {
        let node = |label: &str, aliases: &[&str]| {
            let mut n = Node::new(EntityType::Organization, "x");
            n.id = "organization:x".into();
            n.label = label.into();
            n.aliases = aliases.iter().map(|a| a.to_string()).collect();
            n
        };
        let cases: &[&[(&str, &[&str])]] = &[
            &[("A B", &["A"]), ("A B", &["A B"]), ("A B", &["A B", "C"])],
            &[("A B", &["A B"]), ("A B C", &["A"]), ("A B C", &["A B C"])],
            &[("A", &["A"]), ("A B", &["A", "B"]), ("A B", &["A B"])],
            &[("A B", &[]), ("A B", &["A B"]), ("A B", &["A B"])],
            &[("A", &["A"]), ("A", &["A"]), ("Z Y", &["Y"])],
        ];
        for &case in cases {
            let mut plain = KnowledgeGraph::new();
            let mut built = GraphBuilder::new();
            for &(label, aliases) in case {
                plain.add_node(node(label, aliases));
                built.add_node(node(label, aliases));
            }
            let built = built.finish();
            assert_eq!(snapshot(&plain), snapshot(&built), "{case:?}");
        }
    }

    #[test]
    fn merge_is_order_independent() {
        let mut a = Node::new(EntityType::Person, "Hector Guerrero");
        a.mentions = 2;
        a.docs.insert("d1".into());
        let mut b = Node::new(EntityType::Person, "Héctor Guerrero");
        b.mentions = 1;
        b.docs.insert("d2".into());
        let mut g1 = KnowledgeGraph::new();
        g1.add_node(a.clone());
        g1.add_node(b.clone());
        let mut g2 = KnowledgeGraph::new();
        g2.add_node(b);
        g2.add_node(a);
        assert_eq!(g1.nodes(), g2.nodes());
        let n = g1.node("person:hector-guerrero").unwrap();
        assert_eq!(n.label, "Héctor Guerrero");
        assert_eq!(n.mentions, 3);
    }

    #[test]
    fn one_edge_per_triple_and_merge_rewires() {
        let mut g = KnowledgeGraph::new();
        for (t, l) in [
            (EntityType::Person, "A B"),
            (EntityType::Person, "B"),
            (EntityType::Organization, "Org"),
        ] {
            g.add_node(Node::new(t, l));
        }
        assert!(g.add_edge(
            "person:a-b",
            "leader_of",
            "organization:org",
            Certainty::Alleged,
            [ev("d", 0)]
        ));
        assert!(g.add_edge(
            "person:b",
            "leader_of",
            "organization:org",
            Certainty::Stated,
            [ev("d", 5)]
        ));
        assert!(!g.add_edge(
            "person:b",
            "leader_of",
            "organization:nope",
            Certainty::Stated,
            [ev("d", 5)]
        ));
        assert_eq!(g.edge_count(), 2);
        assert!(g.merge_nodes("person:b", "person:a-b"));
        let edges = g.edges();
        assert_eq!(edges.len(), 1);
        assert_eq!(edges[0].edge.weight(), 2);
        assert_eq!(edges[0].edge.certainty, Certainty::Stated);
        assert!(g.node("person:a-b").unwrap().aliases.contains("B"));
    }
}
