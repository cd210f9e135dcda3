//! `kgraph build`: read a corpus, build the graph, filter it, write the chosen formats.

use std::process::ExitCode;
use std::time::Instant;

use kgraph::export;
use kgraph::filter::FilterSpec;

use crate::cli::BuildArgs;

pub fn run(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    // Usage errors before any work.
    let exporters = export::select(&args.formats)?;
    let types = if args.types.is_empty() { None } else { Some(FilterSpec::parse_types(&args.types)?) };
    let spec = FilterSpec { types, min_weight: args.min_weight, no_events: args.no_events, focus: args.focus.clone(), depth: args.depth };
    let pipeline = super::pipeline(&args.input)?;
    let (graph, stats) = pipeline.build(&super::options(&args.input))?;
    let graph = spec.apply(graph)?;
    std::fs::create_dir_all(&args.output)
        .map_err(|e| kgraph::Error::io(&args.output, e))?;
    for exporter in &exporters {
        export::write_to_dir(exporter.as_ref(), &graph, &args.output)?;
    }
    if !args.input.quiet {
        eprintln!("{}", stats.summary(&graph, started.elapsed()));
    }
    Ok(super::finish(&stats.warnings, &args.input))
}
