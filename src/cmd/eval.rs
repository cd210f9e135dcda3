//! `kgraph eval conll` and `kgraph eval gold`: measure the extraction, print a table or JSON.

use std::io::Write;
use std::process::ExitCode;

use kgraph::eval::{gold, ner};
use kgraph::Pipeline;

use crate::cli::{EvalArgs, EvalCommand, EvalConllArgs, EvalGoldArgs, EvalSection};

pub fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        EvalCommand::Conll(a) => run_conll(a),
        EvalCommand::Gold(a) => run_gold(a),
    }
}

fn run_conll(args: EvalConllArgs) -> anyhow::Result<ExitCode> {
    if let Some(n) = args.threads {
        // Only the first call can set the global pool; later calls keep it.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let pipeline = Pipeline::load(&args.lexicons)?;
    let docs = ner::read(&args.file)?;
    let report = ner::evaluate(
        &args.file.display().to_string(),
        &docs,
        &pipeline,
        args.errors.unwrap_or(0),
    );
    let text = if args.json {
        let mut s = serde_json::to_string_pretty(&report)?;
        s.push('\n');
        s
    } else {
        ner::render_text(&report, args.errors.is_some())
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn run_gold(args: EvalGoldArgs) -> anyhow::Result<ExitCode> {
    let pipeline = super::pipeline(&args.input)?;
    let gold_set = gold::Gold::load(&args.gold)?;
    let filter = match args.section {
        EvalSection::Main => gold::SectionFilter::Main,
        EvalSection::Appended => gold::SectionFilter::Appended,
        EvalSection::All => gold::SectionFilter::All,
    };
    let inputs = super::inputs_or_seeds(&args.input);
    let (report, stats) = gold::evaluate(&pipeline, &gold_set, &inputs, filter)?;
    let text = if args.json {
        let mut s = serde_json::to_string_pretty(&report)?;
        s.push('\n');
        s
    } else {
        gold::render_text(&report)
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    super::print_warnings(&stats.warnings);
    Ok(super::finish(&stats.warnings, &args.input))
}
