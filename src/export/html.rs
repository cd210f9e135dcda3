//! `graph.html`: one self-contained page that draws the graph, for any browser, offline.
//!
//! The page is `html/template.html` with `html/view.css` and `html/view.js` inlined (no
//! network, no CDN; a Content-Security-Policy forbids every fetch) and the graph as JSON in
//! `<script type="application/json" id="kgraph-data">`:
//!
//! ```text
//! {"graph": {"name": "kgraph", "generator": "kgraph <version>", "documents": N},
//!  "nodes": [{"id", "label", "type", "aliases": [..], "docs": [..], "mentions", "x", "y",
//!             ("date", "place")}],
//!  "edges": [{"source", "target", "relation", "weight", "certainty",
//!             "evidence": [{"doc", "text"}] (at most 5), "evidence_total"}]}
//! ```
//! Nodes are sorted by id, edges by (source, relation, target); `x`, `y` come from
//! [`crate::layout::positions`] (the same as GEXF and GraphML), with y pointing up. Inside the
//! JSON, `<`, `>`, `&`, U+2028 and U+2029 are written as `\u003c`, `\u003e`, `\u0026`, `\u2028`,
//! `\u2029`, so no text from an article can close the script element.

use std::io::{self, Write};
use std::ops::Range;

use super::outbuf::OutBuf;
use super::{no_such_file, Exporter, FileWriter, GraphView};
/// Evidence sentences embedded per edge (the total count is always given).
pub const EVIDENCE_SHOWN: usize = 5;

const TEMPLATE: &str = include_str!("html/template.html");
const CSS: &str = include_str!("html/view.css");
const JS: &str = include_str!("html/view.js");

pub struct Html;

impl Exporter for Html {
    fn name(&self) -> &'static str {
        "html"
    }
    fn file_name(&self) -> &'static str {
        "graph.html"
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
        let graph = view.graph;
        let title = html_escape(&format!(
            "kgraph: {} entities, {} relations",
            graph.node_count(),
            graph.edge_count()
        ));
        let (before, after) = TEMPLATE
            .split_once(DATA_SLOT)
            .ok_or_else(|| bad_template("no data slot"))?;
        // Checked before anything is written: a bad slot after the data fails the same way.
        fill_slots(&mut io::sink(), after, &title)?;
        let mut data = DataWriter::new(view, out);
        fill_slots(&mut data.o, before, &title)?;
        data.head();
        Ok(Box::new(Page { data, title, after }))
    }
}

/// The slot of the template the data goes in.
const DATA_SLOT: &str = "{{data}}";

/// `graph.html` being written: the template up to the data slot is written first, the data
/// row by row, then the rest of the template.
struct Page<'v> {
    data: DataWriter<'v>,
    title: String,
    after: &'static str,
}

impl FileWriter for Page<'_> {
    fn nodes(&mut self, rows: Range<usize>) -> io::Result<()> {
        self.data.nodes(rows)
    }
    fn between(&mut self) -> io::Result<()> {
        self.data.between();
        Ok(())
    }
    fn edges(&mut self, rows: Range<usize>) -> io::Result<()> {
        self.data.edges(rows)
    }
    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.data.tail();
        fill_slots(&mut self.data.o, self.after, &self.title)?;
        self.data.o.finish()
    }
}

/// The page's data as `serde_json` writes `oracle::ViewData` through `oracle::ScriptSafe`
/// (compact, floats as `ryu` prints them), written by hand into one buffer: the structs stay,
/// as the specification the tests hold this writer to.
#[cfg(test)]
pub(crate) fn write_data(view: &GraphView<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut data = DataWriter::new(view, out);
    data.head();
    data.nodes(0..view.nodes.len())?;
    data.between();
    data.edges(0..view.edges.len())?;
    data.tail();
    data.o.finish()
}

/// The page's data being written, a block of rows at a time.
struct DataWriter<'v> {
    o: OutBuf<'v>,
    view: &'v GraphView<'v>,
}

impl<'v> DataWriter<'v> {
    fn new(view: &'v GraphView<'v>, out: &'v mut dyn Write) -> DataWriter<'v> {
        DataWriter {
            o: OutBuf::new(out),
            view,
        }
    }

    fn head(&mut self) {
        let o = &mut self.o;
        o.str(r#"{"graph":{"name":"kgraph","generator":"#);
        o.script_json_str(concat!("kgraph ", env!("CARGO_PKG_VERSION")));
        o.str(r#","documents":"#);
        o.uint(self.view.graph.meta.documents);
        o.str(r#"},"nodes":["#);
    }

    fn nodes(&mut self, rows: Range<usize>) -> io::Result<()> {
        let o = &mut self.o;
        let start = rows.start;
        let positions = &self.view.positions()[rows.clone()];
        for (i, (n, &(x, y))) in self.view.nodes[rows].iter().zip(positions).enumerate() {
            o.str(if start + i > 0 {
                r#",{"id":"#
            } else {
                r#"{"id":"#
            });
            o.script_json_str(&n.id);
            o.str(r#","label":"#);
            o.script_json_str(&n.label);
            o.str(r#","type":"#);
            o.script_json_str(n.etype.as_str());
            o.str(r#","aliases":"#);
            strings(o, &mut n.aliases.iter().map(|a| a.as_str()));
            o.str(r#","docs":"#);
            strings(o, &mut n.docs.iter().map(|d| d.as_str()));
            o.str(r#","mentions":"#);
            o.uint(n.mentions);
            o.str(r#","x":"#);
            float(o, x);
            o.str(r#","y":"#);
            float(o, y);
            if let Some(date) = &n.date {
                o.str(r#","date":"#);
                o.script_json_str(date);
            }
            if let Some(place) = &n.place {
                o.str(r#","place":"#);
                o.script_json_str(place);
            }
            o.byte(b'}');
            o.spill()?;
        }
        Ok(())
    }

    fn between(&mut self) {
        self.o.str(r#"],"edges":["#);
    }

    fn edges(&mut self, rows: Range<usize>) -> io::Result<()> {
        let o = &mut self.o;
        let start = rows.start;
        for (i, e) in self.view.edges[rows].iter().enumerate() {
            o.str(if start + i > 0 {
                r#",{"source":"#
            } else {
                r#"{"source":"#
            });
            o.script_json_str(e.source);
            o.str(r#","target":"#);
            o.script_json_str(e.target);
            o.str(r#","relation":"#);
            o.script_json_str(&e.edge.relation);
            o.str(r#","weight":"#);
            o.uint(e.edge.weight() as u64);
            o.str(r#","certainty":"#);
            o.script_json_str(e.edge.certainty.as_str());
            o.str(r#","evidence":["#);
            for (k, ev) in e.edge.evidence.iter().take(EVIDENCE_SHOWN).enumerate() {
                o.str(if k > 0 { r#",{"doc":"# } else { r#"{"doc":"# });
                o.script_json_str(&ev.doc);
                o.str(r#","text":"#);
                o.script_json_str(&ev.text);
                o.byte(b'}');
            }
            o.str(r#"],"evidence_total":"#);
            o.uint(e.edge.evidence.len() as u64);
            o.byte(b'}');
            o.spill()?;
        }
        Ok(())
    }

    fn tail(&mut self) {
        self.o.str("]}");
    }
}

/// A JSON list of strings, script-safe.
fn strings(o: &mut OutBuf<'_>, items: &mut dyn Iterator<Item = &str>) {
    o.byte(b'[');
    for (i, s) in items.enumerate() {
        if i > 0 {
            o.byte(b',');
        }
        o.script_json_str(s);
    }
    o.byte(b']');
}

/// A float as `ryu` prints it (as `serde_json` does), `null` when not finite.
fn float(o: &mut OutBuf<'_>, x: f64) {
    if x.is_finite() {
        o.str(ryu::Buffer::new().format_finite(x));
    } else {
        o.str("null");
    }
}

/// Text for an HTML element or attribute.
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A piece of the template with its `{{title}}`, `{{css}}` and `{{js}}` slots filled. Only the
/// template is searched for slots, never the filled-in text.
fn fill_slots(out: &mut dyn SlotOut, template: &str, title: &str) -> io::Result<()> {
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let close = rest[open..]
            .find("}}")
            .map(|c| open + c)
            .ok_or_else(|| bad_template(&rest[open..]))?;
        out.text(&rest[..open]);
        let value = match &rest[open + 2..close] {
            "title" => title,
            "css" => CSS,
            "js" => JS,
            other => return Err(bad_template(other)),
        };
        out.text(value);
        rest = &rest[close + 2..];
    }
    out.text(rest);
    Ok(())
}

/// Where [`fill_slots`] writes: the page's buffer, or nowhere (to check the template).
trait SlotOut {
    fn text(&mut self, s: &str);
}

impl SlotOut for OutBuf<'_> {
    fn text(&mut self, s: &str) {
        self.str(s);
    }
}

impl SlotOut for io::Sink {
    fn text(&mut self, _: &str) {}
}

fn bad_template(at: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "graph.html template: bad slot near {:?}",
            at.chars().take(20).collect::<String>()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Certainty, EntityType, Evidence, KnowledgeGraph, Node};

    fn page(graph: &KnowledgeGraph) -> String {
        let mut buf = Vec::new();
        Html.write(graph, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    /// The text of the data element, and the page with it cut out.
    fn data_block(page: &str) -> (&str, String) {
        let open = r#"<script type="application/json" id="kgraph-data">"#;
        let start = page.find(open).expect("data element") + open.len();
        let end = start + page[start..].find("</script>").expect("closed");
        (
            &page[start..end],
            format!("{}{}", &page[..start], &page[end..]),
        )
    }

    fn hostile_graph() -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        let mut a = Node::new(EntityType::Person, "</script><script>alert(1)</script>");
        a.aliases.insert("<!-- & \u{2028} \u{2029} -->".into());
        a.docs.insert("x</SCRIPT>.txt".into());
        let b = Node::new(EntityType::Organization, "A & B <Holdings>");
        let (ia, ib) = (a.id.clone(), b.id.clone());
        g.add_node(a);
        g.add_node(b);
        let text = "He said \"</script><img src=x onerror=alert(1)>\" \u{2028}then left.";
        let evidence = (0..7).map(|i| Evidence {
            doc: format!("d{i}"),
            start: i,
            end: i + 1,
            text: text.into(),
            rule: "r".into(),
        });
        g.add_edge(&ia, "leader_of", &ib, Certainty::Alleged, evidence);
        g
    }

    #[test]
    fn hostile_text_cannot_leave_the_data_element() {
        let page = page(&hostile_graph());
        let (data, without) = data_block(&page);
        for bad in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
            assert!(!data.contains(bad), "raw {bad:?} in the data");
        }
        // Nothing of the data leaked into the rest of the page.
        assert!(!without.contains("alert(1)"));
        // And it reads back as the same strings.
        let v: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(v["nodes"][1]["label"], "</script><script>alert(1)</script>");
        assert!(v["nodes"][1]["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "<!-- & \u{2028} \u{2029} -->"));
        assert_eq!(v["nodes"][1]["docs"][0], "x</SCRIPT>.txt");
        assert_eq!(v["nodes"][0]["label"], "A & B <Holdings>");
    }

    #[test]
    fn data_has_every_field_and_at_most_five_evidence_items() {
        let page = page(&hostile_graph());
        let v: serde_json::Value = serde_json::from_str(data_block(&page).0).unwrap();
        let node = &v["nodes"][0];
        for key in [
            "id", "label", "type", "aliases", "docs", "mentions", "x", "y",
        ] {
            assert!(!node[key].is_null(), "node field {key}");
        }
        let edge = &v["edges"][0];
        assert_eq!(edge["relation"], "leader_of");
        assert_eq!(edge["certainty"], "alleged");
        assert_eq!(edge["weight"], 7);
        assert_eq!(edge["evidence_total"], 7);
        assert_eq!(edge["evidence"].as_array().unwrap().len(), EVIDENCE_SHOWN);
        assert_eq!(edge["evidence"][0]["doc"], "d0");
    }

    #[test]
    fn the_page_is_self_contained() {
        let page = page(&hostile_graph());
        let (_, rest) = data_block(&page);
        for remote in ["http://", "https://", "//cdn", " src=", "@import", "url("] {
            assert!(!rest.contains(remote), "the page refers to {remote}");
        }
        assert!(rest.contains("Content-Security-Policy"));
        assert!(!rest.contains("{{"), "an unfilled slot");
        assert!(rest.contains("<title>kgraph: 2 entities, 1 relations</title>"));
    }

    #[test]
    fn escaping_table() {
        for (input, json, html) in [
            ("a<b", r#""a\u003cb""#, "a&lt;b"),
            ("</script>", r#""\u003c/script\u003e""#, "&lt;/script&gt;"),
            ("x&y", r#""x\u0026y""#, "x&amp;y"),
            (
                "l\u{2028}p\u{2029}",
                r#""l\u2028p\u2029""#,
                "l\u{2028}p\u{2029}",
            ),
            ("\"q'", r#""\"q'""#, "&quot;q&#39;"),
        ] {
            assert_eq!(oracle::script_safe_json(&input).unwrap(), json, "{input:?}");
            assert_eq!(html_escape(input), html, "{input:?}");
        }
    }

    #[test]
    fn same_graph_same_bytes() {
        assert_eq!(page(&hostile_graph()), page(&hostile_graph()));
    }
}

/// The writer's specification: [`super::write_data`] must write the same bytes as `serde_json`
/// does with these structs and this formatter.
#[cfg(test)]
pub(crate) mod oracle {
    use std::collections::BTreeSet;
    use std::io::{self, Write};

    use serde::Serialize;

    use super::{GraphView, EVIDENCE_SHOWN};
    use crate::graph::{Certainty, Edge, EdgeRefView};

    #[derive(Serialize)]
    struct ViewData<'a> {
        graph: ViewInfo,
        nodes: ViewNodes<'a>,
        edges: ViewEdges<'a>,
    }

    #[derive(Serialize)]
    struct ViewInfo {
        name: &'static str,
        generator: String,
        documents: u64,
    }

    #[derive(Serialize)]
    struct ViewNode<'a> {
        id: &'a str,
        label: &'a str,
        #[serde(rename = "type")]
        etype: &'static str,
        aliases: &'a BTreeSet<String>,
        docs: &'a BTreeSet<String>,
        mentions: u64,
        x: f64,
        y: f64,
        #[serde(skip_serializing_if = "Option::is_none")]
        date: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        place: Option<&'a str>,
    }

    #[derive(Serialize)]
    struct ViewEdge<'a> {
        source: &'a str,
        target: &'a str,
        relation: &'a str,
        weight: usize,
        certainty: Certainty,
        evidence: ViewEvidenceList<'a>,
        evidence_total: usize,
    }

    #[derive(Serialize)]
    struct ViewEvidence<'a> {
        doc: &'a str,
        text: &'a str,
    }

    /// The nodes with their positions, each made into a [`ViewNode`] as it is written.
    struct ViewNodes<'a>(&'a GraphView<'a>);

    impl Serialize for ViewNodes<'_> {
        fn serialize<S: serde::Serializer>(
            &self,
            serializer: S,
        ) -> std::result::Result<S::Ok, S::Error> {
            let view = self.0;
            serializer.collect_seq(view.nodes.iter().zip(view.positions()).map(|(n, &(x, y))| {
                ViewNode {
                    id: &n.id,
                    label: &n.label,
                    etype: n.etype.as_str(),
                    aliases: &n.aliases,
                    docs: &n.docs,
                    mentions: n.mentions,
                    x,
                    y,
                    date: n.date.as_deref(),
                    place: n.place.as_deref(),
                }
            }))
        }
    }

    /// The edges, each made into a [`ViewEdge`] as it is written.
    struct ViewEdges<'a>(&'a [EdgeRefView<'a>]);

    impl Serialize for ViewEdges<'_> {
        fn serialize<S: serde::Serializer>(
            &self,
            serializer: S,
        ) -> std::result::Result<S::Ok, S::Error> {
            serializer.collect_seq(self.0.iter().map(|e| ViewEdge {
                source: e.source,
                target: e.target,
                relation: &e.edge.relation,
                weight: e.edge.weight(),
                certainty: e.edge.certainty,
                evidence: ViewEvidenceList(e.edge),
                evidence_total: e.edge.evidence.len(),
            }))
        }
    }

    /// The first [`EVIDENCE_SHOWN`] evidence items of an edge.
    struct ViewEvidenceList<'a>(&'a Edge);

    impl Serialize for ViewEvidenceList<'_> {
        fn serialize<S: serde::Serializer>(
            &self,
            serializer: S,
        ) -> std::result::Result<S::Ok, S::Error> {
            serializer.collect_seq(self.0.evidence.iter().take(EVIDENCE_SHOWN).map(|ev| {
                ViewEvidence {
                    doc: &ev.doc,
                    text: &ev.text,
                }
            }))
        }
    }

    /// Writes `value` as JSON that can sit inside a `<script>` element: the characters HTML or
    /// JavaScript could read as markup or line ends are written as `\u` escapes (they only ever
    /// occur inside strings).
    pub fn write_script_safe_json<W: Write>(out: &mut W, value: &impl Serialize) -> io::Result<()> {
        let mut ser = serde_json::Serializer::with_formatter(out, ScriptSafe);
        value.serialize(&mut ser).map_err(io::Error::from)
    }

    /// [`write_script_safe_json`] into a string.
    pub fn script_safe_json(value: &impl Serialize) -> io::Result<String> {
        let mut out = Vec::new();
        write_script_safe_json(&mut out, value)?;
        Ok(String::from_utf8(out).expect("JSON is UTF-8"))
    }

    /// serde_json's compact format, with `<`, `>`, `&`, U+2028 and U+2029 inside strings escaped.
    /// Every string (keys included) reaches the writer through `write_string_fragment` as whole
    /// characters, so the runs between those characters are copied as they are.
    struct ScriptSafe;

    impl serde_json::ser::Formatter for ScriptSafe {
        fn write_string_fragment<W: ?Sized + Write>(
            &mut self,
            writer: &mut W,
            fragment: &str,
        ) -> io::Result<()> {
            // `<`, `>` and `&` are single bytes; U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
            let bytes = fragment.as_bytes();
            let mut run = 0;
            let mut i = 0;
            while i < bytes.len() {
                let (escaped, len) = match bytes[i] {
                    b'<' => ("\\u003c", 1),
                    b'>' => ("\\u003e", 1),
                    b'&' => ("\\u0026", 1),
                    0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA8) => {
                        ("\\u2028", 3)
                    }
                    0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA9) => {
                        ("\\u2029", 3)
                    }
                    _ => {
                        i += 1;
                        continue;
                    }
                };
                writer.write_all(&bytes[run..i])?;
                writer.write_all(escaped.as_bytes())?;
                i += len;
                run = i;
            }
            writer.write_all(&bytes[run..])
        }
    }

    /// The page's data through `serde_json`.
    pub fn write_data(view: &GraphView<'_>, out: &mut dyn Write) -> io::Result<()> {
        let data = ViewData {
            graph: ViewInfo {
                name: "kgraph",
                generator: format!("kgraph {}", env!("CARGO_PKG_VERSION")),
                documents: view.graph.meta.documents,
            },
            nodes: ViewNodes(view),
            edges: ViewEdges(&view.edges),
        };
        write_script_safe_json(&mut &mut *out, &data)
    }
}
