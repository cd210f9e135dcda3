//! Arbitrary bytes through the whole pipeline: read as a text, HTML or JSON Lines source (the
//! first byte picks the kind), extract, build the graph, run every exporter into memory, and
//! read graph.json back. Nothing may panic; every mention must slice back to its text.
#![no_main]

use std::sync::OnceLock;

use kgraph::corpus::{documents_from_bytes, Source, SourceKind};
use kgraph::{export, Pipeline};
use libfuzzer_sys::fuzz_target;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::builtin().expect("built-in lexicons load"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let kind = match first % 3 {
        0 => SourceKind::Text,
        1 => SourceKind::Html,
        _ => SourceKind::JsonLines,
    };
    let source = Source {
        id: "fuzz".into(),
        path: None,
        kind,
        part: None,
    };
    let mut warnings = Vec::new();
    let docs = documents_from_bytes(&source, rest.to_vec(), &mut warnings);
    let p = pipeline();
    for doc in &docs {
        let ex = p.extract(doc);
        for m in &ex.mentions {
            assert_eq!(
                doc.text.get(m.start..m.end),
                Some(m.text.as_str()),
                "mention span"
            );
        }
    }
    let graph = p.build_graph(docs);
    for exporter in export::all() {
        let mut buf = Vec::new();
        exporter
            .write(&graph, &mut buf)
            .expect("writing into memory cannot fail");
        if exporter.file_name().ends_with(".json") {
            serde_json::from_slice::<serde_json::Value>(&buf).expect("exported JSON parses");
        }
    }
});
