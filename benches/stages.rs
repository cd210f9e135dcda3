//! Criterion benchmarks of each stage on the seed articles (`seeds/`): segmentation,
//! tokenization with detection, resolution (per document and across the corpus), a whole
//! document's extraction, and the graph.json export. Run with `cargo bench --bench stages`;
//! throughput is reported in bytes of article text per second.

use std::path::Path;

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kgraph::corpus::Document;
use kgraph::export::{json::Json, Exporter};
use kgraph::extract::detect::{detect, SentenceInput, TokenFeats};
use kgraph::extract::resolve::{resolve_corpus, resolve_document};
use kgraph::extract::tokens::tokenize;
use kgraph::extract::{analyze, extract_document};
use kgraph::graph::KnowledgeGraph;
use kgraph::lexicon::Lexicon;
use kgraph::text::segment;

fn seeds() -> Vec<Document> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("seeds/ is readable")
        .map(|e| e.expect("seeds/ entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            Document::new(name, std::fs::read_to_string(p).expect("a UTF-8 seed"))
        })
        .collect()
}

fn stages(c: &mut Criterion) {
    let docs = seeds();
    let lex = Lexicon::load(&[] as &[&Path]).expect("built-in lexicons");
    let onto = kgraph::ontology::Ontology::builtin().expect("built-in ontology");
    let bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();
    let mut group = c.benchmark_group("seeds");
    group.throughput(Throughput::Bytes(bytes));

    group.bench_function("segment", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(segment(&d.text));
            }
        })
    });

    let segmented: Vec<_> = docs.iter().map(|d| segment(&d.text)).collect();
    group.bench_function("tokenize+detect", |b| {
        b.iter(|| {
            for (d, seg) in docs.iter().zip(&segmented) {
                let mut last_para = usize::MAX;
                let mut feats = TokenFeats::default();
                for (si, s) in seg.sentences.iter().enumerate() {
                    let tokens = tokenize(&d.text, s.span);
                    feats.compute(&d.text, &tokens);
                    let input = SentenceInput {
                        doc: &d.text,
                        tokens: &tokens,
                        sentence: si,
                        paragraph_start: s.paragraph != last_para,
                        feats: &feats,
                    };
                    last_para = s.paragraph;
                    black_box(detect(&input, &lex));
                }
            }
        })
    });

    let candidates: Vec<_> = docs.iter().map(|d| analyze(d, &lex).cands).collect();
    group.bench_function("resolve_document", |b| {
        b.iter(|| {
            for (d, cands) in docs.iter().zip(&candidates) {
                black_box(resolve_document(&d.text, cands, &lex));
            }
        })
    });

    group.bench_function("extract_document", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(extract_document(d, &lex, &onto));
            }
        })
    });

    let mut unresolved = KnowledgeGraph::new();
    for d in &docs {
        extract_document(d, &lex, &onto).add_to(&mut unresolved);
    }
    group.bench_function("resolve_corpus", |b| {
        b.iter_batched(
            || unresolved.clone(),
            |mut g| {
                resolve_corpus(&mut g);
                g
            },
            BatchSize::SmallInput,
        )
    });

    let mut graph = unresolved.clone();
    resolve_corpus(&mut graph);
    group.bench_function("export_json", |b| {
        let mut out = Vec::with_capacity(1 << 20);
        b.iter(|| {
            out.clear();
            Json.write(&graph, &mut out).expect("writes to memory");
            black_box(out.len())
        })
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
