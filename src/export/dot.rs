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

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::ops::Range;

use super::values::{clean_if, number, style, truncate, Uint};
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
    write_quoted_if(out, s, false)
}

/// Writes [`quote`]`(s)`, not cleaning `s` again when it is known to be clean.
fn write_quoted_if<W: Write + ?Sized>(out: &mut W, s: &str, known_clean: bool) -> io::Result<()> {
    let s = clean_if(s, known_clean);
    // The common case: nothing to escape and short enough to be one piece. (After `clean`, tab
    // is the only control character left.)
    if s.len() <= CHUNK_BYTES && !needs_escapes(s.as_bytes()) {
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

/// Whether `s` holds a byte [`write_quoted_if`] escapes: `\\`, `"`, line feed or tab.
fn needs_escapes(bytes: &[u8]) -> bool {
    let special = |b: &u8| matches!(b, b'\\' | b'"' | b'\n' | b'\t');
    // Sixteen bytes at a time where SSE2 is at hand (exact), then one at a time.
    let (rest, bits) = super::scan::block_with(bytes, 0, 0, b"\\\"\n\t");
    if bits != 0 {
        return true;
    }
    let has = super::scan::word_has;
    let clear = super::scan::rest_clear(bytes, rest, |w| {
        has(w, b'\\') | has(w, b'"') | has(w, b'\n') | has(w, b'\t')
    });
    !clear && bytes[rest..].iter().any(special)
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
            penwidths: (0..64).map(penwidth).collect(),
        }))
    }
}

/// `graph.dot` being written (see [`FileWriter`]).
struct DotFile<'v> {
    out: BufWriter<&'v mut dyn Write>,
    view: &'v GraphView<'v>,
    tooltip: String,
    /// [`penwidth`] of the weights most edges have, worked out once.
    penwidths: Vec<String>,
}

/// The pen width of an edge of `weight` evidence items.
fn penwidth(weight: usize) -> String {
    number(1.0 + (weight as f64).ln(), 2)
}

impl FileWriter for DotFile<'_> {
    fn nodes(&mut self, rows: Range<usize>) -> io::Result<()> {
        let out = &mut self.out;
        let start = rows.start;
        for (i, n) in self.view.nodes[rows].iter().enumerate() {
            let c = self.view.node_clean(start + i);
            let st = style(n.etype);
            let label = clean_if(&n.label, c);
            let label = truncate(&label, LABEL_CHARS);
            // A label cut short is cleaned once more (as the whole one would be, were it not
            // known to be clean: cleaning twice changes nothing).
            let label_clean = c && matches!(label, Cow::Borrowed(_));
            out.write_all(b"  ")?;
            write_quoted_if(out, &n.id, c)?;
            out.write_all(b" [label=")?;
            write_quoted_if(out, &label, label_clean)?;
            out.write_all(b", shape=\"")?;
            out.write_all(st.dot_shape.as_bytes())?;
            out.write_all(b"\", fillcolor=\"")?;
            out.write_all(st.hex().as_bytes())?;
            out.write_all(b"\", tooltip=")?;
            let tooltip = &mut self.tooltip;
            tooltip.clear();
            tooltip.push_str(&label);
            tooltip.push_str(" (");
            tooltip.push_str(n.etype.as_str());
            tooltip.push(')');
            write_quoted_if(out, tooltip, label_clean)?;
            out.write_all(b"];\n")?;
        }
        Ok(())
    }

    fn edges(&mut self, rows: Range<usize>) -> io::Result<()> {
        let out = &mut self.out;
        let start = rows.start;
        for (i, e) in self.view.edges[rows].iter().enumerate() {
            let c = self.view.edge_clean(start + i);
            let weight = e.edge.weight().max(1);
            out.write_all(b"  ")?;
            write_quoted_if(out, e.source, c)?;
            out.write_all(b" -> ")?;
            write_quoted_if(out, e.target, c)?;
            out.write_all(b" [id=\"e")?;
            out.write_all(Uint::of(start + i).as_bytes())?;
            out.write_all(b"\", label=")?;
            write_quoted(out, &truncate(&clean_if(&e.edge.relation, c), LABEL_CHARS))?;
            out.write_all(b", penwidth=")?;
            match self.penwidths.get(weight) {
                Some(width) => out.write_all(width.as_bytes())?,
                None => out.write_all(penwidth(weight).as_bytes())?,
            }
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
