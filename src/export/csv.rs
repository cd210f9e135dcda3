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

use super::outbuf::OutBuf;
use super::values::{
    clean, clean_if, date_interval, edge_id, push_evidence_summary, push_join_if, Uint,
};
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

/// [`safe_cell`] of `s`, not checked again when it is known to be clean.
fn safe_cell_if(s: &str, known_clean: bool) -> Cow<'_, str> {
    formula_safe(clean_if(s, known_clean))
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

/// A CSV file being written, with the settings every CSV we write shares: `,` between
/// fields, `\n` after each record, a field quoted only when it holds `,`, `"`, `\r` or `\n`
/// (quotes doubled inside), as the `csv` crate writes with its defaults and `\n` records. By
/// hand into one buffer: a clean field is one copy, with no state machine per field.
pub(crate) struct CsvOut<'a> {
    o: OutBuf<'a>,
    /// Whether the record being written has a field yet.
    started: bool,
    /// Whether no byte of the record being written is written yet.
    empty: bool,
}

impl<'a> CsvOut<'a> {
    pub fn new(out: &'a mut dyn Write) -> CsvOut<'a> {
        CsvOut {
            o: OutBuf::new(out),
            started: false,
            empty: true,
        }
    }

    /// Appends a field to the record being written.
    pub fn field(&mut self, s: &str) {
        if self.started {
            self.o.byte(b',');
            self.empty = false;
        }
        self.started = true;
        let bytes = s.as_bytes();
        self.empty &= bytes.is_empty();
        if !needs_quotes(bytes) {
            self.o.bytes(bytes);
            return;
        }
        self.o.byte(b'"');
        let mut run = 0;
        for i in memchr::memchr_iter(b'"', bytes) {
            // The quote is copied twice: at the end of this run and at the start of the next.
            self.o.bytes(&bytes[run..=i]);
            run = i;
        }
        self.o.bytes(&bytes[run..]);
        self.o.byte(b'"');
    }

    /// Ends the record being written. A record without a byte (one empty field, or none) is
    /// written `""`: an empty line would read as no record.
    pub fn end_record(&mut self) -> io::Result<()> {
        if self.empty {
            self.o.bytes(b"\"\"");
        }
        self.o.byte(b'\n');
        self.started = false;
        self.empty = true;
        self.o.spill()
    }

    /// A whole record.
    pub fn record(&mut self, fields: &[&str]) -> io::Result<()> {
        for f in fields {
            self.field(f);
        }
        self.end_record()
    }

    /// Writes what is left and flushes the output.
    pub fn finish(&mut self) -> io::Result<()> {
        self.o.finish()
    }
}

/// Whether a field must be quoted: it holds `,`, `"`, `\r` or `\n`.
fn needs_quotes(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let special = |b: u8| matches!(b, b',' | b'"' | b'\r' | b'\n');
    // Sixteen bytes at a time where SSE2 is at hand (exact), then the rest eight at a time.
    let (rest, bits) = super::scan::block_with(bytes, 0, 0, b",\"\r\n");
    if bits != 0 {
        return true;
    }
    let has = super::scan::word_has;
    if super::scan::rest_clear(bytes, rest, |w| {
        has(w, b',') | has(w, b'"') | has(w, b'\r') | has(w, b'\n')
    }) {
        return false;
    }
    let mut words = bytes[rest..].chunks_exact(8);
    for chunk in &mut words {
        let w = crate::text::load8(chunk, 0);
        let has = |b: u8| {
            let x = w ^ (ONES * u64::from(b));
            x.wrapping_sub(ONES) & !x & HIGH
        };
        // Exact or too often (then the bytes are looked at one by one), never too rarely.
        if has(b',') | has(b'"') | has(b'\r') | has(b'\n') != 0 && chunk.iter().any(|&b| special(b))
        {
            return true;
        }
    }
    words.remainder().iter().any(|&b| special(b))
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
        let mut w = CsvOut::new(out);
        match file {
            "nodes.csv" => {
                w.record(&NODE_HEADER)?;
                Ok(Box::new(Nodes(Table::new(w, view))))
            }
            "edges.csv" => {
                w.record(&EDGE_HEADER)?;
                Ok(Box::new(Edges(Table::new(w, view))))
            }
            _ => Err(no_such_file(self.name(), file)),
        }
    }
}

/// A CSV file of a graph being written, and the buffers its rows reuse.
pub(crate) struct Table<'v> {
    pub w: CsvOut<'v>,
    pub view: &'v GraphView<'v>,
    pub list: String,
    pub id: String,
}

impl<'v> Table<'v> {
    pub fn new(w: CsvOut<'v>, view: &'v GraphView<'v>) -> Table<'v> {
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
            let c = view.node_clean(dense);
            w.field(&clean_if(&n.id, c));
            w.field(&safe_cell_if(&n.label, c));
            w.field(n.etype.as_str());
            list.clear();
            push_join_if(list, &n.aliases, c);
            w.field(&safe_list(list));
            w.field(Uint::new(n.mentions).as_str());
            list.clear();
            push_join_if(list, &n.docs, c);
            w.field(&safe_list(list));
            w.field(&safe_cell_if(n.date.as_deref().unwrap_or(""), c));
            w.field(&interval);
            w.field(&safe_cell_if(n.place.as_deref().unwrap_or(""), c));
            w.field(Uint::of(dense).as_str());
            w.end_record()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.0.w.finish()
    }
}

/// `edges.csv` being written (see [`FileWriter`]).
struct Edges<'v>(Table<'v>);

impl FileWriter for Edges<'_> {
    fn edges(&mut self, rows: Range<usize>) -> io::Result<()> {
        let Table { w, view, list, id } = &mut self.0;
        for i in rows {
            let e = &view.edges[i];
            let c = view.edge_clean(i);
            let relation = safe_cell_if(&e.edge.relation, c);
            let weight = Uint::of(e.edge.weight());
            let weight = weight.as_str();
            w.field(&clean_if(e.source, c));
            w.field(&clean_if(e.target, c));
            w.field("Directed");
            w.field(edge_id(id, i));
            w.field(&relation);
            w.field(weight);
            w.field(&relation);
            w.field(e.edge.certainty.as_str());
            list.clear();
            push_evidence_summary(list, e.edge);
            w.field(&safe_list(list));
            w.field(weight);
            list.clear();
            push_join_if(list, &e.edge.docs, c);
            w.field(&safe_list(list));
            w.end_record()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.0.w.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes the `csv` crate writes for `records` with the settings [`CsvOut`] copies.
    fn csv_crate(records: &[Vec<&str>]) -> Vec<u8> {
        let mut w = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::Any(b'\n'))
            .flexible(true)
            .from_writer(Vec::new());
        for r in records {
            w.write_record(r).unwrap();
        }
        w.into_inner().unwrap()
    }

    #[test]
    fn fields_are_written_as_the_csv_crate_writes_them() {
        let cells = [
            "",
            "plain",
            "a,b",
            "say \"hi\"",
            "\"",
            "\"\"",
            "line\nfeed",
            "cr\rx",
            "tab\tx",
            "ünïcödé ’ 🙂",
            "exactly8",
            "0123456789abcdef,",
            "0123456789abcdef\"0123456789",
            "'=x",
            " lead and trail ",
        ];
        let mut records: Vec<Vec<&str>> = vec![vec![], vec![""], vec!["", ""], vec!["x"]];
        for a in cells {
            records.push(vec![a]);
            for b in cells {
                records.push(vec![a, b, "z"]);
            }
        }
        let mut ours = Vec::new();
        let mut w = CsvOut::new(&mut ours);
        for r in &records {
            w.record(r).unwrap();
        }
        w.finish().unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(csv_crate(&records)).unwrap()
        );
        // Every special byte at every offset of a field that spans words and a remainder.
        for b in [b',', b'"', b'\r', b'\n', b'\t', b' ', b'\''] {
            for len in [1, 7, 8, 9, 16, 23] {
                for at in 0..len {
                    let mut s = vec![b'a'; len];
                    s[at] = b;
                    let s = String::from_utf8(s).unwrap();
                    assert_eq!(
                        needs_quotes(s.as_bytes()),
                        matches!(b, b',' | b'"' | b'\r' | b'\n'),
                        "{s:?}"
                    );
                }
            }
        }
    }

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
