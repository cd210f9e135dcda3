//! Reliability: dirty inputs give one clear warning and the run goes on, errors give one line and
//! exit status 2, nothing panics, outputs are replaced whole (even under SIGKILL), and nothing
//! from the text can break an output format or name an output file.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::util::*;

/// A sentence the built-in lexicons know: `Caracas` becomes `place:caracas`.
const GOOD: &str = "Venezuelan President Nicolás Maduro spoke in Caracas on Monday.";

fn run(args: &[&std::ffi::OsStr]) -> Output {
    kgraph().args(args).output().expect("kgraph runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `kgraph build <input> -o <out>` (not quiet, so the summary line is there too).
fn build_into(input: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut c = kgraph();
    c.arg("build").args(extra).arg(input).arg("-o").arg(out);
    c.output().expect("kgraph runs")
}

fn graph_json(out: &Path) -> serde_json::Value {
    let bytes = fs::read(out.join("graph.json")).expect("graph.json written");
    serde_json::from_slice(&bytes).expect("graph.json parses")
}

fn node_ids(g: &serde_json::Value) -> Vec<String> {
    g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect()
}

fn warning_lines(err: &str) -> Vec<&str> {
    err.lines()
        .filter(|l| l.starts_with("kgraph: warning: "))
        .collect()
}

/// Asserts one successful run, with exactly the warnings matching `expected` (each a fragment
/// that must appear in one warning line, in order), and the summary counting them.
fn assert_warnings(o: &Output, expected: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let lines = warning_lines(&err);
    assert_eq!(lines.len(), expected.len(), "{err}");
    for (line, want) in lines.iter().zip(expected) {
        assert!(line.contains(want), "expected {want:?} in {line:?}");
    }
    let summary = err.lines().last().unwrap_or("");
    assert!(
        summary.contains(&format!(" {} warnings,", expected.len())),
        "summary: {summary}"
    );
}

#[test]
fn invalid_utf8_is_decoded_lossily_with_one_warning_naming_file_and_offset() {
    let dir = tempdir();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    // Latin-1 "é" (0xE9) at byte 3, and more bad bytes later: still one warning.
    let mut bytes = b"Caf\xe9 owner said: ".to_vec();
    bytes.extend_from_slice(GOOD.as_bytes());
    bytes.extend_from_slice(b" \xff\xfe end.");
    fs::write(input.join("latin1.txt"), &bytes).unwrap();
    let out = dir.path().join("out");
    let o = build_into(&input, &out, &[]);
    assert_warnings(
        &o,
        &["latin1.txt: invalid UTF-8 at byte 3; decoded lossily"],
    );
    assert!(
        node_ids(&graph_json(&out)).contains(&"place:caracas".to_string()),
        "the rest of the file is read"
    );
}

#[test]
fn binary_files_are_skipped_with_a_warning() {
    let dir = tempdir();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    fs::write(
        input.join("image.txt"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0",
    )
    .unwrap();
    fs::write(
        input.join("terminal.txt"),
        b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11 x",
    )
    .unwrap();
    fs::write(input.join("good.txt"), GOOD).unwrap();
    let out = dir.path().join("out");
    let o = build_into(&input, &out, &[]);
    assert_warnings(
        &o,
        &[
            "image.txt: binary file (not text); skipped",
            "terminal.txt: binary file (not text); skipped",
        ],
    );
    assert_eq!(graph_json(&out)["graph"]["documents"], 1);
}

#[test]
fn empty_files_are_skipped_with_a_warning() {
    let dir = tempdir();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    fs::write(input.join("a.txt"), "").unwrap();
    fs::write(input.join("b.txt"), " \n\t\r\n").unwrap();
    fs::write(input.join("c.html"), "<html><script>x()</script></html>").unwrap();
    fs::write(input.join("d.jsonl"), "{\"text\": \"\"}\n").unwrap();
    fs::write(input.join("good.txt"), GOOD).unwrap();
    let out = dir.path().join("out");
    let o = build_into(&input, &out, &[]);
    assert_warnings(
        &o,
        &[
            "a.txt: empty; skipped",
            "b.txt: empty; skipped",
            "c.html: no visible text; skipped",
            "d.jsonl:1: empty \"text\"; line skipped",
        ],
    );
    assert_eq!(graph_json(&out)["graph"]["documents"], 1);
}

#[test]
fn a_100_mb_single_line_file_is_processed() {
    // The README's test command builds in release mode, where this is the full 100 MB; a debug
    // build (the edit-compile loop) reads 10 MB, as the unoptimized pipeline is ~10x slower.
    let size = if cfg!(debug_assertions) {
        10_000_000
    } else {
        100_000_000
    };
    let dir = tempdir();
    let file = dir.path().join("line.txt");
    let sentence = format!(
        "{GOOD} Minister Alberto Fernández met Colombian President Gustavo Petro in Bogotá. "
    );
    let mut text = sentence.repeat(size / sentence.len() + 1);
    text.truncate(text.floor_char_boundary_compat(size));
    assert!(!text.contains('\n'));
    fs::write(&file, &text).unwrap();
    let out = dir.path().join("out");
    let o = build_into(&file, &out, &[]);
    assert_warnings(&o, &[]);
    let g = graph_json(&out);
    assert_eq!(g["graph"]["documents"], 1);
    assert!(node_ids(&g).contains(&"place:caracas".to_string()));
}

/// `str::floor_char_boundary` is unstable; this is the same for our use.
trait FloorCharBoundary {
    fn floor_char_boundary_compat(&self, i: usize) -> usize;
}

impl FloorCharBoundary for String {
    fn floor_char_boundary_compat(&self, mut i: usize) -> usize {
        i = i.min(self.len());
        while !self.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}

#[test]
fn deeply_nested_and_malformed_html_is_read() {
    let dir = tempdir();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    let deep = format!(
        "<html><body>{}<p>{GOOD}</p>{}</body></html>",
        "<div><span>".repeat(100_000),
        "</span></div>".repeat(3)
    );
    fs::write(input.join("deep.html"), deep).unwrap();
    let broken = format!(
        "<html><head><title>Broken & <b>bold</title><body><p class=\"x>{GOOD}<p>5 < 6 &notanentity; &#xFFFFFFFF; &#0;\
         <script>never closed <!-- and <div <<<>>> </ a>"
    );
    fs::write(input.join("broken.html"), broken).unwrap();
    fs::write(
        input.join("comment.html"),
        "<!-- a comment that never ends <p>hidden</p>",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = build_into(&input, &out, &[]);
    assert_warnings(&o, &["comment.html: no visible text; skipped"]);
    let g = graph_json(&out);
    assert_eq!(g["graph"]["documents"], 2);
    let caracas = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "place:caracas")
        .expect("place:caracas");
    assert_eq!(
        caracas["docs"],
        serde_json::json!(["broken.html", "deep.html"])
    );
}

#[test]
fn broken_json_lines_are_warned_with_their_line_number_and_the_rest_read() {
    let dir = tempdir();
    let file = dir.path().join("feed.jsonl");
    let lines = [
        format!("{{\"id\": \"a\", \"text\": \"{GOOD}\"}}"),
        "{\"id\": \"b\", \"text\": \"truncated".to_string(),
        "not json at all".to_string(),
        String::new(),
        "{\"id\": \"c\", \"title\": \"no text\"}".to_string(),
        "[1, 2]".to_string(),
        "{\"id\": \"d\", \"text\": \"Colombian President Gustavo Petro visited Bogotá.\"}"
            .to_string(),
        "{\"id\": \"e\", \"text\": \"cut".to_string(),
    ];
    fs::write(&file, lines.join("\n")).unwrap();
    let out = dir.path().join("out");
    let o = build_into(&file, &out, &[]);
    assert_warnings(
        &o,
        &[
            "feed.jsonl:2:",
            "feed.jsonl:3:2: not a JSON article (expected ident)",
            "feed.jsonl:5:",
            "feed.jsonl:6:",
            "feed.jsonl:8:",
        ],
    );
    let err = stderr(&o);
    assert!(
        err.contains("not a JSON article (EOF while parsing a string); line skipped"),
        "{err}"
    );
    assert!(err.contains("missing field `text`"), "{err}");
    assert_eq!(graph_json(&out)["graph"]["documents"], 2);
}

/// Whether this process runs as root (who can read mode-000 files).
fn is_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// How to run kgraph so that file permissions apply: directly when not root, as `nobody`
/// through `setpriv` when root and that works, else None (the caller skips, saying why).
fn unprivileged_kgraph() -> Option<Command> {
    let bin = assert_cmd::cargo::cargo_bin("kgraph");
    if !is_root() {
        return Some(Command::new(bin));
    }
    let drop = ["--reuid=65534", "--regid=65534", "--clear-groups", "--"];
    let works = Command::new("setpriv")
        .args(drop)
        .arg(&bin)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        eprintln!(
            "skipping a check: running as root and cannot switch to user nobody with setpriv"
        );
        return None;
    }
    let mut c = Command::new("setpriv");
    c.args(drop).arg(bin);
    Some(c)
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_folders_are_warned_and_skipped() {
    let dir = tempdir();
    chmod(dir.path(), 0o755);
    let input = dir.path().join("in");
    fs::create_dir_all(input.join("locked")).unwrap();
    fs::write(input.join("good.txt"), GOOD).unwrap();
    fs::write(
        input.join("secret.txt"),
        "Colombian President Gustavo Petro visited Bogotá.",
    )
    .unwrap();
    fs::write(input.join("locked").join("inner.txt"), "Hidden.").unwrap();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    chmod(&out, 0o777);
    chmod(&input.join("secret.txt"), 0o000);
    chmod(&input.join("locked"), 0o000);
    let Some(mut c) = unprivileged_kgraph() else {
        return;
    };
    let o = c
        .arg("build")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .current_dir(dir.path())
        .output()
        .unwrap();
    chmod(&input.join("locked"), 0o755);
    assert_warnings(
        &o,
        &[
            "locked: cannot read",
            "secret.txt: cannot read: Permission denied",
        ],
    );
    assert_eq!(graph_json(&out)["graph"]["documents"], 1);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_visited_once() {
    let dir = tempdir();
    let input = dir.path().join("in");
    fs::create_dir_all(input.join("a/b")).unwrap();
    fs::write(input.join("a/b/good.txt"), GOOD).unwrap();
    std::os::unix::fs::symlink("../..", input.join("a/b/up")).unwrap();
    std::os::unix::fs::symlink("self", input.join("self")).unwrap(); // a link to itself
    let out = dir.path().join("out");
    let o = build_into(&input, &out, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let lines = warning_lines(&err);
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("a/b/up: folder already visited (symlink loop?); skipped")),
        "{err}"
    );
    assert!(
        lines.iter().any(|l| l.contains("in/self: cannot read")),
        "{err}"
    );
    assert_eq!(graph_json(&out)["graph"]["documents"], 1);
}

#[test]
fn the_same_article_twice_is_processed_once_and_reported() {
    let dir = tempdir();
    let input = dir.path().join("in");
    fs::create_dir_all(input.join("mirror")).unwrap();
    fs::write(input.join("a.txt"), GOOD).unwrap();
    fs::write(input.join("mirror/a-copy.txt"), GOOD).unwrap();
    fs::write(
        input.join("feed.jsonl"),
        format!(
            "{{\"id\": \"k9\", \"text\": {}}}\n",
            serde_json::json!(GOOD)
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = build_into(&input, &out, &[]);
    assert_warnings(
        &o,
        &[
            "feed.jsonl: document \"k9\" has the same text as \"a.txt\"",
            "a-copy.txt: document \"mirror/a-copy.txt\" has the same text as \"a.txt\"",
        ],
    );
    let g = graph_json(&out);
    assert_eq!(g["graph"]["documents"], 1);
    let caracas = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "place:caracas")
        .unwrap();
    assert_eq!(caracas["mentions"], 1, "the duplicate adds no mention");
}

#[test]
fn the_output_folder_is_created_if_missing() {
    let dir = tempdir();
    let out = dir.path().join("a/b/c");
    let o = build_into(&root().join("seeds"), &out, &["--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    graph_json(&out);
}

/// Asserts exit status 2 and exactly one line `kgraph: error: …` naming `path`.
fn assert_one_error_line(o: &Output, path: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].starts_with("kgraph: error: "), "{err}");
    assert!(lines[0].contains(path), "{err}");
}

#[test]
fn an_unwritable_output_folder_is_one_error_and_exit_status_2() {
    let dir = tempdir();
    let file = dir.path().join("plain-file");
    fs::write(&file, "x").unwrap();
    // Under a regular file: no one, not even root, can create it.
    let target = file.join("out");
    let o = build_into(&root().join("seeds"), &target, &[]);
    assert_one_error_line(&o, &target.display().to_string());
    // The output folder is checked before the corpus is read: a missing input is not reached.
    let o = kgraph()
        .arg("build")
        .arg("no/such/input")
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    assert_one_error_line(&o, &target.display().to_string());
}

#[cfg(unix)]
#[test]
fn a_read_only_output_folder_is_one_error_for_a_user() {
    let dir = tempdir();
    chmod(dir.path(), 0o755);
    let out = dir.path().join("ro");
    fs::create_dir(&out).unwrap();
    chmod(&out, 0o555);
    let Some(mut c) = unprivileged_kgraph() else {
        return;
    };
    let o = c
        .arg("build")
        .arg(root().join("seeds"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_one_error_line(&o, &out.display().to_string());
    assert!(stderr(&o).contains("Permission denied"), "{}", stderr(&o));
}

/// Every file under `dir` (relative path → bytes), temporary files of killed runs left out: they
/// are hidden (`.graph.json.tmp-<pid>`), never read by a tool, and removed by the next run.
fn output_files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                walk(root, &p, out);
            } else if !(name.starts_with('.') && name.contains(".tmp-")) {
                out.insert(
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    fs::read(&p).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn temp_files(dir: &Path) -> Vec<String> {
    let mut v = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.contains(".tmp-") {
            v.push(name);
        }
    }
    v
}

/// A corpus that takes a while: many distinct files about the same hundred people (many distinct
/// people would measure the corpus-wide resolution, quadratic in people as of this writing).
fn big_corpus(dir: &Path, bytes: usize) {
    fs::create_dir_all(dir).unwrap();
    let first = [
        "Alberto", "Beatriz", "Carlos", "Diana", "Esteban", "Fabiola", "Gustavo", "Helena",
        "Ignacio", "Julia",
    ];
    let last = [
        "Acosta",
        "Benítez",
        "Cabello",
        "Duarte",
        "Escobar",
        "Figueroa",
        "Gallegos",
        "Herrera",
        "Iturbe",
        "Jaramillo",
    ];
    let (mut written, mut file) = (0usize, 0usize);
    while written < bytes {
        let mut text = String::new();
        for k in 0..40 {
            let n = file * 40 + k;
            let a = format!("{} {}", first[n % 10], last[(n / 10) % 10]);
            let b = format!("{} {}", first[(n + 3) % 10], last[(n / 7) % 10]);
            text.push_str(&format!(
                "Minister {a} met President {b} in Caracas on Monday. {a} said talk number {n} with {b} went well.\n\n"
            ));
        }
        fs::write(dir.join(format!("{file:06}.txt")), &text).unwrap();
        written += text.len();
        file += 1;
    }
}

#[cfg(unix)]
#[test]
fn sigkill_at_any_point_leaves_each_output_file_old_or_complete() {
    let dir = tempdir();
    let out = dir.path().join("out");
    let bin = assert_cmd::cargo::cargo_bin("kgraph");
    let build = |out: &Path| {
        let mut c = Command::new(&bin);
        c.args(["build", "--quiet"])
            .arg(dir.path().join("big"))
            .arg("-o")
            .arg(out)
            .current_dir(root());
        c.stdout(Stdio::null()).stderr(Stdio::null());
        c
    };
    // The previous outputs: the seeds.
    let o = build_into(&root().join("seeds"), &out, &["--quiet"]);
    assert!(o.status.success());
    let old = output_files(&out);
    // The new outputs, complete: a big corpus built once, undisturbed, elsewhere.
    big_corpus(
        &dir.path().join("big"),
        if cfg!(debug_assertions) {
            1_500_000
        } else {
            4_000_000
        },
    );
    let reference = dir.path().join("reference");
    let started = Instant::now();
    assert!(build(&reference).status().unwrap().success());
    let full = started.elapsed();
    let new = output_files(&reference);
    assert_eq!(
        old.keys().collect::<Vec<_>>(),
        new.keys().collect::<Vec<_>>(),
        "same files"
    );
    // (Some files may be the same for both, e.g. a header-only relations table.)
    assert_ne!(
        old[Path::new("graph.json")],
        new[Path::new("graph.json")],
        "the big corpus changes graph.json"
    );

    let check = |when: &str| {
        for (name, bytes) in output_files(&out) {
            let ok = old.get(&name) == Some(&bytes) || new.get(&name) == Some(&bytes);
            assert!(
                ok,
                "{when}: {} is neither the previous nor a complete new file ({} bytes)",
                name.display(),
                bytes.len()
            );
        }
        serde_json::from_slice::<serde_json::Value>(&fs::read(out.join("graph.json")).unwrap())
            .unwrap_or_else(|e| panic!("{when}: graph.json does not parse: {e}"));
    };
    // Kills spread over the run, most near its end where the files are written …
    let mut kills_mid_write = 0;
    for fraction in [0.05, 0.3, 0.6, 0.8, 0.9, 0.95, 0.98, 1.0] {
        let mut child = build(&out).spawn().unwrap();
        std::thread::sleep(full.mul_f64(fraction));
        let _ = child.kill();
        child.wait().unwrap();
        check(&format!("killed at {:.0}% of the run", fraction * 100.0));
    }
    // … and kills the moment a temporary output file appears: mid-write, by construction.
    for nth_file in 1..=old.len() {
        let mut child = build(&out).spawn().unwrap();
        let tag = format!(".tmp-{}", child.id());
        let deadline = Instant::now() + full * 4 + Duration::from_secs(10);
        let mut seen = std::collections::BTreeSet::new();
        loop {
            if let Ok(entries) = fs::read_dir(&out) {
                for e in entries.flatten() {
                    let n = e.file_name().to_string_lossy().into_owned();
                    if n.ends_with(&tag) && !n.starts_with(".kgraph-write-test") {
                        seen.insert(n);
                    }
                }
            }
            if seen.len() >= nth_file
                || Instant::now() > deadline
                || child.try_wait().unwrap().is_some()
            {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.code().is_none() && seen.len() >= nth_file {
            kills_mid_write += 1;
        }
        check(&format!("killed while writing output file #{nth_file}"));
    }
    assert!(
        kills_mid_write > 0,
        "no kill landed while an output file was being written"
    );
    // A complete run afterwards gives the new files and removes the killed runs' temporary files.
    assert!(build(&out).status().unwrap().success());
    assert_eq!(output_files(&out), new);
    assert_eq!(temp_files(&out), Vec::<String>::new());
}

#[test]
fn a_broken_lexicon_is_an_error_with_file_line_and_column() {
    let dir = tempdir();
    let rows = [
        (
            "kind.tsv",
            "place\tAtlantis\nplanet\tMars\n",
            "kind.tsv:2:1: unknown kind \"planet\"",
        ),
        (
            "cols.tsv",
            "place\tA\t-\tcity\tB\tsixth\n",
            "cols.tsv:1:18: too many columns (6)",
        ),
        (
            "alias.tsv",
            "place\tA\tX;;Y\n",
            "alias.tsv:1:9: empty alias",
        ),
        ("name.tsv", "place\t\tX\n", "name.tsv:1:7: empty name"),
    ];
    for (name, text, want) in rows {
        let path = dir.path().join(name);
        fs::write(&path, text).unwrap();
        let o = kgraph()
            .args(["build", "seeds", "--lexicon"])
            .arg(&path)
            .arg("-o")
            .arg(dir.path().join("out"))
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(want), "expected {want:?} in {err}");
    }
}

#[test]
fn validate_checks_schemas_by_default() {
    let o = kgraph().arg("validate").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let n = fs::read_dir(root().join("schemas/lexicon"))
        .unwrap()
        .count();
    assert!(n > 0);
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert!(
        stdout.starts_with("ok: ") && stdout.trim_end().ends_with(" files"),
        "{stdout}"
    );
    let count: usize = stdout["ok: ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(count >= n, "{stdout}");
}

#[test]
fn validate_lists_every_problem_one_per_line_and_exits_2() {
    let dir = tempdir();
    let d = dir.path();
    fs::create_dir(d.join("lexicon")).unwrap();
    fs::write(d.join("lexicon/good.tsv"), "place\tRuritania\t-\tcountry\n").unwrap();
    fs::write(
        d.join("lexicon/bad.tsv"),
        "place\tStrelsau\t-\tcity\tRuritania\nplace\tZenda\tZ;\tcity\n",
    )
    .unwrap();
    fs::write(
        d.join("lexicon/orphan.tsv"),
        "place\tZenda\t-\tcity\tRuritanya\n",
    )
    .unwrap();
    fs::write(d.join("broken.json"), "{\n  \"a\": [1, 2,,]\n}\n").unwrap();
    fs::write(d.join("types.schema.json"), r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {"id": {"type": "text"}, "name": {"pattern": "[a-"}}}"#).unwrap();
    fs::write(d.join("ontology.json"), "{\"entity_types\": [\"person\",]}").unwrap();
    fs::write(d.join("notes.md"), "ignored in a folder").unwrap();
    let o = kgraph().arg("validate").arg(d).output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    let p = |f: &str| d.join(f).display().to_string();
    let want = [
        format!(
            "kgraph: error: {}:2:14: invalid JSON: expected value",
            p("broken.json")
        ),
        format!("kgraph: error: {}:2:13: empty alias", p("lexicon/bad.tsv")),
        format!(
            "kgraph: error: {}:1:28: invalid JSON: trailing comma",
            p("ontology.json")
        ),
        format!(
            "kgraph: error: {}: at /properties/id/type: unknown type \"text\"",
            p("types.schema.json")
        ),
        format!(
            "kgraph: error: {}: at /properties/name/pattern: pattern \"[a-\" does not compile",
            p("types.schema.json")
        ),
        format!(
            "kgraph: error: {}:1:20: parent \"Ruritanya\" names no place",
            p("lexicon/orphan.tsv")
        ),
    ];
    assert_eq!(lines.len(), want.len(), "{err}");
    for (line, want) in lines.iter().zip(&want) {
        assert!(
            line.starts_with(want.as_str()),
            "expected {want:?}\n     got {line:?}"
        );
    }
    // One file, named directly; a missing path; a file of unknown kind.
    let o = kgraph()
        .arg("validate")
        .arg(d.join("lexicon/good.tsv"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), "ok: 1 file\n");
    let o = kgraph()
        .arg("validate")
        .arg(d.join("nope.tsv"))
        .arg(d.join("notes.md"))
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(err.contains("nope.tsv: no such file or directory"), "{err}");
    assert!(err.contains("notes.md: unknown kind of file"), "{err}");
}

#[test]
fn exit_status_is_0_with_warnings_1_with_strict_and_2_on_error() {
    let dir = tempdir();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    fs::write(input.join("good.txt"), GOOD).unwrap();
    let out = dir.path().join("out");
    let code = |args: &[&str], input: &Path| {
        let o = kgraph()
            .args(args)
            .arg(input)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        o.status.code()
    };
    let code_extract = |args: &[&str], input: &Path| {
        kgraph()
            .arg("extract")
            .args(args)
            .arg(input)
            .output()
            .unwrap()
            .status
            .code()
    };
    // No warning: 0, with or without --strict.
    assert_eq!(code(&["build"], &input), Some(0));
    assert_eq!(code(&["build", "--strict"], &input), Some(0));
    assert_eq!(code_extract(&["--strict"], &input), Some(0));
    // A warning: 0, and 1 with --strict (the outputs are written all the same).
    fs::write(input.join("binary.txt"), b"\0\0\0").unwrap();
    assert_eq!(code(&["build"], &input), Some(0));
    fs::remove_file(out.join("graph.json")).unwrap();
    assert_eq!(code(&["build", "--strict"], &input), Some(1));
    assert!(out.join("graph.json").is_file());
    assert_eq!(code_extract(&[], &input), Some(0));
    assert_eq!(code_extract(&["--strict"], &input), Some(1));
    // Errors: 2.
    assert_eq!(
        code(&["build", "--strict"], &dir.path().join("missing")),
        Some(2)
    );
    assert_eq!(code(&["build", "--no-such-flag"], &input), Some(2));
    assert_eq!(code_extract(&[], &dir.path().join("missing")), Some(2));
    assert_eq!(run(&["frobnicate".as_ref()]).status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn a_closed_standard_output_ends_quietly() {
    // `kgraph extract | head -c 1`: the reader goes away early; no "Broken pipe" error, status 0.
    let bin = assert_cmd::cargo::cargo_bin("kgraph");
    let mut c = Command::new(&bin);
    c.args(["extract", "seeds"])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    drop(child.stdout.take()); // close the reading end at once
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
}

#[test]
fn a_million_capitalized_words_finish() {
    let dir = tempdir();
    let words = [
        "Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India",
        "Juliett", "Kilo",
    ];
    let n = 1_000_000;
    let mut text = String::with_capacity(n * 7);
    for i in 0..n {
        text.push_str(words[(i * 7 + i / 11) % words.len()]);
        text.push(' ');
    }
    let file = dir.path().join("caps.txt");
    fs::write(&file, text).unwrap();
    let o = build_into(&file, &dir.path().join("out"), &[]);
    assert_warnings(&o, &[]);
}

#[test]
fn one_name_repeated_100000_times_finishes() {
    let dir = tempdir();
    let file = dir.path().join("rep.txt");
    fs::write(&file, "Nicolás Maduro spoke. ".repeat(100_000)).unwrap();
    let o = build_into(&file, &dir.path().join("out"), &[]);
    assert_warnings(&o, &[]);
    let g = graph_json(&dir.path().join("out"));
    let maduro = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["label"] == "Nicolás Maduro");
    assert!(maduro.is_some(), "{g}");
}

/// Names built to break out of each output syntax: XML/GraphML/GEXF, DOT, CSV, JSON, SQL.
const HOSTILE: &[&str] = &[
    "Ali \"</node><node id=\"x\">\" O'Neil",
    "Robert'); DROP TABLE nodes;-- Tables",
    "Back\\Slash {Brace} -> Arrow -- Dash",
    "Comment <!-- Open ]]> Cdata",
    "Quote \"\"\" Triple, Comma",
];

/// Document ids (JSON Lines `id`) and file names: they reach the outputs too.
const HOSTILE_IDS: &[&str] = &[
    "=HYPERLINK(\"http://example.invalid\",\"click\")",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3 \"quoted\", comma\nnewline\r\ttab",
    "</graph></graphml><!--",
    "digraph { a -> b } // \\\" \\",
];

/// Each output file must parse in its format. Formats this branch does not know are checked by
/// the exporters' own tests.
fn assert_output_parses(path: &Path) {
    let bytes = fs::read(path).unwrap();
    let name = path.display().to_string();
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "json" => {
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        "jsonl" | "ndjson" => {
            for (i, line) in bytes
                .split(|&b| b == b'\n')
                .enumerate()
                .filter(|(_, l)| !l.is_empty())
            {
                serde_json::from_slice::<serde_json::Value>(line)
                    .unwrap_or_else(|e| panic!("{name}:{}: {e}", i + 1));
            }
        }
        "csv" | "tsv" => {
            let delim = if name.ends_with(".tsv") { b'\t' } else { b',' };
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .delimiter(delim)
                .flexible(false)
                .from_reader(&bytes[..]);
            for rec in r.records() {
                rec.unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
        "graphml" | "gexf" | "xml" => {
            let mut reader = quick_xml::Reader::from_reader(&bytes[..]);
            let mut buf = Vec::new();
            let mut depth: i64 = 0;
            loop {
                match reader.read_event_into(&mut buf) {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(quick_xml::events::Event::Start(_)) => depth += 1,
                    Ok(quick_xml::events::Event::End(_)) => depth -= 1,
                    Ok(_) => {}
                    Err(e) => panic!("{name}: at byte {}: {e}", reader.buffer_position()),
                }
                buf.clear();
            }
            assert_eq!(depth, 0, "{name}: unbalanced elements");
        }
        "dot" | "gv" => {
            if let Some(dot) = tool("dot") {
                let o = Command::new(dot).arg("-Tcanon").arg(path).output().unwrap();
                assert!(
                    o.status.success(),
                    "{name}: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
            }
        }
        _ => {}
    }
}

fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = output_files(dir).into_keys().map(|k| dir.join(k)).collect();
    v.sort();
    v
}

#[test]
fn hostile_names_cannot_inject_into_any_output_syntax() {
    let dir = tempdir();
    let d = dir.path();
    // The names are known people (a user lexicon); extraction keeps what a name may hold
    // (letters, apostrophes, …). Document ids (JSON Lines `id`, file names) are taken as they
    // are: they carry every hostile string into every output's `docs`.
    let lexicon: String = HOSTILE.iter().map(|n| format!("person\t{n}\n")).collect();
    fs::write(d.join("hostile.tsv"), lexicon).unwrap();
    let input = d.join("in");
    fs::create_dir(&input).unwrap();
    let ids: Vec<&str> = HOSTILE_IDS.iter().chain(HOSTILE).copied().collect();
    let mut feed = String::new();
    for (i, id) in ids.iter().enumerate() {
        let a = HOSTILE[i % HOSTILE.len()];
        let b = HOSTILE[(i + 1) % HOSTILE.len()];
        let text = format!("{a} met {b} in Caracas on Monday. Later, {a} said \"{b}\" was <b>right</b> & {id}. ({i})");
        feed.push_str(&serde_json::json!({ "id": id, "text": text, "title": id }).to_string());
        feed.push('\n');
    }
    fs::write(input.join("feed.jsonl"), feed).unwrap();
    // A hostile file name: its relative path is the document id.
    let file_id = "x\"<y> & 'z' -> {w}, =1+1.txt";
    fs::write(
        input.join(file_id),
        format!("{} spoke in Caracas.", HOSTILE[0]),
    )
    .unwrap();
    let out = d.join("out");
    let o = kgraph()
        .arg("build")
        .arg("--lexicon")
        .arg(d.join("hostile.tsv"))
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let g = graph_json(&out);
    let labels: Vec<&str> = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.iter().any(|l| l.contains('\'')),
        "an apostrophe reaches a label: {labels:?}"
    );
    let docs: Vec<String> = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["docs"].as_array().unwrap().clone())
        .map(|d| d.as_str().unwrap().to_string())
        .collect();
    for id in ids.iter().chain([&file_id]) {
        assert!(
            docs.iter().any(|d| d == id),
            "document id {id:?} is not in the graph"
        );
    }
    let files = all_files(&out);
    assert!(!files.is_empty());
    for f in &files {
        assert_output_parses(f);
    }
}

#[test]
fn output_file_names_never_come_from_document_text() {
    let dir = tempdir();
    let seeds = build(&[&root().join("seeds")]);
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    for (i, id) in HOSTILE_IDS.iter().enumerate() {
        fs::write(input.join(format!("{i}.jsonl")), format!("{}\n", serde_json::json!({"id": format!("../../{id}"), "text": format!("{} met officials in Caracas. {id}", HOSTILE[i % HOSTILE.len()])}))).unwrap();
    }
    let out = dir.path().join("out");
    let o = build_into(&input, &out, &["--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let names = |d: &Path| output_files(d).into_keys().collect::<Vec<_>>();
    assert_eq!(
        names(&out),
        names(seeds.path()),
        "the same file names whatever the input"
    );
    let outside: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        outside.len(),
        2,
        "nothing written beside the output folder: {outside:?}"
    );
}

mod properties {
    //! Property tests sized for CI: any text through extraction never panics, and every span
    //! slices the document at char boundaries to exactly its text.

    use kgraph::corpus::{documents_from_bytes, Document, Source, SourceKind};
    use kgraph::Pipeline;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn pipeline() -> &'static Pipeline {
        static P: OnceLock<Pipeline> = OnceLock::new();
        P.get_or_init(|| Pipeline::builtin().unwrap())
    }

    /// Pieces real articles and hostile inputs are made of.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "Nicolás Maduro",
                "President",
                "Mr.",
                "U.S.",
                "Caracas",
                "Bogotá",
                "Tren de Aragua",
                "the",
                "said",
                "Minister",
                "of",
                "and",
                "ICE",
                "<p>",
                "</p>",
                "<b>",
                "<script>",
                "<!--",
                "-->",
                "&amp;",
                "&#233;",
                "&#xD800;",
                "\"",
                "'",
                "«",
                "»",
                "“",
                "”",
                "’",
                "—",
                "…",
                ".",
                ",",
                ";",
                ":",
                "(",
                ")",
                "\n",
                "\n\n",
                "\r\n",
                "\t",
                " ",
                "  ",
                "\u{0}",
                "\u{1b}",
                "\u{7f}",
                "\u{200b}",
                "\u{feff}",
                "e\u{301}",
                "ﬁ",
                "ß",
                "İstanbul",
                "Σ",
                "東京",
                "習近平",
                "مرحبا",
                "שלום",
                "🇻🇪",
                "👩‍👩‍👧",
                "\u{fffd}",
                "A",
                "Z",
                "Mc",
                "O'Neil",
                "Jr.",
                "St.",
                "1",
                "2024",
                "Monday",
            ])
            .prop_map(String::from),
            "[A-Z][a-zà-ÿ]{0,8}",
            "\\PC{0,6}",
            any::<String>().prop_map(|s| s.chars().take(8).collect()),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec((piece(), prop::sample::select(vec!["", " ", "\n"])), 0..80)
            .prop_map(|parts| parts.into_iter().map(|(p, sep)| p + sep).collect())
    }

    fn check(doc: &Document) -> Result<(), TestCaseError> {
        let ex = pipeline().extract(doc);
        for m in &ex.mentions {
            prop_assert!(
                doc.text.is_char_boundary(m.start) && doc.text.is_char_boundary(m.end),
                "{m:?}"
            );
            prop_assert_eq!(doc.text.get(m.start..m.end), Some(m.text.as_str()));
        }
        for r in &ex.relations {
            let ev = ex.evidence(r);
            prop_assert_eq!(doc.text.get(ev.start..ev.end), Some(ev.text.as_str()));
        }
        let graph = pipeline().build_graph(vec![doc.clone()]);
        for e in graph.edges() {
            for ev in &e.edge.evidence {
                prop_assert_eq!(doc.text.get(ev.start..ev.end), Some(&*ev.text));
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn any_text_extracts_without_panic_and_spans_slice_back(t in text()) {
            check(&Document::new("p.txt", t))?;
        }

        #[test]
        fn any_bytes_as_any_kind_of_source_never_panic(kind in 0u8..3, bytes in prop::collection::vec(any::<u8>(), 0..400), t in text()) {
            let kind = [SourceKind::Text, SourceKind::Html, SourceKind::JsonLines][kind as usize];
            for input in [bytes, t.into_bytes()] {
                let source = Source { id: "p".into(), path: None, kind, part: None };
                let mut warnings = Vec::new();
                for doc in documents_from_bytes(&source, input, &mut warnings) {
                    check(&doc)?;
                }
            }
        }
    }
}
