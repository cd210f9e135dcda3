//! Scale-out: shard builds merged in any order give the whole build's bytes; bad shard specs.

use std::fs;
use std::path::Path;

use crate::util::*;

fn shard(n: usize, of: usize) -> tempfile::TempDir {
    let dir = tempdir();
    kgraph()
        .args([
            "build",
            "--quiet",
            "--shard",
            &format!("{n}/{of}"),
            "seeds",
            "-o",
        ])
        .arg(dir.path())
        .assert()
        .success();
    dir
}

fn merge(inputs: &[&Path]) -> tempfile::TempDir {
    let dir = tempdir();
    let mut c = kgraph();
    c.args(["merge", "--quiet", "--strict"]);
    for i in inputs {
        c.arg(i);
    }
    c.arg("-o").arg(dir.path()).assert().success();
    dir
}

/// Every file of `whole`, byte for byte, in `merged`; and nothing more.
fn assert_same_outputs(whole: &Path, merged: &Path) {
    let names = |d: &Path| {
        let mut v: Vec<String> = fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(whole), names(merged), "the same files");
    for name in names(whole) {
        if whole.join(&name).is_dir() {
            assert_same_outputs(&whole.join(&name), &merged.join(&name));
            continue;
        }
        let a = fs::read(whole.join(&name)).unwrap();
        let b = fs::read(merged.join(&name)).unwrap();
        assert!(
            a == b,
            "{name} differs between the whole build and the merge of shards"
        );
    }
}

#[test]
fn sharded_build_merged_in_any_order_is_the_whole_build() {
    let whole = build(&[&root().join("seeds")]);
    let parts = [shard(1, 3), shard(2, 3), shard(3, 3)];
    // Each shard writes only its partial graph.json, marked as such.
    let mut docs = 0;
    for (i, p) in parts.iter().enumerate() {
        let v: serde_json::Value =
            serde_json::from_slice(&fs::read(p.path().join("graph.json")).unwrap()).unwrap();
        assert_eq!(v["graph"]["partial"], true);
        assert_eq!(v["graph"]["shard"], format!("{}/3", i + 1));
        docs += v["graph"]["documents"].as_u64().unwrap();
        assert_eq!(
            fs::read_dir(p.path()).unwrap().count(),
            1,
            "a shard writes graph.json only"
        );
    }
    assert_eq!(docs, 5, "the shards together hold every seed once");
    let (a, b, c) = (parts[0].path(), parts[1].path(), parts[2].path());
    let forward = merge(&[a, b, c]);
    let backward = merge(&[&c.join("graph.json"), &a.join("graph.json"), b]);
    assert_same_outputs(whole.path(), forward.path());
    assert_same_outputs(whole.path(), backward.path());
    let v: serde_json::Value =
        serde_json::from_slice(&fs::read(forward.path().join("graph.json")).unwrap()).unwrap();
    assert!(
        v["graph"].get("partial").is_none() && v["graph"].get("texts").is_none(),
        "{}",
        v["graph"]
    );
}

#[test]
fn merging_a_whole_graph_alone_changes_nothing() {
    let whole = build(&[&root().join("seeds")]);
    let again = merge(&[&whole.path().join("graph.json")]);
    assert_same_outputs(whole.path(), again.path());
}

#[test]
fn merge_warns_about_a_shard_given_twice_and_missing_shards() {
    let one = shard(1, 3);
    let out = tempdir();
    let o = kgraph()
        .args(["merge", "--strict"])
        .arg(one.path())
        .arg(one.path())
        .arg("-o")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "warnings with --strict");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("same text"), "{err}");
    assert!(err.contains("2/3, 3/3 missing"), "{err}");
}

#[test]
fn bad_shard_specs_exit_2_with_a_clear_message() {
    for spec in ["0/3", "4/3", "3", "a/b", "1/0", "-1/3", ""] {
        let o = kgraph()
            .args([
                "build",
                "--quiet",
                &format!("--shard={spec}"),
                "seeds",
                "-o",
            ])
            .arg(tempdir().path())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "--shard {spec:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("--shard") && err.contains("I/N"),
            "--shard {spec:?}: {err}"
        );
    }
}

#[test]
fn merge_of_a_missing_or_broken_graph_is_an_error_naming_it() {
    let dir = tempdir();
    fs::write(dir.path().join("graph.json"), "{\"nodes\": 3}").unwrap();
    let o = kgraph()
        .arg("merge")
        .arg(dir.path())
        .arg("-o")
        .arg(tempdir().path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("graph.json"));
    let o = kgraph()
        .args(["merge", "no/such/part", "-o"])
        .arg(tempdir().path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no/such/part"));
}

/// A corpus of many small files, more than one window of the stream holds. Files 600–639
/// repeat the text of files 0–39 (a later window, the same shard of 2): only the first copy
/// counts, whatever the order in which threads finish.
fn many_files(dir: &Path, n: usize) {
    let seeds = fs::read_to_string(root().join("seeds").join("001_beec71ace042cf52.txt")).unwrap();
    let paragraphs: Vec<&str> = seeds.split("\n").filter(|p| p.len() > 80).collect();
    for i in 0..n {
        let k = if (600..640).contains(&i) { i - 600 } else { i };
        let text = format!(
            "Report {k}.\n\n{}\n\n{}\n",
            paragraphs[k % paragraphs.len()],
            paragraphs[(k * 7 + 3) % paragraphs.len()]
        );
        fs::write(dir.join(format!("{i:05}.txt")), text).unwrap();
    }
}

#[test]
fn many_windows_give_the_same_bytes_on_any_thread_count_and_in_shards() {
    let corpus = tempdir();
    many_files(corpus.path(), 1100);
    let mut outputs = Vec::new();
    for threads in ["1", "2", "3"] {
        let out = tempdir();
        kgraph()
            .args(["build", "--quiet", "--threads", threads])
            .arg(corpus.path())
            .arg("-o")
            .arg(out.path())
            .assert()
            .success();
        outputs.push(out);
    }
    for o in &outputs[1..] {
        assert_same_outputs(outputs[0].path(), o.path());
    }
    let graph = fs::read_to_string(outputs[0].path().join("graph.json")).unwrap();
    assert!(graph.contains("\"documents\": 1060"), "duplicates skipped");
    assert!(
        graph.contains("\"00000.txt\"") && !graph.contains("\"00600.txt\""),
        "the first copy kept"
    );
    let parts: Vec<tempfile::TempDir> = (1..=2)
        .map(|i| {
            let dir = tempdir();
            kgraph()
                .args(["build", "--quiet", "--shard", &format!("{i}/2")])
                .arg(corpus.path())
                .arg("-o")
                .arg(dir.path())
                .assert()
                .success();
            dir
        })
        .collect();
    let merged = merge(&[parts[1].path(), parts[0].path()]);
    assert_same_outputs(outputs[0].path(), merged.path());
}

#[test]
fn summary_is_one_line_with_megabytes_and_rate_and_no_progress_bar_off_a_terminal() {
    let out = kgraph()
        .args(["build", "seeds", "-o"])
        .arg(tempdir().path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(err.starts_with("kgraph: 5 documents (0.06 MB), "), "{err}");
    for part in [
        "entities (",
        "people",
        "relations",
        "0 warnings",
        " s (",
        "MB/s)",
    ] {
        assert!(err.contains(part), "{part:?} in {err}");
    }
    let quiet = kgraph()
        .args(["build", "--quiet", "seeds", "-o"])
        .arg(tempdir().path())
        .output()
        .unwrap();
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
}
