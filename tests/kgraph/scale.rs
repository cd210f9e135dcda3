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
