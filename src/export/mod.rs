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
mod scan;
pub mod values;
pub mod xml;

#[cfg(test)]
mod proptests;

use rustc_hash::FxHashMap;
use std::fs;
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::Duration;

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
    /// computed once, before the formats are written.
    fn uses_layout(&self) -> bool {
        false
    }
    /// Starts writing `file` (`file_name` or one of `extra_files`) of the graph seen through
    /// `view` into `out`: the returned writer takes the rows (see [`FileWriter`]). `out` is
    /// unbuffered: the writer buffers.
    fn open<'v>(
        &self,
        file: &str,
        view: &'v GraphView<'v>,
        out: &'v mut dyn Write,
    ) -> io::Result<Box<dyn FileWriter + 'v>>;
    /// Writes `file` whole.
    fn write_file(&self, file: &str, view: &GraphView<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut w = self.open(file, view, out)?;
        w.nodes(0..view.nodes.len())?;
        w.between()?;
        w.edges(0..view.edges.len())?;
        w.finish()
    }
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

/// One file being written, its rows handed over a block at a time: `nodes` for consecutive
/// ranges covering every node in order, then `between` once, then `edges` for consecutive
/// ranges covering every edge, then `finish`. The bytes do not depend on the block sizes.
///
/// Blocks let one pass over the graph feed every file: a node's or an edge's strings are read
/// from memory once and are still in the cache for the other formats, instead of each format
/// walking the whole graph (hundreds of megabytes on a big corpus) on its own.
pub trait FileWriter {
    /// Writes the nodes of `rows` (indices into [`GraphView::nodes`]).
    fn nodes(&mut self, rows: Range<usize>) -> io::Result<()> {
        let _ = rows;
        Ok(())
    }
    /// Ends the nodes and starts the edges.
    fn between(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// Writes the edges of `rows` (indices into [`GraphView::edges`]).
    fn edges(&mut self, rows: Range<usize>) -> io::Result<()> {
        let _ = rows;
        Ok(())
    }
    /// Writes the end and flushes.
    fn finish(self: Box<Self>) -> io::Result<()>;
}

/// A [`FileWriter`] for a file that is fixed text.
pub(crate) struct FixedText<'v> {
    pub out: &'v mut dyn Write,
    pub text: &'static str,
}

impl FileWriter for FixedText<'_> {
    fn finish(self: Box<Self>) -> io::Result<()> {
        self.out.write_all(self.text.as_bytes())?;
        self.out.flush()
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
    ends: OnceLock<Vec<(u32, u32)>>,
    /// Of each node and each edge: [`UNKNOWN`], [`CLEAN`] or [`NOT_CLEAN`] (see
    /// [`GraphView::node_clean`]), worked out by the first format that asks.
    node_marks: Vec<AtomicU8>,
    edge_marks: Vec<AtomicU8>,
}

/// Marks of [`GraphView`]'s rows: not yet looked at, every string clean, some string not clean.
const UNKNOWN: u8 = 0;
const CLEAN: u8 = 1;
const NOT_CLEAN: u8 = 2;

impl<'g> GraphView<'g> {
    pub fn new(graph: &'g KnowledgeGraph) -> GraphView<'g> {
        let nodes = graph.nodes();
        let edges = graph.edges();
        let marks = |n: usize| (0..n).map(|_| AtomicU8::new(UNKNOWN)).collect();
        GraphView {
            graph,
            node_marks: marks(nodes.len()),
            edge_marks: marks(edges.len()),
            nodes,
            edges,
            positions: OnceLock::new(),
            ends: OnceLock::new(),
        }
    }

    /// Whether [`values::clean`] leaves every string of the node at index `i` as it is (id,
    /// label, aliases, documents, date, place). Nearly always so; the formats then copy the
    /// strings without checking each again: five formats write them, one check is enough.
    /// Worked out on first use, while the row's strings are in the cache for the formats of
    /// the pass (a pass of its own over every string of the graph would read them all once
    /// more); the answer depends on the graph only, so whichever pass asks first, the bytes are
    /// the same.
    pub fn node_clean(&self, i: usize) -> bool {
        mark(&self.node_marks[i], || {
            let n = self.nodes[i];
            values::is_clean(&n.id)
                && values::is_clean(&n.label)
                && n.aliases.iter().all(|a| values::is_clean(a))
                && n.docs.iter().all(|d| values::is_clean(d))
                && n.date.as_deref().is_none_or(values::is_clean)
                && n.place.as_deref().is_none_or(values::is_clean)
        })
    }

    /// Whether [`values::clean`] leaves the ids of both ends, the relation and every document
    /// id of the edge at index `i` as they are (see [`GraphView::node_clean`]; the evidence
    /// texts carry their own mark, `text_clean`).
    pub fn edge_clean(&self, i: usize) -> bool {
        mark(&self.edge_marks[i], || {
            let e = &self.edges[i];
            values::is_clean(e.source)
                && values::is_clean(e.target)
                && values::is_clean(&e.edge.relation)
                && e.edge.docs.iter().all(|d| values::is_clean(d))
        })
    }

    /// The (source, target) of each edge of [`GraphView::edges`] as indices into
    /// [`GraphView::nodes`], worked out once.
    pub fn ends(&self) -> &[(u32, u32)] {
        self.ends.get_or_init(|| {
            let index: FxHashMap<&str, u32> = self
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| (n.id.as_str(), i as u32))
                .collect();
            // Every edge joins two nodes of the graph, so both look-ups succeed.
            self.edges
                .iter()
                .map(|e| (index[e.source], index[e.target]))
                .collect()
        })
    }

    /// The position of each node of [`GraphView::nodes`], in that order (see [`layout`]).
    pub fn positions(&self) -> &[(f64, f64)] {
        self.positions.get_or_init(|| {
            let ids: Vec<&str> = self.nodes.iter().map(|n| n.id.as_str()).collect();
            let edges: Vec<(usize, usize)> = self
                .ends()
                .iter()
                .map(|&(a, b)| (a as usize, b as usize))
                .collect();
            layout::place(&ids, &edges)
        })
    }
}

/// The answer kept in `slot`, worked out by `check` the first time.
#[inline]
fn mark(slot: &AtomicU8, check: impl FnOnce() -> bool) -> bool {
    match slot.load(Ordering::Relaxed) {
        CLEAN => true,
        NOT_CLEAN => false,
        _ => {
            let clean = check();
            slot.store(if clean { CLEAN } else { NOT_CLEAN }, Ordering::Relaxed);
            clean
        }
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
/// written by one pass over the graph per thread, each pass feeding its share of the files (see
/// [`FileWriter`]): each file depends on the graph only, so the bytes do not depend on the
/// thread count. Returns the main paths written, in the order given; `build` and `merge` both
/// end here.
pub fn write_selected(
    exporters: &[Box<dyn Exporter>],
    graph: &KnowledgeGraph,
    dir: &Path,
) -> Result<Vec<PathBuf>> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let view = GraphView::new(graph);
    if exporters.iter().any(|e| e.uses_layout()) {
        view.positions();
    }
    let jobs: Vec<(&dyn Exporter, &str)> = exporters
        .iter()
        .flat_map(|e| files(e.as_ref()).into_iter().map(move |f| (e.as_ref(), f)))
        .collect();
    write_jobs(&jobs, &view, dir)?;
    Ok(exporters.iter().map(|e| dir.join(e.file_name())).collect())
}

/// Writes `graph` with `exporter` into `dir`, each file atomically. Returns the main file's path.
pub fn write_to_dir(
    exporter: &dyn Exporter,
    graph: &KnowledgeGraph,
    dir: &Path,
) -> Result<PathBuf> {
    let view = GraphView::new(graph);
    let jobs: Vec<(&dyn Exporter, &str)> =
        files(exporter).into_iter().map(|f| (exporter, f)).collect();
    write_jobs(&jobs, &view, dir)?;
    Ok(dir.join(exporter.file_name()))
}

/// Rows handed to every file of a pass at a time: few enough that their strings stay in the
/// cache while each format writes them.
const BLOCK_ROWS: usize = 256;

/// Writes each `(exporter, file)` of `jobs` into `dir`, atomically, in passes over the graph
/// (one per thread, files shared out by their expected size), then renames them into place in
/// the order given. On failure no file is replaced and the first failure in that order is
/// returned.
fn write_jobs(jobs: &[(&dyn Exporter, &str)], view: &GraphView<'_>, dir: &Path) -> Result<()> {
    use rayon::prelude::*;
    let mut files = jobs
        .iter()
        .map(|&(_, file)| AtomicFile::create(&dir.join(file)))
        .collect::<Result<Vec<_>>>()?;
    // While the passes write, a thread hands what is written so far to the disk (through
    // handles of their own, so a write error is still reported to the final sync); the final
    // syncs then have little left to wait for.
    let early: Vec<fs::File> = files
        .iter()
        .filter_map(|f| fs::OpenOptions::new().write(true).open(&f.tmp).ok())
        .collect();
    let passes = rayon::current_num_threads().clamp(1, jobs.len().max(1));
    let mut shares: Vec<Vec<(usize, &mut AtomicFile)>> = (0..passes).map(|_| Vec::new()).collect();
    for (i, f) in share_out(jobs, passes)
        .into_iter()
        .zip(files.iter_mut().enumerate())
    {
        shares[i].push(f);
    }
    let (done, stop) = mpsc::channel::<()>();
    let results: Vec<Vec<(usize, io::Result<()>)>> = std::thread::scope(|scope| {
        scope.spawn(move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) = stop.recv_timeout(EARLY_SYNC_EVERY) {
                for f in &early {
                    let _ = f.sync_data();
                }
            }
        });
        let results = shares
            .into_par_iter()
            .map(|share| write_pass(jobs, view, share))
            .collect();
        drop(done);
        results
    });
    let mut results: Vec<(usize, io::Result<()>)> = results.into_iter().flatten().collect();
    results.sort_by_key(|r| r.0);
    for (i, result) in results {
        result.map_err(|e| Error::io(&files[i].path, e))?;
    }
    // Every file made durable, each waited for on a thread of its own (the disk takes them
    // together), before any is renamed into place.
    let synced: Vec<io::Result<()>> = std::thread::scope(|scope| {
        let waits: Vec<_> = files
            .iter()
            .map(|f| scope.spawn(|| f.file.sync_all()))
            .collect();
        waits
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Err(io::Error::other("sync failed")))
            })
            .collect()
    });
    for (f, result) in files.iter().zip(synced) {
        result.map_err(|e| Error::io(&f.path, e))?;
    }
    for f in files {
        f.commit()?;
    }
    Ok(())
}

/// How often the bytes written so far are handed to the disk while the files are written.
const EARLY_SYNC_EVERY: Duration = Duration::from_millis(250);

/// Which pass writes each job: the biggest files first, each to the pass with the least
/// expected bytes so far (ties to the lower pass), so the passes take about equally long.
fn share_out(jobs: &[(&dyn Exporter, &str)], passes: usize) -> Vec<usize> {
    // Relative sizes of the files of a big graph.
    let weight = |file: &str| match file {
        "graph.json" => 44,
        "graph.gexf" => 36,
        "graph.graphml" => 31,
        "graph.html" => 21,
        "edges.csv" | "neo4j/relationships.csv" => 13,
        "graph.dot" => 6,
        "nodes.csv" | "neo4j/nodes.csv" => 3,
        _ => 1,
    };
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(weight(jobs[i].1)), i));
    let mut load = vec![0usize; passes];
    let mut pass_of = vec![0; jobs.len()];
    for i in order {
        let p = (0..passes).min_by_key(|&p| (load[p], p)).unwrap_or(0);
        load[p] += weight(jobs[i].1);
        pass_of[i] = p;
    }
    pass_of
}

/// One pass over the graph writing the files of `share` (job index, file): the result of each.
fn write_pass(
    jobs: &[(&dyn Exporter, &str)],
    view: &GraphView<'_>,
    share: Vec<(usize, &mut AtomicFile)>,
) -> Vec<(usize, io::Result<()>)> {
    let mut writers: Vec<(usize, io::Result<Box<dyn FileWriter + '_>>)> = share
        .into_iter()
        .map(|(i, f)| {
            let (exporter, file) = jobs[i];
            (i, exporter.open(file, view, &mut f.file))
        })
        .collect();
    // A writer that failed is dropped from the pass; the others go on (their files are
    // removed anyway when any fails, but each failure is reported as it was met).
    let mut step = |f: &mut dyn FnMut(&mut dyn FileWriter) -> io::Result<()>| {
        for (_, w) in writers.iter_mut() {
            if let Ok(writer) = w {
                if let Err(e) = f(writer.as_mut()) {
                    *w = Err(e);
                }
            }
        }
    };
    let (n, m) = (view.nodes.len(), view.edges.len());
    for start in (0..n).step_by(BLOCK_ROWS) {
        step(&mut |w| w.nodes(start..(start + BLOCK_ROWS).min(n)));
    }
    step(&mut |w| w.between());
    for start in (0..m).step_by(BLOCK_ROWS) {
        step(&mut |w| w.edges(start..(start + BLOCK_ROWS).min(m)));
    }
    writers
        .into_iter()
        .map(|(i, w)| (i, w.and_then(|w| w.finish())))
        .collect()
}

/// A file written through a temporary sibling and renamed into place by [`AtomicFile::commit`]:
/// readers (and a run killed at any point) see the previous complete file or the new complete
/// file, never a part. Dropped without a commit, the temporary file is removed.
struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    file: fs::File,
    committed: bool,
}

impl AtomicFile {
    fn create(path: &Path) -> Result<AtomicFile> {
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
        let file = fs::File::create(&tmp).map_err(|e| Error::io(path, e))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            file,
            committed: false,
        })
    }

    /// Makes the written bytes durable and moves the file into place.
    fn commit(mut self) -> Result<()> {
        // Already synced by `write_jobs`, where the files are synced together; again here for
        // any other caller (then it is quick: nothing is left to write).
        let result = self
            .file
            .sync_all()
            .and_then(|()| fs::rename(&self.tmp, &self.path));
        result.map_err(|e| Error::io(&self.path, e))?;
        self.committed = true;
        // Make the rename itself durable (best effort: not every platform can sync a folder).
        if let Some(parent) = self.path.parent() {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            if let Ok(d) = fs::File::open(parent) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.tmp);
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

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
            values::push_join(&mut out, &view.nodes[0].docs);
            assert_eq!(out, want, "{docs:?}");
        }
    }

    /// A small graph with nodes and edges enough for several blocks.
    fn sample_graph() -> KnowledgeGraph {
        use crate::graph::{Certainty, EntityType, Evidence, Node};
        let mut g = KnowledgeGraph::new();
        let ids: Vec<String> = (0..BLOCK_ROWS + 7)
            .map(|i| {
                let mut n = Node::new(EntityType::Person, &format!("Person {i}"));
                n.docs.insert(format!("doc{}", i % 3));
                let id = n.id.clone();
                g.add_node(n);
                id
            })
            .collect();
        for (i, pair) in ids.windows(2).enumerate() {
            let ev = Evidence {
                doc: format!("doc{}", i % 3),
                start: i,
                end: i + 4,
                text: format!("Sentence {i}."),
                rule: "r".into(),
            };
            g.add_edge(&pair[0], "knows", &pair[1], Certainty::Stated, [ev]);
        }
        g
    }

    fn read_all(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        for e in all() {
            for f in files(e.as_ref()) {
                out.insert(f.to_string(), fs::read(dir.join(f)).unwrap());
            }
        }
        out
    }

    #[test]
    fn files_do_not_depend_on_the_thread_count() {
        let g = sample_graph();
        let mut seen = Vec::new();
        for threads in [1, 2, 3, 16] {
            let dir = tempfile::tempdir().unwrap();
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| write_all(&g, dir.path())).unwrap();
            seen.push(read_all(dir.path()));
            // Whole, each written by itself.
            let alone = tempfile::tempdir().unwrap();
            for e in all() {
                write_to_dir(e.as_ref(), &g, alone.path()).unwrap();
            }
            assert_eq!(read_all(alone.path()), seen[0], "{threads} threads");
        }
        assert!(seen.windows(2).all(|w| w[0] == w[1]));
    }

    #[test]
    fn passes_share_the_files_out_evenly() {
        let exporters = all();
        let jobs: Vec<(&dyn Exporter, &str)> = exporters
            .iter()
            .flat_map(|e| files(e.as_ref()).into_iter().map(move |f| (e.as_ref(), f)))
            .collect();
        assert_eq!(share_out(&jobs, 1), vec![0; jobs.len()]);
        let two = share_out(&jobs, 2);
        let pass_of = |file: &str| two[jobs.iter().position(|j| j.1 == file).unwrap()];
        // The two biggest files go to different passes.
        assert_ne!(pass_of("graph.json"), pass_of("graph.gexf"));
        for passes in 1..=jobs.len() {
            let shared = share_out(&jobs, passes);
            assert!(shared.iter().all(|&p| p < passes));
            // Every pass has a file while there are as many files as passes.
            assert!((0..passes).all(|p| shared.contains(&p)), "{passes} passes");
        }
    }

    /// A format whose edges fail to write.
    struct Failing;

    struct FailingFile<'v>(&'v mut dyn Write);

    impl FileWriter for FailingFile<'_> {
        fn nodes(&mut self, _: Range<usize>) -> io::Result<()> {
            self.0.write_all(b"some nodes")
        }
        fn edges(&mut self, _: Range<usize>) -> io::Result<()> {
            Err(io::Error::other("disk full"))
        }
        fn finish(self: Box<Self>) -> io::Result<()> {
            Ok(())
        }
    }

    impl Exporter for Failing {
        fn name(&self) -> &'static str {
            "failing"
        }
        fn file_name(&self) -> &'static str {
            "failing.txt"
        }
        fn open<'v>(
            &self,
            _: &str,
            _: &'v GraphView<'v>,
            out: &'v mut dyn Write,
        ) -> io::Result<Box<dyn FileWriter + 'v>> {
            Ok(Box::new(FailingFile(out)))
        }
    }

    #[test]
    fn a_failed_file_replaces_no_file() {
        let g = sample_graph();
        let dir = tempfile::tempdir().unwrap();
        write_all(&g, dir.path()).unwrap();
        fs::write(dir.path().join("failing.txt"), b"old").unwrap();
        let before = read_all(dir.path());
        let mut exporters = all();
        exporters.insert(1, Box::new(Failing));
        for threads in [1, 3] {
            // Another graph (with an edge, where the failing format fails), so a replaced file
            // would show.
            let mut other = KnowledgeGraph::new();
            for name in ["Ana Ruiz", "Bo Li"] {
                other.add_node(crate::graph::Node::new(
                    crate::graph::EntityType::Person,
                    name,
                ));
            }
            let ids: Vec<String> = other.nodes().iter().map(|n| n.id.clone()).collect();
            other.add_edge(
                &ids[0],
                "knows",
                &ids[1],
                crate::graph::Certainty::Stated,
                [] as [crate::graph::Evidence; 0],
            );
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let err = pool
                .install(|| write_selected(&exporters, &other, dir.path()))
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("failing.txt") && err.contains("disk full"),
                "{err}"
            );
            assert_eq!(read_all(dir.path()), before, "{threads} threads");
            assert_eq!(fs::read(dir.path().join("failing.txt")).unwrap(), b"old");
            let names: Vec<String> = fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            assert!(
                names.iter().all(|n| !n.contains(".tmp-")),
                "temporary files left: {names:?}"
            );
        }
    }

    #[test]
    fn atomic_files_replace_whole_files_and_keep_the_old_one_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("f.txt");
        let mut f = AtomicFile::create(&path).unwrap();
        f.file.write_all(b"first").unwrap();
        f.commit().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"first");
        // Written in part, then given up (a failure): never committed.
        let mut f = AtomicFile::create(&path).unwrap();
        f.file.write_all(b"half of the second").unwrap();
        drop(f);
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
        AtomicFile::create(&dir.path().join("f.txt"))
            .unwrap()
            .commit()
            .unwrap();
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
