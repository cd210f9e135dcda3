//! `kgraph build`: read a corpus, build the graph, write every format.

use std::process::ExitCode;
use std::time::Instant;

use kgraph::export;

use crate::cli::BuildArgs;

pub fn run(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let pipeline = super::pipeline(&args.input)?;
    let (graph, stats) = pipeline.build(&super::options(&args.input))?;
    std::fs::create_dir_all(&args.output)
        .map_err(|e| kgraph::Error::io(&args.output, e))?;
    for exporter in export::all() {
        export::write_to_dir(exporter.as_ref(), &graph, &args.output)?;
    }
    if !args.input.quiet {
        eprintln!("{}", stats.summary(&graph, started.elapsed()));
    }
    Ok(super::finish(&stats.warnings, &args.input))
}
