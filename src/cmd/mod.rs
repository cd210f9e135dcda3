//! One file per subcommand, each with a `run`.

mod build;
mod eval;
mod explain;
mod extract;
mod merge;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use kgraph::corpus::Warning;
use kgraph::{BuildOptions, Pipeline};

use crate::cli::{Cli, Command, InputArgs};

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build(args) => build::run(args),
        Command::Extract(args) => extract::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Validate(args) => validate::run(args),
    }
}

/// The inputs, with `seeds/` when none are given.
pub(crate) fn inputs_or_seeds(args: &InputArgs) -> Vec<PathBuf> {
    if args.inputs.is_empty() {
        vec![PathBuf::from("seeds")]
    } else {
        args.inputs.clone()
    }
}

pub(crate) fn pipeline(args: &InputArgs) -> anyhow::Result<Pipeline> {
    if let Some(n) = args.threads {
        // Only the first call can set the global pool; later calls keep it.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    Ok(Pipeline::load(&args.lexicons)?)
}

pub(crate) fn options(args: &InputArgs) -> BuildOptions {
    BuildOptions {
        inputs: inputs_or_seeds(args),
        cooccurrence: args.cooccurrence,
        progress: !args.quiet,
        ..BuildOptions::default()
    }
}

/// Prints every warning, one line each (`kgraph: warning: file[:line[:column]]: what`).
pub(crate) fn print_warnings(warnings: &[Warning]) {
    for w in warnings {
        eprintln!("kgraph: {w}");
    }
}

/// Maps warnings to the exit status (1 when `strict` and any occurred); prints nothing.
pub(crate) fn finish_strict(warnings: &[Warning], strict: bool) -> ExitCode {
    if strict && !warnings.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Maps warnings to the exit status: 1 with --strict when any occurred, else 0. (Warnings are
/// printed before, with [`print_warnings`], so they come before the summary line.)
pub(crate) fn finish(warnings: &[Warning], args: &InputArgs) -> ExitCode {
    if args.strict && !warnings.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
