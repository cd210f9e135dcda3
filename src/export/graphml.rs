//! `graph.graphml`: GraphML 1.0 (`http://graphml.graphdrawing.org/xmlns`), one directed graph.
//!
//! ```text
//! <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
//!   <key id="label" for="node" attr.name="label" attr.type="string"/>     … every key, typed:
//!     node: label, type, aliases (joined by ";"), mentions int, docs (";"), date, place,
//!           dense_id int (0-based, id order), x double, y double
//!     edge: edgelabel (attr.name "label" = relation), relation, weight double (evidence count),
//!           certainty, evidence (first 3 sentences joined by " | "), evidence_count int,
//!           edgedocs (attr.name "docs", ";")
//!   <graph id="kgraph" edgedefault="directed">
//!     <node id="person:…"><data key="label">…</data>…</node>           nodes sorted by id
//!     <edge id="e0" source="…" target="…"><data …/>…</edge>            edges sorted by (source, relation, target)
//! ```
//! Key ids are descriptive and unique (Gephi reads `label` and `weight` by name; `d0…dN` ids
//! confuse it); every value is written on every element, empty when absent, because NetworkX
//! does not apply `<default>` per element. Validates against the GraphML XSD; read by NetworkX
//! `read_graphml`, igraph `Graph.Read_GraphML`, Gephi, yEd and Cytoscape.

use std::io::{self, Write};

use super::values::{clean, evidence_summary, join, number};
use super::xml::escape;
use super::Exporter;
use crate::graph::KnowledgeGraph;
use crate::layout;

pub struct GraphMl;

/// (id, for, attr.name, attr.type), in the order they are declared and written.
const NODE_KEYS: [(&str, &str, &str, &str); 10] = [
    ("label", "node", "label", "string"),
    ("type", "node", "type", "string"),
    ("aliases", "node", "aliases", "string"),
    ("mentions", "node", "mentions", "int"),
    ("docs", "node", "docs", "string"),
    ("date", "node", "date", "string"),
    ("place", "node", "place", "string"),
    ("dense_id", "node", "dense_id", "int"),
    ("x", "node", "x", "double"),
    ("y", "node", "y", "double"),
];

const EDGE_KEYS: [(&str, &str, &str, &str); 7] = [
    ("edgelabel", "edge", "label", "string"),
    ("relation", "edge", "relation", "string"),
    ("weight", "edge", "weight", "double"),
    ("certainty", "edge", "certainty", "string"),
    ("evidence", "edge", "evidence", "string"),
    ("evidence_count", "edge", "evidence_count", "int"),
    ("edgedocs", "edge", "docs", "string"),
];

impl Exporter for GraphMl {
    fn name(&self) -> &'static str {
        "graphml"
    }
    fn file_name(&self) -> &'static str {
        "graph.graphml"
    }
    fn write(&self, graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(
            out,
            "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">"
        )?;
        for (id, domain, name, ty) in NODE_KEYS.iter().chain(EDGE_KEYS.iter()) {
            writeln!(
                out,
                "  <key id=\"{id}\" for=\"{domain}\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
            )?;
        }
        writeln!(out, "  <graph id=\"kgraph\" edgedefault=\"directed\">")?;
        let positions = layout::positions(graph);
        let dense = graph.dense_ids();
        for n in graph.nodes() {
            let (x, y) = positions.get(&n.id).copied().unwrap_or((0.0, 0.0));
            let values = [
                clean(&n.label),
                n.etype.as_str().to_string(),
                join(&n.aliases),
                n.mentions.to_string(),
                join(&n.docs),
                n.date.as_deref().map(clean).unwrap_or_default(),
                n.place.as_deref().map(clean).unwrap_or_default(),
                dense.get(n.id.as_str()).copied().unwrap_or(0).to_string(),
                number(x, 3),
                number(y, 3),
            ];
            writeln!(out, "    <node id=\"{}\">", escape(&clean(&n.id), true))?;
            data(out, &NODE_KEYS, &values)?;
            writeln!(out, "    </node>")?;
        }
        for (i, e) in graph.edges().iter().enumerate() {
            let relation = clean(&e.edge.relation);
            let values = [
                relation.clone(),
                relation,
                format!("{}.0", e.edge.weight()),
                e.edge.certainty.as_str().to_string(),
                evidence_summary(e.edge),
                e.edge.weight().to_string(),
                join(&e.edge.docs),
            ];
            writeln!(
                out,
                "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\">",
                escape(&clean(e.source), true),
                escape(&clean(e.target), true)
            )?;
            data(out, &EDGE_KEYS, &values)?;
            writeln!(out, "    </edge>")?;
        }
        writeln!(out, "  </graph>")?;
        writeln!(out, "</graphml>")
    }
}

fn data(
    out: &mut dyn Write,
    keys: &[(&str, &str, &str, &str)],
    values: &[String],
) -> io::Result<()> {
    for ((id, ..), value) in keys.iter().zip(values) {
        writeln!(
            out,
            "      <data key=\"{id}\">{}</data>",
            escape(value, false)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_are_unique_and_types_are_graphml_types() {
        let mut ids: Vec<&str> = NODE_KEYS
            .iter()
            .chain(EDGE_KEYS.iter())
            .map(|k| k.0)
            .collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate key id");
        for (id, _, _, ty) in NODE_KEYS.iter().chain(EDGE_KEYS.iter()) {
            assert!(
                ["boolean", "int", "long", "float", "double", "string"].contains(ty),
                "{id}: {ty}"
            );
            assert!(
                !(id.starts_with('d') && id[1..].bytes().all(|b| b.is_ascii_digit())),
                "{id}: Gephi reads d<N> keys as labels"
            );
        }
    }
}
