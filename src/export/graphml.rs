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

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};
use std::ops::Range;

use super::values::{clean_if, push_join_if, push_number, Uint};
use super::xml::{escape, write_escaped, write_escaped_evidence};
use super::{no_such_file, Exporter, FileWriter, GraphView};
use crate::graph::Edge;

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
    fn uses_layout(&self) -> bool {
        true
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
        let mut out = BufWriter::with_capacity(1 << 16, out);
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
        Ok(Box::new(GraphMlFile {
            out,
            view,
            list: String::new(),
        }))
    }
}

/// `graph.graphml` being written (see [`FileWriter`]).
struct GraphMlFile<'v> {
    out: BufWriter<&'v mut dyn Write>,
    view: &'v GraphView<'v>,
    list: String,
}

impl FileWriter for GraphMlFile<'_> {
    fn nodes(&mut self, rows: Range<usize>) -> io::Result<()> {
        let (out, view, list) = (&mut self.out, self.view, &mut self.list);
        let positions = &view.positions()[rows.clone()];
        let start = rows.start;
        for (i, (n, &(x, y))) in view.nodes[rows].iter().zip(positions).enumerate() {
            let c = view.node_clean(start + i);
            out.write_all(b"    <node id=\"")?;
            write_escaped(out, &clean_if(&n.id, c), true)?;
            out.write_all(b"\">\n")?;
            let [label, etype, aliases, mentions, docs, date, place, dense_id, xk, yk] =
                NODE_KEYS.map(|k| k.0);
            data(out, label, &clean_if(&n.label, c))?;
            data_plain(out, etype, n.etype.as_str())?;
            list.clear();
            push_join_if(list, &n.aliases, c);
            data(out, aliases, list)?;
            data_plain(out, mentions, Uint::new(n.mentions).as_str())?;
            list.clear();
            push_join_if(list, &n.docs, c);
            data(out, docs, list)?;
            data(out, date, &clean_if(n.date.as_deref().unwrap_or(""), c))?;
            data(out, place, &clean_if(n.place.as_deref().unwrap_or(""), c))?;
            data_plain(out, dense_id, Uint::of(start + i).as_str())?;
            for (key, v) in [(xk, x), (yk, y)] {
                list.clear();
                push_number(list, v, 3);
                data_plain(out, key, list)?;
            }
            out.write_all(b"    </node>\n")?;
        }
        Ok(())
    }

    fn edges(&mut self, rows: Range<usize>) -> io::Result<()> {
        let (out, view, list) = (&mut self.out, self.view, &mut self.list);
        let start = rows.start;
        for (i, e) in view.edges[rows].iter().enumerate() {
            let c = view.edge_clean(start + i);
            let relation = clean_if(&e.edge.relation, c);
            out.write_all(b"    <edge id=\"e")?;
            out.write_all(Uint::of(start + i).as_bytes())?;
            out.write_all(b"\" source=\"")?;
            write_escaped(out, &clean_if(e.source, c), true)?;
            out.write_all(b"\" target=\"")?;
            write_escaped(out, &clean_if(e.target, c), true)?;
            out.write_all(b"\">\n")?;
            let [edgelabel, rel, weight, certainty, evidence, evidence_count, edgedocs] =
                EDGE_KEYS.map(|k| k.0);
            data(out, edgelabel, &relation)?;
            data(out, rel, &relation)?;
            let count = Uint::of(e.edge.weight());
            list.clear();
            list.push_str(count.as_str());
            list.push_str(".0");
            data_plain(out, weight, list)?;
            data_plain(out, certainty, e.edge.certainty.as_str())?;
            data_evidence(out, evidence, e.edge)?;
            data_plain(out, evidence_count, count.as_str())?;
            list.clear();
            push_join_if(list, &e.edge.docs, c);
            data(out, edgedocs, list)?;
            out.write_all(b"    </edge>\n")?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        writeln!(self.out, "  </graph>")?;
        writeln!(self.out, "</graphml>")?;
        self.out.flush()
    }
}

/// One `<data key="…">value</data>` line, its value written by `value`.
fn data_line<W: Write>(
    out: &mut W,
    key: &str,
    value: impl FnOnce(&mut W) -> io::Result<()>,
) -> io::Result<()> {
    out.write_all(b"      <data key=\"")?;
    out.write_all(key.as_bytes())?;
    out.write_all(b"\">")?;
    value(out)?;
    out.write_all(b"</data>\n")
}

/// [`data`] of a value that needs no escaping (digits, a decimal number, a name of the
/// writer's own), copied as it is.
fn data_plain<W: Write>(out: &mut W, key: &str, value: &str) -> io::Result<()> {
    debug_assert!(
        matches!(escape(value, false), Cow::Borrowed(_)),
        "{value:?}"
    );
    data_line(out, key, |out| out.write_all(value.as_bytes()))
}

/// [`data`] of the evidence summary of `edge`, escaped straight from the graph.
fn data_evidence<W: Write>(out: &mut W, key: &str, edge: &Edge) -> io::Result<()> {
    data_line(out, key, |out| write_escaped_evidence(out, edge, false))
}

/// One `<data>` line of `value`, escaped.
fn data<W: Write>(out: &mut W, key: &str, value: &str) -> io::Result<()> {
    data_line(out, key, |out| write_escaped(out, value, false))
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
