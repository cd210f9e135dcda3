//! `kgraph explain NAME [INPUT]`: an entity, its aliases and documents, and each of its
//! relations with the sentences that state them.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use kgraph::export::json::read_graph;
use kgraph::graph::KnowledgeGraph;

use crate::cli::ExplainArgs;

pub fn run(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let (graph, warnings) = load(&args)?;
    let id = kgraph::filter::find_node(&graph, &args.name)?;
    print!("{}", render(&graph, &id, args.evidence));
    super::print_warnings(&warnings);
    Ok(super::finish(&warnings, &args.input))
}

/// A graph.json (or a folder holding one) is read; anything else is built as a corpus.
fn load(args: &ExplainArgs) -> anyhow::Result<(KnowledgeGraph, Vec<kgraph::corpus::Warning>)> {
    if let [one] = args.input.inputs.as_slice() {
        let json = if one.is_dir() {
            one.join("graph.json")
        } else {
            one.clone()
        };
        let is_graph = json.extension().is_some_and(|e| e == "json") && json.is_file();
        if is_graph && !Path::new(one).join("seeds").exists() {
            return Ok((read_graph(&json)?, Vec::new()));
        }
    }
    let pipeline = super::pipeline(&args.input)?;
    let (graph, stats) = pipeline.build(&super::options(&args.input))?;
    Ok((graph, stats.warnings))
}

/// The text `explain` prints.
pub fn render(graph: &KnowledgeGraph, id: &str, evidence: usize) -> String {
    let mut out = String::new();
    let Some(n) = graph.node(id) else { return out };
    let _ = writeln!(out, "{} ({}, {})", n.label, n.etype, n.id);
    let aliases: Vec<&str> = n
        .aliases
        .iter()
        .map(String::as_str)
        .filter(|a| *a != n.label)
        .collect();
    if !aliases.is_empty() {
        let _ = writeln!(out, "  aliases: {}", aliases.join("; "));
    }
    if let Some(d) = &n.date {
        let _ = writeln!(out, "  date: {d}");
    }
    if let Some(p) = &n.place {
        let label = graph.node(p).map(|x| x.label.as_str()).unwrap_or(p);
        let _ = writeln!(out, "  place: {label}");
    }
    let docs: Vec<&str> = n.docs.iter().map(String::as_str).collect();
    let _ = writeln!(
        out,
        "  mentions: {} in {} document(s): {}",
        n.mentions,
        docs.len(),
        docs.join(", ")
    );
    // What it does first (outgoing), then what is said of it (incoming), by relation.
    let mut edges = graph.edges_of(id);
    edges.sort_by_key(|e| {
        (
            e.source != id,
            e.edge.relation.clone(),
            if e.source == id { e.target } else { e.source },
        )
    });
    let _ = writeln!(out, "\n{} relation(s)", edges.len());
    for e in edges {
        let (arrow, other) = if e.source == id {
            ("->", e.target)
        } else {
            ("<-", e.source)
        };
        let other_label = graph.node(other).map(|x| x.label.as_str()).unwrap_or(other);
        let _ = writeln!(
            out,
            "\n  {arrow} {} {arrow} {other_label}  [{}, weight {}]",
            e.edge.relation,
            e.edge.certainty.as_str(),
            e.edge.weight()
        );
        let limit = if evidence == 0 { usize::MAX } else { evidence };
        for ev in e.edge.evidence.iter().take(limit) {
            let _ = writeln!(
                out,
                "      {}:{}-{} ({}): {}",
                ev.doc,
                ev.start,
                ev.end,
                ev.rule,
                one_line(&ev.text)
            );
        }
        if e.edge.weight() > limit {
            let _ = writeln!(out, "      … and {} more", e.edge.weight() - limit);
        }
    }
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
