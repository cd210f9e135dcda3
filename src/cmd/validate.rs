//! `kgraph validate [PATH]...`: check configuration files alone (default `schemas/`).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::ValidateArgs;

pub fn run(args: ValidateArgs) -> anyhow::Result<ExitCode> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("schemas")]
    } else {
        args.paths
    };
    let report = kgraph::validate::validate(&paths);
    if report.is_ok() {
        let n = report.files.len();
        println!("ok: {n} file{}", if n == 1 { "" } else { "s" });
        return Ok(ExitCode::SUCCESS);
    }
    for problem in &report.problems {
        eprintln!("kgraph: error: {problem}");
    }
    Ok(ExitCode::from(2))
}
