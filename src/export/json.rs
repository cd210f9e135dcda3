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
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::outbuf::OutBuf;
use super::values::edge_id;
use super::{no_such_file, Exporter, FileWriter, GraphView};
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
    fn open<'v>(
        &self,
        file: &str,
        view: &'v GraphView<'v>,
        out: &'v mut dyn Write,
    ) -> io::Result<Box<dyn FileWriter + 'v>> {
        if file != self.file_name() {
            return Err(no_such_file(self.name(), file));
        }
        Ok(Box::new(JsonFile::new(view, out)))
    }
}

/// The graph record as `serde_json::to_writer_pretty` writes [`GraphOut`] (two-space indents,
/// `"key": value`, empty lists as `[]`) and a final line feed, written by hand: three times
/// faster, on the largest file of a build.
#[cfg(test)]
pub(crate) fn write_pretty(view: &GraphView<'_>, out: &mut dyn Write) -> io::Result<()> {
    Json.write_file("graph.json", view, out)
}

/// `graph.json` being written (see [`FileWriter`]).
struct JsonFile<'v> {
    o: Pretty<'v>,
    view: &'v GraphView<'v>,
    id: String,
}

impl<'v> JsonFile<'v> {
    /// Writes everything before the first node.
    fn new(view: &'v GraphView<'v>, out: &'v mut dyn Write) -> JsonFile<'v> {
        let mut o = Pretty {
            out: OutBuf::new(out),
            depth: 0,
            first: true,
        };
        o.open(b'{');
        o.key("directed");
        o.out.str("true");
        o.key("multigraph");
        o.out.str("true");
        o.key("graph");
        o.open(b'{');
        o.key("name");
        o.out.json_str("kgraph");
        o.key("generator");
        o.out
            .json_str(concat!("kgraph ", env!("CARGO_PKG_VERSION")));
        let meta = &view.graph.meta;
        o.key("documents");
        o.out.uint(meta.documents);
        if meta.partial {
            o.key("partial");
            o.out.str("true");
        }
        if let Some(shard) = &meta.shard {
            o.key("shard");
            o.out.json_str(shard);
        }
        if !meta.texts.is_empty() {
            o.key("texts");
            o.open(b'{');
            for (hash, id) in &meta.texts {
                o.data_key(hash);
                o.out.json_str(id);
            }
            o.close(b'}');
        }
        o.close(b'}');
        o.key("nodes");
        o.open(b'[');
        JsonFile {
            o,
            view,
            id: String::new(),
        }
    }
}

impl FileWriter for JsonFile<'_> {
    fn nodes(&mut self, rows: Range<usize>) -> io::Result<()> {
        let o = &mut self.o;
        for n in &self.view.nodes[rows] {
            o.item();
            o.open(b'{');
            o.key("id");
            o.out.json_str(&n.id);
            o.key("label");
            o.out.json_str(&n.label);
            o.key("type");
            o.out.json_str(n.etype.as_str());
            o.key("aliases");
            o.strings(n.aliases.iter().map(|a| a.as_str()))?;
            o.key("mentions");
            o.out.uint(n.mentions);
            o.key("docs");
            o.strings(n.docs.iter().map(|d| d.as_str()))?;
            if let Some(date) = &n.date {
                o.key("date");
                o.out.json_str(date);
            }
            if let Some(place) = &n.place {
                o.key("place");
                o.out.json_str(place);
            }
            o.close(b'}');
            o.out.spill()?;
        }
        Ok(())
    }

    fn between(&mut self) -> io::Result<()> {
        self.o.close(b']');
        self.o.key("edges");
        self.o.open(b'[');
        Ok(())
    }

    fn edges(&mut self, rows: Range<usize>) -> io::Result<()> {
        let o = &mut self.o;
        let start = rows.start;
        for (i, e) in self.view.edges[rows].iter().enumerate() {
            o.item();
            o.open(b'{');
            o.key("id");
            o.out.json_str(edge_id(&mut self.id, start + i));
            o.key("source");
            o.out.json_str(e.source);
            o.key("target");
            o.out.json_str(e.target);
            o.key("key");
            let relation_at = o.out.len();
            o.out.json_str(&e.edge.relation);
            let relation = relation_at..o.out.len();
            o.key("relation");
            o.out.repeat(relation);
            o.key("weight");
            o.out.uint(e.edge.weight() as u64);
            o.key("certainty");
            o.out.json_str(e.edge.certainty.as_str());
            o.key("docs");
            o.strings(e.edge.docs.iter().map(|d| &**d))?;
            o.key("evidence");
            o.open(b'[');
            for ev in &e.edge.evidence {
                o.item();
                o.open(b'{');
                o.key("doc");
                o.out.json_str(&ev.doc);
                o.key("start");
                o.out.uint(ev.start as u64);
                o.key("end");
                o.out.uint(ev.end as u64);
                o.key("text");
                o.out.json_str(&ev.text);
                o.key("rule");
                o.out.json_str(&ev.rule);
                o.close(b'}');
                o.out.spill()?;
            }
            o.close(b']');
            o.close(b'}');
            o.out.spill()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        let o = &mut self.o;
        o.close(b']');
        o.close(b'}');
        o.out.byte(b'\n');
        o.out.finish()
    }
}

/// A line feed and the indents of the depths the file reaches (five levels: an evidence item).
const NEW_LINE: &[u8; 17] = b"\n                ";

/// The layout rules of `serde_json`'s pretty printer: an opened object or list puts its first
/// entry on a new line one level in, later ones after `,` and a new line, and closes on a line
/// of its own at its level (or right after the opening, when empty).
struct Pretty<'a> {
    out: OutBuf<'a>,
    depth: usize,
    /// Whether the innermost open object or list has no entry yet.
    first: bool,
}

impl Pretty<'_> {
    fn open(&mut self, bracket: u8) {
        self.out.byte(bracket);
        self.depth += 1;
        self.first = true;
    }

    /// Starts an entry of the innermost object or list.
    #[inline(always)]
    fn item(&mut self) {
        if !self.first {
            self.out.byte(b',');
        }
        self.first = false;
        self.line();
    }

    /// A line feed and the indent of the current depth, copied whole for the usual depths.
    #[inline(always)]
    fn line(&mut self) {
        let width = 1 + 2 * self.depth;
        if width <= NEW_LINE.len() {
            self.out.prefix(NEW_LINE, width);
        } else {
            self.out.byte(b'\n');
            self.out.spaces(2 * self.depth);
        }
    }

    /// An entry of the innermost object named `key`, one of the writer's own field names: plain
    /// ASCII letters that need no escaping, so copied as they are.
    #[inline(always)]
    fn key(&mut self, key: &'static str) {
        debug_assert!(key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        self.item();
        self.out.byte(b'"');
        self.out.str(key);
        self.out.bytes(b"\": ");
    }

    /// An entry named by data (escaped).
    fn data_key(&mut self, key: &str) {
        self.item();
        self.out.json_str(key);
        self.out.bytes(b": ");
    }

    fn close(&mut self, bracket: u8) {
        self.depth -= 1;
        if !self.first {
            self.line();
        }
        self.out.byte(bracket);
        self.first = false;
    }

    /// A list of strings.
    fn strings<'s>(&mut self, items: impl Iterator<Item = &'s str>) -> io::Result<()> {
        self.open(b'[');
        for s in items {
            self.item();
            self.out.json_str(s);
            self.out.spill()?;
        }
        self.close(b']');
        Ok(())
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

/// The writer's specification: [`super::write_pretty`] must write the same bytes as
/// `serde_json`'s pretty printer does with these.
#[cfg(test)]
pub(crate) mod oracle {
    use std::io::{self, Write};
    use std::sync::Arc;

    use serde::Serialize;

    use super::GraphView;
    use crate::graph::{Certainty, EdgeEvidence, EdgeRefView, GraphMeta, Node};

    /// What [`Json`] writes, through `serde_json`'s pretty printer: the same fields as
    /// [`GraphRecord`], borrowed from the graph. The writer below is checked against it.
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

    pub fn write(view: &GraphView<'_>, out: &mut dyn Write) -> io::Result<()> {
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
        serde_json::to_writer_pretty(&mut *out, &record)?;
        out.write_all(b"\n")
    }
}
