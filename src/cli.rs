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
    #[command(
        after_help = "Examples:\n  kgraph build                      # seeds/ -> out/\n  \
                            kgraph build articles/ -o graph/   # a folder of .txt/.html/.jsonl\n  \
                            cat a.txt | kgraph build - -o out/"
    )]
    Build(BuildArgs),

    /// Combine the partial graphs of shard builds (`build --shard I/N`) and write every format.
    #[command(
        after_help = "The merged graph.json is the same bytes as one whole build of the corpus, \
                            whatever the order of the inputs.\n\nExamples:\n  \
                            kgraph build --shard 1/2 corpus/ -o part1/\n  \
                            kgraph build --shard 2/2 corpus/ -o part2/\n  \
                            kgraph merge part1/ part2/graph.json -o graph/"
    )]
    Merge(MergeArgs),

    /// Print one JSON object per entity mention: {"doc","start","end","text","type","entity"}.
    #[command(
        after_help = "Examples:\n  kgraph extract seeds/\n  kgraph extract article.html | jq -r .text"
    )]
    Extract(ExtractArgs),

    /// Measure the extraction: NER scores on a CoNLL-2003 file, graph scores against a gold folder.
    #[command(
        after_help = "Examples:\n  kgraph eval conll ../shared/eval/conll2003-dev.txt --errors 50\n  \
                      kgraph eval gold ../shared/gold seeds/ --json"
    )]
    Eval(EvalArgs),

    /// Show an entity and each of its relations with the sentences that state them.
    #[command(
        after_help = "Examples:\n  kgraph explain \"Guerrero\"                 # builds seeds/ first\n  \
                            kgraph explain ICE articles/\n  \
                            kgraph explain person:hector-guerrero-flores out/graph.json"
    )]
    Explain(ExplainArgs),

    /// Check configuration files alone: lexicons (*.tsv), the ontology, JSON and JSON Schemas.
    #[command(
        after_help = "Examples:\n  kgraph validate                    # everything under schemas/\n  \
                            kgraph validate my-lexicon.tsv     # one file\n\n\
                            Prints `ok: N files` and exits 0, or lists every problem as file:line:column: what \
                            is wrong, and exits 2."
    )]
    Validate(ValidateArgs),
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// An id, a label or an alias (case and accents ignored).
    pub name: String,

    /// A corpus to build (files or folders), or a graph.json / an output folder holding one.
    #[command(flatten)]
    pub input: InputArgs,

    /// Evidence sentences shown per relation (all with 0).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub evidence: usize,
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

    /// Also link entities named in the same sentence (relation `co_occurs_with`, weighted by
    /// the number of sentences; never mixed into the typed relations).
    #[arg(long)]
    pub cooccurrence: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output folder (created if missing).
    #[arg(short, long, value_name = "DIR", default_value = "out")]
    pub output: PathBuf,

    /// Formats to write, comma-separated or repeated: json, dot, graphml, gexf, csv, neo4j, all (default: all).
    #[arg(long = "format", value_name = "NAME", value_delimiter = ',')]
    pub formats: Vec<String>,

    /// Keep only these node types (person, organization, place, event), comma-separated.
    #[arg(long, value_name = "TYPES", value_delimiter = ',')]
    pub types: Vec<String>,

    /// Drop edges with fewer than N evidence sentences (their nodes stay).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub min_weight: usize,

    /// Keep only the entities within --depth hops of this one (an id, a label or an alias; case and accents ignored).
    #[arg(long, value_name = "NAME")]
    pub focus: Option<String>,

    /// Hops around --focus.
    #[arg(long, value_name = "N", default_value_t = 1, requires = "focus")]
    pub depth: usize,

    /// Leave event nodes out.
    #[arg(long)]
    pub no_events: bool,

    /// Also draw the graph with an external tool: `svg` writes graph.svg with Graphviz's `dot`
    /// (skipped, with a message, when Graphviz is not installed).
    #[arg(long, value_name = "VIEW", value_enum)]
    pub render: Vec<Render>,

    /// Build only the I-th of N slices of the inputs (1 ≤ I ≤ N) and write its partial
    /// graph.json, for `kgraph merge`. Sources are dealt out in their sorted order (source k,
    /// counting from 0, goes to slice k mod N + 1); a JSON Lines file is one source.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
}

/// Views drawn by external tools after the exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Render {
    /// graph.svg from graph.dot, through Graphviz's `dot -Tsvg`.
    Svg,
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

#[derive(Debug, Args)]
pub struct EvalArgs {
    #[command(subcommand)]
    pub command: EvalCommand,
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Entity precision, recall and F1 for PER, ORG and LOC (exact spans; MISC not scored) on a
    /// CoNLL-2003 file (`token POS chunk NER`, IOB1 tags, `-DOCSTART-` between documents).
    Conll(EvalConllArgs),

    /// Build the graph of INPUT (default seeds/) and score its entities and relations against a
    /// gold folder holding entities.json and relations.json (see schemas/README.md).
    Gold(EvalGoldArgs),
}

#[derive(Debug, Args)]
pub struct EvalConllArgs {
    /// The CoNLL-2003 file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Extra lexicon file(s) in the format of schemas/lexicon/*.tsv.
    #[arg(long = "lexicon", value_name = "FILE")]
    pub lexicons: Vec<PathBuf>,

    /// Worker threads (default: every core). The output is the same for any number.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// List the first N false positives and false negatives, each with its sentence.
    #[arg(long, value_name = "N")]
    pub errors: Option<usize>,

    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct EvalGoldArgs {
    /// Folder holding entities.json and relations.json.
    #[arg(value_name = "GOLD_DIR")]
    pub gold: PathBuf,

    #[command(flatten)]
    pub input: InputArgs,

    /// Which gold entities and relations count, and which mentions put a node in scope.
    #[arg(long, value_enum, default_value_t = EvalSection::Main)]
    pub section: EvalSection,

    /// Print one JSON object instead of the readable report.
    #[arg(long)]
    pub json: bool,
}

/// `--section` of `kgraph eval gold`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EvalSection {
    Main,
    Appended,
    All,
}
