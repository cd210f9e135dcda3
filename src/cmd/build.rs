//! `kgraph build`: read a corpus, build the graph, write every format (with `--shard`, the
//! partial graph.json of one slice).

use std::process::ExitCode;
use std::time::Instant;

use kgraph::{export, BuildOptions};

use crate::cli::BuildArgs;

pub fn run(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let pipeline = super::pipeline(&args.input)?;
    let options = BuildOptions { shard: args.shard, ..super::options(&args.input) };
    let (graph, stats) = pipeline.build(&options)?;
    if options.shard.is_some() {
        // A shard's graph is partial: only graph.json, for `kgraph merge`.
        std::fs::create_dir_all(&args.output).map_err(|e| kgraph::Error::io(&args.output, e))?;
        export::write_to_dir(&export::json::Json, &graph, &args.output)?;
    } else {
        export::write_all(&graph, &args.output)?;
    }
    if !args.input.quiet {
        eprintln!("{}", stats.summary(&graph, started.elapsed()));
    }
    Ok(super::finish(&stats.warnings, &args.input))
}
