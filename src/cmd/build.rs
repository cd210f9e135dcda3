//! `kgraph build`: read a corpus, build the graph, filter it, write the chosen formats (with
//! `--shard`, only the partial graph.json of one slice, for `kgraph merge`).

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use kgraph::filter::FilterSpec;
use kgraph::{export, BuildOptions};

use crate::cli::{BuildArgs, Render};

pub fn run(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    // Usage errors before any work.
    let exporters = export::select(&args.formats)?;
    let types = if args.types.is_empty() {
        None
    } else {
        Some(FilterSpec::parse_types(&args.types)?)
    };
    let spec = FilterSpec {
        types,
        min_weight: args.min_weight,
        no_events: args.no_events,
        focus: args.focus.clone(),
        depth: args.depth,
    };
    let pipeline = super::pipeline(&args.input)?;
    // Fail before the long part: an output folder we cannot write is known now.
    export::prepare_dir(&args.output)?;
    let options = BuildOptions {
        shard: args.shard,
        ..super::options(&args.input)
    };
    let (graph, stats) = pipeline.build(&options)?;
    let graph = if options.shard.is_some() {
        // A shard's graph is partial: only graph.json, for `kgraph merge`.
        std::fs::create_dir_all(&args.output).map_err(|e| kgraph::Error::io(&args.output, e))?;
        export::write_to_dir(&export::json::Json, &graph, &args.output)?;
        graph
    } else {
        let graph = spec.apply(graph)?;
        export::write_selected(&exporters, &graph, &args.output)?;
        graph
    };
    let mut skipped = false;
    for render in &args.render {
        match render {
            Render::Svg => skipped |= !render_svg(&args.output)?,
        }
    }
    super::print_warnings(&stats.warnings);
    if !args.input.quiet {
        eprintln!("{}", stats.summary(&graph, started.elapsed()));
    }
    let code = super::finish(&stats.warnings, &args.input);
    // The process ends now: freeing a large graph's millions of small allocations one by one
    // would only delay the exit (a second or so on a 200 MB corpus). The system takes it back.
    std::mem::forget(graph);
    if skipped && args.input.strict {
        return Ok(ExitCode::from(1));
    }
    Ok(code)
}

const NO_DOT: &str =
    "kgraph: --render svg needs Graphviz's dot, which is not installed; skipped graph.svg";

/// Runs `dot -Tsvg graph.dot` into `graph.svg` (through a temporary file, renamed into place).
/// Returns false, after saying why, when Graphviz is not installed or there is no graph.dot.
fn render_svg(dir: &Path) -> anyhow::Result<bool> {
    let dot_file = dir.join("graph.dot");
    let svg_file = dir.join("graph.svg");
    let tmp = dir.join(format!(".graph.svg.tmp-{}", std::process::id()));
    let installed = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join("dot").is_file()));
    if !installed {
        eprintln!("{NO_DOT}");
        return Ok(false);
    }
    if !dot_file.is_file() {
        eprintln!("kgraph: --render svg needs graph.dot, which this build did not write; skipped graph.svg");
        return Ok(false);
    }
    let output = match Command::new("dot")
        .arg("-Tsvg")
        .arg(&dot_file)
        .arg("-o")
        .arg(&tmp)
        .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("{NO_DOT}");
            return Ok(false);
        }
        Err(e) => return Err(anyhow::anyhow!("could not run Graphviz's dot: {e}")),
    };
    if !output.status.success() {
        let _ = std::fs::remove_file(&tmp);
        anyhow::bail!(
            "dot -Tsvg {} failed ({}): {}",
            dot_file.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    std::fs::rename(&tmp, &svg_file).map_err(|e| kgraph::Error::io(&svg_file, e))?;
    Ok(true)
}
