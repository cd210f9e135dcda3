//! The command line (clap derive). No clap type goes below this file.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "kgraph",
    version,
    about = "Turn news articles into an evidence-backed knowledge graph (offline, deterministic).",
    long_about = "Turn news articles into a knowledge graph: people, organizations, places and events, \
                  typed relations between them, each edge backed by the sentence that states it.\n\n\
                  Exit status: 0 success (warnings are counted in the summary), 1 warnings occurred \
                  with --strict, 2 error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the graph of a corpus and write every output format.
    #[command(after_help = "Examples:\n  kgraph build                      # seeds/ -> out/\n  \
                            kgraph build articles/ -o graph/   # a folder of .txt/.html/.jsonl\n  \
                            cat a.txt | kgraph build - -o out/")]
    Build(BuildArgs),

    /// Print one JSON object per entity mention: {"doc","start","end","text","type","entity"}.
    #[command(after_help = "Examples:\n  kgraph extract seeds/\n  kgraph extract article.html | jq -r .text")]
    Extract(ExtractArgs),

    /// Check configuration files alone: lexicons (*.tsv), the ontology, JSON and JSON Schemas.
    #[command(after_help = "Examples:\n  kgraph validate                    # everything under schemas/\n  \
                            kgraph validate my-lexicon.tsv     # one file\n\n\
                            Prints `ok: N files` and exits 0, or lists every problem as file:line:column: what \
                            is wrong, and exits 2.")]
    Validate(ValidateArgs),
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files or folders to check (default: schemas/).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Inputs and options shared by every command that reads a corpus.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files or folders (read recursively, in sorted order); `-` reads standard input.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Extra lexicon file(s) in the format of schemas/lexicon/*.tsv (see schemas/README.md).
    #[arg(long = "lexicon", value_name = "FILE")]
    pub lexicons: Vec<PathBuf>,

    /// Worker threads (default: every core). The output is the same for any number.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// No progress bar and no summary line.
    #[arg(long, short)]
    pub quiet: bool,

    /// Exit with status 1 when any warning occurred.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output folder (created if missing).
    #[arg(short, long, value_name = "DIR", default_value = "out")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    #[command(flatten)]
    pub input: InputArgs,
}
