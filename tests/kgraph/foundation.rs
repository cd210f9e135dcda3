//! The foundation: build writes graph.json, deterministic bytes, extract offsets, errors.

use std::fs;

use crate::util::*;

#[test]
fn build_writes_graph_json_for_the_seeds() {
    let out = build(&[&root().join("seeds")]);
    let bytes = fs::read(out.path().join("graph.json")).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v["directed"], true);
    assert_eq!(v["multigraph"], true);
    assert!(v["nodes"].as_array().unwrap().len() > 20);
    assert_eq!(v["graph"]["documents"], 5);
}

#[test]
fn two_builds_give_identical_bytes() {
    let a = build(&[&root().join("seeds")]);
    let b = build(&[&root().join("seeds")]);
    let mut names: Vec<_> = fs::read_dir(a.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 2, "{names:?}");
    for name in names {
        let (x, y) = (a.path().join(&name), b.path().join(&name));
        if x.is_dir() {
            continue;
        }
        assert!(
            fs::read(&x).unwrap() == fs::read(&y).unwrap(),
            "{name:?} differs between two builds"
        );
    }
}

#[test]
fn thread_count_does_not_change_output() {
    let one = tempdir();
    let two = tempdir();
    for (dir, n) in [(&one, "1"), (&two, "2")] {
        kgraph()
            .args(["build", "--quiet", "--threads", n, "seeds", "-o"])
            .arg(dir.path())
            .assert()
            .success();
    }
    assert_eq!(
        fs::read(one.path().join("graph.json")).unwrap(),
        fs::read(two.path().join("graph.json")).unwrap()
    );
}

#[test]
fn every_extracted_mention_slices_back_to_its_text() {
    let out = kgraph().args(["extract", "seeds"]).output().unwrap();
    assert!(out.status.success());
    let mut count = 0;
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let m: serde_json::Value = serde_json::from_str(line).unwrap();
        let doc = m["doc"].as_str().unwrap();
        let text = fs::read_to_string(root().join("seeds").join(doc)).unwrap();
        let (s, e) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..e], m["text"].as_str().unwrap(), "{line}");
        assert!(m["entity"].as_str().unwrap().contains(':'));
        count += 1;
    }
    assert!(count > 100, "only {count} mentions");
}

#[test]
fn missing_input_is_one_line_naming_the_path() {
    let out = kgraph()
        .args(["build", "no/such/path", "-o"])
        .arg(tempdir().path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("no/such/path"), "{err}");
}

#[test]
fn extracted_mention_entities_exist_in_the_graph() {
    let dir = build(&[&root().join("seeds")]);
    let v: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("graph.json")).unwrap()).unwrap();
    let ids: std::collections::BTreeSet<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    let out = kgraph().args(["extract", "seeds"]).output().unwrap();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let m: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(ids.contains(m["entity"].as_str().unwrap()), "{line}");
    }
}

#[test]
fn inputs_html_jsonl_and_stdin() {
    let dir = tempdir();
    fs::write(dir.path().join("a.html"), "<html><head><title>T</title><script>x()</script></head><body><p>Venezuelan President Nicol&aacute;s Maduro spoke in Caracas.</p></body></html>").unwrap();
    fs::write(dir.path().join("b.jsonl"), "{\"id\":\"k1\",\"text\":\"Prime Minister Benjamin Netanyahu visited Washington.\"}\n{\"text\":\"Journalist Ronna Rísquez wrote a book.\"}\n").unwrap();
    let out = kgraph().arg("extract").arg(dir.path()).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\"doc\":\"a.html\""), "{text}");
    assert!(text.contains("\"doc\":\"k1\""), "{text}");
    assert!(text.contains("\"doc\":\"b.jsonl:2\""), "{text}");
    assert!(text.contains("Nicolás Maduro"), "{text}");
    let out = kgraph()
        .args(["extract", "-"])
        .write_stdin("Senator Jane Doe met Mr. John Smith in Paris.")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\"doc\":\"stdin\""), "{text}");
    assert!(text.contains("John Smith"), "{text}");
}
