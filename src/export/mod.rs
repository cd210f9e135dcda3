//! Writers for every output format, behind one small trait, and the atomic file writing they
//! share: each file is written to a temporary file beside its target and renamed into place, so
//! a run killed mid-export leaves the previous output intact and never a truncated file.

pub mod csv;
pub mod dot;
pub mod gexf;
pub mod graphml;
pub mod html;
pub mod json;
pub mod neo4j;
pub mod outbuf;
pub mod values;
pub mod xml;

#[cfg(test)]
mod proptests;

use std::collections::HashMap;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::error::{Error, Result};
use crate::graph::{EdgeRefView, KnowledgeGraph, Node};
use crate::layout;

/// One output format.
pub trait Exporter: Sync {
    /// The name users pick it by (`--format json`).
    fn name(&self) -> &'static str;
    /// The file it writes, relative to the output folder.
    fn file_name(&self) -> &'static str;
    /// Further files the format writes beside `file_name` (relative paths).
    fn extra_files(&self) -> &'static [&'static str] {
        &[]
    }
    /// Whether the format draws the graph (reads [`GraphView::positions`]): the layout is then
    /// computed once, before the formats are written in parallel.
    fn uses_layout(&self) -> bool {
        false
    }
    /// Writes `file` (`file_name` or one of `extra_files`) of the graph seen through `view`.
    fn write_file(&self, file: &str, view: &GraphView<'_>, out: &mut dyn Write) -> io::Result<()>;
    /// Writes the main file of the whole graph.
    fn write(&self, graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
        self.write_file(self.file_name(), &GraphView::new(graph), out)
    }
    /// Writes one of `extra_files`.
    fn write_extra(
        &self,
        file: &str,
        graph: &KnowledgeGraph,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        if !self.extra_files().contains(&file) {
            return Err(no_such_file(self.name(), file));
        }
        self.write_file(file, &GraphView::new(graph), out)
    }
}

/// The error of asking a format for a file it does not write.
pub(crate) fn no_such_file(format: &str, file: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{format} writes no file {file}"),
    )
}

/// What every writer reads, computed once per export: nodes sorted by id (a node's index is its
/// dense id), edges sorted by (source, relation, target) (an edge's index `i` is its id `e<i>`),
/// and the layout, computed on first use.
pub struct GraphView<'g> {
    pub graph: &'g KnowledgeGraph,
    pub nodes: Vec<&'g Node>,
    pub edges: Vec<EdgeRefView<'g>>,
    positions: OnceLock<Vec<(f64, f64)>>,
    docs_clean: OnceLock<bool>,
}

impl<'g> GraphView<'g> {
    pub fn new(graph: &'g KnowledgeGraph) -> GraphView<'g> {
        GraphView {
            graph,
            nodes: graph.nodes(),
            edges: graph.edges(),
            positions: OnceLock::new(),
            docs_clean: OnceLock::new(),
        }
    }

    /// A list of document ids (a node's or an edge's `docs`) joined as [`values::push_join`]
    /// does, appended to `out`. Document ids are nearly always clean: that is checked once for
    /// the whole graph, and the ids are then copied without each format scanning each again.
    pub fn push_docs<S: AsRef<str>>(&self, out: &mut String, docs: impl IntoIterator<Item = S>) {
        let clean = *self.docs_clean.get_or_init(|| {
            let nodes = self.nodes.iter().flat_map(|n| n.docs.iter().map(|d| &**d));
            let edges = self
                .edges
                .iter()
                .flat_map(|e| e.edge.docs.iter().map(|d| &**d));
            nodes.chain(edges).all(values::is_clean)
        });
        if !clean {
            return values::push_join(out, docs);
        }
        for (i, doc) in docs.into_iter().enumerate() {
            if i > 0 {
                out.push_str(values::LIST_SEP);
            }
            out.push_str(doc.as_ref());
        }
    }

    /// The position of each node of [`GraphView::nodes`], in that order (see [`layout`]).
    pub fn positions(&self) -> &[(f64, f64)] {
        self.positions.get_or_init(|| {
            let ids: Vec<&str> = self.nodes.iter().map(|n| n.id.as_str()).collect();
            let index: HashMap<&str, usize> =
                ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
            let edges: Vec<(usize, usize)> = self
                .edges
                .iter()
                .filter_map(|e| Some((*index.get(e.source)?, *index.get(e.target)?)))
                .collect();
            layout::place(&ids, &edges)
        })
    }
}

/// Every exporter, in the order they are written.
pub fn all() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(json::Json),
        Box::new(dot::Dot),
        Box::new(graphml::GraphMl),
        Box::new(gexf::Gexf),
        Box::new(csv::GephiCsv),
        Box::new(neo4j::Neo4j),
        Box::new(html::Html),
    ]
}

/// The exporters named in `names` (each trimmed, case-insensitive; `all` means every one), in
/// the order of [`all`]; every exporter when `names` is empty.
pub fn select(names: &[String]) -> Result<Vec<Box<dyn Exporter>>> {
    let wanted: Vec<String> = names
        .iter()
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    let valid = format_names();
    if let Some(bad) = wanted
        .iter()
        .find(|n| *n != "all" && !valid.contains(&n.as_str()))
    {
        return Err(Error::Usage(format!(
            "unknown format `{bad}`; valid formats: {}, all",
            valid.join(", ")
        )));
    }
    let every = wanted.is_empty() || wanted.iter().any(|n| n == "all");
    Ok(all()
        .into_iter()
        .filter(|e| every || wanted.iter().any(|n| n == e.name()))
        .collect())
}

/// Every file an exporter writes, relative to the output folder: the main one first.
pub fn files(exporter: &dyn Exporter) -> Vec<&'static str> {
    std::iter::once(exporter.file_name())
        .chain(exporter.extra_files().iter().copied())
        .collect()
}

/// Names of every format, for `--format` help and errors.
pub fn format_names() -> Vec<&'static str> {
    all().iter().map(|e| e.name()).collect()
}

/// Writes `graph` in every format into `dir`; see [`write_selected`].
pub fn write_all(graph: &KnowledgeGraph, dir: &Path) -> Result<Vec<PathBuf>> {
    write_selected(&all(), graph, dir)
}

/// Writes `graph` with each of `exporters` into `dir` (created if missing), each file
/// atomically. The layout is computed first (itself on every thread), then the files are
/// written in parallel: each depends on the graph only, so the bytes do not depend on the
/// thread count. Returns the main paths written, in the order given; `build` and `merge` both
/// end here.
pub fn write_selected(
    exporters: &[Box<dyn Exporter>],
    graph: &KnowledgeGraph,
    dir: &Path,
) -> Result<Vec<PathBuf>> {
    use rayon::prelude::*;
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let view = GraphView::new(graph);
    if exporters.iter().any(|e| e.uses_layout()) {
        view.positions();
    }
    let jobs: Vec<(&dyn Exporter, &str)> = exporters
        .iter()
        .flat_map(|e| files(e.as_ref()).into_iter().map(move |f| (e.as_ref(), f)))
        .collect();
    let results: Vec<Result<()>> = jobs
        .par_iter()
        .map(|&(exporter, file)| {
            write_atomic(&dir.join(file), |w| exporter.write_file(file, &view, w))
        })
        .collect();
    // The first failure in format order, whichever thread met it first.
    results.into_iter().collect::<Result<Vec<()>>>()?;
    Ok(exporters.iter().map(|e| dir.join(e.file_name())).collect())
}

/// Writes `graph` with `exporter` into `dir`, each file atomically. Returns the main file's path.
pub fn write_to_dir(
    exporter: &dyn Exporter,
    graph: &KnowledgeGraph,
    dir: &Path,
) -> Result<PathBuf> {
    let view = GraphView::new(graph);
    for file in files(exporter) {
        write_atomic(&dir.join(file), |w| exporter.write_file(file, &view, w))?;
    }
    Ok(dir.join(exporter.file_name()))
}

/// Creates the output folder if missing and checks that a file can be created in it, so a run
/// learns before its long part that it could not write its results.
pub fn prepare_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    remove_stale_temps(dir, "kgraph-write-test");
    let probe = temp_path(dir, "kgraph-write-test");
    fs::File::create(&probe).map_err(|e| Error::io(dir, e))?;
    let _ = fs::remove_file(&probe);
    Ok(())
}

/// The temporary file `path` is written through: hidden, beside it, named after this process.
fn temp_path(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.tmp-{}", std::process::id()))
}

/// Removes temporary files left beside `name` by runs that were killed (their process is gone).
/// Where liveness cannot be told (no `/proc`), they are left alone: they are hidden and harmless.
fn remove_stale_temps(parent: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new("/proc").join(pid.to_string()).exists() {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Writes a file through a temporary sibling and renames it into place: readers (and a run
/// killed at any point) see the previous complete file or the new complete file, never a part.
pub fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    remove_stale_temps(parent, &name);
    let tmp = temp_path(parent, &name);
    let result = (|| -> io::Result<()> {
        let file = fs::File::create(&tmp)?;
        let mut w = BufWriter::with_capacity(1 << 18, file);
        fill(&mut w)?;
        w.flush()?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    // Make the rename itself durable (best effort: not every platform can sync a folder).
    if let Ok(d) = fs::File::open(parent) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_lists_are_cleaned_unless_every_id_is_clean() {
        use crate::graph::{EntityType, Node};
        let graph_with = |docs: &[&str]| {
            let mut g = KnowledgeGraph::new();
            let mut n = Node::new(EntityType::Person, "Ana Ruiz");
            n.docs = docs.iter().map(|d| d.to_string()).collect();
            g.add_node(n);
            g
        };
        for (docs, want) in [
            (&["a", "b"][..], "a;b"),
            (&["a\u{1}x", "b"][..], "ax;b"),
            (&["a\r\nx", "e\u{301}"][..], "a\nx;\u{e9}"),
        ] {
            let g = graph_with(docs);
            let view = GraphView::new(&g);
            let mut out = String::new();
            view.push_docs(&mut out, &view.nodes[0].docs);
            assert_eq!(out, want, "{docs:?}");
        }
    }

    #[test]
    fn write_atomic_replaces_whole_files_and_keeps_the_old_one_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("f.txt");
        write_atomic(&path, |w| w.write_all(b"first")).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"first");
        let err = write_atomic(&path, |w| {
            w.write_all(b"half of the second")?;
            Err(io::Error::other("disk full"))
        });
        assert!(err.unwrap_err().to_string().contains("disk full"));
        assert_eq!(
            fs::read(&path).unwrap(),
            b"first",
            "a failed write keeps the previous file"
        );
        let names: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["f.txt"], "no temporary file is left behind");
    }

    #[test]
    fn stale_temps_of_dead_runs_are_removed() {
        if !Path::new("/proc/self").exists() {
            eprintln!("skipping: no /proc to tell live processes");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        // A pid above the kernel's maximum (4194304) belongs to no process.
        let stale = dir.path().join(".f.txt.tmp-4194999");
        let live = dir.path().join(".f.txt.tmp-1"); // init is alive
        let other = dir.path().join(".g.txt.tmp-4194999");
        for p in [&stale, &live, &other] {
            fs::write(p, "partial").unwrap();
        }
        write_atomic(&dir.path().join("f.txt"), |w| w.write_all(b"new")).unwrap();
        assert!(!stale.exists());
        assert!(live.exists() && other.exists());
    }

    #[test]
    fn prepare_dir_creates_and_refuses() {
        let dir = tempfile::tempdir().unwrap();
        prepare_dir(&dir.path().join("a/b")).unwrap();
        assert!(dir.path().join("a/b").is_dir());
        assert_eq!(
            fs::read_dir(dir.path().join("a/b")).unwrap().count(),
            0,
            "the probe is removed"
        );
        let file = dir.path().join("file");
        fs::write(&file, "x").unwrap();
        let err = prepare_dir(&file.join("out")).unwrap_err().to_string();
        assert!(err.contains("file/out"), "{err}");
    }
}
