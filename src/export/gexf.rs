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

use std::collections::HashMap;
use std::io::{self, Write};

use super::values::{clean, date_interval, evidence_summary, join, number, style};
use super::xml::escape;
use super::Exporter;
use crate::graph::{Certainty, KnowledgeGraph};
use crate::layout;

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
    fn write(&self, graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
        let nodes = graph.nodes();
        let edges = graph.edges();
        let intervals: HashMap<&str, (String, String)> = nodes
            .iter()
            .filter_map(|n| Some((n.id.as_str(), date_interval(n.date.as_deref()?)?)))
            .collect();
        let mut degree: HashMap<&str, usize> = HashMap::new();
        for e in &edges {
            *degree.entry(e.source).or_default() += 1;
            *degree.entry(e.target).or_default() += 1;
        }
        let positions = layout::positions(graph);
        let dense = graph.dense_ids();

        writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(out, "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" version=\"1.3\">")?;
        writeln!(out, "  <meta>")?;
        writeln!(
            out,
            "    <creator>kgraph {}</creator>",
            env!("CARGO_PKG_VERSION")
        )?;
        writeln!(out, "    <description>Knowledge graph of {} documents: entities and the relations stated between them</description>", graph.meta.documents)?;
        writeln!(out, "  </meta>")?;
        let mode = if intervals.is_empty() {
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
        for n in &nodes {
            let time = match intervals.get(n.id.as_str()) {
                Some((start, end)) => format!(" start=\"{start}\" end=\"{end}\""),
                None => String::new(),
            };
            writeln!(
                out,
                "      <node id=\"{}\" label=\"{}\"{time}>",
                escape(&clean(&n.id), true),
                escape(&clean(&n.label), true)
            )?;
            let values = [
                n.etype.as_str().to_string(),
                join(&n.aliases),
                n.mentions.to_string(),
                join(&n.docs),
                n.date.as_deref().map(clean).unwrap_or_default(),
                n.place.as_deref().map(clean).unwrap_or_default(),
                dense.get(n.id.as_str()).copied().unwrap_or(0).to_string(),
            ];
            attvalues(out, &NODE_ATTRIBUTES, &values)?;
            let st = style(n.etype);
            let (r, g, b) = st.rgb;
            let d = degree.get(n.id.as_str()).copied().unwrap_or(0) as f64;
            let (x, y) = positions.get(&n.id).copied().unwrap_or((0.0, 0.0));
            writeln!(out, "        <viz:color r=\"{r}\" g=\"{g}\" b=\"{b}\"/>")?;
            writeln!(
                out,
                "        <viz:size value=\"{}\"/>",
                number(8.0 + 4.0 * d.sqrt(), 2)
            )?;
            writeln!(
                out,
                "        <viz:position x=\"{}\" y=\"{}\" z=\"0\"/>",
                number(x, 3),
                number(y, 3)
            )?;
            writeln!(out, "        <viz:shape value=\"{}\"/>", st.gexf_shape)?;
            writeln!(out, "      </node>")?;
        }
        writeln!(out, "    </nodes>")?;
        writeln!(out, "    <edges count=\"{}\">", edges.len())?;
        for (i, e) in edges.iter().enumerate() {
            let relation = clean(&e.edge.relation);
            let rel = escape(&relation, true);
            writeln!(
                out,
                "      <edge id=\"e{i}\" source=\"{}\" target=\"{}\" label=\"{rel}\" kind=\"{rel}\" weight=\"{}\">",
                escape(&clean(e.source), true),
                escape(&clean(e.target), true),
                e.edge.weight()
            )?;
            let values = [
                relation.clone(),
                e.edge.certainty.as_str().to_string(),
                evidence_summary(e.edge),
                e.edge.weight().to_string(),
                join(&e.edge.docs),
            ];
            attvalues(out, &EDGE_ATTRIBUTES, &values)?;
            if e.edge.certainty == Certainty::Alleged {
                writeln!(out, "        <viz:shape value=\"dashed\"/>")?;
            }
            writeln!(out, "      </edge>")?;
        }
        writeln!(out, "    </edges>")?;
        writeln!(out, "  </graph>")?;
        writeln!(out, "</gexf>")
    }
}

fn attvalues(
    out: &mut dyn Write,
    attributes: &[(&str, &str)],
    values: &[String],
) -> io::Result<()> {
    writeln!(out, "        <attvalues>")?;
    for ((id, _), value) in attributes.iter().zip(values) {
        writeln!(
            out,
            "          <attvalue for=\"{id}\" value=\"{}\"/>",
            escape(value, true)
        )?;
    }
    writeln!(out, "        </attvalues>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{EntityType, Node};

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
