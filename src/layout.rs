//! Node positions shared by every view that draws the graph (GEXF `viz:position`, GraphML
//! x/y, the HTML view): deterministic, so the same graph is always drawn the same way.

use std::collections::BTreeMap;

use crate::graph::KnowledgeGraph;

/// Positions by node id, in a square of side about 1000 centred on the origin. Nodes are
/// placed on a circle in id order; a force-directed layout refines this where it is used.
pub fn positions(graph: &KnowledgeGraph) -> BTreeMap<String, (f64, f64)> {
    let nodes = graph.nodes();
    let n = nodes.len().max(1) as f64;
    nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let a = std::f64::consts::TAU * i as f64 / n;
            (node.id.clone(), (500.0 * a.cos(), 500.0 * a.sin()))
        })
        .collect()
}
