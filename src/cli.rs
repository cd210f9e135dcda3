//! The command line (clap derive). No clap type goes below this file.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use kgraph::pipeline::Shard;

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

    /// Combine the partial graphs of shard builds (`build --shard I/N`) and write every format.
    #[command(after_help = "The merged graph.json is the same bytes as one whole build of the corpus, \
                            whatever the order of the inputs.\n\nExamples:\n  \
                            kgraph build --shard 1/2 corpus/ -o part1/\n  \
                            kgraph build --shard 2/2 corpus/ -o part2/\n  \
                            kgraph merge part1/ part2/graph.json -o graph/")]
    Merge(MergeArgs),

    /// Print one JSON object per entity mention: {"doc","start","end","text","type","entity"}.
    #[command(after_help = "Examples:\n  kgraph extract seeds/\n  kgraph extract article.html | jq -r .text")]
    Extract(ExtractArgs),
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

    /// Build only the I-th of N slices of the inputs (1 ≤ I ≤ N) and write its partial
    /// graph.json, for `kgraph merge`. Sources are dealt out in their sorted order (source k,
    /// counting from 0, goes to slice k mod N + 1); a JSON Lines file is one source.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output folders of `build --shard` runs, or their graph.json files, in any order.
    #[arg(value_name = "PARTIAL", required = true)]
    pub partials: Vec<PathBuf>,

    /// Output folder (created if missing).
    #[arg(short, long, value_name = "DIR", default_value = "out")]
    pub output: PathBuf,

    /// No summary line.
    #[arg(long, short)]
    pub quiet: bool,

    /// Exit with status 1 when any warning occurred.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    #[command(flatten)]
    pub input: InputArgs,
}
