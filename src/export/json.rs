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
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{no_such_file, Exporter, GraphView};
use crate::error::{json_location, Error, Result};
use crate::graph::{
    Certainty, EdgeEvidence, EdgeRefView, Evidence, GraphMeta, KnowledgeGraph, Node,
};

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

/// What [`Json`] writes: the same fields as [`GraphRecord`], borrowed from the graph.
#[derive(Serialize)]
struct GraphOut<'a> {
    directed: bool,
    multigraph: bool,
    graph: GraphInfoOut<'a>,
    nodes: &'a [&'a Node],
    edges: EdgesOut<'a>,
}

#[derive(Serialize)]
struct GraphInfoOut<'a> {
    name: &'static str,
    generator: String,
    #[serde(flatten)]
    meta: &'a GraphMeta,
}

#[derive(Serialize)]
struct EdgeOut<'a> {
    id: String,
    source: &'a str,
    target: &'a str,
    key: &'a str,
    relation: &'a str,
    weight: usize,
    certainty: Certainty,
    docs: Docs<'a>,
    evidence: &'a [EdgeEvidence],
}

/// An edge's documents, as a list of strings.
struct Docs<'a>(&'a [Arc<str>]);

impl Serialize for Docs<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|d| &**d))
    }
}

/// The edges, each made into an [`EdgeOut`] as it is written.
struct EdgesOut<'a>(&'a [EdgeRefView<'a>]);

impl Serialize for EdgesOut<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().enumerate().map(|(i, e)| EdgeOut {
            id: format!("e{i}"),
            source: e.source,
            target: e.target,
            key: &e.edge.relation,
            relation: &e.edge.relation,
            weight: e.edge.weight(),
            certainty: e.edge.certainty,
            docs: Docs(&e.edge.docs),
            evidence: &e.edge.evidence,
        }))
    }
}

impl Exporter for Json {
    fn name(&self) -> &'static str {
        "json"
    }
    fn file_name(&self) -> &'static str {
        "graph.json"
    }
    fn write_file(&self, file: &str, view: &GraphView<'_>, out: &mut dyn Write) -> io::Result<()> {
        if file != self.file_name() {
            return Err(no_such_file(self.name(), file));
        }
        let record = GraphOut {
            directed: true,
            multigraph: true,
            graph: GraphInfoOut {
                name: "kgraph",
                generator: format!("kgraph {}", env!("CARGO_PKG_VERSION")),
                meta: &view.graph.meta,
            },
            nodes: &view.nodes,
            edges: EdgesOut(&view.edges),
        };
        let mut out = BufWriter::with_capacity(1 << 16, out);
        serde_json::to_writer_pretty(&mut out, &record)?;
        out.write_all(b"\n")?;
        out.flush()
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
