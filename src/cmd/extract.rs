//! `kgraph extract`: one JSON object per entity mention, in document order.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use crate::cli::ExtractArgs;

pub fn run(args: ExtractArgs) -> anyhow::Result<ExitCode> {
    let pipeline = super::pipeline(&args.input)?;
    let (mentions, stats) = pipeline.mentions(&super::options(&args.input))?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for m in &mentions {
        serde_json::to_writer(&mut out, m)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    super::print_warnings(&stats.warnings);
    Ok(super::finish(&stats.warnings, &args.input))
}
