//! The `kgraph` binary: parse the command line, run the subcommand, map errors to exit codes.
//!
//! Exit status: 0 success (warnings are counted in the summary), 1 warnings occurred with
//! `--strict`, 2 error (bad usage, unreadable input, unwritable output, broken configuration, and
//! any internal error). A closed standard output (`kgraph extract | head`) ends the run quietly.

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod cmd;

/// mimalloc instead of the system allocator: extraction makes many small, short-lived
/// allocations, and glibc's malloc and free took about an eighth of a run's instructions
/// (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // A panic is a bug, never the user's fault: one clear line, exit status 2 (not Rust's 101).
    std::panic::set_hook(Box::new(|info| {
        eprintln!("kgraph: internal error (a bug, please report it with the input that caused it): {info}");
    }));
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cmd::run(cli))) {
        Ok(Ok(code)) => code,
        Ok(Err(err)) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Ok(Err(err)) => {
            eprintln!("kgraph: error: {}", one_line(&err));
            ExitCode::from(2)
        }
        Err(_) => ExitCode::from(2),
    }
}

/// The error and its causes on one line, each cause once (an `Io` error already prints its
/// source, which `{:#}` would repeat).
fn one_line(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let s = cause.to_string();
        if !out.contains(&s) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&s);
        }
    }
    out.replace('\n', " ")
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(BrokenPipe))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_print_each_cause_once_on_one_line() {
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "Permission denied");
        let err = anyhow::Error::new(kgraph::Error::io("out/graph.json", io));
        assert_eq!(one_line(&err), "out/graph.json: Permission denied");
        let err = anyhow::anyhow!("two\nlines").context("reading x");
        assert_eq!(one_line(&err), "reading x: two lines");
    }

    #[test]
    fn broken_pipes_are_recognized_through_serde_json() {
        let pipe = || std::io::Error::new(std::io::ErrorKind::BrokenPipe, "pipe");
        assert!(is_broken_pipe(&anyhow::Error::new(pipe())));
        let wrapped = serde_json::Error::io(pipe());
        assert!(is_broken_pipe(&anyhow::Error::new(wrapped)));
        assert!(!is_broken_pipe(&anyhow::anyhow!("other")));
    }
}
