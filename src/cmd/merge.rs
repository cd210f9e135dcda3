//! `kgraph merge`: combine the partial graphs of shard builds, resolve, write every format.

use std::process::ExitCode;
use std::time::Instant;

use kgraph::{export, pipeline};

use crate::cli::MergeArgs;

pub fn run(args: MergeArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let (graph, warnings) = pipeline::merge_graphs(&args.partials)?;
    super::print_warnings(&warnings);
    export::write_all(&graph, &args.output)?;
    if !args.quiet {
        eprintln!(
            "kgraph: merged {} graph(s): {} documents, {} entities ({}), {} relations, {} warnings, {:.2} s",
            args.partials.len(),
            graph.meta.documents,
            graph.node_count(),
            pipeline::counts_by_type(&graph),
            graph.edge_count(),
            warnings.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(super::finish_strict(&warnings, args.strict))
}
