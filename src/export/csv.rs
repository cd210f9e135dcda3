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

use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::Range;

use super::values::{clean, date_interval, edge_id, push_evidence_summary, push_join, Uint};
use super::{no_such_file, Exporter, FileWriter, GraphView};

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
pub fn safe_cell(s: &str) -> Cow<'_, str> {
    formula_safe(clean(s))
}

/// [`safe_cell`] of a list built from cleaned items ([`push_join`], [`push_evidence_summary`]):
/// already clean, as cleaned items joined by a separator of plain ASCII are, so not scanned again.
fn safe_list(list: &str) -> Cow<'_, str> {
    debug_assert_eq!(clean(list), list);
    formula_safe(Cow::Borrowed(list))
}

/// A cleaned cell prefixed with `'` when it would otherwise start a formula.
fn formula_safe(s: Cow<'_, str>) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        s
    }
}

/// A CSV writer with the settings every CSV we write shares.
pub(crate) fn writer<W: Write>(out: W) -> ::csv::Writer<W> {
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .buffer_capacity(1 << 16)
        .from_writer(out)
}

/// Ends the record whose fields were written one by one with `write_field`.
pub(crate) fn end_record<W: Write>(w: &mut ::csv::Writer<W>) -> ::csv::Result<()> {
    w.write_record(None::<&[u8]>)
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
    fn open<'v>(
        &self,
        file: &str,
        view: &'v GraphView<'v>,
        out: &'v mut dyn Write,
    ) -> io::Result<Box<dyn FileWriter + 'v>> {
        let mut w = writer(out);
        match file {
            "nodes.csv" => {
                w.write_record(NODE_HEADER)?;
                Ok(Box::new(Nodes(Table::new(w, view))))
            }
            "edges.csv" => {
                w.write_record(EDGE_HEADER)?;
                Ok(Box::new(Edges(Table::new(w, view))))
            }
            _ => Err(no_such_file(self.name(), file)),
        }
    }
}

/// A CSV file of a graph being written, and the buffers its rows reuse.
pub(crate) struct Table<'v> {
    pub w: ::csv::Writer<&'v mut dyn Write>,
    pub view: &'v GraphView<'v>,
    pub list: String,
    pub id: String,
}

impl<'v> Table<'v> {
    pub fn new(w: ::csv::Writer<&'v mut dyn Write>, view: &'v GraphView<'v>) -> Table<'v> {
        Table {
            w,
            view,
            list: String::new(),
            id: String::new(),
        }
    }
}

/// `nodes.csv` being written (see [`FileWriter`]).
struct Nodes<'v>(Table<'v>);

impl FileWriter for Nodes<'_> {
    fn nodes(&mut self, rows: Range<usize>) -> io::Result<()> {
        let Table { w, view, list, .. } = &mut self.0;
        for dense in rows {
            let n = view.nodes[dense];
            let interval = n
                .date
                .as_deref()
                .and_then(date_interval)
                .map(|(a, b)| format!("<[{a},{b}]>"))
                .unwrap_or_default();
            w.write_field(&*clean(&n.id))?;
            w.write_field(&*safe_cell(&n.label))?;
            w.write_field(n.etype.as_str())?;
            list.clear();
            push_join(list, &n.aliases);
            w.write_field(&*safe_list(list))?;
            w.write_field(Uint::new(n.mentions).as_str())?;
            list.clear();
            view.push_docs(list, &n.docs);
            w.write_field(&*safe_list(list))?;
            w.write_field(&*safe_cell(n.date.as_deref().unwrap_or("")))?;
            w.write_field(interval)?;
            w.write_field(&*safe_cell(n.place.as_deref().unwrap_or("")))?;
            w.write_field(Uint::of(dense).as_str())?;
            end_record(w)?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.0.w.flush()
    }
}

/// `edges.csv` being written (see [`FileWriter`]).
struct Edges<'v>(Table<'v>);

impl FileWriter for Edges<'_> {
    fn edges(&mut self, rows: Range<usize>) -> io::Result<()> {
        let Table { w, view, list, id } = &mut self.0;
        for i in rows {
            let e = &view.edges[i];
            let relation = safe_cell(&e.edge.relation);
            let weight = Uint::of(e.edge.weight());
            let weight = weight.as_str();
            w.write_field(&*clean(e.source))?;
            w.write_field(&*clean(e.target))?;
            w.write_field("Directed")?;
            w.write_field(edge_id(id, i))?;
            w.write_field(&*relation)?;
            w.write_field(weight)?;
            w.write_field(&*relation)?;
            w.write_field(e.edge.certainty.as_str())?;
            list.clear();
            push_evidence_summary(list, e.edge);
            w.write_field(&*safe_list(list))?;
            w.write_field(weight)?;
            list.clear();
            view.push_docs(list, &e.edge.docs);
            w.write_field(&*safe_list(list))?;
            end_record(w)?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.0.w.flush()
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
