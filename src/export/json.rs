//! `graph.json`: the complete record, in NetworkX node-link form.
//!
//! ```text
//! {"directed": true, "multigraph": true,
//!  "graph": {"name": "kgraph", "generator": "kgraph <version>", "documents": N},
//!  "nodes": [{"id", "label", "type", "aliases": [..], "mentions", "docs": [..], ("date", "place")}],
//!  "edges": [{"id", "source", "target", "key", "relation", "weight", "certainty", "docs": [..],
//!             "evidence": [{"doc", "start", "end", "text", "rule"}]}]}
//! ```
//! Nodes are sorted by id, edges by (source, relation, target); `id` is `e<i>` in that order,
//! the edge id of every other format; `key` is the relation, unique between two nodes. Read with `networkx.node_link_graph(data, edges="edges")`. The JSON Schema
//! is `schemas/graph.schema.json`. [`read_graph`] reads it back (for `merge` and `explain`).

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Exporter;
use crate::error::{json_location, Error, Result};
use crate::graph::{Certainty, Evidence, GraphMeta, KnowledgeGraph, Node};

pub struct Json;

#[derive(Serialize, Deserialize)]
struct GraphRecord {
    directed: bool,
    multigraph: bool,
    graph: GraphInfo,
    nodes: Vec<Node>,
    edges: Vec<EdgeRecord>,
}

#[derive(Serialize, Deserialize)]
struct GraphInfo {
    name: String,
    generator: String,
    #[serde(flatten)]
    meta: GraphMeta,
}

#[derive(Serialize, Deserialize)]
struct EdgeRecord {
    #[serde(default)]
    id: String,
    source: String,
    target: String,
    key: String,
    relation: String,
    weight: usize,
    certainty: Certainty,
    docs: BTreeSet<String>,
    evidence: Vec<Evidence>,
}

impl Exporter for Json {
    fn name(&self) -> &'static str {
        "json"
    }
    fn file_name(&self) -> &'static str {
        "graph.json"
    }
    fn write(&self, graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
        let record = GraphRecord {
            directed: true,
            multigraph: true,
            graph: GraphInfo {
                name: "kgraph".into(),
                generator: format!("kgraph {}", env!("CARGO_PKG_VERSION")),
                meta: graph.meta.clone(),
            },
            nodes: graph.nodes().into_iter().cloned().collect(),
            edges: graph
                .edges()
                .into_iter()
                .enumerate()
                .map(|(i, e)| EdgeRecord {
                    id: format!("e{i}"),
                    source: e.source.to_string(),
                    target: e.target.to_string(),
                    key: e.edge.relation.clone(),
                    relation: e.edge.relation.clone(),
                    weight: e.edge.weight(),
                    certainty: e.edge.certainty,
                    docs: e.edge.docs.clone(),
                    evidence: e.edge.evidence.iter().cloned().collect(),
                })
                .collect(),
        };
        serde_json::to_writer_pretty(&mut *out, &record)?;
        out.write_all(b"\n")
    }
}

/// Reads a `graph.json` back into a graph.
pub fn read_graph(path: &Path) -> Result<KnowledgeGraph> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let record: GraphRecord = serde_json::from_slice(&bytes).map_err(|e| {
        Error::bad_input(
            json_location(path, &e),
            format!("not a kgraph graph.json: {e}"),
        )
    })?;
    let mut g = KnowledgeGraph::new();
    g.meta = record.graph.meta;
    for n in record.nodes {
        g.add_node(n);
    }
    for e in record.edges {
        if !g.add_edge(&e.source, &e.relation, &e.target, e.certainty, e.evidence) {
            return Err(Error::bad_input(
                path.display().to_string(),
                format!("edge {} -> {} names an unknown node", e.source, e.target),
            ));
        }
    }
    Ok(g)
}
