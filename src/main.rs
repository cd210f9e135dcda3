//! The `kgraph` binary: parse the command line, run the subcommand, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod cmd;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("kgraph: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
