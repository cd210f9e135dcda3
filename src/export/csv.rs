//! `nodes.csv` and `edges.csv`: Gephi's spreadsheet import (also pandas, NetworkX
//! `from_pandas_edgelist`, igraph `Graph.DataFrame`).
//!
//! ```text
//! nodes.csv  Id,Label,Type,Aliases,Mentions,Documents,Date,Interval,Place,DenseId
//! edges.csv  Source,Target,Type,Id,Label,Weight,Relation,Certainty,Evidence,EvidenceCount,Documents
//! ```
//! UTF-8 without BOM, LF line ends, RFC 4180 quoting (a cell with a comma, quote or newline is
//! quoted, quotes doubled). Lists are joined with `;`; `Evidence` keeps the first 3 sentences
//! joined with ` | ` and `EvidenceCount` the total; edge `Type` is always `Directed`, `Label` and
//! `Relation` the relation, `Weight` the evidence count. `Interval` is Gephi's time interval
//! `<[start,end]>` of an event date (full dates), empty when there is none.
//!
//! A text cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab
//! or carriage return) is written with a leading `'`, as OWASP advises; ids and numbers never
//! start that way.

use std::io::{self, Write};

use super::values::{clean, date_interval, evidence_summary, join};
use super::Exporter;
use crate::graph::KnowledgeGraph;

pub struct GephiCsv;

pub const NODE_HEADER: [&str; 10] = [
    "Id",
    "Label",
    "Type",
    "Aliases",
    "Mentions",
    "Documents",
    "Date",
    "Interval",
    "Place",
    "DenseId",
];
pub const EDGE_HEADER: [&str; 11] = [
    "Source",
    "Target",
    "Type",
    "Id",
    "Label",
    "Weight",
    "Relation",
    "Certainty",
    "Evidence",
    "EvidenceCount",
    "Documents",
];

/// A text cell made safe to open in a spreadsheet: cleaned, and prefixed with `'` when it would
/// otherwise start a formula.
pub fn safe_cell(s: &str) -> String {
    let s = clean(s);
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s
    }
}

/// A CSV writer with the settings every CSV we write shares.
pub(crate) fn writer(out: &mut dyn Write) -> ::csv::Writer<&mut dyn Write> {
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

impl Exporter for GephiCsv {
    fn name(&self) -> &'static str {
        "csv"
    }
    fn file_name(&self) -> &'static str {
        "nodes.csv"
    }
    fn extra_files(&self) -> &'static [&'static str] {
        &["edges.csv"]
    }
    fn write(&self, graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
        let dense = graph.dense_ids();
        let mut w = writer(out);
        w.write_record(NODE_HEADER)?;
        for n in graph.nodes() {
            let interval = n
                .date
                .as_deref()
                .and_then(date_interval)
                .map(|(a, b)| format!("<[{a},{b}]>"))
                .unwrap_or_default();
            w.write_record([
                clean(&n.id),
                safe_cell(&n.label),
                n.etype.as_str().to_string(),
                safe_cell(&join(&n.aliases)),
                n.mentions.to_string(),
                safe_cell(&join(&n.docs)),
                safe_cell(n.date.as_deref().unwrap_or("")),
                interval,
                safe_cell(n.place.as_deref().unwrap_or("")),
                dense.get(n.id.as_str()).copied().unwrap_or(0).to_string(),
            ])?;
        }
        w.flush()
    }
    fn write_extra(
        &self,
        file: &str,
        graph: &KnowledgeGraph,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        if file != "edges.csv" {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("csv writes no file {file}"),
            ));
        }
        let mut w = writer(out);
        w.write_record(EDGE_HEADER)?;
        for (i, e) in graph.edges().iter().enumerate() {
            let relation = safe_cell(&e.edge.relation);
            w.write_record([
                clean(e.source),
                clean(e.target),
                "Directed".to_string(),
                format!("e{i}"),
                relation.clone(),
                e.edge.weight().to_string(),
                relation,
                e.edge.certainty.as_str().to_string(),
                safe_cell(&evidence_summary(e.edge)),
                e.edge.weight().to_string(),
                safe_cell(&join(&e.edge.docs)),
            ])?;
        }
        w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_cell_table() {
        for (input, expected) in [
            ("Maduro", "Maduro"),
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("a=b", "a=b"),
            ("\u{1}=x", "'=x"),
        ] {
            assert_eq!(safe_cell(input), expected, "{input:?}");
        }
    }
}
