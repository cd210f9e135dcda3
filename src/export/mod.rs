//! Writers for every output format, behind one small trait, and the atomic file writing they
//! share: each file is written to a temporary file beside its target and renamed into place, so
//! a run killed mid-export leaves the previous output intact and never a truncated file.

pub mod json;

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::graph::KnowledgeGraph;

/// One output format.
pub trait Exporter: Sync {
    /// The name users pick it by (`--format json`).
    fn name(&self) -> &'static str;
    /// The file it writes, relative to the output folder.
    fn file_name(&self) -> &'static str;
    /// Writes the whole graph.
    fn write(&self, graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()>;
}

/// Every exporter, in the order they are written.
pub fn all() -> Vec<Box<dyn Exporter>> {
    vec![Box::new(json::Json)]
}

/// Names of every format, for `--format` help and errors.
pub fn format_names() -> Vec<&'static str> {
    all().iter().map(|e| e.name()).collect()
}

/// Writes `graph` with `exporter` into `dir`, atomically. Returns the path written.
pub fn write_to_dir(exporter: &dyn Exporter, graph: &KnowledgeGraph, dir: &Path) -> Result<PathBuf> {
    let path = dir.join(exporter.file_name());
    write_atomic(&path, |w| exporter.write(graph, w))?;
    Ok(path)
}

/// Writes a file through a temporary sibling and renames it into place.
pub fn write_atomic(path: &Path, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| -> io::Result<()> {
        let file = fs::File::create(&tmp)?;
        let mut w = BufWriter::new(file);
        fill(&mut w)?;
        w.flush()?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}
