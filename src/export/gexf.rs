//! `graph.gexf`: GEXF 1.3 (`http://gexf.net/1.3`, viz extension `http://gexf.net/1.3/viz`).
//!
//! ```text
//! <gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">
//!   <meta><creator>kgraph <version></creator><description>…</description></meta>
//!   <graph defaultedgetype="directed" mode="static">      (mode="dynamic" timeformat="date" when some node has a date)
//!     <attributes class="node">  type, aliases (";"), mentions integer, docs (";"), date, place, dense_id integer
//!     <attributes class="edge">  relation, certainty, evidence (first 3, " | "), evidence_count integer, docs (";")
//!     <nodes count="N">
//!       <node id="person:…" label="…" [start="YYYY-MM-DD" end="YYYY-MM-DD"]>
//!         <attvalues>…</attvalues>
//!         <viz:color r g b/> (by type) <viz:size value/> (by degree) <viz:position x y z="0"/> <viz:shape value/>
//!     <edges count="M">
//!       <edge id="e0" source="…" target="…" label="<relation>" kind="<relation>" weight="<evidence count>">
//!         <attvalues>…</attvalues> [<viz:shape value="dashed"/> when alleged]
//! ```
//! Event dates become full-date `start`/`end` (partial dates widened: `2023-09` is
//! `2023-09-01`..`2023-09-30`) for Gephi's timeline; an absent or unparsable date is left out.
//! Validates against the GEXF 1.3 RELAX NG schema (not the XSD, which rejects `viz:` elements);
//! read by Gephi and NetworkX `read_gexf`.

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};
use std::ops::Range;

use super::values::{clean_if, date_interval, push_join_if, push_number, style, Uint};
use super::xml::{escape, write_escaped, write_escaped_evidence};
use super::{no_such_file, Exporter, FileWriter, GraphView};
use crate::graph::{Certainty, Edge};

pub struct Gexf;

const NODE_ATTRIBUTES: [(&str, &str); 7] = [
    ("type", "string"),
    ("aliases", "string"),
    ("mentions", "integer"),
    ("docs", "string"),
    ("date", "string"),
    ("place", "string"),
    ("dense_id", "integer"),
];

const EDGE_ATTRIBUTES: [(&str, &str); 5] = [
    ("relation", "string"),
    ("certainty", "string"),
    ("evidence", "string"),
    ("evidence_count", "integer"),
    ("docs", "string"),
];

impl Exporter for Gexf {
    fn name(&self) -> &'static str {
        "gexf"
    }
    fn file_name(&self) -> &'static str {
        "graph.gexf"
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
        let nodes = &view.nodes;
        let intervals: Vec<Option<(String, String)>> = nodes
            .iter()
            .map(|n| date_interval(n.date.as_deref()?))
            .collect();
        let mut degree = vec![0usize; nodes.len()];
        for &(a, b) in view.ends() {
            degree[a as usize] += 1;
            degree[b as usize] += 1;
        }
        let mut out = BufWriter::with_capacity(1 << 16, out);
        writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(out, "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" version=\"1.3\">")?;
        writeln!(out, "  <meta>")?;
        writeln!(
            out,
            "    <creator>kgraph {}</creator>",
            env!("CARGO_PKG_VERSION")
        )?;
        writeln!(out, "    <description>Knowledge graph of {} documents: entities and the relations stated between them</description>", view.graph.meta.documents)?;
        writeln!(out, "  </meta>")?;
        let mode = if intervals.iter().all(Option::is_none) {
            "mode=\"static\""
        } else {
            "mode=\"dynamic\" timeformat=\"date\""
        };
        writeln!(out, "  <graph defaultedgetype=\"directed\" {mode}>")?;
        for (class, attributes) in [
            ("node", &NODE_ATTRIBUTES[..]),
            ("edge", &EDGE_ATTRIBUTES[..]),
        ] {
            writeln!(out, "    <attributes class=\"{class}\">")?;
            for (id, ty) in attributes {
                writeln!(
                    out,
                    "      <attribute id=\"{id}\" title=\"{id}\" type=\"{ty}\"/>"
                )?;
            }
            writeln!(out, "    </attributes>")?;
        }
        writeln!(out, "    <nodes count=\"{}\">", nodes.len())?;
        Ok(Box::new(GexfFile {
            out,
            view,
            intervals,
            degree,
            list: String::new(),
        }))
    }
}

/// `graph.gexf` being written (see [`FileWriter`]).
struct GexfFile<'v> {
    out: BufWriter<&'v mut dyn Write>,
    view: &'v GraphView<'v>,
    /// The time interval of each node, from its date.
    intervals: Vec<Option<(String, String)>>,
    /// The number of edge ends at each node.
    degree: Vec<usize>,
    list: String,
}

impl FileWriter for GexfFile<'_> {
    fn nodes(&mut self, rows: Range<usize>) -> io::Result<()> {
        let (out, view, list) = (&mut self.out, self.view, &mut self.list);
        let positions = view.positions();
        for i in rows {
            let n = view.nodes[i];
            let c = view.node_clean(i);
            out.write_all(b"      <node id=\"")?;
            write_escaped(out, &clean_if(&n.id, c), true)?;
            out.write_all(b"\" label=\"")?;
            write_escaped(out, &clean_if(&n.label, c), true)?;
            out.write_all(b"\"")?;
            if let Some((start, end)) = &self.intervals[i] {
                for piece in [" start=\"", start, "\" end=\"", end, "\""] {
                    out.write_all(piece.as_bytes())?;
                }
            }
            out.write_all(b">\n        <attvalues>\n")?;
            let [etype, aliases, mentions, docs, date, place, dense_id] =
                NODE_ATTRIBUTES.map(|a| a.0);
            attvalue_plain(out, etype, n.etype.as_str())?;
            list.clear();
            push_join_if(list, &n.aliases, c);
            attvalue(out, aliases, list)?;
            attvalue_plain(out, mentions, Uint::new(n.mentions).as_str())?;
            list.clear();
            push_join_if(list, &n.docs, c);
            attvalue(out, docs, list)?;
            attvalue(out, date, &clean_if(n.date.as_deref().unwrap_or(""), c))?;
            attvalue(out, place, &clean_if(n.place.as_deref().unwrap_or(""), c))?;
            attvalue_plain(out, dense_id, Uint::of(i).as_str())?;
            out.write_all(b"        </attvalues>\n")?;
            let st = style(n.etype);
            let (r, g, b) = st.rgb;
            let d = self.degree[i] as f64;
            let (x, y) = positions[i];
            // Written piece by piece, the numbers into `list`: no `format!` per node.
            for (piece, v) in [
                (&b"        <viz:color r=\""[..], r),
                (b"\" g=\"", g),
                (b"\" b=\"", b),
            ] {
                out.write_all(piece)?;
                out.write_all(Uint::new(v).as_bytes())?;
            }
            list.clear();
            list.push_str("\"/>\n        <viz:size value=\"");
            push_number(list, 8.0 + 4.0 * d.sqrt(), 2);
            list.push_str("\"/>\n        <viz:position x=\"");
            push_number(list, x, 3);
            list.push_str("\" y=\"");
            push_number(list, y, 3);
            list.push_str("\" z=\"0\"/>\n        <viz:shape value=\"");
            list.push_str(st.gexf_shape);
            list.push_str("\"/>\n      </node>\n");
            out.write_all(list.as_bytes())?;
        }
        Ok(())
    }

    fn between(&mut self) -> io::Result<()> {
        writeln!(self.out, "    </nodes>")?;
        writeln!(self.out, "    <edges count=\"{}\">", self.view.edges.len())
    }

    fn edges(&mut self, rows: Range<usize>) -> io::Result<()> {
        let (out, view, list) = (&mut self.out, self.view, &mut self.list);
        for i in rows {
            let e = &view.edges[i];
            let c = view.edge_clean(i);
            let relation = clean_if(&e.edge.relation, c);
            let rel = escape(&relation, true);
            let weight = Uint::of(e.edge.weight());
            out.write_all(b"      <edge id=\"e")?;
            out.write_all(Uint::of(i).as_bytes())?;
            out.write_all(b"\" source=\"")?;
            write_escaped(out, &clean_if(e.source, c), true)?;
            out.write_all(b"\" target=\"")?;
            write_escaped(out, &clean_if(e.target, c), true)?;
            for piece in [
                "\" label=\"",
                &rel,
                "\" kind=\"",
                &rel,
                "\" weight=\"",
                weight.as_str(),
                "\">\n",
            ] {
                out.write_all(piece.as_bytes())?;
            }
            out.write_all(b"        <attvalues>\n")?;
            let [rel_key, certainty, evidence, evidence_count, docs] = EDGE_ATTRIBUTES.map(|a| a.0);
            attvalue(out, rel_key, &relation)?;
            attvalue_plain(out, certainty, e.edge.certainty.as_str())?;
            attvalue_evidence(out, evidence, e.edge)?;
            attvalue_plain(out, evidence_count, weight.as_str())?;
            list.clear();
            push_join_if(list, &e.edge.docs, c);
            attvalue(out, docs, list)?;
            out.write_all(b"        </attvalues>\n")?;
            if e.edge.certainty == Certainty::Alleged {
                writeln!(out, "        <viz:shape value=\"dashed\"/>")?;
            }
            out.write_all(b"      </edge>\n")?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        let out = &mut self.out;
        writeln!(out, "    </edges>")?;
        writeln!(out, "  </graph>")?;
        writeln!(out, "</gexf>")?;
        out.flush()
    }
}

/// One `<attvalue for="…" value="…"/>` line, its value written by `value`.
fn attvalue_line<W: Write>(
    out: &mut W,
    id: &str,
    value: impl FnOnce(&mut W) -> io::Result<()>,
) -> io::Result<()> {
    out.write_all(b"          <attvalue for=\"")?;
    out.write_all(id.as_bytes())?;
    out.write_all(b"\" value=\"")?;
    value(out)?;
    out.write_all(b"\"/>\n")
}

/// [`attvalue`] of a value that needs no escaping (digits, a name of the writer's own), copied
/// as it is.
fn attvalue_plain<W: Write>(out: &mut W, id: &str, value: &str) -> io::Result<()> {
    debug_assert!(matches!(escape(value, true), Cow::Borrowed(_)), "{value:?}");
    attvalue_line(out, id, |out| out.write_all(value.as_bytes()))
}

/// [`attvalue`] of the evidence summary of `edge`, escaped straight from the graph.
fn attvalue_evidence<W: Write>(out: &mut W, id: &str, edge: &Edge) -> io::Result<()> {
    attvalue_line(out, id, |out| write_escaped_evidence(out, edge, true))
}

/// One `<attvalue>` line of `value`, escaped.
fn attvalue<W: Write>(out: &mut W, id: &str, value: &str) -> io::Result<()> {
    attvalue_line(out, id, |out| write_escaped(out, value, true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{EntityType, KnowledgeGraph, Node};

    fn render(dates: &[Option<&str>]) -> String {
        let mut g = KnowledgeGraph::new();
        for (i, d) in dates.iter().enumerate() {
            let mut n = Node::new(EntityType::Event, &format!("Event {i}"));
            n.date = d.map(String::from);
            g.add_node(n);
        }
        let mut buf = Vec::new();
        Gexf.write(&g, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn dynamic_only_when_some_date_parses() {
        for (dates, dynamic, starts) in [
            (vec![None, None], false, 0),
            (vec![Some("sometime"), None], false, 0),
            (vec![Some("2024"), Some("bad"), None], true, 1),
            (vec![Some("2023-09-15/2023-10"), Some("2024-02")], true, 2),
        ] {
            let out = render(&dates);
            assert_eq!(
                out.contains("mode=\"dynamic\" timeformat=\"date\""),
                dynamic,
                "{dates:?}"
            );
            assert_eq!(out.matches(" start=\"").count(), starts, "{dates:?}");
            assert!(
                out.contains("<edges count=\"0\">"),
                "<edges> is required even when empty"
            );
        }
        assert!(render(&[Some("2023-09-15/2023-10")])
            .contains("start=\"2023-09-15\" end=\"2023-10-31\""));
    }
}
