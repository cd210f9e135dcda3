//! Writes graph.json and graph.html of a synthetic graph, for the HTML view benchmark
//! (`benches/html-view.sh`): `cargo run --release --example synthetic_view -- DIR [NODES EDGES]`.
//!
//! The graph is made of communities of about 50 nodes, most edges inside a community and a
//! fifth between random nodes, so it looks like a large news corpus rather than noise. The same
//! arguments always give the same graph. Prints the layout time on standard error.

use std::path::PathBuf;
use std::time::Instant;

use kgraph::export::{self, html::Html, json::Json, Exporter};
use kgraph::graph::{Certainty, EntityType, Evidence, KnowledgeGraph, Node};

/// A small deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .ok_or("usage: synthetic_view DIR [NODES EDGES]")?,
    );
    let nodes: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(5000);
    let edges: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(20000);
    let graph = synthetic(nodes, edges);
    eprintln!(
        "synthetic graph: {} nodes, {} edges",
        graph.node_count(),
        graph.edge_count()
    );
    let started = Instant::now();
    let positions = kgraph::layout::positions(&graph);
    eprintln!(
        "layout: {:.2} s for {} positions",
        started.elapsed().as_secs_f64(),
        positions.len()
    );
    for exporter in [&Json as &dyn Exporter, &Html] {
        let started = Instant::now();
        let path = export::write_to_dir(exporter, &graph, &dir)?;
        eprintln!(
            "{}: {:.2} s, {} bytes",
            path.display(),
            started.elapsed().as_secs_f64(),
            std::fs::metadata(&path)?.len()
        );
    }
    Ok(())
}

fn synthetic(n: usize, m: usize) -> KnowledgeGraph {
    const TYPES: [(EntityType, &str); 4] = [
        (EntityType::Person, "Person"),
        (EntityType::Organization, "Organization"),
        (EntityType::Place, "Place"),
        (EntityType::Event, "Event"),
    ];
    const RELATIONS: [&str; 8] = [
        "leader_of",
        "member_of",
        "allied_with",
        "located_in",
        "funded_by",
        "accused_of",
        "met_with",
        "employed_by",
    ];
    let mut rng = Rng(42);
    let mut g = KnowledgeGraph::new();
    g.meta.documents = (n / 10) as u64;
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let (etype, word) = TYPES[[0, 0, 0, 1, 1, 2, 2, 3][rng.below(8)]];
        let mut node = Node::new(etype, &format!("{word} {i:05}"));
        node.mentions = 1 + rng.below(40) as u64;
        node.docs
            .insert(format!("doc{:04}.txt", rng.below(n / 10 + 1)));
        ids.push(node.id.clone());
        g.add_node(node);
    }
    let community = 50;
    let mut added = 0;
    while added < m {
        let a = rng.below(n);
        let b = if rng.below(5) == 0 {
            rng.below(n)
        } else {
            (a / community * community + rng.below(community)).min(n - 1)
        };
        let relation = RELATIONS[rng.below(RELATIONS.len())];
        let certainty = if rng.below(7) == 0 {
            Certainty::Alleged
        } else {
            Certainty::Stated
        };
        let count = 1 + rng.below(3);
        let evidence = (0..count).map(|k| {
            let text = format!(
                "{} was said to be {} {} (sentence {k}).",
                ids[a],
                relation.replace('_', " "),
                ids[b]
            );
            Evidence {
                doc: format!("doc{:04}.txt", rng.below(n / 10 + 1)),
                start: k * 100,
                end: k * 100 + text.len(),
                text,
                rule: "synthetic".into(),
            }
        });
        let evidence: Vec<Evidence> = evidence.collect();
        let before = g.edge_count();
        if g.add_edge(&ids[a], relation, &ids[b], certainty, evidence) && g.edge_count() > before {
            added += 1;
        }
    }
    g
}
