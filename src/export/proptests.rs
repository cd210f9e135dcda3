//! Property tests of every writer: graphs whose labels, aliases, relations and evidence hold
//! quotes, backslashes, `<>&`, newlines, control characters, emoji, right-to-left text and
//! 20 kB strings are written by every exporter and read back by a parser of each syntax (a
//! small DOT reader below, quick-xml, the csv crate, serde_json) with the same nodes, edges and
//! labels.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::csv::safe_cell;
use super::dot::LABEL_CHARS;
use super::values::{clean, truncate};
use super::{all, files, Exporter};
use crate::graph::{Certainty, EntityType, Evidence, KnowledgeGraph, Node};

/// Every file an exporter writes, by relative path.
fn render(exporter: &dyn Exporter, graph: &KnowledgeGraph) -> BTreeMap<&'static str, String> {
    files(exporter)
        .into_iter()
        .map(|f| {
            let mut buf = Vec::new();
            if f == exporter.file_name() {
                exporter.write(graph, &mut buf).unwrap();
            } else {
                exporter.write_extra(f, graph, &mut buf).unwrap();
            }
            (f, String::from_utf8(buf).expect("UTF-8 output"))
        })
        .collect()
}

fn hostile_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just("<>&".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("\t".to_string()),
        Just("'".to_string()),
        Just("]]>".to_string()),
        Just("=SUM(A1)".to_string()),
        Just("-".to_string()),
        Just("@".to_string()),
        Just(", ;|".to_string()),
        Just("🙂👩‍👩‍👧".to_string()),
        Just("עברית العربية".to_string()),
        Just("e\u{301}".to_string()),
        Just("\u{FFFE}\u{FFFF}".to_string()),
        (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        (0x7fu32..0xa0).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        "[a-zA-Z ]{1,8}",
        any::<String>(),
    ]
}

fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::collection::vec(hostile_piece(), 1..8).prop_map(|v| v.concat()),
        1 => hostile_piece().prop_map(|p| format!("{}\\", p.repeat(20_480 / p.len().max(1)))),
        1 => Just("x".repeat(20 * 1024)),
    ]
}

/// Two people, an organization and an event, every text field hostile, three edges.
fn hostile_graph(labels: &[String]) -> KnowledgeGraph {
    let mut g = KnowledgeGraph::new();
    let mut ids = Vec::new();
    for (i, (t, label)) in [
        EntityType::Person,
        EntityType::Person,
        EntityType::Organization,
        EntityType::Event,
    ]
    .iter()
    .zip(labels)
    .enumerate()
    {
        // A prefix keeps the four nodes apart when two labels fold to the same id.
        let mut n = Node::new(*t, &format!("n{i} {label}"));
        n.aliases.insert(labels[(i + 1) % labels.len()].clone());
        n.docs.insert(labels[(i + 2) % labels.len()].clone());
        n.mentions = i as u64;
        if *t == EntityType::Event {
            n.date = Some(if i % 2 == 0 {
                "2023-09".into()
            } else {
                labels[0].clone()
            });
        }
        ids.push(n.id.clone());
        g.add_node(n);
    }
    let ev = |text: &String| Evidence {
        doc: text.clone(),
        start: 0,
        end: 1,
        text: text.clone(),
        rule: "r".into(),
    };
    g.add_edge(
        &ids[0],
        "member_of",
        &ids[2],
        Certainty::Stated,
        [
            ev(&labels[1]),
            ev(&labels[2]),
            ev(&labels[3]),
            ev(&labels[0]),
        ],
    );
    g.add_edge(
        &ids[1],
        &labels[2],
        &ids[2],
        Certainty::Alleged,
        [ev(&labels[3])],
    );
    g.add_edge(
        &ids[3],
        "involved",
        &ids[0],
        Certainty::Stated,
        [] as [Evidence; 0],
    );
    g
}

/// A DOT reader for the subset we write: one statement per line, `ID [k=v, …];` or
/// `ID -> ID [k=v, …];`, every string quoted (pieces joined with `+`). Returns the node
/// statements (id → attributes) and the edge statements, or where the grammar broke.
#[allow(clippy::type_complexity)]
fn read_dot(
    text: &str,
) -> Result<
    (
        BTreeMap<String, BTreeMap<String, String>>,
        Vec<(String, String, BTreeMap<String, String>)>,
    ),
    String,
> {
    #[derive(Debug, PartialEq)]
    enum Tok {
        Str(String),
        Word(String),
        Punct(char),
        Arrow,
    }
    let mut toks = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\n' | b'\t' => i += 1,
            b'"' => {
                let mut s = String::new();
                loop {
                    // One quoted piece.
                    let start = i;
                    i += 1;
                    let mut piece = Vec::new();
                    loop {
                        match b.get(i) {
                            None => return Err(format!("unterminated string at byte {start}")),
                            Some(b'"') => break,
                            Some(b'\\') => {
                                match b.get(i + 1) {
                                    Some(b'\\') => piece.push(b'\\'),
                                    Some(b'"') => piece.push(b'"'),
                                    Some(b'n') => piece.push(b'\n'),
                                    other => {
                                        return Err(format!("bad escape {other:?} at byte {i}"))
                                    }
                                }
                                i += 2;
                            }
                            Some(c) if *c < 0x20 => {
                                return Err(format!(
                                    "raw control byte {c:#x} in a string at byte {i}"
                                ))
                            }
                            Some(c) => {
                                piece.push(*c);
                                i += 1;
                            }
                        }
                    }
                    if i - start > 16_384 {
                        return Err(format!("quoted string of {} bytes at {start}", i - start));
                    }
                    i += 1;
                    s.push_str(std::str::from_utf8(&piece).map_err(|e| e.to_string())?);
                    // `+ "…"` continues the string.
                    let rest = &text[i..];
                    let trimmed = rest.trim_start_matches(' ');
                    if let Some(after) = trimmed.strip_prefix('+') {
                        let after = after.trim_start_matches(' ');
                        if !after.starts_with('"') {
                            return Err(format!("`+` not followed by a string at byte {i}"));
                        }
                        i = text.len() - after.len();
                        continue;
                    }
                    break;
                }
                toks.push(Tok::Str(s));
            }
            b'-' if b.get(i + 1) == Some(&b'>') => {
                toks.push(Tok::Arrow);
                i += 2;
            }
            c if c.is_ascii_alphanumeric() || c == b'.' || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_')
                {
                    i += 1;
                }
                toks.push(Tok::Word(text[start..i].to_string()));
            }
            c if b"{}[];,=".contains(&c) => {
                toks.push(Tok::Punct(c as char));
                i += 1;
            }
            c => return Err(format!("unexpected byte {c:#x} at {i}")),
        }
    }
    let is_default = |t: Option<&Tok>| matches!(t, Some(Tok::Word(w)) if ["graph", "node", "edge"].contains(&w.as_str()));
    let word = |t: &Tok| match t {
        Tok::Str(s) | Tok::Word(s) => Some(s.clone()),
        _ => None,
    };
    let mut nodes = BTreeMap::new();
    let mut edges = Vec::new();
    let mut k = 0;
    let expect = |k: &mut usize, t: Tok| -> Result<(), String> {
        if toks.get(*k) == Some(&t) {
            *k += 1;
            Ok(())
        } else {
            Err(format!(
                "expected {t:?} at token {k}, found {:?}",
                toks.get(*k)
            ))
        }
    };
    expect(&mut k, Tok::Word("digraph".into()))?;
    k += 1;
    expect(&mut k, Tok::Punct('{'))?;
    while toks.get(k) != Some(&Tok::Punct('}')) {
        let default = is_default(toks.get(k));
        let first = toks
            .get(k)
            .and_then(word)
            .ok_or(format!("statement expected at token {k}"))?;
        k += 1;
        let target = if toks.get(k) == Some(&Tok::Arrow) {
            k += 1;
            let t = toks.get(k).and_then(word).ok_or("edge target expected")?;
            k += 1;
            Some(t)
        } else {
            None
        };
        expect(&mut k, Tok::Punct('['))?;
        let mut attrs = BTreeMap::new();
        while toks.get(k) != Some(&Tok::Punct(']')) {
            let key = toks
                .get(k)
                .and_then(word)
                .ok_or(format!("attribute name expected at token {k}"))?;
            k += 1;
            expect(&mut k, Tok::Punct('='))?;
            let value = toks
                .get(k)
                .and_then(word)
                .ok_or(format!("attribute value expected at token {k}"))?;
            k += 1;
            attrs.insert(key, value);
            if toks.get(k) == Some(&Tok::Punct(',')) {
                k += 1;
            }
        }
        k += 1;
        expect(&mut k, Tok::Punct(';'))?;
        match target {
            Some(t) => edges.push((first, t, attrs)),
            None if default => {}
            None => {
                nodes.insert(first, attrs);
            }
        }
    }
    Ok((nodes, edges))
}

/// Attribute values (unescaped) of every start or empty element named `element` in an XML
/// document, failing on any syntax error quick-xml finds and on characters XML 1.0 forbids.
fn read_xml(text: &str, element: &[u8], attr: &[u8]) -> Result<Vec<String>, String> {
    if let Some(c) = text.chars().find(|c| matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')) {
        return Err(format!("forbidden character {c:?}"));
    }
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut out = Vec::new();
    loop {
        match reader
            .read_event()
            .map_err(|e| format!("at {}: {e}", reader.buffer_position()))?
        {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                for a in e.attributes() {
                    let a = a.map_err(|e| e.to_string())?;
                    let v = a.unescape_value().map_err(|e| e.to_string())?.into_owned();
                    if e.name().as_ref() == element && a.key.as_ref() == attr {
                        out.push(v);
                    }
                }
            }
            quick_xml::events::Event::Text(t) => {
                t.unescape().map_err(|e| e.to_string())?;
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The text of every `<data key="label">` element (GraphML node labels).
fn graphml_labels(text: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = Vec::new();
    let mut in_label = false;
    let mut current = String::new();
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == b"data" => {
                in_label = e
                    .try_get_attribute("key")
                    .unwrap()
                    .is_some_and(|a| a.value.as_ref() == b"label");
                current.clear();
            }
            quick_xml::events::Event::Text(t) if in_label => {
                current.push_str(&t.unescape().unwrap())
            }
            quick_xml::events::Event::End(e) if e.name().as_ref() == b"data" && in_label => {
                out.push(std::mem::take(&mut current));
                in_label = false;
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut r = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    r.records()
        .map(|rec| rec.expect("valid CSV").iter().map(str::to_string).collect())
        .collect()
}

fn check_graph(labels: &[String]) -> Result<(), TestCaseError> {
    let g = hostile_graph(labels);
    let nodes = g.nodes();
    let want: Vec<String> = nodes.iter().map(|n| clean(&n.label).into_owned()).collect();
    let (n, m) = (g.node_count(), g.edge_count());
    for exporter in all() {
        let out = render(exporter.as_ref(), &g);
        for (file, text) in &out {
            prop_assert!(!text.starts_with('\u{FEFF}'), "{file} starts with a BOM");
            if !file.ends_with(".md") && !file.ends_with(".json") {
                prop_assert!(!text.contains('\r'), "{file} has a carriage return");
            }
        }
        match exporter.name() {
            "json" => {
                let v: serde_json::Value = serde_json::from_str(&out["graph.json"])
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(v["nodes"].as_array().unwrap().len(), n);
                prop_assert_eq!(v["edges"].as_array().unwrap().len(), m);
                let got: Vec<&str> = v["nodes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x["label"].as_str().unwrap())
                    .collect();
                let raw: Vec<&str> = nodes.iter().map(|x| x.label.as_str()).collect();
                prop_assert_eq!(got, raw);
            }
            "dot" => {
                let (dn, de) = read_dot(&out["graph.dot"]).map_err(TestCaseError::fail)?;
                prop_assert_eq!(dn.len(), n);
                prop_assert_eq!(de.len(), m);
                for node in &nodes {
                    let attrs = dn
                        .get(&node.id)
                        .ok_or_else(|| TestCaseError::fail(format!("{} missing", node.id)))?;
                    let label: String = truncate(&clean(&node.label), LABEL_CHARS)
                        .chars()
                        .filter(|c| !c.is_control() || *c == '\n')
                        .collect();
                    prop_assert_eq!(&attrs["label"], &label);
                }
            }
            "graphml" => {
                let text = &out["graph.graphml"];
                prop_assert_eq!(
                    read_xml(text, b"node", b"id")
                        .map_err(TestCaseError::fail)?
                        .len(),
                    n
                );
                prop_assert_eq!(
                    read_xml(text, b"edge", b"id")
                        .map_err(TestCaseError::fail)?
                        .len(),
                    m
                );
                prop_assert_eq!(graphml_labels(text), want.clone());
            }
            "gexf" => {
                let text = &out["graph.gexf"];
                prop_assert_eq!(
                    read_xml(text, b"node", b"label").map_err(TestCaseError::fail)?,
                    want.clone()
                );
                prop_assert_eq!(
                    read_xml(text, b"edge", b"id")
                        .map_err(TestCaseError::fail)?
                        .len(),
                    m
                );
            }
            "csv" => {
                let rows = csv_rows(&out["nodes.csv"]);
                prop_assert_eq!(rows.len(), n + 1);
                prop_assert!(rows
                    .iter()
                    .all(|r| r.len() == super::csv::NODE_HEADER.len()));
                let got: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
                let safe: Vec<String> = nodes
                    .iter()
                    .map(|x| safe_cell(&x.label).into_owned())
                    .collect();
                prop_assert_eq!(got, safe.iter().map(String::as_str).collect::<Vec<_>>());
                let edges = csv_rows(&out["edges.csv"]);
                prop_assert_eq!(edges.len(), m + 1);
                prop_assert!(edges
                    .iter()
                    .all(|r| r.len() == super::csv::EDGE_HEADER.len()));
            }
            "neo4j" => {
                let rows = csv_rows(&out["neo4j/nodes.csv"]);
                prop_assert_eq!(rows.len(), n + 1);
                let got: Vec<&str> = rows[1..].iter().map(|r| r[2].as_str()).collect();
                prop_assert_eq!(got, want.iter().map(String::as_str).collect::<Vec<_>>());
                let rels = csv_rows(&out["neo4j/relationships.csv"]);
                prop_assert_eq!(rels.len(), m + 1);
                prop_assert!(rels[1..].iter().all(|r| r[2]
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')));
            }
            "html" => {
                // The data element holds JSON that no text can close early.
                let page = &out["graph.html"];
                let open = r#"<script type="application/json" id="kgraph-data">"#;
                let start = page
                    .find(open)
                    .ok_or_else(|| TestCaseError::fail("no data element"))?
                    + open.len();
                let end = start
                    + page[start..]
                        .find("</script>")
                        .ok_or_else(|| TestCaseError::fail("data element not closed"))?;
                let data: serde_json::Value = serde_json::from_str(&page[start..end])
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                let labels: Vec<&str> = data["nodes"]
                    .as_array()
                    .map(|a| a.iter().filter_map(|x| x["label"].as_str()).collect())
                    .unwrap_or_default();
                prop_assert_eq!(labels.len(), n);
                prop_assert_eq!(data["edges"].as_array().map(Vec::len), Some(m));
            }
            other => prop_assert!(false, "no check for format {other}"),
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn every_format_stays_valid_for_hostile_text(labels in prop::collection::vec(hostile_string(), 4)) {
        check_graph(&labels)?;
    }
}

/// `graph.json` and the data of `graph.html` written by hand, byte for byte what `serde_json`
/// writes from the structs that specify them.
fn check_json_writer(g: &KnowledgeGraph) -> Result<(), TestCaseError> {
    type Writer = fn(&super::GraphView<'_>, &mut dyn std::io::Write) -> std::io::Result<()>;
    let view = super::GraphView::new(g);
    let pairs: [(Writer, Writer); 2] = [
        (super::json::write_pretty, super::json::oracle::write),
        (super::html::write_data, super::html::oracle::write_data),
    ];
    for (fast, slow) in pairs {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        fast(&view, &mut a).unwrap();
        slow(&view, &mut b).unwrap();
        prop_assert_eq!(String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn json_writers_write_what_serde_json_writes(
        labels in prop::collection::vec(hostile_string(), 4),
        partial in any::<bool>(),
        texts in prop::collection::btree_map(hostile_string(), hostile_string(), 0..3),
    ) {
        let mut g = hostile_graph(&labels);
        g.meta.documents = labels.len() as u64 * 1_000_003;
        g.meta.partial = partial;
        g.meta.shard = partial.then(|| labels[0].clone());
        g.meta.texts = texts;
        check_json_writer(&g)?;
        check_json_writer(&KnowledgeGraph::new())?;
    }
}

#[test]
fn every_format_stays_valid_for_the_classic_hostile_labels() {
    let labels = [
        "say \"hi\" \\ back\\".to_string(),
        "<b>&amp;</b>\n\r\u{1}\u{0}=cmd|' /C calc'!A0".to_string(),
        "🙂 عربي עברית e\u{301}".to_string(),
        "y".repeat(20 * 1024),
    ];
    check_graph(&labels).unwrap();
}

#[test]
fn dot_reader_rejects_what_graphviz_rejects() {
    for bad in [
        "digraph \"g\" { \"a [label=\"x\"]; }",
        "digraph \"g\" { \"a\\\" [x=\"y\"]; }",
        "digraph \"g\" { \"a\" [x=\"y\u{1}\"]; }",
    ] {
        assert!(read_dot(bad).is_err(), "{bad:?}");
    }
    let (nodes, _) = read_dot("digraph \"g\" { \"a\" [label=\"x\" + \"y\\n\"]; }").unwrap();
    assert_eq!(nodes["a"]["label"], "xy\n");
}

/// The character-by-character XML escaping the byte scanner of `xml::write_escaped` replaced.
fn escape_reference(s: &str, attr: bool) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attr => out.push_str("&#10;"),
            '\t' if attr => out.push_str("&#9;"),
            '\u{0}'..='\u{8}'
            | '\u{B}'
            | '\u{C}'
            | '\u{E}'..='\u{1F}'
            | '\u{FFFE}'
            | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// `clean` borrows only when the full cleaning would give the same text back, and gives
    /// what the full cleaning gives.
    #[test]
    fn clean_fast_path_agrees_with_the_full_cleaning(s in hostile_string()) {
        let full = super::values::clean_slow(&s);
        let got = clean(&s);
        prop_assert_eq!(&*got, full.as_str());
        if let std::borrow::Cow::Borrowed(_) = got {
            prop_assert_eq!(full.as_str(), s.as_str());
        }
    }

    #[test]
    fn xml_escape_agrees_with_the_char_by_char_escaping(s in hostile_string(), attr in any::<bool>()) {
        prop_assert_eq!(super::xml::escape(&s, attr).into_owned(), escape_reference(&s, attr));
    }
}

#[test]
fn xml_escape_keeps_characters_that_share_a_first_byte_with_non_characters() {
    // U+FFFD (EF BF BD), U+FEFF (EF BB BF) and U+F000 (EF 80 80) stay; U+FFFE and U+FFFF go.
    for s in [
        "\u{FFFD}",
        "\u{FEFF}x",
        "a\u{F000}",
        "\u{FFFE}\u{FFFD}\u{FFFF}",
        "\u{EFFF}",
    ] {
        for attr in [false, true] {
            assert_eq!(
                super::xml::escape(s, attr),
                escape_reference(s, attr),
                "{s:?}"
            );
        }
    }
}

/// A graph of `n` people in a ring, each joined to the next by an edge with `i % 4` evidence
/// sentences, the events dated: enough nodes and edges for many blocks.
fn ring_graph(labels: &[String], n: usize) -> KnowledgeGraph {
    let mut g = KnowledgeGraph::new();
    let mut ids = Vec::new();
    for i in 0..n {
        let t = if i % 3 == 0 {
            EntityType::Event
        } else {
            EntityType::Person
        };
        let label = &labels[i % labels.len()];
        let mut node = Node::new(t, &format!("n{i} {label}"));
        node.docs.insert(format!("d{}", i % 5));
        if t == EntityType::Event {
            node.date = Some(format!("20{:02}-0{}", i % 30, 1 + i % 9));
        }
        ids.push(node.id.clone());
        g.add_node(node);
    }
    for i in 0..n {
        let evidence: Vec<Evidence> = (0..i % 4)
            .map(|k| Evidence {
                doc: format!("d{k}"),
                start: k,
                end: k + 1,
                text: labels[(i + k) % labels.len()].clone(),
                rule: "r".into(),
            })
            .collect();
        g.add_edge(
            &ids[i],
            "knows",
            &ids[(i + 1) % n],
            Certainty::Stated,
            evidence,
        );
    }
    g
}

/// Every file of every format written in blocks of `block` rows is the file written whole.
fn check_blocks(g: &KnowledgeGraph, block: usize) -> Result<(), TestCaseError> {
    let view = super::GraphView::new(g);
    for exporter in all() {
        for file in files(exporter.as_ref()) {
            let mut whole = Vec::new();
            exporter.write_file(file, &view, &mut whole).unwrap();
            let mut parts = Vec::new();
            {
                let mut w = exporter.open(file, &view, &mut parts).unwrap();
                let (n, m) = (view.nodes.len(), view.edges.len());
                for start in (0..n).step_by(block) {
                    w.nodes(start..(start + block).min(n)).unwrap();
                }
                w.between().unwrap();
                for start in (0..m).step_by(block) {
                    w.edges(start..(start + block).min(m)).unwrap();
                }
                w.finish().unwrap();
            }
            prop_assert_eq!(
                String::from_utf8(parts).unwrap(),
                String::from_utf8(whole).unwrap(),
                "{} in blocks of {}",
                file,
                block
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn files_written_in_blocks_are_the_files_written_whole(
        labels in prop::collection::vec(hostile_string(), 1..5),
        n in 2usize..40,
        block in 1usize..9,
    ) {
        check_blocks(&ring_graph(&labels, n), block)?;
        check_blocks(&KnowledgeGraph::new(), block)?;
    }
}
