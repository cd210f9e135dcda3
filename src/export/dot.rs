//! `graph.dot`: a Graphviz digraph.
//!
//! ```text
//! digraph "kgraph" {
//!   graph [charset="UTF-8", label="<legend>", labelloc="t", labeljust="l", ...];
//!   node [style="filled", ...];
//!   "<node id>" [label="<label, cut to 80 chars>", shape="<by type>", fillcolor="<by type>", tooltip="<label> (<type>)"];
//!   "<source id>" -> "<target id>" [id="e<i>", label="<relation>", penwidth=<1 + ln weight>, style="dashed" (alleged only)];
//! }
//! ```
//! Non-strict (parallel edges of different relations stay). Every id and value goes through
//! [`quote`]: quoted, `\` `"` and newlines escaped, control characters dropped, and strings longer
//! than Graphviz's 16 kB token limit split into `"…" + "…"` concatenations, so ids are never cut.
//! The legend lives in the graph label, not in extra nodes, so node counts stay exact. Graphs of
//! [`SFDP_FROM`] nodes or more ask for the `sfdp` engine (`layout="sfdp"`) themselves.

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::ops::Range;

use super::values::{clean, number, style, truncate, Uint};
use super::{no_such_file, Exporter, FileWriter, GraphView};
use crate::graph::{Certainty, EntityType, KnowledgeGraph};

pub struct Dot;

/// Longest display label, in characters (the full text is in the other formats).
pub const LABEL_CHARS: usize = 80;

/// Node count from which the file asks Graphviz for the `sfdp` layout.
pub const SFDP_FROM: usize = 300;

/// Largest piece of one quoted string; Graphviz rejects quoted strings over 16,384 bytes.
const CHUNK_BYTES: usize = 8_000;

/// `s` as a DOT double-quoted string: cleaned, `\` → `\\`, `"` → `\"`, newline → `\n`, other
/// control characters dropped; long strings become `"…" + "…"`, which Graphviz concatenates.
pub fn quote(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len() + 2);
    write_quoted(&mut out, s).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("quoting keeps UTF-8")
}

/// Writes [`quote`]`(s)`.
fn write_quoted<W: Write + ?Sized>(out: &mut W, s: &str) -> io::Result<()> {
    let s = clean(s);
    // The common case: nothing to escape and short enough to be one piece. (After `clean`, tab
    // is the only control character left.)
    if s.len() <= CHUNK_BYTES && !s.bytes().any(|b| matches!(b, b'\\' | b'"' | b'\n' | b'\t')) {
        out.write_all(b"\"")?;
        out.write_all(s.as_bytes())?;
        return out.write_all(b"\"");
    }
    let mut quoted = String::with_capacity(s.len() + 2);
    quoted.push('"');
    let mut chunk = 0;
    for c in s.chars() {
        let mut buf = [0u8; 4];
        let piece: &str = match c {
            '\\' => "\\\\",
            '"' => "\\\"",
            '\n' => "\\n",
            c if c.is_control() => continue,
            c => c.encode_utf8(&mut buf),
        };
        if chunk + piece.len() > CHUNK_BYTES {
            quoted.push_str("\" + \"");
            chunk = 0;
        }
        chunk += piece.len();
        quoted.push_str(piece);
    }
    quoted.push('"');
    out.write_all(quoted.as_bytes())
}

impl Exporter for Dot {
    fn name(&self) -> &'static str {
        "dot"
    }
    fn file_name(&self) -> &'static str {
        "graph.dot"
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
        let graph = view.graph;
        let mut out = BufWriter::with_capacity(1 << 16, out);
        writeln!(out, "digraph \"kgraph\" {{")?;
        let mut graph_attrs = vec![
            ("charset", quote("UTF-8")),
            ("label", quote(&legend(graph))),
            ("labelloc", quote("t")),
            ("labeljust", quote("l")),
            ("fontname", quote("Helvetica")),
            ("fontsize", "12".into()),
            ("outputorder", quote("edgesfirst")),
        ];
        if view.nodes.len() >= SFDP_FROM {
            graph_attrs.extend([
                ("layout", quote("sfdp")),
                ("overlap", quote("prism")),
                ("splines", quote("false")),
            ]);
        }
        writeln!(out, "  graph [{}];", attrs(&graph_attrs))?;
        writeln!(
            out,
            "  node [style=\"filled\", fontname=\"Helvetica\", fontsize=10, color=\"#555555\"];"
        )?;
        writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#555555\", fontcolor=\"#333333\"];")?;
        Ok(Box::new(DotFile {
            out,
            view,
            tooltip: String::new(),
        }))
    }
}

/// `graph.dot` being written (see [`FileWriter`]).
struct DotFile<'v> {
    out: BufWriter<&'v mut dyn Write>,
    view: &'v GraphView<'v>,
    tooltip: String,
}

impl FileWriter for DotFile<'_> {
    fn nodes(&mut self, rows: Range<usize>) -> io::Result<()> {
        let out = &mut self.out;
        for n in &self.view.nodes[rows] {
            let st = style(n.etype);
            let label = clean(&n.label);
            let label = truncate(&label, LABEL_CHARS);
            out.write_all(b"  ")?;
            write_quoted(out, &n.id)?;
            out.write_all(b" [label=")?;
            write_quoted(out, &label)?;
            write!(
                out,
                ", shape=\"{}\", fillcolor=\"{}\", tooltip=",
                st.dot_shape,
                st.hex()
            )?;
            let tooltip = &mut self.tooltip;
            tooltip.clear();
            tooltip.push_str(&label);
            tooltip.push_str(" (");
            tooltip.push_str(n.etype.as_str());
            tooltip.push(')');
            write_quoted(out, tooltip)?;
            out.write_all(b"];\n")?;
        }
        Ok(())
    }

    fn edges(&mut self, rows: Range<usize>) -> io::Result<()> {
        let out = &mut self.out;
        let start = rows.start;
        for (i, e) in self.view.edges[rows].iter().enumerate() {
            let weight = e.edge.weight().max(1) as f64;
            out.write_all(b"  ")?;
            write_quoted(out, e.source)?;
            out.write_all(b" -> ")?;
            write_quoted(out, e.target)?;
            out.write_all(b" [id=\"e")?;
            out.write_all(Uint::of(start + i).as_str().as_bytes())?;
            out.write_all(b"\", label=")?;
            write_quoted(out, &truncate(&clean(&e.edge.relation), LABEL_CHARS))?;
            out.write_all(b", penwidth=")?;
            out.write_all(number(1.0 + weight.ln(), 2).as_bytes())?;
            if e.edge.certainty == Certainty::Alleged {
                out.write_all(b", style=\"dashed\"")?;
            }
            out.write_all(b"];\n")?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        writeln!(self.out, "}}")?;
        self.out.flush()
    }
}

fn attrs(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The legend: counts, then how each type is drawn, then what edges mean.
fn legend(graph: &KnowledgeGraph) -> String {
    let counts: BTreeMap<EntityType, usize> = graph.counts_by_type();
    let mut lines = vec![format!(
        "kgraph: {} nodes, {} edges",
        graph.node_count(),
        graph.edge_count()
    )];
    for t in EntityType::ALL {
        let st = style(t);
        lines.push(format!(
            "{t}: {} {} ({})",
            st.dot_shape,
            st.hex(),
            counts.get(&t).copied().unwrap_or(0)
        ));
    }
    lines.push("edge label = relation, width = evidence count, dashed = alleged".into());
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_table() {
        for (input, expected) in [
            ("plain", "\"plain\""),
            ("node", "\"node\""),
            ("person:a-b", "\"person:a-b\""),
            ("say \"hi\"", "\"say \\\"hi\\\"\""),
            ("back\\slash\\", "\"back\\\\slash\\\\\""),
            ("two\nlines\r\nthree", "\"two\\nlines\\nthree\""),
            ("ctl\u{1}\u{7}\t", "\"ctl\""),
            ("🙂 עברית", "\"🙂 עברית\""),
        ] {
            assert_eq!(quote(input), expected, "{input:?}");
        }
    }

    #[test]
    fn long_strings_are_split_into_concatenated_pieces() {
        let s = "\\".repeat(10_000);
        let q = quote(&s);
        let pieces: Vec<&str> = q.split("\" + \"").collect();
        assert_eq!(pieces.len(), 3);
        assert!(pieces.iter().all(|p| p.len() <= CHUNK_BYTES + 1));
        // No piece ends in the middle of an escape.
        assert_eq!(q.matches('\\').count(), 20_000);
    }
}
