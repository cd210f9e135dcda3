//! `kgraph build`: read a corpus, build the graph, write every format.

use std::process::ExitCode;
use std::time::Instant;

use kgraph::export;

use crate::cli::BuildArgs;

pub fn run(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let pipeline = super::pipeline(&args.input)?;
    // Fail before the long part: an output folder we cannot write is known now.
    export::prepare_dir(&args.output)?;
    let (graph, stats) = pipeline.build(&super::options(&args.input))?;
    for exporter in export::all() {
        export::write_to_dir(exporter.as_ref(), &graph, &args.output)?;
    }
    super::print_warnings(&stats.warnings);
    if !args.input.quiet {
        eprintln!("{}", stats.summary(&graph, started.elapsed()));
    }
    Ok(super::finish(&stats.warnings, &args.input))
}
